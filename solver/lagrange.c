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
        bool *closed;                   /* per position: no block there */
        double *block_charge;           /* per position: charged on each block there */
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
        free(l->closed);
        free(l->block_charge);
        l->path = rs_path_free(l->path);
}

/* The best pattern of candidate @i under weights w(b) = prio len - Σ u
 * - l->block_charge[position], with no block at a closed position: its
 * value (>= 0: working nothing is allowed), the pattern in l->pattern
 * (latest day first). The path minimises, so it gets -w: negation is
 * exact, so it finds the same maxima and ties as a maximising path
 * would. Only positive weights are offered: any other block only lowers
 * a pattern. */
static int best_pattern(lg *l, size_t i, double *ret_val) {
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
        int best_s, r, tags[RS_DAYS_PER_WEEK], n_tags;

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

                if (l->closed[b->position])
                        continue;
                w -= l->block_charge[b->position];
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
        n_tags = rs_path_trace(l->path, best_s, tags);
        /* Latest day first, as the pattern has always been handed on. */
        for (int t = n_tags - 1; t >= 0; t--)
                l->pattern[l->n_pattern++] = ord[tags[t]];
        return 0;
}

double rs_pattern_charge(const rs_prep *prep, const double *mu, const size_t *opts, size_t n) {
        double sum = 0;

        for (size_t q = 0; q < n; q++) {
                size_t pos = prep->blocks[prep->opt_block[opts[q]]].position;
                bool seen = false;

                for (size_t x = 0; x < q; x++)
                        seen = seen || prep->blocks[prep->opt_block[opts[x]]].position == pos;
                if (!seen)
                        sum += mu[pos];
        }
        return sum;
}

/* The best pattern of candidate @i when each distinct position it works
 * at also costs mu[position] (a people limit's charge: once however many
 * days it is worked, so the path cannot carry it). *ret_max >= the
 * maximum over the candidate's patterns and nothing; l->pattern the best
 * pattern found and *ret_exact its exact value (0 and no pattern when
 * nothing is worth working).
 *
 * A branch and bound over the charged positions the candidate can work
 * (mu > 0): a node has each of them closed, paid (charged up front, its
 * blocks then free) or open. An open one costs mu / d on each block,
 * where d is the most days the candidate could work there, which never
 * charges a pattern more than mu; so the path's best under a node, less
 * what it paid, bounds every pattern that works all the node's paid
 * positions and none of its closed ones, and the found pattern's exact
 * value bounds the maximum from below. A node whose bound that value
 * meets is done; otherwise it splits on the open position of its pattern
 * charged least fully with the largest mu: closed, or paid. After
 * MAX_NODES paths the open nodes' bounds go into *ret_max, which stays a
 * bound; with more than MAX_CHARGED positions the charges are left out
 * of the path (an over-estimate, still a bound). Enumerating every
 * subset of at most 8 charged positions, as before, was exact too but
 * cost 256 paths a candidate, and one able to work at more got the
 * over-estimate (36 of 400 at eindhoven scale). */
#define MAX_CHARGED 32
#define MAX_NODES 256

typedef struct charge_node {
        unsigned char state[MAX_CHARGED];       /* 0 open, 1 closed, 2 paid */
        double paid;
        double ub;                               /* the parent's bound */
} charge_node;

