/* api_reads: GET lists and single records of the telematics resources. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "emu_clock.h"
#include "emu_enums.h"
#include "emu_json.h"
#include "operations.h"
#include "paging.h"
#include "params.h"
#include "render.h"

#define MAX_WINDOW_US (45LL * 86400 * 1000000)

/* A list filter on one of the record's fields: ?param=v1&param=v2 matches field == any value. */
typedef struct field_filter_def {
    const char *param;
    const char *field;
    bool is_uuid;
} field_filter_def;

static const field_filter_def MESSAGE_FILTERS[] = {{"sender_ids", "sender_id", true},
                                                   {"recipient_ids", "recipient_id", true},
                                                   {"source_sender_ids", "source_sender_id", false},
                                                   {"source_recipient_ids", "source_recipient_id", false},
                                                   {NULL, NULL, false}};
static const field_filter_def GROUP_FILTERS[] = {{"sender_ids", "sender_id", true},
                                                 {"group_ids", "group_id", true},
                                                 {"source_sender_ids", "source_sender_id", false},
                                                 {"source_group_ids", "source_group_id", false},
                                                 {NULL, NULL, false}};
static const field_filter_def DVIR_FILTERS[] = {
    {"driver_ids", "driver_id", true}, {"vehicle_ids", "vehicle_id", true}, {NULL, NULL, false}};
static const field_filter_def FUEL_FILTERS[] = {{"driver_ids", "driver_id", true},
                                                {"source_driver_ids", "source_driver_id", false},
                                                {"vehicle_ids", "vehicle_id", true},
                                                {NULL, NULL, false}};

static const field_filter_def *filters_of(emu_resource res)
{
    static const field_filter_def none[] = {{NULL, NULL, false}};
    switch (res) {
    case RES_MESSAGE: return MESSAGE_FILTERS;
    case RES_GROUP_MESSAGE: return GROUP_FILTERS;
    case RES_DVIR_LOG: return DVIR_FILTERS;
    case RES_FUEL_TRANSACTION: return FUEL_FILTERS;
    default: return none;
    }
}

typedef struct active_filter {
    int field;
    char **values; /* JSON string fragments to match exactly */
    size_t n;
} active_filter;

typedef struct list_query {
    emu_resource res;
    bool *conn_ok; /* NULL = every connection */
    int only_conn; /* >= 0 when exactly one connection can match */
    int is_driver;
    uuid *ids;
    size_t n_ids;
    const char **source_ids;
    size_t n_source_ids;
    active_filter ff[4];
    size_t n_ff;
    bool window;
    int64_t from_us, to_us;
    int sort_field; /* -1 default order; -2.. envelope fields */
    bool desc;
    bool include_source_data;
} list_query;

static void list_query_free(list_query *lq)
{
    free(lq->conn_ok);
    free(lq->ids);
    free(lq->source_ids);
    for (size_t i = 0; i < lq->n_ff; i++) {
        for (size_t k = 0; k < lq->ff[i].n; k++)
            free(lq->ff[i].values[k]);
        free(lq->ff[i].values);
    }
}

enum { SORT_DEFAULT = -1, SORT_CREATED = -2, SORT_UPDATED = -3, SORT_OCCURRED = -4, SORT_ID = -5, SORT_SOURCE_ID = -6 };

static int parse_sort_field(const resource_def *def, const char *name, problem_list *p)
{
    if (!name)
        return SORT_DEFAULT;
    static const struct { const char *n; int v; } env[] = {
        {"created_at", SORT_CREATED}, {"updated_at", SORT_UPDATED}, {"occurred_at", SORT_OCCURRED},
        {"id", SORT_ID}, {"source_id", SORT_SOURCE_ID}, {"connection_id", SORT_DEFAULT},
        {"fleet_id", SORT_DEFAULT}, {"fleet_ref", SORT_DEFAULT}, {"tsp_id", SORT_DEFAULT},
        {"source_name", SORT_DEFAULT}, {"tsp_slug", SORT_DEFAULT}};
    for (size_t i = 0; i < sizeof env / sizeof env[0]; i++)
        if (strcmp(env[i].n, name) == 0)
            return env[i].v;
    int idx = resource_field_index(def, name);
    if (idx >= 0 && !(def->fields[idx].flags & RF_WRITE_ONLY) && !strstr(name, "groups") &&
        strcmp(name, "location") != 0 && strcmp(name, "inferred_address") != 0 && strcmp(name, "defects") != 0 &&
        strcmp(name, "recipient_ids") != 0 && strcmp(name, "source_recipient_ids") != 0)
        return idx;
    problems_add(p, "sort_by", name, "Unknown sort field: use a top-level scalar field of the model",
                 "value_error");
    return SORT_DEFAULT;
}

