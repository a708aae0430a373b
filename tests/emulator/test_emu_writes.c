/* HTTP-level tests of the write pipeline: validation, id translation, async lifecycle with retries and
 * backoff, sync 200/502, share levels (403), TSP support (501), effects on reads, operations API. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "emu_test_world.h"
#include "emulator/emu_clock.h"
#include "suite_runner.h"

static world w;

/* Fast emulated time: the 15 s retry schedule runs in ~15 ms. */
static void start_fast(void)
{
    const char *args[] = {"--time-scale", "0.001", "--seed", "3", "--token-lifetime", "100000000", NULL};
    world_start(&w, args);
}

/* Real-time scale, time moved by the control surface only. */
static void start_manual(void)
{
    const char *args[] = {"--seed", "3", NULL};
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
             "{\"connection_id\":\"%s\",\"sender_id\":\"%s\",\"recipient_id\":\"%s\",\"message_text\":\"%s\","
             "\"priority\":\"high\"}",
             w.conn[conn], sender, recipient, text);
    return world_write(&w, "POST", sync ? "/v2/telematics/messages?is_sync=true" : "/v2/telematics/messages", body,
                       status);
}

static const cJSON *logs_of(const cJSON *op)
{
    return cJSON_GetObjectItemCaseSensitive(op, "logs");
}

START_TEST(async_message_retries_to_success)
{
    long st;
    cJSON *op = post_message(0, w.dispatcher[0], w.driver[0][0], "Load 7 ready FAIL-TRANSIENT", false, &st);
    ck_assert_int_eq(st, 202);
    ck_assert_str_eq(json_str(op, "status"), "pending");
    ck_assert_int_eq(cJSON_GetArraySize(logs_of(op)), 0);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(op, "resource_id")));
    ck_assert_str_eq(json_str(op, "resource"), "message");
    ck_assert_str_eq(json_str(op, "operation_type"), "create");
    /* id translation: Catena ids resolved to the TSP's ids */
    const cJSON *payload = cJSON_GetObjectItemCaseSensitive(op, "payload");
    ck_assert_ptr_nonnull(json_str(payload, "source_sender_id"));
    ck_assert_ptr_nonnull(json_str(payload, "source_recipient_id"));
    ck_assert_str_eq(json_str(payload, "sender_id"), w.dispatcher[0]);
    world_drain(&w);
    cJSON *done = world_operation(&w, w.conn[0], json_str(op, "id"));
    ck_assert_str_eq(json_str(done, "status"), "success");
    const cJSON *logs = logs_of(done);
    ck_assert_int_eq(cJSON_GetArraySize(logs), 3);
    for (int i = 0; i < 2; i++) {
        const cJSON *l = cJSON_GetArrayItem(logs, i);
        ck_assert_str_eq(json_str(l, "status"), "failed");
        ck_assert_str_eq(json_str(l, "error_type"), "tsp");
        ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(l, "response_status_code")->valueint, 503);
        ck_assert_ptr_nonnull(json_str(l, "error_details"));
    }
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(logs, 2), "status"), "success");
    /* backoff between attempt 1 and 2 is ~1 s, between 2 and 3 ~2 s (emulated, +-20 %) */
    int64_t t[3];
    for (int i = 0; i < 3; i++)
        ck_assert(emu_time_parse(json_str(cJSON_GetArrayItem(logs, i), "created_at"), &t[i]));
    ck_assert_int_ge(t[1] - t[0], 800000);
    ck_assert_int_ge(t[2] - t[1], 1600000);
    const char *rid = json_str(done, "resource_id");
    ck_assert_ptr_nonnull(rid);
    ck_assert_ptr_nonnull(json_str(done, "source_id"));
    ck_assert_str_eq(json_str(done, "source_name"), w.source_name[0]);
    /* the message is visible with the sender and recipient filters */
    char path[512];
    snprintf(path, sizeof path, "/v2/telematics/messages?sender_ids=%s&recipient_ids=%s", w.dispatcher[0],
             w.driver[0][0]);
    cJSON *msgs = http_get_json(&w.e, path, w.tok, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(msgs, "total")->valueint, 1);
    const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(msgs, "items"), 0);
    ck_assert_str_eq(json_str(m, "id"), rid);
    ck_assert_str_eq(json_str(m, "message_text"), "Load 7 ready FAIL-TRANSIENT");
    ck_assert_str_eq(json_str(m, "source_sender_id"), json_str(payload, "source_sender_id"));
    ck_assert_ptr_nonnull(json_str(m, "sender_name"));
    cJSON_Delete(msgs);
    snprintf(path, sizeof path, "/v2/telematics/messages?sender_ids=%s", w.driver[0][1]);
    msgs = http_get_json(&w.e, path, w.tok, &st);
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(msgs, "total")->valueint, 0);
    cJSON_Delete(msgs);
    cJSON_Delete(done);
    cJSON_Delete(op);
}
END_TEST

