/* daemon/rosterctl.c -- the client of rosterd (SPEC §8).
 *
 *   rosterctl [--socket PATH] COMMAND [OPTIONS] [ARGS]
 *
 * Talks the protocol of docs/protocol.md over the daemon's Unix socket
 * (--socket, else $ROSTERD_SOCKET, else /run/rosterd/rosterd.sock).
 * Exit status: 0 success, 1 the daemon refused or reported an error,
 * 2 usage, 3 the daemon cannot be reached. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctl-render.h"
#include "proto-frame.h"
#include "roster/config.h"

#define EXIT_REFUSED 1
#define EXIT_USAGE 2
#define EXIT_UNREACHABLE 3
#define DEFAULT_SOCKET "/run/rosterd/rosterd.sock"
#define REPLY_MAX (256u * 1024u * 1024u)

typedef enum format {
        FORMAT_DEFAULT,
        FORMAT_TABLE,
        FORMAT_YAML,
        FORMAT_CSV,
        FORMAT_ICS,
} format;

static const char *arg_socket;
static unsigned long request_counter;

/* ---- Talking to the daemon -------------------------------------------- */

typedef struct client {
        int fd;
        rd_buf in;
} client;

static void client_open(client *c) {
        int fd = rd_connect_unix(arg_socket);

        if (fd < 0) {
                fprintf(stderr, "rosterctl: cannot reach rosterd at %s: %s\n", arg_socket,
                        strerror(-fd));
                exit(EXIT_UNREACHABLE);
        }
        *c = (client) { .fd = fd };
}

static void client_close(client *c) {
        close(c->fd);
        rd_buf_done(&c->in);
}

/* Starts a request header with a fresh id. */
static void request_begin(rd_yw *w, rd_buf *out, const char *op) {
        char id[32];

        snprintf(id, sizeof id, "%ld-%lu", (long) getpid(), ++request_counter);
        rd_msg_begin(w, out);
        rd_yw_key_str(w, "op", op);
        rd_yw_key_str(w, "id", id);
}

/* Waits for the first bytes of the answer to a long request (a solve),
 * showing on stderr, when it is a terminal, what it waits for and for how
 * long, so that a solve of half a minute does not look like a hang. The
 * line is cleared when the answer comes. */
static void wait_with_progress(const client *c, const char *what) {
        struct pollfd p = { .fd = c->fd, .events = POLLIN };
        struct timespec t0, now;
        int n;

        if (rd_buf_len(&c->in) > 0 || !isatty(STDERR_FILENO))
                return;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        fprintf(stderr, "rosterctl: %s ...", what);
        for (;;) {
                n = poll(&p, 1, 1000);
                if (n != 0 && !(n < 0 && errno == EINTR))
                        break;
                clock_gettime(CLOCK_MONOTONIC, &now);
                fprintf(stderr, "\r\033[Krosterctl: %s ... %lds", what, (long) (now.tv_sec - t0.tv_sec));
        }
        fputs("\r\033[K", stderr);
}

/* Sends @request and reads the reply; exits 3 when the daemon goes away.
 * @waiting (or NULL) says on a terminal what a long request waits for. */
static void call_saying(client *c, rd_buf *request, rd_message *reply, const char *waiting) {
        char *message = NULL;
        int r = rd_write_all(c->fd, rd_buf_data(request), rd_buf_len(request));

        if (r == 0 && waiting)
                wait_with_progress(c, waiting);
        if (r == 0)
                r = rd_message_read(c->fd, &c->in, REPLY_MAX, reply, &message);
        if (r < 0) {
                if (r == -EBADMSG)
                        fprintf(stderr, "rosterctl: the reply of rosterd is not readable: %s\n",
                                message ? message : "bad framing");
                else
                        fprintf(stderr, "rosterctl: lost the connection to rosterd at %s: %s\n",
                                arg_socket, r == -ECONNRESET ? "closed" : strerror(-r));
                free(message);
                exit(EXIT_UNREACHABLE);
        }
}

static void call(client *c, rd_buf *request, rd_message *reply) {
        call_saying(c, request, reply, NULL);
}

static void read_event(client *c, rd_message *m) {
        char *message = NULL;
        int r = rd_message_read(c->fd, &c->in, REPLY_MAX, m, &message);

        if (r < 0) {
                fprintf(stderr, "rosterctl: lost the connection to rosterd at %s: %s\n",
                        arg_socket, r == -ECONNRESET ? "closed" : strerror(-r));
                free(message);
                exit(EXIT_UNREACHABLE);
        }
}

static bool reply_ok(const rd_message *m) {
        bool ok = false;

        return rd_node_bool(rd_node_get(m->header, "ok"), &ok) && ok;
}

