/* libFuzzer target for the DynamoDB and Streams request path: one
 * in-memory emulator, and each input replayed through dispatch() exactly
 * as the server would run it (route, SigV4 parse, JSON decoding, IAM off,
 * handler, storage, error rendering), without sockets.
 *
 * An input is up to MAX_REQUESTS lines; each line is one request: a letter
 * naming the operation ('A' + index in ops[] below) and its JSON body.
 * Before each input the emulator is reset and two tables are created:
 * "tab" (pk S, sk N, stream NEW_AND_OLD_IMAGES) and "hsh" (id S), so that each
 * input replays alone. In a body, $ARN becomes tab's stream ARN, $SHARD its
 * first shard id and $IT a TRIM_HORIZON iterator on that shard, values the
 * fuzzer could not guess. FUZZ_DEBUG=1 in the environment prints each
 * request and its response (to see what a corpus file does). */
#include "base/buf.h"
#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"
#include "emulator.h"
#include "http/call.h"
#include "http/dispatch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_REQUESTS 16

static const char *const ops[] = {
    "DynamoDB_20120810.CreateTable",            /* A */
    "DynamoDB_20120810.DescribeTable",          /* B */
    "DynamoDB_20120810.ListTables",             /* C */
    "DynamoDB_20120810.DeleteTable",            /* D */
    "DynamoDB_20120810.UpdateTable",            /* E */
    "DynamoDB_20120810.PutItem",                /* F */
    "DynamoDB_20120810.GetItem",                /* G */
    "DynamoDB_20120810.UpdateItem",             /* H */
    "DynamoDB_20120810.DeleteItem",             /* I */
    "DynamoDB_20120810.Query",                  /* J */
    "DynamoDB_20120810.Scan",                   /* K */
    "DynamoDBStreams_20120810.ListStreams",     /* L */
    "DynamoDBStreams_20120810.DescribeStream",  /* M */
    "DynamoDBStreams_20120810.GetShardIterator",/* N */
    "DynamoDBStreams_20120810.GetRecords",      /* O */
};
#define N_OPS (sizeof ops / sizeof ops[0])

static struct emulator *emu;
static char stream_arn[512];

/* Runs one request through the pipeline; returns the parsed response body
 * (caller frees) when want_body, else NULL. */
static cJSON *run(const char *target, const char *body, size_t len,
                  bool want_body)
{
    /* A well-formed signature by an unknown key: with IAM off it is
     * parsed but not verified, as for any client. */
    static const struct call_header headers[] = {
        { "Host", "127.0.0.1:4566" },
        { "Content-Type", "application/x-amz-json-1.0" },
        { "X-Amz-Date", "20240501T120000Z" },
        { "X-Amz-Target", NULL },
        { "Authorization",
          "AWS4-HMAC-SHA256 Credential=AKIDFUZZ/20240501/us-east-1/dynamodb/"
          "aws4_request, SignedHeaders=content-type;host;x-amz-date;"
          "x-amz-target, Signature=00000000000000000000000000000000000000"
          "00000000000000000000000000" },
    };
    struct call_header h[sizeof headers / sizeof headers[0]];
    memcpy(h, headers, sizeof h);
    h[3].value = target;
    /* The server hands dispatch a NUL-terminated copy of the body. */
    char *copy = xmalloc(len + 1);
    memcpy(copy, body, len);
    copy[len] = '\0';

    struct call c;
    call_init(&c, emu);
    c.method = "POST";
    c.path = "/";
    c.query = xstrdup("");
    c.headers = h;
    c.n_headers = sizeof h / sizeof h[0];
    c.body = copy;
    c.body_len = len;
    c.is_loopback = true;
    snprintf(c.peer_ip, sizeof c.peer_ip, "127.0.0.1");
    dispatch(&c);
    if (getenv("FUZZ_DEBUG"))
        fprintf(stderr, "%s %.*s\n  -> %u %.*s\n", target, (int)len, copy,
                c.status, (int)c.out.len, c.out.data ? c.out.data : "");
    cJSON *out = NULL;
    if (want_body && c.status == 200)
        out = json_parse(c.out.data ? c.out.data : "", c.out.len);
    call_clear(&c);
    free(copy);
    return out;
}

static cJSON *run_str(const char *target, const char *body, bool want_body)
{
    return run(target, body, strlen(body), want_body);
}

