/* The DynamoDB Streams handlers; see streams_api.h. Each validates its
 * request as AWS does (constraint violations collected and reported
 * together), then answers from one read snapshot. Messages follow the
 * DynamoDB Streams API reference and what the service answers. */
#include "streams/streams_api.h"

#include "base/buf.h"
#include "base/clock.h"
#include "base/json.h"
#include "dynamodb/ddb_input.h"
#include "http/call.h"
#include "state.h"
#include "store/store_streams.h"
#include "streams/streams.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Limits from the DynamoDB Streams API reference. */
#define LIST_STREAMS_MAX 100      /* ListStreams Limit */
#define DESCRIBE_SHARDS_MAX 100   /* DescribeStream Limit */
#define GET_RECORDS_MAX 1000      /* GetRecords Limit */
#define GET_RECORDS_MAX_BYTES (1 << 20) /* "up to 1 MB of data" */
#define ARN_MIN 37
#define ARN_MAX 1024
#define SHARD_ID_MIN 28
#define SHARD_ID_MAX 65
#define SEQ_MIN 21
#define SEQ_MAX 40
#define ITERATOR_MAX 2048

static const char *const iterator_types[] = {
    "TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER",
    NULL
};

static int64_t now_of(struct call *c)
{
    return clock_now_ms(&c->emu->clock);
}

/* A disabled stream stays listed and readable while its records may
 * still be there, 24 hours. */
static bool is_visible(const struct store_stream *s, int64_t now_ms)
{
    return s->disabled_ms == 0 ||
           s->disabled_ms >= now_ms - STREAMS_RETENTION_MS;
}

/* arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL */
static bool is_stream_arn(const char *arn)
{
    static const char prefix[] = "arn:aws:dynamodb:";
    if (strncmp(arn, prefix, sizeof prefix - 1) != 0)
        return false;
    const char *table = strstr(arn, ":table/");
    const char *stream = table ? strstr(table, "/stream/") : NULL;
    return stream && stream > table + 7 && stream[8] != '\0';
}

static void check_required(struct ddb_errors *e, const char *value,
                           const char *path)
{
    if (value == NULL)
        ddb_errors_add(e, NULL, path, "Member must not be null");
}

/* Reads Limit, checked against 1..max; *limit is max when absent. */
static int read_limit(struct call *c, struct ddb_errors *e, long long max,
                      long long *limit)
{
    bool has_limit;
    if (ddb_input_integer(c, c->input, "Limit", limit, &has_limit) < 0)
        return -1;
    char shown[32];
    char rule[80];
    snprintf(shown, sizeof shown, "%lld", *limit);
    if (has_limit && *limit < 1)
        ddb_errors_add(e, shown, "limit", "Member must have value greater "
                       "than or equal to 1");
    if (has_limit && *limit > max) {
        snprintf(rule, sizeof rule, "Member must have value less than or "
                 "equal to %lld", max);
        ddb_errors_add(e, shown, "limit", rule);
    }
    if (!has_limit)
        *limit = max;
    return 0;
}

static int fail_store(struct call *c)
{
    return call_fail(c, AWS_ERR_INTERNAL, "Internal server error");
}

static int fail_no_stream(struct call *c, const char *arn)
{
    return call_fail(c, AWS_ERR_RESOURCE_NOT_FOUND, "Requested resource not "
                     "found: Stream: %s not found", arn);
}

/* ---- ListStreams --------------------------------------------------- */

struct list_txn {
    struct store_streams_query q;
    cJSON *streams;   /* the page */
    size_t n;
    char last_arn[STORE_STREAMS_ARN_MAX];
    bool is_more;
};

static bool list_one(const struct store_stream *s, void *arg)
{
    struct list_txn *t = arg;
    if (t->n == t->q.limit - 1) {
        t->is_more = true;
        return false;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "StreamArn", s->arn);
    cJSON_AddStringToObject(o, "TableName", s->table_name);
    cJSON_AddStringToObject(o, "StreamLabel", s->label);
    cJSON_AddItemToArray(t->streams, o);
    snprintf(t->last_arn, sizeof t->last_arn, "%s", s->arn);
    t->n++;
    return true;
}

static enum store_result list_in_store(struct store_tx *tx, void *arg)
{
    struct list_txn *t = arg;
    return store_streams_each(tx, &t->q, list_one, t);
}

