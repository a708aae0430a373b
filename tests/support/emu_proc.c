#include "emu_proc.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int emu_start(emu_proc *e, const char *const *extra_args)
{
    memset(e, 0, sizeof *e);
    int fds[2];
    /* Close-on-exec: consoles the test starts later must not inherit the emulator's pipe. */
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    const char *argv[64];
    int n = 0;
    argv[n++] = CATENA_EMULATOR_BIN;
    argv[n++] = "--port";
    argv[n++] = "0";
    for (int i = 0; extra_args && extra_args[i] && n < 62; i++)
        argv[n++] = extra_args[i];
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    e->pid = pid;
    char line[256];
    size_t len = 0;
    /* Read the first line ("listening on http://127.0.0.1:PORT") within 20 s. */
    while (len < sizeof line - 1) {
        struct pollfd p = {fds[0], POLLIN, 0};
        if (poll(&p, 1, 20000) <= 0)
            break;
        ssize_t r = read(fds[0], line + len, 1);
        if (r <= 0)
            break;
        if (line[len] == '\n')
            break;
        len++;
    }
    line[len] = '\0';
    close(fds[0]);
    const char *u = strstr(line, "http://");
    if (!u) {
        emu_stop(e);
        return -1;
    }
    snprintf(e->url, sizeof e->url, "%s", u);
    const char *colon = strrchr(e->url, ':');
    e->port = colon ? atoi(colon + 1) : 0;
    snprintf(e->auth_url, sizeof e->auth_url, "%s/realms/catena", e->url);
    return 0;
}

int emu_stop(emu_proc *e)
{
    if (e->pid <= 0)
        return -1;
    kill(e->pid, SIGTERM);
    int st = 0;
    if (waitpid(e->pid, &st, 0) < 0)
        return -1;
    e->pid = 0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
