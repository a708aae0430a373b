/* The canned replies picker, over the composer: the templates file (core/templates) as a list
 * filtered as you type, each filled for the recipient (driver's names from the drivers list, the
 * vehicle and place from the live locations, the dispatcher's name from the sender; a value the
 * console does not know reads "[vehicle?]"); Enter
 * hands the filled text to the composer, which inserts it where the cursor is, still editable. */
#include "ui/template_picker.h"

#include "common/strbuf.h"
#include "core/api_live.h"
#include "core/templates.h"
#include "core/text.h"
#include "ui/keys.h"
#include "ui/overlay.h"
#include "ui/wrap.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct picker {
    templates t;
    char *path;
    char **filled; /* each template filled for this recipient */
    size_t *visible, nvisible;
    size_t cursor, top;
    char filter[128];
    template_pick_fn insert;
    void *owner;
} picker;

static void refilter(picker *p)
{
    p->nvisible = 0;
    for (size_t i = 0; i < p->t.n; i++)
        if (!*p->filter || text_contains_ci(p->t.items[i].name, p->filter) || text_contains_ci(p->filled[i], p->filter))
            p->visible[p->nvisible++] = i;
    if (p->cursor >= p->nvisible)
        p->cursor = p->nvisible ? p->nvisible - 1 : 0;
}

static void picker_draw(void *state, app *a, int top, int height, int width)
{
    picker *p = state;
    (void)a;
    char line[1200], first[600];
    int y = top, bottom = top + height;
    snprintf(line, sizeof line, " Templates · %zu of %zu · filter: %s", p->nvisible, p->t.n, p->filter);
    draw_text_at(y++, 0, width, SLOT_HEADER, line);
    int list_h = (height - 2) / 2 > 3 ? (height - 2) / 2 : height - 2;
    if (p->cursor < p->top)
        p->top = p->cursor;
    if (list_h > 0 && p->cursor >= p->top + (size_t)list_h)
        p->top = p->cursor - (size_t)list_h + 1;
    for (int r = 0; r < list_h && y < bottom; r++, y++) {
        size_t i = p->top + (size_t)r;
        if (i >= p->nvisible) {
            draw_text_at(y, 0, width, SLOT_NORMAL, r == 0 ? "  No template matches the filter (Backspace)." : "");
            continue;
        }
        const char *text = p->filled[p->visible[i]];
        size_t n = strcspn(text, "\n");
        snprintf(first, sizeof first, "%.*s%s", (int)(n < 400 ? n : 400), text, text[n] ? " …" : "");
        char name[200];
        text_fit_pad(p->t.items[p->visible[i]].name, 24, true, name, sizeof name);
        snprintf(line, sizeof line, " %s  %s", name, first);
        draw_text_at(y, 0, width, i == p->cursor ? SLOT_CURSOR : SLOT_NORMAL, line);
    }
    if (y < bottom)
        draw_rule(y++, width);
    /* The selected template as it will be inserted. */
    const char *sel = p->cursor < p->nvisible ? p->filled[p->visible[p->cursor]] : "";
    text_wrap w;
    wrap_init(&w, sel, width - 2);
    const char *s;
    size_t n;
    while (y < bottom && wrap_next(&w, &s, &n)) {
        snprintf(line, sizeof line, " %.*s", (int)(n < sizeof line - 2 ? n : sizeof line - 2), s);
        draw_text_at(y++, 0, width, SLOT_STATUS_MUTED, line);
    }
    while (y < bottom)
        draw_text_at(y++, 0, width, SLOT_NORMAL, "");
}

enum { TP_INSERT, TP_CLOSE, TP_MOVE };

static const overlay_key picker_keys[] = {
    {"<Enter>", TP_INSERT, "Insert the template, filled for this driver (the text stays editable)", "inserts", 0},
    {"<Esc>", TP_CLOSE, "Back to the composer without a template", "back", 0},
    {"<Down> <Up> <PageDown> <PageUp>", TP_MOVE, "Next or previous template", NULL, 0},
};
const overlay_keymap template_picker_keymap = OVERLAY_KEYMAP("template picker (type to filter)", picker_keys);

static unsigned picker_command(void *state, app *a, int cmd, int key)
{
    picker *p = state;
    switch (cmd) {
    case TP_CLOSE:
        app_overlay_pop(a);
        return DIRTY_ALL;
    case TP_MOVE: {
        long delta = 0;
        scroll_delta(key, 5, (long)p->nvisible, &delta);
        p->cursor = scroll_apply(p->cursor, delta, p->nvisible ? p->nvisible - 1 : 0);
        return DIRTY_LIST;
    }
    case TP_INSERT: {
        if (p->cursor >= p->nvisible) {
            app_set_message(a, SLOT_STATUS_WARN, "No template matches the filter.");
            return DIRTY_MESSAGE;
        }
        size_t i = p->visible[p->cursor];
        char *text = xstrdup(p->filled[i]), *name = xstrdup(p->t.items[i].name);
        template_pick_fn insert = p->insert;
        void *owner = p->owner;
        app_overlay_pop(a); /* frees p; the composer is on top again */
        static const char *const names[] = {"first_name", "driver", "vehicle", "location", "dispatcher"};
        char missing[200] = "";
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
            char mark[40];
            snprintf(mark, sizeof mark, "[%s?]", names[k]);
            if (strstr(text, mark))
                snprintf(missing + strlen(missing), sizeof missing - strlen(missing), " %s", mark);
        }
        if (insert(owner, a, text))
            app_set_message(a, *missing ? SLOT_STATUS_WARN : SLOT_STATUS_MUTED, "Inserted \"%s\"%s%s.", name,
                            *missing ? "; not known, fill in:" : "", missing);
        else
            app_set_message(a, SLOT_STATUS_WARN, "The template does not fit in the message.");
        free(text);
        free(name);
        return DIRTY_ALL;
    }
    default:
        return 0;
    }
}

