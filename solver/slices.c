/* solver/slices.c -- upper bounds on the weighted minutes a component
 * can cover, by matching, without an LP and without work counted.
 *
 * Slices. At any moment a candidate works at most one segment (no two
 * blocks of one candidate overlap), works a segment only through an
 * option that covers it, and a segment has at most its headcount H at
 * once (rule 7). Cut each working day's segments (a segment's day is
 * its shift's start day) at their grid points into slices; within a
 * slice the same segments are open and the same candidates can work
 * each, so the weighted people at work are at most a maximum weight
 * b-matching of candidates (capacity 1) to the open segments (capacity
 * H, weight the priority). Summed over slices, times their length, this
 * bounds the day's covered weighted minutes. With one segment per slice
 * it is min(H, candidates able to work it).
 *
 * Shifts (one block a day only). A candidate works at most one block on
 * a working day, so at most one shift instance of that day, and covers
 * there at most M_s, the longest weighted option of anybody on the
 * shift s; s covers at most C_s = Σ priority·H·length of its segments.
 * So s covers at most min(C_s, M_s·n_s) with n_s candidates there: k =
 * ceil(C_s/M_s) slots, k−1 of weight M_s and one of C_s − (k−1)·M_s,
 * filled by candidates able to work s (an option on it). Per day: a
 * b-matching of candidates, one shift each. Per week: each candidate
 * also on at most min(days left, hours left / the smallest paid option)
 * days, since every block is a new working day (a commitment's day has
 * no block left) and pays at least that.
 *
 * The result: each day the smaller of its slices and its shifts, summed;
 * or the week's shifts, whichever is smaller.
 *
 * The weights sit on one side only, so the slots a matching can fill
 * form a matroid (transversal; a gammoid with the weekly caps) and
 * greedy is optimal: slots by weight, highest first, each filled by an
 * augmenting path (a search from the slot's segment or shift) while
 * there is one. A search that fails keeps its marks until the next
 * success: what it visited still reaches no free candidate. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A segment or a shift: the side with capacity. */
typedef struct sl_node {
        size_t first_able;              /* into able[] */
        size_t n_able;
} sl_node;

typedef struct sl {
        const sl_node *nodes;
        const uint32_t *able;           /* per node: local candidates able to work it */
        uint32_t *match;                /* per local candidate: node + 1 */
        uint32_t *round;                /* per local candidate: the matching match[] belongs to */
        uint32_t *mark;                 /* per local candidate: search stamp */
        uint32_t search;
        uint32_t current;
        int depth;
        bool too_deep;                  /* a search gave up: no bound */
} sl;

/* Searches nest one level per candidate passed: deeper than this, the
 * search gives up and the whole bound with it (a matching short of the
 * maximum would not bound anything). */
#define SL_MAX_DEPTH 10000

static bool augment(sl *s, uint32_t v) {
        const sl_node *nd = &s->nodes[v];
        bool found = false;

        if (s->too_deep || ++s->depth > SL_MAX_DEPTH) {
                s->too_deep = true;
                s->depth--;
                return false;
        }

        for (size_t i = 0; i < nd->n_able; i++) {
                uint32_t c = s->able[nd->first_able + i];

                if (s->mark[c] == s->search)
                        continue;
                s->mark[c] = s->search;
                if (s->round[c] != s->current || augment(s, s->match[c] - 1)) {
                        s->match[c] = v + 1;
                        s->round[c] = s->current;
                        found = true;
                        break;
                }
        }
        s->depth--;
        return found;
}

/* A new, empty matching. */
static void sl_restart(sl *s) {
        s->current++;
        s->search++;
}

/* Up to @count more candidates on node @v. */
static int sl_fill(sl *s, uint32_t v, int count) {
        int got = 0;

        while (got < count && augment(s, v)) {
                got++;
                s->search++;
        }
        return got;
}

/* The week's shifts: candidate c works at most one shift a day and on
 * at most week_cap[c] days. A search from shift v reaches (c, day of v)
 * for each c able to work v; a pair working another shift passes the
 * search on to that shift; a free pair takes v when c has a day left,
 * otherwise c gives up one of its other days, whose shift searches on. */
