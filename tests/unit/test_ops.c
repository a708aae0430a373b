/* Unit tests of the operation tracker (src/core/ops*.c): parsing of ResourceOperation(Read)
 * bodies, and the tracker's polling, backoff, callbacks and journal against a small in-process
 * fake of the token and resource-operation endpoints (deterministic, no emulator needed). */
#include "common/strbuf.h"
#include "core/ops.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define OID "019ddd87-eedd-710f-967c-1c6cc72ac985"
#define CID "7c2f6fec-0000-4000-8000-000000000001"
#define CID_B "7c2f6fec-0000-4000-8000-000000000002"
#define R "\xef\xbf\xbd" /* U+FFFD */

/* ================================================================== parsing */

#define BASE "\"id\":\"" OID "\",\"connection_id\":\"" CID "\",\"resource\":\"message\",\"operation_type\":\"create\""

typedef struct {
    const char *name;
    const char *json;
    const char *err_has; /* NULL: must parse */
    op_status status;
} parse_case;

static const parse_case parse_cases[] = {
    {"minimal write response (202)",
     "{" BASE ",\"partner_id\":\"" CID "\",\"payload\":{},\"status\":\"pending\",\"resource_id\":null,\"source_id\":null,"
     "\"logs\":[],\"deleted_at\":null}",
     NULL, OP_PENDING},
    {"no status at all: pending until polled", "{" BASE ",\"payload\":{}}", NULL, OP_PENDING},
    {"null status", "{" BASE ",\"status\":null}", NULL, OP_PENDING},
    {"success", "{" BASE ",\"status\":\"success\"}", NULL, OP_SUCCESS},
    {"failed (502 body)", "{" BASE ",\"status\":\"failed\",\"logs\":[{\"status\":\"failed\"}]}", NULL, OP_FAILED},
    {"unknown status value", "{" BASE ",\"status\":\"processing\"}", NULL, OP_UNKNOWN},
    {"status in another case", "{" BASE ",\"status\":\"SUCCESS\"}", NULL, OP_UNKNOWN},
    {"unknown resource value",
     "{\"id\":\"" OID "\",\"connection_id\":\"" CID "\",\"resource\":\"teleporter\",\"operation_type\":\"create\","
     "\"status\":\"pending\"}",
     NULL, OP_PENDING},
    {"unknown operation type",
     "{\"id\":\"" OID "\",\"connection_id\":\"" CID "\",\"resource\":\"user\",\"operation_type\":\"delete\","
     "\"status\":\"success\"}",
     NULL, OP_SUCCESS},
    {"unknown fields and error_type", "{" BASE ",\"status\":\"failed\",\"shiny\":{\"a\":[1]},\"logs\":[{\"error_type\":"
                                      "\"cosmic_rays\",\"status\":\"exploded\"}]}",
     NULL, OP_FAILED},
    {"logs of the wrong type are ignored", "{" BASE ",\"status\":\"pending\",\"logs\":{\"x\":1}}", NULL, OP_PENDING},
    {"optional fields of the wrong type are ignored",
     "{" BASE ",\"status\":\"pending\",\"resource_id\":7,\"source_id\":[],\"created_at\":false,\"payload\":\"text\"}", NULL,
     OP_PENDING},
    {"missing id", "{\"connection_id\":\"" CID "\",\"resource\":\"message\",\"operation_type\":\"create\"}", "'id'", 0},
    {"null id", "{\"id\":null,\"connection_id\":\"" CID "\",\"resource\":\"message\",\"operation_type\":\"create\"}",
     "'id'", 0},
    {"missing connection_id", "{\"id\":\"" OID "\",\"resource\":\"message\",\"operation_type\":\"create\"}",
     "'connection_id'", 0},
    {"missing resource", "{\"id\":\"" OID "\",\"connection_id\":\"" CID "\",\"operation_type\":\"create\"}",
     "'resource'", 0},
    {"missing operation_type", "{\"id\":\"" OID "\",\"connection_id\":\"" CID "\",\"resource\":\"message\"}",
     "'operation_type'", 0},
    {"id is a number", "{\"id\":42,\"connection_id\":\"" CID "\",\"resource\":\"message\",\"operation_type\":\"create\"}",
     "'id' is not a string", 0},
    {"id is not a UUID",
     "{\"id\":\"op-1\",\"connection_id\":\"" CID "\",\"resource\":\"message\",\"operation_type\":\"create\"}",
     "'id' is not a UUID", 0},
    {"connection_id is a bool",
     "{\"id\":\"" OID "\",\"connection_id\":true,\"resource\":\"message\",\"operation_type\":\"create\"}",
     "'connection_id' is not a string", 0},
    {"resource is a list",
     "{\"id\":\"" OID "\",\"connection_id\":\"" CID "\",\"resource\":[],\"operation_type\":\"create\"}",
     "'resource' is not a string", 0},
    {"status is a number", "{" BASE ",\"status\":3}", "'status' is not a string", 0},
    {"an array", "[{" BASE "}]", "not a JSON object", 0},
    {"a string", "\"pending\"", "not a JSON object", 0},
    {"truncated", "{" BASE ",\"status\":\"pen", "malformed JSON", 0},
    {"empty", "", "malformed JSON", 0},
    {"an error body", "{\"code\":404,\"message\":\"Not Found\",\"detail\":null}", "'id'", 0},
};

START_TEST(parse_table)
{
    const parse_case *c = &parse_cases[_i];
    op_rec r;
    char *err = NULL;
    int rc = op_rec_from_json(&r, c->json, strlen(c->json), &err);
    if (!c->err_has) {
        ck_assert_msg(rc == 0, "%s: %s", c->name, err ? err : "?");
        ck_assert_ptr_null(err);
        ck_assert_msg(r.status == c->status, "%s: status %s", c->name, op_status_name(r.status));
        ck_assert_str_eq(r.id, OID);
        ck_assert_ptr_nonnull(r.resource);
        ck_assert_ptr_nonnull(r.operation_type);
        ck_assert(!r.mine);
        op_rec_clear(&r);
    } else {
        ck_assert_msg(rc == -1, "%s: parsed", c->name);
        ck_assert_ptr_nonnull(err);
        ck_assert_msg(strstr(err, c->err_has), "%s: error '%s' lacks '%s'", c->name, err, c->err_has);
        free(err);
    }
}
END_TEST

START_TEST(parse_read_model_fields)
{
    const char *js =
        "{\"id\":\"019DDD87-EEDD-710F-967C-1C6CC72AC985\",\"created_at\":\"2026-04-17T01:29:22.316543Z\","
        "\"updated_at\":\"2026-04-17T01:29:25Z\",\"partner_id\":\"" CID "\",\"connection_id\":\"" CID "\","
        "\"fleet_ref\":\"sandbox\",\"source_name\":\"samsara\",\"resource\":\"message\",\"resource_id\":\"" OID "\","
        "\"source_id\":\"\\u202e281474977075211\",\"operation_type\":\"create\",\"status\":\"success\","
        "\"payload\":{\"message_text\":\"Jos\\u00e9 \\u001b[2J\",\"n\":1},"
        "\"logs\":[{\"id\":\"" OID "\",\"created_at\":\"2026-04-17T01:29:23Z\",\"updated_at\":\"x\","
        "\"resource_operation_id\":\"" OID "\",\"status\":\"failed\",\"error_type\":\"tsp\","
        "\"error_details\":\"\\u001b]0;pwned\\u0007TSP said \\u001b[31mno\\r\\nreally\",\"response_status_code\":503,"
        "\"response_headers\":{\"a\":\"b\"}},"
        "42,"
        "{\"status\":\"success\",\"error_type\":null,\"error_details\":null,\"response_status_code\":null}]}";
    op_rec r;
    char *err = NULL;
    ck_assert_int_eq(op_rec_from_json(&r, js, strlen(js), &err), 0);
    ck_assert_str_eq(r.id, OID); /* normalized to lower case */
    ck_assert_str_eq(r.connection_id, CID);
    ck_assert_str_eq(r.resource, "message");
    ck_assert_str_eq(r.operation_type, "create");
    ck_assert_int_eq(r.status, OP_SUCCESS);
    ck_assert_str_eq(r.resource_id, OID);
    ck_assert_str_eq(r.source_id, "281474977075211"); /* bidi override removed */
    ck_assert_str_eq(r.source_name, "samsara");
    ck_assert_str_eq(r.created_at, "2026-04-17T01:29:22.316543Z");
    ck_assert_str_eq(r.updated_at, "2026-04-17T01:29:25Z");
    /* The payload is compact JSON; the escape stays escaped, no raw ESC. */
    ck_assert_ptr_nonnull(strstr(r.payload_json, "\"n\":1"));
    ck_assert_ptr_null(strchr(r.payload_json, '\x1b'));
    ck_assert_int_eq(r.nlogs, 2); /* the non-object item is skipped */
    ck_assert_str_eq(r.logs[0].status, "failed");
    ck_assert_str_eq(r.logs[0].error_type, "tsp");
    ck_assert_str_eq(r.logs[0].error_details, "?]0;pwned?TSP said ?[31mno??really");
    ck_assert_int_eq(r.logs[0].response_status_code, 503);
    ck_assert_str_eq(r.logs[0].created_at, "2026-04-17T01:29:23Z");
    ck_assert_ptr_null(r.logs[1].error_type);
    ck_assert_ptr_null(r.logs[1].error_details);
    ck_assert_int_eq(r.logs[1].response_status_code, -1);
    ck_assert_ptr_null(r.label);
    ck_assert_ptr_null(r.target_id);
    op_rec_clear(&r);
    ck_assert_ptr_null(r.resource);
    op_rec_clear(&r); /* twice is harmless */
}
END_TEST

