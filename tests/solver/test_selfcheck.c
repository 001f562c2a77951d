/* tests/solver/test_selfcheck.c -- rs_selfcheck(), the last line of
 * defence: a correct roster passes, and the same roster broken in exactly
 * one way fails with a message that names the rule.
 *
 * The week (default rules of tb_problem(): max_shift 12h, max_week 60h,
 * min_rest 11h, one block a day, 30m break after 5h30m):
 *   agri/pack at "here", A1 and skill vca, min_block 4h, max_people 2,
 *   1h grid: Mon 08:00-16:00, Tue 08:00-16:00, Wed 18:00-21:00 (shorter
 *   than min_block: worked whole, §10.3).
 *   c-a: max 10h30, class Tue 09:00-10:00 at "school" (30m travel).
 *   c-b: max 7h30, class Mon 09:00-10:00 at "school".
 *   c-d (A0), c-e (no vca), c-f (placed at metal only), c-x (unavailable
 *   all week) cannot work here.
 * Tuesday cannot be a's whole day, and b's cap (7h30) is one full day,
 * so the only roster with full coverage and no handover is
 * a Mon 08-16 + Wed 18-21 (7h30 + 3h = 10h30), b Tue 08-16. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tb.h"
#include "internal.h"
#include "selfcheck.h"

typedef struct week {
        rs_problem *p;
        rs_solution *s;
        size_t pos, a, b, d, e, f, x;
        size_t metal;
} week;

static week *week_new(void) {
        week *w = calloc(1, sizeof(*w));
        int here, school;
        size_t agri, vca;

        assert_non_null(w);
        w->p = tb_problem();
        here = tb_place(w->p, "here");
        school = tb_place(w->p, "school");
        tb_travel(w->p, here, school, 30);
        vca = tb_skill(w->p, "vca");
        agri = tb_employer(w->p, "agri", here);
        w->metal = tb_employer(w->p, "metal", school);
        w->pos = tb_position(w->p, agri, "pack", H(4), 2);
        tb_position_language(w->p, w->pos, RS_LEVEL_A1);
        tb_position_skill(w->p, w->pos, vca);
        tb_shift(w->p, w->pos, MON, "08:00", "16:00", 1, 60);
        tb_shift(w->p, w->pos, TUE, "08:00", "16:00", 1, 60);
        tb_shift(w->p, w->pos, WED, "18:00", "21:00", 1, 60);

        /* Candidates are sorted by id in a problem: add them in id order. */
        w->a = tb_candidate(w->p, "c-a", 0, 0, H(10) + 30);
        w->b = tb_candidate(w->p, "c-b", 0, 0, H(7) + 30);
        w->d = tb_candidate(w->p, "c-d", 0, 0, H(40));
        w->e = tb_candidate(w->p, "c-e", 0, 0, H(40));
        w->f = tb_candidate(w->p, "c-f", 0, 0, H(40));
        w->x = tb_candidate(w->p, "c-x", 0, 0, H(40));
        tb_class(w->p, w->a, "a-tue", school, TUE, "09:00", "10:00");
        tb_class(w->p, w->b, "b-mon", school, MON, "09:00", "10:00");
        tb_unavailable(w->p, w->x, MON, "00:00", "00:00", "away");
        w->p->candidates[w->x].unavailable[0].end = RS_DAYS_PER_WEEK * RS_MINUTES_PER_DAY + H(12);
        for (size_t c = 0; c < w->p->n_candidates; c++) {
                if (c != w->d)
                        tb_candidate_language(w->p, c, RS_LEVEL_B1);
                if (c != w->e)
                        tb_candidate_skill(w->p, c, vca);
        }
        tb_place_at(w->p, w->f, w->metal);

        w->s = tb_solve(w->p);
        assert_int_equal(w->s->status, RS_STATUS_OPTIMAL);
        assert_int_equal(tb_count(w->s, w->pos), 3);
        assert_true(tb_has(w->s, w->pos, w->a, tb_t(MON, "08:00"), tb_t(MON, "16:00")));
        assert_true(tb_has(w->s, w->pos, w->b, tb_t(TUE, "08:00"), tb_t(TUE, "16:00")));
        assert_true(tb_has(w->s, w->pos, w->a, tb_t(WED, "18:00"), tb_t(WED, "21:00")));
        return w;
}

