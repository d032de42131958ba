/* Stream records, sequence numbers, shard ids and shard iterators; see
 * streams.h. Uses base and the AttributeValue model (for equality and
 * sizes) only. */
#include "streams/streams.h"

#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "dynamodb/ddb_value.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The iterator's binary fields: version, stream id, shard, position and
 * issue time, then a truncated HMAC-SHA256 over the ARN and those fields. */
#define ITER_VERSION 1
#define ITER_FIELDS_LEN (1 + 8 + 8 + 8 + 8)
#define ITER_MAC_LEN 16
#define ITER_MARK "|1|"
/* The largest counter a parsed sequence number may grow from without
 * overflowing int64_t on its next digit. */
#define SEQ_MAX ((INT64_MAX - 9) / 10)

static const char *const view_names[] = {
    [STREAMS_VIEW_KEYS_ONLY] = "KEYS_ONLY",
    [STREAMS_VIEW_NEW_IMAGE] = "NEW_IMAGE",
    [STREAMS_VIEW_OLD_IMAGE] = "OLD_IMAGE",
    [STREAMS_VIEW_NEW_AND_OLD_IMAGES] = "NEW_AND_OLD_IMAGES",
};

enum streams_view streams_view_parse(const char *name)
{
    for (int i = 0; name && i < STREAMS_VIEW_INVALID; i++) {
        if (strcmp(name, view_names[i]) == 0)
            return (enum streams_view)i;
    }
    return STREAMS_VIEW_INVALID;
}

const char *streams_view_name(enum streams_view view)
{
    return view < STREAMS_VIEW_INVALID ? view_names[view] : "";
}

/* Compares two items as DynamoDB does, by wrapping each as an M value. */
static bool items_equal(const cJSON *a, const cJSON *b)
{
    cJSON *ma = cJSON_CreateObject();
    cJSON *mb = cJSON_CreateObject();
    cJSON_AddItemReferenceToObject(ma, "M", (cJSON *)a);
    cJSON_AddItemReferenceToObject(mb, "M", (cJSON *)b);
    bool eq = ddb_value_equal(ma, mb);
    cJSON_Delete(ma);
    cJSON_Delete(mb);
    return eq;
}

bool streams_is_change(const cJSON *old_item, const cJSON *new_item)
{
    if (old_item == NULL || new_item == NULL)
        return old_item != new_item;
    return !items_equal(old_item, new_item);
}

/* A key attribute's value: one member, S, N or B, whose payload is a
 * string. Anything else (never stored as a key) goes through cJSON. */
static void write_key_value(struct buf *out, const cJSON *v)
{
    const cJSON *m = v->child;
    if (m == NULL || m->next != NULL || !cJSON_IsString(m)) {
        json_write(out, v);
        return;
    }
    buf_putc(out, '{');
    json_write_string(out, m->string, strlen(m->string));
    buf_putc(out, ':');
    json_write_string(out, m->valuestring, strlen(m->valuestring));
    buf_putc(out, '}');
}

/* "Keys": the key attributes of whichever image exists; returns their
 * size. */
static size_t write_keys(struct buf *out, const struct streams_change *ch)
{
    const cJSON *item = ch->new_item ? ch->new_item : ch->old_item;
    const char *names[2] = { ch->hash_name, ch->range_name };
    size_t size = 0;
    bool is_first = true;
    buf_puts(out, "\"Keys\":{");
    for (size_t i = 0; i < 2; i++) {
        const cJSON *v = names[i] ? json_get(item, names[i]) : NULL;
        if (v == NULL)
            continue;
        if (!is_first)
            buf_putc(out, ',');
        is_first = false;
        json_write_string(out, names[i], strlen(names[i]));
        buf_putc(out, ':');
        write_key_value(out, v);
        size += strlen(names[i]) + ddb_value_size(v);
    }
    buf_putc(out, '}');
    return size;
}

/* An image member: the caller's text of it when it has one, else printed;
 * returns the image's size, the caller's when known. */
static size_t write_image(struct buf *out, const char *member,
                          const cJSON *item, struct str text, size_t size)
{
    buf_puts(out, member);
    if (text.len > 0)
        buf_append(out, text.ptr, text.len);
    else
        json_write(out, item);
    return size > 0 ? size : ddb_item_size(item);
}

