/* tests/fuzz/fuzz_loader.c -- libFuzzer entry for the YAML loader.
 *
 * Any bytes go through rc_document_parse(); what loads is also added to a
 * corpus and turned into the problem of a week it names, so that the
 * builder sees every shape the loader accepts. Crashes, leaks, undefined
 * behaviour and hangs are the findings; wrong input is not. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "roster/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A week the document is about, so that the build has something to do. */
static rc_week week_of(const rc_document *doc) {
        rc_week w = { 2026, 49 };

        if (doc->kind == RC_KIND_SHIFT_NEEDS && doc->shift_needs.weeks.n_ranges > 0)
                w = doc->shift_needs.weeks.ranges[0].first;
        else if (doc->kind == RC_KIND_ROSTER)
                w = doc->roster.week;
        return w;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        rc_diags diags = {};
        rc_document *doc = NULL;
        rc_corpus corpus;
        rs_problem *problem = NULL;

        if (rc_document_parse("fuzz.yaml", (const char *) data, size, &doc, &diags) < 0) {
                for (size_t i = 0; i < diags.n; i++)
                        free(rc_diag_format(&diags.items[i]));
                rc_diags_done(&diags);
                return 0;
        }
        rc_week w = week_of(doc);
        rc_corpus_init(&corpus);
        if (rc_corpus_add(&corpus, doc) < 0)
                rc_document_free(doc);
        if (rc_build_problem(&corpus, w, NULL, &problem, &diags) == 0)
                rs_problem_free(problem);
        rc_corpus_done(&corpus);
        rc_diags_done(&diags);
        return 0;
}
