/* tests/config/test_problem.c -- the corpus (replacement rules of SPEC §3
 * and §10.15) and the resolved problem of one week (SPEC §10).
 *
 * Times in a problem are minutes since Monday 00:00 of the planned week.
 * The week used is 2026-W49: Monday 30 November .. Sunday 6 December 2026,
 * so day d starts at d * 1440 and e.g. Thursday 3 December 07:00 is
 * 3 * 1440 + 420 = 4740. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "roster/config.h"

#define D(day, hh, mm) ((day) * 1440 + (hh) * 60 + (mm))

static void add(rc_corpus *c, const char *text) {
        rc_diags diags = {};
        rc_document *doc = NULL;
        int r = rc_document_parse("test.yaml", text, strlen(text), &doc, &diags);

        if (r != 0) {
                for (size_t i = 0; i < diags.n; i++) {
                        char *line = rc_diag_format(&diags.items[i]);
                        fprintf(stderr, "%s\n", line);
                        free(line);
                }
                fail_msg("document did not load: %d", r);
        }
        rc_diags_done(&diags);
        assert_int_equal(rc_corpus_add(c, doc), 0);
}

static rc_week week(const char *text) {
        rc_week w;

        assert_int_equal(rc_week_parse(text, &w), 0);
        return w;
}

static rs_problem *build(const rc_corpus *c, const char *w, const char *employer) {
        rc_diags diags = {};
        rs_problem *p = NULL;
        int r = rc_build_problem(c, week(w), employer, &p, &diags);

        if (r != 0) {
                for (size_t i = 0; i < diags.n; i++) {
                        char *line = rc_diag_format(&diags.items[i]);
                        fprintf(stderr, "%s\n", line);
                        free(line);
                }
                fail_msg("problem of %s not built: %d", w, r);
        }
        assert_int_equal(diags.n, 0);
        return p;
}

/* The build must fail; returns the first diag formatted. */
static char *build_fail(const rc_corpus *c, const char *w, const char *employer) {
        rc_diags diags = {};
        rs_problem *p = NULL;
        char *line;

        assert_int_equal(rc_build_problem(c, week(w), employer, &p, &diags), -EINVAL);
        assert_null(p);
        assert_true(diags.n >= 1);
        line = rc_diag_format(&diags.items[0]);
        rc_diags_done(&diags);
        return line;
}

static const rs_position *position(const rs_problem *p, const char *id) {
        for (size_t i = 0; i < p->n_positions; i++)
                if (strcmp(p->positions[i].id, id) == 0)
                        return &p->positions[i];
        fail_msg("no position %s", id);
        return NULL;
}

static const rs_candidate *candidate(const rs_problem *p, const char *id) {
        for (size_t i = 0; i < p->n_candidates; i++)
                if (strcmp(p->candidates[i].id, id) == 0)
                        return &p->candidates[i];
        fail_msg("no candidate %s", id);
        return NULL;
}

static int place(const rs_problem *p, const char *id) {
        for (size_t i = 0; i < p->n_places; i++)
                if (strcmp(p->places[i], id) == 0)
                        return (int) i;
        fail_msg("no place %s", id);
        return -2;
}

static void assert_grid(const rs_shift *s, const int *expected, size_t n) {
        assert_int_equal(s->n_grid, n);
        for (size_t i = 0; i < n; i++)
                assert_int_equal(s->grid[i], expected[i]);
}

/* ---- Replacement rules ---- */

static const char needs_a[] = "kind: shift-needs\nversion: 1\nemployer: bakkerij\n"
                              "weeks: 2026-W48..2026-W50\n"
                              "positions:\n  - id: oven\n    shifts:\n"
                              "      - {days: [mon], start: \"08:00\", end: \"16:00\"}\n";
static const char needs_b[] = "kind: shift-needs\nversion: 1\nemployer: bakkerij\n"
                              "weeks: 2026-W49\n"
                              "positions:\n  - id: counter\n    shifts:\n"
                              "      - {days: [tue], start: \"09:00\", end: \"17:00\"}\n";
static const char needs_c[] = "kind: shift-needs\nversion: 1\nemployer: bakkerij\n"
                              "weeks: [2026-W48, 2026-W50]\n"
                              "positions:\n  - id: delivery\n    shifts:\n"
                              "      - {days: [wed], start: \"06:00\", end: \"10:00\"}\n";
static const char needs_other[] = "kind: shift-needs\nversion: 1\nemployer: slagerij\n"
                                  "weeks: 2026-W49\n"
                                  "positions:\n  - id: cutting\n    shifts:\n"
                                  "      - {days: [fri], start: \"10:00\", end: \"14:00\"}\n";

