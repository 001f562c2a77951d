/* tests/checker/tproblem.c -- hand-built problems and solutions for tests. */
#include "tproblem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *xrealloc(void *ptr, size_t n, size_t size) {
        void *r;

        if (n == 0)
                n = 1;
        r = realloc(ptr, n * size);
        if (!r) {
                fprintf(stderr, "tproblem: out of memory\n");
                abort();
        }
        return r;
}

static void *xcalloc(size_t n, size_t size) {
        void *r = calloc(n ? n : 1, size);

        if (!r) {
                fprintf(stderr, "tproblem: out of memory\n");
                abort();
        }
        return r;
}

static char *xstrdup(const char *s) {
        char *r;

        if (!s)
                return NULL;
        r = strdup(s);
        if (!r) {
                fprintf(stderr, "tproblem: out of memory\n");
                abort();
        }
        return r;
}

rs_problem *tp_problem_new(void) {
        rs_problem *p = xcalloc(1, sizeof(*p));

        snprintf(p->week, sizeof(p->week), "2026-W49");
        p->rules.max_shift = TP_H(12);
        p->rules.max_week = TP_H(60);
        p->rules.min_rest = TP_H(11);
        p->rules.max_blocks_per_day = 1;
        p->rules.breaks = xcalloc(2, sizeof(rs_break_rule));
        p->rules.breaks[0] = (rs_break_rule) {.after = 330, .take = 30};
        p->rules.breaks[1] = (rs_break_rule) {.after = 600, .take = 45};
        p->rules.n_breaks = 2;
        p->travel_default = 30;
        return p;
}

rs_problem *tp_problem_free(rs_problem *p) {
        if (!p)
                return NULL;
        free(p->rules.breaks);
        for (size_t i = 0; i < p->n_places; i++)
                free(p->places[i]);
        free(p->places);
        free(p->travel);
        for (size_t i = 0; i < p->n_skills; i++)
                free(p->skills[i]);
        free(p->skills);
        for (size_t i = 0; i < p->n_employers; i++) {
                free(p->employers[i].id);
                free(p->employers[i].name);
        }
        free(p->employers);
        for (size_t i = 0; i < p->n_positions; i++) {
                rs_position *pos = &p->positions[i];

                free(pos->id);
                free(pos->title);
                free(pos->skills);
                for (size_t k = 0; k < pos->n_shifts; k++)
                        free(pos->shifts[k].grid);
                free(pos->shifts);
        }
        free(p->positions);
        for (size_t i = 0; i < p->n_candidates; i++) {
                rs_candidate *c = &p->candidates[i];

                free(c->id);
                free(c->name);
                free(c->skills);
                free(c->employers);
                for (size_t k = 0; k < c->n_classes; k++) {
                        free(c->classes[k].school);
                        free(c->classes[k].group);
                }
                free(c->classes);
                for (size_t k = 0; k < c->n_unavailable; k++)
                        free(c->unavailable[k].reason);
                free(c->unavailable);
                for (size_t k = 0; k < c->n_commitments; k++)
                        free(c->commitments[k].employer);
                free(c->commitments);
        }
        free(p->candidates);
        free(p->approved);
        free(p);
        return NULL;
}

int tp_place(rs_problem *p, const char *id) {
        size_t n = p->n_places + 1;
        int *travel = xcalloc(n * n, sizeof(int));

        for (size_t a = 0; a < n; a++)
                for (size_t b = 0; b < n; b++) {
                        if (a == b)
                                travel[a * n + b] = 0;
                        else if (a < n - 1 && b < n - 1)
                                travel[a * n + b] = p->travel[a * (n - 1) + b];
                        else
                                travel[a * n + b] = p->travel_default;
                }
        free(p->travel);
        p->travel = travel;
        p->places = xrealloc(p->places, n, sizeof(char *));
        p->places[n - 1] = xstrdup(id);
        p->n_places = n;
        return (int) (n - 1);
}

void tp_travel(rs_problem *p, int a, int b, int minutes) {
        p->travel[(size_t) a * p->n_places + (size_t) b] = minutes;
        p->travel[(size_t) b * p->n_places + (size_t) a] = minutes;
}

size_t tp_skill(rs_problem *p, const char *id) {
        p->skills = xrealloc(p->skills, p->n_skills + 1, sizeof(char *));
        p->skills[p->n_skills] = xstrdup(id);
        return p->n_skills++;
}

