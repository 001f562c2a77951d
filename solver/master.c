/* solver/master.c -- goal 1 over whole weekly patterns.
 *
 * The direct model (model.c) has one column per option. Its relaxation
 * may spread a candidate's hours thinly over many blocks, so its bound is
 * weak and GLPK's branching slow. Here a column is a whole weekly pattern
 * of one candidate; the rows are "at most one pattern per candidate", the
 * segment headcounts (rule 7) and the position people limits. Every
 * candidate rule (rest, hours, days, blocks a day) is inside the
 * patterns, so this relaxation is much tighter and GLPK settles it fast.
 *
 * The pool holds the patterns the Lagrangian rounds of lagrange.c found
 * best under their segment prices (the prices move towards the LP
 * optimum, so these are the patterns an optimal roster is made of) and
 * the patterns of the current roster. A pool is not every pattern: the
 * MIP's optimum proves nothing by itself, and its roster replaces the
 * current one only when it covers strictly more. The proof of goal 1
 * comes from the Lagrangian bound, which holds for every pattern.
 *
 * Each pattern is checked against the candidate rules here again before
 * it enters the pool, with none of lagrange.c's state, so a roster made of
 * pool patterns keeps every hard rule even if the pricing were wrong. */
#include <errno.h>
#include <glpk.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Enough for the patterns of many rounds of many candidates; the pool
 * stops growing there (the MIP would not settle a larger one anyway). */
#define POOL_MAX 200000
/* Columns the first LP gets besides the roster's: GLPK's primal simplex
 * from scratch took 3 s of CPU on 16,800 columns and 5,600 rows (400
 * candidates), 0.05 s on the demo week's 4,100. At eindhoven seed 1 the
 * root with 20,000 of the bound's patterns (nearly all of them) reached
 * a bound within 0.1 % of its end in 3.9 billion units, against 6.1
 * billion from 5,000 (docs/solver.md, "What was tried", 12). */
#define INITIAL_COLUMNS 20000
/* Dives with different amounts of generation per step; more rarely pay. */
#define MAX_DIVES 6

typedef struct pattern {
        size_t cand_index;              /* into comp->cands */
        size_t opts[RS_DAYS_PER_WEEK];  /* ascending option indices */
        unsigned char n;
        double value;                   /* priority-weighted minutes covered */
} pattern;

struct rs_master {
        const rs_prep *prep;
        const rs_comp *comp;
        pattern *pool;
        size_t n_pool;
        size_t cap_pool;
        size_t *slot;                   /* open-addressing hash set of pool indices + 1 */
        size_t n_slots;
        size_t *seg_base;               /* per flat (position, shift): first segment */
        size_t n_seg;
        glp_prob *lp;
        int *ind;
        double *val;
        double *work;                   /* a roster as a MIP solution, 1-based */
        bool *alt;                      /* the best polished roster, by option */
        bool *trial;                    /* scratch: a roster by option */
        double *rwork;                  /* scratch of round_lp(), 1-based */
        double alt_value;               /* its covered minutes, -1 when none */
        struct lp_rank *rank;           /* scratch of round_lp() */
        int *seg_load;                  /* per segment, scratch of round_lp() */
        int *pos_load;                  /* per position, scratch of round_lp() */
        int *pos_fixed;                 /* per position: fixed patterns working there */
        bool *cand_taken;               /* per candidate, scratch of round_lp() */
        int seg_row0;                   /* row of segment 0 */
        int *pos_row;                   /* per position: its people-limit row or 0 */
        int *seg_used;                  /* per segment: fixed patterns on it */
        bool *seg_full;
        bool *cand_fixed;               /* per candidate of the component */
        rs_pricer *pricer;              /* NULL where patterns cannot be priced */
        double bound;                   /* covered minutes no roster exceeds */
        double *pos_dual;               /* per position: μ of its limit row, or 0 */
        rs_clock *clock;                /* work and the wall-clock stop */
        double until;                   /* work at which to stop, 0 = none */
        double polish_until;            /* work at which polish() stops, 0 = none */
        double fix_at;                  /* dives fix every column at least this (1: only the pick) */
        bool polish;                    /* polish() the rosters (the caller takes m->alt) */
};

static unsigned long long hash_pattern(const pattern *p) {
        unsigned long long h = 1469598103934665603ULL ^ p->cand_index;

        for (unsigned i = 0; i < p->n; i++) {
                h ^= p->opts[i] + 0x9e3779b97f4a7c15ULL;
                h *= 1099511628211ULL;
        }
        return h;
}

static bool same_pattern(const pattern *a, const pattern *b) {
        return a->cand_index == b->cand_index && a->n == b->n &&
               memcmp(a->opts, b->opts, a->n * sizeof(size_t)) == 0;
}

rs_master *rs_master_new(const rs_prep *prep, const rs_comp *comp) {
        const rs_problem *problem = prep->problem;
        size_t n_flat = prep->shift_base[problem->n_positions];
        rs_master *m = calloc(1, sizeof(*m));

        if (!m)
                return NULL;
        m->prep = prep;
        m->comp = comp;
        m->bound = HUGE_VAL;
        m->seg_base = calloc(n_flat + 1, sizeof(size_t));
        m->n_slots = 1024;
        m->slot = calloc(m->n_slots, sizeof(size_t));
        if (!m->seg_base || !m->slot)
                return rs_master_free(m, true);
        for (size_t pi = 0; pi < problem->n_positions; pi++)
                for (size_t si = 0; si < problem->positions[pi].n_shifts; si++) {
                        m->seg_base[prep->shift_base[pi] + si] = m->n_seg;
                        m->n_seg += problem->positions[pi].shifts[si].n_grid;
                }
        return m;
}