static int charged_best(lg *l, size_t i, const double *mu, double *ret_max, double *ret_exact) {
        const rs_prep *prep = l->prep;
        size_t ci = l->comp->cands[i], charged[MAX_CHARGED], k = 0, best[RS_DAYS_PER_WEEK], n_best = 0;
        unsigned days[MAX_CHARGED];
        int spread[MAX_CHARGED];
        charge_node stack[MAX_NODES + 2];
        int n_stack = 0, paths = 0, r = 0;
        double v, open_max = 0;
        bool too_many = false;

        /* Options are sorted by block, blocks by position. */
        for (size_t o = prep->cand_opt[ci]; mu && o < prep->cand_opt[ci + 1]; o++) {
                const rs_block *b = &prep->blocks[prep->opt_block[o]];

                if (mu[b->position] <= 0)
                        continue;
                if (k == 0 || charged[k - 1] != b->position) {
                        if (k == MAX_CHARGED) {
                                too_many = true;
                                break;
                        }
                        charged[k] = b->position;
                        days[k++] = 0;
                }
                days[k - 1] |= 1u << b->day;
        }
        if (k == 0 || too_many) {
                r = best_pattern(l, i, &v);
                *ret_max = v;
                *ret_exact = mu ? v - rs_pattern_charge(l->prep, mu, l->pattern, l->n_pattern) : v;
                if (*ret_exact <= 0 && l->n_pattern > 0) {
                        *ret_exact = 0;
                        l->n_pattern = 0;
                }
                return r;
        }
        for (size_t x = 0; x < k; x++) {
                spread[x] = __builtin_popcount(days[x]);
                if (spread[x] > prep->cands[ci].days_left && prep->cands[ci].days_left > 0)
                        spread[x] = prep->cands[ci].days_left;
        }
        *ret_exact = 0;
        stack[n_stack++] = (charge_node) { .ub = HUGE_VAL };
        while (n_stack > 0) {
                charge_node node = stack[--n_stack];
                double ub, value, worst = 0;
                size_t split = k;

                if (node.ub <= *ret_exact + 1e-9)
                        continue;
                if (paths == MAX_NODES) {
                        open_max = fmax(open_max, node.ub);
                        continue;
                }
                for (size_t x = 0; x < k; x++) {
                        l->closed[charged[x]] = node.state[x] == 1;
                        l->block_charge[charged[x]] = node.state[x] == 0 ? mu[charged[x]] / spread[x] : 0;
                }
                r = best_pattern(l, i, &v);
                paths++;
                if (r < 0)
                        break;
                ub = v - node.paid;
                value = v;
                for (size_t q = 0; q < l->n_pattern; q++)
                        value += l->block_charge[prep->blocks[prep->opt_block[l->pattern[q]]].position];
                value -= rs_pattern_charge(l->prep, mu, l->pattern, l->n_pattern);
                if (l->n_pattern > 0 && value > *ret_exact) {
                        *ret_exact = value;
                        memcpy(best, l->pattern, l->n_pattern * sizeof(size_t));
                        n_best = l->n_pattern;
                }
                if (ub <= *ret_exact + 1e-9)
                        continue;
                /* The open position the pattern works on fewer days than
                 * its spread (so charged less than mu), largest mu first. */
                for (size_t x = 0; x < k; x++) {
                        int worked = 0;

                        if (node.state[x] != 0)
                                continue;
                        for (size_t q = 0; q < l->n_pattern; q++)
                                worked += prep->blocks[prep->opt_block[l->pattern[q]]].position == charged[x];
                        if (worked > 0 && worked < spread[x] && mu[charged[x]] > worst) {
                                worst = mu[charged[x]];
                                split = x;
                        }
                }
                if (split == k) {
                        /* Not reached: with every open position charged
                         * fully, the pattern's exact value is at least ub. */
                        open_max = fmax(open_max, ub);
                        continue;
                }
                stack[n_stack] = node;
                stack[n_stack].state[split] = 1;
                stack[n_stack].ub = ub;
                n_stack++;
                stack[n_stack] = node;
                stack[n_stack].state[split] = 2;
                stack[n_stack].paid += mu[charged[split]];
                stack[n_stack].ub = ub;
                n_stack++;
        }
        for (size_t x = 0; x < k; x++) {
                l->closed[charged[x]] = false;
                l->block_charge[charged[x]] = 0;
        }
        memcpy(l->pattern, best, n_best * sizeof(size_t));
        l->n_pattern = n_best;
        *ret_max = fmax(*ret_exact, open_max);
        return r < 0 ? r : 0;
}

/* The segments of l->pattern added to l->load, and the pattern handed
 * to the sink, if any. */
static int take_pattern(lg *l, size_t i) {
        const rs_prep *prep = l->prep;

        for (size_t q = 0; q < l->n_pattern; q++) {
                const rs_block *b = &prep->blocks[prep->opt_block[l->pattern[q]]];
                size_t at = l->seg_base[prep->shift_base[b->position] + b->shift];

                for (int x = b->first; x < b->last; x++)
                        l->load[at + (size_t) x]++;
        }
        if (l->sink && l->n_pattern > 0)
                return l->sink(l->sink_userdata, i, l->pattern, l->n_pattern);
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
        l->closed = calloc(problem->n_positions + 1, sizeof(bool));
        l->block_charge = calloc(problem->n_positions + 1, sizeof(double));
        if (!l->u || !l->load || !l->head || !l->order || !l->closed || !l->block_charge)
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
                        double v, exact;

                        r = charged_best(&l, i, NULL, &v, &exact);
                        if (r < 0)
                                goto out;
                        r = take_pattern(&l, i);
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

int rs_pricer_best(rs_pricer *p, size_t cand_index, const double *mu, double *ret_max, double *ret_exact,
                   size_t opts[static RS_DAYS_PER_WEEK], size_t *ret_n) {
        int r = charged_best(&p->l, cand_index, mu, ret_max, ret_exact);

        if (r < 0)
                return r;
        memcpy(opts, p->l.pattern, p->l.n_pattern * sizeof(size_t));
        *ret_n = p->l.n_pattern;
        return 0;
}
