/* tests/solver/tb.c -- problem builder and rule checker for the solver tests. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tb.h"
#include "internal.h"

static void *xrealloc(void *p, size_t n) {
        void *q = realloc(p, n ? n : 1);

        assert_non_null(q);
        return q;
}

static char *xstrdup(const char *s) {
        char *d;

        if (!s)
                return NULL;
        d = strdup(s);
        assert_non_null(d);
        return d;
}

#define PUSH(arr, n, value)                                                                        \
        do {                                                                                       \
                (arr) = xrealloc((arr), ((n) + 1) * sizeof(*(arr)));                               \
                (arr)[(n)++] = (value);                                                            \
        } while (0)

static int clock_of(const char *hhmm) {
        int h, m;

        assert_int_equal(sscanf(hhmm, "%d:%d", &h, &m), 2);
        return h * 60 + m;
}

int tb_t(int day, const char *hhmm) {
        return day * RS_MINUTES_PER_DAY + clock_of(hhmm);
}

rs_problem *tb_problem(void) {
        rs_problem *p = calloc(1, sizeof(*p));

        assert_non_null(p);
        snprintf(p->week, sizeof(p->week), "2026-W49");
        p->rules.max_shift = H(12);
        p->rules.max_week = H(60);
        p->rules.min_rest = H(11);
        p->rules.max_blocks_per_day = 1;
        PUSH(p->rules.breaks, p->rules.n_breaks, ((rs_break_rule) { .after = 330, .take = 30 }));
        PUSH(p->rules.breaks, p->rules.n_breaks, ((rs_break_rule) { .after = 600, .take = 45 }));
        p->travel_default = 30;
        return p;
}

int tb_place(rs_problem *p, const char *id) {
        size_t n = p->n_places + 1;
        int *t = calloc(n * n, sizeof(int));

        assert_non_null(t);
        for (size_t a = 0; a < n; a++)
                for (size_t b = 0; b < n; b++)
                        t[a * n + b] = a == b ? 0
                                       : (a < n - 1 && b < n - 1) ? p->travel[a * (n - 1) + b]
                                                                  : p->travel_default;
        free(p->travel);
        p->travel = t;
        PUSH(p->places, p->n_places, xstrdup(id));
        return (int) (n - 1);
}

void tb_travel(rs_problem *p, int a, int b, int minutes) {
        p->travel[(size_t) a * p->n_places + (size_t) b] = minutes;
        p->travel[(size_t) b * p->n_places + (size_t) a] = minutes;
}

size_t tb_skill(rs_problem *p, const char *id) {
        PUSH(p->skills, p->n_skills, xstrdup(id));
        return p->n_skills - 1;
}

size_t tb_employer(rs_problem *p, const char *id, int place) {
        PUSH(p->employers, p->n_employers, ((rs_employer) { .id = xstrdup(id), .place = place }));
        return p->n_employers - 1;
}

size_t tb_position(rs_problem *p, size_t employer, const char *id, int min_block, int max_people) {
        PUSH(p->positions, p->n_positions,
             ((rs_position) {
                     .id = xstrdup(id),
                     .employer = employer,
                     .priority = 1,
                     .language = RS_LEVEL_A0,
                     .max_people = max_people,
                     .min_block = min_block,
             }));
        return p->n_positions - 1;
}

void tb_position_language(rs_problem *p, size_t pos, rs_level level) {
        p->positions[pos].language = level;
}

void tb_position_skill(rs_problem *p, size_t pos, size_t skill) {
        PUSH(p->positions[pos].skills, p->positions[pos].n_skills, skill);
}

void tb_position_priority(rs_problem *p, size_t pos, double priority) {
        p->positions[pos].priority = priority;
}

size_t tb_shift(rs_problem *p, size_t pos, int day, const char *start, const char *end, int headcount,
                int handover) {
        rs_position *ps = &p->positions[pos];
        rs_shift s = { .day = day, .headcount = headcount };

        s.start = tb_t(day, start);
        s.end = tb_t(day, end);
        if (s.end <= s.start)
                s.end += RS_MINUTES_PER_DAY;
        for (int t = s.start; t < s.end; t += handover)
                PUSH(s.grid, s.n_grid, t);
        PUSH(s.grid, s.n_grid, s.end);
        PUSH(ps->shifts, ps->n_shifts, s);
        return ps->n_shifts - 1;
}

size_t tb_candidate(rs_problem *p, const char *id, int hmin, int htarget, int hmax) {
        if (p->n_candidates > 0)
                assert_true(strcmp(p->candidates[p->n_candidates - 1].id, id) < 0);
        PUSH(p->candidates, p->n_candidates,
             ((rs_candidate) {
                     .id = xstrdup(id),
                     .language = RS_LEVEL_A0,
                     .hours_min = hmin,
                     .hours_target = htarget,
                     .hours_max = hmax,
                     .max_days = 5,
                     .any_employer = true,
                     .home = RS_NO_PLACE,
             }));
        return p->n_candidates - 1;
}

void tb_candidate_language(rs_problem *p, size_t cand, rs_level level) {
        p->candidates[cand].language = level;
}

void tb_candidate_skill(rs_problem *p, size_t cand, size_t skill) {
        PUSH(p->candidates[cand].skills, p->candidates[cand].n_skills, skill);
}

void tb_candidate_max_days(rs_problem *p, size_t cand, int max_days) {
        p->candidates[cand].max_days = max_days;
}

void tb_place_at(rs_problem *p, size_t cand, size_t employer) {
        rs_candidate *c = &p->candidates[cand];

        c->any_employer = false;
        PUSH(c->employers, c->n_employers, employer);
}

void tb_class(rs_problem *p, size_t cand, const char *group, int place, int day, const char *start,
              const char *end) {
        rs_candidate *c = &p->candidates[cand];
        rs_class_session cs = {
                .school = xstrdup("school"),
                .group = xstrdup(group),
                .place = place,
                .start = tb_t(day, start),
                .end = tb_t(day, end),
        };

        PUSH(c->classes, c->n_classes, cs);
}

void tb_unavailable(rs_problem *p, size_t cand, int day, const char *start, const char *end,
                    const char *reason) {
        rs_candidate *c = &p->candidates[cand];
        rs_unavailability u = {
                .start = tb_t(day, start),
                .end = tb_t(day, end),
                .reason = xstrdup(reason),
        };

        if (u.end <= u.start)
                u.end += RS_MINUTES_PER_DAY;
        PUSH(c->unavailable, c->n_unavailable, u);
}

void tb_commitment(rs_problem *p, size_t cand, int day, const char *start, const char *end,
                   const char *employer) {
        rs_candidate *c = &p->candidates[cand];
        rs_commitment cm = {
                .day = day,
                .start = tb_t(day, start),
                .end = tb_t(day, end),
                .employer = xstrdup(employer),
        };

        if (cm.end <= cm.start)
                cm.end += RS_MINUTES_PER_DAY;
        PUSH(c->commitments, c->n_commitments, cm);
}

void tb_approved(rs_problem *p, size_t pos, size_t cand, int day, const char *start, const char *end) {
        rs_approved_block a = {
                .position = pos,
                .candidate = cand,
                .start = tb_t(day, start),
                .end = tb_t(day, end),
        };

        if (a.end <= a.start)
                a.end += RS_MINUTES_PER_DAY;
        p->has_approved = true;
        PUSH(p->approved, p->n_approved, a);
}

/* ---- the checker: a separate reading of SPEC §4 and §10 ---------------- */

