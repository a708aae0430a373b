/* Group messages: the selected connection's group messages of the last 30 days (text, sender,
 * number of recipients, status; columns from the resource table), and Enter on one: its text and
 * its recipients by name. The API reports one delivery status for the whole group, not one per
 * recipient, so the recipients' lines say so instead of inventing one. Enter on a recipient who
 * is a driver opens their conversation (where the group message shows, marked as such). */
#include "ui/app.h"

#include "core/api_messages.h"
#include "core/text.h"
#include "ui/flows.h"
#include "ui/overlay.h"
#include "ui/wrap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const view_ops group_messages_view_ops = {.name = "Groups", .noun = "group messages", .kind = KIND_GROUP_MESSAGE};

typedef struct gm_detail {
    app *a;
    char conn_s[UUID_STR_LEN];
    char *text, *sender, *status, *sent;
    uuid *rcpt;
    size_t nrcpt;
    size_t cursor, top;
    int text_rows; /* rows above the recipients at the last draw */
} gm_detail;

/* The recipient's name (a driver of the connection, else one of its staff), or "" when unknown. */
static bool recipient_name(app *a, const uuid *id, char *out, size_t cap, const user_rec **driver)
{
    out[0] = '\0';
    *driver = NULL;
    if (a->conn_sel < 0)
        return false;
    conn_tables *ct = store_conn_tables(&a->st, (size_t)a->conn_sel);
    long i = table_find_id(&ct->drivers, id);
    if (i >= 0) {
        *driver = table_row(&ct->drivers, (size_t)i);
        user_display_name(&ct->drivers, *driver, out, cap);
        return true;
    }
    i = table_find_id(&ct->staff, id);
    if (i >= 0) {
        user_display_name(&ct->staff, table_row(&ct->staff, (size_t)i), out, cap);
        return true;
    }
    return false;
}

static void gm_draw(void *state, app *a, int top, int height, int width)
{
    gm_detail *d = state;
    int y = top, bottom = top + height;
    char line[1024];
    snprintf(line, sizeof line, " Group message · %s · from %s · %zu recipient%s", d->sent,
             *d->sender ? d->sender : "?", d->nrcpt, d->nrcpt == 1 ? "" : "s");
    draw_text_at(y++, 0, width, SLOT_HEADER, line);
    text_wrap w;
    const char *l;
    size_t n;
    wrap_init(&w, d->text, width > 6 ? width - 4 : 2);
    while (y < bottom - 2 && wrap_next(&w, &l, &n)) {
        snprintf(line, sizeof line, "   %.*s", (int)(n < 1000 ? n : 1000), l);
        draw_text_at(y++, 0, width, SLOT_NORMAL, line);
    }
    if (y < bottom)
        draw_text_at(y++, 0, width, SLOT_NORMAL, "");
    if (y < bottom) {
        snprintf(line, sizeof line, " Recipients · status %s for the whole group (the API gives none per recipient)",
                 *d->status ? d->status : "unknown");
        draw_text_at(y++, 0, width, SLOT_HELP_GROUP, line);
    }
    d->text_rows = y - top;
    size_t rows = bottom > y ? (size_t)(bottom - y) : 0;
    if (rows && d->cursor >= d->top + rows)
        d->top = d->cursor - rows + 1;
    if (d->cursor < d->top)
        d->top = d->cursor;
    for (size_t i = d->top; i < d->nrcpt && y < bottom; i++) {
        char name[200], id[UUID_STR_LEN];
        const user_rec *drv;
        uuid_format(&d->rcpt[i], id);
        if (!recipient_name(a, &d->rcpt[i], name, sizeof name, &drv))
            snprintf(name, sizeof name, "(not in this connection's users)");
        char padded[400];
        text_fit_pad(name, 28, true, padded, sizeof padded); /* pads by columns, not bytes */
        snprintf(line, sizeof line, " %s %s %s%s", i == d->cursor ? "▌" : " ", padded, id, drv ? "" : "  not a driver");
        draw_text_at(y++, 0, width, i == d->cursor ? SLOT_CURSOR : SLOT_NORMAL, line);
    }
    while (y < bottom)
        draw_text_at(y++, 0, width, SLOT_NORMAL, "");
}

