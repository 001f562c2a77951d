/* config/corpus.c -- the accepted documents and their replacement rules
 * (SPEC §3, §10.15). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

void rc_corpus_init(rc_corpus *corpus) {
        *corpus = (rc_corpus) {};
        rc_settings_init(&corpus->defaults);
}

void rc_corpus_done(rc_corpus *corpus) {
        if (!corpus)
                return;
        rc_document_free(corpus->config);
        for (size_t i = 0; i < corpus->n_shift_needs; i++)
                rc_document_free(corpus->shift_needs[i]);
        free(corpus->shift_needs);
        for (size_t i = 0; i < corpus->n_timetables; i++)
                rc_document_free(corpus->timetables[i]);
        free(corpus->timetables);
        for (size_t i = 0; i < corpus->n_candidates; i++)
                rc_candidate_done(&corpus->candidates[i]);
        free(corpus->candidates);
        for (size_t i = 0; i < corpus->n_rosters; i++)
                rc_document_free(corpus->rosters[i]);
        free(corpus->rosters);
        rc_settings_done(&corpus->defaults);
        rc_corpus_init(corpus);
}

const rc_settings *rc_corpus_settings(const rc_corpus *corpus) {
        return corpus->config ? &corpus->config->settings : &corpus->defaults;
}

/* Makes room for one more entry. The capacity is the next power of two,
 * so it need not be stored. */
static int reserve(rc_document ***v, size_t n) {
        if (n > 0 && (n & (n - 1)) != 0)
                return 0;
        rc_document **nv = realloc(*v, (n ? n * 2 : 4) * sizeof(**v));
        if (!nv)
                return -ENOMEM;
        *v = nv;
        return 0;
}

/* Removes entry @i, keeping the order of the others. */
static void remove_at(rc_document **v, size_t *n, size_t i) {
        rc_document_free(v[i]);
        memmove(v + i, v + i + 1, (*n - i - 1) * sizeof(*v));
        (*n)--;
}

const rc_document *rc_corpus_shift_needs(const rc_corpus *corpus, const char *employer,
                                         rc_week week) {
        for (size_t i = corpus->n_shift_needs; i > 0; i--) {
                const rc_document *d = corpus->shift_needs[i - 1];
                if (strcmp(d->shift_needs.employer, employer) == 0 &&
                    rc_week_set_contains(&d->shift_needs.weeks, week))
                        return d;
        }
        return NULL;
}

typedef struct span {
        long first, last;
} span;

static int compare_spans(const void *a, const void *b) {
        const span *x = a, *y = b;

        return x->first < y->first ? -1 : x->first > y->first;
}

/* True when every week of document @i is named by a later document of the
 * same employer, so that it can never hold again. */
static bool shadowed(const rc_corpus *corpus, size_t i) {
        const rc_shift_needs *doc = &corpus->shift_needs[i]->shift_needs;
        size_t n = 0, k = 0;
        span *v;
        bool covered = true;

        for (size_t j = i + 1; j < corpus->n_shift_needs; j++)
                if (strcmp(corpus->shift_needs[j]->shift_needs.employer, doc->employer) == 0)
                        n += corpus->shift_needs[j]->shift_needs.weeks.n_ranges;
        if (n == 0)
                return false;
        v = malloc(n * sizeof(*v));
        if (!v)
                return false;   /* keeping a document is always safe */
        for (size_t j = i + 1; j < corpus->n_shift_needs; j++) {
                const rc_shift_needs *later = &corpus->shift_needs[j]->shift_needs;
                if (strcmp(later->employer, doc->employer) != 0)
                        continue;
                for (size_t r = 0; r < later->weeks.n_ranges; r++)
                        v[k++] = (span) { rc_week_index(later->weeks.ranges[r].first),
                                          rc_week_index(later->weeks.ranges[r].last) };
        }
        rc_sort(v, n, sizeof(*v), compare_spans);
        for (size_t r = 0; r < doc->weeks.n_ranges && covered; r++) {
                long first = rc_week_index(doc->weeks.ranges[r].first);
                long last = rc_week_index(doc->weeks.ranges[r].last);
                /* Walk the sorted spans, extending the covered prefix. */
                for (size_t s = 0; s < n && first <= last; s++)
                        if (v[s].first <= first && v[s].last >= first)
                                first = v[s].last + 1;
                covered = first > last;
        }
        free(v);
        return covered;
}

