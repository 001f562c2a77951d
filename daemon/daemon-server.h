/* daemon/daemon-server.h -- the daemon's state shared by its parts (private).
 *
 *   daemon.c          start, options, signals, reload, sd_notify
 *   daemon-state.c    accepted documents and rosters, in memory and on disk
 *   daemon-commit.c   submitted documents to disk in batches
 *   daemon-conn.c     client connections: framing, limits, output queues
 *   daemon-ops.c      the operations of the protocol
 *   daemon-jobs.c     solve jobs: the queue and the worker processes
 *   daemon-worker.c   the worker process itself (rosterd --solve-worker)
 *   daemon-publish.c  subscribers, events and re-planning
 *   daemon-diff.c     what changed between two rosters
 *
 * Everything runs on one sd-event loop in one thread. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "daemon-access.h"
#include "daemon-log.h"
#include "daemon-store.h"
#include "proto-buf.h"
#include "proto-frame.h"
#include "proto-yaml.h"
#include "roster/config.h"

#define RD_DEFAULT_CONFIG "/etc/rosterd/rosterd.yaml"
#define RD_REPLAN_DELAY_USEC (500 * 1000ULL)    /* coalesces bursts of changes */
#define RD_KILL_GRACE_USEC (3 * 1000 * 1000ULL) /* after the time limit */
#define RD_QUEUE_MAX 64                         /* queued solves before "busy" */

typedef struct rd_server rd_server;
typedef struct rd_conn rd_conn;
typedef struct rd_job rd_job;

/* ---- Accepted documents ---------------------------------------------- */

typedef struct rd_doc {
        long revision;
        rc_kind kind;
        char *name;                     /* "shift-needs/agri-geldrop", "candidates", ... */
        char *key;                      /* employer or school id; NULL for candidates */
        char *file;                     /* the stored file name */
        char *weeks;                    /* the weeks it names, as text; NULL = always */
        long uid;                       /* who submitted it; -1 when not known */
        char *text;                     /* kept while the document still holds */
        size_t size;
        const rc_document *live;        /* shift-needs, timetable: the corpus's copy */
} rd_doc;

/* Which candidates document last wrote a candidate. */
typedef struct rd_owner {
        char *id;
        long revision;
} rd_owner;

/* ---- Rosters ---------------------------------------------------------- */

typedef struct rd_roster {
        long revision;                  /* of the roster (the proposal's) */
        long seq;                       /* of the stored file */
        char *full;                     /* account managers' view */
        size_t full_size;
        char *employer;                 /* the employer's view */
        size_t employer_size;
        char *status;                   /* optimal, feasible, infeasible */
        long required, covered;         /* minutes */
        long confirmed;                 /* revision of the last re-plan that found it
                                         * unchanged; in memory only, 0 when none */
} rd_roster;

/* The rosters of one employer and week. */
typedef struct rd_slot {
        char *employer;
        rc_week week;
        char week_text[16];
        rd_roster *approved;            /* NULL when none */
        rd_roster *proposal;            /* the latest proposal, NULL when none */
        long *revisions;                /* every proposal, ascending */
        size_t n_revisions;
        long *approvals;                /* every approved revision, ascending */
        size_t n_approvals;
        /* The latest approval of another roster that is input of this one
         * (its people may work here; same week or the one before), by the
         * seq of its file; a proposal made before it is out of date. Set
         * by approvals, and after a restart from every such approval. */
        long input_approved_seq;
        const struct rd_slot *input_approved_by;
} rd_slot;

/* The latest proposal when nothing newer is approved. */
rd_roster *rd_slot_open_proposal(const rd_slot *slot);

/* ---- Connections ------------------------------------------------------ */

typedef enum rd_read_state {
        RD_READ_HEADER,
        RD_READ_BODY_SIZED,             /* @body_need bytes */
        RD_READ_BODY_TERMINATED,        /* up to a "..." line */
        RD_READ_SKIP,                   /* discarding a body that is too large */
} rd_read_state;

struct rd_conn {
        rd_server *server;
        rd_conn *prev, *next;           /* server->conns */
        unsigned refs;                  /* the server's list, jobs, pending acks */
        bool dead;                      /* closed; only references remain */
        int fd;
        sd_event_source *io;
        sd_event_source *idle;
        rd_peer peer;
        rd_grants grants;               /* of @peer, resolved lazily: rd_conn_grants() */
        unsigned grants_generation;     /* the configuration they were resolved under */
        unsigned long long number;      /* for log lines */

