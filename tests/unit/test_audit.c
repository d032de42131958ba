/* Unit tests for the decision audit's in-memory aggregation: repeats of a
 * decision are counted on its first record (first and last time kept),
 * a change in any of the six key fields makes a new record, records are
 * served in first-seen order, filtered by principal and time, and a
 * cleared audit starts over. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/json.h"
#include "http/audit.h"
#include "iam/iam_cond.h"

#include <string.h>

#define ALICE "arn:aws:iam::123456789012:user/alice"
#define BOB "arn:aws:iam::123456789012:user/bob"
#define TABLE "arn:aws:dynamodb:us-east-1:123456789012:table/users"

static const char *const ip[] = { "127.0.0.1" };
static const struct iam_context_entry entries[] = { { "aws:SourceIp", ip,
                                                      1 } };
static const struct iam_context context = { entries, 1 };

static struct audit_entry entry(const char *principal, const char *action,
                                int64_t time_ms)
{
    return (struct audit_entry){
        .time_ms = time_ms, .request_id = "REQ", .principal = principal,
        .action = action, .resource = TABLE, .decision = "allow",
        .policy = "writer", .statement = "0", .context = &context,
        .is_enforced = true };
}

/* Records e as authz does: counted if a repeat, else recorded. */
static void decide(struct audit *a, const struct audit_entry *e)
{
    if (!audit_count_repeat(a, e))
        audit_record(a, e);
}

static cJSON *records_of(struct audit *a, const char *principal,
                         int64_t since_ms)
{
    struct buf b;
    buf_init(&b, 0);
    audit_write(a, principal, since_ms, &b);
    cJSON *doc = cJSON_Parse(buf_cstr(&b));
    buf_clear(&b);
    assert_non_null(doc);
    cJSON *records = cJSON_DetachItemFromObject(doc, "records");
    cJSON_Delete(doc);
    assert_true(cJSON_IsArray(records));
    return records;
}

static double number(const cJSON *record, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(record, name);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

static void repeats_should_be_counted_on_the_first_record(void **state)
{
    (void)state;
    struct audit *a = audit_new(NULL);
    for (int i = 0; i < 5; i++) {
        struct audit_entry e = entry(ALICE, "dynamodb:GetItem", 1000 + i);
        decide(a, &e);
    }
    cJSON *records = records_of(a, NULL, 0);
    assert_int_equal(cJSON_GetArraySize(records), 1);
    const cJSON *r = cJSON_GetArrayItem(records, 0);
    assert_int_equal((int)number(r, "count"), 5);
    assert_int_equal((int)number(r, "first_ms"), 1000);
    assert_int_equal((int)number(r, "time_ms"), 1004);
    const cJSON *ctx = cJSON_GetObjectItemCaseSensitive(r, "context");
    assert_string_equal(json_get_string(ctx, "aws:SourceIp"), "127.0.0.1");
    cJSON_Delete(records);
    audit_free(a);
}

static void each_key_field_should_make_its_own_record(void **state)
{
    (void)state;
    struct audit *a = audit_new(NULL);
    struct audit_entry base = entry(ALICE, "dynamodb:GetItem", 1);
    struct audit_entry variants[7];
    for (size_t i = 0; i < 7; i++)
        variants[i] = base;
    variants[1].principal = BOB;
    variants[2].action = "dynamodb:PutItem";
    variants[3].resource = TABLE "/index/by_name";
    variants[4].decision = "implicit_deny";
    variants[5].policy = NULL;
    variants[6].statement = "1";
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < 7; i++)
            decide(a, &variants[i]);
    cJSON *records = records_of(a, NULL, 0);
    assert_int_equal(cJSON_GetArraySize(records), 7);
    const cJSON *r;
    cJSON_ArrayForEach(r, records)
        assert_int_equal((int)number(r, "count"), 2);
    /* First-seen order. */
    assert_string_equal(
        json_get_string(cJSON_GetArrayItem(records, 1), "principal"), BOB);
    cJSON_Delete(records);
    audit_free(a);
}

static void records_should_filter_by_principal_and_time(void **state)
{
    (void)state;
    struct audit *a = audit_new(NULL);
    struct audit_entry e1 = entry(ALICE, "dynamodb:GetItem", 100);
    struct audit_entry e2 = entry(BOB, "dynamodb:GetItem", 200);
    struct audit_entry e3 = entry(ALICE, "dynamodb:PutItem", 300);
    decide(a, &e1);
    decide(a, &e2);
    decide(a, &e3);
    cJSON *alice = records_of(a, ALICE, 0);
    assert_int_equal(cJSON_GetArraySize(alice), 2);
    cJSON_Delete(alice);
    cJSON *late = records_of(a, NULL, 250);
    assert_int_equal(cJSON_GetArraySize(late), 1);
    assert_string_equal(json_get_string(cJSON_GetArrayItem(late, 0),
                                        "action"), "dynamodb:PutItem");
    cJSON_Delete(late);
    audit_clear(a);
    cJSON *none = records_of(a, NULL, 0);
    assert_int_equal(cJSON_GetArraySize(none), 0);
    cJSON_Delete(none);
    decide(a, &e1);
    cJSON *again = records_of(a, NULL, 0);
    assert_int_equal(cJSON_GetArraySize(again), 1);
    assert_int_equal((int)number(cJSON_GetArrayItem(again, 0), "count"), 1);
    cJSON_Delete(again);
    audit_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(repeats_should_be_counted_on_the_first_record),
        cmocka_unit_test(each_key_field_should_make_its_own_record),
        cmocka_unit_test(records_should_filter_by_principal_and_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
