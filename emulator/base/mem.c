/* Aborting allocators; see mem.h. */
#include "base/mem.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(size_t n)
{
    fprintf(stderr, "dynalake: out of memory allocating %zu bytes\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        out_of_memory(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p == NULL)
        out_of_memory(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        out_of_memory(n);
    return q;
}

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

/* Parts of one joined string; ARNs have at most a handful. */
#define XSTRJOIN_MAX_PARTS 16

char *xstrjoin(const char *const *parts, size_t n)
{
    size_t lens[XSTRJOIN_MAX_PARTS];
    size_t total = 0;
    if (n > XSTRJOIN_MAX_PARTS)
        abort();
    for (size_t i = 0; i < n; i++)
        total += lens[i] = parts[i] ? strlen(parts[i]) : 0;
    char *out = xmalloc(total + 1);
    char *at = out;
    for (size_t i = 0; i < n; i++) {
        if (lens[i])
            memcpy(at, parts[i], lens[i]);
        at += lens[i];
    }
    *at = '\0';
    return out;
}

void mem_install_cjson_hooks(void)
{
    cJSON_Hooks hooks = { .malloc_fn = xmalloc, .free_fn = free };
    cJSON_InitHooks(&hooks);
}
