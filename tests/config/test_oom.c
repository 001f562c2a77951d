/* tests/config/test_oom.c -- every allocation of the loader and the builder
 * can fail: the call then returns -ENOMEM, leaks nothing (AddressSanitizer
 * checks at exit) and leaves the corpus as it was.
 *
 * The linker wraps malloc, calloc, realloc, strdup and vasprintf of this
 * program and of roster_config (-Wl,--wrap), so that the N-th allocation
 * fails; N runs from 0 until a whole run passes without reaching it. */
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

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
int __real_vasprintf(char **ret, const char *format, va_list ap);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
int __wrap_vasprintf(char **ret, const char *format, va_list ap);

/* Allocations whose failure is not an error (see below). */
#define ABSORBED_MAX 2

static long fail_at = -1;       /* < 0: never */
static long counter;

static bool should_fail(void) {
        return fail_at >= 0 && counter++ == fail_at;
}

void *__wrap_malloc(size_t size) {
        return should_fail() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size) {
        return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size) {
        return should_fail() ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s) {
        return should_fail() ? NULL : __real_strdup(s);
}

int __wrap_vasprintf(char **ret, const char *format, va_list ap) {
        return should_fail() ? -1 : __real_vasprintf(ret, format, ap);
}

static const char *const documents[] = {
        "kind: config\nversion: 1\n"
        "travel: {default: 20m, between: [{from: geldrop, to: centrum, time: 35m}]}\n"
        "rules: {breaks: [{after: 6h, take: 30m}]}\n"
        "access: [{group: g, role: employer, employers: [\"*\"]}, {user: u, role: admin}]\n",

        "kind: shift-needs\nversion: 1\nemployer: agri\nname: Agri BV\nlocation: geldrop\n"
        "weeks: [2026-W48, 2026-W49..2026-W50]\n"
        "positions:\n"
        "  - id: assembly\n    title: Assemblage\n"
        "    requires: {language: A2, skills: [vca]}\n"
        "    split: {handover_at: [\"11:00\", \"13:00\"]}\n"
        "    shifts:\n"
        "      - {days: [mon, tue, wed], start: \"07:00\", end: \"15:30\"}\n"
        "      - {date: 2026-12-03, start: \"07:00\", end: \"15:00\", headcount: 2}\n"
        "  - id: night\n"
        "    shifts: [{days: [sun], start: \"22:00\", end: \"06:00\"}]\n",

        "kind: timetable\nversion: 1\nschool: taal\nweeks: 2026-W45..2027-W20\n"
        "closed: [2026-12-24, 2026-W53]\n"
        "groups:\n  - id: a2\n    location: centrum\n"
        "    sessions: [{day: tue, start: \"09:00\", end: \"12:00\"}]\n"
        "    participants: [c-1, c-2, learner]\n",

        "kind: candidates\nversion: 1\ncandidates:\n"
        "  - {id: c-2, name: Bo, skills: [vca, haccp], hours: {min: 12, max: 24}, home: woensel,\n"
        "     employers: [agri], unavailable: [{day: fri}, {date: 2026-12-02, start: \"08:00\", "
        "end: \"10:00\", reason: arts}]}\n"
        "  - {id: c-1, language: B1}\n",

        "kind: candidates\nversion: 1\ncandidates: [{id: c-3}]\nremove: [c-2]\n",

        "kind: roster\nversion: 1\nemployer: agri\nweek: 2026-W48\nstate: approved\n"
        "positions:\n  - id: night\n    assignments:\n"
        "      - {day: sun, start: \"22:00\", end: \"06:00\", candidate: c-1}\n",

        "kind: roster\nversion: 1\nemployer: agri\nweek: 2026-W49\nstate: approved\n"
        "positions:\n  - id: assembly\n    assignments:\n"
        "      - {day: mon, start: \"07:00\", end: \"15:30\", candidate: c-1}\n",

        /* Invalid: diagnostics are allocated too. */
        "kind: shift-needs\nversion: 1\nemployer: x\nweeks: 2026-W49\nbogus: 1\n"
        "positions:\n  - id: p\n    shifts:\n"
        "      - {days: [mon, mon], start: \"25:00\", end: \"08:00\"}\n"
        "      - {days: [mon], start: \"06:00\", end: \"09:00\"}\n  - id: p\n    shifts: []\n",

        "kind: config\nversion: 1\nfoo: &a 1\nbar: *a\nbaz: 1\nbaz: 2\n",
};

/* One pass over everything. Returns the number of -ENOMEM seen. */
static int run(void) {
        rc_corpus corpus;
        rc_week week = { 2026, 49 };
        int enomem = 0;

        rc_corpus_init(&corpus);
        for (size_t i = 0; i < sizeof(documents) / sizeof(documents[0]); i++) {
                rc_diags diags = {};
                rc_document *doc = NULL;
                int r = rc_document_parse("oom.yaml", documents[i], strlen(documents[i]), &doc,
                                          &diags);
                rc_diags_done(&diags);
                if (r == -ENOMEM) {
                        assert_null(doc);
                        enomem++;
                        continue;
                }
                if (i >= 7) {
                        assert_int_equal(r, -EINVAL);
                        continue;
                }
                assert_int_equal(r, 0);

                size_t before = corpus.n_shift_needs + corpus.n_timetables + corpus.n_candidates +
                                corpus.n_rosters;
                r = rc_corpus_add(&corpus, doc);
                if (r == -ENOMEM) {
                        /* Not taken, and the corpus is unchanged. */
                        assert_int_equal(corpus.n_shift_needs + corpus.n_timetables +
                                                 corpus.n_candidates + corpus.n_rosters,
                                         before);
                        rc_document_free(doc);
                        enomem++;
                        continue;
                }
                assert_int_equal(r, 0);
        }

        for (int with_employer = 0; with_employer < 2; with_employer++) {
                rc_diags diags = {};
                rs_problem *p = NULL;
                int r = rc_build_problem(&corpus, week, with_employer ? "agri" : NULL, &p, &diags);
                rc_diags_done(&diags);
                if (r == -ENOMEM) {
                        assert_null(p);
                        enomem++;
                } else if (with_employer && r == -EINVAL) {
                        /* The shift needs were lost to an earlier failure. */
                        assert_null(rc_corpus_shift_needs(&corpus, "agri", week));
                } else {
                        assert_int_equal(r, 0);
                        rs_problem_free(p);
                }
        }

        rc_corpus_done(&corpus);
        return enomem;
}

static void test_every_allocation_fails_once(void **state) {
        long n, absorbed = 0;

        (void) state;
        fail_at = -1;
        assert_int_equal(run(), 0);
        for (n = 0;; n++) {
                counter = 0;
                fail_at = n;
                int enomem = run();
                bool reached = counter > n;
                fail_at = -1;
                if (!reached)
                        break;
                /* A failed allocation surfaces as -ENOMEM, except where the
                 * code can do without it: dropping shift needs that later
                 * ones replace is only a saving. */
                if (enomem == 0)
                        absorbed++;
        }
        printf("%ld allocations failed one by one, %ld absorbed\n", n, absorbed);
        /* The documents above need hundreds of allocations. */
        assert_true(n > 200);
        assert_true(absorbed <= ABSORBED_MAX);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_every_allocation_fails_once),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
