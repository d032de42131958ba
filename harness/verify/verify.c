/* Landing and lake verification; see verify.h. Changes and landed records
 * are matched by sequence number (sorted arrays and binary search); rows by
 * their canonical key text. Messages say what was lost and where it should
 * have gone. */
#include "verify/verify.h"

#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "sync/jscan.h"
#include "sync/jsonl.h"
#include "sync/jsonl_scan.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Values longer than this are cut in messages. */
#define VERIFY_VALUE_SHOWN 80

void verify_changes_init(struct verify_changes *c)
{
    memset(c, 0, sizeof *c);
}

void verify_changes_clear(struct verify_changes *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].key);
        free(c->v[i].label);
        free(c->v[i].event_name);
        free(c->v[i].sequence_number);
    }
    free(c->v);
    verify_changes_init(c);
}

static char *key_text(const cJSON *keys)
{
    struct buf b;
    buf_init(&b, 0);
    jsonl_key_write(&b, keys);
    return buf_detach(&b, NULL);
}

static char *key_label(const cJSON *keys)
{
    struct buf b;
    buf_init(&b, 0);
    verify_key_label(&b, keys);
    return buf_detach(&b, NULL);
}

int verify_changes_add(struct verify_changes *c, const cJSON *record)
{
    const cJSON *ddb = json_get(record, "dynamodb");
    const cJSON *keys = json_get(ddb, "Keys");
    const char *name = json_get_string(record, "eventName");
    const char *seq = json_get_string(ddb, "SequenceNumber");
    if (!cJSON_IsObject(keys) || name == NULL || seq == NULL)
        return -1;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->v = xrealloc(c->v, c->cap * sizeof *c->v);
    }
    const cJSON *who = json_get(record, "userIdentity");
    /* The Streams API says PrincipalId; a Lambda event, principalId. */
    const char *principal = json_get_string(who, "PrincipalId");
    if (principal == NULL)
        principal = json_get_string(who, "principalId");
    c->v[c->n++] = (struct verify_change){
        .key = key_text(keys), .label = key_label(keys),
        .event_name = xstrdup(name), .sequence_number = xstrdup(seq),
        .is_ttl = principal &&
                  strcmp(principal, "dynamodb.amazonaws.com") == 0 };
    return 0;
}

/* ---- records read by scanning ------------------------------------------ */

/* The first value inside v when v is an object or an array: what cJSON
 * calls v's child. */
static bool first_child(struct jscan_span v, struct jscan_span *child)
{
    struct jscan_iter it;
    struct jscan_span name;
    if (jscan_object_open(&it, v.p, v.p + v.len, 1))
        return jscan_object_next(&it, &name, child, NULL);
    if (jscan_array_open(&it, v.p, v.p + v.len, 1))
        return jscan_next_value(&it, child, NULL);
    return false;
}

/* verify_key_label for scanned keys, whose names are plain. */
static char *scanned_label(const struct jsonl_scanned *r)
{
    struct buf b;
    struct jscan_iter it;
    struct jscan_span name, value, child, text;
    bool is_first = true;
    buf_init(&b, 0);
    buf_putc(&b, '{');
    jscan_object_open(&it, r->keys.p, r->keys.p + r->keys.len, 0);
    while (jscan_object_next(&it, &name, &value, NULL)) {
        buf_puts(&b, is_first ? "" : ", ");
        buf_append(&b, name.p, name.len);
        buf_puts(&b, ": ");
        if (first_child(value, &child) && jscan_is_string(child, &text))
            jscan_unescape(&b, text);
        else
            buf_puts(&b, "?");
        is_first = false;
    }
    buf_putc(&b, '}');
    return buf_detach(&b, NULL);
}

static char *scanned_key(const struct jsonl_scanned *r)
{
    struct buf b;
    buf_init(&b, 0);
    jsonl_scanned_key_write(&b, r);
    return buf_detach(&b, NULL);
}

static struct verify_change *new_change(struct verify_changes *c)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->v = xrealloc(c->v, c->cap * sizeof *c->v);
    }
    return &c->v[c->n++];
}

void verify_changes_add_scanned(struct verify_changes *c,
                                const struct jsonl_scanned *r)
{
    *new_change(c) = (struct verify_change){
        .key = scanned_key(r), .label = scanned_label(r),
        .event_name = xstrdup(r->event_name),
        .sequence_number = xstrdup(r->sequence_number),
        .is_ttl = jscan_equals(r->principal, "dynamodb.amazonaws.com") };
}