static const struct {
    const char *marker;
    int attempts;
    const char *error_type;
    int status; /* 0 = null */
} FAILURES[] = {
    {"FAIL-PERMANENT", 1, "validation", 422},
    {"FAIL-AUTH", 1, "auth", 401},
    {"FAIL-TIMEOUT", 5, "network", 0},
};

START_TEST(async_message_fails)
{
    long st;
    char text[64];
    snprintf(text, sizeof text, "Dock change %s", FAILURES[_i].marker);
    cJSON *op = post_message(1, w.dispatcher[1], w.driver[1][0], text, false, &st);
    ck_assert_int_eq(st, 202);
    world_drain(&w);
    cJSON *done = world_operation(&w, w.conn[1], json_str(op, "id"));
    ck_assert_str_eq(json_str(done, "status"), "failed");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(done, "resource_id")));
    const cJSON *logs = logs_of(done);
    ck_assert_int_eq(cJSON_GetArraySize(logs), FAILURES[_i].attempts);
    const cJSON *l;
    cJSON_ArrayForEach(l, logs)
    {
        ck_assert_str_eq(json_str(l, "status"), "failed");
        ck_assert_str_eq(json_str(l, "error_type"), FAILURES[_i].error_type);
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(l, "response_status_code");
        if (FAILURES[_i].status)
            ck_assert_int_eq(code->valueint, FAILURES[_i].status);
        else
            ck_assert(cJSON_IsNull(code));
    }
    if (FAILURES[_i].attempts == 5) {
        /* exponential backoff: gaps of ~1, 2, 4, 8 s */
        int64_t prev = 0;
        for (int i = 0; i < 5; i++) {
            int64_t t;
            ck_assert(emu_time_parse(json_str(cJSON_GetArrayItem(logs, i), "created_at"), &t));
            if (i > 0) {
                double expect = 1e6 * (double)(1 << (i - 1));
                ck_assert_msg(fabs((double)(t - prev) - expect) <= expect * 0.2 + 600000, "gap %d: %lld", i,
                              (long long)(t - prev));
            }
            prev = t;
        }
    }
    cJSON_Delete(done);
    cJSON_Delete(op);
}
END_TEST

START_TEST(sync_success_and_failure)
{
    long st;
    cJSON *ok = post_message(0, w.dispatcher[0], w.driver[0][1], "Sync hello", true, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_str_eq(json_str(ok, "status"), "success");
    ck_assert_ptr_nonnull(json_str(ok, "resource_id"));
    ck_assert_int_eq(cJSON_GetArraySize(logs_of(ok)), 1);
    cJSON *bad = post_message(0, w.dispatcher[0], w.driver[0][1], "Sync FAIL-TRANSIENT", true, &st);
    ck_assert_int_eq(st, 502);
    ck_assert_str_eq(json_str(bad, "status"), "failed");
    ck_assert_int_eq(cJSON_GetArraySize(logs_of(bad)), 1); /* no retries in sync mode */
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(logs_of(bad), 0), "error_type"), "tsp");
    cJSON *auth = post_message(0, w.dispatcher[0], w.driver[0][1], "FAIL-AUTH", true, &st);
    ck_assert_int_eq(st, 502);
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(logs_of(auth), 0), "error_type"), "auth");
    cJSON_Delete(ok);
    cJSON_Delete(bad);
    cJSON_Delete(auth);
}
END_TEST

START_TEST(tsp_rules_message_length)
{
    /* motive (connection 1) accepts at most 500 characters */
    char text[700];
    memset(text, 'x', 600);
    text[600] = '\0';
    long st;
    cJSON *op = post_message(1, w.dispatcher[1], w.driver[1][0], text, true, &st);
    ck_assert_int_eq(st, 502);
    const cJSON *l = cJSON_GetArrayItem(logs_of(op), 0);
    ck_assert_str_eq(json_str(l, "error_type"), "validation");
    ck_assert_ptr_nonnull(strstr(json_str(l, "error_details"), "500"));
    cJSON_Delete(op);
    text[400] = '\0';
    op = post_message(1, w.dispatcher[1], w.driver[1][0], text, true, &st);
    ck_assert_int_eq(st, 200);
    cJSON_Delete(op);
}
END_TEST

