/* inbox: one poll target per connection of the account, on core/poll_sched's timing; answers go
 * into the inbox_store, which is written to the state file at most once a second. */
#include "core/inbox.h"

#include "common/strbuf.h"
#include "core/api_inbox.h"
#include "core/poll_sched.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INBOX_DEFAULT_POLL_MS 5000

typedef struct conn_poll {
    inbox *ib;
    char id[UUID_STR_LEN];
    bool wanted;            /* in the last inbox_set_connections */
    poll_slot sl;
    uint64_t call_id;
    inbox_conn_state state;
    int64_t refused_until_ms;
    bool retry_due;         /* refused: ask once more when refused_until_ms comes */
    int64_t last_ok_ms;
    char reason[200];
    char *cursor;           /* the answer went on: the next tick asks its next page */
    int64_t cursor_from;    /* the from_datetime of that chain (-1: none) */
    bool first_look;        /* the chain began with nothing known of the connection */
} conn_poll;

struct inbox {
    loop *l;
    api *a;
    inbox_store *s;
    char *path;
    int poll_ms, page_size;
    conn_poll **conns;      /* pointers stay valid */
    size_t nconns;
    poll_rng rng;
    poll_timer timer;
    uint64_t save_timer;
    bool started;
    inbox_change_cb cb;
    void *ud;
    uint64_t requests;
    char last_error[200], save_error[200];
};

static void schedule(inbox *ib);

/* ------------------------------------------------------------------ saving */

static void save_now(inbox *ib)
{
    if (ib->save_timer)
        loop_timer_cancel(ib->l, ib->save_timer);
    ib->save_timer = 0;
    if (!ib->path || !inbox_store_dirty(ib->s))
        return;
    char *err = NULL;
    if (inbox_store_save(ib->s, ib->path, &err) != 0)
        snprintf(ib->save_error, sizeof ib->save_error, "%.199s", err ? err : "cannot write the inbox state");
    else
        ib->save_error[0] = '\0';
    free(err);
}

static void on_save_timer(void *ud)
{
    inbox *ib = ud;
    ib->save_timer = 0;
    size_t n = inbox_store_count(ib->s), unread = inbox_store_unread(ib->s);
    save_now(ib);
    /* The save took in what another console of the account wrote: say so. */
    if (ib->cb && (inbox_store_count(ib->s) != n || inbox_store_unread(ib->s) != unread))
        ib->cb(ib->ud, 0);
}

static void save_soon(inbox *ib)
{
    if (ib->path && !ib->save_timer && inbox_store_dirty(ib->s))
        ib->save_timer = loop_timer_add(ib->l, LOOP_CLOCK_APP, INBOX_SAVE_DELAY_MS, on_save_timer, ib);
}

/* ------------------------------------------------------------------ answers */

static bool any_stale(const inbox *ib)
{
    for (size_t i = 0; i < ib->nconns; i++)
        if (ib->conns[i]->wanted && ib->conns[i]->sl.stale_since_ms)
            return true;
    return false;
}

static void drop_cursor(conn_poll *c)
{
    free(c->cursor);
    c->cursor = NULL;
}

/* A 403 or 501: the connection is left alone for a while, and says why. */
static void refused(conn_poll *c, const api_reply *r, int64_t now)
{
    c->state = r->http_status == 403 ? INBOX_CONN_FORBIDDEN : INBOX_CONN_UNSUPPORTED;
    snprintf(c->reason, sizeof c->reason, "%.199s", r->message[0] ? r->message : "refused");
    c->refused_until_ms = now + INBOX_REFUSED_RETRY_MS;
    c->retry_due = true;
    poll_slot_ok(&c->sl, now); /* an answer: nothing is stale */
    drop_cursor(c);
}

static size_t take_page(conn_poll *c, api_inbox_page *pg)
{
    inbox *ib = c->ib;
    size_t added = 0;
    for (size_t i = 0; i < pg->n; i++)
        added += inbox_store_add(ib->s, c->id, &pg->msgs[i], c->first_look ? !pg->msgs[i].read : true);
    if (pg->newest_ms > inbox_store_since(ib->s, c->id))
        inbox_store_set_since(ib->s, c->id, pg->newest_ms);
    drop_cursor(c);
    if (pg->next_cursor) { /* the rest at the next tick: one request a tick */
        c->cursor = pg->next_cursor;
        pg->next_cursor = NULL;
    }
    return added;
}

