/* The DVIR log and fuel transaction forms, end to end (issue 10): drive the real UI in script mode
 * against the emulator and read the emulator's request log for the bodies sent: ids of the
 * records picked from the connection's lists, the defects as a JSON array with their count,
 * numbers typed as numbers, the time in ISO 8601 with the local offset; what the form refuses
 * is never sent; a refused field (422) is shown next to it and the draft stays; the created
 * record is in the emulator's list afterwards. */
#include "e2e_console.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static emu_proc emu;
static char workdir[256];

static char *http(const char *method, const char *path, const char *bearer, const char *form)
{
    return emu_http(&emu, method, path, bearer, form);
}

static int run_script(const char *script_text)
{
    return run_console_script(&emu, workdir, script_text, "100x30");
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char *token(void)
{
    char *tok = http("POST", "/realms/catena/protocol/openid-connect/token", NULL,
                     "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret");
    cJSON *t = cJSON_Parse(tok);
    free(tok);
    ck_assert_ptr_nonnull(str(t, "access_token"));
    char *bearer = strdup(str(t, "access_token"));
    cJSON_Delete(t);
    return bearer;
}

/* The items of a GET list (after every operation is done). */
static cJSON *list_after_drain(const char *path)
{
    free(http("POST", "/_emulator/operations/drain?timeout_ms=10000", NULL, ""));
    char *bearer = token();
    char *body = http("GET", path, bearer, NULL);
    cJSON *r = cJSON_Parse(body);
    free(body);
    free(bearer);
    return r;
}

static void first_connection(char conn[37])
{
    cJSON *cp = list_after_drain("/v2/integrations/connections?size=1");
    snprintf(conn, 37, "%s", str(cJSON_GetArrayItem(cJSON_GetObjectItem(cp, "items"), 0), "id"));
    cJSON_Delete(cp);
}

/* The id of the record of a connection's list (path without the query) at index i, as the console
 * lists it (the API's order). */
static void nth_id(const char *collection, const char *extra, const char *conn, int i, char id[37])
{
    char path[300];
    snprintf(path, sizeof path, "%s?connection_id=%s%s", collection, conn, extra);
    cJSON *p = list_after_drain(path);
    snprintf(id, 37, "%s", str(cJSON_GetArrayItem(cJSON_GetObjectItem(p, "items"), i), "id"));
    cJSON_Delete(p);
}

static int count_posts(const char *prefix)
{
    char *log = http("GET", "/_emulator/requests", NULL, NULL);
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

static int drafts_on_disk(void)
{
    char dir[400], sub[800];
    snprintf(dir, sizeof dir, "%s/state/catena-dispatch/accounts", workdir);
    DIR *a = opendir(dir);
    int n = 0;
    for (struct dirent *acct; a && (acct = readdir(a));) {
        if (acct->d_name[0] == '.' || snprintf(sub, sizeof sub, "%s/%s/drafts", dir, acct->d_name) >= (int)sizeof sub)
            continue;
        DIR *d = opendir(sub);
        for (struct dirent *e; d && (e = readdir(d));)
            n += strstr(e->d_name, ".json") != NULL;
        if (d)
            closedir(d);
    }
    if (a)
        closedir(a);
    return n;
}

START_TEST(a_dvir_log_is_sent_as_the_contract_has_it)
{
    free(http("DELETE", "/_emulator/requests", NULL, NULL));
    /* Driver: the first; Vehicle: the second; log type post_trip; defects brakes and tires;
     * safety-critical; odometer 123456 in miles (Right picks the first unit). */
    ck_assert_int_eq(run_script(":wait-idle\n5\n:wait-idle\nn\n<Enter>\n<Enter>\nj\n<Enter>\n<Down>\n<Enter>\n"
                                "jjj\n<Enter>\npost\n<Enter>\njjj\n<Enter>\nbrakes\n<Space>\n<C-u>\ntires\n<Space>\n"
                                "<Enter>\nj\n<Space>\njjj\n<Enter>123456<Enter>\nj\n<Right>\n<C-x>\n:wait-idle\n"
                                ":expect New DVIR log post_trip: saved\n:quit\n"),
                     0);
    char conn[37], driver[37], vehicle[37];
    first_connection(conn);
    nth_id("/v2/telematics/users", "&is_driver=true", conn, 0, driver);
    nth_id("/v2/telematics/vehicles", "", conn, 1, vehicle);
    cJSON *b = emu_logged_body(&emu, "POST", "/v2/telematics/dvir-logs", 0, NULL, 0);
    ck_assert_ptr_nonnull(b);
    ck_assert_str_eq(str(b, "connection_id"), conn);
    ck_assert_str_eq(str(b, "driver_id"), driver);
    ck_assert_str_eq(str(b, "vehicle_id"), vehicle);
    ck_assert_str_eq(str(b, "log_type"), "post_trip");
    const cJSON *defects = cJSON_GetObjectItem(b, "defects");
    ck_assert(cJSON_IsArray(defects) && cJSON_GetArraySize(defects) == 2);
    ck_assert_str_eq(cJSON_GetArrayItem(defects, 0)->valuestring, "brakes");
    ck_assert_str_eq(cJSON_GetArrayItem(defects, 1)->valuestring, "tires");
    const cJSON *count = cJSON_GetObjectItem(b, "defect_count"), *odo = cJSON_GetObjectItem(b, "odometer");
    ck_assert(cJSON_IsNumber(count) && count->valuedouble == 2);
    ck_assert(cJSON_IsNumber(odo) && odo->valuedouble == 123456);
    ck_assert_str_eq(str(b, "odometer_unit"), "miles");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(b, "is_safety_critical")));
    /* The console's "now" (script mode: the API's day at 00:00) in ISO 8601 with the local offset. */
    const char *at = str(b, "occurred_at");
    ck_assert_ptr_nonnull(at);
    ck_assert_msg(strlen(at) == 25 && strcmp(at + 10, "T00:00:00+00:00") == 0, "occurred_at %s", at);
    ck_assert_int_eq(cJSON_GetArraySize(b), 10);
    cJSON_Delete(b);
    ck_assert_int_eq(drafts_on_disk(), 0);
    /* The emulator has it in the connection's list. */
    char path[200];
    snprintf(path, sizeof path, "/v2/telematics/dvir-logs?connection_id=%s&driver_ids=%s", conn, driver);
    cJSON *l = list_after_drain(path);
    const cJSON *it = cJSON_GetArrayItem(cJSON_GetObjectItem(l, "items"), 0);
    ck_assert_ptr_nonnull(it);
    ck_assert_str_eq(str(it, "vehicle_id"), vehicle);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(it, "is_safety_critical")));
    cJSON_Delete(l);
}
END_TEST

