/* The identities file; see identity.h. The shape, validated field by field:
 *   {"account": "123456789012",
 *    "context": {"aws:SecureTransport": "true"},
 *    "users": {"NAME": {"access_keys": [{"id": …, "secret": …}],
 *                       "policies": ["file.json", {inline}], "tags": {…},
 *                       "permissions_boundary": "file.json" | {inline}}},
 *    "roles": {"NAME": {"trust": "file.json" | {inline},
 *                       "policies": [...], "tags": {…},
 *                       "permissions_boundary": …}}} */
#include "auth/identity.h"

#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Policy files are small; this bounds a mistaken path to a huge file. */
#define IDENTITY_MAX_FILE_BYTES (1 << 20)

struct loader {
    const char *dir; /* the identities file's directory */
    char *err;
    size_t errlen;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct loader *ld, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ld->err, ld->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static char *read_file(const char *path, struct loader *ld)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fail(ld, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct buf b;
    buf_init(&b, IDENTITY_MAX_FILE_BYTES);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    if (buf_failed(&b)) {
        buf_clear(&b);
        fail(ld, "%s: larger than %d bytes", path, IDENTITY_MAX_FILE_BYTES);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

static char *resolve_path(const struct loader *ld, const char *path)
{
    if (path[0] == '/')
        return xstrdup(path);
    size_t n = strlen(ld->dir) + strlen(path) + 2;
    char *full = xmalloc(n);
    snprintf(full, n, "%s/%s", ld->dir, path);
    return full;
}

/* Reads one policy entry: a path to a JSON file, or an inline object. */
static int load_policy(struct loader *ld, const cJSON *entry,
                       const char *where, int index,
                       struct identity_policy *out)
{
    if (cJSON_IsObject(entry)) {
        char name[32];
        snprintf(name, sizeof name, "inline-%d", index);
        out->name = xstrdup(name);
        out->document = cJSON_PrintUnformatted(entry);
        return 0;
    }
    if (!cJSON_IsString(entry))
        return fail(ld, "%s: a policy must be a file path or an object",
                    where);
    char *full = resolve_path(ld, entry->valuestring);
    char *text = read_file(full, ld);
    free(full);
    if (text == NULL)
        return -1;
    cJSON *doc = json_parse(text, strlen(text));
    bool is_object = cJSON_IsObject(doc);
    cJSON_Delete(doc);
    if (!is_object) {
        free(text);
        return fail(ld, "%s: %s is not a JSON object", where,
                    entry->valuestring);
    }
    out->name = xstrdup(entry->valuestring);
    out->document = text;
    return 0;
}

static int load_policies(struct loader *ld, struct identity *id,
                         const cJSON *list, const char *where)
{
    if (list == NULL)
        return 0;
    if (!cJSON_IsArray(list))
        return fail(ld, "%s.policies: expected a list", where);
    size_t n = (size_t)cJSON_GetArraySize(list);
    id->policies = xcalloc(n ? n : 1, sizeof *id->policies);
    const cJSON *entry;
    cJSON_ArrayForEach(entry, list) {
        char at[300];
        snprintf(at, sizeof at, "%s.policies[%zu]", where, id->n_policies);
        if (load_policy(ld, entry, at, (int)id->n_policies,
                        &id->policies[id->n_policies]) < 0)
            return -1;
        id->n_policies++;
    }
    return 0;
}

/* AWS unique ids: a kind prefix and 17 upper-case characters; derived from
 * the name so they are stable across runs. */
static char *unique_id(const char *prefix, const char *name)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    uint8_t digest[CRYPTO_SHA256_LEN];
    crypto_sha256(name, strlen(name), digest);
    char id[32];
    size_t p = (size_t)snprintf(id, sizeof id, "%s", prefix);
    for (size_t i = 0; i < 17; i++)
        id[p++] = alphabet[digest[i] & 31];
    id[p] = '\0';
    return xstrdup(id);
}

static int load_keys(struct loader *ld, struct identities *ids,
                     const struct identity *owner, const cJSON *keys,
                     const char *where)
{
    const cJSON *k;
    if (keys && !cJSON_IsArray(keys))
        return fail(ld, "%s.access_keys: expected a list", where);
    cJSON_ArrayForEach(k, keys) {
        const char *id = json_get_string(k, "id");
        const char *secret = json_get_string(k, "secret");
        if (id == NULL || secret == NULL || id[0] == '\0' ||
            secret[0] == '\0')
            return fail(ld, "%s.access_keys: each key needs a non-empty "
                        "\"id\" and \"secret\"", where);
        if (identities_find_key(ids, str_from(id)))
            return fail(ld, "%s.access_keys: key %s is used twice", where,
                        id);
        ids->keys = xrealloc(ids->keys, (ids->n_keys + 1) *
                                            sizeof *ids->keys);
        ids->keys[ids->n_keys++] = (struct identity_key){
            .id = xstrdup(id), .secret = xstrdup(secret), .owner = owner };
    }
    return 0;
}

static int load_identity(struct loader *ld, struct identities *ids,
                         enum identity_kind kind, const cJSON *spec)
{
    const char *noun = kind == IDENTITY_USER ? "users" : "roles";
    char where[256];
    snprintf(where, sizeof where, "%s.%s", noun, spec->string);
    if (!cJSON_IsObject(spec))
        return fail(ld, "%s: expected an object", where);
    struct identity *id = &ids->items[ids->n++];
    id->kind = kind;
    id->name = xstrdup(spec->string);
    char arn[400];
    snprintf(arn, sizeof arn, "arn:aws:iam::%s:%s/%s", ids->account,
             kind == IDENTITY_USER ? "user" : "role", id->name);
    id->arn = xstrdup(arn);
    id->unique_id = unique_id(kind == IDENTITY_USER ? "AIDA" : "AROA",
                              id->arn);
    const cJSON *tags = json_get(spec, "tags");
    if (tags && !cJSON_IsObject(tags))
        return fail(ld, "%s.tags: expected an object", where);
    id->tags = tags ? cJSON_Duplicate(tags, true) : NULL;
    if (load_policies(ld, id, json_get(spec, "policies"), where) < 0)
        return -1;
    const cJSON *boundary = json_get(spec, "permissions_boundary");
    char at[300];
    snprintf(at, sizeof at, "%s.permissions_boundary", where);
    if (boundary && load_policy(ld, boundary, at, 0, &id->boundary) < 0)
        return -1;
    if (kind == IDENTITY_USER)
        return load_keys(ld, ids, id, json_get(spec, "access_keys"), where);
    const cJSON *trust = json_get(spec, "trust");
    if (trust == NULL)
        return fail(ld, "%s.trust: a role needs a trust policy", where);
    snprintf(at, sizeof at, "%s.trust", where);
    return load_policy(ld, trust, at, 0, &id->trust);
}

static int load_section(struct loader *ld, struct identities *ids,
                        const cJSON *root, enum identity_kind kind)
{
    const char *noun = kind == IDENTITY_USER ? "users" : "roles";
    const cJSON *section = json_get(root, noun);
    if (section && !cJSON_IsObject(section))
        return fail(ld, "%s: expected an object of names", noun);
    const cJSON *spec;
    cJSON_ArrayForEach(spec, section) {
        if (load_identity(ld, ids, kind, spec) < 0)
            return -1;
    }
    return 0;
}

static bool is_account_id(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return n == 12;
}

static int load_root(struct loader *ld, struct identities *ids,
                     const cJSON *root)
{
    const char *account = json_get_string(root, "account");
    if (!is_account_id(account))
        return fail(ld, "account: expected a 12-digit account id");
    ids->account = xstrdup(account);
    const cJSON *context = json_get(root, "context");
    if (context && !cJSON_IsObject(context))
        return fail(ld, "context: expected an object of condition keys");
    ids->context = context ? cJSON_Duplicate(context, true) : NULL;
    size_t n = (size_t)(cJSON_GetArraySize(json_get(root, "users")) +
                        cJSON_GetArraySize(json_get(root, "roles")));
    ids->items = xcalloc(n ? n : 1, sizeof *ids->items);
    if (load_section(ld, ids, root, IDENTITY_USER) < 0 ||
        load_section(ld, ids, root, IDENTITY_ROLE) < 0)
        return -1;
    return 0;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return xstrdup(".");
    return xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
}

struct identities *identities_load(const char *path, char *err,
                                   size_t errlen)
{
    char *dir = dir_of(path);
    struct loader ld = { .dir = dir, .err = err, .errlen = errlen };
    struct identities *ids = xcalloc(1, sizeof *ids);
    cJSON *root = NULL;
    char *text = read_file(path, &ld);
    int rc = -1;
    if (text == NULL)
        goto out;
    root = json_parse(text, strlen(text));
    if (!cJSON_IsObject(root)) {
        fail(&ld, "%s: not a JSON object", path);
        goto out;
    }
    rc = load_root(&ld, ids, root);
out:
    cJSON_Delete(root);
    free(text);
    free(dir);
    if (rc < 0) {
        identities_free(ids);
        return NULL;
    }
    return ids;
}

static void policy_clear(struct identity_policy *p)
{
    free(p->name);
    free(p->document);
}

void identities_free(struct identities *ids)
{
    if (ids == NULL)
        return;
    for (size_t i = 0; i < ids->n; i++) {
        struct identity *id = &ids->items[i];
        for (size_t j = 0; j < id->n_policies; j++)
            policy_clear(&id->policies[j]);
        free(id->policies);
        policy_clear(&id->trust);
        policy_clear(&id->boundary);
        cJSON_Delete(id->tags);
        free(id->name);
        free(id->arn);
        free(id->unique_id);
    }
    for (size_t i = 0; i < ids->n_keys; i++) {
        free(ids->keys[i].id);
        free(ids->keys[i].secret);
    }
    free(ids->items);
    free(ids->keys);
    cJSON_Delete(ids->context);
    free(ids->account);
    free(ids);
}

const struct identity_key *identities_find_key(const struct identities *ids,
                                               struct str id)
{
    for (size_t i = 0; i < ids->n_keys; i++) {
        if (str_eq_cstr(id, ids->keys[i].id))
            return &ids->keys[i];
    }
    return NULL;
}

const struct identity *identities_find(const struct identities *ids,
                                       enum identity_kind kind,
                                       const char *name)
{
    for (size_t i = 0; i < ids->n; i++) {
        if (ids->items[i].kind == kind && strcmp(ids->items[i].name, name) == 0)
            return &ids->items[i];
    }
    return NULL;
}
