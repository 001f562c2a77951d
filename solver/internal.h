/* solver/internal.h -- the solver's private data: blocks, options,
 * components, and the pieces rs_solve() glues together.
 *
 * Vocabulary used throughout solver/:
 *   block      a structurally valid piece of one shift instance (on its
 *              grid, long enough or the whole shift, not longer than
 *              rules.max_shift); independent of any candidate.
 *   option     a (candidate, block) pair that survives every static rule
 *              (placement, language, skills, classes with travel,
 *              unavailability, commitments, caps a single block breaks).
 *              One binary column of the model per option.
 *   component  candidates and positions connected through options; each
 *              is solved on its own, the goals being sums over them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "roster/problem.h"
#include "roster/solution.h"
#include "roster/solver.h"

#define RS_NO_INDEX SIZE_MAX

typedef struct rs_block {
        size_t position;
        size_t shift;
        int first;                      /* grid index of the start */
        int last;                       /* grid index of the end */
        int start;                      /* absolute minutes */
        int end;
        int day;                        /* working day: the shift's start day */
        int paid;
} rs_block;

/* What commitments already use up, per candidate. */
typedef struct rs_cand {
        int cap;                        /* min(hours_max, max_week) */
        int commit_paid;                /* paid minutes of in-week commitments */
        int left;                       /* cap - commit_paid, may be negative */
        int commit_blocks[RS_DAYS_PER_WEEK];
        bool commit_day[RS_DAYS_PER_WEEK];
        int commit_days;
        int days_left;                  /* max_days - commit_days */
} rs_cand;

typedef struct rs_comp {
        size_t *cands;                  /* ascending candidate indices */
        size_t n_cands;
        size_t *positions;              /* ascending position indices */
        size_t n_positions;
        size_t n_opts;
} rs_comp;

typedef struct rs_prep {
        const rs_problem *problem;

        rs_block *blocks;               /* by position, shift, first, last */
        size_t n_blocks;
        size_t *shift_base;             /* per position: index of its shift 0 in
                                         * shift_block (n_positions + 1 entries) */
        size_t *shift_block;            /* per (position, shift): first block;
                                         * one extra entry at the end */
        int *pos_limit;                 /* max_people * largest headcount */
        long *pos_required;             /* headcount * length, summed */

        rs_cand *cands;

        /* Options sorted by candidate, then block. */
        size_t *opt_cand;
        size_t *opt_block;
        size_t n_opts;
        size_t *cand_opt;               /* n_candidates + 1 offsets */

        rs_comp *comps;                 /* ordered by their smallest position */
        size_t n_comps;
        size_t *pos_comp;               /* per position: component or RS_NO_INDEX */
} rs_prep;

/* Outcome of one goal in one component (or summed). */
typedef struct rs_goal_acc {
        bool proven;
        double bound;                   /* in reported units, without constants */
} rs_goal_acc;

/* With a time limit every budget of a solve is work, not seconds:
 * RS_WORK_RATE units a second of the limit. A unit is counted the same
 * way on every machine (cells of the pattern path, candidates and
 * segments visited, GLPK simplex iterations weighted by the model's
 * size), so the same input and the same limit give the same roster.
 * Calibrated on the 2-core reference machine: a solve that uses its
 * whole budget ended at 56-78 % of the limit there; the rest is the
 * margin for a slower moment (docs/solver.md). */
#define RS_WORK_RATE 70e6

/* Time, work and progress control shared by the stages of a solve. */
typedef struct rs_clock {
        double start;                   /* monotonic seconds at rs_solve() entry */
        double limit;                   /* seconds, 0 = none */
        double mip_gap;
        rs_progress_fn progress;
        void *progress_userdata;
        /* With a limit: work units done so far, and the budget of the
         * whole solve (limit × rate). The wall clock is only a safety
         * stop at start + limit; clock_stopped notes that it stopped a
         * stage before its work was done (the roster may then differ
         * from run to run). */
        double work;
        double budget;
        bool clock_stopped;
        double clock_scale;             /* tests: the wall clock runs this much faster (1) */
} rs_clock;

double rs_now(void);

/* Whether a stage whose work ends at @until (0: no budget) must stop:
 * its work is done, or the wall clock passed the limit (noted in
 * clock->clock_stopped). */
bool rs_out_of_work(rs_clock *clock, double until);
/* Seconds left before the wall-clock stop, HUGE_VAL without a limit. */
double rs_clock_left(const rs_clock *clock);
/* GLPK's tm_lim for the safety stop: ms to the wall-clock stop, at least
 * 1, INT_MAX without a limit. */
int rs_clock_tm_lim(const rs_clock *clock);
/* GLPK simplex iterations as work on a model of @rows and @cols (and
 * @nnz nonzeros). */