int verify_changes_add_text(struct verify_changes *c, const char *text,
                            size_t len)
{
    struct jsonl_scanned r;
    if (jsonl_scan_stream(text, len, &r)) {
        verify_changes_add_scanned(c, &r);
        return 0;
    }
    cJSON *doc = json_parse(text, len);
    int rc = verify_changes_add(c, doc);
    cJSON_Delete(doc);
    return rc;
}

void verify_key_label(struct buf *out, const cJSON *keys)
{
    buf_putc(out, '{');
    const cJSON *k;
    bool is_first = true;
    cJSON_ArrayForEach(k, keys) {
        const cJSON *v = k->child;
        buf_printf(out, "%s%s: ", is_first ? "" : ", ", k->string);
        if (v && cJSON_IsString(v))
            buf_puts(out, v->valuestring);
        else
            buf_puts(out, "?");
        is_first = false;
    }
    buf_putc(out, '}');
}

static const char *change_word(const struct verify_change *c)
{
    if (strcmp(c->event_name, "INSERT") == 0)
        return "insert";
    if (strcmp(c->event_name, "MODIFY") == 0)
        return "update";
    return c->is_ttl ? "TTL delete" : "delete";
}

/* ---- landed records ----------------------------------------------------- */

struct landed {
    char *seq;              /* owned */
    char *key;              /* owned; canonical text */
    char *label;            /* owned */
    const char *event_name; /* static: INSERT, MODIFY or REMOVE */
    size_t object;          /* index into the object keys */
    size_t line;            /* 1-based */
    size_t order;           /* position in landing order */
};

struct verify_landed {
    struct landed *v;       /* owned */
    size_t n, cap;
    char **object_keys;     /* owned, one per object added, for messages */
    size_t n_objects, objects_cap;
};

struct verify_landed *verify_landed_new(void)
{
    return xcalloc(1, sizeof(struct verify_landed));
}

void verify_landed_free(struct verify_landed *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].seq);
        free(l->v[i].key);
        free(l->v[i].label);
    }
    for (size_t i = 0; i < l->n_objects; i++)
        free(l->object_keys[i]);
    free(l->object_keys);
    free(l->v);
    free(l);
}

/* The event name as a literal, so that records need not own a copy;
 * jsonl_parse admits no other names. */
static const char *event_literal(const char *name)
{
    static const char *const names[] = { "INSERT", "MODIFY", "REMOVE" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i]) == 0)
            return names[i];
    return "?";
}

static struct landed *new_landed(struct verify_landed *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    return &l->v[l->n++];
}

static void parse_line(struct verify_landed *l, const char *location,
                       size_t line_no, const char *line, size_t len,
                       struct findings *out, struct verify_stats *st)
{
    struct jsonl_scanned fast;
    if (jsonl_scan_line(line, len, &fast)) {
        size_t order = l->n;
        *new_landed(l) = (struct landed){
            .seq = xstrdup(fast.sequence_number), .key = scanned_key(&fast),
            .label = scanned_label(&fast), .event_name = fast.event_name,
            .object = l->n_objects - 1, .line = line_no, .order = order };
        st->records++;
        return;
    }
    struct jsonl_record r;
    cJSON *doc = NULL;
    char err[JSONL_ERR_MAX];
    const char *object = l->object_keys[l->n_objects - 1];
    if (jsonl_parse(line, len, &r, &doc, err, sizeof err) < 0) {
        st->bad_lines++;
        findings_add(out, FINDING_CHECK_LANDING, "bad_record", object,
                     "object %s%s line %zu is not a change record: %s",
                     location, object, line_no, err);
        cJSON_Delete(doc);
        return;
    }
    size_t order = l->n;
    *new_landed(l) = (struct landed){
        .seq = xstrdup(r.sequence_number), .key = key_text(r.keys),
        .label = key_label(r.keys), .event_name = event_literal(r.event_name),
        .object = l->n_objects - 1, .line = line_no, .order = order };
    st->records++;
    cJSON_Delete(doc);
}

