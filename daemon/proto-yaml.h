/* daemon/proto-yaml.h -- the YAML of the wire protocol: a small tree for
 * reading message headers and roster documents, and an emitter for
 * writing headers.
 *
 * The documents of SPEC §3 are read only by config/ (rc_document_parse);
 * this is for the protocol envelope around them and for the client, which
 * renders roster documents it receives. Aliases, tags and more than one
 * document are refused: a message header is plain data. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "proto-buf.h"

#define RD_YAML_MAX_DEPTH 64

typedef enum rd_node_type {
        RD_NODE_SCALAR,
        RD_NODE_MAP,
        RD_NODE_SEQ,
} rd_node_type;

typedef struct rd_node rd_node;
struct rd_node {
        rd_node_type type;
        unsigned line, column;          /* 1-based, where the node starts */
        char *text;                     /* scalars: the text, NUL-terminated */
        size_t length;
        bool plain;                     /* an unquoted scalar */
        rd_node **items;                /* sequence items; map keys and values alternate */
        size_t n_items;
        size_t capacity;                /* allocated entries of @items */
};

/* Parses one YAML document. Returns 0 and *ret (free with rd_node_free());
 * -EINVAL with a malloc'ed message and its 1-based position in the
 * reterr_ out-params (each may be NULL); -ENOMEM. An empty text gives an
 * empty mapping. */
int rd_yaml_parse(const char *text, size_t size, rd_node **ret, char **reterr_message,
                  unsigned *reterr_line, unsigned *reterr_column);

rd_node *rd_node_free(rd_node *node);

/* The value of @key in mapping @map, or NULL (also when @map is NULL or
 * not a mapping). */
const rd_node *rd_node_get(const rd_node *map, const char *key);

/* The text of a scalar that is not null ("~", "null" or empty and plain),
 * or NULL. */
const char *rd_node_text(const rd_node *node);

/* rd_node_text(rd_node_get(map, key)). */
const char *rd_node_get_text(const rd_node *map, const char *key);

/* A scalar read as a whole number / boolean. False when absent or not one. */
bool rd_node_long(const rd_node *node, long *ret);
bool rd_node_bool(const rd_node *node, bool *ret);
bool rd_node_is_null(const rd_node *node);

/* Number of items of a sequence (0 for anything else). */
size_t rd_node_seq_len(const rd_node *node);

/* ---- Writing --------------------------------------------------------- */

/* An emitter into an rd_buf with a sticky error: after the first failure
 * every call does nothing, and rd_yw_end() returns the error. */
typedef struct rd_yw {
        yaml_emitter_t emitter;
        int error;
        bool initialized;
} rd_yw;

/* Starts a stream and an (implicit) document. */
void rd_yw_begin(rd_yw *w, rd_buf *out);

/* Ends the document and the stream. Returns 0 or a negative errno. */
int rd_yw_end(rd_yw *w);

void rd_yw_map_start(rd_yw *w, bool flow);
void rd_yw_map_end(rd_yw *w);
void rd_yw_seq_start(rd_yw *w, bool flow);
void rd_yw_seq_end(rd_yw *w);

/* A string in whatever style keeps it a string (libyaml quotes it when
 * a plain scalar would read as something else). */
void rd_yw_str(rd_yw *w, const char *value);
/* Always double-quoted: times like "07:00". */
void rd_yw_quoted(rd_yw *w, const char *value);
/* A literal block scalar when the emitter allows it (multi-line text). */
void rd_yw_literal(rd_yw *w, const char *value);
void rd_yw_long(rd_yw *w, long value);
void rd_yw_double(rd_yw *w, double value);
void rd_yw_bool(rd_yw *w, bool value);
void rd_yw_null(rd_yw *w);

void rd_yw_key_str(rd_yw *w, const char *key, const char *value);
void rd_yw_key_long(rd_yw *w, const char *key, long value);
void rd_yw_key_bool(rd_yw *w, const char *key, bool value);

/* Writes a parsed subtree again. */
void rd_yw_node(rd_yw *w, const rd_node *node);
