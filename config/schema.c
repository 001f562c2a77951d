/* config/schema.c -- the field checks shared by every document kind. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

const char *const rc_weekday_names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

void rc_clock_format(int minute, char buf[static 8]) {
        int m = ((minute % RS_MINUTES_PER_DAY) + RS_MINUTES_PER_DAY) % RS_MINUTES_PER_DAY;
        snprintf(buf, 8, "%02d:%02d", m / 60, m % 60);
}

/* ---- Context ---- */

static size_t push(rc_ctx *ctx, const char *piece, size_t n) {
        size_t old = ctx->len;

        if (ctx->error)
                return old;
        if (ctx->len + n + 1 > ctx->cap) {
                size_t cap = ctx->cap ? ctx->cap : 64;
                while (ctx->len + n + 1 > cap)
                        cap *= 2;
                char *p = realloc(ctx->path, cap);
                if (!p) {
                        ctx->error = -ENOMEM;
                        return old;
                }
                ctx->path = p;
                ctx->cap = cap;
        }
        memcpy(ctx->path + ctx->len, piece, n);
        ctx->len += n;
        ctx->path[ctx->len] = '\0';
        return old;
}

size_t rc_ctx_push_key(rc_ctx *ctx, const char *key) {
        size_t old = ctx->len;

        if (ctx->len > 0)
                push(ctx, ".", 1);
        push(ctx, key, strlen(key));
        return old;
}

size_t rc_ctx_push_index(rc_ctx *ctx, size_t index) {
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "[%zu]", index);

        return push(ctx, buf, (size_t) n);
}

void rc_ctx_pop(rc_ctx *ctx, size_t len) {
        if (len <= ctx->len) {
                ctx->len = len;
                if (ctx->path)
                        ctx->path[len] = '\0';
        }
}

void rc_ctx_diag(rc_ctx *ctx, const rc_node *at, const char *format, ...) {
        char *message = NULL;
        va_list ap;
        int r;

        if (ctx->error)
                return;
        if (ctx->diags->n - ctx->first_diag >= RC_DOCUMENT_MAX_DIAGS) {
                ctx->dropped++;
                return;
        }
        va_start(ap, format);
        r = vasprintf(&message, format, ap);
        va_end(ap);
        if (r < 0) {
                ctx->error = -ENOMEM;
                return;
        }
        r = rc_diags_addf(ctx->diags, ctx->file, at ? at->line : 0, at ? at->column : 0,
                          ctx->path ? ctx->path : "", "%s", message);
        free(message);
        if (r < 0)
                ctx->error = r;
}

bool rc_ctx_failed(const rc_ctx *ctx) {
        return ctx->error < 0 || ctx->diags->n > ctx->first_diag;
}

void rc_node_describe(const rc_node *node, char buf[static 96]) {
        size_t o = 0;

        if (!node || node->type == RC_NODE_BAD) {
                snprintf(buf, 96, "nothing usable");
                return;
        }
        if (node->type == RC_NODE_MAPPING) {
                snprintf(buf, 96, "a mapping");
                return;
        }
        if (node->type == RC_NODE_SEQUENCE) {
                snprintf(buf, 96, "a sequence");
                return;
        }
        if (node->null) {
                snprintf(buf, 96, "nothing (null)");
                return;
        }
        /* Quoted, control characters escaped, long texts cut. */
        buf[o++] = '"';
        for (size_t i = 0; i < node->length; i++) {
                unsigned char c = (unsigned char) node->text[i];
                if (o > 80) {
                        memcpy(buf + o, "...", 3);
                        o += 3;
                        break;
                }
                if (c == '"' || c == '\\') {
                        buf[o++] = '\\';
                        buf[o++] = (char) c;
                } else if (c < 0x20 || c == 0x7f) {
                        o += (size_t) snprintf(buf + o, 96 - o, "\\x%02x", c);
                } else {
                        buf[o++] = (char) c;
                }
        }
        buf[o++] = '"';
        buf[o] = '\0';
}

