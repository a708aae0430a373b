/* api_live: vehicles' live locations through the pager (see api_live.h). */
#include "core/api_live.h"

#include "common/strbuf.h"
#include "core/api_messages.h"
#include "core/api_pager.h"
#include "core/text.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIVE_PATH "/v2/telematics/analytics/vehicles/live-locations"

/* ------------------------------------------------------------------ the set */

void live_set_free(live_set *s)
{
    free(s->v);
    free(s->by_driver);
    strpool_free(&s->pool);
    memset(s, 0, sizeof *s);
}

static int cmp_vehicle(const void *x, const void *y)
{
    return memcmp(((const live_loc *)x)->vehicle_id.b, ((const live_loc *)y)->vehicle_id.b, 16);
}

static const live_set *sort_set; /* qsort has no user pointer; indexing is single-threaded */

static int cmp_driver(const void *x, const void *y)
{
    const live_loc *a = &sort_set->v[*(const uint32_t *)x], *b = &sort_set->v[*(const uint32_t *)y];
    int d = memcmp(a->driver_id.b, b->driver_id.b, 16);
    if (d)
        return d;
    return a->at_ms < b->at_ms ? 1 : a->at_ms > b->at_ms ? -1 : 0; /* a driver's newest report first */
}

void live_set_index(live_set *s)
{
    if (s->n > 1)
        qsort(s->v, s->n, sizeof *s->v, cmp_vehicle);
    /* The same vehicle twice (pages moved under the load): keep its newest report. */
    size_t keep = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (keep && uuid_equal(&s->v[keep - 1].vehicle_id, &s->v[i].vehicle_id)) {
            if (s->v[i].at_ms > s->v[keep - 1].at_ms)
                s->v[keep - 1] = s->v[i];
            continue;
        }
        s->v[keep++] = s->v[i];
    }
    s->n = keep;
    free(s->by_driver);
    s->by_driver = xcalloc(s->n + 1, sizeof *s->by_driver);
    s->ndrivers = 0;
    for (size_t i = 0; i < s->n; i++)
        if (!uuid_is_nil(&s->v[i].driver_id))
            s->by_driver[s->ndrivers++] = (uint32_t)i;
    sort_set = s;
    if (s->ndrivers > 1)
        qsort(s->by_driver, s->ndrivers, sizeof *s->by_driver, cmp_driver);
    sort_set = NULL;
}

