/* S3 request bodies over expat; see s3_xml.h. expat builds a small
 * element tree (names without namespace prefixes, text concatenated),
 * then each body's reader walks it. */
#include "s3/s3_xml.h"

#include "base/buf.h"
#include "base/mem.h"

#include <errno.h>
#include <expat.h>
#include <stdlib.h>
#include <string.h>

/* Limits on what one body may build. */
#define XML_MAX_DEPTH 16
#define XML_MAX_NODES 100000
#define XML_MAX_TEXT 4096

struct node {
    char *name;         /* owned; local name */
    struct buf text;    /* character data directly inside */
    struct node *first; /* children, in order */
    struct node *last;
    struct node *next;
    struct node *parent;
};

struct tree {
    struct node *root;
    struct node *current;
    int depth;
    size_t n_nodes;
    bool is_bad;
    XML_Parser parser;
};

static void node_free(struct node *n)
{
    while (n) {
        struct node *next = n->next;
        node_free(n->first);
        free(n->name);
        buf_clear(&n->text);
        free(n);
        n = next;
    }
}

static void fail(struct tree *t)
{
    t->is_bad = true;
    XML_StopParser(t->parser, XML_FALSE);
}

static void on_start(void *arg, const XML_Char *name, const XML_Char **attrs)
{
    (void)attrs;
    struct tree *t = arg;
    if (t->is_bad)
        return;
    if (++t->depth > XML_MAX_DEPTH || ++t->n_nodes > XML_MAX_NODES ||
        (t->current == NULL && t->root != NULL)) {
        fail(t);
        return;
    }
    const char *colon = strchr(name, ':');
    struct node *n = xcalloc(1, sizeof *n);
    n->name = xstrdup(colon ? colon + 1 : name);
    buf_init(&n->text, XML_MAX_TEXT);
    n->parent = t->current;
    if (t->current == NULL) {
        t->root = n;
    } else if (t->current->last) {
        t->current->last->next = n;
        t->current->last = n;
    } else {
        t->current->first = t->current->last = n;
    }
    t->current = n;
}

static void on_end(void *arg, const XML_Char *name)
{
    (void)name;
    struct tree *t = arg;
    if (t->is_bad || t->current == NULL)
        return;
    t->depth--;
    t->current = t->current->parent;
}

static void on_text(void *arg, const XML_Char *s, int len)
{
    struct tree *t = arg;
    if (t->is_bad || t->current == NULL)
        return;
    buf_append(&t->current->text, s, (size_t)len);
    if (buf_failed(&t->current->text))
        fail(t);
}

/* Parses body into a tree; NULL if it is not well-formed or too big. */
static struct node *parse(const char *body, size_t len)
{
    struct tree t = { 0 };
    if (len > INT32_MAX)
        return NULL;
    t.parser = XML_ParserCreate("UTF-8");
    if (t.parser == NULL)
        abort();
    XML_SetUserData(t.parser, &t);
    XML_SetElementHandler(t.parser, on_start, on_end);
    XML_SetCharacterDataHandler(t.parser, on_text);
    enum XML_Status st = XML_Parse(t.parser, body, (int)len, XML_TRUE);
    XML_ParserFree(t.parser);
    if (st != XML_STATUS_OK || t.is_bad || t.root == NULL) {
        node_free(t.root);
        return NULL;
    }
    return t.root;
}

static bool is_named(const struct node *n, const char *name)
{
    return strcmp(n->name, name) == 0;
}

static const struct node *child(const struct node *n, const char *name)
{
    for (const struct node *c = n->first; c; c = c->next) {
        if (is_named(c, name))
            return c;
    }
    return NULL;
}

static const char *child_text(const struct node *n, const char *name)
{
    const struct node *c = child(n, name);
    return c ? buf_cstr(&c->text) : NULL;
}

static char *dup_child_text(const struct node *n, const char *name)
{
    const char *s = child_text(n, name);
    return s ? xstrdup(s) : NULL;
}

/* --- DeleteObjects ------------------------------------------------------ */

