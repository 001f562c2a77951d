/* tests/daemon/test_lifecycle.c -- readiness, status, reload, watchdog,
 * stop: what systemd sees of rosterd on its notify socket. */
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

static void write_text(const char *path, const char *text) {
        FILE *f = fopen(path, "we");

        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

static long status_number(const h_daemon *d, const char *section, const char *key) {
        rd_message m = {};
        long v = -1;

        assert_int_equal(h_call(d, "op: status\n", NULL, 0, &m), 0);
        assert_true(h_ok(&m));
        rd_node_long(rd_node_get(rd_node_get(m.header, section), key), &v);
        rd_message_done(&m);
        return v;
}

/* READY=1 once it listens, a STATUS= line, status answers, SIGTERM gives
 * STOPPING=1, exit 0, and the socket it bound is gone. */
static void test_ready_status_stop(void **state) {
        h_daemon d;
        rd_message m = {};
        struct stat st;
        char *s;

        (void) state;
        h_prepare(&d, NULL, NULL);
        assert_true(h_start(&d, NULL, false));
        assert_int_equal(stat(d.socket, &st), 0);
        assert_true(S_ISSOCK(st.st_mode));
        s = h_notify_wait(&d, "STATUS=", 5000);
        assert_non_null(s);
        assert_non_null(strstr(s, "Idle"));
        free(s);

        assert_int_equal(h_call(&d, "op: status\nid: s1\n", NULL, 0, &m), 0);
        assert_true(h_ok(&m));
        assert_string_equal(rd_node_get_text(m.header, "id"), "s1");
        assert_string_equal(rd_node_get_text(m.header, "state"), "idle");
        assert_string_equal(rd_node_get_text(rd_node_get(m.header, "peer"), "role"), "admin");
        assert_string_equal(rd_node_get_text(m.header, "socket"), d.socket);
        rd_message_done(&m);

        /* Stopped right after an acknowledgement: the document has its
         * file and the write-ahead log is empty (its first bytes zero). */
        assert_int_equal(h_submit_file(&d, "submit", "shift-needs-garage.yaml", &m), 0);
        assert_true(h_ok(&m));
        rd_message_done(&m);

        kill(d.pid, SIGTERM);
        s = h_notify_wait(&d, "STOPPING=1", 10000);
        assert_non_null(s);
        free(s);
        assert_int_equal(h_stop(&d), 0);
        assert_int_not_equal(stat(d.socket, &st), 0);

        char path[512], head[16];
        snprintf(path, sizeof path, "%s/documents/0000000001.shift-needs.garage-zuid.yaml",
                 d.state);
        assert_int_equal(access(path, F_OK), 0);
        snprintf(path, sizeof path, "%s/documents.wal", d.state);
        FILE *f = fopen(path, "re");
        assert_non_null(f);
        assert_int_equal(fread(head, 1, sizeof head, f), sizeof head);
        fclose(f);
        for (size_t i = 0; i < sizeof head; i++)
                assert_int_equal(head[i], 0);
        h_cleanup(&d);
}

/* SIGHUP: RELOADING=1 ... READY=1; a valid file takes effect, an invalid
 * one is refused with a log line and the old settings stay. */
static void test_reload(void **state) {
        h_daemon d;
        rd_message m = {};
        char *s, *log;

        (void) state;
        h_prepare(&d, NULL, NULL);
        assert_true(h_start(&d, NULL, false));
        assert_int_equal(status_number(&d, "solver", "workers"), 2);

        write_text(d.config, "kind: config\nversion: 1\nsolver: {workers: 3}\n");
        kill(d.pid, SIGHUP);
        s = h_notify_wait(&d, "RELOADING=1", 10000);
        assert_non_null(s);
        free(s);
        s = h_notify_wait(&d, "READY=1", 10000);
        assert_non_null(s);
        free(s);
        assert_int_equal(status_number(&d, "solver", "workers"), 3);

        write_text(d.config, "kind: config\nversion: 1\nsolver: {workers: 5}\nbogus_key: 1\n");
        kill(d.pid, SIGHUP);
        s = h_notify_wait(&d, "RELOADING=1", 10000);
        assert_non_null(s);
        free(s);
        s = h_notify_wait(&d, "READY=1", 10000);
        assert_non_null(s);
        assert_non_null(strstr(s, "refused"));
        free(s);
        assert_int_equal(status_number(&d, "solver", "workers"), 3);
        log = h_read_file(d.log, NULL);
        assert_non_null(log);
        assert_non_null(strstr(log, "Reload refused"));
        assert_non_null(strstr(log, "bogus_key"));
        free(log);

        /* The same through the protocol: the problems come back. */
        assert_int_equal(h_call(&d, "op: reload\n", NULL, 0, &m), 0);
        assert_false(h_ok(&m));
        assert_string_equal(h_code(&m), "invalid");
        const rd_node *p = h_problem(&m, 0);
        assert_non_null(p);
        assert_string_equal(rd_node_get_text(p, "line"), "4");
        rd_message_done(&m);

        write_text(d.config, "kind: config\nversion: 1\nsolver: {workers: 1}\n");
        assert_int_equal(h_call(&d, "op: reload\n", NULL, 0, &m), 0);
        assert_true(h_ok(&m));
        rd_message_done(&m);
        assert_int_equal(status_number(&d, "solver", "workers"), 1);

        assert_int_equal(h_stop(&d), 0);
        h_cleanup(&d);
}

/* With WATCHDOG_USEC set the loop pings the watchdog by itself. */
static void test_watchdog(void **state) {
        const char *env[] = { "WATCHDOG_USEC=400000", NULL };
        h_daemon d;
        char *s;

        (void) state;
        h_prepare(&d, NULL, NULL);
        assert_true(h_start(&d, env, false));
        s = h_notify_wait(&d, "WATCHDOG=1", 5000);
        assert_non_null(s);
        free(s);
        /* And keeps doing so. */
        s = h_notify_wait(&d, "WATCHDOG=1", 5000);
        assert_non_null(s);
        free(s);
        assert_int_equal(h_stop(&d), 0);
        h_cleanup(&d);
}

/* One state directory, one daemon; one socket, one daemon. */
static void test_second_daemon_refused(void **state) {
        h_daemon a, b;
        char *log;

        (void) state;
        h_prepare(&a, NULL, NULL);
        assert_true(h_start(&a, NULL, false));

        h_prepare(&b, NULL, NULL);
        strcpy(b.state, a.state);
        assert_false(h_start(&b, NULL, false));
        assert_int_equal(h_stop(&b), 1);
        log = h_read_file(b.log, NULL);
        assert_non_null(strstr(log, "lock"));
        free(log);
        h_cleanup(&b);

        h_prepare(&b, NULL, NULL);
        strcpy(b.socket, a.socket);
        assert_false(h_start(&b, NULL, false));
        assert_int_equal(h_stop(&b), 1);
        log = h_read_file(b.log, NULL);
        assert_non_null(strstr(log, "another daemon answers"));
        free(log);
        h_cleanup(&b);

        /* The first one is unharmed. */
        assert_int_equal(status_number(&a, "connections", "open"), 1);
        assert_int_equal(h_stop(&a), 0);
        h_cleanup(&a);
}

/* An invalid configuration at start is an error, not a default. */
static void test_invalid_config_at_start(void **state) {
        h_daemon d;
        char *log;

        (void) state;
        h_prepare(&d, NULL, "kind: config\nversion: 1\nsolver: {workers: many}\n");
        assert_false(h_start(&d, NULL, false));
        assert_int_equal(h_stop(&d), 1);
        log = h_read_file(d.log, NULL);
        assert_non_null(strstr(log, "rosterd.yaml:3"));
        free(log);
        h_cleanup(&d);
}

int main(int argc, char **argv) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ready_status_stop),
                cmocka_unit_test(test_reload),
                cmocka_unit_test(test_watchdog),
                cmocka_unit_test(test_second_daemon_refused),
                cmocka_unit_test(test_invalid_config_at_start),
        };

        h_init(argc, argv);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
