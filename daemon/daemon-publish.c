/* daemon/daemon-publish.c -- subscribers, and re-planning weeks whose
 * input changed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon-server.h"
#include "roster/emit.h"

/* ---- Publishing ------------------------------------------------------- */

static bool wants(const rd_conn *c, const rd_slot *slot) {
        if (c->sub_employer && strcmp(c->sub_employer, slot->employer) != 0)
                return false;
        if (c->sub_week && strcmp(c->sub_week, slot->week_text) != 0)
                return false;
        return true;
}

void rd_publish(rd_server *s, const rd_slot *slot, const rd_roster *roster, rd_event_kind kind,
                bool replan) {
        const char *event = kind == RD_EVENT_APPROVED ? "approved" : "proposal";
        rd_buf messages[2] = {};          /* [0] employer view, [1] full view */
        bool built[2] = {};
        size_t backlog = rd_settings(s)->limits.subscriber_backlog;
        rd_conn *next;

        for (rd_conn *c = s->conns; c; c = next) {
                const rd_grants *g;

                next = c->next;
                if (!c->subscriber || c->dead || !wants(c, slot))
                        continue;
                g = rd_conn_grants(c);
                if (!g || !g->known || !rd_grants_employer(g, slot->employer))
                        continue;
                int view = rd_grants_full(g) ? 1 : 0;
                if (!built[view]) {
                        if (rd_event_message(&messages[view], slot, roster, view == 1, event,
                                             replan) < 0) {
                                rd_buf_done(&messages[view]);
                                continue;
                        }
                        built[view] = true;
                }
                if (rd_buf_len(&c->out) + rd_buf_len(&messages[view]) > backlog) {
                        rd_logf(LOG_WARNING,
                                "Subscriber %llu (uid %u) has %zu bytes unread, more than "
                                "limits.subscriber_backlog; dropping it",
                                c->number, (unsigned) c->peer.uid, rd_buf_len(&c->out));
                        rd_conn_close(c);
                        continue;
                }
                rd_conn_send(c, &messages[view]);
        }
        rd_buf_done(&messages[0]);
        rd_buf_done(&messages[1]);
}

void rd_publish_recheck(rd_server *s) {
        rd_conn *next;

        for (rd_conn *c = s->conns; c; c = next) {
                const rd_grants *g;
                bool ok;

                next = c->next;
                if (!c->subscriber || c->dead)
                        continue;
                g = rd_conn_grants(c);
                if (!g)
                        continue;
                ok = g->known && (rd_grants_full(g) || g->all_employers || g->n_employers > 0) &&
                     (!c->sub_employer || rd_grants_employer(g, c->sub_employer));
                if (ok)
                        continue;
                rd_logf(LOG_NOTICE, "Subscriber %llu (uid %u) lost its role in the reload; "
                        "closing it", c->number, (unsigned) c->peer.uid);
                /* The error goes after what is queued; the backlog bound
                 * still holds, give or take one short message. */
                c->subscriber = false;
                s->n_subscribers--;
                rd_send_error(c, NULL, RD_ERR_FORBIDDEN, NULL,
                              "your role changed in a reload; the subscription ends");
                c->closing = true;
                rd_conn_send(c, &(rd_buf) {});
        }
}

/* ---- Re-planning ------------------------------------------------------ */

