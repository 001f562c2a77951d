/* tests/daemon/harness.c -- starting a real rosterd and talking to it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static const char *rosterd_path, *rosterctl_path, *data_dir;

void h_init(int argc, char **argv) {
        if (argc < 4) {
                fprintf(stderr, "usage: %s ROSTERD ROSTERCTL DATA_DIR\n", argv[0]);
                exit(2);
        }
        rosterd_path = argv[1];
        rosterctl_path = argv[2];
        data_dir = argv[3];
        signal(SIGPIPE, SIG_IGN);
        /* Weeks of the test data lie ahead of this date, so they are
         * re-planned whatever the clock says. */
        setenv("ROSTERD_TODAY", "2026-11-02", 1);
}

const char *h_rosterd(void) {
        return rosterd_path;
}

const char *h_rosterctl(void) {
        return rosterctl_path;
}

const char *h_data(const char *name) {
        static char buf[8][512];
        static int i;

        i = (i + 1) % 8;
        snprintf(buf[i], sizeof buf[i], "%s/%s", data_dir, name);
        return buf[i];
}

long long h_now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *h_read_file(const char *path, size_t *ret_size) {
        FILE *f = fopen(path, "re");
        rd_buf b = {};

        if (!f)
                return NULL;
        for (;;) {
                if (rd_buf_reserve(&b, 65536) < 0)
                        break;
                size_t n = fread(rd_buf_tail(&b), 1, 65536, f);
                rd_buf_commit(&b, n);
                if (n == 0)
                        break;
        }
        fclose(f);
        return rd_buf_steal(&b, ret_size);
}

/* The notify socket is read all the time, as systemd does: a daemon whose
 * notifications pile up unread would block in sd_notify(). */
typedef struct h_message {
        struct h_message *next;
        char text[];
} h_message;

struct h_notify {
        pthread_t thread;
        pthread_mutex_t lock;
        pthread_cond_t cond;
        h_message *head, **tail;
        int fd;
};

static void *notify_reader(void *userdata) {
        struct h_notify *q = userdata;
        char buf[4096];

        for (;;) {
                ssize_t n = recv(q->fd, buf, sizeof buf - 1, 0);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return NULL;
                h_message *m = malloc(sizeof(*m) + (size_t) n + 1);
                if (!m)
                        continue;
                m->next = NULL;
                memcpy(m->text, buf, (size_t) n);
                m->text[n] = '\0';
                pthread_mutex_lock(&q->lock);
                *q->tail = m;
                q->tail = &m->next;
                pthread_cond_broadcast(&q->cond);
                pthread_mutex_unlock(&q->lock);
        }
}

void h_prepare(h_daemon *d, const char *extra, const char *replace) {
        FILE *f;

        *d = (h_daemon) { .pid = -1, .notify_fd = -1, .exit_status = -1 };
        snprintf(d->dir, sizeof d->dir, "/tmp/rosterd-test-XXXXXX");
        if (!mkdtemp(d->dir)) {
                perror("mkdtemp");
                exit(1);
        }
        /* Clients that drop privileges must reach the socket. */
        chmod(d->dir, 0755);
        snprintf(d->socket, sizeof d->socket, "%s/rosterd.sock", d->dir);
        snprintf(d->state, sizeof d->state, "%s/state", d->dir);
        snprintf(d->config, sizeof d->config, "%s/rosterd.yaml", d->dir);
        snprintf(d->notify, sizeof d->notify, "%s/notify.sock", d->dir);
        snprintf(d->log, sizeof d->log, "%s/rosterd.log", d->dir);

        f = fopen(d->config, "we");
        if (!f) {
                perror(d->config);
                exit(1);
        }
        if (replace) {
                fputs(replace, f);
        } else {
                size_t size;
                char *base = h_read_file(h_data("config.yaml"), &size);
                if (!base) {
                        perror("config.yaml");
                        exit(1);
                }
                fwrite(base, 1, size, f);
                free(base);
                if (extra)
                        fputs(extra, f);
        }
        fclose(f);

        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        strcpy(sa.sun_path, d->notify);
        d->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (d->notify_fd < 0 || bind(d->notify_fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
                perror("notify socket");
                exit(1);
        }
        struct h_notify *q = calloc(1, sizeof(*q));
        pthread_mutex_init(&q->lock, NULL);
        pthread_cond_init(&q->cond, NULL);
        q->tail = &q->head;
        q->fd = d->notify_fd;
        if (pthread_create(&q->thread, NULL, notify_reader, q) != 0) {
                perror("pthread_create");
                exit(1);
        }
        d->notify_queue = q;
}

char *h_notify_wait(h_daemon *d, const char *needle, int ms) {
        struct h_notify *q = d->notify_queue;
        struct timespec deadline;
        char *found = NULL;

        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += ms / 1000;
        deadline.tv_nsec += (long) (ms % 1000) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
                deadline.tv_sec++;
                deadline.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&q->lock);
        while (!found) {
                while (q->head && !found) {
                        h_message *m = q->head;
                        q->head = m->next;
                        if (!q->head)
                                q->tail = &q->head;
                        if (strstr(m->text, needle))
                                found = strdup(m->text);
                        free(m);
                }
                if (found || pthread_cond_timedwait(&q->cond, &q->lock, &deadline) != 0)
                        break;
        }
        pthread_mutex_unlock(&q->lock);
        return found;
}

