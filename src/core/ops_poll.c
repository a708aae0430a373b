/* ops_poll: when and what the tracker polls, by need. One target per connection with live ops,
 * and one for the op a detail view watches (the single-op GET). Each target has its own timing
 * (core/poll_sched: due time, backoff, Retry-After, stale mark); one loop timer fires at the
 * earliest due time. What a connection's tick asks depends on its backlog, never more than a
 * fixed number of requests and items per tick:
 *   - up to OPS_BY_ID_MAX live ops (and no followed list): each live op by its single GET, so an
 *     op that cannot change any more is never asked about again;
 *   - more: the list (connection_id + from_datetime) in a sweep of at most OPS_TICK_PAGES pages of
 *     OPS_PAGE_SIZE per tick, from the oldest live op; a round that does not reach the end of the
 *     list goes on from where it stopped at the next tick.
 *
 * Replies come from the loop; a cancelled request (api_cancel, api_pager_cancel) only marks its
 * target idle. Every other event (a page, the end of a load, a reply, the timer) ends with one
 * call of on_event, after the store and the poller are consistent. */
#include "core/ops_poll.h"

#include "common/strbuf.h"
#include "core/poll_sched.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define OPS_WINDOW_MARGIN_MS (120LL * 1000)    /* from_datetime = earliest created_at minus this */
#define OPS_MAX_AGE_MS (45LL * 86400 * 1000)   /* the API's longest from..to window */
#define OPS_AGE_SLACK_MS (10LL * 60 * 1000)    /* give up this long before the window limit */
#define OPS_FOLLOW_HISTORY_MS (86400LL * 1000) /* first look at a followed connection: 24 h */
#define OPS_MISS_LIMIT 30   /* complete polls an op may be absent from before it is unknown */
#define OPS_CLOCK_SANE_MS (5LL * 365 * 86400000) /* a server clock further off is a bad timestamp */

typedef struct poll_target poll_target;

/* One single GET of a by-id tick. */
typedef struct id_call {
    poll_target *t;
    char op_id[UUID_STR_LEN];
    uint64_t call_id;     /* 0: none in flight */
} id_call;

struct poll_target {
    ops_poller *p;
    bool detail;          /* the single GET of the watched op, else a connection's list */
    char conn_id[UUID_STR_LEN];
    poll_slot sl;         /* timing; sl.busy while anything of a tick is in flight */
    uint64_t call_id;     /* of the detail GET */
    api_pager *pager;     /* of the list load */
    id_call calls[OPS_BY_ID_MAX]; /* of a by-id tick */
    int calls_out;        /* of them still in flight */
    bool tick_failed;     /* one of them failed */
    /* computed by each scheduling pass */
    int nlive;
    int64_t earliest_ms;  /* created_ms of its oldest live op */
    bool any_pending;     /* it has a live op: the fast rate */
    /* the list sweep: a round of one or more ticks */
    bool in_round;
    uint64_t poll_seq;    /* of the round */
    int pages;
    bool last_more;       /* the last page of the tick announced another */
    bool windowed;
    int64_t window_from_ms; /* of the round */
    int64_t resume_ms;    /* where the round's next tick starts (created_at, inclusive) */
    char *resume_cursor;  /* or, better, the cursor its last tick stopped at (of the query from
                             query_from_ms): ops of one instant beyond a tick's pages are not lost */
    int64_t query_from_ms; /* from_ms of the tick in progress (and of resume_cursor's query) */
    bool round_partial;   /* a tick of the round skipped ops: no misses are counted */
    int64_t watermark_ms; /* newest created_at seen on this connection (0: none yet) */
    int64_t poll_newest_ms; /* newest created_at of the tick in progress */
};

struct ops_poller {
    loop *l;
    api *a;
    ops_store *s;
    ops_poller_cb on_event;
    void *ud;
    int poll_pending_ms, poll_idle_ms;
    int by_id_max;        /* live ops of a connection up to which they are asked by id */
    poll_target **conns;  /* one per connection polled so far; pointers stay valid */
    size_t nconns;
    poll_target detail;
    char follow[UUID_STR_LEN];
    char watch[UUID_STR_LEN];
    poll_timer timer;
    poll_rng rng;
    /* health */
    bool offline;
    int64_t last_ok_ms;
    char last_error[200];
    uint64_t requests;
    /* est. server clock = wall clock + offset */
    int64_t clock_offset_ms;
    bool offset_fresh;    /* observed this session (else it came from the journal) */
};

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ server clock */

