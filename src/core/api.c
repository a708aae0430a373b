#include "core/api.h"

#include "common/clamp.h"
#include "common/strbuf.h"
#include "core/api_decode.h"
#include "core/api_pager.h"
#include "core/api_resources.h"
#include "core/text.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct call {
    api *a;
    uint64_t id;
    char *method, *url, *body;
    api_cb cb;
    void *ud;
    int attempt;        /* 0 first, 1 after a 401/403 retry */
    uint64_t http_id;
    int waiting_token;
    int cancelled;      /* cancelled while waiting for a token: on_token drops it */
    struct call *next;
} call;

struct api {
    loop *l;
    http_client *h;
    auth *au;
    char *base;
    call *calls;
    uint64_t next_id;
    int in_flight;
    int64_t offline_since_ms; /* app clock of the first network failure since the last answer, or 0 */
};

api *api_new(loop *l, http_client *h, auth *au, const char *api_url)
{
    api *a = xcalloc(1, sizeof *a);
    a->l = l;
    a->h = h;
    a->au = au;
    a->base = xstrdup(api_url ? api_url : "");
    a->next_id = 1;
    return a;
}

static void call_free(call *c)
{
    free(c->method);
    free(c->url);
    free(c->body);
    free(c);
}

static void unlink_call(api *a, call *c)
{
    for (call **pp = &a->calls; *pp; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            a->in_flight--;
            return;
        }
    }
}

static void complete(call *c, api_reply *r)
{
    api *a = c->a;
    if (!r->message[0])
        api_explain(r);
    unlink_call(a, c);
    if (r->status == API_NETWORK) {
        if (!a->offline_since_ms)
            a->offline_since_ms = loop_now_ms(a->l) > 0 ? loop_now_ms(a->l) : 1;
    } else if (r->status != API_CANCELLED && r->status != API_UNKNOWN_OUTCOME) {
        a->offline_since_ms = 0; /* any answer, even an error, says the API is reachable */
    }
    if (c->cb)
        c->cb(c->ud, r);
    call_free(c);
}

static void send_call(call *c, const char *token);

static void on_http(void *ud, const http_response *resp)
{
    call *c = ud;
    c->http_id = 0;
    api_reply r;
    memset(&r, 0, sizeof r);
    r.http_status = resp->status;
    r.body = resp->body;
    r.body_len = resp->body_len;
    r.body_buf = resp->body_buf;
    r.retry_after_s = resp->retry_after_s;
    switch (resp->error) {
    case HTTP_OK:
        break;
    case HTTP_ERR_CANCELLED:
        r.status = API_CANCELLED;
        complete(c, &r);
        return;
    case HTTP_ERR_SENT_TIMEOUT:
        r.status = strcmp(c->method, "GET") == 0 ? API_NETWORK : API_UNKNOWN_OUTCOME;
        snprintf(r.message, sizeof r.message, "%s", resp->error_text);
        api_explain(&r);
        complete(c, &r);
        return;
    case HTTP_ERR_TOO_LARGE:
        /* The API answered, wrongly: not the network's fault ("check the network" would mislead) and
         * not offline (that marks the whole console and reloads the list again and again). */
        r.status = strcmp(c->method, "GET") == 0 ? API_HTTP_ERROR : API_UNKNOWN_OUTCOME;
        snprintf(r.message, sizeof r.message, "%s", resp->error_text); /* callers name what did not load */
        if (r.status == API_UNKNOWN_OUTCOME)
            api_explain(&r);
        complete(c, &r);
        return;
    default:
        r.status = API_NETWORK;
        snprintf(r.message, sizeof r.message, "%s", resp->error_text);
        api_explain(&r);
        complete(c, &r);
        return;
    }
    if ((resp->status == 401 || resp->status == 403) && c->attempt == 0) {
        /* The token may have been revoked, expired early or re-scoped: one retry with a fresh one
         * (as Catena's SDK does). A 401 or 403 is a refusal, so a write was not taken. */
        c->attempt = 1;
        auth_invalidate(c->a->au);
        send_call(c, NULL);
        return;
    }
    r.status = (resp->status >= 200 && resp->status < 300) ? API_OK
               : resp->status == 401                        ? API_AUTH_ERROR
                                                            : API_HTTP_ERROR;
    complete(c, &r);
}

