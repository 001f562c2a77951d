/* tests/solver/test_explain.c -- uncovered intervals and why-lists
 * (SPEC §4, §10.17, §10.18) on hand-made gaps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tb.h"

static void assert_why(const rs_solution *s, size_t pos, int start, int end, size_t cand, rs_reason reason,
                       const char *detail) {
        const rs_why *w = tb_why(s, pos, start, end, cand);

        assert_non_null(w);
        if (w->reason != reason)
                fail_msg("candidate %zu: %s, expected %s", cand, rs_reason_to_string(w->reason),
                         rs_reason_to_string(reason));
        if (detail)
                assert_string_equal(w->detail, detail);
        else
                assert_null(w->detail);
}

/* Position "line" at employer e: B1, skill vca, max_people 1, min_block
 * 8h; whole shifts Mon 08:00-16:00 (8h) and Tue 08:00-15:00 (7h, shorter
 * than min_block: whole only). The candidates and what they can do:
 *   c-a  placed, qualified, max 8h: one day only (7h30 + 6h30 > 8h), min 8h
 *   c-b  placed, A2                       -> never
 *   c-c  placed, B1, no vca               -> never
 *   c-d  placed, class Tue 09-11 at the school (30m away) -> Mon only
 *   c-f  placed, unavailable Tue all day ("doctor")       -> Mon only
 *   c-g  placed, class all Monday                         -> Tue only
 *   c-h  placed only at e2, qualified: not listed, for placing them
 *        would not have helped (the people limit stops them too)
 *   c-i  placed only at e2, A1                            -> never, not listed
 *   c-j  placed, approved at e2 Tue 09:00-13:00           -> Mon only
 *   c-k  placed, approved at e2 Mon 20:00-23:00: Monday is taken (one
 *        block a day) and Tue 08:00 is 9h after 23:00    -> never
 *   c-l  placed, max 6h: each shift pays more              -> never
 *   c-m  placed, max_days 1, approved at e2 on Wednesday   -> never
 * One person only: Monday (8h) beats Tuesday (7h, only c-g). Monday goes
 * to a, d, f or j; fairness picks c-a (min 8h). Tuesday is uncovered and
 * each candidate gets the first reason that holds for it. */