/* ---- Structure ---- */

static const char *type_name(rc_node_type type) {
        switch (type) {
        case RC_NODE_MAPPING:
                return "a mapping";
        case RC_NODE_SEQUENCE:
                return "a sequence";
        default:
                return "a single value";
        }
}

static void wrong_type(rc_ctx *ctx, const rc_node *node, const char *expected) {
        if (node->type == RC_NODE_BAD)
                return;
        if (node->type == RC_NODE_SCALAR && node->null)
                rc_ctx_diag(ctx, node, "expected %s, got nothing (null)", expected);
        else
                rc_ctx_diag(ctx, node, "expected %s, got %s", expected, type_name(node->type));
}

bool rc_check_mapping(rc_ctx *ctx, const rc_node *node, const char *const *allowed) {
        if (node->type != RC_NODE_MAPPING) {
                wrong_type(ctx, node, "a mapping");
                return false;
        }
        for (size_t i = 0; i + 1 < node->n_items; i += 2) {
                const rc_node *k = node->items[i];
                bool known = false;

                if (k->type != RC_NODE_SCALAR)
                        continue;
                for (size_t a = 0; allowed[a] && !known; a++)
                        known = strlen(k->text) == k->length && strcmp(k->text, allowed[a]) == 0;
                if (known)
                        continue;

                char list[512] = "";
                size_t o = 0;
                for (size_t a = 0; allowed[a] && o < sizeof(list); a++)
                        o += (size_t) snprintf(list + o, sizeof(list) - o, "%s%s", a ? ", " : "",
                                               allowed[a]);
                char what[96];
                rc_node_describe(k, what);
                size_t saved = rc_ctx_push_key(ctx, k->text);
                rc_ctx_diag(ctx, k, "unknown key %s; allowed keys: %s", what, list);
                rc_ctx_pop(ctx, saved);
        }
        return true;
}

bool rc_check_sequence(rc_ctx *ctx, const rc_node *node, const char *expected) {
        if (node->type != RC_NODE_SEQUENCE) {
                wrong_type(ctx, node, expected);
                return false;
        }
        return true;
}

const rc_node *rc_field_begin(rc_ctx *ctx, const rc_node *map, const char *key, bool required,
                              size_t *saved) {
        const rc_node *v = rc_node_get(map, key);

        *saved = ctx->len;
        if (!v) {
                if (required)
                        rc_ctx_diag(ctx, map, "missing required key \"%s\"", key);
                return NULL;
        }
        *saved = rc_ctx_push_key(ctx, key);
        return v;
}

int rc_field(rc_ctx *ctx, const rc_node *map, const char *key, bool required, rc_parse_fn fn,
             void *ret) {
        size_t saved;
        const rc_node *v = rc_field_begin(ctx, map, key, required, &saved);
        int r;

        if (!v)
                return 0;
        r = fn(ctx, v, ret) ? 1 : -1;
        rc_ctx_pop(ctx, saved);
        return r;
}

static int compare_named(const void *a, const void *b) {
        const rc_named *x = a, *y = b;
        int c = strcmp(x->name, y->name);

        if (c != 0)
                return c;
        return x->index < y->index ? -1 : x->index > y->index;
}

void rc_report_duplicates(rc_ctx *ctx, rc_named *items, size_t n, const char *suffix,
                          const char *what) {
        if (n < 2)
                return;
        rc_sort(items, n, sizeof(*items), compare_named);
        for (size_t i = 1; i < n; i++) {
                size_t first = i - 1;
                while (i < n && strcmp(items[i].name, items[first].name) == 0) {
                        size_t saved = rc_ctx_push_index(ctx, items[i].index);
                        if (suffix)
                                push(ctx, suffix, strlen(suffix));
                        rc_ctx_diag(ctx, items[i].node, "duplicate %s \"%s\" (first at line %u)",
                                    what, items[i].name, items[first].node->line);
                        rc_ctx_pop(ctx, saved);
                        i++;
                }
        }
}

