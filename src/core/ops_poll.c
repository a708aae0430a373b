/* ops_poll: when and what the tracker polls. One target per connection (a list request with a
 * connection_id + from_datetime window, following next_page) and one for the op a detail view
 * watches (the single-op GET). Each target has at most one request in flight, its own due time
 * on the app clock and its own backoff; one loop timer fires at the earliest due time. */
#include "core/ops_private.h"

#include "common/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ jitter */

static uint64_t rng_next(ops_tracker *t)
{
    if (!t->rng_seeded) {
        /* A fixed seed under the virtual clock (tests, script mode), else a per-process one so
         * that many consoles do not retry in step. */
        t->rng = loop_clock_is_virtual(t->l) ? 0x243F6A8885A308D3ULL
                                             : (uint64_t)ops__wall_ms() * 0x9E3779B97F4A7C15ULL ^ (uint64_t)getpid();
        t->rng_seeded = true;
    }
    uint64_t z = (t->rng += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double rng_unit(ops_tracker *t)
{
    return (double)(rng_next(t) >> 11) * (1.0 / 9007199254740992.0);
}

/* interval * 2^fails, +-20 %, never more than 5 min. */
static int64_t backoff_ms(ops_tracker *t, int64_t interval, int fails)
{
    int64_t d = interval;
    for (int i = 0; i < fails && d < OPS_BACKOFF_CAP_MS; i++)
        d *= 2;
    double j = 1.0 + OPS_JITTER * (2.0 * rng_unit(t) - 1.0);
    d = (int64_t)((double)d * j);
    return d > OPS_BACKOFF_CAP_MS ? OPS_BACKOFF_CAP_MS : d;
}

/* ------------------------------------------------------------------ targets */

poll_target *ops__conn_target(ops_tracker *t, const char *conn_id)
{
    for (size_t i = 0; i < t->nconns; i++)
        if (strcmp(t->conns[i]->conn_id, conn_id) == 0)
            return t->conns[i];
    t->conns = xrealloc(t->conns, (t->nconns + 1) * sizeof *t->conns);
    poll_target *p = xcalloc(1, sizeof *p);
    p->t = t;
    p->index = (int)t->nconns;
    snprintf(p->conn_id, sizeof p->conn_id, "%s", conn_id);
    t->conns[t->nconns++] = p;
    return p;
}

static bool is_followed(const ops_tracker *t, const poll_target *p)
{
    return p->index >= 0 && t->follow[0] && strcmp(p->conn_id, t->follow) == 0;
}

static int64_t interval_of(const ops_tracker *t, const poll_target *p)
{
    return p->any_pending ? t->poll_pending_ms : t->poll_idle_ms;
}

static op_entry *watched(const ops_tracker *t)
{
    return t->watch[0] ? ops__lookup(t, t->watch) : NULL;
}

/* Live ops that can no longer be found by a from_datetime window (the API allows 45 days)
 * become OP_UNKNOWN instead of being polled for ever. The watched op is polled by id. */
void ops__age_check(ops_tracker *t)
{
    int64_t limit = ops__server_now(t) - (OPS_MAX_AGE_MS - OPS_AGE_SLACK_MS);
    op_entry *w = watched(t);
    for (size_t i = 0; i < t->n; i++) {
        op_entry *e = t->ents[i];
        if (e != w && ops__live(e) && e->created_ms < limit)
            ops__give_up(t, e);
    }
}

static void compute_targets(ops_tracker *t)
{
    for (size_t i = 0; i < t->nconns; i++) {
        poll_target *p = t->conns[i];
        p->nlive = 0;
        p->earliest_ms = INT64_MAX;
        p->any_pending = false;
    }
    op_entry *w = watched(t);
    for (size_t i = 0; i < t->n; i++) {
        op_entry *e = t->ents[i];
        if (e == w || !ops__live(e))
            continue;
        poll_target *p = t->conns[e->conn];
        p->nlive++;
        p->any_pending = true;
        if (e->created_ms < p->earliest_ms)
            p->earliest_ms = e->created_ms;
    }
    for (size_t i = 0; i < t->nconns; i++)
        t->conns[i]->active = t->conns[i]->nlive > 0 || is_followed(t, t->conns[i]);
    poll_target *d = &t->detail;
    d->active = w != NULL;
    d->any_pending = w && ops__live(w);
    if (w)
        snprintf(d->conn_id, sizeof d->conn_id, "%s", w->r.connection_id);
}

/* ------------------------------------------------------------------ outcomes */

static bool any_stale(const ops_tracker *t)
{
    for (size_t i = 0; i < t->nconns; i++)
        if (t->conns[i]->stale_since_ms)
            return true;
    return t->detail.stale_since_ms != 0;
}

static void poll_ok(ops_tracker *t, poll_target *p)
{
    int64_t now = loop_now_ms(t->l);
    p->fails = 0;
    p->stale_since_ms = 0;
    p->base_ms = now;
    t->last_ok_ms = now;
    t->offline = false;
    if (!any_stale(t) && !t->journal_failed)
        t->last_error[0] = '\0';
}

static void poll_failed(ops_tracker *t, poll_target *p, const char *msg, bool network, int retry_after_s)
{
    int64_t now = loop_now_ms(t->l);
    p->fails++;
    if (!p->stale_since_ms)
        p->stale_since_ms = now;
    p->base_ms = now;
    t->offline = network;
    t->journal_failed = false;
    snprintf(t->last_error, sizeof t->last_error, "%.199s", msg);
    int64_t iv = interval_of(t, p);
    int64_t delay;
    if (retry_after_s >= 0) {
        delay = (int64_t)retry_after_s * 1000;
        if (delay < iv)
            delay = iv;
    } else {
        delay = backoff_ms(t, iv, p->fails);
    }
    p->backoff_due_ms = now + delay;
}

static void reply_failed(ops_tracker *t, poll_target *p, const api_reply *r)
{
    bool network = r->status == API_NETWORK || r->status == API_UNKNOWN_OUTCOME;
    int ra = r->status == API_HTTP_ERROR && r->http_status == 429 ? r->retry_after_s : -1;
    char msg[200];
    snprintf(msg, sizeof msg, "%.199s", r->message[0] ? r->message : "The status request failed.");
    if (p->index >= 0 && p->windowed && r->status == API_HTTP_ERROR && r->http_status == 422) {
        /* The window was refused: the server's clock is further on than we thought, so its
         * start is more than 45 days back. Move our estimate past it; the age check then gives
         * up on the oldest ops and the next window is shorter. */
        int64_t least = p->window_from_ms + OPS_MAX_AGE_MS + 1000;
        if (ops__server_now(t) < least) {
            t->clock_offset_ms = least - ops__wall_ms();
            t->offset_fresh = true;
        }
        p->watermark_ms = 0;
    }
    poll_failed(t, p, msg, network, ra);
}

static void decode_failed(ops_tracker *t, poll_target *p, const char *what)
{
    char msg[200];
    snprintf(msg, sizeof msg, "Could not read the server's answer about operations (%.120s); will retry.", what);
    poll_failed(t, p, msg, false, -1);
}

/* ------------------------------------------------------------------ requests */

static void send_get(ops_tracker *t, poll_target *p, const char *path, api_cb cb)
{
    p->busy = true;
    uint64_t g = ++p->gen;
    t->requests++;
    uint64_t id = api_call(t->a, "GET", path, NULL, cb, p);
    if (p->busy && p->gen == g)
        p->call_id = id;
}

/* Common start of a reply: false when there is nothing more to do with it. */
static bool reply_begin(poll_target *p, const api_reply *r)
{
    ops_tracker *t = p->t;
    if (r->status == API_CANCELLED) {
        if (!t->closing) {
            p->busy = false;
            p->call_id = 0;
        }
        return false;
    }
    p->busy = false;
    p->call_id = 0;
    return !t->closing;
}

static void on_list_reply(void *ud, const api_reply *r);

static void request_page(ops_tracker *t, poll_target *p, const char *cursor)
{
    strbuf q = STRBUF_INIT;
    strbuf_puts(&q, "/v2/integrations/connections/resource-operations?connection_id=");
    strbuf_put_urlencoded(&q, p->conn_id);
    if (p->windowed) {
        char ts[32];
        ops__format_time(p->window_from_ms, ts);
        strbuf_puts(&q, "&from_datetime=");
        strbuf_put_urlencoded(&q, ts);
    }
    strbuf_puts(&q, "&size=1000");
    if (cursor) {
        strbuf_puts(&q, "&cursor=");
        strbuf_put_urlencoded(&q, cursor);
    }
    send_get(t, p, q.data, on_list_reply);
    strbuf_free(&q);
}

/* After a complete list: live ops of the connection inside the window that it did not return. */
static void count_misses(ops_tracker *t, poll_target *p)
{
    op_entry *w = watched(t);
    for (size_t i = 0; i < t->n; i++) {
        op_entry *e = t->ents[i];
        if (e->conn != p->index || e == w || !ops__live(e) || e->add_seq > p->poll_seq ||
            e->seen_seq == p->poll_seq || e->created_ms < p->window_from_ms)
            continue;
        if (++e->misses >= OPS_MISS_LIMIT)
            ops__give_up(t, e);
    }
}

static void on_list_reply(void *ud, const api_reply *r)
{
    poll_target *p = ud;
    ops_tracker *t = p->t;
    if (!reply_begin(p, r))
        return;
    if (r->status != API_OK) {
        reply_failed(t, p, r);
        ops__flush(t);
        return;
    }
    cJSON *root = r->body ? cJSON_ParseWithLength(r->body, r->body_len) : NULL;
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    if (!cJSON_IsArray(items)) {
        decode_failed(t, p, root ? "the page has no 'items' list" : "malformed JSON");
        cJSON_Delete(root);
        ops__flush(t);
        return;
    }
    bool followed = is_followed(t, p);
    int count = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        count++;
        op_rec fresh;
        bool odd;
        char *err = NULL;
        if (ops__parse(&fresh, it, &odd, &err) != 0) {
            free(err); /* one unreadable item does not hold up the others */
            continue;
        }
        int64_t cms;
        if (ops__parse_time(fresh.created_at, &cms) && cms > p->poll_newest_ms)
            p->poll_newest_ms = cms;
        op_entry *e = ops__lookup(t, fresh.id);
        if (e) {
            ops__merge(t, e, &fresh, odd);
        } else if (followed && strcmp(fresh.connection_id, p->conn_id) == 0) {
            e = ops__insert(t, &fresh, odd, false);
        } else {
            op_rec_clear(&fresh);
            continue;
        }
        e->seen_seq = p->poll_seq;
        e->misses = 0;
    }
    const cJSON *np = cJSON_GetObjectItemCaseSensitive(root, "next_page");
    char *cursor = cJSON_IsString(np) && np->valuestring && np->valuestring[0] && count > 0
                       ? xstrdup(np->valuestring)
                       : NULL;
    cJSON_Delete(root);
    p->pages++;
    if (cursor && p->pages < OPS_MAX_PAGES) {
        request_page(t, p, cursor);
        free(cursor);
        ops__flush(t); /* show what this page brought while the next one loads */
        return;
    }
    bool complete = cursor == NULL;
    free(cursor);
    poll_ok(t, p);
    if (complete) {
        if (p->poll_newest_ms > p->watermark_ms)
            p->watermark_ms = p->poll_newest_ms;
        if (p->windowed)
            count_misses(t, p);
    }
    ops__flush(t);
}

static void on_detail_reply(void *ud, const api_reply *r)
{
    poll_target *p = ud;
    ops_tracker *t = p->t;
    if (!reply_begin(p, r))
        return;
    op_entry *e = ops__lookup(t, p->op_id);
    if (r->status == API_HTTP_ERROR && r->http_status == 404) {
        /* An answer, not a failure: Catena does not know this op (any more). */
        if (e)
            ops__give_up(t, e);
        poll_ok(t, p);
        ops__flush(t);
        return;
    }
    if (r->status != API_OK) {
        reply_failed(t, p, r);
        ops__flush(t);
        return;
    }
    cJSON *root = r->body ? cJSON_ParseWithLength(r->body, r->body_len) : NULL;
    op_rec fresh;
    bool odd;
    char *err = NULL;
    if (!root || ops__parse(&fresh, root, &odd, &err) != 0) {
        decode_failed(t, p, root ? err : "malformed JSON");
        free(err);
        cJSON_Delete(root);
        ops__flush(t);
        return;
    }
    cJSON_Delete(root);
    if (e && strcmp(fresh.id, e->r.id) == 0)
        ops__merge(t, e, &fresh, odd);
    else
        op_rec_clear(&fresh);
    poll_ok(t, p);
    ops__flush(t);
}

static void start_poll(ops_tracker *t, poll_target *p)
{
    p->kick = false;
    if (p->index < 0) {
        char path[200];
        snprintf(path, sizeof path, "/v2/integrations/connections/%s/resource-operations/%s", p->conn_id, p->op_id);
        send_get(t, p, path, on_detail_reply);
        return;
    }
    int64_t from = 0;
    bool windowed = false;
    if (p->nlive > 0) {
        from = p->earliest_ms - OPS_WINDOW_MARGIN_MS;
        windowed = true;
    }
    if (is_followed(t, p)) {
        if (p->watermark_ms > 0) {
            /* Others are new since the newest one seen; what is live is covered above. */
            int64_t w = p->watermark_ms - OPS_WINDOW_MARGIN_MS;
            from = windowed && from < w ? from : w;
            windowed = true;
        } else if (windowed) {
            from -= OPS_FOLLOW_HISTORY_MS; /* first look: also the day before */
        }
        /* else no from_datetime: the API's default, the last 24 hours */
    }
    if (windowed) {
        int64_t floor = ops__server_now(t) - OPS_MAX_AGE_MS + 60000;
        if (from < floor)
            from = floor;
    }
    p->windowed = windowed;
    p->window_from_ms = from;
    p->poll_seq = ++t->seq;
    p->pages = 0;
    p->poll_newest_ms = 0;
    request_page(t, p, NULL);
}

/* ------------------------------------------------------------------ scheduling */

static void on_timer(void *ud)
{
    ops_tracker *t = ud;
    t->timer_id = 0;
    t->timer_due = 0;
    ops__flush(t);
}

static void step(ops_tracker *t, poll_target *p, int64_t now, int64_t *next)
{
    if (!p->active) {
        if (p->was_active) {
            /* Nothing left to poll here: nothing here can be stale either. */
            p->was_active = false;
            p->fails = 0;
            p->stale_since_ms = 0;
        }
        p->kick = false;
        return;
    }
    if (!p->was_active) {
        p->was_active = true;
        p->base_ms = now;
    }
    if (p->busy)
        return;
    int64_t due = p->kick ? now : p->fails > 0 ? p->backoff_due_ms : p->base_ms + interval_of(t, p);
    if (due <= now)
        start_poll(t, p);
    else if (due < *next)
        *next = due;
}

void ops__schedule(ops_tracker *t)
{
    if (t->closing)
        return;
    if (t->in_schedule) {
        t->resched = true;
        return;
    }
    t->in_schedule = true;
    do {
        t->resched = false;
        compute_targets(t);
        int64_t now = loop_now_ms(t->l), next = INT64_MAX;
        for (size_t i = 0; i <= t->nconns && !t->resched; i++)
            step(t, i < t->nconns ? t->conns[i] : &t->detail, now, &next);
        if (t->resched)
            continue;
        if (!any_stale(t) && !t->journal_failed && (t->offline || t->last_error[0])) {
            t->offline = false;
            t->last_error[0] = '\0';
        }
        if (next == INT64_MAX) {
            if (t->timer_id)
                loop_timer_cancel(t->l, t->timer_id);
            t->timer_id = 0;
            t->timer_due = 0;
        } else if (!t->timer_id || t->timer_due != next) {
            if (t->timer_id)
                loop_timer_cancel(t->l, t->timer_id);
            t->timer_id = loop_timer_add(t->l, LOOP_CLOCK_APP, next - now, on_timer, t);
            t->timer_due = next;
        }
    } while (t->resched);
    t->in_schedule = false;
}

void ops__cancel_all(ops_tracker *t)
{
    if (t->timer_id)
        loop_timer_cancel(t->l, t->timer_id);
    t->timer_id = 0;
    for (size_t i = 0; i <= t->nconns; i++) {
        poll_target *p = i < t->nconns ? t->conns[i] : &t->detail;
        if (p->busy && p->call_id)
            api_cancel(t->a, p->call_id);
        p->busy = false;
        p->call_id = 0;
    }
}

/* What of the health the pane shows: a change of it is worth a redraw. */
unsigned ops__health_sig(const ops_tracker *t)
{
    unsigned h = 2166136261u;
    for (const char *s = t->last_error; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h ^ (any_stale(t) ? 1u : 0u) ^ (t->offline ? 2u : 0u);
}

void ops_tracker_health(const ops_tracker *t, ops_health *h)
{
    memset(h, 0, sizeof *h);
    int64_t stale = 0;
    for (size_t i = 0; i <= t->nconns; i++) {
        const poll_target *p = i < t->nconns ? t->conns[i] : &t->detail;
        if (p->busy)
            h->polling = true;
        if (p->stale_since_ms && (!stale || p->stale_since_ms < stale))
            stale = p->stale_since_ms;
    }
    h->offline = t->offline;
    h->stale_since_ms = stale;
    h->last_ok_ms = t->last_ok_ms;
    h->next_poll_ms = t->timer_id ? t->timer_due : 0;
    snprintf(h->last_error, sizeof h->last_error, "%s", t->last_error);
    h->requests = t->requests;
}
