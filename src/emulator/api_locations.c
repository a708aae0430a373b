/* api_locations: GET /v2/telematics/analytics/vehicles/live-locations. Every vehicle drives a seeded loop
 * around a home city, in drive/park cycles: its position, speed, odometer, fuel level and engine hours are
 * a pure function of the emulated time (deterministic, moved by --time-scale and clock advances).
 * In-service vehicles report on a shared 30 s grid; out-of-service and spare ones last reported 1-72 h
 * before the start of the current day (UTC) and stand still. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "emu_clock.h"
#include "emu_json.h"
#include "emu_rng.h"
#include "paging.h"
#include "params.h"
#include "seed.h"
#include "tsp_catalog.h"

#define SEC_US 1000000LL
#define HOUR_US (3600 * SEC_US)
#define DAY_US (24 * HOUR_US)
#define REPORT_GRID_US (30 * SEC_US)
/* Odometers count from here (a year before the seeded data's epoch). */
#define DRIVE_EPOCH_US (SEED_EPOCH_US - 365 * DAY_US)
#define M_PER_DEG_LAT 111320.0

typedef struct city {
    double lat, lon;
} city;

/* Freight hubs: Chicago, Dallas, Atlanta, Memphis, Kansas City, Denver, Los Angeles, Columbus, Toronto, Phoenix. */
static const city CITIES[] = {{41.88, -87.63}, {32.78, -96.80}, {33.75, -84.39}, {35.15, -90.05}, {39.10, -94.58},
                              {39.74, -104.99}, {34.05, -118.24}, {39.96, -83.00}, {43.65, -79.38}, {33.45, -112.07}};

typedef struct vehicle_live {
    double lat, lon, speed, odometer, fuel, engine_hours, oil_pa, coolant_k;
    bool has_fuel;
    int64_t occurred_us;
} vehicle_live;

static bool is_stale(const emu_record *v)
{
    const char *st = blob_field(v->blob, VF_status);
    return strcmp(st, "\"OUT_OF_SERVICE\"") == 0 || strcmp(st, "\"SPARE\"") == 0;
}

static int64_t report_time(uint64_t seed, uint32_t idx, const emu_record *v, int64_t now)
{
    if (!is_stale(v))
        return now - ((now % REPORT_GRID_US) + REPORT_GRID_US) % REPORT_GRID_US;
    emu_rng r;
    rng_seed_stream(&r, seed, "live-stale", idx);
    int64_t day = now - ((now % DAY_US) + DAY_US) % DAY_US;
    return day - rng_range(&r, 3600, 72 * 3600) * SEC_US;
}

static void live_state(uint64_t seed, uint32_t idx, const emu_record *v, int64_t now, vehicle_live *out)
{
    emu_rng r;
    rng_seed_stream(&r, seed, "live-location", idx);
    const city *home = &CITIES[rng_below(&r, (uint32_t)(sizeof CITIES / sizeof CITIES[0]))];
    double lat0 = home->lat + (rng_unit(&r) - 0.5), lon0 = home->lon + (rng_unit(&r) - 0.5);
    double radius = 30000 + rng_unit(&r) * 220000;         /* m */
    double v_ms = 18 + rng_unit(&r) * 9;                   /* cruising speed */
    double period = (3 + rng_unit(&r) * 5) * 3600;         /* s, one drive + park cycle */
    double moving = period * (0.25 + rng_unit(&r) * 0.2); /* s of it on the road */
    double phase = rng_unit(&r) * period, bearing = rng_unit(&r) * 2 * M_PI;
    double odo0 = (100000 + rng_unit(&r) * 300000) * 1000, fuel0 = rng_unit(&r) * 85, hours0 = 2000 + rng_unit(&r) * 9000;
    out->occurred_us = report_time(seed, idx, v, now);
    double t = (double)(out->occurred_us - DRIVE_EPOCH_US) / SEC_US + phase;
    if (t < 0)
        t = 0;
    double cycles = floor(t / period), frac = t - cycles * period;
    double driven_s = cycles * moving + (frac < moving ? frac : moving);
    bool on_road = frac < moving && !is_stale(v);
    double dist = v_ms * driven_s;
    double angle = bearing + dist / radius;
    out->lat = lat0 + radius * cos(angle) / M_PER_DEG_LAT;
    out->lon = lon0 + radius * sin(angle) / (M_PER_DEG_LAT * cos(lat0 * M_PI / 180));
    out->speed = on_road ? v_ms + 2.5 * sin(frac / 97.0) : 0;
    out->odometer = odo0 + dist;
    out->has_fuel = strcmp(blob_field(v->blob, VF_engine_type), "\"ELECTRICITY\"") != 0;
    out->fuel = 100 - fmod(fuel0 + dist / 1000 * 0.0625, 85); /* 1,360 km from 100 % to 15 %, then a fill-up */
    out->engine_hours = hours0 + driven_s * 1.15 / 3600;
    out->oil_pa = on_road ? 275000 + 15000 * sin(frac / 61.0) : 0;
    out->coolant_k = on_road ? 361 + 3 * sin(frac / 131.0) : 295;
}

