/* json_parse: JSON text to a cJSON tree in one pass. It accepts exactly
 * what libcjson's cJSON_ParseWithLengthOpts accepts (Debian's 1.7.15, its
 * quirks included) and builds the same tree, node for node, but steps over
 * a string's plain run a word at a time and copies it at once, where cJSON
 * walks every string twice a byte at a time. Nodes and strings come from
 * cJSON_malloc, so cJSON_Delete frees the tree; the other cJSON helpers
 * are in json.c. */
#include "base/json.h"

#include "base/mem.h"
#include "base/swar.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    const unsigned char *p;   /* next byte to read */
    const unsigned char *end; /* one past the text's last byte */
    size_t depth;             /* arrays and objects open around p */
};

/* cJSON skips every byte up to ' ' between tokens, NUL and the other
 * control characters included, not only JSON's four. */
static void skip_space(struct parser *ps)
{
    while (ps->p < ps->end && *ps->p <= ' ')
        ps->p++;
}

static bool is_at(const struct parser *ps, unsigned char c)
{
    return ps->p < ps->end && *ps->p == c;
}

/* A zeroed node, as cJSON_New_Item makes; NULL only without the project's
 * aborting hooks. */
static cJSON *new_node(void)
{
    cJSON *n = cJSON_malloc(sizeof *n);
    if (n != NULL)
        memset(n, 0, sizeof *n);
    return n;
}

/* The high bit of each byte of w that is '"' or '\\'. Exact for the
 * lowest such byte, which is all plain_run asks of it: a borrow, the
 * source of false hits, only runs upward from a true one. */
static uint64_t quote_or_backslash(uint64_t w)
{
    uint64_t q = w ^ (SWAR_ONES * '"');
    uint64_t b = w ^ (SWAR_ONES * '\\');
    return (((q - SWAR_ONES) & ~q) | ((b - SWAR_ONES) & ~b)) & SWAR_HIGHS;
}

/* Length of the run at p before the first '"' or '\\'. cJSON copies
 * control characters and invalid UTF-8 inside strings as they are, so
 * nothing else ends a run. Sixteen bytes at a time where the machine has
 * SSE2 (every x86-64), then a word at a time; the block or word that holds
 * the end says where it is (its lowest flagged byte in memory order). */
static size_t plain_run(const unsigned char *p, const unsigned char *end)
{
    const unsigned char *q = p;
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    for (; end - q >= 16; q += 16) {
        __m128i v = _mm_loadu_si128((const void *)q);
        __m128i hits = _mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                    _mm_cmpeq_epi8(v, backslash));
        unsigned mask = (unsigned)_mm_movemask_epi8(hits);
        if (mask != 0)
            return (size_t)(q - p) + (size_t)__builtin_ctz(mask);
    }
#endif
    while (end - q >= 8) {
        uint64_t hits = quote_or_backslash(swar_load(q));
        if (hits != 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return (size_t)(q - p) + (size_t)__builtin_ctzll(hits) / 8;
#else
            break;
#endif
        }
        q += 8;
    }
    while (q < end && *q != '"' && *q != '\\')
        q++;
    return (size_t)(q - p);
}

/* The quote closing a string whose text goes on at p, or NULL when the
 * text ends first. As in cJSON, a backslash hides the byte after it,
 * whatever that is, and one as the text's last byte is an error. */
static const unsigned char *closing_quote(const unsigned char *p,
                                          const unsigned char *end)
{
    for (;;) {
        p += plain_run(p, end);
        if (p == end)
            return NULL;
        if (*p == '"')
            return p;
        if (end - p < 2)
            return NULL;
        p += 2;
    }
}

/* The value of the 4 hex digits at p. A non-digit makes it 0: cJSON reads
 * "\uZZZZ" as U+0000 rather than refusing it. */
static unsigned hex4(const unsigned char *p)
{
    unsigned h = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = p[i];
        if (c >= '0' && c <= '9')
            h = h << 4 | (unsigned)(c - '0');
        else if (c >= 'A' && c <= 'F')
            h = h << 4 | (unsigned)(c - 'A' + 10);
        else if (c >= 'a' && c <= 'f')
            h = h << 4 | (unsigned)(c - 'a' + 10);
        else
            return 0;
    }
    return h;
}

/* Writes code point cp (at most U+10FFFF) as UTF-8; returns its length. */
static size_t put_utf8(unsigned char *out, unsigned long cp)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    size_t len = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    static const unsigned char marks[] = { 0, 0, 0xC0, 0xE0, 0xF0 };
    for (size_t i = len - 1; i > 0; i--) {
        out[i] = (unsigned char)(0x80 | (cp & 0x3F));
        cp >>= 6;
    }
    out[0] = (unsigned char)(marks[len] | cp);
    return len;
}