/* Prints an error reply: the message, then each problem like the
 * compiler-style lines of `rosterd --check`. */
static void print_error(const char *what, const rd_message *m) {
        const rd_node *e = rd_node_get(m->header, "error");
        const rd_node *problems = rd_node_get(e, "problems");
        const char *code = rd_node_get_text(e, "code");
        const char *message = rd_node_get_text(e, "message");

        fprintf(stderr, "%s%s%s: %s\n", what ? what : "", what ? ": " : "", code ? code : "error",
                message ? message : "the daemon refused the request");
        for (size_t i = 0; i < rd_node_seq_len(problems); i++) {
                const rd_node *p = problems->items[i];
                const char *file = rd_node_get_text(p, "file");
                const char *line = rd_node_get_text(p, "line");
                const char *column = rd_node_get_text(p, "column");
                const char *path = rd_node_get_text(p, "path");
                fprintf(stderr, "%s%s%s%s%s%s%s%s%s\n", file ? file : "", file && line ? ":" : "",
                        line ? line : "", line && column ? ":" : "", line && column ? column : "",
                        file ? ": " : "", path ? path : "", path ? ": " : "",
                        rd_node_get_text(p, "message") ? rd_node_get_text(p, "message") : "");
        }
}

static void finish_request(rd_yw *w, rd_buf *out) {
        if (rd_msg_end(w, out) < 0) {
                fputs("rosterctl: out of memory\n", stderr);
                exit(EXIT_REFUSED);
        }
}

/* ---- Options ---------------------------------------------------------- */

typedef struct options {
        const char *week;
        const char *employer;
        const char *candidate;
        const char *kind;
        long revision;
        bool proposal;
        bool current;
        format format;
} options;

static bool parse_format(const char *s, format *ret, bool allow_calendars) {
        if (strcmp(s, "table") == 0)
                *ret = FORMAT_TABLE;
        else if (strcmp(s, "yaml") == 0)
                *ret = FORMAT_YAML;
        else if (allow_calendars && strcmp(s, "csv") == 0)
                *ret = FORMAT_CSV;
        else if (allow_calendars && strcmp(s, "ics") == 0)
                *ret = FORMAT_ICS;
        else
                return false;
        return true;
}

static format effective(format f) {
        if (f != FORMAT_DEFAULT)
                return f;
        return isatty(STDOUT_FILENO) ? FORMAT_TABLE : FORMAT_YAML;
}

typedef struct command command;
struct command {
        const char *name;
        const char *synopsis;
        const char *help;
        const char *accepts;            /* the options it takes, by name */
        int (*run)(const options *o, int argc, char **argv);
        bool files;                     /* takes FILE arguments */
};

static const command *find_command(const char *name);

static void command_help(FILE *out, const command *cmd) {
        fprintf(out, "Usage: rosterctl [--socket PATH] %s\n\n%s", cmd->synopsis, cmd->help);
}

/* Parses the options of @cmd. Returns the index of the first argument,
 * or -1 after printing a usage error (or 0 after printing help). */