int streams_list_streams(struct call *c)
{
    const char *table, *start;
    long long limit;
    struct ddb_errors e;
    if (ddb_input_string(c, c->input, "TableName", &table) < 0 ||
        ddb_input_string(c, c->input, "ExclusiveStartStreamArn", &start) < 0)
        return -1;
    ddb_errors_init(&e);
    if (table)
        ddb_input_check_name(&e, table, "tableName");
    ddb_input_check_length(&e, start, "exclusiveStartStreamArn", ARN_MIN,
                           ARN_MAX);
    if (read_limit(c, &e, LIST_STREAMS_MAX, &limit) < 0) {
        ddb_errors_clear(&e);
        return -1;
    }
    if (ddb_errors_report(c, &e) < 0)
        return -1;
    if (start && !is_stream_arn(start))
        return call_fail(c, AWS_ERR_VALIDATION, "Invalid StreamArn");
    struct list_txn t = {
        .q = { .table_name = table, .after_arn = start,
               .min_disabled_ms = now_of(c) - STREAMS_RETENTION_MS,
               .limit = (size_t)limit + 1 },
        .streams = cJSON_CreateArray(),
    };
    if (store_read(c->emu->store, list_in_store, &t) != STORE_OK) {
        cJSON_Delete(t.streams);
        return fail_store(c);
    }
    cJSON *out = cJSON_CreateObject();
    cJSON_AddItemToObject(out, "Streams", t.streams);
    if (t.is_more)
        cJSON_AddStringToObject(out, "LastEvaluatedStreamArn", t.last_arn);
    return call_reply_json(c, out);
}

/* ---- DescribeStream ------------------------------------------------ */

struct describe_txn {
    const char *arn;
    const char *after;
    const char *child_of; /* ShardFilter CHILD_SHARDS: the parent, or NULL */
    size_t limit;
    int64_t now_ms;
    struct store_stream s;
    cJSON *shards;
    size_t n;
    char last_id[STORE_STREAMS_SHARD_ID_MAX];
    bool is_more;
};

static cJSON *shard_json(const struct store_shard *sh)
{
    char seq[STREAMS_SEQ_LEN + 1];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "ShardId", sh->shard_id);
    cJSON *range = cJSON_AddObjectToObject(o, "SequenceNumberRange");
    streams_seq_format(sh->start_seq, seq);
    cJSON_AddStringToObject(range, "StartingSequenceNumber", seq);
    if (sh->end_seq >= 0) {
        streams_seq_format(sh->end_seq, seq);
        cJSON_AddStringToObject(range, "EndingSequenceNumber", seq);
    }
    if (sh->parent_id[0])
        cJSON_AddStringToObject(o, "ParentShardId", sh->parent_id);
    return o;
}

static bool describe_one(const struct store_shard *sh, void *arg)
{
    struct describe_txn *t = arg;
    if (t->child_of && strcmp(sh->parent_id, t->child_of) != 0)
        return true;
    if (t->n == t->limit) {
        t->is_more = true;
        return false;
    }
    cJSON_AddItemToArray(t->shards, shard_json(sh));
    snprintf(t->last_id, sizeof t->last_id, "%s", sh->shard_id);
    t->n++;
    return true;
}

static enum store_result describe_in_store(struct store_tx *tx, void *arg)
{
    struct describe_txn *t = arg;
    enum store_result res = store_streams_find_by_arn(tx, t->arn, &t->s);
    if (res == STORE_OK && !is_visible(&t->s, t->now_ms))
        res = STORE_NOT_FOUND;
    if (res != STORE_OK)
        return res;
    return store_streams_shards(tx, t->s.id, t->after,
                                t->now_ms - STREAMS_RETENTION_MS,
                                describe_one, t);
}

static cJSON *stream_description(struct describe_txn *t)
{
    const struct store_stream *s = &t->s;
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "StreamArn", s->arn);
    cJSON_AddStringToObject(d, "StreamLabel", s->label);
    cJSON_AddStringToObject(d, "StreamStatus",
                            s->disabled_ms ? "DISABLED" : "ENABLED");
    cJSON_AddStringToObject(d, "StreamViewType", s->view);
    cJSON_AddNumberToObject(d, "CreationRequestDateTime",
                            (double)s->created_ms / 1000.0);
    cJSON_AddStringToObject(d, "TableName", s->table_name);
    cJSON *schema = json_parse(s->key_schema, strlen(s->key_schema));
    cJSON_AddItemToObject(d, "KeySchema",
                          schema ? schema : cJSON_CreateArray());
    cJSON_AddItemToObject(d, "Shards", t->shards);
    t->shards = NULL;
    if (t->is_more)
        cJSON_AddStringToObject(d, "LastEvaluatedShardId", t->last_id);
    return d;
}