typedef struct wk {
        const sl_node *nodes;
        const uint32_t *able;
        const int *day;                 /* per shift */
        const int *week_cap;            /* per local candidate */
        uint32_t *match;                /* per (candidate, day): shift + 1, 0 = free */
        uint32_t *mark;                 /* per (candidate, day): search stamp */
        uint32_t *mark_week;            /* per candidate: search stamp */
        int *days;                      /* per candidate: days matched */
        uint32_t search;
        int depth;
        bool too_deep;
} wk;

static bool wk_search(wk *w, uint32_t v);

static bool wk_augment(wk *w, uint32_t v) {
        bool found;

        if (w->too_deep || ++w->depth > SL_MAX_DEPTH) {
                w->too_deep = true;
                w->depth--;
                return false;
        }
        found = wk_search(w, v);
        w->depth--;
        return found;
}

static bool wk_search(wk *w, uint32_t v) {
        const sl_node *nd = &w->nodes[v];
        size_t d = (size_t) w->day[v];

        for (size_t i = 0; i < nd->n_able; i++) {
                uint32_t c = w->able[nd->first_able + i];
                size_t cd = (size_t) c * RS_DAYS_PER_WEEK + d;

                if (w->mark[cd] == w->search)
                        continue;
                w->mark[cd] = w->search;
                if (w->match[cd]) {
                        if (wk_augment(w, w->match[cd] - 1)) {
                                w->match[cd] = v + 1;
                                return true;
                        }
                        continue;
                }
                if (w->days[c] < w->week_cap[c]) {
                        w->match[cd] = v + 1;
                        w->days[c]++;
                        return true;
                }
                if (w->mark_week[c] == w->search)
                        continue;
                w->mark_week[c] = w->search;
                for (size_t e = 0; e < RS_DAYS_PER_WEEK; e++) {
                        size_t ce = (size_t) c * RS_DAYS_PER_WEEK + e;

                        if (e == d || !w->match[ce] || w->mark[ce] == w->search)
                                continue;
                        w->mark[ce] = w->search;
                        if (wk_augment(w, w->match[ce] - 1)) {
                                w->match[ce] = 0;
                                w->match[cd] = v + 1;
                                return true;
                        }
                }
        }
        return false;
}

static int wk_fill(wk *w, uint32_t v, int count) {
        int got = 0;

        while (got < count && wk_augment(w, v)) {
                got++;
                w->search++;
        }
        return got;
}

typedef struct sl_key {
        double weight;
        uint32_t v;
        int count;                      /* slots of this weight */
} sl_key;

/* By weight, highest first, then by node. */
static int cmp_key(const void *a, const void *b) {
        const sl_key *x = a, *y = b;

        if (x->weight != y->weight)
                return x->weight > y->weight ? -1 : 1;
        return (x->v > y->v) - (x->v < y->v);
}

static int cmp_int(const void *a, const void *b) {
        int x = *(const int *) a, y = *(const int *) b;

        return (x > y) - (x < y);
}

/* Distinct local candidates per node: node_of(option, g) for each grid
 * interval g of the option's block (shifts: one node per block). */
