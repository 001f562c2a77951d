/* solver/model.c -- the direct MIP of one component, solved goal by goal.
 *
 * Columns: first one binary x per option (candidate, block), by candidate
 * then block; then, in the order the rows are built, per candidate its day
 * indicators w (only where the days cap can bind), its "works on this
 * position" indicators y and its shortfall columns s (integer minutes),
 * and per shift instance the handover columns h (integer 0..headcount)
 * with, for headcount > 1, a binary z choosing the side of the min().
 * The order is fixed by the problem alone: same input, same model.
 *
 * Rows: blocks per day (and, for more than one block a day, a clique per
 * overlapping start time), days cap, rest, hours cap, people linking and
 * limits, segment headcount, handovers and shortfalls. docs/solver.md
 * explains each one and why it is valid.
 *
 * The goals are solved in order: each stage sets its objective, solves the
 * LP relaxation warm, and runs branch and bound only when the incumbent
 * (the previous stage's solution, always feasible) is not already proven
 * optimal by the LP bound; then the reached value is fixed by a row and
 * the next stage starts. */
#include <errno.h>
#include <float.h>
#include <glpk.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum {
        TAG_X,
        TAG_Y,
        TAG_W,
        TAG_H,
        TAG_Z,
        TAG_SMIN,
        TAG_STAR,
};

typedef struct colinfo {
        int kind;                       /* GLP_BV, GLP_IV */
        int tag;
        double ub;                      /* for integer columns */
} colinfo;

typedef struct hpoint {
        int h_col;
        int z_col;                      /* 0 for headcount 1 */
        int headcount;
} hpoint;

typedef struct rowdef {
        int type;
        double lo;
        double hi;
} rowdef;

typedef struct scol {
        int col;
        int lc;                         /* local candidate */
        int need;                       /* minutes still short without work here */
} scol;

struct rs_model {
        const rs_prep *prep;
        const rs_comp *comp;
        glp_prob *lp;
        bool names;                     /* name columns (for LP files) */

        size_t *opts;                   /* global option per x column - 1 */
        size_t n_x;
        int *opt_lc;                    /* per x: local candidate index */
        int *opt_y;                     /* per x: its y column */
        int *opt_w;                     /* per x: its w column or 0 */
        int *opt_hend;                  /* per x: handover point at its end or -1 */
        int *opt_hstart;

        colinfo *cols;                  /* 1-based */
        int n_cols;
        int cols_cap;

        hpoint *hp;
        int n_hp;
        int hp_cap;
        scol *sc;
        int n_sc;
        int sc_cap;
        size_t *y_pos;                  /* per y column (by col - first y) */
        int n_y;

        double *cov_coef;               /* per x: objective of goal 1 / cov_scale */
        double cov_scale;
        bool cov_integral;
        double cov_const;               /* Σ priority * required over the positions */
        double *stab_coef;              /* per x: -kept approved minutes / stab_scale */
        double stab_scale;
        double stab_const;              /* approved minutes the component could keep */
        double cov_known;               /* covered minutes no roster exceeds, or HUGE_VAL */

        double *inc;                    /* incumbent, 1-based, n_cols + 1 */
        double *work;
        long *lc_paid;
        int *hp_e;
        int *hp_s;

        /* Row triplets until glp_load_matrix(). */
        int *ia;
        int *ja;
        double *ar;
        size_t ne;
        size_t ne_cap;
        rowdef *rows;                   /* 1-based */
        int n_rows;
        int rows_cap;
        int y_cap;
};

#define TRY(expr)                                                                                  \
        do {                                                                                       \
                int _r = (expr);                                                                   \
                if (_r < 0)                                                                        \
                        return _r;                                                                 \
        } while (0)

static long gcd_l(long a, long b) {
        if (a < 0)
                a = -a;
        if (b < 0)
                b = -b;
        while (b) {
                long t = a % b;

                a = b;
                b = t;
        }
        return a;
}

static int grow_int(void **p, size_t elem, int need, int *cap) {
        size_t c = (size_t) *cap;
        int r = rs_grow(p, elem, (size_t) need, &c);

        *cap = (int) c;
        return r;
}

rs_model *rs_model_new(const rs_prep *prep, const rs_comp *comp) {
        rs_model *m = calloc(1, sizeof(*m));

        if (!m)
                return NULL;
        m->prep = prep;
        m->comp = comp;
        m->cov_known = HUGE_VAL;
        return m;
}

void rs_model_set_coverage_bound(rs_model *m, double covered) {
        m->cov_known = covered;
}

static void free_triplets(rs_model *m) {
        free(m->ia);
        free(m->ja);
        free(m->ar);
        free(m->rows);
        m->ia = m->ja = NULL;
        m->ar = NULL;
        m->rows = NULL;
        m->ne = m->ne_cap = 0;
        m->rows_cap = 0;
}

rs_model *rs_model_free(rs_model *m, bool glpk_alive) {
        if (!m)
                return NULL;
        /* After a GLPK error glp_free_env() has already released the problem. */
        if (m->lp && glpk_alive)
                glp_delete_prob(m->lp);
        free(m->opts);
        free(m->opt_lc);
        free(m->opt_y);
        free(m->opt_w);
        free(m->opt_hend);
        free(m->opt_hstart);
        free(m->cols);
        free(m->hp);
        free(m->sc);
        free(m->y_pos);
        free(m->cov_coef);
        free(m->stab_coef);
        free(m->inc);
        free(m->work);
        free(m->lc_paid);
        free(m->hp_e);
        free(m->hp_s);
        free_triplets(m);
        free(m);
        return NULL;
}

void rs_model_size(const rs_model *m, long *ret_rows, long *ret_columns) {
        *ret_rows = m->lp ? glp_get_num_rows(m->lp) : 0;
        *ret_columns = m->lp ? glp_get_num_cols(m->lp) : 0;
}

/* ---- columns and rows before they go to GLPK ------------------------- */

static int col_new(rs_model *m, int kind, int tag, double ub) {
        TRY(grow_int((void **) &m->cols, sizeof(colinfo), m->n_cols + 2, &m->cols_cap));
        m->n_cols++;
        m->cols[m->n_cols] = (colinfo) { .kind = kind, .tag = tag, .ub = ub };
        return m->n_cols;
}

