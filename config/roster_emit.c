/* config/roster_emit.c -- the roster document of SPEC §5, through libyaml. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "roster/emit.h"

const char *const rc_day_names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

void rc_format_clock(int minute, char buf[static 6]) {
        int m = ((minute % RS_MINUTES_PER_DAY) + RS_MINUTES_PER_DAY) % RS_MINUTES_PER_DAY;
        snprintf(buf, 6, "%02d:%02d", m / 60, m % 60);
}

void rc_format_hours(int minutes, char buf[static 16]) {
        /* Paid minutes are whole; two decimals are exact for quarters and
         * close enough otherwise. Trailing zeros and a bare point go. */
        snprintf(buf, 16, "%.2f", minutes / 60.0);
        char *end = buf + strlen(buf) - 1;
        while (*end == '0')
                *end-- = '\0';
        if (*end == '.')
                *end = '\0';
}

/* A growing output buffer for yaml_emitter_set_output(). */
typedef struct out_buffer {
        char *data;
        size_t size;
        size_t capacity;
} out_buffer;

static int out_buffer_write(void *userdata, unsigned char *bytes, size_t size) {
        out_buffer *b = userdata;

        if (b->size + size + 1 > b->capacity) {
                size_t capacity = b->capacity ? b->capacity : 4096;
                while (b->size + size + 1 > capacity)
                        capacity *= 2;
                char *data = realloc(b->data, capacity);
                if (!data)
                        return 0;
                b->data = data;
                b->capacity = capacity;
        }
        memcpy(b->data + b->size, bytes, size);
        b->size += size;
        b->data[b->size] = '\0';
        return 1;
}

/* The emitter with a sticky error: after the first failure every call is a
 * no-op, and the caller checks once at the end. */
typedef struct emit {
        yaml_emitter_t emitter;
        int error;
} emit;

static void emit_event(emit *e, yaml_event_t *event, int initialized) {
        if (e->error) {
                if (initialized)
                        yaml_event_delete(event);
                return;
        }
        if (!initialized) {
                e->error = -ENOMEM;
                return;
        }
        if (!yaml_emitter_emit(&e->emitter, event))
                e->error = e->emitter.error == YAML_MEMORY_ERROR ? -ENOMEM : -EIO;
}

static void emit_scalar_style(emit *e, const char *value, yaml_scalar_style_t style) {
        yaml_event_t ev;

        /* Both implicit flags set: no tags ever; readers take the text. */
        emit_event(e, &ev,
                   yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *) value,
                                                (int) strlen(value), 1, 1, style));
}

static void emit_str(emit *e, const char *value) {
        emit_scalar_style(e, value, YAML_ANY_SCALAR_STYLE);
}

/* Times are always quoted, as in the SPEC's examples, so that no YAML 1.1
 * reader takes them for sexagesimal numbers. */
static void emit_clock(emit *e, int minute) {
        char buf[6];

        rc_format_clock(minute, buf);
        emit_scalar_style(e, buf, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}

static void emit_long(emit *e, long value) {
        char buf[32];

        snprintf(buf, sizeof buf, "%ld", value);
        emit_scalar_style(e, buf, YAML_PLAIN_SCALAR_STYLE);
}

static void emit_double(emit *e, double value) {
        char buf[64];

        /* %.6g keeps the document short and stable; goal values are
         * minutes (integral) except the priority-weighted coverage. */
        snprintf(buf, sizeof buf, "%.6g", value);
        emit_scalar_style(e, buf, YAML_PLAIN_SCALAR_STYLE);
}

static void emit_hours(emit *e, int minutes) {
        char buf[16];

        rc_format_hours(minutes, buf);
        emit_scalar_style(e, buf, YAML_PLAIN_SCALAR_STYLE);
}

static void emit_bool(emit *e, bool value) {
        emit_scalar_style(e, value ? "true" : "false", YAML_PLAIN_SCALAR_STYLE);
}

static void emit_map_start(emit *e, bool flow) {
        yaml_event_t ev;

        emit_event(e, &ev,
                   yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                                       flow ? YAML_FLOW_MAPPING_STYLE
                                                            : YAML_BLOCK_MAPPING_STYLE));
}

