/* Query and Scan's shared decoding and page building; see ddb_read.h. */
#include "dynamodb/ddb_read.h"

#include "base/json.h"
#include "dynamodb/ddb_catalog.h"
#include "dynamodb/ddb_expr.h"
#include "dynamodb/ddb_index.h"
#include "dynamodb/ddb_input.h"
#include "http/call.h"
#include "state.h"
#include "store/store_ddb_range.h"

#include <stdio.h>
#include <string.h>

/* AWS's wording when a start key's attributes are of the wrong types. */
#define SCHEMA_MISMATCH "The provided key element does not match the schema"

static const char *const select_values[] = {
    "SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES",
    "ALL_PROJECTED_ATTRIBUTES", NULL };

void ddb_read_init(struct ddb_read *r, bool is_query)
{
    memset(r, 0, sizeof *r);
    r->is_query = is_query;
    buf_init(&r->start_key.enc, 0);
    buf_init(&r->start_index_key.enc, 0);
}

void ddb_read_clear(struct ddb_read *r)
{
    ddb_table_def_release(r->def);
    ddb_exprs_clear(&r->exprs);
    ddb_key_clear(&r->start_key);
    ddb_key_clear(&r->start_index_key);
    r->def = NULL;
    r->index = NULL;
}

static bool is_given(const struct call *c, const char *member)
{
    const cJSON *v = json_get(c->input, member);
    return v != NULL && !cJSON_IsNull(v);
}

static bool is_all_attributes(const struct ddb_read *r)
{
    return r->select && strcmp(r->select, "ALL_ATTRIBUTES") == 0;
}

static bool is_select_value(const char *select)
{
    for (size_t i = 0; select_values[i]; i++) {
        if (strcmp(select, select_values[i]) == 0)
            return true;
    }
    return false;
}

/* The Select rule the request breaks, written to out, or NULL. A
 * projection conflict is reported before a missing index, as AWS does. */
static const char *select_rule(const struct call *c, const struct ddb_read *r,
                               char *out, size_t outlen)
{
    const char *given = is_given(c, "ProjectionExpression")
                            ? "ProjectionExpression"
                        : is_given(c, "AttributesToGet") ? "AttributesToGet"
                                                         : NULL;
    if (r->select == NULL || !is_select_value(r->select))
        return NULL;
    if (strcmp(r->select, "SPECIFIC_ATTRIBUTES") == 0)
        return given ? NULL : "Must specify the AttributesToGet or "
                              "ProjectionExpression when choosing to get "
                              "SPECIFIC_ATTRIBUTES";
    if (given) {
        snprintf(out, outlen, "Cannot specify the %s when choosing to get %s",
                 given, strcmp(r->select, "COUNT") == 0 ? "only the Count"
                                                        : r->select);
        return out;
    }
    if (strcmp(r->select, "ALL_PROJECTED_ATTRIBUTES") == 0 &&
        r->index_name == NULL)
        return "ALL_PROJECTED_ATTRIBUTES can be used only when Querying "
               "using an IndexName";
    return NULL;
}

int ddb_read_check_members(struct call *c, struct ddb_read *r,
                           struct ddb_errors *e)
{
    const char *name;
    long long limit;
    bool has_limit;
    bool is_consistent;
    char rule[256];
    if (ddb_input_string(c, c->input, "TableName", &name) < 0 ||
        ddb_input_string(c, c->input, "IndexName", &r->index_name) < 0 ||
        ddb_input_string(c, c->input, "Select", &r->select) < 0 ||
        ddb_input_integer(c, c->input, "Limit", &limit, &has_limit) < 0 ||
        ddb_input_bool(c, c->input, "ConsistentRead", &is_consistent) < 0 ||
        ddb_capacity_read(c, c->input, e, &r->capacity) < 0)
        return -1;
    r->is_consistent = is_consistent;
    ddb_input_check_name(e, name, "tableName");
    if (r->index_name)
        ddb_input_check_name(e, r->index_name, "indexName");
    if (has_limit && limit < 1) {
        char shown[32];
        snprintf(shown, sizeof shown, "%lld", limit);
        ddb_errors_add(e, shown, "limit", "Member must have value greater "
                       "than or equal to 1");
    }
    r->limit = has_limit && limit > 0 ? limit : 0;
    ddb_input_check_enum(e, r->select, "select", select_values);
    r->is_count = r->select && strcmp(r->select, "COUNT") == 0;
    /* Query lists the Select rules with the constraint violations ("1
     * validation error detected: Cannot specify ..."); Scan reports them
     * bare. Both verified against AWS (moto's aws_verified select tests). */
    const char *broken = r->is_query ? select_rule(c, r, rule, sizeof rule)
                                     : NULL;
    if (broken)
        ddb_errors_add_message(e, broken);
    return 0;
}

