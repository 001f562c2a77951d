/* tests/daemon/test_units.c -- pieces of the daemon without a daemon:
 * message framing, YAML quoting, what changed between two rosters, the
 * state directory and its write-ahead log. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon-server.h"
#include "daemon-wal.h"

/* rd_buf_truncate() keeps the bytes before the cut, NUL after them, and
 * gives back the room of a large buffer cut down (the worker's output is
 * cut roster by roster, last first). */
static void test_buf_truncate(void **state) {
        rd_buf b = {};
        size_t big = 8u << 20;

        (void) state;
        assert_int_equal(rd_buf_puts(&b, "header\n"), 0);
        assert_int_equal(rd_buf_reserve(&b, big), 0);
        memset(rd_buf_tail(&b), 'x', big);
        rd_buf_commit(&b, big);
        assert_int_equal(rd_buf_len(&b), 7 + big);

        rd_buf_truncate(&b, 7 + big);           /* nothing to cut */
        assert_int_equal(rd_buf_len(&b), 7 + big);
        rd_buf_truncate(&b, 7 + 1000);
        assert_int_equal(rd_buf_len(&b), 1007);
        assert_int_equal(rd_buf_data(&b)[1006], 'x');
        assert_int_equal(rd_buf_data(&b)[1007], '\0');
        assert_true(b.capacity < 1u << 20);
        assert_memory_equal(rd_buf_data(&b), "header\nx", 8);
        rd_buf_truncate(&b, 3);
        assert_string_equal(rd_buf_data(&b), "hea");
        /* Still a buffer to append to. */
        assert_int_equal(rd_buf_puts(&b, "d"), 0);
        assert_string_equal(rd_buf_data(&b), "head");
        rd_buf_done(&b);
}

static void test_frame_end(void **state) {
        size_t scanned = 0, len = 0, end;
        const char *full = "rosterd: 1\nop: status\n...\nnext";

        (void) state;
        /* Grown a byte at a time, the end is found exactly once it is there. */
        for (size_t n = 0; n <= strlen(full); n++) {
                end = rd_frame_find_end(full, n, &scanned, &len);
                if (n < 26)
                        assert_int_equal(end, 0);
                else
                        assert_int_equal(end, 26);
        }
        assert_int_equal(len, 22);

        scanned = 0;
        assert_int_equal(rd_frame_find_end("a: 1\n... \r\n", 11, &scanned, &len), 11);
        assert_int_equal(len, 5);
        scanned = 0;
        assert_int_equal(rd_frame_find_end("a: 1\n....\n", 10, &scanned, &len), 0);
        scanned = 0;
        assert_int_equal(rd_frame_find_end("a: '\n...'\n", 10, &scanned, &len), 0);
        scanned = 0;
        assert_int_equal(rd_frame_find_end("...\n", 4, &scanned, &len), 4);
        assert_int_equal(len, 0);
        scanned = 0;
        assert_int_equal(rd_frame_find_end("a: x...\n", 8, &scanned, &len), 0);
}

/* Writes @a, then after 50 ms @b, from a child process; its pid. */
static pid_t fork_writer(int fd, const char *a, const char *b) {
        pid_t pid = fork();

        if (pid < 0)
                return -errno;
        if (pid == 0) {
                usleep(50 * 1000);
                (void) !rd_write_all(fd, a, strlen(a));
                usleep(50 * 1000);
                (void) !rd_write_all(fd, b, strlen(b));
                _exit(0);
        }
        return pid;
}
/* rd_message_read() waits for a message that comes in pieces, keeps what
 * follows it for the next call, and gives up after the socket's
 * SO_RCVTIMEO as a plain read() would (it waits in poll(), see there). */
