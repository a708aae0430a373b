/* Conversation glue: starts and ends the fetch of one driver's messages (src/core/api_messages.c
 * does the requests and decoding) on the app's clock, and takes the local entries from the
 * operations tracker. */
#include "ui/view_conversation.h"

#include "common/strbuf.h"
#include "core/ops.h"
#include "ui/flows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ fetching */

static void on_tick(void *ud)
{
    conv *c = ud;
    c->timer = 0;
    c->stale = true; /* the idle hook fetches as soon as the conversation is on top */
    c->a->dirty |= DIRTY_LIST;
}

static void on_fetched(void *ud, conv_list *got, const char *error, const char *group_error)
{
    conv *c = ud;
    c->fetch = NULL;
    c->fetching = false;
    if (c->closing)
        return;
    if (!error) {
        conv_list keep = c->msgs;
        c->msgs = *got;
        *got = keep;
        c->loaded = true;
        c->error[0] = '\0';
        if (group_error) /* the driver's own messages came: say what is missing, keep them */
            snprintf(c->error, sizeof c->error, " ✗ Group messages not loaded: %s", group_error);
        c->updated_wall_ms = loop_wall_ms(c->a->l);
    } else {
        snprintf(c->error, sizeof c->error, " ✗ %s %s", c->loaded ? "Refresh failed:" : "Could not load the messages:",
                 error);
    }
    if (conv_scan_ops(c, true)) /* locals depend on what was fetched */
        c->again = true;        /* a write succeeded while this fetch was on its way */
    conv_rebuild_items(c);
    c->a->dirty |= DIRTY_LIST;
    c->timer = loop_timer_add(c->a->l, LOOP_CLOCK_APP, CONV_REFRESH_MS, on_tick, c);
    if (c->again) {
        c->again = false;
        conv_fetch(c);
    }
}

void conv_fetch(conv *c)
{
    app *a = c->a;
    if (c->closing)
        return;
    if (!a->api) {
        snprintf(c->error, sizeof c->error, " ✗ Not connected: nothing can be loaded.");
        a->dirty |= DIRTY_LIST;
        return;
    }
    if (c->fetching) {
        c->again = true; /* never two at once: one more right after this one */
        return;
    }
    if (c->timer) {
        loop_timer_cancel(a->l, c->timer);
        c->timer = 0;
    }
    c->stale = false;
    /* The window: the last 30 days by the wall clock (the API allows at most 45). Once history
     * is loaded below from_ms, the window keeps its start (that is where history ends) until it
     * would grow past 45 days. */
    int64_t now = loop_wall_ms(a->l), floor = now - ((int64_t)API_MSGS_WINDOW_MAX_DAYS * 24 - 1) * 3600 * 1000;
    if (!c->older_from_ms || c->from_ms < floor)
        c->from_ms = now - (int64_t)CONV_WINDOW_DAYS * 86400 * 1000;
    const user_rec *you = app_default_sender(a, NULL);
    c->have_you = you != NULL;
    if (you)
        c->you_id = you->id;
    api_msgs_req req = {.connection_id = c->conn_s,
                        .driver_id = c->driver_s,
                        .from_wall_ms = c->from_ms,
                        .who = {c->driver_id, c->have_you, c->you_id}};
    c->fetching = true;
    a->dirty |= DIRTY_LIST;
    api_msgs_fetch *f = api_msgs_fetch_start(a->api, &req, on_fetched, c);
    if (f) /* else it already ended, and on_fetched may have started the next one */
        c->fetch = f;
}

static void day_text(int64_t ms, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%d", &tm);
}

