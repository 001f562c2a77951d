/* daemon/daemon-commit.c -- submitted documents to disk, in batches.
 *
 * The loop gives each document its revision and file name; a helper
 * thread then commits all that came meanwhile as one batch: it appends
 * them to the write-ahead log (daemon-wal.h) with one fdatasync, and
 * hands the batch to a second thread, the filer, which gives each
 * document its file under documents/ (a temporary file each, one syncfs
 * for their content, a rename each, one syncfs for their names).
 * Once the batch is in the log the documents are taken into the corpus
 * and acknowledged, in revision order. One fdatasync of a preallocated
 * file per batch on the acknowledgement's path, instead of one fsync per
 * document or two syncfs per batch, is what lets hundreds of submitters
 * be acknowledged within tens of milliseconds (docs/performance.md).
 * When the log cannot take a batch (full while the filer is behind, a
 * batch larger than the log, a write error) the helper commits it the
 * direct way, with the two syncfs, before it is acknowledged.
 * The loop never waits for the disk on a submission, and gathers the
 * next batch while one is on its way. The threads touch nothing but the
 * files of their batches. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon-server.h"
#include "daemon-wal.h"

/* Files written per pair of syncs by the filer: each holds a descriptor
 * until its rename. */
#define FILE_GROUP 256

/* How long the filer waits for the submissions to pause (wait_for_quiet()). */
#define FILER_QUIET_USEC 50000

/* A batch in the log whose files are still to be written. */
typedef struct rd_chunk {
        struct rd_chunk *next;
        char *buf;                      /* the records, as written to the log */
        size_t n;
        struct rd_chunk_file {
                char *name;
                const char *text;       /* in @buf */
                size_t size;
        } *files;
} rd_chunk;

struct rd_committer {
        rd_server *server;
        pthread_t thread;
        bool has_thread;
        pthread_mutex_t lock;
        pthread_cond_t cond;
        bool stop;

        /* The batch on its way, shared with the helper under @lock. */
        rd_pending **batch;
        size_t n_batch;
        int batch_error;
        bool in_flight, taken;

        /* Staged since, for the next batch: the loop's only. */
        rd_pending **waiting;
        size_t n_waiting;

        int efd;
        sd_event_source *efd_source;
        sd_event_source *kick;

        /* The log: the helper's only, once set up. */
        rd_wal wal;
        bool use_wal;

        /* The filer's queue, under @lock. @logged and @filed count the
         * chunks handed over and those with their files: when they are
         * equal, nothing in the log is needed any more. */
        pthread_t filer;
        bool has_filer;
        pthread_cond_t filer_cond;
        rd_chunk *queue, **queue_tail;
        size_t queued_bytes;
        size_t logged, filed;
        bool filer_stop;
};

static void chunk_free(rd_chunk *k) {
        while (k) {
                rd_chunk *next = k->next;
                for (size_t i = 0; k->files && i < k->n; i++)
                        free(k->files[i].name);
                free(k->files);
                free(k->buf);
                free(k);
                k = next;
        }
}

static void pending_free(rd_pending *p) {
        if (!p)
                return;
        if (p->conn)
                rd_conn_unref(p->conn);
        free(p->request_id);
        rc_document_free(p->doc);
        free(p->text);
        free(p->name);
        free(p->file);
        free(p);
}

/* Commits @batch the direct way; each document's own failure goes to its
 * ->error, a failure of the whole batch is returned. Creating the files
 * is done here too, not in the loop: a new inode can take a millisecond
 * on a file system with many recently deleted files. */
static int commit_batch(const rd_store *store, rd_pending **batch, size_t n) {
        int r;

        for (size_t i = 0; i < n; i++)
                batch[i]->error = rd_store_stage(store, RD_AREA_DOCUMENTS, batch[i]->file,
                                                 batch[i]->text, batch[i]->size, &batch[i]->fd);
        r = rd_store_sync_all(store);
        for (size_t i = 0; i < n; i++) {
                rd_pending *p = batch[i];

                if (p->error < 0)
                        continue;
                if (r < 0)
                        rd_store_discard(store, RD_AREA_DOCUMENTS, p->file, p->fd);
                else
                        p->error = rd_store_finish(store, RD_AREA_DOCUMENTS, p->file, p->fd);
                p->fd = -1;
        }
        if (r < 0)
                return r;
        return rd_store_sync_all(store);
}

/* Appends @batch to the log and hands it to the filer. Returns 0 once
 * it is durable there, or a negative errno when it must be committed the
 * direct way. */
