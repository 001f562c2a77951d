/* config/include/roster/config.h -- the YAML documents of SPEC §3 and §5 in,
 * plain structs and the resolved problem of one week out.
 *
 * config/ is the only libyaml user. It checks keys, types, ranges and
 * references strictly (unknown keys are errors), reports every problem of a
 * file at once with its position, and never logs, prints or exits.
 *
 * Ownership: a document owns all its arrays and strings; a corpus owns the
 * documents added to it. Every struct below is plain data that callers may
 * read; change it only through the functions of this header. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "roster/problem.h"

/* ---- Diagnostics ----------------------------------------------------- */

/* One problem found in a document. @line and @column are 1-based; 0 when
 * the problem concerns the whole file (e.g. it cannot be read or is too
 * large). @path names the field, like "positions[0].shifts[1].end", "" for
 * the document root. @file is NULL for problems that belong to no file
 * (e.g. an unknown employer asked of rc_build_problem()). */
typedef struct rc_diag {
        char *file;
        unsigned line, column;
        char *path;
        char *message;
} rc_diag;

typedef struct rc_diags {
        rc_diag *items;
        size_t n;
        size_t cap;
} rc_diags;

/* Frees every item and leaves @diags empty (and reusable). NULL-safe. */
void rc_diags_done(rc_diags *diags);

/* A malloc'ed "FILE:LINE:COLUMN: PATH: MESSAGE", without a newline. "PATH: "
 * is left out when the path is empty, ":LINE:COLUMN" when line is 0, and
 * "FILE:LINE:COLUMN: " when file is NULL. NULL when out of memory. */
char *rc_diag_format(const rc_diag *diag);

/* ---- Calendar -------------------------------------------------------- */

/* An ISO 8601 week: @week 1..52 or 53 of ISO year @year (1..9999). */
typedef struct rc_week {
        int year;
        int week;
} rc_week;

/* "2026-W49" -> 0 and *ret; -EINVAL when the text is not exactly
 * YYYY-Www or that week does not exist in that ISO year. */
int rc_week_parse(const char *text, rc_week *ret);

/* "2026-W49". */
void rc_week_format(rc_week week, char buf[static 16]);

/* Days since 1970-01-01 of the Monday of @week. */
long rc_week_monday(rc_week week);

/* A running week number: consecutive weeks give consecutive numbers, so
 * the week before @week is rc_week_from_index(rc_week_index(week) - 1). */
long rc_week_index(rc_week week);
rc_week rc_week_from_index(long index);

/* A calendar date. */
typedef struct rc_date {
        int year;                       /* 1..9999 */
        int month;                      /* 1..12 */
        int day;                        /* 1..31 */
} rc_date;

/* "2026-12-03" -> 0 and *ret; -EINVAL unless exactly YYYY-MM-DD and a real
 * calendar date. */
int rc_date_parse(const char *text, rc_date *ret);

/* Days since 1970-01-01 (negative before). */
long rc_date_days(rc_date date);

/* The ISO week that holds @date, and its weekday (0 = Monday .. 6 = Sunday)
 * in *ret_day when non-NULL. */
rc_week rc_date_week(rc_date date, int *ret_day);

/* A set of ISO weeks: inclusive ranges (a single week is a range of one),
 * never overlapping, sorted by their first week. */
typedef struct rc_week_range {
        rc_week first;
        rc_week last;                   /* not before @first */
} rc_week_range;

typedef struct rc_week_set {
        rc_week_range *ranges;
        size_t n_ranges;
} rc_week_set;

bool rc_week_set_contains(const rc_week_set *set, rc_week week);

/* ---- Documents ------------------------------------------------------- */

typedef enum rc_kind {
        RC_KIND_SHIFT_NEEDS,
        RC_KIND_TIMETABLE,
        RC_KIND_CANDIDATES,
        RC_KIND_CONFIG,
        RC_KIND_ROSTER,
        _RC_KIND_MAX,
} rc_kind;

/* "shift-needs", "timetable", "candidates", "config", "roster"; NULL for
 * anything else. */
