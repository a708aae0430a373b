/* Record forms: drawing. One row per field (label, value, a * when changed, and the field's
 * error or warning to the right, or below it on narrow screens); the enum picker in place of
 * the rows; a line about the current field and the form's status at the bottom. Only what is
 * visible is drawn. */
#include "common/strbuf.h"
#include "core/text.h"
#include "ui/view_form_private.h"
#include "ui/wrap.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WIDE 60 /* from this width the messages go right of the values */

static void put(int y, int x, int w, int width, theme_slot slot, const char *text)
{
    if (x >= width)
        return;
    if (x + w > width)
        w = width - x;
    draw_text_at(y, x, w, slot, text);
}

/* Word-wrapped text in at most maxlines lines from y, a column in; the last line takes the rest
 * (cut with …). Returns the lines used. */
static int put_wrapped(int y, int width, int maxlines, theme_slot slot, const char *text)
{
    int used = 0;
    text_wrap w;
    wrap_init(&w, text, width - 1);
    const char *p;
    size_t n;
    while (*text && used < maxlines && wrap_next(&w, &p, &n)) {
        char line[1024];
        if (used + 1 == maxlines || n >= sizeof line)
            snprintf(line, sizeof line, " %s", p);
        else
            snprintf(line, sizeof line, " %.*s", (int)n, p);
        draw_text_at(y + used++, 0, width, slot, line);
    }
    return used;
}

static int wrapped_lines(int width, const char *text, int maxlines)
{
    int n = *text ? wrap_count(text, width - 1) : 0;
    return n < maxlines ? n : maxlines;
}

/* The message that belongs next to field i: a server error, an edit or validation error, a warning. */
static const char *field_message(const form *f, app *a, int i, char *buf, size_t cap, theme_slot *slot)
{
    char err[300], warn[300];
    if (f->editing && i == f->cursor) {
        if (!f->edit_err[0])
            return NULL;
        snprintf(buf, cap, "✗ %s", f->edit_err);
        *slot = SLOT_STATUS_ERROR;
        return buf;
    }
    if (f->server_err[i]) {
        snprintf(buf, cap, "✗ %s", f->server_err[i]);
        *slot = SLOT_STATUS_ERROR;
        return buf;
    }
    if (form_validate(&f->spec->fields[i], f->v.cur[i], err, sizeof err, warn, sizeof warn) != 0) {
        snprintf(buf, cap, "✗ %s", err);
        *slot = SLOT_STATUS_ERROR;
        return buf;
    }
    if (formview_field_problem(f, a, i, err, sizeof err)) {
        snprintf(buf, cap, "✗ %s", err);
        *slot = SLOT_STATUS_ERROR;
        return buf;
    }
    if (warn[0]) {
        snprintf(buf, cap, "! %s", warn);
        *slot = SLOT_STATUS_WARN;
        return buf;
    }
    if (f->spec->fields[i].type == FT_ENUM_LIST && *f->v.cur[i] && formview_safety_alert(f)) {
        snprintf(buf, cap, "⚠ SAFETY-CRITICAL");
        *slot = SLOT_STATUS_ERROR;
        return buf;
    }
    return NULL;
}

static void type_help(const field_spec *fs, char *out, size_t cap)
{
    int n = 0;
    switch (fs->type) {
    case FT_INT:
        if (fs->count_of)
            snprintf(out, cap, "counted from %s", fs->count_of);
        else
            snprintf(out, cap, "whole number %ld–%ld", fs->min, fs->max);
        break;
    case FT_NUMBER:
        if (fs->min < fs->max)
            snprintf(out, cap, "number from %ld to %ld", fs->min, fs->max);
        else
            snprintf(out, cap, "number, 0 or more (e.g. 16.15)");
        break;
    case FT_BOOL: snprintf(out, cap, "yes or no; Space toggles"); break;
    case FT_ENUM:
        while (fs->enum_values && fs->enum_values[n])
            n++;
        snprintf(out, cap, "one of %d values; Enter picks, ←/→ cycle", n);
        break;
    case FT_COUNTRY3: snprintf(out, cap, "3-letter country code, e.g. USA"); break;
    case FT_VIN: snprintf(out, cap, "text; a standard 17-character VIN is checked"); break;
    case FT_DATE: snprintf(out, cap, "date as YYYY-MM-DD"); break;
    case FT_EMAIL: snprintf(out, cap, "email address"); break;
    case FT_TEXT: snprintf(out, cap, "text (notes)"); break;
    case FT_DATETIME: {
        char zone[16] = "";
        time_t now = time(NULL);
        struct tm tm;
        if (localtime_r(&now, &tm))
            strftime(zone, sizeof zone, "%Z", &tm);
        snprintf(out, cap, "YYYY-MM-DD HH:MM in your time zone (%s), or now; not in the future", zone);
        break;
    }
    case FT_ENUM_LIST:
        while (fs->enum_values && fs->enum_values[n])
            n++;
        snprintf(out, cap, "several of %d values; Enter picks (typing filters, Space chooses)", n);
        break;
    case FT_REF: snprintf(out, cap, "a record of this connection; Enter picks (typing filters)"); break;
    case FT_STRING:
    default: snprintf(out, cap, "text"); break;
    }
}

