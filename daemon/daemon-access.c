/* daemon/daemon-access.c -- roles from peer credentials. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "daemon-access.h"

void rd_peer_done(rd_peer *p) {
        if (!p)
                return;
        free(p->groups);
        *p = (rd_peer) {};
}

int rd_peer_from_socket(int fd, rd_peer *ret) {
        struct ucred cred;
        socklen_t len = sizeof(cred);
        gid_t *groups = NULL;
        size_t n = 0;

        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
                return -errno;

        /* SO_PEERGROUPS (snapshotted at connect() time, like the
         * credentials) fails with ERANGE and the room it needs when the
         * buffer is too small: try a buffer on the stack first, so that
         * the usual peer costs one call, not two. */
        gid_t some[64];
        len = sizeof(some);
        if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, some, &len) == 0) {
                n = len / sizeof(gid_t);
                if (n > 0) {
                        groups = malloc(len);
                        if (!groups)
                                return -ENOMEM;
                        memcpy(groups, some, len);
                }
        } else if (errno == ERANGE && len > 0) {
                groups = malloc(len);
                if (!groups)
                        return -ENOMEM;
                if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0) {
                        free(groups);
                        groups = NULL;
                } else {
                        n = len / sizeof(gid_t);
                }
        }
        *ret = (rd_peer) { .pid = cred.pid, .uid = cred.uid, .gid = cred.gid, .groups = groups,
                           .n_groups = n };
        return 0;
}

/* A name in an access rule: a user or group name, or a number. */
static bool parse_number(const char *s, unsigned long *ret) {
        char *end;

        if (!*s || *s < '0' || *s > '9')
                return false;
        errno = 0;
        *ret = strtoul(s, &end, 10);
        return errno == 0 && *end == '\0';
}

static long lookup_user(const char *user) {
        unsigned long n;
        struct passwd pw, *res = NULL;
        char buf[4096];

        if (getpwnam_r(user, &pw, buf, sizeof buf, &res) == 0 && res)
                return (long) res->pw_uid;
        return parse_number(user, &n) && n <= (uid_t) -2 ? (long) n : RD_ACCESS_UNKNOWN;
}

static long lookup_group(const char *group) {
        unsigned long n;
        struct group gr, *res = NULL;
        char buf[16384];

        if (getgrnam_r(group, &gr, buf, sizeof buf, &res) == 0 && res)
                return (long) res->gr_gid;
        return parse_number(group, &n) && n <= (gid_t) -2 ? (long) n : RD_ACCESS_UNKNOWN;
}

int rd_access_ids_resolve(const rc_settings *settings, rd_access_ids *ret) {
        long *ids = NULL;

        if (settings->n_access > 0) {
                ids = calloc(settings->n_access, sizeof(*ids));
                if (!ids)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < settings->n_access; i++) {
                const rc_access_rule *rule = &settings->access[i];
                ids[i] = rule->user ? lookup_user(rule->user) : lookup_group(rule->group);
        }
        *ret = (rd_access_ids) { .ids = ids, .n = settings->n_access };
        return 0;
}

void rd_access_ids_done(rd_access_ids *ids) {
        if (!ids)
                return;
        free(ids->ids);
        *ids = (rd_access_ids) {};
}

static bool peer_in_group(const rd_peer *peer, gid_t gid) {
        if (peer->gid == gid)
                return true;
        for (size_t i = 0; i < peer->n_groups; i++)
                if (peer->groups[i] == gid)
                        return true;
        return false;
}

static int add_names(const char ***v, size_t *n, char **names, size_t count, bool *all) {
        for (size_t i = 0; i < count; i++) {
                if (strcmp(names[i], "*") == 0) {
                        *all = true;
                        continue;
                }
                const char **more = realloc(*v, (*n + 1) * sizeof(**v));
                if (!more)
                        return -ENOMEM;
                *v = more;
                (*v)[(*n)++] = names[i];
        }
        return 0;
}

int rd_grants_resolve(const rc_settings *settings, const rd_access_ids *ids, const rd_peer *peer,
                      uid_t self_uid, rd_grants *ret) {
        rd_grants g = {};
        int r = 0;

        if (peer->uid == 0 || peer->uid == self_uid)
                g.known = g.admin = g.accountmanager = true;

        for (size_t i = 0; i < settings->n_access && i < ids->n && r == 0; i++) {
                const rc_access_rule *rule = &settings->access[i];
                long id = ids->ids[i];
                bool match = id != RD_ACCESS_UNKNOWN &&
                             (rule->user ? (uid_t) id == peer->uid : peer_in_group(peer, (gid_t) id));
                if (!match)
                        continue;
                g.known = true;
                switch (rule->role) {
                case RC_ROLE_ADMIN:
                        g.admin = true;
                        g.accountmanager = true;
                        break;
                case RC_ROLE_ACCOUNTMANAGER:
                        g.accountmanager = true;
                        break;
                case RC_ROLE_EMPLOYER:
                        r = add_names(&g.employers, &g.n_employers, rule->employers,
                                      rule->n_employers, &g.all_employers);
                        break;
                case RC_ROLE_SCHOOL:
                        r = add_names(&g.schools, &g.n_schools, rule->schools, rule->n_schools,
                                      &g.all_schools);
                        break;
                default:
                        break;
                }
        }
        if (r < 0) {
                rd_grants_done(&g);
                return r;
        }
        *ret = g;
        return 0;
}

void rd_grants_done(rd_grants *g) {
        if (!g)
                return;
        free(g->employers);
        free(g->schools);
        *g = (rd_grants) {};
}

bool rd_grants_full(const rd_grants *g) {
        return g->accountmanager || g->admin;
}

bool rd_grants_employer(const rd_grants *g, const char *employer) {
        if (rd_grants_full(g) || g->all_employers)
                return true;
        for (size_t i = 0; i < g->n_employers; i++)
                if (strcmp(g->employers[i], employer) == 0)
                        return true;
        return false;
}

bool rd_grants_school(const rd_grants *g, const char *school) {
        if (rd_grants_full(g) || g->all_schools)
                return true;
        for (size_t i = 0; i < g->n_schools; i++)
                if (strcmp(g->schools[i], school) == 0)
                        return true;
        return false;
}

const char *rd_grants_role(const rd_grants *g) {
        if (g->admin)
                return "admin";
        if (g->accountmanager)
                return "accountmanager";
        if (g->all_employers || g->n_employers > 0)
                return "employer";
        if (g->all_schools || g->n_schools > 0)
                return "school";
        return "none";
}
