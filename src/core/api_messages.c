/* api_messages: a driver's messages through the pager, and message payloads (see api_messages.h). */
#include "core/api_messages.h"

#include "common/strbuf.h"
#include "core/api_pager.h"
#include "core/text.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ lists */

void conv_list_clear(conv_list *l)
{
    l->n = 0;
    strpool_free(&l->pool);
    memset(&l->pool, 0, sizeof l->pool);
}

void conv_list_free(conv_list *l)
{
    free(l->v);
    strpool_free(&l->pool);
    memset(l, 0, sizeof *l);
}

conv_msg *conv_list_append(conv_list *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    conv_msg *m = &l->v[l->n++];
    memset(m, 0, sizeof *m);
    return m;
}

void conv_list_append_all(conv_list *dst, const conv_list *src)
{
    for (size_t i = 0; i < src->n; i++) {
        const conv_msg *s = &src->v[i];
        conv_msg *m = conv_list_append(dst);
        *m = *s;
        m->text = s->text ? strpool_add(&dst->pool, strpool_get(&src->pool, s->text)) : 0;
        m->sender_name = s->sender_name ? strpool_add(&dst->pool, strpool_get(&src->pool, s->sender_name)) : 0;
        m->status_raw = s->status_raw ? strpool_add(&dst->pool, strpool_get(&src->pool, s->status_raw)) : 0;
        m->op_id = s->op_id ? strpool_add(&dst->pool, strpool_get(&src->pool, s->op_id)) : 0;
    }
}

const conv_msg *conv_find(const conv_list *l, const uuid *id)
{
    if (uuid_is_nil(id))
        return NULL;
    for (size_t i = 0; i < l->n; i++)
        if (uuid_equal(&l->v[i].id, id))
            return &l->v[i];
    return NULL;
}

static int cmp_id(const void *x, const void *y)
{
    return memcmp(((const conv_msg *)x)->id.b, ((const conv_msg *)y)->id.b, 16);
}

static int cmp_time(const void *x, const void *y)
{
    const conv_msg *a = x, *b = y;
    if (a->at_ms != b->at_ms)
        return a->at_ms < b->at_ms ? -1 : 1;
    return memcmp(a->id.b, b->id.b, 16);
}

void conv_list_sort(conv_list *l)
{
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, cmp_time);
}

/* Both directions are in one list now: drop duplicates (same id), then oldest first. */
static void list_merge_sort(conv_list *l)
{
    if (l->n < 2)
        return;
    qsort(l->v, l->n, sizeof *l->v, cmp_id);
    size_t keep = 1;
    for (size_t i = 1; i < l->n; i++)
        if (!uuid_equal(&l->v[i].id, &l->v[keep - 1].id))
            l->v[keep++] = l->v[i];
    l->n = keep;
    conv_list_sort(l);
}

/* ------------------------------------------------------------------ decoding */

bool conv_parse_time(const char *s, int64_t *ms)
{
    int Y, M, D, h, m, sec, n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &Y, &M, &D, &h, &m, &sec, &n) != 6 || n == 0)
        return false;
    const char *p = s + n;
    int frac_ms = 0;
    if (*p == '.') {
        int digits = 0;
        for (p++; *p >= '0' && *p <= '9'; p++)
            if (digits++ < 3)
                frac_ms = frac_ms * 10 + (*p - '0');
        while (digits > 0 && digits < 3) {
            frac_ms *= 10;
            digits++;
        }
    }
    long offset = 0;
    if (*p == '+' || *p == '-') {
        int oh = 0, om = 0;
        if (sscanf(p + 1, "%2d:%2d", &oh, &om) < 1)
            return false;
        offset = (oh * 60L + om) * 60L * (*p == '-' ? -1 : 1);
    } else if (*p && *p != 'Z' && *p != 'z') {
        return false;
    }
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
        return false;
    struct tm tm = {0};
    tm.tm_year = Y - 1900;
    tm.tm_mon = M - 1;
    tm.tm_mday = D;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    *ms = ((int64_t)t - offset) * 1000 + frac_ms;
    return true;
}

