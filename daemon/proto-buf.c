/* daemon/proto-buf.c -- a growable byte buffer. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto-buf.h"

void rd_buf_done(rd_buf *b) {
        if (!b)
                return;
        free(b->data);
        *b = (rd_buf) {};
}

int rd_buf_reserve(rd_buf *b, size_t more) {
        size_t need, capacity;
        char *data;

        /* Move the unread bytes to the front first when that makes room, so
         * a queue that is drained as fast as it is filled never grows. */
        if (b->start > 0 && b->start + b->size + more + 1 > b->capacity) {
                memmove(b->data, b->data + b->start, b->size);
                b->start = 0;
                b->data[b->size] = '\0';
        }
        if (more > SIZE_MAX / 2 - b->size)
                return -ENOMEM;
        need = b->start + b->size + more + 1;
        if (need <= b->capacity)
                return 0;
        capacity = b->capacity ? b->capacity : 256;
        while (capacity < need)
                capacity *= 2;
        data = realloc(b->data, capacity);
        if (!data)
                return -ENOMEM;
        b->data = data;
        b->capacity = capacity;
        b->data[b->start + b->size] = '\0';
        return 0;
}

char *rd_buf_tail(rd_buf *b) {
        return b->data + b->start + b->size;
}

void rd_buf_commit(rd_buf *b, size_t n) {
        b->size += n;
        b->data[b->start + b->size] = '\0';
}

int rd_buf_append(rd_buf *b, const void *data, size_t size) {
        int r = rd_buf_reserve(b, size);

        if (r < 0)
                return r;
        if (size > 0)
                memcpy(rd_buf_tail(b), data, size);
        rd_buf_commit(b, size);
        return 0;
}

int rd_buf_puts(rd_buf *b, const char *s) {
        return rd_buf_append(b, s, strlen(s));
}

int rd_buf_vprintf(rd_buf *b, const char *format, va_list ap) {
        va_list copy;
        int n, r;

        va_copy(copy, ap);
        n = vsnprintf(NULL, 0, format, copy);
        va_end(copy);
        if (n < 0)
                return -EINVAL;
        r = rd_buf_reserve(b, (size_t) n);
        if (r < 0)
                return r;
        vsnprintf(rd_buf_tail(b), (size_t) n + 1, format, ap);
        rd_buf_commit(b, (size_t) n);
        return 0;
}

int rd_buf_printf(rd_buf *b, const char *format, ...) {
        va_list ap;
        int r;

        va_start(ap, format);
        r = rd_buf_vprintf(b, format, ap);
        va_end(ap);
        return r;
}

void rd_buf_consume(rd_buf *b, size_t n) {
        if (n >= b->size) {
                b->start = 0;
                b->size = 0;
                if (b->data)
                        b->data[0] = '\0';
                return;
        }
        b->start += n;
        b->size -= n;
}

#define RD_BUF_GIVE_BACK (1u << 20)

void rd_buf_truncate(rd_buf *b, size_t size) {
        if (size >= b->size)
                return;
        b->size = size;
        b->data[b->start + size] = '\0';
        /* Give back a megabyte or more no longer used: shrinking a
         * large block in place (mremap, or a split on the heap) does
         * not copy it. */
        if (b->capacity - (b->start + size + 1) >= RD_BUF_GIVE_BACK) {
                char *less = realloc(b->data, b->start + size + 1);
                if (less) {
                        b->data = less;
                        b->capacity = b->start + size + 1;
                }
        }
}

char *rd_buf_steal(rd_buf *b, size_t *ret_size) {
        char *s;

        if (rd_buf_reserve(b, 0) < 0)
                return NULL;
        if (b->start > 0)
                memmove(b->data, b->data + b->start, b->size + 1);
        s = b->data;
        if (ret_size)
                *ret_size = b->size;
        *b = (rd_buf) {};
        return s;
}
