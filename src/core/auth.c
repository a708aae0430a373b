#include "core/auth.h"

#include "common/strbuf.h"
#include "core/api_decode.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUTH_TOKEN_MAX 16384      /* bytes; Keycloak's JWTs are 1-3 KB */
#define AUTH_LIFETIME_MAX_S 86400 /* a longer expires_in is refreshed after a day anyway */

typedef struct waiter {
    auth_token_cb cb;
    void *ud;
    struct waiter *next;
} waiter;

struct auth {
    loop *l;
    http_client *h;
    char *token_url, *client_id, *client_secret;
    char *token;
    int64_t expires_at;   /* real monotonic ms */
    int64_t refresh_at;   /* refresh from here on */
    auth_state state;
    char error[200];
    waiter *waiters;
    uint64_t req_id;
};

auth *auth_new(loop *l, http_client *h, const char *auth_url, const char *client_id, const char *client_secret)
{
    auth *a = xcalloc(1, sizeof *a);
    a->l = l;
    a->h = h;
    strbuf u = STRBUF_INIT;
    strbuf_printf(&u, "%s/protocol/openid-connect/token", auth_url ? auth_url : "");
    a->token_url = strbuf_detach(&u);
    a->client_id = xstrdup(client_id ? client_id : "");
    a->client_secret = xstrdup(client_secret ? client_secret : "");
    return a;
}

static void wipe_free(char *s)
{
    if (!s)
        return;
    volatile char *p = s;
    while (*p)
        *p++ = 0;
    free(s);
}

void auth_free(auth *a)
{
    if (!a)
        return;
    if (a->req_id)
        http_cancel(a->h, a->req_id);
    free(a->token_url);
    free(a->client_id);
    wipe_free(a->client_secret);
    wipe_free(a->token);
    while (a->waiters) {
        waiter *w = a->waiters;
        a->waiters = w->next;
        free(w);
    }
    free(a);
}

/* A bearer token is one line of visible ASCII (RFC 6750's b64token is a subset), of sane length. */
static bool token_ok(const char *t)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)t; *p; p++, n++)
        if (*p < 0x21 || *p > 0x7E || n >= AUTH_TOKEN_MAX)
            return false;
    return n > 0;
}

/* expires_in as whole seconds, clamped before the conversion (a huge or NaN double is undefined
 * behaviour to convert): 0 .. AUTH_LIFETIME_MAX_S. */
static long lifetime_s(double v)
{
    if (!(v > 0))
        return 0;
    return v >= AUTH_LIFETIME_MAX_S ? AUTH_LIFETIME_MAX_S : (long)v;
}

static void notify(auth *a, auth_failure why)
{
    waiter *w = a->waiters;
    a->waiters = NULL;
    /* Call in arrival order. */
    waiter *rev = NULL;
    while (w) {
        waiter *n = w->next;
        w->next = rev;
        rev = w;
        w = n;
    }
    while (rev) {
        waiter *n = rev->next;
        if (a->state == AUTH_OK)
            rev->cb(rev->ud, a->token, NULL, AUTH_FAIL_UNREACHABLE);
        else
            rev->cb(rev->ud, NULL, a->error, why);
        free(rev);
        rev = n;
    }
}

static void on_token(void *ud, const http_response *r)
{
    auth *a = ud;
    a->req_id = 0;
    auth_failure why = AUTH_FAIL_ANSWER;
    if (r->error == HTTP_ERR_CANCELLED)
        return;
    if (r->error != HTTP_OK) {
        a->state = AUTH_FAILED;
        why = AUTH_FAIL_UNREACHABLE;
        snprintf(a->error, sizeof a->error, "cannot reach the auth server: %s", r->error_text);
    } else if (r->status == 200) {
        char *tok = NULL;
        double exp = -1;
        decode_token_answer(r->body, r->body_len, &tok, &exp);
        if (tok && !token_ok(tok)) {
            /* It goes into an Authorization header: a CR/LF in it would add headers of the server's choosing. */
            a->state = AUTH_FAILED;
            snprintf(a->error, sizeof a->error,
                     "the auth server sent an access token that is not a single printable line: refused");
        } else if (tok) {
            long life = exp >= 0 ? lifetime_s(exp) : 300;
            wipe_free(a->token);
            a->token = tok;
            tok = NULL;
            int64_t now = loop_real_now_ms();
            a->expires_at = now + life * 1000;
            /* Refresh 30 s early, or at 90% of a short lifetime. */
            long margin = life / 10 < 30 ? life / 10 : 30;
            a->refresh_at = a->expires_at - margin * 1000;
            a->state = AUTH_OK;
            a->error[0] = '\0';
        } else {
            a->state = AUTH_FAILED;
            snprintf(a->error, sizeof a->error, "the auth server's reply has no access_token");
        }
        wipe_free(tok);
    } else {
        a->state = AUTH_FAILED;
        bool cred_err = r->status == 400 || r->status == 401;
        why = cred_err ? AUTH_FAIL_CREDENTIALS : AUTH_FAIL_ANSWER;
        char *sum = decode_error_summary(r->body, r->body_len);
        snprintf(a->error, sizeof a->error, "%s (HTTP %ld%s%s)",
                 cred_err ? "sign-in refused: check the client id and secret" : "the auth server failed", r->status,
                 sum ? ": " : "", sum ? sum : "");
        free(sum);
    }
    notify(a, why);
}

void auth_with_token(auth *a, auth_token_cb cb, void *ud)
{
    if (a->state == AUTH_OK && a->token && loop_real_now_ms() < a->refresh_at) {
        cb(ud, a->token, NULL, 0);
        return;
    }
    waiter *w = xcalloc(1, sizeof *w);
    w->cb = cb;
    w->ud = ud;
    w->next = a->waiters;
    a->waiters = w;
    if (a->req_id)
        return;
    strbuf body = STRBUF_INIT;
    strbuf_puts(&body, "grant_type=client_credentials&client_id=");
    strbuf_put_urlencoded(&body, a->client_id);
    strbuf_puts(&body, "&client_secret=");
    strbuf_put_urlencoded(&body, a->client_secret);
    strbuf_puts(&body, "&scope=organization");
    http_request req = {.method = "POST",
                        .url = a->token_url,
                        .content_type = "application/x-www-form-urlencoded",
                        .body = body.data,
                        .body_len = body.len};
    a->state = AUTH_FETCHING;
    a->req_id = http_start(a->h, &req, on_token, a);
    /* The form body holds the secret: wipe our copy (curl keeps its own until done). */
    memset(body.data, 0, body.len);
    strbuf_free(&body);
}

void auth_invalidate(auth *a)
{
    wipe_free(a->token);
    a->token = NULL;
    if (a->state == AUTH_OK)
        a->state = AUTH_NONE;
}

auth_state auth_get_state(const auth *a)
{
    return a->state;
}

const char *auth_last_error(const auth *a)
{
    return a->error;
}

long auth_seconds_left(const auth *a)
{
    if (!a->token)
        return 0;
    int64_t left = a->expires_at - loop_real_now_ms();
    return left > 0 ? (long)(left / 1000) : 0;
}
