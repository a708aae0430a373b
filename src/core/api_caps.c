#include "core/api_caps.h"

#include "common/strbuf.h"
#include "common/uuid.h"
#include "core/api_pager.h"
#include "core/text.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct share {
    char connection_id[UUID_STR_LEN];
    char resource[32];
    bool read_only;
} share;

typedef struct support {
    char tsp_id[UUID_STR_LEN];
    char source_name[40];
    char resource[32];
    char level[20]; /* implemented | not_implemented | not_supported */
} support;

/* A 501 the API gave to a write: kept for the session, through reloads. */
typedef struct unsupported {
    char connection_id[UUID_STR_LEN];
    char resource[32];
    char *why; /* sanitized */
} unsupported;

struct caps {
    unsupported *unsupported;
    size_t nunsupported;
    share *shares;
    size_t nshares, capshares;
    support *supports;
    size_t nsupports, capsupports;
    bool loaded;
    int pending;
    api *a;
    uint64_t fresh_call; /* in flight, 0 when none */
    api_pager *tsps;     /* in flight, NULL when none */
    void (*done)(void *ud);
    void *ud;
};

caps *caps_new(void)
{
    return xcalloc(1, sizeof(caps));
}

/* Cancels what is in flight without telling the owner (its callbacks touch c). */
static void cancel_loads(caps *c)
{
    c->done = NULL;
    if (c->fresh_call)
        api_cancel(c->a, c->fresh_call);
    if (c->tsps)
        api_pager_cancel(c->tsps);
    c->fresh_call = 0;
    c->tsps = NULL;
}

void caps_free(caps *c)
{
    if (!c)
        return;
    cancel_loads(c);
    for (size_t i = 0; i < c->nunsupported; i++)
        free(c->unsupported[i].why);
    free(c->unsupported);
    free(c->shares);
    free(c->supports);
    free(c);
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

int caps_add_freshness(caps *c, const char *json, size_t len)
{
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!cJSON_IsArray(root)) {
        cJSON_Delete(root);
        return -1;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, root)
    {
        const char *conn = str(it, "connection_id"), *res = str(it, "resource"), *lvl = str(it, "share_level");
        if (strlen(conn) != 36 || !*res || strlen(res) >= 32)
            continue;
        if (c->nshares == c->capshares) {
            c->capshares = c->capshares ? c->capshares * 2 : 32;
            c->shares = xrealloc(c->shares, c->capshares * sizeof *c->shares);
        }
        share *s = &c->shares[c->nshares++];
        snprintf(s->connection_id, sizeof s->connection_id, "%s", conn);
        snprintf(s->resource, sizeof s->resource, "%s", res);
        s->read_only = strcmp(lvl, "read_write") != 0;
    }
    cJSON_Delete(root);
    return 0;
}

/* Takes the items of a tsps page. Names and levels are stored sanitized: they reach messages. */
static void add_tsp_items(caps *c, const cJSON *items)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        const char *tsp = str(it, "tsp_id");
        const cJSON *integ = cJSON_GetObjectItemCaseSensitive(it, "integrations");
        if (strlen(tsp) != 36 || !cJSON_IsObject(integ))
            continue;
        char *name = text_sanitize_str(str(it, "source_name"));
        const cJSON *r;
        cJSON_ArrayForEach(r, integ)
        {
            if (!cJSON_IsString(r) || !r->string || strlen(r->string) >= 32)
                continue;
            if (c->nsupports == c->capsupports) {
                c->capsupports = c->capsupports ? c->capsupports * 2 : 64;
                c->supports = xrealloc(c->supports, c->capsupports * sizeof *c->supports);
            }
            support *s = &c->supports[c->nsupports++];
            char *level = text_sanitize_str(r->valuestring);
            snprintf(s->tsp_id, sizeof s->tsp_id, "%s", tsp);
            snprintf(s->source_name, sizeof s->source_name, "%.39s", name);
            snprintf(s->resource, sizeof s->resource, "%s", r->string);
            snprintf(s->level, sizeof s->level, "%.19s", level);
            free(level);
        }
        free(name);
    }
}

int caps_add_tsps(caps *c, const char *json, size_t len)
{
    cJSON *root = cJSON_ParseWithLength(json, len);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    if (!cJSON_IsArray(items)) {
        cJSON_Delete(root);
        return -1;
    }
    add_tsp_items(c, items);
    cJSON_Delete(root);
    return 0;
}