void verify_landed_add(struct verify_landed *l, const char *location,
                       const struct verify_object *obj, struct findings *out,
                       struct verify_stats *st)
{
    if (l->n_objects == l->objects_cap) {
        l->objects_cap = l->objects_cap ? l->objects_cap * 2 : 64;
        l->object_keys = xrealloc(l->object_keys,
                                  l->objects_cap * sizeof *l->object_keys);
    }
    l->object_keys[l->n_objects++] = xstrdup(obj->key);
    const char *p = obj->body;
    const char *end = p + obj->len;
    size_t line_no = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        line_no++;
        if (len > 0)
            parse_line(l, location, line_no, p, len, out, st);
        p += len + 1;
    }
}

static int by_seq(const void *a, const void *b)
{
    const struct landed *x = a, *y = b;
    int c = strcmp(x->seq, y->seq);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

static int by_key_then_order(const void *a, const void *b)
{
    const struct landed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* The first landed record with sequence seq in l (sorted by_seq). */
static const struct landed *find_seq(const struct verify_landed *l,
                                     const char *seq)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(l->v[mid].seq, seq) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < l->n && strcmp(l->v[lo].seq, seq) == 0 ? &l->v[lo] : NULL;
}

static int change_by_seq(const void *a, const void *b)
{
    const struct verify_change *const *x = a, *const *y = b;
    return strcmp((*x)->sequence_number, (*y)->sequence_number);
}

static void check_delivery(const struct verify_landing *in,
                           struct findings *out, struct verify_stats *st)
{
    struct verify_landed *l = in->landed;
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, by_seq);
    const struct verify_changes *c = in->changes;
    for (size_t i = 0; i < c->n; i++) {
        const struct verify_change *ch = &c->v[i];
        const struct landed *got = find_seq(l, ch->sequence_number);
        if (got == NULL) {
            st->lost++;
            findings_add(out, FINDING_CHECK_DELIVERY, "lost_change",
                         ch->label, "%s of key %s at sequence %s never "
                         "reached %s", change_word(ch), ch->label,
                         ch->sequence_number, in->location);
            continue;
        }
        st->delivered++;
        if (strcmp(got->event_name, ch->event_name) != 0 ||
            strcmp(got->key, ch->key) != 0)
            findings_add(out, FINDING_CHECK_LANDING, "wrong_record",
                         ch->label, "sequence %s landed in %s%s line %zu as "
                         "%s of key %s, but the source recorded %s of key %s",
                         ch->sequence_number, in->location,
                         l->object_keys[got->object], got->line,
                         got->event_name, got->label, ch->event_name,
                         ch->label);
    }
    /* Landed records no source change explains. */
    const struct verify_change **sorted =
        xcalloc(c->n ? c->n : 1, sizeof *sorted);
    for (size_t i = 0; i < c->n; i++)
        sorted[i] = &c->v[i];
    if (c->n > 1)
        qsort(sorted, c->n, sizeof *sorted, change_by_seq);
    for (size_t i = 0; i < l->n; i++) {
        if (i > 0 && strcmp(l->v[i].seq, l->v[i - 1].seq) == 0)
            continue;
        struct verify_change probe = { .sequence_number = l->v[i].seq };
        const struct verify_change *pp = &probe;
        if (bsearch(&pp, sorted, c->n, sizeof *sorted, change_by_seq))
            continue;
        findings_add(out, FINDING_CHECK_DELIVERY, "unknown_change",
                     l->v[i].label, "%s%s line %zu holds %s of key %s at "
                     "sequence %s, which the source stream never recorded",
                     in->location, l->object_keys[l->v[i].object],
                     l->v[i].line, l->v[i].event_name, l->v[i].label,
                     l->v[i].seq);
    }
    free(sorted);
}

/* Per key, in landing order: sequence numbers rise; a repeat is a
 * duplicate (allowed after retries), a fall is out of order. */
static void check_order(const struct verify_landing *in,
                        struct findings *out, struct verify_stats *st)
{
    struct verify_landed *l = in->landed;
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, by_key_then_order);
    for (size_t i = 1; i < l->n; i++) {
        const struct landed *prev = &l->v[i - 1], *cur = &l->v[i];
        if (strcmp(prev->key, cur->key) != 0)
            continue;
        int c = jsonl_seq_compare(cur->seq, prev->seq);
        const char *obj = l->object_keys[cur->object];
        if (c == 0) {
            st->duplicates++;
            if (!in->is_retry_expected)
                findings_add(out, FINDING_CHECK_DELIVERY, "duplicate",
                             cur->label, "%s of key %s at sequence %s landed "
                             "twice (again in %s%s line %zu) and no retry "
                             "explains it", cur->event_name, cur->label,
                             cur->seq, in->location, obj, cur->line);
        } else if (c < 0) {
            st->out_of_order++;
            findings_add(out, FINDING_CHECK_DELIVERY, "out_of_order",
                         cur->label, "key %s: sequence %s (%s%s line %zu) "
                         "landed after sequence %s", cur->label, cur->seq,
                         in->location, obj, cur->line, prev->seq);
        }
    }
}

