/* harden: what the console does to its own process at start so that a crash or a child program
 * cannot hand out the client secret or the access token. */
#ifndef CATENA_CORE_HARDEN_H
#define CATENA_CORE_HARDEN_H

#include <stdbool.h>

/* Setting (environment) that keeps core dumps and ptrace for debugging: CATENA_DEBUG_CORE_DUMPS=1. */
#define HARDEN_DEBUG_ENV "CATENA_DEBUG_CORE_DUMPS"

/* Unless allow_core_dumps: no core file (RLIMIT_CORE 0, soft and hard) and not dumpable (no core,
 * no ptrace by other users, /proc/PID/mem and environ closed to them). Always: descriptors
 * inherited from the parent are made close-on-exec. 0, or -1 with *err (common/err.h). */
int harden_process(bool allow_core_dumps, char **err);
/* True when the environment asks for core dumps (HARDEN_DEBUG_ENV set to 1, yes or true). */
bool harden_core_dumps_wanted(void);

#endif