static int able_lists(const rs_prep *prep, const rs_comp *comp, const size_t *base, bool per_segment,
                      sl_node *nodes, size_t n_nodes, uint32_t **ret_able) {
        size_t *stamp = malloc((n_nodes + 1) * sizeof(size_t)), n_able = 0;
        uint32_t *fill = calloc(n_nodes + 1, sizeof(uint32_t)), *able = NULL;

        if (!stamp || !fill) {
                free(stamp);
                free(fill);
                return -ENOMEM;
        }
        for (int pass = 0; pass < 2; pass++) {
                for (size_t v = 0; v < n_nodes; v++)
                        stamp[v] = RS_NO_INDEX;
                for (size_t k = 0; k < comp->n_cands; k++) {
                        size_t ci = comp->cands[k];

                        for (size_t o = prep->cand_opt[ci]; o < prep->cand_opt[ci + 1]; o++) {
                                const rs_block *b = &prep->blocks[prep->opt_block[o]];
                                size_t at = base[prep->shift_base[b->position] + b->shift];
                                int g0 = per_segment ? b->first : 0, g1 = per_segment ? b->last : 1;

                                for (int g = g0; g < g1; g++) {
                                        size_t v = at + (size_t) g;

                                        if (stamp[v] == k)
                                                continue;
                                        stamp[v] = k;
                                        if (pass == 0)
                                                nodes[v].n_able++;
                                        else
                                                able[nodes[v].first_able + fill[v]++] = (uint32_t) k;
                                }
                        }
                }
                if (pass == 0) {
                        for (size_t v = 0; v < n_nodes; v++) {
                                nodes[v].first_able = n_able;
                                n_able += nodes[v].n_able;
                        }
                        able = malloc((n_able + 1) * sizeof(uint32_t));
                        if (!able) {
                                free(stamp);
                                free(fill);
                                return -ENOMEM;
                        }
                }
        }
        free(stamp);
        free(fill);
        *ret_able = able;
        return 0;
}

