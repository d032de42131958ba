/* The compact-JSON scanner; see jscan.h. One pass, no allocation: a value
 * is checked byte by byte as it is stepped over, so that a caller can trust
 * every member it did not look at as much as cJSON would have. */
#include "sync/jscan.h"

#include "base/buf.h"
#include "base/json.h"

#include <stdint.h>
#include <string.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The control character a \u escape at p (after the 'u') stands for, when
 * it is one json_write writes that way (lower-case hex, not a character
 * with a short escape); -1 otherwise. */
static int control_escape(const char *p, const char *end)
{
    if (end - p < 4 || p[0] != '0' || p[1] != '0')
        return -1;
    int hi = hex_value(p[2]), lo = hex_value(p[3]);
    if (hi < 0 || hi > 1 || lo < 0)
        return -1;
    int ch = hi * 16 + lo;
    bool has_short = ch == '\b' || ch == '\t' || ch == '\n' || ch == '\f' ||
                     ch == '\r';
    return ch == 0 || has_short ? -1 : ch;
}

/* p is just past an opening quote; returns just past the closing one. */
static const char *scan_string(const char *p, const char *end,
                               bool *is_exact)
{
    for (;;) {
        p += json_plain_length(p, (size_t)(end - p));
        if (p == end || (unsigned char)*p < 0x20)
            return NULL;
        if (*p == '"')
            return p + 1;
        if (end - p < 2)
            return NULL;
        char esc = p[1];
        if (esc == 'u') {
            if (control_escape(p + 2, end) < 0)
                return NULL;
            p += 6;
        } else if (esc == '/') {
            *is_exact = false; /* json_write prints a plain '/' */
            p += 2;
        } else if (esc == '"' || esc == '\\' || esc == 'b' || esc == 'f' ||
                   esc == 'n' || esc == 'r' || esc == 't') {
            p += 2;
        } else {
            return NULL;
        }
    }
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static const char *scan_digits(const char *p, const char *end)
{
    const char *start = p;
    while (p < end && is_digit(*p))
        p++;
    return p > start ? p : NULL;
}

/* RFC 8259 numbers. Exact are the integers that cJSON prints back as
 * written: it prints through an int, so at most 9 digits, and no "-0". */
static const char *scan_number(const char *p, const char *end,
                               bool *is_exact)
{
    const char *start = p;
    if (p < end && *p == '-')
        p++;
    const char *int_start = p;
    if (p < end && *p == '0')
        p++;
    else if ((p = scan_digits(p, end)) == NULL)
        return NULL;
    size_t int_digits = (size_t)(p - int_start);
    bool is_integer = true;
    if (p < end && *p == '.') {
        is_integer = false;
        if ((p = scan_digits(p + 1, end)) == NULL)
            return NULL;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        is_integer = false;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if ((p = scan_digits(p, end)) == NULL)
            return NULL;
    }
    if ((size_t)(p - start) > JSCAN_NUMBER_MAX)
        return NULL;
    bool is_minus_zero = *start == '-' && *int_start == '0' && is_integer;
    if (!is_integer || int_digits > 9 || is_minus_zero)
        *is_exact = false;
    return p;
}

static const char *scan_literal(const char *p, const char *end,
                                const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(end - p) < n || memcmp(p, word, n) != 0)
        return NULL;
    return p + n;
}

static const char *scan_value(const char *p, const char *end, int depth,
                              bool *is_exact);

/* p is at '{' or '['; returns just past the matching close. */
static const char *scan_container(const char *p, const char *end, int depth,
                                  bool *is_exact)
{
    bool is_object = *p == '{';
    char close = is_object ? '}' : ']';
    if (depth >= JSCAN_MAX_DEPTH)
        return NULL;
    p++;
    if (p < end && *p == close)
        return p + 1;
    for (;;) {
        if (is_object) {
            if (p == end || *p != '"' ||
                (p = scan_string(p + 1, end, is_exact)) == NULL ||
                p == end || *p++ != ':')
                return NULL;
        }
        p = scan_value(p, end, depth + 1, is_exact);
        if (p == NULL || p == end)
            return NULL;
        if (*p == close)
            return p + 1;
        if (*p++ != ',')
            return NULL;
    }
}

static const char *scan_value(const char *p, const char *end, int depth,
                              bool *is_exact)
{
    if (p >= end)
        return NULL;
    switch (*p) {
    case '{':
    case '[':
        return scan_container(p, end, depth, is_exact);
    case '"':
        return scan_string(p + 1, end, is_exact);
    case 't':
        return scan_literal(p, end, "true");
    case 'f':
        return scan_literal(p, end, "false");
    case 'n':
        return scan_literal(p, end, "null");
    default:
        return scan_number(p, end, is_exact);
    }
}

const char *jscan_value(const char *p, const char *end, bool *is_exact)
{
    return scan_value(p, end, 0, is_exact);
}

