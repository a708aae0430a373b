#include "auth.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "emu_clock.h"
#include "emu_crypto.h"
#include "emu_json.h"

#define TOKEN_SCOPE                                                                                             \
    "telematics:read telematics:write connection:read resource_operation:read fleet:read share-agreement:read"

static void random_bytes(uint8_t *out, size_t n)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    size_t got = 0;
    if (fd >= 0) {
        while (got < n) {
            ssize_t r = read(fd, out + got, n - got);
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        close(fd);
    }
    if (got < n) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid();
        for (size_t i = got; i < n; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            out[i] = (uint8_t)(x >> 56);
        }
    }
}

void auth_init(emu_auth *a, const char *client_id, const char *client_secret, long lifetime_s, const uuid *partner)
{
    memset(a, 0, sizeof *a);
    random_bytes(a->key, sizeof a->key);
    snprintf(a->client_id, sizeof a->client_id, "%s", client_id);
    snprintf(a->client_secret, sizeof a->client_secret, "%s", client_secret);
    a->lifetime_s = lifetime_s;
    uuid_format(partner, a->partner_id);
}

static void keycloak_error(emu_response *resp, int status, const char *error, const char *description)
{
    resp->status = status;
    strbuf_reset(&resp->body);
    bool first = true;
    strbuf_putc(&resp->body, '{');
    json_member_str(&resp->body, &first, "error", error);
    json_member_str(&resp->body, &first, "error_description", description);
    strbuf_putc(&resp->body, '}');
}

/* Client credentials from HTTP Basic, if present. */
static bool basic_credentials(const char *authorization, char *id, size_t id_cap, char *secret, size_t secret_cap)
{
    if (!authorization || strncasecmp(authorization, "Basic ", 6) != 0)
        return false;
    size_t n = 0;
    uint8_t *dec = base64_decode(authorization + 6, &n);
    if (!dec)
        return false;
    char *colon = memchr(dec, ':', n);
    bool ok = colon != NULL;
    if (ok) {
        *colon = '\0';
        /* Basic auth values are form-urlencoded per RFC 6749 2.3.1; plain ids work the same. */
        query_args q;
        strbuf tmp = STRBUF_INIT;
        strbuf_puts(&tmp, "i=");
        strbuf_puts(&tmp, (char *)dec);
        strbuf_puts(&tmp, "&s=");
        strbuf_puts(&tmp, colon + 1);
        query_parse(&q, tmp.data, tmp.len);
        snprintf(id, id_cap, "%s", query_get(&q, "i") ? query_get(&q, "i") : "");
        snprintf(secret, secret_cap, "%s", query_get(&q, "s") ? query_get(&q, "s") : "");
        query_free(&q);
        strbuf_free(&tmp);
    }
    free(dec);
    return ok;
}

static void issue_token(const emu_auth *a, const char *client_id, const char *scope, strbuf *out)
{
    int64_t now_s = emu_now_us() / 1000000;
    uint8_t jti[16];
    random_bytes(jti, sizeof jti);
    uuid j;
    memcpy(j.b, jti, 16);
    char jti_s[UUID_STR_LEN];
    uuid_format(&j, jti_s);

    strbuf payload = STRBUF_INIT;
    bool first = true;
    strbuf_putc(&payload, '{');
    json_member_int(&payload, &first, "exp", (long long)(now_s + a->lifetime_s));
    json_member_int(&payload, &first, "iat", (long long)now_s);
    json_member_str(&payload, &first, "jti", jti_s);
    json_member_str(&payload, &first, "iss", "http://emulator/realms/catena");
    json_member_str(&payload, &first, "sub", a->partner_id);
    json_member_str(&payload, &first, "typ", "Bearer");
    json_member_str(&payload, &first, "azp", client_id);
    json_member_str(&payload, &first, "scope", scope);
    json_put_key(&payload, &first, "org");
    strbuf_puts(&payload, "{\"Emulator Partner\":{\"id\":");
    json_put_str(&payload, a->partner_id);
    strbuf_puts(&payload, ",\"org_type\":[\"partner\"]}}}");

    strbuf_reset(out);
    static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"catena-emulator\"}";
    base64_put(out, header, strlen(header), true);
    strbuf_putc(out, '.');
    base64_put(out, payload.data, payload.len, true);
    uint8_t sig[32];
    hmac_sha256(a->key, sizeof a->key, out->data, out->len, sig);
    strbuf_putc(out, '.');
    base64_put(out, sig, sizeof sig, true);
    strbuf_free(&payload);
}

