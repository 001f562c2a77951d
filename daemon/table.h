/* daemon/table.h -- a roster as a week grid for the terminal.
 *
 * One grid per position: a row for the shifts, a row per person with the
 * times they work each day, and a row of uncovered time; then each
 * person's paid hours against their target. Plain ASCII, so it reads the
 * same in every terminal and in a log. */
#pragma once

#include <stdio.h>

#include "roster/problem.h"
#include "roster/solution.h"

/* Writes the grid of problem->employers[@employer] to @out. Returns 0 or
 * -EIO when writing fails. */
int rd_table_write(FILE *out, const rs_problem *problem, const rs_solution *solution,
                   size_t employer);
