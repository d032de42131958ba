/* Findings: what verification and least-privilege analysis report. Each is
 * specific (a key, a sequence number, a principal, an action) and belongs to
 * one check, so a scenario can expect it and a report can group it. */
#ifndef DYNALAKE_FINDING_H
#define DYNALAKE_FINDING_H

#include <stdbool.h>
#include <stddef.h>

/* The checks a scenario runs; each becomes one JUnit test case. */
#define FINDING_CHECK_PIPELINE "pipeline"  /* steps ran to completion */
#define FINDING_CHECK_LANDING "landing"    /* objects parse, fields typed */
#define FINDING_CHECK_DELIVERY "delivery"  /* every change landed, in order */
#define FINDING_CHECK_LAKE "lake"          /* rebuilt lake == source table */
#define FINDING_CHECK_ACCESS "access"      /* nothing denied */
#define FINDING_CHECK_LEASTPRIV "least_privilege" /* nothing more granted */
#define FINDING_CHECK_TRUST "trust"        /* trust policies name the right
                                              principal */

struct finding {
    char *check;   /* owned; one of FINDING_CHECK_* */
    char *kind;    /* owned; short stable id, e.g. "lost_change" */
    char *subject; /* owned; the key, principal or object, or NULL */
    char *message; /* owned; one readable sentence */
    bool is_expected; /* matched by the scenario's expectations */
};

struct findings {
    struct finding *v; /* owned */
    size_t n;
    size_t cap;
};

void findings_init(struct findings *f);
void findings_clear(struct findings *f);

/* Appends a finding; subject may be NULL. The strings are copied. */
void findings_add(struct findings *f, const char *check, const char *kind,
                  const char *subject, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Moves every finding of src to the end of dst and empties src. */
void findings_move(struct findings *dst, struct findings *src);

/* How many findings belong to check (NULL: all). */
size_t findings_count(const struct findings *f, const char *check);

#endif
