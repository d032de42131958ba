/* Query: decodes the request, turns the KeyConditionExpression into one
 * partition and a pair of sort key bounds, resumes after ExclusiveStartKey
 * by tightening a bound, and reads one page through store_ddb_range. The
 * page itself (Limit, 1 MB, filter, projection, counts) is ddb_read's. */
#include "dynamodb/ddb_query.h"

#include "base/json.h"
#include "dynamodb/ddb_catalog.h"
#include "dynamodb/ddb_expr.h"
#include "dynamodb/ddb_input.h"
#include "dynamodb/ddb_read.h"
#include "dynamodb/ddb_value.h"
#include "http/call.h"
#include "state.h"
#include "store/store_ddb_range.h"

#include <string.h>

struct query {
    struct ddb_read r;
    struct ddb_key_condition kc;
    bool is_backward;              /* ScanIndexForward false */
    struct buf pk;                 /* the encoded partition key */
    struct buf lo;                 /* the encoded lower (or equal) operand */
    struct buf hi;                 /* the encoded upper operand */
    struct store_ddb_partition part; /* bounds point into pk, lo, hi and
                                        the start key */
    struct store_ddb_index_after after; /* index reads: where to resume */
    bool has_after;
    struct ddb_page page;
};

/* The key the query reads by: the index's, or the table's. */
struct query_keys {
    const char *hash_name;
    enum ddb_type hash_type;
    const char *range_name;
    enum ddb_type range_type;
};

static struct query_keys keys_of(const struct query *q)
{
    const struct ddb_index_def *idx = q->r.index;
    const struct ddb_table_def *def = q->r.def;
    if (idx)
        return (struct query_keys){ idx->hash_name, idx->hash_type,
                                    idx->range_name, idx->range_type };
    return (struct query_keys){ def->hash_name, def->hash_type,
                                def->range_name, def->range_type };
}

static void query_init(struct query *q)
{
    memset(q, 0, sizeof *q);
    ddb_read_init(&q->r, true);
    buf_init(&q->pk, 0);
    buf_init(&q->lo, 0);
    buf_init(&q->hi, 0);
    ddb_page_init(&q->page, &q->r);
}

static void query_clear(struct query *q)
{
    ddb_page_clear(&q->page);
    buf_clear(&q->pk);
    buf_clear(&q->lo);
    buf_clear(&q->hi);
    ddb_read_clear(&q->r);
}

static int check_members(struct call *c, struct query *q)
{
    struct ddb_errors e;
    bool is_forward;
    ddb_errors_init(&e);
    if (ddb_input_bool(c, c->input, "ScanIndexForward", &is_forward) < 0 ||
        ddb_read_check_members(c, &q->r, &e) < 0) {
        ddb_errors_clear(&e);
        return -1;
    }
    /* Absent means forward. */
    const cJSON *forward = json_get(c->input, "ScanIndexForward");
    q->is_backward = cJSON_IsBool(forward) && !is_forward;
    return ddb_errors_report(c, &e);
}

/* Splits the key condition for the table's key and checks its operands
 * against the declared key types. */
static int split_key_condition(struct call *c, struct query *q)
{
    const struct query_keys def = keys_of(q);
    const struct ddb_key_condition *kc = &q->kc;
    char err[1024];
    if (ddb_expr_key_condition(q->r.exprs.key_condition, def.hash_name,
                               def.range_name, &q->kc, err, sizeof err) < 0)
        return call_fail(c, AWS_ERR_VALIDATION, "%s", err);
    bool is_typed =
        ddb_value_type(kc->hash_value) == def.hash_type &&
        (kc->op == DDB_KEY_NONE ||
         (ddb_value_type(kc->range_lo) == def.range_type &&
          (kc->range_hi == NULL ||
           ddb_value_type(kc->range_hi) == def.range_type)));
    if (!is_typed)
        return call_fail(c, AWS_ERR_VALIDATION, "One or more parameter "
                         "values were invalid: Condition parameter type does "
                         "not match schema type");
    return 0;
}

