/* daemon/proto-yaml.c -- YAML trees and the emitter of the wire protocol. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto-yaml.h"

rd_node *rd_node_free(rd_node *node) {
        if (!node)
                return NULL;
        for (size_t i = 0; i < node->n_items; i++)
                rd_node_free(node->items[i]);
        free(node->items);
        free(node->text);
        free(node);
        return NULL;
}

static int node_append(rd_node *parent, rd_node *child) {
        if (parent->n_items == parent->capacity) {
                size_t capacity = parent->capacity ? parent->capacity * 2 : 8;
                rd_node **items = realloc(parent->items, capacity * sizeof(*items));
                if (!items)
                        return -ENOMEM;
                parent->items = items;
                parent->capacity = capacity;
        }
        parent->items[parent->n_items++] = child;
        return 0;
}

static rd_node *node_new(rd_node_type type, const yaml_mark_t *mark) {
        rd_node *n = calloc(1, sizeof(*n));

        if (!n)
                return NULL;
        n->type = type;
        n->line = (unsigned) mark->line + 1;
        n->column = (unsigned) mark->column + 1;
        return n;
}

static void set_error(char **reterr_message, unsigned *reterr_line, unsigned *reterr_column,
                      const char *message, const yaml_mark_t *mark) {
        if (reterr_message) {
                free(*reterr_message);
                *reterr_message = strdup(message);
        }
        if (reterr_line)
                *reterr_line = mark ? (unsigned) mark->line + 1 : 0;
        if (reterr_column)
                *reterr_column = mark ? (unsigned) mark->column + 1 : 0;
}

int rd_yaml_parse(const char *text, size_t size, rd_node **ret, char **reterr_message,
                  unsigned *reterr_line, unsigned *reterr_column) {
        yaml_parser_t parser;
        rd_node *stack[RD_YAML_MAX_DEPTH + 1];
        size_t depth = 0;
        rd_node *root = NULL;
        int documents = 0, r = 0;
        bool done = false;

        if (!yaml_parser_initialize(&parser))
                return -ENOMEM;
        yaml_parser_set_input_string(&parser, (const unsigned char *) text, size);

        while (!done) {
                yaml_event_t ev;
                rd_node *n = NULL;

                if (!yaml_parser_parse(&parser, &ev)) {
                        if (parser.error == YAML_MEMORY_ERROR) {
                                r = -ENOMEM;
                        } else {
                                char msg[256];
                                snprintf(msg, sizeof msg, "%s%s%s",
                                         parser.problem ? parser.problem : "invalid YAML",
                                         parser.context ? " " : "",
                                         parser.context ? parser.context : "");
                                set_error(reterr_message, reterr_line, reterr_column, msg,
                                          &parser.problem_mark);
                                r = -EINVAL;
                        }
                        break;
                }

                switch (ev.type) {
                case YAML_STREAM_END_EVENT:
                        done = true;
                        break;
                case YAML_DOCUMENT_START_EVENT:
                        if (++documents > 1) {
                                set_error(reterr_message, reterr_line, reterr_column,
                                          "expected one YAML document, found another",
                                          &ev.start_mark);
                                r = -EINVAL;
                        }
                        break;
                case YAML_ALIAS_EVENT:
                        set_error(reterr_message, reterr_line, reterr_column,
                                  "aliases are not accepted", &ev.start_mark);
                        r = -EINVAL;
                        break;
                case YAML_SCALAR_EVENT:
                        n = node_new(RD_NODE_SCALAR, &ev.start_mark);
                        if (!n) {
                                r = -ENOMEM;
                                break;
                        }
                        n->text = malloc(ev.data.scalar.length + 1);
                        if (!n->text) {
                                rd_node_free(n);
                                n = NULL;
                                r = -ENOMEM;
                                break;
                        }
                        memcpy(n->text, ev.data.scalar.value, ev.data.scalar.length);
                        n->text[ev.data.scalar.length] = '\0';
                        n->length = ev.data.scalar.length;
                        n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
                        break;
                case YAML_SEQUENCE_START_EVENT:
                case YAML_MAPPING_START_EVENT:
                        if (depth >= RD_YAML_MAX_DEPTH) {
                                set_error(reterr_message, reterr_line, reterr_column,
                                          "nested too deeply", &ev.start_mark);
                                r = -EINVAL;
                                break;
                        }
                        n = node_new(ev.type == YAML_MAPPING_START_EVENT ? RD_NODE_MAP
                                                                         : RD_NODE_SEQ,
                                     &ev.start_mark);
                        if (!n)
                                r = -ENOMEM;
                        break;
                case YAML_SEQUENCE_END_EVENT:
                case YAML_MAPPING_END_EVENT:
                        n = stack[--depth];
                        if (depth > 0) {
                                r = node_append(stack[depth - 1], n);
                                if (r < 0)
                                        rd_node_free(n);
                        } else {
                                root = n;
                        }
                        n = NULL;
                        break;
                default:
                        break;
                }
                yaml_event_delete(&ev);
                if (r < 0) {
                        rd_node_free(n);
                        break;
                }
                if (n && n->type != RD_NODE_SCALAR) {
                        stack[depth++] = n;
                } else if (n) {
                        if (depth > 0) {
                                r = node_append(stack[depth - 1], n);
                                if (r < 0) {
                                        rd_node_free(n);
                                        break;
                                }
                        } else {
                                rd_node_free(root);
                                root = n;
                        }
                }
        }
        yaml_parser_delete(&parser);

        while (depth > 0)
                rd_node_free(stack[--depth]);
        if (r < 0) {
                rd_node_free(root);
                return r;
        }
        if (!root) {
                yaml_mark_t start = {};
                root = node_new(RD_NODE_MAP, &start);
                if (!root)
                        return -ENOMEM;
        }
        *ret = root;
        return 0;
}

const rd_node *rd_node_get(const rd_node *map, const char *key) {
        if (!map || map->type != RD_NODE_MAP)
                return NULL;
        for (size_t i = 0; i + 1 < map->n_items; i += 2) {
                const rd_node *k = map->items[i];
                if (k->type == RD_NODE_SCALAR && strcmp(k->text, key) == 0)
                        return map->items[i + 1];
        }
        return NULL;
}

bool rd_node_is_null(const rd_node *node) {
        return node && node->type == RD_NODE_SCALAR && node->plain &&
               (node->length == 0 || strcmp(node->text, "~") == 0 ||
                strcmp(node->text, "null") == 0);
}

const char *rd_node_text(const rd_node *node) {
        if (!node || node->type != RD_NODE_SCALAR || rd_node_is_null(node) ||
            strlen(node->text) != node->length)
                return NULL;
        return node->text;
}

const char *rd_node_get_text(const rd_node *map, const char *key) {
        return rd_node_text(rd_node_get(map, key));
}

bool rd_node_long(const rd_node *node, long *ret) {
        const char *s = rd_node_text(node);
        char *end;
        long v;

        if (!s || !node->plain || !*s)
                return false;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno || *end)
                return false;
        *ret = v;
        return true;
}

bool rd_node_bool(const rd_node *node, bool *ret) {
        const char *s = rd_node_text(node);

        if (!s || !node->plain)
                return false;
        if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0) {
                *ret = true;
                return true;
        }
        if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0) {
                *ret = false;
                return true;
        }
        return false;
}

size_t rd_node_seq_len(const rd_node *node) {
        return node && node->type == RD_NODE_SEQ ? node->n_items : 0;
}

/* ---- Writing --------------------------------------------------------- */