/* Decodes the \u escape at p, q being the closing quote, into *out and
 * moves *out past it; returns the escape's length (6, or 12 for a
 * surrogate pair), or 0 when cJSON refuses it: fewer than 4 digits before
 * q, a lone low surrogate, or a high one not followed by \u and a low. */
static size_t put_utf16(const unsigned char *p, const unsigned char *q,
                        unsigned char **out)
{
    if (q - p < 6)
        return 0;
    unsigned long cp = hex4(p + 2);
    size_t len = 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return 0;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (q - p < 12 || p[6] != '\\' || p[7] != 'u')
            return 0;
        unsigned low = hex4(p + 8);
        if (low < 0xDC00 || low > 0xDFFF)
            return 0;
        cp = 0x10000 + ((cp & 0x3FF) << 10 | (low & 0x3FF));
        len = 12;
    }
    *out += put_utf8(*out, cp);
    return len;
}

/* Decodes the escape at p into *out as put_utf16 does. The byte after the
 * backslash is always there: it may be the closing quote itself, when a
 * \u escape swallowed the backslash that hid it from closing_quote
 * ("\uabc\\" is U+0000 then '"', in cJSON). */
static size_t put_escape(const unsigned char *p, const unsigned char *q,
                         unsigned char **out)
{
    unsigned char c = p[1];
    switch (c) {
    case 'b':
        c = '\b';
        break;
    case 'f':
        c = '\f';
        break;
    case 'n':
        c = '\n';
        break;
    case 'r':
        c = '\r';
        break;
    case 't':
        c = '\t';
        break;
    case '"':
    case '\\':
    case '/':
        break;
    case 'u':
        return put_utf16(p, q, out);
    default:
        return 0;
    }
    *(*out)++ = c;
    return 2;
}

/* The string from s to q (its closing quote), escapes decoded; NULL when
 * one is refused. No escape grows, so q - s bytes and a NUL are room
 * enough. */
static char *decode(const unsigned char *s, const unsigned char *q)
{
    unsigned char *out = cJSON_malloc((size_t)(q - s) + 1);
    if (out == NULL)
        return NULL;
    unsigned char *o = out;
    const unsigned char *p = s;
    while (p < q) {
        const unsigned char *bs = memchr(p, '\\', (size_t)(q - p));
        size_t run = (size_t)((bs ? bs : q) - p);
        memcpy(o, p, run);
        o += run;
        p += run;
        if (p == q)
            break;
        size_t len = put_escape(p, q, &o);
        if (len == 0) {
            cJSON_free(out);
            return NULL;
        }
        p += len;
    }
    *o = '\0';
    return (char *)out;
}

/* The string whose opening quote is at p, as cJSON_malloc'd text; NULL
 * when it is not one. Most strings have no escape: one run, one copy. */
static char *parse_string(struct parser *ps)
{
    const unsigned char *s = ps->p + 1;
    const unsigned char *q = s + plain_run(s, ps->end);
    char *out = NULL;
    if (q < ps->end && *q == '"') {
        out = cJSON_malloc((size_t)(q - s) + 1);
        if (out == NULL)
            return NULL;
        memcpy(out, s, (size_t)(q - s));
        out[q - s] = '\0';
    } else {
        q = closing_quote(q, ps->end);
        if (q == NULL)
            return NULL;
        out = decode(s, q);
        if (out == NULL)
            return NULL;
    }
    ps->p = q + 1;
    return out;
}

static bool is_number_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' ||
           c == '+' || c == '-';
}

/* Numbers shorter than this are copied to the stack for strtod. */
#define SHORT_NUMBER 64

/* cJSON copies the whole run of number bytes and takes whatever of it
 * strtod takes: "1.", "01" and "-.5e+3" are numbers, and what strtod
 * leaves of the run is the next token (an error wherever it sits). The
 * copy's '.' stays '.': dynalake never leaves the "C" locale, the one
 * where cJSON's swap for the locale's decimal point changes nothing. */