static void week_free(week *w) {
        rs_solution_free(w->s);
        rs_problem_free(w->p);
        free(w);
}

static int setup(void **state) {
        *state = week_new();
        return 0;
}

static int teardown(void **state) {
        week_free(*state);
        return 0;
}

/* The assignment of @cand that starts at @start. */
static rs_assignment *find(week *w, size_t pos, size_t cand, int start) {
        rs_position_plan *plan = &w->s->positions[pos];

        for (size_t i = 0; i < plan->n_assignments; i++)
                if (plan->assignments[i].candidate == cand && plan->assignments[i].start == start)
                        return &plan->assignments[i];
        fail_msg("no assignment of candidate %zu at %d", cand, start);
        return NULL;
}

/* Lets c-x work: the week-long unavailability shrinks to a point. */
static void free_x(week *w) {
        w->p->candidates[w->x].unavailable[0].end = w->p->candidates[w->x].unavailable[0].start;
}

static void add(rs_solution *s, size_t pos, size_t shift, int start, int end, size_t cand) {
        rs_position_plan *plan = &s->positions[pos];
        rs_assignment *n = realloc(plan->assignments, (plan->n_assignments + 1) * sizeof(*n));

        assert_non_null(n);
        plan->assignments = n;
        plan->assignments[plan->n_assignments++] = (rs_assignment) {
                .shift = shift, .start = start, .end = end, .candidate = cand,
        };
}

static int cmp_size(const void *a, const void *b) {
        size_t x = *(const size_t *) a, y = *(const size_t *) b;

        return (x > y) - (x < y);
}

/* Recomputes what the roster claims (people, covered minutes, paid
 * minutes, days) from its assignments, so that a changed assignment breaks
 * only the rule it is meant to break and not the claims too. */
static void refresh(const rs_problem *p, rs_solution *s) {
        for (size_t pi = 0; pi < p->n_positions; pi++) {
                rs_position_plan *plan = &s->positions[pi];
                size_t n = 0;

                free(plan->people);
                plan->people = calloc(plan->n_assignments + 1, sizeof(size_t));
                assert_non_null(plan->people);
                plan->covered_minutes = 0;
                for (size_t i = 0; i < plan->n_assignments; i++) {
                        plan->people[i] = plan->assignments[i].candidate;
                        plan->covered_minutes += plan->assignments[i].end - plan->assignments[i].start;
                }
                qsort(plan->people, plan->n_assignments, sizeof(size_t), cmp_size);
                for (size_t i = 0; i < plan->n_assignments; i++)
                        if (i == 0 || plan->people[i] != plan->people[n - 1])
                                plan->people[n++] = plan->people[i];
                plan->n_people = n;
        }
        for (size_t ci = 0; ci < p->n_candidates; ci++) {
                const rs_candidate *c = &p->candidates[ci];
                bool day[RS_DAYS_PER_WEEK] = { false };
                int paid = 0, days = 0;

                for (size_t k = 0; k < c->n_commitments; k++)
                        if (c->commitments[k].day >= 0) {
                                paid += rs_rules_paid_minutes(&p->rules,
                                                              c->commitments[k].end - c->commitments[k].start);
                                day[c->commitments[k].day] = true;
                        }
                for (size_t pi = 0; pi < p->n_positions; pi++)
                        for (size_t i = 0; i < s->positions[pi].n_assignments; i++) {
                                const rs_assignment *a = &s->positions[pi].assignments[i];

                                if (a->candidate != ci)
                                        continue;
                                paid += rs_rules_paid_minutes(&p->rules, a->end - a->start);
                                day[p->positions[pi].shifts[a->shift].day] = true;
                        }
                for (int d = 0; d < RS_DAYS_PER_WEEK; d++)
                        days += day[d];
                s->candidates[ci].paid_minutes = paid;
                s->candidates[ci].days = days;
        }
}

/* rs_selfcheck() fails with -EPROTO and a message holding every one of
 * the NULL-terminated @words. */