static int paid_of(const rs_rules *r, int len) {
        int take = 0;

        for (size_t i = 0; i < r->n_breaks; i++)
                if (len > r->breaks[i].after && r->breaks[i].take > take)
                        take = r->breaks[i].take;
        return len - take;
}

static int travel_of(const rs_problem *p, int a, int b) {
        if (a < 0 || b < 0)
                return p->travel_default;
        return p->travel[(size_t) a * p->n_places + (size_t) b];
}

static bool meet(int a0, int a1, int b0, int b1) {
        return a0 < b1 && b0 < a1;
}

typedef struct piece {
        int start;
        int end;
        int day;
} piece;

#define VIOLATION(...)                                                                             \
        do {                                                                                       \
                if (verbose) {                                                                     \
                        fprintf(stderr, "violation: " __VA_ARGS__);                                \
                        fputc('\n', stderr);                                                       \
                }                                                                                  \
                bad++;                                                                             \
        } while (0)

int tb_check_rules(const rs_problem *p, const rs_solution *s) {
        return tb_violations(p, s, true);
}

int tb_violations(const rs_problem *p, const rs_solution *s, bool verbose) {
        int bad = 0;

        assert_int_equal(s->n_positions, p->n_positions);
        assert_int_equal(s->n_candidates, p->n_candidates);
        for (size_t pi = 0; pi < p->n_positions; pi++) {
                const rs_position *pos = &p->positions[pi];
                const rs_position_plan *plan = &s->positions[pi];
                int maxh = 0;
                size_t distinct = 0;

                for (size_t si = 0; si < pos->n_shifts; si++)
                        if (pos->shifts[si].headcount > maxh)
                                maxh = pos->shifts[si].headcount;
                for (size_t i = 0; i < plan->n_assignments; i++) {
                        const rs_assignment *a = &plan->assignments[i];
                        const rs_candidate *c;
                        const rs_shift *sh;
                        bool on_start = false, on_end = false, placed;
                        bool seen_before = false;

                        if (a->shift >= pos->n_shifts || a->candidate >= p->n_candidates) {
                                VIOLATION("bad indices");
                                continue;
                        }
                        c = &p->candidates[a->candidate];
                        sh = &pos->shifts[a->shift];
                        placed = c->any_employer;
                        for (size_t k = 0; k < c->n_employers; k++)
                                placed = placed || c->employers[k] == pos->employer;
                        if (!placed)
                                VIOLATION("rule 1: %s not placed for %s", c->id, pos->id);
                        if (c->language < pos->language)
                                VIOLATION("rule 1: %s language for %s", c->id, pos->id);
                        for (size_t k = 0; k < pos->n_skills; k++) {
                                bool has = false;

                                for (size_t q = 0; q < c->n_skills; q++)
                                        has = has || c->skills[q] == pos->skills[k];
                                if (!has)
                                        VIOLATION("rule 1: %s lacks a skill for %s", c->id, pos->id);
                        }
                        for (size_t g = 0; g < sh->n_grid; g++) {
                                on_start = on_start || sh->grid[g] == a->start;
                                on_end = on_end || sh->grid[g] == a->end;
                        }
                        if (!on_start || !on_end || a->end <= a->start)
                                VIOLATION("rule 3: %s %d-%d off the grid of %s", c->id, a->start, a->end,
                                          pos->id);
                        if (a->end - a->start < pos->min_block &&
                            !(a->start == sh->start && a->end == sh->end))
                                VIOLATION("rule 3: %s block shorter than min_block", c->id);
                        if (a->end - a->start > p->rules.max_shift)
                                VIOLATION("rule 3: %s block longer than max_shift", c->id);
                        for (size_t k = 0; k < i; k++)
                                seen_before = seen_before || plan->assignments[k].candidate == a->candidate;
                        if (!seen_before)
                                distinct++;
                        if (i > 0 && s->candidates) {
                                const rs_assignment *b = &plan->assignments[i - 1];

                                if (b->shift > a->shift || (b->shift == a->shift && b->start > a->start))
                                        VIOLATION("assignments not sorted");
                        }
                }
                if (distinct > (size_t) pos->max_people * (size_t) maxh)
                        VIOLATION("rule 6: %s has %zu people", pos->id, distinct);
                if (s->candidates && distinct != plan->n_people)
                        VIOLATION("claim: people of %s", pos->id);
                for (size_t si = 0; si < pos->n_shifts; si++) {
                        const rs_shift *sh = &pos->shifts[si];

                        for (size_t g = 0; g + 1 < sh->n_grid; g++) {
                                int n = 0;

                                for (size_t i = 0; i < plan->n_assignments; i++) {
                                        const rs_assignment *a = &plan->assignments[i];

                                        n += a->shift == si && a->start <= sh->grid[g] && sh->grid[g + 1] <= a->end;
                                }
                                if (n > sh->headcount)
                                        VIOLATION("rule 7: %s segment %d over headcount", pos->id, sh->grid[g]);
                        }
                }
        }

        for (size_t ci = 0; ci < p->n_candidates; ci++) {
                const rs_candidate *c = &p->candidates[ci];
                piece w[64];
                size_t n = 0;
                int paid = 0, cap = c->hours_max < p->rules.max_week ? c->hours_max : p->rules.max_week;
                int per_day[RS_DAYS_PER_WEEK] = { 0 }, days = 0;

                for (size_t k = 0; k < c->n_commitments; k++) {
                        const rs_commitment *cm = &c->commitments[k];

                        if (n < 64)
                                w[n++] = (piece) { cm->start, cm->end, cm->day };
                        if (cm->day >= 0) {
                                paid += paid_of(&p->rules, cm->end - cm->start);
                                per_day[cm->day]++;
                        }
                }
                for (size_t pi = 0; pi < p->n_positions; pi++) {
                        const rs_position *pos = &p->positions[pi];
                        int eplace = p->employers[pos->employer].place;

                        for (size_t i = 0; i < s->positions[pi].n_assignments; i++) {
                                const rs_assignment *a = &s->positions[pi].assignments[i];
                                int day = pos->shifts[a->shift].day;

                                if (a->candidate != ci)
                                        continue;
                                for (size_t k = 0; k < c->n_classes; k++) {
                                        int t = travel_of(p, c->classes[k].place, eplace);

                                        if (meet(a->start, a->end, c->classes[k].start - t, c->classes[k].end + t))
                                                VIOLATION("rule 2: %s class at %d", c->id, a->start);
                                }
                                for (size_t k = 0; k < c->n_unavailable; k++)
                                        if (meet(a->start, a->end, c->unavailable[k].start, c->unavailable[k].end))
                                                VIOLATION("rule 2: %s unavailable at %d", c->id, a->start);
                                if (n < 64)
                                        w[n++] = (piece) { a->start, a->end, day };
                                else
                                        VIOLATION("checker: more than 64 blocks for %s", c->id);
                                paid += paid_of(&p->rules, a->end - a->start);
                                per_day[day]++;
                        }
                }
                for (size_t a = 0; a < n; a++)
                        for (size_t b = a + 1; b < n; b++) {
                                const piece *x = &w[a], *y = &w[b];

                                if (x->day < 0 && y->day < 0)
                                        continue;
                                if (meet(x->start, x->end, y->start, y->end))
                                        VIOLATION("rule 4: %s overlapping blocks", c->id);
                                else if (x->day != y->day) {
                                        int gap = x->start < y->start ? y->start - x->end : x->start - y->end;

                                        if (gap < p->rules.min_rest)
                                                VIOLATION("rule 4: %s rest %d", c->id, gap);
                                }
                        }
                for (int d = 0; d < RS_DAYS_PER_WEEK; d++) {
                        if (per_day[d] > p->rules.max_blocks_per_day)
                                VIOLATION("rule 4: %s blocks per day", c->id);
                        days += per_day[d] > 0;
                }
                if (paid > cap)
                        VIOLATION("rule 5: %s paid %d > %d", c->id, paid, cap);
                if (days > c->max_days)
                        VIOLATION("rule 5: %s days %d", c->id, days);
                if (s->candidates && s->status != RS_STATUS_INFEASIBLE) {
                        if (s->candidates[ci].paid_minutes != paid)
                                VIOLATION("claim: %s paid %d, not %d", c->id, s->candidates[ci].paid_minutes, paid);
                        if (s->candidates[ci].days != days)
                                VIOLATION("claim: %s days %d, not %d", c->id, s->candidates[ci].days, days);
                }
        }
        return bad;
}

