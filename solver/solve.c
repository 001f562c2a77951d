/* solver/solve.c -- rs_solve(): validate, prepare, solve each component
 * under a GLPK guard, merge, explain. */
#include <errno.h>
#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "selfcheck.h"

/* Everything a solve allocates, reachable from one place so that the
 * GLPK error path (a longjmp out of GLPK) can free it all. */
typedef struct solve_ctx {
        jmp_buf jmp;
        const rs_problem *problem;
        rs_solve_opts opts;
        rs_clock clock;
        rs_prep prep;
        bool *chosen;
        bool *alt;                      /* the pattern master's best settled roster */
        rs_model *model;
        rs_master *master;
        rs_engine engine;
        rs_comp whole;                  /* every candidate and position, for write_lp */
        rs_goal_acc acc[_RS_GOAL_MAX];
        long rows;
        long columns;
        char *error;
} solve_ctx;

static int glpk_term_hook(void *info, const char *s) {
        (void) info;
        (void) s;
        /* GLPK writes nothing, ever: the caller owns stdout. */
        return 1;
}

static void glpk_error_hook(void *info) {
        solve_ctx *ctx = info;

        /* As in GLPK's examples/threads/multiseed.c: the environment is
         * unusable after an error; release it and unwind to rs_solve(). */
        glp_free_env();
        longjmp(ctx->jmp, 1);
}

static int cmp_size(const void *a, const void *b) {
        size_t x = *(const size_t *) a, y = *(const size_t *) b;

        return (x > y) - (x < y);
}

static int build_whole(solve_ctx *ctx) {
        const rs_prep *prep = &ctx->prep;
        size_t np = 0, nc = 0;

        ctx->whole.cands = malloc((ctx->problem->n_candidates + 1) * sizeof(size_t));
        ctx->whole.positions = malloc((ctx->problem->n_positions + 1) * sizeof(size_t));
        if (!ctx->whole.cands || !ctx->whole.positions)
                return -ENOMEM;
        for (size_t k = 0; k < prep->n_comps; k++) {
                memcpy(ctx->whole.cands + nc, prep->comps[k].cands, prep->comps[k].n_cands * sizeof(size_t));
                nc += prep->comps[k].n_cands;
                memcpy(ctx->whole.positions + np, prep->comps[k].positions,
                       prep->comps[k].n_positions * sizeof(size_t));
                np += prep->comps[k].n_positions;
        }
        qsort(ctx->whole.cands, nc, sizeof(size_t), cmp_size);
        qsort(ctx->whole.positions, np, sizeof(size_t), cmp_size);
        ctx->whole.n_cands = nc;
        ctx->whole.n_positions = np;
        ctx->whole.n_opts = prep->n_opts;
        return 0;
}

static void note_size(solve_ctx *ctx) {
        long rows, cols;

        rs_model_size(ctx->model, &rows, &cols);
        if (rows * 1000000L + cols > ctx->rows * 1000000L + ctx->columns) {
                ctx->rows = rows;
                ctx->columns = cols;
        }
}

/* Above this many options GLPK's simplex alone outlasts any sensible
 * time limit (docs/solver.md has the measurements); such components get
 * the heuristic's roster and bounds that need no LP. */
#define DIRECT_MAX_OPTIONS 20000
/* The largest component the pattern master works on. Its LPs grow with
 * the segments and candidates: on the benchmark's eindhoven weeks
 * (150,000-210,000 options in one component) and its region week (2.6
 * million) it never improved the roster, and its bound stayed far above
 * the Lagrangian one, in 25 % of a 60 s or 120 s solve; on small
 * components it proves what the Lagrangian bound cannot (people limits,
 * solver.cases test_pattern_bound_proves). */
#define MASTER_MAX_OPTIONS 100000
/* Above MASTER_MAX_OPTIONS the master still runs when the component's
 * work is at least this much per option. Its root column generation
 * proves the people limits (eindhoven seed 1: about 60 rounds, 3.9
 * billion units for 193,743 options, to a bound of about 81,000
 * uncovered against the Lagrangian 65,500), but the work it takes from
 * the local search costs roster quality until the limit is long: at
 * eindhoven seeds 1 and 2, --time-limit 240 gave bounds of 78,130 and
 * 49,628 instead of 65,614 and 39,653 but rosters 1.4 % and 2.2 % worse;
 * at 600 both the rosters and the bounds were better (docs/solver.md,
 * "What was tried", 12). About --time-limit 560 at eindhoven size. */
#define MASTER_UNITS_PER_OPTION 200000.0
/* The largest model opts.write_lp writes. */
#define WRITE_LP_MAX_OPTIONS 1000000

