/* config/tree.c -- libyaml events to a tree of plain nodes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "tree.h"

/* A tree's nodes, texts and item lists come from one arena, freed at
 * once: a document has hundreds of small nodes, and a malloc() and a
 * free() for each made the allocator a tenth of the daemon's time taking
 * in a submission. Blocks double from ARENA_FIRST up to ARENA_LARGEST; a
 * longer text gets a block of its own. */
#define ARENA_FIRST (8u << 10)
#define ARENA_LARGEST (1u << 20)

typedef struct arena_block arena_block;
struct arena_block {
        arena_block *next;
        size_t used, size;
        max_align_t data[];
};

struct rc_arena {
        arena_block *blocks;    /* the newest first */
};

static void arena_free(rc_arena *a) {
        if (!a)
                return;
        for (arena_block *b = a->blocks, *next; b; b = next) {
                next = b->next;
                free(b);
        }
        free(a);
}

static void *arena_alloc(rc_arena *a, size_t size) {
        const size_t align = sizeof(max_align_t);
        arena_block *b = a->blocks;

        size = (size + align - 1) / align * align;
        if (!b || b->size - b->used < size) {
                size_t room = b ? (b->size < ARENA_LARGEST ? b->size * 2 : ARENA_LARGEST)
                                : ARENA_FIRST;
                if (room < size)
                        room = size;
                arena_block *n = malloc(sizeof(*n) + room);
                if (!n)
                        return NULL;
                *n = (arena_block) { .next = b, .size = room };
                a->blocks = n;
                b = n;
        }
        void *p = (char *) b->data + b->used;
        b->used += size;
        return p;
}

rc_node *rc_tree_free(rc_node *root) {
        if (root)
                arena_free(root->arena);
        return NULL;
}

const rc_node *rc_node_get(const rc_node *map, const char *key) {
        if (!map || map->type != RC_NODE_MAPPING)
                return NULL;
        for (size_t i = 0; i + 1 < map->n_items; i += 2) {
                const rc_node *k = map->items[i];
                if (k->type == RC_NODE_SCALAR && strlen(k->text) == k->length &&
                    strcmp(k->text, key) == 0)
                        return map->items[i + 1];
        }
        return NULL;
}

typedef struct builder {
        const char *file;
        rc_diags *diags;
        size_t first_diag;
        size_t dropped;         /* beyond RC_DOCUMENT_MAX_DIAGS */
        const char *text;
        size_t size;
        rc_arena *arena;        /* every node's memory */
        rc_node *root;
        rc_node *open[RC_DOCUMENT_MAX_DEPTH];   /* collections not yet closed */
        size_t depth;
} builder;

/* Whether another diag may be added; counts the ones left out. */
static bool room(builder *b) {
        if (b->diags->n - b->first_diag < RC_DOCUMENT_MAX_DIAGS)
                return true;
        b->dropped++;
        return false;
}

static int add_diag(builder *b, yaml_mark_t mark, const char *message) {
        if (!room(b))
                return 0;
        return rc_diags_addf(b->diags, b->file, (unsigned) mark.line + 1,
                             (unsigned) mark.column + 1, "", "%s", message);
}

static rc_node *node_new(builder *b, rc_node_type type, yaml_mark_t mark) {
        rc_node *n = arena_alloc(b->arena, sizeof(*n));

        if (!n)
                return NULL;
        *n = (rc_node) { .type = type };
        n->line = (unsigned) mark.line + 1;
        n->column = (unsigned) mark.column + 1;
        return n;
}

/* Hands @node to the innermost open collection (or makes it the root). */
static int attach(builder *b, rc_node *node) {
        if (b->depth == 0) {
                b->root = node;
                return 0;
        }

        rc_node *parent = b->open[b->depth - 1];
        if (parent->n_items >= 4 && (parent->n_items & (parent->n_items - 1)) == 0) {
                /* Grow at every power of two: amortised doubling without a
                 * separate capacity field. The old list stays in the
                 * arena: at most as much again as the lists in use. */
                rc_node **items = arena_alloc(b->arena, parent->n_items * 2 * sizeof(*items));
                if (!items)
                        return -ENOMEM;
                memcpy(items, parent->items, parent->n_items * sizeof(*items));
                parent->items = items;
        } else if (parent->n_items == 0) {
                parent->items = arena_alloc(b->arena, 4 * sizeof(*parent->items));
                if (!parent->items)
                        return -ENOMEM;
        }
        parent->items[parent->n_items++] = node;
        return 0;
}

