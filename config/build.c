/* config/build.c -- the resolved problem of one ISO week (SPEC §10).
 *
 * Everything the solver sees is decided here: which document holds for
 * each employer, which shift, class and unavailability instances fall in
 * the week (in minutes since its Monday 00:00), the defaults, the places
 * and their travel times, and the approved work to respect. The output is
 * sorted so that the same corpus always gives the same problem. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

#define DAY RS_MINUTES_PER_DAY

typedef struct builder {
        const rc_corpus *corpus;
        const rc_settings *settings;
        rc_week week;
        long monday;                    /* days since 1970-01-01 */
        rc_diags *diags;
        size_t first_diag;
        rs_problem *p;
        const rc_document **planned_docs;       /* parallel to p->employers */
        size_t n_planned;
        size_t *classes_cap;            /* per candidate, for growing arrays */
        size_t *commitments_cap;
} builder;

static int compare_strs(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Sorts @v, drops duplicates and NULLs, and returns malloc'ed copies in
 * *ret. @v holds borrowed strings. */
static int unique_copies(const char **v, size_t n, char ***ret, size_t *ret_n) {
        char **out;
        size_t k = 0;

        rc_sort(v, n, sizeof(*v), compare_strs);
        out = calloc(n + 1, sizeof(*out));
        if (!out)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                if (k > 0 && strcmp(out[k - 1], v[i]) == 0)
                        continue;
                if (!(out[k] = strdup(v[i]))) {
                        rc_strv_free(out, k);
                        return -ENOMEM;
                }
                k++;
        }
        *ret = out;
        *ret_n = k;
        return 0;
}

/* Index of @s in the sorted @v, or -1. */
static long find(char *const *v, size_t n, const char *s) {
        size_t lo = 0, hi = n;

        if (!s)
                return -1;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(v[mid], s);
                if (c == 0)
                        return (long) mid;
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return -1;
}

static int place_of(const builder *b, const char *id) {
        long i = find(b->p->places, b->p->n_places, id);
        return i < 0 ? RS_NO_PLACE : (int) i;
}

/* A growing list of borrowed strings. */
typedef struct strlist {
        const char **v;
        size_t n, cap;
} strlist;

static int strlist_add(strlist *l, const char *s) {
        if (!s)
                return 0;
        if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 16;
                const char **v = realloc(l->v, cap * sizeof(*v));
                if (!v)
                        return -ENOMEM;
                l->v = v;
                l->cap = cap;
        }
        l->v[l->n++] = s;
        return 0;
}

/* ---- Which employers ---- */

static int compare_docs_by_employer(const void *a, const void *b) {
        const rc_document *x = *(const rc_document *const *) a, *y = *(const rc_document *const *) b;
        return strcmp(x->shift_needs.employer, y->shift_needs.employer);
}

static int choose_employers(builder *b, const char *employer) {
        const rc_corpus *c = b->corpus;
        char text[16];

        b->planned_docs = calloc(c->n_shift_needs + 1, sizeof(*b->planned_docs));
        if (!b->planned_docs)
                return -ENOMEM;
        rc_week_format(b->week, text);

        if (employer) {
                const rc_document *d = rc_corpus_shift_needs(c, employer, b->week);
                if (!d) {
                        bool known = false;
                        for (size_t i = 0; i < c->n_shift_needs && !known; i++)
                                known = strcmp(c->shift_needs[i]->shift_needs.employer, employer) == 0;
                        int r = rc_diags_addf(b->diags, NULL, 0, 0, "",
                                              known ? "employer \"%s\" has no shift needs in week %s"
                                                    : "unknown employer \"%s\": no shift-needs "
                                                      "document names it (week %s)",
                                              employer, text);
                        return r < 0 ? r : -EINVAL;
                }
                b->planned_docs[b->n_planned++] = d;
                return 0;
        }

        /* Every employer once: the latest document that names the week. */
        for (size_t i = 0; i < c->n_shift_needs; i++) {
                const char *e = c->shift_needs[i]->shift_needs.employer;
                const rc_document *d = rc_corpus_shift_needs(c, e, b->week);
                bool seen = false;
                if (!d)
                        continue;
                for (size_t k = 0; k < b->n_planned && !seen; k++)
                        seen = b->planned_docs[k] == d;
                if (!seen)
                        b->planned_docs[b->n_planned++] = d;
        }
        rc_sort(b->planned_docs, b->n_planned, sizeof(*b->planned_docs), compare_docs_by_employer);
        return 0;
}

