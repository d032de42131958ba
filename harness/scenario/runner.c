/* The runner's driver: phases in order (environment, resources, workload,
 * pipeline, verification), then the scenario's checks and expected
 * findings become report cases; the necessity proof re-runs the scenario
 * once per granted action with that action removed. See runner.h. */
#include "scenario/runner_internal.h"

#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The checks in report order. */
static const char *const checks[] = {
    FINDING_CHECK_PIPELINE, FINDING_CHECK_LANDING, FINDING_CHECK_DELIVERY,
    FINDING_CHECK_LAKE, FINDING_CHECK_ACCESS, FINDING_CHECK_LEASTPRIV,
    FINDING_CHECK_TRUST, NULL
};

/* Checks whose findings mean the pipeline broke: the necessity proof
 * compares these. */
static bool is_outcome_check(const char *check)
{
    return strcmp(check, FINDING_CHECK_LEASTPRIV) != 0 &&
           strcmp(check, FINDING_CHECK_TRUST) != 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool matches(const struct scenario_expected *e, const struct finding *f)
{
    return (e->check == NULL || strcmp(e->check, f->check) == 0) &&
           (e->kind == NULL || strcmp(e->kind, f->kind) == 0) &&
           (e->subject == NULL ||
            (f->subject && strstr(f->subject, e->subject))) &&
           (e->contains == NULL || strstr(f->message, e->contains));
}

/* Why a check cannot run in this scenario, or NULL when it can. */
static const char *skip_reason(const struct runner *r, const char *check)
{
    bool is_iam_check = strcmp(check, FINDING_CHECK_ACCESS) == 0 ||
                        strcmp(check, FINDING_CHECK_LEASTPRIV) == 0 ||
                        strcmp(check, FINDING_CHECK_TRUST) == 0;
    if (strcmp(check, FINDING_CHECK_LANDING) == 0 && !r->has_landing &&
        !r->has_export)
        return "no step writes change records or exports";
    if (strcmp(check, FINDING_CHECK_DELIVERY) == 0 && !r->has_landing)
        return "no step writes change records";
    if (strcmp(check, FINDING_CHECK_LAKE) == 0 && r->lake_snapshot == NULL &&
        !r->has_export)
        return "no load step rebuilt a lake and no export finished";
    if (is_iam_check && !r->is_iam)
        return "--endpoint: the server's identities are not the runner's";
    if (is_iam_check && r->s->n_identities == 0)
        return "the scenario declares no identities";
    return NULL;
}

/* One case: check (and subject, when not NULL) passes without unexpected
 * findings; the detail lists them. */
static void add_check_case(struct runner *r, const char *check,
                           const char *subject)
{
    char name[256];
    snprintf(name, sizeof name, "%s%s%s", check, subject ? " " : "",
             subject ? subject : "");
    const char *why = skip_reason(r, check);
    if (why) {
        report_add_case(r->out, name, true, true, why);
        return;
    }
    struct buf detail;
    buf_init(&detail, 0);
    size_t bad = 0, expected = 0;
    for (size_t i = 0; i < r->findings.n; i++) {
        const struct finding *f = &r->findings.v[i];
        if (strcmp(f->check, check) != 0 ||
            (subject && (!f->subject || strcmp(f->subject, subject) != 0)))
            continue;
        if (f->is_expected) {
            expected++;
            continue;
        }
        buf_printf(&detail, "[%s] %s\n", f->kind, f->message);
        bad++;
    }
    if (bad == 0 && expected > 0)
        buf_printf(&detail, "%zu expected finding%s\n", expected,
                   expected == 1 ? "" : "s");
    report_add_case(r->out, name, bad == 0, false, buf_cstr(&detail));
    buf_clear(&detail);
}

static void add_expected_case(struct runner *r,
                              const struct scenario_expected *e)
{
    char name[512];
    snprintf(name, sizeof name, "expect %s/%s%s%s%s%s", e->check ? e->check
             : "*", e->kind ? e->kind : "*", e->subject ? " " : "",
             e->subject ? e->subject : "", e->contains ? " \"" : "",
             e->contains ? e->contains : "");
    if (e->contains)
        strncat(name, "\"", sizeof name - strlen(name) - 1);
    size_t hits = 0;
    for (size_t i = 0; i < r->findings.n; i++)
        hits += matches(e, &r->findings.v[i]);
    if (hits > 0) {
        char detail[64];
        snprintf(detail, sizeof detail, "%zu matching finding%s", hits,
                 hits == 1 ? "" : "s");
        report_add_case(r->out, name, true, false, detail);
        return;
    }
    struct buf detail;
    buf_init(&detail, 0);
    buf_puts(&detail, "the harness did not report this finding");
    for (size_t i = 0; i < r->findings.n; i++) {
        const struct finding *f = &r->findings.v[i];
        if (e->check == NULL || strcmp(f->check, e->check) == 0)
            buf_printf(&detail, "\nseen instead: [%s/%s] %s", f->check,
                       f->kind, f->message);
    }
    report_add_case(r->out, name, false, false, buf_cstr(&detail));
    buf_clear(&detail);
}

static void add_identity_cases(struct runner *r, const char *check)
{
    bool is_any = false;
    for (size_t i = 0; i < r->s->n_identities; i++) {
        const struct scenario_identity *id = &r->s->identities[i];
        if (strcmp(check, FINDING_CHECK_TRUST) == 0 && !id->is_role)
            continue;
        char subject[160];
        snprintf(subject, sizeof subject, "%s/%s",
                 id->is_role ? "role" : "user", id->name);
        add_check_case(r, check, subject);
        is_any = true;
    }
    if (!is_any)
        add_check_case(r, check, NULL);
}

void runner_cases(struct runner *r)
{
    const struct scenario *s = r->s;
    for (size_t i = 0; i < r->findings.n; i++)
        for (size_t j = 0; j < s->n_expected; j++)
            if (matches(&s->expected[j], &r->findings.v[i]))
                r->findings.v[i].is_expected = true;
    for (size_t i = 0; checks[i]; i++) {
        if (!scenario_has_check(s, checks[i]))
            continue;
        bool is_per_identity = strcmp(checks[i], FINDING_CHECK_LEASTPRIV) ==
                                   0 ||
                               strcmp(checks[i], FINDING_CHECK_TRUST) == 0;
        if (is_per_identity && !skip_reason(r, checks[i]))
            add_identity_cases(r, checks[i]);
        else
            add_check_case(r, checks[i], NULL);
    }
    for (size_t j = 0; j < s->n_expected; j++)
        add_expected_case(r, &s->expected[j]);
}

static void add_stats(struct runner *r)
{
    struct report_scenario *o = r->out;
    const struct runner_counts *c = &r->counts;
    const struct verify_stats *v = &r->vstats;
    report_add_stat(o, "operations", (int64_t)c->operations);
    if (c->failed_conditions)
        report_add_stat(o, "failed conditions", (int64_t)c->failed_conditions);
    if (r->has_landing) {
        report_add_stat(o, "changes", (int64_t)v->changes);
        report_add_stat(o, "landed", (int64_t)v->records);
        report_add_stat(o, "objects", (int64_t)c->objects);
        report_add_stat(o, "lost", (int64_t)v->lost);
        report_add_stat(o, "duplicates", (int64_t)v->duplicates);
    }
    if (r->lake_snapshot || r->has_export) {
        report_add_stat(o, "source items", (int64_t)v->source_items);
        report_add_stat(o, "lake items", (int64_t)v->lake_items);
    }
    report_add_stat(o, "retries", (int64_t)c->retries);
    if (c->denied)
        report_add_stat(o, "denied requests", (int64_t)c->denied);
}

/* Keeps the findings of the checks the scenario runs (and expected ones)
 * in the report. */
static void keep_findings(struct runner *r)
{
    for (size_t i = 0; i < r->findings.n; i++) {
        const struct finding *f = &r->findings.v[i];
        if (!f->is_expected && !scenario_has_check(r->s, f->check))
            continue;
        findings_add(&r->out->findings, f->check, f->kind, f->subject, "%s",
                     f->message);
        r->out->findings.v[r->out->findings.n - 1].is_expected =
            f->is_expected;
    }
}

int runner_run_with(const struct scenario *s, const struct runner_options *o,
                    const struct runner_override *override,
                    struct report_scenario *out)
{
    double start = now_s();
    struct runner r = { .s = s, .o = o, .override = override, .out = out };
    findings_init(&r.findings);
    r.seed = o->has_seed ? o->seed : s->workload.seed;
    out->seed = r.seed;
    int rc = runner_env_start(&r);
    if (rc == 0)
        rc = runner_setup_resources(&r);
    if (rc == 0) {
        runner_workload(&r);
        runner_steps(&r);
        runner_check(&r);
        runner_cases(&r);
        add_stats(&r);
        keep_findings(&r);
    }
    runner_env_stop(&r);
    for (size_t i = 0; i < SCENARIO_MAX_STEPS; i++) {
        free(r.exports[i].summary_key);
        cJSON_Delete(r.exports[i].table);
    }
    workload_clear(&r.wl);
    findings_clear(&r.findings);
    free(r.lake_snapshot);
    out->seconds = now_s() - start;
    return rc;
}

/* ---- the necessity proof ------------------------------------------------ */

static size_t outcome_findings(const struct report_scenario *s)
{
    size_t n = s->error ? 1 : 0;
    for (size_t i = 0; i < s->findings.n; i++)
        n += !s->findings.v[i].is_expected &&
             is_outcome_check(s->findings.v[i].check);
    return n;
}

/* The first outcome finding of s, for the note. */
static const char *first_outcome(const struct report_scenario *s)
{
    if (s->error)
        return s->error;
    for (size_t i = 0; i < s->findings.n; i++)
        if (!s->findings.v[i].is_expected &&
            is_outcome_check(s->findings.v[i].check))
            return s->findings.v[i].message;
    return "";
}

/* doc without action k of statement st (the statement goes when it held
 * only that action). Returns the text; caller frees. */
static char *without_action(const cJSON *doc, int st, int k)
{
    cJSON *copy = cJSON_Duplicate(doc, true);
    cJSON *list = cJSON_GetObjectItemCaseSensitive(copy, "Statement");
    cJSON *stmt = cJSON_IsArray(list) ? cJSON_GetArrayItem(list, st) : list;
    cJSON *acts = cJSON_GetObjectItemCaseSensitive(stmt, "Action");
    if (cJSON_IsArray(acts) && cJSON_GetArraySize(acts) > 1) {
        cJSON_DeleteItemFromArray(acts, k);
    } else {
        /* A statement that grants nothing keeps the document valid. */
        cJSON_ReplaceItemInObjectCaseSensitive(
            stmt, "Action", cJSON_CreateString("dynalake:Nothing"));
    }
    char *text = cJSON_PrintUnformatted(copy);
    cJSON_Delete(copy);
    return text;
}

static void prove_one(const struct scenario *s, const struct runner_options *o,
                      const struct scenario_identity *id, size_t policy,
                      const cJSON *doc, int st, int k, const char *action,
                      size_t baseline, struct report_scenario *out)
{
    struct runner_options quiet = *o;
    quiet.progress = NULL;
    quiet.policies_dir = NULL;
    quiet.is_keep = false;
    quiet.is_prove_necessity = false;
    char *text = without_action(doc, st, k);
    struct runner_override ov = { id->name, policy, text };
    struct report_scenario *trial = report_scenario_new(s->name, s->path);
    runner_run_with(s, &quiet, &ov, trial);
    size_t n = outcome_findings(trial);
    if (n > baseline)
        report_add_note(out, "  necessary   %s/%s %s: without it, %zu "
                        "finding%s, first: %s", id->is_role ? "role" : "user",
                        id->name, action, n - baseline, n - baseline == 1
                        ? "" : "s", first_outcome(trial));
    else
        report_add_note(out, "  unnecessary %s/%s %s: the scenario passes "
                        "the same without it", id->is_role ? "role" : "user",
                        id->name, action);
    report_scenario_free(trial);
    free(text);
}

static void prove_necessity(const struct scenario *s,
                            const struct runner_options *o,
                            struct report_scenario *out)
{
    size_t baseline = outcome_findings(out);
    report_add_note(out, "necessity (each granted action removed in turn):");
    for (size_t i = 0; i < s->n_identities; i++) {
        const struct scenario_identity *id = &s->identities[i];
        for (size_t j = 0; j < id->n_policies; j++) {
            cJSON *doc = json_parse(id->policies[j], strlen(id->policies[j]));
            cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "Statement");
            int n_st = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 1;
            for (int st = 0; st < n_st; st++) {
                const cJSON *stmt = cJSON_IsArray(list)
                    ? cJSON_GetArrayItem(list, st) : list;
                const char *effect = json_get_string(stmt, "Effect");
                const cJSON *acts = json_get(stmt, "Action");
                int n_act = cJSON_IsArray(acts) ? cJSON_GetArraySize(acts) : 1;
                for (int k = 0; effect && strcmp(effect, "Allow") == 0 &&
                                k < n_act; k++) {
                    const cJSON *a = cJSON_IsArray(acts)
                        ? cJSON_GetArrayItem(acts, k) : acts;
                    if (!cJSON_IsString(a))
                        continue;
                    if (o->progress)
                        report_text_progress(o->progress, s->name,
                                             a->valuestring, 0, 0);
                    prove_one(s, o, id, j, doc, st, k, a->valuestring,
                              baseline, out);
                }
            }
            cJSON_Delete(doc);
        }
    }
}

int runner_run(const struct scenario *s, const struct runner_options *o,
               struct report_scenario *out)
{
    double start = now_s();
    int rc = runner_run_with(s, o, NULL, out);
    if (rc == 0 && o->is_prove_necessity)
        prove_necessity(s, o, out);
    out->seconds = now_s() - start;
    return rc;
}
