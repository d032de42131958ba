/* Change records read by scanning; see jsonl_scan.h. Each reader walks its
 * record's members once, taking the first of each name as cJSON's lookup
 * does, and gives up (false) at the first thing jsonl.c would treat in a
 * way it does not mirror exactly. */
#include "sync/jsonl_scan.h"

#include "base/buf.h"
#include "base/json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The attribute value types jsonl.c's is_av_map knows. */
static const char *const av_types[] = { "S", "N", "B", "BOOL", "NULL", "M",
                                        "L", "SS", "NS", "BS" };

/* A member looked for, and what was found under its name first. */
struct wanted {
    const char *name;
    struct jscan_span value;
    bool is_exact;
    bool is_found;
};

/* The first not yet found of w's n names equal to name, or NULL. A name
 * with an escape never equals one looked for: the escapes jscan admits
 * stand for '"', '\\', '/' and control characters. */
static struct wanted *wanted_find(struct wanted *w, size_t n,
                                  struct jscan_span name)
{
    for (size_t i = 0; i < n; i++)
        if (!w[i].is_found && jscan_equals(name, w[i].name))
            return &w[i];
    return NULL;
}

/* Reads the member value at it->p whole, noting it when wanted. */
static bool read_member(struct jscan_iter *it, struct wanted *w, size_t n,
                        struct jscan_span name)
{
    struct jscan_span value;
    bool is_exact;
    if (!jscan_next_value(it, &value, &is_exact))
        return false;
    struct wanted *found = wanted_find(w, n, name);
    if (found)
        *found = (struct wanted){ found->name, value, is_exact, true };
    return true;
}

/* Walks the object that is all of v, noting the wanted members. */
static bool find_members(struct jscan_span v, int depth, struct wanted *w,
                         size_t n)
{
    struct jscan_iter it;
    struct jscan_span name;
    jscan_object_open(&it, v.p, v.p + v.len, depth);
    while (jscan_object_key(&it, &name))
        if (!read_member(&it, w, n, name))
            return false;
    return jscan_is_whole(&it, v);
}

/* The object at it->p, a member's value, walked noting the wanted members
 * (so that its text is read once); it->p is moved past it. */
static bool walk_member(struct jscan_iter *it, struct wanted *w, size_t n,
                        struct jscan_span *value)
{
    struct jscan_iter in;
    struct jscan_span name;
    const char *start = it->p;
    jscan_object_open(&in, it->p, it->end, it->depth + 1);
    while (jscan_object_key(&in, &name))
        if (!read_member(&in, w, n, name))
            return false;
    if (in.is_failed)
        return false;
    it->p = in.p;
    *value = (struct jscan_span){ start, (size_t)(in.p - start) };
    return true;
}

static bool is_object(struct jscan_span v)
{
    return v.len > 0 && v.p[0] == '{';
}

/* A string member's content when it is a string without escapes. */
static bool plain_string(const struct wanted *w, struct jscan_span *out)
{
    return w->is_found && jscan_is_string(w->value, out) &&
           jscan_is_plain(*out);
}