int rc_field_ids(rc_ctx *ctx, const rc_node *map, const char *key, bool required,
                 const char *what, char ***ret, size_t *ret_n) {
        size_t saved, n;
        const rc_node *v = rc_field_begin(ctx, map, key, required, &saved);
        char **ids = NULL;
        rc_named *named = NULL;
        bool ok = true;
        char expected[64];

        if (!v)
                return 0;
        snprintf(expected, sizeof(expected), "a sequence of %s ids", what);
        if (!rc_check_sequence(ctx, v, expected)) {
                rc_ctx_pop(ctx, saved);
                return -1;
        }
        n = v->n_items;
        ids = calloc(n ? n : 1, sizeof(*ids));
        named = calloc(n ? n : 1, sizeof(*named));
        if (!ids || !named) {
                ctx->error = -ENOMEM;
                ok = false;
                goto finish;
        }
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
                size_t s = rc_ctx_push_index(ctx, i);
                if (rc_parse_id(ctx, v->items[i], &ids[i]))
                        named[k++] = (rc_named) { ids[i], v->items[i], i };
                else
                        ok = false;
                rc_ctx_pop(ctx, s);
        }
        size_t before = ctx->diags->n;
        rc_report_duplicates(ctx, named, k, NULL, what);
        if (ctx->diags->n != before || ctx->error)
                ok = false;
finish:
        free(named);
        rc_ctx_pop(ctx, saved);
        if (!ok) {
                rc_strv_free(ids, n);
                return -1;
        }
        *ret = ids;
        *ret_n = n;
        return 1;
}

void rc_strv_free(char **v, size_t n) {
        for (size_t i = 0; v && i < n; i++)
                free(v[i]);
        free(v);
}

/* ---- Scalars ---- */

/* The text of a scalar, or NULL after reporting what was expected. */
static const char *scalar(rc_ctx *ctx, const rc_node *node, const char *expected) {
        if (node->type != RC_NODE_SCALAR || node->null) {
                wrong_type(ctx, node, expected);
                return NULL;
        }
        if (strlen(node->text) != node->length) {
                rc_ctx_diag(ctx, node, "expected %s, got a text with a NUL character", expected);
                return NULL;
        }
        return node->text;
}

static void bad_value(rc_ctx *ctx, const rc_node *node, const char *expected) {
        char what[96];

        rc_node_describe(node, what);
        rc_ctx_diag(ctx, node, "expected %s, got %s", expected, what);
}

bool rc_parse_text(rc_ctx *ctx, const rc_node *node, void *ret) {
        const char *s = scalar(ctx, node, "a text");
        char *copy;

        if (!s)
                return false;
        copy = strdup(s);
        if (!copy) {
                ctx->error = -ENOMEM;
                return false;
        }
        *(char **) ret = copy;
        return true;
}

#define ID_EXPECTED "an id of a-z, 0-9, '.', '_' and '-' starting with a letter or digit, " \
                    "at most 64 characters"

bool rc_parse_id(rc_ctx *ctx, const rc_node *node, void *ret) {
        const char *s = scalar(ctx, node, ID_EXPECTED);
        size_t n;
        bool ok;

        if (!s)
                return false;
        n = strlen(s);
        ok = n >= 1 && n <= 64 && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9'));
        for (size_t i = 1; ok && i < n; i++)
                ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
                     s[i] == '_' || s[i] == '-';
        if (!ok) {
                bad_value(ctx, node, ID_EXPECTED);
                return false;
        }
        return rc_parse_text(ctx, node, ret);
}

