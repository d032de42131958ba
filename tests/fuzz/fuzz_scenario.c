/* libFuzzer target for scenario files: scenario_parse (scenario.h) on
 * fuzzed documents, resolving policy paths against scenarios/ as a real
 * scenario does; then, for whatever validates, the lookups the runner
 * makes and the workload it would replay, scaled down to a few dozen
 * operations. Every generated request must be JSON that parses: the
 * runner sends it as it is. Run from the repository's root (make fuzz). */
#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "scenario/scenario.h"
#include "scenario/workload.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Enough operations to reach every kind of the mix, few enough (large
 * items are ~400 KB each) that an input runs in milliseconds. */
#define FUZZ_MAX_OPERATIONS 48.0

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    mem_install_cjson_hooks();
    return 0;
}

static void generate_workload(const struct scenario *s)
{
    const struct scenario_workload *w = &s->workload;
    const struct scenario_table *t = scenario_table_find(s, w->table);
    if (!t)
        __builtin_trap(); /* validation promised the table exists */
    double scale = 1.0;
    if ((double)w->operations > FUZZ_MAX_OPERATIONS)
        scale = FUZZ_MAX_OPERATIONS / (double)w->operations;
    struct workload wl;
    workload_generate(w, t, scale, w->seed, &wl);
    for (size_t i = 0; i < wl.n; i++) {
        const char *body = wl.ops[i].body;
        cJSON *request = json_parse(body, strlen(body));
        if (!request)
            __builtin_trap(); /* the runner would send invalid JSON */
        cJSON_Delete(request);
    }
    struct buf lines;
    buf_init(&lines, 0);
    workload_write(&wl, &lines);
    buf_clear(&lines);
    workload_clear(&wl);
}

static void look_up_names(const struct scenario *s)
{
    for (size_t i = 0; i < s->n_identities; i++)
        if (scenario_identity_find(s, s->identities[i].name) !=
            &s->identities[i])
            __builtin_trap(); /* a name that finds another identity */
    for (size_t i = 0; i < s->n_tables; i++)
        scenario_table_find(s, s->tables[i].name);
    for (size_t i = 0; i < s->n_checks; i++)
        if (!scenario_has_check(s, s->checks[i]))
            __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy: the parser takes a length, not a C string. */
    char *text = malloc(size ? size : 1);
    memcpy(text, data, size);
    char err[512];
    struct scenario *s = scenario_parse(text, size, "scenarios/fuzzed.json",
                                        "scenarios", err, sizeof err);
    if (s) {
        look_up_names(s);
        if (s->has_workload)
            generate_workload(s);
        scenario_free(s);
    } else if (!err[0]) {
        __builtin_trap(); /* a refusal must say what was wrong */
    }
    free(text);
    return 0;
}
