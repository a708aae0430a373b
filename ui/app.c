#include "ui/app.h"

#include "common/strbuf.h"
#include "core/text.h"
#include "ui/keys.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

enum { VIEW_CONNECTIONS = 0, VIEW_DRIVERS = 1, VIEW_VEHICLES = 2, VIEW_TRAILERS = 3 };

app *app_new(const config *cfg, loop *l)
{
    app *a = xcalloc(1, sizeof *a);
    a->cfg = cfg;
    a->l = l;
    a->conn_sel = -1;
    store_init(&a->st);
    for (int i = 0; i < view_registry_count && i < APP_MAX_VIEWS; i++)
        a->views[i].ops = view_registry[i];
    a->dirty = DIRTY_ALL | DIRTY_CLEAR;
    a->rows = 24;
    a->cols = 80;
    return a;
}

void app_free(app *a)
{
    if (!a)
        return;
    api_free(a->api);
    auth_free(a->auth);
    http_client_free(a->http);
    for (int i = 0; i < APP_MAX_VIEWS; i++)
        listview_free(&a->views[i]);
    store_free(&a->st);
    free(a);
}

void app_set_message(app *a, theme_slot slot, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->message, sizeof a->message, fmt, ap);
    va_end(ap);
    a->message_slot = slot;
    a->dirty |= DIRTY_MESSAGE;
}

void app_set_startup_note(app *a, const char *note)
{
    snprintf(a->startup_note, sizeof a->startup_note, "%s", note ? note : "");
    a->dirty |= DIRTY_STATUS | DIRTY_LIST;
}

table *app_view_table(app *a, int vi)
{
    if (vi == VIEW_CONNECTIONS)
        return &a->st.connections;
    if (a->conn_sel < 0)
        return NULL;
    return store_table(&a->st, (size_t)a->conn_sel, a->views[vi].ops->kind);
}

static void on_table_progress(void *ud, table *t)
{
    app *a = ud;
    if (app_view_table(a, a->current) == t)
        a->dirty |= DIRTY_LIST;
    a->dirty |= DIRTY_STATUS;
}

static void on_table_done(void *ud, table *t)
{
    app *a = ud;
    on_table_progress(ud, t);
    if (t->state == LOAD_FAILED && t->error && strcmp(t->error, "cancelled") != 0)
        app_set_message(a, SLOT_STATUS_ERROR, "%s", t->error);
}

static void load_connection_tables(app *a, long ci)
{
    conn_tables *ct = store_conn_tables(&a->st, (size_t)ci);
    char id[UUID_STR_LEN];
    uuid_format(&ct->connection_id, id);
    static const struct {
        record_kind kind;
        const char *path;
    } lists[] = {
        {KIND_DRIVER, "/v2/telematics/users?is_driver=true&connection_id="},
        {KIND_VEHICLE, "/v2/telematics/vehicles?connection_id="},
        {KIND_TRAILER, "/v2/telematics/trailers?connection_id="},
    };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        table *t = store_table(&a->st, (size_t)ci, lists[i].kind);
        if (t->state == LOAD_RUNNING || t->state == LOAD_DONE)
            continue;
        char path[160];
        snprintf(path, sizeof path, "%s%s", lists[i].path, id);
        api_load_table(a->api, t, path, a->cfg->page_size, on_table_progress, on_table_done, a);
    }
}

static void select_connection(app *a, long ci)
{
    a->conn_sel = ci;
    load_connection_tables(a, ci);
    a->dirty |= DIRTY_ALL;
}

static void on_connections_done(void *ud, table *t)
{
    app *a = ud;
    on_table_done(ud, t);
    if (t->state != LOAD_DONE || t->count == 0)
        return;
    /* Allocate every connection's tables now, so that table addresses never move under a load. */
    store_conn_tables(&a->st, t->count - 1);
    if (a->conn_sel < 0 || (size_t)a->conn_sel >= t->count)
        select_connection(a, 0);
}

static void load_connections(app *a)
{
    api_load_table(a->api, &a->st.connections, "/v2/integrations/connections", a->cfg->page_size,
                   on_table_progress, on_connections_done, a);
}

void app_connect(app *a, const char *api_url, const char *auth_url, const char *client_id, const char *client_secret)
{
    a->http = http_client_new(a->l);
    a->auth = auth_new(a->l, a->http, auth_url, client_id, client_secret);
    a->api = api_new(a->l, a->http, a->auth, api_url);
    config_url_host(api_url, a->host, sizeof a->host);
    a->connected = true;
    a->startup_note[0] = '\0';
    a->dirty |= DIRTY_ALL;
    load_connections(a);
}