static const char *jstr(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

sref conv_put_text(strpool *p, const char *s)
{
    if (!s || !*s)
        return 0;
    char *clean = text_sanitize(s, strlen(s), true);
    size_t n = strlen(clean);
    while (n && (clean[n - 1] == '\n' || clean[n - 1] == ' '))
        clean[--n] = '\0';
    sref r = strpool_add(p, clean);
    free(clean);
    return r;
}

static uint8_t status_of(const char *s)
{
    if (!s)
        return CM_OTHER;
    static const char *const names[] = {"pending", "sent", "delivered", "read", "failed"};
    for (int i = 0; i < 5; i++)
        if (strcmp(s, names[i]) == 0)
            return (uint8_t)i;
    return CM_OTHER;
}

uint8_t conv_priority_of(const char *s)
{
    if (!s)
        return CP_NONE;
    return strcmp(s, "low") == 0 ? CP_LOW : strcmp(s, "medium") == 0 ? CP_MEDIUM : strcmp(s, "high") == 0 ? CP_HIGH
                                                                                                            : CP_NONE;
}

static void decode_item(conv_list *l, const conv_who *w, const cJSON *it)
{
    uuid id;
    if (!cJSON_IsObject(it) || !uuid_parse(jstr(it, "id") ? jstr(it, "id") : "", &id))
        return; /* tolerated: a record without an id cannot be shown or replied to */
    if (jstr(it, "deleted_at"))
        return;
    conv_msg *m = conv_list_append(l);
    m->id = id;
    if (!conv_parse_time(jstr(it, "occurred_at"), &m->at_ms))
        conv_parse_time(jstr(it, "created_at"), &m->at_ms);
    const char *st = jstr(it, "status");
    m->status = status_of(st);
    m->status_raw = strpool_add_clean(&l->pool, st);
    if (m->status == CM_READ)
        conv_parse_time(jstr(it, "read_at"), &m->status_ms);
    else if (m->status == CM_DELIVERED)
        conv_parse_time(jstr(it, "delivered_at"), &m->status_ms);
    uuid sender;
    bool have_sender = uuid_parse(jstr(it, "sender_id") ? jstr(it, "sender_id") : "", &sender);
    const cJSON *by = cJSON_GetObjectItemCaseSensitive(it, "sent_by_driver");
    bool driver = cJSON_IsBool(by) ? cJSON_IsTrue(by) : (have_sender && uuid_equal(&sender, &w->driver_id));
    if (driver)
        m->flags |= CF_DRIVER;
    else if (have_sender && w->have_you && uuid_equal(&sender, &w->you_id))
        m->flags |= CF_YOU;
    m->sender_name = strpool_add_clean(&l->pool, jstr(it, "sender_name"));
    m->text = conv_put_text(&l->pool, jstr(it, "message_text"));
    if (uuid_parse(jstr(it, "reply_to_message_id") ? jstr(it, "reply_to_message_id") : "", &m->reply_to))
        m->flags |= CF_REPLY;
    m->priority = conv_priority_of(jstr(it, "priority")); /* not in MessageRead today; shown if it comes */
}

static void decode_items(conv_list *l, const conv_who *w, const cJSON *items)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
        decode_item(l, w, it);
}

/* A group message is the driver's when recipient_ids names them. */
static void decode_group_items(conv_list *l, const conv_who *w, const cJSON *items)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        const cJSON *ids = cJSON_GetObjectItemCaseSensitive(it, "recipient_ids"), *r;
        bool mine = false;
        int n = 0;
        cJSON_ArrayForEach(r, ids)
        {
            uuid u;
            n++;
            if (cJSON_IsString(r) && r->valuestring && uuid_parse(r->valuestring, &u) && uuid_equal(&u, &w->driver_id))
                mine = true;
        }
        size_t before = l->n;
        if (!mine)
            continue;
        decode_item(l, w, it);
        if (l->n > before) {
            conv_msg *m = &l->v[l->n - 1];
            m->flags = (uint8_t)((m->flags & ~CF_DRIVER) | CF_GROUP); /* sent to the driver, never by them */
            m->group_n = (uint16_t)(n < 65535 ? n : 65535);
        }
    }
}