static void expect(const week *w, ...) {
        char *msg = NULL;
        const char *word;
        va_list ap;
        int r = rs_selfcheck(w->p, w->s, &msg);

        if (r != -EPROTO)
                fail_msg("rs_selfcheck returned %d (%s), expected -EPROTO", r, msg ? msg : "no message");
        assert_non_null(msg);
        va_start(ap, w);
        while ((word = va_arg(ap, const char *)))
                if (!strstr(msg, word)) {
                        va_end(ap);
                        fail_msg("\"%s\" does not name \"%s\"", msg, word);
                }
        va_end(ap);
        free(msg);
}

static void expect_clean(const week *w) {
        char *msg = NULL;
        int r = rs_selfcheck(w->p, w->s, &msg);

        if (r != 0)
                fail_msg("rs_selfcheck returned %d: %s", r, msg ? msg : "no message");
        assert_null(msg);
}

static void test_clean(void **state) {
        week *w = *state;

        expect_clean(w);
        /* refresh() itself changes nothing on a correct roster. */
        refresh(w->p, w->s);
        expect_clean(w);
}

static void test_placement(void **state) {
        week *w = *state;

        find(w, w->pos, w->a, tb_t(WED, "18:00"))->candidate = w->f;
        refresh(w->p, w->s);
        expect(w, "rule 1 placement", "c-f", "agri/pack", "wed 18:00-21:00", NULL);
}

static void test_language(void **state) {
        week *w = *state;

        find(w, w->pos, w->a, tb_t(WED, "18:00"))->candidate = w->d;
        refresh(w->p, w->s);
        expect(w, "rule 1 language", "c-d", "agri/pack", "A0", "A1", NULL);
}

static void test_skill(void **state) {
        week *w = *state;

        find(w, w->pos, w->a, tb_t(WED, "18:00"))->candidate = w->e;
        refresh(w->p, w->s);
        expect(w, "rule 1 skill", "c-e", "vca", NULL);
}

/* b's class Mon 09:00-10:00 at school is 08:30-10:30 with travel: b on
 * Monday morning meets it. */
static void test_class(void **state) {
        week *w = *state;

        find(w, w->pos, w->a, tb_t(MON, "08:00"))->candidate = w->b;
        find(w, w->pos, w->b, tb_t(TUE, "08:00"))->candidate = w->a;
        refresh(w->p, w->s);
        expect(w, "rule 2 class", "c-b", "agri/pack mon 08:00-16:00", "b-mon", "30m travel", NULL);
}

/* The travel buffer decides: a class at school from 16:30 is 16:00 with
 * travel, so a's Monday block ending at 16:00 is still fine; from 16:15
 * it is 15:45 and the block meets it. */
static void test_class_travel(void **state) {
        week *w = *state;
        int school = 1;

        tb_class(w->p, w->a, "a-late", school, MON, "16:30", "17:30");
        expect_clean(w);
        w->p->candidates[w->a].classes[1].start -= 15;
        expect(w, "rule 2 class", "c-a", "a-late", "mon 16:15-17:30", NULL);
}

static void test_unavailable(void **state) {
        week *w = *state;

        tb_unavailable(w->p, w->b, TUE, "15:00", "15:30", "doctor");
        expect(w, "rule 2 unavailable", "c-b", "tue 15:00-15:30", NULL);
}

static void test_off_grid(void **state) {
        week *w = *state;

        find(w, w->pos, w->a, tb_t(MON, "08:00"))->end = tb_t(MON, "15:30");
        refresh(w->p, w->s);
        expect(w, "rule 3 grid", "c-a", "off the handover grid", NULL);
}

static void test_outside_shift(void **state) {
        week *w = *state;

        find(w, w->pos, w->a, tb_t(MON, "08:00"))->start = tb_t(MON, "07:00");
        refresh(w->p, w->s);
        expect(w, "rule 3 grid", "c-a", "outside its shift", NULL);
}

static void test_min_block(void **state) {
        week *w = *state;

        /* a 08:00-11:00, the rest of Monday left uncovered: 3h < 4h. */
        find(w, w->pos, w->a, tb_t(MON, "08:00"))->end = tb_t(MON, "11:00");
        refresh(w->p, w->s);
        expect(w, "rule 3 min_block", "c-a", "3h < 4h", NULL);
}