void verify_stats_add(struct verify_stats *to,
                      const struct verify_stats *from)
{
    to->changes += from->changes;
    to->records += from->records;
    to->delivered += from->delivered;
    to->lost += from->lost;
    to->duplicates += from->duplicates;
    to->out_of_order += from->out_of_order;
    to->bad_lines += from->bad_lines;
    to->source_items += from->source_items;
    to->lake_items += from->lake_items;
    to->lake_differences += from->lake_differences;
}

void verify_landing(const struct verify_landing *in, struct findings *out,
                    struct verify_stats *st)
{
    st->changes = in->changes->n;
    check_delivery(in, out, st);
    check_order(in, out, st);
}

/* ---- values and rows ---------------------------------------------------- */

static int compare_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int compare_num(const void *a, const void *b)
{
    return jsonl_number_compare(*(const char *const *)a,
                                *(const char *const *)b);
}

static bool set_equal(const cJSON *a, const cJSON *b, bool is_number)
{
    int n = cJSON_GetArraySize(a);
    if (!cJSON_IsArray(a) || !cJSON_IsArray(b) ||
        n != cJSON_GetArraySize(b))
        return false;
    const char **x = xcalloc((size_t)n + 1, sizeof *x);
    const char **y = xcalloc((size_t)n + 1, sizeof *y);
    for (int i = 0; i < n; i++) {
        x[i] = cJSON_GetStringValue(cJSON_GetArrayItem(a, i));
        y[i] = cJSON_GetStringValue(cJSON_GetArrayItem(b, i));
        if (x[i] == NULL || y[i] == NULL)
            goto out;
    }
    int (*cmp)(const void *, const void *) = is_number ? compare_num
                                                       : compare_cstr;
    qsort(x, (size_t)n, sizeof *x, cmp);
    qsort(y, (size_t)n, sizeof *y, cmp);
    bool is_equal = true;
    for (int i = 0; i < n && is_equal; i++)
        is_equal = cmp(&x[i], &y[i]) == 0;
    free(x);
    free(y);
    return is_equal;
out:
    free(x);
    free(y);
    return false;
}

static bool map_equal(const cJSON *a, const cJSON *b)
{
    if (!cJSON_IsObject(a) || !cJSON_IsObject(b) ||
        cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
        return false;
    const cJSON *m;
    cJSON_ArrayForEach(m, a)
        if (!verify_value_equal(m, json_get(b, m->string)))
            return false;
    return true;
}

bool verify_item_equal(const cJSON *a, const cJSON *b)
{
    return map_equal(a, b);
}

bool verify_value_equal(const cJSON *a, const cJSON *b)
{
    const cJSON *x = a ? a->child : NULL, *y = b ? b->child : NULL;
    if (x == NULL || y == NULL || x->next || y->next ||
        strcmp(x->string, y->string) != 0)
        return false;
    const char *t = x->string;
    if (strcmp(t, "N") == 0)
        return cJSON_IsString(x) && cJSON_IsString(y) &&
               jsonl_number_compare(x->valuestring, y->valuestring) == 0;
    if (strcmp(t, "S") == 0 || strcmp(t, "B") == 0)
        return cJSON_IsString(x) && cJSON_IsString(y) &&
               strcmp(x->valuestring, y->valuestring) == 0;
    if (strcmp(t, "BOOL") == 0 || strcmp(t, "NULL") == 0)
        return cJSON_IsBool(x) && cJSON_IsTrue(x) == cJSON_IsTrue(y);
    if (strcmp(t, "SS") == 0 || strcmp(t, "BS") == 0)
        return set_equal(x, y, false);
    if (strcmp(t, "NS") == 0)
        return set_equal(x, y, true);
    if (strcmp(t, "M") == 0)
        return map_equal(x, y);
    if (strcmp(t, "L") == 0) {
        int n = cJSON_GetArraySize(x);
        if (!cJSON_IsArray(y) || n != cJSON_GetArraySize(y))
            return false;
        for (int i = 0; i < n; i++)
            if (!verify_value_equal(cJSON_GetArrayItem(x, i),
                                    cJSON_GetArrayItem(y, i)))
                return false;
        return true;
    }
    return false;
}

struct row {
    char *key;            /* owned; canonical */
    char *label;          /* owned */
    const cJSON *item;    /* borrowed */
};

static int row_by_key(const void *a, const void *b)
{
    return strcmp(((const struct row *)a)->key, ((const struct row *)b)->key);
}

static struct row *rows_of(const cJSON *items, const char *const *names,
                           size_t n_keys, size_t *n)
{
    *n = 0;
    struct row *rows = xcalloc((size_t)cJSON_GetArraySize(items) + 1,
                               sizeof *rows);
    const cJSON *item;
    cJSON_ArrayForEach(item, items) {
        cJSON *keys = cJSON_CreateObject();
        for (size_t i = 0; i < n_keys; i++) {
            const cJSON *v = json_get(item, names[i]);
            if (v)
                cJSON_AddItemReferenceToObject(keys, names[i],
                                               (cJSON *)(uintptr_t)v);
        }
        rows[*n] = (struct row){ key_text(keys), key_label(keys), item };
        (*n)++;
        cJSON_Delete(keys);
    }
    qsort(rows, *n, sizeof *rows, row_by_key);
    return rows;
}

static void rows_free(struct row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rows[i].key);
        free(rows[i].label);
    }
    free(rows);
}

