/* Scenarios: one JSON file describes an account's identities, tables and
 * buckets, a seeded workload, the pipeline steps (which component, as which
 * role), faults, and what must come out. scenario_load validates the file
 * field by field and names the first bad field by its path
 * ("workload.mix.put: expected a number >= 0"); the runner executes it.
 * README.md documents the format with an annotated example. */
#ifndef DYNALAKE_SCENARIO_H
#define DYNALAKE_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits that keep a scenario a test, not a load test; --scale multiplies
 * operations within them. */
#define SCENARIO_MAX_TABLES 8
#define SCENARIO_MAX_STEPS 16
#define SCENARIO_MAX_OPERATIONS 10000000
#define SCENARIO_MAX_KEYS 10000000

struct cJSON;

/* A user or a role. Policies are the documents as text, placeholders
 * already substituted; their names are the file names (or "inline-N"). */
struct scenario_identity {
    char *name;            /* owned */
    bool is_role;
    char *trust;           /* owned; roles only: the trust policy text */
    char *trust_name;      /* owned */
    char **policies;       /* owned; policy documents (JSON text) */
    char **policy_names;   /* owned */
    size_t n_policies;
};

struct scenario_key {
    char *name;            /* owned */
    char type;             /* 'S', 'N' or 'B' */
};

struct scenario_table {
    char *name;            /* owned */
    struct scenario_key keys[2]; /* hash, then range (n_keys == 2) */
    int n_keys;
    char *stream_view;     /* owned; NEW_AND_OLD_IMAGES…, or NULL: none */
    char *ttl_attribute;   /* owned, or NULL */
};

/* Relative weights of the operation kinds; they need not sum to 100. */
struct scenario_mix {
    double put, update, delete, conditional, batch, transaction, ttl;
};

struct scenario_workload {
    char *table;           /* owned; a table of the scenario */
    char *as;              /* owned; an identity name, or NULL: the runner */
    uint64_t seed;
    int64_t operations;
    int64_t keys;
    bool is_hot;           /* distribution "hot" rather than "uniform" */
    int64_t hot_keys;      /* how many keys are hot */
    double hot_fraction;   /* share of operations on hot keys */
    struct scenario_mix mix;
    double large_fraction; /* share of puts with an item near 400 KB */
    int64_t duration_ms;   /* the timeline's span on the emulator clock */
    int concurrency;       /* writers; keys are split between them */
    char *watermark;       /* owned, or NULL; every write sets this
                              attribute to its time on the emulator clock
                              (epoch ms), for a polling loader */
};

struct scenario_step {
    char *kind;            /* owned; "ship", "load", "handler", … */
    char *name;            /* owned; label in reports */
    char *as;              /* owned; identity name, or NULL: the runner */
    char *service;         /* owned; for roles: the service principal the
                              role is assumed as */
    char *table;           /* owned, or NULL */
    char *bucket;          /* owned, or NULL */
    char *prefix;          /* owned, or NULL */
    double at;             /* runs once this fraction of the workload's
                              operations is done (0 to 1); < 0: after the
                              workload */
    struct cJSON *options; /* owned; the step's other options, checked
                              against its kind's list, or NULL */
};

struct scenario_expected {
    char *check;           /* owned, or NULL: any check */
    char *kind;            /* owned, or NULL: any kind */
    char *subject;         /* owned; substring of the subject, or NULL */
    char *contains;        /* owned; substring of the message, or NULL */
};

struct scenario {
    char *path;            /* owned; the file */
    char *dir;             /* owned; its directory (paths resolve here) */
    char *name;            /* owned */
    char *description;     /* owned, or NULL */
    char *account;         /* owned */
    char *region;          /* owned */
    struct scenario_identity *identities; /* owned */
    size_t n_identities;
    struct scenario_table tables[SCENARIO_MAX_TABLES];
    size_t n_tables;
    char **buckets;        /* owned */
    size_t n_buckets;
    bool has_workload;
    struct scenario_workload workload;
    struct cJSON *faults;  /* owned; array of fault rules, or NULL */
    int64_t shard_rollover; /* "emulator": {"shard_rollover": N}: stream
                               shards close every N records (the embedded
                               emulator only); 0: the emulator's default */
    struct scenario_step steps[SCENARIO_MAX_STEPS];
    size_t n_steps;
    char **checks;         /* owned; the checks to run */
    size_t n_checks;
    struct scenario_expected *expected; /* owned */
    size_t n_expected;
};

/* Loads and validates path. Returns the scenario (free with
 * scenario_free), or NULL with "PATH: FIELD: what was expected" in err. */
struct scenario *scenario_load(const char *path, char *err, size_t errlen);

/* The same from text; dir resolves policy paths. For tests. */
struct scenario *scenario_parse(const char *text, size_t len,
                                const char *path, const char *dir,
                                char *err, size_t errlen);

void scenario_free(struct scenario *s);

/* The identity named name, or NULL. */
const struct scenario_identity *scenario_identity_find(
    const struct scenario *s, const char *name);
const struct scenario_table *scenario_table_find(const struct scenario *s,
                                                 const char *name);
/* True when check is among the checks to run. */
bool scenario_has_check(const struct scenario *s, const char *check);

/* The step kinds the runner knows, NULL-terminated. */
extern const char *const scenario_step_kinds[];

#endif
