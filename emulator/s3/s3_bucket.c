/* S3 bucket operations: create (naming rules, LocationConstraint), head,
 * list, delete (BucketNotEmpty), location, versioning (never enabled) and
 * the bucket policy, which is stored here and evaluated by the IAM stage.
 * Rules and messages follow the S3 API Reference and User Guide. */
#include "s3/s3.h"
#include "s3/s3_internal.h"

#include "base/buf.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/mem.h"
#include "base/xml.h"
#include "http/bucket_policy.h"
#include "http/call.h"
#include "s3/s3_xml.h"
#include "state.h"
#include "store/store_s3.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_REGION "us-east-1"

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool looks_like_ip(const char *name)
{
    int a, b, c, d;
    char tail;
    return sscanf(name, "%d.%d.%d.%d%c", &a, &b, &c, &d, &tail) == 4;
}

/* General purpose bucket naming rules (S3 User Guide, "Bucket naming
 * rules"): 3-63 characters of lower-case letters, digits, dots and
 * hyphens, starting and ending with a letter or digit, no "..", not an IP
 * address, and none of the reserved prefixes and suffixes. */
static bool is_valid_bucket_name(const char *name)
{
    size_t n = strlen(name);
    if (n < 3 || n > 63 || !isalnum((unsigned char)name[0]) ||
        !isalnum((unsigned char)name[n - 1]))
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        if (!(islower((unsigned char)ch) || isdigit((unsigned char)ch) ||
              ch == '.' || ch == '-'))
            return false;
    }
    return strstr(name, "..") == NULL && !looks_like_ip(name) &&
           strncmp(name, "xn--", 4) != 0 && strncmp(name, "sthree-", 7) != 0 &&
           strncmp(name, "amzn-s3-demo-", 13) != 0 &&
           !has_suffix(name, "-s3alias") && !has_suffix(name, "--ol-s3") &&
           !has_suffix(name, ".mrap") && !has_suffix(name, "--x-s3");
}

/* A region name as AWS spells them ("eu-west-1", "us-gov-west-1"), or
 * "EU", the legacy name of eu-west-1. */
static bool is_valid_region(const char *r)
{
    if (strcmp(r, "EU") == 0)
        return true;
    size_t n = strlen(r);
    if (n < 9 || n > 25 || !isdigit((unsigned char)r[n - 1]))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!(islower((unsigned char)r[i]) || isdigit((unsigned char)r[i]) ||
              r[i] == '-'))
            return false;
    }
    return strchr(r, '-') != NULL;
}

/* Runs a one-shot store callback and maps its result; NOT_FOUND becomes
 * NoSuchBucket. */
static int run(struct call *c, bool is_write, store_fn fn, void *arg)
{
    enum store_result r = is_write ? store_write(c->emu->store, fn, arg)
                                   : store_read(c->emu->store, fn, arg);
    if (r == STORE_NOT_FOUND)
        return s3_fail_no_bucket(c, s3_bucket_name(c));
    if (r != STORE_OK && r != STORE_CONDITION_FAILED)
        return s3_fail_store(c);
    return r == STORE_OK ? 0 : 1;
}

struct bucket_arg {
    const char *name;
    char region[32];
    int64_t created_ms;
    struct buf *out;
    char *policy;
};

static enum store_result insert_bucket(struct store_tx *tx, void *p)
{
    struct bucket_arg *a = p;
    struct store_s3_bucket b = { a->name, a->region, a->created_ms };
    enum store_result r = store_s3_bucket_insert(tx, &b);
    if (r == STORE_CONDITION_FAILED)
        store_s3_bucket_get(tx, a->name, a->region, NULL);
    return r;
}

