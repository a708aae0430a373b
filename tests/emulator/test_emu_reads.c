/* HTTP-level tests of the emulator's auth, read endpoints, pagination, determinism and control surface. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "emu_test_http.h"
#include "emulator/vin.h"
#include "suite_runner.h"

static emu_proc emu;
static char *token;

static void start_default(void)
{
    const char *args[] = {"--seed", "7", NULL};
    ck_assert_int_eq(emu_start(&emu, args), 0);
    token = emu_token(&emu);
    ck_assert_ptr_nonnull(token);
}

static void stop_default(void)
{
    free(token);
    token = NULL;
    ck_assert_int_eq(emu_stop(&emu), 0);
}

/* ---------------------------------------------------------------- token endpoint */

static const struct {
    const char *body;
    long status;
    const char *error;
} TOKEN_CASES[] = {
    {"grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret&scope=organization", 200, NULL},
    {"grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret", 200, NULL},
    {"grant_type=client_credentials&client_id=demo-client&client_secret=wrong", 401, "invalid_client"},
    {"grant_type=client_credentials&client_id=nobody&client_secret=demo-secret", 401, "invalid_client"},
    {"grant_type=client_credentials", 401, "invalid_client"},
    {"grant_type=password&client_id=demo-client&client_secret=demo-secret", 400, "unsupported_grant_type"},
    {"client_id=demo-client&client_secret=demo-secret", 400, "invalid_request"},
    {"grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret&scope=admin", 400,
     "invalid_scope"},
    {"%%%&&&==", 400, "invalid_request"},
};

START_TEST(token_cases)
{
    char url[512];
    snprintf(url, sizeof url, "%s/protocol/openid-connect/token", emu.auth_url);
    http_result r = http_call("POST", url, NULL, "application/x-www-form-urlencoded", TOKEN_CASES[_i].body);
    ck_assert_int_eq(r.status, TOKEN_CASES[_i].status);
    cJSON *j = cJSON_Parse(r.body.data);
    ck_assert_ptr_nonnull(j);
    if (TOKEN_CASES[_i].error) {
        ck_assert_str_eq(json_str(j, "error"), TOKEN_CASES[_i].error);
        ck_assert_ptr_nonnull(json_str(j, "error_description"));
        if (r.status == 401)
            ck_assert_str_eq(json_str(j, "error_description"), "Invalid client or Invalid client credentials");
    } else {
        const char *tok = json_str(j, "access_token");
        ck_assert_ptr_nonnull(tok);
        ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(j, "expires_in")->valueint, 3600);
        ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(j, "refresh_expires_in")->valueint, 0);
        ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(j, "not-before-policy")->valueint, 0);
        ck_assert_str_eq(json_str(j, "token_type"), "Bearer");
        ck_assert_ptr_nonnull(json_str(j, "scope"));
        ck_assert_int_eq((int)(strchr(strchr(tok, '.') + 1, '.') != NULL), 1); /* JWT-shaped */
        long st;
        cJSON *page = http_get_json(&emu, "/v2/integrations/connections", tok, &st);
        ck_assert_int_eq(st, 200);
        cJSON_Delete(page);
    }
    cJSON_Delete(j);
    http_free(&r);
}
END_TEST

START_TEST(token_basic_auth)
{
    char url[512];
    snprintf(url, sizeof url, "%s/protocol/openid-connect/token", emu.auth_url);
    CURL *c = curl_easy_init();
    strbuf body = STRBUF_INIT;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_USERPWD, "demo-client:demo-secret");
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "grant_type=client_credentials&scope=organization");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, emu_test_collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    ck_assert_int_eq(status, 200);
    ck_assert_ptr_nonnull(strstr(body.data, "access_token"));
    curl_easy_cleanup(c);
    strbuf_free(&body);
}
END_TEST

/* ---------------------------------------------------------------- 401 / 404 / 405 */

