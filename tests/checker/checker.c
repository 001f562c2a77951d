/* tests/checker/checker.c -- independent verification of a solved roster.
 *
 * Everything here is derived from the raw problem data: no rs_* function
 * is called (a ctest checks the object file for that). Rules are read
 * from SPEC §4 and §10:
 *   - times are minutes since Monday 00:00; a block's working day is the
 *     start day of its shift (§10.4);
 *   - an interval [a, b) overlaps [c, d) when a < d and c < b, so a block
 *     may start exactly at class end + travel (§10.7);
 *   - a block loses the largest break take whose `after` is strictly
 *     below its length (§10.6);
 *   - in-week commitments (day >= 0) count for overlap, blocks per day,
 *     rest, hours and days; previous-week ones (day < 0) for rest only. */
#include "checker.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const day_names[RS_DAYS_PER_WEEK] = {
        "mon", "tue", "wed", "thu", "fri", "sat", "sun",
};

static const char *const goal_names[_RS_GOAL_MAX] = {
        "coverage", "stability", "people", "handovers", "shortfall-min", "shortfall-target",
};

static const char *const reason_names[_RS_REASON_MAX] = {
        "not-placed", "language", "skill", "class", "unavailable", "busy",
        "rest", "hours-cap", "day-cap", "people-limit", "grid",
};

static const char *const level_names[_RS_LEVEL_MAX] = {
        "A0", "A1", "A2", "B1", "B2", "C1", "C2",
};

/* ---- report ---------------------------------------------------------- */

void rchk_report_done(rchk_report *report) {
        if (!report)
                return;
        for (size_t i = 0; i < report->n_lines; i++)
                free(report->lines[i]);
        free(report->lines);
        *report = (rchk_report) {0};
}

void rchk_report_print(const rchk_report *report, FILE *out, size_t max_lines) {
        size_t n = report->n_lines < max_lines ? report->n_lines : max_lines;

        for (size_t i = 0; i < n; i++)
                fprintf(out, "  %s\n", report->lines[i]);
        if (n < report->n_lines)
                fprintf(out, "  ... and %zu more\n", report->n_lines - n);
        if (report->oom)
                fprintf(out, "  (some lines were lost: out of memory)\n");
}

bool rchk_report_has(const rchk_report *report, const char *prefix) {
        size_t len = strlen(prefix);

        for (size_t i = 0; i < report->n_lines; i++)
                if (strncmp(report->lines[i], prefix, len) == 0)
                        return true;
        return false;
}

/* The state of one check run: the inputs, where lines go, how many were
 * added and whether memory ran out. */
typedef struct ctx {
        const rs_problem *p;
        const rs_solution *s;
        rchk_report *report;
        int found;
} ctx;

__attribute__((format(printf, 2, 3)))
static void violation(ctx *c, const char *fmt, ...) {
        char *line = NULL;
        va_list ap;

        c->found++;
        va_start(ap, fmt);
        if (vasprintf(&line, fmt, ap) < 0)
                line = NULL;
        va_end(ap);
        if (!line) {
                c->report->oom = true;
                return;
        }
        if (c->report->n_lines == c->report->cap) {
                size_t cap = c->report->cap ? c->report->cap * 2 : 16;
                char **lines = realloc(c->report->lines, cap * sizeof(*lines));

                if (!lines) {
                        free(line);
                        c->report->oom = true;
                        return;
                }
                c->report->lines = lines;
                c->report->cap = cap;
        }
        c->report->lines[c->report->n_lines++] = line;
}

/* ---- small independent helpers -------------------------------------- */

int rchk_paid_minutes(const rs_rules *rules, int length) {
        int take = 0;

        for (size_t i = 0; i < rules->n_breaks; i++)
                if (length > rules->breaks[i].after && rules->breaks[i].take > take)
                        take = rules->breaks[i].take;
        return length - take;
}

int rchk_travel(const rs_problem *problem, int from, int to) {
        if (from == RS_NO_PLACE || to == RS_NO_PLACE)
                return problem->travel_default;
        if (from < 0 || to < 0 || (size_t) from >= problem->n_places || (size_t) to >= problem->n_places)
                return problem->travel_default;
        return problem->travel[(size_t) from * problem->n_places + (size_t) to];
}

static int floor_div(int a, int b) {
        int q = a / b;

        if ((a % b != 0) && ((a < 0) != (b < 0)))
                q--;
        return q;
}

const char *rchk_format_time(int t, char buf[static 24]) {
        int day = floor_div(t, RS_MINUTES_PER_DAY);
        int in_day = t - day * RS_MINUTES_PER_DAY;
        int wday = ((day % RS_DAYS_PER_WEEK) + RS_DAYS_PER_WEEK) % RS_DAYS_PER_WEEK;
        const char *prefix = day < 0 ? "prev-" : day >= RS_DAYS_PER_WEEK ? "next-" : "";

        snprintf(buf, 24, "%s%s %02d:%02d", prefix, day_names[wday], in_day / 60, in_day % 60);
        return buf;
}

/* "9h", "45m", "9h30m", "-1h" */
static const char *format_duration(int minutes, char buf[static 24]) {
        const char *sign = minutes < 0 ? "-" : "";
        int m = minutes < 0 ? -minutes : minutes;

        if (m % 60 == 0)
                snprintf(buf, 24, "%s%dh", sign, m / 60);
        else if (m < 60)
                snprintf(buf, 24, "%s%dm", sign, m);
        else
                snprintf(buf, 24, "%s%dh%02dm", sign, m / 60, m % 60);
        return buf;
}

/* "mon 22:00-06:00" when the end is within a day of the start, else both
 * ends in full. */
static const char *format_interval(int start, int end, char buf[static 64]) {
        char a[24], b[24];

        rchk_format_time(start, a);
        if (end > start && end - start < RS_MINUTES_PER_DAY)
                snprintf(buf, 64, "%s-%02d:%02d", a,
                         (end % RS_MINUTES_PER_DAY + RS_MINUTES_PER_DAY) % RS_MINUTES_PER_DAY / 60,
                         (end % RS_MINUTES_PER_DAY + RS_MINUTES_PER_DAY) % RS_MINUTES_PER_DAY % 60);
        else
                snprintf(buf, 64, "%s-%s", a, rchk_format_time(end, b));
        return buf;
}

static const char *level_name(rs_level level) {
        if ((int) level >= 0 && level < _RS_LEVEL_MAX)
                return level_names[level];
        return "?";
}

static bool overlaps(int a_start, int a_end, int b_start, int b_end) {
        return a_start < b_end && b_start < a_end;
}

static int intersection(int a_start, int a_end, int b_start, int b_end) {
        int lo = a_start > b_start ? a_start : b_start;
        int hi = a_end < b_end ? a_end : b_end;

        return hi > lo ? hi - lo : 0;
}

static bool same_value(double claimed, double real) {
        double scale = fabs(real) > 1.0 ? fabs(real) : 1.0;

        return fabs(claimed - real) <= 1e-6 * scale;
}

static const char *cand_id(const rs_problem *p, size_t c) {
        return p->candidates[c].id ? p->candidates[c].id : "?";
}

static const char *pos_id(const rs_problem *p, size_t pos) {
        return p->positions[pos].id ? p->positions[pos].id : "?";
}

static const char *emp_id(const rs_problem *p, size_t pos) {
        size_t e = p->positions[pos].employer;

        if (e >= p->n_employers || !p->employers[e].id)
                return "?";
        return p->employers[e].id;
}

static int emp_place(const rs_problem *p, size_t pos) {
        size_t e = p->positions[pos].employer;

        return e < p->n_employers ? p->employers[e].place : RS_NO_PLACE;
}

static bool on_grid(const rs_shift *sh, int t) {
        for (size_t i = 0; i < sh->n_grid; i++)
                if (sh->grid[i] == t)
                        return true;
        return false;
}

static int max_headcount(const rs_position *pos) {
        int h = 0;

        for (size_t i = 0; i < pos->n_shifts; i++)
                if (pos->shifts[i].headcount > h)
                        h = pos->shifts[i].headcount;
        return h;
}

