/* Unit tests for sigv4: every aws-c-auth SigV4 vector in both forms, read
 * as a server receives it, then table-driven bad-input and clock rows.
 * The vectors live in ../shared/vectors/sigv4 from the repository root, or
 * wherever DYNALAKE_SIGV4_VECTORS points (the directory that holds
 * aws-c-auth-v4/). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "auth/sigv4.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "sigv4_vectors.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define VECTOR_COUNT 38
#define MAX_HEADERS 32
#define MINUTE_MS ((int64_t)60 * 1000)

/* 2015-08-30T12:36:00Z, the time every vector was signed at. */
#define VECTOR_NOW_MS ((int64_t)1440938160 * 1000)
#define VECTOR_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

static const char *const vector_names[VECTOR_COUNT] = {
    "get-header-key-duplicate",
    "get-header-value-multiline",
    "get-header-value-order",
    "get-header-value-trim",
    "get-relative-normalized",
    "get-relative-relative-normalized",
    "get-relative-relative-unnormalized",
    "get-relative-unnormalized",
    "get-slash-dot-slash-normalized",
    "get-slash-dot-slash-unnormalized",
    "get-slash-normalized",
    "get-slash-pointless-dot-normalized",
    "get-slash-pointless-dot-unnormalized",
    "get-slash-unnormalized",
    "get-slashes-normalized",
    "get-slashes-unnormalized",
    "get-space-normalized",
    "get-space-unnormalized",
    "get-unreserved",
    "get-utf8",
    "get-vanilla",
    "get-vanilla-empty-query-key",
    "get-vanilla-query",
    "get-vanilla-query-order-encoded",
    "get-vanilla-query-order-key-case",
    "get-vanilla-query-unreserved",
    "get-vanilla-utf8-query",
    "get-vanilla-with-session-token",
    "post-header-key-case",
    "post-header-key-sort",
    "post-header-value-case",
    "post-sts-header-after",
    "post-sts-header-before",
    "post-vanilla",
    "post-vanilla-empty-query-value",
    "post-vanilla-query",
    "post-x-www-form-urlencoded",
    "post-x-www-form-urlencoded-parameters",
};

/* --- Vector context ----------------------------------------------------- */

struct context {
    char *access_key_id;
    char *secret;
    char *token;      /* NULL when the case has no session token */
    bool is_normalized;
    bool is_token_unsigned; /* omit_session_token: added after signing */
    int64_t now_ms;
};

static void context_load(struct context *c, const char *name)
{
    size_t len;
    char *text = vector_file(name, "context.json", &len);
    cJSON *root = json_parse(text, len);
    assert_non_null(root);
    const cJSON *cred = json_get(root, "credentials");
    const char *token = json_get_string(cred, "token");
    c->access_key_id = xstrdup(json_get_string(cred, "access_key_id"));
    c->secret = xstrdup(json_get_string(cred, "secret_access_key"));
    c->token = token ? xstrdup(token) : NULL;
    c->is_normalized = cJSON_IsTrue(json_get(root, "normalize"));
    c->is_token_unsigned = cJSON_IsTrue(json_get(root, "omit_session_token"));
    c->now_ms = (int64_t)vector_timestamp(json_get_string(root, "timestamp")) * 1000;
    cJSON_Delete(root);
    free(text);
}

static void context_clear(struct context *c)
{
    free(c->access_key_id);
    free(c->secret);
    free(c->token);
}

/* --- A request as the server receives it -------------------------------- */

struct wire {
    char *text;        /* the signed-request file, unfolded in place */
    struct buf path;   /* percent-encoded as on the wire */
    struct buf query;  /* raw query as on the wire */
    struct sigv4_header headers[MAX_HEADERS];
    char payload_hash[2 * CRYPTO_SHA256_LEN + 1];
    struct sigv4_request req;
};

static bool is_unreserved(unsigned char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
           (ch >= '0' && ch <= '9') || strchr("-._~", ch) != NULL;
}

/* Appends s with the bytes an HTTP client must escape as %XX: for a path,
 * everything but unreserved characters and '/'; for a query, which the
 * vectors already give mostly escaped, only spaces, controls and 8-bit. */
static void put_wire(struct buf *b, const char *s, size_t len, bool is_path)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        bool keep = is_path ? is_unreserved(ch) || ch == '/'
                            : ch > 0x20 && ch < 0x7f;
        if (keep)
            buf_putc(b, (char)ch);
        else
            buf_printf(b, "%%%02X", ch);
    }
}

