/* catena-bench: the C side of tests/bench/run. Each subcommand measures one thing with the
 * console's own code and prints name=value lines on stdout (diagnostics go to stderr):
 *
 *   pages API AUTH CONN SIZE CFG   walks every vehicle and user page of connection CONN once,
 *                                  writes a curl config (-K) that fetches the same pages, and
 *                                  prints records, pages and raw JSON bytes
 *   load  API AUTH CONN SIZE       loads every vehicle and user of CONN into store tables with
 *                                  api_load_table (vehicles, then users, like curl: one after
 *                                  the other) and prints wall time and RSS before / peak after;
 *                                  then builds the vehicles' search index (core/search.c) and
 *                                  times a full count of two filters over it
 *   ops   API AUTH N...            sends messages until N are pending (for each N), hands them to
 *                                  an ops tracker on a virtual clock, and counts the HTTP requests
 *                                  one poll tick costs, from the emulator's request log
 *   first-frame ARGS...            runs the console (console_main) with ARGS and prints when its
 *                                  first frame went out, when its first HTTP reply arrived (the
 *                                  token) and when the first frame showing rows of a list went out
 *
 * first-frame needs the link options -Wl,--wrap=app_draw -Wl,--wrap=curl_multi_info_read: the
 * wrappers below only note the time and call the real functions. */
#include "app/console.h"
#include "common/strbuf.h"
#include "core/api.h"
#include "core/ops.h"
#include "core/search.h"
#include "ui/app.h"
#include "ui/screen.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define WAIT_MS 1200000 /* a million rows on a loaded machine take minutes */

static void die(const char *fmt, const char *a)
{
    fprintf(stderr, "catena-bench: ");
    fprintf(stderr, fmt, a ? a : "");
    fputc('\n', stderr);
    exit(1);
}

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* A field of /proc/self/status in bytes (VmRSS, VmHWM), or -1. */
static long long proc_status_bytes(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    size_t n = strlen(field);
    long long kb = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0 && line[n] == ':') {
            kb = atoll(line + n + 1);
            break;
        }
    fclose(f);
    return kb < 0 ? -1 : kb * 1024;
}

/* ------------------------------------------------------------------ client */

typedef struct client {
    loop *l;
    http_client *h;
    auth *au;
    api *a;
    char *token;
    int done;
    api_reply reply;
    strbuf body;
} client;

static void on_token(void *ud, const char *token, const char *error, auth_failure why)
{
    client *c = ud;
    (void)why;
    if (!token)
        die("no token: %s", error);
    c->token = xstrdup(token);
    c->done = 1;
}

static void wait_done(client *c, const char *what)
{
    double deadline = mono_ms() + WAIT_MS;
    while (!c->done && mono_ms() < deadline)
        loop_run_once(c->l, 50);
    if (!c->done)
        die("timed out: %s", what);
}

static void client_open(client *c, const char *api_url, const char *auth_url, bool virtual_clock)
{
    memset(c, 0, sizeof *c);
    c->l = loop_new();
    if (virtual_clock)
        loop_set_virtual_clock(c->l, true);
    c->h = http_client_new(c->l);
    c->au = auth_new(c->l, c->h, auth_url, "demo-client", "demo-secret");
    c->a = api_new(c->l, c->h, c->au, api_url);
    /* Sign in first: both sides of a comparison start with a token in hand. */
    auth_with_token(c->au, on_token, c);
    wait_done(c, "sign-in");
}

static void client_close(client *c)
{
    api_free(c->a);
    auth_free(c->au);
    http_client_free(c->h);
    loop_free(c->l);
    free(c->token);
    strbuf_free(&c->body);
}

static void on_reply(void *ud, const api_reply *r)
{
    client *c = ud;
    c->reply = *r;
    strbuf_reset(&c->body);
    strbuf_append(&c->body, r->body ? r->body : "", r->body ? r->body_len : 0);
    c->reply.body = c->body.data;
    c->done = 1;
}

