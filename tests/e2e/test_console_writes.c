/* The console's writes, end to end: drive the real UI in script mode against the emulator and
 * read the emulator's request log to check the exact bodies sent (Catena ids, only what the
 * user chose). */
#include "common/strbuf.h"
#include "e2e_console.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static emu_proc emu;
static char workdir[256];

static char *http(const char *method, const char *path, const char *bearer)
{
    return emu_http(&emu, method, path, bearer, NULL);
}

static char *http_body(const char *method, const char *path, const char *bearer, const char *form)
{
    return emu_http(&emu, method, path, bearer, form);
}

static int run_script(const char *script_text)
{
    return run_console_script(&emu, workdir, script_text, "100x30");
}

static cJSON *logged_body(const char *method, const char *path, int nth)
{
    return emu_logged_body(&emu, method, path, nth, NULL, 0);
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Ids of the first connection and its users, straight from the emulator. */
static void first_connection(char conn[37], char drivers[2][37], char staff[37])
{
    char *tok = http_body("POST", "/realms/catena/protocol/openid-connect/token", NULL,
                          "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret");
    cJSON *t = cJSON_Parse(tok);
    ck_assert_ptr_nonnull(t);
    const char *bearer = str(t, "access_token");
    ck_assert_ptr_nonnull(bearer);
    char *c = http("GET", "/v2/integrations/connections?size=1", bearer);
    cJSON *cp = cJSON_Parse(c);
    snprintf(conn, 37, "%s", str(cJSON_GetArrayItem(cJSON_GetObjectItem(cp, "items"), 0), "id"));
    char path[200];
    snprintf(path, sizeof path, "/v2/telematics/users?is_driver=true&size=2&connection_id=%s", conn);
    char *u = http("GET", path, bearer);
    cJSON *up = cJSON_Parse(u);
    for (int i = 0; i < 2; i++)
        snprintf(drivers[i], 37, "%s", str(cJSON_GetArrayItem(cJSON_GetObjectItem(up, "items"), i), "id"));
    snprintf(path, sizeof path, "/v2/telematics/users?is_driver=false&size=1&connection_id=%s", conn);
    char *s = http("GET", path, bearer);
    cJSON *sp = cJSON_Parse(s);
    snprintf(staff, 37, "%s", str(cJSON_GetArrayItem(cJSON_GetObjectItem(sp, "items"), 0), "id"));
    cJSON_Delete(t);
    cJSON_Delete(cp);
    cJSON_Delete(up);
    cJSON_Delete(sp);
    free(tok);
    free(c);
    free(u);
    free(s);
}

START_TEST(message_body_has_catena_ids_and_the_text)
{
    free(http("DELETE", "/_emulator/requests", NULL));
    ck_assert_int_eq(run_script(":wait-idle\n2\n:wait-idle\nm\nCall dispatch — dock <lt>7>.\n<C-p>\n<C-x>\n"
                                ":wait-idle\n:expect sent, operation\n:quit\n"),
                     0);
    char conn[37], drivers[2][37], staff[37];
    first_connection(conn, drivers, staff);
    cJSON *b = logged_body("POST", "/v2/telematics/messages", 0);
    ck_assert_ptr_nonnull(b);
    ck_assert_str_eq(str(b, "connection_id"), conn);
    ck_assert_str_eq(str(b, "recipient_id"), drivers[0]);
    ck_assert_str_eq(str(b, "sender_id"), staff);
    ck_assert_str_eq(str(b, "message_text"), "Call dispatch — dock <7>.");
    ck_assert_str_eq(str(b, "priority"), "high"); /* medium, then Ctrl-P once */
    ck_assert_ptr_null(cJSON_GetObjectItem(b, "reply_to_message_id"));
    ck_assert_int_eq(cJSON_GetArraySize(b), 5);
    cJSON_Delete(b);
}
END_TEST

START_TEST(group_message_body_lists_the_marked_drivers)
{
    free(http("DELETE", "/_emulator/requests", NULL));
    ck_assert_int_eq(run_script(":wait-idle\n2\n:wait-idle\n<Space>\n<Space>\nM\nAll to bay 3\n<C-x>\n"
                                ":wait-idle\n:expect sent, operation\n:quit\n"),
                     0);
    char conn[37], drivers[2][37], staff[37];
    first_connection(conn, drivers, staff);
    cJSON *b = logged_body("POST", "/v2/telematics/group-messages", 0);
    ck_assert_ptr_nonnull(b);
    ck_assert_str_eq(str(b, "connection_id"), conn);
    ck_assert_str_eq(str(b, "sender_id"), staff);
    const cJSON *ids = cJSON_GetObjectItem(b, "recipient_ids");
    ck_assert_int_eq(cJSON_GetArraySize(ids), 2);
    ck_assert_str_eq(cJSON_GetArrayItem(ids, 0)->valuestring, drivers[0]);
    ck_assert_str_eq(cJSON_GetArrayItem(ids, 1)->valuestring, drivers[1]);
    ck_assert_str_eq(str(b, "message_text"), "All to bay 3");
    cJSON_Delete(b);
}
END_TEST

START_TEST(sync_mode_adds_is_sync_to_the_query)
{
    free(http("DELETE", "/_emulator/requests", NULL));
    ck_assert_int_eq(run_script(":wait-idle\n2\n:wait-idle\nm\nsync please\n<C-t>\n<C-x>\n:wait-idle\n:quit\n"), 0);
    char *log = http("GET", "/_emulator/requests", NULL);
    ck_assert_msg(strstr(log, "is_sync=true"), "no is_sync=true in %s", log);
    free(log);
}
END_TEST

int main(void)
{
    if (e2e_make_workdir("catena-e2e", workdir, sizeof workdir) != 0)
        return 1;
    const char *args[] = {"--seed", "7", "--time-scale", "0.001", NULL};
    if (emu_start(&emu, args) != 0)
        return 1;
    Suite *s = suite_create("console_writes");
    TCase *tc = tcase_create("e2e");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, message_body_has_catena_ids_and_the_text);
    tcase_add_test(tc, group_message_body_lists_the_marked_drivers);
    tcase_add_test(tc, sync_mode_adds_is_sync_to_the_query);
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    emu_stop(&emu);
    e2e_remove_tree(workdir);
    return failed ? 1 : 0;
}
