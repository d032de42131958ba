/* Capped, sticky-failure byte buffer; see buf.h. */
#include "base/buf.h"

#include "base/mem.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : BUF_DEFAULT_MAX;
    b->failed = false;
}

void buf_clear(struct buf *b)
{
    free(b->data);
    buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data)
        b->data[0] = '\0';
}

/* Makes room for n more bytes plus the terminator; false past the cap. */
static bool reserve(struct buf *b, size_t n)
{
    if (b->failed || n > b->max - b->len) {
        b->failed = true;
        return false;
    }
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
    return true;
}

void buf_reserve(struct buf *b, size_t n)
{
    if (!b->failed && n <= b->max - b->len)
        reserve(b, n);
}

void buf_append_slow(struct buf *b, const void *p, size_t n)
{
    if (!reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

char *buf_space(struct buf *b, size_t *n)
{
    if (!b->failed && *n > b->max - b->len)
        *n = b->max - b->len;
    if (*n == 0 || !reserve(b, *n)) {
        b->failed = true;
        return NULL;
    }
    return b->data + b->len;
}

void buf_commit(struct buf *b, size_t n)
{
    assert(b->data && b->len + n < b->cap);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        buf_append(b, small, (size_t)n);
        return;
    }
    if (!reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

bool buf_failed(const struct buf *b)
{
    return b->failed;
}

const char *buf_cstr(const struct buf *b)
{
    return b->data ? b->data : "";
}

char *buf_detach(struct buf *b, size_t *len)
{
    char *d = b->data ? b->data : xstrdup("");
    if (len)
        *len = b->len;
    b->data = NULL;
    buf_init(b, b->max);
    return d;
}
