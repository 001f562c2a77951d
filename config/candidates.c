/* config/candidates.c -- kind: candidates (SPEC §3.3, §10.12, §10.14). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

void rc_candidate_done(rc_candidate *c) {
        free(c->file);
        free(c->id);
        free(c->name);
        rc_strv_free(c->skills, c->n_skills);
        free(c->home);
        rc_strv_free(c->employers, c->n_employers);
        for (size_t i = 0; c->unavailable && i < c->n_unavailable; i++)
                free(c->unavailable[i].reason);
        free(c->unavailable);
        *c = (rc_candidate) {};
}

void rc_candidates_done(rc_candidates *c) {
        for (size_t i = 0; c->candidates && i < c->n_candidates; i++)
                rc_candidate_done(&c->candidates[i]);
        free(c->candidates);
        rc_strv_free(c->remove, c->n_remove);
        *c = (rc_candidates) {};
}

static void load_unavailable(rc_ctx *ctx, const rc_node *node, rc_unavailable *u) {
        static const char *const keys[] = { "day", "date", "start", "end", "reason", NULL };
        const rc_node *day, *date, *start, *end;

        if (!rc_check_mapping(ctx, node, keys))
                return;
        day = rc_node_get(node, "day");
        date = rc_node_get(node, "date");
        if (day && date) {
                size_t saved = rc_ctx_push_key(ctx, "date");
                rc_ctx_diag(ctx, date, "give either day or date, not both");
                rc_ctx_pop(ctx, saved);
        } else if (!day && !date) {
                rc_ctx_diag(ctx, node, "missing required key \"day\" (or \"date\")");
        } else if (date) {
                u->dated = true;
                rc_field(ctx, node, "date", true, rc_parse_date, &u->date);
        } else {
                rc_field(ctx, node, "day", true, rc_parse_day, &u->day);
        }

        start = rc_node_get(node, "start");
        end = rc_node_get(node, "end");
        if (!start && !end) {
                u->whole_day = true;
        } else if (!start || !end) {
                rc_ctx_diag(ctx, node, "give both start and end, or neither for the whole day");
        } else {
                rc_field(ctx, node, "start", true, rc_parse_time, &u->start);
                rc_field(ctx, node, "end", true, rc_parse_time, &u->end);
        }
        rc_field(ctx, node, "reason", false, rc_parse_text, &u->reason);
}

static void load_hours(rc_ctx *ctx, const rc_node *node, rc_candidate *c) {
        static const char *const keys[] = { "min", "target", "max", NULL };
        int r_min, r_target, r_max;

        if (!rc_check_mapping(ctx, node, keys))
                return;
        r_min = rc_field(ctx, node, "min", false, rc_parse_hours, &c->hours_min);
        r_target = rc_field(ctx, node, "target", false, rc_parse_hours, &c->hours_target);
        r_max = rc_field(ctx, node, "max", false, rc_parse_hours, &c->hours_max);
        if (r_min < 0 || r_target < 0 || r_max < 0)
                return;
        /* Only what is given here; the defaults are checked against the
         * rules when the problem is built. */
        if ((c->hours_min >= 0 && c->hours_target >= 0 && c->hours_min > c->hours_target) ||
            (c->hours_target >= 0 && c->hours_max >= 0 && c->hours_target > c->hours_max) ||
            (c->hours_min >= 0 && c->hours_max >= 0 && c->hours_min > c->hours_max))
                rc_ctx_diag(ctx, node, "expected min <= target <= max");
}

