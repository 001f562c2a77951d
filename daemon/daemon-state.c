/* daemon/daemon-state.c -- accepted documents and rosters, in memory and on
 * disk (layout in daemon-store.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon-server.h"
#include "daemon-wal.h"

/* ---- Names ------------------------------------------------------------ */

int rd_doc_name(const rc_document *doc, char **ret_name, char **ret_key) {
        const char *kind = rc_kind_to_string(doc->kind);
        const char *key = NULL;
        char *name = NULL, *k = NULL;

        switch (doc->kind) {
        case RC_KIND_SHIFT_NEEDS:
                key = doc->shift_needs.employer;
                break;
        case RC_KIND_TIMETABLE:
                key = doc->timetable.school;
                break;
        case RC_KIND_CANDIDATES:
        case RC_KIND_CONFIG:
                break;
        case RC_KIND_ROSTER:
                key = doc->roster.employer;
                break;
        default:
                return -EINVAL;
        }
        if (key ? asprintf(&name, "%s/%s", kind, key) < 0 : !(name = strdup(kind)))
                return -ENOMEM;
        if (key && !(k = strdup(key))) {
                free(name);
                return -ENOMEM;
        }
        *ret_name = name;
        if (ret_key)
                *ret_key = k;
        else
                free(k);
        return 0;
}

static char *weeks_text(const rc_week_set *set) {
        rd_buf b = {};

        for (size_t i = 0; i < set->n_ranges; i++) {
                char first[16], last[16];
                rc_week_format(set->ranges[i].first, first);
                rc_week_format(set->ranges[i].last, last);
                if (i > 0 && rd_buf_puts(&b, ", ") < 0)
                        goto oom;
                if (strcmp(first, last) == 0 ? rd_buf_puts(&b, first) < 0
                                             : rd_buf_printf(&b, "%s..%s", first, last) < 0)
                        goto oom;
        }
        return rd_buf_steal(&b, NULL);
oom:
        rd_buf_done(&b);
        return NULL;
}

/* ---- Rosters ---------------------------------------------------------- */

rd_roster *rd_slot_open_proposal(const rd_slot *slot) {
        if (!slot->proposal)
                return NULL;
        if (slot->approved && slot->approved->revision >= slot->proposal->revision)
                return NULL;
        return slot->proposal;
}

static rd_roster *roster_free(rd_roster *r) {
        if (!r)
                return NULL;
        free(r->full);
        free(r->employer);
        free(r->status);
        free(r);
        return NULL;
}

static void slot_free(rd_slot *slot) {
        if (!slot)
                return;
        free(slot->employer);
        roster_free(slot->approved);
        roster_free(slot->proposal);
        free(slot->revisions);
        free(slot->approvals);
        free(slot);
}

rd_slot *rd_state_slot(rd_server *s, const char *employer, rc_week week, bool create) {
        rd_slot *slot, **more;

        for (size_t i = 0; i < s->n_slots; i++)
                if (strcmp(s->slots[i]->employer, employer) == 0 &&
                    s->slots[i]->week.year == week.year && s->slots[i]->week.week == week.week)
                        return s->slots[i];
        if (!create)
                return NULL;
        slot = calloc(1, sizeof(*slot));
        if (!slot)
                return NULL;
        slot->employer = strdup(employer);
        more = realloc(s->slots, (s->n_slots + 1) * sizeof(*more));
        if (!slot->employer || !more) {
                if (more)
                        s->slots = more;
                slot_free(slot);
                return NULL;
        }
        slot->week = week;
        rc_week_format(week, slot->week_text);
        s->slots = more;
        s->slots[s->n_slots++] = slot;
        return slot;
}

static int append_long(long **v, size_t *n, long value) {
        long *more = realloc(*v, (*n + 1) * sizeof(**v));

        if (!more)
                return -ENOMEM;
        more[(*n)++] = value;
        *v = more;
        return 0;
}