static void test_why_list(void **state) {
        rs_problem *p = tb_problem();
        int here = tb_place(p, "here"), school = tb_place(p, "school");
        size_t e = tb_employer(p, "e", here), e2 = tb_employer(p, "e2", here);
        size_t vca = tb_skill(p, "vca");
        size_t pos = tb_position(p, e, "line", H(8), 1);
        size_t a, b, c, d, f, g, h, i, j, k, l, m;
        rs_solution *s;
        int t0 = tb_t(TUE, "08:00"), t1 = tb_t(TUE, "15:00");
        const rs_uncovered *u;

        (void) state;
        tb_travel(p, here, school, 30);
        tb_position_language(p, pos, RS_LEVEL_B1);
        tb_position_skill(p, pos, vca);
        tb_shift(p, pos, MON, "08:00", "16:00", 1, 60);
        tb_shift(p, pos, TUE, "08:00", "15:00", 1, 60);

#define QUALIFIED(x)                                                                               \
        do {                                                                                       \
                tb_place_at(p, x, e);                                                              \
                tb_candidate_language(p, x, RS_LEVEL_B1);                                          \
                tb_candidate_skill(p, x, vca);                                                     \
        } while (0)
        a = tb_candidate(p, "c-a", H(8), H(8), H(8));
        QUALIFIED(a);
        b = tb_candidate(p, "c-b", 0, 0, H(40));
        QUALIFIED(b);
        tb_candidate_language(p, b, RS_LEVEL_A2);
        c = tb_candidate(p, "c-c", 0, 0, H(40));
        tb_place_at(p, c, e);
        tb_candidate_language(p, c, RS_LEVEL_B1);
        d = tb_candidate(p, "c-d", 0, 0, H(40));
        QUALIFIED(d);
        tb_class(p, d, "b1-tue", school, TUE, "09:00", "11:00");
        f = tb_candidate(p, "c-f", 0, 0, H(40));
        QUALIFIED(f);
        tb_unavailable(p, f, TUE, "00:00", "00:00", "doctor");
        g = tb_candidate(p, "c-g", 0, 0, H(40));
        QUALIFIED(g);
        tb_class(p, g, "mon-all", here, MON, "08:00", "17:00");
        h = tb_candidate(p, "c-h", 0, 0, H(40));
        tb_place_at(p, h, e2);
        tb_candidate_language(p, h, RS_LEVEL_B1);
        tb_candidate_skill(p, h, vca);
        i = tb_candidate(p, "c-i", 0, 0, H(40));
        tb_place_at(p, i, e2);
        tb_candidate_language(p, i, RS_LEVEL_A1);
        j = tb_candidate(p, "c-j", 0, 0, H(40));
        QUALIFIED(j);
        tb_commitment(p, j, TUE, "09:00", "13:00", "e2");
        k = tb_candidate(p, "c-k", 0, 0, H(40));
        QUALIFIED(k);
        tb_commitment(p, k, MON, "20:00", "23:00", "e2");
        l = tb_candidate(p, "c-l", 0, 0, H(6));
        QUALIFIED(l);
        m = tb_candidate(p, "c-m", 0, 0, H(40));
        QUALIFIED(m);
        tb_candidate_max_days(p, m, 1);
        tb_commitment(p, m, WED, "10:00", "12:00", "e2");
#undef QUALIFIED

        s = tb_solve(p);
        assert_int_equal(s->status, RS_STATUS_OPTIMAL);
        assert_int_equal(tb_count(s, pos), 1);
        assert_true(tb_has(s, pos, a, tb_t(MON, "08:00"), tb_t(MON, "16:00")));
        assert_int_equal(s->positions[pos].n_uncovered, 1);
        u = &s->positions[pos].uncovered[0];
        assert_int_equal(u->shift, 1);
        assert_int_equal(u->start, t0);
        assert_int_equal(u->end, t1);
        assert_int_equal(u->missing, 1);
        /* Everyone placed there; neither c-h (qualified, but the people
         * limit would stop them) nor c-i. Sorted by candidate. */
        assert_int_equal(u->n_why, 10);
        for (size_t q = 1; q < u->n_why; q++)
                assert_true(u->why[q - 1].candidate < u->why[q].candidate);
        assert_null(tb_why(s, pos, t0, t1, h));
        assert_null(tb_why(s, pos, t0, t1, i));

        assert_why(s, pos, t0, t1, a, RS_REASON_HOURS_CAP, "7h30m of max 8h");
        assert_why(s, pos, t0, t1, b, RS_REASON_LANGUAGE, "A2, needs B1");
        assert_why(s, pos, t0, t1, c, RS_REASON_SKILL, "missing vca");
        assert_why(s, pos, t0, t1, d, RS_REASON_CLASS, "b1-tue 09:00-11:00, 30m travel");
        assert_why(s, pos, t0, t1, f, RS_REASON_UNAVAILABLE, "doctor");
        assert_why(s, pos, t0, t1, g, RS_REASON_PEOPLE_LIMIT, "1 of max 1 people");
        assert_why(s, pos, t0, t1, j, RS_REASON_BUSY, "e2 09:00-13:00");
        assert_why(s, pos, t0, t1, k, RS_REASON_REST, "e2 mon 20:00-23:00");
        assert_why(s, pos, t0, t1, l, RS_REASON_HOURS_CAP, "0h of max 6h");
        assert_why(s, pos, t0, t1, m, RS_REASON_DAY_CAP, "1 of max 1 days");
        /* The approved work elsewhere counts in the totals. */
        assert_int_equal(s->candidates[j].paid_minutes, H(4));
        assert_int_equal(s->candidates[m].days, 1);
        rs_solution_free(s);
        rs_problem_free(p);
}

