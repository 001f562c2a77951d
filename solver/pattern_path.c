/* solver/pattern_path.c -- the best weekly patterns of one candidate, as a
 * path over the candidate's options day by day (see pattern_path.h).
 *
 * A state is (working day, end of its block, paid minutes in units of
 * their gcd, working days so far) and holds the best value of a partial
 * pattern ending there. The blocks come in time order (day, then start),
 * so the latest end a predecessor may have (start - min_rest) only grows
 * along a day: one sweep over the earlier days' states by their end feeds
 * a running best per (paid, days), each state read once per sweep. The
 * sweep runs on across days only while no day's first block starts
 * before the previous day's last one (a night block can); otherwise each
 * day sweeps afresh.
 *
 * Most states and most running-best cells are never reached (about one in
 * ten at eindhoven scale), so which ones are is kept in bitmaps and the
 * loops visit only the set bits, in ascending order: the same order, and
 * so the same result, as a loop over all of them that skips the rest. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pattern_path.h"

typedef struct path_block {
        int tag;
        int day;
        int start;
        int end;
        int paid;
} path_block;

typedef struct path_state {
        int tag;
        int prev;
} path_state;

/* The states of one (day, end): cells of them from @base. */
typedef struct path_group {
        int end;
        size_t base;
} path_group;

struct rs_path {
        int dim;
        double tol;

        /* The blocks of the run, with their values (dim each). */
        path_block *blk;
        double *w;
        size_t n_blk;
        size_t blk_cap;
        int unit;                       /* gcd of their paid minutes */
        long max_paid_day[RS_DAYS_PER_WEEK];

        /* States: values (dim each) beside the links; a bit per state
         * when the run reached it. */
        path_state *st;
        double *st_val;
        size_t st_cap;
        uint64_t *st_set;
        size_t st_set_cap;
        size_t n_states;

        /* The running best per (paid, days) cell; a bit per cell that
         * holds a value. */
        double *r;
        int *r_arg;
        size_t r_cap;
        uint64_t *r_set;
        size_t r_set_cap;
        /* A bit per cell that has used all its days (days N - 1): such
         * a state has no successor. Saves a division per state read. */
        uint64_t *last_set;
        size_t last_set_cap;

        int *ends;
        size_t ends_cap;
        path_group *groups;
        size_t groups_cap;

        /* What the last run's states mean. */
        int P;                          /* paid counts */
        int N;                          /* day counts */
        bool saturate;
        long need;
        int best;
        double best_val[_RS_GOAL_MAX];

        double *meter;                  /* work counted here, when set */
        double meter_weight;            /* units per count */
};

int rs_path_new(int dim, double tol, rs_path **ret) {
        rs_path *p;

        if (dim < 1 || dim > _RS_GOAL_MAX || !(tol >= 0))
                return -EINVAL;
        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        p->dim = dim;
        p->tol = tol;
        *ret = p;
        return 0;
}

void rs_path_set_meter(rs_path *p, double *meter, double weight) {
        p->meter = meter;
        p->meter_weight = weight;
}

rs_path *rs_path_free(rs_path *p) {
        if (!p)
                return NULL;
        free(p->blk);
        free(p->w);
        free(p->st);
        free(p->st_val);
        free(p->st_set);
        free(p->r);
        free(p->r_arg);
        free(p->r_set);
        free(p->last_set);
        free(p->ends);
        free(p->groups);
        free(p);
        return NULL;
}

static int cmp_opt(const void *a, const void *b, void *arg) {
        const rs_prep *prep = arg;
        uint32_t oa = *(const uint32_t *) a, ob = *(const uint32_t *) b;
        const rs_block *x = &prep->blocks[prep->opt_block[oa]], *y = &prep->blocks[prep->opt_block[ob]];

        if (x->day != y->day)
                return x->day < y->day ? -1 : 1;
        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        if (x->end != y->end)
                return x->end < y->end ? -1 : 1;
        return (oa > ob) - (oa < ob);
}

