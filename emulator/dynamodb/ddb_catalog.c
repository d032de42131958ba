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

/* Reads the HASH and RANGE elements of the description's KeySchema, and
 * their types from AttributeDefinitions. */
static int read_key_schema(struct ddb_table_def *def)
{
    const cJSON *schema = json_get(def->desc, "KeySchema");
    const cJSON *attrs = json_get(def->desc, "AttributeDefinitions");
    const cJSON *el;
    cJSON_ArrayForEach(el, schema) {
        const char *name = json_get_string(el, "AttributeName");
        const char *kind = json_get_string(el, "KeyType");
        enum ddb_type type = DDB_TYPE_INVALID;
        const cJSON *a;
        cJSON_ArrayForEach(a, attrs) {
            const char *aname = json_get_string(a, "AttributeName");
            if (name && aname && strcmp(name, aname) == 0)
                type = ddb_type_parse(json_get_string(a, "AttributeType"));
        }
        if (name == NULL || kind == NULL || type == DDB_TYPE_INVALID)
            return -1;
        if (strcmp(kind, "HASH") == 0) {
            def->hash_name = xstrdup(name);
            def->hash_type = type;
        } else {
            def->range_name = xstrdup(name);
            def->range_type = type;
        }
    }
    return def->hash_name ? 0 : -1;
}

struct ddb_table_def *ddb_table_def_new(int64_t id, cJSON *desc)
{
    struct ddb_table_def *def = xcalloc(1, sizeof *def);
    def->refs = 1;
    def->id = id;
    def->desc = desc;
    const char *name = json_get_string(desc, "TableName");
    def->name = xstrdup(name ? name : "");
    if (name == NULL || read_key_schema(def) < 0) {
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
