/* The JUnit XML report: one <testsuite> per scenario, one <testcase> per
 * expectation, findings in the failure text; a scenario that could not run
 * is one errored test case. The dialect is the common one CI tools read
 * (Jenkins, GitLab, GitHub actions). */
#include "report/report.h"

#include <string.h>

/* Writes s with XML's five special characters escaped and the control
 * characters XML 1.0 forbids dropped; UTF-8 passes through. */
static void put_escaped(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default:
            if (*p >= 0x20 || *p == '\n' || *p == '\t' || *p == '\r')
                fputc(*p, out);
        }
    }
}

/* The first line of text, escaped, as an attribute value. */
static void put_first_line(FILE *out, const char *text)
{
    const char *nl = strchr(text, '\n');
    size_t len = nl ? (size_t)(nl - text) : strlen(text);
    char line[512];
    if (len >= sizeof line)
        len = sizeof line - 1;
    memcpy(line, text, len);
    line[len] = '\0';
    put_escaped(out, line);
}

static void put_case(FILE *out, const struct report_scenario *s,
                     const struct report_case *c)
{
    fputs("    <testcase classname=\"", out);
    put_escaped(out, s->name);
    fputs("\" name=\"", out);
    put_escaped(out, c->name);
    fputs("\" time=\"0\"", out);
    if (c->is_passed && !c->is_skipped) {
        fputs("/>\n", out);
        return;
    }
    const char *detail = c->detail ? c->detail : "failed";
    fputs(">\n      <", out);
    fputs(c->is_skipped ? "skipped" : "failure", out);
    fputs(" message=\"", out);
    put_first_line(out, detail);
    fputs("\">", out);
    put_escaped(out, detail);
    fprintf(out, "</%s>\n    </testcase>\n",
            c->is_skipped ? "skipped" : "failure");
}

static void put_suite(FILE *out, const struct report_scenario *s)
{
    size_t failures = 0, skipped = 0;
    for (size_t i = 0; i < s->n_cases; i++) {
        if (s->cases[i].is_skipped)
            skipped++;
        else if (!s->cases[i].is_passed)
            failures++;
    }
    fputs("  <testsuite name=\"", out);
    put_escaped(out, s->name);
    fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\" "
            "skipped=\"%zu\" time=\"%.3f\" file=\"",
            s->n_cases + (s->error ? 1 : 0), failures, s->error ? 1 : 0,
            skipped, s->seconds);
    put_escaped(out, s->path);
    fputs("\">\n", out);
    if (s->error) {
        fputs("    <testcase classname=\"", out);
        put_escaped(out, s->name);
        fputs("\" name=\"scenario\" time=\"0\">\n      <error message=\"", out);
        put_first_line(out, s->error);
        fputs("\">", out);
        put_escaped(out, s->error);
        fputs("</error>\n    </testcase>\n", out);
    }
    for (size_t i = 0; i < s->n_cases; i++)
        put_case(out, s, &s->cases[i]);
    if (s->notes) {
        fputs("    <system-out>", out);
        put_escaped(out, s->notes);
        fputs("</system-out>\n", out);
    }
    fputs("  </testsuite>\n", out);
}

static int write_junit(FILE *out, const struct report_run *run)
{
    size_t tests = 0, failures = 0, errors = 0;
    for (size_t i = 0; i < run->n; i++) {
        const struct report_scenario *s = run->scenarios[i];
        tests += s->n_cases + (s->error ? 1 : 0);
        errors += s->error ? 1 : 0;
        for (size_t j = 0; j < s->n_cases; j++)
            failures += !s->cases[j].is_passed && !s->cases[j].is_skipped;
    }
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"dynalake run\" tests=\"%zu\" "
            "failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n",
            tests, failures, errors, run->seconds);
    for (size_t i = 0; i < run->n; i++)
        put_suite(out, run->scenarios[i]);
    fputs("</testsuites>\n", out);
    return ferror(out) ? -1 : 0;
}

const struct report_format report_junit = { "junit", write_junit };
