/* daemon/daemon.h -- rosterd as a long-running service (SPEC §7).
 *
 *   rosterd [--daemon] [--config FILE] [--socket PATH] [--state-dir DIR] [--debug]
 *   rosterd --solve-worker          (started by the daemon itself, never by hand)
 *
 * The daemon listens on a Unix stream socket (its own, or the one systemd
 * passes by socket activation), keeps the accepted documents and rosters
 * under the state directory and solves in worker processes. The protocol
 * is in docs/protocol.md, the design in docs/daemon.md. */
#pragma once

#include <stdbool.h>

/* True when rosterd's command line asks for the daemon or the worker: it
 * holds --daemon or --solve-worker, or none of the one-shot options
 * (--check, --solve, --help/-h, --version). */
bool rd_daemon_wanted(int argc, char **argv);

/* Runs the daemon (or the worker) with rosterd's own argc/argv and returns
 * the process exit status. */
int rd_daemon_main(int argc, char **argv);