static void emit_map_end(emit *e) {
        yaml_event_t ev;

        emit_event(e, &ev, yaml_mapping_end_event_initialize(&ev));
}

static void emit_seq_start(emit *e, bool flow) {
        yaml_event_t ev;

        emit_event(e, &ev,
                   yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                                                        flow ? YAML_FLOW_SEQUENCE_STYLE
                                                             : YAML_BLOCK_SEQUENCE_STYLE));
}

static void emit_seq_end(emit *e) {
        yaml_event_t ev;

        emit_event(e, &ev, yaml_sequence_end_event_initialize(&ev));
}

static void emit_key_str(emit *e, const char *key, const char *value) {
        emit_str(e, key);
        emit_str(e, value);
}

static void emit_key_long(emit *e, const char *key, long value) {
        emit_str(e, key);
        emit_long(e, value);
}

/* Whether the position belongs to the employer and has anything in it. */
static bool candidate_works_for(const rs_problem *p, const rs_solution *s, size_t employer,
                                size_t candidate) {
        for (size_t i = 0; i < p->n_positions; i++) {
                if (p->positions[i].employer != employer)
                        continue;
                const rs_position_plan *plan = &s->positions[i];
                for (size_t j = 0; j < plan->n_people; j++)
                        if (plan->people[j] == candidate)
                                return true;
        }
        return false;
}

static int paid_minutes_at(const rs_problem *p, const rs_solution *s, size_t employer,
                           size_t candidate) {
        int paid = 0;

        for (size_t i = 0; i < p->n_positions; i++) {
                if (p->positions[i].employer != employer)
                        continue;
                const rs_position_plan *plan = &s->positions[i];
                for (size_t j = 0; j < plan->n_assignments; j++)
                        if (plan->assignments[j].candidate == candidate)
                                paid += rs_rules_paid_minutes(&p->rules,
                                                              plan->assignments[j].end -
                                                              plan->assignments[j].start);
        }
        return paid;
}

/* The employer's view hides why a person is unavailable (SPEC §10.18). */
static rs_reason reason_for_view(rs_reason reason, rc_view view) {
        if (view == RC_VIEW_EMPLOYER &&
            (reason == RS_REASON_CLASS || reason == RS_REASON_LANGUAGE ||
             reason == RS_REASON_UNAVAILABLE))
                return RS_REASON_UNAVAILABLE;
        return reason;
}

static void emit_solver_block(emit *e, const rs_solution *s, const rc_roster_meta *meta,
                              rc_view view) {
        double worst_gap = 0;

        for (int g = 0; g < _RS_GOAL_MAX; g++)
                if (s->goals[g].solved && s->goals[g].gap > worst_gap)
                        worst_gap = s->goals[g].gap;

        emit_str(e, "solver");
        emit_map_start(e, false);
        if (meta && meta->timing) {
                emit_str(e, "seconds");
                emit_double(e, s->seconds);
        }
        emit_str(e, "gap");
        emit_double(e, worst_gap);
        emit_key_long(e, "rows", s->rows);
        emit_key_long(e, "columns", s->columns);
        /* Goal values are of the whole solve, which may span several
         * employers and everyone's hours: not for an employer's eyes. */
        if (view != RC_VIEW_FULL) {
                emit_map_end(e);
                return;
        }
        emit_str(e, "goals");
        emit_map_start(e, false);
        for (int g = 0; g < _RS_GOAL_MAX; g++) {
                const rs_goal_result *r = &s->goals[g];
                if (!r->solved)
                        continue;
                emit_str(e, rs_goal_to_string((rs_goal) g));
                emit_map_start(e, true);
                emit_str(e, "value");
                emit_double(e, r->value);
                emit_str(e, "proven");
                emit_bool(e, r->proven);
                if (!r->proven) {
                        emit_str(e, "bound");
                        emit_double(e, r->bound);
                        emit_str(e, "gap");
                        emit_double(e, r->gap);
                }
                emit_map_end(e);
        }
        emit_map_end(e);
        emit_map_end(e);
}

