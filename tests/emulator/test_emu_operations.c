/* HTTP-level tests of the resource-operations API (filters, single lookups) and of TSP rate limiting
 * (sync 429 in the log, async waiting for tokens). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "emu_test_world.h"
#include "emulator/emu_clock.h"
#include "suite_runner.h"

static world w;

static void start_fast(void)
{
    const char *args[] = {"--time-scale", "0.001", "--seed", "3", "--token-lifetime", "100000000", NULL};
    world_start(&w, args);
}

static void stop_world(void)
{
    world_stop(&w);
}

static cJSON *post_message(int conn, const char *sender, const char *recipient, const char *text, bool sync,
                           long *status)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"connection_id\":\"%s\",\"sender_id\":\"%s\",\"recipient_id\":\"%s\",\"message_text\":\"%s\"}",
             w.conn[conn], sender, recipient, text);
    return world_write(&w, "POST", sync ? "/v2/telematics/messages?is_sync=true" : "/v2/telematics/messages", body,
                       status);
}

START_TEST(operations_api_filters)
{
    long st;
    cJSON *a = post_message(0, w.dispatcher[0], w.driver[0][0], "one", true, &st);
    cJSON *b = post_message(1, w.dispatcher[1], w.driver[1][0], "two", true, &st);
    char body[256], path[512];
    snprintf(body, sizeof body, "{\"connection_id\":\"%s\",\"notes\":\"x\"}", w.conn[0]);
    snprintf(path, sizeof path, "/v2/telematics/vehicles/%s?is_sync=true", w.vehicle[0]);
    cJSON *c = world_write(&w, "PATCH", path, body, &st);
    static const struct {
        const char *query;
        int expect; /* -1: 422 */
    } cases[] = {
        {"", 3},
        {"?resource=message", 2},
        {"?resource=vehicle&operation=update", 1},
        {"?operation=create", 2},
        {"?source_name=motive", 1},
        {"?fleet_refs=acme-freight", 3},
        {"?fleet_refs=blue-ridge", 0},
        {"?source_id=123", -1},
        {"?resource=nope", -1},
        {"?operation=delete", -1},
        {"?from_datetime=2020-01-01T00:00:00Z&to_datetime=2020-03-01T00:00:00Z", -1},
        {"?from_datetime=2020-01-01T00:00:00Z&to_datetime=2020-01-02T00:00:00Z", 0},
        {"?size=1", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(path, sizeof path, "/v2/integrations/connections/resource-operations%s", cases[i].query);
        cJSON *j = http_get_json(&w.e, path, w.tok, &st);
        if (cases[i].expect < 0) {
            ck_assert_msg(st == 422, "%s -> %ld", cases[i].query, st);
        } else {
            ck_assert_int_eq(st, 200);
            ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(j, "total"));
            ck_assert_msg(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "items")) == cases[i].expect,
                          "%s", cases[i].query);
        }
        cJSON_Delete(j);
    }
    snprintf(path, sizeof path, "/v2/integrations/connections/resource-operations?connection_id=%s", w.conn[1]);
    cJSON *j = http_get_json(&w.e, path, w.tok, &st);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "items")), 1);
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/v2/integrations/connections/resource-operations?resource=message&source_id=%s",
             json_str(b, "source_id"));
    j = http_get_json(&w.e, path, w.tok, &st);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "items")), 1);
    cJSON_Delete(j);
    /* one operation: only under its own connection */
    snprintf(path, sizeof path, "/v2/integrations/connections/%s/resource-operations/%s", w.conn[1], json_str(a, "id"));
    j = http_get_json(&w.e, path, w.tok, &st);
    ck_assert_int_eq(st, 404);
    cJSON_Delete(j);
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(c);
}
END_TEST

START_TEST(tsp_rate_limit)
{
    world rl;
    const char *args[] = {"--tsp-rate", "1", "--tsp-burst", "2", NULL};
    world_start(&rl, args);
    int ok = 0, limited = 0;
    for (int i = 0; i < 4; i++) {
        char body[512];
        snprintf(body, sizeof body,
                 "{\"connection_id\":\"%s\",\"sender_id\":\"%s\",\"recipient_id\":\"%s\",\"message_text\":\"m%d\"}",
                 rl.conn[0], rl.dispatcher[0], rl.driver[0][0], i);
        long st;
        cJSON *op = world_write(&rl, "POST", "/v2/telematics/messages?is_sync=true", body, &st);
        if (st == 200) {
            ok++;
        } else {
            ck_assert_int_eq(st, 502);
            const cJSON *l = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(op, "logs"), 0);
            ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(l, "response_status_code")->valueint, 429);
            ck_assert_str_eq(json_str(l, "error_type"), "tsp");
            limited++;
        }
        cJSON_Delete(op);
    }
    ck_assert_int_ge(ok, 2);
    ck_assert_int_ge(limited, 1);
    world_stop(&rl);
}
END_TEST

START_TEST(async_waits_for_rate_tokens)
{
    world rl;
    const char *args[] = {"--tsp-rate", "1", "--tsp-burst", "1", "--time-scale", "0.01", "--token-lifetime",
                          "100000000", NULL};
    world_start(&rl, args);
    char ids[4][40];
    for (int i = 0; i < 4; i++) {
        char body[512];
        snprintf(body, sizeof body,
                 "{\"connection_id\":\"%s\",\"sender_id\":\"%s\",\"recipient_id\":\"%s\",\"message_text\":\"a%d\"}",
                 rl.conn[0], rl.dispatcher[0], rl.driver[0][0], i);
        long st;
        cJSON *op = world_write(&rl, "POST", "/v2/telematics/messages", body, &st);
        ck_assert_int_eq(st, 202);
        snprintf(ids[i], sizeof ids[i], "%s", json_str(op, "id"));
        cJSON_Delete(op);
    }
    world_drain(&rl);
    int64_t times[4];
    for (int i = 0; i < 4; i++) {
        cJSON *op = world_operation(&rl, rl.conn[0], ids[i]);
        ck_assert_str_eq(json_str(op, "status"), "success");
        ck_assert(emu_time_parse(json_str(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(op, "logs"), 0),
                                          "created_at"),
                                 &times[i]));
        cJSON_Delete(op);
    }
    /* four attempts at 1 request/s span at least ~2.5 emulated seconds */
    int64_t lo = times[0], hi = times[0];
    for (int i = 1; i < 4; i++) {
        lo = times[i] < lo ? times[i] : lo;
        hi = times[i] > hi ? times[i] : hi;
    }
    ck_assert_int_ge(hi - lo, 2500000);
    world_stop(&rl);
}
END_TEST

static Suite *operations_suite(void)
{
    Suite *s = suite_create("emulator operations");
    TCase *fast = tcase_create("fast clock");
    tcase_set_timeout(fast, 120);
    tcase_add_checked_fixture(fast, start_fast, stop_world);
    tcase_add_test(fast, operations_api_filters);
    suite_add_tcase(s, fast);
    TCase *own = tcase_create("own emulators");
    tcase_set_timeout(own, 120);
    tcase_add_test(own, tsp_rate_limit);
    tcase_add_test(own, async_waits_for_rate_tokens);
    suite_add_tcase(s, own);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    emu_test_record_responses();
    int failed = run_suite_nofork(operations_suite());
    curl_global_cleanup();
    return failed ? 1 : 0;
}
