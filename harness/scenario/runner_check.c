/* The runner's verification: reads back the ground truth (the source
 * table, as the runner's own identity), the lake snapshot, the exports and
 * the decision audit (the landings: runner_landing.c); runs verify and
 * leastpriv; then turns the scenario's checks and expected findings into
 * report cases; see runner_internal.h. */
#include "scenario/runner_internal.h"

#include "aws/aws.h"
#include "aws/aws_ddb.h"
#include "aws/aws_s3.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "report/report.h"
#include "base/crypto.h"
#include "verify/leastpriv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void runner_read_failed(struct aws_client *c, struct findings *out,
                        const char *what)
{
    const struct aws_error *e = aws_client_error(c);
    findings_add(out, FINDING_CHECK_PIPELINE, "readback_failed", NULL,
                 "reading back %s failed: %s: %s", what, e->code, e->message);
}

static void read_failed(struct runner *r, const char *what)
{
    runner_read_failed(r->admin, &r->findings, what);
}

cJSON *runner_scan_all(struct runner *r, const char *table)
{
    return runner_scan_all_on(r->admin, &r->findings, table);
}

cJSON *runner_scan_all_on(struct aws_client *c, struct findings *out,
                          const char *table)
{
    cJSON *items = cJSON_CreateArray();
    cJSON *start = NULL;
    do {
        struct aws_ddb_scan args = { .table = table, .start_key = start,
                                     .is_consistent = true };
        cJSON *page = NULL;
        int rc = aws_ddb_scan(c, &args, &page);
        cJSON_Delete(start);
        start = NULL;
        if (rc < 0) {
            runner_read_failed(c, out, "the source table");
            cJSON_Delete(items);
            return NULL;
        }
        /* The page's items move over rather than being copied. */
        cJSON *page_items = cJSON_GetObjectItemCaseSensitive(page, "Items");
        cJSON *item = cJSON_DetachItemFromArray(page_items, 0);
        for (; item; item = cJSON_DetachItemFromArray(page_items, 0))
            cJSON_AddItemToArray(items, item);
        const cJSON *last = json_get(page, "LastEvaluatedKey");
        if (last)
            start = cJSON_Duplicate(last, true);
        cJSON_Delete(page);
    } while (start);
    return items;
}

static cJSON *read_snapshot(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    cJSON *items = cJSON_CreateArray();
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        cJSON *item = json_parse(line, (size_t)n);
        if (item)
            cJSON_AddItemToArray(items, item);
    }
    free(line);
    fclose(f);
    return items;
}

static void check_lake(struct runner *r)
{
    const struct scenario_table *t = scenario_table_find(r->s, r->lake_table);
    if (t == NULL)
        return;
    cJSON *source = runner_scan_all(r, t->name);
    cJSON *lake = read_snapshot(r->lake_snapshot);
    if (source && lake) {
        const char *names[2] = { t->keys[0].name,
                                 t->n_keys > 1 ? t->keys[1].name : NULL };
        verify_lake(source, lake, names, (size_t)t->n_keys, r->lake_location,
                    &r->findings, &r->vstats);
    } else if (source) {
        findings_add(&r->findings, FINDING_CHECK_LAKE, "no_lake", NULL,
                     "%s left no snapshot to compare", r->lake_location);
    }
    cJSON_Delete(source);
    cJSON_Delete(lake);
}

/* ---- exports ------------------------------------------------------------ */

static void bad_export(struct runner *r, const char *location,
                       const char *what)
{
    findings_add(&r->findings, FINDING_CHECK_LANDING, "bad_export", NULL,
                 "%s: %s", location, what);
}

/* The JSON document at key (a manifest), or NULL and a finding. */
static cJSON *get_json(struct runner *r, const char *bucket, const char *key)
{
    struct buf b;
    buf_init(&b, 0);
    cJSON *doc = NULL;
    if (aws_s3_get_object(r->admin, bucket, key, &b) < 0)
        read_failed(r, key);
    else
        doc = json_parse(b.data ? b.data : "", b.len);
    buf_clear(&b);
    return doc;
}

/* One data file's items into items; -1 with a finding when it is not
 * what the manifest says. */
