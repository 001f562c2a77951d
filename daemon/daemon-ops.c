/* daemon/daemon-ops.c -- the operations of the protocol (docs/protocol.md).
 *
 * Every handler answers exactly once: at once, or (submit) once the
 * document is on disk, or (propose) once the solve is done, keeping the
 * connection busy meanwhile. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "daemon-server.h"
#include "roster/emit.h"

/* ---- Replies ---------------------------------------------------------- */

void rd_reply_begin(rd_yw *w, rd_buf *out, const char *id, bool ok) {
        rd_msg_begin(w, out);
        if (id)
                rd_yw_key_str(w, "id", id);
        rd_yw_key_bool(w, "ok", ok);
}

int rd_error_message(rd_buf *out, const char *id, rd_error_code code, const rc_diags *diags,
                     const char *message) {
        rd_yw w;

        rd_reply_begin(&w, out, id, false);
        rd_yw_str(&w, "error");
        rd_yw_map_start(&w, false);
        rd_yw_key_str(&w, "code", rd_error_code_to_string(code));
        rd_yw_key_str(&w, "message", message);
        if (diags && diags->n > 0) {
                rd_yw_str(&w, "problems");
                rd_yw_seq_start(&w, false);
                for (size_t i = 0; i < diags->n; i++) {
                        const rc_diag *d = &diags->items[i];
                        rd_yw_map_start(&w, false);
                        if (d->file)
                                rd_yw_key_str(&w, "file", d->file);
                        if (d->line > 0) {
                                rd_yw_key_long(&w, "line", d->line);
                                rd_yw_key_long(&w, "column", d->column);
                        }
                        if (d->path && d->path[0])
                                rd_yw_key_str(&w, "path", d->path);
                        rd_yw_key_str(&w, "message", d->message ? d->message : "");
                        rd_yw_map_end(&w);
                }
                rd_yw_seq_end(&w);
        }
        rd_yw_map_end(&w);
        return rd_msg_end(&w, out);
}

void rd_send_error(rd_conn *c, const char *id, rd_error_code code, const rc_diags *diags,
                   const char *format, ...) {
        char message[1024];
        rd_buf out = {};
        va_list ap;

        va_start(ap, format);
        vsnprintf(message, sizeof message, format, ap);
        va_end(ap);
        if (rd_error_message(&out, id, code, diags, message) == 0)
                rd_conn_send(c, &out);
        else
                rd_conn_close(c);
        rd_buf_done(&out);
}

static void send_or_close(rd_conn *c, rd_yw *w, rd_buf *out) {
        if (rd_msg_end(w, out) == 0)
                rd_conn_send(c, out);
        else
                rd_send_error(c, NULL, RD_ERR_INTERNAL, NULL, "cannot write the reply");
        rd_buf_done(out);
}

static rd_log_fields fields_of(const rd_conn *c, const rd_request *req) {
        rd_log_fields f = RD_LOG_FIELDS_NONE;

        f.peer_uid = (long) c->peer.uid;
        f.request_id = req ? req->id : NULL;
        return f;
}

/* ---- Request fields --------------------------------------------------- */

/* Reads week: (required or not). Returns false after answering. */
static bool get_week(rd_conn *c, const rd_request *req, bool required, rc_week *ret,
                     bool *ret_given) {
        const rd_node *n = rd_node_get(req->header, "week");
        const char *text = rd_node_text(n);

        if (ret_given)
                *ret_given = text != NULL;
        if (!text) {
                if (!required)
                        return true;
                rd_send_error(c, req->id, RD_ERR_INVALID, NULL,
                              "%s needs week: an ISO week like 2026-W49", req->op);
                return false;
        }
        if (rc_week_parse(text, ret) < 0) {
                rd_send_error(c, req->id, RD_ERR_INVALID, NULL,
                              "week: expected an ISO week like 2026-W49, got '%s'", text);
                return false;
        }
        return true;
}

static bool get_employer(rd_conn *c, const rd_request *req, bool required, const char **ret) {
        const rd_node *n = rd_node_get(req->header, "employer");

        *ret = rd_node_text(n);
        if (n && !*ret && !rd_node_is_null(n)) {
                rd_send_error(c, req->id, RD_ERR_INVALID, NULL, "employer: expected an employer id");
                return false;
        }
        if (!*ret && required) {
                rd_send_error(c, req->id, RD_ERR_INVALID, NULL, "%s needs employer: an employer id",
                              req->op);
                return false;
        }
        return true;
}

static bool get_flag(const rd_request *req, const char *key) {
        bool v = false;

        return rd_node_bool(rd_node_get(req->header, key), &v) && v;
}

/* ---- status ----------------------------------------------------------- */