static void on_token(void *ud, const char *token, const char *error, auth_failure why)
{
    call *c = ud;
    c->waiting_token = 0;
    if (c->cancelled) {
        unlink_call(c->a, c);
        call_free(c);
        return;
    }
    if (!token) {
        api_reply r;
        memset(&r, 0, sizeof r);
        /* Only an auth server out of reach is the network's fault (and makes the console OFFLINE). */
        r.status = why == AUTH_FAIL_UNREACHABLE ? API_NETWORK : API_AUTH_ERROR;
        r.retry_after_s = -1;
        snprintf(r.message, sizeof r.message, "%s", error ? error : "sign-in failed");
        complete(c, &r);
        return;
    }
    http_request req = {.method = c->method,
                        .url = c->url,
                        .bearer = token,
                        .content_type = c->body ? "application/json" : NULL,
                        .body = c->body,
                        .body_len = c->body ? strlen(c->body) : 0};
    c->http_id = http_start(c->a->h, &req, on_http, c);
}

static void send_call(call *c, const char *token)
{
    (void)token;
    c->waiting_token = 1;
    auth_with_token(c->a->au, on_token, c);
}

uint64_t api_call(api *a, const char *method, const char *path_query, const char *json_body, api_cb cb, void *ud)
{
    call *c = xcalloc(1, sizeof *c);
    c->a = a;
    c->id = a->next_id++;
    c->method = xstrdup(method);
    strbuf u = STRBUF_INIT;
    strbuf_printf(&u, "%s%s", a->base, path_query);
    c->url = strbuf_detach(&u);
    c->body = json_body ? xstrdup(json_body) : NULL;
    c->cb = cb;
    c->ud = ud;
    c->next = a->calls;
    a->calls = c;
    a->in_flight++;
    send_call(c, NULL);
    return c->id;
}

void api_cancel(api *a, uint64_t id)
{
    for (call *c = a->calls; c; c = c->next) {
        if (c->id != id)
            continue;
        if (c->http_id) {
            http_cancel(a->h, c->http_id); /* completes through on_http */
        } else if (!c->cancelled) {
            /* Waiting for a token: the auth waiter will still call on_token later, so keep the
             * call (on_token drops it) but answer "cancelled" now. */
            c->cancelled = 1;
            api_cb cb = c->cb;
            c->cb = NULL;
            api_reply r = {.status = API_CANCELLED, .retry_after_s = -1};
            snprintf(r.message, sizeof r.message, "cancelled");
            if (cb)
                cb(c->ud, &r);
        }
        return;
    }
}

int api_in_flight(const api *a)
{
    return a->in_flight;
}

const char *api_base_url(const api *a)
{
    return a->base;
}

int64_t api_offline_since(const api *a)
{
    return a ? a->offline_since_ms : 0;
}

loop *api_loop(const api *a)
{
    return a->l;
}

void api_free(api *a)
{
    if (!a)
        return;
    while (a->calls) {
        call *c = a->calls;
        if (c->http_id) {
            http_cancel(a->h, c->http_id);
        } else {
            /* Waiting for a token: answer "cancelled" so pagers and their owners finish. */
            unlink_call(a, c);
            if (c->cb && !c->cancelled) {
                api_reply r = {.status = API_CANCELLED, .retry_after_s = -1};
                snprintf(r.message, sizeof r.message, "cancelled");
                c->cb(c->ud, &r);
            }
            call_free(c);
        }
    }
    free(a->base);
    free(a);
}

static int retry_after_from_body(const char *body, size_t len)
{
    cJSON *root = cJSON_ParseWithLength(body, len);
    int v = -1;
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(root, "detail");
    const cJSON *ra = cJSON_GetObjectItemCaseSensitive(d, "retry_after_seconds");
    if (cJSON_IsNumber(ra) && ra->valuedouble >= 0)
        v = (int)clamp_to_i64(ra->valuedouble, 0, HTTP_RETRY_AFTER_MAX_S); /* 1e300: clamped before the cast */
    cJSON_Delete(root);
    return v;
}

