/* daemon/rosterd.c -- the rosterd command.
 *
 *   rosterd --check FILE...
 *   rosterd --solve --week W [--employer E] [options] FILE...
 *
 *   rosterd [--daemon] [--socket PATH] [--config FILE] [--state-dir DIR]
 *
 * The one-shot commands of SPEC §6 read documents, validate, solve and
 * print rosters, with no daemon, socket or state. They run the same
 * engine the daemon runs; the service itself lives in daemon.c. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "roster/config.h"
#include "roster/emit.h"
#include "roster/solver.h"
#include "daemon.h"
#include "table.h"

#define EXIT_USAGE 2

typedef enum output_format {
        FORMAT_YAML,
        FORMAT_TABLE,
} output_format;

typedef struct arguments {
        bool check;
        bool solve;
        const char *week;
        const char *employer;
        const char **approved;
        size_t n_approved;
        double time_limit;              /* < 0: from the configuration */
        double gap;                     /* < 0: from the configuration */
        const char *write_lp;
        output_format format;
        rc_view view;
        bool stats;
        bool timing;
        char **files;
        size_t n_files;
} arguments;

static void usage(FILE *out) {
        fputs("Usage:\n"
              "  rosterd --check FILE...\n"
              "  rosterd --solve --week WEEK [--employer ID] [OPTIONS] FILE...\n"
              "  rosterd [--daemon] [--socket PATH] [--config FILE] [--state-dir DIR]\n"
              "\n"
              "Without --check or --solve, rosterd runs as the service (see rosterd --daemon --help).\n"
              "Validates rosterd documents, or solves one ISO week and prints its rosters.\n"
              "FILEs are YAML documents of any kind (shift-needs, timetable, candidates,\n"
              "config, roster); later documents replace earlier ones as the daemon would.\n"
              "\n"
              "Options:\n"
              "  --check               validate the FILEs; exit 0 when all are valid, else 1\n"
              "  --solve               solve WEEK and print one roster document per employer\n"
              "  --week WEEK           ISO week to plan, e.g. 2026-W49\n"
              "  --employer ID         plan only this employer (others' approved rosters\n"
              "                        given as FILEs count as existing work)\n"
              "  --approved FILE       an approved roster (kind: roster, state: approved);\n"
              "                        re-plans with the stability goal; repeatable\n"
              "  --time-limit SECONDS  solver time limit (default: the config's solver.time_limit)\n"
              "  --gap RATIO           accepted relative gap per goal (default: the config's solver.gap)\n"
              "  --write-lp FILE       write the coverage model in CPLEX LP format\n"
              "  --format yaml|table   output format (default: table on a terminal, else yaml)\n"
              "  --view full|employer  what the rosters show (default: full)\n"
              "  --timing              include solver.seconds in the rosters (not reproducible)\n"
              "  --stats               print one line of timings and sizes on stderr\n"
              "  -h, --help            show this help\n"
              "  --version             show the version\n"
              "\n"
              "Exit status: 0 success, 1 invalid documents or a failed solve, 2 usage.\n",
              out);
}

