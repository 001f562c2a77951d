/* config/shift_needs.c -- kind: shift-needs (SPEC §3.1, §10.1, §10.2). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

#define WEEK_MINUTES (RS_DAYS_PER_WEEK * RS_MINUTES_PER_DAY)

void rc_shift_needs_done(rc_shift_needs *s) {
        free(s->employer);
        free(s->name);
        free(s->location);
        free(s->weeks.ranges);
        for (size_t i = 0; s->positions && i < s->n_positions; i++) {
                rc_position *p = &s->positions[i];
                free(p->id);
                free(p->title);
                rc_strv_free(p->skills, p->n_skills);
                free(p->handover_at);
                free(p->shifts);
        }
        free(s->positions);
        *s = (rc_shift_needs) {};
}

/* Minutes from the shift start to its end: an end not after the start is
 * on the next day, so start == end is 24 hours. */
static int shift_length(int start, int end) {
        return end > start ? end - start : end + RS_MINUTES_PER_DAY - start;
}

static bool load_shift(rc_ctx *ctx, const rc_node *node, const rc_week_set *weeks,
                       rc_shift *ret) {
        static const char *const keys[] = { "days", "date", "start", "end", "headcount", NULL };
        const rc_node *days, *date;
        bool ok = true;

        if (!rc_check_mapping(ctx, node, keys))
                return false;
        ret->mark = (rc_mark) { node->line, node->column };
        ret->headcount = 1;

        days = rc_node_get(node, "days");
        date = rc_node_get(node, "date");
        if (days && date) {
                size_t saved = rc_ctx_push_key(ctx, "date");
                rc_ctx_diag(ctx, date, "give either days or date, not both");
                rc_ctx_pop(ctx, saved);
                ok = false;
        } else if (!days && !date) {
                rc_ctx_diag(ctx, node, "missing required key \"days\" (or \"date\")");
                ok = false;
        } else if (date) {
                ret->dated = true;
                if (rc_field(ctx, node, "date", true, rc_parse_date, &ret->date) < 0) {
                        ok = false;
                } else if (weeks) {
                        rc_week w = rc_date_week(ret->date, NULL);
                        if (!rc_week_set_contains(weeks, w)) {
                                char text[16];
                                size_t saved = rc_ctx_push_key(ctx, "date");
                                rc_week_format(w, text);
                                rc_ctx_diag(ctx, date,
                                            "the date is in week %s, which is not in this "
                                            "document's weeks",
                                            text);
                                rc_ctx_pop(ctx, saved);
                                ok = false;
                        }
                }
        } else {
                size_t saved = rc_ctx_push_key(ctx, "days");
                if (!rc_check_sequence(ctx, days, "a sequence of days like [mon, tue]")) {
                        ok = false;
                } else if (days->n_items == 0) {
                        rc_ctx_diag(ctx, days, "expected at least one day");
                        ok = false;
                }
                for (size_t i = 0; days->type == RC_NODE_SEQUENCE && i < days->n_items; i++) {
                        size_t s = rc_ctx_push_index(ctx, i);
                        int d;
                        if (!rc_parse_day(ctx, days->items[i], &d)) {
                                ok = false;
                        } else if (ret->days & (1u << d)) {
                                rc_ctx_diag(ctx, days->items[i], "duplicate day \"%s\"",
                                            rc_weekday_names[d]);
                                ok = false;
                        } else {
                                ret->days |= 1u << d;
                        }
                        rc_ctx_pop(ctx, s);
                }
                rc_ctx_pop(ctx, saved);
        }

        if (rc_field(ctx, node, "start", true, rc_parse_time, &ret->start) != 1)
                ok = false;
        if (rc_field(ctx, node, "end", true, rc_parse_time, &ret->end) != 1)
                ok = false;
        if (rc_field(ctx, node, "headcount", false, rc_parse_int,
                     &(rc_int_spec) { 1, 1000, &ret->headcount }) < 0)
                ok = false;
        return ok;
}

