/* config/roster.c -- kind: roster (SPEC §5) read back as input: an approved
 * roster to respect when re-planning. Only what re-planning needs is read;
 * the other keys the roster writer emits are accepted unread. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

void rc_roster_done(rc_roster *r) {
        free(r->employer);
        for (size_t i = 0; r->positions && i < r->n_positions; i++) {
                rc_roster_position *p = &r->positions[i];
                free(p->id);
                for (size_t k = 0; p->assignments && k < p->n_assignments; k++)
                        free(p->assignments[k].candidate);
                free(p->assignments);
        }
        free(r->positions);
        *r = (rc_roster) {};
}

static bool parse_state(rc_ctx *ctx, const rc_node *node, void *ret) {
        static const char *const names[_RC_ROSTER_STATE_MAX] = {
                [RC_ROSTER_PROPOSAL] = "proposal",
                [RC_ROSTER_APPROVED] = "approved",
                [RC_ROSTER_SUPERSEDED] = "superseded",
        };

        if (node->type == RC_NODE_BAD)
                return false;
        if (node->type == RC_NODE_SCALAR && strlen(node->text) == node->length)
                for (int s = 0; s < _RC_ROSTER_STATE_MAX; s++)
                        if (strcmp(node->text, names[s]) == 0) {
                                *(rc_roster_state *) ret = (rc_roster_state) s;
                                return true;
                        }
        char what[96];
        rc_node_describe(node, what);
        rc_ctx_diag(ctx, node, "expected a state: proposal, approved or superseded, got %s", what);
        return false;
}

static void load_assignment(rc_ctx *ctx, const rc_node *node, rc_roster_assignment *a) {
        static const char *const keys[] = { "day", "start", "end", "candidate", NULL };

        if (!rc_check_mapping(ctx, node, keys))
                return;
        rc_field(ctx, node, "day", true, rc_parse_day, &a->day);
        rc_field(ctx, node, "start", true, rc_parse_time, &a->start);
        rc_field(ctx, node, "end", true, rc_parse_time, &a->end);
        rc_field(ctx, node, "candidate", true, rc_parse_id, &a->candidate);
}

static void load_position(rc_ctx *ctx, const rc_node *node, rc_roster_position *p) {
        static const char *const keys[] = { "id", "title", "people", "assignments", "uncovered",
                                            NULL };
        const rc_node *v;
        size_t saved;

        if (!rc_check_mapping(ctx, node, keys))
                return;
        rc_field(ctx, node, "id", true, rc_parse_id, &p->id);
        v = rc_field_begin(ctx, node, "assignments", false, &saved);
        if (v && rc_check_sequence(ctx, v, "a sequence of assignments like {day: mon, start: "
                                           "\"07:00\", end: \"15:30\", candidate: c-017}")) {
                p->assignments = calloc(v->n_items + 1, sizeof(*p->assignments));
                if (!p->assignments) {
                        ctx->error = -ENOMEM;
                } else {
                        p->n_assignments = v->n_items;
                        for (size_t i = 0; i < v->n_items; i++) {
                                size_t k = rc_ctx_push_index(ctx, i);
                                load_assignment(ctx, v->items[i], &p->assignments[i]);
                                rc_ctx_pop(ctx, k);
                        }
                }
        }
        rc_ctx_pop(ctx, saved);
}

void rc_load_roster(rc_ctx *ctx, const rc_node *root, rc_roster *ret) {
        static const char *const keys[] = { "kind", "version", "employer", "week", "revision",
                                            "state", "based_on", "status", "infeasible", "solver", "coverage",
                                            "positions", "candidates", "changes", NULL };
        const rc_node *v;
        size_t saved;

        ret->revision = -1;
        rc_check_mapping(ctx, root, keys);
        rc_field(ctx, root, "employer", true, rc_parse_id, &ret->employer);
        rc_field(ctx, root, "week", true, rc_parse_week, &ret->week);
        rc_field(ctx, root, "revision", false, rc_parse_long,
                 &(rc_long_spec) { 0, 999999999999999999L, &ret->revision });
        rc_field(ctx, root, "state", true, parse_state, &ret->state);

        v = rc_field_begin(ctx, root, "positions", true, &saved);
        if (v && rc_check_sequence(ctx, v, "a sequence of positions")) {
                rc_named *named = calloc(v->n_items + 1, sizeof(*named));
                size_t n_named = 0;

                ret->positions = calloc(v->n_items + 1, sizeof(*ret->positions));
                if (!ret->positions || !named) {
                        free(named);
                        ctx->error = -ENOMEM;
                        rc_ctx_pop(ctx, saved);
                        return;
                }
                ret->n_positions = v->n_items;
                for (size_t i = 0; i < v->n_items && !ctx->error; i++) {
                        size_t k = rc_ctx_push_index(ctx, i);
                        load_position(ctx, v->items[i], &ret->positions[i]);
                        if (ret->positions[i].id)
                                named[n_named++] = (rc_named) { ret->positions[i].id,
                                                                rc_node_get(v->items[i], "id"), i };
                        rc_ctx_pop(ctx, k);
                }
                rc_report_duplicates(ctx, named, n_named, ".id", "position id");
                free(named);
        }
        rc_ctx_pop(ctx, saved);
}
