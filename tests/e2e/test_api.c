/* The client core against a real catena-emulator: auth, pagination into the store, errors. */
#include "core/api.h"
#include "core/text.h"
#include "emu_proc.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "suite_runner.h"

static emu_proc emu;

typedef struct fixture {
    loop *l;
    http_client *h;
    auth *au;
    api *a;
    int done;
    api_reply last;
    char body[4096];
} fixture;

static void fx_open(fixture *f, const char *api_url, const char *auth_url, const char *secret)
{
    memset(f, 0, sizeof *f);
    f->l = loop_new();
    f->h = http_client_new(f->l);
    f->au = auth_new(f->l, f->h, auth_url, "demo-client", secret);
    f->a = api_new(f->l, f->h, f->au, api_url);
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

static void on_done(void *ud, table *t)
{
    (void)t;
    ((fixture *)ud)->done = 1;
}

static void on_reply(void *ud, const api_reply *r)
{
    fixture *f = ud;
    f->last = *r;
    snprintf(f->body, sizeof f->body, "%.*s", (int)(r->body_len < 4000 ? r->body_len : 4000), r->body ? r->body : "");
    f->last.body = f->body;
    f->done = 1;
}

START_TEST(pagination_streams_every_vehicle_once)
{
    fixture f;
    fx_open(&f, emu.url, emu.auth_url, "demo-secret");
    table conns;
    table_init(&conns, KIND_CONNECTION);
    api_load_table(f.a, &conns, "/v2/integrations/connections", 1000, NULL, on_done, &f);
    run_until(&f, &f.done);
    ck_assert_int_eq(conns.state, LOAD_DONE);
    ck_assert_uint_ge(conns.count, 2);
    ck_assert_int_eq(conns.total, -1); /* integrations pages carry no total */

    char path[200], id[UUID_STR_LEN];
    uuid_format(&((connection_rec *)table_row(&conns, 0))->id, id);
    snprintf(path, sizeof path, "/v2/telematics/vehicles?connection_id=%s", id);
    table veh;
    table_init(&veh, KIND_VEHICLE);
    int pages = 0;
    f.done = 0;
    uint64_t before = http_requests_started(f.h);
    api_load_table(f.a, &veh, path, 97, NULL, on_done, &f);
    run_until(&f, &f.done);
    pages = (int)(http_requests_started(f.h) - before);
    ck_assert_int_eq(veh.state, LOAD_DONE);
    ck_assert_int_gt(veh.total, 97);
    ck_assert_uint_eq(veh.count, (size_t)veh.total);
    ck_assert_int_eq(pages, (int)((veh.total + 96) / 97));
    /* Every id once. */
    for (size_t i = 1; i < veh.count; i++) {
        const vehicle_rec *a = table_row(&veh, i - 1), *b = table_row(&veh, i);
        ck_assert(!uuid_equal(&a->id, &b->id));
    }
    for (size_t i = 0; i < veh.count; i += veh.count / 7 + 1)
        ck_assert_int_eq(table_find_id(&veh, &((vehicle_rec *)table_row(&veh, i))->id), (long)i);
    table_clear(&veh);
    table_clear(&conns);
    fx_close(&f);
}
END_TEST

START_TEST(bad_secret_is_an_auth_error_without_the_secret)
{
    fixture f;
    fx_open(&f, emu.url, emu.auth_url, "wrong-secret-XYZZY");
    api_call(f.a, "GET", "/v2/integrations/connections", NULL, on_reply, &f);
    run_until(&f, &f.done);
    ck_assert_int_eq(f.last.status, API_AUTH_ERROR);
    ck_assert_ptr_nonnull(strstr(f.last.message, "client id and secret"));
    ck_assert_ptr_null(strstr(f.last.message, "XYZZY"));
    ck_assert_int_eq(auth_get_state(f.au), AUTH_FAILED);
    fx_close(&f);
}
END_TEST

START_TEST(dead_port_is_a_network_error)
{
    fixture f;
    /* Port 1 on loopback: nothing listens there. */
    fx_open(&f, "http://127.0.0.1:1", "http://127.0.0.1:1/realms/catena", "demo-secret");
    api_call(f.a, "GET", "/v2/integrations/connections", NULL, on_reply, &f);
    run_until(&f, &f.done);
    ck_assert_int_eq(f.last.status, API_NETWORK);
    ck_assert_ptr_nonnull(strstr(f.last.message, "auth server"));
    fx_close(&f);
}
END_TEST

START_TEST(errors_are_explained)
{
    fixture f;
    fx_open(&f, emu.url, emu.auth_url, "demo-secret");
    api_call(f.a, "GET", "/v2/telematics/vehicles?size=0", NULL, on_reply, &f);
    run_until(&f, &f.done);
    ck_assert_int_eq(f.last.status, API_HTTP_ERROR);
    ck_assert_int_eq(f.last.http_status, 422);
    ck_assert_msg(strstr(f.last.message, "Rejected as invalid (422): size"), "%s", f.last.message);
    f.done = 0;
    api_call(f.a, "GET", "/v2/telematics/vehicles/00000000-0000-4000-8000-000000000000", NULL, on_reply, &f);
    run_until(&f, &f.done);
    ck_assert_int_eq(f.last.http_status, 404);
    ck_assert_msg(strstr(f.last.message, "Not found (404)"), "%s", f.last.message);
    fx_close(&f);
}
END_TEST

START_TEST(one_token_is_shared_and_reused)
{
    fixture f;
    fx_open(&f, emu.url, emu.auth_url, "demo-secret");
    int n = 0;
    fixture g[5];
    for (int i = 0; i < 5; i++) {
        memset(&g[i], 0, sizeof g[i]);
        api_call(f.a, "GET", "/v2/integrations/connections?size=1", NULL, on_reply, &g[i]);
    }
    int64_t deadline = loop_real_now_ms() + 30000;
    while (api_in_flight(f.a) && loop_real_now_ms() < deadline)
        loop_run_once(f.l, 100);
    for (int i = 0; i < 5; i++)
        n += g[i].last.status == API_OK;
    ck_assert_int_eq(n, 5);
    /* 5 API requests plus exactly one token request. */
    ck_assert_uint_eq(http_requests_started(f.h), 6);
    ck_assert_int_gt(auth_seconds_left(f.au), 3000);
    fx_close(&f);
}
END_TEST

static void on_http_done(void *ud, const http_response *r)
{
    *(long *)ud = r->status ? r->status : -1;
}

START_TEST(expired_token_is_refetched_once_on_401)
{
    fixture f;
    fx_open(&f, emu.url, emu.auth_url, "demo-secret");
    api_call(f.a, "GET", "/v2/integrations/connections?size=1", NULL, on_reply, &f);
    run_until(&f, &f.done);
    ck_assert_int_eq(f.last.status, API_OK);
    ck_assert_uint_eq(http_requests_started(f.h), 2); /* token + list */

    /* The emulator's clock moves past the token's lifetime; our cache still believes in it. */
    char url[256];
    snprintf(url, sizeof url, "%s/_emulator/clock/advance?ms=3700000", emu.url);
    long st = 0;
    http_request req = {.method = "POST", .url = url};
    http_start(f.h, &req, on_http_done, &st);
    while (!st)
        loop_run_once(f.l, 100);
    ck_assert_int_eq(st, 200);

    f.done = 0;
    api_call(f.a, "GET", "/v2/integrations/connections?size=1", NULL, on_reply, &f);
    run_until(&f, &f.done);
    ck_assert_int_eq(f.last.status, API_OK);
    /* advance + (list -> 401) + token + list */
    ck_assert_uint_eq(http_requests_started(f.h), 6);
    fx_close(&f);
}
END_TEST

int main(void)
{
    text_init_locale();
    const char *args[] = {"--seed", "3", "--connections", "3", "--vehicles", "1500", NULL};
    if (emu_start(&emu, args) != 0) {
        fprintf(stderr, "cannot start the emulator\n");
        return 1;
    }
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("e2e");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, pagination_streams_every_vehicle_once);
    tcase_add_test(tc, bad_secret_is_an_auth_error_without_the_secret);
    tcase_add_test(tc, dead_port_is_a_network_error);
    tcase_add_test(tc, errors_are_explained);
    tcase_add_test(tc, one_token_is_shared_and_reused);
    tcase_add_test(tc, expired_token_is_refetched_once_on_401);
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    emu_stop(&emu);
    return failed ? 1 : 0;
}
