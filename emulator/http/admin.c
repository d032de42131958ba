/* Admin endpoints; see admin.h. */
#include "http/admin.h"

#include "base/clock.h"
#include "base/json.h"
#include "dynamodb/ddb_ttl.h"
#include "http/call.h"
#include "http/fault.h"
#include "streams/streams_log.h"
#include "state.h"
#include "version.h"

#include <stdio.h>
#include <string.h>

static int require_method(struct call *c, const char *method)
{
    if (strcmp(c->method, method) != 0)
        return call_fail(c, AWS_ERR_VALIDATION, "%s %s is not supported; "
                         "use %s", c->method, c->path, method);
    return 0;
}

static int reply(struct call *c, cJSON *out)
{
    c->content_type = "application/json";
    return call_reply_json(c, out);
}

int admin_health(struct call *c)
{
    if (require_method(c, "GET") < 0)
        return -1;
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "status", "ok");
    cJSON_AddStringToObject(out, "version", DYNALAKE_VERSION);
    cJSON *services = cJSON_AddArrayToObject(out, "services");
    cJSON_AddItemToArray(services, cJSON_CreateString("dynamodb"));
    cJSON_AddStringToObject(out, "region", c->emu->region);
    cJSON_AddStringToObject(out, "account", c->emu->account);
    return reply(c, out);
}

int admin_reset(struct call *c)
{
    if (require_method(c, "POST") < 0)
        return -1;
    if (emulator_reset(c->emu) < 0)
        return call_fail(c, AWS_ERR_INTERNAL, "Reset failed");
    cJSON *out = cJSON_CreateObject();
    cJSON_AddBoolToObject(out, "reset", true);
    return reply(c, out);
}

static int advance_clock(struct call *c)
{
    cJSON *in = json_parse(c->body, c->body_len);
    const cJSON *ms = json_get(in, "advance_ms");
    double v = cJSON_GetNumberValue(ms);
    int rc = 0;
    if (!cJSON_IsNumber(ms) || v < 0 || v > 9.0e15)
        rc = call_fail(c, AWS_ERR_VALIDATION, "Expected a JSON body "
                       "{\"advance_ms\": N} with N >= 0");
    else
        clock_advance(&c->emu->clock, (int64_t)v);
    cJSON_Delete(in);
    return rc;
}

int admin_clock(struct call *c)
{
    if (strcmp(c->method, "POST") == 0 && advance_clock(c) < 0)
        return -1;
    if (strcmp(c->method, "POST") != 0 && require_method(c, "GET") < 0)
        return -1;
    cJSON *out = cJSON_CreateObject();
    cJSON_AddNumberToObject(out, "now_ms",
                            (double)clock_now_ms(&c->emu->clock));
    cJSON_AddNumberToObject(out, "offset_ms",
                            (double)c->emu->clock.offset_ms);
    return reply(c, out);
}

/* Copies an optional string member into out; false when it does not fit
 * or is not a string. */
static bool rule_string(const cJSON *in, const char *name, char *out,
                        size_t len)
{
    const cJSON *v = json_get(in, name);
    out[0] = '\0';
    if (v == NULL)
        return true;
    if (!cJSON_IsString(v) || strlen(v->valuestring) >= len)
        return false;
    snprintf(out, len, "%s", v->valuestring);
    return true;
}

