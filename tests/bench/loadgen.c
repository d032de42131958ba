/* The benchmark load generator behind `make bench`: drives one endpoint
 * (dynalake, a peer such as dynalite, or a floor server) with one workload
 * row from workload.c over N keep-alive connections through libcurl's multi
 * interface, every request SigV4-signed, and reports requests/s, latency
 * percentiles and the server's CPU time per request. It runs one (workload,
 * concurrency) pair per invocation; scripts/bench does the rest. */
#include "sign.h"
#include "stats.h"
#include "workload.h"

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Room for a 25-item BatchWriteItem with slack; S3 objects are sent from
 * the workload's own payload buffer. */
#define LG_BODY_CAP 65536
/* Response bytes kept per request unless the row reads whole answers:
 * enough for an AWS error message. */
#define LG_RESP_KEEP 1024
/* A run that has not drained this long after its end has hung. */
#define LG_DRAIN_LIMIT_NS 10000000000ull
/* Connections at most: past this only the client would be measured. */
#define LG_MAX_CONCURRENCY 256

enum signer { SIGNER_OWN, SIGNER_CURL, SIGNER_NONE };

struct options {
    const char *url;       /* "http://127.0.0.1:PORT", no trailing '/' */
    const char *workload;
    const char *label;     /* target name in the output */
    const char *jsonl;     /* append one JSON line here; NULL for none */
    const char *access_key;
    const char *secret;
    const char *region;
    const char *table;
    unsigned concurrency;
    double warmup_s;
    double duration_s;
    uint64_t requests;     /* bound by count instead of time when > 0 */
    uint32_t keys;         /* prefilled key space */
    pid_t server_pid;      /* 0: no server CPU figures */
    enum signer signer;
    int skip_setup;        /* floor servers answer everything with 200 */
    int setup_only;        /* prepare the data, measure nothing */
    int print_header;
    int list;              /* --list: print the rows and their peers */
};

struct slot {
    CURL *easy;
    struct curl_slist *headers; /* owned; rebuilt per request */
    struct wl_request req;
    unsigned index;
    char *body;                 /* owned, LG_BODY_CAP bytes */
    char url[WL_TOKEN_CAP * 3 + 512];
    char *resp;                 /* owned, NUL-terminated */
    size_t resp_len;
    size_t resp_cap;
    int keep_all;               /* keep the whole body, not its first KiB */
    uint64_t started_ns;
};

struct engine {
    const struct options *opt;
    CURLM *multi;
    struct sign_key key;
    char host[256]; /* Host header value, signed */
    struct slot *slots;
    unsigned n_slots;
};

/* When a run stops: after warmup plus duration, or after max_requests. */
struct plan {
    unsigned concurrency;
    uint64_t warmup_ns;
    uint64_t duration_ns;
    uint64_t max_requests;
};

struct result {
    uint64_t requests;
    uint64_t items;        /* what the row's done() counted */
    uint64_t errors;
    uint64_t elapsed_ns;
    int64_t server_cpu_us; /* -1 when unknown */
    int64_t client_cpu_us;
    struct stats_samples latency;
};

static size_t keep_response(char *data, size_t size, size_t n, void *cls)
{
    struct slot *s = cls;
    size_t len = size * n;
    if (s->keep_all && s->resp_len + len + 1 > s->resp_cap) {
        size_t cap = s->resp_cap * 2;
        while (cap < s->resp_len + len + 1)
            cap *= 2;
        char *grown = realloc(s->resp, cap);
        if (grown == NULL)
            return 0;
        s->resp = grown;
        s->resp_cap = cap;
    }
    size_t limit = s->keep_all ? s->resp_cap : LG_RESP_KEEP;
    size_t room = limit - 1 - s->resp_len;
    size_t take = len < room ? len : room;
    memcpy(s->resp + s->resp_len, data, take);
    s->resp_len += take;
    s->resp[s->resp_len] = '\0';
    return len;
}

static void add_header(struct slot *s, const char *name, const char *value)
{
    char line[SIGN_AUTH_LEN + 64];
    snprintf(line, sizeof line, "%s: %s", name, value);
    s->headers = curl_slist_append(s->headers, line);
}

