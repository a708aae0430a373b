/* The subcommands of DVIR logs and fuel transactions (issue 10.4), run as the built binary against
 * a real catena-emulator: create-dvir-log / create-fuel-transaction with --set (references by
 * name or id on the connection, defects as a list, the count derived), the exact bodies read
 * back from the request log, the listings dvir-logs / fuel-transactions with --json and their
 * filters, bad input refused with exit 2 before anything is sent, a TSP that does not support
 * the write (501) refused with exit 5 and the reason, a sync write the TSP refuses exit 1, and
 * --help listing every field. */
#include "cli_run.h"
#include "e2e_console.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <locale.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static emu_proc emu;

#define CLI(...) cli_run(&emu, NULL, "demo-secret", 0, (const char *const[]){__VA_ARGS__, NULL})

static const char *str(const cJSON *o, const char *k)
{
    return cJSON_GetStringValue(cJSON_GetObjectItem(o, k));
}

/* The nth line of a --json listing, parsed (NULL when there are fewer). */
static cJSON *json_line(const char *out, int nth)
{
    const char *p = out;
    for (int i = 0; i < nth && p; i++)
        p = (p = strchr(p, '\n')) ? p + 1 : NULL;
    if (!p || !*p)
        return NULL;
    size_t n = strcspn(p, "\n");
    char *line = strndup(p, n);
    cJSON *j = cJSON_Parse(line);
    free(line);
    return j;
}

static int count_lines(const char *out)
{
    int n = 0;
    for (const char *p = out; *p; p++)
        n += *p == '\n';
    return n;
}

/* The id (and name field) of the nth row of a listing. */
static void row_of(const char *const *args, int nth, const char *key, char *out, size_t cap)
{
    cli_out r = cli_run(&emu, NULL, "demo-secret", 0, args);
    ASSERT_EXIT(r, 0);
    cJSON *j = json_line(r.out, nth);
    ck_assert_ptr_nonnull(j);
    snprintf(out, cap, "%s", str(j, key));
    cJSON_Delete(j);
    cli_free(&r);
}

static char conn[37], other_conn[37], omnitracs[37], drv_id[37], drv_name[128], veh_id[37], veh_name[128];
static char foreign_veh[37];

static void setup_world(void)
{
    const char *cs[] = {"connections", "--json", NULL};
    row_of(cs, 0, "id", conn, sizeof conn);
    row_of(cs, 1, "id", other_conn, sizeof other_conn);
    row_of(cs, 3, "id", omnitracs, sizeof omnitracs); /* connection i: TSP i mod 8, 3 = omnitracs */
    const char *ds[] = {"drivers", "--connection", conn, "--json", NULL};
    row_of(ds, 1, "id", drv_id, sizeof drv_id);
    row_of(ds, 1, "name", drv_name, sizeof drv_name);
    const char *vs[] = {"vehicles", "--connection", conn, "--json", NULL};
    row_of(vs, 2, "id", veh_id, sizeof veh_id);
    row_of(vs, 2, "vehicle_name", veh_name, sizeof veh_name);
    const char *ov[] = {"vehicles", "--connection", other_conn, "--json", NULL};
    row_of(ov, 0, "id", foreign_veh, sizeof foreign_veh);
}

static char *control(const char *method, const char *path)
{
    return emu_http(&emu, method, path, NULL, NULL);
}

static int count_posts(const char *prefix)
{
    char *log = control("GET", "/_emulator/requests");
    cJSON *arr = cJSON_Parse(log);
    free(log);
    int n = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const char *m = str(it, "method"), *p = str(it, "path");
        n += m && p && !strcmp(m, "POST") && !strncmp(p, prefix, strlen(prefix));
    }
    cJSON_Delete(arr);
    return n;
}

