#include "store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_clock.h"
#include "emu_json.h"

emu_store *store_new(uint64_t seed, size_t n_conns)
{
    emu_store *st = xcalloc(1, sizeof *st);
    pthread_rwlock_init(&st->lock, NULL);
    st->seed = seed;
    st->n_conns = n_conns;
    st->conns = xcalloc(n_conns ? n_conns : 1, sizeof *st->conns);
    for (int r = 0; r < RES_COUNT; r++) {
        st->coll[r].def = &RESOURCE_DEFS[r];
        st->coll[r].by_conn = xcalloc(n_conns ? n_conns : 1, sizeof(index_list));
    }
    st->map_cap = 1024;
    st->map_keys = xcalloc(st->map_cap, sizeof(uuid));
    st->map_vals = xcalloc(st->map_cap, sizeof(uint32_t));
    return st;
}

void store_free(emu_store *st)
{
    if (!st)
        return;
    for (int r = 0; r < RES_COUNT; r++) {
        emu_collection *c = &st->coll[r];
        for (size_t i = 0; i < c->n; i++) {
            free(c->items[i].source_id);
            free(c->items[i].blob);
        }
        free(c->items);
        for (size_t k = 0; k < st->n_conns; k++)
            free(c->by_conn[k].v);
        free(c->by_conn);
    }
    free(st->conns);
    free(st->map_keys);
    free(st->map_vals);
    pthread_rwlock_destroy(&st->lock);
    free(st);
}

static size_t map_hash(const uuid *id, size_t cap)
{
    uint64_t h = 0;
    for (int i = 0; i < 16; i++)
        h = (h ^ id->b[i]) * 1099511628211ULL;
    return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

static void map_insert_raw(uuid *keys, uint32_t *vals, size_t cap, const uuid *id, uint32_t val)
{
    size_t i = map_hash(id, cap);
    while (vals[i] != 0) {
        if (uuid_equal(&keys[i], id))
            break;
        i = (i + 1) & (cap - 1);
    }
    keys[i] = *id;
    vals[i] = val;
}

static void map_put(emu_store *st, const uuid *id, uint32_t val)
{
    if ((st->map_used + 1) * 2 > st->map_cap) {
        size_t cap = st->map_cap * 2;
        uuid *keys = xcalloc(cap, sizeof(uuid));
        uint32_t *vals = xcalloc(cap, sizeof(uint32_t));
        for (size_t i = 0; i < st->map_cap; i++)
            if (st->map_vals[i])
                map_insert_raw(keys, vals, cap, &st->map_keys[i], st->map_vals[i]);
        free(st->map_keys);
        free(st->map_vals);
        st->map_keys = keys;
        st->map_vals = vals;
        st->map_cap = cap;
    }
    map_insert_raw(st->map_keys, st->map_vals, st->map_cap, id, val);
    st->map_used++;
}

bool store_lookup(const emu_store *st, const uuid *id, emu_resource *res, uint32_t *idx)
{
    size_t i = map_hash(id, st->map_cap);
    while (st->map_vals[i] != 0) {
        if (uuid_equal(&st->map_keys[i], id)) {
            uint32_t v = st->map_vals[i] - 1;
            *res = (emu_resource)(v >> 27);
            *idx = v & ((1u << 27) - 1);
            return true;
        }
        i = (i + 1) & (st->map_cap - 1);
    }
    return false;
}

static void index_push(index_list *l, uint32_t v)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = v;
}

uint32_t store_add(emu_store *st, emu_resource res, emu_record *rec)
{
    emu_collection *c = &st->coll[res];
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->items = xrealloc(c->items, c->cap * sizeof *c->items);
    }
    uint32_t idx = (uint32_t)c->n++;
    st->gen[res]++;
    c->items[idx] = *rec;
    index_push(&c->by_conn[rec->conn], idx);
    map_put(st, &rec->id, (((uint32_t)res << 27) | idx) + 1);
    return idx;
}

emu_record *store_get(emu_store *st, emu_resource res, uint32_t idx)
{
    return &st->coll[res].items[idx];
}

