/* solver/selfcheck.c -- every hard rule and every claimed total of a
 * finished roster, re-read from the problem itself.
 *
 * Deliberately shares nothing with prep.c (blocks, options, caps) or
 * problem.c (paid minutes): a mistake there must not hide itself here.
 * Readings, as in SPEC §10 and docs/solver.md:
 *   - intervals are half-open; [a, b) meets [c, d) when a < d and c < b,
 *     so a block may start exactly at class end + travel;
 *   - a block's working day is its shift's day (§10.4); in-week
 *     commitments count for overlap, blocks per day, rest, hours and days,
 *     previous-week ones (day < 0) for rest only;
 *   - rest between two pieces of work on different working days is the
 *     time between them, whichever comes first;
 *   - pairs of two commitments are input, checked before solving, and
 *     caps are only the roster's fault when it assigns the candidate work.
 * The first violation found is reported; the order is fixed, so the same
 * roster always gives the same message. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "selfcheck.h"

/* One piece of a candidate's work: an assignment or a commitment. */
typedef struct sc_work {
        size_t candidate;
        int day;                        /* working day, < 0 for the previous week */
        int start;
        int end;
        size_t position;                /* RS_NO_INDEX for a commitment */
        size_t commitment;              /* index into the candidate's commitments */
} sc_work;

typedef struct sc_ctx {
        const rs_problem *problem;
        const rs_solution *solution;
        char *msg;
} sc_ctx;