static void setup(void)
{
    emulator_reset(emu);
    cJSON *r = run_str("DynamoDB_20120810.CreateTable",
        "{\"TableName\":\"tab\",\"BillingMode\":\"PAY_PER_REQUEST\","
        "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
        "\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\","
        "\"AttributeType\":\"N\"}],\"KeySchema\":[{\"AttributeName\":\"pk\","
        "\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":"
        "\"RANGE\"}],\"StreamSpecification\":{\"StreamEnabled\":true,"
        "\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}}", true);
    const char *arn = json_get_string(json_get(r, "TableDescription"),
                                      "LatestStreamArn");
    snprintf(stream_arn, sizeof stream_arn, "%s", arn ? arn : "");
    cJSON_Delete(r);
    run_str("DynamoDB_20120810.CreateTable",
        "{\"TableName\":\"hsh\",\"BillingMode\":\"PAY_PER_REQUEST\","
        "\"AttributeDefinitions\":[{\"AttributeName\":\"id\","
        "\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":\"id\","
        "\"KeyType\":\"HASH\"}]}", false);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    mem_install_cjson_hooks();
    log_set_level(LOG_ERROR);
    struct emulator_config cfg;
    emulator_config_init(&cfg);
    cfg.port = 0;
    cfg.threads = 2;
    emu = emulator_start(&cfg);
    if (emu == NULL) {
        fprintf(stderr, "fuzz_ddb_request: cannot start the emulator\n");
        abort();
    }
    return 0;
}

static void first_shard(char *out, size_t len)
{
    char body[700];
    snprintf(body, sizeof body, "{\"StreamArn\":\"%s\"}", stream_arn);
    cJSON *r = run_str("DynamoDBStreams_20120810.DescribeStream", body, true);
    const cJSON *shards = json_get(json_get(r, "StreamDescription"), "Shards");
    const char *id = json_get_string(cJSON_GetArrayItem(shards, 0), "ShardId");
    snprintf(out, len, "%s", id ? id : "");
    cJSON_Delete(r);
}

static void iterator(char *out, size_t len)
{
    char shard[128];
    char body[800];
    first_shard(shard, sizeof shard);
    snprintf(body, sizeof body, "{\"StreamArn\":\"%s\",\"ShardId\":\"%s\","
             "\"ShardIteratorType\":\"TRIM_HORIZON\"}", stream_arn, shard);
    cJSON *r = run_str("DynamoDBStreams_20120810.GetShardIterator", body,
                       true);
    const char *it = json_get_string(r, "ShardIterator");
    snprintf(out, len, "%s", it ? it : "");
    cJSON_Delete(r);
}

/* Appends line to b with the $ARN, $SHARD and $IT placeholders filled. */
static void expand(struct buf *b, const char *line, size_t len)
{
    const char *end = line + len;
    while (line < end) {
        const char *dollar = memchr(line, '$', (size_t)(end - line));
        if (dollar == NULL) {
            buf_append(b, line, (size_t)(end - line));
            return;
        }
        buf_append(b, line, (size_t)(dollar - line));
        size_t rest = (size_t)(end - dollar);
        char value[1024];
        if (rest >= 4 && memcmp(dollar, "$ARN", 4) == 0) {
            buf_puts(b, stream_arn);
            line = dollar + 4;
        } else if (rest >= 6 && memcmp(dollar, "$SHARD", 6) == 0) {
            first_shard(value, sizeof value);
            buf_puts(b, value);
            line = dollar + 6;
        } else if (rest >= 3 && memcmp(dollar, "$IT", 3) == 0) {
            iterator(value, sizeof value);
            buf_puts(b, value);
            line = dollar + 3;
        } else {
            buf_putc(b, '$');
            line = dollar + 1;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 128 * 1024)
        return 0;
    setup();
    const char *p = (const char *)data;
    const char *end = p + size;
    struct buf body;
    buf_init(&body, 0);
    for (int i = 0; i < MAX_REQUESTS && p < end; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        unsigned op = (unsigned char)*p - 'A';
        if (op < N_OPS) {
            buf_reset(&body);
            expand(&body, p + 1, (size_t)(line_end - p - 1));
            run(ops[op], body.data ? body.data : "", body.len, false);
        }
        p = nl ? nl + 1 : end;
    }
    buf_clear(&body);
    return 0;
}
