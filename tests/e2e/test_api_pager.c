/* The pager (src/core/api_pager.c) against a real catena-emulator: pages streamed, the filters
 * kept on every page, an error mid-way keeps what came and says so, and hostile pagination
 * (a next_page that loops, empty pages that keep a cursor, more pages than allowed) ends with a
 * clear error instead of requests without end. */
#include "core/api.h"
#include "core/api_caps.h"
#include "core/api_pager.h"
#include "emu_proc.h"
#include "suite_runner.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static emu_proc emu;

typedef struct fixture {
    loop *l;
    http_client *h;
    auth *au;
    api *a;
    char conn[UUID_STR_LEN];
} fixture;

static void fx_open(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->l = loop_new();
    f->h = http_client_new(f->l);
    f->au = auth_new(f->l, f->h, emu.auth_url, "demo-client", "demo-secret");
    f->a = api_new(f->l, f->h, f->au, emu.url);
    table conns;
    table_init(&conns, KIND_CONNECTION);
    ck_assert_int_eq(api_load_table_run(f->a, &conns, api_collection_path("connection"), 0, NULL), API_OK);
    ck_assert_uint_ge(conns.count, 1);
    uuid_format(&((connection_rec *)table_row(&conns, 0))->id, f->conn);
    table_clear(&conns);
}

static void fx_close(fixture *f)
{
    api_free(f->a);
    auth_free(f->au);
    http_client_free(f->h);
    loop_free(f->l);
}

static void run_until(fixture *f, const int *flag)
{
    int64_t deadline = loop_real_now_ms() + 60000;
    while (!*flag && loop_real_now_ms() < deadline)
        loop_run_once(f->l, 100);
    ck_assert_msg(*flag, "timed out");
}

/* ------------------------------------------------------------------ the emulator's control surface */

static char *control(const char *method, const char *path, const char *body)
{
    char url[512], *buf = NULL;
    size_t len = 0;
    snprintf(url, sizeof url, "%s%s", emu.url, path);
    FILE *out = open_memstream(&buf, &len);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    fclose(out);
    ck_assert_msg(rc == CURLE_OK, "control request %s failed", path);
    return buf;
}

static void add_fault(const char *json)
{
    char *r = control("POST", "/_emulator/faults", json);
    ck_assert_msg(strstr(r, "error") == NULL, "fault refused: %s", r);
    free(r);
}

static void clear_faults_and_log(void)
{
    free(control("DELETE", "/_emulator/faults", NULL));
    free(control("DELETE", "/_emulator/requests", NULL));
}

/* The queries of the logged GETs of path, in order (a JSON array; caller deletes). */
static cJSON *logged_queries(const char *path)
{
    char *text = control("GET", "/_emulator/requests", NULL);
    cJSON *all = cJSON_Parse(text), *out = cJSON_CreateArray(), *it;
    free(text);
    cJSON_ArrayForEach(it, all)
    {
        const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(it, "method"));
        const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(it, "path"));
        const char *q = cJSON_GetStringValue(cJSON_GetObjectItem(it, "query"));
        if (m && p && !strcmp(m, "GET") && !strcmp(p, path))
            cJSON_AddItemToArray(out, cJSON_CreateString(q ? q : ""));
    }
    cJSON_Delete(all);
    return out;
}

/* ------------------------------------------------------------------ a recording pager */

typedef struct rec {
    int pages, done;
    size_t items;
    bool all_drivers;
    api_pager_result res;
    char error[400];
} rec;

static int on_page(void *ud, const api_page *pg, char **err)
{
    (void)err;
    rec *r = ud;
    ck_assert_int_eq(pg->index, r->pages);
    r->pages++;
    r->items += pg->count;
    const cJSON *it;
    cJSON_ArrayForEach(it, pg->items)
    {
        if (!cJSON_IsTrue(cJSON_GetObjectItem(it, "is_driver")))
            r->all_drivers = false;
    }
    return 0;
}

static void on_done(void *ud, const api_pager_result *res)
{
    rec *r = ud;
    ck_assert_int_eq(r->done, 0); /* exactly once */
    r->res = *res;
    snprintf(r->error, sizeof r->error, "%s", res->error ? res->error : "");
    r->res.error = NULL;
    r->done = 1;
}

