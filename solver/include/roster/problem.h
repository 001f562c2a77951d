/* solver/include/roster/problem.h -- the planning problem of one ISO week.
 *
 * Plain data, resolved: every time is in minutes since Monday 00:00 of the
 * planned week (a Sunday night shift may end after 7 * 1440), every
 * reference is an index into an array of the same problem, every default
 * of SPEC §10.12 is already filled in. config/ builds it from the YAML
 * documents; solver/ reads it and never changes it.
 *
 * Ownership: a problem owns all its arrays and strings; free it with
 * rs_problem_free(). Strings are NUL-terminated UTF-8. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define RS_MINUTES_PER_DAY  1440
#define RS_DAYS_PER_WEEK    7
#define RS_NO_PLACE         (-1)

/* CEFR levels; RS_LEVEL_A0 means "no Dutch yet". Ordered, so a candidate
 * meets a requirement when candidate.language >= position.language. */
typedef enum rs_level {
        RS_LEVEL_A0,
        RS_LEVEL_A1,
        RS_LEVEL_A2,
        RS_LEVEL_B1,
        RS_LEVEL_B2,
        RS_LEVEL_C1,
        RS_LEVEL_C2,
        _RS_LEVEL_MAX,
} rs_level;

/* Unpaid break of SPEC §3.4 / §10.6: a block longer than @after minutes
 * loses @take minutes; only the largest applicable take counts. */
typedef struct rs_break_rule {
        int after;
        int take;
} rs_break_rule;

typedef struct rs_rules {
        int max_shift;                  /* minutes, block length incl. break */
        int max_week;                   /* paid minutes per candidate and week */
        int min_rest;                   /* minutes between working days */
        int max_blocks_per_day;
        rs_break_rule *breaks;          /* sorted by @after ascending */
        size_t n_breaks;
} rs_rules;

typedef struct rs_employer {
        char *id;
        char *name;                     /* display name, NULL when absent */
        int place;                      /* index into problem.places or RS_NO_PLACE */
} rs_employer;

/* One instance of a shift in the planned week. */
typedef struct rs_shift {
        int day;                        /* 0 = Monday .. 6 = Sunday: the day it starts */
        int start;                      /* absolute minutes */
        int end;                        /* absolute minutes, > start */
        int headcount;                  /* >= 1 */
        int *grid;                      /* handover points, strictly ascending,
                                         * grid[0] == start, grid[n_grid-1] == end */
        size_t n_grid;                  /* >= 2 */
} rs_shift;

typedef struct rs_position {
        char *id;
        char *title;                    /* NULL when absent */
        size_t employer;                /* index into problem.employers */
        double priority;                /* > 0, weights goal 1 only */
        rs_level language;              /* minimum level */
        size_t *skills;                 /* indices into problem.skills, all required */
        size_t n_skills;
        int max_people;                 /* per headcount unit (SPEC §10.8) */
        int min_block;                  /* minutes */
        rs_shift *shifts;               /* sorted by start, never overlapping */
        size_t n_shifts;
} rs_position;

/* A class session a candidate attends, in this week. */
typedef struct rs_class_session {
        char *school;
        char *group;
        int place;                      /* the group's location or RS_NO_PLACE */
        int start;                      /* absolute minutes */
        int end;
} rs_class_session;

typedef struct rs_unavailability {
        int start;                      /* absolute minutes */
        int end;
        char *reason;                   /* NULL when absent; never shown to employers */
} rs_unavailability;

/* Work the candidate already has that this solve must respect: blocks of
 * approved rosters of employers not planned in this solve (day 0..6: they
 * count for overlap, hours, days, blocks per day and rest) and the last
 * blocks of the previous week's approved roster (day < 0: rest only). */
typedef struct rs_commitment {
        int day;                        /* working day, < 0 for the previous week */
        int start;                      /* absolute minutes, negative before this week */
        int end;
        char *employer;                 /* id, for explanations */
} rs_commitment;

typedef struct rs_candidate {
        char *id;
        char *name;                     /* display name, NULL when absent */
        rs_level language;
        size_t *skills;                 /* indices into problem.skills */
        size_t n_skills;
        int hours_min;                  /* paid minutes per week; soft */
        int hours_target;               /* soft, hours_min <= target <= max */
        int hours_max;                  /* hard */
        int max_days;
        bool any_employer;              /* no placements given: may work anywhere */
        size_t *employers;              /* placements (indices), when !any_employer */
        size_t n_employers;
        int home;                       /* place index or RS_NO_PLACE; informative */
        rs_class_session *classes;      /* sorted by start */
        size_t n_classes;
        rs_unavailability *unavailable; /* sorted by start */
        size_t n_unavailable;
        rs_commitment *commitments;     /* sorted by start */
        size_t n_commitments;
} rs_candidate;

/* A block of the approved roster of this week, for the stability goal. */
typedef struct rs_approved_block {
        size_t position;                /* index into problem.positions */
        size_t candidate;               /* index into problem.candidates */
        int start;                      /* absolute minutes */
        int end;
} rs_approved_block;

typedef struct rs_problem {
        char week[16];                  /* "2026-W49", for labels only */
        rs_rules rules;

        char **places;                  /* place ids */
        size_t n_places;
        int *travel;                    /* n_places * n_places minutes, symmetric,
                                         * 0 on the diagonal */
        int travel_default;             /* for RS_NO_PLACE on either side */

        char **skills;                  /* skill ids */
        size_t n_skills;

        rs_employer *employers;         /* the employers planned in this solve */
        size_t n_employers;
        rs_position *positions;         /* grouped by employer, in input order */
        size_t n_positions;
        rs_candidate *candidates;       /* sorted by id */
        size_t n_candidates;

        bool has_approved;              /* an approved roster exists: goal 2 applies */
        rs_approved_block *approved;
        size_t n_approved;
} rs_problem;

/* Travel minutes between two places (either may be RS_NO_PLACE). */
int rs_problem_travel(const rs_problem *problem, int from, int to);

/* Paid minutes of one block of @length minutes under @rules (SPEC §10.6). */
int rs_rules_paid_minutes(const rs_rules *rules, int length);

/* NULL-safe; returns NULL. */
rs_problem *rs_problem_free(rs_problem *problem);

const char *rs_level_to_string(rs_level level);
