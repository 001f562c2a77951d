/* solver/include/roster/solution.h -- what the solver decided for one week.
 *
 * Indices refer to the rs_problem the solution was made from; the
 * solution is meaningless without it. Every array is sorted so that the
 * same problem always gives the same bytes when written out:
 * assignments and uncovered intervals by (shift, start, candidate),
 * people and why-lists by candidate index.
 *
 * Ownership: a solution owns all its arrays and strings; free it with
 * rs_solution_free(). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "roster/problem.h"

typedef enum rs_status {
        RS_STATUS_OPTIMAL,              /* every goal proven */
        RS_STATUS_FEASIBLE,             /* a limit was reached; gaps reported */
        RS_STATUS_INFEASIBLE,           /* contradictory hard settings; explained */
        _RS_STATUS_MAX,
} rs_status;

/* The soft goals of SPEC §4 in strict priority order (§10.9 - §10.11). */
typedef enum rs_goal {
        RS_GOAL_COVERAGE,               /* priority-weighted uncovered minutes */
        RS_GOAL_STABILITY,              /* approved minutes that changed owner */
        RS_GOAL_PEOPLE,                 /* distinct people, summed over positions */
        RS_GOAL_HANDOVERS,              /* handovers inside shifts */
        RS_GOAL_SHORTFALL_MIN,          /* paid minutes below hours.min, summed */
        RS_GOAL_SHORTFALL_TARGET,       /* paid minutes below hours.target, summed */
        _RS_GOAL_MAX,
} rs_goal;

/* Reason codes of SPEC §10.18, in the order they are tested. */
typedef enum rs_reason {
        RS_REASON_NOT_PLACED,
        RS_REASON_LANGUAGE,
        RS_REASON_SKILL,
        RS_REASON_CLASS,
        RS_REASON_UNAVAILABLE,
        RS_REASON_BUSY,
        RS_REASON_REST,
        RS_REASON_HOURS_CAP,
        RS_REASON_DAY_CAP,
        RS_REASON_PEOPLE_LIMIT,
        RS_REASON_GRID,
        _RS_REASON_MAX,
} rs_reason;

typedef struct rs_goal_result {
        bool solved;                    /* false when the goal was not attempted
                                         * (e.g. stability without an approved roster) */
        bool proven;                    /* value proven optimal given earlier goals */
        double value;                   /* value reached */
        double bound;                   /* best bound known (== value when proven) */
        double gap;                     /* relative gap, 0 when proven */
} rs_goal_result;

typedef struct rs_assignment {
        size_t shift;                   /* index into position.shifts */
        int start;                      /* absolute minutes, on the shift's grid */
        int end;
        size_t candidate;
} rs_assignment;

typedef struct rs_why {
        size_t candidate;
        rs_reason reason;
        char *detail;                   /* for account managers; may name classes,
                                         * levels and reasons; NULL when none */
} rs_why;

typedef struct rs_uncovered {
        size_t shift;
        int start;                      /* absolute minutes */
        int end;
        int missing;                    /* people missing on the whole interval */
        rs_why *why;
        size_t n_why;
} rs_uncovered;

typedef struct rs_position_plan {
        rs_assignment *assignments;
        size_t n_assignments;
        rs_uncovered *uncovered;
        size_t n_uncovered;
        size_t *people;                 /* distinct candidates, ascending */
        size_t n_people;
        long required_minutes;          /* unweighted (SPEC §10.2) */
        long covered_minutes;
} rs_position_plan;

typedef struct rs_candidate_total {
        int paid_minutes;               /* week total over all employers, incl. commitments */
        int days;                       /* working days in the week */
} rs_candidate_total;

typedef struct rs_solution {
        rs_status status;
        char *infeasible_reason;        /* set when status == RS_STATUS_INFEASIBLE */
        rs_position_plan *positions;    /* parallel to problem.positions */
        size_t n_positions;
        rs_candidate_total *candidates; /* parallel to problem.candidates */
        size_t n_candidates;
        rs_goal_result goals[_RS_GOAL_MAX];
        double seconds;                 /* wall-clock time of the solve */
        long rows;                      /* largest model solved */
        long columns;
        /* With a time limit: the work the solve did (in units of
         * docs/solver.md, limit × RS_WORK_RATE at most), and whether the
         * wall clock stopped a stage before its work was done; only then
         * may the same input and limit give another roster. */
        double work;
        double work_budget;
        bool clock_stopped;
} rs_solution;

rs_solution *rs_solution_free(rs_solution *solution);

const char *rs_status_to_string(rs_status status);
const char *rs_goal_to_string(rs_goal goal);
const char *rs_reason_to_string(rs_reason reason);
