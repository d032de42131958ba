/* The pipeline of DESIGN.md, one stage per function; each stage either
 * passes or records the AWS error and stops the walk. Nothing slow runs
 * under a lock here: the handlers take storage locks themselves, briefly. */
#include "http/dispatch.h"

#include "base/crypto.h"
#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"
#include "http/authn.h"
#include "http/authz.h"
#include "http/call.h"
#include "http/fault.h"
#include "http/ops.h"
#include "http/route.h"
#include "s3/s3.h"
#include "state.h"
#include "sts/sts.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* splitmix64: a bijection on 64 bits, so distinct inputs never collide. */
static uint64_t splitmix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static void make_request_id(struct call *c)
{
    /* DynamoDB request ids are 52 upper-case alphanumerics. The first 12
     * come from a bijection of the request counter, so ids of one run do not
     * collide in practice (36^12 values); the rest
     * mix in the run's random seed (distinct across runs). */
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    uint64_t seq = __atomic_add_fetch(&c->emu->request_seq, 1,
                                      __ATOMIC_RELAXED);
    uint64_t mix = splitmix(seq);
    size_t n = sizeof c->request_id - 1;
    for (size_t i = 0; i < n; i++) {
        if (i % 12 == 0 && i > 0)
            mix = splitmix(c->emu->request_seed ^ (seq * 64 + i));
        c->request_id[i] = alphabet[mix % 36];
        mix /= 36;
    }
    c->request_id[n] = '\0';
}

/* The admin API controls the clock, faults and resets: loopback clients
 * may use it; others only with the admin token, compared in constant
 * time. */
static int authenticate_admin(struct call *c)
{
    const char *token = c->emu->admin_token;
    const char *given = call_header(c, "X-Dynalake-Admin-Token");
    if (c->is_loopback)
        return 0;
    if (token && given && strlen(given) == strlen(token) &&
        crypto_equal(given, token, strlen(token)))
        return 0;
    return call_fail(c, AWS_ERR_ACCESS_DENIED, "The admin API answers "
                     "loopback clients, and others that send the admin "
                     "token in X-Dynalake-Admin-Token");
}

static int authenticate(struct call *c)
{
    if (c->service == SERVICE_ADMIN)
        return authenticate_admin(c);
    return authn_authenticate(c->emu->authn, c);
}

static int parse_input(struct call *c)
{
    if (!c->op->is_json)
        return 0;
    const char *problem = json_text_problem(c->body, c->body_len);
    if (problem)
        return call_fail(c, AWS_ERR_SERIALIZATION, "%s", problem);
    c->input = json_parse(c->body, c->body_len);
    if (!cJSON_IsObject(c->input))
        return call_fail(c, AWS_ERR_SERIALIZATION,
                         "Start of structure or map found where not "
                         "expected.");
    return 0;
}

static int authorize(struct call *c)
{
    return authz_authorize(c->emu->authz, c->emu->audit, c);
}

static void render_json_error(struct call *c)
{
    buf_reset(&c->out);
    buf_puts(&c->out, "{\"__type\":");
    const char *type = aws_error_json_type(c->err);
    json_write_string(&c->out, type, strlen(type));
    if (c->err_message && c->err_message[0]) {
        buf_puts(&c->out, ",\"message\":");
        json_write_string(&c->out, c->err_message, strlen(c->err_message));
    }
    const cJSON *member;
    cJSON_ArrayForEach(member, c->err_detail) {
        buf_putc(&c->out, ',');
        json_write_string(&c->out, member->string, strlen(member->string));
        buf_putc(&c->out, ':');
        json_write(&c->out, member);
    }
    buf_putc(&c->out, '}');
    c->status = aws_error_status(c->err);
    c->content_type = "application/x-amz-json-1.0";
}

