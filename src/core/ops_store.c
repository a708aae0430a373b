/* ops_store: the records of the operation tracker (display order + id hash), eviction and the
 * change queue. */
#include "core/ops_store.h"

#include "common/strbuf.h"
#include "core/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ops_store {
    ops_entry **ents;     /* in display order (after ops_store_settle) */
    size_t n, cap;
    ops_entry **hash;     /* open addressing on the id, power-of-two capacity */
    size_t hcap;
    size_t mine_max, others_max;
    uint64_t seq;
    int npending;
    bool dirty, journal_dirty, order_dirty;
    ops_change *changes;
    size_t nchanges, capchanges;
};

ops_store *ops_store_new(size_t mine_max, size_t others_max)
{
    ops_store *s = xcalloc(1, sizeof *s);
    s->mine_max = mine_max;
    s->others_max = others_max;
    return s;
}

static void free_entry(ops_entry *e)
{
    op_rec_clear(&e->r);
    free(e);
}

void ops_store_free(ops_store *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free_entry(s->ents[i]);
    free(s->ents);
    free(s->hash);
    free(s->changes);
    free(s);
}

size_t ops_store_count(const ops_store *s)
{
    return s->n;
}

ops_entry *ops_store_at(const ops_store *s, size_t i)
{
    return i < s->n ? s->ents[i] : NULL;
}

int ops_store_pending(const ops_store *s)
{
    return s->npending;
}

uint64_t ops_store_next_seq(ops_store *s)
{
    return ++s->seq;
}

bool ops_entry_live(const ops_entry *e)
{
    return !e->gave_up && (e->r.status == OP_PENDING || (e->r.status == OP_UNKNOWN && e->odd_status));
}

/* ------------------------------------------------------------------ index */

static uint64_t id_hash(const char *id)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

static void hash_put(ops_store *s, ops_entry *e)
{
    size_t mask = s->hcap - 1, i = (size_t)id_hash(e->r.id) & mask;
    while (s->hash[i])
        i = (i + 1) & mask;
    s->hash[i] = e;
}

static void hash_rebuild(ops_store *s)
{
    size_t cap = 64;
    while (cap < s->n * 2 + 2)
        cap <<= 1;
    free(s->hash);
    s->hash = xcalloc(cap, sizeof *s->hash);
    s->hcap = cap;
    for (size_t i = 0; i < s->n; i++)
        hash_put(s, s->ents[i]);
}

ops_entry *ops_store_lookup(const ops_store *s, const char *id)
{
    if (!s->hcap || !id)
        return NULL;
    size_t mask = s->hcap - 1, i = (size_t)id_hash(id) & mask;
    for (ops_entry *e; (e = s->hash[i]) != NULL; i = (i + 1) & mask)
        if (strcmp(e->r.id, id) == 0)
            return e;
    return NULL;
}

/* ------------------------------------------------------------------ changes */

static void queue_change(ops_store *s, ops_entry *e, op_status old)
{
    e->queued = true;
    if (s->nchanges == s->capchanges) {
        s->capchanges = s->capchanges ? s->capchanges * 2 : 16;
        s->changes = xrealloc(s->changes, s->capchanges * sizeof *s->changes);
    }
    ops_change *c = &s->changes[s->nchanges++];
    snprintf(c->id, sizeof c->id, "%s", e->r.id);
    c->old = old;
}

ops_change *ops_store_take_changes(ops_store *s, size_t *n)
{
    ops_change *ch = s->changes;
    *n = s->nchanges;
    s->changes = NULL;
    s->nchanges = s->capchanges = 0;
    for (size_t i = 0; i < *n; i++) {
        ops_entry *e = ops_store_lookup(s, ch[i].id);
        if (e)
            e->queued = false;
    }
    return ch;
}

bool ops_store_take_dirty(ops_store *s)
{
    bool d = s->dirty;
    s->dirty = false;
    return d;
}

