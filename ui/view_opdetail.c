/* Operation detail: one resource operation as the tracker knows it now: its status, ids, every
 * attempt's log and the payload Catena sent to the TSP (pretty-printed). The op is looked up
 * afresh with ops_find on every draw (never kept across turns), and the tracker polls it with
 * the single-operation GET while this view is open. `e` re-opens a failed message in the
 * composer to fix and send again. */
#include "common/strbuf.h"
#include "common/uuid.h"
#include "core/api_json.h"
#include "core/api_messages.h"
#include "core/drafts.h"
#include "core/ops.h"
#include "core/text.h"
#include "ui/flows.h"
#include "ui/keys.h"
#include "ui/overlay.h"
#include "ui/wrap.h"

#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    LABEL_COLS = 15,  /* " Operation id  " */
    MAX_SEGS = 6,
    DETAILS_MIN = 24, /* narrower than this, an attempt's details go on the lines below it */
};

/* ------------------------------------------------------------------ body lines */

/* One run of text in one theme slot; cols > 0 pads or cuts it to that many columns, 0 takes
 * its own width (the last run of a line takes the rest of the line). */
typedef struct seg {
    char *text; /* sanitized */
    theme_slot slot;
    int cols;
} seg;

typedef struct dline {
    seg s[MAX_SEGS];
    int n;
} dline;

typedef struct body {
    dline *v;
    size_t n, cap;
} body;

static void body_line(body *b)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 64;
        b->v = xrealloc(b->v, b->cap * sizeof *b->v);
    }
    memset(&b->v[b->n++], 0, sizeof *b->v);
}

/* Appends a run to the last line. Whatever comes in is sanitized here, so no server string
 * reaches the screen raw, however it got into the body. */
static void body_seg(body *b, theme_slot slot, int cols, const char *text)
{
    if (!b->n)
        body_line(b);
    dline *l = &b->v[b->n - 1];
    if (l->n == MAX_SEGS)
        return;
    l->s[l->n++] = (seg){text_sanitize_str(text ? text : ""), slot, cols};
}

static void body_add(body *b, theme_slot slot, const char *text)
{
    body_line(b);
    body_seg(b, slot, 0, text);
}

static void body_free(body *b)
{
    for (size_t i = 0; i < b->n; i++)
        for (int k = 0; k < b->v[i].n; k++)
            free(b->v[i].s[k].text);
    free(b->v);
    memset(b, 0, sizeof *b);
}

/* Adds text as lines of at most cols columns: the first led by indent columns (or, with
 * first_on_last, continuing the last line), the others by indent + more. */
static void body_wrap(body *b, theme_slot slot, int indent, int more, int cols, const char *text, bool first_on_last)
{
    char *clean = text_sanitize_str(text);
    text_wrap w;
    wrap_init(&w, clean, cols);
    const char *line;
    size_t n;
    for (bool first = true; wrap_next(&w, &line, &n); first = false) {
        int in = first ? indent : indent + more;
        char *piece = xstrndup(line, n);
        if (!(first && first_on_last)) {
            body_line(b);
            if (in > 0)
                body_seg(b, SLOT_NORMAL, in, "");
        }
        body_seg(b, slot, 0, piece);
        free(piece);
        w.width = cols - more; /* the lines after the first hang `more` columns further in */
    }
    free(clean);
}

/* ------------------------------------------------------------------ formatting */

/* "2025-03-04T08:00:02.123456Z" -> "2025-03-04 08:00:02 UTC"; anything else as it came. */
static void fmt_datetime(const char *s, char *out, size_t cap)
{
    if (!s || !*s) {
        snprintf(out, cap, "—");
        return;
    }
    size_t len = strlen(s);
    if (len < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':') {
        snprintf(out, cap, "%s", s);
        return;
    }
    const char *z = s + 19;
    if (*z == '.')
        for (z++; *z >= '0' && *z <= '9'; z++)
            ;
    const char *zone = (*z == 'Z' || *z == 'z' || strcmp(z, "+00:00") == 0 || !*z) ? "UTC" : z;
    snprintf(out, cap, "%.10s %.8s %s", s, s + 11, zone);
}

static void fmt_clock(const char *s, char *out, size_t cap)
{
    if (s && strlen(s) >= 19 && s[13] == ':' && s[16] == ':')
        snprintf(out, cap, "%.8s", s + 11);
    else
        snprintf(out, cap, "%s", s && *s ? s : "—");
}

