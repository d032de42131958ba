/* Time to Live; see ddb_ttl.h. The setting is kept in the table's stored
 * description as its TimeToLiveDescription (DescribeTable leaves it out).
 * A sweep reads each TTL table in a snapshot to find expired items, then
 * deletes them in short write transactions that look at each item again,
 * so an item updated in between with a later expiry survives. */
#include "dynamodb/ddb_ttl.h"

#include "base/buf.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"
#include "dynamodb/ddb_catalog.h"
#include "dynamodb/ddb_input.h"
#include "dynamodb/ddb_key.h"
#include "dynamodb/ddb_number.h"
#include "dynamodb/ddb_table.h"
#include "dynamodb/ddb_write.h"
#include "http/call.h"
#include "state.h"
#include "store/store_ddb.h"
#include "store/store_ddb_range.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "Items with TTL values more than five years in the past are not
 * deleted" (developer guide, "Time to Live"); in seconds. */
#define DDB_TTL_MAX_AGE_S (5LL * 365 * 24 * 3600)
/* Expired items deleted per write transaction, so that a large expiry
 * never holds the write lock long. */
#define DDB_TTL_BATCH 500
/* The attribute name's length limits (API Reference,
 * TimeToLiveSpecification). */
#define DDB_TTL_MAX_NAME 255

/* The table's TTL attribute when TTL is enabled, else NULL; borrowed from
 * def. */
static const char *ttl_attribute(const struct ddb_table_def *def)
{
    const cJSON *d = json_get(def->desc, "TimeToLiveDescription");
    const char *status = json_get_string(d, "TimeToLiveStatus");
    if (status == NULL || strcmp(status, "ENABLED") != 0)
        return NULL;
    return json_get_string(d, "AttributeName");
}

/* The table named by the request; NULL with the error recorded. */
static struct ddb_table_def *require_table(struct call *c)
{
    const char *name = json_get_string(c->input, "TableName");
    struct ddb_table_def *def = ddb_catalog_find(c->emu->catalog, name);
    if (def == NULL)
        call_fail(c, AWS_ERR_RESOURCE_NOT_FOUND, "Requested resource not "
                  "found: Table: %s not found", name);
    return def;
}

int ddb_describe_time_to_live(struct call *c)
{
    const char *name;
    struct ddb_errors e;
    if (ddb_input_string(c, c->input, "TableName", &name) < 0)
        return -1;
    ddb_errors_init(&e);
    ddb_input_check_name(&e, name, "tableName");
    if (ddb_errors_report(c, &e) < 0)
        return -1;
    struct ddb_table_def *def = require_table(c);
    if (def == NULL)
        return -1;
    const cJSON *d = json_get(def->desc, "TimeToLiveDescription");
    cJSON *out = cJSON_CreateObject();
    cJSON *desc = d ? cJSON_Duplicate(d, true) : cJSON_CreateObject();
    if (d == NULL)
        cJSON_AddStringToObject(desc, "TimeToLiveStatus", "DISABLED");
    cJSON_AddItemToObject(out, "TimeToLiveDescription", desc);
    ddb_table_def_release(def);
    return call_reply_json(c, out);
}

struct ttl_spec {
    const char *attribute;
    bool is_enabled;
};

