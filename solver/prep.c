/* solver/prep.c -- everything static: blocks, what commitments use up,
 * the options each candidate has, and the independent components. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A finer grid than this is not a roster any more; refuse it rather than
 * exhaust memory. */
#define MAX_BLOCKS ((size_t) 4000000)

bool rs_candidate_placed(const rs_problem *problem, const rs_candidate *c, size_t employer) {
        (void) problem;
        if (c->any_employer)
                return true;
        for (size_t k = 0; k < c->n_employers; k++)
                if (c->employers[k] == employer)
                        return true;
        return false;
}

size_t rs_candidate_missing_skill(const rs_problem *problem, const rs_candidate *c,
                                  const rs_position *p) {
        (void) problem;
        for (size_t i = 0; i < p->n_skills; i++) {
                bool has = false;

                for (size_t k = 0; k < c->n_skills && !has; k++)
                        has = c->skills[k] == p->skills[i];
                if (!has)
                        return p->skills[i];
        }
        return RS_NO_INDEX;
}

bool rs_block_structural(const rs_problem *problem, const rs_position *p, const rs_shift *s,
                         int first, int last) {
        int len;

        if (first < 0 || last <= first || (size_t) last >= s->n_grid)
                return false;
        len = s->grid[last] - s->grid[first];
        if (len > problem->rules.max_shift)
                return false;
        /* SPEC §10.3: shorter than min_block only as the whole shift. */
        if (len < p->min_block && !(first == 0 && (size_t) last == s->n_grid - 1))
                return false;
        return true;
}

static int build_blocks(rs_prep *prep) {
        const rs_problem *problem = prep->problem;
        size_t n_flat = 0, n = 0, cap = 0, flat = 0;

        prep->shift_base = calloc(problem->n_positions + 1, sizeof(size_t));
        if (!prep->shift_base)
                return -ENOMEM;
        for (size_t pi = 0; pi < problem->n_positions; pi++) {
                prep->shift_base[pi] = n_flat;
                n_flat += problem->positions[pi].n_shifts;
        }
        prep->shift_base[problem->n_positions] = n_flat;
        prep->shift_block = calloc(n_flat + 1, sizeof(size_t));
        prep->pos_limit = calloc(problem->n_positions + 1, sizeof(int));
        prep->pos_required = calloc(problem->n_positions + 1, sizeof(long));
        if (!prep->shift_block || !prep->pos_limit || !prep->pos_required)
                return -ENOMEM;

        for (size_t pi = 0; pi < problem->n_positions; pi++) {
                const rs_position *p = &problem->positions[pi];
                int max_head = 0;

                for (size_t si = 0; si < p->n_shifts; si++, flat++) {
                        const rs_shift *s = &p->shifts[si];

                        prep->shift_block[flat] = n;
                        if (s->headcount > max_head)
                                max_head = s->headcount;
                        prep->pos_required[pi] += (long) s->headcount * (s->end - s->start);
                        for (size_t a = 0; a + 1 < s->n_grid; a++)
                                for (size_t b = a + 1; b < s->n_grid; b++) {
                                        rs_block *blk;

                                        if (!rs_block_structural(problem, p, s, (int) a, (int) b))
                                                continue;
                                        if (n == cap) {
                                                size_t ncap = cap ? cap * 2 : 256;
                                                rs_block *nb;

                                                if (n >= MAX_BLOCKS)
                                                        return -E2BIG;
                                                nb = realloc(prep->blocks, ncap * sizeof(*nb));
                                                if (!nb)
                                                        return -ENOMEM;
                                                prep->blocks = nb;
                                                cap = ncap;
                                        }
                                        blk = &prep->blocks[n++];
                                        *blk = (rs_block) {
                                                .position = pi,
                                                .shift = si,
                                                .first = (int) a,
                                                .last = (int) b,
                                                .start = s->grid[a],
                                                .end = s->grid[b],
                                                .day = s->day,
                                                .paid = rs_rules_paid_minutes(&problem->rules,
                                                                              s->grid[b] - s->grid[a]),
                                        };
                                }
                }
                prep->pos_limit[pi] = p->max_people * max_head;
        }
        prep->shift_block[n_flat] = n;
        prep->n_blocks = n;
        return 0;
}

