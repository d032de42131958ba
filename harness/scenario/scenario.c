/* Loading and validating scenario files; see scenario.h. Every field is
 * checked where it is read, and the first problem is reported with the
 * field's path and what was expected; unknown fields are errors too, so a
 * misspelt option never silently falls back to its default. */
#include "scenario/scenario.h"

#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"
#include "verify/finding.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Scenario and policy files are small; this bounds a mistaken path. */
#define SCENARIO_MAX_FILE_BYTES (4 << 20)
#define FIELD_MAX 256

const char *const scenario_step_kinds[] = { "ship",  "load", "handler",
                                             "esm",   "poll", "export",
                                             NULL };

/* What a step option holds. */
enum option_type {
    OPTION_INT,       /* a whole number in [min, max] */
    OPTION_BOOL,
    OPTION_STRING,    /* non-empty; one of choices when they are given */
    OPTION_COMMAND,   /* a non-empty list of non-empty strings */
    OPTION_ENV,       /* an object of strings: environment variables */
};

struct option_spec {
    const char *name;
    enum option_type type;
    double min, max;
    const char *const *choices; /* NULL-terminated, or NULL: any */
};

static const char *const formats[] = { "ddb-json", "json", NULL };
static const char *const layouts[] = { "change", "seed", NULL };

/* Each kind's options; the ranges are the components' own (esm.h,
 * poll.h, export.h and Lambda's limits). A NULL name ends a list. */
static const struct option_spec ship_options[] = {
    { "batch_size", OPTION_INT, 1, 1000, NULL },
    { "max_attempts", OPTION_INT, 1, 100, NULL },
    { "format", OPTION_STRING, 0, 0, formats },
    { "layout", OPTION_STRING, 0, 0, layouts },
    { NULL, 0, 0, 0, NULL },
};
static const struct option_spec handler_options[] = {
    { "given_stream_arn", OPTION_BOOL, 0, 0, NULL },
    { "drop_removes", OPTION_BOOL, 0, 0, NULL },
    { "batch_size", OPTION_INT, 1, 1000, NULL },
    { "format", OPTION_STRING, 0, 0, formats },
    { "layout", OPTION_STRING, 0, 0, layouts },
    { NULL, 0, 0, 0, NULL },
};
static const struct option_spec load_options[] = {
    { "max_attempts", OPTION_INT, 1, 100, NULL },
    { NULL, 0, 0, 0, NULL },
};
static const struct option_spec esm_options[] = {
    { "command", OPTION_COMMAND, 0, 0, NULL },
    { "environment", OPTION_ENV, 0, 0, NULL },
    { "given_stream_arn", OPTION_BOOL, 0, 0, NULL },
    { "batch_size", OPTION_INT, 1, 10000, NULL },
    { "window_s", OPTION_INT, 0, 300, NULL },
    { "max_retries", OPTION_INT, -1, 10000, NULL },
    { "retry_delay_ms", OPTION_INT, 0, 60000, NULL },
    { "bisect", OPTION_BOOL, 0, 0, NULL },
    { "report_batch_item_failures", OPTION_BOOL, 0, 0, NULL },
    { "on_failure", OPTION_STRING, 0, 0, NULL },
    { "parallelization", OPTION_INT, 1, 10, NULL },
    { "timeout_s", OPTION_INT, 1, 900, NULL },
    { "format", OPTION_STRING, 0, 0, formats },
    { "max_attempts", OPTION_INT, 1, 100, NULL },
    { NULL, 0, 0, 0, NULL },
};
static const struct option_spec poll_options[] = {
    { "watermark", OPTION_STRING, 0, 0, NULL },
    { "overlap_s", OPTION_INT, 0, 86400, NULL },
    { "page_limit", OPTION_INT, 0, 10000, NULL },
    { "max_attempts", OPTION_INT, 1, 100, NULL },
    { NULL, 0, 0, 0, NULL },
};
static const struct option_spec export_options[] = {
    { "segments", OPTION_INT, 1, 64, NULL },
    { "max_attempts", OPTION_INT, 1, 100, NULL },
    { NULL, 0, 0, 0, NULL },
};

/* In scenario_step_kinds' order. */
static const struct option_spec *const kind_options[] = {
    ship_options, load_options, handler_options, esm_options, poll_options,
    export_options,
};

static const char *const all_checks[] = {
    FINDING_CHECK_PIPELINE, FINDING_CHECK_LANDING, FINDING_CHECK_DELIVERY,
    FINDING_CHECK_LAKE, FINDING_CHECK_ACCESS, FINDING_CHECK_LEASTPRIV,
    FINDING_CHECK_TRUST, NULL
};

struct ctx {
    const char *path;           /* the file, for messages */
    const char *dir;            /* where relative paths resolve */
    char *err;
    size_t errlen;
    const cJSON *placeholders;  /* borrowed; object of strings, or NULL */
};

