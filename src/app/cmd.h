/* cmd: the command-line subcommands for scripts (send-message, update-vehicle, vehicles,
 * operations, ...). They print JSON or aligned tables on stdout and exit with
 * 0 success, 1 rejected by the TSP or by validation, 2 usage, 3 auth, 4 network or API error (a
 * retry may fix it), 5 refused for good (403 read-only share, 501 not supported, 404 not found). */
#ifndef CATENA_APP_CMD_H
#define CATENA_APP_CMD_H

#include <stdbool.h>

/* True when name is one of the subcommands (console_main hands those to cmd_main). */
bool cmd_is_subcommand(const char *name);
/* Says that name (a word where a subcommand stands) is no subcommand, suggests the closest one,
 * and returns the usage exit code. */
int cmd_unknown_subcommand(const char *name);
/* argv[1] is the subcommand. Returns the process exit code. */
int cmd_main(int argc, char **argv);

#endif
