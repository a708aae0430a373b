/* What a child of the console can learn: $EDITOR (Ctrl-E) must inherit none of the console's
 * descriptors (API sockets, the signal pipe, files) nor CATENA_CLIENT_SECRET (which must not stay
 * in the console's /proc/PID/environ either), and the console must not dump core. */
#include "e2e_console.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "suite_runner.h"

static emu_proc emu;
static char workdir[256];

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buf[16384];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* $EDITOR stand-in: the console's core-dump limit, then ls (exec'd, so it holds exactly what the
 * editor inherited, plus its own handle on /proc/self/fd) lists the descriptors; the text stays. */
static void write_probe(const char *probe, const char *out)
{
    FILE *f = fopen(probe, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "#!/bin/sh\n"
            "exec >'%s'\n"
            "grep -i 'core file' /proc/$PPID/limits\n"
            "echo \"secret in my environment: $(env | grep -c '^CATENA_CLIENT_SECRET=')\"\n"
            "echo \"secret in the console's: $(tr '\\0' '\\n' < /proc/$PPID/environ | grep -c demo-secret)\"\n"
            "echo \"text file: $1 mode $(stat -c %%a \"$1\")\"\n"
            "exec ls -l /proc/self/fd/\n",
            out);
    fclose(f);
    chmod(probe, 0700);
}

/* The probe's report, and in leaks every descriptor above 2 other than the probe script (its shell
 * read it from one) and ls's own listing of /proc. */
static const char *run_probe(const char *sub, char *leaks, size_t cap)
{
    char dir[320], probe[400], out[400];
    snprintf(dir, sizeof dir, "%s/%s", workdir, sub);
    mkdir(dir, 0700);
    snprintf(probe, sizeof probe, "%s/probe-editor.sh", dir);
    snprintf(out, sizeof out, "%s/probe.txt", dir);
    write_probe(probe, out);
    setenv("EDITOR", probe, 1);
    unsetenv("VISUAL");
    ck_assert_int_eq(run_console_script(&emu, dir, ":wait-idle\n2\n:wait-idle\nm\nhello\n<C-e>\n:quit\n", "100x30"), 0);
    const char *got = slurp(out);
    ck_assert_msg(got, "the editor never ran");
    leaks[0] = '\0';
    for (const char *l = got; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        int fd;
        const char *arrow = strstr(l, " -> ");
        const char *eol = strchr(l, '\n');
        if (!arrow || (eol && arrow > eol))
            continue;
        const char *p = arrow;
        while (p > l && p[-1] >= '0' && p[-1] <= '9')
            p--;
        if (sscanf(p, "%d", &fd) != 1 || fd <= 2 || !strncmp(arrow + 4, probe, strlen(probe)) ||
            !strncmp(arrow + 4, "/proc/", 6))
            continue;
        size_t used = strlen(leaks);
        snprintf(leaks + used, cap - used, "%.*s\n", (int)(eol ? eol - p : (long)strlen(p)), p);
    }
    return got;
}

START_TEST(the_editor_inherits_no_descriptor_nor_secret_and_no_core_dumps)
{
    /* Allow core dumps in what we start, so only the console itself can turn them off. */
    struct rlimit rl;
    getrlimit(RLIMIT_CORE, &rl);
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > (1 << 20) ? (1 << 20) : rl.rlim_max;
    setrlimit(RLIMIT_CORE, &rl);
    ck_assert_uint_gt(rl.rlim_cur, 0);

    char leaks[4096];
    const char *got = run_probe("plain", leaks, sizeof leaks);
    ck_assert_msg(!leaks[0], "descriptors leaked into $EDITOR:\n%s", leaks);
    long soft = -1;
    const char *l = strstr(got, "Max core file size");
    ck_assert_msg(l && sscanf(l, "Max core file size %ld", &soft) == 1, "no limits line:\n%s", got);
    ck_assert_msg(soft == 0, "the console would dump core:\n%s", got);
    ck_assert_msg(strstr(got, "secret in my environment: 0"), "$EDITOR got the client secret:\n%s", got);
    ck_assert_msg(strstr(got, "secret in the console's: 0"), "/proc/PID/environ shows the secret:\n%s", got);
    /* The text is in the private state directory (not a shared /tmp), readable by its owner only. */
    char want[400];
    snprintf(want, sizeof want, "text file: %s/plain/state/catena-dispatch/tmp/message-", workdir);
    ck_assert_msg(strstr(got, want), "the editor's file is not in the state directory:\n%s", got);
    ck_assert_msg(strstr(got, " mode 600\n"), "the editor's file is not 0600:\n%s", got);
}
END_TEST

/* kill -9 while $EDITOR is open leaves the file with the text: the next console removes it. */
START_TEST(an_editor_file_left_by_a_dead_console_is_removed_at_start)
{
    char dir[320], tmp[400], stale[480];
    snprintf(dir, sizeof dir, "%s/stale", workdir);
    snprintf(tmp, sizeof tmp, "%s/state/catena-dispatch/tmp", dir);
    char cmd[500];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", tmp);
    ck_assert_int_eq(system(cmd), 0);
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    waitpid(pid, NULL, 0);
    snprintf(stale, sizeof stale, "%s/message-%ld-AbC123", tmp, (long)pid);
    FILE *f = fopen(stale, "w");
    ck_assert_ptr_nonnull(f);
    fputs("the text of a console killed with its editor open", f);
    fclose(f);
    ck_assert_int_eq(run_console_script(&emu, dir, ":wait-idle\n:quit\n", "100x30"), 0);
    ck_assert_msg(access(stale, F_OK) != 0, "%s is still there", stale);
}
END_TEST

START_TEST(a_debug_setting_keeps_core_dumps)
{
    char leaks[4096];
    setenv("CATENA_DEBUG_CORE_DUMPS", "1", 1);
    /* In the sanitizer build ASan itself zeroes the limit at start unless told not to. */
    const char *asan = getenv("ASAN_OPTIONS");
    char *saved = asan ? strdup(asan) : NULL, opts[512];
    snprintf(opts, sizeof opts, "%s%sdisable_coredump=0", asan ? asan : "", asan && *asan ? ":" : "");
    setenv("ASAN_OPTIONS", opts, 1);
    const char *got = run_probe("debug", leaks, sizeof leaks);
    unsetenv("CATENA_DEBUG_CORE_DUMPS");
    if (saved)
        setenv("ASAN_OPTIONS", saved, 1);
    else
        unsetenv("ASAN_OPTIONS");
    free(saved);
    long soft = -1;
    const char *l = strstr(got, "Max core file size");
    ck_assert_msg(l && sscanf(l, "Max core file size %ld", &soft) == 1, "no limits line:\n%s", got);
    ck_assert_msg(soft > 0, "core dumps were turned off:\n%s", got);
}
END_TEST

int main(void)
{
    if (e2e_make_workdir("catena-e2e-secrets", workdir, sizeof workdir) != 0)
        return 1;
    const char *args[] = {"--seed", "7", NULL};
    if (emu_start(&emu, args) != 0)
        return 1;
    Suite *s = suite_create("secrets");
    TCase *tc = tcase_create("e2e");
    tcase_add_test(tc, the_editor_inherits_no_descriptor_nor_secret_and_no_core_dumps);
    tcase_add_test(tc, a_debug_setting_keeps_core_dumps);
    tcase_add_test(tc, an_editor_file_left_by_a_dead_console_is_removed_at_start);
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    emu_stop(&emu);
    e2e_remove_tree(workdir);
    return failed ? 1 : 0;
}
