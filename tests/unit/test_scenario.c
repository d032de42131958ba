/* scenario: good files load with defaults filled in; bad files are refused
 * with the exact field path and what was expected. */
#include "base/mem.h"
#include "scenario/scenario.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#define POLICY "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":" \
               "\"Allow\",\"Action\":\"s3:PutObject\",\"Resource\":"      \
               "\"arn:aws:s3:::BUCKET/*\"}]}"
#define TABLES "\"tables\":[{\"name\":\"users\",\"keys\":[{\"name\":"     \
               "\"pk\",\"type\":\"S\"}],\"stream\":\"NEW_AND_OLD_IMAGES\"}]"

static struct scenario *parse(const char *text, char *err, size_t errlen)
{
    return scenario_parse(text, strlen(text), "t.json", "fixtures", err,
                          errlen);
}

static void good_file_should_load_with_defaults(void **state)
{
    (void)state;
    char err[512] = "";
    struct scenario *s = parse(
        "{\"placeholders\":{\"BUCKET\":\"lake\"},"
        "\"identities\":{\"users\":{\"app\":{\"policies\":[" POLICY "]}},"
        "\"roles\":{\"shipper\":{\"trust\":\"policies/trust-lambda.json\","
        "\"policies\":[\"policies/stream-to-s3.json\"]}}}," TABLES ","
        "\"buckets\":[\"lake\"],"
        "\"workload\":{\"table\":\"users\",\"as\":\"app\",\"seed\":7,"
        "\"distribution\":\"hot\"},"
        "\"pipeline\":[{\"step\":\"ship\",\"as\":\"shipper\",\"table\":"
        "\"users\",\"bucket\":\"lake\",\"options\":{\"batch_size\":10}}],"
        "\"expect\":{\"findings\":[{\"check\":\"delivery\",\"kind\":"
        "\"lost_change\"}]}}",
        err, sizeof err);
    assert_non_null(s);
    assert_string_equal(err, "");
    assert_string_equal(s->name, "t");
    assert_string_equal(s->account, "123456789012");
    assert_string_equal(s->region, "us-east-1");
    assert_int_equal(s->n_identities, 2);
    const struct scenario_identity *app = scenario_identity_find(s, "app");
    assert_non_null(strstr(app->policies[0], "arn:aws:s3:::lake/*"));
    assert_string_equal(app->policy_names[0], "inline-0");
    const struct scenario_identity *shipper =
        scenario_identity_find(s, "shipper");
    assert_true(shipper->is_role);
    assert_non_null(strstr(shipper->trust, "lambda.amazonaws.com"));
    assert_string_equal(shipper->policy_names[0],
                        "policies/stream-to-s3.json");
    assert_int_equal(s->workload.seed, 7);
    assert_true(s->workload.is_hot);
    assert_int_equal(s->workload.operations, 200);
    assert_int_equal(s->n_steps, 1);
    assert_string_equal(s->steps[0].name, "ship");
    assert_non_null(s->steps[0].options);
    assert_true(scenario_has_check(s, "least_privilege"));
    assert_int_equal(s->n_expected, 1);
    scenario_free(s);
}

struct bad_case {
    const char *name;
    const char *text;
    const char *message; /* the whole error */
};

