/* api_integrations: connections, data freshness and the TSP integrations catalogue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "emu_clock.h"
#include "emu_enums.h"
#include "emu_json.h"
#include "paging.h"
#include "params.h"
#include "render.h"
#include "tsp_catalog.h"

/* Connections matching fleet_ids / fleet_refs (and tsp_id when given); NULL means problems. */
static bool *match_connections(const emu_store *st, const query_args *q, problem_list *p, bool with_tsp)
{
    uuid tsp;
    bool has_tsp = with_tsp && param_uuid(q, "tsp_id", p, &tsp);
    uuid *fleet_ids = NULL;
    size_t n_fleet_ids = param_uuid_list(q, "fleet_ids", p, &fleet_ids);
    const char **refs = NULL;
    size_t n_refs = param_str_list(q, "fleet_refs", p, &refs);
    bool *ok = xcalloc(st->n_conns ? st->n_conns : 1, sizeof *ok);
    for (size_t c = 0; c < st->n_conns; c++) {
        const emu_connection *cn = &st->conns[c];
        bool m = true;
        if (has_tsp) {
            uuid t;
            m = uuid_parse(tsp_get((size_t)cn->tsp)->tsp_id, &t) && uuid_equal(&t, &tsp);
        }
        if (m && n_fleet_ids) {
            bool any = false;
            for (size_t k = 0; k < n_fleet_ids; k++)
                any |= uuid_equal(&cn->fleet_id, &fleet_ids[k]);
            m = any;
        }
        if (m && n_refs) {
            bool any = false;
            for (size_t k = 0; k < n_refs; k++)
                any |= strcmp(cn->fleet_ref, refs[k]) == 0;
            m = any;
        }
        ok[c] = m;
    }
    free(fleet_ids);
    free(refs);
    return ok;
}

void api_list_connections(emu_app *app, emu_request *req, emu_response *resp, int arg)
{
    (void)arg;
    emu_store *st = app->store;
    problem_list p = {0};
    pthread_rwlock_rdlock(&st->lock);
    bool *ok = match_connections(st, &req->query, &p, true);
    uint32_t *v = xmalloc((st->n_conns ? st->n_conns : 1) * sizeof *v);
    size_t n = 0;
    for (size_t c = 0; c < st->n_conns; c++)
        if (ok[c])
            v[n++] = (uint32_t)c;
    page_window w;
    if (p.n == 0 && page_select(&req->query, &p, n, &w)) {
        strbuf_reset(&resp->body);
        page_begin(&resp->body);
        for (size_t i = w.start; i < w.end; i++) {
            if (i > w.start)
                strbuf_putc(&resp->body, ',');
            render_connection(&resp->body, st, &st->conns[v[i]]);
        }
        page_end(&resp->body, &w, false);
        resp->status = 200;
    }
    pthread_rwlock_unlock(&st->lock);
    free(ok);
    free(v);
    if (p.n)
        reply_problems(resp, &p);
}

void api_get_connection(emu_app *app, emu_request *req, emu_response *resp, int arg)
{
    (void)arg;
    problem_list p = {0};
    uuid id;
    if (!path_uuid("connection_id", req->params[0], &p, &id)) {
        reply_problems(resp, &p);
        return;
    }
    emu_store *st = app->store;
    pthread_rwlock_rdlock(&st->lock);
    int c = store_find_connection(st, &id);
    if (c >= 0) {
        strbuf_reset(&resp->body);
        render_connection(&resp->body, st, &st->conns[c]);
        resp->status = 200;
    } else {
        char detail[128];
        snprintf(detail, sizeof detail, "Connection with id %s not found", req->params[0]);
        reply_error(resp, 404, detail);
    }
    pthread_rwlock_unlock(&st->lock);
}

/* Resources each connection reports freshness for (the ones a dispatcher console cares about). */
static const char *const FRESHNESS_RESOURCES[] = {"vehicle", "user", "trailer", "message", "group_message",
                                                  "dvir_log", "fuel_transaction", "vehicle_location", NULL};

