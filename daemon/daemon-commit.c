/* daemon/daemon-commit.c -- submitted documents to disk, in batches.
 *
 * The loop gives each document its revision and file name; a helper
 * thread then commits all that came meanwhile as one batch: a temporary
 * file each, one syncfs for their content, a rename each, one syncfs for
 * their names.
 * Only then are the documents taken into the corpus and acknowledged, in
 * revision order. Two syncs per batch instead of one fsync per document
 * is what lets hundreds of submitters be acknowledged within tens of
 * milliseconds (docs/performance.md). The loop never waits for the disk
 * on a submission, and gathers the next batch while one is on its way.
 * The helper touches nothing but the files of its batch. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "daemon-server.h"

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
};

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

/* Commits @batch; each document's own failure goes to its ->error, a
 * failure of the whole batch is returned. Creating the files is done
 * here too, not in the loop: a new inode can take a millisecond on a
 * file system with many recently deleted files. */
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

                int r = commit_batch(store, batch, n);
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

int rd_commit_setup(rd_server *s) {
        rd_committer *c = calloc(1, sizeof(*c));
        int r;

        if (!c)
                return -ENOMEM;
        c->server = s;
        c->efd = -1;
        pthread_mutex_init(&c->lock, NULL);
        pthread_cond_init(&c->cond, NULL);
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

        /* It inherits the blocked signals, so only the loop takes
         * SIGTERM, SIGHUP and SIGCHLD. */
        r = -pthread_create(&c->thread, NULL, helper, c);
        if (r < 0)
                return r;
        c->has_thread = true;
        return 0;
}

void rd_commit_free(rd_server *s) {
        rd_committer *c = s->committer;

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
        free(c);
        s->committer = NULL;
}