bool rc_parse_time(rc_ctx *ctx, const rc_node *node, void *ret) {
        static const char expected[] = "a time HH:MM from 00:00 to 23:59";
        const char *s = scalar(ctx, node, expected);
        size_t n;
        int h, m;

        if (!s)
                return false;
        /* As written (SPEC §10.19): "7:00" and "07:00" are the same time,
         * never a YAML 1.1 sexagesimal number. */
        n = strlen(s);
        if ((n == 4 || n == 5) && s[n - 3] == ':' && s[0] >= '0' && s[0] <= '9' &&
            (n == 4 || (s[1] >= '0' && s[1] <= '9')) && s[n - 2] >= '0' && s[n - 2] <= '5' &&
            s[n - 1] >= '0' && s[n - 1] <= '9') {
                h = n == 4 ? s[0] - '0' : (s[0] - '0') * 10 + (s[1] - '0');
                m = (s[n - 2] - '0') * 10 + (s[n - 1] - '0');
                if (h < 24) {
                        *(int *) ret = h * 60 + m;
                        return true;
                }
        }
        bad_value(ctx, node, n == 5 && strcmp(s, "24:00") == 0
                                     ? "a time HH:MM from 00:00 to 23:59 (midnight is 00:00)"
                                     : expected);
        return false;
}

bool rc_parse_day(rc_ctx *ctx, const rc_node *node, void *ret) {
        static const char expected[] = "a day: mon, tue, wed, thu, fri, sat or sun";
        const char *s = scalar(ctx, node, expected);

        if (!s)
                return false;
        for (int d = 0; d < 7; d++)
                if (strcmp(s, rc_weekday_names[d]) == 0) {
                        *(int *) ret = d;
                        return true;
                }
        bad_value(ctx, node, expected);
        return false;
}

bool rc_parse_date(rc_ctx *ctx, const rc_node *node, void *ret) {
        static const char expected[] = "a calendar date YYYY-MM-DD";
        const char *s = scalar(ctx, node, expected);

        if (!s)
                return false;
        if (rc_date_parse(s, ret) < 0) {
                bad_value(ctx, node, expected);
                return false;
        }
        return true;
}

#define WEEK_EXPECTED "an ISO week like 2026-W49 that exists in its year"

bool rc_parse_week(rc_ctx *ctx, const rc_node *node, void *ret) {
        const char *s = scalar(ctx, node, WEEK_EXPECTED);

        if (!s)
                return false;
        if (rc_week_parse(s, ret) < 0) {
                bad_value(ctx, node, WEEK_EXPECTED);
                return false;
        }
        return true;
}

#define WEEKS_EXPECTED "a week like 2026-W49, a range like 2026-W49..2027-W08, or a list of them"

/* One week or range. */
static bool parse_week_range(rc_ctx *ctx, const rc_node *node, rc_week_range *ret) {
        const char *s = scalar(ctx, node, WEEKS_EXPECTED);
        const char *dots;
        char first[16];

        if (!s)
                return false;
        dots = strstr(s, "..");
        if (!dots) {
                if (rc_week_parse(s, &ret->first) < 0) {
                        bad_value(ctx, node, WEEK_EXPECTED);
                        return false;
                }
                ret->last = ret->first;
                return true;
        }
        if ((size_t) (dots - s) >= sizeof(first)) {
                bad_value(ctx, node, WEEKS_EXPECTED);
                return false;
        }
        memcpy(first, s, (size_t) (dots - s));
        first[dots - s] = '\0';
        if (rc_week_parse(first, &ret->first) < 0 || rc_week_parse(dots + 2, &ret->last) < 0) {
                bad_value(ctx, node, "a range of ISO weeks like 2026-W49..2027-W08");
                return false;
        }
        if (rc_week_index(ret->last) < rc_week_index(ret->first)) {
                char what[96];
                rc_node_describe(node, what);
                rc_ctx_diag(ctx, node, "the range %s ends before it starts", what);
                return false;
        }
        return true;
}

