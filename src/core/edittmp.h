/* edittmp: the temporary files handed to $EDITOR (the composer's Ctrl-E). They hold what the
 * dispatcher typed, so they live in the private state directory (core/statefile:
 * <state>/catena-dispatch/tmp, 0700) with mode 0600, never in a shared /tmp, and are named after
 * the process that made them, so that the leftovers of a console that died (kill -9 while the
 * editor was open) are removed when a console starts, while a running console's file is kept. */
#ifndef CATENA_CORE_EDITTMP_H
#define CATENA_CORE_EDITTMP_H

#include <stddef.h>

/* Creates an empty file <state>/tmp/<prefix>-<pid>-XXXXXX (0600, whatever the umask) and writes
 * its path into path (cap bytes). Returns the descriptor (close-on-exec), or -1 with *err. */
int edittmp_create(const char *prefix, char *path, size_t cap, char **err);
/* Removes the files of <state>/tmp whose process is no longer running. Returns how many were
 * removed, or -1 with *err when the directory cannot be read. */
int edittmp_clean_stale(char **err);

#endif
