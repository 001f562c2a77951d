/* tests/solver/test_cases.c -- small problems whose optimum was derived by
 * hand; the derivation is the comment above each test. Every solve also
 * passes the rule checker of tb.c and its goal values are recomputed from
 * the assignments. Default rules (tb_problem): max_shift 12h, max_week
 * 60h, min_rest 11h, one block a day, breaks 30m after 5h30m and 45m
 * after 10h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tb.h"
#include "internal.h"

static void assert_goal(const rs_solution *s, rs_goal g, double value) {
        assert_true(s->goals[g].solved);
        assert_true(s->goals[g].proven);
        if (s->goals[g].value < value - 1e-6 || s->goals[g].value > value + 1e-6)
                fail_msg("goal %s is %g, expected %g", rs_goal_to_string(g), s->goals[g].value, value);
}

/* One position Mon-Thu 08:00-16:00 and Fri 08:00-14:00: 38 hours, 1h grid,
 * min_block 3h, max_people 2. Both candidates may work 24h.
 *   A: classes Tue and Thu 13:00-16:00 at the employer's place (0 travel).
 *   B: classes Mon and Wed 08:00-12:00 elsewhere, 30m travel: on those days
 *      B can start at 12:30 at the earliest, so 13:00 on the grid.
 * Coverage: Mon/Wed mornings only A, Tue/Thu afternoons only B; each day
 * can be covered whole (Mon/Wed by A, Tue/Thu by B, Fri by either), so
 * full coverage (0) with no handover is possible, and 2 people are needed
 * (38h of blocks pay more than one 24h cap). Any split day costs a
 * handover, so: A Mon, Wed; B Tue, Thu; Friday decided by fairness:
 *   A min 16h: 2 x 7h30 = 15h, B min 20h: 2 x 7h30 = 15h.
 *   Fri (6h, pays 5h30) to A: A 20h30, B 15h -> short 5h (300).
 *   Fri to B: A 15h short 1h, B 20h30 -> short 1h (60). So Friday is B's.
 * Targets 20h: A is 5h short of target, B none: 300. */
static void test_split_fte_around_classes(void **state) {
        rs_problem *p = tb_problem();
        int here = tb_place(p, "here"), school = tb_place(p, "school");
        size_t e = tb_employer(p, "agri", here);
        size_t pos = tb_position(p, e, "assembly", H(3), 2);
        size_t a, b;
        rs_solution *s;

        (void) state;
        tb_travel(p, here, school, 30);
        for (int d = MON; d <= THU; d++)
                tb_shift(p, pos, d, "08:00", "16:00", 1, 60);
        tb_shift(p, pos, FRI, "08:00", "14:00", 1, 60);
        a = tb_candidate(p, "c-a", H(16), H(20), H(24));
        b = tb_candidate(p, "c-b", H(20), H(20), H(24));
        tb_class(p, a, "a-pm", here, TUE, "13:00", "16:00");
        tb_class(p, a, "a-pm", here, THU, "13:00", "16:00");
        tb_class(p, b, "b-am", school, MON, "08:00", "12:00");
        tb_class(p, b, "b-am", school, WED, "08:00", "12:00");

        s = tb_solve(p);
        assert_int_equal(s->status, RS_STATUS_OPTIMAL);
        assert_int_equal(tb_count(s, pos), 5);
        assert_true(tb_has(s, pos, a, tb_t(MON, "08:00"), tb_t(MON, "16:00")));
        assert_true(tb_has(s, pos, b, tb_t(TUE, "08:00"), tb_t(TUE, "16:00")));
        assert_true(tb_has(s, pos, a, tb_t(WED, "08:00"), tb_t(WED, "16:00")));
        assert_true(tb_has(s, pos, b, tb_t(THU, "08:00"), tb_t(THU, "16:00")));
        assert_true(tb_has(s, pos, b, tb_t(FRI, "08:00"), tb_t(FRI, "14:00")));
        assert_int_equal(s->positions[pos].required_minutes, H(38));
        assert_int_equal(s->positions[pos].covered_minutes, H(38));
        assert_int_equal(s->positions[pos].n_uncovered, 0);
        assert_int_equal(s->positions[pos].n_people, 2);
        assert_int_equal(s->candidates[a].paid_minutes, H(15));
        assert_int_equal(s->candidates[b].paid_minutes, H(20) + 30);
        assert_int_equal(s->candidates[a].days, 2);
        assert_int_equal(s->candidates[b].days, 3);
        assert_goal(s, RS_GOAL_COVERAGE, 0);
        assert_false(s->goals[RS_GOAL_STABILITY].solved);
        assert_goal(s, RS_GOAL_PEOPLE, 2);
        assert_goal(s, RS_GOAL_HANDOVERS, 0);
        assert_goal(s, RS_GOAL_SHORTFALL_MIN, 60);
        assert_goal(s, RS_GOAL_SHORTFALL_TARGET, 300);
        rs_solution_free(s);
        rs_problem_free(p);
}

/* Mon-Wed 08:00-16:00, 1h grid, min_block 4h. Employer at "here"; the
 * school is 30 minutes away.
 *   Mon: A class 08:00-12:00 here (0 travel) -> A may start at 12:00.
 *        B class 08:00-12:00 at the school -> 12:30 -> 13:00 on the grid,
 *        13:00-16:00 is 3h < 4h: B cannot work Monday.
 *   Tue: A in class all day here. B class 08:00-11:30 at school: start at
 *        exactly 11:30 + 30m = 12:00 is allowed -> B 12:00-16:00.
 *   Wed: A in class all day. B class 12:30-16:00 at school: B may end at
 *        exactly 12:30 - 30m = 12:00 -> B 08:00-12:00.
 * Nothing else can be covered, so the roster is exactly those three. */
