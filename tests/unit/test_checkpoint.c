/* checkpoint: a missing file is an empty checkpoint, saves (durable or
 * not) replace the file atomically and leave no temporary behind, corrupt
 * files are refused with a reason. */
#include "base/json.h"
#include "base/mem.h"
#include "sync/checkpoint.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/test_checkpointXXXXXX";

static void path_in_dir(char *out, size_t len, const char *name)
{
    snprintf(out, len, "%s/%s", dir, name);
}

static void missing_file_should_load_as_empty_object(void **state)
{
    (void)state;
    char path[256], err[256];
    path_in_dir(path, sizeof path, "missing.json");
    cJSON *doc = NULL;
    assert_int_equal(checkpoint_load(path, &doc, err, sizeof err), 0);
    assert_true(cJSON_IsObject(doc));
    assert_null(doc->child);
    cJSON_Delete(doc);
}

/* Three rounds of save through the file at name; the last one must be what
 * reads back, with no PATH.tmp left. */
static void check_replacing(const char *name,
                            int (*save)(const char *, const cJSON *, char *,
                                        size_t))
{
    char path[256], tmp[300], err[256];
    path_in_dir(path, sizeof path, name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    for (int round = 1; round <= 3; round++) {
        cJSON *doc = cJSON_CreateObject();
        cJSON_AddStringToObject(doc, "seq", round == 3
                                ? "100000000000000000003" : "1");
        assert_int_equal(save(path, doc, err, sizeof err), 0);
        cJSON_Delete(doc);
    }
    assert_int_equal(access(tmp, F_OK), -1);
    cJSON *back = NULL;
    assert_int_equal(checkpoint_load(path, &back, err, sizeof err), 0);
    assert_string_equal(json_get_string(back, "seq"),
                        "100000000000000000003");
    cJSON_Delete(back);
    unlink(path);
}

static void save_should_replace_and_leave_no_temporary(void **state)
{
    (void)state;
    check_replacing("ship.json", checkpoint_save);
}

static void replace_should_replace_and_leave_no_temporary(void **state)
{
    (void)state;
    check_replacing("fast.json", checkpoint_replace);
}

static void corrupt_file_should_be_refused(void **state)
{
    (void)state;
    char path[256], err[256] = "";
    path_in_dir(path, sizeof path, "bad.json");
    FILE *f = fopen(path, "w");
    fputs("{\"seq\": \"1\"", f);
    fclose(f);
    cJSON *doc = NULL;
    assert_int_equal(checkpoint_load(path, &doc, err, sizeof err), -1);
    assert_null(doc);
    assert_non_null(strstr(err, "not a checkpoint"));
    unlink(path);
}

static void save_into_missing_directory_should_fail_with_reason(void **state)
{
    (void)state;
    char path[256], err[256] = "";
    path_in_dir(path, sizeof path, "no/such/dir.json");
    cJSON *doc = cJSON_CreateObject();
    assert_int_equal(checkpoint_save(path, doc, err, sizeof err), -1);
    assert_non_null(strstr(err, "No such file"));
    err[0] = '\0';
    assert_int_equal(checkpoint_replace(path, doc, err, sizeof err), -1);
    assert_non_null(strstr(err, "No such file"));
    cJSON_Delete(doc);
}

int main(void)
{
    mem_install_cjson_hooks();
    if (mkdtemp(dir) == NULL)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(missing_file_should_load_as_empty_object),
        cmocka_unit_test(save_should_replace_and_leave_no_temporary),
        cmocka_unit_test(replace_should_replace_and_leave_no_temporary),
        cmocka_unit_test(corrupt_file_should_be_refused),
        cmocka_unit_test(
            save_into_missing_directory_should_fail_with_reason),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(dir);
    return rc;
}