/* Our own signer: the header values come from sign.c. */
static int sign_headers(struct engine *e, struct slot *s)
{
    struct sign_request sr = {
        .method = s->req.method, .host = e->host, .path = s->req.path,
        .query = s->req.query, .content_type = s->req.content_type,
        .target = s->req.target, .body = s->req.body,
        .body_len = s->req.body_len, .payload_hash = s->req.payload_hash,
    };
    struct sign_headers h;
    if (sign_request(&e->key, &sr, time(NULL), &h) < 0)
        return -1;
    add_header(s, "X-Amz-Date", h.date);
    if (sign_wants_payload_header(&e->key))
        add_header(s, "X-Amz-Content-Sha256", h.payload_hash);
    add_header(s, "Authorization", h.authorization);
    return 0;
}

static void set_method(struct slot *s)
{
    CURL *c = s->easy;
    if (strcmp(s->req.method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
        return;
    }
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, s->req.body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                     (curl_off_t)s->req.body_len);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST,
                     strcmp(s->req.method, "POST") == 0 ? NULL
                                                        : s->req.method);
}

/* Points the slot's easy handle at the request in s->req. */
static int prepare(struct engine *e, struct slot *s)
{
    const struct wl_request *r = &s->req;
    snprintf(s->url, sizeof s->url, "%s%s%s%s", e->opt->url, r->path,
             r->query[0] ? "?" : "", r->query);
    curl_easy_setopt(s->easy, CURLOPT_URL, s->url);
    curl_slist_free_all(s->headers);
    s->headers = NULL;
    /* An empty Expect stops curl from waiting for 100-continue on bodies
     * past 1 KiB; AWS SDKs do not wait either for DynamoDB. */
    s->headers = curl_slist_append(s->headers, "Expect:");
    if (r->content_type)
        add_header(s, "Content-Type", r->content_type);
    if (r->target)
        add_header(s, "X-Amz-Target", r->target);
    if (e->opt->signer == SIGNER_OWN && sign_headers(e, s) < 0)
        return -1;
    curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
    set_method(s);
    s->resp_len = 0;
    s->resp[0] = '\0';
    return 0;
}

static int slot_init(struct engine *e, struct slot *s)
{
    s->easy = curl_easy_init();
    s->body = malloc(LG_BODY_CAP);
    s->resp_cap = LG_RESP_KEEP;
    s->resp = malloc(s->resp_cap);
    if (s->easy == NULL || s->body == NULL || s->resp == NULL)
        return -1;
    CURL *c = s->easy;
    curl_easy_setopt(c, CURLOPT_PRIVATE, s);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_response);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    /* An explicit empty proxy keeps curl from reading the *_proxy
     * environment variables on every transfer. */
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    if (e->opt->signer == SIGNER_CURL) {
        char scope[96], userpwd[260];
        snprintf(scope, sizeof scope, "aws:amz:%s:%s", e->opt->region,
                 e->key.service);
        snprintf(userpwd, sizeof userpwd, "%s:%s", e->opt->access_key,
                 e->opt->secret);
        curl_easy_setopt(c, CURLOPT_AWS_SIGV4, scope);
        curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
    }
    return 0;
}

static void slot_clear(struct slot *s)
{
    if (s->easy)
        curl_easy_cleanup(s->easy);
    curl_slist_free_all(s->headers);
    free(s->body);
    free(s->resp);
}

/* wl_client.call: one blocking request on slot 0, outside the multi. */
static int blocking_call(void *ctx, struct wl_request *req, long *status,
                         char *resp, size_t cap)
{
    struct engine *e = ctx;
    struct slot *s = &e->slots[0];
    s->req = *req;
    if (req->path == req->path_buf)
        s->req.path = s->req.path_buf;
    if (req->query == req->query_buf)
        s->req.query = s->req.query_buf;
    if (req->body != s->body && req->body_len <= LG_BODY_CAP) {
        size_t n = req->body_len < LG_BODY_CAP ? req->body_len : LG_BODY_CAP;
        memcpy(s->body, req->body, n);
        s->req.body = s->body;
        s->req.body_len = n;
    }
    if (prepare(e, s) < 0)
        return -1;
    s->keep_all = 1;
    CURLcode rc = curl_easy_perform(s->easy);
    s->keep_all = 0;
    if (rc != CURLE_OK) {
        fprintf(stderr, "loadgen: %s: %s\n", s->url, curl_easy_strerror(rc));
        return -1;
    }
    curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, status);
    snprintf(resp, cap, "%s", s->resp);
    return 0;
}

