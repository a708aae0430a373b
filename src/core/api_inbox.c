/* api_inbox: the inbox's messages request and its answer (see api_inbox.h). */
#include "core/api_inbox.h"

#include "common/strbuf.h"
#include "core/api_ops.h" /* api_time_parse, api_time_format */
#include "core/text.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A display-safe, one-line copy of s cut to max bytes at a character, "…" marking the cut. */
static char *one_line(const char *s, size_t max)
{
    size_t len = strlen(s);
    bool cut = len > max;
    size_t take = cut ? max : len; /* never sanitize more than can be shown */
    char *flat = xmalloc(take + 1);
    for (size_t i = 0; i < take; i++)
        flat[i] = s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i];
    flat[take] = '\0';
    char *clean = text_sanitize(flat, take, false);
    free(flat);
    size_t n = strlen(clean);
    if (n > max) {
        n = max;
        cut = true;
    }
    if (cut) {
        while (n > 0 && ((unsigned char)clean[n] & 0xC0) == 0x80) /* not inside a character */
            n--;
        char *out = xmalloc(n + sizeof "\xe2\x80\xa6");
        memcpy(out, clean, n);
        memcpy(out + n, "\xe2\x80\xa6", sizeof "\xe2\x80\xa6");
        free(clean);
        return out;
    }
    return clean;
}

static const char *str_of(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static bool uuid_text(const char *s, char out[UUID_STR_LEN])
{
    uuid u;
    if (!s || !uuid_parse(s, &u))
        return false;
    uuid_format(&u, out);
    return true;
}

static bool item_time(const cJSON *it, int64_t *ms)
{
    const char *t = str_of(it, "occurred_at");
    return (t && api_time_parse(t, ms)) || ((t = str_of(it, "created_at")) && api_time_parse(t, ms));
}

int api_inbox_decode(const char *json, size_t len, api_inbox_page *pg, char **err)
{
    memset(pg, 0, sizeof *pg);
    cJSON *root = json ? cJSON_ParseWithLength(json, len) : NULL;
    const cJSON *items = root ? cJSON_GetObjectItemCaseSensitive(root, "items") : NULL;
    if (!cJSON_IsArray(items)) {
        *err = xstrdup("the API's answer about messages is not a page (no items list)");
        cJSON_Delete(root);
        return -1;
    }
    int n = cJSON_GetArraySize(items);
    pg->msgs = xcalloc(n > 0 ? (size_t)n : 1, sizeof *pg->msgs);
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        pg->nitems++;
        int64_t at;
        if (!cJSON_IsObject(it) || !item_time(it, &at))
            continue;
        if (at > pg->newest_ms)
            pg->newest_ms = at;
        const cJSON *deleted = cJSON_GetObjectItemCaseSensitive(it, "deleted_at");
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "sent_by_driver")) || cJSON_IsString(deleted))
            continue;
        api_inbox_msg *m = &pg->msgs[pg->n];
        if (!uuid_text(str_of(it, "id"), m->id) || !uuid_text(str_of(it, "sender_id"), m->driver_id))
            continue;
        const char *name = str_of(it, "sender_name"), *text = str_of(it, "message_text"),
                   *status = str_of(it, "status");
        m->driver_name = one_line(name ? name : "", API_INBOX_NAME_MAX);
        m->text = one_line(text ? text : "", API_INBOX_TEXT_MAX);
        m->at_ms = at;
        m->read = str_of(it, "read_at") || (status && strcmp(status, "read") == 0);
        pg->n++;
    }
    const char *next = str_of(root, "next_page");
    pg->next_cursor = next && *next ? xstrdup(next) : NULL;
    cJSON_Delete(root);
    return 0;
}

void api_inbox_page_clear(api_inbox_page *pg)
{
    for (size_t i = 0; pg->msgs && i < pg->n; i++) {
        free(pg->msgs[i].driver_name);
        free(pg->msgs[i].text);
    }
    free(pg->msgs);
    free(pg->next_cursor);
    memset(pg, 0, sizeof *pg);
}

typedef struct inbox_call {
    api_inbox_cb cb;
    void *ud;
} inbox_call;

static void on_reply(void *ud, const api_reply *r)
{
    inbox_call *c = ud;
    api_inbox_page pg;
    char *err = NULL;
    if (r->status == API_OK && api_inbox_decode(r->body, r->body_len, &pg, &err) == 0) {
        c->cb(c->ud, r, &pg, NULL);
        api_inbox_page_clear(&pg);
    } else {
        c->cb(c->ud, r, NULL, err);
    }
    free(err);
    free(c);
}

uint64_t api_inbox_poll(api *a, const char *connection_id, int64_t from_ms, const char *cursor, int page_size,
                        api_inbox_cb cb, void *ud)
{
    strbuf q = STRBUF_INIT;
    if (from_ms >= 0) {
        char from[32];
        api_time_format(from_ms, from);
        strbuf_puts(&q, "from_datetime=");
        strbuf_put_urlencoded(&q, from);
        strbuf_putc(&q, '&');
    }
    strbuf_printf(&q, "size=%d", page_size > 0 && page_size <= API_PAGE_SIZE_MAX ? page_size : API_PAGE_SIZE_MAX);
    if (cursor) {
        strbuf_puts(&q, "&cursor=");
        strbuf_put_urlencoded(&q, cursor);
    }
    char *path = api_list_path("message", connection_id, q.data);
    strbuf_free(&q);
    inbox_call *c = xcalloc(1, sizeof *c);
    *c = (inbox_call){cb, ud};
    uint64_t id = api_call(a, "GET", path, NULL, on_reply, c);
    free(path);
    return id;
}

