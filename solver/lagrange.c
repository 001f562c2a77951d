/* solver/lagrange.c -- an upper bound on the weighted minutes a component
 * can cover, without an LP.
 *
 * Relax the headcount rows (rule 7) with multipliers u >= 0 per segment:
 *   covered <= Σ_seg u_seg H_seg + Σ_c max_k Σ_{b in k} (prio_b len_b - Σ_{seg in b} u_seg)
 * for any u >= 0, where k ranges over candidate c's weekly patterns (all
 * of c's own rules; dropping the people limits only loosens the bound).
 * The inner maximum is a path over c's options day by day with the state
 * (end of the last block, paid minutes, working days), as in heuristic.c;
 * u is improved by subgradient steps towards the best roster known. The
 * minimum over u is the LP bound of the pattern formulation, much
 * tighter than the direct model's, because each candidate's hours cap is
 * enforced exactly inside the path.
 *
 * The path takes a candidate's blocks in time order with strictly later
 * working days, which is every pattern allowed when one block a day is
 * the rule and no block of one working day can lie wholly after a block
 * of a later one. The latter needs a shift longer than min_rest plus two
 * blocks; rs_coverage_bound() checks both conditions and gives no bound
 * otherwise. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>

#include "internal.h"

typedef struct lg_state {
        double val;
        int blk;                        /* index into the candidate's sorted options */
        int prev;
} lg_state;

typedef struct lg {
        const rs_prep *prep;
        const rs_comp *comp;
        size_t *seg_base;
        size_t n_seg;
        double *u;                      /* per segment */
        int *load;
        int *head;
        uint32_t **order;               /* per candidate: options by day, start, end */
        double *w;                      /* per option of the current candidate */
        int *pick;
        size_t pick_cap;
        lg_state *st;
        size_t st_cap;
        double *r;
        int *r_arg;
        size_t r_cap;
        int *ends;
        size_t ends_cap;
        int *grp_end;
        size_t *grp_base;
        size_t grp_cap;
        rs_pattern_sink sink;
        void *sink_userdata;
        size_t pattern[RS_DAYS_PER_WEEK];       /* the last best pattern, latest day first */
        size_t n_pattern;
} lg;

static int cmp_opt(const void *a, const void *b, void *arg) {
        const rs_prep *prep = arg;
        uint32_t oa = *(const uint32_t *) a, ob = *(const uint32_t *) b;
        const rs_block *x = &prep->blocks[prep->opt_block[oa]];
        const rs_block *y = &prep->blocks[prep->opt_block[ob]];

        if (x->day != y->day)
                return x->day < y->day ? -1 : 1;
        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        if (x->end != y->end)
                return x->end < y->end ? -1 : 1;
        return (oa > ob) - (oa < ob);
}

static void lg_done(lg *l) {
        for (size_t i = 0; l->order && i < l->comp->n_cands; i++)
                free(l->order[i]);
        free(l->order);
        free(l->seg_base);
        free(l->u);
        free(l->load);
        free(l->head);
        free(l->w);
        free(l->pick);
        free(l->st);
        free(l->r);
        free(l->r_arg);
        free(l->ends);
        free(l->grp_end);
        free(l->grp_base);
}

/* The best pattern of candidate @i under weights w(b) = prio len - Σ u:
 * its value (>= 0: working nothing is allowed) and, when @load is not
 * NULL, the segments it covers added to @load and the pattern handed to
 * the sink, if any. */