static void test_message_read(void **state) {
        const char *first = "rosterd: 1\nsize: 5\n...\nhello";
        const char *second = "rosterd: 1\nok: true\n...\n";
        struct timeval tv = { .tv_usec = 200 * 1000 };
        struct timespec t0, t1;
        rd_message m = {};
        rd_buf in = {};
        int sv[2], status;
        pid_t writer;

        (void) state;
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);

        /* The header's end and the body arrive after a first piece. */
        assert_int_equal(rd_write_all(sv[1], first, 12), 0);
        writer = fork_writer(sv[1], first + 12, second);
        assert_true(writer > 0);
        assert_int_equal(rd_message_read(sv[0], &in, 1 << 20, &m, NULL), 0);
        assert_string_equal(m.body, "hello");
        assert_int_equal(m.body_size, 5);
        rd_message_done(&m);
        assert_int_equal(rd_message_read(sv[0], &in, 1 << 20, &m, NULL), 0);
        assert_null(m.body);
        assert_non_null(rd_node_get(m.header, "ok"));
        rd_message_done(&m);

        /* Nothing more comes: -EAGAIN after about 200 ms. */
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(rd_message_read(sv[0], &in, 1 << 20, &m, NULL), -EAGAIN);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double ms = (double) (t1.tv_sec - t0.tv_sec) * 1e3 + (double) (t1.tv_nsec - t0.tv_nsec) / 1e6;
        assert_true(ms >= 190 && ms < 5000);

        /* The peer closes: -ECONNRESET, not a wait. */
        assert_int_equal(waitpid(writer, &status, 0), writer);
        close(sv[1]);
        assert_int_equal(rd_message_read(sv[0], &in, 1 << 20, &m, NULL), -ECONNRESET);
        close(sv[0]);
        rd_buf_done(&in);
}

/* What the writer quotes reads back as the same string. */
static void test_quoting_round_trip(void **state) {
        static const char *const values[] = {
                "07:00", "2026-12-03", "2026-W49", "true", "no", "12", "1.5", "c-017", "",
                "a: b", "- x", "...", "---", "#x", "line\nbreak", "Zoë", "null", "~", NULL,
        };
        rd_buf out = {};
        rd_yw w;
        rd_node *root = NULL;

        (void) state;
        rd_yw_begin(&w, &out);
        rd_yw_map_start(&w, false);
        for (size_t i = 0; values[i]; i++) {
                char key[16];
                snprintf(key, sizeof key, "k%zu", i);
                rd_yw_key_str(&w, key, values[i]);
        }
        rd_yw_map_end(&w);
        assert_int_equal(rd_yw_end(&w), 0);
        assert_int_equal(rd_yaml_parse(rd_buf_data(&out), rd_buf_len(&out), &root, NULL, NULL,
                                       NULL), 0);
        for (size_t i = 0; values[i]; i++) {
                char key[16];
                snprintf(key, sizeof key, "k%zu", i);
                const rd_node *n = rd_node_get(root, key);
                assert_non_null(n);
                assert_string_equal(n->text, values[i]);
        }
        /* Anything a YAML reader could take for another type is quoted. */
        static const char *const quoted[] = { "k0", "k1", "k3", "k4", "k5", "k6", "k8", "k16",
                                              "k17", NULL };
        for (size_t i = 0; quoted[i]; i++)
                assert_false(rd_node_get(root, quoted[i])->plain);
        assert_true(rd_node_get(root, "k2")->plain);
        assert_true(rd_node_get(root, "k7")->plain);
        /* A header never holds a bare "..." line, whatever its values. */
        size_t scanned = 0, len;
        assert_int_equal(rd_frame_find_end(rd_buf_data(&out), rd_buf_len(&out), &scanned, &len), 0);
        rd_node_free(root);
        rd_buf_done(&out);
}

static const char before[] =
        "kind: roster\nversion: 1\nemployer: e\nweek: 2026-W49\nrevision: 3\nstate: approved\n"
        "positions:\n"
        "- id: oven\n  assignments:\n"
        "  - {day: mon, start: \"07:00\", end: \"13:00\", candidate: c-1}\n"
        "  - {day: tue, start: \"07:00\", end: \"13:00\", candidate: c-1}\n"
        "  - {day: sun, start: \"22:00\", end: \"06:00\", candidate: c-2}\n"
        "- id: gone\n  assignments:\n"
        "  - {day: fri, start: \"08:00\", end: \"12:00\", candidate: c-3}\n";

static const char after[] =
        "kind: roster\nversion: 1\nemployer: e\nweek: 2026-W49\nrevision: 5\nstate: proposal\n"
        "positions:\n"
        "- id: oven\n  assignments:\n"
        "  - {day: mon, start: \"07:00\", end: \"13:00\", candidate: c-1}\n"
        "  - {day: tue, start: \"07:00\", end: \"10:00\", candidate: c-1}\n"
        "  - {day: tue, start: \"10:00\", end: \"13:00\", candidate: c-2}\n"
        "  - {day: sun, start: \"22:00\", end: \"06:00\", candidate: c-2}\n";

