/* daemon/daemon-jobs.c -- solve jobs: a FIFO queue and at most
 * solver.workers worker processes.
 *
 * A worker is this program again (/proc/self/exe --solve-worker). Its
 * input is a memfd holding one message with the documents of the week, so
 * the loop never blocks writing to it; its output comes back on a pipe.
 * The loop watches the pipe, the child's exit and a timer at the time
 * limit plus a grace period, after which the worker is killed. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon-server.h"

/* At most this much of a worker's output is read per wakeup of the loop:
 * a whole week at region scale is tens of megabytes, and reading it in
 * one go while the worker keeps writing would hold up every client for
 * as long as the writing lasts. The pipe stays readable, so the loop
 * comes back for the rest after the other events. */
#define RD_DRAIN_CHUNK (1024 * 1024)

static void job_free(rd_job *job) {
        if (!job)
                return;
        job->out = sd_event_source_disable_unref(job->out);
        job->child = sd_event_source_disable_unref(job->child);
        job->timer = sd_event_source_disable_unref(job->timer);
        if (job->out_fd >= 0)
                close(job->out_fd);
        rd_buf_done(&job->output);
        for (size_t i = 0; i < job->n_waiters; i++) {
                rd_conn_unref(job->waiters[i].conn);
                free(job->waiters[i].id);
        }
        free(job->waiters);
        free(job->employer);
        free(job);
}

static bool same_target(const rd_job *job, rc_week week, const char *employer) {
        if (job->week.year != week.year || job->week.week != week.week)
                return false;
        if (!job->employer || !employer)
                return !job->employer && !employer;
        return strcmp(job->employer, employer) == 0;
}

bool rd_jobs_queued(rd_server *s, rc_week week, const char *employer) {
        for (rd_job *j = s->queue; j; j = j->next)
                if (same_target(j, week, employer))
                        return true;
        return false;
}

bool rd_jobs_will_propose(rd_server *s, rc_week week, const char *employer) {
        for (int list = 0; list < 2; list++)
                for (rd_job *j = list == 0 ? s->queue : s->running; j; j = j->next)
                        if (j->week.year == week.year && j->week.week == week.week &&
                            (!j->employer || strcmp(j->employer, employer) == 0))
                                return true;
        return false;
}

static int add_waiter(rd_job *job, rd_conn *conn, const char *id) {
        rd_waiter *more = realloc(job->waiters, (job->n_waiters + 1) * sizeof(*more));
        char *copy = NULL;

        if (!more)
                return -ENOMEM;
        job->waiters = more;
        if (id && !(copy = strdup(id)))
                return -ENOMEM;
        job->waiters[job->n_waiters++] = (rd_waiter) { rd_conn_ref(conn), copy };
        return 0;
}

int rd_jobs_submit(rd_server *s, rc_week week, const char *employer, bool replan, rd_conn *conn,
                   const char *request_id) {
        rd_job *job = NULL, **tail = &s->queue;
        int r;

        for (rd_job *j = s->queue; j; j = j->next)
                if (same_target(j, week, employer)) {
                        job = j;
                        break;
                }
        if (job) {
                /* A proposal asked for keeps every employer's roster. */
                if (!replan)
                        job->replan = false;
                r = conn ? add_waiter(job, conn, request_id) : 0;
                return r;
        }
        if (s->n_queued >= RD_QUEUE_MAX)
                return -EBUSY;
        job = calloc(1, sizeof(*job));
        if (!job)
                return -ENOMEM;
        job->out_fd = -1;
        job->pid = -1;
        job->week = week;
        rc_week_format(week, job->week_text);
        job->replan = replan;
        if ((employer && !(job->employer = strdup(employer))) ||
            (conn && add_waiter(job, conn, request_id) < 0)) {
                job_free(job);
                return -ENOMEM;
        }
        while (*tail)
                tail = &(*tail)->next;
        *tail = job;
        s->n_queued++;
        rd_jobs_run(s);
        return 0;
}