static int row_begin(rs_model *m, int type, double lo, double hi) {
        TRY(grow_int((void **) &m->rows, sizeof(rowdef), m->n_rows + 2, &m->rows_cap));
        m->n_rows++;
        m->rows[m->n_rows] = (rowdef) { .type = type, .lo = lo, .hi = hi };
        return 0;
}

static int row_add(rs_model *m, int col, double v) {
        if (m->ne + 2 > m->ne_cap) {
                size_t c1 = m->ne_cap, c2 = m->ne_cap, c3 = m->ne_cap;

                if (rs_grow((void **) &m->ia, sizeof(int), m->ne + 2, &c1) < 0 ||
                    rs_grow((void **) &m->ja, sizeof(int), m->ne + 2, &c2) < 0 ||
                    rs_grow((void **) &m->ar, sizeof(double), m->ne + 2, &c3) < 0)
                        return -ENOMEM;
                m->ne_cap = c1;
        }
        m->ne++;
        m->ia[m->ne] = m->n_rows;
        m->ja[m->ne] = col;
        m->ar[m->ne] = v;
        return 0;
}

/* Drops the row just begun, when it turned out to constrain nothing. */
static void row_cancel(rs_model *m, size_t ne_before) {
        m->ne = ne_before;
        m->n_rows--;
}

/* ---- helpers over the component's options ---------------------------- */

static inline const rs_block *opt_blk(const rs_model *m, size_t j) {
        return &m->prep->blocks[m->prep->opt_block[m->opts[j]]];
}

static inline size_t opt_cand(const rs_model *m, size_t j) {
        return m->prep->opt_cand[m->opts[j]];
}

typedef struct cand_range {
        size_t first;                   /* 0-based x indices */
        size_t last;
} cand_range;

static int cmp_int(const void *a, const void *b) {
        int x = *(const int *) a, y = *(const int *) b;

        return (x > y) - (x < y);
}

/* ---- per candidate rows ---------------------------------------------- */

static size_t count_right(const rs_model *m, const size_t *R, size_t nr, long limit) {
        size_t cnt = 0;

        for (size_t i = 0; i < nr; i++)
                if (opt_blk(m, R[i])->start < limit)
                        cnt++;
        return cnt;
}

/* Rest between working days @L (earlier) and @R when at most one block a
 * day. The conflicts between the two days are covered by threshold
 * cliques C_t = {l : l.end >= t} + {r : r.start < t + min_rest}, t over
 * the ends of L: every conflicting pair (l, r) lies in C_{l.end}. A C_t
 * is a clique when every pair in it conflicts, which holds when also
 * max(l.start) - min(r.end) < min_rest over it; if some C_t fails that,
 * pairwise rows x_l + Σ_{r conflicting} x_r <= 1 are used instead (valid
 * because the blocks of one day exclude each other). */
static int rest_rows_single(rs_model *m, const size_t *L, size_t nl, const size_t *R, size_t nr,
                            int *ends) {
        long min_rest = m->prep->problem->rules.min_rest;
        long max_lend = LONG_MIN, min_rstart = LONG_MAX;
        size_t nt = 0, prev = 0;
        bool cliques = true;

        for (size_t i = 0; i < nl; i++)
                if (opt_blk(m, L[i])->end > max_lend)
                        max_lend = opt_blk(m, L[i])->end;
        for (size_t i = 0; i < nr; i++)
                if (opt_blk(m, R[i])->start < min_rstart)
                        min_rstart = opt_blk(m, R[i])->start;
        if (min_rstart - max_lend >= min_rest)
                return 0;

        for (size_t i = 0; i < nl; i++)
                ends[nt++] = opt_blk(m, L[i])->end;
        qsort(ends, nt, sizeof(int), cmp_int);

        for (size_t ti = 0; ti < nt && cliques; ti++) {
                long t = ends[ti], max_ls = LONG_MIN, min_re = LONG_MAX;

                if (ti > 0 && ends[ti] == ends[ti - 1])
                        continue;
                for (size_t i = 0; i < nl; i++)
                        if (opt_blk(m, L[i])->end >= t && opt_blk(m, L[i])->start > max_ls)
                                max_ls = opt_blk(m, L[i])->start;
                for (size_t i = 0; i < nr; i++)
                        if (opt_blk(m, R[i])->start < t + min_rest && opt_blk(m, R[i])->end < min_re)
                                min_re = opt_blk(m, R[i])->end;
                if (min_re != LONG_MAX && max_ls - min_re >= min_rest)
                        cliques = false;
        }

        if (cliques) {
                /* As t grows the left part shrinks and the right part grows:
                 * C_t is contained in C_t' (t' < t) when both have the same
                 * right part. Keep, per right part, the smallest t. */
                for (size_t ti = 0; ti < nt; ti++) {
                        long t = ends[ti];
                        size_t cnt, next;

                        if (ti > 0 && ends[ti] == ends[ti - 1])
                                continue;
                        cnt = count_right(m, R, nr, t + min_rest);
                        if (cnt == 0 || cnt == prev)
                                continue;
                        prev = cnt;
                        (void) next;
                        TRY(row_begin(m, GLP_UP, 0, 1));
                        for (size_t i = 0; i < nl; i++)
                                if (opt_blk(m, L[i])->end >= t)
                                        TRY(row_add(m, (int) L[i] + 1, 1));
                        for (size_t i = 0; i < nr; i++)
                                if (opt_blk(m, R[i])->start < t + min_rest)
                                        TRY(row_add(m, (int) R[i] + 1, 1));
                }
                return 0;
        }

        for (size_t i = 0; i < nl; i++) {
                const rs_block *l = opt_blk(m, L[i]);
                size_t ne_before = m->ne, cnt = 0;

                TRY(row_begin(m, GLP_UP, 0, 1));
                TRY(row_add(m, (int) L[i] + 1, 1));
                for (size_t k = 0; k < nr; k++) {
                        const rs_block *r = opt_blk(m, R[k]);

                        if (rs_rest_gap(l->start, l->end, r->start, r->end) < min_rest) {
                                TRY(row_add(m, (int) R[k] + 1, 1));
                                cnt++;
                        }
                }
                if (cnt == 0)
                        row_cancel(m, ne_before);
        }
        return 0;
}

/* Rest with more than one block a day: k x_l + Σ_{r conflicting} x_r <= k
 * where k is what the other day still allows. */