static void build_cands(rs_prep *prep) {
        const rs_problem *problem = prep->problem;

        for (size_t ci = 0; ci < problem->n_candidates; ci++) {
                const rs_candidate *c = &problem->candidates[ci];
                rs_cand *k = &prep->cands[ci];

                k->cap = c->hours_max < problem->rules.max_week ? c->hours_max : problem->rules.max_week;
                for (size_t i = 0; i < c->n_commitments; i++) {
                        const rs_commitment *cm = &c->commitments[i];

                        if (cm->day < 0)
                                continue;
                        k->commit_paid += rs_rules_paid_minutes(&problem->rules, cm->end - cm->start);
                        k->commit_blocks[cm->day]++;
                        if (!k->commit_day[cm->day]) {
                                k->commit_day[cm->day] = true;
                                k->commit_days++;
                        }
                }
                k->left = k->cap - k->commit_paid;
                k->days_left = c->max_days - k->commit_days;
        }
}

typedef struct forbid {
        int start;
        int end;
} forbid;

typedef struct opt_buf {
        size_t *cand;
        size_t *block;
        size_t n;
        size_t cap;
} opt_buf;

static int opt_push(opt_buf *o, size_t cand, size_t block) {
        if (o->n == o->cap) {
                size_t ncap = o->cap ? o->cap * 2 : 1024;
                size_t *a = realloc(o->cand, ncap * sizeof(size_t));

                if (!a)
                        return -ENOMEM;
                o->cand = a;
                a = realloc(o->block, ncap * sizeof(size_t));
                if (!a)
                        return -ENOMEM;
                o->block = a;
                o->cap = ncap;
        }
        o->cand[o->n] = cand;
        o->block[o->n] = block;
        o->n++;
        return 0;
}

/* The options of candidate @ci on shift @si of position @pi. A block
 * [a, b) is allowed when no forbidden interval [fs, fe) meets it, i.e.
 * when b <= min{fs : fe > a} (and a itself is not inside one). */