static void on_reply(void *ud, const api_reply *r, api_inbox_page *pg, const char *err)
{
    conn_poll *c = ud;
    inbox *ib = c->ib;
    c->call_id = 0;
    c->sl.busy = false;
    if (r->status == API_CANCELLED)
        return; /* by us */
    int64_t now = loop_now_ms(ib->l);
    size_t added = 0;
    if (r->status == API_HTTP_ERROR && (r->http_status == 403 || r->http_status == 501)) {
        refused(c, r, now);
    } else if (r->status == API_HTTP_ERROR && r->http_status == 422 && inbox_store_since(ib->s, c->id) > 0) {
        /* The window was refused (the newest message seen is more than 45 days old): start over
         * with the API's default window, at once. */
        inbox_store_set_since(ib->s, c->id, 0);
        drop_cursor(c);
        poll_slot_ok(&c->sl, now);
        c->sl.kick = true;
    } else if (r->status != API_OK || !pg) {
        const char *why = r->status != API_OK ? r->message : err;
        snprintf(c->reason, sizeof c->reason, "%.199s", why && *why ? why : "The messages request failed.");
        snprintf(ib->last_error, sizeof ib->last_error, "%s", c->reason);
        drop_cursor(c);
        poll_slot_failed(&c->sl, &ib->rng, ib->l, ib->poll_ms, r->status == API_HTTP_ERROR && r->http_status == 429,
                         r->retry_after_s, now);
    } else {
        c->state = INBOX_CONN_OK;
        c->reason[0] = '\0';
        c->last_ok_ms = now;
        poll_slot_ok(&c->sl, now);
        added = take_page(c, pg);
    }
    if (!any_stale(ib))
        ib->last_error[0] = '\0';
    save_soon(ib);
    schedule(ib);
    if (ib->cb)
        ib->cb(ib->ud, added);
}

/* ------------------------------------------------------------------ polling */

static void start_poll(inbox *ib, conn_poll *c)
{
    c->sl.kick = false;
    c->sl.busy = true;
    int64_t from;
    if (c->cursor) {
        from = c->cursor_from;
    } else {
        int64_t since = inbox_store_since(ib->s, c->id);
        from = since > 0 ? since : -1; /* nothing seen: the API's default window (the last 24 hours) */
        c->cursor_from = from;
        c->first_look = since == 0;
    }
    ib->requests++;
    c->call_id = api_inbox_poll(ib->a, c->id, from, c->cursor, ib->page_size, on_reply, c);
}

static void on_timer(void *ud)
{
    inbox *ib = ud;
    poll_timer_fired(&ib->timer);
    schedule(ib);
}

/* Starts the due polls and arms the timer for the next one. */
static void schedule(inbox *ib)
{
    int64_t now = loop_now_ms(ib->l), next = INT64_MAX;
    conn_poll **due = xcalloc(ib->nconns + 1, sizeof *due);
    size_t ndue = 0;
    for (size_t i = 0; i < ib->nconns; i++) {
        conn_poll *c = ib->conns[i];
        bool waiting = c->state != INBOX_CONN_OK && now < c->refused_until_ms;
        c->sl.active = ib->started && c->wanted && !waiting;
        if (c->sl.active && c->retry_due) { /* the wait is over: at once, not an interval later */
            c->retry_due = false;
            c->sl.kick = true;
        }
        if (waiting && ib->started && c->wanted && c->refused_until_ms < next)
            next = c->refused_until_ms;
        if (poll_slot_step(&c->sl, ib->poll_ms, now, &next))
            due[ndue++] = c;
    }
    poll_timer_arm(&ib->timer, ib->l, next, now, on_timer, ib);
    for (size_t i = 0; i < ndue; i++)
        if (!due[i]->sl.busy)
            start_poll(ib, due[i]);
    free(due);
}

static void cancel_all(inbox *ib)
{
    for (size_t i = 0; i < ib->nconns; i++) {
        conn_poll *c = ib->conns[i];
        if (c->call_id)
            api_cancel(ib->a, c->call_id); /* its reply only marks it idle */
        c->call_id = 0;
        c->sl.busy = false;
    }
    poll_timer_cancel(&ib->timer, ib->l);
}

/* ------------------------------------------------------------------ public */

inbox *inbox_new(loop *l, api *a, const inbox_settings *s)
{
    inbox *ib = xcalloc(1, sizeof *ib);
    ib->l = l;
    ib->a = a;
    ib->s = inbox_store_new(INBOX_KEEP);
    ib->poll_ms = s && s->poll_ms > 0 ? s->poll_ms : INBOX_DEFAULT_POLL_MS;
    ib->page_size = s && s->page_size > 0 ? s->page_size : API_PAGE_SIZE_MAX;
    ib->path = s && s->state_path ? xstrdup(s->state_path) : NULL;
    return ib;
}

