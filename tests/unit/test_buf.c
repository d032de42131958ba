/* buf: growth, reserving, the cap and its sticky failure, detach. */
#include "base/buf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

static void append_should_grow_and_keep_a_terminator(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 0);
    assert_string_equal(buf_cstr(&b), "");
    for (int i = 0; i < 1000; i++)
        buf_puts(&b, "abc");
    assert_int_equal(b.len, 3000);
    assert_int_equal(b.data[b.len], '\0');
    assert_false(buf_failed(&b));
    buf_clear(&b);
}

static void printf_should_handle_long_output(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 0);
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    buf_printf(&b, "<%s|%d>", big, 42);
    assert_int_equal(b.len, 999 + 5);
    assert_memory_equal(b.data + 1000, "|42>", 4);
    buf_clear(&b);
}

static void reserve_should_allocate_once_and_respect_the_cap(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 100);
    buf_reserve(&b, 80);
    char *storage = b.data;
    assert_non_null(storage);
    assert_true(b.cap >= 81);
    for (int i = 0; i < 80; i++)
        buf_putc(&b, 'x');
    assert_ptr_equal(b.data, storage); /* no reallocation */
    assert_int_equal(b.len, 80);
    buf_reserve(&b, 50);               /* past the cap: nothing happens */
    assert_false(buf_failed(&b));
    assert_ptr_equal(b.data, storage);
    buf_clear(&b);
}

static void appends_past_the_cap_should_fail_stickily(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 8);
    buf_puts(&b, "12345678");
    assert_false(buf_failed(&b));
    buf_putc(&b, '9');
    assert_true(buf_failed(&b));
    assert_int_equal(b.len, 8);
    buf_puts(&b, "");
    assert_true(buf_failed(&b));
    buf_reset(&b);
    assert_false(buf_failed(&b));
    assert_int_equal(b.len, 0);
    buf_clear(&b);
}

static void printf_past_the_cap_should_fail(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 300);
    char big[400];
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    buf_printf(&b, "%s", big);
    assert_true(buf_failed(&b));
    assert_int_equal(b.len, 0);
    buf_clear(&b);
}

static void detach_should_hand_over_and_empty(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 0);
    size_t len = 99;
    char *empty = buf_detach(&b, &len);
    assert_string_equal(empty, "");
    assert_int_equal(len, 0);
    free(empty);
    buf_puts(&b, "hello");
    char *s = buf_detach(&b, &len);
    assert_string_equal(s, "hello");
    assert_int_equal(len, 5);
    assert_int_equal(b.len, 0);
    assert_null(b.data);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(append_should_grow_and_keep_a_terminator),
        cmocka_unit_test(printf_should_handle_long_output),
        cmocka_unit_test(reserve_should_allocate_once_and_respect_the_cap),
        cmocka_unit_test(appends_past_the_cap_should_fail_stickily),
        cmocka_unit_test(printf_past_the_cap_should_fail),
        cmocka_unit_test(detach_should_hand_over_and_empty),
    };
    return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