static int create_location(struct call *c, char *region)
{
    if (s3_xml_parse_location(c->body, c->body_len, region, 32) < 0)
        return call_fail(c, AWS_ERR_S3_MALFORMED_XML, "The XML you provided "
                         "was not well-formed or did not validate against "
                         "our published schema");
    /* us-east-1 is the absence of a constraint; naming it is an error. */
    if (region[0] && (strcmp(region, DEFAULT_REGION) == 0 ||
                      !is_valid_region(region))) {
        call_fail(c, AWS_ERR_S3_INVALID_LOCATION_CONSTRAINT, "The specified "
                  "location-constraint is not valid");
        s3_detail(c, "LocationConstraint", region);
        return -1;
    }
    if (region[0] == '\0')
        strcpy(region, DEFAULT_REGION);
    return 0;
}

int s3_create_bucket(struct call *c)
{
    const char *name = s3_bucket_name(c);
    if (!is_valid_bucket_name(name)) {
        call_fail(c, AWS_ERR_S3_INVALID_BUCKET_NAME, "The specified bucket "
                  "is not valid.");
        s3_detail(c, "BucketName", name);
        return -1;
    }
    struct bucket_arg a = { .name = name,
                            .created_ms = clock_now_ms(&c->emu->clock) };
    if (create_location(c, a.region) < 0)
        return -1;
    char wanted[32];
    memcpy(wanted, a.region, sizeof wanted);
    int rc = run(c, true, insert_bucket, &a);
    if (rc < 0)
        return -1;
    /* Re-creating a bucket you own succeeds in us-east-1 (a legacy of the
     * first region) and is BucketAlreadyOwnedByYou everywhere else. */
    if (rc == 1 && !(strcmp(a.region, DEFAULT_REGION) == 0 &&
                     strcmp(wanted, DEFAULT_REGION) == 0)) {
        call_fail(c, AWS_ERR_S3_BUCKET_ALREADY_OWNED_BY_YOU, "Your previous "
                  "request to create the named bucket succeeded and you "
                  "already own it.");
        s3_detail(c, "BucketName", name);
        return -1;
    }
    char location[80];
    snprintf(location, sizeof location, "/%s", name);
    call_add_header(c, "Location", location);
    c->content_type = NULL;
    return 0;
}

static enum store_result get_bucket(struct store_tx *tx, void *p)
{
    struct bucket_arg *a = p;
    return store_s3_bucket_get(tx, a->name, a->region, &a->created_ms);
}

int s3_head_bucket(struct call *c)
{
    struct bucket_arg a = { .name = s3_bucket_name(c) };
    if (run(c, false, get_bucket, &a) < 0)
        return -1;
    call_add_header(c, "x-amz-bucket-region", a.region);
    call_add_header(c, "x-amz-access-point-alias", "false");
    c->content_type = "application/xml";
    return 0;
}

static enum store_result delete_bucket(struct store_tx *tx, void *p)
{
    struct bucket_arg *a = p;
    enum store_result r = store_s3_bucket_get(tx, a->name, NULL, NULL);
    return r == STORE_OK ? store_s3_bucket_delete(tx, a->name) : r;
}

int s3_delete_bucket(struct call *c)
{
    struct bucket_arg a = { .name = s3_bucket_name(c) };
    int rc = run(c, true, delete_bucket, &a);
    if (rc < 0)
        return -1;
    if (rc == 0)
        bucket_policies_changed(c->emu->bucket_policies);
    if (rc == 1) {
        call_fail(c, AWS_ERR_S3_BUCKET_NOT_EMPTY, "The bucket you tried to "
                  "delete is not empty");
        s3_detail(c, "BucketName", a.name);
        return -1;
    }
    c->status = 204;
    c->content_type = NULL;
    return 0;
}

struct list_arg {
    struct call *c;
};

static void write_bucket(const struct store_s3_bucket *b, void *p)
{
    struct buf *out = &((struct list_arg *)p)->c->out;
    char date[32];
    s3_format_iso8601(b->created_ms, date);
    buf_puts(out, "<Bucket>");
    xml_write_element(out, "Name", b->name);
    xml_write_element(out, "CreationDate", date);
    xml_write_element(out, "BucketRegion", b->region);
    buf_puts(out, "</Bucket>");
}

static enum store_result list_buckets(struct store_tx *tx, void *p)
{
    return store_s3_bucket_each(tx, write_bucket, p);
}