static void split_headers(struct wire *w, char *line)
{
    size_t n = 0;
    while (*line != '\n' && *line != '\0') {
        char *end = strchr(line, '\n');
        char *colon = strchr(line, ':');
        assert_non_null(end);
        assert_true(colon != NULL && colon < end);
        assert_true(n < MAX_HEADERS);
        w->headers[n].name = (struct str){ line, (size_t)(colon - line) };
        w->headers[n].value =
            (struct str){ colon + 1, (size_t)(end - colon - 1) };
        n++;
        line = end + 1;
    }
    w->req.headers = w->headers;
    w->req.header_count = n;
}

/* Loads a *-signed-request.txt. The request line's path is the decoded
 * path the client signed. S3 clients send it percent-encoded, which the
 * server decodes once and encodes once. Other services' clients sign the
 * path exactly as it goes on the wire and encode it again while signing,
 * so for the normalising (non-S3) cases the wire path is the path given. */
static void wire_load(struct wire *w, const char *name, const char *file,
                      bool is_s3)
{
    size_t len;
    w->text = vector_file(name, file, &len);
    buf_init(&w->path, 0);
    buf_init(&w->query, 0);
    unfold(w->text);
    char *line_end = strchr(w->text, '\n');
    char *sp1 = strchr(w->text, ' ');
    char *sp2 = line_end;
    while (sp2 > sp1 && *sp2 != ' ')
        sp2--;
    assert_true(sp1 != NULL && sp2 > sp1);
    char *target = sp1 + 1;
    size_t target_len = (size_t)(sp2 - target);
    char *qmark = memchr(target, '?', target_len);
    size_t path_len = qmark ? (size_t)(qmark - target) : target_len;
    if (is_s3)
        put_wire(&w->path, target, path_len, true);
    else
        buf_append(&w->path, target, path_len);
    if (qmark)
        put_wire(&w->query, qmark + 1, target_len - path_len - 1, false);
    split_headers(w, line_end + 1);
    char *body = strstr(line_end, "\n\n");
    assert_non_null(body);
    body += 2;
    uint8_t digest[CRYPTO_SHA256_LEN];
    crypto_sha256(body, len - (size_t)(body - w->text), digest);
    crypto_hex(digest, sizeof digest, w->payload_hash);
    w->req.method = (struct str){ w->text, (size_t)(sp1 - w->text) };
    w->req.path = (struct str){ buf_cstr(&w->path), w->path.len };
    w->req.query = (struct str){ buf_cstr(&w->query), w->query.len };
    w->req.payload_hash = str_from(w->payload_hash);
    w->req.is_s3 = is_s3;
}

static void wire_clear(struct wire *w)
{
    free(w->text);
    buf_clear(&w->path);
    buf_clear(&w->query);
}

/* Removes one parameter from the wire query (and from req). */
static void wire_drop_param(struct wire *w, const char *key)
{
    struct buf out;
    struct str rest = w->req.query;
    size_t key_len = strlen(key);
    buf_init(&out, 0);
    while (rest.len) {
        struct str item;
        str_cut(&rest, '&', &item);
        if (item.len > key_len && memcmp(item.ptr, key, key_len) == 0 &&
            item.ptr[key_len] == '=')
            continue;
        if (out.len)
            buf_putc(&out, '&');
        buf_append(&out, item.ptr, item.len);
    }
    buf_clear(&w->query);
    w->query = out;
    w->req.query = (struct str){ buf_cstr(&w->query), w->query.len };
}

static void assert_str_equal_cstr(struct str s, const char *want)
{
    char got[SIGV4_MAX_DECODED];
    assert_true(str_copy(s, got, sizeof got));
    assert_string_equal(got, want);
}

/* --- The vectors -------------------------------------------------------- */

struct vector_case {
    const char *name;
    bool is_query; /* presigned form; else the Authorization header */
};

static char *form_file(const struct vector_case *vc, const char *what,
                       char *out, size_t outlen)
{
    snprintf(out, outlen, "%s-%s.txt", vc->is_query ? "query" : "header",
             what);
    return out;
}

/* Flips one hex digit of the signature to another hex digit. */
static struct str flipped(struct str sig, char *out)
{
    assert_true(sig.len == 64);
    memcpy(out, sig.ptr, 64);
    out[20] = out[20] == '0' ? '1' : '0';
    return (struct str){ out, 64 };
}

static void check_texts(struct sigv4_verifier *v, const struct vector_case *vc)
{
    char file[64];
    char *canonical = expected_text(vc->name,
                                    form_file(vc, "canonical-request", file,
                                              sizeof file));
    char *sts = expected_text(vc->name,
                              form_file(vc, "string-to-sign", file,
                                        sizeof file));
    assert_string_equal(buf_cstr(&v->canonical_request), canonical);
    assert_string_equal(buf_cstr(&v->string_to_sign), sts);
    free(canonical);
    free(sts);
}

