/* SigV4 authentication for every service; see authn.h. The signature is
 * checked whenever the caller's key is known; with IAM off, unknown keys are
 * accepted without a check, as LocalStack and DynamoDB Local accept them. */
#include "http/authn.h"

#include "auth/identity.h"
#include "auth/session.h"
#include "auth/sigv4.h"
#include "auth/sigv4_chunked.h"
#include "base/crypto.h"
#include "base/mem.h"
#include "http/authn_s3.h"
#include "http/call.h"
#include "state.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Headers beyond this many are carried on the heap. */
#define AUTHN_STACK_HEADERS 48

struct verifier_node {
    struct sigv4_verifier v;
    struct verifier_node *next;
};

struct authn {
    const struct identities *ids; /* borrowed; may be NULL */
    struct sessions *sessions;    /* borrowed */
    bool is_enforcing;            /* unknown keys are refused */
    char *root_arn;               /* owned; the principal of unknown keys */
    pthread_mutex_t lock;
    struct verifier_node *free_list;
};

struct authn *authn_new(const struct identities *ids,
                        struct sessions *sessions, const char *account,
                        bool is_enforcing)
{
    struct authn *a = xcalloc(1, sizeof *a);
    a->ids = ids;
    a->sessions = sessions;
    a->is_enforcing = is_enforcing && ids != NULL;
    const char *const root[] = { "arn:aws:iam::", account, ":root" };
    a->root_arn = xstrjoin(root, 3);
    pthread_mutex_init(&a->lock, NULL);
    return a;
}

void authn_free(struct authn *a)
{
    if (a == NULL)
        return;
    while (a->free_list) {
        struct verifier_node *next = a->free_list->next;
        sigv4_verifier_clear(&a->free_list->v);
        free(a->free_list);
        a->free_list = next;
    }
    pthread_mutex_destroy(&a->lock);
    free(a->root_arn);
    free(a);
}

static struct verifier_node *acquire(struct authn *a)
{
    pthread_mutex_lock(&a->lock);
    struct verifier_node *n = a->free_list;
    if (n)
        a->free_list = n->next;
    pthread_mutex_unlock(&a->lock);
    if (n == NULL) {
        n = xcalloc(1, sizeof *n);
        sigv4_verifier_init(&n->v);
    }
    return n;
}

static void release(struct authn *a, struct verifier_node *n)
{
    pthread_mutex_lock(&a->lock);
    n->next = a->free_list;
    a->free_list = n;
    pthread_mutex_unlock(&a->lock);
}

/* Identities and sessions live as long as the server, so calls borrow
 * their ARNs. */
static void set_principal(const struct authn *a, struct call *c,
                          const struct identity_key *key)
{
    c->identity = key ? key->owner : NULL;
    c->principal_arn = key ? key->owner->arn : a->root_arn;
}

static void format_amz_date(int64_t ms, char *out, size_t len)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(out, len, "%Y%m%dT%H%M%SZ", &tm);
}

static int fail_time(struct call *c, const struct sigv4_auth *auth,
                     int64_t now_ms)
{
    char date[32], now[32], edge[32];
    snprintf(date, sizeof date, "%.*s", (int)auth->date.len, auth->date.ptr);
    format_amz_date(now_ms, now, sizeof now);
    bool is_late = auth->date_ms < now_ms;
    format_amz_date(is_late ? now_ms - SIGV4_MAX_SKEW_MS
                            : now_ms + SIGV4_MAX_SKEW_MS, edge, sizeof edge);
    if (is_late)
        return call_fail(c, AWS_ERR_INVALID_SIGNATURE, "Signature expired: "
                         "%s is now earlier than %s (%s - 15 min.)", date,
                         edge, now);
    return call_fail(c, AWS_ERR_INVALID_SIGNATURE, "Signature not yet "
                     "current: %s is still later than %s (%s + 15 min.)",
                     date, edge, now);
}

/* S3 words time failures its own way: RequestTimeTooSkewed for a header
 * signature, AccessDenied "Request has expired" for a presigned URL. */
