/* The admin API's gate for clients beyond loopback, driven in process: a
 * call from a non-loopback peer goes through dispatch() exactly as the
 * server would hand it over, so no traffic ever leaves this host. */
#include "base/mem.h"
#include "emulator.h"
#include "http/call.h"
#include "http/dispatch.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN "0123456789abcdef0123456789abcdef"

/* Dispatches GET /_dynalake/health from peer with the given token header
 * (NULL: none); returns the status. */
static unsigned health_from(struct emulator *emu, const char *peer,
                            bool is_loopback, const char *token)
{
    struct call_header h[1] = { { "X-Dynalake-Admin-Token", token,
                                  strlen("X-Dynalake-Admin-Token"),
                                  token ? strlen(token) : 0 } };
    struct call c;
    call_init(&c, emu);
    c.method = "GET";
    c.path = "/_dynalake/health";
    c.query = xstrdup("");
    c.headers = h;
    c.n_headers = token ? 1 : 0;
    c.body = "";
    c.is_loopback = is_loopback;
    snprintf(c.peer_ip, sizeof c.peer_ip, "%s", peer);
    dispatch(&c);
    unsigned status = c.status;
    call_clear(&c);
    return status;
}

static struct emulator *start(const char *token)
{
    struct emulator_config cfg;
    emulator_config_init(&cfg);
    cfg.port = 0;
    cfg.threads = 1;
    cfg.admin_token = token;
    struct emulator *emu = emulator_start(&cfg);
    assert_non_null(emu);
    return emu;
}

static void remote_peers_need_the_token(void **state)
{
    (void)state;
    struct emulator *emu = start(TOKEN);
    assert_int_equal(health_from(emu, "127.0.0.1", true, NULL), 200);
    assert_int_equal(health_from(emu, "192.0.2.7", false, NULL), 400);
    assert_int_equal(health_from(emu, "192.0.2.7", false, "wrong"), 400);
    assert_int_equal(health_from(emu, "192.0.2.7", false,
                                 TOKEN "x"), 400);
    assert_int_equal(health_from(emu, "192.0.2.7", false, TOKEN), 200);
    emulator_stop(emu);
}

static void without_a_token_remote_peers_are_refused(void **state)
{
    (void)state;
    struct emulator *emu = start(NULL);
    assert_int_equal(health_from(emu, "192.0.2.7", false, TOKEN), 400);
    assert_int_equal(health_from(emu, "::1", true, NULL), 200);
    emulator_stop(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(remote_peers_need_the_token),
        cmocka_unit_test(without_a_token_remote_peers_are_refused),
    };
    return cmocka_run_group_tests_name("admin_token", tests, NULL, NULL);
}