/* The Wednesday shift (3h) is shorter than min_block: worked whole it is
 * fine (the clean roster), a 2h piece of it is not. */
static void test_short_shift_not_whole(void **state) {
        week *w = *state;

        find(w, w->pos, w->a, tb_t(WED, "18:00"))->end = tb_t(WED, "20:00");
        refresh(w->p, w->s);
        expect(w, "rule 3 min_block", "c-a", "wed 18:00-20:00", "not the whole shift", NULL);
}

static void test_max_shift(void **state) {
        week *w = *state;

        w->p->rules.max_shift = H(7);
        expect(w, "rule 3 max_shift", "c-a", "8h > 7h", NULL);
}

/* Approved work elsewhere the same evening is a second block that day. */
static void test_blocks_per_day(void **state) {
        week *w = *state;

        tb_commitment(w->p, w->a, MON, "17:00", "18:00", "metal");
        refresh(w->p, w->s);
        expect(w, "rule 4 blocks per day", "c-a", "2 blocks on mon", NULL);
}

static void test_two_at_once(void **state) {
        week *w = *state;

        w->p->rules.max_blocks_per_day = 2;
        tb_commitment(w->p, w->b, TUE, "15:00", "17:00", "metal");
        refresh(w->p, w->s);
        expect(w, "rule 4 overlap", "c-b", "agri/pack tue 08:00-16:00", "commitment tue 15:00-17:00 at metal",
               NULL);
}

/* Monday evening work elsewhere until 23:00 leaves b 9h before Tuesday
 * 08:00. */
static void test_rest_commitment(void **state) {
        week *w = *state;

        w->p->candidates[w->b].hours_max = H(20);
        tb_commitment(w->p, w->b, MON, "20:00", "23:00", "metal");
        refresh(w->p, w->s);
        expect(w, "rule 4 rest", "c-b", "commitment mon 20:00-23:00", "agri/pack tue 08:00-16:00", "9h of rest",
               NULL);
}

/* The previous week's approved Sunday ends 23:30: 8h30 before Monday 08:00. */
static void test_rest_previous_week(void **state) {
        week *w = *state;

        tb_commitment(w->p, w->a, -1, "20:00", "23:30", "metal");
        expect(w, "rule 4 rest", "c-a", "previous-week work last-week sun 20:00-23:30", "8h30m of rest", NULL);
}

static void test_rest_previous_week_clean(void **state) {
        week *w = *state;

        /* 21:00 the day before is exactly 11h before 08:00. */
        tb_commitment(w->p, w->a, -1, "17:00", "21:00", "metal");
        expect_clean(w);
}

static void test_hours_max(void **state) {
        week *w = *state;

        w->p->candidates[w->a].hours_max = H(10);
        w->p->candidates[w->a].hours_target = 0;
        expect(w, "rule 5 hours", "c-a", "10h30m", "more than 10h", NULL);
}

static void test_max_week(void **state) {
        week *w = *state;

        w->p->rules.max_week = H(7);
        expect(w, "rule 5 hours", "c-", "more than 7h", NULL);
}

/* In-week work elsewhere counts for the hours: 1h on Thursday puts a at
 * 11h30 of 10h30. */
static void test_hours_with_commitment(void **state) {
        week *w = *state;

        tb_commitment(w->p, w->a, THU, "08:00", "09:00", "metal");
        refresh(w->p, w->s);
        expect(w, "rule 5 hours", "c-a", "11h30m", NULL);
}

static void test_max_days(void **state) {
        week *w = *state;

        tb_candidate_max_days(w->p, w->a, 1);
        expect(w, "rule 5 days", "c-a", "2 days", "max_days 1", NULL);
}

/* A third person on a max_people 2 position: x takes a's Monday
 * afternoon. */
static void test_third_person(void **state) {
        week *w = *state;

        find(w, w->pos, w->a, tb_t(MON, "08:00"))->end = tb_t(MON, "12:00");
        add(w->s, w->pos, 0, tb_t(MON, "12:00"), tb_t(MON, "16:00"), w->x);
        free_x(w);
        refresh(w->p, w->s);
        expect(w, "rule 6 people", "agri/pack", "3 distinct people", "max_people 2", NULL);
}

