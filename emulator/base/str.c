/* String slices; see str.h. */
#include "base/str.h"

#include <string.h>
#include <strings.h>

struct str str_from(const char *s)
{
    return (struct str){ s ? s : "", s ? strlen(s) : 0 };
}

bool str_eq(struct str a, struct str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool str_eq_cstr(struct str a, const char *s)
{
    return str_eq(a, str_from(s));
}

bool str_eq_nocase(struct str a, struct str b)
{
    return a.len == b.len && (a.len == 0 || strncasecmp(a.ptr, b.ptr, a.len) == 0);
}

bool str_starts_with(struct str s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

struct str str_trim(struct str s)
{
    while (s.len && is_blank(s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len && is_blank(s.ptr[s.len - 1]))
        s.len--;
    return s;
}

bool str_cut(struct str *s, char sep, struct str *head)
{
    const char *hit = s->len ? memchr(s->ptr, sep, s->len) : NULL;
    if (hit == NULL) {
        *head = *s;
        s->ptr += s->len;
        s->len = 0;
        return false;
    }
    head->ptr = s->ptr;
    head->len = (size_t)(hit - s->ptr);
    s->len -= head->len + 1;
    s->ptr = hit + 1;
    return true;
}

bool str_copy(struct str s, char *out, size_t outlen)
{
    if (outlen == 0 || s.len >= outlen)
        return false;
    if (s.len)
        memcpy(out, s.ptr, s.len);
    out[s.len] = '\0';
    return true;
}

const char *str_decimal(uint64_t v, char out[STR_DECIMAL_MAX])
{
    char *at = out + STR_DECIMAL_MAX - 1;
    *at = '\0';
    do {
        *--at = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    return at;
}
