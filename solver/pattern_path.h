/* solver/pattern_path.h -- the best weekly patterns of one candidate, as a
 * path over the candidate's options day by day.
 *
 * The local search (heuristic.c) and the Lagrangian bound and pricer
 * (lagrange.c) both ask: given a value for each option, which patterns
 * of one candidate are best under the candidate's own rules (one block a
 * working day, min_rest between the blocks of consecutive working days,
 * the paid minutes left, the working days left)? This is that path. The
 * caller says which options may be used and what each is worth; values
 * are vectors of @dim doubles compared lexicographically, smaller is
 * better (a caller maximising passes its values negated, which is exact
 * in floating point).
 *
 * Use: rs_path_begin(), rs_path_add() for each allowed option in the
 * order of rs_path_sort_options(), rs_path_run(); then read the states
 * (every reachable end of a partial pattern) or the best one found on
 * the way, and rs_path_trace() a state back to its pattern. The scratch
 * is kept between runs, so one rs_path serves all candidates. */
#pragma once

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

typedef struct rs_path rs_path;

/* The order of values of @dim doubles: lexicographic, -1, 0 or 1.
 * Components closer than tol · (1 + |a| + |b|) · 1e-3 count as equal
 * (tol 0: exact). */
static inline int rs_path_cmp_values(int dim, double tol, const double *a, const double *b) {
        for (int k = 0; k < dim; k++) {
                double t;

                /* Equal components are common (zeros, equal sums) and
                 * equal under any tolerance: skip the arithmetic. */
                if (a[k] == b[k])
                        continue;
                t = tol > 0 ? tol * (1 + fabs(a[k]) + fabs(b[k])) * 1e-3 : 0;

                if (a[k] < b[k] - t)
                        return -1;
                if (a[k] > b[k] + t)
                        return 1;
        }
        return 0;
}

/* A path for values of @dim (at most _RS_GOAL_MAX) doubles compared by
 * rs_path_cmp_values() with @tol. */
int rs_path_new(int dim, double tol, rs_path **ret);
rs_path *rs_path_free(rs_path *p);
/* Adds the work of every run to *@meter (NULL: none): states read and
 * cells extended, a count that depends only on the input, times
 * @weight. */
void rs_path_set_meter(rs_path *p, double *meter, double weight);

/* Sorts options (indices into prep->opt_*) by working day, start, end,
 * then index: the order rs_path_add() expects. */
void rs_path_sort_options(const rs_prep *prep, uint32_t *opts, size_t n);

/* Starts a run with room for @max_blocks rs_path_add() calls. */
int rs_path_begin(rs_path *p, size_t max_blocks);

/* Offers block @b worth @w, to be reported back as @tag. Of the blocks of
 * one day with the same times only the best is kept (the first of equal
 * ones): the path could not tell them apart otherwise. */
void rs_path_add(rs_path *p, int tag, const rs_block *b, const double *w);

typedef struct rs_path_rules {
        int left;                       /* paid minutes left for the week */
        int days_left;                  /* working days left */
        int min_rest;                   /* minutes between consecutive working days */
        /* The paid minutes the caller's values depend on, or -1. When the
         * best days cannot reach @left, paid minutes are counted only up
         * to @need and the last count stands for "at least @need"
         * (rs_path_paid() gives @need there): fewer states, same optimum
         * for a caller whose values stop changing at @need. */
        long need;
        /* Each day's blocks take the earlier days' states afresh, in order
         * of their ends, instead of from one running sweep over the week
         * that reads each state once. Among equally good predecessors
         * the two can pick different ones (the running sweep admits a
         * day's states that end before that day's last block starts
         * after states ending later). The running sweep is used only
         * where it is exact: when a day's first block starts before the
         * previous day's last one (a night block), rs_path_run() sweeps
         * each day afresh whatever this says. */
        bool sweep_each_day;
        /* Remember, as the run goes, the first state reached with the
         * smallest value below the empty pattern's 0 (rs_path_best()).
         * Which of equal states comes first follows the sweep, so this is
         * not the same as choosing among the states afterwards. */
        bool track_best;
} rs_path_rules;

/* The path over the blocks added since rs_path_begin(); no states when
 * nothing was added, @left is negative or no working day is left. */
int rs_path_run(rs_path *p, const rs_path_rules *rules);

/* The states of the last run: indices 0 .. rs_path_n_states() - 1. */
size_t rs_path_n_states(const rs_path *p);
/* The first state at or after @state that the run reached, or
 * rs_path_n_states(): most are not, and this skips them in order. */
size_t rs_path_next_state(const rs_path *p, size_t state);
/* A state's value, NULL when the run did not reach it. */
const double *rs_path_value(const rs_path *p, size_t state);
/* The paid minutes a state stands for (see rs_path_rules.need). */
long rs_path_paid(const rs_path *p, size_t state);
/* With track_best: the best state, -1 when no pattern beats the empty one. */
int rs_path_best(const rs_path *p);
/* The tags of the pattern ending in @state, in time order; their number. */
int rs_path_trace(const rs_path *p, int state, int tags[static RS_DAYS_PER_WEEK]);