size_t tp_employer(rs_problem *p, const char *id, int place) {
        p->employers = xrealloc(p->employers, p->n_employers + 1, sizeof(rs_employer));
        p->employers[p->n_employers] = (rs_employer) {.id = xstrdup(id), .place = place};
        return p->n_employers++;
}

size_t tp_position(rs_problem *p, size_t employer, const char *id) {
        p->positions = xrealloc(p->positions, p->n_positions + 1, sizeof(rs_position));
        p->positions[p->n_positions] = (rs_position) {
                .id = xstrdup(id),
                .employer = employer,
                .priority = 1.0,
                .language = RS_LEVEL_A0,
                .max_people = 2,
                .min_block = TP_H(3),
        };
        return p->n_positions++;
}

void tp_position_skill(rs_problem *p, size_t position, size_t skill) {
        rs_position *pos = &p->positions[position];

        pos->skills = xrealloc(pos->skills, pos->n_skills + 1, sizeof(size_t));
        pos->skills[pos->n_skills++] = skill;
}

static size_t add_shift(rs_problem *p, size_t position, int day, int start, int end, int headcount,
                        int *grid, size_t n_grid) {
        rs_position *pos = &p->positions[position];

        pos->shifts = xrealloc(pos->shifts, pos->n_shifts + 1, sizeof(rs_shift));
        pos->shifts[pos->n_shifts] = (rs_shift) {
                .day = day, .start = start, .end = end, .headcount = headcount,
                .grid = grid, .n_grid = n_grid,
        };
        return pos->n_shifts++;
}

size_t tp_shift(rs_problem *p, size_t position, int day, int start, int end, int headcount, int handover) {
        size_t n = 0;
        int *grid = xcalloc((size_t) ((end - start) / handover + 2), sizeof(int));

        for (int t = start; t < end; t += handover)
                grid[n++] = t;
        grid[n++] = end;
        return add_shift(p, position, day, start, end, headcount, grid, n);
}

size_t tp_shift_at(rs_problem *p, size_t position, int day, int start, int end, int headcount,
                   const int *interior, size_t n_interior) {
        int *grid = xcalloc(n_interior + 2, sizeof(int));

        grid[0] = start;
        for (size_t i = 0; i < n_interior; i++)
                grid[i + 1] = interior[i];
        grid[n_interior + 1] = end;
        return add_shift(p, position, day, start, end, headcount, grid, n_interior + 2);
}

size_t tp_candidate(rs_problem *p, const char *id) {
        p->candidates = xrealloc(p->candidates, p->n_candidates + 1, sizeof(rs_candidate));
        p->candidates[p->n_candidates] = (rs_candidate) {
                .id = xstrdup(id),
                .language = RS_LEVEL_A0,
                .hours_max = p->rules.max_week,
                .max_days = 5,
                .any_employer = true,
                .home = RS_NO_PLACE,
        };
        return p->n_candidates++;
}

void tp_candidate_hours(rs_problem *p, size_t c, int min, int target, int max) {
        p->candidates[c].hours_min = min;
        p->candidates[c].hours_target = target;
        p->candidates[c].hours_max = max;
}

void tp_candidate_skill(rs_problem *p, size_t c, size_t skill) {
        rs_candidate *cand = &p->candidates[c];

        cand->skills = xrealloc(cand->skills, cand->n_skills + 1, sizeof(size_t));
        cand->skills[cand->n_skills++] = skill;
}

void tp_candidate_employer(rs_problem *p, size_t c, size_t employer) {
        rs_candidate *cand = &p->candidates[c];

        cand->any_employer = false;
        cand->employers = xrealloc(cand->employers, cand->n_employers + 1, sizeof(size_t));
        cand->employers[cand->n_employers++] = employer;
}

void tp_candidate_nowhere(rs_problem *p, size_t c) {
        p->candidates[c].any_employer = false;
}

void tp_class(rs_problem *p, size_t c, const char *group, int place, int start, int end) {
        rs_candidate *cand = &p->candidates[c];

        cand->classes = xrealloc(cand->classes, cand->n_classes + 1, sizeof(rs_class_session));
        cand->classes[cand->n_classes++] = (rs_class_session) {
                .school = xstrdup("school"), .group = xstrdup(group),
                .place = place, .start = start, .end = end,
        };
}

