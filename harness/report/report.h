/* Reports: the results of a run of scenarios and the writers that render
 * them. A run holds scenarios; a scenario holds cases, one per expectation
 * (a check that must come out clean, or a finding that must appear), and
 * the findings behind them. Writers only read this model: text (progress
 * and a summary for people), JSON (for tools) and JUnit XML (for CI). */
#ifndef DYNALAKE_REPORT_H
#define DYNALAKE_REPORT_H

#include "verify/finding.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* One expectation of one scenario: one JUnit test case. */
struct report_case {
    char *name;      /* owned; e.g. "delivery", "expect delivery/lost_change" */
    bool is_passed;
    bool is_skipped;
    char *detail;    /* owned; failure or skip text, one finding a line;
                        NULL when passed without remarks */
};

/* A named counter shown in the summary ("operations", "changes", …). */
struct report_stat {
    char *name;      /* owned */
    int64_t value;
};

struct report_scenario {
    char *name;            /* owned */
    char *path;            /* owned; the scenario file */
    uint64_t seed;
    double seconds;        /* wall time of the whole scenario */
    char *error;           /* owned; why it could not run, or NULL */
    struct report_case *cases; /* owned */
    size_t n_cases;
    struct report_stat *stats; /* owned */
    size_t n_stats;
    struct findings findings;  /* every finding, expected ones marked */
    char *notes;           /* owned; extra text (policy diffs, necessity
                              proofs), or NULL */
};

struct report_run {
    struct report_scenario **scenarios; /* owned */
    size_t n;
    double seconds;
};

/* A new, empty scenario result named name (copied) from path (copied). */
struct report_scenario *report_scenario_new(const char *name,
                                            const char *path);
void report_scenario_free(struct report_scenario *s);

/* Adds a case; detail may be NULL. Strings are copied. */
void report_add_case(struct report_scenario *s, const char *name,
                     bool is_passed, bool is_skipped, const char *detail);
void report_add_stat(struct report_scenario *s, const char *name,
                     int64_t value);
/* Appends a line to the scenario's notes. */
void report_add_note(struct report_scenario *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Records why the scenario could not run (replacing an earlier reason). */
void report_set_error(struct report_scenario *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* True when the scenario ran and every case passed or was skipped. */
bool report_scenario_passed(const struct report_scenario *s);
/* Takes ownership of s. */
void report_run_add(struct report_run *run, struct report_scenario *s);
void report_run_clear(struct report_run *run);
size_t report_run_failed(const struct report_run *run);

/* One output format: writes the whole run to out; 0 or -1. */
struct report_format {
    const char *name;
    int (*write)(FILE *out, const struct report_run *run);
};

extern const struct report_format report_text;
extern const struct report_format report_json;
extern const struct report_format report_junit;

/* Writes run in format to path ("-" is standard output); 0 or -1 with the
 * reason printed to standard error. */
int report_write_file(const struct report_format *format, const char *path,
                      const struct report_run *run);

/* The terminal side of the text report: a one-line progress display that
 * rewrites itself on a terminal (and stays quiet elsewhere), and a block
 * per finished scenario. */
void report_text_progress(FILE *out, const char *scenario, const char *phase,
                          size_t done, size_t total);
void report_text_scenario(FILE *out, const struct report_scenario *s);
void report_text_summary(FILE *out, const struct report_run *run);

#endif
