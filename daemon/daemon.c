/* daemon/daemon.c -- rosterd as a service: start, signals, reload, readiness.
 *
 * Start: read the configuration, lock and load the state directory, take
 * the socket from systemd (sd_listen_fds) or bind it, then READY=1. The
 * loop runs until SIGTERM (or SIGINT): STOPPING=1, workers are killed,
 * connections closed. SIGHUP reloads the configuration between
 * RELOADING=1 and READY=1; an invalid file changes nothing. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "daemon-server.h"

unsigned long long rd_now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (unsigned long long) ts.tv_sec * 1000000ULL + (unsigned long long) ts.tv_nsec / 1000;
}

bool rd_daemon_wanted(int argc, char **argv) {
        for (int i = 1; i < argc; i++)
                if (strcmp(argv[i], "--daemon") == 0 || strcmp(argv[i], "--solve-worker") == 0)
                        return true;
        for (int i = 1; i < argc; i++)
                if (strcmp(argv[i], "--check") == 0 || strcmp(argv[i], "--solve") == 0 ||
                    strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 ||
                    strcmp(argv[i], "--version") == 0)
                        return false;
        return true;
}

static void usage(FILE *out) {
        fputs("Usage: rosterd [--daemon] [OPTIONS]\n"
              "\n"
              "Runs the rostering service on a Unix socket (docs/daemon.md). Under systemd it\n"
              "takes its socket by socket activation and reports readiness with sd_notify.\n"
              "\n"
              "Options:\n"
              "  --daemon            run the service (the default without --check/--solve)\n"
              "  --config FILE       configuration (default " RD_DEFAULT_CONFIG " when it exists)\n"
              "  --socket PATH       socket to bind when not socket-activated\n"
              "                      (default: the configuration's socket)\n"
              "  --state-dir DIR     where accepted documents and rosters are kept\n"
              "                      (default: the configuration's state_dir)\n"
              "  --debug             log every connection and request\n"
              "  -h, --help          show this help\n"
              "  --version           show the version\n"
              "\n"
              "Signals: SIGHUP reloads the configuration, SIGTERM stops.\n",
              out);
}

/* ---- Configuration ---------------------------------------------------- */

static void log_diags(int priority, const char *message_id, const rc_diags *diags) {
        rd_log_fields f = RD_LOG_FIELDS_NONE;

        f.message_id = message_id;
        for (size_t i = 0; i < diags->n; i++) {
                char *line = rc_diag_format(&diags->items[i]);
                rd_log(priority, &f, "%s", line ? line : "(out of memory)");
                free(line);
        }
}

static int read_file(const char *path, char **ret, size_t *ret_size) {
        FILE *f = fopen(path, "re");
        rd_buf b = {};
        int r = 0;

        if (!f)
                return -errno;
        for (;;) {
                r = rd_buf_reserve(&b, 65536);
                if (r < 0)
                        break;
                size_t n = fread(rd_buf_tail(&b), 1, 65536, f);
                rd_buf_commit(&b, n);
                if (n == 0) {
                        if (ferror(f))
                                r = -EIO;
                        break;
                }
                if (rd_buf_len(&b) > RC_DOCUMENT_MAX_SIZE) {
                        r = -E2BIG;
                        break;
                }
        }
        fclose(f);
        if (r < 0) {
                rd_buf_done(&b);
                return r;
        }
        *ret = rd_buf_steal(&b, ret_size);
        return *ret ? 0 : -ENOMEM;
}

/* Appends one problem that concerns a whole file. */
static void add_diag(rc_diags *diags, const char *file, unsigned line, const char *path,
                     const char *message) {
        rc_diag d = { .file = strdup(file), .line = line, .column = line ? 1 : 0,
                      .path = strdup(path), .message = strdup(message) };
        rc_diag *more = NULL;

        if (diags && d.file && d.path && d.message)
                more = realloc(diags->items, (diags->n + 1) * sizeof(*more));
        if (!more) {
                free(d.file);
                free(d.path);
                free(d.message);
                return;
        }
        diags->items = more;
        diags->items[diags->n++] = d;
        diags->cap = diags->n;
}

/* Reads and checks the configuration file. Returns 0 with the document
 * and its text; -EINVAL with the problems in @diags; or -errno (also
 * described in @diags). */