static bool has_old(const struct streams_change *ch)
{
    return ch->old_item != NULL || ch->old_json.len > 0;
}

static const char *event_name(const struct streams_change *ch)
{
    if (!has_old(ch))
        return "INSERT";
    return ch->new_item ? "MODIFY" : "REMOVE";
}

static void write_dynamodb_member(const struct streams_change *ch,
                                  struct buf *out)
{
    bool is_new = ch->view == STREAMS_VIEW_NEW_IMAGE ||
                  ch->view == STREAMS_VIEW_NEW_AND_OLD_IMAGES;
    bool is_old = ch->view == STREAMS_VIEW_OLD_IMAGE ||
                  ch->view == STREAMS_VIEW_NEW_AND_OLD_IMAGES;
    buf_printf(out, "\"dynamodb\":{\"ApproximateCreationDateTime\":%" PRId64
               ",", ch->now_ms / 1000);
    size_t size = write_keys(out, ch);
    if (is_new && ch->new_item)
        size += write_image(out, ",\"NewImage\":", ch->new_item,
                            ch->new_json, ch->new_size);
    if (is_old && has_old(ch))
        size += write_image(out, ",\"OldImage\":", ch->old_item,
                            ch->old_json, ch->old_size);
    char seq[STREAMS_SEQ_LEN + 1];
    streams_seq_format(ch->seq, seq);
    buf_printf(out, ",\"SequenceNumber\":\"%s\",\"SizeBytes\":%zu,"
               "\"StreamViewType\":\"%s\"}", seq, size,
               streams_view_name(ch->view));
}

/* Written out member by member rather than built as a cJSON tree and
 * printed: the images are most of a record, and the write path already
 * holds them as the text it stored, so they are copied, not printed
 * again. */
void streams_record_write(const struct streams_change *ch, struct buf *out)
{
    buf_puts(out, "{\"eventID\":");
    json_write_string(out, ch->event_id, strlen(ch->event_id));
    buf_puts(out, ",\"eventName\":\"");
    buf_puts(out, event_name(ch));
    buf_puts(out, "\",\"eventVersion\":\"1.1\","
             "\"eventSource\":\"aws:dynamodb\",\"awsRegion\":");
    json_write_string(out, ch->region, strlen(ch->region));
    buf_putc(out, ',');
    write_dynamodb_member(ch, out);
    /* How AWS marks deletions made by Time to Live (DynamoDB developer
     * guide, "Working with expired items and time to live"), in the
     * Streams API's spelling (Identity: Type, PrincipalId); Lambda events
     * spell the same members type and principalId. */
    if (ch->is_ttl)
        buf_puts(out, ",\"userIdentity\":{\"Type\":\"Service\","
                 "\"PrincipalId\":\"dynamodb.amazonaws.com\"}");
    buf_putc(out, '}');
}

void streams_seq_format(int64_t seq, char *out)
{
    snprintf(out, STREAMS_SEQ_LEN + 1, "1%020" PRId64, seq);
}

int streams_seq_parse(const char *text, int64_t *seq)
{
    if (text == NULL || strlen(text) != STREAMS_SEQ_LEN || text[0] != '1')
        return -1;
    int64_t v = 0;
    for (size_t i = 1; i < STREAMS_SEQ_LEN; i++) {
        if (text[i] < '0' || text[i] > '9' || v > SEQ_MAX)
            return -1;
        v = v * 10 + (text[i] - '0');
    }
    *seq = v;
    return 0;
}

