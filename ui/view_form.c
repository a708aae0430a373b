/* Record forms: edit a vehicle, trailer or driver (PATCH with only what changed) or create one
 * (POST). The record is fetched when the form opens; every change is kept as a draft on disk
 * (from the idle hook) and the draft is removed only once the API accepted the write. Keys are
 * in view_form_keys.c, drawing in view_form_draw.c. */
#include "common/strbuf.h"
#include "core/api_json.h"
#include "core/api_writes.h"
#include "core/text.h"
#include "ui/draft_guard.h"
#include "ui/flows.h"
#include "ui/overlay.h"
#include "ui/send.h"
#include "ui/view_form_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Outlives the form when it is closed while its record is loading. */
struct form_ticket {
    app *a;
    form *f; /* NULL once the form is gone */
};

static void set_status(form *f, theme_slot slot, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_status(form *f, theme_slot slot, const char *fmt, ...)
{
    char buf[sizeof f->status];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *clean = text_sanitize_str(buf);
    snprintf(f->status, sizeof f->status, "%s", clean);
    free(clean);
    f->status_slot = slot;
    f->status_local = false;
}

const char *formview_noun(const form *f)
{
    return f->spec->noun;
}

char *formview_display_value(const char *value)
{
    strbuf sb = STRBUF_INIT;
    for (const char *p = value ? value : ""; *p; p++) {
        if (*p == '\n')
            strbuf_puts(&sb, "↵");
        else
            strbuf_append(&sb, p, 1);
    }
    char *clean = text_sanitize_str(strbuf_cstr(&sb));
    strbuf_free(&sb);
    return clean;
}

int formview_pick_matches(const form *f, int *out)
{
    int n = 0;
    for (int i = 0; i < f->pick_n; i++)
        if (!f->pick_filter[0] || text_contains_ci(f->pick_labels[i], f->pick_filter))
            out[n++] = i;
    return n;
}

void formview_pick_free(form *f)
{
    for (int i = 0; i < f->pick_n; i++) {
        free(f->pick_labels[i]);
        free(f->pick_values[i]);
    }
    free(f->pick_labels);
    free(f->pick_values);
    free(f->pick_on);
    f->pick_labels = f->pick_values = NULL;
    f->pick_on = NULL;
    f->pick_n = 0;
}

static void pick_add(form *f, const char *label, const char *value)
{
    f->pick_labels = xrealloc(f->pick_labels, (size_t)(f->pick_n + 1) * sizeof *f->pick_labels);
    f->pick_values = xrealloc(f->pick_values, (size_t)(f->pick_n + 1) * sizeof *f->pick_values);
    f->pick_labels[f->pick_n] = xstrdup(label);
    f->pick_values[f->pick_n] = xstrdup(value);
    f->pick_n++;
}

/* The form's connection's list of kind k, or NULL. */
static const table *conn_list(const form *f, app *a, record_kind k)
{
    long ci = app_connection_index(a, f->conn_id);
    return ci >= 0 ? store_table(&a->st, (size_t)ci, k) : NULL;
}

void formview_pick_fill(form *f, app *a)
{
    const field_spec *fs = &f->spec->fields[f->cursor];
    formview_pick_free(f);
    f->pick_multi = fs->type == FT_ENUM_LIST;
    if (fs->type == FT_REF) {
        const table *t = conn_list(f, a, fs->ref_kind);
        for (size_t i = 0; t && i < t->count; i++) {
            char name[256], id[UUID_STR_LEN];
            uuid_format((const uuid *)table_row(t, i), id);
            api_record_name(t, (const uuid *)table_row(t, i), name, sizeof name);
            pick_add(f, name[0] ? name : id, id);
        }
    } else {
        for (int i = 0; fs->enum_values && fs->enum_values[i]; i++)
            pick_add(f, fs->enum_values[i], fs->enum_values[i]);
    }
    f->pick_on = xcalloc((size_t)f->pick_n + 1, 1);
}

int formview_ref_name(const form *f, app *a, int field, char *buf, size_t cap)
{
    const field_spec *fs = &f->spec->fields[field];
    const table *t = conn_list(f, a, fs->ref_kind);
    uuid id;
    buf[0] = '\0';
    if (!f->v.cur[field] || !uuid_parse(f->v.cur[field], &id))
        return 0;
    if (t && api_record_name(t, &id, buf, cap))
        return 0;
    if (!t || t->state != LOAD_DONE)
        return 1;
    snprintf(buf, cap, "not a %s of this connection", fs->ref_kind == KIND_DRIVER    ? "driver"
                                                     : fs->ref_kind == KIND_VEHICLE ? "vehicle"
                                                                                    : "trailer");
    return -1;
}

bool formview_field_problem(const form *f, app *a, int field, char *buf, size_t cap)
{
    return f->spec->fields[field].type == FT_REF && formview_ref_name(f, a, field, buf, cap) < 0;
}

bool formview_safety_alert(const form *f)
{
    int i = form_field_index(f->spec, "is_safety_critical");
    const char *v = i >= 0 && f->v.cur[i] ? f->v.cur[i] : "";
    return strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 || strcmp(v, "1") == 0;
}

/* The record's name from its values (the form's name fields), sanitized. */
static void name_from_values(const form *f, char *out, size_t cap)
{
    form_record_name(&f->v, out, cap);
    char *clean = text_sanitize_str(out);
    snprintf(out, cap, "%s", clean);
    free(clean);
}

/* "Edit vehicle Truck 1042", "New trailer", "New trailer DV-9000". */
static void op_label(const form *f, char *out, size_t cap)
{
    char name[200];
    if (f->record_id[0]) {
        snprintf(out, cap, "Edit %s%s%s", formview_noun(f), f->name[0] ? " " : "", f->name);
        return;
    }
    name_from_values(f, name, sizeof name);
    snprintf(out, cap, "New %s%s%s", formview_noun(f), name[0] ? " " : "", name);
}

/* ------------------------------------------------------------------ drafts */

/* {"field":"value",...} of the fields that differ from the record (every non-empty one for a create). */
static char *changed_json(const form *f)
{
    api_json_obj *o = api_json_obj_new();
    for (int i = 0; i < f->spec->nfields; i++)
        if (form_field_changed(&f->v, i))
            api_json_add_str(o, f->spec->fields[i].name, f->v.cur[i] ? f->v.cur[i] : "");
    return api_json_obj_text(o);
}

static void fill_draft(form *f)
{
    char label[300];
    free(f->d.form_json);
    f->d.form_json = changed_json(f);
    free(f->d.recipient_label);
    if (f->record_id[0]) {
        f->d.recipient_label = xstrdup(f->name[0] ? f->name : formview_noun(f));
    } else {
        op_label(f, label, sizeof label);
        f->d.recipient_label = xstrdup(label);
    }
}

/* False when the disk did not take it: the values stay here and the idle hook tries again. */
static bool save_draft(app *a, form *f)
{
    fill_draft(f);
    char *err = NULL;
    f->draft_dirty = false;
    f->save_tried = time(NULL);
    if (draft_save(&f->d, &err) != 0) {
        if (!f->unsaved) /* once a streak: the header keeps saying it */
            app_set_message(a, SLOT_STATUS_ERROR, "Could not save the draft: %s. The form stays open until it can be.",
                            err ? err : "?");
        f->unsaved = true;
        free(err);
        return false;
    }
    if (f->unsaved)
        app_set_message(a, SLOT_STATUS_OK, "The draft is saved now.");
    f->unsaved = false;
    f->on_disk = true;
    return true;
}

/* Keeps the disk in step with the form: a draft while something differs, none otherwise. */
static void sync_draft(app *a, form *f)
{
    if (f->state != FORM_READY)
        return;
    if (form_changed_count(&f->v) > 0) {
        save_draft(a, f);
    } else {
        if ((f->on_disk || f->unsaved) && !f->sending)
            draft_remove(f->d.id);
        f->on_disk = f->on_disk && f->sending;
        f->unsaved = f->unsaved && f->sending;
        f->draft_dirty = false;
    }
}

static void apply_value(void *ud, const char *key, const char *value)
{
    form *f = ud;
    int i = form_field_index(f->spec, key);
    if (i >= 0)
        form_values_set(&f->v, i, value);
}

static void apply_json(form *f, const char *json)
{
    api_json_each_str(json, apply_value, f);
}

void formview_set_value(form *f, int field, const char *value)
{
    form_values_set(&f->v, field, value);
    free(f->server_err[field]);
    f->server_err[field] = NULL;
    if (f->status_local) { /* "Fill in Volume first" is stale once something changed */
        f->status[0] = '\0';
        f->status_local = false;
    }
    f->draft_dirty = true;
    f->confirm_resend = false;
}

/* ------------------------------------------------------------------ loading */

/* Values read from the API are shown on screen: sanitize them (keeping newlines in notes). */
static void sanitize_values(form *f)
{
    for (int i = 0; i < f->spec->nfields; i++) {
        bool multi = f->spec->fields[i].type == FT_TEXT;
        char **slots[2] = {&f->v.orig[i], &f->v.cur[i]};
        for (int k = 0; k < 2; k++) {
            if (!*slots[k])
                continue;
            char *clean = text_sanitize(*slots[k], strlen(*slots[k]), multi);
            free(*slots[k]);
            *slots[k] = clean;
        }
    }
}

static void on_loaded(void *ud, const api_reply *r)
{
    form_ticket *t = ud;
    form *f = t->f;
    app *a = t->a;
    free(t);
    if (!f)
        return; /* closed before the answer came */
    f->load_ticket = NULL;
    a->dirty |= DIRTY_ALL;
    if (r->status != API_OK) {
        f->state = FORM_LOAD_FAILED;
        set_status(f, SLOT_STATUS_ERROR, "Could not load the %s: %s", formview_noun(f), r->message);
        return;
    }
    char *err = NULL;
    if (form_values_from_record(&f->v, r->body, r->body_len, &err) != 0) {
        f->state = FORM_LOAD_FAILED;
        set_status(f, SLOT_STATUS_ERROR, "Could not read the %s: %s", formview_noun(f), err ? err : "?");
        free(err);
        return;
    }
    sanitize_values(f);
    name_from_values(f, f->name, sizeof f->name);
    f->state = FORM_READY;
    if (f->pending_json) {
        apply_json(f, f->pending_json);
        free(f->pending_json);
        f->pending_json = NULL;
        int n = form_changed_count(&f->v);
        if (n == 0)
            set_status(f, SLOT_STATUS_OK, "The %s already has the draft's values: nothing is left to save.",
                       formview_noun(f));
        else if (!f->status[0])
            set_status(f, SLOT_STATUS_MUTED, "Draft restored: %d change%s on top of the current record.", n,
                       n == 1 ? "" : "s");
        f->draft_dirty = true; /* the idle hook saves it again, or removes it when nothing differs */
    } else if (f->status_slot != SLOT_STATUS_ERROR) {
        f->status[0] = '\0';
    }
}

void formview_reload(app *a, form *f)
{
    if (!a->api || f->load_ticket || !f->record_id[0])
        return;
    form_ticket *t = xcalloc(1, sizeof *t);
    t->a = a;
    t->f = f;
    f->load_ticket = t;
    if (f->state == FORM_LOAD_FAILED)
        f->status[0] = '\0';
    f->state = FORM_LOADING;
    api_get_record(a->api, f->spec->resource, f->record_id, on_loaded, t);
}

/* ------------------------------------------------------------------ saving */

/* 422 paths name the field, maybe with a prefix ("body.status") or an index ("status.0"). */
static int field_of_path(const form *f, const char *path)
{
    char buf[128];
    const char *p = strncmp(path, "body.", 5) == 0 ? path + 5 : path;
    snprintf(buf, sizeof buf, "%s", p);
    char *dot = strchr(buf, '.');
    if (dot)
        *dot = '\0';
    return form_field_index(f->spec, buf);
}

static void on_accepted(app *a, const draft *d, const char *label, const write_result *r, const char *op_id)
{
    (void)d;
    (void)op_id;
    if (strcmp(r->op_status, "success") == 0)
        app_set_message(a, SLOT_STATUS_OK, "%s: saved and confirmed by the TSP; r reloads the list.", label);
    else
        app_set_message(a, SLOT_STATUS_OK, "%s: saved; the list updates when the TSP confirms.", label);
}

static void on_refused(void *owner, app *a, const write_result *r, const draft *d)
{
    form *f = owner;
    f->sending = false;
    char why[400];
    send_failure_text(r, why, sizeof why);
    free(f->d.last_error);
    f->d.last_error = xstrdup(d->last_error);
    f->d.maybe_sent = d->maybe_sent;
    int first = -1, unplaced = 0;
    for (int i = 0; i < r->nerrors; i++) {
        int k = field_of_path(f, r->errors[i].path);
        if (k < 0) {
            unplaced++;
            continue;
        }
        free(f->server_err[k]);
        f->server_err[k] = text_sanitize_str(r->errors[i].message);
        if (first < 0 || k < first)
            first = k;
    }
    bool saved = save_draft(a, f);
    const char *kept = saved ? "The draft is kept." : "The draft is NOT saved (the form stays open).";
    switch (r->kind) {
    case WR_INVALID:
        if (first >= 0) {
            f->cursor = first;
            set_status(f, SLOT_STATUS_ERROR, "Not saved: the API rejected %d field%s (marked ✗)%s%s. %s",
                       r->nerrors - unplaced, r->nerrors - unplaced == 1 ? "" : "s", unplaced ? "; also: " : "",
                       unplaced ? why : "", kept);
        } else {
            set_status(f, SLOT_STATUS_ERROR, "Not saved: %s. %s", why, kept);
        }
        break;
    case WR_TSP_FAILED:
        set_status(f, SLOT_STATUS_ERROR, "Not saved: %s. %s", why, kept);
        break;
    case WR_UNKNOWN:
        set_status(f, SLOT_STATUS_ERROR,
                   "%s Close the form (Esc keeps the draft) and look at the operations pane (o) before saving "
                   "again; Ctrl-X again saves anyway.",
                   r->message);
        break;
    default:
        set_status(f, SLOT_STATUS_ERROR, "%s %s", r->message, kept);
        break;
    }
}

static const send_hooks form_send = {on_accepted, on_refused, NULL};

unsigned formview_save(app *a, form *f)
{
    if (f->sending)
        return 0;
    if (f->state != FORM_READY) {
        set_status(f, SLOT_STATUS_WARN, "The %s is not loaded yet; nothing to save.", formview_noun(f));
        return DIRTY_LIST;
    }
    bool update = f->record_id[0] != '\0';
    if (form_changed_count(&f->v) == 0) {
        set_status(f, SLOT_STATUS_WARN, update ? "Nothing changed: there is nothing to save."
                                               : "The form is empty: fill in some fields first.");
        return DIRTY_LIST;
    }
    /* Local validation first, with the cursor on the first field that needs fixing. */
    for (int i = 0; i < f->spec->nfields; i++) {
        char err[300], warn[300];
        if (update && !form_field_changed(&f->v, i))
            continue;
        if (form_validate(&f->spec->fields[i], f->v.cur[i], err, sizeof err, warn, sizeof warn) != 0 ||
            formview_field_problem(f, a, i, err, sizeof err)) {
            f->cursor = i;
            set_status(f, SLOT_STATUS_ERROR, "Fix %s first: %s", f->spec->fields[i].label, err);
            f->status_local = true;
            return DIRTY_LIST;
        }
        if (!update && f->spec->fields[i].required_on_create && !*f->v.cur[i]) {
            f->cursor = i;
            set_status(f, SLOT_STATUS_ERROR, "Fill in %s first: a %s needs it.", f->spec->fields[i].label,
                       formview_noun(f));
            f->status_local = true;
            return DIRTY_LIST;
        }
    }
    if (f->d.maybe_sent && !f->confirm_resend) {
        f->confirm_resend = true;
        set_status(f, SLOT_STATUS_WARN,
                   "The last save may have gone through: check the operations pane (Esc, then o)%s. Ctrl-X again "
                   "saves anyway.",
                   update ? "" : " or the list (r reloads), or it may be created twice");
        return DIRTY_LIST;
    }
    if (!a->api) {
        set_status(f, SLOT_STATUS_ERROR, "Not connected; the draft is kept.");
        return DIRTY_LIST;
    }
    char *err = NULL;
    char *body = form_build_body(&f->v, f->conn_id, update, &err);
    if (!body) {
        set_status(f, SLOT_STATUS_ERROR, "Cannot save: %s", err ? err : "?");
        free(err);
        return DIRTY_LIST;
    }
    save_draft(a, f);
    char label[300];
    op_label(f, label, sizeof label);
    f->sending = true;
    f->confirm_resend = false;
    for (int i = 0; i < f->spec->nfields; i++) {
        free(f->server_err[i]);
        f->server_err[i] = NULL;
    }
    set_status(f, SLOT_STATUS_MUTED, "Saving%s…", f->d.sync ? " and waiting for the TSP" : "");
    send_request rq = {.resource = f->spec->resource, .record_id = update ? f->record_id : NULL, .body = body,
                       .d = &f->d, .label = label, .target_id = update ? f->d.form_record_id : NULL, .verb = "saved",
                       .hooks = &form_send, .owner = f, .slot = &f->send_ticket};
    send_start(a, &rq);
    free(body);
    return DIRTY_ALL;
}

/* What Esc would lose: "3 changes to the vehicle Truck 7". */
static void lost_text(const form *f, char *out, size_t cap)
{
    int n = form_changed_count(&f->v);
    char label[300];
    op_label(f, label, sizeof label);
    snprintf(out, cap, "%d change%s (%s)", n, n == 1 ? "" : "s", label);
}

void formview_lose(app *a, form *f)
{
    char what[400];
    lost_text(f, what, sizeof what);
    draft_guard_lose(a, f->d.id, what);
    app_overlay_remove(a, f);
}

/* Esc: the form goes; what was typed stays on disk when anything differs from the record. When
 * the disk does not take it, Esc asks first (ui/draft_guard.h) and the form stays meanwhile. */
void formview_close(app *a, form *f)
{
    if (f->state == FORM_READY && !f->sending) {
        int n = form_changed_count(&f->v);
        if (n > 0 && !save_draft(a, f)) {
            char what[400];
            lost_text(f, what, sizeof what);
            f->confirm_lose = true;
            draft_guard_ask(a, what, f->d.save_error);
            return;
        }
        if (n > 0) {
            app_set_message(a, SLOT_STATUS_MUTED, "Draft kept: %d unsaved change%s (D lists drafts).", n,
                            n == 1 ? "" : "s");
        } else if (f->on_disk) {
            draft_remove(f->d.id);
            f->on_disk = false;
        }
    } else if (f->sending) {
        if (f->draft_dirty)
            save_draft(a, f);
        app_set_message(a, SLOT_STATUS_MUTED, "Still saving; the draft is kept until the API accepts it.");
    } else if (f->on_disk) {
        app_set_message(a, SLOT_STATUS_MUTED, "Draft kept (D lists drafts).");
    }
    app_overlay_remove(a, f);
}

/* ------------------------------------------------------------------ overlay */

static void form_idle(void *state, app *a)
{
    form *f = state;
    if (f->draft_dirty || (f->unsaved && !f->sending && time(NULL) != f->save_tried))
        sync_draft(a, f);
}

static void form_destroy(void *state, app *a)
{
    form *f = state;
    (void)a;
    if (f->load_ticket)
        f->load_ticket->f = NULL;
    send_detach(f->send_ticket);
    for (int i = 0; i < f->spec->nfields; i++)
        free(f->server_err[i]);
    free(f->server_err);
    form_values_free(&f->v);
    free(f->pending_json);
    textedit_free(&f->edit);
    formview_pick_free(f);
    draft_release(f->d.id);
    draft_free(&f->d);
    free(f);
}

static const overlay_ops form_ops = {
    .name = "form",
    .draw = formview_draw,
    .keymap = &form_keymap,
    .command = formview_command,
    .key = formview_key,
    .keys_now = formview_keys_now,
    .destroy = form_destroy,
    .idle = form_idle,
};

static form *form_new(const form_spec *spec, const char *conn_id, const char *record_id)
{
    form *f = xcalloc(1, sizeof *f);
    f->spec = spec;
    form_values_init(&f->v, spec);
    f->server_err = xcalloc((size_t)spec->nfields, sizeof(char *));
    snprintf(f->conn_id, sizeof f->conn_id, "%s", conn_id ? conn_id : "");
    snprintf(f->record_id, sizeof f->record_id, "%s", record_id ? record_id : "");
    textedit_init(&f->edit, "", true);
    f->edit.max_bytes = 4096;
    f->d.kind = DRAFT_FORM;
    f->d.connection_id = xstrdup(f->conn_id);
    f->d.form_resource = xstrdup(spec->resource);
    f->d.form_record_id = record_id ? xstrdup(record_id) : NULL;
    f->state = record_id ? FORM_LOADING : FORM_READY;
    for (int i = 0; !record_id && i < spec->nfields; i++) {
        if (spec->fields[i].type != FT_DATETIME)
            continue;
        char now[40];
        forms_local_now(now, sizeof now); /* a new report is about now unless told otherwise */
        form_values_set(&f->v, i, now);
        f->v.orig[i] = xstrdup(now);
    }
    return f;
}

/* The forms' "now" is the console's clock (virtual in scripts). */
static int64_t app_wall_ms(void *ud)
{
    return loop_wall_ms(((app *)ud)->l);
}

void form_open(app *a, form_kind kind, const uuid *record_id)
{
    const form_spec *spec = form_spec_get(kind);
    char conn[UUID_STR_LEN], rid[UUID_STR_LEN];
    if (!spec)
        return;
    if (!app_connection_id(a, conn)) {
        app_set_message(a, SLOT_STATUS_WARN, "Choose a connection first (1, then Enter).");
        return;
    }
    if (record_id)
        uuid_format(record_id, rid);
    forms_set_clock(app_wall_ms, a);
    form *f = form_new(spec, conn, record_id ? rid : NULL);
    drafts_new_id(f->d.id);
    draft_claim(f->d.id, NULL); /* a new id: nobody else has it */
    app_overlay_push(a, &form_ops, f);
    if (record_id)
        formview_reload(a, f);
}

void form_open_draft(app *a, const draft *d)
{
    const form_spec *spec = form_spec_by_name(d->form_resource);
    uuid id;
    if (!spec || !d->connection_id || !uuid_parse(d->connection_id, &id) ||
        (d->form_record_id && !uuid_parse(d->form_record_id, &id))) {
        app_set_message(a, SLOT_STATUS_ERROR, "This draft names no valid %s; it cannot be reopened (x deletes it).",
                        spec ? "connection or record" : "record type");
        return;
    }
    forms_set_clock(app_wall_ms, a);
    char *err = NULL;
    if (draft_claim(d->id, &err) != 0) { /* open in another console: it would be saved twice */
        app_set_message(a, SLOT_STATUS_ERROR, "%s.", err);
        free(err);
        return;
    }
    form *f = form_new(spec, d->connection_id, d->form_record_id);
    snprintf(f->d.id, sizeof f->d.id, "%s", d->id);
    f->on_disk = true;
    f->d.sync = d->sync;
    f->d.maybe_sent = d->maybe_sent;
    f->d.last_error = d->last_error ? xstrdup(d->last_error) : NULL;
    f->d.recipient_label = d->recipient_label ? xstrdup(d->recipient_label) : NULL;
    if (d->form_record_id && d->recipient_label) {
        char *clean = text_sanitize_str(d->recipient_label);
        snprintf(f->name, sizeof f->name, "%s", clean);
        free(clean);
    }
    if (d->last_error) {
        char *clean = text_sanitize_str(d->last_error);
        set_status(f, SLOT_STATUS_ERROR, "Last attempt: %s%s", clean,
                   d->maybe_sent ? " (it may have gone through: check the operations pane)" : "");
        free(clean);
    }
    if (f->state == FORM_READY) {
        apply_json(f, d->form_json);
    } else {
        f->pending_json = d->form_json ? xstrdup(d->form_json) : NULL;
    }
    app_overlay_push(a, &form_ops, f);
    if (f->record_id[0])
        formview_reload(a, f);
}
