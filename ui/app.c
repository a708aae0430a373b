/* app: the console's state, loading, and what keys do. Drawing is in app_draw.c; every
 * writing flow is an overlay in its own file (ui/flows.h). */
#include "ui/app.h"

#include "common/strbuf.h"
#include "core/api_caps.h"
#include "core/api_messages.h"
#include "core/api_session.h"
#include "core/drafts.h"
#include "core/ops.h"
#include "core/text.h"
#include "ui/flows.h"
#include "ui/keys.h"
#include "ui/overlay.h"
#include "ui/pane_ops.h"
#include "ui/view_inbox.h"

#include <ctype.h>
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

app *app_new(const config *cfg, loop *l)
{
    app *a = xcalloc(1, sizeof *a);
    a->cfg = cfg;
    a->l = l;
    a->conn_sel = -1;
    a->marks_conn = -1;
    a->pane_height = 8;
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
    while (a->noverlays)
        app_overlay_pop(a);
    ops_pane_detach(a);
    inbox_ui_detach(a);
    app_live_free(a->live);
    app_load_free(a);
    caps_free(a->caps);
    api_free(a->api);
    auth_free(a->auth);
    http_client_free(a->http);
    for (int i = 0; i < APP_MAX_VIEWS; i++)
        listview_free(&a->views[i]);
    free(a->marks);
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
    if (slot != SLOT_STATUS_MUTED || strlen(a->message) > 60) /* not every "x does nothing here" */
        app_notice_push(a, slot, a->message);
}

void app_set_startup_note(app *a, const char *note)
{
    snprintf(a->startup_note, sizeof a->startup_note, "%s", note ? note : "");
    a->dirty |= DIRTY_STATUS | DIRTY_LIST;
}

/* ------------------------------------------------------------------ overlays */

void app_overlay_push(app *a, const overlay_ops *ops, void *state)
{
    if (a->noverlays == APP_MAX_OVERLAYS) {
        ops->destroy(state, a);
        app_set_message(a, SLOT_STATUS_WARN, "Too many windows open; close one with Esc.");
        return;
    }
    a->overlays[a->noverlays++] = (ui_overlay){ops, state};
    a->searching = false;
    a->dirty |= DIRTY_ALL;
}

void app_overlay_pop(app *a)
{
    if (!a->noverlays)
        return;
    ui_overlay o = a->overlays[--a->noverlays];
    o.ops->destroy(o.state, a);
    a->dirty |= DIRTY_ALL;
}

void app_overlay_remove(app *a, void *state)
{
    for (int i = a->noverlays - 1; i >= 0; i--) {
        if (a->overlays[i].state != state)
            continue;
        ui_overlay o = a->overlays[i];
        memmove(&a->overlays[i], &a->overlays[i + 1], sizeof(ui_overlay) * (size_t)(a->noverlays - i - 1));
        a->noverlays--;
        o.ops->destroy(o.state, a);
        a->dirty |= DIRTY_ALL;
        return;
    }
}

ui_overlay *app_overlay_top(app *a)
{
    return a->noverlays ? &a->overlays[a->noverlays - 1] : NULL;
}

const overlay_keymap *app_overlay_keys(const ui_overlay *o)
{
    return o->ops->keys_now ? o->ops->keys_now(o->state) : o->ops->keymap;
}

bool app_typing(app *a)
{
    ui_overlay *o = app_overlay_top(a);
    if (!o || !o->ops->key)
        return false;
    return !o->ops->keys_now || app_overlay_keys(o) != o->ops->keymap;
}

static void wake(void *ud)
{
    (void)ud; /* only ends the loop's wait, so that app_idle runs the next slice */
}

void app_idle(app *a)
{
    inbox_ui_idle(a);
    app_load_idle(a);
    drafts_retry_unsaved(); /* drafts the disk did not take (core/drafts), once a second */
    for (int i = 0; i < a->noverlays; i++)
        if (a->overlays[i].ops->idle)
            a->overlays[i].ops->idle(a->overlays[i].state, a);
    /* The filter counts (and new rows are indexed) in slices between events. */
    view *v = &a->views[a->current];
    if (listview_idle(v, app_view_table(a, a->current)))
        a->dirty |= DIRTY_LIST | DIRTY_STATUS;
    if (listview_counting(v))
        loop_timer_add(a->l, LOOP_CLOCK_REAL, 0, wake, NULL);
}