static theme_slot status_slot(op_status s)
{
    return s == OP_PENDING ? SLOT_STATUS_PENDING : s == OP_SUCCESS ? SLOT_STATUS_SUCCESS
                                              : s == OP_FAILED    ? SLOT_STATUS_FAILED
                                                                  : SLOT_STATUS_MUTED;
}

static theme_slot log_slot(const char *status)
{
    if (status && strcmp(status, "success") == 0)
        return SLOT_STATUS_SUCCESS;
    if (status && strcmp(status, "failed") == 0)
        return SLOT_STATUS_FAILED;
    return SLOT_STATUS_MUTED;
}

static bool is_message(const op_rec *op)
{
    return op->resource && (strcmp(op->resource, "message") == 0 || strcmp(op->resource, "group_message") == 0);
}

/* " Label         value" */
static void field(body *b, const char *label, theme_slot slot, const char *value)
{
    char l[64];
    snprintf(l, sizeof l, " %s", label);
    body_line(b);
    body_seg(b, SLOT_STATUS_MUTED, LABEL_COLS, l);
    body_seg(b, slot, 0, value);
}

/* ------------------------------------------------------------------ building the body */

static void add_header(body *b, const op_rec *op, int width)
{
    char buf[512], t1[80], t2[80];
    body_line(b);
    body_seg(b, SLOT_STATUS_MUTED, LABEL_COLS, " Status");
    body_seg(b, status_slot(op->status), 0, op_status_name(op->status));
    if (op->nlogs)
        snprintf(buf, sizeof buf, " · %d attempt%s", op->nlogs, op->nlogs == 1 ? "" : "s");
    else
        snprintf(buf, sizeof buf, "%s", op->status == OP_PENDING ? " · not tried yet" : "");
    body_seg(b, SLOT_NORMAL, 0, buf);

    snprintf(buf, sizeof buf, "%s · %s", op->resource ? op->resource : "?", op->operation_type ? op->operation_type : "?");
    field(b, "Resource", SLOT_NORMAL, buf);
    field(b, "TSP", SLOT_NORMAL, op->source_name ? op->source_name : "—");
    /* Updated on the same day as created: only its time of day. */
    fmt_datetime(op->created_at, t1, sizeof t1);
    fmt_datetime(op->updated_at, t2, sizeof t2);
    bool same_day = strlen(t1) >= 20 && strlen(t2) >= 20 && t1[10] == ' ' && t1[19] == ' ' && t2[19] == ' ' &&
                    strncmp(t1, t2, 11) == 0 && strcmp(t1 + 19, t2 + 19) == 0;
    snprintf(buf, sizeof buf, "%s   updated %s", t1, same_day ? t2 + 11 : t2);
    field(b, "Created", SLOT_NORMAL, buf);
    field(b, "Operation id", SLOT_NORMAL, op->id);
    const char *none = op->status == OP_FAILED ? "— none: it failed" : op->status == OP_SUCCESS ? "— not reported"
                                                                                                 : "— until it succeeds";
    field(b, "resource_id", op->resource_id ? SLOT_NORMAL : SLOT_STATUS_MUTED, op->resource_id ? op->resource_id : none);
    field(b, "source_id", op->source_id ? SLOT_NORMAL : SLOT_STATUS_MUTED, op->source_id ? op->source_id : none);
    if (!op->mine)
        field(b, "Sent by", SLOT_STATUS_MUTED, "another client of this connection");

    if (op->status == OP_PENDING)
        body_wrap(b, SLOT_STATUS_MUTED, 1, 0, width - 2,
                  "Catena is sending it to the TSP and retries transient errors; this view follows it.", false);
    else if (op->status == OP_FAILED && is_message(op))
        body_wrap(b, SLOT_STATUS_WARN, 1, 0, width - 2,
                  "e re-opens the message in the composer, to fix it and send it again.", false);
    else if (op->status == OP_UNKNOWN)
        body_wrap(b, SLOT_STATUS_MUTED, 1, 0, width - 2,
                  "Catena did not give a usable status for it; it is no longer polled.", false);
}