static const struct bad_case bad_cases[] = {
    { "not JSON", "{", "t.json: not valid JSON" },
    { "not an object", "[]", "t.json: expected a JSON object" },
    { "an unknown top-level field",
      "{\"tabels\":[]}",
      "t.json: tabels: unknown field (expected one of: name, description, "
      "account, region, placeholders, identities, tables, buckets, "
      "workload, emulator, faults, pipeline, expect)" },
    { "a short account", "{\"account\":\"1234\"}",
      "t.json: account: expected 12 digits, got \"1234\"" },
    { "a table without keys", "{\"tables\":[{\"name\":\"t\"}]}",
      "t.json: tables[0].keys: expected a list of 1 or 2 keys (hash, then "
      "range), got nothing" },
    { "a key of a bad type",
      "{\"tables\":[{\"name\":\"t\",\"keys\":[{\"name\":\"pk\",\"type\":"
      "\"X\"}]}]}",
      "t.json: tables[0].keys[0].type: expected one of S, N, B, got \"X\"" },
    { "a bad stream view",
      "{\"tables\":[{\"name\":\"t\",\"keys\":[{\"name\":\"pk\",\"type\":"
      "\"S\"}],\"stream\":\"ALL\"}]}",
      "t.json: tables[0].stream: expected one of NEW_AND_OLD_IMAGES, "
      "NEW_IMAGE, OLD_IMAGE, KEYS_ONLY, got \"ALL\"" },
    { "a table declared twice",
      "{\"tables\":[{\"name\":\"t\",\"keys\":[{\"name\":\"pk\",\"type\":"
      "\"S\"}]},{\"name\":\"t\",\"keys\":[{\"name\":\"pk\",\"type\":"
      "\"S\"}]}]}",
      "t.json: tables[1]: table t is declared twice" },
    { "a mix weight as text",
      "{" TABLES ",\"workload\":{\"table\":\"users\",\"mix\":{\"put\":"
      "\"ten\"}}}",
      "t.json: workload.mix.put: expected a number from 0 to 1e+06, got a "
      "string" },
    { "a misspelt mix kind",
      "{" TABLES ",\"workload\":{\"table\":\"users\",\"mix\":{\"puts\":1}}}",
      "t.json: workload.mix.puts: unknown field (expected one of: put, "
      "update, delete, conditional, batch, transaction, ttl)" },
    { "a mix of zeros",
      "{" TABLES ",\"workload\":{\"table\":\"users\",\"mix\":{\"put\":0}}}",
      "t.json: workload.mix: expected at least one weight above 0" },
    { "a fractional operation count",
      "{" TABLES ",\"workload\":{\"table\":\"users\",\"operations\":1.5}}",
      "t.json: workload.operations: expected an integer from 0 to 1e+07, "
      "got 1.5" },
    { "a hot fraction above one",
      "{" TABLES ",\"workload\":{\"table\":\"users\",\"hot_fraction\":2}}",
      "t.json: workload.hot_fraction: expected a number from 0 to 1, got 2" },
    { "more hot keys than keys",
      "{" TABLES ",\"workload\":{\"table\":\"users\",\"keys\":3,"
      "\"hot_keys\":4}}",
      "t.json: workload.hot_keys: expected at most workload.keys (3)" },
    { "a bad distribution",
      "{" TABLES ",\"workload\":{\"table\":\"users\",\"distribution\":"
      "\"zipf\"}}",
      "t.json: workload.distribution: expected one of uniform, hot, got "
      "\"zipf\"" },
    { "a workload on an unknown table",
      "{\"workload\":{\"table\":\"orders\"}}",
      "t.json: workload.table: no table named \"orders\" in tables" },
    { "a workload without a table", "{\"workload\":{}}",
      "t.json: workload.table: required, expected a string" },
    { "an unknown step kind", "{\"pipeline\":[{\"step\":\"teleport\"}]}",
      "t.json: pipeline[0].step: expected one of ship, load, handler, esm, "
      "poll, export, got \"teleport\"" },
    { "an esm option of another kind",
      "{\"pipeline\":[{\"step\":\"esm\",\"options\":{\"drop_removes\":"
      "true}}]}",
      "t.json: pipeline[0].options.drop_removes: unknown field (expected "
      "one of: command, environment, given_stream_arn, batch_size, "
      "window_s, max_retries, retry_delay_ms, bisect, "
      "report_batch_item_failures, on_failure, parallelization, "
      "timeout_s, format, max_attempts)" },
    { "an esm command that is a string",
      "{\"pipeline\":[{\"step\":\"esm\",\"options\":{\"command\":"
      "\"python3 h.py\"}}]}",
      "t.json: pipeline[0].options.command: expected a non-empty list of "
      "strings (the program, then its arguments), got a string" },
    { "an esm command with an empty argument",
      "{\"pipeline\":[{\"step\":\"esm\",\"options\":{\"command\":"
      "[\"python3\",\"\"]}}]}",
      "t.json: pipeline[0].options.command[1]: expected a non-empty "
      "string, got \"\"" },
    { "an esm batch size past Lambda's limit",
      "{\"pipeline\":[{\"step\":\"esm\",\"options\":{\"batch_size\":"
      "20000}}]}",
      "t.json: pipeline[0].options.batch_size: expected an integer from 1 "
      "to 10000, got 20000" },
    { "esm retries below forever",
      "{\"pipeline\":[{\"step\":\"esm\",\"options\":{\"max_retries\":"
      "-2}}]}",
      "t.json: pipeline[0].options.max_retries: expected an integer from -1 "
      "to 10000, got -2" },
    { "an esm bisect flag as text",
      "{\"pipeline\":[{\"step\":\"esm\",\"options\":{\"bisect\":"
      "\"yes\"}}]}",
      "t.json: pipeline[0].options.bisect: expected true or false, got a "
      "string" },
    { "an esm environment value that is a number",
      "{\"pipeline\":[{\"step\":\"esm\",\"options\":{\"environment\":"
      "{\"LANDING_BUCKET\":1}}}]}",
      "t.json: pipeline[0].options.environment.LANDING_BUCKET: expected a "
      "string, got a number" },
    { "an esm format nobody writes",
      "{\"pipeline\":[{\"step\":\"esm\",\"options\":{\"format\":"
      "\"csv\"}}]}",
      "t.json: pipeline[0].options.format: expected one of ddb-json, json, "
      "got \"csv\"" },
    { "a poll overlap as text",
      "{\"pipeline\":[{\"step\":\"poll\",\"options\":{\"overlap_s\":"
      "\"1m\"}}]}",
      "t.json: pipeline[0].options.overlap_s: expected an integer from 0 to "
      "86400, got a string" },
    { "an empty poll watermark",
      "{\"pipeline\":[{\"step\":\"poll\",\"options\":{\"watermark\":"
      "\"\"}}]}",
      "t.json: pipeline[0].options.watermark: expected a non-empty string, "
      "got \"\"" },
    { "too many export segments",
      "{\"pipeline\":[{\"step\":\"export\",\"options\":{\"segments\":"
      "65}}]}",
      "t.json: pipeline[0].options.segments: expected an integer from 1 to "
      "64, got 65" },
    { "an export option of another kind",
      "{\"pipeline\":[{\"step\":\"export\",\"options\":{\"batch_size\":"
      "10}}]}",
      "t.json: pipeline[0].options.batch_size: unknown field (expected one "
      "of: segments, max_attempts)" },
    { "a step at more than the whole workload",
      "{" TABLES ",\"workload\":{\"table\":\"users\"},\"pipeline\":"
      "[{\"step\":\"poll\",\"at\":1.5}]}",
      "t.json: pipeline[0].at: expected a number from 0 to 1, got 1.5" },
    { "a step during a workload that is not there",
      "{\"pipeline\":[{\"step\":\"poll\",\"at\":0.5}]}",
      "t.json: pipeline[0].at: expected a workload to run during" },
    { "a watermark on a key attribute",
      "{" TABLES ",\"workload\":{\"table\":\"users\",\"watermark\":"
      "\"pk\"}}",
      "t.json: workload.watermark: expected an attribute that is not a key "
      "of table users" },
    { "a step as an unknown identity",
      "{\"pipeline\":[{\"step\":\"ship\",\"as\":\"ghost\"}]}",
      "t.json: pipeline[0].as: no user or role named \"ghost\" in "
      "identities" },
    { "a step into an unknown bucket",
      "{\"pipeline\":[{\"step\":\"ship\",\"bucket\":\"lake\"}]}",
      "t.json: pipeline[0].bucket: no bucket named \"lake\" in buckets" },
    { "step options that are not an object",
      "{\"pipeline\":[{\"step\":\"ship\",\"options\":[1]}]}",
      "t.json: pipeline[0].options: expected an object, got a list" },
    { "a concurrent flag, which steps do not have (\"at\" places them)",
      "{\"pipeline\":[{\"step\":\"ship\",\"concurrent\":true}]}",
      "t.json: pipeline[0].concurrent: unknown field (expected one of: "
      "step, name, as, service, table, bucket, prefix, at, options)" },
    { "a role without trust",
      "{\"identities\":{\"roles\":{\"r\":{\"policies\":[]}}}}",
      "t.json: identities.roles.r.trust: required, expected a trust policy "
      "file path or object" },
    { "a missing policy file",
      "{\"identities\":{\"users\":{\"u\":{\"policies\":[\"nope.json\"]}}}}",
      "t.json: identities.users.u.policies[0]: cannot read policy file "
      "fixtures/nope.json: No such file or directory" },
    { "a policy that is a number",
      "{\"identities\":{\"users\":{\"u\":{\"policies\":[3]}}}}",
      "t.json: identities.users.u.policies[0]: expected a policy file path "
      "or a policy object, got a number" },
    { "a policy without statements",
      "{\"identities\":{\"users\":{\"u\":{\"policies\":[{\"Version\":"
      "\"2012-10-17\"}]}}}}",
      "t.json: identities.users.u.policies[0]: expected a policy document "
      "(a JSON object with a Statement)" },
    { "a role named like a user",
      "{\"identities\":{\"users\":{\"x\":{}},\"roles\":{\"x\":{\"trust\":"
      "\"policies/trust-ec2.json\"}}}}",
      "t.json: identities.roles.x: the name is already used by a user" },
    { "an emulator setting it does not have",
      "{\"emulator\":{\"shard_size\":10}}",
      "t.json: emulator.shard_size: unknown field (expected one of: "
      "shard_rollover)" },
    { "a shard rollover of no records",
      "{\"emulator\":{\"shard_rollover\":0}}",
      "t.json: emulator.shard_rollover: expected an integer from 1 to "
      "1e+09, got 0" },
    { "emulator settings that are not an object",
      "{\"emulator\":25}",
      "t.json: emulator: expected an object, got a number" },
    { "a fault without an error",
      "{\"faults\":[{\"operation\":\"GetRecords\"}]}",
      "t.json: faults[0].error: required, expected a string" },
    { "an unknown check", "{\"expect\":{\"checks\":[\"speed\"]}}",
      "t.json: expect.checks[0]: expected one of pipeline, landing, "
      "delivery, lake, access, least_privilege, trust, got \"speed\"" },
    { "an empty expected finding", "{\"expect\":{\"findings\":[{}]}}",
      "t.json: expect.findings[0]: expected at least one of check, kind, "
      "subject, contains" },
    { "an empty string", "{\"name\":\"\"}",
      "t.json: name: expected a non-empty string, got \"\"" },
};

