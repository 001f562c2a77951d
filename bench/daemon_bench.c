/* bench/daemon_bench.c -- how fast rosterd --daemon answers, measured from
 * the outside.
 *
 *   rosterd-daemon-bench [--rosterd PATH] [--data DIR] [--week W] [--runs N]
 *                        [--submits N] [--clients 1,8,64,256] [--employers N]
 *                        [--time-limit S] [--phases submit,status,replan]
 *                        [--trace FILE] [--keep]
 *
 * Each run starts a real `rosterd --daemon` on a temporary socket and state
 * directory with the documents of DIR (default: config/examples) and
 * measures, as a client would see it:
 *   1. submit: connect -> acknowledgement read, per submission, with 1, 8,
 *      64 and 256 clients submitting at once (each on a fresh connection);
 *   2. status while the solve workers are busy: one propose per employer of
 *      the week, all at once, while one client asks for status in a loop;
 *   3. re-plan: every employer's proposal approved, a subscriber on the
 *      week, then one class moved by a new timetable; the time from the
 *      acknowledgement of that submission to the first published re-plan.
 *      The class is the demo's when the data holds it; otherwise one
 *      session of a group whose participant works in an approved roster
 *      moves onto that work, so that the roster must change;
 *   4. the daemon's peak RSS (VmHWM, workers excluded: they are processes
 *      of their own) and the size of its state directory.
 * It prints numbers next to the targets of issue 3 and never passes or
 * fails on them; the exit status is non-zero only when the daemon could
 * not be started or a run could not be carried out. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proto-frame.h"

#define MAX_RUNS 50
#define MAX_CLIENT_SETS 8
#define REPLY_MAX (64u << 20)

/* ---- Options and input ------------------------------------------------ */

static struct {
        const char *rosterd;
        const char *data;
        const char *config;
        const char *week;
        const char *today;
        const char *move_from;
        const char *move_to;
        int runs;
        int submits;
        int employers;          /* 0: all */
        int clients[MAX_CLIENT_SETS];
        int n_clients;
        double time_limit;      /* solver.time_limit given to the daemon; < 0: the config's */
        unsigned phases;        /* PHASE_* */
        const char *trace;      /* every status answer while solving, as TSV */
        double status_interval; /* ms from one status request to the next; 0: at once */
        const char *status_weeks[MAX_CLIENT_SETS];      /* whole weeks proposed at once */
        int n_status_weeks;
        bool move_given;        /* --move-from: no move chosen from the rosters */
        bool keep;
} arg = {
        .week = "2026-W49",
        .today = "2026-11-23",
        /* The class move of the demo (daemon/demo.sh): group
         * a2-mon-wed-eve's Wednesday evening goes to the afternoon. */
        .move_from = "{day: wed, start: \"18:30\", end: \"21:00\"}",
        .move_to = "{day: wed, start: \"13:00\", end: \"16:00\"}",
        .runs = 3,
        .submits = 10,
        .clients = { 1, 8, 64, 256 },
        .n_clients = 4,
        .time_limit = -1,
        .phases = ~0u,
        .status_interval = 5,
};

enum {
        PHASE_SUBMIT = 1u << 0,
        PHASE_STATUS = 1u << 1,
        PHASE_REPLAN = 1u << 2,
};

typedef struct document {
        char *name;             /* file name, for error messages */
        char *kind;
        char *employer;         /* shift-needs only */
        char *text;
        size_t size;
        char *request;          /* the whole submit message, sent as is */
        size_t request_size;
} document;

static struct {
        document *docs;
        size_t n_docs;
        document **shift_needs; /* borrowed from docs */
        size_t n_shift_needs;
        const char **employers; /* each once, borrowed */
        size_t n_employers;
        char *config;
        size_t config_size;
        const document *timetable;      /* the one holding the demo's class */
        char *moved;                    /* its text with the class moved; NULL: the
                                         * move is chosen from the approved rosters */
        size_t moved_size;
} input;

/* The full views of the rosters approved in this run, one after the
 * other: where a class move is chosen. */
static rd_buf approved_rosters;

/* The class move of one run. */
typedef struct class_move {
        const document *timetable;
        char *moved;                    /* the timetable's new text */
        size_t moved_size;
        char what[256];                 /* for the log */
        char employer[64];              /* whose approved roster it breaks; "" unknown */
} class_move;

static void die(const char *format, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *format, ...) {
        va_list ap;

        va_start(ap, format);
        fputs("rosterd-daemon-bench: ", stderr);
        vfprintf(stderr, format, ap);
        va_end(ap);
        fputc('\n', stderr);
        exit(1);
}

static double now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static char *read_file(const char *path, size_t *ret_size) {
        FILE *f = fopen(path, "re");
        rd_buf b = {};

        if (!f)
                return NULL;
        for (;;) {
                if (rd_buf_reserve(&b, 65536) < 0)
                        die("out of memory");
                size_t n = fread(rd_buf_tail(&b), 1, 65536, f);
                rd_buf_commit(&b, n);
                if (n == 0)
                        break;
        }
        fclose(f);
        return rd_buf_steal(&b, ret_size);
}

/* The value of a top-level "KEY: value" line, malloc'ed, or NULL. The
 * documents are read by the daemon; this only sorts them. */
static char *top_value(const char *text, const char *key) {
        size_t klen = strlen(key);

        for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
                if (strncmp(line, key, klen) != 0 || line[klen] != ':')
                        continue;
                const char *v = line + klen + 1;
                v += strspn(v, " \t");
                size_t n = strcspn(v, " \t#\r\n");
                return n > 0 ? strndup(v, n) : NULL;
        }
        return NULL;
}

/* Whether the text has a top-level KEY, whatever its value's form. */
static bool has_top_key(const char *text, const char *key) {
        size_t klen = strlen(key);

        for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
                if (strncmp(line, key, klen) == 0 && line[klen] == ':')
                        return true;
        return false;
}

static int by_name(const void *a, const void *b) {
        return strcmp(((const document *) a)->name, ((const document *) b)->name);
}

static char *submit_request(const char *name, const char *text, size_t size, size_t *ret_size) {
        rd_buf b = {};

        rd_buf_printf(&b, "rosterd: 1\nop: submit\nname: %s\nsize: %zu\n...\n", name, size);
        rd_buf_append(&b, text, size);
        return rd_buf_steal(&b, ret_size);
}

/* Replaces the first @from in @text by @to; NULL when there is none. */
static char *replace_first(const char *text, size_t size, const char *from, const char *to,
                           size_t *ret_size) {
        const char *at = strstr(text, from);
        rd_buf b = {};

        if (!at)
                return NULL;
        rd_buf_append(&b, text, (size_t) (at - text));
        rd_buf_puts(&b, to);
        at += strlen(from);
        rd_buf_append(&b, at, size - (size_t) (at - text));
        return rd_buf_steal(&b, ret_size);
}

/* When no approved roster gives a move: the first session line of a
 * timetable moves to the next day of the week, at the same times. */