static void op_status(rd_conn *c, const rd_request *req) {
        rd_server *s = c->server;
        const rc_settings *settings = rd_settings(s);
        unsigned long long now = rd_now_usec();
        size_t approved = 0, open = 0, holding = 0;
        rd_buf out = {};
        rd_yw w;

        for (size_t i = 0; i < s->n_slots; i++) {
                approved += s->slots[i]->approved != NULL;
                open += rd_slot_open_proposal(s->slots[i]) != NULL;
        }
        for (size_t i = 0; i < s->n_docs; i++)
                holding += s->docs[i].text != NULL;

        rd_reply_begin(&w, &out, req->id, true);
        rd_yw_key_str(&w, "state", s->n_running > 0 ? "solving" : "idle");
        rd_yw_key_str(&w, "version", ROSTERD_VERSION);
        rd_yw_key_long(&w, "pid", (long) getpid());
        rd_yw_key_long(&w, "uptime", (long) ((now - s->started) / 1000000ULL));
        rd_yw_key_long(&w, "revision", s->last_revision);
        rd_yw_str(&w, "peer");
        rd_yw_map_start(&w, true);
        rd_yw_key_long(&w, "uid", (long) c->peer.uid);
        rd_yw_key_str(&w, "role", rd_grants_role(req->grants));
        rd_yw_map_end(&w);
        rd_yw_str(&w, "documents");
        rd_yw_map_start(&w, true);
        rd_yw_key_long(&w, "stored", (long) s->n_docs);
        rd_yw_key_long(&w, "holding", (long) holding);
        rd_yw_map_end(&w);
        rd_yw_str(&w, "rosters");
        rd_yw_map_start(&w, true);
        rd_yw_key_long(&w, "approved", (long) approved);
        rd_yw_key_long(&w, "open_proposals", (long) open);
        rd_yw_map_end(&w);
        rd_yw_str(&w, "connections");
        rd_yw_map_start(&w, true);
        rd_yw_key_long(&w, "open", (long) s->n_conns);
        rd_yw_key_long(&w, "subscribers", (long) s->n_subscribers);
        rd_yw_key_long(&w, "limit", (long) settings->limits.connections);
        rd_yw_map_end(&w);
        rd_yw_str(&w, "solver");
        rd_yw_map_start(&w, false);
        rd_yw_key_long(&w, "workers", (long) settings->solver.workers);
        rd_yw_str(&w, "time_limit");
        rd_yw_double(&w, settings->solver.time_limit);
        rd_yw_key_long(&w, "queued", (long) s->n_queued);
        rd_yw_key_long(&w, "solved", (long) s->solved_count);
        rd_yw_key_long(&w, "failed", (long) s->failed_count);
        rd_yw_str(&w, "running");
        rd_yw_seq_start(&w, false);
        for (rd_job *j = s->running; j; j = j->next) {
                rd_yw_map_start(&w, true);
                rd_yw_key_str(&w, "week", j->week_text);
                /* Whom the others plan is none of an employer's business. */
                if (j->employer && rd_grants_employer(req->grants, j->employer))
                        rd_yw_key_str(&w, "employer", j->employer);
                rd_yw_key_long(&w, "revision", j->revision);
                rd_yw_key_bool(&w, "replan", j->replan);
                rd_yw_str(&w, "seconds");
                rd_yw_double(&w, (double) (now - j->started) / 1e6);
                rd_yw_map_end(&w);
        }
        rd_yw_seq_end(&w);
        rd_yw_map_end(&w);
        if (rd_grants_full(req->grants)) {
                rd_yw_key_str(&w, "config", s->config_path ? s->config_path : "(defaults)");
                rd_yw_key_str(&w, "state_dir", s->state_dir);
                rd_yw_key_str(&w, "socket", s->socket_path);
        }
        send_or_close(c, &w, &out);
}

/* ---- submit, validate ------------------------------------------------- */

/* Whether @text is well-formed YAML at all: then its problems are
 * "invalid", otherwise "parse". */
static bool yaml_well_formed(const char *text, size_t size) {
        yaml_parser_t parser;
        bool ok = true, done = false;

        if (!yaml_parser_initialize(&parser))
                return true;
        yaml_parser_set_input_string(&parser, (const unsigned char *) text, size);
        while (!done) {
                yaml_event_t ev;
                if (!yaml_parser_parse(&parser, &ev)) {
                        ok = false;
                        break;
                }
                done = ev.type == YAML_STREAM_END_EVENT;
                yaml_event_delete(&ev);
        }
        yaml_parser_delete(&parser);
        return ok;
}

/* Whether the peer may submit (or validate) @doc. Answers when not. */
static bool may_submit(rd_conn *c, const rd_request *req, const rc_document *doc, bool store) {
        const rd_grants *g = req->grants;

        switch (doc->kind) {
        case RC_KIND_SHIFT_NEEDS:
                if (rd_grants_employer(g, doc->shift_needs.employer))
                        return true;
                rd_send_error(c, req->id, RD_ERR_FORBIDDEN, NULL,
                              "you may not submit shift needs for employer '%s'",
                              doc->shift_needs.employer);
                return false;
        case RC_KIND_TIMETABLE:
                if (rd_grants_school(g, doc->timetable.school))
                        return true;
                rd_send_error(c, req->id, RD_ERR_FORBIDDEN, NULL,
                              "you may not submit the timetable of school '%s'",
                              doc->timetable.school);
                return false;
        case RC_KIND_CANDIDATES:
                if (rd_grants_full(g))
                        return true;
                rd_send_error(c, req->id, RD_ERR_FORBIDDEN, NULL,
                              "only account managers maintain candidates");
                return false;
        case RC_KIND_CONFIG:
                if (!store && rd_grants_full(g))
                        return true;
                if (!g->admin) {
                        rd_send_error(c, req->id, RD_ERR_FORBIDDEN, NULL,
                                      "only an admin changes the configuration");
                        return false;
                }
                rd_send_error(c, req->id, RD_ERR_INVALID, NULL,
                              "the configuration is read from %s; change that file and reload "
                              "(SIGHUP or op: reload)",
                              c->server->config_path ? c->server->config_path : RD_DEFAULT_CONFIG);
                return false;
        case RC_KIND_ROSTER:
                if (!rd_grants_full(g)) {
                        rd_send_error(c, req->id, RD_ERR_FORBIDDEN, NULL,
                                      "only account managers handle rosters");
                        return false;
                }
                if (!store)
                        return true;
                rd_send_error(c, req->id, RD_ERR_INVALID, NULL,
                              "rosters are made by propose and approve, not submitted");
                return false;
        default:
                rd_send_error(c, req->id, RD_ERR_INVALID, NULL, "unknown kind of document");
                return false;
        }
}

