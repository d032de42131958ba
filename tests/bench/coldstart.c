/* Cold start for `make bench`: launches a server command, then polls
 * 127.0.0.1:PORT with a signed DynamoDB ListTables (or GET PATH) until the
 * first 200, and reports launch-to-answer time in ms; best and median of
 * --runs launches. The server is stopped with SIGTERM after each run. */
#include "sign.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Pause between probes: short next to the 20 ms target, long enough not to
 * steal a core from the starting server. */
#define PROBE_PAUSE_US 200
/* A server that has not answered by then is broken. */
#define PROBE_LIMIT_S 20.0
#define MAX_RUNS 50

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The probe request: ListTables signed for the admin key, or a plain GET. */
static int build_request(unsigned port, const char *get_path, char *out,
                         size_t cap)
{
    char host[32];
    snprintf(host, sizeof host, "127.0.0.1:%u", port);
    if (get_path) {
        int n = snprintf(out, cap, "GET %s HTTP/1.1\r\nHost: %s\r\n"
                         "Connection: close\r\n\r\n", get_path, host);
        return n < 0 || (size_t)n >= cap ? -1 : n;
    }
    struct sign_key k;
    sign_key_init(&k, "AKIAADMIN0000EXAMPLE", "admin-secret-key-example",
                  "us-east-1", "dynamodb");
    struct sign_request r = {
        .method = "POST", .host = host, .path = "/", .query = "",
        .content_type = "application/x-amz-json-1.0",
        .target = "DynamoDB_20120810.ListTables", .body = "{}",
        .body_len = 2,
    };
    struct sign_headers h;
    int rc = sign_request(&k, &r, time(NULL), &h);
    sign_key_clear(&k);
    if (rc < 0)
        return -1;
    int n = snprintf(out, cap, "POST / HTTP/1.1\r\nHost: %s\r\n"
                     "Content-Type: %s\r\nX-Amz-Target: %s\r\n"
                     "X-Amz-Date: %s\r\nAuthorization: %s\r\n"
                     "Content-Length: 2\r\nConnection: close\r\n\r\n{}",
                     host, r.content_type, r.target, h.date,
                     h.authorization);
    return n < 0 || (size_t)n >= cap ? -1 : n;
}

/* One probe: 1 when the server answered 200, 0 when not (yet). */
static int probe(unsigned port, const char *req, size_t len)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in a = { .sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = 0;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        write(fd, req, len) == (ssize_t)len) {
        char buf[64] = "";
        ssize_t n = read(fd, buf, sizeof buf - 1);
        ok = n >= 12 && strncmp(buf + 9, "200", 3) == 0;
    }
    close(fd);
    return ok;
}

static pid_t launch(char **argv)
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 1);
        dup2(null, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    return pid;
}

/* Launch to first 200 in ms, or -1. */
static double one_run(char **argv, unsigned port, const char *req,
                      size_t len)
{
    double t0 = now_ms();
    pid_t pid = launch(argv);
    if (pid < 0)
        return -1;
    double t = -1;
    while (now_ms() - t0 < PROBE_LIMIT_S * 1e3) {
        if (probe(port, req, len)) {
            t = now_ms() - t0;
            break;
        }
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return -1;
        usleep(PROBE_PAUSE_US);
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    return t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {
        { "port", required_argument, NULL, 'p' },
        { "runs", required_argument, NULL, 'r' },
        { "get", required_argument, NULL, 'g' },
        { NULL, 0, NULL, 0 },
    };
    unsigned port = 0, runs = 5;
    const char *get_path = NULL;
    int ch;
    while ((ch = getopt_long(argc, argv, "+", longs, NULL)) != -1) {
        if (ch == 'p')
            port = (unsigned)strtoul(optarg, NULL, 10);
        else if (ch == 'r')
            runs = (unsigned)strtoul(optarg, NULL, 10);
        else if (ch == 'g')
            get_path = optarg;
        else
            return 64;
    }
    if (port == 0 || optind >= argc || runs == 0 || runs > MAX_RUNS) {
        fputs("usage: coldstart --port P [--runs N] [--get PATH] -- CMD...\n",
              stderr);
        return 64;
    }
    char req[2048];
    int len = build_request(port, get_path, req, sizeof req);
    if (len < 0)
        return 1;
    double ms[MAX_RUNS];
    for (unsigned i = 0; i < runs; i++) {
        ms[i] = one_run(argv + optind, port, req, (size_t)len);
        if (ms[i] < 0) {
            fprintf(stderr, "coldstart: %s never answered 200\n",
                    argv[optind]);
            return 1;
        }
    }
    qsort(ms, runs, sizeof ms[0], cmp_double);
    printf("%.1f %.1f\n", ms[0], ms[runs / 2]);
    return 0;
}