const char *rc_kind_to_string(rc_kind kind);

/* Where an entry was written, so that problems found only when documents
 * are combined (rc_build_problem()) can still point at it. */
typedef struct rc_mark {
        unsigned line, column;          /* 1-based */
} rc_mark;

/* kind: shift-needs (SPEC §3.1). Times of day are minutes since midnight,
 * 0..1439; an end not after its start is on the next day, so start == end
 * is a 24-hour shift. Durations are minutes. */
typedef struct rc_shift {
        rc_mark mark;
        bool dated;                     /* date: given instead of days: */
        rc_date date;                   /* when @dated */
        unsigned days;                  /* when !@dated: bit d set = day d (0 = Monday) */
        int start;
        int end;
        int headcount;                  /* default 1 */
} rc_shift;

typedef struct rc_position {
        rc_mark mark;
        char *id;
        char *title;                    /* NULL when absent */
        double priority;                /* default 1 */
        rs_level language;              /* default A0 */
        char **skills;                  /* ids, as written */
        size_t n_skills;
        int max_people;                 /* per headcount unit, default 2 */
        int min_block;                  /* default 3h */
        int handover;                   /* default 1h; unused when handover_at is given */
        int *handover_at;               /* times of day as written, ascending in shift order */
        size_t n_handover_at;           /* 0 = the @handover grid */
        rc_shift *shifts;
        size_t n_shifts;
} rc_position;

typedef struct rc_shift_needs {
        char *employer;
        char *name;                     /* NULL when absent */
        char *location;                 /* place id, NULL when absent */
        rc_week_set weeks;
        rc_position *positions;
        size_t n_positions;
} rc_shift_needs;

/* kind: timetable (SPEC §3.2). Sessions never cross midnight. */
typedef struct rc_session {
        int day;                        /* 0 = Monday .. 6 = Sunday */
        int start;                      /* minutes since midnight */
        int end;                        /* > start */
} rc_session;

typedef struct rc_group {
        char *id;
        bool has_level;
        rs_level level;                 /* informative */
        char *location;                 /* place id, NULL when absent */
        rc_session *sessions;
        size_t n_sessions;
        char **participants;            /* candidate ids (or learners outside the programme) */
        size_t n_participants;
} rc_group;

typedef struct rc_timetable {
        char *school;
        bool has_weeks;                 /* false: always valid */
        rc_week_set weeks;
        rc_date *closed_dates;
        size_t n_closed_dates;
        rc_week *closed_weeks;
        size_t n_closed_weeks;
        rc_group *groups;
        size_t n_groups;
} rc_timetable;

/* kind: candidates (SPEC §3.3). Hours are minutes per week; < 0 = absent
 * (the defaults of SPEC §10.12 are applied by rc_build_problem(), since
 * they depend on the rules in force). */
typedef struct rc_unavailable {
        bool dated;
        rc_date date;                   /* when @dated */
        int day;                        /* when !@dated: 0 = Monday .. 6 = Sunday */
        bool whole_day;                 /* no start and end given */
        int start;                      /* minutes since midnight, when !@whole_day */
        int end;                        /* not after @start: the next day */
        char *reason;                   /* NULL when absent */
} rc_unavailable;

typedef struct rc_candidate {
        rc_mark mark;
        char *file;                     /* the document it came from, for diagnostics */
        size_t index;                   /* its place in that document's list */
        char *id;
        char *name;                     /* NULL when absent */
        rs_level language;              /* default A0 */
        char **skills;
        size_t n_skills;
        int hours_min;                  /* < 0 when absent */
        int hours_target;
        int hours_max;
        int max_days;                   /* default 5 */
        char *home;                     /* place id, NULL when absent */
        bool has_employers;             /* false: may work for any employer */
        char **employers;
        size_t n_employers;
        rc_unavailable *unavailable;
        size_t n_unavailable;
} rc_candidate;

