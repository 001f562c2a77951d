/* config/loader.h -- the schema checks shared by the document kinds
 * (private).
 *
 * A check walks the node tree with a context that knows the file, the path
 * of the field being looked at, and where to report. Checks never stop at
 * the first problem: each reports what it finds and the caller goes on
 * with the next field, so one run shows every problem of a file. Running
 * out of memory is sticky in ctx->error and ends the walk early. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include "roster/config.h"
#include "tree.h"

typedef struct rc_ctx {
        const char *file;
        rc_diags *diags;
        size_t first_diag;      /* diags->n when the document started */
        int error;              /* 0 or -ENOMEM */
        size_t dropped;         /* diags left out beyond RC_DOCUMENT_MAX_DIAGS */
        char *path;             /* "positions[0].shifts[1]" */
        size_t len, cap;
} rc_ctx;

/* Path handling: push returns the old length, which pop restores. */
size_t rc_ctx_push_key(rc_ctx *ctx, const char *key);
size_t rc_ctx_push_index(rc_ctx *ctx, size_t index);
void rc_ctx_pop(rc_ctx *ctx, size_t len);

/* Reports at @at (line/column of that node) under the current path. */
void rc_ctx_diag(rc_ctx *ctx, const rc_node *at, const char *format, ...)
        __attribute__((format(printf, 3, 4)));

/* True when the document has problems (or memory ran out). */
bool rc_ctx_failed(const rc_ctx *ctx);

/* Writes a short description of @node for messages: "\"25:00\"", "a
 * mapping", "a sequence", "null". */
void rc_node_describe(const rc_node *node, char buf[static 96]);

/* @node must be a mapping whose keys are all in @allowed (NULL-ended);
 * reports a wrong type or each unknown key. False when @node is not a
 * usable mapping. */
bool rc_check_mapping(rc_ctx *ctx, const rc_node *node, const char *const *allowed);

/* @node must be a sequence; reports otherwise. */
bool rc_check_sequence(rc_ctx *ctx, const rc_node *node, const char *expected);

/* A scalar parser: reports and returns false when @node is not what it
 * wants; writes *ret only on success. */
typedef bool (*rc_parse_fn)(rc_ctx *ctx, const rc_node *node, void *ret);

/* Looks @key up in mapping @map and parses its value under the path of
 * @key. Returns 1 when present and valid, 0 when absent (reported when
 * @required), -1 when present but wrong (reported). */
int rc_field(rc_ctx *ctx, const rc_node *map, const char *key, bool required, rc_parse_fn fn,
             void *ret);

/* Like rc_field() for a sequence of ids; duplicates are reported as such.
 * *ret and *ret_n are written when present and valid. */
int rc_field_ids(rc_ctx *ctx, const rc_node *map, const char *key, bool required,
                 const char *what, char ***ret, size_t *ret_n);

/* The value of @key with its path pushed (pop with rc_ctx_pop(ctx, *saved)),
 * or NULL when absent (reported when @required; nothing pushed then, and
 * *saved still valid for pop). */
const rc_node *rc_field_begin(rc_ctx *ctx, const rc_node *map, const char *key, bool required,
                              size_t *saved);

/* Names collected from a list, to report duplicates in O(n log n). */
typedef struct rc_named {
        const char *name;
        const rc_node *node;    /* where to report */
        size_t index;           /* position in the list */
} rc_named;

/* Reports every name given twice, at the later one, under the current path
 * plus "[index]" and @suffix (e.g. ".id"; NULL for none). */
void rc_report_duplicates(rc_ctx *ctx, rc_named *items, size_t n, const char *suffix,
                          const char *what);

/* Scalar parsers (rc_parse_fn), with the type of *ret. */
bool rc_parse_text(rc_ctx *ctx, const rc_node *node, void *ret);       /* char *, malloc'ed */
bool rc_parse_id(rc_ctx *ctx, const rc_node *node, void *ret);         /* char *, a slug */
bool rc_parse_time(rc_ctx *ctx, const rc_node *node, void *ret);       /* int, minute of day */
bool rc_parse_day(rc_ctx *ctx, const rc_node *node, void *ret);        /* int, 0 = Monday */
bool rc_parse_date(rc_ctx *ctx, const rc_node *node, void *ret);       /* rc_date */
bool rc_parse_week(rc_ctx *ctx, const rc_node *node, void *ret);       /* rc_week */
bool rc_parse_weeks(rc_ctx *ctx, const rc_node *node, void *ret);      /* rc_week_set */
bool rc_parse_level(rc_ctx *ctx, const rc_node *node, void *ret);      /* rs_level */

/* Ranged numbers: pass a pointer to one of these as @ret. */
typedef struct rc_int_spec {
        long min, max;
        int *ret;
} rc_int_spec;
bool rc_parse_int(rc_ctx *ctx, const rc_node *node, void *spec);      /* rc_int_spec */

typedef struct rc_long_spec {
        long min, max;
        long *ret;
} rc_long_spec;
bool rc_parse_long(rc_ctx *ctx, const rc_node *node, void *spec);     /* rc_long_spec */

typedef struct rc_number_spec {
        double min, max;
        bool min_open;          /* @min itself is not allowed */
        double *ret;
} rc_number_spec;
bool rc_parse_number(rc_ctx *ctx, const rc_node *node, void *spec);   /* rc_number_spec */

/* Durations "4h", "30m", "3h30m" in minutes (or, with @seconds, "30s"
 * too and the result in seconds). "0" is a zero duration. */
typedef struct rc_duration_spec {
        long min, max;          /* in the unit of the result */
        bool seconds;
        long *ret;
} rc_duration_spec;
bool rc_parse_duration(rc_ctx *ctx, const rc_node *node, void *spec); /* rc_duration_spec */

/* Hours per week as a number ("12", "12.5"), in whole minutes. */
bool rc_parse_hours(rc_ctx *ctx, const rc_node *node, void *ret);      /* int minutes */

/* Sizes "4MiB", "512KiB", "1GiB" or plain bytes. */
typedef struct rc_size_spec {
        size_t min, max;
        size_t *ret;
} rc_size_spec;
bool rc_parse_size(rc_ctx *ctx, const rc_node *node, void *spec);     /* rc_size_spec */

/* The document kinds. Each fills its part of @doc as far as it can; the
 * caller throws the document away when rc_ctx_failed(). */
void rc_load_shift_needs(rc_ctx *ctx, const rc_node *root, rc_shift_needs *ret);
void rc_load_timetable(rc_ctx *ctx, const rc_node *root, rc_timetable *ret);
void rc_load_candidates(rc_ctx *ctx, const rc_node *root, rc_candidates *ret);
void rc_load_settings(rc_ctx *ctx, const rc_node *root, rc_settings *ret);
void rc_load_roster(rc_ctx *ctx, const rc_node *root, rc_roster *ret);

/* Per-kind cleanup, NULL-safe pointers inside. */
void rc_shift_needs_done(rc_shift_needs *s);
void rc_timetable_done(rc_timetable *t);
void rc_candidate_done(rc_candidate *c);
void rc_candidates_done(rc_candidates *c);
void rc_roster_done(rc_roster *r);
void rc_strv_free(char **v, size_t n);

extern const char *const rc_weekday_names[7];   /* "mon" .. "sun" */

/* "07:00". */
void rc_clock_format(int minute, char buf[static 8]);

/* qsort() that accepts an empty (possibly NULL) array. */
static inline void rc_sort(void *v, size_t n, size_t size, int (*compare)(const void *, const void *)) {
        if (n > 1)
                qsort(v, n, size, compare);
}