/* ---------------------------------------------------------------- 422 shapes */

static const struct {
    const char *path;
    const char *body; /* %1$s = connection 0, %2$s = dispatcher 0, %3$s = driver 0, %4$s = driver of conn 1 */
    const char *bad_path;
} INVALID[] = {
    {"/v2/telematics/messages", "{}", "connection_id"},
    {"/v2/telematics/messages", "{\"connection_id\":\"%1$s\",\"recipient_id\":\"%3$s\"}", "sender_id"},
    {"/v2/telematics/messages", "{\"connection_id\":\"%1$s\",\"sender_id\":\"nope\",\"recipient_id\":\"%3$s\"}",
     "sender_id"},
    {"/v2/telematics/messages",
     "{\"connection_id\":\"%1$s\",\"sender_id\":\"%2$s\",\"recipient_id\":\"%3$s\",\"priority\":\"urgent\"}",
     "priority"},
    {"/v2/telematics/messages",
     "{\"connection_id\":\"%1$s\",\"sender_id\":\"%2$s\",\"recipient_id\":\"%3$s\",\"message_text\":42}",
     "message_text"},
    {"/v2/telematics/messages", "{\"connection_id\":\"%1$s\",\"sender_id\":\"%2$s\",\"recipient_id\":\"%4$s\"}",
     "recipient_id"},
    {"/v2/telematics/messages",
     "{\"connection_id\":\"%1$s\",\"sender_id\":\"%2$s\",\"recipient_id\":\"019a0000-0000-7000-8000-0000000000aa\"}",
     "recipient_id"},
    {"/v2/telematics/messages",
     "{\"connection_id\":\"019a0000-0000-7000-8000-0000000000aa\",\"sender_id\":\"%2$s\",\"recipient_id\":\"%3$s\"}",
     "connection_id"},
    {"/v2/telematics/messages", "[1,2]", "body"},
    {"/v2/telematics/messages", "{not json", "body"},
    {"/v2/telematics/group-messages", "{\"connection_id\":\"%1$s\",\"sender_id\":\"%2$s\",\"recipient_ids\":[]}",
     "recipient_ids"},
    {"/v2/telematics/group-messages",
     "{\"connection_id\":\"%1$s\",\"sender_id\":\"%2$s\",\"recipient_ids\":[\"%3$s\",\"bad\"]}", "recipient_ids.1"},
    {"/v2/telematics/group-messages",
     "{\"connection_id\":\"%1$s\",\"sender_id\":\"%2$s\",\"recipient_ids\":[\"%3$s\",\"%4$s\"]}", "recipient_ids.1"},
    {"/v2/telematics/vehicles", "{\"connection_id\":\"%1$s\",\"license_plate_country\":\"US\"}",
     "license_plate_country"},
    {"/v2/telematics/vehicles", "{\"connection_id\":\"%1$s\",\"model_year\":\"2020\"}", "model_year"},
    {"/v2/telematics/vehicles", "{\"connection_id\":\"%1$s\",\"model_year\":2020.5}", "model_year"},
    {"/v2/telematics/vehicles", "{\"connection_id\":\"%1$s\",\"status\":\"BROKEN\"}", "status"},
    {"/v2/telematics/vehicles", "{\"connection_id\":\"%1$s\",\"status\":null}", "status"},
    {"/v2/telematics/users", "{\"connection_id\":\"%1$s\",\"is_driver\":\"yes\"}", "is_driver"},
    {"/v2/telematics/users", "{\"connection_id\":\"%1$s\",\"license_expiration\":\"2026-13-01\"}",
     "license_expiration"},
    {"/v2/telematics/users", "{\"connection_id\":\"%1$s\",\"default_time_zone\":\"Mars/Olympus\"}",
     "default_time_zone"},
    {"/v2/telematics/trailers", "{\"connection_id\":\"%1$s\",\"trailer_length\":\"long\"}", "trailer_length"},
    {"/v2/telematics/dvir-logs", "{\"connection_id\":\"%1$s\",\"driver_id\":\"%3$s\",\"defects\":[\"wings\"]}",
     "defects.0"},
    {"/v2/telematics/dvir-logs", "{\"connection_id\":\"%1$s\",\"driver_id\":\"%3$s\",\"occurred_at\":\"yesterday\"}",
     "occurred_at"},
    {"/v2/telematics/fuel-transactions", "{\"connection_id\":\"%1$s\",\"driver_id\":\"%3$s\"}", "vehicle_id"},
    {"/v2/telematics/fuel-transactions", "{\"connection_id\":\"%1$s\",\"driver_id\":\"%3$s\"}", "fuel_volume"},
    {"/v2/telematics/fuel-transactions", "{\"connection_id\":\"%1$s\",\"driver_id\":\"%3$s\"}", "fuel_volume_unit"},
    {"/v2/telematics/messages?is_sync=perhaps",
     "{\"connection_id\":\"%1$s\",\"sender_id\":\"%2$s\",\"recipient_id\":\"%3$s\"}", "is_sync"},
};

