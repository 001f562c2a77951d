/* daemon/daemon-log.c -- journal or stderr. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
#include <unistd.h>

#include "daemon-log.h"

static bool use_journal;
static bool log_debug;
static pid_t log_pid;           /* getpid() is a system call in every line otherwise */

/* $JOURNAL_STREAM holds "DEVICE:INODE" of the stream systemd connected to
 * stdout/stderr; it only counts when stderr still is that stream (a
 * child started from a unit's shell may have redirected it). */
static bool stderr_is_journal(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
                return false;
        if (fstat(STDERR_FILENO, &st) < 0)
                return false;
        return (unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino;
}

void rd_log_init(bool debug) {
        /* sd_journal_sendv() drops lines silently when journald is not
         * there, so its socket must be. */
        use_journal = stderr_is_journal() && access("/run/systemd/journal/socket", W_OK) == 0;
        log_debug = debug;
        log_pid = getpid();
}

static void vlog(const char *file, const char *line, const char *func, int priority,
                 const rd_log_fields *f, const char *format, va_list ap) {
        char message[2048];
        int saved = errno;

        if (priority == LOG_DEBUG && !log_debug)
                return;
        vsnprintf(message, sizeof message, format, ap);

        if (use_journal) {
                char fields[8][192];
                struct iovec iov[10];
                size_t n = 0;

#define ADD(...) do { \
                snprintf(fields[n], sizeof fields[n], __VA_ARGS__); \
                iov[n] = (struct iovec) { fields[n], strlen(fields[n]) }; \
                n++; \
        } while (0)
                ADD("PRIORITY=%d", priority);
                ADD("SYSLOG_IDENTIFIER=rosterd");
                if (f && f->employer)
                        ADD("ROSTER_EMPLOYER=%s", f->employer);
                if (f && f->week)
                        ADD("ROSTER_WEEK=%s", f->week);
                if (f && f->revision >= 0)
                        ADD("ROSTER_REVISION=%ld", f->revision);
                if (f && f->peer_uid >= 0)
                        ADD("ROSTER_PEER_UID=%ld", f->peer_uid);
                if (f && f->request_id)
                        ADD("ROSTER_REQUEST_ID=%s", f->request_id);
                if (f && f->message_id)
                        ADD("MESSAGE_ID=%s", f->message_id);
#undef ADD
                char *m = NULL;
                if (asprintf(&m, "MESSAGE=%s", message) >= 0) {
                        iov[n++] = (struct iovec) { m, strlen(m) };
                        if (sd_journal_sendv_with_location(file, line, func, iov, (int) n) >= 0) {
                                free(m);
                                errno = saved;
                                return;
                        }
                        free(m);
                }
                /* The journal refused: fall through to stderr. */
        }

        char extra[512] = "";
        size_t len = 0;
        if (f && f->employer)
                len += (size_t) snprintf(extra + len, sizeof extra - len, " employer=%s",
                                         f->employer);
        if (f && f->week && len < sizeof extra)
                len += (size_t) snprintf(extra + len, sizeof extra - len, " week=%s", f->week);
        if (f && f->revision >= 0 && len < sizeof extra)
                len += (size_t) snprintf(extra + len, sizeof extra - len, " revision=%ld",
                                         f->revision);
        if (f && f->peer_uid >= 0 && len < sizeof extra)
                len += (size_t) snprintf(extra + len, sizeof extra - len, " uid=%ld",
                                         f->peer_uid);
        if (f && f->request_id && len < sizeof extra)
                len += (size_t) snprintf(extra + len, sizeof extra - len, " request=%s",
                                         f->request_id);
        fprintf(stderr, "rosterd[%ld]: %s%s%s%s\n", (long) (log_pid ? log_pid : getpid()), message,
                len ? " [" : "", len ? extra + 1 : "", len ? "]" : "");
        errno = saved;
}

void rd_log_at(const char *file, const char *line, const char *func, int priority,
               const rd_log_fields *fields, const char *format, ...) {
        va_list ap;

        va_start(ap, format);
        vlog(file, line, func, priority, fields, format, ap);
        va_end(ap);
}