void rd_roster_summarize(rd_roster *r) {
        rd_node *root = NULL;
        long v;

        free(r->status);
        r->status = NULL;
        r->required = r->covered = 0;
        /* Status and coverage come before the positions; a region roster
         * can be megabytes, and this runs in the event loop. */
        size_t head = r->full_size;
        for (const char *p = r->full; (p = memchr(p, '\n', r->full_size - (size_t) (p - r->full)));
             p++)
                if ((size_t) (p + 1 - r->full) + 10 <= r->full_size &&
                    strncmp(p + 1, "positions:", 10) == 0) {
                        head = (size_t) (p + 1 - r->full);
                        break;
                }
        if (rd_yaml_parse(r->full, head, &root, NULL, NULL, NULL) < 0)
                return;
        const char *status = rd_node_get_text(root, "status");
        r->status = status ? strdup(status) : NULL;
        const rd_node *coverage = rd_node_get(root, "coverage");
        if (rd_node_long(rd_node_get(coverage, "required"), &v))
                r->required = v;
        if (rd_node_long(rd_node_get(coverage, "covered"), &v))
                r->covered = v;
        rd_node_free(root);
}

char *rd_roster_with_state(const char *text, size_t size, const char *state, size_t *ret_size) {
        const char *line = NULL;
        rd_buf b = {};

        /* The roster writer puts every top-level key at the start of a
         * line, and "state:" occurs once there. */
        if (size >= 7 && strncmp(text, "state: ", 7) == 0)
                line = text;
        for (const char *p = text; !line && (p = memchr(p, '\n', size - (size_t) (p - text)));
             p++)
                if ((size_t) (p + 1 - text) + 7 <= size && strncmp(p + 1, "state: ", 7) == 0)
                        line = p + 1;
        if (!line)
                return NULL;
        const char *eol = memchr(line, '\n', size - (size_t) (line - text));
        if (!eol)
                return NULL;
        if (rd_buf_append(&b, text, (size_t) (line - text)) < 0 ||
            rd_buf_printf(&b, "state: %s", state) < 0 ||
            rd_buf_append(&b, eol, size - (size_t) (eol - text)) < 0) {
                rd_buf_done(&b);
                return NULL;
        }
        return rd_buf_steal(&b, ret_size);
}

/* Splits "FULL---\nEMPLOYER" as stored; the texts are copied. */
static int split_views(const char *text, size_t size, rd_roster *r) {
        const char *sep = NULL;

        for (const char *p = text; (p = memchr(p, '\n', size - (size_t) (p - text))); p++)
                if ((size_t) (p + 1 - text) + 4 <= size && strncmp(p + 1, "---\n", 4) == 0) {
                        sep = p + 1;
                        break;
                }
        if (!sep)
                return -EBADMSG;
        r->full_size = (size_t) (sep - text);
        r->employer_size = size - r->full_size - 4;
        r->full = strndup(text, r->full_size);
        r->employer = strndup(sep + 4, r->employer_size);
        if (!r->full || !r->employer)
                return -ENOMEM;
        return 0;
}

/* A roster's file: the full view, "---", the employer's view; as pieces
 * for rd_store_write_pieces(), so that a week of rosters (tens of
 * megabytes at region scale) is not copied once more on its way out. */
static size_t view_pieces(const rd_roster *r, struct iovec pieces[static 4]) {
        size_t n = 0;

        pieces[n++] = (struct iovec) { r->full, r->full_size };
        if (r->full_size > 0 && r->full[r->full_size - 1] != '\n')
                pieces[n++] = (struct iovec) { (void *) "\n", 1 };
        pieces[n++] = (struct iovec) { (void *) "---\n", 4 };
        pieces[n++] = (struct iovec) { r->employer, r->employer_size };
        return n;
}

/* Parses one view of a stored roster and checks that it belongs where the
 * file name says. */