static void new_step_kinds_should_load_their_options(void **state)
{
    (void)state;
    char err[512] = "";
    struct scenario *s = parse(
        "{" TABLES ",\"buckets\":[\"lake\"],"
        "\"workload\":{\"table\":\"users\",\"watermark\":\"updated_at\"},"
        "\"pipeline\":["
        "{\"step\":\"esm\",\"options\":{\"command\":[\"python3\","
        "\"../scripts/lambda-run\",\"h.handler\"],\"environment\":"
        "{\"LANDING_FORMAT\":\"ddb-json\"},\"batch_size\":10,"
        "\"window_s\":0,\"max_retries\":-1,\"bisect\":true,"
        "\"report_batch_item_failures\":true,\"on_failure\":\"f/\"}},"
        "{\"step\":\"poll\",\"at\":0.5,\"options\":{\"overlap_s\":5}},"
        "{\"step\":\"poll\"},"
        "{\"step\":\"export\",\"options\":{\"segments\":4}}]}",
        err, sizeof err);
    assert_non_null(s);
    assert_string_equal(err, "");
    assert_string_equal(s->workload.watermark, "updated_at");
    assert_int_equal(s->n_steps, 4);
    assert_string_equal(s->steps[0].kind, "esm");
    assert_true(s->steps[0].at < 0);
    assert_true(s->steps[1].at == 0.5);
    assert_true(s->steps[2].at < 0);
    assert_string_equal(s->steps[3].name, "export");
    scenario_free(s);
}

