/* daemon/daemon-store.h -- the state directory on disk.
 *
 *   STATE/documents/0000000012.shift-needs.agri-geldrop.yaml   accepted documents,
 *                                                              byte for byte as submitted
 *   STATE/rosters/0000000031.2026-W49.agri-geldrop.yaml        proposals: the full view,
 *                                                              "---", the employer view
 *   STATE/approved/0000000035.2026-W49.agri-geldrop.yaml       approvals, the same two views
 *                                                              with state: approved
 *   STATE/quarantine/                                          damaged files moved aside
 *   STATE/documents.wal                                        submitted documents
 *                                                              acknowledged before their
 *                                                              files were (daemon-wal.h)
 *   STATE/lock                                                 held while a daemon runs
 *
 * The number in front is the revision (a daemon-wide counter); files are
 * only ever added, never changed in place. A file appears under its name
 * only complete: it is written as ".tmp-NAME", made durable (syncfs for a
 * batch), renamed, and the rename made durable. Rosters and approvals are
 * acknowledged after that; submitted documents once they are in
 * documents.wal, which rd_store_recover() applies at the next start. */
#pragma once

#include <sys/uio.h>

#include <stdbool.h>
#include <stddef.h>

typedef enum rd_area {
        RD_AREA_DOCUMENTS,
        RD_AREA_ROSTERS,
        RD_AREA_APPROVED,
        _RD_AREA_MAX,
} rd_area;

const char *rd_area_to_string(rd_area area);

typedef struct rd_store {
        char *path;
        int dir_fd;
        int lock_fd;
        int area_fd[_RD_AREA_MAX];
        int quarantine_fd;
        bool dirty[_RD_AREA_MAX];       /* renamed into, not yet fsync'ed */
        struct rd_store_pending {       /* written by rd_store_write(), not yet renamed */
                rd_area area;
                char *name;
                int fd;
        } *pending;
        size_t n_pending, pending_capacity;
} rd_store;

/* Creates the directories as needed and takes the lock. Returns 0;
 * -EBUSY when another daemon holds the lock; or a negative errno. */
int rd_store_open(rd_store *s, const char *path);

void rd_store_close(rd_store *s);

/* Writes @size bytes of @text as @name in @area, as a temporary file;
 * rd_store_sync() makes it durable and gives it its name, together with
 * every other file written since (a whole week's proposals: two syncfs
 * calls instead of an fsync each). Call rd_store_sync() before
 * acknowledging. Returns 0 or a negative errno (nothing left behind). */
int rd_store_write(rd_store *s, rd_area area, const char *name, const char *text, size_t size);

/* The same with the file's text in pieces, written one after the other
 * (at most RD_STORE_MAX_PIECES). */
#define RD_STORE_MAX_PIECES 8
int rd_store_write_pieces(rd_store *s, rd_area area, const char *name, const struct iovec *pieces,
                          size_t n_pieces);

/* The same for a batch of files, made durable together:
 * rd_store_stage() writes the temporary file and returns its descriptor
 * without any sync; rd_store_sync_all() makes everything written on the
 * state directory's file system durable (syncfs); rd_store_finish()
 * closes a staged file and renames it to its name. A batch is committed
 * as: stage each, sync_all (their content is on disk), finish each,
 * sync_all (their names are on disk); only then acknowledge. All four are
 * safe to call from a thread other than the one that opened the store.
 * rd_store_discard() gives up a staged file. */
int rd_store_stage(const rd_store *s, rd_area area, const char *name, const char *text,
                   size_t size, int *ret_fd);
int rd_store_sync_all(const rd_store *s);
int rd_store_finish(const rd_store *s, rd_area area, const char *name, int fd);
void rd_store_discard(const rd_store *s, rd_area area, const char *name, int fd);

/* Commits what rd_store_write() wrote since the last call (syncfs, the
 * renames, syncfs again), and fsyncs every other area directory renamed
 * into. On an error the files not yet renamed are removed. Returns 0 or
 * the first negative errno. */
int rd_store_sync(rd_store *s);

/* The names in @area, sorted; stray temporary files are removed on the
 * way (*ret_stray counts them). Returns 0 or a negative errno. */
int rd_store_list(rd_store *s, rd_area area, char ***ret_names, size_t *ret_n,
                  size_t *ret_stray);

void rd_store_names_free(char **names, size_t n);

/* Reads a stored file. Returns 0 or a negative errno. */
int rd_store_read(rd_store *s, rd_area area, const char *name, char **ret_text,
                  size_t *ret_size);

/* Moves a damaged file to STATE/quarantine/AREA.NAME (a suffix makes it
 * unique) and fsyncs both directories. Returns 0 or a negative errno. */
int rd_store_quarantine(rd_store *s, rd_area area, const char *name);

/* Gives every document in STATE/documents.wal that has no file under
 * documents/ its file (made durable), then empties the log. A stored
 * file that differs from the log's bytes is quarantined first: the log
 * holds what was acknowledged. *ret_recovered counts the files written.
 * Returns 0 or a negative errno (the log is then left as it is). */
int rd_store_recover(rd_store *s, size_t *ret_recovered);

/* The highest revision number in any file name, quarantined ones
 * included, so that a revision is never given twice. */
long rd_store_max_revision(rd_store *s);

/* The revision in front of a stored name ("0000000012.x.yaml" -> 12), or
 * -1 when the name does not have the form REVISION.*.yaml. */
long rd_store_name_revision(const char *name);