static bool placed_at(const rs_candidate *cand, size_t employer) {
        if (cand->any_employer)
                return true;
        for (size_t i = 0; i < cand->n_employers; i++)
                if (cand->employers[i] == employer)
                        return true;
        return false;
}

static bool has_skill(const rs_candidate *cand, size_t skill) {
        for (size_t i = 0; i < cand->n_skills; i++)
                if (cand->skills[i] == skill)
                        return true;
        return false;
}

/* Index of the first required skill @cand lacks, or -1. */
static long missing_skill(const rs_candidate *cand, const rs_position *pos) {
        for (size_t i = 0; i < pos->n_skills; i++)
                if (!has_skill(cand, pos->skills[i]))
                        return (long) i;
        return -1;
}

static const char *skill_name(const rs_problem *p, size_t skill) {
        return skill < p->n_skills && p->skills[skill] ? p->skills[skill] : "?";
}

/* ---- the work of each candidate -------------------------------------- */

/* One piece of work of a candidate: an assignment of the solution or a
 * commitment of the problem. */
typedef struct work {
        int day;                        /* working day; < 0 previous week */
        int start;
        int end;
        bool commitment;
        size_t position;                /* assignments only */
        size_t shift;
        const char *employer;           /* commitments only */
} work;

typedef struct cand_work {
        work *items;                    /* sorted by start */
        size_t n_items;
        size_t n_assignments;
        int paid;                       /* assignments and in-week commitments */
        int days;                       /* distinct working days 0..6 */
        bool on_day[RS_DAYS_PER_WEEK];
} cand_work;

static void cand_work_free(cand_work *w, size_t n) {
        if (!w)
                return;
        for (size_t i = 0; i < n; i++)
                free(w[i].items);
        free(w);
}

static int compare_work(const void *a, const void *b) {
        const work *x = a, *y = b;

        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        if (x->end != y->end)
                return x->end < y->end ? -1 : 1;
        return (int) x->commitment - (int) y->commitment;
}

static bool assignment_valid(const rs_problem *p, size_t pos, const rs_assignment *a) {
        return a->shift < p->positions[pos].n_shifts && a->candidate < p->n_candidates;
}

static size_t n_plans(const rs_problem *p, const rs_solution *s) {
        return s->n_positions < p->n_positions ? s->n_positions : p->n_positions;
}

/* Collects every candidate's work from the valid assignments and the
 * commitments. Returns NULL when out of memory. */
static cand_work *collect_work(const rs_problem *p, const rs_solution *s) {
        cand_work *w = calloc(p->n_candidates ? p->n_candidates : 1, sizeof(*w));

        if (!w)
                return NULL;
        for (size_t c = 0; c < p->n_candidates; c++)
                w[c].n_items = p->candidates[c].n_commitments;
        for (size_t pos = 0; pos < n_plans(p, s); pos++)
                for (size_t i = 0; i < s->positions[pos].n_assignments; i++) {
                        const rs_assignment *a = &s->positions[pos].assignments[i];

                        if (assignment_valid(p, pos, a))
                                w[a->candidate].n_items++;
                }
        for (size_t c = 0; c < p->n_candidates; c++) {
                w[c].items = calloc(w[c].n_items ? w[c].n_items : 1, sizeof(work));
                if (!w[c].items) {
                        cand_work_free(w, p->n_candidates);
                        return NULL;
                }
                w[c].n_items = 0;
                for (size_t k = 0; k < p->candidates[c].n_commitments; k++) {
                        const rs_commitment *cm = &p->candidates[c].commitments[k];

                        w[c].items[w[c].n_items++] = (work) {
                                .day = cm->day, .start = cm->start, .end = cm->end,
                                .commitment = true, .employer = cm->employer ? cm->employer : "?",
                        };
                }
        }
        for (size_t pos = 0; pos < n_plans(p, s); pos++)
                for (size_t i = 0; i < s->positions[pos].n_assignments; i++) {
                        const rs_assignment *a = &s->positions[pos].assignments[i];
                        cand_work *cw;

                        if (!assignment_valid(p, pos, a))
                                continue;
                        cw = &w[a->candidate];
                        cw->items[cw->n_items++] = (work) {
                                .day = p->positions[pos].shifts[a->shift].day,
                                .start = a->start, .end = a->end,
                                .position = pos, .shift = a->shift,
                        };
                        cw->n_assignments++;
                }
        for (size_t c = 0; c < p->n_candidates; c++) {
                cand_work *cw = &w[c];

                qsort(cw->items, cw->n_items, sizeof(work), compare_work);
                for (size_t i = 0; i < cw->n_items; i++) {
                        const work *it = &cw->items[i];

                        if (it->day < 0 || it->day >= RS_DAYS_PER_WEEK)
                                continue;
                        cw->paid += rchk_paid_minutes(&p->rules, it->end - it->start);
                        if (!cw->on_day[it->day]) {
                                cw->on_day[it->day] = true;
                                cw->days++;
                        }
                }
        }
        return w;
}

static const char *work_label(const rs_problem *p, const work *it, char buf[static 160]) {
        char iv[64];

        format_interval(it->start, it->end, iv);
        if (it->commitment)
                snprintf(buf, 160, "%s (committed at %s)", iv, it->employer);
        else
                snprintf(buf, 160, "%s (%s/%s)", iv, emp_id(p, it->position), pos_id(p, it->position));
        return buf;
}

/* ---- hard rules -------------------------------------------------------- */

/* Rules 1, 2 and 3 for one assignment. */
static void check_assignment(ctx *c, size_t pos_i, const rs_assignment *a) {
        const rs_problem *p = c->p;
        const rs_position *pos = &p->positions[pos_i];
        const rs_shift *sh = &pos->shifts[a->shift];
        const rs_candidate *cand = &p->candidates[a->candidate];
        const char *cid = cand_id(p, a->candidate);
        int place = emp_place(p, pos_i);
        int len = a->end - a->start;
        char iv[64], d1[24], d2[24], iv2[64];
        long ms;

        format_interval(a->start, a->end, iv);

        if (!placed_at(cand, pos->employer))
                violation(c, "rule 1 placement: %s works %s at %s/%s, where not placed",
                          cid, iv, emp_id(p, pos_i), pos_id(p, pos_i));
        if (cand->language < pos->language)
                violation(c, "rule 1 language: %s (%s) works %s on %s/%s, which requires %s",
                          cid, level_name(cand->language), iv, emp_id(p, pos_i), pos_id(p, pos_i),
                          level_name(pos->language));
        ms = missing_skill(cand, pos);
        if (ms >= 0)
                violation(c, "rule 1 skill: %s lacks %s for %s/%s (works %s)",
                          cid, skill_name(p, pos->skills[ms]), emp_id(p, pos_i), pos_id(p, pos_i), iv);

        if (len <= 0)
                violation(c, "rule 3 grid: %s block %s on %s/%s is empty or reversed",
                          cid, iv, emp_id(p, pos_i), pos_id(p, pos_i));
        if (a->start < sh->start || a->end > sh->end)
                violation(c, "rule 3 grid: %s block %s on %s/%s is outside its shift %s",
                          cid, iv, emp_id(p, pos_i), pos_id(p, pos_i),
                          format_interval(sh->start, sh->end, iv2));
        if (!on_grid(sh, a->start) || !on_grid(sh, a->end))
                violation(c, "rule 3 grid: %s block %s on %s/%s does not start and end on the grid of shift %s",
                          cid, iv, emp_id(p, pos_i), pos_id(p, pos_i),
                          format_interval(sh->start, sh->end, iv2));
        if (len > 0 && len < pos->min_block && !(a->start == sh->start && a->end == sh->end))
                violation(c, "rule 3 min_block: %s block %s on %s/%s lasts %s < %s and is not the whole shift",
                          cid, iv, emp_id(p, pos_i), pos_id(p, pos_i),
                          format_duration(len, d1), format_duration(pos->min_block, d2));
        if (len > p->rules.max_shift)
                violation(c, "rule 3 max_shift: %s block %s on %s/%s lasts %s > %s",
                          cid, iv, emp_id(p, pos_i), pos_id(p, pos_i),
                          format_duration(len, d1), format_duration(p->rules.max_shift, d2));

        for (size_t k = 0; k < cand->n_classes; k++) {
                const rs_class_session *cl = &cand->classes[k];
                int t = rchk_travel(p, cl->place, place);

                if (overlaps(a->start, a->end, cl->start - t, cl->end + t))
                        violation(c, "rule 2 class: %s block %s on %s/%s overlaps class %s/%s %s widened by %s travel",
                                  cid, iv, emp_id(p, pos_i), pos_id(p, pos_i),
                                  cl->school ? cl->school : "?", cl->group ? cl->group : "?",
                                  format_interval(cl->start, cl->end, iv2), format_duration(t, d1));
        }
        for (size_t k = 0; k < cand->n_unavailable; k++) {
                const rs_unavailability *u = &cand->unavailable[k];

                if (overlaps(a->start, a->end, u->start, u->end))
                        violation(c, "rule 2 unavailable: %s block %s on %s/%s overlaps unavailability %s",
                                  cid, iv, emp_id(p, pos_i), pos_id(p, pos_i),
                                  format_interval(u->start, u->end, iv2));
        }
}

