/* Change records as JSON lines; see jsonl.h. Lines are assembled by hand
 * so that field order is fixed and numbers are copied as text: a DynamoDB
 * N has up to 38 significant digits and never becomes a double here. */
#include "sync/jsonl.h"

#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Reading stream records ------------------------------------------- */

int jsonl_table_from_arn(const char *arn, char *out, size_t len)
{
    const char *t = arn ? strstr(arn, ":table/") : NULL;
    if (t == NULL)
        return -1;
    t += strlen(":table/");
    const char *end = strchr(t, '/');
    size_t n = end ? (size_t)(end - t) : strlen(t);
    if (n == 0 || n >= len)
        return -1;
    memcpy(out, t, n);
    out[n] = '\0';
    return 0;
}

static int fail(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s", what);
    return -1;
}

static bool is_event_name(const char *s)
{
    return s && (strcmp(s, "INSERT") == 0 || strcmp(s, "MODIFY") == 0 ||
                 strcmp(s, "REMOVE") == 0);
}

static bool is_seq(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > JSONL_SEQ_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

int jsonl_from_stream(const cJSON *rec, const char *table,
                      struct jsonl_record *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const cJSON *d = json_get(rec, "dynamodb");
    out->event_id = json_get_string(rec, "eventID");
    out->event_name = json_get_string(rec, "eventName");
    out->sequence_number = json_get_string(d, "SequenceNumber");
    out->keys = json_get(d, "Keys");
    out->new_image = json_get(d, "NewImage");
    out->old_image = json_get(d, "OldImage");
    out->table = table;
    const cJSON *when = json_get(d, "ApproximateCreationDateTime");
    if (cJSON_IsNumber(when))
        out->event_time_ms = (int64_t)llround(when->valuedouble * 1000.0);
    if (out->event_id == NULL)
        return fail(err, errlen, "record has no eventID");
    if (!is_event_name(out->event_name))
        return fail(err, errlen, "record has no eventName INSERT, MODIFY "
                                 "or REMOVE");
    if (!is_seq(out->sequence_number))
        return fail(err, errlen, "record has no dynamodb.SequenceNumber");
    if (!cJSON_IsObject(out->keys))
        return fail(err, errlen, "record has no dynamodb.Keys");
    if (out->table == NULL)
        return fail(err, errlen, "record names no table");
    return 0;
}

/* ---- Numbers ----------------------------------------------------------- */

/* A decimal as sign, significant digits and exponent: value =
 * 0.DIGITS x 10^exp; zero has no digits. */
struct decimal {
    int sign;
    char digits[64];
    int n;
    long exp;
};

static int decimal_parse(const char *s, struct decimal *d)
{
    memset(d, 0, sizeof *d);
    d->sign = 1;
    if (*s == '-' || *s == '+')
        d->sign = *s++ == '-' ? -1 : 1;
    long point = 0;
    bool is_frac = false, has_digit = false;
    for (; *s && *s != 'e' && *s != 'E'; s++) {
        if (*s == '.' && !is_frac) {
            is_frac = true;
            continue;
        }
        if (!isdigit((unsigned char)*s))
            return -1;
        has_digit = true;
        if (!is_frac)
            point++;
        if (d->n == 0 && *s == '0') {
            point--;
            continue;
        }
        if (d->n < (int)sizeof d->digits - 1)
            d->digits[d->n++] = *s;
    }
    if (!has_digit)
        return -1;
    if (*s == 'e' || *s == 'E') {
        char *end;
        long e = strtol(s + 1, &end, 10);
        if (end == s + 1 || *end != '\0')
            return -1;
        point += e;
    }
    while (d->n > 0 && d->digits[d->n - 1] == '0')
        d->n--;
    d->digits[d->n] = '\0';
    d->exp = point;
    if (d->n == 0)
        d->sign = 0;
    return 0;
}

int jsonl_number_compare(const char *a, const char *b)
{
    struct decimal x, y;
    if (decimal_parse(a, &x) < 0 || decimal_parse(b, &y) < 0)
        return strcmp(a, b);
    if (x.sign != y.sign)
        return x.sign < y.sign ? -1 : 1;
    if (x.sign == 0)
        return 0;
    int mag;
    if (x.exp != y.exp)
        mag = x.exp < y.exp ? -1 : 1;
    else
        mag = strcmp(x.digits, y.digits);
    return x.sign * (mag < 0 ? -1 : mag > 0 ? 1 : 0);
}

int jsonl_seq_compare(const char *a, const char *b)
{
    while (*a == '0' && a[1])
        a++;
    while (*b == '0' && b[1])
        b++;
    size_t na = strlen(a), nb = strlen(b);
    if (na != nb)
        return na < nb ? -1 : 1;
    int rc = strcmp(a, b);
    return rc < 0 ? -1 : rc > 0;
}

/* Appends N as a JSON number with every digit kept: JSON forbids a '+'
 * sign, leading zeros and a bare '.', which DynamoDB's text may carry. */
static int write_number(struct buf *out, const char *n)
{
    struct decimal d;
    if (decimal_parse(n, &d) < 0)
        return -1;
    const char *p = n;
    if (*p == '+')
        p++;
    if (*p == '-')
        buf_putc(out, *p++);
    while (*p == '0' && isdigit((unsigned char)p[1]))
        p++;
    if (*p == '.')
        buf_putc(out, '0');
    for (; *p; p++) {
        bool is_dangling_point = *p == '.' &&
                                 !isdigit((unsigned char)p[1]);
        if (!is_dangling_point)
            buf_putc(out, *p);
    }
    return 0;
}

/* ---- Plain JSON values -------------------------------------------------- */

struct set_elem {
    const char *text;
    struct buf bytes; /* decoded binary, for BS */
};

static int compare_strings(const void *a, const void *b)
{
    const struct set_elem *x = a, *y = b;
    return strcmp(x->text, y->text);
}

static int compare_numbers(const void *a, const void *b)
{
    const struct set_elem *x = a, *y = b;
    return jsonl_number_compare(x->text, y->text);
}

static int compare_bytes(const void *a, const void *b)
{
    const struct set_elem *x = a, *y = b;
    size_t n = x->bytes.len < y->bytes.len ? x->bytes.len : y->bytes.len;
    int rc = n ? memcmp(x->bytes.data, y->bytes.data, n) : 0;
    if (rc)
        return rc;
    return x->bytes.len < y->bytes.len ? -1 : x->bytes.len > y->bytes.len;
}

/* Sets are unordered in DynamoDB: sorting makes two copies of one item
 * print the same (strings by UTF-8 bytes, numbers by value, binary by
 * bytes). */
static int write_set(struct buf *out, const char *type, const cJSON *arr)
{
    int n = cJSON_GetArraySize(arr);
    if (!cJSON_IsArray(arr) || n == 0)
        return -1;
    struct set_elem *e = xcalloc((size_t)n, sizeof *e);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const cJSON *v = cJSON_GetArrayItem(arr, i);
        e[i].text = cJSON_GetStringValue(v);
        buf_init(&e[i].bytes, 0);
        if (e[i].text == NULL)
            rc = -1;
        else if (type[0] == 'B')
            rc |= crypto_base64_decode(e[i].text, strlen(e[i].text),
                                       &e[i].bytes);
    }
    if (rc == 0) {
        qsort(e, (size_t)n, sizeof *e,
              type[0] == 'N' ? compare_numbers
              : type[0] == 'B' ? compare_bytes : compare_strings);
        buf_printf(out, "{\"$set\":\"%s\",\"values\":[", type);
        for (int i = 0; i < n && rc == 0; i++) {
            if (i)
                buf_putc(out, ',');
            if (type[0] == 'N')
                rc = write_number(out, e[i].text);
            else
                json_write_string(out, e[i].text, strlen(e[i].text));
        }
        buf_puts(out, "]}");
    }
    for (int i = 0; i < n; i++)
        buf_clear(&e[i].bytes);
    free(e);
    return rc;
}