static void test_shift_needs_replacement(void **state) {
        rc_corpus c;
        rs_problem *p;

        (void) state;
        rc_corpus_init(&c);
        add(&c, needs_a);
        add(&c, needs_other);
        add(&c, needs_b);
        assert_int_equal(c.n_shift_needs, 3);

        /* Week 49: the later document holds, as a whole (no "oven"). */
        p = build(&c, "2026-W49", NULL);
        assert_int_equal(p->n_employers, 2);
        assert_string_equal(p->employers[0].id, "bakkerij");
        assert_string_equal(p->employers[1].id, "slagerij");
        assert_int_equal(p->n_positions, 2);
        assert_string_equal(p->positions[0].id, "counter");
        assert_int_equal(p->positions[0].employer, 0);
        assert_string_equal(p->positions[1].id, "cutting");
        assert_int_equal(p->positions[1].employer, 1);
        p = rs_problem_free(p);

        /* Weeks 48 and 50 still have the first one. */
        p = build(&c, "2026-W48", NULL);
        assert_int_equal(p->n_employers, 1);
        assert_string_equal(p->positions[0].id, "oven");
        p = rs_problem_free(p);
        p = build(&c, "2026-W50", "bakkerij");
        assert_string_equal(p->positions[0].id, "oven");
        assert_int_equal(p->positions[0].shifts[0].start, D(0, 8, 0));
        p = rs_problem_free(p);

        /* Once every week of the first is named by later ones, it is gone. */
        add(&c, needs_c);
        assert_int_equal(c.n_shift_needs, 3);
        assert_string_equal(rc_corpus_shift_needs(&c, "bakkerij", week("2026-W48"))
                                    ->shift_needs.positions[0].id,
                            "delivery");
        assert_string_equal(rc_corpus_shift_needs(&c, "bakkerij", week("2026-W49"))
                                    ->shift_needs.positions[0].id,
                            "counter");
        assert_null(rc_corpus_shift_needs(&c, "bakkerij", week("2026-W51")));
        assert_null(rc_corpus_shift_needs(&c, "nobody", week("2026-W49")));

        /* A week nobody plans gives a problem without employers. */
        p = build(&c, "2026-W51", NULL);
        assert_int_equal(p->n_employers, 0);
        assert_int_equal(p->n_positions, 0);
        p = rs_problem_free(p);
        rc_corpus_done(&c);
}

static void test_timetable_replacement(void **state) {
        rc_corpus c;
        rs_problem *p;

        (void) state;
        rc_corpus_init(&c);
        add(&c, needs_other);
        add(&c, "kind: candidates\nversion: 1\ncandidates: [{id: c-001}]\n");
        add(&c, "kind: timetable\nversion: 1\nschool: taal\ngroups:\n"
                "  - {id: g1, sessions: [{day: tue, start: \"09:00\", end: \"12:00\"}], "
                "participants: [c-001]}\n");
        add(&c, "kind: timetable\nversion: 1\nschool: gemeente\ngroups:\n"
                "  - {id: werkfit, sessions: [{day: mon, start: \"08:30\", end: \"10:00\"}], "
                "participants: [c-001]}\n");
        add(&c, "kind: timetable\nversion: 1\nschool: taal\ngroups:\n"
                "  - {id: g2, sessions: [{day: wed, start: \"13:00\", end: \"15:00\"}], "
                "participants: [c-001]}\n");
        assert_int_equal(c.n_timetables, 2);

        /* The school's whole timetable was replaced; the other school stays. */
        p = build(&c, "2026-W49", NULL);
        const rs_candidate *c1 = candidate(p, "c-001");
        assert_int_equal(c1->n_classes, 2);
        assert_string_equal(c1->classes[0].school, "gemeente");
        assert_string_equal(c1->classes[0].group, "werkfit");
        assert_int_equal(c1->classes[0].start, D(0, 8, 30));
        assert_int_equal(c1->classes[0].end, D(0, 10, 0));
        assert_string_equal(c1->classes[1].school, "taal");
        assert_string_equal(c1->classes[1].group, "g2");
        assert_int_equal(c1->classes[1].start, D(2, 13, 0));
        assert_int_equal(c1->classes[1].end, D(2, 15, 0));
        assert_int_equal(c1->classes[1].place, RS_NO_PLACE);
        rs_problem_free(p);
        rc_corpus_done(&c);
}

static void test_candidates_upsert_remove(void **state) {
        rc_corpus c;

        (void) state;
        rc_corpus_init(&c);
        add(&c, "kind: candidates\nversion: 1\ncandidates:\n"
                "  - {id: c-b, name: Bashir}\n  - {id: c-a, name: Amal}\n");
        assert_int_equal(c.n_candidates, 2);
        assert_string_equal(c.candidates[0].id, "c-a");
        assert_string_equal(c.candidates[1].id, "c-b");

        add(&c, "kind: candidates\nversion: 1\ncandidates:\n"
                "  - {id: c-c, name: Ceylan}\n  - {id: c-b, name: Bashir A.}\n"
                "remove: [c-a, c-unknown]\n");
        assert_int_equal(c.n_candidates, 2);
        assert_string_equal(c.candidates[0].id, "c-b");
        assert_string_equal(c.candidates[0].name, "Bashir A.");
        assert_string_equal(c.candidates[1].id, "c-c");

        /* An upsert replaces the whole entry: fields not given fall back. */
        add(&c, "kind: candidates\nversion: 1\ncandidates: [{id: c-c}]\n");
        assert_null(c.candidates[1].name);

        add(&c, "kind: candidates\nversion: 1\nremove: [c-b, c-c]\n");
        assert_int_equal(c.n_candidates, 0);
        rc_corpus_done(&c);
}

