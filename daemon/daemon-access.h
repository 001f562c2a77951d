/* daemon/daemon-access.h -- who may do what (SPEC §1, §3.4).
 *
 * The peer of a connection is known by SO_PEERCRED (uid, primary gid) and
 * SO_PEERGROUPS (its supplementary groups). Every access rule of the
 * configuration that names its user or one of its groups applies; the
 * grants of all of them add up. Root, and the user the daemon runs as,
 * are admin without a rule. A peer no rule names has no grants and every
 * request of it is refused.
 *
 * The user and group names of the rules are looked up once, when a
 * configuration is taken (rd_access_ids_resolve), never per connection:
 * a name service lookup opens several files and may ask other services,
 * which the event loop must not wait for on every request. A user or
 * group created later is known after the next reload. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "roster/config.h"

typedef struct rd_peer {
        pid_t pid;
        uid_t uid;
        gid_t gid;
        gid_t *groups;                  /* supplementary groups, may be NULL */
        size_t n_groups;
} rd_peer;

void rd_peer_done(rd_peer *p);

/* Reads the credentials of the peer of connected socket @fd. */
int rd_peer_from_socket(int fd, rd_peer *ret);

/* The numeric id of each access rule's user or group, in rule order;
 * RD_ACCESS_UNKNOWN where the name is neither known nor a number. */
#define RD_ACCESS_UNKNOWN (-1L)

typedef struct rd_access_ids {
        long *ids;
        size_t n;
} rd_access_ids;

/* Looks up every name of @settings' rules. Returns 0 or -ENOMEM. */
int rd_access_ids_resolve(const rc_settings *settings, rd_access_ids *ret);
void rd_access_ids_done(rd_access_ids *ids);

typedef struct rd_grants {
        bool known;                     /* at least one rule (or root) applies */
        bool admin;
        bool accountmanager;            /* also true for admin */
        bool all_employers;
        const char **employers;         /* borrowed from the settings */
        size_t n_employers;
        bool all_schools;
        const char **schools;
        size_t n_schools;
} rd_grants;

/* The grants of @peer under @settings, whose rule names @ids holds
 * resolved. The strings stay owned by @settings: resolve again after a
 * reload. Returns 0 or -ENOMEM. */
int rd_grants_resolve(const rc_settings *settings, const rd_access_ids *ids, const rd_peer *peer,
                      uid_t self_uid, rd_grants *ret);

void rd_grants_done(rd_grants *g);

/* Account managers and admins see everything (the full view). */
bool rd_grants_full(const rd_grants *g);
bool rd_grants_employer(const rd_grants *g, const char *employer);
bool rd_grants_school(const rd_grants *g, const char *school);

/* "admin", "accountmanager", "employer", "school" or "none": the highest. */
const char *rd_grants_role(const rd_grants *g);