START_TEST(unauthorized_variants)
{
    static const char *const bearers[] = {NULL, "", "garbage", "a.b.c",
                                          "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjk5OTk5OTk5OTl9.AAAA"};
    for (size_t i = 0; i < sizeof bearers / sizeof bearers[0]; i++) {
        long st;
        cJSON *j = http_get_json(&emu, "/v2/telematics/vehicles", bearers[i], &st);
        ck_assert_int_eq(st, 401);
        ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(j, "code")->valueint, 401);
        ck_assert_str_eq(json_str(j, "message"), "Unauthorized");
        ck_assert_ptr_nonnull(json_str(j, "detail"));
        cJSON_Delete(j);
    }
}
END_TEST

START_TEST(token_expires_with_clock)
{
    emu_proc e;
    const char *args[] = {"--token-lifetime", "60", NULL};
    ck_assert_int_eq(emu_start(&e, args), 0);
    char *tok = emu_token(&e);
    long st;
    cJSON *j = http_get_json(&e, "/v2/telematics/users?size=1", tok, &st);
    ck_assert_int_eq(st, 200);
    cJSON_Delete(j);
    char url[256];
    snprintf(url, sizeof url, "%s/_emulator/clock/advance?ms=61000", e.url);
    http_result r = http_call("POST", url, NULL, NULL, "");
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    j = http_get_json(&e, "/v2/telematics/users?size=1", tok, &st);
    ck_assert_int_eq(st, 401);
    ck_assert_str_eq(json_str(j, "detail"), "Token has expired");
    cJSON_Delete(j);
    free(tok);
    ck_assert_int_eq(emu_stop(&e), 0);
}
END_TEST

START_TEST(token_lifetime_zero_expires_at_once)
{
    emu_proc e;
    const char *args[] = {"--token-lifetime", "0", NULL};
    ck_assert_int_eq(emu_start(&e, args), 0);
    char *tok = emu_token(&e);
    ck_assert_ptr_nonnull(tok);
    long st;
    cJSON *j = http_get_json(&e, "/v2/telematics/users", tok, &st);
    ck_assert_int_eq(st, 401);
    cJSON_Delete(j);
    free(tok);
    ck_assert_int_eq(emu_stop(&e), 0);
}
END_TEST

START_TEST(not_found_and_method)
{
    static const struct {
        const char *method, *path;
        long status;
    } cases[] = {
        {"GET", "/v2/telematics/nothing", 404},
        {"GET", "/", 404},
        {"GET", "/v2/telematics/vehicles/0190a1b2-0000-7000-8000-000000000000", 404},
        {"GET", "/v2/telematics/users/0190a1b2-0000-7000-8000-000000000000", 404},
        {"GET", "/v2/telematics/trailers/0190a1b2-0000-7000-8000-000000000000", 404},
        {"GET", "/v2/integrations/connections/0190a1b2-0000-7000-8000-000000000000", 404},
        {"GET", "/v2/integrations/tsps/0190a1b2-0000-7000-8000-000000000000", 404},
        {"DELETE", "/v2/telematics/vehicles", 405},
        {"PUT", "/v2/integrations/connections", 405},
        {"GET", "/v2/telematics/vehicles/not-a-uuid", 422},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char url[512];
        snprintf(url, sizeof url, "%s%s", emu.url, cases[i].path);
        http_result r = http_call(cases[i].method, url, token, NULL, NULL);
        ck_assert_msg(r.status == cases[i].status, "%s %s: %ld", cases[i].method, cases[i].path, r.status);
        cJSON *j = cJSON_Parse(r.body.data);
        ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(j, "code")->valueint, (int)cases[i].status);
        cJSON_Delete(j);
        http_free(&r);
    }
}
END_TEST

/* ---------------------------------------------------------------- 422 on parameters */

