/* The report model: scenario results, cases, counters; see report.h. The
 * writers live in report_text.c, report_json.c and report_junit.c. */
#include "report/report.h"

#include "base/mem.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct report_scenario *report_scenario_new(const char *name,
                                            const char *path)
{
    struct report_scenario *s = xcalloc(1, sizeof *s);
    s->name = xstrdup(name ? name : "?");
    s->path = xstrdup(path ? path : "");
    findings_init(&s->findings);
    return s;
}

void report_scenario_free(struct report_scenario *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n_cases; i++) {
        free(s->cases[i].name);
        free(s->cases[i].detail);
    }
    for (size_t i = 0; i < s->n_stats; i++)
        free(s->stats[i].name);
    free(s->cases);
    free(s->stats);
    findings_clear(&s->findings);
    free(s->name);
    free(s->path);
    free(s->error);
    free(s->notes);
    free(s);
}

void report_add_case(struct report_scenario *s, const char *name,
                     bool is_passed, bool is_skipped, const char *detail)
{
    s->cases = xrealloc(s->cases, (s->n_cases + 1) * sizeof *s->cases);
    struct report_case *c = &s->cases[s->n_cases++];
    c->name = xstrdup(name);
    c->is_passed = is_passed;
    c->is_skipped = is_skipped;
    c->detail = detail && *detail ? xstrdup(detail) : NULL;
}

void report_add_stat(struct report_scenario *s, const char *name,
                     int64_t value)
{
    for (size_t i = 0; i < s->n_stats; i++) {
        if (strcmp(s->stats[i].name, name) == 0) {
            s->stats[i].value = value;
            return;
        }
    }
    s->stats = xrealloc(s->stats, (s->n_stats + 1) * sizeof *s->stats);
    s->stats[s->n_stats].name = xstrdup(name);
    s->stats[s->n_stats++].value = value;
}

static char *vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *out = xmalloc((size_t)n + 1);
    vsnprintf(out, (size_t)n + 1, fmt, ap);
    return out;
}

void report_add_note(struct report_scenario *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = vformat(fmt, ap);
    va_end(ap);
    size_t old = s->notes ? strlen(s->notes) : 0;
    s->notes = xrealloc(s->notes, old + strlen(line) + 2);
    memcpy(s->notes + old, line, strlen(line));
    s->notes[old + strlen(line)] = '\n';
    s->notes[old + strlen(line) + 1] = '\0';
    free(line);
}

void report_set_error(struct report_scenario *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(s->error);
    s->error = vformat(fmt, ap);
    va_end(ap);
}

bool report_scenario_passed(const struct report_scenario *s)
{
    if (s->error)
        return false;
    for (size_t i = 0; i < s->n_cases; i++)
        if (!s->cases[i].is_passed && !s->cases[i].is_skipped)
            return false;
    return true;
}

void report_run_add(struct report_run *run, struct report_scenario *s)
{
    run->scenarios = xrealloc(run->scenarios,
                              (run->n + 1) * sizeof *run->scenarios);
    run->scenarios[run->n++] = s;
}

void report_run_clear(struct report_run *run)
{
    for (size_t i = 0; i < run->n; i++)
        report_scenario_free(run->scenarios[i]);
    free(run->scenarios);
    memset(run, 0, sizeof *run);
}

size_t report_run_failed(const struct report_run *run)
{
    size_t n = 0;
    for (size_t i = 0; i < run->n; i++)
        if (!report_scenario_passed(run->scenarios[i]))
            n++;
    return n;
}

int report_write_file(const struct report_format *format, const char *path,
                      const struct report_run *run)
{
    bool is_stdout = strcmp(path, "-") == 0;
    FILE *out = is_stdout ? stdout : fopen(path, "w");
    if (out == NULL) {
        fprintf(stderr, "dynalake: %s: %s\n", path, strerror(errno));
        return -1;
    }
    int rc = format->write(out, run);
    if (is_stdout)
        fflush(out);
    else if (fclose(out) != 0)
        rc = -1;
    if (rc < 0)
        fprintf(stderr, "dynalake: writing the %s report to %s failed\n",
                format->name, path);
    return rc;
}