static int load_config(const char *path, rc_document **ret, char **ret_text, size_t *ret_size,
                       rc_diags *diags) {
        rc_document *doc = NULL;
        char *text = NULL;
        size_t size = 0;
        int r;

        r = read_file(path, &text, &size);
        if (r < 0) {
                add_diag(diags, path, 0, "", strerror(-r));
                return r;
        }
        r = rc_document_parse(path, text, size, &doc, diags);
        if (r < 0) {
                free(text);
                return r;
        }
        if (doc->kind != RC_KIND_CONFIG) {
                rc_document_free(doc);
                free(text);
                add_diag(diags, path, 1, "kind", "expected kind: config in the configuration file");
                return -EINVAL;
        }
        *ret = doc;
        *ret_text = text;
        *ret_size = size;
        return 0;
}

/* ---- sd_notify -------------------------------------------------------- */

void rd_server_notify_status(rd_server *s) {
        static char last[256];
        char status[256];

        if (s->n_running > 0) {
                const rd_job *j = s->running;
                snprintf(status, sizeof status, "Solving %s%s%s%s%s; %zu queued; %zu connections",
                         j->week_text, j->employer ? " (" : "", j->employer ? j->employer : "",
                         j->employer ? ")" : "", s->n_running > 1 ? " and more" : "", s->n_queued,
                         s->n_conns);
        } else {
                snprintf(status, sizeof status,
                         "Idle; revision %ld; %zu documents; %zu connections, %zu subscribers",
                         s->last_revision, s->n_docs, s->n_conns, s->n_subscribers);
        }
        if (strcmp(status, last) == 0)
                return;
        snprintf(last, sizeof last, "%s", status);
        sd_notifyf(false, "STATUS=%s", status);
}

/* ---- Reload ----------------------------------------------------------- */

/* The ids of @settings' access rule names, each name that is not known
 * logged: such a rule matches nobody until a reload finds it. */
static int resolve_access(const rc_settings *settings, rd_access_ids *ret) {
        int r = rd_access_ids_resolve(settings, ret);

        if (r < 0)
                return r;
        for (size_t i = 0; i < ret->n; i++) {
                const rc_access_rule *rule = &settings->access[i];
                if (ret->ids[i] == RD_ACCESS_UNKNOWN)
                        rd_logf(LOG_WARNING, "Access rule %zu names %s \"%s\", which is not known; "
                                "it applies to nobody until a reload finds it", i + 1,
                                rule->user ? "user" : "group", rule->user ? rule->user : rule->group);
        }
        return 0;
}

int rd_server_reload(rd_server *s, rc_diags *ret_diags) {
        rc_diags diags = {};
        rd_log_fields f = RD_LOG_FIELDS_NONE;
        rc_document *doc = NULL;
        char *text = NULL;
        size_t size = 0;
        int r;

        sd_notifyf(false, "RELOADING=1\nSTATUS=Reloading the configuration\nMONOTONIC_USEC=%llu",
                   rd_now_usec());
        if (!s->config_path) {
                rd_logf(LOG_NOTICE, "Reload: no configuration file is in use; the defaults stay");
                sd_notify(false, "READY=1");
                rd_server_notify_status(s);
                return 0;
        }
        r = load_config(s->config_path, &doc, &text, &size, &diags);
        if (r < 0) {
                f.message_id = RD_MESSAGE_RELOAD_FAIL;
                rd_log(LOG_ERR, &f, "Reload refused: %s is invalid (%s); the old configuration "
                       "stays in force", s->config_path, r == -EINVAL ? "see below" : strerror(-r));
                log_diags(LOG_ERR, RD_MESSAGE_RELOAD_FAIL, &diags);
                sd_notifyf(false, "READY=1\nSTATUS=Reload refused: %s is invalid; running on the "
                           "old configuration", s->config_path);
                if (ret_diags)
                        *ret_diags = diags;
                else
                        rc_diags_done(&diags);
                return r == -EINVAL ? -EINVAL : r;
        }
        const rc_settings *n = rc_document_settings(doc);
        if (!s->socket_override && strcmp(n->socket, rd_settings(s)->socket) != 0)
                rd_logf(LOG_WARNING, "Reload: socket changed to %s; it takes effect at the next "
                        "start", n->socket);
        if (!s->state_override && strcmp(n->state_dir, rd_settings(s)->state_dir) != 0)
                rd_logf(LOG_WARNING, "Reload: state_dir changed to %s; it takes effect at the "
                        "next start", n->state_dir);
        bool changed = !s->config_text || size != s->config_size ||
                       memcmp(text, s->config_text, size) != 0;
        rd_access_ids ids = {};
        r = resolve_access(n, &ids);
        if (r == 0)
                r = rc_corpus_add(&s->corpus, doc);
        if (r < 0) {
                rd_access_ids_done(&ids);
                rc_document_free(doc);
                free(text);
                sd_notify(false, "READY=1");
                return r;
        }
        rd_access_ids_done(&s->access_ids);
        s->access_ids = ids;
        free(s->config_text);
        s->config_text = text;
        s->config_size = size;
        s->config_generation++;
        f.message_id = RD_MESSAGE_RELOADED;
        rd_log(LOG_INFO, &f, "Reloaded %s%s", s->config_path, changed ? "" : " (unchanged)");
        rd_publish_recheck(s);
        if (changed)
                /* Rules and travel times are input of every week. */
                for (size_t i = 0; i < s->n_slots; i++)
                        rd_replan_note_slot(s, s->slots[i]);
        rd_jobs_run(s);
        sd_notify(false, "READY=1");
        rd_server_notify_status(s);
        return 0;
}