/* Reads handover_at into @p; false when wrong (reported). */
static bool load_handover_at(rc_ctx *ctx, const rc_node *v, rc_position *p) {
        bool ok = true;

        if (!rc_check_sequence(ctx, v, "a sequence of times like [\"12:00\", \"13:00\"]"))
                return false;
        if (v->n_items == 0) {
                rc_ctx_diag(ctx, v, "expected at least one time (or leave handover_at out)");
                return false;
        }
        if (v->n_items >= RS_MINUTES_PER_DAY) {
                /* Points strictly inside a shift of at most a day, in order:
                 * there cannot be more. */
                rc_ctx_diag(ctx, v, "expected at most %d points", RS_MINUTES_PER_DAY - 1);
                return false;
        }
        p->handover_at = calloc(v->n_items, sizeof(int));
        if (!p->handover_at) {
                ctx->error = -ENOMEM;
                return false;
        }
        for (size_t i = 0; i < v->n_items; i++) {
                size_t s = rc_ctx_push_index(ctx, i);
                if (!rc_parse_time(ctx, v->items[i], &p->handover_at[i]))
                        ok = false;
                rc_ctx_pop(ctx, s);
        }
        p->n_handover_at = v->n_items;
        return ok;
}

static void load_split(rc_ctx *ctx, const rc_node *node, rc_position *p, bool *ret_points_ok) {
        static const char *const keys[] = { "max_people", "min_block", "handover", "handover_at",
                                            NULL };
        long min_block = p->min_block, handover = p->handover;
        const rc_node *at;

        *ret_points_ok = false;
        if (!rc_check_mapping(ctx, node, keys))
                return;
        rc_field(ctx, node, "max_people", false, rc_parse_int,
                 &(rc_int_spec) { 1, 1000, &p->max_people });
        if (rc_field(ctx, node, "min_block", false, rc_parse_duration,
                     &(rc_duration_spec) { 1, RS_MINUTES_PER_DAY, false, &min_block }) == 1)
                p->min_block = (int) min_block;
        if (rc_field(ctx, node, "handover", false, rc_parse_duration,
                     &(rc_duration_spec) { 1, RS_MINUTES_PER_DAY, false, &handover }) == 1)
                p->handover = (int) handover;

        size_t saved;
        at = rc_field_begin(ctx, node, "handover_at", false, &saved);
        if (at) {
                if (rc_node_get(node, "handover"))
                        rc_ctx_diag(ctx, at, "give either handover or handover_at, not both");
                else
                        *ret_points_ok = load_handover_at(ctx, at, p);
        }
        rc_ctx_pop(ctx, saved);
}

/* Every handover point must lie strictly inside every shift of the
 * position, in ascending order along the shift (a point before the start
 * time is on the next day). */
static void check_handover_at(rc_ctx *ctx, const rc_node *split, const rc_position *p,
                              const bool *shift_ok) {
        const rc_node *at = rc_node_get(split, "handover_at");
        size_t saved = rc_ctx_push_key(ctx, "split");
        rc_ctx_push_key(ctx, "handover_at");

        for (size_t i = 0; i < p->n_handover_at; i++) {
                for (size_t j = 0; j < p->n_shifts; j++) {
                        const rc_shift *s = &p->shifts[j];
                        int len = shift_length(s->start, s->end);
                        int rel = p->handover_at[i] > s->start
                                          ? p->handover_at[i] - s->start
                                          : p->handover_at[i] + RS_MINUTES_PER_DAY - s->start;
                        int prev = 0;
                        char a[8], b[8], c[8];

                        if (!shift_ok[j])
                                continue;
                        if (i > 0)
                                prev = p->handover_at[i - 1] > s->start
                                               ? p->handover_at[i - 1] - s->start
                                               : p->handover_at[i - 1] + RS_MINUTES_PER_DAY - s->start;
                        rc_clock_format(p->handover_at[i], a);
                        rc_clock_format(s->start, b);
                        rc_clock_format(s->end, c);
                        size_t k = rc_ctx_push_index(ctx, i);
                        if (rel >= len) {
                                rc_ctx_diag(ctx, at->items[i],
                                            "%s is not strictly inside the shift %s-%s of shifts[%zu]",
                                            a, b, c, j);
                        } else if (i > 0 && rel <= prev) {
                                rc_ctx_diag(ctx, at->items[i],
                                            "%s does not come after the previous point in the shift "
                                            "%s-%s of shifts[%zu]; list the points in order",
                                            a, b, c, j);
                        } else {
                                rc_ctx_pop(ctx, k);
                                continue;
                        }
                        rc_ctx_pop(ctx, k);
                        break;  /* one report per point */
                }
        }
        rc_ctx_pop(ctx, saved);
}