static int read_data_file(struct runner *r, const char *bucket,
                          const cJSON *entry, const char *location,
                          cJSON *items)
{
    const char *key = json_get_string(entry, "dataFileS3Key");
    const cJSON *count = json_get(entry, "itemCount");
    char err[256], what[1400];
    struct buf gz, text;
    buf_init(&gz, 0);
    buf_init(&text, 0);
    long n = -1;
    if (key && aws_s3_get_object(r->admin, bucket, key, &gz) == 0 &&
        crypto_gunzip(gz.data, gz.len, &text) == 0)
        n = verify_export_items(text.data ? text.data : "", text.len, items,
                                err, sizeof err);
    else
        snprintf(err, sizeof err, "cannot be read and gunzipped");
    if (n < 0)
        snprintf(what, sizeof what, "data file %s %s", key ? key : "(no "
                 "dataFileS3Key)", err);
    else if (!cJSON_IsNumber(count) || count->valuedouble != (double)n)
        snprintf(what, sizeof what, "data file %s holds %ld items, its "
                 "manifest line says %g", key, n,
                 cJSON_IsNumber(count) ? count->valuedouble : -1.0);
    if (n < 0 || !cJSON_IsNumber(count) || count->valuedouble != (double)n)
        bad_export(r, location, what);
    buf_clear(&gz);
    buf_clear(&text);
    return n < 0 ? -1 : 0;
}

/* The items of the export whose summary is at key, per its manifests. */
static cJSON *export_items(struct runner *r, const char *bucket,
                           const char *key, const char *location)
{
    cJSON *summary = get_json(r, bucket, key);
    const char *files_key = json_get_string(summary, "manifestFilesS3Key");
    const cJSON *total = json_get(summary, "itemCount");
    struct buf files;
    buf_init(&files, 0);
    cJSON *items = cJSON_CreateArray();
    if (files_key == NULL ||
        aws_s3_get_object(r->admin, bucket, files_key, &files) < 0)
        bad_export(r, location, "no readable manifest-files.json");
    const char *p = files.data ? files.data : "";
    const char *end = p + files.len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        cJSON *entry = len ? json_parse(p, len) : NULL;
        if (len)
            read_data_file(r, bucket, entry, location, items);
        cJSON_Delete(entry);
        p += len + 1;
    }
    int n = cJSON_GetArraySize(items);
    if (!cJSON_IsNumber(total) || total->valuedouble != (double)n) {
        char what[128];
        snprintf(what, sizeof what, "manifest-summary.json says %g items, "
                 "the data files hold %d",
                 cJSON_IsNumber(total) ? total->valuedouble : -1.0, n);
        bad_export(r, location, what);
    }
    buf_clear(&files);
    cJSON_Delete(summary);
    return items;
}

/* Each finished export against the table as it was when the export ended:
 * rows missing, extra and differing go to the lake check. */
static void check_exports(struct runner *r)
{
    for (size_t i = 0; i < r->s->n_steps; i++) {
        const struct runner_export *e = &r->exports[i];
        const struct scenario_step *st = &r->s->steps[i];
        const struct scenario_table *t =
            scenario_table_find(r->s, runner_step_table(r, st));
        char url[512], bucket[256], prefix[512], location[1400];
        if (e->summary_key == NULL || e->table == NULL || t == NULL)
            continue;
        runner_step_location(r, st, url, sizeof url);
        if (aws_s3_url_parse(url, bucket, sizeof bucket, prefix,
                             sizeof prefix) < 0)
            continue;
        const char *slash = strrchr(e->summary_key, '/');
        snprintf(location, sizeof location, "the export s3://%s/%.*s",
                 bucket, slash ? (int)(slash - e->summary_key + 1) : 0,
                 e->summary_key);
        cJSON *items = export_items(r, bucket, e->summary_key, location);
        const char *names[2] = { t->keys[0].name,
                                 t->n_keys > 1 ? t->keys[1].name : NULL };
        verify_lake(e->table, items, names, (size_t)t->n_keys, location,
                    &r->findings, &r->vstats);
        cJSON_Delete(items);
    }
}

/* ---- least privilege ---------------------------------------------------- */

struct principals {
    struct leastpriv_principal *v;
    struct leastpriv_policy **policies;  /* owned, one array each */
    char (*names)[160];
    char (*arns)[256];
    const char *(*services)[SCENARIO_MAX_STEPS];
    size_t n;
};