typedef struct rc_candidates {
        rc_candidate *candidates;       /* in document order */
        size_t n_candidates;
        char **remove;                  /* ids removed by this document */
        size_t n_remove;
} rc_candidates;

/* kind: config (SPEC §3.4), every default filled in. */
typedef enum rc_role {
        RC_ROLE_EMPLOYER,
        RC_ROLE_SCHOOL,
        RC_ROLE_ACCOUNTMANAGER,
        RC_ROLE_ADMIN,
        _RC_ROLE_MAX,
} rc_role;

/* "employer", "school", "accountmanager", "admin"; NULL for anything else. */
const char *rc_role_to_string(rc_role role);

typedef struct rc_access_rule {
        char *user;                     /* exactly one of @user and @group is set */
        char *group;
        rc_role role;
        char **employers;               /* role employer: ids or "*" (every employer) */
        size_t n_employers;
        char **schools;                 /* role school: ids or "*" */
        size_t n_schools;
} rc_access_rule;

typedef struct rc_travel_pair {
        char *from;                     /* place ids, from != to */
        char *to;
        int minutes;                    /* both directions */
} rc_travel_pair;

typedef struct rc_settings {
        char *socket;                   /* default /run/rosterd/rosterd.sock */
        char *state_dir;                /* default /var/lib/rosterd */
        struct {
                double time_limit;      /* seconds, 0 = none; default 30 */
                double gap;             /* relative, 0..1; default 0 */
                unsigned workers;       /* parallel solve processes; default 2 */
        } solver;
        struct {
                size_t message;         /* bytes; default 4 MiB */
                unsigned connections;   /* default 256 */
                size_t subscriber_backlog; /* bytes; default 4 MiB */
                double idle;            /* seconds; default 300 */
        } limits;
        struct {
                int default_minutes;    /* between two different places; default 30 */
                rc_travel_pair *pairs;
                size_t n_pairs;
        } travel;
        rs_rules rules;                 /* max_shift 12h, max_week 60h, min_rest 11h,
                                         * breaks {5h30m: 30m, 10h: 45m}, 1 block a day */
        rc_access_rule *access;         /* in the order written; default none */
        size_t n_access;
} rc_settings;

/* Fills in the defaults of SPEC §3.4: an empty config document gives
 * exactly this. Allocates nothing, so it cannot fail. */
void rc_settings_init(rc_settings *s);

/* Frees what @s holds and leaves the defaults. NULL-safe. */
void rc_settings_done(rc_settings *s);

/* A deep copy of @src into *ret. Returns 0 or -ENOMEM. */
int rc_settings_copy(const rc_settings *src, rc_settings *ret);

/* kind: roster (SPEC §5), as an input: the fields needed to respect an
 * approved roster. */
typedef enum rc_roster_state {
        RC_ROSTER_PROPOSAL,
        RC_ROSTER_APPROVED,
        RC_ROSTER_SUPERSEDED,
        _RC_ROSTER_STATE_MAX,
} rc_roster_state;

typedef struct rc_roster_assignment {
        int day;                        /* 0 = Monday .. 6 = Sunday: the day it starts */
        int start;                      /* minutes since midnight */
        int end;                        /* not after @start: the next day */
        char *candidate;
} rc_roster_assignment;

typedef struct rc_roster_position {
        char *id;
        rc_roster_assignment *assignments;
        size_t n_assignments;
} rc_roster_position;

typedef struct rc_roster {
        char *employer;
        rc_week week;
        long revision;                  /* < 0 when absent */
        rc_roster_state state;
        rc_roster_position *positions;
        size_t n_positions;
} rc_roster;

struct rc_document {
        rc_kind kind;
        char *file;                     /* the name given to rc_document_parse() */
        union {
                rc_shift_needs shift_needs;     /* RC_KIND_SHIFT_NEEDS */
                rc_timetable timetable;         /* RC_KIND_TIMETABLE */
                rc_candidates candidates;       /* RC_KIND_CANDIDATES */
                rc_settings settings;           /* RC_KIND_CONFIG */
                rc_roster roster;               /* RC_KIND_ROSTER */
        };
};
typedef struct rc_document rc_document;