static int start(struct engine *e, const struct workload *wl,
                 struct wl_state *st, struct slot *s)
{
    s->req = (struct wl_request){ .body = s->body, .body_cap = LG_BODY_CAP,
                                  .slot = s->index };
    s->keep_all = wl->keep_body;
    wl->next(st, &s->req);
    if (prepare(e, s) < 0)
        return -1;
    s->started_ns = stats_now_ns();
    return curl_multi_add_handle(e->multi, s->easy) == CURLM_OK ? 0 : -1;
}

/* The state of one run as the loop moves through its phases. */
struct run {
    const struct plan *plan;
    struct result *res;
    uint64_t t_start;
    uint64_t t_measure; /* 0 while warming up */
    uint64_t t_stop;    /* 0 until no more requests are started */
    uint64_t issued;
    int64_t server_cpu0;
    int64_t client_cpu0;
    unsigned active;
    int reported_error;
};

static void begin_measuring(struct engine *e, struct run *r, uint64_t now)
{
    r->t_measure = now;
    r->server_cpu0 = e->opt->server_pid ? stats_proc_cpu_us(e->opt->server_pid)
                                        : -1;
    r->client_cpu0 = stats_self_cpu_us();
}

static void stop_measuring(struct engine *e, struct run *r, uint64_t now)
{
    r->t_stop = now;
    r->res->elapsed_ns = now - r->t_measure;
    int64_t cpu1 = e->opt->server_pid ? stats_proc_cpu_us(e->opt->server_pid)
                                      : -1;
    r->res->server_cpu_us =
        r->server_cpu0 >= 0 && cpu1 >= 0 ? cpu1 - r->server_cpu0 : -1;
    r->res->client_cpu_us = stats_self_cpu_us() - r->client_cpu0;
}

/* Moves between warm-up, measurement and drain as time and counts say. */
static void advance(struct engine *e, struct run *r, uint64_t now)
{
    const struct plan *p = r->plan;
    if (r->t_measure == 0 && now - r->t_start >= p->warmup_ns)
        begin_measuring(e, r, now);
    if (r->t_measure == 0 || r->t_stop)
        return;
    if (p->max_requests ? r->res->requests >= p->max_requests
                        : now - r->t_measure >= p->duration_ns)
        stop_measuring(e, r, now);
}

static void record(struct run *r, struct slot *s, CURLcode rc, long status,
                   uint64_t now, uint64_t items)
{
    if (r->t_measure == 0 || r->t_stop)
        return;
    r->res->requests++;
    r->res->items += items;
    stats_add(&r->res->latency, (now - s->started_ns) / 1000);
    if (rc == CURLE_OK && status >= 200 && status < 300)
        return;
    r->res->errors++;
    if (!r->reported_error) {
        r->reported_error = 1;
        fprintf(stderr, "loadgen: first error: %s %ld %s\n",
                rc == CURLE_OK ? "HTTP" : curl_easy_strerror(rc), status,
                s->resp);
    }
}

static int more_to_issue(const struct run *r)
{
    if (r->t_stop)
        return 0;
    return r->plan->max_requests == 0 || r->issued < r->plan->max_requests;
}

/* Handles every finished transfer: record it, start the slot's next. */
static int reap(struct engine *e, const struct workload *wl,
                struct wl_state *st, struct run *r)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(e->multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct slot *s;
        long status = 0;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
        curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
        CURLcode rc = msg->data.result;
        uint64_t now = stats_now_ns();
        curl_multi_remove_handle(e->multi, s->easy);
        r->active--;
        uint64_t items = wl->done ? wl->done(st, &s->req, rc == CURLE_OK
                                                 ? status : 0, s->resp,
                                             s->resp_len)
                                  : 0;
        record(r, s, rc, status, now, items);
        advance(e, r, now);
        if (more_to_issue(r)) {
            if (start(e, wl, st, s) < 0)
                return -1;
            r->active++;
            r->issued++;
        }
    }
    return 0;
}