static bool use_direct(const solve_ctx *ctx, const rs_comp *comp) {
        switch (ctx->engine) {
        case RS_ENGINE_DIRECT:
                return true;
        case RS_ENGINE_HEURISTIC:
                return false;
        case RS_ENGINE_AUTO:
        default:
                return comp->n_opts <= DIRECT_MAX_OPTIONS;
        }
}

/* Bounds that hold for any roster of @comp, for the goals the heuristic
 * alone decided: no segment gets more people than its headcount or than
 * the candidates who can work it; nothing below zero. In the units of
 * rs_goal_acc (constants left out). One pass over the options. */
static int static_bounds(const solve_ctx *ctx, const rs_comp *comp, rs_goal_acc acc[static _RS_GOAL_MAX]) {
        const rs_prep *prep = &ctx->prep;
        const rs_problem *problem = ctx->problem;
        size_t n_flat = prep->shift_base[problem->n_positions], n_seg = 0, *base = NULL;
        int *able = NULL;
        size_t *stamp = NULL;
        int r = -ENOMEM;

        for (int g = 0; g < _RS_GOAL_MAX; g++)
                acc[g] = (rs_goal_acc) { .proven = false, .bound = 0 };
        base = calloc(n_flat + 1, sizeof(size_t));
        if (!base)
                goto out;
        for (size_t pi = 0; pi < problem->n_positions; pi++)
                for (size_t si = 0; si < problem->positions[pi].n_shifts; si++) {
                        base[prep->shift_base[pi] + si] = n_seg;
                        n_seg += problem->positions[pi].shifts[si].n_grid;
                }
        able = calloc(n_seg + 1, sizeof(int));
        stamp = malloc((n_seg + 1) * sizeof(size_t));
        if (!able || !stamp)
                goto out;
        for (size_t g = 0; g <= n_seg; g++)
                stamp[g] = RS_NO_INDEX;
        /* Distinct candidates able to work each segment. */
        for (size_t k = 0; k < comp->n_cands; k++) {
                size_t ci = comp->cands[k];

                for (size_t o = prep->cand_opt[ci]; o < prep->cand_opt[ci + 1]; o++) {
                        const rs_block *b = &prep->blocks[prep->opt_block[o]];
                        size_t at = base[prep->shift_base[b->position] + b->shift];

                        for (int g = b->first; g < b->last; g++)
                                if (stamp[at + (size_t) g] != ci) {
                                        stamp[at + (size_t) g] = ci;
                                        able[at + (size_t) g]++;
                                }
                }
        }
        for (size_t i = 0; i < comp->n_positions; i++) {
                size_t pi = comp->positions[i];
                const rs_position *p = &problem->positions[pi];

                for (size_t si = 0; si < p->n_shifts; si++) {
                        const rs_shift *s = &p->shifts[si];
                        size_t at = base[prep->shift_base[pi] + si];

                        for (size_t g = 0; g + 1 < s->n_grid; g++) {
                                int n = able[at + g] < s->headcount ? able[at + g] : s->headcount;

                                acc[RS_GOAL_COVERAGE].bound -= p->priority * n * (s->grid[g + 1] - s->grid[g]);
                        }
                }
        }
        for (size_t a = 0; problem->has_approved && a < problem->n_approved; a++) {
                const rs_approved_block *ab = &problem->approved[a];

                if (prep->pos_comp[ab->position] != RS_NO_INDEX &&
                    &prep->comps[prep->pos_comp[ab->position]] == comp)
                        acc[RS_GOAL_STABILITY].bound -= ab->end - ab->start;
        }
        r = 0;
out:
        free(base);
        free(able);
        free(stamp);
        return r;
}

static double round_covered(const solve_ctx *ctx, const rs_comp *comp, double bound);

/* Raises the coverage bound in @acc to slices.c's, when that is higher.
 * Computed without work counted (one pass over the options and a
 * matching per slice and day), so it changes no roster. */
static int slice_bound(const solve_ctx *ctx, const rs_comp *comp, rs_goal_acc acc[static _RS_GOAL_MAX]) {
        double covered;
        int r = rs_slice_bound(&ctx->prep, comp, &covered);

        if (r < 0)
                return r;
        covered = round_covered(ctx, comp, covered);
        if (covered < HUGE_VAL && -covered > acc[RS_GOAL_COVERAGE].bound)
                acc[RS_GOAL_COVERAGE].bound = -covered;
        return 0;
}

