/* The text report: a progress line while scenarios run (on a terminal
 * only), a block per scenario as it finishes, and a one-line summary. Plain
 * ASCII markers, so CI logs read the same as terminals. */
#include "report/report.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Findings shown per case before "… and N more"; the JSON report has all. */
#define REPORT_TEXT_MAX_LINES 12

static bool is_terminal(FILE *out)
{
    return isatty(fileno(out)) == 1;
}

void report_text_progress(FILE *out, const char *scenario, const char *phase,
                          size_t done, size_t total)
{
    if (!is_terminal(out))
        return;
    if (scenario == NULL) {
        fputs("\r\033[K", out);
    } else if (total > 0) {
        fprintf(out, "\r\033[K  .. %s: %s %zu/%zu (%zu%%)", scenario, phase,
                done, total, done * 100 / total);
    } else {
        fprintf(out, "\r\033[K  .. %s: %s", scenario, phase);
    }
    fflush(out);
}

/* Prints detail indented, at most max lines. */
static void print_detail(FILE *out, const char *detail, size_t max)
{
    size_t lines = 0;
    const char *p = detail;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (lines < max)
            fprintf(out, "         %.*s\n", (int)len, p);
        lines++;
        p += len + (nl ? 1 : 0);
    }
    if (lines > max)
        fprintf(out, "         ... and %zu more (see --json)\n",
                lines - max);
}

void report_text_scenario(FILE *out, const struct report_scenario *s)
{
    report_text_progress(out, NULL, NULL, 0, 0);
    fprintf(out, "%s %s (%s, seed %llu, %.2f s)\n",
            report_scenario_passed(s) ? "PASS" : "FAIL", s->name, s->path,
            (unsigned long long)s->seed, s->seconds);
    if (s->error)
        fprintf(out, "  error: %s\n", s->error);
    if (s->n_stats > 0) {
        fputs("  ", out);
        for (size_t i = 0; i < s->n_stats; i++)
            fprintf(out, "%s%s %lld", i ? ", " : "", s->stats[i].name,
                    (long long)s->stats[i].value);
        fputc('\n', out);
    }
    for (size_t i = 0; i < s->n_cases; i++) {
        const struct report_case *c = &s->cases[i];
        fprintf(out, "  %-5s %s\n",
                c->is_skipped ? "skip" : c->is_passed ? "ok" : "FAIL",
                c->name);
        if (c->detail && (!c->is_passed || c->is_skipped))
            print_detail(out, c->detail, REPORT_TEXT_MAX_LINES);
    }
    if (s->notes) {
        fputs("  notes:\n", out);
        print_detail(out, s->notes, (size_t)-1);
    }
    fflush(out);
}

void report_text_summary(FILE *out, const struct report_run *run)
{
    size_t failed = report_run_failed(run);
    fprintf(out, "%zu scenario%s: %zu passed, %zu failed (%.2f s)\n", run->n,
            run->n == 1 ? "" : "s", run->n - failed, failed, run->seconds);
}

static int write_text(FILE *out, const struct report_run *run)
{
    for (size_t i = 0; i < run->n; i++)
        report_text_scenario(out, run->scenarios[i]);
    report_text_summary(out, run);
    return ferror(out) ? -1 : 0;
}

const struct report_format report_text = { "text", write_text };