static void test_travel_buffer(void **state) {
        rs_problem *p = tb_problem();
        int here = tb_place(p, "here"), school = tb_place(p, "school");
        size_t e = tb_employer(p, "shop", here);
        size_t pos = tb_position(p, e, "till", H(4), 2);
        size_t a, b;
        rs_solution *s;
        const rs_why *w;

        (void) state;
        tb_travel(p, here, school, 30);
        for (int d = MON; d <= WED; d++)
                tb_shift(p, pos, d, "08:00", "16:00", 1, 60);
        a = tb_candidate(p, "c-a", 0, 0, H(40));
        b = tb_candidate(p, "c-b", 0, 0, H(40));
        tb_class(p, a, "a-mon", here, MON, "08:00", "12:00");
        tb_class(p, a, "a-tue", here, TUE, "08:00", "16:00");
        tb_class(p, a, "a-wed", here, WED, "08:00", "16:00");
        tb_class(p, b, "b-mon", school, MON, "08:00", "12:00");
        tb_class(p, b, "b-tue", school, TUE, "08:00", "11:30");
        tb_class(p, b, "b-wed", school, WED, "12:30", "16:00");

        s = tb_solve(p);
        assert_int_equal(s->status, RS_STATUS_OPTIMAL);
        assert_int_equal(tb_count(s, pos), 3);
        assert_true(tb_has(s, pos, a, tb_t(MON, "12:00"), tb_t(MON, "16:00")));
        assert_true(tb_has(s, pos, b, tb_t(TUE, "12:00"), tb_t(TUE, "16:00")));
        assert_true(tb_has(s, pos, b, tb_t(WED, "08:00"), tb_t(WED, "12:00")));
        assert_goal(s, RS_GOAL_COVERAGE, H(12));
        w = tb_why(s, pos, tb_t(MON, "08:00"), tb_t(MON, "12:00"), b);
        assert_non_null(w);
        assert_int_equal(w->reason, RS_REASON_CLASS);
        assert_string_equal(w->detail, "b-mon 08:00-12:00, 30m travel");
        w = tb_why(s, pos, tb_t(MON, "08:00"), tb_t(MON, "12:00"), a);
        assert_non_null(w);
        assert_string_equal(w->detail, "a-mon 08:00-12:00, 0m travel");
        rs_solution_free(s);
        rs_problem_free(p);
}

/* Night shifts Sat 22:00 - Sun 06:00 and Sun 22:00 - Mon 06:00 (8h, whole
 * only) of one position, a day shift Sun 08:00-17:00 (9h, whole only) of
 * another; one candidate; min_rest 4h here.
 * A night shift belongs to the day it starts (SPEC §10.4), so the Sunday
 * night and the Sunday day shift are the same working day: one block a
 * day allows only one of them. The Saturday night ends Sunday 06:00, two
 * hours before the day shift: rest forbids that pair. Options: both nights
 * (16h, rest between them 16h) or the day shift alone (9h): both nights.
 * (Were the night counted on the day it ends, day shift + Sunday night, 5h
 * apart on different days, would give 17h.) The Sunday night counts in
 * this week: 2 days, 2 x 7h30 paid. The day shift's gap: busy, the
 * candidate already has its one Sunday block. */
static void test_night_shift(void **state) {
        rs_problem *p = tb_problem();
        int here = tb_place(p, "here");
        size_t e = tb_employer(p, "bakery", here);
        size_t night = tb_position(p, e, "night", H(8), 1);
        size_t day = tb_position(p, e, "day", H(9), 1);
        size_t a;
        rs_solution *s;
        const rs_why *w;

        (void) state;
        p->rules.min_rest = H(4);
        tb_shift(p, night, SAT, "22:00", "06:00", 1, 60);
        tb_shift(p, night, SUN, "22:00", "06:00", 1, 60);
        tb_shift(p, day, SUN, "08:00", "17:00", 1, 60);
        a = tb_candidate(p, "c-a", 0, 0, H(40));

        s = tb_solve(p);
        assert_int_equal(s->status, RS_STATUS_OPTIMAL);
        assert_int_equal(tb_count(s, night), 2);
        assert_true(tb_has(s, night, a, tb_t(SAT, "22:00"), tb_t(SAT, "22:00") + H(8)));
        assert_true(tb_has(s, night, a, tb_t(SUN, "22:00"), tb_t(SUN, "22:00") + H(8)));
        assert_int_equal(s->positions[night].assignments[1].shift, 1);
        assert_int_equal(tb_count(s, day), 0);
        assert_int_equal(s->candidates[a].paid_minutes, H(15));
        assert_int_equal(s->candidates[a].days, 2);
        w = tb_why(s, day, tb_t(SUN, "08:00"), tb_t(SUN, "17:00"), a);
        assert_non_null(w);
        assert_int_equal(w->reason, RS_REASON_BUSY);
        assert_string_equal(w->detail, "bakery/night 22:00-06:00");
        rs_solution_free(s);
        rs_problem_free(p);
}

/* Position x (priority 2) Mon 14:00-22:00 and position y (priority 1)
 * Tue 06:00-14:00, both 1h grid, min_block 6h, one candidate. With a Mon
 * block ending at e and a Tue block starting at s, rest needs s >= e + 11h
 * (exactly 11h is allowed), and the Tue block needs s <= 08:00 to last
 * 6h, so e <= 21:00. Weighted cover 2 (e - 14:00) + (14:00 - s) is best
 * at e = 21:00, s = 08:00: 2 x 7h + 6h = 20h; e = 20:00, s = 07:00 gives
 * 2 x 6h + 7h = 19h; the whole Monday (2 x 8h) leaves Tuesday at most
 * 09:00-14:00 < 6h: 16h. So x 14:00-21:00 and y 08:00-14:00; uncovered
 * x 21:00-22:00 (2 x 60) and y 06:00-08:00 (120): 240. Both gaps are
 * explained as busy, the reasons being tested in the order of SPEC
 * §10.18's enum and the candidate already having its one block on each
 * of these days. */
