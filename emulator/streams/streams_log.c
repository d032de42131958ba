/* Stream lifecycle, records and rollover inside write transactions; see
 * streams_log.h. A stream's shards form one chain (each child continues its
 * parent's sequence numbers), so following lineage keeps every key's
 * changes in order. */
#include "streams/streams_log.h"

#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/log.h"
#include "dynamodb/ddb_catalog.h"
#include "state.h"
#include "store/store_streams.h"
#include "streams/streams.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A stream record's members besides its images: its ids, names and
 * numbers, and the Keys map (a partition key is at most 2 KB, a sort key
 * 1 KB). */
#define STREAMS_RECORD_ROOM 4096

bool streams_log_is_enabled(const cJSON *desc)
{
    return cJSON_IsTrue(json_get(json_get(desc, "StreamSpecification"),
                                 "StreamEnabled"));
}

/* The 20-digit stamp of a shard id, which new ids must exceed. */
static int64_t shard_stamp(const char *shard_id)
{
    const char *p = strchr(shard_id, '-');
    return p ? strtoll(p + 1, NULL, 10) : 0;
}

static void new_shard_id(int64_t stamp, char *out)
{
    uint32_t suffix;
    crypto_random(&suffix, sizeof suffix);
    streams_shard_id(stamp, suffix, out);
}

static enum store_result start_stream(struct store_tx *tx, int64_t tbl,
                                      const cJSON *desc, int64_t now_ms)
{
    struct store_stream s = { .tbl = tbl, .created_ms = now_ms,
                              .next_seq = 1, .last_ms = now_ms };
    const char *view = json_get_string(json_get(desc, "StreamSpecification"),
                                       "StreamViewType");
    char *schema = cJSON_PrintUnformatted(json_get(desc, "KeySchema"));
    snprintf(s.table_name, sizeof s.table_name, "%s",
             json_get_string(desc, "TableName"));
    snprintf(s.arn, sizeof s.arn, "%s",
             json_get_string(desc, "LatestStreamArn"));
    snprintf(s.label, sizeof s.label, "%s",
             json_get_string(desc, "LatestStreamLabel"));
    snprintf(s.view, sizeof s.view, "%s", view ? view : "");
    snprintf(s.key_schema, sizeof s.key_schema, "%s", schema ? schema : "[]");
    free(schema);
    enum store_result res = store_streams_insert(tx, &s);
    if (res != STORE_OK)
        return res;
    struct store_shard sh = { .stream = s.id, .idx = 1, .start_seq = 1,
                              .end_seq = -1, .created_ms = now_ms };
    new_shard_id(now_ms, sh.shard_id);
    return store_streams_shard_insert(tx, &sh);
}

/* How many records the open shard sh of s holds: appends take sequence
 * numbers from start_seq up, and leave the shard's row alone. */
static int64_t open_records(const struct store_stream *s,
                            const struct store_shard *sh)
{
    return s->next_seq - sh->start_seq;
}

/* Closes the open shard sh of s. An empty shard still takes a sequence
 * number, so that every closed shard has a range with start <= end. */
static enum store_result close_shard(struct store_tx *tx,
                                     struct store_stream *s,
                                     struct store_shard *sh, int64_t now_ms)
{
    sh->n_records = open_records(s, sh);
    sh->end_seq = s->next_seq - 1 > sh->start_seq ? s->next_seq - 1
                                                  : sh->start_seq;
    if (s->next_seq <= sh->end_seq)
        s->next_seq = sh->end_seq + 1;
    sh->closed_ms = now_ms;
    return store_streams_shard_update(tx, sh);
}

/* Closes s's open shard sh and opens its child into *sh. */
static enum store_result roll(struct store_tx *tx, struct store_stream *s,
                              struct store_shard *sh, int64_t now_ms)
{
    enum store_result res = close_shard(tx, s, sh, now_ms);
    if (res != STORE_OK)
        return res;
    struct store_shard child = { .stream = s->id, .idx = sh->idx + 1,
                                 .start_seq = s->next_seq,
                                 .end_seq = -1, .created_ms = now_ms };
    int64_t stamp = shard_stamp(sh->shard_id) + 1;
    new_shard_id(now_ms > stamp ? now_ms : stamp, child.shard_id);
    snprintf(child.parent_id, sizeof child.parent_id, "%s", sh->shard_id);
    res = store_streams_shard_insert(tx, &child);
    if (res != STORE_OK)
        return res;
    *sh = child;
    return store_streams_update(tx, s);
}

static enum store_result stop_stream(struct store_tx *tx, int64_t tbl,
                                     int64_t now_ms)
{
    struct store_stream s;
    struct store_shard sh;
    enum store_result res = store_streams_find_enabled(tx, tbl, &s);
    if (res == STORE_NOT_FOUND)
        return STORE_OK;
    if (res == STORE_OK)
        res = store_streams_shard_open(tx, s.id, &sh);
    if (res == STORE_OK)
        res = close_shard(tx, &s, &sh, now_ms);
    if (res != STORE_OK && res != STORE_NOT_FOUND)
        return res;
    s.disabled_ms = now_ms;
    return store_streams_update(tx, &s);
}