void tb_goals(const rs_problem *p, const rs_solution *s, double goals[static _RS_GOAL_MAX]) {
        memset(goals, 0, sizeof(double) * _RS_GOAL_MAX);
        for (size_t pi = 0; pi < p->n_positions; pi++) {
                const rs_position *pos = &p->positions[pi];
                const rs_position_plan *plan = &s->positions[pi];

                for (size_t si = 0; si < pos->n_shifts; si++) {
                        const rs_shift *sh = &pos->shifts[si];

                        for (size_t g = 0; g + 1 < sh->n_grid; g++) {
                                int n = 0;

                                for (size_t i = 0; i < plan->n_assignments; i++) {
                                        const rs_assignment *a = &plan->assignments[i];

                                        n += a->shift == si && a->start <= sh->grid[g] && sh->grid[g + 1] <= a->end;
                                }
                                if (n < sh->headcount)
                                        goals[RS_GOAL_COVERAGE] +=
                                                pos->priority * (sh->headcount - n) * (sh->grid[g + 1] - sh->grid[g]);
                        }
                        for (size_t g = 1; g + 1 < sh->n_grid; g++) {
                                int e = 0, st = 0;

                                for (size_t i = 0; i < plan->n_assignments; i++) {
                                        e += plan->assignments[i].shift == si && plan->assignments[i].end == sh->grid[g];
                                        st += plan->assignments[i].shift == si &&
                                              plan->assignments[i].start == sh->grid[g];
                                }
                                goals[RS_GOAL_HANDOVERS] += e < st ? e : st;
                        }
                }
                for (size_t i = 0; i < plan->n_assignments; i++) {
                        bool before = false;

                        for (size_t k = 0; k < i; k++)
                                before = before || plan->assignments[k].candidate == plan->assignments[i].candidate;
                        goals[RS_GOAL_PEOPLE] += !before;
                }
        }
        for (size_t i = 0; i < p->n_approved; i++) {
                const rs_approved_block *ab = &p->approved[i];
                int kept = 0;

                for (size_t k = 0; k < s->positions[ab->position].n_assignments; k++) {
                        const rs_assignment *a = &s->positions[ab->position].assignments[k];
                        int lo = a->start > ab->start ? a->start : ab->start;
                        int hi = a->end < ab->end ? a->end : ab->end;

                        if (a->candidate == ab->candidate && hi > lo)
                                kept += hi - lo;
                }
                goals[RS_GOAL_STABILITY] += ab->end - ab->start - kept;
        }
        for (size_t ci = 0; ci < p->n_candidates; ci++) {
                const rs_candidate *c = &p->candidates[ci];
                int paid = 0;

                for (size_t k = 0; k < c->n_commitments; k++)
                        if (c->commitments[k].day >= 0)
                                paid += paid_of(&p->rules, c->commitments[k].end - c->commitments[k].start);
                for (size_t pi = 0; pi < p->n_positions; pi++)
                        for (size_t i = 0; i < s->positions[pi].n_assignments; i++) {
                                const rs_assignment *a = &s->positions[pi].assignments[i];

                                if (a->candidate == ci)
                                        paid += paid_of(&p->rules, a->end - a->start);
                        }
                if (c->hours_min > paid)
                        goals[RS_GOAL_SHORTFALL_MIN] += c->hours_min - paid;
                if (c->hours_target > paid)
                        goals[RS_GOAL_SHORTFALL_TARGET] += c->hours_target - paid;
        }
}

