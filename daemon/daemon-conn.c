/* daemon/daemon-conn.c -- client connections: accept, read, frame, write.
 *
 * Every socket is non-blocking. A connection handles one request at a
 * time; requests sent ahead wait in its input buffer, bounded by the
 * message limit. Output is queued per connection, so one peer that does
 * not read never holds up another. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon-server.h"

#define READ_CHUNK 65536

static void process(rd_conn *c);
static void update_events(rd_conn *c);

rd_conn *rd_conn_ref(rd_conn *c) {
        c->refs++;
        return c;
}

rd_conn *rd_conn_unref(rd_conn *c) {
        if (!c || --c->refs > 0)
                return NULL;
        rd_buf_done(&c->in);
        rd_buf_done(&c->out);
        rd_node_free(c->header);
        rd_grants_done(&c->grants);
        rd_peer_done(&c->peer);
        free(c->sub_employer);
        free(c->sub_week);
        free(c);
        return NULL;
}

const rd_grants *rd_conn_grants(rd_conn *c) {
        rd_server *s = c->server;

        if (c->grants_generation != s->config_generation) {
                rd_grants g;
                if (rd_grants_resolve(rd_settings(s), &s->access_ids, &c->peer, s->self_uid, &g) < 0)
                        return NULL;
                rd_grants_done(&c->grants);
                c->grants = g;
                c->grants_generation = s->config_generation;
        }
        return &c->grants;
}

static size_t message_limit(const rd_conn *c) {
        return rd_settings(c->server)->limits.message;
}

void rd_conn_close(rd_conn *c) {
        rd_server *s = c->server;

        if (c->dead)
                return;
        c->dead = true;
        c->io = sd_event_source_disable_unref(c->io);
        c->idle = sd_event_source_disable_unref(c->idle);
        close(c->fd);
        c->fd = -1;
        if (c->prev)
                c->prev->next = c->next;
        else
                s->conns = c->next;
        if (c->next)
                c->next->prev = c->prev;
        c->prev = c->next = NULL;
        s->n_conns--;
        if (c->subscriber)
                s->n_subscribers--;
        rd_logf(LOG_DEBUG, "Connection %llu closed", c->number);
        rd_conn_unref(c);
}

static void arm_idle(rd_conn *c) {
        double idle = rd_settings(c->server)->limits.idle;

        if (c->dead || !c->idle)
                return;
        if (c->busy || c->subscriber || idle <= 0) {
                sd_event_source_set_enabled(c->idle, SD_EVENT_OFF);
                return;
        }
        sd_event_source_set_time(c->idle, rd_now_usec() + (unsigned long long) (idle * 1e6));
        sd_event_source_set_enabled(c->idle, SD_EVENT_ONESHOT);
}

/* Output room a connection keeps between replies. */
#define RD_CONN_OUT_KEEP (256u * 1024)

/* Writes what the socket takes. Returns false when the connection closed. */
static bool flush(rd_conn *c) {
        while (!c->dead && rd_buf_len(&c->out) > 0) {
                ssize_t n = send(c->fd, rd_buf_data(&c->out), rd_buf_len(&c->out),
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN)
                                break;
                        rd_conn_close(c);
                        return false;
                }
                rd_buf_consume(&c->out, (size_t) n);
                if (!c->subscriber)
                        arm_idle(c);
        }
        if (c->dead)
                return false;
        if (rd_buf_len(&c->out) == 0 && c->closing) {
                rd_conn_close(c);
                return false;
        }
        /* A large reply sent: its room is not kept for small ones. */
        if (rd_buf_len(&c->out) == 0 && c->out.capacity > RD_CONN_OUT_KEEP)
                rd_buf_done(&c->out);
        update_events(c);
        return true;
}

int rd_conn_send(rd_conn *c, const rd_buf *msg) {
        int r;

        if (c->dead)
                return -EPIPE;
        r = rd_buf_append(&c->out, rd_buf_data(msg), rd_buf_len(msg));
        if (r < 0)
                return r;
        flush(c);
        return 0;
}

int rd_conn_send_taking(rd_conn *c, rd_buf *msg) {
        if (c->dead || rd_buf_len(&c->out) > 0)
                return rd_conn_send(c, msg);
        rd_buf_done(&c->out);
        c->out = *msg;
        *msg = (rd_buf) {};
        flush(c);
        return 0;
}

static bool wants_input(const rd_conn *c) {
        if (c->dead || c->eof || c->closing)
                return false;
        /* A busy connection may send ahead, up to one message. */
        return rd_buf_len(&c->in) <= message_limit(c) + READ_CHUNK;
}