static int parse_options(const command *cmd, int argc, char **argv, options *o) {
        enum { OPT_WEEK = 0x100, OPT_EMPLOYER, OPT_CANDIDATE, OPT_REVISION, OPT_FORMAT,
               OPT_PROPOSAL, OPT_KIND, OPT_CURRENT, OPT_SOCKET };
        static const struct option all[] = {
                { "week", required_argument, NULL, OPT_WEEK },
                { "employer", required_argument, NULL, OPT_EMPLOYER },
                { "candidate", required_argument, NULL, OPT_CANDIDATE },
                { "revision", required_argument, NULL, OPT_REVISION },
                { "format", required_argument, NULL, OPT_FORMAT },
                { "proposal", no_argument, NULL, OPT_PROPOSAL },
                { "kind", required_argument, NULL, OPT_KIND },
                { "current", no_argument, NULL, OPT_CURRENT },
                { "socket", required_argument, NULL, OPT_SOCKET },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        struct option longopts[sizeof all / sizeof all[0]];
        size_t n = 0;
        int c;

        /* Only the options this command takes, so that a stray one is a
         * usage error instead of being ignored. */
        for (size_t i = 0; all[i].name; i++) {
                char needle[32];
                snprintf(needle, sizeof needle, " %s ", all[i].name);
                if (all[i].val == 'h' || all[i].val == OPT_SOCKET || strstr(cmd->accepts, needle))
                        longopts[n++] = all[i];
        }
        longopts[n] = (struct option) {};

        *o = (options) { .revision = -1 };
        optind = 1;
        while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) >= 0) {
                char *end;
                switch (c) {
                case OPT_WEEK:
                        o->week = optarg;
                        break;
                case OPT_EMPLOYER:
                        o->employer = optarg;
                        break;
                case OPT_CANDIDATE:
                        o->candidate = optarg;
                        break;
                case OPT_KIND:
                        o->kind = optarg;
                        break;
                case OPT_REVISION:
                        errno = 0;
                        o->revision = strtol(optarg, &end, 10);
                        if (errno || end == optarg || *end || o->revision < 0) {
                                fprintf(stderr, "rosterctl %s: --revision: expected a revision "
                                        "number, got '%s'\n", cmd->name, optarg);
                                return -1;
                        }
                        break;
                case OPT_FORMAT:
                        if (!parse_format(optarg, &o->format, strstr(cmd->accepts, " ics "))) {
                                fprintf(stderr, "rosterctl %s: --format: expected %s, got '%s'\n",
                                        cmd->name,
                                        strstr(cmd->accepts, " ics ") ? "table, yaml, csv or ics"
                                                                      : "table or yaml",
                                        optarg);
                                return -1;
                        }
                        break;
                case OPT_PROPOSAL:
                        o->proposal = true;
                        break;
                case OPT_CURRENT:
                        o->current = true;
                        break;
                case OPT_SOCKET:
                        arg_socket = optarg;
                        break;
                case 'h':
                        command_help(stdout, cmd);
                        return 0;
                default:
                        return -1;
                }
        }
        if (!cmd->files && optind < argc) {
                fprintf(stderr, "rosterctl %s: unexpected argument '%s'\n", cmd->name, argv[optind]);
                return -1;
        }
        if (cmd->files && optind == argc) {
                fprintf(stderr, "rosterctl %s: no FILE given\n", cmd->name);
                return -1;
        }
        if (o->week) {
                rc_week w;
                if (rc_week_parse(o->week, &w) < 0) {
                        fprintf(stderr, "rosterctl %s: --week: expected an ISO week like 2026-W49, "
                                "got '%s'\n", cmd->name, o->week);
                        return -1;
                }
        }
        return optind;
}

static int need(const command *cmd, const char *value, const char *option) {
        if (value)
                return 0;
        fprintf(stderr, "rosterctl %s: %s is required\n", cmd->name, option);
        return -1;
}

/* ---- submit, validate ------------------------------------------------- */

static int read_input(const char *path, char **ret, size_t *ret_size) {
        int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
        rd_buf b = {};

        if (fd < 0)
                return -errno;
        for (;;) {
                int r = rd_buf_reserve(&b, 65536);
                if (r < 0) {
                        rd_buf_done(&b);
                        return r;
                }
                ssize_t n = read(fd, rd_buf_tail(&b), 65536);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        rd_buf_done(&b);
                        if (fd != STDIN_FILENO)
                                close(fd);
                        return r;
                }
                if (n == 0)
                        break;
                rd_buf_commit(&b, (size_t) n);
        }
        if (fd != STDIN_FILENO)
                close(fd);
        *ret = rd_buf_steal(&b, ret_size);
        return *ret ? 0 : -ENOMEM;
}

static int run_documents(const char *op, int argc, char **argv) {
        client c;
        int status = EXIT_SUCCESS;

        client_open(&c);
        for (int i = 0; i < argc; i++) {
                const char *path = argv[i];
                char *text = NULL;
                size_t size = 0;
                rd_buf req = {};
                rd_message reply = {};
                rd_yw w;
                int r = read_input(path, &text, &size);

                if (r < 0) {
                        fprintf(stderr, "%s: %s\n", path, strerror(-r));
                        status = EXIT_REFUSED;
                        continue;
                }
                request_begin(&w, &req, op);
                rd_yw_key_str(&w, "name", strcmp(path, "-") == 0 ? "<stdin>" : path);
                rd_yw_key_long(&w, "size", (long) size);
                finish_request(&w, &req);
                if (rd_buf_append(&req, text, size) < 0) {
                        fputs("rosterctl: out of memory\n", stderr);
                        exit(EXIT_REFUSED);
                }
                free(text);
                call(&c, &req, &reply);
                if (reply_ok(&reply)) {
                        const char *name = rd_node_get_text(reply.header, "name");
                        const char *revision = rd_node_get_text(reply.header, "revision");
                        if (revision)
                                printf("%s: accepted as %s revision %s\n", path, name ? name : "?",
                                       revision);
                        else
                                printf("%s: valid (%s)\n", path, name ? name : "?");
                } else {
                        print_error(path, &reply);
                        status = EXIT_REFUSED;
                }
                rd_message_done(&reply);
                rd_buf_done(&req);
        }
        client_close(&c);
        return status;
}