static int rest_rows_multi(rs_model *m, const size_t *L, size_t nl, const size_t *R, size_t nr,
                           int k) {
        int min_rest = m->prep->problem->rules.min_rest;

        for (size_t i = 0; i < nl; i++) {
                const rs_block *l = opt_blk(m, L[i]);
                size_t ne_before = m->ne, cnt = 0;

                TRY(row_begin(m, GLP_UP, 0, k));
                TRY(row_add(m, (int) L[i] + 1, k));
                for (size_t q = 0; q < nr; q++) {
                        const rs_block *r = opt_blk(m, R[q]);

                        if (rs_rest_gap(l->start, l->end, r->start, r->end) < min_rest) {
                                TRY(row_add(m, (int) R[q] + 1, 1));
                                cnt++;
                        }
                }
                if (cnt == 0)
                        row_cancel(m, ne_before);
        }
        return 0;
}

typedef struct scratch {
        size_t *by_day[RS_DAYS_PER_WEEK];
        size_t n_day[RS_DAYS_PER_WEEK];
        size_t *buf;
        int *ints;
} scratch;

static int candidate_rows(rs_model *m, int lc, cand_range cr, scratch *sc) {
        const rs_problem *problem = m->prep->problem;
        size_t ci = m->comp->cands[lc];
        const rs_candidate *c = &problem->candidates[ci];
        const rs_cand *k = &m->prep->cands[ci];
        int kmax = problem->rules.max_blocks_per_day;
        int w_col[RS_DAYS_PER_WEEK] = { 0 };
        int new_days = 0;
        long max_paid = 0;
        size_t used = 0;

        /* This candidate's options by working day, in their order. */
        for (int d = 0; d < RS_DAYS_PER_WEEK; d++)
                sc->n_day[d] = 0;
        for (size_t j = cr.first; j < cr.last; j++)
                sc->n_day[opt_blk(m, j)->day]++;
        for (int d = 0; d < RS_DAYS_PER_WEEK; d++) {
                sc->by_day[d] = sc->buf + used;
                used += sc->n_day[d];
                sc->n_day[d] = 0;
        }
        for (size_t j = cr.first; j < cr.last; j++) {
                int d = opt_blk(m, j)->day;

                sc->by_day[d][sc->n_day[d]++] = j;
                m->opt_lc[j] = lc;
        }

        for (int d = 0; d < RS_DAYS_PER_WEEK; d++)
                if (sc->n_day[d] > 0 && !k->commit_day[d])
                        new_days++;
        if (new_days > k->days_left)
                for (int d = 0; d < RS_DAYS_PER_WEEK; d++)
                        if (sc->n_day[d] > 0 && !k->commit_day[d]) {
                                w_col[d] = col_new(m, GLP_BV, TAG_W, 1);
                                if (w_col[d] < 0)
                                        return w_col[d];
                        }

        for (int d = 0; d < RS_DAYS_PER_WEEK; d++) {
                int k_d = kmax - k->commit_blocks[d];
                long day_max = 0;

                if (sc->n_day[d] == 0)
                        continue;
                /* Blocks per day, tied to the day indicator when the days cap
                 * can bind. */
                if (w_col[d]) {
                        TRY(row_begin(m, GLP_UP, 0, 0));
                        TRY(row_add(m, w_col[d], -k_d));
                } else {
                        TRY(row_begin(m, GLP_UP, 0, k_d));
                }
                for (size_t i = 0; i < sc->n_day[d]; i++) {
                        size_t j = sc->by_day[d][i];

                        TRY(row_add(m, (int) j + 1, 1));
                        m->opt_w[j] = w_col[d];
                        if (opt_blk(m, j)->paid > day_max)
                                day_max = opt_blk(m, j)->paid;
                }
                max_paid += day_max * k_d;

                if (kmax > 1) {
                        /* Never two at once: one clique per start time. */
                        for (size_t i = 0; i < sc->n_day[d]; i++) {
                                int t = opt_blk(m, sc->by_day[d][i])->start;
                                size_t ne_before = m->ne, cnt = 0;
                                bool dup = false;

                                for (size_t q = 0; q < i && !dup; q++)
                                        dup = opt_blk(m, sc->by_day[d][q])->start == t;
                                if (dup)
                                        continue;
                                TRY(row_begin(m, GLP_UP, 0, 1));
                                for (size_t q = 0; q < sc->n_day[d]; q++) {
                                        const rs_block *b = opt_blk(m, sc->by_day[d][q]);

                                        if (b->start <= t && t < b->end) {
                                                TRY(row_add(m, (int) sc->by_day[d][q] + 1, 1));
                                                cnt++;
                                        }
                                }
                                if (cnt < 2)
                                        row_cancel(m, ne_before);
                        }
                }
        }
        if (new_days > k->days_left) {
                TRY(row_begin(m, GLP_UP, 0, k->days_left));
                for (int d = 0; d < RS_DAYS_PER_WEEK; d++)
                        if (w_col[d])
                                TRY(row_add(m, w_col[d], 1));
        }

        for (int d = 0; d < RS_DAYS_PER_WEEK; d++)
                for (int e = d + 1; e < RS_DAYS_PER_WEEK; e++) {
                        if (sc->n_day[d] == 0 || sc->n_day[e] == 0)
                                continue;
                        if (kmax == 1)
                                TRY(rest_rows_single(m, sc->by_day[d], sc->n_day[d], sc->by_day[e],
                                                     sc->n_day[e], sc->ints));
                        else
                                TRY(rest_rows_multi(m, sc->by_day[d], sc->n_day[d], sc->by_day[e],
                                                    sc->n_day[e], kmax - k->commit_blocks[e]));
                }

        if (max_paid > k->left) {
                TRY(row_begin(m, GLP_UP, 0, k->left));
                for (size_t j = cr.first; j < cr.last; j++)
                        TRY(row_add(m, (int) j + 1, opt_blk(m, j)->paid));
        }

        /* Shortfalls: s + Σ paid x >= need. */
        for (int kind = 0; kind < 2; kind++) {
                int need = (kind == 0 ? c->hours_min : c->hours_target) - k->commit_paid;
                int col;

                if (need <= 0)
                        continue;
                col = col_new(m, GLP_IV, kind == 0 ? TAG_SMIN : TAG_STAR, need);
                if (col < 0)
                        return col;
                TRY(grow_int((void **) &m->sc, sizeof(scol), m->n_sc + 1, &m->sc_cap));
                m->sc[m->n_sc++] = (scol) { .col = col, .lc = lc, .need = need };
                TRY(row_begin(m, GLP_LO, need, 0));
                TRY(row_add(m, col, 1));
                for (size_t j = cr.first; j < cr.last; j++)
                        TRY(row_add(m, (int) j + 1, opt_blk(m, j)->paid));
        }
        return 0;
}

