#include "server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "emu_json.h"
#include "faults_hostile.h"

struct emu_server {
    struct MHD_Daemon *daemon;
    emu_app *app;
};

typedef struct req_ctx {
    char *raw_uri;
    strbuf body;
    bool started;
    bool too_large;
} req_ctx;

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
    (void)cls;
    (void)con;
    req_ctx *ctx = xcalloc(1, sizeof *ctx);
    ctx->raw_uri = xstrdup(uri ? uri : "/");
    return ctx;
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)con;
    (void)toe;
    req_ctx *ctx = *con_cls;
    if (!ctx)
        return;
    free(ctx->raw_uri);
    strbuf_free(&ctx->body);
    free(ctx);
    *con_cls = NULL;
}

static bool client_is_loopback(struct MHD_Connection *con)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return false;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
            return true;
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
            return in6->sin6_addr.s6_addr[12] == 127;
    }
    return false;
}

typedef struct truncated_body {
    char *data;
    size_t len;
} truncated_body;

static ssize_t truncated_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    truncated_body *t = cls;
    if (pos >= t->len)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = t->len - (size_t)pos;
    if (n > max)
        n = max;
    memcpy(buf, t->data + pos, n);
    return (ssize_t)n;
}

static void truncated_free(void *cls)
{
    truncated_body *t = cls;
    free(t->data);
    free(t);
}

static ssize_t endless_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)cls;
    long n = hostile_endless_read(pos, buf, max);
    return n < 0 ? MHD_CONTENT_READER_END_WITH_ERROR : (ssize_t)n; /* closes without finishing the body */
}

static enum MHD_Result send_response(struct MHD_Connection *con, emu_response *r)
{
    if (r->kind == RESP_RESET)
        return MHD_NO; /* MHD drops the connection without a response */
    struct MHD_Response *mr;
    if (r->kind == RESP_TRUNCATED) {
        truncated_body *t = xcalloc(1, sizeof *t);
        size_t full = r->body.len;
        t->len = full / 2;
        t->data = strbuf_detach(&r->body);
        mr = MHD_create_response_from_callback(full, 4096, truncated_reader, t, truncated_free);
    } else if (r->kind == RESP_ENDLESS) {
        mr = MHD_create_response_from_callback(r->chunked ? MHD_SIZE_UNKNOWN : EMU_ENDLESS_ANNOUNCED, 65536,
                                               endless_reader, NULL, NULL);
    } else {
        size_t len = r->body.len;
        char *data = strbuf_detach(&r->body);
        mr = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    }
    if (!mr)
        return MHD_NO;
    if (r->content_type)
        MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    for (int i = 0; i < r->n_headers; i++)
        MHD_add_response_header(mr, r->header_name[i], r->header_value[i]);
    enum MHD_Result ret = MHD_queue_response(con, (unsigned)r->status, mr);
    MHD_destroy_response(mr);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    emu_server *s = cls;
    req_ctx *ctx = *con_cls;
    if (!ctx) {
        ctx = on_uri(NULL, url, con);
        *con_cls = ctx;
    }
    if (!ctx->started) {
        ctx->started = true;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!ctx->too_large) {
            if (ctx->body.len + *upload_data_size > s->app->opts.max_body) {
                ctx->too_large = true;
                strbuf_free(&ctx->body);
            } else {
                strbuf_append(&ctx->body, upload_data, *upload_data_size);
            }
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    emu_response resp;
    response_init(&resp);
    if (ctx->too_large) {
        char detail[96];
        snprintf(detail, sizeof detail, "Request body exceeds the limit of %zu bytes", s->app->opts.max_body);
        reply_error(&resp, 413, detail);
    } else {
        emu_request req = {0};
        req.method = method;
        req.path = url;
        const char *q = strchr(ctx->raw_uri, '?');
        req.raw_query = q ? q + 1 : "";
        req.body = ctx->body.data;
        req.body_len = ctx->body.len;
        req.authorization = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
        req.content_type = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
        req.loopback = client_is_loopback(con);
        query_parse(&req.query, req.raw_query, strlen(req.raw_query));
        app_handle(s->app, &req, &resp);
        if (s->app->opts.verbose)
            fprintf(stderr, "catena-emulator: %s %s%s%s -> %d\n", method, url, q ? "?" : "", req.raw_query,
                    resp.status);
        query_free(&req.query);
    }
    enum MHD_Result ret = send_response(con, &resp);
    response_free(&resp);
    return ret;
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
    emu_server *s = cls;
    if (s->app->opts.verbose)
        vfprintf(stderr, fmt, ap);
}

/* Descriptors kept free of connections: files, the webhook sender, MHD's own (epoll, the listener). */
#define FD_RESERVE 128
#define MAX_CONNECTIONS 100000

/* As many connections as the process may open descriptors for (libmicrohttpd's default is ~1,020). */
static unsigned connection_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1000;
    rlim_t n = rl.rlim_cur == RLIM_INFINITY ? MAX_CONNECTIONS + FD_RESERVE : rl.rlim_cur;
    if (n <= 2 * FD_RESERVE)
        return (unsigned)(n / 2);
    n -= FD_RESERVE;
    return n > MAX_CONNECTIONS ? MAX_CONNECTIONS : (unsigned)n;
}

void server_raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == rl.rlim_max)
        return;
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0 && rl.rlim_max == RLIM_INFINITY) {
        rl.rlim_cur = MAX_CONNECTIONS + FD_RESERVE; /* Linux refuses an infinite soft limit */
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

emu_server *server_start(emu_app *app, char *url, size_t url_cap)
{
    const emu_options *o = &app->opts;
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
    hints.ai_socktype = SOCK_STREAM;
    char port_s[16];
    snprintf(port_s, sizeof port_s, "%d", o->port);
    const char *host = strcmp(o->host, "localhost") == 0 ? "127.0.0.1" : o->host;
    int gai = getaddrinfo(host, port_s, &hints, &ai);
    if (gai != 0 || !ai) {
        fprintf(stderr, "catena-emulator: cannot resolve --host %s: %s\n", o->host, gai_strerror(gai));
        return NULL;
    }
    emu_server *s = xcalloc(1, sizeof *s);
    s->app = app;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    s->daemon = MHD_start_daemon(flags, (uint16_t)o->port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
                                 ai->ai_addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads,
                                 MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_URI_LOG_CALLBACK,
                                 on_uri, NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->idle_timeout,
                                 MHD_OPTION_CONNECTION_LIMIT, connection_limit(),
                                 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
                                 MHD_OPTION_EXTERNAL_LOGGER, log_mhd, s, MHD_OPTION_END);
    int family = ai->ai_family;
    freeaddrinfo(ai);
    if (!s->daemon) {
        fprintf(stderr, "catena-emulator: cannot listen on %s:%d\n", o->host, o->port);
        free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    int port = di ? di->port : o->port;
    if (family == AF_INET6)
        snprintf(url, url_cap, "http://[%s]:%d", host, port);
    else
        snprintf(url, url_cap, "http://%s:%d", host, port);
    return s;
}

void server_stop(emu_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->daemon);
    free(s);
}
