/* workload: same seed, same bytes; the mix, key split, shapes and limits
 * the scenario asks for. */
#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "scenario/scenario.h"
#include "scenario/workload.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN \
    "28e42290cfdd5c1c21455608dcfde0a907b9a86badee3aaec95e11fce607381b"

static struct scenario_table table(void)
{
    static char name[] = "users", pk[] = "pk", ttl[] = "expires_at";
    struct scenario_table t = { .name = name, .n_keys = 1,
                                .ttl_attribute = ttl };
    t.keys[0].name = pk;
    t.keys[0].type = 'S';
    return t;
}

static struct scenario_workload settings(void)
{
    return (struct scenario_workload){
        .seed = 42, .operations = 400, .keys = 30, .hot_keys = 3,
        .hot_fraction = 0.8, .duration_ms = 60000, .concurrency = 3,
        .mix = { .put = 35, .update = 25, .delete = 15, .conditional = 10,
                 .batch = 8, .transaction = 5, .ttl = 2 } };
}

static char *render(const struct scenario_workload *w, uint64_t seed,
                    double scale)
{
    struct scenario_table t = table();
    struct workload wl;
    workload_generate(w, &t, scale, seed, &wl);
    struct buf b;
    buf_init(&b, 0);
    workload_write(&wl, &b);
    workload_clear(&wl);
    return buf_detach(&b, NULL);
}

static void same_seed_should_give_identical_bytes(void **state)
{
    (void)state;
    struct scenario_workload w = settings();
    char *a = render(&w, 42, 1), *b = render(&w, 42, 1);
    char *c = render(&w, 43, 1);
    assert_true(strlen(a) > 10000);
    assert_string_equal(a, b);
    assert_true(strcmp(a, c) != 0);
    free(a);
    free(b);
    free(c);
}

/* The bytes of seed 42 are pinned: a change here changes every recorded
 * workload, so it must be deliberate (update the digest with it). */
static void seed_42_should_keep_its_digest(void **state)
{
    (void)state;
    struct scenario_workload w = settings();
    char *text = render(&w, 42, 1);
    uint8_t digest[CRYPTO_SHA256_LEN];
    char hex[2 * CRYPTO_SHA256_LEN + 1];
    crypto_sha256(text, strlen(text), digest);
    crypto_hex(digest, sizeof digest, hex);
    assert_string_equal(hex, GOLDEN);
    free(text);
}

static void scale_should_multiply_operations(void **state)
{
    (void)state;
    struct scenario_workload w = settings();
    struct scenario_table t = table();
    struct workload wl;
    workload_generate(&w, &t, 2.5, 1, &wl);
    assert_int_equal(wl.n, 1000);
    for (size_t i = 1; i < wl.n; i++)
        assert_true(wl.ops[i].t_ms >= wl.ops[i - 1].t_ms);
    assert_true(wl.ops[wl.n - 1].t_ms < 60000);
    workload_clear(&wl);
}

static void mix_should_follow_the_weights(void **state)
{
    (void)state;
    struct scenario_workload w = settings();
    struct scenario_table t = table();
    struct workload wl;
    w.mix = (struct scenario_mix){ .delete = 1 };
    workload_generate(&w, &t, 1, 5, &wl);
    assert_int_equal(wl.counts[WORKLOAD_DELETE], 400);
    workload_clear(&wl);
    w = settings();
    workload_generate(&w, &t, 1, 5, &wl);
    for (int k = 0; k < WORKLOAD_KINDS; k++)
        if (wl.counts[k] == 0)
            fail_msg("no %s operation in 400", workload_kind_name(k));
    assert_true(wl.counts[WORKLOAD_PUT] > wl.counts[WORKLOAD_BATCH]);
    workload_clear(&wl);
}

/* Every key a worker writes is its own: k % workers == worker. */
static void keys_should_stay_with_their_worker(void **state)
{
    (void)state;
    struct scenario_workload w = settings();
    struct scenario_table t = table();
    struct workload wl;
    workload_generate(&w, &t, 1, 9, &wl);
    for (size_t i = 0; i < wl.n; i++) {
        const char *p = wl.ops[i].body;
        while ((p = strstr(p, "{\"pk\":{\"S\":\"u#")) != NULL) {
            p += strlen("{\"pk\":{\"S\":\"u#");
            long k = strtol(p, NULL, 10);
            if (k % 3 != wl.ops[i].worker)
                fail_msg("op %zu (worker %d) writes key %ld", i,
                         wl.ops[i].worker, k);
        }
    }
    workload_clear(&wl);
}