void inbox_free(inbox *ib)
{
    if (!ib)
        return;
    inbox_stop(ib);
    for (size_t i = 0; i < ib->nconns; i++) {
        drop_cursor(ib->conns[i]);
        free(ib->conns[i]);
    }
    free(ib->conns);
    inbox_store_free(ib->s);
    free(ib->path);
    free(ib);
}

void inbox_set_callback(inbox *ib, inbox_change_cb cb, void *ud)
{
    ib->cb = cb;
    ib->ud = ud;
}

int inbox_start(inbox *ib, char **err)
{
    int rc = 0;
    if (!ib->started && ib->path && inbox_store_load(ib->s, ib->path, err) != 0)
        rc = -1;
    ib->started = true;
    for (size_t i = 0; i < ib->nconns; i++)
        ib->conns[i]->sl.kick = true;
    schedule(ib);
    return rc;
}

void inbox_stop(inbox *ib)
{
    cancel_all(ib);
    ib->started = false;
    save_now(ib);
}

void inbox_set_connections(inbox *ib, const char *const *ids, size_t n)
{
    for (size_t i = 0; i < ib->nconns; i++)
        ib->conns[i]->wanted = false;
    for (size_t k = 0; k < n; k++) {
        conn_poll *c = NULL;
        for (size_t i = 0; i < ib->nconns && !c; i++)
            if (strcmp(ib->conns[i]->id, ids[k]) == 0)
                c = ib->conns[i];
        if (!c) {
            ib->conns = xrealloc(ib->conns, (ib->nconns + 1) * sizeof *ib->conns);
            c = xcalloc(1, sizeof *c);
            c->ib = ib;
            snprintf(c->id, sizeof c->id, "%s", ids[k]);
            c->sl.kick = true;
            ib->conns[ib->nconns++] = c;
        }
        c->wanted = true;
    }
    for (size_t i = 0; i < ib->nconns; i++) {
        conn_poll *c = ib->conns[i];
        if (!c->wanted && c->call_id) {
            api_cancel(ib->a, c->call_id);
            c->call_id = 0;
            c->sl.busy = false;
        }
    }
    if (ib->started)
        schedule(ib);
}

size_t inbox_count(const inbox *ib)
{
    return inbox_store_count(ib->s);
}

const inbox_msg *inbox_get(const inbox *ib, size_t i)
{
    return inbox_store_at(ib->s, i);
}

const inbox_msg *inbox_find(const inbox *ib, const char *msg_id)
{
    return inbox_store_find(ib->s, msg_id);
}

size_t inbox_unread_count(const inbox *ib)
{
    return inbox_store_unread(ib->s);
}

bool inbox_mark_read(inbox *ib, const char *msg_id)
{
    bool changed = inbox_store_mark_read(ib->s, msg_id);
    save_soon(ib);
    return changed;
}

size_t inbox_mark_all_read(inbox *ib)
{
    size_t n = inbox_store_mark_all_read(ib->s);
    save_soon(ib);
    return n;
}

size_t inbox_conn_count(const inbox *ib)
{
    size_t n = 0;
    for (size_t i = 0; i < ib->nconns; i++)
        n += ib->conns[i]->wanted;
    return n;
}

bool inbox_conn_get(const inbox *ib, size_t i, inbox_conn_info *out)
{
    for (size_t k = 0; k < ib->nconns; k++) {
        const conn_poll *c = ib->conns[k];
        if (!c->wanted || i-- > 0)
            continue;
        memset(out, 0, sizeof *out);
        snprintf(out->id, sizeof out->id, "%s", c->id);
        out->state = c->state;
        out->stale_since_ms = c->sl.stale_since_ms;
        out->last_ok_ms = c->last_ok_ms;
        snprintf(out->reason, sizeof out->reason, "%s", c->reason);
        return true;
    }
    return false;
}

void inbox_get_health(const inbox *ib, inbox_health *h)
{
    memset(h, 0, sizeof *h);
    for (size_t i = 0; i < ib->nconns; i++) {
        const conn_poll *c = ib->conns[i];
        if (!c->wanted)
            continue;
        h->polling |= c->sl.busy;
        h->refused += c->state != INBOX_CONN_OK;
        if (c->sl.stale_since_ms && (!h->stale_since_ms || c->sl.stale_since_ms < h->stale_since_ms))
            h->stale_since_ms = c->sl.stale_since_ms;
    }
    h->next_poll_ms = ib->timer.id ? ib->timer.due : 0;
    h->requests = ib->requests;
    snprintf(h->last_error, sizeof h->last_error, "%s", ib->last_error);
    snprintf(h->save_error, sizeof h->save_error, "%s", ib->save_error);
}
