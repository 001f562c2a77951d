/* tests/solver/bench_solver.c -- times rs_solve() on generated weeks.
 * Not a test: prints numbers. Usage: bench-solver SEED EMPLOYERS
 * POSITIONS_PER CANDIDATES [TIME_LIMIT] [-v] */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "tb.h"
#include "internal.h"

static double now(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static void progress(void *userdata, const char *what) {
        static double t0;

        (void) userdata;
        if (t0 == 0)
                t0 = now();
        fprintf(stderr, "  %8.3f %s\n", now() - t0, what);
}

int main(int argc, char **argv) {
        rs_solve_opts opts = { 0 };
        rs_engine engine = RS_ENGINE_AUTO;
        rs_problem *p;
        rs_solution *s = NULL;
        char *err = NULL;
        size_t assigned = 0, gaps = 0;
        long req = 0, cov = 0;
        int r;

        if (argc < 5) {
                fprintf(stderr, "usage: %s SEED EMPLOYERS POSITIONS_PER CANDIDATES [LIMIT] [-v] [--lp=FILE] [--direct|--heuristic]\n", argv[0]);
                return 2;
        }
        p = tb_random((unsigned) atoi(argv[1]), (size_t) atoi(argv[2]), (size_t) atoi(argv[3]),
                      (size_t) atoi(argv[4]));
        if (argc > 5)
                opts.time_limit = atof(argv[5]);
        for (int i = 6; i < argc; i++) {
                if (strcmp(argv[i], "-v") == 0)
                        opts.progress = progress;
                else if (strncmp(argv[i], "--lp=", 5) == 0)
                        opts.write_lp = argv[i] + 5;
                else if (strcmp(argv[i], "--direct") == 0)
                        engine = RS_ENGINE_DIRECT;
                else if (strcmp(argv[i], "--heuristic") == 0)
                        engine = RS_ENGINE_HEURISTIC;
        }
        r = rs_solve_engine(p, &opts, engine, &s, &err);
        if (r < 0) {
                fprintf(stderr, "rs_solve: %d %s\n", r, err ? err : "");
                return 1;
        }
        for (size_t i = 0; i < s->n_positions; i++) {
                assigned += s->positions[i].n_assignments;
                gaps += s->positions[i].n_uncovered;
                req += s->positions[i].required_minutes;
                cov += s->positions[i].covered_minutes;
        }
        printf("status %s seconds %.3f rows %ld cols %ld assignments %zu gaps %zu covered %ld/%ld violations %d\n",
               rs_status_to_string(s->status), s->seconds, s->rows, s->columns, assigned, gaps, cov, req,
               tb_violations(p, s, true));
        for (int g = 0; g < _RS_GOAL_MAX; g++)
                printf("  %-16s %s value %.1f bound %.1f gap %.4f\n", rs_goal_to_string((rs_goal) g),
                       s->goals[g].proven ? "proven" : "open  ", s->goals[g].value, s->goals[g].bound,
                       s->goals[g].gap);
        rs_solution_free(s);
        rs_problem_free(p);
        return 0;
}
