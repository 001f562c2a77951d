/* daemon/ctl-render.c -- roster documents as a grid, CSV and iCalendar. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl-render.h"
#include "roster/config.h"

static const char *const days[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static int day_index(const char *day) {
        for (int d = 0; day && d < 7; d++)
                if (strcmp(days[d], day) == 0)
                        return d;
        return -1;
}

/* The text of @key in @map, or of @map itself when @key is NULL. */
static const char *text_or(const rd_node *map, const char *key, const char *fallback) {
        const char *t = key ? rd_node_get_text(map, key) : rd_node_text(map);

        return t ? t : fallback;
}

/* The display name of a candidate from the roster's candidates list. */
static const char *person_name(const rd_node *roster, const char *id) {
        const rd_node *people = rd_node_get(roster, "candidates");

        for (size_t i = 0; i < rd_node_seq_len(people); i++)
                if (strcmp(text_or(people->items[i], "id", ""), id) == 0)
                        return rd_node_get_text(people->items[i], "name");
        return NULL;
}

void rd_ctl_changes(FILE *out, const rd_node *changes) {
        for (size_t i = 0; i < rd_node_seq_len(changes); i++) {
                const rd_node *c = changes->items[i];
                const rd_node *from = rd_node_get(c, "from"), *to = rd_node_get(c, "to");
                fprintf(out, "  %-16s %s %s-%s  ", text_or(c, "position", "?"),
                        text_or(c, "day", "?"), text_or(c, "start", "?"), text_or(c, "end", "?"));
                for (size_t k = 0; k < rd_node_seq_len(from); k++)
                        fprintf(out, "%s%s", k ? "," : "", text_or(from->items[k], NULL, "?"));
                if (rd_node_seq_len(from) == 0)
                        fputs("(nobody)", out);
                fputs(" -> ", out);
                for (size_t k = 0; k < rd_node_seq_len(to); k++)
                        fprintf(out, "%s%s", k ? "," : "", text_or(to->items[k], NULL, "?"));
                if (rd_node_seq_len(to) == 0)
                        fputs("(nobody)", out);
                fputc('\n', out);
        }
}

/* ---- Grid ------------------------------------------------------------- */

typedef struct cell {
        char text[64];
} cell;

static void cell_add(cell *c, const char *start, const char *end) {
        size_t n = strlen(c->text);

        snprintf(c->text + n, sizeof c->text - n, "%s%s-%s", n ? "," : "", start, end);
}

static void print_row(FILE *out, const char *label, const cell *cells, const bool *used,
                      const int *width) {
        fprintf(out, "  %-22.22s", label);
        for (int d = 0; d < 7; d++)
                if (used[d])
                        fprintf(out, " %-*s", width[d], cells[d].text[0] ? cells[d].text : "-");
        fputc('\n', out);
}

static bool is(const char *a, const char *b) {
        return a && b && strcmp(a, b) == 0;
}