static const struct {
    const char *query;
    const char *path;
} BAD_PARAMS[] = {
    {"/v2/telematics/vehicles?size=0", "size"},
    {"/v2/telematics/vehicles?size=1001", "size"},
    {"/v2/telematics/vehicles?size=abc", "size"},
    {"/v2/telematics/vehicles?size=", "size"},
    {"/v2/telematics/users?size=-5", "size"},
    {"/v2/integrations/connections?size=5000", "size"},
    {"/v2/telematics/vehicles?connection_id=nope", "connection_id"},
    {"/v2/telematics/vehicles?vehicle_ids=019a0000-0000-7000-8000-000000000000&vehicle_ids=bad", "vehicle_ids.1"},
    {"/v2/telematics/users?is_driver=maybe", "is_driver"},
    {"/v2/telematics/users?sort_order=sideways", "sort_order"},
    {"/v2/telematics/users?sort_by=no_such_field", "sort_by"},
    {"/v2/telematics/trailers?cursor=%%%", "cursor"},
    {"/v2/telematics/trailers?cursor=Zjox", "cursor"},
    {"/v2/integrations/connections?tsp_id=123", "tsp_id"},
    {"/v2/integrations/connections?fleet_ids=x", "fleet_ids.0"},
};

START_TEST(bad_params_422)
{
    long st;
    cJSON *j = http_get_json(&emu, BAD_PARAMS[_i].query, token, &st);
    ck_assert_msg(st == 422, "%s -> %ld", BAD_PARAMS[_i].query, st);
    assert_422_path(j, BAD_PARAMS[_i].path);
    cJSON_Delete(j);
}
END_TEST

START_TEST(too_many_ids_422)
{
    strbuf q = STRBUF_INIT;
    strbuf_puts(&q, "/v2/telematics/vehicles?");
    for (int i = 0; i < 101; i++)
        strbuf_printf(&q, "vehicle_ids=019a0000-0000-7000-8000-%012d&", i);
    long st;
    cJSON *j = http_get_json(&emu, q.data, token, &st);
    ck_assert_int_eq(st, 422);
    assert_422_path(j, "vehicle_ids");
    cJSON_Delete(j);
    strbuf_free(&q);
}
END_TEST

/* ---------------------------------------------------------------- pagination and filters */

/* Walks a list with the given page size, returns every item (caller deletes) and checks total. */
static cJSON *walk_all(const emu_proc *e, const char *tok, const char *base_query, int size, int *total_out)
{
    cJSON *all = cJSON_CreateArray();
    char *cursor = NULL;
    int total = -1;
    for (int guard = 0; guard < 200000; guard++) {
        char path[2048];
        snprintf(path, sizeof path, "%s%ssize=%d%s%s", base_query, strchr(base_query, '?') ? "&" : "?", size,
                 cursor ? "&cursor=" : "", cursor ? cursor : "");
        long st;
        cJSON *page = http_get_json(e, path, tok, &st);
        ck_assert_int_eq(st, 200);
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(page, "total");
        if (t) {
            if (total >= 0)
                ck_assert_int_eq(total, t->valueint);
            total = t->valueint;
        }
        cJSON *items = cJSON_DetachItemFromObject(page, "items");
        ck_assert_int_le(cJSON_GetArraySize(items), size);
        cJSON *it;
        while ((it = cJSON_DetachItemFromArray(items, 0)) != NULL)
            cJSON_AddItemToArray(all, it);
        cJSON_Delete(items);
        free(cursor);
        cursor = NULL;
        const char *next = json_str(page, "next_page");
        if (next)
            cursor = xstrdup(next);
        cJSON_Delete(page);
        if (!cursor)
            break;
    }
    *total_out = total;
    return all;
}

static bool ids_unique(const cJSON *items)
{
    int n = cJSON_GetArraySize(items);
    for (int i = 0; i < n; i++)
        for (int k = i + 1; k < n; k++)
            if (strcmp(json_str(cJSON_GetArrayItem(items, i), "id"), json_str(cJSON_GetArrayItem(items, k), "id")) ==
                0)
                return false;
    return true;
}

START_TEST(pagination_walk_vehicles)
{
    int total = 0;
    cJSON *all = walk_all(&emu, token, "/v2/telematics/vehicles", 7, &total);
    ck_assert_int_eq(total, 60);
    ck_assert_int_eq(cJSON_GetArraySize(all), 60);
    ck_assert(ids_unique(all));
    /* default order: created_at ascending */
    for (int i = 1; i < 60; i++)
        ck_assert_int_le(strcmp(json_str(cJSON_GetArrayItem(all, i - 1), "created_at"),
                                json_str(cJSON_GetArrayItem(all, i), "created_at")),
                         0);
    cJSON_Delete(all);
}
END_TEST

