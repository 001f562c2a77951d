/* tests/checker/brute.c -- exhaustive verification of rs_solve on tiny
 * random problems.
 *
 * For each seed, a tiny problem (1-2 positions, 1-3 candidates, 1-3
 * short shift instances on coarse grids, classes with travel,
 * unavailability, night shifts, headcount 2, commitments, approved
 * blocks) is drawn from a splitmix64 stream. Every roster that keeps the
 * hard rules is enumerated and the lexicographic minimum of the goal
 * vector (coverage, stability, people, handovers, shortfall-min,
 * shortfall-target) is taken. rs_solve must reach exactly that vector,
 * say optimal, and pass the checker.
 *
 * The hard rules are written here a second time, plainly and
 * incrementally (a rule set that only ever forbids more as blocks are
 * added, so a depth-first search can prune at every step), and compared
 * with the checker on random rosters, so the two readings of SPEC §4
 * check each other.
 *
 * Usage: brute [--seeds N] [--first S] [--no-solve] [--verbose] */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker.h"
#include "roster/solver.h"
#include "tproblem.h"

#define MAX_BLOCKS      64      /* per problem */
#define MAX_PATTERNS    4096    /* per candidate */
#define MAX_LEAVES      60000   /* product of pattern counts per problem */
#define MAX_CANDIDATES  3
#define MAX_POSITIONS   2
#define MAX_SHIFTS      3
#define MAX_GRID        5

/* ---- splitmix64 ------------------------------------------------------- */