void tb_print(const rs_problem *p, const rs_solution *s) {
        fprintf(stderr, "status %s\n", rs_status_to_string(s->status));
        for (int g = 0; g < _RS_GOAL_MAX; g++)
                fprintf(stderr, "  goal %s: solved %d proven %d value %g bound %g\n",
                        rs_goal_to_string((rs_goal) g), s->goals[g].solved, s->goals[g].proven,
                        s->goals[g].value, s->goals[g].bound);
        for (size_t pi = 0; pi < s->n_positions; pi++) {
                const rs_position_plan *plan = &s->positions[pi];

                fprintf(stderr, "position %s\n", p->positions[pi].id);
                for (size_t i = 0; i < plan->n_assignments; i++) {
                        const rs_assignment *a = &plan->assignments[i];

                        fprintf(stderr, "  %s %02d:%02d-%02d:%02d (day %d) %s\n", "assign",
                                (a->start % 1440) / 60, a->start % 60, (a->end % 1440) / 60, a->end % 60,
                                a->start / 1440, p->candidates[a->candidate].id);
                }
                for (size_t i = 0; i < plan->n_uncovered; i++) {
                        const rs_uncovered *u = &plan->uncovered[i];

                        fprintf(stderr, "  uncovered day %d %02d:%02d-%02d:%02d missing %d\n", u->start / 1440,
                                (u->start % 1440) / 60, u->start % 60, (u->end % 1440) / 60, u->end % 60,
                                u->missing);
                        for (size_t k = 0; k < u->n_why; k++)
                                fprintf(stderr, "    %s: %s %s\n", p->candidates[u->why[k].candidate].id,
                                        rs_reason_to_string(u->why[k].reason),
                                        u->why[k].detail ? u->why[k].detail : "");
                }
        }
}

