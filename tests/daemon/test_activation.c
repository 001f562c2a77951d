/* tests/daemon/test_activation.c -- rosterd started by socket activation
 * (systemd-socket-activate), as a .socket unit would start it. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"

static void test_activated(void **state) {
        h_daemon d;
        rd_message m = {};
        char *s;

        (void) state;
        h_prepare(&d, NULL, NULL);
        assert_true(h_start(&d, NULL, true));
        assert_int_equal(h_call(&d, "op: status\n", NULL, 0, &m), 0);
        assert_true(h_ok(&m));
        /* It reports the socket it was given, not one of its own. */
        assert_string_equal(rd_node_get_text(m.header, "socket"), d.socket);
        rd_message_done(&m);
        s = h_read_file(d.log, NULL);
        assert_non_null(strstr(s, "socket activation"));
        free(s);

        assert_int_equal(h_submit_file(&d, "submit", "candidates.yaml", &m), 0);
        assert_true(h_ok(&m));
        rd_message_done(&m);

        kill(d.pid, SIGTERM);
        s = h_notify_wait(&d, "STOPPING=1", 10000);
        assert_non_null(s);
        free(s);
        assert_int_equal(h_stop(&d), 0);
        h_cleanup(&d);
}

int main(int argc, char **argv) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_activated),
        };

        h_init(argc, argv);
        if (system("command -v systemd-socket-activate >/dev/null 2>&1") != 0) {
                fprintf(stderr, "systemd-socket-activate is not installed (Debian package "
                        "systemd); skipping\n");
                return 77;
        }
        return cmocka_run_group_tests(tests, NULL, NULL);
}