static int log_batch(rd_committer *c, rd_pending **batch, size_t n) {
        rd_wal_record *recs = calloc(n, sizeof(*recs));
        rd_chunk *chunk = NULL;
        size_t len = 0;
        int r = -ENOMEM;

        if (!recs)
                goto fail;
        for (size_t i = 0; i < n; i++) {
                recs[i] = (rd_wal_record) { batch[i]->file, batch[i]->text, batch[i]->size };
                len += rd_wal_record_size(&recs[i]);
        }
        if (!rd_wal_fits(&c->wal, len)) {
                bool all_filed;

                pthread_mutex_lock(&c->lock);
                all_filed = c->filed == c->logged;
                pthread_mutex_unlock(&c->lock);
                r = -ENOSPC;
                if (!all_filed || len > c->wal.capacity)
                        goto fail;
                rd_wal_rewind(&c->wal);
        }

        /* The filer's copy: the log's bytes and the names. */
        r = -ENOMEM;
        chunk = calloc(1, sizeof(*chunk));
        if (!chunk)
                goto fail;
        chunk->files = calloc(n, sizeof(*chunk->files));
        chunk->buf = malloc(len);
        if (!chunk->files || !chunk->buf)
                goto fail;
        chunk->n = n;
        for (size_t i = 0; i < n; i++) {
                chunk->files[i].name = strdup(batch[i]->file);
                if (!chunk->files[i].name)
                        goto fail;
        }
        r = rd_wal_append(&c->wal, chunk->buf, recs, n);
        if (r < 0) {
                if (r != -EINVAL) {
                        /* After a failed write or sync the log's pages may
                         * be gone: it is not used again in this run. */
                        c->use_wal = false;
                        rd_logf(LOG_ERR, "Cannot write %s/%s: %s; documents are committed "
                                "without it from now on", c->server->store.path, RD_WAL_FILE,
                                strerror(-r));
                }
                goto fail;
        }
        for (size_t i = 0, at = 0; i < n; i++) {
                chunk->files[i].text = chunk->buf + at + rd_wal_text_offset(&recs[i]);
                chunk->files[i].size = recs[i].size;
                at += rd_wal_record_size(&recs[i]);
                batch[i]->error = 0;
        }
        free(recs);

        pthread_mutex_lock(&c->lock);
        *c->queue_tail = chunk;
        c->queue_tail = &chunk->next;
        c->queued_bytes += len;
        c->logged++;
        pthread_cond_signal(&c->filer_cond);
        pthread_mutex_unlock(&c->lock);
        return 0;

fail:
        free(recs);
        chunk_free(chunk);
        return r;
}

static void *helper(void *userdata) {
        rd_committer *c = userdata;
        const rd_store *store = &c->server->store;

        pthread_mutex_lock(&c->lock);
        for (;;) {
                while (!c->stop && !(c->in_flight && !c->taken))
                        pthread_cond_wait(&c->cond, &c->lock);
                if (!(c->in_flight && !c->taken))
                        break;
                c->taken = true;
                rd_pending **batch = c->batch;
                size_t n = c->n_batch;
                pthread_mutex_unlock(&c->lock);

                int r = c->use_wal ? log_batch(c, batch, n) : -ENOTSUP;
                if (r < 0)
                        r = commit_batch(store, batch, n);
                uint64_t one = 1;

                pthread_mutex_lock(&c->lock);
                c->batch_error = r;
                /* The loop takes the batch when it reads this. */
                if (write(c->efd, &one, sizeof one) < 0)
                        c->batch_error = c->batch_error ? c->batch_error : -errno;
        }
        pthread_mutex_unlock(&c->lock);
        return NULL;
}

/* Writes the files of @list, FILE_GROUP at a time. Files already there
 * from an earlier attempt are written again (the same bytes). Returns 0
 * or the first negative errno; then none of the group's names is new. */
static int file_chunks(const rd_store *store, rd_chunk *list) {
        struct rd_chunk_file *group[FILE_GROUP];
        int fds[FILE_GROUP];
        size_t n = 0;
        int r = 0;

        for (rd_chunk *k = list; k && r == 0; k = k->next)
                for (size_t i = 0; i <= k->n && r == 0; i++) {
                        bool last = !k->next && i == k->n;

                        if (i < k->n)
                                group[n++] = &k->files[i];
                        if ((n < FILE_GROUP && !last) || n == 0)
                                continue;
                        for (size_t j = 0; j < n; j++) {
                                fds[j] = -1;
                                if (r == 0)
                                        r = rd_store_stage(store, RD_AREA_DOCUMENTS, group[j]->name,
                                                           group[j]->text, group[j]->size,
                                                           &fds[j]);
                        }
                        if (r == 0)
                                r = rd_store_sync_all(store);
                        for (size_t j = 0; j < n; j++) {
                                if (fds[j] < 0)
                                        continue;
                                if (r < 0)
                                        rd_store_discard(store, RD_AREA_DOCUMENTS, group[j]->name,
                                                         fds[j]);
                                else
                                        r = rd_store_finish(store, RD_AREA_DOCUMENTS,
                                                            group[j]->name, fds[j]);
                        }
                        if (r == 0)
                                r = rd_store_sync_all(store);
                        n = 0;
                }
        return r;
}

