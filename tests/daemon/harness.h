/* tests/daemon/harness.h -- starting a real rosterd and talking to it.
 *
 * Every test program gets the paths of rosterd, rosterctl and the data
 * folder as its arguments (see CMakeLists.txt) and calls h_init() first.
 * A daemon runs in a temporary folder of its own (socket, state,
 * configuration, log) and reports to a notify socket the harness reads,
 * as systemd's NOTIFY_SOCKET would. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "proto-frame.h"

typedef struct h_daemon {
        pid_t pid;
        char dir[128];
        char socket[192];
        char state[192];
        char config[192];
        char notify[192];
        char log[192];
        int notify_fd;
        struct h_notify *notify_queue;  /* filled by a thread, as systemd would read */
        int exit_status;                /* when it ended while starting: pid is -1 */
} h_daemon;

/* Reads the paths from argv (rosterd, rosterctl, data dir). */
void h_init(int argc, char **argv);
const char *h_rosterd(void);
const char *h_rosterctl(void);
/* DATA/name */
const char *h_data(const char *name);

/* Creates the folder and writes the configuration: the test data's
 * config.yaml with @extra appended (YAML lines replacing keys are not
 * possible, so @extra holds keys the base file does not have, or NULL);
 * or exactly @replace when not NULL. */
void h_prepare(h_daemon *d, const char *extra, const char *replace);

/* Starts rosterd (under systemd-socket-activate when @activate) with the
 * environment entries @env ("NAME=VALUE", NULL-terminated, may be NULL)
 * and waits for READY=1. Returns false when it did not get ready. */
bool h_start(h_daemon *d, const char *const *env, bool activate);

/* Waits up to @ms for a notify message containing @needle; returns a
 * malloc'ed copy or NULL. */
char *h_notify_wait(h_daemon *d, const char *needle, int ms);

/* SIGTERM and wait; returns the exit status (or 128 + signal), also of a
 * daemon that ended by itself while starting. */
int h_stop(h_daemon *d);
void h_kill9(h_daemon *d);
/* Removes the folder. */
void h_cleanup(h_daemon *d);

/* ---- Clients ----------------------------------------------------------- */

int h_connect(const h_daemon *d);

/* Sends "rosterd: 1\n" + @lines + (size: when @body) + "...\n" + @body and
 * reads one reply. Returns 0 or a negative errno. */
int h_request(int fd, const char *lines, const char *body, size_t body_size, rd_message *reply);

/* The same on a fresh connection. */
int h_call(const h_daemon *d, const char *lines, const char *body, size_t body_size,
           rd_message *reply);

/* Submits the data file @name as @op ("submit", "validate"). */
int h_submit_file(const h_daemon *d, const char *op, const char *name, rd_message *reply);

bool h_ok(const rd_message *m);
/* error.code of a reply, or "" */
const char *h_code(const rd_message *m);
/* The first problem of an error reply. */
const rd_node *h_problem(const rd_message *m, size_t i);

/* Reads a whole file; NULL when it cannot. */
char *h_read_file(const char *path, size_t *ret_size);

/* Runs rosterctl with ROSTERD_SOCKET of @d; stdout and stderr in
 * malloc'ed strings (may be NULL). Returns the exit status. */
int h_ctl(const h_daemon *d, char **ret_out, char **ret_err, const char *const *args);

/* Milliseconds on the monotonic clock. */
long long h_now_ms(void);
