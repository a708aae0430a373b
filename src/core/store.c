#include "core/store.h"

#include "common/strbuf.h"
#include "core/api_resources.h"
#include "core/text.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sref strpool_add(strpool *p, const char *s)
{
    if (!s || !*s)
        return 0;
    size_t n = strlen(s) + 1;
    if (p->len == 0) {
        /* offset 0 is reserved for the empty string */
        p->cap = 256;
        p->data = xrealloc(p->data, p->cap);
        p->data[0] = '\0';
        p->len = 1;
    }
    if (p->len + n > p->cap) {
        while (p->len + n > p->cap)
            p->cap *= 2;
        p->data = xrealloc(p->data, p->cap);
    }
    memcpy(p->data + p->len, s, n);
    sref r = (sref)p->len;
    p->len += n;
    return r;
}

sref strpool_add_clean(strpool *p, const char *s)
{
    if (!s || !*s)
        return 0;
    if (text_is_plain_ascii(s))
        return strpool_add(p, s); /* nothing to clean: no copy */
    char *clean = text_sanitize_str(s);
    sref r = strpool_add(p, clean);
    free(clean);
    return r;
}

const char *strpool_get(const strpool *p, sref r)
{
    return (r && p->data && r < p->len) ? p->data + r : "";
}

void strpool_free(strpool *p)
{
    free(p->data);
    memset(p, 0, sizeof *p);
}

size_t record_size(record_kind k)
{
    const api_resource *r = api_resource_get(k);
    return r ? r->rec_size : 0;
}

void table_init(table *t, record_kind k)
{
    memset(t, 0, sizeof *t);
    t->kind = k;
    t->total = -1;
}

void *table_row(const table *t, size_t i)
{
    return (char *)t->rows + i * record_size(t->kind);
}

void *table_append(table *t)
{
    size_t rs = record_size(t->kind);
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->rows = xrealloc(t->rows, t->cap * rs);
    }
    void *row = (char *)t->rows + t->count * rs;
    memset(row, 0, rs);
    t->count++;
    t->generation++;
    return row;
}

void table_clear(table *t)
{
    record_kind k = t->kind;
    uint64_t gen = t->generation;
    const struct live_set *live = t->live;
    const struct conn_tables *owner = t->owner;
    free(t->rows);
    free(t->error);
    strpool_free(&t->pool);
    table_init(t, k);
    t->generation = gen + 1;
    t->live = live;
    t->owner = owner;
}

void table_set_error(table *t, const char *msg)
{
    free(t->error);
    t->error = msg ? xstrdup(msg) : NULL;
    t->generation++;
}

const char *table_str(const table *t, sref r)
{
    return strpool_get(&t->pool, r);
}

long table_find_id(const table *t, const uuid *id)
{
    size_t rs = record_size(t->kind);
    for (size_t i = 0; i < t->count; i++) {
        /* every record struct starts with its uuid */
        if (memcmp((char *)t->rows + i * rs, id->b, 16) == 0)
            return (long)i;
    }
    return -1;
}

/* The named tables of conn_tables are its by_kind entries. */
_Static_assert(offsetof(conn_tables, drivers) == offsetof(conn_tables, by_kind[KIND_DRIVER]) &&
                   offsetof(conn_tables, vehicles) == offsetof(conn_tables, by_kind[KIND_VEHICLE]) &&
                   offsetof(conn_tables, trailers) == offsetof(conn_tables, by_kind[KIND_TRAILER]) &&
                   offsetof(conn_tables, dvir_logs) == offsetof(conn_tables, by_kind[KIND_DVIR]) &&
                   offsetof(conn_tables, fuel) == offsetof(conn_tables, by_kind[KIND_FUEL]),
               "conn_tables names match by_kind");

void store_init(store *s)
{
    memset(s, 0, sizeof *s);
    table_init(&s->connections, KIND_CONNECTION);
}

conn_tables *store_conn_tables(store *s, size_t i)
{
    if (i >= s->per_conn_cap) {
        size_t cap = s->per_conn_cap ? s->per_conn_cap : 8;
        while (cap <= i)
            cap *= 2;
        s->per_conn = xrealloc(s->per_conn, cap * sizeof *s->per_conn);
        for (size_t k = s->per_conn_cap; k < cap; k++)
            s->per_conn[k] = NULL;
        s->per_conn_cap = cap;
    }
    if (!s->per_conn[i]) {
        conn_tables *ct = xcalloc(1, sizeof *ct);
        for (int k = 0; k < KIND__COUNT; k++) {
            table_init(&ct->by_kind[k], (record_kind)k);
            ct->by_kind[k].owner = ct;
        }
        table_init(&ct->staff, KIND_DRIVER);
        ct->staff.owner = ct;
        s->per_conn[i] = ct;
    }
    conn_tables *ct = s->per_conn[i];
    if (i < s->connections.count)
        ct->connection_id = ((connection_rec *)table_row(&s->connections, i))->id;
    return ct;
}

table *store_table(store *s, size_t conn_index, record_kind k)
{
    if (k == KIND_CONNECTION)
        return &s->connections;
    return &store_conn_tables(s, conn_index)->by_kind[(unsigned)k < KIND__COUNT ? k : KIND_DRIVER];
}

void store_free(store *s)
{
    table_clear(&s->connections);
    for (size_t i = 0; i < s->per_conn_cap; i++) {
        if (!s->per_conn[i])
            continue;
        for (int k = 0; k < KIND__COUNT; k++)
            table_clear(&s->per_conn[i]->by_kind[k]);
        table_clear(&s->per_conn[i]->staff);
        free(s->per_conn[i]);
    }
    free(s->per_conn);
    memset(s, 0, sizeof *s);
}

/* True when s starts with a CJK ideograph or kana/hangul (U+2E80 and up, below U+D800 or in
 * the compatibility block), where names are written family name first. */
static bool starts_cjk(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (p[0] < 0xE2)
        return false;
    unsigned cp = 0;
    if ((p[0] & 0xF0) == 0xE0 && p[1] && p[2])
        cp = (unsigned)(p[0] & 0x0F) << 12 | (unsigned)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
    else if ((p[0] & 0xF8) == 0xF0)
        return true; /* supplementary ideographs */
    return (cp >= 0x2E80 && cp < 0xD800) || (cp >= 0xF900 && cp < 0xFB00);
}

void user_display_name(const table *t, const user_rec *u, char *out, size_t outcap)
{
    const char *f = table_str(t, u->first_name), *l = table_str(t, u->last_name);
    if (*f && *l && starts_cjk(f) && starts_cjk(l))
        snprintf(out, outcap, "%s%s", l, f);
    else if (*f || *l)
        snprintf(out, outcap, "%s%s%s", f, (*f && *l) ? " " : "", l);
    else
        snprintf(out, outcap, "%s", table_str(t, u->username));
}
