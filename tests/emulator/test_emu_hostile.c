/* HTTP-level tests of the hostile-server fault kinds (cursor_loop, empty_pages, endless_body, gzip_bomb,
 * crlf_token, huge_numbers): each does what --help says, and each stays bounded on the emulator's side. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "emu_test_world.h"
#include "emulator/faults_hostile.h"
#include "suite_runner.h"

static world w;

static void start_world(void)
{
    const char *args[] = {"--seed", "5", NULL};
    world_start(&w, args);
}

static void stop_world(void)
{
    world_stop(&w);
}

static void add_fault(const char *json)
{
    ck_assert_int_eq(world_control(&w, "POST", "/_emulator/faults", json), 201);
}

static cJSON *get_json(const char *path, long *status)
{
    return http_get_json(&w.e, path, w.tok, status);
}

static char *next_page(const cJSON *page)
{
    const char *n = json_str(page, "next_page");
    return n ? xstrdup(n) : NULL;
}

START_TEST(cursor_loop_repeats_the_request_cursor)
{
    add_fault("{\"route\":\"/v2/telematics/vehicles\",\"kind\":\"cursor_loop\"}");
    long st;
    cJSON *j = get_json("/v2/telematics/vehicles?size=2", &st);
    ck_assert_int_eq(st, 200);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "items")), 2);
    /* a first page points back at itself */
    char *cursor = next_page(j);
    ck_assert_ptr_nonnull(cursor);
    ck_assert_str_eq(cursor, json_str(j, "current_page"));
    cJSON_Delete(j);
    for (int i = 0; i < 5; i++) {
        char path[512];
        snprintf(path, sizeof path, "/v2/telematics/vehicles?size=2&cursor=%s", cursor);
        j = get_json(path, &st);
        ck_assert_int_eq(st, 200);
        ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "items")), 2);
        ck_assert_str_eq(json_str(j, "next_page"), cursor);
        cJSON_Delete(j);
    }
    /* without the fault the same cursor leads on */
    ck_assert_int_eq(world_control(&w, "DELETE", "/_emulator/faults", NULL), 200);
    char path[512];
    snprintf(path, sizeof path, "/v2/telematics/vehicles?size=2&cursor=%s", cursor);
    j = get_json(path, &st);
    ck_assert_str_ne(json_str(j, "next_page"), cursor);
    cJSON_Delete(j);
    free(cursor);
}
END_TEST

START_TEST(cursor_loop_fires_only_on_gets)
{
    add_fault("{\"route\":\"/v2/\",\"kind\":\"cursor_loop\",\"count\":1}");
    long st;
    char body[512];
    snprintf(body, sizeof body, "{\"connection_id\":\"%s\",\"vehicle_name\":\"Loop\"}", w.conn[0]);
    cJSON *j = world_write(&w, "POST", "/v2/telematics/vehicles", body, &st);
    ck_assert_int_eq(st, 202);
    cJSON_Delete(j);
    j = get_json("/v2/integrations/tsps?size=1", &st); /* the one firing is left for this list */
    ck_assert_str_eq(json_str(j, "next_page"), json_str(j, "current_page"));
    cJSON_Delete(j);
}
END_TEST

/* Follows next_page n times; every page is empty and every cursor new. */
static void follow_empty_pages(const char *list, int n, double want_total)
{
    char path[512];
    char *seen[16] = {0};
    snprintf(path, sizeof path, "%s", list);
    for (int i = 0; i < n; i++) {
        long st;
        cJSON *j = get_json(path, &st);
        ck_assert_int_eq(st, 200);
        ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "items")), 0);
        const cJSON *total = cJSON_GetObjectItemCaseSensitive(j, "total");
        if (want_total >= 0)
            ck_assert(cJSON_IsNumber(total) && total->valuedouble == want_total);
        seen[i] = next_page(j);
        ck_assert_ptr_nonnull(seen[i]);
        for (int k = 0; k < i; k++)
            ck_assert_str_ne(seen[k], seen[i]);
        snprintf(path, sizeof path, "%s%ccursor=%s", list, strchr(list, '?') ? '&' : '?', seen[i]);
        cJSON_Delete(j);
    }
    for (int i = 0; i < n; i++)
        free(seen[i]);
}