/* The line about the current field (or the picker's keys). */
static void detail_line(const form *f, app *a, char *out, size_t cap, theme_slot *slot)
{
    const field_spec *fs = &f->spec->fields[f->cursor];
    char help[120], msg[400];
    *slot = SLOT_STATUS_MUTED;
    /* The keys of the picker and of the field editor are on the hint line (their tables). */
    if (f->picking && f->pick_multi) {
        int chosen = 0;
        for (int i = 0; i < f->pick_n; i++)
            chosen += f->pick_on[i] != 0;
        snprintf(out, cap, " %s: type to filter; Space chooses, Enter takes the %d chosen", fs->label, chosen);
        return;
    }
    if (f->picking) {
        snprintf(out, cap, " %s: type to filter the %s", fs->label, fs->type == FT_REF ? "list" : "values");
        return;
    }
    if (f->editing && !f->edit_err[0]) {
        type_help(fs, help, sizeof help);
        snprintf(out, cap, " %s: %s", fs->label, help);
        return;
    }
    if (field_message(f, a, f->cursor, msg, sizeof msg, slot)) {
        snprintf(out, cap, " %s: %s", fs->label, msg);
        return;
    }
    type_help(fs, help, sizeof help);
    if (f->record_id[0] && form_field_changed(&f->v, f->cursor)) {
        char *was = formview_display_value(f->v.orig[f->cursor] ? f->v.orig[f->cursor] : "");
        snprintf(out, cap, " %s: %s · was: %s", fs->label, help, *was ? was : "(empty)");
        free(was);
    } else {
        snprintf(out, cap, " %s: %s", fs->label, help);
    }
}

static void draw_header(const form *f, int y, int width)
{
    char line[600], title[300];
    if (f->record_id[0])
        snprintf(title, sizeof title, "Edit %s%s%s", formview_noun(f), f->name[0] ? " · " : "", f->name);
    else
        snprintf(title, sizeof title, "New %s", formview_noun(f));
    int changed = f->state == FORM_READY ? form_changed_count(&f->v) : 0;
    char extra[120] = "";
    if (changed)
        snprintf(extra, sizeof extra, " · %d changed", changed);
    bool alert = formview_safety_alert(f);
    snprintf(line, sizeof line, " %s%s%s · %s%s", alert ? "⚠ SAFETY-CRITICAL · " : "", title, extra,
             f->d.sync ? "sync" : "async", f->sending ? " · saving…" : "");
    draw_text_at(y, 0, width, alert ? SLOT_STATUS_ERROR : SLOT_HEADER, line);
}

/* ------------------------------------------------------------------ field rows */

typedef struct layout {
    int label_w, value_x, value_w, msg_x;
    bool wide;
} layout;

static layout make_layout(const form *f, int width)
{
    layout l;
    int maxlabel = 0;
    for (int i = 0; i < f->spec->nfields; i++) {
        int w = text_width(f->spec->fields[i].label);
        if (w > maxlabel)
            maxlabel = w;
    }
    l.wide = width >= WIDE;
    int cap = l.wide ? 20 : width >= 40 ? 14 : width / 3;
    l.label_w = maxlabel < cap ? maxlabel : cap;
    l.value_x = 3 + l.label_w + 1;
    if (l.wide) {
        int rest = width - l.value_x;
        l.value_w = rest / 2 < 16 ? 16 : rest / 2 > 40 ? 40 : rest / 2;
        l.msg_x = l.value_x + l.value_w + 1;
    } else {
        l.value_w = width - l.value_x;
        l.msg_x = 3;
    }
    if (l.value_w < 2)
        l.value_w = 2;
    return l;
}