START_TEST(parse_invalid_utf8_and_controls)
{
    const char *js = "{" BASE ",\"status\":\"pending\",\"source_name\":\"geo\xfftab\",\"resource_id\":\"a\\u0000b\","
                     "\"logs\":[{\"error_details\":\"tab\\there \\u009b1m\"}]}";
    op_rec r;
    char *err = NULL;
    ck_assert_int_eq(op_rec_from_json(&r, js, strlen(js), &err), 0);
    ck_assert_str_eq(r.source_name, "geo" R "tab");
    ck_assert_str_eq(r.resource_id, "a"); /* cJSON stops at the NUL */
    ck_assert_str_eq(r.logs[0].error_details, "tab here ?1m");
    op_rec_clear(&r);
}
END_TEST

START_TEST(status_names)
{
    ck_assert_str_eq(op_status_name(OP_PENDING), "pending");
    ck_assert_str_eq(op_status_name(OP_SUCCESS), "success");
    ck_assert_str_eq(op_status_name(OP_FAILED), "failed");
    ck_assert_str_eq(op_status_name(OP_UNKNOWN), "unknown");
}
END_TEST

/* ================================================================== a fake Catena */

typedef struct fop {
    char id[37], conn[37], status[16], created[32];
    int nlogs;
} fop;

typedef struct fault {
    int status; /* 0: close the connection without an answer */
    int retry_after_header; /* -1: none */
    char body[200];
} fault;

typedef struct fake {
    int lfd, port;
    pthread_t th;
    pthread_mutex_t mu;
    volatile int stop;
    fop *ops;
    int nops, capops, next_id;
    int page_size;
    int delay_ms;
    fault faults[64];
    int nfaults;
    char **log;
    int nlog, caplog;
    char url[64];
} fake;

static void iso_time(time_t s, char out[32])
{
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void url_decode(const char *in, size_t n, char *out, size_t cap)
{
    size_t w = 0;
    for (size_t i = 0; i < n && w + 1 < cap; i++) {
        if (in[i] == '%' && i + 2 < n) {
            char hex[3] = {in[i + 1], in[i + 2], 0};
            out[w++] = (char)strtol(hex, NULL, 16);
            i += 2;
        } else {
            out[w++] = in[i] == '+' ? ' ' : in[i];
        }
    }
    out[w] = '\0';
}

static void query_get(const char *target, const char *key, char *out, size_t cap)
{
    out[0] = '\0';
    const char *q = strchr(target, '?');
    size_t kl = strlen(key);
    while (q && *q) {
        q++;
        const char *end = strchr(q, '&');
        size_t len = end ? (size_t)(end - q) : strlen(q);
        if (len > kl && strncmp(q, key, kl) == 0 && q[kl] == '=') {
            url_decode(q + kl + 1, len - kl - 1, out, cap);
            return;
        }
        q = end;
    }
}

static void fop_json(strbuf *sb, const fop *o)
{
    bool ok = strcmp(o->status, "success") == 0;
    strbuf_printf(sb,
                  "{\"id\":\"%s\",\"created_at\":\"%s\",\"updated_at\":\"%s\",\"partner_id\":\"" CID "\","
                  "\"connection_id\":\"%s\",\"fleet_ref\":null,\"source_name\":\"samsara\",\"resource\":\"message\","
                  "\"resource_id\":%s,\"source_id\":%s,\"operation_type\":\"create\",\"status\":\"%s\","
                  "\"payload\":{\"message_text\":\"hello\"},\"logs\":[",
                  o->id, o->created, o->created, o->conn, ok ? "\"" OID "\"" : "null", ok ? "\"tsp-77\"" : "null",
                  o->status);
    for (int i = 0; i < o->nlogs; i++)
        strbuf_printf(sb,
                      "%s{\"id\":\"%s\",\"created_at\":\"%s\",\"updated_at\":\"%s\",\"resource_operation_id\":\"%s\","
                      "\"status\":\"failed\",\"error_type\":\"tsp\",\"error_details\":\"TSP 503\","
                      "\"response_status_code\":503}",
                      i ? "," : "", o->id, o->created, o->created, o->id);
    if (ok)
        strbuf_printf(sb, "%s{\"id\":\"%s\",\"created_at\":\"%s\",\"updated_at\":\"%s\",\"resource_operation_id\":\"%s\","
                          "\"status\":\"success\",\"error_type\":null,\"error_details\":null,\"response_status_code\":201}",
                      o->nlogs ? "," : "", o->id, o->created, o->created, o->id);
    strbuf_puts(sb, "]}");
}

static void respond(int fd, int status, const char *extra_headers, const char *body)
{
    strbuf sb = STRBUF_INIT;
    strbuf_printf(&sb, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n",
                  status, strlen(body), extra_headers ? extra_headers : "");
    strbuf_puts(&sb, body);
    size_t off = 0;
    while (off < sb.len) {
        ssize_t w = send(fd, sb.data + off, sb.len - off, MSG_NOSIGNAL);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    strbuf_free(&sb);
}

static void fake_handle(fake *f, int fd)
{
    char buf[16384];
    size_t len = 0;
    char *hdr_end = NULL;
    while (len < sizeof buf - 1) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 2000) <= 0)
            return;
        ssize_t r = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (r <= 0)
            return;
        len += (size_t)r;
        buf[len] = '\0';
        if ((hdr_end = strstr(buf, "\r\n\r\n")) != NULL) {
            const char *cl = strcasestr(buf, "content-length:");
            size_t want = cl ? (size_t)atol(cl + 15) : 0;
            if (len >= (size_t)(hdr_end + 4 - buf) + want)
                break;
        }
    }
    char method[16] = "", target[4096] = "";
    if (sscanf(buf, "%15s %4095s", method, target) != 2)
        return;
    if (strstr(target, "/protocol/openid-connect/token")) {
        respond(fd, 200, NULL, "{\"access_token\":\"tok\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
        return;
    }
    pthread_mutex_lock(&f->mu);
    if (f->nlog == f->caplog) {
        f->caplog = f->caplog ? f->caplog * 2 : 256;
        f->log = realloc(f->log, (size_t)f->caplog * sizeof *f->log);
    }
    f->log[f->nlog++] = strdup(target);
    int delay = f->delay_ms;
    fault ft;
    bool faulted = f->nfaults > 0;
    if (faulted) {
        ft = f->faults[0];
        memmove(f->faults, f->faults + 1, (size_t)--f->nfaults * sizeof *f->faults);
    }
    pthread_mutex_unlock(&f->mu);
    if (delay)
        usleep((useconds_t)delay * 1000);
    if (faulted) {
        if (ft.status == 0)
            return; /* dropped */
        char h[64] = "";
        if (ft.retry_after_header >= 0)
            snprintf(h, sizeof h, "Retry-After: %d\r\n", ft.retry_after_header);
        respond(fd, ft.status, h, ft.body);
        return;
    }
    const char *list = "/v2/integrations/connections/resource-operations";
    strbuf out = STRBUF_INIT;
    int status = 200;
    pthread_mutex_lock(&f->mu);
    if (strncmp(target, list, strlen(list)) == 0 && (target[strlen(list)] == '?' || !target[strlen(list)])) {
        char conn[64], from[64], cursor[64], size[16];
        query_get(target, "connection_id", conn, sizeof conn);
        query_get(target, "from_datetime", from, sizeof from);
        query_get(target, "cursor", cursor, sizeof cursor);
        query_get(target, "size", size, sizeof size);
        int skip = cursor[0] ? atoi(cursor + 2) : 0; /* "p=N" */
        int limit = size[0] ? atoi(size) : 300;
        if (limit > f->page_size)
            limit = f->page_size;
        strbuf_puts(&out, "{\"items\":[");
        int matched = 0, emitted = 0;
        for (int i = 0; i < f->nops; i++) {
            const fop *o = &f->ops[i];
            if ((conn[0] && strcmp(o->conn, conn) != 0) || (from[0] && strcmp(o->created, from) < 0))
                continue;
            if (matched++ < skip || emitted >= limit)
                continue;
            if (emitted++)
                strbuf_putc(&out, ',');
            fop_json(&out, o);
        }
        if (skip + emitted < matched)
            strbuf_printf(&out, "],\"current_page\":null,\"next_page\":\"p=%d\"}", skip + emitted);
        else
            strbuf_puts(&out, "],\"current_page\":null,\"next_page\":null}");
    } else {
        char conn[64] = "", id[64] = "";
        const fop *hit = NULL;
        if (sscanf(target, "/v2/integrations/connections/%36[^/]/resource-operations/%36s", conn, id) == 2)
            for (int i = 0; i < f->nops; i++)
                if (strcmp(f->ops[i].id, id) == 0 && strcmp(f->ops[i].conn, conn) == 0)
                    hit = &f->ops[i];
        if (hit) {
            fop_json(&out, hit);
        } else {
            status = 404;
            strbuf_puts(&out, "{\"code\":404,\"message\":\"Not Found\",\"detail\":\"Resource operation not found\"}");
        }
    }
    pthread_mutex_unlock(&f->mu);
    respond(fd, status, NULL, out.data ? out.data : "");
    strbuf_free(&out);
}

