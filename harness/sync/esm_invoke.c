/* Invoking the function and assuming its role; see esm_invoke.h. Commands
 * start with posix_spawnp (safe from the lane threads), get the event on a
 * pipe and answer on another, both served by poll() against one deadline,
 * so a child that never reads, never answers or never exits is a timeout,
 * not a hang. */
#include "sync/esm_invoke.h"

#include "aws/aws.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/mem.h"
#include "sync/ship.h"
#include "sync/sync.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define ESM_LAMBDA_SERVICE "lambda.amazonaws.com"
#define ESM_SESSION_NAME "dynalake-esm"

/* ---- Credentials ----------------------------------------------------------- */

/* The role's name: the part after "role/" (and any path) of an ARN. */
static const char *role_name(const char *role)
{
    const char *slash = strrchr(role, '/');
    return strncmp(role, "arn:", 4) == 0 && slash ? slash + 1 : role;
}

static struct aws_client *caller_client(const struct aws_config *caller)
{
    struct aws_config cfg = *caller;
    /* The admin API does not check signatures; a caller without
     * credentials still signs with something. */
    if (cfg.access_key_id == NULL)
        cfg.access_key_id = (char *)(uintptr_t)"dynalake";
    if (cfg.secret_access_key == NULL)
        cfg.secret_access_key = (char *)(uintptr_t)"dynalake";
    return aws_client_new(&cfg);
}

static bool is_dynalake(struct aws_client *c)
{
    struct aws_request req = { .service = "dynamodb",
                               .host_prefix = "dynamodb", .method = "GET",
                               .path = "/_dynalake/health" };
    struct buf out;
    buf_init(&out, 0);
    bool is_ours = false;
    if (aws_client_send(c, &req, &out) == 0) {
        cJSON *doc = json_parse(out.data ? out.data : "", out.len);
        is_ours = json_get_string(doc, "status") != NULL;
        cJSON_Delete(doc);
    }
    buf_clear(&out);
    return is_ours;
}

static void copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src ? src : "");
}

static int assume_dynalake(struct aws_client *c, const char *role,
                           struct esm_credentials *out, char *err,
                           size_t errlen)
{
    struct buf body, resp;
    buf_init(&body, 0);
    buf_init(&resp, 0);
    buf_puts(&body, "{\"role\":");
    json_write_string(&body, role_name(role), strlen(role_name(role)));
    buf_puts(&body, ",\"service\":\"" ESM_LAMBDA_SERVICE "\","
                    "\"session_name\":\"" ESM_SESSION_NAME "\"}");
    const char *headers[] = { "Content-Type: application/json", NULL };
    struct aws_request req = {
        .service = "dynamodb", .host_prefix = "dynamodb", .method = "POST",
        .path = "/_dynalake/assume-role", .headers = headers,
        .body = body.data, .body_len = body.len,
    };
    int rc = aws_client_send(c, &req, &resp);
    cJSON *doc = rc == 0 ? json_parse(resp.data ? resp.data : "", resp.len)
                         : NULL;
    if (rc < 0) {
        const struct aws_error *e = aws_client_error(c);
        snprintf(err, errlen, "cannot assume role %s as %s: %s: %s", role,
                 ESM_LAMBDA_SERVICE, e->code, e->message);
    } else if (json_get_string(doc, "SessionToken") == NULL) {
        snprintf(err, errlen, "assume-role answered no credentials");
        rc = -1;
    } else {
        copy(out->access_key_id, sizeof out->access_key_id,
             json_get_string(doc, "AccessKeyId"));
        copy(out->secret_access_key, sizeof out->secret_access_key,
             json_get_string(doc, "SecretAccessKey"));
        copy(out->session_token, sizeof out->session_token,
             json_get_string(doc, "SessionToken"));
    }
    cJSON_Delete(doc);
    buf_clear(&body);
    buf_clear(&resp);
    return rc;
}