static void emit_why(emit *e, const rs_problem *p, const rs_why *w, rc_view view) {
        rs_reason reason = reason_for_view(w->reason, view);

        emit_map_start(e, true);
        emit_key_str(e, "candidate", p->candidates[w->candidate].id);
        emit_key_str(e, "reason", rs_reason_to_string(reason));
        /* Details may name classes, levels, personal reasons or other
         * employers: only the full view carries them. */
        if (view == RC_VIEW_FULL && w->detail && w->detail[0])
                emit_key_str(e, "detail", w->detail);
        emit_map_end(e);
}

static void emit_position(emit *e, const rs_problem *p, const rs_solution *s, size_t index,
                          rc_view view) {
        const rs_position *pos = &p->positions[index];
        const rs_position_plan *plan = &s->positions[index];

        emit_map_start(e, false);
        emit_key_str(e, "id", pos->id);
        if (pos->title)
                emit_key_str(e, "title", pos->title);
        emit_str(e, "people");
        emit_seq_start(e, true);
        for (size_t i = 0; i < plan->n_people; i++)
                emit_str(e, p->candidates[plan->people[i]].id);
        emit_seq_end(e);

        emit_str(e, "assignments");
        emit_seq_start(e, false);
        for (size_t i = 0; i < plan->n_assignments; i++) {
                const rs_assignment *a = &plan->assignments[i];
                emit_map_start(e, true);
                emit_key_str(e, "day", rc_day_names[pos->shifts[a->shift].day]);
                emit_str(e, "start");
                emit_clock(e, a->start);
                emit_str(e, "end");
                emit_clock(e, a->end);
                emit_key_str(e, "candidate", p->candidates[a->candidate].id);
                emit_map_end(e);
        }
        emit_seq_end(e);

        if (plan->n_uncovered > 0) {
                emit_str(e, "uncovered");
                emit_seq_start(e, false);
                for (size_t i = 0; i < plan->n_uncovered; i++) {
                        const rs_uncovered *u = &plan->uncovered[i];
                        const rs_shift *shift = &pos->shifts[u->shift];
                        emit_map_start(e, false);
                        emit_key_str(e, "day", rc_day_names[shift->day]);
                        emit_str(e, "start");
                        emit_clock(e, u->start);
                        emit_str(e, "end");
                        emit_clock(e, u->end);
                        if (u->missing != shift->headcount)
                                emit_key_long(e, "missing", u->missing);
                        emit_str(e, "why");
                        emit_seq_start(e, false);
                        for (size_t j = 0; j < u->n_why; j++) {
                                /* Who is placed elsewhere is the account
                                 * managers' business, and whether they are
                                 * listed depends on their classes and
                                 * other work. */
                                if (view == RC_VIEW_EMPLOYER &&
                                    u->why[j].reason == RS_REASON_NOT_PLACED)
                                        continue;
                                emit_why(e, p, &u->why[j], view);
                        }
                        emit_seq_end(e);
                        emit_map_end(e);
                }
                emit_seq_end(e);
        }
        emit_map_end(e);
}

