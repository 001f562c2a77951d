/* daemon/daemon-wal.c -- the write-ahead log of submitted documents. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "daemon-wal.h"

#define MAGIC "rdwal1 "
/* "rdwal1 " CRC(8) ' ' GENERATION(16) ' ' SEQUENCE(16) ' ' SIZE(16) ' ' */
#define CRC_AT 7
#define COVERED_FROM 16
#define GENERATION_AT 16
#define SEQUENCE_AT 33
#define SIZE_AT 50
#define NAME_AT 67
#define NAME_MAX_LEN 255

static uint64_t new_generation(void) {
        uint64_t g = 0;

        if (getrandom(&g, sizeof g, GRND_NONBLOCK) != (ssize_t) sizeof g) {
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                g = (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
                g ^= (uint64_t) getpid() << 40;
        }
        return g;
}

static int write_zeros(int fd, size_t len) {
        static const char zeros[65536];
        size_t done = 0;

        while (done < len) {
                size_t chunk = len - done < sizeof zeros ? len - done : sizeof zeros;
                ssize_t w = pwrite(fd, zeros, chunk, (off_t) done);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w < 0)
                        return -errno;
                done += (size_t) w;
        }
        return 0;
}

int rd_wal_open(rd_wal *w, int dir_fd, size_t capacity) {
        struct stat st;
        int r;

        *w = (rd_wal) { .fd = -1 };
        w->fd = openat(dir_fd, RD_WAL_FILE, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
        if (w->fd < 0)
                return -errno;
        if (fstat(w->fd, &st) < 0) {
                r = -errno;
                goto fail;
        }
        if (!S_ISREG(st.st_mode)) {
                r = -EISDIR;
                goto fail;
        }
        if ((size_t) st.st_size != capacity) {
                /* Written out, not just allocated: an fdatasync() into
                 * unwritten extents would commit their conversion in the
                 * file system's journal every time. */
                if (ftruncate(w->fd, 0) < 0) {
                        r = -errno;
                        goto fail;
                }
                r = write_zeros(w->fd, capacity);
                if (r < 0)
                        goto fail;
                if (fsync(w->fd) < 0 || fsync(dir_fd) < 0) {
                        r = -errno;
                        goto fail;
                }
        }
        w->capacity = capacity;
        rd_wal_rewind(w);
        return 0;

fail:
        rd_wal_close(w);
        return r;
}

void rd_wal_close(rd_wal *w) {
        if (w->fd >= 0)
                close(w->fd);
        *w = (rd_wal) { .fd = -1 };
}

bool rd_wal_name_ok(const char *name) {
        size_t n = strlen(name);

        if (n == 0 || n > NAME_MAX_LEN || name[0] == '.')
                return false;
        for (size_t i = 0; i < n; i++)
                if (name[i] == '/' || (unsigned char) name[i] <= ' ' || name[i] == 0x7f)
                        return false;
        return true;
}

size_t rd_wal_record_size(const rd_wal_record *rec) {
        return NAME_AT + strlen(rec->name) + 1 + rec->size + 1;
}

size_t rd_wal_text_offset(const rd_wal_record *rec) {
        return NAME_AT + strlen(rec->name) + 1;
}

bool rd_wal_fits(const rd_wal *w, size_t len) {
        return len <= w->capacity && w->offset <= w->capacity - len;
}

void rd_wal_rewind(rd_wal *w) {
        w->offset = 0;
        w->sequence = 0;
        w->generation = new_generation();
}

static size_t encode(char *buf, uint64_t generation, uint64_t sequence,
                     const rd_wal_record *rec) {
        size_t name_len = strlen(rec->name);
        char crc_text[9];
        uLong crc;

        snprintf(buf, NAME_AT + 1, MAGIC "%08x %016" PRIx64 " %016" PRIx64 " %016zx ", 0u,
                 generation, sequence, rec->size);
        memcpy(buf + NAME_AT, rec->name, name_len);
        buf[NAME_AT + name_len] = '\n';
        memcpy(buf + NAME_AT + name_len + 1, rec->text, rec->size);
        buf[NAME_AT + name_len + 1 + rec->size] = '\n';

        size_t total = NAME_AT + name_len + 1 + rec->size + 1;
        crc = crc32_z(0L, (const Bytef *) buf + COVERED_FROM, total - COVERED_FROM);
        snprintf(crc_text, sizeof crc_text, "%08lx", crc & 0xffffffffUL);
        memcpy(buf + CRC_AT, crc_text, 8);
        return total;
}

int rd_wal_append(rd_wal *w, char *buf, const rd_wal_record *recs, size_t n) {
        size_t len = 0, done = 0;

        for (size_t i = 0; i < n; i++) {
                if (!rd_wal_name_ok(recs[i].name))
                        return -EINVAL;
                len += rd_wal_record_size(&recs[i]);
        }
        if (!rd_wal_fits(w, len))
                return -ENOSPC;
        for (size_t i = 0, at = 0; i < n; i++)
                at += encode(buf + at, w->generation, w->sequence + i, &recs[i]);
        while (done < len) {
                ssize_t r = pwrite(w->fd, buf + done, len - done, (off_t) (w->offset + done));
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return -errno;
                done += (size_t) r;
        }
        if (fdatasync(w->fd) < 0)
                return -errno;
        w->offset += len;
        w->sequence += n;
        return 0;
}

/* Exactly @digits hex digits at @p, then a space. */
static bool parse_hex(const char *p, int digits, uint64_t *ret) {
        uint64_t v = 0;

        for (int i = 0; i < digits; i++) {
                char c = p[i];
                int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                if (d < 0)
                        return false;
                v = v << 4 | (uint64_t) d;
        }
        if (p[digits] != ' ')
                return false;
        *ret = v;
        return true;
}

/* The record at @p (with @left bytes of the file from there), if it is
 * whole and checks; its length, or 0. */
static size_t decode(const char *p, size_t left, uint64_t *ret_generation,
                     uint64_t *ret_sequence, rd_wal_record *ret) {
        uint64_t crc, size;
        char name[NAME_MAX_LEN + 1];
        size_t name_len = 0, total;

        if (left < NAME_AT || memcmp(p, MAGIC, strlen(MAGIC)) != 0 ||
            !parse_hex(p + CRC_AT, 8, &crc) || !parse_hex(p + GENERATION_AT, 16, ret_generation) ||
            !parse_hex(p + SEQUENCE_AT, 16, ret_sequence) || !parse_hex(p + SIZE_AT, 16, &size))
                return 0;
        while (name_len <= NAME_MAX_LEN && NAME_AT + name_len < left && p[NAME_AT + name_len] != '\n')
                name_len++;
        if (name_len > NAME_MAX_LEN || NAME_AT + name_len >= left)
                return 0;
        memcpy(name, p + NAME_AT, name_len);
        name[name_len] = '\0';
        if (!rd_wal_name_ok(name))
                return 0;
        total = NAME_AT + name_len + 1;
        if (size > left - total || left - total - size < 1 || p[total + size] != '\n')
                return 0;
        total += size + 1;
        if ((crc32_z(0L, (const Bytef *) p + COVERED_FROM, total - COVERED_FROM) & 0xffffffffUL) !=
            crc)
                return 0;
        ret->name = p + NAME_AT;        /* ends at '\n': the caller copies it */
        ret->text = p + NAME_AT + name_len + 1;
        ret->size = size;
        return total;
}

int rd_wal_read(int dir_fd, const char *name, rd_wal_visit visit, void *userdata,
                size_t *ret_n) {
        int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        struct stat st;
        const char *map;
        size_t n = 0, offset = 0;
        uint64_t first_generation = 0;
        int r = 0;

        if (ret_n)
                *ret_n = 0;
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        if (fstat(fd, &st) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        if (!S_ISREG(st.st_mode) || st.st_size == 0) {
                close(fd);
                return S_ISREG(st.st_mode) ? 0 : -EISDIR;
        }
        map = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        close(fd);
        if (map == MAP_FAILED)
                return -errno;

        for (;;) {
                uint64_t generation, sequence;
                rd_wal_record rec;
                char rec_name[NAME_MAX_LEN + 1];
                size_t len = decode(map + offset, (size_t) st.st_size - offset, &generation,
                                    &sequence, &rec);

                if (len == 0 || sequence != n || (n > 0 && generation != first_generation))
                        break;
                first_generation = generation;
                memcpy(rec_name, rec.name, (size_t) (rec.text - 1 - rec.name));
                rec_name[rec.text - 1 - rec.name] = '\0';
                rec.name = rec_name;
                r = visit(userdata, &rec);
                if (r < 0)
                        break;
                n++;
                offset += len;
        }
        munmap((void *) map, (size_t) st.st_size);
        if (ret_n)
                *ret_n = n;
        return r < 0 ? r : 0;
}

int rd_wal_clear(int dir_fd, const char *name) {
        int fd = openat(dir_fd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        struct stat st;
        int r = 0;

        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        if (fstat(fd, &st) < 0)
                r = -errno;
        else if (st.st_size > 0)
                r = write_zeros(fd, (size_t) st.st_size < NAME_AT ? (size_t) st.st_size : NAME_AT);
        if (r == 0 && fdatasync(fd) < 0)
                r = -errno;
        close(fd);
        return r;
}