static void test_headcount(void **state) {
        week *w = *state;

        w->p->positions[w->pos].max_people = 3;
        add(w->s, w->pos, 0, tb_t(MON, "12:00"), tb_t(MON, "16:00"), w->x);
        free_x(w);
        refresh(w->p, w->s);
        expect(w, "rule 7 headcount", "agri/pack", "mon 12:00-13:00", "2 people", NULL);
}

static void test_claim_paid(void **state) {
        week *w = *state;

        w->s->candidates[w->a].paid_minutes += 30;
        expect(w, "claim paid", "c-a", "660", "630", NULL);
}

static void test_claim_days(void **state) {
        week *w = *state;

        w->s->candidates[w->b].days = 2;
        expect(w, "claim days", "c-b", NULL);
}

static void test_claim_covered(void **state) {
        week *w = *state;

        w->s->positions[w->pos].covered_minutes -= 60;
        expect(w, "claim covered", "agri/pack", NULL);
}

static void test_claim_required(void **state) {
        week *w = *state;

        w->s->positions[w->pos].required_minutes += 60;
        expect(w, "claim required", "agri/pack", NULL);
}

static void test_claim_people(void **state) {
        week *w = *state;

        w->s->positions[w->pos].n_people = 1;
        expect(w, "claim people", "agri/pack", NULL);
}

/* The bug this check was made for: Mon 22:00-06:00 and Wed 01:00-09:00
 * are 19h apart, under a min_rest of 20h. With min_block 8h they are
 * worked whole, so the solver takes one of them; the roster with both
 * fails. */
static void test_night_rest(void **state) {
        rs_problem *p = tb_problem();
        size_t e = tb_employer(p, "bakery", RS_NO_PLACE);
        size_t pos = tb_position(p, e, "oven", H(8), 2);
        size_t n;
        rs_solution *s;
        week w = { 0 };

        (void) state;
        p->rules.min_rest = H(20);
        tb_shift(p, pos, MON, "22:00", "06:00", 1, 60);
        tb_shift(p, pos, WED, "01:00", "09:00", 1, 60);
        n = tb_candidate(p, "c-n", 0, 0, H(24));
        s = tb_solve(p);
        assert_int_equal(tb_count(s, pos), 1);
        w.p = p;
        w.s = s;
        expect_clean(&w);
        if (tb_has(s, pos, n, tb_t(MON, "22:00"), tb_t(TUE, "06:00")))
                add(s, pos, 1, tb_t(WED, "01:00"), tb_t(WED, "09:00"), n);
        else
                add(s, pos, 0, tb_t(MON, "22:00"), tb_t(TUE, "06:00"), n);
        refresh(p, s);
        expect(&w, "rule 4 rest", "c-n", "bakery/oven mon 22:00-06:00", "bakery/oven wed 01:00-09:00",
               "19h of rest < min_rest 20h", NULL);
        rs_solution_free(s);
        rs_problem_free(p);
}

/* A night shift belongs to the day it starts (§10.4): Monday 22:00 to
 * Tuesday 06:00 and Tuesday 22:00 to Wednesday 06:00 are two working days
 * 16h apart, fine under min_rest 11h, and a Tuesday day block after the
 * first is a rest question, not a second block of Monday. */
static void test_night_days(void **state) {
        rs_problem *p = tb_problem();
        size_t e = tb_employer(p, "bakery", RS_NO_PLACE);
        size_t night = tb_position(p, e, "oven", H(4), 2);
        size_t day = tb_position(p, e, "shop", H(4), 2);
        size_t n, m;
        rs_solution *s;
        week w = { 0 };

        (void) state;
        tb_shift(p, night, MON, "22:00", "06:00", 1, 60);
        tb_shift(p, night, TUE, "22:00", "06:00", 1, 60);
        tb_shift(p, day, TUE, "07:00", "15:00", 1, 60);
        n = tb_candidate(p, "c-n", 0, 0, H(15));
        m = tb_candidate(p, "c-o", 0, 0, H(7) + 30);
        s = tb_solve(p);
        w.p = p;
        w.s = s;
        expect_clean(&w);
        assert_true(tb_has(s, night, n, tb_t(MON, "22:00"), tb_t(TUE, "06:00")));
        assert_true(tb_has(s, night, n, tb_t(TUE, "22:00"), tb_t(WED, "06:00")));
        assert_int_equal(s->candidates[n].days, 2);
        /* m's Tuesday shop block moved to n: Monday night ends 1h before. */
        s->positions[day].assignments[0].candidate = n;
        s->positions[night].assignments[1].candidate = m;
        refresh(p, s);
        expect(&w, "rule 4 rest", "c-n", "bakery/oven mon 22:00-06:00", "bakery/shop tue 07:00-15:00", "1h of rest",
               NULL);
        (void) m;
        rs_solution_free(s);
        rs_problem_free(p);
}