static bool move_any_class(const document *timetable, class_move *ret) {
        static const char *const days[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

        for (int d = 0; d < 7; d++) {
                char from[32], to[32];
                snprintf(from, sizeof from, "{day: %s, start:", days[d]);
                snprintf(to, sizeof to, "{day: %s, start:", days[(d + 1) % 7]);
                char *moved = replace_first(timetable->text, timetable->size, from, to,
                                            &ret->moved_size);
                if (moved) {
                        ret->timetable = timetable;
                        ret->moved = moved;
                        snprintf(ret->what, sizeof ret->what, "the first %s... to %s in %s", from,
                                 days[(d + 1) % 7], timetable->name);
                        return true;
                }
        }
        return false;
}

static int minutes_of(const char *hhmm) {
        int h = 0, m = 0;

        return sscanf(hhmm, "%d:%d", &h, &m) == 2 ? h * 60 + m : -1;
}

/* In @timetable, the group that @candidate takes part in: moves the first
 * session of that group onto @day @start-@end (at most three hours of
 * it). False when the candidate is in no group of this timetable. */
static bool move_group_of(const document *timetable, const char *candidate, const char *day,
                          const char *start, const char *end, class_move *ret) {
        const char *text = timetable->text;
        size_t clen = strlen(candidate);

        for (const char *p = strstr(text, "participants: ["); p; p = strstr(p + 1, "participants: [")) {
                const char *eol = strchr(p, '\n'), *hit = NULL;
                if (!eol)
                        eol = text + timetable->size;
                for (const char *q = p + 15; q < eol; q++)
                        if (strncmp(q, candidate, clen) == 0 && (q[-1] == '[' || q[-1] == ' ') &&
                            (q[clen] == ',' || q[clen] == ']')) {
                                hit = q;
                                break;
                        }
                if (!hit)
                        continue;
                /* The group's block starts at the last "- id:" before its
                 * participants; its sessions lie between the two. */
                const char *group = NULL;
                for (const char *g = strstr(text, "- id: "); g && g < p; g = strstr(g + 1, "- id: "))
                        group = g;
                if (!group)
                        continue;
                const char *session = strstr(group, "{day: ");
                if (!session || session > p)
                        continue;
                const char *close = strchr(session, '}');
                if (!close || close > p)
                        continue;
                int s = minutes_of(start), e = minutes_of(end);
                if (s < 0 || e < 0)
                        continue;
                if (e <= s || e - s > 180)
                        e = s + 180 < 24 * 60 ? s + 180 : 24 * 60 - 1;
                rd_buf b = {};
                rd_buf_append(&b, text, (size_t) (session - text));
                rd_buf_printf(&b, "{day: %s, start: \"%02d:%02d\", end: \"%02d:%02d\"}", day, s / 60,
                              s % 60, e / 60, e % 60);
                rd_buf_append(&b, close + 1, timetable->size - (size_t) (close + 1 - text));
                ret->timetable = timetable;
                ret->moved = rd_buf_steal(&b, &ret->moved_size);
                const char *gid = group + 6;
                snprintf(ret->what, sizeof ret->what,
                         "group %.*s: %.*s -> {day: %s, start: \"%02d:%02d\", end: \"%02d:%02d\"} "
                         "(on %s's work) in %s",
                         (int) strcspn(gid, "\n"), gid, (int) (close + 1 - session), session, day,
                         s / 60, s % 60, e / 60, e % 60, candidate, timetable->name);
                return true;
        }
        return false;
}

/* A move that breaks an approved roster: the @skip'th assignment line of
 * @rosters (the approved employers' full views), counted from the end,
 * whose candidate takes a class gets that class put onto its work. From
 * the end: the last employer's roster is the one a re-plan in the order
 * of the rosters would reach last. */
static bool move_onto_work(const char *rosters, size_t skip, class_move *ret) {
        static const char marker[] = "- {day: ";

        if (!rosters)
                return false;
        for (const char *line = strrchr(rosters, '\0'); line > rosters;) {
                /* The previous line that holds an assignment. */
                const char *at = NULL;
                for (const char *p = line; p > rosters && !at;) {
                        p--;
                        if (*p == '-' && strncmp(p, marker, sizeof(marker) - 1) == 0)
                                at = p;
                }
                if (!at)
                        break;
                line = at;
                char day[8], start[8], end[8], candidate[64];
                if (sscanf(line, "- {day: %7[a-z], start: \"%7[0-9:]\", end: \"%7[0-9:]\", candidate: %63[^,}]",
                           day, start, end, candidate) != 4)
                        continue;
                for (size_t i = 0; i < input.n_docs; i++) {
                        if (strcmp(input.docs[i].kind, "timetable") != 0)
                                continue;
                        class_move m = {};
                        if (!move_group_of(&input.docs[i], candidate, day, start, end, &m))
                                continue;
                        if (skip-- == 0) {
                                /* The roster's own "employer:" line comes
                                 * before its assignments. */
                                const char *e = NULL;
                                for (const char *p = strstr(rosters, "\nemployer: "); p && p < line;
                                     p = strstr(p + 1, "\nemployer: "))
                                        e = p + 11;
                                if (e)
                                        snprintf(m.employer, sizeof m.employer, "%.*s",
                                                 (int) strcspn(e, " \n"), e);
                                *ret = m;
                                return true;
                        }
                        free(m.moved);
                        break;
                }
        }
        return false;
}

static void set_time_limit(void);

static void load_input(void) {
        DIR *dir = opendir(arg.data);
        struct dirent *de;
        size_t cap = 0;

        if (!dir)
                die("%s: %s", arg.data, strerror(errno));
        while ((de = readdir(dir))) {
                size_t len = strlen(de->d_name);
                char path[PATH_MAX];
                if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0)
                        continue;
                if (input.n_docs == cap) {
                        cap = cap ? cap * 2 : 64;
                        input.docs = realloc(input.docs, cap * sizeof(*input.docs));
                        if (!input.docs)
                                die("out of memory");
                }
                document *d = &input.docs[input.n_docs];
                snprintf(path, sizeof path, "%s/%s", arg.data, de->d_name);
                *d = (document) { .name = strdup(de->d_name) };
                d->text = read_file(path, &d->size);
                if (!d->text)
                        die("%s: %s", path, strerror(errno));
                d->kind = top_value(d->text, "kind");
                if (!d->kind) {
                        free(d->text);
                        free(d->name);
                        continue;
                }
                if (strcmp(d->kind, "config") == 0) {
                        if (!arg.config) {
                                input.config = d->text;
                                input.config_size = d->size;
                                d->text = NULL;
                        }
                        free(d->text);
                        free(d->kind);
                        free(d->name);
                        continue;
                }
                input.n_docs++;
        }
        closedir(dir);
        if (arg.config) {
                input.config = read_file(arg.config, &input.config_size);
                if (!input.config)
                        die("%s: %s", arg.config, strerror(errno));
        }
        if (!input.config)
                die("%s holds no kind: config document; name one with --config", arg.data);
        if (arg.time_limit >= 0)
                set_time_limit();
        /* Candidates first, then timetables, then shift needs: the order in
         * which the parties of the demo submit. */
        qsort(input.docs, input.n_docs, sizeof(*input.docs), by_name);
        input.shift_needs = calloc(input.n_docs + 1, sizeof(*input.shift_needs));
        for (size_t i = 0; i < input.n_docs; i++) {
                document *d = &input.docs[i];
                d->request = submit_request(d->name, d->text, d->size, &d->request_size);
                if (strcmp(d->kind, "shift-needs") == 0) {
                        d->employer = top_value(d->text, "employer");
                        if (d->employer)
                                input.shift_needs[input.n_shift_needs++] = d;
                }
                /* The demo's move on the demo's data (or as asked); on
                 * other data a move is chosen from the approved rosters. */
                if (strcmp(d->kind, "timetable") == 0 && !input.moved &&
                    (arg.move_given || strcmp(arg.data, ROSTERD_EXAMPLES_DIR) == 0))
                        input.moved = replace_first(d->text, d->size, arg.move_from, arg.move_to,
                                                    &input.moved_size);
                if (strcmp(d->kind, "timetable") == 0 && !input.timetable && input.moved)
                        input.timetable = d;
        }
        if (arg.move_given && !input.moved)
                die("no timetable in %s holds %s", arg.data, arg.move_from);
        if (input.n_shift_needs == 0)
                die("%s holds no shift-needs documents", arg.data);
        input.employers = calloc(input.n_shift_needs, sizeof(*input.employers));
        for (size_t i = 0; i < input.n_shift_needs; i++) {
                bool seen = false;
                for (size_t k = 0; k < input.n_employers; k++)
                        seen |= strcmp(input.employers[k], input.shift_needs[i]->employer) == 0;
                if (!seen)
                        input.employers[input.n_employers++] = input.shift_needs[i]->employer;
        }
        if (arg.employers > 0 && (size_t) arg.employers < input.n_employers)
                input.n_employers = (size_t) arg.employers;
}

/* --time-limit: the value of solver.time_limit in the configuration
 * replaced (flow or block form), or a solver line added when there is
 * none. */
