/* daemon/daemon-worker.c -- one solve, in a process of its own
 * (rosterd --solve-worker).
 *
 * Reads one message from stdin: a header naming the week, the employer
 * (or none: every employer), the revision the proposals get, the solver
 * limits and the documents that follow, each with its name, revision and
 * size. Builds the problem exactly as `rosterd --solve` does, solves it
 * and writes one message to stdout: the roster of every employer in the
 * full and the employer's view, or an error. The daemon enforces the time
 * limit from outside as well, so a solve that never returns costs a
 * worker, not the daemon. */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "daemon-server.h"
#include "roster/emit.h"
#include "roster/solver.h"

/* The niceness solve workers run at (0 is the daemon's). */
#define RD_WORKER_NICE 10

typedef struct source {
        const rc_document *doc;         /* shift-needs or timetable in the corpus */
        long revision;
} source;

typedef struct worker {
        rc_corpus corpus;
        source *sources;
        size_t n_sources;
        long candidates_revision;       /* the newest candidates document, -1: none */
        char **roster_employers;        /* approved rosters of the planned week */
        long *roster_revisions;
        size_t n_rosters;
} worker;

static void worker_done(worker *w) {
        rc_corpus_done(&w->corpus);
        free(w->sources);
        for (size_t i = 0; i < w->n_rosters; i++)
                free(w->roster_employers[i]);
        free(w->roster_employers);
        free(w->roster_revisions);
}