START_TEST(invalid_bodies_422)
{
    char body[1024];
    snprintf(body, sizeof body, INVALID[_i].body, w.conn[0], w.dispatcher[0], w.driver[0][0], w.driver[1][0]);
    long st;
    cJSON *j = world_write(&w, "POST", INVALID[_i].path, body, &st);
    ck_assert_msg(st == 422, "%s %s -> %ld", INVALID[_i].path, body, st);
    assert_422_path(j, INVALID[_i].bad_path);
    cJSON_Delete(j);
}
END_TEST

START_TEST(fuel_location_range_422)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"connection_id\":\"%s\",\"driver_id\":\"%s\",\"vehicle_id\":\"%s\",\"fuel_volume\":300,"
             "\"fuel_volume_unit\":\"LITER\",\"latitude\":91,\"longitude\":-181,\"total_cost\":\"12.x\"}",
             w.conn[0], w.driver[0][0], w.vehicle[0]);
    long st;
    cJSON *j = world_write(&w, "POST", "/v2/telematics/fuel-transactions", body, &st);
    ck_assert_int_eq(st, 422);
    assert_422_path(j, "latitude");
    assert_422_path(j, "longitude");
    assert_422_path(j, "total_cost");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "detail")), 3);
    cJSON_Delete(j);
}
END_TEST

/* ---------------------------------------------------------------- 403 / 404 / 501 */

START_TEST(read_only_share_level_403)
{
    /* connection 2 (geotab) shares vehicles read-only */
    char body[256];
    snprintf(body, sizeof body, "{\"connection_id\":\"%s\",\"vehicle_name\":\"Truck 9\",\"vin\":\"1XKYD49X0KJ123456\"}",
             w.conn[2]);
    long st;
    cJSON *j = world_write(&w, "POST", "/v2/telematics/vehicles", body, &st);
    ck_assert_int_eq(st, 403);
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(j, "code")->valueint, 403);
    ck_assert_str_eq(json_str(j, "message"), "Forbidden");
    ck_assert_ptr_nonnull(strstr(json_str(j, "detail"), "vehicle"));
    cJSON_Delete(j);
    /* data-freshness says so */
    char path[256];
    snprintf(path, sizeof path, "/v2/integrations/connections/data-freshness?fleet_refs=blue-ridge");
    cJSON *df = http_get_json(&w.e, path, w.tok, &st);
    ck_assert_int_eq(st, 200);
    bool seen = false;
    const cJSON *row;
    cJSON_ArrayForEach(row, df)
    {
        ck_assert_str_eq(json_str(row, "fleet_ref"), "blue-ridge");
        if (strcmp(json_str(row, "resource"), "vehicle") == 0) {
            ck_assert_str_eq(json_str(row, "share_level"), "read");
            seen = true;
        }
    }
    ck_assert(seen);
    cJSON_Delete(df);
    /* the control surface can flip it */
    char ctl[256];
    snprintf(ctl, sizeof ctl, "{\"connection_id\":\"%s\",\"resource\":\"message\",\"share_level\":\"read\"}",
             w.conn[0]);
    ck_assert_int_eq(world_control(&w, "POST", "/_emulator/share-level", ctl), 200);
    cJSON *m = post_message(0, w.dispatcher[0], w.driver[0][0], "hi", false, &st);
    ck_assert_int_eq(st, 403);
    cJSON_Delete(m);
    snprintf(ctl, sizeof ctl, "{\"connection_id\":\"%s\",\"resource\":\"message\",\"share_level\":\"read_write\"}",
             w.conn[0]);
    ck_assert_int_eq(world_control(&w, "POST", "/_emulator/share-level", ctl), 200);
    m = post_message(0, w.dispatcher[0], w.driver[0][0], "hi", false, &st);
    ck_assert_int_eq(st, 202);
    cJSON_Delete(m);
}
END_TEST