static void set_time_limit(void) {
        char *text = input.config, value[32];
        const char *solver = NULL;

        snprintf(value, sizeof value, "%gs", arg.time_limit);
        for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
                if (strncmp(line, "solver:", 7) == 0) {
                        solver = line;
                        break;
                }
        rd_buf b = {};
        if (!solver) {
                rd_buf_append(&b, text, input.config_size);
                rd_buf_printf(&b, "\nsolver: {time_limit: %s}\n", value);
        } else {
                /* The key within the solver entry: on its line, or on the
                 * indented lines after it. */
                const char *end = solver + strcspn(solver, "\n");
                while (*end == '\n' && (end[1] == ' ' || end[1] == '\t'))
                        end += 1 + strcspn(end + 1, "\n");
                const char *key = strstr(solver, "time_limit:");
                if (!key || key > end)
                        die("--time-limit: the configuration's solver entry has no time_limit to replace");
                {
                        const char *v = key + 11;
                        v += strspn(v, " ");
                        size_t n = strcspn(v, ",}\n #");
                        rd_buf_append(&b, text, (size_t) (v - text));
                        rd_buf_puts(&b, value);
                        rd_buf_append(&b, v + n, input.config_size - (size_t) (v + n - text));
                }
        }
        free(input.config);
        input.config = rd_buf_steal(&b, &input.config_size);
}

static int kind_rank(const char *kind) {
        return strcmp(kind, "candidates") == 0 ? 0 : strcmp(kind, "timetable") == 0 ? 1 : 2;
}

/* ---- Samples ------------------------------------------------------------ */

typedef struct samples {
        double *v;
        size_t n, cap;
} samples;

static void samples_add(samples *s, double v) {
        if (s->n == s->cap) {
                s->cap = s->cap ? s->cap * 2 : 256;
                s->v = realloc(s->v, s->cap * sizeof(*s->v));
                if (!s->v)
                        die("out of memory");
        }
        s->v[s->n++] = v;
}

static void samples_append(samples *s, const samples *from) {
        for (size_t i = 0; i < from->n; i++)
                samples_add(s, from->v[i]);
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;

        return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest value with at least @p of the samples at or
 * below it. NAN when there are none. */
static double percentile(samples *s, double p) {
        if (s->n == 0)
                return NAN;
        qsort(s->v, s->n, sizeof(*s->v), cmp_double);
        size_t rank = (size_t) ceil(p / 100.0 * (double) s->n);
        return s->v[rank > 0 ? rank - 1 : 0];
}

static double median(const double *v, int n) {
        samples s = {};
        double m;

        for (int i = 0; i < n; i++)
                if (!isnan(v[i]))
                        samples_add(&s, v[i]);
        if (s.n == 0)
                m = NAN;
        else if (s.n % 2)
                m = percentile(&s, 50);
        else {
                qsort(s.v, s.n, sizeof(*s.v), cmp_double);
                m = (s.v[s.n / 2 - 1] + s.v[s.n / 2]) / 2;
        }
        free(s.v);
        return m;
}

/* ---- The daemon ------------------------------------------------------- */

typedef struct daemon_run {
        char dir[80];
        char socket[128];
        char state[128];
        pid_t pid;
} daemon_run;

static void start_daemon(daemon_run *d) {
        char config[160], notify[160], log[160];
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd;

        /* $TMPDIR puts the state directory on another file system. */
        const char *tmp = getenv("TMPDIR");
        if (snprintf(d->dir, sizeof d->dir, "%s/rosterd-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp") >=
            (int) sizeof d->dir)
                die("TMPDIR is too long");
        if (!mkdtemp(d->dir))
                die("mkdtemp: %s", strerror(errno));
        snprintf(d->socket, sizeof d->socket, "%s/rosterd.sock", d->dir);
        snprintf(d->state, sizeof d->state, "%s/state", d->dir);
        snprintf(config, sizeof config, "%s/rosterd.yaml", d->dir);
        snprintf(notify, sizeof notify, "%s/notify.sock", d->dir);
        snprintf(log, sizeof log, "%s/rosterd.log", d->dir);

        FILE *f = fopen(config, "we");
        if (!f)
                die("%s: %s", config, strerror(errno));
        fwrite(input.config, 1, input.config_size, f);
        /* 256 clients that each reconnect per submission can hold a few
         * more than 256 connections while the daemon sees their ends; the
         * benchmark measures latency, not the connection limit. */
        if (!has_top_key(input.config, "limits"))
                fputs("\nlimits: {connections: 1024}\n", f);
        fclose(f);

        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        strcpy(sa.sun_path, notify);
        if (fd < 0 || bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                die("notify socket: %s", strerror(errno));

        d->pid = fork();
        if (d->pid < 0)
                die("fork: %s", strerror(errno));
        if (d->pid == 0) {
                int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
                if (out >= 0) {
                        dup2(out, STDOUT_FILENO);
                        dup2(out, STDERR_FILENO);
                }
                setenv("NOTIFY_SOCKET", notify, 1);
                unsetenv("JOURNAL_STREAM");
                unsetenv("LISTEN_FDS");
                unsetenv("LISTEN_PID");
                /* The week must lie ahead of "today" to be re-planned. */
                if (!getenv("ROSTERD_TODAY"))
                        setenv("ROSTERD_TODAY", arg.today, 1);
                execl(arg.rosterd, arg.rosterd, "--daemon", "--config", config, "--socket",
                      d->socket, "--state-dir", d->state, (char *) NULL);
                _exit(127);
        }

        double end = now_ms() + 60000;
        bool ready = false;
        while (!ready && now_ms() < end) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                char buf[4096];
                int status;
                if (poll(&p, 1, 100) == 1) {
                        ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
                        if (n > 0) {
                                buf[n] = '\0';
                                ready = strstr(buf, "READY=1") != NULL;
                        }
                }
                if (!ready && waitpid(d->pid, &status, WNOHANG) == d->pid)
                        die("rosterd ended while starting (see %s)", log);
        }
        if (!ready)
                die("rosterd did not get ready within 60 s (see %s)", log);
        /* Nobody reads its STATUS= lines from now on: with the socket gone,
         * sd_notify() fails at once instead of filling a buffer. */
        close(fd);
        unlink(notify);
}

static int stop_daemon(daemon_run *d) {
        int status = 0;

        kill(d->pid, SIGTERM);
        if (waitpid(d->pid, &status, 0) < 0)
                return -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static long proc_status_kb(pid_t pid, const char *key) {
        char path[64], line[256];
        long v = -1;

        snprintf(path, sizeof path, "/proc/%d/status", (int) pid);
        FILE *f = fopen(path, "re");
        if (!f)
                return -1;
        while (fgets(line, sizeof line, f))
                if (strncmp(line, key, strlen(key)) == 0 && line[strlen(key)] == ':')
                        v = strtol(line + strlen(key) + 1, NULL, 10);
        fclose(f);
        return v;
}

static unsigned long long tree_bytes, tree_blocks;
static unsigned long tree_files;

static int tree_add(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) path;
        (void) ftw;
        if (flag == FTW_F) {
                tree_bytes += (unsigned long long) st->st_size;
                tree_files++;
        }
        tree_blocks += (unsigned long long) st->st_blocks;
        return 0;
}

/* ---- Requests ----------------------------------------------------------- */

static int connect_to(const daemon_run *d, int timeout_s) {
        int fd = rd_connect_unix(d->socket);
        struct timeval tv = { .tv_sec = timeout_s };

        if (fd >= 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        return fd;
}

/* One request on a fresh connection; @request is the whole message. */
static int call_raw(const daemon_run *d, const char *request, size_t size, int timeout_s,
                    rd_message *ret) {
        rd_buf in = {};
        int fd = connect_to(d, timeout_s), r;

        if (fd < 0)
                return fd;
        r = rd_write_all(fd, request, size);
        if (r == 0)
                r = rd_message_read(fd, &in, REPLY_MAX, ret, NULL);
        close(fd);
        rd_buf_done(&in);
        return r;
}

static int call(const daemon_run *d, const char *lines, int timeout_s, rd_message *ret) {
        rd_buf req = {};
        int r;

        rd_buf_printf(&req, "rosterd: 1\n%s...\n", lines);
        r = call_raw(d, rd_buf_data(&req), rd_buf_len(&req), timeout_s, ret);
        rd_buf_done(&req);
        return r;
}

static bool reply_ok(const rd_message *m) {
        bool ok = false;

        return m->header && rd_node_bool(rd_node_get(m->header, "ok"), &ok) && ok;
}

static const char *reply_error(const rd_message *m) {
        const char *c = rd_node_get_text(rd_node_get(m->header, "error"), "code");

        return c ? c : "?";
}

static long solver_field(const rd_message *m, const char *key) {
        long v = -1;

        rd_node_long(rd_node_get(rd_node_get(m->header, "solver"), key), &v);
        return v;
}

/* ---- 1. Submissions ----------------------------------------------------- */

typedef struct submitter {
        const daemon_run *d;
        pthread_barrier_t *start;
        int id;
        double *latency;        /* arg.submits entries, NAN for a failed one */
        atomic_int *errors;
        char first_error[64];
} submitter;

static void *submit_loop(void *userdata) {
        submitter *s = userdata;

        pthread_barrier_wait(s->start);
        for (int k = 0; k < arg.submits; k++) {
                const document *doc =
                        input.shift_needs[((size_t) s->id * (size_t) arg.submits + (size_t) k) %
                                          input.n_shift_needs];
                rd_message m = {};
                double t0 = now_ms();
                int r = call_raw(s->d, doc->request, doc->request_size, 60, &m);
                double t1 = now_ms();
                s->latency[k] = NAN;
                if (r == 0 && reply_ok(&m))
                        s->latency[k] = t1 - t0;
                else {
                        atomic_fetch_add(s->errors, 1);
                        if (!s->first_error[0])
                                snprintf(s->first_error, sizeof s->first_error, "%s",
                                         r < 0 ? strerror(-r) : reply_error(&m));
                }
                rd_message_done(&m);
        }
        return NULL;
}

typedef struct submit_result {
        samples latency;
        double seconds;
        int errors;
        /* CPU time (user + system) over the phase: the daemon's process,
         * helper thread included, and this program's client threads. */
        double daemon_cpu_ms, clients_cpu_ms;
        /* The first submission of every client (all sent at once when the
         * clients are released together) and the others. */
        samples first, later;
} submit_result;

/* A process's CPU time so far, user + system, all threads (/proc/PID/stat
 * fields 14 and 15, in clock ticks). */
static double proc_cpu_ms(pid_t pid) {
        char path[64], line[1024];
        unsigned long long utime = 0, stime = 0;
        double ms = NAN;

        snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
        FILE *f = fopen(path, "re");
        if (!f)
                return NAN;
        /* The name (field 2) may hold spaces: read on after its ')'. */
        if (fgets(line, sizeof line, f)) {
                const char *p = strrchr(line, ')');
                if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                                &utime, &stime) == 2)
                        ms = (double) (utime + stime) * 1e3 / (double) sysconf(_SC_CLK_TCK);
        }
        fclose(f);
        return ms;
}