static struct store_ddb_bound bound_of(const struct buf *b, bool is_inclusive)
{
    return (struct store_ddb_bound){ .key = b->data ? b->data : "",
                                     .len = b->len,
                                     .is_inclusive = is_inclusive };
}

/* Turns a prefix into the smallest key above every key it starts: the
 * prefix with trailing 0xFF bytes dropped and its last byte incremented.
 * False when no such key exists (the prefix is empty or all 0xFF). */
static bool prefix_successor(struct buf *b)
{
    while (b->len > 0 && (unsigned char)b->data[b->len - 1] == 0xFF)
        b->len--;
    if (b->len == 0)
        return false;
    b->data[b->len - 1]++;
    b->data[b->len] = '\0';
    return true;
}

/* The partition and the sort key bounds of the key condition. Operands
 * were normalized when the expression values were read, so they encode. */
static int set_partition(struct call *c, struct query *q)
{
    const struct ddb_key_condition *kc = &q->kc;
    struct store_ddb_partition *p = &q->part;
    if (ddb_key_encode(kc->hash_value, &q->pk) < 0 ||
        (kc->range_lo && ddb_key_encode(kc->range_lo, &q->lo) < 0) ||
        (kc->range_hi && ddb_key_encode(kc->range_hi, &q->hi) < 0))
        return call_fail(c, AWS_ERR_VALIDATION, "One or more parameter "
                         "values were invalid: Condition parameter type does "
                         "not match schema type");
    p->table = q->r.def->id;
    p->pk = q->pk.data;
    p->pk_len = q->pk.len;
    p->hash = ddb_key_hash(q->pk.data, q->pk.len);
    p->is_backward = q->is_backward;
    switch (kc->op) {
    case DDB_KEY_NONE:
        break;
    case DDB_KEY_EQ:
        p->lo = bound_of(&q->lo, true);
        p->hi = bound_of(&q->lo, true);
        break;
    case DDB_KEY_LT:
    case DDB_KEY_LE:
        p->hi = bound_of(&q->lo, kc->op == DDB_KEY_LE);
        break;
    case DDB_KEY_GT:
    case DDB_KEY_GE:
        p->lo = bound_of(&q->lo, kc->op == DDB_KEY_GE);
        break;
    case DDB_KEY_BETWEEN:
        p->lo = bound_of(&q->lo, true);
        p->hi = bound_of(&q->hi, true);
        break;
    case DDB_KEY_BEGINS_WITH:
        p->lo = bound_of(&q->lo, true);
        buf_append(&q->hi, q->lo.data, q->lo.len);
        if (prefix_successor(&q->hi))
            p->hi = bound_of(&q->hi, false);
        break;
    }
    return 0;
}

/* Orders encoded keys as SQLite orders blobs: memcmp, then length. */
static int key_compare(const void *a, size_t alen, const void *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int cmp = n ? memcmp(a, b, n) : 0;
    if (cmp != 0)
        return cmp;
    return alen < blen ? -1 : alen > blen;
}

static bool is_within(const struct store_ddb_partition *p, const void *sk,
                      size_t len)
{
    if (p->lo.key) {
        int cmp = key_compare(sk, len, p->lo.key, p->lo.len);
        if (cmp < 0 || (cmp == 0 && !p->lo.is_inclusive))
            return false;
    }
    if (p->hi.key) {
        int cmp = key_compare(sk, len, p->hi.key, p->hi.len);
        if (cmp > 0 || (cmp == 0 && !p->hi.is_inclusive))
            return false;
    }
    return true;
}

/* Checks ExclusiveStartKey against the key condition and resumes after it:
 * a forward read starts above its sort key, a backward one below. The
 * messages and their order are those of dynalite's tests against AWS. */