static int parse_number(struct parser *ps, cJSON *item)
{
    size_t n = 0;
    while (ps->p + n < ps->end && is_number_byte(ps->p[n]))
        n++;
    char small[SHORT_NUMBER];
    char *copy = n < sizeof small ? small : xmalloc(n + 1);
    memcpy(copy, ps->p, n);
    copy[n] = '\0';
    char *after = NULL;
    double d = strtod(copy, &after);
    size_t taken = (size_t)(after - copy);
    if (copy != small)
        free(copy);
    if (taken == 0)
        return -1;
    item->type = cJSON_Number;
    item->valuedouble = d;
    /* cJSON saturates valueint rather than overflow the conversion. */
    if (d >= INT_MAX)
        item->valueint = INT_MAX;
    else if (d <= (double)INT_MIN)
        item->valueint = INT_MIN;
    else
        item->valueint = (int)d;
    ps->p += taken;
    return 0;
}

/* null, true or false, matched byte for byte; cJSON sets true's valueint
 * to 1. */
static int parse_literal(struct parser *ps, cJSON *item, const char *word,
                         int type)
{
    size_t len = strlen(word);
    if ((size_t)(ps->end - ps->p) < len || memcmp(ps->p, word, len) != 0)
        return -1;
    item->type = type;
    item->valueint = type == cJSON_True;
    ps->p += len;
    return 0;
}

static int parse_value(struct parser *ps, cJSON *item);

/* One object member: its name into item->string, then its value. */
static int parse_member(struct parser *ps, cJSON *item)
{
    if (!is_at(ps, '"'))
        return -1;
    item->string = parse_string(ps);
    if (item->string == NULL)
        return -1;
    skip_space(ps);
    if (!is_at(ps, ':'))
        return -1;
    ps->p++;
    skip_space(ps);
    return parse_value(ps, item);
}

/* The elements of an array (parse_one = parse_value) or the members of an
 * object (parse_member), p at its opening bracket, up to the closing one.
 * Each child is linked in before it is parsed, so that on failure the
 * caller's cJSON_Delete of the root frees all that was built. As cJSON
 * 1.7.15 does, the first child's prev points at the last child. */
static int parse_children(struct parser *ps, cJSON *item, unsigned char close,
                          int (*parse_one)(struct parser *, cJSON *))
{
    /* As deep as cJSON allows (CJSON_NESTING_LIMIT, 1000 in cJSON.h) and
     * no deeper: at most three frames a level, well within any stack. */
    if (ps->depth >= CJSON_NESTING_LIMIT)
        return -1;
    ps->depth++;
    ps->p++;
    skip_space(ps);
    cJSON *last = NULL;
    if (!is_at(ps, close)) {
        for (;;) {
            cJSON *child = new_node();
            if (child == NULL)
                return -1;
            if (last == NULL)
                item->child = child;
            else
                last->next = child;
            child->prev = last;
            last = child;
            if (parse_one(ps, child) != 0)
                return -1;
            skip_space(ps);
            if (!is_at(ps, ','))
                break;
            ps->p++;
            skip_space(ps);
        }
        if (!is_at(ps, close))
            return -1;
        item->child->prev = last;
    }
    ps->p++;
    ps->depth--;
    return 0;
}

static int parse_value(struct parser *ps, cJSON *item)
{
    if (ps->p >= ps->end)
        return -1;
    switch (*ps->p) {
    case '"':
        item->valuestring = parse_string(ps);
        if (item->valuestring == NULL)
            return -1;
        item->type = cJSON_String;
        return 0;
    case '{':
        item->type = cJSON_Object;
        return parse_children(ps, item, '}', parse_member);
    case '[':
        item->type = cJSON_Array;
        return parse_children(ps, item, ']', parse_value);
    case 'n':
        return parse_literal(ps, item, "null", cJSON_NULL);
    case 't':
        return parse_literal(ps, item, "true", cJSON_True);
    case 'f':
        return parse_literal(ps, item, "false", cJSON_False);
    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9':
        return parse_number(ps, item);
    default:
        return -1;
    }
}

/* After the value json_parse allows only these, where cJSON's own skip
 * between tokens would take any byte up to ' '. */
static bool is_trailing_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0';
}

cJSON *json_parse(const char *text, size_t len)
{
    if (text == NULL || len == 0)
        return NULL;
    struct parser ps = {
        .p = (const unsigned char *)text,
        .end = (const unsigned char *)text + len,
    };
    /* cJSON skips a UTF-8 byte order mark, but only in a text of 5 bytes
     * or more (its can_access_at_index(buffer, 4)). */
    if (len >= 5 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        ps.p += 3;
    skip_space(&ps);
    cJSON *root = new_node();
    if (root == NULL)
        return NULL;
    if (parse_value(&ps, root) != 0) {
        cJSON_Delete(root);
        return NULL;
    }
    while (ps.p < ps.end && is_trailing_space(*ps.p))
        ps.p++;
    if (ps.p != ps.end) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}
