/* control: the emulator-only control surface under /_emulator/ (loopback clients only, no auth). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "chatter.h"
#include "common/err.h"
#include "emu_clock.h"
#include "emu_json.h"
#include "faults.h"
#include "operations.h"

static bool is(const emu_request *req, const char *method, const char *path)
{
    return strcmp(req->method, method) == 0 && strcmp(req->path, path) == 0;
}

static void control_clock(emu_response *resp)
{
    char t[EMU_TIME_LEN];
    emu_time_format(emu_now_us(), t);
    strbuf_reset(&resp->body);
    strbuf_printf(&resp->body, "{\"now\":\"%s\",\"time_scale\":%g}", t, emu_clock_scale());
    resp->status = 200;
}

static void control_advance(emu_request *req, emu_response *resp)
{
    const char *ms = query_get(&req->query, "ms");
    char *end = NULL;
    long long v = ms ? strtoll(ms, &end, 10) : -1;
    if (!ms || *end || v < 0) {
        reply_error(resp, 400, "ms must be a non-negative integer (milliseconds)");
        return;
    }
    emu_clock_advance(v * 1000);
    control_clock(resp);
}

static void control_add_fault(emu_app *app, emu_request *req, emu_response *resp)
{
    char err[160];
    if (!faults_add_json(app->faults, req->body ? req->body : "", req->body_len, err, sizeof err)) {
        reply_error(resp, 400, err);
        return;
    }
    strbuf_reset(&resp->body);
    faults_render(app->faults, &resp->body);
    resp->status = 201;
}

static void control_share_level(emu_app *app, emu_request *req, emu_response *resp)
{
    cJSON *root = cJSON_ParseWithLength(req->body ? req->body : "", req->body_len);
    const cJSON *cid = cJSON_GetObjectItemCaseSensitive(root, "connection_id");
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(root, "resource");
    const cJSON *lvl = cJSON_GetObjectItemCaseSensitive(root, "share_level");
    uuid id;
    const resource_def *def = cJSON_IsString(res) ? resource_by_name(res->valuestring) : NULL;
    if (!cJSON_IsString(cid) || !uuid_parse(cid->valuestring, &id) || !def || !cJSON_IsString(lvl) ||
        (strcmp(lvl->valuestring, "read") != 0 && strcmp(lvl->valuestring, "read_write") != 0)) {
        cJSON_Delete(root);
        reply_error(resp, 400, "expected {\"connection_id\":UUID,\"resource\":\"vehicle|user|trailer|message|"
                               "group_message|dvir_log|fuel_transaction\",\"share_level\":\"read|read_write\"}");
        return;
    }
    emu_store *st = app->store;
    pthread_rwlock_wrlock(&st->lock);
    int c = store_find_connection(st, &id);
    if (c >= 0)
        st->conns[c].read_only[def->kind] = strcmp(lvl->valuestring, "read") == 0;
    pthread_rwlock_unlock(&st->lock);
    cJSON_Delete(root);
    if (c < 0)
        reply_error(resp, 404, "Connection not found");
    else
        reply_json(resp, 200, "{\"status\":\"ok\"}");
}

/* POST /_emulator/drivers/{user_id}/messages {"message_text":"...","recipient_id":ID?}: the driver writes now. */
static bool control_driver_says(emu_app *app, emu_request *req, emu_response *resp)
{
    static const char prefix[] = "/_emulator/drivers/", suffix[] = "/messages";
    size_t n = strlen(req->path), np = sizeof prefix - 1, ns = sizeof suffix - 1;
    if (strcmp(req->method, "POST") != 0 || n <= np + ns || strncmp(req->path, prefix, np) != 0 ||
        strcmp(req->path + n - ns, suffix) != 0)
        return false;
    char id_text[UUID_STR_LEN];
    uuid driver, recipient;
    bool id_ok = n - np - ns == UUID_STR_LEN - 1;
    if (id_ok) {
        memcpy(id_text, req->path + np, UUID_STR_LEN - 1);
        id_text[UUID_STR_LEN - 1] = '\0';
        id_ok = uuid_parse(id_text, &driver);
    }
    cJSON *root = cJSON_ParseWithLength(req->body ? req->body : "", req->body_len);
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(root, "message_text");
    const cJSON *to = cJSON_GetObjectItemCaseSensitive(root, "recipient_id");
    if (!id_ok || !cJSON_IsString(text) || !*text->valuestring ||
        (to && !(cJSON_IsString(to) && uuid_parse(to->valuestring, &recipient)))) {
        cJSON_Delete(root);
        reply_error(resp, 400, "expected POST /_emulator/drivers/{user_id}/messages with "
                               "{\"message_text\":\"...\"[,\"recipient_id\":UUID]}");
        return true;
    }
    char *err = NULL;
    int status = chatter_driver_says(app->chatter, app->store, &driver, text->valuestring, to ? &recipient : NULL,
                                     &resp->body, &err);
    cJSON_Delete(root);
    if (status == 201)
        resp->status = 201;
    else
        reply_error(resp, status, err);
    free(err);
    return true;
}

void control_handle(emu_app *app, emu_request *req, emu_response *resp)
{
    if (is(req, "GET", "/_emulator/health")) {
        reply_json(resp, 200, "{\"status\":\"ok\"}");
    } else if (is(req, "GET", "/_emulator/requests")) {
        strbuf_reset(&resp->body);
        reqlog_render(app->log, &resp->body);
        resp->status = 200;
    } else if (is(req, "DELETE", "/_emulator/requests")) {
        reqlog_clear(app->log);
        reply_json(resp, 200, "{\"status\":\"ok\"}");
    } else if (is(req, "GET", "/_emulator/clock")) {
        control_clock(resp);
    } else if (is(req, "POST", "/_emulator/clock/advance")) {
        control_advance(req, resp);
    } else if (is(req, "GET", "/_emulator/faults")) {
        strbuf_reset(&resp->body);
        faults_render(app->faults, &resp->body);
        resp->status = 200;
    } else if (is(req, "POST", "/_emulator/faults")) {
        control_add_fault(app, req, resp);
    } else if (is(req, "DELETE", "/_emulator/faults")) {
        faults_clear(app->faults);
        reply_json(resp, 200, "{\"status\":\"ok\"}");
    } else if (is(req, "POST", "/_emulator/share-level")) {
        control_share_level(app, req, resp);
    } else if (is(req, "POST", "/_emulator/operations/drain")) {
        const char *t = query_get(&req->query, "timeout_ms");
        int timeout = t ? atoi(t) : 10000;
        if (ops_drain(app->ops, timeout))
            reply_json(resp, 200, "{\"status\":\"drained\"}");
        else
            reply_error(resp, 504, "operations still pending");
    } else if (!control_driver_says(app, req, resp)) {
        reply_error(resp, 404, "Unknown control endpoint (see catena-emulator --help)");
    }
}