static int compare_keys(const void *a, const void *b) {
        const rc_node *x = *(rc_node *const *) a, *y = *(rc_node *const *) b;
        size_t n = x->length < y->length ? x->length : y->length;
        int c = memcmp(x->text, y->text, n);

        if (c != 0)
                return c;
        if (x->length != y->length)
                return x->length < y->length ? -1 : 1;
        /* Equal keys stay in document order, so the first one is "first". */
        if (x->line != y->line)
                return x->line < y->line ? -1 : 1;
        return x->column < y->column ? -1 : x->column > y->column;
}

/* Reports keys that are not scalars and keys given twice. Sorting makes
 * this O(n log n), so a huge flat mapping cannot stall the loader. */
static int check_mapping(builder *b, rc_node *map) {
        size_t n_pairs = map->n_items / 2, n_keys = 0;
        rc_node **keys;
        int r;

        if (n_pairs == 0)
                return 0;
        keys = malloc(n_pairs * sizeof(*keys));
        if (!keys)
                return -ENOMEM;
        for (size_t i = 0; i < n_pairs; i++) {
                rc_node *k = map->items[2 * i];
                if (k->type == RC_NODE_SCALAR) {
                        keys[n_keys++] = k;
                        continue;
                }
                if (k->type != RC_NODE_BAD && room(b)) {
                        r = rc_diags_addf(b->diags, b->file, k->line, k->column, "",
                                          "a mapping key must be a plain text, not a %s",
                                          k->type == RC_NODE_MAPPING ? "mapping" : "sequence");
                        if (r < 0)
                                goto finish;
                        k->type = RC_NODE_BAD;
                }
        }
        qsort(keys, n_keys, sizeof(*keys), compare_keys);
        r = 0;
        for (size_t i = 1; i < n_keys; i++) {
                size_t first = i - 1;
                while (i < n_keys && keys[i]->length == keys[first]->length &&
                       memcmp(keys[i]->text, keys[first]->text, keys[i]->length) == 0) {
                        r = !room(b) ? 0 : rc_diags_addf(b->diags, b->file, keys[i]->line, keys[i]->column, "",
                                          "duplicate key \"%s\" (first at line %u column %u)",
                                          keys[i]->text, keys[first]->line, keys[first]->column);
                        if (r < 0)
                                goto finish;
                        /* The first one counts; the schema checks skip the rest. */
                        keys[i]->type = RC_NODE_BAD;
                        i++;
                }
        }
finish:
        free(keys);
        return r;
}

/* libyaml's reader reports a byte offset, not a mark. */
static yaml_mark_t mark_of_offset(const builder *b, size_t offset) {
        yaml_mark_t m = {};

        for (size_t i = 0; i < offset && i < b->size; i++) {
                unsigned char c = (unsigned char) b->text[i];
                if (c == '\n') {
                        m.line++;
                        m.column = 0;
                } else if ((c & 0xC0) != 0x80) {
                        m.column++;
                }
        }
        return m;
}

static int syntax_error(builder *b, const yaml_parser_t *parser) {
        const char *problem = parser->problem ? parser->problem : "cannot parse";
        char message[512];

        if (parser->error == YAML_MEMORY_ERROR)
                return -ENOMEM;
        if (parser->error == YAML_READER_ERROR) {
                snprintf(message, sizeof(message), "invalid text: %s", problem);
                return add_diag(b, mark_of_offset(b, parser->problem_offset), message);
        }
        if (parser->context)
                snprintf(message, sizeof(message), "syntax error: %s (%s at line %zu column %zu)",
                         problem, parser->context, parser->context_mark.line + 1,
                         parser->context_mark.column + 1);
        else
                snprintf(message, sizeof(message), "syntax error: %s", problem);
        return add_diag(b, parser->problem_mark, message);
}

/* Refuses anchors and tags on a node. Returns 1 when refused, 0 when not,
 * or -ENOMEM. */
static int refuse_extras(builder *b, yaml_mark_t mark, const yaml_char_t *anchor,
                         const yaml_char_t *tag) {
        int r;

        if (anchor) {
                r = add_diag(b, mark, "YAML anchors are not supported; write the value out");
                return r < 0 ? r : 1;
        }
        if (tag) {
                r = add_diag(b, mark, "YAML tags are not supported; remove the tag");
                return r < 0 ? r : 1;
        }
        return 0;
}

