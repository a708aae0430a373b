/* ops_poll: when and what the tracker polls. One target per connection with live ops (a list
 * load on the pager with a connection_id + from_datetime window) and one for the op a detail view
 * watches (the single-op GET). Each target has at most one load in flight, its own due time on the
 * app clock and its own backoff; one loop timer fires at the earliest due time.
 *
 * Replies come from the loop; a cancelled request (api_cancel, api_pager_cancel) only marks its
 * target idle. Every other event (a page, the end of a load, a reply, the timer) ends with one
 * call of on_event, after the store and the poller are consistent. */
#include "core/ops_poll.h"

#include "common/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define OPS_WINDOW_MARGIN_MS (120LL * 1000)    /* from_datetime = earliest created_at minus this */
#define OPS_MAX_AGE_MS (45LL * 86400 * 1000)   /* the API's longest from..to window */
#define OPS_AGE_SLACK_MS (10LL * 60 * 1000)    /* give up this long before the window limit */
#define OPS_FOLLOW_HISTORY_MS (86400LL * 1000) /* first look at a followed connection: 24 h */
#define OPS_BACKOFF_CAP_MS (300LL * 1000)
#define OPS_JITTER 0.2
#define OPS_MAX_PAGES 100   /* pages of one poll (100k ops); past them the poll fails, saying so */
#define OPS_MISS_LIMIT 30   /* complete polls an op may be absent from before it is unknown */
#define OPS_CLOCK_SANE_MS (5LL * 365 * 86400000) /* a server clock further off is a bad timestamp */

typedef struct poll_target {
    ops_poller *p;
    bool detail;          /* the single GET of the watched op, else a connection's list */
    char conn_id[UUID_STR_LEN];
    bool busy;            /* a request is in flight */
    uint64_t call_id;     /* of the single GET */
    api_pager *pager;     /* of the list load */
    bool active;          /* has something to poll */
    bool was_active;      /* as of the previous scheduling pass */
    bool kick;            /* poll as soon as possible */
    int64_t base_ms;      /* app clock of the last completion (or activation) */
    int64_t backoff_due_ms;
    int fails;            /* consecutive failed polls */
    int64_t stale_since_ms;
    /* computed by each scheduling pass */
    int nlive;
    int64_t earliest_ms;  /* created_ms of its oldest live op */
    bool any_pending;     /* it has a live op: the fast rate */
    /* the list poll in progress */
    uint64_t poll_seq;
    int pages;
    bool windowed;
    int64_t window_from_ms;
    int64_t watermark_ms; /* newest created_at seen on this connection (0: none yet) */
    int64_t poll_newest_ms; /* newest created_at of the poll in progress */
} poll_target;