int64_t ops_poller_server_now(const ops_poller *p)
{
    return wall_ms() + p->clock_offset_ms;
}

void ops_poller_observe_server_time(ops_poller *p, int64_t ts_ms)
{
    int64_t off = ts_ms - wall_ms();
    if (off > OPS_CLOCK_SANE_MS || off < -OPS_CLOCK_SANE_MS)
        return;
    if (!p->offset_fresh || off > p->clock_offset_ms) {
        p->clock_offset_ms = off;
        p->offset_fresh = true;
    }
}

int64_t ops_poller_clock_offset(const ops_poller *p)
{
    return p->clock_offset_ms;
}

void ops_poller_restore_clock_offset(ops_poller *p, int64_t offset_ms)
{
    if (!p->offset_fresh)
        p->clock_offset_ms = offset_ms;
}

/* ------------------------------------------------------------------ targets */

static poll_target *conn_target(ops_poller *p, const char *conn_id)
{
    for (size_t i = 0; i < p->nconns; i++)
        if (strcmp(p->conns[i]->conn_id, conn_id) == 0)
            return p->conns[i];
    p->conns = xrealloc(p->conns, (p->nconns + 1) * sizeof *p->conns);
    poll_target *t = xcalloc(1, sizeof *t);
    t->p = p;
    snprintf(t->conn_id, sizeof t->conn_id, "%s", conn_id);
    p->conns[p->nconns++] = t;
    return t;
}

/* Every target: the connections, then the detail one. */
static poll_target *target_at(ops_poller *p, size_t i)
{
    return i < p->nconns ? p->conns[i] : &p->detail;
}

static bool is_followed(const ops_poller *p, const poll_target *t)
{
    return !t->detail && p->follow[0] && strcmp(t->conn_id, p->follow) == 0;
}

static int64_t interval_of(const ops_poller *p, const poll_target *t)
{
    return t->any_pending ? p->poll_pending_ms : p->poll_idle_ms;
}

static ops_entry *watched(const ops_poller *p)
{
    return p->watch[0] ? ops_store_lookup(p->s, p->watch) : NULL;
}

/* Live ops that can no longer be found by a from_datetime window (the API allows 45 days)
 * become OP_UNKNOWN instead of being polled for ever. The watched op is polled by id. */
void ops_poller_age_check(ops_poller *p)
{
    int64_t limit = ops_poller_server_now(p) - (OPS_MAX_AGE_MS - OPS_AGE_SLACK_MS);
    ops_entry *w = watched(p);
    for (size_t i = 0; i < ops_store_count(p->s); i++) {
        ops_entry *e = ops_store_at(p->s, i);
        if (e != w && ops_entry_live(e) && e->created_ms < limit)
            ops_store_give_up(p->s, e, loop_now_ms(p->l));
    }
}

static void compute_targets(ops_poller *p)
{
    for (size_t i = 0; i < p->nconns; i++) {
        poll_target *t = p->conns[i];
        t->nlive = 0;
        t->earliest_ms = INT64_MAX;
        t->any_pending = false;
    }
    ops_entry *w = watched(p);
    for (size_t i = 0; i < ops_store_count(p->s); i++) {
        ops_entry *e = ops_store_at(p->s, i);
        if (e == w || !ops_entry_live(e))
            continue;
        poll_target *t = conn_target(p, e->r.connection_id);
        t->nlive++;
        t->any_pending = true;
        if (e->created_ms < t->earliest_ms)
            t->earliest_ms = e->created_ms;
    }
    for (size_t i = 0; i < p->nconns; i++)
        p->conns[i]->sl.active = p->conns[i]->nlive > 0 || is_followed(p, p->conns[i]);
    poll_target *d = &p->detail;
    d->sl.active = w != NULL;
    d->any_pending = w && ops_entry_live(w);
    if (w)
        snprintf(d->conn_id, sizeof d->conn_id, "%s", w->r.connection_id);
}

void ops_poller_kick_all(ops_poller *p)
{
    compute_targets(p);
    for (size_t i = 0; i < p->nconns; i++)
        p->conns[i]->sl.kick = true;
}