/* One call, waited for. Returns the HTTP status; the body is in c->body. */
static long sync_call(client *c, const char *method, const char *path, const char *json)
{
    c->done = 0;
    api_call(c->a, method, path, json, on_reply, c);
    wait_done(c, path);
    return c->reply.http_status;
}

/* ------------------------------------------------------------------ pages */

static int cmd_pages(int argc, char **argv)
{
    if (argc != 6)
        die("usage: pages API AUTH CONN SIZE CFG%s", "");
    const char *api_url = argv[1], *conn = argv[3], *cfg_path = argv[5];
    int size = atoi(argv[4]);
    client c;
    client_open(&c, api_url, argv[2], false);
    FILE *cfg = fopen(cfg_path, "w");
    if (!cfg)
        die("cannot write %s", cfg_path);
    fprintf(cfg, "header = \"Authorization: Bearer %s\"\n", c.token);
    static const char *const lists[] = {"/v2/telematics/vehicles", "/v2/telematics/users"};
    long long bytes = 0, records = 0, pages = 0;
    for (size_t k = 0; k < 2; k++) {
        char *cursor = NULL;
        do {
            strbuf q = STRBUF_INIT;
            strbuf_printf(&q, "%s?connection_id=%s&size=%d", lists[k], conn, size);
            if (cursor) {
                strbuf_puts(&q, "&cursor=");
                strbuf_put_urlencoded(&q, cursor);
            }
            free(cursor);
            cursor = NULL;
            if (sync_call(&c, "GET", q.data, NULL) != 200)
                die("GET failed: %s", q.data);
            fprintf(cfg, "url = \"%s%s\"\noutput = \"/dev/null\"\n", api_url, q.data);
            strbuf_free(&q);
            bytes += (long long)c.body.len;
            pages++;
            cJSON *root = cJSON_ParseWithLength(c.body.data, c.body.len);
            const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
            const cJSON *np = cJSON_GetObjectItemCaseSensitive(root, "next_page");
            int n = cJSON_GetArraySize(items);
            records += n;
            if (n > 0 && cJSON_IsString(np) && np->valuestring[0])
                cursor = xstrdup(np->valuestring);
            cJSON_Delete(root);
        } while (cursor);
    }
    fclose(cfg);
    printf("pages=%lld\nrecords=%lld\njson_bytes=%lld\n", pages, records, bytes);
    client_close(&c);
    return 0;
}

/* ------------------------------------------------------------------ load */

typedef struct load_run {
    client *c;
    table vehicles, users;
    const char *conn;
    int size;
    int stage; /* 0 vehicles running, 1 users running, 2 done */
} load_run;

static void on_loaded(void *ud, table *t)
{
    load_run *lr = ud;
    if (t->state != LOAD_DONE)
        die("load failed: %s", t->error);
    if (lr->stage == 0) {
        lr->stage = 1;
        char path[200];
        snprintf(path, sizeof path, "/v2/telematics/users?connection_id=%s", lr->conn);
        api_load_table(lr->c->a, &lr->users, path, lr->size, NULL, on_loaded, lr);
    } else {
        lr->stage = 2;
        lr->c->done = 1;
    }
}

static size_t table_bytes(const table *t, size_t *rows, size_t *pool)
{
    *rows = t->cap * record_size(t->kind);
    *pool = t->pool.cap;
    return *rows + *pool;
}