int conv_decode_page(conv_list *l, const conv_who *who, const char *json, size_t len, char **err)
{
    cJSON *root = json ? cJSON_ParseWithLength(json, len) : NULL;
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    if (!cJSON_IsArray(items)) {
        *err = xstrdup(root ? "the page has no items list" : "the answer is not JSON");
        cJSON_Delete(root);
        return -1;
    }
    decode_items(l, who, items);
    cJSON_Delete(root);
    return 0;
}

int conv_decode_group_page(conv_list *l, const conv_who *who, const char *json, size_t len, char **err)
{
    cJSON *root = json ? cJSON_ParseWithLength(json, len) : NULL;
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    if (!cJSON_IsArray(items)) {
        *err = xstrdup(root ? "the page has no items list" : "the answer is not JSON");
        cJSON_Delete(root);
        return -1;
    }
    decode_group_items(l, who, items);
    cJSON_Delete(root);
    return 0;
}

static void put_time(strbuf *q, const char *key, int64_t wall_ms)
{
    char buf[32];
    time_t t = (time_t)(wall_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    strbuf_puts(q, key);
    strbuf_put_urlencoded(q, buf);
}

char *api_msgs_window_query(int64_t from_wall_ms, int64_t to_wall_ms)
{
    strbuf q = STRBUF_INIT;
    put_time(&q, "from_datetime=", from_wall_ms);
    if (to_wall_ms > 0)
        put_time(&q, "&to_datetime=", to_wall_ms);
    return strbuf_detach(&q);
}

/* ------------------------------------------------------------------ fetching */

enum { DIR_SENT, DIR_RECEIVED, DIR_GROUP, DIR__COUNT };

typedef struct direction {
    struct api_msgs_fetch *f;
    api_pager *pager; /* NULL when done */
    int which;        /* DIR_* */
} direction;

struct api_msgs_fetch {
    conv_who who;
    conv_list got;
    direction dirs[DIR__COUNT];
    int running;
    bool starting;
    char *error;       /* the first error of the driver's own messages */
    char *group_error; /* of the group messages */
    api_msgs_done_cb cb;
    void *ud;
};

static void fetch_finish(api_msgs_fetch *f)
{
    if (f->starting || f->running > 0)
        return;
    list_merge_sort(&f->got);
    f->cb(f->ud, &f->got, f->error, f->error ? NULL : f->group_error);
    conv_list_free(&f->got);
    free(f->error);
    free(f->group_error);
    free(f);
}

static int on_msgs_page(void *ud, const api_page *pg, char **err)
{
    (void)err;
    direction *d = ud;
    if (d->which == DIR_GROUP)
        decode_group_items(&d->f->got, &d->f->who, pg->items);
    else
        decode_items(&d->f->got, &d->f->who, pg->items);
    return 0;
}

static void on_msgs_done(void *ud, const api_pager_result *res)
{
    direction *d = ud;
    api_msgs_fetch *f = d->f;
    d->pager = NULL;
    f->running--;
    char **slot = d->which == DIR_GROUP ? &f->group_error : &f->error;
    if (res->status != API_OK && !*slot)
        *slot = xstrdup(res->error ? res->error : "the messages could not be loaded");
    fetch_finish(f);
}

api_msgs_fetch *api_msgs_fetch_start(api *a, const api_msgs_req *req, api_msgs_done_cb cb, void *ud)
{
    api_msgs_fetch *f = xcalloc(1, sizeof *f);
    f->who = req->who;
    f->cb = cb;
    f->ud = ud;
    f->starting = true;
    char *window = api_msgs_window_query(req->from_wall_ms, req->to_wall_ms);
    for (int i = 0; i < DIR__COUNT; i++) {
        strbuf q = STRBUF_INIT;
        if (i != DIR_GROUP) { /* the group messages list has no recipient filter: filtered here */
            strbuf_puts(&q, i == DIR_RECEIVED ? "recipient_ids=" : "sender_ids=");
            strbuf_put_urlencoded(&q, req->driver_id);
            strbuf_putc(&q, '&');
        }
        strbuf_puts(&q, window);
        char *path = api_list_path(i == DIR_GROUP ? "group_message" : "message", req->connection_id, q.data);
        strbuf_free(&q);
        f->dirs[i].f = f;
        f->dirs[i].which = i;
        f->running++;
        api_pager_req pr = {.path_query = path,
                            .page_size = API_MSGS_PAGE_SIZE,
                            .max_pages = API_MSGS_MAX_PAGES,
                            .on_page = on_msgs_page,
                            .on_done = on_msgs_done,
                            .ud = &f->dirs[i]};
        api_pager *p = api_pager_start(a, &pr);
        if (p) /* else it already ended */
            f->dirs[i].pager = p;
        free(path);
    }
    free(window);
    f->starting = false;
    if (f->running == 0) {
        fetch_finish(f);
        return NULL;
    }
    return f;
}

void api_msgs_fetch_cancel(api_msgs_fetch *f)
{
    if (!f)
        return;
    f->starting = true; /* keeps f alive while both pagers answer */
    for (int i = 0; i < DIR__COUNT; i++)
        if (f->dirs[i].pager)
            api_pager_cancel(f->dirs[i].pager);
    f->starting = false;
    fetch_finish(f);
}

/* ------------------------------------------------------------------ payloads */

static char *id_of(const cJSON *o, const char *key)
{
    uuid u;
    const char *s = jstr(o, key);
    if (!s || !uuid_parse(s, &u))
        return NULL;
    char buf[UUID_STR_LEN];
    uuid_format(&u, buf);
    return xstrdup(buf);
}

int api_msg_payload_read(const char *json, api_msg_payload *out)
{
    memset(out, 0, sizeof *out);
    cJSON *p = json ? cJSON_Parse(json) : NULL;
    if (!cJSON_IsObject(p)) {
        cJSON_Delete(p);
        return -1;
    }
    out->connection_id = id_of(p, "connection_id");
    out->sender_id = id_of(p, "sender_id");
    out->recipient_id = id_of(p, "recipient_id");
    out->reply_to_message_id = id_of(p, "reply_to_message_id");
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(p, "recipient_ids");
    int n = cJSON_IsArray(ids) ? cJSON_GetArraySize(ids) : 0;
    out->recipient_ids = xcalloc((size_t)n + 1, sizeof(char *));
    const cJSON *it;
    cJSON_ArrayForEach(it, ids)
    {
        uuid u;
        if (cJSON_IsString(it) && it->valuestring && uuid_parse(it->valuestring, &u)) {
            char s[UUID_STR_LEN];
            uuid_format(&u, s);
            out->recipient_ids[out->nrecipients++] = xstrdup(s);
        }
    }
    const char *text = jstr(p, "message_text");
    if (text)
        out->text = text_sanitize(text, strlen(text), true);
    const char *prio = jstr(p, "priority");
    if (prio && conv_priority_of(prio) != CP_NONE)
        out->priority = xstrdup(prio);
    cJSON_Delete(p);
    return 0;
}

void api_msg_payload_free(api_msg_payload *p)
{
    free(p->connection_id);
    free(p->sender_id);
    free(p->recipient_id);
    free(p->reply_to_message_id);
    for (size_t i = 0; i < p->nrecipients; i++)
        free(p->recipient_ids[i]);
    free(p->recipient_ids);
    free(p->text);
    free(p->priority);
    memset(p, 0, sizeof *p);
}