static int field_lines(const form *f, app *a, const layout *l, int i)
{
    char buf[400];
    theme_slot s;
    return 1 + (!l->wide && field_message(f, a, i, buf, sizeof buf, &s) ? 1 : 0);
}

/* A field's value as shown (caller frees): a reference by its record's name, else the text. */
static char *shown_value(const form *f, app *a, int i)
{
    char name[256];
    if (f->spec->fields[i].type == FT_REF && f->v.cur[i] && *f->v.cur[i] &&
        formview_ref_name(f, a, i, name, sizeof name) == 0 && name[0])
        return text_sanitize_str(name);
    return formview_display_value(f->v.cur[i] ? f->v.cur[i] : "");
}

static int draw_field(form *f, app *a, const layout *l, int i, int y, int bottom, int width)
{
    const field_spec *fs = &f->spec->fields[i];
    bool cur = i == f->cursor;
    bool changed = form_field_changed(&f->v, i);
    char label[200], buf[400];
    theme_slot row = cur ? SLOT_CURSOR : SLOT_NORMAL;
    put(y, 0, 3, width, SLOT_NORMAL, "");
    if (changed)
        put(y, 1, 1, width, SLOT_MARKED, "*");
    snprintf(label, sizeof label, "%s", fs->label);
    put(y, 3, l->label_w, width, row, label);
    put(y, 3 + l->label_w, 1, width, row, "");
    if (cur && f->editing) {
        if (l->value_x < width)
            textedit_draw(&f->edit, y, l->value_x, 1, l->value_w, SLOT_NORMAL, true);
    } else {
        char *shown = shown_value(f, a, i);
        /* Safety-critical defects in the alert colour, with a marker for screens without colour. */
        bool alert = *shown && !cur && formview_safety_alert(f) &&
                     (fs->type == FT_ENUM_LIST || strcmp(fs->name, "is_safety_critical") == 0);
        if (alert) {
            char *marked = xmalloc(strlen(shown) + 8);
            sprintf(marked, "⚠ %s", shown);
            free(shown);
            shown = marked;
        }
        theme_slot vs = alert ? SLOT_STATUS_ERROR : *shown ? row : (cur ? row : SLOT_STATUS_MUTED);
        put(y, l->value_x, l->value_w, width, vs, *shown ? shown : "—");
        free(shown);
    }
    theme_slot ms = SLOT_NORMAL;
    const char *msg = field_message(f, a, i, buf, sizeof buf, &ms);
    if (l->wide) {
        put(y, l->value_x + l->value_w, 1, width, SLOT_NORMAL, "");
        put(y, l->msg_x, width - l->msg_x, width, msg ? ms : SLOT_NORMAL, msg ? msg : "");
        return 1;
    }
    if (!msg || y + 1 >= bottom)
        return 1;
    put(y + 1, 0, 3, width, SLOT_NORMAL, "");
    put(y + 1, 3, width - 3, width, ms, msg);
    return 2;
}

static void draw_fields(form *f, app *a, int y, int area, int width)
{
    layout l = make_layout(f, width);
    if (f->top > f->cursor)
        f->top = f->cursor;
    for (;;) {
        int used = 0;
        for (int i = f->top; i <= f->cursor; i++)
            used += field_lines(f, a, &l, i);
        if (used <= area || f->top >= f->cursor)
            break;
        f->top++;
    }
    /* No blank space below the last field while earlier ones are scrolled away. */
    while (f->top > 0) {
        int used = 0;
        for (int i = f->top - 1; i < f->spec->nfields && used <= area; i++)
            used += field_lines(f, a, &l, i);
        if (used > area)
            break;
        f->top--;
    }
    int bottom = y + area, i = f->top;
    f->page_fields = 0;
    while (y < bottom && i < f->spec->nfields) {
        y += draw_field(f, a, &l, i++, y, bottom, width);
        f->page_fields++;
    }
    while (y < bottom)
        draw_text_at(y++, 0, width, SLOT_NORMAL, "");
}

/* ------------------------------------------------------------------ picker */