static int shift_options(rs_prep *prep, size_t ci, size_t pi, size_t si, forbid **fbuf,
                         size_t *fcap, opt_buf *out) {
        const rs_problem *problem = prep->problem;
        const rs_candidate *c = &problem->candidates[ci];
        const rs_position *p = &problem->positions[pi];
        const rs_shift *s = &p->shifts[si];
        const rs_cand *k = &prep->cands[ci];
        int employer_place = problem->employers[p->employer].place;
        int min_rest = problem->rules.min_rest;
        size_t flat = prep->shift_base[pi] + si, nf = 0;
        size_t need = c->n_classes + c->n_unavailable + c->n_commitments;

        if (k->commit_blocks[s->day] >= problem->rules.max_blocks_per_day)
                return 0;
        if (!k->commit_day[s->day] && k->days_left <= 0)
                return 0;
        if (need > *fcap) {
                forbid *nb = realloc(*fbuf, need * sizeof(forbid));

                if (!nb)
                        return -ENOMEM;
                *fbuf = nb;
                *fcap = need;
        }
        for (size_t i = 0; i < c->n_classes; i++) {
                const rs_class_session *cs = &c->classes[i];
                int t = rs_problem_travel(problem, cs->place, employer_place);

                (*fbuf)[nf++] = (forbid) { cs->start - t, cs->end + t };
        }
        for (size_t i = 0; i < c->n_unavailable; i++)
                (*fbuf)[nf++] = (forbid) { c->unavailable[i].start, c->unavailable[i].end };
        for (size_t i = 0; i < c->n_commitments; i++) {
                const rs_commitment *cm = &c->commitments[i];

                /* Same working day: only no overlap. Any other day, incl. the
                 * previous week: the rest rule, which also forbids overlap. */
                if (cm->day == s->day)
                        (*fbuf)[nf++] = (forbid) { cm->start, cm->end };
                else
                        (*fbuf)[nf++] = (forbid) { cm->start - min_rest, cm->end + min_rest };
        }

        for (size_t b = prep->shift_block[flat]; b < prep->shift_block[flat + 1]; b++) {
                const rs_block *blk = &prep->blocks[b];
                bool ok = blk->paid <= k->left;

                for (size_t f = 0; f < nf && ok; f++)
                        if (rs_overlaps(blk->start, blk->end, (*fbuf)[f].start, (*fbuf)[f].end) ||
                            ((*fbuf)[f].start == (*fbuf)[f].end && blk->start < (*fbuf)[f].start &&
                             (*fbuf)[f].start < blk->end))
                                ok = false;
                if (ok) {
                        int r = opt_push(out, ci, b);

                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static size_t uf_find(size_t *parent, size_t x) {
        while (parent[x] != x) {
                parent[x] = parent[parent[x]];
                x = parent[x];
        }
        return x;
}

static void uf_union(size_t *parent, size_t a, size_t b) {
        a = uf_find(parent, a);
        b = uf_find(parent, b);
        /* The smaller root wins, so components are named deterministically. */
        if (a < b)
                parent[b] = a;
        else if (b < a)
                parent[a] = b;
}

static int build_components(rs_prep *prep) {
        const rs_problem *problem = prep->problem;
        size_t nc = problem->n_candidates, np = problem->n_positions;
        size_t *parent = NULL, *comp_of_root = NULL, *count_c = NULL, *count_p = NULL;
        bool *has_opt = NULL;
        int r = -ENOMEM;

        parent = malloc((nc + np + 1) * sizeof(size_t));
        comp_of_root = malloc((nc + np + 1) * sizeof(size_t));
        has_opt = calloc(nc + np + 1, sizeof(bool));
        prep->pos_comp = malloc((np + 1) * sizeof(size_t));
        if (!parent || !comp_of_root || !has_opt || !prep->pos_comp)
                goto out;
        /* Positions first, so a root is the smallest position of its set. */
        for (size_t i = 0; i < nc + np; i++) {
                parent[i] = i;
                comp_of_root[i] = RS_NO_INDEX;
        }
        for (size_t o = 0; o < prep->n_opts; o++) {
                size_t pi = prep->blocks[prep->opt_block[o]].position;

                uf_union(parent, pi, np + prep->opt_cand[o]);
                has_opt[pi] = true;
                has_opt[np + prep->opt_cand[o]] = true;
        }
        for (size_t i = 0; i < np; i++) {
                size_t root;

                prep->pos_comp[i] = RS_NO_INDEX;
                if (!has_opt[i])
                        continue;
                root = uf_find(parent, i);
                if (comp_of_root[root] == RS_NO_INDEX)
                        comp_of_root[root] = prep->n_comps++;
                prep->pos_comp[i] = comp_of_root[root];
        }
        prep->comps = calloc(prep->n_comps + 1, sizeof(rs_comp));
        count_c = calloc(prep->n_comps + 1, sizeof(size_t));
        count_p = calloc(prep->n_comps + 1, sizeof(size_t));
        if (!prep->comps || !count_c || !count_p)
                goto out;
        for (size_t i = 0; i < np; i++)
                if (prep->pos_comp[i] != RS_NO_INDEX)
                        prep->comps[prep->pos_comp[i]].n_positions++;
        for (size_t i = 0; i < nc; i++)
                if (has_opt[np + i]) {
                        rs_comp *cp = &prep->comps[comp_of_root[uf_find(parent, np + i)]];

                        cp->n_cands++;
                        cp->n_opts += prep->cand_opt[i + 1] - prep->cand_opt[i];
                }
        for (size_t k = 0; k < prep->n_comps; k++) {
                prep->comps[k].cands = malloc((prep->comps[k].n_cands + 1) * sizeof(size_t));
                prep->comps[k].positions = malloc((prep->comps[k].n_positions + 1) * sizeof(size_t));
                if (!prep->comps[k].cands || !prep->comps[k].positions)
                        goto out;
        }
        for (size_t i = 0; i < np; i++)
                if (prep->pos_comp[i] != RS_NO_INDEX) {
                        size_t k = prep->pos_comp[i];

                        prep->comps[k].positions[count_p[k]++] = i;
                }
        for (size_t i = 0; i < nc; i++)
                if (has_opt[np + i]) {
                        size_t k = comp_of_root[uf_find(parent, np + i)];

                        prep->comps[k].cands[count_c[k]++] = i;
                }
        r = 0;
out:
        free(parent);
        free(comp_of_root);
        free(has_opt);
        free(count_c);
        free(count_p);
        return r;
}

int rs_prep_build(rs_prep *prep, const rs_problem *problem) {
        const rs_rules *rules = &problem->rules;
        opt_buf opts = { 0 };
        forbid *fbuf = NULL;
        size_t fcap = 0;
        int r;

        memset(prep, 0, sizeof(*prep));
        prep->problem = problem;
        r = build_blocks(prep);
        if (r < 0)
                return r;
        prep->cands = calloc(problem->n_candidates + 1, sizeof(rs_cand));
        prep->cand_opt = calloc(problem->n_candidates + 1, sizeof(size_t));
        if (!prep->cands || !prep->cand_opt)
                return -ENOMEM;
        build_cands(prep);

        (void) rules;
        for (size_t ci = 0; ci < problem->n_candidates; ci++) {
                const rs_candidate *c = &problem->candidates[ci];

                prep->cand_opt[ci] = opts.n;
                for (size_t pi = 0; pi < problem->n_positions; pi++) {
                        const rs_position *p = &problem->positions[pi];

                        if (!rs_candidate_placed(problem, c, p->employer) || c->language < p->language ||
                            rs_candidate_missing_skill(problem, c, p) != RS_NO_INDEX)
                                continue;
                        for (size_t si = 0; si < p->n_shifts; si++) {
                                r = shift_options(prep, ci, pi, si, &fbuf, &fcap, &opts);
                                if (r < 0)
                                        goto fail;
                        }
                }
        }
        prep->cand_opt[problem->n_candidates] = opts.n;
        free(fbuf);
        prep->opt_cand = opts.cand;
        prep->opt_block = opts.block;
        prep->n_opts = opts.n;
        return build_components(prep);
fail:
        free(fbuf);
        free(opts.cand);
        free(opts.block);
        return r;
}

void rs_prep_done(rs_prep *prep) {
        if (!prep)
                return;
        free(prep->blocks);
        free(prep->shift_base);
        free(prep->shift_block);
        free(prep->pos_limit);
        free(prep->pos_required);
        free(prep->cands);
        free(prep->opt_cand);
        free(prep->opt_block);
        free(prep->cand_opt);
        for (size_t k = 0; prep->comps && k < prep->n_comps; k++) {
                free(prep->comps[k].cands);
                free(prep->comps[k].positions);
        }
        free(prep->comps);
        free(prep->pos_comp);
        memset(prep, 0, sizeof(*prep));
}

int rs_prep_check_commitments(const rs_prep *prep, char **ret) {
        const rs_problem *problem = prep->problem;
        char hbuf[24], cbuf[24];

        *ret = NULL;
        for (size_t ci = 0; ci < problem->n_candidates; ci++) {
                const rs_candidate *c = &problem->candidates[ci];
                const rs_cand *k = &prep->cands[ci];

                if (k->left < 0) {
                        rs_format_duration(k->commit_paid, hbuf);
                        rs_format_duration(k->cap, cbuf);
                        *ret = rs_strdup_printf("candidate %s: approved work elsewhere pays %s, "
                                                "more than the cap of %s", c->id, hbuf, cbuf);
                        return *ret ? 0 : -ENOMEM;
                }
                if (k->days_left < 0) {
                        *ret = rs_strdup_printf("candidate %s: approved work elsewhere on %d days, "
                                                "more than max_days %d", c->id, k->commit_days,
                                                c->max_days);
                        return *ret ? 0 : -ENOMEM;
                }
                for (int d = 0; d < RS_DAYS_PER_WEEK; d++)
                        if (k->commit_blocks[d] > problem->rules.max_blocks_per_day) {
                                *ret = rs_strdup_printf("candidate %s: %d approved blocks elsewhere on "
                                                        "%s, more than max_blocks_per_day %d", c->id,
                                                        k->commit_blocks[d], rs_day_names[d],
                                                        problem->rules.max_blocks_per_day);
                                return *ret ? 0 : -ENOMEM;
                        }
                for (size_t i = 0; i < c->n_commitments; i++)
                        for (size_t j = i + 1; j < c->n_commitments; j++) {
                                const rs_commitment *a = &c->commitments[i], *b = &c->commitments[j];
                                bool bad;

                                /* Two blocks of the previous week are that week's business. */
                                if (a->day < 0 && b->day < 0)
                                        continue;
                                if (a->day == b->day)
                                        bad = rs_overlaps(a->start, a->end, b->start, b->end);
                                else
                                        bad = rs_rest_gap(a->start, a->end, b->start, b->end) <
                                              problem->rules.min_rest;
                                if (bad) {
                                        char s1[8], e1[8], s2[8], e2[8];

                                        rs_format_clock(a->start, s1);
                                        rs_format_clock(a->end, e1);
                                        rs_format_clock(b->start, s2);
                                        rs_format_clock(b->end, e2);
                                        *ret = rs_strdup_printf("candidate %s: approved blocks %s %s-%s "
                                                                "and %s %s-%s break the %s rule", c->id,
                                                                a->employer ? a->employer : "?", s1, e1,
                                                                b->employer ? b->employer : "?", s2, e2,
                                                                a->day == b->day ? "overlap" : "rest");
                                        return *ret ? 0 : -ENOMEM;
                                }
                        }
        }
        return 0;
}
