/* solver/lagrange.c -- an upper bound on the weighted minutes a component
 * can cover, without an LP.
 *
 * Relax the headcount rows (rule 7) with multipliers u >= 0 per segment:
 *   covered <= Σ_seg u_seg H_seg + Σ_c max_k Σ_{b in k} (prio_b len_b - Σ_{seg in b} u_seg)
 * for any u >= 0, where k ranges over candidate c's weekly patterns (all
 * of c's own rules; dropping the people limits only loosens the bound).
 * The inner maximum is pattern_path.h's path over c's options day by day
 * with the state (end of the last block, paid minutes, working days);
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
#include "pattern_path.h"

/* Units per count of the bound's path: a state of one value costs less
 * than one of the heuristic's four (eindhoven seed 1: 150 million counts
 * a second against 90 million). */
#define LG_PATH_WEIGHT 0.6

typedef struct lg {
        const rs_prep *prep;
        const rs_comp *comp;
        size_t *seg_base;
        size_t n_seg;
        double *u;                      /* per segment */
        int *load;
        int *head;
        uint32_t **order;               /* per candidate: options by day, start, end */
        rs_path *path;                  /* the best-pattern path, values negated */
        rs_pattern_sink sink;
        void *sink_userdata;
        size_t pattern[RS_DAYS_PER_WEEK];       /* the last best pattern, latest day first */
        size_t n_pattern;
        double *meter;                  /* the solve's work counter, or NULL */
        double meter_weight;            /* units per count there */
} lg;

static void lg_done(lg *l) {
        for (size_t i = 0; l->order && i < l->comp->n_cands; i++)
                free(l->order[i]);
        free(l->order);
        free(l->seg_base);
        free(l->u);
        free(l->load);
        free(l->head);
        l->path = rs_path_free(l->path);
}

/* The best pattern of candidate @i under weights w(b) = prio len - Σ u:
 * its value (>= 0: working nothing is allowed) and, when @load is not
 * NULL, the segments it covers added to @load and the pattern handed to
 * the sink, if any. The path minimises, so it gets -w: negation is exact,
 * so it finds the same maxima and ties as a maximising path would. Only
 * positive weights are offered: any other block only lowers a pattern. */
static int best_pattern(lg *l, size_t i, double *ret_val, int *load) {
        const rs_prep *prep = l->prep;
        const rs_problem *problem = prep->problem;
        size_t ci = l->comp->cands[i];
        const rs_cand *k = &prep->cands[ci];
        const uint32_t *ord = l->order[i];
        size_t n = prep->cand_opt[ci + 1] - prep->cand_opt[ci];
        rs_path_rules rules = {
                .left = k->left,
                .days_left = k->days_left,
                .min_rest = problem->rules.min_rest,
                /* Every paid unit counted, each day's predecessors taken
                 * afresh, the first best state reached: the patterns this
                 * bound has always handed to the master. */
                .need = -1,
                .sweep_each_day = true,
                .track_best = true,
        };
        int best_s, r;

        *ret_val = 0;
        l->n_pattern = 0;
        /* Work: the options priced (the path counts its own). */
        if (l->meter)
                *l->meter += l->meter_weight * (8 + 4 * (double) n);
        if (n == 0 || k->left <= 0 || k->days_left <= 0)
                return 0;
        r = rs_path_begin(l->path, n);
        if (r < 0)
                return r;
        for (size_t q = 0; q < n; q++) {
                const rs_block *b = &prep->blocks[prep->opt_block[ord[q]]];
                size_t at = l->seg_base[prep->shift_base[b->position] + b->shift];
                double w = problem->positions[b->position].priority * (double) (b->end - b->start), neg;

                for (int g = b->first; g < b->last; g++)
                        w -= l->u[at + (size_t) g];
                if (w <= 0 || b->paid > k->left)
                        continue;
                neg = -w;
                rs_path_add(l->path, (int) q, b, &neg);
        }
        r = rs_path_run(l->path, &rules);
        if (r < 0)
                return r;
        best_s = rs_path_best(l->path);
        if (best_s < 0)
                return 0;
        *ret_val = -rs_path_value(l->path, (size_t) best_s)[0];
        if (load) {
                int tags[RS_DAYS_PER_WEEK], n_tags = rs_path_trace(l->path, best_s, tags);

                /* Latest day first, as the pattern has always been handed on. */
                for (int t = n_tags - 1; t >= 0; t--) {
                        const rs_block *b = &prep->blocks[prep->opt_block[ord[tags[t]]]];
                        size_t at = l->seg_base[prep->shift_base[b->position] + b->shift];

                        for (int x = b->first; x < b->last; x++)
                                load[at + (size_t) x]++;
                        l->pattern[l->n_pattern++] = ord[tags[t]];
                }
                if (l->sink) {
                        r = l->sink(l->sink_userdata, i, l->pattern, l->n_pattern);
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
        size_t n_flat = prep->shift_base[problem->n_positions];
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
        if (!l->u || !l->load || !l->head || !l->order)
                return -ENOMEM;
        if (rs_path_new(1, 0, &l->path) < 0)
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
                rs_path_sort_options(prep, l->order[i], n);
        }
        *ret_applies = true;
        return 0;
}

int rs_coverage_bound(const rs_prep *prep, const rs_comp *comp, rs_clock *clock, double until, int max_rounds,
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
        if (clock && clock->budget > 0) {
                l.meter = &clock->work;
                l.meter_weight = 1;
                rs_path_set_meter(l.path, l.meter, LG_PATH_WEIGHT);
                *l.meter += 4 * (double) comp->n_opts;
        }
        n_seg = l.n_seg;
        r = -ENOMEM;
        dir = calloc(n_seg + 1, sizeof(double));
        if (!dir)
                goto out;

        for (int round = 0; round < max_rounds; round++) {
                double value = 0, norm = 0, step;

                if (rs_out_of_work(clock, until))
                        break;
                if (l.meter)
                        *l.meter += 4 * (double) n_seg;
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

void rs_pricer_set_meter(rs_pricer *p, double *meter, double weight) {
        p->l.meter = meter;
        p->l.meter_weight = weight;
        rs_path_set_meter(p->l.path, meter, LG_PATH_WEIGHT * weight);
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