rs_master *rs_master_free(rs_master *m, bool glpk_alive) {
        if (!m)
                return NULL;
        /* After a GLPK error glp_free_env() has freed the problem already. */
        if (m->lp && glpk_alive)
                glp_delete_prob(m->lp);
        free(m->pool);
        free(m->slot);
        free(m->seg_base);
        free(m->ind);
        free(m->val);
        free(m->work);
        free(m->alt);
        free(m->trial);
        free(m->rwork);
        free(m->rank);
        free(m->seg_load);
        free(m->pos_load);
        free(m->pos_fixed);
        free(m->cand_taken);
        free(m->pos_row);
        free(m->seg_used);
        free(m->seg_full);
        free(m->cand_fixed);
        free(m->pos_dual);
        rs_pricer_free(m->pricer);
        free(m);
        return NULL;
}

static int cmp_size(const void *a, const void *b) {
        size_t x = *(const size_t *) a, y = *(const size_t *) b;

        return (x > y) - (x < y);
}

/* The candidate rules a pattern must keep on its own: its options are the
 * candidate's, at most max_blocks_per_day a day (with commitments), the
 * rest between any two blocks of different days, paid hours and working
 * days within what commitments leave. */
static bool pattern_keeps_rules(const rs_master *m, const pattern *p) {
        const rs_prep *prep = m->prep;
        const rs_problem *problem = prep->problem;
        size_t ci = m->comp->cands[p->cand_index];
        const rs_cand *k = &prep->cands[ci];
        int per_day[RS_DAYS_PER_WEEK] = { 0 }, paid = 0, new_days = 0;

        for (unsigned i = 0; i < p->n; i++) {
                const rs_block *a = &prep->blocks[prep->opt_block[p->opts[i]]];

                if (p->opts[i] < prep->cand_opt[ci] || p->opts[i] >= prep->cand_opt[ci + 1])
                        return false;
                if (a->day < 0 || a->day >= RS_DAYS_PER_WEEK)
                        return false;
                if (per_day[a->day]++ == 0 && !k->commit_day[a->day])
                        new_days++;
                /* One block a day is what this formulation is for. */
                if (per_day[a->day] > 1 ||
                    k->commit_blocks[a->day] + per_day[a->day] > problem->rules.max_blocks_per_day)
                        return false;
                paid += a->paid;
                for (unsigned j = 0; j < i; j++) {
                        const rs_block *b = &prep->blocks[prep->opt_block[p->opts[j]]];

                        if (rs_overlaps(a->start, a->end, b->start, b->end))
                                return false;
                        if (a->day != b->day &&
                            rs_rest_gap(a->start, a->end, b->start, b->end) < problem->rules.min_rest)
                                return false;
                }
        }
        return paid <= k->left && new_days <= k->days_left;
}

static int grow_slots(rs_master *m) {
        size_t n = m->n_slots * 2;
        size_t *slot = calloc(n, sizeof(size_t));

        if (!slot)
                return -ENOMEM;
        for (size_t i = 0; i < m->n_pool; i++) {
                size_t at = (size_t) (hash_pattern(&m->pool[i]) & (n - 1));

                while (slot[at])
                        at = (at + 1) & (n - 1);
                slot[at] = i + 1;
        }
        free(m->slot);
        m->slot = slot;
        m->n_slots = n;
        return 0;
}

int rs_master_add_pattern(void *userdata, size_t cand_index, const size_t *opts, size_t n_opts) {
        rs_master *m = userdata;
        const rs_prep *prep = m->prep;
        pattern p = { .cand_index = cand_index, .n = (unsigned char) n_opts };
        size_t at;

        if (n_opts == 0 || n_opts > RS_DAYS_PER_WEEK || cand_index >= m->comp->n_cands || m->n_pool >= POOL_MAX)
                return 0;
        memcpy(p.opts, opts, n_opts * sizeof(size_t));
        qsort(p.opts, n_opts, sizeof(size_t), cmp_size);
        at = (size_t) (hash_pattern(&p) & (m->n_slots - 1));
        while (m->slot[at]) {
                if (same_pattern(&m->pool[m->slot[at] - 1], &p))
                        return 0;
                at = (at + 1) & (m->n_slots - 1);
        }
        if (!pattern_keeps_rules(m, &p))
                return 0;
        for (unsigned i = 0; i < p.n; i++) {
                const rs_block *b = &prep->blocks[prep->opt_block[p.opts[i]]];

                p.value += prep->problem->positions[b->position].priority * (double) (b->end - b->start);
        }
        if (m->n_pool == m->cap_pool) {
                size_t cap = m->cap_pool ? 2 * m->cap_pool : 256;
                pattern *pool = realloc(m->pool, cap * sizeof(pattern));

                if (!pool)
                        return -ENOMEM;
                m->pool = pool;
                m->cap_pool = cap;
        }
        m->pool[m->n_pool++] = p;
        m->slot[at] = m->n_pool;
        /* Keep the table at most half full. */
        if (2 * m->n_pool >= m->n_slots)
                return grow_slots(m);
        return 0;
}

