/* Policy variables; see iam_var.h. Compilation turns literal runs into
 * their final (escaped) form and records variables as parts; expansion is
 * a copy loop with one context lookup per variable. */
#include "iam/iam_var.h"

#include "base/buf.h"
#include "base/mem.h"
#include "iam/iam_cond.h"

#include <stdlib.h>
#include <string.h>

/* Appends one literal byte in the pattern's form. */
static void put_literal(struct buf *b, enum iam_var_mode mode, char c)
{
    if (mode == IAM_VAR_GLOB && (c == '\\' || c == '*' || c == '?'))
        buf_putc(b, '\\');
    buf_putc(b, c);
}

/* Appends one byte of policy text, where '*' and '?' keep their meaning. */
static void put_policy_byte(struct buf *b, enum iam_var_mode mode, char c)
{
    if (mode == IAM_VAR_GLOB && c == '\\')
        buf_putc(b, '\\');
    buf_putc(b, c);
}

/* Index of the '}' closing "${" at open, skipping quoted text; 0 if none. */
static size_t find_close(const char *t, size_t len, size_t open)
{
    bool in_quote = false;
    for (size_t i = open + 2; i < len; i++) {
        if (t[i] == '\'')
            in_quote = !in_quote;
        else if (t[i] == '}' && !in_quote)
            return i;
    }
    return 0;
}

/* Parses "'text'" with '' standing for one quote into b; false if not so. */
static bool parse_quoted(struct str q, struct buf *b)
{
    if (q.len < 2 || q.ptr[0] != '\'' || q.ptr[q.len - 1] != '\'')
        return false;
    for (size_t i = 1; i + 1 < q.len; i++) {
        if (q.ptr[i] == '\'') {
            if (i + 2 >= q.len || q.ptr[i + 1] != '\'')
                return false;
            i++;
        }
        buf_putc(b, q.ptr[i]);
    }
    return true;
}

static bool has_blank(struct str s)
{
    return memchr(s.ptr, ' ', s.len) || memchr(s.ptr, '\t', s.len);
}

/* Fills a variable part from the text between "${" and "}". */
static void parse_var(struct str inner, struct buf *store,
                      struct iam_var_part *part)
{
    struct str key;
    bool has_comma = str_cut(&inner, ',', &key);
    key = str_trim(key);
    part->is_var = true;
    part->off = store->len;
    part->len = key.len;
    buf_append(store, key.ptr, key.len);
    buf_putc(store, '\0');
    part->is_bad = key.len == 0 || has_blank(key);
    if (!has_comma)
        return;
    part->dflt_off = store->len;
    part->has_default = parse_quoted(str_trim(inner), store);
    part->dflt_len = store->len - part->dflt_off;
    if (!part->has_default)
        part->is_bad = true;
}

static void add_part(struct iam_pattern *p, size_t *cap,
                     const struct iam_var_part *part)
{
    if (p->n_parts == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        p->parts = xrealloc(p->parts, *cap * sizeof *p->parts);
    }
    p->parts[p->n_parts++] = *part;
}

/* Closes the literal run that started at *lit_off, if it is not empty. */
static void end_literal(struct iam_pattern *p, size_t *cap, struct buf *b,
                        size_t *lit_off)
{
    if (b->len > *lit_off) {
        struct iam_var_part part = { .off = *lit_off,
                                     .len = b->len - *lit_off };
        add_part(p, cap, &part);
    }
    *lit_off = b->len;
}

/* Handles "${...}" at i; returns the index of its last byte, or i when the
 * '$' is plain text. */
static size_t compile_brace(struct iam_pattern *p, size_t *cap, struct buf *b,
                            size_t *lit_off, const char *t, size_t len,
                            size_t i)
{
    size_t close = find_close(t, len, i);
    if (close == 0)
        return i;
    struct str inner = str_trim((struct str){ t + i + 2, close - i - 2 });
    if (inner.len == 1 && strchr("*?$", inner.ptr[0])) {
        put_literal(b, p->mode, inner.ptr[0]);
        return close;
    }
    end_literal(p, cap, b, lit_off);
    struct iam_var_part part = { 0 };
    parse_var(inner, b, &part);
    add_part(p, cap, &part);
    *lit_off = b->len;
    return close;
}

void iam_var_compile(struct iam_pattern *p, const char *text, size_t len,
                     enum iam_var_mode mode, size_t vars_from)
{
    struct buf b;
    size_t cap = 0;
    size_t lit_off = 0;
    buf_init(&b, 0);
    *p = (struct iam_pattern){ .mode = mode };
    for (size_t i = 0; i < len; i++) {
        bool is_brace = i >= vars_from && text[i] == '$' && i + 1 < len &&
                        text[i + 1] == '{';
        size_t last =
            is_brace ? compile_brace(p, &cap, &b, &lit_off, text, len, i) : i;
        if (last == i)
            put_policy_byte(&b, mode, text[i]);
        i = last;
    }
    if (p->n_parts > 0)
        end_literal(p, &cap, &b, &lit_off);
    buf_putc(&b, '\0');
    p->text = buf_detach(&b, &p->len);
    p->len--; /* the NUL put above */
}

void iam_var_clear(struct iam_pattern *p)
{
    free(p->text);
    free(p->parts);
    *p = (struct iam_pattern){ 0 };
}

bool iam_var_has_vars(const struct iam_pattern *p)
{
    return p->parts != NULL;
}

/* Copies s, escaped for the pattern's mode; false when buf is full. */
static bool copy_value(const struct iam_pattern *p, struct str s, char *buf,
                       size_t buflen, size_t *n)
{
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        bool esc =
            p->mode == IAM_VAR_GLOB && (c == '\\' || c == '*' || c == '?');
        if (*n + 1 + esc >= buflen)
            return false;
        if (esc)
            buf[(*n)++] = '\\';
        buf[(*n)++] = c;
    }
    return true;
}

/* The text a variable part stands for; false when it has none. Only a
 * single-valued key can stand in: AWS says a multivalued context key
 * cannot be used as a policy variable. */
static bool resolve(const struct iam_pattern *p, const struct iam_var_part *v,
                    const struct iam_context *ctx, struct str *out)
{
    const struct iam_context_entry *e = NULL;
    if (!v->is_bad)
        e = iam_cond_context_find(ctx,
                                  (struct str){ p->text + v->off, v->len });
    if (e != NULL && e->n_values == 1 && e->values[0] != NULL) {
        *out = str_from(e->values[0]);
        return true;
    }
    if (!v->has_default || v->is_bad)
        return false;
    *out = (struct str){ p->text + v->dflt_off, v->dflt_len };
    return true;
}

int iam_var_expand(const struct iam_pattern *p, const struct iam_context *ctx,
                   char *buf, size_t buflen, struct str *out)
{
    if (p->parts == NULL) {
        *out = (struct str){ p->text, p->len };
        return 0;
    }
    size_t n = 0;
    for (size_t i = 0; i < p->n_parts; i++) {
        const struct iam_var_part *part = &p->parts[i];
        if (!part->is_var) {
            if (n + part->len >= buflen)
                return -1;
            memcpy(buf + n, p->text + part->off, part->len);
            n += part->len;
            continue;
        }
        struct str value;
        if (!resolve(p, part, ctx, &value) ||
            !copy_value(p, value, buf, buflen, &n))
            return -1;
    }
    buf[n] = '\0';
    *out = (struct str){ buf, n };
    return 0;
}
