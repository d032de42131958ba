/* The runner's environment: a work directory holding the identities file
 * and the policies (placeholders filled in), the embedded emulator, the
 * admin API, and credentials per identity; see runner_internal.h. */
#include "scenario/runner_internal.h"

#include "aws/aws.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"
#include "emulator.h"
#include "report/report.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

/* Requests of a scenario are small and local; a stuck one is a bug. */
#define RUNNER_TIMEOUT_MS 30000
/* The clock moves in steps of at least this much: an operation may run up
 * to this early on its timeline, and a workload costs one admin request
 * per step rather than one per operation. */
#define RUNNER_CLOCK_STEP_MS 1000
/* Retries back off from this base: short, so fault scenarios stay fast. */
#define RUNNER_RETRY_BASE_MS 5

static const char admin_policy[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
    "\"Action\":\"*\",\"Resource\":\"*\"}]}";

const char *runner_default_service(const char *kind)
{
    if (strcmp(kind, "ship") == 0 || strcmp(kind, "handler") == 0 ||
        strcmp(kind, "esm") == 0)
        return "lambda.amazonaws.com";
    return "ec2.amazonaws.com";
}

void runner_user_key(const char *name, char *id, size_t idlen, char *secret,
                     size_t secretlen)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    uint8_t digest[CRYPTO_SHA256_LEN];
    crypto_sha256(name, strlen(name), digest);
    char tail[17];
    for (size_t i = 0; i < 16; i++)
        tail[i] = alphabet[digest[i] % 32];
    tail[16] = '\0';
    snprintf(id, idlen, "AKIA%s", tail);
    snprintf(secret, secretlen, "dynalake-runner-secret-%s", tail);
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    int rc = fputs(text, f) < 0 ? -1 : 0;
    return fclose(f) != 0 ? -1 : rc;
}

/* Writes one policy to DIR/policies/NAME-N.json; returns its relative
 * path in rel. */
static int write_policy(struct runner *r, const char *identity,
                        const char *suffix, const char *text, char *rel,
                        size_t rellen)
{
    char path[PATH_MAX + 64];
    if (snprintf(rel, rellen, "policies/%s-%s.json", identity, suffix) >=
            (int)rellen ||
        snprintf(path, sizeof path, "%s/%s", r->dir, rel) >=
            (int)sizeof path)
        return -1;
    return write_text(path, text);
}

static cJSON *user_keys(const char *name)
{
    char id[32], secret[64];
    runner_user_key(name, id, sizeof id, secret, sizeof secret);
    cJSON *keys = cJSON_CreateArray();
    cJSON *k = cJSON_CreateObject();
    cJSON_AddStringToObject(k, "id", id);
    cJSON_AddStringToObject(k, "secret", secret);
    cJSON_AddItemToArray(keys, k);
    return keys;
}

static const char *policy_text(const struct runner *r,
                               const struct scenario_identity *id, size_t i)
{
    const struct runner_override *o = r->override;
    if (o && strcmp(o->identity, id->name) == 0 && o->policy == i)
        return o->text;
    return id->policies[i];
}

static int add_identity(struct runner *r, const struct scenario_identity *id,
                        cJSON *users, cJSON *roles)
{
    char rel[PATH_MAX];
    cJSON *spec = cJSON_AddObjectToObject(id->is_role ? roles : users,
                                          id->name);
    if (id->is_role) {
        if (write_policy(r, id->name, "trust", id->trust, rel,
                         sizeof rel) < 0)
            return -1;
        cJSON_AddStringToObject(spec, "trust", rel);
    } else {
        cJSON_AddItemToObject(spec, "access_keys", user_keys(id->name));
    }
    cJSON *list = cJSON_AddArrayToObject(spec, "policies");
    for (size_t i = 0; i < id->n_policies; i++) {
        char suffix[32];
        snprintf(suffix, sizeof suffix, "%zu", i);
        if (write_policy(r, id->name, suffix, policy_text(r, id, i), rel,
                         sizeof rel) < 0)
            return -1;
        cJSON_AddItemToArray(list, cJSON_CreateString(rel));
    }
    return 0;
}

