/* Conversation: the messages to and from one driver, newest last, each with its time, who sent
 * it, its delivery status (pending, sent, delivered, read; failed for a write the TSP refused)
 * and its text word-wrapped. Kept current: refetched every 10 s (app clock) while on top, and
 * at once when it comes back on top (the composer closed) or a write to this driver succeeds.
 * r replies to the selected message, m writes a new one. Fetching: view_conversation_data.c. */
#include "ui/view_conversation.h"

#include "common/strbuf.h"
#include "core/text.h"
#include "ui/flows.h"
#include "ui/keys.h"
#include "ui/overlay.h"
#include "ui/wrap.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TEXT_X 4 /* message text starts at this column */

/* ------------------------------------------------------------------ the display list */

static void fmt_time(int64_t ms, const char *fmt, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    if (!strftime(out, cap, fmt, &tm))
        snprintf(out, cap, "?");
}

static long day_of(int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    return (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* Writes still on their way go last, as the newest; everything else by its time. */
static bool in_flight(const conv_msg *m)
{
    return (m->flags & CF_LOCAL) && m->status == CM_PENDING;
}

static int cmp_items(const void *x, const void *y)
{
    const conv_item *a = x, *b = y;
    if (in_flight(a->m) != in_flight(b->m))
        return in_flight(a->m) ? 1 : -1;
    if (a->m->at_ms != b->m->at_ms)
        return a->m->at_ms < b->m->at_ms ? -1 : 1;
    int la = a->m->flags & CF_LOCAL, lb = b->m->flags & CF_LOCAL;
    if (la != lb)
        return la ? 1 : -1;
    int d = memcmp(a->m->id.b, b->m->id.b, 16);
    if (d)
        return d;
    return strcmp(strpool_get(a->pool, a->m->op_id), strpool_get(b->pool, b->m->op_id));
}

/* Notes which message is selected (by id, or by operation for a local entry): the lists it
 * points into are replaced by a refetch, and the selection must stay on the same message. */
static void remember_selection(conv *c)
{
    memset(&c->sel_id, 0, sizeof c->sel_id);
    c->sel_op[0] = '\0';
    if (c->cursor >= c->nitems)
        return;
    const conv_item *it = &c->items[c->cursor];
    c->sel_id = it->m->id;
    snprintf(c->sel_op, sizeof c->sel_op, "%s", strpool_get(it->pool, it->m->op_id));
}

/* Rebuilds the display list from msgs and locals; the old items must not be read here (they
 * point into lists that may be gone). */
void conv_rebuild_items(conv *c)
{
    bool had = c->nitems > 0;
    size_t n = c->msgs.n + c->locals.n + c->older.n;
    if (n > c->items_cap) {
        c->items_cap = n + 16;
        c->items = xrealloc(c->items, c->items_cap * sizeof *c->items);
    }
    size_t k = 0;
    for (size_t i = 0; i < c->msgs.n; i++)
        c->items[k++] = (conv_item){&c->msgs.v[i], &c->msgs.pool, 0, false};
    for (size_t i = 0; i < c->locals.n; i++)
        c->items[k++] = (conv_item){&c->locals.v[i], &c->locals.pool, 0, false};
    for (size_t i = 0; i < c->older.n; i++)
        c->items[k++] = (conv_item){&c->older.v[i], &c->older.pool, 0, false};
    if (n > 1)
        qsort(c->items, n, sizeof *c->items, cmp_items);
    for (size_t i = 0; i < n; i++)
        c->items[i].day_sep = i == 0 || day_of(c->items[i].m->at_ms) != day_of(c->items[i - 1].m->at_ms);
    c->nitems = n;
    c->layout_width = 0;
    if (!n) {
        c->cursor = 0;
    } else if (c->follow || !had) {
        c->cursor = n - 1;
    } else {
        size_t found = c->cursor < n ? c->cursor : n - 1;
        for (size_t i = 0; i < n; i++) {
            const conv_msg *m = c->items[i].m;
            if ((!uuid_is_nil(&c->sel_id) && uuid_equal(&m->id, &c->sel_id)) ||
                (c->sel_op[0] && strcmp(strpool_get(c->items[i].pool, m->op_id), c->sel_op) == 0)) {
                found = i;
                break;
            }
        }
        c->cursor = found;
    }
    remember_selection(c);
}

static int text_width_for(int width)
{
    return width - TEXT_X - 1 > 1 ? width - TEXT_X - 1 : 1;
}

static void layout(conv *c, int width)
{
    if (c->layout_width == width)
        return;
    c->starts = xrealloc(c->starts, (c->nitems + 1) * sizeof *c->starts);
    size_t row = 0;
    int tw = text_width_for(width);
    for (size_t i = 0; i < c->nitems; i++) {
        conv_item *it = &c->items[i];
        it->rows = (it->day_sep ? 1 : 0) + 1 + wrap_count(strpool_get(it->pool, it->m->text), tw);
        c->starts[i] = row;
        row += (size_t)it->rows;
    }
    c->starts[c->nitems] = row;
    c->total_rows = row;
    c->layout_width = width;
}

static void scroll_into_view(conv *c, int h)
{
    size_t hh = h > 0 ? (size_t)h : 1;
    size_t max_top = c->total_rows > hh ? c->total_rows - hh : 0;
    if (!c->nitems) {
        c->top = 0;
        return;
    }
    if (c->follow) {
        c->cursor = c->nitems - 1;
        c->top = max_top;
        return;
    }
    size_t s = c->starts[c->cursor], e = s + (size_t)c->items[c->cursor].rows;
    if (e > c->top + hh)
        c->top = e - hh;
    if (s < c->top)
        c->top = s; /* a message taller than the screen shows from its start */
    if (c->top > max_top)
        c->top = max_top;
}

/* The item that holds content row r. */
static size_t item_at_row(const conv *c, size_t r)
{
    size_t lo = 0, hi = c->nitems;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (c->starts[mid] <= r)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* ------------------------------------------------------------------ drawing */

static const char *who_of(const conv *c, const conv_item *it)
{
    const char *name = strpool_get(it->pool, it->m->sender_name);
    if (it->m->flags & CF_DRIVER)
        return *name ? name : c->driver_name;
    if (it->m->flags & CF_YOU)
        return "You";
    return *name ? name : "Dispatcher";
}

static theme_slot status_slot(const conv_msg *m)
{
    switch (m->status) {
    case CM_PENDING: return SLOT_STATUS_PENDING;
    case CM_DELIVERED:
    case CM_READ: return SLOT_STATUS_SUCCESS;
    case CM_FAILED: return SLOT_STATUS_FAILED;
    default: return SLOT_STATUS_MUTED;
    }
}

static void status_text(const conv_item *it, char *out, size_t cap)
{
    const conv_msg *m = it->m;
    static const char *const names[] = {"pending", "sent", "delivered", "read", "failed"};
    const char *word = m->status < CM_OTHER ? names[m->status] : strpool_get(it->pool, m->status_raw);
    char when[32] = "";
    if (m->status_ms)
        fmt_time(m->status_ms, day_of(m->status_ms) == day_of(m->at_ms) ? " %H:%M" : " %m-%d %H:%M", when,
                 sizeof when);
    snprintf(out, cap, "%s%s%s", *word ? word : "?", when, m->status == CM_FAILED ? " (Enter: why)" : "");
}

/* Draws text at *x in a field of w columns (w <= 0: its own width), then moves *x past it. */
static void field(int y, int *x, int width, int w, theme_slot slot, const char *text)
{
    if (*x >= width)
        return;
    if (w <= 0)
        w = text_width(text);
    if (*x + w > width)
        w = width - *x;
    draw_text_at(y, *x, w, slot, text);
    *x += w;
}

static void draw_marker(int y, bool sel)
{
    draw_text_at(y, 0, 1, sel ? SLOT_CURSOR : SLOT_NORMAL, sel ? "▌" : " ");
}

static void draw_meta(const conv *c, const conv_item *it, bool sel, int y, int width)
{
    const conv_msg *m = it->m;
    char buf[600];
    int x = 1, who_w = width >= 100 ? 22 : width >= 60 ? 18 : 12;
    draw_marker(y, sel);
    fmt_time(m->at_ms, "%H:%M", buf, sizeof buf);
    strncat(buf, "  ", sizeof buf - strlen(buf) - 1);
    field(y, &x, width, 7, sel ? SLOT_CURSOR : SLOT_STATUS_MUTED, buf);
    field(y, &x, width, who_w, sel ? SLOT_CURSOR : SLOT_NORMAL, who_of(c, it));
    field(y, &x, width, 2, sel ? SLOT_CURSOR : SLOT_NORMAL, "");
    status_text(it, buf, sizeof buf);
    int sw = text_width(buf) + 2;
    field(y, &x, width, sw < 17 ? 17 : sw, status_slot(m), buf);
    if (m->flags & CF_GROUP) {
        snprintf(buf, sizeof buf, "group message to %u  ", (unsigned)m->group_n);
        field(y, &x, width, 0, SLOT_STATUS_MUTED, buf);
    }
    if (m->priority == CP_HIGH || m->priority == CP_LOW)
        field(y, &x, width, 0, m->priority == CP_HIGH ? SLOT_STATUS_WARN : SLOT_STATUS_MUTED,
              m->priority == CP_HIGH ? "high priority  " : "low priority  ");
    if (m->flags & CF_REPLY) {
        const conv_msg *orig = conv_find(&c->msgs, &m->reply_to);
        const conv_list *in = &c->msgs;
        if (!orig && (orig = conv_find(&c->older, &m->reply_to)) != NULL)
            in = &c->older;
        const char *t = orig ? strpool_get(&in->pool, orig->text) : "";
        size_t n = strcspn(t, "\n");
        snprintf(buf, sizeof buf, "↩ %s%.*s", *t ? "re: " : "reply", (int)(n < 400 ? n : 400), t);
        field(y, &x, width, 0, SLOT_STATUS_MUTED, buf);
    }
    if (x < width)
        draw_text_at(y, x, width - x, SLOT_NORMAL, "");
}

static void draw_day(int y, int width, int64_t ms)
{
    char date[40], line[2048];
    fmt_time(ms, "%a %Y-%m-%d", date, sizeof date);
    int n = snprintf(line, sizeof line, " ── %s ", date), cols = text_width(line);
    while (cols < width - 1 && (size_t)n + 4 < sizeof line) {
        n += snprintf(line + n, sizeof line - (size_t)n, "─");
        cols++;
    }
    draw_text_at(y, 0, width, SLOT_BORDER, line);
}

static void draw_text_row(int y, int width, bool sel, theme_slot slot, const char *s, size_t len)
{
    char buf[4096];
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    draw_marker(y, sel);
    draw_text_at(y, 1, TEXT_X - 1, SLOT_NORMAL, "");
    draw_text_at(y, TEXT_X, width - TEXT_X, slot, buf);
}

/* Draws item i from its row `skip` on, at y, no further than bottom; returns the rows drawn. */
static int draw_item(const conv *c, size_t i, size_t skip, int y, int bottom, int width)
{
    const conv_item *it = &c->items[i];
    bool sel = i == c->cursor;
    size_t k = 0;
    int y0 = y;
    if (it->day_sep) {
        if (k++ >= skip && y < bottom)
            draw_day(y++, width, it->m->at_ms);
    }
    if (k++ >= skip && y < bottom)
        draw_meta(c, it, sel, y++, width);
    const char *text = strpool_get(it->pool, it->m->text);
    if (!*text) {
        if (k >= skip && y < bottom)
            draw_text_row(y++, width, sel, SLOT_STATUS_MUTED, "(no text)", 9);
        return y - y0;
    }
    text_wrap w;
    wrap_init(&w, text, text_width_for(width));
    const char *l;
    size_t n;
    while (y < bottom && wrap_next(&w, &l, &n))
        if (k++ >= skip)
            draw_text_row(y++, width, sel, SLOT_NORMAL, l, n);
    return y - y0;
}

static void conv_draw(void *state, app *a, int top, int height, int width)
{
    conv *c = state;
    (void)a;
    int y = top, bottom = top + height;
    if (height <= 0)
        return;
    char left[600], right[64] = "", who[400];
    size_t count = c->nitems;
    snprintf(who, sizeof who, "%s%s%s%s", c->driver_name, c->driver_user[0] ? " (" : "", c->driver_user,
             c->driver_user[0] ? ")" : "");
    if (c->fetching)
        snprintf(right, sizeof right, "refreshing… ");
    else if (c->loaded)
        fmt_time(c->updated_wall_ms, "updated %H:%M:%S ", right, sizeof right);
    int rw = text_width(right);
    if (rw + 20 > width)
        rw = 0;
    /* The longest header that fits beside the refresh note. */
    char since[40];
    snprintf(since, sizeof since, "last %d days", CONV_WINDOW_DAYS);
    if (c->older_from_ms)
        fmt_time(c->older_from_ms, "since %Y-%m-%d", since, sizeof since);
    for (int form = 0; form < 4; form++) {
        if (form == 0)
            snprintf(left, sizeof left, " Conversation with %s · %zu message%s · %s", who, count,
                     count == 1 ? "" : "s", since);
        else if (form == 1)
            snprintf(left, sizeof left, " Conversation with %s · %zu message%s", who, count, count == 1 ? "" : "s");
        else if (form == 2)
            snprintf(left, sizeof left, " %s · %zu message%s", who, count, count == 1 ? "" : "s");
        else
            snprintf(left, sizeof left, " %s", c->driver_name);
        if (text_width(left) + 1 <= width - rw)
            break;
    }
    draw_text_at(y, 0, width - rw, SLOT_HEADER, left);
    if (rw)
        draw_text_at(y, width - rw, rw, SLOT_HEADER, right);
    y++;
    if (c->error[0] && y < bottom)
        draw_text_at(y++, 0, width, SLOT_STATUS_ERROR, c->error);
    if (c->older_note[0] && y < bottom) /* loading older…, where the history stopped, or why */
        draw_text_at(y++, 0, width, c->older_failed ? SLOT_STATUS_ERROR : SLOT_STATUS_MUTED,
                     c->older_note);
    int h = bottom - y;
    c->last_h = h;
    if (h <= 0)
        return;
    if (!c->nitems) {
        char since[80] = "";
        if (c->older_from_ms)
            fmt_time(c->older_from_ms, "  No messages since %Y-%m-%d. m writes one.", since, sizeof since);
        const char *note = since[0]  ? since
                           : c->loaded ? "  No messages in the last 30 days. m writes one. k looks further back."
                           : c->fetching ? "  Loading the messages of the last 30 days…"
                                         : "  Nothing loaded yet. Ctrl-R tries again.";
        draw_text_at(y++, 0, width, SLOT_STATUS_MUTED, note);
        while (y < bottom)
            draw_text_at(y++, 0, width, SLOT_NORMAL, "");
        return;
    }
    layout(c, width);
    scroll_into_view(c, h);
    size_t i = item_at_row(c, c->top), skip = c->top - c->starts[i];
    for (; i < c->nitems && y < bottom; i++, skip = 0)
        y += draw_item(c, i, skip, y, bottom, width);
    while (y < bottom)
        draw_text_at(y++, 0, width, SLOT_NORMAL, "");
}

/* ------------------------------------------------------------------ keys */

static const user_rec *driver_row(conv *c, const table **t_out)
{
    app *a = c->a;
    char conn[UUID_STR_LEN];
    if (!app_connection_id(a, conn) || strcmp(conn, c->conn_s) != 0)
        return NULL;
    const table *t = store_table(&a->st, (size_t)a->conn_sel, KIND_DRIVER);
    long i = table_find_id(t, &c->driver_id);
    if (i < 0)
        return NULL;
    *t_out = t;
    return table_row(t, (size_t)i);
}

static unsigned write_to_driver(conv *c, bool reply)
{
    app *a = c->a;
    const char *why = action_can_message(a);
    if (why) {
        app_set_message(a, SLOT_STATUS_WARN, "%s: %s", reply ? "reply" : "message", why);
        return DIRTY_MESSAGE;
    }
    const table *t = NULL;
    const user_rec *d = driver_row(c, &t);
    if (!d) {
        app_set_message(a, SLOT_STATUS_WARN, "%s is no longer in the drivers list; reload it (r) and try again.",
                        c->driver_name);
        return DIRTY_MESSAGE;
    }
    if (!reply) {
        composer_open_message(a, d, t, NULL);
        return DIRTY_ALL;
    }
    if (c->cursor >= c->nitems) {
        app_set_message(a, SLOT_STATUS_WARN, "No message to reply to; m writes a new one.");
        return DIRTY_MESSAGE;
    }
    const conv_msg *m = c->items[c->cursor].m;
    if (uuid_is_nil(&m->id)) {
        app_set_message(a, SLOT_STATUS_WARN, "This message is not sent yet, so it has no id to reply to.");
        return DIRTY_MESSAGE;
    }
    char id[UUID_STR_LEN];
    uuid_format(&m->id, id);
    composer_open_message(a, d, t, id);
    return DIRTY_ALL;
}

static void move_cursor(conv *c, long delta)
{
    if (!c->nitems)
        return;
    long i = (long)c->cursor + delta;
    if (i < 0)
        i = 0;
    if (i >= (long)c->nitems)
        i = (long)c->nitems - 1;
    c->cursor = (size_t)i;
    c->follow = c->cursor == c->nitems - 1;
    remember_selection(c);
}

static void page(conv *c, int dir)
{
    if (!c->nitems || c->layout_width == 0)
        return;
    size_t h = c->last_h > 2 ? (size_t)c->last_h - 1 : 1;
    size_t row = c->starts[c->cursor];
    size_t target = dir > 0 ? row + h : row > h ? row - h : 0;
    if (target >= c->total_rows)
        target = c->total_rows - 1;
    size_t i = item_at_row(c, target);
    if (i == c->cursor)
        move_cursor(c, dir);
    else
        move_cursor(c, (long)i - (long)c->cursor);
}

enum { CV_REPLY, CV_NEW, CV_MOVE, CV_ENDS, CV_PAGE, CV_REFRESH, CV_OPEN, CV_CLOSE };

static const overlay_key conv_keys[] = {
    {"r R", CV_REPLY, "Reply to the selected message", "reply", 0},
    {"m", CV_NEW, "Write a new message", "new message", 0},
    {SCROLL_KEYS_LINE, CV_MOVE, "Select the next or previous message (up at the top: load older ones)", "select", 2},
    {SCROLL_KEYS_ENDS, CV_ENDS, "Select the oldest or the newest message (g at the top: load older ones)",
     "oldest/newest", 2},
    {SCROLL_KEYS_PAGE, CV_PAGE, "A screen of messages", NULL, 0},
    {"<C-r>", CV_REFRESH, "Refresh now (it also refreshes every 10 s)", "refresh", 0},
    {"<Enter>", CV_OPEN, "A message on its way or failed: its operation", NULL, 0},
    {"<Esc> q", CV_CLOSE, "Close the conversation", "close", 0},
};
const overlay_keymap conversation_keymap = OVERLAY_KEYMAP("conversation", conv_keys);

static unsigned conv_command(void *state, app *a, int cmd, int key)
{
    conv *c = state;
    if (a->message[0]) {
        a->message[0] = '\0';
        a->dirty |= DIRTY_MESSAGE;
    }
    long delta = 0;
    bool at_top = c->cursor == 0; /* up from the top (or in an empty one) loads older messages */
    switch (cmd) {
    case CV_CLOSE:
        app_overlay_pop(a);
        return DIRTY_ALL;
    case CV_MOVE:
    case CV_ENDS:
        scroll_delta(key, 1, (long)c->nitems, &delta);
        move_cursor(c, delta);
        if (delta < 0 && at_top)
            conv_fetch_older(c);
        return DIRTY_LIST;
    case CV_PAGE:
        scroll_delta(key, 1, 1, &delta);
        page(c, delta > 0 ? 1 : -1);
        if (delta < 0 && at_top)
            conv_fetch_older(c);
        return DIRTY_LIST;
    case CV_REPLY:
        return write_to_driver(c, true);
    case CV_NEW:
        return write_to_driver(c, false);
    case CV_REFRESH:
        conv_fetch(c);
        return DIRTY_LIST;
    case CV_OPEN:
        if (c->cursor < c->nitems && (c->items[c->cursor].m->flags & CF_LOCAL)) {
            char op[UUID_STR_LEN];
            snprintf(op, sizeof op, "%s", strpool_get(c->items[c->cursor].pool, c->items[c->cursor].m->op_id));
            opdetail_open(a, op);
            return DIRTY_ALL;
        }
        app_set_message(a, SLOT_STATUS_MUTED, "r replies to the selected message; m writes a new one.");
        return DIRTY_MESSAGE;
    default:
        return 0;
    }
}

/* After each loop turn: refetch when it comes back on top (a composer over it closed), when the
 * timer said so, or when a write to this driver succeeded that the last fetch did not list. */
static void conv_idle(void *state, app *a)
{
    conv *c = state;
    ui_overlay *o = app_overlay_top(a);
    bool top = o && o->state == c;
    bool want = conv_scan_ops(c, false);
    if (top && !c->was_top)
        want = true;
    /* Opened before the connection's dispatchers were loaded: "You" is known only now. */
    if (!c->have_you && !c->fetching && app_default_sender(a, NULL))
        want = true;
    c->was_top = top;
    if (want || c->stale) {
        if (top)
            conv_fetch(c);
        else
            c->stale = true;
    }
}

static void conv_destroy(void *state, app *a)
{
    conv *c = state;
    (void)a;
    conv_fetch_cancel(c);
    conv_list_free(&c->msgs);
    conv_list_free(&c->locals);
    conv_list_free(&c->older);
    free(c->items);
    free(c->starts);
    free(c);
}

static const overlay_ops conv_ops = {
    .name = "conversation",
    .draw = conv_draw,
    .keymap = &conversation_keymap,
    .command = conv_command,
    .destroy = conv_destroy,
    .idle = conv_idle,
    .pane_keys = true,
};

void conversation_open(app *a, const user_rec *driver, const table *drivers)
{
    char conn[UUID_STR_LEN];
    if (!driver || !drivers)
        return;
    if (!app_connection_id(a, conn)) {
        app_set_message(a, SLOT_STATUS_WARN, "conversation: choose a connection first (1, then Enter)");
        return;
    }
    conv *c = xcalloc(1, sizeof *c);
    c->a = a;
    snprintf(c->conn_s, sizeof c->conn_s, "%s", conn);
    uuid_parse(conn, &c->conn_id);
    c->driver_id = driver->id;
    uuid_format(&driver->id, c->driver_s);
    user_display_name(drivers, driver, c->driver_name, sizeof c->driver_name);
    snprintf(c->driver_user, sizeof c->driver_user, "%s", table_str(drivers, driver->username));
    c->follow = true;
    c->was_top = true;
    app_overlay_push(a, &conv_ops, c);
    ui_overlay *o = app_overlay_top(a);
    if (!o || o->state != c)
        return; /* not pushed (too many windows): already freed */
    conv_fetch(c);
    if (!c->closing) {
        conv_scan_ops(c, true);
        conv_rebuild_items(c);
    }
}
