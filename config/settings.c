/* config/settings.c -- kind: config, the daemon configuration (SPEC §3.4). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

/* The defaults live in static storage so that rc_settings_init() cannot
 * fail; rc_settings_done() and rc_settings_copy() know these addresses and
 * never free or copy them. Nothing writes to them. */
static char default_socket[] = "/run/rosterd/rosterd.sock";
static char default_state_dir[] = "/var/lib/rosterd";
static rs_break_rule default_breaks[] = { { 330, 30 }, { 600, 45 } };

const char *rc_role_to_string(rc_role role) {
        static const char *const table[_RC_ROLE_MAX] = {
                [RC_ROLE_EMPLOYER] = "employer",
                [RC_ROLE_SCHOOL] = "school",
                [RC_ROLE_ACCOUNTMANAGER] = "accountmanager",
                [RC_ROLE_ADMIN] = "admin",
        };

        if ((int) role < 0 || role >= _RC_ROLE_MAX)
                return NULL;
        return table[role];
}

void rc_settings_init(rc_settings *s) {
        *s = (rc_settings) {
                .socket = default_socket,
                .state_dir = default_state_dir,
                .solver = { .time_limit = 30, .gap = 0, .workers = 2 },
                .limits = { .message = 4u << 20, .connections = 256,
                            .subscriber_backlog = 4u << 20, .idle = 300 },
                .travel = { .default_minutes = 30 },
                .rules = { .max_shift = 12 * 60, .max_week = 60 * 60, .min_rest = 11 * 60,
                           .max_blocks_per_day = 1, .breaks = default_breaks,
                           .n_breaks = sizeof(default_breaks) / sizeof(default_breaks[0]) },
        };
}

static void access_rule_done(rc_access_rule *a) {
        free(a->user);
        free(a->group);
        rc_strv_free(a->employers, a->n_employers);
        rc_strv_free(a->schools, a->n_schools);
}

void rc_settings_done(rc_settings *s) {
        if (!s)
                return;
        if (s->socket != default_socket)
                free(s->socket);
        if (s->state_dir != default_state_dir)
                free(s->state_dir);
        for (size_t i = 0; s->travel.pairs && i < s->travel.n_pairs; i++) {
                free(s->travel.pairs[i].from);
                free(s->travel.pairs[i].to);
        }
        free(s->travel.pairs);
        if (s->rules.breaks != default_breaks)
                free(s->rules.breaks);
        for (size_t i = 0; s->access && i < s->n_access; i++)
                access_rule_done(&s->access[i]);
        free(s->access);
        rc_settings_init(s);
}

static int strv_copy(char *const *src, size_t n, char ***ret) {
        char **v = calloc(n + 1, sizeof(*v));

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                if (!(v[i] = strdup(src[i]))) {
                        rc_strv_free(v, i);
                        return -ENOMEM;
                }
        *ret = v;
        return 0;
}

static char *dup_or_null(const char *s, bool *oom) {
        char *d = s ? strdup(s) : NULL;

        if (s && !d)
                *oom = true;
        return d;
}

