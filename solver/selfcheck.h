/* solver/selfcheck.h -- the last check before a roster leaves the solver.
 *
 * rs_selfcheck() re-reads every hard rule of SPEC §4 (with §10's
 * semantics) from the problem's own data -- not from prep.c's blocks and
 * options -- and the numbers the solution claims: paid minutes and days
 * per candidate, people, required and covered minutes per position. A
 * bug anywhere in the engine that would hand out a roster breaking a rule
 * becomes an error instead. */
#pragma once

#include "roster/problem.h"
#include "roster/solution.h"

/* Returns 0 when @solution keeps every rule of @problem and its totals are
 * right; -EPROTO with a malloc'ed message naming the rule, the candidate,
 * the position and the times of the first violation found (in
 * *reterr_message when non-NULL); -ENOMEM. Cost: sorting the assignments
 * and commitments once, plus each assignment against its candidate's
 * classes and unavailability and its other work of the week. */
int rs_selfcheck(const rs_problem *problem, const rs_solution *solution, char **reterr_message);