static int assume_sts(struct aws_client *c, const char *role,
                      struct esm_credentials *out, char *err, size_t errlen)
{
    if (strncmp(role, "arn:", 4) != 0) {
        snprintf(err, errlen, "--role must be a role ARN outside dynalake");
        return -1;
    }
    struct buf body, resp;
    buf_init(&body, 0);
    buf_init(&resp, 0);
    buf_puts(&body, "Action=AssumeRole&Version=2011-06-15&RoleArn=");
    aws_uri_encode(&body, role, strlen(role), false);
    buf_puts(&body, "&RoleSessionName=" ESM_SESSION_NAME);
    const char *headers[] = {
        "Content-Type: application/x-www-form-urlencoded", NULL
    };
    struct aws_request req = {
        .service = "sts", .host_prefix = "sts", .method = "POST",
        .path = "/", .headers = headers, .body = body.data,
        .body_len = body.len,
    };
    int rc = aws_client_send(c, &req, &resp);
    if (rc < 0) {
        const struct aws_error *e = aws_client_error(c);
        snprintf(err, errlen, "sts:AssumeRole %s: %s: %s", role, e->code,
                 e->message);
    } else if (!aws_xml_text(resp.data, resp.len, "AccessKeyId",
                             out->access_key_id, sizeof out->access_key_id) ||
               !aws_xml_text(resp.data, resp.len, "SecretAccessKey",
                             out->secret_access_key,
                             sizeof out->secret_access_key) ||
               !aws_xml_text(resp.data, resp.len, "SessionToken",
                             out->session_token,
                             sizeof out->session_token)) {
        snprintf(err, errlen, "sts:AssumeRole answered no credentials");
        rc = -1;
    }
    buf_clear(&body);
    buf_clear(&resp);
    return rc;
}

int esm_invoke_assume_role(const struct aws_config *caller, const char *role,
                           struct esm_credentials *out, char *err,
                           size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct aws_client *c = caller_client(caller);
    int rc;
    if (caller->endpoint && is_dynalake(c))
        rc = assume_dynalake(c, role, out, err, errlen);
    else
        rc = assume_sts(c, role, out, err, errlen);
    aws_client_free(c);
    return rc;
}

/* ---- Commands ------------------------------------------------------------ */

struct esm_command {
    char *const *argv;  /* borrowed */
    char **envp;        /* owned, NULL-terminated */
    long timeout_ms;
};

static bool is_replaced(const char *entry, const char *const *extra)
{
    const char *eq = strchr(entry, '=');
    size_t n = eq ? (size_t)(eq - entry) : strlen(entry);
    for (size_t i = 0; extra && extra[i]; i++) {
        if (strncmp(extra[i], entry, n) == 0 &&
            (extra[i][n] == '=' || extra[i][n] == '\0'))
            return true;
    }
    return false;
}

struct esm_command *esm_command_new(char *const *argv,
                                    const char *const *env_extra,
                                    long timeout_ms)
{
    struct esm_command *c = xcalloc(1, sizeof *c);
    size_t n = 0, m = 0;
    while (environ && environ[n])
        n++;
    while (env_extra && env_extra[m])
        m++;
    c->envp = xcalloc(n + m + 1, sizeof *c->envp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_replaced(environ[i], env_extra))
            c->envp[k++] = xstrdup(environ[i]);
    }
    for (size_t i = 0; i < m; i++) {
        if (strchr(env_extra[i], '='))
            c->envp[k++] = xstrdup(env_extra[i]);
    }
    c->argv = argv;
    c->timeout_ms = timeout_ms;
    return c;
}

void esm_command_free(struct esm_command *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; c->envp[i]; i++)
        free(c->envp[i]);
    free(c->envp);
    free(c);
}

/* Pipes are made close-on-exec and the child spawned under one lock: a
 * child spawned by another lane in between would otherwise inherit this
 * child's pipe ends and hold its stdout open past its exit. A process-wide
 * lock for a process-wide resource (the descriptor table). */
static pthread_mutex_t spawn_lock = PTHREAD_MUTEX_INITIALIZER;

static int make_pipe(int fds[2])
{
    if (pipe(fds) < 0)
        return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
}

static int spawn(const struct esm_command *c, int in[2], int out[2],
                 pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, in[1]);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    int rc = posix_spawnp(pid, c->argv[0], &fa, NULL, c->argv, c->envp);
    posix_spawn_file_actions_destroy(&fa);
    return rc;
}

/* Feeds the event and collects stdout until EOF or the deadline. Returns
 * 0 at EOF, -1 on timeout or an oversized answer. */