__attribute__((format(printf, 3, 4)))
static int fail(struct ctx *cx, const char *field, const char *fmt, ...)
{
    int n = snprintf(cx->err, cx->errlen, "%s: %s%s", cx->path,
                     field ? field : "", field && *field ? ": " : "");
    if (n < 0 || (size_t)n >= cx->errlen)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cx->err + n, cx->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* "a string", "a number", … for "expected X, got Y" messages. */
static const char *type_name(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "a list";
    return "an object";
}

static void join(char *out, const char *parent, const char *name)
{
    if (snprintf(out, FIELD_MAX, "%s%s%s", parent, *parent ? "." : "",
                 name) < 0)
        out[0] = '\0';
}

static void join_index(char *out, const char *parent, size_t i)
{
    if (snprintf(out, FIELD_MAX, "%s[%zu]", parent, i) < 0)
        out[0] = '\0';
}

/* Rejects members of obj not listed in allowed (NULL-terminated). */
static int only_fields(struct ctx *cx, const cJSON *obj, const char *where,
                       const char *const *allowed)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, obj) {
        bool is_known = false;
        for (size_t i = 0; allowed[i] && !is_known; i++)
            is_known = strcmp(m->string, allowed[i]) == 0;
        if (is_known)
            continue;
        char field[FIELD_MAX], list[512] = "";
        join(field, where, m->string);
        for (size_t i = 0; allowed[i]; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list),
                     "%s%s", i ? ", " : "", allowed[i]);
        return fail(cx, field, "unknown field (expected one of: %s)", list);
    }
    return 0;
}

static int need_object(struct ctx *cx, const cJSON *v, const char *field)
{
    if (cJSON_IsObject(v))
        return 0;
    return fail(cx, field, "expected an object, got %s", type_name(v));
}

/* Reads obj.name as a string into *out (copied); absent is an error only
 * when is_required. An empty string is never a valid value. */
static int get_string(struct ctx *cx, const cJSON *obj, const char *where,
                      const char *name, bool is_required, char **out)
{
    char field[FIELD_MAX];
    join(field, where, name);
    const cJSON *v = json_get(obj, name);
    if (v == NULL)
        return is_required ? fail(cx, field, "required, expected a string")
                           : 0;
    if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
        return fail(cx, field, "expected a non-empty string, got %s",
                    cJSON_IsString(v) ? "\"\"" : type_name(v));
    free(*out);
    *out = xstrdup(v->valuestring);
    return 0;
}

/* Reads obj.name as a number in [min, max]; is_integer demands a whole
 * number. Absent leaves *out alone. */
static int get_number(struct ctx *cx, const cJSON *obj, const char *where,
                      const char *name, double min, double max,
                      bool is_integer, double *out)
{
    char field[FIELD_MAX];
    join(field, where, name);
    const cJSON *v = json_get(obj, name);
    if (v == NULL)
        return 0;
    const char *what = is_integer ? "an integer" : "a number";
    if (!cJSON_IsNumber(v))
        return fail(cx, field, "expected %s from %g to %g, got %s", what,
                    min, max, type_name(v));
    double d = v->valuedouble;
    if (d < min || d > max || (is_integer && d != floor(d)))
        return fail(cx, field, "expected %s from %g to %g, got %g", what,
                    min, max, d);
    *out = d;
    return 0;
}

static int get_int(struct ctx *cx, const cJSON *obj, const char *where,
                   const char *name, double min, double max, int64_t *out)
{
    double d = (double)*out;
    if (get_number(cx, obj, where, name, min, max, true, &d) < 0)
        return -1;
    *out = (int64_t)d;
    return 0;
}

static int get_bool(struct ctx *cx, const cJSON *obj, const char *where,
                    const char *name, bool *out)
{
    char field[FIELD_MAX];
    join(field, where, name);
    const cJSON *v = json_get(obj, name);
    if (v == NULL)
        return 0;
    if (!cJSON_IsBool(v))
        return fail(cx, field, "expected true or false, got %s",
                    type_name(v));
    *out = cJSON_IsTrue(v);
    return 0;
}

/* Index of value in names (NULL-terminated), or -1 with the error. */
static int get_choice(struct ctx *cx, const char *field, const char *value,
                      const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(value, names[i]) == 0)
            return i;
    char list[256] = "";
    for (int i = 0; names[i]; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                 i ? ", " : "", names[i]);
    fail(cx, field, "expected one of %s, got \"%s\"", list, value);
    return -1;
}

static char *read_whole(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "%s", strerror(errno));
        return NULL;
    }
    struct buf b;
    buf_init(&b, SCENARIO_MAX_FILE_BYTES);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    if (buf_failed(&b)) {
        buf_clear(&b);
        snprintf(err, errlen, "larger than %d bytes", SCENARIO_MAX_FILE_BYTES);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

/* Replaces every placeholder in text (longest names first, so ACCOUNT_ID
 * wins over ACCOUNT). Returns a new string. */
static char *substitute(const cJSON *placeholders, const char *text)
{
    char *cur = xstrdup(text);
    size_t longest = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, placeholders)
        if (strlen(p->string) > longest)
            longest = strlen(p->string);
    for (size_t len = longest; len > 0; len--) {
        cJSON_ArrayForEach(p, placeholders) {
            if (strlen(p->string) != len)
                continue;
            struct buf b;
            buf_init(&b, 0);
            const char *s = cur;
            const char *hit;
            while ((hit = strstr(s, p->string)) != NULL) {
                buf_append(&b, s, (size_t)(hit - s));
                buf_puts(&b, p->valuestring);
                s = hit + len;
            }
            buf_puts(&b, s);
            free(cur);
            cur = buf_detach(&b, NULL);
        }
    }
    return cur;
}

