/* solver/util.c -- small helpers shared by the solver's files. */
#include <errno.h>
#include <glpk.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "internal.h"

const char *const rs_day_names[RS_DAYS_PER_WEEK] = {
        "mon", "tue", "wed", "thu", "fri", "sat", "sun",
};

double rs_now(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* The wall clock as the solve sees it (tests may make it run faster). */
static double clock_elapsed(const rs_clock *clock) {
        double e = rs_now() - clock->start;

        return clock->clock_scale > 0 ? e * clock->clock_scale : e;
}

double rs_clock_left(const rs_clock *clock) {
        if (!clock || clock->limit <= 0)
                return HUGE_VAL;
        return clock->limit - clock_elapsed(clock);
}

bool rs_out_of_work(rs_clock *clock, double until) {
        if (until <= 0 || !clock)
                return false;
        if (clock->work >= until)
                return true;
        if (rs_clock_left(clock) <= 0) {
                clock->clock_stopped = true;
                return true;
        }
        return false;
}

int rs_clock_tm_lim(const rs_clock *clock) {
        double left = rs_clock_left(clock), ms;

        if (left == HUGE_VAL)
                return INT_MAX;
        if (clock->clock_scale > 0)
                left /= clock->clock_scale;
        ms = left * 1000;
        if (ms >= INT_MAX)
                return INT_MAX;
        return ms < 1 ? 1 : (int) ms;
}

double rs_glpk_iter_units(int rows, int cols, int nnz) {
        /* One iteration prices the columns, tests the rows and updates
         * the factorization: about linear in the model's size. */
        return 70 + 0.7 * rows + 0.35 * cols + 0.09 * nnz;
}

double rs_glpk_tree_units(glp_tree *tree, double upi, int *it_seen) {
        glp_prob *lp = glp_ios_get_prob(tree);
        int it = glp_get_it_cnt(lp);
        double n = it - *it_seen;

        *it_seen = it;
        if (glp_ios_reason(tree) == GLP_IBRANCH)
                for (int j = 1, nc = glp_get_num_cols(lp); j <= nc; j++)
                        n += RS_GLPK_FRAC_ITERS * glp_ios_can_branch(tree, j);
        return n * upi;
}

char *rs_strdup_printf(const char *fmt, ...) {
        va_list ap;
        char *s = NULL;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&s, fmt, ap);
        va_end(ap);
        return r < 0 ? NULL : s;
}

void rs_format_clock(int t, char buf[static 8]) {
        /* Times before the week are negative; keep the wall clock right. */
        int m = ((t % RS_MINUTES_PER_DAY) + RS_MINUTES_PER_DAY) % RS_MINUTES_PER_DAY;

        snprintf(buf, 8, "%02d:%02d", m / 60, m % 60);
}

void rs_format_duration(int minutes, char buf[static 24]) {
        const char *sign = minutes < 0 ? "-" : "";

        if (minutes < 0)
                minutes = -minutes;
        if (minutes % 60 == 0)
                snprintf(buf, 24, "%s%dh", sign, minutes / 60);
        else if (minutes < 60)
                snprintf(buf, 24, "%s%dm", sign, minutes);
        else
                snprintf(buf, 24, "%s%dh%dm", sign, minutes / 60, minutes % 60);
}

int rs_grow(void **p, size_t elem, size_t need, size_t *cap) {
        size_t ncap;
        void *n;

        if (need <= *cap)
                return 0;
        ncap = *cap ? *cap : 64;
        while (ncap < need)
                ncap *= 2;
        n = realloc(*p, ncap * elem);
        if (!n)
                return -ENOMEM;
        *p = n;
        *cap = ncap;
        return 0;
}

long rs_gcd(long a, long b) {
        while (b) {
                long t = a % b;

                a = b;
                b = t;
        }
        return a < 0 ? -a : a;
}
