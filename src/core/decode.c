#include "core/decode.h"

#include "common/strbuf.h"
#include "core/text.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *kind_name(record_kind k)
{
    static const char *names[] = {"connection", "user", "vehicle", "trailer"};
    return k < KIND__COUNT ? names[k] : "record";
}

static char *fmt_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *fmt_err(const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    return strbuf_detach(&sb);
}

/* Stores a sanitized copy of a string field (null, missing or non-string -> empty). */
static sref put_str(table *t, const cJSON *obj, const char *field)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
    if (!cJSON_IsString(v) || !v->valuestring || !*v->valuestring)
        return 0;
    char *clean = text_sanitize_str(v->valuestring);
    sref r = strpool_add(&t->pool, clean);
    free(clean);
    return r;
}

static int get_int(const cJSON *obj, const char *field, int dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
    return cJSON_IsNumber(v) ? (int)v->valuedouble : dflt;
}

static uint8_t get_bool(const cJSON *obj, const char *field)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, field)) ? 1 : 0;
}

/* A required string field; a required uuid when out is given. */
static int need(const cJSON *obj, const char *field, uuid *out, record_kind k, char **err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
    if (!cJSON_IsString(v) || !v->valuestring) {
        *err = fmt_err("%s without required field '%s'", kind_name(k), field);
        return -1;
    }
    if (out && !uuid_parse(v->valuestring, out)) {
        *err = fmt_err("%s field '%s' is not a UUID", kind_name(k), field);
        return -1;
    }
    return 0;
}

int decode_item(table *t, const cJSON *it, char **err)
{
    if (!cJSON_IsObject(it)) {
        *err = fmt_err("%s item is not an object", kind_name(t->kind));
        return -1;
    }
    uuid id, other;
    if (need(it, "id", &id, t->kind, err) || need(it, "source_name", NULL, t->kind, err))
        return -1;
    if (t->kind == KIND_CONNECTION) {
        if (need(it, "tsp_id", &other, t->kind, err) || need(it, "status", NULL, t->kind, err))
            return -1;
        connection_rec *c = table_append(t);
        c->id = id;
        c->tsp_id = other;
        c->description = put_str(t, it, "description");
        c->source_name = put_str(t, it, "source_name");
        c->status = put_str(t, it, "status");
        c->fleet_ref = put_str(t, it, "fleet_ref");
        return 0;
    }
    if (need(it, "connection_id", &other, t->kind, err) || need(it, "source_id", NULL, t->kind, err))
        return -1;
    switch (t->kind) {
    case KIND_DRIVER: {
        user_rec *u = table_append(t);
        u->id = id;
        u->first_name = put_str(t, it, "first_name");
        u->last_name = put_str(t, it, "last_name");
        u->username = put_str(t, it, "username");
        u->phone = put_str(t, it, "phone_number");
        u->email = put_str(t, it, "user_email");
        u->status = put_str(t, it, "status");
        u->source_id = put_str(t, it, "source_id");
        u->license = put_str(t, it, "license_number");
        u->designation = put_str(t, it, "user_designation");
        u->is_driver = get_bool(it, "is_driver");
        u->is_active = get_bool(it, "is_active");
        break;
    }
    case KIND_VEHICLE: {
        vehicle_rec *v = table_append(t);
        v->id = id;
        v->name = put_str(t, it, "vehicle_name");
        v->vin = put_str(t, it, "vin");
        v->plate = put_str(t, it, "license_plate_number");
        v->plate_region = put_str(t, it, "license_plate_region");
        v->oem = put_str(t, it, "oem");
        v->model = put_str(t, it, "model_type");
        v->status = put_str(t, it, "status");
        v->source_id = put_str(t, it, "source_id");
        v->year = (int16_t)get_int(it, "model_year", 0);
        v->is_active = get_bool(it, "is_active");
        break;
    }
    case KIND_TRAILER: {
        trailer_rec *r = table_append(t);
        r->id = id;
        r->name = put_str(t, it, "trailer_name");
        r->plate = put_str(t, it, "license_plate_number");
        r->trailer_type = put_str(t, it, "trailer_type");
        r->status = put_str(t, it, "status");
        r->source_id = put_str(t, it, "source_id");
        r->oem = put_str(t, it, "oem");
        r->model = put_str(t, it, "model_type");
        const cJSON *len = cJSON_GetObjectItemCaseSensitive(it, "trailer_length");
        r->length = cJSON_IsNumber(len) ? (float)len->valuedouble : 0.0f;
        r->year = (int16_t)get_int(it, "model_year", 0);
        r->is_active = get_bool(it, "is_active");
        break;
    }
    default:
        *err = fmt_err("unsupported record kind");
        return -1;
    }
    return 0;
}

/* A bump arena for the nodes of one page's cJSON tree: a page of 1,000 records is tens of
 * thousands of small allocations, freed all at once when the page is decoded. cJSON's hooks are
 * global, so they are set only for the parse and delete of one page (the console is
 * single-threaded). */
typedef struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    max_align_t data[];
} arena_chunk;

static arena_chunk *g_arena;

static void *arena_malloc(size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (!g_arena || g_arena->used + n > g_arena->cap) {
        size_t cap = n > (1u << 20) ? n : (1u << 20);
        arena_chunk *c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = g_arena;
        c->used = 0;
        c->cap = cap;
        g_arena = c;
    }
    void *p = (char *)g_arena->data + g_arena->used;
    g_arena->used += n;
    return p;
}

static void arena_free(void *p)
{
    (void)p; /* everything goes at once in arena_release */
}

static void arena_release(void)
{
    while (g_arena) {
        arena_chunk *n = g_arena->next;
        free(g_arena);
        g_arena = n;
    }
}

static int decode_page_tree(table *t, const char *body, size_t len, page_info *info, char **err);

int decode_page(table *t, const char *body, size_t len, page_info *info, char **err)
{
    cJSON_Hooks hooks = {arena_malloc, arena_free};
    cJSON_InitHooks(&hooks);
    int rc = decode_page_tree(t, body, len, info, err);
    cJSON_InitHooks(NULL);
    arena_release();
    return rc;
}

static int decode_page_tree(table *t, const char *body, size_t len, page_info *info, char **err)
{
    memset(info, 0, sizeof *info);
    info->total = -1;
    cJSON *root = cJSON_ParseWithLength(body, len);
    if (!root) {
        *err = fmt_err("the server sent malformed JSON (%zu bytes)", len);
        return -1;
    }
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    if (!cJSON_IsArray(items)) {
        cJSON_Delete(root);
        *err = fmt_err("the server's page has no 'items' list");
        return -1;
    }
    size_t before = t->count;
    size_t pool_before = t->pool.len;
    int idx = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        char *e = NULL;
        if (decode_item(t, it, &e) != 0) {
            *err = fmt_err("item %d: %s", idx, e);
            free(e);
            t->count = before; /* the page is all-or-nothing */
            t->pool.len = pool_before;
            cJSON_Delete(root);
            return -1;
        }
        idx++;
    }
    info->items = t->count - before;
    const cJSON *tot = cJSON_GetObjectItemCaseSensitive(root, "total");
    if (cJSON_IsNumber(tot) && tot->valuedouble >= 0)
        info->total = (long)tot->valuedouble;
    const cJSON *next = cJSON_GetObjectItemCaseSensitive(root, "next_page");
    if (cJSON_IsString(next) && next->valuestring && *next->valuestring)
        info->next_cursor = xstrdup(next->valuestring);
    cJSON_Delete(root);
    return 0;
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