/* Adds the patterns of the roster in @chosen, so that the MIP starts
 * from it. */
static int add_roster(rs_master *m, const bool *chosen) {
        const rs_prep *prep = m->prep;

        for (size_t i = 0; i < m->comp->n_cands; i++) {
                size_t ci = m->comp->cands[i], opts[RS_DAYS_PER_WEEK], n = 0;
                int r;

                for (size_t o = prep->cand_opt[ci]; o < prep->cand_opt[ci + 1]; o++)
                        if (chosen[o] && n < RS_DAYS_PER_WEEK)
                                opts[n++] = o;
                r = rs_master_add_pattern(m, i, opts, n);
                if (r < 0)
                        return r;
        }
        return 0;
}

static bool in_roster(const rs_master *m, const pattern *p, const bool *chosen);

/* Keeps the roster's patterns and the @keep added last (the subgradient's
 * latest rounds, priced nearest the optimal multipliers): the LP starts
 * small, and column generation brings back what it needs. */
static int trim_pool(rs_master *m, const bool *chosen, size_t keep) {
        size_t n = 0;

        if (m->n_pool <= keep)
                return 0;
        for (size_t j = 0; j < m->n_pool; j++)
                if (j + keep >= m->n_pool || in_roster(m, &m->pool[j], chosen))
                        m->pool[n++] = m->pool[j];
        m->n_pool = n;
        memset(m->slot, 0, m->n_slots * sizeof(size_t));
        for (size_t j = 0; j < n; j++) {
                size_t at = (size_t) (hash_pattern(&m->pool[j]) & (m->n_slots - 1));

                while (m->slot[at])
                        at = (at + 1) & (m->n_slots - 1);
                m->slot[at] = j + 1;
        }
        return 0;
}

/* Whether pool entry @p is the current pattern of its candidate. */
static bool in_roster(const rs_master *m, const pattern *p, const bool *chosen) {
        const rs_prep *prep = m->prep;
        size_t ci = m->comp->cands[p->cand_index], n = 0;

        for (size_t o = prep->cand_opt[ci]; o < prep->cand_opt[ci + 1]; o++)
                if (chosen[o])
                        n++;
        if (n != p->n)
                return false;
        for (unsigned i = 0; i < p->n; i++)
                if (!chosen[p->opts[i]])
                        return false;
        return true;
}

/* The master's GLPK and bookkeeping counts at this weight: its rounds
 * did about 60 million units a second against 100 million elsewhere
 * (the pool, the columns added, one LP solve per round of generation). */
#define MASTER_WEIGHT 1.7

/* Whether the work budget is used (or the wall clock stopped it). */
static bool past(rs_master *m) {
        return rs_out_of_work(m->clock, m->until);
}

static double iter_units(rs_master *m) {
        return MASTER_WEIGHT *
               rs_glpk_iter_units(glp_get_num_rows(m->lp), glp_get_num_cols(m->lp), glp_get_num_nz(m->lp));
}

/* glp_simplex() within the work left: an iteration limit from the
 * budget, the wall-clock stop as tm_lim; the iterations made are
 * counted as work. Without a budget GLPK's defaults (no limits). */
static int simplex(rs_master *m, glp_smcp *smcp) {
        double upi, left;
        int it0, ret;

        if (m->until <= 0)
                return glp_simplex(m->lp, smcp);
        upi = iter_units(m);
        left = (m->until - m->clock->work) / upi;
        smcp->it_lim = left < 1 ? 1 : left >= INT_MAX ? INT_MAX : (int) left;
        smcp->tm_lim = rs_clock_tm_lim(m->clock);
        it0 = glp_get_it_cnt(m->lp);
        ret = glp_simplex(m->lp, smcp);
        m->clock->work += upi * (RS_GLPK_CALL_ITERS + (double) (glp_get_it_cnt(m->lp) - it0));
        if (ret == GLP_ETMLIM)
                m->clock->clock_stopped = true;
        return ret;
}

/* Column j + 1 for pool entry @j: the candidate's row, the pattern's
 * segments, each limited position it works on once. */
static void add_column(rs_master *m, size_t j) {
        const rs_prep *prep = m->prep;
        const pattern *p = &m->pool[j];
        int col = glp_add_cols(m->lp, 1), n = 0;

        glp_set_col_kind(m->lp, col, GLP_BV);
        glp_set_obj_coef(m->lp, col, p->value);
        m->ind[++n] = (int) p->cand_index + 1;
        m->val[n] = 1;
        for (unsigned i = 0; i < p->n; i++) {
                const rs_block *b = &prep->blocks[prep->opt_block[p->opts[i]]];
                size_t at = m->seg_base[prep->shift_base[b->position] + b->shift];
                bool pos_done = false;

                /* Blocks of different days lie in different shift instances:
                 * no segment comes twice. */
                for (int g = b->first; g < b->last; g++) {
                        m->ind[++n] = m->seg_row0 + (int) (at + (size_t) g);
                        m->val[n] = 1;
                }
                for (unsigned q = 0; q < i; q++)
                        pos_done = pos_done || prep->blocks[prep->opt_block[p->opts[q]]].position == b->position;
                if (m->pos_row[b->position] && !pos_done) {
                        m->ind[++n] = m->pos_row[b->position];
                        m->val[n] = 1;
                }
        }
        glp_set_mat_col(m->lp, col, n, m->ind, m->val);
}