static int read_delete(const struct node *root, struct s3_delete_list *out)
{
    if (!is_named(root, "Delete"))
        return -1;
    size_t cap = 0;
    for (const struct node *c = root->first; c; c = c->next) {
        if (is_named(c, "Quiet")) {
            out->is_quiet = strcmp(buf_cstr(&c->text), "true") == 0;
            continue;
        }
        if (!is_named(c, "Object"))
            continue;
        const struct node *key = child(c, "Key");
        if (key == NULL || out->n == S3_XML_MAX_DELETE_KEYS)
            return -1;
        if (out->n == cap) {
            cap = cap ? 2 * cap : 16;
            out->keys = xrealloc(out->keys, cap * sizeof *out->keys);
        }
        struct s3_delete_key *k = &out->keys[out->n++];
        k->key_len = key->text.len;
        k->key = xstrdup(buf_cstr(&key->text));
        k->version_id = dup_child_text(c, "VersionId");
    }
    return out->n ? 0 : -1;
}

int s3_xml_parse_delete(const char *body, size_t len,
                        struct s3_delete_list *out)
{
    memset(out, 0, sizeof *out);
    struct node *root = parse(body, len);
    int rc = root ? read_delete(root, out) : -1;
    node_free(root);
    return rc;
}

void s3_xml_delete_clear(struct s3_delete_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->keys[i].key);
        free(l->keys[i].version_id);
    }
    free(l->keys);
    memset(l, 0, sizeof *l);
}

/* --- CompleteMultipartUpload -------------------------------------------- */

static const char *const checksum_elements[][2] = {
    { "ChecksumCRC32", "CRC32" },
    { "ChecksumCRC32C", "CRC32C" },
    { "ChecksumSHA1", "SHA1" },
    { "ChecksumSHA256", "SHA256" },
};

static int parse_number(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = s && *s ? strtoll(s, &end, 10) : -1;
    if (s == NULL || *s == '\0' || *end != '\0' || errno || v < 0)
        return -1;
    *out = v;
    return 0;
}

static int read_part(const struct node *c, struct s3_complete_part *p)
{
    if (parse_number(child_text(c, "PartNumber"), &p->number) < 0)
        return -1;
    p->etag = dup_child_text(c, "ETag");
    for (size_t i = 0; i < 4; i++) {
        const char *v = child_text(c, checksum_elements[i][0]);
        if (v && p->checksum == NULL) {
            p->checksum = xstrdup(v);
            p->checksum_algo = xstrdup(checksum_elements[i][1]);
        }
    }
    return 0;
}

static int read_complete(const struct node *root, struct s3_complete_list *out)
{
    if (!is_named(root, "CompleteMultipartUpload"))
        return -1;
    size_t cap = 0;
    for (const struct node *c = root->first; c; c = c->next) {
        if (!is_named(c, "Part"))
            continue;
        if (out->n == S3_XML_MAX_PARTS)
            return -1;
        if (out->n == cap) {
            cap = cap ? 2 * cap : 16;
            out->parts = xrealloc(out->parts, cap * sizeof *out->parts);
        }
        struct s3_complete_part *p = &out->parts[out->n++];
        memset(p, 0, sizeof *p);
        if (read_part(c, p) < 0)
            return -1;
    }
    return out->n ? 0 : -1;
}

int s3_xml_parse_complete(const char *body, size_t len,
                          struct s3_complete_list *out)
{
    memset(out, 0, sizeof *out);
    struct node *root = parse(body, len);
    int rc = root ? read_complete(root, out) : -1;
    node_free(root);
    return rc;
}

void s3_xml_complete_clear(struct s3_complete_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->parts[i].etag);
        free(l->parts[i].checksum);
        free(l->parts[i].checksum_algo);
    }
    free(l->parts);
    memset(l, 0, sizeof *l);
}

/* --- CreateBucketConfiguration ------------------------------------------ */

static bool is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    }
    return true;
}

int s3_xml_parse_location(const char *body, size_t len, char *out,
                          size_t outlen)
{
    out[0] = '\0';
    if (is_blank(body, len))
        return 0;
    struct node *root = parse(body, len);
    int rc = -1;
    if (root && is_named(root, "CreateBucketConfiguration")) {
        const char *v = child_text(root, "LocationConstraint");
        rc = v == NULL || strlen(v) < outlen ? 0 : -1;
        if (v && rc == 0)
            memcpy(out, v, strlen(v) + 1);
    }
    node_free(root);
    return rc;
}