void tp_unavailable(rs_problem *p, size_t c, int start, int end) {
        rs_candidate *cand = &p->candidates[c];

        cand->unavailable = xrealloc(cand->unavailable, cand->n_unavailable + 1, sizeof(rs_unavailability));
        cand->unavailable[cand->n_unavailable++] = (rs_unavailability) {.start = start, .end = end};
}

void tp_commitment(rs_problem *p, size_t c, int day, int start, int end, const char *employer) {
        rs_candidate *cand = &p->candidates[c];

        cand->commitments = xrealloc(cand->commitments, cand->n_commitments + 1, sizeof(rs_commitment));
        cand->commitments[cand->n_commitments++] = (rs_commitment) {
                .day = day, .start = start, .end = end, .employer = xstrdup(employer),
        };
}

void tp_approved(rs_problem *p, size_t position, size_t c, int start, int end) {
        p->has_approved = true;
        p->approved = xrealloc(p->approved, p->n_approved + 1, sizeof(rs_approved_block));
        p->approved[p->n_approved++] = (rs_approved_block) {
                .position = position, .candidate = c, .start = start, .end = end,
        };
}

rs_solution *tp_solution_new(const rs_problem *p) {
        rs_solution *s = xcalloc(1, sizeof(*s));

        s->status = RS_STATUS_OPTIMAL;
        s->positions = xcalloc(p->n_positions, sizeof(rs_position_plan));
        s->n_positions = p->n_positions;
        s->candidates = xcalloc(p->n_candidates, sizeof(rs_candidate_total));
        s->n_candidates = p->n_candidates;
        return s;
}

rs_solution *tp_solution_free(rs_solution *s) {
        if (!s)
                return NULL;
        for (size_t i = 0; i < s->n_positions; i++) {
                rs_position_plan *plan = &s->positions[i];

                free(plan->assignments);
                for (size_t u = 0; u < plan->n_uncovered; u++) {
                        for (size_t k = 0; k < plan->uncovered[u].n_why; k++)
                                free(plan->uncovered[u].why[k].detail);
                        free(plan->uncovered[u].why);
                }
                free(plan->uncovered);
                free(plan->people);
        }
        free(s->positions);
        free(s->candidates);
        free(s->infeasible_reason);
        free(s);
        return NULL;
}

void tp_assign(rs_solution *s, size_t position, size_t shift, int start, int end, size_t candidate) {
        rs_position_plan *plan = &s->positions[position];

        plan->assignments = xrealloc(plan->assignments, plan->n_assignments + 1, sizeof(rs_assignment));
        plan->assignments[plan->n_assignments++] = (rs_assignment) {
                .shift = shift, .start = start, .end = end, .candidate = candidate,
        };
}

size_t tp_uncovered(rs_solution *s, size_t position, size_t shift, int start, int end, int missing) {
        rs_position_plan *plan = &s->positions[position];

        plan->uncovered = xrealloc(plan->uncovered, plan->n_uncovered + 1, sizeof(rs_uncovered));
        plan->uncovered[plan->n_uncovered] = (rs_uncovered) {
                .shift = shift, .start = start, .end = end, .missing = missing,
        };
        return plan->n_uncovered++;
}

void tp_why(rs_solution *s, size_t position, size_t uncovered, size_t candidate, rs_reason reason) {
        rs_uncovered *u = &s->positions[position].uncovered[uncovered];

        u->why = xrealloc(u->why, u->n_why + 1, sizeof(rs_why));
        u->why[u->n_why++] = (rs_why) {.candidate = candidate, .reason = reason};
}

static int compare_assignment(const void *a, const void *b) {
        const rs_assignment *x = a, *y = b;

        if (x->shift != y->shift)
                return x->shift < y->shift ? -1 : 1;
        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        if (x->candidate != y->candidate)
                return x->candidate < y->candidate ? -1 : 1;
        return 0;
}

void tp_solution_sort(rs_solution *s) {
        for (size_t i = 0; i < s->n_positions; i++)
                if (s->positions[i].n_assignments > 1)
                        qsort(s->positions[i].assignments, s->positions[i].n_assignments, sizeof(rs_assignment),
                      compare_assignment);
}
