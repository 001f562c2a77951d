/* tests/daemon/test_durability.c -- kill -9 while eight clients submit:
 * after a restart every acknowledged document is there, byte for byte,
 * and so is the approved roster; a stray temporary file is ignored and a
 * damaged file is quarantined, not dropped.
 * ROSTERD_TEST_ROUNDS sets the submissions per client (default 20).
 * The repeated test kills the daemon ROSTERD_TEST_KILLS times (default
 * 200) on one state directory, ROSTERD_TEST_KILL_ROUNDS submissions per
 * client each time (default 4). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"

#define CLIENTS 8

static int rounds(void) {
        const char *e = getenv("ROSTERD_TEST_ROUNDS");
        int n = e ? atoi(e) : 20;

        return n > 0 ? n : 20;
}

static char *document(int client, int round, size_t *ret_size) {
        char *text = NULL;
        int n = asprintf(&text,
                         "# client %d, round %d\n"
                         "kind: shift-needs\n"
                         "version: 1\n"
                         "employer: load-%d\n"
                         "weeks: 2026-W49\n"
                         "positions:\n"
                         "  - id: p%d\n"
                         "    title: \"Round %d of client %d\"\n"
                         "    shifts:\n"
                         "      - {days: [mon], start: \"08:00\", end: \"12:00\"}\n",
                         client, round, client, round, round, client);
        assert_true(n > 0);
        *ret_size = (size_t) n;
        return text;
}

/* One client: submits its rounds on one connection and notes every
 * acknowledged revision in @ack_path, until the daemon goes away. */
static void client(const h_daemon *d, int id, const char *ack_path) {
        int fd = h_connect(d), ack = open(ack_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);

        if (fd < 0 || ack < 0)
                _exit(1);
        for (int r = 0; r < rounds(); r++) {
                rd_message m = {};
                size_t size;
                char *text = document(id, r, &size), line[64];
                int ret = h_request(fd, "op: submit\n", text, size, &m);
                free(text);
                if (ret < 0)
                        _exit(0);
                if (!h_ok(&m))
                        _exit(2);
                long revision = -1;
                rd_node_long(rd_node_get(m.header, "revision"), &revision);
                int n = snprintf(line, sizeof line, "%ld %d\n", revision, r);
                if (write(ack, line, (size_t) n) != n)
                        _exit(1);
                rd_message_done(&m);
        }
        _exit(0);
}

static int count_lines(const char *path) {
        char *text = h_read_file(path, NULL);
        int n = 0;

        for (char *p = text; p && *p; p++)
                n += *p == '\n';
        free(text);
        return n;
}

/* Waits until the clients have acknowledged @at_least submissions more
 * than @base (per client, NULL: none) or @timeout_ms passed, kills the
 * daemon with SIGKILL, and reaps the clients, which must all have ended
 * cleanly. Returns how many were acknowledged when it struck. */
