/* ops: the operation tracker's public API, on top of the record store (ops_store), the poller
 * (ops_poll) and the journal (ops_journal). Every entry point and every poller event ends in
 * settle(), the one place that applies what the change left to do and then tells the UI. */
#include "core/ops.h"

#include "common/strbuf.h"
#include "core/ops_journal.h"
#include "core/ops_poll.h"
#include "core/ops_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ops_tracker {
    loop *l;
    ops_store *s;
    ops_poller *p;
    ops_journal *j;       /* NULL: no journal */
    ops_change_cb on_change;
    ops_dirty_cb on_dirty;
    void *ud;
    char follow[UUID_STR_LEN];
    char watch[UUID_STR_LEN];
    bool started;
    char journal_error[200]; /* the last save failed (kept until one works) */
    unsigned health_sig;
};

static unsigned health_sig(const ops_tracker *t)
{
    unsigned h = ops_poller_health_sig(t->p);
    for (const char *c = t->journal_error; *c; c++)
        h = (h ^ (unsigned char)*c) * 16777619u;
    return h;
}

static void save_journal(ops_tracker *t)
{
    char *err = NULL;
    if (ops_journal_save(t->j, t->s, ops_poller_clock_offset(t->p), &err) != 0)
        snprintf(t->journal_error, sizeof t->journal_error, "%s", err);
    else
        t->journal_error[0] = '\0';
    free(err);
}

/* Applies what the last mutations left to do: give up on ops too old to find, order, eviction,
 * journal, polling schedule; then tells the UI (each change, then one redraw). */
static void settle(ops_tracker *t)
{
    ops_poller_age_check(t->p);
    ops_store_settle(t->s);
    if (ops_store_take_journal_dirty(t->s) && t->j)
        save_journal(t);
    ops_poller_schedule(t->p);
    bool dirty = ops_store_take_dirty(t->s);
    unsigned sig = health_sig(t);
    if (sig != t->health_sig) {
        t->health_sig = sig;
        dirty = true;
    }
    size_t n;
    ops_change *ch = ops_store_take_changes(t->s, &n);
    for (size_t i = 0; i < n; i++) {
        const ops_entry *e = ops_store_lookup(t->s, ch[i].id);
        if (e && t->on_change)
            t->on_change(t->ud, &e->r, ch[i].old);
    }
    free(ch);
    if (dirty && t->on_dirty)
        t->on_dirty(t->ud);
}

static void on_poller_event(void *ud)
{
    settle(ud);
}

/* ------------------------------------------------------------------ life */

ops_tracker *ops_tracker_new(loop *l, api *a, const ops_settings *s)
{
    ops_tracker *t = xcalloc(1, sizeof *t);
    t->l = l;
    t->s = ops_store_new(OPS_MINE_MAX, OPS_OTHERS_MAX);
    int pending = s && s->poll_pending_ms > 0 ? s->poll_pending_ms : 1000;
    int idle = s && s->poll_idle_ms > 0 ? s->poll_idle_ms : 15000;
    ops_poller_opts o = {.poll_pending_ms = pending,
                         .poll_idle_ms = idle,
                         .by_id_max = !s || s->by_id_max == 0 ? OPS_BY_ID_MAX : s->by_id_max < 0 ? 0 : s->by_id_max};
    t->p = ops_poller_new(l, a, t->s, &o, on_poller_event, t);
    t->j = s && s->journal_path ? ops_journal_new(s->journal_path) : NULL;
    t->health_sig = health_sig(t);
    return t;
}

void ops_tracker_free(ops_tracker *t)
{
    if (!t)
        return;
    ops_poller_free(t->p); /* first: its cancelled requests still point at it */
    ops_journal_free(t->j);
    ops_store_free(t->s);
    free(t);
}

void ops_tracker_set_callbacks(ops_tracker *t, ops_change_cb on_change, ops_dirty_cb on_dirty, void *ud)
{
    t->on_change = on_change;
    t->on_dirty = on_dirty;
    t->ud = ud;
}

/* The ops of the journal become mine again, quietly: loading is not a status change. */
static void restore(ops_tracker *t, api_journal *jr)
{
    if (jr->has_clock_offset)
        ops_poller_restore_clock_offset(t->p, jr->clock_offset_ms);
    for (size_t i = 0; i < jr->n; i++) {
        api_journal_op *o = &jr->ops[i];
        if (ops_store_lookup(t->s, o->r.id))
            continue;
        bool unknown = o->r.status == OP_UNKNOWN;
        ops_insert how = {.mine = true,
                          .quiet = true,
                          .odd_status = unknown && o->poll,
                          .gave_up = unknown && !o->poll,
                          .now_ms = loop_now_ms(t->l),
                          .created_ms = o->has_created_ms ? o->created_ms : ops_poller_server_now(t->p)};
        ops_store_insert(t->s, &o->r, &how, NULL);
    }
}

