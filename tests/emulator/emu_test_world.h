/* emu_test_world: a started emulator plus the ids tests need (connections, users, vehicles), header-only. */
#ifndef CATENA_EMU_TEST_WORLD_H
#define CATENA_EMU_TEST_WORLD_H

#include "emu_test_http.h"

#define WORLD_MAX_CONNS 8

typedef struct world {
    emu_proc e;
    char *tok;
    int n_conns;
    char conn[WORLD_MAX_CONNS][40];
    char source_name[WORLD_MAX_CONNS][40];
    char dispatcher[WORLD_MAX_CONNS][40];
    char driver[WORLD_MAX_CONNS][2][40];
    char vehicle[WORLD_MAX_CONNS][40];
    char trailer[WORLD_MAX_CONNS][40];
} world;

static inline void world_copy_first(const emu_proc *e, const char *tok, const char *path, char *out, size_t cap,
                                    int index)
{
    long st;
    cJSON *j = http_get_json(e, path, tok, &st);
    ck_assert_int_eq(st, 200);
    const cJSON *it = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "items"), index);
    ck_assert_ptr_nonnull(it);
    snprintf(out, cap, "%s", json_str(it, "id"));
    cJSON_Delete(j);
}

static inline void world_start(world *w, const char *const *args)
{
    memset(w, 0, sizeof *w);
    ck_assert_int_eq(emu_start(&w->e, args), 0);
    w->tok = emu_token(&w->e);
    ck_assert_ptr_nonnull(w->tok);
    long st;
    cJSON *conns = http_get_json(&w->e, "/v2/integrations/connections", w->tok, &st);
    ck_assert_int_eq(st, 200);
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(conns, "items"))
    {
        if (w->n_conns == WORLD_MAX_CONNS)
            break;
        int i = w->n_conns++;
        snprintf(w->conn[i], sizeof w->conn[i], "%s", json_str(c, "id"));
        snprintf(w->source_name[i], sizeof w->source_name[i], "%s", json_str(c, "source_name"));
        char path[256];
        snprintf(path, sizeof path, "/v2/telematics/users?is_driver=false&connection_id=%s", w->conn[i]);
        world_copy_first(&w->e, w->tok, path, w->dispatcher[i], sizeof w->dispatcher[i], 0);
        snprintf(path, sizeof path, "/v2/telematics/users?is_driver=true&connection_id=%s", w->conn[i]);
        world_copy_first(&w->e, w->tok, path, w->driver[i][0], sizeof w->driver[i][0], 0);
        world_copy_first(&w->e, w->tok, path, w->driver[i][1], sizeof w->driver[i][1], 1);
        snprintf(path, sizeof path, "/v2/telematics/vehicles?connection_id=%s", w->conn[i]);
        world_copy_first(&w->e, w->tok, path, w->vehicle[i], sizeof w->vehicle[i], 0);
        snprintf(path, sizeof path, "/v2/telematics/trailers?connection_id=%s", w->conn[i]);
        world_copy_first(&w->e, w->tok, path, w->trailer[i], sizeof w->trailer[i], 0);
    }
    cJSON_Delete(conns);
}

static inline void world_stop(world *w)
{
    free(w->tok);
    ck_assert_int_eq(emu_stop(&w->e), 0);
}

/* POST/GET on the control surface; returns the status. */
static inline long world_control(const world *w, const char *method, const char *path, const char *body)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", w->e.url, path);
    http_result r = http_call(method, url, NULL, body ? "application/json" : NULL, body ? body : "");
    long st = r.status;
    http_free(&r);
    return st;
}

static inline void world_drain(const world *w)
{
    ck_assert_int_eq(world_control(w, "POST", "/_emulator/operations/drain?timeout_ms=20000", NULL), 200);
}

/* Sends a write; returns the parsed body and sets *status. */
static inline cJSON *world_write(const world *w, const char *method, const char *path, const char *body, long *status)
{
    return http_send_json(&w->e, method, path, w->tok, body, status);
}

/* Fetches the operation by id through the operations API. */
static inline cJSON *world_operation(const world *w, const char *conn, const char *op_id)
{
    char path[256];
    snprintf(path, sizeof path, "/v2/integrations/connections/%s/resource-operations/%s", conn, op_id);
    long st;
    cJSON *j = http_get_json(&w->e, path, w->tok, &st);
    ck_assert_int_eq(st, 200);
    return j;
}

#endif