/* The file name the peer gave, for its errors; one line, bounded. */
static const char *submitted_name(const rd_request *req) {
        const char *name = rd_node_get_text(req->header, "name");

        if (!name || !*name || strlen(name) > 1024 || strpbrk(name, "\n\r"))
                return "-";
        return name;
}

static void op_submit(rd_conn *c, const rd_request *req, bool store) {
        rd_server *s = c->server;
        const char *file = submitted_name(req);
        rc_diags diags = {};
        rc_document *doc = NULL;
        rd_log_fields f = fields_of(c, req);
        rd_buf out = {};
        rd_yw w;
        int r;

        if (!req->body) {
                rd_send_error(c, req->id, RD_ERR_INVALID, NULL,
                              "%s needs a document: give size: N in the header and N bytes after "
                              "it, or end the document with a '...' line",
                              req->op);
                return;
        }
        r = rc_document_parse(file, req->body, req->body_size, &doc, &diags);
        if (r == -E2BIG) {
                rd_send_error(c, req->id, RD_ERR_TOO_LARGE, &diags,
                              "the document is larger than %u bytes", RC_DOCUMENT_MAX_SIZE);
                goto finish;
        }
        if (r == -EINVAL) {
                bool syntax = !yaml_well_formed(req->body, req->body_size);
                rd_send_error(c, req->id, syntax ? RD_ERR_PARSE : RD_ERR_INVALID, &diags,
                              "%s: %zu problem%s; nothing was %s", file, diags.n,
                              diags.n == 1 ? "" : "s", store ? "stored" : "changed");
                goto finish;
        }
        if (r < 0) {
                rd_send_error(c, req->id, RD_ERR_INTERNAL, NULL, "cannot read the document: %s",
                              strerror(-r));
                goto finish;
        }
        if (!may_submit(c, req, doc, store))
                goto finish;

        char *name = NULL;
        if (rd_doc_name(doc, &name, NULL) < 0) {
                rd_send_error(c, req->id, RD_ERR_INTERNAL, NULL, "out of memory");
                goto finish;
        }
        if (!store) {
                rd_reply_begin(&w, &out, req->id, true);
                rd_yw_key_str(&w, "kind", rc_kind_to_string(doc->kind));
                rd_yw_key_str(&w, "name", name);
                rd_yw_key_bool(&w, "valid", true);
                free(name);
                send_or_close(c, &w, &out);
                goto finish;
        }

        r = rd_commit_document(s, c, req->id, doc, req->body, req->body_size, (long) c->peer.uid);
        if (r < 0) {
                rd_log(LOG_ERR, &f, "Cannot store %s from %s: %s", name, file, strerror(-r));
                rd_send_error(c, req->id, RD_ERR_INTERNAL, NULL, "cannot store the document: %s",
                              strerror(-r));
        } else {
                doc = NULL;
        }
        free(name);

finish:
        rc_document_free(doc);
        rc_diags_done(&diags);
}

/* ---- Rosters in replies ----------------------------------------------- */

static const char *view_text(const rd_roster *r, bool full, size_t *ret_size) {
        *ret_size = full ? r->full_size : r->employer_size;
        return full ? r->full : r->employer;
}

/* The entry that describes one roster in a reply or event. */
static void emit_roster_entry(rd_yw *w, const rd_slot *slot, const rd_roster *r, bool full) {
        size_t size;

        (void) view_text(r, full, &size);
        rd_yw_key_str(w, "employer", slot->employer);
        rd_yw_key_str(w, "week", slot->week_text);
        rd_yw_key_long(w, "revision", r->revision);
        rd_yw_key_str(w, "state", r == slot->approved ? "approved" : "proposal");
        if (r->status)
                rd_yw_key_str(w, "status", r->status);
        rd_yw_str(w, "coverage");
        rd_yw_map_start(w, true);
        rd_yw_key_long(w, "required", r->required);
        rd_yw_key_long(w, "covered", r->covered);
        rd_yw_map_end(w);
        if (r != slot->approved && slot->approved) {
                size_t before_size, after_size;
                const char *before = view_text(slot->approved, full, &before_size);
                const char *after = view_text(r, full, &after_size);
                rd_yw_key_long(w, "approved", slot->approved->revision);
                if (rd_changes_emit(w, "changes", before, before_size, after, after_size) < 0)
                        rd_logf(LOG_WARNING, "Cannot compare roster %ld with approved %ld",
                                r->revision, slot->approved->revision);
        }
        rd_yw_key_long(w, "size", (long) size);
}

int rd_event_message(rd_buf *out, const rd_slot *slot, const rd_roster *r, bool full,
                     const char *event, bool replan) {
        size_t size;
        const char *text = view_text(r, full, &size);
        rd_yw w;
        int ret;

        rd_msg_begin(&w, out);
        rd_yw_key_str(&w, "event", event);
        rd_yw_key_bool(&w, "replan", replan);
        emit_roster_entry(&w, slot, r, full);
        ret = rd_msg_end(&w, out);
        if (ret == 0)
                ret = rd_buf_append(out, text, size);
        return ret;
}

/* Class sessions of the people in a roster, from the documents in force:
 * account managers' calendars show them next to the work blocks. */