static void unlink_running(rd_server *s, rd_job *job) {
        for (rd_job **p = &s->running; *p; p = &(*p)->next)
                if (*p == job) {
                        *p = job->next;
                        job->next = NULL;
                        s->n_running--;
                        return;
                }
}

/* Splits the worker's output into its header and body. */
static bool parse_output(rd_job *job, rd_node **ret_header, const char **ret_body,
                         size_t *ret_size) {
        const char *data = rd_buf_data(&job->output);
        size_t len = rd_buf_len(&job->output), scanned = 0, text_len = 0, end;
        rd_node *h = NULL;
        long size = 0;

        end = rd_frame_find_end(data, len, &scanned, &text_len);
        if (end == 0 || rd_yaml_parse(data, text_len, &h, NULL, NULL, NULL) < 0)
                return false;
        if (rd_node_get(h, "size") &&
            (!rd_node_long(rd_node_get(h, "size"), &size) || size < 0 ||
             (size_t) size != len - end)) {
                rd_node_free(h);
                return false;
        }
        *ret_header = h;
        *ret_body = data + end;
        *ret_size = (size_t) size;
        return true;
}

static rd_error_code code_from_text(const char *text) {
        for (int c = 0; text && c < _RD_ERR_MAX; c++)
                if (strcmp(text, rd_error_code_to_string((rd_error_code) c)) == 0)
                        return (rd_error_code) c;
        return RD_ERR_INTERNAL;
}

static void finish(rd_server *s, rd_job *job) {
        rd_node *header = NULL;
        const char *body = NULL;
        size_t size = 0;
        bool ok = false;
        rd_error_code code = RD_ERR_INTERNAL;
        char message[512];
        double limit = rd_settings(s)->solver.time_limit;

        unlink_running(s, job);
        if (job->killed) {
                snprintf(message, sizeof message,
                         "the solve of %s ran past its time limit of %gs (solver.time_limit) and "
                         "was stopped",
                         job->week_text, limit);
        } else if (job->exit_code != CLD_EXITED) {
                snprintf(message, sizeof message, "the solve of %s crashed (signal %d, %s)",
                         job->week_text, job->exit_status, strsignal(job->exit_status));
        } else if (!parse_output(job, &header, &body, &size)) {
                snprintf(message, sizeof message,
                         "the solve of %s ended (status %d) without a readable result",
                         job->week_text, job->exit_status);
        } else if (!rd_node_bool(rd_node_get(header, "ok"), &ok) || !ok) {
                const rd_node *e = rd_node_get(header, "error");
                const char *m = rd_node_get_text(e, "message");
                code = code_from_text(rd_node_get_text(e, "code"));
                snprintf(message, sizeof message, "%s", m ? m : "the solve failed");
                ok = false;
        } else {
                message[0] = '\0';
        }
        rd_ops_job_done(s, job, ok, code, message, header, body, size);
        rd_node_free(header);
        job_free(job);
        rd_jobs_run(s);
        rd_server_notify_status(s);
}

/* Reads what the worker wrote so far, up to RD_DRAIN_CHUNK unless @all;
 * at EOF the pipe is closed. */
static void drain(rd_job *job, bool all) {
        size_t got = 0;

        for (;;) {
                if (!all && got >= RD_DRAIN_CHUNK)
                        return;
                if (rd_buf_reserve(&job->output, 65536) < 0)
                        break;
                ssize_t n = read(job->out_fd, rd_buf_tail(&job->output), 65536);
                if (n > 0) {
                        rd_buf_commit(&job->output, (size_t) n);
                        got += (size_t) n;
                        continue;
                }
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return;
                break;
        }
        job->eof = true;
        job->out = sd_event_source_disable_unref(job->out);
        close(job->out_fd);
        job->out_fd = -1;
}

/* A worker that writes its result has done its solve: the kill is put
 * off while the output flows, to the grace period after the latest
 * bytes, so that a large week being written is not thrown away at the
 * limit; never past twice the limit plus the grace. */