/* ---- Socket ----------------------------------------------------------- */

static int bind_socket(rd_server *s) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        const char *path = s->socket_path;
        struct stat st;
        int fd, r;

        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        strcpy(sa.sun_path, path);

        /* A socket file left by a daemon that died is removed; one that
         * answers belongs to a daemon that runs. */
        if (lstat(path, &st) == 0) {
                if (!S_ISSOCK(st.st_mode))
                        return -EEXIST;
                int probe = rd_connect_unix(path);
                if (probe >= 0) {
                        close(probe);
                        return -EADDRINUSE;
                }
                unlink(path);
        }
        char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
        if (slash && slash != dir) {
                *slash = '\0';
                if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                        rd_logf(LOG_WARNING, "Cannot create %s: %s", dir, strerror(errno));
        }
        free(dir);

        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        /* Everyone may connect; the access rules decide what they may do. */
        if (chmod(path, 0666) < 0 || listen(fd, SOMAXCONN) < 0) {
                r = -errno;
                close(fd);
                unlink(path);
                return r;
        }
        s->own_socket = true;
        return fd;
}

static int setup_socket(rd_server *s) {
        int n = sd_listen_fds(true);

        if (n < 0)
                return n;
        if (n > 1) {
                rd_logf(LOG_ERR, "Socket activation passed %d sockets; expected one", n);
                return -EINVAL;
        }
        if (n == 1) {
                int fd = SD_LISTEN_FDS_START;
                if (sd_is_socket_unix(fd, SOCK_STREAM, 1, NULL, 0) <= 0) {
                        rd_logf(LOG_ERR, "The activated socket is not a listening Unix stream socket");
                        return -EINVAL;
                }
                fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
                fcntl(fd, F_SETFD, FD_CLOEXEC);
                struct sockaddr_un sa = {};
                socklen_t len = sizeof(sa);
                if (getsockname(fd, (struct sockaddr *) &sa, &len) == 0 && sa.sun_path[0]) {
                        free(s->socket_path);
                        s->socket_path = strndup(sa.sun_path, sizeof(sa.sun_path));
                }
                rd_logf(LOG_INFO, "Listening on %s (socket activation)",
                        s->socket_path ? s->socket_path : "the activated socket");
                return fd;
        }
        int fd = bind_socket(s);
        if (fd >= 0)
                rd_logf(LOG_INFO, "Listening on %s", s->socket_path);
        return fd;
}

/* ---- Signals ---------------------------------------------------------- */

static int on_terminate(sd_event_source *src, const struct signalfd_siginfo *si, void *userdata) {
        rd_server *s = userdata;
        rd_log_fields f = RD_LOG_FIELDS_NONE;

        (void) src;
        f.message_id = RD_MESSAGE_STOPPING;
        rd_log(LOG_INFO, &f, "Stopping on %s", strsignal((int) si->ssi_signo));
        sd_notify(false, "STOPPING=1\nSTATUS=Stopping");
        s->stopping = true;
        return sd_event_exit(s->event, 0);
}