struct ops_poller {
    loop *l;
    api *a;
    ops_store *s;
    ops_poller_cb on_event;
    void *ud;
    int poll_pending_ms, poll_idle_ms;
    poll_target **conns;  /* one per connection polled so far; pointers stay valid */
    size_t nconns;
    poll_target detail;
    char follow[UUID_STR_LEN];
    char watch[UUID_STR_LEN];
    uint64_t timer_id;
    int64_t timer_due;
    uint64_t rng;
    bool rng_seeded;
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

/* ------------------------------------------------------------------ jitter */

static uint64_t rng_next(ops_poller *p)
{
    if (!p->rng_seeded) {
        /* A fixed seed under the virtual clock (tests, script mode), else a per-process one so
         * that many consoles do not retry in step. */
        p->rng = loop_clock_is_virtual(p->l) ? 0x243F6A8885A308D3ULL
                                             : (uint64_t)wall_ms() * 0x9E3779B97F4A7C15ULL ^ (uint64_t)getpid();
        p->rng_seeded = true;
    }
    uint64_t z = (p->rng += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double rng_unit(ops_poller *p)
{
    return (double)(rng_next(p) >> 11) * (1.0 / 9007199254740992.0);
}

/* interval * 2^fails, +-20 %, never more than 5 min. */
static int64_t backoff_ms(ops_poller *p, int64_t interval, int fails)
{
    int64_t d = interval;
    for (int i = 0; i < fails && d < OPS_BACKOFF_CAP_MS; i++)
        d *= 2;
    double j = 1.0 + OPS_JITTER * (2.0 * rng_unit(p) - 1.0);
    d = (int64_t)((double)d * j);
    return d > OPS_BACKOFF_CAP_MS ? OPS_BACKOFF_CAP_MS : d;
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
        p->conns[i]->active = p->conns[i]->nlive > 0 || is_followed(p, p->conns[i]);
    poll_target *d = &p->detail;
    d->active = w != NULL;
    d->any_pending = w && ops_entry_live(w);
    if (w)
        snprintf(d->conn_id, sizeof d->conn_id, "%s", w->r.connection_id);
}

void ops_poller_kick_all(ops_poller *p)
{
    compute_targets(p);
    for (size_t i = 0; i < p->nconns; i++)
        p->conns[i]->kick = true;
}

void ops_poller_follow(ops_poller *p, const char *connection_id)
{
    snprintf(p->follow, sizeof p->follow, "%s", connection_id);
    if (p->follow[0]) {
        poll_target *t = conn_target(p, p->follow);
        t->watermark_ms = 0;
        t->kick = true;
    }
}

void ops_poller_watch(ops_poller *p, const char *op_id)
{
    poll_target *d = &p->detail;
    if (d->busy && d->call_id)
        api_cancel(p->a, d->call_id); /* the answer about the previous op is of no use now */
    d->busy = false;
    d->call_id = 0;
    snprintf(p->watch, sizeof p->watch, "%s", op_id);
    d->fails = 0;
    d->stale_since_ms = 0;
    d->kick = p->watch[0] != '\0';
}

/* ------------------------------------------------------------------ outcomes */

static bool any_stale(const ops_poller *p)
{
    for (size_t i = 0; i < p->nconns; i++)
        if (p->conns[i]->stale_since_ms)
            return true;
    return p->detail.stale_since_ms != 0;
}

static void poll_ok(ops_poller *p, poll_target *t)
{
    int64_t now = loop_now_ms(p->l);
    t->fails = 0;
    t->stale_since_ms = 0;
    t->base_ms = now;
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
    int64_t now = loop_now_ms(p->l);
    t->fails++;
    if (!t->stale_since_ms)
        t->stale_since_ms = now;
    t->base_ms = now;
    p->offline = st == API_NETWORK || st == API_UNKNOWN_OUTCOME;
    snprintf(p->last_error, sizeof p->last_error, "%.199s", why && why[0] ? why : "The status request failed.");
    int64_t iv = interval_of(p, t), delay;
    if (st == API_HTTP_ERROR && http_status == 429 && retry_after_s >= 0)
        delay = (int64_t)retry_after_s * 1000 > iv ? (int64_t)retry_after_s * 1000 : iv; /* never sooner */
    else
        delay = backoff_ms(p, iv, t->fails);
    t->backoff_due_ms = now + delay;
}

/* ------------------------------------------------------------------ requests */

/* After a complete list: live ops of the connection inside the window that it did not return. */
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
    take_page(p, t, pg);
    if (pg->more) /* what this page brought shows while the next one loads; the last, at the end */
        p->on_event(p->ud);
}

static void on_list_done(void *ud, const api_pager_result *res)
{
    poll_target *t = ud;
    ops_poller *p = t->p;
    t->busy = false;
    t->pager = NULL;
    if (res->status == API_CANCELLED)
        return; /* by us: nothing more to do */
    if (res->status != API_OK) {
        /* What the pages before took stays; the ops not seen are polled again. */
        failed(p, t, res->status, res->http_status, res->retry_after_s, res->error);
    } else {
        poll_ok(p, t);
        if (t->poll_newest_ms > t->watermark_ms)
            t->watermark_ms = t->poll_newest_ms;
        if (t->windowed)
            count_misses(p, t);
    }
    p->on_event(p->ud);
}

static void on_detail_reply(void *ud, const api_reply *r)
{
    poll_target *t = ud;
    ops_poller *p = t->p;
    t->busy = false;
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

static void start_poll(ops_poller *p, poll_target *t)
{
    t->kick = false;
    t->busy = true;
    p->requests++;
    if (t->detail) {
        t->call_id = api_get_operation(p->a, t->conn_id, p->watch, on_detail_reply, t);
        return;
    }
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
    }
    t->windowed = windowed;
    t->window_from_ms = from;
    t->poll_seq = ops_store_next_seq(p->s);
    t->pages = 0;
    t->poll_newest_ms = 0;
    t->pager = api_ops_list_start(p->a, t->conn_id, windowed ? from : -1, OPS_MAX_PAGES, on_list_page, on_list_done, t);
}

/* ------------------------------------------------------------------ scheduling */

static void on_timer(void *ud)
{
    ops_poller *p = ud;
    p->timer_id = 0;
    p->timer_due = 0;
    p->on_event(p->ud);
}

/* Whether t is due now; else lowers *next to its due time. */
static bool step(ops_poller *p, poll_target *t, int64_t now, int64_t *next)
{
    if (!t->active) {
        if (t->was_active) {
            /* Nothing left to poll here: nothing here can be stale either. */
            t->was_active = false;
            t->fails = 0;
            t->stale_since_ms = 0;
        }
        t->kick = false;
        return false;
    }
    if (!t->was_active) {
        t->was_active = true;
        t->base_ms = now;
    }
    if (t->busy)
        return false;
    int64_t due = t->kick ? now : t->fails > 0 ? t->backoff_due_ms : t->base_ms + interval_of(p, t);
    if (due <= now)
        return true;
    if (due < *next)
        *next = due;
    return false;
}

/* Decides everything first and starts the due polls last, so that a reply that came before its
 * request returned would find the poller as it should be. */
void ops_poller_schedule(ops_poller *p)
{
    compute_targets(p);
    int64_t now = loop_now_ms(p->l), next = INT64_MAX;
    poll_target **due = xcalloc(p->nconns + 1, sizeof *due);
    size_t ndue = 0;
    for (size_t i = 0; i <= p->nconns; i++)
        if (step(p, target_at(p, i), now, &next))
            due[ndue++] = target_at(p, i);
    if (!any_stale(p) && (p->offline || p->last_error[0])) {
        p->offline = false;
        p->last_error[0] = '\0';
    }
    if (next == INT64_MAX) {
        if (p->timer_id)
            loop_timer_cancel(p->l, p->timer_id);
        p->timer_id = 0;
        p->timer_due = 0;
    } else if (!p->timer_id || p->timer_due != next) {
        if (p->timer_id)
            loop_timer_cancel(p->l, p->timer_id);
        p->timer_id = loop_timer_add(p->l, LOOP_CLOCK_APP, next - now, on_timer, p);
        p->timer_due = next;
    }
    for (size_t i = 0; i < ndue; i++)
        if (!due[i]->busy)
            start_poll(p, due[i]);
    free(due);
}

/* ------------------------------------------------------------------ life and health */

ops_poller *ops_poller_new(loop *l, api *a, ops_store *s, int poll_pending_ms, int poll_idle_ms, ops_poller_cb on_event,
                           void *ud)
{
    ops_poller *p = xcalloc(1, sizeof *p);
    p->l = l;
    p->a = a;
    p->s = s;
    p->poll_pending_ms = poll_pending_ms;
    p->poll_idle_ms = poll_idle_ms;
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
    if (p->timer_id)
        loop_timer_cancel(p->l, p->timer_id);
    for (size_t i = 0; i <= p->nconns; i++) {
        poll_target *t = target_at(p, i);
        if (t->busy && t->call_id)
            api_cancel(p->a, t->call_id); /* the cancelled reply only marks t idle */
        if (t->pager)
            api_pager_cancel(t->pager); /* on_done runs now (we are not in on_page) and marks t idle */
    }
    for (size_t i = 0; i < p->nconns; i++)
        free(p->conns[i]);
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
        if (t->busy)
            h->polling = true;
        if (t->stale_since_ms && (!stale || t->stale_since_ms < stale))
            stale = t->stale_since_ms;
    }
    h->offline = p->offline;
    h->stale_since_ms = stale;
    h->last_ok_ms = p->last_ok_ms;
    h->next_poll_ms = p->timer_id ? p->timer_due : 0;
    snprintf(h->last_error, sizeof h->last_error, "%s", p->last_error);
    h->requests = p->requests;
}
