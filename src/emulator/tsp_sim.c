#include "tsp_sim.h"

#include <stdio.h>
#include <string.h>

#include "emu_json.h"

static bool body_has(const cJSON *body, const char *marker)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, body)
    {
        if (cJSON_IsString(it) && strstr(it->valuestring, marker))
            return true;
    }
    return false;
}

static void fail(tsp_attempt *out, const char *type, int status, const char *fmt, const char *arg)
{
    out->success = false;
    out->error_type = type;
    out->status_code = status;
    snprintf(out->details, sizeof out->details, fmt, arg);
}

long long tsp_latency_us(const tsp_info *t)
{
    return (long long)t->latency_ms * 1000;
}

void tsp_sim_attempt(const tsp_info *t, emu_resource res, bool is_update, const cJSON *body, int attempt_no,
                     tsp_attempt *out)
{
    memset(out, 0, sizeof *out);
    out->success = true;
    if (body_has(body, TSP_MARK_AUTH)) {
        fail(out, "auth", 401, "%s rejected the connection's credentials (401 Unauthorized)", t->brand);
        return;
    }
    if (body_has(body, TSP_MARK_PERMANENT)) {
        fail(out, "validation", 422, "%s rejected the payload as invalid (422 Unprocessable Entity)", t->brand);
        return;
    }
    if (body_has(body, TSP_MARK_TIMEOUT)) {
        fail(out, "network", 0, "Timed out after 30 s waiting for %s", t->brand);
        return;
    }
    if (body_has(body, TSP_MARK_TRANSIENT) && attempt_no <= 2) {
        fail(out, "tsp", 503, "%s answered 503 Service Unavailable", t->brand);
        return;
    }
    if (body_has(body, TSP_MARK_RATE) && attempt_no <= 1) {
        fail(out, "tsp", 429, "%s answered 429 Too Many Requests", t->brand);
        out->retry_after_s = 2;
        return;
    }
    if (res == RES_MESSAGE || res == RES_GROUP_MESSAGE) {
        const cJSON *text = cJSON_GetObjectItemCaseSensitive(body, "message_text");
        if (t->max_message_length > 0 && cJSON_IsString(text) &&
            utf8_length(text->valuestring) > (size_t)t->max_message_length) {
            char msg[64];
            snprintf(msg, sizeof msg, "%d", t->max_message_length);
            fail(out, "validation", 400, "message_text exceeds the TSP's maximum length of %s characters", msg);
            return;
        }
    }
    if (!is_update && res == RES_VEHICLE && t->requires_vin) {
        const cJSON *vin = cJSON_GetObjectItemCaseSensitive(body, "vin");
        if (!cJSON_IsString(vin) || !*vin->valuestring) {
            fail(out, "validation", 400, "%s requires a vin to create a vehicle", t->brand);
            return;
        }
    }
    if (!is_update && res == RES_USER && t->requires_username) {
        const cJSON *u = cJSON_GetObjectItemCaseSensitive(body, "username");
        if (!cJSON_IsString(u) || !*u->valuestring) {
            fail(out, "validation", 400, "%s requires a username to create a user", t->brand);
            return;
        }
    }
    out->status_code = is_update ? 200 : 201;
}