void rs_path_sort_options(const rs_prep *prep, uint32_t *opts, size_t n) {
        qsort_r(opts, n, sizeof(uint32_t), cmp_opt, (void *) prep);
}

/* Room for @need elements in two arrays that share the capacity *@cap. */
static int grow_pair(void **a, size_t elem_a, void **b, size_t elem_b, size_t need, size_t *cap) {
        size_t cap_a = *cap, cap_b = *cap;

        if (rs_grow(a, elem_a, need, &cap_a) < 0 || rs_grow(b, elem_b, need, &cap_b) < 0)
                return -ENOMEM;
        *cap = cap_a < cap_b ? cap_a : cap_b;
        return 0;
}

int rs_path_begin(rs_path *p, size_t max_blocks) {
        if (grow_pair((void **) &p->blk, sizeof(path_block), (void **) &p->w, (size_t) p->dim * sizeof(double),
                      max_blocks + 1, &p->blk_cap) < 0)
                return -ENOMEM;
        p->n_blk = 0;
        p->unit = 0;
        p->n_states = 0;
        p->best = -1;
        memset(p->max_paid_day, 0, sizeof(p->max_paid_day));
        return 0;
}

void rs_path_add(rs_path *p, int tag, const rs_block *b, const double *w) {
        path_block *last = p->n_blk > 0 ? &p->blk[p->n_blk - 1] : NULL;
        size_t dim = (size_t) p->dim;

        /* Paid minutes follow from the length alone (SPEC §10.6), so blocks
         * of equal times pay the same and the kept one stands for all. */
        p->unit = (int) rs_gcd(p->unit, b->paid);
        if (b->paid > p->max_paid_day[b->day])
                p->max_paid_day[b->day] = b->paid;
        if (last && last->day == b->day && last->start == b->start && last->end == b->end) {
                if (rs_path_cmp_values(p->dim, p->tol, w, &p->w[(p->n_blk - 1) * dim]) < 0) {
                        last->tag = tag;
                        memcpy(&p->w[(p->n_blk - 1) * dim], w, dim * sizeof(double));
                }
                return;
        }
        p->blk[p->n_blk] = (path_block) {
                .tag = tag,
                .day = b->day,
                .start = b->start,
                .end = b->end,
                .paid = b->paid,
        };
        memcpy(&p->w[p->n_blk * dim], w, dim * sizeof(double));
        p->n_blk++;
}

static size_t bit_words(size_t n) {
        return n / 64 + 1;
}

static inline bool bit_get(const uint64_t *set, size_t i) {
        return (set[i / 64] >> (i % 64)) & 1;
}

static inline void bit_set(uint64_t *set, size_t i) {
        set[i / 64] |= (uint64_t) 1 << (i % 64);
}

/* The first set bit in [@i, @end), or @end. */
static inline size_t bit_next(const uint64_t *set, size_t i, size_t end) {
        while (i < end) {
                uint64_t w = set[i / 64] >> (i % 64);

                if (w) {
                        i += (size_t) __builtin_ctzll(w);
                        return i < end ? i : end;
                }
                i = (i / 64 + 1) * 64;
        }
        return end;
}

/* Room for the states, the cells and the groups of a run; no state
 * reached yet. */
static int reserve(rs_path *p, size_t n_states, size_t cells) {
        size_t dim = (size_t) p->dim;

        if (grow_pair((void **) &p->st, sizeof(path_state), (void **) &p->st_val, dim * sizeof(double),
                      n_states + 1, &p->st_cap) < 0)
                return -ENOMEM;
        if (rs_grow((void **) &p->st_set, sizeof(uint64_t), bit_words(n_states), &p->st_set_cap) < 0)
                return -ENOMEM;
        memset(p->st_set, 0, bit_words(n_states) * sizeof(uint64_t));
        if (grow_pair((void **) &p->r, dim * sizeof(double), (void **) &p->r_arg, sizeof(int), cells + 1,
                      &p->r_cap) < 0)
                return -ENOMEM;
        if (rs_grow((void **) &p->r_set, sizeof(uint64_t), bit_words(cells), &p->r_set_cap) < 0)
                return -ENOMEM;
        if (rs_grow((void **) &p->last_set, sizeof(uint64_t), bit_words(cells), &p->last_set_cap) < 0)
                return -ENOMEM;
        memset(p->last_set, 0, bit_words(cells) * sizeof(uint64_t));
        for (size_t k = (size_t) p->N - 1; k < cells; k += (size_t) p->N)
                bit_set(p->last_set, k);
        if (rs_grow((void **) &p->groups, sizeof(path_group), p->n_blk + 1, &p->groups_cap) < 0)
                return -ENOMEM;
        return 0;
}