static int run_submit(const options *o, int argc, char **argv) {
        (void) o;
        return run_documents("submit", argc, argv);
}

static int run_validate(const options *o, int argc, char **argv) {
        (void) o;
        return run_documents("validate", argc, argv);
}

/* ---- Rosters ---------------------------------------------------------- */

/* Prints roster texts of a reply body as described by @entries. */
static int print_rosters(const options *o, const rd_node *entries, const rd_message *reply,
                         const rd_node *classes) {
        size_t offset = 0;
        format f = effective(o->format);
        int status = EXIT_SUCCESS;

        for (size_t i = 0; i < rd_node_seq_len(entries); i++) {
                const rd_node *e = entries->items[i];
                long size = 0;
                rd_node *roster = NULL;

                if (!rd_node_long(rd_node_get(e, "size"), &size) || size < 0 ||
                    offset + (size_t) size > reply->body_size) {
                        fputs("rosterctl: the reply of rosterd is not readable: bad sizes\n", stderr);
                        return EXIT_REFUSED;
                }
                const char *text = reply->body + offset;
                offset += (size_t) size;
                if (f == FORMAT_YAML) {
                        if (i > 0)
                                fputs("---\n", stdout);
                        fwrite(text, 1, (size_t) size, stdout);
                        continue;
                }
                char *message = NULL;
                if (rd_yaml_parse(text, (size_t) size, &roster, &message, NULL, NULL) < 0) {
                        fprintf(stderr, "rosterctl: the roster is not readable: %s\n",
                                message ? message : "out of memory");
                        free(message);
                        return EXIT_REFUSED;
                }
                int r = 0;
                if (f == FORMAT_TABLE) {
                        if (i > 0)
                                fputc('\n', stdout);
                        r = rd_ctl_table(stdout, roster, rd_node_get(e, "changes"), o->candidate);
                } else if (f == FORMAT_CSV) {
                        r = rd_ctl_csv(stdout, roster, i == 0, o->candidate);
                } else {
                        r = rd_ctl_ics(stdout, roster, classes, o->candidate);
                        if (r == -ENOENT) {
                                fprintf(stderr, "rosterctl: %s does not work in this roster\n",
                                        o->candidate);
                                status = EXIT_REFUSED;
                                r = 0;
                        }
                }
                rd_node_free(roster);
                if (r < 0) {
                        perror("rosterctl: writing the output");
                        return EXIT_REFUSED;
                }
        }
        return status;
}

/* What a propose waits for, for the progress line on a terminal: the
 * week, and from a status asked first, the solver's time limit and the
 * solves ahead of it. */
static void solve_waiting_text(client *c, const options *o, char *text, size_t size) {
        const char *limit = NULL, *queued = NULL;
        size_t running = 0;
        rd_message st = {};
        rd_buf req = {};
        rd_yw w;

        if (isatty(STDERR_FILENO)) {
                request_begin(&w, &req, "status");
                finish_request(&w, &req);
                call(c, &req, &st);
                const rd_node *solver = reply_ok(&st) ? rd_node_get(st.header, "solver") : NULL;
                limit = rd_node_get_text(solver, "time_limit");
                queued = rd_node_get_text(solver, "queued");
                running = rd_node_seq_len(rd_node_get(solver, "running"));
        }
        int n = snprintf(text, size, "solving %s%s%s", o->week, o->employer ? " for " : ", every employer",
                         o->employer ? o->employer : "");
        if (limit && queued && n >= 0 && (size_t) n < size)
                snprintf(text + n, size - (size_t) n, " (time limit %ss; %zu running, %s queued before it)",
                         limit, running, queued);
        rd_message_done(&st);
        rd_buf_done(&req);
}

static int run_propose(const options *o, int argc, char **argv) {
        const command *cmd = find_command("propose");
        client c;
        rd_buf req = {};
        rd_message reply = {};
        rd_yw w;
        int status;

        (void) argc;
        (void) argv;
        if (need(cmd, o->week, "--week") < 0)
                return EXIT_USAGE;
        client_open(&c);
        request_begin(&w, &req, "propose");
        rd_yw_key_str(&w, "week", o->week);
        if (o->employer)
                rd_yw_key_str(&w, "employer", o->employer);
        finish_request(&w, &req);
        char waiting[256];
        solve_waiting_text(&c, o, waiting, sizeof waiting);
        call_saying(&c, &req, &reply, waiting);
        if (!reply_ok(&reply)) {
                print_error("propose", &reply);
                status = EXIT_REFUSED;
        } else {
                status = print_rosters(o, rd_node_get(reply.header, "rosters"), &reply, NULL);
        }
        rd_message_done(&reply);
        rd_buf_done(&req);
        client_close(&c);
        return status;
}

