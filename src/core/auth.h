/* auth: OAuth2 client-credentials tokens: fetch, cache, refresh before expiry. */
#ifndef CATENA_CORE_AUTH_H
#define CATENA_CORE_AUTH_H

#include "core/http.h"

typedef enum { AUTH_NONE, AUTH_FETCHING, AUTH_OK, AUTH_FAILED } auth_state;

typedef struct auth auth;
/* Why a token could not be had: the auth server not reached, the credentials refused (400/401), or
 * an answer that cannot be used (5xx, no token, a token that is not one printable line). */
typedef enum { AUTH_FAIL_UNREACHABLE, AUTH_FAIL_CREDENTIALS, AUTH_FAIL_ANSWER } auth_failure;
/* token is NULL on failure; then error is a one-line reason (never contains the secret). */
typedef void (*auth_token_cb)(void *ud, const char *token, const char *error, auth_failure why);

auth *auth_new(loop *l, http_client *h, const char *auth_url, const char *client_id, const char *client_secret);
void auth_free(auth *a);
/* Calls cb with a valid token: at once if cached and not near expiry, else after a fetch.
 * Concurrent callers share one fetch. */
void auth_with_token(auth *a, auth_token_cb cb, void *ud);
/* Forget the cached token (after a 401). */
void auth_invalidate(auth *a);
auth_state auth_get_state(const auth *a);
const char *auth_last_error(const auth *a);
/* Seconds of validity left on the cached token (0 if none). */
long auth_seconds_left(const auth *a);

#endif