/* ---- Overlapping shift instances (SPEC §10.2) ---- */

typedef struct instance {
        long start, end;        /* minutes, in the frame of the comparison */
        size_t entry;           /* index into the position's shifts */
} instance;

static int compare_instances(const void *a, const void *b) {
        const instance *x = a, *y = b;

        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        return x->entry < y->entry ? -1 : x->entry > y->entry;
}

typedef struct overlap_state {
        const rc_node *shifts;  /* the sequence node, for positions */
        bool *reported;         /* per entry: already reported as the later one */
} overlap_state;

static void report_overlap(rc_ctx *ctx, overlap_state *o, size_t a, size_t b, const char *when) {
        size_t early = a < b ? a : b, late = a < b ? b : a;

        if (a == b || o->reported[late])
                return;
        o->reported[late] = true;
        size_t saved = rc_ctx_push_index(ctx, late);
        rc_ctx_diag(ctx, o->shifts->items[late],
                    "overlaps shifts[%zu] on %s; two shifts of one position may not overlap", early,
                    when);
        rc_ctx_pop(ctx, saved);
        saved = rc_ctx_push_index(ctx, early);
        rc_ctx_diag(ctx, o->shifts->items[early],
                    "overlaps shifts[%zu] on %s; two shifts of one position may not overlap", late,
                    when);
        rc_ctx_pop(ctx, saved);
}

/* Sorts @v and reports overlaps between entries, naming the day of the
 * later start (in a weekly frame) or its date (absolute frame). */
static void sweep(rc_ctx *ctx, overlap_state *o, const rc_position *p, instance *v, size_t n,
                  bool absolute) {
        size_t holder = 0;
        long max_end = 0;

        rc_sort(v, n, sizeof(*v), compare_instances);
        for (size_t i = 0; i < n; i++) {
                if (i > 0 && v[i].start < max_end && v[i].entry != v[holder].entry) {
                        char when[16];
                        if (absolute) {
                                const rc_shift *s = &p->shifts[v[i].entry];
                                snprintf(when, sizeof(when), "%04d-%02d-%02d", s->date.year,
                                         s->date.month, s->date.day);
                        } else {
                                long day = v[i].start / RS_MINUTES_PER_DAY % RS_DAYS_PER_WEEK;
                                snprintf(when, sizeof(when), "%s", rc_weekday_names[day]);
                        }
                        report_overlap(ctx, o, v[holder].entry, v[i].entry, when);
                }
                if (i == 0 || v[i].end > max_end) {
                        max_end = v[i].end;
                        holder = i;
                }
        }
}

/* True when @weeks holds two consecutive weeks: then a Sunday night shift
 * runs into the next Monday of the same document. */
static bool has_consecutive_weeks(const rc_week_set *weeks) {
        for (size_t i = 0; i < weeks->n_ranges; i++) {
                if (rc_week_index(weeks->ranges[i].last) > rc_week_index(weeks->ranges[i].first))
                        return true;
                if (i + 1 < weeks->n_ranges && rc_week_index(weeks->ranges[i].last) + 1 ==
                                                       rc_week_index(weeks->ranges[i + 1].first))
                        return true;
        }
        return false;
}