/* Rules 4 and 5 for one candidate's work, and rule 2's overlap with
 * commitments. Pairs made of two commitments are input, not the
 * solution's doing, and are not reported. */
static void check_candidate(ctx *c, size_t ci, const cand_work *cw) {
        const rs_problem *p = c->p;
        const rs_candidate *cand = &p->candidates[ci];
        const char *cid = cand_id(p, ci);
        int per_day[RS_DAYS_PER_WEEK] = {0};
        bool assigned_day[RS_DAYS_PER_WEEK] = {false};
        int cap;
        char l1[160], l2[160], d1[24], d2[24];

        if (cw->n_assignments == 0)
                return;

        for (size_t i = 0; i < cw->n_items; i++)
                for (size_t j = i + 1; j < cw->n_items; j++) {
                        const work *x = &cw->items[i], *y = &cw->items[j];

                        if (x->commitment && y->commitment)
                                continue;
                        if (overlaps(x->start, x->end, y->start, y->end))
                                violation(c, "%s: %s works %s and %s at once",
                                          x->commitment || y->commitment ? "rule 2 commitment" : "rule 4 overlap",
                                          cid, work_label(p, x, l1), work_label(p, y, l2));
                        if (x->day != y->day) {
                                const work *early = x->day < y->day ? x : y;
                                const work *late = x->day < y->day ? y : x;
                                int rest = late->start - early->end;

                                if (rest < p->rules.min_rest)
                                        violation(c, "rule 4 rest: %s %s -> %s is %s < %s",
                                                  cid, work_label(p, early, l1), work_label(p, late, l2),
                                                  format_duration(rest, d1),
                                                  format_duration(p->rules.min_rest, d2));
                        }
                }

        for (size_t i = 0; i < cw->n_items; i++) {
                const work *it = &cw->items[i];

                if (it->day < 0 || it->day >= RS_DAYS_PER_WEEK)
                        continue;
                per_day[it->day]++;
                if (!it->commitment)
                        assigned_day[it->day] = true;
        }
        for (int d = 0; d < RS_DAYS_PER_WEEK; d++)
                if (assigned_day[d] && per_day[d] > p->rules.max_blocks_per_day)
                        violation(c, "rule 4 blocks-per-day: %s has %d blocks on %s > %d",
                                  cid, per_day[d], day_names[d], p->rules.max_blocks_per_day);

        cap = cand->hours_max < p->rules.max_week ? cand->hours_max : p->rules.max_week;
        if (cw->paid > cap)
                violation(c, "rule 5 hours: %s is paid %s > %s (hours.max %s, max_week %s)",
                          cid, format_duration(cw->paid, d1), format_duration(cap, d2),
                          format_duration(cand->hours_max, l1), format_duration(p->rules.max_week, l2));
        if (cw->days > cand->max_days)
                violation(c, "rule 5 days: %s works %d days > max_days %d", cid, cw->days, cand->max_days);
}

/* Working people per segment of every shift of one position, from the
 * valid assignments: count[s][k] for the segment grid[k]..grid[k+1]. */
typedef struct seg_counts {
        int **count;
        size_t n_shifts;
} seg_counts;

static void seg_counts_done(seg_counts *sc) {
        for (size_t i = 0; i < sc->n_shifts; i++)
                free(sc->count[i]);
        free(sc->count);
        *sc = (seg_counts) {0};
}

static int seg_counts_build(const rs_problem *p, const rs_solution *s, size_t pos_i, seg_counts *ret) {
        const rs_position *pos = &p->positions[pos_i];
        seg_counts sc = {0};

        sc.count = calloc(pos->n_shifts ? pos->n_shifts : 1, sizeof(int *));
        if (!sc.count)
                return -ENOMEM;
        sc.n_shifts = pos->n_shifts;
        for (size_t i = 0; i < pos->n_shifts; i++) {
                size_t n = pos->shifts[i].n_grid > 1 ? pos->shifts[i].n_grid - 1 : 1;

                sc.count[i] = calloc(n, sizeof(int));
                if (!sc.count[i]) {
                        seg_counts_done(&sc);
                        return -ENOMEM;
                }
        }
        if (pos_i < s->n_positions)
                for (size_t i = 0; i < s->positions[pos_i].n_assignments; i++) {
                        const rs_assignment *a = &s->positions[pos_i].assignments[i];
                        const rs_shift *sh;

                        if (!assignment_valid(p, pos_i, a))
                                continue;
                        sh = &pos->shifts[a->shift];
                        for (size_t k = 0; k + 1 < sh->n_grid; k++)
                                if (sh->grid[k] >= a->start && sh->grid[k + 1] <= a->end)
                                        sc.count[a->shift][k]++;
                }
        *ret = sc;
        return 0;
}

/* Rules 6 and 7 for one position. */
static int check_position_rules(ctx *c, size_t pos_i) {
        const rs_problem *p = c->p;
        const rs_position *pos = &p->positions[pos_i];
        const rs_position_plan *plan = &c->s->positions[pos_i];
        seg_counts sc;
        size_t people = 0;
        bool *seen;
        int limit = pos->max_people * max_headcount(pos);
        char iv[64];
        int r;

        seen = calloc(p->n_candidates ? p->n_candidates : 1, sizeof(bool));
        if (!seen)
                return -ENOMEM;
        for (size_t i = 0; i < plan->n_assignments; i++) {
                const rs_assignment *a = &plan->assignments[i];

                if (assignment_valid(p, pos_i, a) && !seen[a->candidate]) {
                        seen[a->candidate] = true;
                        people++;
                }
        }
        free(seen);
        if ((long) people > (long) limit)
                violation(c, "rule 6 people: %s/%s has %zu distinct people > max_people %d x headcount %d",
                          emp_id(p, pos_i), pos_id(p, pos_i), people, pos->max_people, max_headcount(pos));

        r = seg_counts_build(p, c->s, pos_i, &sc);
        if (r < 0)
                return r;
        for (size_t si = 0; si < pos->n_shifts; si++) {
                const rs_shift *sh = &pos->shifts[si];

                for (size_t k = 0; k + 1 < sh->n_grid; k++)
                        if (sc.count[si][k] > sh->headcount)
                                violation(c, "rule 7 headcount: %s/%s %s has %d people > headcount %d",
                                          emp_id(p, pos_i), pos_id(p, pos_i),
                                          format_interval(sh->grid[k], sh->grid[k + 1], iv),
                                          sc.count[si][k], sh->headcount);
        }
        seg_counts_done(&sc);
        return 0;
}

