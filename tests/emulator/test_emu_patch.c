/* HTTP-level tests of PATCH semantics the contract settles: null clears the nullable enums of
 * VehicleUpdate and UserUpdate (creates still refuse null), and the refuse_null fault that brings
 * back an API whose update schemas are not nullable. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "emu_test_world.h"
#include "suite_runner.h"

static world w;

static void start_world(void)
{
    const char *args[] = {"--time-scale", "0.001", "--seed", "3", "--token-lifetime", "100000000", NULL};
    world_start(&w, args);
}

static void stop_world(void)
{
    world_stop(&w);
}

/* PATCHes body (sync) to PATH/ID and returns the record read back. */
static cJSON *patch_and_read(const char *res_path, const char *id, const char *body)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s?is_sync=true", res_path, id);
    long st;
    cJSON *op = world_write(&w, "PATCH", path, body, &st);
    ck_assert_msg(st == 200, "PATCH %s: %ld", body, st);
    cJSON_Delete(op);
    snprintf(path, sizeof path, "%s/%s", res_path, id);
    cJSON *rec = http_get_json(&w.e, path, w.tok, &st);
    ck_assert_int_eq(st, 200);
    return rec;
}

/* VehicleUpdate and UserUpdate make their enum fields nullable: null clears them (creates still refuse it). */
START_TEST(patch_null_clears_enum_fields)
{
    char body[512];
    snprintf(body, sizeof body, "{\"connection_id\":\"%s\",\"status\":\"IN_SERVICE\",\"engine_type\":\"DIESEL\"}",
             w.conn[0]);
    cJSON *v = patch_and_read("/v2/telematics/vehicles", w.vehicle[0], body);
    ck_assert_str_eq(json_str(v, "status"), "IN_SERVICE");
    cJSON_Delete(v);
    snprintf(body, sizeof body, "{\"connection_id\":\"%s\",\"status\":null,\"engine_type\":null}", w.conn[0]);
    v = patch_and_read("/v2/telematics/vehicles", w.vehicle[0], body);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(v, "status")));
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(v, "engine_type")));
    ck_assert_ptr_nonnull(json_str(v, "vehicle_name"));
    cJSON_Delete(v);

    snprintf(body, sizeof body,
             "{\"connection_id\":\"%s\",\"status\":\"ACTIVE\",\"hos_ruleset_code\":\"US_INT_PROP_70_8\","
             "\"default_time_zone\":\"America/Denver\",\"hos_compliance_type\":\"exempt\","
             "\"hos_tracking_method\":\"manual\"}",
             w.conn[0]);
    cJSON *u = patch_and_read("/v2/telematics/users", w.driver[0][0], body);
    ck_assert_str_eq(json_str(u, "hos_ruleset_code"), "US_INT_PROP_70_8");
    ck_assert_str_eq(json_str(u, "default_time_zone"), "America/Denver");
    cJSON_Delete(u);
    snprintf(body, sizeof body,
             "{\"connection_id\":\"%s\",\"status\":null,\"hos_ruleset_code\":null,\"default_time_zone\":null,"
             "\"hos_compliance_type\":null,\"hos_tracking_method\":null}",
             w.conn[0]);
    u = patch_and_read("/v2/telematics/users", w.driver[0][0], body);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(u, "status")));
    /* UserRead's enums are not nullable: a cleared one is left out */
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(u, "hos_ruleset_code"));
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(u, "default_time_zone"));
    ck_assert_ptr_nonnull(json_str(u, "first_name"));
    cJSON_Delete(u);

    long st;
    snprintf(body, sizeof body, "{\"connection_id\":\"%s\",\"vehicle_name\":\"N\",\"status\":null}", w.conn[0]);
    cJSON *r = world_write(&w, "POST", "/v2/telematics/vehicles", body, &st);
    ck_assert_int_eq(st, 422);
    assert_422_path(r, "status");
    cJSON_Delete(r);
}
END_TEST

/* kind=refuse_null: an API whose update schemas are not nullable (422 as before the contract said they are). */
START_TEST(refuse_null_fault)
{
    ck_assert_int_eq(world_control(&w, "POST", "/_emulator/faults",
                                   "{\"route\":\"/v2/telematics/vehicles/\",\"kind\":\"refuse_null\",\"count\":1}"),
                     201);
    char body[256], path[256];
    snprintf(body, sizeof body, "{\"connection_id\":\"%s\",\"engine_type\":null,\"notes\":null}", w.conn[0]);
    snprintf(path, sizeof path, "/v2/telematics/vehicles/%s?is_sync=true", w.vehicle[0]);
    long st;
    cJSON *r = world_write(&w, "PATCH", path, body, &st);
    ck_assert_int_eq(st, 422);
    assert_422_path(r, "engine_type");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "detail")), 1); /* notes may be null */
    cJSON_Delete(r);
    r = world_write(&w, "PATCH", path, body, &st);
    ck_assert_int_eq(st, 200);
    cJSON_Delete(r);
}
END_TEST

static Suite *patch_suite(void)
{
    Suite *s = suite_create("emulator patch");
    TCase *tc = tcase_create("patch");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, start_world, stop_world);
    tcase_add_test(tc, patch_null_clears_enum_fields);
    tcase_add_test(tc, refuse_null_fault);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    emu_test_record_responses();
    int failed = run_suite_nofork(patch_suite());
    curl_global_cleanup();
    return failed ? 1 : 0;
}
