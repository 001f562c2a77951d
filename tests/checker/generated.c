/* tests/checker/generated.c -- generated weeks through the whole engine:
 * documents written by the scenario generator (bench/gen.c), loaded by
 * config/, solved by rs_solve, verified by the independent checker.
 *
 * For each size and seed:
 *   1. plan every employer of the week: every hard rule holds and every
 *      number is right, whatever the status;
 *   2. approve those rosters (written by the roster writer, read back by
 *      the loader) and plan the week again: the approved roster is still
 *      feasible, so when both solves are proven optimal the stability
 *      goal is 0 and coverage is unchanged;
 *   3. plan the next week with these rosters as the previous week's (rest
 *      against them applies);
 *   4. plan one employer alone: the others' approved rosters become
 *      commitments of their candidates.
 * And the generator itself: the same options give the same bytes, and
 * every scale loads with the sizes it promises.
 *
 * Usage: generated [--quick] [--time-limit SECONDS] (default 5 s a solve) */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "checker.h"
#include "gen.h"
#include "roster/config.h"
#include "roster/emit.h"
#include "roster/solver.h"

#define WEEK "2026-W49"

static double time_limit = 5.0;

typedef struct gen_case {
        const char *name;
        rg_scale scale;
        int employers;
        int candidates;
        uint64_t seed;
} gen_case;

static void print_diags(const rc_diags *diags) {
        for (size_t i = 0; i < diags->n && i < 20; i++) {
                char *line = rc_diag_format(&diags->items[i]);

                fprintf(stderr, "  %s\n", line ? line : "(out of memory)");
                free(line);
        }
}