static void load_candidate(rc_ctx *ctx, const rc_node *node, rc_candidate *c) {
        static const char *const keys[] = { "id", "name", "language", "skills", "hours",
                                            "max_days", "home", "employers", "unavailable", NULL };
        const rc_node *v;
        size_t saved;

        c->hours_min = c->hours_target = c->hours_max = -1;
        c->max_days = 5;
        c->language = RS_LEVEL_A0;
        if (!rc_check_mapping(ctx, node, keys))
                return;
        c->mark = (rc_mark) { node->line, node->column };
        c->file = strdup(ctx->file);
        if (!c->file) {
                ctx->error = -ENOMEM;
                return;
        }
        rc_field(ctx, node, "id", true, rc_parse_id, &c->id);
        rc_field(ctx, node, "name", false, rc_parse_text, &c->name);
        rc_field(ctx, node, "language", false, rc_parse_level, &c->language);
        rc_field_ids(ctx, node, "skills", false, "skill", &c->skills, &c->n_skills);

        v = rc_field_begin(ctx, node, "hours", false, &saved);
        if (v)
                load_hours(ctx, v, c);
        rc_ctx_pop(ctx, saved);

        rc_field(ctx, node, "max_days", false, rc_parse_int, &(rc_int_spec) { 0, 7, &c->max_days });
        rc_field(ctx, node, "home", false, rc_parse_id, &c->home);
        c->has_employers = rc_field_ids(ctx, node, "employers", false, "employer", &c->employers,
                                        &c->n_employers) != 0;

        v = rc_field_begin(ctx, node, "unavailable", false, &saved);
        if (v && rc_check_sequence(ctx, v, "a sequence of entries like {day: fri, start: \"12:00\", "
                                           "end: \"14:00\"}")) {
                c->unavailable = calloc(v->n_items + 1, sizeof(*c->unavailable));
                if (!c->unavailable) {
                        ctx->error = -ENOMEM;
                } else {
                        c->n_unavailable = v->n_items;
                        for (size_t i = 0; i < v->n_items; i++) {
                                size_t s = rc_ctx_push_index(ctx, i);
                                load_unavailable(ctx, v->items[i], &c->unavailable[i]);
                                rc_ctx_pop(ctx, s);
                        }
                }
        }
        rc_ctx_pop(ctx, saved);
}

void rc_load_candidates(rc_ctx *ctx, const rc_node *root, rc_candidates *ret) {
        static const char *const keys[] = { "kind", "version", "candidates", "remove", NULL };
        rc_named *named = NULL;
        size_t n_named = 0, saved;
        const rc_node *v;

        rc_check_mapping(ctx, root, keys);
        if (!rc_node_get(root, "candidates") && !rc_node_get(root, "remove"))
                rc_ctx_diag(ctx, root, "missing required key \"candidates\" (or \"remove\")");

        v = rc_field_begin(ctx, root, "candidates", false, &saved);
        if (v && rc_check_sequence(ctx, v, "a sequence of candidates")) {
                named = calloc(v->n_items + 1, sizeof(*named));
                ret->candidates = calloc(v->n_items + 1, sizeof(*ret->candidates));
                if (!named || !ret->candidates) {
                        ctx->error = -ENOMEM;
                        goto finish;
                }
                ret->n_candidates = v->n_items;
                for (size_t i = 0; i < v->n_items && !ctx->error; i++) {
                        size_t s = rc_ctx_push_index(ctx, i);
                        rc_candidate *c = &ret->candidates[i];
                        c->index = i;
                        load_candidate(ctx, v->items[i], c);
                        if (c->id)
                                named[n_named++] = (rc_named) { c->id, rc_node_get(v->items[i], "id"),
                                                                i };
                        rc_ctx_pop(ctx, s);
                }
                rc_report_duplicates(ctx, named, n_named, ".id", "candidate id");
        }
        rc_ctx_pop(ctx, saved);

        if (rc_field_ids(ctx, root, "remove", false, "candidate", &ret->remove, &ret->n_remove) == 1 &&
            named) {
                /* The candidates' ids are sorted now; look each removed one up. */
                for (size_t i = 0; i < ret->n_remove; i++) {
                        size_t lo = 0, hi = n_named;
                        while (lo < hi) {
                                size_t mid = lo + (hi - lo) / 2;
                                if (strcmp(named[mid].name, ret->remove[i]) < 0)
                                        lo = mid + 1;
                                else
                                        hi = mid;
                        }
                        if (lo < n_named && strcmp(named[lo].name, ret->remove[i]) == 0) {
                                const rc_node *rm = rc_node_get(root, "remove");
                                saved = rc_ctx_push_key(ctx, "remove");
                                rc_ctx_push_index(ctx, i);
                                rc_ctx_diag(ctx, rm->items[i],
                                            "\"%s\" is also in candidates (line %u); upsert or "
                                            "remove it, not both",
                                            ret->remove[i], named[lo].node->line);
                                rc_ctx_pop(ctx, saved);
                        }
                }
        }
finish:
        free(named);
}
