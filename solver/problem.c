/* solver/problem.c -- helpers on the resolved problem of one week. */
#include <stdlib.h>

#include "roster/problem.h"

int rs_problem_travel(const rs_problem *problem, int from, int to) {
        if (!problem)
                return 0;
        if (from == RS_NO_PLACE || to == RS_NO_PLACE || from < 0 || to < 0 ||
            (size_t) from >= problem->n_places || (size_t) to >= problem->n_places ||
            !problem->travel)
                return problem->travel_default;
        return problem->travel[(size_t) from * problem->n_places + (size_t) to];
}

/* SPEC §10.6: only the largest applicable take counts, and a block of
 * exactly @after minutes loses nothing. The rules are sorted by @after, but
 * a later rule is not required to take more, so look at every one. */
int rs_rules_paid_minutes(const rs_rules *rules, int length) {
        int take = 0;

        if (length <= 0)
                return 0;
        if (!rules)
                return length;
        for (size_t i = 0; i < rules->n_breaks; i++)
                if (length > rules->breaks[i].after && rules->breaks[i].take > take)
                        take = rules->breaks[i].take;
        if (take > length)
                take = length;
        return length - take;
}

static void candidate_done(rs_candidate *c) {
        free(c->id);
        free(c->name);
        free(c->skills);
        free(c->employers);
        for (size_t i = 0; i < c->n_classes; i++) {
                free(c->classes[i].school);
                free(c->classes[i].group);
        }
        free(c->classes);
        for (size_t i = 0; i < c->n_unavailable; i++)
                free(c->unavailable[i].reason);
        free(c->unavailable);
        for (size_t i = 0; i < c->n_commitments; i++)
                free(c->commitments[i].employer);
        free(c->commitments);
}

static void position_done(rs_position *p) {
        free(p->id);
        free(p->title);
        free(p->skills);
        for (size_t i = 0; i < p->n_shifts; i++)
                free(p->shifts[i].grid);
        free(p->shifts);
}

rs_problem *rs_problem_free(rs_problem *problem) {
        if (!problem)
                return NULL;

        free(problem->rules.breaks);
        for (size_t i = 0; i < problem->n_places; i++)
                free(problem->places ? problem->places[i] : NULL);
        free(problem->places);
        free(problem->travel);
        for (size_t i = 0; i < problem->n_skills; i++)
                free(problem->skills ? problem->skills[i] : NULL);
        free(problem->skills);
        for (size_t i = 0; problem->employers && i < problem->n_employers; i++) {
                free(problem->employers[i].id);
                free(problem->employers[i].name);
        }
        free(problem->employers);
        for (size_t i = 0; problem->positions && i < problem->n_positions; i++)
                position_done(&problem->positions[i]);
        free(problem->positions);
        for (size_t i = 0; problem->candidates && i < problem->n_candidates; i++)
                candidate_done(&problem->candidates[i]);
        free(problem->candidates);
        free(problem->approved);
        free(problem);
        return NULL;
}

const char *rs_level_to_string(rs_level level) {
        static const char *const table[_RS_LEVEL_MAX] = {
                [RS_LEVEL_A0] = "A0",
                [RS_LEVEL_A1] = "A1",
                [RS_LEVEL_A2] = "A2",
                [RS_LEVEL_B1] = "B1",
                [RS_LEVEL_B2] = "B2",
                [RS_LEVEL_C1] = "C1",
                [RS_LEVEL_C2] = "C2",
        };

        if ((int) level < 0 || level >= _RS_LEVEL_MAX)
                return NULL;
        return table[level];
}