static void test_config_and_roster_replacement(void **state) {
        rc_corpus c;
        rs_problem *p;

        (void) state;
        rc_corpus_init(&c);
        assert_int_equal(rc_corpus_settings(&c)->rules.max_week, 3600);
        add(&c, "kind: config\nversion: 1\nrules: {max_week: 40h, max_blocks_per_day: 2}\n");
        assert_int_equal(rc_corpus_settings(&c)->rules.max_week, 2400);
        add(&c, "kind: config\nversion: 1\nrules: {max_shift: 9h}\n");
        /* A config document replaces the settings as a whole. */
        assert_int_equal(rc_corpus_settings(&c)->rules.max_week, 3600);
        assert_int_equal(rc_corpus_settings(&c)->rules.max_shift, 540);
        add(&c, needs_other);
        p = build(&c, "2026-W49", NULL);
        assert_int_equal(p->rules.max_shift, 540);
        assert_int_equal(p->rules.max_week, 3600);
        assert_int_equal(p->rules.min_rest, 660);
        assert_int_equal(p->rules.max_blocks_per_day, 1);
        assert_int_equal(p->rules.n_breaks, 2);
        assert_int_equal(p->rules.breaks[0].after, 330);
        assert_int_equal(p->rules.breaks[1].take, 45);
        rs_problem_free(p);

        static const char roster1[] = "kind: roster\nversion: 1\nemployer: slagerij\nweek: 2026-W49\n"
                                      "state: proposal\npositions: []\n";
        static const char roster2[] = "kind: roster\nversion: 1\nemployer: slagerij\nweek: 2026-W49\n"
                                      "state: approved\npositions: []\n";
        static const char roster3[] = "kind: roster\nversion: 1\nemployer: slagerij\nweek: 2026-W50\n"
                                      "state: approved\npositions: []\n";
        add(&c, roster1);
        add(&c, roster3);
        add(&c, roster2);
        assert_int_equal(c.n_rosters, 2);
        assert_int_equal(c.rosters[0]->roster.week.week, 50);
        assert_int_equal(c.rosters[1]->roster.state, RC_ROSTER_APPROVED);
        assert_int_equal(rc_corpus_add(&c, NULL), -EINVAL);
        rc_corpus_done(&c);
        rc_corpus_done(NULL);
}

/* ---- Shifts, grids and weeks ---- */