static void emit_candidates(emit *e, const rs_problem *p, const rs_solution *s, size_t employer,
                            rc_view view) {
        emit_str(e, "candidates");
        emit_seq_start(e, false);
        for (size_t c = 0; c < p->n_candidates; c++) {
                if (!candidate_works_for(p, s, employer, c))
                        continue;
                const rs_candidate *cand = &p->candidates[c];
                emit_map_start(e, true);
                emit_key_str(e, "id", cand->id);
                if (cand->name)
                        emit_key_str(e, "name", cand->name);
                if (view == RC_VIEW_EMPLOYER) {
                        /* Hours here only: totals would reveal other employers. */
                        emit_str(e, "hours");
                        emit_hours(e, paid_minutes_at(p, s, employer, c));
                } else {
                        emit_str(e, "paid_hours");
                        emit_hours(e, s->candidates[c].paid_minutes);
                        emit_str(e, "min");
                        emit_hours(e, cand->hours_min);
                        emit_str(e, "target");
                        emit_hours(e, cand->hours_target);
                        emit_str(e, "max");
                        emit_hours(e, cand->hours_max);
                        emit_key_long(e, "days", s->candidates[c].days);
                }
                emit_map_end(e);
        }
        emit_seq_end(e);
}

int rc_roster_emit(const rs_problem *p, const rs_solution *s, size_t employer,
                   const rc_roster_meta *meta, rc_view view, char **ret_text, size_t *ret_size) {
        out_buffer out = {};
        emit e = {};
        yaml_event_t ev;
        long required = 0, covered = 0;

        if (!p || !s || employer >= p->n_employers || s->n_positions != p->n_positions ||
            view < 0 || view >= _RC_VIEW_MAX)
                return -EINVAL;

        for (size_t i = 0; i < p->n_positions; i++)
                if (p->positions[i].employer == employer) {
                        required += s->positions[i].required_minutes;
                        covered += s->positions[i].covered_minutes;
                }

        if (!yaml_emitter_initialize(&e.emitter))
                return -ENOMEM;
        yaml_emitter_set_output(&e.emitter, out_buffer_write, &out);
        yaml_emitter_set_unicode(&e.emitter, 1);
        yaml_emitter_set_width(&e.emitter, 120);

        emit_event(&e, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
        emit_event(&e, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
        emit_map_start(&e, false);
        emit_key_str(&e, "kind", "roster");
        emit_key_long(&e, "version", 1);
        emit_key_str(&e, "employer", p->employers[employer].id);
        emit_key_str(&e, "week", p->week);
        if (meta && meta->revision >= 0)
                emit_key_long(&e, "revision", meta->revision);
        emit_key_str(&e, "state", meta && meta->state ? meta->state : "proposal");
        if (meta && meta->n_based_on > 0) {
                emit_str(&e, "based_on");
                emit_map_start(&e, true);
                for (size_t i = 0; i < meta->n_based_on; i++)
                        emit_key_long(&e, meta->based_on[i].name, meta->based_on[i].revision);
                emit_map_end(&e);
        }
        emit_key_str(&e, "status", rs_status_to_string(s->status));
        if (s->status == RS_STATUS_INFEASIBLE && s->infeasible_reason && view == RC_VIEW_FULL)
                emit_key_str(&e, "infeasible", s->infeasible_reason);
        emit_solver_block(&e, s, meta, view);
        emit_str(&e, "coverage");
        emit_map_start(&e, true);
        emit_key_long(&e, "required", required);
        emit_key_long(&e, "covered", covered);
        emit_map_end(&e);

        emit_str(&e, "positions");
        emit_seq_start(&e, false);
        for (size_t i = 0; i < p->n_positions; i++)
                if (p->positions[i].employer == employer)
                        emit_position(&e, p, s, i, view);
        emit_seq_end(&e);
        emit_candidates(&e, p, s, employer, view);

        emit_map_end(&e);
        emit_event(&e, &ev, yaml_document_end_event_initialize(&ev, 1));
        emit_event(&e, &ev, yaml_stream_end_event_initialize(&ev));
        yaml_emitter_delete(&e.emitter);

        if (e.error < 0 || !out.data) {
                free(out.data);
                return e.error < 0 ? e.error : -EIO;
        }
        *ret_text = out.data;
        if (ret_size)
                *ret_size = out.size;
        return 0;
}
