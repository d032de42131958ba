/* Unit tests for the per-thread decision memo: a kept decision is found
 * again only for the same authorizer, scope, action and resource; pairs
 * too long to keep are never found; a colliding pair replaces the slot
 * rather than answering for it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "http/authz_memo.h"
#include "iam/iam.h"

#include <stdio.h>
#include <string.h>

#define TABLE "arn:aws:dynamodb:us-east-1:123456789012:table/users"
#define OTHER_TABLE "arn:aws:dynamodb:us-east-1:123456789012:table/orders"

static const int scope_a = 1;
static const int scope_b = 2;

static struct iam_result allowed_by(const char *policy, int statement)
{
    return (struct iam_result){
        .decision = IAM_ALLOW,
        .cause = { .policy = policy, .statement = statement },
        .resource_cause = { .statement = -1 },
        .reason = "allowed by an identity policy",
    };
}

static void kept_decision_should_be_found_for_the_same_key(void **state)
{
    (void)state;
    uint64_t owner = authz_memo_new_owner();
    struct iam_result kept = allowed_by("writer", 2);
    struct iam_result got;
    assert_false(authz_memo_find(owner, &scope_a, "dynamodb:GetItem", TABLE,
                                 &got));
    authz_memo_keep(owner, &scope_a, "dynamodb:GetItem", TABLE, &kept);
    assert_true(authz_memo_find(owner, &scope_a, "dynamodb:GetItem", TABLE,
                                &got));
    assert_int_equal(got.decision, IAM_ALLOW);
    assert_string_equal(got.cause.policy, "writer");
    assert_int_equal(got.cause.statement, 2);
}

static void other_keys_should_miss(void **state)
{
    (void)state;
    uint64_t owner = authz_memo_new_owner();
    struct iam_result kept = allowed_by("writer", 0);
    struct iam_result got;
    authz_memo_keep(owner, &scope_a, "dynamodb:GetItem", TABLE, &kept);
    assert_false(authz_memo_find(owner, &scope_b, "dynamodb:GetItem", TABLE,
                                 &got));
    assert_false(authz_memo_find(owner, &scope_a, "dynamodb:PutItem", TABLE,
                                 &got));
    assert_false(authz_memo_find(owner, &scope_a, "dynamodb:GetItem",
                                 OTHER_TABLE, &got));
    /* The same bytes split differently between action and resource. */
    assert_false(authz_memo_find(owner, &scope_a, "dynamodb:GetItemarn",
                                 TABLE + 3, &got));
    uint64_t later = authz_memo_new_owner();
    assert_true(later != owner && later != 0);
    assert_false(authz_memo_find(later, &scope_a, "dynamodb:GetItem", TABLE,
                                 &got));
}

static void long_pairs_should_not_be_kept(void **state)
{
    (void)state;
    uint64_t owner = authz_memo_new_owner();
    char key[400];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    char arn[512];
    snprintf(arn, sizeof arn, "arn:aws:s3:::lake/%s", key);
    struct iam_result kept = allowed_by("writer", 0);
    struct iam_result got;
    authz_memo_keep(owner, &scope_a, "s3:PutObject", arn, &kept);
    assert_false(authz_memo_find(owner, &scope_a, "s3:PutObject", arn, &got));
}

/* Many distinct resources: each is found right after it is kept, and an
 * early one is either still there with its own decision or missing —
 * never another resource's decision. */
static void collisions_should_never_answer_for_another_key(void **state)
{
    (void)state;
    uint64_t owner = authz_memo_new_owner();
    static char names[300][64];
    for (int i = 0; i < 300; i++) {
        snprintf(names[i], sizeof names[i], "%s-%d", TABLE, i);
        struct iam_result kept = allowed_by(names[i], i);
        authz_memo_keep(owner, &scope_a, "dynamodb:Query", names[i], &kept);
        struct iam_result got;
        assert_true(authz_memo_find(owner, &scope_a, "dynamodb:Query",
                                    names[i], &got));
        assert_int_equal(got.cause.statement, i);
    }
    int found = 0;
    for (int i = 0; i < 300; i++) {
        struct iam_result got;
        if (!authz_memo_find(owner, &scope_a, "dynamodb:Query", names[i],
                             &got))
            continue;
        found++;
        assert_ptr_equal(got.cause.policy, names[i]);
        assert_int_equal(got.cause.statement, i);
    }
    assert_true(found > 0 && found < 300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kept_decision_should_be_found_for_the_same_key),
        cmocka_unit_test(other_keys_should_miss),
        cmocka_unit_test(long_pairs_should_not_be_kept),
        cmocka_unit_test(collisions_should_never_answer_for_another_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
