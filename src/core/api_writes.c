#include "core/api_writes.h"

#include "common/clamp.h"
#include "common/strbuf.h"
#include "core/text.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v && *v)
        cJSON_AddStringToObject(o, k, v);
}

/* The compact text as a plain heap string (free()), and the tree deleted. */
static char *print_body(cJSON *o)
{
    char *p = cJSON_PrintUnformatted(o);
    char *s = xstrdup(p ? p : "{}");
    cJSON_free(p);
    cJSON_Delete(o);
    return s;
}

char *writes_message_body(const char *connection_id, const char *sender_id, const char *recipient_id,
                          const char *text, const char *priority, const char *reply_to_message_id)
{
    cJSON *o = cJSON_CreateObject();
    add_str(o, "connection_id", connection_id);
    add_str(o, "sender_id", sender_id);
    add_str(o, "recipient_id", recipient_id);
    add_str(o, "message_text", text);
    add_str(o, "priority", priority);
    add_str(o, "reply_to_message_id", reply_to_message_id);
    return print_body(o);
}

char *writes_group_message_body(const char *connection_id, const char *sender_id, const char *const *recipient_ids,
                                size_t n, const char *text, const char *priority)
{
    cJSON *o = cJSON_CreateObject();
    add_str(o, "connection_id", connection_id);
    add_str(o, "sender_id", sender_id);
    cJSON *arr = cJSON_AddArrayToObject(o, "recipient_ids");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(recipient_ids[i]));
    add_str(o, "message_text", text);
    add_str(o, "priority", priority);
    return print_body(o);
}

typedef struct pending_write {
    write_cb cb;
    void *ud;
} pending_write;

static char *clean_dup(const cJSON *v)
{
    return cJSON_IsString(v) && v->valuestring ? text_sanitize_str(v->valuestring) : xstrdup("");
}

/* Reads id/status of an operation body and, for a failed one, its last log. */
static void read_operation(const char *body, size_t len, write_result *out)
{
    cJSON *root = cJSON_ParseWithLength(body, len);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return;
    }
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(root, "status");
    if (cJSON_IsString(id) && id->valuestring && strlen(id->valuestring) == 36)
        snprintf(out->op_id, sizeof out->op_id, "%s", id->valuestring);
    if (cJSON_IsString(st) && st->valuestring)
        snprintf(out->op_status, sizeof out->op_status, "%.15s", st->valuestring);
    const cJSON *logs = cJSON_GetObjectItemCaseSensitive(root, "logs");
    int n = cJSON_IsArray(logs) ? cJSON_GetArraySize(logs) : 0;
    if (n > 0) {
        const cJSON *last = cJSON_GetArrayItem(logs, n - 1);
        char *type = clean_dup(cJSON_GetObjectItemCaseSensitive(last, "error_type"));
        char *det = clean_dup(cJSON_GetObjectItemCaseSensitive(last, "error_details"));
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(last, "response_status_code");
        char codebuf[24] = "";
        if (cJSON_IsNumber(code))
            snprintf(codebuf, sizeof codebuf, "TSP HTTP %d", (int)clamp_to_i64(code->valuedouble, 0, 999));
        snprintf(out->tsp_error, sizeof out->tsp_error, "%s%s%s%s%s", *type ? type : "error", *codebuf ? ", " : "",
                 codebuf, *det ? ": " : "", det);
        free(type);
        free(det);
    }
    cJSON_Delete(root);
}

static void read_field_errors(const char *body, size_t len, write_result *out)
{
    cJSON *root = cJSON_ParseWithLength(body, len);
    const cJSON *detail = cJSON_GetObjectItemCaseSensitive(root, "detail");
    if (cJSON_IsArray(detail)) {
        int n = cJSON_GetArraySize(detail);
        out->errors = xcalloc((size_t)n + 1, sizeof *out->errors);
        const cJSON *d;
        cJSON_ArrayForEach(d, detail)
        {
            field_error *fe = &out->errors[out->nerrors++];
            fe->path = clean_dup(cJSON_GetObjectItemCaseSensitive(d, "path"));
            fe->message = clean_dup(cJSON_GetObjectItemCaseSensitive(d, "message"));
            if (!*fe->message) {
                free(fe->message);
                fe->message = xstrdup("invalid");
            }
        }
    } else if (cJSON_IsString(detail) && detail->valuestring) {
        out->errors = xcalloc(1, sizeof *out->errors);
        out->errors[0].path = xstrdup("");
        out->errors[0].message = text_sanitize_str(detail->valuestring);
        out->nerrors = 1;
    }
    cJSON_Delete(root);
}