/* ------------------------------------------------------------------ selection */

table *app_view_table(app *a, int vi)
{
    if (vi == VIEW_CONNECTIONS)
        return &a->st.connections;
    if (a->conn_sel < 0 || a->views[vi].ops->draw) /* a view that is no resource's list has no table */
        return NULL;
    return store_table(&a->st, (size_t)a->conn_sel, a->views[vi].ops->kind);
}

const connection_rec *app_connection(app *a)
{
    if (a->conn_sel < 0 || (size_t)a->conn_sel >= a->st.connections.count)
        return NULL;
    return table_row(&a->st.connections, (size_t)a->conn_sel);
}

const char *app_connection_id(app *a, char buf[UUID_STR_LEN])
{
    const connection_rec *c = app_connection(a);
    if (!c)
        return NULL;
    uuid_format(&c->id, buf);
    return buf;
}

long app_connection_index(app *a, const char *connection_id)
{
    uuid id;
    if (!connection_id || !uuid_parse(connection_id, &id))
        return -1;
    return table_find_id(&a->st.connections, &id);
}

static const void *current_row(const app *a, const table **t_out)
{
    app *m = (app *)a;
    table *t = app_view_table(m, a->current);
    long row = listview_selected_row(&a->views[a->current]);
    if (!t || row < 0 || (size_t)row >= t->count)
        return NULL;
    if (t_out)
        *t_out = t;
    return table_row(t, (size_t)row);
}

/* Marks belong to the drivers table of one connection; they reset when it changes. */
static void marks_sync(app *a)
{
    table *t = a->conn_sel >= 0 ? store_table(&a->st, (size_t)a->conn_sel, KIND_DRIVER) : NULL;
    size_t need = t ? t->count : 0;
    if (a->marks_conn != a->conn_sel) {
        if (a->marks)
            memset(a->marks, 0, a->nmarks_cap);
        a->nmarked = 0;
        a->marks_conn = a->conn_sel;
    }
    if (need > a->nmarks_cap) {
        a->marks = xrealloc(a->marks, need);
        memset(a->marks + a->nmarks_cap, 0, need - a->nmarks_cap);
        a->nmarks_cap = need;
    }
}

/* ------------------------------------------------------------------ loading (app_load.c) */

void app_select_connection(app *a, long ci)
{
    if (ci != a->conn_sel) /* a filter belongs to its list on one connection */
        for (int i = 0; i < APP_MAX_VIEWS; i++)
            if (i != VIEW_CONNECTIONS && a->views[i].ops)
                listview_set_filter(&a->views[i], "");
    a->conn_sel = ci;
    app_load_connection_tables(a, ci);
    app_live_open(a->live, ci);
    marks_sync(a);
    char id[UUID_STR_LEN];
    if (a->ops && app_connection_id(a, id))
        ops_tracker_follow_connection(a->ops, id);
    a->dirty |= DIRTY_ALL;
}

static void on_caps_loaded(void *ud)
{
    app *a = ud;
    a->dirty |= DIRTY_STATUS;
}

void app_connect(app *a, const char *api_url, const char *auth_url, const char *client_id, const char *client_secret)
{
    api_session s;
    api_session_open_with(&s, a->l, a->cfg, api_url, auth_url, client_id, client_secret);
    a->http = s.h;
    a->auth = s.au;
    a->api = s.a;
    config_url_host(api_url, a->host, sizeof a->host);
    a->connected = true;
    a->startup_note[0] = '\0';
    a->dirty |= DIRTY_ALL;
    app_load_connections(a);
    a->caps = caps_new();
    caps_load(a->caps, a->api, on_caps_loaded, a);
    if (a->cfg->live_locations)
        a->live = app_live_new(a);
    ops_pane_attach(a);
    inbox_ui_attach(a);
}

bool app_is_idle(const app *a)
{
    if (!a->connected && a->startup_note[0])
        return false;
    return (!a->api || api_in_flight(a->api) == 0) && a->dirty == 0 && !listview_counting(&a->views[a->current]);
}

