/* solver/solution.c -- freeing and naming the parts of a solution. */
#include <stdlib.h>

#include "roster/solution.h"

static void position_plan_done(rs_position_plan *plan) {
        free(plan->assignments);
        for (size_t i = 0; plan->uncovered && i < plan->n_uncovered; i++) {
                rs_uncovered *u = &plan->uncovered[i];

                for (size_t j = 0; u->why && j < u->n_why; j++)
                        free(u->why[j].detail);
                free(u->why);
        }
        free(plan->uncovered);
        free(plan->people);
}

rs_solution *rs_solution_free(rs_solution *solution) {
        if (!solution)
                return NULL;

        free(solution->infeasible_reason);
        for (size_t i = 0; solution->positions && i < solution->n_positions; i++)
                position_plan_done(&solution->positions[i]);
        free(solution->positions);
        free(solution->candidates);
        free(solution);
        return NULL;
}

const char *rs_status_to_string(rs_status status) {
        static const char *const table[_RS_STATUS_MAX] = {
                [RS_STATUS_OPTIMAL] = "optimal",
                [RS_STATUS_FEASIBLE] = "feasible",
                [RS_STATUS_INFEASIBLE] = "infeasible",
        };

        if ((int) status < 0 || status >= _RS_STATUS_MAX)
                return NULL;
        return table[status];
}

const char *rs_goal_to_string(rs_goal goal) {
        static const char *const table[_RS_GOAL_MAX] = {
                [RS_GOAL_COVERAGE] = "coverage",
                [RS_GOAL_STABILITY] = "stability",
                [RS_GOAL_PEOPLE] = "people",
                [RS_GOAL_HANDOVERS] = "handovers",
                [RS_GOAL_SHORTFALL_MIN] = "shortfall-min",
                [RS_GOAL_SHORTFALL_TARGET] = "shortfall-target",
        };

        if ((int) goal < 0 || goal >= _RS_GOAL_MAX)
                return NULL;
        return table[goal];
}

const char *rs_reason_to_string(rs_reason reason) {
        static const char *const table[_RS_REASON_MAX] = {
                [RS_REASON_NOT_PLACED] = "not-placed",
                [RS_REASON_LANGUAGE] = "language",
                [RS_REASON_SKILL] = "skill",
                [RS_REASON_CLASS] = "class",
                [RS_REASON_UNAVAILABLE] = "unavailable",
                [RS_REASON_BUSY] = "busy",
                [RS_REASON_REST] = "rest",
                [RS_REASON_HOURS_CAP] = "hours-cap",
                [RS_REASON_DAY_CAP] = "day-cap",
                [RS_REASON_PEOPLE_LIMIT] = "people-limit",
                [RS_REASON_GRID] = "grid",
        };

        if ((int) reason < 0 || reason >= _RS_REASON_MAX)
                return NULL;
        return table[reason];
}