START_TEST(empty_pages_forever)
{
    long st;
    cJSON *j = get_json("/v2/telematics/vehicles?size=5", &st);
    double total = cJSON_GetObjectItemCaseSensitive(j, "total")->valuedouble;
    cJSON_Delete(j);
    add_fault("{\"route\":\"/v2/\",\"kind\":\"empty_pages\"}");
    follow_empty_pages("/v2/integrations/tsps", 8, -1);
    follow_empty_pages("/v2/telematics/vehicles?size=5", 8, total); /* total stays the real one */
    /* once the fault is gone, the last cursor ends the list */
    ck_assert_int_eq(world_control(&w, "DELETE", "/_emulator/faults", NULL), 200);
    j = get_json("/v2/integrations/tsps", &st);
    char *c = next_page(j);
    ck_assert_ptr_null(c);
    cJSON_Delete(j);
}
END_TEST

typedef struct counted {
    size_t bytes;
    size_t stop_after; /* 0 = read all */
    strbuf head;       /* the first bytes */
} counted;

static size_t count_bytes(char *p, size_t sz, size_t n, void *ud)
{
    counted *c = ud;
    if (c->head.len < 256)
        strbuf_append(&c->head, p, sz * n < 256 ? sz * n : 256);
    c->bytes += sz * n;
    if (c->stop_after && c->bytes >= c->stop_after)
        return 0; /* the client hangs up */
    return sz * n;
}

static CURLcode get_counted(const char *path, counted *c, strbuf *headers)
{
    char url[512], auth[4096];
    snprintf(url, sizeof url, "%s%s", w.e.url, path);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", w.tok);
    CURL *h = curl_easy_init();
    struct curl_slist *hl = curl_slist_append(NULL, auth);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, count_bytes);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, emu_test_collect);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, headers);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(hl);
    curl_easy_cleanup(h);
    return rc;
}

static void assert_healthy(void)
{
    long st;
    cJSON *j = http_get_json(&w.e, "/_emulator/health", NULL, &st);
    ck_assert_int_eq(st, 200);
    cJSON_Delete(j);
    j = get_json("/v2/telematics/users?size=1", &st);
    ck_assert_int_eq(st, 200);
    cJSON_Delete(j);
}

START_TEST(endless_body_announced_length)
{
    add_fault("{\"route\":\"/v2/telematics/vehicles\",\"kind\":\"endless_body\",\"count\":1}");
    counted c = {0, 0, STRBUF_INIT};
    strbuf headers = STRBUF_INIT;
    CURLcode rc = get_counted("/v2/telematics/vehicles", &c, &headers);
    ck_assert_int_ne(rc, CURLE_OK); /* cut before the announced length */
    ck_assert_ptr_nonnull(strcasestr(headers.data, "Content-Length: 5368709120"));
    ck_assert_uint_eq(c.bytes, EMU_ENDLESS_LIMIT);
    ck_assert(strncmp(c.head.data, "{\"items\":[{", 11) == 0);
    strbuf_free(&headers);
    strbuf_free(&c.head);
    assert_healthy();
}
END_TEST

START_TEST(endless_body_chunked)
{
    add_fault("{\"route\":\"/v2/telematics/vehicles\",\"kind\":\"endless_body\",\"chunked\":1,\"count\":1}");
    counted c = {0, 0, STRBUF_INIT};
    strbuf headers = STRBUF_INIT;
    CURLcode rc = get_counted("/v2/telematics/vehicles", &c, &headers);
    ck_assert_int_ne(rc, CURLE_OK); /* no last chunk */
    ck_assert_ptr_nonnull(strcasestr(headers.data, "Transfer-Encoding: chunked"));
    ck_assert_ptr_null(strcasestr(headers.data, "Content-Length"));
    ck_assert_uint_eq(c.bytes, EMU_ENDLESS_LIMIT);
    strbuf_free(&headers);
    strbuf_free(&c.head);
    assert_healthy();
}
END_TEST

