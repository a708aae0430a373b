/* Esc feels instant: the console's terminal waits ESCDELAY ms after an Esc for the rest of an
 * escape sequence, 40 by default (curses' own default is a full second), and an ESCDELAY in the
 * environment is honoured. The terminal is a pseudo-terminal, in a child per case. */
#include "ui/screen.h"

#include <check.h>
#include <curses.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "suite_runner.h"

/* The escape delay the console's terminal ends up with, ESCDELAY set to env_value (NULL: unset). */
static int escdelay_with(const char *env_value)
{
    int master, slave;
    ck_assert_int_eq(openpty(&master, &slave, NULL, NULL, NULL), 0);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        dup2(slave, STDIN_FILENO);
        dup2(slave, STDOUT_FILENO);
        if (env_value)
            setenv("ESCDELAY", env_value, 1);
        else
            unsetenv("ESCDELAY");
        char err[200];
        int d = screen_open_tty("xterm", err, sizeof err, NULL) == 0 ? get_escdelay() : -1;
        screen_close();
        if (write(fds[1], &d, sizeof d) != (ssize_t)sizeof d)
            _exit(2);
        _exit(0);
    }
    close(slave);
    close(fds[1]);
    int d = -2; /* stays when the child died without answering */
    if (read(fds[0], &d, sizeof d) != (ssize_t)sizeof d)
        d = -2;
    int st;
    waitpid(pid, &st, 0);
    close(fds[0]);
    close(master);
    return d;
}

START_TEST(escdelay_defaults_short_and_is_honoured)
{
    ck_assert_int_eq(escdelay_with(NULL), 40);
    ck_assert_int_eq(escdelay_with("250"), 250);
    ck_assert_int_eq(escdelay_with("0"), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("escdelay");
    TCase *tc = tcase_create("escdelay");
    tcase_add_test(tc, escdelay_defaults_short_and_is_honoured);
    suite_add_tcase(s, tc);
    return run_suite_nofork(s) ? 1 : 0;
}
