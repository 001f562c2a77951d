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

        /* SO_PEERGROUPS says how much room it needs by failing with
         * ERANGE; the list is snapshotted at connect() time, like the
         * credentials. */
        len = 0;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, NULL, &len) < 0 && errno == ERANGE &&
            len > 0) {
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

static bool rule_names_user(const char *user, uid_t uid) {
        unsigned long n;
        struct passwd pw, *res = NULL;
        char buf[4096];

        if (getpwnam_r(user, &pw, buf, sizeof buf, &res) == 0 && res)
                return res->pw_uid == uid;
        return parse_number(user, &n) && n == (unsigned long) uid;
}

static bool rule_names_group(const char *group, const rd_peer *peer) {
        unsigned long n;
        struct group gr, *res = NULL;
        char buf[16384];
        gid_t gid;

        if (getgrnam_r(group, &gr, buf, sizeof buf, &res) == 0 && res)
                gid = res->gr_gid;
        else if (parse_number(group, &n))
                gid = (gid_t) n;
        else
                return false;
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

int rd_grants_resolve(const rc_settings *settings, const rd_peer *peer, uid_t self_uid,
                      rd_grants *ret) {
        rd_grants g = {};
        int r = 0;

        if (peer->uid == 0 || peer->uid == self_uid)
                g.known = g.admin = g.accountmanager = true;

        for (size_t i = 0; i < settings->n_access && r == 0; i++) {
                const rc_access_rule *rule = &settings->access[i];
                bool match = rule->user ? rule_names_user(rule->user, peer->uid)
                                        : rule_names_group(rule->group, peer);
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
