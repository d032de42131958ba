/* Verification of landings that hold the table's state rather than its
 * changes: the polling loader's change records (one per item a Scan saw)
 * and the bulk export's data files; see verify.h. A polled landing cannot
 * be matched change by change against the stream, so it is judged by what
 * it leaves behind: the newest version of each key against the table. */
#include "verify/verify.h"

#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "sync/jsonl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One landed line, or one table item, under its canonical key. */
struct entry {
    char *key;            /* owned; canonical key text */
    char *label;          /* owned; "{pk: u#17}" */
    char *seq;            /* owned; landed lines only */
    bool is_remove;
    cJSON *doc;           /* owned; landed lines: the parsed line */
    const cJSON *item;    /* the image (landed) or the item (table) */
    size_t object, line;  /* where it landed */
};

struct entries {
    struct entry *v;
    size_t n, cap;
};

static struct entry *push(struct entries *e)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 64;
        e->v = xrealloc(e->v, e->cap * sizeof *e->v);
    }
    memset(&e->v[e->n], 0, sizeof e->v[0]);
    return &e->v[e->n++];
}

static void entries_clear(struct entries *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->v[i].key);
        free(e->v[i].label);
        free(e->v[i].seq);
        cJSON_Delete(e->v[i].doc);
    }
    free(e->v);
}

static void set_key(struct entry *x, const cJSON *keys)
{
    struct buf b;
    buf_init(&b, 0);
    jsonl_key_write(&b, keys);
    x->key = buf_detach(&b, NULL);
    buf_init(&b, 0);
    verify_key_label(&b, keys);
    x->label = buf_detach(&b, NULL);
}

/* By key, then sequence number: the last entry of a key is its newest. */
static int by_key_seq(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c || x->seq == NULL || y->seq == NULL)
        return c;
    return jsonl_seq_compare(x->seq, y->seq);
}

static void parse_landed(const struct verify_polled *in, struct entries *out,
                         struct findings *f, struct verify_stats *st)
{
    for (size_t i = 0; i < in->n_objects; i++) {
        const char *p = in->objects[i].body;
        const char *end = p + in->objects[i].len;
        for (size_t line = 1; p < end; line++) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
            struct jsonl_record r;
            cJSON *doc = NULL;
            char err[JSONL_ERR_MAX];
            if (len == 0) {
                p += 1;
                continue;
            }
            if (jsonl_parse(p, len, &r, &doc, err, sizeof err) < 0) {
                st->bad_lines++;
                findings_add(f, FINDING_CHECK_LANDING, "bad_record",
                             in->objects[i].key, "object %s%s line %zu is "
                             "not a change record: %s", in->location,
                             in->objects[i].key, line, err);
                cJSON_Delete(doc);
            } else {
                struct entry *x = push(out);
                set_key(x, r.keys);
                x->seq = xstrdup(r.sequence_number);
                x->is_remove = strcmp(r.event_name, "REMOVE") == 0;
                x->doc = doc;
                x->item = r.new_image;
                x->object = i;
                x->line = line;
                st->records++;
            }
            p += len + 1;
        }
    }
}

static void table_entries(const struct verify_polled *in, struct entries *out)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, in->source) {
        cJSON *keys = cJSON_CreateObject();
        for (size_t i = 0; i < in->n_keys; i++) {
            const cJSON *v = json_get(item, in->key_names[i]);
            if (v)
                cJSON_AddItemToObject(keys, in->key_names[i],
                                      cJSON_Duplicate(v, true));
        }
        struct entry *x = push(out);
        set_key(x, keys);
        x->item = item;
        cJSON_Delete(keys);
    }
}

/* The stream's deletes, sorted by key and, within a key, in stream order:
 * one binary search names the last delete of a key, where a scan of every
 * change per unseen delete was quadratic in a large landing. */
struct deletes {
    const struct verify_change **v; /* owned array; changes borrowed */
    size_t n;
};

static int delete_order(const void *a, const void *b)
{
    const struct verify_change *const *x = a, *const *y = b;
    int c = strcmp((*x)->key, (*y)->key);
    return c ? c : (*x > *y) - (*x < *y);
}

static void deletes_init(struct deletes *d, const struct verify_changes *c)
{
    size_t n = c ? c->n : 0;
    d->v = xcalloc(n + 1, sizeof *d->v);
    d->n = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(c->v[i].event_name, "REMOVE") == 0)
            d->v[d->n++] = &c->v[i];
    if (d->n > 1)
        qsort(d->v, d->n, sizeof *d->v, delete_order);
}

