/* The audited context as JSON; see audit_context.h. Consecutive decisions
 * on a thread mostly carry the same context (the same caller, second and
 * region), so each thread remembers the last context it wrote, as its
 * keys and values, and copies the JSON when the next one matches byte for
 * byte: comparing is a fraction of escaping and writing. */
#include "http/audit_context.h"

#include "base/buf.h"
#include "base/json.h"
#include "iam/iam_cond.h"

#include <stdbool.h>
#include <string.h>

/* Context entries beyond this many are not written (authz builds at most
 * 48). */
#define CONTEXT_MAX_ENTRIES 64
/* Room for one remembered context, as compared and as written; a larger
 * one is written every time. */
#define CONTEXT_MEMO_BYTES 2048

struct context_memo {
    size_t raw_len; /* 0: nothing remembered */
    size_t json_len;
    char raw[CONTEXT_MEMO_BYTES];  /* keys and values, NUL-terminated, and
                                      each entry's value count as a byte */
    char json[CONTEXT_MEMO_BYTES];
};

static _Thread_local struct context_memo memo;

/* Whether entry i repeats the key of an earlier one. Lengths first: keys
 * share the "aws:" prefix. */
static bool is_repeated_key(const struct iam_context *ctx, const size_t *lens,
                            size_t i)
{
    for (size_t j = 0; j < i; j++) {
        if (lens[j] == lens[i] &&
            memcmp(ctx->entries[j].key, ctx->entries[i].key, lens[i]) == 0)
            return true;
    }
    return false;
}

static size_t entry_count(const struct iam_context *ctx)
{
    size_t n = ctx ? ctx->n : 0;
    return n < CONTEXT_MAX_ENTRIES ? n : CONTEXT_MAX_ENTRIES;
}

static void write_json(struct buf *b, const struct iam_context *ctx)
{
    size_t lens[CONTEXT_MAX_ENTRIES];
    size_t n = entry_count(ctx);
    buf_puts(b, ",\"context\":{");
    for (size_t i = 0; i < n; i++) {
        const struct iam_context_entry *e = &ctx->entries[i];
        lens[i] = strlen(e->key);
        if (is_repeated_key(ctx, lens, i))
            continue;
        buf_puts(b, i ? "," : "");
        json_write_string(b, e->key, lens[i]);
        buf_putc(b, ':');
        bool is_list = e->n_values != 1 || strncmp(e->key, "aws:", 4) != 0;
        buf_puts(b, is_list ? "[" : "");
        for (size_t k = 0; k < e->n_values; k++) {
            buf_puts(b, k ? "," : "");
            json_write_string(b, e->values[k], strlen(e->values[k]));
        }
        buf_puts(b, is_list ? "]" : "");
    }
    buf_putc(b, '}');
}

/* Appends s with its NUL to raw at *at; false when it does not fit. With
 * compare, checks that raw already holds it there instead. */
static bool raw_string(char *raw, size_t *at, const char *s, bool compare)
{
    size_t n = strlen(s) + 1;
    if (n > CONTEXT_MEMO_BYTES - *at)
        return false;
    if (compare && memcmp(raw + *at, s, n) != 0)
        return false;
    if (!compare)
        memcpy(raw + *at, s, n);
    *at += n;
    return true;
}

/* Walks ctx as the memo's raw form: compares it with memo.raw (compare)
 * or writes it there. Returns the raw length, or 0 when it differs or
 * does not fit. */
static size_t walk_raw(const struct iam_context *ctx, bool compare)
{
    size_t at = 0;
    size_t n = entry_count(ctx);
    for (size_t i = 0; i < n; i++) {
        const struct iam_context_entry *e = &ctx->entries[i];
        if (e->n_values > 255 || !raw_string(memo.raw, &at, e->key, compare))
            return 0;
        char count = (char)e->n_values;
        if (at == CONTEXT_MEMO_BYTES)
            return 0;
        if (compare && memo.raw[at] != count)
            return 0;
        memo.raw[at++] = count;
        for (size_t k = 0; k < e->n_values; k++) {
            if (!raw_string(memo.raw, &at, e->values[k], compare))
                return 0;
        }
    }
    return at;
}

void audit_context_write(struct buf *b, const struct iam_context *ctx)
{
    if (memo.raw_len > 0 && walk_raw(ctx, true) == memo.raw_len) {
        buf_append(b, memo.json, memo.json_len);
        return;
    }
    size_t start = b->len;
    write_json(b, ctx);
    size_t json_len = b->len - start;
    memo.raw_len = 0;
    if (buf_failed(b) || json_len > CONTEXT_MEMO_BYTES)
        return;
    size_t raw_len = walk_raw(ctx, false);
    if (raw_len == 0)
        return;
    memcpy(memo.json, buf_cstr(b) + start, json_len);
    memo.json_len = json_len;
    memo.raw_len = raw_len;
}