static void test_changes(void **state) {
        rd_buf out = {};
        rd_yw w;
        rd_node *root = NULL;

        (void) state;
        assert_int_equal(rd_changes_count(before, strlen(before), before, strlen(before)), 0);
        assert_int_equal(rd_changes_count(before, strlen(before), after, strlen(after)), 2);

        rd_yw_begin(&w, &out);
        rd_yw_map_start(&w, false);
        assert_int_equal(rd_changes_emit(&w, "changes", before, strlen(before), after,
                                         strlen(after)), 2);
        rd_yw_map_end(&w);
        assert_int_equal(rd_yw_end(&w), 0);
        assert_string_equal(rd_buf_data(&out),
                            "changes:\n"
                            "- {position: oven, day: tue, start: \"10:00\", end: \"13:00\", from: [c-1], "
                            "to: [c-2]}\n"
                            "- {position: gone, day: fri, start: \"08:00\", end: \"12:00\", from: [c-3], "
                            "to: []}\n");
        rd_buf_done(&out);
        rd_node_free(root);

        /* Not a roster: an error, and nothing written. */
        rd_yw_begin(&w, &out);
        rd_yw_map_start(&w, false);
        assert_true(rd_changes_emit(&w, "changes", "kind: candidates\n", 17, after,
                                    strlen(after)) < 0);
        rd_yw_map_end(&w);
        assert_int_equal(rd_yw_end(&w), 0);
        assert_string_equal(rd_buf_data(&out), "{}\n");
        rd_buf_done(&out);
}

static void test_roster_state(void **state) {
        size_t size = 0;
        char *t;

        (void) state;
        t = rd_roster_with_state(after, strlen(after), "approved", &size);
        assert_non_null(t);
        assert_int_equal(size, strlen(after));
        assert_non_null(strstr(t, "\nstate: approved\n"));
        assert_null(strstr(t, "proposal"));
        free(t);
        assert_null(rd_roster_with_state("kind: roster\n", 13, "approved", &size));
}

static void test_store(void **state) {
        char dir[] = "/tmp/rosterd-store-XXXXXX", path[256], **names = NULL;
        size_t n = 0, stray = 0, size = 0;
        rd_store s;
        char *text = NULL;

        (void) state;
        assert_non_null(mkdtemp(dir));
        assert_int_equal(rd_store_open(&s, dir), 0);
        /* The lock keeps a second user out. */
        rd_store other;
        assert_int_equal(rd_store_open(&other, dir), -EBUSY);

        assert_int_equal(rd_store_write(&s, RD_AREA_DOCUMENTS, "0000000002.candidates.yaml",
                                        "abc", 3), 0);
        assert_int_equal(rd_store_sync(&s), 0);
        snprintf(path, sizeof path, "%s/documents/.tmp-0000000003.candidates.yaml", dir);
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        fputs("half", f);
        fclose(f);

        assert_int_equal(rd_store_list(&s, RD_AREA_DOCUMENTS, &names, &n, &stray), 0);
        assert_int_equal(n, 1);
        assert_int_equal(stray, 1);
        assert_string_equal(names[0], "0000000002.candidates.yaml");
        assert_int_not_equal(access(path, F_OK), 0);
        rd_store_names_free(names, n);

        assert_int_equal(rd_store_read(&s, RD_AREA_DOCUMENTS, "0000000002.candidates.yaml", &text,
                                       &size), 0);
        assert_int_equal(size, 3);
        assert_string_equal(text, "abc");
        free(text);

        /* A file in pieces (a roster's two views) is their concatenation,
         * the empty piece included; more pieces than allowed are refused. */
        struct iovec pieces[RD_STORE_MAX_PIECES + 1] = {
                { (void *) "kind: roster\n", 13 }, { (void *) "", 0 }, { (void *) "---\n", 4 },
                { (void *) "x: 1\n", 5 },
        };
        assert_int_equal(rd_store_write_pieces(&s, RD_AREA_DOCUMENTS, "0000000004.pieces.yaml",
                                               pieces, 4), 0);
        assert_int_equal(rd_store_sync(&s), 0);
        assert_int_equal(rd_store_read(&s, RD_AREA_DOCUMENTS, "0000000004.pieces.yaml", &text,
                                       &size), 0);
        assert_int_equal(size, 22);
        assert_string_equal(text, "kind: roster\n---\nx: 1\n");
        free(text);
        for (size_t i = 4; i < RD_STORE_MAX_PIECES + 1; i++)
                pieces[i] = (struct iovec) { (void *) "y", 1 };
        assert_int_equal(rd_store_write_pieces(&s, RD_AREA_DOCUMENTS, "0000000005.pieces.yaml",
                                               pieces, RD_STORE_MAX_PIECES + 1), -EINVAL);
        assert_int_equal(rd_store_sync(&s), 0);

        /* Written files get their names when synced, all at once. */
        assert_int_equal(rd_store_write(&s, RD_AREA_ROSTERS, "0000000040.2026-W49.e.yaml", "x", 1), 0);
        assert_int_equal(rd_store_write(&s, RD_AREA_ROSTERS, "0000000041.2026-W49.f.yaml", "y", 1), 0);
        snprintf(path, sizeof path, "%s/rosters/0000000041.2026-W49.f.yaml", dir);
        assert_int_not_equal(access(path, F_OK), 0);
        assert_int_equal(rd_store_sync(&s), 0);
        assert_int_equal(access(path, F_OK), 0);
        snprintf(path, sizeof path, "%s/rosters/.tmp-0000000041.2026-W49.f.yaml", dir);
        assert_int_not_equal(access(path, F_OK), 0);
        assert_int_equal(rd_store_quarantine(&s, RD_AREA_ROSTERS, "0000000040.2026-W49.e.yaml"), 0);
        snprintf(path, sizeof path, "%s/quarantine/rosters.0000000040.2026-W49.e.yaml", dir);
        assert_int_equal(access(path, F_OK), 0);
        /* Quarantined revisions are never given again. */
        assert_int_equal(rd_store_max_revision(&s), 41);
        assert_int_equal(rd_store_name_revision("0000000040.2026-W49.e.yaml"), 40);
        assert_int_equal(rd_store_name_revision("x.yaml"), -1);
        assert_int_equal(rd_store_name_revision("12.yml"), -1);
        rd_store_close(&s);

        snprintf(path, sizeof path, "rm -rf '%s'", dir);
        assert_int_equal(system(path), 0);
}

