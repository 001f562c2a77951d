/* daemon/table.c -- a roster as a week grid for the terminal. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "roster/emit.h"
#include "table.h"

#define CELL_MAX 256
#define LABEL_WIDTH 22
#define BAR_HOURS 40

/* One row of a grid: a label and a text cell per day. */
typedef struct grid_row {
        char label[64];
        char cells[RS_DAYS_PER_WEEK][CELL_MAX];
} grid_row;

static void cell_append(char cell[CELL_MAX], const char *text) {
        size_t used = strlen(cell);

        if (used > 0 && used + 1 < CELL_MAX)
                cell[used++] = ' ', cell[used] = '\0';
        strncat(cell, text, CELL_MAX - used - 1);
}

static void interval_text(int start, int end, char buf[static 16]) {
        char from[6], to[6];

        rc_format_clock(start, from);
        rc_format_clock(end, to);
        snprintf(buf, 16, "%s-%s", from, to);
}

static void label_for(const rs_candidate *c, char label[static 64]) {
        if (c->name)
                snprintf(label, 64, "%s %s", c->id, c->name);
        else
                snprintf(label, 64, "%s", c->id);
}

static void write_rows(FILE *out, const grid_row *rows, size_t n_rows) {
        size_t width[RS_DAYS_PER_WEEK];

        for (int d = 0; d < RS_DAYS_PER_WEEK; d++) {
                width[d] = 3;
                for (size_t r = 0; r < n_rows; r++) {
                        size_t len = strlen(rows[r].cells[d]);
                        if (len > width[d])
                                width[d] = len;
                }
        }

        fprintf(out, "  %-*s", LABEL_WIDTH, "");
        for (int d = 0; d < RS_DAYS_PER_WEEK; d++)
                fprintf(out, "  %-*s", (int) width[d], rc_day_names[d]);
        fputc('\n', out);
        for (size_t r = 0; r < n_rows; r++) {
                fprintf(out, "  %-*.*s", LABEL_WIDTH, LABEL_WIDTH, rows[r].label);
                for (int d = 0; d < RS_DAYS_PER_WEEK; d++) {
                        const char *cell = rows[r].cells[d][0] ? rows[r].cells[d] : ".";
                        /* The last column gets no padding: no trailing blanks. */
                        if (d == RS_DAYS_PER_WEEK - 1)
                                fprintf(out, "  %s", cell);
                        else
                                fprintf(out, "  %-*s", (int) width[d], cell);
                }
                fputc('\n', out);
        }
}

static int write_position(FILE *out, const rs_problem *p, const rs_solution *s, size_t index) {
        const rs_position *pos = &p->positions[index];
        const rs_position_plan *plan = &s->positions[index];
        int max_headcount = 1;
        grid_row *rows;
        size_t n_rows = 0;

        for (size_t i = 0; i < pos->n_shifts; i++)
                if (pos->shifts[i].headcount > max_headcount)
                        max_headcount = pos->shifts[i].headcount;

        /* shifts, one row per person, uncovered */
        rows = calloc(plan->n_people + 2, sizeof *rows);
        if (!rows)
                return -ENOMEM;

        grid_row *shifts = &rows[n_rows++];
        snprintf(shifts->label, sizeof shifts->label, "shift");
        for (size_t i = 0; i < pos->n_shifts; i++) {
                const rs_shift *sh = &pos->shifts[i];
                char buf[32], range[16];
                interval_text(sh->start, sh->end, range);
                if (sh->headcount > 1)
                        snprintf(buf, sizeof buf, "%s x%d", range, sh->headcount);
                else
                        snprintf(buf, sizeof buf, "%s", range);
                cell_append(shifts->cells[sh->day], buf);
        }

        for (size_t k = 0; k < plan->n_people; k++) {
                size_t c = plan->people[k];
                grid_row *row = &rows[n_rows++];
                label_for(&p->candidates[c], row->label);
                for (size_t i = 0; i < plan->n_assignments; i++) {
                        const rs_assignment *a = &plan->assignments[i];
                        char range[16];
                        if (a->candidate != c)
                                continue;
                        interval_text(a->start, a->end, range);
                        cell_append(row->cells[pos->shifts[a->shift].day], range);
                }
        }

        if (plan->n_uncovered > 0) {
                grid_row *row = &rows[n_rows++];
                snprintf(row->label, sizeof row->label, "UNCOVERED");
                for (size_t i = 0; i < plan->n_uncovered; i++) {
                        const rs_uncovered *u = &plan->uncovered[i];
                        char buf[32], range[16];
                        interval_text(u->start, u->end, range);
                        if (u->missing > 1)
                                snprintf(buf, sizeof buf, "%s x%d", range, u->missing);
                        else
                                snprintf(buf, sizeof buf, "%s", range);
                        cell_append(row->cells[pos->shifts[u->shift].day], buf);
                }
        }

        fprintf(out, "\n%s%s%s  covered %ld of %ld min, %zu of at most %d people\n", pos->id,
                pos->title ? " - " : "", pos->title ? pos->title : "", plan->covered_minutes,
                plan->required_minutes, plan->n_people, pos->max_people * max_headcount);
        write_rows(out, rows, n_rows);
        free(rows);

        /* Why the gaps stay open, one line per gap: the reasons, counted. */
        for (size_t i = 0; i < plan->n_uncovered; i++) {
                const rs_uncovered *u = &plan->uncovered[i];
                unsigned count[_RS_REASON_MAX] = {};
                char range[16];
                bool first = true;

                for (size_t j = 0; j < u->n_why; j++)
                        count[u->why[j].reason]++;
                interval_text(u->start, u->end, range);
                fprintf(out, "    open %s %s:", rc_day_names[pos->shifts[u->shift].day], range);
                for (int r = 0; r < _RS_REASON_MAX; r++) {
                        if (!count[r])
                                continue;
                        fprintf(out, "%s %u %s", first ? "" : ",", count[r],
                                rs_reason_to_string((rs_reason) r));
                        first = false;
                }
                fputs(first ? " nobody could be considered\n" : "\n", out);
        }
        return 0;
}

