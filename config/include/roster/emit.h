/* config/include/roster/emit.h -- roster documents out (SPEC §5).
 *
 * Turns a solved week into the YAML roster document of one employer,
 * through libyaml's emitter so that every name is quoted correctly. The
 * output depends only on the problem, the solution and @meta: the same
 * input gives the same bytes. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "roster/problem.h"
#include "roster/solution.h"

typedef enum rc_view {
        RC_VIEW_FULL,           /* account managers, admins: everything */
        RC_VIEW_EMPLOYER,       /* the employer itself: no class, level, reason,
                                 * other employer, or personal hours limits */
        _RC_VIEW_MAX,
} rc_view;

typedef struct rc_based_on {
        const char *name;       /* e.g. "shift-needs/agri-geldrop" */
        long revision;
} rc_based_on;

typedef struct rc_roster_meta {
        long revision;                  /* < 0: omitted */
        const char *state;              /* "proposal", "approved", "superseded" */
        const rc_based_on *based_on;    /* may be NULL */
        size_t n_based_on;
        bool timing;                    /* write solver.seconds (varies between runs) */
} rc_roster_meta;

/* Writes the roster document of problem->employers[@employer] into a
 * malloc'ed NUL-terminated buffer. Returns 0, -EINVAL for a bad index, or
 * -ENOMEM / -EIO when the emitter fails. */
int rc_roster_emit(const rs_problem *problem, const rs_solution *solution, size_t employer,
                   const rc_roster_meta *meta, rc_view view, char **ret_text, size_t *ret_size);

/* "HH:MM" of an absolute minute (modulo one day). */
void rc_format_clock(int minute, char buf[static 6]);

/* Paid minutes as decimal hours without trailing zeros: 1290 -> "21.5". */
void rc_format_hours(int minutes, char buf[static 16]);

extern const char *const rc_day_names[7];      /* "mon" .. "sun" */
