/* solver/include/roster/solver.h -- build a roster from a problem.
 *
 * Pure: no I/O, no logging, no global state visible to the caller. GLPK
 * never aborts the caller and never prints to stdout; its failures come
 * back as -EIO with text in @reterr_message. */
#pragma once

#include <stddef.h>

#include "roster/problem.h"
#include "roster/solution.h"

/* Called now and then during a long solve (from the solving thread), e.g.
 * to print a progress line. @what is a short human text. May be NULL. */
typedef void (*rs_progress_fn)(void *userdata, const char *what);

typedef struct rs_solve_opts {
        double time_limit;              /* seconds for the whole solve, 0 = none */
        double mip_gap;                 /* relative gap accepted per goal, 0 = prove */
        const char *write_lp;           /* when set, the model of goal 1 is written
                                         * there in CPLEX LP format (the one I/O the
                                         * solver does, on request) */
        rs_progress_fn progress;
        void *progress_userdata;
} rs_solve_opts;

/* Solves @problem (borrowed, not modified). Returns 0 and a new solution
 * in *ret_solution (free with rs_solution_free()); its status says
 * optimal, feasible or infeasible. Returns -EINVAL for a problem that
 * breaks the invariants of problem.h, -ENOMEM, or -EIO when GLPK fails;
 * then a malloc'ed message is stored in *reterr_message (when non-NULL).
 * *ret_solution is only written on success. */
int rs_solve(const rs_problem *problem, const rs_solve_opts *opts,
             rs_solution **ret_solution, char **reterr_message);
