/* daemon/proto-buf.h -- a growable byte buffer.
 *
 * Used for socket input and output queues and for building messages. The
 * data is always followed by a NUL byte that is not counted in @size, so
 * text can be handed to string functions directly. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct rd_buf {
        char *data;             /* NULL until the first append */
        size_t size;            /* bytes in use, from @start */
        size_t start;           /* consumed bytes at the front, not yet moved */
        size_t capacity;
} rd_buf;

/* The unread bytes. */
static inline const char *rd_buf_data(const rd_buf *b) {
        return b->data ? b->data + b->start : "";
}

static inline size_t rd_buf_len(const rd_buf *b) {
        return b->size;
}

/* Frees what @b holds and leaves it empty. NULL-safe. */
void rd_buf_done(rd_buf *b);

/* Makes room for @more bytes after the data. Returns 0 or -ENOMEM. */
int rd_buf_reserve(rd_buf *b, size_t more);

/* The writable space after the data (at least what rd_buf_reserve() gave);
 * rd_buf_commit() then counts @n written bytes. */
char *rd_buf_tail(rd_buf *b);
void rd_buf_commit(rd_buf *b, size_t n);

int rd_buf_append(rd_buf *b, const void *data, size_t size);
int rd_buf_puts(rd_buf *b, const char *s);
int rd_buf_printf(rd_buf *b, const char *format, ...) __attribute__((format(printf, 2, 3)));
int rd_buf_vprintf(rd_buf *b, const char *format, va_list ap)
        __attribute__((format(printf, 2, 0)));

/* Drops the bytes after the first @size (none when it holds fewer) and
 * gives the memory back once a megabyte or more is unused. */
void rd_buf_truncate(rd_buf *b, size_t size);

/* Drops @n bytes from the front. */
void rd_buf_consume(rd_buf *b, size_t n);

/* Hands the data over as a malloc'ed NUL-terminated string (never NULL
 * unless out of memory) and leaves @b empty. */
char *rd_buf_steal(rd_buf *b, size_t *ret_size);
