/* daemon/daemon-wal.h -- the write-ahead log of submitted documents.
 *
 * STATE/documents.wal is a file of fixed size, zero-filled when it is
 * made. Each batch of submitted documents is appended to it and made
 * durable with one fdatasync() before the documents are acknowledged;
 * their files under STATE/documents/ are written afterwards, in the
 * usual order (temporary file, sync, rename, sync). Since the log's
 * blocks are already allocated and written, its fdatasync() writes data
 * and flushes the disk's cache without a journal commit of the file
 * system: about a tenth of the two syncfs() calls it replaces on the
 * acknowledgement's path (docs/performance.md).
 *
 * A record is a header line and the document's bytes:
 *
 *   rdwal1 CRC32 GENERATION SEQUENCE SIZE NAME\n TEXT \n
 *
 * with the numbers in fixed-width hex; the CRC-32 covers everything from
 * GENERATION to the final newline. Records are appended from offset 0
 * with sequence numbers 0, 1, 2, ... under one random generation; when
 * the log is full and every record in it has its file, it starts again
 * at offset 0 under a new generation. Reading takes records from offset
 * 0 for as long as each is whole, checks, and continues the sequence of
 * the first: what follows a torn write, or is left of an older
 * generation, is not read. All functions are for one thread at a time. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RD_WAL_FILE "documents.wal"
#define RD_WAL_CAPACITY ((size_t) 32 << 20)

typedef struct rd_wal {
        int fd;
        size_t capacity;        /* bytes, all written when the file was made */
        size_t offset;          /* where the next record goes */
        uint64_t generation;
        uint64_t sequence;      /* the next record's */
} rd_wal;

typedef struct rd_wal_record {
        const char *name;       /* the stored file's name under documents/ */
        const char *text;
        size_t size;
} rd_wal_record;

/* Opens STATE/documents.wal in @dir_fd, making it (@capacity bytes of
 * zeros, synced, and the directory synced) when it is missing or of
 * another size, and starts a new generation at offset 0. Whatever the
 * file held must have been read (rd_wal_read()) and applied before.
 * Returns 0 or a negative errno. */
int rd_wal_open(rd_wal *w, int dir_fd, size_t capacity);

void rd_wal_close(rd_wal *w);

/* Whether @name can be a record's name: 1 to 255 bytes, no '/', space or
 * control character, not starting with '.'. */
bool rd_wal_name_ok(const char *name);

/* The bytes a record takes in the log. */
size_t rd_wal_record_size(const rd_wal_record *rec);

/* Where a record's text starts within its bytes in the log. */
size_t rd_wal_text_offset(const rd_wal_record *rec);

/* Whether @len more bytes fit after the records already written. */
bool rd_wal_fits(const rd_wal *w, size_t len);

/* Encodes @n records into @buf (at least the sum of their sizes) with
 * the next sequence numbers, and writes and fdatasyncs them at the
 * current offset. Returns 0; -ENOSPC when they do not fit; -EINVAL for a
 * bad name; or the write's negative errno (the log is then unusable). */
int rd_wal_append(rd_wal *w, char *buf, const rd_wal_record *recs, size_t n);

/* Starts a new generation at offset 0. Only once every record written
 * has its file: the next reader sees none of them. */
void rd_wal_rewind(rd_wal *w);

/* Reads the records of the log file @name in @dir_fd, calling @visit for
 * each in order; a negative return from @visit stops and is returned.
 * A missing file has no records. *ret_n (if given) is the number of
 * records. Returns 0 or a negative errno. */
typedef int (*rd_wal_visit)(void *userdata, const rd_wal_record *rec);
int rd_wal_read(int dir_fd, const char *name, rd_wal_visit visit, void *userdata,
                size_t *ret_n);

/* Makes the log file @name in @dir_fd hold no records (its first header
 * zeroed and synced), once they have all been applied. A missing file is
 * fine. Returns 0 or a negative errno. */
int rd_wal_clear(int dir_fd, const char *name);
