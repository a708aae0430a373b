/* Record forms (vehicle, trailer, driver): state shared by ui/view_form.c (opening, loading,
 * drafts, saving), ui/view_form_keys.c (keys) and ui/view_form_draw.c (drawing). Private to
 * these three files. */
#ifndef CATENA_UI_VIEW_FORM_PRIVATE_H
#define CATENA_UI_VIEW_FORM_PRIVATE_H

#include "core/drafts.h"
#include "core/forms.h"
#include "ui/app.h"
#include "ui/textedit.h"

#include <stdbool.h>
#include <time.h>

typedef struct form_ticket form_ticket;
typedef struct send_ticket send_ticket;

typedef enum { FORM_LOADING, FORM_LOAD_FAILED, FORM_READY } form_state;

typedef struct form {
    const form_spec *spec;
    form_values v;
    form_state state;
    char conn_id[UUID_STR_LEN];
    char record_id[UUID_STR_LEN];        /* "" for a create */
    char name[200];            /* the record's name as the API has it, for titles and labels */
    char *pending_json;        /* a draft's values, applied once the record is loaded */
    /* The draft on disk (DRAFT_FORM); d.id is fixed for the form's life. */
    draft d;
    bool on_disk;              /* a draft file with d.id exists */
    bool draft_dirty;          /* values changed since the last save to disk */
    bool unsaved;              /* the last save failed: the values are only here (and in core/drafts' memory) */
    bool confirm_lose;         /* Esc asked whether to close and lose them */
    time_t save_tried;         /* when the idle hook last tried again */
    /* Field cursor, and the first visible field. */
    int cursor, top;
    int page_fields;           /* fields the last frame showed (for PageDown) */
    /* Single-line editing of the current field. */
    bool editing;
    textedit edit;
    char edit_err[300];
    /* Picker for the current field: an enum's values, a list's (several chosen), or the records of
     * the connection a reference may name. labels[i] is shown and filtered, values[i] is kept. */
    bool picking;
    bool pick_multi;
    char pick_filter[64];
    int pick_sel, pick_top;
    int pick_n;
    char **pick_labels, **pick_values;
    unsigned char *pick_on; /* chosen, for a list */
    /* What the API said about each field (422), NULL when nothing. */
    char **server_err;
    /* Requests in flight; tickets outlive the form. */
    form_ticket *load_ticket;
    send_ticket *send_ticket; /* ui/send.c */
    bool sending;
    bool confirm_resend;       /* the last save may have gone: Ctrl-X again sends anyway */
    char status[400];
    theme_slot status_slot;
    bool status_local;         /* the status is the form's own refusal to save: a change clears it */
} form;

/* The field's value as shown: sanitized, newlines as ↵ (caller frees). */
char *formview_display_value(const char *value);
/* Indices of the picker's choices matching its filter; returns their count. out has room for
 * pick_n. */
int formview_pick_matches(const form *f, int *out);
/* Fills the picker's choices for the current field (records from the app's store). */
void formview_pick_fill(form *f, app *a);
void formview_pick_free(form *f);
/* A reference's value as shown: the record's name on the form's connection, into buf. -1 when the
 * connection's list (loaded) does not have it (with why in buf), 1 while it is not loaded, 0. */
int formview_ref_name(const form *f, app *a, int field, char *buf, size_t cap);
/* Why field i cannot be sent as it is beyond its type (a reference to a record of another
 * connection), into buf; false when nothing. */
bool formview_field_problem(const form *f, app *a, int field, char *buf, size_t cap);
/* The form reports a safety-critical defect (a DVIR log with is_safety_critical). */
bool formview_safety_alert(const form *f);
/* "vehicle", "trailer" or "driver". */
const char *formview_noun(const form *f);

/* ui/view_form_draw.c */
void formview_draw(void *state, app *a, int top, int height, int width);

/* ui/view_form_keys.c: the table's commands (ui/overlay.h), and every other key. */
unsigned formview_command(void *state, app *a, int cmd, int key);
unsigned formview_key(void *state, app *a, int key);
const struct overlay_keymap *formview_keys_now(const void *state);

/* ui/view_form.c: actions the keys trigger. */
void formview_set_value(form *f, int field, const char *value);
unsigned formview_save(app *a, form *f);
void formview_close(app *a, form *f);
/* y to "close and lose": the form goes with its unsaved values. */
void formview_lose(app *a, form *f);
void formview_reload(app *a, form *f);

#endif
