/* daemon/daemon-publish.c -- subscribers, and re-planning weeks whose
 * input changed (which ones: daemon-scope.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon-server.h"

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


void rd_replan_note_document(rd_server *s, const rc_document *doc) {
        rd_scope *scope = rd_scope_new(s, doc);
        const rd_slot **first = calloc(s->n_slots + 1, sizeof(*first));
        size_t n_first = 0;

        for (size_t i = 0; i < s->n_slots; i++) {
                const rd_slot *slot = s->slots[i];

                /* Out of memory: every roster, in no special order. */
                if (scope && !rd_scope_changes(s, scope, slot))
                        continue;
                /* Rosters that the change may have broken are re-planned
                 * before the rest, which may only gain from it: with many
                 * rosters in a week and few workers, those are fixed
                 * first. */
                if (scope && first && rd_scope_may_break(scope, slot))
                        first[n_first++] = slot;
                else
                        rd_replan_note_slot(s, slot);
        }
        /* Backwards, each to the front: they keep their order. */
        for (size_t i = n_first; i > 0; i--)
                note_slot(s, first[i - 1], true);
        free(first);
        rd_scope_free(scope);
}

void rd_replan_free(rd_server *s) {
        s->replan_timer = sd_event_source_disable_unref(s->replan_timer);
        for (size_t i = 0; i < s->n_replan; i++)
                free(s->replan[i].employer);
        free(s->replan);
        s->replan = NULL;
        s->n_replan = 0;
}