static int parse_roster(const char *file, const char *text, size_t size, rc_document **ret) {
        rc_diags diags = {};
        rc_document *doc = NULL;
        int r = rc_document_parse(file, text, size, &doc, &diags);

        if (r == 0 && doc->kind != RC_KIND_ROSTER) {
                rc_document_free(doc);
                r = -EBADMSG;
        }
        if (r < 0 && diags.n > 0) {
                char *line = rc_diag_format(&diags.items[0]);
                rd_logf(LOG_WARNING, "%s", line ? line : file);
                free(line);
        }
        rc_diags_done(&diags);
        if (r == 0)
                *ret = doc;
        return r;
}

static int file_name(char **ret, long revision, const char *a, const char *b) {
        return asprintf(ret, "%010ld.%s%s%s.yaml", revision, a, b ? "." : "", b ? b : "") < 0
                       ? -ENOMEM
                       : 0;
}

int rd_state_add_proposal(rd_server *s, rd_slot *slot, long revision, char *full,
                          size_t full_size, char *employer, size_t employer_size) {
        rd_roster *r = calloc(1, sizeof(*r));
        struct iovec pieces[4];
        char *name = NULL;
        int ret;

        if (!r) {
                free(full);
                free(employer);
                return -ENOMEM;
        }
        *r = (rd_roster) { .revision = revision, .seq = revision, .full = full,
                           .full_size = full_size, .employer = employer,
                           .employer_size = employer_size };
        ret = file_name(&name, revision, slot->week_text, slot->employer);
        if (ret == 0)
                ret = rd_store_write_pieces(&s->store, RD_AREA_ROSTERS, name, pieces,
                                            view_pieces(r, pieces));
        if (ret == 0)
                ret = append_long(&slot->revisions, &slot->n_revisions, revision);
        free(name);
        if (ret < 0) {
                roster_free(r);
                return ret;
        }
        rd_roster_summarize(r);
        roster_free(slot->proposal);
        slot->proposal = r;
        if (revision > s->last_revision)
                s->last_revision = revision;
        return 0;
}

int rd_state_approve(rd_server *s, rd_slot *slot) {
        rd_roster *open = rd_slot_open_proposal(slot);
        rd_roster *r;
        rc_document *doc = NULL;
        struct iovec pieces[4];
        char *name = NULL;
        long seq = s->last_revision + 1;
        int ret;

        if (!open)
                return -ENOENT;
        r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        r->revision = open->revision;
        r->seq = seq;
        r->full = rd_roster_with_state(open->full, open->full_size, "approved", &r->full_size);
        r->employer = rd_roster_with_state(open->employer, open->employer_size, "approved",
                                           &r->employer_size);
        if (!r->full || !r->employer) {
                roster_free(r);
                return -EBADMSG;
        }
        ret = parse_roster("approved roster", r->full, r->full_size, &doc);
        if (ret == 0 && !rc_document_is_approved(doc))
                ret = -EBADMSG;
        if (ret == 0)
                ret = file_name(&name, seq, slot->week_text, slot->employer);
        if (ret == 0)
                ret = rd_store_write_pieces(&s->store, RD_AREA_APPROVED, name, pieces,
                                            view_pieces(r, pieces));
        if (ret == 0)
                ret = append_long(&slot->approvals, &slot->n_approvals, r->revision);
        if (ret == 0) {
                s->last_revision = seq;
                ret = rc_corpus_add(&s->corpus, doc);
                if (ret == 0)
                        doc = NULL;
                else
                        rd_logf(LOG_ERR, "Cannot take approved roster %s into the plan: %s",
                                name, strerror(-ret));
        }
        free(name);
        rc_document_free(doc);
        if (ret < 0 && seq != s->last_revision) {
                roster_free(r);
                return ret;
        }
        rd_roster_summarize(r);
        roster_free(slot->approved);
        slot->approved = r;
        return 0;
}

/* ---- Documents -------------------------------------------------------- */

static void doc_done(rd_doc *d) {
        free(d->name);
        free(d->key);
        free(d->file);
        free(d->weeks);
        free(d->text);
        *d = (rd_doc) {};
}

static int compare_owner(const void *a, const void *b) {
        return strcmp(((const rd_owner *) a)->id, ((const rd_owner *) b)->id);
}

