/* `catena-dispatch config init|check|show` run as the built binary against a real catena-emulator,
 * answers on stdin (no terminal): the profile written 0600 only after a sign-in that works, an
 * existing profile replaced only when asked, every problem of a bad file named, the effective
 * settings with their origins and the secret never printed. */
#include "emu_proc.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "suite_runner.h"

static emu_proc emu;
static char home[256];   /* XDG_CONFIG_HOME of every run */
static char cfgpath[320]; /* home/catena-dispatch/config */

typedef struct cli_out {
    int code;
    char *out, *err;
} cli_out;

static char *slurp(FILE *f)
{
    fflush(f);
    long n = ftell(f);
    char *buf = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
    rewind(f);
    if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)
        buf[0] = '\0';
    fclose(f);
    return buf;
}

/* Runs catena-dispatch config ARGS with input on stdin, no CATENA_* in the environment but env
 * ("NAME=value", may be NULL). */
static cli_out run(const char *input, const char *env, const char *const *args)
{
    const char *argv[32] = {CATENA_DISPATCH_BIN, "config"};
    int na = 2;
    for (int i = 0; args[i] && na < 31; i++)
        argv[na++] = args[i];
    FILE *in = tmpfile(), *out = tmpfile(), *err = tmpfile();
    ck_assert(in && out && err);
    fputs(input, in);
    fflush(in);
    rewind(in);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        dup2(fileno(in), STDIN_FILENO);
        dup2(fileno(out), STDOUT_FILENO);
        dup2(fileno(err), STDERR_FILENO);
        static const char *const vars[] = {"CATENA_PROFILE", "CATENA_CLIENT_ID", "CATENA_CLIENT_SECRET",
                                           "CATENA_API_URL", "CATENA_AUTH_URL", "NO_COLOR"};
        for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
            unsetenv(vars[i]);
        setenv("XDG_CONFIG_HOME", home, 1);
        if (env)
            putenv((char *)env);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    fclose(in);
    cli_out r = {WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), slurp(out), slurp(err)};
    return r;
}

#define RUN(input, env, ...) run(input, env, (const char *const[]){__VA_ARGS__, NULL})
#define ASSERT_EXIT(r, want)                                                                                           \
    ck_assert_msg((r).code == (want), "exit %d, want %d\nstdout: %s\nstderr: %s", (r).code, (want), (r).out, (r).err)

static void cli_free(cli_out *r)
{
    free(r->out);
    free(r->err);
}

static char *file_text(void)
{
    FILE *f = fopen(cfgpath, "r");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    return slurp(f);
}

static void write_config(const char *text, mode_t mode)
{
    char dir[300];
    snprintf(dir, sizeof dir, "%s/catena-dispatch", home);
    mkdir(dir, 0700);
    FILE *f = fopen(cfgpath, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    chmod(cfgpath, mode);
}

/* The answers to init: API URL, auth URL (empty: the default offered), client id, secret. */
static char *answers(const char *secret)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s\n\ndemo-client\n%s\n", emu.url, secret);
    return buf;
}

static void no_secret_in(const cli_out *r, const char *secret)
{
    ck_assert_msg(!strstr(r->out, secret), "the secret is on stdout: %s", r->out);
    ck_assert_msg(!strstr(r->err, secret), "the secret is on stderr: %s", r->err);
}

