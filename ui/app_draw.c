/* Drawing of the console's frame: title with view tabs, the list area (lists, overlays and the
 * operations pane), the status line and the message line. */
#include "ui/app.h"

#include "common/strbuf.h"
#include "core/text.h"
#include "ui/overlay.h"
#include "ui/pane_ops.h"
#include "ui/wrap.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>


void draw_line(int y, theme_slot slot, const char *text)
{
    char buf[2048];
    text_fit_pad(text, COLS, true, buf, sizeof buf);
    attrset((attr_t)theme_attr(slot));
    mvaddstr(y, 0, buf);
    attrset(A_NORMAL);
}

/* Title: product, selected connection, and the view tabs on the right. When space is short the
 * other tabs go first, then the connection name is shortened; the current view always shows. */
void draw_text_at(int y, int x, int width, theme_slot slot, const char *text)
{
    char buf[2048];
    if (width <= 0)
        return;
    text_fit_pad(text, width, true, buf, sizeof buf);
    attrset((attr_t)theme_attr(slot));
    mvaddstr(y, x, buf);
    attrset(A_NORMAL);
}

void draw_rule(int y, int width)
{
    char buf[4 * 512 + 1];
    int n = width < 512 ? width : 512, o = 0;
    for (int i = 0; i < n; i++) {
        memcpy(buf + o, "─", 3);
        o += 3;
    }
    buf[o] = '\0';
    attrset((attr_t)theme_attr(SLOT_BORDER));
    mvaddstr(y, 0, buf);
    attrset(A_NORMAL);
}

static void draw_title(app *a)
{
    const char *conn = "";
    if (a->conn_sel >= 0 && (size_t)a->conn_sel < a->st.connections.count) {
        const connection_rec *c = table_row(&a->st.connections, (size_t)a->conn_sel);
        conn = table_str(&a->st.connections, c->description);
    }
    char tabs[8][48];
    int tabw[8], all = 0, n = view_registry_count < 8 ? view_registry_count : 8;
    for (int i = 0; i < n; i++) {
        snprintf(tabs[i], sizeof tabs[i], " %d %s ", i + 1, view_registry[i]->name);
        tabw[i] = text_width(tabs[i]);
        all += tabw[i];
    }
    const char *prefix = COLS >= 60 ? " Catena Dispatch" : " Catena";
    int left = text_width(prefix);
    bool show_all = COLS - all >= left + 3 + (*conn ? 12 : 0);
    int right = show_all ? all : ((a->noverlays > 0) ? 0 : tabw[a->current]);
    char line[1200], buf[1024];
    int room = COLS - right - left - 4;
    if (*conn && room > 3) {
        text_fit_pad(conn, room < text_width(conn) ? room : text_width(conn), false, buf, sizeof buf);
        snprintf(line, sizeof line, "%s │ %s", prefix, buf);
    } else {
        snprintf(line, sizeof line, "%s", prefix);
    }
    draw_line(0, SLOT_TITLE, line);
    int x = COLS - right;
    for (int i = 0; i < n; i++) {
        bool cur = i == a->current && !(a->noverlays > 0);
        if (!show_all && !cur)
            continue;
        if (x < 0 || x + tabw[i] > COLS)
            break;
        attrset((attr_t)theme_attr(cur ? SLOT_CURSOR : SLOT_TITLE_DIM));
        mvaddstr(0, x, tabs[i]);
        x += tabw[i];
    }
    attrset(A_NORMAL);
}

static void load_summary(const table *t, const char *noun, char *out, size_t cap)
{
    if (!t) {
        snprintf(out, cap, "%s: no connection", noun);
    } else if (t->state == LOAD_RUNNING) {
        if (t->total >= 0)
            snprintf(out, cap, "%s %zu/%ld loading…", noun, t->count, t->total);
        else
            snprintf(out, cap, "%s %zu loading…", noun, t->count);
    } else if (t->state == LOAD_FAILED) {
        snprintf(out, cap, "%s: load failed (%zu)", noun, t->count);
    } else if (t->state == LOAD_DONE) {
        snprintf(out, cap, "%zu %s", t->count, noun);
    } else {
        snprintf(out, cap, "%s: not loaded", noun);
    }
}

static void draw_status(app *a)
{
    char left[512], load[160], right[64];
    const char *auth_text = "not signed in";
    if (!a->connected)
        auth_text = a->startup_note[0] ? a->startup_note : "not connected";
    else if (auth_get_state(a->auth) == AUTH_OK)
        auth_text = "signed in";
    else if (auth_get_state(a->auth) == AUTH_FETCHING)
        auth_text = "signing in…";
    else if (auth_get_state(a->auth) == AUTH_FAILED)
        auth_text = "sign-in failed";
    view *v = &a->views[a->current];
    load_summary(app_view_table(a, a->current), v->ops->noun, load, sizeof load);
    if (v->filter[0] && listview_counting(v))
        snprintf(load + strlen(load), sizeof load - strlen(load), " (counting…)");
    else if (v->filter[0])
        snprintf(load + strlen(load), sizeof load - strlen(load), " (%zu matching)", v->nvisible);
    if (a->current == VIEW_DRIVERS && a->nmarked)
        snprintf(load + strlen(load), sizeof load - strlen(load), " · %zu marked", a->nmarked);
    snprintf(left, sizeof left, " %s │ %s │ %s", a->connected ? a->host : "—", auth_text, load);
    snprintf(right, sizeof right, "%s", app_typing(a) ? "F1 help " : "? help  q quit ");
    draw_line(a->rows - 2, SLOT_STATUS, left);
    int rw = text_width(right);
    if (text_width(left) + rw + 1 < COLS) {
        attrset((attr_t)theme_attr(SLOT_STATUS));
        mvaddstr(a->rows - 2, COLS - rw, right);
        attrset(A_NORMAL);
    }
}

