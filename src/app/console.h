/* console: the catena-dispatch command line: options, configuration, and the interactive
 * or scripted console. */
#ifndef CATENA_APP_CONSOLE_H
#define CATENA_APP_CONSOLE_H

int console_main(int argc, char **argv);
/* The --help text (the man page is made from it). */
const char *console_usage(void);

#endif