/* Prices candidate @i: *ret_max >= max over its patterns (and nothing)
 * of value - u·segments - μ·positions, the Lagrangian term; @opts the
 * pattern found best and *ret_reduced its exact value. μ is not additive
 * over a pattern's blocks; rs_pricer_best() charges it exactly (a branch
 * and bound over the candidate's charged positions, lagrange.c). Not
 * @exact (in dives, where only columns matter): μ is left out of the path
 * and the maximum over-estimated (still a bound). */
static int price_candidate(rs_master *m, size_t i, bool exact, double *ret_max,
                           size_t opts[static RS_DAYS_PER_WEEK], size_t *ret_n, double *ret_reduced) {
        int r = rs_pricer_best(m->pricer, i, exact ? m->pos_dual : NULL, ret_max, ret_reduced, opts, ret_n);

        if (r < 0)
                return r;
        if (!exact)
                *ret_reduced -= rs_pattern_charge(m->prep, m->pos_dual, opts, *ret_n);
        return 0;
}

/* Column generation: solve the LP, price every candidate whose pattern is
 * not fixed yet against its duals, add what has a positive reduced cost;
 * until nothing is added, @max_rounds, or the work budget. Segments the
 * fixed patterns fill are closed to pricing (their dual may be 0 when
 * degenerate). Returns 1 with the LP solved, 0 when the LP failed. */
static int generate(rs_master *m, int max_rounds, bool exact) {
        const rs_prep *prep = m->prep;
        const rs_problem *problem = prep->problem;
        glp_smcp smcp;

        glp_init_smcp(&smcp);
        smcp.msg_lev = GLP_MSG_OFF;
        for (int round = 0;; round++) {
                size_t added = 0;
                double *price, lagrangian;

                if (simplex(m, &smcp) != 0 || glp_get_status(m->lp) != GLP_OPT)
                        return 0;
                if (!m->pricer || round >= max_rounds || past(m))
                        return 1;
                /* Work: the duals read, the candidates priced (the pricer
                 * counts its paths). */
                if (m->until > 0)
                        m->clock->work += MASTER_WEIGHT *
                                          (4 * (double) (m->n_seg + m->comp->n_cands + problem->n_positions) +
                                           16 * (double) glp_get_num_cols(m->lp));
                price = rs_pricer_prices(m->pricer);
                for (size_t g = 0; g < m->n_seg; g++) {
                        double d = glp_get_row_dual(m->lp, m->seg_row0 + (int) g);

                        price[g] = m->seg_full[g] ? HUGE_VAL : (d > 0 ? d : 0);
                }
                for (size_t pi = 0; pi < problem->n_positions; pi++)
                        m->pos_dual[pi] = m->pos_row[pi] ? fmax(0, glp_get_row_dual(m->lp, m->pos_row[pi])) : 0;
                /* With nothing fixed the duals give a bound (see below). */
                lagrangian = 0;
                for (size_t g = 0; g < m->n_seg; g++)
                        lagrangian += price[g] * glp_get_row_ub(m->lp, m->seg_row0 + (int) g);
                for (size_t pi = 0; pi < problem->n_positions; pi++)
                        if (m->pos_row[pi])
                                lagrangian += m->pos_dual[pi] * glp_get_row_ub(m->lp, m->pos_row[pi]);
                for (size_t i = 0; i < m->comp->n_cands; i++) {
                        size_t opts[RS_DAYS_PER_WEEK], n, before = m->n_pool;
                        double v, reduced;
                        int r;

                        if (m->cand_fixed[i]) {
                                lagrangian = HUGE_VAL;
                                continue;
                        }
                        r = price_candidate(m, i, exact, &v, opts, &n, &reduced);
                        if (r < 0)
                                return r;
                        lagrangian += v;
                        if (n == 0)
                                continue;
                        reduced -= glp_get_row_dual(m->lp, (int) i + 1);
                        if (reduced <= 1e-6 * (1 + fabs(v)))
                                continue;
                        r = rs_master_add_pattern(m, i, opts, n);
                        if (r < 0)
                                return r;
                        if (m->n_pool > before) {
                                add_column(m, m->n_pool - 1);
                                added++;
                        }
                }
                /* Relax the segment and people-limit rows with these duals
                 * (u, μ >= 0): for every roster, covered <= Σ u H + Σ μ L +
                 * Σ_c max over c's patterns of (value - u·segments - μ·positions),
                 * and price_candidate() gives each maximum or more. So this
                 * holds whether or not the generation has converged. */
                if (lagrangian < m->bound)
                        m->bound = lagrangian;
                if (added == 0)
                        return 1;
        }
}