typedef struct indexed_range {
        rc_week_range range;
        long first, last;       /* rc_week_index() */
        size_t index;           /* in the list as written */
} indexed_range;

static int compare_ranges(const void *a, const void *b) {
        const indexed_range *x = a, *y = b;

        if (x->first != y->first)
                return x->first < y->first ? -1 : 1;
        return x->index < y->index ? -1 : x->index > y->index;
}

bool rc_parse_weeks(rc_ctx *ctx, const rc_node *node, void *ret) {
        rc_week_set *set = ret;
        indexed_range *v;
        rc_week_range *ranges;
        size_t n, k = 0;
        bool ok = true;

        if (node->type == RC_NODE_SCALAR) {
                rc_week_range r;
                if (!parse_week_range(ctx, node, &r))
                        return false;
                ranges = malloc(sizeof(*ranges));
                if (!ranges) {
                        ctx->error = -ENOMEM;
                        return false;
                }
                ranges[0] = r;
                *set = (rc_week_set) { .ranges = ranges, .n_ranges = 1 };
                return true;
        }
        if (!rc_check_sequence(ctx, node, WEEKS_EXPECTED))
                return false;
        n = node->n_items;
        if (n == 0) {
                rc_ctx_diag(ctx, node, "expected at least one week");
                return false;
        }
        v = calloc(n, sizeof(*v));
        ranges = calloc(n, sizeof(*ranges));
        if (!v || !ranges) {
                free(v);
                free(ranges);
                ctx->error = -ENOMEM;
                return false;
        }
        for (size_t i = 0; i < n; i++) {
                size_t saved = rc_ctx_push_index(ctx, i);
                if (node->items[i]->type == RC_NODE_SEQUENCE) {
                        rc_ctx_diag(ctx, node->items[i],
                                    "expected a week or a range of weeks, got a sequence");
                        ok = false;
                } else if (!parse_week_range(ctx, node->items[i], &v[k].range)) {
                        ok = false;
                } else {
                        v[k].index = i;
                        v[k].first = rc_week_index(v[k].range.first);
                        v[k].last = rc_week_index(v[k].range.last);
                        k++;
                }
                rc_ctx_pop(ctx, saved);
        }
        if (k > 0) {
                /* Sorted, a week given twice shows as a range that starts
                 * before the furthest end seen so far. */
                size_t holder = 0;
                rc_sort(v, k, sizeof(*v), compare_ranges);
                for (size_t i = 1; i < k; i++) {
                        if (v[i].first <= v[holder].last) {
                                size_t early = v[i].index < v[holder].index ? v[i].index : v[holder].index;
                                size_t late = v[i].index < v[holder].index ? v[holder].index : v[i].index;
                                size_t saved = rc_ctx_push_index(ctx, late);
                                rc_ctx_diag(ctx, node->items[late],
                                            "overlaps item %zu of this list (a week must be given once)",
                                            early);
                                rc_ctx_pop(ctx, saved);
                                ok = false;
                        }
                        if (v[i].last > v[holder].last)
                                holder = i;
                }
        }
        for (size_t i = 0; ok && i < n; i++)
                ranges[i] = v[i].range;
        free(v);
        if (!ok) {
                free(ranges);
                return false;
        }
        *set = (rc_week_set) { .ranges = ranges, .n_ranges = n };
        return true;
}

bool rc_parse_level(rc_ctx *ctx, const rc_node *node, void *ret) {
        static const char expected[] = "a language level A0, A1, A2, B1, B2, C1 or C2";
        const char *s = scalar(ctx, node, expected);

        if (!s)
                return false;
        for (int l = 0; l < _RS_LEVEL_MAX; l++)
                if (strcmp(s, rs_level_to_string((rs_level) l)) == 0) {
                        *(rs_level *) ret = (rs_level) l;
                        return true;
                }
        bad_value(ctx, node, expected);
        return false;
}