/* Priority-weighted minutes the roster in @chosen covers in @comp. */
static double covered_by(const solve_ctx *ctx, const rs_comp *comp, const bool *chosen) {
        const rs_prep *prep = &ctx->prep;
        double sum = 0;

        for (size_t i = 0; i < comp->n_cands; i++) {
                size_t ci = comp->cands[i];

                for (size_t o = prep->cand_opt[ci]; o < prep->cand_opt[ci + 1]; o++)
                        if (chosen[o]) {
                                const rs_block *b = &prep->blocks[prep->opt_block[o]];

                                sum += ctx->problem->positions[b->position].priority * (b->end - b->start);
                        }
        }
        return sum;
}

/* Priority-weighted minutes the roster in ctx->chosen covers in @comp. */
static double covered_now(const solve_ctx *ctx, const rs_comp *comp) {
        return covered_by(ctx, comp, ctx->chosen);
}

/* The roster of @comp in ctx->alt replaces the one in ctx->chosen. */
static void take_alt(solve_ctx *ctx, const rs_comp *comp) {
        const rs_prep *prep = &ctx->prep;

        for (size_t i = 0; i < comp->n_cands; i++) {
                size_t ci = comp->cands[i];

                for (size_t o = prep->cand_opt[ci]; o < prep->cand_opt[ci + 1]; o++)
                        ctx->chosen[o] = ctx->alt[o];
        }
}

/* A bound on covered minutes rounded down to what a roster can cover
 * when every position has the same priority (then covered minutes are
 * multiples of the gcd of the block lengths). */
static double round_covered(const solve_ctx *ctx, const rs_comp *comp, double bound) {
        const rs_prep *prep = &ctx->prep;
        const rs_problem *problem = ctx->problem;
        double prio = -1;
        bool same = true;
        long g = 0;

        if (bound == HUGE_VAL)
                return bound;
        for (size_t i = 0; i < comp->n_cands; i++) {
                size_t ci = comp->cands[i];

                for (size_t o = prep->cand_opt[ci]; o < prep->cand_opt[ci + 1]; o++) {
                        const rs_block *b = &prep->blocks[prep->opt_block[o]];
                        g = rs_gcd(g, b->end - b->start);
                        if (prio < 0)
                                prio = problem->positions[b->position].priority;
                        else if (problem->positions[b->position].priority != prio)
                                same = false;
                }
        }
        if (same && g > 0 && prio > 0) {
                double unit = prio * (double) g;

                bound = floor(bound / unit + 1e-6) * unit;
        }
        return bound;
}

/* The Lagrangian bound on goal 1 until the work reaches @bound_until,
 * collecting the patterns it prices; then, when the roster in
 * ctx->chosen is short of the bound, the pattern MIP over them until
 * @master_until, whose LP duals may tighten the bound (0: no budget). */
static int bound_and_patterns(solve_ctx *ctx, const rs_comp *comp, double bound_until,
                              double master_until, double polish_until, bool *alt, bool *ret_alt,
                              double *ret_covered_max) {
        double bound = HUGE_VAL, master_bound = HUGE_VAL;
        bool improved = false;
        int r;

        *ret_covered_max = HUGE_VAL;
        if (ret_alt)
                *ret_alt = false;
        ctx->master = rs_master_new(&ctx->prep, comp);
        if (!ctx->master)
                return -ENOMEM;
        r = rs_coverage_bound(&ctx->prep, comp, &ctx->clock, bound_until, 150, covered_now(ctx, comp),
                              rs_master_add_pattern, ctx->master, &bound);
        if (r < 0)
                return r;
        bound = round_covered(ctx, comp, bound);
        if (bound < HUGE_VAL && covered_now(ctx, comp) < bound - 1e-6) {
                if (ctx->clock.progress) {
                        char text[128];

                        snprintf(text, sizeof(text), "%zu candidates, %zu positions: %zu weekly patterns",
                                 comp->n_cands, comp->n_positions, rs_master_pool_size(ctx->master));
                        ctx->clock.progress(ctx->clock.progress_userdata, text);
                }
                r = rs_master_solve(ctx->master, &ctx->clock, master_until, polish_until, bound, ctx->chosen, alt, ret_alt,
                                    &improved, &master_bound);
                if (r < 0)
                        return r;
                master_bound = round_covered(ctx, comp, master_bound);
                if (master_bound < bound)
                        bound = master_bound;
        }
        ctx->master = rs_master_free(ctx->master, true);
        *ret_covered_max = bound;
        return 0;
}

/* The Lagrangian bound on goal 1 alone, until the work reaches @until. */
static int coverage_bound(solve_ctx *ctx, const rs_comp *comp, double until,
                          double *ret_covered_max) {
        double bound = HUGE_VAL;
        int r;

        r = rs_coverage_bound(&ctx->prep, comp, &ctx->clock, until, 150, covered_now(ctx, comp), NULL, NULL,
                              &bound);
        if (r < 0)
                return r;
        *ret_covered_max = round_covered(ctx, comp, bound);
        return 0;
}

