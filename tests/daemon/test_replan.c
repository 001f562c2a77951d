/* tests/daemon/test_replan.c -- publishing and re-planning: after a class
 * moves, the subscriber gets one new proposal (a burst of changes is
 * coalesced) whose changes against the approved roster are exactly the
 * blocks that had to move; a timetable change re-plans only the rosters of
 * employers where someone it touches may work, and those it may break
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
        /* c-2 becomes unavailable on Sundays, when the bakery is closed. */
        char *text = h_read_file(h_data("candidates.yaml"), NULL);
        assert_non_null(text);
        static const char from[] = "employers: [bakery-noord]\n  - id: c-3";
        char *at = strstr(text, from), *changed = NULL;
        assert_non_null(at);
        assert_true(asprintf(&changed, "%.*semployers: [bakery-noord]\n    unavailable:\n"
                                       "      - {day: sun}\n  - id: c-3%s",
                             (int) (at - text), text, at + strlen(from)) > 0);
        assert_int_equal(h_call(&daemon_, "op: submit\nname: candidates.yaml\n", changed,
                                strlen(changed), &m), 0);
        assert_true(h_ok(&m));
        rd_message_done(&m);
        free(text);
        free(changed);
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

/* How often @needle occurs in @text. */
static int count_of(const char *text, const char *needle) {
        int n = 0;

        for (const char *at = strstr(text, needle); at; at = strstr(at + 1, needle))
                n++;
        return n;
}

/* Waits until the log of @d holds @needle @times times and no solve runs
 * or waits; the log is returned (free it). */
static char *wait_replans(h_daemon *d, const char *needle, int times) {
        long long end = h_now_ms() + 60000;
        char *log = NULL;

        for (;;) {
                rd_message m = {};
                long queued = -1;
                const char *state = NULL;

                free(log);
                log = h_read_file(d->log, NULL);
                assert_non_null(log);
                assert_int_equal(h_call(d, "op: status\n", NULL, 0, &m), 0);
                rd_node_long(rd_node_get(rd_node_get(m.header, "solver"), "queued"), &queued);
                state = rd_node_get_text(m.header, "state");
                bool idle = queued == 0 && state && strcmp(state, "idle") == 0;
                rd_message_done(&m);
                if ((count_of(log, needle) >= times && idle) || h_now_ms() > end)
                        return log;
                usleep(100000);
        }
}

/* Submits timetable.yaml with @from replaced by @to. */
static void submit_timetable(h_daemon *d, const char *const *from, const char *const *to, size_t n) {
        char *text = h_read_file(h_data("timetable.yaml"), NULL);
        rd_message m = {};

        assert_non_null(text);
        for (size_t i = 0; i < n; i++) {
                char *at = strstr(text, from[i]);
                char *next;

                assert_non_null(at);
                assert_true(asprintf(&next, "%.*s%s%s", (int) (at - text), text, to[i],
                                     at + strlen(from[i])) > 0);
                free(text);
                text = next;
        }
        assert_int_equal(h_call(d, "op: submit\nname: timetable.yaml\n", text, strlen(text), &m), 0);
        assert_true(h_ok(&m));
        rd_message_done(&m);
        free(text);
}

/* Which rosters a timetable change re-plans, and in what order, with one
 * worker. Two more candidates are placed at bakery-noord and never work
 * there: c-5 meets the oven's language (A1) but may work 1 hour a week
 * (blocks are 3 hours at least); c-6 is A0.
 * 1. c-3 and c-5 join the Saturday class, in the middle of c-3's Saturday
 *    shift at garage-zuid: both employers have someone touched by the
 *    change who may work there, so both are re-planned, garage-zuid first
 *    although bakery-noord comes first otherwise: its plan has c-3 at
 *    work during the class, bakery-noord's has no work for c-5.
 * 2. c-1's Tuesday class moves an hour: only bakery-noord is re-planned,
 *    since nobody of that class may work at garage-zuid.
 * 3. A new Friday class for c-6 alone: nothing is re-planned, since c-6
 *    may not work at bakery-noord (language) nor at garage-zuid (not
 *    placed there).
 * 4. The same for candidates documents (see there). */