START_TEST(unsupported_resource_501)
{
    /* geotab does not support group messages; omnitracs has not implemented DVIR writes */
    char body[512];
    snprintf(body, sizeof body, "{\"connection_id\":\"%s\",\"sender_id\":\"%s\",\"recipient_ids\":[\"%s\"]}",
             w.conn[2], w.dispatcher[2], w.driver[2][0]);
    long st;
    cJSON *j = world_write(&w, "POST", "/v2/telematics/group-messages", body, &st);
    ck_assert_int_eq(st, 501);
    ck_assert_str_eq(json_str(j, "message"), "Not Implemented");
    cJSON_Delete(j);
    snprintf(body, sizeof body, "{\"connection_id\":\"%s\",\"driver_id\":\"%s\"}", w.conn[3], w.driver[3][0]);
    j = world_write(&w, "POST", "/v2/telematics/dvir-logs", body, &st);
    ck_assert_int_eq(st, 501);
    cJSON_Delete(j);
    /* the TSP catalogue agrees */
    cJSON *tsps = http_get_json(&w.e, "/v2/integrations/tsps", w.tok, &st);
    ck_assert_int_eq(st, 200);
    const cJSON *t;
    bool found = false;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(tsps, "items"))
    {
        if (strcmp(json_str(t, "source_name"), "geotab") == 0) {
            ck_assert_str_eq(json_str(cJSON_GetObjectItemCaseSensitive(t, "integrations"), "group_message"),
                             "not_supported");
            char path[128];
            snprintf(path, sizeof path, "/v2/integrations/tsps/%s", json_str(t, "tsp_id"));
            cJSON *one = http_get_json(&w.e, path, w.tok, &st);
            ck_assert_int_eq(st, 200);
            ck_assert_str_eq(json_str(one, "slug"), "geotab");
            cJSON_Delete(one);
            found = true;
        }
    }
    ck_assert(found);
    cJSON_Delete(tsps);
}
END_TEST

START_TEST(patch_changes_reads)
{
    char body[512], path[256];
    snprintf(body, sizeof body, "{\"connection_id\":\"%s\",\"vehicle_name\":\"Renamed 1\",\"notes\":\"new notes\"}",
             w.conn[0]);
    snprintf(path, sizeof path, "/v2/telematics/vehicles/%s?is_sync=true", w.vehicle[0]);
    long st;
    cJSON *op = world_write(&w, "PATCH", path, body, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_str_eq(json_str(op, "operation_type"), "update");
    ck_assert_str_eq(json_str(op, "resource_id"), w.vehicle[0]);
    ck_assert_ptr_nonnull(json_str(cJSON_GetObjectItemCaseSensitive(op, "payload"), "source_id"));
    cJSON_Delete(op);
    snprintf(path, sizeof path, "/v2/telematics/vehicles/%s", w.vehicle[0]);
    cJSON *v = http_get_json(&w.e, path, w.tok, &st);
    ck_assert_str_eq(json_str(v, "vehicle_name"), "Renamed 1");
    ck_assert_str_eq(json_str(v, "notes"), "new notes");
    const char *vin_before = json_str(v, "vin");
    ck_assert_ptr_nonnull(vin_before); /* omitted fields unchanged */
    cJSON_Delete(v);
    /* null clears */
    snprintf(body, sizeof body, "{\"connection_id\":\"%s\",\"notes\":null}", w.conn[0]);
    snprintf(path, sizeof path, "/v2/telematics/vehicles/%s?is_sync=true", w.vehicle[0]);
    op = world_write(&w, "PATCH", path, body, &st);
    ck_assert_int_eq(st, 200);
    cJSON_Delete(op);
    snprintf(path, sizeof path, "/v2/telematics/vehicles/%s", w.vehicle[0]);
    v = http_get_json(&w.e, path, w.tok, &st);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(v, "notes")));
    ck_assert_str_eq(json_str(v, "vehicle_name"), "Renamed 1");
    cJSON_Delete(v);
    /* unknown id, or an id of another connection: 404 */
    snprintf(path, sizeof path, "/v2/telematics/vehicles/%s", w.vehicle[1]);
    op = world_write(&w, "PATCH", path, body, &st);
    ck_assert_int_eq(st, 404);
    cJSON_Delete(op);
    op = world_write(&w, "PATCH", "/v2/telematics/vehicles/019a0000-0000-7000-8000-0000000000aa", body, &st);
    ck_assert_int_eq(st, 404);
    cJSON_Delete(op);
}
END_TEST