static int kill_when_acked(h_daemon *d, char ack[CLIENTS][256], const int *base, int at_least,
                           long long timeout_ms, const pid_t *pids) {
        long long end = h_now_ms() + timeout_ms;
        int total = 0;

        while (h_now_ms() < end) {
                total = 0;
                for (int i = 0; i < CLIENTS; i++)
                        total += count_lines(ack[i]) - (base ? base[i] : 0);
                if (total >= at_least)
                        break;
                usleep(1000);
        }
        h_kill9(d);
        for (int i = 0; i < CLIENTS; i++) {
                int status;

                waitpid(pids[i], &status, 0);
                assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
        return total;
}

static int env_int(const char *name, int fallback) {
        const char *e = getenv(name);
        int n = e ? atoi(e) : fallback;

        return n > 0 ? n : fallback;
}

static char *cycle_document(int cycle, int client, int round, size_t *ret_size) {
        char *text = NULL;
        int n = asprintf(&text,
                         "kind: shift-needs\n"
                         "version: 1\n"
                         "employer: kill-%d\n"
                         "weeks: 2026-W49\n"
                         "positions:\n"
                         "  - id: p%d-%d\n"
                         "    title: \"Cycle %d, round %d of client %d\"\n"
                         "    shifts:\n"
                         "      - {days: [tue], start: \"09:00\", end: \"13:00\"}\n",
                         client, cycle, round, cycle, round, client);
        assert_true(n > 0);
        *ret_size = (size_t) n;
        return text;
}

/* One client of one cycle: appends "revision cycle round" to @ack_path
 * for every acknowledged submission, until the daemon goes away. */
static void cycle_client(const h_daemon *d, int cycle, int id, int n_rounds, const char *ack_path) {
        int fd = h_connect(d), ack = open(ack_path, O_WRONLY | O_CREAT | O_APPEND, 0644);

        if (fd < 0 || ack < 0)
                _exit(fd < 0 ? 0 : 1);
        for (int r = 0; r < n_rounds; r++) {
                rd_message m = {};
                size_t size;
                char *text = cycle_document(cycle, id, r, &size), line[64];
                int ret = h_request(fd, "op: submit\n", text, size, &m);

                free(text);
                if (ret < 0)
                        _exit(0);
                if (!h_ok(&m))
                        _exit(2);
                long revision = -1;
                rd_node_long(rd_node_get(m.header, "revision"), &revision);
                int n = snprintf(line, sizeof line, "%ld %d %d\n", revision, cycle, r);
                if (write(ack, line, (size_t) n) != n)
                        _exit(1);
                rd_message_done(&m);
        }
        _exit(0);
}

/* Every submission acknowledged in @ack_path (from @from_line on) is on
 * disk byte for byte; returns how many were checked. */
static int check_acks(const h_daemon *d, int client, const char *ack_path, int from_line) {
        char *acks = h_read_file(ack_path, NULL), *save = NULL, path[512];
        int line_no = 0, checked = 0;

        for (char *line = acks ? strtok_r(acks, "\n", &save) : NULL; line;
             line = strtok_r(NULL, "\n", &save), line_no++) {
                long revision;
                int cycle, round;
                size_t size, stored_size;

                if (line_no < from_line)
                        continue;
                assert_int_equal(sscanf(line, "%ld %d %d", &revision, &cycle, &round), 3);
                char *text = cycle_document(cycle, client, round, &size);
                snprintf(path, sizeof path, "%s/documents/%010ld.shift-needs.kill-%d.yaml", d->state,
                         revision, client);
                char *stored = h_read_file(path, &stored_size);
                if (!stored)
                        fail_msg("acknowledged revision %ld (cycle %d, client %d) is not on disk", revision,
                                 cycle, client);
                assert_int_equal(stored_size, size);
                assert_memory_equal(stored, text, size);
                free(stored);
                free(text);
                checked++;
        }
        free(acks);
        return checked;
}

/* kill -9 while eight clients submit, many times over on one state
 * directory: after every restart the daemon answers, and every document
 * it ever acknowledged is there, byte for byte. */
static void test_kill9_repeated(void **state) {
        int kills = env_int("ROSTERD_TEST_KILLS", 200), n_rounds = env_int("ROSTERD_TEST_KILL_ROUNDS", 4);
        int lines[CLIENTS] = { 0 }, checked = 0;
        char ack[CLIENTS][256];
        h_daemon d;

        (void) state;
        h_prepare(&d, NULL, NULL);
        for (int i = 0; i < CLIENTS; i++)
                snprintf(ack[i], sizeof ack[i], "%s/kill-ack-%d", d.dir, i);
        for (int cycle = 0; cycle < kills; cycle++) {
                pid_t pids[CLIENTS];
                int total = 0;

                /* Every other cycle with a log of 4 KiB: it fills within
                 * a cycle, starts again and falls back to the direct
                 * commit, each of which a kill may hit. */
                static const char *const small_log[] = { "ROSTERD_WAL_SIZE=4096", NULL };
                assert_true(h_start(&d, cycle % 2 ? small_log : NULL, false));
                /* What the last cycle acknowledged survived its kill. */
                for (int i = 0; i < CLIENTS; i++) {
                        int now = count_lines(ack[i]);

                        checked += check_acks(&d, i, ack[i], lines[i]);
                        lines[i] = now;
                }
                for (int i = 0; i < CLIENTS; i++) {
                        pids[i] = fork();
                        if (pids[i] == 0)
                                cycle_client(&d, cycle, i, n_rounds, ack[i]);
                }
                /* Kill at a moment that moves from cycle to cycle: after
                 * 1 .. all of the submissions were acknowledged. */
                int kill_at = 1 + (cycle * 7) % (CLIENTS * n_rounds);

                total = kill_when_acked(&d, ack, lines, kill_at, 60000, pids);
                assert_true(total >= kill_at);
        }
        /* The last restart, and everything ever acknowledged once more. */
        assert_true(h_start(&d, NULL, false));
        for (int i = 0; i < CLIENTS; i++)
                check_acks(&d, i, ack[i], 0);
        for (int i = 0; i < CLIENTS; i++)
                checked += count_lines(ack[i]) - lines[i];
        print_message("%d kills, %d acknowledged submissions checked\n", kills, checked);
        assert_int_equal(h_stop(&d), 0);
        h_cleanup(&d);
}

static void test_kill9(void **state) {
        h_daemon d;
        rd_message m = {};
        char ack[CLIENTS][256], path[512];
        pid_t pids[CLIENTS];
        long approved = -1;

        (void) state;
        h_prepare(&d, NULL, NULL);
        assert_true(h_start(&d, NULL, false));

        /* An approved roster, to find again after the crash. */
        static const char *const files[] = { "candidates.yaml", "timetable.yaml",
                                             "shift-needs-bakery.yaml", NULL };
        for (size_t i = 0; files[i]; i++) {
                assert_int_equal(h_submit_file(&d, "submit", files[i], &m), 0);
                assert_true(h_ok(&m));
                rd_message_done(&m);
        }
        assert_int_equal(h_call(&d, "op: propose\nweek: 2026-W49\nemployer: bakery-noord\n", NULL, 0,
                                &m), 0);
        assert_true(h_ok(&m));
        rd_message_done(&m);
        assert_int_equal(h_call(&d, "op: approve\nweek: 2026-W49\nemployer: bakery-noord\n", NULL, 0,
                                &m), 0);
        assert_true(h_ok(&m));
        assert_true(rd_node_long(rd_node_get(m.header, "revision"), &approved));
        rd_message_done(&m);

        for (int i = 0; i < CLIENTS; i++) {
                snprintf(ack[i], sizeof ack[i], "%s/ack-%d", d.dir, i);
                pids[i] = fork();
                if (pids[i] == 0)
                        client(&d, i, ack[i]);
        }
        /* Kill it in the middle of the stream. */
        int total = kill_when_acked(&d, ack, NULL, CLIENTS * rounds() / 2, 120000, pids);
        assert_true(total > 0);

        /* Leftovers a crash can leave, and a file damaged on disk. */
        snprintf(path, sizeof path, "%s/documents/.tmp-0000999999.candidates.yaml", d.state);
        FILE *f = fopen(path, "we");
        fputs("kind: cand", f);
        fclose(f);
        snprintf(path, sizeof path, "%s/documents/0000009998.shift-needs.zzz.yaml", d.state);
        f = fopen(path, "we");
        fputs("kind: shift-needs\nversion: 1\nemployer: zz", f);
        fclose(f);

        assert_true(h_start(&d, NULL, false));
        snprintf(path, sizeof path, "%s/documents/.tmp-0000999999.candidates.yaml", d.state);
        assert_int_not_equal(access(path, F_OK), 0);
        snprintf(path, sizeof path, "%s/quarantine/documents.0000009998.shift-needs.zzz.yaml",
                 d.state);
        assert_int_equal(access(path, F_OK), 0);
        char *log = h_read_file(d.log, NULL);
        assert_non_null(strstr(log, "Damaged file documents/0000009998.shift-needs.zzz.yaml"));
        free(log);

        /* Every acknowledged submission, byte for byte. */
        int checked = 0;
        assert_int_equal(h_call(&d, "op: list\nkind: shift-needs\n", NULL, 0, &m), 0);
        const rd_node *docs = rd_node_get(m.header, "documents");
        for (int i = 0; i < CLIENTS; i++) {
                char *acks = h_read_file(ack[i], NULL);
                char *save = NULL;
                for (char *line = strtok_r(acks, "\n", &save); line;
                     line = strtok_r(NULL, "\n", &save)) {
                        long revision;
                        int round;
                        assert_int_equal(sscanf(line, "%ld %d", &revision, &round), 2);
                        bool listed = false;
                        for (size_t k = 0; k < rd_node_seq_len(docs); k++) {
                                long v = -1;
                                rd_node_long(rd_node_get(docs->items[k], "revision"), &v);
                                listed |= v == revision;
                        }
                        assert_true(listed);
                        size_t size, stored_size;
                        char *text = document(i, round, &size);
                        snprintf(path, sizeof path, "%s/documents/%010ld.shift-needs.load-%d.yaml",
                                 d.state, revision, i);
                        char *stored = h_read_file(path, &stored_size);
                        assert_non_null(stored);
                        assert_int_equal(stored_size, size);
                        assert_memory_equal(stored, text, size);
                        free(stored);
                        free(text);
                        checked++;
                }
                free(acks);
        }
        rd_message_done(&m);
        assert_true(checked >= total);

        assert_int_equal(h_call(&d, "op: get\nweek: 2026-W49\nemployer: bakery-noord\n", NULL, 0, &m),
                         0);
        assert_true(h_ok(&m));
        long revision = -1;
        rd_node_long(rd_node_get(rd_node_get(m.header, "roster"), "revision"), &revision);
        assert_int_equal(revision, approved);
        assert_string_equal(rd_node_get_text(rd_node_get(m.header, "roster"), "state"), "approved");
        rd_message_done(&m);

        /* It goes on past every revision it ever gave or saw. */
        assert_int_equal(h_submit_file(&d, "submit", "shift-needs-garage.yaml", &m), 0);
        assert_true(h_ok(&m));
        rd_node_long(rd_node_get(m.header, "revision"), &revision);
        assert_true(revision > 9998);
        rd_message_done(&m);

        assert_int_equal(h_stop(&d), 0);
        h_cleanup(&d);
}

int main(int argc, char **argv) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_kill9),
                cmocka_unit_test(test_kill9_repeated),
        };

        h_init(argc, argv);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