        rd_buf in;
        rd_buf out;
        size_t scanned;
        rd_read_state read_state;
        rd_node *header;                /* of the request being read */
        size_t body_need;
        bool eof;                       /* the peer will send nothing more */
        bool busy;                      /* a request waits for a solve or a commit */
        bool closing;                   /* close once @out is written */
        bool processing;                /* inside process(): answers wait for its loop */

        bool subscriber;
        char *sub_employer;             /* NULL: every employer the role allows */
        char *sub_week;                 /* NULL: every week */
};

rd_conn *rd_conn_ref(rd_conn *c);
rd_conn *rd_conn_unref(rd_conn *c);

/* The grants of the peer under the configuration in force; resolved once
 * per connection and configuration, since resolving reads the user and
 * group databases. NULL when out of memory. */
const rd_grants *rd_conn_grants(rd_conn *c);

/* Queues @msg (a whole message) and writes what the socket takes. */
int rd_conn_send(rd_conn *c, const rd_buf *msg);
/* The same, but takes @msg's bytes instead of copying them when nothing
 * else is queued (a whole week's rosters can be tens of megabytes);
 * @msg is left empty or as it was. */
int rd_conn_send_taking(rd_conn *c, rd_buf *msg);

/* Marks the current request answered and goes on with the next one. */
void rd_conn_request_done(rd_conn *c);

/* Closes now (remaining output is dropped). */
void rd_conn_close(rd_conn *c);

/* Accepts connections on the listening socket. */
int rd_conn_listen(rd_server *s);

/* A request as the operations see it. */
typedef struct rd_request {
        const rd_node *header;
        const char *op;
        const char *id;                 /* NULL when the request has none */
        const char *body;               /* NULL when the request has none */
        size_t body_size;
        const rd_grants *grants;        /* owned by the connection */
} rd_request;

/* ---- Solve jobs ------------------------------------------------------- */

typedef struct rd_waiter {
        rd_conn *conn;                  /* referenced */
        char *id;                       /* the request id, may be NULL */
} rd_waiter;

struct rd_job {
        rd_job *next;                   /* in the queue or the running list */
        rc_week week;
        char week_text[16];
        char *employer;                 /* NULL: every employer of the week */
        bool replan;
        long revision;                  /* given when it starts */
        pid_t pid;
        int out_fd;
        sd_event_source *child;
        sd_event_source *out;
        sd_event_source *timer;
        rd_buf output;
        bool exited, eof, killed;
        int exit_code;                  /* si_code of the exit: CLD_EXITED, CLD_KILLED, ... */
        int exit_status;
        unsigned long long started;     /* CLOCK_MONOTONIC usec */
        rd_waiter *waiters;
        size_t n_waiters;
};

/* Queues a solve of @week (@employer NULL: all employers) and adds @conn
 * (may be NULL) as a waiter; a queued job of the same week and employer
 * is shared. Returns 0, -EBUSY when the queue is full, or -ENOMEM. */
int rd_jobs_submit(rd_server *s, rc_week week, const char *employer, bool replan, rd_conn *conn,
                   const char *request_id);

/* Starts queued jobs while workers are free. */
void rd_jobs_run(rd_server *s);

/* Whether a job of @week is queued (not yet running). */
bool rd_jobs_queued(rd_server *s, rc_week week, const char *employer);
/* Whether a queued or running job will make a new proposal for @employer
 * in @week (a job of that employer or of every employer of the week). */
bool rd_jobs_will_propose(rd_server *s, rc_week week, const char *employer);

/* Kills every worker and forgets every job (shutdown). */
void rd_jobs_free_all(rd_server *s);

/* ---- The server ------------------------------------------------------- */

/* An employer and week whose input changed. */
typedef struct rd_replan {
        long week;                      /* rc_week_index() */
        char *employer;
} rd_replan;

/* A submitted document on its way to disk (daemon-commit.c). */
typedef struct rd_pending {
        rd_conn *conn;                  /* referenced; answered once it is durable */
        char *request_id;
        rc_document *doc;
        char *text;
        size_t size;
        long revision;
        long uid;
        char *name;                     /* "shift-needs/agri-geldrop" */
        char *file;                     /* the stored file name */
        int fd;                         /* the written temporary file */
        int error;                      /* set by the committing thread */
} rd_pending;