static void test_shifts_and_grids(void **state) {
        rc_corpus c;
        rs_problem *p;
        const rs_position *pos;

        (void) state;
        rc_corpus_init(&c);
        add(&c, "kind: shift-needs\nversion: 1\nemployer: dc\nlocation: veldhoven\n"
                "weeks: 2026-W48..2026-W50\n"
                "positions:\n"
                "  - id: day\n"
                "    shifts:\n"
                "      - {days: [fri, mon], start: \"07:00\", end: \"15:30\"}\n"
                "      - {date: 2026-12-03, start: \"07:00\", end: \"11:00\", headcount: 2}\n"
                "      - {date: 2026-12-10, start: \"07:00\", end: \"11:00\"}\n"
                "  - id: night\n"
                "    split: {handover_at: [\"02:00\", \"04:00\"], max_people: 1}\n"
                "    shifts:\n"
                "      - {days: [sun, mon], start: \"22:00\", end: \"06:00\", headcount: 3}\n"
                "  - id: gate\n"
                "    split: {handover: 30m, min_block: 4h}\n"
                "    shifts:\n"
                "      - {days: [sat], start: \"07:00\", end: \"07:00\"}\n"
                "      - {days: [tue], start: \"16:00\", end: \"00:00\"}\n"
                "  - id: late\n"
                "    priority: 0.5\n"
                "    requires: {language: B1, skills: [vca, forklift]}\n"
                "    split: {handover: 3h}\n"
                "    shifts:\n"
                "      - {days: [wed], start: \"14:00\", end: \"22:00\"}\n"
                "      - {days: [thu], start: \"14:00\", end: \"15:00\"}\n");
        p = build(&c, "2026-W49", NULL);
        assert_string_equal(p->week, "2026-W49");
        assert_int_equal(p->n_positions, 4);

        /* Document order of positions; shifts sorted by start; the dated
         * entry of 10 December is in another week. */
        pos = &p->positions[0];
        assert_string_equal(pos->id, "day");
        assert_true(pos->priority == 1.0);
        assert_int_equal(pos->language, RS_LEVEL_A0);
        assert_int_equal(pos->n_skills, 0);
        assert_int_equal(pos->max_people, 2);
        assert_int_equal(pos->min_block, 180);
        assert_int_equal(pos->n_shifts, 3);
        assert_int_equal(pos->shifts[0].day, 0);
        assert_int_equal(pos->shifts[0].start, 420);
        assert_int_equal(pos->shifts[0].end, 930);
        assert_int_equal(pos->shifts[0].headcount, 1);
        /* 1h grid from the start, then the end itself (SPEC §10.1). */
        static const int grid_day[] = { 420, 480, 540, 600, 660, 720, 780, 840, 900, 930 };
        assert_grid(&pos->shifts[0], grid_day, 10);
        assert_int_equal(pos->shifts[1].day, 3);
        assert_int_equal(pos->shifts[1].start, D(3, 7, 0));
        assert_int_equal(pos->shifts[1].end, D(3, 11, 0));
        assert_int_equal(pos->shifts[1].headcount, 2);
        assert_int_equal(pos->shifts[2].day, 4);
        assert_int_equal(pos->shifts[2].start, D(4, 7, 0));

        /* Night shifts belong to their start day and end the next one;
         * the Sunday one ends after the week. Handover points after
         * midnight are on the next day. */
        pos = position(p, "night");
        assert_int_equal(pos->max_people, 1);
        assert_int_equal(pos->n_shifts, 2);
        assert_int_equal(pos->shifts[0].day, 0);
        static const int grid_mon[] = { 1320, 1560, 1680, 1800 };
        assert_grid(&pos->shifts[0], grid_mon, 4);
        assert_int_equal(pos->shifts[0].headcount, 3);
        assert_int_equal(pos->shifts[1].day, 6);
        static const int grid_sun[] = { D(6, 22, 0), D(7, 2, 0), D(7, 4, 0), D(7, 6, 0) };
        assert_grid(&pos->shifts[1], grid_sun, 4);

        /* A 24-hour shift (start == end) on a 30m grid: 48 pieces; a
         * shift ending at midnight (00:00). */
        pos = position(p, "gate");
        assert_int_equal(pos->min_block, 240);
        assert_int_equal(pos->shifts[0].day, 1);
        assert_int_equal(pos->shifts[0].start, D(1, 16, 0));
        assert_int_equal(pos->shifts[0].end, D(2, 0, 0));
        assert_int_equal(pos->shifts[0].n_grid, 17);
        assert_int_equal(pos->shifts[1].day, 5);
        assert_int_equal(pos->shifts[1].start, D(5, 7, 0));
        assert_int_equal(pos->shifts[1].end, D(6, 7, 0));
        assert_int_equal(pos->shifts[1].n_grid, 49);
        assert_int_equal(pos->shifts[1].grid[1], D(5, 7, 30));
        assert_int_equal(pos->shifts[1].grid[47], D(6, 6, 30));

        /* A 3h grid on 14:00-22:00 has 17:00, 20:00 and the end 22:00; a
         * shift shorter than the grid has only its start and end. */
        pos = position(p, "late");
        assert_true(pos->priority == 0.5);
        assert_int_equal(pos->language, RS_LEVEL_B1);
        static const int grid_late[] = { D(2, 14, 0), D(2, 17, 0), D(2, 20, 0), D(2, 22, 0) };
        assert_grid(&pos->shifts[0], grid_late, 4);
        static const int grid_short[] = { D(3, 14, 0), D(3, 15, 0) };
        assert_grid(&pos->shifts[1], grid_short, 2);
        /* Skills: sorted ids, indices sorted. */
        assert_int_equal(p->n_skills, 2);
        assert_string_equal(p->skills[0], "forklift");
        assert_string_equal(p->skills[1], "vca");
        assert_int_equal(pos->n_skills, 2);
        assert_int_equal(pos->skills[0], 0);
        assert_int_equal(pos->skills[1], 1);

        assert_int_equal(p->employers[0].place, place(p, "veldhoven"));
        assert_null(p->employers[0].name);
        rs_problem_free(p);

        /* Week 50 has the dated entry of 10 December instead. */
        p = build(&c, "2026-W50", NULL);
        pos = position(p, "day");
        assert_int_equal(pos->n_shifts, 3);
        assert_int_equal(pos->shifts[1].start, D(3, 7, 0));
        assert_int_equal(pos->shifts[1].headcount, 1);
        rs_problem_free(p);
        rc_corpus_done(&c);
}

static void test_timetable_weeks(void **state) {
        rc_corpus c;
        rs_problem *p;

        (void) state;
        rc_corpus_init(&c);
        add(&c, "kind: shift-needs\nversion: 1\nemployer: e\nweeks: [2026-W44, 2026-W49..2026-W53]\n"
                "positions: []\n");
        add(&c, "kind: candidates\nversion: 1\ncandidates: [{id: c-001}, {id: c-002}]\n");
        add(&c, "kind: timetable\nversion: 1\nschool: taal\nweeks: 2026-W45..2027-W20\n"
                "closed: [2026-12-03, 2026-W51]\ngroups:\n"
                "  - id: a2\n    location: centrum\n"
                "    sessions:\n"
                "      - {day: thu, start: \"09:00\", end: \"12:00\"}\n"
                "      - {day: tue, start: \"09:00\", end: \"12:00\"}\n"
                "      - {day: sat, start: \"10:00\", end: \"11:30\"}\n"
                "    participants: [c-001, learner-x]\n"
                "  - id: avond\n    location: woensel\n"
                "    sessions: [{day: tue, start: \"18:00\", end: \"20:00\"}]\n"
                "    participants: [c-001, c-002]\n");

        /* Week 49: Thursday 3 December is closed; the rest is sorted by
         * start; learner-x is no candidate and is ignored. */
        p = build(&c, "2026-W49", NULL);
        const rs_candidate *c1 = candidate(p, "c-001");
        assert_int_equal(c1->n_classes, 3);
        assert_int_equal(c1->classes[0].start, D(1, 9, 0));
        assert_int_equal(c1->classes[0].end, D(1, 12, 0));
        assert_string_equal(c1->classes[0].group, "a2");
        assert_int_equal(c1->classes[0].place, place(p, "centrum"));
        assert_int_equal(c1->classes[1].start, D(1, 18, 0));
        assert_string_equal(c1->classes[1].group, "avond");
        assert_int_equal(c1->classes[1].place, place(p, "woensel"));
        assert_int_equal(c1->classes[2].start, D(5, 10, 0));
        assert_int_equal(c1->classes[2].end, D(5, 11, 30));
        assert_int_equal(candidate(p, "c-002")->n_classes, 1);
        rs_problem_free(p);

        /* Week 50: nothing closed, all four sessions. */
        p = build(&c, "2026-W50", NULL);
        assert_int_equal(candidate(p, "c-001")->n_classes, 4);
        rs_problem_free(p);

        /* Week 51 is closed as a whole; week 44 is before the timetable. */
        p = build(&c, "2026-W51", NULL);
        assert_int_equal(candidate(p, "c-001")->n_classes, 0);
        assert_int_equal(candidate(p, "c-002")->n_classes, 0);
        rs_problem_free(p);
        p = build(&c, "2026-W44", NULL);
        assert_int_equal(candidate(p, "c-001")->n_classes, 0);
        rs_problem_free(p);
        rc_corpus_done(&c);
}