/* Reads and checks StreamArn, which every operation but ListStreams
 * names; -1 with the error recorded. */
static int check_stream_arn(struct call *c, struct ddb_errors *e,
                            const char **arn)
{
    if (ddb_input_string(c, c->input, "StreamArn", arn) < 0)
        return -1;
    check_required(e, *arn, "streamArn");
    ddb_input_check_length(e, *arn, "streamArn", ARN_MIN, ARN_MAX);
    return 0;
}

/* ShardFilter, which asks for the children of one shard only (how a
 * consumer finds what follows a shard it finished): *child_of is its
 * ShardId, or NULL when no filter is given. -1 with the error recorded. */
static int read_shard_filter(struct call *c, struct ddb_errors *e,
                             const char **child_of)
{
    static const char *const types[] = { "CHILD_SHARDS", NULL };
    const cJSON *filter;
    const char *type = NULL;
    *child_of = NULL;
    if (ddb_input_object(c, c->input, "ShardFilter", &filter) < 0 ||
        (filter && (ddb_input_string(c, filter, "Type", &type) < 0 ||
                    ddb_input_string(c, filter, "ShardId", child_of) < 0)))
        return -1;
    if (filter == NULL)
        return 0;
    ddb_input_check_enum(e, type, "shardFilter.type", types);
    check_required(e, type, "shardFilter.type");
    check_required(e, *child_of, "shardFilter.shardId");
    ddb_input_check_length(e, *child_of, "shardFilter.shardId", SHARD_ID_MIN,
                           SHARD_ID_MAX);
    return 0;
}

int streams_describe_stream(struct call *c)
{
    const char *arn, *after, *child_of;
    long long limit;
    struct ddb_errors e;
    ddb_errors_init(&e);
    if (check_stream_arn(c, &e, &arn) < 0 ||
        ddb_input_string(c, c->input, "ExclusiveStartShardId", &after) < 0 ||
        read_limit(c, &e, DESCRIBE_SHARDS_MAX, &limit) < 0 ||
        read_shard_filter(c, &e, &child_of) < 0) {
        ddb_errors_clear(&e);
        return -1;
    }
    ddb_input_check_length(&e, after, "exclusiveStartShardId", SHARD_ID_MIN,
                           SHARD_ID_MAX);
    if (ddb_errors_report(c, &e) < 0)
        return -1;
    if (!is_stream_arn(arn))
        return call_fail(c, AWS_ERR_VALIDATION, "Invalid StreamArn");
    struct describe_txn t = { .arn = arn, .after = after,
                              .child_of = child_of,
                              .limit = (size_t)limit, .now_ms = now_of(c),
                              .shards = cJSON_CreateArray() };
    enum store_result res = store_read(c->emu->store, describe_in_store, &t);
    if (res != STORE_OK) {
        cJSON_Delete(t.shards);
        return res == STORE_NOT_FOUND ? fail_no_stream(c, arn)
                                      : fail_store(c);
    }
    cJSON *out = cJSON_CreateObject();
    cJSON_AddItemToObject(out, "StreamDescription", stream_description(&t));
    return call_reply_json(c, out);
}

/* ---- GetShardIterator ---------------------------------------------- */

/* Why an iterator cannot be made or used. */
enum position_err {
    POSITION_OK,
    POSITION_NO_STREAM,
    POSITION_NO_SHARD,
    POSITION_BAD_SEQUENCE,
    POSITION_TRIMMED,
    POSITION_STORE
};

struct iterator_txn {
    const char *arn;
    const char *shard_id;
    const char *type;
    int64_t seq;         /* AT_ and AFTER_SEQUENCE_NUMBER */
    int64_t now_ms;
    struct store_stream s;
    struct store_shard sh;
    int64_t pos;
    enum position_err err;
};

/* The last sequence number the shard may hold: its end once closed, else
 * the next one to be written (which an iterator may wait at). */