/* People linking: y[c,p] >= the blocks of c on p. With one block a day a
 * whole (position, day) group shares one row, since at most one of them
 * is worked; otherwise one row per segment, since two blocks of one
 * candidate never overlap. */
static int people_rows(rs_model *m, cand_range cr) {
        const rs_problem *problem = m->prep->problem;
        int kmax = problem->rules.max_blocks_per_day;
        size_t j = cr.first;

        while (j < cr.last) {
                size_t pi = opt_blk(m, j)->position, end = j;
                int y = col_new(m, GLP_BV, TAG_Y, 1);

                if (y < 0)
                        return y;
                TRY(grow_int((void **) &m->y_pos, sizeof(size_t), m->n_y + 1, &m->y_cap));
                m->y_pos[m->n_y++] = pi;
                while (end < cr.last && opt_blk(m, end)->position == pi) {
                        m->opt_y[end] = y;
                        end++;
                }
                if (kmax == 1) {
                        for (size_t a = j; a < end;) {
                                int day = opt_blk(m, a)->day;

                                TRY(row_begin(m, GLP_UP, 0, 0));
                                TRY(row_add(m, y, -1));
                                for (; a < end && opt_blk(m, a)->day == day; a++)
                                        TRY(row_add(m, (int) a + 1, 1));
                        }
                } else {
                        for (size_t a = j; a < end;) {
                                size_t shift = opt_blk(m, a)->shift, b = a;
                                const rs_shift *s = &problem->positions[pi].shifts[shift];

                                while (b < end && opt_blk(m, b)->shift == shift)
                                        b++;
                                for (size_t g = 0; g + 1 < s->n_grid; g++) {
                                        size_t ne_before = m->ne, cnt = 0;

                                        TRY(row_begin(m, GLP_UP, 0, 0));
                                        TRY(row_add(m, y, -1));
                                        for (size_t q = a; q < b; q++) {
                                                const rs_block *blk = opt_blk(m, q);

                                                if (blk->first <= (int) g && (int) g < blk->last) {
                                                        TRY(row_add(m, (int) q + 1, 1));
                                                        cnt++;
                                                }
                                        }
                                        if (cnt == 0)
                                                row_cancel(m, ne_before);
                                }
                                a = b;
                        }
                }
                j = end;
        }
        return 0;
}

/* Segments (headcount) and handovers of one shift instance, whose options
 * are @q[0..n). */
static int shift_rows(rs_model *m, const rs_shift *s, const size_t *q, size_t n) {
        int H = s->headcount;

        for (size_t g = 0; g + 1 < s->n_grid; g++) {
                size_t ne_before = m->ne, cnt = 0;

                TRY(row_begin(m, GLP_UP, 0, H));
                for (size_t i = 0; i < n; i++) {
                        const rs_block *b = opt_blk(m, q[i]);

                        if (b->first <= (int) g && (int) g < b->last) {
                                TRY(row_add(m, (int) q[i] + 1, 1));
                                cnt++;
                        }
                }
                if (cnt <= (size_t) H)
                        row_cancel(m, ne_before);
        }

        /* A handover at g is min(blocks ending, blocks starting). H = 1:
         * both are 0/1, so h >= e + s - 1 is exact. H > 1: h >= e - H z and
         * h >= s - H (1 - z) with a binary z. */
        for (size_t g = 1; g + 1 < s->n_grid; g++) {
                bool e = false, st = false;
                int hc, zc = 0, hp;

                for (size_t i = 0; i < n; i++) {
                        e = e || opt_blk(m, q[i])->last == (int) g;
                        st = st || opt_blk(m, q[i])->first == (int) g;
                }
                if (!e || !st)
                        continue;
                hc = col_new(m, GLP_IV, TAG_H, H);
                if (hc < 0)
                        return hc;
                if (H > 1) {
                        zc = col_new(m, GLP_BV, TAG_Z, 1);
                        if (zc < 0)
                                return zc;
                }
                TRY(grow_int((void **) &m->hp, sizeof(hpoint), m->n_hp + 1, &m->hp_cap));
                hp = m->n_hp++;
                m->hp[hp] = (hpoint) { .h_col = hc, .z_col = zc, .headcount = H };
                for (size_t i = 0; i < n; i++) {
                        if (opt_blk(m, q[i])->last == (int) g)
                                m->opt_hend[q[i]] = hp;
                        if (opt_blk(m, q[i])->first == (int) g)
                                m->opt_hstart[q[i]] = hp;
                }
                TRY(row_begin(m, GLP_UP, 0, H == 1 ? 1 : 0));
                TRY(row_add(m, hc, -1));
                if (zc)
                        TRY(row_add(m, zc, -H));
                for (size_t i = 0; i < n; i++) {
                        const rs_block *b = opt_blk(m, q[i]);

                        if (b->last == (int) g || (H == 1 && b->first == (int) g))
                                TRY(row_add(m, (int) q[i] + 1, 1));
                }
                if (H > 1) {
                        TRY(row_begin(m, GLP_UP, 0, H));
                        TRY(row_add(m, hc, -1));
                        TRY(row_add(m, zc, H));
                        for (size_t i = 0; i < n; i++)
                                if (opt_blk(m, q[i])->first == (int) g)
                                        TRY(row_add(m, (int) q[i] + 1, 1));
                }
        }
        return 0;
}