static void *fake_main(void *arg)
{
    fake *f = arg;
    while (!f->stop) {
        struct pollfd p = {f->lfd, POLLIN, 0};
        if (poll(&p, 1, 20) <= 0)
            continue;
        int c = accept(f->lfd, NULL, NULL);
        if (c < 0)
            continue;
        fake_handle(f, c);
        close(c);
    }
    return NULL;
}

static void fake_start(fake *f)
{
    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->mu, NULL);
    f->page_size = 1000;
    f->lfd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(f->lfd, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(f->lfd, 64), 0);
    socklen_t al = sizeof a;
    getsockname(f->lfd, (struct sockaddr *)&a, &al);
    f->port = ntohs(a.sin_port);
    snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d", f->port);
    pthread_create(&f->th, NULL, fake_main, f);
}

static void fake_stop(fake *f)
{
    f->stop = 1;
    pthread_join(f->th, NULL);
    close(f->lfd);
    for (int i = 0; i < f->nlog; i++)
        free(f->log[i]);
    free(f->log);
    free(f->ops);
    pthread_mutex_destroy(&f->mu);
}

/* Adds an op on the fake's side, created `ago` seconds before now; returns its id. */
static const char *fake_add(fake *f, const char *conn, const char *status, long ago)
{
    pthread_mutex_lock(&f->mu);
    if (f->nops == f->capops) {
        f->capops = f->capops ? f->capops * 2 : 64;
        f->ops = realloc(f->ops, (size_t)f->capops * sizeof *f->ops);
    }
    fop *o = &f->ops[f->nops++];
    memset(o, 0, sizeof *o);
    snprintf(o->id, sizeof o->id, "019d0000-0000-7000-8000-%012x", ++f->next_id);
    snprintf(o->conn, sizeof o->conn, "%s", conn);
    snprintf(o->status, sizeof o->status, "%s", status);
    iso_time(time(NULL) - ago, o->created);
    const char *id = o->id;
    pthread_mutex_unlock(&f->mu);
    return id;
}

static fop *fake_find(fake *f, const char *id)
{
    for (int i = 0; i < f->nops; i++)
        if (strcmp(f->ops[i].id, id) == 0)
            return &f->ops[i];
    return NULL;
}

static void fake_set(fake *f, const char *id, const char *status, int nlogs)
{
    pthread_mutex_lock(&f->mu);
    fop *o = fake_find(f, id);
    snprintf(o->status, sizeof o->status, "%s", status);
    o->nlogs = nlogs;
    pthread_mutex_unlock(&f->mu);
}

static void fake_forget(fake *f, const char *id)
{
    pthread_mutex_lock(&f->mu);
    fop *o = fake_find(f, id);
    *o = f->ops[--f->nops];
    pthread_mutex_unlock(&f->mu);
}

/* The body a write would have answered with: a ResourceOperation (no source_name). */
static char *fake_write_body(fake *f, const char *id)
{
    pthread_mutex_lock(&f->mu);
    const fop *o = fake_find(f, id);
    strbuf sb = STRBUF_INIT;
    strbuf_printf(&sb,
                  "{\"partner_id\":\"" CID "\",\"connection_id\":\"%s\",\"resource\":\"message\",\"operation_type\":"
                  "\"create\",\"payload\":{\"message_text\":\"hello\"},\"id\":\"%s\",\"created_at\":\"%s\","
                  "\"updated_at\":\"%s\",\"deleted_at\":null,\"resource_id\":null,\"source_id\":null,\"status\":\"%s\","
                  "\"logs\":[]}",
                  o->conn, o->id, o->created, o->created, o->status);
    pthread_mutex_unlock(&f->mu);
    return strbuf_detach(&sb);
}

static void fake_fault(fake *f, int status, int retry_after_header, const char *body)
{
    pthread_mutex_lock(&f->mu);
    fault *ft = &f->faults[f->nfaults++];
    ft->status = status;
    ft->retry_after_header = retry_after_header;
    snprintf(ft->body, sizeof ft->body, "%s", body ? body : "");
    pthread_mutex_unlock(&f->mu);
}

/* Requests logged whose target starts with prefix. */
static int fake_count(fake *f, const char *prefix)
{
    pthread_mutex_lock(&f->mu);
    int n = 0;
    for (int i = 0; i < f->nlog; i++)
        n += strncmp(f->log[i], prefix, strlen(prefix)) == 0;
    pthread_mutex_unlock(&f->mu);
    return n;
}

static void fake_clear_log(fake *f)
{
    pthread_mutex_lock(&f->mu);
    for (int i = 0; i < f->nlog; i++)
        free(f->log[i]);
    f->nlog = 0;
    pthread_mutex_unlock(&f->mu);
}

static char *fake_last(fake *f)
{
    pthread_mutex_lock(&f->mu);
    char *s = strdup(f->nlog ? f->log[f->nlog - 1] : "");
    pthread_mutex_unlock(&f->mu);
    return s;
}

#define LIST "/v2/integrations/connections/resource-operations?"
#define SINGLE "/v2/integrations/connections/" CID "/resource-operations/"

/* ================================================================== the tracker */

typedef struct env {
    fake f;
    loop *l;
    http_client *h;
    auth *au;
    api *a;
    ops_tracker *t;
    int changes, dirties;
    op_status last_old, last_new;
    char last_id[37];
    char dir[64], journal[128];
} env;

static void on_change(void *ud, const op_rec *op, op_status old)
{
    env *e = ud;
    e->changes++;
    e->last_old = old;
    e->last_new = op->status;
    snprintf(e->last_id, sizeof e->last_id, "%s", op->id);
}

static void on_dirty(void *ud)
{
    ((env *)ud)->dirties++;
}

static ops_tracker *env_tracker(env *e, bool journal)
{
    ops_settings s = {.poll_pending_ms = 1000, .poll_idle_ms = 15000, .journal_path = journal ? e->journal : NULL};
    ops_tracker *t = ops_tracker_new(e->l, e->a, &s);
    ops_tracker_set_callbacks(t, on_change, on_dirty, e);
    return t;
}

