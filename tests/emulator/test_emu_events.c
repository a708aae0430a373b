/* HTTP-level tests of the event resources the console writes back (issue 10): a DVIR log, a fuel
 * transaction or a group message that was written is stored and served back by its list, with the
 * contract's filters (time window on the event's own time, driver, vehicle, sender, group, source ids)
 * and cursor pages. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "emu_test_world.h"
#include "suite_runner.h"

#define START "2026-03-01T12:00:00Z"

static world w;

static void start_world(void)
{
    const char *args[] = {"--seed", "6", "--start-time", START, "--token-lifetime", "100000000", NULL};
    world_start(&w, args);
}

static void stop_world(void)
{
    world_stop(&w);
}

/* Writes body (sync) to path and returns the new record's id (heap). */
static char *create(const char *path, const char *body)
{
    char url[256];
    snprintf(url, sizeof url, "%s?is_sync=true", path);
    long st;
    cJSON *op = world_write(&w, "POST", url, body, &st);
    ck_assert_msg(st == 200, "POST %s %s -> %ld", path, body, st);
    char *id = strdup(json_str(op, "resource_id"));
    cJSON_Delete(op);
    return id;
}

/* The ids a list query answers, through cursor pages of size 1, joined by spaces. */
static char *ids_of(const char *path, const char *query)
{
    strbuf out = STRBUF_INIT;
    char url[2048];
    snprintf(url, sizeof url, "%s?size=1&%s", path, query);
    for (int pages = 0; pages < 50; pages++) {
        long st;
        cJSON *j = http_get_json(&w.e, url, w.tok, &st);
        ck_assert_msg(st == 200, "GET %s -> %ld", url, st);
        const cJSON *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, "items"))
            strbuf_printf(&out, "%s%s", out.len ? " " : "", json_str(it, "id"));
        const char *next = json_str(j, "next_page");
        if (!next) {
            cJSON_Delete(j);
            return strbuf_detach(&out);
        }
        char *enc = curl_easy_escape(NULL, next, 0);
        snprintf(url, sizeof url, "%s?size=1&%s&cursor=%s", path, query, enc);
        curl_free(enc);
        cJSON_Delete(j);
    }
    ck_abort_msg("too many pages");
    return NULL;
}

static cJSON *first_item(const char *path, const char *query)
{
    char url[2048];
    snprintf(url, sizeof url, "%s?%s", path, query);
    long st;
    cJSON *j = http_get_json(&w.e, url, w.tok, &st);
    ck_assert_int_eq(st, 200);
    cJSON *it = cJSON_DetachItemFromArray(cJSON_GetObjectItemCaseSensitive(j, "items"), 0);
    cJSON_Delete(j);
    ck_assert_ptr_nonnull(it);
    return it;
}

#define DVIR "/v2/telematics/dvir-logs"
#define FUEL "/v2/telematics/fuel-transactions"
#define GROUP "/v2/telematics/group-messages"
#define WEEK "from_datetime=2026-02-22T00:00:00Z&to_datetime=2026-03-02T00:00:00Z"