static int write_map_plain(struct buf *out, const cJSON *map)
{
    if (!cJSON_IsObject(map))
        return -1;
    buf_putc(out, '{');
    const cJSON *m;
    bool is_first = true;
    cJSON_ArrayForEach(m, map) {
        if (!is_first)
            buf_putc(out, ',');
        is_first = false;
        json_write_string(out, m->string, strlen(m->string));
        buf_putc(out, ':');
        if (jsonl_value_write_plain(out, m) < 0)
            return -1;
    }
    buf_putc(out, '}');
    return 0;
}

int jsonl_value_write_plain(struct buf *out, const cJSON *av)
{
    const cJSON *v = av ? av->child : NULL;
    if (!cJSON_IsObject(av) || v == NULL || v->next != NULL)
        return -1;
    const char *t = v->string;
    if (strcmp(t, "S") == 0 || strcmp(t, "B") == 0) {
        if (!cJSON_IsString(v))
            return -1;
        json_write_string(out, v->valuestring, strlen(v->valuestring));
        return 0;
    }
    if (strcmp(t, "N") == 0)
        return cJSON_IsString(v) ? write_number(out, v->valuestring) : -1;
    if (strcmp(t, "BOOL") == 0) {
        if (!cJSON_IsBool(v))
            return -1;
        buf_puts(out, cJSON_IsTrue(v) ? "true" : "false");
        return 0;
    }
    if (strcmp(t, "NULL") == 0) {
        buf_puts(out, "null");
        return 0;
    }
    if (strcmp(t, "M") == 0)
        return write_map_plain(out, v);
    if (strcmp(t, "L") == 0) {
        if (!cJSON_IsArray(v))
            return -1;
        buf_putc(out, '[');
        const cJSON *e;
        cJSON_ArrayForEach(e, v) {
            if (e != v->child)
                buf_putc(out, ',');
            if (jsonl_value_write_plain(out, e) < 0)
                return -1;
        }
        buf_putc(out, ']');
        return 0;
    }
    if (strcmp(t, "SS") == 0 || strcmp(t, "NS") == 0 || strcmp(t, "BS") == 0)
        return write_set(out, t, v);
    return -1;
}