/* Small random weeks (classes, placements, unavailability, work
 * elsewhere): whatever each engine returns passes the check. rs_solve()
 * runs it too; this names the engines one by one, under a short time
 * limit so that unproven rosters are checked as well. */
static void test_random_clean(void **state) {
        (void) state;
        for (unsigned seed = 1; seed <= 4; seed++) {
                rs_problem *p = tb_random(seed, 2, 1, 6);

                for (int engine = RS_ENGINE_AUTO; engine <= RS_ENGINE_HEURISTIC; engine++) {
                        rs_solve_opts opts = { .time_limit = 1 };
                        rs_solution *s = NULL;
                        char *msg = NULL;
                        int r = rs_solve_engine(p, &opts, (rs_engine) engine, &s, &msg);

                        if (r < 0)
                                fail_msg("seed %u engine %d: %d %s", seed, engine, r, msg ? msg : "");
                        r = rs_selfcheck(p, s, &msg);
                        if (r < 0)
                                fail_msg("seed %u engine %d: %s", seed, engine, msg ? msg : "");
                        rs_solution_free(s);
                }
                rs_problem_free(p);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_clean, setup, teardown),
                cmocka_unit_test_setup_teardown(test_placement, setup, teardown),
                cmocka_unit_test_setup_teardown(test_language, setup, teardown),
                cmocka_unit_test_setup_teardown(test_skill, setup, teardown),
                cmocka_unit_test_setup_teardown(test_class, setup, teardown),
                cmocka_unit_test_setup_teardown(test_class_travel, setup, teardown),
                cmocka_unit_test_setup_teardown(test_unavailable, setup, teardown),
                cmocka_unit_test_setup_teardown(test_off_grid, setup, teardown),
                cmocka_unit_test_setup_teardown(test_outside_shift, setup, teardown),
                cmocka_unit_test_setup_teardown(test_min_block, setup, teardown),
                cmocka_unit_test_setup_teardown(test_short_shift_not_whole, setup, teardown),
                cmocka_unit_test_setup_teardown(test_max_shift, setup, teardown),
                cmocka_unit_test_setup_teardown(test_blocks_per_day, setup, teardown),
                cmocka_unit_test_setup_teardown(test_two_at_once, setup, teardown),
                cmocka_unit_test_setup_teardown(test_rest_commitment, setup, teardown),
                cmocka_unit_test_setup_teardown(test_rest_previous_week, setup, teardown),
                cmocka_unit_test_setup_teardown(test_rest_previous_week_clean, setup, teardown),
                cmocka_unit_test_setup_teardown(test_hours_max, setup, teardown),
                cmocka_unit_test_setup_teardown(test_max_week, setup, teardown),
                cmocka_unit_test_setup_teardown(test_hours_with_commitment, setup, teardown),
                cmocka_unit_test_setup_teardown(test_max_days, setup, teardown),
                cmocka_unit_test_setup_teardown(test_third_person, setup, teardown),
                cmocka_unit_test_setup_teardown(test_headcount, setup, teardown),
                cmocka_unit_test_setup_teardown(test_claim_paid, setup, teardown),
                cmocka_unit_test_setup_teardown(test_claim_days, setup, teardown),
                cmocka_unit_test_setup_teardown(test_claim_covered, setup, teardown),
                cmocka_unit_test_setup_teardown(test_claim_required, setup, teardown),
                cmocka_unit_test_setup_teardown(test_claim_people, setup, teardown),
                cmocka_unit_test(test_night_rest),
                cmocka_unit_test(test_night_days),
                cmocka_unit_test(test_random_clean),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