static int fail_time_s3(struct call *c, const struct sigv4_auth *auth,
                        int64_t now_ms, enum sigv4_status st)
{
    char date[32], now[32];
    snprintf(date, sizeof date, "%.*s", (int)auth->date.len, auth->date.ptr);
    format_amz_date(now_ms, now, sizeof now);
    cJSON *d = cJSON_CreateObject();
    if (st == SIGV4_EXPIRED) {
        char expires[32];
        format_amz_date(auth->date_ms + auth->expires_s * 1000, expires,
                        sizeof expires);
        cJSON_AddNumberToObject(d, "X-Amz-Expires", (double)auth->expires_s);
        cJSON_AddStringToObject(d, "Expires", expires);
        cJSON_AddStringToObject(d, "ServerTime", now);
        call_fail(c, AWS_ERR_ACCESS_DENIED, "Request has expired");
    } else {
        cJSON_AddStringToObject(d, "RequestTime", date);
        cJSON_AddStringToObject(d, "ServerTime", now);
        cJSON_AddNumberToObject(d, "MaxAllowedSkewMilliseconds",
                                SIGV4_MAX_SKEW_MS);
        call_fail(c, AWS_ERR_S3_TIME_TOO_SKEWED, "The difference between the "
                  "request time and the current time is too large.");
    }
    cJSON_Delete(c->err_detail);
    c->err_detail = d;
    return -1;
}

static int verify(struct authn *a, struct call *c,
                  const struct sigv4_request *req,
                  const struct sigv4_auth *auth,
                  const struct identity_key *key)
{
    struct verifier_node *n = acquire(a);
    /* Clients sign with the wall clock, so the 15-minute skew window is
     * measured on it; presigned URLs expire on the emulator's clock, so
     * tests can age them by moving that clock. */
    int64_t now = auth->form == SIGV4_FORM_QUERY ? clock_now_ms(&c->emu->clock)
                                                 : clock_real_ms();
    enum sigv4_status st = sigv4_verify(&n->v, auth, req,
                                        str_from(key->secret), now);
    if (st == SIGV4_SIGNATURE_MISMATCH && c->service == SERVICE_S3)
        authn_s3_mismatch_detail(c, auth, &n->v);
    release(a, n);
    switch (st) {
    case SIGV4_OK:
        return 0;
    case SIGV4_SKEWED:
    case SIGV4_EXPIRED:
        if (c->service == SERVICE_S3)
            return fail_time_s3(c, auth, now, st);
        return fail_time(c, auth, now);
    case SIGV4_SIGNATURE_MISMATCH:
        break;
    }
    if (c->service == SERVICE_S3)
        return call_fail(c, AWS_ERR_INVALID_SIGNATURE, "The request "
                         "signature we calculated does not match the "
                         "signature you provided. Check your key and signing "
                         "method.");
    return call_fail(c, AWS_ERR_INVALID_SIGNATURE, "The request signature "
                     "we calculated does not match the signature you "
                     "provided. Check your AWS Secret Access Key and signing "
                     "method. Consult the service documentation for "
                     "details.");
}

/* Temporary credentials: the token must be the one issued with the key,
 * and the session must not have expired on the emulator's clock. */
static int check_session(struct authn *a, struct call *c,
                         const struct sigv4_request *req,
                         const struct sigv4_auth *auth,
                         const struct session *ses, const char **secret)
{
    if (!str_eq_cstr(auth->security_token, ses->token))
        return call_fail(c, AWS_ERR_UNRECOGNIZED_CLIENT, "The security token "
                         "included in the request is invalid.");
    if (clock_now_ms(&c->emu->clock) >= ses->expires_ms)
        return call_fail(c, AWS_ERR_EXPIRED_TOKEN, "The security token "
                         "included in the request is expired");
    struct identity_key key = { .secret = (char *)ses->secret,
                                .owner = ses->role };
    if (verify(a, c, req, auth, &key) < 0)
        return -1;
    *secret = ses->secret;
    c->session = ses;
    c->identity = ses->role;
    c->principal_arn = ses->arn;
    return 0;
}

/* Sets *secret to the secret the signature was verified with, or leaves
 * it NULL when the key is unknown and nothing was verified. */
static int check_parsed(struct authn *a, struct call *c,
                        const struct sigv4_request *req,
                        const struct sigv4_auth *auth, const char **secret)
{
    const struct session *ses = sessions_find(a->sessions,
                                              auth->access_key_id);
    if (ses)
        return check_session(a, c, req, auth, ses, secret);
    const struct identity_key *key =
        a->ids ? identities_find_key(a->ids, auth->access_key_id) : NULL;
    if (key == NULL && a->is_enforcing && c->service == SERVICE_S3)
        return call_fail(c, AWS_ERR_UNRECOGNIZED_CLIENT, "The AWS Access Key "
                         "Id you provided does not exist in our records.");
    if (key == NULL && a->is_enforcing)
        return call_fail(c, AWS_ERR_UNRECOGNIZED_CLIENT, "The security token "
                         "included in the request is invalid.");
    if (key && verify(a, c, req, auth, key) < 0)
        return -1;
    if (key)
        *secret = key->secret;
    set_principal(a, c, key);
    return 0;
}

