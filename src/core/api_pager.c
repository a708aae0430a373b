/* api_pager: cursor pagination for every list of the API (see api_pager.h). */
#include "core/api_pager.h"

#include "common/strbuf.h"
#include "core/api_decode.h"
#include "core/api_envelope.h"
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
    int received;      /* pages whose envelope was read (handed to on_page or waiting to be) */
    size_t items;
    long total;
    int retry_after_s; /* of the failed request */
    int depth;         /* > 0 while the pager's own code is on the stack: free later */
    bool cancel_asked, finished;
    /* Pipelining: a page is kept here while the next one is already being fetched, and decoded
     * from a 0 ms timer, after the loop has put that request on the wire. */
    strbuf body;           /* the page waiting (reused from page to page) */
    bool pending;          /* body holds a page not yet handed to on_page */
    bool pending_last;     /* ... that ends the load when taken */
    bool pending_more;     /* ... whose envelope pointed to a next page (followed or not) */
    long pending_http;     /* its HTTP status */
    char *pending_why;     /* why the load ends after it (a refused cursor), or NULL */
    uint64_t decode_timer; /* the timer that decodes it, 0 when none */
    bool dropping;         /* cancelling our own request after a failed page: ignore its reply */
    decode_arena *arena;   /* parse memory, kept across pages */
    char *budget_cursor;   /* the next_page the budget stopped at (max_is_budget), or NULL */
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
    if (p->decode_timer)
        loop_timer_cancel(api_loop(p->a), p->decode_timer);
    free((char *)p->req.path_query);
    free(p->seen);
    strbuf_free(&p->body);
    free(p->pending_why);
    decode_arena_free(p->arena);
    free(p->budget_cursor);
    free(p);
}

/* Runs on_done once with the outcome; frees the pager unless its own code is still running. */
static void finish(api_pager *p, api_status st, long http_status, const char *why)
{
    if (p->finished)
        return;
    p->finished = true;
    if (p->decode_timer) {
        loop_timer_cancel(api_loop(p->a), p->decode_timer);
        p->decode_timer = 0;
    }
    p->pending = false;
    if (p->call_id) { /* a request sent ahead of a page that ended the load */
        uint64_t id = p->call_id;
        p->call_id = 0;
        p->dropping = true;
        p->depth++;
        api_cancel(p->a, id);
        p->depth--;
    }
    char *line = NULL;
    if (st != API_OK && st != API_CANCELLED) {
        strbuf sb = STRBUF_INIT;
        char *clean = text_sanitize_str(why ? why : "the list could not be loaded");
        if (p->pages > 0)
            strbuf_printf(&sb, "%s (stopped after %zu item%s on %d page%s; the list is incomplete)", clean, p->items,
                          p->items == 1 ? "" : "s", p->pages, p->pages == 1 ? "" : "s");
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
                            .error = st == API_OK ? NULL : st == API_CANCELLED ? "cancelled" : line,
                            .next_cursor = st == API_OK ? p->budget_cursor : NULL};
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
    if (!p->req.max_is_budget && p->received >= p->req.max_pages) {
        snprintf(buf, cap, "the list has more than %d pages, the most one load follows", p->req.max_pages);
        return buf;
    }
    /* One page of slack over what `total` allows: the list may grow while it is read. */
    long allowed = p->total >= 0 ? (p->total + p->req.page_size - 1) / p->req.page_size + 1 : -1;
    if (allowed >= 0 && p->received >= allowed) {
        snprintf(buf, cap, "the API sent more pages than its total of %ld items allows", p->total);
        return buf;
    }
    return NULL;
}

/* The envelope from the parsed page, when the scan could not read it (a cursor with escapes):
 * the strings point into the arena's tree, valid until its next parse. false when the page is
 * not JSON (e.has_items set) or has no items list. */
static bool envelope_from_tree(api_pager *p, api_envelope *e)
{
    if (!p->arena)
        p->arena = decode_arena_new();
    memset(e, 0, sizeof *e);
    e->total = -1;
    const cJSON *root = decode_parse(p->arena, p->body.data, p->body.len);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    e->has_items = !root;
    if (!cJSON_IsArray(items))
        return false;
    e->has_items = true;
    e->items_empty = cJSON_GetArraySize(items) == 0;
    const cJSON *tot = cJSON_GetObjectItemCaseSensitive(root, "total");
    if (cJSON_IsNumber(tot) && tot->valuedouble >= 0 && tot->valuedouble < 1e15)
        e->total = (long)tot->valuedouble;
    const cJSON *cur = cJSON_GetObjectItemCaseSensitive(root, "current_page");
    const cJSON *next = cJSON_GetObjectItemCaseSensitive(root, "next_page");
    if (cJSON_IsString(cur) && cur->valuestring) {
        e->cur = cur->valuestring;
        e->cur_len = strlen(cur->valuestring);
    }
    if (cJSON_IsString(next) && next->valuestring) {
        e->next = next->valuestring;
        e->next_len = strlen(next->valuestring);
    }
    return true;
}

/* ------------------------------------------------------------------ pages */

/* Hands the page in p->body to on_page. Returns on_page's refusal (heap) or NULL; *bad is set
 * when the page could not be read at all. */
