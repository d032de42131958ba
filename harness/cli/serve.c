/* `dynalake serve`; see serve.h. Signals are blocked before the emulator
 * starts its threads, so only this thread receives them, in sigwait. */
#include "cli/serve.h"

#include "base/crypto.h"
#include "base/log.h"
#include "emulator.h"

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: dynalake serve [options]\n"
    "  --host ADDR        address to bind (default 127.0.0.1)\n"
    "  --port N           port (default 4566; 0 picks a free one)\n"
    "  --data-dir DIR     keep data in DIR (default: in memory)\n"
    "  --region NAME      region in ARNs (default us-east-1)\n"
    "  --account ID       account in ARNs (default 000000000000)\n"
    "  --threads N        HTTP worker threads (default: one per core)\n"
    "  --identities FILE  users, roles, keys and policies (JSON)\n"
    "  --iam MODE         enforce, audit or off (default: enforce with\n"
    "                     --identities, else off)\n"
    "  --audit-log FILE   append every IAM decision to FILE (JSON lines)\n"
    "  --tls-cert FILE --tls-key FILE\n"
    "                     serve HTTPS with this certificate and key (PEM)\n"
    "  --tls-self-signed FILE\n"
    "                     serve HTTPS with a new self-signed certificate for\n"
    "                     localhost, written to FILE for clients to trust\n"
    "  --admin-token T    let clients beyond loopback use /_dynalake/ with\n"
    "                     header X-Dynalake-Admin-Token: T (made up and\n"
    "                     printed when --host is not a loopback address)\n"
    "  --log-level LEVEL  error, warn, info or debug (default warn)\n"
    "  --shard-rollover N stream shards close after N records (default: no\n"
    "                     count limit)\n"
    "  --shard-age MS     stream shards close after MS milliseconds on the\n"
    "                     virtual clock (default 14400000, AWS's ~4 h; 0 never)\n";

static int parse_number(const char *text, long max, long *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < 0 || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_iam_mode(const char *name, struct emulator_config *cfg,
                          bool *is_given)
{
    static const char *const names[] = { "off", "audit", "enforce" };
    for (int i = 0; i < 3; i++) {
        if (strcmp(name, names[i]) == 0) {
            cfg->iam_mode = (enum emulator_iam_mode)i;
            *is_given = true;
            return 0;
        }
    }
    return -1;
}

static int parse_options(int argc, char **argv, struct emulator_config *cfg)
{
    static const struct option options[] = {
        { "host", required_argument, NULL, 'h' },
        { "port", required_argument, NULL, 'p' },
        { "data-dir", required_argument, NULL, 'd' },
        { "region", required_argument, NULL, 'r' },
        { "account", required_argument, NULL, 'a' },
        { "threads", required_argument, NULL, 't' },
        { "log-level", required_argument, NULL, 'l' },
        { "identities", required_argument, NULL, 'i' },
        { "iam", required_argument, NULL, 'm' },
        { "audit-log", required_argument, NULL, 'L' },
        { "tls-cert", required_argument, NULL, 'C' },
        { "tls-key", required_argument, NULL, 'K' },
        { "tls-self-signed", required_argument, NULL, 'S' },
        { "admin-token", required_argument, NULL, 'T' },
        { "shard-rollover", required_argument, NULL, 'R' },
        { "shard-age", required_argument, NULL, 'A' },
        { "help", no_argument, NULL, '?' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    long n;
    bool is_iam_given = false;
    enum log_level level;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'h': cfg->host = optarg; break;
        case 'd': cfg->data_dir = optarg; break;
        case 'r': cfg->region = optarg; break;
        case 'a': cfg->account = optarg; break;
        case 'i': cfg->identities_path = optarg; break;
        case 'L': cfg->audit_path = optarg; break;
        case 'C': cfg->tls_cert_path = optarg; break;
        case 'K': cfg->tls_key_path = optarg; break;
        case 'S': cfg->tls_self_signed_path = optarg; break;
        case 'T': cfg->admin_token = optarg; break;
        case 'm':
            if (parse_iam_mode(optarg, cfg, &is_iam_given) < 0)
                return -1;
            break;
        case 'p':
            if (parse_number(optarg, 65535, &n) < 0)
                return -1;
            cfg->port = (uint16_t)n;
            break;
        case 't':
            if (parse_number(optarg, 256, &n) < 0)
                return -1;
            cfg->threads = (unsigned)n;
            break;
        case 'R':
            if (parse_number(optarg, 1000000000L, &n) < 0)
                return -1;
            cfg->shard_rollover_records = n;
            break;
        case 'A':
            if (parse_number(optarg, 1000000000000L, &n) < 0)
                return -1;
            cfg->shard_rollover_ms = n ? n : -1;
            break;
        case 'l':
            if (log_level_parse(optarg, &level) < 0)
                return -1;
            log_set_level(level);
            break;
        default:
            return -1;
        }
    }
    if (!is_iam_given && cfg->identities_path)
        cfg->iam_mode = EMULATOR_IAM_ENFORCE;
    return optind == argc ? 0 : -1;
}

static bool is_loopback_host(const char *host)
{
    return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 ||
           strcmp(host, "localhost") == 0;
}

/* A server reachable from other hosts keeps its admin API behind a token;
 * one is made up when none was given, and shown once on standard output. */
static void ensure_admin_token(struct emulator_config *cfg, char *space,
                               size_t len)
{
    uint8_t r[16];
    if (cfg->admin_token || is_loopback_host(cfg->host) ||
        len <= 2 * sizeof r)
        return;
    crypto_random(r, sizeof r);
    crypto_hex(r, sizeof r, space);
    cfg->admin_token = space;
}

int serve_main(int argc, char **argv)
{
    struct emulator_config cfg;
    emulator_config_init(&cfg);
    if (parse_options(argc, argv, &cfg) < 0) {
        fputs(usage_text, stderr);
        return 2;
    }
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    char token[64];
    bool is_made_up = cfg.admin_token == NULL;
    ensure_admin_token(&cfg, token, sizeof token);
    is_made_up = is_made_up && cfg.admin_token != NULL;
    struct emulator *emu = emulator_start(&cfg);
    if (emu == NULL)
        return 1;
    bool is_tls = cfg.tls_cert_path || cfg.tls_self_signed_path;
    printf("dynalake listening on %s://%s:%u\n", is_tls ? "https" : "http",
           cfg.host, emulator_port(emu));
    if (is_made_up)
        printf("dynalake admin token: %s\n", cfg.admin_token);
    fflush(stdout);
    int sig = 0;
    sigwait(&stop_signals, &sig);
    log_info("stopping on signal %d", sig);
    emulator_stop(emu);
    return 0;
}
