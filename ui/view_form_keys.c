/* Record forms: what keys do on a field row, while editing a field, and in the enum picker. A
 * field row only moves and runs the table's commands; Enter (or Space) starts editing a field,
 * Esc leaves it: keys never mean both a command and text. */
#include "common/strbuf.h"
#include "core/text.h"
#include "ui/keys.h"
#include "ui/overlay.h"
#include "ui/view_form_private.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const field_spec *cur_field(const form *f)
{
    return &f->spec->fields[f->cursor];
}

static void move_cursor(form *f, int delta)
{
    int c = f->cursor + delta;
    if (c >= f->spec->nfields)
        c = f->spec->nfields - 1;
    if (c < 0)
        c = 0;
    f->cursor = c;
}

/* ------------------------------------------------------------------ editing one field */

static void start_edit(form *f, const char *initial)
{
    textedit_set(&f->edit, initial);
    f->editing = true;
    f->edit_err[0] = '\0';
}

/* Enter: the typed value replaces the field's if it is valid; else the error shows and editing
 * goes on. Returns true when the value was taken. */
static bool commit_edit(form *f)
{
    const char *text = textedit_text(&f->edit);
    char warn[300];
    if (form_validate(cur_field(f), text, f->edit_err, sizeof f->edit_err, warn, sizeof warn) != 0)
        return false;
    if (strcmp(text, f->v.cur[f->cursor] ? f->v.cur[f->cursor] : "") != 0)
        formview_set_value(f, f->cursor, text);
    f->editing = false;
    f->edit_err[0] = '\0';
    return true;
}

/* Keys not in the field editor's table edit the text. */
static unsigned edit_key(form *f, int key)
{
    bool moved = false;
    if (textedit_key(&f->edit, key, 40, &moved)) {
        if (!moved)
            f->edit_err[0] = '\0';
        return DIRTY_LIST;
    }
    return 0;
}

/* ------------------------------------------------------------------ enum picker */

/* The picker starts unfiltered, on the value the field has (a list's values chosen). */
static void open_picker(form *f, app *a)
{
    formview_pick_fill(f, a);
    f->picking = true;
    f->pick_filter[0] = '\0';
    f->pick_sel = f->pick_top = 0;
    const char *cur = f->v.cur[f->cursor] ? f->v.cur[f->cursor] : "";
    for (int i = 0; i < f->pick_n; i++) {
        const char *v = f->pick_values[i];
        if (!f->pick_multi && strcasecmp(v, cur) == 0)
            f->pick_sel = i;
        for (const char *p = cur; f->pick_multi && *p; p += strspn(p, ", ")) { /* "a, b" */
            size_t n = strcspn(p, ", ");
            if (n == strlen(v) && strncasecmp(p, v, n) == 0)
                f->pick_on[i] = 1;
            p += n;
        }
    }
}

/* The choice under the cursor, or -1. */
static int pick_under(form *f)
{
    int *m = xcalloc((size_t)f->pick_n + 1, sizeof *m);
    int n = formview_pick_matches(f, m), at = n > 0 && f->pick_sel < n ? m[f->pick_sel] : -1;
    free(m);
    return at;
}

/* Enter: the value under the cursor becomes the field's; for a list, the values chosen (the one
 * under the cursor when none is). */
static void pick(form *f)
{
    int at = pick_under(f);
    strbuf sb = STRBUF_INIT;
    bool any = false;
    for (int i = 0; f->pick_multi && i < f->pick_n; i++)
        any |= f->pick_on[i] != 0;
    if (f->pick_multi && !any && at >= 0)
        f->pick_on[at] = 1;
    for (int i = 0; f->pick_multi && i < f->pick_n; i++)
        if (f->pick_on[i])
            strbuf_printf(&sb, "%s%s", sb.len ? ", " : "", f->pick_values[i]);
    if (!f->pick_multi && at >= 0)
        strbuf_puts(&sb, f->pick_values[at]);
    if (f->pick_multi || at >= 0) {
        if (strcmp(strbuf_cstr(&sb), f->v.cur[f->cursor] ? f->v.cur[f->cursor] : "") != 0)
            formview_set_value(f, f->cursor, strbuf_cstr(&sb));
        f->picking = false;
    }
    strbuf_free(&sb);
}

static void pick_move(form *f, int key)
{
    int *m = xcalloc((size_t)f->pick_n + 1, sizeof *m);
    int n = formview_pick_matches(f, m);
    long delta = 0;
    scroll_delta(key, 10, n, &delta);
    f->pick_sel = (int)scroll_apply((size_t)f->pick_sel, delta, n > 0 ? (size_t)n - 1 : 0);
    free(m);
}

/* Keys not in the picker's table filter it. */
static unsigned pick_key(form *f, int key)
{
    if (key == KEYS_FN + KEY_BACKSPACE)
        text_pop_char(f->pick_filter);
    else if (!keys_append(f->pick_filter, sizeof f->pick_filter, key))
        return 0;
    f->pick_sel = f->pick_top = 0;
    return DIRTY_LIST;
}