static int run_show(const options *o, int argc, char **argv) {
        const command *cmd = find_command("show");
        client c;
        rd_buf req = {};
        rd_message reply = {};
        rd_yw w;
        int status;

        (void) argc;
        (void) argv;
        if (need(cmd, o->week, "--week") < 0 || need(cmd, o->employer, "--employer") < 0)
                return EXIT_USAGE;
        if (o->candidate && effective(o->format) == FORMAT_YAML) {
                fputs("rosterctl show: --candidate goes with --format table, csv or ics; the "
                      "YAML roster is one document\n", stderr);
                return EXIT_USAGE;
        }
        client_open(&c);
        request_begin(&w, &req, "get");
        rd_yw_key_str(&w, "week", o->week);
        rd_yw_key_str(&w, "employer", o->employer);
        if (o->proposal)
                rd_yw_key_bool(&w, "proposal", true);
        finish_request(&w, &req);
        call(&c, &req, &reply);
        if (!reply_ok(&reply)) {
                print_error("show", &reply);
                status = EXIT_REFUSED;
        } else {
                /* One roster: wrap its entry as a list of one. */
                const rd_node *roster = rd_node_get(reply.header, "roster");
                rd_node list = { .type = RD_NODE_SEQ, .items = (rd_node **) &roster,
                                 .n_items = roster ? 1 : 0 };
                status = print_rosters(o, &list, &reply, rd_node_get(reply.header, "classes"));
                const char *open = rd_node_get_text(roster, "open_proposal");
                if (open && effective(o->format) == FORMAT_TABLE)
                        printf("\n(proposal revision %s is open: rosterctl show --proposal)\n", open);
        }
        rd_message_done(&reply);
        rd_buf_done(&req);
        client_close(&c);
        return status;
}

static int run_approve(const options *o, int argc, char **argv) {
        const command *cmd = find_command("approve");
        client c;
        rd_buf req = {};
        rd_message reply = {};
        rd_yw w;
        int status = EXIT_SUCCESS;

        (void) argc;
        (void) argv;
        if (need(cmd, o->week, "--week") < 0 || need(cmd, o->employer, "--employer") < 0)
                return EXIT_USAGE;
        client_open(&c);
        request_begin(&w, &req, "approve");
        rd_yw_key_str(&w, "week", o->week);
        rd_yw_key_str(&w, "employer", o->employer);
        if (o->revision >= 0)
                rd_yw_key_long(&w, "revision", o->revision);
        finish_request(&w, &req);
        call(&c, &req, &reply);
        if (!reply_ok(&reply)) {
                print_error("approve", &reply);
                status = EXIT_REFUSED;
        } else {
                printf("approved %s %s revision %s\n", o->employer, o->week,
                       rd_node_get_text(reply.header, "revision")
                               ? rd_node_get_text(reply.header, "revision") : "?");
        }
        rd_message_done(&reply);
        rd_buf_done(&req);
        client_close(&c);
        return status;
}

/* Writes a reply header without its envelope (rosterd, id, ok). */
static void print_header_yaml(const rd_node *h, const char *const *skip) {
        rd_buf out = {};
        rd_yw w;

        rd_yw_begin(&w, &out);
        rd_yw_map_start(&w, false);
        for (size_t i = 0; i + 1 < h->n_items; i += 2) {
                const char *key = rd_node_text(h->items[i]);
                bool skipped = false;
                for (size_t k = 0; skip[k] && key; k++)
                        skipped |= strcmp(skip[k], key) == 0;
                if (skipped)
                        continue;
                rd_yw_node(&w, h->items[i]);
                rd_yw_node(&w, h->items[i + 1]);
        }
        rd_yw_map_end(&w);
        if (rd_yw_end(&w) == 0)
                fwrite(rd_buf_data(&out), 1, rd_buf_len(&out), stdout);
        rd_buf_done(&out);
}

