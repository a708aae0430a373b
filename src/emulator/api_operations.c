/* api_operations: GET resource operations (list with the contract's filters, and one by id). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "emu_clock.h"
#include "emu_enums.h"
#include "operations.h"
#include "paging.h"
#include "params.h"
#include "policy.h"
#include "tsp_catalog.h"

void api_list_operations(emu_app *app, emu_request *req, emu_response *resp, int arg)
{
    (void)arg;
    const query_args *q = &req->query;
    problem_list p = {0};
    const char *resource = param_enum(q, "resource", ENUM_ResourceEnum, &p);
    uuid conn_id;
    bool has_conn = param_uuid(q, "connection_id", &p, &conn_id);
    const char *source_name = param_enum(q, "source_name", ENUM_TspEnum, &p);
    const char **refs = NULL;
    size_t n_refs = param_str_list(q, "fleet_refs", &p, &refs);
    static const char *const op_types[] = {"create", "update", NULL};
    const char *operation = param_enum(q, "operation", op_types, &p);
    const char *source_id = query_get(q, "source_id");
    if (source_id && !query_get(q, "resource"))
        problems_add(&p, "source_id", source_id, "source_id can only be used together with resource", "value_error");
    int64_t now = emu_now_us();
    int64_t from = now - POLICY_OPS_DEFAULT_WINDOW_US, to = now + 1;
    bool has_from = param_datetime(q, "from_datetime", &p, &from);
    bool has_to = param_datetime(q, "to_datetime", &p, &to);
    if (has_to && !has_from)
        from = to - POLICY_OPS_DEFAULT_WINDOW_US;
    if (to - from > POLICY_MAX_WINDOW_US)
        problems_add(&p, "to_datetime", query_get(q, "to_datetime") ? query_get(q, "to_datetime") : "",
                     "The time window between from_datetime and to_datetime may not exceed 45 days", "value_error");
    if (p.n) {
        free(refs);
        reply_problems(resp, &p);
        return;
    }
    emu_store *st = app->store;
    ops_engine *e = app->ops;
    ops_lock(e);
    size_t n_all = ops_count(e);
    uint32_t *v = xmalloc((n_all ? n_all : 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < n_all; i++) {
        const emu_op *op = ops_at(e, i);
        const emu_connection *c = &st->conns[op->conn];
        if (resource && strcmp(RESOURCE_DEFS[op->res].name, resource) != 0)
            continue;
        if (has_conn && !uuid_equal(&c->id, &conn_id))
            continue;
        if (source_name && strcmp(tsp_get((size_t)c->tsp)->source_name, source_name) != 0)
            continue;
        if (operation && strcmp(operation, op->is_update ? "update" : "create") != 0)
            continue;
        if (source_id && (!op->source_id || strcmp(op->source_id, source_id) != 0))
            continue;
        if (op->created_us < from || op->created_us >= to)
            continue;
        if (n_refs) {
            bool any = false;
            for (size_t k = 0; k < n_refs && !any; k++)
                any = strcmp(c->fleet_ref, refs[k]) == 0;
            if (!any)
                continue;
        }
        v[n++] = (uint32_t)i;
    }
    page_window w;
    if (page_select(q, &p, n, &w)) {
        strbuf_reset(&resp->body);
        page_begin(&resp->body);
        for (size_t i = w.start; i < w.end; i++) {
            if (i > w.start)
                strbuf_putc(&resp->body, ',');
            op_render(&resp->body, st, ops_at(e, v[i]), true);
        }
        page_end(&resp->body, &w, false);
        resp->status = 200;
    }
    ops_unlock(e);
    free(v);
    free(refs);
    if (p.n)
        reply_problems(resp, &p);
}

void api_get_operation(emu_app *app, emu_request *req, emu_response *resp, int arg)
{
    (void)arg;
    problem_list p = {0};
    uuid conn_id, op_id;
    path_uuid("connection_id", req->params[0], &p, &conn_id);
    path_uuid("resource_operation_id", req->params[1], &p, &op_id);
    if (p.n) {
        reply_problems(resp, &p);
        return;
    }
    emu_store *st = app->store;
    ops_engine *e = app->ops;
    ops_lock(e);
    const emu_op *found = NULL;
    for (size_t i = ops_count(e); i > 0 && !found; i--) {
        const emu_op *op = ops_at(e, i - 1);
        if (uuid_equal(&op->id, &op_id) && uuid_equal(&st->conns[op->conn].id, &conn_id))
            found = op;
    }
    if (found) {
        strbuf_reset(&resp->body);
        op_render(&resp->body, st, found, true);
        resp->status = 200;
    }
    ops_unlock(e);
    if (!found) {
        char detail[200];
        snprintf(detail, sizeof detail, "Resource operation %s not found in connection %s", req->params[1],
                 req->params[0]);
        reply_error(resp, 404, detail);
    }
}
