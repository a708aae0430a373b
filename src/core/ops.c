/* ops: the store of operation records (display order + id hash) and the tracker's public API.
 * Parsing lives in ops_parse.c, polling in ops_poll.c, the journal in ops_journal.c. */
#include "core/ops_private.h"

#include "common/strbuf.h"
#include "common/uuid.h"
#include "core/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *ops__fmt(const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    return strbuf_detach(&sb);
}

const char *op_status_name(op_status s)
{
    switch (s) {
    case OP_PENDING:
        return "pending";
    case OP_SUCCESS:
        return "success";
    case OP_FAILED:
        return "failed";
    case OP_UNKNOWN:
        break;
    }
    return "unknown";
}

/* ------------------------------------------------------------------ store */

static uint64_t id_hash(const char *id)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

static void hash_put(ops_tracker *t, op_entry *e)
{
    size_t mask = t->hcap - 1, i = (size_t)id_hash(e->r.id) & mask;
    while (t->hash[i])
        i = (i + 1) & mask;
    t->hash[i] = e;
}

static void hash_rebuild(ops_tracker *t)
{
    size_t cap = 64;
    while (cap < t->n * 2 + 2)
        cap <<= 1;
    free(t->hash);
    t->hash = xcalloc(cap, sizeof *t->hash);
    t->hcap = cap;
    for (size_t i = 0; i < t->n; i++)
        hash_put(t, t->ents[i]);
}

op_entry *ops__lookup(const ops_tracker *t, const char *id)
{
    if (!t->hcap || !id)
        return NULL;
    size_t mask = t->hcap - 1, i = (size_t)id_hash(id) & mask;
    for (op_entry *e; (e = t->hash[i]) != NULL; i = (i + 1) & mask)
        if (strcmp(e->r.id, id) == 0)
            return e;
    return NULL;
}

static void queue_change(ops_tracker *t, op_entry *e, op_status old)
{
    const char *id = e->r.id;
    e->queued = true;
    if (t->nchanges == t->capchanges) {
        t->capchanges = t->capchanges ? t->capchanges * 2 : 16;
        t->changes = xrealloc(t->changes, t->capchanges * sizeof *t->changes);
    }
    op_change *c = &t->changes[t->nchanges++];
    snprintf(c->id, sizeof c->id, "%s", id);
    c->old = old;
}

bool ops__live(const op_entry *e)
{
    return !e->gave_up && (e->r.status == OP_PENDING || (e->r.status == OP_UNKNOWN && e->odd_status));
}

op_entry *ops__insert(ops_tracker *t, op_rec *r, bool odd_status, bool mine)
{
    op_entry *e = xcalloc(1, sizeof *e);
    e->r = *r;
    memset(r, 0, sizeof *r);
    e->r.mine = mine;
    e->odd_status = odd_status;
    e->r.changed_at_ms = loop_now_ms(t->l);
    if (!ops__parse_time(e->r.created_at, &e->created_ms))
        e->created_ms = ops__server_now(t);
    e->conn = ops__conn_target(t, e->r.connection_id)->index;
    e->add_seq = ++t->seq;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->ents = xrealloc(t->ents, t->cap * sizeof *t->ents);
    }
    t->ents[t->n++] = e;
    if (t->n * 2 + 2 > t->hcap)
        hash_rebuild(t);
    else
        hash_put(t, e);
    t->order_dirty = true;
    t->dirty = true;
    if (mine)
        t->journal_dirty = true;
    queue_change(t, e, OP_UNKNOWN);
    return e;
}

static bool str_eq(const char *a, const char *b)
{
    return (!a || !b) ? a == b : strcmp(a, b) == 0;
}

static bool logs_eq(const op_rec *a, const op_rec *b)
{
    if (a->nlogs != b->nlogs)
        return false;
    for (int i = 0; i < a->nlogs; i++) {
        const op_log *x = &a->logs[i], *y = &b->logs[i];
        if (!str_eq(x->created_at, y->created_at) || !str_eq(x->status, y->status) ||
            !str_eq(x->error_type, y->error_type) || !str_eq(x->error_details, y->error_details) ||
            x->response_status_code != y->response_status_code)
            return false;
    }
    return true;
}

/* Fields the server did not send (NULL) keep what we knew: the write response lacks
 * source_name, and nothing the API reports goes back to null once set. */