/* Reads one policy (a path relative to the scenario, or an inline object)
 * into text and name, placeholders substituted. */
static int load_policy(struct ctx *cx, const cJSON *entry, const char *field,
                       size_t index, char **text, char **name)
{
    char *raw = NULL;
    if (cJSON_IsObject(entry)) {
        raw = cJSON_PrintUnformatted(entry);
        char label[32];
        snprintf(label, sizeof label, "inline-%zu", index);
        *name = xstrdup(label);
    } else if (cJSON_IsString(entry) && entry->valuestring[0]) {
        char full[4096], why[128];
        snprintf(full, sizeof full, "%s%s%s",
                 entry->valuestring[0] == '/' ? "" : cx->dir,
                 entry->valuestring[0] == '/' ? "" : "/", entry->valuestring);
        raw = read_whole(full, why, sizeof why);
        if (raw == NULL)
            return fail(cx, field, "cannot read policy file %s: %s", full,
                        why);
        *name = xstrdup(entry->valuestring);
    } else {
        return fail(cx, field, "expected a policy file path or a policy "
                    "object, got %s", type_name(entry));
    }
    *text = substitute(cx->placeholders, raw);
    free(raw);
    cJSON *doc = json_parse(*text, strlen(*text));
    bool is_object = cJSON_IsObject(doc);
    bool has_statement = json_get(doc, "Statement") != NULL;
    cJSON_Delete(doc);
    if (!is_object || !has_statement)
        return fail(cx, field, "expected a policy document (a JSON object "
                    "with a Statement)");
    return 0;
}

static int load_identity(struct ctx *cx, const cJSON *spec,
                         const char *where, bool is_role,
                         struct scenario_identity *id)
{
    static const char *const user_fields[] = { "policies", NULL };
    static const char *const role_fields[] = { "trust", "policies", NULL };
    if (need_object(cx, spec, where) < 0 ||
        only_fields(cx, spec, where, is_role ? role_fields : user_fields) < 0)
        return -1;
    char field[FIELD_MAX];
    if (is_role) {
        join(field, where, "trust");
        const cJSON *trust = json_get(spec, "trust");
        if (trust == NULL)
            return fail(cx, field, "required, expected a trust policy file "
                        "path or object");
        if (load_policy(cx, trust, field, 0, &id->trust, &id->trust_name) < 0)
            return -1;
    }
    const cJSON *list = json_get(spec, "policies");
    join(field, where, "policies");
    if (list && !cJSON_IsArray(list))
        return fail(cx, field, "expected a list of policy file paths or "
                    "objects, got %s", type_name(list));
    size_t n = (size_t)cJSON_GetArraySize(list);
    id->policies = xcalloc(n ? n : 1, sizeof *id->policies);
    id->policy_names = xcalloc(n ? n : 1, sizeof *id->policy_names);
    const cJSON *entry;
    cJSON_ArrayForEach(entry, list) {
        char at[FIELD_MAX];
        join_index(at, field, id->n_policies);
        size_t i = id->n_policies++;
        if (load_policy(cx, entry, at, i, &id->policies[i],
                        &id->policy_names[i]) < 0)
            return -1;
    }
    return 0;
}

static int load_identities(struct ctx *cx, const cJSON *root,
                           struct scenario *s)
{
    static const char *const fields[] = { "users", "roles", NULL };
    const cJSON *ids = json_get(root, "identities");
    if (ids == NULL)
        return 0;
    if (need_object(cx, ids, "identities") < 0 ||
        only_fields(cx, ids, "identities", fields) < 0)
        return -1;
    const cJSON *users = json_get(ids, "users");
    const cJSON *roles = json_get(ids, "roles");
    if (users && need_object(cx, users, "identities.users") < 0)
        return -1;
    if (roles && need_object(cx, roles, "identities.roles") < 0)
        return -1;
    size_t n = (size_t)(cJSON_GetArraySize(users) + cJSON_GetArraySize(roles));
    s->identities = xcalloc(n ? n : 1, sizeof *s->identities);
    for (int pass = 0; pass < 2; pass++) {
        const cJSON *group = pass ? roles : users;
        const cJSON *spec;
        cJSON_ArrayForEach(spec, group) {
            char where[FIELD_MAX];
            join(where, pass ? "identities.roles" : "identities.users",
                 spec->string);
            if (scenario_identity_find(s, spec->string))
                return fail(cx, where, "the name is already used by a user");
            struct scenario_identity *id = &s->identities[s->n_identities++];
            id->name = xstrdup(spec->string);
            id->is_role = pass == 1;
            if (load_identity(cx, spec, where, id->is_role, id) < 0)
                return -1;
        }
    }
    return 0;
}

