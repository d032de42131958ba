/* The harness's AWS client: endpoint and credential resolution, SigV4
 * (aws_sign.c), one keep-alive connection per client over libcurl, the AWS
 * standard retry policy, and errors surfaced with their AWS code and
 * message. Typed calls live in aws_ddb.c, aws_streams.c and aws_s3.c; aws.c
 * is the only file that sees curl.h. The same code talks to real AWS, to
 * dynalake, to MinIO or to Alternator: only the endpoint changes. */
#ifndef DYNALAKE_AWS_H
#define DYNALAKE_AWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/* The AWS standard retry mode's defaults (AWS SDKs and Tools reference,
 * "Retry behavior"): 3 attempts, backoff capped at 20 s, a retry quota of
 * 500 tokens costing 5 per retry (10 after a timeout). The base delay is the
 * one the Java SDK v2 uses in standard mode. */
#define AWS_RETRY_DEFAULT_ATTEMPTS 3
#define AWS_RETRY_BASE_MS 100
#define AWS_RETRY_MAX_BACKOFF_MS 20000
#define AWS_RETRY_QUOTA 500
#define AWS_RETRY_COST 5
#define AWS_RETRY_TIMEOUT_COST 10

#define AWS_ERROR_CODE_MAX 128
#define AWS_ERROR_MESSAGE_MAX 1024

/* Where and as whom to call. Strings are owned (aws_config_clear frees
 * them); endpoint NULL means AWS's public endpoint for each service. */
struct aws_config {
    char *endpoint;       /* "http://127.0.0.1:4566", no trailing slash */
    char *region;         /* never NULL after aws_config_load */
    char *access_key_id;
    char *secret_access_key;
    char *session_token;  /* NULL for long-term credentials */
    long connect_timeout_ms;
    long timeout_ms;      /* whole request */
    int max_attempts;     /* first try included; >= 1 */
    long retry_base_ms;
    long retry_max_backoff_ms;
};

/* Fills cfg from the standard sources: endpoint from endpoint_override,
 * else AWS_ENDPOINT_URL; region from AWS_REGION, else AWS_DEFAULT_REGION,
 * else us-east-1; credentials from AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, else the profile AWS_PROFILE
 * (default "default") of AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials;
 * attempts from AWS_MAX_ATTEMPTS. Returns 0, or -1 with a reason in err
 * when no credentials are found. */
int aws_config_load(struct aws_config *cfg, const char *endpoint_override,
                    char *err, size_t errlen);
void aws_config_clear(struct aws_config *cfg);

/* Reads [profile] from an INI credentials file into cfg's credentials.
 * Returns 0 when the profile has both keys, -1 otherwise. */
int aws_config_read_profile(struct aws_config *cfg, const char *path,
                            const char *profile);

/* What went wrong with the last call. code is the AWS error code (the JSON
 * __type after '#', the XML <Code>), or a transport reason such as
 * "NetworkError"; status is the HTTP status (0 without a response). */
struct aws_error {
    long status;
    char code[AWS_ERROR_CODE_MAX];
    char message[AWS_ERROR_MESSAGE_MAX];
};

/* Fills err from an error response: the JSON 1.0 shape
 * {"__type":"ns#Code","message":"..."} or the XML
 * <Error><Code>..</Code><Message>..</Message></Error> of S3 and STS; a
 * bodiless error (HEAD) gets a code derived from the status. */
void aws_error_parse(long status, const char *body, size_t len,
                     struct aws_error *err);

/* Copies the text of the first <tag>...</tag> within body[0..len), XML
 * entities decoded and truncated to outlen - 1 bytes. Returns false when
 * the element is absent. */
bool aws_xml_text(const char *body, size_t len, const char *tag, char *out,
                  size_t outlen);

/* True when the AWS standard policy retries this outcome: throttling codes,
 * transient codes, 5xx statuses and transport failures (status 0). */
bool aws_error_is_retryable(const struct aws_error *err);
bool aws_error_is_throttling(const char *code);

/* The standard policy's delay before retry number attempt (1 for the first
 * retry): u * min(base * 2^(attempt-1), max), u uniform in [0, 1) — the
 * "full jitter" backoff. */
long aws_retry_delay_ms(long base_ms, long max_ms, int attempt, double u);

/* A retry policy's moving parts, replaceable for tests: random in [0, 1)
 * and sleeping. NULL members use the real ones. */
struct aws_retry_hooks {
    double (*random)(void *ctx);
    void (*sleep_ms)(void *ctx, long ms);
    void *ctx;
};

/* Percent-encodes s as SigV4 canonical form does: unreserved characters
 * (A-Z a-z 0-9 - . _ ~) kept, everything else %XX upper case; '/' kept when
 * keep_slash (S3 object keys in paths). */
void aws_uri_encode(struct buf *out, const char *s, size_t len,
                    bool keep_slash);

/* One query parameter; value may be "" but not NULL. */
struct aws_param {
    const char *name;
    const char *value;
};

/* Appends "?a=1&b=2" with names sorted (by encoded name, then value) and
 * both encoded: libcurl 7.88 signs the query as given, so it must already
 * be canonical. Appends nothing for n == 0. */
void aws_query_write(struct buf *out, const struct aws_param *params,
                     size_t n);

/* A request as the typed calls describe it. */
struct aws_request {
    const char *service;   /* signing name: "dynamodb", "s3" */
    const char *host_prefix; /* endpoint host for AWS: "dynamodb",
                              * "streams.dynamodb", "s3" */
    const char *bucket;    /* S3: the bucket (path- or host-style), or NULL */
    const char *method;    /* "GET", "POST", "PUT", "DELETE", "HEAD" */
    const char *path;      /* unencoded, starting with '/'; for S3 the key
                            * part after the bucket */
    const struct aws_param *params;
    size_t n_params;
    const char *const *headers; /* "Name: value", NULL-terminated; or NULL */
    const char *body;
    size_t body_len;
};

struct aws_client;

/* A client with its own connection (kept alive between calls). cfg is
 * copied. Caller frees with aws_client_free. */
struct aws_client *aws_client_new(const struct aws_config *cfg);
void aws_client_free(struct aws_client *c);

/* Replaces the retry hooks (tests). */
void aws_client_set_retry_hooks(struct aws_client *c,
                                const struct aws_retry_hooks *hooks);

/* Sends req, retrying by the standard policy. On a 2xx answer returns 0
 * with the body in out (reset first). Otherwise returns -1 with the error
 * in aws_client_error(c) (and the error body in out). */
int aws_client_send(struct aws_client *c, const struct aws_request *req,
                    struct buf *out);

/* The last call's error; borrowed, valid until the next call. */
const struct aws_error *aws_client_error(const struct aws_client *c);

/* Retries made so far by this client (every attempt past a call's first). */
uint64_t aws_client_retries(const struct aws_client *c);

/* The URL req would be sent to (tests and messages). */
void aws_client_url(const struct aws_client *c, const struct aws_request *req,
                    struct buf *out);

#endif