int ddb_read_check_select(struct call *c, struct ddb_read *r)
{
    char rule[256];
    const char *broken = select_rule(c, r, rule, sizeof rule);
    if (broken)
        return call_fail(c, AWS_ERR_VALIDATION, "%s", broken);
    return 0;
}

int ddb_read_prepare(struct call *c, struct ddb_read *r,
                     enum ddb_legacy_op op)
{
    const char *name = json_get_string(c->input, "TableName");
    r->def = ddb_catalog_find(c->emu->catalog, name);
    if (r->def == NULL)
        return call_fail(c, AWS_ERR_RESOURCE_NOT_FOUND,
                         "Requested resource not found");
    if (ddb_legacy_rewrite(c, c->input, op, &r->legacy) < 0)
        return -1;
    if (r->index_name == NULL)
        return 0;
    r->index = ddb_table_def_index(r->def, r->index_name);
    /* AWS's order (dynalite's tests): a start key against an unknown index
     * is reported as the start key's fault. */
    if (r->index == NULL && is_given(c, "ExclusiveStartKey"))
        return call_fail(c, AWS_ERR_VALIDATION,
                         "The provided starting key is invalid");
    if (r->index == NULL)
        return call_fail(c, AWS_ERR_VALIDATION, "The table does not have "
                         "the specified index: %s", r->index_name);
    if (!r->index->is_local && r->is_consistent)
        return call_fail(c, AWS_ERR_VALIDATION, "Consistent reads are not "
                         "supported on global secondary indexes");
    if (!r->index->is_local && is_all_attributes(r) &&
        r->index->projection != DDB_PROJECTION_ALL)
        return call_fail(c, AWS_ERR_VALIDATION, "One or more parameter "
                         "values were invalid: Select type ALL_ATTRIBUTES "
                         "is not supported for global secondary index %s "
                         "because its projection type is not ALL",
                         r->index->name);
    return 0;
}

bool ddb_read_is_fetch(const struct ddb_read *r)
{
    const struct ddb_index_def *idx = r->index;
    if (idx == NULL || !idx->is_local || idx->projection == DDB_PROJECTION_ALL)
        return false;
    return is_all_attributes(r) || r->exprs.projection || r->exprs.filter;
}

/* An index start key: exactly the table's and the index's key attributes,
 * the index's typed as declared; then the table's key as for a table. The
 * wording is dynalite's, from AWS. */
static int index_start_key(struct call *c, struct ddb_read *r, cJSON *start)
{
    const struct ddb_table_def *def = r->def;
    const struct ddb_index_def *idx = r->index;
    const char *names[4] = { def->hash_name, def->range_name, idx->hash_name,
                             idx->range_name };
    char err[1024];
    int n = 0;
    for (int i = 0; i < 4; i++) {
        bool is_repeat = false;
        for (int j = 0; j < i; j++)
            is_repeat |= names[i] && names[j] && !strcmp(names[i], names[j]);
        n += names[i] && !is_repeat;
    }
    cJSON *av;
    cJSON_ArrayForEach(av, start) {
        if (cJSON_GetArraySize(start) == n &&
            ddb_value_normalize(av, 0, err, sizeof err) < 0)
            return call_fail(c, AWS_ERR_VALIDATION, "The provided starting "
                             "key is invalid: %s", err);
    }
    if (cJSON_GetArraySize(start) != n ||
        ddb_index_key(idx, start, &r->start_index_key) == 0)
        return call_fail(c, AWS_ERR_VALIDATION,
                         "The provided starting key is invalid");
    cJSON *table_key = cJSON_CreateObject();
    for (int i = 0; i < 2; i++) {
        const cJSON *v = names[i] ? json_get(start, names[i]) : NULL;
        if (v)
            cJSON_AddItemToObject(table_key, names[i],
                                  cJSON_Duplicate(v, true));
    }
    int rc = ddb_key_from_map(def, table_key, &r->start_key, err, sizeof err);
    cJSON_Delete(table_key);
    if (rc < 0)
        return call_fail(c, AWS_ERR_VALIDATION, "The provided starting key "
                         "is invalid: %s", err);
    return 0;
}