enum { GM_MOVE, GM_OPEN, GM_CLOSE };

static const overlay_key gm_keys[] = {
    {SCROLL_KEYS_LINE, GM_MOVE, "Select the next or previous recipient", "select", 2},
    {SCROLL_KEYS_ENDS, GM_MOVE, "Select the first or the last recipient", NULL, 0},
    {"<Enter>", GM_OPEN, "The selected recipient's conversation", "conversation", 0},
    {"<Esc> q", GM_CLOSE, "Close the group message", "close", 0},
};
const overlay_keymap group_message_keymap = OVERLAY_KEYMAP("group message", gm_keys);

static unsigned gm_command(void *state, app *a, int cmd, int key)
{
    gm_detail *d = state;
    long delta = 0;
    switch (cmd) {
    case GM_CLOSE:
        app_overlay_pop(a);
        return DIRTY_ALL;
    case GM_MOVE:
        if (!d->nrcpt || !scroll_delta(key, 1, (long)d->nrcpt, &delta))
            return 0;
        d->cursor = scroll_apply(d->cursor, delta, d->nrcpt - 1);
        return DIRTY_LIST;
    case GM_OPEN: {
        char name[200];
        const user_rec *drv = NULL;
        if (d->cursor < d->nrcpt)
            recipient_name(a, &d->rcpt[d->cursor], name, sizeof name, &drv);
        if (!drv) {
            app_set_message(a, SLOT_STATUS_WARN, "Not a driver of this connection: there is no conversation to open.");
            return DIRTY_MESSAGE;
        }
        conversation_open(a, drv, &store_conn_tables(&a->st, (size_t)a->conn_sel)->drivers);
        return DIRTY_ALL;
    }
    default:
        return 0;
    }
}

static void gm_destroy(void *state, app *a)
{
    gm_detail *d = state;
    (void)a;
    free(d->text);
    free(d->sender);
    free(d->status);
    free(d->sent);
    free(d->rcpt);
    free(d);
}

static const overlay_ops gm_ops = {
    .name = "group message",
    .draw = gm_draw,
    .keymap = &group_message_keymap,
    .command = gm_command,
    .destroy = gm_destroy,
    .pane_keys = true,
};

void group_message_open(app *a, const void *row, const table *t)
{
    const group_msg_rec *g = row;
    if (!g || !t)
        return;
    gm_detail *d = xcalloc(1, sizeof *d);
    d->a = a;
    d->text = xstrdup(table_str(t, g->text));
    d->sender = xstrdup(table_str(t, g->sender_name));
    d->status = xstrdup(table_str(t, g->status));
    char sent[40] = "?";
    int64_t ms;
    if (conv_parse_time(table_str(t, g->occurred_at), &ms)) {
        time_t tt = (time_t)(ms / 1000);
        struct tm tm;
        localtime_r(&tt, &tm);
        strftime(sent, sizeof sent, "%Y-%m-%d %H:%M", &tm);
    }
    d->sent = xstrdup(sent);
    const char *ids = table_str(t, g->recipients);
    size_t cap = 1;
    for (const char *p = ids; *p; p++)
        cap += *p == ',';
    d->rcpt = xcalloc(cap, sizeof *d->rcpt);
    while (*ids) {
        size_t n = strcspn(ids, ",");
        char id[64];
        snprintf(id, sizeof id, "%.*s", (int)(n < 63 ? n : 63), ids);
        if (d->nrcpt < cap && uuid_parse(id, &d->rcpt[d->nrcpt]))
            d->nrcpt++;
        ids += n;
        while (*ids == ',' || *ids == ' ')
            ids++;
    }
    app_overlay_push(a, &gm_ops, d);
}