static int cmd_load(int argc, char **argv)
{
    if (argc != 5)
        die("usage: load API AUTH CONN SIZE%s", "");
    client c;
    client_open(&c, argv[1], argv[2], false);
    load_run lr = {.c = &c, .conn = argv[3], .size = atoi(argv[4])};
    table_init(&lr.vehicles, KIND_VEHICLE);
    table_init(&lr.users, KIND_DRIVER);
    long long rss_before = proc_status_bytes("VmRSS"), hwm_before = proc_status_bytes("VmHWM");
    char path[200];
    snprintf(path, sizeof path, "/v2/telematics/vehicles?connection_id=%s", lr.conn);
    c.done = 0;
    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);
    double t0 = mono_ms();
    api_load_table(c.a, &lr.vehicles, path, lr.size, NULL, on_loaded, &lr);
    wait_done(&c, "load");
    double t1 = mono_ms();
    getrusage(RUSAGE_SELF, &ru1);
    printf("load_minor_faults=%ld\nload_cpu_ms=%.1f\n", ru1.ru_minflt - ru0.ru_minflt,
           (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) * 1000.0 +
               (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) /
                   1000.0);
    long long hwm_after = proc_status_bytes("VmHWM"), rss_after = proc_status_bytes("VmRSS");
    size_t vr, vp, ur, up;
    size_t store = table_bytes(&lr.vehicles, &vr, &vp) + table_bytes(&lr.users, &ur, &up);
    printf("load_ms=%.1f\nrecords=%zu\nvehicles=%zu\nusers=%zu\n", t1 - t0, lr.vehicles.count + lr.users.count,
           lr.vehicles.count, lr.users.count);
    printf("rss_before=%lld\nhwm_before=%lld\nhwm_after=%lld\nrss_after=%lld\n", rss_before, hwm_before, hwm_after,
           rss_after);
    printf("store_bytes=%zu\nstore_row_bytes=%zu\nstore_pool_bytes=%zu\nstore_used_bytes=%zu\n", store, vr + ur,
           vp + up,
           lr.vehicles.count * record_size(KIND_VEHICLE) + lr.users.count * record_size(KIND_DRIVER) +
               lr.vehicles.pool.len + lr.users.pool.len);
    /* The filter's index, as the vehicles list builds it while rows arrive, then full counts. */
    search *s = search_new();
    double t2 = mono_ms();
    while (!search_step(s, &lr.vehicles, 1u << 20, SIZE_MAX))
        ;
    double t3 = mono_ms();
    printf("index_ms=%.1f\nindex_bytes=%zu\nrss_with_index=%lld\n", t3 - t2, search_index_bytes(s),
           proc_status_bytes("VmRSS"));
    static const char *const filters[][2] = {{"a", "count_a"}, {"Truck ", "count_truck"}, {"Truck 1", "count_narrow"}};
    for (size_t k = 0; k < sizeof filters / sizeof filters[0]; k++) {
        double f0 = mono_ms();
        search_set_filter(s, filters[k][0]);
        while (!search_step(s, &lr.vehicles, 1u << 16, SIZE_MAX))
            ;
        size_t n;
        search_matches(s, &n);
        printf("%s_ms=%.2f\n%s_matches=%zu\n", filters[k][1], mono_ms() - f0, filters[k][1], n);
    }
    printf("hwm_with_index=%lld\n", proc_status_bytes("VmHWM"));
    search_free(s);
    table_clear(&lr.vehicles);
    table_clear(&lr.users);
    client_close(&c);
    return 0;
}

/* ------------------------------------------------------------------ ops */

typedef struct ops_run {
    client *c;
    ops_tracker *t;
    char conn[37], sender[37], driver[37];
    int want, sent, answered, in_flight, failed;
    strbuf errors;
} ops_run;

static void on_sent(void *ud, const api_reply *r)
{
    ops_run *o = ud;
    o->in_flight--;
    o->answered++;
    char *err = NULL;
    if (r->status != API_OK || !ops_tracker_add_response(o->t, r->body, r->body_len, "bench", o->driver, &err)) {
        if (!o->failed++)
            strbuf_printf(&o->errors, "POST message: %ld %s %s", r->http_status, r->message, err ? err : "");
    }
    free(err);
}