START_TEST(a_fuel_transaction_is_sent_typed)
{
    free(http("DELETE", "/_emulator/requests", NULL, NULL));
    /* Driver and co-driver picked (first and second), vehicle the first; latitude/longitude
     * signed; volume, unit, fuel type; cost a number, currency text. */
    ck_assert_int_eq(run_script(":wait-idle\n6\n:wait-idle\nn\n<Enter>\n<Enter>\nj\n<Enter>\n<Enter>\nj\n"
                                "<Enter>\n<Down>\n<Enter>\nj\n<Enter>-41.5<Enter>\nj\n<Enter>174.78<Enter>\nj\n"
                                "<Enter>Wellington<Enter>\n"
                                "jjjjj\n<Enter>dies\n<Enter>\nj\n<Enter>75.25<Enter>\nj\n<Enter>lit\n<Enter>\nj\n"
                                "<Enter>Z Energy<Enter>\nj\n<Enter>142.10<Enter>\nj\n<Enter>NZD<Enter>\n<C-x>\n"
                                ":wait-idle\n:expect New fuel transaction 75.25 LITER: saved\n:quit\n"),
                     0);
    char conn[37], driver[37], co[37], vehicle[37];
    first_connection(conn);
    nth_id("/v2/telematics/users", "&is_driver=true", conn, 0, driver);
    nth_id("/v2/telematics/users", "&is_driver=true", conn, 1, co);
    nth_id("/v2/telematics/vehicles", "", conn, 0, vehicle);
    cJSON *b = emu_logged_body(&emu, "POST", "/v2/telematics/fuel-transactions", 0, NULL, 0);
    ck_assert_ptr_nonnull(b);
    ck_assert_str_eq(str(b, "driver_id"), driver);
    ck_assert_str_eq(str(b, "co_driver_id"), co);
    ck_assert_str_eq(str(b, "vehicle_id"), vehicle);
    static const struct {
        const char *k;
        double v;
    } nums[] = {{"latitude", -41.5}, {"longitude", 174.78}, {"fuel_volume", 75.25}, {"total_cost", 142.1}};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        const cJSON *n = cJSON_GetObjectItem(b, nums[i].k);
        ck_assert_msg(cJSON_IsNumber(n) && n->valuedouble == nums[i].v, "%s", nums[i].k);
    }
    ck_assert_str_eq(str(b, "location_string"), "Wellington");
    ck_assert_str_eq(str(b, "fuel_type"), "DIESEL");
    ck_assert_str_eq(str(b, "fuel_volume_unit"), "LITER");
    ck_assert_str_eq(str(b, "fuel_vendor"), "Z Energy");
    ck_assert_str_eq(str(b, "currency"), "NZD");
    ck_assert_ptr_nonnull(str(b, "transaction_time"));
    ck_assert_int_eq(cJSON_GetArraySize(b), 14);
    cJSON_Delete(b);
}
END_TEST