static void draw_message(app *a)
{
    ui_overlay *o = app_overlay_top(a);
    if (!a->message[0] && o && app_overlay_keys(o)) {
        char hint[512];
        keymap_hint(app_overlay_keys(o), hint, sizeof hint);
        draw_line(a->rows - 1, SLOT_STATUS_MUTED, hint);
        return;
    }
    if (a->searching) {
        char buf[200];
        snprintf(buf, sizeof buf, "/%s", a->search);
        draw_line(a->rows - 1, SLOT_PROMPT, buf);
        return;
    }
    draw_line(a->rows - 1, a->message[0] ? a->message_slot : SLOT_NORMAL, a->message);
}

static void draw_list(app *a, int top, int height)
{
    view *v = &a->views[a->current];
    table *t = app_view_table(a, a->current);
    const char *empty = NULL;
    char note[320];
    if (!t) {
        empty = "Choose a connection first: press 1, move to it and press Enter.";
    } else {
        listview_sync(v, t);
        if (v->nvisible == 0) {
            if (!a->connected)
                snprintf(note, sizeof note, "%s", a->startup_note[0] ? a->startup_note : "Not connected.");
            else if (t->state == LOAD_FAILED)
                snprintf(note, sizeof note, "Could not load %s: %s  (r retries)", v->ops->noun,
                         t->error ? t->error : "");
            else if (t->state == LOAD_RUNNING || t->state == LOAD_IDLE)
                snprintf(note, sizeof note, "Loading %s…", v->ops->noun);
            else if (v->filter[0] && listview_counting(v))
                snprintf(note, sizeof note, "Searching %s…", v->ops->noun);
            else if (v->filter[0])
                snprintf(note, sizeof note, "No %s match \"%s\" (Esc clears the filter).", v->ops->noun, v->filter);
            else
                snprintf(note, sizeof note, "No %s on this connection.", v->ops->noun);
            empty = note;
        }
    }
    if (empty) {
        for (int y = top; y < top + height; y++) {
            move(y, 0);
            clrtoeol();
        }
        /* Word-wrapped under the title, so long errors stay readable on narrow screens. */
        attrset((attr_t)theme_attr(t && t->state == LOAD_FAILED ? SLOT_STATUS_ERROR : SLOT_STATUS_MUTED));
        int y = top + (height > 2 ? 1 : 0);
        text_wrap w;
        wrap_init(&w, empty, COLS - 2);
        const char *p;
        size_t n;
        while (y < top + height && COLS > 2 && wrap_next(&w, &p, &n))
            mvaddnstr(y++, 1, p, (int)n);
        attrset(A_NORMAL);
        return;
    }
    bool drivers = a->current == VIEW_DRIVERS;
    listview_draw(v, t, top, height, COLS, !a->pane_focus, drivers ? (a->marks ? a->marks : (const uint8_t *)"") : NULL,
                  drivers ? a->nmarks_cap : 0);
}

/* The area between the title and the status line: the top overlay or the current list, and the
 * operations pane below them when it is open. */
void app_draw_list_area(app *a, int top, int height)
{
    int pane = 0;
    if (a->pane_open && height >= 8) {
        pane = a->pane_height < 4 ? 4 : a->pane_height;
        if (pane > height - 4)
            pane = height - 4;
        ops_pane_draw(a, top + height - pane, pane, COLS);
    }
    ui_overlay *o = app_overlay_top(a);
    if (o)
        o->ops->draw(o->state, a, top, height - pane, COLS);
    else
        draw_list(a, top, height - pane);
}

void app_draw(app *a)
{
    if (!a->dirty)
        return;
    /* Views whose table grew since the last frame must refilter before the status line counts. */
    table *t = app_view_table(a, a->current);
    if (t)
        listview_sync(&a->views[a->current], t);
    if (a->dirty & DIRTY_CLEAR)
        clearok(curscr, TRUE);
    if (a->rows < 5 || a->cols < 20) {
        erase();
        attrset((attr_t)theme_attr(SLOT_STATUS_WARN));
        mvaddnstr(0, 0, "Terminal too small", COLS);
        if (LINES > 1)
            mvaddnstr(1, 0, "need 20x5", COLS);
        attrset(A_NORMAL);
    } else {
        if (a->dirty & DIRTY_TITLE)
            draw_title(a);
        if (a->dirty & DIRTY_LIST)
            app_draw_list_area(a, 1, a->rows - 3);
        if (a->dirty & DIRTY_STATUS)
            draw_status(a);
        if (a->dirty & (DIRTY_MESSAGE | DIRTY_STATUS))
            draw_message(a);
    }
    a->dirty = 0;
    if (a->bell_pending) {
        a->bell_pending = false;
        if (a->cfg->flash_on_failure)
            flash();
        else
            beep();
    }
    refresh();
}