void ops_poller_follow(ops_poller *p, const char *connection_id)
{
    snprintf(p->follow, sizeof p->follow, "%s", connection_id);
    if (p->follow[0]) {
        poll_target *t = conn_target(p, p->follow);
        t->watermark_ms = 0;
        t->in_round = false; /* a new round, with the followed connection's window */
        t->sl.kick = true;
    }
}

void ops_poller_watch(ops_poller *p, const char *op_id)
{
    poll_target *d = &p->detail;
    if (d->sl.busy && d->call_id)
        api_cancel(p->a, d->call_id); /* the answer about the previous op is of no use now */
    d->sl.busy = false;
    d->call_id = 0;
    snprintf(p->watch, sizeof p->watch, "%s", op_id);
    d->sl.fails = 0;
    d->sl.stale_since_ms = 0;
    d->sl.kick = p->watch[0] != '\0';
}

/* ------------------------------------------------------------------ outcomes */

static bool any_stale(const ops_poller *p)
{
    for (size_t i = 0; i < p->nconns; i++)
        if (p->conns[i]->sl.stale_since_ms)
            return true;
    return p->detail.sl.stale_since_ms != 0;
}

static void poll_ok(ops_poller *p, poll_target *t)
{
    int64_t now = loop_now_ms(p->l);
    poll_slot_ok(&t->sl, now);
    p->last_ok_ms = now;
    p->offline = false;
    if (!any_stale(p))
        p->last_error[0] = '\0';
}

/* A failed poll: status and http_status say what failed, retry_after_s what the API asked. */
static void failed(ops_poller *p, poll_target *t, api_status st, long http_status, int retry_after_s, const char *why)
{
    if (!t->detail && t->windowed && st == API_HTTP_ERROR && http_status == 422) {
        /* The window was refused: the server's clock is further on than we thought, so its
         * start is more than 45 days back. Move our estimate past it; the age check then gives
         * up on the oldest ops and the next window is shorter. */
        int64_t least = t->window_from_ms + OPS_MAX_AGE_MS + 1000;
        if (ops_poller_server_now(p) < least) {
            p->clock_offset_ms = least - wall_ms();
            p->offset_fresh = true;
        }
        t->watermark_ms = 0;
    }
    t->in_round = false; /* the next tick starts the sweep again (a refused cursor with it) */
    p->offline = st == API_NETWORK || st == API_UNKNOWN_OUTCOME;
    snprintf(p->last_error, sizeof p->last_error, "%.199s", why && why[0] ? why : "The status request failed.");
    poll_slot_failed(&t->sl, &p->rng, p->l, interval_of(p, t), st == API_HTTP_ERROR && http_status == 429,
                     retry_after_s, loop_now_ms(p->l));
}

/* ------------------------------------------------------------------ requests */

/* After a round that reached the end of the list: live ops of the connection inside its window
 * that it did not return. */
static void count_misses(ops_poller *p, poll_target *t)
{
    ops_entry *w = watched(p);
    for (size_t i = 0; i < ops_store_count(p->s); i++) {
        ops_entry *e = ops_store_at(p->s, i);
        if (e == w || !ops_entry_live(e) || strcmp(e->r.connection_id, t->conn_id) != 0 ||
            e->add_seq > t->poll_seq || e->seen_seq == t->poll_seq || e->created_ms < t->window_from_ms)
            continue;
        if (++e->misses >= OPS_MISS_LIMIT)
            ops_store_give_up(p->s, e, loop_now_ms(p->l));
    }
}

/* Merges a fresh copy of an op the store holds; the server time of a status change is recent. */
static void merge(ops_poller *p, ops_entry *e, op_rec *fresh, bool odd)
{
    int64_t ts;
    if (ops_store_merge(p->s, e, fresh, odd, loop_now_ms(p->l)) && api_time_parse(e->r.updated_at, &ts))
        ops_poller_observe_server_time(p, ts);
}

static void take_page(ops_poller *p, poll_target *t, api_op_page *pg)
{
    bool followed = is_followed(p, t);
    for (size_t i = 0; i < pg->n; i++) {
        op_rec *fresh = &pg->ops[i];
        int64_t cms;
        if (api_time_parse(fresh->created_at, &cms) && cms > t->poll_newest_ms)
            t->poll_newest_ms = cms;
        ops_entry *e = ops_store_lookup(p->s, fresh->id);
        if (e) {
            merge(p, e, fresh, pg->odd[i]);
        } else if (followed && strcmp(fresh->connection_id, t->conn_id) == 0) {
            ops_insert how = {.mine = false,
                              .odd_status = pg->odd[i],
                              .now_ms = loop_now_ms(p->l),
                              .created_ms = ops_poller_server_now(p)};
            e = ops_store_insert(p->s, fresh, &how, NULL);
        }
        if (e) {
            e->seen_seq = t->poll_seq;
            e->misses = 0;
        }
    }
}