bool app_is_idle(const app *a)
{
    if (!a->connected && a->startup_note[0])
        return false;
    return (!a->api || api_in_flight(a->api) == 0) && a->dirty == 0;
}

void app_resize(app *a, int rows, int cols)
{
    a->rows = rows;
    a->cols = cols;
    a->dirty |= DIRTY_ALL | DIRTY_CLEAR;
}

/* ------------------------------------------------------------------ actions */

const char *action_needs_connection(const app *a)
{
    if (a->conn_sel < 0)
        return a->st.connections.count ? "choose a connection first (1, then Enter)"
                                       : "no connection is loaded yet";
    return NULL;
}

const char *action_needs_row(const app *a)
{
    const view *v = &a->views[a->current];
    return v->nvisible ? NULL : "the list is empty";
}

static int list_height(const app *a)
{
    int h = a->rows - 4; /* title, header, status, message */
    return h > 1 ? h : 1;
}

static unsigned switch_view(app *a, int vi)
{
    if (vi == a->current)
        return 0;
    a->current = vi;
    a->searching = false;
    return DIRTY_ALL;
}

static unsigned run_action(app *a, action_id act)
{
    const action_info *info = action_get(act);
    if (info->disabled) {
        const char *why = info->disabled(a);
        if (why) {
            app_set_message(a, SLOT_STATUS_WARN, "%s: %s", info->name, why);
            return DIRTY_MESSAGE;
        }
    }
    view *v = &a->views[a->current];
    int page = list_height(a);
    switch (act) {
    case ACT_QUIT:
        a->quit = true;
        return 0;
    case ACT_HELP:
        a->help_open = true;
        a->help_top = 0;
        return DIRTY_ALL;
    case ACT_REDRAW:
        return DIRTY_ALL | DIRTY_CLEAR;
    case ACT_VIEW_CONNECTIONS:
    case ACT_VIEW_DRIVERS:
    case ACT_VIEW_VEHICLES:
    case ACT_VIEW_TRAILERS:
        return switch_view(a, act - ACT_VIEW_CONNECTIONS);
    case ACT_NEXT_VIEW:
    case ACT_PREV_VIEW: {
        int n = view_registry_count, step = act == ACT_NEXT_VIEW ? 1 : n - 1;
        int vi = (a->current + step) % n;
        if (vi != VIEW_CONNECTIONS && a->conn_sel < 0)
            vi = VIEW_CONNECTIONS;
        return switch_view(a, vi);
    }
    case ACT_MOVE_DOWN:
        listview_move(v, 1, page);
        return DIRTY_LIST;
    case ACT_MOVE_UP:
        listview_move(v, -1, page);
        return DIRTY_LIST;
    case ACT_PAGE_DOWN:
        listview_move(v, page - 1, page);
        return DIRTY_LIST;
    case ACT_PAGE_UP:
        listview_move(v, -(page - 1), page);
        return DIRTY_LIST;
    case ACT_FIRST:
        listview_move(v, -(long)v->nvisible, page);
        return DIRTY_LIST;
    case ACT_LAST:
        listview_move(v, (long)v->nvisible, page);
        return DIRTY_LIST;
    case ACT_OPEN:
        if (a->current == VIEW_CONNECTIONS) {
            long row = listview_selected_row(v);
            select_connection(a, row);
            return switch_view(a, VIEW_DRIVERS) | DIRTY_ALL;
        }
        app_set_message(a, SLOT_STATUS_MUTED, "Nothing to open here yet.");
        return DIRTY_MESSAGE;
    case ACT_SEARCH:
        a->searching = true;
        snprintf(a->search, sizeof a->search, "%s", v->filter);
        return DIRTY_MESSAGE;
    case ACT_CLEAR_SEARCH:
        listview_set_filter(v, "");
        a->message[0] = '\0';
        return DIRTY_LIST | DIRTY_MESSAGE | DIRTY_STATUS;
    case ACT_RELOAD: {
        if (!a->api)
            return 0;
        table *t = app_view_table(a, a->current);
        if (!t || t->state == LOAD_RUNNING)
            return 0;
        if (a->current == VIEW_CONNECTIONS) {
            load_connections(a);
        } else {
            t->state = LOAD_IDLE;
            load_connection_tables(a, a->conn_sel);
        }
        app_set_message(a, SLOT_STATUS_MUTED, "Reloading %s…", v->ops->noun);
        return DIRTY_ALL;
    }
    default:
        return 0;
    }
}

static void utf8_pop(char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        n--;
        if (((unsigned char)s[n] & 0xC0) != 0x80)
            break;
    }
    s[n] = '\0';
}

