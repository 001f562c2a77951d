/* config/document.c -- one YAML document in, one checked document out. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"

static const char *const kind_names[_RC_KIND_MAX] = {
        [RC_KIND_SHIFT_NEEDS] = "shift-needs",
        [RC_KIND_TIMETABLE] = "timetable",
        [RC_KIND_CANDIDATES] = "candidates",
        [RC_KIND_CONFIG] = "config",
        [RC_KIND_ROSTER] = "roster",
};

const char *rc_kind_to_string(rc_kind kind) {
        if ((int) kind < 0 || kind >= _RC_KIND_MAX)
                return NULL;
        return kind_names[kind];
}

rc_document *rc_document_free(rc_document *doc) {
        if (!doc)
                return NULL;
        switch (doc->kind) {
        case RC_KIND_SHIFT_NEEDS:
                rc_shift_needs_done(&doc->shift_needs);
                break;
        case RC_KIND_TIMETABLE:
                rc_timetable_done(&doc->timetable);
                break;
        case RC_KIND_CANDIDATES:
                rc_candidates_done(&doc->candidates);
                break;
        case RC_KIND_CONFIG:
                rc_settings_done(&doc->settings);
                break;
        case RC_KIND_ROSTER:
                rc_roster_done(&doc->roster);
                break;
        default:
                break;
        }
        free(doc->file);
        free(doc);
        return NULL;
}

rc_kind rc_document_kind(const rc_document *doc) {
        return doc->kind;
}

const rc_settings *rc_document_settings(const rc_document *doc) {
        return doc && doc->kind == RC_KIND_CONFIG ? &doc->settings : NULL;
}

bool rc_document_is_approved(const rc_document *doc) {
        return doc && doc->kind == RC_KIND_ROSTER && doc->roster.state == RC_ROSTER_APPROVED;
}

static bool parse_kind(rc_ctx *ctx, const rc_node *node, void *ret) {
        if (node->type == RC_NODE_BAD)
                return false;
        if (node->type == RC_NODE_SCALAR && strlen(node->text) == node->length)
                for (int k = 0; k < _RC_KIND_MAX; k++)
                        if (strcmp(node->text, kind_names[k]) == 0) {
                                *(rc_kind *) ret = (rc_kind) k;
                                return true;
                        }
        char what[96];
        rc_node_describe(node, what);
        rc_ctx_diag(ctx, node,
                    "expected a kind: shift-needs, timetable, candidates, config or roster, got %s",
                    what);
        return false;
}

static bool parse_version(rc_ctx *ctx, const rc_node *node, void *ret) {
        if (node->type == RC_NODE_BAD)
                return false;
        if (node->type == RC_NODE_SCALAR && strcmp(node->text, "1") == 0 && node->length == 1) {
                *(int *) ret = 1;
                return true;
        }
        char what[96];
        rc_node_describe(node, what);
        rc_ctx_diag(ctx, node, "expected version 1 (the only version), got %s", what);
        return false;
}

static int check_document(rc_ctx *ctx, const rc_node *root, rc_document **ret) {
        rc_document *doc = NULL;
        rc_kind kind;
        int version;
        bool kind_ok;

        if (root->type != RC_NODE_MAPPING) {
                char what[96];
                rc_node_describe(root, what);
                if (root->type != RC_NODE_BAD)
                        rc_ctx_diag(ctx, root, "expected a mapping with kind and version, got %s",
                                    what);
                return -EINVAL;
        }
        kind_ok = rc_field(ctx, root, "kind", true, parse_kind, &kind) == 1;
        rc_field(ctx, root, "version", true, parse_version, &version);
        if (!kind_ok)
                /* Without a kind the other keys mean nothing. */
                return -EINVAL;

        doc = calloc(1, sizeof(*doc));
        if (!doc)
                return -ENOMEM;
        doc->kind = kind;
        doc->file = strdup(ctx->file);
        if (!doc->file) {
                free(doc);
                return -ENOMEM;
        }
        switch (kind) {
        case RC_KIND_SHIFT_NEEDS:
                rc_load_shift_needs(ctx, root, &doc->shift_needs);
                break;
        case RC_KIND_TIMETABLE:
                rc_load_timetable(ctx, root, &doc->timetable);
                break;
        case RC_KIND_CANDIDATES:
                rc_load_candidates(ctx, root, &doc->candidates);
                break;
        case RC_KIND_CONFIG:
                rc_load_settings(ctx, root, &doc->settings);
                break;
        case RC_KIND_ROSTER:
                rc_load_roster(ctx, root, &doc->roster);
                break;
        default:
                break;
        }
        if (rc_ctx_failed(ctx)) {
                rc_document_free(doc);
                return ctx->error < 0 ? ctx->error : -EINVAL;
        }
        *ret = doc;
        return 0;
}

