/* tests/daemon/test_replan.c -- publishing and re-planning: after a class
 * moves, the subscriber gets one new proposal (a burst of changes is
 * coalesced) whose changes against the approved roster are exactly the
 * blocks that had to move; the rosters a change may break are re-planned
 * before the others. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"

static h_daemon daemon_;

static int setup(void **state) {
        static const char *const files[] = { "candidates.yaml", "timetable.yaml",
                                             "shift-needs-bakery.yaml", "shift-needs-garage.yaml",
                                             NULL };
        rd_message m = {};

        (void) state;
        h_prepare(&daemon_, NULL, NULL);
        if (!h_start(&daemon_, NULL, false))
                return -1;
        for (size_t i = 0; files[i]; i++) {
                if (h_submit_file(&daemon_, "submit", files[i], &m) < 0 || !h_ok(&m))
                        return -1;
                rd_message_done(&m);
        }
        return 0;
}

static int teardown(void **state) {
        (void) state;
        int r = h_stop(&daemon_);
        h_cleanup(&daemon_);
        return r == 0 ? 0 : -1;
}

/* Reads the next message within @ms; false when none came. */
static bool next_event(int fd, rd_buf *in, rd_message *m, int ms) {
        size_t scanned = 0, len;
        struct pollfd p = { .fd = fd, .events = POLLIN };

        if (rd_frame_find_end(rd_buf_data(in), rd_buf_len(in), &scanned, &len) == 0 &&
            poll(&p, 1, ms) != 1)
                return false;
        assert_int_equal(rd_message_read(fd, in, 1 << 20, m, NULL), 0);
        return true;
}

static int subscribe(const char *lines, rd_buf *in) {
        int fd = h_connect(&daemon_);
        rd_message m = {};
        rd_buf req = {};

        rd_buf_printf(&req, "rosterd: 1\nop: subscribe\n%s...\n", lines);
        assert_int_equal(rd_write_all(fd, rd_buf_data(&req), rd_buf_len(&req)), 0);
        assert_int_equal(rd_message_read(fd, in, 1 << 20, &m, NULL), 0);
        assert_true(h_ok(&m));
        rd_message_done(&m);
        rd_buf_done(&req);
        return fd;
}

