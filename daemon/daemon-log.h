/* daemon/daemon-log.h -- logging of the daemon.
 *
 * Under systemd (stderr is the journal stream named by $JOURNAL_STREAM)
 * every line goes to the journal with structured fields: ROSTER_EMPLOYER,
 * ROSTER_WEEK, ROSTER_REVISION, ROSTER_PEER_UID, ROSTER_REQUEST_ID and a
 * MESSAGE_ID for the key events. Otherwise it is one line on stderr with
 * the same fields appended in brackets. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <syslog.h>

/* MESSAGE_IDs of the key events, for journalctl MESSAGE_ID=... */
#define RD_MESSAGE_STARTED     "6b1c8a3e0f2d4a7c9e5b1d3f7a9c2e40"
#define RD_MESSAGE_STOPPING    "6b1c8a3e0f2d4a7c9e5b1d3f7a9c2e41"
#define RD_MESSAGE_RELOADED    "6b1c8a3e0f2d4a7c9e5b1d3f7a9c2e42"
#define RD_MESSAGE_RELOAD_FAIL "6b1c8a3e0f2d4a7c9e5b1d3f7a9c2e43"
#define RD_MESSAGE_ACCEPTED    "6b1c8a3e0f2d4a7c9e5b1d3f7a9c2e44"
#define RD_MESSAGE_SOLVE_DONE  "6b1c8a3e0f2d4a7c9e5b1d3f7a9c2e45"
#define RD_MESSAGE_SOLVE_FAIL  "6b1c8a3e0f2d4a7c9e5b1d3f7a9c2e46"
#define RD_MESSAGE_APPROVED    "6b1c8a3e0f2d4a7c9e5b1d3f7a9c2e47"
#define RD_MESSAGE_QUARANTINE  "6b1c8a3e0f2d4a7c9e5b1d3f7a9c2e48"

/* The structured fields of one log line; unset fields are NULL or < 0. */
typedef struct rd_log_fields {
        const char *employer;
        const char *week;
        long revision;
        long peer_uid;
        const char *request_id;
        const char *message_id;
} rd_log_fields;

#define RD_LOG_FIELDS_NONE ((rd_log_fields) { .revision = -1, .peer_uid = -1 })

/* Decides between the journal and stderr; @debug lets LOG_DEBUG through. */
void rd_log_init(bool debug);

/* The journal's CODE_FILE, CODE_LINE and CODE_FUNC name the caller. */
#define RD_LOG_STR_(x) #x
#define RD_LOG_STR(x) RD_LOG_STR_(x)
#define RD_LOG_HERE "CODE_FILE=" __FILE__, "CODE_LINE=" RD_LOG_STR(__LINE__), __func__

#define rd_log(priority, fields, ...) rd_log_at(RD_LOG_HERE, priority, fields, __VA_ARGS__)
/* Without structured fields. */
#define rd_logf(priority, ...) rd_log_at(RD_LOG_HERE, priority, NULL, __VA_ARGS__)

void rd_log_at(const char *file, const char *line, const char *func, int priority,
               const rd_log_fields *fields, const char *format, ...)
        __attribute__((format(printf, 6, 7)));
