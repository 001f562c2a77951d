/* config/timetable.c -- kind: timetable (SPEC §3.2, §10.13). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

void rc_timetable_done(rc_timetable *t) {
        free(t->school);
        free(t->weeks.ranges);
        free(t->closed_dates);
        free(t->closed_weeks);
        for (size_t i = 0; t->groups && i < t->n_groups; i++) {
                rc_group *g = &t->groups[i];
                free(g->id);
                free(g->location);
                free(g->sessions);
                rc_strv_free(g->participants, g->n_participants);
        }
        free(t->groups);
        *t = (rc_timetable) {};
}

static void load_session(rc_ctx *ctx, const rc_node *node, rc_session *ret) {
        static const char *const keys[] = { "day", "start", "end", NULL };
        bool ok = true;

        if (!rc_check_mapping(ctx, node, keys))
                return;
        if (rc_field(ctx, node, "day", true, rc_parse_day, &ret->day) != 1)
                ok = false;
        if (rc_field(ctx, node, "start", true, rc_parse_time, &ret->start) != 1)
                ok = false;
        if (rc_field(ctx, node, "end", true, rc_parse_time, &ret->end) != 1)
                ok = false;
        if (ok && ret->end <= ret->start) {
                size_t saved = rc_ctx_push_key(ctx, "end");
                rc_ctx_diag(ctx, rc_node_get(node, "end"),
                            "a class session must end after it starts, on the same day");
                rc_ctx_pop(ctx, saved);
        }
}

static void load_group(rc_ctx *ctx, const rc_node *node, rc_group *g) {
        static const char *const keys[] = { "id", "level", "location", "sessions", "participants",
                                            NULL };
        const rc_node *v;
        size_t saved;

        if (!rc_check_mapping(ctx, node, keys))
                return;
        rc_field(ctx, node, "id", true, rc_parse_id, &g->id);
        g->has_level = rc_field(ctx, node, "level", false, rc_parse_level, &g->level) == 1;
        rc_field(ctx, node, "location", false, rc_parse_id, &g->location);

        v = rc_field_begin(ctx, node, "sessions", true, &saved);
        if (v && rc_check_sequence(ctx, v, "a sequence of sessions like {day: tue, start: \"09:00\", "
                                           "end: \"12:00\"}")) {
                g->sessions = calloc(v->n_items + 1, sizeof(*g->sessions));
                if (!g->sessions) {
                        ctx->error = -ENOMEM;
                } else {
                        g->n_sessions = v->n_items;
                        for (size_t i = 0; i < v->n_items; i++) {
                                size_t s = rc_ctx_push_index(ctx, i);
                                load_session(ctx, v->items[i], &g->sessions[i]);
                                rc_ctx_pop(ctx, s);
                        }
                }
        }
        rc_ctx_pop(ctx, saved);

        rc_field_ids(ctx, node, "participants", false, "participant", &g->participants,
                     &g->n_participants);
}

/* closed: a list of dates and whole weeks. */
static void load_closed(rc_ctx *ctx, const rc_node *v, rc_timetable *t) {
        rc_named *named;
        size_t n_named = 0;

        if (!rc_check_sequence(ctx, v, "a sequence of dates (2026-12-24) and weeks (2026-W53)"))
                return;
        t->closed_dates = calloc(v->n_items + 1, sizeof(*t->closed_dates));
        t->closed_weeks = calloc(v->n_items + 1, sizeof(*t->closed_weeks));
        named = calloc(v->n_items + 1, sizeof(*named));
        if (!t->closed_dates || !t->closed_weeks || !named) {
                free(named);
                ctx->error = -ENOMEM;
                return;
        }
        for (size_t i = 0; i < v->n_items; i++) {
                const rc_node *item = v->items[i];
                size_t s = rc_ctx_push_index(ctx, i);
                bool ok;

                /* A week has a 'W' in it; anything else must be a date. */
                if (item->type == RC_NODE_SCALAR && !item->null && strchr(item->text, 'W'))
                        ok = rc_parse_week(ctx, item, &t->closed_weeks[t->n_closed_weeks]) &&
                             ++t->n_closed_weeks;
                else
                        ok = rc_parse_date(ctx, item, &t->closed_dates[t->n_closed_dates]) &&
                             ++t->n_closed_dates;
                /* Both forms are exact, so equal values are equal texts. */
                if (ok)
                        named[n_named++] = (rc_named) { item->text, item, i };
                rc_ctx_pop(ctx, s);
        }
        rc_report_duplicates(ctx, named, n_named, NULL, "closed day or week");
        free(named);
}

void rc_load_timetable(rc_ctx *ctx, const rc_node *root, rc_timetable *ret) {
        static const char *const keys[] = { "kind", "version", "school", "weeks", "closed", "groups",
                                            NULL };
        const rc_node *v;
        size_t saved;

        rc_check_mapping(ctx, root, keys);
        rc_field(ctx, root, "school", true, rc_parse_id, &ret->school);
        ret->has_weeks = rc_field(ctx, root, "weeks", false, rc_parse_weeks, &ret->weeks) == 1;

        v = rc_field_begin(ctx, root, "closed", false, &saved);
        if (v)
                load_closed(ctx, v, ret);
        rc_ctx_pop(ctx, saved);

        v = rc_field_begin(ctx, root, "groups", true, &saved);
        if (v && rc_check_sequence(ctx, v, "a sequence of groups")) {
                rc_named *named = calloc(v->n_items + 1, sizeof(*named));
                size_t n_named = 0;

                ret->groups = calloc(v->n_items + 1, sizeof(*ret->groups));
                if (!ret->groups || !named) {
                        free(named);
                        ctx->error = -ENOMEM;
                        rc_ctx_pop(ctx, saved);
                        return;
                }
                ret->n_groups = v->n_items;
                for (size_t i = 0; i < v->n_items && !ctx->error; i++) {
                        size_t s = rc_ctx_push_index(ctx, i);
                        load_group(ctx, v->items[i], &ret->groups[i]);
                        if (ret->groups[i].id)
                                named[n_named++] = (rc_named) { ret->groups[i].id,
                                                                rc_node_get(v->items[i], "id"), i };
                        rc_ctx_pop(ctx, s);
                }
                rc_report_duplicates(ctx, named, n_named, ".id", "group id");
                free(named);
        }
        rc_ctx_pop(ctx, saved);
}