static int reply_error(const char *code, const char *message) {
        rd_buf out = {};
        rd_yw w;
        int r;

        rd_msg_begin(&w, &out);
        rd_yw_key_bool(&w, "ok", false);
        rd_yw_str(&w, "error");
        rd_yw_map_start(&w, false);
        rd_yw_key_str(&w, "code", code);
        rd_yw_key_str(&w, "message", message);
        rd_yw_map_end(&w);
        r = rd_msg_end(&w, &out);
        if (r == 0)
                r = rd_write_all(STDOUT_FILENO, rd_buf_data(&out), rd_buf_len(&out));
        rd_buf_done(&out);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int read_all(int fd, rd_buf *in) {
        for (;;) {
                int r = rd_buf_reserve(in, 65536);
                if (r < 0)
                        return r;
                ssize_t n = read(fd, rd_buf_tail(in), 65536);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return 0;
                rd_buf_commit(in, (size_t) n);
        }
}

/* Adds one document of the input; returns 0, or -EINVAL after writing why
 * into @why. */
static int add_document(worker *w, const char *name, long revision, const char *text,
                        size_t size, rc_week week, char *why, size_t why_size) {
        rc_diags diags = {};
        rc_document *doc = NULL;
        char file[256];
        int r;

        snprintf(file, sizeof file, "%s@%ld", name, revision);
        r = rc_document_parse(file, text, size, &doc, &diags);
        if (r < 0) {
                char *line = diags.n ? rc_diag_format(&diags.items[0]) : NULL;
                snprintf(why, why_size, "%s", line ? line : strerror(-r));
                free(line);
                rc_diags_done(&diags);
                return r;
        }
        rc_diags_done(&diags);

        rc_kind kind = doc->kind;
        if (kind == RC_KIND_CANDIDATES && revision > w->candidates_revision)
                w->candidates_revision = revision;
        if (kind == RC_KIND_ROSTER && doc->roster.week.year == week.year &&
            doc->roster.week.week == week.week) {
                char **e = realloc(w->roster_employers, (w->n_rosters + 1) * sizeof(*e));
                if (e)
                        w->roster_employers = e;
                long *v = realloc(w->roster_revisions, (w->n_rosters + 1) * sizeof(*v));
                if (v)
                        w->roster_revisions = v;
                char *copy = strdup(doc->roster.employer);
                if (!e || !v || !copy) {
                        free(copy);
                        rc_document_free(doc);
                        return -ENOMEM;
                }
                w->roster_employers[w->n_rosters] = copy;
                w->roster_revisions[w->n_rosters++] = doc->roster.revision;
        }
        if (kind == RC_KIND_SHIFT_NEEDS || kind == RC_KIND_TIMETABLE) {
                source *more = realloc(w->sources, (w->n_sources + 1) * sizeof(*more));
                if (!more) {
                        rc_document_free(doc);
                        return -ENOMEM;
                }
                w->sources = more;
                w->sources[w->n_sources++] = (source) { doc, revision };
        }
        r = rc_corpus_add(&w->corpus, doc);
        if (r < 0) {
                if (kind == RC_KIND_SHIFT_NEEDS || kind == RC_KIND_TIMETABLE)
                        w->n_sources--;
                rc_document_free(doc);
                return r;
        }
        return 0;
}

static long source_revision(const worker *w, const rc_document *doc) {
        for (size_t i = w->n_sources; i > 0; i--)
                if (w->sources[i - 1].doc == doc)
                        return w->sources[i - 1].revision;
        return -1;
}

/* based_on of one employer's roster: every document its problem read. */
static size_t based_on(const worker *w, const char *employer, rc_week week, rc_based_on *v,
                       char (*names)[160], size_t max) {
        size_t n = 0;
        const rc_document *needs = rc_corpus_shift_needs(&w->corpus, employer, week);

        if (needs && n < max) {
                snprintf(names[n], 160, "shift-needs/%s", employer);
                v[n] = (rc_based_on) { names[n], source_revision(w, needs) };
                n++;
        }
        for (size_t i = 0; i < w->corpus.n_timetables && n < max; i++) {
                const rc_document *t = w->corpus.timetables[i];
                if (t->timetable.has_weeks && !rc_week_set_contains(&t->timetable.weeks, week))
                        continue;
                snprintf(names[n], 160, "timetable/%s", t->timetable.school);
                v[n] = (rc_based_on) { names[n], source_revision(w, t) };
                n++;
        }
        if (w->candidates_revision >= 0 && n < max) {
                snprintf(names[n], 160, "candidates");
                v[n] = (rc_based_on) { names[n], w->candidates_revision };
                n++;
        }
        for (size_t i = 0; i < w->n_rosters && n < max; i++)
                if (strcmp(w->roster_employers[i], employer) == 0) {
                        snprintf(names[n], 160, "approved");
                        v[n] = (rc_based_on) { names[n], w->roster_revisions[i] };
                        n++;
                }
        return n;
}

static int solve(worker *w, const rd_node *header, const char *body, size_t body_size) {
        const char *week_text = rd_node_get_text(header, "week");
        const char *employer = rd_node_get_text(header, "employer");
        const rd_node *docs = rd_node_get(header, "documents");
        rc_diags diags = {};
        rs_problem *problem = NULL;
        rs_solution *solution = NULL;
        char *message = NULL, why[1024];
        rd_buf out = {}, texts = {};
        long revision = -1;
        double time_limit = 0, gap = 0;
        size_t offset = 0;
        rc_week week;
        int r, status = EXIT_FAILURE;

        if (!week_text || rc_week_parse(week_text, &week) < 0 ||
            !rd_node_long(rd_node_get(header, "revision"), &revision))
                return reply_error("internal", "the solve request names no week or revision");
        const rd_node *tl = rd_node_get(header, "time_limit"), *g = rd_node_get(header, "gap");
        if (rd_node_text(tl))
                time_limit = strtod(rd_node_text(tl), NULL);
        if (rd_node_text(g))
                gap = strtod(rd_node_text(g), NULL);

        for (size_t i = 0; i < rd_node_seq_len(docs); i++) {
                const char *name = rd_node_get_text(docs->items[i], "name");
                long rev = 0, size = -1;
                if (!name || !rd_node_long(rd_node_get(docs->items[i], "size"), &size) ||
                    size < 0 || offset + (size_t) size > body_size)
                        return reply_error("internal", "the solve request is malformed");
                rd_node_long(rd_node_get(docs->items[i], "revision"), &rev);
                r = add_document(w, name, rev, body + offset, (size_t) size, week, why,
                                 sizeof why);
                if (r == -ENOMEM)
                        return reply_error("internal", "out of memory");
                if (r < 0)
                        return reply_error("internal", why);
                offset += (size_t) size;
        }

        r = rc_build_problem(&w->corpus, week, employer, &problem, &diags);
        if (r < 0) {
                char *line = diags.n ? rc_diag_format(&diags.items[0]) : NULL;
                snprintf(why, sizeof why, "cannot plan %s: %s%s", week_text,
                         line ? line : strerror(-r),
                         diags.n > 1 ? " (and more problems)" : "");
                free(line);
                rc_diags_done(&diags);
                return reply_error(r == -EINVAL ? "invalid" : "internal", why);
        }
        rc_diags_done(&diags);

        rs_solve_opts opts = { .time_limit = time_limit, .mip_gap = gap };
        r = rs_solve(problem, &opts, &solution, &message);
        if (r < 0) {
                snprintf(why, sizeof why, "solving %s failed: %s", week_text,
                         message ? message : strerror(-r));
                free(message);
                rs_problem_free(problem);
                return reply_error("internal", why);
        }

        rd_yw yw;
        rd_msg_begin(&yw, &out);
        rd_yw_key_bool(&yw, "ok", true);
        /* The daemon logs it: only then may the same input give another
         * roster (docs/solver.md, "Time limit: work, not seconds"). */
        if (solution->clock_stopped)
                rd_yw_key_bool(&yw, "clock_stopped", true);
        rd_yw_str(&yw, "rosters");
        rd_yw_seq_start(&yw, false);
        r = 0;
        for (size_t e = 0; e < problem->n_employers && r == 0; e++) {
                rc_based_on v[64];
                char names[64][160];
                size_t n = based_on(w, problem->employers[e].id, week, v, names, 64);
                rc_roster_meta meta = { .revision = revision, .state = "proposal",
                                        .based_on = v, .n_based_on = n };
                char *full = NULL, *view = NULL;
                size_t full_size = 0, view_size = 0;

                /* The employer's view names only the employer's own
                 * document: which schools and how many candidates
                 * documents there are is not the employer's business. */
                rc_roster_meta own = meta;
                own.n_based_on = n > 0 && strncmp(v[0].name, "shift-needs/", 12) == 0 ? 1 : 0;

                r = rc_roster_emit(problem, solution, e, &meta, RC_VIEW_FULL, &full, &full_size);
                if (r == 0)
                        r = rc_roster_emit(problem, solution, e, &own, RC_VIEW_EMPLOYER, &view,
                                           &view_size);
                if (r == 0) {
                        rd_yw_map_start(&yw, true);
                        rd_yw_key_str(&yw, "employer", problem->employers[e].id);
                        rd_yw_key_long(&yw, "full", (long) full_size);
                        rd_yw_key_long(&yw, "view", (long) view_size);
                        rd_yw_map_end(&yw);
                        if (rd_buf_append(&texts, full, full_size) < 0 ||
                            rd_buf_append(&texts, view, view_size) < 0)
                                r = -ENOMEM;
                }
                free(full);
                free(view);
        }
        rd_yw_seq_end(&yw);
        rd_yw_key_long(&yw, "size", (long) rd_buf_len(&texts));
        if (r == 0)
                r = rd_msg_end(&yw, &out);
        else
                (void) rd_msg_end(&yw, &out);
        if (r < 0) {
                snprintf(why, sizeof why, "cannot write the rosters of %s: %s", week_text,
                         strerror(-r));
                status = reply_error("internal", why);
        } else if (rd_write_all(STDOUT_FILENO, rd_buf_data(&out), rd_buf_len(&out)) == 0 &&
                   rd_write_all(STDOUT_FILENO, rd_buf_data(&texts), rd_buf_len(&texts)) == 0) {
                status = EXIT_SUCCESS;
        }
        rd_buf_done(&out);
        rd_buf_done(&texts);
        rs_solution_free(solution);
        rs_problem_free(problem);
        return status;
}

#if defined(__SANITIZE_ADDRESS__)
#define RD_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RD_SANITIZED 1
#endif
#endif

/* A worker needs CPU and memory, its input on stdin and its pipe to the
 * daemon on stdout; once the input is read it gives up the rest, in the
 * sandbox the unit already sets (no network, read-only system):
 * - no file may grow (RLIMIT_FSIZE 0; SIGXFSZ ignored, so a write fails
 *   with EFBIG), no core files, no new processes;
 * - no path may be opened, created, removed or renamed at all (Landlock,
 *   every filesystem right it knows handled and none granted), where the
 *   kernel has Landlock; the descriptors already open stay usable.
 * Returns how many of the two steps took effect (for the log). */
static int confine(void) {
        static const struct rlimit zero = { 0, 0 };
        struct landlock_ruleset_attr attr = {
                .handled_access_fs = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                                     LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
                                     LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                                     LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
                                     LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
                                     LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
                                     LANDLOCK_ACCESS_FS_MAKE_SYM,
        };
        int steps = 0, abi, fd;

        signal(SIGXFSZ, SIG_IGN);
        if (setrlimit(RLIMIT_FSIZE, &zero) == 0 && setrlimit(RLIMIT_CORE, &zero) == 0 &&
            setrlimit(RLIMIT_NPROC, &zero) == 0)
                steps++;
        abi = (int) syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
        if (abi < 1)
                return steps;
#ifdef LANDLOCK_ACCESS_FS_REFER
        if (abi >= 2)
                attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
#endif
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
        if (abi >= 3)
                attr.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
#endif
        fd = (int) syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
        if (fd < 0)
                return steps;
#ifdef RD_SANITIZED
        /* The test build's leak check reads /proc/self/maps at exit. */
        struct landlock_path_beneath_attr proc = {
                .allowed_access = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR,
                .parent_fd = open("/proc", O_PATH | O_CLOEXEC),
        };
        if (proc.parent_fd >= 0) {
                (void) syscall(SYS_landlock_add_rule, fd, LANDLOCK_RULE_PATH_BENEATH, &proc, 0);
                close(proc.parent_fd);
        }
#endif
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && syscall(SYS_landlock_restrict_self, fd, 0) == 0)
                steps++;
        close(fd);
        return steps;
}

