/* The decision audit; see audit.h. A decision's JSON is formatted only when
 * a file wants it or when a new distinct decision is first seen; repeats
 * only bump a counter under the lock. */
#include "http/audit.h"

#include "base/buf.h"
#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"
#include "iam/iam_cond.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One distinct decision and how often it was made. */
struct audit_agg {
    struct audit_agg *next_in_bucket;
    struct audit_agg *next_in_order;
    uint64_t hash;
    char *key;          /* owned; the six fields joined by '\n' */
    char *principal;    /* owned */
    char *line;         /* owned; the first occurrence's JSON, no count */
    uint64_t count;
    int64_t first_ms;
    int64_t last_ms;
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
        free(a->first->key);
        free(a->first->principal);
        free(a->first->line);
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

/* The context as JSON: one string per single-valued aws:* key, a list for
 * the others; the first entry of a repeated key wins, as in IAM. */
static void write_context(struct buf *b, const struct iam_context *ctx)
{
    buf_puts(b, ",\"context\":{");
    for (size_t i = 0; ctx && i < ctx->n; i++) {
        const struct iam_context_entry *e = &ctx->entries[i];
        bool is_repeat = false;
        for (size_t j = 0; j < i && !is_repeat; j++)
            is_repeat = strcmp(ctx->entries[j].key, e->key) == 0;
        if (is_repeat)
            continue;
        buf_puts(b, i ? "," : "");
        json_write_string(b, e->key, strlen(e->key));
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

/* The decision's JSON object, without its closing brace, so that counts
 * can follow. */
static void format_line(struct buf *b, const struct audit_entry *e)
{
    buf_printf(b, "{\"time_ms\":%lld", (long long)e->time_ms);
    write_member(b, "request_id", e->request_id);
    write_member(b, "principal", e->principal);
    write_member(b, "action", e->action);
    write_member(b, "resource", e->resource);
    write_member(b, "decision", e->decision);
    write_member(b, "policy", e->policy);
    write_member(b, "statement", e->statement);
    buf_printf(b, ",\"enforced\":%s", e->is_enforced ? "true" : "false");
    write_context(b, e->context);
}

/* A decision's identity: the six fields that aggregate it. */
#define AUDIT_KEY_PARTS 6

static void key_parts(const struct audit_entry *e,
                      const char *parts[AUDIT_KEY_PARTS])
{
    parts[0] = e->principal;
    parts[1] = e->action;
    parts[2] = e->resource;
    parts[3] = e->decision;
    parts[4] = e->policy;
    parts[5] = e->statement;
}

/* The stored key: the six fields joined by '\n'. */
static void make_key(struct buf *b, const struct audit_entry *e)
{
    const char *parts[AUDIT_KEY_PARTS];
    key_parts(e, parts);
    for (size_t i = 0; i < AUDIT_KEY_PARTS; i++) {
        buf_puts(b, parts[i] ? parts[i] : "");
        buf_putc(b, '\n');
    }
}

/* Mixes n bytes of s into h eight at a time: the audit hashes every
 * decision's fields, and a byte-at-a-time hash showed in profiles. */
static uint64_t mix(uint64_t h, const char *s, size_t n)
{
    const uint64_t k = 0x9E3779B97F4A7C15ull;
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    uint64_t tail = 0;
    memcpy(&tail, s, n);
    h = (h ^ tail ^ ((uint64_t)n << 56)) * k;
    return h ^ (h >> 29);
}

/* A hash of the six key fields, computed from the fields so that a
 * repeat (nearly every decision) builds nothing. */
static uint64_t hash_of(const struct audit_entry *e)
{
    const char *parts[AUDIT_KEY_PARTS];
    uint64_t h = 0;
    key_parts(e, parts);
    for (size_t i = 0; i < AUDIT_KEY_PARTS; i++) {
        const char *p = parts[i] ? parts[i] : "";
        h = mix(h, p, strlen(p));
    }
    return h;
}

/* Whether a stored key is e's, field by field. */
static bool key_matches(const char *key, const struct audit_entry *e)
{
    const char *parts[AUDIT_KEY_PARTS];
    key_parts(e, parts);
    for (size_t i = 0; i < AUDIT_KEY_PARTS; i++) {
        const char *p = parts[i] ? parts[i] : "";
        size_t n = strlen(p);
        if (strncmp(key, p, n) != 0 || key[n] != '\n')
            return false;
        key += n + 1;
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

static struct audit_agg *find(struct audit *a, uint64_t hash,
                              const struct audit_entry *e)
{
    if (a->n_buckets == 0)
        return NULL;
    for (struct audit_agg *g = a->buckets[hash % a->n_buckets]; g;
         g = g->next_in_bucket) {
        if (g->hash == hash && key_matches(g->key, e))
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

/* Counts a repeat; false when the decision is new. */
static bool bump(struct audit *a, uint64_t hash, const struct audit_entry *e)
{
    pthread_mutex_lock(&a->lock);
    struct audit_agg *g = find(a, hash, e);
    if (g) {
        g->count++;
        if (e->time_ms > g->last_ms)
            g->last_ms = e->time_ms;
    }
    pthread_mutex_unlock(&a->lock);
    return g != NULL;
}

static void add_new(struct audit *a, uint64_t hash,
                    const struct audit_entry *e, const char *line)
{
    struct buf key;
    buf_init(&key, 0);
    make_key(&key, e);
    struct audit_agg *g = xcalloc(1, sizeof *g);
    g->hash = hash;
    g->key = buf_detach(&key, NULL);
    g->principal = xstrdup(e->principal);
    g->line = xstrdup(line);
    g->count = 1;
    g->first_ms = g->last_ms = e->time_ms;
    pthread_mutex_lock(&a->lock);
    struct audit_agg *raced = find(a, hash, e);
    if (raced) {
        raced->count++;
        pthread_mutex_unlock(&a->lock);
        free(g->key);
        free(g->principal);
        free(g->line);
        free(g);
        return;
    }
    insert(a, g);
    pthread_mutex_unlock(&a->lock);
}

bool audit_count_repeat(struct audit *a, const struct audit_entry *e)
{
    return a->file == NULL && bump(a, hash_of(e), e);
}

void audit_record(struct audit *a, const struct audit_entry *e)
{
    struct buf line;
    buf_init(&line, 0);
    uint64_t hash = hash_of(e);
    bool is_known = bump(a, hash, e);
    if (!is_known || a->file)
        format_line(&line, e);
    if (a->file) {
        pthread_mutex_lock(&a->lock);
        fputs(buf_cstr(&line), a->file);
        fputs("}\n", a->file);
        fflush(a->file);
        pthread_mutex_unlock(&a->lock);
    }
    if (!is_known)
        add_new(a, hash, e, buf_cstr(&line));
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
            (principal && strcmp(principal, g->principal) != 0))
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