/* ---- Places, skills, rules, travel ---- */

static int collect_places(builder *b) {
        const rc_corpus *c = b->corpus;
        const rc_settings *s = b->settings;
        strlist l = {};
        int r = 0;

        for (size_t i = 0; i < b->n_planned && r == 0; i++)
                r = strlist_add(&l, b->planned_docs[i]->shift_needs.location);
        for (size_t t = 0; t < c->n_timetables && r == 0; t++) {
                const rc_timetable *tt = &c->timetables[t]->timetable;
                for (size_t g = 0; g < tt->n_groups && r == 0; g++)
                        r = strlist_add(&l, tt->groups[g].location);
        }
        for (size_t i = 0; i < c->n_candidates && r == 0; i++)
                r = strlist_add(&l, c->candidates[i].home);
        for (size_t i = 0; i < s->travel.n_pairs && r == 0; i++) {
                r = strlist_add(&l, s->travel.pairs[i].from);
                if (r == 0)
                        r = strlist_add(&l, s->travel.pairs[i].to);
        }
        if (r == 0)
                r = unique_copies(l.v, l.n, &b->p->places, &b->p->n_places);
        free(l.v);
        if (r < 0)
                return r;

        size_t n = b->p->n_places;
        b->p->travel_default = s->travel.default_minutes;
        b->p->travel = calloc(n * n + 1, sizeof(int));
        if (!b->p->travel)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < n; j++)
                        b->p->travel[i * n + j] = i == j ? 0 : s->travel.default_minutes;
        for (size_t i = 0; i < s->travel.n_pairs; i++) {
                int from = place_of(b, s->travel.pairs[i].from);
                int to = place_of(b, s->travel.pairs[i].to);
                b->p->travel[(size_t) from * n + (size_t) to] = s->travel.pairs[i].minutes;
                b->p->travel[(size_t) to * n + (size_t) from] = s->travel.pairs[i].minutes;
        }
        return 0;
}

static int collect_skills(builder *b) {
        const rc_corpus *c = b->corpus;
        strlist l = {};
        int r = 0;

        for (size_t i = 0; i < b->n_planned && r == 0; i++) {
                const rc_shift_needs *sn = &b->planned_docs[i]->shift_needs;
                for (size_t k = 0; k < sn->n_positions && r == 0; k++)
                        for (size_t s = 0; s < sn->positions[k].n_skills && r == 0; s++)
                                r = strlist_add(&l, sn->positions[k].skills[s]);
        }
        for (size_t i = 0; i < c->n_candidates && r == 0; i++)
                for (size_t s = 0; s < c->candidates[i].n_skills && r == 0; s++)
                        r = strlist_add(&l, c->candidates[i].skills[s]);
        if (r == 0)
                r = unique_copies(l.v, l.n, &b->p->skills, &b->p->n_skills);
        free(l.v);
        return r;
}

static int compare_sizes(const void *a, const void *b) {
        size_t x = *(const size_t *) a, y = *(const size_t *) b;
        return x < y ? -1 : x > y;
}

/* Skill ids to sorted indices. */
static int skill_indices(const builder *b, char *const *ids, size_t n, size_t **ret,
                         size_t *ret_n) {
        size_t *v = calloc(n + 1, sizeof(*v));

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                v[i] = (size_t) find(b->p->skills, b->p->n_skills, ids[i]);
        rc_sort(v, n, sizeof(*v), compare_sizes);
        *ret = v;
        *ret_n = n;
        return 0;
}

static int copy_rules(builder *b) {
        const rs_rules *src = &b->settings->rules;
        rs_rules *dst = &b->p->rules;

        *dst = *src;
        dst->breaks = calloc(src->n_breaks + 1, sizeof(*dst->breaks));
        if (!dst->breaks) {
                dst->n_breaks = 0;
                return -ENOMEM;
        }
        if (src->n_breaks > 0)
                memcpy(dst->breaks, src->breaks, src->n_breaks * sizeof(*dst->breaks));
        return 0;
}