/* ROSTERD_TEST_WORKER=escape:PATH: after confining itself, the worker
 * tries to create and write PATH, and to read /etc/passwd, then solves
 * as usual; the test checks that neither worked. */
static void try_escape(const char *path) {
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

        if (fd >= 0) {
                (void) !write(fd, "escaped\n", 8);
                close(fd);
        }
        fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
                char byte;

                /* Leave a trace the test can see: a second file. */
                if (read(fd, &byte, 1) == 1) {
                        char other[4096];
                        int o;

                        snprintf(other, sizeof(other), "%s.read", path);
                        o = open(other, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
                        if (o >= 0)
                                close(o);
                }
                close(fd);
        }
}

int rd_worker_main(void) {
        const char *hook = getenv("ROSTERD_TEST_WORKER");
        rd_buf in = {};
        rd_node *header = NULL;
        worker w = { .candidates_revision = -1 };
        size_t scanned = 0, text_len = 0, end;
        int status;

        signal(SIGPIPE, SIG_IGN);
        /* A solve yields the CPU to the daemon's event loop, so status and
         * reads are answered at once while workers compute. Lowering one's
         * own priority needs no privilege; if it fails the solve still runs. */
        (void) setpriority(PRIO_PROCESS, 0, RD_WORKER_NICE);
        if (read_all(STDIN_FILENO, &in) < 0) {
                rd_buf_done(&in);
                return reply_error("internal", "cannot read the solve request");
        }
        (void) confine();
        if (hook && strncmp(hook, "escape:", 7) == 0)
                try_escape(hook + 7);
        /* Test hooks: a worker that dies, or one that never returns. */
        if (hook && strcmp(hook, "crash") == 0)
                abort();
        if (hook && strcmp(hook, "hang") == 0)
                for (;;)
                        pause();

        end = rd_frame_find_end(rd_buf_data(&in), rd_buf_len(&in), &scanned, &text_len);
        if (end == 0 || rd_yaml_parse(rd_buf_data(&in), text_len, &header, NULL, NULL, NULL) < 0) {
                rd_buf_done(&in);
                return reply_error("internal", "the solve request is not a message");
        }
        rc_corpus_init(&w.corpus);
        status = solve(&w, header, rd_buf_data(&in) + end, rd_buf_len(&in) - end);
        worker_done(&w);
        rd_node_free(header);
        rd_buf_done(&in);
        return status;
}
