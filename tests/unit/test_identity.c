/* identity: the identities file, good and bad. */
#include "auth/identity.h"
#include "base/mem.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

/* Writes text to dir/name and returns the path (static storage). */
static const char *write_file(const char *name, const char *text)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void fixture_should_load_users_roles_and_keys(void **state)
{
    (void)state;
    char err[256] = "";
    struct identities *ids =
        identities_load("fixtures/identities.json", err, sizeof err);
    assert_non_null(ids);
    assert_string_equal(ids->account, "123456789012");
    const struct identity_key *k =
        identities_find_key(ids, str_from("AKIAREADER000EXAMPLE"));
    assert_non_null(k);
    assert_string_equal(k->secret, "reader-secret-key-example");
    assert_string_equal(k->owner->arn, "arn:aws:iam::123456789012:user/reader");
    assert_int_equal(k->owner->n_policies, 1);
    assert_non_null(strstr(k->owner->policies[0].document, "ReadTables"));
    assert_null(identities_find_key(ids, str_from("AKIAREADER000EXAMPL")));
    const struct identity *role = identities_find(ids, IDENTITY_ROLE,
                                                  "shipper");
    assert_non_null(role);
    assert_string_equal(role->arn, "arn:aws:iam::123456789012:role/shipper");
    assert_memory_equal(role->unique_id, "AROA", 4);
    assert_int_equal(strlen(role->unique_id), 21);
    assert_non_null(strstr(role->trust.document, "lambda.amazonaws.com"));
    assert_null(role->boundary.document);
    const struct identity *bounded = identities_find(ids, IDENTITY_USER,
                                                     "bounded");
    assert_non_null(bounded);
    assert_string_equal(bounded->boundary.name,
                        "policies/boundary-dynamodb-read-write.json");
    assert_non_null(strstr(bounded->boundary.document, "NeverDeletes"));
    identities_free(ids);
}

struct bad_case {
    const char *name;
    const char *text;
    const char *message;
};

static const struct bad_case bad_cases[] = {
    { "not json", "{", "not a JSON object" },
    { "bad account", "{\"account\": \"12\"}", "account: expected a 12-digit" },
    { "users not an object", "{\"account\":\"123456789012\",\"users\":[]}",
      "users: expected an object" },
    { "key without secret",
      "{\"account\":\"123456789012\",\"users\":{\"u\":{\"access_keys\":"
      "[{\"id\":\"A\"}]}}}", "users.u.access_keys: each key needs" },
    { "duplicate key",
      "{\"account\":\"123456789012\",\"users\":{\"u\":{\"access_keys\":"
      "[{\"id\":\"A\",\"secret\":\"s\"},{\"id\":\"A\",\"secret\":\"t\"}]}}}",
      "key A is used twice" },
    { "role without trust",
      "{\"account\":\"123456789012\",\"roles\":{\"r\":{}}}",
      "roles.r.trust: a role needs a trust policy" },
    { "missing policy file",
      "{\"account\":\"123456789012\",\"users\":{\"u\":{\"policies\":"
      "[\"nope.json\"]}}}", "nope.json" },
    { "policy of a bad type",
      "{\"account\":\"123456789012\",\"users\":{\"u\":{\"policies\":[7]}}}",
      "users.u.policies[0]: a policy must be a file path or an object" },
    { "boundary of a bad type",
      "{\"account\":\"123456789012\",\"users\":{\"u\":"
      "{\"permissions_boundary\":[]}}}",
      "users.u.permissions_boundary: a policy must be a file path or an "
      "object" },
    { "missing boundary file",
      "{\"account\":\"123456789012\",\"roles\":{\"r\":{\"trust\":{},"
      "\"permissions_boundary\":\"nope.json\"}}}", "nope.json" },
    { "context not an object",
      "{\"account\":\"123456789012\",\"context\":[]}",
      "context: expected an object" },
};

static void bad_files_should_be_refused_with_the_field_named(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        char err[256] = "";
        const char *path = write_file("ids.json", bad_cases[i].text);
        struct identities *ids = identities_load(path, err, sizeof err);
        if (ids != NULL || strstr(err, bad_cases[i].message) == NULL)
            fail_msg("case '%s': got '%s'", bad_cases[i].name, err);
    }
}

static void policy_paths_should_resolve_beside_the_file(void **state)
{
    (void)state;
    write_file("p.json", "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
    const char *path = write_file(
        "ids.json", "{\"account\":\"123456789012\",\"users\":{\"u\":"
        "{\"policies\":[\"p.json\",{\"Statement\":[]}]}}}");
    char err[256] = "";
    struct identities *ids = identities_load(path, err, sizeof err);
    assert_non_null(ids);
    const struct identity *u = identities_find(ids, IDENTITY_USER, "u");
    assert_int_equal(u->n_policies, 2);
    assert_string_equal(u->policies[0].name, "p.json");
    assert_string_equal(u->policies[1].name, "inline-1");
    identities_free(ids);
}

int main(void)
{
    mem_install_cjson_hooks();
    snprintf(dir, sizeof dir, "/tmp/dynalake-identity-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixture_should_load_users_roles_and_keys),
        cmocka_unit_test(bad_files_should_be_refused_with_the_field_named),
        cmocka_unit_test(policy_paths_should_resolve_beside_the_file),
    };
    int rc = cmocka_run_group_tests_name("identity", tests, NULL, NULL);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