bool h_start(h_daemon *d, const char *const *env, bool activate) {
        pid_t pid = fork();

        if (pid < 0)
                return false;
        if (pid == 0) {
                char notify[256];
                int log = open(d->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

                /* A test that fails between start and stop leaves no daemon
                 * behind: it is told to stop when the test program ends. */
                prctl(PR_SET_PDEATHSIG, SIGTERM);

                if (log >= 0) {
                        dup2(log, STDERR_FILENO);
                        dup2(log, STDOUT_FILENO);
                }
                snprintf(notify, sizeof notify, "NOTIFY_SOCKET=%s", d->notify);
                for (size_t i = 0; env && env[i]; i++)
                        putenv((char *) env[i]);
                unsetenv("JOURNAL_STREAM");
                if (activate) {
                        static const char *const pass[] = { "ROSTERD_TODAY", "ROSTERD_TEST_WORKER",
                                                            "WATCHDOG_USEC", NULL };
                        const char *argv[32] = { "systemd-socket-activate", "-l", d->socket, "-E",
                                                 notify };
                        size_t n = 5;
                        /* It passes on only what -E names. */
                        for (size_t i = 0; pass[i]; i++)
                                if (getenv(pass[i])) {
                                        argv[n++] = "-E";
                                        argv[n++] = pass[i];
                                }
                        const char *tail[] = { rosterd_path, "--daemon", "--config", d->config,
                                               "--state-dir", d->state, NULL };
                        for (size_t i = 0; tail[i]; i++)
                                argv[n++] = tail[i];
                        argv[n] = NULL;
                        execvp(argv[0], (char **) argv);
                } else {
                        putenv(notify);
                        const char *argv[] = { rosterd_path, "--daemon", "--config", d->config,
                                               "--socket", d->socket, "--state-dir", d->state,
                                               NULL };
                        execv(argv[0], (char **) argv);
                }
                _exit(127);
        }
        d->pid = pid;
        if (activate) {
                /* systemd-socket-activate starts the daemon on the first
                 * connection. */
                long long end = h_now_ms() + 10000;
                int fd = -1;
                while (fd < 0 && h_now_ms() < end) {
                        fd = rd_connect_unix(d->socket);
                        if (fd < 0)
                                usleep(20000);
                }
                if (fd < 0)
                        return false;
                close(fd);
        }
        long long end = h_now_ms() + 60000;
        while (h_now_ms() < end) {
                char *ready = h_notify_wait(d, "READY=1", 100);
                int status;
                if (ready) {
                        free(ready);
                        return true;
                }
                if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
                        d->pid = -1;
                        d->exit_status = WIFEXITED(status) ? WEXITSTATUS(status)
                                                           : 128 + WTERMSIG(status);
                        return false;
                }
        }
        return false;
}