static void update_events(rd_conn *c) {
        uint32_t events = 0;

        if (c->dead)
                return;
        if (wants_input(c))
                events |= EPOLLIN;
        if (rd_buf_len(&c->out) > 0)
                events |= EPOLLOUT;
        if (events == 0) {
                sd_event_source_set_enabled(c->io, SD_EVENT_OFF);
                return;
        }
        sd_event_source_set_io_events(c->io, events);
        sd_event_source_set_enabled(c->io, SD_EVENT_ON);
}

/* Ends the connection after a framing error: the rest of the input can
 * no longer be split into messages. */
static void fail_and_close(rd_conn *c, rd_error_code code, const char *message) {
        rd_send_error(c, NULL, code, NULL, "%s", message);
        c->closing = true;
        rd_buf_consume(&c->in, rd_buf_len(&c->in));
        flush(c);
}

static bool only_blanks(const char *p, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
                        return false;
        return true;
}

static void dispatch(rd_conn *c, const char *body, size_t body_size) {
        rd_request req = {
                .header = c->header,
                .op = rd_node_get_text(c->header, "op"),
                .id = rd_node_get_text(c->header, "id"),
                .body = body,
                .body_size = body_size,
                .grants = rd_conn_grants(c),
        };

        if (!req.grants) {
                rd_send_error(c, req.id, RD_ERR_INTERNAL, NULL, "out of memory");
                return;
        }
        rd_ops_dispatch(c, &req);
}

/* Reads the header just framed; returns false when the request is
 * answered already (an error), true when its body, if any, must follow. */
static bool take_header(rd_conn *c, const char *text, size_t size) {
        char *message = NULL;
        unsigned line = 0, column = 0;
        rd_node *h = NULL;
        long version, body = -1;
        int r;

        r = rd_yaml_parse(text, size, &h, &message, &line, &column);
        if (r < 0) {
                if (r == -ENOMEM)
                        rd_send_error(c, NULL, RD_ERR_INTERNAL, NULL, "out of memory");
                else
                        rd_send_error(c, NULL, RD_ERR_PARSE, NULL,
                                      "the request header is not YAML: %u:%u: %s", line, column,
                                      message ? message : "syntax error");
                free(message);
                return false;
        }
        const char *id = rd_node_get_text(h, "id");
        const rd_node *size_node = rd_node_get(h, "size");
        if (size_node && (!rd_node_long(size_node, &body) || body < 0)) {
                rd_send_error(c, id, RD_ERR_PARSE, NULL,
                              "size: expected the number of bytes that follow the header");
                rd_node_free(h);
                /* Without a usable size the stream cannot be followed. */
                c->closing = true;
                return false;
        }
        bool refused = true;
        if (h->type != RD_NODE_MAP || !rd_node_long(rd_node_get(h, "rosterd"), &version))
                rd_send_error(c, id, RD_ERR_PARSE, NULL,
                              "not a rosterd request: a mapping that starts with \"rosterd: 1\" "
                              "was expected");
        else if (version != RD_PROTOCOL_VERSION)
                rd_send_error(c, id, RD_ERR_INVALID, NULL,
                              "protocol version %ld is not spoken here; this daemon speaks "
                              "version %d",
                              version, RD_PROTOCOL_VERSION);
        else
                refused = false;
        if (refused) {
                /* Answered; a body it announced is skipped to stay in step. */
                c->header = h;
                c->body_need = body > 0 ? (size_t) body : 0;
                c->read_state = RD_READ_SKIP;
                return true;
        }
        c->header = h;
        if (body >= 0) {
                c->body_need = (size_t) body;
                c->read_state = RD_READ_BODY_SIZED;
                if ((size_t) body > message_limit(c)) {
                        rd_send_error(c, id, RD_ERR_TOO_LARGE, NULL,
                                      "the document has %ld bytes, more than the limit of %zu "
                                      "(limits.message)",
                                      body, message_limit(c));
                        c->read_state = RD_READ_SKIP;
                }
                return true;
        }
        const char *op = rd_node_get_text(h, "op");
        if (op && (strcmp(op, "submit") == 0 || strcmp(op, "validate") == 0)) {
                c->read_state = RD_READ_BODY_TERMINATED;
                return true;
        }
        c->read_state = RD_READ_HEADER;
        return true;
}

static void finish_request(rd_conn *c) {
        c->header = rd_node_free(c->header);
        c->read_state = RD_READ_HEADER;
        c->scanned = 0;
}