static void objective_coefficients(rs_model *m) {
        const rs_prep *prep = m->prep;
        const rs_problem *problem = prep->problem;
        const rs_comp *comp = m->comp;
        double prio0 = 0;
        bool same = true;
        long g = 0, gs = 0;

        for (size_t i = 0; i < comp->n_positions; i++) {
                size_t pi = comp->positions[i];

                m->cov_const += problem->positions[pi].priority * (double) prep->pos_required[pi];
        }
        for (size_t j = 0; j < m->n_x; j++) {
                const rs_block *b = opt_blk(m, j);
                double prio = problem->positions[b->position].priority;

                if (j == 0)
                        prio0 = prio;
                else if (prio != prio0)
                        same = false;
                g = gcd_l(g, b->end - b->start);
        }
        if (g <= 0)
                g = 1;
        /* With one priority the objective is integral after dividing by the
         * gcd of the block lengths, which lets GLPK round its bounds. */
        m->cov_integral = same;
        m->cov_scale = same ? prio0 * (double) g : (double) g;
        for (size_t j = 0; j < m->n_x; j++) {
                const rs_block *b = opt_blk(m, j);
                double len = (double) ((b->end - b->start) / g);

                m->cov_coef[j] = same ? -len : -len * problem->positions[b->position].priority;
        }

        m->stab_scale = 1;
        if (!problem->has_approved)
                return;
        for (size_t a = 0; a < problem->n_approved; a++) {
                const rs_approved_block *ab = &problem->approved[a];
                size_t ci = ab->candidate, lo, hi;
                size_t first = RS_NO_INDEX;

                if (prep->pos_comp[ab->position] == RS_NO_INDEX ||
                    &prep->comps[prep->pos_comp[ab->position]] != comp)
                        continue;
                /* The candidate's x columns, if the candidate is in here. */
                lo = 0;
                hi = comp->n_cands;
                while (lo < hi) {
                        size_t mid = (lo + hi) / 2;

                        if (comp->cands[mid] < ci)
                                lo = mid + 1;
                        else
                                hi = mid;
                }
                if (lo < comp->n_cands && comp->cands[lo] == ci)
                        first = lo;
                if (first == RS_NO_INDEX)
                        continue;
                m->stab_const += ab->end - ab->start;
                for (size_t j = 0; j < m->n_x; j++) {
                        const rs_block *b;
                        int s, e;

                        if (opt_cand(m, j) != ci)
                                continue;
                        b = opt_blk(m, j);
                        s = b->start > ab->start ? b->start : ab->start;
                        e = b->end < ab->end ? b->end : ab->end;
                        if (b->position == ab->position && e > s)
                                m->stab_coef[j] -= e - s;
                }
        }
        for (size_t j = 0; j < m->n_x; j++)
                gs = gcd_l(gs, (long) m->stab_coef[j]);
        if (gs > 0) {
                m->stab_scale = (double) gs;
                for (size_t j = 0; j < m->n_x; j++)
                        m->stab_coef[j] /= (double) gs;
        }
}

int rs_model_build(rs_model *m, bool names) {
        const rs_prep *prep = m->prep;
        const rs_problem *problem = prep->problem;
        const rs_comp *comp = m->comp;
        size_t n_flat = prep->shift_base[problem->n_positions];
        size_t *shift_first = NULL, *shift_fill = NULL, *by_shift = NULL;
        cand_range *ranges = NULL;
        scratch sc = { 0 };
        size_t max_cand_opts = 0, j = 0;
        int r = -ENOMEM;

        m->names = names;
        m->n_x = comp->n_opts;
        m->opts = malloc((m->n_x + 1) * sizeof(size_t));
        m->opt_lc = calloc(m->n_x + 1, sizeof(int));
        m->opt_y = calloc(m->n_x + 1, sizeof(int));
        m->opt_w = calloc(m->n_x + 1, sizeof(int));
        m->opt_hend = malloc((m->n_x + 1) * sizeof(int));
        m->opt_hstart = malloc((m->n_x + 1) * sizeof(int));
        m->cov_coef = calloc(m->n_x + 1, sizeof(double));
        m->stab_coef = calloc(m->n_x + 1, sizeof(double));
        ranges = calloc(comp->n_cands + 1, sizeof(cand_range));
        if (!m->opts || !m->opt_lc || !m->opt_y || !m->opt_w || !m->opt_hend || !m->opt_hstart ||
            !m->cov_coef || !m->stab_coef || !ranges)
                goto out;
        for (size_t i = 0; i < comp->n_cands; i++) {
                size_t ci = comp->cands[i];

                ranges[i].first = j;
                for (size_t o = prep->cand_opt[ci]; o < prep->cand_opt[ci + 1]; o++)
                        m->opts[j++] = o;
                ranges[i].last = j;
                if (ranges[i].last - ranges[i].first > max_cand_opts)
                        max_cand_opts = ranges[i].last - ranges[i].first;
        }
        for (size_t q = 0; q < m->n_x; q++)
                m->opt_hend[q] = m->opt_hstart[q] = -1;
        for (size_t q = 0; q < m->n_x; q++)
                if (col_new(m, GLP_BV, TAG_X, 1) < 0)
                        goto out;
        objective_coefficients(m);

        sc.buf = malloc((max_cand_opts + 1) * sizeof(size_t));
        sc.ints = malloc((max_cand_opts + 1) * sizeof(int));
        if (!sc.buf || !sc.ints)
                goto out;
        for (size_t i = 0; i < comp->n_cands; i++) {
                r = candidate_rows(m, (int) i, ranges[i], &sc);
                if (r < 0)
                        goto out;
                r = people_rows(m, ranges[i]);
                if (r < 0)
                        goto out;
        }
        r = -ENOMEM;

        /* People limit per position. */
        for (size_t i = 0; i < comp->n_positions; i++) {
                size_t pi = comp->positions[i];
                int cnt = 0;

                for (int y = 0; y < m->n_y; y++)
                        cnt += m->y_pos[y] == pi;
                if (cnt <= prep->pos_limit[pi])
                        continue;
                if (row_begin(m, GLP_UP, 0, prep->pos_limit[pi]) < 0)
                        goto out;
                for (size_t q = 0; q < m->n_x; q++)
                        if (opt_blk(m, q)->position == pi &&
                            (q == 0 || m->opt_y[q] != m->opt_y[q - 1]) &&
                            row_add(m, m->opt_y[q], 1) < 0)
                                goto out;
        }

        /* Options per shift instance, then segments and handovers. */
        shift_first = calloc(n_flat + 2, sizeof(size_t));
        shift_fill = calloc(n_flat + 1, sizeof(size_t));
        by_shift = malloc((m->n_x + 1) * sizeof(size_t));
        if (!shift_first || !shift_fill || !by_shift)
                goto out;
        for (size_t q = 0; q < m->n_x; q++) {
                const rs_block *b = opt_blk(m, q);

                shift_first[prep->shift_base[b->position] + b->shift + 1]++;
        }
        for (size_t f = 0; f < n_flat; f++)
                shift_first[f + 1] += shift_first[f];
        for (size_t q = 0; q < m->n_x; q++) {
                const rs_block *b = opt_blk(m, q);
                size_t f = prep->shift_base[b->position] + b->shift;

                by_shift[shift_first[f] + shift_fill[f]++] = q;
        }
        for (size_t i = 0; i < comp->n_positions; i++) {
                size_t pi = comp->positions[i];
                const rs_position *p = &problem->positions[pi];

                for (size_t si = 0; si < p->n_shifts; si++) {
                        size_t f = prep->shift_base[pi] + si;

                        if (shift_first[f] == shift_first[f + 1])
                                continue;
                        r = shift_rows(m, &p->shifts[si], by_shift + shift_first[f],
                                       shift_first[f + 1] - shift_first[f]);
                        if (r < 0)
                                goto out;
                }
        }
        r = -ENOMEM;

        m->inc = calloc((size_t) m->n_cols + 2, sizeof(double));
        m->work = calloc((size_t) m->n_cols + 2, sizeof(double));
        m->lc_paid = calloc(comp->n_cands + 1, sizeof(long));
        m->hp_e = calloc((size_t) m->n_hp + 1, sizeof(int));
        m->hp_s = calloc((size_t) m->n_hp + 1, sizeof(int));
        if (!m->inc || !m->work || !m->lc_paid || !m->hp_e || !m->hp_s)
                goto out;

        m->lp = glp_create_prob();
        glp_set_obj_dir(m->lp, GLP_MIN);
        if (m->n_cols > 0)
                glp_add_cols(m->lp, m->n_cols);
        for (int c = 1; c <= m->n_cols; c++) {
                glp_set_col_kind(m->lp, c, m->cols[c].kind);
                if (m->cols[c].kind == GLP_IV)
                        glp_set_col_bnds(m->lp, c, GLP_DB, 0, m->cols[c].ub);
        }
        if (names) {
                static const char *const prefix[] = {
                        [TAG_X] = "x", [TAG_Y] = "y", [TAG_W] = "w", [TAG_H] = "h",
                        [TAG_Z] = "z", [TAG_SMIN] = "smin", [TAG_STAR] = "star",
                };

                for (int c = 1; c <= m->n_cols; c++) {
                        char name[48];

                        if (m->cols[c].tag == TAG_X)
                                snprintf(name, sizeof(name), "x_c%zu_b%zu", opt_cand(m, (size_t) c - 1),
                                         prep->opt_block[m->opts[c - 1]]);
                        else
                                snprintf(name, sizeof(name), "%s%d", prefix[m->cols[c].tag], c);
                        glp_set_col_name(m->lp, c, name);
                }
        }
        if (m->n_rows > 0) {
                glp_add_rows(m->lp, m->n_rows);
                for (int i = 1; i <= m->n_rows; i++)
                        glp_set_row_bnds(m->lp, i, m->rows[i].type, m->rows[i].lo, m->rows[i].hi);
                glp_load_matrix(m->lp, (int) m->ne, m->ia, m->ja, m->ar);
        }
        free_triplets(m);
        r = 0;
out:
        free(shift_first);
        free(shift_fill);
        free(by_shift);
        free(ranges);
        free(sc.buf);
        free(sc.ints);
        return r;
}