/* Typing filters the list. */
static unsigned picker_key(void *state, app *a, int key)
{
    picker *p = state;
    (void)a;
    if (key == KEYS_FN + KEY_BACKSPACE || key == 127 || key == KEY_CTRL('h')) {
        text_pop_char(p->filter);
    } else if (key == KEY_CTRL('u')) {
        p->filter[0] = '\0';
    } else if (!keys_append(p->filter, sizeof p->filter, key)) {
        return 0;
    }
    p->cursor = p->top = 0;
    refilter(p);
    return DIRTY_LIST;
}

static void picker_destroy(void *state, app *a)
{
    picker *p = state;
    (void)a;
    for (size_t i = 0; i < p->t.n; i++)
        free(p->filled[i]);
    free(p->filled);
    free(p->visible);
    free(p->path);
    templates_free(&p->t);
    free(p);
}

static const overlay_ops picker_ops = {
    .name = "template picker",
    .draw = picker_draw,
    .keymap = &template_picker_keymap,
    .command = picker_command,
    .key = picker_key,
    .destroy = picker_destroy,
};

/* The recipient's names from the drivers list of the connection, the vehicle and where it is from
 * the live locations (core/api_live) when they are loaded, the sender's name from the staff. */
static void find_values(app *a, const char *conn_id, const char *driver_id, const char *sender_id,
                        char *first, char *full, char *vehicle, char *location, char *dispatcher, size_t cap)
{
    first[0] = full[0] = vehicle[0] = location[0] = dispatcher[0] = '\0';
    long ci = app_connection_index(a, conn_id);
    uuid id;
    if (ci < 0)
        return;
    conn_tables *ct = store_conn_tables(&a->st, (size_t)ci);
    long i = driver_id && uuid_parse(driver_id, &id) ? table_find_id(&ct->drivers, &id) : -1;
    if (i >= 0) {
        const user_rec *u = table_row(&ct->drivers, (size_t)i);
        snprintf(first, cap, "%s", table_str(&ct->drivers, u->first_name));
        user_display_name(&ct->drivers, u, full, cap);
        const live_set *ls = ct->drivers.live;
        const live_loc *loc = ls ? live_find_driver(ls, &id) : NULL;
        if (loc) {
            snprintf(vehicle, cap, "%s", live_str(ls, loc->vehicle_name));
            snprintf(location, cap, "%s", live_str(ls, loc->place));
        }
    }
    i = sender_id && uuid_parse(sender_id, &id) ? table_find_id(&ct->staff, &id) : -1;
    if (i >= 0)
        user_display_name(&ct->staff, table_row(&ct->staff, (size_t)i), dispatcher, cap);
}

void template_picker_open(app *a, const char *conn_id, const char *driver_id, const char *sender_id,
                          template_pick_fn insert, void *owner)
{
    picker *p = xcalloc(1, sizeof *p);
    p->path = templates_default_path();
    char *err = NULL;
    if (!p->path || templates_load(&p->t, p->path, &err) != 0) {
        app_set_message(a, SLOT_STATUS_ERROR, "Templates: %s", err ? err : "no config directory (HOME is not set)");
        free(err);
        picker_destroy(p, a);
        return;
    }
    if (p->t.n == 0) {
        app_set_message(a, SLOT_STATUS_WARN, "No templates yet: write them in %s (examples: templates/templates).",
                        p->path);
        picker_destroy(p, a);
        return;
    }
    char first[200], full[200], vehicle[200], location[200], dispatcher[200];
    find_values(a, conn_id, driver_id, sender_id, first, full, vehicle, location, dispatcher, sizeof first);
    template_values v = {
        .first_name = first, .driver = full, .vehicle = vehicle, .location = location, .dispatcher = dispatcher};
    p->filled = xcalloc(p->t.n, sizeof *p->filled);
    p->visible = xcalloc(p->t.n, sizeof *p->visible);
    for (size_t i = 0; i < p->t.n; i++) {
        p->filled[i] = template_fill(p->t.items[i].text, &v);
        if (!p->filled[i])
            p->filled[i] = xstrdup(p->t.items[i].text); /* cannot happen: the file was checked */
    }
    p->insert = insert;
    p->owner = owner;
    refilter(p);
    app_overlay_push(a, &picker_ops, p);
}