static void emit_classes(rd_yw *w, rd_server *s, const rd_slot *slot, const rd_roster *r) {
        rd_node *root = NULL;
        rs_problem *problem = NULL;
        rc_diags diags = {};

        if (rd_yaml_parse(r->full, r->full_size, &root, NULL, NULL, NULL) < 0)
                return;
        if (rc_build_problem(&s->corpus, slot->week, slot->employer, &problem, &diags) < 0) {
                rc_diags_done(&diags);
                if (rc_build_problem(&s->corpus, slot->week, NULL, &problem, &diags) < 0)
                        problem = NULL;
        }
        rc_diags_done(&diags);
        if (!problem) {
                rd_node_free(root);
                return;
        }
        const rd_node *people = rd_node_get(root, "candidates");
        rd_yw_str(w, "classes");
        rd_yw_seq_start(w, false);
        for (size_t i = 0; i < rd_node_seq_len(people); i++) {
                const char *id = rd_node_get_text(people->items[i], "id");
                for (size_t k = 0; id && k < problem->n_candidates; k++) {
                        const rs_candidate *cand = &problem->candidates[k];
                        if (strcmp(cand->id, id) != 0)
                                continue;
                        for (size_t j = 0; j < cand->n_classes; j++) {
                                const rs_class_session *cs = &cand->classes[j];
                                int day = cs->start / RS_MINUTES_PER_DAY;
                                char start[6], end[6];
                                if (day < 0 || day > 6)
                                        continue;
                                rc_format_clock(cs->start, start);
                                rc_format_clock(cs->end, end);
                                rd_yw_map_start(w, true);
                                rd_yw_key_str(w, "candidate", id);
                                rd_yw_key_str(w, "day", rc_day_names[day]);
                                rd_yw_str(w, "start");
                                rd_yw_quoted(w, start);
                                rd_yw_str(w, "end");
                                rd_yw_quoted(w, end);
                                rd_yw_key_str(w, "school", cs->school);
                                rd_yw_key_str(w, "group", cs->group);
                                if (cs->place >= 0 && (size_t) cs->place < problem->n_places)
                                        rd_yw_key_str(w, "location", problem->places[cs->place]);
                                rd_yw_map_end(w);
                        }
                }
        }
        rd_yw_seq_end(w);
        rs_problem_free(problem);
        rd_node_free(root);
}

/* ---- get -------------------------------------------------------------- */

static void op_get(rd_conn *c, const rd_request *req) {
        rd_server *s = c->server;
        const char *employer;
        rc_week week;
        bool full = rd_grants_full(req->grants);
        bool want_proposal = get_flag(req, "proposal");
        rd_buf out = {};
        rd_yw w;

        if (!get_week(c, req, true, &week, NULL) || !get_employer(c, req, true, &employer))
                return;
        if (!full && !rd_grants_employer(req->grants, employer)) {
                rd_send_error(c, req->id, RD_ERR_FORBIDDEN, NULL,
                              "you may not see the rosters of employer '%s'", employer);
                return;
        }
        rd_slot *slot = rd_state_slot(s, employer, week, false);
        rd_roster *open = slot ? rd_slot_open_proposal(slot) : NULL;
        rd_roster *r = !slot ? NULL : want_proposal ? open : slot->approved ? slot->approved : open;
        if (!r) {
                char text[16];
                rc_week_format(week, text);
                rd_send_error(c, req->id, RD_ERR_NOT_FOUND, NULL, "no %s for %s in %s",
                              want_proposal ? "open proposal" : "roster", employer, text);
                return;
        }
        size_t size;
        const char *text = view_text(r, full, &size);

        rd_reply_begin(&w, &out, req->id, true);
        rd_yw_str(&w, "roster");
        rd_yw_map_start(&w, false);
        emit_roster_entry(&w, slot, r, full);
        if (r == slot->approved && open)
                rd_yw_key_long(&w, "open_proposal", open->revision);
        rd_yw_map_end(&w);
        if (full)
                emit_classes(&w, s, slot, r);
        rd_yw_key_long(&w, "size", (long) size);
        if (rd_msg_end(&w, &out) == 0 && rd_buf_append(&out, text, size) == 0)
                rd_conn_send(c, &out);
        else
                rd_send_error(c, req->id, RD_ERR_INTERNAL, NULL, "cannot write the reply");
        rd_buf_done(&out);
}

/* ---- propose ---------------------------------------------------------- */

static bool week_has_needs(const rd_server *s, rc_week week) {
        for (size_t i = 0; i < s->corpus.n_shift_needs; i++)
                if (rc_week_set_contains(&s->corpus.shift_needs[i]->shift_needs.weeks, week))
                        return true;
        return false;
}

static void op_propose(rd_conn *c, const rd_request *req) {
        rd_server *s = c->server;
        const char *employer;
        rc_week week;
        char text[16];
        int r;

        if (!rd_grants_full(req->grants)) {
                rd_send_error(c, req->id, RD_ERR_FORBIDDEN, NULL,
                              "only account managers ask for proposals");
                return;
        }
        if (!get_week(c, req, true, &week, NULL) || !get_employer(c, req, false, &employer))
                return;
        rc_week_format(week, text);
        if (employer && !rc_corpus_shift_needs(&s->corpus, employer, week)) {
                rd_send_error(c, req->id, RD_ERR_NOT_FOUND, NULL,
                              "employer '%s' has no shift needs in %s", employer, text);
                return;
        }
        if (!employer && !week_has_needs(s, week)) {
                rd_send_error(c, req->id, RD_ERR_NOT_FOUND, NULL, "no employer has shift needs in %s",
                              text);
                return;
        }
        /* Busy first: a worker that cannot start answers at once. */
        c->busy = true;
        r = rd_jobs_submit(s, week, employer, false, c, req->id);
        if (r < 0)
                c->busy = false;
        if (r == -EBUSY) {
                rd_send_error(c, req->id, RD_ERR_BUSY, NULL,
                              "%zu solves are queued already; try again later", s->n_queued);
                return;
        }
        if (r < 0) {
                rd_send_error(c, req->id, RD_ERR_INTERNAL, NULL, "cannot queue the solve: %s",
                              strerror(-r));
                return;
        }
}

