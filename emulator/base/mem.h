/* Allocation that never returns NULL: out of memory aborts the process
 * (as Redis and jq do), so callers need no exhaustion paths. Sizes that come
 * from the wire are checked against limits before they get here. */
#ifndef DYNALAKE_MEM_H
#define DYNALAKE_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* The n strings of parts joined into one new string (NULL parts count as
 * empty). Joined by hand: ARNs are built so on every request, where
 * snprintf's format parsing showed in profiles. */
char *xstrjoin(const char *const *parts, size_t n);

/* Routes cJSON's allocations through xmalloc/free, so that a NULL from cJSON
 * always means bad input. Call once before any cJSON use. */
void mem_install_cjson_hooks(void);

#endif
