#include "cli_run.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The whole content of an open file, from the start (heap); closes it. */
static char *slurp(FILE *f)
{
    if (!f)
        return calloc(1, 1);
    fflush(f);
    long n = ftell(f);
    char *buf = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
    rewind(f);
    if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)
        buf[0] = '\0';
    fclose(f);
    return buf;
}

cli_out cli_run(const emu_proc *e, const char *api_url, const char *secret, int sig_after_ms,
                const char *const *args)
{
    const char *argv[64] = {CATENA_DISPATCH_BIN};
    int na = 1;
    for (int i = 0; args[i] && na < 63; i++)
        argv[na++] = args[i];
    FILE *out = tmpfile(), *err = tmpfile();
    pid_t pid = out && err ? fork() : -1;
    if (pid < 0) {
        cli_out r = {127, slurp(out), slurp(err)};
        return r;
    }
    if (pid == 0) {
        signal(SIGINT, SIG_DFL); /* not Check's handler, which kills the whole process group */
        signal(SIGTERM, SIG_DFL);
        dup2(fileno(out), STDOUT_FILENO);
        dup2(fileno(err), STDERR_FILENO);
        unsetenv("CATENA_PROFILE");
        setenv("XDG_CONFIG_HOME", "/nonexistent/catena-dispatch-test", 1); /* no config file */
        setenv("CATENA_API_URL", api_url ? api_url : e->url, 1);
        setenv("CATENA_AUTH_URL", e->auth_url, 1);
        setenv("TZ", "UTC", 1);
        if (secret) {
            setenv("CATENA_CLIENT_ID", "demo-client", 1);
            setenv("CATENA_CLIENT_SECRET", secret, 1);
        } else {
            unsetenv("CATENA_CLIENT_ID");
            unsetenv("CATENA_CLIENT_SECRET");
        }
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st = 0, waited_ms = 0;
    while (waitpid(pid, &st, WNOHANG) == 0) {
        if (sig_after_ms > 0 && waited_ms == sig_after_ms)
            kill(pid, SIGINT);
        if (waited_ms == 60000)
            kill(pid, SIGKILL);
        usleep(10000);
        waited_ms += 10;
    }
    cli_out r = {WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), slurp(out), slurp(err)};
    return r;
}

void cli_free(cli_out *r)
{
    free(r->out);
    free(r->err);
}
