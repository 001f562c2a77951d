/* tests/solver/test_bruteforce.c -- the solver against exhaustive search.
 *
 * Tiny random weeks (two positions, three or four shift instances, two or
 * three candidates with classes, caps, approved work elsewhere and
 * sometimes an approved roster) are solved by enumerating every roster
 * that keeps the hard rules (checked by tb.c's own reading of SPEC §4)
 * and taking the lexicographically smallest goal vector. The solver must
 * reach exactly that vector, prove it, and keep the rules. */
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

typedef struct pick {
        size_t cand;
        int start;
        int end;
} pick;

/* All ways to staff one shift instance: sets of (candidate, block) with
 * at most headcount people on each segment, one block per candidate. */
typedef struct filling {
        pick picks[4];
        int n;
} filling;

typedef struct slot {
        size_t pos;
        size_t shift;
        filling *f;
        size_t n;
} slot;

typedef struct search {
        const rs_problem *p;
        rs_solution *sol;
        slot *slots;
        size_t n_slots;
        double best[_RS_GOAL_MAX];
        bool found;
        long leaves;
} search;

static void fillings_rec(const rs_problem *p, slot *sl, const rs_shift *s, int min_block, filling *cur,
                         size_t cand_from, int first_from, int *load) {
        /* Record the current set. */
        sl->f = realloc(sl->f, (sl->n + 1) * sizeof(filling));
        assert_non_null(sl->f);
        sl->f[sl->n++] = *cur;
        if (cur->n == 4)
                return;
        for (size_t c = cand_from; c < p->n_candidates; c++)
                for (int a = c == cand_from ? first_from : 0; a + 1 < (int) s->n_grid; a++)
                        for (int b = a + 1; b < (int) s->n_grid; b++) {
                                int len = s->grid[b] - s->grid[a];
                                bool ok = true, dup = false;

                                if (len > p->rules.max_shift ||
                                    (len < min_block && !(a == 0 && b == (int) s->n_grid - 1)))
                                        continue;
                                for (int k = 0; k < cur->n; k++)
                                        dup = dup || cur->picks[k].cand == c;
                                if (dup)
                                        continue;
                                for (int g = a; g < b; g++)
                                        ok = ok && load[g] < s->headcount;
                                if (!ok)
                                        continue;
                                for (int g = a; g < b; g++)
                                        load[g]++;
                                cur->picks[cur->n++] = (pick) { c, s->grid[a], s->grid[b] };
                                /* Next picks: later candidates only (one block each). */
                                fillings_rec(p, sl, s, min_block, cur, c + 1, 0, load);
                                cur->n--;
                                for (int g = a; g < b; g++)
                                        load[g]--;
                        }
}

static int cmp_assign(const void *x, const void *y) {
        const rs_assignment *a = x, *b = y;

        if (a->shift != b->shift)
                return a->shift < b->shift ? -1 : 1;
        if (a->start != b->start)
                return a->start < b->start ? -1 : 1;
        return (a->candidate > b->candidate) - (a->candidate < b->candidate);
}

static bool lex_less(const double *a, const double *b) {
        for (int g = 0; g < _RS_GOAL_MAX; g++) {
                if (a[g] < b[g] - 1e-6)
                        return true;
                if (a[g] > b[g] + 1e-6)
                        return false;
        }
        return false;
}

