/* The client core against catena-emulator's hostile faults: answers that never end, that announce
 * gigabytes or inflate from a small gzip body, an auth server whose token would inject a header,
 * and a token lifetime of 1e300 seconds. Every case must end in a clear error with bounded memory
 * and leave the client usable. */
#include "core/api.h"
#include "core/text.h"
#include "e2e_console.h"

#include <check.h>
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
    suite_add_tcase(s, tc);
    TCase *tok = tcase_create("tokens");
    tcase_add_test(tok, a_token_with_a_line_break_never_reaches_a_header);
    tcase_add_test(tok, the_transport_refuses_a_header_value_with_a_line_break);
    tcase_add_test(tok, a_huge_token_lifetime_is_clamped_not_undefined);
    suite_add_tcase(s, tok);
    int failed = run_suite_nofork(s);
    emu_stop(&emu);
    return failed ? 1 : 0;
}
