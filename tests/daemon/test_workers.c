/* tests/daemon/test_workers.c -- solves run in worker processes: one that
 * crashes or runs past its time limit is reported to the requester as
 * internal, and the daemon goes on answering, promptly, meanwhile too.
 * ROSTERD_TEST_WORKER=crash|hang|escape:PATH makes the worker misbehave. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/landlock.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <cmocka.h>

#include "harness.h"

static void submit_all(h_daemon *d) {
        static const char *const files[] = { "candidates.yaml", "timetable.yaml",
                                             "shift-needs-bakery.yaml", "shift-needs-garage.yaml",
                                             NULL };
        rd_message m = {};

        for (size_t i = 0; files[i]; i++) {
                assert_int_equal(h_submit_file(d, "submit", files[i], &m), 0);
                assert_true(h_ok(&m));
                rd_message_done(&m);
        }
}

static long solver_number(h_daemon *d, const char *key, long long *ret_ms) {
        rd_message m = {};
        long long t0 = h_now_ms();
        long v = -1;

        assert_int_equal(h_call(d, "op: status\n", NULL, 0, &m), 0);
        if (ret_ms)
                *ret_ms = h_now_ms() - t0;
        assert_true(h_ok(&m));
        rd_node_long(rd_node_get(rd_node_get(m.header, "solver"), key), &v);
        rd_message_done(&m);
        return v;
}

static void test_crash(void **state) {
        const char *env[] = { "ROSTERD_TEST_WORKER=crash", NULL };
        h_daemon d;
        rd_message m = {};
        char *log;

        (void) state;
        h_prepare(&d, NULL, NULL);
        assert_true(h_start(&d, env, false));
        submit_all(&d);
        assert_int_equal(h_call(&d, "op: propose\nid: c1\nweek: 2026-W49\nemployer: bakery-noord\n",
                                NULL, 0, &m), 0);
        assert_false(h_ok(&m));
        assert_string_equal(h_code(&m), "internal");
        assert_string_equal(rd_node_get_text(m.header, "id"), "c1");
        assert_non_null(strstr(rd_node_get_text(rd_node_get(m.header, "error"), "message"), "crashed"));
        rd_message_done(&m);
        assert_int_equal(solver_number(&d, "failed", NULL), 1);
        /* Nothing was stored for it. */
        assert_int_equal(h_call(&d, "op: get\nweek: 2026-W49\nemployer: bakery-noord\n", NULL, 0, &m),
                         0);
        assert_string_equal(h_code(&m), "not-found");
        rd_message_done(&m);
        log = h_read_file(d.log, NULL);
        assert_non_null(strstr(log, "failed: the solve of 2026-W49 crashed"));
        free(log);
        assert_int_equal(h_stop(&d), 0);
        h_cleanup(&d);
}

static void test_hang(void **state) {
        const char *env[] = { "ROSTERD_TEST_WORKER=hang", NULL };
        h_daemon d;
        rd_message m = {};
        rd_buf in = {};
        long long t0, worst = 0, ms;
        int fd;

        (void) state;
        h_prepare(&d, NULL, "kind: config\nversion: 1\nsolver: {time_limit: 1s, workers: 1}\n");
        assert_true(h_start(&d, env, false));
        submit_all(&d);

        fd = h_connect(&d);
        static const char propose[] = "rosterd: 1\nop: propose\nid: h1\nweek: 2026-W49\n"
                                      "employer: bakery-noord\n...\n";
        t0 = h_now_ms();
        assert_int_equal(rd_write_all(fd, propose, strlen(propose)), 0);
        /* A second one waits for the only worker. */
        int fd2 = h_connect(&d);
        static const char propose2[] = "rosterd: 1\nop: propose\nid: h2\nweek: 2026-W49\n"
                                       "employer: garage-zuid\n...\n";
        assert_int_equal(rd_write_all(fd2, propose2, strlen(propose2)), 0);
        usleep(300000);
        /* Status and reads while the worker hangs: answered at once. */
        for (int i = 0; i < 10; i++) {
                assert_int_equal(solver_number(&d, "queued", &ms), 1);
                if (ms > worst)
                        worst = ms;
                assert_int_equal(h_call(&d, "op: list\n", NULL, 0, &m), 0);
                assert_true(h_ok(&m));
                rd_message_done(&m);
                usleep(100000);
        }
        assert_true(worst < 1000);

        assert_int_equal(rd_message_read(fd, &in, 1 << 20, &m, NULL), 0);
        long long took = h_now_ms() - t0;
        assert_string_equal(h_code(&m), "internal");
        assert_non_null(strstr(rd_node_get_text(rd_node_get(m.header, "error"), "message"),
                               "time limit"));
        rd_message_done(&m);
        /* Killed after the limit and its grace, not before, not much later. */
        assert_true(took >= 1000);
        assert_true(took < 60000);
        close(fd);
        rd_buf_done(&in);

        assert_int_equal(rd_message_read(fd2, &in, 1 << 20, &m, NULL), 0);
        assert_string_equal(h_code(&m), "internal");
        rd_message_done(&m);
        close(fd2);
        rd_buf_done(&in);

        assert_int_equal(solver_number(&d, "failed", NULL), 2);
        assert_int_equal(h_call(&d, "op: status\n", NULL, 0, &m), 0);
        assert_string_equal(rd_node_get_text(m.header, "state"), "idle");
        rd_message_done(&m);
        assert_int_equal(h_stop(&d), 0);
        h_cleanup(&d);
}

