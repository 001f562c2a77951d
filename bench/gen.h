/* bench/gen.h -- synthetic but realistic input documents for one week.
 *
 * Writes the YAML documents of SPEC §3 for an Eindhoven-like region: one
 * config (travel between a dozen places), one shift-needs document per
 * employer, two timetables (a language school and the municipality's
 * work training) and one candidates document. The same options always
 * give the same bytes (own PRNG, no global state). */
#pragma once

#include <stdint.h>

typedef enum rg_scale {
        RG_SCALE_SMALL,                 /* 5 employers, 25 candidates */
        RG_SCALE_EINDHOVEN,             /* 60 employers, 400 candidates */
        RG_SCALE_REGION,                /* 250 employers, 1500 candidates */
        _RG_SCALE_MAX,
} rg_scale;

typedef struct rg_options {
        rg_scale scale;
        int employers;                  /* 0 = the scale's number */
        int candidates;                 /* 0 = the scale's number */
        uint64_t seed;
        const char *week;               /* "2026-W49" */
} rg_options;

/* "small", "eindhoven", "region" -> 0 and *ret, else -EINVAL. */
int rg_scale_from_string(const char *text, rg_scale *ret);

/* Writes the documents into the directory @dir (created when missing).
 * Returns 0, -EINVAL for bad options (a message in *reterr_message when
 * non-NULL, malloc'ed), or -errno for I/O errors (likewise). */
int rg_generate(const rg_options *opts, const char *dir, char **reterr_message);
