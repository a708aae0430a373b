/* harden_process: no core file, not dumpable, inherited descriptors close-on-exec. Each case runs
 * in a child, since a process cannot become dumpable again. */
#include "core/harden.h"

#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "suite_runner.h"

enum { BAD_DUMPABLE = 1, BAD_RLIMIT = 2, BAD_CLOEXEC = 4, BAD_RC = 8 };

/* Runs harden_process in a child; returns the BAD_* bits of what was not as expected. */
static int harden_in_child(bool allow_core)
{
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit rl;
        getrlimit(RLIMIT_CORE, &rl);
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 4096 ? 4096 : rl.rlim_max;
        setrlimit(RLIMIT_CORE, &rl);
        prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
        int fd = open("/dev/null", O_RDONLY); /* as if inherited: no close-on-exec */
        int bad = 0;
        char *err = NULL;
        if (harden_process(allow_core, &err) != 0)
            bad |= BAD_RC;
        struct rlimit now;
        getrlimit(RLIMIT_CORE, &now);
        int dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
        if (allow_core ? dumpable != 1 : dumpable != 0)
            bad |= BAD_DUMPABLE;
        if (allow_core ? now.rlim_cur != rl.rlim_cur : (now.rlim_cur != 0 || now.rlim_max != 0))
            bad |= BAD_RLIMIT;
        if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC))
            bad |= BAD_CLOEXEC;
        free(err);
        _exit(bad);
    }
    int st = 0;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st));
    return WEXITSTATUS(st);
}

START_TEST(no_core_file_not_dumpable_and_inherited_fds_close_on_exec)
{
    ck_assert_int_eq(harden_in_child(false), 0);
}
END_TEST

START_TEST(the_debug_setting_keeps_core_dumps_but_still_closes_fds_on_exec)
{
    ck_assert_int_eq(harden_in_child(true), 0);
}
END_TEST

START_TEST(the_debug_setting_is_read_from_the_environment)
{
    unsetenv(HARDEN_DEBUG_ENV);
    ck_assert(!harden_core_dumps_wanted());
    setenv(HARDEN_DEBUG_ENV, "0", 1);
    ck_assert(!harden_core_dumps_wanted());
    setenv(HARDEN_DEBUG_ENV, "yes", 1);
    ck_assert(harden_core_dumps_wanted());
    setenv(HARDEN_DEBUG_ENV, "1", 1);
    ck_assert(harden_core_dumps_wanted());
    unsetenv(HARDEN_DEBUG_ENV);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("harden");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, no_core_file_not_dumpable_and_inherited_fds_close_on_exec);
    tcase_add_test(tc, the_debug_setting_keeps_core_dumps_but_still_closes_fds_on_exec);
    tcase_add_test(tc, the_debug_setting_is_read_from_the_environment);
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    return failed ? 1 : 0;
}
