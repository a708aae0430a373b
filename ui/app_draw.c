/* Drawing of the console's frame: title with view tabs, the list area (lists, overlays and the
 * operations pane), the status line and the message line. */
#include "ui/app.h"

#include "common/strbuf.h"
#include "core/text.h"
#include "ui/screen.h"
#include "ui/keys.h"
#include "ui/overlay.h"
#include "ui/pane_ops.h"
#include "ui/view_inbox.h"
#include "ui/wrap.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>


void draw_line(int y, theme_slot slot, const char *text)
{
    char buf[2048];
    text_fit_pad(text, COLS, true, buf, sizeof buf);
    attrset((attr_t)theme_attr(slot));
    screen_put(y, 0, buf);
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
    screen_put(y, x, buf);
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
    screen_put(y, 0, buf);
    attrset(A_NORMAL);
}

static void draw_title(app *a)
{
    const char *conn = "";
    if (a->conn_sel >= 0 && (size_t)a->conn_sel < a->st.connections.count) {
        const connection_rec *c = table_row(&a->st.connections, (size_t)a->conn_sel);
        conn = table_str(&a->st.connections, c->description);
    }
    char tabs[APP_MAX_VIEWS][48];
    int tabw[APP_MAX_VIEWS], all = 0, n = view_registry_count < APP_MAX_VIEWS ? view_registry_count : APP_MAX_VIEWS;
    const char *prefix = COLS >= 60 ? " Catena Dispatch" : " Catena";
    int left = text_width(prefix);
    int conn_w = *conn ? text_width(conn) : 0; /* the fleet's name is worth more than the other tabs */
    int conn_room = conn_w < 30 ? conn_w : 30;
    /* Every tab with its name; when they do not fit, the others by their number only (short
     * labels: all stay visible at 80 columns however many lists there are); else the current one. */
    for (int pass = 0; pass < (a->noverlays ? 1 : 2); pass++) { /* under an overlay: names or nothing */
        all = 0;
        for (int i = 0; i < n; i++) {
            const view_ops *vo = view_registry[i];
            bool named = pass == 0 || (i == a->current && !a->noverlays);
            size_t badge = vo->badge ? vo->badge(a) : 0; /* " i Inbox 3 ": unread messages */
            char key[8], count[24] = "";
            if (vo->tab_key)
                snprintf(key, sizeof key, "%s", vo->tab_key);
            else
                snprintf(key, sizeof key, "%d", i + 1);
            if (badge)
                snprintf(count, sizeof count, " %zu", badge);
            if (named)
                snprintf(tabs[i], sizeof tabs[i], " %s %s%s ", key, vo->name, count);
            else
                snprintf(tabs[i], sizeof tabs[i], " %s%s ", key, count);
            tabw[i] = text_width(tabs[i]);
            all += tabw[i];
        }
        if (COLS - all >= left + 3 + conn_room)
            break;
    }
    bool show_all = COLS - all >= left + 3 + conn_room;
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
    memset(a->tab_w, 0, sizeof a->tab_w);
    for (int i = 0; i < n; i++) {
        bool cur = i == a->current && !(a->noverlays > 0);
        if (!show_all && !cur)
            continue;
        if (x < 0 || x + tabw[i] > COLS)
            break;
        a->tab_x[i] = x; /* for a click on it */
        a->tab_w[i] = tabw[i];
        attrset((attr_t)theme_attr(cur ? SLOT_CURSOR : SLOT_TITLE_DIM));
        screen_put(0, x, tabs[i]);
        x += tabw[i];
    }
    attrset(A_NORMAL);
}

