/* api_writes: POST/PATCH of the telematics resources: validation, id translation, share level and TSP
 * support checks, then a resource operation (async 202, or sync 200/502). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "operations.h"
#include "params.h"
#include "policy.h"
#include "tsp_catalog.h"
#include "write_schema.h"

static const char *resource_label(emu_resource res)
{
    static const char *const labels[RES_COUNT] = {"Vehicle", "User", "Trailer", "Message", "Group message",
                                                  "DVIR log", "Fuel transaction"};
    return labels[res];
}

/* Checks one referenced id: it must name a record of f->ref in connection conn. Returns the record or NULL. */
static const emu_record *check_ref(emu_store *st, const write_field *f, const cJSON *v, const char *path, int conn,
                                   problem_list *p)
{
    uuid id;
    emu_resource res;
    uint32_t idx;
    if (!cJSON_IsString(v) || !uuid_parse(v->valuestring, &id))
        return NULL; /* already reported by the schema check */
    if (!store_lookup(st, &id, &res, &idx) || (int)res != f->ref) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s with id %s not found", resource_label((emu_resource)f->ref), v->valuestring);
        write_problem(p, path, v, msg, "value_error");
        return NULL;
    }
    const emu_record *rec = store_get(st, res, idx);
    if ((int)rec->conn != conn) {
        char msg[200];
        snprintf(msg, sizeof msg, "%s %s belongs to another connection", resource_label(res), v->valuestring);
        write_problem(p, path, v, msg, "value_error");
        return NULL;
    }
    return rec;
}

/* Validates references and builds the TSP payload (Catena ids translated). Caller holds the store lock. */
static char *build_payload(emu_store *st, const write_model *m, const cJSON *body, int conn,
                           const emu_record *target, problem_list *p)
{
    cJSON *payload = cJSON_CreateObject();
    if (target) {
        char id[UUID_STR_LEN];
        uuid_format(&target->id, id);
        cJSON_AddStringToObject(payload, "id", id);
        cJSON_AddStringToObject(payload, "source_id", target->source_id);
    }
    for (size_t i = 0; i < m->n; i++) {
        const write_field *f = &m->fields[i];
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, f->name);
        if (!v || strcmp(f->name, "connection_id") == 0)
            continue;
        cJSON_AddItemToObject(payload, f->name, cJSON_Duplicate(v, true));
        if (f->ref < 0 || cJSON_IsNull(v))
            continue;
        if (f->kind == WK_UUID_LIST) {
            cJSON *src = cJSON_CreateArray();
            int k = 0;
            const cJSON *it;
            cJSON_ArrayForEach(it, v)
            {
                char path[96];
                snprintf(path, sizeof path, "%s.%d", f->name, k++);
                const emu_record *rec = check_ref(st, f, it, path, conn, p);
                if (rec)
                    cJSON_AddItemToArray(src, cJSON_CreateString(rec->source_id));
            }
            cJSON_AddItemToObject(payload, f->source_key, src);
        } else {
            const emu_record *rec = check_ref(st, f, v, f->name, conn, p);
            if (rec)
                cJSON_AddStringToObject(payload, f->source_key, rec->source_id);
        }
    }
    char *text = cJSON_PrintUnformatted(payload);
    cJSON_Delete(payload);
    return text;
}

static void handle_write(emu_app *app, emu_request *req, emu_response *resp, emu_resource res, bool is_update)
{
    const resource_def *def = &RESOURCE_DEFS[res];
    const write_model *m = write_model_for(res);
    problem_list p = {0};
    bool is_sync = param_bool(&req->query, "is_sync", &p) == 1;
    uuid target_id;
    if (is_update)
        path_uuid("id", req->params[0], &p, &target_id);
    cJSON *body = cJSON_ParseWithLength(req->body ? req->body : "", req->body_len);
    if (!body) {
        char input[201];
        snprintf(input, sizeof input, "%.200s", req->body ? req->body : "");
        problems_add(&p, "body", input, "JSON decode error: the body must be a JSON object", "json_invalid");
    } else {
        write_validate_nulls(m, body, is_update, !resp->refuse_null, &p);
    }
    if (p.n) {
        cJSON_Delete(body);
        reply_problems(resp, &p);
        return;
    }
    emu_store *st = app->store;
    pthread_rwlock_rdlock(&st->lock);
    uuid conn_id;
    uuid_parse(cJSON_GetObjectItemCaseSensitive(body, "connection_id")->valuestring, &conn_id);
    int conn = store_find_connection(st, &conn_id);
    if (conn < 0) {
        write_problem(&p, "connection_id", cJSON_GetObjectItemCaseSensitive(body, "connection_id"),
                      "Connection not found", "value_error");
        pthread_rwlock_unlock(&st->lock);
        cJSON_Delete(body);
        reply_problems(resp, &p);
        return;
    }
    const emu_record *target = NULL;
    if (is_update) {
        emu_resource found;
        uint32_t idx;
        if (store_lookup(st, &target_id, &found, &idx) && found == res &&
            (int)store_get(st, found, idx)->conn == conn)
            target = store_get(st, found, idx);
        if (!target) {
            char detail[200];
            snprintf(detail, sizeof detail, "%s with id %s not found in connection %s", resource_label(res),
                     req->params[0], cJSON_GetObjectItemCaseSensitive(body, "connection_id")->valuestring);
            pthread_rwlock_unlock(&st->lock);
            cJSON_Delete(body);
            reply_error(resp, POLICY_PATCH_UNKNOWN_STATUS, detail);
            return;
        }
    }
    char *payload = build_payload(st, m, body, conn, target, &p);
    const emu_connection *c = &st->conns[conn];
    const tsp_info *t = tsp_get((size_t)c->tsp);
    bool read_only = c->read_only[res];
    integration_status integ = tsp_write_support(t, res); /* not the support map: it describes reads */
    pthread_rwlock_unlock(&st->lock);
    if (p.n) {
        free(payload);
        cJSON_Delete(body);
        reply_problems(resp, &p);
        return;
    }
    if (read_only || integ != INTEG_IMPLEMENTED) {
        char detail[256];
        if (read_only)
            snprintf(detail, sizeof detail,
                     "The share level for resource '%s' on this connection is 'read'; writes need 'read_write'",
                     def->name);
        else
            snprintf(detail, sizeof detail, "%s does not support writing resource '%s' (%s)", t->brand, def->name,
                     integration_status_name(integ));
        free(payload);
        cJSON_Delete(body);
        reply_error(resp, read_only ? POLICY_READ_ONLY_STATUS : POLICY_UNSUPPORTED_STATUS, detail);
        return;
    }
    strbuf_reset(&resp->body);
    resp->status = ops_submit(app->ops, (uint32_t)conn, res, is_update, is_update ? &target_id : NULL, body, payload,
                              is_sync, &resp->body);
}

void api_create_record(emu_app *app, emu_request *req, emu_response *resp, int res)
{
    handle_write(app, req, resp, (emu_resource)res, false);
}

void api_update_record(emu_app *app, emu_request *req, emu_response *resp, int res)
{
    handle_write(app, req, resp, (emu_resource)res, true);
}