/* Collects what rd_wal_read() gives. */
struct seen {
        size_t n;
        char names[8][64];
        char texts[8][64];
};

static int collect(void *userdata, const rd_wal_record *rec) {
        struct seen *seen = userdata;

        assert_true(seen->n < 8);
        snprintf(seen->names[seen->n], 64, "%s", rec->name);
        snprintf(seen->texts[seen->n], 64, "%.*s", (int) rec->size, rec->text);
        seen->n++;
        return 0;
}

static size_t read_log(int dir_fd, struct seen *seen) {
        size_t n = 99;

        memset(seen, 0, sizeof(*seen));
        assert_int_equal(rd_wal_read(dir_fd, RD_WAL_FILE, collect, seen, &n), 0);
        assert_int_equal(n, seen->n);
        return n;
}

/* Records come back whole and in order; a torn or damaged record ends
 * the log there, and so do the records of an older generation after a
 * rewind. */
static void test_wal(void **state) {
        char dir[] = "/tmp/rosterd-wal-XXXXXX", path[256], buf[4096];
        rd_wal w;
        struct seen seen;
        struct stat st;

        (void) state;
        assert_non_null(mkdtemp(dir));
        int dfd = open(dir, O_RDONLY | O_DIRECTORY);
        assert_true(dfd >= 0);
        assert_int_equal(read_log(dfd, &seen), 0);      /* no file: no records */

        assert_int_equal(rd_wal_open(&w, dfd, 1024), 0);
        snprintf(path, sizeof path, "%s/%s", dir, RD_WAL_FILE);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_size, 1024);             /* written out, all zeros */
        assert_int_equal(read_log(dfd, &seen), 0);

        rd_wal_record two[] = {
                { "0000000001.timetable.yaml", "kind: timetable\n", 16 },
                { "0000000002.shift-needs.a.yaml", "kind: shift-needs\n", 18 },
        };
        assert_int_equal(rd_wal_append(&w, buf, two, 2), 0);
        rd_wal_record third = { "0000000005.shift-needs.b.yaml", "b", 1 };
        assert_int_equal(rd_wal_append(&w, buf, &third, 1), 0);
        assert_int_equal(read_log(dfd, &seen), 3);
        assert_string_equal(seen.names[0], "0000000001.timetable.yaml");
        assert_string_equal(seen.texts[0], "kind: timetable\n");
        assert_string_equal(seen.names[1], "0000000002.shift-needs.a.yaml");
        assert_string_equal(seen.texts[1], "kind: shift-needs\n");
        assert_string_equal(seen.texts[2], "b");

        /* Names that could leave documents/ are refused; so is what does
         * not fit. */
        rd_wal_record bad = { "../0000000006.x.yaml", "x", 1 };
        assert_int_equal(rd_wal_append(&w, buf, &bad, 1), -EINVAL);
        rd_wal_record big = { "0000000007.x.yaml", buf, 900 };
        assert_int_equal(rd_wal_append(&w, buf + 1000, &big, 1), -ENOSPC);
        assert_int_equal(read_log(dfd, &seen), 3);

        /* One byte of the second record's text changed: only the first
         * is read. */
        int fd = open(path, O_RDWR);
        size_t second_text = rd_wal_record_size(&two[0]) + rd_wal_text_offset(&two[1]);
        assert_int_equal(pwrite(fd, "K", 1, (off_t) second_text), 1);
        assert_int_equal(read_log(dfd, &seen), 1);
        assert_int_equal(pwrite(fd, "k", 1, (off_t) second_text), 1);
        /* Torn: the third record cut short. */
        size_t third_at = rd_wal_record_size(&two[0]) + rd_wal_record_size(&two[1]);
        assert_int_equal(pwrite(fd, "\0\0\0\0", 4, (off_t) (third_at + rd_wal_record_size(&third) - 4)),
                         4);
        assert_int_equal(read_log(dfd, &seen), 2);
        close(fd);

        /* A new generation over the old one: the old records after it are
         * not read, even where one starts right after the new ones. */
        rd_wal_rewind(&w);
        assert_int_equal(rd_wal_append(&w, buf, &two[0], 1), 0);
        assert_int_equal(read_log(dfd, &seen), 1);
        assert_string_equal(seen.names[0], "0000000001.timetable.yaml");

        /* Emptied once applied. */
        assert_int_equal(rd_wal_clear(dfd, RD_WAL_FILE), 0);
        assert_int_equal(read_log(dfd, &seen), 0);
        rd_wal_close(&w);
        close(dfd);
        snprintf(path, sizeof path, "rm -rf '%s'", dir);
        assert_int_equal(system(path), 0);
}