static void env_open(env *e, bool journal)
{
    memset(e, 0, sizeof *e);
    fake_start(&e->f);
    e->l = loop_new();
    loop_set_virtual_clock(e->l, true);
    e->h = http_client_new(e->l);
    char auth_url[128];
    snprintf(auth_url, sizeof auth_url, "%s/realms/catena", e->f.url);
    e->au = auth_new(e->l, e->h, auth_url, "demo-client", "demo-secret");
    e->a = api_new(e->l, e->h, e->au, e->f.url);
    snprintf(e->dir, sizeof e->dir, "/tmp/test-ops-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(e->dir));
    snprintf(e->journal, sizeof e->journal, "%s/state/operations.json", e->dir);
    e->t = env_tracker(e, journal);
}

static void rm_rf(const char *dir)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static void env_close(env *e)
{
    ops_tracker_free(e->t);
    api_free(e->a);
    auth_free(e->au);
    http_client_free(e->h);
    loop_free(e->l);
    fake_stop(&e->f);
    rm_rf(e->dir);
}

/* Runs the loop (real time) until no request is in flight. */
static void settle(env *e)
{
    int64_t deadline = loop_real_now_ms() + 10000;
    while (api_in_flight(e->a) > 0 && loop_real_now_ms() < deadline)
        loop_run_once(e->l, 10);
    ck_assert_msg(api_in_flight(e->a) == 0, "requests still running");
}

static void tick(env *e, int64_t ms)
{
    loop_advance(e->l, ms);
    settle(e);
}

/* created_at minus 2 min, as the tracker sends it: RFC 3339 UTC, URL-encoded. */
static void want_from(const char *created, char out[64])
{
    struct tm tm = {0};
    ck_assert_ptr_nonnull(strptime(created, "%Y-%m-%dT%H:%M:%SZ", &tm));
    char f[32];
    iso_time(timegm(&tm) - 120, f);
    snprintf(out, 64, "%.13s%%3A%.2s%%3A%.2sZ", f, f + 14, f + 17);
}

static const op_rec *add_from_fake(env *e, const char *id, const char *label, const char *target)
{
    char *body = fake_write_body(&e->f, id);
    char *err = NULL;
    const op_rec *r = ops_tracker_add_response(e->t, body, strlen(body), label, target, &err);
    ck_assert_msg(r != NULL, "%s", err ? err : "?");
    free(body);
    return r;
}

static int64_t until_next_poll(env *e)
{
    ops_health h;
    ops_tracker_health(e->t, &h);
    return h.next_poll_ms ? h.next_poll_ms - loop_now_ms(e->l) : -1;
}

START_TEST(pending_to_success_fires_once)
{
    env e;
    env_open(&e, false);
    ck_assert_int_eq(ops_tracker_start(e.t, NULL), 0);
    const char *id = fake_add(&e.f, CID, "pending", 5);
    const op_rec *r = add_from_fake(&e, id, "Message to Jos\xc3\xa9 Mu\xc3\xb1oz", OID);
    ck_assert(r->mine);
    ck_assert_int_eq(r->status, OP_PENDING);
    ck_assert_str_eq(r->label, "Message to Jos\xc3\xa9 Mu\xc3\xb1oz");
    ck_assert_str_eq(r->target_id, OID);
    ck_assert_int_eq(e.changes, 1);
    ck_assert_int_eq(e.last_old, OP_UNKNOWN);
    ck_assert_int_eq(e.dirties, 1);
    ck_assert_int_eq(ops_pending_count(e.t), 1);
    ck_assert_int_eq(until_next_poll(&e), 1000);

    tick(&e, 999);
    ck_assert_int_eq(fake_count(&e.f, LIST), 0);
    tick(&e, 1);
    ck_assert_int_eq(fake_count(&e.f, LIST), 1);
    /* connection_id + from_datetime = created_at - 2 min, URL-encoded, + size=1000 */
    char *q = fake_last(&e.f);
    char from[64], want[200];
    want_from(ops_find(e.t, id)->created_at, from);
    snprintf(want, sizeof want, LIST "connection_id=%s&from_datetime=%s&size=1000", CID, from);
    ck_assert_str_eq(q, want);
    free(q);
    /* The list brought source_name (the write response had none): one redraw, no change. */
    ck_assert_int_eq(e.changes, 1);
    ck_assert_int_eq(e.dirties, 2);
    ck_assert_str_eq(ops_find(e.t, id)->source_name, "samsara");

    /* Idle ticks: still pending, nothing new: no callback at all. */
    for (int i = 0; i < 3; i++)
        tick(&e, 1000);
    ck_assert_int_eq(fake_count(&e.f, LIST), 4);
    ck_assert_int_eq(e.changes, 1);
    ck_assert_int_eq(e.dirties, 2);

    fake_set(&e.f, id, "success", 1);
    tick(&e, 1000);
    ck_assert_int_eq(e.changes, 2);
    ck_assert_int_eq(e.last_old, OP_PENDING);
    ck_assert_int_eq(e.last_new, OP_SUCCESS);
    ck_assert_int_eq(e.dirties, 3);
    r = ops_find(e.t, id);
    ck_assert_int_eq(r->status, OP_SUCCESS);
    ck_assert_str_eq(r->resource_id, OID);
    ck_assert_str_eq(r->source_id, "tsp-77");
    ck_assert_int_eq(r->nlogs, 2);
    ck_assert_int_eq(r->logs[0].response_status_code, 503);
    ck_assert_str_eq(r->label, "Message to Jos\xc3\xa9 Mu\xc3\xb1oz"); /* kept across updates */
    ck_assert_int_eq(ops_pending_count(e.t), 0);
    ck_assert_int_eq(r->changed_at_ms, loop_now_ms(e.l));

    /* Nothing pending, nothing followed: no polling at all. */
    fake_clear_log(&e.f);
    for (int i = 0; i < 60; i++)
        tick(&e, 1000);
    ck_assert_int_eq(fake_count(&e.f, "/v2/"), 0);
    ck_assert_int_eq(until_next_poll(&e), -1);
    ck_assert_int_eq(e.changes, 2);
    ck_assert_int_eq(e.dirties, 3);
    ops_health h;
    ops_tracker_health(e.t, &h);
    ck_assert_uint_eq(h.requests, 5);
    ck_assert(!h.polling && !h.offline);
    ck_assert_int_eq(h.stale_since_ms, 0);
    ck_assert_int_gt(h.last_ok_ms, 0);
    env_close(&e);
}
END_TEST

START_TEST(one_list_per_connection_per_tick_for_1000_ops)
{
    env e;
    env_open(&e, false);
    ops_tracker_start(e.t, NULL);
    static char ids[1000][37];
    for (int i = 0; i < 1000; i++) {
        snprintf(ids[i], 37, "%s", fake_add(&e.f, i < 600 ? CID : CID_B, "pending", 1000 - i));
        add_from_fake(&e, ids[i], NULL, NULL);
    }
    ck_assert_uint_eq(ops_count(e.t), 1000);
    ck_assert_int_eq(ops_pending_count(e.t), 1000);
    tick(&e, 1000); /* first poll: source_name arrives for all */
    for (int round = 0; round < 3; round++) {
        fake_clear_log(&e.f);
        int dirt = e.dirties, ch = e.changes;
        int64_t t0 = loop_real_now_ms();
        tick(&e, 1000);
        int64_t took = loop_real_now_ms() - t0;
        ck_assert_int_eq(fake_count(&e.f, LIST), 2);
        ck_assert_int_eq(fake_count(&e.f, "/v2/"), 2);
        ck_assert_int_eq(e.dirties, dirt);
        ck_assert_int_eq(e.changes, ch);
        ck_assert_msg(took < 3000, "a tick over 1000 ops took %lld ms", (long long)took);
    }
    for (int i = 0; i < 1000; i += 2)
        fake_set(&e.f, ids[i], i % 4 ? "failed" : "success", 0);
    int ch = e.changes, dirt = e.dirties;
    fake_clear_log(&e.f);
    tick(&e, 1000);
    ck_assert_int_eq(fake_count(&e.f, LIST), 2);
    ck_assert_int_eq(e.changes - ch, 500);
    ck_assert_int_le(e.dirties - dirt, 2); /* one redraw per answer at most */
    ck_assert_int_ge(e.dirties - dirt, 1);
    ck_assert_int_eq(ops_pending_count(e.t), 500);
    /* Display order: newest first. */
    for (size_t i = 1; i < ops_count(e.t); i++)
        ck_assert_str_ge(ops_get(e.t, i - 1)->created_at, ops_get(e.t, i)->created_at);
    env_close(&e);
}
END_TEST

START_TEST(next_pages_are_followed)
{
    env e;
    env_open(&e, false);
    ops_tracker_start(e.t, NULL);
    e.f.page_size = 3;
    char ids[7][37];
    for (int i = 0; i < 7; i++) {
        snprintf(ids[i], 37, "%s", fake_add(&e.f, CID, "pending", 60 - i));
        add_from_fake(&e, ids[i], NULL, NULL);
    }
    for (int i = 0; i < 7; i++)
        fake_set(&e.f, ids[i], "success", 0);
    tick(&e, 1000);
    ck_assert_int_eq(fake_count(&e.f, LIST), 3);
    ck_assert_int_eq(fake_count(&e.f, LIST "connection_id=" CID "&from_datetime="), 3);
    char *q = fake_last(&e.f);
    ck_assert_ptr_nonnull(strstr(q, "&cursor=p%3D6"));
    free(q);
    ck_assert_int_eq(ops_pending_count(e.t), 0);
    ck_assert_int_eq(e.changes, 14);
    env_close(&e);
}
END_TEST

static int64_t fail_once(env *e)
{
    int before = fake_count(&e->f, LIST);
    int64_t wait = until_next_poll(e);
    ck_assert_int_gt(wait, 0);
    tick(e, wait - 1);
    ck_assert_int_eq(fake_count(&e->f, LIST), before);
    tick(e, 1);
    ck_assert_int_eq(fake_count(&e->f, LIST), before + 1);
    return until_next_poll(e);
}

START_TEST(errors_back_off_with_jitter_then_recover)
{
    int64_t seen[2][6];
    for (int run = 0; run < 2; run++) {
        env e;
        env_open(&e, false);
        ops_tracker_start(e.t, NULL);
        const char *id = fake_add(&e.f, CID, "pending", 5);
        add_from_fake(&e, id, NULL, NULL);
        for (int i = 0; i < 5; i++)
            fake_fault(&e.f, 503, -1, "{\"code\":503,\"message\":\"Service Unavailable\",\"detail\":\"maintenance\"}");
        int dirt = e.dirties;
        int64_t first = loop_now_ms(e.l) + 1000;
        int64_t d = fail_once(&e);
        ops_health h;
        ops_tracker_health(e.t, &h);
        ck_assert_int_eq(h.stale_since_ms, first);
        ck_assert(!h.offline);
        ck_assert_msg(strstr(h.last_error, "503"), "%s", h.last_error);
        ck_assert_int_eq(e.dirties, dirt + 1); /* the stale marker appears */
        int64_t base = 2000;
        for (int i = 0; i < 5; i++) {
            seen[run][i] = d;
            ck_assert_msg(d >= base * 8 / 10 && d <= base * 12 / 10, "failure %d: waited %lld, base %lld", i + 1,
                          (long long)d, (long long)base);
            base *= 2;
            if (i < 4)
                d = fail_once(&e);
        }
        ops_tracker_health(e.t, &h);
        ck_assert_int_eq(h.stale_since_ms, first); /* the first failure */
        ck_assert_int_eq(e.dirties, dirt + 1);     /* same error text: no redraws while failing */
        /* Recovery: stale cleared, normal rate again. */
        d = fail_once(&e);
        seen[run][5] = d;
        ck_assert_int_eq(d, 1000);
        ops_tracker_health(e.t, &h);
        ck_assert_int_eq(h.stale_since_ms, 0);
        ck_assert_str_eq(h.last_error, "");
        ck_assert_int_eq(h.last_ok_ms, loop_now_ms(e.l));
        ck_assert_int_eq(e.dirties, dirt + 2);
        env_close(&e);
    }
    /* Seeded: the same jitter every run; and it does jitter. */
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(seen[0][i], seen[1][i]);
    ck_assert(seen[0][0] != 2000 || seen[0][1] != 4000 || seen[0][2] != 8000);
}
END_TEST

START_TEST(backoff_is_capped_at_five_minutes)
{
    env e;
    env_open(&e, false);
    ops_tracker_start(e.t, NULL);
    add_from_fake(&e, fake_add(&e.f, CID, "pending", 5), NULL, NULL);
    for (int i = 0; i < 12; i++)
        fake_fault(&e.f, 500, -1, "{\"message\":\"Internal Server Error\"}");
    tick(&e, 1000);
    int64_t d = 0;
    for (int i = 0; i < 11; i++)
        d = fail_once(&e);
    ck_assert_int_le(d, 300000);
    ck_assert_int_ge(d, 240000);
    ops_health h;
    ops_tracker_health(e.t, &h);
    ck_assert_uint_eq(h.requests, 12);
    env_close(&e);
}
END_TEST

START_TEST(rate_limit_waits_for_retry_after)
{
    env e;
    env_open(&e, false);
    ops_tracker_start(e.t, NULL);
    add_from_fake(&e, fake_add(&e.f, CID, "pending", 5), NULL, NULL);
    fake_fault(&e.f, 429, 7,
               "{\"code\":429,\"message\":\"Too Many Requests\",\"detail\":{\"retry_after_seconds\":7,\"message\":\"slow\"}}");
    fake_fault(&e.f, 429, -1,
               "{\"code\":429,\"message\":\"Too Many Requests\",\"detail\":{\"retry_after_seconds\":30,\"message\":\"x\"}}");
    fake_fault(&e.f, 429, -1,
               "{\"code\":429,\"message\":\"Too Many Requests\",\"detail\":{\"retry_after_seconds\":0,\"message\":\"x\"}}");
    tick(&e, 1000);
    ck_assert_int_eq(until_next_poll(&e), 7000); /* header */
    ops_health h;
    ops_tracker_health(e.t, &h);
    ck_assert(!h.offline);
    ck_assert_int_gt(h.stale_since_ms, 0);
    ck_assert_msg(strstr(h.last_error, "429"), "%s", h.last_error);
    ck_assert_int_eq(fail_once(&e), 30000); /* body only */
    ck_assert_int_eq(fail_once(&e), 1000);  /* never sooner than the normal interval */
    ck_assert_int_eq(fail_once(&e), 1000);  /* and recovered */
    ops_tracker_health(e.t, &h);
    ck_assert_int_eq(h.stale_since_ms, 0);
    env_close(&e);
}
END_TEST

START_TEST(network_errors_mark_offline)
{
    env e;
    env_open(&e, false);
    ops_tracker_start(e.t, NULL);
    add_from_fake(&e, fake_add(&e.f, CID, "pending", 5), NULL, NULL);
    fake_fault(&e.f, 0, -1, NULL);
    fake_fault(&e.f, 0, -1, NULL);
    tick(&e, 1000);
    ops_health h;
    ops_tracker_health(e.t, &h);
    ck_assert(h.offline);
    ck_assert_int_eq(h.stale_since_ms, loop_now_ms(e.l));
    ck_assert_msg(strstr(h.last_error, "Network error"), "%s", h.last_error);
    int64_t d = fail_once(&e);
    ck_assert_int_ge(d, 3200);
    ck_assert_int_le(d, 4800);
    ops_tracker_health(e.t, &h);
    ck_assert(h.offline);
    fail_once(&e);
    ops_tracker_health(e.t, &h);
    ck_assert(!h.offline);
    ck_assert_int_eq(h.stale_since_ms, 0);
    env_close(&e);
}
END_TEST

START_TEST(unreachable_server_is_offline)
{
    loop *l = loop_new();
    loop_set_virtual_clock(l, true);
    http_client *h = http_client_new(l);
    auth *au = auth_new(l, h, "http://127.0.0.1:1/realms/catena", "demo-client", "demo-secret");
    api *a = api_new(l, h, au, "http://127.0.0.1:1");
    ops_tracker *t = ops_tracker_new(l, a, NULL);
    ops_tracker_start(t, NULL);
    const char *body = "{" BASE ",\"status\":\"pending\",\"created_at\":\"2099-01-01T00:00:00Z\"}";
    ck_assert_ptr_nonnull(ops_tracker_add_response(t, body, strlen(body), NULL, NULL, NULL));
    loop_advance(l, 1000);
    int64_t deadline = loop_real_now_ms() + 10000;
    while (api_in_flight(a) > 0 && loop_real_now_ms() < deadline)
        loop_run_once(l, 10);
    ops_health hh;
    ops_tracker_health(t, &hh);
    ck_assert(hh.offline);
    ck_assert_int_gt(hh.stale_since_ms, 0);
    ck_assert_uint_eq(hh.requests, 1);
    ops_tracker_free(t);
    api_free(a);
    auth_free(au);
    http_client_free(h);
    loop_free(l);
}
END_TEST

START_TEST(malformed_answers_are_errors)
{
    env e;
    env_open(&e, false);
    ops_tracker_start(e.t, NULL);
    add_from_fake(&e, fake_add(&e.f, CID, "pending", 5), NULL, NULL);
    fake_fault(&e.f, 200, -1, "{\"items\":[{\"id\":");
    fake_fault(&e.f, 200, -1, "[]");
    fake_fault(&e.f, 200, -1, "{\"items\":[42,{\"id\":\"x\"},null],\"next_page\":null}");
    tick(&e, 1000);
    ops_health h;
    ops_tracker_health(e.t, &h);
    ck_assert_msg(strstr(h.last_error, "ould not read") && strstr(h.last_error, "malformed JSON"), "%s",
                  h.last_error);
    ck_assert_int_gt(h.stale_since_ms, 0);
    fail_once(&e);
    ops_tracker_health(e.t, &h);
    ck_assert_msg(strstr(h.last_error, "'items'"), "%s", h.last_error);
    fail_once(&e); /* readable page with unreadable items: skipped, not a failure */
    ops_tracker_health(e.t, &h);
    ck_assert_int_eq(h.stale_since_ms, 0);
    ck_assert_int_eq(ops_pending_count(e.t), 1);
    env_close(&e);
}
END_TEST

static bool file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

START_TEST(journal_survives_a_restart)
{
    env e;
    env_open(&e, true);
    ck_assert_int_eq(ops_tracker_start(e.t, NULL), 0);
    ck_assert(!file_exists(e.journal));
    char a[37], b[37], c[37];
    snprintf(a, 37, "%s", fake_add(&e.f, CID, "pending", 30));
    snprintf(b, 37, "%s", fake_add(&e.f, CID_B, "pending", 20));
    snprintf(c, 37, "%s", fake_add(&e.f, CID, "success", 10));
    add_from_fake(&e, a, "Message to Ana", "11111111-1111-4111-8111-111111111111");
    add_from_fake(&e, b, "Vehicle \x1b[31mTruck 7", NULL);
    add_from_fake(&e, c, "Message to Cy", NULL);
    ck_assert(file_exists(e.journal));
    struct stat st;
    stat(e.journal, &st);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ops_tracker_free(e.t);

    /* A new console: the same three, in the same order, still polling the pending ones. */
    e.t = env_tracker(&e, true);
    e.changes = e.dirties = 0;
    fake_clear_log(&e.f);
    char *err = NULL;
    ck_assert_int_eq(ops_tracker_start(e.t, &err), 0);
    ck_assert_ptr_null(err);
    ck_assert_uint_eq(ops_count(e.t), 3);
    ck_assert_str_eq(ops_get(e.t, 0)->id, c);
    ck_assert_str_eq(ops_get(e.t, 1)->id, b);
    ck_assert_str_eq(ops_get(e.t, 2)->id, a);
    const op_rec *ra = ops_find(e.t, a);
    ck_assert(ra->mine);
    ck_assert_str_eq(ra->label, "Message to Ana");
    ck_assert_str_eq(ra->target_id, "11111111-1111-4111-8111-111111111111");
    ck_assert_str_eq(ops_find(e.t, b)->label, "Vehicle ?[31mTruck 7");
    ck_assert_int_eq(ops_find(e.t, c)->status, OP_SUCCESS);
    ck_assert_int_eq(ops_pending_count(e.t), 2);
    ck_assert_int_eq(e.changes, 0); /* loading is not a change */
    ck_assert_int_eq(e.dirties, 1);
    /* It looks at once (things may have finished meanwhile): one list per connection. */
    settle(&e);
    ck_assert_int_eq(fake_count(&e.f, LIST), 2);
    ck_assert_int_eq(fake_count(&e.f, LIST "connection_id=" CID "&"), 1);
    fake_set(&e.f, a, "failed", 2);
    tick(&e, 1000);
    ck_assert_int_eq(ops_find(e.t, a)->status, OP_FAILED);
    ck_assert_int_eq(e.changes, 1);
    ops_tracker_free(e.t);

    /* And the journal has the outcome. */
    e.t = env_tracker(&e, true);
    ck_assert_int_eq(ops_tracker_start(e.t, NULL), 0);
    ck_assert_int_eq(ops_find(e.t, a)->status, OP_FAILED);
    ck_assert_int_eq(ops_find(e.t, a)->nlogs, 2);
    ck_assert_str_eq(ops_find(e.t, a)->source_name, "samsara");
    ck_assert_ptr_nonnull(strstr(ops_find(e.t, a)->payload_json, "hello"));
    ck_assert_int_eq(ops_pending_count(e.t), 1);
    env_close(&e);
}
END_TEST

static void write_text(const char *path, const char *text)
{
    char dir[200];
    snprintf(dir, sizeof dir, "%s", path);
    *strrchr(dir, '/') = '\0';
    mkdir(dir, 0700);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(corrupt_journal_is_set_aside)
{
    env e;
    env_open(&e, true);
    write_text(e.journal, "{\"version\":1,\"ops\":[{\"id\":");
    char *err = NULL;
    ck_assert_int_eq(ops_tracker_start(e.t, &err), -1);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "operations.json.corrupt"), "%s", err);
    free(err);
    char aside[200];
    snprintf(aside, sizeof aside, "%s.corrupt", e.journal);
    ck_assert(file_exists(aside));
    ck_assert(!file_exists(e.journal));
    ck_assert_uint_eq(ops_count(e.t), 0);
    /* It goes on working, with a new journal. */
    add_from_fake(&e, fake_add(&e.f, CID, "success", 5), "x", NULL);
    ops_tracker_free(e.t);
    e.t = env_tracker(&e, true);
    ck_assert_int_eq(ops_tracker_start(e.t, NULL), 0);
    ck_assert_uint_eq(ops_count(e.t), 1);
    ops_tracker_free(e.t);

    /* Valid JSON of the wrong shape is corrupt too; bad records alone are skipped. */
    write_text(e.journal, "{\"version\":1,\"ops\":{}}");
    e.t = env_tracker(&e, true);
    ck_assert_int_eq(ops_tracker_start(e.t, &err), -1);
    free(err);
    ops_tracker_free(e.t);
    write_text(e.journal, "{\"version\":1,\"ops\":[{\"id\":3},{" BASE ",\"status\":\"success\",\"label\":\"ok\"}]}");
    e.t = env_tracker(&e, true);
    ck_assert_int_eq(ops_tracker_start(e.t, NULL), 0);
    ck_assert_uint_eq(ops_count(e.t), 1);
    ck_assert_str_eq(ops_get(e.t, 0)->label, "ok");
    env_close(&e);
}
END_TEST