/* ---- Candidates ---- */

static void test_candidate_defaults(void **state) {
        rc_corpus c;
        rs_problem *p;
        const rs_candidate *x;

        (void) state;
        rc_corpus_init(&c);
        add(&c, needs_other);
        add(&c, needs_a);
        add(&c, "kind: candidates\nversion: 1\ncandidates:\n"
                "  - {id: c-none}\n"
                "  - {id: c-min, hours: {min: 12}}\n"
                "  - {id: c-all, name: Amal, language: B2, skills: [vca, haccp], max_days: 3,\n"
                "     hours: {min: 12, target: 20.5, max: 24}, home: woensel,\n"
                "     employers: [slagerij, bakkerij, elders]}\n"
                "  - {id: c-nowhere, employers: []}\n"
                "  - {id: c-elsewhere, employers: [elders]}\n");

        /* Only the slagerij is planned in week 49 with --employer. */
        p = build(&c, "2026-W49", "slagerij");
        assert_int_equal(p->n_employers, 1);
        assert_int_equal(p->n_candidates, 5);
        /* Sorted by id. */
        assert_string_equal(p->candidates[0].id, "c-all");
        assert_string_equal(p->candidates[1].id, "c-elsewhere");
        assert_string_equal(p->candidates[2].id, "c-min");
        assert_string_equal(p->candidates[3].id, "c-none");
        assert_string_equal(p->candidates[4].id, "c-nowhere");

        /* SPEC §10.12: min 0, target = min, max = rules.max_week (60h). */
        x = candidate(p, "c-none");
        assert_null(x->name);
        assert_int_equal(x->language, RS_LEVEL_A0);
        assert_int_equal(x->n_skills, 0);
        assert_int_equal(x->hours_min, 0);
        assert_int_equal(x->hours_target, 0);
        assert_int_equal(x->hours_max, 3600);
        assert_int_equal(x->max_days, 5);
        assert_true(x->any_employer);
        assert_int_equal(x->n_employers, 0);
        assert_int_equal(x->home, RS_NO_PLACE);
        x = candidate(p, "c-min");
        assert_int_equal(x->hours_min, 720);
        assert_int_equal(x->hours_target, 720);
        assert_int_equal(x->hours_max, 3600);

        x = candidate(p, "c-all");
        assert_string_equal(x->name, "Amal");
        assert_int_equal(x->language, RS_LEVEL_B2);
        assert_int_equal(x->hours_min, 720);
        assert_int_equal(x->hours_target, 1230);
        assert_int_equal(x->hours_max, 1440);
        assert_int_equal(x->max_days, 3);
        assert_int_equal(x->home, place(p, "woensel"));
        /* Placements at employers not planned now are dropped. */
        assert_false(x->any_employer);
        assert_int_equal(x->n_employers, 1);
        assert_int_equal(x->employers[0], 0);
        assert_int_equal(x->n_skills, 2);
        assert_string_equal(p->skills[x->skills[0]], "haccp");
        assert_string_equal(p->skills[x->skills[1]], "vca");

        /* employers: [] and placements only elsewhere: nowhere here. */
        x = candidate(p, "c-nowhere");
        assert_false(x->any_employer);
        assert_int_equal(x->n_employers, 0);
        x = candidate(p, "c-elsewhere");
        assert_false(x->any_employer);
        assert_int_equal(x->n_employers, 0);
        p = rs_problem_free(p);

        /* Both planned: indices in the employers' (sorted) order. */
        p = build(&c, "2026-W49", NULL);
        assert_string_equal(p->employers[0].id, "bakkerij");
        x = candidate(p, "c-all");
        assert_int_equal(x->n_employers, 2);
        assert_int_equal(x->employers[0], 0);
        assert_int_equal(x->employers[1], 1);
        p = rs_problem_free(p);

        /* The default max follows the rules in force. */
        add(&c, "kind: config\nversion: 1\nrules: {max_week: 40h}\n");
        p = build(&c, "2026-W49", NULL);
        assert_int_equal(candidate(p, "c-none")->hours_max, 2400);
        assert_int_equal(candidate(p, "c-all")->hours_max, 1440);
        p = rs_problem_free(p);

        /* ...and a min above it is then a problem of the combination (an
         * explicit max above the rules is fine: the rules cap it). */
        add(&c, "kind: config\nversion: 1\nrules: {max_week: 10h}\n");
        char *line = build_fail(&c, "2026-W49", NULL);
        assert_string_equal(line, "test.yaml:5:5: candidates[1].hours: expected min <= target <= max, "
                                  "got min 12, target 12, max 10 (hours; an absent max is "
                                  "rules.max_week, 10)");
        free(line);
        rc_corpus_done(&c);
}

