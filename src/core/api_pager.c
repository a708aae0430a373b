/* api_pager: cursor pagination for every list of the API (see api_pager.h). */
#include "core/api_pager.h"

#include "common/strbuf.h"
#include "core/text.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct api_pager {
    api *a;
    api_pager_req req; /* path_query owned */
    uint64_t call_id;
    uint64_t *seen;    /* hashes of the cursors followed */
    size_t nseen, capseen;
    int pages, empty_run;
    size_t items;
    long total;
    int retry_after_s; /* of the failed request */
    int depth;         /* > 0 while the pager's own code is on the stack: free later */
    bool cancel_asked, finished;
};

static uint64_t cursor_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

static void pager_free(api_pager *p)
{
    free((char *)p->req.path_query);
    free(p->seen);
    free(p);
}

/* Runs on_done once with the outcome; frees the pager unless its own code is still running. */
static void finish(api_pager *p, api_status st, long http_status, const char *why)
{
    if (p->finished)
        return;
    p->finished = true;
    char *line = NULL;
    if (st != API_OK && st != API_CANCELLED) {
        strbuf sb = STRBUF_INIT;
        char *clean = text_sanitize_str(why ? why : "the list could not be loaded");
        if (p->pages > 0)
            strbuf_printf(&sb, "%s (stopped after %zu items on %d page%s; the list is incomplete)", clean, p->items,
                          p->pages, p->pages == 1 ? "" : "s");
        else
            strbuf_puts(&sb, clean);
        free(clean);
        line = strbuf_detach(&sb);
    }
    api_pager_result res = {.status = st,
                            .http_status = http_status,
                            .pages = p->pages,
                            .items = p->items,
                            .total = p->total,
                            .retry_after_s = p->retry_after_s,
                            .error = st == API_OK ? NULL : st == API_CANCELLED ? "cancelled" : line};
    if (p->req.on_done)
        p->req.on_done(p->req.ud, &res);
    free(line);
    if (p->depth == 0)
        pager_free(p);
}

static void request(api_pager *p, const char *cursor);

/* Remembers a cursor of a page read; false when it was already known. */
static bool remember(api_pager *p, const char *cursor)
{
    uint64_t h = cursor_hash(cursor);
    for (size_t i = 0; i < p->nseen; i++)
        if (p->seen[i] == h)
            return false;
    if (p->nseen == p->capseen) {
        p->capseen = p->capseen ? p->capseen * 2 : 16;
        p->seen = xrealloc(p->seen, p->capseen * sizeof *p->seen);
    }
    p->seen[p->nseen++] = h;
    return true;
}

/* Why the page's next cursor must not be followed, or NULL. Records it as followed. */
static const char *refuse_cursor(api_pager *p, const char *cursor, size_t count, char *buf, size_t cap)
{
    if (!remember(p, cursor))
        return "the API sent a next_page cursor that leads back to a page already read";
    p->empty_run = count == 0 ? p->empty_run + 1 : 0;
    if (p->empty_run >= API_PAGER_EMPTY_MAX) {
        snprintf(buf, cap, "the API sent %d empty pages in a row that still point to a next page", p->empty_run);
        return buf;
    }
    if (p->pages >= p->req.max_pages) {
        snprintf(buf, cap, "the list has more than %d pages, the most one load follows", p->req.max_pages);
        return buf;
    }
    /* One page of slack over what `total` allows: the list may grow while it is read. */
    long allowed = p->total >= 0 ? (p->total + p->req.page_size - 1) / p->req.page_size + 1 : -1;
    if (allowed >= 0 && p->pages >= allowed) {
        snprintf(buf, cap, "the API sent more pages than its total of %ld items allows", p->total);
        return buf;
    }
    return NULL;
}