/* Who is listed as not-placed. Position q at e (A2, min_block 4h, at
 * most 2 people): Wed 08:00-16:00, one person, grid 1h. c-a is placed
 * there and in class 12:00-16:00 at the employer's place, so works
 * 08:00-12:00 and 12:00-16:00 stays uncovered (nobody else is placed
 * there: optimal). The others are placed only at e2:
 *   c-n1  B1, free                         -> not-placed (could have helped)
 *   c-n2  B1, class Wed 13:00-14:00        -> not listed (class holds)
 *   c-n3  B1, approved at e2 Wed 12:00-16:00 -> not listed (busy)
 *   c-n4  B1, max 2h a week: every block pays 4h -> not listed (hours-cap)
 *   c-n5  A1                               -> not listed (language)
 * So the list is c-a (class) and c-n1 (not-placed), nothing else. */
static void test_why_not_placed(void **state) {
        rs_problem *p = tb_problem();
        int here = tb_place(p, "here");
        size_t e = tb_employer(p, "e", here), e2 = tb_employer(p, "e2", here);
        size_t pos = tb_position(p, e, "q", H(4), 2);
        size_t x, n[5];
        rs_solution *s;
        int t0 = tb_t(WED, "12:00"), t1 = tb_t(WED, "16:00");
        const rs_uncovered *u;

        (void) state;
        tb_position_language(p, pos, RS_LEVEL_A2);
        tb_shift(p, pos, WED, "08:00", "16:00", 1, 60);
        x = tb_candidate(p, "c-a", 0, 0, H(40));
        tb_place_at(p, x, e);
        tb_candidate_language(p, x, RS_LEVEL_B1);
        tb_class(p, x, "a-pm", here, WED, "12:00", "16:00");
        n[0] = tb_candidate(p, "c-n1", 0, 0, H(40));
        n[1] = tb_candidate(p, "c-n2", 0, 0, H(40));
        n[2] = tb_candidate(p, "c-n3", 0, 0, H(40));
        n[3] = tb_candidate(p, "c-n4", 0, 0, H(2));
        n[4] = tb_candidate(p, "c-n5", 0, 0, H(40));
        for (size_t q = 0; q < 5; q++) {
                tb_place_at(p, n[q], e2);
                tb_candidate_language(p, n[q], q == 4 ? RS_LEVEL_A1 : RS_LEVEL_B1);
        }
        tb_class(p, n[1], "n2-wed", here, WED, "13:00", "14:00");
        tb_commitment(p, n[2], WED, "12:00", "16:00", "e2");

        s = tb_solve(p);
        assert_int_equal(s->status, RS_STATUS_OPTIMAL);
        assert_true(tb_has(s, pos, x, tb_t(WED, "08:00"), t0));
        assert_int_equal(s->positions[pos].n_uncovered, 1);
        u = &s->positions[pos].uncovered[0];
        assert_int_equal(u->start, t0);
        assert_int_equal(u->end, t1);
        assert_int_equal(u->n_why, 2);
        assert_why(s, pos, t0, t1, x, RS_REASON_CLASS, "a-pm 12:00-16:00, 0m travel");
        assert_why(s, pos, t0, t1, n[0], RS_REASON_NOT_PLACED, NULL);
        for (size_t q = 1; q < 5; q++)
                assert_null(tb_why(s, pos, t0, t1, n[q]));
        rs_solution_free(s);
        rs_problem_free(p);
}

/* Wed 08:00-16:00, min_block 4h. X is in class 08:00-11:00, Y 11:00-16:00
 * (both at the employer's place). X works 11:00-16:00 (the longest it
 * can); Y's free time is 08:00-11:00, 3h, and every block of at least 4h
 * that covers part of the gap runs into Y's class: grid. X: class. */
static void test_grid_reason(void **state) {
        rs_problem *p = tb_problem();
        int here = tb_place(p, "here");
        size_t e = tb_employer(p, "e", here);
        size_t pos = tb_position(p, e, "q", H(4), 2);
        size_t x, y;
        rs_solution *s;
        int t0 = tb_t(WED, "08:00"), t1 = tb_t(WED, "11:00");

        (void) state;
        tb_shift(p, pos, WED, "08:00", "16:00", 1, 60);
        x = tb_candidate(p, "c-x", 0, 0, H(40));
        y = tb_candidate(p, "c-y", 0, 0, H(40));
        tb_class(p, x, "x-am", here, WED, "08:00", "11:00");
        tb_class(p, y, "y-pm", here, WED, "11:00", "16:00");

        s = tb_solve(p);
        assert_true(tb_has(s, pos, x, tb_t(WED, "11:00"), tb_t(WED, "16:00")));
        assert_int_equal(s->positions[pos].n_uncovered, 1);
        assert_why(s, pos, t0, t1, x, RS_REASON_CLASS, "x-am 08:00-11:00, 0m travel");
        assert_why(s, pos, t0, t1, y, RS_REASON_GRID, "no block of at least 4h on the grid fits");
        rs_solution_free(s);
        rs_problem_free(p);
}