static void test_unavailability(void **state) {
        rc_corpus c;
        rs_problem *p;
        const rs_candidate *x;

        (void) state;
        rc_corpus_init(&c);
        add(&c, needs_other);
        add(&c, "kind: candidates\nversion: 1\ncandidates:\n"
                "  - id: c-001\n    unavailable:\n"
                "      - {day: fri, start: \"12:00\", end: \"14:00\", reason: huisarts}\n"
                "      - {date: 2026-12-03, start: \"08:00\", end: \"17:00\"}\n"
                "      - {date: 2026-12-10, start: \"08:00\", end: \"17:00\"}\n"
                "      - {day: sun, start: \"22:00\", end: \"06:00\", reason: nacht}\n"
                "      - {date: 2026-12-01}\n"
                "      - {date: 2026-11-29, start: \"20:00\", end: \"02:00\"}\n"
                "      - {date: 2026-11-29, start: \"08:00\", end: \"12:00\"}\n");
        p = build(&c, "2026-W49", NULL);
        x = candidate(p, "c-001");
        /* Sorted by start. A weekly Sunday night also reaches into this
         * Monday from last Sunday; a dated one of last Sunday likewise;
         * entries wholly outside the week are left out. */
        assert_int_equal(x->n_unavailable, 6);
        assert_int_equal(x->unavailable[0].start, -240);
        assert_int_equal(x->unavailable[0].end, 120);
        assert_null(x->unavailable[0].reason);
        assert_int_equal(x->unavailable[1].start, -120);
        assert_int_equal(x->unavailable[1].end, 360);
        assert_string_equal(x->unavailable[1].reason, "nacht");
        assert_int_equal(x->unavailable[2].start, D(1, 0, 0));
        assert_int_equal(x->unavailable[2].end, D(2, 0, 0));
        assert_int_equal(x->unavailable[3].start, D(3, 8, 0));
        assert_int_equal(x->unavailable[3].end, D(3, 17, 0));
        assert_int_equal(x->unavailable[4].start, D(4, 12, 0));
        assert_int_equal(x->unavailable[4].end, D(4, 14, 0));
        assert_string_equal(x->unavailable[4].reason, "huisarts");
        assert_int_equal(x->unavailable[5].start, D(6, 22, 0));
        assert_int_equal(x->unavailable[5].end, D(7, 6, 0));
        rs_problem_free(p);
        rc_corpus_done(&c);
}

/* ---- Places and travel ---- */

static void test_travel_matrix(void **state) {
        rc_corpus c;
        rs_problem *p;

        (void) state;
        rc_corpus_init(&c);
        add(&c, "kind: config\nversion: 1\n"
                "travel:\n  default: 25m\n  between:\n"
                "    - {from: geldrop, to: centrum, time: 35m}\n"
                "    - {from: centrum, to: helmond, time: 1h5m}\n");
        add(&c, "kind: shift-needs\nversion: 1\nemployer: agri\nlocation: geldrop\n"
                "weeks: 2026-W49\npositions: []\n");
        add(&c, "kind: shift-needs\nversion: 1\nemployer: zonder\nweeks: 2026-W49\npositions: []\n");
        add(&c, "kind: candidates\nversion: 1\ncandidates: [{id: c-1, home: woensel}, {id: c-2}]\n");
        add(&c, "kind: timetable\nversion: 1\nschool: taal\ngroups:\n"
                "  - {id: g, location: centrum, sessions: []}\n");
        p = build(&c, "2026-W49", NULL);

        /* Every place used anywhere, sorted. */
        assert_int_equal(p->n_places, 4);
        assert_string_equal(p->places[0], "centrum");
        assert_string_equal(p->places[1], "geldrop");
        assert_string_equal(p->places[2], "helmond");
        assert_string_equal(p->places[3], "woensel");
        assert_int_equal(p->travel_default, 25);
        /* Row-major n x n: 0 on the diagonal, pairs both ways, else default. */
        static const int expected[16] = {
                0,  35, 65, 25,
                35, 0,  25, 25,
                65, 25, 0,  25,
                25, 25, 25, 0,
        };
        for (size_t i = 0; i < 16; i++)
                assert_int_equal(p->travel[i], expected[i]);
        assert_int_equal(rs_problem_travel(p, 1, 0), 35);
        assert_int_equal(rs_problem_travel(p, RS_NO_PLACE, 0), 25);
        assert_int_equal(p->employers[0].place, 1);
        assert_int_equal(p->employers[1].place, RS_NO_PLACE);
        assert_int_equal(candidate(p, "c-1")->home, 3);
        assert_int_equal(candidate(p, "c-2")->home, RS_NO_PLACE);
        rs_problem_free(p);
        rc_corpus_done(&c);
}

/* ---- Approved rosters ---- */