/* ------------------------------------------------------------------ the inbox state file */

#define API_INBOX_STATE_VERSION 1

char *api_inbox_state_encode(const api_inbox_state *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "version", API_INBOX_STATE_VERSION);
    cJSON *conns = cJSON_AddArrayToObject(o, "connections");
    for (size_t i = 0; i < st->nmarks; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "id", st->marks[i].connection_id);
        cJSON_AddNumberToObject(c, "since_ms", (double)st->marks[i].since_ms);
        cJSON_AddItemToArray(conns, c);
    }
    cJSON *msgs = cJSON_AddArrayToObject(o, "messages");
    for (size_t i = 0; i < st->n; i++) {
        const api_inbox_kept *k = &st->msgs[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "id", k->m.id);
        cJSON_AddStringToObject(j, "connection_id", k->connection_id);
        cJSON_AddStringToObject(j, "driver_id", k->m.driver_id);
        cJSON_AddStringToObject(j, "driver_name", k->m.driver_name ? k->m.driver_name : "");
        cJSON_AddStringToObject(j, "text", k->m.text ? k->m.text : "");
        cJSON_AddNumberToObject(j, "at_ms", (double)k->m.at_ms);
        cJSON_AddBoolToObject(j, "unread", k->unread);
        cJSON_AddItemToArray(msgs, j);
    }
    char *p = cJSON_PrintUnformatted(o);
    char *out = xstrdup(p ? p : "{}");
    cJSON_free(p);
    cJSON_Delete(o);
    return out;
}

/* A millisecond time the file holds, if it is a sane one (a hostile file may hold 1e300). */
static bool state_ms(const cJSON *o, const char *k, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0 || v->valuedouble > 1e15)
        return false;
    *out = (int64_t)v->valuedouble;
    return true;
}

static const char *state_str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static bool state_uuid(const cJSON *o, const char *k, char out[UUID_STR_LEN])
{
    uuid u;
    const char *s = state_str(o, k);
    if (!s || !uuid_parse(s, &u))
        return false;
    uuid_format(&u, out);
    return true;
}

int api_inbox_state_decode(const char *json, size_t len, api_inbox_state *st, char **err)
{
    memset(st, 0, sizeof *st);
    cJSON *root = cJSON_ParseWithLength(json, len);
    const cJSON *ver = root ? cJSON_GetObjectItemCaseSensitive(root, "version") : NULL;
    if (!cJSON_IsObject(root) || !cJSON_IsNumber(ver) || ver->valuedouble != API_INBOX_STATE_VERSION) {
        *err = xstrdup("the inbox state file is not one this version wrote");
        cJSON_Delete(root);
        return -1;
    }
    const cJSON *conns = cJSON_GetObjectItemCaseSensitive(root, "connections");
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(root, "messages");
    conns = cJSON_IsArray(conns) ? conns : NULL; /* an object's members are not entries */
    msgs = cJSON_IsArray(msgs) ? msgs : NULL;
    int nc = conns ? cJSON_GetArraySize(conns) : 0;
    int nm = msgs ? cJSON_GetArraySize(msgs) : 0;
    st->marks = xcalloc((size_t)nc + 1, sizeof *st->marks);
    st->msgs = xcalloc((size_t)nm + 1, sizeof *st->msgs);
    const cJSON *it;
    cJSON_ArrayForEach(it, conns)
    {
        api_inbox_mark *mk = &st->marks[st->nmarks];
        if (state_uuid(it, "id", mk->connection_id) && state_ms(it, "since_ms", &mk->since_ms))
            st->nmarks++;
    }
    cJSON_ArrayForEach(it, msgs)
    {
        api_inbox_kept *k = &st->msgs[st->n];
        const char *name = state_str(it, "driver_name"), *text = state_str(it, "text");
        if (!state_uuid(it, "id", k->m.id) || !state_uuid(it, "connection_id", k->connection_id) ||
            !state_uuid(it, "driver_id", k->m.driver_id) || !state_ms(it, "at_ms", &k->m.at_ms) || !text ||
            strlen(text) > API_INBOX_TEXT_MAX + 3 || (name && strlen(name) > API_INBOX_NAME_MAX + 3)) {
            memset(k, 0, sizeof *k);
            continue; /* not an entry this program wrote */
        }
        k->m.driver_name = text_sanitize_str(name ? name : "");
        k->m.text = text_sanitize_str(text);
        k->unread = !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(it, "unread"));
        st->n++;
    }
    cJSON_Delete(root);
    return 0;
}

void api_inbox_state_clear(api_inbox_state *st)
{
    for (size_t i = 0; st->msgs && i < st->n; i++) {
        free(st->msgs[i].m.driver_name);
        free(st->msgs[i].m.text);
    }
    free(st->marks);
    free(st->msgs);
    memset(st, 0, sizeof *st);
}