static void print_position(FILE *out, const rd_node *roster, const rd_node *pos,
                           const char *candidate) {
        const rd_node *people = rd_node_get(pos, "people");
        const rd_node *assignments = rd_node_get(pos, "assignments");
        const rd_node *uncovered = rd_node_get(pos, "uncovered");
        size_t n_people = rd_node_seq_len(people);
        cell *grid = calloc((n_people + 1) * 7, sizeof(*grid));
        bool used[7] = {};
        int width[7];

        if (!grid)
                return;
        if (candidate) {
                bool works = false;
                for (size_t p = 0; p < n_people; p++)
                        works |= is(rd_node_text(people->items[p]), candidate);
                if (!works) {
                        free(grid);
                        return;
                }
        }
        for (size_t i = 0; i < rd_node_seq_len(assignments); i++) {
                const rd_node *a = assignments->items[i];
                int d = day_index(rd_node_get_text(a, "day"));
                const char *who = text_or(a, "candidate", "");
                if (d < 0 || (candidate && !is(who, candidate)))
                        continue;
                used[d] = true;
                for (size_t p = 0; p < n_people; p++)
                        if (strcmp(text_or(people->items[p], NULL, ""), who) == 0)
                                cell_add(&grid[p * 7 + (size_t) d], text_or(a, "start", "?"),
                                         text_or(a, "end", "?"));
        }
        for (size_t i = 0; i < rd_node_seq_len(uncovered) && !candidate; i++) {
                const rd_node *u = uncovered->items[i];
                int d = day_index(rd_node_get_text(u, "day"));
                if (d < 0)
                        continue;
                used[d] = true;
                cell_add(&grid[n_people * 7 + (size_t) d], text_or(u, "start", "?"),
                         text_or(u, "end", "?"));
        }
        for (int d = 0; d < 7; d++) {
                width[d] = 11;
                for (size_t p = 0; p <= n_people; p++) {
                        int w = (int) strlen(grid[p * 7 + (size_t) d].text);
                        if (w > width[d])
                                width[d] = w;
                }
        }

        const char *title = rd_node_get_text(pos, "title");
        fprintf(out, "\n%s%s%s%s\n", text_or(pos, "id", "?"), title ? " (" : "", title ? title : "",
                title ? ")" : "");
        cell head[7] = {};
        for (int d = 0; d < 7; d++)
                snprintf(head[d].text, sizeof head[d].text, "%s", days[d]);
        print_row(out, "", head, used, width);
        for (size_t p = 0; p < n_people; p++) {
                const char *id = text_or(people->items[p], NULL, "?");
                const char *name = person_name(roster, id);
                if (candidate && !is(id, candidate))
                        continue;
                char label[96];
                snprintf(label, sizeof label, "%s%s%s", id, name ? " " : "", name ? name : "");
                print_row(out, label, &grid[p * 7], used, width);
        }
        if (rd_node_seq_len(uncovered) > 0 && !candidate) {
                print_row(out, "uncovered", &grid[n_people * 7], used, width);
                for (size_t i = 0; i < rd_node_seq_len(uncovered); i++) {
                        const rd_node *u = uncovered->items[i];
                        const rd_node *why = rd_node_get(u, "why");
                        const char *missing = rd_node_get_text(u, "missing");
                        fprintf(out, "    %s %s-%s%s%s%s:", text_or(u, "day", "?"),
                                text_or(u, "start", "?"), text_or(u, "end", "?"),
                                missing ? " (" : "", missing ? missing : "",
                                missing ? " missing)" : "");
                        if (rd_node_seq_len(why) == 0)
                                fputs(" nobody could be considered", out);
                        for (size_t k = 0; k < rd_node_seq_len(why); k++) {
                                const rd_node *w = why->items[k];
                                const char *detail = rd_node_get_text(w, "detail");
                                fprintf(out, "%s %s %s%s%s%s", k ? ";" : "",
                                        text_or(w, "candidate", "?"), text_or(w, "reason", "?"),
                                        detail ? " (" : "", detail ? detail : "", detail ? ")" : "");
                        }
                        fputc('\n', out);
                }
        }
        free(grid);
}

int rd_ctl_table(FILE *out, const rd_node *roster, const rd_node *changes, const char *candidate) {
        const rd_node *coverage = rd_node_get(roster, "coverage");
        const rd_node *positions = rd_node_get(roster, "positions");
        const rd_node *people = rd_node_get(roster, "candidates");
        long required = 0, covered = 0;

        rd_node_long(rd_node_get(coverage, "required"), &required);
        rd_node_long(rd_node_get(coverage, "covered"), &covered);
        fprintf(out, "%s %s  revision %s  %s  %s  covered %ld of %ld min (%.0f%%)\n",
                text_or(roster, "employer", "?"), text_or(roster, "week", "?"),
                text_or(roster, "revision", "-"), text_or(roster, "state", "?"),
                text_or(roster, "status", "?"), covered, required,
                required > 0 ? 100.0 * (double) covered / (double) required : 100.0);
        if (rd_node_seq_len(changes) > 0 && !candidate) {
                fputs("changes against the approved roster:\n", out);
                rd_ctl_changes(out, changes);
        }
        for (size_t i = 0; i < rd_node_seq_len(positions); i++)
                print_position(out, roster, positions->items[i], candidate);
        if (rd_node_seq_len(people) > 0)
                fputs("\nhours\n", out);
        for (size_t i = 0; i < rd_node_seq_len(people); i++) {
                const rd_node *p = people->items[i];
                const char *name = rd_node_get_text(p, "name");
                char label[96];
                if (candidate && !is(rd_node_get_text(p, "id"), candidate))
                        continue;
                snprintf(label, sizeof label, "%s%s%s", text_or(p, "id", "?"), name ? " " : "",
                         name ? name : "");
                if (rd_node_get(p, "paid_hours"))
                        fprintf(out, "  %-22.22s %6sh  (min %s, target %s, max %s), %s days\n",
                                label, text_or(p, "paid_hours", "?"), text_or(p, "min", "?"),
                                text_or(p, "target", "?"), text_or(p, "max", "?"),
                                text_or(p, "days", "?"));
                else
                        fprintf(out, "  %-22.22s %6sh here\n", label, text_or(p, "hours", "?"));
        }
        return ferror(out) ? -EIO : 0;
}

/* ---- CSV -------------------------------------------------------------- */

static void csv_field(FILE *out, const char *s, bool last) {
        if (!s)
                s = "";
        if (strpbrk(s, ",\"\r\n")) {
                fputc('"', out);
                for (const char *p = s; *p; p++) {
                        if (*p == '"')
                                fputc('"', out);
                        fputc(*p, out);
                }
                fputc('"', out);
        } else {
                fputs(s, out);
        }
        fputs(last ? "\r\n" : ",", out);
}