static void check_indices(ctx *c) {
        const rs_problem *p = c->p;
        const rs_solution *s = c->s;

        if (s->n_positions != p->n_positions)
                violation(c, "claim positions: the solution has %zu position plans, the problem %zu positions",
                          s->n_positions, p->n_positions);
        for (size_t pos = 0; pos < n_plans(p, s); pos++)
                for (size_t i = 0; i < s->positions[pos].n_assignments; i++) {
                        const rs_assignment *a = &s->positions[pos].assignments[i];

                        if (a->shift >= p->positions[pos].n_shifts)
                                violation(c, "claim index: %s/%s assignment %zu names shift %zu of %zu",
                                          emp_id(p, pos), pos_id(p, pos), i, a->shift,
                                          p->positions[pos].n_shifts);
                        if (a->candidate >= p->n_candidates)
                                violation(c, "claim index: %s/%s assignment %zu names candidate %zu of %zu",
                                          emp_id(p, pos), pos_id(p, pos), i, a->candidate, p->n_candidates);
                }
}

static int check_rules(ctx *c, cand_work *w) {
        const rs_problem *p = c->p;
        const rs_solution *s = c->s;

        check_indices(c);
        for (size_t pos = 0; pos < n_plans(p, s); pos++)
                for (size_t i = 0; i < s->positions[pos].n_assignments; i++) {
                        const rs_assignment *a = &s->positions[pos].assignments[i];

                        if (assignment_valid(p, pos, a))
                                check_assignment(c, pos, a);
                }
        for (size_t ci = 0; ci < p->n_candidates; ci++)
                check_candidate(c, ci, &w[ci]);
        for (size_t pos = 0; pos < n_plans(p, s); pos++) {
                int r = check_position_rules(c, pos);

                if (r < 0)
                        return r;
        }
        return 0;
}

int rchk_check_roster(const rs_problem *problem, const rs_solution *solution, rchk_report *report) {
        ctx c = {.p = problem, .s = solution, .report = report};
        cand_work *w;
        int r;

        w = collect_work(problem, solution);
        if (!w)
                return -ENOMEM;
        r = check_rules(&c, w);
        cand_work_free(w, problem->n_candidates);
        if (r < 0)
                return r;
        return c.found;
}

/* ---- goals ------------------------------------------------------------- */

static int compute_goals(const rs_problem *p, const rs_solution *s, const cand_work *w,
                         double goals[static _RS_GOAL_MAX]) {
        double g[_RS_GOAL_MAX] = {0};
        bool *seen;

        seen = calloc(p->n_candidates ? p->n_candidates : 1, sizeof(bool));
        if (!seen)
                return -ENOMEM;

        for (size_t pos_i = 0; pos_i < p->n_positions; pos_i++) {
                const rs_position *pos = &p->positions[pos_i];
                const rs_position_plan *plan = pos_i < s->n_positions ? &s->positions[pos_i] : NULL;
                seg_counts sc;
                int r;

                r = seg_counts_build(p, s, pos_i, &sc);
                if (r < 0) {
                        free(seen);
                        return r;
                }
                for (size_t si = 0; si < pos->n_shifts; si++) {
                        const rs_shift *sh = &pos->shifts[si];

                        for (size_t k = 0; k + 1 < sh->n_grid; k++) {
                                int working = sc.count[si][k] < sh->headcount ? sc.count[si][k] : sh->headcount;

                                g[RS_GOAL_COVERAGE] += pos->priority *
                                        (double) (sh->headcount - working) * (sh->grid[k + 1] - sh->grid[k]);
                        }
                        /* §10.10: at each interior grid point, min(ending, starting). */
                        for (size_t k = 1; k + 1 < sh->n_grid; k++) {
                                int ending = 0, starting = 0;

                                for (size_t i = 0; plan && i < plan->n_assignments; i++) {
                                        const rs_assignment *a = &plan->assignments[i];

                                        if (!assignment_valid(p, pos_i, a) || a->shift != si)
                                                continue;
                                        ending += a->end == sh->grid[k];
                                        starting += a->start == sh->grid[k];
                                }
                                g[RS_GOAL_HANDOVERS] += ending < starting ? ending : starting;
                        }
                }
                seg_counts_done(&sc);

                memset(seen, 0, (p->n_candidates ? p->n_candidates : 1) * sizeof(bool));
                for (size_t i = 0; plan && i < plan->n_assignments; i++) {
                        const rs_assignment *a = &plan->assignments[i];

                        if (assignment_valid(p, pos_i, a) && !seen[a->candidate]) {
                                seen[a->candidate] = true;
                                g[RS_GOAL_PEOPLE] += 1;
                        }
                }
        }
        free(seen);

        if (p->has_approved)
                for (size_t i = 0; i < p->n_approved; i++) {
                        const rs_approved_block *ab = &p->approved[i];
                        int kept = 0;

                        if (ab->position < p->n_positions && ab->position < s->n_positions)
                                for (size_t k = 0; k < s->positions[ab->position].n_assignments; k++) {
                                        const rs_assignment *a = &s->positions[ab->position].assignments[k];

                                        if (assignment_valid(p, ab->position, a) && a->candidate == ab->candidate)
                                                kept += intersection(a->start, a->end, ab->start, ab->end);
                                }
                        if (ab->end - ab->start > kept)
                                g[RS_GOAL_STABILITY] += ab->end - ab->start - kept;
                }

        for (size_t ci = 0; ci < p->n_candidates; ci++) {
                const rs_candidate *cand = &p->candidates[ci];

                if (cand->hours_min > w[ci].paid)
                        g[RS_GOAL_SHORTFALL_MIN] += cand->hours_min - w[ci].paid;
                if (cand->hours_target > w[ci].paid)
                        g[RS_GOAL_SHORTFALL_TARGET] += cand->hours_target - w[ci].paid;
        }
        memcpy(goals, g, sizeof(g));
        return 0;
}

int rchk_goals(const rs_problem *problem, const rs_solution *solution, double ret_goals[static _RS_GOAL_MAX]) {
        cand_work *w;
        int r;

        w = collect_work(problem, solution);
        if (!w)
                return -ENOMEM;
        r = compute_goals(problem, solution, w, ret_goals);
        cand_work_free(w, problem->n_candidates);
        return r;
}

/* ---- claims ------------------------------------------------------------- */

static int compare_size(const void *a, const void *b) {
        size_t x = *(const size_t *) a, y = *(const size_t *) b;

        return x < y ? -1 : x > y;
}

static void check_order(ctx *c, size_t pos_i) {
        const rs_problem *p = c->p;
        const rs_position_plan *plan = &c->s->positions[pos_i];

        for (size_t i = 1; i < plan->n_assignments; i++) {
                const rs_assignment *a = &plan->assignments[i - 1], *b = &plan->assignments[i];
                bool ok = a->shift < b->shift ||
                          (a->shift == b->shift && (a->start < b->start ||
                                                    (a->start == b->start && a->candidate <= b->candidate)));

                if (!ok) {
                        violation(c, "claim order: %s/%s assignments %zu and %zu are not sorted by (shift, start, candidate)",
                                  emp_id(p, pos_i), pos_id(p, pos_i), i - 1, i);
                        break;
                }
        }
        for (size_t i = 1; i < plan->n_uncovered; i++) {
                const rs_uncovered *a = &plan->uncovered[i - 1], *b = &plan->uncovered[i];

                if (a->shift > b->shift || (a->shift == b->shift && a->start >= b->start)) {
                        violation(c, "claim order: %s/%s uncovered %zu and %zu are not sorted by (shift, start)",
                                  emp_id(p, pos_i), pos_id(p, pos_i), i - 1, i);
                        break;
                }
        }
        for (size_t i = 1; i < plan->n_people; i++)
                if (plan->people[i - 1] >= plan->people[i]) {
                        violation(c, "claim order: %s/%s people are not strictly ascending at %zu",
                                  emp_id(p, pos_i), pos_id(p, pos_i), i);
                        break;
                }
}