/* A requester that goes away does not stop the solve or the daemon. */
static void test_requester_leaves(void **state) {
        h_daemon d;
        rd_message m = {};
        int fd;

        (void) state;
        h_prepare(&d, NULL, NULL);
        assert_true(h_start(&d, NULL, false));
        submit_all(&d);
        fd = h_connect(&d);
        static const char propose[] = "rosterd: 1\nop: propose\nweek: 2026-W49\n"
                                      "employer: bakery-noord\n...\n";
        assert_int_equal(rd_write_all(fd, propose, strlen(propose)), 0);
        close(fd);
        long long end = h_now_ms() + 60000;
        long solved = 0;
        while (h_now_ms() < end && (solved = solver_number(&d, "solved", NULL)) < 1)
                usleep(100000);
        assert_int_equal(solved, 1);
        assert_int_equal(h_call(&d, "op: get\nweek: 2026-W49\nemployer: bakery-noord\n", NULL, 0, &m),
                         0);
        assert_true(h_ok(&m));
        rd_message_done(&m);
        assert_int_equal(h_stop(&d), 0);
        h_cleanup(&d);
}

/* A worker gives up the filesystem once it has read its input: the
 * escape hook tries to create and write a file, and to read /etc/passwd
 * (leaving a second file when it could), then solves as usual. With
 * Landlock in the kernel neither file appears; without it the file limit
 * still keeps the first one empty. */
static void test_confined(void **state) {
        bool landlock = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION) >= 1;
        char hook[600], path[512], read_path[600];
        const char *env[] = { hook, NULL };
        struct stat st;
        rd_message m = {};
        h_daemon d;

        (void) state;
        h_prepare(&d, NULL, NULL);
        snprintf(path, sizeof path, "%s/escape", d.dir);
        snprintf(read_path, sizeof read_path, "%s.read", path);
        snprintf(hook, sizeof hook, "ROSTERD_TEST_WORKER=escape:%s", path);
        assert_true(h_start(&d, env, false));
        submit_all(&d);
        assert_int_equal(h_call(&d, "op: propose\nweek: 2026-W49\nemployer: bakery-noord\n", NULL, 0, &m),
                         0);
        assert_true(h_ok(&m));
        rd_message_done(&m);
        if (landlock) {
                assert_int_not_equal(access(path, F_OK), 0);
                assert_int_not_equal(access(read_path, F_OK), 0);
        } else {
                print_message("no Landlock in this kernel: only the file size limit is checked\n");
                assert_true(stat(path, &st) != 0 || st.st_size == 0);
        }
        assert_int_equal(h_stop(&d), 0);
        h_cleanup(&d);
}

int main(int argc, char **argv) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_crash),
                cmocka_unit_test(test_hang),
                cmocka_unit_test(test_confined),
                cmocka_unit_test(test_requester_leaves),
        };

        h_init(argc, argv);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