void app_resize(app *a, int rows, int cols)
{
    a->rows = rows;
    a->cols = cols;
    a->dirty |= DIRTY_ALL | DIRTY_CLEAR;
}

/* ------------------------------------------------------------------ quitting */

bool app_quit_ok(app *a)
{
    if (a->quit_asked)
        return true;
    int pending = a->ops ? ops_pending_count(a->ops) : 0, drafts = 0;
    for (int i = 0; i < a->noverlays; i++)
        drafts += strcmp(a->overlays[i].ops->name, "composer") == 0 || strcmp(a->overlays[i].ops->name, "form") == 0;
    if (!pending && !drafts)
        return true;
    char what[200] = "";
    if (pending && a->demo)
        snprintf(what, sizeof what, "%d operation%s still pending: quitting stops the demo emulator, so %s will "
                 "read unknown next time.", pending, pending == 1 ? "" : "s", pending == 1 ? "it" : "they");
    else if (pending)
        snprintf(what, sizeof what, "%d operation%s still pending: %s go%s on at Catena and show%s here next time.",
                 pending, pending == 1 ? "" : "s", pending == 1 ? "it" : "they", pending == 1 ? "es" : "",
                 pending == 1 ? "s" : "");
    app_set_message(a, SLOT_STATUS_WARN, "%s%s%s q or Ctrl-C again quits.", what, *what && drafts ? " " : "",
                    drafts ? "The open message or form is kept as a draft (D brings it back)." : "");
    a->quit_asked = true;
    return false;
}

/* ------------------------------------------------------------------ actions */

static int list_height(const app *a)
{
    int h = a->rows - 4 - app_pane_rows(a, a->rows - 3);
    return h > 1 ? h : 1;
}

static unsigned switch_view(app *a, int vi)
{
    if (vi == a->current)
        return 0;
    /* From the connections, a list of the connection under the cursor (as k9s and lazygit do). */
    long row = a->current == VIEW_CONNECTIONS ? listview_selected_row(&a->views[VIEW_CONNECTIONS]) : -1;
    if (vi != VIEW_CONNECTIONS && row >= 0 && row != a->conn_sel)
        app_select_connection(a, row);
    a->current = vi;
    a->searching = false;
    a->pane_focus = false;
    app_load_connection_tables(a, a->conn_sel); /* a list of logs loads when shown */
    return DIRTY_ALL;
}

static unsigned toggle_mark(app *a)
{
    marks_sync(a);
    long row = listview_selected_row(&a->views[a->current]);
    if (row < 0 || (size_t)row >= a->nmarks_cap)
        return 0;
    a->marks[row] ^= 1;
    a->nmarked += a->marks[row] ? 1 : (size_t)-1;
    listview_move(&a->views[a->current], 1, list_height(a));
    return DIRTY_LIST | DIRTY_STATUS;
}

static unsigned mark_all(app *a)
{
    marks_sync(a);
    view *v = &a->views[a->current];
    if (a->nmarked) {
        memset(a->marks, 0, a->nmarks_cap);
        a->nmarked = 0;
        app_set_message(a, SLOT_STATUS_MUTED, "Unmarked every driver.");
    } else {
        listview_finish(v, app_view_table(a, a->current));
        for (size_t i = 0; i < v->nvisible; i++)
            if (v->visible[i] < a->nmarks_cap && !a->marks[v->visible[i]]++)
                a->nmarked++;
        app_set_message(a, SLOT_STATUS_MUTED, "Marked %zu driver%s%s.", a->nmarked, a->nmarked == 1 ? "" : "s",
                        v->filter[0] ? " matching the filter" : "");
    }
    return DIRTY_LIST | DIRTY_STATUS | DIRTY_MESSAGE;
}

/* The form of a list: its resource's (core/api_resources.c). */
static form_kind form_of_view(const app *a, int vi)
{
    return (form_kind)api_resource_get(a->views[vi].ops->kind)->form;
}