static void on_older(void *ud, conv_list *got, const char *error, const char *group_error)
{
    conv *c = ud;
    (void)group_error; /* the window's own messages came; its group messages are a detail here */
    c->older_fetch = NULL;
    c->older_loading = false;
    if (c->closing)
        return;
    c->a->dirty |= DIRTY_LIST;
    c->older_failed = error != NULL;
    if (error) {
        snprintf(c->older_note, sizeof c->older_note, " ✗ Older messages not loaded: %s (k at the top tries again)",
                 error);
        return;
    }
    c->older_from_ms -= (int64_t)CONV_HISTORY_WINDOW_DAYS * 86400 * 1000;
    c->older_note[0] = '\0';
    if (got->n) {
        conv_list_append_all(&c->older, got);
        conv_list_sort(&c->older);
        conv_rebuild_items(c);
        return;
    }
    conv_fetch_older(c); /* an empty window: walk on back (or say where it stopped) */
}

void conv_fetch_older(conv *c)
{
    app *a = c->a;
    if (c->closing || c->older_loading || c->older_done || !a->api || !c->loaded)
        return;
    if (!c->older_from_ms)
        c->older_from_ms = c->from_ms;
    int64_t bound = loop_wall_ms(a->l) - (int64_t)CONV_HISTORY_MAX_DAYS * 86400 * 1000;
    if (c->older_from_ms <= bound) {
        char day[32];
        day_text(c->older_from_ms, day, sizeof day);
        c->older_done = true;
        snprintf(c->older_note, sizeof c->older_note, "  No older messages: searched back to %s (%d days).", day,
                 CONV_HISTORY_MAX_DAYS);
        a->dirty |= DIRTY_LIST;
        return;
    }
    int64_t from = c->older_from_ms - (int64_t)CONV_HISTORY_WINDOW_DAYS * 86400 * 1000;
    api_msgs_req req = {.connection_id = c->conn_s,
                        .driver_id = c->driver_s,
                        .from_wall_ms = from > bound ? from : bound,
                        .to_wall_ms = c->older_from_ms,
                        .who = {c->driver_id, c->have_you, c->you_id}};
    char day[32];
    day_text(req.from_wall_ms, day, sizeof day);
    snprintf(c->older_note, sizeof c->older_note, "  loading older… (from %s)", day);
    c->older_loading = true;
    a->dirty |= DIRTY_LIST;
    api_msgs_fetch *f = api_msgs_fetch_start(a->api, &req, on_older, c);
    if (f) /* else it already ended */
        c->older_fetch = f;
}

void conv_fetch_cancel(conv *c)
{
    c->closing = true;
    if (c->timer) {
        loop_timer_cancel(c->a->l, c->timer);
        c->timer = 0;
    }
    if (c->fetch)
        api_msgs_fetch_cancel(c->fetch); /* answers at once, as cancelled */
    c->fetch = NULL;
    if (c->older_fetch)
        api_msgs_fetch_cancel(c->older_fetch);
    c->older_fetch = NULL;
    free(c->triggered);
    c->triggered = NULL;
}

/* ------------------------------------------------------------------ operations tracker */

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (h ^ 0xff) * 1099511628211ULL;
}

static bool is_message_op(const conv *c, const op_rec *op)
{
    return op->resource && (strcmp(op->resource, "message") == 0 || strcmp(op->resource, "group_message") == 0) &&
           strcmp(op->connection_id, c->conn_s) == 0;
}

/* True the first time an op is seen succeeded (each asks for one refetch, no more). */
static bool first_success(conv *c, const char *op_id)
{
    for (size_t i = 0; i < c->ntriggered; i++)
        if (strcmp(c->triggered[i], op_id) == 0)
            return false;
    if (c->ntriggered == c->triggered_cap) {
        c->triggered_cap = c->triggered_cap ? c->triggered_cap * 2 : 8;
        c->triggered = xrealloc(c->triggered, c->triggered_cap * sizeof *c->triggered);
    }
    snprintf(c->triggered[c->ntriggered++], UUID_STR_LEN, "%s", op_id);
    return true;
}

/* The sender's name for a write sent by someone else than this console's sender. */
static void staff_name(conv *c, const uuid *id, char *out, size_t cap)
{
    out[0] = '\0';
    app *a = c->a;
    if (a->conn_sel < 0)
        return;
    const table *staff = &store_conn_tables(&a->st, (size_t)a->conn_sel)->staff;
    long i = table_find_id(staff, id);
    if (i >= 0)
        user_display_name(staff, table_row(staff, (size_t)i), out, cap);
}