static int check_people_claim(ctx *c, size_t pos_i) {
        const rs_problem *p = c->p;
        const rs_position_plan *plan = &c->s->positions[pos_i];
        size_t *real, *claimed;
        size_t n_real = 0;
        bool differ;

        real = calloc(plan->n_assignments + 1, sizeof(size_t));
        claimed = calloc(plan->n_people + 1, sizeof(size_t));
        if (!real || !claimed) {
                free(real);
                free(claimed);
                return -ENOMEM;
        }
        for (size_t i = 0; i < plan->n_assignments; i++)
                real[n_real++] = plan->assignments[i].candidate;
        qsort(real, n_real, sizeof(size_t), compare_size);
        {
                size_t u = 0;

                for (size_t i = 0; i < n_real; i++)
                        if (u == 0 || real[u - 1] != real[i])
                                real[u++] = real[i];
                n_real = u;
        }
        if (plan->n_people)
                memcpy(claimed, plan->people, plan->n_people * sizeof(size_t));
        qsort(claimed, plan->n_people, sizeof(size_t), compare_size);
        differ = n_real != plan->n_people ||
                 (n_real && memcmp(real, claimed, n_real * sizeof(size_t)) != 0);
        if (differ)
                violation(c, "claim people: %s/%s lists %zu people, the assignments have %zu distinct candidates",
                          emp_id(p, pos_i), pos_id(p, pos_i), plan->n_people, n_real);
        free(real);
        free(claimed);
        return 0;
}

/* The uncovered entries of one shift against the real shortfall, minute
 * by minute: every short minute is claimed exactly once, with the right
 * number missing, and nothing else is claimed. */
static int check_uncovered_shift(ctx *c, size_t pos_i, size_t si, const seg_counts *sc) {
        const rs_problem *p = c->p;
        const rs_shift *sh = &p->positions[pos_i].shifts[si];
        const rs_position_plan *plan = &c->s->positions[pos_i];
        int len = sh->end - sh->start;
        int *missing, *claimed;
        char iv[64];

        if (len <= 0)
                return 0;
        missing = calloc((size_t) len, sizeof(int));
        claimed = calloc((size_t) len, sizeof(int));
        if (!missing || !claimed) {
                free(missing);
                free(claimed);
                return -ENOMEM;
        }
        for (size_t k = 0; k + 1 < sh->n_grid; k++) {
                int working = sc->count[si][k] < sh->headcount ? sc->count[si][k] : sh->headcount;

                for (int t = sh->grid[k]; t < sh->grid[k + 1]; t++)
                        if (t >= sh->start && t < sh->end)
                                missing[t - sh->start] = sh->headcount - working;
        }
        for (size_t u = 0; u < plan->n_uncovered; u++) {
                const rs_uncovered *un = &plan->uncovered[u];
                bool overlap = false, wrong = false;

                if (un->shift != si)
                        continue;
                format_interval(un->start, un->end, iv);
                if (un->start >= un->end || un->start < sh->start || un->end > sh->end) {
                        violation(c, "claim uncovered: %s/%s %s is empty or not inside its shift",
                                  emp_id(p, pos_i), pos_id(p, pos_i), iv);
                        continue;
                }
                if (un->missing < 1 || un->missing > sh->headcount)
                        violation(c, "claim uncovered: %s/%s %s says %d missing of headcount %d",
                                  emp_id(p, pos_i), pos_id(p, pos_i), iv, un->missing, sh->headcount);
                for (int t = un->start; t < un->end; t++) {
                        int m = t - sh->start;

                        if (claimed[m])
                                overlap = true;
                        claimed[m] = 1;
                        if (missing[m] != un->missing && !wrong) {
                                char at[24];

                                wrong = true;
                                violation(c, "claim uncovered: %s/%s %s says %d missing, at %s %d are",
                                          emp_id(p, pos_i), pos_id(p, pos_i), iv, un->missing,
                                          rchk_format_time(t, at), missing[m]);
                        }
                }
                if (overlap)
                        violation(c, "claim uncovered: %s/%s %s overlaps another uncovered entry",
                                  emp_id(p, pos_i), pos_id(p, pos_i), iv);
        }
        for (int m = 0; m < len; m++) {
                int from = m;

                if (missing[m] == 0 || claimed[m])
                        continue;
                while (m + 1 < len && missing[m + 1] > 0 && !claimed[m + 1])
                        m++;
                violation(c, "claim uncovered: %s/%s %s is short of people but not reported",
                          emp_id(p, pos_i), pos_id(p, pos_i),
                          format_interval(sh->start + from, sh->start + m + 1, iv));
        }
        free(missing);
        free(claimed);
        return 0;
}

static int work_paid_max_in_gap(const rs_problem *p, const rs_position *pos, const rs_shift *sh,
                                int gap_start, int gap_end) {
        int best = -1;

        for (size_t i = 0; i < sh->n_grid; i++)
                for (size_t j = i + 1; j < sh->n_grid; j++) {
                        int len = sh->grid[j] - sh->grid[i];
                        bool whole = i == 0 && j + 1 == sh->n_grid;

                        if (!overlaps(sh->grid[i], sh->grid[j], gap_start, gap_end))
                                continue;
                        if ((len < pos->min_block && !whole) || len > p->rules.max_shift)
                                continue;
                        if (rchk_paid_minutes(&p->rules, len) > best)
                                best = rchk_paid_minutes(&p->rules, len);
                }
        return best;
}

/* ---- why-lists: the grid reason and completeness ---------------------- */

/* One uncovered entry as the candidates see it: the gap [start, end) of
 * shift @sh of position @pos_i, the people working each segment of that
 * shift in the solution (count[k] for grid[k]..grid[k + 1]) and who works
 * on the position at all (from the assignments, not the people claim). */
typedef struct gap {
        size_t pos_i;
        const rs_position *pos;
        const rs_shift *sh;
        int start;
        int end;
        const int *count;
        const bool *member;             /* per candidate */
        size_t people;
} gap;

static int hours_left(const rs_problem *p, size_t ci, const cand_work *cw) {
        const rs_candidate *cand = &p->candidates[ci];
        int cap = cand->hours_max < p->rules.max_week ? cand->hours_max : p->rules.max_week;

        return cap - cw->paid;
}

static bool week_day(int day) {
        return day >= 0 && day < RS_DAYS_PER_WEEK;
}

/* May grid[i]..grid[j] of @sh be a block at all (rule 3, §10.1-10.3)?
 * Shorter than min_block only when it is the whole shift. */
static bool grid_block(const rs_problem *p, const rs_position *pos, const rs_shift *sh, size_t i, size_t j) {
        int len = sh->grid[j] - sh->grid[i];
        bool whole = sh->grid[i] == sh->start && sh->grid[j] == sh->end;

        return len > 0 && (len >= pos->min_block || whole) && len <= p->rules.max_shift;
}

/* Could @ci, who is placed there and meets the language and skills (rule
 * 1, the caller's), work grid[i]..grid[j] of the gap's shift on top of the
 * roster as it stands? Rules 2, 4, 5, 6 and 7 against everything the
 * candidate already works, commitments included. */
static bool block_fits(const ctx *c, const gap *g, size_t ci, const cand_work *cw, size_t i, size_t j) {
        const rs_problem *p = c->p;
        const rs_candidate *cand = &p->candidates[ci];
        const rs_shift *sh = g->sh;
        int bs = sh->grid[i], be = sh->grid[j];
        int place = emp_place(p, g->pos_i);
        int that_day = 0;

        if (rchk_paid_minutes(&p->rules, be - bs) > hours_left(p, ci, cw))
                return false;
        if (week_day(sh->day) && !cw->on_day[sh->day] && cw->days >= cand->max_days)
                return false;
        if (!g->member[ci] && (long) g->people >= (long) g->pos->max_people * max_headcount(g->pos))
                return false;
        for (size_t k = i; k < j; k++)
                if (g->count[k] >= sh->headcount)
                        return false;
        for (size_t k = 0; k < cand->n_classes; k++) {
                const rs_class_session *cl = &cand->classes[k];
                int t = rchk_travel(p, cl->place, place);

                if (overlaps(bs, be, cl->start - t, cl->end + t))
                        return false;
        }
        for (size_t k = 0; k < cand->n_unavailable; k++)
                if (overlaps(bs, be, cand->unavailable[k].start, cand->unavailable[k].end))
                        return false;
        for (size_t k = 0; k < cw->n_items; k++) {
                const work *it = &cw->items[k];

                if (overlaps(bs, be, it->start, it->end))
                        return false;
                if (it->day == sh->day)
                        that_day++;
                else if (it->day < sh->day ? bs - it->end < p->rules.min_rest
                                           : it->start - be < p->rules.min_rest)
                        return false;
        }
        return that_day < p->rules.max_blocks_per_day;
}