/* The layout of one run's states: per working day, its blocks and the
 * groups of states by their (distinct, ascending) block ends. */
typedef struct path_layout {
        int n_days;
        int day_first[RS_DAYS_PER_WEEK];
        int day_n[RS_DAYS_PER_WEEK];
        int day_ends[RS_DAYS_PER_WEEK];
        int *day_endv[RS_DAYS_PER_WEEK];
        size_t day_base[RS_DAYS_PER_WEEK];
        size_t cells;                   /* P * N: (paid, days) per group */
} path_layout;

static inline void val_copy(size_t dim, double *to, const double *from) {
        for (size_t k = 0; k < dim; k++)
                to[k] = from[k];
}

/* The sweep itself. Always inlined and called with a constant @dim, so
 * that the compiler unrolls the value loops of the hot path for each
 * kind of caller. */
static inline __attribute__((always_inline)) void sweep(rs_path *p, const rs_path_rules *rules,
                                                        const path_layout *lay, size_t dim) {
        size_t cells = lay->cells, n_groups = 0, g = 0;
        int unit = p->unit, P = p->P, N = p->N, min_rest = rules->min_rest;
        double tol = p->tol;
        path_group *groups = p->groups;
        uint64_t *st_set = p->st_set, *r_set = p->r_set, *last_set = p->last_set;
        /* Work: a state read, a cell extended, a block, a day (its
         * bitmap words). */
        size_t ops = 0;

        memset(p->best_val, 0, sizeof(p->best_val));
        for (int d = 0; d < lay->n_days; d++) {
                const int *endv = lay->day_endv[d];

                ops += 1 + bit_words(cells);
                /* No predecessor yet: only the empty start (0 paid, 0 days). */
                if (d == 0 || rules->sweep_each_day) {
                        memset(r_set, 0, bit_words(cells) * sizeof(uint64_t));
                        for (size_t k = 0; k < dim; k++)
                                p->r[k] = 0;
                        p->r_arg[0] = -1;
                        bit_set(r_set, 0);
                        g = 0;
                }
                for (int q = lay->day_first[d]; q < lay->day_first[d] + lay->day_n[d]; q++) {
                        const path_block *b = &p->blk[q];
                        const double *w = &p->w[(size_t) q * dim];
                        int pb = b->paid / unit, e_idx = 0;
                        long t = (long) b->start - min_rest;
                        /* Cells below this one have room for the block's
                         * paid units: state (pc + pb, n) is cell + shift. */
                        size_t fits = pb < P ? (size_t) (P - pb) * (size_t) N : 0, shift = (size_t) pb * (size_t) N;
                        size_t day_group;

                        /* Earlier days' states that end by t join the running best. */
                        while (g < n_groups && groups[g].end <= t) {
                                size_t base = groups[g].base, end = base + cells;

                                for (size_t s = bit_next(st_set, base, end); s < end;
                                     s = bit_next(st_set, s + 1, end)) {
                                        size_t cell = s - base, to = cell + 1;
                                        const double *sv = &p->st_val[s * dim];
                                        double *rv = &p->r[to * dim];

                                        ops++;
                                        if (bit_get(last_set, cell))
                                                continue;
                                        if (!bit_get(r_set, to) ||
                                            rs_path_cmp_values((int) dim, tol, sv, rv) < 0) {
                                                val_copy(dim, rv, sv);
                                                p->r_arg[to] = (int) s;
                                                bit_set(r_set, to);
                                        }
                                }
                                g++;
                        }
                        ops += 4;
                        while (endv[e_idx] != b->end)
                                e_idx++;
                        day_group = lay->day_base[d] + (size_t) e_idx * cells;
                        /* The cells that hold a value, in order of (paid,
                         * days): a later one cannot fit where this one
                         * does not. */
                        for (size_t from = bit_next(r_set, 0, cells); from < cells;
                             from = bit_next(r_set, from + 1, cells)) {
                                const double *rv = &p->r[from * dim];
                                double v[_RS_GOAL_MAX];
                                size_t s;

                                ops++;
                                if (from < fits)
                                        s = day_group + from + shift;
                                else if (!p->saturate)
                                        break;
                                else    /* counted as the last paid unit */
                                        s = day_group + (size_t) (P - 1) * (size_t) N + from % (size_t) N;
                                for (size_t k = 0; k < dim; k++)
                                        v[k] = rv[k] + w[k];
                                if (!bit_get(st_set, s) ||
                                    rs_path_cmp_values((int) dim, tol, v, &p->st_val[s * dim]) < 0) {
                                        p->st[s] = (path_state) {
                                                .tag = b->tag,
                                                .prev = p->r_arg[from],
                                        };
                                        val_copy(dim, &p->st_val[s * dim], v);
                                        bit_set(st_set, s);
                                }
                                if (rules->track_best && rs_path_cmp_values((int) dim, tol, v, p->best_val) < 0) {
                                        val_copy(dim, p->best_val, v);
                                        p->best = (int) s;
                                }
                        }
                }
                /* This day's end groups join the sweep in order of end. In the
                 * running sweep never behind its position: one that ends by
                 * the current threshold is admitted at the next block, whose
                 * threshold is no smaller. */
                for (int e = 0; e < lay->day_ends[d]; e++) {
                        path_group ng = { .end = endv[e], .base = lay->day_base[d] + (size_t) e * cells };
                        size_t at = n_groups, lo = rules->sweep_each_day ? 0 : g;

                        while (at > lo && groups[at - 1].end > ng.end) {
                                groups[at] = groups[at - 1];
                                at--;
                        }
                        groups[at] = ng;
                        n_groups++;
                }
        }
        if (p->meter)
                *p->meter += p->meter_weight * (double) ops;
}