/* Space in a list's picker: choose or unchoose; elsewhere it filters (names have spaces). */
static unsigned pick_toggle(form *f, int key)
{
    int at = f->pick_multi ? pick_under(f) : -1;
    if (!f->pick_multi)
        return pick_key(f, key);
    if (at >= 0) {
        f->pick_on[at] ^= 1;
        pick_move(f, KEYS_FN + KEY_DOWN);
    }
    return DIRTY_LIST;
}

/* ------------------------------------------------------------------ field rows */

static void cycle_enum(form *f, int step)
{
    const field_spec *fs = cur_field(f);
    int total = 0, at = -1;
    const char *cur = f->v.cur[f->cursor] ? f->v.cur[f->cursor] : "";
    for (; fs->enum_values[total]; total++)
        if (strcasecmp(fs->enum_values[total], cur) == 0)
            at = total;
    if (!total)
        return;
    int next = at < 0 ? (step > 0 ? 0 : total - 1) : (at + step + total) % total;
    formview_set_value(f, f->cursor, fs->enum_values[next]);
}

static void toggle_bool(form *f)
{
    const char *cur = f->v.cur[f->cursor] ? f->v.cur[f->cursor] : "";
    bool on = strcasecmp(cur, "true") == 0 || strcasecmp(cur, "yes") == 0 || strcmp(cur, "1") == 0;
    formview_set_value(f, f->cursor, on ? "false" : "true");
}

/* Enter or Space: the editor that suits the field. */
static void activate(form *f, app *a)
{
    const field_spec *fs = cur_field(f);
    if (fs->count_of) {
        const field_spec *of = &f->spec->fields[form_field_index(f->spec, fs->count_of)];
        app_set_message(a, SLOT_STATUS_MUTED, "%s is counted from %s: choose those instead.", fs->label, of->label);
    } else if (fs->type == FT_BOOL) {
        toggle_bool(f);
    } else if (fs->enum_values || fs->type == FT_REF) {
        open_picker(f, a);
    } else {
        start_edit(f, f->v.cur[f->cursor] ? f->v.cur[f->cursor] : "");
    }
}

enum {
    FO_SAVE, FO_EDIT, FO_CLEAR, FO_UNDO, FO_SYNC, FO_CLOSE, FO_CYCLE, FO_MOVE,           /* field rows */
    FE_KEEP, FE_KEEP_MOVE, FE_KEEP_SAVE, FE_CANCEL,                                      /* a field edited */
    FP_PICK, FP_MOVE, FP_CLEAR, FP_CANCEL, FP_TOGGLE,                                    /* the picker */
};

static const overlay_key form_keys[] = {
    {"<C-x>", FO_SAVE, "Save: PATCH only what changed, or POST a new record", "save", 0},
    {"<Enter> <Space>", FO_EDIT, "Edit the field (Enter keeps, Esc leaves it); booleans toggle", "edit", 0},
    {"<Del> <Backspace>", FO_CLEAR, "Clear the field (sent as null)", "clear", 0},
    {"<C-r>", FO_UNDO, "Undo the change to this field", "undo", 0},
    {"<C-t>", FO_SYNC, "Async, or sync", "sync", 0},
    {"<Esc>", FO_CLOSE, "Close; a changed form is kept as a draft", "close", 0},
    {"<Left> <Right>", FO_CYCLE, "Cycle an enum's values or toggle a boolean", NULL, 0},
    {"j k <Down> <Up> <C-n> <C-p>", FO_MOVE, "Next or previous field", NULL, 0},
    {SCROLL_KEYS_PAGE, FO_MOVE, "A page of fields", NULL, 0},
    {SCROLL_KEYS_ENDS, FO_MOVE, "First or last field", NULL, 0},
};
const overlay_keymap form_keymap = OVERLAY_KEYMAP("form", form_keys);

static const overlay_key form_edit_keys[] = {
    {"<Enter> <Tab>", FE_KEEP, "Keep the value (when it is valid; else why shows)", "keep", 0},
    {"<Esc>", FE_CANCEL, "Leave the field as it was", "cancel", 0},
    {"<C-x>", FE_KEEP_SAVE, "Keep the value and save the form", "save", 0},
    {"<Up> <Down>", FE_KEEP_MOVE, "Keep the value and go to the previous or next field", NULL, 0},
};
const overlay_keymap form_edit_keymap = OVERLAY_KEYMAP("form, editing a field (other keys edit the text)",
                                                       form_edit_keys);