/* Reads a fault rule from the request body; -1 with the error recorded. */
static int read_rule(struct call *c, const cJSON *in, struct fault_rule *r)
{
    const cJSON *count = json_get(in, "count");
    const cJSON *fraction = json_get(in, "fraction");
    const cJSON *latency = json_get(in, "latency_ms");
    const char *error = json_get_string(in, "error");
    memset(r, 0, sizeof *r);
    r->err = fault_error_parse(error);
    r->fraction = cJSON_IsNumber(fraction) ? fraction->valuedouble : 1.0;
    r->count = cJSON_IsNumber(count) ? (int64_t)count->valuedouble
                                     : (fraction ? -1 : 1);
    double ms = cJSON_IsNumber(latency) ? latency->valuedouble : 0;
    r->latency_ms = ms >= 0 && ms <= FAULT_MAX_LATENCY_MS ? (unsigned)ms : 0;
    if (!cJSON_IsObject(in) ||
        (r->err == AWS_ERR_NONE && (error || r->latency_ms == 0)) ||
        !rule_string(in, "operation", r->operation, sizeof r->operation) ||
        !rule_string(in, "table", r->table, sizeof r->table) ||
        !rule_string(in, "bucket", r->bucket, sizeof r->bucket) ||
        !rule_string(in, "prefix", r->prefix, sizeof r->prefix) ||
        !(r->fraction > 0 && r->fraction <= 1) || r->count == 0 ||
        (count && !cJSON_IsNumber(count)) ||
        (fraction && !cJSON_IsNumber(fraction)) ||
        (latency && (!cJSON_IsNumber(latency) || ms < 0 ||
                     ms > FAULT_MAX_LATENCY_MS)))
        return call_fail(c, AWS_ERR_VALIDATION, "Expected a JSON body "
                         "{\"error\": \"<AWS error code>\", \"operation\": "
                         "\"Op\", \"table\": \"T\", \"bucket\": \"B\", "
                         "\"prefix\": \"P\", \"latency_ms\": L, \"count\": "
                         "N, \"fraction\": F} with an error or a latency, "
                         "count != 0, 0 < fraction <= 1 and "
                         "0 <= latency_ms <= %d", FAULT_MAX_LATENCY_MS);
    return 0;
}

static int add_fault(struct call *c)
{
    struct fault_rule r;
    cJSON *in = json_parse(c->body, c->body_len);
    int rc = read_rule(c, in, &r);
    cJSON_Delete(in);
    if (rc == 0 && faults_add(c->emu->faults, &r) < 0)
        rc = call_fail(c, AWS_ERR_LIMIT_EXCEEDED, "At most %d fault rules",
                       FAULT_MAX_RULES);
    return rc;
}

int admin_faults(struct call *c)
{
    if (strcmp(c->method, "DELETE") == 0)
        faults_clear(c->emu->faults);
    else if (strcmp(c->method, "POST") == 0 && add_fault(c) < 0)
        return -1;
    else if (strcmp(c->method, "POST") != 0 && require_method(c, "GET") < 0)
        return -1;
    cJSON *out = cJSON_CreateObject();
    cJSON_AddItemToObject(out, "faults", faults_list(c->emu->faults));
    return reply(c, out);
}

struct rollover_txn {
    struct emulator *emu;
    const char *table;
    int rolled;
};

static enum store_result rollover_in_store(struct store_tx *tx, void *arg)
{
    struct rollover_txn *t = arg;
    return streams_log_rollover(tx, t->emu, t->table,
                                clock_now_ms(&t->emu->clock), &t->rolled);
}

int admin_streams_rollover(struct call *c)
{
    if (require_method(c, "POST") < 0)
        return -1;
    cJSON *in = c->body_len ? json_parse(c->body, c->body_len) : NULL;
    struct rollover_txn t = { .emu = c->emu,
                              .table = json_get_string(in, "table") };
    int rc = 0;
    if (c->body_len && !cJSON_IsObject(in))
        rc = call_fail(c, AWS_ERR_VALIDATION, "Expected a JSON body {} or "
                       "{\"table\": \"T\"}");
    else if (store_write(c->emu->store, rollover_in_store, &t) != STORE_OK)
        rc = call_fail(c, AWS_ERR_INTERNAL, "Rollover failed");
    cJSON_Delete(in);
    if (rc < 0)
        return -1;
    cJSON *out = cJSON_CreateObject();
    cJSON_AddNumberToObject(out, "rolled", t.rolled);
    return reply(c, out);
}

int admin_ttl_sweep(struct call *c)
{
    if (require_method(c, "POST") < 0)
        return -1;
    long deleted = ddb_ttl_sweep(c->emu);
    if (deleted < 0)
        return call_fail(c, AWS_ERR_INTERNAL, "TTL sweep failed");
    cJSON *out = cJSON_CreateObject();
    cJSON_AddNumberToObject(out, "deleted", (double)deleted);
    return reply(c, out);
}