START_TEST(previous_page_goes_back)
{
    long st;
    cJSON *p1 = http_get_json(&emu, "/v2/telematics/users?size=5", token, &st);
    char path[512];
    snprintf(path, sizeof path, "/v2/telematics/users?size=5&cursor=%s", json_str(p1, "next_page"));
    cJSON *p2 = http_get_json(&emu, path, token, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_ptr_nonnull(json_str(p2, "previous_page"));
    snprintf(path, sizeof path, "/v2/telematics/users?size=5&cursor=%s", json_str(p2, "previous_page"));
    cJSON *back = http_get_json(&emu, path, token, &st);
    ck_assert_int_eq(st, 200);
    char *a = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(p1, "items"));
    char *b = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(back, "items"));
    ck_assert_str_eq(a, b);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(p1, "previous_page")));
    free(a);
    free(b);
    cJSON_Delete(p1);
    cJSON_Delete(p2);
    cJSON_Delete(back);
}
END_TEST

START_TEST(connection_filter_partitions)
{
    long st;
    cJSON *conns = http_get_json(&emu, "/v2/integrations/connections", token, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(conns, "total")); /* integrations pages have no total */
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(conns, "items");
    ck_assert_int_eq(cJSON_GetArraySize(items), 4);
    static const char *const resources[] = {"vehicles", "users", "trailers"};
    static const int totals[] = {60, 40, 20};
    for (int r = 0; r < 3; r++) {
        int sum = 0;
        const cJSON *c;
        cJSON_ArrayForEach(c, items)
        {
            const char *cid = json_str(c, "id");
            char path[256];
            snprintf(path, sizeof path, "/v2/telematics/%s?connection_id=%s", resources[r], cid);
            int total = 0;
            cJSON *all = walk_all(&emu, token, path, 1000, &total);
            ck_assert_int_gt(total, 0);
            ck_assert_int_eq(cJSON_GetArraySize(all), total);
            const cJSON *it;
            cJSON_ArrayForEach(it, all) ck_assert_str_eq(json_str(it, "connection_id"), cid);
            sum += total;
            cJSON_Delete(all);
        }
        ck_assert_int_eq(sum, totals[r]);
    }
    cJSON_Delete(conns);
}
END_TEST

START_TEST(id_list_filter)
{
    long st;
    cJSON *page = http_get_json(&emu, "/v2/telematics/trailers?size=10", token, &st);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(page, "items");
    const char *a = json_str(cJSON_GetArrayItem(items, 2), "id");
    const char *b = json_str(cJSON_GetArrayItem(items, 7), "id");
    const char *src = json_str(cJSON_GetArrayItem(items, 4), "source_id");
    char path[512];
    snprintf(path, sizeof path, "/v2/telematics/trailers?trailer_ids=%s&trailer_ids=%s&trailer_ids=%s", b, a, a);
    cJSON *f = http_get_json(&emu, path, token, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(f, "total")->valueint, 2);
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(f, "items"), 0), "id"), a);
    cJSON_Delete(f);
    snprintf(path, sizeof path, "/v2/telematics/trailers?source_ids=%s", src);
    f = http_get_json(&emu, path, token, &st);
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(f, "total")->valueint, 1);
    cJSON_Delete(f);
    /* a vehicle id in the trailer filter matches nothing */
    cJSON *v = http_get_json(&emu, "/v2/telematics/vehicles?size=1", token, &st);
    snprintf(path, sizeof path, "/v2/telematics/trailers?trailer_ids=%s",
             json_str(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(v, "items"), 0), "id"));
    f = http_get_json(&emu, path, token, &st);
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(f, "total")->valueint, 0);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(f, "next_page")));
    cJSON_Delete(f);
    cJSON_Delete(v);
    /* single GET equals the list item */
    snprintf(path, sizeof path, "/v2/telematics/trailers/%s", a);
    f = http_get_json(&emu, path, token, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_str_eq(json_str(f, "id"), a);
    cJSON_Delete(f);
    cJSON_Delete(page);
}
END_TEST