static rs_solution *solve_checked(const rs_problem *p, const rs_solve_opts *opts, rs_engine engine) {
        rs_solution *s = NULL;
        char *err = NULL;
        int r = rs_solve_engine(p, opts, engine, &s, &err);

        if (r < 0)
                fprintf(stderr, "rs_solve: %d %s\n", r, err ? err : "");
        assert_int_equal(r, 0);
        assert_null(err);
        assert_non_null(s);
        if (getenv("TB_VERBOSE"))
                tb_print(p, s);
        /* An infeasible week breaks the rules by definition (its own
         * commitments do); anything else must keep them. */
        if (s->status != RS_STATUS_INFEASIBLE && tb_check_rules(p, s) != 0) {
                tb_print(p, s);
                fail_msg("hard rules violated (engine %d)", (int) engine);
        }
        if (s->status != RS_STATUS_INFEASIBLE) {
                double g[_RS_GOAL_MAX];

                tb_goals(p, s, g);
                for (int k = 0; k < _RS_GOAL_MAX; k++) {
                        if (!s->goals[k].solved)
                                continue;
                        if (g[k] < s->goals[k].value - 1e-6 || g[k] > s->goals[k].value + 1e-6) {
                                tb_print(p, s);
                                fail_msg("goal %s claims %g, roster has %g", rs_goal_to_string((rs_goal) k),
                                         s->goals[k].value, g[k]);
                        }
                        if (s->goals[k].bound > s->goals[k].value + 1e-6)
                                fail_msg("goal %s: bound %g above value %g", rs_goal_to_string((rs_goal) k),
                                         s->goals[k].bound, s->goals[k].value);
                }
        }
        return s;
}