static void test_publish_and_replan(void **state) {
        rd_buf in = {}, in_other = {};
        rd_message m = {};
        long proposed = -1, got = -1;

        (void) state;
        int fd = subscribe("employer: bakery-noord\nweek: 2026-W49\n", &in);
        int other = subscribe("employer: garage-zuid\n", &in_other);

        /* A new proposal is published ... */
        assert_int_equal(h_call(&daemon_, "op: propose\nweek: 2026-W49\nemployer: bakery-noord\n",
                                NULL, 0, &m), 0);
        assert_true(h_ok(&m));
        rd_node_long(rd_node_get(rd_node_get(m.header, "rosters")->items[0], "revision"), &proposed);
        rd_message_done(&m);
        assert_true(next_event(fd, &in, &m, 10000));
        assert_string_equal(rd_node_get_text(m.header, "event"), "proposal");
        assert_string_equal(rd_node_get_text(m.header, "replan"), "false");
        rd_node_long(rd_node_get(m.header, "revision"), &got);
        assert_int_equal(got, proposed);
        assert_non_null(strstr(m.body, "state: proposal"));
        rd_message_done(&m);

        /* ... and so is its approval. */
        assert_int_equal(h_call(&daemon_, "op: approve\nweek: 2026-W49\nemployer: bakery-noord\n",
                                NULL, 0, &m), 0);
        assert_true(h_ok(&m));
        rd_message_done(&m);
        assert_true(next_event(fd, &in, &m, 10000));
        assert_string_equal(rd_node_get_text(m.header, "event"), "approved");
        assert_non_null(strstr(m.body, "state: approved"));
        rd_message_done(&m);

        /* A burst: the same timetable again, then the moved class (Tuesday
         * 14:00 to 09:00, in the middle of c-1's Tuesday shift). */
        assert_int_equal(h_submit_file(&daemon_, "submit", "timetable.yaml", &m), 0);
        rd_message_done(&m);
        assert_int_equal(h_submit_file(&daemon_, "submit", "timetable-moved.yaml", &m), 0);
        assert_true(h_ok(&m));
        rd_message_done(&m);

        assert_true(next_event(fd, &in, &m, 60000));
        assert_string_equal(rd_node_get_text(m.header, "event"), "proposal");
        assert_string_equal(rd_node_get_text(m.header, "replan"), "true");
        assert_string_equal(rd_node_get_text(m.header, "employer"), "bakery-noord");
        long approved = -1;
        rd_node_long(rd_node_get(m.header, "approved"), &approved);
        assert_int_equal(approved, proposed);
        rd_node_long(rd_node_get(m.header, "revision"), &got);
        assert_true(got > proposed);
        /* Exactly Tuesday's block changes hands: c-1 can no longer work
         * it, and a 3-hour block on either side of the class is not
         * possible; every other day stays as approved. */
        const rd_node *changes = rd_node_get(m.header, "changes");
        assert_int_equal(rd_node_seq_len(changes), 1);
        const rd_node *c = changes->items[0];
        assert_string_equal(rd_node_get_text(c, "position"), "oven");
        assert_string_equal(rd_node_get_text(c, "day"), "tue");
        assert_string_equal(rd_node_get_text(c, "start"), "07:00");
        assert_string_equal(rd_node_get_text(c, "end"), "13:00");
        assert_int_equal(rd_node_seq_len(rd_node_get(c, "from")), 1);
        assert_string_equal(rd_node_text(rd_node_get(c, "from")->items[0]), "c-1");
        assert_int_equal(rd_node_seq_len(rd_node_get(c, "to")), 1);
        assert_string_equal(rd_node_text(rd_node_get(c, "to")->items[0]), "c-2");
        assert_non_null(strstr(m.body, "{day: tue, start: \"07:00\", end: \"13:00\", candidate: c-2}"));
        assert_non_null(strstr(m.body, "{day: wed, start: \"07:00\", end: \"13:00\", candidate: c-1}"));
        assert_non_null(strstr(m.body, "timetable/taal-noord"));
        rd_message_done(&m);

        /* One re-plan for the burst, and none for an employer without rosters. */
        assert_false(next_event(fd, &in, &m, 2500));
        assert_false(next_event(other, &in_other, &m, 100));

        /* show gives the approved roster and names the open proposal. */
        assert_int_equal(h_call(&daemon_, "op: get\nweek: 2026-W49\nemployer: bakery-noord\n", NULL, 0,
                                &m), 0);
        assert_string_equal(rd_node_get_text(rd_node_get(m.header, "roster"), "state"), "approved");
        long open = -1;
        rd_node_long(rd_node_get(rd_node_get(m.header, "roster"), "open_proposal"), &open);
        assert_int_equal(open, got);
        rd_message_done(&m);
        assert_int_equal(h_call(&daemon_,
                                "op: get\nweek: 2026-W49\nemployer: bakery-noord\nproposal: true\n",
                                NULL, 0, &m), 0);
        assert_int_equal(rd_node_seq_len(rd_node_get(rd_node_get(m.header, "roster"), "changes")), 1);
        rd_message_done(&m);

        close(fd);
        close(other);
        rd_buf_done(&in);
        rd_buf_done(&in_other);
}

static long solved(void) {
        rd_message m = {};
        long v = -1;

        assert_int_equal(h_call(&daemon_, "op: status\n", NULL, 0, &m), 0);
        rd_node_long(rd_node_get(rd_node_get(m.header, "solver"), "solved"), &v);
        rd_message_done(&m);
        return v;
}

/* A change that leaves the plan as it is publishes nothing. */
static void test_no_change_no_event(void **state) {
        rd_buf in = {};
        rd_message m = {};
        long before = solved();

        (void) state;
        int fd = subscribe("", &in);
        assert_int_equal(h_submit_file(&daemon_, "submit", "shift-needs-garage.yaml", &m), 0);
        assert_true(h_ok(&m));
        rd_message_done(&m);
        assert_int_equal(h_submit_file(&daemon_, "submit", "candidates.yaml", &m), 0);
        assert_true(h_ok(&m));
        rd_message_done(&m);
        /* The re-plan of bakery-noord runs and finds the open proposal again. */
        long long end = h_now_ms() + 60000;
        while (solved() == before && h_now_ms() < end)
                usleep(100000);
        assert_true(solved() > before);
        assert_false(next_event(fd, &in, &m, 500));
        close(fd);
        rd_buf_done(&in);
}