/* Records which candidates a candidates document writes and removes.
 * Everything is allocated first, so that a failure changes nothing. */
static int owners_update(rd_server *s, const rc_candidates *c, long revision) {
        rd_owner *v = malloc((s->n_owners + c->n_candidates + 1) * sizeof(*v));
        size_t n = s->n_owners;

        if (!v)
                return -ENOMEM;
        if (n > 0)
                memcpy(v, s->owners, n * sizeof(*v));
        for (size_t i = 0; i < c->n_candidates; i++) {
                rd_owner key = { .id = c->candidates[i].id }, *o = NULL;
                if (n > 0)
                        o = bsearch(&key, v, n, sizeof(key), compare_owner);
                if (o) {
                        o->revision = revision;
                        continue;
                }
                char *id = strdup(c->candidates[i].id);
                if (!id) {
                        for (size_t k = s->n_owners; k < n; k++)
                                free(v[k].id);
                        free(v);
                        return -ENOMEM;
                }
                v[n++] = (rd_owner) { id, revision };
                qsort(v, n, sizeof(*v), compare_owner);
        }
        for (size_t i = 0; i < c->n_remove; i++) {
                rd_owner key = { .id = c->remove[i] }, *o = NULL;
                if (n > 0)
                        o = bsearch(&key, v, n, sizeof(key), compare_owner);
                if (!o)
                        continue;
                free(o->id);
                memmove(o, o + 1, (size_t) (v + n - o - 1) * sizeof(*o));
                n--;
        }
        free(s->owners);
        s->owners = v;
        s->n_owners = n;
        return 0;
}

static bool in_list(rc_document *const *v, size_t n, const rc_document *doc) {
        for (size_t i = 0; i < n; i++)
                if (v[i] == doc)
                        return true;
        return false;
}

/* Whether the text of @d may still hold in some week, now that the
 * document of @added went into the corpus. Adding a document drops only
 * documents of its own kind (shift needs: of its own employer), so the
 * others are kept without a look. */
static bool still_holds(const rd_server *s, const rd_doc *d, const rd_doc *added) {
        if (d->kind != added->kind)
                return true;
        switch (d->kind) {
        case RC_KIND_SHIFT_NEEDS:
                if (strcmp(d->key, added->key) != 0)
                        return true;
                return in_list(s->corpus.shift_needs, s->corpus.n_shift_needs, d->live);
        case RC_KIND_TIMETABLE:
                return in_list(s->corpus.timetables, s->corpus.n_timetables, d->live);
        case RC_KIND_CANDIDATES:
                for (size_t i = 0; i < s->n_owners; i++)
                        if (s->owners[i].revision == d->revision)
                                return true;
                return false;
        default:
                return true;
        }
}

/* Forgets the text of documents that can no longer hold in any week:
 * shift-needs and timetables the corpus dropped, candidates documents
 * none of whose candidates is still theirs. Only the documents that still
 * have their text are looked at, so a submission costs the same with ten
 * or a hundred thousand stored revisions. */
static void sweep(rd_server *s, const rd_doc *added) {
        size_t kept = 0;

        for (size_t k = 0; k < s->n_with_text; k++) {
                rd_doc *d = &s->docs[s->with_text[k]];

                if (still_holds(s, d, added)) {
                        s->with_text[kept++] = s->with_text[k];
                        continue;
                }
                free(d->text);
                d->text = NULL;
                d->size = 0;
                d->live = NULL;
        }
        s->n_with_text = kept;
}