static void test_rest_rule(void **state) {
        rs_problem *p = tb_problem();
        size_t e = tb_employer(p, "care", RS_NO_PLACE);
        size_t x = tb_position(p, e, "x", H(6), 1);
        size_t y = tb_position(p, e, "y", H(6), 1);
        size_t a;
        rs_solution *s;
        const rs_why *w;

        (void) state;
        tb_position_priority(p, x, 2);
        tb_shift(p, x, MON, "14:00", "22:00", 1, 60);
        tb_shift(p, y, TUE, "06:00", "14:00", 1, 60);
        a = tb_candidate(p, "c-a", 0, 0, H(40));

        s = tb_solve(p);
        assert_int_equal(s->status, RS_STATUS_OPTIMAL);
        assert_true(tb_has(s, x, a, tb_t(MON, "14:00"), tb_t(MON, "21:00")));
        assert_true(tb_has(s, y, a, tb_t(TUE, "08:00"), tb_t(TUE, "14:00")));
        assert_goal(s, RS_GOAL_COVERAGE, 240);
        w = tb_why(s, y, tb_t(TUE, "06:00"), tb_t(TUE, "08:00"), a);
        assert_non_null(w);
        assert_int_equal(w->reason, RS_REASON_BUSY);
        assert_string_equal(w->detail, "care/y 08:00-14:00");
        rs_solution_free(s);
        rs_problem_free(p);
}

/* Rest when a night block starts after the next day's first block.
 * min_rest 20h; one candidate; three positions, each shift worked whole
 * except b (4h grid, min_block 4h):
 *   a: Mon 22:00 - Tue 06:00 (working day Mon)
 *   b: Tue 22:00 - Wed 06:00 (working day Tue): 22-02, 02-06 or 22-06
 *   c: Wed 01:00 - 09:00     (working day Wed)
 * a + c: Tue 06:00 -> Wed 01:00 is 19h of rest: forbidden. a + b 02-06:
 * exactly 20h: allowed; a + b 22-xx: 16h: forbidden. b + c overlap. So
 * the most is a + b 02:00-06:00, 12h of the 24h: 720 minutes uncovered.
 * (A day-by-day path that keeps the states it admitted for Tuesday's
 * 02:00 block when it reaches Wednesday's 01:00 block would offer a + c,
 * 16h; the rule checker of tb.c refuses that for every engine.) */
static void test_rest_night_block_order(void **state) {
        rs_problem *p = tb_problem();
        size_t e = tb_employer(p, "care", RS_NO_PLACE);
        size_t a_pos = tb_position(p, e, "a", H(8), 1);
        size_t b_pos = tb_position(p, e, "b", H(4), 1);
        size_t c_pos = tb_position(p, e, "c", H(8), 1);
        size_t a;
        rs_solution *s;

        (void) state;
        p->rules.min_rest = H(20);
        tb_shift(p, a_pos, MON, "22:00", "06:00", 1, 60);
        tb_shift(p, b_pos, TUE, "22:00", "06:00", 1, 240);
        tb_shift(p, c_pos, WED, "01:00", "09:00", 1, 60);
        a = tb_candidate(p, "c-a", 0, 0, H(40));

        s = tb_solve(p);
        assert_int_equal(s->status, RS_STATUS_OPTIMAL);
        assert_goal(s, RS_GOAL_COVERAGE, 720);
        assert_true(tb_has(s, a_pos, a, tb_t(MON, "22:00"), tb_t(MON, "22:00") + H(8)));
        assert_true(tb_has(s, b_pos, a, tb_t(TUE, "22:00") + H(4), tb_t(TUE, "22:00") + H(8)));
        assert_int_equal(tb_count(s, c_pos), 0);
        rs_solution_free(s);
        rs_problem_free(p);
}

/* Breaks (SPEC §10.6): 5h30 pays 5h30 (exactly `after` loses nothing),
 * 6h pays 5h30, 10h30 pays 9h45 (only the largest take, 45m). Then
 * hours.max binds on paid hours: two whole 6h shifts pay 2 x 5h30 = 11h,
 * so with max 11h both are worked (12h of blocks), with max 10h59m only
 * one (which one: the Monday, Tuesday being 6h too -- tie broken by
 * nothing we assert, so only the count is checked). */
static void test_breaks_and_paid_hours(void **state) {
        rs_rules rules = { 0 };
        rs_break_rule br[] = { { 330, 30 }, { 600, 45 } };

        (void) state;
        rules.breaks = br;
        rules.n_breaks = 2;
        assert_int_equal(rs_rules_paid_minutes(&rules, 330), 330);
        assert_int_equal(rs_rules_paid_minutes(&rules, 360), 330);
        assert_int_equal(rs_rules_paid_minutes(&rules, 630), 585);
        assert_int_equal(rs_rules_paid_minutes(&rules, 600), 570);
        assert_int_equal(rs_rules_paid_minutes(&rules, 601), 556);

        for (int variant = 0; variant < 2; variant++) {
                rs_problem *p = tb_problem();
                size_t e = tb_employer(p, "store", RS_NO_PLACE);
                size_t pos = tb_position(p, e, "stock", H(6), 1);
                size_t a;
                rs_solution *s;

                tb_shift(p, pos, MON, "08:00", "14:00", 1, 60);
                tb_shift(p, pos, TUE, "08:00", "14:00", 1, 60);
                a = tb_candidate(p, "c-a", 0, 0, variant == 0 ? H(11) : H(11) - 1);
                s = tb_solve(p);
                assert_int_equal(s->status, RS_STATUS_OPTIMAL);
                if (variant == 0) {
                        assert_int_equal(tb_count(s, pos), 2);
                        assert_int_equal(s->candidates[a].paid_minutes, H(11));
                } else {
                        assert_int_equal(tb_count(s, pos), 1);
                        assert_int_equal(s->candidates[a].paid_minutes, 330);
                        assert_goal(s, RS_GOAL_COVERAGE, H(6));
                        assert_int_equal(s->positions[pos].uncovered[0].why[0].reason, RS_REASON_HOURS_CAP);
                        assert_string_equal(s->positions[pos].uncovered[0].why[0].detail, "5h30m of max 10h59m");
                }
                rs_solution_free(s);
                rs_problem_free(p);
        }

        {
                rs_problem *p = tb_problem();
                size_t e = tb_employer(p, "store", RS_NO_PLACE);
                size_t pos = tb_position(p, e, "long", H(3), 1);
                size_t a;
                rs_solution *s;

                tb_shift(p, pos, WED, "08:00", "18:30", 1, 30);
                a = tb_candidate(p, "c-a", 0, 0, H(40));
                s = tb_solve(p);
                /* One person, no handover: the whole 10h30 block, 9h45 paid. */
                assert_true(tb_has(s, pos, a, tb_t(WED, "08:00"), tb_t(WED, "18:30")));
                assert_int_equal(s->candidates[a].paid_minutes, 585);
                rs_solution_free(s);
                rs_problem_free(p);
        }
}