static const char *noun(const char *resource)
{
    if (!strcmp(resource, "message"))
        return "messages";
    if (!strcmp(resource, "group_message"))
        return "group messages";
    if (!strcmp(resource, "vehicle"))
        return "vehicles";
    if (!strcmp(resource, "trailer"))
        return "trailers";
    if (!strcmp(resource, "user"))
        return "drivers";
    if (!strcmp(resource, "dvir_log"))
        return "DVIR logs";
    if (!strcmp(resource, "fuel_transaction"))
        return "fuel transactions";
    return resource;
}

const char *caps_write_blocked(const caps *c, const char *connection_id, const char *resource, char *why,
                               size_t whycap)
{
    if (!c || !connection_id || !resource)
        return NULL;
    for (size_t i = 0; i < c->nshares; i++) {
        const share *s = &c->shares[i];
        if (s->read_only && !strcmp(s->connection_id, connection_id) && !strcmp(s->resource, resource)) {
            snprintf(why, whycap, "this fleet shares %s read-only with you", noun(resource));
            return why;
        }
    }
    for (size_t i = 0; i < c->nunsupported; i++) {
        const unsupported *u = &c->unsupported[i];
        if (!strcmp(u->connection_id, connection_id) && !strcmp(u->resource, resource)) {
            snprintf(why, whycap, "refused earlier in this session: %s", u->why);
            return why;
        }
    }
    return NULL;
}

const char *caps_write_hint(const caps *c, const char *tsp_id, const char *resource, char *out, size_t cap)
{
    if (!c || !tsp_id || !resource)
        return NULL;
    const support *of_tsp = NULL;
    for (size_t i = 0; i < c->nsupports; i++) {
        const support *s = &c->supports[i];
        if (strcmp(s->tsp_id, tsp_id) != 0)
            continue;
        of_tsp = s;
        if (strcmp(s->resource, resource) != 0)
            continue;
        if (!strcmp(s->level, "implemented"))
            return NULL;
        snprintf(out, cap, "%s's support map says %s: %s (it describes reads); the API will say",
                 *s->source_name ? s->source_name : "the TSP", noun(resource), s->level);
        return out;
    }
    if (!of_tsp) /* the TSP's map is not known: nothing to say */
        return NULL;
    snprintf(out, cap, "%s's support map does not list %s; the API will say",
             *of_tsp->source_name ? of_tsp->source_name : "the TSP", noun(resource));
    return out;
}

void caps_remember_unsupported(caps *c, const char *connection_id, const char *resource, const char *why)
{
    if (!c || !connection_id || strlen(connection_id) != UUID_STR_LEN - 1 || !resource || strlen(resource) >= 32)
        return;
    unsupported *u = NULL;
    for (size_t i = 0; i < c->nunsupported && !u; i++)
        if (!strcmp(c->unsupported[i].connection_id, connection_id) && !strcmp(c->unsupported[i].resource, resource))
            u = &c->unsupported[i];
    if (!u) {
        c->unsupported = xrealloc(c->unsupported, (c->nunsupported + 1) * sizeof *c->unsupported);
        u = &c->unsupported[c->nunsupported++];
        snprintf(u->connection_id, sizeof u->connection_id, "%s", connection_id);
        snprintf(u->resource, sizeof u->resource, "%s", resource);
    } else {
        free(u->why);
    }
    u->why = text_sanitize_str(why && *why ? why : "not supported by this TSP (501)");
}

bool caps_loaded(const caps *c)
{
    return c && c->loaded;
}

static void one_done(caps *c)
{
    if (--c->pending > 0)
        return;
    c->loaded = true;
    if (c->done)
        c->done(c->ud);
}

static void on_freshness(void *ud, const api_reply *r)
{
    caps *c = ud;
    c->fresh_call = 0;
    if (r->status == API_OK)
        caps_add_freshness(c, r->body, r->body_len);
    one_done(c);
}

static int on_tsp_page(void *ud, const api_page *pg, char **err)
{
    (void)err;
    add_tsp_items(ud, pg->items);
    return 0;
}

static void on_tsps_done(void *ud, const api_pager_result *res)
{
    caps *c = ud;
    (void)res; /* what was read is kept; unknown support leaves the API the last word */
    c->tsps = NULL;
    one_done(c);
}

void caps_load(caps *c, api *a, void (*done)(void *ud), void *ud)
{
    cancel_loads(c);
    c->nshares = c->nsupports = 0;
    c->a = a;
    c->done = done;
    c->ud = ud;
    c->pending = 2;
    c->fresh_call = api_call(a, "GET", api_collection_path("data_freshness"), NULL, on_freshness, c);
    api_pager_req req = {.path_query = api_collection_path("tsp"), .on_page = on_tsp_page, .on_done = on_tsps_done,
                         .ud = c};
    api_pager *p = api_pager_start(a, &req);
    if (c->pending > 0 && p) /* else it already ended */
        c->tsps = p;
}
