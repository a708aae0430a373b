/* Issue 13.3, end to end: writes are gated on the connection's share level only. The TSP's support
 * map (what is read from a TSP) is no wall: a write it does not list is sent, and the API's 501 is
 * the answer, remembered for that connection and resource so that the next attempt is refused up
 * front (counted in the emulator's request log). The subcommands say a 501 will not change. */
#include "e2e_console.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static emu_proc emu;
static char workdir[256];

/* Each test's console starts with a state directory of its own (no drafts of another test). */
static int run_script(const char *name, const char *script)
{
    char dir[400];
    snprintf(dir, sizeof dir, "%s/%s", workdir, name);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    return run_console_script(&emu, dir, script, "200x40");
}

/* How many requests with this method whose path starts with prefix the emulator logged. */
static int logged(const char *method, const char *prefix)
{
    int n = 0;
    cJSON *b;
    while ((b = emu_logged_body(&emu, method, prefix, n, NULL, 0)) != NULL) {
        cJSON_Delete(b);
        n++;
    }
    return n;
}

/* Geotab's connection (the third): its vehicles are shared read-only, its drivers read-write,
 * its support map lists no group messages and the TSP takes none (501). */
static const char GEOTAB_SCRIPT_START[] = ":wait-idle\nj\nj\n<Enter>\n:wait-idle\n:expect Blue Ridge Logistics — Geotab\n";

START_TEST(unlisted_write_is_sent_and_its_501_refuses_the_next_up_front)
{
    free(emu_http(&emu, "DELETE", "/_emulator/requests", NULL, NULL));
    char script[2048];
    snprintf(script, sizeof script,
             "%s<Space>\n?\n<PageDown>\n"
             /* the help has the support map's word as a note, not as a reason (a page down: the list
              * keys come first) */
             ":expect ↳ note: geotab's support map does not list group messages; the API will say\n"
             ":expect-not ↳ not now: geotab\n<Esc>\n"
             "M\n:expect Group message\nBay 3 closes at noon\n<C-x>\n:wait-idle\n"
             ":expect Not supported by this TSP (501)\n<Esc>\n:wait-idle\n"
             "M\n:expect Refused earlier in this session: Not supported by this TSP (501): Geotab does "
             "not support writing resource 'group_message'\n"
             /* the draft sent again from D is refused up front too */
             "D\n:wait-idle\n<Enter>\n:wait-idle\n:expect Bay 3 closes at noon\n<C-x>\n:wait-idle\n"
             ":expect refused earlier in this session: Not supported by this TSP (501)\n<Esc>\n"
             /* other writes of the connection are not affected: a driver's message is sent */
             "m\n:expect To:\nOn my way\n<C-x>\n:wait-idle\n:expect sent, operation\n:quit\n",
             GEOTAB_SCRIPT_START);
    ck_assert_int_eq(run_script("sent", script), 0);
    ck_assert_int_eq(logged("POST", "/v2/telematics/group-messages"), 1);
    ck_assert_int_eq(logged("POST", "/v2/telematics/messages"), 1);
}
END_TEST

START_TEST(read_only_share_is_still_refused_up_front)
{
    free(emu_http(&emu, "DELETE", "/_emulator/requests", NULL, NULL));
    char script[1024];
    snprintf(script, sizeof script,
             "%s3\n:wait-idle\ne\n:expect This fleet shares vehicles read-only with you\n"
             "n\n:expect This fleet shares vehicles read-only with you\n?\njjjjjjjjjjjjjjjj\n"
             ":expect ↳ not now: this fleet shares vehicles read-only with you\n:quit\n",
             GEOTAB_SCRIPT_START);
    ck_assert_int_eq(run_script("read_only", script), 0);
    ck_assert_int_eq(logged("POST", "/v2/telematics/vehicles"), 0);
    ck_assert_int_eq(logged("PATCH", "/v2/telematics/vehicles"), 0);
}
END_TEST