/* Whether start holds exactly the table's key attributes, by name. */
static bool has_key_names(const struct ddb_table_def *def, const cJSON *start)
{
    int expected = def->range_name ? 2 : 1;
    return cJSON_GetArraySize(start) == expected &&
           json_get(start, def->hash_name) != NULL &&
           (def->range_name == NULL || json_get(start, def->range_name));
}

int ddb_read_start_key(struct call *c, struct ddb_read *r)
{
    const cJSON *start;
    char err[1024];
    if (ddb_input_object(c, c->input, "ExclusiveStartKey", &start) < 0)
        return -1;
    if (start == NULL)
        return 0;
    r->start = start;
    if (r->index)
        return index_start_key(c, r, (cJSON *)start);
    bool is_named = has_key_names(r->def, start);
    /* The request body is the call's; key values are normalized in place. */
    int rc = is_named ? ddb_key_from_map(r->def, (cJSON *)start,
                                         &r->start_key, err, sizeof err)
                      : -1;
    if (rc == 0)
        return 0;
    /* Scan words every bad start key the same way; Query tells a key of
     * other attributes from one of other types (dynalite's tests, which
     * were run against AWS). */
    if (!r->is_query)
        return call_fail(c, AWS_ERR_VALIDATION, "The provided starting key "
                         "is invalid: " SCHEMA_MISMATCH);
    if (!is_named)
        return call_fail(c, AWS_ERR_VALIDATION,
                         "The provided starting key is invalid");
    if (strcmp(err, SCHEMA_MISMATCH) == 0)
        return call_fail(c, AWS_ERR_VALIDATION, "%s", err);
    return call_fail(c, AWS_ERR_VALIDATION, "The provided starting key is "
                     "invalid: %s", err);
}

void ddb_page_init(struct ddb_page *p, const struct ddb_read *r)
{
    memset(p, 0, sizeof *p);
    p->r = r;
    buf_init(&p->items, 0);
    buf_init(&p->last, 0);
}

void ddb_page_reset(struct ddb_page *p)
{
    buf_reset(&p->items);
    buf_reset(&p->last);
    p->count = 0;
    p->scanned = 0;
    p->bytes = 0;
    p->is_truncated = false;
    p->is_corrupt = false;
    p->err[0] = '\0';
}

void ddb_page_clear(struct ddb_page *p)
{
    buf_clear(&p->items);
    buf_clear(&p->last);
}

/* Whether a fetched base item is cut back to the index's attributes:
 * reading an LSI for its filter, AWS still returns what the index holds. */
static bool is_trim(const struct ddb_read *r)
{
    return r->index && !is_all_attributes(r) && r->exprs.projection == NULL &&
           ddb_read_is_fetch(r);
}

/* Appends a matching item: its stored JSON as it is, or its projection. */
static void add_item(struct ddb_page *p, const cJSON *item,
                     const struct store_ddb_row *row)
{
    if (p->count > 1)
        buf_putc(&p->items, ',');
    if (is_trim(p->r)) {
        cJSON *trimmed = ddb_index_project(p->r->def, p->r->index, item);
        json_write(&p->items, trimmed);
        cJSON_Delete(trimmed);
        return;
    }
    if (p->r->exprs.projection == NULL) {
        buf_append(&p->items, row->item, row->item_len);
        return;
    }
    cJSON *projected = ddb_expr_project(p->r->exprs.projection, item);
    json_write(&p->items, projected);
    cJSON_Delete(projected);
}

