/* tests/daemon/test_concurrency.c -- many clients at once: 256
 * connections submitting 10 documents each are all acknowledged; a
 * subscriber that never reads is dropped when its backlog is full, while
 * one that reads gets every roster at once. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"

#define CLIENTS 256
#define PER_CLIENT 10

typedef struct client {
        int fd;
        int acked;
        rd_buf in, out;
        size_t scanned;
} client;

static void queue_request(client *c, int id) {
        char doc[512];
        int n = snprintf(doc, sizeof doc,
                         "# request %d of client %d\n"
                         "kind: shift-needs\nversion: 1\nemployer: conc-%d\nweeks: 2026-W49\n"
                         "positions:\n  - id: p\n    shifts:\n"
                         "      - {days: [tue], start: \"09:00\", end: \"13:00\"}\n",
                         c->acked, id, id);
        rd_buf_printf(&c->out, "rosterd: 1\nop: submit\nid: %d-%d\nsize: %d\n...\n%s", id,
                      c->acked, n, doc);
}

static void test_many_clients(void **state) {
        h_daemon d;
        client *cl = calloc(CLIENTS, sizeof(*cl));
        struct pollfd *p = calloc(CLIENTS, sizeof(*p));
        long *revisions = calloc(CLIENTS * PER_CLIENT, sizeof(*revisions));
        size_t n_revisions = 0;
        int done = 0;

        (void) state;
        h_prepare(&d, NULL, NULL);
        assert_true(h_start(&d, NULL, false));
        for (int i = 0; i < CLIENTS; i++) {
                cl[i].fd = h_connect(&d);
                assert_true(cl[i].fd >= 0);
                fcntl(cl[i].fd, F_SETFL, O_NONBLOCK);
                queue_request(&cl[i], i);
        }

        long long end = h_now_ms() + 240000;
        while (done < CLIENTS && h_now_ms() < end) {
                for (int i = 0; i < CLIENTS; i++)
                        p[i] = (struct pollfd) {
                                .fd = cl[i].acked < PER_CLIENT ? cl[i].fd : -1,
                                .events = POLLIN | (rd_buf_len(&cl[i].out) ? POLLOUT : 0),
                        };
                assert_true(poll(p, CLIENTS, 1000) >= 0);
                for (int i = 0; i < CLIENTS; i++) {
                        client *c = &cl[i];
                        if (p[i].revents & POLLOUT) {
                                ssize_t n = send(c->fd, rd_buf_data(&c->out), rd_buf_len(&c->out),
                                                 MSG_NOSIGNAL);
                                if (n > 0)
                                        rd_buf_consume(&c->out, (size_t) n);
                        }
                        if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                                continue;
                        assert_int_equal(rd_buf_reserve(&c->in, 4096), 0);
                        ssize_t n = recv(c->fd, rd_buf_tail(&c->in), 4096, 0);
                        if (n < 0 && errno == EAGAIN)
                                continue;
                        if (n <= 0)
                                fail_msg("client %d lost its connection after %d acks", i, c->acked);
                        rd_buf_commit(&c->in, (size_t) n);
                        size_t text_len, msg_end;
                        while ((msg_end = rd_frame_find_end(rd_buf_data(&c->in), rd_buf_len(&c->in),
                                                            &c->scanned, &text_len)) > 0) {
                                rd_node *h = NULL;
                                long revision = -1;
                                bool ok = false;
                                assert_int_equal(rd_yaml_parse(rd_buf_data(&c->in), text_len, &h,
                                                               NULL, NULL, NULL), 0);
                                rd_node_bool(rd_node_get(h, "ok"), &ok);
                                if (!ok)
                                        fail_msg("client %d: %s", i,
                                                 rd_node_get_text(rd_node_get(h, "error"), "message"));
                                assert_true(rd_node_long(rd_node_get(h, "revision"), &revision));
                                revisions[n_revisions++] = revision;
                                rd_node_free(h);
                                rd_buf_consume(&c->in, msg_end);
                                c->scanned = 0;
                                if (++c->acked == PER_CLIENT)
                                        done++;
                                else
                                        queue_request(c, i);
                        }
                }
        }
        assert_int_equal(done, CLIENTS);
        assert_int_equal(n_revisions, CLIENTS * PER_CLIENT);
        /* Every acknowledgement names a revision of its own. */
        for (size_t i = 0; i < n_revisions; i++)
                for (size_t k = i + 1; k < n_revisions; k++)
                        assert_int_not_equal(revisions[i], revisions[k]);

        rd_message m = {};
        assert_int_equal(h_call(&d, "op: list\nkind: shift-needs\n", NULL, 0, &m), 0);
        assert_int_equal(rd_node_seq_len(rd_node_get(m.header, "documents")), CLIENTS * PER_CLIENT);
        rd_message_done(&m);
        assert_int_equal(h_call(&d, "op: list\nkind: shift-needs\ncurrent: true\n", NULL, 0, &m), 0);
        assert_int_equal(rd_node_seq_len(rd_node_get(m.header, "documents")), CLIENTS);
        rd_message_done(&m);

        for (int i = 0; i < CLIENTS; i++) {
                close(cl[i].fd);
                rd_buf_done(&cl[i].in);
                rd_buf_done(&cl[i].out);
        }
        free(cl);
        free(p);
        free(revisions);
        assert_int_equal(h_stop(&d), 0);
        h_cleanup(&d);
}