/* ---- Positions and their shifts ---- */

typedef struct instance {
        rs_shift shift;
        size_t entry;           /* index into the position's shifts */
} instance;

static int compare_instances(const void *a, const void *b) {
        const instance *x = a, *y = b;

        if (x->shift.start != y->shift.start)
                return x->shift.start < y->shift.start ? -1 : 1;
        return x->entry < y->entry ? -1 : x->entry > y->entry;
}

static int make_grid(const rc_position *pos, rs_shift *s, int start_clock) {
        size_t n = 0, cap;

        if (pos->n_handover_at > 0)
                cap = pos->n_handover_at + 2;
        else
                cap = (size_t) ((s->end - s->start) / pos->handover) + 2;
        s->grid = calloc(cap, sizeof(int));
        if (!s->grid)
                return -ENOMEM;
        s->grid[n++] = s->start;
        if (pos->n_handover_at > 0) {
                /* A point before the start time lies on the next day. */
                for (size_t i = 0; i < pos->n_handover_at; i++) {
                        int t = s->start - start_clock + pos->handover_at[i];
                        if (pos->handover_at[i] <= start_clock)
                                t += DAY;
                        if (t > s->grid[n - 1] && t < s->end)
                                s->grid[n++] = t;
                }
        } else {
                for (int t = s->start + pos->handover; t < s->end; t += pos->handover)
                        s->grid[n++] = t;
        }
        s->grid[n++] = s->end;
        s->n_grid = n;
        return 0;
}