/* -1, 0, 1 as the goal vector of @a is lexicographically smaller, equal,
 * larger than @b's. */
static int cmp_goals(const rs_solution *a, const rs_solution *b) {
        for (int k = 0; k < _RS_GOAL_MAX; k++) {
                if (a->goals[k].value < b->goals[k].value - 1e-6)
                        return -1;
                if (a->goals[k].value > b->goals[k].value + 1e-6)
                        return 1;
        }
        return 0;
}

rs_solution *tb_solve_opts(const rs_problem *p, const rs_solve_opts *opts) {
        rs_solution *s = solve_checked(p, opts, RS_ENGINE_AUTO);

        /* Without a time limit every engine's answer is reproducible, and
         * they must agree: the direct MIP proves the same optimum, and the
         * heuristic alone keeps the rules and never beats a proven one. */
        if ((!opts || opts->time_limit == 0) && !(opts && opts->write_lp) && s->status == RS_STATUS_OPTIMAL) {
                rs_solve_opts quiet = { 0 };
                rs_solution *d = solve_checked(p, &quiet, RS_ENGINE_DIRECT);
                rs_solution *h = solve_checked(p, &quiet, RS_ENGINE_HEURISTIC);

                if (d->status == RS_STATUS_OPTIMAL && cmp_goals(d, s) != 0) {
                        tb_print(p, s);
                        tb_print(p, d);
                        fail_msg("the direct MIP and the default engine disagree");
                }
                if (cmp_goals(h, s) < 0) {
                        tb_print(p, s);
                        tb_print(p, h);
                        fail_msg("the heuristic beat a proven optimum");
                }
                /* The heuristic engine's coverage bound (Lagrangian, and the
                 * pattern LP's duals) must hold for the proven optimum, and
                 * what it calls proven must be that optimum. */
                if (h->goals[RS_GOAL_COVERAGE].bound > s->goals[RS_GOAL_COVERAGE].value + 1e-6) {
                        tb_print(p, s);
                        fail_msg("the heuristic's coverage bound %g is above the optimum %g",
                                 h->goals[RS_GOAL_COVERAGE].bound, s->goals[RS_GOAL_COVERAGE].value);
                }
                if (h->goals[RS_GOAL_COVERAGE].proven &&
                    fabs(h->goals[RS_GOAL_COVERAGE].value - s->goals[RS_GOAL_COVERAGE].value) > 1e-6) {
                        tb_print(p, h);
                        fail_msg("the heuristic claims coverage %g proven, the optimum is %g",
                                 h->goals[RS_GOAL_COVERAGE].value, s->goals[RS_GOAL_COVERAGE].value);
                }
                rs_solution_free(d);
                rs_solution_free(h);
        }
        return s;
}