static void check_overlaps(rc_ctx *ctx, const rc_node *shifts_node, const rc_position *p,
                           const bool *shift_ok, const rc_week_set *weeks) {
        bool wrap = has_consecutive_weeks(weeks);
        size_t n_weekly = 0, n_dated = 0;
        instance *weekly = NULL, *twice = NULL, *dated = NULL;
        overlap_state o = { .shifts = shifts_node };
        size_t saved = rc_ctx_push_key(ctx, "shifts");

        for (size_t j = 0; j < p->n_shifts; j++) {
                if (!shift_ok[j])
                        continue;
                if (p->shifts[j].dated)
                        n_dated++;
                else
                        n_weekly += (size_t) __builtin_popcount(p->shifts[j].days);
        }
        weekly = calloc(n_weekly + 1, sizeof(*weekly));
        twice = calloc(2 * n_weekly + 1, sizeof(*twice));
        dated = calloc(n_dated + 1, sizeof(*dated));
        o.reported = calloc(p->n_shifts + 1, sizeof(bool));
        if (!weekly || !twice || !dated || !o.reported) {
                ctx->error = -ENOMEM;
                goto finish;
        }

        /* Weekly entries against each other, in the frame of one week
         * (twice over when a night shift can run into the next week). */
        size_t k = 0, d = 0;
        for (size_t j = 0; j < p->n_shifts; j++) {
                const rc_shift *s = &p->shifts[j];
                long len = shift_length(s->start, s->end);
                if (!shift_ok[j])
                        continue;
                if (s->dated) {
                        int wd;
                        rc_week w = rc_date_week(s->date, &wd);
                        long start = (rc_week_index(w) * RS_DAYS_PER_WEEK + wd) * RS_MINUTES_PER_DAY +
                                     s->start;
                        dated[d++] = (instance) { start, start + len, j };
                        continue;
                }
                for (int day = 0; day < RS_DAYS_PER_WEEK; day++)
                        if (s->days & (1u << day)) {
                                long start = (long) day * RS_MINUTES_PER_DAY + s->start;
                                weekly[k++] = (instance) { start, start + len, j };
                        }
        }
        memcpy(twice, weekly, n_weekly * sizeof(*weekly));
        if (wrap)
                for (size_t i = 0; i < n_weekly; i++)
                        twice[n_weekly + i] = (instance) { weekly[i].start + WEEK_MINUTES,
                                                           weekly[i].end + WEEK_MINUTES,
                                                           weekly[i].entry };
        sweep(ctx, &o, p, twice, wrap ? 2 * n_weekly : n_weekly, false);

        /* Dated entries against each other, on the absolute time line. */
        instance *sorted_dated = malloc((n_dated + 1) * sizeof(*sorted_dated));
        if (!sorted_dated) {
                ctx->error = -ENOMEM;
                goto finish;
        }
        memcpy(sorted_dated, dated, n_dated * sizeof(*dated));
        sweep(ctx, &o, p, sorted_dated, n_dated, true);
        free(sorted_dated);

        /* Each dated entry against the weekly ones of its own week and of
         * the neighbouring weeks that the document also covers: with the
         * weekly instances sorted by start and the largest end so far, the
         * instance that reaches furthest among those starting before the
         * dated one ends tells whether any overlaps. */
        rc_sort(weekly, n_weekly, sizeof(*weekly), compare_instances);
        for (size_t i = 1; i < n_weekly; i++)
                if (weekly[i].end < weekly[i - 1].end) {
                        /* Keep the start for the search; carry the holder. */
                        weekly[i].end = weekly[i - 1].end;
                        weekly[i].entry = weekly[i - 1].entry;
                }
        for (size_t i = 0; i < n_dated; i++) {
                const rc_shift *s = &p->shifts[dated[i].entry];
                int wd;
                rc_week w = rc_date_week(s->date, &wd);
                long start = (long) wd * RS_MINUTES_PER_DAY + s->start;
                long end = start + (dated[i].end - dated[i].start);
                char when[16];

                snprintf(when, sizeof(when), "%04d-%02d-%02d", s->date.year, s->date.month,
                         s->date.day);
                for (int shift = -1; shift <= 1; shift++) {
                        rc_week other = rc_week_from_index(rc_week_index(w) + shift);
                        long offset = (long) shift * WEEK_MINUTES;
                        size_t lo = 0, hi = n_weekly;
                        if (!rc_week_set_contains(weeks, other))
                                continue;
                        /* lo = number of weekly instances starting before @end. */
                        while (lo < hi) {
                                size_t mid = lo + (hi - lo) / 2;
                                if (weekly[mid].start + offset < end)
                                        lo = mid + 1;
                                else
                                        hi = mid;
                        }
                        if (lo > 0 && weekly[lo - 1].end + offset > start)
                                report_overlap(ctx, &o, weekly[lo - 1].entry, dated[i].entry, when);
                }
        }

finish:
        free(weekly);
        free(twice);
        free(dated);
        free(o.reported);
        rc_ctx_pop(ctx, saved);
}

