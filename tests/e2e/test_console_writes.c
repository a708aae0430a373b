/* The console's writes, end to end: drive the real UI in script mode against the emulator and
 * read the emulator's request log to check the exact bodies sent (Catena ids, only what the
 * user chose). */
#include "common/strbuf.h"
#include "emu_proc.h"

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

static size_t on_body(char *p, size_t s, size_t n, void *ud)
{
    strbuf_append(ud, p, s * n);
    return s * n;
}

/* GET (or DELETE) a URL on the emulator; returns the body (caller frees). */
static char *http_body(const char *method, const char *path, const char *bearer, const char *form)
{
    CURL *c = curl_easy_init();
    strbuf url = STRBUF_INIT, body = STRBUF_INIT, auth = STRBUF_INIT;
    strbuf_printf(&url, "%s%s", emu.url, path);
    struct curl_slist *h = NULL;
    if (bearer) {
        strbuf_printf(&auth, "Authorization: Bearer %s", bearer);
        h = curl_slist_append(h, auth.data);
    }
    curl_easy_setopt(c, CURLOPT_URL, url.data);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    if (form)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
    curl_easy_perform(c);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    strbuf_free(&url);
    strbuf_free(&auth);
    return strbuf_detach(&body);
}

static char *http(const char *method, const char *path, const char *bearer)
{
    return http_body(method, path, bearer, NULL);
}

static int run_script(const char *script_text)
{
    char path[300];
    snprintf(path, sizeof path, "%s/t.script", workdir);
    FILE *f = fopen(path, "w");
    fputs(script_text, f);
    fclose(f);
    pid_t pid = fork();
    if (pid == 0) {
        char auth[200], state[300];
        snprintf(auth, sizeof auth, "%s/realms/catena", emu.url);
        snprintf(state, sizeof state, "XDG_STATE_HOME=%s/state", workdir);
        putenv(state);
        setenv("CATENA_CLIENT_ID", "demo-client", 1);
        setenv("CATENA_CLIENT_SECRET", "demo-secret", 1);
        setenv("HOME", workdir, 1);
        if (!freopen("/dev/null", "w", stdout))
            _exit(126);
        execl(CATENA_DISPATCH_BIN, CATENA_DISPATCH_BIN, "--script", path, "--size", "100x30", "--api-url", emu.url,
              "--auth-url", auth, (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The JSON body of the n-th logged request with this method and path (0 = first). */
static cJSON *logged_body(const char *method, const char *path, int nth)
{
    char *log = http("GET", "/_emulator/requests", NULL);
    cJSON *arr = cJSON_Parse(log);
    free(log);
    cJSON *found = NULL, *it;
    cJSON_ArrayForEach(it, arr)
    {
        const cJSON *m = cJSON_GetObjectItem(it, "method"), *p = cJSON_GetObjectItem(it, "path");
        const cJSON *b = cJSON_GetObjectItem(it, "body");
        if (cJSON_IsString(m) && cJSON_IsString(p) && !strcmp(m->valuestring, method) &&
            !strcmp(p->valuestring, path) && nth-- == 0) {
            found = cJSON_IsString(b) ? cJSON_Parse(b->valuestring) : cJSON_Duplicate(b, 1);
            break;
        }
    }
    cJSON_Delete(arr);
    return found;
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
    snprintf(workdir, sizeof workdir, "/tmp/catena-e2e-XXXXXX");
    if (!mkdtemp(workdir))
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
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    emu_stop(&emu);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", workdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", workdir);
    return failed ? 1 : 0;
}