static int write_identities(struct runner *r)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/policies", r->dir);
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        return -1;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "account", r->s->account);
    cJSON *users = cJSON_AddObjectToObject(root, "users");
    cJSON *roles = cJSON_AddObjectToObject(root, "roles");
    cJSON *me = cJSON_AddObjectToObject(users, RUNNER_USER);
    cJSON_AddItemToObject(me, "access_keys", user_keys(RUNNER_USER));
    cJSON *mine = cJSON_AddArrayToObject(me, "policies");
    cJSON_AddItemToArray(mine, cJSON_Parse(admin_policy));
    int rc = 0;
    for (size_t i = 0; i < r->s->n_identities && rc == 0; i++)
        rc = add_identity(r, &r->s->identities[i], users, roles);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    snprintf(path, sizeof path, "%s/identities.json", r->dir);
    if (rc == 0)
        rc = write_text(path, text);
    free(text);
    return rc;
}

static int make_dir(struct runner *r)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(r->dir, sizeof r->dir, "%s/dynalake-run-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(r->dir) == NULL) {
        report_set_error(r->out, "cannot create a work directory: %s",
                         strerror(errno));
        return -1;
    }
    return 0;
}

static int start_emulator(struct runner *r)
{
    char ids[PATH_MAX + 32], audit[PATH_MAX + 32], data[PATH_MAX + 32];
    snprintf(ids, sizeof ids, "%s/identities.json", r->dir);
    snprintf(audit, sizeof audit, "%s/audit.jsonl", r->dir);
    snprintf(data, sizeof data, "%s/data", r->dir);
    struct emulator_config cfg;
    emulator_config_init(&cfg);
    cfg.port = 0;
    cfg.region = r->s->region;
    cfg.account = r->s->account;
    cfg.identities_path = ids;
    cfg.iam_mode = EMULATOR_IAM_ENFORCE;
    cfg.threads = 2;
    cfg.shard_rollover_records = r->s->shard_rollover;
    cfg.audit_path = r->o->is_keep ? audit : NULL;
    if (r->o->is_keep && mkdir(data, 0700) == 0)
        cfg.data_dir = data;
    r->emu = emulator_start(&cfg);
    if (r->emu == NULL) {
        report_set_error(r->out, "the embedded emulator did not start "
                         "(identities in %s)", ids);
        return -1;
    }
    snprintf(r->endpoint, sizeof r->endpoint, "http://127.0.0.1:%u",
             emulator_port(r->emu));
    r->is_iam = true;
    return 0;
}

struct aws_client *runner_client(struct runner *r,
                                 const struct runner_creds *creds)
{
    struct runner_creds mine;
    if (creds == NULL) {
        runner_user_key(RUNNER_USER, mine.access_key_id,
                        sizeof mine.access_key_id, mine.secret,
                        sizeof mine.secret);
        mine.token[0] = '\0';
        creds = &mine;
    }
    struct aws_config cfg = {
        .endpoint = r->endpoint, .region = r->s->region,
        .access_key_id = (char *)(uintptr_t)creds->access_key_id,
        .secret_access_key = (char *)(uintptr_t)creds->secret,
        .session_token = creds->token[0]
            ? (char *)(uintptr_t)creds->token : NULL,
        .connect_timeout_ms = 5000, .timeout_ms = RUNNER_TIMEOUT_MS,
        .max_attempts = AWS_RETRY_DEFAULT_ATTEMPTS,
        .retry_base_ms = RUNNER_RETRY_BASE_MS,
        .retry_max_backoff_ms = 200 };
    return aws_client_new(&cfg);
}

/* A client for --endpoint with the environment's credentials, or NULL
 * with the reason in err. */
