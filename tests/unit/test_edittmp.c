/* edittmp: $EDITOR's temporary file in the private state directory with 0600, and the files of
 * consoles that died removed at start while a running console's are kept (issue 14.7). */
#include "core/edittmp.h"

#include <check.h>
#include <limits.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "suite_runner.h"

static char state[PATH_MAX], tmpdir[PATH_MAX + 32];

static void touch(const char *name)
{
    char path[PATH_MAX + 300];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("typed text", f);
    fclose(f);
}

static bool exists(const char *name)
{
    char path[PATH_MAX + 300];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    struct stat st;
    return lstat(path, &st) == 0;
}

/* The pid of a process that has ended. */
static long dead_pid(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    waitpid(pid, NULL, 0);
    return (long)pid;
}

START_TEST(the_editor_file_is_private_and_in_the_state_directory)
{
    mode_t old = umask(0); /* the modes must not depend on the umask */
    char path[PATH_MAX + 64], *err = NULL;
    int fd = edittmp_create("message", path, sizeof path, &err);
    umask(old);
    ck_assert_msg(fd >= 0, "%s", err ? err : "");
    ck_assert_msg(strncmp(path, tmpdir, strlen(tmpdir)) == 0 && path[strlen(tmpdir)] == '/', "%s", path);
    char want[64];
    snprintf(want, sizeof want, "/message-%ld-", (long)getpid());
    ck_assert_msg(strstr(path, want), "%s", path);
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(stat(tmpdir, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    close(fd);
    /* It is this running process's: a start of another console keeps it. */
    ck_assert_int_ge(edittmp_clean_stale(&err), 0);
    ck_assert_int_eq(access(path, F_OK), 0);
    unlink(path);
}
END_TEST

START_TEST(the_files_of_dead_consoles_are_removed_at_start)
{
    char dead[64], alive[64], parent[64], dir_named[64];
    snprintf(dead, sizeof dead, "message-%ld-AbC123", dead_pid());
    snprintf(alive, sizeof alive, "message-%ld-XyZ789", (long)getpid());
    snprintf(parent, sizeof parent, "message-%ld-Qwe456", (long)getppid());
    snprintf(dir_named, sizeof dir_named, "message-%ld-Dir000", dead_pid());
    char *err = NULL;
    ck_assert_int_ge(edittmp_clean_stale(&err), 0); /* makes the directory */
    touch(dead);
    touch(alive);
    touch(parent);
    touch("notes.txt");         /* not a name of ours */
    touch("message-12-short");  /* nor this */
    char path[PATH_MAX + 300];
    snprintf(path, sizeof path, "%s/%s", tmpdir, dir_named);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    ck_assert_int_eq(edittmp_clean_stale(&err), 1);
    ck_assert(!exists(dead));
    ck_assert(exists(alive));
    ck_assert(exists(parent));
    ck_assert(exists("notes.txt"));
    ck_assert(exists("message-12-short"));
    ck_assert(exists(dir_named)); /* only regular files go */
}
END_TEST

START_TEST(without_a_state_directory_it_says_why)
{
    char *saved_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    unsetenv("XDG_STATE_HOME");
    unsetenv("HOME");
    char path[PATH_MAX], *err = NULL;
    ck_assert_int_eq(edittmp_create("message", path, sizeof path, &err), -1);
    ck_assert_msg(err && strstr(err, "no state directory"), "%s", err ? err : "");
    free(err);
    err = NULL;
    ck_assert_int_eq(edittmp_clean_stale(&err), -1);
    free(err);
    setenv("XDG_STATE_HOME", state, 1);
    if (saved_home)
        setenv("HOME", saved_home, 1);
    free(saved_home);
}
END_TEST

int main(void)
{
    snprintf(state, sizeof state, "/tmp/test_edittmp.XXXXXX");
    if (!mkdtemp(state))
        return 1;
    setenv("XDG_STATE_HOME", state, 1);
    snprintf(tmpdir, sizeof tmpdir, "%s/catena-dispatch/tmp", state);
    Suite *s = suite_create("edittmp");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, the_editor_file_is_private_and_in_the_state_directory);
    tcase_add_test(tc, the_files_of_dead_consoles_are_removed_at_start);
    tcase_add_test(tc, without_a_state_directory_it_says_why);
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", state);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", state);
    return failed ? 1 : 0;
}
