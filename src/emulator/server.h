/* server: the libmicrohttpd front (thread pool, body limits, loopback detection, fault delivery). */
#ifndef CATENA_EMU_SERVER_H
#define CATENA_EMU_SERVER_H

#include <stddef.h>

#include "app.h"

typedef struct emu_server emu_server;

/* Raises the soft limit of open descriptors to the hard one (connections are limited by it). */
void server_raise_fd_limit(void);
/* Binds host:port (port 0 = any free port) and starts serving; writes "http://HOST:PORT" to url. */
emu_server *server_start(emu_app *app, char *url, size_t url_cap);
void server_stop(emu_server *s);

#endif