START_TEST(create_dvir_log_resolves_names_and_lists_it_back)
{
    free(control("DELETE", "/_emulator/requests"));
    char set_driver[200], set_vehicle[200];
    snprintf(set_driver, sizeof set_driver, "driver_id=%s", drv_name);
    snprintf(set_vehicle, sizeof set_vehicle, "vehicle_id=%s", veh_name);
    cli_out r = CLI("create-dvir-log", "--connection", conn, "--set", set_driver, "--set", set_vehicle, "--set",
                    "defects=Brakes,tires", "--set", "is_safety_critical=yes", "--set", "log_type=pre_trip", "--set",
                    "occurred_at=2026-01-01T06:30:00-05:00", "--set", "odometer=88012.5", "--sync");
    ASSERT_EXIT(r, 0);
    cJSON *op = cJSON_Parse(r.out);
    ck_assert_str_eq(str(op, "status"), "success");
    ck_assert_str_eq(str(op, "resource"), "dvir_log");
    cJSON_Delete(op);
    cli_free(&r);
    cJSON *b = emu_logged_body(&emu, "POST", "/v2/telematics/dvir-logs", 0, NULL, 0);
    ck_assert_ptr_nonnull(b);
    char want[1024];
    snprintf(want, sizeof want,
             "{\"connection_id\":\"%s\",\"driver_id\":\"%s\",\"vehicle_id\":\"%s\",\"defects\":[\"brakes\",\"tires\"],"
             "\"is_safety_critical\":true,\"log_type\":\"pre_trip\",\"occurred_at\":\"2026-01-01T11:30:00+00:00\","
             "\"odometer\":88012.5,\"defect_count\":2}",
             conn, drv_id, veh_id);
    cJSON *w = cJSON_Parse(want);
    char *got = cJSON_PrintUnformatted(b);
    ck_assert_msg(cJSON_Compare(b, w, true), "body %s\nwant %s", got, want);
    free(got);
    cJSON_Delete(w);
    cJSON_Delete(b);

    /* Listed back (its time window: from before it), filtered by driver and vehicle by name. */
    char set_since[] = "2025-12-31 00:00";
    r = CLI("dvir-logs", "--connection", conn, "--since", set_since, "--driver", drv_name, "--vehicle", veh_name,
            "--json");
    ASSERT_EXIT(r, 0);
    ck_assert_int_eq(count_lines(r.out), 1);
    cJSON *row = json_line(r.out, 0);
    ck_assert_str_eq(str(row, "driver_id"), drv_id);
    ck_assert_str_eq(str(row, "vehicle_id"), veh_id);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(row, "trailer_id")));
    const cJSON *defects = cJSON_GetObjectItem(row, "defects");
    ck_assert(cJSON_IsArray(defects) && cJSON_GetArraySize(defects) == 2);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(row, "is_safety_critical")));
    ck_assert_str_eq(str(row, "connection_id"), conn);
    cJSON_Delete(row);
    cli_free(&r);
    /* The query carried the filters. */
    cJSON *req = NULL;
    char *log = control("GET", "/_emulator/requests");
    cJSON *arr = cJSON_Parse(log), *it;
    free(log);
    cJSON_ArrayForEach(it, arr) if (str(it, "path") && !strcmp(str(it, "path"), "/v2/telematics/dvir-logs")) req = it;
    ck_assert_ptr_nonnull(req);
    char d[100], v[100];
    snprintf(d, sizeof d, "driver_ids=%s", drv_id);
    snprintf(v, sizeof v, "vehicle_ids=%s", veh_id);
    const char *q = str(req, "query");
    ck_assert_ptr_nonnull(q);
    ck_assert_msg(strstr(q, d) && strstr(q, v) && strstr(q, "from_datetime=2025-12-31T00%3A00%3A00%2B00%3A00"), "%s",
                  q);
    cJSON_Delete(arr);
    /* Another vehicle: none; the table has the safety marker. */
    r = CLI("dvir-logs", "--connection", conn, "--since", set_since, "--vehicle", foreign_veh);
    ASSERT_EXIT(r, 2); /* a vehicle of another connection is not a filter of this one */
    cli_free(&r);
    r = CLI("dvir-logs", "--connection", conn, "--since", set_since);
    ASSERT_EXIT(r, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "SAFETY"));
    ck_assert_ptr_nonnull(strstr(r.out, "⚠ SAFETY"));
    ck_assert_ptr_nonnull(strstr(r.out, "brakes, tires"));
    cli_free(&r);
}
END_TEST