static void add_attempts(body *b, const op_rec *op, int width)
{
    char buf[64];
    body_add(b, SLOT_NORMAL, "");
    snprintf(buf, sizeof buf, " Attempts (%d)", op->nlogs);
    body_add(b, SLOT_HELP_GROUP, buf);
    if (!op->nlogs) {
        body_add(b, SLOT_STATUS_MUTED, op->status == OP_PENDING ? "   None yet: Catena has not tried the TSP."
                                                                 : "   None reported.");
        return;
    }
    /* "  #1  08:00:02  failed   tsp         HTTP 503  details", in columns when the width
     * allows, else packed, with the details on the lines below. */
    const int prefix = 6 + 10 + 9 + 12 + 10;
    bool columns = width >= 60;
    bool inline_details = width - prefix >= DETAILS_MIN;
    for (int i = 0; i < op->nlogs; i++) {
        const op_log *lg = &op->logs[i];
        char num[16], tm[40], code[32];
        const char *type = lg->error_type ? lg->error_type : "";
        fmt_clock(lg->created_at, tm, sizeof tm);
        if (lg->response_status_code >= 0)
            snprintf(code, sizeof code, "HTTP %d", lg->response_status_code);
        else
            snprintf(code, sizeof code, "no reply");
        body_line(b);
        if (columns) {
            snprintf(num, sizeof num, "  #%d", i + 1);
            body_seg(b, SLOT_NORMAL, 6, num);
            body_seg(b, SLOT_NORMAL, 10, tm);
            body_seg(b, log_slot(lg->status), 9, lg->status ? lg->status : "?");
            body_seg(b, SLOT_NORMAL, 12, type);
            body_seg(b, SLOT_NORMAL, 10, code);
        } else {
            char lead[80], rest[128];
            snprintf(lead, sizeof lead, "  #%d %s ", i + 1, tm);
            snprintf(rest, sizeof rest, " %s%s%s", type, *type ? " " : "", code);
            body_seg(b, SLOT_NORMAL, 0, lead);
            body_seg(b, log_slot(lg->status), 0, lg->status ? lg->status : "?");
            body_seg(b, SLOT_NORMAL, 0, rest);
        }
        if (!lg->error_details || !*lg->error_details)
            continue;
        if (columns && inline_details)
            body_wrap(b, SLOT_NORMAL, prefix, 0, width - prefix, lg->error_details, true);
        else
            body_wrap(b, SLOT_NORMAL, 6, 0, width - 7, lg->error_details, false);
    }
}

/* The payload pretty-printed (api_json_pretty indents with tabs: two spaces a level here); long
 * lines are cut into pieces of the width, continued two columns further in. */
static void add_payload(body *b, const op_rec *op, int width)
{
    body_add(b, SLOT_NORMAL, "");
    body_add(b, SLOT_HELP_GROUP, " Payload sent to the TSP");
    if (!op->payload_json) {
        body_add(b, SLOT_STATUS_MUTED, "   Not known yet.");
        return;
    }
    body_wrap(b, SLOT_STATUS_MUTED, 3, 0, width - 4, "Ids as Catena resolved them; source_* are the TSP's own ids.",
              false);
    char *pretty = api_json_pretty(op->payload_json);
    if (!pretty) {
        body_wrap(b, SLOT_NORMAL, 3, 2, width - 4, op->payload_json, false);
        return;
    }
    for (const char *p = pretty; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        int tabs = 0;
        while ((size_t)tabs < len && p[tabs] == '\t')
            tabs++;
        char *clean = text_sanitize(p + tabs, len - (size_t)tabs, false);
        int indent = 3 + 2 * tabs;
        if (indent > width / 2)
            indent = width / 2;
        body_wrap(b, SLOT_NORMAL, indent, 2, width - indent - 1, clean, false);
        free(clean);
        p += len;
        if (*p == '\n')
            p++;
    }
    free(pretty);
}

static void build(body *b, const op_rec *op, const char *op_id, int width)
{
    if (!op) {
        body_add(b, SLOT_STATUS_WARN, " This operation is no longer tracked (too old, or the journal dropped it).");
        field(b, "Operation id", SLOT_NORMAL, op_id);
        return;
    }
    add_header(b, op, width);
    add_attempts(b, op, width);
    add_payload(b, op, width);
}

/* ------------------------------------------------------------------ the overlay */

typedef struct opdetail {
    char op_id[UUID_STR_LEN];
    size_t top;      /* first body line shown */
    size_t nlines;   /* body lines at the last draw */
    int rows;        /* body rows at the last draw */
    uint64_t seen;   /* signature of the op as last drawn (or as a redraw was asked for) */
} opdetail;

