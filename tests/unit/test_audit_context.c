/* Unit tests for the audited context's JSON: what each context writes,
 * and that the per-thread memo never hands one context another's JSON
 * (a changed value, an added or dropped entry, a changed value count, a
 * context too large to remember). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/buf.h"
#include "http/audit_context.h"
#include "iam/iam_cond.h"

#include <stdio.h>
#include <string.h>

static void expect_json(const struct iam_context *ctx, const char *want)
{
    struct buf b;
    buf_init(&b, 0);
    buf_puts(&b, "{");
    audit_context_write(&b, ctx);
    assert_string_equal(buf_cstr(&b) + 1, want);
    buf_clear(&b);
}

static const char *const ip[] = { "127.0.0.1" };
static const char *const other_ip[] = { "10.0.0.1" };
static const char *const t1[] = { "2026-11-26T12:00:00Z" };
static const char *const t2[] = { "2026-11-26T12:00:01Z" };
static const char *const attrs[] = { "pk", "name" };
static const char *const quoted[] = { "a\"b\\c" };

static void contexts_should_write_as_json(void **state)
{
    (void)state;
    expect_json(NULL, ",\"context\":{}");
    struct iam_context_entry e[] = {
        { "aws:SourceIp", ip, 1 },
        { "dynamodb:Attributes", attrs, 2 },
        { "aws:SourceIp", other_ip, 1 }, /* repeated: the first wins */
        { "s3:prefix", quoted, 1 },
    };
    struct iam_context ctx = { e, 4 };
    expect_json(&ctx, ",\"context\":{\"aws:SourceIp\":\"127.0.0.1\","
                      "\"dynamodb:Attributes\":[\"pk\",\"name\"],"
                      "\"s3:prefix\":[\"a\\\"b\\\\c\"]}");
}

static void the_memo_should_never_answer_for_another_context(void **state)
{
    (void)state;
    struct iam_context_entry e[] = {
        { "aws:CurrentTime", t1, 1 },
        { "aws:SourceIp", ip, 1 },
        { "dynamodb:Attributes", attrs, 2 },
    };
    struct iam_context ctx = { e, 3 };
    const char *base = ",\"context\":{\"aws:CurrentTime\":"
                       "\"2026-11-26T12:00:00Z\",\"aws:SourceIp\":"
                       "\"127.0.0.1\",\"dynamodb:Attributes\":"
                       "[\"pk\",\"name\"]}";
    expect_json(&ctx, base);
    expect_json(&ctx, base); /* from the memo */
    e[0].values = t2;
    expect_json(&ctx, ",\"context\":{\"aws:CurrentTime\":"
                      "\"2026-11-26T12:00:01Z\",\"aws:SourceIp\":"
                      "\"127.0.0.1\",\"dynamodb:Attributes\":"
                      "[\"pk\",\"name\"]}");
    e[0].values = t1;
    expect_json(&ctx, base);
    e[2].n_values = 1;
    expect_json(&ctx, ",\"context\":{\"aws:CurrentTime\":"
                      "\"2026-11-26T12:00:00Z\",\"aws:SourceIp\":"
                      "\"127.0.0.1\",\"dynamodb:Attributes\":[\"pk\"]}");
    e[2].n_values = 2;
    ctx.n = 2;
    expect_json(&ctx, ",\"context\":{\"aws:CurrentTime\":"
                      "\"2026-11-26T12:00:00Z\",\"aws:SourceIp\":"
                      "\"127.0.0.1\"}");
    ctx.n = 3;
    expect_json(&ctx, base);
}

static void large_contexts_should_be_written_every_time(void **state)
{
    (void)state;
    static char big[3000];
    memset(big, 'v', sizeof big - 1);
    const char *const values[] = { big };
    struct iam_context_entry e[] = { { "aws:userid", values, 1 } };
    struct iam_context ctx = { e, 1 };
    char want[3100];
    snprintf(want, sizeof want, ",\"context\":{\"aws:userid\":\"%s\"}", big);
    expect_json(&ctx, want);
    big[0] = 'w';
    snprintf(want, sizeof want, ",\"context\":{\"aws:userid\":\"%s\"}", big);
    expect_json(&ctx, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(contexts_should_write_as_json),
        cmocka_unit_test(the_memo_should_never_answer_for_another_context),
        cmocka_unit_test(large_contexts_should_be_written_every_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