static int run_watch(const options *o, int argc, char **argv) {
        static const char *const skip[] = { "rosterd", "size", NULL };
        client c;
        rd_buf req = {};
        rd_message reply = {};
        rd_yw w;
        format f = effective(o->format);

        (void) argc;
        (void) argv;
        client_open(&c);
        request_begin(&w, &req, "subscribe");
        if (o->week)
                rd_yw_key_str(&w, "week", o->week);
        if (o->employer)
                rd_yw_key_str(&w, "employer", o->employer);
        finish_request(&w, &req);
        call(&c, &req, &reply);
        rd_buf_done(&req);
        if (!reply_ok(&reply)) {
                print_error("watch", &reply);
                rd_message_done(&reply);
                client_close(&c);
                return EXIT_REFUSED;
        }
        rd_message_done(&reply);
        if (f == FORMAT_TABLE) {
                printf("watching %s%s%s; Ctrl-C to stop\n",
                       o->employer ? o->employer : "every employer you may see",
                       o->week ? " in " : "", o->week ? o->week : "");
                fflush(stdout);
        }

        for (;;) {
                rd_message m = {};
                rd_node *roster = NULL;

                read_event(&c, &m);
                if (!rd_node_get(m.header, "event")) {
                        if (rd_node_get(m.header, "error")) {
                                print_error("watch", &m);
                                rd_message_done(&m);
                                client_close(&c);
                                return EXIT_REFUSED;
                        }
                        rd_message_done(&m);
                        continue;
                }
                if (m.body && rd_yaml_parse(m.body, m.body_size, &roster, NULL, NULL, NULL) < 0)
                        roster = NULL;
                if (f == FORMAT_YAML) {
                        /* One document per event: its header, and the roster under roster:. */
                        fputs("---\n", stdout);
                        print_header_yaml(m.header, skip);
                        if (roster) {
                                rd_buf out = {};
                                rd_yw yw;
                                rd_yw_begin(&yw, &out);
                                rd_yw_map_start(&yw, false);
                                rd_yw_str(&yw, "roster");
                                rd_yw_node(&yw, roster);
                                rd_yw_map_end(&yw);
                                if (rd_yw_end(&yw) == 0)
                                        fwrite(rd_buf_data(&out), 1, rd_buf_len(&out), stdout);
                                rd_buf_done(&out);
                        }
                } else {
                        const char *replan = rd_node_get_text(m.header, "replan");
                        printf("\n== %s: %s %s revision %s%s\n",
                               rd_node_get_text(m.header, "event"),
                               rd_node_get_text(m.header, "employer"),
                               rd_node_get_text(m.header, "week"),
                               rd_node_get_text(m.header, "revision"),
                               replan && strcmp(replan, "true") == 0 ? " (re-planned)" : "");
                        if (roster)
                                rd_ctl_table(stdout, roster, rd_node_get(m.header, "changes"), NULL);
                }
                fflush(stdout);
                rd_node_free(roster);
                rd_message_done(&m);
        }
}

/* ---- status, list, reload --------------------------------------------- */

static int simple_call(const char *op, const options *o, rd_message *reply, client *c) {
        rd_buf req = {};
        rd_yw w;

        client_open(c);
        request_begin(&w, &req, op);
        if (o) {
                if (o->week)
                        rd_yw_key_str(&w, "week", o->week);
                if (o->employer)
                        rd_yw_key_str(&w, "employer", o->employer);
                if (o->kind)
                        rd_yw_key_str(&w, "kind", o->kind);
                if (o->current)
                        rd_yw_key_bool(&w, "current", true);
        }
        finish_request(&w, &req);
        call(c, &req, reply);
        rd_buf_done(&req);
        if (!reply_ok(reply)) {
                print_error(op, reply);
                return EXIT_REFUSED;
        }
        return EXIT_SUCCESS;
}

/* The text of h.a, or of h.a.b. */
static const char *get2(const rd_node *h, const char *a, const char *b) {
        const char *t = b ? rd_node_get_text(rd_node_get(h, a), b) : rd_node_get_text(h, a);

        return t ? t : "?";
}

static int run_status(const options *o, int argc, char **argv) {
        static const char *const skip[] = { "rosterd", "id", "ok", NULL };
        client c;
        rd_message reply = {};
        int status;

        (void) argc;
        (void) argv;
        status = simple_call("status", NULL, &reply, &c);
        if (status == EXIT_SUCCESS && effective(o->format) == FORMAT_YAML) {
                print_header_yaml(reply.header, skip);
        } else if (status == EXIT_SUCCESS) {
                const rd_node *h = reply.header;
                const rd_node *running = rd_node_get(rd_node_get(h, "solver"), "running");
                printf("rosterd %s, pid %s, up %ss: %s\n", get2(h, "version", NULL),
                       get2(h, "pid", NULL), get2(h, "uptime", NULL), get2(h, "state", NULL));
                printf("revision %s; %s documents stored, %s holding; %s approved rosters, %s open "
                       "proposals\n",
                       get2(h, "revision", NULL), get2(h, "documents", "stored"),
                       get2(h, "documents", "holding"), get2(h, "rosters", "approved"),
                       get2(h, "rosters", "open_proposals"));
                printf("connections: %s open (limit %s), %s subscribers\n",
                       get2(h, "connections", "open"), get2(h, "connections", "limit"),
                       get2(h, "connections", "subscribers"));
                printf("solver: %s workers, %s running, %s queued, %s solved, %s failed\n",
                       get2(h, "solver", "workers"), rd_node_seq_len(running) ? "some" : "none",
                       get2(h, "solver", "queued"), get2(h, "solver", "solved"),
                       get2(h, "solver", "failed"));
                for (size_t i = 0; i < rd_node_seq_len(running); i++)
                        printf("  solving %s%s%s for %ss\n", get2(running->items[i], "week", NULL),
                               rd_node_get(running->items[i], "employer") ? " " : "",
                               rd_node_get_text(running->items[i], "employer")
                                       ? rd_node_get_text(running->items[i], "employer") : "",
                               get2(running->items[i], "seconds", NULL));
                printf("you: uid %s, role %s\n", get2(h, "peer", "uid"), get2(h, "peer", "role"));
        }
        rd_message_done(&reply);
        client_close(&c);
        return status;
}