int rc_settings_copy(const rc_settings *src, rc_settings *ret) {
        rc_settings s;
        bool oom = false;

        rc_settings_init(&s);
        s.solver.time_limit = src->solver.time_limit;
        s.solver.gap = src->solver.gap;
        s.solver.workers = src->solver.workers;
        s.limits.message = src->limits.message;
        s.limits.connections = src->limits.connections;
        s.limits.subscriber_backlog = src->limits.subscriber_backlog;
        s.limits.idle = src->limits.idle;
        s.travel.default_minutes = src->travel.default_minutes;
        s.rules.max_shift = src->rules.max_shift;
        s.rules.max_week = src->rules.max_week;
        s.rules.min_rest = src->rules.min_rest;
        s.rules.max_blocks_per_day = src->rules.max_blocks_per_day;

        if (src->socket != default_socket)
                s.socket = dup_or_null(src->socket, &oom);
        if (src->state_dir != default_state_dir)
                s.state_dir = dup_or_null(src->state_dir, &oom);
        if (src->rules.breaks != default_breaks) {
                s.rules.breaks = calloc(src->rules.n_breaks + 1, sizeof(*s.rules.breaks));
                if (!s.rules.breaks) {
                        oom = true;
                } else {
                        if (src->rules.n_breaks > 0)
                                memcpy(s.rules.breaks, src->rules.breaks,
                                       src->rules.n_breaks * sizeof(*s.rules.breaks));
                        s.rules.n_breaks = src->rules.n_breaks;
                }
        }
        if (!oom && src->travel.n_pairs > 0) {
                s.travel.pairs = calloc(src->travel.n_pairs, sizeof(*s.travel.pairs));
                if (!s.travel.pairs)
                        oom = true;
                for (size_t i = 0; !oom && i < src->travel.n_pairs; i++) {
                        s.travel.pairs[i].from = dup_or_null(src->travel.pairs[i].from, &oom);
                        s.travel.pairs[i].to = dup_or_null(src->travel.pairs[i].to, &oom);
                        s.travel.pairs[i].minutes = src->travel.pairs[i].minutes;
                        s.travel.n_pairs = i + 1;
                }
        }
        if (!oom && src->n_access > 0) {
                s.access = calloc(src->n_access, sizeof(*s.access));
                if (!s.access)
                        oom = true;
                for (size_t i = 0; !oom && i < src->n_access; i++) {
                        const rc_access_rule *a = &src->access[i];
                        rc_access_rule *b = &s.access[i];
                        s.n_access = i + 1;
                        b->role = a->role;
                        b->user = dup_or_null(a->user, &oom);
                        b->group = dup_or_null(a->group, &oom);
                        if (!oom && a->employers) {
                                if (strv_copy(a->employers, a->n_employers, &b->employers) < 0)
                                        oom = true;
                                else
                                        b->n_employers = a->n_employers;
                        }
                        if (!oom && a->schools) {
                                if (strv_copy(a->schools, a->n_schools, &b->schools) < 0)
                                        oom = true;
                                else
                                        b->n_schools = a->n_schools;
                        }
                }
        }
        if (oom) {
                rc_settings_done(&s);
                return -ENOMEM;
        }
        *ret = s;
        return 0;
}

/* ---- Loading ---- */

static bool parse_path(rc_ctx *ctx, const rc_node *node, void *ret, size_t max) {
        char *s = NULL;
        char expected[96];

        if (!rc_parse_text(ctx, node, &s))
                return false;
        if (s[0] != '/' || strlen(s) >= max) {
                snprintf(expected, sizeof(expected), "an absolute path of at most %zu bytes",
                         max - 1);
                char what[96];
                rc_node_describe(node, what);
                rc_ctx_diag(ctx, node, "expected %s, got %s", expected, what);
                free(s);
                return false;
        }
        *(char **) ret = s;
        return true;
}

static bool parse_socket_path(rc_ctx *ctx, const rc_node *node, void *ret) {
        /* sizeof(struct sockaddr_un.sun_path) on Linux is 108, NUL included. */
        return parse_path(ctx, node, ret, 108);
}

static bool parse_dir_path(rc_ctx *ctx, const rc_node *node, void *ret) {
        return parse_path(ctx, node, ret, 4096);
}