START_TEST(pages_stream_and_the_filter_is_kept_on_every_page)
{
    fixture f;
    fx_open(&f);
    clear_faults_and_log();
    char *path = api_list_path("user", f.conn, "is_driver=true");
    rec r = {.all_drivers = true};
    api_pager_req req = {.path_query = path, .page_size = 3, .on_page = on_page, .on_done = on_done, .ud = &r};
    ck_assert_ptr_nonnull(api_pager_start(f.a, &req));
    free(path);
    run_until(&f, &r.done);
    ck_assert_int_eq(r.res.status, API_OK);
    ck_assert_str_eq(r.error, "");
    ck_assert_int_gt(r.pages, 2);
    ck_assert_int_eq(r.res.pages, r.pages);
    ck_assert_uint_eq(r.res.items, r.items);
    ck_assert_int_eq(r.res.total, (long)r.items);
    ck_assert(r.all_drivers);
    /* Every request carried the filter and the size; all but the first a cursor. */
    cJSON *qs = logged_queries("/v2/telematics/users");
    ck_assert_int_eq(cJSON_GetArraySize(qs), r.pages);
    int i = 0;
    const cJSON *q;
    cJSON_ArrayForEach(q, qs)
    {
        ck_assert_ptr_nonnull(strstr(q->valuestring, "is_driver=true"));
        ck_assert_ptr_nonnull(strstr(q->valuestring, f.conn));
        ck_assert_ptr_nonnull(strstr(q->valuestring, "size=3"));
        ck_assert((strstr(q->valuestring, "cursor=") != NULL) == (i > 0));
        i++;
    }
    cJSON_Delete(qs);
    fx_close(&f);
}
END_TEST

typedef struct mid {
    int done, progress;
} mid;

static void fail_after_first_page(void *ud, table *t)
{
    mid *m = ud;
    if (m->progress++ == 0) {
        ck_assert_uint_eq(t->count, 5);
        add_fault("{\"route\":\"/v2/telematics/vehicles\",\"kind\":\"status\",\"status\":500,\"count\":1}");
    }
}

static void table_done(void *ud, table *t)
{
    (void)t;
    ((mid *)ud)->done = 1;
}

/* Pipelining (issue 15): while a page that points to a next one is taken, the next request is
 * already out; the last page has none behind it. */
typedef struct ahead {
    http_client *h;
    uint64_t started0; /* requests the client had started before the load */
    rec r;
    int pages_with_request_out, pages_with_more;
} ahead;

static int on_page_ahead(void *ud, const api_page *pg, char **err)
{
    ahead *h = ud;
    /* Page k is the (k+1)th request; the next one has been started when there are k+2. */
    uint64_t started = http_requests_started(h->h) - h->started0;
    if (pg->more) {
        h->pages_with_more++;
        if (started == (uint64_t)pg->index + 2)
            h->pages_with_request_out++;
    } else {
        ck_assert_uint_eq(started, (uint64_t)pg->index + 1);
    }
    return on_page(&h->r, pg, err);
}

static void on_done_ahead(void *ud, const api_pager_result *res)
{
    on_done(&((ahead *)ud)->r, res);
}

START_TEST(the_next_page_is_requested_before_a_page_is_decoded)
{
    fixture f;
    fx_open(&f);
    clear_faults_and_log();
    char *path = api_list_path("vehicle", f.conn, NULL);
    ahead h = {.h = f.h, .started0 = http_requests_started(f.h)};
    api_pager_req req = {.path_query = path, .page_size = 4, .on_page = on_page_ahead, .on_done = on_done_ahead, .ud = &h};
    ck_assert_ptr_nonnull(api_pager_start(f.a, &req));
    free(path);
    run_until(&f, &h.r.done);
    ck_assert_int_eq(h.r.res.status, API_OK);
    ck_assert_int_gt(h.pages_with_more, 1);
    ck_assert_int_eq(h.pages_with_request_out, h.pages_with_more);
    ck_assert_int_eq(h.r.res.total, (long)h.r.items);
    fx_close(&f);
}
END_TEST

START_TEST(an_error_mid_way_keeps_what_was_loaded_and_says_so)
{
    fixture f;
    fx_open(&f);
    clear_faults_and_log();
    char *path = api_list_path("vehicle", f.conn, NULL);
    table veh;
    table_init(&veh, KIND_VEHICLE);
    mid m = {0};
    api_load_table(f.a, &veh, path, 5, fail_after_first_page, table_done, &m);
    free(path);
    run_until(&f, &m.done);
    clear_faults_and_log();
    ck_assert_int_eq(veh.state, LOAD_FAILED);
    /* The pages that came before the failure stay. The next page is requested before a page is
     * decoded, so the request that fails is the second or the third. */
    ck_assert_msg(veh.count == 5 || veh.count == 10, "%zu rows kept", veh.count);
    ck_assert_int_gt(veh.total, 10);
    ck_assert_ptr_nonnull(strstr(veh.error, "500"));
    char want[96];
    snprintf(want, sizeof want, "stopped after %zu items on %zu page%s; the list is incomplete", veh.count,
             veh.count / 5, veh.count == 5 ? "" : "s");
    ck_assert_msg(strstr(veh.error, want), "%s", veh.error);
    table_clear(&veh);
    fx_close(&f);
}
END_TEST

