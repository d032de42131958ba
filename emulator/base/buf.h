/* Growable byte buffer with a size cap and a sticky failure flag (after
 * curl's dynbuf): appends past the cap are dropped and mark the buffer
 * failed, so builders append freely and check buf_failed() once at the end.
 * The content is always NUL-terminated, and the terminator is not counted. */
#ifndef DYNALAKE_BUF_H
#define DYNALAKE_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Default cap: larger than any single response dynalake builds. */
#define BUF_DEFAULT_MAX ((size_t)64 << 20)

struct buf {
    char *data;  /* owned; NULL until the first append */
    size_t len;  /* bytes used, excluding the NUL terminator */
    size_t cap;  /* bytes allocated */
    size_t max;  /* the most len may ever reach */
    bool failed; /* an append was dropped for exceeding max */
};

void buf_init(struct buf *b, size_t max); /* max 0 means BUF_DEFAULT_MAX */
void buf_clear(struct buf *b);            /* frees the storage */
void buf_reset(struct buf *b);            /* empties, keeps storage, clears failure */
/* Appends that need more room, reach the cap or follow a failure. */
void buf_append_slow(struct buf *b, const void *p, size_t n);

/* Inline, because builders append a few bytes at a time (SigV4's
 * canonical request, JSON and XML writers): an append that fits the
 * allocation is a copy and a terminator, without a call. */
static inline void buf_append(struct buf *b, const void *p, size_t n)
{
    if (!b->failed && n < b->cap - b->len && n <= b->max - b->len) {
        if (n)
            memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
        return;
    }
    buf_append_slow(b, p, n);
}

static inline void buf_putc(struct buf *b, char ch)
{
    buf_append(b, &ch, 1);
}

/* Inline too: for a literal, the compiler knows its length. */
static inline void buf_puts(struct buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool buf_failed(const struct buf *b);

/* Allocates room for n more bytes now, for a writer that knows roughly
 * how much is coming: one allocation instead of a doubling series. Past
 * the cap it does nothing (the appends themselves will fail). */
void buf_reserve(struct buf *b, size_t n);

/* Room to write up to *n more bytes in place, at the returned pointer, for
 * writers that fill a buffer themselves; *n is lowered to what the cap
 * allows. NULL, and b failed, when there is no room at all. The bytes
 * count once buf_commit says how many were written; until then the
 * content is unchanged (its terminator may be overwritten: commit 0 to
 * put it back). */
char *buf_space(struct buf *b, size_t *n);
void buf_commit(struct buf *b, size_t n);

/* The content as a C string; "" when empty. Borrowed: valid until the next
 * append or clear. */
const char *buf_cstr(const struct buf *b);

/* Hands the storage to the caller (free with free()) and empties b. Never
 * returns NULL. */
char *buf_detach(struct buf *b, size_t *len);

#endif