bool ops_store_take_journal_dirty(ops_store *s)
{
    bool d = s->journal_dirty;
    s->journal_dirty = false;
    return d;
}

void ops_store_mark_journal_dirty(ops_store *s)
{
    s->journal_dirty = true;
}

/* ------------------------------------------------------------------ mutations */

static void *set_err(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void *set_err(char **err, const char *fmt, ...)
{
    if (err) {
        strbuf sb = STRBUF_INIT;
        va_list ap;
        va_start(ap, fmt);
        strbuf_vprintf(&sb, fmt, ap);
        va_end(ap);
        *err = strbuf_detach(&sb);
    }
    return NULL;
}

ops_entry *ops_store_insert(ops_store *s, op_rec *r, const ops_insert *how, char **err)
{
    if (err)
        *err = NULL;
    if (!r || !r->id[0] || !r->connection_id[0])
        return set_err(err, "an operation without an id or a connection cannot be kept");
    if (ops_store_lookup(s, r->id))
        return set_err(err, "operation %s is already kept", r->id);
    ops_entry *e = xcalloc(1, sizeof *e);
    e->r = *r;
    memset(r, 0, sizeof *r);
    e->r.mine = how->mine;
    e->odd_status = how->odd_status;
    e->gave_up = how->gave_up;
    e->r.changed_at_ms = how->now_ms;
    if (!api_time_parse(e->r.created_at, &e->created_ms))
        e->created_ms = how->created_ms;
    e->add_seq = ++s->seq;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->ents = xrealloc(s->ents, s->cap * sizeof *s->ents);
    }
    s->ents[s->n++] = e;
    if (s->n * 2 + 2 > s->hcap)
        hash_rebuild(s);
    else
        hash_put(s, e);
    s->order_dirty = true;
    s->dirty = true;
    if (!how->quiet) {
        if (how->mine)
            s->journal_dirty = true;
        queue_change(s, e, OP_UNKNOWN);
    }
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

/* Takes *fresh when the server sent it and it differs: nothing the API reports goes back to
 * null once set, and a write response lacks source_name. */
static bool take_str(char **have, char **fresh)
{
    if (!*fresh || str_eq(*have, *fresh))
        return false;
    free(*have);
    *have = *fresh;
    *fresh = NULL;
    return true;
}

bool ops_store_merge(ops_store *s, ops_entry *e, op_rec *fresh, bool odd_status, int64_t now_ms)
{
    op_rec *r = &e->r;
    bool changed = false, status_changed = false;
    changed |= take_str(&r->resource, &fresh->resource);
    changed |= take_str(&r->operation_type, &fresh->operation_type);
    changed |= take_str(&r->resource_id, &fresh->resource_id);
    changed |= take_str(&r->source_id, &fresh->source_id);
    changed |= take_str(&r->source_name, &fresh->source_name);
    changed |= take_str(&r->updated_at, &fresh->updated_at);
    changed |= take_str(&r->payload_json, &fresh->payload_json);
    if (take_str(&r->created_at, &fresh->created_at)) {
        int64_t ms;
        if (api_time_parse(r->created_at, &ms) && ms != e->created_ms) {
            e->created_ms = ms;
            s->order_dirty = true;
        }
        changed = true;
    }
    if (fresh->nlogs > 0 && !logs_eq(r, fresh)) {
        for (int i = 0; i < r->nlogs; i++)
            op_log_clear(&r->logs[i]);
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
        r->changed_at_ms = now_ms;
        queue_change(s, e, old);
        changed = status_changed = true;
    }
    if (odd_status != e->odd_status || e->gave_up) {
        /* The server answered for it: whether it is polled follows what it said. */
        e->odd_status = odd_status;
        e->gave_up = false;
        if (r->mine)
            s->journal_dirty = true;
    }
    if (changed) {
        s->dirty = true;
        if (r->mine)
            s->journal_dirty = true;
    }
    op_rec_clear(fresh);
    return status_changed;
}

void ops_store_give_up(ops_store *s, ops_entry *e, int64_t now_ms)
{
    if (e->gave_up && e->r.status == OP_UNKNOWN)
        return;
    op_status old = e->r.status;
    e->gave_up = true;
    e->odd_status = false;
    e->misses = 0;
    if (old != OP_UNKNOWN) {
        e->r.status = OP_UNKNOWN;
        e->r.changed_at_ms = now_ms;
        queue_change(s, e, old);
        s->dirty = true;
    }
    if (e->r.mine)
        s->journal_dirty = true;
}

void ops_store_make_mine(ops_store *s, ops_entry *e)
{
    if (e->r.mine)
        return;
    e->r.mine = true;
    s->order_dirty = true;
    s->journal_dirty = true;
    s->dirty = true;
}

void ops_store_set_label(ops_store *s, ops_entry *e, const char *label, const char *target_id)
{
    if (label) {
        free(e->r.label);
        e->r.label = label[0] ? text_sanitize_str(label) : NULL;
    }
    if (target_id) {
        free(e->r.target_id);
        e->r.target_id = target_id[0] ? text_sanitize_str(target_id) : NULL;
    }
    s->dirty = true;
    if (e->r.mine)
        s->journal_dirty = true;
}

/* Removes the entries for which drop[i] is set (display order is kept). */
static void remove_marked(ops_store *s, const bool *drop)
{
    size_t w = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (drop[i]) {
            if (s->ents[i]->r.mine)
                s->journal_dirty = true;
            free_entry(s->ents[i]);
        } else {
            s->ents[w++] = s->ents[i];
        }
    }
    if (w != s->n) {
        s->n = w;
        s->dirty = true;
        hash_rebuild(s);
    }
}

