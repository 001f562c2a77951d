/* tests/config/test_documents.c -- the strict YAML loader: valid files load,
 * invalid ones report exactly what their golden .err files say, and the
 * values read are the ones written. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "roster/config.h"

/* ---- Helpers ---- */

static char *read_all(const char *path, size_t *ret_size) {
        FILE *f = fopen(path, "rb");
        char *text = NULL;
        size_t size = 0, cap = 0;

        if (!f)
                return NULL;
        for (;;) {
                if (size + 4096 > cap) {
                        cap = cap ? cap * 2 : 8192;
                        text = realloc(text, cap);
                        assert_non_null(text);
                }
                size_t n = fread(text + size, 1, cap - size - 1, f);
                size += n;
                if (n == 0)
                        break;
        }
        fclose(f);
        text[size] = '\0';
        *ret_size = size;
        return text;
}

/* Every diag as formatted lines, each ending in a newline. */
static char *format_all(const rc_diags *diags) {
        size_t n = 0, cap = 256;
        char *out = malloc(cap);

        assert_non_null(out);
        out[0] = '\0';
        for (size_t i = 0; i < diags->n; i++) {
                char *line = rc_diag_format(&diags->items[i]);
                size_t m;
                assert_non_null(line);
                m = strlen(line);
                while (n + m + 2 > cap)
                        cap *= 2;
                out = realloc(out, cap);
                assert_non_null(out);
                memcpy(out + n, line, m);
                out[n + m] = '\n';
                out[n + m + 1] = '\0';
                n += m + 1;
                free(line);
        }
        return out;
}

static rc_document *parse_ok(const char *text) {
        rc_diags diags = {};
        rc_document *doc = NULL;
        int r = rc_document_parse("test.yaml", text, strlen(text), &doc, &diags);

        if (r != 0 || diags.n > 0) {
                char *all = format_all(&diags);
                fail_msg("expected a valid document, got %d:\n%s", r, all);
        }
        rc_diags_done(&diags);
        return doc;
}

/* The formatted diags of an invalid @text (free the result). */
static char *parse_fail(const char *text, size_t size, int expected_r) {
        rc_diags diags = {};
        rc_document *doc = NULL;
        int r = rc_document_parse("test.yaml", text, size, &doc, &diags);
        char *all;

        assert_int_equal(r, expected_r);
        assert_null(doc);
        assert_true(diags.n > 0);
        all = format_all(&diags);
        rc_diags_done(&diags);
        return all;
}

