/* daemon/daemon-store.c -- the state directory on disk. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "daemon-store.h"
#include "daemon-wal.h"

#define TMP_PREFIX ".tmp-"

const char *rd_area_to_string(rd_area area) {
        static const char *const names[_RD_AREA_MAX] = {
                [RD_AREA_DOCUMENTS] = "documents",
                [RD_AREA_ROSTERS] = "rosters",
                [RD_AREA_APPROVED] = "approved",
        };

        return area >= 0 && area < _RD_AREA_MAX ? names[area] : NULL;
}

static int mkdir_p(const char *path, mode_t mode) {
        char *copy = strdup(path);
        int r = 0;

        if (!copy)
                return -ENOMEM;
        for (char *p = copy + 1; ; p++) {
                if (*p == '/' || *p == '\0') {
                        char c = *p;
                        *p = '\0';
                        if (mkdir(copy, mode) < 0 && errno != EEXIST) {
                                r = -errno;
                                break;
                        }
                        *p = c;
                        if (c == '\0')
                                break;
                }
        }
        free(copy);
        return r;
}

static int open_subdir(int dir_fd, const char *name) {
        int fd;

        if (mkdirat(dir_fd, name, 0750) < 0 && errno != EEXIST)
                return -errno;
        fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

int rd_store_open(rd_store *s, const char *path) {
        int r;

        *s = (rd_store) { .dir_fd = -1, .lock_fd = -1, .quarantine_fd = -1 };
        for (int a = 0; a < _RD_AREA_MAX; a++)
                s->area_fd[a] = -1;

        s->path = strdup(path);
        if (!s->path)
                return -ENOMEM;
        r = mkdir_p(path, 0750);
        if (r < 0)
                goto fail;
        s->dir_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (s->dir_fd < 0) {
                r = -errno;
                goto fail;
        }
        s->lock_fd = openat(s->dir_fd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0640);
        if (s->lock_fd < 0) {
                r = -errno;
                goto fail;
        }
        if (flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0) {
                r = errno == EWOULDBLOCK ? -EBUSY : -errno;
                goto fail;
        }
        for (int a = 0; a < _RD_AREA_MAX; a++) {
                s->area_fd[a] = open_subdir(s->dir_fd, rd_area_to_string((rd_area) a));
                if (s->area_fd[a] < 0) {
                        r = s->area_fd[a];
                        goto fail;
                }
        }
        s->quarantine_fd = open_subdir(s->dir_fd, "quarantine");
        if (s->quarantine_fd < 0) {
                r = s->quarantine_fd;
                goto fail;
        }
        if (fsync(s->dir_fd) < 0) {
                r = -errno;
                goto fail;
        }
        return 0;

fail:
        rd_store_close(s);
        return r;
}

void rd_store_close(rd_store *s) {
        if (!s)
                return;
        for (size_t i = 0; i < s->n_pending; i++) {
                rd_store_discard(s, s->pending[i].area, s->pending[i].name, s->pending[i].fd);
                free(s->pending[i].name);
        }
        free(s->pending);
        for (int a = 0; a < _RD_AREA_MAX; a++)
                if (s->area_fd[a] >= 0)
                        close(s->area_fd[a]);
        if (s->quarantine_fd >= 0)
                close(s->quarantine_fd);
        if (s->lock_fd >= 0)
                close(s->lock_fd);
        if (s->dir_fd >= 0)
                close(s->dir_fd);
        free(s->path);
        *s = (rd_store) { .dir_fd = -1, .lock_fd = -1, .quarantine_fd = -1 };
        for (int a = 0; a < _RD_AREA_MAX; a++)
                s->area_fd[a] = -1;
}

/* Writes @n pieces one after the other, with writev(): a roster's two
 * views go to its file without first being copied into one buffer. */
