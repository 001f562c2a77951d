/* bench/gen_main.c -- rosterd-gen: write a synthetic week of input
 * documents (see gen.h).
 *
 *   rosterd-gen --scale small|eindhoven|region [--employers N --candidates M]
 *               --seed S --week 2026-W49 --out DIR */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static int usage(const char *argv0, int status) {
        fprintf(status ? stderr : stdout,
                "usage: %s --scale small|eindhoven|region [--employers N] [--candidates M]\n"
                "       [--seed S] [--week 2026-W49] --out DIR\n"
                "Writes config.yaml, shift-needs-*.yaml, timetable-*.yaml and candidates.yaml\n"
                "into DIR. The same options always give the same files.\n", argv0);
        return status;
}

static int parse_count(const char *text, int *ret) {
        char *end;
        long v;

        errno = 0;
        v = strtol(text, &end, 10);
        if (errno || end == text || *end || v < 1 || v > 9999)
                return -EINVAL;
        *ret = (int) v;
        return 0;
}

int main(int argc, char **argv) {
        rg_options opts = {.scale = RG_SCALE_SMALL, .seed = 1, .week = "2026-W49"};
        const char *out = NULL;
        char *err = NULL;
        int r;

        for (int i = 1; i < argc; i++) {
                const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

                if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
                        return usage(argv[0], 0);
                if (!val)
                        return usage(argv[0], 2);
                i++;
                if (strcmp(arg, "--scale") == 0) {
                        if (rg_scale_from_string(val, &opts.scale) < 0) {
                                fprintf(stderr, "%s: unknown scale \"%s\"\n", argv[0], val);
                                return 2;
                        }
                } else if (strcmp(arg, "--employers") == 0) {
                        if (parse_count(val, &opts.employers) < 0) {
                                fprintf(stderr, "%s: --employers wants 1..9999\n", argv[0]);
                                return 2;
                        }
                } else if (strcmp(arg, "--candidates") == 0) {
                        if (parse_count(val, &opts.candidates) < 0) {
                                fprintf(stderr, "%s: --candidates wants 1..9999\n", argv[0]);
                                return 2;
                        }
                } else if (strcmp(arg, "--seed") == 0) {
                        char *end;

                        errno = 0;
                        opts.seed = strtoull(val, &end, 10);
                        if (errno || end == val || *end) {
                                fprintf(stderr, "%s: --seed wants a number\n", argv[0]);
                                return 2;
                        }
                } else if (strcmp(arg, "--week") == 0) {
                        opts.week = val;
                } else if (strcmp(arg, "--out") == 0) {
                        out = val;
                } else {
                        return usage(argv[0], 2);
                }
        }
        if (!out)
                return usage(argv[0], 2);
        r = rg_generate(&opts, out, &err);
        if (r < 0) {
                fprintf(stderr, "%s: %s\n", argv[0], err ? err : strerror(-r));
                free(err);
                return 1;
        }
        return 0;
}
