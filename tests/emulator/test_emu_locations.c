/* HTTP-level tests of GET /v2/telematics/analytics/vehicles/live-locations: every vehicle with the
 * contract's fields, cursor pages, the filters the contract names, positions that move with the
 * emulated clock (advances and --time-scale), and the same answers for the same seed and clock. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu_test_world.h"
#include "suite_runner.h"

#define LIVE "/v2/telematics/analytics/vehicles/live-locations"
#define START "2026-03-01T12:00:00Z"

static world w;

static void start_world(void)
{
    const char *args[] = {"--seed", "4", "--start-time", START, "--token-lifetime", "100000000", NULL};
    world_start(&w, args);
}

static void stop_world(void)
{
    world_stop(&w);
}

/* Every item of query, through cursor pages of size 7 (or one page when one_page). */
static cJSON *all_live(const world *ww, const char *query)
{
    cJSON *out = cJSON_CreateArray();
    char path[1024];
    snprintf(path, sizeof path, LIVE "?size=7&%s", query);
    for (int pages = 0; pages < 100; pages++) {
        long st;
        cJSON *j = http_get_json(&ww->e, path, ww->tok, &st);
        ck_assert_msg(st == 200, "GET %s: %ld", path, st);
        cJSON *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, "items"))
            cJSON_AddItemToArray(out, cJSON_Duplicate(it, 1));
        const char *next = json_str(j, "next_page");
        if (!next) {
            cJSON_Delete(j);
            return out;
        }
        char *enc = curl_easy_escape(NULL, next, 0);
        snprintf(path, sizeof path, LIVE "?size=7&%s&cursor=%s", query, enc);
        curl_free(enc);
        cJSON_Delete(j);
    }
    ck_abort_msg("too many pages");
    return NULL;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    ck_assert_msg(cJSON_IsNumber(v), "%s is not a number", key);
    return v->valuedouble;
}

static double coord(const cJSON *o, int i)
{
    const cJSON *loc = cJSON_GetObjectItemCaseSensitive(o, "location");
    ck_assert_str_eq(json_str(loc, "type"), "Point");
    return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(loc, "coordinates"), i)->valuedouble;
}

static const cJSON *by_vehicle(const cJSON *arr, const char *id)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
        if (strcmp(json_str(it, "vehicle_id"), id) == 0)
            return it;
    return NULL;
}

START_TEST(every_vehicle_in_pages_with_the_contract_fields)
{
    cJSON *all = all_live(&w, "");
    ck_assert_int_eq(cJSON_GetArraySize(all), 60); /* --vehicles default */
    const cJSON *it;
    const char *prev = "";
    int with_driver = 0;
    cJSON_ArrayForEach(it, all)
    {
        ck_assert_int_eq(by_vehicle(all, json_str(it, "vehicle_id")) == it, 1); /* no duplicates */
        const char *at = json_str(it, "occurred_at");
        ck_assert_msg(strcmp(prev, at) <= 0, "not in occurred_at order: %s then %s", prev, at);
        ck_assert(strcmp(at, START) <= 0);
        prev = at;
        ck_assert_str_eq(json_str(it, "speed_unit"), "m/s");
        ck_assert_str_eq(json_str(it, "odometer_unit"), "m");
        double lat = coord(it, 1), lon = coord(it, 0);
        ck_assert(lat > 20 && lat < 55 && lon > -130 && lon < -65);
        ck_assert(num(it, "speed") >= 0 && num(it, "odometer") > 0);
        with_driver += json_str(it, "driver_id") != NULL;
        if (json_str(it, "driver_id"))
            ck_assert_ptr_nonnull(json_str(it, "driver_name"));
    }
    ck_assert_int_gt(with_driver, 20);
    cJSON_Delete(all);
}
END_TEST

