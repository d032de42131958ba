/* Continuous backups; see ddb_backups.h. The setting is kept in the
 * table's stored description as PointInTimeRecoveryDescription, with the
 * time recovery was enabled (DescribeTable leaves it out). */
#include "dynamodb/ddb_backups.h"

#include "base/clock.h"
#include "base/json.h"
#include "dynamodb/ddb_catalog.h"
#include "dynamodb/ddb_input.h"
#include "dynamodb/ddb_table.h"
#include "http/call.h"
#include "state.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define PITR_MEMBER "PointInTimeRecoveryDescription"
#define PITR_SPEC "PointInTimeRecoverySpecification"
#define PITR_ENABLED "PointInTimeRecoveryEnabled"
#define PITR_DAYS "RecoveryPeriodInDays"
#define PITR_ENABLED_PATH                                                     \
    "pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled"
#define PITR_DAYS_PATH "pointInTimeRecoverySpecification.recoveryPeriodInDays"
/* The recovery period's bounds and default, in days (API Reference,
 * PointInTimeRecoverySpecification). */
#define PITR_MIN_DAYS 1
#define PITR_MAX_DAYS 35
/* "LatestRestorableDateTime is typically 5 minutes before the current
 * time." */
#define PITR_LAG_MS (5 * 60 * 1000)

/* The table named by TableName; NULL with the error recorded. These two
 * operations name a missing table TableNotFoundException. */
static struct ddb_table_def *find_table(struct call *c)
{
    const char *name;
    if (ddb_input_string(c, c->input, "TableName", &name) < 0)
        return NULL;
    struct ddb_errors e;
    ddb_errors_init(&e);
    ddb_input_check_name(&e, name, "tableName");
    if (ddb_errors_report(c, &e) < 0)
        return NULL;
    struct ddb_table_def *def = ddb_catalog_find(c->emu->catalog, name);
    if (def == NULL)
        call_fail(c, AWS_ERR_TABLE_NOT_FOUND, "Table not found: %s", name);
    return def;
}

/* The answer's ContinuousBackupsDescription for the stored setting. */
static cJSON *description(const struct call *c, const struct ddb_table_def *def)
{
    const cJSON *kept = json_get(def->desc, PITR_MEMBER);
    cJSON *out = cJSON_CreateObject();
    cJSON *d = cJSON_AddObjectToObject(out, "ContinuousBackupsDescription");
    cJSON_AddStringToObject(d, "ContinuousBackupsStatus", "ENABLED");
    cJSON *pitr = cJSON_AddObjectToObject(d, PITR_MEMBER);
    if (kept == NULL) {
        cJSON_AddStringToObject(pitr, "PointInTimeRecoveryStatus", "DISABLED");
        return out;
    }
    double since_ms = cJSON_GetNumberValue(json_get(kept, "EnabledMs"));
    double latest_ms = (double)(clock_now_ms(&c->emu->clock) - PITR_LAG_MS);
    cJSON_AddStringToObject(pitr, "PointInTimeRecoveryStatus", "ENABLED");
    cJSON_AddNumberToObject(pitr, PITR_DAYS,
                            cJSON_GetNumberValue(json_get(kept, "Days")));
    cJSON_AddNumberToObject(pitr, "EarliestRestorableDateTime",
                            since_ms / 1000.0);
    cJSON_AddNumberToObject(pitr, "LatestRestorableDateTime",
                            (latest_ms > since_ms ? latest_ms : since_ms) /
                                1000.0);
    return out;
}

int ddb_describe_continuous_backups(struct call *c)
{
    struct ddb_table_def *def = find_table(c);
    if (def == NULL)
        return -1;
    cJSON *out = description(c, def);
    ddb_table_def_release(def);
    return call_reply_json(c, out);
}

struct pitr_spec {
    bool is_enabled;
    long long days;
};

/* Reads the request; its constraint failures are reported together, the
 * table name's first, as AWS lists them. */
static int read_spec(struct call *c, struct pitr_spec *s)
{
    const char *name;
    const cJSON *spec;
    bool has_days;
    if (ddb_input_string(c, c->input, "TableName", &name) < 0 ||
        ddb_input_object(c, c->input, PITR_SPEC, &spec) < 0 ||
        ddb_input_bool(c, spec, PITR_ENABLED, &s->is_enabled) < 0 ||
        ddb_input_integer(c, spec, PITR_DAYS, &s->days, &has_days) < 0)
        return -1;
    if (!has_days)
        s->days = PITR_MAX_DAYS;
    struct ddb_errors e;
    ddb_errors_init(&e);
    ddb_input_check_name(&e, name, "tableName");
    const cJSON *enabled = json_get(spec, PITR_ENABLED);
    if (spec == NULL)
        ddb_errors_add(&e, NULL, "pointInTimeRecoverySpecification",
                       "Member must not be null");
    else if (enabled == NULL || cJSON_IsNull(enabled))
        ddb_errors_add(&e, NULL, PITR_ENABLED_PATH, "Member must not be null");
    char shown[32];
    snprintf(shown, sizeof shown, "%lld", s->days);
    if (s->days < PITR_MIN_DAYS)
        ddb_errors_add(&e, shown, PITR_DAYS_PATH,
                       "Member must have value greater than or equal to 1");
    else if (s->days > PITR_MAX_DAYS)
        ddb_errors_add(&e, shown, PITR_DAYS_PATH,
                       "Member must have value less than or equal to 35");
    return ddb_errors_report(c, &e);
}

/* The table's description with the setting applied: enabling keeps the
 * time recovery began, unless it was off. */
static cJSON *updated_desc(struct call *c, const struct ddb_table_def *def,
                           const void *spec)
{
    const struct pitr_spec *s = spec;
    const cJSON *kept = json_get(def->desc, PITR_MEMBER);
    double since_ms = kept ? cJSON_GetNumberValue(json_get(kept, "EnabledMs"))
                           : (double)clock_now_ms(&c->emu->clock);
    cJSON *desc = cJSON_Duplicate(def->desc, true);
    cJSON_DeleteItemFromObjectCaseSensitive(desc, PITR_MEMBER);
    if (s->is_enabled) {
        cJSON *d = cJSON_AddObjectToObject(desc, PITR_MEMBER);
        cJSON_AddNumberToObject(d, "EnabledMs", since_ms);
        cJSON_AddNumberToObject(d, "Days", (double)s->days);
    }
    return desc;
}

int ddb_update_continuous_backups(struct call *c)
{
    struct pitr_spec s;
    if (read_spec(c, &s) < 0)
        return -1;
    struct ddb_desc_change ch = { find_table, updated_desc, &s };
    if (ddb_table_change_desc(c, &ch) < 0)
        return -1;
    /* The answer is the setting as it now stands. */
    return ddb_describe_continuous_backups(c);
}
