/* daemon/proto-frame.h -- framing of the rosterd wire protocol (version 1).
 *
 * A message is a header, a YAML mapping that starts with "rosterd: 1" and
 * ends with a line holding only "..." (the YAML document end marker),
 * followed by a body of exactly `size:` bytes when the header has a size.
 * A request that carries a document may instead end its body with another
 * "..." line. Bodies are never re-encoded, so a submitted document reaches
 * the parser byte for byte and its errors point into the submitter's own
 * file. docs/protocol.md describes every operation. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "proto-buf.h"
#include "proto-yaml.h"

#define RD_PROTOCOL_VERSION 1

/* The stable error codes of the protocol. */
typedef enum rd_error_code {
        RD_ERR_PARSE,           /* not YAML, or not a protocol message */
        RD_ERR_INVALID,         /* a document or request field is wrong */
        RD_ERR_FORBIDDEN,       /* the peer's role does not allow it */
        RD_ERR_NOT_FOUND,       /* no such roster, proposal, employer or week */
        RD_ERR_CONFLICT,        /* the state changed meanwhile (e.g. a newer proposal) */
        RD_ERR_TOO_LARGE,       /* over a size limit */
        RD_ERR_BUSY,            /* over a connection, queue or time limit */
        RD_ERR_INTERNAL,        /* the daemon failed (I/O, a crashed solve) */
        _RD_ERR_MAX,
} rd_error_code;

const char *rd_error_code_to_string(rd_error_code code);

/* Looks for a line that is exactly "..." (trailing blanks and a CR
 * allowed) in @data. @scanned is how much of @data is already known to hold
 * none (in/out), so that growing input is scanned once. Returns the offset
 * just after that line and the length of the text before it in
 * *ret_text_len, or 0 when there is none yet. */
size_t rd_frame_find_end(const char *data, size_t size, size_t *scanned, size_t *ret_text_len);

/* Starts a message header: the mapping and its "rosterd: 1" entry. */
void rd_msg_begin(rd_yw *w, rd_buf *out);

/* Closes the mapping, ends the document and appends the "..." line.
 * Returns 0 or a negative errno. */
int rd_msg_end(rd_yw *w, rd_buf *out);

/* ---- Blocking client side (rosterctl and tests) ---------------------- */

/* One received message: the parsed header and the body bytes. */
typedef struct rd_message {
        rd_node *header;
        char *body;                     /* NUL-terminated, NULL when there is none */
        size_t body_size;
} rd_message;

void rd_message_done(rd_message *m);

/* Reads the next message from blocking @fd, keeping extra bytes in @in for
 * the next call. Returns 0; -ECONNRESET when the peer closed before a
 * whole message; -EBADMSG (with a message in *reterr_message when
 * non-NULL) for a header that is not YAML; -E2BIG past @max bytes; or
 * another negative errno. */
int rd_message_read(int fd, rd_buf *in, size_t max, rd_message *ret, char **reterr_message);

/* Writes all of @data to blocking @fd. Returns 0 or a negative errno. */
int rd_write_all(int fd, const void *data, size_t size);

/* Connects to the Unix stream socket at @path. Returns the fd or a
 * negative errno. */
int rd_connect_unix(const char *path);
