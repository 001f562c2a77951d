/* daemon/daemon-scope.c -- which rosters an accepted document changes the
 * input of, and which of those it may have broken.
 *
 * Each employer's rosters are planned apart, with the other employers'
 * approved rosters fixed (daemon-ops.c), so a roster's input is its own
 * shift needs, the timetables and candidates documents as far as they
 * concern someone who may work there, and the configuration. A change to
 * anyone else cannot change its plan; only its why-lists may (who else
 * could have helped), and those are not re-planned for. Likewise an
 * approved roster is fixed work (and rest into the next week) only for
 * the rosters of employers where someone at work in it may work. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon-server.h"
#include "roster/emit.h"

static bool timetable_covers(const rc_document *doc, rc_week week) {
        const rc_timetable *t = &doc->timetable;

        return !t->has_weeks || rc_week_set_contains(&t->weeks, week);
}

/* ---- A new timetable ------------------------------------------------- */

/* Candidates whose classes a new timetable changes (ids point into the two
 * documents), and the sessions the new timetable gives them, each widened
 * by the longest travel of the configuration. */
typedef struct session_at {
        const char *id;
        int start, end;                 /* minutes since Monday 00:00 */
} session_at;

typedef struct touched {
        const char **ids;
        size_t n, capacity;
        session_at *sessions;
        size_t n_sessions, sessions_capacity;
        int widen;
        bool failed;            /* out of memory: no order, no filter */
} touched;

static bool grow(void **v, size_t *capacity, size_t n, size_t size) {
        if (n < *capacity)
                return true;
        size_t more = *capacity ? *capacity * 2 : 16;
        void *p = realloc(*v, more * size);
        if (!p)
                return false;
        *v = p;
        *capacity = more;
        return true;
}

static void touch(touched *t, const char *id) {
        for (size_t i = 0; i < t->n; i++)
                if (strcmp(t->ids[i], id) == 0)
                        return;
        if (!grow((void **) &t->ids, &t->capacity, t->n, sizeof(*t->ids))) {
                t->failed = true;
                return;
        }
        t->ids[t->n++] = id;
}

/* @g's participants are touched; with @sessions, its sessions are theirs
 * from now on. */