static const char *event_literal(struct jscan_span name)
{
    static const char *const names[] = { "INSERT", "MODIFY", "REMOVE" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (jscan_equals(name, names[i]))
            return names[i];
    return NULL;
}

/* Copies a sequence number: 1 to JSONL_SEQ_MAX digits, as jsonl.c's
 * is_seq requires. */
static bool copy_seq(const struct wanted *w, char *out)
{
    struct jscan_span s;
    if (!plain_string(w, &s) || s.len == 0 || s.len > JSONL_SEQ_MAX)
        return false;
    for (size_t i = 0; i < s.len; i++)
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
    memcpy(out, s.p, s.len);
    out[s.len] = '\0';
    return true;
}

/* A number member as cJSON reads it (strtod); false when it is not a
 * number or too large to convert to milliseconds without overflow. */
static bool read_number(const struct wanted *w, double *out)
{
    char text[JSCAN_NUMBER_MAX + 1];
    if (!w->is_found || !jscan_is_number(w->value) ||
        w->value.len > JSCAN_NUMBER_MAX)
        return false;
    memcpy(text, w->value.p, w->value.len);
    text[w->value.len] = '\0';
    *out = strtod(text, NULL);
    return isfinite(*out) && fabs(*out) < 1e15;
}

/* Keys whose text jsonl_key_write's order and bytes can be had from:
 * an exact object of at most JSONL_KEYS_MAX members with distinct names
 * without escapes. */
static bool is_key_map(const struct wanted *w)
{
    struct jscan_span names[JSONL_KEYS_MAX], name, value;
    size_t n = 0;
    struct jscan_iter it;
    if (!w->is_found || !w->is_exact || !is_object(w->value))
        return false;
    jscan_object_open(&it, w->value.p, w->value.p + w->value.len, 0);
    while (jscan_object_next(&it, &name, &value, NULL)) {
        if (n == JSONL_KEYS_MAX || !jscan_is_plain(name))
            return false;
        for (size_t i = 0; i < n; i++)
            if (jscan_compare(names[i], name) == 0)
                return false;
        names[n++] = name;
    }
    return jscan_is_whole(&it, w->value);
}

/* ---- Stream records ----------------------------------------------------- */

/* userIdentity's PrincipalId, or principalId when that is not a string. */
static bool read_principal(const struct wanted *who, struct jscan_span *out)
{
    struct wanted w[] = { { .name = "PrincipalId" },
                          { .name = "principalId" } };
    *out = (struct jscan_span){ NULL, 0 };
    if (!who->is_found || !is_object(who->value))
        return true;
    if (!find_members(who->value, 1, w, 2))
        return false;
    struct jscan_span s;
    const struct wanted *pick = w[0].is_found &&
                                jscan_is_string(w[0].value, NULL) ? &w[0]
                                                                  : &w[1];
    if (!pick->is_found || !jscan_is_string(pick->value, &s))
        return true;
    if (!jscan_is_plain(s))
        return false;
    *out = s;
    return true;
}

/* An image member: absent, or an exact object. */
static bool take_image(const struct wanted *w, struct jscan_span *out)
{
    *out = (struct jscan_span){ NULL, 0 };
    if (!w->is_found)
        return true;
    if (!w->is_exact || !is_object(w->value))
        return false;
    *out = w->value;
    return true;
}

enum { REC_ID, REC_NAME, REC_DDB, REC_WHO, REC_N };
enum { DDB_SEQ, DDB_KEYS, DDB_NEW, DDB_OLD, DDB_WHEN, DDB_N };

/* What a walked record's members say, as jsonl_from_stream reads them. */
static bool read_stream(const struct wanted *rec, const struct wanted *d,
                        struct jsonl_scanned *out)
{
    struct jscan_span name;
    if (!plain_string(&rec[REC_ID], &out->event_id) ||
        !plain_string(&rec[REC_NAME], &name) ||
        (out->event_name = event_literal(name)) == NULL ||
        !copy_seq(&d[DDB_SEQ], out->sequence_number) ||
        !is_key_map(&d[DDB_KEYS]) ||
        !take_image(&d[DDB_NEW], &out->new_image) ||
        !take_image(&d[DDB_OLD], &out->old_image) ||
        !read_principal(&rec[REC_WHO], &out->principal))
        return false;
    out->keys = d[DDB_KEYS].value;
    double secs;
    if (d[DDB_WHEN].is_found && jscan_is_number(d[DDB_WHEN].value)) {
        if (!read_number(&d[DDB_WHEN], &secs))
            return false;
        out->event_time_ms = (int64_t)llround(secs * 1000.0);
    }
    return true;
}

const char *jsonl_scan_stream_at(const char *p, const char *end, int depth,
                                 struct jsonl_scanned *out, bool *is_read)
{
    struct wanted rec[REC_N] = { [REC_ID] = { .name = "eventID" },
                                 [REC_NAME] = { .name = "eventName" },
                                 [REC_DDB] = { .name = "dynamodb" },
                                 [REC_WHO] = { .name = "userIdentity" } };
    struct wanted d[DDB_N] = {
        [DDB_SEQ] = { .name = "SequenceNumber" },
        [DDB_KEYS] = { .name = "Keys" }, [DDB_NEW] = { .name = "NewImage" },
        [DDB_OLD] = { .name = "OldImage" },
        [DDB_WHEN] = { .name = "ApproximateCreationDateTime" } };
    struct jscan_iter it;
    struct jscan_span name;
    memset(out, 0, sizeof *out);
    *is_read = false;
    if (!jscan_object_open(&it, p, end, depth))
        return NULL;
    while (jscan_object_key(&it, &name)) {
        bool is_walked = !rec[REC_DDB].is_found && *it.p == '{' &&
                         jscan_equals(name, "dynamodb");
        if (is_walked && !walk_member(&it, d, DDB_N, &rec[REC_DDB].value))
            return NULL;
        if (is_walked)
            rec[REC_DDB].is_found = true;
        else if (!read_member(&it, rec, REC_N, name))
            return NULL;
    }
    if (it.is_failed)
        return NULL;
    *is_read = rec[REC_DDB].is_found && read_stream(rec, d, out);
    return it.p;
}

bool jsonl_scan_stream(const char *text, size_t len,
                       struct jsonl_scanned *out)
{
    bool is_read;
    return jsonl_scan_stream_at(text, text + len, 0, out, &is_read) ==
               text + len &&
           is_read;
}

/* ---- Change lines ------------------------------------------------------- */

static bool is_av_type(struct jscan_span type)
{
    for (size_t i = 0; i < sizeof av_types / sizeof *av_types; i++)
        if (jscan_equals(type, av_types[i]))
            return true;
    return false;
}

/* The AttributeValue at it->p, {"TYPE":value}, read and stepped over. */
static bool walk_av(struct jscan_iter *it)
{
    struct jscan_iter av;
    struct jscan_span type, value;
    if (!jscan_object_open(&av, it->p, it->end, it->depth + 1) ||
        !jscan_object_key(&av, &type) || !is_av_type(type) ||
        !jscan_next_value(&av, &value, NULL) || jscan_object_key(&av, &type) ||
        av.is_failed)
        return false;
    it->p = av.p;
    it->is_exact &= av.is_exact;
    return true;
}

/* The map at it->p, read as jsonl.c's is_av_map checks one (every member
 * an object whose one member names a known type) and found exact, so that
 * its text can be copied; *n_members counts its members. */
static bool walk_av_map(struct jscan_iter *it, struct wanted *w,
                        size_t *n_members)
{
    struct jscan_iter map;
    struct jscan_span name;
    const char *start = it->p;
    *n_members = 0;
    if (!jscan_object_open(&map, it->p, it->end, it->depth + 1))
        return false;
    while (jscan_object_key(&map, &name)) {
        if (!walk_av(&map))
            return false;
        (*n_members)++;
    }
    if (map.is_failed || !map.is_exact)
        return false;
    it->p = map.p;
    *w = (struct wanted){ w->name, { start, (size_t)(map.p - start) }, true,
                          true };
    return true;
}

enum { LINE_ID, LINE_NAME, LINE_TIME, LINE_SEQ, LINE_TABLE, LINE_KEYS,
       LINE_NEW, LINE_OLD, LINE_DATA, LINE_N };

/* A walked line's members, checked as jsonl_parse checks them. */
static bool read_line(const struct wanted *w, struct jsonl_scanned *out)
{
    struct jscan_span name;
    if (w[LINE_DATA].is_found || !w[LINE_KEYS].is_found ||
        !jscan_is_string(w[LINE_ID].value, &out->event_id) ||
        !plain_string(&w[LINE_NAME], &name) ||
        (out->event_name = event_literal(name)) == NULL ||
        !copy_seq(&w[LINE_SEQ], out->sequence_number) ||
        !plain_string(&w[LINE_TABLE], &out->table) ||
        out->table.len == 0 || out->table.len > JSONL_TABLE_MAX ||
        !is_key_map(&w[LINE_KEYS]))
        return false;
    bool is_remove = strcmp(out->event_name, "REMOVE") == 0;
    if (!is_remove && !w[LINE_NEW].is_found)
        return false;
    out->keys = w[LINE_KEYS].value;
    out->new_image = w[LINE_NEW].value;
    out->old_image = w[LINE_OLD].value;
    double ms;
    if (w[LINE_TIME].is_found && jscan_is_number(w[LINE_TIME].value)) {
        if (!read_number(&w[LINE_TIME], &ms))
            return false;
        out->event_time_ms = (int64_t)ms;
    }
    return true;
}

bool jsonl_scan_line(const char *text, size_t len, struct jsonl_scanned *out)
{
    struct wanted w[LINE_N] = {
        [LINE_ID] = { .name = "event_id" },
        [LINE_NAME] = { .name = "event_name" },
        [LINE_TIME] = { .name = "event_time_ms" },
        [LINE_SEQ] = { .name = "sequence_number" },
        [LINE_TABLE] = { .name = "table" }, [LINE_KEYS] = { .name = "keys" },
        [LINE_NEW] = { .name = "new_image" },
        [LINE_OLD] = { .name = "old_image" },
        [LINE_DATA] = { .name = "data" } };
    struct jscan_iter it;
    struct jscan_span name;
    memset(out, 0, sizeof *out);
    jscan_object_open(&it, text, text + len, 0);
    while (jscan_object_key(&it, &name)) {
        struct wanted *found = wanted_find(w, LINE_N, name);
        bool is_map = found && (found == &w[LINE_KEYS] ||
                                found == &w[LINE_NEW] ||
                                found == &w[LINE_OLD]);
        size_t n_members;
        /* jsonl_parse refuses a map that is not an AttributeValue map, or
         * an empty keys map; an inexact one is for it to read. */
        if (is_map && (!walk_av_map(&it, found, &n_members) ||
                       (found == &w[LINE_KEYS] && n_members == 0)))
            return false;
        if (!is_map && !read_member(&it, w, LINE_N, name))
            return false;
    }
    return jscan_is_whole(&it, (struct jscan_span){ text, len }) &&
           read_line(w, out);
}

/* ---- Writing ------------------------------------------------------------ */

static void write_span(struct buf *out, struct jscan_span s)
{
    buf_append(out, s.p, s.len);
}

static void write_image(struct buf *out, const char *member,
                        struct jscan_span image)
{
    if (image.len == 0)
        return;
    buf_puts(out, member);
    write_span(out, image);
}

void jsonl_scanned_write(struct buf *out, const struct jsonl_scanned *r,
                         const char *table)
{
    char time[32];
    buf_puts(out, "{\"event_id\":\"");
    write_span(out, r->event_id);
    buf_puts(out, "\",\"event_name\":\"");
    buf_puts(out, r->event_name);
    snprintf(time, sizeof time, "\",\"event_time_ms\":%" PRId64,
             r->event_time_ms);
    buf_puts(out, time);
    buf_puts(out, ",\"sequence_number\":\"");
    buf_puts(out, r->sequence_number);
    buf_puts(out, "\",\"table\":");
    json_write_string(out, table, strlen(table));
    write_image(out, ",\"keys\":", r->keys);
    write_image(out, ",\"new_image\":", r->new_image);
    write_image(out, ",\"old_image\":", r->old_image);
    buf_puts(out, "}\n");
}

struct key_member {
    struct jscan_span name;
    struct jscan_span value;
};

static int by_name(const void *a, const void *b)
{
    const struct key_member *x = a, *y = b;
    return jscan_compare(x->name, y->name);
}

void jsonl_scanned_key_write(struct buf *out, const struct jsonl_scanned *r)
{
    struct key_member m[JSONL_KEYS_MAX];
    size_t n = 0;
    struct jscan_iter it;
    jscan_object_open(&it, r->keys.p, r->keys.p + r->keys.len, 0);
    while (n < JSONL_KEYS_MAX &&
           jscan_object_next(&it, &m[n].name, &m[n].value, NULL))
        n++;
    qsort(m, n, sizeof *m, by_name);
    buf_putc(out, '{');
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(out, ',');
        buf_putc(out, '"');
        write_span(out, m[i].name);
        buf_puts(out, "\":");
        write_span(out, m[i].value);
    }
    buf_putc(out, '}');
}
