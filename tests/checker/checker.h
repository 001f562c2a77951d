/* tests/checker/checker.h -- an independent verifier of solved rosters.
 *
 * Re-derives every hard rule of SPEC §4 (with the semantics of §10) and
 * every number a solution claims from the raw problem data alone. It
 * calls no rs_* function: the grid, travel lookups, breaks, working days
 * and rest are all computed here again, from a separate reading of the
 * specification, so that a mistake in the solver's helpers cannot hide
 * behind the same mistake in the checker.
 *
 * Only the data types of solver/include/roster/{problem,solution}.h are
 * shared. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "roster/problem.h"
#include "roster/solution.h"

/* Violations found, one human-readable line each, e.g.
 * "rule 4 rest: c-017 mon 22:00 -> tue 07:00 is 9h < 11h".
 * Lines start with "rule N <what>:" for the hard rules of SPEC §4 and
 * with "claim <what>:" for numbers or lists the solution states wrongly.
 * Zero it before first use ({0}); the checks append; free with
 * rchk_report_done(). */
typedef struct rchk_report {
        char **lines;
        size_t n_lines;
        size_t cap;
        bool oom;                       /* a line could not be stored */
} rchk_report;

/* Frees every line; leaves the report empty and reusable. */
void rchk_report_done(rchk_report *report);

/* Prints at most @max_lines lines to @out, for a failing test's output. */
void rchk_report_print(const rchk_report *report, FILE *out, size_t max_lines);

/* True when some line starts with @prefix. */
bool rchk_report_has(const rchk_report *report, const char *prefix);

/* Checks the hard rules and every claim of @solution against @problem,
 * why-lists included: each must name everyone it owes a reason, and a
 * `grid` reason must be true (README.md says how both are read). Returns the number of violations appended to @report (0: clean), or
 * -ENOMEM. */
int rchk_check(const rs_problem *problem, const rs_solution *solution, rchk_report *report);

/* Only the hard rules of SPEC §4 over the assignments of @solution
 * (positions[].assignments); no other field is read. Returns the number
 * of violations, or -ENOMEM. */
int rchk_check_roster(const rs_problem *problem, const rs_solution *solution, rchk_report *report);

/* Recomputes the goal vector of the assignments of @solution into
 * @ret_goals (indexed by rs_goal; stability is 0 without an approved
 * roster). Only positions[].assignments are read. Returns 0 or -ENOMEM
 * (then @ret_goals is untouched). */
int rchk_goals(const rs_problem *problem, const rs_solution *solution, double ret_goals[static _RS_GOAL_MAX]);

/* Paid minutes of one block of @length minutes (SPEC §10.6), as the
 * checker reads it: the largest take whose `after` is strictly below
 * @length is deducted. */
int rchk_paid_minutes(const rs_rules *rules, int length);

/* Travel minutes between two places, from the matrix, or
 * travel_default when either side is RS_NO_PLACE (SPEC §10.7). */
int rchk_travel(const rs_problem *problem, int from, int to);

/* Writes "mon 07:00" for absolute minutes @t ("prev-sun 22:00" before
 * the week, "next-mon 06:00" after it) into @buf. */
const char *rchk_format_time(int t, char buf[static 24]);