static int load_key(struct ctx *cx, const cJSON *spec, const char *where,
                    struct scenario_key *key)
{
    static const char *const fields[] = { "name", "type", NULL };
    static const char *const types[] = { "S", "N", "B", NULL };
    char *type = NULL;
    if (need_object(cx, spec, where) < 0 ||
        only_fields(cx, spec, where, fields) < 0 ||
        get_string(cx, spec, where, "name", true, &key->name) < 0 ||
        get_string(cx, spec, where, "type", true, &type) < 0)
        goto fail;
    char field[FIELD_MAX];
    join(field, where, "type");
    int t = get_choice(cx, field, type, types);
    if (t < 0)
        goto fail;
    key->type = types[t][0];
    free(type);
    return 0;
fail:
    free(type);
    return -1;
}

static int load_table(struct ctx *cx, const cJSON *spec, const char *where,
                      struct scenario_table *t)
{
    static const char *const fields[] = { "name", "keys", "stream", "ttl",
                                          NULL };
    static const char *const views[] = { "NEW_AND_OLD_IMAGES", "NEW_IMAGE",
                                         "OLD_IMAGE", "KEYS_ONLY", NULL };
    if (need_object(cx, spec, where) < 0 ||
        only_fields(cx, spec, where, fields) < 0 ||
        get_string(cx, spec, where, "name", true, &t->name) < 0 ||
        get_string(cx, spec, where, "stream", false, &t->stream_view) < 0 ||
        get_string(cx, spec, where, "ttl", false, &t->ttl_attribute) < 0)
        return -1;
    char field[FIELD_MAX];
    join(field, where, "stream");
    if (t->stream_view && get_choice(cx, field, t->stream_view, views) < 0)
        return -1;
    join(field, where, "keys");
    const cJSON *keys = json_get(spec, "keys");
    int n = cJSON_GetArraySize(keys);
    if (!cJSON_IsArray(keys) || n < 1 || n > 2)
        return fail(cx, field, "expected a list of 1 or 2 keys (hash, then "
                    "range), got %s", keys ? type_name(keys) : "nothing");
    for (int i = 0; i < n; i++) {
        char at[FIELD_MAX];
        join_index(at, field, (size_t)i);
        if (load_key(cx, cJSON_GetArrayItem(keys, i), at, &t->keys[i]) < 0)
            return -1;
        t->n_keys = i + 1;
    }
    return 0;
}

static int load_tables(struct ctx *cx, const cJSON *root, struct scenario *s)
{
    const cJSON *list = json_get(root, "tables");
    if (list == NULL)
        return 0;
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) > SCENARIO_MAX_TABLES)
        return fail(cx, "tables", "expected a list of at most %d tables, "
                    "got %s", SCENARIO_MAX_TABLES, type_name(list));
    const cJSON *spec;
    cJSON_ArrayForEach(spec, list) {
        char where[FIELD_MAX];
        join_index(where, "tables", s->n_tables);
        struct scenario_table *t = &s->tables[s->n_tables++];
        if (load_table(cx, spec, where, t) < 0)
            return -1;
        if (scenario_table_find(s, t->name) != t)
            return fail(cx, where, "table %s is declared twice", t->name);
    }
    return 0;
}

static int load_buckets(struct ctx *cx, const cJSON *root, struct scenario *s)
{
    const cJSON *list = json_get(root, "buckets");
    if (list == NULL)
        return 0;
    if (!cJSON_IsArray(list))
        return fail(cx, "buckets", "expected a list of bucket names, got %s",
                    type_name(list));
    s->buckets = xcalloc((size_t)cJSON_GetArraySize(list) + 1,
                         sizeof *s->buckets);
    const cJSON *b;
    cJSON_ArrayForEach(b, list) {
        char where[FIELD_MAX];
        join_index(where, "buckets", s->n_buckets);
        if (!cJSON_IsString(b) || b->valuestring[0] == '\0')
            return fail(cx, where, "expected a bucket name, got %s",
                        type_name(b));
        s->buckets[s->n_buckets++] = xstrdup(b->valuestring);
    }
    return 0;
}

static int load_mix(struct ctx *cx, const cJSON *spec, struct scenario_mix *m)
{
    static const char *const fields[] = { "put", "update", "delete",
                                          "conditional", "batch",
                                          "transaction", "ttl", NULL };
    const char *where = "workload.mix";
    if (spec == NULL)
        return 0;
    if (need_object(cx, spec, where) < 0 ||
        only_fields(cx, spec, where, fields) < 0)
        return -1;
    *m = (struct scenario_mix){ 0 };
    double *slots[] = { &m->put, &m->update, &m->delete, &m->conditional,
                        &m->batch, &m->transaction, &m->ttl };
    for (size_t i = 0; fields[i]; i++)
        if (get_number(cx, spec, where, fields[i], 0, 1e6, false,
                       slots[i]) < 0)
            return -1;
    if (m->put + m->update + m->delete + m->conditional + m->batch +
        m->transaction + m->ttl <= 0)
        return fail(cx, where, "expected at least one weight above 0");
    return 0;
}