long rd_today_week_index(void) {
        const char *e = getenv("ROSTERD_TODAY");
        rc_date date;
        struct tm tm;
        time_t now;

        if (e && rc_date_parse(e, &date) == 0)
                return rc_week_index(rc_date_week(date, NULL));
        now = time(NULL);
        localtime_r(&now, &tm);
        date = (rc_date) { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
        return rc_week_index(rc_date_week(date, NULL));
}

static bool has_rosters(const rd_slot *slot) {
        return slot->approved || rd_slot_open_proposal(slot);
}

static bool same_week(rc_week a, rc_week b) {
        return a.year == b.year && a.week == b.week;
}

static int on_replan(sd_event_source *src, uint64_t usec, void *userdata) {
        rd_server *s = userdata;
        rd_replan *items = s->replan;
        size_t n = s->n_replan;

        (void) src;
        (void) usec;
        s->replan = NULL;
        s->n_replan = 0;
        for (size_t i = 0; i < n; i++) {
                rc_week week = rc_week_from_index(items[i].week);
                rd_slot *slot = rd_state_slot(s, items[i].employer, week, false);
                int r;

                /* A queued re-plan reads the documents when it starts, so
                 * it already sees this change. */
                if (slot && has_rosters(slot) && !rd_jobs_queued(s, week, slot->employer)) {
                        r = rd_jobs_submit(s, week, slot->employer, true, NULL, NULL);
                        if (r < 0) {
                                rd_log_fields f = RD_LOG_FIELDS_NONE;
                                f.week = slot->week_text;
                                f.employer = slot->employer;
                                rd_log(LOG_WARNING, &f, "Cannot queue the re-plan of %s in %s: %s",
                                       slot->employer, slot->week_text, strerror(-r));
                        }
                }
                free(items[i].employer);
        }
        free(items);
        rd_jobs_run(s);
        return 0;
}

/* Notes @slot for re-planning; with @first at the front of the notes
 * (moved there when noted already), so that its solve is queued before
 * the others of the burst. */
static void note_slot(rd_server *s, const rd_slot *slot, bool first) {
        long index = rc_week_index(slot->week);
        size_t at = s->n_replan;
        int r;

        if (index < rd_today_week_index() || !has_rosters(slot))
                return;
        for (size_t i = 0; i < s->n_replan; i++)
                if (s->replan[i].week == index && strcmp(s->replan[i].employer, slot->employer) == 0)
                        at = i;
        if (at == s->n_replan) {
                rd_replan *more = realloc(s->replan, (s->n_replan + 1) * sizeof(*more));
                if (!more)
                        return;
                s->replan = more;
                more[at] = (rd_replan) { index, strdup(slot->employer) };
                if (!more[at].employer)
                        return;
                s->n_replan++;
        }
        if (first && at > 0) {
                rd_replan item = s->replan[at];
                memmove(&s->replan[1], &s->replan[0], at * sizeof(*s->replan));
                s->replan[0] = item;
        }

        if (!s->replan_timer) {
                r = sd_event_add_time_relative(s->event, &s->replan_timer, CLOCK_MONOTONIC,
                                               RD_REPLAN_DELAY_USEC, 0, on_replan, s);
                if (r < 0)
                        rd_logf(LOG_WARNING, "Cannot arm the re-planning timer: %s", strerror(-r));
                return;
        }
        sd_event_source_set_time_relative(s->replan_timer, RD_REPLAN_DELAY_USEC);
        sd_event_source_set_enabled(s->replan_timer, SD_EVENT_ONESHOT);
}

void rd_replan_note_slot(rd_server *s, const rd_slot *slot) {
        note_slot(s, slot, false);
}

bool rd_replan_noted(const rd_server *s, const rd_slot *slot) {
        long index = rc_week_index(slot->week);

        for (size_t i = 0; i < s->n_replan; i++)
                if (s->replan[i].week == index && strcmp(s->replan[i].employer, slot->employer) == 0)
                        return true;
        return false;
}

void rd_replan_note_week(rd_server *s, rc_week week, const char *except) {
        for (size_t i = 0; i < s->n_slots; i++)
                if (same_week(s->slots[i]->week, week) &&
                    (!except || strcmp(s->slots[i]->employer, except) != 0))
                        rd_replan_note_slot(s, s->slots[i]);
}

static bool timetable_covers(const rc_document *doc, rc_week week) {
        const rc_timetable *t = &doc->timetable;

        return !t->has_weeks || rc_week_set_contains(&t->weeks, week);
}

/* ---- Which re-plans come first ---------------------------------------- */

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

void rd_replan_note_document(rd_server *s, const rc_document *doc) {
        const rc_document *old = NULL;
        touched changed = {};
        changed_candidates people = {};
        const rd_slot **first = NULL;
        size_t n_first = 0;

        if (doc->kind == RC_KIND_TIMETABLE) {
                for (size_t i = 0; i < s->corpus.n_timetables; i++)
                        if (strcmp(s->corpus.timetables[i]->timetable.school,
                                   doc->timetable.school) == 0)
                                old = s->corpus.timetables[i];
                changed.widen = longest_travel(rd_settings(s));
                touched_by_timetable(&changed, old ? &old->timetable : NULL, &doc->timetable);
                first = calloc(s->n_slots + 1, sizeof(*first));
        } else if (doc->kind == RC_KIND_CANDIDATES) {
                changed_by_candidates(s, &doc->candidates, &people);
        }

        for (size_t i = 0; i < s->n_slots; i++) {
                const rd_slot *slot = s->slots[i];
                bool affected;

                switch (doc->kind) {
                case RC_KIND_SHIFT_NEEDS:
                        /* Each employer is planned apart, with the others'
                         * approved rosters fixed: only its own rosters read
                         * its shift needs. */
                        affected = strcmp(slot->employer, doc->shift_needs.employer) == 0 &&
                                   rc_week_set_contains(&doc->shift_needs.weeks, slot->week);
                        break;
                case RC_KIND_TIMETABLE:
                        affected = (timetable_covers(doc, slot->week) ||
                                    (old && timetable_covers(old, slot->week))) &&
                                   (changed.failed || may_work_for(s, &changed, slot));
                        break;
                case RC_KIND_CANDIDATES:
                        affected = change_reaches(s, &people, slot);
                        break;
                default:
                        affected = false;
                        break;
                }
                if (!affected)
                        continue;
                /* Rosters that give someone work during one of their new
                 * classes are re-planned before the rest, which may only
                 * gain from the change: with many rosters in a week and
                 * few workers, the plans the change broke are fixed
                 * first. */
                if (first && !changed.failed && plan_conflicts(slot, &changed))
                        first[n_first++] = slot;
                else
                        rd_replan_note_slot(s, slot);
        }
        /* Backwards, each to the front: they keep their order. */
        for (size_t i = n_first; i > 0; i--)
                note_slot(s, first[i - 1], true);
        free(first);
        free(changed.ids);
        free(changed.sessions);
        free(people.before);
        free(people.after);
}

void rd_replan_free(rd_server *s) {
        s->replan_timer = sd_event_source_disable_unref(s->replan_timer);
        for (size_t i = 0; i < s->n_replan; i++)
                free(s->replan[i].employer);
        free(s->replan);
        s->replan = NULL;
        s->n_replan = 0;
}
