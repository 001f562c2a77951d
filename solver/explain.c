/* solver/explain.c -- uncovered intervals and, for each, why every
 * candidate who could have been considered is not there (SPEC §4,
 * §10.17, §10.18).
 *
 * Candidates placed at the employer (or anywhere) get the first reason, in
 * the order of enum rs_reason, that holds for the time of the gap [t0, t1).
 * A candidate not placed there is listed, as not-placed, only when placing
 * them would have let them cover part of the gap: they meet the language
 * and skills, none of the reasons from class on holds and a block fits.
 * The others could not have helped, and listing every qualified candidate
 * of a region under every gap (over a million lines a week at 1,500
 * candidates) would bury the names worth reading.
 *   not-placed   not placed at the employer, and free to take a block
 *   language     level below the position's
 *   skill        a required skill missing (the first one)
 *   class        a class session, widened by travel, meets the gap
 *   unavailable  an unavailability meets the gap
 *   busy         the candidate works (anywhere, or approved elsewhere) at
 *                a time that meets the gap, or already has
 *                max_blocks_per_day blocks that working day
 *   rest         work on another working day is less than min_rest away
 *                from the gap
 *   hours-cap    no block of the shift that covers part of the gap fits
 *                the paid minutes left under the cap
 *   day-cap      the gap's day would be a new working day and the
 *                candidate already works max_days days
 *   people-limit the position has its people and the candidate is not one
 *   grid         no block on the grid that covers part of the gap fits the
 *                candidate's free time and the position's free headcount
 * A candidate for whom none holds could have covered part of the gap;
 * that happens only when coverage was not proven optimal, and such a
 * candidate is left out of the list rather than given a reason that is
 * not true. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* One piece of work of a candidate: a block of this roster or a commitment. */
typedef struct work {
        int start;
        int end;
        int day;
        size_t position;                /* RS_NO_INDEX for a commitment */
        const char *employer;           /* commitments: the employer id */
} work;

typedef struct cand_work {
        work *w;
        size_t n;
} cand_work;

typedef struct explainer {
        const rs_prep *prep;
        const rs_problem *problem;
        const rs_solution *sol;
        cand_work *cw;
        int *working;                   /* per segment of the current shift */
} explainer;

static char *describe_work(const explainer *ex, const work *w, bool with_day) {
        char s[8], e[8], day[16] = "";

        rs_format_clock(w->start, s);
        rs_format_clock(w->end, e);
        if (with_day) {
                if (w->day >= 0 && w->day < RS_DAYS_PER_WEEK)
                        snprintf(day, sizeof(day), "%s ", rs_day_names[w->day]);
                else
                        snprintf(day, sizeof(day), "last week ");
        }
        if (w->position == RS_NO_INDEX)
                return rs_strdup_printf("%s %s%s-%s", w->employer ? w->employer : "elsewhere", day, s, e);
        {
                const rs_position *p = &ex->problem->positions[w->position];

                return rs_strdup_printf("%s/%s %s%s-%s", ex->problem->employers[p->employer].id, p->id,
                                        day, s, e);
        }
}

static int cmp_work(const void *a, const void *b) {
        const work *x = a, *y = b;

        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        return (x->end > y->end) - (x->end < y->end);
}

static int collect_work(explainer *ex, const bool *chosen) {
        const rs_problem *problem = ex->problem;
        const rs_prep *prep = ex->prep;

        ex->cw = calloc(problem->n_candidates + 1, sizeof(cand_work));
        if (!ex->cw)
                return -ENOMEM;
        for (size_t ci = 0; ci < problem->n_candidates; ci++) {
                const rs_candidate *c = &problem->candidates[ci];
                size_t n = c->n_commitments;

                for (size_t o = prep->cand_opt[ci]; o < prep->cand_opt[ci + 1]; o++)
                        n += chosen[o];
                ex->cw[ci].w = calloc(n + 1, sizeof(work));
                if (!ex->cw[ci].w)
                        return -ENOMEM;
                for (size_t i = 0; i < c->n_commitments; i++)
                        ex->cw[ci].w[ex->cw[ci].n++] = (work) {
                                .start = c->commitments[i].start,
                                .end = c->commitments[i].end,
                                .day = c->commitments[i].day,
                                .position = RS_NO_INDEX,
                                .employer = c->commitments[i].employer,
                        };
                for (size_t o = prep->cand_opt[ci]; o < prep->cand_opt[ci + 1]; o++) {
                        const rs_block *b;

                        if (!chosen[o])
                                continue;
                        b = &prep->blocks[prep->opt_block[o]];
                        ex->cw[ci].w[ex->cw[ci].n++] = (work) {
                                .start = b->start,
                                .end = b->end,
                                .day = b->day,
                                .position = b->position,
                        };
                }
                qsort(ex->cw[ci].w, ex->cw[ci].n, sizeof(work), cmp_work);
        }
        return 0;
}