static unsigned open_row(app *a)
{
    const table *t;
    const void *row = current_row(a, &t);
    switch (a->current) {
    case VIEW_CONNECTIONS:
        app_select_connection(a, listview_selected_row(&a->views[a->current]));
        return switch_view(a, VIEW_DRIVERS) | DIRTY_ALL;
    case VIEW_DRIVERS:
        conversation_open(a, row, t);
        return DIRTY_ALL;
    case VIEW_GROUP_MESSAGES:
        group_message_open(a, row, t);
        return DIRTY_ALL;
    default: {
        const char *why = action_can_edit(a);
        if (why) {
            app_set_message(a, SLOT_STATUS_WARN, "%c%s (Enter: edit).", toupper((unsigned char)why[0]), why + 1);
            return DIRTY_MESSAGE;
        }
        form_open(a, form_of_view(a, a->current), (const uuid *)row);
        return DIRTY_ALL;
    }
    }
}

static unsigned run_action(app *a, action_id act)
{
    const action_info *info = action_get(act);
    if (info->disabled) {
        const char *why = info->disabled(a);
        if (why) {
            /* Why first (it is what fits), then the key and the help's words, never the internal name. */
            char key[16];
            snprintf(key, sizeof key, "%.*s", (int)strcspn(info->keys, " "), info->keys);
            app_set_message(a, SLOT_STATUS_WARN, "%c%s (%s: %c%s).", toupper((unsigned char)why[0]), why + 1, key,
                            tolower((unsigned char)info->help[0]), info->help + 1);
            return DIRTY_MESSAGE;
        }
    }
    view *v = &a->views[a->current];
    int page = list_height(a);
    switch (act) {
    case ACT_QUIT:
        a->quit = app_quit_ok(a);
        return DIRTY_MESSAGE;
    case ACT_HELP:
        help_open(a);
        return DIRTY_ALL;
    case ACT_REDRAW:
        return DIRTY_ALL | DIRTY_CLEAR;
    case ACT_DRAFTS:
        drafts_open(a);
        return DIRTY_ALL;
    case ACT_NOTICES:
        notices_open(a);
        return DIRTY_ALL;
    case ACT_VIEW_CONNECTIONS:
    case ACT_VIEW_DRIVERS:
    case ACT_VIEW_VEHICLES:
    case ACT_VIEW_TRAILERS:
    case ACT_VIEW_DVIR:
    case ACT_VIEW_FUEL:
    case ACT_VIEW_GROUP_MESSAGES:
        return switch_view(a, act - ACT_VIEW_CONNECTIONS);
    case ACT_VIEW_INBOX:
        return inbox_ui_view_index() >= 0 ? switch_view(a, inbox_ui_view_index()) : 0;
    case ACT_NEXT_VIEW:
    case ACT_PREV_VIEW: {
        int n = view_registry_count, step = act == ACT_NEXT_VIEW ? 1 : n - 1;
        int vi = (a->current + step) % n;
        if (vi != VIEW_CONNECTIONS && a->conn_sel < 0 && !view_registry[vi]->draw)
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
        return open_row(a);
    case ACT_SEARCH:
        a->searching = true;
        snprintf(a->search, sizeof a->search, "%s", v->filter);
        return DIRTY_MESSAGE;
    case ACT_CLEAR_SEARCH:
        listview_set_filter(v, "");
        a->message[0] = '\0';
        return DIRTY_LIST | DIRTY_MESSAGE | DIRTY_STATUS;
    case ACT_RELOAD: {
        table *t = app_view_table(a, a->current);
        if (!a->api || !t || t->state == LOAD_RUNNING || app_table_reloading(a, t))
            return 0;
        app_reload_view(a, a->current); /* the status line says "reloading…" until it ends */
        return DIRTY_ALL;
    }
    case ACT_SORT:
    case ACT_SORT_REVERSE:
        return app_sort_key(a, act == ACT_SORT_REVERSE);
    case ACT_MESSAGE: {
        const table *t;
        const user_rec *d = current_row(a, &t);
        composer_open_message(a, d, t, NULL);
        return DIRTY_ALL;
    }
    case ACT_MARK:
        return toggle_mark(a);
    case ACT_MARK_ALL:
        return mark_all(a);
    case ACT_GROUP_MESSAGE:
        composer_open_group(a);
        return DIRTY_ALL;
    case ACT_EDIT: {
        const void *row = current_row(a, NULL);
        form_open(a, form_of_view(a, a->current), (const uuid *)row);
        return DIRTY_ALL;
    }
    case ACT_CREATE:
        form_open(a, form_of_view(a, a->current), NULL);
        return DIRTY_ALL;
    case ACT_OPS_PANE:
        a->pane_open = !a->pane_open;
        if (!a->pane_open)
            a->pane_focus = false;
        return DIRTY_ALL;
    case ACT_OPS_FOCUS:
        if (!a->pane_open)
            a->pane_open = true;
        a->pane_focus = !a->pane_focus;
        return DIRTY_ALL;
    case ACT_PANE_GROW:
        if (a->pane_height < a->rows - 8)
            a->pane_height++;
        return DIRTY_LIST;
    case ACT_PANE_SHRINK:
        if (a->pane_height > 4)
            a->pane_height--;
        return DIRTY_LIST;
    default:
        return 0;
    }
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
        text_pop_char(a->search);
    } else if (!keys_append(a->search, sizeof a->search, key)) {
        return 0;
    }
    listview_set_filter(v, a->search);
    return DIRTY_LIST | DIRTY_MESSAGE | DIRTY_STATUS;
}