int rc_document_parse(const char *name, const char *text, size_t size, rc_document **ret,
                      rc_diags *diags) {
        rc_ctx ctx = { .file = name ? name : "<input>", .diags = diags, .first_diag = diags->n };
        rc_node *root = NULL;
        int r;

        if (size > RC_DOCUMENT_MAX_SIZE) {
                r = rc_diags_addf(diags, ctx.file, 0, 0, "",
                                  "the document is larger than 4 MiB (%u bytes), the most accepted",
                                  RC_DOCUMENT_MAX_SIZE);
                return r < 0 ? r : -E2BIG;
        }
        r = rc_tree_parse(ctx.file, size > 0 ? text : "", size, &root, &ctx.dropped, diags);
        if (r == 0) {
                r = check_document(&ctx, root, ret);
                if (r == 0 && rc_ctx_failed(&ctx))
                        r = -EINVAL;
        }
        rc_tree_free(root);
        free(ctx.path);
        if (r == -ENOMEM)
                return r;
        rc_diags_sort(diags, ctx.first_diag);
        if (ctx.dropped > 0) {
                /* Only a failed document drops diags. Sorting first
                 * keeps this one last. */
                int q = rc_diags_addf(diags, ctx.file, 0, 0, "",
                                      "%zu more problems not shown (at most %d are reported)",
                                      ctx.dropped, RC_DOCUMENT_MAX_DIAGS);
                if (q < 0)
                        return q;
        }
        if (r == 0 && diags->n > ctx.first_diag) {
                /* The tree reported something (an alias, a duplicate key)
                 * that the schema could still read around. */
                *ret = rc_document_free(*ret);
                return -EINVAL;
        }
        return r;
}

int rc_document_load(const char *path, rc_document **ret, rc_diags *diags) {
        char *text = NULL;
        size_t size = 0, cap = 0;
        struct stat st;
        int fd, r;

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                r = -errno;
                goto io_error;
        }
        if (fstat(fd, &st) < 0) {
                r = -errno;
                goto io_error;
        }
        if (S_ISDIR(st.st_mode)) {
                r = -EISDIR;
                goto io_error;
        }
        /* Read at most one byte over the limit: enough to know. */
        cap = S_ISREG(st.st_mode) && st.st_size >= 0 && (size_t) st.st_size <= RC_DOCUMENT_MAX_SIZE
                      ? (size_t) st.st_size + 1
                      : 65536;
        text = malloc(cap);
        if (!text) {
                close(fd);
                return -ENOMEM;
        }
        for (;;) {
                if (size == cap) {
                        size_t ncap = cap * 2 > RC_DOCUMENT_MAX_SIZE + 1 ? RC_DOCUMENT_MAX_SIZE + 1
                                                                         : cap * 2;
                        if (ncap <= cap)
                                break;
                        char *t = realloc(text, ncap);
                        if (!t) {
                                free(text);
                                close(fd);
                                return -ENOMEM;
                        }
                        text = t;
                        cap = ncap;
                }
                ssize_t n = read(fd, text + size, cap - size);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        goto io_error;
                }
                if (n == 0)
                        break;
                size += (size_t) n;
        }
        close(fd);
        fd = -1;
        r = rc_document_parse(path, text, size, ret, diags);
        free(text);
        return r;

io_error:
        if (fd >= 0)
                close(fd);
        free(text);
        {
                int q = rc_diags_addf(diags, path, 0, 0, "", "cannot read the file: %s",
                                      strerror(-r));
                return q < 0 ? q : r;
        }
}