START_TEST(create_adds_records)
{
    static const struct {
        const char *path, *list, *body;
    } creates[] = {
        {"/v2/telematics/vehicles", "/v2/telematics/vehicles",
         "{\"connection_id\":\"%1$s\",\"vehicle_name\":\"Truck 7777\",\"vin\":\"1XKYD49X0KJ123456\",\"status\":"
         "\"IN_SERVICE\",\"model_year\":2024,\"license_plate_country\":\"USA\",\"engine_type\":\"DIESEL\"}"},
        {"/v2/telematics/users", "/v2/telematics/users",
         "{\"connection_id\":\"%1$s\",\"username\":\"nnovak\",\"first_name\":\"Nikola\",\"last_name\":\"Novák\","
         "\"is_driver\":true,\"country_code\":\"USA\",\"license_expiration\":\"2029-05-01\",\"hos_ruleset_code\":"
         "\"US_INT_PROP_70_8\",\"default_time_zone\":\"America/Chicago\",\"hos_compliance_type\":\"non_exempt\"}"},
        {"/v2/telematics/trailers", "/v2/telematics/trailers",
         "{\"connection_id\":\"%1$s\",\"trailer_name\":\"RF-9999\",\"trailer_type\":\"reefer\",\"trailer_length\":16.15}"},
        {"/v2/telematics/group-messages", "/v2/telematics/group-messages",
         "{\"connection_id\":\"%1$s\",\"sender_id\":\"%2$s\",\"recipient_ids\":[\"%3$s\",\"%4$s\"],\"message_text\":"
         "\"Storm warning I-80\",\"priority\":\"high\"}"},
        {"/v2/telematics/dvir-logs", "/v2/telematics/dvir-logs",
         "{\"connection_id\":\"%1$s\",\"driver_id\":\"%3$s\",\"vehicle_id\":\"%5$s\",\"trailer_id\":\"%6$s\","
         "\"log_type\":\"pre_trip\",\"defects\":[\"brakes\",\"tires\"],\"defect_count\":2,\"odometer\":120000,"
         "\"odometer_unit\":\"miles\",\"is_safety_critical\":true}"},
        {"/v2/telematics/fuel-transactions", "/v2/telematics/fuel-transactions",
         "{\"connection_id\":\"%1$s\",\"driver_id\":\"%3$s\",\"vehicle_id\":\"%5$s\",\"fuel_volume\":412.5,"
         "\"fuel_volume_unit\":\"LITER\",\"latitude\":41.88,\"longitude\":-87.63,\"total_cost\":\"612.40\","
         "\"currency\":\"USD\",\"fuel_type\":\"DIESEL\"}"},
    };
    for (size_t i = 0; i < sizeof creates / sizeof creates[0]; i++) {
        char body[1024], path[512];
        snprintf(body, sizeof body, creates[i].body, w.conn[0], w.dispatcher[0], w.driver[0][0], w.driver[0][1],
                 w.vehicle[0], w.trailer[0]);
        long st;
        snprintf(path, sizeof path, "%s?connection_id=%s", creates[i].list, w.conn[0]);
        cJSON *before = http_get_json(&w.e, path, w.tok, &st);
        ck_assert_int_eq(st, 200);
        int n_before = cJSON_GetObjectItemCaseSensitive(before, "total")->valueint;
        cJSON_Delete(before);
        char post[256];
        snprintf(post, sizeof post, "%s?is_sync=true", creates[i].path);
        cJSON *op = world_write(&w, "POST", post, body, &st);
        ck_assert_msg(st == 200, "%s -> %ld", creates[i].path, st);
        const char *rid = json_str(op, "resource_id");
        ck_assert_ptr_nonnull(rid);
        cJSON *after = http_get_json(&w.e, path, w.tok, &st);
        ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(after, "total")->valueint, n_before + 1);
        bool found = false;
        const cJSON *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(after, "items"))
        {
            if (strcmp(json_str(it, "id"), rid) == 0) {
                found = true;
                ck_assert_str_eq(json_str(it, "source_id"), json_str(op, "source_id"));
                ck_assert_str_eq(json_str(it, "connection_id"), w.conn[0]);
            }
        }
        ck_assert_msg(found, "%s: created record not listed", creates[i].path);
        cJSON_Delete(after);
        cJSON_Delete(op);
    }
}
END_TEST