static void extend_deadline(rd_server *s, rd_job *job) {
        double limit = rd_settings(s)->solver.time_limit;
        uint64_t at = 0;

        if (!job->timer || job->killed || limit <= 0 ||
            sd_event_source_get_time(job->timer, &at) < 0)
                return;
        uint64_t want = rd_now_usec() + RD_KILL_GRACE_USEC;
        uint64_t cap = job->started + 2 * (uint64_t) (limit * 1.1e6) + RD_KILL_GRACE_USEC;
        if (want > cap)
                want = cap;
        if (want > at)
                (void) sd_event_source_set_time(job->timer, want);
}

/* The server of a job: the child and output sources share it. */
typedef struct job_ref {
        rd_server *server;
        rd_job *job;
} job_ref;

static int on_exit_or_eof_check(rd_server *s, rd_job *job) {
        if (job->exited && job->eof)
                finish(s, job);
        return 0;
}

static int on_child(sd_event_source *src, const siginfo_t *si, void *userdata) {
        job_ref *ref = userdata;
        rd_job *job = ref->job;
        rd_server *s = ref->server;

        (void) src;
        job->exited = true;
        job->exit_code = si->si_code;
        job->exit_status = si->si_status;
        job->timer = sd_event_source_disable_unref(job->timer);
        /* Drain what is left in the pipe: the writer is gone, so this
         * ends at EOF without blocking. */
        if (!job->eof && job->out_fd >= 0)
                drain(job, true);
        return on_exit_or_eof_check(s, job);
}

static int on_output_ref(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
        job_ref *ref = userdata;
        rd_job *job = ref->job;
        rd_server *s = ref->server;

        /* drain() may drop this source, and @ref with it. */
        (void) src;
        (void) fd;
        (void) revents;
        drain(job, false);
        extend_deadline(s, job);
        return on_exit_or_eof_check(s, job);
}

static int on_timeout(sd_event_source *src, uint64_t usec, void *userdata) {
        job_ref *ref = userdata;
        rd_job *job = ref->job;

        (void) src;
        (void) usec;
        if (!job->exited && job->pid > 0) {
                rd_log_fields f = RD_LOG_FIELDS_NONE;
                f.week = job->week_text;
                f.employer = job->employer;
                rd_log(LOG_WARNING, &f, "Solve of %s (pid %d) is past its time limit; killing it",
                       job->week_text, (int) job->pid);
                kill(job->pid, SIGKILL);
                job->killed = true;
        }
        return 0;
}

static void free_ref(void *userdata) {
        free(userdata);
}