START_TEST(create_fuel_transaction_sends_typed_values_and_lists_them)
{
    free(control("DELETE", "/_emulator/requests"));
    char set_driver[80], set_vehicle[80];
    snprintf(set_driver, sizeof set_driver, "driver_id=%s", drv_id);
    snprintf(set_vehicle, sizeof set_vehicle, "vehicle_id=%s", veh_id);
    cli_out r = CLI("create-fuel-transaction", "--connection", conn, "--set", set_driver, "--set", set_vehicle, "--set",
                    "fuel_volume=212.75", "--set", "fuel_volume_unit=us_gallon", "--set", "fuel_type=diesel", "--set",
                    "latitude=-33.87", "--set", "longitude=151.21", "--set", "total_cost=980.5", "--set",
                    "currency=AUD", "--set", "transaction_time=2026-01-01 09:15", "--sync");
    ASSERT_EXIT(r, 0);
    cli_free(&r);
    cJSON *b = emu_logged_body(&emu, "POST", "/v2/telematics/fuel-transactions", 0, NULL, 0);
    ck_assert_ptr_nonnull(b);
    ck_assert(cJSON_GetObjectItem(b, "fuel_volume")->valuedouble == 212.75);
    ck_assert_str_eq(str(b, "fuel_volume_unit"), "US_GALLON");
    ck_assert_str_eq(str(b, "fuel_type"), "DIESEL");
    ck_assert(cJSON_GetObjectItem(b, "latitude")->valuedouble == -33.87);
    ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(b, "total_cost")));
    ck_assert_str_eq(str(b, "transaction_time"), "2026-01-01T09:15:00+00:00");
    cJSON_Delete(b);
    r = CLI("fuel-transactions", "--connection", conn, "--since", "2025-12-31 00:00", "--driver", drv_id, "--json");
    ASSERT_EXIT(r, 0);
    ck_assert_int_eq(count_lines(r.out), 1);
    cJSON *row = json_line(r.out, 0);
    ck_assert(cJSON_GetObjectItem(row, "fuel_volume")->valuedouble == 212.75);
    ck_assert_str_eq(str(row, "currency"), "AUD");
    ck_assert_str_eq(str(row, "occurred_at"), "2026-01-01T09:15:00.000000Z");
    cJSON_Delete(row);
    cli_free(&r);
}
END_TEST