static void draw_picker(form *f, int y, int area, int width)
{
    const field_spec *fs = &f->spec->fields[f->cursor];
    int total = f->pick_n;
    int *m = xcalloc((size_t)total + 1, sizeof *m);
    int n = formview_pick_matches(f, m);
    if (f->pick_sel >= n)
        f->pick_sel = n ? n - 1 : 0;
    char line[400];
    char *filter = text_sanitize_str(f->pick_filter);
    snprintf(line, sizeof line, " %s: %s%s  (%d of %d)", fs->label, f->pick_filter[0] ? "filter " : "type to filter",
             filter, n, total);
    free(filter);
    int bottom = y + area;
    draw_text_at(y++, 0, width, SLOT_PROMPT, line);
    int rows = bottom - y;
    if (rows > 0) {
        if (f->pick_sel < f->pick_top)
            f->pick_top = f->pick_sel;
        if (f->pick_sel >= f->pick_top + rows)
            f->pick_top = f->pick_sel - rows + 1;
    }
    const char *cur = f->v.cur[f->cursor] ? f->v.cur[f->cursor] : "";
    if (n == 0 && y < bottom)
        draw_text_at(y++, 0, width, SLOT_STATUS_MUTED,
                     total ? "   No value matches; Backspace edits the filter."
                           : "   The list is empty (not loaded yet?).");
    for (int k = f->pick_top; k < n && y < bottom; k++) {
        int i = m[k];
        char *label = text_sanitize_str(f->pick_labels[i]);
        if (f->pick_multi)
            snprintf(line, sizeof line, " [%s] %s", f->pick_on[i] ? "x" : " ", label);
        else
            snprintf(line, sizeof line, " %s %s", strcmp(f->pick_values[i], cur) == 0 ? "•" : " ", label);
        free(label);
        draw_text_at(y++, 0, width, k == f->pick_sel ? SLOT_CURSOR : SLOT_NORMAL, line);
    }
    while (y < bottom)
        draw_text_at(y++, 0, width, SLOT_NORMAL, "");
    free(m);
}

/* ------------------------------------------------------------------ the whole form */

void formview_draw(void *state, app *a, int top, int height, int width)
{
    form *f = state;
    if (height <= 0 || width <= 0)
        return;
    draw_header(f, top, width);
    int y = top + 1, bottom = top + height;
    if (y >= bottom)
        return;
    if (f->state != FORM_READY) {
        char line[200];
        if (f->state == FORM_LOADING)
            snprintf(line, sizeof line, "Loading %s…", formview_noun(f));
        else
            snprintf(line, sizeof line, "r retries · Esc closes%s", f->on_disk ? " (the draft is kept)" : "");
        int used = 0;
        if (bottom - y >= 3)
            draw_text_at(y + used++, 0, width, SLOT_NORMAL, "");
        if (f->state == FORM_LOAD_FAILED && f->status[0])
            used += put_wrapped(y + used, width, bottom - y - used - 1 > 0 ? bottom - y - used - 1 : 1, f->status_slot,
                                f->status);
        if (y + used < bottom) {
            char pad[210];
            snprintf(pad, sizeof pad, " %s", line);
            draw_text_at(y + used++, 0, width, SLOT_STATUS_MUTED, pad);
        }
        for (int r = y + used; r < bottom; r++)
            draw_text_at(r, 0, width, SLOT_NORMAL, "");
        return;
    }
    /* Footer: the current field's line, then the status (up to 2 lines), as room allows. */
    int area = bottom - y;
    int status_lines = f->status[0] ? wrapped_lines(width, f->status, 2) : 0;
    char dline[700];
    theme_slot dslot;
    detail_line(f, a, dline, sizeof dline, &dslot);
    int detail = area >= 5 ? 1 : 0;
    if (detail && area >= 14 && dslot != SLOT_STATUS_MUTED)
        detail = wrapped_lines(width, dline + 1, 2);
    if (area - detail - status_lines < 2)
        status_lines = area - detail - 2 > 0 ? area - detail - 2 : 0;
    if (f->status[0] && status_lines == 0 && area >= 3)
        status_lines = 1;
    int fields_area = area - detail - status_lines;
    if (fields_area < 1) {
        fields_area = 1;
        detail = 0;
        status_lines = area - 1;
    }
    if (f->picking)
        draw_picker(f, y, fields_area, width);
    else
        draw_fields(f, a, y, fields_area, width);
    y += fields_area;
    if (detail == 1)
        draw_text_at(y++, 0, width, dslot, dline);
    else if (detail > 1)
        y += put_wrapped(y, width, detail, dslot, dline + 1);
    if (status_lines > 0) {
        int used = put_wrapped(y, width, status_lines, f->status_slot, f->status);
        for (int r = used; r < status_lines; r++)
            draw_text_at(y + r, 0, width, SLOT_NORMAL, "");
    }
}