/* Finds a block on the gap's shift that meets the gap and that @ci could
 * take (block_fits()); its ends go to *ret_start and *ret_end. */
static bool fitting_block(const ctx *c, const gap *g, size_t ci, const cand_work *cw, int *ret_start, int *ret_end) {
        const rs_shift *sh = g->sh;

        for (size_t i = 0; i < sh->n_grid; i++)
                for (size_t j = i + 1; j < sh->n_grid; j++) {
                        if (!overlaps(sh->grid[i], sh->grid[j], g->start, g->end) ||
                            !grid_block(c->p, g->pos, sh, i, j) || !block_fits(c, g, ci, cw, i, j))
                                continue;
                        *ret_start = sh->grid[i];
                        *ret_end = sh->grid[j];
                        return true;
                }
        return false;
}

/* Does @reason hold for @ci over the whole gap? Each code as
 * docs/solver.md ("Explanations") defines it for the time of the gap;
 * the SPEC (§4, §10.18) only names them. `grid` holds when no block
 * meeting the gap fits. */
static bool reason_holds(const ctx *c, const gap *g, size_t ci, const cand_work *cw, rs_reason reason) {
        const rs_problem *p = c->p;
        const rs_candidate *cand = &p->candidates[ci];
        const rs_shift *sh = g->sh;
        int that_day = 0, bs, be;

        switch (reason) {
        case RS_REASON_NOT_PLACED:
                return !placed_at(cand, g->pos->employer);
        case RS_REASON_LANGUAGE:
                return cand->language < g->pos->language;
        case RS_REASON_SKILL:
                return missing_skill(cand, g->pos) >= 0;
        case RS_REASON_CLASS:
                for (size_t k = 0; k < cand->n_classes; k++) {
                        const rs_class_session *cl = &cand->classes[k];
                        int t = rchk_travel(p, cl->place, emp_place(p, g->pos_i));

                        if (overlaps(g->start, g->end, cl->start - t, cl->end + t))
                                return true;
                }
                return false;
        case RS_REASON_UNAVAILABLE:
                for (size_t k = 0; k < cand->n_unavailable; k++)
                        if (overlaps(g->start, g->end, cand->unavailable[k].start, cand->unavailable[k].end))
                                return true;
                return false;
        case RS_REASON_BUSY:
                for (size_t k = 0; k < cw->n_items; k++) {
                        if (overlaps(g->start, g->end, cw->items[k].start, cw->items[k].end))
                                return true;
                        that_day += cw->items[k].day == sh->day;
                }
                return that_day >= p->rules.max_blocks_per_day;
        case RS_REASON_REST:
                for (size_t k = 0; k < cw->n_items; k++) {
                        const work *it = &cw->items[k];

                        if (it->day < sh->day && g->start - it->end < p->rules.min_rest)
                                return true;
                        if (it->day > sh->day && it->start - g->end < p->rules.min_rest)
                                return true;
                }
                return false;
        case RS_REASON_HOURS_CAP: {
                int left = hours_left(p, ci, cw);
                bool any = false;

                /* Some block meets the gap, and every one pays more than
                 * what is left. */
                for (size_t i = 0; i < sh->n_grid; i++)
                        for (size_t j = i + 1; j < sh->n_grid; j++) {
                                if (!overlaps(sh->grid[i], sh->grid[j], g->start, g->end) ||
                                    !grid_block(p, g->pos, sh, i, j))
                                        continue;
                                if (rchk_paid_minutes(&p->rules, sh->grid[j] - sh->grid[i]) <= left)
                                        return false;
                                any = true;
                        }
                return any;
        }
        case RS_REASON_DAY_CAP:
                return week_day(sh->day) && !cw->on_day[sh->day] && cw->days >= cand->max_days;
        case RS_REASON_PEOPLE_LIMIT:
                return !g->member[ci] && (long) g->people >= (long) g->pos->max_people * max_headcount(g->pos);
        case RS_REASON_GRID:
                return !fitting_block(c, g, ci, cw, &bs, &be);
        default:
                return false;
        }
}

static bool coverage_proven(const rs_solution *s) {
        return s->status == RS_STATUS_OPTIMAL ||
               (s->goals[RS_GOAL_COVERAGE].solved && s->goals[RS_GOAL_COVERAGE].proven);
}

/* A `grid` reason: every reason before it must fail and no block meeting
 * the gap may fit. */
static void check_why_grid(ctx *c, const gap *g, const char *iv, size_t ci, const cand_work *cw) {
        const rs_problem *p = c->p;
        char biv[64];
        int bs, be;

        for (rs_reason r = RS_REASON_NOT_PLACED; r < RS_REASON_GRID; r++)
                if (reason_holds(c, g, ci, cw, r)) {
                        violation(c, "claim why: %s/%s %s gives %s grid, but %s holds, which is tested first",
                                  emp_id(p, g->pos_i), pos_id(p, g->pos_i), iv, cand_id(p, ci), reason_names[r]);
                        return;
                }
        if (fitting_block(c, g, ci, cw, &bs, &be))
                violation(c, "claim why: %s/%s %s gives %s grid, but the block %s fits",
                          emp_id(p, g->pos_i), pos_id(p, g->pos_i), iv, cand_id(p, ci),
                          format_interval(bs, be, biv));
}

/* Would @ci, not placed at the gap's employer, have covered part of the
 * gap had they been placed there? Only then are they listed, as
 * not-placed (docs/solver.md, "Explanations"): none of the reasons from
 * class to people-limit holds and a block meeting the gap fits. The
 * reason that stops them goes to *ret_stop (_RS_REASON_MAX when it is
 * that no block fits). */
static bool could_help(const ctx *c, const gap *g, size_t ci, const cand_work *cw, rs_reason *ret_stop) {
        int bs, be;

        for (rs_reason r = RS_REASON_CLASS; r < RS_REASON_GRID; r++)
                if (reason_holds(c, g, ci, cw, r)) {
                        *ret_stop = r;
                        return false;
                }
        *ret_stop = _RS_REASON_MAX;
        return fitting_block(c, g, ci, cw, &bs, &be);
}

/* Completeness of the why-list of one entry (docs/solver.md,
 * "Explanations"): it names everyone placed at the employer (or placed
 * anywhere), and everyone not placed there who meets the language and
 * skills and could have covered part of the gap (could_help(), as
 * not-placed). A placed candidate may be left out only when
 * coverage is not proven and the candidate could have covered part of
 * the gap, which the checker must be able to show with a block of its
 * own. When coverage is proven, nobody may be able to take such a block
 * at all: the block would cover more and contradict the proof. @listed
 * is scratch space of one bool per candidate. */