/* ---- solving --------------------------------------------------------- */

/* Sets every auxiliary column of @v from its x part, at the smallest
 * values its rows allow: a feasible point whenever the x part keeps the
 * rules, and one whose goal values are the true ones. */
static void complete(rs_model *m, double *v) {
        for (int c = (int) m->n_x + 1; c <= m->n_cols; c++)
                v[c] = 0;
        for (size_t i = 0; i < m->comp->n_cands; i++)
                m->lc_paid[i] = m->prep->cands[m->comp->cands[i]].commit_paid;
        for (int h = 0; h < m->n_hp; h++)
                m->hp_e[h] = m->hp_s[h] = 0;
        for (size_t j = 0; j < m->n_x; j++) {
                if (v[j + 1] < 0.5) {
                        v[j + 1] = 0;
                        continue;
                }
                v[j + 1] = 1;
                v[m->opt_y[j]] = 1;
                if (m->opt_w[j])
                        v[m->opt_w[j]] = 1;
                if (m->opt_hend[j] >= 0)
                        m->hp_e[m->opt_hend[j]]++;
                if (m->opt_hstart[j] >= 0)
                        m->hp_s[m->opt_hstart[j]]++;
                m->lc_paid[m->opt_lc[j]] += opt_blk(m, j)->paid;
        }
        for (int h = 0; h < m->n_hp; h++) {
                int e = m->hp_e[h], s = m->hp_s[h];

                v[m->hp[h].h_col] = e < s ? e : s;
                if (m->hp[h].z_col)
                        v[m->hp[h].z_col] = e > s ? 1 : 0;
        }
        for (int i = 0; i < m->n_sc; i++) {
                const rs_candidate *c = &m->prep->problem->candidates[m->comp->cands[m->sc[i].lc]];
                int tag = m->cols[m->sc[i].col].tag;
                long need = (tag == TAG_SMIN ? c->hours_min : c->hours_target) - m->lc_paid[m->sc[i].lc];

                v[m->sc[i].col] = need > 0 ? (double) need : 0;
        }
}

/* Objective coefficient of column @c in the stage of @goal. */
static double coef(const rs_model *m, rs_goal goal, int c) {
        int tag = m->cols[c].tag;

        switch (goal) {
        case RS_GOAL_COVERAGE:
                return tag == TAG_X ? m->cov_coef[c - 1] : 0;
        case RS_GOAL_STABILITY:
                return tag == TAG_X ? m->stab_coef[c - 1] : 0;
        case RS_GOAL_PEOPLE:
                return tag == TAG_Y ? 1 : 0;
        case RS_GOAL_HANDOVERS:
                return tag == TAG_H ? 1 : 0;
        case RS_GOAL_SHORTFALL_MIN:
                return tag == TAG_SMIN ? 1 : 0;
        case RS_GOAL_SHORTFALL_TARGET:
                return tag == TAG_STAR ? 1 : 0;
        default:
                return 0;
        }
}

