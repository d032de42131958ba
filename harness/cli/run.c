/* `dynalake run`; see run.h. Arguments name scenario files or directories
 * (their *.json files, in name order); each scenario runs on its own
 * embedded emulator, one after another, and its block is printed as soon
 * as it finishes. */
#include "cli/run.h"

#include "base/mem.h"
#include "report/report.h"
#include "scenario/runner.h"
#include "scenario/scenario.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char usage_text[] =
    "usage: dynalake run [options] SCENARIO_OR_DIR...\n"
    "  --seed N              workload seed (overrides the scenarios')\n"
    "  --scale X             multiply each workload by X (default 1)\n"
    "  --keep                keep each scenario's work directory\n"
    "  --endpoint URL        use a running dynalake instead of an embedded\n"
    "                        one (IAM checks are skipped)\n"
    "  --json FILE           write the JSON report to FILE (- for stdout)\n"
    "  --junit FILE          write JUnit XML to FILE\n"
    "  --write-policies DIR  write each principal's minimal policy to DIR\n"
    "  --prove-necessity     re-run without each granted action in turn\n"
    "  --quiet               no progress display\n";

struct run_args {
    struct runner_options runner;
    const char *json;
    const char *junit;
    char **files;   /* owned */
    size_t n_files;
};

static void add_file(struct run_args *a, const char *path)
{
    a->files = xrealloc(a->files, (a->n_files + 1) * sizeof *a->files);
    a->files[a->n_files++] = xstrdup(path);
}

static int compare_names(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Adds path, or the *.json files of directory path in name order. */
static int collect(struct run_args *a, const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        fprintf(stderr, "dynalake run: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        add_file(a, path);
        return 0;
    }
    DIR *d = opendir(path);
    if (d == NULL) {
        fprintf(stderr, "dynalake run: %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t first = a->n_files;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n <= 5 || strcmp(e->d_name + n - 5, ".json") != 0 ||
            e->d_name[0] == '.')
            continue;
        char full[4096];
        snprintf(full, sizeof full, "%s%s%s", path,
                 path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
        add_file(a, full);
    }
    closedir(d);
    qsort(a->files + first, a->n_files - first, sizeof *a->files,
          compare_names);
    if (a->n_files == first)
        fprintf(stderr, "dynalake run: no *.json scenarios in %s\n", path);
    return 0;
}

static int parse_args(int argc, char **argv, struct run_args *a)
{
    static const struct option options[] = {
        { "seed", required_argument, NULL, 's' },
        { "scale", required_argument, NULL, 'x' },
        { "keep", no_argument, NULL, 'k' },
        { "endpoint", required_argument, NULL, 'e' },
        { "json", required_argument, NULL, 'j' },
        { "junit", required_argument, NULL, 'u' },
        { "write-policies", required_argument, NULL, 'w' },
        { "prove-necessity", no_argument, NULL, 'p' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    char *end;
    a->runner.progress = stderr;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 's':
            a->runner.seed = strtoull(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || *optarg == '-')
                return -1;
            a->runner.has_seed = true;
            break;
        case 'x':
            a->runner.scale = strtod(optarg, &end);
            if (*end != '\0' || !(a->runner.scale > 0) ||
                a->runner.scale > 1000)
                return -1;
            break;
        case 'k': a->runner.is_keep = true; break;
        case 'e': a->runner.endpoint = optarg; break;
        case 'j': a->json = optarg; break;
        case 'u': a->junit = optarg; break;
        case 'w': a->runner.policies_dir = optarg; break;
        case 'p': a->runner.is_prove_necessity = true; break;
        case 'q': a->runner.progress = NULL; break;
        default: return -1;
        }
    }
    if (optind == argc)
        return -1;
    for (int i = optind; i < argc; i++)
        if (collect(a, argv[i]) < 0)
            return -2;
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct report_scenario *run_one(const struct run_args *a,
                                       const char *path)
{
    char err[1024];
    struct scenario *s = scenario_load(path, err, sizeof err);
    if (s == NULL) {
        const char *slash = strrchr(path, '/');
        struct report_scenario *r =
            report_scenario_new(slash ? slash + 1 : path, path);
        report_set_error(r, "%s", err);
        return r;
    }
    struct report_scenario *r = report_scenario_new(s->name, path);
    if (a->runner.progress)
        report_text_progress(a->runner.progress, s->name, "starting", 0, 0);
    runner_run(s, &a->runner, r);
    scenario_free(s);
    return r;
}

int run_main(int argc, char **argv)
{
    struct run_args a = { 0 };
    mem_install_cjson_hooks();
    signal(SIGPIPE, SIG_IGN);
    int rc = parse_args(argc, argv, &a);
    if (rc < 0) {
        if (rc == -1)
            fputs(usage_text, stderr);
        for (size_t i = 0; i < a.n_files; i++)
            free(a.files[i]);
        free(a.files);
        return 2;
    }
    if (a.runner.policies_dir && mkdir(a.runner.policies_dir, 0755) < 0 &&
        errno != EEXIST) {
        fprintf(stderr, "dynalake run: %s: %s\n", a.runner.policies_dir,
                strerror(errno));
        return 2;
    }
    struct report_run run = { 0 };
    double start = now_s();
    for (size_t i = 0; i < a.n_files; i++) {
        struct report_scenario *r = run_one(&a, a.files[i]);
        report_text_scenario(stdout, r);
        report_run_add(&run, r);
    }
    run.seconds = now_s() - start;
    report_text_summary(stdout, &run);
    int status = report_run_failed(&run) || run.n == 0 ? 1 : 0;
    if (a.json && report_write_file(&report_json, a.json, &run) < 0)
        status = 1;
    if (a.junit && report_write_file(&report_junit, a.junit, &run) < 0)
        status = 1;
    report_run_clear(&run);
    for (size_t i = 0; i < a.n_files; i++)
        free(a.files[i]);
    free(a.files);
    return status;
}