static uint64_t rng_next(uint64_t *state) {
        uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

        z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
        return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int rng_int(uint64_t *state, int lo, int hi) {
        return lo + (int) (rng_next(state) % (uint64_t) (hi - lo + 1));
}

static bool rng_chance(uint64_t *state, int percent) {
        return rng_int(state, 1, 100) <= percent;
}

/* ---- tiny random problems ----------------------------------------------- */

static bool shift_overlaps_position(const rs_position *pos, int start, int end) {
        for (size_t i = 0; i < pos->n_shifts; i++)
                if (start < pos->shifts[i].end && pos->shifts[i].start < end)
                        return true;
        return false;
}

/* Adds one shift to @pos at a random time, keeping the shifts sorted by
 * start and apart. Returns false when the draw overlapped. */
static bool random_shift(uint64_t *rng, rs_problem *p, size_t pos_i) {
        rs_position *pos = &p->positions[pos_i];
        int day = rng_int(rng, 0, 6), start, len, headcount, grid[MAX_GRID], n_grid = 0;
        int kind = rng_int(rng, 0, 9);
        size_t at;

        if (kind < 5)                           /* day shift */
                start = rng_int(rng, 6, 12) * 60;
        else if (kind < 8)                      /* evening */
                start = rng_int(rng, 15, 18) * 60;
        else                                    /* night, across midnight */
                start = rng_int(rng, 21, 23) * 60;
        len = rng_int(rng, 4, 16) * 30;         /* 2h..8h */
        start += day * RS_MINUTES_PER_DAY;
        headcount = rng_chance(rng, 25) ? 2 : 1;
        if (shift_overlaps_position(pos, start, start + len))
                return false;

        /* A coarse grid: at most three interior points. */
        grid[n_grid++] = start;
        if (rng_chance(rng, 25)) {
                /* handover_at: one or two explicit interior points */
                int a = start + rng_int(rng, 1, len / 30 - 1) * 30;

                grid[n_grid++] = a;
                if (rng_chance(rng, 50) && a + 30 < start + len)
                        grid[n_grid++] = a + rng_int(rng, 1, (start + len - a) / 30 - 1) * 30;
        } else {
                int handover = rng_int(rng, 2, 4) * 60;

                for (int t = start + handover; t < start + len && n_grid < MAX_GRID - 1; t += handover)
                        grid[n_grid++] = t;
        }
        grid[n_grid++] = start + len;

        /* Insert in order of start. */
        for (at = 0; at < pos->n_shifts && pos->shifts[at].start < start; at++)
                ;
        tp_shift_at(p, pos_i, day, start, start + len, headcount, grid + 1, (size_t) n_grid - 2);
        if (at + 1 < pos->n_shifts) {
                rs_shift moved = pos->shifts[pos->n_shifts - 1];

                memmove(&pos->shifts[at + 1], &pos->shifts[at], (pos->n_shifts - 1 - at) * sizeof(rs_shift));
                pos->shifts[at] = moved;
        }
        return true;
}

/* A random time near one of the problem's shifts, so that classes and
 * unavailability matter. */
static int near_a_shift(uint64_t *rng, const rs_problem *p) {
        const rs_position *pos = &p->positions[rng_int(rng, 0, (int) p->n_positions - 1)];
        const rs_shift *sh = &pos->shifts[rng_int(rng, 0, (int) pos->n_shifts - 1)];

        return sh->start + rng_int(rng, -6, 16) * 30;
}

static rs_problem *random_problem(uint64_t *rng) {
        static const int max_shifts[] = {480, 600, 720};
        static const int min_blocks[] = {120, 180, 240};
        static const double priorities[] = {1.0, 2.0, 0.5};
        static const int hours_max[] = {240, 360, 480, 600, 900, 3600};
        rs_problem *p = tp_problem_new();
        int n_emp = rng_int(rng, 1, 2), n_pos = rng_int(rng, 1, MAX_POSITIONS);
        int n_shifts = rng_chance(rng, 20) ? n_pos : rng_int(rng, 2, MAX_SHIFTS);
        int n_cand = rng_chance(rng, 15) ? 1 : rng_int(rng, 2, MAX_CANDIDATES);
        char id[32];

        p->rules.max_shift = max_shifts[rng_int(rng, 0, 2)];
        /* Now and then a rest longer than a night shift's reach into the
         * next day, where a night block may start after the next day's
         * first block and still be too close to it. */
        p->rules.min_rest = rng_chance(rng, 80) ? (rng_chance(rng, 50) ? 660 : 600)
                                                : 960 + 60 * rng_int(rng, 0, 8);
        p->rules.max_blocks_per_day = rng_int(rng, 1, 2);
        p->travel_default = rng_chance(rng, 50) ? 30 : 20;

        for (int i = 0; i < 3; i++) {
                snprintf(id, sizeof(id), "p%d", i);
                tp_place(p, id);
        }
        for (int a = 0; a < 3; a++)
                for (int b = a + 1; b < 3; b++)
                        tp_travel(p, a, b, rng_int(rng, 1, 4) * 15);
        tp_skill(p, "s0");
        tp_skill(p, "s1");

        for (int e = 0; e < n_emp; e++) {
                snprintf(id, sizeof(id), "e%d", e);
                tp_employer(p, id, rng_chance(rng, 15) ? RS_NO_PLACE : rng_int(rng, 0, 2));
        }
        for (int i = 0; i < n_pos; i++) {
                size_t pos;

                snprintf(id, sizeof(id), "pos%d", i);
                pos = tp_position(p, (size_t) (i < n_emp ? i : n_emp - 1), id);
                p->positions[pos].language = (rs_level) (rng_chance(rng, 60) ? 0 : rng_int(rng, 1, 2));
                if (rng_chance(rng, 30))
                        tp_position_skill(p, pos, (size_t) rng_int(rng, 0, 1));
                p->positions[pos].max_people = rng_int(rng, 1, 2);
                p->positions[pos].min_block = min_blocks[rng_int(rng, 0, 2)];
                p->positions[pos].priority = priorities[rng_int(rng, 0, 2)];
        }
        for (int i = 0; i < n_shifts; i++) {
                size_t pos_i = (size_t) (i < n_pos ? i : rng_int(rng, 0, n_pos - 1));

                while (!random_shift(rng, p, pos_i))
                        ;
        }

        for (int i = 0; i < n_cand; i++) {
                size_t c;
                rs_candidate *cand;
                int max, min, target;

                snprintf(id, sizeof(id), "c-%d", i + 1);
                c = tp_candidate(p, id);
                cand = &p->candidates[c];
                cand->language = (rs_level) rng_int(rng, 0, 3);
                for (size_t s = 0; s < p->n_skills; s++)
                        if (rng_chance(rng, 60))
                                tp_candidate_skill(p, c, s);
                max = hours_max[rng_int(rng, 0, 5)];
                min = rng_int(rng, 0, 2) * 120;
                if (min > max)
                        min = max;
                target = min + rng_int(rng, 0, 3) * 120;
                if (target > max)
                        target = max;
                tp_candidate_hours(p, c, min, target, max);
                cand->max_days = rng_int(rng, 1, 3);
                if (cand->language < RS_LEVEL_A2 && rng_chance(rng, 50))
                        cand->language = RS_LEVEL_A2;
                switch (rng_int(rng, 0, 9)) {
                case 0:
                        tp_candidate_nowhere(p, c);
                        break;
                case 1: case 2: case 3:
                        for (int e = 0; e < n_emp; e++)
                                if (rng_chance(rng, 60))
                                        tp_candidate_employer(p, c, (size_t) e);
                        if (p->candidates[c].any_employer)
                                tp_candidate_employer(p, c, 0);
                        break;
                default:
                        break;
                }

                /* Classes and unavailability near the shifts, in order. */
                {
                        int n = rng_chance(rng, 40) ? 0 : rng_chance(rng, 65) ? 1 : 2, starts[2], t;

                        for (int k = 0; k < n; k++)
                                starts[k] = near_a_shift(rng, p);
                        if (n == 2 && starts[1] < starts[0]) {
                                t = starts[0];
                                starts[0] = starts[1];
                                starts[1] = t;
                        }
                        for (int k = 0; k < n; k++) {
                                snprintf(id, sizeof(id), "g%d", k);
                                tp_class(p, c, id, rng_chance(rng, 15) ? RS_NO_PLACE : rng_int(rng, 0, 2),
                                         starts[k], starts[k] + rng_int(rng, 2, 6) * 30);
                        }
                }
                if (rng_chance(rng, 20)) {
                        int s = near_a_shift(rng, p);

                        tp_unavailable(p, c, s, s + rng_int(rng, 1, 8) * 60);
                }
                /* Commitments: the last block of the previous week (rest
                 * only) and one in-week block elsewhere, from Tuesday on,
                 * so that the empty roster always keeps every rule. */
                if (rng_chance(rng, 25)) {
                        int end = -rng_int(rng, 0, 8) * 60;

                        tp_commitment(p, c, -1, end - 360, end, "prev");
                }
                if (rng_chance(rng, 25) && max >= 240) {
                        int day = rng_int(rng, 1, 6);
                        int start = day * RS_MINUTES_PER_DAY + rng_int(rng, 6, 18) * 60;

                        tp_commitment(p, c, day, start, start + 240, "other");
                }
        }

        if (rng_chance(rng, 35)) {
                int n = rng_int(rng, 1, 2);

                for (int k = 0; k < n; k++) {
                        size_t pos_i = (size_t) rng_int(rng, 0, (int) p->n_positions - 1);
                        const rs_shift *sh = &p->positions[pos_i].shifts[rng_int(rng, 0,
                                                        (int) p->positions[pos_i].n_shifts - 1)];
                        int i = rng_int(rng, 0, (int) sh->n_grid - 2);
                        int j = rng_int(rng, i + 1, (int) sh->n_grid - 1);

                        tp_approved(p, pos_i, (size_t) rng_int(rng, 0, (int) p->n_candidates - 1),
                                    sh->grid[i], sh->grid[j]);
                }
        }
        return p;
}

/* ---- the plain rules ------------------------------------------------------ */

typedef struct block {
        size_t position;
        size_t shift;
        int gi, gj;                     /* grid indices */
        int start, end;
        int day;
        int paid;
} block;

typedef struct brute {
        const rs_problem *p;
        block blocks[MAX_BLOCKS];
        int n_blocks;
        int cap[MAX_CANDIDATES];        /* min(hours_max, max_week) */
        /* Feasible patterns per candidate: lists of block indices. */
        int (*patterns[MAX_CANDIDATES])[8];
        int pattern_len[MAX_CANDIDATES][MAX_PATTERNS];
        int n_patterns[MAX_CANDIDATES];
        bool overflow;
} brute;

static int paid(const rs_rules *rules, int length) {
        int take = 0;

        /* The largest applicable take, not the sum (SPEC §10.6). */
        for (size_t i = 0; i < rules->n_breaks; i++)
                if (length > rules->breaks[i].after && rules->breaks[i].take > take)
                        take = rules->breaks[i].take;
        return length - take;
}

static int travel(const rs_problem *p, int a, int b) {
        if (a == RS_NO_PLACE || b == RS_NO_PLACE)
                return p->travel_default;
        return p->travel[a * (int) p->n_places + b];
}

static void list_blocks(brute *b) {
        const rs_problem *p = b->p;

        for (size_t pi = 0; pi < p->n_positions; pi++)
                for (size_t si = 0; si < p->positions[pi].n_shifts; si++) {
                        const rs_shift *sh = &p->positions[pi].shifts[si];

                        for (int i = 0; i < (int) sh->n_grid; i++)
                                for (int j = i + 1; j < (int) sh->n_grid; j++) {
                                        if (b->n_blocks == MAX_BLOCKS) {
                                                b->overflow = true;
                                                return;
                                        }
                                        b->blocks[b->n_blocks++] = (block) {
                                                .position = pi, .shift = si, .gi = i, .gj = j,
                                                .start = sh->grid[i], .end = sh->grid[j], .day = sh->day,
                                                .paid = paid(&p->rules, sh->grid[j] - sh->grid[i]),
                                        };
                                }
                }
}

/* Rules 1, 2 and 3 for candidate @c on block @bl. */
static bool block_allowed(const rs_problem *p, size_t c, const block *bl) {
        const rs_candidate *cand = &p->candidates[c];
        const rs_position *pos = &p->positions[bl->position];
        const rs_shift *sh = &pos->shifts[bl->shift];
        int place = p->employers[pos->employer].place;
        bool placed = cand->any_employer;
        int len = bl->end - bl->start;

        for (size_t i = 0; i < cand->n_employers; i++)
                placed |= cand->employers[i] == pos->employer;
        if (!placed || cand->language < pos->language)
                return false;
        for (size_t i = 0; i < pos->n_skills; i++) {
                bool has = false;

                for (size_t k = 0; k < cand->n_skills; k++)
                        has |= cand->skills[k] == pos->skills[i];
                if (!has)
                        return false;
        }
        if (len > p->rules.max_shift)
                return false;
        if (len < pos->min_block && !(bl->start == sh->start && bl->end == sh->end))
                return false;
        for (size_t i = 0; i < cand->n_classes; i++) {
                int t = travel(p, cand->classes[i].place, place);

                if (bl->start < cand->classes[i].end + t && cand->classes[i].start - t < bl->end)
                        return false;
        }
        for (size_t i = 0; i < cand->n_unavailable; i++)
                if (bl->start < cand->unavailable[i].end && cand->unavailable[i].start < bl->end)
                        return false;
        for (size_t i = 0; i < cand->n_commitments; i++)
                if (bl->start < cand->commitments[i].end && cand->commitments[i].start < bl->end)
                        return false;
        return true;
}

/* Can a piece of work (day, start, end) join work already taken (the
 * blocks @chosen plus the commitments)? Rules 4 and 5, incrementally. */
typedef struct taken {
        int n;
        int day[16], start[16], end[16];
        int per_day[RS_DAYS_PER_WEEK];
        int days;
        int paid;
} taken;

static bool can_take(const rs_problem *p, size_t c, const taken *t, int cap, int day, int start, int end,
                     int paid_minutes) {
        const rs_candidate *cand = &p->candidates[c];

        for (int i = 0; i < t->n; i++) {
                if (start < t->end[i] && t->start[i] < end)
                        return false;
                if (t->day[i] < day && start - t->end[i] < p->rules.min_rest)
                        return false;
                if (t->day[i] > day && t->start[i] - end < p->rules.min_rest)
                        return false;
        }
        if (day >= 0) {
                if (t->per_day[day] + 1 > p->rules.max_blocks_per_day)
                        return false;
                if (t->per_day[day] == 0 && t->days + 1 > cand->max_days)
                        return false;
                if (t->paid + paid_minutes > cap)
                        return false;
        }
        return true;
}

static void take(taken *t, int day, int start, int end, int paid_minutes) {
        t->day[t->n] = day;
        t->start[t->n] = start;
        t->end[t->n] = end;
        t->n++;
        if (day >= 0) {
                if (t->per_day[day]++ == 0)
                        t->days++;
                t->paid += paid_minutes;
        }
}

static void taken_init(const rs_problem *p, size_t c, taken *t) {
        const rs_candidate *cand = &p->candidates[c];

        *t = (taken) {0};
        for (size_t i = 0; i < cand->n_commitments; i++) {
                const rs_commitment *cm = &cand->commitments[i];

                take(t, cm->day, cm->start, cm->end, paid(&p->rules, cm->end - cm->start));
        }
}

static void enumerate_patterns(brute *b, size_t c, const int *allowed, int n_allowed, int from,
                               taken *t, int *chosen, int n_chosen) {
        const rs_problem *p = b->p;

        if (b->n_patterns[c] == MAX_PATTERNS) {
                b->overflow = true;
                return;
        }
        memcpy(b->patterns[c][b->n_patterns[c]], chosen, (size_t) n_chosen * sizeof(int));
        b->pattern_len[c][b->n_patterns[c]++] = n_chosen;
        if (n_chosen == 8)
                return;
        for (int k = from; k < n_allowed; k++) {
                const block *bl = &b->blocks[allowed[k]];
                taken saved;

                if (!can_take(p, c, t, b->cap[c], bl->day, bl->start, bl->end, bl->paid))
                        continue;
                saved = *t;
                take(t, bl->day, bl->start, bl->end, bl->paid);
                chosen[n_chosen] = allowed[k];
                enumerate_patterns(b, c, allowed, n_allowed, k + 1, t, chosen, n_chosen + 1);
                *t = saved;
                if (b->overflow)
                        return;
        }
}

/* ---- the search over rosters ------------------------------------------- */

typedef struct goals {
        double v[_RS_GOAL_MAX];
} goals;

/* Lexicographic, coverage with a tolerance for its weights. */
static int compare_goals(const goals *a, const goals *b) {
        for (int g = 0; g < _RS_GOAL_MAX; g++) {
                double tol = g == RS_GOAL_COVERAGE ? 1e-9 : 0.5;

                if (a->v[g] < b->v[g] - tol)
                        return -1;
                if (a->v[g] > b->v[g] + tol)
                        return 1;
        }
        return 0;
}

typedef struct search {
        brute *b;
        int count[MAX_POSITIONS][MAX_SHIFTS][MAX_GRID];         /* people per segment */
        int starts[MAX_POSITIONS][MAX_SHIFTS][MAX_GRID];        /* blocks starting at a point */
        int ends[MAX_POSITIONS][MAX_SHIFTS][MAX_GRID];
        int people[MAX_POSITIONS];
        int chosen[MAX_CANDIDATES];                             /* pattern per candidate */
        goals best;
        int best_chosen[MAX_CANDIDATES];
        bool have_best;
        long leaves;
} search;

static int max_headcount(const rs_position *pos) {
        int h = 0;

        for (size_t i = 0; i < pos->n_shifts; i++)
                if (pos->shifts[i].headcount > h)
                        h = pos->shifts[i].headcount;
        return h;
}

/* Adds (+1) or removes (-1) a pattern; returns false when adding broke
 * rule 6 or 7 (the counts stay changed: the caller removes it again). */
static bool apply_pattern(search *s, size_t c, int pat, int sign) {
        brute *b = s->b;
        const rs_problem *p = b->p;
        bool ok = true, on_pos[MAX_POSITIONS] = {false};

        for (int k = 0; k < b->pattern_len[c][pat]; k++) {
                const block *bl = &b->blocks[b->patterns[c][pat][k]];
                const rs_shift *sh = &p->positions[bl->position].shifts[bl->shift];

                for (int g = bl->gi; g < bl->gj; g++) {
                        s->count[bl->position][bl->shift][g] += sign;
                        if (s->count[bl->position][bl->shift][g] > sh->headcount)
                                ok = false;
                }
                s->starts[bl->position][bl->shift][bl->gi] += sign;
                s->ends[bl->position][bl->shift][bl->gj] += sign;
                on_pos[bl->position] = true;
        }
        for (size_t pi = 0; pi < p->n_positions; pi++)
                if (on_pos[pi]) {
                        s->people[pi] += sign;
                        if (s->people[pi] > p->positions[pi].max_people * max_headcount(&p->positions[pi]))
                                ok = false;
                }
        return ok;
}

static int pattern_paid(const brute *b, size_t c, int pat) {
        const rs_problem *p = b->p;
        const rs_candidate *cand = &p->candidates[c];
        int total = 0;

        for (size_t i = 0; i < cand->n_commitments; i++)
                if (cand->commitments[i].day >= 0)
                        total += paid(&p->rules, cand->commitments[i].end - cand->commitments[i].start);
        for (int k = 0; k < b->pattern_len[c][pat]; k++)
                total += b->blocks[b->patterns[c][pat][k]].paid;
        return total;
}

static void leaf(search *s) {
        brute *b = s->b;
        const rs_problem *p = b->p;
        goals g = {{0}};

        s->leaves++;
        for (size_t pi = 0; pi < p->n_positions; pi++) {
                const rs_position *pos = &p->positions[pi];

                for (size_t si = 0; si < pos->n_shifts; si++) {
                        const rs_shift *sh = &pos->shifts[si];

                        for (size_t k = 0; k + 1 < sh->n_grid; k++)
                                g.v[RS_GOAL_COVERAGE] += pos->priority * (sh->headcount - s->count[pi][si][k]) *
                                                         (double) (sh->grid[k + 1] - sh->grid[k]);
                        for (size_t k = 1; k + 1 < sh->n_grid; k++)
                                g.v[RS_GOAL_HANDOVERS] += s->ends[pi][si][k] < s->starts[pi][si][k] ?
                                                          s->ends[pi][si][k] : s->starts[pi][si][k];
                }
                g.v[RS_GOAL_PEOPLE] += s->people[pi];
        }
        for (size_t c = 0; c < p->n_candidates; c++) {
                int pat = s->chosen[c];
                int total = pattern_paid(b, c, pat);

                if (p->candidates[c].hours_min > total)
                        g.v[RS_GOAL_SHORTFALL_MIN] += p->candidates[c].hours_min - total;
                if (p->candidates[c].hours_target > total)
                        g.v[RS_GOAL_SHORTFALL_TARGET] += p->candidates[c].hours_target - total;
        }
        if (p->has_approved)
                for (size_t i = 0; i < p->n_approved; i++) {
                        const rs_approved_block *ab = &p->approved[i];
                        size_t c = ab->candidate;
                        int kept = 0;

                        for (int k = 0; k < b->pattern_len[c][s->chosen[c]]; k++) {
                                const block *bl = &b->blocks[b->patterns[c][s->chosen[c]][k]];
                                int lo = bl->start > ab->start ? bl->start : ab->start;
                                int hi = bl->end < ab->end ? bl->end : ab->end;

                                if (bl->position == ab->position && hi > lo)
                                        kept += hi - lo;
                        }
                        g.v[RS_GOAL_STABILITY] += ab->end - ab->start - kept;
                }
        if (!s->have_best || compare_goals(&g, &s->best) < 0) {
                s->best = g;
                memcpy(s->best_chosen, s->chosen, sizeof(s->chosen));
                s->have_best = true;
        }
}

static void search_candidates(search *s, size_t c) {
        brute *b = s->b;

        /* The generator never makes more than MAX_CANDIDATES; the second
         * test lets the compiler see the bound of s->chosen. */
        if (c == b->p->n_candidates || c == MAX_CANDIDATES) {
                leaf(s);
                return;
        }
        for (int pat = 0; pat < b->n_patterns[c]; pat++) {
                bool ok = apply_pattern(s, c, pat, +1);

                s->chosen[c] = pat;
                if (ok)
                        search_candidates(s, c + 1);
                apply_pattern(s, c, pat, -1);
        }
}

/* ---- plain feasibility of a whole roster, for the cross-check ---------- */

static bool roster_feasible(const brute *b, const int (*roster)[8], const int *len) {
        const rs_problem *p = b->p;
        int count[MAX_POSITIONS][MAX_SHIFTS][MAX_GRID] = {{{0}}};
        int people[MAX_POSITIONS] = {0};

        for (size_t c = 0; c < p->n_candidates; c++) {
                bool on_pos[MAX_POSITIONS] = {false};
                taken t;

                taken_init(p, c, &t);
                for (int k = 0; k < len[c]; k++) {
                        const block *bl = &b->blocks[roster[c][k]];

                        if (!block_allowed(p, c, bl))
                                return false;
                        if (!can_take(p, c, &t, b->cap[c], bl->day, bl->start, bl->end, bl->paid))
                                return false;
                        take(&t, bl->day, bl->start, bl->end, bl->paid);
                        for (int g = bl->gi; g < bl->gj; g++)
                                if (++count[bl->position][bl->shift][g] >
                                    p->positions[bl->position].shifts[bl->shift].headcount)
                                        return false;
                        on_pos[bl->position] = true;
                }
                for (size_t pi = 0; pi < p->n_positions; pi++)
                        if (on_pos[pi] && ++people[pi] > p->positions[pi].max_people *
                                                         max_headcount(&p->positions[pi]))
                                return false;
        }
        return true;
}

static rs_solution *roster_solution(const brute *b, const int (*roster)[8], const int *len) {
        rs_solution *s = tp_solution_new(b->p);

        for (size_t c = 0; c < b->p->n_candidates; c++)
                for (int k = 0; k < len[c]; k++) {
                        const block *bl = &b->blocks[roster[c][k]];

                        tp_assign(s, bl->position, bl->shift, bl->start, bl->end, c);
                }
        tp_solution_sort(s);
        return s;
}

/* ---- reporting -------------------------------------------------------------- */

static void dump_problem(FILE *f, const rs_problem *p) {
        char a[24], b[24];

        fprintf(f, "  rules: max_shift %d max_week %d min_rest %d max_blocks_per_day %d; travel default %d;",
                p->rules.max_shift, p->rules.max_week, p->rules.min_rest, p->rules.max_blocks_per_day,
                p->travel_default);
        for (size_t x = 0; x < p->n_places; x++)
                for (size_t y = x + 1; y < p->n_places; y++)
                        fprintf(f, " %s-%s %d", p->places[x], p->places[y], p->travel[x * p->n_places + y]);
        fprintf(f, "\n");
        for (size_t e = 0; e < p->n_employers; e++)
                fprintf(f, "  employer %s place %d\n", p->employers[e].id, p->employers[e].place);
        for (size_t pi = 0; pi < p->n_positions; pi++) {
                const rs_position *pos = &p->positions[pi];

                fprintf(f, "  position %s employer %zu level %d skills", pos->id, pos->employer, (int) pos->language);
                for (size_t k = 0; k < pos->n_skills; k++)
                        fprintf(f, " %zu", pos->skills[k]);
                fprintf(f, " max_people %d min_block %d priority %g\n", pos->max_people, pos->min_block,
                        pos->priority);
                for (size_t si = 0; si < pos->n_shifts; si++) {
                        const rs_shift *sh = &pos->shifts[si];

                        fprintf(f, "    shift %zu day %d %s..%s headcount %d grid", si, sh->day,
                                rchk_format_time(sh->start, a), rchk_format_time(sh->end, b), sh->headcount);
                        for (size_t k = 0; k < sh->n_grid; k++)
                                fprintf(f, " %s", rchk_format_time(sh->grid[k], a));
                        fprintf(f, "\n");
                }
        }
        for (size_t c = 0; c < p->n_candidates; c++) {
                const rs_candidate *cand = &p->candidates[c];

                fprintf(f, "  candidate %s level %d skills", cand->id, (int) cand->language);
                for (size_t k = 0; k < cand->n_skills; k++)
                        fprintf(f, " %zu", cand->skills[k]);
                fprintf(f, " hours %d/%d/%d max_days %d employers %s", cand->hours_min, cand->hours_target,
                        cand->hours_max, cand->max_days, cand->any_employer ? "any" : "[");
                for (size_t k = 0; !cand->any_employer && k < cand->n_employers; k++)
                        fprintf(f, " %zu", cand->employers[k]);
                fprintf(f, "%s\n", cand->any_employer ? "" : " ]");
                for (size_t k = 0; k < cand->n_classes; k++)
                        fprintf(f, "    class %s place %d %s..%s\n", cand->classes[k].group, cand->classes[k].place,
                                rchk_format_time(cand->classes[k].start, a),
                                rchk_format_time(cand->classes[k].end, b));
                for (size_t k = 0; k < cand->n_unavailable; k++)
                        fprintf(f, "    unavailable %s..%s\n", rchk_format_time(cand->unavailable[k].start, a),
                                rchk_format_time(cand->unavailable[k].end, b));
                for (size_t k = 0; k < cand->n_commitments; k++)
                        fprintf(f, "    commitment day %d %s..%s at %s\n", cand->commitments[k].day,
                                rchk_format_time(cand->commitments[k].start, a),
                                rchk_format_time(cand->commitments[k].end, b), cand->commitments[k].employer);
        }
        for (size_t i = 0; i < p->n_approved; i++)
                fprintf(f, "  approved position %zu candidate %zu %s..%s\n", p->approved[i].position,
                        p->approved[i].candidate, rchk_format_time(p->approved[i].start, a),
                        rchk_format_time(p->approved[i].end, b));
}

static void dump_assignments(FILE *f, const rs_problem *p, const rs_solution *s) {
        char a[24], b[24];

        for (size_t pi = 0; pi < s->n_positions && pi < p->n_positions; pi++)
                for (size_t k = 0; k < s->positions[pi].n_assignments; k++) {
                        const rs_assignment *as = &s->positions[pi].assignments[k];

                        fprintf(f, "    %s shift %zu %s..%s %s\n", p->positions[pi].id, as->shift,
                                rchk_format_time(as->start, a), rchk_format_time(as->end, b),
                                as->candidate < p->n_candidates ? p->candidates[as->candidate].id : "?");
                }
}

static void dump_goals(FILE *f, const char *label, const double *v) {
        fprintf(f, "  %s:", label);
        for (int g = 0; g < _RS_GOAL_MAX; g++)
                fprintf(f, " %g", v[g]);
        fprintf(f, "\n");
}

/* ---- one seed --------------------------------------------------------------- */

typedef struct options {
        bool solve;
        bool verbose;
} options;

typedef struct stats {
        long problems;
        long leaves;
        long skipped;
        long cross_checks;
        long with_approved;
        long with_uncovered;
} stats;

/* Returns 0 when the seed passed, 1 when it failed, -ENOMEM. */
static int run_seed(uint64_t seed, const options *opts, stats *st) {
        uint64_t rng = seed;
        rs_problem *p = NULL;
        brute *b = NULL;
        search *s = NULL;
        int failed = 0;

        /* Draw until the roster space is small enough to enumerate. */
        for (;;) {
                long product = 1;

                p = random_problem(&rng);
                b = calloc(1, sizeof(*b));
                if (!b)
                        return -ENOMEM;
                b->p = p;
                list_blocks(b);
                for (size_t c = 0; c < p->n_candidates && !b->overflow; c++) {
                        int allowed[MAX_BLOCKS], n_allowed = 0, chosen[8];
                        taken t;
                        const rs_candidate *cand = &p->candidates[c];

                        b->cap[c] = cand->hours_max < p->rules.max_week ? cand->hours_max : p->rules.max_week;
                        b->patterns[c] = calloc(MAX_PATTERNS, sizeof(*b->patterns[c]));
                        if (!b->patterns[c])
                                return -ENOMEM;
                        for (int k = 0; k < b->n_blocks; k++)
                                if (block_allowed(p, c, &b->blocks[k]))
                                        allowed[n_allowed++] = k;
                        taken_init(p, c, &t);
                        enumerate_patterns(b, c, allowed, n_allowed, 0, &t, chosen, 0);
                        product *= b->n_patterns[c];
                        if (product > MAX_LEAVES)
                                b->overflow = true;
                }
                if (!b->overflow)
                        break;
                for (size_t c = 0; c < MAX_CANDIDATES; c++)
                        free(b->patterns[c]);
                free(b);
                tp_problem_free(p);
                st->skipped++;
        }
        st->problems++;
        st->with_approved += p->has_approved;

        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->b = b;
        search_candidates(s, 0);
        st->leaves += s->leaves;

        /* The best roster must keep the checker's rules and give the
         * checker's goal vector: the two readings agree. */
        {
                int roster[MAX_CANDIDATES][8], len[MAX_CANDIDATES] = {0};
                rs_solution *sol;
                rchk_report report = {0};
                double g[_RS_GOAL_MAX];
                int n;

                for (size_t c = 0; c < p->n_candidates; c++) {
                        len[c] = b->pattern_len[c][s->best_chosen[c]];
                        memcpy(roster[c], b->patterns[c][s->best_chosen[c]], sizeof(roster[c]));
                }
                sol = roster_solution(b, (const int (*)[8]) roster, len);
                n = rchk_check_roster(p, sol, &report);
                if (n < 0 || rchk_goals(p, sol, g) < 0)
                        return -ENOMEM;
                if (n != 0) {
                        fprintf(stderr, "seed %" PRIu64 ": the brute-force optimum breaks the checker's rules:\n",
                                seed);
                        rchk_report_print(&report, stderr, 20);
                        failed = 1;
                }
                for (int k = 0; k < _RS_GOAL_MAX; k++)
                        if (fabs(g[k] - s->best.v[k]) > 1e-6) {
                                fprintf(stderr, "seed %" PRIu64 ": goal %d: brute force %g, checker %g\n",
                                        seed, k, s->best.v[k], g[k]);
                                failed = 1;
                        }
                st->with_uncovered += s->best.v[RS_GOAL_COVERAGE] > 0;
                rchk_report_done(&report);
                tp_solution_free(sol);
        }

        /* Random rosters, most of them wrong: the plain rules and the
         * checker must agree on each. */
        for (int trial = 0; trial < 40 && b->n_blocks > 0; trial++) {
                int roster[MAX_CANDIDATES][8], len[MAX_CANDIDATES] = {0};
                rs_solution *sol;
                rchk_report report = {0};
                bool plain;
                int n;

                for (size_t c = 0; c < p->n_candidates; c++) {
                        /* Mostly from the candidate's own allowed blocks,
                         * sometimes any block. */
                        int want = rng_int(&rng, 0, 3);

                        if (trial % 2 == 0 && b->n_patterns[c] > 0) {
                                int pat = rng_int(&rng, 0, b->n_patterns[c] - 1);

                                len[c] = b->pattern_len[c][pat];
                                memcpy(roster[c], b->patterns[c][pat], sizeof(roster[c]));
                                if (rng_chance(&rng, 30) && len[c] < 8)
                                        roster[c][len[c]++] = rng_int(&rng, 0, b->n_blocks - 1);
                        } else {
                                for (int k = 0; k < want; k++)
                                        roster[c][len[c]++] = rng_int(&rng, 0, b->n_blocks - 1);
                        }
                }
                plain = roster_feasible(b, (const int (*)[8]) roster, len);
                sol = roster_solution(b, (const int (*)[8]) roster, len);
                n = rchk_check_roster(p, sol, &report);
                if (n < 0)
                        return -ENOMEM;
                st->cross_checks++;
                if ((n == 0) != plain) {
                        fprintf(stderr, "seed %" PRIu64 ": plain rules say %s, the checker found %d violation(s):\n",
                                seed, plain ? "feasible" : "infeasible", n);
                        rchk_report_print(&report, stderr, 20);
                        dump_assignments(stderr, p, sol);
                        failed = 1;
                }
                rchk_report_done(&report);
                tp_solution_free(sol);
        }

        if (opts->solve) {
                rs_solve_opts so = {.time_limit = 20.0};
                rs_solution *sol = NULL;
                char *err = NULL;
                rchk_report report = {0};
                int r = rs_solve(p, &so, &sol, &err);

                if (r < 0) {
                        fprintf(stderr, "seed %" PRIu64 ": rs_solve failed: %s (%s)\n", seed, strerror(-r),
                                err ? err : "no message");
                        failed = 1;
                } else {
                        int n = rchk_check(p, sol, &report);
                        bool differ = false;

                        if (n < 0)
                                return -ENOMEM;
                        if (sol->status != RS_STATUS_OPTIMAL) {
                                fprintf(stderr, "seed %" PRIu64 ": status %d, expected optimal\n", seed,
                                        (int) sol->status);
                                failed = 1;
                        }
                        for (int g = 0; g < _RS_GOAL_MAX; g++) {
                                double tol = 1e-6;

                                if (g == RS_GOAL_STABILITY && !p->has_approved)
                                        continue;
                                if (!sol->goals[g].solved || fabs(sol->goals[g].value - s->best.v[g]) > tol)
                                        differ = true;
                        }
                        if (differ) {
                                double v[_RS_GOAL_MAX];

                                for (int g = 0; g < _RS_GOAL_MAX; g++)
                                        v[g] = sol->goals[g].solved ? sol->goals[g].value : NAN;
                                fprintf(stderr, "seed %" PRIu64 ": goal vectors differ\n", seed);
                                dump_goals(stderr, "brute force", s->best.v);
                                dump_goals(stderr, "rs_solve   ", v);
                                failed = 1;
                        }
                        if (n > 0) {
                                fprintf(stderr, "seed %" PRIu64 ": the checker found %d problem(s) in rs_solve's roster:\n",
                                        seed, n);
                                rchk_report_print(&report, stderr, 30);
                                failed = 1;
                        }
                        if (failed) {
                                fprintf(stderr, "  rs_solve roster:\n");
                                dump_assignments(stderr, p, sol);
                        }
                }
                rchk_report_done(&report);
                rs_solution_free(sol);
                free(err);
        }

        if (failed || opts->verbose) {
                int roster[MAX_CANDIDATES][8], len[MAX_CANDIDATES] = {0};
                rs_solution *best;

                for (size_t c = 0; c < p->n_candidates; c++) {
                        len[c] = b->pattern_len[c][s->best_chosen[c]];
                        memcpy(roster[c], b->patterns[c][s->best_chosen[c]], sizeof(roster[c]));
                }
                best = roster_solution(b, (const int (*)[8]) roster, len);
                fprintf(stderr, "seed %" PRIu64 ": %ld rosters enumerated\n", seed, s->leaves);
                dump_problem(stderr, p);
                dump_goals(stderr, "optimum", s->best.v);
                fprintf(stderr, "  a brute-force optimal roster:\n");
                dump_assignments(stderr, p, best);
                tp_solution_free(best);
        }

        for (size_t c = 0; c < MAX_CANDIDATES; c++)
                free(b->patterns[c]);
        free(b);
        free(s);
        tp_problem_free(p);
        return failed;
}

int main(int argc, char **argv) {
        options opts = {.solve = true};
        uint64_t first = 1, n_seeds = 300;
        stats st = {0};
        long failures = 0;

        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc)
                        n_seeds = strtoull(argv[++i], NULL, 10);
                else if (strcmp(argv[i], "--first") == 0 && i + 1 < argc)
                        first = strtoull(argv[++i], NULL, 10);
                else if (strcmp(argv[i], "--no-solve") == 0)
                        opts.solve = false;
                else if (strcmp(argv[i], "--verbose") == 0)
                        opts.verbose = true;
                else {
                        fprintf(stderr, "usage: %s [--seeds N] [--first S] [--no-solve] [--verbose]\n", argv[0]);
                        return 2;
                }
        }
        for (uint64_t seed = first; seed < first + n_seeds; seed++) {
                int r = run_seed(seed, &opts, &st);

                if (r < 0) {
                        fprintf(stderr, "seed %" PRIu64 ": out of memory\n", seed);
                        return 1;
                }
                failures += r;
        }
        printf("brute: %ld problems (%ld redrawn as too large), %ld rosters enumerated, "
               "%ld with uncovered demand, %ld with an approved roster, %ld cross-checks; %ld failed\n",
               st.problems, st.skipped, st.leaves, st.with_uncovered, st.with_approved, st.cross_checks, failures);
        return failures ? 1 : 0;
}