START_TEST(dvir_logs_written_are_listed_with_filters)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"connection_id\":\"%s\",\"driver_id\":\"%s\",\"vehicle_id\":\"%s\",\"trailer_id\":\"%s\","
             "\"log_type\":\"pre_trip\",\"defects\":[\"brakes\",\"tires\"],\"defect_count\":2,\"odometer\":1000,"
             "\"odometer_unit\":\"miles\",\"is_safety_critical\":true,\"driver_comment\":\"left rear tire\","
             "\"occurred_at\":\"2026-02-26T08:30:00Z\"}",
             w.conn[0], w.driver[0][0], w.vehicle[0], w.trailer[0]);
    char *old = create(DVIR, body);
    snprintf(body, sizeof body,
             "{\"connection_id\":\"%s\",\"driver_id\":\"%s\",\"log_type\":\"post_trip\",\"defects\":[]}", w.conn[0],
             w.driver[0][1]);
    char *recent = create(DVIR, body);
    snprintf(body, sizeof body, "{\"connection_id\":\"%s\",\"driver_id\":\"%s\",\"vehicle_id\":\"%s\"}", w.conn[1],
             w.driver[1][0], w.vehicle[1]);
    char *other = create(DVIR, body);

    /* The event's own time decides the window: the default (last 24 h) misses the old one. */
    char *ids = ids_of(DVIR, "");
    ck_assert_ptr_null(strstr(ids, old));
    ck_assert_ptr_nonnull(strstr(ids, recent));
    free(ids);
    ids = ids_of(DVIR, WEEK);
    char want[200];
    snprintf(want, sizeof want, "%s %s %s", old, recent, other);
    ck_assert_str_eq(ids, want);
    free(ids);
    ids = ids_of(DVIR, "from_datetime=2026-02-26T08:00:00Z&to_datetime=2026-02-26T09:00:00Z");
    ck_assert_str_eq(ids, old);
    free(ids);

    char q[512];
    snprintf(q, sizeof q, WEEK "&driver_ids=%s&driver_ids=%s", w.driver[0][0], w.driver[1][0]);
    ids = ids_of(DVIR, q);
    snprintf(want, sizeof want, "%s %s", old, other);
    ck_assert_str_eq(ids, want);
    free(ids);
    snprintf(q, sizeof q, WEEK "&vehicle_ids=%s", w.vehicle[1]);
    ids = ids_of(DVIR, q);
    ck_assert_str_eq(ids, other);
    free(ids);
    snprintf(q, sizeof q, WEEK "&connection_id=%s", w.conn[0]);
    ids = ids_of(DVIR, q);
    snprintf(want, sizeof want, "%s %s", old, recent);
    ck_assert_str_eq(ids, want);
    free(ids);

    /* What was written comes back. */
    snprintf(q, sizeof q, WEEK "&vehicle_ids=%s", w.vehicle[0]);
    cJSON *it = first_item(DVIR, q);
    ck_assert_str_eq(json_str(it, "id"), old);
    ck_assert_str_eq(json_str(it, "occurred_at"), "2026-02-26T08:30:00.000000Z");
    ck_assert_str_eq(json_str(it, "trailer_id"), w.trailer[0]);
    ck_assert_ptr_nonnull(json_str(it, "source_trailer_id"));
    ck_assert_str_eq(json_str(it, "log_type"), "pre_trip");
    ck_assert_str_eq(json_str(it, "driver_comment"), "left rear tire");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "is_safety_critical")));
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(it, "defects")), 2);
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(it, "defect_count")->valueint, 2);
    ck_assert_double_eq_tol(cJSON_GetObjectItemCaseSensitive(it, "odometer_km")->valuedouble, 1609.344, 0.01);
    cJSON_Delete(it);
    free(old);
    free(recent);
    free(other);
}
END_TEST

START_TEST(fuel_transactions_written_are_listed_with_filters)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"connection_id\":\"%s\",\"driver_id\":\"%s\",\"vehicle_id\":\"%s\",\"co_driver_id\":\"%s\","
             "\"fuel_volume\":300,\"fuel_volume_unit\":\"LITER\",\"fuel_type\":\"DIESEL\",\"latitude\":41.9,"
             "\"longitude\":-87.6,\"total_cost\":512.3,\"currency\":\"USD\",\"fuel_vendor\":\"Pilot\","
             "\"transaction_time\":\"2026-02-27T18:00:00Z\"}",
             w.conn[0], w.driver[0][0], w.vehicle[0], w.driver[0][1]);
    char *a = create(FUEL, body);
    snprintf(body, sizeof body,
             "{\"connection_id\":\"%s\",\"driver_id\":\"%s\",\"vehicle_id\":\"%s\",\"fuel_volume\":80,"
             "\"fuel_volume_unit\":\"US_GALLON\"}",
             w.conn[0], w.driver[0][1], w.vehicle[0]);
    char *b = create(FUEL, body);
    char *ids = ids_of(FUEL, "");
    ck_assert_str_eq(ids, b);
    free(ids);
    char q[512], want[100];
    snprintf(q, sizeof q, WEEK "&vehicle_ids=%s", w.vehicle[0]);
    ids = ids_of(FUEL, q);
    snprintf(want, sizeof want, "%s %s", a, b);
    ck_assert_str_eq(ids, want);
    free(ids);
    snprintf(q, sizeof q, WEEK "&driver_ids=%s", w.driver[0][0]);
    ids = ids_of(FUEL, q);
    ck_assert_str_eq(ids, a);
    free(ids);
    cJSON *it = first_item(FUEL, q);
    ck_assert_str_eq(json_str(it, "occurred_at"), "2026-02-27T18:00:00.000000Z");
    ck_assert_str_eq(json_str(it, "co_driver_id"), w.driver[0][1]);
    ck_assert_str_eq(json_str(it, "fuel_type"), "DIESEL");
    ck_assert_str_eq(json_str(it, "fuel_vendor"), "Pilot");
    ck_assert_str_eq(json_str(it, "total_cost"), "512.30");
    const cJSON *coords = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(it, "location"),
                                                           "coordinates");
    ck_assert_double_eq_tol(cJSON_GetArrayItem(coords, 1)->valuedouble, 41.9, 1e-6);
    snprintf(q, sizeof q, WEEK "&source_driver_ids=%s", json_str(it, "source_driver_id"));
    cJSON_Delete(it);
    ids = ids_of(FUEL, q);
    ck_assert_str_eq(ids, a);
    free(ids);
    free(a);
    free(b);
}
END_TEST