/* Drivers of each connection in user order, and the vehicle's driver: the k-th vehicle of a connection
 * drives with its k-th driver (out-of-service and spare vehicles have none). */
typedef struct crew {
    uint32_t **drivers;
    size_t *n;
    size_t n_conns;
} crew;

static void crew_build(const emu_store *st, crew *c)
{
    c->n_conns = st->n_conns;
    c->drivers = xcalloc(st->n_conns ? st->n_conns : 1, sizeof *c->drivers);
    c->n = xcalloc(st->n_conns ? st->n_conns : 1, sizeof *c->n);
    const emu_collection *users = &st->coll[RES_USER];
    for (size_t k = 0; k < st->n_conns; k++) {
        const index_list *l = &users->by_conn[k];
        c->drivers[k] = xmalloc((l->n ? l->n : 1) * sizeof(uint32_t));
        for (size_t i = 0; i < l->n; i++)
            if (users->items[l->v[i]].flags & REC_IS_DRIVER)
                c->drivers[k][c->n[k]++] = l->v[i];
    }
}

static void crew_free(crew *c)
{
    for (size_t k = 0; k < c->n_conns; k++)
        free(c->drivers[k]);
    free(c->drivers);
    free(c->n);
}

static const emu_record *driver_of(const emu_store *st, const crew *c, uint32_t idx)
{
    const emu_record *v = &st->coll[RES_VEHICLE].items[idx];
    if (is_stale(v))
        return NULL;
    const index_list *l = &st->coll[RES_VEHICLE].by_conn[v->conn];
    size_t lo = 0, hi = l->n; /* by_conn is ascending */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (l->v[mid] < idx)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->n[v->conn] ? &st->coll[RES_USER].items[c->drivers[v->conn][lo]] : NULL;
}

static void put_num(strbuf *sb, bool *first, const char *key, double v, int decimals)
{
    char t[64];
    snprintf(t, sizeof t, "%.*f", decimals, v);
    json_member_raw(sb, first, key, t);
}

