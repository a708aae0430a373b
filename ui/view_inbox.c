/* The inbox: the newest messages drivers sent, across every connection of the account, newest
 * first, with whether this console has shown them (core/inbox keeps them and finds new ones).
 * Enter opens the driver's conversation (and marks the message read), r replies to it there,
 * u shows only the unread, A marks every message read; / filters as in the lists. */
#include "ui/view_inbox.h"

#include "common/strbuf.h"
#include "core/inbox.h"
#include "core/statefile.h"
#include "core/text.h"
#include "ui/flows.h"
#include "ui/overlay.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct inbox_ui {
    inbox *ib;
    bool unread_only;
    char (*ids)[UUID_STR_LEN]; /* the visible messages' ids at the last sync (the cursor follows its message) */
    size_t nids;
    char pending[UUID_STR_LEN]; /* Enter/r on a message whose connection's drivers are still loading */
    bool pending_reply;
} inbox_ui;

enum { IN_OPEN, IN_REPLY, IN_UNREAD_ONLY, IN_ALL_READ };

static const overlay_key inbox_keys[] = {
    {"<Enter>", IN_OPEN, "Open the driver's conversation (marks the message read)", "opens", 0},
    {"r", IN_REPLY, "Reply to the message in the driver's conversation", "replies", 0},
    {"u", IN_UNREAD_ONLY, "Show only unread messages, or all again", "unread only", 0},
    {"A", IN_ALL_READ, "Mark every message read", "all read", 0},
};
const overlay_keymap inbox_keymap = OVERLAY_KEYMAP("inbox", inbox_keys);

int inbox_ui_view_index(void)
{
    for (int i = 0; i < view_registry_count; i++)
        if (view_registry[i] == &inbox_view_ops)
            return i;
    return -1;
}

size_t inbox_ui_unread(const app *a)
{
    return a->inbox_ui && a->inbox_ui->ib ? inbox_unread_count(a->inbox_ui->ib) : 0;
}

/* The connection's name and its TSP when the name does not say it ("Acme Freight · samsara"), or
 * its id's start when the connections are not loaded. */
static void conn_label(app *a, const char *conn_id, char *out, size_t cap)
{
    long ci = app_connection_index(a, conn_id);
    if (ci < 0) {
        snprintf(out, cap, "%.8s…", conn_id);
        return;
    }
    const table *t = &a->st.connections;
    const connection_rec *c = table_row(t, (size_t)ci);
    const char *d = table_str(t, c->description), *tsp = table_str(t, c->source_name);
    bool named = !*tsp || text_contains_ci(d, tsp); /* "Acme Freight — Samsara" names its TSP already */
    snprintf(out, cap, "%s%s%s", d, named ? "" : " · ", named ? "" : tsp);
}

static bool matches(app *a, const inbox_msg *m, const char *filter)
{
    if (!*filter)
        return true;
    char conn[200];
    conn_label(a, m->connection_id, conn, sizeof conn);
    return text_contains_ci(m->text, filter) || text_contains_ci(m->driver_name, filter) ||
           text_contains_ci(conn, filter);
}

/* The visible messages again (filter, unread only); the cursor stays on its message. */
static void sync(view *v, app *a)
{
    inbox_ui *u = a->inbox_ui;
    char cur[UUID_STR_LEN] = "";
    if (u && v->cursor < u->nids)
        memcpy(cur, u->ids[v->cursor], UUID_STR_LEN);
    v->nvisible = 0;
    size_t n = u && u->ib ? inbox_count(u->ib) : 0;
    if (n > v->capvisible) { /* in `every`, which the view owns (listview_free frees it) */
        v->every = xrealloc(v->every, n * sizeof *v->every);
        v->capvisible = n;
    }
    v->visible = v->every;
    if (!u)
        return;
    u->ids = xrealloc(u->ids, (n ? n : 1) * sizeof *u->ids);
    long at = -1;
    for (size_t i = 0; i < n; i++) {
        const inbox_msg *m = inbox_get(u->ib, i);
        if ((u->unread_only && !m->unread) || !matches(a, m, v->filter))
            continue;
        if (*cur && strcmp(cur, m->id) == 0)
            at = (long)v->nvisible;
        memcpy(u->ids[v->nvisible], m->id, UUID_STR_LEN);
        v->visible[v->nvisible++] = (uint32_t)i;
    }
    u->nids = v->nvisible;
    if (at >= 0)
        v->cursor = (size_t)at;
    if (v->cursor >= v->nvisible)
        v->cursor = v->nvisible ? v->nvisible - 1 : 0;
}