START_TEST(a_next_page_that_loops_ends_with_a_clear_error)
{
    fixture f;
    fx_open(&f);
    clear_faults_and_log();
    add_fault("{\"route\":\"/v2/telematics/vehicles\",\"kind\":\"cursor_loop\"}");
    char *path = api_list_path("vehicle", f.conn, NULL);
    table veh;
    table_init(&veh, KIND_VEHICLE);
    mid m = {0};
    uint64_t before = http_requests_started(f.h);
    api_load_table(f.a, &veh, path, 5, NULL, table_done, &m);
    free(path);
    run_until(&f, &m.done);
    uint64_t requests = http_requests_started(f.h) - before;
    clear_faults_and_log();
    ck_assert_int_eq(veh.state, LOAD_FAILED);
    ck_assert_msg(strstr(veh.error, "leads back to a page already read"), "%s", veh.error);
    ck_assert_uint_eq(veh.count, 5); /* the first page, once */
    ck_assert_uint_le(requests, 2);
    table_clear(&veh);
    /* A page of one item says so in the singular. */
    add_fault("{\"route\":\"/v2/telematics/vehicles\",\"kind\":\"cursor_loop\"}");
    path = api_list_path("vehicle", f.conn, NULL);
    table_init(&veh, KIND_VEHICLE);
    memset(&m, 0, sizeof m);
    api_load_table(f.a, &veh, path, 1, NULL, table_done, &m);
    free(path);
    run_until(&f, &m.done);
    clear_faults_and_log();
    ck_assert_msg(strstr(veh.error, "(stopped after 1 item on 1 page;"), "%s", veh.error);
    table_clear(&veh);
    fx_close(&f);
}
END_TEST

START_TEST(empty_pages_that_keep_a_cursor_end_with_a_clear_error)
{
    fixture f;
    fx_open(&f);
    clear_faults_and_log();
    add_fault("{\"route\":\"/v2/integrations/tsps\",\"kind\":\"empty_pages\"}");
    rec r = {0};
    api_pager_req req = {.path_query = api_collection_path("tsp"), .on_page = on_page, .on_done = on_done, .ud = &r};
    api_pager_start(f.a, &req);
    run_until(&f, &r.done);
    cJSON *qs = logged_queries("/v2/integrations/tsps");
    int requests = cJSON_GetArraySize(qs);
    cJSON_Delete(qs);
    clear_faults_and_log();
    ck_assert_int_eq(r.res.status, API_HTTP_ERROR);
    ck_assert_msg(strstr(r.error, "empty pages in a row"), "%s", r.error);
    ck_assert_int_eq(requests, API_PAGER_EMPTY_MAX);
    ck_assert_uint_eq(r.items, 0);
    fx_close(&f);
}
END_TEST

START_TEST(more_pages_than_the_bound_end_with_a_clear_error)
{
    fixture f;
    fx_open(&f);
    clear_faults_and_log();
    char *path = api_list_path("vehicle", f.conn, NULL);
    rec r = {0};
    api_pager_req req = {
        .path_query = path, .page_size = 5, .max_pages = 2, .on_page = on_page, .on_done = on_done, .ud = &r};
    api_pager_start(f.a, &req);
    free(path);
    run_until(&f, &r.done);
    ck_assert_int_eq(r.res.status, API_HTTP_ERROR);
    ck_assert_msg(strstr(r.error, "more than 2 pages"), "%s", r.error);
    ck_assert_int_eq(r.pages, 2);
    ck_assert_uint_eq(r.items, 10);
    fx_close(&f);
}
END_TEST

START_TEST(a_subcommand_pumps_a_load_to_completion_and_a_stop_cancels_it)
{
    fixture f;
    fx_open(&f);
    char *path = api_list_path("vehicle", f.conn, NULL);
    table veh;
    table_init(&veh, KIND_VEHICLE);
    ck_assert_int_eq(api_load_table_run(f.a, &veh, path, 97, NULL), API_OK);
    ck_assert_int_eq(veh.state, LOAD_DONE);
    ck_assert_uint_eq(veh.count, (size_t)veh.total);
    volatile int stop = 1;
    ck_assert_int_eq(api_load_table_run(f.a, &veh, path, 97, &stop), API_CANCELLED);
    ck_assert_int_eq(veh.state, LOAD_FAILED);
    ck_assert_int_eq(api_in_flight(f.a), 0);
    free(path);
    table_clear(&veh);
    fx_close(&f);
}
END_TEST