static int64_t shard_last(const struct store_stream *s,
                          const struct store_shard *sh)
{
    return sh->end_seq >= 0 ? sh->end_seq : s->next_seq;
}

/* Whether records at or after pos in the shard have aged out: the first
 * record there is older than the retention period. Creation times grow
 * with sequence numbers, so only the first needs a look. */
static enum position_err trimmed(struct store_tx *tx,
                                 const struct store_stream *s,
                                 const struct store_shard *sh, int64_t pos,
                                 int64_t now_ms)
{
    int64_t seq, created_ms;
    enum store_result res = store_streams_first_record(
        tx, s->id, pos, shard_last(s, sh), &seq, &created_ms);
    if (res == STORE_NOT_FOUND)
        return POSITION_OK;
    if (res != STORE_OK)
        return POSITION_STORE;
    return created_ms < now_ms - STREAMS_RETENTION_MS ? POSITION_TRIMMED
                                                      : POSITION_OK;
}

/* The oldest record still kept, or past the end when none is. */
static enum position_err trim_horizon(struct store_tx *tx,
                                      struct iterator_txn *t)
{
    int64_t last = shard_last(&t->s, &t->sh);
    enum store_result res = store_streams_first_live(
        tx, t->s.id, t->sh.start_seq, last,
        t->now_ms - STREAMS_RETENTION_MS, &t->pos);
    if (res == STORE_NOT_FOUND) {
        t->pos = t->sh.end_seq >= 0 ? t->sh.end_seq + 1 : t->s.next_seq;
        return POSITION_OK;
    }
    return res == STORE_OK ? POSITION_OK : POSITION_STORE;
}

static enum position_err position(struct store_tx *tx, struct iterator_txn *t)
{
    if (strcmp(t->type, "TRIM_HORIZON") == 0)
        return trim_horizon(tx, t);
    if (strcmp(t->type, "LATEST") == 0) {
        t->pos = t->sh.end_seq >= 0 ? t->sh.end_seq + 1 : t->s.next_seq;
        return POSITION_OK;
    }
    if (t->seq < t->sh.start_seq || t->seq > shard_last(&t->s, &t->sh))
        return POSITION_BAD_SEQUENCE;
    t->pos = strcmp(t->type, "AT_SEQUENCE_NUMBER") == 0 ? t->seq : t->seq + 1;
    return trimmed(tx, &t->s, &t->sh, t->pos, t->now_ms);
}

static enum store_result iterator_in_store(struct store_tx *tx, void *arg)
{
    struct iterator_txn *t = arg;
    enum store_result res = store_streams_find_by_arn(tx, t->arn, &t->s);
    if (res == STORE_OK && !is_visible(&t->s, t->now_ms))
        res = STORE_NOT_FOUND;
    if (res == STORE_NOT_FOUND) {
        t->err = POSITION_NO_STREAM;
        return STORE_OK;
    }
    if (res == STORE_OK)
        res = store_streams_shard_find_id(tx, t->s.id, t->shard_id, &t->sh);
    if (res == STORE_OK && t->sh.closed_ms &&
        t->sh.closed_ms < t->now_ms - STREAMS_RETENTION_MS)
        res = STORE_NOT_FOUND;
    if (res == STORE_NOT_FOUND) {
        t->err = POSITION_NO_SHARD;
        return STORE_OK;
    }
    if (res != STORE_OK)
        return res;
    t->err = position(tx, t);
    return t->err == POSITION_STORE ? STORE_ERROR : STORE_OK;
}

/* Member checks of GetShardIterator, all reported together. */
static int check_iterator_request(struct call *c, const char **arn,
                                  const char **shard, const char **type,
                                  const char **seq)
{
    struct ddb_errors e;
    ddb_errors_init(&e);
    if (check_stream_arn(c, &e, arn) < 0 ||
        ddb_input_string(c, c->input, "ShardId", shard) < 0 ||
        ddb_input_string(c, c->input, "ShardIteratorType", type) < 0 ||
        ddb_input_string(c, c->input, "SequenceNumber", seq) < 0) {
        ddb_errors_clear(&e);
        return -1;
    }
    check_required(&e, *shard, "shardId");
    ddb_input_check_length(&e, *shard, "shardId", SHARD_ID_MIN, SHARD_ID_MAX);
    check_required(&e, *type, "shardIteratorType");
    ddb_input_check_enum(&e, *type, "shardIteratorType", iterator_types);
    ddb_input_check_length(&e, *seq, "sequenceNumber", SEQ_MIN, SEQ_MAX);
    return ddb_errors_report(c, &e);
}

