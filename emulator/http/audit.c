/* The decision audit; see audit.h. A decision's JSON is formatted only when
 * a file wants it or when a new distinct decision is first seen; repeats
 * only bump a counter under the lock. */
#include "http/audit.h"

#include "base/buf.h"
#include "base/hash.h"
#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "http/audit_context.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One distinct decision and how often it was made. It is one allocation:
 * S3 writes make a new distinct decision per object key, so this is on
 * the path of every upload. */
struct audit_agg {
    struct audit_agg *next_in_bucket;
    struct audit_agg *next_in_order;
    uint64_t hash;
    const char *line;   /* in text: the first occurrence's JSON, no count */
    uint64_t count;
    int64_t first_ms;
    int64_t last_ms;
    /* The six key fields, each ending in NUL (the first is the principal),
     * then the line. */
    char text[];
};

struct audit {
    pthread_mutex_t lock;
    FILE *file;                  /* owned; NULL without --audit-log */
    struct audit_agg **buckets;  /* owned; chained hash table */
    size_t n_buckets;
    size_t n;
    struct audit_agg *first;     /* first-seen order */
    struct audit_agg *last;
};

struct audit *audit_new(const char *path)
{
    struct audit *a = xcalloc(1, sizeof *a);
    pthread_mutex_init(&a->lock, NULL);
    if (path) {
        a->file = fopen(path, "a");
        if (a->file == NULL) {
            log_error("audit log %s: %s", path, strerror(errno));
            audit_free(a);
            return NULL;
        }
    }
    return a;
}

void audit_clear(struct audit *a)
{
    pthread_mutex_lock(&a->lock);
    while (a->first) {
        struct audit_agg *next = a->first->next_in_order;
        free(a->first);
        a->first = next;
    }
    free(a->buckets);
    a->buckets = NULL;
    a->n_buckets = 0;
    a->n = 0;
    a->last = NULL;
    pthread_mutex_unlock(&a->lock);
}