static void add_usec(struct timespec *t, long usec) {
        t->tv_nsec += usec % 1000000 * 1000;
        t->tv_sec += usec / 1000000 + t->tv_nsec / 1000000000;
        t->tv_nsec %= 1000000000;
}

/* Holds the filer back, under @lock, while submissions keep coming: until
 * none has come for FILER_QUIET_USEC, half the log is waiting, or the
 * daemon stops. Writing the files costs CPU in the file system (new
 * inodes, the journal, write-back) that a burst of submitters on the
 * same cores would otherwise wait for; the log keeps the documents
 * meanwhile. */
static void wait_for_quiet(rd_committer *c) {
        for (;;) {
                size_t logged = c->logged;
                struct timespec until;

                if (c->filer_stop || c->queued_bytes >= c->wal.capacity / 2)
                        return;
                clock_gettime(CLOCK_MONOTONIC, &until);
                add_usec(&until, FILER_QUIET_USEC);
                while (c->logged == logged && !c->filer_stop &&
                       pthread_cond_timedwait(&c->filer_cond, &c->lock, &until) == 0)
                        ;
                if (c->logged == logged)
                        return;
        }
}

/* The filer: gives the documents in the log their files, a queue at a
 * time. On an error it tries again a second later; the documents are
 * safe in the log meanwhile, and the log is not started again before
 * they have their files. */
static void *filer(void *userdata) {
        rd_committer *c = userdata;
        const rd_store *store = &c->server->store;
        bool failing = false;

        pthread_mutex_lock(&c->lock);
        for (;;) {
                while (!c->queue && !c->filer_stop)
                        pthread_cond_wait(&c->filer_cond, &c->lock);
                if (!c->queue)
                        break;
                wait_for_quiet(c);
                rd_chunk *list = c->queue, *last = list;
                size_t k = 1, bytes = c->queued_bytes;
                while (last->next) {
                        last = last->next;
                        k++;
                }
                c->queue = NULL;
                c->queue_tail = &c->queue;
                c->queued_bytes = 0;
                pthread_mutex_unlock(&c->lock);

                int r = file_chunks(store, list);

                if (r < 0 && !failing)
                        rd_logf(LOG_ERR, "Cannot write the files of acknowledged documents in "
                                "%s/documents: %s; they are kept in %s, trying again every "
                                "second", store->path, strerror(-r), RD_WAL_FILE);
                else if (r == 0 && failing)
                        rd_logf(LOG_NOTICE, "The files of acknowledged documents are written "
                                "again");
                failing = r < 0;
                if (r == 0)
                        chunk_free(list);

                pthread_mutex_lock(&c->lock);
                if (r == 0) {
                        c->filed += k;
                        continue;
                }
                /* Back to the front, in order. */
                last->next = c->queue;
                if (!c->queue)
                        c->queue_tail = &last->next;
                c->queue = list;
                c->queued_bytes += bytes;
                if (c->filer_stop)
                        break;
                struct timespec until;
                clock_gettime(CLOCK_MONOTONIC, &until);
                until.tv_sec += 1;
                pthread_cond_timedwait(&c->filer_cond, &c->lock, &until);
        }
        pthread_mutex_unlock(&c->lock);
        return NULL;
}

static void start_batch(rd_committer *c) {
        pthread_mutex_lock(&c->lock);
        if (!c->in_flight && c->n_waiting > 0) {
                free(c->batch);
                c->batch = c->waiting;
                c->n_batch = c->n_waiting;
                c->batch_error = 0;
                c->in_flight = true;
                c->taken = false;
                c->waiting = NULL;
                c->n_waiting = 0;
                pthread_cond_broadcast(&c->cond);
        }
        pthread_mutex_unlock(&c->lock);
}

static int on_kick(sd_event_source *src, void *userdata) {
        (void) src;
        start_batch(userdata);
        return 0;
}

