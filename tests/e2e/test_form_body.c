/* The record forms, end to end: drive the real UI in script mode against the emulator and read
 * the emulator's request log for the exact bodies sent: a PATCH carries connection_id and only
 * the fields that changed (typed), an emptied field goes as null, a POST carries every filled-in
 * field, and a draft left by a session that ended mid-edit comes back at the next start and is
 * removed once its PATCH is accepted. */
#include "common/strbuf.h"
#include "e2e_console.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* The body of the first logged request with this method whose path starts with prefix; the
 * path is copied to path_out. NULL when there is none. */
static cJSON *logged_body(const char *method, const char *prefix, char *path_out, size_t cap)
{
    return emu_logged_body(&emu, method, prefix, 0, path_out, cap);
}

static int count_logged(const char *method, const char *prefix)
{
    char *log = http("GET", "/_emulator/requests", NULL, NULL);
    cJSON *arr = cJSON_Parse(log);
    free(log);
    int n = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const cJSON *m = cJSON_GetObjectItem(it, "method"), *p = cJSON_GetObjectItem(it, "path");
        if (cJSON_IsString(m) && cJSON_IsString(p) && !strcmp(m->valuestring, method) &&
            !strncmp(p->valuestring, prefix, strlen(prefix)))
            n++;
    }
    cJSON_Delete(arr);
    return n;
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

static void first_connection(char conn[37])
{
    char *bearer = token();
    char *c = http("GET", "/v2/integrations/connections?size=1", bearer, NULL);
    cJSON *cp = cJSON_Parse(c);
    snprintf(conn, 37, "%s", str(cJSON_GetArrayItem(cJSON_GetObjectItem(cp, "items"), 0), "id"));
    cJSON_Delete(cp);
    free(c);
    free(bearer);
}

/* GET of a record (path like /v2/telematics/vehicles/ID) once every operation is done. */
static cJSON *record_after_drain(const char *path)
{
    free(http("POST", "/_emulator/operations/drain?timeout_ms=10000", NULL, ""));
    char *bearer = token();
    char *body = http("GET", path, bearer, NULL);
    cJSON *r = cJSON_Parse(body);
    free(body);
    free(bearer);
    return r;
}

/* Drafts of every account (core/statefile: accounts/<profile>-<hash of the URL>/drafts). */
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

START_TEST(patch_sends_connection_id_and_only_the_changed_fields)
{
    free(http("DELETE", "/_emulator/requests", NULL, NULL));
    /* Name edited in place; status chosen in the picker (filtered by "stor"). */
    ck_assert_int_eq(run_script(":wait-idle\n3\n:wait-idle\n<Enter>\n:wait-idle\n<Enter>\n<C-u>\nE2E Truck\n<Enter>\n"
                                "jjjjjjjjjjj\n<Enter>\nstor\n<Enter>\n<C-x>\n:wait-idle\n"
                                ":expect saved; the list updates when the TSP confirms\n:quit\n"),
                     0);
    char conn[37], path[200];
    first_connection(conn);
    cJSON *b = logged_body("PATCH", "/v2/telematics/vehicles/", path, sizeof path);
    ck_assert_ptr_nonnull(b);
    ck_assert_str_eq(str(b, "connection_id"), conn);
    ck_assert_str_eq(str(b, "vehicle_name"), "E2E Truck");
    ck_assert_str_eq(str(b, "status"), "IN_STORAGE");
    ck_assert_int_eq(cJSON_GetArraySize(b), 3);
    cJSON_Delete(b);
    /* The emulator applied it. */
    cJSON *rec = record_after_drain(path);
    ck_assert_str_eq(str(rec, "vehicle_name"), "E2E Truck");
    ck_assert_str_eq(str(rec, "status"), "IN_STORAGE");
    cJSON_Delete(rec);
    ck_assert_int_eq(drafts_on_disk(), 0);
}
END_TEST

START_TEST(an_emptied_field_is_sent_as_null)
{
    free(http("DELETE", "/_emulator/requests", NULL, NULL));
    /* Plate region (row 3): Del empties it. */
    ck_assert_int_eq(run_script(":wait-idle\n3\n:wait-idle\nj\n<Enter>\n:wait-idle\njjj\n<Del>\n<C-x>\n:wait-idle\n"
                                ":expect saved; the list updates\n:quit\n"),
                     0);
    char path[200];
    cJSON *b = logged_body("PATCH", "/v2/telematics/vehicles/", path, sizeof path);
    ck_assert_ptr_nonnull(b);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(b, "license_plate_region")));
    ck_assert_int_eq(cJSON_GetArraySize(b), 2);
    cJSON_Delete(b);
    cJSON *rec = record_after_drain(path);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(rec, "license_plate_region")));
    cJSON_Delete(rec);
}
END_TEST

