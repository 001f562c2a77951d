/* config/tree.h -- one YAML document as a tree of plain nodes (private).
 *
 * libyaml's event stream becomes a small tree first, so that the schema
 * checks can look keys up in any order and report every problem of a file
 * at once. Everything YAML offers beyond plain data is refused here, each
 * with its position: aliases and anchors, tags, complex keys, duplicate
 * keys, nesting deeper than RC_DOCUMENT_MAX_DEPTH and more than one
 * document per file. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "roster/config.h"

typedef enum rc_node_type {
        RC_NODE_SCALAR,
        RC_NODE_MAPPING,
        RC_NODE_SEQUENCE,
        RC_NODE_BAD,            /* refused (alias, tag, ...): already reported, skip silently */
} rc_node_type;

typedef struct rc_node rc_node;
typedef struct rc_arena rc_arena;
struct rc_node {
        rc_node_type type;
        unsigned line, column;  /* 1-based */
        bool null;              /* a plain scalar "", "~" or "null" */
        bool refused;           /* while open: an anchored or tagged collection */
        char *text;             /* scalar text as written (NUL-terminated) */
        size_t length;          /* bytes in @text; more than strlen() when it holds a NUL */
        rc_node **items;        /* sequence items; a mapping's keys and values alternate */
        size_t n_items;         /* a mapping has n_items / 2 pairs */
        rc_arena *arena;        /* the root's: where the whole tree lives */
};

/* Parses @text into *ret (never written when the text has a syntax error
 * or is nested too deeply; then the reason is in @diags). Problems that
 * leave the tree usable (an alias, a duplicate key) are appended to @diags
 * and the tree is still returned, with RC_NODE_BAD in their place, so that
 * the schema checks can find the rest. Problems beyond RC_DOCUMENT_MAX_DIAGS
 * are only counted, in *ret_dropped. Returns 0 (check @diags), -EINVAL
 * when no tree can be made, or -ENOMEM. */
int rc_tree_parse(const char *file, const char *text, size_t size, rc_node **ret,
                  size_t *ret_dropped, rc_diags *diags);

/* Frees a tree rc_tree_parse() returned, every node of it at once. */
rc_node *rc_tree_free(rc_node *root);

/* The value of @key in mapping @map, or NULL. */
const rc_node *rc_node_get(const rc_node *map, const char *key);

/* Appends a diag with a printf-style message. Returns 0 or -ENOMEM. */
int rc_diags_addf(rc_diags *diags, const char *file, unsigned line, unsigned column,
                  const char *path, const char *format, ...)
        __attribute__((format(printf, 6, 7)));

/* Sorts the diags from index @from on by line and column, keeping the
 * order of equal positions. */
void rc_diags_sort(rc_diags *diags, size_t from);