static void check_parsed(const struct sigv4_auth *auth,
                         const struct vector_case *vc,
                         const struct context *ctx)
{
    char file[64];
    char *sig = expected_text(vc->name, form_file(vc, "signature", file,
                                                  sizeof file));
    assert_int_equal(auth->form,
                     vc->is_query ? SIGV4_FORM_QUERY : SIGV4_FORM_HEADER);
    assert_str_equal_cstr(auth->access_key_id, ctx->access_key_id);
    assert_str_equal_cstr(auth->scope, "20150830/us-east-1/service/"
                                       "aws4_request");
    assert_str_equal_cstr(auth->region, "us-east-1");
    assert_str_equal_cstr(auth->service, "service");
    assert_str_equal_cstr(auth->signature, sig);
    assert_true(auth->date_ms == ctx->now_ms);
    assert_true(auth->expires_s == (vc->is_query ? 3600 : 0));
    if (ctx->token)
        assert_str_equal_cstr(auth->security_token, ctx->token);
    free(sig);
}

/* An S3-style presigned URL carries the session token among the signed
 * parameters. The "after" case appended it once signed (AWS IoT's habit),
 * which S3 and the other services refuse; without the token the rest of
 * the request verifies, so the token is dropped from w and ctx. */
static void refuse_unsigned_token(struct sigv4_verifier *v, struct wire *w,
                                  struct context *ctx)
{
    struct sigv4_auth auth;
    assert_int_equal(sigv4_parse(&w->req, &auth), SIGV4_PARSE_OK);
    assert_str_equal_cstr(auth.security_token, ctx->token);
    assert_int_equal(sigv4_verify(v, &auth, &w->req, str_from(ctx->secret),
                                  ctx->now_ms),
                     SIGV4_SIGNATURE_MISMATCH);
    wire_drop_param(w, "X-Amz-Security-Token");
    free(ctx->token);
    ctx->token = NULL;
}

static void vector_should_verify(void **state)
{
    const struct vector_case *vc = *state;
    struct context ctx;
    struct wire w;
    struct sigv4_verifier v;
    struct sigv4_auth auth;
    char file[64];
    char sig[64];
    context_load(&ctx, vc->name);
    wire_load(&w, vc->name, form_file(vc, "signed-request", file, sizeof file),
              !ctx.is_normalized);
    sigv4_verifier_init(&v);
    if (vc->is_query && ctx.is_token_unsigned)
        refuse_unsigned_token(&v, &w, &ctx);
    assert_int_equal(sigv4_parse(&w.req, &auth), SIGV4_PARSE_OK);
    check_parsed(&auth, vc, &ctx);
    assert_int_equal(sigv4_verify(&v, &auth, &w.req, str_from(ctx.secret),
                                  ctx.now_ms),
                     SIGV4_OK);
    check_texts(&v, vc);
    auth.signature = flipped(auth.signature, sig);
    assert_int_equal(sigv4_verify(&v, &auth, &w.req, str_from(ctx.secret),
                                  ctx.now_ms),
                     SIGV4_SIGNATURE_MISMATCH);
    check_texts(&v, vc);
    sigv4_verifier_clear(&v);
    wire_clear(&w);
    context_clear(&ctx);
}

static void vectors_directory_should_hold_exactly_the_listed_cases(void **state)
{
    char path[1024];
    size_t found = 0;
    (void)state;
    vector_path(path, sizeof path, "", NULL);
    DIR *dir = opendir(path);
    if (dir == NULL)
        fail_msg("cannot open %s (set DYNALAKE_SIGV4_VECTORS)", path);
    for (struct dirent *e = readdir(dir); e; e = readdir(dir)) {
        if (e->d_name[0] == '.')
            continue;
        bool is_listed = false;
        for (size_t i = 0; i < VECTOR_COUNT; i++)
            is_listed = is_listed || strcmp(e->d_name, vector_names[i]) == 0;
        if (!is_listed)
            fail_msg("vector %s is not in vector_names", e->d_name);
        found++;
    }
    closedir(dir);
    assert_int_equal(found, VECTOR_COUNT);
}

/* --- Bad input: parse rows ---------------------------------------------- */

#define GOOD_CRED "Credential=AKIDEXAMPLE/20150830/us-east-1/service/" \
                  "aws4_request"
#define GOOD_SIG "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d" \
                 "9b8aae1d763fbf31"
#define GOOD_AUTH "AWS4-HMAC-SHA256 " GOOD_CRED \
                  ", SignedHeaders=host;x-amz-date, " GOOD_SIG
#define GOOD_DATE "20150830T123600Z"
#define Q_CRED "X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2F" \
               "service%2Faws4_request"
#define Q_REST "&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host" \
               "&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce41" \
               "44713e844b25b7192d3865d"