int store_find_connection(const emu_store *st, const uuid *id)
{
    for (size_t i = 0; i < st->n_conns; i++)
        if (uuid_equal(&st->conns[i].id, id))
            return (int)i;
    return -1;
}

void user_full_name(const emu_record *user, char *out, size_t cap)
{
    char first[128] = "", last[128] = "";
    fragment_string(blob_field(user->blob, UF_first_name), first, sizeof first);
    fragment_string(blob_field(user->blob, UF_last_name), last, sizeof last);
    snprintf(out, cap, "%s%s%s", first, *first && *last ? " " : "", last);
}

const char *blob_field(const char *blob, size_t idx)
{
    const char *p = blob;
    for (size_t i = 0; i < idx; i++)
        p += strlen(p) + 1;
    return p;
}

void rb_begin(rec_builder *rb, const resource_def *def)
{
    rb->n = def->n_fields;
    strbuf_reset(&rb->scratch);
    for (size_t i = 0; i < rb->n; i++)
        rb->off[i] = -1;
}

void rb_load(rec_builder *rb, const resource_def *def, const char *blob)
{
    rb_begin(rb, def);
    const char *p = blob;
    for (size_t i = 0; i < rb->n; i++) {
        rb_raw(rb, (int)i, p);
        p += strlen(p) + 1;
    }
}

static void rb_mark(rec_builder *rb, int field)
{
    rb->off[field] = (long)rb->scratch.len;
}

static void rb_end(rec_builder *rb)
{
    strbuf_putc(&rb->scratch, '\0');
}

void rb_raw(rec_builder *rb, int field, const char *json)
{
    rb_mark(rb, field);
    strbuf_puts(&rb->scratch, json);
    rb_end(rb);
}

void rb_str(rec_builder *rb, int field, const char *s)
{
    rb_mark(rb, field);
    json_put_str(&rb->scratch, s);
    rb_end(rb);
}

void rb_strf(rec_builder *rb, int field, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    rb_str(rb, field, tmp);
}

void rb_int(rec_builder *rb, int field, long long v)
{
    rb_mark(rb, field);
    strbuf_printf(&rb->scratch, "%lld", v);
    rb_end(rb);
}

void rb_num(rec_builder *rb, int field, double v)
{
    rb_mark(rb, field);
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.6g", v);
    if (!strpbrk(tmp, ".eE"))
        strcat(tmp, ".0");
    strbuf_puts(&rb->scratch, tmp);
    rb_end(rb);
}

void rb_bool(rec_builder *rb, int field, bool v)
{
    rb_raw(rb, field, v ? "true" : "false");
}

void rb_time(rec_builder *rb, int field, int64_t unix_us)
{
    char t[EMU_TIME_LEN];
    emu_time_format(unix_us, t);
    rb_str(rb, field, t);
}

void rb_date(rec_builder *rb, int field, int64_t unix_us)
{
    char d[11];
    emu_date_format(unix_us, d);
    rb_str(rb, field, d);
}

char *rb_finish(rec_builder *rb)
{
    strbuf out = STRBUF_INIT;
    for (size_t i = 0; i < rb->n; i++) {
        if (rb->off[i] < 0)
            strbuf_puts(&out, "null");
        else
            strbuf_puts(&out, rb->scratch.data + rb->off[i]);
        strbuf_putc(&out, '\0');
    }
    strbuf_reset(&rb->scratch);
    for (size_t i = 0; i < rb->n; i++)
        rb->off[i] = -1;
    return strbuf_detach(&out);
}

void rb_free(rec_builder *rb)
{
    strbuf_free(&rb->scratch);
}

bool fragment_string(const char *frag, char *out, size_t cap)
{
    if (frag[0] != '"')
        return false;
    size_t o = 0;
    for (const char *p = frag + 1; *p && *p != '"'; p++) {
        if (*p == '\\')
            return false;
        if (o + 1 >= cap)
            return false;
        out[o++] = *p;
    }
    out[o] = '\0';
    return true;
}