static int read_spec(struct call *c, struct ttl_spec *s)
{
    const char *name;
    const cJSON *spec;
    struct ddb_errors e;
    if (ddb_input_string(c, c->input, "TableName", &name) < 0 ||
        ddb_input_object(c, c->input, "TimeToLiveSpecification", &spec) < 0 ||
        ddb_input_string(c, spec, "AttributeName", &s->attribute) < 0 ||
        ddb_input_bool(c, spec, "Enabled", &s->is_enabled) < 0)
        return -1;
    ddb_errors_init(&e);
    ddb_input_check_name(&e, name, "tableName");
    const cJSON *enabled = json_get(spec, "Enabled");
    size_t len = s->attribute ? strlen(s->attribute) : 0;
    const char *path = "timeToLiveSpecification.attributeName";
    if (spec == NULL)
        ddb_errors_add(&e, NULL, "timeToLiveSpecification", "Member must "
                       "not be null");
    if (spec && s->attribute == NULL)
        ddb_errors_add(&e, NULL, path, "Member must not be null");
    if (s->attribute && len < 1)
        ddb_errors_add(&e, s->attribute, path, "Member must have length "
                       "greater than or equal to 1");
    if (len > DDB_TTL_MAX_NAME)
        ddb_errors_add(&e, s->attribute, path, "Member must have length "
                       "less than or equal to 255");
    if (spec && (enabled == NULL || cJSON_IsNull(enabled)))
        ddb_errors_add(&e, NULL, "timeToLiveSpecification.enabled",
                       "Member must not be null");
    return ddb_errors_report(c, &e);
}

/* The new description, or NULL with AWS's complaint about a change that
 * changes nothing. */
static cJSON *updated_desc(struct call *c, const struct ddb_table_def *def,
                           const void *spec)
{
    const struct ttl_spec *s = spec;
    bool is_on = ttl_attribute(def) != NULL;
    if (s->is_enabled && is_on) {
        call_fail(c, AWS_ERR_VALIDATION, "TimeToLive is already enabled");
        return NULL;
    }
    if (!s->is_enabled && !is_on) {
        call_fail(c, AWS_ERR_VALIDATION, "TimeToLive is already disabled");
        return NULL;
    }
    cJSON *desc = cJSON_Duplicate(def->desc, true);
    cJSON_DeleteItemFromObjectCaseSensitive(desc, "TimeToLiveDescription");
    if (s->is_enabled) {
        cJSON *d = cJSON_AddObjectToObject(desc, "TimeToLiveDescription");
        cJSON_AddStringToObject(d, "TimeToLiveStatus", "ENABLED");
        cJSON_AddStringToObject(d, "AttributeName", s->attribute);
    }
    return desc;
}

int ddb_update_time_to_live(struct call *c)
{
    struct ttl_spec s;
    if (read_spec(c, &s) < 0)
        return -1;
    struct ddb_desc_change ch = { require_table, updated_desc, &s };
    if (ddb_table_change_desc(c, &ch) < 0)
        return -1;
    cJSON *out = cJSON_CreateObject();
    cJSON *spec = cJSON_AddObjectToObject(out, "TimeToLiveSpecification");
    cJSON_AddStringToObject(spec, "AttributeName", s.attribute);
    cJSON_AddBoolToObject(spec, "Enabled", s.is_enabled);
    return call_reply_json(c, out);
}

/* The window of expiry times a sweep deletes: [floor, now), as canonical
 * numbers of epoch seconds. */
struct ttl_window {
    char now[DDB_NUMBER_MAX_TEXT];
    char floor[DDB_NUMBER_MAX_TEXT];
};

static void window_init(struct ttl_window *w, int64_t now_ms)
{
    char text[64];
    char err[256];
    long long s = (long long)(now_ms / 1000);
    snprintf(text, sizeof text, "%lld.%03lld", s,
             (long long)(now_ms % 1000));
    ddb_number_canonical(text, strlen(text), w->now, err, sizeof err);
    snprintf(text, sizeof text, "%lld", s - DDB_TTL_MAX_AGE_S);
    ddb_number_canonical(text, strlen(text), w->floor, err, sizeof err);
}

/* Whether the item's TTL attribute is a Number inside the window. */
static bool is_expired(const cJSON *item, const char *attribute,
                       const struct ttl_window *w)
{
    const char *n = json_get_string(json_get(item, attribute), "N");
    return n && ddb_number_compare(n, w->now) < 0 &&
           ddb_number_compare(n, w->floor) >= 0;
}