static int write_fully(int fd, const struct iovec *pieces, size_t n) {
        struct iovec iov[RD_STORE_MAX_PIECES];
        struct iovec *left = iov;

        if (n > RD_STORE_MAX_PIECES)
                return -EINVAL;
        memcpy(iov, pieces, n * sizeof(*iov));
        while (n > 0) {
                ssize_t w = writev(fd, left, (int) n);
                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                /* Past the pieces written whole, into the one cut short. */
                while (n > 0 && (size_t) w >= left->iov_len) {
                        w -= (ssize_t) left->iov_len;
                        left++;
                        n--;
                }
                if (n > 0) {
                        left->iov_base = (char *) left->iov_base + w;
                        left->iov_len -= (size_t) w;
                }
        }
        return 0;
}

/* The old way, one file made durable on its own: when the pending list
 * cannot grow. */
static int write_now(rd_store *s, rd_area area, const char *name, const struct iovec *pieces,
                     size_t n_pieces) {
        char tmp[512];
        int fd, r, dfd = s->area_fd[area];

        if (snprintf(tmp, sizeof tmp, TMP_PREFIX "%s", name) >= (int) sizeof tmp)
                return -ENAMETOOLONG;
        fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
        if (fd < 0)
                return -errno;
        r = write_fully(fd, pieces, n_pieces);
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r == 0 && renameat(dfd, tmp, dfd, name) < 0)
                r = -errno;
        if (r < 0) {
                unlinkat(dfd, tmp, 0);
                return r;
        }
        s->dirty[area] = true;
        return 0;
}

static int stage_pieces(const rd_store *s, rd_area area, const char *name,
                        const struct iovec *pieces, size_t n_pieces, int *ret_fd);

int rd_store_write(rd_store *s, rd_area area, const char *name, const char *text, size_t size) {
        struct iovec piece = { (void *) text, size };

        return rd_store_write_pieces(s, area, name, &piece, 1);
}

int rd_store_write_pieces(rd_store *s, rd_area area, const char *name, const struct iovec *pieces,
                          size_t n_pieces) {
        char *copy = strdup(name);
        int fd = -1, r;

        if (!copy)
                return -ENOMEM;
        if (s->n_pending == s->pending_capacity) {
                size_t capacity = s->pending_capacity ? 2 * s->pending_capacity : 16;
                struct rd_store_pending *more = realloc(s->pending, capacity * sizeof(*more));
                if (!more) {
                        free(copy);
                        return write_now(s, area, name, pieces, n_pieces);
                }
                s->pending = more;
                s->pending_capacity = capacity;
        }
        r = stage_pieces(s, area, name, pieces, n_pieces, &fd);
        if (r < 0) {
                free(copy);
                return r;
        }
        s->pending[s->n_pending++] = (struct rd_store_pending) { area, copy, fd };
        return 0;
}

static int tmp_name(char buf[static 512], const char *name) {
        if (snprintf(buf, 512, TMP_PREFIX "%s", name) >= 512)
                return -ENAMETOOLONG;
        return 0;
}

int rd_store_stage(const rd_store *s, rd_area area, const char *name, const char *text,
                   size_t size, int *ret_fd) {
        struct iovec piece = { (void *) text, size };

        return stage_pieces(s, area, name, &piece, 1, ret_fd);
}

static int stage_pieces(const rd_store *s, rd_area area, const char *name,
                        const struct iovec *pieces, size_t n_pieces, int *ret_fd) {
        char tmp[512];
        int fd, r = tmp_name(tmp, name);

        if (r < 0)
                return r;
        fd = openat(s->area_fd[area], tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
        if (fd < 0)
                return -errno;
        r = write_fully(fd, pieces, n_pieces);
        if (r < 0) {
                close(fd);
                unlinkat(s->area_fd[area], tmp, 0);
                return r;
        }
        *ret_fd = fd;
        return 0;
}

int rd_store_finish(const rd_store *s, rd_area area, const char *name, int fd) {
        char tmp[512];
        int r = tmp_name(tmp, name);

        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r == 0 && renameat(s->area_fd[area], tmp, s->area_fd[area], name) < 0)
                r = -errno;
        if (r < 0)
                unlinkat(s->area_fd[area], tmp, 0);
        return r;
}