/* ---- Writing lines ------------------------------------------------------ */

static int write_image(struct buf *out, const char *name, const cJSON *map,
                       enum jsonl_format format)
{
    if (map == NULL)
        return 0;
    buf_printf(out, ",\"%s\":", name);
    if (format == JSONL_FORMAT_JSON)
        return write_map_plain(out, map);
    json_write(out, map);
    return 0;
}

static void write_string_member(struct buf *out, const char *name,
                                const char *value, bool is_first)
{
    buf_printf(out, "%s\"%s\":", is_first ? "" : ",", name);
    json_write_string(out, value, strlen(value));
}

static int write_seed(struct buf *out, const struct jsonl_record *r)
{
    buf_putc(out, '{');
    write_string_member(out, "event_id", r->event_id, true);
    write_string_member(out, "event_name", r->event_name, false);
    int64_t s = r->event_time_ms / 1000, ms = r->event_time_ms % 1000;
    if (ms)
        buf_printf(out, ",\"event_time\":%" PRId64 ".%03" PRId64, s, ms);
    else
        buf_printf(out, ",\"event_time\":%" PRId64, s);
    const cJSON *data = r->new_image ? r->new_image
                      : r->old_image ? r->old_image : r->keys;
    buf_puts(out, ",\"data\":");
    int rc = write_map_plain(out, data);
    buf_puts(out, "}\n");
    return rc;
}

int jsonl_write(struct buf *out, const struct jsonl_record *r,
                enum jsonl_format format, enum jsonl_layout layout)
{
    if (layout == JSONL_LAYOUT_SEED)
        return write_seed(out, r);
    buf_putc(out, '{');
    write_string_member(out, "event_id", r->event_id, true);
    write_string_member(out, "event_name", r->event_name, false);
    buf_printf(out, ",\"event_time_ms\":%" PRId64, r->event_time_ms);
    write_string_member(out, "sequence_number", r->sequence_number, false);
    write_string_member(out, "table", r->table, false);
    int rc = write_image(out, "keys", r->keys, format);
    if (rc == 0)
        rc = write_image(out, "new_image", r->new_image, format);
    if (rc == 0)
        rc = write_image(out, "old_image", r->old_image, format);
    buf_puts(out, "}\n");
    return rc;
}

/* ---- Reading lines ------------------------------------------------------ */

