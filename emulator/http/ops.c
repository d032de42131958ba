/* The operation table (after Redis's commands.def and Taler's handlers[]):
 * generic checks run in dispatch, so each row is all an operation needs.
 * Actions and resources follow the AWS Service Authorization Reference:
 * ListTables is authorized on "*", table operations on the table ARN. */
#include "http/ops.h"

#include "base/json.h"
#include "base/mem.h"
#include "dynamodb/ddb_item.h"
#include "dynamodb/ddb_query.h"
#include "dynamodb/ddb_table.h"
#include "http/admin.h"
#include "state.h"
#include "streams/streams_api.h"
#include "sts/sts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_arn(struct op_resources *out, char *arn)
{
    if (out->n == OPS_MAX_RESOURCES) {
        free(arn);
        return;
    }
    out->arns[out->n++] = arn;
}

static int resource_any(struct call *c, struct op_resources *out)
{
    (void)c;
    add_arn(out, xstrdup("*"));
    return 0;
}

/* The table named by TableName; a missing name is left for the handler to
 * report, and authorizes against the table ARN with an empty name. */
static int resource_table(struct call *c, struct op_resources *out)
{
    const char *name = json_get_string(c->input, "TableName");
    char arn[512];
    snprintf(arn, sizeof arn, "arn:aws:dynamodb:%s:%s:table/%s",
             c->emu->region, c->emu->account, name ? name : "");
    add_arn(out, xstrdup(arn));
    return 0;
}

/* The stream named by StreamArn, as given; the handler validates it. */
static int resource_stream(struct call *c, struct op_resources *out)
{
    const char *arn = json_get_string(c->input, "StreamArn");
    add_arn(out, xstrdup(arn ? arn : ""));
    return 0;
}

/* GetRecords acts on the stream whose ARN heads the shard iterator. */
static int resource_iterator(struct call *c, struct op_resources *out)
{
    const char *it = json_get_string(c->input, "ShardIterator");
    const char *bar = it ? strchr(it, '|') : NULL;
    char arn[1100];
    snprintf(arn, sizeof arn, "%.*s", bar ? (int)(bar - it) : 0,
             bar ? it : "");
    add_arn(out, xstrdup(arn));
    return 0;
}

#define DDB(op_name, fn, res)                                               \
    { .service = SERVICE_DYNAMODB, .name = #op_name, .handler = fn,        \
      .action = "dynamodb:" #op_name, .resources = res, .is_json = 1 }
/* Streams operations are authorized as dynamodb: actions (Service
 * Authorization Reference, "Amazon DynamoDB"). */
#define STREAMS(op_name, fn, res)                                           \
    { .service = SERVICE_STREAMS, .name = #op_name, .handler = fn,         \
      .action = "dynamodb:" #op_name, .resources = res, .is_json = 1 }
#define STS(op_name, fn, res)                                               \
    { .service = SERVICE_STS, .name = #op_name, .handler = fn,             \
      .action = "sts:" #op_name, .resources = res }
#define ADMIN(path, fn)                                                    \
    { .service = SERVICE_ADMIN, .name = path, .handler = fn }

static const struct op table[] = {
    DDB(CreateTable, ddb_create_table, resource_table),
    DDB(DescribeTable, ddb_describe_table, resource_table),
    DDB(ListTables, ddb_list_tables, resource_any),
    DDB(DeleteTable, ddb_delete_table, resource_table),
    DDB(UpdateTable, ddb_update_table, resource_table),
    DDB(PutItem, ddb_put_item, resource_table),
    DDB(GetItem, ddb_get_item, resource_table),
    DDB(UpdateItem, ddb_update_item, resource_table),
    DDB(DeleteItem, ddb_delete_item, resource_table),
    DDB(Query, ddb_query, resource_table),
    DDB(Scan, ddb_scan, resource_table),
    STREAMS(ListStreams, streams_list_streams, resource_any),
    STREAMS(DescribeStream, streams_describe_stream, resource_stream),
    STREAMS(GetShardIterator, streams_get_shard_iterator, resource_stream),
    STREAMS(GetRecords, streams_get_records, resource_iterator),
    STS(GetCallerIdentity, sts_get_caller_identity, resource_any),
    ADMIN("health", admin_health),
    ADMIN("reset", admin_reset),
    ADMIN("clock", admin_clock),
    ADMIN("faults", admin_faults),
    ADMIN("streams/rollover", admin_streams_rollover),
};

const struct op *ops_find(enum service service, struct str name)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (table[i].service == service && str_eq_cstr(name, table[i].name))
            return &table[i];
    }
    return NULL;
}

void op_resources_clear(struct op_resources *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->arns[i]);
    r->n = 0;
}