/* Headcount 2, Thu 08:00-16:00, min_block 4h; the only candidate is in
 * class until 12:00 and works 12:00-16:00. Uncovered: 08:00-12:00 with 2
 * missing and 12:00-16:00 with 1 missing, as two intervals (adjacent
 * segments merge only with the same missing count). */
static void test_uncovered_intervals(void **state) {
        rs_problem *p = tb_problem();
        int here = tb_place(p, "here");
        size_t e = tb_employer(p, "e", here);
        size_t pos = tb_position(p, e, "q", H(4), 2);
        size_t z;
        rs_solution *s;
        const rs_position_plan *plan;

        (void) state;
        tb_shift(p, pos, THU, "08:00", "16:00", 2, 60);
        z = tb_candidate(p, "c-z", 0, 0, H(40));
        tb_class(p, z, "z", here, THU, "08:00", "12:00");

        s = tb_solve(p);
        plan = &s->positions[pos];
        assert_true(tb_has(s, pos, z, tb_t(THU, "12:00"), tb_t(THU, "16:00")));
        assert_int_equal(plan->n_uncovered, 2);
        assert_int_equal(plan->uncovered[0].start, tb_t(THU, "08:00"));
        assert_int_equal(plan->uncovered[0].end, tb_t(THU, "12:00"));
        assert_int_equal(plan->uncovered[0].missing, 2);
        assert_int_equal(plan->uncovered[1].start, tb_t(THU, "12:00"));
        assert_int_equal(plan->uncovered[1].end, tb_t(THU, "16:00"));
        assert_int_equal(plan->uncovered[1].missing, 1);
        assert_why(s, pos, tb_t(THU, "12:00"), tb_t(THU, "16:00"), z, RS_REASON_BUSY, "e/q 12:00-16:00");
        assert_int_equal(plan->required_minutes, H(16));
        assert_int_equal(plan->covered_minutes, H(4));
        assert_true(s->goals[RS_GOAL_COVERAGE].value == H(12));
        rs_solution_free(s);
        rs_problem_free(p);
}

/* A position nobody can work is fully uncovered, with no model at all;
 * its why-list still says why. */
static void test_position_without_candidates(void **state) {
        rs_problem *p = tb_problem();
        size_t e = tb_employer(p, "e", RS_NO_PLACE);
        size_t pos = tb_position(p, e, "q", H(4), 2);
        size_t a;
        rs_solution *s;

        (void) state;
        tb_position_language(p, pos, RS_LEVEL_C1);
        tb_shift(p, pos, FRI, "08:00", "12:00", 1, 60);
        tb_shift(p, pos, SAT, "08:00", "12:00", 1, 60);
        a = tb_candidate(p, "c-a", 0, 0, H(40));

        s = tb_solve(p);
        assert_int_equal(s->status, RS_STATUS_OPTIMAL);
        assert_int_equal(s->rows, 0);
        assert_int_equal(s->positions[pos].n_uncovered, 2);
        assert_int_equal(s->positions[pos].uncovered[1].shift, 1);
        assert_why(s, pos, tb_t(FRI, "08:00"), tb_t(FRI, "12:00"), a, RS_REASON_LANGUAGE, "A0, needs C1");
        assert_true(s->goals[RS_GOAL_COVERAGE].value == H(8));
        assert_true(s->goals[RS_GOAL_COVERAGE].bound == H(8));
        rs_solution_free(s);
        rs_problem_free(p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_why_list),
                cmocka_unit_test(test_why_not_placed),
                cmocka_unit_test(test_grid_reason),
                cmocka_unit_test(test_uncovered_intervals),
                cmocka_unit_test(test_position_without_candidates),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