static const char *const av_types[] = { "S", "N", "B", "BOOL", "NULL", "M",
                                        "L", "SS", "NS", "BS" };

/* An AttributeValue map: every member an object with one known type tag
 * (the json format's plain values fail here). */
static bool is_av_map(const cJSON *map)
{
    if (!cJSON_IsObject(map))
        return false;
    const cJSON *m;
    cJSON_ArrayForEach(m, map) {
        const cJSON *v = m->child;
        if (!cJSON_IsObject(m) || v == NULL || v->next != NULL)
            return false;
        bool is_known = false;
        for (size_t i = 0; i < sizeof av_types / sizeof av_types[0]; i++)
            is_known |= strcmp(v->string, av_types[i]) == 0;
        if (!is_known)
            return false;
    }
    return true;
}

int jsonl_parse(const char *line, size_t len, struct jsonl_record *out,
                cJSON **doc, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    *doc = json_parse(line, len);
    cJSON *d = *doc;
    if (!cJSON_IsObject(d))
        return fail(err, errlen, "not a JSON object");
    if (json_get(d, "data") && !json_get(d, "sequence_number"))
        return fail(err, errlen, "seed layout: no sequence numbers or "
                                 "typed values to apply");
    out->event_id = json_get_string(d, "event_id");
    out->event_name = json_get_string(d, "event_name");
    out->sequence_number = json_get_string(d, "sequence_number");
    out->table = json_get_string(d, "table");
    out->keys = json_get(d, "keys");
    out->new_image = json_get(d, "new_image");
    out->old_image = json_get(d, "old_image");
    const cJSON *t = json_get(d, "event_time_ms");
    out->event_time_ms = cJSON_IsNumber(t) ? (int64_t)t->valuedouble : 0;
    if (out->event_id == NULL || out->table == NULL)
        return fail(err, errlen, "missing event_id or table");
    if (!is_event_name(out->event_name))
        return fail(err, errlen, "event_name is not INSERT, MODIFY or "
                                 "REMOVE");
    if (!is_seq(out->sequence_number))
        return fail(err, errlen, "sequence_number is not a decimal string");
    if (!is_av_map(out->keys) || cJSON_GetArraySize(out->keys) == 0 ||
        (out->new_image && !is_av_map(out->new_image)) ||
        (out->old_image && !is_av_map(out->old_image)))
        return fail(err, errlen, "values are not AttributeValue JSON (ship "
                                 "with --format ddb-json to load)");
    if (strcmp(out->event_name, "REMOVE") != 0 && out->new_image == NULL)
        return fail(err, errlen, "INSERT/MODIFY without new_image (the "
                                 "stream view type must include NEW_IMAGE)");
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    const cJSON *const *x = a, *const *y = b;
    return strcmp((*x)->string, (*y)->string);
}

void jsonl_key_write(struct buf *out, const cJSON *keys)
{
    int n = cJSON_GetArraySize(keys);
    const cJSON **m = xcalloc(n > 0 ? (size_t)n : 1, sizeof *m);
    for (int i = 0; i < n; i++)
        m[i] = cJSON_GetArrayItem(keys, i);
    qsort(m, (size_t)n, sizeof *m, compare_names);
    buf_putc(out, '{');
    for (int i = 0; i < n; i++) {
        if (i)
            buf_putc(out, ',');
        json_write_string(out, m[i]->string, strlen(m[i]->string));
        buf_putc(out, ':');
        json_write(out, m[i]);
    }
    buf_putc(out, '}');
    free(m);
}

int jsonl_format_parse(const char *name, enum jsonl_format *out)
{
    if (strcmp(name, "ddb-json") == 0)
        *out = JSONL_FORMAT_DDB_JSON;
    else if (strcmp(name, "json") == 0)
        *out = JSONL_FORMAT_JSON;
    else
        return -1;
    return 0;
}

int jsonl_layout_parse(const char *name, enum jsonl_layout *out)
{
    if (strcmp(name, "change") == 0)
        *out = JSONL_LAYOUT_CHANGE;
    else if (strcmp(name, "seed") == 0)
        *out = JSONL_LAYOUT_SEED;
    else
        return -1;
    return 0;
}