struct sweep {
    struct emulator *emu;
    struct ddb_table_def *def;   /* borrowed */
    const char *attribute;       /* borrowed from def */
    struct buf needle;           /* "attribute":{"N": as stored, or empty */
    struct ttl_window window;
    int64_t now_ms;
    struct ddb_key keys[DDB_TTL_BATCH]; /* the expired items found */
    size_t n;
    long deleted;
};

/* What a Number-valued TTL attribute looks like in an item's stored text
 * (printed unformatted, each value with its one type member), into
 * needle; left empty for a name that the printer would escape. */
static void needle_init(struct buf *needle, const char *attribute)
{
    buf_init(needle, 0);
    for (const char *p = attribute; *p; p++) {
        if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
            return;
    }
    buf_printf(needle, "\"%s\":{\"N\":", attribute);
}

/* Whether text holds needle (m > 1 bytes), found through its second byte:
 * memmem is a GNU extension, and the first, a quote, is everywhere in
 * JSON. */
static bool contains(const char *text, size_t n, const char *needle,
                     size_t m)
{
    const char *end = text + n;
    const char *p = text + 1;
    while (p < end && (size_t)(end - p) >= m - 1) {
        p = memchr(p, needle[1], (size_t)(end - p) - (m - 2));
        if (p == NULL)
            return false;
        if (p[-1] == needle[0] && memcmp(p + 1, needle + 2, m - 2) == 0)
            return true;
        p++;
    }
    return false;
}

/* False when the stored text cannot hold a Number-valued TTL attribute:
 * the sweep scans the whole table every interval, and most items carry
 * none, so most are never parsed. */
static bool may_expire(const struct sweep *s, const struct store_ddb_row *row)
{
    if (s->needle.len == 0)
        return true;
    return contains(row->item, row->item_len, s->needle.data,
                    s->needle.len);
}

static int collect(const struct store_ddb_row *row, void *arg)
{
    struct sweep *s = arg;
    if (!may_expire(s, row))
        return 0;
    cJSON *item = json_parse(row->item, row->item_len);
    bool is_gone = item && is_expired(item, s->attribute, &s->window);
    cJSON_Delete(item);
    if (!is_gone)
        return 0;
    struct ddb_key *k = &s->keys[s->n++];
    buf_reset(&k->enc);
    buf_append(&k->enc, row->pk, row->pk_len);
    buf_append(&k->enc, row->sk, row->sk_len);
    k->pk_len = row->pk_len;
    k->hash = row->hash;
    return s->n == DDB_TTL_BATCH ? 1 : 0;
}

/* Finds expired items after the key `after` (NULL: from the start). */
static enum store_result find_in_store(struct store_tx *tx, void *arg)
{
    struct sweep *s = arg;
    s->n = 0;
    return store_ddb_table_scan(tx, s->def->id, 0, UINT32_MAX, NULL, collect,
                                s);
}

static enum store_result delete_in_store(struct store_tx *tx, void *arg)
{
    struct sweep *s = arg;
    struct buf text;
    buf_init(&text, 0);
    long deleted = 0;
    enum store_result res = STORE_OK;
    for (size_t i = 0; i < s->n && res == STORE_OK; i++) {
        struct store_ddb_key key = ddb_key_store(&s->keys[i]);
        buf_reset(&text);
        res = store_ddb_item_get(tx, s->def->id, &key, &text);
        cJSON *item = res == STORE_OK ? json_parse(text.data, text.len)
                                      : NULL;
        bool is_gone = item && is_expired(item, s->attribute, &s->window);
        cJSON_Delete(item);
        if (res == STORE_NOT_FOUND || !is_gone) {
            res = STORE_OK;
            continue;
        }
        struct ddb_write w = { .kind = DDB_WRITE_DELETE, .def = s->def,
                               .key = &s->keys[i], .emu = s->emu,
                               .now_ms = s->now_ms, .is_ttl = true };
        res = ddb_write_apply(tx, &w);
        ddb_write_clear(&w);
        deleted += res == STORE_OK;
    }
    buf_clear(&text);
    if (res == STORE_OK)
        s->deleted += deleted;
    return res;
}