/* The part that calls GLPK. A GLPK error longjmps out of here. */
static int solve_glpk(solve_ctx *ctx) {
        rs_prep *prep = &ctx->prep;
        size_t opts_left = prep->n_opts;
        int r;

        if (ctx->opts.write_lp) {
                /* At region scale the text alone would approach a gigabyte. */
                if (prep->n_opts > WRITE_LP_MAX_OPTIONS) {
                        ctx->error = rs_strdup_printf("the model has %zu columns, more than the %d an LP file "
                                                      "is written for", prep->n_opts, WRITE_LP_MAX_OPTIONS);
                        return -EFBIG;
                }
                r = build_whole(ctx);
                if (r < 0)
                        return r;
                ctx->model = rs_model_new(prep, &ctx->whole);
                if (!ctx->model)
                        return -ENOMEM;
                r = rs_model_build(ctx->model, true);
                if (r >= 0)
                        r = rs_model_write_lp(ctx->model, ctx->opts.write_lp);
                if (r < 0) {
                        if (r == -EIO)
                                ctx->error = rs_strdup_printf("cannot write the LP file %s",
                                                              ctx->opts.write_lp);
                        return r;
                }
                ctx->model = rs_model_free(ctx->model, true);
        }

        for (int g = 0; g < _RS_GOAL_MAX; g++)
                ctx->acc[g] = (rs_goal_acc) { .proven = true, .bound = 0 };
        for (size_t k = 0; k < prep->n_comps; k++) {
                const rs_comp *comp = &prep->comps[k];
                rs_goal_acc acc[_RS_GOAL_MAX];
                double units = 0, covered_max;

                if (ctx->clock.budget > 0) {
                        double left = ctx->clock.budget - ctx->clock.work;

                        /* A share of the work left, by size; never nothing,
                         * so a late component still gets its relaxation
                         * solved. Work, not seconds: the same on any
                         * machine (the wall clock only stops at the limit). */
                        units = left * (double) comp->n_opts / (double) (opts_left ? opts_left : 1);
                        if (units < 0.01 * RS_WORK_RATE)
                                units = 0.01 * RS_WORK_RATE;
                }
                opts_left -= comp->n_opts;
                if (ctx->clock.progress) {
                        char text[128];

                        snprintf(text, sizeof(text), "component %zu/%zu (%zu candidates, %zu positions): heuristic",
                                 k + 1, prep->n_comps, comp->n_cands, comp->n_positions);
                        ctx->clock.progress(ctx->clock.progress_userdata, text);
                }
                if (use_direct(ctx, comp)) {
                        double start = ctx->clock.work;
                        bool have_alt = false;

                        /* A first roster from the local search (a fixed number of
                         * rounds); goal 1 from the patterns until 7/10 of the work,
                         * the local search settling the master's rosters (into
                         * ctx->alt, until 8/10 at most); the local search again
                         * from the master's roster for the goals after it (until
                         * 8/10), and the better of that and ctx->alt (ties: the
                         * former); GLPK's direct model from it with what is left.
                         * The master's share was half: 7/10 lets the demo week's
                         * first dive end at --time-limit 2 (docs/solver.md, "What
                         * was tried", 11); where the master ends early the direct
                         * model gets what it leaves, as before. */
                        r = rs_heuristic(prep, comp, &ctx->clock, units > 0 ? start + units / 10 : 0, false,
                                         ctx->chosen);
                        if (r < 0)
                                return r;
                        r = bound_and_patterns(ctx, comp, units > 0 ? ctx->clock.work + units / 10 : 0,
                                               units > 0 ? start + units * 0.7 : 0, units > 0 ? start + units * 0.8 : 0,
                                               ctx->alt, &have_alt, &covered_max);
                        if (r < 0)
                                return r;
                        r = rs_heuristic(prep, comp, &ctx->clock, units > 0 ? start + units * 0.8 : 0, false,
                                         ctx->chosen);
                        if (r < 0)
                                return r;
                        if (have_alt && covered_by(ctx, comp, ctx->alt) > covered_now(ctx, comp) + 1e-6)
                                take_alt(ctx, comp);
                        ctx->model = rs_model_new(prep, comp);
                        if (!ctx->model)
                                return -ENOMEM;
                        r = rs_model_build(ctx->model, false);
                        if (r < 0)
                                return r;
                        rs_model_set_coverage_bound(ctx->model, covered_max);
                        if (units > 0) {
                                units -= ctx->clock.work - start;
                                if (units < 0.01 * RS_WORK_RATE)
                                        units = 0.01 * RS_WORK_RATE;
                        }
                        r = rs_model_solve(ctx->model, &ctx->clock, units, k, prep->n_comps, ctx->chosen, acc);
                        if (r < 0)
                                return r;
                        r = slice_bound(ctx, comp, acc);
                        if (r < 0)
                                return r;
                        note_size(ctx);
                        ctx->model = rs_model_free(ctx->model, true);
                } else {
                        double start = ctx->clock.work;

                        /* A roster, the bound with its patterns, the pattern
                         * MIP, and the local search again from its roster for
                         * the goals after coverage. Above MASTER_MAX_OPTIONS,
                         * unless the work is large enough for the master's
                         * root, the bound alone, and the local search gets
                         * the pattern MIP's work. */
                        bool master = comp->n_opts <= MASTER_MAX_OPTIONS ||
                                      units >= MASTER_UNITS_PER_OPTION * (double) comp->n_opts;

                        r = rs_heuristic(prep, comp, &ctx->clock, units > 0 ? start + units * 0.4 : 0, true,
                                         ctx->chosen);
                        if (r < 0)
                                return r;
                        r = static_bounds(ctx, comp, acc);
                        if (r < 0)
                                return r;
                        if (master)
                                r = bound_and_patterns(ctx, comp, units > 0 ? start + units * 0.55 : 0,
                                                       units > 0 ? start + units * 0.8 : 0, 0, NULL, NULL,
                                                       &covered_max);
                        else
                                r = coverage_bound(ctx, comp, units > 0 ? start + units * 0.55 : 0,
                                                   &covered_max);
                        if (r < 0)
                                return r;
                        r = rs_heuristic(prep, comp, &ctx->clock, units > 0 ? start + units : 0, true,
                                         ctx->chosen);
                        if (r < 0)
                                return r;
                        if (covered_max < HUGE_VAL && -covered_max > acc[RS_GOAL_COVERAGE].bound)
                                acc[RS_GOAL_COVERAGE].bound = -covered_max;
                        r = slice_bound(ctx, comp, acc);
                        if (r < 0)
                                return r;
                }
                for (int g = 0; g < _RS_GOAL_MAX; g++) {
                        ctx->acc[g].proven = ctx->acc[g].proven && acc[g].proven;
                        ctx->acc[g].bound += acc[g].bound;
                }
        }
        return 0;
}

