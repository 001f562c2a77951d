/* daemon/ctl-render.h -- roster documents for people: a week grid, CSV
 * and iCalendar (RFC 5545), made from the roster YAML the daemon sends. */
#pragma once

#include <stdio.h>

#include "proto-yaml.h"

/* A week grid per position, the uncovered time with its reasons, the
 * people's hours, and @changes (a sequence, may be NULL). With
 * @candidate, only that person's blocks and hours. */
int rd_ctl_table(FILE *out, const rd_node *roster, const rd_node *changes, const char *candidate);

/* One line per work block and uncovered interval (with @candidate: per
 * block of that person). @header: print the column names first. */
int rd_ctl_csv(FILE *out, const rd_node *roster, bool header, const char *candidate);

/* One VCALENDAR per person of the roster (or only @candidate when not
 * NULL) with their work blocks and, when @classes (the sequence a full
 * view carries) is given, their class sessions. Returns 0, or -ENOENT
 * when @candidate works in no block of the roster. */
int rd_ctl_ics(FILE *out, const rd_node *roster, const rd_node *classes, const char *candidate);

/* The changes of a re-plan, one line each. */
void rd_ctl_changes(FILE *out, const rd_node *changes);