START_TEST(filters_and_sorting)
{
    char q[512];
    snprintf(q, sizeof q, "connection_id=%s", w.conn[1]);
    cJSON *one = all_live(&w, q);
    ck_assert_int_gt(cJSON_GetArraySize(one), 5);
    const cJSON *it;
    cJSON_ArrayForEach(it, one)
        ck_assert_str_eq(json_str(it, "source_name"), w.source_name[1]);
    ck_assert_ptr_nonnull(by_vehicle(one, w.vehicle[1]));
    cJSON_Delete(one);

    snprintf(q, sizeof q, "vehicle_ids=%s&vehicle_ids=%s&vehicle_ids=%s", w.vehicle[0], w.vehicle[2], w.vehicle[0]);
    cJSON *two = all_live(&w, q);
    ck_assert_int_eq(cJSON_GetArraySize(two), 2);
    ck_assert_ptr_nonnull(by_vehicle(two, w.vehicle[2]));
    cJSON_Delete(two);

    /* The driver of a vehicle finds it back. */
    cJSON *all = all_live(&w, "");
    const char *driver = NULL, *vehicle = NULL;
    cJSON_ArrayForEach(it, all)
        if (!driver && json_str(it, "driver_id")) {
            driver = json_str(it, "driver_id");
            vehicle = json_str(it, "vehicle_id");
        }
    ck_assert_ptr_nonnull(driver);
    snprintf(q, sizeof q, "driver_ids=%s", driver);
    cJSON *mine = all_live(&w, q);
    ck_assert_int_eq(cJSON_GetArraySize(mine), 1);
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(mine, 0), "vehicle_id"), vehicle);
    cJSON_Delete(mine);
    cJSON_Delete(all);

    cJSON *fast = all_live(&w, "sort_by=odometer&sort_order=desc");
    double last = 1e18;
    cJSON_ArrayForEach(it, fast)
    {
        ck_assert(num(it, "odometer") <= last);
        last = num(it, "odometer");
    }
    cJSON_Delete(fast);

    long st;
    const char *bad[] = {LIVE "?sort_by=colour", LIVE "?size=0", LIVE "?vehicle_ids=nope", LIVE "?cursor=abc",
                         LIVE "?sort_order=up"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cJSON *j = http_get_json(&w.e, bad[i], w.tok, &st);
        ck_assert_msg(st == 422, "%s: %ld", bad[i], st);
        cJSON_Delete(j);
    }
    /* A cursor made for other filters. */
    snprintf(q, sizeof q, LIVE "?size=5&connection_id=%s", w.conn[0]);
    cJSON *j = http_get_json(&w.e, q, w.tok, &st);
    char *enc = curl_easy_escape(NULL, json_str(j, "next_page"), 0);
    snprintf(q, sizeof q, LIVE "?size=5&cursor=%s", enc);
    curl_free(enc);
    cJSON_Delete(j);
    j = http_get_json(&w.e, q, w.tok, &st);
    ck_assert_int_eq(st, 422);
    cJSON_Delete(j);
}
END_TEST

START_TEST(positions_move_with_the_clock)
{
    cJSON *before = all_live(&w, "");
    ck_assert_int_eq(world_control(&w, "POST", "/_emulator/clock/advance?ms=1800000", NULL), 200);
    cJSON *after = all_live(&w, "");
    int moved = 0, moving_now = 0;
    const cJSON *a;
    cJSON_ArrayForEach(a, after)
    {
        const cJSON *b = by_vehicle(before, json_str(a, "vehicle_id"));
        ck_assert_ptr_nonnull(b);
        double d_odo = num(a, "odometer") - num(b, "odometer");
        ck_assert_msg(d_odo >= 0, "odometer went back");
        bool relocated = fabs(coord(a, 0) - coord(b, 0)) > 1e-6 || fabs(coord(a, 1) - coord(b, 1)) > 1e-6;
        ck_assert_int_eq(relocated, d_odo > 0.5);
        ck_assert(d_odo < 30 * 60 * 30.0); /* at most 30 min at 30 m/s */
        moved += relocated;
        moving_now += num(a, "speed") > 0;
        if (num(a, "speed") > 0)
            ck_assert(num(a, "speed") > 10 && num(a, "speed") < 35);
    }
    ck_assert_int_gt(moved, 10);
    ck_assert_int_gt(moving_now, 5);
    ck_assert_int_lt(moving_now, 55);
    /* Same seed, same clock: the same answers. */
    world again;
    const char *args[] = {"--seed", "4", "--start-time", START, "--token-lifetime", "100000000", NULL};
    world_start(&again, args);
    ck_assert_int_eq(world_control(&again, "POST", "/_emulator/clock/advance?ms=1800000", NULL), 200);
    cJSON *same = all_live(&again, "");
    char *x = cJSON_PrintUnformatted(after), *y = cJSON_PrintUnformatted(same);
    ck_assert_str_eq(x, y);
    free(x);
    free(y);
    cJSON_Delete(same);
    world_stop(&again);
    cJSON_Delete(before);
    cJSON_Delete(after);
}
END_TEST