void auth_handle_token(emu_auth *a, const emu_request *req, emu_response *resp)
{
    query_args form;
    query_parse(&form, req->body ? req->body : "", req->body ? req->body_len : 0);
    char id[256] = "", secret[256] = "";
    bool have_basic = basic_credentials(req->authorization, id, sizeof id, secret, sizeof secret);
    if (!have_basic) {
        const char *fi = query_get(&form, "client_id"), *fs = query_get(&form, "client_secret");
        snprintf(id, sizeof id, "%s", fi ? fi : "");
        snprintf(secret, sizeof secret, "%s", fs ? fs : "");
    }
    const char *grant = query_get(&form, "grant_type");
    const char *scope = query_get(&form, "scope");
    if (!grant || !*grant) {
        keycloak_error(resp, 400, "invalid_request", "Missing form parameter: grant_type");
    } else if (strcmp(grant, "client_credentials") != 0) {
        keycloak_error(resp, 400, "unsupported_grant_type", "Unsupported grant_type");
    } else if (!*id) {
        keycloak_error(resp, 401, "invalid_client", "Invalid client or Invalid client credentials");
    } else if (strcmp(id, a->client_id) != 0 || strcmp(secret, a->client_secret) != 0) {
        keycloak_error(resp, 401, "invalid_client", "Invalid client or Invalid client credentials");
    } else if (scope && *scope && strcmp(scope, "organization") != 0) {
        keycloak_error(resp, 400, "invalid_scope", "Invalid scopes: organization is the only allowed scope");
    } else {
        strbuf tok = STRBUF_INIT;
        issue_token(a, id, TOKEN_SCOPE, &tok);
        resp->status = 200;
        strbuf_reset(&resp->body);
        bool first = true;
        strbuf_putc(&resp->body, '{');
        json_member_str(&resp->body, &first, "access_token", tok.data);
        json_member_int(&resp->body, &first, "expires_in", a->lifetime_s);
        json_member_int(&resp->body, &first, "refresh_expires_in", 0);
        json_member_str(&resp->body, &first, "token_type", "Bearer");
        json_member_int(&resp->body, &first, "not-before-policy", 0);
        json_member_str(&resp->body, &first, "scope", TOKEN_SCOPE);
        strbuf_putc(&resp->body, '}');
        strbuf_free(&tok);
        response_header(resp, "Cache-Control", "no-store");
        response_header(resp, "Pragma", "no-cache");
    }
    query_free(&form);
}

bool auth_check_bearer(const emu_auth *a, const char *authorization, const char **why)
{
    if (!authorization || !*authorization) {
        *why = "Not authenticated: missing Authorization header";
        return false;
    }
    if (strncasecmp(authorization, "Bearer ", 7) != 0) {
        *why = "Not authenticated: Authorization header must use the Bearer scheme";
        return false;
    }
    const char *tok = authorization + 7;
    while (*tok == ' ')
        tok++;
    const char *dot1 = strchr(tok, '.');
    const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (!dot1 || !dot2 || strlen(tok) > 8192) {
        *why = "Invalid token";
        return false;
    }
    uint8_t sig[32];
    hmac_sha256(a->key, sizeof a->key, tok, (size_t)(dot2 - tok), sig);
    strbuf expect = STRBUF_INIT;
    base64_put(&expect, sig, sizeof sig, true);
    bool sig_ok = strcmp(expect.data, dot2 + 1) == 0;
    strbuf_free(&expect);
    if (!sig_ok) {
        *why = "Invalid token: signature verification failed";
        return false;
    }
    char *payload_b64 = xstrndup(dot1 + 1, (size_t)(dot2 - dot1 - 1));
    size_t n = 0;
    uint8_t *payload = base64_decode(payload_b64, &n);
    free(payload_b64);
    cJSON *json = payload ? cJSON_ParseWithLength((const char *)payload, n) : NULL;
    free(payload);
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(json, "exp");
    bool ok = cJSON_IsNumber(exp);
    if (!ok)
        *why = "Invalid token";
    else if ((double)emu_now_us() / 1e6 >= exp->valuedouble) {
        ok = false;
        *why = "Token has expired";
    }
    cJSON_Delete(json);
    return ok;
}
