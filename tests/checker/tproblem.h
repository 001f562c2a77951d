/* tests/checker/tproblem.h -- build rs_problem and rs_solution values by
 * hand in tests, without config/ and without the solver library.
 *
 * Every array and string is malloc'ed member by member, as problem.h
 * requires, so either tp_problem_free() or rs_problem_free() frees it.
 * Out of memory aborts: these are test fixtures. Times are absolute
 * minutes since Monday 00:00; TP_AT(day, hour, minute) spells them. */
#pragma once

#include <stddef.h>

#include "roster/problem.h"
#include "roster/solution.h"

#define TP_AT(day, hour, minute) ((day) * RS_MINUTES_PER_DAY + (hour) * 60 + (minute))
#define TP_H(hours) ((hours) * 60)

/* A problem with the Dutch default rules of SPEC §3.4 (max_shift 12h,
 * max_week 60h, min_rest 11h, breaks 5h30m/30m and 10h/45m, one block
 * per day), travel default 30m and no places. */
rs_problem *tp_problem_new(void);
rs_problem *tp_problem_free(rs_problem *p);

/* Adds a place; travel to every other place is travel_default until set. */
int tp_place(rs_problem *p, const char *id);
void tp_travel(rs_problem *p, int a, int b, int minutes);
size_t tp_skill(rs_problem *p, const char *id);
size_t tp_employer(rs_problem *p, const char *id, int place);

/* A position with priority 1, language A0, no skills, max_people 2,
 * min_block 3h; change the fields directly for anything else. */
size_t tp_position(rs_problem *p, size_t employer, const char *id);
void tp_position_skill(rs_problem *p, size_t position, size_t skill);

/* A shift instance on @day from @start to @end (absolute minutes) with
 * grid points every @handover minutes from the start plus the end
 * (SPEC §10.1). Shifts must be added in order of start. */
size_t tp_shift(rs_problem *p, size_t position, int day, int start, int end, int headcount, int handover);
/* The same with explicit interior points (handover_at). */
size_t tp_shift_at(rs_problem *p, size_t position, int day, int start, int end, int headcount,
                   const int *interior, size_t n_interior);

/* A candidate placed anywhere, language A0, hours 0/0/60h, max_days 5.
 * Candidates must be added in order of id. */
size_t tp_candidate(rs_problem *p, const char *id);
void tp_candidate_hours(rs_problem *p, size_t c, int min, int target, int max);
void tp_candidate_skill(rs_problem *p, size_t c, size_t skill);
/* Places @c at @employer (and no longer anywhere). */
void tp_candidate_employer(rs_problem *p, size_t c, size_t employer);
/* `employers: []`: placed nowhere. */
void tp_candidate_nowhere(rs_problem *p, size_t c);
/* Class sessions, unavailability and commitments must be added in order
 * of start. */
void tp_class(rs_problem *p, size_t c, const char *group, int place, int start, int end);
void tp_unavailable(rs_problem *p, size_t c, int start, int end);
void tp_commitment(rs_problem *p, size_t c, int day, int start, int end, const char *employer);
void tp_approved(rs_problem *p, size_t position, size_t c, int start, int end);

/* An empty solution shaped after @p: status optimal, no assignments. */
rs_solution *tp_solution_new(const rs_problem *p);
rs_solution *tp_solution_free(rs_solution *s);
void tp_assign(rs_solution *s, size_t position, size_t shift, int start, int end, size_t candidate);
/* Appends an uncovered entry to @position; returns its index. */
size_t tp_uncovered(rs_solution *s, size_t position, size_t shift, int start, int end, int missing);
void tp_why(rs_solution *s, size_t position, size_t uncovered, size_t candidate, rs_reason reason);
/* Sorts assignments by (shift, start, candidate). */
void tp_solution_sort(rs_solution *s);