static int run_plan(struct engine *e, const struct workload *wl,
                    struct wl_state *st, const struct plan *p,
                    struct result *res)
{
    struct run r = { .plan = p, .res = res, .t_start = stats_now_ns() };
    curl_multi_setopt(e->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                      (long)p->concurrency);
    curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS,
                      (long)p->concurrency + 4);
    advance(e, &r, r.t_start);
    for (unsigned i = 0; i < p->concurrency && more_to_issue(&r); i++) {
        if (start(e, wl, st, &e->slots[i]) < 0)
            return -1;
        r.active++;
        r.issued++;
    }
    while (r.active > 0) {
        int running;
        curl_multi_perform(e->multi, &running);
        if (reap(e, wl, st, &r) < 0)
            return -1;
        uint64_t now = stats_now_ns();
        advance(e, &r, now);
        if (r.t_stop && now - r.t_stop > LG_DRAIN_LIMIT_NS) {
            fprintf(stderr, "loadgen: %u requests never finished\n",
                    r.active);
            return -1;
        }
        if (r.active > 0)
            curl_multi_poll(e->multi, NULL, 0, 100, NULL);
    }
    if (r.t_stop == 0)
        stop_measuring(e, &r, stats_now_ns());
    return 0;
}

static int engine_init(struct engine *e, const struct options *opt,
                       const struct workload *wl)
{
    memset(e, 0, sizeof *e);
    e->opt = opt;
    sign_key_init(&e->key, opt->access_key, opt->secret, opt->region,
                  wl->service);
    const char *h = strstr(opt->url, "://");
    h = h ? h + 3 : opt->url;
    snprintf(e->host, sizeof e->host, "%.*s", (int)strcspn(h, "/"), h);
    e->multi = curl_multi_init();
    e->n_slots = opt->concurrency;
    e->slots = calloc(e->n_slots, sizeof *e->slots);
    if (e->multi == NULL || e->slots == NULL)
        return -1;
    for (unsigned i = 0; i < e->n_slots; i++) {
        e->slots[i].index = i;
        if (slot_init(e, &e->slots[i]) < 0)
            return -1;
    }
    return 0;
}

static void engine_clear(struct engine *e)
{
    for (unsigned i = 0; e->slots && i < e->n_slots; i++)
        slot_clear(&e->slots[i]);
    free(e->slots);
    if (e->multi)
        curl_multi_cleanup(e->multi);
    sign_key_clear(&e->key);
}

/* Setup hook, then the prefill row over the whole key space. */
static int prepare_data(struct engine *e, const struct workload *wl,
                        struct wl_state *st)
{
    struct wl_client cl = { .call = blocking_call, .ctx = e,
                            .body = e->slots[0].body,
                            .body_cap = LG_BODY_CAP };
    if (wl->setup && wl->setup(st, &cl) < 0)
        return -1;
    if (wl->prefill == NULL || st->keys == 0)
        return 0;
    const struct workload *fill = workload_find(wl->prefill);
    unsigned per = fill && fill->per_request ? fill->per_request : 1;
    struct plan p = { .concurrency = e->n_slots,
                      .max_requests = (st->keys + per - 1) / per };
    struct result res = { 0 };
    stats_init(&res.latency);
    struct wl_state fst = *st;
    fst.next_key = 0;
    int rc = fill ? run_plan(e, fill, &fst, &p, &res) : -1;
    stats_clear(&res.latency);
    if (rc == 0 && res.errors) {
        fprintf(stderr, "loadgen: prefill: %llu errors\n",
                (unsigned long long)res.errors);
        return -1;
    }
    return rc;
}

static double per_request(int64_t us, uint64_t requests)
{
    return us < 0 || requests == 0 ? -1.0 : (double)us / (double)requests;
}

static const char *signer_name(enum signer s)
{
    return s == SIGNER_OWN ? "own" : s == SIGNER_CURL ? "curl" : "none";
}

static void print_human(const struct options *o, struct result *r)
{
    double secs = (double)r->elapsed_ns / 1e9;
    double srv = per_request(r->server_cpu_us, r->requests);
    double cli = per_request(r->client_cpu_us, r->requests);
    if (o->print_header)
        printf("%-12s %-10s %4s %10s %8s %8s %8s %9s %9s %7s %10s\n",
               "target", "workload", "conn", "req/s", "p50_us", "p99_us",
               "p999_us", "srv_us/rq", "cli_us/rq", "errors", "items/s");
    printf("%-12s %-10s %4u %10.0f %8u %8u %8u %9.1f %9.1f %7llu %10.0f\n",
           o->label, o->workload, o->concurrency, (double)r->requests / secs,
           stats_quantile(&r->latency, 0.50), stats_quantile(&r->latency, 0.99),
           stats_quantile(&r->latency, 0.999), srv, cli,
           (unsigned long long)r->errors, (double)r->items / secs);
    fflush(stdout);
}