static int on_hangup(sd_event_source *src, const struct signalfd_siginfo *si, void *userdata) {
        (void) src;
        (void) si;
        rd_server_reload(userdata, NULL);
        return 0;
}

/* ---- Main ------------------------------------------------------------- */

typedef struct options {
        const char *config;
        const char *socket;
        const char *state_dir;
        bool debug;
} options;

static int parse_options(int argc, char **argv, options *o) {
        enum { OPT_DAEMON = 0x100, OPT_CONFIG, OPT_SOCKET, OPT_STATE_DIR, OPT_DEBUG, OPT_VERSION };
        static const struct option longopts[] = {
                { "daemon", no_argument, NULL, OPT_DAEMON },
                { "config", required_argument, NULL, OPT_CONFIG },
                { "socket", required_argument, NULL, OPT_SOCKET },
                { "state-dir", required_argument, NULL, OPT_STATE_DIR },
                { "debug", no_argument, NULL, OPT_DEBUG },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, OPT_VERSION },
                {}
        };
        int c;

        *o = (options) {};
        optind = 1;
        while ((c = getopt_long(argc, argv, "h", longopts, NULL)) >= 0) {
                switch (c) {
                case OPT_DAEMON:
                        break;
                case OPT_CONFIG:
                        o->config = optarg;
                        break;
                case OPT_SOCKET:
                        o->socket = optarg;
                        break;
                case OPT_STATE_DIR:
                        o->state_dir = optarg;
                        break;
                case OPT_DEBUG:
                        o->debug = true;
                        break;
                case 'h':
                        usage(stdout);
                        return 1;
                case OPT_VERSION:
                        puts("rosterd " ROSTERD_VERSION);
                        return 1;
                default:
                        return -EINVAL;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "rosterd: unexpected argument '%s'\n", argv[optind]);
                return -EINVAL;
        }
        return 0;
}

static void server_free(rd_server *s) {
        while (s->conns)
                rd_conn_close(s->conns);
        rd_jobs_free_all(s);
        rd_commit_free(s);
        rd_replan_free(s);
        s->listen_source = sd_event_source_disable_unref(s->listen_source);
        if (s->listen_fd >= 0) {
                close(s->listen_fd);
                if (s->own_socket)
                        unlink(s->socket_path);
        }
        rd_state_free(s);
        rc_corpus_done(&s->corpus);
        rd_access_ids_done(&s->access_ids);
        rd_store_close(&s->store);
        free(s->config_path);
        free(s->config_text);
        free(s->socket_path);
        free(s->state_dir);
        sd_event_unref(s->event);
}