static void render_live(strbuf *sb, const emu_store *st, const crew *c, uint32_t idx, int64_t now)
{
    const emu_record *v = &st->coll[RES_VEHICLE].items[idx];
    const tsp_info *t = tsp_get((size_t)st->conns[v->conn].tsp);
    vehicle_live lv;
    live_state(st->seed, idx, v, now, &lv);
    bool first = true;
    char id[UUID_STR_LEN], tm[EMU_TIME_LEN], loc[160];
    strbuf_putc(sb, '{');
    uuid_format(&v->id, id);
    json_member_str(sb, &first, "vehicle_id", id);
    json_member_raw(sb, &first, "vin", blob_field(v->blob, VF_vin));
    json_member_raw(sb, &first, "vehicle_name", blob_field(v->blob, VF_vehicle_name));
    json_member_str(sb, &first, "tsp_id", t->tsp_id);
    json_member_str(sb, &first, "tsp_slug", t->slug);
    json_member_str(sb, &first, "source_name", t->source_name);
    const emu_record *d = driver_of(st, c, idx);
    if (d) {
        char name[300];
        uuid_format(&d->id, id);
        json_member_str(sb, &first, "driver_id", id);
        user_full_name(d, name, sizeof name);
        json_member_str(sb, &first, "driver_name", name);
    } else {
        json_member_null(sb, &first, "driver_id");
        json_member_null(sb, &first, "driver_name");
    }
    json_member_null(sb, &first, "h3_index_11");
    put_num(sb, &first, "speed", lv.speed, 2);
    put_num(sb, &first, "odometer", lv.odometer, 1);
    if (lv.has_fuel)
        put_num(sb, &first, "fuel_level", lv.fuel, 1);
    else
        json_member_null(sb, &first, "fuel_level");
    put_num(sb, &first, "engine_hours", lv.engine_hours, 2);
    put_num(sb, &first, "oil_pressure", lv.oil_pa, 0);
    put_num(sb, &first, "coolant_temperature", lv.coolant_k, 1);
    emu_time_format(lv.occurred_us, tm);
    json_member_str(sb, &first, "occurred_at", tm);
    snprintf(loc, sizeof loc, "{\"type\":\"Point\",\"coordinates\":[%.6f,%.6f],\"bbox\":null}", lv.lon, lv.lat);
    json_member_raw(sb, &first, "location", loc);
    json_member_str(sb, &first, "speed_unit", "m/s");
    json_member_str(sb, &first, "odometer_unit", "m");
    json_member_str(sb, &first, "oil_pressure_unit", "Pa");
    json_member_str(sb, &first, "coolant_temperature_unit", "K");
    strbuf_putc(sb, '}');
}

enum live_sort { SORT_OCCURRED, SORT_NAME, SORT_ID, SORT_SPEED, SORT_ODOMETER, SORT_FUEL };
static const char *const SORT_NAMES[] = {"occurred_at", "vehicle_name", "vehicle_id", "speed", "odometer", "fuel_level",
                                         NULL};

typedef struct live_key {
    uint32_t idx;
    const emu_record *v;
    double num;
    int64_t at;
} live_key;

static int cmp_key(const void *pa, const void *pb, void *arg)
{
    const live_key *a = pa, *b = pb;
    int sort = *(const int *)arg, r = 0;
    if (sort == SORT_OCCURRED)
        r = (a->at > b->at) - (a->at < b->at);
    else if (sort == SORT_NAME)
        r = strcmp(blob_field(a->v->blob, VF_vehicle_name), blob_field(b->v->blob, VF_vehicle_name));
    else if (sort == SORT_ID)
        r = memcmp(a->v->id.b, b->v->id.b, 16);
    else
        r = (a->num > b->num) - (a->num < b->num);
    return r ? r : (a->idx > b->idx) - (a->idx < b->idx);
}

typedef struct live_filter {
    bool *conn_ok; /* NULL = every connection */
    uuid *vehicle_ids, *driver_ids;
    size_t n_vehicle_ids, n_driver_ids;
    const char **source_ids;
    size_t n_source_ids;
    int sort;
    bool desc;
} live_filter;

static void live_filter_free(live_filter *f)
{
    free(f->conn_ok);
    free(f->vehicle_ids);
    free(f->driver_ids);
    free(f->source_ids);
}