static void check_why_complete(ctx *c, const gap *g, const rs_uncovered *un, const cand_work *w, bool *listed) {
        const rs_problem *p = c->p;
        bool proven = coverage_proven(c->s);
        char iv[64], biv[64];

        format_interval(un->start, un->end, iv);
        memset(listed, 0, p->n_candidates * sizeof(bool));
        for (size_t k = 0; k < un->n_why; k++)
                if (un->why[k].candidate < p->n_candidates)
                        listed[un->why[k].candidate] = true;

        for (size_t ci = 0; ci < p->n_candidates; ci++) {
                const rs_candidate *cand = &p->candidates[ci];
                bool placed = placed_at(cand, g->pos->employer);
                bool meets = cand->language >= g->pos->language && missing_skill(cand, g->pos) < 0;
                bool fits = false;
                int bs = 0, be = 0;

                if (!placed && !meets)
                        continue;
                if (placed && meets)
                        fits = fitting_block(c, g, ci, &w[ci], &bs, &be);
                if (fits && proven)
                        violation(c, "claim coverage: %s/%s %s stays uncovered, yet %s could work %s on top of the roster and coverage is claimed proven",
                                  emp_id(p, g->pos_i), pos_id(p, g->pos_i), iv, cand_id(p, ci),
                                  format_interval(bs, be, biv));
                if (listed[ci] || (fits && !proven))
                        continue;
                if (!placed) {
                        rs_reason stop;

                        if (could_help(c, g, ci, &w[ci], &stop))
                                violation(c, "claim why: %s/%s %s omits %s (not placed there, but meets language and skills and could have covered part of it: not-placed)",
                                          emp_id(p, g->pos_i), pos_id(p, g->pos_i), iv, cand_id(p, ci));
                } else if (proven)
                        violation(c, "claim why: %s/%s %s omits %s (placed there; coverage is proven, so nobody placed there may be left out)",
                                  emp_id(p, g->pos_i), pos_id(p, g->pos_i), iv, cand_id(p, ci));
                else
                        violation(c, "claim why: %s/%s %s omits %s (placed there, and no block meeting the gap fits: a reason is owed)",
                                  emp_id(p, g->pos_i), pos_id(p, g->pos_i), iv, cand_id(p, ci));
        }
}

/* Is @why plausible and, where cheaply checkable, true? The static
 * reasons are tested in the enum's order (solution.h), so a later reason
 * also says the earlier static ones do not hold. `grid` is checked in
 * full (check_why_grid()) when @g is set, i.e. the entry lies inside its
 * shift. */
static void check_why(ctx *c, size_t pos_i, const gap *g, const rs_uncovered *un, const rs_why *why,
                      const cand_work *w) {
        const rs_problem *p = c->p;
        const rs_position *pos = &p->positions[pos_i];
        const rs_shift *sh = &pos->shifts[un->shift];
        const rs_candidate *cand;
        const cand_work *cw;
        const char *cid;
        bool placed, lang_ok, skills_ok, ok = true;
        char iv[64], what_buf[128];
        const char *what = "";

        format_interval(un->start, un->end, iv);
        if (why->candidate >= p->n_candidates) {
                violation(c, "claim why: %s/%s %s names candidate %zu of %zu",
                          emp_id(p, pos_i), pos_id(p, pos_i), iv, why->candidate, p->n_candidates);
                return;
        }
        if ((int) why->reason < 0 || why->reason >= _RS_REASON_MAX) {
                violation(c, "claim why: %s/%s %s gives reason %d", emp_id(p, pos_i), pos_id(p, pos_i),
                          iv, (int) why->reason);
                return;
        }
        cand = &p->candidates[why->candidate];
        cw = &w[why->candidate];
        cid = cand_id(p, why->candidate);
        placed = placed_at(cand, pos->employer);
        lang_ok = cand->language >= pos->language;
        skills_ok = missing_skill(cand, pos) < 0;

        if (why->reason > RS_REASON_NOT_PLACED && !placed) {
                ok = false;
                what = "the candidate is not placed there, which is tested first";
        } else if (why->reason > RS_REASON_LANGUAGE && !lang_ok) {
                ok = false;
                what = "the candidate's language is below the requirement, which is tested first";
        } else if (why->reason > RS_REASON_SKILL && !skills_ok) {
                ok = false;
                what = "the candidate lacks a skill, which is tested first";
        }

        if (ok)
                switch (why->reason) {
                case RS_REASON_NOT_PLACED: {
                        rs_reason stop;

                        ok = !placed;
                        what = "the candidate is placed there";
                        if (ok && (!lang_ok || !skills_ok)) {
                                ok = false;
                                what = "the candidate does not meet the language and skills, so could not have helped";
                        } else if (ok && g && !could_help(c, g, why->candidate, cw, &stop)) {
                                ok = false;
                                if (stop == _RS_REASON_MAX)
                                        what = "no block meeting the gap fits the candidate, so placing them would not have helped";
                                else {
                                        snprintf(what_buf, sizeof what_buf,
                                                 "%s holds for the candidate, so placing them would not have helped",
                                                 reason_names[stop]);
                                        what = what_buf;
                                }
                        }
                        break;
                }
                case RS_REASON_LANGUAGE:
                        ok = !lang_ok;
                        what = "the candidate meets the language requirement";
                        break;
                case RS_REASON_SKILL:
                        ok = !skills_ok;
                        what = "the candidate has every required skill";
                        break;
                case RS_REASON_CLASS:
                        ok = false;
                        for (size_t k = 0; k < cand->n_classes && !ok; k++) {
                                const rs_class_session *cl = &cand->classes[k];
                                int t = rchk_travel(p, cl->place, emp_place(p, pos_i));

                                ok = overlaps(cl->start - t, cl->end + t, sh->start, sh->end);
                        }
                        what = "no class of the candidate, widened by travel, touches the shift";
                        break;
                case RS_REASON_UNAVAILABLE:
                        ok = false;
                        for (size_t k = 0; k < cand->n_unavailable && !ok; k++)
                                ok = overlaps(cand->unavailable[k].start, cand->unavailable[k].end,
                                              sh->start, sh->end);
                        what = "no unavailability of the candidate touches the shift";
                        break;
                case RS_REASON_BUSY:
                        ok = false;
                        for (size_t k = 0; k < cw->n_items && !ok; k++)
                                ok = cw->items[k].day == sh->day ||
                                     overlaps(cw->items[k].start, cw->items[k].end, sh->start, sh->end);
                        what = "the candidate has no other work that day or at that time";
                        break;
                case RS_REASON_REST:
                        ok = false;
                        for (size_t k = 0; k < cw->n_items && !ok; k++) {
                                const work *it = &cw->items[k];

                                if (it->day < sh->day)
                                        ok = sh->start - it->end < p->rules.min_rest;
                                else if (it->day > sh->day)
                                        ok = it->start - sh->end < p->rules.min_rest;
                        }
                        what = "no work on another day comes within min_rest of the shift";
                        break;
                case RS_REASON_HOURS_CAP: {
                        int cap = cand->hours_max < p->rules.max_week ? cand->hours_max : p->rules.max_week;

                        ok = work_paid_max_in_gap(p, pos, sh, un->start, un->end) > cap - cw->paid;
                        what = "the remaining hours fit every block covering the gap";
                        break;
                }
                case RS_REASON_DAY_CAP:
                        ok = !cw->on_day[sh->day] && cw->days >= cand->max_days;
                        what = "the candidate has days left or already works that day";
                        break;
                case RS_REASON_PEOPLE_LIMIT: {
                        const rs_position_plan *plan = &c->s->positions[pos_i];
                        bool member = false;

                        for (size_t k = 0; k < plan->n_people; k++)
                                member |= plan->people[k] == why->candidate;
                        ok = !member && (long) plan->n_people >= (long) pos->max_people * max_headcount(pos);
                        what = "the position is below its people limit or the candidate is one of them";
                        break;
                }
                case RS_REASON_GRID:
                        /* Checked fully below, with its own message. */
                        if (g)
                                check_why_grid(c, g, iv, why->candidate, cw);
                        break;
                default:
                        break;
                }
        if (!ok)
                violation(c, "claim why: %s/%s %s gives %s %s, but %s",
                          emp_id(p, pos_i), pos_id(p, pos_i), iv, cid, reason_names[why->reason], what);
}

/* Who works on position @pos_i, from the assignments: member[ci] and the
 * number of distinct people in *ret_people. */
static void position_members(const rs_problem *p, const rs_solution *s, size_t pos_i, bool *member,
                             size_t *ret_people) {
        size_t people = 0;

        memset(member, 0, p->n_candidates * sizeof(bool));
        for (size_t i = 0; i < s->positions[pos_i].n_assignments; i++) {
                const rs_assignment *a = &s->positions[pos_i].assignments[i];

                if (assignment_valid(p, pos_i, a) && !member[a->candidate]) {
                        member[a->candidate] = true;
                        people++;
                }
        }
        *ret_people = people;
}