static int load_workload(struct ctx *cx, const cJSON *root, struct scenario *s)
{
    static const char *const fields[] = {
        "table", "as", "seed", "operations", "keys", "distribution",
        "hot_keys", "hot_fraction", "mix", "large_fraction", "duration_ms",
        "concurrency", "watermark", NULL };
    static const char *const dists[] = { "uniform", "hot", NULL };
    const char *where = "workload";
    const cJSON *spec = json_get(root, where);
    struct scenario_workload *w = &s->workload;
    *w = (struct scenario_workload){
        .seed = 1, .operations = 200, .keys = 50, .hot_keys = 5,
        .hot_fraction = 0.8, .duration_ms = 60000, .concurrency = 1,
        .mix = { .put = 35, .update = 25, .delete = 15, .conditional = 10,
                 .batch = 8, .transaction = 5, .ttl = 2 } };
    if (spec == NULL)
        return 0;
    s->has_workload = true;
    char *dist = NULL;
    double seed = 1, conc = 1;
    if (need_object(cx, spec, where) < 0 ||
        only_fields(cx, spec, where, fields) < 0 ||
        get_string(cx, spec, where, "table", true, &w->table) < 0 ||
        get_string(cx, spec, where, "as", false, &w->as) < 0 ||
        get_number(cx, spec, where, "seed", 0, 9007199254740991.0, true,
                   &seed) < 0 ||
        get_int(cx, spec, where, "operations", 0, SCENARIO_MAX_OPERATIONS,
                &w->operations) < 0 ||
        get_int(cx, spec, where, "keys", 1, SCENARIO_MAX_KEYS, &w->keys) < 0 ||
        get_string(cx, spec, where, "distribution", false, &dist) < 0 ||
        get_string(cx, spec, where, "watermark", false, &w->watermark) < 0 ||
        get_int(cx, spec, where, "hot_keys", 1, SCENARIO_MAX_KEYS,
                &w->hot_keys) < 0 ||
        get_number(cx, spec, where, "hot_fraction", 0, 1, false,
                   &w->hot_fraction) < 0 ||
        load_mix(cx, json_get(spec, "mix"), &w->mix) < 0 ||
        get_number(cx, spec, where, "large_fraction", 0, 1, false,
                   &w->large_fraction) < 0 ||
        get_int(cx, spec, where, "duration_ms", 0, 86400000LL * 30,
                &w->duration_ms) < 0 ||
        get_number(cx, spec, where, "concurrency", 1, 64, true, &conc) < 0)
        goto fail;
    w->seed = (uint64_t)seed;
    w->concurrency = (int)conc;
    if (dist) {
        int d = get_choice(cx, "workload.distribution", dist, dists);
        if (d < 0)
            goto fail;
        w->is_hot = d == 1;
    }
    if (w->hot_keys > w->keys) {
        fail(cx, "workload.hot_keys", "expected at most workload.keys (%lld)",
             (long long)w->keys);
        goto fail;
    }
    free(dist);
    return 0;
fail:
    free(dist);
    return -1;
}

/* A list of non-empty strings, at least one: a command line. */
static int check_command(struct ctx *cx, const cJSON *v, const char *field)
{
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
        return fail(cx, field, "expected a non-empty list of strings (the "
                    "program, then its arguments), got %s", type_name(v));
    size_t i = 0;
    const cJSON *arg;
    cJSON_ArrayForEach(arg, v) {
        char at[FIELD_MAX];
        join_index(at, field, i++);
        if (!cJSON_IsString(arg) || arg->valuestring[0] == '\0')
            return fail(cx, at, "expected a non-empty string, got %s",
                        cJSON_IsString(arg) ? "\"\"" : type_name(arg));
    }
    return 0;
}

static int check_env(struct ctx *cx, const cJSON *v, const char *field)
{
    if (need_object(cx, v, field) < 0)
        return -1;
    const cJSON *m;
    cJSON_ArrayForEach(m, v) {
        char at[FIELD_MAX];
        join(at, field, m->string);
        if (m->string[0] == '\0' || strchr(m->string, '=') != NULL)
            return fail(cx, at, "expected a variable name without '='");
        if (!cJSON_IsString(m))
            return fail(cx, at, "expected a string, got %s", type_name(m));
    }
    return 0;
}

static int check_option(struct ctx *cx, const cJSON *obj, const char *where,
                        const struct option_spec *o)
{
    char field[FIELD_MAX];
    join(field, where, o->name);
    const cJSON *v = json_get(obj, o->name);
    double d = 0;
    bool b = false;
    char *text = NULL;
    int rc = 0;
    switch (o->type) {
    case OPTION_INT:
        return get_number(cx, obj, where, o->name, o->min, o->max, true, &d);
    case OPTION_BOOL:
        return get_bool(cx, obj, where, o->name, &b);
    case OPTION_COMMAND:
        return v ? check_command(cx, v, field) : 0;
    case OPTION_ENV:
        return v ? check_env(cx, v, field) : 0;
    case OPTION_STRING:
        rc = get_string(cx, obj, where, o->name, false, &text);
        if (rc == 0 && text && o->choices)
            rc = get_choice(cx, field, text, o->choices) < 0 ? -1 : 0;
        free(text);
        return rc;
    }
    return 0;
}

