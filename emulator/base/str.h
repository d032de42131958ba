/* Length-carrying string slices and cursor scanning, with no allocation
 * (after curl's strparse). A slice borrows its bytes from whoever owns them. */
#ifndef DYNALAKE_STR_H
#define DYNALAKE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct str {
    const char *ptr; /* borrowed; not NUL-terminated in general */
    size_t len;
};

#define STR_LIT(s) ((struct str){ (s), sizeof(s) - 1 })

struct str str_from(const char *s); /* s may be NULL: gives the empty slice */
bool str_eq(struct str a, struct str b);
bool str_eq_cstr(struct str a, const char *s);
bool str_eq_nocase(struct str a, struct str b); /* ASCII case folding */
bool str_starts_with(struct str s, const char *prefix);
struct str str_trim(struct str s); /* strips spaces and tabs at both ends */

/* Splits s at the first sep: *head gets what precedes it, s what follows.
 * Without sep, *head gets all of s, s becomes empty, and false is returned. */
bool str_cut(struct str *s, char sep, struct str *head);

/* Copies s into out (size outlen, NUL-terminated); false if it did not fit. */
bool str_copy(struct str s, char *out, size_t outlen);

/* Room for any uint64_t in decimal, with its NUL. */
#define STR_DECIMAL_MAX 21

/* v in decimal, written backwards into the end of out; returns where it
 * starts. For request paths, where printf's format parsing showed in
 * profiles. */
const char *str_decimal(uint64_t v, char out[STR_DECIMAL_MAX]);

#endif
