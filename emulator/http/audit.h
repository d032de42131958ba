/* The decision audit: every IAM decision, with the principal, action,
 * resource, outcome, the deciding policy and statement, and the condition
 * keys. Decisions go to an optional JSON-lines file one by one, and are
 * kept in memory aggregated by (principal, action, resource, decision,
 * policy, statement) with a count and first/last time — all that the
 * least-privilege analysis needs, in memory bounded by distinct decisions
 * rather than by traffic. The admin API serves them filtered by principal
 * and time. Thread-safe. */
#ifndef DYNALAKE_AUDIT_H
#define DYNALAKE_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

struct audit;
struct buf;
struct iam_context;

struct audit_entry {
    int64_t time_ms;
    const char *request_id;
    const char *principal;   /* ARN */
    const char *action;      /* "dynamodb:GetItem" */
    const char *resource;    /* ARN or "*" */
    const char *decision;    /* "allow", "explicit_deny", "implicit_deny" */
    const char *policy;      /* the deciding policy's name, or NULL */
    const char *statement;   /* its Sid or index, or NULL */
    const struct iam_context *context; /* condition keys; may be NULL */
    bool is_enforced;        /* false in audit mode: allowed regardless */
};

/* path may be NULL (memory only). NULL if the file cannot be opened. */
struct audit *audit_new(const char *path);
void audit_free(struct audit *a); /* NULL accepted */

/* Records e. Without a file it expects audit_count_repeat to have been
 * tried first, and formats e as a new decision without looking for it
 * again (a repeat is still counted, just not cheaply). */
void audit_record(struct audit *a, const struct audit_entry *e);

/* Counts e as one more of a decision already kept, when that is all there
 * is to do (no audit log file); true if it did, and then e is recorded.
 * It reads neither e->context nor e->request_id, so a caller can try it
 * before building a context that would go unused. */
bool audit_count_repeat(struct audit *a, const struct audit_entry *e);

/* Appends {"records":[...]}: one object per distinct decision of principal
 * (NULL: all) last made at or after since_ms, in first-seen order, each
 * with "count", "first_ms", "time_ms" (the last) and the context of its
 * first occurrence. */
void audit_write(struct audit *a, const char *principal, int64_t since_ms,
                 struct buf *out);

/* Forgets the in-memory decisions (the file is kept). */
void audit_clear(struct audit *a);

#endif