#define RC_DOCUMENT_MAX_SIZE (4u * 1024u * 1024u)      /* bytes */
#define RC_DOCUMENT_MAX_DEPTH 64                         /* nested mappings and sequences */
#define RC_DOCUMENT_MAX_DIAGS 100       /* per document; then one diag says more were left out */

/* Parses one YAML document of @size bytes (it need not be NUL-terminated).
 * Returns 0 and a new document in *ret; or -EINVAL with every problem of
 * the text appended to @diags, sorted by position (at most
 * RC_DOCUMENT_MAX_DIAGS, then one saying how many more); -E2BIG for a text over
 * RC_DOCUMENT_MAX_SIZE (one diag); -ENOMEM. @name is the file name used in
 * diagnostics. *ret is only written on success. */
int rc_document_parse(const char *name, const char *text, size_t size, rc_document **ret,
                      rc_diags *diags);

/* Reads the file at @path and parses it, with @path as its name. I/O
 * errors give -errno and a diag. */
int rc_document_load(const char *path, rc_document **ret, rc_diags *diags);

/* NULL-safe; returns NULL. */
rc_document *rc_document_free(rc_document *doc);

rc_kind rc_document_kind(const rc_document *doc);

/* NULL unless @doc is a config document. */
const rc_settings *rc_document_settings(const rc_document *doc);

/* True for a roster document with state: approved. */
bool rc_document_is_approved(const rc_document *doc);

/* ---- The accepted documents ------------------------------------------ */

/* What holds after applying the replacement rules of SPEC §3 and §10.15 to
 * the documents accepted so far. Read-only for callers. */
typedef struct rc_corpus {
        rc_settings defaults;
        rc_document *config;            /* the last config document, NULL = defaults */
        rc_document **shift_needs;      /* acceptance order; documents that later
                                         * ones replace in every week are dropped */
        size_t n_shift_needs;
        rc_document **timetables;       /* one per school, acceptance order */
        size_t n_timetables;
        rc_candidate *candidates;       /* sorted by id */
        size_t n_candidates;
        rc_document **rosters;          /* one per employer and week, acceptance order */
        size_t n_rosters;
} rc_corpus;

/* An empty corpus with the default settings. */
void rc_corpus_init(rc_corpus *corpus);

/* Frees every document of @corpus and leaves it empty. NULL-safe. */
void rc_corpus_done(rc_corpus *corpus);

/* Accepts @doc: a shift-needs document holds for the weeks it names (a
 * later one of the same employer wins, week by week, as a whole); a
 * timetable replaces the school's whole timetable; candidates are upserted
 * by id and `remove:` removes (unknown ids are ignored); a config document
 * replaces the settings; a roster replaces the earlier roster of the same
 * employer and week. Takes ownership of @doc on success (0) only; returns
 * -ENOMEM with the corpus unchanged, or -EINVAL for a NULL @doc. */
int rc_corpus_add(rc_corpus *corpus, rc_document *doc);

const rc_settings *rc_corpus_settings(const rc_corpus *corpus);

/* The shift-needs document that holds for @employer in @week, or NULL. */
const rc_document *rc_corpus_shift_needs(const rc_corpus *corpus, const char *employer,
                                         rc_week week);

/* ---- The problem of one week ----------------------------------------- */

/* Builds the resolved problem of @week (solver/include/roster/problem.h)
 * by SPEC §10. @employer NULL plans every employer that has shift needs in
 * that week (possibly none: a problem without employers); otherwise only
 * that employer, and the approved rosters of the others in that week
 * become commitments of their candidates. Returns 0 and *ret (free with
 * rs_problem_free()); -EINVAL with diags for an employer without shift
 * needs that week, or documents that are only wrong in combination (a
 * candidate's hours above the rules, overlapping shift instances); or
 * -ENOMEM. */
int rc_build_problem(const rc_corpus *corpus, rc_week week, const char *employer,
                     rs_problem **ret, rc_diags *diags);