static void on_list_page(void *ud, api_op_page *pg)
{
    poll_target *t = ud;
    ops_poller *p = t->p;
    if (t->pages++ > 0)
        p->requests++; /* the first was counted when the load started */
    t->last_more = pg->more;
    take_page(p, t, pg);
    if (pg->more) /* what this page brought shows while the next one loads; the last, at the end */
        p->on_event(p->ud);
}

static void on_list_done(void *ud, const api_pager_result *res)
{
    poll_target *t = ud;
    ops_poller *p = t->p;
    t->sl.busy = false;
    t->pager = NULL;
    if (res->status == API_CANCELLED)
        return; /* by us: nothing more to do */
    if (res->status != API_OK) {
        /* What the pages before took stays; the ops not seen are polled again. */
        failed(p, t, res->status, res->http_status, res->retry_after_s, res->error);
    } else if (t->last_more && t->pages > 0 && res->next_cursor) {
        /* The tick's pages are used up: the round goes on at the next tick from the cursor the
         * API gave for the next page (same query), so no op is skipped or asked twice. */
        poll_ok(p, t);
        char *c = xstrdup(res->next_cursor);
        free(t->resume_cursor);
        t->resume_cursor = c; /* query_from_ms stays that of its query */
    } else if (t->last_more && t->pages > 0) {
        /* The same without a cursor: the round goes on from the newest created_at seen
         * (inclusive, so the ops of that millisecond come again). Should a whole tick's pages
         * hold one millisecond, the next tick starts past it, and this round no longer counts
         * the ops it did not return as missing. */
        poll_ok(p, t);
        free(t->resume_cursor);
        t->resume_cursor = NULL;
        if (t->poll_newest_ms > t->resume_ms) {
            t->resume_ms = t->poll_newest_ms;
        } else {
            t->resume_ms++;
            t->round_partial = true;
        }
        t->windowed = true;
    } else {
        poll_ok(p, t);
        t->in_round = false;
        if (t->poll_newest_ms > t->watermark_ms)
            t->watermark_ms = t->poll_newest_ms;
        if (!t->round_partial) /* the round saw every op of its window */
            count_misses(p, t);
    }
    p->on_event(p->ud);
}

static void on_detail_reply(void *ud, const api_reply *r)
{
    poll_target *t = ud;
    ops_poller *p = t->p;
    t->sl.busy = false;
    t->call_id = 0;
    if (r->status == API_CANCELLED)
        return; /* by us: nothing more to do */
    ops_entry *e = ops_store_lookup(p->s, p->watch);
    op_rec fresh;
    bool odd;
    char *err = NULL;
    if (r->status == API_HTTP_ERROR && r->http_status == 404) {
        /* An answer, not a failure: Catena does not know this op (any more). */
        if (e)
            ops_store_give_up(p->s, e, loop_now_ms(p->l));
        poll_ok(p, t);
    } else if (r->status != API_OK) {
        failed(p, t, r->status, r->http_status, r->retry_after_s, r->message);
    } else if (api_op_decode(r->body, r->body_len, &fresh, &odd, &err) != 0) {
        char msg[200];
        snprintf(msg, sizeof msg, "Could not read the server's answer about operations (%.120s); will retry.", err);
        free(err);
        failed(p, t, API_HTTP_ERROR, r->http_status, -1, msg);
    } else {
        if (e && strcmp(fresh.id, e->r.id) == 0)
            merge(p, e, &fresh, odd);
        else
            op_rec_clear(&fresh);
        poll_ok(p, t);
    }
    p->on_event(p->ud);
}