static int parse_arguments(int argc, char **argv, arguments *args) {
        enum {
                OPT_CHECK = 0x100, OPT_SOLVE, OPT_WEEK, OPT_EMPLOYER, OPT_APPROVED,
                OPT_TIME_LIMIT, OPT_GAP, OPT_WRITE_LP, OPT_FORMAT, OPT_VIEW, OPT_STATS,
                OPT_TIMING, OPT_VERSION,
        };
        static const struct option options[] = {
                { "check", no_argument, NULL, OPT_CHECK },
                { "solve", no_argument, NULL, OPT_SOLVE },
                { "week", required_argument, NULL, OPT_WEEK },
                { "employer", required_argument, NULL, OPT_EMPLOYER },
                { "approved", required_argument, NULL, OPT_APPROVED },
                { "time-limit", required_argument, NULL, OPT_TIME_LIMIT },
                { "gap", required_argument, NULL, OPT_GAP },
                { "write-lp", required_argument, NULL, OPT_WRITE_LP },
                { "format", required_argument, NULL, OPT_FORMAT },
                { "view", required_argument, NULL, OPT_VIEW },
                { "stats", no_argument, NULL, OPT_STATS },
                { "timing", no_argument, NULL, OPT_TIMING },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, OPT_VERSION },
                {}
        };
        int c;

        *args = (arguments) {
                .time_limit = -1,
                .gap = -1,
                .format = isatty(STDOUT_FILENO) ? FORMAT_TABLE : FORMAT_YAML,
                .view = RC_VIEW_FULL,
        };

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                char *end;

                switch (c) {
                case OPT_CHECK:
                        args->check = true;
                        break;
                case OPT_SOLVE:
                        args->solve = true;
                        break;
                case OPT_WEEK:
                        args->week = optarg;
                        break;
                case OPT_EMPLOYER:
                        args->employer = optarg;
                        break;
                case OPT_APPROVED: {
                        const char **more = realloc(args->approved,
                                                    (args->n_approved + 1) * sizeof *more);
                        if (!more) {
                                fputs("rosterd: out of memory\n", stderr);
                                return -ENOMEM;
                        }
                        more[args->n_approved++] = optarg;
                        args->approved = more;
                        break;
                }
                case OPT_TIME_LIMIT:
                        errno = 0;
                        args->time_limit = strtod(optarg, &end);
                        if (errno || end == optarg || *end || args->time_limit < 0) {
                                fprintf(stderr, "rosterd: --time-limit: expected seconds >= 0, got '%s'\n",
                                        optarg);
                                return -EINVAL;
                        }
                        break;
                case OPT_GAP:
                        errno = 0;
                        args->gap = strtod(optarg, &end);
                        if (errno || end == optarg || *end || args->gap < 0 || args->gap >= 1) {
                                fprintf(stderr, "rosterd: --gap: expected a ratio in [0, 1), got '%s'\n",
                                        optarg);
                                return -EINVAL;
                        }
                        break;
                case OPT_WRITE_LP:
                        args->write_lp = optarg;
                        break;
                case OPT_FORMAT:
                        if (strcmp(optarg, "yaml") == 0)
                                args->format = FORMAT_YAML;
                        else if (strcmp(optarg, "table") == 0)
                                args->format = FORMAT_TABLE;
                        else {
                                fprintf(stderr, "rosterd: --format: expected yaml or table, got '%s'\n",
                                        optarg);
                                return -EINVAL;
                        }
                        break;
                case OPT_VIEW:
                        if (strcmp(optarg, "full") == 0)
                                args->view = RC_VIEW_FULL;
                        else if (strcmp(optarg, "employer") == 0)
                                args->view = RC_VIEW_EMPLOYER;
                        else {
                                fprintf(stderr, "rosterd: --view: expected full or employer, got '%s'\n",
                                        optarg);
                                return -EINVAL;
                        }
                        break;
                case OPT_STATS:
                        args->stats = true;
                        break;
                case OPT_TIMING:
                        args->timing = true;
                        break;
                case 'h':
                        usage(stdout);
                        exit(EXIT_SUCCESS);
                case OPT_VERSION:
                        puts("rosterd " ROSTERD_VERSION);
                        exit(EXIT_SUCCESS);
                default:
                        return -EINVAL;
                }
        }

        args->files = argv + optind;
        args->n_files = (size_t) (argc - optind);

        if (args->check == args->solve) {
                fputs("rosterd: give exactly one of --check and --solve\n", stderr);
                return -EINVAL;
        }
        if (args->check && (args->week || args->employer || args->n_approved || args->write_lp)) {
                fputs("rosterd: --check takes only FILEs\n", stderr);
                return -EINVAL;
        }
        if (args->solve && !args->week) {
                fputs("rosterd: --solve needs --week WEEK (e.g. 2026-W49)\n", stderr);
                return -EINVAL;
        }
        if (args->n_files == 0 && args->n_approved == 0) {
                fputs("rosterd: no documents given\n", stderr);
                return -EINVAL;
        }
        return 0;
}