/* Reads every filter of the list endpoint; false if there were problems. */
static bool parse_list_query(emu_app *app, const query_args *q, emu_resource res, list_query *lq, problem_list *p)
{
    const resource_def *def = &RESOURCE_DEFS[res];
    emu_store *st = app->store;
    memset(lq, 0, sizeof *lq);
    lq->res = res;
    lq->only_conn = -1;
    lq->is_driver = res == RES_USER ? param_bool(q, "is_driver", p) : -1;
    lq->include_source_data = param_bool(q, "include_source_data", p) == 1;

    uuid conn_id;
    bool has_conn = param_uuid(q, "connection_id", p, &conn_id);
    uuid *fleet_ids = NULL;
    size_t n_fleet_ids = param_uuid_list(q, "fleet_ids", p, &fleet_ids);
    const char **fleet_refs = NULL;
    size_t n_fleet_refs = param_str_list(q, "fleet_refs", p, &fleet_refs);
    if (has_conn || n_fleet_ids || n_fleet_refs) {
        lq->conn_ok = xcalloc(st->n_conns, sizeof(bool));
        size_t n_ok = 0;
        for (size_t c = 0; c < st->n_conns; c++) {
            bool ok = !has_conn || uuid_equal(&st->conns[c].id, &conn_id);
            if (ok && n_fleet_ids) {
                bool any = false;
                for (size_t k = 0; k < n_fleet_ids; k++)
                    any |= uuid_equal(&st->conns[c].fleet_id, &fleet_ids[k]);
                ok = any;
            }
            if (ok && n_fleet_refs) {
                bool any = false;
                for (size_t k = 0; k < n_fleet_refs; k++)
                    any |= strcmp(st->conns[c].fleet_ref, fleet_refs[k]) == 0;
                ok = any;
            }
            lq->conn_ok[c] = ok;
            if (ok) {
                n_ok++;
                lq->only_conn = (int)c;
            }
        }
        if (n_ok != 1)
            lq->only_conn = n_ok == 0 ? -2 : -1;
    }
    free(fleet_ids);
    free(fleet_refs);

    if (def->ids_filter)
        lq->n_ids = param_uuid_list(q, def->ids_filter, p, &lq->ids);
    if (!def->event_like)
        lq->n_source_ids = param_str_list(q, "source_ids", p, &lq->source_ids);

    for (const field_filter_def *f = filters_of(res); f->param; f++) {
        size_t n = query_count(q, f->param);
        if (n == 0)
            continue;
        active_filter *af = &lq->ff[lq->n_ff];
        af->field = resource_field_index(def, f->field);
        af->values = xcalloc(n, sizeof(char *));
        if (f->is_uuid) {
            uuid *ids = NULL;
            size_t k = param_uuid_list(q, f->param, p, &ids);
            for (size_t i = 0; i < k; i++) {
                char s[UUID_STR_LEN + 2];
                s[0] = '"';
                uuid_format(&ids[i], s + 1);
                strcat(s, "\"");
                af->values[af->n++] = xstrdup(s);
            }
            free(ids);
        } else {
            const char **vals = NULL;
            size_t k = param_str_list(q, f->param, p, &vals);
            for (size_t i = 0; i < k; i++) {
                strbuf s = STRBUF_INIT;
                json_put_str(&s, vals[i]);
                af->values[af->n++] = strbuf_detach(&s);
            }
            free(vals);
        }
        lq->n_ff++;
    }

    if (def->event_like) {
        int64_t now = emu_now_us();
        lq->window = true;
        lq->to_us = now;
        lq->from_us = now - 86400LL * 1000000;
        bool has_from = param_datetime(q, "from_datetime", p, &lq->from_us);
        bool has_to = param_datetime(q, "to_datetime", p, &lq->to_us);
        if (has_from && !has_to && lq->from_us > lq->to_us)
            lq->to_us = lq->from_us + 86400LL * 1000000;
        if (has_to && !has_from)
            lq->from_us = lq->to_us - 86400LL * 1000000;
        if (lq->to_us - lq->from_us > MAX_WINDOW_US)
            problems_add(p, "to_datetime", query_get(q, "to_datetime") ? query_get(q, "to_datetime") : "",
                         "The time window between from_datetime and to_datetime may not exceed 45 days",
                         "value_error");
        else if (lq->to_us < lq->from_us)
            problems_add(p, "to_datetime", query_get(q, "to_datetime") ? query_get(q, "to_datetime") : "",
                         "to_datetime must be after from_datetime", "value_error");
    }
    lq->sort_field = parse_sort_field(def, query_get(q, "sort_by"), p);
    static const char *const orders[] = {"asc", "desc", NULL};
    const char *order = param_enum(q, "sort_order", orders, p);
    lq->desc = order && strcmp(order, "desc") == 0;
    return p->n == 0;
}

