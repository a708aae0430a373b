/* emu_proc: start catena-emulator on a free loopback port for a test, and stop it. */
#ifndef CATENA_TEST_EMU_PROC_H
#define CATENA_TEST_EMU_PROC_H

#include <sys/types.h>

typedef struct emu_proc {
    pid_t pid;
    char url[128];      /* http://127.0.0.1:PORT */
    char auth_url[160]; /* URL/realms/catena */
    int port;
} emu_proc;

/* Starts the emulator with --port 0 and the extra NULL-terminated args; 0 on success. */
int emu_start(emu_proc *e, const char *const *extra_args);
/* SIGTERM, then waits; returns the emulator's exit status (or -1). */
int emu_stop(emu_proc *e);

#endif