static const char approved_corpus_needs[] =
        "kind: shift-needs\nversion: 1\nemployer: dc\nweeks: 2026-W48..2026-W49\n"
        "positions:\n"
        "  - id: night\n    shifts: [{days: [sun, tue], start: \"22:00\", end: \"06:00\"}]\n"
        "  - id: day\n    shifts: [{days: [mon], start: \"08:00\", end: \"16:00\"}]\n";

static void test_approved_rosters(void **state) {
        rc_corpus c;
        rs_problem *p;
        const rs_candidate *x;

        (void) state;
        rc_corpus_init(&c);
        add(&c, approved_corpus_needs);
        add(&c, needs_other);
        add(&c, "kind: candidates\nversion: 1\ncandidates: [{id: c-1}, {id: c-2}]\n");

        /* Nothing approved yet. */
        p = build(&c, "2026-W49", NULL);
        assert_false(p->has_approved);
        assert_int_equal(p->n_approved, 0);
        p = rs_problem_free(p);

        /* Last week's approved roster: its blocks are commitments for
         * rest only, at negative times (day -1 = last Sunday). */
        add(&c, "kind: roster\nversion: 1\nemployer: dc\nweek: 2026-W48\nstate: approved\n"
                "positions:\n  - id: night\n    assignments:\n"
                "      - {day: sun, start: \"02:00\", end: \"06:00\", candidate: c-1}\n"
                "      - {day: fri, start: \"22:00\", end: \"02:00\", candidate: c-2}\n"
                "      - {day: sat, start: \"22:00\", end: \"02:00\", candidate: c-gone}\n");
        /* This week's approved roster of a planned employer: blocks for
         * the stability goal; unknown positions and candidates dropped. */
        add(&c, "kind: roster\nversion: 1\nemployer: dc\nweek: 2026-W49\nrevision: 3\n"
                "state: approved\npositions:\n"
                "  - id: night\n    assignments:\n"
                "      - {day: tue, start: \"22:00\", end: \"02:00\", candidate: c-2}\n"
                "      - {day: tue, start: \"02:00\", end: \"06:00\", candidate: c-1}\n"
                "  - id: day\n    assignments:\n"
                "      - {day: mon, start: \"08:00\", end: \"16:00\", candidate: c-1}\n"
                "      - {day: mon, start: \"08:00\", end: \"16:00\", candidate: c-gone}\n"
                "  - id: removed\n    assignments:\n"
                "      - {day: mon, start: \"08:00\", end: \"16:00\", candidate: c-2}\n");
        /* A proposal is no commitment. */
        add(&c, "kind: roster\nversion: 1\nemployer: slagerij\nweek: 2026-W48\nstate: proposal\n"
                "positions:\n  - id: cutting\n    assignments:\n"
                "      - {day: sun, start: \"20:00\", end: \"23:00\", candidate: c-2}\n");

        p = build(&c, "2026-W49", NULL);
        assert_true(p->has_approved);
        assert_int_equal(p->n_approved, 3);
        /* Sorted by position, start, candidate; night is position 0 of
         * employer dc (document order: night, day). An assignment carries
         * its shift's day: "02:00"-"06:00" on tue in the tue 22:00-06:00
         * shift is Wednesday 02:00. */
        assert_string_equal(p->positions[0].id, "night");
        assert_int_equal(p->approved[0].position, 0);
        assert_int_equal(p->approved[0].candidate, 1);
        assert_int_equal(p->approved[0].start, D(1, 22, 0));
        assert_int_equal(p->approved[0].end, D(2, 2, 0));
        assert_int_equal(p->approved[1].position, 0);
        assert_int_equal(p->approved[1].candidate, 0);
        assert_int_equal(p->approved[1].start, D(2, 2, 0));
        assert_int_equal(p->approved[1].end, D(2, 6, 0));
        assert_int_equal(p->approved[2].position, 1);
        assert_int_equal(p->approved[2].candidate, 0);
        assert_int_equal(p->approved[2].start, D(0, 8, 0));
        assert_int_equal(p->approved[2].end, D(0, 16, 0));

        /* Last week's Sunday night block 02:00-06:00 is this Monday
         * 02:00-06:00, working day -1. Last Friday has no night shift
         * (only sun and tue): taken on the day given. */
        x = candidate(p, "c-1");
        assert_int_equal(x->n_commitments, 1);
        assert_int_equal(x->commitments[0].day, -1);
        assert_int_equal(x->commitments[0].start, 120);
        assert_int_equal(x->commitments[0].end, 360);
        assert_string_equal(x->commitments[0].employer, "dc");
        x = candidate(p, "c-2");
        assert_int_equal(x->n_commitments, 1);
        assert_int_equal(x->commitments[0].day, -3);
        assert_int_equal(x->commitments[0].start, D(-3, 22, 0));
        assert_int_equal(x->commitments[0].end, D(-2, 2, 0));
        p = rs_problem_free(p);

        /* Planning only the slagerij: dc's approved week becomes work the
         * candidates already have (days 0..6), and there is no stability
         * goal for the slagerij. */
        p = build(&c, "2026-W49", "slagerij");
        assert_false(p->has_approved);
        assert_int_equal(p->n_approved, 0);
        x = candidate(p, "c-1");
        assert_int_equal(x->n_commitments, 3);
        assert_int_equal(x->commitments[0].day, -1);
        assert_int_equal(x->commitments[1].day, 0);
        assert_int_equal(x->commitments[1].start, D(0, 8, 0));
        assert_int_equal(x->commitments[1].end, D(0, 16, 0));
        assert_string_equal(x->commitments[1].employer, "dc");
        assert_int_equal(x->commitments[2].day, 1);
        assert_int_equal(x->commitments[2].start, D(2, 2, 0));
        assert_int_equal(x->commitments[2].end, D(2, 6, 0));
        x = candidate(p, "c-2");
        /* Last Friday's night, then this week's blocks, including the one
         * of a position dc no longer has: the work was approved. */
        assert_int_equal(x->n_commitments, 3);
        assert_int_equal(x->commitments[1].start, D(0, 8, 0));
        assert_int_equal(x->commitments[2].start, D(1, 22, 0));
        assert_int_equal(x->commitments[2].end, D(2, 2, 0));
        p = rs_problem_free(p);
        rc_corpus_done(&c);
}