static unsigned unbound_key(app *a, int key)
{
    char name[32];
    keys_name(key, name, sizeof name);
    app_set_message(a, SLOT_STATUS_MUTED, "%s does nothing here; ? shows the keys.", name);
    return DIRTY_MESSAGE;
}

/* A key for the top overlay: the table in force first, then its text input, else it does nothing. */
static unsigned overlay_handle_key(app *a, ui_overlay *o, int key)
{
    const overlay_ops *ops = o->ops;
    int cmd = keymap_lookup(app_overlay_keys(o), key);
    if (cmd >= 0)
        return ops->command(o->state, a, cmd, key);
    if (ops->key)
        return ops->key(o->state, a, key);
    return unbound_key(a, key);
}

unsigned app_handle_key(app *a, int key)
{
    unsigned d = 0;
    bool typing = app_typing(a);
    if (key == KEYS_FN + KEY_RESIZE)
        return 0;
    if (a->quit_asked && !(key == 'q' && !typing && !a->searching))
        a->quit_asked = false; /* any other key: stay */
    ui_overlay *o = app_overlay_top(a);
    if (key == KEY_CTRL('l')) {
        d = DIRTY_ALL | DIRTY_CLEAR;
    } else if (o && o->ops->pane_keys && (key == 'o' || key == '+' || key == '-')) {
        d = run_action(a, key == 'o' ? ACT_OPS_PANE : key == '+' ? ACT_PANE_GROW : ACT_PANE_SHRINK);
    } else if (!(o && o->ops->keymap == &help_keymap) &&
               (key == KEYS_FN + KEY_F(1) || (key == '?' && o && !app_typing(a)))) {
        help_open(a); /* F1 from anywhere, even while typing; ? wherever it types nothing */
        d = DIRTY_ALL;
    } else if (key == KEYS_FN + KEY_F(2) && !(o && o->ops->keymap == &notices_keymap)) {
        notices_open(a); /* from anywhere, even while typing */
        d = DIRTY_ALL;
    } else if (o) {
        d = overlay_handle_key(a, o, key);
    } else if (a->searching) {
        d = search_key(a, key);
    } else {
        if (a->message[0]) {
            a->message[0] = '\0';
            a->dirty |= DIRTY_MESSAGE;
        }
        view *cv = &a->views[a->current];
        int cmd = cv->ops->keymap && !a->pane_focus ? keymap_lookup(cv->ops->keymap, key) : -1;
        if (cmd >= 0) {
            d = cv->ops->command(cv, a, cmd, key);
        } else if (!(a->pane_focus && ops_pane_key(a, key, &d))) {
            action_id act = action_for_key(key);
            if (act == ACT_NONE) {
                d = unbound_key(a, key);
            } else {
                d = run_action(a, act);
            }
        }
    }
    if (app_typing(a) != typing)
        d |= DIRTY_STATUS; /* the status line names the help key that works now */
    if ((d & DIRTY_LIST) && !a->noverlays)
        d |= DIRTY_STATUS; /* it says where the cursor is */
    a->dirty |= d;
    return d;
}