START_TEST(journal_write_errors_are_shown)
{
    env e;
    env_open(&e, true);
    /* The journal's directory is a regular file: every save fails. */
    char state[100];
    snprintf(state, sizeof state, "%s/state", e.dir);
    FILE *f = fopen(state, "w");
    fclose(f);
    char *err = NULL;
    ck_assert_int_eq(ops_tracker_start(e.t, &err), -1);
    ck_assert_msg(strstr(err, "Could not read the operations journal"), "%s", err);
    free(err);
    const char *id = fake_add(&e.f, CID, "pending", 5);
    add_from_fake(&e, id, NULL, NULL);
    ops_health h;
    ops_tracker_health(e.t, &h);
    ck_assert_msg(strstr(h.last_error, "operations journal"), "%s", h.last_error);
    tick(&e, 1000); /* a good poll does not hide it */
    ops_tracker_health(e.t, &h);
    ck_assert_msg(strstr(h.last_error, "operations journal"), "%s", h.last_error);
    /* Once a save works again, it goes. */
    unlink(state);
    fake_set(&e.f, id, "success", 0);
    tick(&e, 1000);
    ops_tracker_health(e.t, &h);
    ck_assert_str_eq(h.last_error, "");
    ck_assert(file_exists(e.journal));
    env_close(&e);
}
END_TEST