/* max_people 1, whole 8h shifts Mon and Tue, 7h Wed. A may work 16h paid
 * (two days: 15h; three: 21h30 > 16h); B is in class Mon and Tue. Without
 * the limit A Mon+Tue and B Wed would cover everything; with one person
 * allowed the best is A on Mon and Tue (16h) against B alone on Wed (7h).
 * Wednesday is then uncovered: A by the hours cap (15h paid, the 7h
 * block pays 6h30 > 1h left), B by the people limit. */
static void test_max_people(void **state) {
        rs_problem *p = tb_problem();
        size_t e = tb_employer(p, "farm", RS_NO_PLACE);
        size_t pos = tb_position(p, e, "picker", H(7), 1);
        size_t a, b;
        rs_solution *s;
        const rs_why *w;

        (void) state;
        tb_shift(p, pos, MON, "08:00", "16:00", 1, 60);
        tb_shift(p, pos, TUE, "08:00", "16:00", 1, 60);
        tb_shift(p, pos, WED, "08:00", "15:00", 1, 60);
        a = tb_candidate(p, "c-a", 0, 0, H(16));
        b = tb_candidate(p, "c-b", 0, 0, H(40));
        tb_class(p, b, "b", RS_NO_PLACE, MON, "08:00", "16:00");
        tb_class(p, b, "b", RS_NO_PLACE, TUE, "08:00", "16:00");

        s = tb_solve(p);
        assert_int_equal(tb_count(s, pos), 2);
        assert_true(tb_has(s, pos, a, tb_t(MON, "08:00"), tb_t(MON, "16:00")));
        assert_true(tb_has(s, pos, a, tb_t(TUE, "08:00"), tb_t(TUE, "16:00")));
        assert_int_equal(s->positions[pos].n_people, 1);
        assert_goal(s, RS_GOAL_COVERAGE, H(7));
        w = tb_why(s, pos, tb_t(WED, "08:00"), tb_t(WED, "15:00"), a);
        assert_non_null(w);
        assert_int_equal(w->reason, RS_REASON_HOURS_CAP);
        assert_string_equal(w->detail, "15h of max 16h");
        w = tb_why(s, pos, tb_t(WED, "08:00"), tb_t(WED, "15:00"), b);
        assert_non_null(w);
        assert_int_equal(w->reason, RS_REASON_PEOPLE_LIMIT);
        assert_string_equal(w->detail, "1 of max 1 people");
        rs_solution_free(s);
        rs_problem_free(p);
}

/* min_block 4h; a 3h evening shift (18:00-21:00) may only be worked
 * whole (SPEC §10.3). Mon: A has a class 20:00-22:00 at the employer's
 * place, so only B can take it, whole. Tue: A in class 18:00-19:30, B in
 * class 19:30-21:00: each could do a piece but a piece is shorter than
 * min_block and not the whole shift, so Tuesday stays uncovered, whole. */
static void test_short_shift_whole(void **state) {
        rs_problem *p = tb_problem();
        int here = tb_place(p, "here");
        size_t e = tb_employer(p, "bar", here);
        size_t pos = tb_position(p, e, "evening", H(4), 2);
        size_t a, b;
        rs_solution *s;

        (void) state;
        tb_shift(p, pos, MON, "18:00", "21:00", 1, 30);
        tb_shift(p, pos, TUE, "18:00", "21:00", 1, 30);
        a = tb_candidate(p, "c-a", 0, 0, H(40));
        b = tb_candidate(p, "c-b", 0, 0, H(40));
        tb_class(p, a, "a1", here, MON, "20:00", "22:00");
        tb_class(p, a, "a2", here, TUE, "18:00", "19:30");
        tb_class(p, b, "b2", here, TUE, "19:30", "21:00");

        s = tb_solve(p);
        assert_int_equal(tb_count(s, pos), 1);
        assert_true(tb_has(s, pos, b, tb_t(MON, "18:00"), tb_t(MON, "21:00")));
        assert_int_equal(s->positions[pos].n_uncovered, 1);
        assert_int_equal(s->positions[pos].uncovered[0].start, tb_t(TUE, "18:00"));
        assert_int_equal(s->positions[pos].uncovered[0].end, tb_t(TUE, "21:00"));
        assert_int_equal(s->positions[pos].uncovered[0].missing, 1);
        assert_int_equal(tb_why(s, pos, tb_t(TUE, "18:00"), tb_t(TUE, "21:00"), a)->reason, RS_REASON_CLASS);
        assert_int_equal(tb_why(s, pos, tb_t(TUE, "18:00"), tb_t(TUE, "21:00"), b)->reason, RS_REASON_CLASS);
        (void) a;
        rs_solution_free(s);
        rs_problem_free(p);
}