static void bad_files_should_name_the_field(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        char err[512] = "";
        struct scenario *s = parse(bad_cases[i].text, err, sizeof err);
        if (s != NULL || strcmp(err, bad_cases[i].message) != 0)
            fail_msg("%s: got \"%s\"\n   want \"%s\"", bad_cases[i].name,
                     err, bad_cases[i].message);
        scenario_free(s);
    }
}

static void missing_file_should_say_so(void **state)
{
    (void)state;
    char err[256];
    assert_null(scenario_load("no/such.json", err, sizeof err));
    assert_string_equal(err, "no/such.json: No such file or directory");
}

/* Every file under scenarios/ loads (the tests run from the top). */
static void checked_in_scenarios_should_load(void **state)
{
    (void)state;
    DIR *d = opendir("scenarios");
    assert_non_null(d);
    struct dirent *e;
    size_t n = 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        char path[512], err[512] = "";
        snprintf(path, sizeof path, "scenarios/%s", e->d_name);
        struct scenario *s = scenario_load(path, err, sizeof err);
        if (s == NULL)
            fail_msg("%s", err);
        scenario_free(s);
        n++;
    }
    closedir(d);
    assert_true(n >= 11);
}

int main(void)
{
    mem_install_cjson_hooks();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_file_should_load_with_defaults),
        cmocka_unit_test(new_step_kinds_should_load_their_options),
        cmocka_unit_test(bad_files_should_name_the_field),
        cmocka_unit_test(missing_file_should_say_so),
        cmocka_unit_test(checked_in_scenarios_should_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