static int spawn(rd_server *s, rd_job *job) {
        rd_buf input = {};
        int memfd = -1, pipefd[2] = { -1, -1 }, r;
        double limit = rd_settings(s)->solver.time_limit;
        pid_t pid;

        r = rd_state_worker_input(s, job, &input);
        if (r < 0)
                goto fail;
        memfd = memfd_create("rosterd-solve-input", MFD_CLOEXEC);
        if (memfd < 0) {
                r = -errno;
                goto fail;
        }
        if (rd_write_all(memfd, rd_buf_data(&input), rd_buf_len(&input)) < 0 ||
            lseek(memfd, 0, SEEK_SET) < 0) {
                r = -errno;
                goto fail;
        }
        if (pipe2(pipefd, O_CLOEXEC) < 0) {
                r = -errno;
                goto fail;
        }

        pid = fork();
        if (pid < 0) {
                r = -errno;
                goto fail;
        }
        if (pid == 0) {
                sigset_t none;
                char *argv[] = { (char *) "rosterd", (char *) "--solve-worker", NULL };

                /* Only async-signal-safe calls between fork and exec. */
                if (dup2(memfd, STDIN_FILENO) < 0 || dup2(pipefd[1], STDOUT_FILENO) < 0)
                        _exit(127);
                sigemptyset(&none);
                sigprocmask(SIG_SETMASK, &none, NULL);
                signal(SIGPIPE, SIG_DFL);
                execv("/proc/self/exe", argv);
                _exit(127);
        }
        close(memfd);
        memfd = -1;
        close(pipefd[1]);
        pipefd[1] = -1;
        job->pid = pid;
        job->out_fd = pipefd[0];
        pipefd[0] = -1;
        fcntl(job->out_fd, F_SETFL, fcntl(job->out_fd, F_GETFL) | O_NONBLOCK);
        job->started = rd_now_usec();

        job_ref *refs[3] = {};
        for (int i = 0; i < 3; i++) {
                refs[i] = malloc(sizeof(job_ref));
                if (refs[i])
                        *refs[i] = (job_ref) { s, job };
        }
        r = refs[0] && refs[1] && refs[2] ? 0 : -ENOMEM;
        if (r == 0)
                r = sd_event_add_io(s->event, &job->out, job->out_fd, EPOLLIN, on_output_ref,
                                    refs[0]);
        if (r == 0) {
                sd_event_source_set_destroy_callback(job->out, free_ref);
                refs[0] = NULL;
                r = sd_event_add_child(s->event, &job->child, pid, WEXITED, on_child, refs[1]);
        }
        if (r == 0) {
                sd_event_source_set_destroy_callback(job->child, free_ref);
                refs[1] = NULL;
                if (limit > 0) {
                        unsigned long long at = job->started +
                                                (unsigned long long) (limit * 1.1e6) +
                                                RD_KILL_GRACE_USEC;
                        r = sd_event_add_time(s->event, &job->timer, CLOCK_MONOTONIC, at, 0,
                                              on_timeout, refs[2]);
                        if (r == 0) {
                                sd_event_source_set_destroy_callback(job->timer, free_ref);
                                refs[2] = NULL;
                        }
                }
        }
        for (int i = 0; i < 3; i++)
                free(refs[i]);
        if (r < 0) {
                /* Without its sources the worker cannot be followed. */
                kill(pid, SIGKILL);
                waitpid(pid, NULL, 0);
                job->pid = -1;
                goto fail;
        }
        rd_buf_done(&input);
        return 0;

fail:
        if (memfd >= 0)
                close(memfd);
        if (pipefd[0] >= 0)
                close(pipefd[0]);
        if (pipefd[1] >= 0)
                close(pipefd[1]);
        rd_buf_done(&input);
        return r;
}

void rd_jobs_run(rd_server *s) {
        while (s->queue && s->n_running < rd_settings(s)->solver.workers && !s->stopping) {
                rd_job *job = s->queue;
                int r;

                s->queue = job->next;
                s->n_queued--;
                job->next = s->running;
                s->running = job;
                s->n_running++;
                /* The revision is given when the documents are read. */
                job->revision = ++s->last_revision;
                r = spawn(s, job);
                if (r < 0) {
                        char message[256];
                        snprintf(message, sizeof message, "cannot start a solve worker: %s",
                                 strerror(-r));
                        unlink_running(s, job);
                        rd_ops_job_done(s, job, false, RD_ERR_INTERNAL, message, NULL, NULL, 0);
                        job_free(job);
                        continue;
                }
                rd_log_fields f = RD_LOG_FIELDS_NONE;
                f.week = job->week_text;
                f.employer = job->employer;
                f.revision = job->revision;
                rd_log(LOG_INFO, &f, "Solving %s%s%s%s in worker %d", job->week_text,
                       job->employer ? " for " : "", job->employer ? job->employer : "",
                       job->replan ? " (re-plan)" : "", (int) job->pid);
        }
        rd_server_notify_status(s);
}

void rd_jobs_free_all(rd_server *s) {
        while (s->running) {
                rd_job *job = s->running;
                s->running = job->next;
                if (job->pid > 0 && !job->exited) {
                        kill(job->pid, SIGKILL);
                        /* The child source would reap it; it is going away. */
                        job->child = sd_event_source_disable_unref(job->child);
                        waitpid(job->pid, NULL, 0);
                }
                job_free(job);
        }
        s->n_running = 0;
        while (s->queue) {
                rd_job *job = s->queue;
                s->queue = job->next;
                job_free(job);
        }
        s->n_queued = 0;
}
