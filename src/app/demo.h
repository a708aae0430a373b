/* demo: runs catena-emulator as a child on a free loopback port for --demo. */
#ifndef CATENA_APP_DEMO_H
#define CATENA_APP_DEMO_H

#include "core/loop.h"

#include <sys/types.h>

#define DEMO_CLIENT_ID "demo-client"
#define DEMO_CLIENT_SECRET "demo-secret"

typedef void (*demo_ready_cb)(void *ud, const char *base_url, const char *error);

typedef struct demo {
    pid_t pid;
    int out_fd;
    int err_fd;
    char last_error[200]; /* the emulator's last stderr line, for "it stopped: ..." */
    char errbuf[200];
    size_t errlen;
    char line[256];
    size_t len;
    loop *l;
    demo_ready_cb cb;
    void *ud;
} demo;

/* Starts the emulator; cb runs from the loop once it listens (or failed). 0 or -1 with err. */
int demo_start(demo *d, loop *l, const char *const *extra_args, demo_ready_cb cb, void *ud, char *err, size_t errcap);
/* True (and reaps it) if the child has exited; d->last_error then says why, if it said. */
int demo_check_exited(demo *d);
void demo_stop(demo *d);

#endif