static bool open_container(struct jscan_iter *it, const char *p,
                           const char *end, int depth, char open)
{
    bool is_open = p < end && *p == open && depth < JSCAN_MAX_DEPTH;
    *it = (struct jscan_iter){ .p = is_open ? p + 1 : p, .end = end,
                               .depth = depth, .is_object = open == '{',
                               .is_first = true, .is_failed = !is_open,
                               .is_exact = true };
    return is_open;
}

bool jscan_object_open(struct jscan_iter *it, const char *p, const char *end,
                       int depth)
{
    return open_container(it, p, end, depth, '{');
}

bool jscan_array_open(struct jscan_iter *it, const char *p, const char *end,
                      int depth)
{
    return open_container(it, p, end, depth, '[');
}

static bool fail(struct jscan_iter *it)
{
    it->is_failed = true;
    return false;
}

/* Before a member or element: the ',' after the previous one, or the
 * close. True when one follows. */
static bool step_separator(struct jscan_iter *it)
{
    char close = it->is_object ? '}' : ']';
    if (it->is_failed || it->is_done || it->p >= it->end)
        return it->is_failed || it->is_done ? false : fail(it);
    if (*it->p == close) {
        it->p++;
        it->is_done = true;
        return false;
    }
    if (!it->is_first && *it->p++ != ',')
        return fail(it);
    it->is_first = false;
    return it->p < it->end ? true : fail(it);
}

bool jscan_object_key(struct jscan_iter *it, struct jscan_span *name)
{
    if (!step_separator(it))
        return false;
    bool is_exact = true;
    const char *start = it->p;
    const char *stop = start < it->end && *start == '"'
                           ? scan_string(start + 1, it->end, &is_exact)
                           : NULL;
    if (stop == NULL || stop + 1 >= it->end || *stop != ':')
        return fail(it);
    *name = (struct jscan_span){ start + 1, (size_t)(stop - start - 2) };
    it->p = stop + 1;
    it->is_exact &= is_exact;
    return true;
}

bool jscan_array_element(struct jscan_iter *it)
{
    return step_separator(it);
}

bool jscan_next_value(struct jscan_iter *it, struct jscan_span *value,
                      bool *is_exact)
{
    bool exact = true;
    const char *start = it->p;
    const char *stop = scan_value(start, it->end, it->depth + 1, &exact);
    if (stop == NULL)
        return fail(it);
    *value = (struct jscan_span){ start, (size_t)(stop - start) };
    if (is_exact)
        *is_exact = exact;
    it->is_exact &= exact;
    it->p = stop;
    return true;
}

bool jscan_object_next(struct jscan_iter *it, struct jscan_span *name,
                       struct jscan_span *value, bool *is_exact)
{
    return jscan_object_key(it, name) &&
           jscan_next_value(it, value, is_exact);
}

bool jscan_array_next(struct jscan_iter *it, struct jscan_span *value,
                      bool *is_exact)
{
    return jscan_array_element(it) && jscan_next_value(it, value, is_exact);
}

bool jscan_is_whole(const struct jscan_iter *it, struct jscan_span v)
{
    return it->is_done && !it->is_failed && it->p == v.p + v.len;
}

bool jscan_is_string(struct jscan_span v, struct jscan_span *content)
{
    if (v.len < 2 || v.p[0] != '"')
        return false;
    if (content)
        *content = (struct jscan_span){ v.p + 1, v.len - 2 };
    return true;
}

bool jscan_is_number(struct jscan_span v)
{
    return v.len > 0 && (v.p[0] == '-' || is_digit(v.p[0]));
}

bool jscan_is_plain(struct jscan_span s)
{
    return s.len == 0 || memchr(s.p, '\\', s.len) == NULL;
}

bool jscan_equals(struct jscan_span s, const char *text)
{
    size_t n = strlen(text);
    return s.len == n && memcmp(s.p, text, n) == 0;
}

int jscan_compare(struct jscan_span a, struct jscan_span b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.p, b.p, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return (a.len > b.len) - (a.len < b.len);
}

void jscan_unescape(struct buf *out, struct jscan_span content)
{
    const char *p = content.p, *end = content.p + content.len;
    while (p < end) {
        const char *bs = memchr(p, '\\', (size_t)(end - p));
        const char *stop = bs ? bs : end;
        buf_append(out, p, (size_t)(stop - p));
        if (bs == NULL || end - bs < 2)
            return;
        char esc = bs[1];
        char ch = esc == 'b' ? '\b' : esc == 'f' ? '\f' : esc == 'n' ? '\n'
                : esc == 'r' ? '\r' : esc == 't' ? '\t' : esc;
        if (esc == 'u') {
            int cc = control_escape(bs + 2, end);
            ch = (char)(cc < 0 ? '?' : cc);
            p = bs + 6;
        } else {
            p = bs + 2;
        }
        buf_putc(out, ch);
    }
}