/* A is placed at two employers with a shared 8h cap: whole 8h shifts Mon
 * at E1 (priority 1) and Tue at E2 (priority 2). Both pay 7h30, together
 * 15h > 8h: only one. Weighted coverage prefers E2 (2 x 480 uncovered
 * would cost 960 against 480). Mon at E1 is uncovered, A by the hours
 * cap; B (placed only at E1) is in class; C is placed only at E2 and
 * would qualify: not-placed. Goal 1 = 480. */
static void test_two_employers_shared_cap(void **state) {
        rs_problem *p = tb_problem();
        size_t e1 = tb_employer(p, "e1", RS_NO_PLACE), e2 = tb_employer(p, "e2", RS_NO_PLACE);
        size_t p1 = tb_position(p, e1, "p1", H(8), 2), p2 = tb_position(p, e2, "p2", H(8), 2);
        size_t a, b, c;
        rs_solution *s;
        const rs_why *w;
        int g0 = tb_t(MON, "08:00"), g1 = tb_t(MON, "16:00");

        (void) state;
        tb_position_priority(p, p2, 2);
        tb_shift(p, p1, MON, "08:00", "16:00", 1, 60);
        tb_shift(p, p2, TUE, "08:00", "16:00", 1, 60);
        a = tb_candidate(p, "c-a", 0, 0, H(8));
        tb_place_at(p, a, e1);
        tb_place_at(p, a, e2);
        b = tb_candidate(p, "c-b", 0, 0, H(40));
        tb_place_at(p, b, e1);
        tb_class(p, b, "b", RS_NO_PLACE, MON, "09:00", "10:00");
        c = tb_candidate(p, "c-c", 0, 0, H(40));
        tb_place_at(p, c, e2);
        tb_class(p, c, "c", RS_NO_PLACE, TUE, "09:00", "10:00");

        s = tb_solve(p);
        assert_int_equal(tb_count(s, p1), 0);
        assert_true(tb_has(s, p2, a, tb_t(TUE, "08:00"), tb_t(TUE, "16:00")));
        assert_goal(s, RS_GOAL_COVERAGE, 480);
        assert_int_equal(s->positions[p1].covered_minutes, 0);
        assert_int_equal(s->positions[p2].covered_minutes, 480);
        w = tb_why(s, p1, g0, g1, a);
        assert_int_equal(w->reason, RS_REASON_HOURS_CAP);
        assert_string_equal(w->detail, "7h30m of max 8h");
        assert_int_equal(tb_why(s, p1, g0, g1, b)->reason, RS_REASON_CLASS);
        w = tb_why(s, p1, g0, g1, c);
        assert_int_equal(w->reason, RS_REASON_NOT_PLACED);
        assert_null(w->detail);
        rs_solution_free(s);
        rs_problem_free(p);
}

/* People first, then handovers. One shift Mon 08:00-16:00 (1h grid,
 * min_block 4h) and two free candidates: one person can do it all, so
 * people = 1 and no handover; which one is fairness: A has min 8h (the
 * block pays 7h30, A short 30m if A works, 8h if B works): A. Then Tue:
 * A in class 12:00-16:00, B in class 08:00-12:00 -> split with one
 * handover at 12:00 is the only full cover. Wed: A in class 08:00-12:00,
 * B free: B whole (no handover) beats A 12-16 + B 08-12 (one). So
 * handovers = 1, people = 2 (both needed on Tuesday). */
static void test_continuity_and_fairness(void **state) {
        rs_problem *p = tb_problem();
        int here = tb_place(p, "here");
        size_t e = tb_employer(p, "e", here);
        size_t pos = tb_position(p, e, "p", H(4), 2);
        size_t a, b;
        rs_solution *s;

        (void) state;
        tb_shift(p, pos, MON, "08:00", "16:00", 1, 60);
        tb_shift(p, pos, TUE, "08:00", "16:00", 1, 60);
        tb_shift(p, pos, WED, "08:00", "16:00", 1, 60);
        a = tb_candidate(p, "c-a", H(8), H(8), H(40));
        b = tb_candidate(p, "c-b", 0, 0, H(40));
        tb_class(p, a, "a", here, TUE, "12:00", "16:00");
        tb_class(p, b, "b", here, TUE, "08:00", "12:00");
        tb_class(p, a, "a", here, WED, "08:00", "12:00");

        s = tb_solve(p);
        assert_int_equal(s->status, RS_STATUS_OPTIMAL);
        assert_int_equal(tb_count(s, pos), 4);
        assert_true(tb_has(s, pos, a, tb_t(TUE, "08:00"), tb_t(TUE, "12:00")));
        assert_true(tb_has(s, pos, b, tb_t(TUE, "12:00"), tb_t(TUE, "16:00")));
        assert_true(tb_has(s, pos, b, tb_t(WED, "08:00"), tb_t(WED, "16:00")));
        assert_goal(s, RS_GOAL_COVERAGE, 0);
        assert_goal(s, RS_GOAL_PEOPLE, 2);
        assert_goal(s, RS_GOAL_HANDOVERS, 1);
        /* A: Tue 4h + Mon? Mon whole by A pays 7h30: A at 11h30 >= 8h. If B
         * took Monday A would have 4h: short 4h. So Monday is A's. */
        assert_true(tb_has(s, pos, a, tb_t(MON, "08:00"), tb_t(MON, "16:00")));
        assert_goal(s, RS_GOAL_SHORTFALL_MIN, 0);
        rs_solution_free(s);

        /* The single-shift case alone: one person, and A for fairness. */
        {
                rs_problem *q = tb_problem();
                size_t e2 = tb_employer(q, "e", RS_NO_PLACE);
                size_t p2 = tb_position(q, e2, "p", H(4), 2);
                size_t qa, qb;

                tb_shift(q, p2, MON, "08:00", "16:00", 1, 60);
                qa = tb_candidate(q, "c-a", 0, 0, H(40));
                qb = tb_candidate(q, "c-b", H(8), H(8), H(40));
                s = tb_solve(q);
                assert_int_equal(tb_count(s, p2), 1);
                assert_true(tb_has(s, p2, qb, tb_t(MON, "08:00"), tb_t(MON, "16:00")));
                assert_goal(s, RS_GOAL_PEOPLE, 1);
                assert_goal(s, RS_GOAL_HANDOVERS, 0);
                assert_goal(s, RS_GOAL_SHORTFALL_MIN, 30);
                (void) qa;
                rs_solution_free(s);
                rs_problem_free(q);
        }
        rs_problem_free(p);
}

