/* cmd_config: `catena-dispatch config init|check|show` (first sign-in, a check of the config file,
 * the effective settings and their origins). */
#ifndef CATENA_APP_CMD_CONFIG_H
#define CATENA_APP_CMD_CONFIG_H

#include <stddef.h>

struct cmd_def;

/* argv[1] is "config". Returns the process exit code. */
int cmd_config_main(int argc, char **argv);
/* The config subcommands' table (NULL past its end), for the man page. */
const struct cmd_def *cmd_config_def_at(size_t i);

#endif