/* A shift-needs document whose rosters are large: long position titles. */
static char *bulk_document(size_t *ret_size) {
        rd_buf b = {};

        rd_buf_puts(&b, "kind: shift-needs\nversion: 1\nemployer: bulk\nweeks: 2026-W49\npositions:\n");
        for (int i = 0; i < 30; i++) {
                rd_buf_printf(&b, "  - id: p%d\n    title: \"", i);
                for (int k = 0; k < 100; k++)
                        rd_buf_puts(&b, "Lange titel ");
                rd_buf_puts(&b, "\"\n    shifts:\n      - {days: [sun], start: \"08:00\", end: \"12:00\"}\n");
        }
        return rd_buf_steal(&b, ret_size);
}

static int subscribe(const h_daemon *d, rd_buf *in) {
        int fd = h_connect(d);
        rd_message m = {};
        static const char req[] = "rosterd: 1\nop: subscribe\nemployer: bulk\n...\n";

        assert_int_equal(rd_write_all(fd, req, strlen(req)), 0);
        assert_int_equal(rd_message_read(fd, in, 1 << 20, &m, NULL), 0);
        assert_true(h_ok(&m));
        rd_message_done(&m);
        return fd;
}

static void test_slow_subscriber(void **state) {
        h_daemon d;
        rd_message m = {};
        rd_buf in_slow = {}, in_fast = {};
        size_t size;
        char *bulk = bulk_document(&size);

        (void) state;
        h_prepare(&d, NULL, NULL);
        assert_true(h_start(&d, NULL, false));
        assert_int_equal(h_submit_file(&d, "submit", "candidates.yaml", &m), 0);
        rd_message_done(&m);
        assert_int_equal(h_call(&d, "op: submit\n", bulk, size, &m), 0);
        assert_true(h_ok(&m));
        rd_message_done(&m);
        free(bulk);

        int slow = subscribe(&d, &in_slow);
        int fast = subscribe(&d, &in_fast);
        size_t published = 0;
        for (int round = 0; round < 16; round++) {
                long revision = -1, got = -2;
                assert_int_equal(h_call(&d, "op: propose\nweek: 2026-W49\nemployer: bulk\n", NULL, 0,
                                        &m), 0);
                assert_true(h_ok(&m));
                rd_node_long(rd_node_get(m.header, "rosters")->items[0] ? rd_node_get(
                                     rd_node_get(m.header, "rosters")->items[0], "revision") : NULL,
                             &revision);
                rd_message_done(&m);

                /* The reading subscriber has it already, whatever the other does. */
                struct pollfd p = { .fd = fast, .events = POLLIN };
                assert_true(rd_buf_len(&in_fast) > 0 || poll(&p, 1, 10000) == 1);
                assert_int_equal(rd_message_read(fast, &in_fast, 1 << 20, &m, NULL), 0);
                assert_string_equal(rd_node_get_text(m.header, "event"), "proposal");
                rd_node_long(rd_node_get(m.header, "revision"), &got);
                assert_int_equal(got, revision);
                published += m.body_size;
                rd_message_done(&m);
        }
        /* Far more than a socket buffer and the 64 KiB backlog. */
        assert_true(published > 400 * 1024);

        assert_int_equal(h_call(&d, "op: status\n", NULL, 0, &m), 0);
        assert_string_equal(rd_node_get_text(rd_node_get(m.header, "connections"), "subscribers"),
                            "1");
        rd_message_done(&m);
        char *log = h_read_file(d.log, NULL);
        assert_non_null(strstr(log, "limits.subscriber_backlog; dropping it"));
        free(log);

        /* The slow one gets what was queued before, then the end. */
        int r;
        size_t events = 0;
        while ((r = rd_message_read(slow, &in_slow, 1 << 20, &m, NULL)) == 0) {
                events++;
                rd_message_done(&m);
        }
        assert_int_equal(r, -ECONNRESET);
        assert_true(events < 16);

        close(slow);
        close(fast);
        rd_buf_done(&in_slow);
        rd_buf_done(&in_fast);
        assert_int_equal(h_stop(&d), 0);
        h_cleanup(&d);
}

int main(int argc, char **argv) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_many_clients),
                cmocka_unit_test(test_slow_subscriber),
        };

        h_init(argc, argv);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