static int best_pattern(lg *l, size_t i, double *ret_val, int *load) {
        const rs_prep *prep = l->prep;
        const rs_problem *problem = prep->problem;
        size_t ci = l->comp->cands[i];
        const rs_cand *k = &prep->cands[ci];
        const uint32_t *ord = l->order[i];
        size_t n = prep->cand_opt[ci + 1] - prep->cand_opt[ci], n_pick = 0, n_states = 0, n_grp = 0, cells;
        int unit = 0, P, N, n_days = 0, min_rest = problem->rules.min_rest;
        int day_first[RS_DAYS_PER_WEEK + 1], day_n[RS_DAYS_PER_WEEK], day_ends[RS_DAYS_PER_WEEK];
        size_t day_base[RS_DAYS_PER_WEEK], n_ends = 0;
        int *day_endv[RS_DAYS_PER_WEEK];
        double best = 0;
        int best_s = -1;

        *ret_val = 0;
        l->n_pattern = 0;
        if (n == 0 || k->left <= 0 || k->days_left <= 0)
                return 0;
        if (rs_grow((void **) &l->pick, sizeof(int), n + 1, &l->pick_cap) < 0)
                return -ENOMEM;
        /* Weights, and the best option per (day, start, end). */
        for (size_t q = 0; q < n; q++) {
                const rs_block *b = &prep->blocks[prep->opt_block[ord[q]]];
                size_t at = l->seg_base[prep->shift_base[b->position] + b->shift];
                double w = problem->positions[b->position].priority * (double) (b->end - b->start);

                for (int g = b->first; g < b->last; g++)
                        w -= l->u[at + (size_t) g];
                l->w[q] = w;
                if (w <= 0 || b->paid > k->left)
                        continue;
                if (n_pick > 0) {
                        const rs_block *a = &prep->blocks[prep->opt_block[ord[l->pick[n_pick - 1]]]];

                        if (a->day == b->day && a->start == b->start && a->end == b->end) {
                                if (w > l->w[l->pick[n_pick - 1]])
                                        l->pick[n_pick - 1] = (int) q;
                                continue;
                        }
                }
                l->pick[n_pick++] = (int) q;
                unit = (int) rs_gcd(unit, b->paid);
        }
        if (n_pick == 0)
                return 0;
        if (unit <= 0)
                unit = 1;
        P = k->left / unit + 1;
        for (size_t j = 0; j < n_pick;) {
                size_t e = j;
                int d = prep->blocks[prep->opt_block[ord[l->pick[j]]]].day;

                while (e < n_pick && prep->blocks[prep->opt_block[ord[l->pick[e]]]].day == d)
                        e++;
                day_first[n_days] = (int) j;
                day_n[n_days] = (int) (e - j);
                n_days++;
                j = e;
        }
        N = k->days_left < n_days ? k->days_left : n_days;
        cells = (size_t) P * (size_t) N;
        if (rs_grow((void **) &l->ends, sizeof(int), n_pick + 1, &l->ends_cap) < 0)
                return -ENOMEM;
        for (int d = 0; d < n_days; d++) {
                day_endv[d] = l->ends + n_ends;
                day_ends[d] = 0;
                for (int q = day_first[d]; q < day_first[d] + day_n[d]; q++) {
                        int t = prep->blocks[prep->opt_block[ord[l->pick[q]]]].end, at = day_ends[d];

                        for (int x = 0; x < day_ends[d]; x++)
                                if (day_endv[d][x] >= t) {
                                        at = x;
                                        break;
                                }
                        if (at < day_ends[d] && day_endv[d][at] == t)
                                continue;
                        memmove(&day_endv[d][at + 1], &day_endv[d][at], (size_t) (day_ends[d] - at) * sizeof(int));
                        day_endv[d][at] = t;
                        day_ends[d]++;
                }
                n_ends += (size_t) day_ends[d];
                day_base[d] = n_states;
                n_states += (size_t) day_ends[d] * cells;
        }
        if (rs_grow((void **) &l->st, sizeof(lg_state), n_states + 1, &l->st_cap) < 0)
                return -ENOMEM;
        if (n_ends + 1 > l->grp_cap) {
                size_t c1 = l->grp_cap, c2 = l->grp_cap;

                if (rs_grow((void **) &l->grp_end, sizeof(int), n_ends + 1, &c1) < 0 ||
                    rs_grow((void **) &l->grp_base, sizeof(size_t), n_ends + 1, &c2) < 0)
                        return -ENOMEM;
                l->grp_cap = c1 < c2 ? c1 : c2;
        }
        if (cells + 1 > l->r_cap) {
                size_t c1 = l->r_cap, c2 = l->r_cap;

                if (rs_grow((void **) &l->r, sizeof(double), cells + 1, &c1) < 0 ||
                    rs_grow((void **) &l->r_arg, sizeof(int), cells + 1, &c2) < 0)
                        return -ENOMEM;
                l->r_cap = c1 < c2 ? c1 : c2;
        }
        for (size_t s = 0; s < n_states; s++)
                l->st[s] = (lg_state) { .val = -HUGE_VAL, .blk = -1, .prev = -1 };

        for (int d = 0; d < n_days; d++) {
                size_t g = 0;

                for (size_t x = 0; x < cells; x++) {
                        l->r[x] = -HUGE_VAL;
                        l->r_arg[x] = -1;
                }
                l->r[0] = 0;
                for (int q = day_first[d]; q < day_first[d] + day_n[d]; q++) {
                        int oi = l->pick[q];
                        const rs_block *b = &prep->blocks[prep->opt_block[ord[oi]]];
                        int pb = b->paid / unit, e_idx = 0;
                        long t = (long) b->start - min_rest;

                        while (g < n_grp && l->grp_end[g] <= t) {
                                for (size_t x = 0; x < cells; x++) {
                                        size_t p = x / (size_t) N, nd = x % (size_t) N;
                                        const lg_state *st = &l->st[l->grp_base[g] + x];
                                        size_t to = p * (size_t) N + nd + 1;

                                        if (nd + 1 < (size_t) N && st->val > l->r[to]) {
                                                l->r[to] = st->val;
                                                l->r_arg[to] = (int) (l->grp_base[g] + x);
                                        }
                                }
                                g++;
                        }
                        while (day_endv[d][e_idx] != b->end)
                                e_idx++;
                        for (int p = 0; p + pb < P; p++)
                                for (int nd = 0; nd < N; nd++) {
                                        size_t from = (size_t) p * (size_t) N + (size_t) nd;
                                        lg_state *st;
                                        double v;

                                        if (l->r[from] == -HUGE_VAL)
                                                continue;
                                        v = l->r[from] + l->w[oi];
                                        st = &l->st[day_base[d] + ((size_t) e_idx * (size_t) P + (size_t) (p + pb)) *
                                                                         (size_t) N + (size_t) nd];
                                        if (v > st->val) {
                                                st->val = v;
                                                st->blk = oi;
                                                st->prev = l->r_arg[from];
                                        }
                                        if (v > best) {
                                                best = v;
                                                best_s = (int) (st - l->st);
                                        }
                                }
                }
                for (int e = 0; e < day_ends[d]; e++) {
                        size_t at = n_grp;

                        while (at > 0 && l->grp_end[at - 1] > day_endv[d][e]) {
                                l->grp_end[at] = l->grp_end[at - 1];
                                l->grp_base[at] = l->grp_base[at - 1];
                                at--;
                        }
                        l->grp_end[at] = day_endv[d][e];
                        l->grp_base[at] = day_base[d] + (size_t) e * cells;
                        n_grp++;
                }
        }
        *ret_val = best;
        l->n_pattern = 0;
        if (load && best_s >= 0) {
                size_t n_opts = 0;

                /* A state's value is only ever raised, so following prev
                 * from the best state gives a pattern of that value. */
                for (int s = best_s; s >= 0; s = l->st[s].prev) {
                        const rs_block *b = &prep->blocks[prep->opt_block[ord[l->st[s].blk]]];
                        size_t at = l->seg_base[prep->shift_base[b->position] + b->shift];

                        for (int x = b->first; x < b->last; x++)
                                load[at + (size_t) x]++;
                        if (n_opts < RS_DAYS_PER_WEEK)
                                l->pattern[n_opts++] = ord[l->st[s].blk];
                }
                l->n_pattern = n_opts;
                if (l->sink) {
                        int r = l->sink(l->sink_userdata, i, l->pattern, n_opts);

                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* Sets @l up for @comp; *ret_applies false (and nothing allocated) when
 * the path does not cover every pattern (see the top of the file). */
static int lg_init(lg *l, const rs_prep *prep, const rs_comp *comp, bool *ret_applies) {
        const rs_problem *problem = prep->problem;
        size_t n_flat = prep->shift_base[problem->n_positions], max_opts = 0;
        int min_len = INT_MAX, max_shift_len = 0;

        *l = (lg) { .prep = prep, .comp = comp };
        *ret_applies = false;
        if (problem->rules.max_blocks_per_day != 1)
                return 0;
        for (size_t i = 0; i < comp->n_cands; i++) {
                size_t ci = comp->cands[i];

                for (size_t o = prep->cand_opt[ci]; o < prep->cand_opt[ci + 1]; o++) {
                        const rs_block *b = &prep->blocks[prep->opt_block[o]];

                        if (b->end - b->start < min_len)
                                min_len = b->end - b->start;
                }
                if (prep->cand_opt[ci + 1] - prep->cand_opt[ci] > max_opts)
                        max_opts = prep->cand_opt[ci + 1] - prep->cand_opt[ci];
        }
        for (size_t i = 0; i < comp->n_positions; i++) {
                const rs_position *p = &problem->positions[comp->positions[i]];

                for (size_t si = 0; si < p->n_shifts; si++)
                        if (p->shifts[si].end - p->shifts[si].start > max_shift_len)
                                max_shift_len = p->shifts[si].end - p->shifts[si].start;
        }
        /* No block of a working day wholly after one of a later day. */
        if ((long) max_shift_len >= (long) problem->rules.min_rest + 2L * min_len)
                return 0;

        l->seg_base = calloc(n_flat + 1, sizeof(size_t));
        if (!l->seg_base)
                return -ENOMEM;
        for (size_t pi = 0; pi < problem->n_positions; pi++)
                for (size_t si = 0; si < problem->positions[pi].n_shifts; si++) {
                        l->seg_base[prep->shift_base[pi] + si] = l->n_seg;
                        l->n_seg += problem->positions[pi].shifts[si].n_grid;
                }
        l->u = calloc(l->n_seg + 1, sizeof(double));
        l->load = calloc(l->n_seg + 1, sizeof(int));
        l->head = calloc(l->n_seg + 1, sizeof(int));
        l->order = calloc(comp->n_cands + 1, sizeof(uint32_t *));
        l->w = calloc(max_opts + 1, sizeof(double));
        if (!l->u || !l->load || !l->head || !l->order || !l->w)
                return -ENOMEM;
        for (size_t i = 0; i < comp->n_positions; i++) {
                size_t pi = comp->positions[i];

                for (size_t si = 0; si < problem->positions[pi].n_shifts; si++) {
                        const rs_shift *s = &problem->positions[pi].shifts[si];
                        size_t at = l->seg_base[prep->shift_base[pi] + si];

                        for (size_t g = 0; g < s->n_grid; g++)
                                l->head[at + g] = s->headcount;
                }
        }
        for (size_t i = 0; i < comp->n_cands; i++) {
                size_t ci = comp->cands[i], n = prep->cand_opt[ci + 1] - prep->cand_opt[ci];

                l->order[i] = malloc((n + 1) * sizeof(uint32_t));
                if (!l->order[i])
                        return -ENOMEM;
                for (size_t q = 0; q < n; q++)
                        l->order[i][q] = (uint32_t) (prep->cand_opt[ci] + q);
                qsort_r(l->order[i], n, sizeof(uint32_t), cmp_opt, (void *) prep);
        }
        *ret_applies = true;
        return 0;
}

int rs_coverage_bound(const rs_prep *prep, const rs_comp *comp, double deadline, int max_rounds,
                      double known_covered, rs_pattern_sink sink, void *sink_userdata, double *ret_bound) {
        double best = HUGE_VAL, lambda = 1;
        double *dir = NULL;
        int since = 0, r;
        size_t n_seg;
        bool applies;
        lg l;

        *ret_bound = HUGE_VAL;
        r = lg_init(&l, prep, comp, &applies);
        if (r < 0 || !applies)
                goto out;
        l.sink = sink;
        l.sink_userdata = sink_userdata;
        n_seg = l.n_seg;
        r = -ENOMEM;
        dir = calloc(n_seg + 1, sizeof(double));
        if (!dir)
                goto out;

        for (int round = 0; round < max_rounds; round++) {
                double value = 0, norm = 0, step;

                if (deadline > 0 && rs_now() >= deadline)
                        break;
                memset(l.load, 0, (n_seg + 1) * sizeof(int));
                for (size_t i = 0; i < comp->n_cands; i++) {
                        double v;

                        r = best_pattern(&l, i, &v, l.load);
                        if (r < 0)
                                goto out;
                        value += v;
                }
                for (size_t g = 0; g < n_seg; g++)
                        value += l.u[g] * l.head[g];
                if (value < best - 1e-9) {
                        best = value;
                        since = 0;
                } else if (++since >= 3) {
                        lambda /= 2;
                        since = 0;
                }
                /* Close enough to the best roster known: nothing to gain. */
                if (best - known_covered < 1e-6 * (1 + fabs(best)))
                        break;
                /* A deflected subgradient step (half of the last direction
                 * kept), which zig-zags less than the plain one. */
                for (size_t g = 0; g < n_seg; g++) {
                        double sub = l.head[g] - l.load[g];

                        if (sub >= 0 && l.u[g] <= 0)
                                sub = 0;
                        dir[g] = sub + 0.5 * dir[g];
                        norm += dir[g] * dir[g];
                }
                if (norm <= 0)
                        break;
                step = lambda * (value - known_covered) / norm;
                for (size_t g = 0; g < n_seg; g++) {
                        double nu = l.u[g] - step * dir[g];

                        l.u[g] = nu > 0 ? nu : 0;
                }
        }
        *ret_bound = best;
        r = 0;
out:
        free(dir);
        lg_done(&l);
        return r;
}

struct rs_pricer {
        lg l;
};

int rs_pricer_new(const rs_prep *prep, const rs_comp *comp, rs_pricer **ret) {
        rs_pricer *p = calloc(1, sizeof(*p));
        bool applies;
        int r;

        *ret = NULL;
        if (!p)
                return -ENOMEM;
        r = lg_init(&p->l, prep, comp, &applies);
        if (r < 0 || !applies) {
                rs_pricer_free(p);
                return r;
        }
        *ret = p;
        return 0;
}

rs_pricer *rs_pricer_free(rs_pricer *p) {
        if (!p)
                return NULL;
        lg_done(&p->l);
        free(p);
        return NULL;
}

double *rs_pricer_prices(rs_pricer *p) {
        return p->l.u;
}

int rs_pricer_best(rs_pricer *p, size_t cand_index, double *ret_value, size_t opts[static RS_DAYS_PER_WEEK],
                   size_t *ret_n) {
        double v;
        int r = best_pattern(&p->l, cand_index, &v, p->l.load);

        if (r < 0)
                return r;
        memcpy(opts, p->l.pattern, p->l.n_pattern * sizeof(size_t));
        *ret_n = p->l.n_pattern;
        *ret_value = v;
        return 0;
}