static const inbox_msg *selected(view *v, app *a)
{
    sync(v, a);
    if (v->cursor >= v->nvisible)
        return NULL;
    return inbox_get(a->inbox_ui->ib, v->visible[v->cursor]);
}

/* "14:02" today, "Jan 05 14:02" before (local time). */
static void when(app *a, int64_t at_ms, char *out, size_t cap)
{
    time_t t = (time_t)(at_ms / 1000), now = (time_t)(loop_wall_ms(a->l) / 1000);
    struct tm tm, tn;
    localtime_r(&t, &tm);
    localtime_r(&now, &tn);
    if (tm.tm_year == tn.tm_year && tm.tm_yday == tn.tm_yday)
        strftime(out, cap, "%H:%M", &tm);
    else
        strftime(out, cap, "%b %d %H:%M", &tm);
}

/* Connections that refuse messages, or whose polls fail, in one line ("" when none). */
static void health_note(app *a, char *out, size_t cap)
{
    inbox_ui *u = a->inbox_ui;
    strbuf sb = STRBUF_INIT;
    inbox_conn_info ci;
    for (size_t i = 0; u && u->ib && inbox_conn_get(u->ib, i, &ci); i++) {
        if (ci.state == INBOX_CONN_OK && !ci.stale_since_ms)
            continue;
        char name[200];
        conn_label(a, ci.id, name, sizeof name);
        strbuf_printf(&sb, "%s%s: %s", sb.len ? " · " : " ⚠ ", name,
                      ci.state == INBOX_CONN_FORBIDDEN     ? "not allowed to read messages (403), skipped"
                      : ci.state == INBOX_CONN_UNSUPPORTED ? "its TSP has no messages (501), skipped"
                                                           : "not answering, retrying");
    }
    snprintf(out, cap, "%s", sb.len ? sb.data : "");
    strbuf_free(&sb);
}

static void inbox_draw(view *v, app *a, int top, int height)
{
    inbox_ui *u = a->inbox_ui;
    int width = COLS, y = top;
    sync(v, a);
    char line[1400], note[600];
    health_note(a, note, sizeof note);
    if (*note && height > 3)
        draw_text_at(y++, 0, width, SLOT_STATUS_WARN, note);
    int cw = width >= 120 ? 28 : 18, dw = width >= 120 ? 24 : 16;
    char hconn[200], hdrv[200];
    text_fit_pad("Connection", cw, true, hconn, sizeof hconn);
    text_fit_pad("Driver", dw, true, hdrv, sizeof hdrv);
    snprintf(line, sizeof line, "   %-12s %s %s Message", "Time", hconn, hdrv);
    draw_text_at(y++, 0, width, SLOT_HEADER, line);
    int rows = top + height - y;
    if (v->nvisible == 0 || !u) {
        const char *empty = !u                        ? (a->startup_note[0] ? a->startup_note : "Not connected.")
                            : v->filter[0]            ? "No message matches the filter (Esc clears it)."
                            : u->unread_only          ? "No unread messages (u shows them all)."
                            : inbox_conn_count(u->ib) ? "No messages from drivers yet; new ones show here."
                                                      : "Loading connections…";
        snprintf(line, sizeof line, " %s", empty); /* from column 0: the list drawn before is overwritten */
        draw_text_at(y++, 0, width, SLOT_STATUS_MUTED, line);
        while (y < top + height)
            draw_text_at(y++, 0, width, SLOT_NORMAL, "");
        return;
    }
    if (v->cursor < v->top)
        v->top = v->cursor;
    if (rows > 0 && v->cursor >= v->top + (size_t)rows)
        v->top = v->cursor - (size_t)rows + 1;
    for (int r = 0; r < rows; r++, y++) {
        size_t i = v->top + (size_t)r;
        if (i >= v->nvisible) {
            draw_text_at(y, 0, width, SLOT_NORMAL, "");
            continue;
        }
        const inbox_msg *m = inbox_get(u->ib, v->visible[i]);
        char t[32], conn[200], c[400], d[400];
        when(a, m->at_ms, t, sizeof t);
        conn_label(a, m->connection_id, conn, sizeof conn);
        text_fit_pad(conn, cw, true, c, sizeof c);
        text_fit_pad(*m->driver_name ? m->driver_name : "(unnamed driver)", dw, true, d, sizeof d);
        snprintf(line, sizeof line, " %s %-12s %s %s %s", m->unread ? "●" : " ", t, c, d, m->text);
        theme_slot slot = i == v->cursor && !a->pane_focus ? SLOT_CURSOR : m->unread ? SLOT_NORMAL : SLOT_STATUS_MUTED;
        draw_text_at(y, 0, width, slot, line);
    }
}