static int compare_names(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The *.yaml files of data/@sub, sorted. */
static char **list_yaml(const char *sub, size_t *ret_n) {
        char dir[1024];
        char **names = NULL;
        size_t n = 0;
        DIR *d;
        struct dirent *e;

        snprintf(dir, sizeof(dir), "%s/%s", CONFIG_TEST_DATA, sub);
        d = opendir(dir);
        assert_non_null(d);
        while ((e = readdir(d))) {
                size_t len = strlen(e->d_name);
                if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
                        continue;
                names = realloc(names, (n + 1) * sizeof(*names));
                names[n++] = strdup(e->d_name);
        }
        closedir(d);
        qsort(names, n, sizeof(*names), compare_names);
        *ret_n = n;
        return names;
}

/* ---- Data-driven files ---- */

static void test_valid_files(void **state) {
        size_t n;
        char **names = list_yaml("valid", &n);

        (void) state;
        assert_true(n >= 10);
        for (size_t i = 0; i < n; i++) {
                char path[1024];
                rc_diags diags = {};
                rc_document *doc = NULL;

                snprintf(path, sizeof(path), "%s/valid/%s", CONFIG_TEST_DATA, names[i]);
                int r = rc_document_load(path, &doc, &diags);
                if (r != 0) {
                        char *all = format_all(&diags);
                        fail_msg("%s: expected valid, got %d:\n%s", names[i], r, all);
                }
                assert_int_equal(diags.n, 0);
                /* The files are named after their kind. */
                const char *kind = rc_kind_to_string(rc_document_kind(doc));
                if (strncmp(names[i], kind, strlen(kind)) != 0)
                        fail_msg("%s: loaded as kind %s", names[i], kind);
                rc_document_free(doc);
                rc_diags_done(&diags);
                free(names[i]);
        }
        free(names);
}

static void test_invalid_files(void **state) {
        const char *update = getenv("ROSTERD_UPDATE_GOLDEN");
        size_t n, failures = 0;
        char **names = list_yaml("invalid", &n);

        (void) state;
        assert_true(n >= 30);
        for (size_t i = 0; i < n; i++) {
                char path[1024], golden_path[1024];
                size_t size, golden_size;
                char *text, *golden, *actual;
                rc_diags diags = {};
                rc_document *doc = NULL;

                snprintf(path, sizeof(path), "%s/invalid/%s", CONFIG_TEST_DATA, names[i]);
                snprintf(golden_path, sizeof(golden_path), "%s/invalid/%.*s.err", CONFIG_TEST_DATA,
                         (int) (strlen(names[i]) - 5), names[i]);
                text = read_all(path, &size);
                assert_non_null(text);

                /* The file name in diagnostics is the one given: the basename. */
                int r = rc_document_parse(names[i], text, size, &doc, &diags);
                actual = format_all(&diags);
                if (r != -EINVAL || doc || diags.n == 0) {
                        fprintf(stderr, "%s: expected -EINVAL with diagnostics, got %d\n", names[i], r);
                        failures++;
                }
                if (update && *update) {
                        FILE *f = fopen(golden_path, "w");
                        assert_non_null(f);
                        fputs(actual, f);
                        fclose(f);
                }
                golden = read_all(golden_path, &golden_size);
                if (!golden) {
                        fprintf(stderr, "%s: no golden file %s\n", names[i], golden_path);
                        failures++;
                } else if (strcmp(golden, actual) != 0) {
                        fprintf(stderr, "%s: diagnostics differ\n--- expected\n%s--- actual\n%s",
                                names[i], golden, actual);
                        failures++;
                }
                rc_document_free(doc);
                rc_diags_done(&diags);
                free(text);
                free(golden);
                free(actual);
                free(names[i]);
        }
        free(names);
        assert_int_equal(failures, 0);
}

/* ---- Limits generated here ---- */

static void test_oversize(void **state) {
        const char head[] = "kind: config\nversion: 1\n";
        size_t size = RC_DOCUMENT_MAX_SIZE;
        char *text = malloc(size + 2);
        char *all;
        rc_document *doc = NULL;
        rc_diags diags = {};

        (void) state;
        /* Exactly 4 MiB is accepted: a valid document padded with a comment. */
        memset(text, 'x', size + 1);
        memcpy(text, head, sizeof(head) - 1);
        text[sizeof(head) - 1] = '#';
        text[size - 1] = '\n';
        assert_int_equal(rc_document_parse("big.yaml", text, size, &doc, &diags), 0);
        assert_int_equal(diags.n, 0);
        doc = rc_document_free(doc);

        /* One byte more is refused before parsing, with one diagnostic. */
        text[size] = '\n';
        all = parse_fail(text, size + 1, -E2BIG);
        assert_string_equal(all, "test.yaml: the document is larger than 4 MiB (4194304 bytes), "
                                 "the most accepted\n");
        free(all);
        free(text);
}

static char *nested(size_t depth) {
        const char head[] = "kind: config\nversion: 1\nrules: ";
        char *text = malloc(sizeof(head) + depth + 1);

        memcpy(text, head, sizeof(head) - 1);
        memset(text + sizeof(head) - 1, '[', depth);
        text[sizeof(head) - 1 + depth] = '\0';
        return text;
}

static void test_deep_nesting(void **state) {
        char *text, *all;

        (void) state;
        /* The root mapping is level 1: 63 more levels are still read (the
         * document is then wrong for a plainer reason). */
        text = nested(63);
        size_t len = strlen(text);
        text = realloc(text, len + 64 + 1);
        memset(text + len, ']', 63);
        text[len + 63] = '\0';
        all = parse_fail(text, strlen(text), -EINVAL);
        assert_string_equal(all, "test.yaml:3:8: rules: expected a mapping, got a sequence\n");
        free(all);
        free(text);

        /* Level 65 is refused where it opens, and parsing stops there. */
        text = nested(64);
        all = parse_fail(text, strlen(text), -EINVAL);
        assert_string_equal(all, "test.yaml:3:71: nested deeper than 64 levels\n");
        free(all);
        free(text);

        /* A hostile depth costs no more. */
        text = nested(1000000);
        all = parse_fail(text, strlen(text), -EINVAL);
        assert_string_equal(all, "test.yaml:3:71: nested deeper than 64 levels\n");
        free(all);
        free(text);
}

static void test_huge_flat_mapping(void **state) {
        /* Many keys: the duplicate-key check must not be quadratic. */
        size_t n = 100000, o = 0;
        char *text = malloc(n * 16 + 64);
        clock_t t0 = clock();
        char *all;

        (void) state;
        o += (size_t) sprintf(text, "kind: config\nversion: 1\n");
        for (size_t i = 0; i < n; i++)
                o += (size_t) sprintf(text + o, "k%zu: 1\n", i);
        o += (size_t) sprintf(text + o, "k7: 2\n");
        rc_diags diags = {};
        rc_document *doc = NULL;
        assert_int_equal(rc_document_parse("test.yaml", text, o, &doc, &diags), -EINVAL);
        /* An unknown key on every line and a duplicate at the end: the
         * first RC_DOCUMENT_MAX_DIAGS in file order, then how many more. */
        assert_int_equal(diags.n, RC_DOCUMENT_MAX_DIAGS + 1);
        assert_string_equal(diags.items[0].path, "k0");
        assert_int_equal(diags.items[0].line, 3);
        assert_string_equal(diags.items[RC_DOCUMENT_MAX_DIAGS].message,
                            "99901 more problems not shown (at most 100 are reported)");
        all = format_all(&diags);
        rc_diags_done(&diags);
        free(all);
        free(text);
        /* A generous sanity bound, far above the expected milliseconds. */
        assert_true((double) (clock() - t0) / CLOCKS_PER_SEC < 60);
}

/* ---- Files ---- */

static void test_load_errors(void **state) {
        rc_diags diags = {};
        rc_document *doc = NULL;
        char *all;

        (void) state;
        assert_int_equal(rc_document_load("/nonexistent/rosterd.yaml", &doc, &diags), -ENOENT);
        assert_null(doc);
        all = format_all(&diags);
        assert_string_equal(all, "/nonexistent/rosterd.yaml: cannot read the file: No such file or "
                                 "directory\n");
        free(all);
        rc_diags_done(&diags);

        assert_int_equal(rc_document_load(CONFIG_TEST_DATA, &doc, &diags), -EISDIR);
        assert_int_equal(diags.n, 1);
        rc_diags_done(&diags);
        assert_int_equal(diags.n, 0);
        assert_null(diags.items);

        /* The path is the file name of the diagnostics. */
        assert_int_equal(rc_document_load(CONFIG_TEST_DATA "/invalid/bad-version.yaml", &doc, &diags),
                         -EINVAL);
        all = format_all(&diags);
        assert_string_equal(all, CONFIG_TEST_DATA "/invalid/bad-version.yaml:2:10: version: "
                                                  "expected version 1 (the only version), got \"2\"\n");
        free(all);
        rc_diags_done(&diags);
}

static void test_diags_accumulate(void **state) {
        rc_diags diags = {};
        rc_document *doc = NULL;

        (void) state;
        /* A second parse appends to what is there and sorts only its own. */
        assert_int_equal(rc_document_parse("b.yaml", "kind: config\nversion: 3\n", 24, &doc, &diags),
                         -EINVAL);
        assert_int_equal(rc_document_parse("a.yaml", "version: 1\nkind: x\n", 19, &doc, &diags),
                         -EINVAL);
        assert_int_equal(diags.n, 2);
        assert_string_equal(diags.items[0].file, "b.yaml");
        assert_string_equal(diags.items[1].file, "a.yaml");
        assert_int_equal(diags.items[1].line, 2);
        assert_int_equal(diags.items[1].column, 7);
        assert_string_equal(diags.items[1].path, "kind");
        rc_diags_done(&diags);
        rc_diags_done(NULL);
}

static void test_diag_format(void **state) {
        rc_diag d = { .file = "a.yaml", .line = 3, .column = 9, .path = "positions[0].id",
                      .message = "expected an id" };
        char *s;

        (void) state;
        s = rc_diag_format(&d);
        assert_string_equal(s, "a.yaml:3:9: positions[0].id: expected an id");
        free(s);
        d.path = "";
        s = rc_diag_format(&d);
        assert_string_equal(s, "a.yaml:3:9: expected an id");
        free(s);
        d.line = 0;
        s = rc_diag_format(&d);
        assert_string_equal(s, "a.yaml: expected an id");
        free(s);
        d.file = NULL;
        d.path = "x";
        s = rc_diag_format(&d);
        assert_string_equal(s, "x: expected an id");
        free(s);
}

/* ---- Calendar ---- */

static void test_weeks(void **state) {
        rc_week w;
        char buf[16];
        int day;

        (void) state;
        assert_int_equal(rc_week_parse("2026-W49", &w), 0);
        assert_int_equal(w.year, 2026);
        assert_int_equal(w.week, 49);
        rc_week_format(w, buf);
        assert_string_equal(buf, "2026-W49");
        /* Monday 30 November 2026 is day 20787 since 1970-01-01: 56 years
         * with 14 leap days to 2026-01-01 (20454), then 333 more. */
        assert_int_equal(rc_week_monday(w), rc_date_days((rc_date) { 2026, 11, 30 }));
        assert_int_equal(rc_date_days((rc_date) { 2026, 11, 30 }), 20787);
        assert_int_equal(rc_date_days((rc_date) { 1970, 1, 1 }), 0);

        /* 2026 starts on a Thursday: 53 weeks. 2025 has 52; 2020 (leap,
         * starting on a Wednesday) has 53. */
        assert_int_equal(rc_week_parse("2026-W53", &w), 0);
        assert_int_equal(rc_week_parse("2025-W53", &w), -EINVAL);
        assert_int_equal(rc_week_parse("2020-W53", &w), 0);
        assert_int_equal(rc_week_parse("2026-W00", &w), -EINVAL);
        assert_int_equal(rc_week_parse("2026-w49", &w), -EINVAL);
        assert_int_equal(rc_week_parse("2026-W7", &w), -EINVAL);
        assert_int_equal(rc_week_parse("2026-W490", &w), -EINVAL);
        assert_int_equal(rc_week_parse("", &w), -EINVAL);
        assert_int_equal(rc_week_parse(NULL, &w), -EINVAL);

        /* Dates at the edges of ISO years. */
        w = rc_date_week((rc_date) { 2027, 1, 1 }, &day);
        assert_int_equal(w.year, 2026);
        assert_int_equal(w.week, 53);
        assert_int_equal(day, 4);
        w = rc_date_week((rc_date) { 2024, 12, 30 }, &day);
        assert_int_equal(w.year, 2025);
        assert_int_equal(w.week, 1);
        assert_int_equal(day, 0);
        w = rc_date_week((rc_date) { 2026, 12, 3 }, &day);
        assert_int_equal(w.week, 49);
        assert_int_equal(day, 3);

        /* Running numbers are consecutive across years, both ways. */
        assert_int_equal(rc_week_parse("2026-W53", &w), 0);
        rc_week next = rc_week_from_index(rc_week_index(w) + 1);
        assert_int_equal(next.year, 2027);
        assert_int_equal(next.week, 1);
        for (long i = rc_week_index((rc_week) { 1990, 1 }); i < rc_week_index((rc_week) { 2060, 1 }); i++) {
                rc_week x = rc_week_from_index(i);
                assert_int_equal(rc_week_index(x), i);
                assert_int_equal(rc_week_monday(x), i * 7 + 4);
        }

        rc_date d;
        assert_int_equal(rc_date_parse("2024-02-29", &d), 0);
        assert_int_equal(rc_date_parse("2026-02-29", &d), -EINVAL);
        assert_int_equal(rc_date_parse("2000-02-29", &d), 0);
        assert_int_equal(rc_date_parse("1900-02-29", &d), -EINVAL);
        assert_int_equal(rc_date_parse("2026-04-31", &d), -EINVAL);
        assert_int_equal(rc_date_parse("2026-12-3", &d), -EINVAL);
}

static void test_week_sets(void **state) {
        rc_document *doc = parse_ok("kind: shift-needs\nversion: 1\nemployer: e\n"
                                    "weeks: [2027-W02, \"2026-W47..2026-W49\", 2026-W45]\n"
                                    "positions: []\n");
        const rc_week_set *set = &doc->shift_needs.weeks;

        (void) state;
        /* Stored sorted by first week. */
        assert_int_equal(set->n_ranges, 3);
        assert_int_equal(set->ranges[0].first.week, 45);
        assert_int_equal(set->ranges[1].first.week, 47);
        assert_int_equal(set->ranges[1].last.week, 49);
        assert_int_equal(set->ranges[2].first.year, 2027);
        assert_false(rc_week_set_contains(set, (rc_week) { 2026, 44 }));
        assert_true(rc_week_set_contains(set, (rc_week) { 2026, 45 }));
        assert_false(rc_week_set_contains(set, (rc_week) { 2026, 46 }));
        assert_true(rc_week_set_contains(set, (rc_week) { 2026, 47 }));
        assert_true(rc_week_set_contains(set, (rc_week) { 2026, 48 }));
        assert_true(rc_week_set_contains(set, (rc_week) { 2026, 49 }));
        assert_false(rc_week_set_contains(set, (rc_week) { 2026, 50 }));
        assert_false(rc_week_set_contains(set, (rc_week) { 2027, 1 }));
        assert_true(rc_week_set_contains(set, (rc_week) { 2027, 2 }));
        rc_document_free(doc);
}

/* ---- Values read ---- */

static rc_document *load_valid(const char *name) {
        char path[1024];
        rc_diags diags = {};
        rc_document *doc = NULL;

        snprintf(path, sizeof(path), "%s/valid/%s", CONFIG_TEST_DATA, name);
        assert_int_equal(rc_document_load(path, &doc, &diags), 0);
        rc_diags_done(&diags);
        return doc;
}

static void test_shift_needs_values(void **state) {
        rc_document *doc = load_valid("shift-needs-spec.yaml");
        const rc_shift_needs *s = &doc->shift_needs;

        (void) state;
        assert_int_equal(rc_document_kind(doc), RC_KIND_SHIFT_NEEDS);
        assert_string_equal(s->employer, "agri-geldrop");
        assert_string_equal(s->name, "Landbouwmachines Geldrop BV");
        assert_string_equal(s->location, "geldrop");
        assert_int_equal(s->n_positions, 1);
        const rc_position *p = &s->positions[0];
        assert_string_equal(p->id, "assembly");
        assert_string_equal(p->title, "Assemblage-medewerker");
        assert_true(p->priority == 1.0);
        assert_int_equal(p->language, RS_LEVEL_A2);
        assert_int_equal(p->n_skills, 1);
        assert_string_equal(p->skills[0], "vca");
        assert_int_equal(p->max_people, 2);
        assert_int_equal(p->min_block, 240);
        assert_int_equal(p->handover, 60);
        assert_int_equal(p->n_handover_at, 0);
        assert_int_equal(p->n_shifts, 1);
        assert_false(p->shifts[0].dated);
        assert_int_equal(p->shifts[0].days, 0x1f);
        assert_int_equal(p->shifts[0].start, 7 * 60);
        assert_int_equal(p->shifts[0].end, 15 * 60 + 30);
        assert_int_equal(p->shifts[0].headcount, 1);
        assert_int_equal(p->shifts[0].mark.line, 20);
        assert_null(rc_document_settings(doc));
        assert_false(rc_document_is_approved(doc));
        rc_document_free(doc);

        doc = load_valid("shift-needs-night.yaml");
        s = &doc->shift_needs;
        p = &s->positions[0];
        /* Defaults where nothing is written. */
        assert_null(s->name);
        assert_null(p->title);
        assert_true(p->priority == 2.5);
        assert_int_equal(p->language, RS_LEVEL_A0);
        assert_int_equal(p->n_skills, 0);
        assert_int_equal(p->max_people, 2);
        assert_int_equal(p->min_block, 180);
        assert_int_equal(p->n_handover_at, 2);
        assert_int_equal(p->handover_at[0], 120);
        assert_int_equal(p->handover_at[1], 240);
        assert_int_equal(p->shifts[0].days, (1u << 0) | (1u << 2) | (1u << 6));
        assert_int_equal(p->shifts[0].start, 22 * 60);
        assert_int_equal(p->shifts[0].end, 6 * 60);
        assert_int_equal(p->shifts[0].headcount, 2);
        p = &s->positions[1];
        assert_int_equal(p->min_block, 210);
        assert_int_equal(p->handover, 30);
        assert_int_equal(p->max_people, 3);
        /* Plain 7:00 and 0:00 are times as written, not sexagesimal numbers. */
        assert_int_equal(p->shifts[0].start, 420);
        assert_int_equal(p->shifts[0].end, 420);
        assert_int_equal(p->shifts[1].start, 420);
        assert_int_equal(p->shifts[1].end, 0);
        rc_document_free(doc);

        doc = load_valid("shift-needs-weeks.yaml");
        s = &doc->shift_needs;
        assert_string_equal(s->name, "Hotel Centrum: bediening");
        assert_int_equal(s->positions[0].language, RS_LEVEL_A1);
        assert_true(s->positions[0].shifts[1].dated);
        assert_int_equal(s->positions[0].shifts[1].date.year, 2026);
        assert_int_equal(s->positions[0].shifts[1].date.month, 12);
        assert_int_equal(s->positions[0].shifts[1].date.day, 5);
        assert_int_equal(s->positions[0].shifts[1].headcount, 3);
        assert_int_equal(s->positions[0].shifts[2].date.day, 6);
        assert_int_equal(s->positions[1].n_shifts, 0);
        rc_document_free(doc);
}

static void test_plain_and_quoted(void **state) {
        static const char *const forms[] = {
                "days: [mon], start: 07:00, end: 15:30",
                "days: [mon], start: \"07:00\", end: '15:30'",
                "days: [mon], start: 7:00, end: \"15:30\"",
        };

        (void) state;
        for (size_t i = 0; i < 3; i++) {
                char text[512];
                snprintf(text, sizeof(text),
                         "kind: shift-needs\nversion: '1'\nemployer: e\nweeks: \"2026-W49\"\n"
                         "positions:\n  - id: p\n    shifts:\n      - {%s}\n",
                         forms[i]);
                rc_document *doc = parse_ok(text);
                assert_int_equal(doc->shift_needs.positions[0].shifts[0].start, 420);
                assert_int_equal(doc->shift_needs.positions[0].shifts[0].end, 930);
                rc_document_free(doc);
        }
}

static void test_timetable_values(void **state) {
        rc_document *doc = load_valid("timetable-spec.yaml");
        const rc_timetable *t = &doc->timetable;

        (void) state;
        assert_string_equal(t->school, "werkvloertaal");
        assert_true(t->has_weeks);
        assert_int_equal(t->n_closed_dates, 1);
        assert_int_equal(t->closed_dates[0].day, 24);
        assert_int_equal(t->n_closed_weeks, 1);
        assert_int_equal(t->closed_weeks[0].week, 53);
        assert_int_equal(t->n_groups, 1);
        assert_true(t->groups[0].has_level);
        assert_int_equal(t->groups[0].level, RS_LEVEL_B1);
        assert_string_equal(t->groups[0].location, "eindhoven-centrum");
        assert_int_equal(t->groups[0].n_sessions, 2);
        assert_int_equal(t->groups[0].sessions[1].day, 3);
        assert_int_equal(t->groups[0].sessions[1].start, 540);
        assert_int_equal(t->groups[0].sessions[1].end, 720);
        assert_int_equal(t->groups[0].n_participants, 2);
        assert_string_equal(t->groups[0].participants[1], "c-023");
        rc_document_free(doc);

        doc = load_valid("timetable-always.yaml");
        t = &doc->timetable;
        assert_false(t->has_weeks);
        assert_false(t->groups[0].has_level);
        assert_int_equal(t->groups[0].sessions[0].start, 510);
        assert_null(t->groups[1].location);
        assert_int_equal(t->groups[1].n_participants, 0);
        rc_document_free(doc);
}

static void test_candidate_values(void **state) {
        rc_document *doc = load_valid("candidates-spec.yaml");
        const rc_candidate *c = &doc->candidates.candidates[0];

        (void) state;
        assert_int_equal(doc->candidates.n_candidates, 1);
        assert_string_equal(c->id, "c-017");
        assert_string_equal(c->name, "Amal");
        assert_int_equal(c->language, RS_LEVEL_A2);
        assert_int_equal(c->n_skills, 2);
        assert_int_equal(c->hours_min, 12 * 60);
        assert_int_equal(c->hours_target, 20 * 60);
        assert_int_equal(c->hours_max, 24 * 60);
        assert_int_equal(c->max_days, 4);
        assert_string_equal(c->home, "eindhoven-woensel");
        assert_true(c->has_employers);
        assert_int_equal(c->n_employers, 1);
        assert_int_equal(c->n_unavailable, 2);
        assert_false(c->unavailable[0].dated);
        assert_int_equal(c->unavailable[0].day, 4);
        assert_int_equal(c->unavailable[0].start, 720);
        assert_int_equal(c->unavailable[0].end, 840);
        assert_string_equal(c->unavailable[0].reason, "...");
        assert_true(c->unavailable[1].dated);
        assert_null(c->unavailable[1].reason);
        rc_document_free(doc);

        doc = load_valid("candidates-edge.yaml");
        c = doc->candidates.candidates;
        /* Absent: -1 here; the defaults depend on the rules (rc_build_problem). */
        assert_int_equal(c[0].hours_min, -1);
        assert_int_equal(c[0].hours_target, -1);
        assert_int_equal(c[0].hours_max, -1);
        assert_int_equal(c[0].max_days, 5);
        assert_int_equal(c[0].language, RS_LEVEL_A0);
        assert_false(c[0].has_employers);
        assert_int_equal(c[1].hours_min, 750);
        assert_int_equal(c[1].hours_target, -1);
        assert_int_equal(c[1].hours_max, 1215);
        assert_true(c[1].has_employers);
        assert_int_equal(c[1].n_employers, 0);
        assert_int_equal(c[1].max_days, 0);
        assert_int_equal(c[1].unavailable[0].start, 1320);
        assert_int_equal(c[1].unavailable[0].end, 360);
        assert_true(c[1].unavailable[1].whole_day);
        assert_int_equal(c[2].language, RS_LEVEL_C2);
        assert_int_equal(c[2].index, 2);
        rc_document_free(doc);

        doc = load_valid("candidates-remove.yaml");
        assert_int_equal(doc->candidates.n_candidates, 0);
        assert_int_equal(doc->candidates.n_remove, 2);
        assert_string_equal(doc->candidates.remove[1], "c-032");
        rc_document_free(doc);
}

static void test_roster_values(void **state) {
        rc_document *doc = load_valid("roster-spec.yaml");
        const rc_roster *r = &doc->roster;

        (void) state;
        assert_string_equal(r->employer, "agri-geldrop");
        assert_int_equal(r->week.year, 2026);
        assert_int_equal(r->week.week, 49);
        assert_int_equal(r->revision, 7);
        assert_int_equal(r->state, RC_ROSTER_PROPOSAL);
        assert_false(rc_document_is_approved(doc));
        assert_int_equal(r->n_positions, 1);
        assert_int_equal(r->positions[0].n_assignments, 3);
        assert_int_equal(r->positions[0].assignments[2].day, 1);
        assert_int_equal(r->positions[0].assignments[2].start, 720);
        assert_int_equal(r->positions[0].assignments[2].end, 930);
        assert_string_equal(r->positions[0].assignments[2].candidate, "c-017");
        rc_document_free(doc);

        doc = load_valid("roster-approved.yaml");
        assert_true(rc_document_is_approved(doc));
        assert_int_equal(doc->roster.revision, -1);
        assert_int_equal(doc->roster.positions[1].n_assignments, 0);
        rc_document_free(doc);
}

static void test_settings(void **state) {
        rc_settings defaults, copy;
        rc_document *doc;
        const rc_settings *s;

        (void) state;
        rc_settings_init(&defaults);
        assert_string_equal(defaults.socket, "/run/rosterd/rosterd.sock");
        assert_string_equal(defaults.state_dir, "/var/lib/rosterd");
        assert_true(defaults.solver.time_limit == 30);
        assert_true(defaults.solver.gap == 0);
        assert_int_equal(defaults.solver.workers, 2);
        assert_int_equal(defaults.limits.message, 4 * 1024 * 1024);
        assert_int_equal(defaults.limits.connections, 256);
        assert_int_equal(defaults.limits.subscriber_backlog, 4 * 1024 * 1024);
        assert_true(defaults.limits.idle == 300);
        assert_int_equal(defaults.travel.default_minutes, 30);
        assert_int_equal(defaults.travel.n_pairs, 0);
        assert_int_equal(defaults.rules.max_shift, 720);
        assert_int_equal(defaults.rules.max_week, 3600);
        assert_int_equal(defaults.rules.min_rest, 660);
        assert_int_equal(defaults.rules.max_blocks_per_day, 1);
        assert_int_equal(defaults.rules.n_breaks, 2);
        assert_int_equal(defaults.rules.breaks[0].after, 330);
        assert_int_equal(defaults.rules.breaks[0].take, 30);
        assert_int_equal(defaults.rules.breaks[1].after, 600);
        assert_int_equal(defaults.rules.breaks[1].take, 45);
        assert_int_equal(defaults.n_access, 0);

        /* An empty config document gives exactly the defaults, and so does
         * the spec example apart from its access rules and travel pair. */
        doc = load_valid("config-empty.yaml");
        s = rc_document_settings(doc);
        assert_non_null(s);
        assert_string_equal(s->socket, defaults.socket);
        assert_true(s->solver.time_limit == 30);
        assert_int_equal(s->rules.n_breaks, 2);
        assert_int_equal(s->rules.breaks[1].take, 45);
        assert_int_equal(s->n_access, 0);
        rc_document_free(doc);

        doc = load_valid("config-spec.yaml");
        s = rc_document_settings(doc);
        assert_int_equal(s->limits.message, defaults.limits.message);
        assert_true(s->limits.idle == 300);
        assert_int_equal(s->rules.max_week, 3600);
        assert_int_equal(s->rules.breaks[0].after, 330);
        assert_int_equal(s->travel.n_pairs, 1);
        assert_string_equal(s->travel.pairs[0].from, "eindhoven-centrum");
        assert_int_equal(s->travel.pairs[0].minutes, 35);
        assert_int_equal(s->n_access, 3);
        assert_string_equal(s->access[0].group, "roster-accountmanagers");
        assert_null(s->access[0].user);
        assert_int_equal(s->access[0].role, RC_ROLE_ACCOUNTMANAGER);
        assert_int_equal(s->access[1].n_employers, 1);
        assert_string_equal(s->access[1].employers[0], "*");
        assert_string_equal(s->access[2].user, "werkvloertaal");
        assert_int_equal(s->access[2].role, RC_ROLE_SCHOOL);
        assert_string_equal(s->access[2].schools[0], "werkvloertaal");
        rc_document_free(doc);

        doc = load_valid("config-custom.yaml");
        s = rc_document_settings(doc);
        assert_string_equal(s->socket, "/tmp/rosterd-test.sock");
        assert_string_equal(s->state_dir, "/var/lib/rosterd");
        assert_true(s->solver.time_limit == 90);
        assert_true(s->solver.gap == 0.05);
        assert_int_equal(s->solver.workers, 4);
        assert_int_equal(s->limits.message, 512 * 1024);
        assert_int_equal(s->limits.connections, 16);
        assert_int_equal(s->limits.subscriber_backlog, 65536);
        assert_true(s->limits.idle == 45);
        assert_int_equal(s->travel.default_minutes, 0);
        assert_int_equal(s->travel.pairs[0].minutes, 65);
        assert_int_equal(s->rules.max_shift, 540);
        assert_int_equal(s->rules.max_week, 2400);
        assert_int_equal(s->rules.min_rest, 0);
        assert_int_equal(s->rules.max_blocks_per_day, 2);
        /* Breaks are sorted by after. */
        assert_int_equal(s->rules.n_breaks, 2);
        assert_int_equal(s->rules.breaks[0].after, 240);
        assert_int_equal(s->rules.breaks[0].take, 15);
        assert_int_equal(s->rules.breaks[1].after, 480);
        assert_int_equal(s->rules.breaks[1].take, 60);
        assert_string_equal(s->access[0].user, "1000");
        assert_int_equal(s->access[0].role, RC_ROLE_ADMIN);

        /* A deep copy outlives its source. */
        assert_int_equal(rc_settings_copy(s, &copy), 0);
        rc_document_free(doc);
        assert_string_equal(copy.socket, "/tmp/rosterd-test.sock");
        assert_int_equal(copy.rules.breaks[1].take, 60);
        assert_string_equal(copy.travel.pairs[0].to, "a");
        assert_string_equal(copy.access[0].user, "1000");
        rc_settings_done(&copy);
        /* _done leaves the defaults. */
        assert_string_equal(copy.socket, "/run/rosterd/rosterd.sock");
        assert_int_equal(copy.rules.n_breaks, 2);
        rc_settings_done(&copy);
        rc_settings_done(NULL);

        assert_int_equal(rc_settings_copy(&defaults, &copy), 0);
        assert_int_equal(copy.rules.breaks[0].after, 330);
        rc_settings_done(&copy);
        rc_settings_done(&defaults);
}

static void test_names(void **state) {
        (void) state;
        assert_string_equal(rc_kind_to_string(RC_KIND_SHIFT_NEEDS), "shift-needs");
        assert_string_equal(rc_kind_to_string(RC_KIND_TIMETABLE), "timetable");
        assert_string_equal(rc_kind_to_string(RC_KIND_CANDIDATES), "candidates");
        assert_string_equal(rc_kind_to_string(RC_KIND_CONFIG), "config");
        assert_string_equal(rc_kind_to_string(RC_KIND_ROSTER), "roster");
        assert_null(rc_kind_to_string(_RC_KIND_MAX));
        assert_string_equal(rc_role_to_string(RC_ROLE_ACCOUNTMANAGER), "accountmanager");
        assert_null(rc_role_to_string(_RC_ROLE_MAX));
        assert_null(rc_document_free(NULL));
}

static void test_messages_for_hostile_text(void **state) {
        char text[512], expected[512], *all;

        (void) state;
        /* Control characters are escaped and long texts cut in messages:
         * the quote and two escapes take 9 bytes, then 72 of the 100 x. */
        snprintf(text, sizeof(text), "kind: config\nversion: 1\nsocket: \"\\t\\u0001%0100d\"\n", 0);
        for (char *c = strstr(text, "00000"); *c == '0'; c++)
                *c = 'x';
        snprintf(expected, sizeof(expected),
                 "test.yaml:3:9: socket: expected an absolute path of at most 107 bytes, got "
                 "\"\\x09\\x01%.72s...\"\n",
                 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        all = parse_fail(text, strlen(text), -EINVAL);
        assert_string_equal(all, expected);
        free(all);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_valid_files),
                cmocka_unit_test(test_invalid_files),
                cmocka_unit_test(test_oversize),
                cmocka_unit_test(test_deep_nesting),
                cmocka_unit_test(test_huge_flat_mapping),
                cmocka_unit_test(test_load_errors),
                cmocka_unit_test(test_diags_accumulate),
                cmocka_unit_test(test_diag_format),
                cmocka_unit_test(test_weeks),
                cmocka_unit_test(test_week_sets),
                cmocka_unit_test(test_shift_needs_values),
                cmocka_unit_test(test_plain_and_quoted),
                cmocka_unit_test(test_timetable_values),
                cmocka_unit_test(test_candidate_values),
                cmocka_unit_test(test_roster_values),
                cmocka_unit_test(test_settings),
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_messages_for_hostile_text),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