static double objective_of(const rs_model *m, rs_goal goal, const double *v) {
        double sum = 0;

        for (int c = 1; c <= m->n_cols; c++) {
                double k = coef(m, goal, c);

                if (k != 0)
                        sum += k * v[c];
        }
        return sum;
}

static bool goal_integral(const rs_model *m, rs_goal goal) {
        return goal != RS_GOAL_COVERAGE || m->cov_integral;
}

/* Reported units per objective unit. */
static double goal_scale(const rs_model *m, rs_goal goal) {
        switch (goal) {
        case RS_GOAL_COVERAGE:
                return m->cov_scale;
        case RS_GOAL_STABILITY:
                return m->stab_scale;
        default:
                return 1;
        }
}

/* The bound that holds without solving anything (in objective units). */
static double trivial_bound(const rs_model *m, rs_goal goal) {
        switch (goal) {
        case RS_GOAL_COVERAGE:
                return -m->cov_const / m->cov_scale;
        case RS_GOAL_STABILITY:
                return -m->stab_const / m->stab_scale;
        default:
                return 0;
        }
}

typedef struct stage_cb {
        const double *inc;
        bool injected;
        bool have_bound;
        double bound;
        rs_clock *clock;                /* with a budget: work and the wall-clock stop */
        double until;                   /* work at which to stop, 0 = none */
        double upi;                     /* work per simplex iteration */
        int it_seen;                    /* iterations already counted */
} stage_cb;

/* The work since the last look (rs_glpk_tree_units()); whether the
 * budget is used. */
static bool stage_count(stage_cb *cb, glp_tree *tree) {
        cb->clock->work += rs_glpk_tree_units(tree, cb->upi, &cb->it_seen);
        return rs_out_of_work(cb->clock, cb->until);
}

static void stage_callback(glp_tree *tree, void *info) {
        stage_cb *cb = info;
        int best;

        if (glp_ios_reason(tree) == GLP_IHEUR && !cb->injected) {
                /* The previous stage's solution keeps every row, including the
                 * fixed goals: branch and bound starts with it as incumbent. */
                cb->injected = true;
                glp_ios_heur_sol(tree, cb->inc);
        }
        best = glp_ios_best_node(tree);
        if (best) {
                double b = glp_ios_node_bound(tree, best);

                if (!cb->have_bound || b > cb->bound) {
                        cb->bound = b;
                        cb->have_bound = true;
                }
        }
        if (cb->until > 0 && stage_count(cb, tree))
                glp_ios_terminate(tree);
}

/* glp_simplex() within the work left to @until (0: GLPK's defaults, no
 * limits): an iteration limit from the budget, the wall-clock stop as
 * tm_lim; the iterations made are counted as work. */
static int stage_simplex(rs_model *m, rs_clock *clock, double until, double upi, glp_smcp *smcp) {
        double left;
        int it0, ret;

        if (until <= 0)
                return glp_simplex(m->lp, smcp);
        left = (until - clock->work) / upi;
        smcp->it_lim = left < 1 ? 1 : left >= INT_MAX ? INT_MAX : (int) left;
        smcp->tm_lim = rs_clock_tm_lim(clock);
        it0 = glp_get_it_cnt(m->lp);
        ret = glp_simplex(m->lp, smcp);
        clock->work += upi * (RS_GLPK_CALL_ITERS + (double) (glp_get_it_cnt(m->lp) - it0));
        if (ret == GLP_ETMLIM)
                clock->clock_stopped = true;
        return ret;
}

/* One goal: returns the bound (objective units) and whether the incumbent
 * is proven optimal; m->inc is the best solution known afterwards. */
static int stage(rs_model *m, rs_goal goal, rs_clock *clock, double until, double mip_gap, bool *ret_proven,
                 double *ret_bound) {
        bool integral = goal_integral(m, goal);
        double inc_val = objective_of(m, goal, m->inc), bound = trivial_bound(m, goal);
        double eps = integral ? 0.5 : 1e-7 * fmax(1, fabs(inc_val));
        glp_smcp smcp;
        glp_iocp iocp;
        stage_cb cb = { .inc = m->inc, .clock = clock, .until = until };
        double upi = rs_glpk_iter_units(glp_get_num_rows(m->lp), glp_get_num_cols(m->lp), glp_get_num_nz(m->lp));
        int ret, st;

        *ret_proven = false;
        for (int c = 1; c <= m->n_cols; c++)
                glp_set_obj_coef(m->lp, c, coef(m, goal, c));
        /* A bound found elsewhere (lagrange.c) may settle goal 1 at once. */
        if (goal == RS_GOAL_COVERAGE && m->cov_known < HUGE_VAL) {
                double known = -m->cov_known / m->cov_scale;

                if (integral)
                        known = ceil(known - 1e-6);
                if (known > bound)
                        bound = known;
                if (inc_val - bound < eps) {
                        *ret_bound = inc_val;
                        *ret_proven = true;
                        return 0;
                }
        }

        glp_init_smcp(&smcp);
        smcp.msg_lev = GLP_MSG_OFF;
        smcp.presolve = GLP_OFF;
        smcp.tm_lim = INT_MAX;
        ret = stage_simplex(m, clock, until, upi, &smcp);
        if (ret == GLP_EBADB || ret == GLP_ESING || ret == GLP_ECOND) {
                glp_adv_basis(m->lp, 0);
                ret = stage_simplex(m, clock, until, upi, &smcp);
        }
        if (ret != 0 || glp_get_status(m->lp) != GLP_OPT) {
                /* Out of time before the relaxation: keep the incumbent. */
                *ret_bound = bound;
                *ret_proven = inc_val - bound < eps;
                return 0;
        }
        {
                double lp = glp_get_obj_val(m->lp);

                if (integral)
                        lp = ceil(lp - 1e-6);
                if (lp > bound)
                        bound = lp;
        }
        if (inc_val - bound < eps) {
                *ret_bound = inc_val;
                *ret_proven = true;
                return 0;
        }

        glp_init_iocp(&iocp);
        iocp.msg_lev = GLP_MSG_OFF;
        iocp.presolve = GLP_OFF;
        /* GLPK's defaults (Driebeck-Tomlin branching, best local bound,
         * no cuts) found the best rosters within a time limit in our
         * measurements; its cuts slowed the nodes more than they helped. */
        iocp.br_tech = GLP_BR_DTH;
        iocp.bt_tech = GLP_BT_BLB;
        iocp.mip_gap = mip_gap;
        iocp.tm_lim = until > 0 ? rs_clock_tm_lim(clock) : INT_MAX;
        iocp.cb_func = stage_callback;
        iocp.cb_info = &cb;
        cb.upi = upi;
        cb.it_seen = glp_get_it_cnt(m->lp);
        ret = glp_intopt(m->lp, &iocp);
        if (until > 0) {
                if (ret == GLP_ETMLIM)
                        clock->clock_stopped = true;
                clock->work += cb.upi * (double) (glp_get_it_cnt(m->lp) - cb.it_seen);
        }
        st = glp_mip_status(m->lp);
        if (st == GLP_OPT || st == GLP_FEAS) {
                double v;

                for (int c = 1; c <= m->n_cols; c++)
                        m->work[c] = glp_mip_col_val(m->lp, c);
                complete(m, m->work);
                v = objective_of(m, goal, m->work);
                /* Only a strictly better roster replaces the incumbent: an equal one
                 * could be worse for the goals still to come. */
                if (v < inc_val - 1e-9 * fmax(1, fabs(inc_val))) {
                        memcpy(m->inc, m->work, ((size_t) m->n_cols + 1) * sizeof(double));
                        inc_val = v;
                }
        }
        if (ret == 0 && st == GLP_OPT && mip_gap <= 0) {
                *ret_proven = true;
                *ret_bound = inc_val;
                return 0;
        }
        if (cb.have_bound && cb.bound > bound)
                bound = integral ? ceil(cb.bound - 1e-6) : cb.bound;
        if (ret == 0 && st == GLP_OPT && bound < inc_val)
                /* Stopped at the accepted gap: the bound is what GLPK proved. */
                bound = fmax(bound, inc_val - mip_gap * fabs(inc_val));
        if (bound > inc_val)
                bound = inc_val;
        *ret_bound = bound;
        *ret_proven = inc_val - bound < eps;
        return 0;
}

