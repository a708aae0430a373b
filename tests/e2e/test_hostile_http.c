/* The client core against catena-emulator's hostile faults: answers that never end, that announce
 * gigabytes or inflate from a small gzip body, an auth server whose token would inject a header,
 * and a token lifetime of 1e300 seconds. Every case must end in a clear error with bounded memory
 * and leave the client usable. */
#include "app/script.h"
#include "common/clamp.h"
#include "core/api.h"
#include "core/api_writes.h"
#include "core/text.h"
#include "e2e_console.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static emu_proc emu;

#define VEHICLES "/v2/telematics/vehicles"
#define CONNECTIONS "/v2/integrations/connections"
#define TOKEN_ROUTE "/realms/catena/protocol/openid-connect/token"

typedef struct fixture {
    loop *l;
    http_client *h;
    auth *au;
    api *a;
    int done;
    http_error error;
    api_status status;
    long http_status;
    size_t body_len;
    int retry_after_s;
    char text[320]; /* error_text or message */
} fixture;

static void fx_open(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->l = loop_new();
    f->h = http_client_new(f->l);
    f->au = auth_new(f->l, f->h, emu.auth_url, "demo-client", "demo-secret");
    f->a = api_new(f->l, f->h, f->au, emu.url);
}

static void fx_close(fixture *f)
{
    api_free(f->a);
    auth_free(f->au);
    http_client_free(f->h);
    loop_free(f->l);
}

static void run_until(fixture *f, int *flag)
{
    int64_t deadline = loop_real_now_ms() + 60000;
    while (!*flag && loop_real_now_ms() < deadline)
        loop_run_once(f->l, 100);
    ck_assert_msg(*flag, "timed out");
}

/* One fault for the next request on route (count=1), through the emulator's control surface. */
static void fault(const char *route, const char *kind, const char *extra)
{
    char json[300];
    snprintf(json, sizeof json, "{\"route\":\"%s\",\"kind\":\"%s\",\"count\":1%s}", route, kind, extra ? extra : "");
    free(emu_http(&emu, "POST", "/_emulator/faults", NULL, json));
}

static void reset_emulator(void)
{
    free(emu_http(&emu, "DELETE", "/_emulator/faults", NULL, NULL));
    free(emu_http(&emu, "DELETE", "/_emulator/requests", NULL, NULL));
}

/* Requests the emulator logged with this method and a path starting with prefix. */
static int logged(const char *method, const char *prefix)
{
    char *log = emu_http(&emu, "GET", "/_emulator/requests", NULL, NULL);
    cJSON *arr = cJSON_Parse(log), *it;
    free(log);
    int n = 0;
    cJSON_ArrayForEach(it, arr)
    {
        const cJSON *m = cJSON_GetObjectItem(it, "method"), *p = cJSON_GetObjectItem(it, "path");
        n += cJSON_IsString(m) && cJSON_IsString(p) && !strcmp(m->valuestring, method) &&
             !strncmp(p->valuestring, prefix, strlen(prefix));
    }
    cJSON_Delete(arr);
    return n;
}

static void on_http(void *ud, const http_response *r)
{
    fixture *f = ud;
    f->error = r->error;
    f->http_status = r->status;
    f->body_len = r->body_len;
    snprintf(f->text, sizeof f->text, "%s", r->error_text);
    f->done = 1;
}

static void on_reply(void *ud, const api_reply *r)
{
    fixture *f = ud;
    f->status = r->status;
    f->http_status = r->http_status;
    f->retry_after_s = r->retry_after_s;
    snprintf(f->text, sizeof f->text, "%s", r->message);
    f->done = 1;
}

static void on_list_done(void *ud, table *t)
{
    (void)t;
    ((fixture *)ud)->done = 1;
}

/* A plain GET of the emulator's path through the transport alone (bearer may be NULL). */
static void get(fixture *f, const char *path, const char *bearer)
{
    char url[256];
    snprintf(url, sizeof url, "%s%s", emu.url, path);
    http_request req = {.method = "GET", .url = url, .bearer = bearer};
    f->done = 0;
    http_start(f->h, &req, on_http, f);
    ck_assert_int_eq(f->done, 0); /* never answered from inside http_start */
    run_until(f, &f->done);
}

static void call(fixture *f, const char *path)
{
    f->done = 0;
    api_call(f->a, "GET", path, NULL, on_reply, f);
    run_until(f, &f->done);
}

/* ------------------------------------------------------------------ response size cap */

typedef struct {
    const char *name, *kind, *extra;
    bool before_body; /* refused on the announced length, before any of the body */
} oversized_case;