/* One reply of a by-id tick; the tick ends (ok or failed) with its last reply. */
static void on_id_reply(void *ud, const api_reply *r)
{
    id_call *c = ud;
    poll_target *t = c->t;
    ops_poller *p = t->p;
    c->call_id = 0;
    t->calls_out--;
    if (r->status == API_CANCELLED) {
        t->sl.busy = t->calls_out > 0;
        return; /* by us: nothing more to do */
    }
    ops_entry *e = ops_store_lookup(p->s, c->op_id);
    op_rec fresh;
    bool odd;
    char *err = NULL;
    if (r->status == API_HTTP_ERROR && r->http_status == 404) {
        if (e) /* an answer: Catena does not know this op (any more) */
            ops_store_give_up(p->s, e, loop_now_ms(p->l));
    } else if (r->status != API_OK) {
        if (!t->tick_failed)
            failed(p, t, r->status, r->http_status, r->retry_after_s, r->message);
        t->tick_failed = true;
    } else if (api_op_decode(r->body, r->body_len, &fresh, &odd, &err) != 0) {
        char msg[200];
        snprintf(msg, sizeof msg, "Could not read the server's answer about operations (%.120s); will retry.", err);
        free(err);
        if (!t->tick_failed)
            failed(p, t, API_HTTP_ERROR, r->http_status, -1, msg);
        t->tick_failed = true;
    } else if (e && strcmp(fresh.id, e->r.id) == 0) {
        merge(p, e, &fresh, odd);
        e->misses = 0;
    } else {
        op_rec_clear(&fresh);
    }
    if (t->calls_out == 0) {
        t->sl.busy = false;
        if (!t->tick_failed)
            poll_ok(p, t);
    }
    p->on_event(p->ud);
}

/* Asks for each live op of t (not the watched one) by its single GET. */
static void start_by_id(ops_poller *p, poll_target *t)
{
    ops_entry *w = watched(p);
    int n = 0;
    for (size_t i = 0; i < ops_store_count(p->s) && n < OPS_BY_ID_MAX; i++) {
        ops_entry *e = ops_store_at(p->s, i);
        if (e != w && ops_entry_live(e) && strcmp(e->r.connection_id, t->conn_id) == 0) {
            id_call *c = &t->calls[n++];
            c->t = t;
            snprintf(c->op_id, sizeof c->op_id, "%s", e->r.id);
        }
    }
    t->tick_failed = false;
    t->in_round = false;
    t->calls_out = n;
    t->sl.busy = n > 0;
    for (int i = 0; i < n; i++) {
        p->requests++;
        t->calls[i].call_id = api_get_operation(p->a, t->conn_id, t->calls[i].op_id, on_id_reply, &t->calls[i]);
    }
}

/* The start of a round of the list sweep: its window. */
static void start_round(ops_poller *p, poll_target *t)
{
    int64_t from = 0;
    bool windowed = false;
    if (t->nlive > 0) {
        from = t->earliest_ms - OPS_WINDOW_MARGIN_MS;
        windowed = true;
    }
    if (is_followed(p, t)) {
        if (t->watermark_ms > 0) {
            /* Others are new since the newest one seen; what is live is covered above. */
            int64_t w = t->watermark_ms - OPS_WINDOW_MARGIN_MS;
            from = windowed && from < w ? from : w;
            windowed = true;
        } else if (windowed) {
            from -= OPS_FOLLOW_HISTORY_MS; /* first look: also the day before */
        }
        /* else no from_datetime: the API's default, the last 24 hours */
    }
    if (windowed) {
        int64_t floor = ops_poller_server_now(p) - OPS_MAX_AGE_MS + 60000;
        if (from < floor)
            from = floor;
        from -= (from % 1000 + 1000) % 1000; /* a round starts on a whole second; its later ticks to the ms */
    }
    t->in_round = true;
    t->round_partial = false;
    free(t->resume_cursor);
    t->resume_cursor = NULL;
    t->windowed = windowed;
    t->window_from_ms = from;
    t->resume_ms = from;
    t->poll_seq = ops_store_next_seq(p->s);
}

static void start_poll(ops_poller *p, poll_target *t)
{
    t->sl.kick = false;
    if (t->detail) {
        t->sl.busy = true;
        p->requests++;
        t->call_id = api_get_operation(p->a, t->conn_id, p->watch, on_detail_reply, t);
        return;
    }
    if (t->nlive <= p->by_id_max && !is_followed(p, t)) {
        start_by_id(p, t);
        return;
    }
    if (!t->in_round)
        start_round(p, t);
    t->sl.busy = true;
    p->requests++;
    t->pages = 0;
    t->last_more = false;
    t->poll_newest_ms = 0;
    if (!t->resume_cursor)
        t->query_from_ms = t->windowed ? t->resume_ms : -1;
    t->pager = api_ops_list_start(p->a, t->conn_id, t->query_from_ms, t->resume_cursor, OPS_PAGE_SIZE, OPS_TICK_PAGES,
                                  on_list_page, on_list_done, t);
}