#define Q_ALG "X-Amz-Algorithm=AWS4-HMAC-SHA256&"

struct parse_row {
    const char *name;
    const char *authorization; /* NULL: no Authorization header */
    const char *date;          /* X-Amz-Date header; NULL: none */
    const char *query;
    bool has_two_authorizations;
    enum sigv4_parse_result want;
    const char *message; /* a substring of auth.message */
};

static const struct parse_row parse_rows[] = {
    { "parse_should_find_no_auth_in_a_bare_request", NULL, NULL, "", false,
      SIGV4_PARSE_MISSING, "" },
    { "parse_should_find_no_auth_among_ordinary_query_parameters", NULL,
      GOOD_DATE, "list-type=2&prefix=a%2Fb&X-Amz-Date=x", false,
      SIGV4_PARSE_MISSING, "" },
    { "parse_should_accept_a_well_formed_authorization_header", GOOD_AUTH,
      GOOD_DATE, "", false, SIGV4_PARSE_OK, "" },
    { "parse_should_accept_fields_in_any_order_without_spaces",
      "AWS4-HMAC-SHA256 " GOOD_SIG ",SignedHeaders=host;x-amz-date,"
      GOOD_CRED, GOOD_DATE, "", false, SIGV4_PARSE_OK, "" },
    { "parse_should_reject_a_header_without_credential",
      "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, " GOOD_SIG, GOOD_DATE,
      "", false, SIGV4_PARSE_MALFORMED, "requires 'Credential' parameter" },
    { "parse_should_reject_a_header_without_signed_headers",
      "AWS4-HMAC-SHA256 " GOOD_CRED ", " GOOD_SIG, GOOD_DATE, "", false,
      SIGV4_PARSE_MALFORMED, "requires 'SignedHeaders' parameter" },
    { "parse_should_reject_a_header_without_signature",
      "AWS4-HMAC-SHA256 " GOOD_CRED ", SignedHeaders=host", GOOD_DATE, "",
      false, SIGV4_PARSE_MALFORMED, "requires 'Signature' parameter" },
    { "parse_should_reject_an_empty_signature",
      "AWS4-HMAC-SHA256 " GOOD_CRED ", SignedHeaders=host, Signature=",
      GOOD_DATE, "", false, SIGV4_PARSE_MALFORMED, "signature is empty" },
    { "parse_should_reject_an_unknown_algorithm",
      "AWS4-HMAC-SHA512 " GOOD_CRED ", SignedHeaders=host, " GOOD_SIG,
      GOOD_DATE, "", false, SIGV4_PARSE_MALFORMED,
      "Unsupported Authorization Type" },
    { "parse_should_reject_a_sigv2_authorization_header",
      "AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=", GOOD_DATE, "", false,
      SIGV4_PARSE_MALFORMED, "Unsupported Authorization Type" },
    { "parse_should_reject_garbage", "\x01\xff garbage ,,, ==", GOOD_DATE,
      "", false, SIGV4_PARSE_MALFORMED, "Unsupported Authorization Type" },
    { "parse_should_reject_garbage_after_the_algorithm",
      "AWS4-HMAC-SHA256 ,,,=", GOOD_DATE, "", false, SIGV4_PARSE_MALFORMED,
      "unknown field" },
    { "parse_should_reject_an_unknown_authorization_field",
      GOOD_AUTH ", Foo=bar", GOOD_DATE, "", false, SIGV4_PARSE_MALFORMED,
      "unknown field: 'Foo'" },
    { "parse_should_reject_a_field_name_in_the_wrong_case",
      "AWS4-HMAC-SHA256 credential=AKIDEXAMPLE/20150830/us-east-1/service/"
      "aws4_request, SignedHeaders=host, " GOOD_SIG, GOOD_DATE, "", false,
      SIGV4_PARSE_MALFORMED, "unknown field: 'credential'" },
    { "parse_should_reject_a_duplicated_authorization_field",
      GOOD_AUTH ", " GOOD_SIG, GOOD_DATE, "", false, SIGV4_PARSE_MALFORMED,
      "repeats the 'Signature' field" },
    { "parse_should_reject_two_authorization_headers", GOOD_AUTH, GOOD_DATE,
      "", true, SIGV4_PARSE_MALFORMED, "more than one Authorization" },
    { "parse_should_reject_a_credential_with_too_few_parts",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/"
      "aws4_request, SignedHeaders=host, " GOOD_SIG, GOOD_DATE, "", false,
      SIGV4_PARSE_MALFORMED, "Credential is mal-formed" },
    { "parse_should_reject_a_credential_with_an_empty_key_id",
      "AWS4-HMAC-SHA256 Credential=/20150830/us-east-1/service/aws4_request,"
      " SignedHeaders=host, " GOOD_SIG, GOOD_DATE, "", false,
      SIGV4_PARSE_MALFORMED, "Credential is mal-formed" },
    { "parse_should_reject_a_credential_with_a_wrong_terminator",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
      "aws4_requesx, SignedHeaders=host, " GOOD_SIG, GOOD_DATE, "", false,
      SIGV4_PARSE_MALFORMED, "not 'aws4_requesx'" },
    { "parse_should_reject_a_scope_date_other_than_the_request_day",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150831/us-east-1/service/"
      "aws4_request, SignedHeaders=host, " GOOD_SIG, GOOD_DATE, "", false,
      SIGV4_PARSE_MALFORMED, "'20150831' != '20150830'" },
    { "parse_should_reject_signed_headers_without_host",
      "AWS4-HMAC-SHA256 " GOOD_CRED ", SignedHeaders=x-amz-date, " GOOD_SIG,
      GOOD_DATE, "", false, SIGV4_PARSE_MALFORMED,
      "'Host' must be a 'SignedHeader'" },
    { "parse_should_reject_an_empty_signed_header_name",
      "AWS4-HMAC-SHA256 " GOOD_CRED ", SignedHeaders=host;;x-amz-date, "
      GOOD_SIG, GOOD_DATE, "", false, SIGV4_PARSE_MALFORMED,
      "empty header name" },
    { "parse_should_reject_a_header_without_x_amz_date", GOOD_AUTH, NULL, "",
      false, SIGV4_PARSE_MALFORMED, "'X-Amz-Date' or a 'Date' header" },
    { "parse_should_reject_an_extended_iso_date", GOOD_AUTH,
      "2015-08-30T12:36:00Z", "", false, SIGV4_PARSE_MALFORMED,
      "ISO-8601 'basic format'" },
    { "parse_should_reject_a_date_that_does_not_exist", GOOD_AUTH,
      "20150230T123600Z", "", false, SIGV4_PARSE_MALFORMED,
      "ISO-8601 'basic format'" },
    { "parse_should_reject_both_auth_mechanisms_at_once", GOOD_AUTH,
      GOOD_DATE, Q_ALG Q_CRED "&X-Amz-Expires=60" Q_REST, false,
      SIGV4_PARSE_MALFORMED, "Only one auth mechanism" },
    { "parse_should_accept_a_well_formed_presigned_query", NULL, NULL,
      Q_ALG Q_CRED "&X-Amz-Expires=3600" Q_REST, false, SIGV4_PARSE_OK, "" },
    { "parse_should_accept_the_longest_presign_of_seven_days", NULL, NULL,
      Q_ALG Q_CRED "&X-Amz-Expires=604800" Q_REST, false, SIGV4_PARSE_OK,
      "" },
    { "parse_should_reject_a_presign_without_expires", NULL, NULL,
      Q_ALG Q_CRED Q_REST, false, SIGV4_PARSE_MALFORMED,
      "requires the X-Amz-Algorithm" },
    { "parse_should_reject_a_presign_without_algorithm", NULL, NULL,
      Q_CRED "&X-Amz-Expires=60" Q_REST, false, SIGV4_PARSE_MALFORMED,
      "requires the X-Amz-Algorithm" },
    { "parse_should_reject_a_presign_with_an_unknown_algorithm", NULL, NULL,
      "X-Amz-Algorithm=AWS4-HMAC-SHA1&" Q_CRED "&X-Amz-Expires=60" Q_REST,
      false, SIGV4_PARSE_MALFORMED, "only supports \"AWS4-HMAC-SHA256\"" },
    { "parse_should_reject_expires_over_seven_days", NULL, NULL,
      Q_ALG Q_CRED "&X-Amz-Expires=604801" Q_REST, false,
      SIGV4_PARSE_MALFORMED, "less than a week" },
    { "parse_should_reject_expires_of_zero", NULL, NULL,
      Q_ALG Q_CRED "&X-Amz-Expires=0" Q_REST, false, SIGV4_PARSE_MALFORMED,
      "at least 1" },
    { "parse_should_reject_negative_expires", NULL, NULL,
      Q_ALG Q_CRED "&X-Amz-Expires=-5" Q_REST, false, SIGV4_PARSE_MALFORMED,
      "non-negative" },
    { "parse_should_reject_expires_that_is_not_a_number", NULL, NULL,
      Q_ALG Q_CRED "&X-Amz-Expires=1h" Q_REST, false, SIGV4_PARSE_MALFORMED,
      "should be a number" },
    { "parse_should_reject_a_duplicated_presign_parameter", NULL, NULL,
      Q_ALG Q_CRED "&" Q_CRED "&X-Amz-Expires=60" Q_REST, false,
      SIGV4_PARSE_MALFORMED, "repeats the X-Amz-Credential parameter" },
    { "parse_should_reject_a_presign_without_host_among_signed_headers",
      NULL, NULL,
      Q_ALG Q_CRED "&X-Amz-Expires=60&X-Amz-SignedHeaders=x-amz-date"
      "&X-Amz-Date=20150830T123600Z&X-Amz-Signature=00", false,
      SIGV4_PARSE_MALFORMED, "'Host' must be a 'SignedHeader'" },
    { "parse_should_reject_a_presign_with_a_malformed_credential", NULL,
      NULL, Q_ALG "X-Amz-Credential=AKIDEXAMPLE&X-Amz-Expires=60" Q_REST,
      false, SIGV4_PARSE_MALFORMED, "X-Amz-Credential parameter" },
    { "parse_should_reject_a_presign_with_a_malformed_date", NULL, NULL,
      Q_ALG Q_CRED "&X-Amz-Expires=60&X-Amz-Date=2015&X-Amz-SignedHeaders="
      "host&X-Amz-Signature=00", false, SIGV4_PARSE_MALFORMED,
      "ISO8601 Long Format" },
    { "parse_should_reject_a_sigv2_presigned_url", NULL, NULL,
      "AWSAccessKeyId=AKIDEXAMPLE&Expires=1440941760&Signature=abc", false,
      SIGV4_PARSE_MALFORMED, "version 2 is not supported" },
};