static const oversized_case oversized[] = {
    {"an endless chunked body is cut at the cap", "endless_body", ",\"chunked\":1", false},
    {"a body announced as gigabytes is refused before it arrives", "endless_body", NULL, true},
    {"a gzip bomb is cut at the cap once inflated", "gzip_bomb", NULL, false},
};

START_TEST(an_oversized_answer_is_aborted)
{
    const oversized_case *tc = &oversized[_i];
    reset_emulator();
    fixture f;
    fx_open(&f);
    fault(VEHICLES, tc->kind, tc->extra);
    get(&f, VEHICLES, NULL);
    ck_assert_msg(f.error == HTTP_ERR_TOO_LARGE, "%s: error %d: %s", tc->name, f.error, f.text);
    ck_assert_msg(strstr(f.text, "the API sent an oversized answer"), "%s: %s", tc->name, f.text);
    if (tc->before_body)
        ck_assert_uint_eq(f.body_len, 0);
    fx_close(&f);
}
END_TEST

/* Endless answers to every list at once (the lists of a connection load together): what they
 * hold together stays within HTTP_BODIES_MAX_BYTES, not one cap per connection curl keeps. */
typedef struct multi_get {
    int done;
    http_error error;
    char text[160];
} multi_get;

static void on_multi(void *ud, const http_response *r)
{
    multi_get *m = ud;
    m->error = r->error;
    snprintf(m->text, sizeof m->text, "%s", r->error_text);
    m->done = 1;
}

START_TEST(endless_answers_at_once_hold_a_bounded_total)
{
    static const char *const routes[] = {"/v2/telematics/vehicles", "/v2/telematics/trailers", "/v2/telematics/users",
                                         "/v2/telematics/dvir-logs"};
    enum { N = sizeof routes / sizeof routes[0] };
    reset_emulator();
    fixture f;
    fx_open(&f);
    multi_get m[N];
    memset(m, 0, sizeof m);
    for (int i = 0; i < N; i++) {
        fault(routes[i], "endless_body", ",\"chunked\":1");
        char url[256];
        snprintf(url, sizeof url, "%s%s", emu.url, routes[i]);
        http_request req = {.method = "GET", .url = url};
        http_start(f.h, &req, on_multi, &m[i]);
    }
    int64_t deadline = loop_real_now_ms() + 60000;
    for (;;) {
        int done = 0;
        for (int i = 0; i < N; i++)
            done += m[i].done;
        if (done == N || loop_real_now_ms() > deadline)
            break;
        loop_run_once(f.l, 100);
    }
    for (int i = 0; i < N; i++) {
        ck_assert_msg(m[i].done && m[i].error == HTTP_ERR_TOO_LARGE, "%s: %d %s", routes[i], m[i].error, m[i].text);
        ck_assert_msg(strstr(m[i].text, "the API sent"), "%s: %s", routes[i], m[i].text);
    }
    /* Without the common bound they held 80 MB at once here (each stopped only at its own cap). */
    ck_assert_msg(http_body_bytes_held_max(f.h) <= HTTP_BODIES_MAX_BYTES, "held %lld bytes at once",
                  http_body_bytes_held_max(f.h));
    fx_close(&f);
}
END_TEST

START_TEST(the_largest_legitimate_page_arrives_whole)
{
    /* 1000 vehicles with hostile strings in one page: what the cap is derived from. */
    reset_emulator();
    fixture f;
    fx_open(&f);
    table t;
    table_init(&t, KIND_VEHICLE);
    api_load_table(f.a, &t, VEHICLES, API_PAGE_SIZE_MAX, NULL, on_list_done, &f);
    run_until(&f, &f.done);
    ck_assert_msg(t.state == LOAD_DONE, "%s", t.error ? t.error : "");
    ck_assert_uint_eq(t.count, 1000);
    table_clear(&t);
    fx_close(&f);
}
END_TEST

START_TEST(a_list_with_an_oversized_answer_fails_alone_and_says_so)
{
    reset_emulator();
    fixture f;
    fx_open(&f);
    fault(VEHICLES, "gzip_bomb", NULL);
    table t;
    table_init(&t, KIND_VEHICLE);
    api_load_table(f.a, &t, VEHICLES, API_PAGE_SIZE_MAX, NULL, on_list_done, &f);
    run_until(&f, &f.done);
    ck_assert_int_eq(t.state, LOAD_FAILED);
    ck_assert_msg(t.error && strstr(t.error, "the API sent an oversized answer"), "%s", t.error ? t.error : "");
    ck_assert_msg(!strstr(t.error, "network"), "blames the network: %s", t.error);
    /* The API answered: the console is not offline (which would reload the list again and again). */
    ck_assert_int_eq(api_offline_since(f.a), 0);
    table_clear(&t);
    /* The same client goes on working. */
    call(&f, CONNECTIONS);
    ck_assert_msg(f.status == API_OK, "%s", f.text);
    fx_close(&f);
}
END_TEST