/* S3's legacy SigV2 presigned URL: the key looked up as for SigV4, the
 * signature checked by authn_s3. */
static int check_sigv2(struct authn *a, struct call *c)
{
    struct str id = str_from(authn_s3_sigv2_key(c));
    const struct session *ses = sessions_find(a->sessions, id);
    const struct identity_key *key =
        a->ids ? identities_find_key(a->ids, id) : NULL;
    const char *secret = ses ? ses->secret : key ? key->secret : NULL;
    if (secret == NULL && a->is_enforcing)
        return call_fail(c, AWS_ERR_UNRECOGNIZED_CLIENT, "The AWS Access Key "
                         "Id you provided does not exist in our records.");
    if (secret && authn_s3_sigv2_verify(c, secret,
                                        clock_now_ms(&c->emu->clock)) < 0)
        return -1;
    if (ses) {
        c->session = ses;
        c->identity = ses->role;
        c->principal_arn = ses->arn;
        return 0;
    }
    set_principal(a, c, key);
    return 0;
}

/* S3: sign with the x-amz-content-sha256 value, then, once the seed
 * signature holds, check or decode the body it describes. */
static int check_s3(struct authn *a, struct call *c,
                    struct sigv4_request *req, const struct sigv4_auth *auth)
{
    const char *hash = authn_s3_payload_hash(c, auth);
    const char *secret = NULL;
    if (hash == NULL)
        return -1;
    req->payload_hash = str_from(hash);
    if (check_parsed(a, c, req, auth, &secret) < 0)
        return -1;
    /* Only signed chunks need the signing key again; deriving it costs
     * four HMACs, so other payloads skip it. */
    bool has_signed_chunks = strncmp(hash, SIGV4_STREAMING_SIGNED,
                                     strlen(SIGV4_STREAMING_SIGNED)) == 0;
    uint8_t key[32];
    if (secret && has_signed_chunks)
        sigv4_signing_key(str_from(secret), auth->scope_date, auth->region,
                          auth->service, key);
    return authn_s3_payload(c, auth,
                            secret && has_signed_chunks ? key : NULL);
}

int authn_authenticate(struct authn *a, struct call *c)
{
    if (c->service == SERVICE_S3 && authn_s3_is_sigv2(c))
        return check_sigv2(a, c);
    struct sigv4_header stack[AUTHN_STACK_HEADERS];
    struct sigv4_header *headers = c->n_headers <= AUTHN_STACK_HEADERS
        ? stack : xcalloc(c->n_headers, sizeof *headers);
    for (size_t i = 0; i < c->n_headers; i++)
        headers[i] = (struct sigv4_header){
            { c->headers[i].name, c->headers[i].name_len },
            { c->headers[i].value, c->headers[i].value_len } };
    uint8_t digest[CRYPTO_SHA256_LEN];
    char payload_hash[2 * CRYPTO_SHA256_LEN + 1] = "";
    bool is_s3 = c->service == SERVICE_S3;
    if (!is_s3) {
        crypto_sha256(c->body, c->body_len, digest);
        crypto_hex(digest, sizeof digest, payload_hash);
    }
    const char *q = strchr(c->path, '?');
    struct sigv4_request req = {
        .method = str_from(c->method),
        .path = { c->path, q ? (size_t)(q - c->path) : strlen(c->path) },
        .query = str_from(c->query),
        .headers = headers,
        .header_count = c->n_headers,
        .payload_hash = str_from(payload_hash),
        .is_s3 = is_s3,
    };
    /* On the stack: at ~9 KB it is past malloc's fast paths, and every
     * request needs one. */
    struct sigv4_auth auth_space;
    struct sigv4_auth *auth = &auth_space;
    int rc;
    switch (sigv4_parse(&req, auth)) {
    case SIGV4_PARSE_MISSING:
        rc = call_fail(c, AWS_ERR_MISSING_AUTH_TOKEN, "%s", is_s3
                       ? "Access Denied"
                       : "Request is missing Authentication Token");
        break;
    case SIGV4_PARSE_MALFORMED:
        rc = call_fail(c, AWS_ERR_INCOMPLETE_SIGNATURE, "%s", auth->message);
        break;
    default:
        str_copy(auth->region, c->signed_region, sizeof c->signed_region);
        if (is_s3) {
            rc = check_s3(a, c, &req, auth);
        } else {
            const char *secret = NULL;
            rc = check_parsed(a, c, &req, auth, &secret);
        }
        break;
    }
    if (headers != stack)
        free(headers);
    return rc;
}