#define TAKE_STR(f)                                                                                                    \
    do {                                                                                                               \
        if (fresh->f && !str_eq(r->f, fresh->f)) {                                                                     \
            free(r->f);                                                                                                \
            r->f = fresh->f;                                                                                           \
            fresh->f = NULL;                                                                                           \
            changed = true;                                                                                            \
        }                                                                                                              \
    } while (0)

void ops__merge(ops_tracker *t, op_entry *e, op_rec *fresh, bool odd_status)
{
    op_rec *r = &e->r;
    bool changed = false;
    TAKE_STR(resource);
    TAKE_STR(operation_type);
    TAKE_STR(resource_id);
    TAKE_STR(source_id);
    TAKE_STR(source_name);
    TAKE_STR(updated_at);
    TAKE_STR(payload_json);
    if (fresh->created_at && !str_eq(r->created_at, fresh->created_at)) {
        free(r->created_at);
        r->created_at = fresh->created_at;
        fresh->created_at = NULL;
        int64_t ms;
        if (ops__parse_time(r->created_at, &ms) && ms != e->created_ms) {
            e->created_ms = ms;
            t->order_dirty = true;
        }
        changed = true;
    }
    if (fresh->nlogs > 0 && !logs_eq(r, fresh)) {
        for (int i = 0; i < r->nlogs; i++)
            ops__log_clear(&r->logs[i]);
        free(r->logs);
        r->logs = fresh->logs;
        r->nlogs = fresh->nlogs;
        fresh->logs = NULL;
        fresh->nlogs = 0;
        changed = true;
    }
    if (fresh->status != r->status) {
        op_status old = r->status;
        r->status = fresh->status;
        r->changed_at_ms = loop_now_ms(t->l);
        queue_change(t, e, old);
        int64_t ts;
        if (ops__parse_time(r->updated_at, &ts))
            ops__observe_server_time(t, ts);
        changed = true;
    }
    if (odd_status != e->odd_status || e->gave_up) {
        /* The server answered for it: whether it is polled follows what it said. */
        e->odd_status = odd_status;
        e->gave_up = false;
        if (r->mine)
            t->journal_dirty = true;
    }
    if (changed) {
        t->dirty = true;
        if (r->mine)
            t->journal_dirty = true;
    }
    op_rec_clear(fresh);
}

void ops__give_up(ops_tracker *t, op_entry *e)
{
    if (e->gave_up && e->r.status == OP_UNKNOWN)
        return;
    op_status old = e->r.status;
    e->gave_up = true;
    e->odd_status = false;
    e->misses = 0;
    if (old != OP_UNKNOWN) {
        e->r.status = OP_UNKNOWN;
        e->r.changed_at_ms = loop_now_ms(t->l);
        queue_change(t, e, old);
        t->dirty = true;
    }
    if (e->r.mine)
        t->journal_dirty = true;
}

static int cmp_display(const void *pa, const void *pb)
{
    const op_entry *a = *(op_entry *const *)pa, *b = *(op_entry *const *)pb;
    if (a->r.mine != b->r.mine)
        return a->r.mine ? -1 : 1;
    if (a->created_ms != b->created_ms)
        return a->created_ms > b->created_ms ? -1 : 1;
    return -strcmp(a->r.id, b->r.id);
}

static void free_entry(op_entry *e)
{
    op_rec_clear(&e->r);
    free(e);
}

/* Removes the entries for which drop[i] is set (display order is kept). */
static void remove_marked(ops_tracker *t, const bool *drop)
{
    size_t w = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (drop[i]) {
            if (t->ents[i]->r.mine)
                t->journal_dirty = true;
            free_entry(t->ents[i]);
        } else {
            t->ents[w++] = t->ents[i];
        }
    }
    if (w != t->n) {
        t->n = w;
        t->dirty = true;
        hash_rebuild(t);
    }
}

/* Keeps every live op, and the newest OPS_MINE_MAX finished mine and OPS_OTHERS_MAX finished
 * other ops. Needs display order. */