static double self_cpu_ms(void) {
        struct rusage u;

        getrusage(RUSAGE_SELF, &u);
        return (double) (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
               (double) (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

static void bench_submit(const daemon_run *d, int clients, submit_result *ret) {
        pthread_barrier_t start;
        pthread_t *threads = calloc((size_t) clients, sizeof(*threads));
        submitter *s = calloc((size_t) clients, sizeof(*s));
        double *latency = calloc((size_t) clients * (size_t) arg.submits, sizeof(*latency));
        atomic_int errors = 0;
        pthread_attr_t attr;

        if (!threads || !s || !latency)
                die("out of memory");
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 256 * 1024);
        pthread_barrier_init(&start, NULL, (unsigned) clients + 1);
        for (int i = 0; i < clients; i++) {
                s[i] = (submitter) { .d = d, .start = &start, .id = i,
                                     .latency = latency + (size_t) i * (size_t) arg.submits,
                                     .errors = &errors };
                if (pthread_create(&threads[i], &attr, submit_loop, &s[i]) != 0)
                        die("pthread_create: %s", strerror(errno));
        }
        double daemon_cpu = proc_cpu_ms(d->pid), clients_cpu = self_cpu_ms();
        pthread_barrier_wait(&start);
        double t0 = now_ms();
        for (int i = 0; i < clients; i++)
                pthread_join(threads[i], NULL);
        ret->seconds = (now_ms() - t0) / 1e3;
        ret->daemon_cpu_ms = proc_cpu_ms(d->pid) - daemon_cpu;
        ret->clients_cpu_ms = self_cpu_ms() - clients_cpu;
        ret->errors = atomic_load(&errors);
        for (size_t i = 0; i < (size_t) clients * (size_t) arg.submits; i++)
                if (!isnan(latency[i])) {
                        samples_add(&ret->latency, latency[i]);
                        samples_add(i % (size_t) arg.submits == 0 ? &ret->first : &ret->later,
                                    latency[i]);
                }
        for (int i = 0; i < clients; i++)
                if (s[i].first_error[0]) {
                        fprintf(stderr, "# %d clients: first error: %s\n", clients, s[i].first_error);
                        break;
                }
        pthread_barrier_destroy(&start);
        pthread_attr_destroy(&attr);
        free(latency);
        free(s);
        free(threads);
}

/* ---- 2. Status while solving ------------------------------------------ */

typedef struct proposer {
        const daemon_run *d;
        const char *week;
        const char *employer;   /* NULL: the whole week */
        atomic_int *running;
        bool ok;
        char error[64];
        double seconds;
} proposer;

static void *propose_one(void *userdata) {
        proposer *p = userdata;
        char lines[256];
        rd_message m = {};
        double t0 = now_ms();

        snprintf(lines, sizeof lines, "op: propose\nweek: %s\n%s%s%s", p->week,
                 p->employer ? "employer: " : "", p->employer ? p->employer : "", p->employer ? "\n" : "");
        int r = call(p->d, lines, 3600, &m);
        p->seconds = (now_ms() - t0) / 1e3;
        p->ok = r == 0 && reply_ok(&m);
        if (!p->ok)
                snprintf(p->error, sizeof p->error, "%s", r < 0 ? strerror(-r) : reply_error(&m));
        rd_message_done(&m);
        atomic_fetch_sub(p->running, 1);
        return NULL;
}

/* A task's scheduler counters (/proc/.../schedstat): time on a CPU, time
 * runnable but waiting for one, and how many times it got one. */
typedef struct sched_use {
        double run_ms, wait_ms;
        long slices;
} sched_use;

static sched_use sched_read(pid_t pid) {
        char path[64];
        unsigned long long run = 0, wait = 0, slices = 0;
        sched_use u = {};

        snprintf(path, sizeof path, "/proc/%d/schedstat", (int) pid);
        FILE *f = fopen(path, "re");
        if (f && fscanf(f, "%llu %llu %llu", &run, &wait, &slices) == 3)
                u = (sched_use) { (double) run / 1e6, (double) wait / 1e6, (long) slices };
        if (f)
                fclose(f);
        return u;
}

static sched_use sched_since(pid_t pid, sched_use before) {
        sched_use now = sched_read(pid);

        return (sched_use) { now.run_ms - before.run_ms, now.wait_ms - before.wait_ms,
                             now.slices - before.slices };
}

typedef struct status_result {
        samples quiet;          /* before the proposals: no worker ran */
        samples busy;           /* answered while a worker ran */
        samples two;            /* while two or more ran */
        samples idle;
        double solve_seconds;   /* all proposals */
        int proposed, failed;
        long max_running;
        sched_use quiet_daemon, busy_daemon;    /* the event loop's scheduling */
} status_result;

/* Waits until @from + --status-interval: a client that asks without a
 * pause would itself take a core from the workers it measures beside. */
static void pace(double from) {
        double left = from + arg.status_interval - now_ms();

        if (left > 0)
                usleep((useconds_t) (left * 1e3));
}

/* One status request; its latency, and how many solves ran. */
static double status_once(const daemon_run *d, long *ret_running) {
        rd_message m = {};
        double s0 = now_ms();
        int r = call(d, "op: status\n", 60, &m);
        double s1 = now_ms();

        if (r < 0 || !reply_ok(&m))
                die("status failed: %s", r < 0 ? strerror(-r) : reply_error(&m));
        *ret_running = (long) rd_node_seq_len(rd_node_get(rd_node_get(m.header, "solver"), "running"));
        rd_message_done(&m);
        return s1 - s0;
}

static void bench_status(const daemon_run *d, int run, status_result *ret) {
        size_t n = arg.n_status_weeks > 0 ? (size_t) arg.n_status_weeks : input.n_employers;
        pthread_t *threads = calloc(n, sizeof(*threads));
        proposer *p = calloc(n, sizeof(*p));
        atomic_int running = (int) n;
        FILE *trace = NULL;

        if (!threads || !p)
                die("out of memory");
        if (arg.trace) {
                trace = fopen(arg.trace, run == 0 ? "we" : "ae");
                if (!trace)
                        die("%s: %s", arg.trace, strerror(errno));
                if (run == 0)
                        fputs("run\tat_ms\tlatency_ms\trunning\n", trace);
        }
        /* The same loop for five seconds before any solve: what the
         * machine gives without the workers, for comparison. */
        sched_use u0 = sched_read(d->pid);
        for (double end = now_ms() + 5000; now_ms() < end;) {
                long running_now;
                double s0 = now_ms();
                samples_add(&ret->quiet, status_once(d, &running_now));
                pace(s0);
        }
        ret->quiet_daemon = sched_since(d->pid, u0);
        u0 = sched_read(d->pid);
        double t0 = now_ms();
        for (size_t i = 0; i < n; i++) {
                p[i] = (proposer) { .d = d, .week = arg.week, .running = &running };
                if (arg.n_status_weeks > 0)
                        p[i].week = arg.status_weeks[i];
                else
                        p[i].employer = input.employers[i];
                if (pthread_create(&threads[i], NULL, propose_one, &p[i]) != 0)
                        die("pthread_create: %s", strerror(errno));
        }
        while (atomic_load(&running) > 0) {
                long running_now;
                double s0 = now_ms();
                double latency = status_once(d, &running_now);
                if (running_now > ret->max_running)
                        ret->max_running = running_now;
                samples_add(running_now > 0 ? &ret->busy : &ret->idle, latency);
                if (running_now >= 2)
                        samples_add(&ret->two, latency);
                if (trace)
                        fprintf(trace, "%d\t%.3f\t%.3f\t%ld\n", run + 1, s0 - t0, latency, running_now);
                pace(s0);
        }
        ret->busy_daemon = sched_since(d->pid, u0);
        ret->solve_seconds = (now_ms() - t0) / 1e3;
        if (trace)
                fclose(trace);
        for (size_t i = 0; i < n; i++) {
                pthread_join(threads[i], NULL);
                if (p[i].ok)
                        ret->proposed++;
                else {
                        ret->failed++;
                        fprintf(stderr, "# propose %s %s: %s after %.1f s\n", p[i].week,
                                p[i].employer ? p[i].employer : "(every employer)", p[i].error,
                                p[i].seconds);
                }
        }
        free(p);
        free(threads);
}

/* ---- 3. Re-plan after a class moves ----------------------------------- */

typedef struct replan_result {
        double first_ms;        /* ack -> first re-plan event; NAN when none came */
        double last_ms;
        double settled_ms;      /* ack -> no solve running or queued any more */
        int events;
        int changes;            /* in the first event */
        char employer[64];      /* of the first event */
        char move[256];         /* which class moved */
        char broken[64];        /* the employer whose roster the move breaks */
        double broken_ms;       /* ack -> its re-plan event; NAN when none came */
        long solves;
} replan_result;

/* Waits up to @ms for the next message on a subscription; false when none
 * came. */
static bool next_event(int fd, rd_buf *in, rd_message *m, int ms) {
        size_t scanned = 0, len;
        struct pollfd p = { .fd = fd, .events = POLLIN };

        if (rd_frame_find_end(rd_buf_data(in), rd_buf_len(in), &scanned, &len) == 0 &&
            poll(&p, 1, ms) != 1)
                return false;
        return rd_message_read(fd, in, REPLY_MAX, m, NULL) == 0;
}

/* Whether the re-plans are over: nothing runs or waits, and a solve ran
 * (or, for a move that touches no roster, five seconds went by). */
static bool replan_settled(const daemon_run *d, long before, double ack, long *ret_solves) {
        rd_message m = {};
        bool settled = false;

        if (call(d, "op: status\n", 60, &m) == 0 && reply_ok(&m)) {
                long done = solver_field(&m, "solved") + solver_field(&m, "failed");
                settled = solver_field(&m, "queued") == 0 &&
                          rd_node_seq_len(rd_node_get(rd_node_get(m.header, "solver"), "running")) == 0 &&
                          (done > before || now_ms() - ack > 5000);
                *ret_solves = done - before;
        }
        rd_message_done(&m);
        return settled;
}

/* Submits the timetable with the class moved; the time of the
 * acknowledgement, or NAN when the daemon refused it. */
static double submit_move(const daemon_run *d, const class_move *move) {
        rd_message m = {};
        size_t size;
        char *request = submit_request(move->timetable->name, move->moved, move->moved_size, &size);
        int r = call_raw(d, request, size, 60, &m);
        double ack = now_ms();

        free(request);
        if (r < 0)
                die("submitting the moved timetable failed: %s", strerror(-r));
        if (!reply_ok(&m)) {
                const char *msg = rd_node_get_text(rd_node_get(m.header, "error"), "message");
                fprintf(stderr, "# the daemon refused %s: %s: %s\n", move->what, reply_error(&m),
                        msg ? msg : "");
                ack = NAN;
        }
        rd_message_done(&m);
        return ack;
}

static void bench_replan(const daemon_run *d, replan_result *ret) {
        rd_buf in = {}, req = {};
        rd_message m = {};
        class_move move = {};
        long before = -1;
        double ack = NAN;

        *ret = (replan_result) { .first_ms = NAN, .last_ms = NAN, .settled_ms = NAN,
                                 .broken_ms = NAN };
        if (call(d, "op: status\n", 60, &m) < 0 || !reply_ok(&m))
                die("status failed");
        before = solver_field(&m, "solved") + solver_field(&m, "failed");
        rd_message_done(&m);

        int fd = connect_to(d, 60);
        if (fd < 0)
                die("connect: %s", strerror(-fd));
        rd_buf_printf(&req, "rosterd: 1\nop: subscribe\nweek: %s\n...\n", arg.week);
        if (rd_write_all(fd, rd_buf_data(&req), rd_buf_len(&req)) < 0 ||
            rd_message_read(fd, &in, REPLY_MAX, &m, NULL) < 0 || !reply_ok(&m))
                die("subscribe failed");
        rd_message_done(&m);
        rd_buf_done(&req);

        /* The demo's move, or one onto the work of an approved roster (a
         * move the daemon refuses, say a session that now overlaps another
         * of its group, gives way to the next candidate's). */
        if (input.moved) {
                move = (class_move) { .timetable = input.timetable, .moved = strdup(input.moved),
                                      .moved_size = input.moved_size };
                snprintf(move.what, sizeof move.what, "%s -> %s in %s", arg.move_from, arg.move_to,
                         input.timetable->name);
                ack = submit_move(d, &move);
        } else
                for (size_t skip = 0; isnan(ack) && skip < 50; skip++) {
                        free(move.moved);
                        move = (class_move) {};
                        if (!move_onto_work(rd_buf_data(&approved_rosters), skip, &move))
                                break;
                        ack = submit_move(d, &move);
                }
        for (size_t i = 0; isnan(ack) && i < input.n_docs; i++)
                if (strcmp(input.docs[i].kind, "timetable") == 0) {
                        free(move.moved);
                        move = (class_move) {};
                        if (move_any_class(&input.docs[i], &move))
                                ack = submit_move(d, &move);
                }
        if (isnan(ack))
                die("no class move was accepted");
        fprintf(stderr, "# moved %s\n", move.what);
        snprintf(ret->move, sizeof ret->move, "%s", move.what);
        snprintf(ret->broken, sizeof ret->broken, "%s", move.employer);
        free(move.moved);

        /* Events until every re-plan the move caused has run: nothing runs
         * or waits, and the coalescing delay (500 ms) is past. */
        double next_check = ack + 600, deadline = ack + 1800e3;
        for (;;) {
                double t = now_ms();
                if (t >= deadline)
                        break;
                if (t >= next_check) {
                        if (replan_settled(d, before, ack, &ret->solves)) {
                                ret->settled_ms = now_ms() - ack;
                                /* A last event may still be on its way. */
                                while (next_event(fd, &in, &m, 200)) {
                                        bool replan = false;
                                        rd_node_bool(rd_node_get(m.header, "replan"), &replan);
                                        if (replan) {
                                                const char *who = rd_node_get_text(m.header, "employer");
                                                ret->events++;
                                                ret->last_ms = now_ms() - ack;
                                                if (isnan(ret->broken_ms) && who &&
                                                    strcmp(who, ret->broken) == 0)
                                                        ret->broken_ms = ret->last_ms;
                                        }
                                        rd_message_done(&m);
                                }
                                break;
                        }
                        next_check = now_ms() + 100;
                        continue;
                }
                if (!next_event(fd, &in, &m, (int) (next_check - t) + 1))
                        continue;
                double at = now_ms() - ack;
                bool replan = false;
                rd_node_bool(rd_node_get(m.header, "replan"), &replan);
                if (replan) {
                        const char *who = rd_node_get_text(m.header, "employer");
                        if (isnan(ret->broken_ms) && who && strcmp(who, ret->broken) == 0)
                                ret->broken_ms = at;
                        if (ret->events == 0) {
                                ret->first_ms = at;
                                ret->changes = (int) rd_node_seq_len(rd_node_get(m.header, "changes"));
                                const char *e = rd_node_get_text(m.header, "employer");
                                snprintf(ret->employer, sizeof ret->employer, "%s", e ? e : "?");
                        }
                        ret->events++;
                        ret->last_ms = at;
                }
                rd_message_done(&m);
        }
        close(fd);
        rd_buf_done(&in);
}

/* ---- A run ---------------------------------------------------------------- */

typedef struct run_result {
        submit_result submit[MAX_CLIENT_SETS];
        status_result status;
        replan_result replan;
        long hwm_kb, rss_kb;
        unsigned long long state_bytes, state_disk;
        unsigned long state_files;
        double week_seconds;    /* propose of the whole week */
        int approved;
        int exit_status;
} run_result;

/* Waits until no solve runs or waits; false after 30 minutes. */
static bool wait_idle(const daemon_run *d) {
        double deadline = now_ms() + 1800e3;

        while (now_ms() < deadline) {
                rd_message m = {};
                bool idle = false;
                if (call(d, "op: status\n", 60, &m) == 0 && reply_ok(&m))
                        idle = solver_field(&m, "queued") == 0 &&
                               rd_node_seq_len(rd_node_get(rd_node_get(m.header, "solver"), "running")) == 0;
                rd_message_done(&m);
                if (idle)
                        return true;
                usleep(250000);
        }
        return false;
}

static void approve(const daemon_run *d, const char *employer, const char *text, size_t size,
                    run_result *ret) {
        char lines[256];
        rd_message a = {};

        snprintf(lines, sizeof lines, "op: approve\nweek: %s\nemployer: %s\n", arg.week, employer);
        if (call(d, lines, 60, &a) == 0 && reply_ok(&a)) {
                ret->approved++;
                rd_buf_append(&approved_rosters, text, size);
                rd_buf_puts(&approved_rosters, "\n");
        } else
                fprintf(stderr, "# approve %s: %s\n", employer, a.header ? reply_error(&a) : "no reply");
        rd_message_done(&a);
}

/* The approved rosters a re-plan works against: every employer of the
 * week planned together, then each proposal approved; with --employers N,
 * the first N employers one after the other, each proposed and approved
 * before the next. (Proposals made one employer at a time, in parallel,
 * do not know of each other and may give one candidate work at two
 * employers at once.) The approvals make the daemon re-plan the other
 * employers of the week; those runs end before this returns. */
static void approve_week(const daemon_run *d, run_result *ret) {
        char lines[256];
        rd_message m = {};
        double t0 = now_ms();

        if (arg.employers > 0) {
                for (size_t i = 0; i < input.n_employers; i++) {
                        snprintf(lines, sizeof lines, "op: propose\nweek: %s\nemployer: %s\n", arg.week,
                                 input.employers[i]);
                        int r = call(d, lines, 3600, &m);
                        if (r == 0 && reply_ok(&m))
                                approve(d, input.employers[i], m.body, m.body ? m.body_size : 0, ret);
                        else
                                fprintf(stderr, "# propose %s: %s\n", input.employers[i],
                                        r < 0 ? strerror(-r) : reply_error(&m));
                        rd_message_done(&m);
                }
                ret->week_seconds = (now_ms() - t0) / 1e3;
        } else {
                snprintf(lines, sizeof lines, "op: propose\nweek: %s\n", arg.week);
                int r = call(d, lines, 3600, &m);
                ret->week_seconds = (now_ms() - t0) / 1e3;
                if (r < 0 || !reply_ok(&m))
                        die("propose --week %s failed: %s", arg.week,
                            r < 0 ? strerror(-r) : reply_error(&m));
                const rd_node *rosters = rd_node_get(m.header, "rosters");
                size_t offset = 0;
                for (size_t i = 0; i < rd_node_seq_len(rosters); i++) {
                        const char *employer = rd_node_get_text(rosters->items[i], "employer");
                        long size = 0;
                        /* The body holds each roster's full view, in order. */
                        if (!rd_node_long(rd_node_get(rosters->items[i], "size"), &size) || size < 0 ||
                            !m.body || offset + (size_t) size > m.body_size)
                                size = 0;
                        if (employer)
                                approve(d, employer, size ? m.body + offset : "", (size_t) size, ret);
                        offset += (size_t) size;
                }
                rd_message_done(&m);
        }
        /* The re-plans the approvals cause start after the coalescing delay
         * (500 ms). */
        usleep(1500000);
        if (!wait_idle(d))
                die("the re-plans after the approvals did not end within 30 minutes");
}

static void one_run(int run, run_result *ret) {
        daemon_run d;
        start_daemon(&d);
        fprintf(stderr, "# run %d: rosterd pid %d in %s\n", run + 1, (int) d.pid, d.dir);

        /* Every document once, as the parties of the demo would. */
        for (int rank = 0; rank < 3; rank++)
                for (size_t i = 0; i < input.n_docs; i++) {
                        const document *doc = &input.docs[i];
                        rd_message m = {};
                        if (kind_rank(doc->kind) != rank)
                                continue;
                        int r = call_raw(&d, doc->request, doc->request_size, 60, &m);
                        if (r < 0 || !reply_ok(&m))
                                die("submitting %s failed: %s", doc->name,
                                    r < 0 ? strerror(-r) : reply_error(&m));
                        rd_message_done(&m);
                }

        for (int c = 0; c < arg.n_clients && (arg.phases & PHASE_SUBMIT); c++) {
                fprintf(stderr, "# run %d: %d clients x %d submissions\n", run + 1, arg.clients[c],
                        arg.submits);
                bench_submit(&d, arg.clients[c], &ret->submit[c]);
        }
        if (arg.phases & PHASE_STATUS) {
                fprintf(stderr, "# run %d: %zu proposals at once, status in a loop\n", run + 1,
                        arg.n_status_weeks > 0 ? (size_t) arg.n_status_weeks : input.n_employers);
                bench_status(&d, run, &ret->status);
        }
        ret->replan = (replan_result) { .first_ms = NAN, .last_ms = NAN, .settled_ms = NAN,
                                        .broken_ms = NAN };
        if (arg.phases & PHASE_REPLAN) {
                fprintf(stderr, "# run %d: %s, then approved\n", run + 1,
                        arg.employers > 0 ? "the first employers proposed one by one"
                                          : "the whole week proposed together");
                rd_buf_done(&approved_rosters);
                approve_week(&d, ret);
                fprintf(stderr, "# run %d: %d approved; moving a class\n", run + 1, ret->approved);
                bench_replan(&d, &ret->replan);
        }

        ret->hwm_kb = proc_status_kb(d.pid, "VmHWM");
        ret->rss_kb = proc_status_kb(d.pid, "VmRSS");
        tree_bytes = tree_blocks = 0;
        tree_files = 0;
        nftw(d.state, tree_add, 16, FTW_PHYS);
        ret->state_bytes = tree_bytes;
        ret->state_disk = tree_blocks * 512;
        ret->state_files = tree_files;
        ret->exit_status = stop_daemon(&d);
        if (ret->exit_status != 0)
                fprintf(stderr, "# run %d: rosterd exited with %d (log kept in %s)\n", run + 1,
                        ret->exit_status, d.dir);
        if (!arg.keep && ret->exit_status == 0) {
                char cmd[128];
                snprintf(cmd, sizeof cmd, "rm -rf '%s'", d.dir);
                if (system(cmd) != 0)
                        fprintf(stderr, "# could not remove %s\n", d.dir);
        } else if (arg.keep)
                fprintf(stderr, "# kept %s\n", d.dir);
}

/* ---- Report -------------------------------------------------------------- */

static void print_ms(double v) {
        if (isnan(v))
                printf(" – |");
        else if (v < 10)
                printf(" %.2f |", v);
        else
                printf(" %.0f |", v);
}

/* One run's value in a "per run" column. */
static void print_run_ms(int run, double v) {
        fputs(run ? " / " : "", stdout);
        if (isnan(v))
                fputs("–", stdout);
        else
                printf("%.0f", v);
}

static void report(run_result *runs, int n) {
        double per[MAX_RUNS];

        printf("\n| submit: clients | submissions | errors | p50 ms | p99 ms | max ms |"
               " p99 ms per run | submissions/s (median) | target |\n");
        printf("|---|---|---|---|---|---|---|---|---|\n");
        for (int c = 0; c < arg.n_clients; c++) {
                samples all = {};
                int errors = 0;
                for (int r = 0; r < n; r++) {
                        samples_append(&all, &runs[r].submit[c].latency);
                        errors += runs[r].submit[c].errors;
                }
                printf("| %d | %zu | %d |", arg.clients[c], all.n, errors);
                print_ms(percentile(&all, 50));
                print_ms(percentile(&all, 99));
                print_ms(percentile(&all, 100));
                printf(" ");
                for (int r = 0; r < n; r++)
                        printf("%s%.1f", r ? " / " : "", percentile(&runs[r].submit[c].latency, 99));
                for (int r = 0; r < n; r++)
                        per[r] = (double) runs[r].submit[c].latency.n / runs[r].submit[c].seconds;
                printf(" | %.0f | %s |\n", median(per, n), arg.clients[c] == 256 ? "p99 ≤ 50 ms" : "");
                free(all.v);
        }
        printf("\nCPU per acknowledged submission (user + system, median of runs): ");
        for (int c = 0; c < arg.n_clients; c++) {
                double dm[MAX_RUNS], cm[MAX_RUNS];
                for (int r = 0; r < n; r++) {
                        double k = (double) runs[r].submit[c].latency.n;
                        dm[r] = k > 0 ? runs[r].submit[c].daemon_cpu_ms * 1e3 / k : NAN;
                        cm[r] = k > 0 ? runs[r].submit[c].clients_cpu_ms * 1e3 / k : NAN;
                }
                printf("%s%d clients: daemon %.0f µs, clients %.0f µs", c ? "; " : "", arg.clients[c],
                       median(dm, n), median(cm, n));
        }
        printf(".\nThe clients' first submissions (sent together) and the others, p50 / p99 ms: ");
        for (int c = 0; c < arg.n_clients; c++) {
                samples first = {}, later = {};
                for (int r = 0; r < n; r++) {
                        samples_append(&first, &runs[r].submit[c].first);
                        samples_append(&later, &runs[r].submit[c].later);
                }
                printf("%s%d clients: %.1f / %.1f, %.1f / %.1f", c ? "; " : "", arg.clients[c],
                       percentile(&first, 50), percentile(&first, 99), percentile(&later, 50),
                       percentile(&later, 99));
                free(first.v);
                free(later.v);
        }
        printf(".\n");

        samples busy = {}, idle = {}, quiet = {}, two = {};
        for (int r = 0; r < n; r++) {
                samples_append(&busy, &runs[r].status.busy);
                samples_append(&two, &runs[r].status.two);
                samples_append(&idle, &runs[r].status.idle);
                samples_append(&quiet, &runs[r].status.quiet);
        }
        printf("\n| status | answers | p50 ms | p99 ms | max ms | p99 ms per run | target |\n");
        printf("|---|---|---|---|---|---|---|\n");
        printf("| while solving | %zu |", busy.n);
        print_ms(percentile(&busy, 50));
        print_ms(percentile(&busy, 99));
        print_ms(percentile(&busy, 100));
        printf(" ");
        for (int r = 0; r < n; r++)
                printf("%s%.2f", r ? " / " : "", percentile(&runs[r].status.busy, 99));
        printf(" | |\n");
        printf("| while two or more solve | %zu |", two.n);
        print_ms(percentile(&two, 50));
        print_ms(percentile(&two, 99));
        print_ms(percentile(&two, 100));
        printf(" ");
        for (int r = 0; r < n; r++)
                printf("%s%.2f", r ? " / " : "", percentile(&runs[r].status.two, 99));
        printf(" | p99 ≤ 5 ms (two region-scale solves) |\n");
        printf("| before the solves (5 s) | %zu |", quiet.n);
        print_ms(percentile(&quiet, 50));
        print_ms(percentile(&quiet, 99));
        print_ms(percentile(&quiet, 100));
        printf(" ");
        for (int r = 0; r < n; r++)
                printf("%s%.2f", r ? " / " : "", percentile(&runs[r].status.quiet, 99));
        printf(" | |\n");
        printf("| idle (queue drained) | %zu |", idle.n);
        print_ms(percentile(&idle, 50));
        print_ms(percentile(&idle, 99));
        print_ms(percentile(&idle, 100));
        printf(" | |\n");
        free(busy.v);
        free(idle.v);
        free(quiet.v);
        free(two.v);
        printf("\nThe daemon's event loop (/proc/PID/schedstat) per status answer, before the"
               " solves / while solving: ");
        for (int r = 0; r < n; r++) {
                const status_result *st = &runs[r].status;
                double qn = st->quiet.n ? (double) st->quiet.n : 1, bn = st->busy.n + st->idle.n ? (double) (st->busy.n + st->idle.n) : 1;
                printf("%srun %d: on a CPU %.0f / %.0f µs, waiting for one %.0f / %.0f µs", r ? "; " : "",
                       r + 1, st->quiet_daemon.run_ms * 1e3 / qn, st->busy_daemon.run_ms * 1e3 / bn,
                       st->quiet_daemon.wait_ms * 1e3 / qn, st->busy_daemon.wait_ms * 1e3 / bn);
        }
        printf(".\n");

        printf("\nProposals: ");
        for (int r = 0; r < n; r++)
                printf("%srun %d: %d ok, %d failed, %.1f s, at most %ld solves at once", r ? "; " : "",
                       r + 1, runs[r].status.proposed, runs[r].status.failed,
                       runs[r].status.solve_seconds, runs[r].status.max_running);
        printf(".\n%s (then approved): ",
               arg.employers > 0 ? "The first employers planned one by one" : "The whole week planned together");
        for (int r = 0; r < n; r++)
                printf("%s%.1f s, %d approved", r ? "; " : "", runs[r].week_seconds, runs[r].approved);
        printf(".\n");

        printf("\n| re-plan after one class moved | median | per run | target |\n");
        printf("|---|---|---|---|\n");
        printf("| ack → first re-plan received, ms |");
        for (int r = 0; r < n; r++)
                per[r] = runs[r].replan.first_ms;
        print_ms(median(per, n));
        printf(" ");
        for (int r = 0; r < n; r++)
                if (runs[r].replan.events > 0)
                        printf("%s%.0f (%s, %d changes)", r ? " / " : "", runs[r].replan.first_ms,
                               runs[r].replan.employer, runs[r].replan.changes);
                else
                        printf("%snone published", r ? " / " : "");
        printf(" | ≤ 2 s (eindhoven scale) |\n| ack → re-plan of the roster the move broke, ms |");
        for (int r = 0; r < n; r++)
                per[r] = runs[r].replan.broken_ms;
        print_ms(median(per, n));
        printf(" ");
        for (int r = 0; r < n; r++)
                printf("%s%.0f (%s)", r ? " / " : "", per[r],
                       runs[r].replan.broken[0] ? runs[r].replan.broken : "demo move");
        printf(" | ≤ 2 s (eindhoven scale) |\n| ack → last re-plan received, ms |");
        for (int r = 0; r < n; r++)
                per[r] = runs[r].replan.last_ms;
        print_ms(median(per, n));
        printf(" ");
        for (int r = 0; r < n; r++)
                print_run_ms(r, per[r]);
        printf(" | |\n| ack → every re-plan solved, ms |");
        for (int r = 0; r < n; r++)
                per[r] = runs[r].replan.settled_ms;
        print_ms(median(per, n));
        printf(" ");
        for (int r = 0; r < n; r++)
                print_run_ms(r, per[r]);
        printf(" | |\n| re-plan solves / events published | | ");
        for (int r = 0; r < n; r++)
                printf("%s%ld / %d", r ? ", " : "", runs[r].replan.solves, runs[r].replan.events);
        printf(" | |\n");

        printf("\n| at the end of a run | median | per run | target |\n");
        printf("|---|---|---|---|\n");
        printf("| daemon peak RSS (VmHWM), MB |");
        for (int r = 0; r < n; r++)
                per[r] = (double) runs[r].hwm_kb / 1024;
        printf(" %.1f | ", median(per, n));
        for (int r = 0; r < n; r++)
                printf("%s%.1f", r ? " / " : "", per[r]);
        printf(" | ≤ 100 MB (region scale, workers excluded) |\n| daemon RSS at the end, MB |");
        for (int r = 0; r < n; r++)
                per[r] = (double) runs[r].rss_kb / 1024;
        printf(" %.1f | ", median(per, n));
        for (int r = 0; r < n; r++)
                printf("%s%.1f", r ? " / " : "", per[r]);
        printf(" | |\n| state directory: files / MB of content / MB on disk | ");
        printf("%lu / %.1f / %.1f | | |\n", runs[0].state_files, (double) runs[0].state_bytes / 1048576,
               (double) runs[0].state_disk / 1048576);
}

/* ---- main ---------------------------------------------------------------- */

static void parse_clients(const char *text) {
        char *copy = strdup(text), *save = NULL;

        arg.n_clients = 0;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                int n = atoi(t);
                if (n < 1 || n > 4096 || arg.n_clients == MAX_CLIENT_SETS)
                        die("--clients: expected up to %d numbers from 1 to 4096, got \"%s\"",
                            MAX_CLIENT_SETS, text);
                arg.clients[arg.n_clients++] = n;
        }
        free(copy);
        if (arg.n_clients == 0)
                die("--clients: expected a list such as 1,8,64");
}

static void parse_status_weeks(const char *text) {
        char *copy = strdup(text), *save = NULL;

        arg.n_status_weeks = 0;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                if (arg.n_status_weeks == MAX_CLIENT_SETS)
                        die("--status-weeks: at most %d weeks", MAX_CLIENT_SETS);
                arg.status_weeks[arg.n_status_weeks++] = strdup(t);
        }
        free(copy);
}