void api_data_freshness(emu_app *app, emu_request *req, emu_response *resp, int arg)
{
    (void)arg;
    emu_store *st = app->store;
    problem_list p = {0};
    int64_t now = emu_now_us();
    pthread_rwlock_rdlock(&st->lock);
    bool *ok = match_connections(st, &req->query, &p, false);
    strbuf *sb = &resp->body;
    strbuf_reset(sb);
    strbuf_putc(sb, '[');
    bool any = false;
    for (size_t c = 0; c < st->n_conns && p.n == 0; c++) {
        if (!ok[c])
            continue;
        const emu_connection *cn = &st->conns[c];
        const tsp_info *t = tsp_get((size_t)cn->tsp);
        for (size_t r = 0; FRESHNESS_RESOURCES[r]; r++) {
            const char *name = FRESHNESS_RESOURCES[r];
            const resource_def *def = resource_by_name(name);
            if (def && tsp_write_support(t, def->kind) == INTEG_NOT_SUPPORTED)
                continue;
            if (any)
                strbuf_putc(sb, ',');
            any = true;
            bool first = true;
            strbuf_putc(sb, '{');
            json_member_str(sb, &first, "resource", name);
            json_member_str(sb, &first, "share_level", def && cn->read_only[def->kind] ? "read" : "read_write");
            char id[UUID_STR_LEN];
            uuid_format(&cn->fleet_id, id);
            json_member_str(sb, &first, "fleet_id", id);
            json_member_str(sb, &first, "fleet_ref", cn->fleet_ref);
            uuid_format(&cn->id, id);
            json_member_str(sb, &first, "connection_id", id);
            json_member_str(sb, &first, "connection_description", cn->description);
            uuid sched;
            connection_schedule_id(st, c, def ? def->kind : (emu_resource)(RES_COUNT + r), &sched);
            uuid_format(&sched, id);
            json_member_str(sb, &first, "schedule_id", id);
            json_member_str(sb, &first, "source_name", t->source_name);
            json_member_str(sb, &first, "tsp_id", t->tsp_id);
            json_member_str(sb, &first, "tsp_slug", t->slug);
            bool running = strcmp(cn->status, "active") == 0;
            int64_t period = (def && def->event_like ? 5 : 60) * 60LL * 1000000;
            int64_t last = now - (now % period);
            char ts[EMU_TIME_LEN];
            if (running) {
                emu_time_format(last, ts);
                json_member_str(sb, &first, "last_successful_execution_at", ts);
                emu_time_format(last + period, ts);
                json_member_str(sb, &first, "next_execution_at", ts);
            } else {
                emu_time_format(cn->updated_us, ts);
                json_member_str(sb, &first, "last_successful_execution_at", ts);
                json_member_null(sb, &first, "next_execution_at");
            }
            json_member_str(sb, &first, "schedule_status", running ? "active" : cn->status);
            strbuf_putc(sb, '}');
        }
    }
    strbuf_putc(sb, ']');
    pthread_rwlock_unlock(&st->lock);
    free(ok);
    if (p.n)
        reply_problems(resp, &p);
    else
        resp->status = 200;
}

static void render_tsp(strbuf *sb, const tsp_info *t)
{
    bool first = true;
    strbuf_putc(sb, '{');
    json_member_str(sb, &first, "tsp_id", t->tsp_id);
    json_member_str(sb, &first, "slug", t->slug);
    json_member_str(sb, &first, "source_name", t->source_name);
    json_put_key(sb, &first, "integrations");
    strbuf_putc(sb, '{');
    int counts[3] = {0, 0, 0};
    bool f2 = true;
    for (size_t i = 0; ENUM_ResourceEnum[i]; i++) {
        integration_status s = tsp_integration(t, ENUM_ResourceEnum[i]);
        if (s == INTEG_UNLISTED)
            continue;
        counts[s]++;
        json_member_str(sb, &f2, ENUM_ResourceEnum[i], integration_status_name(s));
    }
    strbuf_putc(sb, '}');
    json_member_int(sb, &first, "implemented_count", counts[INTEG_IMPLEMENTED]);
    json_member_int(sb, &first, "not_implemented_count", counts[INTEG_NOT_IMPLEMENTED]);
    json_member_int(sb, &first, "not_supported_count", counts[INTEG_NOT_SUPPORTED]);
    strbuf_putc(sb, '}');
}

void api_list_tsps(emu_app *app, emu_request *req, emu_response *resp, int arg)
{
    (void)app;
    (void)arg;
    problem_list p = {0};
    page_window w;
    if (!page_select(&req->query, &p, tsp_count(), &w)) {
        reply_problems(resp, &p);
        return;
    }
    strbuf_reset(&resp->body);
    page_begin(&resp->body);
    for (size_t i = w.start; i < w.end; i++) {
        if (i > w.start)
            strbuf_putc(&resp->body, ',');
        render_tsp(&resp->body, tsp_get(i));
    }
    page_end(&resp->body, &w, false);
    resp->status = 200;
}

void api_get_tsp(emu_app *app, emu_request *req, emu_response *resp, int arg)
{
    (void)app;
    (void)arg;
    problem_list p = {0};
    uuid id;
    if (!path_uuid("tsp_id", req->params[0], &p, &id)) {
        reply_problems(resp, &p);
        return;
    }
    char canon[UUID_STR_LEN];
    uuid_format(&id, canon);
    int t = tsp_find_by_id(canon);
    if (t < 0) {
        char detail[128];
        snprintf(detail, sizeof detail, "TSP with id %s not found", canon);
        reply_error(resp, 404, detail);
        return;
    }
    strbuf_reset(&resp->body);
    render_tsp(&resp->body, tsp_get((size_t)t));
    resp->status = 200;
}