/* ------------------------------------------------------------------ tokens */

START_TEST(a_token_with_a_line_break_never_reaches_a_header)
{
    reset_emulator();
    fixture f;
    fx_open(&f);
    fault(TOKEN_ROUTE, "crlf_token", NULL);
    call(&f, CONNECTIONS);
    ck_assert_int_ne(f.status, API_OK);
    ck_assert_msg(strstr(f.text, "not a single printable line"), "%s", f.text);
    ck_assert_int_eq(auth_get_state(f.au), AUTH_FAILED);
    ck_assert_int_eq(logged("GET", CONNECTIONS), 0); /* no API request carried it */
    fx_close(&f);
}
END_TEST

START_TEST(the_transport_refuses_a_header_value_with_a_line_break)
{
    reset_emulator();
    fixture f;
    fx_open(&f);
    get(&f, CONNECTIONS, "abc\r\nX-Injected: 1");
    ck_assert_int_eq(f.error, HTTP_ERR_NETWORK);
    ck_assert_msg(strstr(f.text, "refused to send"), "%s", f.text);
    ck_assert_int_eq(http_in_flight(f.h), 0);
    ck_assert_int_eq(logged("GET", CONNECTIONS), 0);
    fx_close(&f);
}
END_TEST

START_TEST(a_huge_token_lifetime_is_clamped_not_undefined)
{
    reset_emulator();
    fixture f;
    fx_open(&f);
    fault(TOKEN_ROUTE, "huge_numbers", NULL);
    call(&f, CONNECTIONS);
    ck_assert_msg(f.status == API_OK, "%s", f.text);
    long left = auth_seconds_left(f.au);
    ck_assert_msg(left > 3600 && left <= 86400, "seconds left: %ld", left);
    fx_close(&f);
}
END_TEST

/* ------------------------------------------------------------------ huge numbers (issue 14.9) */

/* Every double from outside is clamped before its conversion: the sanitizer build's
 * float-cast-overflow check fails any of these that is not. */
static const struct {
    double v;
    int64_t lo, hi, want;
} clamp_rows[] = {
    {1e300, 0, 86400, 86400},          {-1e300, 0, 86400, 0},
    {INFINITY, -5, 5, 5},              {-INFINITY, -5, 5, -5},
    {NAN, 3, 9, 3},                    {9223372036854775808.0, INT64_MIN, INT64_MAX, INT64_MAX},
    {-9223372036854775808.0, INT64_MIN, INT64_MAX, INT64_MIN}, {1.9, 0, 10, 1},
    {-1.9, -10, 10, -1},               {42, 0, 100, 42},
};

START_TEST(a_double_is_clamped_before_it_is_converted)
{
    ck_assert_int_eq(clamp_to_i64(clamp_rows[_i].v, clamp_rows[_i].lo, clamp_rows[_i].hi), clamp_rows[_i].want);
}
END_TEST

static const struct {
    const char *text;
    bool ok;
    int64_t ms;
} durations[] = {
    {"500ms", true, 500}, {"2", true, 2000}, {"2s", true, 2000}, {"1.5s", true, 1500}, {"1m", true, 60000},
    {"1e99s", true, SCRIPT_ADVANCE_MAX_MS}, {"1e300m", true, SCRIPT_ADVANCE_MAX_MS}, {"inf", true, SCRIPT_ADVANCE_MAX_MS},
    {"9223372036854775807ms", true, SCRIPT_ADVANCE_MAX_MS}, {"nan", false, 0}, {"-1s", false, 0}, {"5h", false, 0},
    {"", false, 0},
};

START_TEST(a_script_advance_of_1e99s_is_cut_to_a_year)
{
    int64_t ms = -7;
    ck_assert_msg(script_parse_duration(durations[_i].text, &ms) == durations[_i].ok, "%s", durations[_i].text);
    if (durations[_i].ok)
        ck_assert_msg(ms == durations[_i].ms, "%s: %lld", durations[_i].text, (long long)ms);
}
END_TEST

START_TEST(a_huge_tsp_status_code_in_a_failed_operation_is_clamped)
{
    const char *op = "{\"id\":\"019b0000-0000-7000-8000-000000000009\",\"resource\":\"message\",\"status\":"
                     "\"failed\",\"logs\":[{\"error_type\":\"tsp\",\"response_status_code\":1e300}]}";
    api_reply r = {.status = API_HTTP_ERROR, .http_status = 502, .body = op, .body_len = strlen(op), .retry_after_s = -1};
    write_result w;
    writes_interpret(&r, &w);
    ck_assert_msg(strstr(w.tsp_error, "TSP HTTP 999"), "%s", w.tsp_error);
    write_result_clear(&w);
}
END_TEST