typedef struct rd_committer rd_committer;

int rd_commit_setup(rd_server *s);
void rd_commit_free(rd_server *s);

/* Stages @text (the document @doc, validated) for the next batch; @conn
 * stays busy until it is answered. Takes @doc on success. Returns 0 or a
 * negative errno. */
int rd_commit_document(rd_server *s, rd_conn *conn, const char *request_id, rc_document *doc,
                       const char *text, size_t size, long uid);

struct rd_server {
        sd_event *event;
        char *config_path;              /* NULL: defaults only */
        const char *socket_override;    /* --socket and --state-dir, borrowed from argv */
        const char *state_override;

        char *config_text;              /* the configuration in force, as read */
        size_t config_size;
        rc_corpus corpus;
        char *socket_path;
        char *state_dir;

        int listen_fd;
        bool own_socket;                /* bound by us: unlinked on exit */
        sd_event_source *listen_source;

        rd_store store;
        rd_doc *docs;                   /* revision order */
        size_t n_docs, cap_docs;
        size_t *with_text;              /* indexes into docs of those holding their text */
        size_t n_with_text;
        rd_owner *owners;               /* sorted by id */
        size_t n_owners;
        rd_slot **slots;
        size_t n_slots;
        long last_revision;

        rd_conn *conns;
        size_t n_conns;
        size_t n_subscribers;
        unsigned long long conn_counter;

        rd_committer *committer;

        rd_job *queue;                  /* FIFO */
        size_t n_queued;
        rd_job *running;
        size_t n_running;

        rd_replan *replan;              /* rosters to re-plan when the timer fires */
        size_t n_replan;
        sd_event_source *replan_timer;

        uid_t self_uid;
        unsigned config_generation;     /* counts configurations taken, for cached grants */
        rd_access_ids access_ids;       /* the access rules' names, looked up when taken */
        unsigned long long started;     /* CLOCK_MONOTONIC usec */
        unsigned long long solved_count, failed_count;
        bool stopping;
};

static inline const rc_settings *rd_settings(const rd_server *s) {
        return rc_corpus_settings(&s->corpus);
}

/* Sends STATUS= with what the daemon does now. */
void rd_server_notify_status(rd_server *s);

/* Reloads the configuration file; an invalid one is refused and logged,
 * with its problems in @diags when non-NULL. Returns 0 or a negative
 * errno. */
int rd_server_reload(rd_server *s, rc_diags *diags);

unsigned long long rd_now_usec(void);

/* ---- State (daemon-state.c) ------------------------------------------- */

/* Loads every stored document, proposal and approval, in revision order;
 * damaged files are quarantined. Returns 0 or a negative errno. */
int rd_state_load(rd_server *s);

void rd_state_free(rd_server *s);

/* The stored name of a document: "shift-needs/agri-geldrop" ... */
int rd_doc_name(const rc_document *doc, char **ret_name, char **ret_key);

/* Gives @p the next revision, its names, and writes its temporary file.
 * Returns 0 or a negative errno (nothing left behind). */
int rd_state_stage(rd_server *s, const rc_document *doc, rd_pending *p);

/* Takes a document whose file is durable into the index and the corpus
 * (ownership of @doc passes on success). Returns 0 and the new entry, or
 * a negative errno. */
int rd_state_take(rd_server *s, rc_document *doc, const char *file, const char *text,
                  size_t size, long revision, long uid, rd_doc **ret);

rd_slot *rd_state_slot(rd_server *s, const char *employer, rc_week week, bool create);

/* Stores a new proposal. Takes the texts. Returns 0 or a negative errno. */
int rd_state_add_proposal(rd_server *s, rd_slot *slot, long revision, char *full,
                          size_t full_size, char *employer, size_t employer_size);

/* Approves the open proposal of @slot. Returns 0 or a negative errno. */
int rd_state_approve(rd_server *s, rd_slot *slot);

/* Builds the input of a worker for @job: a message with the documents
 * that hold in its week. */
int rd_state_worker_input(rd_server *s, const rd_job *job, rd_buf *out);

/* Reads the status and coverage of a roster text into @r. */
void rd_roster_summarize(rd_roster *r);

/* Replaces the top-level "state: proposal" line of a roster text. */
char *rd_roster_with_state(const char *text, size_t size, const char *state, size_t *ret_size);

