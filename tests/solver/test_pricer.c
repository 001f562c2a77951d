/* tests/solver/test_pricer.c -- the pattern pricer against enumeration.
 *
 * The pattern master prices a candidate's weekly pattern under segment
 * prices u and a charge mu per distinct position worked (the people-limit
 * duals), which the day-by-day path cannot carry; lagrange.c's branch and
 * bound over the charged positions must still find the exact maximum.
 * One candidate, twelve positions each open on two of six days (four
 * shifts a day, early and late, so the 11-hour rest and the day and hour
 * caps all bind, and a position's charge is shared by the days worked
 * there), random prices and charges: the best value over every pattern this file
 * enumerates itself (its own reading of the rules) must equal the
 * pricer's exact value, and its bound may not be below it. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tb.h"
#include "internal.h"

#define N_POSITIONS 12

typedef struct enum_state {
        const rs_prep *prep;
        size_t cand;
        const double *price;            /* per segment */
        const size_t *seg_base;         /* per (position, shift) flat index */
        const double *mu;               /* per position, or NULL */
        size_t picked[RS_DAYS_PER_WEEK];
        size_t n_picked;
        double best;
} enum_state;

static unsigned long long rng_state;

static double uniform(void) {
        rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
        return (double) (rng_state >> 11) / 9007199254740992.0;
}

/* The pattern's value, or -HUGE_VAL when it breaks a rule. */
static double pattern_value(const enum_state *st, const size_t *opts, size_t n) {
        const rs_prep *prep = st->prep;
        const rs_problem *p = prep->problem;
        const rs_cand *k = &prep->cands[st->cand];
        double value = 0;
        int paid = 0;

        if ((int) n > k->days_left)
                return -HUGE_VAL;
        for (size_t a = 0; a < n; a++) {
                const rs_block *x = &prep->blocks[prep->opt_block[opts[a]]];
                size_t at = st->seg_base[prep->shift_base[x->position] + x->shift];
                bool seen = false;

                paid += x->paid;
                value += p->positions[x->position].priority * (double) (x->end - x->start);
                for (int g = x->first; g < x->last; g++)
                        value -= st->price[at + (size_t) g];
                for (size_t b = 0; b < a; b++) {
                        const rs_block *y = &prep->blocks[prep->opt_block[opts[b]]];
                        const rs_block *early = y->start <= x->start ? y : x, *late = early == y ? x : y;

                        if (x->day == y->day || late->start < early->end ||
                            late->start - early->end < p->rules.min_rest)
                                return -HUGE_VAL;
                        seen = seen || x->position == y->position;
                }
                if (!seen && st->mu)
                        value -= st->mu[x->position];
        }
        return paid <= k->left ? value : -HUGE_VAL;
}

static void enumerate(enum_state *st, int day) {
        const rs_prep *prep = st->prep;

        if (day == RS_DAYS_PER_WEEK) {
                double v = pattern_value(st, st->picked, st->n_picked);

                if (v > st->best)
                        st->best = v;
                return;
        }
        enumerate(st, day + 1);
        for (size_t o = prep->cand_opt[st->cand]; o < prep->cand_opt[st->cand + 1]; o++)
                if (prep->blocks[prep->opt_block[o]].day == day) {
                        st->picked[st->n_picked++] = o;
                        enumerate(st, day + 1);
                        st->n_picked--;
                }
}

static rs_problem *twelve_positions(void) {
        rs_problem *p = tb_problem();
        int site = tb_place(p, "site");
        size_t e = tb_employer(p, "shop", site);

        for (int j = 0; j < N_POSITIONS; j++) {
                char id[16];
                size_t pos;

                snprintf(id, sizeof(id), "p%d", j);
                pos = tb_position(p, e, id, H(4), 1);
                tb_position_priority(p, pos, 1 + j % 3);
                /* Days d and d + 2 or d + 3; the whole shift is the only block. */
                int d = j % 6, d2 = (d + 2 + j / 6) % 6, first = d < d2 ? d : d2, second = d < d2 ? d2 : d;
                const char *start = j < 6 ? "06:00" : "14:00", *end = j < 6 ? "14:00" : "22:00";

                tb_shift(p, pos, first, start, end, 1, 480);
                tb_shift(p, pos, second, start, end, 1, 480);
        }
        tb_candidate(p, "c", 0, H(20), H(28));
        return p;
}

static void test_charged_pricing_is_exact(void **state) {
        rs_problem *p = twelve_positions();
        const rs_comp *comp = NULL;
        size_t i = 0, n_seg = 0, n_flat, *seg_base;
        double mu[N_POSITIONS];
        rs_pricer *pricer = NULL;
        rs_prep prep;
        int misses = 0;

        (void) state;
        assert_int_equal(rs_prep_build(&prep, p), 0);
        for (size_t k = 0; k < prep.n_comps; k++)
                for (size_t x = 0; x < prep.comps[k].n_cands; x++)
                        if (prep.comps[k].cands[x] == 0) {
                                comp = &prep.comps[k];
                                i = x;
                        }
        assert_non_null(comp);
        /* Every position, its two 8-hour shifts: 24 options. */
        assert_int_equal(prep.cand_opt[1] - prep.cand_opt[0], 2 * N_POSITIONS);
        n_flat = prep.shift_base[p->n_positions];
        seg_base = calloc(n_flat + 1, sizeof(size_t));
        assert_non_null(seg_base);
        for (size_t pi = 0; pi < p->n_positions; pi++)
                for (size_t si = 0; si < p->positions[pi].n_shifts; si++) {
                        seg_base[prep.shift_base[pi] + si] = n_seg;
                        n_seg += p->positions[pi].shifts[si].n_grid;
                }
        assert_int_equal(rs_pricer_new(&prep, comp, &pricer), 0);
        assert_non_null(pricer);

        for (unsigned trial = 0; trial < 300; trial++) {
                double *price = rs_pricer_prices(pricer), max, exact;
                size_t opts[RS_DAYS_PER_WEEK], n;
                enum_state st = { .prep = &prep, .cand = 0, .price = price, .seg_base = seg_base, .best = 0 };

                rng_state = trial + 1;
                for (size_t g = 0; g < n_seg; g++)
                        price[g] = uniform() < 0.3 ? 0 : 800 * uniform();
                for (int j = 0; j < N_POSITIONS; j++)
                        mu[j] = uniform() < 0.3 ? 0 : 600 * uniform();
                /* Every other trial without charges: the plain path. */
                st.mu = trial % 2 ? mu : NULL;
                enumerate(&st, 0);
                assert_int_equal(rs_pricer_best(pricer, i, st.mu, &max, &exact, opts, &n), 0);
                if (fabs(exact - st.best) > 1e-6)
                        fail_msg("trial %u: the pricer's best is %g, enumeration finds %g", trial, exact, st.best);
                if (max < st.best - 1e-6)
                        fail_msg("trial %u: the pricer's bound %g is below the best pattern's %g", trial, max,
                                 st.best);
                if (max > st.best + 1e-6)
                        misses++;
                if (n > 0 && fabs(pattern_value(&st, opts, n) - exact) > 1e-6)
                        fail_msg("trial %u: the pattern handed back is worth %g, not %g", trial,
                                 pattern_value(&st, opts, n), exact);
                if (n == 0 && exact != 0)
                        fail_msg("trial %u: no pattern, but a value of %g", trial, exact);
        }
        /* The branch and bound ends before its node limit here: the bound
         * is the maximum itself. */
        assert_int_equal(misses, 0);
        rs_pricer_free(pricer);
        free(seg_base);
        rs_prep_done(&prep);
        rs_problem_free(p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_charged_pricing_is_exact),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