const live_loc *live_find_vehicle(const live_set *s, const uuid *vehicle_id)
{
    size_t lo = 0, hi = s ? s->n : 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int d = memcmp(s->v[mid].vehicle_id.b, vehicle_id->b, 16);
        if (d == 0)
            return &s->v[mid];
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const live_loc *live_find_driver(const live_set *s, const uuid *driver_id)
{
    size_t lo = 0, hi = s ? s->ndrivers : 0;
    if (!s || uuid_is_nil(driver_id))
        return NULL;
    while (lo < hi) { /* the first entry of this driver: their newest report */
        size_t mid = (lo + hi) / 2;
        if (memcmp(s->v[s->by_driver[mid]].driver_id.b, driver_id->b, 16) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < s->ndrivers && uuid_equal(&s->v[s->by_driver[lo]].driver_id, driver_id))
        return &s->v[s->by_driver[lo]];
    return NULL;
}

const char *live_str(const live_set *s, sref r)
{
    return strpool_get(&s->pool, r);
}

uint64_t live_signature(const live_set *s)
{
    uint64_t h = 14695981039346656037ULL ^ s->n;
    for (size_t i = 0; i < s->n; i++) {
        const live_loc *l = &s->v[i];
        const char *parts[] = {live_str(s, l->place), live_str(s, l->speed), live_str(s, l->vehicle_name),
                               live_str(s, l->driver_name)};
        for (size_t k = 0; k < 4; k++)
            for (const char *p = parts[k]; *p; p++)
                h = (h ^ (unsigned char)*p) * 1099511628211ULL;
        for (int k = 0; k < 16; k++)
            h = (h ^ l->vehicle_id.b[k] ^ (uint64_t)l->driver_id.b[k] << 8) * 1099511628211ULL;
        h = (h ^ (uint64_t)l->at_ms) * 1099511628211ULL;
    }
    return h;
}

/* ------------------------------------------------------------------ ages */

#define MIN_MS 60000LL
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS (24 * HOUR_MS)

void live_age_text(int64_t now_ms, int64_t at_ms, char *buf, size_t cap)
{
    int64_t age = now_ms - at_ms;
    if (!at_ms)
        snprintf(buf, cap, "%s", "");
    else if (age < MIN_MS)
        snprintf(buf, cap, "now");
    else if (age < 90 * MIN_MS)
        snprintf(buf, cap, "%lld min ago", (long long)(age / MIN_MS));
    else if (age < 48 * HOUR_MS)
        snprintf(buf, cap, "%lld h ago", (long long)(age / HOUR_MS));
    else
        snprintf(buf, cap, "%lld d ago", (long long)(age / DAY_MS));
}

int64_t live_next_change_ms(const live_set *s, int64_t now_ms)
{
    int64_t best = -1;
    for (size_t i = 0; s && i < s->n; i++) {
        if (!s->v[i].at_ms)
            continue;
        int64_t age = now_ms - s->v[i].at_ms, step = age < 90 * MIN_MS ? MIN_MS : age < 48 * HOUR_MS ? HOUR_MS : DAY_MS;
        int64_t next = age < 0 ? MIN_MS - age : step - age % step; /* a report from the future is "now" */
        if (best < 0 || next < best)
            best = next;
    }
    return best < 0 ? -1 : best < 1000 ? 1000 : best;
}

/* ------------------------------------------------------------------ decoding */

static const char *jstr(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

/* The place: a name the location carries (not in the contract's Point, but a TSP may add one),
 * else its coordinates as "lat, long" (GeoJSON keeps them long, lat). */
static sref place_of(strpool *p, const cJSON *loc)
{
    static const char *const names[] = {"name", "address", "formatted_address", "description", "place"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *s = jstr(loc, names[i]);
        if (s && *s)
            return strpool_add_clean(p, s);
    }
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(loc, "coordinates");
    const cJSON *lon = cJSON_GetArrayItem(c, 0), *lat = cJSON_GetArrayItem(c, 1);
    if (!cJSON_IsNumber(lat) || !cJSON_IsNumber(lon) || fabs(lat->valuedouble) > 90 || fabs(lon->valuedouble) > 180)
        return 0;
    char buf[64];
    snprintf(buf, sizeof buf, "%.4f, %.4f", lat->valuedouble, lon->valuedouble);
    return strpool_add(p, buf);
}

/* Speed in km/h (the contract's unit is m/s; a unit it does not name is shown as sent). */
static sref speed_of(strpool *p, const cJSON *it)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "speed");
    const char *unit = jstr(it, "speed_unit");
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1000)
        return 0;
    char buf[64];
    if (!unit || strcmp(unit, "m/s") == 0) {
        snprintf(buf, sizeof buf, "%.0f km/h", v->valuedouble * 3.6);
    } else {
        char *clean = text_sanitize_str(unit);
        snprintf(buf, sizeof buf, "%.0f %.16s", v->valuedouble, clean);
        free(clean);
    }
    return strpool_add(p, buf);
}

static void decode_items(live_set *s, const cJSON *items)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        uuid vid;
        if (!cJSON_IsObject(it) || !uuid_parse(jstr(it, "vehicle_id") ? jstr(it, "vehicle_id") : "", &vid))
            continue; /* tolerated: a report that names no vehicle belongs to no row */
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 64;
            s->v = xrealloc(s->v, s->cap * sizeof *s->v);
        }
        live_loc *l = &s->v[s->n++];
        memset(l, 0, sizeof *l);
        l->vehicle_id = vid;
        uuid_parse(jstr(it, "driver_id") ? jstr(it, "driver_id") : "", &l->driver_id);
        conv_parse_time(jstr(it, "occurred_at"), &l->at_ms);
        l->place = place_of(&s->pool, cJSON_GetObjectItemCaseSensitive(it, "location"));
        l->speed = speed_of(&s->pool, it);
        l->vehicle_name = strpool_add_clean(&s->pool, jstr(it, "vehicle_name"));
        l->driver_name = strpool_add_clean(&s->pool, jstr(it, "driver_name"));
    }
}

int live_decode_page(live_set *s, const char *json, size_t len, char **err)
{
    cJSON *root = json ? cJSON_ParseWithLength(json, len) : NULL;
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    if (!cJSON_IsArray(items)) {
        *err = xstrdup(root ? "the page has no items list" : "the answer is not JSON");
        cJSON_Delete(root);
        return -1;
    }
    decode_items(s, items);
    cJSON_Delete(root);
    live_set_index(s);
    return 0;
}