/* Optional '-', then 1..18 digits. */
static bool parse_integer_text(const char *s, long *ret) {
        bool negative = *s == '-';
        long v = 0;
        size_t n = 0;

        if (negative)
                s++;
        for (; *s; s++, n++) {
                if (*s < '0' || *s > '9' || n >= 18)
                        return false;
                v = v * 10 + (*s - '0');
        }
        if (n == 0)
                return false;
        *ret = negative ? -v : v;
        return true;
}

static bool parse_ranged_long(rc_ctx *ctx, const rc_node *node, long min, long max, long *ret) {
        char expected[96];
        const char *s;
        long v;

        if (max == LONG_MAX)
                snprintf(expected, sizeof(expected), "a whole number of at least %ld", min);
        else
                snprintf(expected, sizeof(expected), "a whole number from %ld to %ld", min, max);
        s = scalar(ctx, node, expected);
        if (!s)
                return false;
        if (!parse_integer_text(s, &v) || v < min || v > max) {
                bad_value(ctx, node, expected);
                return false;
        }
        *ret = v;
        return true;
}

bool rc_parse_int(rc_ctx *ctx, const rc_node *node, void *spec) {
        rc_int_spec *p = spec;
        long v;

        if (!parse_ranged_long(ctx, node, p->min, p->max, &v))
                return false;
        *p->ret = (int) v;
        return true;
}

bool rc_parse_long(rc_ctx *ctx, const rc_node *node, void *spec) {
        rc_long_spec *p = spec;

        return parse_ranged_long(ctx, node, p->min, p->max, p->ret);
}

/* Digits, optionally a point and more digits. */
static bool decimal_text(const char *s) {
        size_t n = 0;

        while (*s >= '0' && *s <= '9')
                s++, n++;
        if (n == 0 || n > 9)
                return false;
        if (*s == '.') {
                s++;
                n = 0;
                while (*s >= '0' && *s <= '9')
                        s++, n++;
                if (n == 0 || n > 9)
                        return false;
        }
        return *s == '\0';
}

bool rc_parse_number(rc_ctx *ctx, const rc_node *node, void *spec) {
        rc_number_spec *p = spec;
        char expected[128];
        const char *s;
        double v;

        snprintf(expected, sizeof(expected), "a number %s %g and at most %g",
                 p->min_open ? "greater than" : "of at least", p->min, p->max);
        s = scalar(ctx, node, expected);
        if (!s)
                return false;
        if (!decimal_text(s)) {
                bad_value(ctx, node, expected);
                return false;
        }
        v = strtod(s, NULL);
        if (!isfinite(v) || v < p->min || (p->min_open && v == p->min) || v > p->max) {
                bad_value(ctx, node, expected);
                return false;
        }
        *p->ret = v;
        return true;
}

/* "3h30m" as seconds; parts in the order h, m, s, each at most once. */
static bool duration_text(const char *s, long *ret, bool *ret_has_seconds) {
        static const struct { char unit; long factor; } parts[] = { { 'h', 3600 }, { 'm', 60 }, { 's', 1 } };
        long total = 0;
        size_t p = 0;
        bool any = false;

        *ret_has_seconds = false;
        if (strcmp(s, "0") == 0) {
                *ret = 0;
                return true;
        }
        while (*s) {
                long v = 0;
                size_t n = 0;
                while (*s >= '0' && *s <= '9') {
                        if (++n > 7)
                                return false;
                        v = v * 10 + (*s++ - '0');
                }
                if (n == 0)
                        return false;
                while (p < 3 && parts[p].unit != *s)
                        p++;
                if (p == 3)
                        return false;
                total += v * parts[p].factor;
                if (parts[p].unit == 's')
                        *ret_has_seconds = true;
                p++;
                s++;
                any = true;
        }
        if (!any)
                return false;
        *ret = total;
        return true;
}