/* Takes one committed document in and answers its submitter. */
static void conclude(rd_server *s, rd_pending *p, int error) {
        rd_log_fields f = RD_LOG_FIELDS_NONE;
        rd_conn *conn = p->conn;
        rd_doc *entry = NULL;
        rd_buf out = {};
        rd_yw w;
        int r = error;

        f.peer_uid = p->uid;
        f.request_id = p->request_id;
        f.revision = p->revision;
        if (r == 0) {
                /* Weeks whose input changes, noted while the old documents
                 * are still in the corpus. */
                rd_replan_note_document(s, p->doc);
                r = rd_state_take(s, p->doc, p->file, p->text, p->size, p->revision, p->uid, &entry);
                if (r == 0)
                        p->doc = NULL;
        }
        if (r < 0) {
                rd_log(LOG_ERR, &f, "Cannot store %s revision %ld: %s", p->name, p->revision,
                       strerror(-r));
                if (!conn->dead) {
                        rd_send_error(conn, p->request_id, RD_ERR_INTERNAL, NULL,
                                      "the document could not be stored: %s", strerror(-r));
                        rd_conn_request_done(conn);
                }
                return;
        }
        f.message_id = RD_MESSAGE_ACCEPTED;
        if (entry->kind == RC_KIND_SHIFT_NEEDS)
                f.employer = entry->key;
        rd_log(LOG_INFO, &f, "Accepted %s revision %ld (%zu bytes) from uid %ld", p->name,
               p->revision, p->size, p->uid);
        if (conn->dead)
                return;
        rd_reply_begin(&w, &out, p->request_id, true);
        rd_yw_key_str(&w, "kind", rc_kind_to_string(entry->kind));
        rd_yw_key_str(&w, "name", p->name);
        rd_yw_key_long(&w, "revision", p->revision);
        if (rd_msg_end(&w, &out) == 0)
                rd_conn_send(conn, &out);
        else
                rd_send_error(conn, p->request_id, RD_ERR_INTERNAL, NULL, "out of memory");
        rd_buf_done(&out);
        rd_conn_request_done(conn);
}

static int on_done(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
        rd_committer *c = userdata;
        rd_pending **batch;
        size_t n;
        uint64_t count;
        int error;

        (void) src;
        (void) revents;
        if (read(fd, &count, sizeof count) < 0)
                return 0;
        pthread_mutex_lock(&c->lock);
        batch = c->batch;
        n = c->n_batch;
        error = c->batch_error;
        c->batch = NULL;
        c->n_batch = 0;
        c->in_flight = false;
        pthread_mutex_unlock(&c->lock);

        if (error < 0)
                rd_logf(LOG_ERR, "Cannot sync %s/documents: %s", c->server->store.path,
                        strerror(-error));
        for (size_t i = 0; i < n; i++) {
                conclude(c->server, batch[i], batch[i]->error < 0 ? batch[i]->error : error);
                pending_free(batch[i]);
        }
        free(batch);
        start_batch(c);
        rd_server_notify_status(c->server);
        return 0;
}

int rd_commit_document(rd_server *s, rd_conn *conn, const char *request_id, rc_document *doc,
                       const char *text, size_t size, long uid) {
        rd_committer *c = s->committer;
        rd_pending *p = calloc(1, sizeof(*p));
        rd_pending **more;
        int r;

        if (!p)
                return -ENOMEM;
        p->fd = -1;
        p->uid = uid;
        p->size = size;
        p->text = malloc(size + 1);
        p->request_id = request_id ? strdup(request_id) : NULL;
        more = realloc(c->waiting, (c->n_waiting + 1) * sizeof(*more));
        if (more)
                c->waiting = more;
        if (!p->text || (request_id && !p->request_id) || !more) {
                pending_free(p);
                return -ENOMEM;
        }
        memcpy(p->text, text, size);
        p->text[size] = '\0';
        r = rd_state_stage(s, doc, p);
        if (r < 0) {
                pending_free(p);
                return r;
        }
        /* From here on the document is the batch's. */
        p->doc = doc;
        p->conn = rd_conn_ref(conn);
        conn->busy = true;
        c->waiting[c->n_waiting++] = p;
        sd_event_source_set_enabled(c->kick, SD_EVENT_ONESHOT);
        return 0;
}

/* $ROSTERD_WAL_SIZE (bytes, at least 4096) replaces the log's size: tests
 * use a small log to have it fill, start again and fall back often. */