enum store_result streams_log_table_changed(struct store_tx *tx,
                                            struct emulator *emu,
                                            int64_t tbl,
                                            const cJSON *old_desc,
                                            const cJSON *new_desc,
                                            int64_t now_ms)
{
    (void)emu;
    bool was_on = streams_log_is_enabled(old_desc);
    bool is_on = streams_log_is_enabled(new_desc);
    const char *old_arn = json_get_string(old_desc, "LatestStreamArn");
    const char *new_arn = json_get_string(new_desc, "LatestStreamArn");
    bool is_new_stream = is_on && (!was_on || old_arn == NULL ||
                                   strcmp(old_arn, new_arn) != 0);
    enum store_result res = STORE_OK;
    if (was_on && (!is_on || is_new_stream))
        res = stop_stream(tx, tbl, now_ms);
    if (res == STORE_OK && is_new_stream)
        res = start_stream(tx, tbl, new_desc, now_ms);
    return res;
}

/* Rolls the open shard sh of s over when it is due, leaving the shard to
 * append to in *sh. */
static enum store_result roll_if_due(struct store_tx *tx, struct emulator *emu,
                                     struct store_stream *s,
                                     struct store_shard *sh, int64_t now_ms)
{
    int64_t max_age = emu->cfg.shard_rollover_ms;
    if (max_age == 0)
        max_age = STREAMS_DEFAULT_SHARD_AGE_MS;
    if (streams_should_roll(open_records(s, sh), sh->created_ms, now_ms,
                            emu->cfg.shard_rollover_records,
                            max_age > 0 ? max_age : 0))
        return roll(tx, s, sh, now_ms);
    return STORE_OK;
}

static void build_record(struct emulator *emu,
                         const struct streams_log_change *ch,
                         const struct store_stream *s, int64_t created_ms,
                         struct buf *out)
{
    char event_id[33];
    streams_event_id(emu->streams_key, s->id, s->next_seq, event_id);
    struct streams_change rec = {
        .hash_name = ch->def->hash_name,
        .range_name = ch->def->range_name,
        .old_item = ch->old_item,
        .new_item = ch->new_item,
        .old_json = ch->old_json,
        .new_json = ch->new_json,
        .old_size = ch->old_size,
        .new_size = ch->new_size,
        .view = streams_view_parse(s->view),
        .seq = s->next_seq,
        .now_ms = created_ms,
        .region = emu->region,
        .event_id = event_id,
        .is_ttl = ch->is_ttl,
    };
    streams_record_write(&rec, out);
}

enum store_result streams_log_append(struct store_tx *tx,
                                     struct emulator *emu,
                                     const struct streams_log_change *ch)
{
    bool is_text_only = ch->old_item == NULL && ch->old_json.len > 0;
    if (!is_text_only && !streams_is_change(ch->old_item, ch->new_item))
        return STORE_OK;
    struct store_stream s;
    struct store_shard sh;
    enum store_result res = store_streams_find_open(tx, ch->def->id, &s, &sh);
    if (res != STORE_OK)
        return res == STORE_NOT_FOUND ? STORE_OK : res;
    res = roll_if_due(tx, emu, &s, &sh, ch->now_ms);
    if (res != STORE_OK)
        return res;
    /* Creation times never go backwards within a stream, so the trim
     * horizon falls on a prefix of every shard. */
    int64_t created_ms = ch->now_ms > s.last_ms ? ch->now_ms : s.last_ms;
    struct buf text;
    buf_init(&text, 0);
    /* A record is mostly its images: room for them at once, where growing
     * by doubling copied a large item's text several times. */
    buf_reserve(&text, ch->old_json.len + ch->new_json.len +
                           STREAMS_RECORD_ROOM);
    build_record(emu, ch, &s, created_ms, &text);
    /* The stream's row keeps its next_seq and last_ms: the record itself
     * advances them for whoever reads the stream next (store_streams.h). */
    res = store_streams_record_insert(tx, s.id, s.next_seq, sh.idx,
                                      created_ms, text.data, text.len);
    buf_clear(&text);
    return res;
}

struct rollover_walk {
    int64_t ids[256]; /* streams found in one pass */
    size_t n;
};

static bool collect(const struct store_stream *s, void *arg)
{
    struct rollover_walk *w = arg;
    w->ids[w->n++] = s->id;
    return w->n < sizeof w->ids / sizeof w->ids[0];
}

static enum store_result roll_one(struct store_tx *tx, int64_t id,
                                  int64_t now_ms)
{
    struct store_stream s;
    struct store_shard sh;
    enum store_result res = store_streams_find(tx, id, &s);
    if (res == STORE_OK)
        res = store_streams_shard_open(tx, s.id, &sh);
    if (res == STORE_OK)
        res = roll(tx, &s, &sh, now_ms);
    return res;
}

enum store_result streams_log_rollover(struct store_tx *tx,
                                       struct emulator *emu,
                                       const char *table, int64_t now_ms,
                                       int *n_rolled)
{
    (void)emu;
    struct rollover_walk w = { .n = 0 };
    struct store_streams_query q = { .table_name = table,
                                     .is_enabled_only = true,
                                     .limit = sizeof w.ids / sizeof w.ids[0] };
    *n_rolled = 0;
    enum store_result res = store_streams_each(tx, &q, collect, &w);
    for (size_t i = 0; res == STORE_OK && i < w.n; i++) {
        res = roll_one(tx, w.ids[i], now_ms);
        if (res == STORE_OK)
            (*n_rolled)++;
    }
    return res;
}