START_TEST(endless_body_client_hangs_up)
{
    add_fault("{\"route\":\"/v2/telematics/vehicles\",\"kind\":\"endless_body\",\"chunked\":1,\"count\":3}");
    for (int i = 0; i < 3; i++) {
        counted c = {0, 1024 * 1024, STRBUF_INIT};
        strbuf headers = STRBUF_INIT;
        ck_assert_int_eq(get_counted("/v2/telematics/vehicles", &c, &headers), CURLE_WRITE_ERROR);
        ck_assert_uint_lt(c.bytes, EMU_ENDLESS_LIMIT);
        strbuf_free(&headers);
        strbuf_free(&c.head);
    }
    assert_healthy();
}
END_TEST

START_TEST(gzip_bomb_inflates_to_a_gigabyte)
{
    add_fault("{\"route\":\"/v2/telematics/trailers\",\"kind\":\"gzip_bomb\",\"count\":1}");
    char url[512];
    snprintf(url, sizeof url, "%s/v2/telematics/trailers", w.e.url);
    http_result r = http_call("GET", url, w.tok, NULL, NULL); /* no Accept-Encoding: the raw bytes */
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strcasestr(r.headers.data, "Content-Encoding: gzip"));
    ck_assert_uint_lt(r.body.len, 4 * 1024 * 1024);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    ck_assert_int_eq(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
    zs.next_in = (unsigned char *)r.body.data;
    zs.avail_in = (uInt)r.body.len;
    static unsigned char out[1 << 20];
    uint64_t inflated = 0;
    int zr;
    do {
        zs.next_out = out;
        zs.avail_out = sizeof out;
        zr = inflate(&zs, Z_NO_FLUSH);
        ck_assert(zr == Z_OK || zr == Z_STREAM_END);
        inflated += sizeof out - zs.avail_out;
    } while (zr != Z_STREAM_END);
    inflateEnd(&zs);
    ck_assert_uint_eq(inflated, EMU_GZIP_BOMB_INFLATED);
    ck_assert_uint_gt(inflated / r.body.len, 500);
    http_free(&r);
    r = http_call("GET", url, w.tok, NULL, NULL);
    ck_assert_ptr_null(strcasestr(r.headers.data, "Content-Encoding"));
    http_free(&r);
}
END_TEST

static cJSON *token_answer(const char *path)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", w.e.url, path);
    http_result r = http_call("POST", url, NULL, "application/x-www-form-urlencoded",
                              "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret");
    ck_assert_int_eq(r.status, 200);
    cJSON *j = cJSON_Parse(r.body.data);
    http_free(&r);
    ck_assert_ptr_nonnull(j);
    return j;
}

START_TEST(crlf_token_only_on_the_token_route)
{
    add_fault("{\"kind\":\"crlf_token\",\"count\":1}");
    long st;
    cJSON *j = get_json("/v2/telematics/users?size=1", &st); /* not a token answer: the fault waits */
    ck_assert_int_eq(st, 200);
    cJSON_Delete(j);
    j = token_answer("/protocol/openid-connect/token");
    const char *tok = json_str(j, "access_token");
    ck_assert_ptr_nonnull(tok);
    const char *crlf = strstr(tok, "\r\nX-Injected: 1");
    ck_assert_ptr_nonnull(crlf);
    ck_assert_int_gt(crlf - tok, 20); /* after a real token */
    cJSON_Delete(j);
    j = token_answer("/protocol/openid-connect/token");
    ck_assert_ptr_null(strpbrk(json_str(j, "access_token"), "\r\n"));
    cJSON_Delete(j);
}
END_TEST

static void assert_huge(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    ck_assert_msg(cJSON_IsNumber(v) && v->valuedouble == EMU_HUGE_NUMBER, "%s is not 1e300", key);
}