START_TEST(users_data_quality)
{
    int total = 0;
    cJSON *all = walk_all(&emu, token, "/v2/telematics/users", 1000, &total);
    bool accent = false, cjk = false;
    int non_drivers = 0;
    const cJSON *u;
    cJSON_ArrayForEach(u, all)
    {
        const char *first = json_str(u, "first_name"), *last = json_str(u, "last_name");
        ck_assert_ptr_nonnull(first);
        ck_assert_ptr_nonnull(last);
        char full[256];
        snprintf(full, sizeof full, "%s %s", first, last);
        if (strstr(full, "é") || strstr(full, "ñ") || strstr(full, "ë") || strstr(full, "è"))
            accent = true;
        if (strstr(full, "王") || strstr(full, "佐藤"))
            cjk = true;
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(u, "is_driver")))
            non_drivers++;
        ck_assert_int_eq((int)strlen(json_str(u, "source_data_hash")), 64);
    }
    ck_assert(accent);
    ck_assert(cjk);
    ck_assert_int_ge(non_drivers, 4);
    cJSON_Delete(all);
    /* is_driver filter, and every connection has a dispatcher */
    long st;
    cJSON *conns = http_get_json(&emu, "/v2/integrations/connections", token, &st);
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(conns, "items"))
    {
        char path[256];
        snprintf(path, sizeof path, "/v2/telematics/users?is_driver=false&connection_id=%s", json_str(c, "id"));
        cJSON *p = http_get_json(&emu, path, token, &st);
        ck_assert_int_ge(cJSON_GetObjectItemCaseSensitive(p, "total")->valueint, 1);
        const cJSON *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(p, "items"))
            ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(it, "is_driver")));
        cJSON_Delete(p);
    }
    cJSON_Delete(conns);
}
END_TEST

START_TEST(vehicles_have_valid_vins)
{
    int total = 0;
    cJSON *all = walk_all(&emu, token, "/v2/telematics/vehicles", 1000, &total);
    const cJSON *v;
    cJSON_ArrayForEach(v, all)
    {
        const char *vin = json_str(v, "vin");
        ck_assert_ptr_nonnull(vin);
        ck_assert_msg(vin_valid(vin), "bad VIN %s", vin);
        ck_assert(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(v, "model_year")));
        ck_assert_ptr_nonnull(json_str(v, "vehicle_name"));
        ck_assert_ptr_nonnull(json_str(v, "source_name"));
    }
    cJSON_Delete(all);
}
END_TEST

START_TEST(deterministic_across_runs)
{
    emu_proc a, b, c;
    const char *same[] = {"--seed", "42", "--vehicles", "500", NULL};
    const char *other[] = {"--seed", "43", "--vehicles", "500", NULL};
    ck_assert_int_eq(emu_start(&a, same), 0);
    ck_assert_int_eq(emu_start(&b, same), 0);
    ck_assert_int_eq(emu_start(&c, other), 0);
    static const char *const paths[] = {"/v2/telematics/vehicles?size=1000", "/v2/telematics/users?size=50",
                                        "/v2/telematics/trailers?include_source_data=true",
                                        "/v2/integrations/connections"};
    char *ta = emu_token(&a), *tb = emu_token(&b), *tc = emu_token(&c);
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        char ua[512], ub[512], uc[512];
        snprintf(ua, sizeof ua, "%s%s", a.url, paths[i]);
        snprintf(ub, sizeof ub, "%s%s", b.url, paths[i]);
        snprintf(uc, sizeof uc, "%s%s", c.url, paths[i]);
        http_result ra = http_call("GET", ua, ta, NULL, NULL);
        http_result rb = http_call("GET", ub, tb, NULL, NULL);
        http_result rc = http_call("GET", uc, tc, NULL, NULL);
        ck_assert_int_eq(ra.status, 200);
        ck_assert_str_eq(ra.body.data, rb.body.data);
        ck_assert_str_ne(ra.body.data, rc.body.data);
        http_free(&ra);
        http_free(&rb);
        http_free(&rc);
    }
    free(ta);
    free(tb);
    free(tc);
    ck_assert_int_eq(emu_stop(&a), 0);
    ck_assert_int_eq(emu_stop(&b), 0);
    ck_assert_int_eq(emu_stop(&c), 0);
}
END_TEST