START_TEST(bad_input_exits_2_before_sending)
{
    free(control("DELETE", "/_emulator/requests"));
    char d[80], v[80], fv[80];
    snprintf(d, sizeof d, "driver_id=%s", drv_id);
    snprintf(v, sizeof v, "vehicle_id=%s", veh_id);
    snprintf(fv, sizeof fv, "vehicle_id=%s", foreign_veh);
    struct {
        const char *args[14];
        const char *msg;
    } cases[] = {
        {{"create-fuel-transaction", "--connection", conn, "--set", d, "--set", v, "--set", "fuel_volume=abc", "--set",
          "fuel_volume_unit=LITER", NULL},
         "fuel_volume: must be a number"},
        {{"create-fuel-transaction", "--connection", conn, "--set", d, "--set", v, "--set", "fuel_volume=5", "--set",
          "fuel_volume_unit=LITER", "--set", "odometer=-5", NULL},
         "odometer: cannot be negative"},
        {{"create-fuel-transaction", "--connection", conn, "--set", d, "--set", v, "--set", "fuel_volume_unit=LITER",
          NULL},
         "Volume: required"},
        {{"create-fuel-transaction", "--connection", conn, "--set", d, "--set", fv, "--set", "fuel_volume=5", "--set",
          "fuel_volume_unit=LITER", NULL},
         "vehicle_id"},
        {{"create-dvir-log", "--connection", conn, "--set", d, "--set", "defects=brakes,warp_drive", NULL},
         "'warp_drive': must be one of"},
        {{"create-dvir-log", "--connection", conn, "--set", d, "--set", "occurred_at=2099-01-01 00:00", NULL},
         "is in the future"},
        {{"create-dvir-log", "--connection", conn, "--set", d, "--set", "defect_count=3", NULL},
         "counted from defects"},
        {{"create-dvir-log", "--connection", conn, "--set", "driver_id=Nobody Atall", NULL}, "Nobody Atall"},
        {{"dvir-logs", "--connection", conn, "--since", "yesterday", NULL}, "--since must be a date and time"},
        {{"fuel-transactions", "--connection", conn, "--trailer", "x", NULL}, "--trailer"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_out r = cli_run(&emu, NULL, "demo-secret", 0, cases[i].args);
        ASSERT_EXIT(r, 2);
        ck_assert_msg(strstr(r.err, cases[i].msg), "case %zu: %s", i, r.err);
        cli_free(&r);
    }
    ck_assert_int_eq(count_posts("/v2/telematics/"), 0);
}
END_TEST

START_TEST(a_tsp_without_the_write_exits_5_with_the_reason)
{
    const char *ds[] = {"drivers", "--connection", omnitracs, "--json", NULL};
    char id[37], set[80];
    row_of(ds, 0, "id", id, sizeof id);
    snprintf(set, sizeof set, "driver_id=%s", id);
    cli_out r = CLI("create-dvir-log", "--connection", omnitracs, "--set", set);
    ASSERT_EXIT(r, 5);
    ck_assert_msg(strstr(r.err, "501") || strstr(r.err, "not"), "%s", r.err);
    cli_free(&r);
}
END_TEST

START_TEST(a_sync_write_the_tsp_refuses_exits_1)
{
    char set[80];
    snprintf(set, sizeof set, "driver_id=%s", drv_id);
    cli_out r = CLI("create-dvir-log", "--connection", conn, "--set", set, "--set",
                    "driver_comment=Cracked mirror FAIL-PERMANENT", "--sync");
    ASSERT_EXIT(r, 1);
    cJSON *op = cJSON_Parse(r.out); /* the failed operation is still printed */
    ck_assert_str_eq(str(op, "status"), "failed");
    cJSON_Delete(op);
    ck_assert_ptr_nonnull(strstr(r.err, "rejected"));
    cli_free(&r);
}
END_TEST

START_TEST(help_lists_every_field_with_its_type_and_values)
{
    cli_out r = CLI("create-dvir-log", "--help");
    ASSERT_EXIT(r, 0);
    static const char *const want[] = {
        "driver_id",     "id or exact name of a driver of the connection, required",
        "occurred_at",   "not in the future",
        "defect_count",  "derived: the number of defects",
        "defects",       "comma-separated list",
        "first_aid_kit", "windshield_wiper_fluid",
        "log_type",      "pre_trip post_trip mechanic unknown",
        "odometer_unit", "miles meters kilo_meters"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(r.out, want[i]), "no '%s' in\n%s", want[i], r.out);
    cli_free(&r);
    r = CLI("create-fuel-transaction", "--help");
    ASSERT_EXIT(r, 0);
    static const char *const fuel[] = {"fuel_volume_unit", "CUBIC_METER LITER US_GALLON IMPERIAL_GALLON", "latitude",
                                       "-90..90", "fuel_type", "HYDROGEN", "co_driver_id", "total_cost"};
    for (size_t i = 0; i < sizeof fuel / sizeof fuel[0]; i++)
        ck_assert_msg(strstr(r.out, fuel[i]), "no '%s' in\n%s", fuel[i], r.out);
    cli_free(&r);
    r = CLI("dvir-logs", "--help");
    ASSERT_EXIT(r, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "--trailer"));
    cli_free(&r);
}
END_TEST

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    setenv("TZ", "UTC", 1);
    const char *args[] = {"--time-scale", "0.001", "--start-time", "2026-01-02T10:00:00Z", NULL};
    if (emu_start(&emu, args) != 0) {
        fprintf(stderr, "cannot start the emulator\n");
        return 1;
    }
    Suite *s = suite_create("log_subcommands");
    TCase *tc = tcase_create("e2e");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, setup_world, NULL);
    tcase_add_test(tc, create_dvir_log_resolves_names_and_lists_it_back);
    tcase_add_test(tc, create_fuel_transaction_sends_typed_values_and_lists_them);
    tcase_add_test(tc, bad_input_exits_2_before_sending);
    tcase_add_test(tc, a_tsp_without_the_write_exits_5_with_the_reason);
    tcase_add_test(tc, a_sync_write_the_tsp_refuses_exits_1);
    tcase_add_test(tc, help_lists_every_field_with_its_type_and_values);
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    emu_stop(&emu);
    return failed ? 1 : 0;
}