/* Sweeps one table; the number deleted, or -1. */
static long sweep_table(struct emulator *emu, struct ddb_table_def *def)
{
    struct sweep *s = xcalloc(1, sizeof *s);
    s->emu = emu;
    s->def = def;
    s->attribute = ttl_attribute(def);
    needle_init(&s->needle, s->attribute);
    s->now_ms = clock_now_ms(&emu->clock);
    window_init(&s->window, s->now_ms);
    for (size_t i = 0; i < DDB_TTL_BATCH; i++)
        buf_init(&s->keys[i].enc, 0);
    enum store_result res = STORE_OK;
    /* Each pass deletes what the last found, so the next scan starts
     * over on a table that lost them. */
    do {
        res = store_read(emu->store, find_in_store, s);
        if (res == STORE_OK && s->n)
            res = store_write(emu->store, delete_in_store, s);
    } while (res == STORE_OK && s->n == DDB_TTL_BATCH);
    long deleted = s->deleted;
    for (size_t i = 0; i < DDB_TTL_BATCH; i++)
        ddb_key_clear(&s->keys[i]);
    buf_clear(&s->needle);
    free(s);
    /* A table deleted meanwhile simply has nothing left to expire. */
    if (res == STORE_NOT_FOUND)
        return deleted;
    return res == STORE_OK ? deleted : -1;
}

long ddb_ttl_sweep(struct emulator *emu)
{
    char **names;
    bool more;
    long total = 0;
    size_t n = ddb_catalog_list(emu->catalog, NULL, SIZE_MAX, &names, &more);
    for (size_t i = 0; i < n; i++) {
        struct ddb_table_def *def = ddb_catalog_find(emu->catalog, names[i]);
        long deleted = def && ttl_attribute(def) ? sweep_table(emu, def) : 0;
        ddb_table_def_release(def);
        if (deleted < 0 && total >= 0)
            log_error("ttl: sweeping %s failed", names[i]);
        if (total >= 0)
            total = deleted < 0 ? -1 : total + deleted;
        free(names[i]);
    }
    free(names);
    return total;
}

struct ddb_ttl {
    struct emulator *emu;
    int64_t interval_ms;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool is_stopping;    /* under lock */
};

static void deadline_after(struct timespec *ts, int64_t ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static void *run(void *arg)
{
    struct ddb_ttl *t = arg;
    pthread_mutex_lock(&t->lock);
    while (!t->is_stopping) {
        struct timespec ts;
        deadline_after(&ts, t->interval_ms);
        int rc = 0;
        while (!t->is_stopping && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&t->wake, &t->lock, &ts);
        if (t->is_stopping)
            break;
        pthread_mutex_unlock(&t->lock);
        ddb_ttl_sweep(t->emu);
        pthread_mutex_lock(&t->lock);
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

struct ddb_ttl *ddb_ttl_start(struct emulator *emu, int64_t interval_ms)
{
    struct ddb_ttl *t = xcalloc(1, sizeof *t);
    t->emu = emu;
    t->interval_ms = interval_ms > 0 ? interval_ms : 1000;
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->wake, NULL);
    if (pthread_create(&t->thread, NULL, run, t) != 0) {
        log_error("ttl: cannot start the sweeper thread");
        pthread_cond_destroy(&t->wake);
        pthread_mutex_destroy(&t->lock);
        free(t);
        return NULL;
    }
    return t;
}

void ddb_ttl_stop(struct ddb_ttl *t)
{
    if (t == NULL)
        return;
    pthread_mutex_lock(&t->lock);
    t->is_stopping = true;
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->thread, NULL);
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->lock);
    free(t);
}