static bool parse_filter(const emu_store *st, const query_args *q, live_filter *f, problem_list *p)
{
    memset(f, 0, sizeof *f);
    uuid conn_id;
    bool has_conn = param_uuid(q, "connection_id", p, &conn_id);
    uuid *fleet_ids = NULL;
    size_t n_fleet_ids = param_uuid_list(q, "fleet_ids", p, &fleet_ids);
    const char **fleet_refs = NULL;
    size_t n_fleet_refs = param_str_list(q, "fleet_refs", p, &fleet_refs);
    if (has_conn || n_fleet_ids || n_fleet_refs) {
        f->conn_ok = xcalloc(st->n_conns ? st->n_conns : 1, sizeof(bool));
        for (size_t c = 0; c < st->n_conns; c++) {
            bool ok = !has_conn || uuid_equal(&st->conns[c].id, &conn_id), any = !n_fleet_ids;
            for (size_t k = 0; k < n_fleet_ids; k++)
                any |= uuid_equal(&st->conns[c].fleet_id, &fleet_ids[k]);
            ok = ok && any;
            any = !n_fleet_refs;
            for (size_t k = 0; k < n_fleet_refs; k++)
                any |= strcmp(st->conns[c].fleet_ref, fleet_refs[k]) == 0;
            f->conn_ok[c] = ok && any;
        }
    }
    free(fleet_ids);
    free(fleet_refs);
    f->n_vehicle_ids = param_uuid_list(q, "vehicle_ids", p, &f->vehicle_ids);
    f->n_driver_ids = param_uuid_list(q, "driver_ids", p, &f->driver_ids);
    f->n_source_ids = param_str_list(q, "source_ids", p, &f->source_ids);
    const char *by = query_get(q, "sort_by");
    f->sort = SORT_OCCURRED;
    if (by) {
        f->sort = -1;
        for (int i = 0; SORT_NAMES[i]; i++)
            if (strcmp(SORT_NAMES[i], by) == 0)
                f->sort = i;
        if (f->sort < 0)
            problems_add(p, "sort_by", by, "Unknown sort field: use occurred_at, vehicle_name, vehicle_id, speed, "
                         "odometer or fuel_level", "value_error");
    }
    static const char *const orders[] = {"asc", "desc", NULL};
    const char *order = param_enum(q, "sort_order", orders, p);
    f->desc = order && strcmp(order, "desc") == 0;
    return p->n == 0;
}

