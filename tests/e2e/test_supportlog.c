/* The support log (--log FILE, log_file, log_level) of the built binary against a real
 * catena-emulator: one line per request and per answer with status, sizes and timing; bodies
 * only at log_level = debug; never the client secret, a token (the emulator's are JWTs: "eyJ...")
 * or an Authorization header, from a subcommand and from the console alike. */
#include "core/supportlog.h"
#include "emu_proc.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "suite_runner.h"

static emu_proc emu;
static char dir[256], logpath[320], cfgdir[320];

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = calloc(1, (size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        buf[0] = '\0';
    fclose(f);
    return buf;
}

/* Runs catena-dispatch ARGS with the emulator's credentials in the environment and the config
 * file text (NULL: none); returns the exit status. */
static int run(const char *config_text, const char *const *args)
{
    char cfg[400];
    snprintf(cfg, sizeof cfg, "%s/catena-dispatch/config", cfgdir);
    unlink(cfg);
    if (config_text) {
        char d[360];
        snprintf(d, sizeof d, "%s/catena-dispatch", cfgdir);
        mkdir(cfgdir, 0700);
        mkdir(d, 0700);
        FILE *f = fopen(cfg, "w");
        fputs(config_text, f);
        fclose(f);
    }
    const char *argv[32] = {CATENA_DISPATCH_BIN};
    int na = 1;
    for (int i = 0; args[i] && na < 31; i++)
        argv[na++] = args[i];
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        setenv("XDG_CONFIG_HOME", cfgdir, 1);
        setenv("XDG_STATE_HOME", dir, 1);
        setenv("CATENA_API_URL", emu.url, 1);
        setenv("CATENA_AUTH_URL", emu.auth_url, 1);
        setenv("CATENA_CLIENT_ID", "demo-client", 1);
        setenv("CATENA_CLIENT_SECRET", "demo-secret", 1);
        unsetenv("CATENA_PROFILE");
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

#define RUN(cfg, ...) run(cfg, (const char *const[]){__VA_ARGS__, NULL})

static void assert_no_secret(const char *log)
{
    ck_assert_msg(!strstr(log, "demo-secret"), "the client secret is in the log:\n%s", log);
    ck_assert_msg(!strstr(log, "eyJ"), "a token is in the log:\n%s", log);
    ck_assert_msg(!strstr(log, "Bearer "), "an Authorization header is in the log:\n%s", log);
}

START_TEST(debug_log_has_bodies_but_never_the_secret_or_a_token)
{
    unlink(logpath);
    ck_assert_int_eq(RUN("log_level = debug\n", "vehicles", "--connection", "Acme Freight — Samsara", "--log", logpath),
                     0);
    char *log = read_all(logpath);
    ck_assert_ptr_nonnull(log);
    struct stat st;
    ck_assert_int_eq(stat(logpath, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_msg(strstr(log, "> POST ") && strstr(log, "/protocol/openid-connect/token (") &&
                      strstr(log, "client_secret=***") && strstr(log, "\"access_token\":\"***\""),
                  "the sign-in is not logged (redacted):\n%s", log);
    ck_assert_msg(strstr(log, "> GET ") && strstr(log, "/v2/telematics/vehicles?") && strstr(log, ", with token)"),
                  "%s", log);
    ck_assert_msg(strstr(log, "< 200 ") && strstr(log, " B in ") && strstr(log, " ms"), "%s", log);
    ck_assert_msg(strstr(log, "    body: {\"items\":["), "no bodies at debug:\n%.2000s", log);
    assert_no_secret(log);
    free(log);
}
END_TEST

START_TEST(info_log_from_the_config_has_no_bodies_and_says_failures)
{
    unlink(logpath);
    char cfg[400];
    snprintf(cfg, sizeof cfg, "log_file = %s\n", logpath);
    ck_assert_int_eq(RUN(cfg, "connections"), 0);
    char *log = read_all(logpath);
    ck_assert_ptr_nonnull(log);
    ck_assert_msg(strstr(log, "/v2/integrations/connections") && strstr(log, "< 200 "), "%s", log);
    ck_assert_msg(!strstr(log, "body:"), "bodies at info:\n%s", log);
    assert_no_secret(log);
    free(log);
    /* Nothing listens there: the failure and its time are logged, the run exits 4. */
    ck_assert_int_eq(RUN(cfg, "connections", "--api-url", "http://127.0.0.1:9", "--auth-url", "http://127.0.0.1:9/r"), 4);
    log = read_all(logpath);
    ck_assert_msg(strstr(log, "< failed after "), "%s", log);
    assert_no_secret(log);
    free(log);
}
END_TEST

START_TEST(console_log_never_has_the_secret_or_a_token)
{
    unlink(logpath);
    char script[400];
    snprintf(script, sizeof script, "%s/s.script", dir);
    FILE *f = fopen(script, "w");
    fputs(":wait-idle\n:expect Acme\n3\n:wait-idle\n:quit\n", f);
    fclose(f);
    ck_assert_int_eq(RUN("log_level = debug\n", "--script", script, "--size", "100x30", "--log", logpath), 0);
    char *log = read_all(logpath);
    ck_assert_ptr_nonnull(log);
    ck_assert_msg(strstr(log, "/v2/integrations/connections") && strstr(log, "/v2/telematics/"), "%s", log);
    assert_no_secret(log);
    free(log);
}
END_TEST

START_TEST(redaction)
{
    const char *lits[] = {"s3cr3t", NULL};
    static const char *const cases[][2] = {
        {"client_secret=abc&x=1", "client_secret=***&x=1"},
        {"a=1&client_secret=abc", "a=1&client_secret=***"},
        {"{\"access_token\" : \"e\\\"yJ\", \"n\":1}", "{\"access_token\" : \"***\", \"n\":1}"},
        {"{\"refresh_token\":\"x\",\"id_token\":\"y\"}", "{\"refresh_token\":\"***\",\"id_token\":\"***\"}"},
        {"text with s3cr3t inside", "text with *** inside"},
        {"my_client_secret=keep", "my_client_secret=keep"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *r = supportlog_redact(cases[i][0], strlen(cases[i][0]), lits, 2);
        ck_assert_str_eq(r, cases[i][1]);
        free(r);
    }
}
END_TEST

int main(void)
{
    const char *args[] = {"--time-scale", "0.001", NULL};
    if (emu_start(&emu, args) != 0) {
        fprintf(stderr, "cannot start the emulator\n");
        return 1;
    }
    snprintf(dir, sizeof dir, "/tmp/catena-supportlog-%ld", (long)getpid());
    mkdir(dir, 0700);
    snprintf(logpath, sizeof logpath, "%s/support.log", dir);
    snprintf(cfgdir, sizeof cfgdir, "%s/xdg", dir);
    Suite *s = suite_create("supportlog");
    TCase *tc = tcase_create("e2e");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, redaction);
    tcase_add_test(tc, debug_log_has_bodies_but_never_the_secret_or_a_token);
    tcase_add_test(tc, info_log_from_the_config_has_no_bodies_and_says_failures);
    tcase_add_test(tc, console_log_never_has_the_secret_or_a_token);
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    emu_stop(&emu);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return failed ? 1 : 0;
}