static unsigned search_key(app *a, int key)
{
    view *v = &a->views[a->current];
    if (key == '\n') {
        a->searching = false;
        return DIRTY_MESSAGE | DIRTY_STATUS;
    }
    if (key == KEYS_ESC) {
        a->searching = false;
        listview_set_filter(v, "");
        return DIRTY_LIST | DIRTY_MESSAGE | DIRTY_STATUS;
    }
    if (key == KEYS_FN + KEY_BACKSPACE) {
        utf8_pop(a->search);
    } else if (key >= 32 && key < KEYS_FN && key != 127) {
        char mb[8];
        mbstate_t st;
        memset(&st, 0, sizeof st);
        size_t n = wcrtomb(mb, (wchar_t)key, &st);
        if (n != (size_t)-1 && strlen(a->search) + n < sizeof a->search)
            strncat(a->search, mb, n);
    } else {
        return 0;
    }
    listview_set_filter(v, a->search);
    return DIRTY_LIST | DIRTY_MESSAGE | DIRTY_STATUS;
}

unsigned app_handle_key(app *a, int key)
{
    unsigned d;
    if (key == KEYS_FN + KEY_RESIZE)
        return 0;
    if (a->searching) {
        d = search_key(a, key);
    } else if (a->help_open) {
        d = help_key(a, key);
    } else {
        if (a->message[0]) {
            a->message[0] = '\0';
            a->dirty |= DIRTY_MESSAGE;
        }
        action_id act = action_for_key(key);
        if (act == ACT_NONE) {
            char name[32];
            keys_name(key, name, sizeof name);
            app_set_message(a, SLOT_STATUS_MUTED, "%s does nothing here; ? shows the keys.", name);
            d = DIRTY_MESSAGE;
        } else {
            d = run_action(a, act);
        }
    }
    a->dirty |= d;
    return d;
}

/* ------------------------------------------------------------------ drawing */

static void draw_line(int y, theme_slot slot, const char *text)
{
    char buf[2048];
    text_fit_pad(text, COLS, true, buf, sizeof buf);
    attrset((attr_t)theme_attr(slot));
    mvaddstr(y, 0, buf);
    attrset(A_NORMAL);
}

/* Title: product, selected connection, and the view tabs on the right. When space is short the
 * other tabs go first, then the connection name is shortened; the current view always shows. */
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
    int right = show_all ? all : (a->help_open ? 0 : tabw[a->current]);
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
        bool cur = i == a->current && !a->help_open;
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
    if (v->filter[0])
        snprintf(load + strlen(load), sizeof load - strlen(load), " (%zu matching)", v->nvisible);
    snprintf(left, sizeof left, " %s │ %s │ %s", a->connected ? a->host : "—", auth_text, load);
    snprintf(right, sizeof right, "? help  q quit ");
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
    if (a->searching) {
        char buf[200];
        snprintf(buf, sizeof buf, "/%s", a->search);
        draw_line(a->rows - 1, SLOT_PROMPT, buf);
        return;
    }
    draw_line(a->rows - 1, a->message[0] ? a->message_slot : SLOT_NORMAL, a->message);
}

static void draw_list(app *a)
{
    int top = 1, height = a->rows - 3;
    if (a->help_open) {
        help_draw(a, top, height, COLS);
        return;
    }
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
        const char *p = empty;
        int y = top + (height > 2 ? 1 : 0), width = COLS - 2;
        while (*p && y < top + height && width > 0) {
            int used;
            size_t n = text_fit(p, width, &used);
            if (p[n]) {
                size_t cut = n;
                while (cut > 0 && p[cut] != ' ')
                    cut--;
                if (cut > 0)
                    n = cut;
            }
            if (n == 0)
                n = 1;
            mvaddnstr(y++, 1, p, (int)n);
            p += n;
            while (*p == ' ')
                p++;
        }
        attrset(A_NORMAL);
        return;
    }
    listview_draw(v, t, top, height, COLS, true);
}

void app_draw(app *a)
{
    if (!a->dirty)
        return;
    /* Views whose table grew since the last frame must refilter before the status line counts. */
    if (!a->help_open) {
        table *t = app_view_table(a, a->current);
        if (t)
            listview_sync(&a->views[a->current], t);
    }
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
            draw_list(a);
        if (a->dirty & DIRTY_STATUS)
            draw_status(a);
        if (a->dirty & (DIRTY_MESSAGE | DIRTY_STATUS))
            draw_message(a);
    }
    a->dirty = 0;
    refresh();
}
