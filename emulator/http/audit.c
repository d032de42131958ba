/* The decision audit; see audit.h. Each record is formatted once, as its
 * JSON line, outside the lock; the lock covers only the append. */
#include "http/audit.h"

#include "base/buf.h"
#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct audit_record {
    int64_t time_ms;
    char *principal; /* owned */
    char *line;      /* owned; the JSON object, no newline */
};

struct audit {
    pthread_mutex_t lock;
    FILE *file;                    /* owned; NULL without --audit-log */
    struct audit_record *records;  /* ring of AUDIT_MAX_RECORDS at most */
    size_t head;                   /* index of the oldest */
    size_t n;
    size_t cap;
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

static void record_clear(struct audit_record *r)
{
    free(r->principal);
    free(r->line);
}

void audit_clear(struct audit *a)
{
    pthread_mutex_lock(&a->lock);
    for (size_t i = 0; i < a->n; i++)
        record_clear(&a->records[(a->head + i) % a->cap]);
    a->head = 0;
    a->n = 0;
    pthread_mutex_unlock(&a->lock);
}

void audit_free(struct audit *a)
{
    if (a == NULL)
        return;
    audit_clear(a);
    free(a->records);
    if (a->file)
        fclose(a->file);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

static void write_member(struct buf *b, const char *name, const char *value)
{
    buf_printf(b, ",\"%s\":", name);
    if (value)
        json_write_string(b, value, strlen(value));
    else
        buf_puts(b, "null");
}

static char *format_line(const struct audit_entry *e)
{
    struct buf b;
    buf_init(&b, 0);
    buf_printf(&b, "{\"time_ms\":%lld", (long long)e->time_ms);
    write_member(&b, "request_id", e->request_id);
    write_member(&b, "principal", e->principal);
    write_member(&b, "action", e->action);
    write_member(&b, "resource", e->resource);
    write_member(&b, "decision", e->decision);
    write_member(&b, "policy", e->policy);
    write_member(&b, "statement", e->statement);
    buf_printf(&b, ",\"enforced\":%s,\"context\":",
               e->is_enforced ? "true" : "false");
    if (e->context)
        json_write(&b, e->context);
    else
        buf_puts(&b, "{}");
    buf_putc(&b, '}');
    return buf_detach(&b, NULL);
}

/* Appends to the ring, dropping the oldest record when it is full. */
static void append(struct audit *a, struct audit_record r)
{
    if (a->n == a->cap && a->cap < AUDIT_MAX_RECORDS) {
        size_t cap = a->cap ? a->cap * 2 : 1024;
        if (cap > AUDIT_MAX_RECORDS)
            cap = AUDIT_MAX_RECORDS;
        struct audit_record *grown = xcalloc(cap, sizeof *grown);
        for (size_t i = 0; i < a->n; i++)
            grown[i] = a->records[(a->head + i) % a->cap];
        free(a->records);
        a->records = grown;
        a->cap = cap;
        a->head = 0;
    }
    if (a->n == a->cap) {
        record_clear(&a->records[a->head]);
        a->records[a->head] = r;
        a->head = (a->head + 1) % a->cap;
        return;
    }
    a->records[(a->head + a->n) % a->cap] = r;
    a->n++;
}

void audit_record(struct audit *a, const struct audit_entry *e)
{
    struct audit_record r = { .time_ms = e->time_ms,
                              .principal = xstrdup(e->principal),
                              .line = format_line(e) };
    pthread_mutex_lock(&a->lock);
    if (a->file) {
        fputs(r.line, a->file);
        fputc('\n', a->file);
        fflush(a->file);
    }
    append(a, r);
    pthread_mutex_unlock(&a->lock);
}

void audit_write(struct audit *a, const char *principal, int64_t since_ms,
                 struct buf *out)
{
    buf_puts(out, "{\"records\":[");
    bool is_first = true;
    pthread_mutex_lock(&a->lock);
    for (size_t i = 0; i < a->n; i++) {
        const struct audit_record *r = &a->records[(a->head + i) % a->cap];
        if (r->time_ms < since_ms ||
            (principal && strcmp(principal, r->principal) != 0))
            continue;
        if (!is_first)
            buf_putc(out, ',');
        buf_puts(out, r->line);
        is_first = false;
    }
    pthread_mutex_unlock(&a->lock);
    buf_puts(out, "]}");
}
