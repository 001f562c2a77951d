/* tests/cli/test_examples.c -- the bundled example week, solved whole as an
 * account manager would propose it, at the time limit its configuration
 * sets: the coverage goal is proven optimal (810 weighted minutes stay
 * uncovered, the optimum an independent CBC run of the direct model
 * gives; docs/solver.md, "Goal 1 over weekly patterns"), and the
 * independent checker (tests/checker) finds every hard rule kept and every
 * number the solution claims right.
 *
 * The budget is work, not seconds (docs/solver.md, "Time limit: work, not
 * seconds"); the wall clock here runs at a twentieth of real time (the
 * 20 s limit stops the solve only after 400 s), so a sanitizer build on a
 * busy machine does the same work and gets the same roster instead of
 * being stopped by the clock (63 s of real time under AddressSanitizer
 * beside the other tests on 2 cores). */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "roster/config.h"
#include "roster/solver.h"
#include "internal.h"
#include "checker.h"

static const char *examples_dir;

static void test_example_week_proven(void **state) {
        char pattern[4096];
        glob_t files;
        rc_corpus corpus;
        rc_diags diags = {};
        rs_problem *problem = NULL;
        rs_solution *solution = NULL;
        char *message = NULL;
        rc_week week;

        (void) state;
        snprintf(pattern, sizeof pattern, "%s/*.yaml", examples_dir);
        assert_int_equal(glob(pattern, 0, NULL, &files), 0);
        assert_true(files.gl_pathc >= 10);
        rc_corpus_init(&corpus);
        for (size_t i = 0; i < files.gl_pathc; i++) {
                rc_document *doc = NULL;
                assert_int_equal(rc_document_load(files.gl_pathv[i], &doc, &diags), 0);
                assert_int_equal(rc_corpus_add(&corpus, doc), 0);
        }
        globfree(&files);
        assert_int_equal(rc_week_parse("2026-W49", &week), 0);
        assert_int_equal(rc_build_problem(&corpus, week, NULL, &problem, &diags), 0);

        const rc_settings *settings = rc_corpus_settings(&corpus);
        rs_solve_opts opts = {
                .time_limit = settings->solver.time_limit,
                .mip_gap = settings->solver.gap,
        };
        rs_tuning tuning = { .clock_scale = 0.05 };
        assert_true(opts.time_limit == 20);
        assert_int_equal(rs_solve_tuned(problem, &opts, RS_ENGINE_AUTO, &tuning, &solution,
                                        &message), 0);
        assert_null(message);
        assert_false(solution->clock_stopped);

        const rs_goal_result *coverage = &solution->goals[RS_GOAL_COVERAGE];
        print_message("coverage %.0f, bound %.0f, work %.0f of %.0f\n", coverage->value,
                      coverage->bound, solution->work, solution->work_budget);
        assert_true(coverage->proven);
        assert_true(coverage->value == 810);
        assert_true(coverage->bound == 810);

        rchk_report report = { 0 };
        int violations = rchk_check(problem, solution, &report);
        if (violations != 0)
                rchk_report_print(&report, stderr, 20);
        assert_int_equal(violations, 0);
        rchk_report_done(&report);

        rs_solution_free(solution);
        rs_problem_free(problem);
        rc_diags_done(&diags);
        rc_corpus_done(&corpus);
}

int main(int argc, char **argv) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_example_week_proven),
        };

        if (argc != 2) {
                fprintf(stderr, "usage: %s EXAMPLES-DIR\n", argv[0]);
                return 2;
        }
        examples_dir = argv[1];
        return cmocka_run_group_tests(tests, NULL, NULL);
}
