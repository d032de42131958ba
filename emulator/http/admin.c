/* Admin endpoints; see admin.h. */
#include "http/admin.h"

#include "base/clock.h"
#include "base/json.h"
#include "http/call.h"
#include "state.h"
#include "version.h"

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
