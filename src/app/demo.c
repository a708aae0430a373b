#include "app/demo.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* The emulator next to our own binary, else $CATENA_EMULATOR, else PATH. */
static void find_emulator(char *out, size_t cap)
{
    const char *env = getenv("CATENA_EMULATOR");
    if (env && *env) {
        snprintf(out, cap, "%s", env);
        return;
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            if ((size_t)snprintf(out, cap, "%.*s/catena-emulator", (int)(cap - 20), self) < cap &&
                access(out, X_OK) == 0)
                return;
        }
    }
    snprintf(out, cap, "catena-emulator");
}

static void finish(demo *d, const char *url, const char *error)
{
    loop_unwatch_fd(d->l, d->out_fd);
    close(d->out_fd);
    d->out_fd = -1;
    if (d->cb)
        d->cb(d->ud, url, error);
}

static void on_output(void *ud, int fd, short revents)
{
    demo *d = ud;
    char c;
    for (;;) {
        ssize_t r = read(fd, &c, 1);
        if (r == 1) {
            if (c == '\n') {
                d->line[d->len] = '\0';
                const char *u = strstr(d->line, "http://");
                finish(d, u, u ? NULL : "the local emulator printed no URL");
                return;
            }
            if (d->len < sizeof d->line - 1)
                d->line[d->len++] = c;
            continue;
        }
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && !(revents & (POLLHUP | POLLERR)))
            return;
        finish(d, NULL, "the local emulator did not start (is catena-emulator built?)");
        return;
    }
}

/* Keeps the last line the emulator wrote to stderr. */
static void on_stderr(void *ud, int fd, short revents)
{
    demo *d = ud;
    char buf[256];
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < r; i++) {
            if (buf[i] == '\n') {
                if (d->errlen) {
                    memcpy(d->last_error, d->errbuf, d->errlen);
                    d->last_error[d->errlen] = '\0';
                }
                d->errlen = 0;
            } else if (d->errlen < sizeof d->errbuf - 1) {
                d->errbuf[d->errlen++] = buf[i];
            }
        }
    }
    if (r == 0 || (revents & (POLLHUP | POLLERR))) {
        loop_unwatch_fd(d->l, fd);
        close(fd);
        d->err_fd = -1;
    }
}

int demo_start(demo *d, loop *l, const char *const *extra_args, demo_ready_cb cb, void *ud, char *err, size_t errcap)
{
    memset(d, 0, sizeof *d);
    d->out_fd = d->err_fd = -1;
    d->l = l;
    d->cb = cb;
    d->ud = ud;
    char path[PATH_MAX];
    find_emulator(path, sizeof path);
    int fds[2], efds[2];
    if (pipe2(efds, O_CLOEXEC) != 0) {
        snprintf(err, errcap, "pipe: %s", strerror(errno));
        return -1;
    }
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(err, errcap, "pipe: %s", strerror(errno));
        return -1;
    }
    const char *argv[32];
    int n = 0;
    argv[n++] = path;
    argv[n++] = "--port";
    argv[n++] = "0";
    argv[n++] = "--client-id";
    argv[n++] = DEMO_CLIENT_ID;
    argv[n++] = "--client-secret";
    argv[n++] = DEMO_CLIENT_SECRET;
    /* A demo's drivers have a history and talk back. */
    argv[n++] = "--message-history";
    argv[n++] = "--chatter";
    /* --demo-arg=--vehicles=500 reaches the emulator as "--vehicles" "500". */
    char split[16][64];
    int ns = 0;
    for (int i = 0; extra_args && extra_args[i] && n < 29; i++) {
        const char *eq = strchr(extra_args[i], '=');
        if (strncmp(extra_args[i], "--", 2) == 0 && eq && ns < 16 && (size_t)(eq - extra_args[i]) < 63) {
            snprintf(split[ns], sizeof split[ns], "%.*s", (int)(eq - extra_args[i]), extra_args[i]);
            argv[n++] = split[ns++];
            argv[n++] = eq + 1;
        } else {
            argv[n++] = extra_args[i];
        }
    }
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errcap, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        /* Die with the console, even after kill -9 of it. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        setpgid(0, 0);
        dup2(fds[1], STDOUT_FILENO);
        dup2(efds[1], STDERR_FILENO);
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0)
            dup2(devnull, STDIN_FILENO);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    close(efds[1]);
    d->err_fd = efds[0];
    fcntl(d->err_fd, F_SETFL, fcntl(d->err_fd, F_GETFL) | O_NONBLOCK);
    loop_watch_fd(l, d->err_fd, POLLIN, on_stderr, d);
    d->pid = pid;
    d->out_fd = fds[0];
    fcntl(d->out_fd, F_SETFL, fcntl(d->out_fd, F_GETFL) | O_NONBLOCK);
    loop_watch_fd(l, d->out_fd, POLLIN, on_output, d);
    return 0;
}

int demo_check_exited(demo *d)
{
    if (d->pid <= 0)
        return 0;
    int st;
    if (waitpid(d->pid, &st, WNOHANG) == d->pid) {
        d->pid = 0;
        if (d->err_fd >= 0)
            on_stderr(d, d->err_fd, POLLHUP);
        if (!d->last_error[0] && d->errlen)
            snprintf(d->last_error, sizeof d->last_error, "%.*s", (int)d->errlen, d->errbuf);
        return 1;
    }
    return 0;
}

void demo_stop(demo *d)
{
    if (d->err_fd >= 0) {
        loop_unwatch_fd(d->l, d->err_fd);
        close(d->err_fd);
        d->err_fd = -1;
    }
    if (d->out_fd >= 0) {
        loop_unwatch_fd(d->l, d->out_fd);
        close(d->out_fd);
        d->out_fd = -1;
    }
    if (d->pid > 0) {
        kill(d->pid, SIGTERM);
        int st;
        for (int i = 0; i < 200; i++) {
            if (waitpid(d->pid, &st, WNOHANG) == d->pid) {
                d->pid = 0;
                return;
            }
            usleep(10000);
        }
        kill(d->pid, SIGKILL);
        waitpid(d->pid, &st, 0);
        d->pid = 0;
    }
}