static double now_seconds(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void print_diags(const rc_diags *diags) {
        for (size_t i = 0; i < diags->n; i++) {
                char *line = rc_diag_format(&diags->items[i]);
                fprintf(stderr, "%s\n", line ? line : "(out of memory formatting an error)");
                free(line);
        }
}

/* Loads one file into the corpus. Returns 0, or < 0 after printing why. */
static int load_into(rc_corpus *corpus, const char *path, bool must_be_approved_roster) {
        rc_diags diags = {};
        rc_document *doc = NULL;
        int r;

        r = rc_document_load(path, &doc, &diags);
        if (r < 0) {
                print_diags(&diags);
                if (diags.n == 0)
                        fprintf(stderr, "%s: %s\n", path, strerror(-r));
                rc_diags_done(&diags);
                return r;
        }
        rc_diags_done(&diags);

        if (must_be_approved_roster &&
            (rc_document_kind(doc) != RC_KIND_ROSTER || !rc_document_is_approved(doc))) {
                fprintf(stderr, "%s: --approved expects a roster document with state: approved\n",
                        path);
                rc_document_free(doc);
                return -EINVAL;
        }

        r = rc_corpus_add(corpus, doc);
        if (r < 0) {
                fprintf(stderr, "%s: %s\n", path, strerror(-r));
                rc_document_free(doc);
                return r;
        }
        return 0;
}

static int run_check(const arguments *args) {
        size_t bad = 0;

        for (size_t i = 0; i < args->n_files; i++) {
                rc_diags diags = {};
                rc_document *doc = NULL;
                int r = rc_document_load(args->files[i], &doc, &diags);

                if (r < 0) {
                        print_diags(&diags);
                        if (diags.n == 0)
                                fprintf(stderr, "%s: %s\n", args->files[i], strerror(-r));
                        bad++;
                } else {
                        printf("%s: ok (%s)\n", args->files[i],
                               rc_kind_to_string(rc_document_kind(doc)));
                }
                rc_diags_done(&diags);
                rc_document_free(doc);
        }
        if (bad > 0)
                fprintf(stderr, "%zu of %zu documents invalid\n", bad, args->n_files);
        return bad > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Progress goes to stderr only when a person watches it. */
static void progress_line(void *userdata, const char *what) {
        (void) userdata;
        fprintf(stderr, "\r\033[Ksolving: %s", what);
        fflush(stderr);
}

static int run_solve(const arguments *args) {
        rc_corpus corpus;
        rc_diags diags = {};
        rs_problem *problem = NULL;
        rs_solution *solution = NULL;
        char *message = NULL;
        rc_week week;
        int r, status = EXIT_FAILURE;
        double t0, t_parsed, t_built, t_solved;

        if (rc_week_parse(args->week, &week) < 0) {
                fprintf(stderr, "rosterd: --week: expected an ISO week like 2026-W49, got '%s'\n",
                        args->week);
                return EXIT_USAGE;
        }

        t0 = now_seconds();
        rc_corpus_init(&corpus);
        for (size_t i = 0; i < args->n_files; i++)
                if (load_into(&corpus, args->files[i], false) < 0)
                        goto finish;
        for (size_t i = 0; i < args->n_approved; i++)
                if (load_into(&corpus, args->approved[i], true) < 0)
                        goto finish;
        t_parsed = now_seconds();

        r = rc_build_problem(&corpus, week, args->employer, &problem, &diags);
        if (r < 0) {
                print_diags(&diags);
                if (diags.n == 0)
                        fprintf(stderr, "rosterd: cannot build the problem of %s: %s\n", args->week,
                                strerror(-r));
                goto finish;
        }
        t_built = now_seconds();

        const rc_settings *settings = rc_corpus_settings(&corpus);
        rs_solve_opts opts = {
                .time_limit = args->time_limit >= 0 ? args->time_limit : settings->solver.time_limit,
                .mip_gap = args->gap >= 0 ? args->gap : settings->solver.gap,
                .write_lp = args->write_lp,
                .progress = isatty(STDERR_FILENO) ? progress_line : NULL,
        };
        r = rs_solve(problem, &opts, &solution, &message);
        if (opts.progress)
                fputs("\r\033[K", stderr);
        if (r < 0) {
                fprintf(stderr, "rosterd: solving %s failed: %s\n", args->week,
                        message ? message : strerror(-r));
                goto finish;
        }
        t_solved = now_seconds();

        if (problem->n_employers == 0)
                fprintf(stderr, "rosterd: no employer has shift needs in %s\n", args->week);

        for (size_t e = 0; e < problem->n_employers; e++) {
                if (args->format == FORMAT_TABLE) {
                        if (rd_table_write(stdout, problem, solution, e) < 0)
                                goto finish;
                        continue;
                }
                rc_roster_meta meta = { .revision = -1, .state = "proposal", .timing = args->timing };
                char *text = NULL;
                r = rc_roster_emit(problem, solution, e, &meta, args->view, &text, NULL);
                if (r < 0) {
                        fprintf(stderr, "rosterd: writing the roster of %s failed: %s\n",
                                problem->employers[e].id, strerror(-r));
                        goto finish;
                }
                /* One YAML stream: documents after the first start with "---". */
                if (e > 0)
                        fputs("---\n", stdout);
                fputs(text, stdout);
                free(text);
        }
        if (fflush(stdout) != 0) {
                perror("rosterd: writing the output");
                goto finish;
        }

        if (args->stats) {
                struct rusage usage;
                getrusage(RUSAGE_SELF, &usage);
                fprintf(stderr,
                        "stats: parse=%.3fs build=%.3fs solve=%.3fs rows=%ld columns=%ld status=%s",
                        t_parsed - t0, t_built - t_parsed, t_solved - t_built, solution->rows,
                        solution->columns, rs_status_to_string(solution->status));
                for (int g = 0; g < _RS_GOAL_MAX; g++) {
                        const rs_goal_result *goal = &solution->goals[g];
                        if (goal->solved)
                                fprintf(stderr, " %s=%g/%g/%g", rs_goal_to_string((rs_goal) g),
                                        goal->value, goal->bound, goal->gap);
                }
                if (solution->work_budget > 0)
                        fprintf(stderr, " work=%.0f/%.0f clock_stopped=%s", solution->work,
                                solution->work_budget, solution->clock_stopped ? "yes" : "no");
                fprintf(stderr, " rss_kb=%ld\n", usage.ru_maxrss);
        }
        /* Only then may the same documents and limit give another roster
         * (docs/solver.md, "Time limit: work, not seconds"). */
        if (solution->clock_stopped)
                fprintf(stderr, "rosterd: the time limit ran out before the solver's work budget "
                                "(a slower or busy machine): another run may give another roster\n");
        status = EXIT_SUCCESS;

finish:
        free(message);
        rs_solution_free(solution);
        rs_problem_free(problem);
        rc_diags_done(&diags);
        rc_corpus_done(&corpus);
        return status;
}

int main(int argc, char **argv) {
        arguments args;
        int status;

        /* The service and its solve workers (re-executed as
         * /proc/self/exe --solve-worker) share this binary. */
        if (rd_daemon_wanted(argc, argv))
                return rd_daemon_main(argc, argv);

        if (parse_arguments(argc, argv, &args) < 0) {
                fputs("Try 'rosterd --help'.\n", stderr);
                free(args.approved);
                return EXIT_USAGE;
        }
        status = args.check ? run_check(&args) : run_solve(&args);
        free(args.approved);
        return status;
}