/* "1 connection", "27 drivers": the view's noun is plural; one row drops its final s. */
static void count_noun(size_t n, const char *noun, char *out, size_t cap)
{
    size_t len = strlen(noun);
    if (n == 1 && len > 1 && noun[len - 1] == 's')
        snprintf(out, cap, "1 %.*s", (int)(len - 1), noun);
    else
        snprintf(out, cap, "%zu %s", n, noun); /* plain: scripts and the benchmark read it */
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
    } else if (t->state == LOAD_FAILED && t->count == 0) {
        snprintf(out, cap, "%s: not loaded", noun);
    } else if (t->state == LOAD_FAILED) {
        count_noun(t->count, noun, out, cap);
        snprintf(out + strlen(out), cap - strlen(out), ", stale");
    } else if (t->state == LOAD_DONE) {
        count_noun(t->count, noun, out, cap);
    } else {
        snprintf(out, cap, "%s: not loaded", noun);
    }
}

static void wall_hm(app *a, int64_t app_ms, char out[8])
{
    /* The app clock's offset to the wall clock turns an app time into a time of day. */
    time_t t = (time_t)((loop_wall_ms(a->l) - (loop_now_ms(a->l) - app_ms)) / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, 8, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

/* n with thousands separators: 100000 -> "100,000". */
static void thousands(size_t n, char *out, size_t cap)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%zu", n), o = 0;
    for (int i = 0; i < len && (size_t)o + 2 < cap; i++) {
        if (i && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

static void draw_status(app *a)
{
    char left[512], load[200], right[64], offline[40];
    const char *auth_text = "not signed in";
    int64_t since;
    if (!a->connected)
        auth_text = a->startup_note[0] ? a->startup_note : "not connected";
    else if (app_offline(a, &since)) {
        char hm[8];
        wall_hm(a, since, hm);
        snprintf(offline, sizeof offline, "OFFLINE since %s", hm);
        auth_text = offline;
    } else if (auth_get_state(a->auth) == AUTH_OK)
        auth_text = "signed in";
    else if (auth_get_state(a->auth) == AUTH_FETCHING)
        auth_text = "signing in…";
    else if (auth_get_state(a->auth) == AUTH_FAILED)
        auth_text = "sign-in failed";
    view *v = &a->views[a->current];
    if (v->ops->summary)
        v->ops->summary(v, a, load, sizeof load);
    else
        load_summary(app_view_table(a, a->current), v->ops->noun, load, sizeof load);
    if (!v->ops->summary && inbox_ui_unread(a))
        snprintf(load + strlen(load), sizeof load - strlen(load), " · ✉ %zu unread", inbox_ui_unread(a));
    if (v->filter[0] && listview_counting(v))
        snprintf(load + strlen(load), sizeof load - strlen(load), " (counting…)");
    else if (v->filter[0])
        snprintf(load + strlen(load), sizeof load - strlen(load), " (%zu matching)", v->nvisible);
    if (a->current == VIEW_DRIVERS && a->nmarked)
        snprintf(load + strlen(load), sizeof load - strlen(load), " · %zu marked", a->nmarked);
    if (app_table_reloading(a, app_view_table(a, a->current))) /* the rows shown stay until it succeeds */
        snprintf(load + strlen(load), sizeof load - strlen(load), " · reloading…");
    snprintf(left, sizeof left, " %s │ %s │ %s", a->connected ? a->host : "—", auth_text, load);
    char pos[64] = "", at[24], of[24];
    if (!a->noverlays && !a->pane_focus && v->nvisible) { /* where the cursor is: "1,042 of 100,000" */
        thousands(v->cursor + 1, at, sizeof at);
        thousands(v->nvisible, of, sizeof of);
        snprintf(pos, sizeof pos, "%s of %s │ ", at, of);
    }
    snprintf(right, sizeof right, "%s%s", pos, app_typing(a) ? "F1 help " : "? help  q quit ");
    draw_line(a->rows - 2, a->connected && auth_text == offline ? SLOT_STATUS_WARN : SLOT_STATUS, left);
    int rw = text_width(right);
    if (text_width(left) + rw + 1 < COLS) {
        attrset((attr_t)theme_attr(SLOT_STATUS));
        screen_put(a->rows - 2, COLS - rw, right);
        attrset(A_NORMAL);
    }
}

/* The lists' hint line (issue 12, friction 7): the keys that matter in this list and work now,
 * as the overlays have theirs. Enter's word depends on the list. */
static void list_hint(app *a, char *out, size_t cap)
{
    static const struct {
        action_id act;
        const char *word;
    } hints[] = {
        {ACT_OPEN, NULL},         {ACT_MESSAGE, "message"}, {ACT_MARK, "mark"},    {ACT_GROUP_MESSAGE, "group"},
        {ACT_EDIT, "edit"},       {ACT_CREATE, "new"},      {ACT_SEARCH, "filter"}, {ACT_OPS_PANE, "ops"},
    }; /* ? help is on the status line */
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++) {
        const action_info *ai = action_get(hints[i].act);
        if (ai->disabled && ai->disabled(a))
            continue;
        const char *word = hints[i].word;
        if (!word) /* Enter */
            word = a->current == VIEW_CONNECTIONS ? "drivers" : a->current == VIEW_DRIVERS ? "conversation" : "edit";
        if (hints[i].act == ACT_EDIT && a->current != VIEW_DRIVERS)
            continue; /* Enter edits there already */
        const char *keys = ai->keys;
        int key = keys_list_next(&keys);
        char name[32];
        keys_hint_name(key, name, sizeof name);
        n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s %s", n ? " · " : " ", name, word);
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
    const overlay_keymap *vk = a->views[a->current].ops->keymap;
    if (!a->message[0] && !o) {
        char hint[512];
        if (vk)
            keymap_hint(vk, hint, sizeof hint);
        else
            list_hint(a, hint, sizeof hint);
        draw_line(a->rows - 1, SLOT_STATUS_MUTED, hint);
        return;
    }
    draw_line(a->rows - 1, a->message[0] ? a->message_slot : SLOT_NORMAL, a->message);
}

static void draw_list(app *a, int top, int height)
{
    view *v = &a->views[a->current];
    if (v->ops->draw) {
        v->ops->draw(v, a, top, height);
        return;
    }
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
                snprintf(note, sizeof note, "Could not load %s: %s\n\nPress r to try again.", v->ops->noun,
                         t->error ? t->error : "");
            else if (t->state == LOAD_RUNNING || t->state == LOAD_IDLE)
                snprintf(note, sizeof note, "Loading %s…", v->ops->noun);
            else if (v->filter[0] && listview_counting(v))
                snprintf(note, sizeof note, "Searching %s…", v->ops->noun);
            else if (v->filter[0])
                snprintf(note, sizeof note, "No %s match \"%s\" (Esc clears the filter).", v->ops->noun, v->filter);
            else if (a->current == VIEW_CONNECTIONS)
                snprintf(note, sizeof note, "No connections: these credentials see none.");
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
            screen_putn(y++, 1, p, n);
        attrset(A_NORMAL);
        return;
    }
    bool drivers = a->current == VIEW_DRIVERS;
    listview_draw(v, t, top, height, COLS, !a->pane_focus, drivers ? (a->marks ? a->marks : (const uint8_t *)"") : NULL,
                  drivers ? a->nmarks_cap : 0);
}

/* The area between the title and the status line: the top overlay or the current list, and the
 * operations pane below them when it is open. */
int app_pane_rows(const app *a, int height)
{
    if (!a->pane_open || height < 8)
        return 0;
    int pane = a->pane_height < 4 ? 4 : a->pane_height;
    if (a->rows < APP_PANE_YIELD_ROWS && pane > height / 3)
        pane = height / 3 < 3 ? 3 : height / 3; /* a small terminal: the list keeps most rows */
    if (pane > height - 4)
        pane = height - 4;
    return pane;
}

void app_draw_list_area(app *a, int top, int height)
{
    int pane = app_pane_rows(a, height);
    if (pane)
        ops_pane_draw(a, top + height - pane, pane, COLS);
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
    app_sort_again(a); /* a sorted list whose rows changed (a reload, a saved record) */
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
