/* What the runner's files share: the state of one scenario run. runner.c
 * drives the phases, runner_env.c owns the environment (work directory,
 * identities file, emulator, admin API, credentials), runner_steps.c the
 * workload and pipeline steps, runner_check.c verification and cases. */
#ifndef DYNALAKE_RUNNER_INTERNAL_H
#define DYNALAKE_RUNNER_INTERNAL_H

#include "scenario/runner.h"
#include "scenario/scenario.h"
#include "scenario/workload.h"
#include "verify/finding.h"
#include "verify/verify.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

struct aws_client;
struct emulator;
struct report_scenario;
struct sync_stats;

/* The runner's own identity: it creates tables and buckets and reads the
 * ground truth; the analysis leaves it out. */
#define RUNNER_USER "dynalake-runner"

/* Credentials for one identity (session token only for roles). */
struct runner_creds {
    char access_key_id[128];
    char secret[128];
    char token[2048];
};

/* What the steps and the workload counted, for the report. */
struct runner_counts {
    uint64_t operations;     /* workload requests sent */
    uint64_t failed_conditions;
    uint64_t denied;         /* requests answered AccessDenied */
    uint64_t errors;         /* other failures */
    uint64_t unsupported;    /* operations the endpoint does not know */
    uint64_t retries;        /* client retries, workload and steps */
    uint64_t shipped;        /* records written by ship/handler steps */
    uint64_t objects;
    uint64_t loaded;
};

/* What an export step leaves for verification. */
struct runner_export {
    char *summary_key;         /* owned; its manifest-summary.json, or NULL:
                                  the export did not finish */
    cJSON *table;              /* owned; the table's items as the export
                                  ended, or NULL */
};

struct runner {
    const struct scenario *s;
    const struct runner_options *o;
    const struct runner_override *override;
    struct report_scenario *out;
    uint64_t seed;
    char dir[PATH_MAX];        /* the work directory */
    struct emulator *emu;      /* embedded emulator, or NULL */
    char endpoint[256];
    struct aws_client *admin;  /* as RUNNER_USER (or the environment's
                                  credentials with --endpoint) */
    bool is_iam;               /* identities loaded: IAM enforced */
    int64_t clock_offset_ms;   /* virtual minus wall, after the epoch jump */
    struct workload wl;
    struct findings findings;
    struct runner_counts counts;
    struct verify_stats vstats;
    bool has_landing;          /* a step wrote change records */
    bool are_landings_checked; /* while the last step (a load) ran */
    bool has_export;           /* an export step finished */
    bool is_step_failed[SCENARIO_MAX_STEPS];
    bool is_step_done[SCENARIO_MAX_STEPS];
    struct runner_export exports[SCENARIO_MAX_STEPS]; /* export steps' */
    char *lake_snapshot;       /* owned; the last load step's snapshot
                                  (JSON lines), or NULL: no lake */
    const char *lake_table;    /* the source table it mirrors */
    char lake_location[600];   /* "the lake rebuilt by …", for messages */
};

/* runner_env.c */
int runner_env_start(struct runner *r);
void runner_env_stop(struct runner *r);
/* Calls the admin API: method, path under /_dynalake/, body or NULL;
 * *out gets the parsed answer when out is not NULL. */
int runner_admin(struct runner *r, const char *method, const char *path,
                 const char *body, cJSON **out);
/* Moves the emulator clock to WORKLOAD_EPOCH_MS + t_ms if it is behind. */
int runner_clock_to(struct runner *r, int64_t t_ms);
/* Credentials for identity name as a step would have them: a user's keys;
 * a role assumed as service. NULL name: the runner's. -1 with the reason
 * in why (and a trust finding when the trust policy refused). */
int runner_creds_for(struct runner *r, const char *name, const char *service,
                     struct runner_creds *out, char *why, size_t whylen);
/* A client with creds (NULL: the runner's). Free with aws_client_free. */
struct aws_client *runner_client(struct runner *r,
                                 const struct runner_creds *creds);
/* Another client like r->admin, for reads that run beside it; NULL when
 * none can be made. Free with aws_client_free. */
struct aws_client *runner_admin_client(struct runner *r);
/* The user access key the runner gives identity name. */
void runner_user_key(const char *name, char *id, size_t idlen, char *secret,
                     size_t secretlen);
/* Service principal a step runs as when the scenario does not say. */
const char *runner_default_service(const char *kind);

/* runner_steps.c */
/* "s3://BUCKET/PREFIX" a ship, handler or load step writes or reads. */
void runner_step_location(const struct runner *r,
                          const struct scenario_step *st, char *out,
                          size_t len);
const char *runner_step_table(const struct runner *r,
                              const struct scenario_step *st);
int runner_option_int(const struct scenario_step *st, const char *name,
                      int fallback);
bool runner_option_bool(const struct scenario_step *st, const char *name);
/* The table's latest stream ARN, looked up as the runner (as a mapping is
 * configured with it); *arn is NULL when there is none. */
int runner_given_arn(struct runner *r, const char *table, char **arn);
int runner_setup_resources(struct runner *r);
int runner_workload(struct runner *r);
int runner_steps(struct runner *r);

/* runner_sync.c: the esm, poll and export steps. They return 0, or -1
 * when the step failed (its log says why); findings they make themselves
 * (function errors, records given up) go to r->findings. */
int runner_esm(struct runner *r, const struct scenario_step *st,
               struct sync_stats *stats);
int runner_poll(struct runner *r, const struct scenario_step *st,
                struct sync_stats *stats);
int runner_export(struct runner *r, size_t step, struct sync_stats *stats);

/* runner_check.c */
/* Every item of table, by consistent Scan as the runner; NULL (and a
 * finding) when the read fails. Caller frees. */
cJSON *runner_scan_all(struct runner *r, const char *table);
/* The same on client c, a failed read's finding into out. */
cJSON *runner_scan_all_on(struct aws_client *c, struct findings *out,
                          const char *table);
/* A readback_failed finding in out for what c failed to read. */
void runner_read_failed(struct aws_client *c, struct findings *out,
                        const char *what);
void runner_check(struct runner *r);

/* runner_landing.c */
/* Checks every landing location the steps wrote, as the runner. */
void runner_check_landings(struct runner *r);
/* The same on a thread of its own while the last step, a load, runs:
 * finish joins it and adds what it found to the runner's findings and
 * stats. Start returns NULL when no client can be had (the landings are
 * then checked after the steps); finish takes NULL. */
struct landing_check;
struct landing_check *runner_landing_check_start(struct runner *r);
void runner_landing_check_finish(struct runner *r, struct landing_check *lc);
void runner_cases(struct runner *r);

#endif
