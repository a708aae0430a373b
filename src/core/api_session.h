/* api_session: the one way every front (the console, the subcommands) builds its session:
 * settings (defaults < config file < environment < flags), then http client -> auth -> api,
 * so that every setting (request_timeout_ms, ...) means the same everywhere. */
#ifndef CATENA_CORE_API_SESSION_H
#define CATENA_CORE_API_SESSION_H

#include "core/api.h"
#include "core/auth.h"
#include "core/config.h"
#include "core/http.h"
#include "core/loop.h"

/* The flags a front was given; NULL (0) when not given. */
typedef struct api_session_opts {
    const char *config_path;         /* --config */
    const char *profile;             /* --profile; NULL: $CATENA_PROFILE */
    const char *api_url, *auth_url;  /* --api-url, --auth-url */
    const char *theme;               /* --theme */
    long request_timeout_ms;         /* --request-timeout; <= 0: the config's */
} api_session_opts;

/* Fills cfg (already set to config_init_defaults) from the file, the environment and o, and
 * validates it. 0, or -1 with *err (heap, one line). The caller frees cfg either way. */
int api_session_config(config *cfg, const api_session_opts *o, char **err);

typedef struct api_session {
    http_client *h;
    auth *au;
    api *a;
} api_session;

/* Builds http (cfg's request_timeout_ms) -> auth -> api on l with cfg's URLs and credentials. */
void api_session_open(api_session *s, loop *l, const config *cfg);
/* The same with URLs and credentials given (the console's demo emulator). */
void api_session_open_with(api_session *s, loop *l, const config *cfg, const char *api_url, const char *auth_url,
                           const char *client_id, const char *client_secret);
/* Frees api, auth and http in that order (in-flight requests end as cancelled). */
void api_session_close(api_session *s);

#endif