static int compare_slot_ptr(const void *a, const void *b) {
        const rd_slot *x = *(rd_slot *const *) a, *y = *(rd_slot *const *) b;

        return strcmp(x->employer, y->employer);
}

/* Takes one roster of a finished solve as @slot's new proposal, setting
 * *ret_slot. A re-plan renews only rosters that exist, and only when the
 * plan differs from the one in force; otherwise nothing is stored and
 * *ret_slot stays NULL. Returns 0 or a negative errno. */
/* A NUL-terminated copy of @size bytes. */
static char *memdup_text(const char *text, size_t size) {
        char *copy = malloc(size + 1);

        if (copy) {
                memcpy(copy, text, size);
                copy[size] = '\0';
        }
        return copy;
}

static int take_roster(rd_server *s, const rd_job *job, const char *employer, const char *full,
                       size_t full_size, const char *view, size_t view_size, rd_slot **ret_slot) {
        rd_slot *slot = rd_state_slot(s, employer, job->week, !job->replan);

        if (!slot)
                return 0;
        rd_roster *current = rd_slot_open_proposal(slot);
        if (!current)
                current = slot->approved;
        if (job->replan && (!current || rd_changes_count(current->full, current->full_size, full,
                                                         full_size) == 0)) {
                /* Still right for the inputs this solve read. */
                if (current)
                        current->confirmed = job->revision;
                return 0;
        }
        /* memdup, not strndup: the sizes are known, and strndup would
         * first scan tens of megabytes for a NUL at region scale. */
        char *full_copy = memdup_text(full, full_size);
        char *view_copy = memdup_text(view, view_size);
        if (!full_copy || !view_copy) {
                free(full_copy);
                free(view_copy);
                return -ENOMEM;
        }
        int r = rd_state_add_proposal(s, slot, job->revision, full_copy, full_size, view_copy,
                                      view_size);
        if (r < 0)
                return r;
        *ret_slot = slot;
        return 0;
}

void rd_ops_job_done(rd_server *s, rd_job *job, bool ok, rd_error_code code,
                     const char *message, const rd_node *result, const char *body,
                     size_t body_size) {
        rd_slot **stored = NULL;
        size_t n_stored = 0, offset = 0, total = 0;
        rd_log_fields f = RD_LOG_FIELDS_NONE;
        int r = 0;

        f.week = job->week_text;
        f.employer = job->employer;
        f.revision = job->revision;

        const rd_node *rosters = ok ? rd_node_get(result, "rosters") : NULL;
        size_t n = rd_node_seq_len(rosters);
        if (ok) {
                stored = calloc(n + 1, sizeof(*stored));
                if (!stored) {
                        ok = false;
                        code = RD_ERR_INTERNAL;
                        message = "out of memory";
                }
        }
        /* Where each roster's texts are in the body (its full view, then
         * the employer's), all checked before anything is stored. */
        struct { size_t at, full, view; } *texts = ok ? calloc(n + 1, sizeof(*texts)) : NULL;
        if (ok && !texts) {
                ok = false;
                code = RD_ERR_INTERNAL;
                message = "out of memory";
        }
        for (size_t i = 0; ok && i < n; i++) {
                const rd_node *e = rosters->items[i];
                long full_size = -1, employer_size = -1;

                if (!rd_node_get_text(e, "employer") ||
                    !rd_node_long(rd_node_get(e, "full"), &full_size) ||
                    !rd_node_long(rd_node_get(e, "view"), &employer_size) || full_size < 0 ||
                    employer_size < 0 || offset + (size_t) full_size + (size_t) employer_size > body_size) {
                        ok = false;
                        code = RD_ERR_INTERNAL;
                        message = "the solve returned a malformed result";
                        break;
                }
                texts[i].at = offset;
                texts[i].full = (size_t) full_size;
                texts[i].view = (size_t) employer_size;
                offset += (size_t) full_size + (size_t) employer_size;
        }
        /* Last roster first, each copied out and then cut off the worker's
         * output, so that a region week (tens of megabytes) is never held
         * twice. The order of storing does not matter: one revision. */
        size_t header_size = ok ? (size_t) (body - rd_buf_data(&job->output)) : 0;
        for (size_t i = n; ok && i > 0; i--) {
                const char *employer = rd_node_get_text(rosters->items[i - 1], "employer");
                const char *full = rd_buf_data(&job->output) + header_size + texts[i - 1].at;
                rd_slot *slot = NULL;

                r = take_roster(s, job, employer, full, texts[i - 1].full,
                                full + texts[i - 1].full, texts[i - 1].view, &slot);
                if (r < 0) {
                        f.employer = employer;
                        rd_log(LOG_ERR, &f, "Cannot store the proposal of %s in %s: %s", employer,
                               job->week_text, strerror(-r));
                        ok = false;
                        code = RD_ERR_INTERNAL;
                        message = "cannot store the proposal";
                        break;
                }
                if (slot)
                        stored[n_stored++] = slot;
                rd_buf_truncate(&job->output, header_size + texts[i - 1].at);
        }
        free(texts);
        if (n_stored > 0) {
                r = rd_store_sync(&s->store);
                if (r < 0 && ok) {
                        ok = false;
                        code = RD_ERR_INTERNAL;
                        message = "cannot make the proposal durable";
                }
        }
        if (n_stored > 1)
                qsort(stored, n_stored, sizeof(*stored), compare_slot_ptr);

        bool clock_stopped = false;
        if (ok && rd_node_bool(rd_node_get(result, "clock_stopped"), &clock_stopped) && clock_stopped)
                rd_log(LOG_WARNING, &f,
                       "The solve of %s%s%s reached solver.time_limit before its work budget (a "
                       "slower or busy machine): the same input may give another roster",
                       job->week_text, job->employer ? " for " : "", job->employer ? job->employer : "");
        if (ok) {
                s->solved_count++;
                f.message_id = RD_MESSAGE_SOLVE_DONE;
                f.employer = job->employer;
                rd_log(LOG_INFO, &f, "Solved %s%s%s%s in %.1f s: %zu proposal(s) at revision %ld",
                       job->week_text, job->employer ? " for " : "",
                       job->employer ? job->employer : "", job->replan ? " (re-plan)" : "",
                       (double) (rd_now_usec() - job->started) / 1e6, n_stored, job->revision);
                for (size_t i = 0; i < n_stored; i++)
                        rd_publish(s, stored[i], stored[i]->proposal, RD_EVENT_PROPOSAL,
                                   job->replan);
        } else {
                s->failed_count++;
                f.message_id = RD_MESSAGE_SOLVE_FAIL;
                rd_log(LOG_ERR, &f, "Solving %s%s%s failed: %s", job->week_text,
                       job->employer ? " for " : "", job->employer ? job->employer : "", message);
        }

        for (size_t i = 0; i < job->n_waiters; i++) {
                rd_conn *c = job->waiters[i].conn;
                const char *id = job->waiters[i].id;
                rd_buf out = {};
                rd_yw w;

                if (c->dead)
                        continue;
                if (!ok) {
                        rd_send_error(c, id, code, NULL, "%s", message);
                        rd_conn_request_done(c);
                        continue;
                }
                total = 0;
                for (size_t k = 0; k < n_stored; k++)
                        total += stored[k]->proposal->full_size;
                rd_reply_begin(&w, &out, id, true);
                rd_yw_key_str(&w, "week", job->week_text);
                rd_yw_str(&w, "rosters");
                rd_yw_seq_start(&w, false);
                for (size_t k = 0; k < n_stored; k++) {
                        rd_yw_map_start(&w, false);
                        emit_roster_entry(&w, stored[k], stored[k]->proposal, true);
                        rd_yw_map_end(&w);
                }
                rd_yw_seq_end(&w);
                rd_yw_key_long(&w, "size", (long) total);
                r = rd_msg_end(&w, &out);
                for (size_t k = 0; k < n_stored && r == 0; k++)
                        r = rd_buf_append(&out, stored[k]->proposal->full,
                                          stored[k]->proposal->full_size);
                if (r == 0)
                        rd_conn_send_taking(c, &out);
                else
                        rd_send_error(c, id, RD_ERR_INTERNAL, NULL, "cannot write the reply");
                rd_buf_done(&out);
                rd_conn_request_done(c);
        }
        free(stored);
}