START_TEST(a_huge_retry_after_in_a_429_body_is_clamped)
{
    reset_emulator();
    fixture f;
    fx_open(&f);
    fault(CONNECTIONS, "huge_numbers", ",\"status\":429,\"retry_after_header\":0");
    call(&f, CONNECTIONS);
    ck_assert_int_eq(f.http_status, 429);
    ck_assert_int_eq(f.retry_after_s, HTTP_RETRY_AFTER_MAX_S);
    ck_assert_msg(strstr(f.text, "retry in 86400 s"), "%s", f.text);
    fx_close(&f);
}
END_TEST

/* "Retry-After: 1e300" is neither delay-seconds nor a date: it was read as 1 second. */
START_TEST(a_retry_after_header_that_is_not_whole_seconds_is_not_read_as_seconds)
{
    reset_emulator();
    fixture f;
    fx_open(&f);
    fault(CONNECTIONS, "huge_numbers", ",\"status\":429,\"retry_after_header\":1");
    call(&f, CONNECTIONS);
    ck_assert_int_eq(f.http_status, 429);
    ck_assert_int_eq(f.retry_after_s, HTTP_RETRY_AFTER_MAX_S); /* the body's 1e300, clamped */
    fx_close(&f);
}
END_TEST

START_TEST(a_huge_total_and_model_year_load_clamped)
{
    reset_emulator();
    fixture f;
    fx_open(&f);
    free(emu_http(&emu, "POST", "/_emulator/faults", NULL,
                  "{\"route\":\"" VEHICLES "\",\"kind\":\"huge_numbers\",\"count\":-1}"));
    table t;
    table_init(&t, KIND_VEHICLE);
    api_load_table(f.a, &t, VEHICLES, API_PAGE_SIZE_MAX, NULL, on_list_done, &f);
    run_until(&f, &f.done);
    ck_assert_msg(t.state == LOAD_DONE, "%s", t.error ? t.error : "");
    ck_assert_uint_gt(t.count, 0);
    ck_assert_msg(t.total >= -1 && t.total <= INT32_MAX, "total %ld", t.total); /* -1: not believed */
    size_t huge = 0;
    for (size_t i = 0; i < t.count; i++) {
        const vehicle_rec *v = table_row(&t, i);
        ck_assert_msg(v->year == INT16_MAX || v->year == 0, "year %d", v->year); /* 1e300 or none */
        huge += v->year == INT16_MAX;
    }
    ck_assert_uint_gt(huge, 0);
    table_clear(&t);
    reset_emulator();
    fx_close(&f);
}
END_TEST

int main(void)
{
    text_init_locale();
    const char *args[] = {"--seed", "3", "--connections", "1", "--vehicles", "1000", "--hostile-strings", NULL};
    if (emu_start(&emu, args) != 0) {
        fprintf(stderr, "cannot start the emulator\n");
        return 1;
    }
    Suite *s = suite_create("hostile_http");
    TCase *tc = tcase_create("size_cap");
    tcase_add_loop_test(tc, an_oversized_answer_is_aborted, 0, (int)(sizeof oversized / sizeof oversized[0]));
    tcase_add_test(tc, the_largest_legitimate_page_arrives_whole);
    tcase_add_test(tc, a_list_with_an_oversized_answer_fails_alone_and_says_so);
    tcase_add_test(tc, endless_answers_at_once_hold_a_bounded_total);
    suite_add_tcase(s, tc);
    TCase *tok = tcase_create("tokens");
    tcase_add_test(tok, a_token_with_a_line_break_never_reaches_a_header);
    tcase_add_test(tok, the_transport_refuses_a_header_value_with_a_line_break);
    tcase_add_test(tok, a_huge_token_lifetime_is_clamped_not_undefined);
    suite_add_tcase(s, tok);
    TCase *huge = tcase_create("huge_numbers");
    tcase_add_loop_test(huge, a_double_is_clamped_before_it_is_converted, 0, (int)(sizeof clamp_rows / sizeof clamp_rows[0]));
    tcase_add_loop_test(huge, a_script_advance_of_1e99s_is_cut_to_a_year, 0, (int)(sizeof durations / sizeof durations[0]));
    tcase_add_test(huge, a_huge_tsp_status_code_in_a_failed_operation_is_clamped);
    tcase_add_test(huge, a_huge_retry_after_in_a_429_body_is_clamped);
    tcase_add_test(huge, a_retry_after_header_that_is_not_whole_seconds_is_not_read_as_seconds);
    tcase_add_test(huge, a_huge_total_and_model_year_load_clamped);
    suite_add_tcase(s, huge);
    int failed = run_suite_nofork(s);
    emu_stop(&emu);
    return failed ? 1 : 0;
}