/* The rules between ShardIteratorType and SequenceNumber. */
static int check_sequence(struct call *c, const char *type, const char *seq,
                          int64_t *out)
{
    bool needs_seq = strcmp(type, "AT_SEQUENCE_NUMBER") == 0 ||
                     strcmp(type, "AFTER_SEQUENCE_NUMBER") == 0;
    if (needs_seq && seq == NULL)
        return call_fail(c, AWS_ERR_VALIDATION, "Must specify a "
                         "SequenceNumber when ShardIteratorType is %s",
                         type);
    if (!needs_seq && seq)
        return call_fail(c, AWS_ERR_VALIDATION, "Cannot specify a "
                         "SequenceNumber when ShardIteratorType is %s",
                         type);
    if (seq && streams_seq_parse(seq, out) < 0)
        return call_fail(c, AWS_ERR_VALIDATION, "Invalid SequenceNumber: "
                         "%s", seq);
    return 0;
}

static int position_fail(struct call *c, const struct iterator_txn *t,
                         const char *seq)
{
    switch (t->err) {
    case POSITION_NO_STREAM:
        return fail_no_stream(c, t->arn);
    case POSITION_NO_SHARD:
        return call_fail(c, AWS_ERR_RESOURCE_NOT_FOUND, "Requested resource "
                         "not found: Shard: %s in Stream: %s not found",
                         t->shard_id, t->arn);
    case POSITION_BAD_SEQUENCE:
        return call_fail(c, AWS_ERR_VALIDATION, "Invalid SequenceNumber %s "
                         "for shard %s: it is not in the shard's range",
                         seq, t->shard_id);
    case POSITION_TRIMMED:
        return call_fail(c, AWS_ERR_TRIMMED_DATA_ACCESS, "The data you are "
                         "trying to access has been trimmed");
    default:
        return fail_store(c);
    }
}

int streams_get_shard_iterator(struct call *c)
{
    const char *arn, *shard, *type, *seq;
    struct iterator_txn t = { .now_ms = now_of(c) };
    if (check_iterator_request(c, &arn, &shard, &type, &seq) < 0 ||
        check_sequence(c, type, seq, &t.seq) < 0)
        return -1;
    if (!is_stream_arn(arn))
        return call_fail(c, AWS_ERR_VALIDATION, "Invalid StreamArn");
    t.arn = arn;
    t.shard_id = shard;
    t.type = type;
    if (store_read(c->emu->store, iterator_in_store, &t) != STORE_OK)
        return fail_store(c);
    if (t.err != POSITION_OK)
        return position_fail(c, &t, seq);
    struct streams_iterator it = { .stream_id = t.s.id, .shard_idx = t.sh.idx,
                                   .pos = t.pos, .issued_ms = t.now_ms };
    buf_reset(&c->out);
    buf_puts(&c->out, "{\"ShardIterator\":\"");
    streams_iterator_write(c->emu->streams_key, t.s.arn, &it, &c->out);
    buf_puts(&c->out, "\"}");
    return 0;
}

/* ---- GetRecords ---------------------------------------------------- */

/* The answer's text before its first record. */
#define RECORDS_PREFIX "{\"Records\":["
#define RECORDS_PREFIX_LEN (sizeof RECORDS_PREFIX - 1)

struct records_txn {
    struct streams_iterator it;
    const char *text;    /* the iterator as given */
    size_t limit;
    int64_t now_ms;
    struct store_stream s;
    struct store_shard sh;
    enum position_err err;
    struct buf *out;     /* the answer, written up to the Records array's
                            last member */
    size_t n;
    int64_t next_pos;
    bool is_full;        /* stopped by Limit or the byte cap */
};

static bool take_record(int64_t seq, int64_t created_ms, const char *text,
                        size_t len, void *arg)
{
    struct records_txn *t = arg;
    (void)created_ms;
    if (t->n == t->limit ||
        (t->n > 0 &&
         t->out->len - RECORDS_PREFIX_LEN + len > GET_RECORDS_MAX_BYTES)) {
        t->is_full = true;
        return false;
    }
    if (t->n++)
        buf_putc(t->out, ',');
    buf_append(t->out, text, len);
    t->next_pos = seq + 1;
    return true;
}