void audit_free(struct audit *a)
{
    if (a == NULL)
        return;
    audit_clear(a);
    if (a->file)
        fclose(a->file);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

static void write_member(struct buf *b, const char *name, const char *value)
{
    buf_puts(b, ",\"");
    buf_puts(b, name);
    buf_puts(b, "\":");
    if (value)
        json_write_string(b, value, strlen(value));
    else
        buf_puts(b, "null");
}

/* The decision's JSON object, without its closing brace, so that counts
 * can follow. */
static void format_line(struct buf *b, const struct audit_entry *e)
{
    char digits[STR_DECIMAL_MAX];
    buf_puts(b, "{\"time_ms\":");
    buf_puts(b, str_decimal(e->time_ms > 0 ? (uint64_t)e->time_ms : 0,
                            digits));
    write_member(b, "request_id", e->request_id);
    write_member(b, "principal", e->principal);
    write_member(b, "action", e->action);
    write_member(b, "resource", e->resource);
    write_member(b, "decision", e->decision);
    write_member(b, "policy", e->policy);
    write_member(b, "statement", e->statement);
    buf_puts(b, e->is_enforced ? ",\"enforced\":true" : ",\"enforced\":false");
    audit_context_write(b, e->context);
}

/* A decision's identity: the six fields that aggregate it, measured and
 * hashed once per decision (a repeat, nearly every one, builds nothing). */
#define AUDIT_KEY_PARTS 6

struct audit_key {
    const char *parts[AUDIT_KEY_PARTS]; /* NULL fields as "" */
    size_t lens[AUDIT_KEY_PARTS];
    size_t size; /* stored: each part with its NUL */
    uint64_t hash;
};

static void key_of(const struct audit_entry *e, struct audit_key *k)
{
    const char *parts[AUDIT_KEY_PARTS] = { e->principal, e->action,
                                           e->resource, e->decision,
                                           e->policy, e->statement };
    k->size = 0;
    k->hash = 0;
    for (size_t i = 0; i < AUDIT_KEY_PARTS; i++) {
        k->parts[i] = parts[i] ? parts[i] : "";
        k->lens[i] = strlen(k->parts[i]);
        k->size += k->lens[i] + 1;
        k->hash = hash_mix(k->hash, k->parts[i], k->lens[i]);
    }
}

/* Writes the stored key, each field NUL-terminated, into out. */
static void put_key(char *out, const struct audit_key *k)
{
    for (size_t i = 0; i < AUDIT_KEY_PARTS; i++) {
        memcpy(out, k->parts[i], k->lens[i] + 1);
        out += k->lens[i] + 1;
    }
}

/* Whether a stored key is k, field by field. */
static bool key_matches(const char *stored, const struct audit_key *k)
{
    for (size_t i = 0; i < AUDIT_KEY_PARTS; i++) {
        if (memcmp(stored, k->parts[i], k->lens[i] + 1) != 0)
            return false;
        stored += k->lens[i] + 1;
    }
    return true;
}

static void grow(struct audit *a)
{
    size_t n = a->n_buckets ? a->n_buckets * 2 : 256;
    struct audit_agg **buckets = xcalloc(n, sizeof *buckets);
    for (struct audit_agg *g = a->first; g; g = g->next_in_order) {
        g->next_in_bucket = buckets[g->hash % n];
        buckets[g->hash % n] = g;
    }
    free(a->buckets);
    a->buckets = buckets;
    a->n_buckets = n;
}

static struct audit_agg *find(struct audit *a, const struct audit_key *k)
{
    if (a->n_buckets == 0)
        return NULL;
    for (struct audit_agg *g = a->buckets[k->hash % a->n_buckets]; g;
         g = g->next_in_bucket) {
        if (g->hash == k->hash && key_matches(g->text, k))
            return g;
    }
    return NULL;
}

static void insert(struct audit *a, struct audit_agg *g)
{
    if (a->n >= a->n_buckets)
        grow(a);
    g->next_in_bucket = a->buckets[g->hash % a->n_buckets];
    a->buckets[g->hash % a->n_buckets] = g;
    if (a->last)
        a->last->next_in_order = g;
    else
        a->first = g;
    a->last = g;
    a->n++;
}

static void count(struct audit_agg *g, int64_t time_ms)
{
    g->count++;
    if (time_ms > g->last_ms)
        g->last_ms = time_ms;
}

/* Counts a repeat; false when the decision is new. */
static bool bump(struct audit *a, const struct audit_key *k, int64_t time_ms)
{
    pthread_mutex_lock(&a->lock);
    struct audit_agg *g = find(a, k);
    if (g)
        count(g, time_ms);
    pthread_mutex_unlock(&a->lock);
    return g != NULL;
}

static void add_new(struct audit *a, const struct audit_key *k,
                    const struct audit_entry *e, const struct buf *line)
{
    struct audit_agg *g = xmalloc(sizeof *g + k->size + line->len + 1);
    put_key(g->text, k);
    memcpy(g->text + k->size, buf_cstr(line), line->len + 1);
    g->next_in_bucket = g->next_in_order = NULL;
    g->hash = k->hash;
    g->line = g->text + k->size;
    g->count = 1;
    g->first_ms = g->last_ms = e->time_ms;
    pthread_mutex_lock(&a->lock);
    struct audit_agg *raced = find(a, k);
    if (raced)
        count(raced, e->time_ms);
    else
        insert(a, g);
    pthread_mutex_unlock(&a->lock);
    if (raced)
        free(g);
}

bool audit_count_repeat(struct audit *a, const struct audit_entry *e)
{
    if (a->file)
        return false;
    struct audit_key k;
    key_of(e, &k);
    return bump(a, &k, e->time_ms);
}

/* Room for a typical decision's line at once, rather than by doubling. */
#define AUDIT_LINE_ROOM 1024

void audit_record(struct audit *a, const struct audit_entry *e)
{
    struct audit_key k;
    key_of(e, &k);
    /* Without a file, a repeat was counted by audit_count_repeat, so e is
     * new (add_new counts it if another thread added it meanwhile). */
    bool is_known = a->file && bump(a, &k, e->time_ms);
    struct buf line;
    buf_init(&line, 0);
    buf_reserve(&line, AUDIT_LINE_ROOM);
    format_line(&line, e);
    if (a->file) {
        pthread_mutex_lock(&a->lock);
        fputs(buf_cstr(&line), a->file);
        fputs("}\n", a->file);
        fflush(a->file);
        pthread_mutex_unlock(&a->lock);
    }
    if (!is_known)
        add_new(a, &k, e, &line);
    buf_clear(&line);
}

void audit_write(struct audit *a, const char *principal, int64_t since_ms,
                 struct buf *out)
{
    buf_puts(out, "{\"records\":[");
    bool is_first = true;
    pthread_mutex_lock(&a->lock);
    for (const struct audit_agg *g = a->first; g; g = g->next_in_order) {
        if (g->last_ms < since_ms ||
            (principal && strcmp(principal, g->text) != 0))
            continue;
        buf_puts(out, is_first ? "" : ",");
        /* The stored line's time is the first occurrence; the record's
         * time_ms is replaced by the last one. */
        const char *rest = strchr(g->line, ',');
        buf_printf(out, "{\"time_ms\":%lld%s,\"first_ms\":%lld,"
                   "\"count\":%llu}", (long long)g->last_ms, rest,
                   (long long)g->first_ms, (unsigned long long)g->count);
        is_first = false;
    }
    pthread_mutex_unlock(&a->lock);
    buf_puts(out, "]}");
}