/* Takes @doc into the index and the corpus; the file already exists. */
int rd_state_take(rd_server *s, rc_document *doc, const char *file, const char *text,
                  size_t size, long revision, long uid, rd_doc **ret) {
        rd_doc d = { .revision = revision, .kind = doc->kind, .uid = uid };
        rd_doc *more;
        int r;

        if (s->n_docs == s->cap_docs) {
                size_t cap = s->cap_docs ? 2 * s->cap_docs : 64;
                size_t *with_text = realloc(s->with_text, cap * sizeof(*with_text));

                if (!with_text)
                        return -ENOMEM;
                s->with_text = with_text;
                more = realloc(s->docs, cap * sizeof(*more));
                if (!more)
                        return -ENOMEM;
                s->docs = more;
                s->cap_docs = cap;
        }
        r = rd_doc_name(doc, &d.name, &d.key);
        if (r < 0)
                return r;
        d.file = strdup(file);
        d.text = malloc(size + 1);
        if (!d.file || !d.text) {
                doc_done(&d);
                return -ENOMEM;
        }
        memcpy(d.text, text, size);
        d.text[size] = '\0';
        d.size = size;
        if (doc->kind == RC_KIND_SHIFT_NEEDS)
                d.weeks = weeks_text(&doc->shift_needs.weeks);
        else if (doc->kind == RC_KIND_TIMETABLE && doc->timetable.has_weeks)
                d.weeks = weeks_text(&doc->timetable.weeks);

        if (doc->kind == RC_KIND_CANDIDATES) {
                r = owners_update(s, &doc->candidates, revision);
                if (r < 0) {
                        doc_done(&d);
                        return r;
                }
        } else {
                d.live = doc;
        }
        r = rc_corpus_add(&s->corpus, doc);
        if (r < 0) {
                /* The owners may already name this revision; the sweep
                 * below cannot find its text then, which is harmless. */
                doc_done(&d);
                return r;
        }
        s->with_text[s->n_with_text++] = s->n_docs;
        s->docs[s->n_docs++] = d;
        if (revision > s->last_revision)
                s->last_revision = revision;
        sweep(s, &s->docs[s->n_docs - 1]);
        if (ret)
                *ret = &s->docs[s->n_docs - 1];
        return 0;
}

int rd_state_stage(rd_server *s, const rc_document *doc, rd_pending *p) {
        long revision = s->last_revision + 1;
        char *key = NULL;
        int r;

        r = rd_doc_name(doc, &p->name, &key);
        if (r == 0)
                r = file_name(&p->file, revision, rc_kind_to_string(doc->kind), key);
        free(key);
        if (r < 0)
                return r;
        p->revision = revision;
        s->last_revision = revision;
        return 0;
}

/* ---- Loading ---------------------------------------------------------- */

static void quarantine(rd_server *s, rd_area area, const char *name, const char *why) {
        rd_log_fields f = RD_LOG_FIELDS_NONE;
        int r;

        f.message_id = RD_MESSAGE_QUARANTINE;
        f.revision = rd_store_name_revision(name);
        r = rd_store_quarantine(&s->store, area, name);
        if (r < 0)
                rd_log(LOG_ERR, &f, "Damaged file %s/%s (%s) could not be moved aside: %s; ignoring it",
                       rd_area_to_string(area), name, why, strerror(-r));
        else
                rd_log(LOG_WARNING, &f, "Damaged file %s/%s (%s) moved to %s/quarantine/",
                       rd_area_to_string(area), name, why, s->store.path);
}

/* Whether the stored name says what the document holds: REV.KIND[.KEY].yaml */
static bool name_matches(const char *file, long revision, const rc_document *doc) {
        char *expected = NULL, *name = NULL, *key = NULL;
        bool ok = false;

        if (rd_doc_name(doc, &name, &key) < 0)
                return false;
        if (file_name(&expected, revision, rc_kind_to_string(doc->kind), key) == 0)
                ok = strcmp(expected, file) == 0;
        free(expected);
        free(name);
        free(key);
        return ok;
}

