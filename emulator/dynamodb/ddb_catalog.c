/* Table definitions by name; see ddb_catalog.h. A sorted array with binary
 * search: accounts hold at most a few thousand tables (AWS's default quota is
 * 2,500 per region), and ListTables wants them in name order anyway. */
#include "dynamodb/ddb_catalog.h"

#include "base/json.h"
#include "base/mem.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct ddb_catalog {
    pthread_rwlock_t lock;
    struct ddb_table_def **defs; /* sorted by name; each holds a reference */
    size_t n;
    size_t cap;
};

struct ddb_catalog *ddb_catalog_new(void)
{
    struct ddb_catalog *cat = xcalloc(1, sizeof *cat);
    pthread_rwlock_init(&cat->lock, NULL);
    return cat;
}

void ddb_catalog_free(struct ddb_catalog *cat)
{
    if (cat == NULL)
        return;
    ddb_catalog_clear(cat);
    free(cat->defs);
    pthread_rwlock_destroy(&cat->lock);
    free(cat);
}

/* The declared type of an attribute, from AttributeDefinitions. */
static enum ddb_type attribute_type(const cJSON *attrs, const char *name)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, attrs) {
        const char *aname = json_get_string(a, "AttributeName");
        if (name && aname && strcmp(name, aname) == 0)
            return ddb_type_parse(json_get_string(a, "AttributeType"));
    }
    return DDB_TYPE_INVALID;
}

/* The names and types of a KeySchema's HASH and RANGE elements. */
struct key_names {
    char **hash_name;
    enum ddb_type *hash_type;
    char **range_name;
    enum ddb_type *range_type;
};

static int read_keys(const cJSON *schema, const cJSON *attrs,
                     struct key_names out)
{
    const cJSON *el;
    cJSON_ArrayForEach(el, schema) {
        const char *name = json_get_string(el, "AttributeName");
        const char *kind = json_get_string(el, "KeyType");
        enum ddb_type type = attribute_type(attrs, name);
        if (name == NULL || kind == NULL || type == DDB_TYPE_INVALID)
            return -1;
        if (strcmp(kind, "HASH") == 0 && *out.hash_name == NULL) {
            *out.hash_name = xstrdup(name);
            *out.hash_type = type;
        } else if (*out.range_name == NULL) {
            *out.range_name = xstrdup(name);
            *out.range_type = type;
        }
    }
    return *out.hash_name ? 0 : -1;
}

/* Reads the table's key schema, and its types from AttributeDefinitions. */
static int read_key_schema(struct ddb_table_def *def)
{
    struct key_names out = { &def->hash_name, &def->hash_type,
                             &def->range_name, &def->range_type };
    return read_keys(json_get(def->desc, "KeySchema"),
                     json_get(def->desc, "AttributeDefinitions"), out);
}

static int read_index(struct ddb_index_def *idx, const cJSON *desc,
                      const cJSON *attrs, bool is_local)
{
    const char *name = json_get_string(desc, "IndexName");
    const cJSON *projection = json_get(desc, "Projection");
    const char *type = json_get_string(projection, "ProjectionType");
    const cJSON *non_key = json_get(projection, "NonKeyAttributes");
    struct key_names out = { &idx->hash_name, &idx->hash_type,
                             &idx->range_name, &idx->range_type };
    idx->is_local = is_local;
    idx->name = xstrdup(name ? name : "");
    if (name == NULL || read_keys(json_get(desc, "KeySchema"), attrs, out) < 0)
        return -1;
    idx->projection = type == NULL || strcmp(type, "ALL") == 0
                          ? DDB_PROJECTION_ALL
                      : strcmp(type, "KEYS_ONLY") == 0
                          ? DDB_PROJECTION_KEYS_ONLY
                          : DDB_PROJECTION_INCLUDE;
    int n = cJSON_GetArraySize(non_key);
    idx->non_key = xcalloc(n > 0 ? (size_t)n : 1, sizeof *idx->non_key);
    const cJSON *el;
    cJSON_ArrayForEach(el, non_key) {
        if (cJSON_IsString(el))
            idx->non_key[idx->n_non_key++] = xstrdup(el->valuestring);
    }
    return 0;
}

static int compare_indexes(const void *a, const void *b)
{
    const struct ddb_index_def *x = a;
    const struct ddb_index_def *y = b;
    return strcmp(x->name, y->name);
}

/* Reads GlobalSecondaryIndexes and LocalSecondaryIndexes, sorted by name
 * (AWS reports the first offending index in that order). */
static int read_indexes(struct ddb_table_def *def)
{
    const cJSON *attrs = json_get(def->desc, "AttributeDefinitions");
    const cJSON *lists[2] = { json_get(def->desc, "GlobalSecondaryIndexes"),
                              json_get(def->desc, "LocalSecondaryIndexes") };
    size_t n = (size_t)cJSON_GetArraySize(lists[0]) +
               (size_t)cJSON_GetArraySize(lists[1]);
    if (n == 0)
        return 0;
    def->indexes = xcalloc(n, sizeof *def->indexes);
    for (int i = 0; i < 2; i++) {
        const cJSON *el;
        cJSON_ArrayForEach(el, lists[i]) {
            struct ddb_index_def *idx = &def->indexes[def->n_indexes++];
            if (read_index(idx, el, attrs, i == 1) < 0)
                return -1;
            def->has_local |= idx->is_local;
        }
    }
    qsort(def->indexes, def->n_indexes, sizeof *def->indexes,
          compare_indexes);
    return 0;
}

const struct ddb_index_def *ddb_table_def_index(const struct ddb_table_def *def,
                                                const char *name)
{
    for (size_t i = 0; i < def->n_indexes; i++) {
        if (strcmp(def->indexes[i].name, name) == 0)
            return &def->indexes[i];
    }
    return NULL;
}

