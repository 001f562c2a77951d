/* solver/validate.c -- the invariants problem.h promises, checked before
 * any GLPK call so that a malformed problem is -EINVAL with a reason and
 * never an out-of-bounds read or a GLPK abort. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "internal.h"

/* A week plus a generous margin on both sides: commitments of the previous
 * week and night shifts of Sunday may leave 0..7*1440. */
#define TIME_MIN (-8 * RS_MINUTES_PER_DAY)
#define TIME_MAX (16 * RS_MINUTES_PER_DAY)

static int fail(char **reterr, char *msg) {
        if (reterr)
                *reterr = msg;
        else
                free(msg);
        return -EINVAL;
}

#define FAIL(...) return fail(reterr_message, rs_strdup_printf(__VA_ARGS__))

static bool time_ok(int t) {
        return t >= TIME_MIN && t <= TIME_MAX;
}

static bool place_ok(const rs_problem *problem, int place) {
        return place == RS_NO_PLACE || (place >= 0 && (size_t) place < problem->n_places);
}

static bool level_ok(rs_level level) {
        return (int) level >= 0 && level < _RS_LEVEL_MAX;
}

static int validate_position(const rs_problem *problem, size_t pi, char **reterr_message) {
        const rs_position *p = &problem->positions[pi];

        if (!p->id)
                FAIL("positions[%zu]: id missing", pi);
        if (p->employer >= problem->n_employers)
                FAIL("position %s: employer index %zu out of range", p->id, p->employer);
        if (!isfinite(p->priority) || p->priority <= 0 || p->priority > 1e6)
                FAIL("position %s: priority must be positive", p->id);
        if (!level_ok(p->language))
                FAIL("position %s: language level out of range", p->id);
        if (p->n_skills > 0 && !p->skills)
                FAIL("position %s: skills missing", p->id);
        for (size_t k = 0; k < p->n_skills; k++)
                if (p->skills[k] >= problem->n_skills)
                        FAIL("position %s: skill index %zu out of range", p->id, p->skills[k]);
        if (p->max_people < 1)
                FAIL("position %s: max_people must be at least 1", p->id);
        if (p->min_block < 0 || p->min_block > 7 * RS_MINUTES_PER_DAY)
                FAIL("position %s: min_block out of range", p->id);
        if (p->n_shifts > 0 && !p->shifts)
                FAIL("position %s: shifts missing", p->id);
        for (size_t si = 0; si < p->n_shifts; si++) {
                const rs_shift *s = &p->shifts[si];

                if (s->day < 0 || s->day >= RS_DAYS_PER_WEEK)
                        FAIL("position %s: shift %zu: day out of range", p->id, si);
                if (s->start < s->day * RS_MINUTES_PER_DAY ||
                    s->start >= (s->day + 1) * RS_MINUTES_PER_DAY)
                        FAIL("position %s: shift %zu: start is not on its day", p->id, si);
                if (s->end <= s->start || s->end - s->start > 2 * RS_MINUTES_PER_DAY)
                        FAIL("position %s: shift %zu: end must be after start", p->id, si);
                if (s->headcount < 1 || s->headcount > 10000)
                        FAIL("position %s: shift %zu: headcount must be at least 1", p->id, si);
                if (s->n_grid < 2 || !s->grid)
                        FAIL("position %s: shift %zu: grid needs at least two points", p->id, si);
                if (s->n_grid > 10000)
                        FAIL("position %s: shift %zu: grid too fine", p->id, si);
                if (s->grid[0] != s->start || s->grid[s->n_grid - 1] != s->end)
                        FAIL("position %s: shift %zu: grid must start and end with the shift",
                             p->id, si);
                for (size_t g = 1; g < s->n_grid; g++)
                        if (s->grid[g] <= s->grid[g - 1])
                                FAIL("position %s: shift %zu: grid not strictly ascending",
                                     p->id, si);
                if (si > 0 && s->start < p->shifts[si - 1].end)
                        FAIL("position %s: shift %zu overlaps or precedes the shift before it",
                             p->id, si);
        }
        return 0;
}