/* Fixes column @col to 1 and notes what its pattern uses. */
static void fix_column(rs_master *m, int col) {
        const rs_prep *prep = m->prep;
        const pattern *p = &m->pool[col - 1];
        size_t last = RS_NO_INDEX;

        glp_set_col_bnds(m->lp, col, GLP_FX, 1, 1);
        m->cand_fixed[p->cand_index] = true;
        for (unsigned i = 0; i < p->n; i++) {
                const rs_block *b = &prep->blocks[prep->opt_block[p->opts[i]]];
                size_t at = m->seg_base[prep->shift_base[b->position] + b->shift];
                int head = prep->problem->positions[b->position].shifts[b->shift].headcount;

                if (b->position != last)
                        m->pos_fixed[b->position]++;
                last = b->position;
                for (int g = b->first; g < b->last; g++)
                        if (++m->seg_used[at + (size_t) g] >= head)
                                m->seg_full[at + (size_t) g] = true;
        }
}

typedef struct lp_rank {
        double x;
        int col;
} lp_rank;

static int cmp_rank(const void *a, const void *b) {
        const lp_rank *x = a, *y = b;

        if (x->x != y->x)
                return x->x > y->x ? -1 : 1;
        return (x->col > y->col) - (x->col < y->col);
}

/* A roster from the LP as it stands, into m->rwork: the columns by their
 * value in the LP (largest first, then by number), each taken when its
 * candidate has none yet and its segments and position limits have
 * room. Cheap next to a simplex solve. */
static void round_lp(rs_master *m) {
        const rs_prep *prep = m->prep;
        const rs_problem *problem = prep->problem;
        int n = glp_get_num_cols(m->lp), k = 0;

        if (m->until > 0)
                m->clock->work += MASTER_WEIGHT * (16 * (double) n + 2 * (double) m->n_seg);
        for (int j = 1; j <= n; j++) {
                double x = glp_get_col_prim(m->lp, j);

                if (x > 1e-6)
                        m->rank[k++] = (lp_rank) { .x = x, .col = j };
        }
        qsort(m->rank, (size_t) k, sizeof(lp_rank), cmp_rank);
        memset(m->seg_load, 0, m->n_seg * sizeof(int));
        memset(m->pos_load, 0, problem->n_positions * sizeof(int));
        memset(m->cand_taken, 0, m->comp->n_cands * sizeof(bool));
        memset(m->rwork, 0, ((size_t) n + 1) * sizeof(double));
        for (int t = 0; t < k; t++) {
                const pattern *p = &m->pool[m->rank[t].col - 1];
                bool fits = !m->cand_taken[p->cand_index];
                size_t last = RS_NO_INDEX;

                for (unsigned i = 0; i < p->n && fits; i++) {
                        const rs_block *b = &prep->blocks[prep->opt_block[p->opts[i]]];
                        size_t at = m->seg_base[prep->shift_base[b->position] + b->shift];
                        int head = problem->positions[b->position].shifts[b->shift].headcount;

                        if (m->pos_row[b->position] && b->position != last &&
                            m->pos_load[b->position] >= prep->pos_limit[b->position])
                                fits = false;
                        last = b->position;
                        for (int g = b->first; g < b->last && fits; g++)
                                fits = m->seg_load[at + (size_t) g] < head;
                }
                if (!fits)
                        continue;
                m->cand_taken[p->cand_index] = true;
                m->rwork[m->rank[t].col] = 1;
                last = RS_NO_INDEX;
                for (unsigned i = 0; i < p->n; i++) {
                        const rs_block *b = &prep->blocks[prep->opt_block[p->opts[i]]];
                        size_t at = m->seg_base[prep->shift_base[b->position] + b->shift];

                        if (b->position != last)
                                m->pos_load[b->position]++;
                        last = b->position;
                        for (int g = b->first; g < b->last; g++)
                                m->seg_load[at + (size_t) g]++;
                }
        }
}

static void take_roster(rs_master *m, const double *x, bool *chosen);

/* Priority-weighted minutes the roster @chosen covers. */
static double roster_value(const rs_master *m, const bool *chosen) {
        const rs_prep *prep = m->prep;
        double sum = 0;

        for (size_t i = 0; i < m->comp->n_cands; i++) {
                size_t ci = m->comp->cands[i];

                for (size_t o = prep->cand_opt[ci]; o < prep->cand_opt[ci + 1]; o++)
                        if (chosen[o]) {
                                const rs_block *b = &prep->blocks[prep->opt_block[o]];

                                sum += prep->problem->positions[b->position].priority * (b->end - b->start);
                        }
        }
        return sum;
}

/* The LP rounded (round_lp()) and settled by the local search (its
 * rounds of fixed number, until m->polish_until); kept in m->alt when it
 * covers more than the roster kept there. On the demo week the local
 * search from a dive's roster found the optimum that neither the dives
 * nor the local search from its own first roster found
 * (docs/solver.md, "What was tried", 11). */
static int polish(rs_master *m) {
        double v;
        int r;

        round_lp(m);
        take_roster(m, m->rwork, m->trial);
        r = rs_heuristic(m->prep, m->comp, m->clock, m->polish_until, false, m->trial);
        if (r < 0)
                return r;
        v = roster_value(m, m->trial);
        if (v > m->alt_value + 0.5) {
                m->alt_value = v;
                memcpy(m->alt, m->trial, (m->prep->n_opts + 1) * sizeof(bool));
        }
        return 0;
}