static int write_jsonl(const struct options *o, struct result *r)
{
    FILE *f = fopen(o->jsonl, "a");
    if (f == NULL) {
        fprintf(stderr, "loadgen: %s: %s\n", o->jsonl, strerror(errno));
        return -1;
    }
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    double secs = (double)r->elapsed_ns / 1e9;
    fprintf(f, "{\"time\":\"%s\",\"target\":\"%s\",\"workload\":\"%s\","
            "\"concurrency\":%u,\"signer\":\"%s\",\"seconds\":%.3f,"
            "\"requests\":%llu,\"errors\":%llu,\"rps\":%.1f,"
            "\"p50_us\":%u,\"p99_us\":%u,\"p999_us\":%u,\"max_us\":%u,"
            "\"server_cpu_us_per_req\":%.2f,\"client_cpu_us_per_req\":%.2f,"
            "\"items\":%llu,\"items_per_s\":%.1f}\n",
            when, o->label, o->workload, o->concurrency,
            signer_name(o->signer), secs, (unsigned long long)r->requests,
            (unsigned long long)r->errors, (double)r->requests / secs,
            stats_quantile(&r->latency, 0.50),
            stats_quantile(&r->latency, 0.99),
            stats_quantile(&r->latency, 0.999),
            stats_quantile(&r->latency, 1.0),
            per_request(r->server_cpu_us, r->requests),
            per_request(r->client_cpu_us, r->requests),
            (unsigned long long)r->items, (double)r->items / secs);
    return fclose(f) == 0 ? 0 : -1;
}

static void usage(FILE *f)
{
    fputs("usage: loadgen --url http://127.0.0.1:PORT --workload NAME\n"
          "  [--concurrency N] [--duration S] [--warmup S] [--requests N]\n"
          "  [--keys N] [--server-pid PID] [--label NAME] [--jsonl FILE]\n"
          "  [--signer own|curl|none] [--access-key K] [--secret S]\n"
          "  [--table NAME] [--skip-setup | --setup-only] [--header]\n"
          "       loadgen --list   (rows: name, SigV4 service, peer)\n"
          "--skip-setup still runs a row's attach step (finding a stream).\n"
          "workloads:\n", f);
    for (size_t i = 0; workload_at(i); i++)
        fprintf(f, "  %-10s %s\n", workload_at(i)->name,
                workload_at(i)->summary);
}

static int parse_signer(const char *s, enum signer *out)
{
    static const char *const names[] = { "own", "curl", "none" };
    for (int i = 0; i < 3; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (enum signer)i;
            return 0;
        }
    }
    return -1;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option longs[] = {
        { "url", required_argument, NULL, 'u' },
        { "workload", required_argument, NULL, 'w' },
        { "concurrency", required_argument, NULL, 'c' },
        { "duration", required_argument, NULL, 'd' },
        { "warmup", required_argument, NULL, 'W' },
        { "requests", required_argument, NULL, 'n' },
        { "keys", required_argument, NULL, 'k' },
        { "server-pid", required_argument, NULL, 'p' },
        { "label", required_argument, NULL, 'l' },
        { "jsonl", required_argument, NULL, 'j' },
        { "signer", required_argument, NULL, 's' },
        { "access-key", required_argument, NULL, 'a' },
        { "secret", required_argument, NULL, 'S' },
        { "table", required_argument, NULL, 't' },
        { "skip-setup", no_argument, NULL, 'x' },
        { "setup-only", no_argument, NULL, 'X' },
        { "header", no_argument, NULL, 'H' },
        { "list", no_argument, NULL, 'L' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (ch) {
        case 'u': o->url = optarg; break;
        case 'w': o->workload = optarg; break;
        case 'c': o->concurrency = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'd': o->duration_s = strtod(optarg, NULL); break;
        case 'W': o->warmup_s = strtod(optarg, NULL); break;
        case 'n': o->requests = strtoull(optarg, NULL, 10); break;
        case 'k': o->keys = (uint32_t)strtoul(optarg, NULL, 10); break;
        case 'p': o->server_pid = (pid_t)strtol(optarg, NULL, 10); break;
        case 'l': o->label = optarg; break;
        case 'j': o->jsonl = optarg; break;
        case 's':
            if (parse_signer(optarg, &o->signer) < 0)
                return -1;
            break;
        case 'a': o->access_key = optarg; break;
        case 'S': o->secret = optarg; break;
        case 't': o->table = optarg; break;
        case 'x': o->skip_setup = 1; break;
        case 'X': o->setup_only = 1; break;
        case 'H': o->print_header = 1; break;
        case 'L': o->list = 1; return 0;
        case 'h': return 1;
        default: return -1;
        }
    }
    if (o->url == NULL || o->workload == NULL || o->concurrency == 0 ||
        o->concurrency > LG_MAX_CONCURRENCY)
        return -1;
    return 0;
}