static int load_documents(rd_server *s) {
        char **names = NULL;
        size_t n = 0, stray = 0;
        int r = rd_store_list(&s->store, RD_AREA_DOCUMENTS, &names, &n, &stray);

        if (r < 0)
                return r;
        if (stray > 0)
                rd_logf(LOG_NOTICE, "Removed %zu unfinished temporary file(s) from %s/documents",
                        stray, s->store.path);
        for (size_t i = 0; i < n && r == 0; i++) {
                long revision = rd_store_name_revision(names[i]);
                rc_diags diags = {};
                rc_document *doc = NULL;
                char *text = NULL;
                size_t size = 0;

                if (revision <= 0) {
                        quarantine(s, RD_AREA_DOCUMENTS, names[i], "not a stored document name");
                        continue;
                }
                r = rd_store_read(&s->store, RD_AREA_DOCUMENTS, names[i], &text, &size);
                if (r < 0) {
                        quarantine(s, RD_AREA_DOCUMENTS, names[i], strerror(-r));
                        r = 0;
                        continue;
                }
                int p = rc_document_parse(names[i], text, size, &doc, &diags);
                if (p == -ENOMEM) {
                        r = p;
                } else if (p < 0) {
                        char *line = diags.n ? rc_diag_format(&diags.items[0]) : NULL;
                        quarantine(s, RD_AREA_DOCUMENTS, names[i], line ? line : "does not parse");
                        free(line);
                } else if (doc->kind == RC_KIND_CONFIG || doc->kind == RC_KIND_ROSTER ||
                           !name_matches(names[i], revision, doc)) {
                        quarantine(s, RD_AREA_DOCUMENTS, names[i],
                                   "its content does not match its name");
                } else {
                        r = rd_state_take(s, doc, names[i], text, size, revision, -1, NULL);
                        if (r == 0)
                                doc = NULL;
                }
                rc_document_free(doc);
                rc_diags_done(&diags);
                free(text);
        }
        rd_store_names_free(names, n);
        return r;
}

/* Reads one stored roster file (both views) and checks it. */
static int load_roster_file(rd_server *s, rd_area area, const char *name, rd_roster **ret,
                            rc_document **ret_doc, const char **reterr) {
        rd_roster *r = calloc(1, sizeof(*r));
        rc_document *doc = NULL, *emp = NULL;
        char *text = NULL;
        size_t size = 0;
        int ret_code;

        *reterr = "does not parse";
        if (!r)
                return -ENOMEM;
        r->seq = rd_store_name_revision(name);
        ret_code = rd_store_read(&s->store, area, name, &text, &size);
        if (ret_code < 0) {
                *reterr = "cannot be read";
                goto fail;
        }
        ret_code = split_views(text, size, r);
        if (ret_code < 0) {
                *reterr = "does not hold two views";
                goto fail;
        }
        ret_code = parse_roster(name, r->full, r->full_size, &doc);
        if (ret_code == 0)
                ret_code = parse_roster(name, r->employer, r->employer_size, &emp);
        if (ret_code < 0)
                goto fail;

        char week[16];
        rc_week_format(doc->roster.week, week);
        char *expected = NULL;
        ret_code = file_name(&expected, r->seq, week, doc->roster.employer);
        bool consistent = ret_code == 0 && strcmp(expected, name) == 0 &&
                          strcmp(emp->roster.employer, doc->roster.employer) == 0 &&
                          emp->roster.revision == doc->roster.revision &&
                          doc->roster.revision >= 0 &&
                          (area == RD_AREA_APPROVED ? rc_document_is_approved(doc) &&
                                                              rc_document_is_approved(emp)
                                                    : doc->roster.revision == r->seq);
        free(expected);
        if (ret_code == 0 && !consistent) {
                *reterr = "its content does not match its name";
                ret_code = -EBADMSG;
        }
        if (ret_code < 0)
                goto fail;
        r->revision = doc->roster.revision;
        rd_roster_summarize(r);
        rc_document_free(emp);
        free(text);
        *ret = r;
        *ret_doc = doc;
        return 0;

fail:
        rc_document_free(doc);
        rc_document_free(emp);
        free(text);
        roster_free(r);
        return ret_code;
}