bool ddb_index_def_projects(const struct ddb_table_def *def,
                            const struct ddb_index_def *idx, const char *name)
{
    if (idx->projection == DDB_PROJECTION_ALL ||
        strcmp(name, def->hash_name) == 0 ||
        (def->range_name && strcmp(name, def->range_name) == 0) ||
        strcmp(name, idx->hash_name) == 0 ||
        (idx->range_name && strcmp(name, idx->range_name) == 0))
        return true;
    for (size_t i = 0; i < idx->n_non_key; i++) {
        if (strcmp(idx->non_key[i], name) == 0)
            return true;
    }
    return false;
}

static void free_indexes(struct ddb_table_def *def)
{
    for (size_t i = 0; i < def->n_indexes; i++) {
        struct ddb_index_def *idx = &def->indexes[i];
        free(idx->name);
        free(idx->hash_name);
        free(idx->range_name);
        for (size_t j = 0; j < idx->n_non_key; j++)
            free(idx->non_key[j]);
        free(idx->non_key);
    }
    free(def->indexes);
}

struct ddb_table_def *ddb_table_def_new(int64_t id, cJSON *desc)
{
    struct ddb_table_def *def = xcalloc(1, sizeof *def);
    def->refs = 1;
    def->id = id;
    def->desc = desc;
    const char *name = json_get_string(desc, "TableName");
    def->name = xstrdup(name ? name : "");
    if (name == NULL || read_key_schema(def) < 0 || read_indexes(def) < 0) {
        ddb_table_def_release(def);
        return NULL;
    }
    return def;
}

void ddb_table_def_retain(struct ddb_table_def *def)
{
    __atomic_add_fetch(&def->refs, 1, __ATOMIC_RELAXED);
}

void ddb_table_def_release(struct ddb_table_def *def)
{
    if (def == NULL || __atomic_sub_fetch(&def->refs, 1, __ATOMIC_ACQ_REL))
        return;
    free(def->name);
    free(def->hash_name);
    free(def->range_name);
    free_indexes(def);
    cJSON_Delete(def->desc);
    free(def);
}

/* Index of name, or of where it would go; *found tells which. */
static size_t search(const struct ddb_catalog *cat, const char *name,
                     bool *found)
{
    size_t lo = 0;
    size_t hi = cat->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(cat->defs[mid]->name, name);
        if (cmp == 0) {
            *found = true;
            return mid;
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

struct ddb_table_def *ddb_catalog_find(struct ddb_catalog *cat,
                                       const char *name)
{
    bool found;
    struct ddb_table_def *def = NULL;
    pthread_rwlock_rdlock(&cat->lock);
    size_t i = search(cat, name, &found);
    if (found) {
        def = cat->defs[i];
        ddb_table_def_retain(def);
    }
    pthread_rwlock_unlock(&cat->lock);
    return def;
}

int ddb_catalog_add(struct ddb_catalog *cat, struct ddb_table_def *def)
{
    bool found;
    pthread_rwlock_wrlock(&cat->lock);
    size_t i = search(cat, def->name, &found);
    if (!found) {
        if (cat->n == cat->cap) {
            cat->cap = cat->cap ? cat->cap * 2 : 16;
            cat->defs = xrealloc(cat->defs, cat->cap * sizeof *cat->defs);
        }
        memmove(&cat->defs[i + 1], &cat->defs[i],
                (cat->n - i) * sizeof *cat->defs);
        cat->defs[i] = def;
        cat->n++;
    }
    pthread_rwlock_unlock(&cat->lock);
    return found ? -1 : 0;
}

void ddb_catalog_replace(struct ddb_catalog *cat, struct ddb_table_def *def)
{
    bool found;
    struct ddb_table_def *old = NULL;
    pthread_rwlock_wrlock(&cat->lock);
    size_t i = search(cat, def->name, &found);
    if (found) {
        old = cat->defs[i];
        cat->defs[i] = def;
    }
    pthread_rwlock_unlock(&cat->lock);
    if (!found) {
        ddb_catalog_add(cat, def);
        return;
    }
    ddb_table_def_release(old);
}

struct ddb_table_def *ddb_catalog_remove(struct ddb_catalog *cat,
                                         const char *name)
{
    bool found;
    struct ddb_table_def *def = NULL;
    pthread_rwlock_wrlock(&cat->lock);
    size_t i = search(cat, name, &found);
    if (found) {
        def = cat->defs[i];
        memmove(&cat->defs[i], &cat->defs[i + 1],
                (cat->n - i - 1) * sizeof *cat->defs);
        cat->n--;
    }
    pthread_rwlock_unlock(&cat->lock);
    return def;
}

size_t ddb_catalog_list(struct ddb_catalog *cat, const char *after,
                        size_t limit, char ***names, bool *more)
{
    bool found;
    pthread_rwlock_rdlock(&cat->lock);
    size_t start = after ? search(cat, after, &found) : 0;
    if (after && found)
        start++;
    size_t n = cat->n > start ? cat->n - start : 0;
    if (n > limit)
        n = limit;
    *names = xcalloc(n ? n : 1, sizeof **names);
    for (size_t i = 0; i < n; i++)
        (*names)[i] = xstrdup(cat->defs[start + i]->name);
    *more = start + n < cat->n;
    pthread_rwlock_unlock(&cat->lock);
    return n;
}

void ddb_catalog_clear(struct ddb_catalog *cat)
{
    pthread_rwlock_wrlock(&cat->lock);
    for (size_t i = 0; i < cat->n; i++) {
        cat->defs[i]->is_deleted = true;
        ddb_table_def_release(cat->defs[i]);
    }
    cat->n = 0;
    pthread_rwlock_unlock(&cat->lock);
}