/* Whether pattern column @col can be fixed to 1 next to the fixed ones:
 * its candidate free, room on its segments and at its positions. */
static bool fits_fixed(rs_master *m, int col) {
        const rs_prep *prep = m->prep;
        const pattern *p = &m->pool[col - 1];
        size_t last = RS_NO_INDEX;

        if (m->cand_fixed[p->cand_index])
                return false;
        for (unsigned i = 0; i < p->n; i++) {
                const rs_block *b = &prep->blocks[prep->opt_block[p->opts[i]]];
                size_t at = m->seg_base[prep->shift_base[b->position] + b->shift];

                if (m->pos_row[b->position] && b->position != last &&
                    m->pos_fixed[b->position] >= prep->pos_limit[b->position])
                        return false;
                last = b->position;
                for (int g = b->first; g < b->last; g++)
                        if (m->seg_full[at + (size_t) g])
                                return false;
        }
        return true;
}

/* Price-and-dive: fix the patterns the LP takes whole, the one it likes
 * most of the rest, and (m->fix_at < 1) every other one it takes at
 * least m->fix_at that still fits next to the fixed ones, largest first;
 * generate columns for what is left, and again, until the LP is
 * integral. @rounds of generation at each step and m->fix_at change the
 * dive's path, so callers try several. Every row is a packing row with
 * integral use, so what the fixed patterns leave fits the pick too and
 * the LP stays feasible. The roster goes to m->work (1-based), its value
 * to *ret_value; -1 when the LP fell to @floor or below (no roster of
 * this dive beats the one known) or time ran out. With m->polish,
 * polish() starts from the roster, and callers pass no floor: a dive
 * runs to its end even below the best roster known, since the local
 * search may take its roster past that. */
static int dive(rs_master *m, int rounds, double floor, double *ret_value) {
        /* From the root: nothing fixed. */
        for (int j = 1; j <= glp_get_num_cols(m->lp); j++)
                glp_set_col_bnds(m->lp, j, GLP_DB, 0, 1);
        memset(m->seg_used, 0, m->n_seg * sizeof(int));
        memset(m->seg_full, 0, m->n_seg * sizeof(bool));
        memset(m->cand_fixed, 0, m->comp->n_cands * sizeof(bool));
        memset(m->pos_fixed, 0, m->prep->problem->n_positions * sizeof(int));
        *ret_value = -1;
        for (;;) {
                int n, pick = 0, r;
                double most = 0;

                r = generate(m, rounds, false);
                if (r <= 0)
                        return r;
                n = glp_get_num_cols(m->lp);
                if (glp_get_obj_val(m->lp) <= floor + 0.5)
                        return 0;
                for (int j = 1; j <= n; j++) {
                        double v = glp_get_col_prim(m->lp, j);

                        if (glp_get_col_type(m->lp, j) == GLP_FX)
                                continue;
                        if (v > 1 - 1e-6)
                                fix_column(m, j);
                        else if (v > 1e-6 && v > most) {
                                most = v;
                                pick = j;
                        }
                }
                if (pick == 0) {
                        for (int j = 1; j <= n; j++)
                                m->work[j] = glp_get_col_prim(m->lp, j) > 0.5 ? 1 : 0;
                        *ret_value = glp_get_obj_val(m->lp);
                        return m->polish ? polish(m) : 0;
                }
                if (past(m))
                        return 0;
                fix_column(m, pick);
                if (m->fix_at < 1) {
                        int k = 0;

                        for (int j = 1; j <= n; j++) {
                                double v = glp_get_col_prim(m->lp, j);

                                if (glp_get_col_type(m->lp, j) != GLP_FX && v >= m->fix_at)
                                        m->rank[k++] = (lp_rank) { .x = v, .col = j };
                        }
                        qsort(m->rank, (size_t) k, sizeof(lp_rank), cmp_rank);
                        for (int t = 0; t < k; t++)
                                if (fits_fixed(m, m->rank[t].col))
                                        fix_column(m, m->rank[t].col);
                }
        }
}

typedef struct master_cb {
        const double *start;
        bool injected;
        rs_master *m;
        double upi;                     /* work per simplex iteration */
        int it_seen;                    /* iterations already counted */
} master_cb;

/* The work since the last look (rs_glpk_tree_units()); whether the
 * budget is used. */
static bool master_count(master_cb *cb, glp_tree *tree) {
        cb->m->clock->work += rs_glpk_tree_units(tree, cb->upi, &cb->it_seen);
        return past(cb->m);
}

static void master_callback(glp_tree *tree, void *info) {
        master_cb *cb = info;

        if (cb->m->until > 0 && master_count(cb, tree)) {
                glp_ios_terminate(tree);
                return;
        }

        if (glp_ios_reason(tree) == GLP_IHEUR && !cb->injected) {
                cb->injected = true;
                glp_ios_heur_sol(tree, cb->start);
        }
}

/* The rows: one per candidate, one per segment of the component's
 * positions, one per position whose people limit can bind. */
