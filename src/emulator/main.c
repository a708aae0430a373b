/* catena-emulator: a local stand-in for the Catena telematics HTTP API. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "options.h"
#include "recorder.h"
#include "server.h"

int main(int argc, char **argv)
{
    emu_options opts;
    options_defaults(&opts);
    int rc = options_parse(&opts, argc, argv, stdout, stderr);
    if (rc != 0)
        return rc > 0 ? 0 : 2;

    signal(SIGPIPE, SIG_IGN);
    server_raise_fd_limit();
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    /* Block before any thread starts so only sigwait below sees them. */
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

    recorder_open_from_env();
    emu_app *app = app_new(&opts);
    if (!app)
        return 2;
    char url[128];
    emu_server *server = server_start(app, url, sizeof url);
    if (!server) {
        app_free(app);
        return 1;
    }
    if (strcmp(opts.host, "127.0.0.1") != 0 && strcmp(opts.host, "localhost") != 0 && strcmp(opts.host, "::1") != 0)
        fprintf(stderr, "catena-emulator: warning: listening on non-loopback %s (control surface stays loopback-only)\n",
                opts.host);
    printf("listening on %s\n", url);
    fflush(stdout);

    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (opts.verbose)
        fprintf(stderr, "catena-emulator: signal %d, shutting down\n", sig);
    server_stop(server);
    app_free(app);
    recorder_close();
    return 0;
}
