/* `dynalake serve`; see serve.h. Signals are blocked before the emulator
 * starts its threads, so only this thread receives them, in sigwait. */
#include "cli/serve.h"

#include "base/log.h"
#include "emulator.h"

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
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
    "  --log-level LEVEL  error, warn, info or debug (default warn)\n";

static int parse_number(const char *text, long max, long *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < 0 || v > max)
        return -1;
    *out = v;
    return 0;
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
        { "help", no_argument, NULL, '?' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    long n;
    enum log_level level;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'h': cfg->host = optarg; break;
        case 'd': cfg->data_dir = optarg; break;
        case 'r': cfg->region = optarg; break;
        case 'a': cfg->account = optarg; break;
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
        case 'l':
            if (log_level_parse(optarg, &level) < 0)
                return -1;
            log_set_level(level);
            break;
        default:
            return -1;
        }
    }
    return optind == argc ? 0 : -1;
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

    struct emulator *emu = emulator_start(&cfg);
    if (emu == NULL)
        return 1;
    printf("dynalake listening on http://%s:%u\n", cfg.host,
           emulator_port(emu));
    fflush(stdout);
    int sig = 0;
    sigwait(&stop_signals, &sig);
    log_info("stopping on signal %d", sig);
    emulator_stop(emu);
    return 0;
}
