#include "core/http.h"

#include "common/fds.h"
#include "common/strbuf.h"

#include <curl/curl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

typedef struct transfer {
    uint64_t id;
    CURL *easy;
    struct curl_slist *headers;
    strbuf body;
    char *req_body;
    int retry_after_s;
    bool too_large;     /* aborted at HTTP_BODY_MAX_BYTES */
    bool over_budget;   /* aborted at HTTP_BODIES_MAX_BYTES (with the answers in flight) */
    bool refused;       /* never sent: a header value would have split the header */
    uint64_t refuse_timer;
    struct http_client *client;
    http_done_cb cb;
    void *ud;
    int64_t started;
    long timeout_ms;
    struct transfer *next;
    char errbuf[CURL_ERROR_SIZE];
} transfer;

struct http_client {
    loop *l;
    CURLM *multi;
    uint64_t timer_id;
    uint64_t next_id;
    uint64_t started;
    uint64_t body_bytes; /* answer bodies received, in total */
    long long held, held_max; /* bytes the bodies being received hold now, and at most */
    int in_flight;
    long default_timeout_ms;
    transfer *list;
    http_observer obs;
    strbuf spare; /* a finished transfer's body buffer, for the next one (no new pages to fault in) */
};

static void check_done(http_client *c);

/* Inflated bytes: a small gzip body may expand without bound. */
static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    transfer *t = ud;
    http_client *c = t->client;
    size_t n = size * nmemb;
    if ((long long)(t->body.len + n) > HTTP_BODY_MAX_BYTES) {
        t->too_large = true;
        return 0; /* CURLE_WRITE_ERROR ends the transfer */
    }
    if (c->held + (long long)n > HTTP_BODIES_MAX_BYTES) {
        t->too_large = t->over_budget = true;
        return 0;
    }
    strbuf_reserve_capped(&t->body, n, (size_t)HTTP_BODY_MAX_BYTES + 1); /* never past what a body may hold */
    strbuf_append(&t->body, ptr, n);
    c->held += (long long)n;
    if (c->held > c->held_max)
        c->held_max = c->held;
    return n;
}

/* Received (still compressed) bytes: an endless body that never announced its size. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    transfer *t = ud;
    (void)dltotal;
    (void)ultotal;
    (void)ulnow;
    if (dlnow > HTTP_BODY_MAX_BYTES) {
        t->too_large = true;
        return 1; /* CURLE_ABORTED_BY_CALLBACK */
    }
    return 0;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
    transfer *t = ud;
    size_t n = size * nmemb;
    if (n > 12 && strncasecmp(ptr, "Retry-After:", 12) == 0) {
        char tmp[32];
        size_t k = n - 12 < sizeof tmp - 1 ? n - 12 : sizeof tmp - 1;
        memcpy(tmp, ptr + 12, k);
        tmp[k] = '\0';
        char *p = tmp, *end;
        while (*p == ' ' || *p == '\t')
            p++;
        long v = *p >= '0' && *p <= '9' ? strtol(p, &end, 10) : -1; /* delay-seconds only: 1*DIGIT */
        if (v >= 0 && end[strspn(end, " \t\r\n")] == '\0') /* "1e300", "5s" or a date: not seconds */
            t->retry_after_s = (int)(v < HTTP_RETRY_AFTER_MAX_S ? v : HTTP_RETRY_AFTER_MAX_S);
    }
    return n;
}

/* Every socket close-on-exec: $EDITOR and other children must not inherit API connections. */
static curl_socket_t open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
    (void)ud;
    (void)purpose;
    return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static void on_socket_ready(void *ud, int fd, short revents)
{
    http_client *c = ud;
    int flags = 0;
    if (revents & POLLIN)
        flags |= CURL_CSELECT_IN;
    if (revents & POLLOUT)
        flags |= CURL_CSELECT_OUT;
    if (revents & (POLLERR | POLLHUP | POLLNVAL))
        flags |= CURL_CSELECT_ERR;
    int running;
    curl_multi_socket_action(c->multi, fd, flags, &running);
    check_done(c);
}

static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    http_client *c = userp;
    (void)easy;
    (void)socketp;
    if (what == CURL_POLL_REMOVE) {
        loop_unwatch_fd(c->l, s);
    } else {
        short ev = 0;
        if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
            ev |= POLLIN;
        if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
            ev |= POLLOUT;
        loop_watch_fd(c->l, s, ev, on_socket_ready, c);
    }
    return 0;
}

