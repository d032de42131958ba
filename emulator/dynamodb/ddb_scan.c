/* Scan: the whole table in storage order (partition hash, then partition
 * key, then sort key), or one parallel-scan segment of it. Segment i of T
 * covers the partition hashes [i * 2^32 / T, (i + 1) * 2^32 / T), so the
 * segments split the table exactly, each item in one of them, and an
 * ExclusiveStartKey resumes after that item's stored key. The page itself
 * is ddb_read's. */
#include "dynamodb/ddb_query.h"

#include "dynamodb/ddb_catalog.h"
#include "dynamodb/ddb_input.h"
#include "dynamodb/ddb_read.h"
#include "http/call.h"
#include "state.h"
#include "store/store_ddb_range.h"

#include <stdio.h>
#include <string.h>

/* The bounds of TotalSegments and Segment (DynamoDB API Reference, Scan:
 * "Valid Range: Minimum value of 1. Maximum value of 1000000" and "Minimum
 * value of 0. Maximum value of 999999"). */
#define DDB_SCAN_MAX_TOTAL_SEGMENTS 1000000
#define DDB_SCAN_MAX_SEGMENT 999999

struct scan {
    struct ddb_read r;
    long long segment;
    long long total;   /* 1 for a whole-table scan */
    uint32_t hash_lo;  /* the segment's partition hashes, inclusive */
    uint32_t hash_hi;
    struct ddb_page page;
};

static void add_range_error(struct ddb_errors *e, long long v,
                            const char *path, long long min, long long max)
{
    char shown[32];
    char rule[96];
    snprintf(shown, sizeof shown, "%lld", v);
    if (v < min)
        snprintf(rule, sizeof rule, "Member must have value greater than or "
                 "equal to %lld", min);
    else
        snprintf(rule, sizeof rule, "Member must have value less than or "
                 "equal to %lld", max);
    ddb_errors_add(e, shown, path, rule);
}

/* The constraint violations, then AWS's own Segment rules. */
static int check_segments(struct call *c, struct scan *s, struct ddb_errors *e)
{
    bool has_segment;
    bool has_total;
    if (ddb_input_integer(c, c->input, "Segment", &s->segment,
                          &has_segment) < 0 ||
        ddb_input_integer(c, c->input, "TotalSegments", &s->total,
                          &has_total) < 0) {
        ddb_errors_clear(e);
        return -1;
    }
    if (has_segment &&
        (s->segment < 0 || s->segment > DDB_SCAN_MAX_SEGMENT))
        add_range_error(e, s->segment, "segment", 0, DDB_SCAN_MAX_SEGMENT);
    if (has_total && (s->total < 1 || s->total > DDB_SCAN_MAX_TOTAL_SEGMENTS))
        add_range_error(e, s->total, "totalSegments", 1,
                        DDB_SCAN_MAX_TOTAL_SEGMENTS);
    if (ddb_errors_report(c, e) < 0)
        return -1;
    if (has_segment && !has_total)
        return call_fail(c, AWS_ERR_VALIDATION, "The TotalSegments parameter "
                         "is required but was not present in the request "
                         "when Segment parameter is present");
    if (has_total && !has_segment)
        return call_fail(c, AWS_ERR_VALIDATION, "The Segment parameter is "
                         "required but was not present in the request when "
                         "parameter TotalSegments is present");
    if (has_total && s->segment >= s->total)
        return call_fail(c, AWS_ERR_VALIDATION, "The Segment parameter is "
                         "zero-based and must be less than parameter "
                         "TotalSegments: Segment: %lld is not less than "
                         "TotalSegments: %lld", s->segment, s->total);
    if (!has_total) {
        s->segment = 0;
        s->total = 1;
    }
    uint64_t span = (uint64_t)1 << 32;
    uint64_t lo = (uint64_t)s->segment * span / (uint64_t)s->total;
    uint64_t end = ((uint64_t)s->segment + 1) * span / (uint64_t)s->total;
    s->hash_lo = (uint32_t)lo;
    s->hash_hi = (uint32_t)(end - 1);
    return 0;
}

static int decode(struct call *c, struct scan *s)
{
    struct ddb_errors e;
    ddb_errors_init(&e);
    if (ddb_read_check_members(c, &s->r, &e) < 0) {
        ddb_errors_clear(&e);
        return -1;
    }
    if (check_segments(c, s, &e) < 0 || ddb_read_check_select(c, &s->r) < 0 ||
        ddb_read_prepare(c, &s->r, DDB_LEGACY_SCAN) < 0 ||
        ddb_exprs_compile(c, DDB_EXPRS_FILTER | DDB_EXPRS_PROJECTION,
                          &s->r.exprs) < 0)
        return -1;
    return ddb_read_start_key(c, &s->r);
}

static enum store_result scan_in_store(struct store_tx *tx, void *arg)
{
    struct scan *s = arg;
    struct store_ddb_key after = { 0 };
    if (s->r.start)
        after = ddb_key_store(&s->r.start_key);
    ddb_page_reset(&s->page);
    if (s->r.index) {
        struct store_ddb_key after_index = { 0 };
        if (s->r.start)
            after_index = ddb_key_store(&s->r.start_index_key);
        struct store_ddb_index_scan is = {
            .table = s->r.def->id, .index = s->r.index->name,
            .hash_lo = s->hash_lo, .hash_hi = s->hash_hi,
            .after_key = s->r.start ? &after_index : NULL,
            .after_base = s->r.start ? &after : NULL,
            .is_fetch = ddb_read_is_fetch(&s->r) };
        return store_ddb_index_scan_each(tx, &is, ddb_page_row, &s->page);
    }
    return store_ddb_table_scan(tx, s->r.def->id, s->hash_lo, s->hash_hi,
                                s->r.start ? &after : NULL, ddb_page_row,
                                &s->page);
}

int ddb_scan(struct call *c)
{
    struct scan s;
    memset(&s, 0, sizeof s);
    ddb_read_init(&s.r, false);
    ddb_page_init(&s.page, &s.r);
    int rc = decode(c, &s);
    if (rc == 0) {
        enum store_result res = store_read(c->emu->store, scan_in_store, &s);
        rc = ddb_page_reply(c, &s.page, res);
    }
    ddb_page_clear(&s.page);
    ddb_read_clear(&s.r);
    return rc;
}
