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

/* Everything a solve allocates, reachable from one place so that the
 * GLPK error path (a longjmp out of GLPK) can free it all. */
typedef struct solve_ctx {
        jmp_buf jmp;
        const rs_problem *problem;
        rs_solve_opts opts;
        rs_clock clock;
        rs_prep prep;
        bool *chosen;
        rs_model *model;
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

/* The part that calls GLPK. A GLPK error longjmps out of here. */
static int solve_glpk(solve_ctx *ctx) {
        rs_prep *prep = &ctx->prep;
        size_t opts_left = prep->n_opts;
        int r;

        if (ctx->opts.write_lp) {
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
                double seconds = 0;

                if (ctx->clock.limit > 0) {
                        double left = ctx->clock.start + ctx->clock.limit - rs_now();

                        /* A share of what is left, by size; never nothing, so a
                         * late component still gets its relaxation solved. */
                        seconds = left * (double) comp->n_opts / (double) (opts_left ? opts_left : 1);
                        if (seconds < 0.01)
                                seconds = 0.01;
                }
                opts_left -= comp->n_opts;
                ctx->model = rs_model_new(prep, comp);
                if (!ctx->model)
                        return -ENOMEM;
                r = rs_model_build(ctx->model, false);
                if (r < 0)
                        return r;
                r = rs_model_solve(ctx->model, &ctx->clock, seconds, k, prep->n_comps, ctx->chosen, acc);
                if (r < 0)
                        return r;
                note_size(ctx);
                ctx->model = rs_model_free(ctx->model, true);
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
                gr->proven = ctx->acc[g].proven;
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
        free(ctx->whole.cands);
        free(ctx->whole.positions);
        free(ctx->error);
        free(ctx);
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
        if (opts)
                ctx->opts = *opts;
        ctx->clock = (rs_clock) {
                .start = start,
                .limit = ctx->opts.time_limit,
                .mip_gap = ctx->opts.mip_gap,
                .progress = ctx->opts.progress,
                .progress_userdata = ctx->opts.progress_userdata,
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
        if (!ctx->chosen) {
                r = -ENOMEM;
                goto fail;
        }

        if (setjmp(ctx->jmp)) {
                /* GLPK failed; glp_free_env() already ran in the hook. */
                ctx_done(ctx, false);
                return fail_with(reterr_message, -EIO, rs_strdup_printf("GLPK failed"));
        }
        glp_term_hook(glpk_term_hook, NULL);
        glp_error_hook(glpk_error_hook, ctx);
        glp_term_out(GLP_OFF);
        r = solve_glpk(ctx);
        ctx->model = rs_model_free(ctx->model, true);
        glp_error_hook(NULL, NULL);
        glp_term_hook(NULL, NULL);
        /* No GLPK state outlives the call. */
        glp_free_env();
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