static int add_shift_needs(rc_corpus *corpus, rc_document *doc) {
        if (reserve(&corpus->shift_needs, corpus->n_shift_needs) < 0)
                return -ENOMEM;
        corpus->shift_needs[corpus->n_shift_needs++] = doc;
        /* Only the new document's employer can have documents shadowed. */
        for (size_t i = corpus->n_shift_needs - 1; i > 0; i--)
                if (strcmp(corpus->shift_needs[i - 1]->shift_needs.employer,
                           doc->shift_needs.employer) == 0 &&
                    shadowed(corpus, i - 1))
                        remove_at(corpus->shift_needs, &corpus->n_shift_needs, i - 1);
        return 0;
}

static int add_timetable(rc_corpus *corpus, rc_document *doc) {
        if (reserve(&corpus->timetables, corpus->n_timetables) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < corpus->n_timetables; i++)
                if (strcmp(corpus->timetables[i]->timetable.school, doc->timetable.school) == 0) {
                        remove_at(corpus->timetables, &corpus->n_timetables, i);
                        break;
                }
        corpus->timetables[corpus->n_timetables++] = doc;
        return 0;
}

static int add_roster(rc_corpus *corpus, rc_document *doc) {
        if (reserve(&corpus->rosters, corpus->n_rosters) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < corpus->n_rosters; i++) {
                const rc_roster *r = &corpus->rosters[i]->roster;
                if (strcmp(r->employer, doc->roster.employer) == 0 &&
                    r->week.year == doc->roster.week.year && r->week.week == doc->roster.week.week) {
                        remove_at(corpus->rosters, &corpus->n_rosters, i);
                        break;
                }
        }
        corpus->rosters[corpus->n_rosters++] = doc;
        return 0;
}

static int compare_candidate_ptrs(const void *a, const void *b) {
        return strcmp((*(rc_candidate *const *) a)->id, (*(rc_candidate *const *) b)->id);
}

static int compare_strs(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static bool in_sorted(char **v, size_t n, const char *s) {
        return n > 0 && bsearch(&s, v, n, sizeof(*v), compare_strs);
}

/* Upserts by id and removes, as one merge of sorted lists: everything that
 * can fail is allocated before the corpus is touched. */
static int add_candidates(rc_corpus *corpus, rc_document *doc) {
        rc_candidates *in = &doc->candidates;
        rc_candidate **incoming = calloc(in->n_candidates + 1, sizeof(*incoming));
        char **removed = calloc(in->n_remove + 1, sizeof(*removed));
        rc_candidate *out = calloc(corpus->n_candidates + in->n_candidates + 1, sizeof(*out));
        size_t i = 0, j = 0, n = 0;

        if (!incoming || !removed || !out) {
                free(incoming);
                free(removed);
                free(out);
                return -ENOMEM;
        }
        for (size_t k = 0; k < in->n_candidates; k++)
                incoming[k] = &in->candidates[k];
        rc_sort(incoming, in->n_candidates, sizeof(*incoming), compare_candidate_ptrs);
        if (in->n_remove > 0)
                memcpy(removed, in->remove, in->n_remove * sizeof(*removed));
        rc_sort(removed, in->n_remove, sizeof(*removed), compare_strs);

        while (i < corpus->n_candidates || j < in->n_candidates) {
                int c = i == corpus->n_candidates ? 1
                        : j == in->n_candidates  ? -1
                                                 : strcmp(corpus->candidates[i].id, incoming[j]->id);
                if (c < 0) {
                        rc_candidate *old = &corpus->candidates[i++];
                        if (in_sorted(removed, in->n_remove, old->id))
                                rc_candidate_done(old);
                        else
                                out[n++] = *old;
                } else {
                        if (c == 0)
                                rc_candidate_done(&corpus->candidates[i++]);
                        out[n++] = *incoming[j++];
                }
        }
        free(corpus->candidates);
        corpus->candidates = out;
        corpus->n_candidates = n;

        /* The candidates moved into the corpus; free the rest of @doc. */
        free(in->candidates);
        in->candidates = NULL;
        in->n_candidates = 0;
        free(incoming);
        free(removed);
        rc_document_free(doc);
        return 0;
}

int rc_corpus_add(rc_corpus *corpus, rc_document *doc) {
        if (!corpus || !doc)
                return -EINVAL;
        switch (doc->kind) {
        case RC_KIND_CONFIG:
                rc_document_free(corpus->config);
                corpus->config = doc;
                return 0;
        case RC_KIND_SHIFT_NEEDS:
                return add_shift_needs(corpus, doc);
        case RC_KIND_TIMETABLE:
                return add_timetable(corpus, doc);
        case RC_KIND_CANDIDATES:
                return add_candidates(corpus, doc);
        case RC_KIND_ROSTER:
                return add_roster(corpus, doc);
        default:
                return -EINVAL;
        }
}