START_TEST(post_sends_every_filled_in_field_typed)
{
    free(http("DELETE", "/_emulator/requests", NULL, NULL));
    ck_assert_int_eq(run_script(":wait-idle\n4\n:wait-idle\nn\n<Enter>E2E-7<Enter>\njjjjjjjjj\n<Enter>2024<Enter>\nj\n<Enter>12.5<Enter>\n"
                                "j\n<Enter>3<Enter>\njj\n<Space>\n<C-x>\n:wait-idle\n"
                                ":expect New trailer E2E-7: saved\n:quit\n"),
                     0);
    char conn[37];
    first_connection(conn);
    cJSON *b = logged_body("POST", "/v2/telematics/trailers", NULL, 0);
    ck_assert_ptr_nonnull(b);
    ck_assert_str_eq(str(b, "connection_id"), conn);
    ck_assert_str_eq(str(b, "trailer_name"), "E2E-7");
    const cJSON *year = cJSON_GetObjectItem(b, "model_year"), *len = cJSON_GetObjectItem(b, "trailer_length");
    const cJSON *axles = cJSON_GetObjectItem(b, "total_axles");
    ck_assert(cJSON_IsNumber(year) && year->valuedouble == 2024);
    ck_assert(cJSON_IsNumber(len) && len->valuedouble == 12.5);
    ck_assert(cJSON_IsNumber(axles) && axles->valuedouble == 3);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(b, "is_active")));
    ck_assert_int_eq(cJSON_GetArraySize(b), 6);
    cJSON_Delete(b);
    ck_assert_int_eq(drafts_on_disk(), 0);
}
END_TEST

START_TEST(a_draft_left_mid_edit_comes_back_and_goes_once_accepted)
{
    free(http("DELETE", "/_emulator/requests", NULL, NULL));
    ck_assert_int_eq(drafts_on_disk(), 0);
    /* The session ends with the form open and unsaved (as after a crash or a lost SSH session). */
    ck_assert_int_eq(run_script(":wait-idle\n3\n:wait-idle\njj\n<Enter>\n:wait-idle\n<Enter>\n<C-u>\nAfter Crash\n"
                                "<Enter>\n:quit\n"),
                     0);
    ck_assert_int_eq(drafts_on_disk(), 1);
    ck_assert_int_eq(count_logged("PATCH", "/v2/telematics/"), 0);
    /* The next start offers it; Enter reopens it on top of a fresh GET; Ctrl-X saves it. */
    ck_assert_int_eq(run_script(":wait-idle\n:expect 1 unsent draft\n<Enter>\n:wait-idle\n"
                                ":expect Draft restored: 1 change\n:expect After Crash\n<C-x>\n:wait-idle\n"
                                ":expect saved; the list updates\n:quit\n"),
                     0);
    cJSON *b = logged_body("PATCH", "/v2/telematics/vehicles/", NULL, 0);
    ck_assert_ptr_nonnull(b);
    ck_assert_str_eq(str(b, "vehicle_name"), "After Crash");
    ck_assert_int_eq(cJSON_GetArraySize(b), 2);
    cJSON_Delete(b);
    ck_assert_int_eq(drafts_on_disk(), 0);
}
END_TEST

int main(void)
{
    if (e2e_make_workdir("catena-e2e-form", workdir, sizeof workdir) != 0)
        return 1;
    const char *args[] = {"--seed", "7", "--time-scale", "0.001", NULL};
    if (emu_start(&emu, args) != 0)
        return 1;
    Suite *s = suite_create("form_body");
    TCase *tc = tcase_create("e2e");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, patch_sends_connection_id_and_only_the_changed_fields);
    tcase_add_test(tc, an_emptied_field_is_sent_as_null);
    tcase_add_test(tc, post_sends_every_filled_in_field_typed);
    tcase_add_test(tc, a_draft_left_mid_edit_comes_back_and_goes_once_accepted);
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    emu_stop(&emu);
    e2e_remove_tree(workdir);
    return failed ? 1 : 0;
}