#define PARSE_ROWS (sizeof parse_rows / sizeof parse_rows[0])

static void parse_row_should_hold(void **state)
{
    const struct parse_row *row = *state;
    struct sigv4_header h[4];
    size_t n = 0;
    struct sigv4_auth auth;
    h[n++] = (struct sigv4_header){ STR_LIT("Host"),
                                    STR_LIT("example.amazonaws.com") };
    if (row->date)
        h[n++] = (struct sigv4_header){ STR_LIT("X-Amz-Date"),
                                        str_from(row->date) };
    for (int i = 0; row->authorization && i < 1 + row->has_two_authorizations;
         i++)
        h[n++] = (struct sigv4_header){ STR_LIT("Authorization"),
                                        str_from(row->authorization) };
    struct sigv4_request req = {
        .method = STR_LIT("GET"),
        .path = STR_LIT("/"),
        .query = str_from(row->query),
        .headers = h,
        .header_count = n,
        .payload_hash = STR_LIT("UNSIGNED-PAYLOAD"),
        .is_s3 = true,
    };
    assert_int_equal(sigv4_parse(&req, &auth), row->want);
    if (strstr(auth.message, row->message) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", auth.message, row->message);
}

/* --- Bad input: clock rows ---------------------------------------------- */

struct clock_row {
    const char *name;
    bool is_query;     /* get-vanilla presigned; else its header form */
    int64_t offset_ms; /* now minus the signing time */
    enum sigv4_status want;
};

static const struct clock_row clock_rows[] = {
    { "verify_should_accept_a_header_signed_fifteen_minutes_ago", false,
      15 * MINUTE_MS, SIGV4_OK },
    { "verify_should_reject_a_header_signed_over_fifteen_minutes_ago",
      false, 15 * MINUTE_MS + 1000, SIGV4_SKEWED },
    { "verify_should_accept_a_header_signed_fifteen_minutes_ahead", false,
      -15 * MINUTE_MS, SIGV4_OK },
    { "verify_should_reject_a_header_signed_over_fifteen_minutes_ahead",
      false, -15 * MINUTE_MS - 1000, SIGV4_SKEWED },
    { "verify_should_accept_a_presign_at_its_last_valid_second", true,
      3600 * 1000, SIGV4_OK },
    { "verify_should_reject_an_expired_presign", true, 3601 * 1000,
      SIGV4_EXPIRED },
    { "verify_should_accept_a_presign_used_long_after_the_skew_window",
      true, 30 * MINUTE_MS, SIGV4_OK },
    { "verify_should_reject_a_presign_dated_over_fifteen_minutes_ahead",
      true, -15 * MINUTE_MS - 1000, SIGV4_SKEWED },
};

#define CLOCK_ROWS (sizeof clock_rows / sizeof clock_rows[0])

static void clock_row_should_hold(void **state)
{
    const struct clock_row *row = *state;
    struct wire w;
    struct sigv4_verifier v;
    struct sigv4_auth auth;
    wire_load(&w, "get-vanilla",
              row->is_query ? "query-signed-request.txt"
                            : "header-signed-request.txt",
              false);
    sigv4_verifier_init(&v);
    assert_int_equal(sigv4_parse(&w.req, &auth), SIGV4_PARSE_OK);
    assert_int_equal(sigv4_verify(&v, &auth, &w.req, STR_LIT(VECTOR_SECRET),
                                  VECTOR_NOW_MS + row->offset_ms),
                     row->want);
    sigv4_verifier_clear(&v);
    wire_clear(&w);
}

/* --- Other behaviour ---------------------------------------------------- */

/* The canonical URI line the verifier signs for path. */
static void canonical_uri(const char *path, bool is_s3, char *out,
                          size_t outlen)
{
    struct sigv4_header h[] = {
        { STR_LIT("Host"), STR_LIT("example.amazonaws.com") },
        { STR_LIT("X-Amz-Date"), STR_LIT(GOOD_DATE) },
        { STR_LIT("Authorization"), STR_LIT(GOOD_AUTH) },
    };
    struct sigv4_request req = {
        .method = STR_LIT("GET"), .path = str_from(path),
        .query = STR_LIT(""), .headers = h, .header_count = 3,
        .payload_hash = STR_LIT("UNSIGNED-PAYLOAD"), .is_s3 = is_s3,
    };
    struct sigv4_auth auth;
    struct sigv4_verifier v;
    sigv4_verifier_init(&v);
    assert_int_equal(sigv4_parse(&req, &auth), SIGV4_PARSE_OK);
    sigv4_verify(&v, &auth, &req, STR_LIT(VECTOR_SECRET), VECTOR_NOW_MS);
    const char *text = buf_cstr(&v.canonical_request);
    const char *start = strchr(text, '\n') + 1;
    size_t len = (size_t)(strchr(start, '\n') - start);
    assert_true(len < outlen);
    memcpy(out, start, len);
    out[len] = '\0';
    sigv4_verifier_clear(&v);
}

static void canonical_uri_should_follow_s3_and_other_service_rules(void **state)
{
    static const struct {
        const char *path;
        bool is_s3;
        const char *want;
    } rows[] = {
        { "/a%20b/%E1%88%B4", true, "/a%20b/%E1%88%B4" },
        { "/a%20b/%E1%88%B4", false, "/a%2520b/%25E1%2588%25B4" },
        { "/a+b=c", true, "/a%2Bb%3Dc" },
        { "/a%2fb", true, "/a%2Fb" },
        { "//x/./y/../", true, "//x/./y/../" },
        { "//x/./y/../", false, "/x/" },
        { "/%zz%4", true, "/%25zz%254" },
        { "", true, "/" },
        { "/../..", false, "/" },
    };
    char got[256];
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        canonical_uri(rows[i].path, rows[i].is_s3, got, sizeof got);
        if (strcmp(got, rows[i].want) != 0)
            fail_msg("%s (%s): got %s, want %s", rows[i].path,
                     rows[i].is_s3 ? "s3" : "other", got, rows[i].want);
    }
}