int h_stop(h_daemon *d) {
        int status = 0;

        if (d->pid <= 0)
                return d->exit_status;
        kill(d->pid, SIGTERM);
        if (waitpid(d->pid, &status, 0) < 0)
                return -1;
        d->pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void h_kill9(h_daemon *d) {
        if (d->pid <= 0)
                return;
        kill(d->pid, SIGKILL);
        waitpid(d->pid, NULL, 0);
        d->pid = -1;
}

void h_cleanup(h_daemon *d) {
        char cmd[300];

        if (d->pid > 0)
                h_stop(d);
        if (d->notify_queue) {
                struct h_notify *q = d->notify_queue;
                shutdown(q->fd, SHUT_RDWR);
                pthread_join(q->thread, NULL);
                while (q->head) {
                        h_message *m = q->head;
                        q->head = m->next;
                        free(m);
                }
                pthread_mutex_destroy(&q->lock);
                pthread_cond_destroy(&q->cond);
                free(q);
                d->notify_queue = NULL;
        }
        if (d->notify_fd >= 0)
                close(d->notify_fd);
        d->notify_fd = -1;
        if (getenv("ROSTERD_TEST_KEEP")) {
                fprintf(stderr, "kept %s\n", d->dir);
                return;
        }
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->dir);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", d->dir);
}

int h_connect(const h_daemon *d) {
        return rd_connect_unix(d->socket);
}

int h_request(int fd, const char *lines, const char *body, size_t body_size, rd_message *reply) {
        rd_buf out = {}, in = {};
        int r;

        rd_buf_printf(&out, "rosterd: 1\n%s", lines);
        if (body)
                rd_buf_printf(&out, "size: %zu\n", body_size);
        rd_buf_puts(&out, "...\n");
        if (body)
                rd_buf_append(&out, body, body_size);
        r = rd_write_all(fd, rd_buf_data(&out), rd_buf_len(&out));
        if (r == 0)
                r = rd_message_read(fd, &in, 64u << 20, reply, NULL);
        rd_buf_done(&out);
        rd_buf_done(&in);
        return r;
}

int h_call(const h_daemon *d, const char *lines, const char *body, size_t body_size,
           rd_message *reply) {
        int fd = h_connect(d), r;

        if (fd < 0)
                return fd;
        r = h_request(fd, lines, body, body_size, reply);
        close(fd);
        return r;
}

int h_submit_file(const h_daemon *d, const char *op, const char *name, rd_message *reply) {
        size_t size = 0;
        char *text = h_read_file(h_data(name), &size);
        char lines[512];
        int r;

        if (!text)
                return -errno;
        snprintf(lines, sizeof lines, "op: %s\nid: %s\nname: %s\n", op, name, name);
        r = h_call(d, lines, text, size, reply);
        free(text);
        return r;
}

bool h_ok(const rd_message *m) {
        bool ok = false;

        return m->header && rd_node_bool(rd_node_get(m->header, "ok"), &ok) && ok;
}

const char *h_code(const rd_message *m) {
        const char *c = rd_node_get_text(rd_node_get(m->header, "error"), "code");

        return c ? c : "";
}

const rd_node *h_problem(const rd_message *m, size_t i) {
        const rd_node *p = rd_node_get(rd_node_get(m->header, "error"), "problems");

        return i < rd_node_seq_len(p) ? p->items[i] : NULL;
}

static char *drain_fd(int fd) {
        rd_buf b = {};

        for (;;) {
                if (rd_buf_reserve(&b, 65536) < 0)
                        break;
                ssize_t n = read(fd, rd_buf_tail(&b), 65536);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                rd_buf_commit(&b, (size_t) n);
        }
        close(fd);
        return rd_buf_steal(&b, NULL);
}

int h_ctl(const h_daemon *d, char **ret_out, char **ret_err, const char *const *args) {
        int out[2], err[2], status = 0;
        char *o, *e;
        pid_t pid;

        if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
                return -1;
        pid = fork();
        if (pid == 0) {
                const char *argv[64] = { rosterctl_path };
                size_t n = 1;
                dup2(out[1], STDOUT_FILENO);
                dup2(err[1], STDERR_FILENO);
                for (size_t i = 0; args[i] && n < 63; i++)
                        argv[n++] = args[i];
                argv[n] = NULL;
                setenv("ROSTERD_SOCKET", d->socket, 1);
                execv(rosterctl_path, (char **) argv);
                _exit(127);
        }
        close(out[1]);
        close(err[1]);
        /* stderr of rosterctl is small: read stdout first, then stderr. */
        o = drain_fd(out[0]);
        e = drain_fd(err[0]);
        waitpid(pid, &status, 0);
        if (ret_out)
                *ret_out = o;
        else
                free(o);
        if (ret_err)
                *ret_err = e;
        else
                free(e);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