static void inbox_summary(view *v, app *a, char *out, size_t cap)
{
    inbox_ui *u = a->inbox_ui;
    if (!u) {
        snprintf(out, cap, "inbox: not connected");
        return;
    }
    sync(v, a);
    inbox_health h;
    inbox_get_health(u->ib, &h);
    size_t n = inbox_count(u->ib), unread = inbox_unread_count(u->ib);
    snprintf(out, cap, "%zu message%s · %zu unread", n, n == 1 ? "" : "s", unread);
    if (u->unread_only)
        snprintf(out + strlen(out), cap - strlen(out), " (showing unread)");
    if (h.refused)
        snprintf(out + strlen(out), cap - strlen(out), " · %zu connection%s skipped", h.refused,
                 h.refused == 1 ? "" : "s");
    if (h.save_error[0])
        snprintf(out + strlen(out), cap - strlen(out), " · not saved: %s", h.save_error);
}

static size_t inbox_badge(const app *a)
{
    return inbox_ui_unread(a);
}

/* Opens the conversation of m's driver (selecting its connection); when its drivers are still
 * loading, once they are (inbox_ui_idle). Returns false while waiting. */
static bool open_message(app *a, const char *msg_id, bool reply)
{
    inbox_ui *u = a->inbox_ui;
    const inbox_msg *m = inbox_find(u->ib, msg_id);
    u->pending[0] = '\0';
    if (!m)
        return true;
    long ci = app_connection_index(a, m->connection_id);
    if (ci < 0) {
        app_set_message(a, SLOT_STATUS_WARN,
                        "This message's connection is not in the connections list (1, r reloads it).");
        return true;
    }
    if (ci != a->conn_sel)
        app_select_connection(a, ci);
    table *drivers = store_table(&a->st, (size_t)ci, KIND_DRIVER);
    if (drivers->state == LOAD_RUNNING || drivers->state == LOAD_IDLE) {
        snprintf(u->pending, sizeof u->pending, "%s", msg_id);
        u->pending_reply = reply;
        app_set_message(a, SLOT_STATUS_MUTED, "Loading the drivers of this connection…");
        return false;
    }
    uuid did;
    long row = uuid_parse(m->driver_id, &did) ? table_find_id(drivers, &did) : -1;
    if (row < 0) {
        app_set_message(a, SLOT_STATUS_WARN, "%s is not in this connection's drivers list%s.",
                        *m->driver_name ? m->driver_name : "The driver",
                        drivers->state == LOAD_FAILED ? " (it could not be loaded)" : "");
        return true;
    }
    char id[UUID_STR_LEN];
    snprintf(id, sizeof id, "%s", m->id);
    inbox_mark_read(u->ib, id); /* m may move: use the copy of its id from here on */
    const user_rec *d = table_row(drivers, (size_t)row);
    conversation_open(a, d, drivers);
    if (reply && a->noverlays)
        composer_open_message(a, d, drivers, id);
    a->dirty |= DIRTY_ALL;
    return true;
}

void inbox_ui_idle(app *a)
{
    inbox_ui *u = a->inbox_ui;
    if (!u || !u->pending[0])
        return;
    const inbox_msg *m = inbox_find(u->ib, u->pending);
    long ci = m ? app_connection_index(a, m->connection_id) : -1;
    const table *t = ci >= 0 ? store_table(&a->st, (size_t)ci, KIND_DRIVER) : NULL;
    if (t && (t->state == LOAD_RUNNING || t->state == LOAD_IDLE))
        return;
    char id[UUID_STR_LEN];
    snprintf(id, sizeof id, "%s", u->pending);
    if (a->noverlays || a->views[a->current].ops != &inbox_view_ops) {
        u->pending[0] = '\0'; /* the dispatcher went elsewhere meanwhile */
        return;
    }
    a->message[0] = '\0';
    open_message(a, id, u->pending_reply);
}