static void items_should_use_every_attribute_type(void **state)
{
    (void)state;
    struct scenario_workload w = settings();
    char *text = render(&w, 42, 1);
    static const char *const needles[] = {
        "{\"S\":", "{\"N\":", "{\"B\":", "{\"BOOL\":", "{\"NULL\":true}",
        "{\"M\":", "{\"L\":", "{\"SS\":", "{\"NS\":", "{\"BS\":",
        "東京都", "🚀", "\"N\":\"-", "\"expires_at\":{\"N\":\"41024448",
        "\"BatchWriteItem\"", "\"TransactWriteItems\"",
        "\"ConditionExpression\":\"attribute_not_exists(#pk)\"",
    };
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
        if (strstr(text, needles[i]) == NULL)
            fail_msg("no %s in the workload", needles[i]);
    /* A 38-digit number: "N":" then optional '-' then 38 digits. */
    bool has_38 = false;
    for (const char *p = text; (p = strstr(p, "{\"N\":\"")) && !has_38; p++) {
        const char *d = p + 6 + (p[6] == '-');
        has_38 = strspn(d, "0123456789") == 38;
    }
    assert_true(has_38);
    /* ...and never more: DynamoDB refuses 39 significant digits. */
    for (const char *p = text; (p = strstr(p, "\"N\":\"")) != NULL; p++) {
        const char *d = p + 5 + (p[5] == '-');
        if (strspn(d, "0123456789") > 38)
            fail_msg("a number of more than 38 digits: %.45s", p);
    }
    for (const char *p = text; (p = strstr(p, "\"NS\":[")) != NULL; p++) {
        for (const char *q = p + 6; *q && *q != ']'; q++)
            if (*q == '"' && strspn(q + 1 + (q[1] == '-'), "0123456789") > 38)
                fail_msg("a set number of more than 38 digits: %.45s", q);
    }
    free(text);
}

static void large_items_should_stay_under_400_kb(void **state)
{
    (void)state;
    struct scenario_workload w = settings();
    struct scenario_table t = table();
    struct workload wl;
    w.mix = (struct scenario_mix){ .put = 1 };
    w.large_fraction = 1;
    w.operations = 3;
    workload_generate(&w, &t, 1, 3, &wl);
    for (size_t i = 0; i < wl.n; i++) {
        size_t n = strlen(wl.ops[i].body);
        assert_true(n > WORKLOAD_LARGE_PAYLOAD_BYTES);
        assert_true(n < 409600);
    }
    workload_clear(&wl);
}

static void batches_should_hold_distinct_keys(void **state)
{
    (void)state;
    struct scenario_workload w = settings();
    struct scenario_table t = table();
    struct workload wl;
    w.mix = (struct scenario_mix){ .batch = 1 };
    w.concurrency = 1;
    workload_generate(&w, &t, 1, 11, &wl);
    for (size_t i = 0; i < wl.n; i++) {
        cJSON *r = json_parse(wl.ops[i].body, strlen(wl.ops[i].body));
        const cJSON *list = json_get(json_get(r, "RequestItems"), "users");
        int n = cJSON_GetArraySize(list);
        assert_true(n >= 1 && n <= WORKLOAD_MAX_BATCH);
        char *seen[WORKLOAD_MAX_BATCH];
        for (int j = 0; j < n; j++) {
            const cJSON *e = cJSON_GetArrayItem(list, j);
            const cJSON *put = json_get(e, "PutRequest");
            const cJSON *k = put ? json_get(json_get(put, "Item"), "pk")
                                 : json_get(json_get(json_get(
                                       e, "DeleteRequest"), "Key"), "pk");
            seen[j] = cJSON_PrintUnformatted(k);
            for (int m = 0; m < j; m++)
                assert_string_not_equal(seen[m], seen[j]);
        }
        for (int j = 0; j < n; j++)
            free(seen[j]);
        cJSON_Delete(r);
    }
    workload_clear(&wl);
}

int main(void)
{
    mem_install_cjson_hooks();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_seed_should_give_identical_bytes),
        cmocka_unit_test(seed_42_should_keep_its_digest),
        cmocka_unit_test(scale_should_multiply_operations),
        cmocka_unit_test(mix_should_follow_the_weights),
        cmocka_unit_test(keys_should_stay_with_their_worker),
        cmocka_unit_test(items_should_use_every_attribute_type),
        cmocka_unit_test(large_items_should_stay_under_400_kb),
        cmocka_unit_test(batches_should_hold_distinct_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
