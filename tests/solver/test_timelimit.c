/* tests/solver/test_timelimit.c -- with a time limit the same input gives
 * the same solution (SPEC §4 goal 5): every budget is work, counted the
 * same way however fast the machine runs; the wall clock only stops a
 * solve that outruns the limit, and then says so. rs_solve_tuned() lets
 * the tests make the budget small (so it binds in a fraction of a second,
 * sanitizers or not) and the clock run faster (a slower machine). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tb.h"
#include "internal.h"


/* One solve with a limit of @limit seconds, @rate work units a second,
 * the wall clock running @scale times faster than real time. */
static rs_solution *solve(const rs_problem *p, rs_engine engine, double limit, double rate, double scale) {
        rs_solve_opts opts = { .time_limit = limit };
        rs_tuning tuning = { .work_rate = rate, .clock_scale = scale };
        rs_solution *s = NULL;
        char *msg = NULL;

        assert_int_equal(rs_solve_tuned(p, &opts, engine, &tuning, &s, &msg), 0);
        assert_null(msg);
        assert_int_equal(tb_check_rules(p, s), 0);
        return s;
}

/* Every engine, a budget that binds (the heuristic's ruin-and-recreate
 * rounds go on until it is used), the clock at real time and 5 times
 * faster: the same solution, and the clock stopped nothing. The 60 s
 * limit (12 s of real time at 5×) is far away; the budget is 60 × 2e5
 * units, a few hundredths of a second on the reference machine, so a
 * sanitizer build on a busy machine has room too. */
static void test_budget_not_clock(void **state) {
        static const rs_engine engines[] = { RS_ENGINE_AUTO, RS_ENGINE_HEURISTIC, RS_ENGINE_DIRECT };

        (void) state;
        for (size_t e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
                rs_problem *p = tb_random(7, 6, 2, 30);
                rs_solution *a = solve(p, engines[e], 60, 2e5, 1);
                rs_solution *b = solve(p, engines[e], 60, 2e5, 5);

                assert_false(a->clock_stopped);
                assert_false(b->clock_stopped);
                assert_true(a->work_budget == 60 * 2e5);
                if (engines[e] == RS_ENGINE_HEURISTIC)
                        assert_true(a->work >= a->work_budget);
                assert_memory_equal(&a->work, &b->work, sizeof(double));
                tb_assert_same(a, b);
                rs_solution_free(a);
                rs_solution_free(b);
                rs_problem_free(p);
        }
}

/* A machine far too slow for the budget: the wall clock stops the solve
 * at the limit, the roster still keeps every rule, and the solution says
 * the clock stopped it. */
static void test_clock_stops_slow_machine(void **state) {
        rs_problem *p = tb_random(7, 6, 2, 30);
        rs_solution *s = solve(p, RS_ENGINE_AUTO, 1, RS_WORK_RATE, 1e6);

        (void) state;
        assert_true(s->clock_stopped);
        assert_true(s->work < s->work_budget);
        rs_solution_free(s);
        rs_problem_free(p);
}

/* Without a time limit nothing is budgeted or stopped. */
static void test_no_limit_no_budget(void **state) {
        rs_problem *p = tb_random(1, 2, 1, 6);
        rs_solution *s = solve(p, RS_ENGINE_AUTO, 0, 0, 0);

        (void) state;
        assert_false(s->clock_stopped);
        assert_true(s->work == 0);
        assert_true(s->work_budget == 0);
        rs_solution_free(s);
        rs_problem_free(p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_budget_not_clock),
                cmocka_unit_test(test_clock_stops_slow_machine),
                cmocka_unit_test(test_no_limit_no_budget),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