START_TEST(journal_keeps_the_last_500)
{
    env e;
    env_open(&e, true);
    ops_tracker_start(e.t, NULL);
    static char ids[510][37];
    for (int i = 0; i < 510; i++) {
        snprintf(ids[i], 37, "%s", fake_add(&e.f, CID, "success", 6000 - i * 10));
        add_from_fake(&e, ids[i], NULL, NULL);
    }
    /* and one still pending, older than all of them: never dropped */
    const char *old = fake_add(&e.f, CID, "pending", 7000);
    add_from_fake(&e, old, NULL, NULL);
    ck_assert_uint_eq(ops_count(e.t), 501);
    for (int i = 0; i < 10; i++)
        ck_assert_ptr_null(ops_find(e.t, ids[i]));
    ck_assert_ptr_nonnull(ops_find(e.t, ids[10]));
    ck_assert_ptr_nonnull(ops_find(e.t, old));
    ops_tracker_free(e.t);
    e.t = env_tracker(&e, true);
    ck_assert_int_eq(ops_tracker_start(e.t, NULL), 0);
    ck_assert_uint_eq(ops_count(e.t), 501);
    ck_assert_str_eq(ops_get(e.t, 0)->id, ids[509]);
    ck_assert_str_eq(ops_get(e.t, 500)->id, old);
    env_close(&e);
}
END_TEST

