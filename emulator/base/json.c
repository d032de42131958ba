/* cJSON helpers; see json.h. json_parse has a file of its own,
 * json_parse.c. */
#include "base/json.h"

#include "base/buf.h"
#include "base/swar.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Length of the UTF-8 sequence starting at p (at most n bytes), or 0 when
 * it is not a valid one (overlong forms and surrogates included). */
static size_t utf8_length(const unsigned char *p, size_t n)
{
    if (p[0] < 0x80)
        return p[0] ? 1 : 0;
    size_t len = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
    if (len == 0 || len > n || p[0] > 0xF4)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    }
    if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F) ||
        (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] > 0x8F))
        return 0;
    return len;
}

static bool is_nul_escape(const char *p, size_t n)
{
    return n >= 6 && p[0] == '\\' && p[1] == 'u' && p[2] == '0' &&
           p[3] == '0' && p[4] == '0' && p[5] == '0';
}

/* Whether the 8 bytes at p are ASCII with neither NUL nor a backslash:
 * nothing json_text_problem must look at one byte at a time. */
static bool is_plain_word(const unsigned char *p)
{
    uint64_t w = swar_load(p);
    return !swar_has_high(w) && !swar_has_below(w, 1) && !swar_has(w, '\\');
}

const char *json_text_problem(const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        if (len - i >= 8 && is_plain_word(p + i)) {
            i += 8;
            continue;
        }
        if (p[i] == '\\') {
            if (is_nul_escape(text + i, len - i))
                return "Strings containing U+0000 are not supported";
            i += 2;
            continue;
        }
        size_t n = utf8_length(p + i, len - i);
        if (n == 0)
            return p[i] ? "Invalid UTF-8 in the request body"
                        : "Strings containing U+0000 are not supported";
        i += n;
    }
    return NULL;
}

const cJSON *json_get(const cJSON *obj, const char *name)
{
    if (!cJSON_IsObject(obj))
        return NULL;
    return cJSON_GetObjectItemCaseSensitive(obj, name);
}

const char *json_get_string(const cJSON *obj, const char *name)
{
    const cJSON *v = json_get(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Whether ch must be escaped inside a JSON string literal. */
static bool needs_escape(unsigned char ch)
{
    return ch < 0x20 || ch == '"' || ch == '\\';
}

/* Whether any of the 8 bytes in w must be escaped. */
static bool word_needs_escape(uint64_t w)
{
    return swar_has(w, '"') || swar_has(w, '\\') || swar_has_below(w, 0x20);
}

/* Sixteen bytes at a time where the machine has SSE2 (every x86-64), then
 * a word at a time: the plain run is most of a string's text, and the
 * scanners step over hundreds of megabytes of it in a large run. A byte is
 * a control character when the unsigned minimum of it and 0x1f is itself. */
size_t json_plain_length(const char *s, size_t len)
{
    size_t i = 0;
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i last_control = _mm_set1_epi8(0x1f);
    for (; len - i >= 16; i += 16) {
        __m128i v = _mm_loadu_si128((const void *)(s + i));
        __m128i hits = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, quote),
                         _mm_cmpeq_epi8(v, backslash)),
            _mm_cmpeq_epi8(_mm_min_epu8(v, last_control), v));
        unsigned mask = (unsigned)_mm_movemask_epi8(hits);
        if (mask != 0)
            return i + (size_t)__builtin_ctz(mask);
    }
#endif
    while (len - i >= 8 && !word_needs_escape(swar_load(s + i)))
        i += 8;
    while (i < len && !needs_escape((unsigned char)s[i]))
        i++;
    return i;
}

/* The escape sequence for one character that needs it. */
static void put_escape(struct buf *b, unsigned char ch)
{
    static const char hex[] = "0123456789abcdef";
    if (ch == '"' || ch == '\\') {
        buf_putc(b, '\\');
        buf_putc(b, (char)ch);
    } else if (ch == '\n') {
        buf_puts(b, "\\n");
    } else if (ch == '\r') {
        buf_puts(b, "\\r");
    } else if (ch == '\t') {
        buf_puts(b, "\\t");
    } else if (ch == '\b') {
        buf_puts(b, "\\b");
    } else if (ch == '\f') {
        buf_puts(b, "\\f");
    } else {
        char esc[7] = { '\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15], 0 };
        buf_puts(b, esc);
    }
}

void json_write_string(struct buf *b, const char *s, size_t len)
{
    buf_putc(b, '"');
    size_t i = 0;
    while (i < len) {
        size_t run = i + json_plain_length(s + i, len - i);
        buf_append(b, s + i, run - i); /* what needs no escape, at once */
        if (run == len)
            break;
        put_escape(b, (unsigned char)s[run]);
        i = run + 1;
    }
    buf_putc(b, '"');
}

/* What print_in_place offers cJSON first: numbers and raw text are
 * short, and a longer value is printed again with twice the room. */
#define JSON_PRINT_ROOM 64

/* One value printed by cJSON into the buffer's own storage (with
 * allocation hooks installed, cJSON_PrintUnformatted has no realloc: it
 * grows a buffer of its own by copying, then the text is copied again). */
static void print_in_place(struct buf *b, const cJSON *v)
{
    for (size_t want = JSON_PRINT_ROOM;; want *= 2) {
        size_t room = want < INT_MAX ? want : INT_MAX;
        char *at = buf_space(b, &room);
        if (at == NULL)
            return;
        if (cJSON_PrintPreallocated((cJSON *)v, at, (int)room, false)) {
            buf_commit(b, strlen(at));
            return;
        }
        buf_commit(b, 0); /* the terminator, over the partial print */
        if (room < want) {
            b->failed = true; /* the cap, not the room, stopped it */
            return;
        }
    }
}

static void write_text(struct buf *b, const char *s)
{
    json_write_string(b, s ? s : "", s ? strlen(s) : 0);
}

/* The same bytes as cJSON_PrintUnformatted: structure and strings are
 * written here (strings a run at a time, where cJSON copies them byte by
 * byte after counting what to escape); numbers and raw text, whose
 * formatting is cJSON's own, are printed by cJSON. */
void json_write(struct buf *b, const cJSON *v)
{
    const cJSON *m;
    switch (v->type & 0xFF) {
    case cJSON_NULL:
        buf_puts(b, "null");
        break;
    case cJSON_False:
        buf_puts(b, "false");
        break;
    case cJSON_True:
        buf_puts(b, "true");
        break;
    case cJSON_String:
        write_text(b, v->valuestring);
        break;
    case cJSON_Array:
        buf_putc(b, '[');
        for (m = v->child; m; m = m->next) {
            json_write(b, m);
            if (m->next)
                buf_putc(b, ',');
        }
        buf_putc(b, ']');
        break;
    case cJSON_Object:
        buf_putc(b, '{');
        for (m = v->child; m; m = m->next) {
            write_text(b, m->string);
            buf_putc(b, ':');
            json_write(b, m);
            if (m->next)
                buf_putc(b, ',');
        }
        buf_putc(b, '}');
        break;
    default:
        print_in_place(b, v);
    }
}