static void send_messages(ops_run *o, int upto)
{
    const int window = 8;
    double deadline = mono_ms() + WAIT_MS;
    while (o->answered < upto && mono_ms() < deadline) {
        while (o->sent < upto && o->in_flight < window) {
            char json[400];
            snprintf(json, sizeof json,
                     "{\"connection_id\":\"%s\",\"sender_id\":\"%s\",\"recipient_id\":\"%s\","
                     "\"message_text\":\"bench message %d\"}",
                     o->conn, o->sender, o->driver, o->sent + 1);
            o->sent++;
            o->in_flight++;
            api_call(o->c->a, "POST", "/v2/telematics/messages", json, on_sent, o);
        }
        loop_run_once(o->c->l, 20);
    }
    if (o->answered < upto)
        die("messages still unanswered%s", "");
    if (o->failed)
        die("%s", o->errors.data);
}

static void settle(client *c)
{
    double deadline = mono_ms() + WAIT_MS;
    while (api_in_flight(c->a) > 0 && mono_ms() < deadline)
        loop_run_once(c->l, 10);
    if (api_in_flight(c->a) > 0)
        die("requests still running%s", "");
}

/* Logged API requests (not the control surface) by method, since the last clear. */
static int logged_requests(client *c, const char *method, const char *path_prefix)
{
    if (sync_call(c, "GET", "/_emulator/requests", NULL) != 200)
        die("cannot read the request log%s", "");
    cJSON *root = cJSON_ParseWithLength(c->body.data, c->body.len);
    const cJSON *list = cJSON_IsArray(root) ? root : cJSON_GetObjectItem(root, "items"), *it;
    int n = 0;
    cJSON_ArrayForEach(it, list)
    {
        const cJSON *m = cJSON_GetObjectItem(it, "method"), *p = cJSON_GetObjectItem(it, "path");
        if (cJSON_IsString(m) && strcmp(m->valuestring, method) == 0 && cJSON_IsString(p) &&
            strncmp(p->valuestring, path_prefix, strlen(path_prefix)) == 0)
            n++;
    }
    cJSON_Delete(root);
    return n;
}

static int cmd_ops(int argc, char **argv)
{
    if (argc < 4)
        die("usage: ops API AUTH N...%s", "");
    client c;
    client_open(&c, argv[1], argv[2], true);
    ops_run o = {.c = &c};
    /* The first connection, its dispatcher (sender) and one of its drivers. */
    if (sync_call(&c, "GET", "/v2/integrations/connections?size=10", NULL) != 200)
        die("cannot list connections%s", "");
    cJSON *root = cJSON_Parse(c.body.data);
    const cJSON *c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "items"), 0);
    if (!c0)
        die("no connection%s", "");
    snprintf(o.conn, sizeof o.conn, "%s", cJSON_GetObjectItem(c0, "id")->valuestring);
    cJSON_Delete(root);
    char path[200];
    snprintf(path, sizeof path, "/v2/telematics/users?connection_id=%s&size=1000", o.conn);
    if (sync_call(&c, "GET", path, NULL) != 200)
        die("cannot list users%s", "");
    root = cJSON_Parse(c.body.data);
    const cJSON *u;
    cJSON_ArrayForEach(u, cJSON_GetObjectItem(root, "items"))
    {
        char *dst = cJSON_IsTrue(cJSON_GetObjectItem(u, "is_driver")) ? o.driver : o.sender;
        if (!dst[0])
            snprintf(dst, 37, "%s", cJSON_GetObjectItem(u, "id")->valuestring);
    }
    cJSON_Delete(root);
    if (!o.sender[0] || !o.driver[0])
        die("no dispatcher/driver on %s", o.conn);

    ops_settings s = {.poll_pending_ms = 1000, .poll_idle_ms = 15000, .journal_path = NULL};
    o.t = ops_tracker_new(c.l, c.a, &s);
    if (ops_tracker_start(o.t, NULL) != 0)
        die("tracker did not start%s", "");
    for (int k = 3; k < argc; k++) {
        int n = atoi(argv[k]);
        send_messages(&o, n);
        /* A warm-up tick: the first poll after new ops; then the measured one. */
        loop_advance(c.l, 1000);
        settle(&c);
        if (sync_call(&c, "DELETE", "/_emulator/requests", NULL) / 100 != 2)
            die("cannot clear the request log%s", "");
        uint64_t before = http_requests_started(c.h), bytes_before = http_body_bytes_received(c.h);
        loop_advance(c.l, 1000);
        settle(&c);
        uint64_t client_count = http_requests_started(c.h) - before;
        uint64_t bytes = http_body_bytes_received(c.h) - bytes_before;
        int gets = logged_requests(&c, "GET", "/v2/");
        int list = logged_requests(&c, "GET", "/v2/integrations/connections/resource-operations");
        printf("pending_%d=%d\nrequests_per_tick_%d=%d\nlist_requests_per_tick_%d=%d\nclient_requests_per_tick_%d=%llu\n"
               "bytes_per_tick_%d=%llu\n",
               n, ops_pending_count(o.t), n, gets, n, list, n, (unsigned long long)client_count, n,
               (unsigned long long)bytes);
        fflush(stdout);
    }
    ops_tracker_free(o.t);
    strbuf_free(&o.errors);
    client_close(&c);
    return 0;
}

