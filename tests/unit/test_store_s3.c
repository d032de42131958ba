/* store_s3: object rows and their bodies, in memory. Writing a new key,
 * replacing a key (its old body goes), deleting one, and the strings of a
 * row read back; bodies checked through store_s3_body_read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store/store.h"
#include "store/store_s3.h"

#include <string.h>

struct put {
    const char *key;
    const char *body;
    const char *etag;
    const char *meta;
};

static enum store_result put_in(struct store_tx *tx, void *arg)
{
    const struct put *p = arg;
    struct store_s3_object o = {
        .key = p->key,
        .key_len = strlen(p->key),
        .size = (int64_t)strlen(p->body),
        .etag = p->etag,
        .content_type = "text/plain",
        .meta = p->meta,
    };
    return store_s3_object_put(tx, "b", &o, p->body, strlen(p->body));
}

static void put(struct store *s, const char *key, const char *body,
                const char *etag, const char *meta)
{
    struct put p = { key, body, etag, meta };
    assert_int_equal(store_write(s, put_in, &p), STORE_OK);
}

struct get {
    const char *key;
    struct store_s3_object o; /* owned */
    char body[64];
};

static enum store_result get_in(struct store_tx *tx, void *arg)
{
    struct get *g = arg;
    enum store_result r = store_s3_object_get(tx, "b", g->key,
                                              strlen(g->key), &g->o);
    if (r != STORE_OK)
        return r;
    memset(g->body, 0, sizeof g->body);
    return store_s3_body_read(tx, g->o.body, 0, (size_t)g->o.size, g->body);
}

struct body_read {
    int64_t body;
    size_t len;
};

static enum store_result body_in(struct store_tx *tx, void *arg)
{
    const struct body_read *b = arg;
    char dest[64];
    return store_s3_body_read(tx, b->body, 0, b->len, dest);
}

/* Whether body (len bytes long when written) can still be read. */
static bool body_is_stored(struct store *s, int64_t body, size_t len)
{
    struct body_read b = { body, len };
    return store_read(s, body_in, &b) == STORE_OK;
}

static enum store_result make_bucket(struct store_tx *tx, void *arg)
{
    (void)arg;
    struct store_s3_bucket b = { .name = "b", .region = "us-east-1" };
    return store_s3_bucket_insert(tx, &b);
}

static enum store_result delete_in(struct store_tx *tx, void *arg)
{
    const char *key = arg;
    return store_s3_object_delete(tx, "b", key, strlen(key));
}

static int setup(void **state)
{
    struct store *s = store_open(NULL);
    assert_non_null(s);
    assert_int_equal(store_write(s, make_bucket, NULL), STORE_OK);
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    store_close(*state);
    return 0;
}

static void a_new_key_should_read_back_with_its_strings(void **state)
{
    struct store *s = *state;
    put(s, "k", "hello", "\"e1\"", "{\"x-amz-meta-a\":\"1\"}");
    struct get g = { .key = "k" };
    assert_int_equal(store_read(s, get_in, &g), STORE_OK);
    assert_string_equal(g.body, "hello");
    assert_string_equal(g.o.key, "k");
    assert_string_equal(g.o.etag, "\"e1\"");
    assert_string_equal(g.o.content_type, "text/plain");
    assert_string_equal(g.o.meta, "{\"x-amz-meta-a\":\"1\"}");
    assert_null(g.o.checksum_algo);
    assert_null(g.o.checksum);
    store_s3_object_clear(&g.o);
}

static void replacing_a_key_should_delete_its_old_body(void **state)
{
    struct store *s = *state;
    put(s, "k", "hello", "\"e1\"", NULL);
    struct get first = { .key = "k" };
    assert_int_equal(store_read(s, get_in, &first), STORE_OK);
    put(s, "k", "world!", "\"e2\"", NULL);
    put(s, "other", "x", "\"e3\"", NULL);
    struct get second = { .key = "k" };
    assert_int_equal(store_read(s, get_in, &second), STORE_OK);
    assert_string_equal(second.body, "world!");
    assert_string_equal(second.o.etag, "\"e2\"");
    assert_null(second.o.meta);
    assert_false(body_is_stored(s, first.o.body, 5));
    assert_true(body_is_stored(s, second.o.body, 6));
    char key[] = "k";
    assert_int_equal(store_write(s, delete_in, key), STORE_OK);
    assert_false(body_is_stored(s, second.o.body, 6));
    struct get gone = { .key = "k" };
    assert_int_equal(store_read(s, get_in, &gone), STORE_NOT_FOUND);
    struct get kept = { .key = "other" };
    assert_int_equal(store_read(s, get_in, &kept), STORE_OK);
    assert_string_equal(kept.body, "x");
    store_s3_object_clear(&first.o);
    store_s3_object_clear(&second.o);
    store_s3_object_clear(&gone.o);
    store_s3_object_clear(&kept.o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            a_new_key_should_read_back_with_its_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(
            replacing_a_key_should_delete_its_old_body, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