static void search_rec(search *st, size_t k) {
        if (tb_violations(st->p, st->sol, false) > 0)
                return;
        if (k == st->n_slots) {
                double g[_RS_GOAL_MAX];

                st->leaves++;
                tb_goals(st->p, st->sol, g);
                if (!st->found || lex_less(g, st->best)) {
                        memcpy(st->best, g, sizeof(g));
                        st->found = true;
                }
                return;
        }
        {
                slot *sl = &st->slots[k];
                rs_position_plan *plan = &st->sol->positions[sl->pos];

                for (size_t i = 0; i < sl->n; i++) {
                        size_t before = plan->n_assignments;

                        for (int q = 0; q < sl->f[i].n; q++)
                                plan->assignments[plan->n_assignments++] = (rs_assignment) {
                                        .shift = sl->shift,
                                        .start = sl->f[i].picks[q].start,
                                        .end = sl->f[i].picks[q].end,
                                        .candidate = sl->f[i].picks[q].cand,
                                };
                        qsort(plan->assignments, plan->n_assignments, sizeof(rs_assignment), cmp_assign);
                        search_rec(st, k + 1);
                        /* Remove this slot's picks again. */
                        {
                                size_t w = 0;

                                for (size_t r = 0; r < plan->n_assignments; r++)
                                        if (plan->assignments[r].shift != sl->shift)
                                                plan->assignments[w++] = plan->assignments[r];
                                plan->n_assignments = w;
                                assert_int_equal(w, before);
                        }
                }
        }
}

static rs_problem *tiny(unsigned seed) {
        rs_problem *p = tb_problem();
        unsigned st = seed * 2654435761u + 1;
        int here = tb_place(p, "here"), there = tb_place(p, "there");
        size_t e = tb_employer(p, "e", here);
        size_t pos[2];
        static const char *const starts[] = { "06:00", "08:00", "12:00", "14:00", "20:00" };
        static const char *const ends[] = { "11:00", "13:00", "16:00", "19:00", "01:00" };
        static const char *const cls[] = { "07:00", "09:00", "11:00", "13:00", "15:00" };
        static const char *const cle[] = { "09:00", "11:00", "13:00", "15:00", "17:00" };
        int n_slots = 3 + (int) tb_rand(&st, 2), made = 0;
        size_t n_cand = 2 + tb_rand(&st, 2);

        tb_travel(p, here, there, 30 * (int) tb_rand(&st, 3));
        p->rules.min_rest = H(8 + 2 * (int) tb_rand(&st, 3));
        if (tb_rand(&st, 3) == 0)
                p->rules.max_shift = H(4);
        for (int i = 0; i < 2; i++) {
                char id[32];

                snprintf(id, sizeof(id), "p%d", i);
                pos[i] = tb_position(p, e, id, H(2 + (int) tb_rand(&st, 2)), 1 + (int) tb_rand(&st, 2));
                if (tb_rand(&st, 3) == 0)
                        tb_position_priority(p, pos[i], 1.5);
        }
        /* Shift instances, in time order per position, on days 0..2. */
        for (int d = MON; d <= WED && made < n_slots; d++)
                for (int i = 0; i < 2 && made < n_slots; i++) {
                        unsigned k = tb_rand(&st, 5);

                        if (tb_rand(&st, 4) == 0)
                                continue;
                        tb_shift(p, pos[i], d, starts[k], ends[k], tb_rand(&st, 4) == 0 ? 2 : 1, 60);
                        made++;
                }
        for (size_t c = 0; c < n_cand; c++) {
                char id[32];
                size_t cand;
                int hmax = H(6 + 3 * (int) tb_rand(&st, 4));
                int hmin = H((int) tb_rand(&st, 7));

                snprintf(id, sizeof(id), "c%zu", c);
                cand = tb_candidate(p, id, hmin < hmax ? hmin : hmax, hmin < hmax ? hmin : hmax, hmax);
                tb_candidate_max_days(p, cand, 1 + (int) tb_rand(&st, 3));
                for (int d = MON; d <= WED; d++)
                        if (tb_rand(&st, 3) == 0) {
                                unsigned k = tb_rand(&st, 5);

                                tb_class(p, cand, "g", tb_rand(&st, 2) ? here : there, d, cls[k], cle[k]);
                        }
                if (tb_rand(&st, 5) == 0)
                        tb_commitment(p, cand, -1, "18:00", "23:00", "old");
                if (tb_rand(&st, 5) == 0)
                        tb_commitment(p, cand, THU, "08:00", "12:00", "other");
        }
        if (tb_rand(&st, 2)) {
                /* An approved roster: a few blocks, not necessarily valid now. */
                for (size_t i = 0; i < 2; i++) {
                        const rs_position *ps = &p->positions[pos[i]];

                        if (ps->n_shifts == 0)
                                continue;
                        p->has_approved = true;
                        {
                                const rs_shift *s = &ps->shifts[tb_rand(&st, (unsigned) ps->n_shifts)];
                                rs_approved_block a = {
                                        .position = pos[i],
                                        .candidate = tb_rand(&st, (unsigned) n_cand),
                                        .start = s->start,
                                        .end = s->start + H(2) < s->end ? s->start + H(2) : s->end,
                                };

                                p->approved = realloc(p->approved, (p->n_approved + 1) * sizeof(a));
                                assert_non_null(p->approved);
                                p->approved[p->n_approved++] = a;
                        }
                }
        }
        return p;
}