static void finish(struct call *c)
{
    if (c->err != AWS_ERR_NONE) {
        log_info("%s %s: %s %s", c->request_id, c->op ? c->op->name : "?",
                 aws_error_code(c->err), c->err_message);
        if (c->service == SERVICE_STS)
            sts_write_error(c);
        else if (c->service == SERVICE_S3)
            s3_write_error(c);
        else
            render_json_error(c);
    }
    call_add_header(c, "x-amzn-RequestId", c->request_id);
    if (c->service == SERVICE_S3)
        s3_add_request_headers(c);
    if (c->service == SERVICE_DYNAMODB || c->service == SERVICE_STREAMS) {
        char crc[16];
        snprintf(crc, sizeof crc, "%" PRIu32,
                 crypto_crc32(c->out.data ? c->out.data : "", c->out.len));
        call_add_header(c, "x-amz-crc32", crc);
    }
}

/* The table a request names: TableName, or the table/NAME/stream part of
 * a stream ARN or of a shard iterator (which starts with one). */
static const char *table_of(const struct call *c, char *out, size_t len)
{
    const char *name = json_get_string(c->input, "TableName");
    if (name)
        return name;
    const char *arn = json_get_string(c->input, "StreamArn");
    if (arn == NULL)
        arn = json_get_string(c->input, "ShardIterator");
    const char *start = arn ? strstr(arn, ":table/") : NULL;
    const char *end = start ? strstr(start, "/stream/") : NULL;
    if (end == NULL)
        return NULL;
    start += strlen(":table/");
    snprintf(out, len, "%.*s", (int)(end - start), start);
    return out;
}

/* Waits, then fails the call with an injected error, as fault rules say.
 * The wait holds this server thread: latency rules are for tests. */
static int inject_fault(struct call *c)
{
    if (c->service == SERVICE_ADMIN || c->op->checks_faults)
        return 0;
    char table[256];
    struct fault_target t = { .operation = c->op->name,
                              .table = table_of(c, table, sizeof table) };
    if (c->service == SERVICE_S3) {
        const char *key = json_get_string(c->input, "Key");
        t.bucket = json_get_string(c->input, "Bucket");
        t.key = key && key[0] ? key : json_get_string(
                                          json_get(c->input, "Query"),
                                          "prefix");
    }
    unsigned latency_ms = 0;
    enum aws_err err = faults_match(c->emu->faults, &t, &latency_ms);
    if (latency_ms) {
        struct timespec ts = { latency_ms / 1000,
                               (long)(latency_ms % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ;
    }
    if (err == AWS_ERR_NONE)
        return 0;
    return call_fail(c, err, "%s", c->service == SERVICE_S3
                                       ? fault_s3_message(err)
                                       : fault_message(err));
}

/* S3's EntityTooLarge, with the limit that applies to the request. */
static void fail_too_large(struct call *c, const char *max)
{
    call_fail(c, AWS_ERR_REQUEST_TOO_LARGE, "Your proposed upload exceeds "
              "the maximum allowed size");
    c->err_detail = cJSON_CreateObject();
    cJSON_AddStringToObject(c->err_detail, "MaxSizeAllowed", max);
}

/* A body in a file is for the operations that stream it. */
static int check_file_body(struct call *c)
{
    if (c->body_fd < 0 || c->op->takes_file_body)
        return 0;
    fail_too_large(c, "67108864");
    return -1;
}

void dispatch(struct call *c)
{
    make_request_id(c);
    if (route(c) == 0 && check_file_body(c) == 0 && authenticate(c) == 0 &&
        parse_input(c) == 0 && authorize(c) == 0 && inject_fault(c) == 0)
        c->op->handler(c);
    finish(c);
}

void dispatch_reject_too_large(struct call *c)
{
    make_request_id(c);
    /* Without a target it is an S3 upload, refused in S3's words. */
    c->service = call_header(c, "X-Amz-Target") ? SERVICE_DYNAMODB
                                                : SERVICE_S3;
    if (c->service == SERVICE_S3) {
        /* A PUT may be an upload of up to 5 GiB; see server.h. */
        fail_too_large(c, strcmp(c->method, "PUT") == 0 ? "5368709120"
                                                        : "67108864");
    } else {
        call_fail(c, AWS_ERR_REQUEST_TOO_LARGE,
                  "Request must be smaller than %d bytes", 64 << 20);
    }
    finish(c);
}