/* The one draft file on disk: its path into out. */
static int draft_path(char *out, size_t cap)
{
    char dir[400], sub[800];
    snprintf(dir, sizeof dir, "%s/state/catena-dispatch/accounts", workdir);
    DIR *a = opendir(dir);
    int n = 0;
    for (struct dirent *acct; a && (acct = readdir(a));) {
        if (acct->d_name[0] == '.' || snprintf(sub, sizeof sub, "%s/%s/drafts", dir, acct->d_name) >= (int)sizeof sub)
            continue;
        DIR *d = opendir(sub);
        for (struct dirent *e; d && (e = readdir(d));)
            if (strstr(e->d_name, ".json") && snprintf(out, cap, "%s/%s", sub, e->d_name) < (int)cap)
                n++;
        if (d)
            closedir(d);
    }
    if (a)
        closedir(a);
    return n == 1 ? 0 : -1;
}

/* Replaces every occurrence of one id in a file by another (same length). */
static void replace_in_file(const char *path, const char *from, const char *to)
{
    FILE *f = fopen(path, "r+");
    ck_assert_ptr_nonnull(f);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    int hits = 0;
    for (char *p = strstr(buf, from); p; p = strstr(p + 1, from), hits++)
        memcpy(p, to, strlen(to));
    ck_assert_int_gt(hits, 0);
    rewind(f);
    fwrite(buf, 1, n, f);
    fclose(f);
}

START_TEST(what_the_form_refuses_is_not_sent_and_is_kept)
{
    free(http("DELETE", "/_emulator/requests", NULL, NULL));
    /* A fuel transaction without its volume: named; a negative odometer refused at the field;
     * nothing is sent, and Esc keeps what was typed as a draft. */
    ck_assert_int_eq(run_script(":wait-idle\n6\n:wait-idle\nn\n<Enter>\n<Enter>\nj\n<Enter>\n<Enter>\n<C-x>\n"
                                ":expect Fill in Volume first\n<Enter>\nabc\n<Enter>\n:expect must be a number\n<Esc>\n"
                                "<Home>\njjjjjj\n<Enter>\n-3\n<Enter>\n:expect cannot be negative\n<Esc>\n<Esc>\n"
                                ":expect Draft kept: 2 unsaved changes\n:quit\n"),
                     0);
    ck_assert_int_eq(count_posts("/v2/telematics/fuel-transactions"), 0);
    ck_assert_int_eq(drafts_on_disk(), 1);
    /* The draft now names a vehicle of another connection (edited on disk): reopened and saved, it
     * is refused before anything is sent, with the field named. */
    char conn[37], other[37], vehicle[37], foreign[37], path[1200];
    first_connection(conn);
    cJSON *cp = list_after_drain("/v2/integrations/connections?size=2");
    snprintf(other, sizeof other, "%s", str(cJSON_GetArrayItem(cJSON_GetObjectItem(cp, "items"), 1), "id"));
    cJSON_Delete(cp);
    nth_id("/v2/telematics/vehicles", "", conn, 0, vehicle);
    nth_id("/v2/telematics/vehicles", "", other, 0, foreign);
    ck_assert_int_eq(draft_path(path, sizeof path), 0);
    replace_in_file(path, vehicle, foreign);
    ck_assert_int_eq(run_script(":wait-idle\n:expect 1 unsent draft\n<Enter>\n:wait-idle\n"
                                ":expect New fuel transaction\n:expect not a vehicle of this connection\n<C-x>\n"
                                ":expect Fix Vehicle first: not a vehicle of this connection\n<Esc>\n:quit\n"),
                     0);
    ck_assert_int_eq(count_posts("/v2/telematics/fuel-transactions"), 0);
    ck_assert_int_eq(drafts_on_disk(), 1);
}
END_TEST

int main(void)
{
    setenv("TZ", "UTC", 1); /* the console's local time zone */
    if (e2e_make_workdir("catena-e2e-logs", workdir, sizeof workdir) != 0)
        return 1;
    const char *args[] = {"--seed", "7", "--time-scale", "0.001", NULL};
    if (emu_start(&emu, args) != 0)
        return 1;
    Suite *s = suite_create("log_forms");
    TCase *tc = tcase_create("e2e");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, a_dvir_log_is_sent_as_the_contract_has_it);
    tcase_add_test(tc, a_fuel_transaction_is_sent_typed);
    tcase_add_test(tc, what_the_form_refuses_is_not_sent_and_is_kept);
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    emu_stop(&emu);
    e2e_remove_tree(workdir);
    return failed ? 1 : 0;
}