START_TEST(ops_older_than_45_days_are_given_up)
{
    env e;
    env_open(&e, true);
    char old_c[32], young_c[32], text[2048];
    iso_time(time(NULL) - 50 * 86400, old_c);
    iso_time(time(NULL) - 3600, young_c);
    snprintf(text, sizeof text,
             "{\"version\":1,\"ops\":[\n"
             "{\"id\":\"" OID "\",\"connection_id\":\"" CID "\",\"resource\":\"message\",\"operation_type\":\"create\","
             "\"status\":\"pending\",\"created_at\":\"%s\",\"poll\":true},\n"
             "{\"id\":\"019d0000-0000-7000-8000-0000000000aa\",\"connection_id\":\"" CID "\",\"resource\":\"user\","
             "\"operation_type\":\"update\",\"status\":\"pending\",\"created_at\":\"%s\",\"poll\":true}]}\n",
             old_c, young_c);
    write_text(e.journal, text);
    ck_assert_int_eq(ops_tracker_start(e.t, NULL), 0);
    ck_assert_int_eq(ops_find(e.t, OID)->status, OP_UNKNOWN);
    ck_assert_int_eq(e.changes, 1);
    ck_assert_int_eq(e.last_old, OP_PENDING);
    ck_assert_int_eq(ops_pending_count(e.t), 1);
    settle(&e);
    /* The window starts at the young op, not 50 days back. */
    char *q = fake_last(&e.f);
    char want[100], from[64];
    want_from(young_c, from);
    snprintf(want, sizeof want, "&from_datetime=%s&", from);
    ck_assert_msg(strstr(q, want), "%s lacks %s", q, want);
    free(q);
    /* Given up for good: a restart does not poll it again. */
    ops_tracker_free(e.t);
    e.t = env_tracker(&e, true);
    e.changes = 0;
    ops_tracker_start(e.t, NULL);
    ck_assert_int_eq(ops_find(e.t, OID)->status, OP_UNKNOWN);
    ck_assert_int_eq(e.changes, 0);
    env_close(&e);
}
END_TEST

START_TEST(refused_window_gives_up_the_oldest)
{
    /* 44 days old by our clock, but the server's clock is ahead and refuses the window (422). */
    env e;
    env_open(&e, true);
    char old_c[32], young_c[32], text[2048];
    iso_time(time(NULL) - 44 * 86400, old_c);
    iso_time(time(NULL) - 60, young_c);
    snprintf(text, sizeof text,
             "{\"version\":1,\"ops\":[\n"
             "{\"id\":\"" OID "\",\"connection_id\":\"" CID "\",\"resource\":\"message\",\"operation_type\":\"create\","
             "\"status\":\"pending\",\"created_at\":\"%s\",\"poll\":true},\n"
             "{\"id\":\"019d0000-0000-7000-8000-0000000000aa\",\"connection_id\":\"" CID "\",\"resource\":\"user\","
             "\"operation_type\":\"update\",\"status\":\"pending\",\"created_at\":\"%s\",\"poll\":true}]}\n",
             old_c, young_c);
    write_text(e.journal, text);
    fake_fault(&e.f, 422, -1,
               "{\"code\":422,\"message\":\"Invalid Request Body\",\"detail\":[{\"path\":\"to_datetime\","
               "\"message\":\"may not exceed 45 days\"}]}");
    ck_assert_int_eq(ops_tracker_start(e.t, NULL), 0);
    settle(&e);
    ck_assert_int_eq(ops_find(e.t, OID)->status, OP_UNKNOWN);
    ck_assert_int_eq(ops_pending_count(e.t), 1);
    /* The next window starts at the young one and is accepted. */
    int64_t d = until_next_poll(&e);
    ck_assert_int_ge(d, 1600);
    tick(&e, d);
    char *q = fake_last(&e.f);
    char want[100], from[64];
    want_from(young_c, from);
    snprintf(want, sizeof want, "&from_datetime=%s&", from);
    ck_assert_msg(strstr(q, want), "%s lacks %s", q, want);
    free(q);
    ops_health h;
    ops_tracker_health(e.t, &h);
    ck_assert_int_eq(h.stale_since_ms, 0);
    env_close(&e);
}
END_TEST

START_TEST(followed_connection_shows_others)
{
    env e;
    env_open(&e, false);
    ops_tracker_start(e.t, NULL);
    char o1[37], o2[37], o3[37], ob[37], ma[37], mb[37];
    snprintf(o1, 37, "%s", fake_add(&e.f, CID, "success", 300));
    snprintf(o2, 37, "%s", fake_add(&e.f, CID, "failed", 200));
    snprintf(o3, 37, "%s", fake_add(&e.f, CID, "pending", 100));
    snprintf(ob, 37, "%s", fake_add(&e.f, CID_B, "pending", 90));
    snprintf(ma, 37, "%s", fake_add(&e.f, CID, "pending", 50));
    snprintf(mb, 37, "%s", fake_add(&e.f, CID_B, "success", 10));
    add_from_fake(&e, ma, "mine A", NULL);
    add_from_fake(&e, mb, "mine B", NULL);
    tick(&e, 1000);
    ck_assert_uint_eq(ops_count(e.t), 2); /* others only for a followed connection */

    fake_clear_log(&e.f);
    int ch = e.changes;
    ops_tracker_follow_connection(e.t, CID);
    settle(&e); /* looked at once */
    ck_assert_int_eq(fake_count(&e.f, LIST "connection_id=" CID), 1);
    ck_assert_uint_eq(ops_count(e.t), 5);
    ck_assert_int_eq(e.changes - ch, 3); /* newly seen */
    const char *order[] = {mb, ma, o3, o2, o1};
    for (int i = 0; i < 5; i++)
        ck_assert_str_eq(ops_get(e.t, (size_t)i)->id, order[i]);
    ck_assert(ops_get(e.t, 1)->mine);
    ck_assert(!ops_get(e.t, 2)->mine);
    ck_assert_ptr_null(ops_find(e.t, ob));
    ck_assert_int_eq(ops_pending_count(e.t), 2);

    /* Others that finish are reported too. */
    fake_set(&e.f, o3, "success", 0);
    fake_set(&e.f, ma, "success", 0);
    tick(&e, 1000);
    ck_assert_int_eq(ops_pending_count(e.t), 0);
    /* Nothing pending: the followed connection at the idle rate, from its newest op on. */
    ck_assert_int_eq(until_next_poll(&e), 15000);
    const char *late = fake_add(&e.f, CID, "pending", 0);
    fake_clear_log(&e.f);
    tick(&e, 14999);
    ck_assert_int_eq(fake_count(&e.f, LIST), 0);
    tick(&e, 1);
    ck_assert_int_eq(fake_count(&e.f, LIST), 1);
    ck_assert_ptr_nonnull(ops_find(e.t, late));
    ck_assert(!ops_find(e.t, late)->mine);
    ck_assert_int_eq(until_next_poll(&e), 1000); /* pending again */

    /* Unfollow: the others go, mine stay. */
    ops_tracker_follow_connection(e.t, NULL);
    ck_assert_uint_eq(ops_count(e.t), 2);
    ck_assert_int_eq(until_next_poll(&e), -1);
    env_close(&e);
}
END_TEST