/* A local user or group name, or a numeric id. */
static bool parse_unix_name(rc_ctx *ctx, const rc_node *node, void *ret) {
        static const char expected[] =
                "a user or group name of letters, digits, '_', '.' and '-', at most 32 characters";
        char *s = NULL;
        size_t n;
        bool ok;

        if (!rc_parse_text(ctx, node, &s))
                return false;
        n = strlen(s);
        ok = n >= 1 && n <= 32 && s[0] != '-' && s[0] != '.';
        for (size_t i = 0; ok && i < n; i++)
                ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                     (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '.' || s[i] == '-' ||
                     (s[i] == '$' && i == n - 1);
        if (!ok) {
                char what[96];
                rc_node_describe(node, what);
                rc_ctx_diag(ctx, node, "expected %s, got %s", expected, what);
                free(s);
                return false;
        }
        *(char **) ret = s;
        return true;
}

static bool parse_role(rc_ctx *ctx, const rc_node *node, void *ret) {
        static const char expected[] = "a role: employer, school, accountmanager or admin";

        if (node->type == RC_NODE_SCALAR && !node->null && strlen(node->text) == node->length)
                for (int r = 0; r < _RC_ROLE_MAX; r++)
                        if (strcmp(node->text, rc_role_to_string((rc_role) r)) == 0) {
                                *(rc_role *) ret = (rc_role) r;
                                return true;
                        }
        if (node->type == RC_NODE_BAD)
                return false;
        char what[96];
        rc_node_describe(node, what);
        rc_ctx_diag(ctx, node, "expected %s, got %s", expected, what);
        return false;
}

/* employers: / schools: of an access rule: ids, or "*" for all. */
static void load_scope(rc_ctx *ctx, const rc_node *rule, const char *key, const char *what,
                       char ***ret, size_t *ret_n) {
        size_t saved;
        const rc_node *v = rc_field_begin(ctx, rule, key, false, &saved);
        char expected[64];
        char **ids;

        if (!v)
                return;
        snprintf(expected, sizeof(expected), "a sequence of %s ids or \"*\" for all", what);
        if (!rc_check_sequence(ctx, v, expected))
                goto finish;
        ids = calloc(v->n_items + 1, sizeof(*ids));
        if (!ids) {
                ctx->error = -ENOMEM;
                goto finish;
        }
        *ret = ids;
        for (size_t i = 0; i < v->n_items; i++) {
                const rc_node *item = v->items[i];
                size_t s = rc_ctx_push_index(ctx, i);
                if (item->type == RC_NODE_SCALAR && strcmp(item->text, "*") == 0 &&
                    item->length == 1) {
                        if (!(ids[i] = strdup("*")))
                                ctx->error = -ENOMEM;
                } else {
                        rc_parse_id(ctx, item, &ids[i]);
                }
                *ret_n = i + 1;
                rc_ctx_pop(ctx, s);
        }
finish:
        rc_ctx_pop(ctx, saved);
}

static void load_access_rule(rc_ctx *ctx, const rc_node *node, rc_access_rule *a) {
        static const char *const keys[] = { "user", "group", "role", "employers", "schools", NULL };
        const rc_node *user, *group;

        if (!rc_check_mapping(ctx, node, keys))
                return;
        user = rc_node_get(node, "user");
        group = rc_node_get(node, "group");
        if (user && group) {
                size_t saved = rc_ctx_push_key(ctx, "group");
                rc_ctx_diag(ctx, group, "give either user or group, not both");
                rc_ctx_pop(ctx, saved);
        } else if (!user && !group) {
                rc_ctx_diag(ctx, node, "missing required key \"user\" (or \"group\")");
        } else {
                rc_field(ctx, node, user ? "user" : "group", true, parse_unix_name,
                         user ? &a->user : &a->group);
        }

        if (rc_field(ctx, node, "role", true, parse_role, &a->role) != 1)
                return;
        load_scope(ctx, node, "employers", "employer", &a->employers, &a->n_employers);
        load_scope(ctx, node, "schools", "school", &a->schools, &a->n_schools);

        /* A scope only means something for the role it limits. */
        static const struct { rc_role role; const char *key; } scopes[] = {
                { RC_ROLE_EMPLOYER, "employers" }, { RC_ROLE_SCHOOL, "schools" },
        };
        for (size_t i = 0; i < 2; i++) {
                const rc_node *v = rc_node_get(node, scopes[i].key);
                if (a->role == scopes[i].role && !v) {
                        rc_ctx_diag(ctx, node,
                                    "missing required key \"%s\" for role %s (ids, or \"*\" for all)",
                                    scopes[i].key, rc_role_to_string(a->role));
                } else if (a->role != scopes[i].role && v) {
                        size_t saved = rc_ctx_push_key(ctx, scopes[i].key);
                        rc_ctx_diag(ctx, v, "only role %s takes %s",
                                    rc_role_to_string(scopes[i].role), scopes[i].key);
                        rc_ctx_pop(ctx, saved);
                }
        }
}

static void load_solver(rc_ctx *ctx, const rc_node *node, rc_settings *s) {
        static const char *const keys[] = { "time_limit", "gap", "workers", NULL };
        long seconds;
        int workers;

        if (!rc_check_mapping(ctx, node, keys))
                return;
        if (rc_field(ctx, node, "time_limit", false, rc_parse_duration,
                     &(rc_duration_spec) { 0, 24 * 3600, true, &seconds }) == 1)
                s->solver.time_limit = (double) seconds;
        rc_field(ctx, node, "gap", false, rc_parse_number,
                 &(rc_number_spec) { 0, 1, false, &s->solver.gap });
        if (rc_field(ctx, node, "workers", false, rc_parse_int, &(rc_int_spec) { 1, 64, &workers }) == 1)
                s->solver.workers = (unsigned) workers;
}

static void load_limits(rc_ctx *ctx, const rc_node *node, rc_settings *s) {
        static const char *const keys[] = { "message", "connections", "subscriber_backlog", "idle",
                                            NULL };
        long idle;
        int connections;

        if (!rc_check_mapping(ctx, node, keys))
                return;
        rc_field(ctx, node, "message", false, rc_parse_size,
                 &(rc_size_spec) { 1024, 1u << 30, &s->limits.message });
        if (rc_field(ctx, node, "connections", false, rc_parse_int,
                     &(rc_int_spec) { 1, 65536, &connections }) == 1)
                s->limits.connections = (unsigned) connections;
        rc_field(ctx, node, "subscriber_backlog", false, rc_parse_size,
                 &(rc_size_spec) { 1024, 1u << 30, &s->limits.subscriber_backlog });
        if (rc_field(ctx, node, "idle", false, rc_parse_duration,
                     &(rc_duration_spec) { 1, 24 * 3600, true, &idle }) == 1)
                s->limits.idle = (double) idle;
}

static void load_travel(rc_ctx *ctx, const rc_node *node, rc_settings *s) {
        static const char *const keys[] = { "default", "between", NULL };
        static const char *const pair_keys[] = { "from", "to", "time", NULL };
        long minutes;
        const rc_node *v;
        size_t saved;
        rc_named *named = NULL;
        char **names = NULL;
        size_t n_named = 0;

        if (!rc_check_mapping(ctx, node, keys))
                return;
        if (rc_field(ctx, node, "default", false, rc_parse_duration,
                     &(rc_duration_spec) { 0, RS_MINUTES_PER_DAY, false, &minutes }) == 1)
                s->travel.default_minutes = (int) minutes;

        v = rc_field_begin(ctx, node, "between", false, &saved);
        if (!v || !rc_check_sequence(ctx, v, "a sequence of {from, to, time}"))
                goto finish;
        s->travel.pairs = calloc(v->n_items + 1, sizeof(*s->travel.pairs));
        named = calloc(v->n_items + 1, sizeof(*named));
        names = calloc(v->n_items + 1, sizeof(*names));
        if (!s->travel.pairs || !named || !names) {
                ctx->error = -ENOMEM;
                goto finish;
        }
        s->travel.n_pairs = v->n_items;
        for (size_t i = 0; i < v->n_items; i++) {
                rc_travel_pair *p = &s->travel.pairs[i];
                const rc_node *item = v->items[i];
                size_t k = rc_ctx_push_index(ctx, i);
                bool ok = rc_check_mapping(ctx, item, pair_keys);

                ok = ok && rc_field(ctx, item, "from", true, rc_parse_id, &p->from) == 1;
                ok = rc_field(ctx, item, "to", true, rc_parse_id, &p->to) == 1 && ok;
                if (rc_field(ctx, item, "time", true, rc_parse_duration,
                             &(rc_duration_spec) { 0, RS_MINUTES_PER_DAY, false, &minutes }) == 1)
                        p->minutes = (int) minutes;
                if (ok && strcmp(p->from, p->to) == 0) {
                        size_t t = rc_ctx_push_key(ctx, "to");
                        rc_ctx_diag(ctx, rc_node_get(item, "to"),
                                    "from and to are the same place; travel within a place is "
                                    "always 0");
                        rc_ctx_pop(ctx, t);
                } else if (ok) {
                        /* Symmetric: a pair and its reverse are one pair. */
                        bool ordered = strcmp(p->from, p->to) < 0;
                        if (asprintf(&names[n_named], "%s <-> %s", ordered ? p->from : p->to,
                                     ordered ? p->to : p->from) < 0) {
                                names[n_named] = NULL;
                                ctx->error = -ENOMEM;
                        } else {
                                named[n_named] = (rc_named) { names[n_named], item, i };
                                n_named++;
                        }
                }
                rc_ctx_pop(ctx, k);
        }
        rc_report_duplicates(ctx, named, n_named, NULL, "travel pair");
finish:
        rc_strv_free(names, n_named);
        free(named);
        rc_ctx_pop(ctx, saved);
}

static int compare_breaks(const void *a, const void *b) {
        const rs_break_rule *x = a, *y = b;

        return x->after < y->after ? -1 : x->after > y->after;
}

static void load_breaks(rc_ctx *ctx, const rc_node *v, rc_settings *s) {
        static const char *const keys[] = { "after", "take", NULL };
        rs_break_rule *breaks;
        rc_named *named;
        char **names;
        size_t n_named = 0;

        if (!rc_check_sequence(ctx, v, "a sequence of {after, take}"))
                return;
        breaks = calloc(v->n_items + 1, sizeof(*breaks));
        named = calloc(v->n_items + 1, sizeof(*named));
        names = calloc(v->n_items + 1, sizeof(*names));
        if (!breaks || !named || !names) {
                free(breaks);
                ctx->error = -ENOMEM;
                goto finish;
        }
        s->rules.breaks = breaks;
        s->rules.n_breaks = v->n_items;
        for (size_t i = 0; i < v->n_items; i++) {
                const rc_node *item = v->items[i];
                size_t k = rc_ctx_push_index(ctx, i);
                long after = 0, take = 0;
                bool ok = rc_check_mapping(ctx, item, keys);

                ok = ok && rc_field(ctx, item, "after", true, rc_parse_duration,
                                    &(rc_duration_spec) { 1, RS_MINUTES_PER_DAY, false, &after }) == 1;
                ok = rc_field(ctx, item, "take", true, rc_parse_duration,
                              &(rc_duration_spec) { 1, RS_MINUTES_PER_DAY, false, &take }) == 1 && ok;
                breaks[i] = (rs_break_rule) { (int) after, (int) take };
                if (ok && take >= after) {
                        size_t t = rc_ctx_push_key(ctx, "take");
                        rc_ctx_diag(ctx, rc_node_get(item, "take"),
                                    "a break must be shorter than the work it follows (after)");
                        rc_ctx_pop(ctx, t);
                } else if (ok) {
                        if (asprintf(&names[n_named], "after %ldm", after) < 0) {
                                names[n_named] = NULL;
                                ctx->error = -ENOMEM;
                        } else {
                                named[n_named] = (rc_named) { names[n_named], rc_node_get(item, "after"), i };
                                n_named++;
                        }
                }
                rc_ctx_pop(ctx, k);
        }
        rc_report_duplicates(ctx, named, n_named, ".after", "break rule");
        rc_sort(breaks, v->n_items, sizeof(*breaks), compare_breaks);
finish:
        rc_strv_free(names, n_named);
        free(named);
}

static void load_rules(rc_ctx *ctx, const rc_node *node, rc_settings *s) {
        static const char *const keys[] = { "max_shift", "max_week", "min_rest", "breaks",
                                            "max_blocks_per_day", NULL };
        long v;
        size_t saved;
        const rc_node *b;

        if (!rc_check_mapping(ctx, node, keys))
                return;
        if (rc_field(ctx, node, "max_shift", false, rc_parse_duration,
                     &(rc_duration_spec) { 1, RS_MINUTES_PER_DAY, false, &v }) == 1)
                s->rules.max_shift = (int) v;
        if (rc_field(ctx, node, "max_week", false, rc_parse_duration,
                     &(rc_duration_spec) { 1, 168 * 60, false, &v }) == 1)
                s->rules.max_week = (int) v;
        if (rc_field(ctx, node, "min_rest", false, rc_parse_duration,
                     &(rc_duration_spec) { 0, RS_MINUTES_PER_DAY, false, &v }) == 1)
                s->rules.min_rest = (int) v;
        rc_field(ctx, node, "max_blocks_per_day", false, rc_parse_int,
                 &(rc_int_spec) { 1, 24, &s->rules.max_blocks_per_day });
        b = rc_field_begin(ctx, node, "breaks", false, &saved);
        if (b)
                load_breaks(ctx, b, s);
        rc_ctx_pop(ctx, saved);
}

void rc_load_settings(rc_ctx *ctx, const rc_node *root, rc_settings *ret) {
        static const char *const keys[] = { "kind", "version", "socket", "state_dir", "solver",
                                            "limits", "travel", "rules", "access", NULL };
        static void (*const sections[])(rc_ctx *, const rc_node *, rc_settings *) = {
                load_solver, load_limits, load_travel, load_rules,
        };
        static const char *const section_keys[] = { "solver", "limits", "travel", "rules" };
        const rc_node *v;
        size_t saved;

        rc_settings_init(ret);
        rc_check_mapping(ctx, root, keys);
        rc_field(ctx, root, "socket", false, parse_socket_path, &ret->socket);
        rc_field(ctx, root, "state_dir", false, parse_dir_path, &ret->state_dir);
        for (size_t i = 0; i < 4; i++) {
                v = rc_field_begin(ctx, root, section_keys[i], false, &saved);
                if (v)
                        sections[i](ctx, v, ret);
                rc_ctx_pop(ctx, saved);
        }

        v = rc_field_begin(ctx, root, "access", false, &saved);
        if (v && rc_check_sequence(ctx, v, "a sequence of access rules")) {
                ret->access = calloc(v->n_items + 1, sizeof(*ret->access));
                if (!ret->access) {
                        ctx->error = -ENOMEM;
                } else {
                        ret->n_access = v->n_items;
                        for (size_t i = 0; i < v->n_items; i++) {
                                size_t k = rc_ctx_push_index(ctx, i);
                                load_access_rule(ctx, v->items[i], &ret->access[i]);
                                rc_ctx_pop(ctx, k);
                        }
                }
        }
        rc_ctx_pop(ctx, saved);
}