static uint64_t mix(uint64_t h, const char *s)
{
    if (!s)
        return (h ^ 0xff) * 1099511628211ULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return (h ^ 0xfe) * 1099511628211ULL;
}

/* What the view shows of op, as one number: a change of it asks for a redraw. */
static uint64_t op_signature(const op_rec *op)
{
    uint64_t h = 1469598103934665603ULL;
    if (!op)
        return h;
    char n[32];
    snprintf(n, sizeof n, "%d/%d/%d", (int)op->status, op->nlogs, op->mine);
    h = mix(h, n);
    h = mix(h, op->label);
    h = mix(h, op->resource);
    h = mix(h, op->operation_type);
    h = mix(h, op->source_name);
    h = mix(h, op->created_at);
    h = mix(h, op->updated_at);
    h = mix(h, op->resource_id);
    h = mix(h, op->source_id);
    h = mix(h, op->payload_json);
    for (int i = 0; i < op->nlogs; i++) {
        const op_log *lg = &op->logs[i];
        snprintf(n, sizeof n, "%d", lg->response_status_code);
        h = mix(mix(mix(mix(mix(h, n), lg->created_at), lg->status), lg->error_type), lg->error_details);
    }
    return h;
}

static const op_rec *current_op(app *a, const opdetail *v)
{
    return a->ops ? ops_find(a->ops, v->op_id) : NULL;
}

static void draw_segs(int y, int width, const dline *l)
{
    int x = 0;
    for (int k = 0; k < l->n && x < width; k++) {
        const seg *s = &l->s[k];
        int w = k == l->n - 1 ? width - x : s->cols > 0 ? s->cols : text_width(s->text);
        if (w > width - x)
            w = width - x;
        if (w <= 0)
            continue;
        draw_text_at(y, x, w, s->slot, s->text);
        x += w;
    }
    if (x < width)
        draw_text_at(y, x, width - x, SLOT_NORMAL, "");
}

static void opdetail_draw(void *state, app *a, int top, int height, int width)
{
    opdetail *v = state;
    if (height <= 0 || width <= 0)
        return;
    const op_rec *op = current_op(a, v);
    v->seen = op_signature(op);
    body b = {0};
    build(&b, op, v->op_id, width);
    int rows = height - 1;
    v->rows = rows > 0 ? rows : 0;
    v->nlines = b.n;
    size_t maxtop = b.n > (size_t)v->rows ? b.n - (size_t)v->rows : 0;
    if (v->top > maxtop)
        v->top = maxtop;

    char title[600], where[64] = "";
    const char *what = op && op->label && *op->label ? op->label : NULL;
    char other[160];
    if (op && !what) {
        snprintf(other, sizeof other, "%s %s%s", op->resource ? op->resource : "?",
                 op->operation_type ? op->operation_type : "", op->mine ? "" : " (other client)");
        what = other;
    }
    snprintf(title, sizeof title, " Operation · %s", what ? what : v->op_id);
    if (b.n > (size_t)v->rows && v->rows > 0)
        snprintf(where, sizeof where, " %zu–%zu of %zu ", v->top + 1, v->top + (size_t)v->rows, b.n);
    int ww = text_width(where);
    if (ww && width - ww >= 20) {
        draw_text_at(top, 0, width - ww, SLOT_HEADER, title);
        draw_text_at(top, width - ww, ww, SLOT_HEADER, where);
    } else {
        draw_text_at(top, 0, width, SLOT_HEADER, title);
    }
    /* Only the visible lines are drawn. */
    for (int r = 0; r < v->rows; r++) {
        size_t i = v->top + (size_t)r;
        if (i < b.n)
            draw_segs(top + 1 + r, width, &b.v[i]);
        else
            draw_text_at(top + 1 + r, 0, width, SLOT_NORMAL, "");
    }
    body_free(&b);
}

/* ------------------------------------------------------------------ `e`: back to the composer */

