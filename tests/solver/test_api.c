/* tests/solver/test_api.c -- the contract of the public headers: names,
 * NULL-safety, validation, the infeasible status, the LP file, progress,
 * time limits, and silence on stdout. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "tb.h"
#include "internal.h"

static void test_names(void **state) {
        (void) state;
        assert_string_equal(rs_level_to_string(RS_LEVEL_A0), "A0");
        assert_string_equal(rs_level_to_string(RS_LEVEL_B1), "B1");
        assert_string_equal(rs_level_to_string(RS_LEVEL_C2), "C2");
        assert_null(rs_level_to_string(_RS_LEVEL_MAX));
        assert_string_equal(rs_status_to_string(RS_STATUS_OPTIMAL), "optimal");
        assert_string_equal(rs_status_to_string(RS_STATUS_FEASIBLE), "feasible");
        assert_string_equal(rs_status_to_string(RS_STATUS_INFEASIBLE), "infeasible");
        assert_null(rs_status_to_string(_RS_STATUS_MAX));
        assert_string_equal(rs_goal_to_string(RS_GOAL_COVERAGE), "coverage");
        assert_string_equal(rs_goal_to_string(RS_GOAL_STABILITY), "stability");
        assert_string_equal(rs_goal_to_string(RS_GOAL_PEOPLE), "people");
        assert_string_equal(rs_goal_to_string(RS_GOAL_HANDOVERS), "handovers");
        assert_string_equal(rs_goal_to_string(RS_GOAL_SHORTFALL_MIN), "shortfall-min");
        assert_string_equal(rs_goal_to_string(RS_GOAL_SHORTFALL_TARGET), "shortfall-target");
        assert_null(rs_goal_to_string(_RS_GOAL_MAX));
        {
                static const char *const want[] = {
                        "not-placed", "language", "skill", "class", "unavailable", "busy",
                        "rest", "hours-cap", "day-cap", "people-limit", "grid",
                };

                for (int r = 0; r < _RS_REASON_MAX; r++)
                        assert_string_equal(rs_reason_to_string((rs_reason) r), want[r]);
                assert_null(rs_reason_to_string(_RS_REASON_MAX));
        }
}

static void test_null_safe(void **state) {
        (void) state;
        assert_null(rs_problem_free(NULL));
        assert_null(rs_solution_free(NULL));
        assert_null(rs_problem_free(tb_problem()));
}

static void test_travel_lookup(void **state) {
        rs_problem *p = tb_problem();
        int a = tb_place(p, "a"), b = tb_place(p, "b"), c = tb_place(p, "c");

        (void) state;
        tb_travel(p, a, b, 35);
        assert_int_equal(rs_problem_travel(p, a, b), 35);
        assert_int_equal(rs_problem_travel(p, b, a), 35);
        assert_int_equal(rs_problem_travel(p, a, a), 0);
        assert_int_equal(rs_problem_travel(p, a, c), 30);
        assert_int_equal(rs_problem_travel(p, RS_NO_PLACE, a), 30);
        assert_int_equal(rs_problem_travel(p, b, RS_NO_PLACE), 30);
        rs_problem_free(p);
}

static rs_problem *one_position(size_t *ret_pos) {
        rs_problem *p = tb_problem();
        size_t e = tb_employer(p, "e", RS_NO_PLACE);
        size_t pos = tb_position(p, e, "p", H(4), 2);

        tb_shift(p, pos, MON, "08:00", "16:00", 1, 60);
        tb_candidate(p, "c-a", 0, 0, H(40));
        if (ret_pos)
                *ret_pos = pos;
        return p;
}

static void expect_invalid(rs_problem *p, const char *needle) {
        rs_solution *s = (rs_solution *) 0x1;
        char *err = NULL;

        assert_int_equal(rs_solve(p, NULL, &s, &err), -EINVAL);
        assert_ptr_equal(s, (rs_solution *) 0x1);
        assert_non_null(err);
        if (!strstr(err, needle))
                fail_msg("message \"%s\" lacks \"%s\"", err, needle);
        free(err);
        rs_problem_free(p);
}

static void test_invalid_problems(void **state) {
        rs_problem *p;
        rs_solve_opts opts = { .time_limit = -1 };
        rs_solution *s = NULL;
        char *err = NULL;

        (void) state;
        p = one_position(NULL);
        p->positions[0].shifts[0].grid[0] += 30;
        expect_invalid(p, "grid");

        p = one_position(NULL);
        p->positions[0].employer = 7;
        expect_invalid(p, "employer");

        p = one_position(NULL);
        p->candidates[0].hours_min = H(50);
        expect_invalid(p, "hours");

        p = one_position(NULL);
        p->positions[0].shifts[0].headcount = 0;
        expect_invalid(p, "headcount");

        p = one_position(NULL);
        p->rules.max_blocks_per_day = 0;
        expect_invalid(p, "max_blocks_per_day");

        p = one_position(NULL);
        tb_shift(p, 0, MON, "15:00", "18:00", 1, 60);
        expect_invalid(p, "overlaps");

        p = one_position(NULL);
        assert_int_equal(rs_solve(p, &opts, &s, &err), -EINVAL);
        assert_null(s);
        assert_non_null(err);
        free(err);
        /* No message pointer: still refused, nothing leaks. */
        assert_int_equal(rs_solve(p, &opts, &s, NULL), -EINVAL);
        assert_int_equal(rs_solve(NULL, NULL, &s, NULL), -EINVAL);
        assert_null(s);
        rs_problem_free(p);
}