static int run(const options *o) {
        rd_server s = { .listen_fd = -1 };
        rc_diags diags = {};
        rd_log_fields f = RD_LOG_FIELDS_NONE;
        sigset_t mask;
        int r;

        s.self_uid = geteuid();
        /* Connections start at generation 0: their grants are resolved
         * at their first request. */
        s.config_generation = 1;
        s.started = rd_now_usec();
        rc_corpus_init(&s.corpus);
        for (int a = 0; a < _RD_AREA_MAX; a++)
                s.store.area_fd[a] = -1;
        s.store.dir_fd = s.store.lock_fd = s.store.quarantine_fd = -1;

        if (o->config || access(RD_DEFAULT_CONFIG, F_OK) == 0) {
                rc_document *doc = NULL;
                s.config_path = strdup(o->config ? o->config : RD_DEFAULT_CONFIG);
                if (!s.config_path) {
                        r = -ENOMEM;
                        goto finish;
                }
                r = load_config(s.config_path, &doc, &s.config_text, &s.config_size, &diags);
                if (r < 0) {
                        rd_logf(LOG_ERR, "Cannot use the configuration %s%s%s", s.config_path,
                                diags.n ? ":" : ": ", diags.n ? "" : strerror(-r));
                        log_diags(LOG_ERR, NULL, &diags);
                        goto finish;
                }
                r = rc_corpus_add(&s.corpus, doc);
                if (r < 0) {
                        rc_document_free(doc);
                        goto finish;
                }
        }
        r = resolve_access(rd_settings(&s), &s.access_ids);
        if (r < 0)
                goto finish;
        s.socket_path = strdup(o->socket ? o->socket : rd_settings(&s)->socket);
        s.state_dir = strdup(o->state_dir ? o->state_dir : rd_settings(&s)->state_dir);
        s.socket_override = o->socket;
        s.state_override = o->state_dir;
        if (!s.socket_path || !s.state_dir) {
                r = -ENOMEM;
                goto finish;
        }

        r = rd_store_open(&s.store, s.state_dir);
        if (r < 0) {
                rd_logf(LOG_ERR, "Cannot use the state directory %s: %s", s.state_dir,
                        r == -EBUSY ? "another rosterd holds its lock" : strerror(-r));
                goto finish;
        }
        r = rd_state_load(&s);
        if (r < 0) {
                rd_logf(LOG_ERR, "Cannot load the state from %s: %s", s.state_dir, strerror(-r));
                goto finish;
        }

        /* The loop takes these by signalfd and pidfd; children unblock
         * them again before exec. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        sigaddset(&mask, SIGCHLD);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        signal(SIGPIPE, SIG_IGN);

        r = sd_event_new(&s.event);
        if (r >= 0)
                r = sd_event_add_signal(s.event, NULL, SIGTERM, on_terminate, &s);
        if (r >= 0)
                r = sd_event_add_signal(s.event, NULL, SIGINT, on_terminate, &s);
        if (r >= 0)
                r = sd_event_add_signal(s.event, NULL, SIGHUP, on_hangup, &s);
        if (r >= 0 && sd_event_set_watchdog(s.event, true) < 0)
                rd_logf(LOG_WARNING, "Cannot set up the watchdog from $WATCHDOG_USEC; running "
                        "without it");
        if (r >= 0)
                r = rd_commit_setup(&s);
        if (r < 0) {
                rd_logf(LOG_ERR, "Cannot set up the event loop: %s", strerror(-r));
                goto finish;
        }

        s.listen_fd = setup_socket(&s);
        if (s.listen_fd < 0) {
                r = s.listen_fd;
                rd_logf(LOG_ERR, "Cannot listen on %s: %s", s.socket_path,
                        r == -EADDRINUSE ? "another daemon answers there" : strerror(-r));
                goto finish;
        }
        r = rd_conn_listen(&s);
        if (r < 0) {
                rd_logf(LOG_ERR, "Cannot watch the socket: %s", strerror(-r));
                goto finish;
        }

        size_t n_approved = 0, n_open = 0;
        for (size_t i = 0; i < s.n_slots; i++) {
                n_approved += s.slots[i]->approved != NULL;
                n_open += rd_slot_open_proposal(s.slots[i]) != NULL;
        }
        f.message_id = RD_MESSAGE_STARTED;
        f.revision = s.last_revision;
        rd_log(LOG_INFO, &f,
               "rosterd " ROSTERD_VERSION " ready: %zu documents, %zu approved rosters, %zu open "
               "proposals, revision %ld, state in %s",
               s.n_docs, n_approved, n_open, s.last_revision, s.state_dir);
        sd_notify(false, "READY=1");
        rd_server_notify_status(&s);

        r = sd_event_loop(s.event);
        if (r < 0)
                rd_logf(LOG_ERR, "The event loop failed: %s", strerror(-r));

finish:
        rc_diags_done(&diags);
        server_free(&s);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int rd_daemon_main(int argc, char **argv) {
        options o;
        int r;

        for (int i = 1; i < argc; i++)
                if (strcmp(argv[i], "--solve-worker") == 0)
                        return rd_worker_main();

        r = parse_options(argc, argv, &o);
        if (r != 0) {
                if (r < 0)
                        fputs("Try 'rosterd --daemon --help'.\n", stderr);
                return r < 0 ? 2 : EXIT_SUCCESS;
        }
        rd_log_init(o.debug);
        /* A fixed threshold: blocks of 256 KiB and more (worker output,
         * whole-week replies, roster texts) are mappings of their own and
         * go back to the system when freed or shrunk. glibc's default
         * raises the threshold after each such free, so a long-running
         * daemon would keep tens of megabytes of heap after one region
         * week. */
        mallopt(M_MMAP_THRESHOLD, 256 * 1024);
        mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
        return run(&o);
}