/* The calendar date of @day (0 = Monday) of ISO @week, "2026-12-03". */
static void week_date(const char *week_text, int day, char buf[static 64], bool compact) {
        rc_week week;
        long z;

        buf[0] = '\0';
        if (!week_text || rc_week_parse(week_text, &week) < 0 || day < 0)
                return;
        /* Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm). */
        z = rc_week_monday(week) + day + 719468;
        long era = (z >= 0 ? z : z - 146096) / 146097;
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp < 10 ? mp + 3 : mp - 9;
        if (m <= 2)
                y++;
        snprintf(buf, 64, compact ? "%04ld%02ld%02ld" : "%04ld-%02ld-%02ld", y, m, d);
}

int rd_ctl_csv(FILE *out, const rd_node *roster, bool header, const char *candidate) {
        const rd_node *positions = rd_node_get(roster, "positions");
        const char *employer = rd_node_get_text(roster, "employer");
        const char *week = rd_node_get_text(roster, "week");

        if (header)
                fputs("employer,week,revision,state,position,day,date,start,end,kind,candidate,name,"
                      "missing\r\n",
                      out);
        for (size_t i = 0; i < rd_node_seq_len(positions); i++) {
                const rd_node *pos = positions->items[i];
                const rd_node *lists[2] = { rd_node_get(pos, "assignments"),
                                            rd_node_get(pos, "uncovered") };
                for (int l = 0; l < 2; l++)
                        for (size_t k = 0; k < rd_node_seq_len(lists[l]); k++) {
                                const rd_node *a = lists[l]->items[k];
                                const char *who = rd_node_get_text(a, "candidate");
                                char date[64];
                                if (candidate && !is(who, candidate))
                                        continue;
                                week_date(week, day_index(rd_node_get_text(a, "day")), date, false);
                                csv_field(out, employer, false);
                                csv_field(out, week, false);
                                csv_field(out, rd_node_get_text(roster, "revision"), false);
                                csv_field(out, rd_node_get_text(roster, "state"), false);
                                csv_field(out, rd_node_get_text(pos, "id"), false);
                                csv_field(out, rd_node_get_text(a, "day"), false);
                                csv_field(out, date, false);
                                csv_field(out, rd_node_get_text(a, "start"), false);
                                csv_field(out, rd_node_get_text(a, "end"), false);
                                csv_field(out, l == 0 ? "work" : "uncovered", false);
                                csv_field(out, who, false);
                                csv_field(out, who ? person_name(roster, who) : NULL, false);
                                csv_field(out, l == 1 ? text_or(a, "missing", "") : "", true);
                        }
        }
        return ferror(out) ? -EIO : 0;
}

/* ---- iCalendar -------------------------------------------------------- */

/* Writes one content line, escaped where @escape says, folded at 75
 * octets (RFC 5545 §3.1), never inside a UTF-8 sequence. */
static void ics_line(FILE *out, const char *name, const char *value, bool escape) {
        char line[1024];
        size_t n = 0;

        n += (size_t) snprintf(line, sizeof line, "%s:", name);
        for (const char *p = value; *p && n + 3 < sizeof line; p++) {
                if (escape && (*p == '\\' || *p == ';' || *p == ',')) {
                        line[n++] = '\\';
                        line[n++] = *p;
                } else if (escape && *p == '\n') {
                        line[n++] = '\\';
                        line[n++] = 'n';
                } else {
                        line[n++] = *p;
                }
        }
        line[n] = '\0';

        size_t col = 0;
        for (size_t i = 0; i < n; i++) {
                size_t len = 1;
                unsigned char c = (unsigned char) line[i];
                if (c >= 0xf0)
                        len = 4;
                else if (c >= 0xe0)
                        len = 3;
                else if (c >= 0xc0)
                        len = 2;
                if (col + len > 75) {
                        fputs("\r\n ", out);
                        col = 1;
                }
                fwrite(line + i, 1, len, out);
                col += len;
                i += len - 1;
        }
        fputs("\r\n", out);
}

/* "20261203T070000" for day @day of @week at HH:MM, a day later when
 * @next_day. */
static void ics_time(const char *week, int day, const char *hhmm, bool next_day,
                     char buf[static 32]) {
        char date[64];
        int h = 0, m = 0;

        week_date(week, day + (next_day ? 1 : 0), date, true);
        sscanf(hhmm ? hhmm : "00:00", "%d:%d", &h, &m);
        /* A compact date is 8 characters (years of ISO weeks have 4
         * digits); the precision tells the compiler so. */
        snprintf(buf, 32, "%.8sT%02d%02d00", date, h, m);
}

static bool ends_next_day(const char *start, const char *end) {
        return start && end && strcmp(end, start) <= 0;
}