static int load_rosters(rd_server *s, rd_area area) {
        char **names = NULL;
        size_t n = 0, stray = 0;
        int r = rd_store_list(&s->store, area, &names, &n, &stray);

        if (r < 0)
                return r;
        if (stray > 0)
                rd_logf(LOG_NOTICE, "Removed %zu unfinished temporary file(s) from %s/%s", stray,
                        s->store.path, rd_area_to_string(area));
        for (size_t i = 0; i < n && r == 0; i++) {
                rd_roster *roster = NULL;
                rc_document *doc = NULL;
                const char *why = NULL;
                int p = rd_store_name_revision(names[i]) > 0
                                ? load_roster_file(s, area, names[i], &roster, &doc, &why)
                                : (why = "not a stored roster name", -EBADMSG);

                if (p == -ENOMEM) {
                        r = p;
                        break;
                }
                if (p < 0) {
                        quarantine(s, area, names[i], why);
                        continue;
                }
                rd_slot *slot = rd_state_slot(s, doc->roster.employer, doc->roster.week, true);
                if (!slot) {
                        r = -ENOMEM;
                } else if (area == RD_AREA_ROSTERS) {
                        r = append_long(&slot->revisions, &slot->n_revisions, roster->revision);
                        if (r == 0) {
                                roster_free(slot->proposal);
                                slot->proposal = roster;
                                roster = NULL;
                        }
                } else {
                        r = append_long(&slot->approvals, &slot->n_approvals, roster->revision);
                        if (r == 0)
                                r = rc_corpus_add(&s->corpus, doc);
                        if (r == 0) {
                                doc = NULL;
                                roster_free(slot->approved);
                                slot->approved = roster;
                                roster = NULL;
                        }
                }
                if (rd_store_name_revision(names[i]) > s->last_revision)
                        s->last_revision = rd_store_name_revision(names[i]);
                roster_free(roster);
                rc_document_free(doc);
        }
        rd_store_names_free(names, n);
        return r;
}

/* Which approvals are input of which rosters is not stored: after a
 * restart every approval of the same week or the one before counts, as
 * if its people could work anywhere (rosters of one solve of the whole
 * week excepted, which were planned together). */
static void assume_inputs(rd_server *s) {
        for (size_t i = 0; i < s->n_slots; i++) {
                rd_slot *slot = s->slots[i];
                const rd_roster *open = rd_slot_open_proposal(slot);
                long index = rc_week_index(slot->week);

                for (size_t k = 0; k < s->n_slots; k++) {
                        const rd_slot *o = s->slots[k];
                        long oi = rc_week_index(o->week);

                        if (o == slot || !o->approved || (oi != index && oi != index - 1) ||
                            (open && o->approved->revision == open->revision) ||
                            o->approved->seq <= slot->input_approved_seq)
                                continue;
                        slot->input_approved_seq = o->approved->seq;
                        slot->input_approved_by = o;
                }
        }
}

int rd_state_load(rd_server *s) {
        size_t recovered = 0;
        int r;

        r = rd_store_recover(&s->store, &recovered);
        if (r < 0) {
                rd_logf(LOG_ERR, "Cannot give the acknowledged documents in %s/%s their files: %s",
                        s->store.path, RD_WAL_FILE, strerror(-r));
                return r;
        }
        if (recovered > 0)
                rd_logf(LOG_NOTICE, "Wrote %zu acknowledged document(s) from %s/%s to documents/",
                        recovered, s->store.path, RD_WAL_FILE);
        r = load_documents(s);
        if (r == 0)
                r = load_rosters(s, RD_AREA_ROSTERS);
        if (r == 0)
                r = load_rosters(s, RD_AREA_APPROVED);
        if (r < 0)
                return r;
        assume_inputs(s);
        long max = rd_store_max_revision(&s->store);
        if (max > s->last_revision)
                s->last_revision = max;
        return 0;
}

void rd_state_free(rd_server *s) {
        for (size_t i = 0; i < s->n_docs; i++)
                doc_done(&s->docs[i]);
        free(s->docs);
        s->docs = NULL;
        s->n_docs = s->cap_docs = 0;
        free(s->with_text);
        s->with_text = NULL;
        s->n_with_text = 0;
        for (size_t i = 0; i < s->n_owners; i++)
                free(s->owners[i].id);
        free(s->owners);
        s->owners = NULL;
        s->n_owners = 0;
        for (size_t i = 0; i < s->n_slots; i++)
                slot_free(s->slots[i]);
        free(s->slots);
        s->slots = NULL;
        s->n_slots = 0;
}