/* People outrank fairness: whole 8h shifts Mon and Tue, A and B both with
 * min 8h. Split (A Mon, B Tue) leaves each 30m short of 8h (60 in all)
 * but uses two people; one person on both days (15h) leaves the other
 * 8h short (480) with one person. Goal 3 wins: one person. Then targets:
 * C and D (min 0) for a Wednesday shift of another position, one of them
 * with target 8h: only the target separates them, and it decides (run
 * both ways round so that a lucky tie-break cannot pass). */
static void test_people_before_fairness(void **state) {
        (void) state;
        for (int variant = 0; variant < 2; variant++) {
                rs_problem *p = tb_problem();
                size_t e = tb_employer(p, "e", RS_NO_PLACE);
                size_t pos = tb_position(p, e, "p", H(8), 2);
                size_t other = tb_position(p, e, "q", H(8), 2);
                size_t a, b, c, d;
                rs_solution *s;

                tb_shift(p, pos, MON, "08:00", "16:00", 1, 60);
                tb_shift(p, pos, TUE, "08:00", "16:00", 1, 60);
                tb_shift(p, other, WED, "08:00", "16:00", 1, 60);
                a = tb_candidate(p, "c-a", H(8), H(8), H(40));
                b = tb_candidate(p, "c-b", H(8), H(8), H(40));
                c = tb_candidate(p, "c-c", 0, variant == 0 ? H(8) : 0, H(40));
                d = tb_candidate(p, "c-d", 0, variant == 1 ? H(8) : 0, H(40));
                tb_class(p, c, "c", RS_NO_PLACE, MON, "08:00", "17:00");
                tb_class(p, c, "c", RS_NO_PLACE, TUE, "08:00", "17:00");
                tb_class(p, d, "d", RS_NO_PLACE, MON, "08:00", "17:00");
                tb_class(p, d, "d", RS_NO_PLACE, TUE, "08:00", "17:00");
                tb_class(p, a, "a", RS_NO_PLACE, WED, "08:00", "17:00");
                tb_class(p, b, "b", RS_NO_PLACE, WED, "08:00", "17:00");

                s = tb_solve(p);
                assert_int_equal(tb_count(s, pos), 2);
                assert_int_equal(s->positions[pos].n_people, 1);
                assert_true(tb_has(s, other, variant == 0 ? c : d, tb_t(WED, "08:00"), tb_t(WED, "16:00")));
                assert_goal(s, RS_GOAL_PEOPLE, 2);
                assert_goal(s, RS_GOAL_SHORTFALL_MIN, 480);
                /* Targets: the worker of p has 15h >= 8h, the other is 8h
                 * short; the one with a target gets 7h30 of 8h (30). */
                assert_goal(s, RS_GOAL_SHORTFALL_TARGET, 480 + 30);
                rs_solution_free(s);
                rs_problem_free(p);
        }
}

/* max_days 2 with whole shifts Mon, Tue 8h and Wed 7h: two days, the two
 * longest. Wednesday: day-cap "2 of max 2 days". */
static void test_max_days(void **state) {
        rs_problem *p = tb_problem();
        size_t e = tb_employer(p, "e", RS_NO_PLACE);
        size_t pos = tb_position(p, e, "p", H(7), 1);
        size_t a;
        rs_solution *s;
        const rs_why *w;

        (void) state;
        tb_shift(p, pos, MON, "08:00", "16:00", 1, 60);
        tb_shift(p, pos, TUE, "08:00", "16:00", 1, 60);
        tb_shift(p, pos, WED, "08:00", "15:00", 1, 60);
        a = tb_candidate(p, "c-a", 0, 0, H(40));
        tb_candidate_max_days(p, a, 2);

        s = tb_solve(p);
        assert_int_equal(tb_count(s, pos), 2);
        assert_true(tb_has(s, pos, a, tb_t(MON, "08:00"), tb_t(MON, "16:00")));
        assert_true(tb_has(s, pos, a, tb_t(TUE, "08:00"), tb_t(TUE, "16:00")));
        assert_int_equal(s->candidates[a].days, 2);
        w = tb_why(s, pos, tb_t(WED, "08:00"), tb_t(WED, "15:00"), a);
        assert_non_null(w);
        assert_int_equal(w->reason, RS_REASON_DAY_CAP);
        assert_string_equal(w->detail, "2 of max 2 days");
        rs_solution_free(s);
        rs_problem_free(p);
}

/* max_blocks_per_day 2: whole shifts Mon 08:00-12:00 (p1), 13:00-17:00
 * (p2), 18:00-21:00 (p3), one candidate. Two of three: p1 and p2 (8h)
 * beat any pair with p3 (7h). p3 is uncovered, busy: two blocks already. */