/* Checks a step's options against its kind's list: names and values. */
static int load_options_of(struct ctx *cx, const cJSON *options,
                           const char *where,
                           const struct option_spec *specs)
{
    const char *names[24];
    size_t n = 0;
    for (; specs[n].name && n + 1 < sizeof names / sizeof names[0]; n++)
        names[n] = specs[n].name;
    names[n] = NULL;
    if (need_object(cx, options, where) < 0 ||
        only_fields(cx, options, where, names) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (check_option(cx, options, where, &specs[i]) < 0)
            return -1;
    return 0;
}

static int load_step(struct ctx *cx, const cJSON *spec, const char *where,
                     struct scenario_step *st)
{
    static const char *const fields[] = { "step", "name", "as", "service",
                                          "table", "bucket", "prefix",
                                          "at", "options", NULL };
    if (need_object(cx, spec, where) < 0 ||
        only_fields(cx, spec, where, fields) < 0 ||
        get_string(cx, spec, where, "step", true, &st->kind) < 0 ||
        get_string(cx, spec, where, "name", false, &st->name) < 0 ||
        get_string(cx, spec, where, "as", false, &st->as) < 0 ||
        get_string(cx, spec, where, "service", false, &st->service) < 0 ||
        get_string(cx, spec, where, "table", false, &st->table) < 0 ||
        get_string(cx, spec, where, "bucket", false, &st->bucket) < 0 ||
        get_string(cx, spec, where, "prefix", false, &st->prefix) < 0)
        return -1;
    char field[FIELD_MAX];
    join(field, where, "step");
    int kind = get_choice(cx, field, st->kind, scenario_step_kinds);
    if (kind < 0)
        return -1;
    st->at = -1;
    if (get_number(cx, spec, where, "at", 0, 1, false, &st->at) < 0)
        return -1;
    join(field, where, "options");
    const cJSON *options = json_get(spec, "options");
    if (options && load_options_of(cx, options, field,
                                   kind_options[kind]) < 0)
        return -1;
    st->options = options ? cJSON_Duplicate(options, true) : NULL;
    if (st->name == NULL)
        st->name = xstrdup(st->kind);
    return 0;
}

static int load_steps(struct ctx *cx, const cJSON *root, struct scenario *s)
{
    const cJSON *list = json_get(root, "pipeline");
    if (list == NULL)
        return 0;
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) > SCENARIO_MAX_STEPS)
        return fail(cx, "pipeline", "expected a list of at most %d steps, "
                    "got %s", SCENARIO_MAX_STEPS, type_name(list));
    const cJSON *spec;
    cJSON_ArrayForEach(spec, list) {
        char where[FIELD_MAX];
        join_index(where, "pipeline", s->n_steps);
        if (load_step(cx, spec, where, &s->steps[s->n_steps++]) < 0)
            return -1;
    }
    return 0;
}

static int load_faults(struct ctx *cx, const cJSON *root, struct scenario *s)
{
    const cJSON *list = json_get(root, "faults");
    if (list == NULL)
        return 0;
    if (!cJSON_IsArray(list))
        return fail(cx, "faults", "expected a list of fault rules, got %s",
                    type_name(list));
    size_t i = 0;
    const cJSON *rule;
    cJSON_ArrayForEach(rule, list) {
        static const char *const fields[] = { "error", "operation", "table",
                                              "count", "fraction", NULL };
        char where[FIELD_MAX];
        char *error = NULL;
        join_index(where, "faults", i++);
        int rc = need_object(cx, rule, where) < 0 ||
                 only_fields(cx, rule, where, fields) < 0 ||
                 get_string(cx, rule, where, "error", true, &error) < 0;
        free(error);
        if (rc)
            return -1;
    }
    s->faults = cJSON_Duplicate(list, true);
    return 0;
}

/* Settings of the embedded emulator the scenario needs. */
static int load_emulator(struct ctx *cx, const cJSON *root, struct scenario *s)
{
    static const char *const fields[] = { "shard_rollover", NULL };
    const cJSON *spec = json_get(root, "emulator");
    if (spec == NULL)
        return 0;
    return need_object(cx, spec, "emulator") < 0 ||
                   only_fields(cx, spec, "emulator", fields) < 0 ||
                   get_int(cx, spec, "emulator", "shard_rollover", 1,
                           1000000000, &s->shard_rollover) < 0
               ? -1
               : 0;
}

static int load_checks(struct ctx *cx, const cJSON *expect, struct scenario *s)
{
    const cJSON *list = json_get(expect, "checks");
    size_t n = list ? (size_t)cJSON_GetArraySize(list) : 7;
    s->checks = xcalloc(n + 1, sizeof *s->checks);
    if (list == NULL) {
        for (size_t i = 0; all_checks[i]; i++)
            s->checks[s->n_checks++] = xstrdup(all_checks[i]);
        return 0;
    }
    if (!cJSON_IsArray(list))
        return fail(cx, "expect.checks", "expected a list of check names, "
                    "got %s", type_name(list));
    const cJSON *c;
    cJSON_ArrayForEach(c, list) {
        char where[FIELD_MAX];
        join_index(where, "expect.checks", s->n_checks);
        if (!cJSON_IsString(c))
            return fail(cx, where, "expected a check name, got %s",
                        type_name(c));
        if (get_choice(cx, where, c->valuestring, all_checks) < 0)
            return -1;
        s->checks[s->n_checks++] = xstrdup(c->valuestring);
    }
    return 0;
}