static void ics_event(FILE *out, const char *uid, const char *stamp, const char *week, int day,
                      const char *start, const char *end, const char *summary,
                      const char *location, const char *category) {
        char dtstart[32], dtend[32];

        ics_time(week, day, start, false, dtstart);
        ics_time(week, day, end, ends_next_day(start, end), dtend);
        fputs("BEGIN:VEVENT\r\n", out);
        ics_line(out, "UID", uid, false);
        ics_line(out, "DTSTAMP", stamp, false);
        ics_line(out, "DTSTART", dtstart, false);
        ics_line(out, "DTEND", dtend, false);
        ics_line(out, "SUMMARY", summary, true);
        if (location)
                ics_line(out, "LOCATION", location, true);
        ics_line(out, "CATEGORIES", category, true);
        fputs("END:VEVENT\r\n", out);
}

static void ics_calendar(FILE *out, const rd_node *roster, const rd_node *classes,
                         const char *candidate, const char *stamp) {
        const char *employer = text_or(roster, "employer", "?");
        const char *week = rd_node_get_text(roster, "week");
        const rd_node *positions = rd_node_get(roster, "positions");
        const char *name = person_name(roster, candidate);
        char buf[512];

        fputs("BEGIN:VCALENDAR\r\n", out);
        ics_line(out, "VERSION", "2.0", false);
        ics_line(out, "PRODID", "-//rosterd//rosterctl " ROSTERD_VERSION "//EN", false);
        ics_line(out, "CALSCALE", "GREGORIAN", false);
        snprintf(buf, sizeof buf, "%s %s %s", name ? name : candidate, employer, week ? week : "");
        ics_line(out, "X-WR-CALNAME", buf, true);

        for (size_t i = 0; i < rd_node_seq_len(positions); i++) {
                const rd_node *pos = positions->items[i];
                const rd_node *assignments = rd_node_get(pos, "assignments");
                const char *title = rd_node_get_text(pos, "title");
                for (size_t k = 0; k < rd_node_seq_len(assignments); k++) {
                        const rd_node *a = assignments->items[k];
                        const char *day = rd_node_get_text(a, "day");
                        if (strcmp(text_or(a, "candidate", ""), candidate) != 0 || day_index(day) < 0)
                                continue;
                        char uid[512], summary[512];
                        snprintf(uid, sizeof uid, "%s-%s-%s-%s-%s-%s@rosterd", week ? week : "",
                                 employer, text_or(pos, "id", "?"), day,
                                 text_or(a, "start", "?"), candidate);
                        for (char *p = uid; *p; p++)
                                if (*p == ':')
                                        *p = '.';
                        snprintf(summary, sizeof summary, "Work: %s, %s",
                                 title ? title : text_or(pos, "id", "?"), employer);
                        ics_event(out, uid, stamp, week, day_index(day), rd_node_get_text(a, "start"),
                                  rd_node_get_text(a, "end"), summary, NULL, "WORK");
                }
        }
        for (size_t i = 0; i < rd_node_seq_len(classes); i++) {
                const rd_node *c = classes->items[i];
                const char *day = rd_node_get_text(c, "day");
                if (strcmp(text_or(c, "candidate", ""), candidate) != 0 || day_index(day) < 0)
                        continue;
                char uid[512], summary[512];
                snprintf(uid, sizeof uid, "%s-class-%s-%s-%s-%s-%s@rosterd", week ? week : "",
                         text_or(c, "school", "?"), text_or(c, "group", "?"), day,
                         text_or(c, "start", "?"), candidate);
                for (char *p = uid; *p; p++)
                        if (*p == ':')
                                *p = '.';
                snprintf(summary, sizeof summary, "Class: %s, %s", text_or(c, "group", "?"),
                         text_or(c, "school", "?"));
                ics_event(out, uid, stamp, week, day_index(day), rd_node_get_text(c, "start"),
                          rd_node_get_text(c, "end"), summary, rd_node_get_text(c, "location"),
                          "CLASS");
        }
        fputs("END:VCALENDAR\r\n", out);
}

int rd_ctl_ics(FILE *out, const rd_node *roster, const rd_node *classes, const char *candidate) {
        const rd_node *people = rd_node_get(roster, "candidates");
        char stamp[32];
        time_t now = time(NULL);
        struct tm tm;
        bool found = false;

        gmtime_r(&now, &tm);
        strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
        for (size_t i = 0; i < rd_node_seq_len(people); i++) {
                const char *id = rd_node_get_text(people->items[i], "id");
                if (!id || (candidate && strcmp(candidate, id) != 0))
                        continue;
                ics_calendar(out, roster, classes, id, stamp);
                found = true;
        }
        if (candidate && !found)
                return -ENOENT;
        return ferror(out) ? -EIO : 0;
}