static int buf_output(void *userdata, unsigned char *bytes, size_t size) {
        return rd_buf_append(userdata, bytes, size) == 0;
}

static void emit(rd_yw *w, yaml_event_t *ev, int initialized) {
        if (w->error) {
                if (initialized)
                        yaml_event_delete(ev);
                return;
        }
        if (!initialized) {
                w->error = -ENOMEM;
                return;
        }
        if (!yaml_emitter_emit(&w->emitter, ev))
                w->error = w->emitter.error == YAML_MEMORY_ERROR ? -ENOMEM : -EIO;
}

void rd_yw_begin(rd_yw *w, rd_buf *out) {
        yaml_event_t ev;

        *w = (rd_yw) {};
        if (!yaml_emitter_initialize(&w->emitter)) {
                w->error = -ENOMEM;
                return;
        }
        w->initialized = true;
        yaml_emitter_set_output(&w->emitter, buf_output, out);
        yaml_emitter_set_unicode(&w->emitter, 1);
        yaml_emitter_set_width(&w->emitter, 120);
        emit(w, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
        emit(w, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
}

int rd_yw_end(rd_yw *w) {
        yaml_event_t ev;
        int r;

        emit(w, &ev, yaml_document_end_event_initialize(&ev, 1));
        emit(w, &ev, yaml_stream_end_event_initialize(&ev));
        if (w->initialized)
                yaml_emitter_delete(&w->emitter);
        r = w->error;
        *w = (rd_yw) {};
        return r;
}

void rd_yw_map_start(rd_yw *w, bool flow) {
        yaml_event_t ev;

        emit(w, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                                         flow ? YAML_FLOW_MAPPING_STYLE
                                                              : YAML_BLOCK_MAPPING_STYLE));
}

void rd_yw_map_end(rd_yw *w) {
        yaml_event_t ev;

        emit(w, &ev, yaml_mapping_end_event_initialize(&ev));
}

void rd_yw_seq_start(rd_yw *w, bool flow) {
        yaml_event_t ev;

        emit(w, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                                                          flow ? YAML_FLOW_SEQUENCE_STYLE
                                                               : YAML_BLOCK_SEQUENCE_STYLE));
}