static char *take_page(api_pager *p, const char **bad)
{
    if (!p->arena)
        p->arena = decode_arena_new();
    cJSON *root = decode_parse(p->arena, p->body.data, p->body.len);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    if (!cJSON_IsArray(items)) {
        *bad = root ? "Could not read the server's answer: the page has no 'items' list"
                    : "Could not read the server's answer: malformed JSON";
        decode_arena_reset(p->arena);
        return NULL;
    }
    api_page pg = {.items = items, .count = (size_t)cJSON_GetArraySize(items), .total = p->total, .index = p->pages};
    const cJSON *tot = cJSON_GetObjectItemCaseSensitive(root, "total");
    pg.total = cJSON_IsNumber(tot) && tot->valuedouble >= 0 && tot->valuedouble < 1e15 ? (long)tot->valuedouble : -1;
    pg.more = p->pending_more;
    char *err = NULL;
    int rc = 0;
    p->depth++;
    if (p->req.on_page)
        rc = p->req.on_page(p->req.ud, &pg, &err);
    p->depth--;
    decode_arena_reset(p->arena); /* the tree goes at once: no cJSON_Delete */
    if (rc == 0) {
        p->pages++;
        p->items += pg.count;
        free(err);
        return NULL;
    }
    return err ? err : xstrdup("the page could not be taken");
}

/* Decodes the waiting page, then ends the load if that page says so. */
static void flush_pending(api_pager *p)
{
    if (!p->pending)
        return;
    p->pending = false;
    if (p->decode_timer) {
        loop_timer_cancel(api_loop(p->a), p->decode_timer);
        p->decode_timer = 0;
    }
    if (p->cancel_asked) {
        finish(p, API_CANCELLED, 0, NULL);
        return;
    }
    const char *bad = NULL;
    p->depth++;
    char *err = take_page(p, &bad);
    p->depth--;
    char *why = p->pending_why;
    p->pending_why = NULL;
    if (p->cancel_asked)
        finish(p, API_CANCELLED, 0, NULL);
    else if (bad || err || why)
        finish(p, API_HTTP_ERROR, p->pending_http, bad ? bad : err ? err : why);
    else if (p->pending_last)
        finish(p, API_OK, p->pending_http, NULL);
    free(err);
    free(why);
}

static void on_decode_timer(void *ud)
{
    api_pager *p = ud;
    p->decode_timer = 0;
    p->depth++;
    flush_pending(p);
    p->depth--;
    if (p->finished && p->depth == 0)
        pager_free(p);
}

static void on_reply(void *ud, const api_reply *r)
{
    api_pager *p = ud;
    if (p->dropping) { /* our own cancel of a request sent ahead: the load has already ended */
        p->dropping = false;
        return;
    }
    p->call_id = 0;
    p->depth++;
    flush_pending(p); /* pages are taken in order */
    p->depth--;
    if (p->finished) {
        if (p->depth == 0)
            pager_free(p);
        return;
    }
    if (r->status != API_OK) {
        p->retry_after_s = r->retry_after_s;
        finish(p, p->cancel_asked ? API_CANCELLED : r->status, r->http_status, r->message);
        return;
    }
    if (r->body_buf && r->body_buf->data == r->body && r->body_buf->len == r->body_len) {
        strbuf_swap(&p->body, r->body_buf); /* the page without a copy; the HTTP client reuses ours */
    } else {
        strbuf_reset(&p->body);
        strbuf_append(&p->body, r->body ? r->body : "", r->body ? r->body_len : 0);
    }
    api_envelope e;
    if (!api_envelope_scan(p->body.data, p->body.len, &e) && !envelope_from_tree(p, &e)) {
        finish(p, API_HTTP_ERROR, r->http_status, e.has_items ? "Could not read the server's answer: malformed JSON"
                                                  : "Could not read the server's answer: the page has no 'items' list");
        return;
    }
    p->received++;
    if (e.total >= 0)
        p->total = e.total;
    /* The page's own cursor (Catena's current_page): a next_page back to it is a loop. */
    char *cur = e.cur && e.cur_len ? xstrndup(e.cur, e.cur_len) : NULL;
    if (cur)
        remember(p, cur);
    free(cur);
    char *cursor = e.next && e.next_len ? xstrndup(e.next, e.next_len) : NULL;
    p->pending_more = cursor != NULL;
    if (cursor && p->req.max_is_budget && p->received >= p->req.max_pages) { /* the budget is spent: stop here */
        free(p->budget_cursor);
        p->budget_cursor = cursor; /* where a later load may go on (api_pager_result.next_cursor) */
        cursor = NULL;
    }
    char buf[160];
    const char *why = cursor && !p->cancel_asked ? refuse_cursor(p, cursor, e.items_empty ? 0 : 1, buf, sizeof buf)
                                                 : NULL;
    p->pending = true;
    p->pending_last = !cursor || why;
    p->pending_http = r->http_status;
    p->pending_why = why ? xstrdup(why) : NULL;
    /* The next request goes out before this page is decoded; the decode waits for one loop turn,
     * in which curl's 0 ms timer sends that request. */
    if (cursor && !why && !p->cancel_asked) {
        p->depth++; /* its reply may come at once (no token), and end the load */
        request(p, cursor);
        p->depth--;
    }
    free(cursor);
    if (p->finished) {
        if (p->depth == 0)
            pager_free(p);
        return;
    }
    if (p->pending && !p->decode_timer)
        p->decode_timer = loop_timer_add(api_loop(p->a), LOOP_CLOCK_REAL, 0, on_decode_timer, p);
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
    p->req.start_cursor = NULL; /* the caller's: not kept */
    p->depth++;
    request(p, req->start_cursor && req->start_cursor[0] ? req->start_cursor : NULL);
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
    if (p->call_id) /* its reply (cancelled) ends the load */
        api_cancel(p->a, p->call_id);
    else if (p->pending && !p->depth) /* a page waits for its decode: drop it now */
        flush_pending(p);
    /* else on_page is running: the load ends when it returns */
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