/* ---- Publishing (daemon-publish.c) ------------------------------------ */

typedef enum rd_event_kind {
        RD_EVENT_PROPOSAL,
        RD_EVENT_APPROVED,
} rd_event_kind;

/* Pushes @roster of @slot to every subscriber allowed to see it. */
void rd_publish(rd_server *s, const rd_slot *slot, const rd_roster *roster, rd_event_kind kind,
                bool replan);

/* Re-planning: every employer is re-planned on its own, with the other
 * employers' approved rosters as fixed work, and with the stability goal
 * against its own approved roster. Only rosters of this week or later are
 * re-planned: past weeks are history.
 *
 * rd_replan_note_document() notes the rosters whose input @doc changes;
 * call it before @doc goes into the corpus (a timetable's old weeks count
 * too). Every note (re)arms a short timer, so a burst of changes gives one
 * re-plan. */
void rd_replan_note_document(rd_server *s, const rc_document *doc);
void rd_replan_note_slot(rd_server *s, const rd_slot *slot);
/* Whether a re-plan of @slot is noted and waits for the coalescing timer. */
bool rd_replan_noted(const rd_server *s, const rd_slot *slot);
void rd_replan_free(rd_server *s);

/* What an accepted document changes (daemon-scope.c). rd_scope_new()
 * compares @doc with the documents in force, so call it before @doc goes
 * into the corpus; NULL when out of memory (then count every roster as
 * changed). rd_scope_changes(): whether it changes the input of @slot's
 * rosters. rd_scope_may_break(): whether the plan in force of @slot may
 * now break a rule (someone at work during one of their new classes). */
typedef struct rd_scope rd_scope;
rd_scope *rd_scope_new(const rd_server *s, const rc_document *doc);
/* The same for an approval: @approved's blocks (and those of @replaced,
 * the approval it replaces, or NULL) are input of the rosters of the
 * employers where someone at work in them may work. */
rd_scope *rd_scope_of_approval(const rd_server *s, const rd_roster *approved,
                               const rd_roster *replaced);
bool rd_scope_changes(const rd_server *s, const rd_scope *scope, const rd_slot *slot);
bool rd_scope_may_break(const rd_scope *scope, const rd_slot *slot);
void rd_scope_free(rd_scope *scope);

/* rc_week_index() of the week that holds today ($ROSTERD_TODAY, a date,
 * replaces the clock for demos and tests of weeks far from now). */
long rd_today_week_index(void);

/* Drops subscribers that may no longer see what they subscribed to (after
 * a reload). */
void rd_publish_recheck(rd_server *s);

/* ---- Changes (daemon-diff.c) ------------------------------------------ */

/* Writes @key and the minutes whose people differ between roster texts
 * @before and @after, as a sequence of {position, day, start, end, from,
 * to}, into mapping @w. Returns the number of changes, or a negative errno
 * (then nothing is written). */
int rd_changes_emit(rd_yw *w, const char *key, const char *before, size_t before_size,
                    const char *after, size_t after_size);

/* The number of changes only, or a negative errno. */
int rd_changes_count(const char *before, size_t before_size, const char *after,
                     size_t after_size);

/* ---- Operations (daemon-ops.c) ---------------------------------------- */

void rd_ops_dispatch(rd_conn *c, rd_request *req);

/* Builds the message that announces @r of @slot in the full or the
 * employer's view. @event is "proposal" or "approved". */
int rd_event_message(rd_buf *out, const rd_slot *slot, const rd_roster *r, bool full,
                     const char *event, bool replan);

/* Writes the header of a reply. */
void rd_reply_begin(rd_yw *w, rd_buf *out, const char *id, bool ok);

/* Sends an error reply. @diags may be NULL. */
void rd_send_error(rd_conn *c, const char *id, rd_error_code code, const rc_diags *diags,
                   const char *format, ...) __attribute__((format(printf, 5, 6)));

/* Builds an error message into @out. */
int rd_error_message(rd_buf *out, const char *id, rd_error_code code, const rc_diags *diags,
                     const char *message);

/* Called by daemon-jobs.c when a job ends. @ok false: @code and @message
 * say why. */
void rd_ops_job_done(rd_server *s, rd_job *job, bool ok, rd_error_code code,
                     const char *message, const rd_node *result, const char *body,
                     size_t body_size);

/* ---- The worker (daemon-worker.c) ------------------------------------- */

int rd_worker_main(void);