static int run_list(const options *o, int argc, char **argv) {
        static const char *const skip[] = { "rosterd", "id", "ok", NULL };
        client c;
        rd_message reply = {};
        int status;

        (void) argc;
        (void) argv;
        status = simple_call("list", o, &reply, &c);
        if (status == EXIT_SUCCESS && effective(o->format) == FORMAT_YAML) {
                print_header_yaml(reply.header, skip);
        } else if (status == EXIT_SUCCESS) {
                const rd_node *docs = rd_node_get(reply.header, "documents");
                const rd_node *rosters = rd_node_get(reply.header, "rosters");
                printf("%-40s %9s  %-6s %s\n", "DOCUMENT", "REVISION", "HOLDS", "WEEKS");
                for (size_t i = 0; i < rd_node_seq_len(docs); i++) {
                        const rd_node *d = docs->items[i];
                        printf("%-40s %9s  %-6s %s\n", get2(d, "name", NULL),
                               get2(d, "revision", NULL),
                               strcmp(get2(d, "holds", NULL), "true") == 0 ? "yes" : "no",
                               rd_node_get_text(d, "weeks") ? rd_node_get_text(d, "weeks") : "");
                }
                printf("\n%-24s %-9s %9s %9s  %s\n", "EMPLOYER", "WEEK", "APPROVED", "PROPOSAL",
                       "PROPOSALS");
                for (size_t i = 0; i < rd_node_seq_len(rosters); i++) {
                        const rd_node *r = rosters->items[i];
                        const rd_node *all = rd_node_get(r, "proposals");
                        const char *approved = rd_node_get_text(r, "approved");
                        const char *open = rd_node_get_text(r, "proposal");
                        printf("%-24s %-9s %9s %9s  ", get2(r, "employer", NULL),
                               get2(r, "week", NULL), approved ? approved : "-", open ? open : "-");
                        for (size_t k = 0; k < rd_node_seq_len(all); k++)
                                printf("%s%s", k ? "," : "", rd_node_text(all->items[k]));
                        putchar('\n');
                }
        }
        rd_message_done(&reply);
        client_close(&c);
        return status;
}

static int run_reload(const options *o, int argc, char **argv) {
        client c;
        rd_message reply = {};
        int status;

        (void) o;
        (void) argc;
        (void) argv;
        status = simple_call("reload", NULL, &reply, &c);
        if (status == EXIT_SUCCESS)
                puts("reloaded");
        rd_message_done(&reply);
        client_close(&c);
        return status;
}

/* ---- Commands --------------------------------------------------------- */