static void touch_group(touched *t, const rc_group *g, bool sessions) {
        for (size_t i = 0; g && i < g->n_participants; i++) {
                touch(t, g->participants[i]);
                for (size_t k = 0; sessions && k < g->n_sessions; k++) {
                        const rc_session *x = &g->sessions[k];
                        if (!grow((void **) &t->sessions, &t->sessions_capacity, t->n_sessions,
                                  sizeof(*t->sessions))) {
                                t->failed = true;
                                return;
                        }
                        t->sessions[t->n_sessions++] = (session_at) {
                                g->participants[i], x->day * RS_MINUTES_PER_DAY + x->start - t->widen,
                                x->day * RS_MINUTES_PER_DAY + x->end + t->widen,
                        };
                }
        }
}
static bool same_text(const char *a, const char *b) {
        return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_group(const rc_group *a, const rc_group *b) {
        if (!same_text(a->location, b->location) || a->n_sessions != b->n_sessions ||
            a->n_participants != b->n_participants)
                return false;
        for (size_t i = 0; i < a->n_sessions; i++)
                if (a->sessions[i].day != b->sessions[i].day ||
                    a->sessions[i].start != b->sessions[i].start ||
                    a->sessions[i].end != b->sessions[i].end)
                        return false;
        for (size_t i = 0; i < a->n_participants; i++)
                if (strcmp(a->participants[i], b->participants[i]) != 0)
                        return false;
        return true;
}

static const rc_group *find_group(const rc_timetable *t, const char *id) {
        for (size_t i = 0; t && i < t->n_groups; i++)
                if (strcmp(t->groups[i].id, id) == 0)
                        return &t->groups[i];
        return NULL;
}

static bool same_closures(const rc_timetable *a, const rc_timetable *b) {
        if (a->n_closed_dates != b->n_closed_dates || a->n_closed_weeks != b->n_closed_weeks)
                return false;
        for (size_t i = 0; i < a->n_closed_dates; i++)
                if (a->closed_dates[i].year != b->closed_dates[i].year ||
                    a->closed_dates[i].month != b->closed_dates[i].month ||
                    a->closed_dates[i].day != b->closed_dates[i].day)
                        return false;
        for (size_t i = 0; i < a->n_closed_weeks; i++)
                if (a->closed_weeks[i].year != b->closed_weeks[i].year ||
                    a->closed_weeks[i].week != b->closed_weeks[i].week)
                        return false;
        return true;
}

/* The participants of every group that @now adds, drops or changes
 * against @before (NULL: a new school, every group). */
static void touched_by_timetable(touched *t, const rc_timetable *before, const rc_timetable *now) {
        bool all = !before || !same_closures(before, now);

        for (size_t i = 0; i < now->n_groups; i++) {
                const rc_group *old = all ? NULL : find_group(before, now->groups[i].id);
                if (!old || !same_group(old, &now->groups[i])) {
                        touch_group(t, &now->groups[i], true);
                        touch_group(t, old, false);
                }
        }
        for (size_t i = 0; before && i < before->n_groups; i++)
                if (all || !find_group(now, before->groups[i].id))
                        touch_group(t, &before->groups[i], false);
}

/* One assignment line of the roster writer, "- {day: tue, start: "09:00",
 * end: "12:00", candidate: c-1}" (why-list entries start with
 * "candidate:" instead): its candidate and times, or false. */
static bool parse_assignment(const char *line, char *id, size_t id_size, int *ret_start,
                             int *ret_end) {
        char day[4];
        int sh, sm, eh, em, n = 0;

        while (*line == ' ')
                line++;
        if (sscanf(line, "- {day: %3[a-z], start: \"%d:%d\", end: \"%d:%d\", candidate: %n", day,
                   &sh, &sm, &eh, &em, &n) != 5 || n == 0)
                return false;
        const char *at = line + n;
        if (*at == '"')
                at++;
        size_t len = strcspn(at, "\"}\n");
        if (len == 0 || len >= id_size)
                return false;
        memcpy(id, at, len);
        id[len] = '\0';
        for (int d = 0; d < 7; d++)
                if (strcmp(day, rc_day_names[d]) == 0) {
                        *ret_start = d * RS_MINUTES_PER_DAY + sh * 60 + sm;
                        *ret_end = d * RS_MINUTES_PER_DAY + eh * 60 + em;
                        /* Across midnight. A block of a night shift that
                         * starts after midnight is read on the shift's
                         * day: this only orders re-plans. */
                        if (*ret_end <= *ret_start)
                                *ret_end += RS_MINUTES_PER_DAY;
                        return true;
                }
        return false;
}

/* Whether the plan in force of @slot has a touched candidate at work when
 * one of their new sessions, widened by the longest travel, takes place:
 * the change may have made that plan break the class rule, so its
 * re-plan goes first. */
static bool plan_conflicts(const rd_slot *slot, const touched *t) {
        const rd_roster *plan = rd_slot_open_proposal(slot);
        char id[256];
        int start, end;

        if (!plan)
                plan = slot->approved;
        if (!plan || t->n_sessions == 0)
                return false;
        const char *text = plan->full, *stop = plan->full + plan->full_size;
        for (const char *line = text; line < stop;) {
                const char *eol = memchr(line, '\n', (size_t) (stop - line));
                if (!eol)
                        eol = stop;
                if (eol - line < 512 && parse_assignment(line, id, sizeof id, &start, &end))
                        for (size_t i = 0; i < t->n_sessions; i++)
                                if (start < t->sessions[i].end && t->sessions[i].start < end &&
                                    strcmp(t->sessions[i].id, id) == 0)
                                        return true;
                line = eol + 1;
        }
        return false;
}

/* The longest travel between two places of the configuration. */
static int longest_travel(const rc_settings *settings) {
        int longest = settings->travel.default_minutes;

        for (size_t i = 0; i < settings->travel.n_pairs; i++)
                if (settings->travel.pairs[i].minutes > longest)
                        longest = settings->travel.pairs[i].minutes;
        return longest;
}

/* ---- Who may work where ---------------------------------------------- */

static int cmp_candidate_id(const void *key, const void *member) {
        return strcmp(key, ((const rc_candidate *) member)->id);
}

static bool has_skill(const rc_candidate *c, const char *skill) {
        for (size_t i = 0; i < c->n_skills; i++)
                if (strcmp(c->skills[i], skill) == 0)
                        return true;
        return false;
}

/* Whether @c meets the language and skills of some position of @needs. */
static bool qualifies(const rc_candidate *c, const rc_document *needs) {
        const rc_shift_needs *n = &needs->shift_needs;

        for (size_t p = 0; p < n->n_positions; p++) {
                const rc_position *pos = &n->positions[p];
                bool ok = c->language >= pos->language;
                for (size_t k = 0; ok && k < pos->n_skills; k++)
                        ok = has_skill(c, pos->skills[k]);
                if (ok)
                        return true;
        }
        return false;
}

/* Whether @c may work for the employer of @slot, whose shift needs that
 * week are @needs: placed there (or anywhere) and meeting the language and
 * skills of one of its positions. Each employer's rosters are planned
 * apart, with the others' approved rosters fixed, so a change to anyone
 * else cannot change its plan. */
static bool may_work(const rc_candidate *c, const rc_document *needs, const rd_slot *slot) {
        bool placed = !c->has_employers;

        for (size_t k = 0; !placed && k < c->n_employers; k++)
                placed = strcmp(c->employers[k], slot->employer) == 0;
        return placed && qualifies(c, needs);
}

static const rc_candidate *find_candidate(const rd_server *s, const char *id) {
        if (s->corpus.n_candidates == 0)
                return NULL;
        return bsearch(id, s->corpus.candidates, s->corpus.n_candidates, sizeof(rc_candidate),
                       cmp_candidate_id);
}

/* Whether a candidate touched by a new timetable may work for the
 * employer of @slot. Participants who are not candidates are ignored
 * (SPEC §10.13). */
static bool may_work_for(const rd_server *s, const touched *t, const rd_slot *slot) {
        const rc_document *needs = rc_corpus_shift_needs(&s->corpus, slot->employer, slot->week);

        /* Without shift needs the roster is re-planned (to nothing). */
        if (!needs)
                return true;
        for (size_t i = 0; i < t->n; i++) {
                const rc_candidate *c = find_candidate(s, t->ids[i]);
                if (c && may_work(c, needs, slot))
                        return true;
        }
        return false;
}

/* ---- Candidates that a candidates document changes -------------------- */

static bool same_strings(char *const *a, size_t na, char *const *b, size_t nb) {
        if (na != nb)
                return false;
        for (size_t i = 0; i < na; i++)
                if (strcmp(a[i], b[i]) != 0)
                        return false;
        return true;
}

static bool same_unavailable(const rc_unavailable *a, const rc_unavailable *b) {
        return a->dated == b->dated &&
               (!a->dated || (a->date.year == b->date.year && a->date.month == b->date.month &&
                              a->date.day == b->date.day)) &&
               (a->dated || a->day == b->day) && a->whole_day == b->whole_day &&
               (a->whole_day || (a->start == b->start && a->end == b->end)) &&
               same_text(a->reason, b->reason);
}

/* Whether @a and @b plan the same: everything but the name and where the
 * entry was written. */
static bool same_candidate(const rc_candidate *a, const rc_candidate *b) {
        if (a->language != b->language || a->hours_min != b->hours_min ||
            a->hours_target != b->hours_target || a->hours_max != b->hours_max ||
            a->max_days != b->max_days || !same_text(a->home, b->home) ||
            a->has_employers != b->has_employers ||
            !same_strings(a->skills, a->n_skills, b->skills, b->n_skills) ||
            !same_strings(a->employers, a->n_employers, b->employers, b->n_employers) ||
            a->n_unavailable != b->n_unavailable)
                return false;
        for (size_t i = 0; i < a->n_unavailable; i++)
                if (!same_unavailable(&a->unavailable[i], &b->unavailable[i]))
                        return false;
        return true;
}

/* The candidates a candidates document adds, changes or removes, each as
 * it was (NULL: new) and as it will be (NULL: removed). */
typedef struct changed_candidates {
        const rc_candidate **before, **after;
        size_t n;
        bool failed;            /* out of memory: every roster */
} changed_candidates;

static void changed_by_candidates(const rd_server *s, const rc_candidates *doc,
                                  changed_candidates *ret) {
        size_t most = doc->n_candidates + doc->n_remove + 1;

        *ret = (changed_candidates) {
                .before = calloc(most, sizeof(*ret->before)),
                .after = calloc(most, sizeof(*ret->after)),
        };
        if (!ret->before || !ret->after) {
                ret->failed = true;
                return;
        }
        for (size_t i = 0; i < doc->n_candidates; i++) {
                const rc_candidate *old = find_candidate(s, doc->candidates[i].id);
                if (old && same_candidate(old, &doc->candidates[i]))
                        continue;
                ret->before[ret->n] = old;
                ret->after[ret->n++] = &doc->candidates[i];
        }
        for (size_t i = 0; i < doc->n_remove; i++) {
                const rc_candidate *old = find_candidate(s, doc->remove[i]);
                if (!old)
                        continue;
                ret->before[ret->n] = old;
                ret->after[ret->n++] = NULL;
        }
}

/* Whether a changed candidate may work, or might have worked, for the
 * employer of @slot. */
static bool change_reaches(const rd_server *s, const changed_candidates *c, const rd_slot *slot) {
        const rc_document *needs = rc_corpus_shift_needs(&s->corpus, slot->employer, slot->week);

        if (c->failed || !needs)
                return true;
        for (size_t i = 0; i < c->n; i++)
                if ((c->before[i] && may_work(c->before[i], needs, slot)) ||
                    (c->after[i] && may_work(c->after[i], needs, slot)))
                        return true;
        return false;
}

/* ---- The scope of one document ---------------------------------------- */

struct rd_scope {
        const rc_document *doc;         /* NULL: an approval */
        const rc_document *old;         /* a timetable: the school's one in force */
        touched changed;                /* a timetable: who and which sessions; an
                                         * approval: who is at work */
        changed_candidates people;      /* a candidates document */
};

/* The candidates at work in @roster's plan (ids of the corpus's
 * candidates: one no longer there works nowhere). */
static void touch_workers(const rd_server *s, touched *t, const rd_roster *roster) {
        char id[256];
        int start, end;

        if (!roster)
                return;
        const char *stop = roster->full + roster->full_size;
        for (const char *line = roster->full; line < stop;) {
                const char *eol = memchr(line, '\n', (size_t) (stop - line));
                if (!eol)
                        eol = stop;
                if (eol - line < 512 && parse_assignment(line, id, sizeof id, &start, &end)) {
                        const rc_candidate *c = find_candidate(s, id);
                        if (c)
                                touch(t, c->id);
                }
                line = eol + 1;
        }
}

rd_scope *rd_scope_of_approval(const rd_server *s, const rd_roster *approved,
                               const rd_roster *replaced) {
        rd_scope *scope = calloc(1, sizeof(*scope));

        if (!scope)
                return NULL;
        touch_workers(s, &scope->changed, approved);
        touch_workers(s, &scope->changed, replaced);
        return scope;
}

rd_scope *rd_scope_new(const rd_server *s, const rc_document *doc) {
        rd_scope *scope = calloc(1, sizeof(*scope));

        if (!scope)
                return NULL;
        scope->doc = doc;
        if (doc->kind == RC_KIND_TIMETABLE) {
                for (size_t i = 0; i < s->corpus.n_timetables; i++)
                        if (strcmp(s->corpus.timetables[i]->timetable.school,
                                   doc->timetable.school) == 0)
                                scope->old = s->corpus.timetables[i];
                scope->changed.widen = longest_travel(rd_settings(s));
                touched_by_timetable(&scope->changed, scope->old ? &scope->old->timetable : NULL,
                                     &doc->timetable);
        } else if (doc->kind == RC_KIND_CANDIDATES) {
                changed_by_candidates(s, &doc->candidates, &scope->people);
        }
        return scope;
}

bool rd_scope_changes(const rd_server *s, const rd_scope *scope, const rd_slot *slot) {
        const rc_document *doc = scope->doc;

        if (!doc)
                return scope->changed.failed || may_work_for(s, &scope->changed, slot);
        switch (doc->kind) {
        case RC_KIND_SHIFT_NEEDS:
                return strcmp(slot->employer, doc->shift_needs.employer) == 0 &&
                       rc_week_set_contains(&doc->shift_needs.weeks, slot->week);
        case RC_KIND_TIMETABLE:
                return (timetable_covers(doc, slot->week) ||
                        (scope->old && timetable_covers(scope->old, slot->week))) &&
                       (scope->changed.failed || may_work_for(s, &scope->changed, slot));
        case RC_KIND_CANDIDATES:
                return change_reaches(s, &scope->people, slot);
        default:
                return false;
        }
}

bool rd_scope_may_break(const rd_scope *scope, const rd_slot *slot) {
        return scope->doc && scope->doc->kind == RC_KIND_TIMETABLE && !scope->changed.failed &&
               plan_conflicts(slot, &scope->changed);
}

void rd_scope_free(rd_scope *scope) {
        if (!scope)
                return;
        free(scope->changed.ids);
        free(scope->changed.sessions);
        free(scope->people.before);
        free(scope->people.after);
        free(scope);
}