START_TEST(group_messages_written_are_listed_with_filters)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"connection_id\":\"%s\",\"sender_id\":\"%s\",\"recipient_ids\":[\"%s\",\"%s\"],"
             "\"message_text\":\"Storm warning I-80\"}",
             w.conn[0], w.dispatcher[0], w.driver[0][0], w.driver[0][1]);
    char *a = create(GROUP, body);
    snprintf(body, sizeof body,
             "{\"connection_id\":\"%s\",\"sender_id\":\"%s\",\"recipient_ids\":[\"%s\"],\"message_text\":\"hi\"}",
             w.conn[1], w.dispatcher[1], w.driver[1][0]);
    char *b = create(GROUP, body);
    char *ids = ids_of(GROUP, "");
    char want[100];
    snprintf(want, sizeof want, "%s %s", a, b);
    ck_assert_str_eq(ids, want);
    free(ids);
    char q[512];
    snprintf(q, sizeof q, "sender_ids=%s", w.dispatcher[1]);
    ids = ids_of(GROUP, q);
    ck_assert_str_eq(ids, b);
    free(ids);
    snprintf(q, sizeof q, "sender_ids=%s", w.dispatcher[0]);
    cJSON *it = first_item(GROUP, q);
    const cJSON *to = cJSON_GetObjectItemCaseSensitive(it, "recipient_ids");
    ck_assert_int_eq(cJSON_GetArraySize(to), 2);
    ck_assert_str_eq(cJSON_GetArrayItem(to, 1)->valuestring, w.driver[0][1]);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(it, "source_recipient_ids")), 2);
    ck_assert_str_eq(json_str(it, "status"), "sent");
    snprintf(q, sizeof q, "group_ids=%s", json_str(it, "group_id"));
    char q2[512];
    snprintf(q2, sizeof q2, "source_group_ids=%s", json_str(it, "source_group_id"));
    cJSON_Delete(it);
    ids = ids_of(GROUP, q);
    ck_assert_str_eq(ids, a);
    free(ids);
    ids = ids_of(GROUP, q2);
    ck_assert_str_eq(ids, a);
    free(ids);
    /* Delivered once its moment has passed. */
    ck_assert_int_eq(world_control(&w, "POST", "/_emulator/clock/advance?ms=120000", NULL), 200);
    it = first_item(GROUP, q);
    ck_assert_str_eq(json_str(it, "status"), "delivered");
    ck_assert_ptr_nonnull(json_str(it, "delivered_at"));
    cJSON_Delete(it);
    free(a);
    free(b);
}
END_TEST

static Suite *events_suite(void)
{
    Suite *s = suite_create("emulator event resources");
    TCase *tc = tcase_create("events");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, start_world, stop_world);
    tcase_add_test(tc, dvir_logs_written_are_listed_with_filters);
    tcase_add_test(tc, fuel_transactions_written_are_listed_with_filters);
    tcase_add_test(tc, group_messages_written_are_listed_with_filters);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    emu_test_record_responses();
    int failed = run_suite_nofork(events_suite());
    curl_global_cleanup();
    return failed ? 1 : 0;
}
