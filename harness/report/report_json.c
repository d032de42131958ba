/* The JSON report: the whole run as one object, every finding included
 * (the text report abbreviates). The shape is README.md's. */
#include "report/report.h"

#include "base/json.h"

#include <stdlib.h>

static cJSON *case_json(const struct report_case *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", c->name);
    cJSON_AddStringToObject(o, "status", c->is_skipped ? "skipped"
                                       : c->is_passed ? "passed" : "failed");
    if (c->detail)
        cJSON_AddStringToObject(o, "detail", c->detail);
    return o;
}

static cJSON *finding_json(const struct finding *f)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "check", f->check);
    cJSON_AddStringToObject(o, "kind", f->kind);
    if (f->subject)
        cJSON_AddStringToObject(o, "subject", f->subject);
    cJSON_AddStringToObject(o, "message", f->message);
    cJSON_AddBoolToObject(o, "expected", f->is_expected);
    return o;
}

static cJSON *scenario_json(const struct report_scenario *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", s->name);
    cJSON_AddStringToObject(o, "path", s->path);
    cJSON_AddNumberToObject(o, "seed", (double)s->seed);
    cJSON_AddBoolToObject(o, "passed", report_scenario_passed(s));
    cJSON_AddNumberToObject(o, "seconds", s->seconds);
    if (s->error)
        cJSON_AddStringToObject(o, "error", s->error);
    cJSON *stats = cJSON_AddObjectToObject(o, "stats");
    for (size_t i = 0; i < s->n_stats; i++)
        cJSON_AddNumberToObject(stats, s->stats[i].name,
                                (double)s->stats[i].value);
    cJSON *cases = cJSON_AddArrayToObject(o, "cases");
    for (size_t i = 0; i < s->n_cases; i++)
        cJSON_AddItemToArray(cases, case_json(&s->cases[i]));
    cJSON *findings = cJSON_AddArrayToObject(o, "findings");
    for (size_t i = 0; i < s->findings.n; i++)
        cJSON_AddItemToArray(findings, finding_json(&s->findings.v[i]));
    if (s->notes)
        cJSON_AddStringToObject(o, "notes", s->notes);
    return o;
}

static int write_json(FILE *out, const struct report_run *run)
{
    cJSON *root = cJSON_CreateObject();
    size_t failed = report_run_failed(run);
    cJSON_AddNumberToObject(root, "passed", (double)(run->n - failed));
    cJSON_AddNumberToObject(root, "failed", (double)failed);
    cJSON_AddNumberToObject(root, "seconds", run->seconds);
    cJSON *list = cJSON_AddArrayToObject(root, "scenarios");
    for (size_t i = 0; i < run->n; i++)
        cJSON_AddItemToArray(list, scenario_json(run->scenarios[i]));
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    int rc = fputs(text, out) < 0 || fputc('\n', out) == EOF ? -1 : 0;
    free(text);
    return rc;
}

const struct report_format report_json = { "json", write_json };