/* ------------------------------------------------------------------ scheduling */

static void on_timer(void *ud)
{
    ops_poller *p = ud;
    poll_timer_fired(&p->timer);
    p->on_event(p->ud);
}

/* Decides everything first and starts the due polls last, so that a reply that came before its
 * request returned would find the poller as it should be. */
void ops_poller_schedule(ops_poller *p)
{
    compute_targets(p);
    int64_t now = loop_now_ms(p->l), next = INT64_MAX;
    poll_target **due = xcalloc(p->nconns + 1, sizeof *due);
    size_t ndue = 0;
    for (size_t i = 0; i <= p->nconns; i++) {
        poll_target *t = target_at(p, i);
        if (poll_slot_step(&t->sl, interval_of(p, t), now, &next))
            due[ndue++] = t;
        else if (!t->sl.active)
            t->in_round = false;
    }
    if (!any_stale(p) && (p->offline || p->last_error[0])) {
        p->offline = false;
        p->last_error[0] = '\0';
    }
    poll_timer_arm(&p->timer, p->l, next, now, on_timer, p);
    for (size_t i = 0; i < ndue; i++)
        if (!due[i]->sl.busy)
            start_poll(p, due[i]);
    free(due);
}

/* ------------------------------------------------------------------ life and health */

ops_poller *ops_poller_new(loop *l, api *a, ops_store *s, const ops_poller_opts *o, ops_poller_cb on_event, void *ud)
{
    ops_poller *p = xcalloc(1, sizeof *p);
    p->l = l;
    p->a = a;
    p->s = s;
    p->poll_pending_ms = o->poll_pending_ms;
    p->poll_idle_ms = o->poll_idle_ms;
    p->by_id_max = o->by_id_max < 0 ? 0 : o->by_id_max > OPS_BY_ID_MAX ? OPS_BY_ID_MAX : o->by_id_max;
    p->on_event = on_event;
    p->ud = ud;
    p->detail.p = p;
    p->detail.detail = true;
    return p;
}

void ops_poller_free(ops_poller *p)
{
    if (!p)
        return;
    poll_timer_cancel(&p->timer, p->l);
    for (size_t i = 0; i <= p->nconns; i++) {
        poll_target *t = target_at(p, i);
        if (t->sl.busy && t->call_id)
            api_cancel(p->a, t->call_id); /* the cancelled reply only marks t idle */
        for (int k = 0; k < OPS_BY_ID_MAX; k++)
            if (t->calls[k].call_id)
                api_cancel(p->a, t->calls[k].call_id);
        if (t->pager)
            api_pager_cancel(t->pager); /* on_done runs now (we are not in on_page) and marks t idle */
    }
    for (size_t i = 0; i < p->nconns; i++) {
        free(p->conns[i]->resume_cursor);
        free(p->conns[i]);
    }
    free(p->conns);
    free(p);
}

unsigned ops_poller_health_sig(const ops_poller *p)
{
    unsigned h = 2166136261u;
    for (const char *c = p->last_error; *c; c++)
        h = (h ^ (unsigned char)*c) * 16777619u;
    return h ^ (any_stale(p) ? 1u : 0u) ^ (p->offline ? 2u : 0u);
}

void ops_poller_health(const ops_poller *p, ops_health *h)
{
    memset(h, 0, sizeof *h);
    int64_t stale = 0;
    for (size_t i = 0; i <= p->nconns; i++) {
        const poll_target *t = i < p->nconns ? p->conns[i] : &p->detail;
        if (t->sl.busy)
            h->polling = true;
        if (t->sl.stale_since_ms && (!stale || t->sl.stale_since_ms < stale))
            stale = t->sl.stale_since_ms;
    }
    h->offline = p->offline;
    h->stale_since_ms = stale;
    h->last_ok_ms = p->last_ok_ms;
    h->next_poll_ms = p->timer.id ? p->timer.due : 0;
    snprintf(h->last_error, sizeof h->last_error, "%s", p->last_error);
    h->requests = p->requests;
}