static void evict(ops_tracker *t)
{
    size_t mine = 0, others = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (ops__live(t->ents[i]))
            continue;
        if (t->ents[i]->r.mine)
            mine++;
        else
            others++;
    }
    if (mine <= OPS_MINE_MAX && others <= OPS_OTHERS_MAX)
        return;
    bool *drop = xcalloc(t->n ? t->n : 1, sizeof *drop);
    for (size_t i = t->n; i-- > 0;) { /* oldest first within each group */
        op_entry *e = t->ents[i];
        size_t *cnt = e->r.mine ? &mine : &others;
        size_t max = e->r.mine ? OPS_MINE_MAX : OPS_OTHERS_MAX;
        if (*cnt > max && !ops__live(e) && !e->queued) {
            drop[i] = true;
            (*cnt)--;
        }
    }
    remove_marked(t, drop);
    free(drop);
}

static void fire_callbacks(ops_tracker *t)
{
    op_change *ch = t->changes;
    size_t n = t->nchanges;
    t->changes = NULL;
    t->nchanges = t->capchanges = 0;
    bool dirty = t->dirty;
    t->dirty = false;
    for (size_t i = 0; i < n; i++) {
        op_entry *e = ops__lookup(t, ch[i].id);
        if (e)
            e->queued = false;
    }
    for (size_t i = 0; i < n && !t->closing; i++) {
        op_entry *e = ops__lookup(t, ch[i].id);
        if (e && t->on_change)
            t->on_change(t->ud, &e->r, ch[i].old);
    }
    free(ch);
    if (dirty && t->on_dirty && !t->closing)
        t->on_dirty(t->ud);
}

/* Applies what the last mutations left to do: give up on ops too old to find, order,
 * eviction, journal, polling schedule; then tells the UI (each change, then one redraw). */
void ops__flush(ops_tracker *t)
{
    if (t->closing)
        return;
    ops__age_check(t);
    if (t->order_dirty) {
        if (t->n > 1)
            qsort(t->ents, t->n, sizeof *t->ents, cmp_display);
        t->order_dirty = false;
    }
    evict(t);
    int np = 0;
    for (size_t i = 0; i < t->n; i++)
        np += t->ents[i]->r.status == OP_PENDING;
    t->npending = np;
    if (t->journal_dirty) {
        t->journal_dirty = false;
        ops__journal_save(t);
    }
    ops__schedule(t);
    unsigned sig = ops__health_sig(t);
    if (sig != t->health_sig) {
        t->health_sig = sig;
        t->dirty = true;
    }
    fire_callbacks(t);
}

/* ------------------------------------------------------------------ public API */

ops_tracker *ops_tracker_new(loop *l, api *a, const ops_settings *s)
{
    ops_tracker *t = xcalloc(1, sizeof *t);
    t->l = l;
    t->a = a;
    t->poll_pending_ms = s && s->poll_pending_ms > 0 ? s->poll_pending_ms : 1000;
    t->poll_idle_ms = s && s->poll_idle_ms > 0 ? s->poll_idle_ms : 15000;
    t->journal_path = s && s->journal_path ? xstrdup(s->journal_path) : NULL;
    t->detail.t = t;
    t->detail.index = -1;
    t->health_sig = ops__health_sig(t);
    return t;
}

void ops_tracker_free(ops_tracker *t)
{
    if (!t)
        return;
    t->closing = true;
    ops__cancel_all(t);
    for (size_t i = 0; i < t->n; i++)
        free_entry(t->ents[i]);
    free(t->ents);
    free(t->hash);
    for (size_t i = 0; i < t->nconns; i++)
        free(t->conns[i]);
    free(t->conns);
    free(t->changes);
    free(t->journal_path);
    free(t);
}

void ops_tracker_set_callbacks(ops_tracker *t, ops_change_cb on_change, ops_dirty_cb on_dirty, void *ud)
{
    t->on_change = on_change;
    t->on_dirty = on_dirty;
    t->ud = ud;
}

int ops_tracker_start(ops_tracker *t, char **err)
{
    if (err)
        *err = NULL;
    if (t->started)
        return 0;
    t->started = true;
    int rc = 0;
    char *e = NULL;
    if (t->journal_path && ops__journal_load(t, &e) != 0) {
        rc = -1;
        if (err)
            *err = e;
        else
            free(e);
    }
    /* Whatever is still pending may have finished while we were away: look now. */
    for (size_t i = 0; i < t->nconns; i++)
        t->conns[i]->kick = true;
    ops__flush(t);
    return rc;
}

