/* daemon/proto-frame.c -- framing of the wire protocol. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "proto-frame.h"

const char *rd_error_code_to_string(rd_error_code code) {
        static const char *const names[_RD_ERR_MAX] = {
                [RD_ERR_PARSE] = "parse",
                [RD_ERR_INVALID] = "invalid",
                [RD_ERR_FORBIDDEN] = "forbidden",
                [RD_ERR_NOT_FOUND] = "not-found",
                [RD_ERR_CONFLICT] = "conflict",
                [RD_ERR_TOO_LARGE] = "too-large",
                [RD_ERR_BUSY] = "busy",
                [RD_ERR_INTERNAL] = "internal",
        };

        if ((int) code < 0 || code >= _RD_ERR_MAX)
                return "internal";
        return names[code];
}

/* Whether the line starting at @p (of @n bytes up to and including its
 * newline) is a document end marker. */
static bool is_end_line(const char *p, size_t n) {
        size_t i = 3;

        if (n < 4 || memcmp(p, "...", 3) != 0)
                return false;
        while (i < n - 1 && (p[i] == ' ' || p[i] == '\t'))
                i++;
        if (i < n - 1 && p[i] == '\r')
                i++;
        return i == n - 1;
}

size_t rd_frame_find_end(const char *data, size_t size, size_t *scanned, size_t *ret_text_len) {
        size_t line = *scanned;

        /* @scanned always points at the start of a line not yet complete. */
        for (;;) {
                const char *nl = memchr(data + line, '\n', size - line);
                if (!nl) {
                        *scanned = line;
                        return 0;
                }
                size_t next = (size_t) (nl - data) + 1;
                if (is_end_line(data + line, next - line)) {
                        *scanned = line;
                        *ret_text_len = line;
                        return next;
                }
                line = next;
        }
}

void rd_msg_begin(rd_yw *w, rd_buf *out) {
        rd_yw_begin(w, out);
        rd_yw_map_start(w, false);
        rd_yw_key_long(w, "rosterd", RD_PROTOCOL_VERSION);
}

int rd_msg_end(rd_yw *w, rd_buf *out) {
        int r;

        rd_yw_map_end(w);
        r = rd_yw_end(w);
        if (r < 0)
                return r;
        return rd_buf_puts(out, "...\n");
}

void rd_message_done(rd_message *m) {
        if (!m)
                return;
        rd_node_free(m->header);
        free(m->body);
        *m = (rd_message) {};
}

/* The socket's SO_RCVTIMEO in milliseconds, -1 for none. */
static int receive_timeout_ms(int fd) {
        struct timeval tv = {};
        socklen_t len = sizeof(tv);

        if (getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len) < 0 || (tv.tv_sec == 0 && tv.tv_usec == 0))
                return -1;
        long long ms = (long long) tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
        return ms > INT_MAX ? INT_MAX : (int) ms;
}

/* Waits for data with poll() rather than in read(): a read() blocked on a
 * Unix socket sleeps on the socket's only wait queue and is woken (a
 * context switch here, a cross-CPU wake-up in the daemon) every time the
 * daemon takes in the bytes we sent, not only when the answer comes;
 * poll(POLLIN) is woken for data only. @timeout_ms as poll(). */
static int wait_readable(int fd, int timeout_ms) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int n;

        do
                n = poll(&p, 1, timeout_ms);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        return n == 0 ? -EAGAIN : 0;    /* what read() gives past SO_RCVTIMEO */
}

static int fill(int fd, rd_buf *in, size_t max, int timeout_ms) {
        ssize_t n;
        int r;

        if (rd_buf_len(in) >= max)
                return -E2BIG;
        r = rd_buf_reserve(in, 65536);
        if (r < 0)
                return r;
        r = wait_readable(fd, timeout_ms);
        if (r < 0)
                return r;
        do
                n = read(fd, rd_buf_tail(in), 65536);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if (n == 0)
                return -ECONNRESET;
        rd_buf_commit(in, (size_t) n);
        return 0;
}

int rd_message_read(int fd, rd_buf *in, size_t max, rd_message *ret, char **reterr_message) {
        size_t scanned = 0, text_len = 0, end;
        rd_node *header = NULL;
        long size = 0;
        int timeout_ms = -2;    /* not asked yet */
        int r;

        while ((end = rd_frame_find_end(rd_buf_data(in), rd_buf_len(in), &scanned,
                                        &text_len)) == 0) {
                if (timeout_ms == -2)
                        timeout_ms = receive_timeout_ms(fd);
                r = fill(fd, in, max, timeout_ms);
                if (r < 0)
                        return r;
        }
        r = rd_yaml_parse(rd_buf_data(in), text_len, &header, reterr_message, NULL, NULL);
        if (r < 0)
                return r == -EINVAL ? -EBADMSG : r;
        rd_buf_consume(in, end);

        const rd_node *s = rd_node_get(header, "size");
        if (s && (!rd_node_long(s, &size) || size < 0)) {
                rd_node_free(header);
                return -EBADMSG;
        }
        if ((size_t) size > max) {
                rd_node_free(header);
                return -E2BIG;
        }
        while (rd_buf_len(in) < (size_t) size) {
                if (timeout_ms == -2)
                        timeout_ms = receive_timeout_ms(fd);
                r = fill(fd, in, (size_t) size + 1, timeout_ms);
                if (r < 0) {
                        rd_node_free(header);
                        return r;
                }
        }
        *ret = (rd_message) { .header = header };
        if (s) {
                ret->body = malloc((size_t) size + 1);
                if (!ret->body) {
                        rd_message_done(ret);
                        return -ENOMEM;
                }
                memcpy(ret->body, rd_buf_data(in), (size_t) size);
                ret->body[size] = '\0';
                ret->body_size = (size_t) size;
                rd_buf_consume(in, (size_t) size);
        }
        return 0;
}

int rd_write_all(int fd, const void *data, size_t size) {
        const char *p = data;

        while (size > 0) {
                ssize_t n = write(fd, p, size);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                size -= (size_t) n;
        }
        return 0;
}

int rd_connect_unix(const char *path) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd;

        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        return fd;
}