static const command commands[] = {
        { "submit", "submit FILE...",
          "Submits documents (shift-needs, timetable, candidates) to the daemon, which\n"
          "stores each one and answers with its revision. FILE - reads stdin.\n"
          "Errors name the line, column and field of the FILE.\n",
          " ", run_submit, true },
        { "validate", "validate FILE...",
          "Has the daemon check documents as submit would, without storing anything.\n",
          " ", run_validate, true },
        { "propose", "propose --week WEEK [--employer ID] [--format table|yaml]",
          "Asks for a roster proposal of one employer, or of every employer of WEEK\n"
          "planned together, waits for the solve and prints the proposals. On a\n"
          "terminal, stderr shows what it waits for and for how long.\n\n"
          "  --week WEEK        ISO week, e.g. 2026-W49\n"
          "  --employer ID      only this employer\n"
          "  --format FORMAT    table (default on a terminal) or yaml\n",
          " week employer format ", run_propose, false },
        { "show", "show --week WEEK --employer ID [--proposal] [--format table|yaml|csv|ics]\n"
                  "                [--candidate ID]",
          "Prints the approved roster of an employer and week, or its latest proposal when\n"
          "none is approved; its state: says which.\n\n"
          "  --week WEEK        ISO week, e.g. 2026-W49\n"
          "  --employer ID      the employer\n"
          "  --proposal         the open proposal even when a roster is approved\n"
          "  --format FORMAT    table (default on a terminal), yaml (default otherwise),\n"
          "                     csv, or ics: an iCalendar per person with work blocks and\n"
          "                     (for account managers) class sessions\n"
          "  --candidate ID     only this person: their blocks (table, csv) or their\n"
          "                     calendar (ics)\n",
          " week employer proposal format candidate ics ", run_show, false },
        { "approve", "approve --week WEEK --employer ID [--revision N]",
          "Approves the open proposal of an employer and week. With --revision, only when\n"
          "N still is the open proposal (otherwise: conflict).\n",
          " week employer revision ", run_approve, false },
        { "watch", "watch [--employer ID] [--week WEEK] [--format table|yaml]",
          "Prints every roster published from now on (new proposals, re-plans with what\n"
          "changed against the approved roster, approvals) as it comes. Runs until\n"
          "interrupted.\n",
          " week employer format ", run_watch, false },
        { "status", "status [--format table|yaml]",
          "Prints what the daemon is doing: solves running and queued, documents,\n"
          "rosters, connections, and your role.\n",
          " format ", run_status, false },
        { "list", "list [--employer ID] [--week WEEK] [--kind KIND] [--current] [--format table|yaml]",
          "Lists the stored documents with their revisions (--current: only those that\n"
          "still hold) and the rosters with their approved and proposed revisions.\n",
          " week employer kind current format ", run_list, false },
        { "reload", "reload",
          "Has the daemon reload its configuration file (admins only); an invalid file\n"
          "is refused and the old configuration stays.\n",
          " ", run_reload, false },
        {}
};

static const command *find_command(const char *name) {
        for (const command *c = commands; c->name; c++)
                if (strcmp(c->name, name) == 0)
                        return c;
        return NULL;
}

static void usage(FILE *out) {
        fputs("Usage: rosterctl [--socket PATH] COMMAND [OPTIONS]\n\n"
              "Talks to rosterd over its Unix socket (--socket, $ROSTERD_SOCKET, or\n"
              DEFAULT_SOCKET ").\n\nCommands:\n",
              out);
        for (const command *c = commands; c->name; c++)
                fprintf(out, "  %s\n", c->synopsis);
        fputs("\n'rosterctl COMMAND --help' describes a command.\n"
              "Exit status: 0 success, 1 the daemon refused or reported an error, 2 usage,\n"
              "3 the daemon cannot be reached.\n",
              out);
}

int main(int argc, char **argv) {
        int i = 1;

        arg_socket = getenv("ROSTERD_SOCKET");
        if (!arg_socket || !*arg_socket)
                arg_socket = DEFAULT_SOCKET;

        /* Options before the command. */
        while (i < argc && argv[i][0] == '-') {
                if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
                        arg_socket = argv[i + 1];
                        i += 2;
                } else if (strncmp(argv[i], "--socket=", 9) == 0) {
                        arg_socket = argv[i] + 9;
                        i++;
                } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
                        usage(stdout);
                        return EXIT_SUCCESS;
                } else if (strcmp(argv[i], "--version") == 0) {
                        puts("rosterctl " ROSTERD_VERSION);
                        return EXIT_SUCCESS;
                } else {
                        fprintf(stderr, "rosterctl: unknown option '%s'\n", argv[i]);
                        usage(stderr);
                        return EXIT_USAGE;
                }
        }
        if (i == argc) {
                usage(stderr);
                return EXIT_USAGE;
        }
        if (strcmp(argv[i], "help") == 0) {
                const command *c = i + 1 < argc ? find_command(argv[i + 1]) : NULL;
                if (c)
                        command_help(stdout, c);
                else
                        usage(stdout);
                return EXIT_SUCCESS;
        }
        const command *cmd = find_command(argv[i]);
        if (!cmd) {
                fprintf(stderr, "rosterctl: unknown command '%s'\n", argv[i]);
                usage(stderr);
                return EXIT_USAGE;
        }

        options o;
        int first = parse_options(cmd, argc - i, argv + i, &o);
        if (first < 0) {
                fprintf(stderr, "Try 'rosterctl %s --help'.\n", cmd->name);
                return EXIT_USAGE;
        }
        if (first == 0)
                return EXIT_SUCCESS;
        return cmd->run(&o, argc - i - first, argv + i + first);
}