int rd_store_sync_all(const rd_store *s) {
        /* One syncfs() makes the data and names of a whole batch durable
         * in one journal commit and one cache flush, where an fsync() per
         * file costs a commit and a flush each (about 1 ms apiece on
         * ordinary disks). Since Linux 5.8 it also reports write-back
         * errors of the file system. */
        return syncfs(s->dir_fd) < 0 ? -errno : 0;
}

void rd_store_discard(const rd_store *s, rd_area area, const char *name, int fd) {
        char tmp[512];

        if (fd >= 0)
                close(fd);
        if (tmp_name(tmp, name) == 0)
                unlinkat(s->area_fd[area], tmp, 0);
}

int rd_store_sync(rd_store *s) {
        int r = 0;

        if (s->n_pending > 0) {
                r = rd_store_sync_all(s);
                for (size_t i = 0; i < s->n_pending; i++) {
                        struct rd_store_pending *p = &s->pending[i];
                        if (r < 0) {
                                rd_store_discard(s, p->area, p->name, p->fd);
                        } else {
                                int f = rd_store_finish(s, p->area, p->name, p->fd);
                                if (f < 0 && r == 0)
                                        r = f;
                        }
                        free(p->name);
                }
                s->n_pending = 0;
                int again = rd_store_sync_all(s);
                if (again < 0 && r == 0)
                        r = again;
        }

        for (int a = 0; a < _RD_AREA_MAX; a++) {
                if (!s->dirty[a])
                        continue;
                if (fsync(s->area_fd[a]) < 0 && r == 0)
                        r = -errno;
                else
                        s->dirty[a] = false;
        }
        return r;
}

static int compare_names(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

void rd_store_names_free(char **names, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
}

static int list_dir(int dfd, bool remove_tmp, char ***ret_names, size_t *ret_n,
                    size_t *ret_stray) {
        int fd = dup(dfd);
        DIR *d;
        struct dirent *de;
        char **names = NULL;
        size_t n = 0, capacity = 0, stray = 0;

        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        rewinddir(d);
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.') {
                        if (remove_tmp && strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0 &&
                            unlinkat(dfd, de->d_name, 0) == 0)
                                stray++;
                        continue;
                }
                if (n == capacity) {
                        capacity = capacity ? capacity * 2 : 64;
                        char **more = realloc(names, capacity * sizeof(*names));
                        if (!more)
                                goto oom;
                        names = more;
                }
                names[n] = strdup(de->d_name);
                if (!names[n])
                        goto oom;
                n++;
        }
        closedir(d);
        if (n > 0)
                qsort(names, n, sizeof(*names), compare_names);
        *ret_names = names;
        *ret_n = n;
        if (ret_stray)
                *ret_stray = stray;
        return 0;

oom:
        closedir(d);
        rd_store_names_free(names, n);
        return -ENOMEM;
}

int rd_store_list(rd_store *s, rd_area area, char ***ret_names, size_t *ret_n,
                  size_t *ret_stray) {
        int r = list_dir(s->area_fd[area], true, ret_names, ret_n, ret_stray);

        if (r == 0 && ret_stray && *ret_stray > 0 && fsync(s->area_fd[area]) < 0)
                return -errno;
        return r;
}