static void test_empty_problem(void **state) {
        rs_problem *p = tb_problem();
        rs_solution *s;

        (void) state;
        s = tb_solve(p);
        assert_int_equal(s->status, RS_STATUS_OPTIMAL);
        assert_int_equal(s->n_positions, 0);
        assert_int_equal(s->n_candidates, 0);
        for (int g = 0; g < _RS_GOAL_MAX; g++)
                assert_true(s->goals[g].value == 0);
        rs_solution_free(s);
        rs_problem_free(p);
}

/* Approved work elsewhere paying 9h against a cap of 8h: even the empty
 * roster breaks rule 5, so the week is infeasible, with the reason. */
static void test_infeasible_commitments(void **state) {
        size_t pos;
        rs_problem *p = one_position(&pos);
        rs_solution *s;

        (void) state;
        p->candidates[0].hours_max = H(8);
        tb_commitment(p, 0, TUE, "08:00", "18:00", "elsewhere");
        s = tb_solve(p);
        assert_int_equal(s->status, RS_STATUS_INFEASIBLE);
        assert_non_null(s->infeasible_reason);
        assert_non_null(strstr(s->infeasible_reason, "c-a"));
        assert_int_equal(s->n_positions, 1);
        assert_int_equal(tb_count(s, pos), 0);
        assert_int_equal(s->positions[pos].required_minutes, H(8));
        rs_solution_free(s);
        rs_problem_free(p);
}

static void count_progress(void *userdata, const char *what) {
        int *n = userdata;

        assert_non_null(what);
        assert_true(strlen(what) > 0);
        (*n)++;
}

static void test_write_lp_and_progress(void **state) {
        rs_problem *p = tb_random(5, 2, 2, 6);
        char dir[] = "/tmp/rs-lp-XXXXXX", path[64], *text = malloc(1 << 22);
        rs_solve_opts opts = { 0 };
        rs_solution *s;
        int calls = 0;
        FILE *f;
        size_t n;

        (void) state;
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/model.lp", dir);
        opts.write_lp = path;
        opts.progress = count_progress;
        opts.progress_userdata = &calls;
        s = tb_solve_opts(p, &opts);
        assert_true(calls > 0);
        f = fopen(path, "r");
        assert_non_null(f);
        assert_non_null(text);
        n = fread(text, 1, (1 << 22) - 1, f);
        text[n] = '\0';
        fclose(f);
        assert_non_null(strstr(text, "Minimize"));
        assert_non_null(strstr(text, "Subject To"));
        free(text);
        unlink(path);
        rmdir(dir);
        rs_solution_free(s);

        /* An unwritable path is an error, not a crash. */
        {
                char *err = NULL;

                opts.write_lp = "/nonexistent-dir/x.lp";
                s = NULL;
                assert_int_equal(rs_solve(p, &opts, &s, &err), -EIO);
                assert_null(s);
                assert_non_null(err);
                free(err);
        }
        rs_problem_free(p);
}

/* A tiny time limit still gives a roster that keeps every rule, with a
 * status that says whether it was proven. */
static void test_time_limit(void **state) {
        rs_problem *p = tb_random(7, 3, 2, 12);
        rs_solve_opts opts = { .time_limit = 0.05 };
        rs_solution *s;

        (void) state;
        s = tb_solve_opts(p, &opts);
        assert_true(s->status == RS_STATUS_OPTIMAL || s->status == RS_STATUS_FEASIBLE);
        for (int g = 0; g < _RS_GOAL_MAX; g++) {
                if (!s->goals[g].solved)
                        continue;
                assert_true(s->goals[g].bound <= s->goals[g].value + 1e-6);
                if (s->goals[g].proven)
                        assert_true(s->goals[g].gap == 0);
                else
                        assert_true(s->status == RS_STATUS_FEASIBLE);
        }
        rs_solution_free(s);
        rs_problem_free(p);
}

/* Nothing on stdout, ever (the daemon's worker writes documents there). */
static void test_quiet(void **state) {
        rs_problem *p = tb_random(3, 2, 2, 8);
        char name[] = "/tmp/rs-out-XXXXXX";
        int fd = mkstemp(name), saved;
        rs_solution *s;
        struct stat st;

        (void) state;
        assert_true(fd >= 0);
        fflush(stdout);
        saved = dup(STDOUT_FILENO);
        dup2(fd, STDOUT_FILENO);
        s = tb_solve(p);
        fflush(stdout);
        dup2(saved, STDOUT_FILENO);
        close(saved);
        assert_int_equal(fstat(fd, &st), 0);
        assert_int_equal(st.st_size, 0);
        close(fd);
        unlink(name);
        rs_solution_free(s);
        rs_problem_free(p);
}

/* A GLPK error comes back as -EIO instead of aborting, twice in a row,
 * and solving works normally afterwards. */
static void test_glpk_error_caught(void **state) {
        rs_problem *p = tb_random(3, 2, 1, 4);
        rs_solution *s;

        (void) state;
        assert_int_equal(rs_glpk_guard_check(), -EIO);
        assert_int_equal(rs_glpk_guard_check(), -EIO);
        s = tb_solve(p);
        assert_int_equal(s->status, RS_STATUS_OPTIMAL);
        rs_solution_free(s);
        rs_problem_free(p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_null_safe),
                cmocka_unit_test(test_travel_lookup),
                cmocka_unit_test(test_invalid_problems),
                cmocka_unit_test(test_empty_problem),
                cmocka_unit_test(test_infeasible_commitments),
                cmocka_unit_test(test_write_lp_and_progress),
                cmocka_unit_test(test_time_limit),
                cmocka_unit_test(test_quiet),
                cmocka_unit_test(test_glpk_error_caught),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