int ddb_page_row(const struct store_ddb_row *row, void *arg)
{
    struct ddb_page *p = arg;
    const struct ddb_read *r = p->r;
    const struct ddb_exprs *x = &r->exprs;
    bool is_match = true;
    cJSON *item = NULL;
    p->scanned++;
    p->bytes += row->size;
    buf_reset(&p->last);
    buf_append(&p->last, row->item, row->item_len);
    if (x->filter || ((x->projection || is_trim(r)) && !r->is_count)) {
        item = json_parse(row->item, row->item_len);
        if (item == NULL) {
            p->is_corrupt = true;
            return -1;
        }
    }
    if (x->filter &&
        ddb_expr_test(x->filter, item, &is_match, p->err, sizeof p->err) < 0) {
        cJSON_Delete(item);
        return -1;
    }
    if (is_match) {
        p->count++;
        if (!r->is_count)
            add_item(p, item, row);
    }
    cJSON_Delete(item);
    /* Limit and the page size both count items evaluated, matched or not;
     * the item that reaches the size limit still belongs to the page. */
    if ((r->limit && p->scanned >= r->limit) ||
        p->bytes >= DDB_READ_MAX_PAGE_BYTES) {
        p->is_truncated = true;
        return 1;
    }
    return 0;
}

/* The key attributes of the last evaluated item, or NULL if it does not
 * parse. */
static cJSON *last_key(const struct ddb_page *p)
{
    const struct ddb_table_def *def = p->r->def;
    cJSON *item = json_parse(p->last.data, p->last.len);
    if (item == NULL)
        return NULL;
    cJSON *key = cJSON_CreateObject();
    const struct ddb_index_def *idx = p->r->index;
    /* Reading an index, its keys and the table's (AWS: "the index key
     * attributes and the table key attributes"). */
    const char *names[4] = { def->hash_name, def->range_name,
                             idx ? idx->hash_name : NULL,
                             idx ? idx->range_name : NULL };
    for (size_t i = 0; i < 4; i++) {
        const cJSON *v = names[i] ? json_get(item, names[i]) : NULL;
        if (v && json_get(key, names[i]) == NULL)
            cJSON_AddItemToObject(key, names[i], cJSON_Duplicate(v, true));
    }
    cJSON_Delete(item);
    return key;
}

/* ConsumedCapacity, when asked: Query and Scan round the total size of
 * the items they evaluated, not each item (developer guide, "Read/write
 * capacity mode"). */
static void add_capacity(struct buf *out, const struct ddb_page *p)
{
    const struct ddb_read *r = p->r;
    if (r->capacity == DDB_CAPACITY_NONE)
        return;
    struct ddb_consumed u = {
        .table = r->def->name,
        .read_units = ddb_capacity_read_units(p->bytes, r->is_consistent),
        .index = r->index ? r->index->name : NULL,
        .is_local_index = r->index && r->index->is_local,
    };
    cJSON *cc = ddb_capacity_json(r->capacity, &u);
    buf_puts(out, ",\"ConsumedCapacity\":");
    json_write(out, cc);
    cJSON_Delete(cc);
}

int ddb_page_reply(struct call *c, struct ddb_page *p, enum store_result res)
{
    struct buf *out = &c->out;
    if (res == STORE_ABORT && !p->is_corrupt)
        return call_fail(c, AWS_ERR_VALIDATION, "%s", p->err);
    if (res != STORE_OK)
        return call_fail(c, AWS_ERR_INTERNAL, "Internal server error");
    buf_reset(out);
    buf_printf(out, "{\"Count\":%lld", p->count);
    if (!p->r->is_count) {
        buf_puts(out, ",\"Items\":[");
        buf_append(out, p->items.data, p->items.len);
        buf_putc(out, ']');
    }
    if (p->is_truncated) {
        cJSON *key = last_key(p);
        if (key == NULL)
            return call_fail(c, AWS_ERR_INTERNAL, "Internal server error");
        buf_puts(out, ",\"LastEvaluatedKey\":");
        json_write(out, key);
        cJSON_Delete(key);
    }
    buf_printf(out, ",\"ScannedCount\":%lld", p->scanned);
    add_capacity(out, p);
    buf_putc(out, '}');
    if (buf_failed(out) || buf_failed(&p->items))
        return call_fail(c, AWS_ERR_INTERNAL, "Response too large");
    return 0;
}