/* The iterator must name a stream that still exists under the ARN it
 * carries (ids restart after a reset). */
static bool names_stream(const struct records_txn *t)
{
    size_t len = strlen(t->s.arn);
    return strncmp(t->text, t->s.arn, len) == 0 && t->text[len] == '|';
}

static enum store_result records_in_store(struct store_tx *tx, void *arg)
{
    struct records_txn *t = arg;
    /* The runner may retry: start from a clean slate. */
    buf_reset(t->out);
    buf_puts(t->out, RECORDS_PREFIX);
    t->n = 0;
    t->is_full = false;
    enum store_result res = store_streams_find(tx, t->it.stream_id, &t->s);
    if (res == STORE_OK && (!is_visible(&t->s, t->now_ms) || !names_stream(t)))
        res = STORE_NOT_FOUND;
    if (res == STORE_OK)
        res = store_streams_shard_find_idx(tx, t->s.id, t->it.shard_idx,
                                           &t->sh);
    if (res == STORE_NOT_FOUND) {
        t->err = POSITION_NO_SHARD;
        return STORE_OK;
    }
    if (res != STORE_OK)
        return res;
    t->err = trimmed(tx, &t->s, &t->sh, t->it.pos, t->now_ms);
    if (t->err != POSITION_OK)
        return t->err == POSITION_STORE ? STORE_ERROR : STORE_OK;
    t->next_pos = t->it.pos;
    return store_streams_records(tx, t->s.id, t->it.pos,
                                 shard_last(&t->s, &t->sh), take_record, t);
}

static int check_records_request(struct call *c, const char **text,
                                 long long *limit)
{
    struct ddb_errors e;
    ddb_errors_init(&e);
    if (ddb_input_string(c, c->input, "ShardIterator", text) < 0 ||
        read_limit(c, &e, GET_RECORDS_MAX, limit) < 0) {
        ddb_errors_clear(&e);
        return -1;
    }
    check_required(&e, *text, "shardIterator");
    ddb_input_check_length(&e, *text, "shardIterator", 1, ITERATOR_MAX);
    return ddb_errors_report(c, &e);
}

/* {"Records":[...],"NextShardIterator":"..."}, after the records that
 * records_in_store wrote straight into the answer (a page is up to 1 MB:
 * no copy of it); the iterator is left out once a closed shard has been
 * read to its end. */
static void reply_records(struct call *c, struct records_txn *t)
{
    bool is_drained = t->sh.end_seq >= 0 && !t->is_full;
    buf_putc(&c->out, ']');
    if (!is_drained) {
        struct streams_iterator next = t->it;
        next.pos = t->next_pos;
        next.issued_ms = t->now_ms;
        buf_puts(&c->out, ",\"NextShardIterator\":\"");
        streams_iterator_write(c->emu->streams_key, t->s.arn, &next,
                               &c->out);
        buf_putc(&c->out, '"');
    }
    buf_putc(&c->out, '}');
}

int streams_get_records(struct call *c)
{
    const char *text;
    long long limit;
    if (check_records_request(c, &text, &limit) < 0)
        return -1;
    struct records_txn t = { .text = text, .limit = (size_t)limit,
                             .now_ms = now_of(c) };
    if (streams_iterator_parse(c->emu->streams_key, text, &t.it) < 0)
        return call_fail(c, AWS_ERR_VALIDATION, "Invalid ShardIterator");
    if (streams_iterator_is_expired(&t.it, t.now_ms))
        return call_fail(c, AWS_ERR_EXPIRED_ITERATOR, "Shard iterator has "
                         "expired");
    t.out = &c->out;
    int rc = 0;
    if (store_read(c->emu->store, records_in_store, &t) != STORE_OK)
        rc = fail_store(c);
    else if (t.err == POSITION_NO_SHARD)
        rc = call_fail(c, AWS_ERR_RESOURCE_NOT_FOUND, "Invalid ShardId in "
                       "ShardIterator");
    else if (t.err == POSITION_TRIMMED)
        rc = call_fail(c, AWS_ERR_TRIMMED_DATA_ACCESS, "The data you are "
                       "trying to access has been trimmed");
    else
        reply_records(c, &t);
    return rc;
}