static void on_timeout(void *ud)
{
    http_client *c = ud;
    c->timer_id = 0;
    int running;
    curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(c);
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    http_client *c = userp;
    (void)multi;
    if (c->timer_id) {
        loop_timer_cancel(c->l, c->timer_id);
        c->timer_id = 0;
    }
    if (timeout_ms >= 0)
        c->timer_id = loop_timer_add(c->l, LOOP_CLOCK_REAL, timeout_ms, on_timeout, c);
    return 0;
}

http_client *http_client_new(loop *l)
{
    static int global_init;
    if (!global_init) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        global_init = 1;
    }
    http_client *c = xcalloc(1, sizeof *c);
    c->l = l;
    c->next_id = 1;
    c->default_timeout_ms = 30000;
    c->multi = curl_multi_init();
    fds_cloexec_from(3); /* curl_multi_init's wakeup socket pair is opened without close-on-exec */
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
    curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 6L);
    return c;
}

static void transfer_free(http_client *c, transfer *t)
{
    if (t->refuse_timer)
        loop_timer_cancel(c->l, t->refuse_timer);
    if (!t->refused)
        curl_multi_remove_handle(c->multi, t->easy);
    curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->headers);
    if (t->body.cap > c->spare.cap && t->body.cap <= HTTP_SPARE_BODY_MAX_BYTES)
        strbuf_swap(&c->spare, &t->body);
    strbuf_free(&t->body);
    free(t->req_body);
    free(t);
}

static void unlink_transfer(http_client *c, transfer *t)
{
    for (transfer **pp = &c->list; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    c->in_flight--;
}

static http_error classify(CURLcode rc, transfer *t)
{
    if (t->too_large || rc == CURLE_FILESIZE_EXCEEDED)
        return HTTP_ERR_TOO_LARGE;
    switch (rc) {
    case CURLE_OK:
        return HTTP_OK;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return HTTP_ERR_CONNECT;
    case CURLE_OPERATION_TIMEDOUT: {
        curl_off_t up = 0;
        curl_easy_getinfo(t->easy, CURLINFO_SIZE_UPLOAD_T, &up);
        double pre = 0;
        curl_easy_getinfo(t->easy, CURLINFO_PRETRANSFER_TIME, &pre);
        return pre > 0 ? HTTP_ERR_SENT_TIMEOUT : HTTP_ERR_TIMEOUT;
    }
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
        return HTTP_ERR_TLS;
    default:
        return HTTP_ERR_NETWORK;
    }
}

static void finish(http_client *c, transfer *t, CURLcode rc, bool cancelled)
{
    http_response r;
    memset(&r, 0, sizeof r);
    r.error = cancelled ? HTTP_ERR_CANCELLED : t->refused ? HTTP_ERR_NETWORK : classify(rc, t);
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &r.status);
    r.body = t->body.data ? t->body.data : (char *)"";
    r.body_len = t->body.len;
    r.body_buf = &t->body;
    c->body_bytes += t->body.len;
    c->held -= (long long)t->body.len; /* handed over (or dropped) now, whatever the callback does */
    r.retry_after_s = t->retry_after_s;
    r.elapsed_ms = loop_real_now_ms() - t->started;
    if (cancelled)
        snprintf(r.error_text, sizeof r.error_text, "cancelled");
    else if (t->refused)
        snprintf(r.error_text, sizeof r.error_text, "refused to send a header value with a line break or control "
                                                    "character");
    else if (r.error == HTTP_ERR_TOO_LARGE && t->over_budget)
        snprintf(r.error_text, sizeof r.error_text,
                 "the API sent oversized answers (more than %lld MB at once with the other answers coming in)",
                 HTTP_BODIES_MAX_BYTES / 1000000);
    else if (r.error == HTTP_ERR_TOO_LARGE)
        snprintf(r.error_text, sizeof r.error_text, "the API sent an oversized answer (more than %lld MB)",
                 HTTP_BODY_MAX_BYTES / 1000000);
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        snprintf(r.error_text, sizeof r.error_text, "no answer within %.1f s", (double)t->timeout_ms / 1000.0);
    else if (rc != CURLE_OK)
        snprintf(r.error_text, sizeof r.error_text, "%.159s", t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
    if (c->obs.response)
        c->obs.response(c->obs.ud, t->id, &r);
    unlink_transfer(c, t);
    http_done_cb cb = t->cb;
    void *ud = t->ud;
    cb(ud, &r);
    transfer_free(c, t);
}

static void check_done(http_client *c)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(c->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        transfer *t = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        if (t)
            finish(c, t, m->data.result, false);
    }
}