static int cmp_assignment(const void *a, const void *b) {
        const rs_assignment *x = a, *y = b;

        if (x->shift != y->shift)
                return x->shift < y->shift ? -1 : 1;
        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        if (x->candidate != y->candidate)
                return x->candidate < y->candidate ? -1 : 1;
        return (x->end > y->end) - (x->end < y->end);
}

/* Assignments, people, covered minutes, candidate totals. */
static int fill_plans(solve_ctx *ctx, rs_solution *sol) {
        const rs_problem *problem = ctx->problem;
        const rs_prep *prep = &ctx->prep;
        bool (*days)[RS_DAYS_PER_WEEK] = NULL;
        bool *seen = NULL;

        sol->positions = calloc(problem->n_positions + 1, sizeof(rs_position_plan));
        sol->candidates = calloc(problem->n_candidates + 1, sizeof(rs_candidate_total));
        days = calloc(problem->n_candidates + 1, sizeof(*days));
        seen = calloc(problem->n_candidates + 1, sizeof(bool));
        if (!sol->positions || !sol->candidates || !days || !seen)
                goto oom;
        sol->n_positions = problem->n_positions;
        sol->n_candidates = problem->n_candidates;

        for (size_t o = 0; ctx->chosen && o < prep->n_opts; o++)
                if (ctx->chosen[o])
                        sol->positions[prep->blocks[prep->opt_block[o]].position].n_assignments++;
        for (size_t pi = 0; pi < problem->n_positions; pi++) {
                rs_position_plan *plan = &sol->positions[pi];

                plan->required_minutes = prep->pos_required[pi];
                plan->assignments = calloc(plan->n_assignments + 1, sizeof(rs_assignment));
                if (!plan->assignments)
                        goto oom;
                plan->n_assignments = 0;
        }
        for (size_t o = 0; ctx->chosen && o < prep->n_opts; o++) {
                const rs_block *b;
                rs_position_plan *plan;
                size_t ci = prep->opt_cand[o];

                if (!ctx->chosen[o])
                        continue;
                b = &prep->blocks[prep->opt_block[o]];
                plan = &sol->positions[b->position];
                plan->assignments[plan->n_assignments++] = (rs_assignment) {
                        .shift = b->shift,
                        .start = b->start,
                        .end = b->end,
                        .candidate = ci,
                };
                sol->candidates[ci].paid_minutes += b->paid;
                days[ci][b->day] = true;
        }
        for (size_t pi = 0; pi < problem->n_positions; pi++) {
                rs_position_plan *plan = &sol->positions[pi];
                const rs_position *p = &problem->positions[pi];
                size_t n = 0;

                qsort(plan->assignments, plan->n_assignments, sizeof(rs_assignment), cmp_assignment);
                for (size_t i = 0; i < plan->n_assignments; i++)
                        seen[plan->assignments[i].candidate] = true;
                plan->people = calloc(plan->n_assignments + 1, sizeof(size_t));
                if (!plan->people)
                        goto oom;
                for (size_t ci = 0; ci < problem->n_candidates; ci++)
                        if (seen[ci]) {
                                plan->people[n++] = ci;
                                seen[ci] = false;
                        }
                plan->n_people = n;
                /* Rule 7 caps every segment at its headcount, so the covered
                 * minutes are the minutes of the blocks. */
                for (size_t i = 0; i < plan->n_assignments; i++)
                        plan->covered_minutes += plan->assignments[i].end - plan->assignments[i].start;
                (void) p;
        }
        for (size_t ci = 0; ci < problem->n_candidates; ci++) {
                const rs_candidate *c = &problem->candidates[ci];

                sol->candidates[ci].paid_minutes += prep->cands[ci].commit_paid;
                for (size_t i = 0; i < c->n_commitments; i++)
                        if (c->commitments[i].day >= 0)
                                days[ci][c->commitments[i].day] = true;
                for (int d = 0; d < RS_DAYS_PER_WEEK; d++)
                        sol->candidates[ci].days += days[ci][d];
        }
        free(days);
        free(seen);
        return 0;
oom:
        free(days);
        free(seen);
        return -ENOMEM;
}