static const overlay_key form_pick_keys[] = {
    {"<Enter>", FP_PICK, "Take the value under the cursor (in a list: the values chosen)", "pick", 0},
    {"<Space>", FP_TOGGLE, "In a list of several (defects): choose or unchoose the value under the cursor", NULL, 0},
    {"<Up> <Down> <C-p> <C-n> " SCROLL_KEYS_PAGE " <Home> <End>", FP_MOVE, "Move in the values", "choose", 2},
    {"<Esc>", FP_CANCEL, "Leave the value as it was", "cancel", 0},
    {"<C-u>", FP_CLEAR, "Clear the filter (typing filters, Backspace erases)", "clear", 0},
};
const overlay_keymap form_pick_keymap = OVERLAY_KEYMAP("form's value picker (typing filters it)", form_pick_keys);

/* The table in force: the picker's, the field editor's, or the field rows'. */
const overlay_keymap *formview_keys_now(const void *state)
{
    const form *f = state;
    return f->picking ? &form_pick_keymap : f->editing ? &form_edit_keymap : &form_keymap;
}

/* The field editor's and the picker's commands. */
static unsigned mode_command(app *a, form *f, int cmd, int key)
{
    switch (cmd) {
    case FE_KEEP:
        commit_edit(f);
        return DIRTY_LIST;
    case FE_KEEP_MOVE:
        if (commit_edit(f))
            move_cursor(f, key == KEYS_FN + KEY_UP ? -1 : 1);
        return DIRTY_LIST;
    case FE_KEEP_SAVE:
        if (commit_edit(f))
            return formview_save(a, f);
        return DIRTY_LIST;
    case FE_CANCEL:
        f->editing = false;
        f->edit_err[0] = '\0';
        return DIRTY_LIST;
    case FP_PICK:
        pick(f);
        return DIRTY_LIST;
    case FP_MOVE:
        pick_move(f, key);
        return DIRTY_LIST;
    case FP_CLEAR:
        f->pick_filter[0] = '\0';
        f->pick_sel = f->pick_top = 0;
        return DIRTY_LIST;
    case FP_CANCEL:
        f->picking = false;
        return DIRTY_LIST;
    case FP_TOGGLE:
        return pick_toggle(f, key);
    default:
        return 0;
    }
}

/* A notice from an earlier key goes with the next one (the hint line shows again). */
static void clear_notice(app *a)
{
    if (a->message[0]) {
        a->message[0] = '\0';
        a->dirty |= DIRTY_MESSAGE;
    }
}

unsigned formview_command(void *state, app *a, int cmd, int key)
{
    form *f = state;
    clear_notice(a);
    if (cmd >= FE_KEEP)
        return mode_command(a, f, cmd, key);
    if (cmd == FO_CLOSE) {
        formview_close(a, f);
        return DIRTY_ALL;
    }
    if (f->state != FORM_READY)
        return 0;
    if (cmd == FO_MOVE) {
        long delta = 0;
        scroll_delta(key, f->page_fields > 1 ? f->page_fields - 1 : 1, f->spec->nfields, &delta);
        f->cursor = (int)scroll_apply((size_t)f->cursor, delta, (size_t)f->spec->nfields - 1);
        return DIRTY_LIST;
    }
    if (cmd == FO_SYNC) {
        f->d.sync = !f->d.sync;
        f->draft_dirty = true;
        return DIRTY_LIST;
    }
    if (f->sending)
        return 0; /* values are frozen while they are on their way */
    const field_spec *fs = cur_field(f);
    switch (cmd) {
    case FO_SAVE:
        return formview_save(a, f);
    case FO_EDIT:
        activate(f, a);
        return DIRTY_LIST | DIRTY_MESSAGE;
    case FO_CYCLE:
        if (fs->type == FT_BOOL)
            toggle_bool(f);
        else if (fs->type == FT_ENUM && fs->enum_values)
            cycle_enum(f, key == KEYS_FN + KEY_RIGHT ? 1 : -1);
        else
            return 0;
        return DIRTY_LIST;
    case FO_CLEAR:
        if (fs->count_of)
            return 0;
        if (f->v.cur[f->cursor] && *f->v.cur[f->cursor])
            formview_set_value(f, f->cursor, "");
        return DIRTY_LIST;
    case FO_UNDO:
        if (form_field_changed(&f->v, f->cursor))
            formview_set_value(f, f->cursor, f->v.orig[f->cursor] ? f->v.orig[f->cursor] : "");
        return DIRTY_LIST;
    default:
        return 0;
    }
}

/* Keys not in the table: the picker's and the field editor's. On a field row nothing else edits:
 * a letter there is most likely meant for a list (n, G, /), and must not become the value. */
unsigned formview_key(void *state, app *a, int key)
{
    form *f = state;
    if (f->picking)
        return pick_key(f, key);
    if (f->editing)
        return edit_key(f, key);
    clear_notice(a);
    if (f->state == FORM_LOAD_FAILED && key == 'r') {
        formview_reload(a, f);
        return DIRTY_ALL;
    }
    char name[32];
    keys_name(key, name, sizeof name);
    app_set_message(a, SLOT_STATUS_MUTED, "%s does not edit here: Enter edits the field, Esc leaves it; ? shows the keys.",
                    name);
    return DIRTY_MESSAGE;
}