static int load_expected(struct ctx *cx, const cJSON *expect,
                         struct scenario *s)
{
    static const char *const fields[] = { "check", "kind", "subject",
                                          "contains", NULL };
    const cJSON *list = json_get(expect, "findings");
    if (list == NULL)
        return 0;
    if (!cJSON_IsArray(list))
        return fail(cx, "expect.findings", "expected a list of findings, "
                    "got %s", type_name(list));
    s->expected = xcalloc((size_t)cJSON_GetArraySize(list) + 1,
                          sizeof *s->expected);
    const cJSON *spec;
    cJSON_ArrayForEach(spec, list) {
        char where[FIELD_MAX];
        join_index(where, "expect.findings", s->n_expected);
        struct scenario_expected *e = &s->expected[s->n_expected++];
        if (need_object(cx, spec, where) < 0 ||
            only_fields(cx, spec, where, fields) < 0 ||
            get_string(cx, spec, where, "check", false, &e->check) < 0 ||
            get_string(cx, spec, where, "kind", false, &e->kind) < 0 ||
            get_string(cx, spec, where, "subject", false, &e->subject) < 0 ||
            get_string(cx, spec, where, "contains", false, &e->contains) < 0)
            return -1;
        char field[FIELD_MAX];
        join(field, where, "check");
        if (e->check && get_choice(cx, field, e->check, all_checks) < 0)
            return -1;
        if (!e->check && !e->kind && !e->subject && !e->contains)
            return fail(cx, where, "expected at least one of check, kind, "
                        "subject, contains");
    }
    return 0;
}

static int load_expect(struct ctx *cx, const cJSON *root, struct scenario *s)
{
    static const char *const fields[] = { "checks", "findings", NULL };
    const cJSON *expect = json_get(root, "expect");
    if (expect && (need_object(cx, expect, "expect") < 0 ||
                   only_fields(cx, expect, "expect", fields) < 0))
        return -1;
    return load_checks(cx, expect, s) < 0 ? -1 : load_expected(cx, expect, s);
}

/* Names used across sections must exist: identities, tables, buckets. */
static int check_references(struct ctx *cx, struct scenario *s)
{
    char field[FIELD_MAX];
    if (s->has_workload) {
        if (!scenario_table_find(s, s->workload.table))
            return fail(cx, "workload.table", "no table named \"%s\" in "
                        "tables", s->workload.table);
        if (s->workload.as && !scenario_identity_find(s, s->workload.as))
            return fail(cx, "workload.as", "no user or role named \"%s\" in "
                        "identities", s->workload.as);
        const struct scenario_table *t =
            scenario_table_find(s, s->workload.table);
        for (int k = 0; s->workload.watermark && k < t->n_keys; k++)
            if (strcmp(t->keys[k].name, s->workload.watermark) == 0)
                return fail(cx, "workload.watermark", "expected an "
                            "attribute that is not a key of table %s",
                            t->name);
    }
    for (size_t i = 0; i < s->n_steps; i++) {
        const struct scenario_step *st = &s->steps[i];
        char where[FIELD_MAX];
        join_index(where, "pipeline", i);
        const struct scenario_identity *id =
            st->as ? scenario_identity_find(s, st->as) : NULL;
        join(field, where, "at");
        if (st->at >= 0 && !s->has_workload)
            return fail(cx, field, "expected a workload to run during");
        join(field, where, "as");
        if (st->as && id == NULL)
            return fail(cx, field, "no user or role named \"%s\" in "
                        "identities", st->as);
        join(field, where, "table");
        if (st->table && !scenario_table_find(s, st->table))
            return fail(cx, field, "no table named \"%s\" in tables",
                        st->table);
        bool has_bucket = st->bucket == NULL;
        for (size_t b = 0; b < s->n_buckets && !has_bucket; b++)
            has_bucket = strcmp(s->buckets[b], st->bucket) == 0;
        join(field, where, "bucket");
        if (!has_bucket)
            return fail(cx, field, "no bucket named \"%s\" in buckets",
                        st->bucket);
    }
    return 0;
}