/* "Name (username)" of a driver of that connection, when the console has loaded them. */
static char *driver_label(app *a, const char *conn_id, const char *user_id)
{
    uuid cid, uid;
    if (!conn_id || !user_id || !uuid_parse(conn_id, &cid) || !uuid_parse(user_id, &uid))
        return NULL;
    const table *conns = &a->st.connections;
    for (size_t i = 0; i < conns->count; i++) {
        const connection_rec *c = table_row(conns, i);
        if (!uuid_equal(&c->id, &cid))
            continue;
        const table *drivers = store_table(&a->st, i, KIND_DRIVER);
        long r = drivers ? table_find_id(drivers, &uid) : -1;
        if (r < 0)
            return NULL;
        const user_rec *u = table_row(drivers, (size_t)r);
        char name[200], label[300];
        user_display_name(drivers, u, name, sizeof name);
        const char *user = table_str(drivers, u->username);
        snprintf(label, sizeof label, "%s%s%s%s", name, *user ? " (" : "", user, *user ? ")" : "");
        return text_sanitize_str(label);
    }
    return NULL;
}

static char *after_prefix(const char *label, const char *prefix)
{
    size_t n = strlen(prefix);
    if (label && strncmp(label, prefix, n) == 0 && label[n])
        return xstrdup(label + n);
    return NULL;
}

/* Why the last attempt failed, as the composer shows it ("validation, TSP HTTP 422: ..."). */
static char *last_error_of(const op_rec *op)
{
    for (int i = op->nlogs - 1; i >= 0; i--) {
        const op_log *lg = &op->logs[i];
        if (!lg->status || strcmp(lg->status, "failed") != 0)
            continue;
        strbuf sb = STRBUF_INIT;
        strbuf_puts(&sb, lg->error_type ? lg->error_type : "error");
        if (lg->response_status_code >= 0)
            strbuf_printf(&sb, ", TSP HTTP %d", lg->response_status_code);
        if (lg->error_details && *lg->error_details)
            strbuf_printf(&sb, ": %s", lg->error_details);
        return strbuf_detach(&sb);
    }
    return xstrdup("the operation failed at the TSP");
}

/* Fills d from a failed message op's payload; NULL, or why not. */
static const char *draft_from_op(app *a, const op_rec *op, draft *d)
{
    bool group = strcmp(op->resource, "group_message") == 0;
    api_msg_payload p;
    if (api_msg_payload_read(op->payload_json, &p) != 0)
        return "the payload of this operation is not known, so there is nothing to re-open";
    memset(d, 0, sizeof *d);
    d->kind = group ? DRAFT_GROUP_MESSAGE : DRAFT_MESSAGE;
    drafts_new_id(d->id);
    d->connection_id = p.connection_id ? p.connection_id : xstrdup(op->connection_id);
    d->sender_id = p.sender_id;
    if (group) {
        d->recipient_ids = p.recipient_ids;
        d->nrecipients = p.nrecipients;
        p.recipient_ids = NULL;
        p.nrecipients = 0;
    } else {
        d->recipient_id = p.recipient_id;
        p.recipient_id = NULL;
        uuid u;
        if (!d->recipient_id && op->target_id && uuid_parse(op->target_id, &u)) {
            char s[UUID_STR_LEN];
            uuid_format(&u, s);
            d->recipient_id = xstrdup(s);
        }
    }
    d->text = p.text;
    d->priority = p.priority;
    if (!group) {
        d->reply_to_message_id = p.reply_to_message_id;
        p.reply_to_message_id = NULL;
    }
    p.connection_id = p.sender_id = p.text = p.priority = NULL; /* now the draft's */
    api_msg_payload_free(&p);

    if (!d->sender_id || (group ? d->nrecipients == 0 : !d->recipient_id)) {
        draft_free(d);
        memset(d, 0, sizeof *d);
        return "the payload names no sender or no recipient; write the message again from the drivers list (2)";
    }
    d->recipient_label = after_prefix(op->label, group ? "Group message to " : "Message to ");
    if (!d->recipient_label && !group)
        d->recipient_label = driver_label(a, d->connection_id, d->recipient_id);
    if (!d->recipient_label) {
        strbuf sb = STRBUF_INIT;
        if (group)
            strbuf_printf(&sb, "%zu driver%s", d->nrecipients, d->nrecipients == 1 ? "" : "s");
        else
            strbuf_puts(&sb, d->recipient_id);
        d->recipient_label = strbuf_detach(&sb);
    }
    d->last_error = last_error_of(op);
    return NULL;
}