double rs_glpk_iter_units(int rows, int cols, int nnz);
/* GLPK branch and bound, called from its callback: the iterations made
 * since *@it_seen as work, and at a branching the Driebeck-Tomlin
 * degradations (a system solved per fractional column) as
 * RS_GLPK_FRAC_ITERS iterations per fractional column. Returns the units. */
#define RS_GLPK_FRAC_ITERS 3
/* A glp_simplex() call (its factorization) as this many iterations. */
#define RS_GLPK_CALL_ITERS 30
struct glp_tree;
double rs_glpk_tree_units(struct glp_tree *tree, double upi, int *it_seen);


/* validate.c: the invariants of problem.h; on failure a malloc'ed message. */
int rs_problem_validate(const rs_problem *problem, char **reterr_message);

/* prep.c */
bool rs_candidate_placed(const rs_problem *problem, const rs_candidate *c, size_t employer);
/* The first required skill the candidate lacks, or RS_NO_INDEX. */
size_t rs_candidate_missing_skill(const rs_problem *problem, const rs_candidate *c,
                                  const rs_position *p);
bool rs_block_structural(const rs_problem *problem, const rs_position *p, const rs_shift *s,
                         int first, int last);
/* max(a.start - b.end, b.start - a.end): negative when they overlap. */
static inline int rs_rest_gap(int a_start, int a_end, int b_start, int b_end) {
        int x = a_start - b_end, y = b_start - a_end;
        return x > y ? x : y;
}
static inline bool rs_overlaps(int a_start, int a_end, int b_start, int b_end) {
        return a_start < b_end && b_start < a_end;
}
int rs_prep_build(rs_prep *prep, const rs_problem *problem);
void rs_prep_done(rs_prep *prep);
/* A commitment that breaks the rules on its own; a malloc'ed text, or NULL
 * in *ret when none. Returns -ENOMEM or 0. */
int rs_prep_check_commitments(const rs_prep *prep, char **ret);

/* model.c: the direct formulation of one component. Everything it
 * allocates hangs off the model so a GLPK longjmp leaves nothing behind. */
typedef struct rs_model rs_model;
rs_model *rs_model_new(const rs_prep *prep, const rs_comp *comp);
rs_model *rs_model_free(rs_model *m, bool glpk_alive);
/* Builds the rows and columns (GLPK must be guarded by the caller). */
int rs_model_build(rs_model *m, bool names);
/* Lexicographic solve, @units of work (0 = none), starting from the
 * roster in @chosen (indexed like prep->opt_*; it must keep the rules).
 * Writes the roster found into @chosen and the per-goal results into
 * @acc. */
int rs_model_solve(rs_model *m, rs_clock *clock, double units, size_t comp_index,
                   size_t n_comps, bool *chosen, rs_goal_acc acc[static _RS_GOAL_MAX]);
int rs_model_write_lp(rs_model *m, const char *path);
/* Weighted covered minutes no roster exceeds (from lagrange.c). */
void rs_model_set_coverage_bound(rs_model *m, double covered);
void rs_model_size(const rs_model *m, long *ret_rows, long *ret_columns);

/* heuristic.c: lexicographic best-response local search over weekly
 * patterns, one candidate at a time, with ruin-and-recreate rounds; any
 * size, always a valid roster. @chosen holds the start roster (options of
 * this component) and gets the result; it only ever moves to
 * lexicographically better rosters. The rounds are a fixed number unless
 * @until_budget (and @until is set): then they go on until clock->work
 * reaches @until (0: no budget). */
int rs_heuristic(const rs_prep *prep, const rs_comp *comp, rs_clock *clock, double until, bool until_budget,
                 bool *chosen);

/* lagrange.c: an upper bound on the priority-weighted minutes @comp can
 * cover (a Lagrangian relaxation of the headcount rows, improved for up
 * to @max_rounds rounds or until clock->work reaches @until, towards @known_covered, what
 * a roster already covers). Each round's best pattern of each candidate
 * (index into comp->cands; options of that candidate) goes to @sink when
 * it is not NULL. *ret_bound is HUGE_VAL when the relaxation
 * does not apply (more than one block a day, or shifts so long that a
 * block of one day could follow one of a later day). */
typedef int (*rs_pattern_sink)(void *userdata, size_t cand_index, const size_t *opts, size_t n_opts);
int rs_coverage_bound(const rs_prep *prep, const rs_comp *comp, rs_clock *clock, double until, int max_rounds,
                      double known_covered, rs_pattern_sink sink, void *sink_userdata, double *ret_bound);

/* slices.c: an upper bound on the priority-weighted minutes @comp can
 * cover: at any moment a candidate works at most one segment, and with
 * one block a day at most one shift instance a day and on at most as
 * many days as the days and hours left allow, so the people at work are
 * at most a maximum matching of candidates to the segments open at a
 * moment, or to the shifts (no LP, no work counted; see the file). */
int rs_slice_bound(const rs_prep *prep, const rs_comp *comp, double *ret_covered);