/* The constant object of S3 rows and its hash, computed once: the bytes
 * repeat a pattern so that nothing compresses them away. */
static int make_object(const struct workload *wl, struct wl_state *st)
{
    if (wl->object_size == 0)
        return 0;
    st->object = malloc(wl->object_size);
    if (st->object == NULL)
        return -1;
    for (size_t i = 0; i < wl->object_size; i++)
        st->object[i] = (char)('a' + (i * 7 + i / 251) % 26);
    st->object_len = wl->object_size;
    sign_payload_hash(st->object, st->object_len, st->object_hash);
    return 0;
}

static int measure(const struct options *o, const struct workload *wl)
{
    struct engine e = { 0 };
    struct result res = { 0 };
    stats_init(&res.latency);
    struct wl_state st = { .table = o->table,
                           .keys = wl->keys ? wl->keys : o->keys,
                           .rng = 0x9e3779b97f4a7c15ull };
    int rc = -1;
    st.cursors = calloc(o->concurrency, sizeof *st.cursors);
    if (st.cursors == NULL || make_object(wl, &st) < 0)
        goto out;
    if (engine_init(&e, o, wl) < 0)
        goto out;
    if (!o->skip_setup && prepare_data(&e, wl, &st) < 0)
        goto out;
    if (!o->setup_only && wl->attach) {
        struct wl_client cl = { .call = blocking_call, .ctx = &e,
                                .body = e.slots[0].body,
                                .body_cap = LG_BODY_CAP };
        if (wl->attach(&st, &cl) < 0)
            goto out;
    }
    if (o->setup_only) {
        rc = 0;
        goto out;
    }
    struct plan p = {
        .concurrency = o->concurrency,
        .warmup_ns = o->requests ? 0 : (uint64_t)(o->warmup_s * 1e9),
        .duration_ns = (uint64_t)(o->duration_s * 1e9),
        .max_requests = o->requests,
    };
    if (run_plan(&e, wl, &st, &p, &res) < 0)
        goto out;
    print_human(o, &res);
    rc = o->jsonl ? write_jsonl(o, &res) : 0;
    if (rc == 0 && res.errors)
        rc = 2;
out:
    engine_clear(&e);
    stats_clear(&res.latency);
    free(st.cursors);
    free(st.object);
    return rc;
}

int main(int argc, char **argv)
{
    struct options o = {
        .label = "target", .access_key = "AKIAADMIN0000EXAMPLE",
        .secret = "admin-secret-key-example", .region = "us-east-1",
        .table = "bench", .concurrency = 16, .warmup_s = 0.5,
        .duration_s = 3.0, .keys = 10000,
    };
    int parsed = parse_options(argc, argv, &o);
    if (parsed == 0 && o.list) {
        for (size_t i = 0; workload_at(i); i++)
            printf("%s %s %s\n", workload_at(i)->name,
                   workload_at(i)->service,
                   workload_at(i)->peer ? workload_at(i)->peer : "-");
        return 0;
    }
    if (parsed != 0) {
        usage(parsed > 0 ? stdout : stderr);
        return parsed > 0 ? 0 : 64;
    }
    const struct workload *wl = workload_find(o.workload);
    if (wl == NULL) {
        fprintf(stderr, "loadgen: no workload %s\n", o.workload);
        usage(stderr);
        return 64;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = measure(&o, wl);
    curl_global_cleanup();
    return rc < 0 ? 1 : rc;
}