/* ---- Worker input ----------------------------------------------------- */

typedef struct part {
        const char *name;
        long revision;
        const char *text;
        size_t size;
} part;

static bool timetable_in_week(const rc_document *doc, rc_week week) {
        return !doc->timetable.has_weeks || rc_week_set_contains(&doc->timetable.weeks, week);
}

int rd_state_worker_input(rd_server *s, const rd_job *job, rd_buf *out) {
        part *parts = calloc(s->n_docs + 2 * s->n_slots + 2, sizeof(*parts));
        char **names = calloc(s->n_slots + 1, sizeof(*names));
        size_t n = 0, n_names = 0, total = 0;
        rc_week previous = rc_week_from_index(rc_week_index(job->week) - 1);
        const rc_settings *settings = rd_settings(s);
        rd_yw w;
        int r;

        if (!parts || !names) {
                free(parts);
                free(names);
                return -ENOMEM;
        }
        if (s->config_text)
                parts[n++] = (part) { "config", 0, s->config_text, s->config_size };
        for (size_t i = 0; i < s->n_docs; i++) {
                const rd_doc *d = &s->docs[i];
                if (!d->text)
                        continue;
                if (d->kind == RC_KIND_SHIFT_NEEDS) {
                        if (job->employer && strcmp(job->employer, d->key) != 0)
                                continue;
                        if (rc_corpus_shift_needs(&s->corpus, d->key, job->week) != d->live)
                                continue;
                } else if (d->kind == RC_KIND_TIMETABLE) {
                        if (!timetable_in_week(d->live, job->week))
                                continue;
                }
                parts[n++] = (part) { d->name, d->revision, d->text, d->size };
        }
        for (size_t i = 0; i < s->n_slots; i++) {
                const rd_slot *slot = s->slots[i];
                bool same = slot->week.year == job->week.year && slot->week.week == job->week.week;
                bool before = slot->week.year == previous.year && slot->week.week == previous.week;
                if (!slot->approved || (!same && !before))
                        continue;
                if (asprintf(&names[n_names], "roster/%s/%s", slot->employer, slot->week_text) < 0) {
                        r = -ENOMEM;
                        goto finish;
                }
                parts[n++] = (part) { names[n_names++], slot->approved->revision,
                                      slot->approved->full, slot->approved->full_size };
        }
        for (size_t i = 0; i < n; i++)
                total += parts[i].size;

        rd_msg_begin(&w, out);
        rd_yw_key_str(&w, "op", "solve");
        rd_yw_key_str(&w, "week", job->week_text);
        if (job->employer)
                rd_yw_key_str(&w, "employer", job->employer);
        rd_yw_key_long(&w, "revision", job->revision);
        rd_yw_str(&w, "time_limit");
        rd_yw_double(&w, settings->solver.time_limit);
        rd_yw_str(&w, "gap");
        rd_yw_double(&w, settings->solver.gap);
        rd_yw_str(&w, "documents");
        rd_yw_seq_start(&w, false);
        for (size_t i = 0; i < n; i++) {
                rd_yw_map_start(&w, true);
                rd_yw_key_str(&w, "name", parts[i].name);
                rd_yw_key_long(&w, "revision", parts[i].revision);
                rd_yw_key_long(&w, "size", (long) parts[i].size);
                rd_yw_map_end(&w);
        }
        rd_yw_seq_end(&w);
        rd_yw_key_long(&w, "size", (long) total);
        r = rd_msg_end(&w, out);
        for (size_t i = 0; i < n && r == 0; i++)
                r = rd_buf_append(out, parts[i].text, parts[i].size);

finish:
        for (size_t i = 0; i < n_names; i++)
                free(names[i]);
        free(names);
        free(parts);
        return r;
}