START_TEST(init_signs_in_lists_connections_and_writes_a_private_profile)
{
    unlink(cfgpath);
    cli_out r = RUN(answers("demo-secret"), NULL, "init");
    ASSERT_EXIT(r, 0);
    ck_assert_msg(strstr(r.out, "4 connections") && strstr(r.out, "Acme Freight — Samsara"), "%s", r.out);
    no_secret_in(&r, "demo-secret");
    struct stat st;
    ck_assert_int_eq(stat(cfgpath, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    char *t = file_text();
    ck_assert_msg(strstr(t, "[profile default]\n") && strstr(t, "client_secret = demo-secret\n") &&
                      strstr(t, "auth_url = ") && strstr(t, emu.url),
                  "%s", t);
    free(t);
    cli_free(&r);
    /* The profile works: config check signs in with it. */
    r = RUN("", NULL, "check");
    ASSERT_EXIT(r, 0);
    ck_assert_msg(strstr(r.out, "no problems") && strstr(r.out, "Signed in"), "%s", r.out);
    cli_free(&r);
}
END_TEST

START_TEST(init_with_a_refused_secret_writes_nothing)
{
    unlink(cfgpath);
    cli_out r = RUN(answers("wrong-secret"), NULL, "init");
    ASSERT_EXIT(r, 3);
    ck_assert_msg(strstr(r.err, "nothing was written"), "%s", r.err);
    no_secret_in(&r, "wrong-secret");
    ck_assert_ptr_null(file_text());
    cli_free(&r);
    r = RUN("", NULL, "init"); /* no answers at all */
    ASSERT_EXIT(r, 2);
    ck_assert_ptr_null(file_text());
    cli_free(&r);
}
END_TEST

START_TEST(init_replaces_an_existing_profile_only_when_asked)
{
    write_config("page_size = 500\n\n[profile default]\nclient_id = old-id\nclient_secret = old\n\n"
                 "[profile other]\nclient_id = other-id\n",
                 0600);
    char input[600];
    snprintf(input, sizeof input, "n\n%s", answers("demo-secret"));
    cli_out r = RUN(input, NULL, "init");
    ASSERT_EXIT(r, 1);
    char *t = file_text();
    ck_assert_msg(strstr(t, "old-id") && !strstr(t, "demo-client"), "%s", t);
    free(t);
    cli_free(&r);

    snprintf(input, sizeof input, "y\n%s", answers("demo-secret"));
    r = RUN(input, NULL, "init");
    ASSERT_EXIT(r, 0);
    t = file_text();
    ck_assert_msg(!strstr(t, "old-id") && strstr(t, "client_id = demo-client") && strstr(t, "page_size = 500") &&
                      strstr(t, "[profile other]\nclient_id = other-id"),
                  "%s", t);
    free(t);
    cli_free(&r);

    r = RUN(answers("demo-secret"), NULL, "init", "--profile", "other", "--force"); /* no question */
    ASSERT_EXIT(r, 0);
    t = file_text();
    ck_assert_msg(!strstr(t, "other-id") && strstr(t, "[profile other]") && strstr(t, "[profile default]"), "%s", t);
    free(t);
    cli_free(&r);
}
END_TEST

START_TEST(check_names_every_problem_and_the_permissions)
{
    write_config("page_size = 5000\ncolour = yes\n[profile default]\nbell = maybe\nclient_secret = s\n", 0644);
    cli_out r = RUN("", NULL, "check");
    ASSERT_EXIT(r, 2);
    ck_assert_msg(strstr(r.err, "config:1: page_size") && strstr(r.err, "config:2: unknown setting 'colour'") &&
                      strstr(r.err, "config:4: bell") && strstr(r.err, "chmod 600"),
                  "%s", r.err);
    ck_assert_msg(strstr(r.err, "4 problems"), "%s", r.err);
    cli_free(&r);

    write_config("[profile default]\nclient_id = demo-client\n", 0600); /* fine, but no secret */
    r = RUN("", NULL, "check");
    ASSERT_EXIT(r, 3);
    cli_free(&r);
    unlink(cfgpath);
    r = RUN("", NULL, "check");
    ASSERT_EXIT(r, 2);
    ck_assert_msg(strstr(r.err, "config init"), "%s", r.err);
    cli_free(&r);
}
END_TEST

START_TEST(show_says_where_each_value_came_from_and_masks_the_secret)
{
    char text[512];
    snprintf(text, sizeof text, "page_size = 200\n[profile default]\napi_url = %s\nclient_secret = file-secret-xyz\n",
             emu.url);
    write_config(text, 0600);
    cli_out r = RUN("", "CATENA_CLIENT_ID=env-id", "show", "--theme", "mono", "--auth-url", "http://127.0.0.1:9/a");
    ASSERT_EXIT(r, 0);
    no_secret_in(&r, "file-secret-xyz");
    static const char *const want[][2] = {
        {"page_size            = 200", "# file "},          {"api_url ", "config:3"},
        {"client_id            = env-id", "# environment CATENA_CLIENT_ID"},
        {"client_secret        = ********", "# file "},    {"theme                = mono", "# flag --theme"},
        {"auth_url             = http://127.0.0.1:9/a", "# flag --auth-url"},
        {"poll_idle_ms         = 15000", "# default"},     {"sender_id ", "# default (unset)"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *line = strstr(r.out, want[i][0]);
        ck_assert_msg(line != NULL, "no '%s' in\n%s", want[i][0], r.out);
        const char *eol = strchr(line, '\n');
        const char *src = strstr(line, want[i][1]);
        ck_assert_msg(src && src < eol, "'%s' is not from '%s' in\n%s", want[i][0], want[i][1], r.out);
    }
    cli_free(&r);
    r = RUN("", NULL, "show", "--force");
    ASSERT_EXIT(r, 2);
    cli_free(&r);
}
END_TEST

int main(void)
{
    const char *args[] = {"--time-scale", "0.001", NULL};
    if (emu_start(&emu, args) != 0) {
        fprintf(stderr, "cannot start the emulator\n");
        return 1;
    }
    snprintf(home, sizeof home, "/tmp/catena-config-cmd-%ld", (long)getpid());
    mkdir(home, 0700);
    snprintf(cfgpath, sizeof cfgpath, "%s/catena-dispatch/config", home);
    Suite *s = suite_create("config_cmd");
    TCase *tc = tcase_create("e2e");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, init_signs_in_lists_connections_and_writes_a_private_profile);
    tcase_add_test(tc, init_with_a_refused_secret_writes_nothing);
    tcase_add_test(tc, init_replaces_an_existing_profile_only_when_asked);
    tcase_add_test(tc, check_names_every_problem_and_the_permissions);
    tcase_add_test(tc, show_says_where_each_value_came_from_and_masks_the_secret);
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    emu_stop(&emu);
    unlink(cfgpath);
    char dir[300];
    snprintf(dir, sizeof dir, "%s/catena-dispatch", home);
    rmdir(dir);
    rmdir(home);
    return failed ? 1 : 0;
}