static int compare_names(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Loads every *.yaml of @dir, in name order, into @corpus. */
static void load_dir(const char *dir, rc_corpus *corpus) {
        DIR *d = opendir(dir);
        struct dirent *de;
        char **names = NULL;
        size_t n = 0;

        assert_non_null(d);
        while ((de = readdir(d))) {
                size_t len = strlen(de->d_name);

                if (len < 5 || strcmp(de->d_name + len - 5, ".yaml") != 0)
                        continue;
                names = realloc(names, (n + 1) * sizeof(char *));
                assert_non_null(names);
                assert_true(asprintf(&names[n++], "%s/%s", dir, de->d_name) > 0);
        }
        closedir(d);
        qsort(names, n, sizeof(char *), compare_names);
        assert_true(n >= 5);
        for (size_t i = 0; i < n; i++) {
                rc_diags diags = {0};
                rc_document *doc = NULL;
                int r = rc_document_load(names[i], &doc, &diags);

                if (r < 0) {
                        fprintf(stderr, "%s does not load:\n", names[i]);
                        print_diags(&diags);
                }
                assert_int_equal(r, 0);
                assert_int_equal(rc_corpus_add(corpus, doc), 0);
                rc_diags_done(&diags);
                free(names[i]);
        }
        free(names);
}

static void remove_dir(const char *dir) {
        DIR *d = opendir(dir);
        struct dirent *de;

        if (!d)
                return;
        while ((de = readdir(d))) {
                char *path;

                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (asprintf(&path, "%s/%s", dir, de->d_name) > 0) {
                        unlink(path);
                        free(path);
                }
        }
        closedir(d);
        rmdir(dir);
}

static void make_temp_dir(char dir[static 4096]) {
        const char *tmp = getenv("TMPDIR");

        snprintf(dir, 4096, "%s/rosterd-generated-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        assert_non_null(mkdtemp(dir));
}

static rs_problem *build(const rc_corpus *corpus, const char *week_text, const char *employer) {
        rc_diags diags = {0};
        rs_problem *p = NULL;
        rc_week week;
        int r;

        assert_int_equal(rc_week_parse(week_text, &week), 0);
        r = rc_build_problem(corpus, week, employer, &p, &diags);
        if (r < 0) {
                fprintf(stderr, "rc_build_problem(%s, %s) failed:\n", week_text, employer ? employer : "all");
                print_diags(&diags);
        }
        assert_int_equal(r, 0);
        rc_diags_done(&diags);
        return p;
}

/* Solves @p and checks the result; returns the solution. */
static rs_solution *solve_and_check(const char *label, const rs_problem *p) {
        rs_solve_opts opts = {.time_limit = time_limit};
        rs_solution *s = NULL;
        rchk_report report = {0};
        char *err = NULL;
        int r, n;

        r = rs_solve(p, &opts, &s, &err);
        if (r < 0)
                fprintf(stderr, "%s: rs_solve failed: %s (%s)\n", label, strerror(-r), err ? err : "no message");
        assert_int_equal(r, 0);
        free(err);
        n = rchk_check(p, s, &report);
        printf("  %s: %zu positions, %zu candidates, %ld rows: %s;", label, p->n_positions, p->n_candidates,
               s->rows, s->status == RS_STATUS_OPTIMAL ? "optimal" :
               s->status == RS_STATUS_FEASIBLE ? "feasible" : "infeasible");
        for (int g = 0; g < _RS_GOAL_MAX; g++)
                if (s->goals[g].solved)
                        printf(" %s %g%s", rs_goal_to_string((rs_goal) g), s->goals[g].value,
                               s->goals[g].proven ? "" : "?");
        printf("; %d problem(s)\n", n);
        if (n != 0) {
                fprintf(stderr, "%s: the checker found %d problem(s):\n", label, n);
                rchk_report_print(&report, stderr, 40);
        }
        assert_int_equal(n, 0);
        rchk_report_done(&report);
        return s;
}

/* Writes every planned employer's roster as an approved roster document
 * and adds it to @corpus. */
static void approve_all(const rs_problem *p, const rs_solution *s, rc_corpus *corpus) {
        rc_roster_meta meta = {.revision = 1, .state = "approved"};

        for (size_t e = 0; e < p->n_employers; e++) {
                rc_diags diags = {0};
                rc_document *doc = NULL;
                char *text = NULL, name[128];
                size_t size = 0;
                int r;

                assert_int_equal(rc_roster_emit(p, s, e, &meta, RC_VIEW_FULL, &text, &size), 0);
                snprintf(name, sizeof(name), "roster-%s.yaml", p->employers[e].id);
                r = rc_document_parse(name, text, size, &doc, &diags);
                if (r < 0) {
                        fprintf(stderr, "the roster of %s does not read back:\n%s\n", p->employers[e].id, text);
                        print_diags(&diags);
                }
                assert_int_equal(r, 0);
                assert_true(rc_document_is_approved(doc));
                assert_int_equal(rc_corpus_add(corpus, doc), 0);
                rc_diags_done(&diags);
                free(text);
        }
}

static void run_case(void **state) {
        const gen_case *gc = *state;
        rg_options opts = {
                .scale = gc->scale, .employers = gc->employers, .candidates = gc->candidates,
                .seed = gc->seed, .week = WEEK,
        };
        char dir[4096], label[96];
        rc_corpus corpus;
        rs_problem *p, *p2;
        rs_solution *s, *s2;
        char *err = NULL;

        make_temp_dir(dir);
        if (rg_generate(&opts, dir, &err) < 0)
                fprintf(stderr, "rg_generate: %s\n", err ? err : "failed");
        free(err);

        rc_corpus_init(&corpus);
        load_dir(dir, &corpus);
        remove_dir(dir);

        /* 1. The week, every employer. */
        p = build(&corpus, WEEK, NULL);
        assert_true(p->n_positions > 0);
        snprintf(label, sizeof(label), "%s: week", gc->name);
        s = solve_and_check(label, p);

        /* 2. Again, with those rosters approved. */
        approve_all(p, s, &corpus);
        p2 = build(&corpus, WEEK, NULL);
        assert_true(p2->has_approved);
        snprintf(label, sizeof(label), "%s: re-plan", gc->name);
        s2 = solve_and_check(label, p2);
        if (s->status == RS_STATUS_OPTIMAL && s2->status == RS_STATUS_OPTIMAL) {
                assert_true(fabs(s2->goals[RS_GOAL_COVERAGE].value - s->goals[RS_GOAL_COVERAGE].value) <=
                            1e-6 * fmax(1.0, s->goals[RS_GOAL_COVERAGE].value));
                assert_true(s2->goals[RS_GOAL_STABILITY].solved);
                assert_true(s2->goals[RS_GOAL_STABILITY].value == 0);
        }
        rs_solution_free(s2);
        rs_problem_free(p2);

        /* 3. The next week, after the approved one. */
        p2 = build(&corpus, "2026-W50", NULL);
        if (p2->n_positions > 0) {
                snprintf(label, sizeof(label), "%s: next week", gc->name);
                s2 = solve_and_check(label, p2);
                rs_solution_free(s2);
        }
        rs_problem_free(p2);

        /* 4. One employer alone, the others' rosters as commitments. */
        if (p->n_employers > 1) {
                p2 = build(&corpus, WEEK, p->employers[0].id);
                assert_int_equal(p2->n_employers, 1);
                snprintf(label, sizeof(label), "%s: %s alone", gc->name, p->employers[0].id);
                s2 = solve_and_check(label, p2);
                rs_solution_free(s2);
                rs_problem_free(p2);
        }

        rs_solution_free(s);
        rs_problem_free(p);
        rc_corpus_done(&corpus);
}

static char *read_all(const char *path, size_t *ret_size) {
        FILE *f = fopen(path, "rb");
        char *buf = NULL;
        size_t size = 0, cap = 0, n;

        assert_non_null(f);
        do {
                if (size == cap) {
                        cap = cap ? cap * 2 : 65536;
                        buf = realloc(buf, cap);
                        assert_non_null(buf);
                }
                n = fread(buf + size, 1, cap - size, f);
                size += n;
        } while (n > 0);
        fclose(f);
        *ret_size = size;
        return buf;
}

/* The same options give the same bytes; another seed another week. */
static void test_generator_deterministic(void **state) {
        static const char *const files[] = {"config.yaml", "candidates.yaml", "timetable-taalschool-eindhoven.yaml"};
        rg_options opts = {.scale = RG_SCALE_SMALL, .seed = 42, .week = WEEK};
        char a[4096], b[4096], c[4096];

        (void) state;
        make_temp_dir(a);
        make_temp_dir(b);
        make_temp_dir(c);
        assert_int_equal(rg_generate(&opts, a, NULL), 0);
        assert_int_equal(rg_generate(&opts, b, NULL), 0);
        opts.seed = 43;
        assert_int_equal(rg_generate(&opts, c, NULL), 0);
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
                char pa[8192], pb[8192], pc[8192];
                size_t na, nb, nc;
                char *ta, *tb, *tc;

                snprintf(pa, sizeof(pa), "%s/%s", a, files[i]);
                snprintf(pb, sizeof(pb), "%s/%s", b, files[i]);
                snprintf(pc, sizeof(pc), "%s/%s", c, files[i]);
                ta = read_all(pa, &na);
                tb = read_all(pb, &nb);
                tc = read_all(pc, &nc);
                assert_true(na > 0 && na == nb && memcmp(ta, tb, na) == 0);
                if (i > 0)
                        assert_false(na == nc && memcmp(ta, tc, na) == 0);
                free(ta);
                free(tb);
                free(tc);
        }
        remove_dir(a);
        remove_dir(b);
        remove_dir(c);

        /* Bad options are refused with a message. */
        {
                char *err = NULL;

                opts.week = "2026-W54";
                assert_int_equal(rg_generate(&opts, a, &err), -EINVAL);
                assert_non_null(err);
                free(err);
        }
}

/* Every scale writes documents the loader accepts, with the sizes the
 * scale promises. */
static void test_generator_scales(void **state) {
        static const struct {
                rg_scale scale;
                size_t employers, candidates;
        } scales[] = {
                {RG_SCALE_SMALL, 5, 25},
                {RG_SCALE_EINDHOVEN, 60, 400},
                {RG_SCALE_REGION, 250, 1500},
        };

        (void) state;
        for (size_t i = 0; i < sizeof(scales) / sizeof(scales[0]); i++) {
                rg_options opts = {.scale = scales[i].scale, .seed = 7, .week = WEEK};
                rc_corpus corpus;
                rs_problem *p;
                char dir[4096];
                size_t n_classes = 0, n_unavailable = 0, n_placed = 0;

                make_temp_dir(dir);
                assert_int_equal(rg_generate(&opts, dir, NULL), 0);
                rc_corpus_init(&corpus);
                load_dir(dir, &corpus);
                remove_dir(dir);
                p = build(&corpus, WEEK, NULL);
                assert_int_equal(p->n_employers, scales[i].employers);
                assert_int_equal(p->n_candidates, scales[i].candidates);
                assert_true(p->n_positions >= p->n_employers);
                for (size_t c = 0; c < p->n_candidates; c++) {
                        n_classes += p->candidates[c].n_classes;
                        n_unavailable += p->candidates[c].n_unavailable;
                        n_placed += !p->candidates[c].any_employer && p->candidates[c].n_employers > 0;
                }
                /* Most candidates attend classes and are placed somewhere;
                 * some have unavailability. */
                assert_true(n_classes >= p->n_candidates);
                assert_true(n_placed >= p->n_candidates / 2);
                assert_true(n_unavailable > 0);
                printf("  %zu employers, %zu positions, %zu candidates, %zu class sessions, %zu places\n",
                       p->n_employers, p->n_positions, p->n_candidates, n_classes, p->n_places);
                rs_problem_free(p);
                rc_corpus_done(&corpus);
        }
}

int main(int argc, char **argv) {
        static const gen_case full[] = {
                {"tiny 1x3 seed 1", RG_SCALE_SMALL, 1, 3, 1},
                {"tiny 2x6 seed 2", RG_SCALE_SMALL, 2, 6, 2},
                {"tiny 2x8 seed 3", RG_SCALE_SMALL, 2, 8, 3},
                {"tiny 3x10 seed 4", RG_SCALE_SMALL, 3, 10, 4},
                {"small seed 1", RG_SCALE_SMALL, 0, 0, 1},
                {"small seed 2", RG_SCALE_SMALL, 0, 0, 2},
        };
        size_t n = sizeof(full) / sizeof(full[0]);
        struct CMUnitTest tests[sizeof(full) / sizeof(full[0]) + 2];

        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--quick") == 0)
                        n = 4;
                else if (strcmp(argv[i], "--time-limit") == 0 && i + 1 < argc)
                        time_limit = atof(argv[++i]);
                else {
                        fprintf(stderr, "usage: %s [--quick] [--time-limit SECONDS]\n", argv[0]);
                        return 2;
                }
        }
        for (size_t i = 0; i < n; i++)
                tests[i] = (struct CMUnitTest) {
                        .name = full[i].name, .test_func = run_case, .initial_state = (void *) &full[i],
                };
        tests[n++] = (struct CMUnitTest) {.name = "generator deterministic", .test_func = test_generator_deterministic};
        tests[n++] = (struct CMUnitTest) {.name = "generator scales", .test_func = test_generator_scales};
        setvbuf(stdout, NULL, _IOLBF, 0);
        return _cmocka_run_group_tests("generated", tests, n, NULL, NULL);
}