static int build_position(builder *b, size_t employer, const rc_document *doc, size_t index,
                          rs_position *out) {
        const rc_position *pos = &doc->shift_needs.positions[index];
        instance *v;
        size_t n = 0;
        int r;

        out->employer = employer;
        out->priority = pos->priority;
        out->language = pos->language;
        out->max_people = pos->max_people;
        out->min_block = pos->min_block;
        out->id = strdup(pos->id);
        if (!out->id || (pos->title && !(out->title = strdup(pos->title))))
                return -ENOMEM;
        r = skill_indices(b, pos->skills, pos->n_skills, &out->skills, &out->n_skills);
        if (r < 0)
                return r;

        v = calloc(pos->n_shifts * RS_DAYS_PER_WEEK + 1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        for (size_t j = 0; j < pos->n_shifts; j++) {
                const rc_shift *sh = &pos->shifts[j];
                int length = sh->end > sh->start ? sh->end - sh->start : sh->end + DAY - sh->start;
                for (int d = 0; d < RS_DAYS_PER_WEEK; d++) {
                        bool on = sh->dated ? rc_date_days(sh->date) == b->monday + d
                                            : (sh->days & (1u << d)) != 0;
                        if (!on)
                                continue;
                        v[n++] = (instance) { .shift = { .day = d, .start = d * DAY + sh->start,
                                                         .end = d * DAY + sh->start + length,
                                                         .headcount = sh->headcount },
                                              .entry = j };
                }
        }
        rc_sort(v, n, sizeof(*v), compare_instances);

        /* The loader already refuses overlaps within one document, which
         * is the only source of a position's shifts; this guards the
         * invariant of problem.h all the same. */
        for (size_t k = 1; k < n; k++) {
                if (v[k].shift.start >= v[k - 1].shift.end)
                        continue;
                const rc_shift *sh = &pos->shifts[v[k].entry];
                char path[96], week[16];
                snprintf(path, sizeof(path), "positions[%zu].shifts[%zu]", index, v[k].entry);
                rc_week_format(b->week, week);
                r = rc_diags_addf(b->diags, doc->file, sh->mark.line, sh->mark.column, path,
                                  "overlaps shifts[%zu] on %s of week %s", v[k - 1].entry,
                                  rc_weekday_names[v[k].shift.day], week);
                if (r < 0) {
                        free(v);
                        return r;
                }
        }

        out->shifts = calloc(n + 1, sizeof(*out->shifts));
        if (!out->shifts) {
                free(v);
                return -ENOMEM;
        }
        for (size_t k = 0; k < n; k++) {
                out->shifts[k] = v[k].shift;
                out->n_shifts = k + 1;
                r = make_grid(pos, &out->shifts[k], pos->shifts[v[k].entry].start);
                if (r < 0) {
                        free(v);
                        return r;
                }
        }
        free(v);
        return 0;
}

static int build_employers_and_positions(builder *b) {
        rs_problem *p = b->p;
        size_t n_positions = 0;
        int r;

        p->employers = calloc(b->n_planned + 1, sizeof(*p->employers));
        if (!p->employers)
                return -ENOMEM;
        for (size_t e = 0; e < b->n_planned; e++) {
                const rc_shift_needs *sn = &b->planned_docs[e]->shift_needs;
                rs_employer *out = &p->employers[e];
                p->n_employers = e + 1;
                out->id = strdup(sn->employer);
                if (!out->id || (sn->name && !(out->name = strdup(sn->name))))
                        return -ENOMEM;
                out->place = place_of(b, sn->location);
                n_positions += sn->n_positions;
        }

        p->positions = calloc(n_positions + 1, sizeof(*p->positions));
        if (!p->positions)
                return -ENOMEM;
        for (size_t e = 0; e < b->n_planned; e++) {
                const rc_document *doc = b->planned_docs[e];
                for (size_t k = 0; k < doc->shift_needs.n_positions; k++) {
                        r = build_position(b, e, doc, k, &p->positions[p->n_positions++]);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* ---- Candidates ---- */

static long candidate_index(const builder *b, const char *id) {
        const rc_corpus *c = b->corpus;
        size_t lo = 0, hi = c->n_candidates;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int cmp = strcmp(c->candidates[mid].id, id);
                if (cmp == 0)
                        return (long) mid;
                if (cmp < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return -1;
}

static long planned_index(const builder *b, const char *employer) {
        for (size_t e = 0; e < b->n_planned; e++)
                if (strcmp(b->planned_docs[e]->shift_needs.employer, employer) == 0)
                        return (long) e;
        return -1;
}

static int build_unavailable(builder *b, const rc_candidate *c, rs_candidate *out) {
        /* Each entry at most twice: this week's instance, and last week's
         * when it runs past midnight into this Monday. */
        out->unavailable = calloc(2 * c->n_unavailable + 1, sizeof(*out->unavailable));
        if (!out->unavailable)
                return -ENOMEM;
        for (size_t i = 0; i < c->n_unavailable; i++) {
                const rc_unavailable *u = &c->unavailable[i];
                int start = u->whole_day ? 0 : u->start;
                int length = u->whole_day ? DAY
                             : u->end > u->start ? u->end - u->start
                                                 : u->end + DAY - u->start;
                long days[2];
                size_t n_days = 0;

                if (u->dated) {
                        days[n_days++] = rc_date_days(u->date) - b->monday;
                } else {
                        days[n_days++] = u->day;
                        days[n_days++] = u->day - RS_DAYS_PER_WEEK;
                }
                for (size_t k = 0; k < n_days; k++) {
                        long s = days[k] * DAY + start, e = s + length;
                        if (e <= 0 || s >= RS_DAYS_PER_WEEK * DAY)
                                continue;
                        rs_unavailability *x = &out->unavailable[out->n_unavailable++];
                        x->start = (int) s;
                        x->end = (int) e;
                        if (u->reason && !(x->reason = strdup(u->reason)))
                                return -ENOMEM;
                }
        }
        return 0;
}

static int build_candidate(builder *b, size_t index, rs_candidate *out) {
        const rc_candidate *c = &b->corpus->candidates[index];
        int max_week = b->settings->rules.max_week;
        int r;

        out->id = strdup(c->id);
        if (!out->id || (c->name && !(out->name = strdup(c->name))))
                return -ENOMEM;
        out->language = c->language;
        r = skill_indices(b, c->skills, c->n_skills, &out->skills, &out->n_skills);
        if (r < 0)
                return r;

        /* SPEC §10.12: min 0, target = min, max = rules.max_week. */
        out->hours_min = c->hours_min >= 0 ? c->hours_min : 0;
        out->hours_target = c->hours_target >= 0 ? c->hours_target : out->hours_min;
        out->hours_max = c->hours_max >= 0 ? c->hours_max : max_week;
        if (out->hours_min > out->hours_target || out->hours_target > out->hours_max) {
                char path[96];
                snprintf(path, sizeof(path), "candidates[%zu].hours", c->index);
                r = rc_diags_addf(b->diags, c->file, c->mark.line, c->mark.column, path,
                                  "expected min <= target <= max, got min %g, target %g, max %g "
                                  "(hours; an absent max is rules.max_week, %g)",
                                  out->hours_min / 60.0, out->hours_target / 60.0,
                                  out->hours_max / 60.0, max_week / 60.0);
                if (r < 0)
                        return r;
        }
        out->max_days = c->max_days;
        out->home = place_of(b, c->home);

        out->any_employer = !c->has_employers;
        out->employers = calloc(c->n_employers + 1, sizeof(*out->employers));
        if (!out->employers)
                return -ENOMEM;
        for (size_t i = 0; i < c->n_employers; i++) {
                /* Placements at employers not planned now are not an error:
                 * the candidate simply cannot work for anyone else here. */
                long e = planned_index(b, c->employers[i]);
                if (e >= 0)
                        out->employers[out->n_employers++] = (size_t) e;
        }
        rc_sort(out->employers, out->n_employers, sizeof(*out->employers), compare_sizes);

        return build_unavailable(b, c, out);
}

static bool closed_date(const rc_timetable *t, long days) {
        for (size_t i = 0; i < t->n_closed_dates; i++)
                if (rc_date_days(t->closed_dates[i]) == days)
                        return true;
        return false;
}

static bool timetable_in_force(const builder *b, const rc_timetable *t) {
        if (t->has_weeks && !rc_week_set_contains(&t->weeks, b->week))
                return false;
        for (size_t i = 0; i < t->n_closed_weeks; i++)
                if (t->closed_weeks[i].year == b->week.year && t->closed_weeks[i].week == b->week.week)
                        return false;
        return true;
}

static int add_class(builder *b, size_t candidate, const rc_timetable *t, const rc_group *g,
                     const rc_session *s) {
        rs_candidate *c = &b->p->candidates[candidate];
        rs_class_session *x;

        if (c->n_classes == b->classes_cap[candidate]) {
                size_t cap = c->n_classes ? c->n_classes * 2 : 4;
                rs_class_session *v = realloc(c->classes, cap * sizeof(*v));
                if (!v)
                        return -ENOMEM;
                c->classes = v;
                b->classes_cap[candidate] = cap;
        }
        x = &c->classes[c->n_classes];
        *x = (rs_class_session) { .place = place_of(b, g->location),
                                  .start = s->day * DAY + s->start, .end = s->day * DAY + s->end };
        x->school = strdup(t->school);
        x->group = strdup(g->id);
        c->n_classes++;
        return x->school && x->group ? 0 : -ENOMEM;
}

static int build_classes(builder *b) {
        const rc_corpus *c = b->corpus;

        for (size_t i = 0; i < c->n_timetables; i++) {
                const rc_timetable *t = &c->timetables[i]->timetable;
                if (!timetable_in_force(b, t))
                        continue;
                for (size_t g = 0; g < t->n_groups; g++) {
                        const rc_group *grp = &t->groups[g];
                        for (size_t s = 0; s < grp->n_sessions; s++) {
                                const rc_session *ses = &grp->sessions[s];
                                if (closed_date(t, b->monday + ses->day))
                                        continue;
                                for (size_t k = 0; k < grp->n_participants; k++) {
                                        /* Learners outside the programme are
                                         * simply not candidates (§10.13). */
                                        long ci = candidate_index(b, grp->participants[k]);
                                        if (ci < 0)
                                                continue;
                                        int r = add_class(b, (size_t) ci, t, grp, ses);
                                        if (r < 0)
                                                return r;
                                }
                        }
                }
        }
        return 0;
}

static int add_commitment(builder *b, size_t candidate, int day, int start, int end,
                          const char *employer) {
        rs_candidate *c = &b->p->candidates[candidate];
        rs_commitment *x;

        if (c->n_commitments == b->commitments_cap[candidate]) {
                size_t cap = c->n_commitments ? c->n_commitments * 2 : 4;
                rs_commitment *v = realloc(c->commitments, cap * sizeof(*v));
                if (!v)
                        return -ENOMEM;
                c->commitments = v;
                b->commitments_cap[candidate] = cap;
        }
        x = &c->commitments[c->n_commitments++];
        *x = (rs_commitment) { .day = day, .start = start, .end = end };
        x->employer = strdup(employer);
        return x->employer ? 0 : -ENOMEM;
}

/* ---- Approved rosters ---- */

/* Minutes from the Monday of its roster's week at which an assignment
 * starts. A roster carries the day of the shift (SPEC §10.4) and clock
 * times, so a block after midnight in a night shift has a start clock
 * before its shift's: it lies on the next day. The shift is looked up in
 * the shift needs that held for that employer and week; when they are not
 * known the start is taken on the day given. */
static int assignment_start(const builder *b, const rc_roster *ro, const char *position,
                            const rc_roster_assignment *a) {
        const rc_document *doc = rc_corpus_shift_needs(b->corpus, ro->employer, ro->week);
        long monday = rc_week_monday(ro->week);

        for (size_t i = 0; doc && i < doc->shift_needs.n_positions; i++) {
                const rc_position *pos = &doc->shift_needs.positions[i];
                if (strcmp(pos->id, position) != 0)
                        continue;
                for (size_t j = 0; j < pos->n_shifts; j++) {
                        const rc_shift *sh = &pos->shifts[j];
                        int length = sh->end > sh->start ? sh->end - sh->start
                                                         : sh->end + DAY - sh->start;
                        int offset = ((a->start - sh->start) % DAY + DAY) % DAY;
                        bool on = sh->dated ? rc_date_days(sh->date) == monday + a->day
                                            : (sh->days & (1u << a->day)) != 0;
                        if (on && offset < length)
                                return a->day * DAY + sh->start + offset;
                }
        }
        return a->day * DAY + a->start;
}

static long position_of(const builder *b, size_t employer, const char *id) {
        for (size_t i = 0; i < b->p->n_positions; i++)
                if (b->p->positions[i].employer == employer && strcmp(b->p->positions[i].id, id) == 0)
                        return (long) i;
        return -1;
}

static int build_approved(builder *b, bool employer_given) {
        const rc_corpus *c = b->corpus;
        rs_problem *p = b->p;
        long this_week = rc_week_index(b->week);
        size_t n_blocks = 0;
        int r;

        for (size_t i = 0; i < c->n_rosters; i++)
                for (size_t k = 0; k < c->rosters[i]->roster.n_positions; k++)
                        n_blocks += c->rosters[i]->roster.positions[k].n_assignments;
        p->approved = calloc(n_blocks + 1, sizeof(*p->approved));
        if (!p->approved)
                return -ENOMEM;

        for (size_t i = 0; i < c->n_rosters; i++) {
                const rc_roster *ro = &c->rosters[i]->roster;
                long week = rc_week_index(ro->week);
                long employer = planned_index(b, ro->employer);
                int shift_days;
                bool blocks;

                if (ro->state != RC_ROSTER_APPROVED)
                        continue;
                if (week == this_week && employer >= 0) {
                        /* Goal 2 applies: keep what was approved. */
                        p->has_approved = true;
                        blocks = true;
                        shift_days = 0;
                } else if (week == this_week && employer_given) {
                        blocks = false;
                        shift_days = 0;
                } else if (week == this_week - 1) {
                        blocks = false;
                        shift_days = -RS_DAYS_PER_WEEK;
                } else {
                        continue;
                }

                for (size_t k = 0; k < ro->n_positions; k++) {
                        const rc_roster_position *rp = &ro->positions[k];
                        long pos = blocks ? position_of(b, (size_t) employer, rp->id) : -1;
                        if (blocks && pos < 0)
                                continue;       /* no longer asked for */
                        for (size_t a = 0; a < rp->n_assignments; a++) {
                                const rc_roster_assignment *as = &rp->assignments[a];
                                long cand = candidate_index(b, as->candidate);
                                int day = as->day + shift_days;
                                int start = assignment_start(b, ro, rp->id, as) + shift_days * DAY;
                                int length = as->end > as->start ? as->end - as->start
                                                                 : as->end + DAY - as->start;
                                if (cand < 0)
                                        continue;       /* no longer a candidate */
                                if (blocks) {
                                        p->approved[p->n_approved++] = (rs_approved_block) {
                                                .position = (size_t) pos,
                                                .candidate = (size_t) cand,
                                                .start = start,
                                                .end = start + length,
                                        };
                                        continue;
                                }
                                r = add_commitment(b, (size_t) cand, day, start, start + length,
                                                   ro->employer);
                                if (r < 0)
                                        return r;
                        }
                }
        }
        return 0;
}

/* ---- Sorting ---- */

static int compare_classes(const void *a, const void *b) {
        const rs_class_session *x = a, *y = b;
        int c;

        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        if (x->end != y->end)
                return x->end < y->end ? -1 : 1;
        if ((c = strcmp(x->school, y->school)) != 0)
                return c;
        return strcmp(x->group, y->group);
}

static int compare_unavailable(const void *a, const void *b) {
        const rs_unavailability *x = a, *y = b;

        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        if (x->end != y->end)
                return x->end < y->end ? -1 : 1;
        return strcmp(x->reason ? x->reason : "", y->reason ? y->reason : "");
}

static int compare_commitments(const void *a, const void *b) {
        const rs_commitment *x = a, *y = b;

        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        if (x->end != y->end)
                return x->end < y->end ? -1 : 1;
        return strcmp(x->employer, y->employer);
}

static int compare_approved(const void *a, const void *b) {
        const rs_approved_block *x = a, *y = b;

        if (x->position != y->position)
                return x->position < y->position ? -1 : 1;
        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        if (x->candidate != y->candidate)
                return x->candidate < y->candidate ? -1 : 1;
        return x->end < y->end ? -1 : x->end > y->end;
}

static void sort_everything(rs_problem *p) {
        for (size_t i = 0; i < p->n_candidates; i++) {
                rs_candidate *c = &p->candidates[i];
                rc_sort(c->classes, c->n_classes, sizeof(*c->classes), compare_classes);
                rc_sort(c->unavailable, c->n_unavailable, sizeof(*c->unavailable), compare_unavailable);
                rc_sort(c->commitments, c->n_commitments, sizeof(*c->commitments), compare_commitments);
        }
        rc_sort(p->approved, p->n_approved, sizeof(*p->approved), compare_approved);
}

static int build(builder *b, const char *employer) {
        const rc_corpus *c = b->corpus;
        rs_problem *p = b->p;
        int r;

        rc_week_format(b->week, p->week);
        if ((r = choose_employers(b, employer)) < 0 || (r = copy_rules(b)) < 0 ||
            (r = collect_places(b)) < 0 || (r = collect_skills(b)) < 0 ||
            (r = build_employers_and_positions(b)) < 0)
                return r;

        p->candidates = calloc(c->n_candidates + 1, sizeof(*p->candidates));
        b->classes_cap = calloc(c->n_candidates + 1, sizeof(size_t));
        b->commitments_cap = calloc(c->n_candidates + 1, sizeof(size_t));
        if (!p->candidates || !b->classes_cap || !b->commitments_cap)
                return -ENOMEM;
        for (size_t i = 0; i < c->n_candidates; i++) {
                p->n_candidates = i + 1;
                r = build_candidate(b, i, &p->candidates[i]);
                if (r < 0)
                        return r;
        }
        if ((r = build_classes(b)) < 0 || (r = build_approved(b, employer != NULL)) < 0)
                return r;
        sort_everything(p);
        return 0;
}

int rc_build_problem(const rc_corpus *corpus, rc_week week, const char *employer,
                     rs_problem **ret, rc_diags *diags) {
        builder b = {
                .corpus = corpus,
                .settings = rc_corpus_settings(corpus),
                .week = week,
                .monday = rc_week_monday(week),
                .diags = diags,
                .first_diag = diags->n,
        };
        int r;

        b.p = calloc(1, sizeof(*b.p));
        if (!b.p)
                return -ENOMEM;
        r = build(&b, employer);
        if (r == 0 && diags->n > b.first_diag)
                r = -EINVAL;
        free(b.planned_docs);
        free(b.classes_cap);
        free(b.commitments_cap);
        if (r < 0) {
                rs_problem_free(b.p);
                return r;
        }
        *ret = b.p;
        return 0;
}
