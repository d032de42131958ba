/* The scenario runner: one scenario end to end. It starts an embedded
 * emulator (in memory, on a free port, IAM enforced with the scenario's
 * identities) unless given an endpoint; creates tables and buckets; runs
 * the seeded workload as its user; runs the pipeline steps as the roles
 * the scenario names (each assumed as its service principal); drains;
 * reads back the source stream, the landing objects, the tables and the
 * decision audit; verifies; and turns checks and expectations into report
 * cases. */
#ifndef DYNALAKE_RUNNER_H
#define DYNALAKE_RUNNER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct report_scenario;
struct scenario;

struct runner_options {
    bool has_seed;              /* seed overrides the scenario's */
    uint64_t seed;
    double scale;               /* multiplies the workload; 0 means 1 */
    bool is_keep;               /* keep the work directory (printed) */
    const char *endpoint;       /* a running dynalake, or NULL: embedded */
    const char *policies_dir;   /* write minimal policies here, or NULL */
    bool is_prove_necessity;    /* re-run without each granted action */
    FILE *progress;             /* progress display, or NULL */
};

/* Policy text that replaces one policy of one identity for a run (the
 * necessity proof's "this action removed"). */
struct runner_override {
    const char *identity;
    size_t policy;
    const char *text;
};

/* Runs s and fills out: cases, findings, counters and notes. Returns 0
 * when the scenario ran (whether or not its expectations held), -1 when
 * it could not (the reason is out->error). */
int runner_run(const struct scenario *s, const struct runner_options *o,
               struct report_scenario *out);

/* The same with a policy replaced; used by the necessity proof. */
int runner_run_with(const struct scenario *s, const struct runner_options *o,
                    const struct runner_override *override,
                    struct report_scenario *out);

#endif