static void key_cache_should_never_confuse_secrets(void **state)
{
    struct wire w;
    struct sigv4_verifier v;
    struct sigv4_auth auth;
    (void)state;
    wire_load(&w, "get-vanilla", "header-signed-request.txt", false);
    sigv4_verifier_init(&v);
    assert_int_equal(sigv4_parse(&w.req, &auth), SIGV4_PARSE_OK);
    for (int round = 0; round < 2; round++) {
        assert_int_equal(sigv4_verify(&v, &auth, &w.req,
                                      STR_LIT(VECTOR_SECRET), VECTOR_NOW_MS),
                         SIGV4_OK);
        assert_int_equal(sigv4_verify(&v, &auth, &w.req,
                                      STR_LIT(VECTOR_SECRET "x"),
                                      VECTOR_NOW_MS),
                         SIGV4_SIGNATURE_MISMATCH);
        assert_int_equal(sigv4_verify(&v, &auth, &w.req, STR_LIT(""),
                                      VECTOR_NOW_MS),
                         SIGV4_SIGNATURE_MISMATCH);
    }
    sigv4_verifier_clear(&v);
    wire_clear(&w);
}

static void signature_should_match_in_upper_case_hex_but_not_truncated(
    void **state)
{
    struct wire w;
    struct sigv4_verifier v;
    struct sigv4_auth auth;
    char sig[64];
    (void)state;
    wire_load(&w, "get-vanilla", "header-signed-request.txt", false);
    sigv4_verifier_init(&v);
    assert_int_equal(sigv4_parse(&w.req, &auth), SIGV4_PARSE_OK);
    memcpy(sig, auth.signature.ptr, 64);
    for (size_t i = 0; i < 64; i++)
        sig[i] = sig[i] >= 'a' ? (char)(sig[i] - 'a' + 'A') : sig[i];
    auth.signature = (struct str){ sig, 64 };
    assert_int_equal(sigv4_verify(&v, &auth, &w.req, STR_LIT(VECTOR_SECRET),
                                  VECTOR_NOW_MS),
                     SIGV4_OK);
    auth.signature = (struct str){ sig, 63 };
    assert_int_equal(sigv4_verify(&v, &auth, &w.req, STR_LIT(VECTOR_SECRET),
                                  VECTOR_NOW_MS),
                     SIGV4_SIGNATURE_MISMATCH);
    sigv4_verifier_clear(&v);
    wire_clear(&w);
}