static void on_reply(void *ud, const api_reply *r)
{
    api_pager *p = ud;
    p->call_id = 0;
    if (r->status != API_OK) {
        p->retry_after_s = r->retry_after_s;
        finish(p, p->cancel_asked ? API_CANCELLED : r->status, r->http_status, r->message);
        return;
    }
    cJSON *root = r->body ? cJSON_ParseWithLength(r->body, r->body_len) : NULL;
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    if (!cJSON_IsArray(items)) {
        cJSON_Delete(root);
        finish(p, API_HTTP_ERROR, r->http_status,
               root ? "Could not read the server's answer: the page has no 'items' list"
                    : "Could not read the server's answer: malformed JSON");
        return;
    }
    api_page pg = {.items = items, .count = (size_t)cJSON_GetArraySize(items), .total = -1, .index = p->pages};
    const cJSON *tot = cJSON_GetObjectItemCaseSensitive(root, "total");
    if (cJSON_IsNumber(tot) && tot->valuedouble >= 0 && tot->valuedouble < 1e15)
        pg.total = p->total = (long)tot->valuedouble;
    /* The page's own cursor (Catena's current_page): a next_page back to it is a loop. */
    const cJSON *cur = cJSON_GetObjectItemCaseSensitive(root, "current_page");
    if (cJSON_IsString(cur) && cur->valuestring && *cur->valuestring)
        remember(p, cur->valuestring);
    const cJSON *next = cJSON_GetObjectItemCaseSensitive(root, "next_page");
    char *cursor = cJSON_IsString(next) && next->valuestring && *next->valuestring ? xstrdup(next->valuestring) : NULL;
    pg.more = cursor != NULL;
    char *err = NULL;
    int rc = 0;
    p->depth++;
    if (p->req.on_page)
        rc = p->req.on_page(p->req.ud, &pg, &err);
    p->depth--;
    cJSON_Delete(root);
    if (rc == 0) {
        p->pages++;
        p->items += pg.count;
    }
    char buf[160];
    const char *why = rc != 0 ? (err ? err : "the page could not be taken")
                      : cursor && !p->cancel_asked ? refuse_cursor(p, cursor, pg.count, buf, sizeof buf)
                                                   : NULL;
    if (p->cancel_asked)
        finish(p, API_CANCELLED, 0, NULL);
    else if (why)
        finish(p, API_HTTP_ERROR, r->http_status, why);
    else if (!cursor)
        finish(p, API_OK, r->http_status, NULL);
    else
        request(p, cursor);
    free(err);
    free(cursor);
}

static void request(api_pager *p, const char *cursor)
{
    strbuf q = STRBUF_INIT;
    strbuf_printf(&q, "%s%csize=%d", p->req.path_query, strchr(p->req.path_query, '?') ? '&' : '?',
                  p->req.page_size);
    if (cursor) {
        strbuf_puts(&q, "&cursor=");
        strbuf_put_urlencoded(&q, cursor);
    }
    /* The reply may come before api_call returns (no token): keep p alive until then. */
    p->depth++;
    uint64_t id = api_call(p->a, "GET", q.data, NULL, on_reply, p);
    p->depth--;
    strbuf_free(&q);
    if (p->finished) {
        if (p->depth == 0)
            pager_free(p);
        return;
    }
    p->call_id = id;
}

api_pager *api_pager_start(api *a, const api_pager_req *req)
{
    api_pager *p = xcalloc(1, sizeof *p);
    p->a = a;
    p->req = *req;
    p->req.path_query = xstrdup(req->path_query ? req->path_query : "");
    if (p->req.page_size <= 0 || p->req.page_size > API_PAGE_SIZE_MAX)
        p->req.page_size = API_PAGE_SIZE_MAX;
    if (p->req.max_pages <= 0)
        p->req.max_pages = API_PAGER_MAX_PAGES;
    p->total = -1;
    p->retry_after_s = -1;
    p->depth++;
    request(p, NULL);
    p->depth--;
    if (p->finished) {
        pager_free(p);
        return NULL;
    }
    return p;
}

void api_pager_cancel(api_pager *p)
{
    if (!p || p->finished)
        return;
    p->cancel_asked = true;
    if (p->call_id) /* else on_page is running: on_reply ends the load when it returns */
        api_cancel(p->a, p->call_id);
}

typedef struct run_state {
    api_pager_req req; /* the caller's */
    bool done;
} run_state;

static int on_run_page(void *ud, const api_page *pg, char **err)
{
    run_state *rs = ud;
    return rs->req.on_page ? rs->req.on_page(rs->req.ud, pg, err) : 0;
}

static void on_run_done(void *ud, const api_pager_result *res)
{
    run_state *rs = ud;
    if (rs->req.on_done)
        rs->req.on_done(rs->req.ud, res);
    rs->done = true;
}

/* Bounded: loop_run_once runs due timers before it polls (see cmd_pump). */
#define PAGER_PUMP_MS 25

void api_pager_run(api *a, const api_pager_req *req, const volatile int *stop)
{
    run_state rs = {*req, false};
    api_pager_req r = *req;
    r.on_page = on_run_page;
    r.on_done = on_run_done;
    r.ud = &rs;
    api_pager *p = api_pager_start(a, &r);
    bool cancelled = false;
    while (!rs.done) {
        if (stop && *stop && !cancelled) {
            cancelled = true;
            api_pager_cancel(p);
            continue;
        }
        loop_run_once(api_loop(a), PAGER_PUMP_MS);
    }
}