/* The goal values of the roster itself, computed from the assignments. */
static void goal_values(const solve_ctx *ctx, const rs_solution *sol, double value[static _RS_GOAL_MAX],
                        double constant[static _RS_GOAL_MAX]) {
        const rs_problem *problem = ctx->problem;
        const rs_prep *prep = &ctx->prep;

        for (int g = 0; g < _RS_GOAL_MAX; g++)
                value[g] = constant[g] = 0;
        for (size_t pi = 0; pi < problem->n_positions; pi++) {
                const rs_position *p = &problem->positions[pi];
                const rs_position_plan *plan = &sol->positions[pi];

                constant[RS_GOAL_COVERAGE] += p->priority * (double) plan->required_minutes;
                value[RS_GOAL_COVERAGE] +=
                        p->priority * (double) (plan->required_minutes - plan->covered_minutes);
                value[RS_GOAL_PEOPLE] += (double) plan->n_people;
                /* Handovers: at each interior grid point, min(ending, starting). */
                for (size_t si = 0; si < p->n_shifts; si++) {
                        const rs_shift *s = &p->shifts[si];

                        for (size_t g = 1; g + 1 < s->n_grid; g++) {
                                int e = 0, st = 0;

                                for (size_t i = 0; i < plan->n_assignments; i++) {
                                        const rs_assignment *a = &plan->assignments[i];

                                        if (a->shift != si)
                                                continue;
                                        e += a->end == s->grid[g];
                                        st += a->start == s->grid[g];
                                }
                                value[RS_GOAL_HANDOVERS] += e < st ? e : st;
                        }
                }
        }
        if (problem->has_approved)
                for (size_t i = 0; i < problem->n_approved; i++) {
                        const rs_approved_block *ab = &problem->approved[i];
                        const rs_position_plan *plan = &sol->positions[ab->position];
                        long kept = 0;

                        constant[RS_GOAL_STABILITY] += ab->end - ab->start;
                        for (size_t k = 0; k < plan->n_assignments; k++) {
                                const rs_assignment *a = &plan->assignments[k];
                                int s = a->start > ab->start ? a->start : ab->start;
                                int e = a->end < ab->end ? a->end : ab->end;

                                if (a->candidate == ab->candidate && e > s)
                                        kept += e - s;
                        }
                        value[RS_GOAL_STABILITY] += (double) (ab->end - ab->start - kept);
                }
        for (size_t ci = 0; ci < problem->n_candidates; ci++) {
                const rs_candidate *c = &problem->candidates[ci];
                int paid = sol->candidates[ci].paid_minutes;
                bool modelled = prep->cand_opt[ci + 1] > prep->cand_opt[ci];

                if (c->hours_min > paid)
                        value[RS_GOAL_SHORTFALL_MIN] += c->hours_min - paid;
                if (c->hours_target > paid)
                        value[RS_GOAL_SHORTFALL_TARGET] += c->hours_target - paid;
                /* A candidate with no options keeps the shortfall it has. */
                if (!modelled) {
                        if (c->hours_min > paid)
                                constant[RS_GOAL_SHORTFALL_MIN] += c->hours_min - paid;
                        if (c->hours_target > paid)
                                constant[RS_GOAL_SHORTFALL_TARGET] += c->hours_target - paid;
                }
        }
}

