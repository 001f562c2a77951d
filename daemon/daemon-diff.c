/* daemon/daemon-diff.c -- what changed between two rosters of one employer
 * and week: per position, the intervals where the people working differ,
 * with who worked there before and who works there now. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon-server.h"
#include "roster/emit.h"

typedef struct piece {
        int start, end;                 /* minutes since Monday 00:00 */
        int day;
        const char *candidate;
        bool after;                     /* from the new roster */
} piece;

typedef struct change {
        const char *position;
        int day;
        int start, end;
        const char **from, **to;        /* sorted, may repeat (headcount > 1) */
        size_t n_from, n_to;
} change;

typedef struct changes {
        change *items;
        size_t n;
        size_t capacity;
} changes;

static void changes_done(changes *c) {
        for (size_t i = 0; i < c->n; i++) {
                free(c->items[i].from);
                free(c->items[i].to);
        }
        free(c->items);
}

static int compare_int(const void *a, const void *b) {
        int x = *(const int *) a, y = *(const int *) b;

        return (x > y) - (x < y);
}

static int compare_str(const void *a, const void *b) {
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static bool same_people(const char **a, size_t na, const char **b, size_t nb) {
        if (na != nb)
                return false;
        for (size_t i = 0; i < na; i++)
                if (strcmp(a[i], b[i]) != 0)
                        return false;
        return true;
}

static int add_pieces(piece **v, size_t *n, size_t *cap, const rc_roster_position *p,
                      bool after) {
        for (size_t i = 0; p && i < p->n_assignments; i++) {
                const rc_roster_assignment *a = &p->assignments[i];
                int start = a->day * RS_MINUTES_PER_DAY + a->start;
                int end = a->day * RS_MINUTES_PER_DAY + a->end;
                if (a->end <= a->start)
                        end += RS_MINUTES_PER_DAY;
                if (*n == *cap) {
                        *cap = *cap ? *cap * 2 : 32;
                        piece *more = realloc(*v, *cap * sizeof(*more));
                        if (!more)
                                return -ENOMEM;
                        *v = more;
                }
                (*v)[(*n)++] = (piece) { start, end, a->day, a->candidate, after };
        }
        return 0;
}

static const rc_roster_position *find_position(const rc_roster *r, const char *id) {
        for (size_t i = 0; i < r->n_positions; i++)
                if (strcmp(r->positions[i].id, id) == 0)
                        return &r->positions[i];
        return NULL;
}

static int diff_position(changes *out, const char *id, const rc_roster_position *before,
                         const rc_roster_position *after) {
        piece *pieces = NULL;
        size_t n = 0, cap = 0;
        int *cuts = NULL, r;
        const char **from = NULL, **to = NULL;

        r = add_pieces(&pieces, &n, &cap, before, false);
        if (r == 0)
                r = add_pieces(&pieces, &n, &cap, after, true);
        if (r < 0 || n == 0)
                goto finish;
        cuts = malloc(2 * n * sizeof(*cuts));
        from = malloc(n * sizeof(*from));
        to = malloc(n * sizeof(*to));
        if (!cuts || !from || !to) {
                r = -ENOMEM;
                goto finish;
        }
        for (size_t i = 0; i < n; i++) {
                cuts[2 * i] = pieces[i].start;
                cuts[2 * i + 1] = pieces[i].end;
        }
        qsort(cuts, 2 * n, sizeof(*cuts), compare_int);

        for (size_t k = 0; k + 1 < 2 * n; k++) {
                int a = cuts[k], b = cuts[k + 1];
                size_t n_from = 0, n_to = 0;
                int day = 7;

                if (a == b)
                        continue;
                for (size_t i = 0; i < n; i++) {
                        if (pieces[i].start > a || pieces[i].end < b)
                                continue;
                        if (pieces[i].after)
                                to[n_to++] = pieces[i].candidate;
                        else
                                from[n_from++] = pieces[i].candidate;
                        if (pieces[i].day < day)
                                day = pieces[i].day;
                }
                qsort(from, n_from, sizeof(*from), compare_str);
                qsort(to, n_to, sizeof(*to), compare_str);
                if (same_people(from, n_from, to, n_to))
                        continue;

                change *last = out->n ? &out->items[out->n - 1] : NULL;
                if (last && last->position == id && last->day == day && last->end == a &&
                    same_people(last->from, last->n_from, from, n_from) &&
                    same_people(last->to, last->n_to, to, n_to)) {
                        last->end = b;
                        continue;
                }
                if (out->n == out->capacity) {
                        out->capacity = out->capacity ? out->capacity * 2 : 16;
                        change *more = realloc(out->items, out->capacity * sizeof(*more));
                        if (!more) {
                                r = -ENOMEM;
                                goto finish;
                        }
                        out->items = more;
                }
                change c = { .position = id, .day = day, .start = a, .end = b,
                             .from = malloc((n_from + 1) * sizeof(char *)),
                             .to = malloc((n_to + 1) * sizeof(char *)),
                             .n_from = n_from, .n_to = n_to };
                if (!c.from || !c.to) {
                        free(c.from);
                        free(c.to);
                        r = -ENOMEM;
                        goto finish;
                }
                if (n_from)
                        memcpy(c.from, from, n_from * sizeof(*from));
                if (n_to)
                        memcpy(c.to, to, n_to * sizeof(*to));
                out->items[out->n++] = c;
        }

finish:
        free(pieces);
        free(cuts);
        free(from);
        free(to);
        return r;
}

static int parse(const char *text, size_t size, rc_document **ret) {
        rc_diags diags = {};
        int r = rc_document_parse("roster", text, size, ret, &diags);

        rc_diags_done(&diags);
        if (r == 0 && (*ret)->kind != RC_KIND_ROSTER) {
                *ret = rc_document_free(*ret);
                return -EBADMSG;
        }
        return r;
}

static void emit_people(rd_yw *w, const char **people, size_t n) {
        rd_yw_seq_start(w, true);
        for (size_t i = 0; i < n; i++)
                rd_yw_str(w, people[i]);
        rd_yw_seq_end(w);
}

/* Computes the changes between two roster texts into @out; the
 * documents stay alive in @ret_before and @ret_after, since @out points
 * into them. */
static int compute(const char *before_text, size_t before_size, const char *after_text,
                   size_t after_size, changes *out, rc_document **ret_before,
                   rc_document **ret_after) {
        rc_document *before = NULL, *after = NULL;
        int r;

        r = parse(before_text, before_size, &before);
        if (r == 0)
                r = parse(after_text, after_size, &after);
        for (size_t i = 0; r == 0 && i < after->roster.n_positions; i++) {
                const rc_roster_position *p = &after->roster.positions[i];
                r = diff_position(out, p->id, find_position(&before->roster, p->id), p);
        }
        for (size_t i = 0; r == 0 && i < before->roster.n_positions; i++) {
                const rc_roster_position *p = &before->roster.positions[i];
                if (!find_position(&after->roster, p->id))
                        r = diff_position(out, p->id, p, NULL);
        }
        *ret_before = before;
        *ret_after = after;
        return r;
}

int rd_changes_count(const char *before_text, size_t before_size, const char *after_text,
                     size_t after_size) {
        rc_document *before = NULL, *after = NULL;
        changes out = {};
        int r = compute(before_text, before_size, after_text, after_size, &out, &before, &after);

        if (r == 0)
                r = (int) out.n;
        changes_done(&out);
        rc_document_free(before);
        rc_document_free(after);
        return r;
}

int rd_changes_emit(rd_yw *w, const char *key, const char *before_text, size_t before_size,
                    const char *after_text, size_t after_size) {
        rc_document *before = NULL, *after = NULL;
        changes out = {};
        int r = compute(before_text, before_size, after_text, after_size, &out, &before, &after);

        if (r == 0) {
                rd_yw_str(w, key);
                rd_yw_seq_start(w, false);
                for (size_t i = 0; i < out.n; i++) {
                        const change *c = &out.items[i];
                        char start[6], end[6];
                        rc_format_clock(c->start, start);
                        rc_format_clock(c->end, end);
                        rd_yw_map_start(w, true);
                        rd_yw_key_str(w, "position", c->position);
                        rd_yw_key_str(w, "day", rc_day_names[c->day % 7]);
                        rd_yw_str(w, "start");
                        rd_yw_quoted(w, start);
                        rd_yw_str(w, "end");
                        rd_yw_quoted(w, end);
                        rd_yw_str(w, "from");
                        emit_people(w, c->from, c->n_from);
                        rd_yw_str(w, "to");
                        emit_people(w, c->to, c->n_to);
                        rd_yw_map_end(w);
                }
                rd_yw_seq_end(w);
                r = (int) out.n;
        }
        changes_done(&out);
        rc_document_free(before);
        rc_document_free(after);
        return r;
}