static size_t wal_capacity(void) {
        const char *e = getenv("ROSTERD_WAL_SIZE");
        char *end = NULL;
        unsigned long long v;

        if (!e || !*e)
                return RD_WAL_CAPACITY;
        errno = 0;
        v = strtoull(e, &end, 10);
        if (errno || *end || v < 4096 || v > RD_WAL_CAPACITY) {
                rd_logf(LOG_WARNING, "Ignoring $ROSTERD_WAL_SIZE=%s: not a size from 4096 to %zu "
                        "bytes", e, RD_WAL_CAPACITY);
                return RD_WAL_CAPACITY;
        }
        return (size_t) v;
}

int rd_commit_setup(rd_server *s) {
        rd_committer *c = calloc(1, sizeof(*c));
        int r;

        if (!c)
                return -ENOMEM;
        c->server = s;
        c->efd = -1;
        c->wal.fd = -1;
        c->queue_tail = &c->queue;
        pthread_mutex_init(&c->lock, NULL);
        pthread_cond_init(&c->cond, NULL);
        /* The filer's waits are timed on the monotonic clock: a change
         * of the wall clock must not hold the files back. */
        pthread_condattr_t attr;
        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        pthread_cond_init(&c->filer_cond, &attr);
        pthread_condattr_destroy(&attr);
        s->committer = c;

        c->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (c->efd < 0)
                return -errno;
        r = sd_event_add_io(s->event, &c->efd_source, c->efd, EPOLLIN, on_done, c);
        if (r < 0)
                return r;
        r = sd_event_add_defer(s->event, &c->kick, on_kick, c);
        if (r < 0)
                return r;
        /* At the loop's own priority: the helper starts on what has come
         * while the loop goes on reading, so writing to disk and taking in
         * requests overlap. What comes meanwhile is the next batch. */
        sd_event_source_set_priority(c->kick, SD_EVENT_PRIORITY_NORMAL);
        sd_event_source_set_enabled(c->kick, SD_EVENT_OFF);

        /* The state was loaded before: whatever the log held has its
         * files (rd_store_recover()). */
        r = rd_wal_open(&c->wal, s->store.dir_fd, wal_capacity());
        if (r < 0)
                rd_logf(LOG_WARNING, "Cannot use %s/%s: %s; documents are committed without it",
                        s->store.path, RD_WAL_FILE, strerror(-r));
        c->use_wal = r == 0;

        /* They inherit the blocked signals, so only the loop takes
         * SIGTERM, SIGHUP and SIGCHLD. */
        r = -pthread_create(&c->filer, NULL, filer, c);
        if (r < 0)
                return r;
        c->has_filer = true;
        r = -pthread_create(&c->thread, NULL, helper, c);
        if (r < 0)
                return r;
        c->has_thread = true;
        return 0;
}

void rd_commit_free(rd_server *s) {
        rd_committer *c = s->committer;
        bool all_filed;

        if (!c)
                return;
        /* The helper commits the batch on its way, unacknowledged; what
         * waits for the next batch never reached the disk and is dropped. */
        pthread_mutex_lock(&c->lock);
        c->stop = true;
        pthread_cond_broadcast(&c->cond);
        pthread_mutex_unlock(&c->lock);
        if (c->has_thread)
                pthread_join(c->thread, NULL);
        /* The filer writes what it has (one try), so that a clean stop
         * leaves every document in its file and the log empty. */
        pthread_mutex_lock(&c->lock);
        c->filer_stop = true;
        pthread_cond_broadcast(&c->filer_cond);
        pthread_mutex_unlock(&c->lock);
        if (c->has_filer)
                pthread_join(c->filer, NULL);
        all_filed = !c->queue && c->filed == c->logged;
        chunk_free(c->queue);
        if (c->wal.fd >= 0 && all_filed && c->logged > 0 &&
            rd_wal_clear(s->store.dir_fd, RD_WAL_FILE) < 0)
                rd_logf(LOG_WARNING, "Cannot empty %s/%s; the next start reads it again",
                        s->store.path, RD_WAL_FILE);
        rd_wal_close(&c->wal);

        for (size_t i = 0; i < c->n_batch; i++)
                pending_free(c->batch[i]);
        free(c->batch);
        for (size_t i = 0; i < c->n_waiting; i++)
                pending_free(c->waiting[i]);
        free(c->waiting);
        sd_event_source_disable_unref(c->efd_source);
        sd_event_source_disable_unref(c->kick);
        if (c->efd >= 0)
                close(c->efd);
        pthread_mutex_destroy(&c->lock);
        pthread_cond_destroy(&c->cond);
        pthread_cond_destroy(&c->filer_cond);
        free(c);
        s->committer = NULL;
}