int s3_list_buckets(struct call *c)
{
    s3_xml_open(c, "ListAllMyBucketsResult");
    s3_write_owner(c, &c->out);
    buf_puts(&c->out, "<Buckets>");
    struct list_arg a = { c };
    if (store_read(c->emu->store, list_buckets, &a) != STORE_OK)
        return s3_fail_store(c);
    buf_puts(&c->out, "</Buckets>");
    s3_xml_close(c, "ListAllMyBucketsResult");
    return 0;
}

int s3_get_bucket_location(struct call *c)
{
    struct bucket_arg a = { .name = s3_bucket_name(c) };
    if (run(c, false, get_bucket, &a) < 0)
        return -1;
    buf_reset(&c->out);
    buf_puts(&c->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<LocationConstraint xmlns=\"" S3_XMLNS "\">");
    /* us-east-1 buckets report an empty constraint. */
    if (strcmp(a.region, DEFAULT_REGION) != 0)
        xml_write_text(&c->out, a.region);
    buf_puts(&c->out, "</LocationConstraint>");
    return 0;
}

int s3_get_bucket_versioning(struct call *c)
{
    struct bucket_arg a = { .name = s3_bucket_name(c) };
    if (run(c, false, get_bucket, &a) < 0)
        return -1;
    s3_xml_open(c, "VersioningConfiguration");
    s3_xml_close(c, "VersioningConfiguration");
    return 0;
}

/* --- Bucket policy ------------------------------------------------------ */

static enum store_result set_policy(struct store_tx *tx, void *p)
{
    struct bucket_arg *a = p;
    return store_s3_policy_set(tx, a->name, a->policy);
}

static enum store_result get_policy(struct store_tx *tx, void *p)
{
    struct bucket_arg *a = p;
    return store_s3_policy_get(tx, a->name, &a->policy);
}

/* A policy must at least be a JSON object with a Statement; the IAM
 * engine validates the grammar when it evaluates the policy. */
static int check_policy(struct call *c)
{
    cJSON *doc = json_parse(c->body, c->body_len);
    bool is_ok = cJSON_IsObject(doc) && json_get(doc, "Statement") != NULL;
    cJSON_Delete(doc);
    if (c->body_len == 0 || c->body[0] != '{' || !is_ok)
        return call_fail(c, AWS_ERR_MALFORMED_POLICY, "Policies must be "
                         "valid JSON and the first byte must be '{'");
    return 0;
}

int s3_put_bucket_policy(struct call *c)
{
    if (check_policy(c) < 0)
        return -1;
    char *text = xmalloc(c->body_len + 1);
    memcpy(text, c->body, c->body_len);
    text[c->body_len] = '\0';
    struct bucket_arg a = { .name = s3_bucket_name(c), .policy = text };
    int rc = run(c, true, set_policy, &a);
    free(text);
    bucket_policies_changed(c->emu->bucket_policies);
    if (rc < 0)
        return -1;
    c->status = 204;
    c->content_type = NULL;
    return 0;
}

int s3_get_bucket_policy(struct call *c)
{
    struct bucket_arg a = { .name = s3_bucket_name(c) };
    if (run(c, false, get_policy, &a) < 0)
        return -1;
    if (a.policy == NULL) {
        call_fail(c, AWS_ERR_S3_NO_SUCH_BUCKET_POLICY, "The bucket policy "
                  "does not exist");
        s3_detail(c, "BucketName", a.name);
        return -1;
    }
    buf_reset(&c->out);
    buf_puts(&c->out, a.policy);
    free(a.policy);
    c->content_type = "application/json";
    return 0;
}

int s3_delete_bucket_policy(struct call *c)
{
    struct bucket_arg a = { .name = s3_bucket_name(c) };
    int rc = run(c, true, set_policy, &a);
    bucket_policies_changed(c->emu->bucket_policies);
    if (rc < 0)
        return -1;
    c->status = 204;
    c->content_type = NULL;
    return 0;
}