/* The same best-pattern path for other prices: rs_pricer_prices() is
 * the price of each segment (numbered position by position, shift by
 * shift, grid interval by grid interval), to be set by the caller;
 * rs_pricer_best() the best pattern of candidate @cand_index (into
 * comp->cands) under them when each distinct position worked also costs
 * @mu[position] (NULL: nothing): *ret_max at least the maximum over the
 * candidate's patterns of Σ(priority minutes - prices) - charges,
 * *ret_exact that of the pattern in @opts; 0 and no options when
 * nothing is worth working. rs_pricer_new() gives NULL where the path
 * does not apply (as rs_coverage_bound()). */
typedef struct rs_pricer rs_pricer;
int rs_pricer_new(const rs_prep *prep, const rs_comp *comp, rs_pricer **ret);
/* Counts the pricer's work on *@meter (NULL: not counted), @weight
 * units per unit of the bound's counting. */
void rs_pricer_set_meter(rs_pricer *p, double *meter, double weight);
rs_pricer *rs_pricer_free(rs_pricer *p);
double *rs_pricer_prices(rs_pricer *p);
int rs_pricer_best(rs_pricer *p, size_t cand_index, const double *mu, double *ret_max, double *ret_exact,
                   size_t opts[static RS_DAYS_PER_WEEK], size_t *ret_n);
/* The charges @mu[position] of the distinct positions of a pattern. */
double rs_pattern_charge(const rs_prep *prep, const double *mu, const size_t *opts, size_t n);

/* master.c: goal 1 as a MIP over a pool of whole weekly patterns (one
 * block a day only). rs_master_add_pattern() is an rs_pattern_sink for
 * rs_coverage_bound(). rs_master_solve() adds the roster in @chosen to
 * the pool, solves until clock->work reaches @until or a roster covering @target (the
 * bound), and replaces the roster of the component in @chosen only by
 * one that covers strictly more. With @alt and @ret_alt, its rosters
 * (the root LP rounded, each dive's end) are also settled by
 * rs_heuristic() in rounds of fixed number (until @polish_until at
 * most), the dives run to their end, and the best settled roster goes
 * to @alt (*ret_alt set) for the caller to keep when it beats its own. *ret_bound: a bound on covered minutes
 * from the LP duals (HUGE_VAL when none). GLPK must
 * be guarded by the caller; after a GLPK error free with @glpk_alive
 * false. */
typedef struct rs_master rs_master;
rs_master *rs_master_new(const rs_prep *prep, const rs_comp *comp);
rs_master *rs_master_free(rs_master *m, bool glpk_alive);
int rs_master_add_pattern(void *master, size_t cand_index, const size_t *opts, size_t n_opts);
int rs_master_solve(rs_master *m, rs_clock *clock, double until, double polish_until, double target, bool *chosen,
                    bool *alt, bool *ret_alt, bool *ret_improved, double *ret_bound);
size_t rs_master_pool_size(const rs_master *m);

/* Which formulation solves the components (solve.c). AUTO: the direct
 * MIP, started from the heuristic's roster, for components small enough
 * for GLPK; the heuristic alone above that. Tests force one or the other. */
typedef enum rs_engine {
        RS_ENGINE_AUTO,
        RS_ENGINE_DIRECT,
        RS_ENGINE_HEURISTIC,
} rs_engine;
int rs_solve_engine(const rs_problem *problem, const rs_solve_opts *opts, rs_engine engine,
                    rs_solution **ret_solution, char **reterr_message);
/* For the tests: the work a second of the limit buys (0: RS_WORK_RATE),
 * and how much faster than real time the wall clock runs (0: 1). */
typedef struct rs_tuning {
        double work_rate;
        double clock_scale;
} rs_tuning;
int rs_solve_tuned(const rs_problem *problem, const rs_solve_opts *opts, rs_engine engine,
                   const rs_tuning *tuning, rs_solution **ret_solution, char **reterr_message);
/* Makes one invalid GLPK call under rs_solve()'s guard: -EIO when the
 * guard caught it (for the tests; the process must survive it). */
int rs_glpk_guard_check(void);

/* explain.c: uncovered intervals and their why-lists for every position. */
int rs_explain(const rs_prep *prep, const bool *chosen, rs_solution *solution);

/* Small helpers shared by the files (util.c). */
/* Makes room for @need elements of @elem bytes in *@p (capacity *@cap,
 * doubled from 64): 0 or -ENOMEM, *@p unchanged on failure. */
int rs_grow(void **p, size_t elem, size_t need, size_t *cap);
/* Greatest common divisor, >= 0; rs_gcd(0, b) = |b|. */
long rs_gcd(long a, long b);
char *rs_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "07:00" for absolute minutes, modulo the day. */
void rs_format_clock(int t, char buf[static 8]);
/* "3h30m", "4h", "30m". */
void rs_format_duration(int minutes, char buf[static 24]);
extern const char *const rs_day_names[RS_DAYS_PER_WEEK];