int rs_path_run(rs_path *p, const rs_path_rules *rules) {
        path_layout lay = { 0 };
        size_t n_states = 0, n_ends = 0, cells;
        int unit = p->unit, P, N, n_days = 0;

        p->n_states = 0;
        p->best = -1;
        /* Work: the blocks offered (added, laid out), and the run itself. */
        if (p->meter)
                *p->meter += p->meter_weight * (16 + 2 * (double) p->n_blk);
        if (p->n_blk == 0 || rules->left < 0 || rules->days_left <= 0)
                return 0;
        if (unit <= 0)
                unit = 1;
        P = rules->left / unit + 1;
        p->saturate = false;
        p->need = rules->need;
        /* When even the best days cannot reach the cap, paid minutes matter
         * only up to the caller's need: count them up to there and let the
         * last unit stand for "at least". */
        if (rules->need >= 0) {
                long top = 0, sorted[RS_DAYS_PER_WEEK];
                int nd = 0;

                for (int d = 0; d < RS_DAYS_PER_WEEK; d++)
                        if (p->max_paid_day[d] > 0)
                                sorted[nd++] = p->max_paid_day[d];
                for (int a = 1; a < nd; a++)
                        for (int b = a; b > 0 && sorted[b] > sorted[b - 1]; b--) {
                                long t = sorted[b];

                                sorted[b] = sorted[b - 1];
                                sorted[b - 1] = t;
                        }
                for (int a = 0; a < nd && a < rules->days_left; a++)
                        top += sorted[a];
                if (top <= rules->left && rules->need < rules->left) {
                        P = (int) ((rules->need + unit - 1) / unit) + 1;
                        p->saturate = true;
                }
        }
        for (size_t j = 0; j < p->n_blk;) {
                size_t e = j;

                while (e < p->n_blk && p->blk[e].day == p->blk[j].day)
                        e++;
                lay.day_first[n_days] = (int) j;
                lay.day_n[n_days] = (int) (e - j);
                n_days++;
                j = e;
        }
        N = rules->days_left < n_days ? rules->days_left : n_days;
        cells = (size_t) P * (size_t) N;
        lay.n_days = n_days;
        lay.cells = cells;
        p->unit = unit;
        p->P = P;
        p->N = N;
        if (rs_grow((void **) &p->ends, sizeof(int), p->n_blk + 1, &p->ends_cap) < 0)
                return -ENOMEM;
        /* Each day's distinct block ends, ascending: one group of states each. */
        for (int d = 0; d < n_days; d++) {
                int *endv = p->ends + n_ends, n_e = 0;

                for (int q = lay.day_first[d]; q < lay.day_first[d] + lay.day_n[d]; q++) {
                        int t = p->blk[q].end, at = n_e;

                        for (int k = 0; k < n_e; k++)
                                if (endv[k] >= t) {
                                        at = k;
                                        break;
                                }
                        if (at < n_e && endv[at] == t)
                                continue;
                        memmove(&endv[at + 1], &endv[at], (size_t) (n_e - at) * sizeof(int));
                        endv[at] = t;
                        n_e++;
                }
                lay.day_endv[d] = endv;
                lay.day_ends[d] = n_e;
                lay.day_base[d] = n_states;
                n_ends += (size_t) n_e;
                n_states += (size_t) n_e * cells;
        }
        if (reserve(p, n_states, cells) < 0)
                return -ENOMEM;
        /* The running sweep is exact only while no day's first block
         * starts before the previous day's last one: a state admitted for
         * a late night block must not reach the next day's earlier block
         * (tests/solver/test_cases.c, test_rest_night_block_order). */
        rs_path_rules use = *rules;
        for (int d = 1; d < n_days && !use.sweep_each_day; d++)
                if (p->blk[lay.day_first[d]].start <
                    p->blk[lay.day_first[d - 1] + lay.day_n[d - 1] - 1].start)
                        use.sweep_each_day = true;
        switch (p->dim) {
        case 1:
                sweep(p, &use, &lay, 1);
                break;
        case 4:                         /* the heuristic's goals up to handovers */
                sweep(p, &use, &lay, 4);
                break;
        default:
                sweep(p, &use, &lay, (size_t) p->dim);
                break;
        }
        p->n_states = n_states;
        return 0;
}

size_t rs_path_n_states(const rs_path *p) {
        return p->n_states;
}

size_t rs_path_next_state(const rs_path *p, size_t state) {
        return bit_next(p->st_set, state, p->n_states);
}

const double *rs_path_value(const rs_path *p, size_t state) {
        if (state >= p->n_states || !bit_get(p->st_set, state))
                return NULL;
        return &p->st_val[state * (size_t) p->dim];
}

long rs_path_paid(const rs_path *p, size_t state) {
        int pc = (int) ((state / (size_t) p->N) % (size_t) p->P);
        long paid = (long) pc * p->unit;

        if (p->saturate && pc == p->P - 1 && paid < p->need)
                paid = p->need;
        return paid;
}

int rs_path_best(const rs_path *p) {
        return p->best;
}

int rs_path_trace(const rs_path *p, int state, int tags[static RS_DAYS_PER_WEEK]) {
        int n = 0;

        for (int s = state; s >= 0 && n < RS_DAYS_PER_WEEK; s = p->st[s].prev)
                tags[n++] = p->st[s].tag;
        for (int a = 0, z = n - 1; a < z; a++, z--) {
                int t = tags[a];

                tags[a] = tags[z];
                tags[z] = t;
        }
        return n;
}
