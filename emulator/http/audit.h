/* The decision audit: one record per (action, resource) decision, with the
 * principal, the condition-key values used, the outcome and the policy and
 * statement that decided. Records go to an optional JSON-lines file and to
 * a bounded in-memory log that the admin API serves, filtered by principal
 * and time, for the least-privilege analysis. Thread-safe. */
#ifndef DYNALAKE_AUDIT_H
#define DYNALAKE_AUDIT_H

#include <cjson/cJSON.h>
#include <stdint.h>

struct audit;
struct buf;

/* Most records kept in memory; older ones are dropped first. */
#define AUDIT_MAX_RECORDS 1000000

struct audit_entry {
    int64_t time_ms;
    const char *request_id;
    const char *principal;   /* ARN */
    const char *action;      /* "dynamodb:GetItem" */
    const char *resource;    /* ARN or "*" */
    const char *decision;    /* "allow", "explicit_deny", "implicit_deny" */
    const char *policy;      /* the deciding policy's name, or NULL */
    const char *statement;   /* its Sid or index, or NULL */
    const cJSON *context;    /* condition keys used; may be NULL */
    int is_enforced;         /* 0 in audit mode: allowed whatever the
                                decision */
};

/* path may be NULL (memory only). NULL if the file cannot be opened. */
struct audit *audit_new(const char *path);
void audit_free(struct audit *a); /* NULL accepted */

void audit_record(struct audit *a, const struct audit_entry *e);

/* Appends {"records":[...]} of the records of principal (NULL: all) at or
 * after since_ms, oldest first. */
void audit_write(struct audit *a, const char *principal, int64_t since_ms,
                 struct buf *out);

/* Forgets the in-memory records (the file is kept). */
void audit_clear(struct audit *a);

#endif