/* Fixes the value reached by @goal: integral goals exactly, coverage with
 * priorities within a relative tolerance of 1e-9. */
static int fix_goal(rs_model *m, rs_goal goal) {
        double v = objective_of(m, goal, m->inc), ub;
        int n = 0, row;
        int *ind = malloc(((size_t) m->n_cols + 1) * sizeof(int));
        double *val = malloc(((size_t) m->n_cols + 1) * sizeof(double));

        if (!ind || !val) {
                free(ind);
                free(val);
                return -ENOMEM;
        }
        for (int c = 1; c <= m->n_cols; c++) {
                double k = coef(m, goal, c);

                if (k != 0) {
                        n++;
                        ind[n] = c;
                        val[n] = k;
                }
        }
        if (n > 0) {
                ub = goal_integral(m, goal) ? round(v) : v + 1e-9 * fmax(1, fabs(v));
                row = glp_add_rows(m->lp, 1);
                glp_set_mat_row(m->lp, row, n, ind, val);
                glp_set_row_bnds(m->lp, row, GLP_UP, 0, ub);
        }
        free(ind);
        free(val);
        return 0;
}

static bool goal_has_terms(const rs_model *m, rs_goal goal) {
        for (int c = 1; c <= m->n_cols; c++)
                if (coef(m, goal, c) != 0)
                        return true;
        return false;
}

int rs_model_solve(rs_model *m, rs_clock *clock, double units, size_t comp_index,
                   size_t n_comps, bool *chosen, rs_goal_acc acc[static _RS_GOAL_MAX]) {
        /* Later goals usually close at the root; coverage gets the most
         * (time a stage leaves unused goes to the next ones). */
        static const double weight[_RS_GOAL_MAX] = {
                [RS_GOAL_COVERAGE] = 8, [RS_GOAL_STABILITY] = 2, [RS_GOAL_PEOPLE] = 2,
                [RS_GOAL_HANDOVERS] = 2, [RS_GOAL_SHORTFALL_MIN] = 1, [RS_GOAL_SHORTFALL_TARGET] = 1,
        };
        const rs_problem *problem = m->prep->problem;
        double end = units > 0 ? clock->work + units : 0;
        int r;

        /* Start from the roster in @chosen (it keeps every rule). */
        for (size_t j = 0; j < m->n_x; j++)
                m->inc[j + 1] = chosen[m->opts[j]] ? 1 : 0;
        complete(m, m->inc);
        for (int g = 0; g < _RS_GOAL_MAX; g++) {
                double until = 0, bound, left = 0;
                bool proven;

                acc[g] = (rs_goal_acc) { .proven = true, .bound = 0 };
                if (g == RS_GOAL_STABILITY && !problem->has_approved)
                        continue;
                /* No column counts for this goal here: its value is 0. */
                if (!goal_has_terms(m, (rs_goal) g))
                        continue;
                if (end > 0) {
                        for (int k = g; k < _RS_GOAL_MAX; k++)
                                left += weight[k];
                        until = clock->work + (end - clock->work) * weight[g] / left;
                        /* Never nothing: a stage gets its relaxation a try. */
                        if (until <= clock->work)
                                until = clock->work + 1;
                }
                if (clock->progress) {
                        char text[128];

                        snprintf(text, sizeof(text), "component %zu/%zu (%zu candidates, %zu positions): %s",
                                 comp_index + 1, n_comps, m->comp->n_cands, m->comp->n_positions,
                                 rs_goal_to_string((rs_goal) g));
                        clock->progress(clock->progress_userdata, text);
                }
                r = stage(m, (rs_goal) g, clock, until, clock->mip_gap, &proven, &bound);
                if (r < 0)
                        return r;
                acc[g].proven = proven;
                acc[g].bound = bound * goal_scale(m, (rs_goal) g);
                r = fix_goal(m, (rs_goal) g);
                if (r < 0)
                        return r;
        }
        for (size_t j = 0; j < m->n_x; j++)
                chosen[m->opts[j]] = m->inc[j + 1] > 0.5;
        return 0;
}

int rs_model_write_lp(rs_model *m, const char *path) {
        for (int c = 1; c <= m->n_cols; c++)
                glp_set_obj_coef(m->lp, c, coef(m, RS_GOAL_COVERAGE, c));
        glp_set_obj_name(m->lp, "uncovered");
        return glp_write_lp(m->lp, NULL, path) == 0 ? 0 : -EIO;
}
