/* config/calendar.c -- ISO weeks and calendar dates, without libc's time
 * zone machinery: plain proleptic Gregorian arithmetic on day numbers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "roster/config.h"

/* Days since 1970-01-01 (H. Hinnant's days_from_civil). */
static long days_from_civil(long y, int m, int d) {
        y -= m <= 2;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

/* 0 = Monday .. 6 = Sunday; 1970-01-01 was a Thursday. */
static int weekday(long days) {
        return (int) (((days % 7) + 7 + 3) % 7);
}

/* The Monday of ISO week 1: the week that holds 4 January. */
static long week1_monday(long year) {
        long jan4 = days_from_civil(year, 1, 4);
        return jan4 - weekday(jan4);
}

static int weeks_in_year(long year) {
        return (int) ((week1_monday(year + 1) - week1_monday(year)) / 7);
}

static bool leap(long y) {
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(long year, int month) {
        static const int table[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
        return month == 2 && leap(year) ? 29 : table[month - 1];
}

/* Exactly @n ASCII digits at @s. */
static bool digits(const char *s, size_t n, int *ret) {
        int v = 0;

        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return false;
                v = v * 10 + (s[i] - '0');
        }
        *ret = v;
        return true;
}

int rc_week_parse(const char *text, rc_week *ret) {
        int year, week;

        if (!text || strlen(text) != 8 || text[4] != '-' || text[5] != 'W')
                return -EINVAL;
        if (!digits(text, 4, &year) || !digits(text + 6, 2, &week))
                return -EINVAL;
        if (year < 1 || week < 1 || week > weeks_in_year(year))
                return -EINVAL;
        *ret = (rc_week) { .year = year, .week = week };
        return 0;
}

void rc_week_format(rc_week week, char buf[static 16]) {
        snprintf(buf, 16, "%04d-W%02d", week.year, week.week);
}

long rc_week_monday(rc_week week) {
        return week1_monday(week.year) + 7L * (week.week - 1);
}

long rc_week_index(rc_week week) {
        /* 1970-01-05, day 4, was a Monday: every Monday is 4 modulo 7. */
        return (rc_week_monday(week) - 4) / 7;
}

static rc_week week_of_days(long days) {
        long monday = days - weekday(days);
        /* Any date lies in the ISO year of its civil year or a neighbour. */
        long year = 1970 + (long) ((double) days / 365.2425);

        while (monday < week1_monday(year))
                year--;
        while (monday >= week1_monday(year + 1))
                year++;
        return (rc_week) { .year = (int) year,
                           .week = (int) ((monday - week1_monday(year)) / 7 + 1) };
}

rc_week rc_week_from_index(long index) {
        return week_of_days(index * 7 + 4);
}

int rc_date_parse(const char *text, rc_date *ret) {
        int y, m, d;

        if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
                return -EINVAL;
        if (!digits(text, 4, &y) || !digits(text + 5, 2, &m) || !digits(text + 8, 2, &d))
                return -EINVAL;
        if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
                return -EINVAL;
        *ret = (rc_date) { .year = y, .month = m, .day = d };
        return 0;
}

long rc_date_days(rc_date date) {
        return days_from_civil(date.year, date.month, date.day);
}

rc_week rc_date_week(rc_date date, int *ret_day) {
        long days = rc_date_days(date);

        if (ret_day)
                *ret_day = weekday(days);
        return week_of_days(days);
}

bool rc_week_set_contains(const rc_week_set *set, rc_week week) {
        long i = rc_week_index(week);
        size_t lo = 0, hi = set ? set->n_ranges : 0;

        /* The ranges are sorted and disjoint: find the last one that
         * starts at or before @week. */
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (rc_week_index(set->ranges[mid].first) <= i)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo > 0 && i <= rc_week_index(set->ranges[lo - 1].last);
}