static void write_hours(FILE *out, const rs_problem *p, const rs_solution *s, size_t employer) {
        bool header = false;

        for (size_t c = 0; c < p->n_candidates; c++) {
                const rs_candidate *cand = &p->candidates[c];
                bool works = false;
                char label[64], paid[16], min[16], target[16], max[16];
                char bar[BAR_HOURS + 1];

                for (size_t i = 0; i < p->n_positions && !works; i++) {
                        if (p->positions[i].employer != employer)
                                continue;
                        for (size_t j = 0; j < s->positions[i].n_people; j++)
                                if (s->positions[i].people[j] == c)
                                        works = true;
                }
                if (!works)
                        continue;
                if (!header) {
                        fprintf(out, "\n  %-*s  %6s  %6s  %6s  %6s  %4s  hours (# paid, | target)\n",
                                LABEL_WIDTH, "hours this week", "paid", "min", "target", "max",
                                "days");
                        header = true;
                }

                /* One character per hour up to the maximum, at most BAR_HOURS. */
                int cap_hours = cand->hours_max / 60;
                int scale = cap_hours > BAR_HOURS ? (cap_hours + BAR_HOURS - 1) / BAR_HOURS : 1;
                int len = cap_hours / scale;
                int filled = s->candidates[c].paid_minutes / 60 / scale;
                int mark = cand->hours_target / 60 / scale;
                for (int i = 0; i < len; i++)
                        bar[i] = i < filled ? '#' : '.';
                if (mark > 0 && mark <= len)
                        bar[mark - 1] = '|';
                bar[len] = '\0';

                label_for(cand, label);
                rc_format_hours(s->candidates[c].paid_minutes, paid);
                rc_format_hours(cand->hours_min, min);
                rc_format_hours(cand->hours_target, target);
                rc_format_hours(cand->hours_max, max);
                fprintf(out, "  %-*.*s  %6s  %6s  %6s  %6s  %4d  %s\n", LABEL_WIDTH, LABEL_WIDTH,
                        label, paid, min, target, max, s->candidates[c].days, bar);
        }
}

int rd_table_write(FILE *out, const rs_problem *p, const rs_solution *s, size_t employer) {
        const rs_employer *emp;
        long required = 0, covered = 0;

        if (employer >= p->n_employers)
                return -EINVAL;
        emp = &p->employers[employer];

        for (size_t i = 0; i < p->n_positions; i++)
                if (p->positions[i].employer == employer) {
                        required += s->positions[i].required_minutes;
                        covered += s->positions[i].covered_minutes;
                }

        fprintf(out, "== %s%s%s  %s  %s  covered %ld of %ld min (%.1f%%) ==\n", emp->id,
                emp->name ? " - " : "", emp->name ? emp->name : "", p->week,
                rs_status_to_string(s->status), covered, required,
                required > 0 ? 100.0 * (double) covered / (double) required : 100.0);

        for (size_t i = 0; i < p->n_positions; i++) {
                if (p->positions[i].employer != employer)
                        continue;
                int r = write_position(out, p, s, i);
                if (r < 0)
                        return r;
        }
        write_hours(out, p, s, employer);
        fputc('\n', out);
        return ferror(out) ? -EIO : 0;
}