/* True when body is a ResourceOperation whose status is failed: the TSP's refusal in sync mode. */
static bool failed_operation(const char *body, size_t len)
{
    cJSON *root = body ? cJSON_ParseWithLength(body, len) : NULL;
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(root, "status");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
    bool failed = cJSON_IsString(st) && st->valuestring && strcmp(st->valuestring, "failed") == 0 &&
                  cJSON_IsString(id) && cJSON_GetObjectItemCaseSensitive(root, "resource");
    cJSON_Delete(root);
    return failed;
}

void writes_interpret(const api_reply *r, write_result *out)
{
    memset(out, 0, sizeof *out);
    out->http_status = r->http_status;
    out->retry_after_s = r->retry_after_s;
    bool op_body = false;
    switch (r->status) {
    case API_OK:
        out->kind = WR_ACCEPTED;
        op_body = true;
        break;
    case API_AUTH_ERROR:
        out->kind = WR_AUTH;
        break;
    case API_NETWORK:
    case API_CANCELLED:
        out->kind = WR_NETWORK;
        break;
    case API_UNKNOWN_OUTCOME:
        out->kind = WR_UNKNOWN;
        break;
    case API_HTTP_ERROR:
        if (r->http_status == 502 && failed_operation(r->body, r->body_len)) {
            out->kind = WR_TSP_FAILED;
            op_body = true;
        } else if (r->http_status == 502 || r->http_status == 503 || r->http_status == 504) {
            /* A gateway's answer after the request went out: Catena may have taken it. */
            out->kind = WR_UNKNOWN;
            snprintf(out->message, sizeof out->message,
                     "Catena answered %ld after sending: it may have gone through.",
                     r->http_status);
            return;
        } else if (r->http_status == 422 || r->http_status == 400) {
            out->kind = WR_INVALID;
        } else {
            out->kind = WR_ERROR;
        }
        break;
    }
    if (op_body && r->body && r->body_len) {
        read_operation(r->body, r->body_len, out);
        if (out->op_id[0]) {
            out->op_json = xstrndup(r->body, r->body_len);
            out->op_json_len = r->body_len;
        } else if (out->kind == WR_ACCEPTED) {
            out->kind = WR_ERROR;
            snprintf(out->message, sizeof out->message,
                     "The API accepted it (HTTP %ld) but sent no operation id; check the operations pane.",
                     r->http_status);
            return;
        }
    }
    if (out->kind == WR_INVALID && r->body)
        read_field_errors(r->body, r->body_len, out);
    switch (out->kind) {
    case WR_ACCEPTED:
        snprintf(out->message, sizeof out->message, "%s: operation %.8s… %s.",
                 r->http_status == 202 ? "Accepted" : "Done", out->op_id,
                 strcmp(out->op_status, "success") == 0 ? "succeeded" : "is pending");
        break;
    case WR_TSP_FAILED:
        snprintf(out->message, sizeof out->message, "The TSP refused it (502): %s",
                 out->tsp_error[0] ? out->tsp_error : "no details");
        break;
    default:
        snprintf(out->message, sizeof out->message, "%s", r->message);
    }
}

void write_result_clear(write_result *r)
{
    for (int i = 0; i < r->nerrors; i++) {
        free(r->errors[i].path);
        free(r->errors[i].message);
    }
    free(r->errors);
    free(r->op_json);
    memset(r, 0, sizeof *r);
}

static void on_reply(void *ud, const api_reply *r)
{
    pending_write *pw = ud;
    write_result res;
    writes_interpret(r, &res);
    pw->cb(pw->ud, &res);
    write_result_clear(&res);
    free(pw);
}

uint64_t writes_send(api *a, const char *resource, const char *record_id, bool sync, const char *body, write_cb cb,
                     void *ud)
{
    pending_write *pw = xcalloc(1, sizeof *pw);
    pw->cb = cb;
    pw->ud = ud;
    char *path = api_record_path(resource, record_id);
    if (!path) {
        api_reply r = {.status = API_NETWORK, .retry_after_s = -1};
        snprintf(r.message, sizeof r.message, "Unknown resource: nothing was sent.");
        on_reply(pw, &r);
        return 0;
    }
    strbuf p = STRBUF_INIT;
    strbuf_puts(&p, path);
    free(path);
    if (sync)
        strbuf_puts(&p, "?is_sync=true");
    uint64_t id = api_call(a, record_id && *record_id ? "PATCH" : "POST", p.data, body, on_reply, pw);
    strbuf_free(&p);
    return id;
}