int ops_tracker_start(ops_tracker *t, char **err)
{
    if (err)
        *err = NULL;
    if (t->started)
        return 0;
    t->started = true;
    int rc = 0;
    if (t->j) {
        api_journal jr;
        char *e = NULL;
        if (ops_journal_load(t->j, &jr, &e) != 0) {
            rc = -1;
            if (err)
                *err = e;
            else
                free(e);
        } else {
            restore(t, &jr);
        }
        api_journal_clear(&jr);
    }
    /* Whatever is still pending may have finished while we were away: look now. */
    ops_poller_kick_all(t->p);
    settle(t);
    return rc;
}

/* ------------------------------------------------------------------ what the console asks */

const op_rec *ops_tracker_add_response(ops_tracker *t, const char *body, size_t len, const char *label,
                                       const char *target_id, char **err)
{
    if (err)
        *err = NULL;
    op_rec r;
    bool odd = false;
    char *e = NULL;
    if (api_op_decode(body, len, &r, &odd, &e) != 0) {
        if (err) {
            strbuf sb = STRBUF_INIT;
            strbuf_printf(&sb, "the answer is not an operation: %s", e);
            *err = strbuf_detach(&sb);
        }
        free(e);
        return NULL;
    }
    int64_t ts;
    if (api_time_parse(r.updated_at, &ts) || api_time_parse(r.created_at, &ts))
        ops_poller_observe_server_time(t->p, ts);
    char id[UUID_STR_LEN];
    snprintf(id, sizeof id, "%s", r.id);
    ops_entry *en = ops_store_lookup(t->s, id);
    if (en) {
        ops_store_merge(t->s, en, &r, odd, loop_now_ms(t->l));
        ops_store_make_mine(t->s, en);
    } else {
        ops_insert how = {.mine = true,
                          .odd_status = odd,
                          .now_ms = loop_now_ms(t->l),
                          .created_ms = ops_poller_server_now(t->p)};
        en = ops_store_insert(t->s, &r, &how, NULL);
    }
    ops_store_set_label(t->s, en, label, target_id);
    ops_store_mark_journal_dirty(t->s);
    settle(t);
    en = ops_store_lookup(t->s, id);
    return en ? &en->r : NULL;
}

static bool norm_id(const char *in, char out[UUID_STR_LEN])
{
    uuid u;
    if (!in || !uuid_parse(in, &u))
        return false;
    uuid_format(&u, out);
    return true;
}

/* The others of the connection no longer followed would no longer be kept current. */
static bool other_of(const ops_entry *e, void *conn_id)
{
    return !e->r.mine && strcmp(e->r.connection_id, conn_id) == 0;
}

void ops_tracker_follow_connection(ops_tracker *t, const char *connection_id)
{
    char id[UUID_STR_LEN] = "";
    if (connection_id && !norm_id(connection_id, id))
        return;
    if (strcmp(id, t->follow) == 0)
        return;
    if (t->follow[0])
        ops_store_remove_if(t->s, other_of, t->follow);
    snprintf(t->follow, sizeof t->follow, "%s", id);
    ops_poller_follow(t->p, id);
    settle(t);
}

void ops_tracker_watch_detail(ops_tracker *t, const char *op_id)
{
    char id[UUID_STR_LEN] = "";
    if (op_id && !norm_id(op_id, id))
        return;
    if (strcmp(id, t->watch) == 0)
        return;
    snprintf(t->watch, sizeof t->watch, "%s", id);
    ops_poller_watch(t->p, id);
    settle(t);
}

/* ------------------------------------------------------------------ what the console reads */

size_t ops_count(const ops_tracker *t)
{
    return ops_store_count(t->s);
}

const op_rec *ops_get(const ops_tracker *t, size_t i)
{
    const ops_entry *e = ops_store_at(t->s, i);
    return e ? &e->r : NULL;
}

const op_rec *ops_find(const ops_tracker *t, const char *id)
{
    char nid[UUID_STR_LEN];
    if (!norm_id(id, nid))
        return NULL;
    const ops_entry *e = ops_store_lookup(t->s, nid);
    return e ? &e->r : NULL;
}

int ops_pending_count(const ops_tracker *t)
{
    return ops_store_pending(t->s);
}

void ops_tracker_health(const ops_tracker *t, ops_health *h)
{
    ops_poller_health(t->p, h);
    if (t->journal_error[0]) /* shown until a save works, whatever the polls do */
        snprintf(h->last_error, sizeof h->last_error, "%s", t->journal_error);
}
