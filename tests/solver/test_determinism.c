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

static void assert_same(const rs_solution *x, const rs_solution *y) {
        assert_int_equal(x->status, y->status);
        assert_int_equal(x->n_positions, y->n_positions);
        assert_int_equal(x->n_candidates, y->n_candidates);
        assert_int_equal(x->rows, y->rows);
        assert_int_equal(x->columns, y->columns);
        for (int g = 0; g < _RS_GOAL_MAX; g++) {
                assert_int_equal(x->goals[g].solved, y->goals[g].solved);
                assert_int_equal(x->goals[g].proven, y->goals[g].proven);
                assert_memory_equal(&x->goals[g].value, &y->goals[g].value, sizeof(double));
                assert_memory_equal(&x->goals[g].bound, &y->goals[g].bound, sizeof(double));
                assert_memory_equal(&x->goals[g].gap, &y->goals[g].gap, sizeof(double));
        }
        for (size_t c = 0; c < x->n_candidates; c++) {
                assert_int_equal(x->candidates[c].paid_minutes, y->candidates[c].paid_minutes);
                assert_int_equal(x->candidates[c].days, y->candidates[c].days);
        }
        for (size_t p = 0; p < x->n_positions; p++) {
                const rs_position_plan *a = &x->positions[p], *b = &y->positions[p];

                assert_int_equal(a->n_assignments, b->n_assignments);
                if (a->n_assignments)
                        assert_memory_equal(a->assignments, b->assignments,
                                            a->n_assignments * sizeof(rs_assignment));
                assert_int_equal(a->n_people, b->n_people);
                if (a->n_people)
                        assert_memory_equal(a->people, b->people, a->n_people * sizeof(size_t));
                assert_int_equal(a->required_minutes, b->required_minutes);
                assert_int_equal(a->covered_minutes, b->covered_minutes);
                assert_int_equal(a->n_uncovered, b->n_uncovered);
                for (size_t u = 0; u < a->n_uncovered; u++) {
                        const rs_uncovered *ua = &a->uncovered[u], *ub = &b->uncovered[u];

                        assert_int_equal(ua->shift, ub->shift);
                        assert_int_equal(ua->start, ub->start);
                        assert_int_equal(ua->end, ub->end);
                        assert_int_equal(ua->missing, ub->missing);
                        assert_int_equal(ua->n_why, ub->n_why);
                        for (size_t w = 0; w < ua->n_why; w++) {
                                assert_int_equal(ua->why[w].candidate, ub->why[w].candidate);
                                assert_int_equal(ua->why[w].reason, ub->why[w].reason);
                                if (ua->why[w].detail || ub->why[w].detail)
                                        assert_string_equal(ua->why[w].detail, ub->why[w].detail);
                        }
                }
        }
}

/* Twice on the same problem object, and once on a fresh copy of it. */
static void test_same_input_same_solution(void **state) {
        (void) state;
        for (unsigned seed = 1; seed <= 3; seed++) {
                rs_problem *p = tb_random(seed, 2, 1, 6);
                rs_problem *q = tb_random(seed, 2, 1, 6);
                rs_solution *s1 = tb_solve(p), *s2 = tb_solve(p), *s3 = tb_solve(q);

                assert_int_equal(s1->status, RS_STATUS_OPTIMAL);
                assert_same(s1, s2);
                assert_same(s1, s3);
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
        assert_same(a, b);
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