char *live_row_json(const live_set *s, const live_loc *l, const char *connection_id)
{
    cJSON *o = cJSON_CreateObject();
    char id[UUID_STR_LEN], when[40] = "";
    uuid_format(&l->vehicle_id, id);
    cJSON_AddStringToObject(o, "vehicle_id", id);
    cJSON_AddStringToObject(o, "vehicle_name", live_str(s, l->vehicle_name));
    if (uuid_is_nil(&l->driver_id)) {
        cJSON_AddNullToObject(o, "driver_id");
    } else {
        uuid_format(&l->driver_id, id);
        cJSON_AddStringToObject(o, "driver_id", id);
    }
    cJSON_AddStringToObject(o, "driver_name", live_str(s, l->driver_name));
    cJSON_AddStringToObject(o, "location", live_str(s, l->place));
    cJSON_AddStringToObject(o, "speed", live_str(s, l->speed));
    if (l->at_ms) {
        time_t t = (time_t)(l->at_ms / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        cJSON_AddStringToObject(o, "occurred_at", when);
    } else {
        cJSON_AddNullToObject(o, "occurred_at");
    }
    if (connection_id && *connection_id)
        cJSON_AddStringToObject(o, "connection_id", connection_id);
    else
        cJSON_AddNullToObject(o, "connection_id");
    char *p = cJSON_PrintUnformatted(o);
    char *out = xstrdup(p ? p : "{}");
    cJSON_free(p);
    cJSON_Delete(o);
    return out;
}

/* ------------------------------------------------------------------ fetching */

struct api_live_fetch {
    live_set got;
    api_pager *pager;
    api_live_done_cb cb;
    void *ud;
};

static int on_live_page(void *ud, const api_page *pg, char **err)
{
    (void)err;
    api_live_fetch *f = ud;
    decode_items(&f->got, pg->items);
    return 0;
}

static void on_live_done(void *ud, const api_pager_result *res)
{
    api_live_fetch *f = ud;
    f->pager = NULL;
    live_set_index(&f->got);
    if (res->status != API_OK)
        f->got.n = f->got.ndrivers = 0; /* a partial set would show vehicles as gone */
    f->cb(f->ud, &f->got, res->status == API_OK ? NULL : res->error ? res->error : "the locations could not be loaded",
          res->http_status);
    live_set_free(&f->got);
    free(f);
}

static char *live_path(const char *connection_id)
{
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, LIVE_PATH);
    if (connection_id && *connection_id) {
        strbuf_puts(&sb, "?connection_id=");
        strbuf_put_urlencoded(&sb, connection_id);
    }
    return strbuf_detach(&sb);
}

api_live_fetch *api_live_fetch_start(api *a, const char *connection_id, int page_size, api_live_done_cb cb,
                                     void *ud)
{
    api_live_fetch *f = xcalloc(1, sizeof *f);
    f->cb = cb;
    f->ud = ud;
    char *path = live_path(connection_id);
    api_pager_req pr = {.path_query = path, .page_size = page_size, .on_page = on_live_page,
                        .on_done = on_live_done, .ud = f};
    api_pager *p = api_pager_start(a, &pr);
    free(path);
    if (!p)
        return NULL; /* ended: f is freed */
    f->pager = p;
    return f;
}

void api_live_fetch_cancel(api_live_fetch *f)
{
    if (f && f->pager)
        api_pager_cancel(f->pager);
}

typedef struct run_ctx {
    live_set got, *out;
    api_status status;
    char *err;
} run_ctx;

static int on_run_page(void *ud, const api_page *pg, char **err)
{
    (void)err;
    decode_items(&((run_ctx *)ud)->got, pg->items);
    return 0;
}

static void on_run_done(void *ud, const api_pager_result *res)
{
    run_ctx *c = ud;
    c->status = res->status;
    if (res->status != API_OK) {
        c->err = xstrdup(res->error ? res->error : "the locations could not be loaded");
        return;
    }
    live_set_index(&c->got);
    live_set_free(c->out);
    *c->out = c->got;
    memset(&c->got, 0, sizeof c->got);
}

int api_live_run(api *a, const char *connection_id, int page_size, live_set *out, api_status *status, char **err,
                 const volatile int *stop)
{
    run_ctx c = {.out = out, .status = API_CANCELLED};
    char *path = live_path(connection_id);
    api_pager_req pr = {.path_query = path, .page_size = page_size, .on_page = on_run_page, .on_done = on_run_done,
                        .ud = &c};
    api_pager_run(a, &pr, stop);
    free(path);
    live_set_free(&c.got);
    if (status)
        *status = c.status;
    if (c.status != API_OK) {
        *err = c.err ? c.err : xstrdup("cancelled");
        return -1;
    }
    return 0;
}