static struct aws_client *environment_client(struct runner *r, char *err,
                                             size_t errlen)
{
    struct aws_config cfg;
    if (aws_config_load(&cfg, r->o->endpoint, err, errlen) < 0)
        return NULL;
    cfg.retry_base_ms = RUNNER_RETRY_BASE_MS;
    struct aws_client *c = aws_client_new(&cfg);
    aws_config_clear(&cfg);
    return c;
}

/* With --endpoint the server's identities are unknown: every identity
 * uses the environment's credentials and IAM checks are skipped. */
static int endpoint_client(struct runner *r)
{
    char err[256];
    r->admin = environment_client(r, err, sizeof err);
    if (r->admin == NULL) {
        report_set_error(r->out, "--endpoint %s: %s", r->o->endpoint, err);
        return -1;
    }
    snprintf(r->endpoint, sizeof r->endpoint, "%s", r->o->endpoint);
    return 0;
}

struct aws_client *runner_admin_client(struct runner *r)
{
    char err[256];
    return r->o->endpoint ? environment_client(r, err, sizeof err)
                          : runner_client(r, NULL);
}

int runner_admin(struct runner *r, const char *method, const char *path,
                 const char *body, cJSON **out)
{
    char full[256];
    snprintf(full, sizeof full, "/_dynalake/%s", path);
    const char *query = strchr(full, '?');
    struct aws_request req = {
        .service = "dynamodb", .host_prefix = "dynamodb", .method = method,
        .path = full, .body = body, .body_len = body ? strlen(body) : 0 };
    struct aws_param param = { "principal", "" };
    char name[32] = "";
    if (query) { /* "path?name=value": one parameter, encoded by aws */
        full[query - full] = '\0';
        sscanf(query + 1, "%31[^=]", name);
        param.name = name;
        param.value = strchr(query, '=') ? strchr(query, '=') + 1 : "";
        req.params = &param;
        req.n_params = 1;
    }
    struct buf b;
    buf_init(&b, 0);
    int rc = aws_client_send(r->admin, &req, &b);
    if (rc == 0 && out)
        *out = json_parse(b.data ? b.data : "", b.len);
    if (rc == 0 && out && *out == NULL)
        rc = -1;
    buf_clear(&b);
    return rc;
}

static int64_t wall_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

int runner_clock_to(struct runner *r, int64_t t_ms)
{
    int64_t target = WORKLOAD_EPOCH_MS + t_ms;
    int64_t now = wall_ms() + r->clock_offset_ms;
    if (r->clock_offset_ms != 0 && now + RUNNER_CLOCK_STEP_MS > target)
        return 0;
    cJSON *answer = NULL;
    if (r->clock_offset_ms == 0) { /* learn where the clock is */
        if (runner_admin(r, "GET", "clock", NULL, &answer) < 0)
            return -1;
        now = (int64_t)cJSON_GetNumberValue(json_get(answer, "now_ms"));
        cJSON_Delete(answer);
        answer = NULL;
        if (now >= target) {
            r->clock_offset_ms = now - wall_ms();
            return 0;
        }
    }
    char body[64];
    snprintf(body, sizeof body, "{\"advance_ms\":%lld",
             (long long)(target - now));
    strcat(body, "}");
    if (runner_admin(r, "POST", "clock", body, &answer) < 0)
        return -1;
    now = (int64_t)cJSON_GetNumberValue(json_get(answer, "now_ms"));
    r->clock_offset_ms = now - wall_ms();
    cJSON_Delete(answer);
    return 0;
}

static void copy_member(const cJSON *obj, const char *name, char *out,
                        size_t len)
{
    const char *v = json_get_string(obj, name);
    snprintf(out, len, "%s", v ? v : "");
}