/* ------------------------------------------------------------------ first frame */

static double g_start_ms, g_first_frame_ms = -1, g_first_reply_ms = -1;
static double g_first_rows_ms = -1;
static unsigned long long g_first_frame_bytes;

void __real_app_draw(app *a);
void __wrap_app_draw(app *a)
{
    bool was_dirty = a->dirty != 0;
    __real_app_draw(a);
    if (g_first_frame_ms < 0 && screen_output_bytes() > 0) {
        g_first_frame_ms = mono_ms() - g_start_ms;
        g_first_frame_bytes = screen_output_bytes();
    }
    /* A frame that showed rows: the list on screen has some (and the frame was drawn). */
    const table *t = was_dirty ? app_view_table(a, a->current) : NULL;
    if (t && t->count > 0 && a->views[a->current].nvisible > 0 && g_first_rows_ms < 0)
        g_first_rows_ms = mono_ms() - g_start_ms;
}

CURLMsg *__real_curl_multi_info_read(CURLM *m, int *left);
CURLMsg *__wrap_curl_multi_info_read(CURLM *m, int *left)
{
    CURLMsg *msg = __real_curl_multi_info_read(m, left);
    if (msg && msg->msg == CURLMSG_DONE && g_first_reply_ms < 0)
        g_first_reply_ms = mono_ms() - g_start_ms;
    return msg;
}

static int cmd_first_frame(int argc, char **argv)
{
    argv[0] = (char *)"catena-dispatch";
    int rc = console_main(argc, argv);
    printf("first_frame_ms=%.2f\nfirst_frame_bytes=%llu\nfirst_reply_ms=%.2f\nfirst_rows_frame_ms=%.2f\nconsole_exit=%d\n",
           g_first_frame_ms, g_first_frame_bytes, g_first_reply_ms, g_first_rows_ms, rc);
    return rc;
}

int main(int argc, char **argv)
{
    g_start_ms = mono_ms();
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2)
        die("usage: catena-bench pages|load|ops|first-frame ...%s", "");
    const char *cmd = argv[1];
    if (strcmp(cmd, "pages") == 0)
        return cmd_pages(argc - 1, argv + 1);
    if (strcmp(cmd, "load") == 0)
        return cmd_load(argc - 1, argv + 1);
    if (strcmp(cmd, "ops") == 0)
        return cmd_ops(argc - 1, argv + 1);
    if (strcmp(cmd, "first-frame") == 0)
        return cmd_first_frame(argc - 1, argv + 1);
    die("unknown subcommand %s", cmd);
    return 2;
}