/* The last delete of key in the stream, or NULL. */
static const struct verify_change *deletes_find_last(const struct deletes *d,
                                                     const char *key)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(d->v[mid]->key, key) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && strcmp(d->v[lo - 1]->key, key) == 0 ? d->v[lo - 1]
                                                          : NULL;
}

/* One polled landing under check. */
struct polled_check {
    const struct verify_polled *in;
    struct deletes deletes;
    struct findings *out;
    struct verify_stats *st;
};

static void unseen_delete(struct polled_check *pc, const struct entry *x)
{
    const struct verify_polled *in = pc->in;
    const struct verify_change *del = deletes_find_last(&pc->deletes, x->key);
    char seq[JSONL_SEQ_MAX + 32] = "";
    if (del)
        snprintf(seq, sizeof seq, " %sat sequence %s",
                 del->is_ttl ? "(TTL) " : "", del->sequence_number);
    pc->st->lost++;
    findings_add(pc->out, FINDING_CHECK_DELIVERY, "unseen_delete", x->label,
                 "delete of key %s%s never reached %s (the key last landed "
                 "in %s line %zu)%s%s", x->label, seq, in->location,
                 in->objects[x->object].key, x->line,
                 in->limit ? ": " : "", in->limit ? in->limit : "");
}

/* Compares the newest landed entry of one key (NULL: none) with the
 * table's (NULL: not in the table). */
static void compare_key(struct polled_check *pc, const struct entry *landed,
                        const struct entry *row)
{
    const struct verify_polled *in = pc->in;
    if (landed == NULL) {
        pc->st->lost++;
        findings_add(pc->out, FINDING_CHECK_DELIVERY, "lost_item",
                     row->label, "item %s is in the table but never reached "
                     "%s", row->label, in->location);
    } else if (row == NULL) {
        if (!landed->is_remove)
            unseen_delete(pc, landed);
    } else if (landed->is_remove ||
               !verify_item_equal(landed->item, row->item)) {
        pc->st->lost++;
        findings_add(pc->out, FINDING_CHECK_DELIVERY, "stale_item",
                     row->label, "item %s: the newest version in %s (%s%s "
                     "line %zu, sequence %s) is not the table's", row->label,
                     in->location, in->location,
                     in->objects[landed->object].key, landed->line,
                     landed->seq);
    } else {
        pc->st->delivered++;
    }
}

void verify_polled_landing(const struct verify_polled *in,
                           struct findings *out, struct verify_stats *st)
{
    struct entries landed = { 0 }, rows = { 0 };
    struct polled_check pc = { .in = in, .out = out, .st = st };
    deletes_init(&pc.deletes, in->changes);
    parse_landed(in, &landed, out, st);
    table_entries(in, &rows);
    st->changes += rows.n;
    if (landed.n > 1)
        qsort(landed.v, landed.n, sizeof *landed.v, by_key_seq);
    if (rows.n > 1)
        qsort(rows.v, rows.n, sizeof *rows.v, by_key_seq);
    size_t i = 0, j = 0;
    while (i < landed.n || j < rows.n) {
        /* The newest landed entry of the key at i is the last of its run. */
        size_t last = i;
        while (last + 1 < landed.n &&
               strcmp(landed.v[last + 1].key, landed.v[i].key) == 0)
            last++;
        int c = i == landed.n ? 1
              : j == rows.n   ? -1
                              : strcmp(landed.v[i].key, rows.v[j].key);
        compare_key(&pc, c <= 0 ? &landed.v[last] : NULL,
                    c >= 0 ? &rows.v[j] : NULL);
        if (c <= 0)
            i = last + 1;
        if (c >= 0)
            j++;
    }
    entries_clear(&landed);
    entries_clear(&rows);
    free(pc.deletes.v);
}

long verify_export_items(const char *text, size_t len, cJSON *items,
                         char *err, size_t errlen)
{
    const char *p = text, *end = text + len;
    long n = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t line_len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (line_len > 0) {
            cJSON *doc = json_parse(p, line_len);
            cJSON *item = cJSON_DetachItemFromObjectCaseSensitive(doc,
                                                                  "Item");
            cJSON_Delete(doc);
            if (!cJSON_IsObject(item)) {
                cJSON_Delete(item);
                snprintf(err, errlen, "line %ld: not an {\"Item\": {...}} "
                         "object", n + 1);
                return -1;
            }
            cJSON_AddItemToArray(items, item);
            n++;
        }
        p += line_len + 1;
    }
    return n;
}