static int validate_candidate(const rs_problem *problem, size_t ci, char **reterr_message) {
        const rs_candidate *c = &problem->candidates[ci];

        if (!c->id)
                FAIL("candidates[%zu]: id missing", ci);
        if (!level_ok(c->language))
                FAIL("candidate %s: language level out of range", c->id);
        if (c->n_skills > 0 && !c->skills)
                FAIL("candidate %s: skills missing", c->id);
        for (size_t k = 0; k < c->n_skills; k++)
                if (c->skills[k] >= problem->n_skills)
                        FAIL("candidate %s: skill index %zu out of range", c->id, c->skills[k]);
        if (c->hours_min < 0 || c->hours_min > c->hours_target || c->hours_target > c->hours_max)
                FAIL("candidate %s: hours need 0 <= min <= target <= max", c->id);
        if (c->hours_max > 7 * RS_MINUTES_PER_DAY)
                FAIL("candidate %s: hours max beyond a week", c->id);
        if (c->max_days < 0 || c->max_days > RS_DAYS_PER_WEEK)
                FAIL("candidate %s: max_days out of range", c->id);
        if (!c->any_employer && c->n_employers > 0 && !c->employers)
                FAIL("candidate %s: employers missing", c->id);
        for (size_t k = 0; !c->any_employer && k < c->n_employers; k++)
                if (c->employers[k] >= problem->n_employers)
                        FAIL("candidate %s: employer index %zu out of range", c->id, c->employers[k]);
        if (!place_ok(problem, c->home))
                FAIL("candidate %s: home place out of range", c->id);
        if (c->n_classes > 0 && !c->classes)
                FAIL("candidate %s: classes missing", c->id);
        for (size_t k = 0; k < c->n_classes; k++) {
                const rs_class_session *cs = &c->classes[k];

                if (!place_ok(problem, cs->place))
                        FAIL("candidate %s: class %zu: place out of range", c->id, k);
                if (!time_ok(cs->start) || !time_ok(cs->end) || cs->end < cs->start)
                        FAIL("candidate %s: class %zu: bad times", c->id, k);
        }
        if (c->n_unavailable > 0 && !c->unavailable)
                FAIL("candidate %s: unavailability missing", c->id);
        for (size_t k = 0; k < c->n_unavailable; k++) {
                const rs_unavailability *u = &c->unavailable[k];

                if (!time_ok(u->start) || !time_ok(u->end) || u->end < u->start)
                        FAIL("candidate %s: unavailability %zu: bad times", c->id, k);
        }
        if (c->n_commitments > 0 && !c->commitments)
                FAIL("candidate %s: commitments missing", c->id);
        for (size_t k = 0; k < c->n_commitments; k++) {
                const rs_commitment *cm = &c->commitments[k];

                if (cm->day >= RS_DAYS_PER_WEEK || cm->day < -RS_DAYS_PER_WEEK)
                        FAIL("candidate %s: commitment %zu: day out of range", c->id, k);
                if (!time_ok(cm->start) || !time_ok(cm->end) || cm->end <= cm->start)
                        FAIL("candidate %s: commitment %zu: bad times", c->id, k);
        }
        return 0;
}

int rs_problem_validate(const rs_problem *problem, char **reterr_message) {
        const rs_rules *rules;
        int r;

        if (!problem)
                FAIL("no problem");
        rules = &problem->rules;
        if (rules->max_shift <= 0)
                FAIL("rules: max_shift must be positive");
        if (rules->max_week < 0)
                FAIL("rules: max_week must not be negative");
        if (rules->min_rest < 0 || rules->min_rest > 7 * RS_MINUTES_PER_DAY)
                FAIL("rules: min_rest out of range");
        if (rules->max_blocks_per_day < 1 || rules->max_blocks_per_day > 100)
                FAIL("rules: max_blocks_per_day must be at least 1");
        if (rules->n_breaks > 0 && !rules->breaks)
                FAIL("rules: breaks missing");
        for (size_t i = 0; i < rules->n_breaks; i++)
                if (rules->breaks[i].after < 0 || rules->breaks[i].take < 0)
                        FAIL("rules: breaks[%zu] must not be negative", i);

        if (problem->n_places > 0 && (!problem->travel || !problem->places))
                FAIL("travel matrix missing");
        if (problem->n_places > 10000)
                FAIL("too many places");
        for (size_t i = 0; i < problem->n_places * problem->n_places; i++)
                if (problem->travel[i] < 0 || problem->travel[i] > 7 * RS_MINUTES_PER_DAY)
                        FAIL("travel time out of range");
        if (problem->travel_default < 0 || problem->travel_default > 7 * RS_MINUTES_PER_DAY)
                FAIL("default travel time out of range");
        if (problem->n_skills > 0 && !problem->skills)
                FAIL("skills missing");

        if (problem->n_employers > 0 && !problem->employers)
                FAIL("employers missing");
        for (size_t i = 0; i < problem->n_employers; i++) {
                if (!problem->employers[i].id)
                        FAIL("employers[%zu]: id missing", i);
                if (!place_ok(problem, problem->employers[i].place))
                        FAIL("employer %s: place out of range", problem->employers[i].id);
        }
        if (problem->n_positions > 0 && !problem->positions)
                FAIL("positions missing");
        for (size_t i = 0; i < problem->n_positions; i++) {
                r = validate_position(problem, i, reterr_message);
                if (r < 0)
                        return r;
        }
        if (problem->n_candidates > 0 && !problem->candidates)
                FAIL("candidates missing");
        for (size_t i = 0; i < problem->n_candidates; i++) {
                r = validate_candidate(problem, i, reterr_message);
                if (r < 0)
                        return r;
        }
        if (problem->n_approved > 0 && !problem->approved)
                FAIL("approved blocks missing");
        for (size_t i = 0; i < problem->n_approved; i++) {
                const rs_approved_block *a = &problem->approved[i];

                if (a->position >= problem->n_positions || a->candidate >= problem->n_candidates)
                        FAIL("approved[%zu]: index out of range", i);
                if (!time_ok(a->start) || !time_ok(a->end) || a->end <= a->start)
                        FAIL("approved[%zu]: bad times", i);
        }
        return 0;
}
