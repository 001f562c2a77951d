/* tests/solver/tb.h -- building problems in C for the solver's tests, and
 * checking what the solver returns.
 *
 * The builder fills an rs_problem the way config/ would: times in minutes
 * since Monday 00:00, grids resolved, defaults of SPEC §10.12 applied.
 * Failures abort the test (these are test helpers, not a library).
 *
 * The checker re-derives the hard rules of SPEC §4 and the goal vector
 * from the assignments alone, without calling the solver's internals, so
 * every solve in the tests is also checked for rule violations. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "roster/problem.h"
#include "roster/solution.h"
#include "roster/solver.h"

enum { MON, TUE, WED, THU, FRI, SAT, SUN };

/* Minutes for "HH:MM" on @day; hours and minutes as durations. */
int tb_t(int day, const char *hhmm);
#define H(h) ((h) * 60)

/* Rules: max_shift 12h, max_week 60h, min_rest 11h, one block a day,
 * breaks 30m after 5h30m and 45m after 10h; travel default 30m. */
rs_problem *tb_problem(void);
int tb_place(rs_problem *p, const char *id);
void tb_travel(rs_problem *p, int a, int b, int minutes);
size_t tb_skill(rs_problem *p, const char *id);
size_t tb_employer(rs_problem *p, const char *id, int place);
/* Priority 1, language A0, no skills. */
size_t tb_position(rs_problem *p, size_t employer, const char *id, int min_block, int max_people);
void tb_position_language(rs_problem *p, size_t pos, rs_level level);
void tb_position_skill(rs_problem *p, size_t pos, size_t skill);
void tb_position_priority(rs_problem *p, size_t pos, double priority);
/* A shift instance on @day from @start to @end ("HH:MM"; an end not after
 * the start is the next day), grid every @handover minutes from the start
 * plus the end. Shifts must be added in time order. */
size_t tb_shift(rs_problem *p, size_t pos, int day, const char *start, const char *end, int headcount,
                int handover);
/* hours min/target/max in minutes, max_days 5, any employer, A0. */
size_t tb_candidate(rs_problem *p, const char *id, int hmin, int htarget, int hmax);
void tb_candidate_language(rs_problem *p, size_t cand, rs_level level);
void tb_candidate_skill(rs_problem *p, size_t cand, size_t skill);
void tb_candidate_max_days(rs_problem *p, size_t cand, int max_days);
/* Places the candidate at @employer (the first call ends "any employer"). */
void tb_place_at(rs_problem *p, size_t cand, size_t employer);
void tb_class(rs_problem *p, size_t cand, const char *group, int place, int day, const char *start,
              const char *end);
void tb_unavailable(rs_problem *p, size_t cand, int day, const char *start, const char *end,
                    const char *reason);
/* @day < 0: a block of the previous week (start/end relative to that day). */
void tb_commitment(rs_problem *p, size_t cand, int day, const char *start, const char *end,
                   const char *employer);
void tb_approved(rs_problem *p, size_t pos, size_t cand, int day, const char *start, const char *end);

/* Solves with the checker run on the result; fails the test on any error
 * or rule violation. */
rs_solution *tb_solve(const rs_problem *p);
rs_solution *tb_solve_opts(const rs_problem *p, const rs_solve_opts *opts);

/* Hard-rule violations of the assignments (0 when clean); prints them. */
int tb_check_rules(const rs_problem *p, const rs_solution *s);
/* The goal vector of the assignments. */
void tb_goals(const rs_problem *p, const rs_solution *s, double goals[static _RS_GOAL_MAX]);

/* Is there exactly this assignment? */
bool tb_has(const rs_solution *s, size_t pos, size_t cand, int start, int end);
/* Number of assignments of a position. */
size_t tb_count(const rs_solution *s, size_t pos);
/* The why entry of @cand in the uncovered interval [start, end) of @pos,
 * NULL when there is no such interval or entry. */
const rs_why *tb_why(const rs_solution *s, size_t pos, int start, int end, size_t cand);
/* Fails the test unless the two solutions are the same in every field
 * and string, in order (SPEC §4 goal 5). */
void tb_assert_same(const rs_solution *x, const rs_solution *y);
/* Prints a solution (for failing tests). */
void tb_print(const rs_problem *p, const rs_solution *s);

/* Violations of the hard rules in the assignments alone; @verbose prints
 * them. */
int tb_violations(const rs_problem *p, const rs_solution *s, bool verbose);

/* A random but reproducible week: @n_employers employers with
 * @positions_per positions each, @n_candidates candidates with classes,
 * placements, some unavailability and approved work elsewhere. */
rs_problem *tb_random(unsigned seed, size_t n_employers, size_t positions_per, size_t n_candidates);
/* Deterministic pseudo-random numbers in [0, n). */
unsigned tb_rand(unsigned *state, unsigned n);