static void test_max_blocks_per_day(void **state) {
        rs_problem *p = tb_problem();
        size_t e = tb_employer(p, "e", RS_NO_PLACE);
        size_t p1 = tb_position(p, e, "p1", H(4), 1);
        size_t p2 = tb_position(p, e, "p2", H(4), 1);
        size_t p3 = tb_position(p, e, "p3", H(3), 1);
        size_t a;
        rs_solution *s;
        const rs_why *w;

        (void) state;
        p->rules.max_blocks_per_day = 2;
        tb_shift(p, p1, MON, "08:00", "12:00", 1, 60);
        tb_shift(p, p2, MON, "13:00", "17:00", 1, 60);
        tb_shift(p, p3, MON, "18:00", "21:00", 1, 60);
        a = tb_candidate(p, "c-a", 0, 0, H(40));

        s = tb_solve(p);
        assert_true(tb_has(s, p1, a, tb_t(MON, "08:00"), tb_t(MON, "12:00")));
        assert_true(tb_has(s, p2, a, tb_t(MON, "13:00"), tb_t(MON, "17:00")));
        assert_int_equal(tb_count(s, p3), 0);
        assert_int_equal(s->candidates[a].days, 1);
        assert_int_equal(s->candidates[a].paid_minutes, H(8));
        w = tb_why(s, p3, tb_t(MON, "18:00"), tb_t(MON, "21:00"), a);
        assert_non_null(w);
        assert_int_equal(w->reason, RS_REASON_BUSY);
        assert_string_equal(w->detail, "e/p1 08:00-12:00");
        rs_solution_free(s);

        /* With one block a day only the longest single block, p1 or p2
         * (tie), is worked. */
        p->rules.max_blocks_per_day = 1;
        s = tb_solve(p);
        assert_int_equal(tb_count(s, p1) + tb_count(s, p2) + tb_count(s, p3), 1);
        assert_int_equal(tb_count(s, p3), 0);
        rs_solution_free(s);
        rs_problem_free(p);
}

/* Headcount 2 on one shift, 1h grid, min_block 4h, Mon 08:00-16:00; A, B,
 * C each in class at a different time so that: A can work 08-16, B only
 * 12-16 (class 08-12), C nothing (class all day). Full would need 16h;
 * A whole + B 12-16 = 12h, so 08:00-12:00 misses one person. */
static void test_headcount_two(void **state) {
        rs_problem *p = tb_problem();
        int here = tb_place(p, "here");
        size_t e = tb_employer(p, "e", here);
        size_t pos = tb_position(p, e, "p", H(4), 2);
        size_t a, b, c;
        rs_solution *s;

        (void) state;
        tb_shift(p, pos, MON, "08:00", "16:00", 2, 60);
        a = tb_candidate(p, "c-a", 0, 0, H(40));
        b = tb_candidate(p, "c-b", 0, 0, H(40));
        c = tb_candidate(p, "c-c", 0, 0, H(40));
        tb_class(p, b, "b", here, MON, "08:00", "12:00");
        tb_class(p, c, "c", here, MON, "08:00", "16:00");

        s = tb_solve(p);
        assert_true(tb_has(s, pos, a, tb_t(MON, "08:00"), tb_t(MON, "16:00")));
        assert_true(tb_has(s, pos, b, tb_t(MON, "12:00"), tb_t(MON, "16:00")));
        assert_int_equal(s->positions[pos].required_minutes, H(16));
        assert_int_equal(s->positions[pos].covered_minutes, H(12));
        assert_int_equal(s->positions[pos].n_uncovered, 1);
        assert_int_equal(s->positions[pos].uncovered[0].missing, 1);
        assert_int_equal(s->positions[pos].uncovered[0].start, tb_t(MON, "08:00"));
        assert_int_equal(s->positions[pos].uncovered[0].end, tb_t(MON, "12:00"));
        /* A works there at that time: busy. */
        assert_int_equal(tb_why(s, pos, tb_t(MON, "08:00"), tb_t(MON, "12:00"), a)->reason, RS_REASON_BUSY);
        assert_int_equal(tb_why(s, pos, tb_t(MON, "08:00"), tb_t(MON, "12:00"), c)->reason, RS_REASON_CLASS);
        assert_goal(s, RS_GOAL_HANDOVERS, 0);
        rs_solution_free(s);
        rs_problem_free(p);
}

/* The pattern formulation must prove goal 1 on its own when a people
 * limit decides it. One picker position, max_people 1: Mon and Tue
 * 08:00-16:00 (7h paid after a 60-minute break), Wed 08:00-15:00 (6h).
 * A (max 16h) can work two of the three days; B is in class Mon and Tue
 * and could work Wed, but only one person may work the position. Best:
 * A on Mon+Tue (16h of blocks, 14h paid), Wed uncovered: 7h = 420 weighted
 * minutes. The Lagrangian bound alone ignores the limit and would let B
 * cover Wednesday too (a bound of 0 uncovered); the pattern LP, priced
 * with the limit's dual, gives 420, which proves the roster. Solved with
 * the local-search engine, so no direct MIP can prove it instead. */
static void test_pattern_bound_proves(void **state) {
        rs_problem *p = tb_problem();
        size_t e = tb_employer(p, "farm", RS_NO_PLACE);
        size_t pos = tb_position(p, e, "picker", H(7), 1);
        rs_solve_opts opts = { 0 };
        rs_solution *s = NULL;
        size_t a, b;

        (void) state;
        tb_shift(p, pos, MON, "08:00", "16:00", 1, 60);
        tb_shift(p, pos, TUE, "08:00", "16:00", 1, 60);
        tb_shift(p, pos, WED, "08:00", "15:00", 1, 60);
        a = tb_candidate(p, "c-a", 0, 0, H(16));
        b = tb_candidate(p, "c-b", 0, 0, H(40));
        tb_class(p, b, "b", RS_NO_PLACE, MON, "08:00", "16:00");
        tb_class(p, b, "b", RS_NO_PLACE, TUE, "08:00", "16:00");

        assert_int_equal(rs_solve_engine(p, &opts, RS_ENGINE_HEURISTIC, &s, NULL), 0);
        assert_int_equal(tb_check_rules(p, s), 0);
        assert_true(tb_has(s, pos, a, tb_t(MON, "08:00"), tb_t(MON, "16:00")));
        assert_true(tb_has(s, pos, a, tb_t(TUE, "08:00"), tb_t(TUE, "16:00")));
        assert_goal(s, RS_GOAL_COVERAGE, H(7));
        assert_true(s->goals[RS_GOAL_COVERAGE].proven);
        assert_true(s->goals[RS_GOAL_COVERAGE].bound == s->goals[RS_GOAL_COVERAGE].value);
        (void) b;
        rs_solution_free(s);
        rs_problem_free(p);
}