static void fill_goals(solve_ctx *ctx, rs_solution *sol) {
        double value[_RS_GOAL_MAX], constant[_RS_GOAL_MAX];
        bool all = true;

        goal_values(ctx, sol, value, constant);
        for (int g = 0; g < _RS_GOAL_MAX; g++) {
                rs_goal_result *gr = &sol->goals[g];
                double bound = constant[g] + ctx->acc[g].bound;

                if (g == RS_GOAL_STABILITY && !ctx->problem->has_approved) {
                        *gr = (rs_goal_result) { .solved = false };
                        continue;
                }
                /* Float noise from weighted coverage must not read as a gap. */
                if (fabs(value[g]) < 1e-9)
                        value[g] = 0;
                gr->solved = true;
                gr->value = value[g];
                /* A roster that meets a bound is proven, however it was found. */
                gr->proven = ctx->acc[g].proven || bound >= value[g] - 1e-9 * (1 + fabs(value[g]));
                if (gr->proven || bound > value[g]) {
                        gr->bound = value[g];
                        gr->gap = 0;
                } else {
                        gr->bound = bound;
                        gr->gap = (value[g] - bound) / (fabs(value[g]) + 1e-12);
                        if (gr->gap > 1)
                                gr->gap = 1;
                }
                all = all && gr->proven;
        }
        sol->status = all ? RS_STATUS_OPTIMAL : RS_STATUS_FEASIBLE;
}

static void ctx_done(solve_ctx *ctx, bool glpk_alive) {
        ctx->model = rs_model_free(ctx->model, glpk_alive);
        rs_prep_done(&ctx->prep);
        free(ctx->chosen);
        free(ctx->alt);
        free(ctx->whole.cands);
        free(ctx->whole.positions);
        free(ctx->error);
        free(ctx);
}

/* Runs @fn with GLPK silenced and its errors caught: a GLPK error
 * longjmps back here (after glp_free_env() in the hook) and becomes -EIO;
 * the model GLPK owned parts of is freed without touching GLPK. Either
 * way no GLPK state outlives the call. */
static int guarded(solve_ctx *ctx, int (*fn)(solve_ctx *ctx)) {
        int r;

        if (setjmp(ctx->jmp)) {
                ctx->model = rs_model_free(ctx->model, false);
                ctx->master = rs_master_free(ctx->master, false);
                return -EIO;
        }
        glp_term_hook(glpk_term_hook, NULL);
        glp_error_hook(glpk_error_hook, ctx);
        glp_term_out(GLP_OFF);
        r = fn(ctx);
        ctx->model = rs_model_free(ctx->model, true);
        ctx->master = rs_master_free(ctx->master, true);
        glp_error_hook(NULL, NULL);
        glp_term_hook(NULL, NULL);
        glp_free_env();
        return r;
}

/* A GLPK call that is an error (a column that does not exist). */
static int misuse_glpk(solve_ctx *ctx) {
        glp_prob *lp = glp_create_prob();

        (void) ctx;
        glp_add_cols(lp, 1);
        glp_set_col_bnds(lp, 2, GLP_FX, 0, 0);
        glp_delete_prob(lp);
        return 0;
}

int rs_glpk_guard_check(void) {
        solve_ctx *ctx = calloc(1, sizeof(*ctx));
        int r;

        if (!ctx)
                return -ENOMEM;
        r = guarded(ctx, misuse_glpk);
        ctx_done(ctx, false);
        return r;
}

static int fail_with(char **reterr_message, int r, char *msg) {
        if (!msg && r == -ENOMEM)
                msg = rs_strdup_printf("out of memory");
        if (reterr_message)
                *reterr_message = msg;
        else
                free(msg);
        return r;
}

static int infeasible_solution(solve_ctx *ctx, char *reason, rs_solution **ret) {
        rs_solution *sol = calloc(1, sizeof(*sol));
        int r;

        if (!sol) {
                free(reason);
                return -ENOMEM;
        }
        sol->status = RS_STATUS_INFEASIBLE;
        sol->infeasible_reason = reason;
        /* Nothing is planned: the positions show what was asked, nothing more. */
        free(ctx->chosen);
        ctx->chosen = NULL;
        r = fill_plans(ctx, sol);
        if (r < 0) {
                rs_solution_free(sol);
                return r;
        }
        sol->seconds = rs_now() - ctx->clock.start;
        *ret = sol;
        return 0;
}

