/* daemon/daemon-commit.c -- submitted documents to disk, in batches.
 *
 * The loop gives each document its revision and file name and hands it
 * on; two helper threads then work as a pipeline:
 *   the writer creates each document's temporary file (off the loop: a
 *     new inode can take a millisecond on a file system with many
 *     recently deleted files);
 *   the syncer takes everything written so far as one batch: one syncfs
 *     (their content is on disk), a rename each, one syncfs (their names
 *     are on disk), and passes the batch back to the loop.
 * Only then are the documents taken into the corpus and acknowledged, in
 * revision order. Two syncs per batch instead of one fsync per document,
 * and writing the next batch while one syncs, are what let hundreds of
 * submitters be acknowledged within tens of milliseconds
 * (docs/performance.md). The loop never waits for the disk on a
 * submission; the helpers touch nothing but the files of their documents. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "daemon-server.h"

/* Documents in revision order, linked through rd_pending.next. */
typedef struct queue {
        rd_pending *head, *tail;
} queue;

static void queue_push(queue *q, rd_pending *p) {
        p->next = NULL;
        if (q->tail)
                q->tail->next = p;
        else
                q->head = p;
        q->tail = p;
}

/* Appends all of @from to @to, leaving @from empty. */
static void queue_move(queue *to, queue *from) {
        if (!from->head)
                return;
        if (to->tail)
                to->tail->next = from->head;
        else
                to->head = from->head;
        to->tail = from->tail;
        *from = (queue) {};
}

static queue queue_take(queue *q) {
        queue t = *q;

        *q = (queue) {};
        return t;
}

struct rd_committer {
        rd_server *server;
        pthread_t writer, syncer;
        bool has_writer, has_syncer;

        /* Under @lock: the loop puts into @incoming, the writer moves them
         * to @written, the syncer moves those to @done with their error. */
        pthread_mutex_t lock;
        pthread_cond_t wake_writer, wake_syncer;
        queue incoming, written, done;
        int done_error;                 /* a failed sync of a batch in @done */
        bool stop;