/* ---- Errors of the combination ---- */

static void test_build_errors(void **state) {
        rc_corpus c;
        char *line;

        (void) state;
        rc_corpus_init(&c);
        add(&c, needs_b);
        line = build_fail(&c, "2026-W49", "nobody");
        assert_string_equal(line, "unknown employer \"nobody\": no shift-needs document names it "
                                  "(week 2026-W49)");
        free(line);
        line = build_fail(&c, "2026-W50", "bakkerij");
        assert_string_equal(line, "employer \"bakkerij\" has no shift needs in week 2026-W50");
        free(line);
        rc_corpus_done(&c);
}

static void test_failed_document_changes_nothing(void **state) {
        rc_corpus c;
        rc_diags diags = {};
        rc_document *doc = NULL;
        rs_problem *p;
        static const char bad[] = "kind: shift-needs\nversion: 1\nemployer: slagerij\n"
                                  "weeks: 2026-W49\npositions:\n  - id: cutting\n    shifts:\n"
                                  "      - {days: [fri], start: \"10:00\", end: \"14:00\"}\n"
                                  "      - {days: [fri], start: \"13:00\", end: \"15:00\"}\n";

        (void) state;
        rc_corpus_init(&c);
        add(&c, needs_other);
        assert_int_equal(rc_document_parse("bad.yaml", bad, strlen(bad), &doc, &diags), -EINVAL);
        assert_null(doc);
        assert_int_equal(diags.n, 2);
        rc_diags_done(&diags);
        p = build(&c, "2026-W49", NULL);
        assert_int_equal(p->positions[0].n_shifts, 1);
        assert_int_equal(p->positions[0].shifts[0].end, D(4, 14, 0));
        rs_problem_free(p);
        rc_corpus_done(&c);
}

/* ---- Determinism ---- */

static void test_same_input_same_problem(void **state) {
        static const char cands1[] = "kind: candidates\nversion: 1\ncandidates:\n"
                                     "  - {id: c-2, skills: [b, a]}\n  - {id: c-1, skills: [c]}\n";
        static const char cands2[] = "kind: candidates\nversion: 1\ncandidates:\n"
                                     "  - {id: c-1, skills: [c]}\n  - {id: c-2, skills: [b, a]}\n";
        rc_corpus c1, c2;
        rs_problem *p1, *p2;

        (void) state;
        rc_corpus_init(&c1);
        rc_corpus_init(&c2);
        add(&c1, needs_a);
        add(&c1, needs_other);
        add(&c1, cands1);
        /* Another order of documents of different employers and another
         * order of candidates in the list give the same problem. */
        add(&c2, cands2);
        add(&c2, needs_other);
        add(&c2, needs_a);
        p1 = build(&c1, "2026-W49", NULL);
        p2 = build(&c2, "2026-W49", NULL);
        assert_int_equal(p1->n_skills, 3);
        assert_int_equal(p1->n_candidates, p2->n_candidates);
        for (size_t i = 0; i < p1->n_candidates; i++) {
                assert_string_equal(p1->candidates[i].id, p2->candidates[i].id);
                assert_int_equal(p1->candidates[i].n_skills, p2->candidates[i].n_skills);
                for (size_t k = 0; k < p1->candidates[i].n_skills; k++)
                        assert_int_equal(p1->candidates[i].skills[k], p2->candidates[i].skills[k]);
        }
        assert_int_equal(p1->n_positions, p2->n_positions);
        for (size_t i = 0; i < p1->n_positions; i++)
                assert_string_equal(p1->positions[i].id, p2->positions[i].id);
        rs_problem_free(p1);
        rs_problem_free(p2);
        rc_corpus_done(&c1);
        rc_corpus_done(&c2);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_shift_needs_replacement),
                cmocka_unit_test(test_timetable_replacement),
                cmocka_unit_test(test_candidates_upsert_remove),
                cmocka_unit_test(test_config_and_roster_replacement),
                cmocka_unit_test(test_shifts_and_grids),
                cmocka_unit_test(test_timetable_weeks),
                cmocka_unit_test(test_candidate_defaults),
                cmocka_unit_test(test_unavailability),
                cmocka_unit_test(test_travel_matrix),
                cmocka_unit_test(test_approved_rosters),
                cmocka_unit_test(test_build_errors),
                cmocka_unit_test(test_failed_document_changes_nothing),
                cmocka_unit_test(test_same_input_same_problem),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