void rd_yw_seq_end(rd_yw *w) {
        yaml_event_t ev;

        emit(w, &ev, yaml_sequence_end_event_initialize(&ev));
}

static void scalar(rd_yw *w, const char *value, size_t length, yaml_scalar_style_t style) {
        yaml_event_t ev;

        if (length > INT_MAX) {
                w->error = w->error ? w->error : -E2BIG;
                return;
        }
        /* Both implicit: whatever style the emitter settles on, no tag is
         * written; the callers pick the style that keeps the type. */
        emit(w, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *) value,
                                                  (int) length, 1, 1, style));
}

/* A plain scalar that a YAML reader would take for something other than a
 * string (a number, a boolean, null) must be quoted; libyaml only quotes
 * for syntax, so the check for resolved types is done here. */
static bool reads_as_non_string(const char *s) {
        static const char *const words[] = {
                "", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False",
                "FALSE", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off",
                "OFF", ".inf", ".nan", NULL,
        };
        char *end;

        for (size_t i = 0; words[i]; i++)
                if (strcmp(s, words[i]) == 0)
                        return true;
        errno = 0;
        (void) strtod(s, &end);
        if (end != s && *end == '\0')
                return true;
        /* YAML 1.1 readers take digits with ':' for sexagesimal numbers
         * (07:30) and YYYY-MM-DD... for timestamps. */
        if (s[0] >= '0' && s[0] <= '9') {
                bool numeric = true;
                for (const char *p = s; *p && numeric; p++)
                        numeric = strchr("0123456789:._+-", *p) != NULL;
                if (numeric)
                        return true;
                if (strlen(s) >= 8 && s[4] == '-' && s[5] >= '0' && s[5] <= '9')
                        return true;
        }
        return false;
}

void rd_yw_str(rd_yw *w, const char *value) {
        scalar(w, value, strlen(value),
               reads_as_non_string(value) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
                                          : YAML_ANY_SCALAR_STYLE);
}

void rd_yw_quoted(rd_yw *w, const char *value) {
        scalar(w, value, strlen(value), YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}

void rd_yw_literal(rd_yw *w, const char *value) {
        scalar(w, value, strlen(value), YAML_LITERAL_SCALAR_STYLE);
}

void rd_yw_long(rd_yw *w, long value) {
        char buf[32];

        snprintf(buf, sizeof buf, "%ld", value);
        scalar(w, buf, strlen(buf), YAML_PLAIN_SCALAR_STYLE);
}

void rd_yw_double(rd_yw *w, double value) {
        char buf[64];

        snprintf(buf, sizeof buf, "%.6g", value);
        scalar(w, buf, strlen(buf), YAML_PLAIN_SCALAR_STYLE);
}

void rd_yw_bool(rd_yw *w, bool value) {
        scalar(w, value ? "true" : "false", value ? 4 : 5, YAML_PLAIN_SCALAR_STYLE);
}

void rd_yw_null(rd_yw *w) {
        scalar(w, "null", 4, YAML_PLAIN_SCALAR_STYLE);
}

void rd_yw_key_str(rd_yw *w, const char *key, const char *value) {
        rd_yw_str(w, key);
        rd_yw_str(w, value);
}

void rd_yw_key_long(rd_yw *w, const char *key, long value) {
        rd_yw_str(w, key);
        rd_yw_long(w, value);
}

void rd_yw_key_bool(rd_yw *w, const char *key, bool value) {
        rd_yw_str(w, key);
        rd_yw_bool(w, value);
}

void rd_yw_node(rd_yw *w, const rd_node *node) {
        switch (node->type) {
        case RD_NODE_SCALAR:
                scalar(w, node->text, node->length,
                       node->plain ? YAML_PLAIN_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE);
                break;
        case RD_NODE_MAP:
                rd_yw_map_start(w, false);
                for (size_t i = 0; i < node->n_items; i++)
                        rd_yw_node(w, node->items[i]);
                rd_yw_map_end(w);
                break;
        case RD_NODE_SEQ:
                rd_yw_seq_start(w, false);
                for (size_t i = 0; i < node->n_items; i++)
                        rd_yw_node(w, node->items[i]);
                rd_yw_seq_end(w);
                break;
        }
}