rs_solution *tb_solve(const rs_problem *p) {
        rs_solve_opts opts = { 0 };

        return tb_solve_opts(p, &opts);
}

bool tb_has(const rs_solution *s, size_t pos, size_t cand, int start, int end) {
        const rs_position_plan *plan = &s->positions[pos];

        for (size_t i = 0; i < plan->n_assignments; i++)
                if (plan->assignments[i].candidate == cand && plan->assignments[i].start == start &&
                    plan->assignments[i].end == end)
                        return true;
        return false;
}

size_t tb_count(const rs_solution *s, size_t pos) {
        return s->positions[pos].n_assignments;
}

const rs_why *tb_why(const rs_solution *s, size_t pos, int start, int end, size_t cand) {
        const rs_position_plan *plan = &s->positions[pos];

        for (size_t i = 0; i < plan->n_uncovered; i++) {
                const rs_uncovered *u = &plan->uncovered[i];

                if (u->start != start || u->end != end)
                        continue;
                for (size_t k = 0; k < u->n_why; k++)
                        if (u->why[k].candidate == cand)
                                return &u->why[k];
                return NULL;
        }
        return NULL;
}

unsigned tb_rand(unsigned *state, unsigned n) {
        *state = *state * 1103515245u + 12345u;
        return n ? ((*state >> 8) % n) : 0;
}

static const char *const clock_names[] = {
        "00:00", "01:00", "02:00", "03:00", "04:00", "05:00", "06:00", "07:00", "08:00", "09:00",
        "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00", "17:00", "18:00", "19:00",
        "20:00", "21:00", "22:00", "23:00",
};

rs_problem *tb_random(unsigned seed, size_t n_employers, size_t positions_per, size_t n_candidates) {
        rs_problem *p = tb_problem();
        unsigned st = seed * 7919u + 17u;
        int places[4];
        size_t skills[2];
        char id[32];

        for (int i = 0; i < 4; i++) {
                snprintf(id, sizeof(id), "place-%d", i);
                places[i] = tb_place(p, id);
        }
        for (int i = 0; i < 4; i++)
                for (int j = i + 1; j < 4; j++)
                        tb_travel(p, places[i], places[j], 10 * (int) tb_rand(&st, 5));
        skills[0] = tb_skill(p, "vca");
        skills[1] = tb_skill(p, "forklift");
        for (size_t e = 0; e < n_employers; e++) {
                size_t emp;

                snprintf(id, sizeof(id), "emp-%02zu", e);
                emp = tb_employer(p, id, places[tb_rand(&st, 4)]);
                for (size_t k = 0; k < positions_per; k++) {
                        int start = 6 + (int) tb_rand(&st, 8), len = 4 + (int) tb_rand(&st, 6);
                        int head = tb_rand(&st, 5) == 0 ? 2 : 1;
                        size_t pos;

                        snprintf(id, sizeof(id), "pos-%zu", k);
                        pos = tb_position(p, emp, id, H(3 + (int) tb_rand(&st, 2)), 2 + (int) tb_rand(&st, 2));
                        if (tb_rand(&st, 3) == 0)
                                tb_position_language(p, pos, (rs_level) (1 + tb_rand(&st, 3)));
                        if (tb_rand(&st, 4) == 0)
                                tb_position_skill(p, pos, skills[tb_rand(&st, 2)]);
                        if (tb_rand(&st, 4) == 0)
                                tb_position_priority(p, pos, 1 + tb_rand(&st, 3));
                        for (int d = MON; d <= SUN; d++) {
                                int end = start + len;

                                if (tb_rand(&st, 7) < 2)
                                        continue;
                                tb_shift(p, pos, d, clock_names[start], clock_names[end % 24], head,
                                         tb_rand(&st, 3) == 0 ? 30 : 60);
                        }
                }
        }
        for (size_t c = 0; c < n_candidates; c++) {
                int hmax = H(12 + 4 * (int) tb_rand(&st, 6));
                int hmin = H(4 * (int) tb_rand(&st, 4));
                size_t cand;

                if (hmin > hmax)
                        hmin = hmax;
                snprintf(id, sizeof(id), "c-%03zu", c);
                cand = tb_candidate(p, id, hmin, hmin + (hmax - hmin) / 2, hmax);
                tb_candidate_language(p, cand, (rs_level) tb_rand(&st, 5));
                if (tb_rand(&st, 2))
                        tb_candidate_skill(p, cand, skills[tb_rand(&st, 2)]);
                tb_candidate_max_days(p, cand, 3 + (int) tb_rand(&st, 3));
                if (tb_rand(&st, 4) != 0) {
                        size_t n = 1 + tb_rand(&st, 2);

                        for (size_t k = 0; k < n; k++)
                                tb_place_at(p, cand, tb_rand(&st, (unsigned) n_employers));
                }
                for (int d = MON; d <= FRI; d++) {
                        int s0 = 8 + (int) tb_rand(&st, 6);

                        if (tb_rand(&st, 2))
                                tb_class(p, cand, "group", places[tb_rand(&st, 4)], d, clock_names[s0],
                                         clock_names[s0 + 2 + (int) tb_rand(&st, 2)]);
                }
                if (tb_rand(&st, 5) == 0) {
                        int d = (int) tb_rand(&st, 7);

                        tb_unavailable(p, cand, d, "12:00", "18:00", tb_rand(&st, 2) ? "appointment" : NULL);
                }
                if (tb_rand(&st, 6) == 0)
                        tb_commitment(p, cand, -1, "14:00", "22:00", "old-employer");
                if (tb_rand(&st, 6) == 0)
                        tb_commitment(p, cand, SAT, "09:00", "13:00", "other");
        }
        return p;
}