static bool in_people(const rs_position_plan *plan, size_t ci) {
        size_t lo = 0, hi = plan->n_people;

        while (lo < hi) {
                size_t mid = (lo + hi) / 2;

                if (plan->people[mid] < ci)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo < plan->n_people && plan->people[lo] == ci;
}

/* Could candidate @ci work block @b (of the gap's shift) on top of the
 * roster? Only what the earlier reasons did not already rule out for the
 * whole gap needs checking, but checking everything keeps this honest. */
static bool block_fits(const explainer *ex, size_t ci, const rs_block *b, int left) {
        const rs_problem *problem = ex->problem;
        const rs_candidate *c = &problem->candidates[ci];
        const rs_position *p = &problem->positions[b->position];
        int eplace = problem->employers[p->employer].place;
        const cand_work *cw = &ex->cw[ci];

        if (b->paid > left)
                return false;
        for (size_t i = 0; i < c->n_classes; i++) {
                int t = rs_problem_travel(problem, c->classes[i].place, eplace);

                if (rs_overlaps(b->start, b->end, c->classes[i].start - t, c->classes[i].end + t))
                        return false;
        }
        for (size_t i = 0; i < c->n_unavailable; i++)
                if (rs_overlaps(b->start, b->end, c->unavailable[i].start, c->unavailable[i].end))
                        return false;
        for (size_t i = 0; i < cw->n; i++) {
                const work *w = &cw->w[i];

                if (w->day == b->day ? rs_overlaps(b->start, b->end, w->start, w->end)
                                     : rs_rest_gap(b->start, b->end, w->start, w->end) < problem->rules.min_rest)
                        return false;
        }
        for (int g = b->first; g < b->last; g++)
                if (ex->working[g] >= p->shifts[b->shift].headcount)
                        return false;
        return true;
}

static int first_reason(const explainer *ex, size_t pi, size_t si, int t0, int t1, size_t ci, rs_why *ret,
                        bool *ret_listed) {
        const rs_problem *problem = ex->problem;
        const rs_prep *prep = ex->prep;
        const rs_position *p = &problem->positions[pi];
        const rs_shift *s = &p->shifts[si];
        const rs_candidate *c = &problem->candidates[ci];
        const rs_cand *k = &prep->cands[ci];
        const rs_candidate_total *tot = &ex->sol->candidates[ci];
        const cand_work *cw = &ex->cw[ci];
        int eplace = problem->employers[p->employer].place;
        bool lang_ok = c->language >= p->language;
        size_t missing = rs_candidate_missing_skill(problem, c, p);
        size_t flat = prep->shift_base[pi] + si;
        int day_blocks = 0, left = k->cap - tot->paid_minutes;
        bool works_day = false, any_block = false, hours_fit = false;
        char a[8], b[8], d1[24], d2[24];

        *ret_listed = true;
        ret->candidate = ci;
        ret->detail = NULL;
        if (!lang_ok) {
                ret->reason = RS_REASON_LANGUAGE;
                ret->detail = rs_strdup_printf("%s, needs %s", rs_level_to_string(c->language),
                                               rs_level_to_string(p->language));
                return ret->detail ? 0 : -ENOMEM;
        }
        if (missing != RS_NO_INDEX) {
                ret->reason = RS_REASON_SKILL;
                ret->detail = rs_strdup_printf("missing %s", problem->skills[missing]);
                return ret->detail ? 0 : -ENOMEM;
        }
        for (size_t i = 0; i < c->n_classes; i++) {
                const rs_class_session *cs = &c->classes[i];
                int t = rs_problem_travel(problem, cs->place, eplace);

                if (!rs_overlaps(t0, t1, cs->start - t, cs->end + t))
                        continue;
                rs_format_clock(cs->start, a);
                rs_format_clock(cs->end, b);
                rs_format_duration(t, d1);
                ret->reason = RS_REASON_CLASS;
                ret->detail = rs_strdup_printf("%s %s-%s, %s travel", cs->group ? cs->group : "class", a, b,
                                               t == 0 ? "0m" : d1);
                return ret->detail ? 0 : -ENOMEM;
        }
        for (size_t i = 0; i < c->n_unavailable; i++) {
                const rs_unavailability *u = &c->unavailable[i];

                if (!rs_overlaps(t0, t1, u->start, u->end))
                        continue;
                ret->reason = RS_REASON_UNAVAILABLE;
                if (u->reason) {
                        ret->detail = strdup(u->reason);
                        if (!ret->detail)
                                return -ENOMEM;
                }
                return 0;
        }
        for (size_t i = 0; i < cw->n; i++) {
                const work *w = &cw->w[i];

                if (w->day == s->day) {
                        day_blocks++;
                        works_day = true;
                }
                if (rs_overlaps(t0, t1, w->start, w->end)) {
                        ret->reason = RS_REASON_BUSY;
                        ret->detail = describe_work(ex, w, false);
                        return ret->detail ? 0 : -ENOMEM;
                }
        }
        if (day_blocks >= problem->rules.max_blocks_per_day) {
                for (size_t i = 0; i < cw->n; i++)
                        if (cw->w[i].day == s->day) {
                                ret->reason = RS_REASON_BUSY;
                                ret->detail = describe_work(ex, &cw->w[i], false);
                                return ret->detail ? 0 : -ENOMEM;
                        }
        }
        for (size_t i = 0; i < cw->n; i++) {
                const work *w = &cw->w[i];

                if (w->day != s->day && rs_rest_gap(t0, t1, w->start, w->end) < problem->rules.min_rest) {
                        ret->reason = RS_REASON_REST;
                        ret->detail = describe_work(ex, w, true);
                        return ret->detail ? 0 : -ENOMEM;
                }
        }
        for (size_t bi = prep->shift_block[flat]; bi < prep->shift_block[flat + 1]; bi++) {
                const rs_block *blk = &prep->blocks[bi];

                if (!rs_overlaps(blk->start, blk->end, t0, t1))
                        continue;
                any_block = true;
                if (blk->paid <= left)
                        hours_fit = true;
        }
        if (any_block && !hours_fit) {
                rs_format_duration(tot->paid_minutes, d1);
                rs_format_duration(k->cap, d2);
                ret->reason = RS_REASON_HOURS_CAP;
                ret->detail = rs_strdup_printf("%s of max %s", d1, d2);
                return ret->detail ? 0 : -ENOMEM;
        }
        if (!works_day && tot->days >= c->max_days) {
                ret->reason = RS_REASON_DAY_CAP;
                ret->detail = rs_strdup_printf("%d of max %d days", tot->days, c->max_days);
                return ret->detail ? 0 : -ENOMEM;
        }
        {
                const rs_position_plan *plan = &ex->sol->positions[pi];

                if (!in_people(plan, ci) && plan->n_people >= (size_t) prep->pos_limit[pi]) {
                        ret->reason = RS_REASON_PEOPLE_LIMIT;
                        ret->detail = rs_strdup_printf("%zu of max %d people", plan->n_people,
                                                       prep->pos_limit[pi]);
                        return ret->detail ? 0 : -ENOMEM;
                }
        }
        for (size_t bi = prep->shift_block[flat]; bi < prep->shift_block[flat + 1]; bi++) {
                const rs_block *blk = &prep->blocks[bi];

                if (rs_overlaps(blk->start, blk->end, t0, t1) && block_fits(ex, ci, blk, left)) {
                        /* The candidate could have covered part of the gap. */
                        *ret_listed = false;
                        return 0;
                }
        }
        rs_format_duration(p->min_block, d1);
        ret->reason = RS_REASON_GRID;
        ret->detail = rs_strdup_printf("no block of at least %s on the grid fits", d1);
        return ret->detail ? 0 : -ENOMEM;
}

/* The entry of candidate @ci, if listed (see the top of the file). */
static int why_one(const explainer *ex, size_t pi, size_t si, int t0, int t1, size_t ci, rs_why *ret,
                   bool *ret_listed) {
        const rs_problem *problem = ex->problem;
        const rs_position *p = &problem->positions[pi];
        const rs_candidate *c = &problem->candidates[ci];
        int r;

        if (rs_candidate_placed(problem, c, p->employer))
                return first_reason(ex, pi, si, t0, t1, ci, ret, ret_listed);
        if (c->language < p->language || rs_candidate_missing_skill(problem, c, p) != RS_NO_INDEX) {
                *ret_listed = false;
                return 0;
        }
        r = first_reason(ex, pi, si, t0, t1, ci, ret, ret_listed);
        if (r < 0)
                return r;
        if (*ret_listed) {
                /* A reason holds: they could not have helped. */
                free(ret->detail);
                ret->detail = NULL;
                *ret_listed = false;
                return 0;
        }
        /* None holds and a block fits. */
        ret->reason = RS_REASON_NOT_PLACED;
        ret->detail = NULL;
        *ret_listed = true;
        return 0;
}

static int explain_interval(const explainer *ex, size_t pi, size_t si, rs_uncovered *u) {
        const rs_problem *problem = ex->problem;
        size_t n = 0;

        u->why = calloc(problem->n_candidates + 1, sizeof(rs_why));
        if (!u->why)
                return -ENOMEM;
        for (size_t ci = 0; ci < problem->n_candidates; ci++) {
                bool listed;
                int r = why_one(ex, pi, si, u->start, u->end, ci, &u->why[n], &listed);

                if (r < 0) {
                        u->n_why = n;
                        return r;
                }
                if (listed)
                        n++;
        }
        u->n_why = n;
        /* Give back what the candidates not listed would have taken. */
        if (n < problem->n_candidates) {
                rs_why *w = realloc(u->why, (n + 1) * sizeof(rs_why));

                if (w)
                        u->why = w;
        }
        return 0;
}

static int explain_position(explainer *ex, size_t pi, rs_position_plan *plan) {
        const rs_problem *problem = ex->problem;
        const rs_position *p = &problem->positions[pi];
        size_t cap = 0;

        for (size_t si = 0; si < p->n_shifts; si++) {
                const rs_shift *s = &p->shifts[si];
                int *working = ex->working;

                for (size_t g = 0; g + 1 < s->n_grid; g++)
                        working[g] = 0;
                for (size_t i = 0; i < plan->n_assignments; i++) {
                        const rs_assignment *a = &plan->assignments[i];

                        if (a->shift != si)
                                continue;
                        for (size_t g = 0; g + 1 < s->n_grid; g++)
                                if (s->grid[g] >= a->start && s->grid[g + 1] <= a->end)
                                        working[g]++;
                }
                for (size_t g = 0; g + 1 < s->n_grid;) {
                        int missing = s->headcount - working[g];
                        size_t h = g + 1;
                        rs_uncovered *u;
                        int r;

                        if (missing <= 0) {
                                g++;
                                continue;
                        }
                        while (h + 1 < s->n_grid && s->headcount - working[h] == missing)
                                h++;
                        if (plan->n_uncovered == cap) {
                                size_t ncap = cap ? cap * 2 : 8;
                                rs_uncovered *nu = realloc(plan->uncovered, ncap * sizeof(*nu));

                                if (!nu)
                                        return -ENOMEM;
                                plan->uncovered = nu;
                                cap = ncap;
                        }
                        u = &plan->uncovered[plan->n_uncovered++];
                        *u = (rs_uncovered) {
                                .shift = si,
                                .start = s->grid[g],
                                .end = s->grid[h],
                                .missing = missing,
                        };
                        r = explain_interval(ex, pi, si, u);
                        if (r < 0)
                                return r;
                        g = h;
                }
        }
        return 0;
}

int rs_explain(const rs_prep *prep, const bool *chosen, rs_solution *solution) {
        explainer ex = {
                .prep = prep,
                .problem = prep->problem,
                .sol = solution,
        };
        size_t max_grid = 2;
        int r;

        for (size_t pi = 0; pi < prep->problem->n_positions; pi++)
                for (size_t si = 0; si < prep->problem->positions[pi].n_shifts; si++)
                        if (prep->problem->positions[pi].shifts[si].n_grid > max_grid)
                                max_grid = prep->problem->positions[pi].shifts[si].n_grid;
        ex.working = calloc(max_grid, sizeof(int));
        if (!ex.working)
                return -ENOMEM;
        r = collect_work(&ex, chosen);
        for (size_t pi = 0; r >= 0 && pi < prep->problem->n_positions; pi++)
                r = explain_position(&ex, pi, &solution->positions[pi]);
        for (size_t ci = 0; ex.cw && ci < prep->problem->n_candidates; ci++)
                free(ex.cw[ci].w);
        free(ex.cw);
        free(ex.working);
        return r;
}