/* "{"N":"12"}" cut to VERIFY_VALUE_SHOWN bytes, or "nothing". */
static void shown(const cJSON *v, char *out, size_t len)
{
    if (v == NULL) {
        snprintf(out, len, "nothing");
        return;
    }
    char *text = cJSON_PrintUnformatted(v);
    size_t n = strlen(text);
    if (n > VERIFY_VALUE_SHOWN)
        snprintf(out, len, "%.*s... (%zu bytes)", VERIFY_VALUE_SHOWN, text,
                 n);
    else
        snprintf(out, len, "%s", text);
    free(text);
}

static void diff_attribute(const struct row *s, const char *name,
                           const cJSON *sv, const cJSON *lv,
                           const char *location, struct findings *out)
{
    char a[VERIFY_VALUE_SHOWN + 40], b[VERIFY_VALUE_SHOWN + 40];
    shown(sv, a, sizeof a);
    shown(lv, b, sizeof b);
    findings_add(out, FINDING_CHECK_LAKE, "attribute_differs", s->label,
                 "key %s attribute %s: the source table has %s, %s has %s",
                 s->label, name, a, location, b);
}

static size_t diff_row(const struct row *s, const struct row *l,
                       const char *location, struct findings *out)
{
    size_t n = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, s->item) {
        const cJSON *other = json_get(l->item, m->string);
        if (!verify_value_equal(m, other)) {
            diff_attribute(s, m->string, m, other, location, out);
            n++;
        }
    }
    cJSON_ArrayForEach(m, l->item) {
        if (json_get(s->item, m->string) == NULL) {
            diff_attribute(s, m->string, NULL, m, location, out);
            n++;
        }
    }
    return n;
}

void verify_lake(const cJSON *source, const cJSON *lake,
                 const char *const *key_names, size_t n_keys,
                 const char *location, struct findings *out,
                 struct verify_stats *st)
{
    size_t ns, nl;
    struct row *s = rows_of(source, key_names, n_keys, &ns);
    struct row *l = rows_of(lake, key_names, n_keys, &nl);
    st->source_items = ns;
    st->lake_items = nl;
    size_t i = 0, j = 0;
    while (i < ns || j < nl) {
        int c = i == ns ? 1 : j == nl ? -1 : strcmp(s[i].key, l[j].key);
        if (c < 0) {
            findings_add(out, FINDING_CHECK_LAKE, "missing_row", s[i].label,
                         "key %s is in the source table but not in %s",
                         s[i].label, location);
            st->lake_differences++;
            i++;
        } else if (c > 0) {
            findings_add(out, FINDING_CHECK_LAKE, "extra_row", l[j].label,
                         "key %s is in %s but not in the source table",
                         l[j].label, location);
            st->lake_differences++;
            j++;
        } else {
            st->lake_differences += diff_row(&s[i], &l[j], location, out);
            i++;
            j++;
        }
    }
    rows_free(s, ns);
    rows_free(l, nl);
}