/* 210 -> "3h30m" (minutes), or in seconds when @seconds. */
static void duration_format(long v, bool seconds, char buf[static 32]) {
        long s = seconds ? v : v * 60;
        long h = s / 3600, m = s / 60 % 60, sec = s % 60;
        size_t o = 0;

        buf[0] = '\0';
        if (s == 0) {
                snprintf(buf, 32, "0");
                return;
        }
        if (h)
                o += (size_t) snprintf(buf + o, 32 - o, "%ldh", h);
        if (m)
                o += (size_t) snprintf(buf + o, 32 - o, "%ldm", m);
        if (sec)
                snprintf(buf + o, 32 - o, "%lds", sec);
}

bool rc_parse_duration(rc_ctx *ctx, const rc_node *node, void *spec) {
        rc_duration_spec *p = spec;
        char expected[160], lo[32], hi[32];
        const char *s;
        long seconds, v;
        bool has_seconds;

        duration_format(p->min, p->seconds, lo);
        duration_format(p->max, p->seconds, hi);
        snprintf(expected, sizeof(expected), "a duration like %s from %s to %s",
                 p->seconds ? "30s, 5m or 1h30m" : "4h, 30m or 3h30m", lo, hi);
        s = scalar(ctx, node, expected);
        if (!s)
                return false;
        if (!duration_text(s, &seconds, &has_seconds) || (has_seconds && !p->seconds)) {
                bad_value(ctx, node, expected);
                return false;
        }
        v = p->seconds ? seconds : seconds / 60;
        if (v < p->min || v > p->max) {
                bad_value(ctx, node, expected);
                return false;
        }
        *p->ret = v;
        return true;
}

bool rc_parse_hours(rc_ctx *ctx, const rc_node *node, void *ret) {
        static const char expected[] =
                "hours per week from 0 to 168 in whole minutes, like 12, 12.5 or 12.25";
        const char *s = scalar(ctx, node, expected);
        long whole = 0, frac = 0, scale = 1;
        const char *c;

        if (!s)
                return false;
        if (!decimal_text(s))
                goto bad;
        for (c = s; *c >= '0' && *c <= '9'; c++)
                whole = whole * 10 + (*c - '0');
        if (*c == '.')
                for (c++; *c; c++) {
                        frac = frac * 10 + (*c - '0');
                        scale *= 10;
                }
        if (whole > 168 || (frac * 60) % scale != 0)
                goto bad;
        long minutes = whole * 60 + frac * 60 / scale;
        if (minutes > 168 * 60)
                goto bad;
        *(int *) ret = (int) minutes;
        return true;
bad:
        bad_value(ctx, node, expected);
        return false;
}

bool rc_parse_size(rc_ctx *ctx, const rc_node *node, void *spec) {
        static const struct { const char *suffix; size_t factor; } units[] = {
                { "", 1 }, { "B", 1 }, { "KiB", 1024 }, { "MiB", 1024 * 1024 },
                { "GiB", 1024 * 1024 * 1024 },
        };
        rc_size_spec *p = spec;
        char expected[128];
        const char *s, *c;
        size_t v = 0, n = 0;

        snprintf(expected, sizeof(expected), "a size like 4MiB, 512KiB or 65536 (bytes) from %zu to %zu bytes",
                 p->min, p->max);
        s = scalar(ctx, node, expected);
        if (!s)
                return false;
        for (c = s; *c >= '0' && *c <= '9' && n < 12; c++, n++)
                v = v * 10 + (size_t) (*c - '0');
        if (n == 0 || (*c >= '0' && *c <= '9'))
                goto bad;
        for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++)
                if (strcmp(c, units[u].suffix) == 0) {
                        if (v > p->max / units[u].factor)
                                goto bad;
                        v *= units[u].factor;
                        if (v < p->min)
                                goto bad;
                        *p->ret = v;
                        return true;
                }
bad:
        bad_value(ctx, node, expected);
        return false;
}