/* The weighted minutes rs_slice_bound() allows the one component of @p. */
static double slice_covered(const rs_problem *p) {
        rs_prep prep;
        double covered;

        assert_int_equal(rs_prep_build(&prep, p), 0);
        assert_int_equal(prep.n_comps, 1);
        assert_int_equal(rs_slice_bound(&prep, &prep.comps[0], &covered), 0);
        rs_prep_done(&prep);
        return covered;
}

/* slices.c's bound, derived by hand on three weeks of one candidate c
 * (a second one, d, is in class all Monday):
 *  - one position, Monday 09:00-13:00, headcount 2, grid 2h, blocks of
 *    2h: both segments have one candidate able, so at most 2 x 120 = 240
 *    of the 480 minutes are covered; 240 uncovered at best, and c
 *    working the shift reaches it;
 *  - two positions, Monday 09:00-13:00 each, headcount 1: c is able to
 *    work either segment of every hour (the bound of min(headcount,
 *    able) per segment allows 480), but works one place at a time:
 *    each slice of an hour has one candidate, 4 x 60 = 240;
 *  - Monday 06:00-10:00 at priority 2 and 14:00-18:00 at priority 1,
 *    blocks of 4h: no slice has two open segments (720 weighted minutes
 *    by slices), but c works one block that day, at most the longer
 *    weighted shift: 2 x 240 = 480 covered, 240 uncovered; c working
 *    the first shift reaches it;
 *  - Monday and Tuesday 09:00-13:00, headcount 1, blocks of 4h: each day
 *    alone allows 240, but with max_days 1, or with hours.max 4h (a
 *    4h block pays 4h, no break before 5h30m), c works one of the two
 *    days: 240 of 480 covered. */
static void test_slice_bound(void **state) {
        rs_problem *p = tb_problem();
        size_t e = tb_employer(p, "shop", RS_NO_PLACE);
        size_t a = tb_position(p, e, "till", H(2), 2), c, d;
        rs_solve_opts opts = { 0 };
        rs_solution *s = NULL;

        (void) state;
        tb_shift(p, a, MON, "09:00", "13:00", 2, 120);
        c = tb_candidate(p, "c", 0, 0, H(40));
        d = tb_candidate(p, "d", 0, 0, H(40));
        tb_class(p, d, "d", RS_NO_PLACE, MON, "08:00", "14:00");
        assert_true(slice_covered(p) == 240);
        assert_int_equal(rs_solve_engine(p, &opts, RS_ENGINE_HEURISTIC, &s, NULL), 0);
        assert_int_equal(tb_check_rules(p, s), 0);
        assert_goal(s, RS_GOAL_COVERAGE, 240);
        assert_true(s->goals[RS_GOAL_COVERAGE].proven);
        rs_solution_free(s);
        rs_problem_free(p);

        p = tb_problem();
        e = tb_employer(p, "shop", RS_NO_PLACE);
        a = tb_position(p, e, "till", H(4), 1);
        tb_shift(p, a, MON, "09:00", "13:00", 1, 60);
        a = tb_position(p, e, "shelves", H(4), 1);
        tb_shift(p, a, MON, "09:00", "13:00", 1, 60);
        c = tb_candidate(p, "c", 0, 0, H(40));
        assert_true(slice_covered(p) == 240);
        rs_problem_free(p);

        p = tb_problem();
        e = tb_employer(p, "shop", RS_NO_PLACE);
        a = tb_position(p, e, "bake", H(4), 1);
        tb_position_priority(p, a, 2);
        tb_shift(p, a, MON, "06:00", "10:00", 1, 60);
        a = tb_position(p, e, "sell", H(4), 1);
        tb_shift(p, a, MON, "14:00", "18:00", 1, 60);
        c = tb_candidate(p, "c", 0, 0, H(40));
        assert_true(slice_covered(p) == 480);
        assert_int_equal(rs_solve_engine(p, &opts, RS_ENGINE_HEURISTIC, &s, NULL), 0);
        assert_int_equal(tb_check_rules(p, s), 0);
        assert_goal(s, RS_GOAL_COVERAGE, 240);
        assert_true(s->goals[RS_GOAL_COVERAGE].proven);
        rs_solution_free(s);
        rs_problem_free(p);

        for (int cap = 0; cap < 3; cap++) {
                p = tb_problem();
                e = tb_employer(p, "shop", RS_NO_PLACE);
                a = tb_position(p, e, "till", H(4), 1);
                tb_shift(p, a, MON, "09:00", "13:00", 1, 60);
                tb_shift(p, a, TUE, "09:00", "13:00", 1, 60);
                c = tb_candidate(p, "c", 0, 0, cap == 2 ? H(4) : H(40));
                if (cap == 1)
                        tb_candidate_max_days(p, c, 1);
                assert_true(slice_covered(p) == (cap == 0 ? 480 : 240));
                rs_problem_free(p);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_split_fte_around_classes),
                cmocka_unit_test(test_travel_buffer),
                cmocka_unit_test(test_night_shift),
                cmocka_unit_test(test_rest_rule),
                cmocka_unit_test(test_rest_night_block_order),
                cmocka_unit_test(test_breaks_and_paid_hours),
                cmocka_unit_test(test_max_people),
                cmocka_unit_test(test_short_shift_whole),
                cmocka_unit_test(test_two_employers_shared_cap),
                cmocka_unit_test(test_continuity_and_fairness),
                cmocka_unit_test(test_people_before_fairness),
                cmocka_unit_test(test_max_days),
                cmocka_unit_test(test_max_blocks_per_day),
                cmocka_unit_test(test_headcount_two),
                cmocka_unit_test(test_pattern_bound_proves),
                cmocka_unit_test(test_slice_bound),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