int rs_slice_bound(const rs_prep *prep, const rs_comp *comp, double *ret_covered) {
        const rs_problem *problem = prep->problem;
        size_t n_flat = prep->shift_base[problem->n_positions], n_segs = 0, n_shifts = 0, n_keys;
        size_t *seg_base = NULL, *shift_base = NULL;
        sl_node *segs = NULL, *shifts = NULL;
        uint32_t *seg_able = NULL, *shift_able = NULL, *seg_shift = NULL;
        int *seg_t0 = NULL, *seg_t1 = NULL, *points = NULL, *shift_best = NULL;
        const rs_shift **shift_of = NULL;
        double *shift_prio = NULL, by_slices[RS_DAYS_PER_WEEK] = { 0 }, by_shifts[RS_DAYS_PER_WEEK] = { 0 };
        double by_week = 0, by_days = 0;
        int *shift_day = NULL, *week_cap = NULL, *min_paid = NULL;
        wk w = { 0 };
        bool one_a_day = problem->rules.max_blocks_per_day == 1;
        sl_key *keys = NULL;
        sl s = { 0 };
        int r = -ENOMEM;

        *ret_covered = HUGE_VAL;
        seg_base = calloc(n_flat + 1, sizeof(size_t));
        shift_base = calloc(n_flat + 1, sizeof(size_t));
        if (!seg_base || !shift_base)
                goto out;
        for (size_t i = 0; i < comp->n_positions; i++) {
                size_t pi = comp->positions[i];
                const rs_position *p = &problem->positions[pi];

                for (size_t si = 0; si < p->n_shifts; si++) {
                        seg_base[prep->shift_base[pi] + si] = n_segs;
                        shift_base[prep->shift_base[pi] + si] = n_shifts++;
                        n_segs += p->shifts[si].n_grid - 1;
                }
        }
        segs = calloc(n_segs + 1, sizeof(sl_node));
        shifts = calloc(n_shifts + 1, sizeof(sl_node));
        seg_shift = malloc((n_segs + 1) * sizeof(uint32_t));
        seg_t0 = malloc((n_segs + 1) * sizeof(int));
        seg_t1 = malloc((n_segs + 1) * sizeof(int));
        shift_of = malloc((n_shifts + 1) * sizeof(*shift_of));
        shift_prio = malloc((n_shifts + 1) * sizeof(double));
        shift_best = calloc(n_shifts + 1, sizeof(int));
        points = malloc((2 * n_segs + 1) * sizeof(int));
        keys = malloc((2 * (n_segs + n_shifts) + 1) * sizeof(sl_key));
        s.match = calloc(comp->n_cands + 1, sizeof(uint32_t));
        s.round = calloc(comp->n_cands + 1, sizeof(uint32_t));
        s.mark = calloc(comp->n_cands + 1, sizeof(uint32_t));
        shift_day = malloc((n_shifts + 1) * sizeof(int));
        week_cap = malloc((comp->n_cands + 1) * sizeof(int));
        min_paid = malloc((comp->n_cands + 1) * sizeof(int));
        w.match = calloc(comp->n_cands * RS_DAYS_PER_WEEK + 1, sizeof(uint32_t));
        w.mark = calloc(comp->n_cands * RS_DAYS_PER_WEEK + 1, sizeof(uint32_t));
        w.mark_week = calloc(comp->n_cands + 1, sizeof(uint32_t));
        w.days = calloc(comp->n_cands + 1, sizeof(int));
        if (!shift_day || !week_cap || !min_paid || !w.match || !w.mark || !w.mark_week || !w.days)
                goto out;
        if (!segs || !shifts || !seg_shift || !seg_t0 || !seg_t1 || !shift_of || !shift_prio || !shift_best ||
            !points || !keys || !s.match || !s.round || !s.mark)
                goto out;
        for (size_t i = 0; i < comp->n_positions; i++) {
                size_t pi = comp->positions[i];
                const rs_position *p = &problem->positions[pi];

                for (size_t si = 0; si < p->n_shifts; si++) {
                        const rs_shift *sh = &p->shifts[si];
                        size_t at = seg_base[prep->shift_base[pi] + si], x = shift_base[prep->shift_base[pi] + si];

                        shift_of[x] = sh;
                        shift_prio[x] = p->priority;
                        for (size_t g = 0; g + 1 < sh->n_grid; g++) {
                                seg_shift[at + g] = (uint32_t) x;
                                seg_t0[at + g] = sh->grid[g];
                                seg_t1[at + g] = sh->grid[g + 1];
                        }
                }
        }
        for (size_t x = 0; x < n_shifts; x++)
                shift_day[x] = shift_of[x]->day;
        for (size_t k = 0; k < comp->n_cands; k++) {
                size_t ci = comp->cands[k];
                const rs_cand *kc = &prep->cands[ci];

                min_paid[k] = 0;
                for (size_t o = prep->cand_opt[ci]; o < prep->cand_opt[ci + 1]; o++) {
                        const rs_block *b = &prep->blocks[prep->opt_block[o]];
                        size_t x = shift_base[prep->shift_base[b->position] + b->shift];

                        if (b->end - b->start > shift_best[x])
                                shift_best[x] = b->end - b->start;
                        if (o == prep->cand_opt[ci] || b->paid < min_paid[k])
                                min_paid[k] = b->paid;
                }
                /* With one block a day every block is a new working day
                 * (a commitment's day has no block left), and pays at
                 * least the smallest paid option. */
                week_cap[k] = kc->days_left < RS_DAYS_PER_WEEK ? kc->days_left : RS_DAYS_PER_WEEK;
                if (min_paid[k] > 0 && kc->left / min_paid[k] < week_cap[k])
                        week_cap[k] = kc->left / min_paid[k];
                if (week_cap[k] < 0)
                        week_cap[k] = 0;
        }
        r = able_lists(prep, comp, seg_base, true, segs, n_segs, &seg_able);
        if (r >= 0)
                r = able_lists(prep, comp, shift_base, false, shifts, n_shifts, &shift_able);
        if (r < 0)
                goto out;
        r = -ENOMEM;

        for (int d = 0; d < RS_DAYS_PER_WEEK; d++) {
                size_t n_points = 0, n_open;

                /* Slices of the day's segments. */
                s.nodes = segs;
                s.able = seg_able;
                for (size_t v = 0; v < n_segs; v++)
                        if (shift_of[seg_shift[v]]->day == d) {
                                points[n_points++] = seg_t0[v];
                                points[n_points++] = seg_t1[v];
                        }
                qsort(points, n_points, sizeof(int), cmp_int);
                n_keys = 0;
                for (size_t i = 0; i < n_points; i++)
                        if (n_keys == 0 || points[n_keys - 1] != points[i])
                                points[n_keys++] = points[i];
                n_points = n_keys;
                for (size_t i = 0; i + 1 < n_points; i++) {
                        int a = points[i], len = points[i + 1] - a;

                        n_open = 0;
                        for (size_t v = 0; v < n_segs; v++)
                                if (seg_t0[v] <= a && a < seg_t1[v] && shift_of[seg_shift[v]]->day == d)
                                        keys[n_open++] = (sl_key) { .weight = shift_prio[seg_shift[v]],
                                                            .v = (uint32_t) v,
                                                            .count = shift_of[seg_shift[v]]->headcount };
                        if (n_open == 0)
                                continue;
                        qsort(keys, n_open, sizeof(sl_key), cmp_key);
                        sl_restart(&s);
                        for (size_t j = 0; j < n_open; j++)
                                by_slices[d] += keys[j].weight * len * sl_fill(&s, keys[j].v, keys[j].count);
                }

                /* The day's shifts, one per candidate. */
                if (!one_a_day)
                        continue;
                s.nodes = shifts;
                s.able = shift_able;
                n_keys = 0;
                for (size_t x = 0; x < n_shifts; x++) {
                        const rs_shift *sh = shift_of[x];
                        double cap = 0, m = shift_prio[x] * shift_best[x], k;

                        if (sh->day != d || shift_best[x] == 0)
                                continue;
                        for (size_t g = 0; g + 1 < sh->n_grid; g++)
                                cap += shift_prio[x] * sh->headcount * (double) (sh->grid[g + 1] - sh->grid[g]);
                        k = ceil(cap / m - 1e-9);
                        if (k > 1)
                                keys[n_keys++] = (sl_key) { .weight = m, .v = (uint32_t) x, .count = (int) (k - 1) };
                        keys[n_keys++] = (sl_key) { .weight = cap - (k - 1) * m, .v = (uint32_t) x, .count = 1 };
                }
                qsort(keys, n_keys, sizeof(sl_key), cmp_key);
                sl_restart(&s);
                for (size_t j = 0; j < n_keys; j++)
                        by_shifts[d] += keys[j].weight * sl_fill(&s, keys[j].v, keys[j].count);
        }
        if (one_a_day) {
                /* The week's shifts at once, each candidate on at most
                 * week_cap days. */
                w.nodes = shifts;
                w.able = shift_able;
                w.day = shift_day;
                w.week_cap = week_cap;
                w.search = 1;
                n_keys = 0;
                for (size_t x = 0; x < n_shifts; x++) {
                        const rs_shift *sh = shift_of[x];
                        double cap = 0, m = shift_prio[x] * shift_best[x], k;

                        if (shift_best[x] == 0)
                                continue;
                        for (size_t g = 0; g + 1 < sh->n_grid; g++)
                                cap += shift_prio[x] * sh->headcount * (double) (sh->grid[g + 1] - sh->grid[g]);
                        k = ceil(cap / m - 1e-9);
                        if (k > 1)
                                keys[n_keys++] = (sl_key) { .weight = m, .v = (uint32_t) x, .count = (int) (k - 1) };
                        keys[n_keys++] = (sl_key) { .weight = cap - (k - 1) * m, .v = (uint32_t) x, .count = 1 };
                }
                qsort(keys, n_keys, sizeof(sl_key), cmp_key);
                for (size_t j = 0; j < n_keys; j++)
                        by_week += keys[j].weight * wk_fill(&w, keys[j].v, keys[j].count);
        }
        for (int d = 0; d < RS_DAYS_PER_WEEK; d++)
                by_days += one_a_day && by_shifts[d] < by_slices[d] ? by_shifts[d] : by_slices[d];
        /* A search that gave up leaves its part without a bound. */
        if (s.too_deep)
                by_days = HUGE_VAL;
        if (!one_a_day || w.too_deep)
                by_week = HUGE_VAL;
        *ret_covered = by_week < by_days ? by_week : by_days;
        r = 0;
out:
        free(seg_base);
        free(shift_base);
        free(segs);
        free(shifts);
        free(seg_able);
        free(shift_able);
        free(seg_shift);
        free(seg_t0);
        free(seg_t1);
        free(shift_of);
        free(shift_prio);
        free(shift_best);
        free(points);
        free(keys);
        free(shift_day);
        free(week_cap);
        free(min_paid);
        free(w.match);
        free(w.mark);
        free(w.mark_week);
        free(w.days);
        free(s.match);
        free(s.round);
        free(s.mark);
        return r;
}
