/* solver/util.c -- small helpers shared by the solver's files. */
#include <errno.h>
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