static unsigned reopen_in_composer(opdetail *v, app *a)
{
    const op_rec *op = current_op(a, v);
    if (!op) {
        app_set_message(a, SLOT_STATUS_WARN, "e: this operation is no longer tracked.");
        return DIRTY_MESSAGE;
    }
    if (!is_message(op)) {
        app_set_message(a, SLOT_STATUS_WARN,
                        "e: only a failed message goes back to the composer; for a %s, edit the record again from its list.",
                        op->resource ? op->resource : "record");
        return DIRTY_MESSAGE;
    }
    if (op->status != OP_FAILED) {
        app_set_message(a, SLOT_STATUS_WARN, "e: only a failed message goes back to the composer; this one %s.",
                        op->status == OP_PENDING   ? "is still pending"
                        : op->status == OP_SUCCESS ? "reached the TSP"
                                                   : "has no known status");
        return DIRTY_MESSAGE;
    }
    draft d;
    const char *why = draft_from_op(a, op, &d);
    if (why) {
        app_set_message(a, SLOT_STATUS_WARN, "e: %s.", why);
        return DIRTY_MESSAGE;
    }
    /* The draft holds copies: closing the detail (which may let the tracker drop op) is safe. */
    app_overlay_pop(a); /* frees v */
    composer_open_draft(a, &d);
    draft_free(&d);
    app_set_message(a, SLOT_STATUS_MUTED, "Re-opened the failed message: fix it, Ctrl-X sends it again, Esc keeps a draft.");
    return DIRTY_ALL;
}

/* ------------------------------------------------------------------ keys and life */

enum { OD_SCROLL, OD_REOPEN, OD_CLOSE };

static const overlay_key opdetail_keys[] = {
    {SCROLL_KEYS_LINE, OD_SCROLL, "Scroll a line", "scroll", 2},
    {SCROLL_KEYS_PAGE " <Space>", OD_SCROLL, "Scroll a page", "", 2},
    {SCROLL_KEYS_ENDS, OD_SCROLL, "Top or end", "top/end", 2},
    {"e", OD_REOPEN, "A failed message: re-open it in the composer", "re-open a failed message", 0},
    {"<Esc> q", OD_CLOSE, "Close", "close", 0},
};
const overlay_keymap opdetail_keymap = OVERLAY_KEYMAP("operation detail", opdetail_keys);

static unsigned opdetail_command(void *state, app *a, int cmd, int key)
{
    opdetail *v = state;
    switch (cmd) {
    case OD_CLOSE:
        app_overlay_pop(a);
        return DIRTY_ALL;
    case OD_REOPEN:
        return reopen_in_composer(v, a);
    default: {
        size_t maxtop = v->nlines > (size_t)v->rows ? v->nlines - (size_t)v->rows : 0;
        long delta = 0;
        scroll_delta(key, v->rows > 2 ? v->rows - 1 : 1, (long)v->nlines, &delta);
        v->top = scroll_apply(v->top, delta, maxtop);
        return DIRTY_LIST;
    }
    }
}

/* After each loop turn: when the tracker changed what this view shows, draw it again (the
 * operations pane asks for redraws only while it is open). */
static void opdetail_idle(void *state, app *a)
{
    opdetail *v = state;
    uint64_t sig = op_signature(current_op(a, v));
    if (sig != v->seen) {
        v->seen = sig;
        a->dirty |= DIRTY_LIST;
    }
}

static void opdetail_destroy(void *state, app *a)
{
    if (a->ops)
        ops_tracker_watch_detail(a->ops, NULL);
    free(state);
}

static const overlay_ops opdetail_ops = {
    .name = "operation",
    .draw = opdetail_draw,
    .keymap = &opdetail_keymap,
    .command = opdetail_command,
    .destroy = opdetail_destroy,
    .idle = opdetail_idle,
    .pane_keys = true,
};

void opdetail_open(app *a, const char *op_id)
{
    if (!a->ops) {
        app_set_message(a, SLOT_STATUS_WARN, "Not connected: no operations to show.");
        return;
    }
    const op_rec *op = op_id ? ops_find(a->ops, op_id) : NULL;
    if (!op) {
        app_set_message(a, SLOT_STATUS_WARN, "That operation is no longer tracked.");
        return;
    }
    opdetail *v = xcalloc(1, sizeof *v);
    snprintf(v->op_id, sizeof v->op_id, "%s", op->id);
    v->seen = op_signature(op);
    /* Poll this op on its own while it is shown (fresh logs even when the list poll is idle). */
    ops_tracker_watch_detail(a->ops, v->op_id);
    app_overlay_push(a, &opdetail_ops, v);
}