static bool record_matches(const list_query *lq, const emu_record *r)
{
    if (lq->conn_ok && !lq->conn_ok[r->conn])
        return false;
    if (lq->is_driver >= 0 && (bool)(r->flags & REC_IS_DRIVER) != (bool)lq->is_driver)
        return false;
    if (lq->n_source_ids) {
        bool any = false;
        for (size_t i = 0; i < lq->n_source_ids && !any; i++)
            any = strcmp(r->source_id, lq->source_ids[i]) == 0;
        if (!any)
            return false;
    }
    if (lq->window && (r->occurred_us < lq->from_us || r->occurred_us >= lq->to_us))
        return false;
    for (size_t i = 0; i < lq->n_ff; i++) {
        const char *frag = blob_field(r->blob, (size_t)lq->ff[i].field);
        bool any = false;
        for (size_t k = 0; k < lq->ff[i].n && !any; k++)
            any = strcmp(frag, lq->ff[i].values[k]) == 0;
        if (!any)
            return false;
    }
    return true;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct sort_ctx {
    const emu_collection *c;
    int field;
    bool numeric;
    const char **keys;
} sort_ctx;

static int cmp_fragments(const char *a, const char *b, bool numeric)
{
    bool an = strcmp(a, "null") == 0, bn = strcmp(b, "null") == 0;
    if (an || bn)
        return an == bn ? 0 : an ? -1 : 1;
    if (numeric) {
        double x = strtod(a, NULL), y = strtod(b, NULL);
        return x < y ? -1 : x > y;
    }
    return strcmp(a, b);
}

static int cmp_sorted(const void *pa, const void *pb, void *arg)
{
    const sort_ctx *s = arg;
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    const emu_record *x = &s->c->items[a], *y = &s->c->items[b];
    int r = 0;
    switch (s->field) {
    case SORT_CREATED: r = (x->created_us > y->created_us) - (x->created_us < y->created_us); break;
    case SORT_UPDATED: r = (x->updated_us > y->updated_us) - (x->updated_us < y->updated_us); break;
    case SORT_OCCURRED: r = (x->occurred_us > y->occurred_us) - (x->occurred_us < y->occurred_us); break;
    case SORT_ID: r = memcmp(x->id.b, y->id.b, 16); break;
    case SORT_SOURCE_ID: r = strcmp(x->source_id, y->source_id); break;
    default: r = cmp_fragments(s->keys[a], s->keys[b], s->numeric); break;
    }
    return r ? r : (a > b) - (a < b);
}

/* Indices of matching records, in the requested order. */
static uint32_t *collect(emu_store *st, const list_query *lq, size_t *out_n)
{
    const emu_collection *c = &st->coll[lq->res];
    uint32_t *v = xmalloc((c->n ? c->n : 1) * sizeof *v);
    size_t n = 0;
    if (lq->n_ids) {
        for (size_t i = 0; i < lq->n_ids; i++) {
            emu_resource r;
            uint32_t idx;
            if (store_lookup(st, &lq->ids[i], &r, &idx) && r == lq->res && record_matches(lq, &c->items[idx]))
                v[n++] = idx;
        }
        qsort(v, n, sizeof *v, cmp_u32);
        size_t u = 0;
        for (size_t i = 0; i < n; i++)
            if (u == 0 || v[u - 1] != v[i])
                v[u++] = v[i];
        n = u;
    } else if (lq->only_conn >= 0) {
        const index_list *l = &c->by_conn[lq->only_conn];
        for (size_t i = 0; i < l->n; i++)
            if (record_matches(lq, &c->items[l->v[i]]))
                v[n++] = l->v[i];
    } else if (lq->only_conn == -1) {
        for (size_t i = 0; i < c->n; i++)
            if (record_matches(lq, &c->items[i]))
                v[n++] = (uint32_t)i;
    }
    if (lq->sort_field != SORT_DEFAULT && lq->sort_field != SORT_CREATED && n > 1) {
        sort_ctx s = {c, lq->sort_field, false, NULL};
        if (lq->sort_field >= 0) {
            s.numeric = c->def->fields[lq->sort_field].flags & RF_NUMERIC;
            s.keys = xcalloc(c->n, sizeof(char *));
            for (size_t i = 0; i < n; i++)
                s.keys[v[i]] = blob_field(c->items[v[i]].blob, (size_t)lq->sort_field);
        }
        qsort_r(v, n, sizeof *v, cmp_sorted, &s);
        free(s.keys);
    }
    if (lq->desc)
        for (size_t i = 0; i < n / 2; i++) {
            uint32_t t = v[i];
            v[i] = v[n - 1 - i];
            v[n - 1 - i] = t;
        }
    *out_n = n;
    return v;
}

/* ---- pages without collecting: a query in the default order walks one unfiltered list (every record,
 * or one connection's) and its cursors carry the position to resume from, so a page costs the same at
 * any size. The total of a filtered walk is counted once and cached until the collection changes. */

typedef struct base_list {
    const uint32_t *v; /* NULL: every record, 0..n-1 */
    size_t n;
    bool desc;
} base_list;

static uint32_t base_at(const base_list *b, size_t k)
{
    size_t i = b->desc ? b->n - 1 - k : k;
    return b->v ? b->v[i] : (uint32_t)i;
}

static bool walks_in_place(const list_query *lq)
{
    return lq->n_ids == 0 && (lq->sort_field == SORT_DEFAULT || lq->sort_field == SORT_CREATED) &&
           (!lq->conn_ok || lq->only_conn >= 0 || lq->only_conn == -2);
}

static base_list base_of(const emu_store *st, const list_query *lq)
{
    const emu_collection *c = &st->coll[lq->res];
    base_list b = {NULL, c->n, lq->desc};
    if (lq->only_conn >= 0) {
        b.v = c->by_conn[lq->only_conn].v;
        b.n = c->by_conn[lq->only_conn].n;
    } else if (lq->only_conn == -2) {
        b.n = 0;
    }
    return b;
}

/* Every record of the base list matches (the connection is the list itself). */
static bool matches_all(const list_query *lq)
{
    return lq->is_driver < 0 && lq->n_source_ids == 0 && lq->n_ff == 0 && !lq->window;
}

#define COUNT_CACHE_SIZE 16

typedef struct count_entry {
    bool used;
    emu_resource res;
    uint64_t fingerprint, gen;
    size_t total;
} count_entry;

static pthread_mutex_t count_mu = PTHREAD_MUTEX_INITIALIZER;
static count_entry count_cache[COUNT_CACHE_SIZE];
static size_t count_next;

static size_t count_matches(const emu_store *st, const list_query *lq, const base_list *b, uint64_t fp)
{
    /* Windows default to "the last 24 h", which moves: those totals are never cached (event lists are small). */
    bool cacheable = !lq->window;
    pthread_mutex_lock(&count_mu);
    for (size_t i = 0; cacheable && i < COUNT_CACHE_SIZE; i++) {
        const count_entry *e = &count_cache[i];
        if (e->used && e->res == lq->res && e->fingerprint == fp && e->gen == st->gen[lq->res]) {
            size_t total = e->total;
            pthread_mutex_unlock(&count_mu);
            return total;
        }
    }
    pthread_mutex_unlock(&count_mu);
    const emu_record *items = st->coll[lq->res].items;
    size_t total = 0;
    for (size_t k = 0; k < b->n; k++)
        total += record_matches(lq, &items[base_at(b, k)]);
    if (cacheable) {
        pthread_mutex_lock(&count_mu);
        count_cache[count_next] = (count_entry){true, lq->res, fp, st->gen[lq->res], total};
        count_next = (count_next + 1) % COUNT_CACHE_SIZE;
        pthread_mutex_unlock(&count_mu);
    }
    return total;
}

/* The page's records into out (room for w->end - w->start); returns how many, and sets the positions
 * its cursors resume from. */
static size_t fill_by_position(const emu_store *st, const list_query *lq, const base_list *b, bool all,
                               page_window *w, uint32_t *out)
{
    size_t want = w->end - w->start, got = 0;
    if (all) { /* positions are the offsets */
        for (size_t k = w->start; k < w->end; k++)
            out[got++] = base_at(b, k);
        return got;
    }
    const emu_record *items = st->coll[lq->res].items;
    w->with_pos = true;
    size_t from = w->has_pos && w->cursor_pos < b->n ? w->cursor_pos : b->n;
    if (w->has_pos && w->dir == 'b') {
        size_t k = from;
        while (k > 0 && got < want) {
            k--;
            if (record_matches(lq, &items[base_at(b, k)]))
                out[want - 1 - got++] = (uint32_t)k;
        }
        memmove(out, out + (want - got), got * sizeof *out);
        for (size_t i = 0; i < got; i++)
            out[i] = base_at(b, out[i]);
        w->pos_start = k;
        w->pos_end = from;
        w->start = w->end - got;
        return got;
    }
    /* Forward from the cursor's position; without one (first page, a cursor of older making), skip matches. */
    size_t k = w->has_pos ? from : 0, skip = w->has_pos ? 0 : w->start;
    w->pos_start = k;
    for (; k < b->n && got < want; k++) {
        if (!record_matches(lq, &items[base_at(b, k)]))
            continue;
        if (skip) {
            skip--;
            w->pos_start = k + 1;
            continue;
        }
        if (got == 0)
            w->pos_start = k;
        out[got++] = base_at(b, k);
    }
    w->pos_end = k;
    w->end = w->start + got;
    return got;
}

static void render_page(strbuf *sb, emu_store *st, const list_query *lq, const page_window *w, const uint32_t *v,
                        size_t n)
{
    strbuf_reset(sb);
    page_begin(sb);
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_putc(sb, ',');
        render_record(sb, st, lq->res, &st->coll[lq->res].items[v[i]], lq->include_source_data);
    }
    page_end(sb, w, true);
}