/* Where @needle first occurs in @text, or -1. */
static long offset_of(const char *text, const char *needle) {
        const char *at = strstr(text, needle);

        return at ? at - text : -1;
}

/* With one worker, the roster a timetable change may break goes first:
 * c-3 joins the Saturday class, in the middle of c-3's Saturday shift at
 * garage-zuid, so garage-zuid is re-planned before bakery-noord (whose
 * c-1 keeps its classes), although bakery-noord comes first otherwise. */
static void test_broken_first(void **state) {
        static const char config[] = "kind: config\nversion: 1\n"
                                     "solver: {time_limit: 10s, gap: 0, workers: 1}\n"
                                     "travel: {default: 30m}\n";
        static const char *const files[] = { "candidates.yaml", "timetable.yaml",
                                             "shift-needs-bakery.yaml", "shift-needs-garage.yaml",
                                             NULL };
        h_daemon d;
        rd_message m = {};
        char *timetable, *log;
        size_t size = 0;

        (void) state;
        h_prepare(&d, NULL, config);
        assert_true(h_start(&d, NULL, false));
        for (size_t i = 0; files[i]; i++) {
                assert_int_equal(h_submit_file(&d, "submit", files[i], &m), 0);
                assert_true(h_ok(&m));
                rd_message_done(&m);
        }
        assert_int_equal(h_call(&d, "op: propose\nweek: 2026-W49\n", NULL, 0, &m), 0);
        assert_true(h_ok(&m));
        assert_non_null(strstr(m.body, "candidate: c-3}"));
        rd_message_done(&m);
        for (int i = 0; i < 2; i++) {
                assert_int_equal(h_call(&d, i == 0 ? "op: approve\nweek: 2026-W49\nemployer: bakery-noord\n"
                                                   : "op: approve\nweek: 2026-W49\nemployer: garage-zuid\n",
                                        NULL, 0, &m), 0);
                assert_true(h_ok(&m));
                rd_message_done(&m);
        }

        timetable = h_read_file(h_data("timetable.yaml"), &size);
        assert_non_null(timetable);
        char *at = strstr(timetable, "participants: [c-4]");
        assert_non_null(at);
        char moved[2048];
        snprintf(moved, sizeof moved, "%.*sparticipants: [c-3, c-4]%s", (int) (at - timetable), timetable,
                 at + strlen("participants: [c-4]"));
        free(timetable);
        assert_int_equal(h_call(&d, "op: submit\nname: timetable.yaml\n", moved, strlen(moved), &m), 0);
        assert_true(h_ok(&m));
        rd_message_done(&m);

        /* Both re-plans start, one after the other. */
        long long end = h_now_ms() + 60000;
        long bakery = -1, garage = -1;
        do {
                usleep(100000);
                log = h_read_file(d.log, NULL);
                assert_non_null(log);
                bakery = offset_of(log, "Solving 2026-W49 for bakery-noord (re-plan)");
                garage = offset_of(log, "Solving 2026-W49 for garage-zuid (re-plan)");
                if (bakery < 0 || garage < 0)
                        free(log);
        } while ((bakery < 0 || garage < 0) && h_now_ms() < end);
        assert_true(bakery >= 0 && garage >= 0);
        assert_true(garage < bakery);
        free(log);
        assert_int_equal(h_stop(&d), 0);
        h_cleanup(&d);
}

int main(int argc, char **argv) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_publish_and_replan),
                cmocka_unit_test(test_no_change_no_event),
        };
        const struct CMUnitTest alone[] = {
                cmocka_unit_test(test_broken_first),
        };

        h_init(argc, argv);
        int failed = cmocka_run_group_tests(tests, setup, teardown);
        return failed + cmocka_run_group_tests_name("replan-order", alone, NULL, NULL);
}
