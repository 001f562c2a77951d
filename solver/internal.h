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

/* Time and progress control shared by the stages of a solve. */
typedef struct rs_clock {
        double start;                   /* monotonic seconds at rs_solve() entry */
        double limit;                   /* seconds, 0 = none */
        double mip_gap;
        rs_progress_fn progress;
        void *progress_userdata;
} rs_clock;

double rs_now(void);

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
/* Lexicographic solve, @seconds of budget (0 = none). Writes the chosen
 * options into @chosen (indexed like prep->opt_*) and the per-goal
 * results into @acc. */
int rs_model_solve(rs_model *m, const rs_clock *clock, double seconds, size_t comp_index,
                   size_t n_comps, bool *chosen, rs_goal_acc acc[static _RS_GOAL_MAX]);
int rs_model_write_lp(rs_model *m, const char *path);
void rs_model_size(const rs_model *m, long *ret_rows, long *ret_columns);

/* explain.c: uncovered intervals and their why-lists for every position. */
int rs_explain(const rs_prep *prep, const bool *chosen, rs_solution *solution);

/* Small helpers shared by the files (util.c). */
char *rs_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "07:00" for absolute minutes, modulo the day. */
void rs_format_clock(int t, char buf[static 8]);
/* "3h30m", "4h", "30m". */
void rs_format_duration(int minutes, char buf[static 24]);
extern const char *const rs_day_names[RS_DAYS_PER_WEEK];