void api_explain(api_reply *r)
{
    if (r->status == API_OK || r->status == API_CANCELLED) {
        /* Nothing to explain, and no reason to parse a (possibly large) body a second time. */
        if (!r->message[0])
            snprintf(r->message, sizeof r->message, r->status == API_OK ? "ok" : "cancelled");
        return;
    }
    char detail[200] = "";
    if (r->body && r->body_len) {
        char *sum = decode_error_summary(r->body, r->body_len);
        if (sum) {
            snprintf(detail, sizeof detail, "%s", sum);
            free(sum);
        }
    }
    const char *sep = detail[0] ? ": " : "";
    char transport[160];
    snprintf(transport, sizeof transport, "%.159s", r->message);
    switch (r->status) {
    case API_OK:
    case API_CANCELLED:
        if (!r->message[0])
            snprintf(r->message, sizeof r->message, r->status == API_OK ? "ok" : "cancelled");
        return;
    case API_NETWORK:
        snprintf(r->message, sizeof r->message, "Network error (%s): check the network and the API URL.",
                 transport[0] ? transport : "no answer");
        return;
    case API_UNKNOWN_OUTCOME:
        snprintf(r->message, sizeof r->message,
                 "No answer after sending (%s): it may have gone through. Check the operations pane before "
                 "sending again.",
                 transport[0] ? transport : "timeout");
        return;
    case API_AUTH_ERROR:
        if (!transport[0])
            snprintf(r->message, sizeof r->message,
                     "Not authorized (401)%s%s. Check the client id and secret.", sep, detail);
        return;
    case API_HTTP_ERROR:
        break;
    }
    long s = r->http_status;
    if (s == 429 && r->retry_after_s < 0)
        r->retry_after_s = r->body ? retry_after_from_body(r->body, r->body_len) : -1;
    const char *what;
    if (s == 400)
        what = "Bad request (400)";
    else if (s == 403)
        what = "Forbidden (403): this connection does not allow it";
    else if (s == 404)
        what = "Not found (404): it may have been deleted; refresh the list";
    else if (s == 409)
        what = "Conflict (409): it changed meanwhile; refresh and try again";
    else if (s == 422)
        what = "Rejected as invalid (422)";
    else if (s == 429)
        what = "Rate limited by Catena (429)";
    else if (s == 501)
        what = "Not supported by this TSP (501)";
    else if (s >= 500)
        what = "Catena server error";
    else
        what = "Unexpected answer";
    if (s == 429 && r->retry_after_s >= 0)
        snprintf(r->message, sizeof r->message, "%s%s%s; retry in %d s.", what, sep, detail, r->retry_after_s);
    else if (s >= 500 && s != 501)
        snprintf(r->message, sizeof r->message, "%s (%ld)%s%s; try again later.", what, s, sep, detail);
    else if (s == 400 || s == 422 || s == 403 || s == 501)
        snprintf(r->message, sizeof r->message, "%s%s%s", what, sep, detail);
    else if (s >= 300 && s != 404 && s != 409)
        snprintf(r->message, sizeof r->message, "%s (HTTP %ld)%s%s", what, s, sep, detail);
    else
        snprintf(r->message, sizeof r->message, "%s%s%s", what, sep, detail);
}

/* ------------------------------------------------------------------ resources */

/* Collections that are no record kind of the resource table (api_resources.c has those). */
static const struct {
    const char *resource, *path;
} collections[] = {
    {"message", "/v2/telematics/messages"},
    {"group_message", "/v2/telematics/group-messages"},
    {"dvir_log", "/v2/telematics/dvir-logs"},
    {"fuel_transaction", "/v2/telematics/fuel-transactions"},
    {"tsp", "/v2/integrations/tsps"},
    {"resource_operation", "/v2/integrations/connections/resource-operations"},
    {"data_freshness", "/v2/integrations/connections/data-freshness"},
};

const char *api_collection_path(const char *resource)
{
    const api_resource *r = api_resource_by_name(resource);
    if (r)
        return r->path;
    for (size_t i = 0; resource && i < sizeof collections / sizeof collections[0]; i++)
        if (!strcmp(collections[i].resource, resource))
            return collections[i].path;
    return NULL;
}

char *api_record_path(const char *resource, const char *record_id)
{
    const char *base = api_collection_path(resource);
    if (!base)
        return NULL;
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, base);
    if (record_id && *record_id) {
        strbuf_putc(&sb, '/');
        strbuf_put_urlencoded(&sb, record_id);
    }
    return strbuf_detach(&sb);
}

char *api_list_path(const char *resource, const char *connection_id, const char *extra)
{
    const char *base = api_collection_path(resource);
    if (!base)
        return NULL;
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, base);
    char sep = '?';
    if (connection_id && *connection_id) {
        strbuf_puts(&sb, "?connection_id=");
        strbuf_put_urlencoded(&sb, connection_id);
        sep = '&';
    }
    if (extra && *extra)
        strbuf_printf(&sb, "%c%s", sep, extra);
    return strbuf_detach(&sb);
}

