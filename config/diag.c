/* config/diag.c -- diagnostics: where a document is wrong and why. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tree.h"

void rc_diags_done(rc_diags *diags) {
        if (!diags)
                return;
        for (size_t i = 0; i < diags->n; i++) {
                free(diags->items[i].file);
                free(diags->items[i].path);
                free(diags->items[i].message);
        }
        free(diags->items);
        *diags = (rc_diags) {};
}

int rc_diags_addf(rc_diags *diags, const char *file, unsigned line, unsigned column,
                  const char *path, const char *format, ...) {
        rc_diag d = { .line = line, .column = column };
        va_list ap;
        int r;

        if (diags->n == diags->cap) {
                size_t cap = diags->cap ? diags->cap * 2 : 8;
                rc_diag *items = realloc(diags->items, cap * sizeof(*items));
                if (!items)
                        return -ENOMEM;
                diags->items = items;
                diags->cap = cap;
        }

        va_start(ap, format);
        r = vasprintf(&d.message, format, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        d.path = strdup(path ? path : "");
        d.file = file ? strdup(file) : NULL;
        if (!d.path || (file && !d.file)) {
                free(d.message);
                free(d.path);
                free(d.file);
                return -ENOMEM;
        }
        diags->items[diags->n++] = d;
        return 0;
}

void rc_diags_sort(rc_diags *diags, size_t from) {
        /* Insertion sort: stable, and a file's diags are nearly in order
         * already (they are found walking the tree). */
        for (size_t i = from + 1; i < diags->n; i++) {
                rc_diag d = diags->items[i];
                size_t j = i;
                while (j > from && (diags->items[j - 1].line > d.line ||
                                    (diags->items[j - 1].line == d.line &&
                                     diags->items[j - 1].column > d.column))) {
                        diags->items[j] = diags->items[j - 1];
                        j--;
                }
                diags->items[j] = d;
        }
}

char *rc_diag_format(const rc_diag *diag) {
        char *text = NULL, where[64] = "";
        const char *path = diag->path ? diag->path : "";
        int r;

        if (diag->line > 0)
                snprintf(where, sizeof(where), ":%u:%u", diag->line, diag->column);
        r = asprintf(&text, "%s%s%s%s%s%s", diag->file ? diag->file : "",
                     diag->file ? where : "", diag->file ? ": " : "", path, *path ? ": " : "",
                     diag->message ? diag->message : "");
        return r < 0 ? NULL : text;
}