static int violation(sc_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int violation(sc_ctx *c, const char *fmt, ...) {
        va_list ap;
        char *s = NULL;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        c->msg = rs_strdup_printf("self-check: %s", s);
        free(s);
        return c->msg ? -EPROTO : -ENOMEM;
}

static int floor_div(int a, int b) {
        return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* "tue 01:00", "last-week sun 22:00", "next-week mon 06:00". */
static const char *fmt_time(int t, char buf[static 32]) {
        int d = floor_div(t, RS_MINUTES_PER_DAY), m = t - d * RS_MINUTES_PER_DAY;
        const char *week = d < 0 ? "last-week " : d >= RS_DAYS_PER_WEEK ? "next-week " : "";

        snprintf(buf, 32, "%s%s %02d:%02d", week, rs_day_names[((d % 7) + 7) % 7], m / 60, m % 60);
        return buf;
}

/* "mon 22:00-06:00": the end's clock only, for it is within a day or two
 * of the start. */
static const char *fmt_interval(int start, int end, char buf[static 64]) {
        char s[32];
        char e[8];

        rs_format_clock(end, e);
        snprintf(buf, 64, "%s-%s", fmt_time(start, s), e);
        return buf;
}

static const char *fmt_dur(int minutes, char buf[static 24]) {
        rs_format_duration(minutes, buf);
        return buf;
}

/* "employer/position". */
static const char *pos_label(const sc_ctx *c, size_t pi, char buf[static 160]) {
        const rs_position *p = &c->problem->positions[pi];

        snprintf(buf, 160, "%s/%s", c->problem->employers[p->employer].id, p->id);
        return buf;
}

/* "agri/assembly mon 07:00-15:00" or "commitment at metal tue 06:00-14:00". */
static const char *work_label(const sc_ctx *c, const sc_work *w, char buf[static 256]) {
        char iv[64], pl[160];

        fmt_interval(w->start, w->end, iv);
        if (w->position == RS_NO_INDEX) {
                const rs_commitment *cm = &c->problem->candidates[w->candidate].commitments[w->commitment];

                snprintf(buf, 256, "%s %s at %s", w->day < 0 ? "previous-week work" : "commitment", iv,
                         cm->employer ? cm->employer : "?");
        } else
                snprintf(buf, 256, "%s %s", pos_label(c, w->position, pl), iv);
        return buf;
}

/* SPEC §10.6, written out again: the largest take whose @after is
 * strictly below the length; never more than the block. */
static int paid_minutes(const rs_rules *rules, int length) {
        int take = 0;

        for (size_t i = 0; i < rules->n_breaks; i++)
                if (length > rules->breaks[i].after && rules->breaks[i].take > take)
                        take = rules->breaks[i].take;
        return take > length ? 0 : length - take;
}

static int travel(const rs_problem *problem, int a, int b) {
        if (a < 0 || b < 0 || (size_t) a >= problem->n_places || (size_t) b >= problem->n_places)
                return problem->travel_default;
        return problem->travel[(size_t) a * problem->n_places + (size_t) b];
}

static bool meets(int a_start, int a_end, int b_start, int b_end) {
        return a_start < b_end && b_start < a_end;
}

/* Index of @t in the shift's grid, or -1. */
static long grid_index(const rs_shift *s, int t) {
        size_t lo = 0, hi = s->n_grid;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (s->grid[mid] < t)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo < s->n_grid && s->grid[lo] == t ? (long) lo : -1;
}

static bool has_skill(const rs_candidate *cand, size_t skill) {
        for (size_t k = 0; k < cand->n_skills; k++)
                if (cand->skills[k] == skill)
                        return true;
        return false;
}

static bool placed_at(const rs_candidate *cand, size_t employer) {
        if (cand->any_employer)
                return true;
        for (size_t k = 0; k < cand->n_employers; k++)
                if (cand->employers[k] == employer)
                        return true;
        return false;
}

/* Rules 1, 2 (classes, unavailability) and 3 for one assignment. */
static int check_assignment(sc_ctx *c, size_t pi, const rs_assignment *a) {
        const rs_problem *problem = c->problem;
        const rs_position *p = &problem->positions[pi];
        const rs_shift *s;
        const rs_candidate *cand;
        int place = problem->employers[p->employer].place;
        long first, last;
        char iv[64], iv2[64], pl[160], d1[24], d2[24];

        if (a->shift >= p->n_shifts)
                return violation(c, "assignment on %s names shift %zu of %zu", pos_label(c, pi, pl), a->shift,
                                 p->n_shifts);
        if (a->candidate >= problem->n_candidates)
                return violation(c, "assignment on %s names candidate %zu of %zu", pos_label(c, pi, pl),
                                 a->candidate, problem->n_candidates);
        s = &p->shifts[a->shift];
        cand = &problem->candidates[a->candidate];
        fmt_interval(a->start, a->end, iv);
        pos_label(c, pi, pl);

        if (!placed_at(cand, p->employer))
                return violation(c, "rule 1 placement: candidate %s works %s %s, an employer they are not "
                                 "placed at", cand->id, pl, iv);
        if (cand->language < p->language)
                return violation(c, "rule 1 language: candidate %s (%s) works %s %s, which requires %s",
                                 cand->id, rs_level_to_string(cand->language), pl, iv,
                                 rs_level_to_string(p->language));
        for (size_t k = 0; k < p->n_skills; k++)
                if (!has_skill(cand, p->skills[k]))
                        return violation(c, "rule 1 skill: candidate %s works %s %s without skill %s", cand->id,
                                         pl, iv, problem->skills[p->skills[k]]);

        if (a->end <= a->start)
                return violation(c, "rule 3 grid: candidate %s has an empty block %s %s", cand->id, pl, iv);
        if (a->start < s->start || a->end > s->end)
                return violation(c, "rule 3 grid: candidate %s block %s %s lies outside its shift %s", cand->id,
                                 pl, iv, fmt_interval(s->start, s->end, iv2));
        first = grid_index(s, a->start);
        last = grid_index(s, a->end);
        if (first < 0 || last < 0)
                return violation(c, "rule 3 grid: candidate %s block %s %s is off the handover grid of shift %s",
                                 cand->id, pl, iv, fmt_interval(s->start, s->end, iv2));
        if (a->end - a->start < p->min_block && !(a->start == s->start && a->end == s->end))
                return violation(c, "rule 3 min_block: candidate %s block %s %s lasts %s < %s and is not the "
                                 "whole shift", cand->id, pl, iv, fmt_dur(a->end - a->start, d1),
                                 fmt_dur(p->min_block, d2));
        if (a->end - a->start > problem->rules.max_shift)
                return violation(c, "rule 3 max_shift: candidate %s block %s %s lasts %s > %s", cand->id, pl, iv,
                                 fmt_dur(a->end - a->start, d1), fmt_dur(problem->rules.max_shift, d2));

        for (size_t k = 0; k < cand->n_classes; k++) {
                const rs_class_session *cs = &cand->classes[k];
                int t = travel(problem, cs->place, place);

                if (meets(a->start, a->end, cs->start - t, cs->end + t))
                        return violation(c, "rule 2 class: candidate %s block %s %s meets class %s/%s %s "
                                         "widened by %s travel", cand->id, pl, iv,
                                         cs->school ? cs->school : "?", cs->group ? cs->group : "?",
                                         fmt_interval(cs->start, cs->end, iv2), fmt_dur(t, d1));
        }
        for (size_t k = 0; k < cand->n_unavailable; k++) {
                const rs_unavailability *u = &cand->unavailable[k];

                if (meets(a->start, a->end, u->start, u->end))
                        return violation(c, "rule 2 unavailable: candidate %s block %s %s meets unavailability %s",
                                         cand->id, pl, iv, fmt_interval(u->start, u->end, iv2));
        }
        return 0;
}

static int cmp_size(const void *a, const void *b) {
        size_t x = *(const size_t *) a, y = *(const size_t *) b;

        return (x > y) - (x < y);
}

/* Rules 6 and 7 and the position's claimed people, required and covered
 * minutes. @count has room for the grid points of all the position's
 * shifts, @base for its shifts + 1, @ids for its assignments. One pass
 * over the assignments marks where each block starts and ends; one pass
 * over the grid sums the people per segment. */
static int check_position(sc_ctx *c, size_t pi, int *count, size_t *base, size_t *ids) {
        const rs_problem *problem = c->problem;
        const rs_position *p = &problem->positions[pi];
        const rs_position_plan *plan = &c->solution->positions[pi];
        long required = 0, covered = 0;
        size_t people = 0;
        int max_head = 0;
        char pl[160], iv[64];

        pos_label(c, pi, pl);
        base[0] = 0;
        for (size_t si = 0; si < p->n_shifts; si++)
                base[si + 1] = base[si] + p->shifts[si].n_grid;
        memset(count, 0, (base[p->n_shifts] + 1) * sizeof(int));
        /* check_assignment() has put every block on its shift's grid. */
        for (size_t i = 0; i < plan->n_assignments; i++) {
                const rs_assignment *a = &plan->assignments[i];
                const rs_shift *s = &p->shifts[a->shift];

                count[base[a->shift] + (size_t) grid_index(s, a->start)]++;
                count[base[a->shift] + (size_t) grid_index(s, a->end)]--;
        }
        for (size_t si = 0; si < p->n_shifts; si++) {
                const rs_shift *s = &p->shifts[si];
                int run = 0;

                if (s->headcount > max_head)
                        max_head = s->headcount;
                required += (long) s->headcount * (s->end - s->start);
                for (size_t g = 0; g + 1 < s->n_grid; g++) {
                        run += count[base[si] + g];
                        if (run > s->headcount)
                                return violation(c, "rule 7 headcount: %s %s has %d people, headcount %d", pl,
                                                 fmt_interval(s->grid[g], s->grid[g + 1], iv), run,
                                                 s->headcount);
                        covered += (long) run * (s->grid[g + 1] - s->grid[g]);
                }
        }

        for (size_t i = 0; i < plan->n_assignments; i++)
                ids[i] = plan->assignments[i].candidate;
        qsort(ids, plan->n_assignments, sizeof(size_t), cmp_size);
        for (size_t i = 0; i < plan->n_assignments; i++)
                if (i == 0 || ids[i] != ids[i - 1])
                        ids[people++] = ids[i];
        if ((long) people > (long) p->max_people * max_head)
                return violation(c, "rule 6 people: %s has %zu distinct people, more than max_people %d x "
                                 "headcount %d", pl, people, p->max_people, max_head);
        if (people != plan->n_people || (people && memcmp(ids, plan->people, people * sizeof(size_t)) != 0))
                return violation(c, "claim people: %s lists %zu people, its assignments have %zu", pl,
                                 plan->n_people, people);
        if (plan->required_minutes != required)
                return violation(c, "claim required: %s claims %ld required minutes, its shifts need %ld", pl,
                                 plan->required_minutes, required);
        if (plan->covered_minutes != covered)
                return violation(c, "claim covered: %s claims %ld covered minutes, its assignments cover %ld",
                                 pl, plan->covered_minutes, covered);
        return 0;
}

static int cmp_work(const void *a, const void *b) {
        const sc_work *x = a, *y = b;

        if (x->candidate != y->candidate)
                return x->candidate < y->candidate ? -1 : 1;
        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        if (x->end != y->end)
                return x->end < y->end ? -1 : 1;
        if (x->position != y->position)
                return x->position < y->position ? -1 : 1;
        return (x->commitment > y->commitment) - (x->commitment < y->commitment);
}

/* Rules 2 (commitments), 4 and 5 and the claimed totals of candidate @ci,
 * whose work is @w[0..n), sorted by start. */
static int check_candidate(sc_ctx *c, size_t ci, const sc_work *w, size_t n) {
        const rs_problem *problem = c->problem;
        const rs_rules *rules = &problem->rules;
        const rs_candidate *cand = &problem->candidates[ci];
        const rs_candidate_total *claim = &c->solution->candidates[ci];
        int per_day[RS_DAYS_PER_WEEK] = { 0 }, paid = 0, days = 0, cap;
        bool worked[RS_DAYS_PER_WEEK] = { false }, assigned[RS_DAYS_PER_WEEK] = { false };
        size_t n_assigned = 0;
        char l1[256], l2[256], d1[24], d2[24];

        for (size_t i = 0; i < n; i++) {
                if (w[i].day < 0)
                        continue;
                per_day[w[i].day]++;
                paid += paid_minutes(rules, w[i].end - w[i].start);
                if (!worked[w[i].day]) {
                        worked[w[i].day] = true;
                        days++;
                }
                if (w[i].position != RS_NO_INDEX) {
                        assigned[w[i].day] = true;
                        n_assigned++;
                }
        }

        if (n_assigned > 0) {
                for (int d = 0; d < RS_DAYS_PER_WEEK; d++)
                        if (assigned[d] && per_day[d] > rules->max_blocks_per_day)
                                return violation(c, "rule 4 blocks per day: candidate %s has %d blocks on %s, "
                                                 "max_blocks_per_day %d", cand->id, per_day[d], rs_day_names[d],
                                                 rules->max_blocks_per_day);
                /* With at most max_blocks_per_day assignments a day, the
                 * pairs below are few per candidate. */
                for (size_t i = 0; i < n; i++)
                        for (size_t j = i + 1; j < n; j++) {
                                const sc_work *x = &w[i], *y = &w[j];
                                int gap;

                                if (x->position == RS_NO_INDEX && y->position == RS_NO_INDEX)
                                        continue;
                                if (meets(x->start, x->end, y->start, y->end))
                                        return violation(c, "rule 4 overlap: candidate %s works %s and %s at "
                                                         "once", cand->id, work_label(c, x, l1),
                                                         work_label(c, y, l2));
                                if (x->day == y->day)
                                        continue;
                                gap = x->start - y->end > y->start - x->end ? x->start - y->end
                                                                            : y->start - x->end;
                                if (gap < rules->min_rest)
                                        return violation(c, "rule 4 rest: candidate %s works %s then %s, %s "
                                                         "of rest < min_rest %s", cand->id,
                                                         work_label(c, x, l1), work_label(c, y, l2),
                                                         fmt_dur(gap, d1), fmt_dur(rules->min_rest, d2));
                        }
                cap = cand->hours_max < rules->max_week ? cand->hours_max : rules->max_week;
                if (paid > cap)
                        return violation(c, "rule 5 hours: candidate %s is paid %s, more than %s (hours.max %s, "
                                         "max_week %s)", cand->id, fmt_dur(paid, d1), fmt_dur(cap, d2),
                                         fmt_dur(cand->hours_max, l1), fmt_dur(rules->max_week, l2));
                if (days > cand->max_days)
                        return violation(c, "rule 5 days: candidate %s works %d days, max_days %d", cand->id,
                                         days, cand->max_days);
        }
        if (claim->paid_minutes != paid)
                return violation(c, "claim paid: candidate %s claims %d paid minutes, the work pays %d",
                                 cand->id, claim->paid_minutes, paid);
        if (claim->days != days)
                return violation(c, "claim days: candidate %s claims %d days, works %d", cand->id, claim->days,
                                 days);
        return 0;
}

static int check(sc_ctx *c) {
        const rs_problem *problem = c->problem;
        const rs_solution *solution = c->solution;
        sc_work *work = NULL;
        size_t n_work = 0, max_grid = 1, max_shifts = 1, max_assign = 1;
        int *count = NULL;
        size_t *ids = NULL, *base = NULL;
        int r = -ENOMEM;

        if (solution->n_positions != problem->n_positions || (problem->n_positions && !solution->positions))
                return violation(c, "the solution has %zu position plans for %zu positions",
                                 solution->n_positions, problem->n_positions);
        if (solution->n_candidates != problem->n_candidates || (problem->n_candidates && !solution->candidates))
                return violation(c, "the solution has %zu candidate totals for %zu candidates",
                                 solution->n_candidates, problem->n_candidates);

        for (size_t pi = 0; pi < problem->n_positions; pi++) {
                const rs_position_plan *plan = &solution->positions[pi];
                const rs_position *p = &problem->positions[pi];

                size_t n_grid = 0;

                for (size_t si = 0; si < p->n_shifts; si++)
                        n_grid += p->shifts[si].n_grid;
                if (n_grid > max_grid)
                        max_grid = n_grid;
                if (p->n_shifts > max_shifts)
                        max_shifts = p->n_shifts;
                if (plan->n_assignments > max_assign)
                        max_assign = plan->n_assignments;
                for (size_t i = 0; i < plan->n_assignments; i++) {
                        r = check_assignment(c, pi, &plan->assignments[i]);
                        if (r < 0)
                                return r;
                }
                n_work += plan->n_assignments;
        }
        for (size_t ci = 0; ci < problem->n_candidates; ci++)
                n_work += problem->candidates[ci].n_commitments;

        r = -ENOMEM;
        count = malloc((max_grid + 1) * sizeof(int));
        base = malloc((max_shifts + 1) * sizeof(size_t));
        ids = malloc(max_assign * sizeof(size_t));
        work = malloc((n_work + 1) * sizeof(sc_work));
        if (!count || !base || !ids || !work)
                goto out;

        for (size_t pi = 0; pi < problem->n_positions; pi++) {
                r = check_position(c, pi, count, base, ids);
                if (r < 0)
                        goto out;
        }

        n_work = 0;
        for (size_t pi = 0; pi < problem->n_positions; pi++) {
                const rs_position_plan *plan = &solution->positions[pi];

                for (size_t i = 0; i < plan->n_assignments; i++) {
                        const rs_assignment *a = &plan->assignments[i];

                        work[n_work++] = (sc_work) {
                                .candidate = a->candidate,
                                .day = problem->positions[pi].shifts[a->shift].day,
                                .start = a->start,
                                .end = a->end,
                                .position = pi,
                                .commitment = 0,
                        };
                }
        }
        for (size_t ci = 0; ci < problem->n_candidates; ci++) {
                const rs_candidate *cand = &problem->candidates[ci];

                for (size_t k = 0; k < cand->n_commitments; k++)
                        work[n_work++] = (sc_work) {
                                .candidate = ci,
                                .day = cand->commitments[k].day,
                                .start = cand->commitments[k].start,
                                .end = cand->commitments[k].end,
                                .position = RS_NO_INDEX,
                                .commitment = k,
                        };
        }
        qsort(work, n_work, sizeof(sc_work), cmp_work);
        r = 0;
        for (size_t ci = 0, i = 0; ci < problem->n_candidates && r == 0; ci++) {
                size_t j = i;

                while (j < n_work && work[j].candidate == ci)
                        j++;
                r = check_candidate(c, ci, work + i, j - i);
                i = j;
        }
out:
        free(count);
        free(base);
        free(ids);
        free(work);
        return r;
}

int rs_selfcheck(const rs_problem *problem, const rs_solution *solution, char **reterr_message) {
        sc_ctx c = { .problem = problem, .solution = solution };
        int r;

        if (!problem || !solution)
                return -EINVAL;
        r = check(&c);
        if (r < 0) {
                if (reterr_message)
                        *reterr_message = c.msg;
                else
                        free(c.msg);
                return r;
        }
        return 0;
}
