/* supportlog: the support log a dispatcher can send to whoever helps them (--log FILE or
 * log_file in the config): one line per request and one per answer, with the time, status, sizes
 * and duration; bodies too with log_level = debug. Never a header, the client secret or a token:
 * bodies have client_secret / access_token / refresh_token / id_token values replaced by ***, and
 * any copy of the secret or of a bearer token seen is replaced too. */
#ifndef CATENA_CORE_SUPPORTLOG_H
#define CATENA_CORE_SUPPORTLOG_H

#include "core/http.h"

#include <stdbool.h>

/* Takes "--log FILE" / "--log=FILE" out of argv wherever it is (the console, the subcommands and
 * `config` all accept it). 0, or -1 with *err when FILE is missing. */
int supportlog_take_flag(int *argc, char **argv, char **err);
/* The FILE of --log, or NULL. */
const char *supportlog_flag_path(void);
/* Opens path for appending (created 0600) unless it is already the open log. 0 or -1 with *err. */
int supportlog_open(const char *path, bool debug, char **err);
/* When a log is open, observes h: its requests and answers go to the log; client_secret (may be
 * NULL) is never written. */
void supportlog_attach(http_client *h, const char *client_secret);
void supportlog_close(void);

/* Replaces the values of secret keys (JSON "key":"value" and form key=value) and every copy of
 * each of the n literal strings in text by ***; heap. For the log and its tests. */
char *supportlog_redact(const char *text, size_t len, const char *const *literals, int n);

#endif