/* A header value must stay one header: printable ASCII and spaces only (no CR, LF, NUL, DEL). */
static bool header_value_ok(const char *v)
{
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 || *p > 0x7E)
            return false;
    return true;
}

static void on_refused(void *ud)
{
    transfer *t = ud;
    t->refuse_timer = 0;
    finish(t->client, t, CURLE_OK, false);
}

uint64_t http_start(http_client *c, const http_request *req, http_done_cb cb, void *ud)
{
    transfer *t = xcalloc(1, sizeof *t);
    strbuf_swap(&t->body, &c->spare);
    strbuf_reset(&t->body);
    t->id = c->next_id++;
    t->cb = cb;
    t->ud = ud;
    t->retry_after_s = -1;
    t->started = loop_real_now_ms();
    t->easy = curl_easy_init();
    CURL *e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, req->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    t->timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : c->default_timeout_ms;
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, t->timeout_ms);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    /* A Content-Length over the cap fails at once; the callbacks catch bodies that do not say. */
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)HTTP_BODY_MAX_BYTES);
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, HTTP_RECV_BUFFER_BYTES);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, t);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "catena-dispatch/0.1");
    /* TLS verification stays on, always; only http:// and https:// are allowed. */
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    t->headers = curl_slist_append(t->headers, "Accept: application/json");
    if (req->content_type) {
        char h[128];
        snprintf(h, sizeof h, "Content-Type: %s", req->content_type);
        t->headers = curl_slist_append(t->headers, h);
    }
    if (req->bearer) {
        strbuf h = STRBUF_INIT;
        strbuf_printf(&h, "Authorization: Bearer %s", req->bearer);
        t->headers = curl_slist_append(t->headers, h.data);
        strbuf_free(&h);
    }
    t->headers = curl_slist_append(t->headers, "Expect:");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    const char *method = req->method ? req->method : "GET";
    if (req->body) {
        t->req_body = xstrndup(req->body, req->body_len);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->req_body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    else if (strcmp(method, "POST") == 0 && !req->body)
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
    t->next = c->list;
    c->list = t;
    c->in_flight++;
    c->started++;
    t->client = c;
    if (c->obs.request)
        c->obs.request(c->obs.ud, t->id, req);
    if ((req->bearer && !header_value_ok(req->bearer)) || (req->content_type && !header_value_ok(req->content_type))) {
        /* Defence in depth (auth refuses such tokens first): fail from the loop, never inside http_start. */
        t->refused = true;
        t->refuse_timer = loop_timer_add(c->l, LOOP_CLOCK_REAL, 0, on_refused, t);
        return t->id;
    }
    curl_multi_add_handle(c->multi, e);
    return t->id;
}

void http_cancel(http_client *c, uint64_t id)
{
    for (transfer *t = c->list; t; t = t->next) {
        if (t->id == id) {
            finish(c, t, CURLE_OK, true);
            return;
        }
    }
}

int http_in_flight(const http_client *c)
{
    return c->in_flight;
}

uint64_t http_requests_started(const http_client *c)
{
    return c->started;
}

uint64_t http_body_bytes_received(const http_client *c)
{
    return c->body_bytes;
}

long long http_body_bytes_held_max(const http_client *c)
{
    return c->held_max;
}

void http_set_observer(http_client *c, const http_observer *o)
{
    if (o)
        c->obs = *o;
    else
        memset(&c->obs, 0, sizeof c->obs);
}

void http_set_default_timeout(http_client *c, long ms)
{
    c->default_timeout_ms = ms;
}

void http_client_free(http_client *c)
{
    if (!c)
        return;
    while (c->list)
        finish(c, c->list, CURLE_OK, true);
    if (c->timer_id)
        loop_timer_cancel(c->l, c->timer_id);
    curl_multi_cleanup(c->multi);
    strbuf_free(&c->spare);
    free(c);
}