static void on_no_path(const char *resource, api_cb cb, void *ud)
{
    api_reply r = {.status = API_NETWORK, .retry_after_s = -1};
    char *clean = text_sanitize_str(resource ? resource : "(none)");
    snprintf(r.message, sizeof r.message, "Unknown resource '%.60s': nothing was sent.", clean);
    free(clean);
    if (cb)
        cb(ud, &r);
}

uint64_t api_get_record(api *a, const char *resource, const char *record_id, api_cb cb, void *ud)
{
    char *path = api_record_path(resource, record_id);
    if (!path) {
        on_no_path(resource, cb, ud);
        return 0;
    }
    uint64_t id = api_call(a, "GET", path, NULL, cb, ud);
    free(path);
    return id;
}

uint64_t api_get_operation(api *a, const char *connection_id, const char *op_id, api_cb cb, void *ud)
{
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "/v2/integrations/connections/");
    strbuf_put_urlencoded(&sb, connection_id);
    strbuf_puts(&sb, "/resource-operations/");
    strbuf_put_urlencoded(&sb, op_id);
    uint64_t id = api_call(a, "GET", sb.data, NULL, cb, ud);
    strbuf_free(&sb);
    return id;
}

int api_decode_record(table *t, const char *json, size_t len, char **err)
{
    cJSON *root = json ? cJSON_ParseWithLength(json, len) : NULL;
    if (!root) {
        *err = xstrdup("the server sent malformed JSON");
        return -1;
    }
    int rc = decode_item(t, root, err);
    cJSON_Delete(root);
    return rc;
}

/* ------------------------------------------------------------------ tables */

typedef struct loader {
    table *t;
    api_list_cb on_progress, on_done;
    void *ud;
    api_status *status; /* where api_load_table_run wants the outcome */
} loader;

static int on_table_page(void *ud, const api_page *pg, char **err)
{
    loader *ld = ud;
    table *t = ld->t;
    size_t before = t->count, pool_before = t->pool.len;
    int idx = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, pg->items)
    {
        char *e = NULL;
        if (decode_item(t, it, &e) != 0) {
            strbuf sb = STRBUF_INIT;
            strbuf_printf(&sb, "Could not read the server's answer: item %d: %s", idx, e);
            free(e);
            t->count = before; /* the page is all-or-nothing */
            t->pool.len = pool_before;
            *err = strbuf_detach(&sb);
            return -1;
        }
        idx++;
    }
    if (pg->total >= 0)
        t->total = pg->total;
    if (ld->on_progress)
        ld->on_progress(ld->ud, t);
    return 0;
}

static void on_table_done(void *ud, const api_pager_result *res)
{
    loader *ld = ud;
    table *t = ld->t;
    if (res->status == API_OK) {
        t->state = LOAD_DONE;
        t->generation++;
    } else {
        t->state = LOAD_FAILED;
        table_set_error(t, res->error);
    }
    if (ld->status)
        *ld->status = res->status;
    api_list_cb done = ld->on_done;
    void *dud = ld->ud;
    free(ld);
    if (done)
        done(dud, t);
}

/* Clears t for a load and the pager request that fills it. */
static api_pager_req table_req(table *t, const char *path_query, int page_size, loader ld)
{
    table_clear(t);
    t->state = LOAD_RUNNING;
    loader *copy = xcalloc(1, sizeof *copy);
    *copy = ld;
    return (api_pager_req){.path_query = path_query,
                           .page_size = page_size,
                           .on_page = on_table_page,
                           .on_done = on_table_done,
                           .ud = copy};
}

api_pager *api_load_table(api *a, table *t, const char *path_query, int page_size, api_list_cb on_progress,
                          api_list_cb on_done, void *ud)
{
    api_pager_req req = table_req(t, path_query, page_size, (loader){t, on_progress, on_done, ud, NULL});
    return api_pager_start(a, &req);
}

api_status api_load_table_run(api *a, table *t, const char *path_query, int page_size, const volatile int *stop)
{
    api_status st = API_CANCELLED;
    api_pager_req req = table_req(t, path_query, page_size, (loader){t, NULL, NULL, NULL, &st});
    api_pager_run(a, &req, stop);
    return st;
}