static int exchange(int to_child, int from_child, const char *event,
                    size_t len, struct buf *response, int64_t deadline_ns)
{
    size_t sent = 0;
    char chunk[65536];
    fcntl(to_child, F_SETFL, O_NONBLOCK);
    if (len == 0) {
        close(to_child);
        to_child = -1;
    }
    for (;;) {
        int64_t left = (deadline_ns - clock_monotonic_ns()) / 1000000;
        if (left <= 0)
            break;
        struct pollfd fds[2] = { { from_child, POLLIN, 0 },
                                 { to_child, POLLOUT, 0 } };
        if (poll(fds, to_child >= 0 ? 2 : 1, (int)(left > 1000 ? 1000
                                                               : left)) < 0)
            continue;
        if (to_child >= 0 && fds[1].revents) {
            ssize_t w = write(to_child, event + sent, len - sent);
            if (w > 0)
                sent += (size_t)w;
            if (w < 0 && errno != EAGAIN) /* EPIPE: it stopped reading */
                sent = len;
            if (sent == len) {
                close(to_child);
                to_child = -1;
            }
        }
        if (fds[0].revents) {
            ssize_t r = read(from_child, chunk, sizeof chunk);
            if (r == 0)
                break;
            if (r > 0)
                buf_append(response, chunk, (size_t)r);
            if (buf_failed(response))
                break;
        }
    }
    if (to_child >= 0)
        close(to_child);
    return clock_monotonic_ns() < deadline_ns && !buf_failed(response)
        ? 0 : -1;
}

/* Waits for the child until the deadline, then kills it. */
static int reap(pid_t pid, int64_t deadline_ns, bool *is_killed)
{
    int status = 0;
    *is_killed = false;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        if (r < 0 && errno != EINTR)
            return -1;
        if (clock_monotonic_ns() >= deadline_ns) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            *is_killed = true;
            return status;
        }
        struct timespec ts = { 0, 5000000L };
        nanosleep(&ts, NULL);
    }
}

enum esm_invoke_result esm_command_invoke(void *ctx, const char *event,
                                          size_t len, struct buf *response,
                                          char *err, size_t errlen)
{
    const struct esm_command *c = ctx;
    int in[2], out[2];
    pid_t pid;
    pthread_mutex_lock(&spawn_lock);
    if (make_pipe(in) < 0) {
        pthread_mutex_unlock(&spawn_lock);
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return ESM_INVOKE_ERROR;
    }
    if (make_pipe(out) < 0) {
        pthread_mutex_unlock(&spawn_lock);
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        close(in[0]);
        close(in[1]);
        return ESM_INVOKE_ERROR;
    }
    int rc = spawn(c, in, out, &pid);
    close(in[0]);
    close(out[1]);
    pthread_mutex_unlock(&spawn_lock);
    if (rc != 0) {
        snprintf(err, errlen, "cannot run %s: %s", c->argv[0],
                 strerror(rc));
        close(in[1]);
        close(out[0]);
        return ESM_INVOKE_ERROR;
    }
    int64_t deadline = clock_monotonic_ns() + c->timeout_ms * 1000000LL;
    int ex = exchange(in[1], out[0], event, len, response, deadline);
    close(out[0]);
    bool is_killed;
    int status = reap(pid, ex == 0 ? deadline : 0, &is_killed);
    if (is_killed || ex < 0) {
        snprintf(err, errlen, buf_failed(response)
                 ? "response larger than 6 MB" : "Task timed out after %.2f "
                 "seconds", (double)c->timeout_ms / 1000.0);
        return ESM_INVOKE_ERROR;
    }
    if (WIFSIGNALED(status)) {
        snprintf(err, errlen, "Runtime.ExitError: killed by signal %d",
                 WTERMSIG(status));
        return ESM_INVOKE_ERROR;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, errlen, "Runtime.ExitError: exit status %d",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return ESM_INVOKE_ERROR;
    }
    return ESM_INVOKE_OK;
}

/* ---- The built-in shipper ---------------------------------------------- */

enum esm_invoke_result esm_builtin_invoke(void *ctx, const char *event,
                                          size_t len, struct buf *response,
                                          char *err, size_t errlen)
{
    const struct ship_options *o = ctx;
    struct sync_stats stats = { 0 };
    if (ship_handle_event(o, event, len, response, &stats) < 0) {
        snprintf(err, errlen, "%s", buf_cstr(response));
        return ESM_INVOKE_ERROR;
    }
    return ESM_INVOKE_OK;
}