        /* Arrived since the loop last handed on: the loop's only. */
        queue gathered;

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

static void *writer(void *userdata) {
        rd_committer *c = userdata;
        const rd_store *store = &c->server->store;

        pthread_mutex_lock(&c->lock);
        for (;;) {
                while (!c->stop && !c->incoming.head)
                        pthread_cond_wait(&c->wake_writer, &c->lock);
                if (c->stop)
                        break;
                queue q = queue_take(&c->incoming);
                pthread_mutex_unlock(&c->lock);

                for (rd_pending *p = q.head; p; p = p->next)
                        p->error = rd_store_stage(store, RD_AREA_DOCUMENTS, p->file, p->text, p->size,
                                                  &p->fd);

                pthread_mutex_lock(&c->lock);
                queue_move(&c->written, &q);
                pthread_cond_signal(&c->wake_syncer);
        }
        pthread_mutex_unlock(&c->lock);
        return NULL;
}

/* Commits @q, written; each document's own failure goes to its ->error,
 * a failure of the whole batch is returned. */
static int commit_batch(const rd_store *store, queue *q) {
        int r = rd_store_sync_all(store);

        for (rd_pending *p = q->head; p; p = p->next) {
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

static void *syncer(void *userdata) {
        rd_committer *c = userdata;
        const rd_store *store = &c->server->store;
        uint64_t one = 1;

        pthread_mutex_lock(&c->lock);
        for (;;) {
                while (!c->stop && !c->written.head)
                        pthread_cond_wait(&c->wake_syncer, &c->lock);
                if (c->stop)
                        break;
                queue q = queue_take(&c->written);
                pthread_mutex_unlock(&c->lock);

                int r = commit_batch(store, &q);

                pthread_mutex_lock(&c->lock);
                if (r < 0) {
                        for (rd_pending *p = q.head; p; p = p->next)
                                if (p->error == 0)
                                        p->error = r;
                        if (c->done_error == 0)
                                c->done_error = r;
                }
                queue_move(&c->done, &q);
                /* The loop takes @done when it reads this; should the
                 * counter be full (it cannot, at 2^64 - 1), the next
                 * batch's write wakes it. */
                (void) !write(c->efd, &one, sizeof one);
        }
        pthread_mutex_unlock(&c->lock);
        return NULL;
}

/* Hands what the loop gathered to the writer. */
static void hand_on(rd_committer *c) {
        pthread_mutex_lock(&c->lock);
        queue_move(&c->incoming, &c->gathered);
        pthread_cond_signal(&c->wake_writer);
        pthread_mutex_unlock(&c->lock);
}

static int on_kick(sd_event_source *src, void *userdata) {
        (void) src;
        hand_on(userdata);
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
        uint64_t count;
        queue q;
        int error;

        (void) src;
        (void) revents;
        if (read(fd, &count, sizeof count) < 0)
                return 0;
        pthread_mutex_lock(&c->lock);
        q = queue_take(&c->done);
        error = c->done_error;
        c->done_error = 0;
        pthread_mutex_unlock(&c->lock);

        if (error < 0)
                rd_logf(LOG_ERR, "Cannot sync %s/documents: %s", c->server->store.path,
                        strerror(-error));
        for (rd_pending *p = q.head, *next; p; p = next) {
                next = p->next;
                conclude(c->server, p, p->error);
                pending_free(p);
        }
        rd_server_notify_status(c->server);
        return 0;
}

int rd_commit_document(rd_server *s, rd_conn *conn, const char *request_id, rc_document *doc,
                       const char *text, size_t size, long uid) {
        rd_committer *c = s->committer;
        rd_pending *p = calloc(1, sizeof(*p));
        int r;

        if (!p)
                return -ENOMEM;
        p->fd = -1;
        p->uid = uid;
        p->size = size;
        p->text = malloc(size + 1);
        p->request_id = request_id ? strdup(request_id) : NULL;
        if (!p->text || (request_id && !p->request_id)) {
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
        /* From here on the document is the committer's. */
        p->doc = doc;
        p->conn = rd_conn_ref(conn);
        conn->busy = true;
        queue_push(&c->gathered, p);
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
        pthread_cond_init(&c->wake_writer, NULL);
        pthread_cond_init(&c->wake_syncer, NULL);
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
        /* After every pending read, so that one hand-over takes them all. */
        sd_event_source_set_priority(c->kick, SD_EVENT_PRIORITY_IDLE);
        sd_event_source_set_enabled(c->kick, SD_EVENT_OFF);

        /* They inherit the blocked signals, so only the loop takes
         * SIGTERM, SIGHUP and SIGCHLD. */
        r = -pthread_create(&c->writer, NULL, writer, c);
        if (r < 0)
                return r;
        c->has_writer = true;
        r = -pthread_create(&c->syncer, NULL, syncer, c);
        if (r < 0)
                return r;
        c->has_syncer = true;
        return 0;
}

static void free_all(queue *q, const rd_store *discard_from) {
        for (rd_pending *p = q->head, *next; p; p = next) {
                next = p->next;
                if (discard_from && p->fd >= 0)
                        rd_store_discard(discard_from, RD_AREA_DOCUMENTS, p->file, p->fd);
                pending_free(p);
        }
        *q = (queue) {};
}

void rd_commit_free(rd_server *s) {
        rd_committer *c = s->committer;

        if (!c)
                return;
        /* The helpers finish the step they are in; nothing still on its way
         * is acknowledged, and temporary files not synced are removed. */
        pthread_mutex_lock(&c->lock);
        c->stop = true;
        pthread_cond_broadcast(&c->wake_writer);
        pthread_cond_broadcast(&c->wake_syncer);
        pthread_mutex_unlock(&c->lock);
        if (c->has_writer)
                pthread_join(c->writer, NULL);
        if (c->has_syncer)
                pthread_join(c->syncer, NULL);
        free_all(&c->gathered, NULL);
        free_all(&c->incoming, NULL);
        free_all(&c->written, &s->store);
        free_all(&c->done, NULL);
        sd_event_source_disable_unref(c->efd_source);
        sd_event_source_disable_unref(c->kick);
        if (c->efd >= 0)
                close(c->efd);
        pthread_mutex_destroy(&c->lock);
        pthread_cond_destroy(&c->wake_writer);
        pthread_cond_destroy(&c->wake_syncer);
        free(c);
        s->committer = NULL;
}