static int load_top(struct ctx *cx, const cJSON *root, struct scenario *s)
{
    static const char *const fields[] = {
        "name", "description", "account", "region", "placeholders",
        "identities", "tables", "buckets", "workload", "emulator", "faults",
        "pipeline", "expect", NULL };
    if (!cJSON_IsObject(root))
        return fail(cx, NULL, "expected a JSON object");
    if (only_fields(cx, root, "", fields) < 0 ||
        get_string(cx, root, "", "name", false, &s->name) < 0 ||
        get_string(cx, root, "", "description", false, &s->description) < 0 ||
        get_string(cx, root, "", "account", false, &s->account) < 0 ||
        get_string(cx, root, "", "region", false, &s->region) < 0)
        return -1;
    const cJSON *ph = json_get(root, "placeholders");
    if (ph && need_object(cx, ph, "placeholders") < 0)
        return -1;
    const cJSON *p;
    cJSON_ArrayForEach(p, ph) {
        char field[FIELD_MAX];
        join(field, "placeholders", p->string);
        if (!cJSON_IsString(p) || p->string[0] == '\0')
            return fail(cx, field, "expected a string, got %s",
                        type_name(p));
    }
    cx->placeholders = ph;
    if (s->account && (strlen(s->account) != 12 ||
                       strspn(s->account, "0123456789") != 12))
        return fail(cx, "account", "expected 12 digits, got \"%s\"",
                    s->account);
    return load_identities(cx, root, s) < 0 || load_tables(cx, root, s) < 0 ||
                   load_buckets(cx, root, s) < 0 ||
                   load_workload(cx, root, s) < 0 ||
                   load_emulator(cx, root, s) < 0 ||
                   load_faults(cx, root, s) < 0 ||
                   load_steps(cx, root, s) < 0 ||
                   load_expect(cx, root, s) < 0 ||
                   check_references(cx, s) < 0
               ? -1
               : 0;
}

/* The file name without directory and ".json": the default name. */
static char *default_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".json") == 0)
        n -= 5;
    return xstrndup(base, n);
}

struct scenario *scenario_parse(const char *text, size_t len,
                                const char *path, const char *dir,
                                char *err, size_t errlen)
{
    struct ctx cx = { .path = path, .dir = dir, .err = err,
                      .errlen = errlen };
    cJSON *root = json_parse(text, len);
    if (root == NULL) {
        fail(&cx, NULL, "not valid JSON");
        return NULL;
    }
    struct scenario *s = xcalloc(1, sizeof *s);
    s->path = xstrdup(path);
    s->dir = xstrdup(dir);
    if (load_top(&cx, root, s) < 0) {
        cJSON_Delete(root);
        scenario_free(s);
        return NULL;
    }
    cJSON_Delete(root);
    if (s->name == NULL)
        s->name = default_name(path);
    if (s->account == NULL)
        s->account = xstrdup("123456789012");
    if (s->region == NULL)
        s->region = xstrdup("us-east-1");
    return s;
}

struct scenario *scenario_load(const char *path, char *err, size_t errlen)
{
    char why[128];
    char *text = read_whole(path, why, sizeof why);
    if (text == NULL) {
        snprintf(err, errlen, "%s: %s", path, why);
        return NULL;
    }
    char *copy = xstrdup(path);
    struct scenario *s = scenario_parse(text, strlen(text), path,
                                        dirname(copy), err, errlen);
    free(copy);
    free(text);
    return s;
}

static void identity_clear(struct scenario_identity *id)
{
    for (size_t i = 0; i < id->n_policies; i++) {
        free(id->policies[i]);
        free(id->policy_names[i]);
    }
    free(id->policies);
    free(id->policy_names);
    free(id->name);
    free(id->trust);
    free(id->trust_name);
}

static void step_clear(struct scenario_step *st)
{
    free(st->kind);
    free(st->name);
    free(st->as);
    free(st->service);
    free(st->table);
    free(st->bucket);
    free(st->prefix);
    cJSON_Delete(st->options);
}

void scenario_free(struct scenario *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n_identities; i++)
        identity_clear(&s->identities[i]);
    free(s->identities);
    for (size_t i = 0; i < s->n_tables; i++) {
        free(s->tables[i].name);
        free(s->tables[i].keys[0].name);
        free(s->tables[i].keys[1].name);
        free(s->tables[i].stream_view);
        free(s->tables[i].ttl_attribute);
    }
    for (size_t i = 0; i < s->n_buckets; i++)
        free(s->buckets[i]);
    free(s->buckets);
    free(s->workload.table);
    free(s->workload.as);
    free(s->workload.watermark);
    cJSON_Delete(s->faults);
    for (size_t i = 0; i < s->n_steps; i++)
        step_clear(&s->steps[i]);
    for (size_t i = 0; i < s->n_checks; i++)
        free(s->checks[i]);
    free(s->checks);
    for (size_t i = 0; i < s->n_expected; i++) {
        free(s->expected[i].check);
        free(s->expected[i].kind);
        free(s->expected[i].subject);
        free(s->expected[i].contains);
    }
    free(s->expected);
    free(s->path);
    free(s->dir);
    free(s->name);
    free(s->description);
    free(s->account);
    free(s->region);
    free(s);
}

const struct scenario_identity *scenario_identity_find(
    const struct scenario *s, const char *name)
{
    for (size_t i = 0; i < s->n_identities; i++)
        if (s->identities[i].name && strcmp(s->identities[i].name, name) == 0)
            return &s->identities[i];
    return NULL;
}

const struct scenario_table *scenario_table_find(const struct scenario *s,
                                                 const char *name)
{
    for (size_t i = 0; i < s->n_tables; i++)
        if (s->tables[i].name && strcmp(s->tables[i].name, name) == 0)
            return &s->tables[i];
    return NULL;
}

bool scenario_has_check(const struct scenario *s, const char *check)
{
    for (size_t i = 0; i < s->n_checks; i++)
        if (strcmp(s->checks[i], check) == 0)
            return true;
    return false;
}