typedef struct one_reply {
    int done;
    api_status status;
    long http_status;
} one_reply;

static void on_one_reply(void *ud, const api_reply *r)
{
    one_reply *o = ud;
    o->status = r->status;
    o->http_status = r->http_status;
    o->done = 1;
}

/* Issue 13.4: a 403 from a stale or re-scoped token gets one retry with a fresh token; a 403 that
 * stays is the permission refusal. */
START_TEST(a_403_is_retried_once_with_a_fresh_token)
{
    fixture f;
    fx_open(&f);
    clear_faults_and_log();
    add_fault("{\"route\":\"/v2/integrations/connections\",\"method\":\"GET\",\"kind\":\"status\","
              "\"status\":403,\"count\":1}");
    one_reply o = {0};
    api_call(f.a, "GET", api_collection_path("connection"), NULL, on_one_reply, &o);
    run_until(&f, &o.done);
    ck_assert_int_eq(o.status, API_OK);
    cJSON *gets = logged_queries("/v2/integrations/connections");
    ck_assert_int_eq(cJSON_GetArraySize(gets), 2);
    cJSON_Delete(gets);

    add_fault("{\"route\":\"/v2/integrations/connections\",\"method\":\"GET\",\"kind\":\"status\","
              "\"status\":403,\"count\":2}");
    o.done = 0;
    api_call(f.a, "GET", api_collection_path("connection"), NULL, on_one_reply, &o);
    run_until(&f, &o.done);
    clear_faults_and_log();
    ck_assert_int_eq(o.status, API_HTTP_ERROR);
    ck_assert_int_eq(o.http_status, 403);
    fx_close(&f);
}
END_TEST

/* ------------------------------------------------------------------ a loopback server */

/* Answers a token to any POST, and to any GET a page of one empty item whose `total` is 2 but
 * whose next_page is always a new cursor: an API that keeps sending more than it says it has. */
static enum MHD_Result serve(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                             const char *version, const char *upload, size_t *upload_len, void **state)
{
    (void)url, (void)version, (void)upload;
    int *served = cls;
    if (!*state) { /* first call of a request: headers only */
        *state = served;
        return MHD_YES;
    }
    if (*upload_len) {
        *upload_len = 0;
        return MHD_YES;
    }
    char body[200];
    if (!strcmp(method, "POST"))
        snprintf(body, sizeof body, "{\"access_token\":\"t\",\"token_type\":\"Bearer\",\"expires_in\":300}");
    else
        snprintf(body, sizeof body, "{\"items\":[{}],\"total\":2,\"next_page\":\"c%d\"}", ++*served);
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ok = MHD_queue_response(conn, 200, r);
    MHD_destroy_response(r);
    return ok;
}

START_TEST(more_pages_than_total_allows_end_with_a_clear_error)
{
    int served = 0;
    struct sockaddr_in lo = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, serve, &served,
                                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&lo, MHD_OPTION_END);
    ck_assert_ptr_nonnull(d);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char url[64], auth_url[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", (unsigned)info->port);
    snprintf(auth_url, sizeof auth_url, "%s/realms/catena", url);
    fixture f = {0};
    f.l = loop_new();
    f.h = http_client_new(f.l);
    f.au = auth_new(f.l, f.h, auth_url, "id", "secret");
    f.a = api_new(f.l, f.h, f.au, url);
    rec r = {0};
    api_pager_req req = {.path_query = "/v2/telematics/vehicles", .page_size = 1, .on_page = on_page,
                         .on_done = on_done, .ud = &r};
    api_pager_start(f.a, &req);
    run_until(&f, &r.done);
    fx_close(&f);
    MHD_stop_daemon(d);
    ck_assert_int_eq(r.res.status, API_HTTP_ERROR);
    ck_assert_msg(strstr(r.error, "more pages than its total of 2 items allows"), "%s", r.error);
    ck_assert_int_eq(r.pages, 3); /* two, and one of slack for a list that grows while it is read */
    ck_assert_int_eq(served, 3);
}
END_TEST

/* Pages whose cursor has a JSON escape ("p\/1" is "p/1"), three of them: the pager reads such a
 * cursor from the parsed page (the scan before the parse only takes plain strings). */