START_TEST(detail_view_polls_its_op_by_id)
{
    env e;
    env_open(&e, false);
    ops_tracker_start(e.t, NULL);
    char a[37], b[37];
    snprintf(a, 37, "%s", fake_add(&e.f, CID, "pending", 50));
    snprintf(b, 37, "%s", fake_add(&e.f, CID, "pending", 40));
    add_from_fake(&e, a, NULL, NULL);
    ops_tracker_watch_detail(e.t, a);
    settle(&e);
    ck_assert_int_eq(fake_count(&e.f, SINGLE), 1);
    fake_clear_log(&e.f);
    tick(&e, 1000);
    ck_assert_int_eq(fake_count(&e.f, SINGLE), 1);
    ck_assert_int_eq(fake_count(&e.f, LIST), 0); /* instead of the list */
    char *q = fake_last(&e.f), want[200];
    snprintf(want, sizeof want, SINGLE "%s", a);
    ck_assert_str_eq(q, want);
    free(q);
    add_from_fake(&e, b, NULL, NULL);
    fake_clear_log(&e.f);
    tick(&e, 1000);
    ck_assert_int_eq(fake_count(&e.f, SINGLE), 1);
    ck_assert_int_eq(fake_count(&e.f, LIST), 1);
    fake_set(&e.f, a, "failed", 3);
    tick(&e, 1000);
    ck_assert_int_eq(ops_find(e.t, a)->status, OP_FAILED);
    ck_assert_int_eq(ops_find(e.t, a)->nlogs, 3);
    /* Closed detail: the list alone. */
    ops_tracker_watch_detail(e.t, NULL);
    fake_clear_log(&e.f);
    tick(&e, 1000);
    ck_assert_int_eq(fake_count(&e.f, SINGLE), 0);
    ck_assert_int_eq(fake_count(&e.f, LIST), 1);
    /* An op the server does not know: 404 is an answer, the op becomes unknown. */
    fake_forget(&e.f, b);
    ops_tracker_watch_detail(e.t, b);
    settle(&e);
    ck_assert_int_eq(ops_find(e.t, b)->status, OP_UNKNOWN);
    ops_health h;
    ops_tracker_health(e.t, &h);
    ck_assert_int_eq(h.stale_since_ms, 0);
    env_close(&e);
}
END_TEST

START_TEST(no_overlapping_requests)
{
    env e;
    env_open(&e, false);
    ops_tracker_start(e.t, NULL);
    add_from_fake(&e, fake_add(&e.f, CID, "pending", 5), NULL, NULL);
    settle(&e);
    e.f.delay_ms = 300;
    loop_advance(e.l, 1000);
    for (int i = 0; i < 5; i++) {
        loop_run_once(e.l, 5);
        loop_advance(e.l, 1000);
        ops_health h;
        ops_tracker_health(e.t, &h);
        ck_assert(h.polling);
        ck_assert_uint_eq(h.requests, 1);
    }
    settle(&e);
    e.f.delay_ms = 0;
    ck_assert_int_eq(fake_count(&e.f, LIST), 1);
    tick(&e, 1000);
    ck_assert_int_eq(fake_count(&e.f, LIST), 2);
    env_close(&e);
}
END_TEST

START_TEST(vanished_op_is_given_up)
{
    env e;
    env_open(&e, false);
    ops_tracker_start(e.t, NULL);
    const char *id = fake_add(&e.f, CID, "pending", 5);
    add_from_fake(&e, id, NULL, NULL);
    fake_forget(&e.f, id);
    for (int i = 0; i < 29; i++)
        tick(&e, 1000);
    ck_assert_int_eq(ops_pending_count(e.t), 1);
    tick(&e, 1000);
    ck_assert_int_eq(ops_pending_count(e.t), 0);
    ck_assert_int_eq(ops_get(e.t, 0)->status, OP_UNKNOWN);
    fake_clear_log(&e.f);
    tick(&e, 20000);
    ck_assert_int_eq(fake_count(&e.f, "/v2/"), 0);
    env_close(&e);
}
END_TEST

START_TEST(add_response_rejects_non_ops)
{
    env e;
    env_open(&e, false);
    ops_tracker_start(e.t, NULL);
    const char *bodies[] = {"", "{\"code\":422,\"message\":\"Invalid Request Body\",\"detail\":[]}", "[1]", "{\"id\":"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        char *err = NULL;
        ck_assert_ptr_null(ops_tracker_add_response(e.t, bodies[i], strlen(bodies[i]), "x", NULL, &err));
        ck_assert_ptr_nonnull(err);
        ck_assert_msg(strstr(err, "not an operation"), "%s", err);
        free(err);
    }
    ck_assert_ptr_null(ops_tracker_add_response(e.t, NULL, 0, NULL, NULL, NULL));
    ck_assert_uint_eq(ops_count(e.t), 0);
    ck_assert_int_eq(e.changes + e.dirties, 0);
    /* The sync outcomes: 200 success and 502 failed are added, not polled. */
    const char *ok = "{" BASE ",\"status\":\"success\",\"resource_id\":\"" CID "\"}";
    const op_rec *r = ops_tracker_add_response(e.t, ok, strlen(ok), NULL, NULL, NULL);
    ck_assert_int_eq(r->status, OP_SUCCESS);
    ck_assert_int_eq(until_next_poll(&e), -1);
    /* The same op again (say the UI added it twice) is one op. */
    ck_assert_ptr_eq(ops_tracker_add_response(e.t, ok, strlen(ok), "again", NULL, NULL), r);
    ck_assert_uint_eq(ops_count(e.t), 1);
    ck_assert_str_eq(r->label, "again");
    ck_assert_ptr_eq(ops_find(e.t, "019DDD87-EEDD-710F-967C-1C6CC72AC985"), r);
    ck_assert_ptr_null(ops_find(e.t, "nope"));
    ck_assert_ptr_null(ops_get(e.t, 1));
    env_close(&e);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops");
    TCase *tc = tcase_create("parse");
    tcase_add_loop_test(tc, parse_table, 0, (int)(sizeof parse_cases / sizeof parse_cases[0]));
    tcase_add_test(tc, parse_read_model_fields);
    tcase_add_test(tc, parse_invalid_utf8_and_controls);
    tcase_add_test(tc, status_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("tracker");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, pending_to_success_fires_once);
    tcase_add_test(tc, one_list_per_connection_per_tick_for_1000_ops);
    tcase_add_test(tc, next_pages_are_followed);
    tcase_add_test(tc, errors_back_off_with_jitter_then_recover);
    tcase_add_test(tc, backoff_is_capped_at_five_minutes);
    tcase_add_test(tc, rate_limit_waits_for_retry_after);
    tcase_add_test(tc, network_errors_mark_offline);
    tcase_add_test(tc, unreachable_server_is_offline);
    tcase_add_test(tc, malformed_answers_are_errors);
    tcase_add_test(tc, journal_survives_a_restart);
    tcase_add_test(tc, corrupt_journal_is_set_aside);
    tcase_add_test(tc, journal_write_errors_are_shown);
    tcase_add_test(tc, journal_keeps_the_last_500);
    tcase_add_test(tc, ops_older_than_45_days_are_given_up);
    tcase_add_test(tc, refused_window_gives_up_the_oldest);
    tcase_add_test(tc, followed_connection_shows_others);
    tcase_add_test(tc, detail_view_polls_its_op_by_id);
    tcase_add_test(tc, no_overlapping_requests);
    tcase_add_test(tc, vanished_op_is_given_up);
    tcase_add_test(tc, add_response_rejects_non_ops);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