START_TEST(control_request_log)
{
    char url[512];
    snprintf(url, sizeof url, "%s/_emulator/requests", emu.url);
    http_result r = http_call("DELETE", url, NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
    long st;
    cJSON *j = http_get_json(&emu, "/v2/telematics/vehicles?size=3&fleet_refs=acme-freight", token, &st);
    cJSON_Delete(j);
    j = http_get_json(&emu, "/_emulator/health", NULL, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_str_eq(json_str(j, "status"), "ok");
    cJSON_Delete(j);
    j = http_get_json(&emu, "/_emulator/requests", NULL, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_int_eq(cJSON_GetArraySize(j), 1); /* control requests are not logged */
    const cJSON *e = cJSON_GetArrayItem(j, 0);
    ck_assert_str_eq(json_str(e, "method"), "GET");
    ck_assert_str_eq(json_str(e, "path"), "/v2/telematics/vehicles");
    ck_assert_str_eq(json_str(e, "query"), "size=3&fleet_refs=acme-freight");
    ck_assert_str_eq(json_str(e, "body"), "");
    cJSON_Delete(j);
}
END_TEST

START_TEST(large_fleet_walk)
{
    emu_proc big;
    const char *args[] = {"--vehicles", "100000", "--users", "20000", "--trailers", "10000", NULL};
    ck_assert_int_eq(emu_start(&big, args), 0);
    char *tok = emu_token(&big);
    int total = 0;
    cJSON *all = walk_all(&big, tok, "/v2/telematics/vehicles", 1000, &total);
    ck_assert_int_eq(total, 100000);
    ck_assert_int_eq(cJSON_GetArraySize(all), 100000);
    /* ids strictly increase in the default order when created_at ties are broken by id; check uniqueness by
     * hashing the ids */
    size_t cap = 1 << 18;
    char **seen = calloc(cap, sizeof *seen);
    const cJSON *v;
    cJSON_ArrayForEach(v, all)
    {
        const char *id = json_str(v, "id");
        size_t h = 5381;
        for (const char *p = id; *p; p++)
            h = h * 33 + (unsigned char)*p;
        h &= cap - 1;
        while (seen[h]) {
            ck_assert_str_ne(seen[h], id);
            h = (h + 1) & (cap - 1);
        }
        seen[h] = (char *)id;
    }
    free(seen);
    cJSON_Delete(all);
    free(tok);
    ck_assert_int_eq(emu_stop(&big), 0);
}
END_TEST

static Suite *reads_suite(void)
{
    Suite *s = suite_create("emulator reads");
    TCase *tc = tcase_create("default");
    tcase_add_checked_fixture(tc, start_default, stop_default);
    tcase_add_loop_test(tc, token_cases, 0, sizeof TOKEN_CASES / sizeof TOKEN_CASES[0]);
    tcase_add_test(tc, token_basic_auth);
    tcase_add_test(tc, unauthorized_variants);
    tcase_add_test(tc, not_found_and_method);
    tcase_add_loop_test(tc, bad_params_422, 0, sizeof BAD_PARAMS / sizeof BAD_PARAMS[0]);
    tcase_add_test(tc, too_many_ids_422);
    tcase_add_test(tc, pagination_walk_vehicles);
    tcase_add_test(tc, previous_page_goes_back);
    tcase_add_test(tc, connection_filter_partitions);
    tcase_add_test(tc, id_list_filter);
    tcase_add_test(tc, users_data_quality);
    tcase_add_test(tc, vehicles_have_valid_vins);
    tcase_add_test(tc, control_request_log);
    suite_add_tcase(s, tc);
    TCase *own = tcase_create("own emulators");
    tcase_set_timeout(own, 120);
    tcase_add_test(own, token_expires_with_clock);
    tcase_add_test(own, token_lifetime_zero_expires_at_once);
    tcase_add_test(own, deterministic_across_runs);
    tcase_add_test(own, large_fleet_walk);
    suite_add_tcase(s, own);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    emu_test_record_responses();
    int failed = run_suite_nofork(reads_suite());
    curl_global_cleanup();
    return failed ? 1 : 0;
}