static int build_rows(rs_master *m) {
        const rs_prep *prep = m->prep;
        const rs_problem *problem = prep->problem;
        const rs_comp *comp = m->comp;
        size_t *last_cand = calloc(problem->n_positions + 1, sizeof(size_t));
        int *able = calloc(problem->n_positions + 1, sizeof(int));
        int row;

        if (!last_cand || !able) {
                free(last_cand);
                free(able);
                return -ENOMEM;
        }
        glp_add_rows(m->lp, (int) comp->n_cands);
        for (size_t i = 0; i < comp->n_cands; i++)
                glp_set_row_bnds(m->lp, (int) i + 1, GLP_UP, 0, 1);
        /* Segment rows for every position (other components' stay empty,
         * which keeps the numbering of lagrange.c). */
        m->seg_row0 = (int) comp->n_cands + 1;
        glp_add_rows(m->lp, (int) m->n_seg);
        for (size_t pi = 0; pi < problem->n_positions; pi++)
                for (size_t si = 0; si < problem->positions[pi].n_shifts; si++) {
                        const rs_shift *s = &problem->positions[pi].shifts[si];
                        size_t at = m->seg_base[prep->shift_base[pi] + si];

                        for (size_t g = 0; g < s->n_grid; g++)
                                glp_set_row_bnds(m->lp, m->seg_row0 + (int) (at + g), GLP_UP, 0, s->headcount);
                }
        for (size_t i = 0; i < comp->n_cands; i++) {
                size_t ci = comp->cands[i];

                for (size_t o = prep->cand_opt[ci]; o < prep->cand_opt[ci + 1]; o++) {
                        size_t pos = prep->blocks[prep->opt_block[o]].position;

                        if (last_cand[pos] != i + 1) {
                                last_cand[pos] = i + 1;
                                able[pos]++;
                        }
                }
        }
        for (size_t pi = 0; pi < comp->n_positions; pi++) {
                size_t pos = comp->positions[pi];

                if (able[pos] > prep->pos_limit[pos]) {
                        row = glp_add_rows(m->lp, 1);
                        glp_set_row_bnds(m->lp, row, GLP_UP, 0, prep->pos_limit[pos]);
                        m->pos_row[pos] = row;
                }
        }
        free(last_cand);
        free(able);
        return 0;
}

static void take_roster(rs_master *m, const double *x, bool *chosen) {
        const rs_prep *prep = m->prep;

        for (size_t i = 0; i < m->comp->n_cands; i++) {
                size_t ci = m->comp->cands[i];

                for (size_t o = prep->cand_opt[ci]; o < prep->cand_opt[ci + 1]; o++)
                        chosen[o] = false;
        }
        for (size_t j = 0; j < m->n_pool; j++)
                if (x[j + 1] > 0.5)
                        for (unsigned i = 0; i < m->pool[j].n; i++)
                                chosen[m->pool[j].opts[i]] = true;
}