/* Runs catena-dispatch with args against the emulator; its exit code, stderr in err. */
static int run_cli(const char *const *args, char *err, size_t cap)
{
    const char *argv[32] = {CATENA_DISPATCH_BIN};
    int na = 1;
    for (int i = 0; args[i] && na < 31; i++)
        argv[na++] = args[i];
    FILE *ef = tmpfile();
    ck_assert_ptr_nonnull(ef);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        char auth[200];
        snprintf(auth, sizeof auth, "%s/realms/catena", emu.url);
        dup2(fileno(ef), STDERR_FILENO);
        if (!freopen("/dev/null", "w", stdout))
            _exit(126);
        setenv("XDG_CONFIG_HOME", "/nonexistent/catena-dispatch-test", 1);
        setenv("HOME", workdir, 1);
        unsetenv("CATENA_PROFILE");
        setenv("CATENA_API_URL", emu.url, 1);
        setenv("CATENA_AUTH_URL", auth, 1);
        setenv("CATENA_CLIENT_ID", "demo-client", 1);
        setenv("CATENA_CLIENT_SECRET", "demo-secret", 1);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    rewind(ef);
    size_t n = fread(err, 1, cap - 1, ef);
    err[n] = '\0';
    fclose(ef);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Ids of the Geotab connection (the third), its dispatcher and its first driver, from the emulator. */
static void geotab_ids(char conn[37], char staff[37], char driver[37])
{
    char *tok = emu_http(&emu, "POST", "/realms/catena/protocol/openid-connect/token", NULL,
                         "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret");
    cJSON *t = cJSON_Parse(tok);
    const cJSON *bearer = cJSON_GetObjectItem(t, "access_token");
    ck_assert(cJSON_IsString(bearer));
    char *c = emu_http(&emu, "GET", "/v2/integrations/connections?size=3", bearer->valuestring, NULL);
    cJSON *cp = cJSON_Parse(c);
    const cJSON *id = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(cp, "items"), 2), "id");
    ck_assert(cJSON_IsString(id));
    snprintf(conn, 37, "%s", id->valuestring);
    for (int driver_too = 0; driver_too < 2; driver_too++) {
        char path[200];
        snprintf(path, sizeof path, "/v2/telematics/users?is_driver=%s&size=1&connection_id=%s",
                 driver_too ? "true" : "false", conn);
        char *u = emu_http(&emu, "GET", path, bearer->valuestring, NULL);
        cJSON *up = cJSON_Parse(u);
        const cJSON *uid = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(up, "items"), 0), "id");
        ck_assert(cJSON_IsString(uid));
        snprintf(driver_too ? driver : staff, 37, "%s", uid->valuestring);
        cJSON_Delete(up);
        free(u);
    }
    cJSON_Delete(cp);
    free(c);
    cJSON_Delete(t);
    free(tok);
}

START_TEST(subcommand_says_a_501_will_not_change)
{
    free(emu_http(&emu, "DELETE", "/_emulator/requests", NULL, NULL));
    char err[4096];
    char conn[37], staff[37], driver[37];
    geotab_ids(conn, staff, driver);
    const char *group[] = {"send-group-message", "--connection", conn, "--from", staff, "--to", driver, "--text",
                           "Bay 3 closes at noon", NULL};
    int rc501 = run_cli(group, err, sizeof err);
    ck_assert_msg(strstr(err, "Not supported by this TSP (501)"), "stderr: %s", err);
    ck_assert_msg(strstr(err, "does not take group_message writes: sending it again will not help"), "stderr: %s",
                  err);
    ck_assert_int_eq(logged("POST", "/v2/telematics/group-messages"), 1);
    /* the same exit code as the other refusal no retry changes: a read-only share's 403 */
    const char *vehicle[] = {"create-vehicle", "--connection", conn, "--set", "vehicle_name=T9", NULL};
    int rc403 = run_cli(vehicle, err, sizeof err);
    ck_assert_msg(strstr(err, "403"), "stderr: %s", err);
    ck_assert_int_ne(rc501, 0);
    ck_assert_int_eq(rc501, rc403);
}
END_TEST

int main(void)
{
    if (e2e_make_workdir("catena-e2e-ws", workdir, sizeof workdir) != 0)
        return 1;
    const char *args[] = {"--seed", "7", "--time-scale", "0.001", NULL};
    if (emu_start(&emu, args) != 0)
        return 1;
    Suite *s = suite_create("write_support");
    TCase *tc = tcase_create("e2e");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, unlisted_write_is_sent_and_its_501_refuses_the_next_up_front);
    tcase_add_test(tc, read_only_share_is_still_refused_up_front);
    tcase_add_test(tc, subcommand_says_a_501_will_not_change);
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    emu_stop(&emu);
    e2e_remove_tree(workdir);
    return failed ? 1 : 0;
}