static bool live_matches(const emu_store *st, const crew *c, const live_filter *f, uint32_t idx)
{
    const emu_record *v = &st->coll[RES_VEHICLE].items[idx];
    if (f->conn_ok && !f->conn_ok[v->conn])
        return false;
    bool any = !f->n_source_ids;
    for (size_t i = 0; i < f->n_source_ids && !any; i++)
        any = strcmp(v->source_id, f->source_ids[i]) == 0;
    if (!any)
        return false;
    if (f->n_driver_ids) {
        const emu_record *d = driver_of(st, c, idx);
        any = false;
        for (size_t i = 0; d && i < f->n_driver_ids && !any; i++)
            any = uuid_equal(&d->id, &f->driver_ids[i]);
    }
    return any;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Indices of the matching vehicles, in the requested order. */
static uint32_t *live_collect(const emu_store *st, const crew *c, const live_filter *f, int64_t now, size_t *out_n)
{
    const emu_collection *vs = &st->coll[RES_VEHICLE];
    uint32_t *cand = NULL;
    size_t n_cand = 0;
    if (f->n_vehicle_ids) {
        cand = xmalloc(f->n_vehicle_ids * sizeof *cand);
        for (size_t i = 0; i < f->n_vehicle_ids; i++) {
            emu_resource res;
            uint32_t idx;
            if (store_lookup(st, &f->vehicle_ids[i], &res, &idx) && res == RES_VEHICLE)
                cand[n_cand++] = idx;
        }
        qsort(cand, n_cand, sizeof *cand, cmp_u32);
    }
    live_key *keys = xmalloc(((f->n_vehicle_ids ? n_cand : vs->n) + 1) * sizeof *keys);
    size_t n = 0;
    size_t total = f->n_vehicle_ids ? n_cand : vs->n;
    for (size_t i = 0; i < total; i++) {
        uint32_t idx = f->n_vehicle_ids ? cand[i] : (uint32_t)i;
        if ((n && f->n_vehicle_ids && keys[n - 1].idx == idx) || !live_matches(st, c, f, idx))
            continue;
        live_key *k = &keys[n++];
        k->idx = idx;
        k->v = &vs->items[idx];
        if (f->sort == SORT_OCCURRED) {
            k->at = report_time(st->seed, idx, k->v, now);
        } else if (f->sort >= SORT_SPEED) {
            vehicle_live lv;
            live_state(st->seed, idx, k->v, now, &lv);
            k->num = f->sort == SORT_SPEED ? lv.speed : f->sort == SORT_ODOMETER ? lv.odometer
                     : lv.has_fuel                ? lv.fuel
                                                  : -1;
        }
    }
    free(cand);
    int sort = f->sort;
    qsort_r(keys, n, sizeof *keys, cmp_key, &sort);
    uint32_t *out = xmalloc((n ? n : 1) * sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = keys[f->desc ? n - 1 - i : i].idx;
    free(keys);
    *out_n = n;
    return out;
}

/* An ordered answer (and the crew it was filtered with), shared by the pages of one query. The orders by
 * occurred_at, vehicle_name and vehicle_id change only with the data or the day (in-service vehicles
 * share one report time), so those are cached: a page then costs the same at any fleet size. */
typedef struct live_snapshot {
    int refs; /* the cache holds one while cached */
    uint64_t fingerprint, gen_vehicles, gen_users;
    int64_t day;
    crew c;
    uint32_t *v;
    size_t n;
} live_snapshot;

#define LIVE_CACHE_SIZE 4

static pthread_mutex_t snap_mu = PTHREAD_MUTEX_INITIALIZER;
static live_snapshot *snap_cache[LIVE_CACHE_SIZE];
static size_t snap_next;

static void snapshot_put(live_snapshot *s)
{
    pthread_mutex_lock(&snap_mu);
    bool last = --s->refs == 0;
    pthread_mutex_unlock(&snap_mu);
    if (last) {
        crew_free(&s->c);
        free(s->v);
        free(s);
    }
}

/* The query's ordered vehicles, from the cache or made now; the caller holds the store's read lock and
 * gives it back with snapshot_put. */
static live_snapshot *snapshot_get(const emu_store *st, const live_filter *f, uint64_t fp, int64_t now)
{
    bool cacheable = f->sort == SORT_OCCURRED || f->sort == SORT_NAME || f->sort == SORT_ID;
    int64_t day = now / DAY_US;
    pthread_mutex_lock(&snap_mu);
    for (size_t i = 0; cacheable && i < LIVE_CACHE_SIZE; i++) {
        live_snapshot *s = snap_cache[i];
        if (s && s->fingerprint == fp && s->gen_vehicles == st->gen[RES_VEHICLE] &&
            s->gen_users == st->gen[RES_USER] && s->day == day) {
            s->refs++;
            pthread_mutex_unlock(&snap_mu);
            return s;
        }
    }
    pthread_mutex_unlock(&snap_mu);
    live_snapshot *s = xcalloc(1, sizeof *s);
    s->refs = 1;
    s->fingerprint = fp;
    s->gen_vehicles = st->gen[RES_VEHICLE];
    s->gen_users = st->gen[RES_USER];
    s->day = day;
    crew_build(st, &s->c);
    s->v = live_collect(st, &s->c, f, now, &s->n);
    if (cacheable) {
        pthread_mutex_lock(&snap_mu);
        live_snapshot *old = snap_cache[snap_next];
        snap_cache[snap_next] = s;
        snap_next = (snap_next + 1) % LIVE_CACHE_SIZE;
        s->refs++;
        pthread_mutex_unlock(&snap_mu);
        if (old)
            snapshot_put(old);
    }
    return s;
}

void api_live_locations(emu_app *app, emu_request *req, emu_response *resp, int arg)
{
    (void)arg;
    problem_list p = {0};
    emu_store *st = app->store;
    live_filter f;
    pthread_rwlock_rdlock(&st->lock);
    if (!parse_filter(st, &req->query, &f, &p)) {
        pthread_rwlock_unlock(&st->lock);
        live_filter_free(&f);
        reply_problems(resp, &p);
        return;
    }
    int64_t now = emu_now_us();
    live_snapshot *snap = snapshot_get(st, &f, query_fingerprint(&req->query), now);
    page_window w;
    if (page_select(&req->query, &p, snap->n, &w)) {
        strbuf *sb = &resp->body;
        strbuf_reset(sb);
        page_begin(sb);
        for (size_t i = w.start; i < w.end; i++) {
            if (i > w.start)
                strbuf_putc(sb, ',');
            render_live(sb, st, &snap->c, snap->v[i], now);
        }
        page_end(sb, &w, true);
        resp->status = 200;
    }
    snapshot_put(snap);
    pthread_rwlock_unlock(&st->lock);
    if (p.n)
        reply_problems(resp, &p);
    live_filter_free(&f);
}