void streams_shard_id(int64_t stamp, uint32_t suffix, char *out)
{
    snprintf(out, STREAMS_SHARD_ID_LEN + 1, "shardId-%020" PRId64 "-%08" PRIx32,
             stamp, suffix);
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* SplitMix64's finalizer: a bijection of 64-bit words that scatters every
 * input bit over the output. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* An eventID has to be unique and look like AWS's, not to authenticate
 * anything, and one is made per record inside the write lock: a keyed
 * bijection of (stream, seq) does it for a few dozen instructions where an
 * HMAC-SHA256 took thousands. Each step is invertible (x from a and b,
 * then y from b and x), so distinct records never share an id, and every
 * digit depends on both inputs and the key. */
void streams_event_id(const uint8_t *key, int64_t stream_id, int64_t seq,
                      char *out)
{
    uint64_t a = mix64(get_u64(key) ^ (uint64_t)stream_id);
    uint64_t b = mix64(get_u64(key + 8) ^ (uint64_t)seq);
    uint64_t x = mix64(a ^ b);
    uint64_t y = mix64(b ^ x);
    uint8_t id[16];
    put_u64(id, x);
    put_u64(id + 8, y);
    crypto_hex(id, sizeof id, out);
}

bool streams_should_roll(int64_t n_records, int64_t shard_created_ms,
                         int64_t now_ms, int64_t max_records,
                         int64_t max_age_ms)
{
    if (max_records > 0 && n_records >= max_records)
        return true;
    return max_age_ms > 0 && now_ms - shard_created_ms >= max_age_ms;
}

/* The MAC of the ARN and the binary fields. */
static void iterator_mac(const uint8_t *key, const char *arn, size_t arn_len,
                         const uint8_t *fields, uint8_t *mac)
{
    struct buf msg;
    buf_init(&msg, 0);
    buf_append(&msg, arn, arn_len);
    buf_putc(&msg, '|');
    buf_append(&msg, fields, ITER_FIELDS_LEN);
    uint8_t full[CRYPTO_SHA256_LEN];
    crypto_hmac_sha256(key, STREAMS_KEY_LEN, msg.data, msg.len, full);
    memcpy(mac, full, ITER_MAC_LEN);
    buf_clear(&msg);
}

void streams_iterator_write(const uint8_t *key, const char *stream_arn,
                            const struct streams_iterator *it,
                            struct buf *out)
{
    uint8_t raw[ITER_FIELDS_LEN + ITER_MAC_LEN];
    raw[0] = ITER_VERSION;
    put_u64(raw + 1, (uint64_t)it->stream_id);
    put_u64(raw + 9, (uint64_t)it->shard_idx);
    put_u64(raw + 17, (uint64_t)it->pos);
    put_u64(raw + 25, (uint64_t)it->issued_ms);
    iterator_mac(key, stream_arn, strlen(stream_arn), raw,
                 raw + ITER_FIELDS_LEN);
    buf_puts(out, stream_arn);
    buf_puts(out, ITER_MARK);
    crypto_base64_encode(raw, sizeof raw, out);
}

/* Decodes base64 that is exactly what encoding its bytes gives: base64
 * leaves spare bits in its last character, which would otherwise let
 * altered text through. */
static int decode_exactly(const char *b64, struct buf *raw)
{
    struct buf again;
    buf_init(&again, 256);
    int rc = crypto_base64_decode(b64, strlen(b64), raw);
    if (rc == 0) {
        crypto_base64_encode(raw->data, raw->len, &again);
        rc = strcmp(buf_cstr(&again), b64) == 0 ? 0 : -1;
    }
    buf_clear(&again);
    return rc;
}

int streams_iterator_parse(const uint8_t *key, const char *text,
                           struct streams_iterator *it)
{
    const char *mark = text ? strstr(text, ITER_MARK) : NULL;
    if (mark == NULL)
        return -1;
    const char *b64 = mark + strlen(ITER_MARK);
    struct buf raw;
    buf_init(&raw, 256);
    int rc = -1;
    if (decode_exactly(b64, &raw) == 0 &&
        raw.len == ITER_FIELDS_LEN + ITER_MAC_LEN &&
        (uint8_t)raw.data[0] == ITER_VERSION) {
        const uint8_t *p = (const uint8_t *)raw.data;
        uint8_t mac[ITER_MAC_LEN];
        iterator_mac(key, text, (size_t)(mark - text), p, mac);
        if (crypto_equal(mac, p + ITER_FIELDS_LEN, ITER_MAC_LEN)) {
            it->stream_id = (int64_t)get_u64(p + 1);
            it->shard_idx = (int64_t)get_u64(p + 9);
            it->pos = (int64_t)get_u64(p + 17);
            it->issued_ms = (int64_t)get_u64(p + 25);
            rc = 0;
        }
    }
    buf_clear(&raw);
    return rc;
}

bool streams_iterator_is_expired(const struct streams_iterator *it,
                                 int64_t now_ms)
{
    return now_ms - it->issued_ms > STREAMS_ITERATOR_TTL_MS;
}