START_TEST(huge_numbers_in_lists_records_and_tokens)
{
    add_fault("{\"route\":\"/v2/telematics/vehicles\",\"kind\":\"huge_numbers\"}");
    add_fault("{\"route\":\"/realms/\",\"kind\":\"huge_numbers\",\"count\":1}");
    long st;
    cJSON *j = get_json("/v2/telematics/vehicles?size=3", &st);
    ck_assert_int_eq(st, 200);
    assert_huge(j, "total");
    const cJSON *it;
    int n = 0;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, "items"))
    {
        assert_huge(it, "model_year");
        n++;
    }
    ck_assert_int_eq(n, 3);
    cJSON_Delete(j);
    char path[256];
    snprintf(path, sizeof path, "/v2/telematics/vehicles/%s", w.vehicle[0]);
    j = get_json(path, &st);
    assert_huge(j, "model_year");
    cJSON_Delete(j);
    j = token_answer("/realms/catena/protocol/openid-connect/token");
    assert_huge(j, "expires_in");
    cJSON_Delete(j);
}
END_TEST

START_TEST(huge_numbers_429)
{
    add_fault("{\"route\":\"/v2/telematics/users\",\"kind\":\"huge_numbers\",\"status\":429,\"count\":1}");
    char url[512];
    snprintf(url, sizeof url, "%s/v2/telematics/users", w.e.url);
    http_result r = http_call("GET", url, w.tok, NULL, NULL);
    ck_assert_int_eq(r.status, 429);
    ck_assert_ptr_nonnull(strcasestr(r.headers.data, "Retry-After: 1e300"));
    cJSON *j = cJSON_Parse(r.body.data);
    assert_huge(cJSON_GetObjectItemCaseSensitive(j, "detail"), "retry_after_seconds");
    cJSON_Delete(j);
    http_free(&r);
    assert_healthy();
}
END_TEST

START_TEST(hostile_kinds_from_the_command_line)
{
    emu_proc e;
    const char *args[] = {"--fault", "route=/v2/integrations/tsps,kind=empty_pages,count=2", "--fault",
                          "route=/v2/telematics/trailers,kind=endless_body,chunked=1", NULL};
    ck_assert_int_eq(emu_start(&e, args), 0);
    long st;
    cJSON *j = http_get_json(&e, "/_emulator/faults", NULL, &st);
    ck_assert_int_eq(cJSON_GetArraySize(j), 2);
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(j, 0), "kind"), "empty_pages");
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(j, 1), "chunked")->valueint, 1);
    cJSON_Delete(j);
    ck_assert_int_eq(emu_stop(&e), 0);
    const char *bad[] = {"--fault", "kind=endless_body,chunked=2", NULL};
    ck_assert_int_ne(emu_start(&e, bad), 0);
}
END_TEST

static Suite *hostile_suite(void)
{
    Suite *s = suite_create("emulator hostile faults");
    TCase *tc = tcase_create("hostile");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, start_world, stop_world);
    tcase_add_test(tc, cursor_loop_repeats_the_request_cursor);
    tcase_add_test(tc, cursor_loop_fires_only_on_gets);
    tcase_add_test(tc, empty_pages_forever);
    tcase_add_test(tc, endless_body_announced_length);
    tcase_add_test(tc, endless_body_chunked);
    tcase_add_test(tc, endless_body_client_hangs_up);
    tcase_add_test(tc, gzip_bomb_inflates_to_a_gigabyte);
    tcase_add_test(tc, crlf_token_only_on_the_token_route);
    tcase_add_test(tc, huge_numbers_in_lists_records_and_tokens);
    tcase_add_test(tc, huge_numbers_429);
    suite_add_tcase(s, tc);
    TCase *own = tcase_create("own emulators");
    tcase_add_test(own, hostile_kinds_from_the_command_line);
    suite_add_tcase(s, own);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    emu_test_record_responses();
    int failed = run_suite_nofork(hostile_suite());
    curl_global_cleanup();
    return failed ? 1 : 0;
}