START_TEST(message_lifecycle_with_clock)
{
    long st;
    cJSON *op = post_message(0, w.dispatcher[0], w.driver[0][0], "Pickup at 10:00", true, &st);
    ck_assert_int_eq(st, 200);
    char path[256];
    snprintf(path, sizeof path, "/v2/telematics/messages?sender_ids=%s", w.dispatcher[0]);
    cJSON *list = http_get_json(&w.e, path, w.tok, &st);
    const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(list, "items"), 0);
    ck_assert_str_eq(json_str(m, "status"), "sent");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(m, "delivered_at")));
    cJSON_Delete(list);
    ck_assert_int_eq(world_control(&w, "POST", "/_emulator/clock/advance?ms=100000", NULL), 200);
    /* the default window ends at now, so the message stays visible */
    list = http_get_json(&w.e, path, w.tok, &st);
    m = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(list, "items"), 0);
    ck_assert_ptr_nonnull(m);
    ck_assert_str_ne(json_str(m, "status"), "sent");
    ck_assert_ptr_nonnull(json_str(m, "delivered_at"));
    cJSON_Delete(list);
    ck_assert_int_eq(world_control(&w, "POST", "/_emulator/clock/advance?ms=700000", NULL), 200);
    list = http_get_json(&w.e, path, w.tok, &st);
    m = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(list, "items"), 0);
    const char *s = json_str(m, "status");
    ck_assert(strcmp(s, "delivered") == 0 || strcmp(s, "read") == 0);
    if (strcmp(s, "read") == 0)
        ck_assert_ptr_nonnull(json_str(m, "read_at"));
    cJSON_Delete(list);
    /* a window in the past does not show it; more than 45 days is 422 */
    list = http_get_json(&w.e, "/v2/telematics/messages?from_datetime=2020-01-01T00:00:00Z&to_datetime=2020-01-02T00:00:00Z",
                         w.tok, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(list, "total")->valueint, 0);
    cJSON_Delete(list);
    list = http_get_json(&w.e, "/v2/telematics/messages?from_datetime=2020-01-01T00:00:00Z&to_datetime=2020-03-01T00:00:00Z",
                         w.tok, &st);
    ck_assert_int_eq(st, 422);
    cJSON_Delete(list);
    cJSON_Delete(op);
}
END_TEST

static Suite *writes_suite(void)
{
    Suite *s = suite_create("emulator writes");
    TCase *fast = tcase_create("fast clock");
    tcase_set_timeout(fast, 120);
    tcase_add_checked_fixture(fast, start_fast, stop_world);
    tcase_add_test(fast, async_message_retries_to_success);
    tcase_add_loop_test(fast, async_message_fails, 0, sizeof FAILURES / sizeof FAILURES[0]);
    tcase_add_test(fast, sync_success_and_failure);
    tcase_add_test(fast, tsp_rules_message_length);
    tcase_add_loop_test(fast, invalid_bodies_422, 0, sizeof INVALID / sizeof INVALID[0]);
    tcase_add_test(fast, fuel_location_range_422);
    tcase_add_test(fast, read_only_share_level_403);
    tcase_add_test(fast, unsupported_resource_501);
    tcase_add_test(fast, patch_changes_reads);
    tcase_add_test(fast, create_adds_records);
    suite_add_tcase(s, fast);
    TCase *manual = tcase_create("manual clock");
    tcase_add_checked_fixture(manual, start_manual, stop_world);
    tcase_add_test(manual, message_lifecycle_with_clock);
    suite_add_tcase(s, manual);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    emu_test_record_responses();
    int failed = run_suite_nofork(writes_suite());
    curl_global_cleanup();
    return failed ? 1 : 0;
}