static void parse_phases(const char *text) {
        char *copy = strdup(text), *save = NULL;

        arg.phases = 0;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                if (strcmp(t, "submit") == 0)
                        arg.phases |= PHASE_SUBMIT;
                else if (strcmp(t, "status") == 0)
                        arg.phases |= PHASE_STATUS;
                else if (strcmp(t, "replan") == 0)
                        arg.phases |= PHASE_REPLAN;
                else
                        die("--phases: expected submit, status and/or replan, got \"%s\"", t);
        }
        free(copy);
        if (arg.phases == 0)
                die("--phases: expected a list such as status,replan");
}

static void usage(FILE *out) {
        fputs("usage: rosterd-daemon-bench [options]\n"
              "  --rosterd PATH      rosterd to start (default: ../daemon/rosterd next to this program)\n"
              "  --data DIR          documents to load (default: " ROSTERD_EXAMPLES_DIR ")\n"
              "  --config FILE       configuration (default: the kind: config file in DIR)\n"
              "  --week W            the week proposed and re-planned (default 2026-W49)\n"
              "  --runs N            fresh daemons, one after the other (default 3)\n"
              "  --submits N         submissions per client (default 10)\n"
              "  --clients LIST      concurrent submitters (default 1,8,64,256)\n"
              "  --employers N       propose and approve only the first N employers (default: all)\n"
              "  --move-from TEXT    the session line to move in a timetable\n"
              "  --move-to TEXT      what it becomes (default: the demo's class, or a class\n"
              "                      moved onto the work of an approved roster)\n"
              "  --time-limit S      solver.time_limit for the daemon (default: the config's)\n"
              "  --phases LIST       which of submit,status,replan to measure (default: all)\n"
              "  --trace FILE        every status answer of the status phase, as TSV\n"
              "  --status-interval MS  time between two status requests (default 5; 0: none)\n"
              "  --status-weeks LIST status phase: propose these whole weeks at once (such as\n"
              "                      2026-W49,2026-W50) instead of one proposal per employer\n"
              "  --keep              keep the temporary folders\n",
              out);
}