static void test_replan_scope_and_order(void **state) {
        static const char config[] = "kind: config\nversion: 1\n"
                                     "solver: {time_limit: 10s, gap: 0, workers: 1}\n"
                                     "travel: {default: 30m}\n";
        static const char *const files[] = { "candidates.yaml", "timetable.yaml",
                                             "shift-needs-bakery.yaml", "shift-needs-garage.yaml",
                                             NULL };
        static const char c5[] = "kind: candidates\nversion: 1\ncandidates:\n"
                                 "  - {id: c-5, language: B1, hours: {min: 0, target: 0, max: 1},\n"
                                 "     employers: [bakery-noord]}\n"
                                 "  - {id: c-6, language: A0, hours: {min: 0, target: 0, max: 20},\n"
                                 "     employers: [bakery-noord]}\n";
        static const char *const saturday[] = { "participants: [c-4]" };
        static const char *const saturday_joined[] = { "participants: [c-3, c-4, c-5]" };
        static const char *const both[] = { "participants: [c-4]",
                                            "{day: tue, start: \"14:00\", end: \"16:00\"}" };
        static const char *const both_moved[] = { "participants: [c-3, c-4, c-5]",
                                                  "{day: tue, start: \"15:00\", end: \"17:00\"}" };
        static const char *const all[] = { "participants: [c-4]",
                                           "{day: tue, start: \"14:00\", end: \"16:00\"}",
                                           "groups:\n" };
        static const char *const all_moved[] = {
                "participants: [c-3, c-4, c-5]", "{day: tue, start: \"15:00\", end: \"17:00\"}",
                "groups:\n  - id: groep-vrijdag\n    level: A0\n    location: noord\n"
                "    sessions:\n      - {day: fri, start: \"09:00\", end: \"11:00\"}\n"
                "    participants: [c-6]\n" };
        const char *bakery_line = "Solving 2026-W49 for bakery-noord (re-plan)";
        const char *garage_line = "Solving 2026-W49 for garage-zuid (re-plan)";
        h_daemon d;
        rd_message m = {};
        char *log;

        (void) state;
        h_prepare(&d, NULL, config);
        assert_true(h_start(&d, NULL, false));
        for (size_t i = 0; files[i]; i++) {
                assert_int_equal(h_submit_file(&d, "submit", files[i], &m), 0);
                assert_true(h_ok(&m));
                rd_message_done(&m);
        }
        assert_int_equal(h_call(&d, "op: submit\nname: c5.yaml\n", c5, strlen(c5), &m), 0);
        assert_true(h_ok(&m));
        rd_message_done(&m);
        assert_int_equal(h_call(&d, "op: propose\nweek: 2026-W49\n", NULL, 0, &m), 0);
        assert_true(h_ok(&m));
        assert_non_null(strstr(m.body, "candidate: c-3}"));
        assert_null(strstr(m.body, "candidate: c-5}"));
        rd_message_done(&m);
        for (int i = 0; i < 2; i++) {
                assert_int_equal(h_call(&d, i == 0 ? "op: approve\nweek: 2026-W49\nemployer: bakery-noord\n"
                                                   : "op: approve\nweek: 2026-W49\nemployer: garage-zuid\n",
                                        NULL, 0, &m), 0);
                assert_true(h_ok(&m));
                rd_message_done(&m);
        }

        submit_timetable(&d, saturday, saturday_joined, 1);
        log = wait_replans(&d, bakery_line, 1);
        assert_int_equal(count_of(log, bakery_line), 1);
        assert_int_equal(count_of(log, garage_line), 1);
        assert_true(offset_of(log, garage_line) < offset_of(log, bakery_line));
        free(log);

        submit_timetable(&d, both, both_moved, 2);
        log = wait_replans(&d, bakery_line, 2);
        assert_int_equal(count_of(log, bakery_line), 2);
        assert_int_equal(count_of(log, garage_line), 1);
        free(log);

        submit_timetable(&d, all, all_moved, 3);
        usleep(1500 * 1000);            /* three times the coalescing delay */
        log = wait_replans(&d, bakery_line, 2);
        assert_int_equal(count_of(log, bakery_line), 2);
        assert_int_equal(count_of(log, garage_line), 1);
        free(log);

        /* 4. The candidates again, unchanged: nothing to re-plan. Then c-4,
         *    who may work only at garage-zuid, gets fewer hours: only
         *    garage-zuid is re-planned. */
        assert_int_equal(h_submit_file(&d, "submit", "candidates.yaml", &m), 0);
        assert_true(h_ok(&m));
        rd_message_done(&m);
        usleep(1500 * 1000);
        log = wait_replans(&d, bakery_line, 2);
        assert_int_equal(count_of(log, bakery_line), 2);
        assert_int_equal(count_of(log, garage_line), 1);
        free(log);
        char *people = h_read_file(h_data("candidates.yaml"), NULL), *fewer = NULL;
        assert_non_null(people);
        static const char c4_hours[] = "language: A1\n    hours: {min: 0, target: 8, max: 20}";
        char *at = strstr(people, c4_hours);
        assert_non_null(at);
        assert_true(asprintf(&fewer, "%.*slanguage: A1\n    hours: {min: 0, target: 6, max: 12}%s",
                             (int) (at - people), people, at + strlen(c4_hours)) > 0);
        assert_int_equal(h_call(&d, "op: submit\nname: candidates.yaml\n", fewer, strlen(fewer), &m), 0);
        assert_true(h_ok(&m));
        rd_message_done(&m);
        free(people);
        free(fewer);
        log = wait_replans(&d, garage_line, 2);
        assert_int_equal(count_of(log, bakery_line), 2);
        assert_int_equal(count_of(log, garage_line), 2);
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
                cmocka_unit_test(test_replan_scope_and_order),
        };

        h_init(argc, argv);
        int failed = cmocka_run_group_tests(tests, setup, teardown);
        return failed + cmocka_run_group_tests_name("replan-order", alone, NULL, NULL);
}