static void process_input(rd_conn *c) {
        size_t limit = message_limit(c);

        while (!c->dead && !c->busy && !c->closing && !c->subscriber) {
                const char *data = rd_buf_data(&c->in);
                size_t len = rd_buf_len(&c->in), text_len = 0, end;

                switch (c->read_state) {
                case RD_READ_HEADER:
                        end = rd_frame_find_end(data, len, &c->scanned, &text_len);
                        if (end == 0) {
                                if (len > limit) {
                                        fail_and_close(c, RD_ERR_TOO_LARGE,
                                                       "the request header has no '...' line "
                                                       "within the message limit");
                                        return;
                                }
                                if (c->eof) {
                                        if (!only_blanks(data, len))
                                                fail_and_close(c, RD_ERR_PARSE,
                                                               "the connection ended before the "
                                                               "'...' line that ends a request");
                                        else
                                                c->closing = true;
                                        flush(c);
                                        return;
                                }
                                goto wait;
                        }
                        if (!take_header(c, data, text_len)) {
                                rd_buf_consume(&c->in, end);
                                finish_request(c);
                                continue;
                        }
                        rd_buf_consume(&c->in, end);
                        c->scanned = 0;
                        if (c->read_state == RD_READ_HEADER) {
                                dispatch(c, NULL, 0);
                                finish_request(c);
                        }
                        break;

                case RD_READ_SKIP: {
                        /* Dropped as it comes, so a body over the limit
                         * never has to fit in memory. */
                        size_t n = len < c->body_need ? len : c->body_need;
                        rd_buf_consume(&c->in, n);
                        c->body_need -= n;
                        if (c->body_need > 0) {
                                if (c->eof) {
                                        c->closing = true;
                                        flush(c);
                                        return;
                                }
                                goto wait;
                        }
                        finish_request(c);
                        break;
                }

                case RD_READ_BODY_SIZED:
                        if (len < c->body_need) {
                                if (c->eof) {
                                        fail_and_close(c, RD_ERR_PARSE,
                                                       "the connection ended before the "
                                                       "document's size: bytes");
                                        return;
                                }
                                goto wait;
                        }
                        dispatch(c, data, c->body_need);
                        rd_buf_consume(&c->in, c->body_need);
                        finish_request(c);
                        break;

                case RD_READ_BODY_TERMINATED:
                        end = rd_frame_find_end(data, len, &c->scanned, &text_len);
                        if (end == 0) {
                                if (len > limit + 8) {
                                        fail_and_close(c, RD_ERR_TOO_LARGE,
                                                       "the document has no '...' line within "
                                                       "the message limit (limits.message)");
                                        return;
                                }
                                if (c->eof) {
                                        fail_and_close(c, RD_ERR_PARSE,
                                                       "the connection ended before the '...' "
                                                       "line that ends the document");
                                        return;
                                }
                                goto wait;
                        }
                        dispatch(c, data, text_len);
                        rd_buf_consume(&c->in, end);
                        finish_request(c);
                        break;
                }
                arm_idle(c);
        }
        if (!c->dead && c->subscriber) {
                /* Subscribers only listen; what they send is dropped. */
                rd_buf_consume(&c->in, rd_buf_len(&c->in));
                if (c->eof) {
                        rd_conn_close(c);
                        return;
                }
        }
wait:
        if (!c->dead && c->eof && !c->busy && rd_buf_len(&c->in) == 0)
                c->closing = true;
        if (!c->dead)
                flush(c);
}

/* Callers hold a reference, so @c outlives a close in here. */
static void process(rd_conn *c) {
        c->processing = true;
        process_input(c);
        c->processing = false;
}

void rd_conn_request_done(rd_conn *c) {
        if (c->dead)
                return;
        c->busy = false;
        arm_idle(c);
        /* Answered from within its own dispatch: the loop there goes on. */
        if (!c->processing)
                process(c);
}