/* Adds the local entry of one message write to or from this driver, unless the API lists it.
 * Returns true when it succeeded but its message was not fetched yet. */
static bool add_local(conv *c, const op_rec *op)
{
    api_msg_payload pl;
    api_msg_payload_read(op->payload_json, &pl); /* empty when unknown */
    const char *rcpt = pl.recipient_id ? pl.recipient_id : op->target_id, *from = pl.sender_id;
    bool group = strcmp(op->resource, "group_message") == 0, to_driver = false;
    for (size_t i = 0; group && i < pl.nrecipients; i++)
        to_driver |= strcmp(pl.recipient_ids[i], c->driver_s) == 0;
    bool due = false, by_driver = !group && from && strcmp(from, c->driver_s) == 0;
    if (group ? !to_driver : !by_driver && (!rcpt || strcmp(rcpt, c->driver_s) != 0))
        goto out;
    uuid rid = {{0}};
    if (op->status == OP_SUCCESS && op->resource_id && uuid_parse(op->resource_id, &rid) && conv_find(&c->msgs, &rid))
        goto out; /* the API lists it: that record is the one shown */
    int64_t at = 0;
    if (!conv_parse_time(op->created_at, &at))
        at = loop_wall_ms(c->a->l);
    if (c->from_ms && at < c->from_ms)
        goto out;
    conv_msg *m = conv_list_append(&c->locals);
    m->id = rid;
    m->at_ms = at;
    m->status = op->status == OP_SUCCESS ? CM_SENT : op->status == OP_FAILED ? CM_FAILED : CM_PENDING;
    m->flags = group ? CF_LOCAL | CF_GROUP : CF_LOCAL;
    m->group_n = (uint16_t)(pl.nrecipients < 65535 ? pl.nrecipients : 65535);
    m->op_id = strpool_add(&c->locals.pool, op->id);
    m->text = conv_put_text(&c->locals.pool, pl.text);
    m->priority = conv_priority_of(pl.priority);
    if (pl.reply_to_message_id && uuid_parse(pl.reply_to_message_id, &m->reply_to))
        m->flags |= CF_REPLY;
    uuid sender;
    if (by_driver) {
        m->flags |= CF_DRIVER;
    } else if (from && uuid_parse(from, &sender)) {
        if (c->have_you && uuid_equal(&sender, &c->you_id)) {
            m->flags |= CF_YOU;
        } else {
            char name[200];
            staff_name(c, &sender, name, sizeof name);
            m->sender_name = strpool_add(&c->locals.pool, name); /* store strings are sanitized */
        }
    } else {
        m->flags |= CF_YOU;
    }
    if (op->status == OP_SUCCESS && first_success(c, op->id))
        due = true;
out:
    api_msg_payload_free(&pl);
    return due;
}

bool conv_scan_ops(conv *c, bool force)
{
    ops_tracker *t = c->a->ops;
    if (!t)
        return false;
    size_t n = ops_count(t);
    uint64_t sig = 14695981039346656037ULL + n;
    for (size_t i = 0; i < n; i++) {
        const op_rec *op = ops_get(t, i);
        if (!is_message_op(c, op))
            continue;
        uint64_t h = fnv(fnv(14695981039346656037ULL, op->id), op->resource_id);
        sig += h * (2 * (uint64_t)op->status + 1);
    }
    if (!force && c->ops_seen && sig == c->ops_sig)
        return false;
    c->ops_sig = sig;
    c->ops_seen = true;
    conv_list_clear(&c->locals);
    bool due = false;
    for (size_t i = 0; i < n; i++) {
        const op_rec *op = ops_get(t, i);
        if (is_message_op(c, op) && add_local(c, op))
            due = true;
    }
    conv_list_sort(&c->locals);
    if (!force)
        conv_rebuild_items(c);
    c->a->dirty |= DIRTY_LIST;
    return due;
}
