/* Unit tests for the resources an operation names for authorization:
 * every slot it fills has its action set (authorization reads it, and the
 * slots are not zeroed beforehand), and past OPS_MAX_RESOURCES the extra
 * ARNs are dropped, not written beyond the arrays. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/mem.h"
#include "base/str.h"
#include "http/call.h"
#include "http/ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char stale[] = "stale action from an earlier request";

/* Runs op's resources on a call with input (JSON) and body, the action
 * slots holding a stale pointer as an uninitialised stack would. */
static void name_resources(const char *service_op, enum service service,
                           const char *input, const char *body,
                           struct op_resources *out)
{
    const struct op *op = ops_find(service, str_from(service_op));
    assert_non_null(op);
    struct call c;
    call_init(&c, NULL);
    c.input = cJSON_Parse(input);
    c.body = body;
    c.body_len = strlen(body);
    for (size_t i = 0; i < OPS_MAX_RESOURCES; i++)
        out->actions[i] = stale;
    out->n = 0;
    assert_int_equal(op->resources(&c, out), 0);
    call_clear(&c);
}

static void expect_own_action(const struct op_resources *r, size_t i,
                              const char *arn)
{
    assert_ptr_equal(r->actions[i], NULL);
    assert_string_equal(r->arns[i], arn);
}

static void assume_role_should_name_the_role_as_its_own_action(void **state)
{
    (void)state;
    struct op_resources r;
    name_resources("AssumeRole", SERVICE_STS,
                   "{\"RoleArn\":\"arn:aws:iam::123456789012:role/shipper\"}",
                   "", &r);
    assert_int_equal(r.n, 1);
    expect_own_action(&r, 0, "arn:aws:iam::123456789012:role/shipper");
    op_resources_clear(&r);
}

static void delete_objects_should_name_every_key(void **state)
{
    (void)state;
    struct op_resources r;
    name_resources("DeleteObjects", SERVICE_S3, "{\"Bucket\":\"lake\"}",
                   "<Delete><Object><Key>a/1.json</Key></Object>"
                   "<Object><Key>b</Key></Object></Delete>",
                   &r);
    assert_int_equal(r.n, 2);
    expect_own_action(&r, 0, "arn:aws:s3:::lake/a/1.json");
    expect_own_action(&r, 1, "arn:aws:s3:::lake/b");
    op_resources_clear(&r);
}

static void a_malformed_delete_body_should_name_none(void **state)
{
    (void)state;
    struct op_resources r;
    name_resources("DeleteObjects", SERVICE_S3, "{\"Bucket\":\"lake\"}",
                   "<Delete><Object><Key>a", &r);
    assert_int_equal(r.n, 0);
}

static void resources_past_the_limit_should_be_dropped(void **state)
{
    (void)state;
    struct op_resources *r = xmalloc(sizeof *r);
    r->n = 0;
    for (size_t i = 0; i < OPS_MAX_RESOURCES + 5; i++) {
        char arn[32];
        snprintf(arn, sizeof arn, "arn:aws:s3:::b/%zu", i);
        op_resources_add(r, i % 2 ? "s3:GetObject" : NULL, xstrdup(arn));
    }
    assert_int_equal(r->n, OPS_MAX_RESOURCES);
    assert_string_equal(r->arns[OPS_MAX_RESOURCES - 1], "arn:aws:s3:::b/999");
    assert_string_equal(r->actions[1], "s3:GetObject");
    op_resources_clear(r);
    assert_int_equal(r->n, 0);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(assume_role_should_name_the_role_as_its_own_action),
        cmocka_unit_test(delete_objects_should_name_every_key),
        cmocka_unit_test(a_malformed_delete_body_should_name_none),
        cmocka_unit_test(resources_past_the_limit_should_be_dropped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