static int on_io(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
        rd_conn *c = userdata;
        size_t budget = 4 * READ_CHUNK;

        (void) src;
        rd_conn_ref(c);
        if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                while (wants_input(c) && budget > 0) {
                        if (rd_buf_reserve(&c->in, READ_CHUNK) < 0) {
                                rd_conn_close(c);
                                break;
                        }
                        ssize_t n = recv(fd, rd_buf_tail(&c->in), READ_CHUNK, MSG_DONTWAIT);
                        if (n < 0) {
                                if (errno == EINTR)
                                        continue;
                                if (errno != EAGAIN)
                                        rd_conn_close(c);
                                break;
                        }
                        if (n == 0) {
                                c->eof = true;
                                break;
                        }
                        rd_buf_commit(&c->in, (size_t) n);
                        budget -= (size_t) n < budget ? (size_t) n : budget;
                        /* A short read emptied the socket; the level-triggered
                         * event comes again when more arrives. Saves the
                         * recv that would only say EAGAIN. */
                        if ((size_t) n < READ_CHUNK)
                                break;
                }
                if (!c->dead && !c->subscriber)
                        arm_idle(c);
                if (!c->dead)
                        process(c);
        }
        if (!c->dead && (revents & EPOLLOUT))
                flush(c);
        if (!c->dead)
                update_events(c);
        rd_conn_unref(c);
        return 0;
}

static int on_idle(sd_event_source *src, uint64_t usec, void *userdata) {
        rd_conn *c = userdata;

        (void) src;
        (void) usec;
        if (c->dead || c->busy || c->subscriber)
                return 0;
        rd_logf(LOG_INFO, "Connection %llu idle for %gs, closing it", c->number,
                rd_settings(c->server)->limits.idle);
        rd_conn_ref(c);
        /* Whatever is still queued for a peer that stopped reading is lost. */
        rd_buf_consume(&c->out, rd_buf_len(&c->out));
        rd_send_error(c, NULL, RD_ERR_BUSY, NULL,
                      "connection idle for more than %gs (limits.idle); closing it",
                      rd_settings(c->server)->limits.idle);
        c->closing = true;
        flush(c);
        rd_conn_unref(c);
        return 0;
}

/* Refuses a connection over the limit with one best-effort error. */
static void refuse(rd_server *s, int fd) {
        rd_buf msg = {};

        if (rd_error_message(&msg, NULL, RD_ERR_BUSY, NULL,
                             "too many connections (limits.connections); try again later") == 0)
                (void) !send(fd, rd_buf_data(&msg), rd_buf_len(&msg), MSG_NOSIGNAL | MSG_DONTWAIT);
        rd_buf_done(&msg);
        close(fd);
        rd_logf(LOG_WARNING, "Refused a connection: %zu connections open (limit %u)", s->n_conns,
                rd_settings(s)->limits.connections);
}

static int on_accept(sd_event_source *src, int listen_fd, uint32_t revents, void *userdata) {
        rd_server *s = userdata;

        (void) src;
        (void) revents;
        /* A few at a time, each with its first request: what else is due
         * (a finished commit, a worker's result) gets its turn between. */
        for (int i = 0; i < 16; i++) {
                int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                rd_conn *c;
                int r;

                if (fd < 0) {
                        if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                                rd_logf(LOG_WARNING, "accept() failed: %s", strerror(errno));
                        break;
                }
                if (s->stopping) {
                        close(fd);
                        continue;
                }
                if (s->n_conns >= rd_settings(s)->limits.connections) {
                        refuse(s, fd);
                        continue;
                }
                c = calloc(1, sizeof(*c));
                if (!c) {
                        close(fd);
                        continue;
                }
                c->server = s;
                c->fd = fd;
                c->refs = 1;
                c->number = ++s->conn_counter;
                r = rd_peer_from_socket(fd, &c->peer);
                if (r == 0)
                        r = sd_event_add_io(s->event, &c->io, fd, EPOLLIN, on_io, c);
                if (r == 0)
                        r = sd_event_add_time(s->event, &c->idle, CLOCK_MONOTONIC, 0, 0,
                                              on_idle, c);
                if (r < 0) {
                        rd_logf(LOG_WARNING, "Cannot take a connection: %s", strerror(-r));
                        sd_event_source_disable_unref(c->io);
                        sd_event_source_disable_unref(c->idle);
                        rd_peer_done(&c->peer);
                        free(c);
                        close(fd);
                        continue;
                }
                c->next = s->conns;
                if (s->conns)
                        s->conns->prev = c;
                s->conns = c;
                s->n_conns++;
                arm_idle(c);
                rd_logf(LOG_DEBUG, "Connection %llu from uid %u pid %d", c->number,
                        (unsigned) c->peer.uid, (int) c->peer.pid);
                /* A client sends its request right after connecting, so it
                 * is usually here already: reading it now saves a pass
                 * through the loop, whose every pass polls all ready
                 * sockets again (hundreds when many connect at once). */
                on_io(c->io, fd, EPOLLIN, c);
        }
        return 0;
}

int rd_conn_listen(rd_server *s) {
        return sd_event_add_io(s->event, &s->listen_source, s->listen_fd, EPOLLIN, on_accept, s);
}
