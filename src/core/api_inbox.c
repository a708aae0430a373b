/* api_inbox: the inbox's messages request and its answer (see api_inbox.h). */
#include "core/api_inbox.h"

#include "common/strbuf.h"
#include "core/api_ops.h" /* api_time_parse, api_time_format */
#include "core/text.h"

#include <cjson/cJSON.h>
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