static void check_seed(unsigned seed) {
        rs_problem *p = tiny(seed);
        search st = { .p = p };
        rs_solution *s;
        size_t total = 0;

        for (size_t pi = 0; pi < p->n_positions; pi++)
                total += p->positions[pi].n_shifts;
        st.slots = calloc(total + 1, sizeof(slot));
        st.sol = calloc(1, sizeof(rs_solution));
        assert_non_null(st.slots);
        assert_non_null(st.sol);
        st.sol->positions = calloc(p->n_positions, sizeof(rs_position_plan));
        st.sol->n_positions = p->n_positions;
        st.sol->n_candidates = p->n_candidates;
        for (size_t pi = 0; pi < p->n_positions; pi++) {
                st.sol->positions[pi].assignments = calloc(64, sizeof(rs_assignment));
                for (size_t si = 0; si < p->positions[pi].n_shifts; si++) {
                        const rs_shift *sh = &p->positions[pi].shifts[si];
                        slot *sl = &st.slots[st.n_slots++];
                        filling cur = { .n = 0 };
                        int load[32] = { 0 };

                        sl->pos = pi;
                        sl->shift = si;
                        fillings_rec(p, sl, sh, p->positions[pi].min_block, &cur, 0, 0, load);
                }
        }
        search_rec(&st, 0);
        assert_true(st.found);

        /* slices.c's bound never claims less uncovered than the optimum. */
        {
                rs_prep prep;
                double covered = 0, required = 0;

                assert_int_equal(rs_prep_build(&prep, p), 0);
                for (size_t k = 0; k < prep.n_comps; k++) {
                        double c;

                        assert_int_equal(rs_slice_bound(&prep, &prep.comps[k], &c), 0);
                        covered += c;
                }
                for (size_t pi = 0; pi < p->n_positions; pi++)
                        required += p->positions[pi].priority * (double) prep.pos_required[pi];
                rs_prep_done(&prep);
                if (required - covered > st.best[RS_GOAL_COVERAGE] + 1e-6)
                        fail_msg("seed %u: slice bound %g above the optimum %g", seed, required - covered,
                                 st.best[RS_GOAL_COVERAGE]);
        }

        s = tb_solve(p);
        assert_int_equal(s->status, RS_STATUS_OPTIMAL);
        for (int g = 0; g < _RS_GOAL_MAX; g++) {
                double want = st.best[g];

                if (!s->goals[g].solved)
                        continue;
                if (s->goals[g].value < want - 1e-6 || s->goals[g].value > want + 1e-6) {
                        tb_print(p, s);
                        fail_msg("seed %u: goal %s is %g, exhaustive search found %g (%ld rosters)", seed,
                                 rs_goal_to_string((rs_goal) g), s->goals[g].value, want, st.leaves);
                }
        }
        rs_solution_free(s);
        for (size_t i = 0; i < st.n_slots; i++)
                free(st.slots[i].f);
        free(st.slots);
        for (size_t pi = 0; pi < p->n_positions; pi++)
                free(st.sol->positions[pi].assignments);
        free(st.sol->positions);
        free(st.sol);
        rs_problem_free(p);
}

static void test_against_exhaustive_search(void **state) {
        (void) state;
        for (unsigned seed = 1; seed <= 40; seed++)
                check_seed(seed);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_against_exhaustive_search),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