static int apply_start(struct call *c, struct query *q)
{
    if (q->r.start == NULL)
        return 0;
    struct store_ddb_key start = ddb_key_store(q->r.index
                                                   ? &q->r.start_index_key
                                                   : &q->r.start_key);
    bool is_same_partition = start.pk_len == q->pk.len &&
                             memcmp(start.pk, q->pk.data, q->pk.len) == 0;
    if (q->kc.op == DDB_KEY_NONE && !is_same_partition)
        return call_fail(c, AWS_ERR_VALIDATION, "The provided starting key "
                         "is outside query boundaries based on provided "
                         "conditions");
    if (!is_within(&q->part, start.sk, start.sk_len))
        return call_fail(c, AWS_ERR_VALIDATION, "The provided starting key "
                         "does not match the range key predicate");
    if (!is_same_partition)
        return call_fail(c, AWS_ERR_VALIDATION, "The query can return at "
                         "most one row and cannot be restarted");
    if (q->r.index) {
        /* Index keys need not be unique: resume after the base key too. */
        struct store_ddb_key base = ddb_key_store(&q->r.start_key);
        q->after = (struct store_ddb_index_after){
            .sk = start.sk, .sk_len = start.sk_len, .base_pk = base.pk,
            .base_pk_len = base.pk_len, .base_sk = base.sk,
            .base_sk_len = base.sk_len };
        q->has_after = true;
        return 0;
    }
    struct store_ddb_bound after = { .key = start.sk ? start.sk : "",
                                     .len = start.sk_len,
                                     .is_inclusive = false };
    if (q->is_backward)
        q->part.hi = after;
    else
        q->part.lo = after;
    return 0;
}

/* AWS refuses a Query filter on a key attribute, nested paths included,
 * naming the QueryFilter when the filter was one. */
static int check_filter(struct call *c, struct query *q)
{
    const struct query_keys def = keys_of(q);
    const char *names[2] = { def.hash_name, def.range_name };
    bool is_legacy = q->r.legacy & DDB_LEGACY_USED_FILTER;
    for (size_t i = 0; i < 2 && q->r.exprs.filter && names[i]; i++) {
        if (ddb_expr_uses_attribute(q->r.exprs.filter, names[i]))
            return call_fail(c, AWS_ERR_VALIDATION, "%s can only contain "
                             "non-primary key attributes: Primary key "
                             "attribute: %s",
                             is_legacy ? "QueryFilter" : "Filter Expression",
                             names[i]);
    }
    return 0;
}

static int decode(struct call *c, struct query *q)
{
    if (check_members(c, q) < 0 ||
        ddb_read_prepare(c, &q->r, DDB_LEGACY_QUERY) < 0)
        return -1;
    const cJSON *kce = json_get(c->input, "KeyConditionExpression");
    if (kce == NULL || cJSON_IsNull(kce))
        return call_fail(c, AWS_ERR_VALIDATION, "Either the KeyConditions or "
                         "KeyConditionExpression parameter must be specified "
                         "in the request.");
    if (ddb_exprs_compile(c, DDB_EXPRS_KEY_CONDITION | DDB_EXPRS_FILTER |
                                 DDB_EXPRS_PROJECTION,
                          &q->r.exprs) < 0 ||
        split_key_condition(c, q) < 0 || set_partition(c, q) < 0 ||
        ddb_read_start_key(c, &q->r) < 0 || apply_start(c, q) < 0)
        return -1;
    return check_filter(c, q);
}

static enum store_result query_in_store(struct store_tx *tx, void *arg)
{
    struct query *q = arg;
    ddb_page_reset(&q->page);
    if (q->r.index) {
        struct store_ddb_index_partition ip = {
            .part = q->part, .index = q->r.index->name,
            .after = q->has_after ? &q->after : NULL,
            .is_fetch = ddb_read_is_fetch(&q->r) };
        return store_ddb_index_partition_each(tx, &ip, ddb_page_row,
                                              &q->page);
    }
    return store_ddb_partition_each(tx, &q->part, ddb_page_row, &q->page);
}

int ddb_query(struct call *c)
{
    struct query q;
    query_init(&q);
    int rc = decode(c, &q);
    if (rc == 0) {
        enum store_result res = store_read(c->emu->store, query_in_store, &q);
        rc = ddb_page_reply(c, &q.page, res);
    }
    query_clear(&q);
    return rc;
}