/* ---- approve ---------------------------------------------------------- */

/* Whether the open proposal @open of @slot may no longer keep the rules,
 * with the reason in @why: a newer proposal is on its way (a re-plan
 * noted, or a solve queued or running), or another employer's roster of
 * this week or the week before was approved after the proposal's solve
 * started (revisions are one counter) and no re-plan has confirmed it
 * since, so no solve saw that work with it. Approving such a proposal could book a candidate twice, or past
 * a class that moved. */
static bool proposal_out_of_date(rd_server *s, const rd_slot *slot, const rd_roster *open, char *why,
                                 size_t size) {
        /* A re-plan that found it unchanged read newer inputs. */
        long made = open->confirmed > open->revision ? open->confirmed : open->revision;

        if (rd_replan_noted(s, slot) || rd_jobs_will_propose(s, slot->week, slot->employer)) {
                snprintf(why, size, "its input changed and a new proposal is being made; approve "
                                    "that one when it is published");
                return true;
        }
        /* An approval since that is input of this roster (op_approve). */
        if (slot->input_approved_seq > made && slot->input_approved_by) {
                const rd_slot *o = slot->input_approved_by;

                snprintf(why, size, "the roster of %s in %s was approved after it was made; "
                                    "propose again", o->employer, o->week_text);
                return true;
        }
        return false;
}

