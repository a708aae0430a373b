/* router: maps method + path to a handler, enforces auth, applies faults and logs every API request. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "api_limit.h"
#include "chatter.h"
#include "emu_clock.h"
#include "faults.h"
#include "faults_hostile.h"
#include "recorder.h"

typedef struct route {
    const char *method;
    const char *pattern; /* "{}" matches one path segment */
    api_handler handler;
    int arg;
} route;

#define TELEMATICS_ROUTES(base, res)                                                                            \
    {"GET", base, api_list_records, res}, {"POST", base, api_create_record, res},                              \
        {"GET", base "/{}", api_get_record, res}, {"PATCH", base "/{}", api_update_record, res}
#define EVENT_ROUTES(base, res) {"GET", base, api_list_records, res}, {"POST", base, api_create_record, res}

static const route ROUTES[] = {
    {"GET", "/v2/integrations/connections", api_list_connections, 0},
    {"GET", "/v2/integrations/connections/data-freshness", api_data_freshness, 0},
    {"GET", "/v2/integrations/connections/resource-operations", api_list_operations, 0},
    {"GET", "/v2/integrations/connections/{}", api_get_connection, 0},
    {"GET", "/v2/integrations/connections/{}/resource-operations/{}", api_get_operation, 0},
    {"GET", "/v2/integrations/tsps", api_list_tsps, 0},
    {"GET", "/v2/integrations/tsps/{}", api_get_tsp, 0},
    TELEMATICS_ROUTES("/v2/telematics/users", RES_USER),
    TELEMATICS_ROUTES("/v2/telematics/vehicles", RES_VEHICLE),
    TELEMATICS_ROUTES("/v2/telematics/trailers", RES_TRAILER),
    EVENT_ROUTES("/v2/telematics/messages", RES_MESSAGE),
    EVENT_ROUTES("/v2/telematics/group-messages", RES_GROUP_MESSAGE),
    EVENT_ROUTES("/v2/telematics/dvir-logs", RES_DVIR_LOG),
    EVENT_ROUTES("/v2/telematics/fuel-transactions", RES_FUEL_TRANSACTION),
    {"GET", "/v2/telematics/analytics/vehicles/live-locations", api_live_locations, 0},
};

#define TOKEN_PATH "/realms/catena/protocol/openid-connect/token"
#define REVOKE_PATH "/realms/catena/protocol/openid-connect/revoke"

/* Matches path against pattern; captured segments are copied into caps (each up to 127 chars). */
static bool match_pattern(const char *pattern, const char *path, char caps[][128], int *n_caps)
{
    *n_caps = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (p[0] == '{' && p[1] == '}') {
            const char *end = strchr(s, '/');
            size_t len = end ? (size_t)(end - s) : strlen(s);
            if (len == 0 || len >= 128 || *n_caps >= 4)
                return false;
            memcpy(caps[*n_caps], s, len);
            caps[*n_caps][len] = '\0';
            (*n_caps)++;
            s += len;
            p += 2;
        } else if (*p == *s) {
            p++;
            s++;
        } else {
            return false;
        }
    }
    return *p == '\0' && *s == '\0';
}

static void dispatch_api(emu_app *app, emu_request *req, emu_response *resp)
{
    if (strcmp(req->path, TOKEN_PATH) == 0 || strcmp(req->path, "/protocol/openid-connect/token") == 0) {
        if (strcmp(req->method, "POST") != 0) {
            reply_error(resp, 405, "Method Not Allowed");
            response_header(resp, "Allow", "POST");
            return;
        }
        auth_handle_token(&app->auth, req, resp);
        return;
    }
    if (strcmp(req->path, REVOKE_PATH) == 0 && strcmp(req->method, "POST") == 0) {
        resp->status = 200;
        strbuf_reset(&resp->body);
        return;
    }
    char caps[4][128];
    int n_caps = 0;
    const route *hit = NULL;
    strbuf allow = STRBUF_INIT;
    for (size_t i = 0; i < sizeof ROUTES / sizeof ROUTES[0]; i++) {
        if (!match_pattern(ROUTES[i].pattern, req->path, caps, &n_caps))
            continue;
        if (strcmp(ROUTES[i].method, req->method) == 0) {
            hit = &ROUTES[i];
            break;
        }
        if (!strstr(allow.data ? allow.data : "", ROUTES[i].method)) {
            if (allow.len)
                strbuf_puts(&allow, ", ");
            strbuf_puts(&allow, ROUTES[i].method);
        }
    }
    if (!hit) {
        if (allow.len) {
            reply_error(resp, 405, "Method Not Allowed");
            response_header(resp, "Allow", allow.data);
        } else {
            char detail[300];
            snprintf(detail, sizeof detail, "No route for %s %.200s", req->method, req->path);
            reply_error(resp, 404, detail);
        }
        strbuf_free(&allow);
        return;
    }
    strbuf_free(&allow);
    const char *why = NULL;
    if (!auth_check_bearer(&app->auth, req->authorization, &why)) {
        reply_error(resp, 401, why);
        response_header(resp, "WWW-Authenticate", "Bearer");
        return;
    }
    /* Re-match to capture the winning route's parameters. */
    match_pattern(hit->pattern, req->path, caps, &n_caps);
    for (int i = 0; i < n_caps; i++)
        req->params[i] = caps[i];
    hit->handler(app, req, resp, hit->arg);
    for (int i = 0; i < n_caps; i++)
        req->params[i] = NULL;
}

void app_handle(emu_app *app, emu_request *req, emu_response *resp)
{
    if (strncmp(req->path, "/_emulator", 10) == 0 && (req->path[10] == '/' || req->path[10] == '\0')) {
        if (!req->loopback)
            reply_error(resp, 404, "Not Found");
        else
            control_handle(app, req, resp);
        return;
    }
    int64_t at = emu_now_us();
    int retry_after = 0;
    if (app->limiter && !api_limit_take(app->limiter, &retry_after)) {
        reply_too_many(resp, retry_after);
    } else {
        fault_outcome fo = faults_apply(app->faults, req, resp);
        resp->injected = fo != FAULT_NONE;
        if (fo != FAULT_RESPONDED) {
            chatter_advance(app->chatter, app->store);
            dispatch_api(app, req, resp);
        }
        if (fo == FAULT_TRUNCATE_RESPONSE)
            resp->kind = RESP_TRUNCATED;
        if (fo == FAULT_REWRITE)
            faults_rewrite(req, resp);
    }
    reqlog_add(app->log, req->method, req->path, req->raw_query, req->body, req->body_len, resp->status, at);
    bool text = !resp->binary && resp->kind != RESP_ENDLESS;
    recorder_write(req->method, req->path, req->raw_query, resp->status, resp->injected || resp->kind != RESP_NORMAL,
                   text ? resp->body.data : NULL, text ? resp->body.len : 0);
}