static unsigned inbox_command(view *v, app *a, int cmd, int key)
{
    (void)key;
    inbox_ui *u = a->inbox_ui;
    if (!u)
        return 0;
    switch (cmd) {
    case IN_OPEN:
    case IN_REPLY: {
        const inbox_msg *m = selected(v, a);
        if (!m) {
            app_set_message(a, SLOT_STATUS_WARN, "No message here.");
            return DIRTY_MESSAGE;
        }
        char id[UUID_STR_LEN];
        snprintf(id, sizeof id, "%s", m->id);
        open_message(a, id, cmd == IN_REPLY);
        return DIRTY_ALL;
    }
    case IN_UNREAD_ONLY:
        u->unread_only = !u->unread_only;
        v->cursor = v->top = 0;
        return DIRTY_LIST | DIRTY_STATUS;
    case IN_ALL_READ: {
        size_t n = inbox_mark_all_read(u->ib);
        app_set_message(a, SLOT_STATUS_MUTED, "Marked %zu message%s read.", n, n == 1 ? "" : "s");
        return DIRTY_ALL;
    }
    default:
        return 0;
    }
}

const view_ops inbox_view_ops = {
    .name = "Inbox",
    .noun = "messages",
    .kind = KIND__COUNT,
    .draw = inbox_draw,
    .keymap = &inbox_keymap,
    .command = inbox_command,
    .summary = inbox_summary,
    .tab_key = "i",
    .badge = inbox_badge,
};

/* ------------------------------------------------------------------ the watcher */

static void on_inbox_change(void *ud, size_t added)
{
    app *a = ud;
    inbox_ui *u = a->inbox_ui;
    a->dirty |= DIRTY_TITLE | DIRTY_STATUS;
    if (a->views[a->current].ops == &inbox_view_ops && !a->noverlays)
        a->dirty |= DIRTY_LIST;
    const inbox_msg *m = inbox_count(u->ib) ? inbox_get(u->ib, 0) : NULL;
    if (!added || !m || !m->unread)
        return;
    char conn[200];
    conn_label(a, m->connection_id, conn, sizeof conn);
    const char *who = *m->driver_name ? m->driver_name : "a driver";
    if (added == 1)
        app_set_message(a, SLOT_STATUS_OK, "New message from %s (%s): %s — i opens the inbox", who, conn, m->text);
    else
        app_set_message(a, SLOT_STATUS_OK, "%zu new messages, the newest from %s (%s): %s — i opens the inbox", added,
                        who, conn, m->text);
    if (a->cfg->bell_on_failure)
        a->bell_pending = true;
}

void inbox_ui_attach(app *a)
{
    char path[1100];
    inbox_settings s = {.poll_ms = a->cfg->poll_pending_ms, .page_size = a->cfg->page_size};
    if (statefile_account_file(INBOX_STATE_FILE, path, sizeof path, NULL) == 0)
        s.state_path = path; /* this profile's and API URL's own */
    inbox_ui *u = xcalloc(1, sizeof *u);
    u->ib = inbox_new(a->l, a->api, &s);
    a->inbox_ui = u;
    inbox_set_callback(u->ib, on_inbox_change, a);
    char *err = NULL;
    if (inbox_start(u->ib, &err) != 0) {
        app_set_message(a, SLOT_STATUS_WARN, "Inbox: %s", err ? err : "unreadable");
        free(err);
    }
}

void inbox_ui_detach(app *a)
{
    inbox_ui *u = a->inbox_ui;
    if (!u)
        return;
    inbox_free(u->ib);
    free(u->ids);
    free(u);
    a->inbox_ui = NULL;
}

void inbox_ui_set_connections(app *a)
{
    inbox_ui *u = a->inbox_ui;
    const table *t = &a->st.connections;
    if (!u || !t->count)
        return;
    char (*ids)[UUID_STR_LEN] = xcalloc(t->count, sizeof *ids);
    const char **p = xcalloc(t->count, sizeof *p);
    for (size_t i = 0; i < t->count; i++) {
        const connection_rec *c = table_row(t, i);
        uuid_format(&c->id, ids[i]);
        p[i] = ids[i];
    }
    inbox_set_connections(u->ib, p, t->count);
    free(p);
    free(ids);
    a->dirty |= DIRTY_LIST | DIRTY_STATUS;
}