void ops_store_remove_if(ops_store *s, bool (*drop)(const ops_entry *e, void *ud), void *ud)
{
    bool *marks = xcalloc(s->n ? s->n : 1, sizeof *marks);
    for (size_t i = 0; i < s->n; i++)
        marks[i] = drop(s->ents[i], ud);
    remove_marked(s, marks);
    free(marks);
}

/* ------------------------------------------------------------------ settling */

static int cmp_display(const void *pa, const void *pb)
{
    const ops_entry *a = *(ops_entry *const *)pa, *b = *(ops_entry *const *)pb;
    if (a->r.mine != b->r.mine)
        return a->r.mine ? -1 : 1;
    if (a->created_ms != b->created_ms)
        return a->created_ms > b->created_ms ? -1 : 1;
    return -strcmp(a->r.id, b->r.id);
}

/* Keeps every live op, and the newest mine_max finished mine and others_max finished other ops,
 * and whatever has a change still to tell. Needs display order. */
static void evict(ops_store *s)
{
    size_t mine = 0, others = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (ops_entry_live(s->ents[i]))
            continue;
        if (s->ents[i]->r.mine)
            mine++;
        else
            others++;
    }
    if (mine <= s->mine_max && others <= s->others_max)
        return;
    bool *drop = xcalloc(s->n ? s->n : 1, sizeof *drop);
    for (size_t i = s->n; i-- > 0;) { /* oldest first within each group */
        ops_entry *e = s->ents[i];
        size_t *cnt = e->r.mine ? &mine : &others;
        size_t max = e->r.mine ? s->mine_max : s->others_max;
        if (*cnt > max && !ops_entry_live(e) && !e->queued) {
            drop[i] = true;
            (*cnt)--;
        }
    }
    remove_marked(s, drop);
    free(drop);
}

void ops_store_settle(ops_store *s)
{
    if (s->order_dirty) {
        if (s->n > 1)
            qsort(s->ents, s->n, sizeof *s->ents, cmp_display);
        s->order_dirty = false;
    }
    evict(s);
    int np = 0;
    for (size_t i = 0; i < s->n; i++)
        np += s->ents[i]->r.status == OP_PENDING;
    s->npending = np;
}
