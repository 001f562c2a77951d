/* tests/solver/test_determinism.c -- the same problem gives the same
 * solution (SPEC §4 goal 5): every field, every string, in order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tb.h"
#include "internal.h"


/* Twice on the same problem object, and once on a fresh copy of it. */
static void test_same_input_same_solution(void **state) {
        (void) state;
        for (unsigned seed = 1; seed <= 3; seed++) {
                rs_problem *p = tb_random(seed, 2, 1, 6);
                rs_problem *q = tb_random(seed, 2, 1, 6);
                rs_solution *s1 = tb_solve(p), *s2 = tb_solve(p), *s3 = tb_solve(q);

                assert_int_equal(s1->status, RS_STATUS_OPTIMAL);
                tb_assert_same(s1, s2);
                tb_assert_same(s1, s3);
                rs_solution_free(s1);
                rs_solution_free(s2);
                rs_solution_free(s3);
                rs_problem_free(p);
                rs_problem_free(q);
        }
}

/* The heuristic alone, on a week too large for the MIP: with no time
 * limit its rounds are fixed, so its roster is reproducible too. */
static void test_heuristic_reproducible(void **state) {
        rs_problem *p = tb_random(7, 6, 2, 30);
        rs_solve_opts opts = { 0 };
        rs_solution *a = NULL, *b = NULL;

        (void) state;
        assert_int_equal(rs_solve_engine(p, &opts, RS_ENGINE_HEURISTIC, &a, NULL), 0);
        assert_int_equal(rs_solve_engine(p, &opts, RS_ENGINE_HEURISTIC, &b, NULL), 0);
        assert_int_equal(tb_check_rules(p, a), 0);
        tb_assert_same(a, b);
        rs_solution_free(a);
        rs_solution_free(b);
        rs_problem_free(p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_same_input_same_solution),
                cmocka_unit_test(test_heuristic_reproducible),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