void api_list_records(emu_app *app, emu_request *req, emu_response *resp, int res)
{
    problem_list p = {0};
    list_query lq;
    emu_store *st = app->store;
    if (res == RES_MESSAGE || res == RES_GROUP_MESSAGE)
        ops_advance_messages(app);
    pthread_rwlock_rdlock(&st->lock);
    if (!parse_list_query(app, &req->query, (emu_resource)res, &lq, &p)) {
        pthread_rwlock_unlock(&st->lock);
        list_query_free(&lq);
        reply_problems(resp, &p);
        return;
    }
    size_t n = 0;
    uint32_t *v = NULL;
    page_window w;
    bool ok;
    if (walks_in_place(&lq)) {
        base_list b = base_of(st, &lq);
        bool all = matches_all(&lq);
        ok = page_select(&req->query, &p, all ? b.n : count_matches(st, &lq, &b, query_fingerprint(&req->query)), &w);
        if (ok) {
            v = xmalloc((w.end - w.start + 1) * sizeof *v);
            n = fill_by_position(st, &lq, &b, all, &w, v);
            render_page(&resp->body, st, &lq, &w, v, n);
        }
    } else {
        v = collect(st, &lq, &n);
        ok = page_select(&req->query, &p, n, &w);
        if (ok)
            render_page(&resp->body, st, &lq, &w, v + w.start, w.end - w.start);
    }
    pthread_rwlock_unlock(&st->lock);
    free(v);
    list_query_free(&lq);
    if (ok)
        resp->status = 200;
    else
        reply_problems(resp, &p);
}

void api_get_record(emu_app *app, emu_request *req, emu_response *resp, int res)
{
    const resource_def *def = &RESOURCE_DEFS[res];
    problem_list p = {0};
    uuid id;
    path_uuid(def->id_param, req->params[0], &p, &id);
    bool include = param_bool(&req->query, "include_source_data", &p) == 1;
    if (p.n) {
        reply_problems(resp, &p);
        return;
    }
    emu_store *st = app->store;
    pthread_rwlock_rdlock(&st->lock);
    emu_resource found;
    uint32_t idx;
    if (store_lookup(st, &id, &found, &idx) && (int)found == res) {
        strbuf_reset(&resp->body);
        render_record(&resp->body, st, found, store_get(st, found, idx), include);
        resp->status = 200;
    } else {
        char detail[128];
        snprintf(detail, sizeof detail, "%c%s with id %s not found", def->name[0] - 32, def->name + 1,
                 req->params[0]);
        reply_error(resp, 404, detail);
    }
    pthread_rwlock_unlock(&st->lock);
}