static void op_approve(rd_conn *c, const rd_request *req) {
        rd_server *s = c->server;
        const char *employer;
        rc_week week;
        char text[16];
        long revision = -1;
        const rd_node *rev = rd_node_get(req->header, "revision");
        rd_log_fields f = fields_of(c, req);
        rd_buf out = {};
        rd_yw w;
        int r;

        if (!rd_grants_full(req->grants)) {
                rd_send_error(c, req->id, RD_ERR_FORBIDDEN, NULL,
                              "only account managers approve rosters");
                return;
        }
        if (!get_week(c, req, true, &week, NULL) || !get_employer(c, req, true, &employer))
                return;
        if (rev && !rd_node_is_null(rev) && (!rd_node_long(rev, &revision) || revision < 0)) {
                rd_send_error(c, req->id, RD_ERR_INVALID, NULL,
                              "revision: expected the revision number of a proposal");
                return;
        }
        rc_week_format(week, text);
        rd_slot *slot = rd_state_slot(s, employer, week, false);
        rd_roster *open = slot ? rd_slot_open_proposal(slot) : NULL;
        if (!open) {
                if (slot && slot->approved && (revision < 0 || revision == slot->approved->revision))
                        rd_send_error(c, req->id, RD_ERR_CONFLICT, NULL,
                                      "revision %ld of %s in %s is approved already",
                                      slot->approved->revision, employer, text);
                else
                        rd_send_error(c, req->id, RD_ERR_NOT_FOUND, NULL,
                                      "no open proposal for %s in %s", employer, text);
                return;
        }
        if (revision >= 0 && revision != open->revision) {
                rd_send_error(c, req->id, RD_ERR_CONFLICT, NULL,
                              "revision %ld is not the open proposal of %s in %s; the open "
                              "proposal is revision %ld",
                              revision, employer, text, open->revision);
                return;
        }
        {
                char why[256];

                if (proposal_out_of_date(s, slot, open, why, sizeof(why))) {
                        rd_send_error(c, req->id, RD_ERR_CONFLICT, NULL,
                                      "revision %ld of %s in %s is out of date: %s", open->revision,
                                      employer, text, why);
                        return;
                }
        }
        /* Whose rosters it is input of, from the plan and the one it replaces. */
        rd_scope *scope = rd_scope_of_approval(s, open, slot->approved);
        r = rd_state_approve(s, slot);
        if (r == 0)
                r = rd_store_sync(&s->store);
        if (r < 0) {
                rd_scope_free(scope);
                rd_log(LOG_ERR, &f, "Cannot store the approval of %s in %s: %s", employer, text,
                       strerror(-r));
                rd_send_error(c, req->id, RD_ERR_INTERNAL, NULL, "cannot store the approval: %s",
                              strerror(-r));
                return;
        }
        f.employer = employer;
        f.week = text;
        f.revision = slot->approved->revision;
        f.message_id = RD_MESSAGE_APPROVED;
        rd_log(LOG_INFO, &f, "Approved %s %s revision %ld (uid %u)", employer, text,
               slot->approved->revision, (unsigned) c->peer.uid);
        rd_publish(s, slot, slot->approved, RD_EVENT_APPROVED, false);
        /* Its blocks are now fixed work for the other employers of the
         * week where its people may work (except for rosters of the same
         * solve, proposed or already approved, which planned them
         * together), and rest against them counts in the next week. */
        for (size_t i = 0; i < s->n_slots; i++) {
                rd_slot *o = s->slots[i];
                rd_roster *o_open = rd_slot_open_proposal(o);
                long solve = slot->approved->revision;
                long oi = rc_week_index(o->week), wi = rc_week_index(week);

                if (o == slot || (oi != wi && oi != wi + 1))
                        continue;
                if (oi == wi && ((o_open && o_open->revision == solve) ||
                                 (!o_open && o->approved && o->approved->revision == solve)))
                        continue;
                if (scope && !rd_scope_changes(s, scope, o))
                        continue;
                o->input_approved_seq = slot->approved->seq;
                o->input_approved_by = slot;
                rd_replan_note_slot(s, o);
        }
        rd_scope_free(scope);

        rd_reply_begin(&w, &out, req->id, true);
        rd_yw_key_str(&w, "employer", employer);
        rd_yw_key_str(&w, "week", text);
        rd_yw_key_long(&w, "revision", slot->approved->revision);
        rd_yw_key_str(&w, "state", "approved");
        send_or_close(c, &w, &out);
}

/* ---- list ------------------------------------------------------------- */

static bool doc_visible(const rd_grants *g, const rd_doc *d) {
        if (rd_grants_full(g))
                return true;
        if (d->kind == RC_KIND_SHIFT_NEEDS)
                return rd_grants_employer(g, d->key);
        if (d->kind == RC_KIND_TIMETABLE)
                return rd_grants_school(g, d->key);
        return false;
}

static void emit_longs(rd_yw *w, const long *v, size_t n) {
        rd_yw_seq_start(w, true);
        for (size_t i = 0; i < n; i++)
                rd_yw_long(w, v[i]);
        rd_yw_seq_end(w);
}

static void op_list(rd_conn *c, const rd_request *req) {
        rd_server *s = c->server;
        const char *employer, *kind = rd_node_get_text(req->header, "kind");
        const char *name = rd_node_get_text(req->header, "name");
        bool current = get_flag(req, "current"), week_given;
        rc_week week;
        rd_buf out = {};
        rd_yw w;

        if (!get_week(c, req, false, &week, &week_given) || !get_employer(c, req, false, &employer))
                return;
        rd_reply_begin(&w, &out, req->id, true);
        rd_yw_str(&w, "documents");
        rd_yw_seq_start(&w, false);
        for (size_t i = 0; i < s->n_docs; i++) {
                const rd_doc *d = &s->docs[i];
                if (!doc_visible(req->grants, d) || (current && !d->text) ||
                    (kind && strcmp(kind, rc_kind_to_string(d->kind)) != 0) ||
                    (name && strcmp(name, d->name) != 0) ||
                    (employer && (d->kind != RC_KIND_SHIFT_NEEDS || strcmp(employer, d->key) != 0)))
                        continue;
                rd_yw_map_start(&w, true);
                rd_yw_key_str(&w, "name", d->name);
                rd_yw_key_long(&w, "revision", d->revision);
                rd_yw_key_bool(&w, "holds", d->text != NULL);
                if (d->weeks)
                        rd_yw_key_str(&w, "weeks", d->weeks);
                rd_yw_key_str(&w, "file", d->file);
                rd_yw_map_end(&w);
        }
        rd_yw_seq_end(&w);

        rd_yw_str(&w, "rosters");
        rd_yw_seq_start(&w, false);
        if (rd_grants_full(req->grants) || req->grants->all_employers || req->grants->n_employers) {
                for (size_t i = 0; i < s->n_slots; i++) {
                        const rd_slot *slot = s->slots[i];
                        const rd_roster *open = rd_slot_open_proposal(slot);
                        if (!rd_grants_employer(req->grants, slot->employer) ||
                            (employer && strcmp(employer, slot->employer) != 0) ||
                            (week_given && (slot->week.year != week.year ||
                                            slot->week.week != week.week)) ||
                            (kind && strcmp(kind, "roster") != 0))
                                continue;
                        rd_yw_map_start(&w, true);
                        rd_yw_key_str(&w, "employer", slot->employer);
                        rd_yw_key_str(&w, "week", slot->week_text);
                        rd_yw_str(&w, "approved");
                        if (slot->approved)
                                rd_yw_long(&w, slot->approved->revision);
                        else
                                rd_yw_null(&w);
                        rd_yw_str(&w, "proposal");
                        if (open)
                                rd_yw_long(&w, open->revision);
                        else
                                rd_yw_null(&w);
                        rd_yw_str(&w, "proposals");
                        emit_longs(&w, slot->revisions, slot->n_revisions);
                        rd_yw_str(&w, "approvals");
                        emit_longs(&w, slot->approvals, slot->n_approvals);
                        rd_yw_map_end(&w);
                }
        }
        rd_yw_seq_end(&w);
        send_or_close(c, &w, &out);
}