static bool load_position(rc_ctx *ctx, const rc_node *node, const rc_week_set *weeks,
                          rc_position *p) {
        static const char *const keys[] = { "id", "title", "priority", "requires", "split",
                                            "shifts", NULL };
        static const char *const requires_keys[] = { "language", "skills", NULL };
        const rc_node *v, *split = NULL;
        bool points_ok = false, all_shifts_ok = true;
        bool *shift_ok = NULL;
        size_t saved;

        p->priority = 1;
        p->language = RS_LEVEL_A0;
        p->max_people = 2;
        p->min_block = 180;
        p->handover = 60;
        if (!rc_check_mapping(ctx, node, keys))
                return false;
        p->mark = (rc_mark) { node->line, node->column };

        rc_field(ctx, node, "id", true, rc_parse_id, &p->id);
        rc_field(ctx, node, "title", false, rc_parse_text, &p->title);
        rc_field(ctx, node, "priority", false, rc_parse_number,
                 &(rc_number_spec) { 0, 1e6, true, &p->priority });

        v = rc_field_begin(ctx, node, "requires", false, &saved);
        if (v && rc_check_mapping(ctx, v, requires_keys)) {
                rc_field(ctx, v, "language", false, rc_parse_level, &p->language);
                rc_field_ids(ctx, v, "skills", false, "skill", &p->skills, &p->n_skills);
        }
        rc_ctx_pop(ctx, saved);

        split = rc_field_begin(ctx, node, "split", false, &saved);
        if (split)
                load_split(ctx, split, p, &points_ok);
        rc_ctx_pop(ctx, saved);

        v = rc_field_begin(ctx, node, "shifts", true, &saved);
        if (v && rc_check_sequence(ctx, v, "a sequence of shifts")) {
                p->shifts = calloc(v->n_items + 1, sizeof(*p->shifts));
                shift_ok = calloc(v->n_items + 1, sizeof(*shift_ok));
                if (!p->shifts || !shift_ok) {
                        ctx->error = -ENOMEM;
                        free(shift_ok);
                        rc_ctx_pop(ctx, saved);
                        return false;
                }
                p->n_shifts = v->n_items;
                for (size_t i = 0; i < v->n_items; i++) {
                        size_t s = rc_ctx_push_index(ctx, i);
                        shift_ok[i] = load_shift(ctx, v->items[i], weeks, &p->shifts[i]);
                        all_shifts_ok &= shift_ok[i];
                        rc_ctx_pop(ctx, s);
                }
        }
        rc_ctx_pop(ctx, saved);

        if (shift_ok && points_ok)
                check_handover_at(ctx, split, p, shift_ok);
        if (shift_ok && weeks) {
                const rc_node *shifts_node = rc_node_get(node, "shifts");
                check_overlaps(ctx, shifts_node, p, shift_ok, weeks);
        }
        free(shift_ok);
        return all_shifts_ok;
}

void rc_load_shift_needs(rc_ctx *ctx, const rc_node *root, rc_shift_needs *ret) {
        static const char *const keys[] = { "kind", "version", "employer", "name", "location",
                                            "weeks", "positions", NULL };
        const rc_node *v;
        bool weeks_ok;
        size_t saved;

        rc_check_mapping(ctx, root, keys);
        rc_field(ctx, root, "employer", true, rc_parse_id, &ret->employer);
        rc_field(ctx, root, "name", false, rc_parse_text, &ret->name);
        rc_field(ctx, root, "location", false, rc_parse_id, &ret->location);
        weeks_ok = rc_field(ctx, root, "weeks", true, rc_parse_weeks, &ret->weeks) == 1;

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
                        size_t s = rc_ctx_push_index(ctx, i);
                        rc_position *p = &ret->positions[i];
                        load_position(ctx, v->items[i], weeks_ok ? &ret->weeks : NULL, p);
                        if (p->id)
                                named[n_named++] = (rc_named) { p->id,
                                                                rc_node_get(v->items[i], "id"), i };
                        rc_ctx_pop(ctx, s);
                }
                rc_report_duplicates(ctx, named, n_named, ".id", "position id");
                free(named);
        }
        rc_ctx_pop(ctx, saved);
}
