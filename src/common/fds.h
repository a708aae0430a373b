/* fds: file descriptor hygiene shared by the client and the emulator. */
#ifndef CATENA_COMMON_FDS_H
#define CATENA_COMMON_FDS_H

/* Marks every open descriptor from `from` up close-on-exec (libraries that open sockets or pipes
 * without it, descriptors inherited from our parent), so no child program inherits them.
 * Returns how many it had to mark. */
int fds_cloexec_from(int from);

#endif
