/* The inbox subcommand (issue 11 item 7), run as the built binary against its own emulator with a
 * seeded message history: JSON lines, --unread, --since, --watch until SIGINT, a 501 connection
 * skipped, hostile text harmless on stdout, a bad --since a usage error. */
#include "cli_run.h"
#include "e2e_console.h"
#include "emu_proc.h"
#include "suite_runner.h"

#include "core/inbox.h"
#include "core/inbox_store.h"
#include "core/statefile.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* inbox: the drivers' messages of every connection as JSON lines, oldest first; --unread keeps
 * what the API (no console state here) says is unread; --since bounds the window; --watch prints a
 * message a driver writes while it runs and exits 0 on SIGINT; a 501 connection is skipped with
 * a line on stderr; a hostile text reaches stdout harmless; a bad --since is a usage error. */
START_TEST(inbox_json_lines_unread_since_watch)
{
    char state[] = "/tmp/test_cmd_inbox.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(state));
    setenv("XDG_STATE_HOME", state, 1); /* the console's inbox state (none yet) */
    emu_proc h;
    const char *args[] = {"--message-history", "--time-scale", "0.05",
                          "--fault", "route=/v2/telematics/messages,kind=status,status=501,count=1", NULL};
    ck_assert_int_eq(emu_start(&h, args), 0);
    cli_out r = CLI_ON(&h, "inbox", "--since", "45d", "--json");
    ASSERT_EXIT(r, 0);
    ck_assert_msg(strstr(r.err, "skipped (501"), "stderr: %s", r.err);
    cJSON *all = cli_json_lines(r.out), *it;
    /* a driver writes now: at least one message is unread at the API */
    ck_assert_int_ge(cJSON_GetArraySize(all), 1);
    char says[160];
    snprintf(says, sizeof says, "/_emulator/drivers/%s/messages", cli_str(cJSON_GetArrayItem(all, 0), "driver_id"));
    free(emu_http(&h, "POST", says, NULL, "{\"message_text\":\"unread at the API\"}"));
    cJSON_Delete(all);
    cli_free(&r);
    r = CLI_ON(&h, "inbox", "--since", "45d", "--json");
    ASSERT_EXIT(r, 0);
    ck_assert_msg(!strstr(r.err, "skipped"), "the fault fired once only: %s", r.err);
    all = cli_json_lines(r.out);
    int n = cJSON_GetArraySize(all), unread = 0;
    ck_assert_int_ge(n, 5);
    const char *prev = "";
    cJSON_ArrayForEach(it, all)
    {
        ck_assert(*cli_str(it, "connection_id") && *cli_str(it, "driver_id") && *cli_str(it, "connection"));
        ck_assert_msg(strcmp(prev, cli_str(it, "sent_at")) <= 0, "not oldest first: %s after %s", cli_str(it, "sent_at"), prev);
        prev = cli_str(it, "sent_at");
        unread += cJSON_IsTrue(cJSON_GetObjectItem(it, "unread"));
    }
    char conn[40], driver[40];
    snprintf(conn, sizeof conn, "%s", cli_str(cJSON_GetArrayItem(all, n - 1), "connection_id"));
    snprintf(driver, sizeof driver, "%s", cli_str(cJSON_GetArrayItem(all, n - 1), "driver_id"));
    cli_free(&r);
    /* --unread: only those, every one marked so */
    r = CLI_ON(&h, "inbox", "--since", "45d", "--unread", "--json");
    ASSERT_EXIT(r, 0);
    cJSON *un = cli_json_lines(r.out);
    ck_assert_int_eq(cJSON_GetArraySize(un), unread);
    ck_assert_int_lt(unread, n);
    ck_assert_int_ge(unread, 1);
    cJSON_ArrayForEach(it, un) ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(it, "unread")));
    cJSON_Delete(un);
    cli_free(&r);
    /* The console's own read marks win over the API's: one the API says read that the console has
     * not shown is unread, one it showed is not. */
    const cJSON *api_read = NULL, *api_unread = NULL;
    cJSON_ArrayForEach(it, all)
    {
        if (cJSON_IsTrue(cJSON_GetObjectItem(it, "unread")))
            api_unread = it;
        else
            api_read = it;
    }
    ck_assert(api_read && api_unread);
    char acct[STATEFILE_PROFILE_MAX + 16], dir[400], path[480];
    statefile_account_name("default", h.url, acct, sizeof acct);
    snprintf(dir, sizeof dir, "%s/catena-dispatch/accounts/%s", state, acct);
    snprintf(path, sizeof path, "%s/%s", dir, INBOX_STATE_FILE);
    ck_assert_int_eq(statefile_make_dirs(dir, NULL), 0);
    inbox_store *st = inbox_store_new(INBOX_KEEP);
    const cJSON *marks[2] = {api_read, api_unread};
    for (int k = 0; k < 2; k++) {
        api_inbox_msg m = {.driver_name = (char *)"d", .text = (char *)"t", .at_ms = 1000 + k};
        snprintf(m.id, sizeof m.id, "%s", cli_str(marks[k], "id"));
        snprintf(m.driver_id, sizeof m.driver_id, "%s", cli_str(marks[k], "driver_id"));
        ck_assert(inbox_store_add(st, cli_str(marks[k], "connection_id"), &m, k == 0));
    }
    char *serr = NULL;
    ck_assert_msg(inbox_store_save(st, path, &serr) == 0, "%s", serr);
    inbox_store_free(st);
    r = CLI_ON(&h, "inbox", "--since", "45d", "--unread", "--json");
    ASSERT_EXIT(r, 0);
    un = cli_json_lines(r.out);
    ck_assert_int_eq(cJSON_GetArraySize(un), unread);
    ck_assert_ptr_nonnull(strstr(r.out, cli_str(api_read, "id")));
    ck_assert_ptr_null(strstr(r.out, cli_str(api_unread, "id")));
    cJSON_Delete(un);
    cli_free(&r);
    /* the default window (24 hours) holds fewer than 45 days */
    r = CLI_ON(&h, "inbox", "--json");
    ASSERT_EXIT(r, 0);
    un = cli_json_lines(r.out);
    ck_assert_int_lt(cJSON_GetArraySize(un), n);
    cJSON_Delete(un);
    cli_free(&r);
    /* --watch: a driver writes (a hostile text) while it runs */
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        usleep(1500 * 1000);
        char path[160];
        snprintf(path, sizeof path, "/_emulator/drivers/%s/messages", driver);
        free(emu_http(&h, "POST", path, NULL, "{\"message_text\":\"\\u001b[2Jflat tire\\u202e\\nat exit 12\"}"));
        _exit(0);
    }
    cli_out wt = cli_run(&h, NULL, "demo-secret", 4000, (const char *const[]){"inbox", "--watch", "--json", NULL});
    waitpid(pid, NULL, 0);
    ASSERT_EXIT(wt, 0);
    ck_assert_ptr_null(strchr(wt.out, '\x1b'));
    ck_assert_ptr_null(strstr(wt.out, "\xE2\x80\xAE"));
    cJSON *watched = cli_json_lines(wt.out);
    const cJSON *last = cJSON_GetArrayItem(watched, cJSON_GetArraySize(watched) - 1);
    ck_assert_msg(last && strstr(cli_str(last, "text"), "flat tire"), "stdout: %s", wt.out);
    ck_assert_str_eq(cli_str(last, "connection_id"), conn);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(last, "unread")));
    cJSON_Delete(watched);
    cli_free(&wt);
    cJSON_Delete(all);
    /* usage */
    static const char *const bad[] = {"0m", "5x", "-3h", "46d", "h", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = CLI_ON(&h, "inbox", "--since", bad[i], "--json");
        ASSERT_EXIT(r, 2);
        ck_assert_ptr_nonnull(strstr(r.err, "--since wants a duration"));
        cli_free(&r);
    }
    emu_stop(&h);
    unsetenv("XDG_STATE_HOME");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", state);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    Suite *s = suite_create("inbox_subcommand");
    TCase *tc = tcase_create("e2e");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, inbox_json_lines_unread_since_watch);
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