int runner_creds_for(struct runner *r, const char *name, const char *service,
                     struct runner_creds *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    const struct scenario_identity *id =
        name ? scenario_identity_find(r->s, name) : NULL;
    if (!r->is_iam) {
        struct aws_config cfg;
        char err[256];
        if (aws_config_load(&cfg, r->endpoint, err, sizeof err) < 0) {
            snprintf(why, whylen, "%s", err);
            return -1;
        }
        snprintf(out->access_key_id, sizeof out->access_key_id, "%s",
                 cfg.access_key_id);
        snprintf(out->secret, sizeof out->secret, "%s",
                 cfg.secret_access_key);
        snprintf(out->token, sizeof out->token, "%s",
                 cfg.session_token ? cfg.session_token : "");
        aws_config_clear(&cfg);
        return 0;
    }
    if (id == NULL) {
        runner_user_key(RUNNER_USER, out->access_key_id,
                        sizeof out->access_key_id, out->secret,
                        sizeof out->secret);
        return 0;
    }
    if (!id->is_role) {
        runner_user_key(name, out->access_key_id, sizeof out->access_key_id,
                        out->secret, sizeof out->secret);
        return 0;
    }
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "role", name);
    cJSON_AddStringToObject(in, "service", service);
    cJSON_AddStringToObject(in, "session_name", "dynalake-run");
    char *body = cJSON_PrintUnformatted(in);
    cJSON_Delete(in);
    cJSON *answer = NULL;
    int rc = runner_admin(r, "POST", "assume-role", body, &answer);
    free(body);
    if (rc < 0) {
        const struct aws_error *e = aws_client_error(r->admin);
        snprintf(why, whylen, "%s: %s", e->code, e->message);
        return -1;
    }
    copy_member(answer, "AccessKeyId", out->access_key_id,
                sizeof out->access_key_id);
    copy_member(answer, "SecretAccessKey", out->secret, sizeof out->secret);
    copy_member(answer, "SessionToken", out->token, sizeof out->token);
    cJSON_Delete(answer);
    return 0;
}

int runner_env_start(struct runner *r)
{
    if (make_dir(r) < 0)
        return -1;
    if (r->o->endpoint) {
        if (endpoint_client(r) < 0)
            return -1;
    } else {
        if (write_identities(r) < 0) {
            report_set_error(r->out, "cannot write the identities file in "
                             "%s: %s", r->dir, strerror(errno));
            return -1;
        }
        log_set_level(LOG_ERROR);
        if (start_emulator(r) < 0)
            return -1;
        r->admin = runner_client(r, NULL);
    }
    if (runner_clock_to(r, 0) < 0) {
        report_set_error(r->out, "the admin API at %s did not answer: %s",
                         r->endpoint, aws_client_error(r->admin)->message);
        return -1;
    }
    return 0;
}

/* Removes path and, for a directory, what it holds (the work directory
 * holds policies/ and, with --keep, data/: two levels at most). Entries
 * removed while a directory is being read may make readdir skip others
 * (tmpfs does), so a directory is read again while a pass removes
 * something. True when path is gone. */
static bool remove_tree(const char *path, int depth)
{
    bool is_again = depth < 4;
    while (is_again) {
        DIR *d = opendir(path);
        struct dirent *e;
        is_again = false;
        while (d && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char child[PATH_MAX];
            if (snprintf(child, sizeof child, "%s/%s", path, e->d_name) >=
                (int)sizeof child)
                continue;
            is_again |= remove_tree(child, depth + 1);
        }
        if (d)
            closedir(d);
    }
    if (remove(path) == 0 || errno == ENOENT)
        return true;
    log_warn("could not remove %s: %s", path, strerror(errno));
    return false;
}

void runner_env_stop(struct runner *r)
{
    aws_client_free(r->admin);
    r->admin = NULL;
    emulator_stop(r->emu);
    r->emu = NULL;
    if (r->dir[0] == '\0')
        return;
    if (r->o->is_keep)
        report_add_note(r->out, "work directory kept: %s", r->dir);
    else
        remove_tree(r->dir, 0);
}