int rd_store_read(rd_store *s, rd_area area, const char *name, char **ret_text,
                  size_t *ret_size) {
        int fd = openat(s->area_fd[area], name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        struct stat st;
        char *text;
        size_t have = 0;

        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        if (!S_ISREG(st.st_mode)) {
                close(fd);
                return -EISDIR;
        }
        text = malloc((size_t) st.st_size + 1);
        if (!text) {
                close(fd);
                return -ENOMEM;
        }
        while (have < (size_t) st.st_size) {
                ssize_t n = read(fd, text + have, (size_t) st.st_size - have);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                have += (size_t) n;
        }
        close(fd);
        text[have] = '\0';
        *ret_text = text;
        *ret_size = have;
        return 0;
}

int rd_store_quarantine(rd_store *s, rd_area area, const char *name) {
        const char *area_name = rd_area_to_string(area);
        char target[600];

        if (!area_name)
                return -EINVAL;
        for (int i = 0; i < 1000; i++) {
                if (i == 0)
                        snprintf(target, sizeof target, "%s.%s", area_name, name);
                else
                        snprintf(target, sizeof target, "%s.%s.%d", area_name, name, i);
                if (faccessat(s->quarantine_fd, target, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                        continue;
                if (renameat(s->area_fd[area], name, s->quarantine_fd, target) < 0)
                        return -errno;
                if (fsync(s->quarantine_fd) < 0 || fsync(s->area_fd[area]) < 0)
                        return -errno;
                return 0;
        }
        return -EEXIST;
}

/* At most this many files are written before a sync: each staged file
 * holds a descriptor until then. */
#define RECOVER_GROUP 256

struct recovery {
        rd_store *store;
        size_t written, in_group;
};

static bool same_bytes(rd_store *s, const char *name, const char *text, size_t size) {
        char *stored = NULL;
        size_t stored_size = 0;
        bool same;

        if (rd_store_read(s, RD_AREA_DOCUMENTS, name, &stored, &stored_size) < 0)
                return false;
        same = stored_size == size && memcmp(stored, text, size) == 0;
        free(stored);
        return same;
}

static int recover_one(void *userdata, const rd_wal_record *rec) {
        struct recovery *rc = userdata;
        rd_store *s = rc->store;
        int r;

        if (rd_store_name_revision(rec->name) <= 0)
                return 0;
        if (faccessat(s->area_fd[RD_AREA_DOCUMENTS], rec->name, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
                if (same_bytes(s, rec->name, rec->text, rec->size))
                        return 0;
                r = rd_store_quarantine(s, RD_AREA_DOCUMENTS, rec->name);
                if (r < 0)
                        return r;
        }
        r = rd_store_write(s, RD_AREA_DOCUMENTS, rec->name, rec->text, rec->size);
        if (r < 0)
                return r;
        rc->written++;
        if (++rc->in_group == RECOVER_GROUP) {
                rc->in_group = 0;
                return rd_store_sync(s);
        }
        return 0;
}

int rd_store_recover(rd_store *s, size_t *ret_recovered) {
        struct recovery rc = { .store = s };
        int r = rd_wal_read(s->dir_fd, RD_WAL_FILE, recover_one, &rc, NULL);
        int synced = rd_store_sync(s);

        if (r == 0)
                r = synced;
        if (r == 0)
                r = rd_wal_clear(s->dir_fd, RD_WAL_FILE);
        *ret_recovered = rc.written;
        return r;
}

long rd_store_name_revision(const char *name) {
        char *end;
        long rev;
        size_t n = strlen(name);

        if (name[0] < '0' || name[0] > '9' || n < 6 || strcmp(name + n - 5, ".yaml") != 0)
                return -1;
        errno = 0;
        rev = strtol(name, &end, 10);
        if (errno || *end != '.' || rev < 0)
                return -1;
        return rev;
}

long rd_store_max_revision(rd_store *s) {
        long max = 0;

        for (int a = 0; a <= _RD_AREA_MAX; a++) {
                int dfd = a < _RD_AREA_MAX ? s->area_fd[a] : s->quarantine_fd;
                char **names = NULL;
                size_t n = 0;

                if (list_dir(dfd, false, &names, &n, NULL) < 0)
                        continue;
                for (size_t i = 0; i < n; i++) {
                        const char *base = names[i];
                        long rev;
                        /* Quarantined names carry their area in front. */
                        if (a == _RD_AREA_MAX) {
                                const char *dot = strchr(base, '.');
                                base = dot ? dot + 1 : base;
                        }
                        rev = strtol(base, NULL, 10);
                        if (rev > max)
                                max = rev;
                }
                rd_store_names_free(names, n);
        }
        return max;
}