int rs_solve(const rs_problem *problem, const rs_solve_opts *opts, rs_solution **ret_solution,
             char **reterr_message) {
        return rs_solve_engine(problem, opts, RS_ENGINE_AUTO, ret_solution, reterr_message);
}

int rs_solve_engine(const rs_problem *problem, const rs_solve_opts *opts, rs_engine engine,
                    rs_solution **ret_solution, char **reterr_message) {
        return rs_solve_tuned(problem, opts, engine, NULL, ret_solution, reterr_message);
}

int rs_solve_tuned(const rs_problem *problem, const rs_solve_opts *opts, rs_engine engine,
                   const rs_tuning *tuning, rs_solution **ret_solution, char **reterr_message) {
        double rate = tuning && tuning->work_rate > 0 ? tuning->work_rate : RS_WORK_RATE;
        solve_ctx *ctx;
        rs_solution *sol = NULL;
        char *msg = NULL;
        double start = rs_now();
        int r;

        if (!ret_solution)
                return fail_with(reterr_message, -EINVAL, rs_strdup_printf("no place for the solution"));
        r = rs_problem_validate(problem, &msg);
        if (r < 0)
                return fail_with(reterr_message, r, msg);
        if (opts && (!isfinite(opts->time_limit) || opts->time_limit < 0 || !isfinite(opts->mip_gap) ||
                     opts->mip_gap < 0))
                return fail_with(reterr_message, -EINVAL,
                                 rs_strdup_printf("time limit and gap must be finite and not negative"));

        ctx = calloc(1, sizeof(*ctx));
        if (!ctx)
                return fail_with(reterr_message, -ENOMEM, NULL);
        ctx->problem = problem;
        ctx->engine = engine;
        if (opts)
                ctx->opts = *opts;
        ctx->clock = (rs_clock) {
                .start = start,
                .limit = ctx->opts.time_limit,
                .mip_gap = ctx->opts.mip_gap,
                .progress = ctx->opts.progress,
                .progress_userdata = ctx->opts.progress_userdata,
                /* Every budget is work: the limit's seconds at the
                 * reference machine's rate (docs/solver.md). */
                .budget = ctx->opts.time_limit * rate,
                .clock_scale = tuning && tuning->clock_scale > 0 ? tuning->clock_scale : 1,
        };

        r = rs_prep_build(&ctx->prep, problem);
        if (r == -E2BIG) {
                ctx_done(ctx, true);
                return fail_with(reterr_message, -EINVAL,
                                 rs_strdup_printf("handover grids too fine: more than 4 million blocks"));
        }
        if (r < 0)
                goto fail;
        r = rs_prep_check_commitments(&ctx->prep, &msg);
        if (r < 0)
                goto fail;
        if (msg) {
                r = infeasible_solution(ctx, msg, &sol);
                if (r < 0)
                        goto fail;
                ctx_done(ctx, true);
                *ret_solution = sol;
                return 0;
        }
        ctx->chosen = calloc(ctx->prep.n_opts + 1, sizeof(bool));
        ctx->alt = calloc(ctx->prep.n_opts + 1, sizeof(bool));
        if (!ctx->chosen || !ctx->alt) {
                r = -ENOMEM;
                goto fail;
        }

        r = guarded(ctx, solve_glpk);
        if (r == -EIO && !ctx->error)
                ctx->error = rs_strdup_printf("GLPK failed");
        if (r < 0)
                goto fail;

        sol = calloc(1, sizeof(*sol));
        if (!sol) {
                r = -ENOMEM;
                goto fail;
        }
        r = fill_plans(ctx, sol);
        if (r >= 0)
                r = rs_explain(&ctx->prep, ctx->chosen, sol);
        if (r < 0) {
                rs_solution_free(sol);
                goto fail;
        }
        fill_goals(ctx, sol);
        sol->rows = ctx->rows;
        sol->columns = ctx->columns;
        sol->work = ctx->clock.work;
        sol->work_budget = ctx->clock.budget;
        sol->clock_stopped = ctx->clock.clock_stopped;
        /* Whatever engine made it, a roster that breaks a hard rule never
         * leaves the solver. */
        r = rs_selfcheck(problem, sol, &ctx->error);
        if (r < 0) {
                rs_solution_free(sol);
                goto fail;
        }
        sol->seconds = rs_now() - start;
        ctx_done(ctx, true);
        *ret_solution = sol;
        return 0;

fail:
        msg = ctx->error;
        ctx->error = NULL;
        ctx_done(ctx, true);
        return fail_with(reterr_message, r, msg);
}
