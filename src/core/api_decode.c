#include "core/api_decode.h"

#include "common/err.h"
#include "common/strbuf.h"
#include "core/api_resources.h"
#include "core/text.h"

#include <cjson/cJSON.h>
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A list of strings (a DVIR log's defects) kept as one: "a, b"; other items are skipped. */
static sref put_list(table *t, const cJSON *arr)
{
    strbuf sb = STRBUF_INIT;
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
    {
        if (cJSON_IsString(e) && e->valuestring && *e->valuestring)
            strbuf_printf(&sb, "%s%s", sb.len ? ", " : "", e->valuestring);
    }
    sref r = strpool_add_clean(&t->pool, strbuf_cstr(&sb));
    strbuf_free(&sb);
    return r;
}

/* A JSON number as a value in [lo, hi]: huge numbers are clamped before any conversion. */
static double clamped(const cJSON *v, double lo, double hi)
{
    if (!cJSON_IsNumber(v) || isnan(v->valuedouble))
        return 0;
    return v->valuedouble < lo ? lo : v->valuedouble > hi ? hi : v->valuedouble;
}

/* Checks one field of an item (v: its value, NULL when absent) and keeps it in the record at row. */
static int decode_field(table *t, const api_resource *r, const field_spec *f, const cJSON *v, char *row,
                        char **err)
{
    const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
    uuid id = {{0}};
    if (f->req != REQ_NO && !s) {
        *err = xasprintf("%s without required field '%s'", r->name, f->name);
        return -1;
    }
    bool is_uuid = (f->req == REQ_UUID || f->store == ST_UUID) && s && uuid_parse(s, &id);
    if (f->req == REQ_UUID && !is_uuid) {
        *err = xasprintf("%s field '%s' is not a UUID", r->name, f->name);
        return -1;
    }
    if (!is_uuid) /* an optional UUID (a log's vehicle_id) absent or not a UUID reads as all zero */
        memset(&id, 0, sizeof id);
    char *at = row + f->offset;
    switch (f->store) {
    case ST_UUID: memcpy(at, &id, sizeof id); break;
    case ST_STR: {
        sref ref = cJSON_IsArray(v) ? put_list(t, v) : strpool_add_clean(&t->pool, s);
        memcpy(at, &ref, sizeof ref);
        break;
    }
    case ST_I16: {
        int16_t n = (int16_t)clamped(v, INT16_MIN, INT16_MAX);
        memcpy(at, &n, sizeof n);
        break;
    }
    case ST_F32: {
        float x = (float)clamped(v, -FLT_MAX, FLT_MAX);
        memcpy(at, &x, sizeof x);
        break;
    }
    case ST_BOOL: *(uint8_t *)at = cJSON_IsTrue(v) ? 1 : 0; break;
    case ST_NONE: break;
    }
    return 0;
}

#define DECODE_MAX_FIELDS 64
#define NAME_SLOTS 128 /* open addressing, power of two > 2 * DECODE_MAX_FIELDS */

/* Field names by hash, per record kind: items carry many members the console does not keep, so
 * a member is placed by one hash and one comparison, not by comparing it with every field. */
typedef struct name_map {
    const api_resource *r;
    int8_t slot[NAME_SLOTS]; /* field index + 1, 0 empty */
} name_map;

static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static const name_map *name_map_of(const api_resource *r)
{
    static name_map maps[KIND__COUNT];
    if ((int)r->kind < 0 || r->kind >= KIND__COUNT)
        return NULL;
    name_map *m = &maps[r->kind];
    if (m->r != r) {
        memset(m, 0, sizeof *m);
        int n = r->nfields < DECODE_MAX_FIELDS ? r->nfields : DECODE_MAX_FIELDS;
        for (int i = 0; i < n; i++) {
            uint32_t k = name_hash(r->fields[i].name) & (NAME_SLOTS - 1);
            while (m->slot[k])
                k = (k + 1) & (NAME_SLOTS - 1);
            m->slot[k] = (int8_t)(i + 1);
        }
        m->r = r;
    }
    return m;
}

/* The resource's field a member name is, or -1. */
static int field_index(const api_resource *r, const name_map *m, const char *name)
{
    if (!m) {
        for (int i = 0; i < r->nfields && i < DECODE_MAX_FIELDS; i++)
            if (strcmp(r->fields[i].name, name) == 0)
                return i;
        return -1;
    }
    for (uint32_t k = name_hash(name) & (NAME_SLOTS - 1); m->slot[k]; k = (k + 1) & (NAME_SLOTS - 1))
        if (strcmp(r->fields[m->slot[k] - 1].name, name) == 0)
            return m->slot[k] - 1;
    return -1;
}

int decode_item(table *t, const cJSON *it, char **err)
{
    const api_resource *r = api_resource_get(t->kind);
    if (!r) {
        *err = xasprintf("unsupported record kind");
        return -1;
    }
    if (!cJSON_IsObject(it)) {
        *err = xasprintf("%s item is not an object", r->name);
        return -1;
    }
    /* One pass over the item's members (not one lookup per field); the first of a repeated
     * member counts, as with cJSON_GetObjectItem. */
    const cJSON *vals[DECODE_MAX_FIELDS] = {0};
    int nfields = r->nfields < DECODE_MAX_FIELDS ? r->nfields : DECODE_MAX_FIELDS;
    const name_map *map = name_map_of(r);
    for (const cJSON *m = it->child; m; m = m->next) {
        if (!m->string)
            continue;
        int i = field_index(r, map, m->string);
        if (i >= 0 && !vals[i])
            vals[i] = m;
    }
    size_t count = t->count, pool = t->pool.len;
    char *row = table_append(t);
    for (int i = 0; i < nfields; i++) {
        if (decode_field(t, r, &r->fields[i], vals[i], row, err) != 0) {
            t->count = count; /* the item is all-or-nothing */
            t->pool.len = pool;
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ parse arena */

/* A bump arena for the nodes of a page's cJSON tree: a page of 1,000 records is tens of
 * thousands of small allocations, all dropped at once. Its chunks are kept from page to page
 * (no cJSON_Delete, no page faults on the next page). cJSON's hooks are global, so they are set
 * only while one page is parsed (the console is single-threaded). */
typedef struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    max_align_t data[];
} arena_chunk;

struct decode_arena {
    arena_chunk *chunks; /* the one being filled first */
    arena_chunk *spare;  /* emptied chunks, reused before new ones */
};

static decode_arena *g_arena; /* the arena of the parse running */

static void *arena_malloc(size_t n)
{
    decode_arena *a = g_arena;
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (!a->chunks || a->chunks->used + n > a->chunks->cap) {
        arena_chunk *c = a->spare;
        if (c && c->cap >= n) {
            a->spare = c->next;
        } else {
            size_t cap = n > (1u << 20) ? n : (1u << 20);
            c = malloc(sizeof *c + cap);
            if (!c)
                return NULL;
            c->cap = cap;
        }
        c->used = 0;
        c->next = a->chunks;
        a->chunks = c;
    }
    void *p = (char *)a->chunks->data + a->chunks->used;
    a->chunks->used += n;
    return p;
}

static void arena_free(void *p)
{
    (void)p; /* everything goes at once in decode_arena_reset */
}

decode_arena *decode_arena_new(void)
{
    return xcalloc(1, sizeof(decode_arena));
}

void decode_arena_reset(decode_arena *a)
{
    while (a && a->chunks) {
        arena_chunk *c = a->chunks;
        a->chunks = c->next;
        c->next = a->spare;
        a->spare = c;
    }
}

void decode_arena_free(decode_arena *a)
{
    if (!a)
        return;
    decode_arena_reset(a);
    while (a->spare) {
        arena_chunk *c = a->spare;
        a->spare = c->next;
        free(c);
    }
    free(a);
}

cJSON *decode_parse(decode_arena *a, const char *body, size_t len)
{
    decode_arena_reset(a);
    if (!body)
        return NULL;
    cJSON_Hooks hooks = {arena_malloc, arena_free};
    g_arena = a;
    cJSON_InitHooks(&hooks);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(body, len, &end, false);
    cJSON_InitHooks(NULL);
    g_arena = NULL;
    /* One JSON value and nothing after it but white space (cJSON alone would ignore the rest, which
     * the envelope scan, reading the page from its end, would not). */
    while (root && end && end < body + len) {
        if ((unsigned char)*end > ' ') /* what cJSON itself skips as white space */
            return NULL;              /* the arena owns the tree */
        end++;
    }
    return root;
}

int decode_page(table *t, const char *body, size_t len, page_info *info, char **err)
{
    memset(info, 0, sizeof *info);
    info->total = -1;
    decode_arena *arena = decode_arena_new();
    int rc = -1;
    const cJSON *root = decode_parse(arena, body, len), *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    if (!root) {
        *err = xasprintf("the server sent malformed JSON (%zu bytes)", len);
        goto out;
    }
    if (!cJSON_IsArray(items)) {
        *err = xasprintf("the server's page has no 'items' list");
        goto out;
    }
    size_t before = t->count;
    size_t pool_before = t->pool.len;
    int idx = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        char *e = NULL;
        if (decode_item(t, it, &e) != 0) {
            *err = xasprintf("item %d: %s", idx, e);
            free(e);
            t->count = before; /* the page is all-or-nothing */
            t->pool.len = pool_before;
            goto out;
        }
        idx++;
    }
    info->items = t->count - before;
    const cJSON *tot = cJSON_GetObjectItemCaseSensitive(root, "total");
    if (cJSON_IsNumber(tot) && tot->valuedouble >= 0)
        info->total = (long)clamped(tot, 0, (double)INT32_MAX);
    const cJSON *next = cJSON_GetObjectItemCaseSensitive(root, "next_page");
    if (cJSON_IsString(next) && next->valuestring && *next->valuestring)
        info->next_cursor = xstrdup(next->valuestring);
    rc = 0;
out:
    decode_arena_free(arena); /* the tree lived in it: no cJSON_Delete */
    return rc;
}

char *decode_error_summary(const char *body, size_t len)
{
    cJSON *root = cJSON_ParseWithLength(body, len);
    if (!root)
        return NULL;
    strbuf sb = STRBUF_INIT;
    const cJSON *detail = cJSON_GetObjectItemCaseSensitive(root, "detail");
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(root, "message");
    const cJSON *kc = cJSON_GetObjectItemCaseSensitive(root, "error_description");
    if (cJSON_IsString(detail) && detail->valuestring) {
        strbuf_puts(&sb, detail->valuestring);
    } else if (cJSON_IsArray(detail)) {
        const cJSON *d;
        int n = 0;
        cJSON_ArrayForEach(d, detail)
        {
            const cJSON *p = cJSON_GetObjectItemCaseSensitive(d, "path");
            const cJSON *m = cJSON_GetObjectItemCaseSensitive(d, "message");
            if (n++)
                strbuf_puts(&sb, "; ");
            if (cJSON_IsString(p) && p->valuestring && *p->valuestring)
                strbuf_printf(&sb, "%s: ", p->valuestring);
            strbuf_puts(&sb, cJSON_IsString(m) && m->valuestring ? m->valuestring : "invalid");
        }
    } else if (cJSON_IsObject(detail)) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(detail, "message");
        if (cJSON_IsString(m) && m->valuestring)
            strbuf_puts(&sb, m->valuestring);
    } else if (cJSON_IsString(kc) && kc->valuestring) {
        strbuf_puts(&sb, kc->valuestring);
    } else if (cJSON_IsString(msg) && msg->valuestring) {
        strbuf_puts(&sb, msg->valuestring);
    }
    cJSON_Delete(root);
    if (sb.len == 0) {
        strbuf_free(&sb);
        return NULL;
    }
    char *clean = text_sanitize(sb.data, sb.len, false);
    strbuf_free(&sb);
    return clean;
}

void decode_token_answer(const char *body, size_t len, char **access_token, double *expires_in)
{
    cJSON *root = body ? cJSON_ParseWithLength(body, len) : NULL;
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(root, "access_token");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(root, "expires_in");
    *access_token = cJSON_IsString(tok) && tok->valuestring && *tok->valuestring ? xstrdup(tok->valuestring) : NULL;
    *expires_in = cJSON_IsNumber(exp) ? exp->valuedouble : -1;
    cJSON_Delete(root);
}