START_TEST(time_scale_moves_them_too)
{
    world fast;
    const char *args[] = {"--seed", "4", "--time-scale", "0.001", "--token-lifetime", "100000000", NULL};
    world_start(&fast, args);
    cJSON *a = all_live(&fast, "");
    struct timespec ts = {0, 300 * 1000 * 1000}; /* 300 ms = 5 emulated minutes */
    nanosleep(&ts, NULL);
    cJSON *b = all_live(&fast, "");
    char *x = cJSON_PrintUnformatted(a), *y = cJSON_PrintUnformatted(b);
    ck_assert_str_ne(x, y);
    free(x);
    free(y);
    cJSON_Delete(a);
    cJSON_Delete(b);
    world_stop(&fast);
}
END_TEST

/* Pages of one query share an ordered answer; a change to the vehicles or users is seen at once. */
START_TEST(changes_show_at_once)
{
    cJSON *all = all_live(&w, "");
    const cJSON *mine = by_vehicle(all, w.vehicle[0]);
    ck_assert_ptr_nonnull(mine);
    ck_assert_str_eq(json_str(mine, "occurred_at"), json_str(cJSON_GetArrayItem(all, 59), "occurred_at"));
    char path[256], body[256];
    snprintf(path, sizeof path, "/v2/telematics/vehicles/%s?is_sync=true", w.vehicle[0]);
    snprintf(body, sizeof body, "{\"connection_id\":\"%s\",\"status\":\"OUT_OF_SERVICE\"}", w.conn[0]);
    long st;
    cJSON *op = world_write(&w, "PATCH", path, body, &st);
    ck_assert_int_eq(st, 200);
    cJSON_Delete(op);
    cJSON *after = all_live(&w, "");
    const cJSON *now_stale = by_vehicle(after, w.vehicle[0]);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(now_stale, "driver_id")));
    ck_assert_double_eq(num(now_stale, "speed"), 0);
    ck_assert(strcmp(json_str(now_stale, "occurred_at"), "2026-03-01T00:00:00") < 0);
    /* Stale reports come first (occurred_at order). */
    ck_assert_int_lt(strcmp(json_str(cJSON_GetArrayItem(after, 0), "occurred_at"), "2026-03-01"), 0);
    cJSON_Delete(after);
    cJSON_Delete(all);
}
END_TEST

static Suite *locations_suite(void)
{
    Suite *s = suite_create("emulator live locations");
    TCase *tc = tcase_create("live-locations");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, start_world, stop_world);
    tcase_add_test(tc, every_vehicle_in_pages_with_the_contract_fields);
    tcase_add_test(tc, filters_and_sorting);
    tcase_add_test(tc, positions_move_with_the_clock);
    tcase_add_test(tc, time_scale_moves_them_too);
    tcase_add_test(tc, changes_show_at_once);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    emu_test_record_responses();
    int failed = run_suite_nofork(locations_suite());
    curl_global_cleanup();
    return failed ? 1 : 0;
}