/* At start, every document in the log gets its file: missing ones are
 * written, equal ones left alone, different ones quarantined and
 * replaced by the acknowledged bytes; then the log is empty. */
static void test_store_recover(void **state) {
        char dir[] = "/tmp/rosterd-recover-XXXXXX", path[256], buf[4096], *text = NULL;
        size_t recovered = 99, size = 0;
        rd_store s;
        rd_wal w;
        struct seen seen;

        (void) state;
        assert_non_null(mkdtemp(dir));
        assert_int_equal(rd_store_open(&s, dir), 0);
        assert_int_equal(rd_store_recover(&s, &recovered), 0);  /* no log yet */
        assert_int_equal(recovered, 0);

        assert_int_equal(rd_store_write(&s, RD_AREA_DOCUMENTS, "0000000002.candidates.yaml",
                                        "same", 4), 0);
        assert_int_equal(rd_store_write(&s, RD_AREA_DOCUMENTS, "0000000003.timetable.yaml",
                                        "damaged", 7), 0);
        assert_int_equal(rd_store_sync(&s), 0);
        assert_int_equal(rd_wal_open(&w, s.dir_fd, 4096), 0);
        rd_wal_record recs[] = {
                { "0000000001.shift-needs.a.yaml", "missing", 7 },
                { "0000000002.candidates.yaml", "same", 4 },
                { "0000000003.timetable.yaml", "acknowledged", 12 },
        };
        assert_int_equal(rd_wal_append(&w, buf, recs, 3), 0);
        rd_wal_close(&w);

        assert_int_equal(rd_store_recover(&s, &recovered), 0);
        assert_int_equal(recovered, 2);
        for (size_t i = 0; i < 3; i++) {
                assert_int_equal(rd_store_read(&s, RD_AREA_DOCUMENTS, recs[i].name, &text, &size),
                                 0);
                assert_int_equal(size, recs[i].size);
                assert_memory_equal(text, recs[i].text, size);
                free(text);
        }
        snprintf(path, sizeof path, "%s/quarantine/documents.0000000003.timetable.yaml", dir);
        assert_int_equal(access(path, F_OK), 0);
        assert_int_equal(read_log(s.dir_fd, &seen), 0);
        assert_int_equal(rd_store_recover(&s, &recovered), 0);
        assert_int_equal(recovered, 0);
        rd_store_close(&s);

        snprintf(path, sizeof path, "rm -rf '%s'", dir);
        assert_int_equal(system(path), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_buf_truncate),
                cmocka_unit_test(test_frame_end),
                cmocka_unit_test(test_message_read),
                cmocka_unit_test(test_quoting_round_trip),
                cmocka_unit_test(test_changes),
                cmocka_unit_test(test_roster_state),
                cmocka_unit_test(test_store),
                cmocka_unit_test(test_wal),
                cmocka_unit_test(test_store_recover),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