typedef struct escaped {
    int served;
    char last_cursor[32];
} escaped;

static enum MHD_Result serve_escaped(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                     const char *version, const char *upload, size_t *upload_len, void **state)
{
    (void)url, (void)version, (void)upload;
    escaped *e = cls;
    if (!*state) {
        *state = e;
        return MHD_YES;
    }
    if (*upload_len) {
        *upload_len = 0;
        return MHD_YES;
    }
    char body[200];
    if (!strcmp(method, "POST")) {
        snprintf(body, sizeof body, "{\"access_token\":\"t\",\"token_type\":\"Bearer\",\"expires_in\":300}");
    } else {
        const char *c = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "cursor");
        snprintf(e->last_cursor, sizeof e->last_cursor, "%s", c ? c : "");
        if (++e->served < 3)
            snprintf(body, sizeof body, "{\"items\":[{}],\"total\":3,\"next_page\":\"p\\/%d\"}", e->served);
        else
            snprintf(body, sizeof body, "{\"items\":[{}],\"total\":3,\"next_page\":null}");
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ok = MHD_queue_response(conn, 200, r);
    MHD_destroy_response(r);
    return ok;
}

START_TEST(a_cursor_with_escapes_is_followed)
{
    escaped e = {0};
    struct sockaddr_in lo = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, serve_escaped, &e,
                                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&lo, MHD_OPTION_END);
    ck_assert_ptr_nonnull(d);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char url[64], auth_url[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", (unsigned)info->port);
    snprintf(auth_url, sizeof auth_url, "%s/realms/catena", url);
    fixture f = {0};
    f.l = loop_new();
    f.h = http_client_new(f.l);
    f.au = auth_new(f.l, f.h, auth_url, "id", "secret");
    f.a = api_new(f.l, f.h, f.au, url);
    rec r = {0};
    api_pager_req req = {.path_query = "/v2/telematics/vehicles", .page_size = 1, .on_page = on_page,
                         .on_done = on_done, .ud = &r};
    api_pager_start(f.a, &req);
    run_until(&f, &r.done);
    fx_close(&f);
    MHD_stop_daemon(d);
    ck_assert_msg(r.res.status == API_OK, "%s", r.error);
    ck_assert_int_eq(r.pages, 3);
    ck_assert_int_eq(e.served, 3);
    ck_assert_str_eq(e.last_cursor, "p/2");
}
END_TEST

static void caps_done(void *ud)
{
    ++*(int *)ud;
}

/* Issue 14.3: freeing the capabilities while their lists load cancels the loads first, so no
 * callback reaches the freed memory (and their owner is not told). */
START_TEST(caps_free_cancels_its_loads_first)
{
    fixture f;
    fx_open(&f);
    int called = 0;
    caps *c = caps_new();
    caps_load(c, f.a, caps_done, &called);
    ck_assert_int_eq(api_in_flight(f.a), 2);
    caps_free(c);
    ck_assert_int_eq(api_in_flight(f.a), 0);
    for (int i = 0; i < 5; i++)
        loop_run_once(f.l, 20);
    ck_assert_int_eq(called, 0);
    fx_close(&f);
}
END_TEST

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const char *args[] = {"--time-scale", "0.001", NULL};
    if (emu_start(&emu, args) != 0) {
        fprintf(stderr, "cannot start the emulator\n");
        return 1;
    }
    Suite *s = suite_create("api_pager");
    TCase *tc = tcase_create("e2e");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, pages_stream_and_the_filter_is_kept_on_every_page);
    tcase_add_test(tc, an_error_mid_way_keeps_what_was_loaded_and_says_so);
    tcase_add_test(tc, the_next_page_is_requested_before_a_page_is_decoded);
    tcase_add_test(tc, a_cursor_with_escapes_is_followed);
    tcase_add_test(tc, a_next_page_that_loops_ends_with_a_clear_error);
    tcase_add_test(tc, empty_pages_that_keep_a_cursor_end_with_a_clear_error);
    tcase_add_test(tc, more_pages_than_the_bound_end_with_a_clear_error);
    tcase_add_test(tc, a_subcommand_pumps_a_load_to_completion_and_a_stop_cancels_it);
    tcase_add_test(tc, caps_free_cancels_its_loads_first);
    tcase_add_test(tc, a_403_is_retried_once_with_a_fresh_token);
    tcase_add_test(tc, more_pages_than_total_allows_end_with_a_clear_error);
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    emu_stop(&emu);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