static int check_position_claims(ctx *c, size_t pos_i, const cand_work *w) {
        const rs_problem *p = c->p;
        const rs_position *pos = &p->positions[pos_i];
        const rs_position_plan *plan = &c->s->positions[pos_i];
        long required = 0, covered = 0;
        bool *member = NULL, *listed = NULL;
        size_t people = 0;
        seg_counts sc;
        int r;

        check_order(c, pos_i);
        r = check_people_claim(c, pos_i);
        if (r < 0)
                return r;
        r = seg_counts_build(p, c->s, pos_i, &sc);
        if (r < 0)
                return r;
        for (size_t si = 0; si < pos->n_shifts; si++) {
                const rs_shift *sh = &pos->shifts[si];

                required += (long) sh->headcount * (sh->end - sh->start);
                for (size_t k = 0; k + 1 < sh->n_grid; k++) {
                        int working = sc.count[si][k] < sh->headcount ? sc.count[si][k] : sh->headcount;

                        covered += (long) working * (sh->grid[k + 1] - sh->grid[k]);
                }
                r = check_uncovered_shift(c, pos_i, si, &sc);
                if (r < 0)
                        goto out;
        }
        if (plan->required_minutes != required)
                violation(c, "claim required: %s/%s says %ld minutes, is %ld",
                          emp_id(p, pos_i), pos_id(p, pos_i), plan->required_minutes, required);
        if (plan->covered_minutes != covered)
                violation(c, "claim covered: %s/%s says %ld minutes, is %ld",
                          emp_id(p, pos_i), pos_id(p, pos_i), plan->covered_minutes, covered);

        member = calloc(p->n_candidates ? p->n_candidates : 1, sizeof(bool));
        listed = calloc(p->n_candidates ? p->n_candidates : 1, sizeof(bool));
        if (!member || !listed) {
                r = -ENOMEM;
                goto out;
        }
        position_members(p, c->s, pos_i, member, &people);

        for (size_t u = 0; u < plan->n_uncovered; u++) {
                const rs_uncovered *un = &plan->uncovered[u];
                const rs_shift *sh;
                gap g;
                bool valid;
                char iv[64];

                if (un->shift >= pos->n_shifts) {
                        violation(c, "claim uncovered: %s/%s entry %zu names shift %zu of %zu",
                                  emp_id(p, pos_i), pos_id(p, pos_i), u, un->shift, pos->n_shifts);
                        continue;
                }
                sh = &pos->shifts[un->shift];
                /* An entry outside its shift is reported above; its
                 * why-list cannot be judged against the grid. */
                valid = un->start < un->end && un->start >= sh->start && un->end <= sh->end;
                g = (gap) {
                        .pos_i = pos_i, .pos = pos, .sh = sh, .start = un->start, .end = un->end,
                        .count = sc.count[un->shift], .member = member, .people = people,
                };
                for (size_t k = 0; k < un->n_why; k++) {
                        if (k > 0 && un->why[k - 1].candidate >= un->why[k].candidate) {
                                violation(c, "claim order: %s/%s %s why-list is not strictly ascending by candidate",
                                          emp_id(p, pos_i), pos_id(p, pos_i),
                                          format_interval(un->start, un->end, iv));
                                break;
                        }
                }
                for (size_t k = 0; k < un->n_why; k++)
                        check_why(c, pos_i, valid ? &g : NULL, un, &un->why[k], w);
                if (valid)
                        check_why_complete(c, &g, un, w, listed);
        }
        r = 0;
out:
        free(member);
        free(listed);
        seg_counts_done(&sc);
        return r;
}

static void check_totals(ctx *c, const cand_work *w) {
        const rs_problem *p = c->p;
        const rs_solution *s = c->s;

        if (s->n_candidates != p->n_candidates) {
                violation(c, "claim totals: the solution has %zu candidate totals, the problem %zu candidates",
                          s->n_candidates, p->n_candidates);
                return;
        }
        for (size_t ci = 0; ci < p->n_candidates; ci++) {
                if (s->candidates[ci].paid_minutes != w[ci].paid)
                        violation(c, "claim totals: %s paid_minutes says %d, is %d",
                                  cand_id(p, ci), s->candidates[ci].paid_minutes, w[ci].paid);
                if (s->candidates[ci].days != w[ci].days)
                        violation(c, "claim totals: %s days says %d, is %d",
                                  cand_id(p, ci), s->candidates[ci].days, w[ci].days);
        }
}

static void check_status_and_goals(ctx *c, const double goals[static _RS_GOAL_MAX]) {
        const rs_problem *p = c->p;
        const rs_solution *s = c->s;

        if ((int) s->status < 0 || s->status >= _RS_STATUS_MAX) {
                violation(c, "claim status: %d is no status", (int) s->status);
                return;
        }
        for (int g = 0; g < _RS_GOAL_MAX; g++) {
                const rs_goal_result *gr = &s->goals[g];
                bool applies = g != RS_GOAL_STABILITY || p->has_approved;

                if (s->status == RS_STATUS_OPTIMAL && applies && !(gr->solved && gr->proven))
                        violation(c, "claim goal %s: status optimal but the goal is %s",
                                  goal_names[g], gr->solved ? "not proven" : "not solved");
                if (!gr->solved)
                        continue;
                if (!same_value(gr->value, goals[g]))
                        violation(c, "claim goal %s: says %.6f, is %.6f", goal_names[g], gr->value, goals[g]);
                if (gr->proven && (!same_value(gr->bound, gr->value) || fabs(gr->gap) > 1e-9))
                        violation(c, "claim goal %s: proven, but bound %.6f and gap %g differ from value %.6f",
                                  goal_names[g], gr->bound, gr->gap, gr->value);
                if (gr->bound > gr->value + 1e-6 * (fabs(gr->value) > 1 ? fabs(gr->value) : 1))
                        violation(c, "claim goal %s: bound %.6f is above the value %.6f of a minimisation",
                                  goal_names[g], gr->bound, gr->value);
                if (gr->gap < 0 || isnan(gr->gap))
                        violation(c, "claim goal %s: gap %g is negative", goal_names[g], gr->gap);
        }
}

int rchk_check(const rs_problem *problem, const rs_solution *solution, rchk_report *report) {
        ctx c = {.p = problem, .s = solution, .report = report};
        double goals[_RS_GOAL_MAX];
        cand_work *w;
        int r;

        if (solution->status == RS_STATUS_INFEASIBLE && !solution->infeasible_reason)
                violation(&c, "claim status: infeasible without a reason");
        if (solution->status == RS_STATUS_INFEASIBLE && solution->n_positions == 0) {
                /* Nothing is rostered: the empty roster must really be
                 * impossible, i.e. the commitments alone break a rule. */
                rs_solution empty = {.n_positions = 0};

                w = collect_work(problem, &empty);
                if (!w)
                        return -ENOMEM;
                {
                        bool broken = false;

                        for (size_t ci = 0; ci < problem->n_candidates && !broken; ci++) {
                                const rs_candidate *cand = &problem->candidates[ci];
                                int cap = cand->hours_max < problem->rules.max_week ?
                                          cand->hours_max : problem->rules.max_week;

                                broken = w[ci].paid > cap || w[ci].days > cand->max_days;
                        }
                        if (!broken)
                                violation(&c, "claim status: infeasible, but the empty roster keeps the hours and days limits");
                }
                cand_work_free(w, problem->n_candidates);
                return c.found;
        }

        w = collect_work(problem, solution);
        if (!w)
                return -ENOMEM;
        r = check_rules(&c, w);
        if (r >= 0) {
                for (size_t pos = 0; pos < n_plans(problem, solution) && r >= 0; pos++)
                        r = check_position_claims(&c, pos, w);
        }
        if (r >= 0) {
                check_totals(&c, w);
                r = compute_goals(problem, solution, w, goals);
        }
        if (r >= 0)
                check_status_and_goals(&c, goals);
        cand_work_free(w, problem->n_candidates);
        if (r < 0)
                return r;
        if (c.report->oom)
                return -ENOMEM;
        return c.found;
}