static char *clean_opt(const char *s)
{
    return s && *s ? text_sanitize_str(s) : NULL;
}

const op_rec *ops_tracker_add_response(ops_tracker *t, const char *body, size_t len, const char *label,
                                       const char *target_id, char **err)
{
    if (err)
        *err = NULL;
    char *e = NULL;
    cJSON *root = body ? cJSON_ParseWithLength(body, len) : NULL;
    op_rec r;
    bool odd = false;
    if (!root) {
        e = ops__fmt("the answer is not an operation: malformed JSON");
    } else if (ops__parse(&r, root, &odd, &e) != 0) {
        char *m = ops__fmt("the answer is not an operation: %s", e);
        free(e);
        e = m;
    }
    cJSON_Delete(root);
    if (e) {
        if (err)
            *err = e;
        else
            free(e);
        return NULL;
    }
    int64_t ts;
    if (ops__parse_time(r.updated_at, &ts) || ops__parse_time(r.created_at, &ts))
        ops__observe_server_time(t, ts);
    char id[37];
    snprintf(id, sizeof id, "%s", r.id);
    op_entry *en = ops__lookup(t, id);
    if (en) {
        ops__merge(t, en, &r, odd);
        if (!en->r.mine) {
            en->r.mine = true;
            t->order_dirty = true;
            t->journal_dirty = true;
            t->dirty = true;
        }
    } else {
        en = ops__insert(t, &r, odd, true);
    }
    if (label) {
        free(en->r.label);
        en->r.label = clean_opt(label);
    }
    if (target_id) {
        free(en->r.target_id);
        en->r.target_id = clean_opt(target_id);
    }
    t->journal_dirty = true;
    t->dirty = true;
    ops__flush(t);
    en = ops__lookup(t, id);
    return en ? &en->r : NULL;
}

static bool norm_id(const char *in, char out[37])
{
    uuid u;
    if (!in || !uuid_parse(in, &u))
        return false;
    uuid_format(&u, out);
    return true;
}

void ops_tracker_follow_connection(ops_tracker *t, const char *connection_id)
{
    char id[37] = "";
    if (connection_id && !norm_id(connection_id, id))
        return;
    if (strcmp(id, t->follow) == 0)
        return;
    if (t->follow[0]) {
        /* The others of the connection we stop following would no longer be kept current. */
        bool *drop = xcalloc(t->n ? t->n : 1, sizeof *drop);
        for (size_t i = 0; i < t->n; i++)
            drop[i] = !t->ents[i]->r.mine && strcmp(t->ents[i]->r.connection_id, t->follow) == 0;
        remove_marked(t, drop);
        free(drop);
    }
    snprintf(t->follow, sizeof t->follow, "%s", id);
    if (id[0]) {
        poll_target *p = ops__conn_target(t, id);
        p->watermark_ms = 0;
        p->kick = true;
    }
    ops__flush(t);
}

void ops_tracker_watch_detail(ops_tracker *t, const char *op_id)
{
    char id[37] = "";
    if (op_id && !norm_id(op_id, id))
        return;
    if (strcmp(id, t->watch) == 0)
        return;
    poll_target *p = &t->detail;
    if (p->busy) {
        /* The answer about the previous op is of no use now. */
        uint64_t cid = p->call_id;
        if (cid)
            api_cancel(t->a, cid);
        p->busy = false;
        p->call_id = 0;
    }
    snprintf(t->watch, sizeof t->watch, "%s", id);
    snprintf(p->op_id, sizeof p->op_id, "%s", id);
    p->fails = 0;
    p->stale_since_ms = 0;
    p->kick = id[0] != '\0';
    ops__flush(t);
}

size_t ops_count(const ops_tracker *t)
{
    return t->n;
}

const op_rec *ops_get(const ops_tracker *t, size_t i)
{
    return i < t->n ? &t->ents[i]->r : NULL;
}

const op_rec *ops_find(const ops_tracker *t, const char *id)
{
    char nid[37];
    if (!norm_id(id, nid))
        return NULL;
    const op_entry *e = ops__lookup(t, nid);
    return e ? &e->r : NULL;
}

int ops_pending_count(const ops_tracker *t)
{
    return t->npending;
}