static bool plain_null(const yaml_event_t *e) {
        const char *v = (const char *) e->data.scalar.value;

        if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
                return false;
        return e->data.scalar.length == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
               strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

/* One event. Returns 1 at the end of the stream, 0 to go on, -EINVAL to
 * stop with the reason reported, -ENOMEM. */
static int handle_event(builder *b, const yaml_event_t *e, unsigned *documents) {
        rc_node *n;
        int r;

        switch (e->type) {
        case YAML_STREAM_END_EVENT:
                return 1;
        case YAML_DOCUMENT_START_EVENT:
                if (++*documents > 1) {
                        r = add_diag(b, e->start_mark,
                                     "a second YAML document; put one document in each file");
                        return r < 0 ? r : 1;
                }
                return 0;
        case YAML_ALIAS_EVENT:
                r = add_diag(b, e->start_mark, "YAML aliases are not supported; write the value out");
                if (r < 0)
                        return r;
                n = node_new(b, RC_NODE_BAD, e->start_mark);
                return n ? attach(b, n) : -ENOMEM;
        case YAML_SCALAR_EVENT:
                r = refuse_extras(b, e->start_mark, e->data.scalar.anchor, e->data.scalar.tag);
                if (r < 0)
                        return r;
                n = node_new(b, r > 0 ? RC_NODE_BAD : RC_NODE_SCALAR, e->start_mark);
                if (!n)
                        return -ENOMEM;
                n->length = e->data.scalar.length;
                n->text = arena_alloc(b->arena, n->length + 1);
                if (!n->text)
                        return -ENOMEM;
                memcpy(n->text, e->data.scalar.value, n->length);
                n->text[n->length] = '\0';
                n->null = plain_null(e);
                return attach(b, n);
        case YAML_MAPPING_START_EVENT:
        case YAML_SEQUENCE_START_EVENT: {
                bool mapping = e->type == YAML_MAPPING_START_EVENT;
                if (b->depth >= RC_DOCUMENT_MAX_DEPTH) {
                        r = rc_diags_addf(b->diags, b->file, (unsigned) e->start_mark.line + 1,
                                          (unsigned) e->start_mark.column + 1, "",
                                          "nested deeper than %d levels", RC_DOCUMENT_MAX_DEPTH);
                        return r < 0 ? r : -EINVAL;
                }
                r = mapping ? refuse_extras(b, e->start_mark, e->data.mapping_start.anchor,
                                            e->data.mapping_start.tag)
                            : refuse_extras(b, e->start_mark, e->data.sequence_start.anchor,
                                            e->data.sequence_start.tag);
                if (r < 0)
                        return r;
                n = node_new(b, mapping ? RC_NODE_MAPPING : RC_NODE_SEQUENCE, e->start_mark);
                if (!n)
                        return -ENOMEM;
                /* A refused collection is still filled (its events must be
                 * consumed) and turned BAD when it closes. */
                n->refused = r > 0;
                b->open[b->depth++] = n;
                return 0;
        }
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT:
                n = b->open[--b->depth];
                if (n->type == RC_NODE_MAPPING) {
                        r = check_mapping(b, n);
                        if (r < 0)
                                return r;
                }
                if (n->refused)
                        n->type = RC_NODE_BAD;
                return attach(b, n);
        default:
                return 0;
        }
}

int rc_tree_parse(const char *file, const char *text, size_t size, rc_node **ret,
                  size_t *ret_dropped, rc_diags *diags) {
        builder b = { .file = file, .diags = diags, .first_diag = diags->n, .text = text,
                      .size = size };
        yaml_parser_t parser;
        unsigned documents = 0;
        int r;

        b.arena = calloc(1, sizeof(*b.arena));
        if (!b.arena)
                return -ENOMEM;
        if (!yaml_parser_initialize(&parser)) {
                arena_free(b.arena);
                return -ENOMEM;
        }
        yaml_parser_set_input_string(&parser, (const unsigned char *) text, size);

        for (;;) {
                yaml_event_t event;
                if (!yaml_parser_parse(&parser, &event)) {
                        r = syntax_error(&b, &parser);
                        if (r == 0)
                                r = -EINVAL;
                        break;
                }
                r = handle_event(&b, &event, &documents);
                yaml_event_delete(&event);
                if (r != 0)
                        break;
        }
        yaml_parser_delete(&parser);

        *ret_dropped = b.dropped;
        if (r < 0 || !b.root)
                arena_free(b.arena);
        if (r < 0)
                return r;
        if (!b.root) {
                r = rc_diags_addf(diags, file, 0, 0, "",
                                  "empty document; expected a mapping with kind and version");
                return r < 0 ? r : -EINVAL;
        }
        b.root->arena = b.arena;
        *ret = b.root;
        return 0;
}