static void principals_build(struct runner *r, struct principals *p)
{
    const struct scenario *s = r->s;
    size_t n = s->n_identities;
    p->v = xcalloc(n + 1, sizeof *p->v);
    p->policies = xcalloc(n + 1, sizeof *p->policies);
    p->names = xcalloc(n + 1, sizeof *p->names);
    p->arns = xcalloc(n + 1, sizeof *p->arns);
    p->services = xcalloc(n + 1, sizeof *p->services);
    p->n = n;
    for (size_t i = 0; i < n; i++) {
        const struct scenario_identity *id = &s->identities[i];
        struct leastpriv_principal *x = &p->v[i];
        snprintf(p->names[i], sizeof p->names[i], "%s/%s",
                 id->is_role ? "role" : "user", id->name);
        snprintf(p->arns[i], sizeof p->arns[i], "arn:aws:iam::%s:%s",
                 s->account, p->names[i]);
        p->policies[i] = xcalloc(id->n_policies + 1, sizeof **p->policies);
        for (size_t j = 0; j < id->n_policies; j++)
            p->policies[i][j] = (struct leastpriv_policy){
                id->policy_names[j], id->policies[j] };
        *x = (struct leastpriv_principal){
            .name = p->names[i], .arn = p->arns[i], .is_role = id->is_role,
            .policies = p->policies[i], .n_policies = id->n_policies,
            .trust = id->trust, .trust_name = id->trust_name,
            .services = p->services[i] };
        x->is_used = s->has_workload && s->workload.as &&
                     strcmp(s->workload.as, id->name) == 0;
        for (size_t k = 0; k < s->n_steps; k++) {
            const struct scenario_step *st = &s->steps[k];
            if (st->as == NULL || strcmp(st->as, id->name) != 0)
                continue;
            x->is_used = true;
            const char *svc = st->service ? st->service
                                          : runner_default_service(st->kind);
            bool is_dup = false;
            for (size_t m = 0; m < x->n_services && !is_dup; m++)
                is_dup = strcmp(x->services[m], svc) == 0;
            if (id->is_role && !is_dup)
                p->services[i][x->n_services++] = svc;
        }
    }
}

static void principals_clear(struct principals *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->policies[i]);
    free(p->policies);
    free(p->v);
    free(p->names);
    free(p->arns);
    free(p->services);
}

static void write_policy_file(struct runner *r, const char *dir,
                              const struct leastpriv_principal *p,
                              const cJSON *minimal)
{
    char path[PATH_MAX];
    const char *slash = strchr(p->name, '/');
    snprintf(path, sizeof path, "%s/%s-%s.json", dir, r->s->name,
             slash ? slash + 1 : p->name);
    FILE *f = fopen(path, "w");
    char *text = cJSON_Print(minimal);
    if (f == NULL || fprintf(f, "%s\n", text) < 0)
        report_add_note(r->out, "cannot write %s", path);
    else
        report_add_note(r->out, "minimal policy for %s written to %s",
                        p->name, path);
    if (f)
        fclose(f);
    free(text);
}

/* Notes the minimal policy's diff per principal, and writes the policy
 * when asked. */
static void minimal_policies(struct runner *r, const struct leastpriv_input *in)
{
    for (size_t i = 0; i < in->n; i++) {
        const struct leastpriv_principal *p = &in->principals[i];
        cJSON *minimal = leastpriv_minimal(in, p);
        struct buf diff;
        buf_init(&diff, 0);
        leastpriv_diff(in, p, minimal, &diff);
        if (diff.len > 0) {
            report_add_note(r->out, "policy changes for %s (+ add, - remove, "
                            "~ narrow):", p->name);
            diff.data[--diff.len] = '\0'; /* the last newline */
            report_add_note(r->out, "%s", buf_cstr(&diff));
        }
        if (r->o->policies_dir && minimal)
            write_policy_file(r, r->o->policies_dir, p, minimal);
        buf_clear(&diff);
        cJSON_Delete(minimal);
    }
}

static void check_access(struct runner *r)
{
    cJSON *audit = NULL;
    if (runner_admin(r, "GET", "audit", NULL, &audit) < 0) {
        read_failed(r, "the decision audit");
        return;
    }
    struct principals p;
    principals_build(r, &p);
    struct leastpriv_input in = { r->s->account, r->s->region, p.v, p.n,
                                  json_get(audit, "records") };
    leastpriv_analyze(&in, &r->findings);
    minimal_policies(r, &in);
    principals_clear(&p);
    cJSON_Delete(audit);
}

void runner_check(struct runner *r)
{
    if (r->o->progress)
        report_text_progress(r->o->progress, r->s->name, "verifying", 0, 0);
    if (r->has_landing && !r->are_landings_checked)
        runner_check_landings(r);
    if (r->lake_snapshot)
        check_lake(r);
    if (r->has_export)
        check_exports(r);
    if (r->is_iam && r->s->n_identities > 0)
        check_access(r);
}
