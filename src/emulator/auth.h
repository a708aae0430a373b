/* auth: the Keycloak-style token endpoint and Bearer token checks (HMAC-signed JWT-shaped tokens). */
#ifndef CATENA_EMU_AUTH_H
#define CATENA_EMU_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "common/uuid.h"
#include "http_msg.h"

typedef struct emu_auth {
    uint8_t key[32]; /* per-process signing key: tokens of another run are invalid */
    char client_id[128];
    char client_secret[128];
    long lifetime_s;
    char partner_id[UUID_STR_LEN];
} emu_auth;

void auth_init(emu_auth *a, const char *client_id, const char *client_secret, long lifetime_s, const uuid *partner);
/* POST /realms/catena/protocol/openid-connect/token */
void auth_handle_token(emu_auth *a, const emu_request *req, emu_response *resp);
/* Checks "Bearer <token>" against signature and expiry (emulated clock); on failure *why says why. */
bool auth_check_bearer(const emu_auth *a, const char *authorization, const char **why);

#endif