/* ---- subscribe -------------------------------------------------------- */

static void op_subscribe(rd_conn *c, const rd_request *req) {
        const char *employer;
        rc_week week;
        bool week_given;
        char text[16] = "";
        rd_buf out = {};
        rd_yw w;

        if (!get_week(c, req, false, &week, &week_given) || !get_employer(c, req, false, &employer))
                return;
        if (!rd_grants_full(req->grants) && !req->grants->all_employers &&
            req->grants->n_employers == 0) {
                rd_send_error(c, req->id, RD_ERR_FORBIDDEN, NULL,
                              "your role sees no rosters to subscribe to");
                return;
        }
        if (employer && !rd_grants_employer(req->grants, employer)) {
                rd_send_error(c, req->id, RD_ERR_FORBIDDEN, NULL,
                              "you may not see the rosters of employer '%s'", employer);
                return;
        }
        if (week_given)
                rc_week_format(week, text);
        free(c->sub_employer);
        free(c->sub_week);
        c->sub_employer = employer ? strdup(employer) : NULL;
        c->sub_week = week_given ? strdup(text) : NULL;
        if ((employer && !c->sub_employer) || (week_given && !c->sub_week)) {
                rd_send_error(c, req->id, RD_ERR_INTERNAL, NULL, "out of memory");
                return;
        }

        rd_reply_begin(&w, &out, req->id, true);
        rd_yw_str(&w, "subscribed");
        rd_yw_map_start(&w, true);
        rd_yw_str(&w, "employer");
        if (employer)
                rd_yw_str(&w, employer);
        else
                rd_yw_null(&w);
        rd_yw_str(&w, "week");
        if (week_given)
                rd_yw_str(&w, text);
        else
                rd_yw_null(&w);
        rd_yw_map_end(&w);
        send_or_close(c, &w, &out);
        if (!c->dead && !c->subscriber) {
                c->subscriber = true;
                c->server->n_subscribers++;
                sd_event_source_set_enabled(c->idle, SD_EVENT_OFF);
        }
}

/* ---- reload ----------------------------------------------------------- */

static void op_reload(rd_conn *c, const rd_request *req) {
        rc_diags diags = {};
        rd_buf out = {};
        rd_yw w;
        int r;

        if (!req->grants->admin) {
                rd_send_error(c, req->id, RD_ERR_FORBIDDEN, NULL, "only an admin reloads");
                return;
        }
        r = rd_server_reload(c->server, &diags);
        if (r == -EINVAL)
                rd_send_error(c, req->id, RD_ERR_INVALID, &diags,
                              "the new configuration is invalid; the old one stays in force");
        else if (r < 0)
                rd_send_error(c, req->id, RD_ERR_INTERNAL, &diags, "reload failed: %s",
                              strerror(-r));
        else {
                rd_reply_begin(&w, &out, req->id, true);
                rd_yw_key_bool(&w, "reloaded", true);
                send_or_close(c, &w, &out);
        }
        rc_diags_done(&diags);
}

/* ---- Dispatch --------------------------------------------------------- */

void rd_ops_dispatch(rd_conn *c, rd_request *req) {
        static const char ops[] =
                "submit, validate, propose, get, approve, list, subscribe, status or reload";

        if (!req->op) {
                rd_send_error(c, req->id, RD_ERR_INVALID, NULL, "the request has no op: (%s)", ops);
                return;
        }
        if (!req->grants->known) {
                rd_log_fields f = fields_of(c, req);
                rd_log(LOG_NOTICE, &f, "Refused %s from uid %u: no access rule names it", req->op,
                       (unsigned) c->peer.uid);
                rd_send_error(c, req->id, RD_ERR_FORBIDDEN, NULL,
                              "uid %u has no role here (see access: in the configuration)",
                              (unsigned) c->peer.uid);
                return;
        }
        if (c->subscriber) {
                rd_send_error(c, req->id, RD_ERR_INVALID, NULL,
                              "this connection is subscribed; open another one for requests");
                return;
        }
        rd_logf(LOG_DEBUG, "Connection %llu: %s", c->number, req->op);

        if (strcmp(req->op, "status") == 0)
                op_status(c, req);
        else if (strcmp(req->op, "submit") == 0)
                op_submit(c, req, true);
        else if (strcmp(req->op, "validate") == 0)
                op_submit(c, req, false);
        else if (strcmp(req->op, "propose") == 0)
                op_propose(c, req);
        else if (strcmp(req->op, "get") == 0)
                op_get(c, req);
        else if (strcmp(req->op, "approve") == 0)
                op_approve(c, req);
        else if (strcmp(req->op, "list") == 0)
                op_list(c, req);
        else if (strcmp(req->op, "subscribe") == 0)
                op_subscribe(c, req);
        else if (strcmp(req->op, "reload") == 0)
                op_reload(c, req);
        else
                rd_send_error(c, req->id, RD_ERR_INVALID, NULL, "unknown op '%s'; expected %s",
                              req->op, ops);
}