int main(int argc, char **argv) {
        static const struct option options[] = {
                { "rosterd", required_argument, NULL, 'r' },
                { "data", required_argument, NULL, 'd' },
                { "config", required_argument, NULL, 'c' },
                { "week", required_argument, NULL, 'w' },
                { "runs", required_argument, NULL, 'n' },
                { "submits", required_argument, NULL, 's' },
                { "clients", required_argument, NULL, 'C' },
                { "employers", required_argument, NULL, 'e' },
                { "move-from", required_argument, NULL, 'f' },
                { "move-to", required_argument, NULL, 't' },
                { "time-limit", required_argument, NULL, 'T' },
                { "phases", required_argument, NULL, 'P' },
                { "trace", required_argument, NULL, 'R' },
                { "status-weeks", required_argument, NULL, 'W' },
                { "status-interval", required_argument, NULL, 'I' },
                { "keep", no_argument, NULL, 'k' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        static char self_rosterd[PATH_MAX];
        int c;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1)
                switch (c) {
                case 'r': arg.rosterd = optarg; break;
                case 'd': arg.data = optarg; break;
                case 'c': arg.config = optarg; break;
                case 'w': arg.week = optarg; break;
                case 'n': arg.runs = atoi(optarg); break;
                case 's': arg.submits = atoi(optarg); break;
                case 'C': parse_clients(optarg); break;
                case 'e': arg.employers = atoi(optarg); break;
                case 'f': arg.move_from = optarg; arg.move_given = true; break;
                case 't': arg.move_to = optarg; arg.move_given = true; break;
                case 'T': arg.time_limit = strtod(optarg, NULL); break;
                case 'P': parse_phases(optarg); break;
                case 'R': arg.trace = optarg; break;
                case 'W': parse_status_weeks(optarg); break;
                case 'I': arg.status_interval = strtod(optarg, NULL); break;
                case 'k': arg.keep = true; break;
                case 'h': usage(stdout); return 0;
                default: usage(stderr); return 2;
                }
        if (optind < argc || arg.runs < 1 || arg.runs > MAX_RUNS || arg.submits < 1) {
                usage(stderr);
                return 2;
        }
        if (!arg.rosterd) {
                ssize_t n = readlink("/proc/self/exe", self_rosterd, sizeof self_rosterd - 32);
                if (n <= 0)
                        die("cannot find rosterd; name it with --rosterd");
                self_rosterd[n] = '\0';
                char *slash = strrchr(self_rosterd, '/');
                strcpy(slash ? slash + 1 : self_rosterd, "../daemon/rosterd");
                arg.rosterd = self_rosterd;
        }
        if (access(arg.rosterd, X_OK) < 0)
                die("%s: %s", arg.rosterd, strerror(errno));
        if (!arg.data)
                arg.data = ROSTERD_EXAMPLES_DIR;
        signal(SIGPIPE, SIG_IGN);
        load_input();

        char host[256] = "?";
        double load[3] = {};
        gethostname(host, sizeof host);
        getloadavg(load, 3);
        printf("# rosterd daemon benchmark: %s, %ld cores, load average %.2f %.2f %.2f at the start\n",
               host, sysconf(_SC_NPROCESSORS_ONLN), load[0], load[1], load[2]);
        printf("# rosterd %s; data %s (%zu documents, %zu shift-needs); week %s; %d runs;"
               " %d submissions per client; %zu employers proposed\n",
               arg.rosterd, arg.data, input.n_docs, input.n_shift_needs, arg.week, arg.runs,
               arg.submits, input.n_employers);
        fflush(stdout);

        run_result *runs = calloc((size_t) arg.runs, sizeof(*runs));
        if (!runs)
                die("out of memory");
        for (int r = 0; r < arg.runs; r++)
                one_run(r, &runs[r]);
        getloadavg(load, 3);
        report(runs, arg.runs);
        printf("\n# load average %.2f %.2f %.2f at the end\n", load[0], load[1], load[2]);

        int failed = 0;
        for (int r = 0; r < arg.runs; r++)
                failed |= runs[r].exit_status != 0;
        return failed ? 1 : 0;
}