void tb_assert_same(const rs_solution *x, const rs_solution *y) {
        assert_int_equal(x->status, y->status);
        assert_int_equal(x->n_positions, y->n_positions);
        assert_int_equal(x->n_candidates, y->n_candidates);
        assert_int_equal(x->rows, y->rows);
        assert_int_equal(x->columns, y->columns);
        for (int g = 0; g < _RS_GOAL_MAX; g++) {
                assert_int_equal(x->goals[g].solved, y->goals[g].solved);
                assert_int_equal(x->goals[g].proven, y->goals[g].proven);
                assert_memory_equal(&x->goals[g].value, &y->goals[g].value, sizeof(double));
                assert_memory_equal(&x->goals[g].bound, &y->goals[g].bound, sizeof(double));
                assert_memory_equal(&x->goals[g].gap, &y->goals[g].gap, sizeof(double));
        }
        for (size_t c = 0; c < x->n_candidates; c++) {
                assert_int_equal(x->candidates[c].paid_minutes, y->candidates[c].paid_minutes);
                assert_int_equal(x->candidates[c].days, y->candidates[c].days);
        }
        for (size_t p = 0; p < x->n_positions; p++) {
                const rs_position_plan *a = &x->positions[p], *b = &y->positions[p];

                assert_int_equal(a->n_assignments, b->n_assignments);
                if (a->n_assignments)
                        assert_memory_equal(a->assignments, b->assignments,
                                            a->n_assignments * sizeof(rs_assignment));
                assert_int_equal(a->n_people, b->n_people);
                if (a->n_people)
                        assert_memory_equal(a->people, b->people, a->n_people * sizeof(size_t));
                assert_int_equal(a->required_minutes, b->required_minutes);
                assert_int_equal(a->covered_minutes, b->covered_minutes);
                assert_int_equal(a->n_uncovered, b->n_uncovered);
                for (size_t u = 0; u < a->n_uncovered; u++) {
                        const rs_uncovered *ua = &a->uncovered[u], *ub = &b->uncovered[u];

                        assert_int_equal(ua->shift, ub->shift);
                        assert_int_equal(ua->start, ub->start);
                        assert_int_equal(ua->end, ub->end);
                        assert_int_equal(ua->missing, ub->missing);
                        assert_int_equal(ua->n_why, ub->n_why);
                        for (size_t w = 0; w < ua->n_why; w++) {
                                assert_int_equal(ua->why[w].candidate, ub->why[w].candidate);
                                assert_int_equal(ua->why[w].reason, ub->why[w].reason);
                                if (ua->why[w].detail || ub->why[w].detail)
                                        assert_string_equal(ua->why[w].detail, ub->why[w].detail);
                        }
                }
        }
}