int rs_master_solve(rs_master *m, rs_clock *clock, double until, double polish_until, double target, bool *chosen,
                    bool *alt, bool *ret_alt, bool *ret_improved, double *ret_bound) {
        const rs_problem *problem = m->prep->problem;
        size_t cap;
        double current = 0, dived, *best = NULL;
        glp_iocp iocp;
        master_cb cb;
        int r, st;

        *ret_improved = false;
        *ret_bound = HUGE_VAL;
        if (ret_alt)
                *ret_alt = false;
        m->alt_value = -1;
        m->polish = alt && ret_alt;
        m->clock = clock;
        m->until = clock && clock->budget > 0 ? until : 0;
        m->polish_until = m->until > 0 ? fmax(until, polish_until) : 0;
        r = add_roster(m, chosen);
        if (r < 0)
                return r;
        r = trim_pool(m, chosen, INITIAL_COLUMNS);
        if (r < 0)
                return r;
        r = rs_pricer_new(m->prep, m->comp, &m->pricer);
        if (r < 0)
                return r;
        if (m->pricer && m->until > 0)
                rs_pricer_set_meter(m->pricer, &clock->work, MASTER_WEIGHT);
        /* Room for the columns the dive may add: at most POOL_MAX in all. */
        cap = (size_t) POOL_MAX + 1;
        r = -ENOMEM;
        m->ind = malloc((m->n_seg + problem->n_positions + m->comp->n_cands + 2) * sizeof(int));
        m->val = malloc((m->n_seg + problem->n_positions + m->comp->n_cands + 2) * sizeof(double));
        m->pos_row = calloc(problem->n_positions + 1, sizeof(int));
        m->seg_used = calloc(m->n_seg + 1, sizeof(int));
        m->seg_full = calloc(m->n_seg + 1, sizeof(bool));
        m->cand_fixed = calloc(m->comp->n_cands + 1, sizeof(bool));
        m->pos_dual = calloc(problem->n_positions + 1, sizeof(double));
        m->work = calloc(cap, sizeof(double));
        m->alt = calloc(m->prep->n_opts + 1, sizeof(bool));
        m->trial = calloc(m->prep->n_opts + 1, sizeof(bool));
        m->rwork = calloc(cap, sizeof(double));
        m->rank = calloc(cap, sizeof(lp_rank));
        m->seg_load = calloc(m->n_seg + 1, sizeof(int));
        m->pos_load = calloc(problem->n_positions + 1, sizeof(int));
        m->pos_fixed = calloc(problem->n_positions + 1, sizeof(int));
        m->cand_taken = calloc(m->comp->n_cands + 1, sizeof(bool));
        best = calloc(cap, sizeof(double));
        if (!m->ind || !m->val || !m->pos_row || !m->seg_used || !m->seg_full || !m->cand_fixed || !m->work || !m->pos_dual ||
            !m->alt || !m->trial || !m->rwork || !m->rank || !m->seg_load || !m->pos_load || !m->pos_fixed || !m->cand_taken || !best)
                goto out;

        m->lp = glp_create_prob();
        glp_set_obj_dir(m->lp, GLP_MAX);
        r = build_rows(m);
        if (r < 0)
                goto out;
        for (size_t j = 0; j < m->n_pool; j++) {
                add_column(m, j);
                if (in_roster(m, &m->pool[j], chosen)) {
                        best[j + 1] = 1;
                        current += m->pool[j].value;
                }
        }

        /* The root: every column worth having (up to the round limit). */
        r = generate(m, 50, true);
        if (r <= 0)
                goto out;
        if (m->polish) {
                r = polish(m);
                if (r < 0)
                        goto out;
        }
        if (m->bound < target)
                target = m->bound;
        if (glp_get_obj_val(m->lp) < current + 0.5) {
                r = 0;
                goto out;
        }
        /* Dives until one, or the local search from one, meets @target (a
         * roster of the bound's value is optimal) or time is up; how much
         * is generated and fixed at each step changes the path, and the
         * pool grows from dive to dive. With polish() the first dives fix
         * the most at a time and cost the least (on the demo week 25
         * million units against 240 million for one fixing a pattern a
         * step); without it (the larger components, where this was not
         * measured) every dive fixes one pattern a step and stops at the
         * best roster known, as before. */
        for (int k = 0; k < MAX_DIVES && current < target - 0.5 && m->alt_value < target - 0.5 && !past(m); k++) {
                static const int rounds[MAX_DIVES] = { 1, 5, 20, 2, 10, 3 };
                static const double fix_at[MAX_DIVES] = { 0.3, 0.5, 0.7, 0.4, 0.6, 1 };

                m->fix_at = m->polish ? fix_at[k % 6] : 1;
                r = dive(m, rounds[k % 6], m->polish ? -1 : current, &dived);
                if (r < 0)
                        goto out;
                if (dived > current + 0.5) {
                        memcpy(best, m->work, ((size_t) glp_get_num_cols(m->lp) + 1) * sizeof(double));
                        current = dived;
                        *ret_improved = true;
                }
                /* Without pricing every dive would be the same. */
                if (!m->pricer)
                        break;
        }
        r = 0;
        /* Without a deadline the direct model (model.c) takes it from here:
         * an unbounded branch and bound over the pool would prove nothing. */
        if (m->until <= 0 || past(m) || current >= target - 0.5 || m->alt_value >= target - 0.5)
                goto done;

        /* Branch and bound over the pool for the time left, from the best. */
        for (int j = 1; j <= glp_get_num_cols(m->lp); j++)
                glp_set_col_bnds(m->lp, j, GLP_DB, 0, 1);
        glp_init_iocp(&iocp);
        iocp.msg_lev = GLP_MSG_OFF;
        iocp.presolve = GLP_OFF;
        iocp.br_tech = GLP_BR_DTH;
        iocp.bt_tech = GLP_BT_BLB;
        iocp.tm_lim = rs_clock_tm_lim(clock);
        cb = (master_cb) { .start = best, .m = m };
        iocp.cb_func = master_callback;
        iocp.cb_info = &cb;
        {
                glp_smcp smcp;

                glp_init_smcp(&smcp);
                smcp.msg_lev = GLP_MSG_OFF;
                if (simplex(m, &smcp) != 0 || glp_get_status(m->lp) != GLP_OPT)
                        goto done;
        }
        cb.upi = iter_units(m);
        cb.it_seen = glp_get_it_cnt(m->lp);
        if (glp_intopt(m->lp, &iocp) == GLP_ETMLIM)
                clock->clock_stopped = true;
        clock->work += cb.upi * (double) (glp_get_it_cnt(m->lp) - cb.it_seen);
        st = glp_mip_status(m->lp);
        if ((st == GLP_OPT || st == GLP_FEAS) && glp_mip_obj_val(m->lp) > current + 0.5) {
                for (int j = 1; j <= glp_get_num_cols(m->lp); j++)
                        best[j] = glp_mip_col_val(m->lp, j) > 0.5 ? 1 : 0;
                current = glp_mip_obj_val(m->lp);
                *ret_improved = true;
        }
done:
        if (*ret_improved)
                take_roster(m, best, chosen);
        /* The best polished roster: the caller keeps it when it beats the
         * one in @chosen after the caller's own local search. */
        if (m->polish && m->alt_value >= 0) {
                const rs_prep *prep = m->prep;

                for (size_t i = 0; i < m->comp->n_cands; i++) {
                        size_t ci = m->comp->cands[i];

                        for (size_t o = prep->cand_opt[ci]; o < prep->cand_opt[ci + 1]; o++)
                                alt[o] = m->alt[o];
                }
                *ret_alt = true;
        }
out:
        if (r >= 0)
                *ret_bound = m->bound;
        free(best);
        return r;
}

size_t rs_master_pool_size(const rs_master *m) {
        return m->n_pool;
}