/* The S3 streaming worked example's seed: an S3 path, the streaming
 * payload literal as the payload hash, and a Content-Length signed. */
static void s3_streaming_seed_should_verify_with_its_canonical_request(
    void **state)
{
    char path[1024];
    size_t len;
    int n = snprintf(path, sizeof path, "%s/s3-streaming-example.json",
                     vectors_root());
    assert_true(n > 0 && (size_t)n < sizeof path);
    char *text = slurp(path, &len);
    cJSON *root = json_parse(text, len);
    const cJSON *request = json_get(root, "request");
    const cJSON *pair;
    struct sigv4_header h[MAX_HEADERS];
    size_t count = 0;
    struct sigv4_auth auth;
    struct sigv4_verifier v;
    (void)state;
    assert_non_null(request);
    cJSON_ArrayForEach(pair, json_get(request, "headers"))
    {
        assert_true(count + 1 < MAX_HEADERS);
        h[count++] = (struct sigv4_header){
            str_from(cJSON_GetArrayItem(pair, 0)->valuestring),
            str_from(cJSON_GetArrayItem(pair, 1)->valuestring) };
    }
    h[count++] = (struct sigv4_header){
        STR_LIT("Authorization"),
        str_from(json_get_string(root, "authorization")) };
    struct sigv4_request req = {
        .method = str_from(json_get_string(request, "method")),
        .path = str_from(json_get_string(request, "path")),
        .query = STR_LIT(""), .headers = h, .header_count = count,
        .payload_hash = STR_LIT("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
        .is_s3 = true,
    };
    sigv4_verifier_init(&v);
    assert_int_equal(sigv4_parse(&req, &auth), SIGV4_PARSE_OK);
    assert_int_equal(sigv4_verify(&v, &auth, &req,
                                  str_from(json_get_string(
                                      json_get(root, "credentials"),
                                      "secret_access_key")),
                                  auth.date_ms + 1000),
                     SIGV4_OK);
    assert_string_equal(buf_cstr(&v.canonical_request),
                        json_get_string(root, "canonical_request"));
    sigv4_verifier_clear(&v);
    cJSON_Delete(root);
    free(text);
}

/* --- Runner ------------------------------------------------------------- */

#define VECTOR_TESTS (2 * VECTOR_COUNT)
#define OTHER_TESTS 5
#define ALL_TESTS (VECTOR_TESTS + PARSE_ROWS + CLOCK_ROWS + OTHER_TESTS)

static struct CMUnitTest row_test(const char *name,
                                  void (*fn)(void **state),
                                  const void *row)
{
    return (struct CMUnitTest){ .name = name, .test_func = fn,
                                .initial_state = (void *)(uintptr_t)row };
}

int main(void)
{
    static struct vector_case cases[VECTOR_TESTS];
    static char names[VECTOR_TESTS][128];
    struct CMUnitTest tests[ALL_TESTS];
    size_t n = 0;
    mem_install_cjson_hooks();
    for (size_t i = 0; i < VECTOR_TESTS; i++) {
        cases[i] = (struct vector_case){ vector_names[i / 2], i % 2 == 1 };
        snprintf(names[i], sizeof names[i],
                 "vector %s signed by %s should verify exactly", cases[i].name,
                 cases[i].is_query ? "query" : "header");
        tests[n++] = row_test(names[i], vector_should_verify, &cases[i]);
    }
    for (size_t i = 0; i < PARSE_ROWS; i++)
        tests[n++] = row_test(parse_rows[i].name, parse_row_should_hold,
                              &parse_rows[i]);
    for (size_t i = 0; i < CLOCK_ROWS; i++)
        tests[n++] = row_test(clock_rows[i].name, clock_row_should_hold,
                              &clock_rows[i]);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(
        vectors_directory_should_hold_exactly_the_listed_cases);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(
        canonical_uri_should_follow_s3_and_other_service_rules);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(
        key_cache_should_never_confuse_secrets);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(
        signature_should_match_in_upper_case_hex_but_not_truncated);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(
        s3_streaming_seed_should_verify_with_its_canonical_request);
    return cmocka_run_group_tests_name("sigv4", tests, NULL, NULL);
}
