#include "seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_clock.h"
#include "emu_enums.h"
#include "emu_rng.h"
#include "seed_tables.h"
#include "tsp_catalog.h"
#include "vin.h"

#define DAY_US (86400LL * 1000000LL)

static void seeded_uuid_v7(emu_rng *r, int64_t unix_us, uuid *out)
{
    uint8_t rnd[10];
    rng_bytes(r, rnd, sizeof rnd);
    uuid_v7(out, (uint64_t)(unix_us / 1000), rnd);
}

static void seeded_uuid_v4(emu_rng *r, uuid *out)
{
    rng_bytes(r, out->b, 16);
    out->b[6] = (uint8_t)(0x40 | (out->b[6] & 0x0f));
    out->b[8] = (uint8_t)(0x80 | (out->b[8] & 0x3f));
}

static unsigned conn_weight(size_t i)
{
    return 2 + (unsigned)((i * 5 + 3) % 4);
}

size_t seed_share(size_t total, size_t n, size_t i)
{
    if (n == 0)
        return 0;
    size_t min_each = total >= 2 * n ? 2 : (total >= n ? 1 : 0);
    size_t rest = total - min_each * n;
    unsigned wsum = 0;
    for (size_t k = 0; k < n; k++)
        wsum += conn_weight(k);
    size_t given = 0, mine = 0;
    for (size_t k = 0; k < n; k++) {
        size_t s = rest * conn_weight(k) / wsum;
        given += s;
        if (k == i)
            mine = s;
    }
    size_t leftover = rest - given; /* < n: one each to the first connections */
    return min_each + mine + (i < leftover ? 1 : 0);
}

/* Shuffled connection index for each of total records. */
static uint32_t *assign_connections(uint64_t seed, const char *label, size_t total, size_t n_conns)
{
    uint32_t *conn_of = xmalloc((total ? total : 1) * sizeof *conn_of);
    size_t k = 0;
    for (size_t i = 0; i < n_conns; i++)
        for (size_t s = seed_share(total, n_conns, i); s > 0; s--)
            conn_of[k++] = (uint32_t)i;
    emu_rng r;
    rng_seed_stream(&r, seed, label, 0);
    for (size_t i = total; i > 1; i--) {
        size_t j = rng_below(&r, (uint32_t)i);
        uint32_t t = conn_of[i - 1];
        conn_of[i - 1] = conn_of[j];
        conn_of[j] = t;
    }
    return conn_of;
}

static void seed_connections(emu_store *st)
{
    emu_rng r;
    rng_seed_stream(&r, st->seed, "partner", 0);
    seeded_uuid_v4(&r, &st->partner_id);
    for (size_t i = 0; i < st->n_conns; i++) {
        emu_connection *c = &st->conns[i];
        size_t f = (i * 2) / 3;
        const fleet_entry *fl = &FLEETS[f % N_FLEETS];
        emu_rng fr;
        rng_seed_stream(&fr, st->seed, "fleet", f);
        seeded_uuid_v4(&fr, &c->fleet_id);
        if (f < N_FLEETS) {
            snprintf(c->fleet_ref, sizeof c->fleet_ref, "%s", fl->ref);
            snprintf(c->fleet_name, sizeof c->fleet_name, "%s", fl->name);
        } else {
            snprintf(c->fleet_ref, sizeof c->fleet_ref, "%s-%zu", fl->ref, f / N_FLEETS + 1);
            snprintf(c->fleet_name, sizeof c->fleet_name, "%s %zu", fl->name, f / N_FLEETS + 1);
        }
        c->tsp = (int)(i % tsp_count());
        snprintf(c->description, sizeof c->description, "%s \xe2\x80\x94 %s%s", c->fleet_name, tsp_get(c->tsp)->brand,
                 st->hostile && i == 0 ? " \x1b[2J\x1b[H\x07" : "");
        c->status = "active";
        if (i == 3)
            c->status = "paused";
        else if (i == 6)
            c->status = "stale";
        emu_rng cr;
        rng_seed_stream(&cr, st->seed, "connection", i);
        c->created_us = SEED_EPOCH_US - 120 * DAY_US + (int64_t)i * 3 * DAY_US + rng_range(&cr, 0, DAY_US);
        c->updated_us = c->created_us + rng_range(&cr, DAY_US, 20 * DAY_US);
        seeded_uuid_v7(&cr, c->created_us, &c->id);
        /* Some connections share a resource read-only (section D: writes there get 403). */
        if (i == 2) {
            c->read_only[RES_VEHICLE] = true;
            c->read_only[RES_TRAILER] = true;
        }
        if (i == 4)
            c->read_only[RES_USER] = true;
        if (i == 5)
            c->read_only[RES_MESSAGE] = c->read_only[RES_GROUP_MESSAGE] = true;
    }
}

typedef struct gen_ctx {
    emu_store *st;
    emu_rng r;
    rec_builder rb;
    int64_t created_us;
    size_t k; /* global sequence number of the record within its resource */
} gen_ctx;

static emu_record new_record(gen_ctx *g, emu_resource res, uint32_t conn)
{
    emu_record rec = {0};
    rec.conn = conn;
    rec.created_us = g->created_us;
    int64_t room = SEED_EPOCH_US - g->created_us;
    rec.updated_us = g->created_us + (room > 0 ? rng_range(&g->r, 0, room - 1) : 0);
    rec.occurred_us = rec.updated_us;
    seeded_uuid_v7(&g->r, g->created_us, &rec.id);
    emu_connection *c = &g->st->conns[conn];
    char sid[64];
    tsp_format_source_id(tsp_get(c->tsp), res, c->source_seq[res]++, sid, sizeof sid);
    rec.source_id = xstrdup(sid);
    return rec;
}

static void pick_person(gen_ctx *g, bool featured_slot, size_t featured_idx, person_name *p)
{
    if (featured_slot) {
        *p = FEATURED_NAMES[featured_idx];
        return;
    }
    if (rng_below(&g->r, 10) == 0) {
        *p = WORLD_NAMES[rng_below(&g->r, (uint32_t)N_WORLD_NAMES)];
        return;
    }
    const name_entry *f = &FIRST_NAMES[rng_below(&g->r, (uint32_t)N_FIRST_NAMES)];
    const name_entry *l = &LAST_NAMES[rng_below(&g->r, (uint32_t)N_LAST_NAMES)];
    p->first = f->text;
    p->first_ascii = f->ascii;
    p->last = l->text;
    p->last_ascii = l->ascii;
}

static void gen_user(gen_ctx *g, uint32_t conn, bool first_in_conn, size_t *featured_used)
{
    emu_connection *c = &g->st->conns[conn];
    const fleet_entry *fl = &FLEETS[((size_t)conn * 2 / 3) % N_FLEETS];
    emu_record rec = new_record(g, RES_USER, conn);
    rec_builder *rb = &g->rb;
    rb_begin(rb, &RESOURCE_DEFS[RES_USER]);

    const char *role = "Driver";
    bool driver = true;
    if (first_in_conn) {
        role = "Dispatcher";
        driver = false;
    } else if (rng_below(&g->r, 100) < 6) {
        static const char *const roles[] = {"Dispatcher", "Fleet Manager", "Safety Manager", "Administrator"};
        role = RNG_PICK(&g->r, roles);
        driver = false;
    }
    bool featured = driver && *featured_used < N_FEATURED_NAMES;
    person_name p;
    pick_person(g, featured, *featured_used, &p);
    if (featured)
        (*featured_used)++;
    const region_entry *reg = &REGIONS[rng_below(&g->r, (uint32_t)N_REGIONS)];
    bool active = rng_below(&g->r, 100) < 94;

    rb_strf(rb, UF_username, "%c%s%zu", p.first_ascii[0], p.last_ascii, g->k);
    rb_time(rb, UF_started_at, rec.created_us - rng_range(&g->r, 30, 2000) * DAY_US);
    rb_bool(rb, UF_is_active, active);
    rb_str(rb, UF_status, active ? "ACTIVE" : "INACTIVE");
    rb_bool(rb, UF_is_driver, driver);
    rb_str(rb, UF_user_designation, role);
    rb_strf(rb, UF_user_email, "%s.%s%zu@%s", p.first_ascii, p.last_ascii, g->k, fl->domain);
    if (g->st->hostile && g->k == 1)
        rb_str(rb, UF_first_name, "Eve\r\n\tTab\x1b[2J");
    else
        rb_str(rb, UF_first_name, p.first);
    rb_str(rb, UF_last_name, p.last);
    rb_strf(rb, UF_phone_number, "+1%s5550%03u", reg->area_code, 100 + rng_below(&g->r, 100));
    rb_str(rb, UF_country_code, reg->country);
    if (driver) {
        rb_str(rb, UF_license_country, reg->country);
        rb_str(rb, UF_license_region, reg->code);
        rb_strf(rb, UF_license_number, "%c%08u", 'A' + rng_below(&g->r, 26), rng_below(&g->r, 100000000));
        rb_date(rb, UF_license_expiration, SEED_EPOCH_US + rng_range(&g->r, 30, 1800) * DAY_US);
        rb_str(rb, UF_hos_ruleset_code,
               strcmp(reg->country, "CAN") == 0 ? "US_INT_PROP_70_8" : (rng_below(&g->r, 4) ? "US_INT_PROP_70_8" : "US_INT_PROP_60_7"));
        rb_bool(rb, UF_allow_yard_move, rng_below(&g->r, 3) != 0);
        rb_bool(rb, UF_allow_personal_conveyance, rng_below(&g->r, 2) != 0);
        rb_bool(rb, UF_allow_adverse_driving, true);
        rb_str(rb, UF_hos_compliance_type, "non_exempt");
        rb_str(rb, UF_hos_tracking_method, "automatic");
    } else {
        rb_bool(rb, UF_allow_yard_move, false);
        rb_bool(rb, UF_allow_personal_conveyance, false);
        rb_bool(rb, UF_allow_adverse_driving, false);
    }
    rb_strf(rb, UF_employee_number, "E%05zu", 10000 + g->k);
    rb_str(rb, UF_company_name, c->fleet_name);
    rb_strf(rb, UF_company_address, "%s, %s", fl->street, fl->city_line);
    rb_str(rb, UF_carrier_number, fl->usdot);
    rb_time(rb, UF_last_tsp_login, rec.updated_us);
    rb_str(rb, UF_default_time_zone, reg->time_zone);
    rec.blob = rb_finish(rb);
    rec.flags = driver ? REC_IS_DRIVER : 0;
    store_add(g->st, RES_USER, &rec);
}

static void gen_vehicle(gen_ctx *g, uint32_t conn)
{
    emu_connection *c = &g->st->conns[conn];
    const tsp_info *t = tsp_get(c->tsp);
    emu_record rec = new_record(g, RES_VEHICLE, conn);
    rec_builder *rb = &g->rb;
    rb_begin(rb, &RESOURCE_DEFS[RES_VEHICLE]);
    const truck_model *m = &TRUCK_MODELS[rng_below(&g->r, (uint32_t)N_TRUCK_MODELS)];
    const region_entry *reg = &REGIONS[rng_below(&g->r, (uint32_t)N_REGIONS)];
    int year = 2015 + (int)rng_below(&g->r, 11);
    char vin[18];
    vin_generate(&g->r, m->wmi, year, vin);
    unsigned st_roll = rng_below(&g->r, 100);
    const char *status = st_roll < 88 ? "IN_SERVICE" : st_roll < 92 ? "IN_REPAIR" : st_roll < 96 ? "OUT_OF_SERVICE" : "SPARE";

    /* Hostile names, on request: an OSC title change, a colour escape, a bidi override, C1 and
     * invalid UTF-8; a client must show them as harmless text. */
    static const char *const hostile_vehicles[] = {"\x1b]0;pwned\x07Truck \x1b[31mRED\x1b[0m",
                                                   "\xe2\x80\xaeTruck RTL override", "Bad \xff\xfe bytes \xc2\x9b""31m C1"};
    if (g->st->hostile && g->k < 3)
        rb_str(rb, VF_vehicle_name, hostile_vehicles[g->k]);
    else
        rb_strf(rb, VF_vehicle_name, "Truck %zu", 1000 + g->k);
    rb_str(rb, VF_oem, m->oem);
    rb_str(rb, VF_model_type, m->model);
    rb_int(rb, VF_model_year, year);
    rb_str(rb, VF_vin, vin);
    rb_str(rb, VF_license_plate_region, reg->code);
    rb_str(rb, VF_license_plate_country, reg->country);
    rb_strf(rb, VF_license_plate_number, "%c%c%c%04u", 'A' + rng_below(&g->r, 26), 'A' + rng_below(&g->r, 26),
            'A' + rng_below(&g->r, 26), rng_below(&g->r, 10000));
    rb_time(rb, VF_started_at, rec.created_us - rng_range(&g->r, 10, 900) * DAY_US);
    rb_bool(rb, VF_is_active, strcmp(status, "OUT_OF_SERVICE") != 0);
    rb_str(rb, VF_status, status);
    rb_strf(rb, VF_eld_id, "%s-%zu", t->slug, 5000 + g->k);
    rb_strf(rb, VF_eld_serial_number, "%c%c%c%c-%03X-%03X", 'G' + rng_below(&g->r, 8), 'A' + rng_below(&g->r, 26),
            '0' + rng_below(&g->r, 10), 'A' + rng_below(&g->r, 26), rng_below(&g->r, 4096), rng_below(&g->r, 4096));
    rb_str(rb, VF_eld_device_type, t->eld_device_type);
    rb_strf(rb, VF_eld_product_id, "%s-%02u", t->eld_device_type, 1 + rng_below(&g->r, 9));
    rb_int(rb, VF_total_axles, 3);
    rb_strf(rb, VF_external_id, "FL-%05zu", 1000 + g->k);
    rb_str(rb, VF_speed_unit, "m/s");
    rb_str(rb, VF_odometer_unit, "m");
    rb_str(rb, VF_fuel_unit, "m3");
    rb_str(rb, VF_fuel_capacity, strcmp(m->engine_type, "ELECTRICITY") == 0 ? NULL : "0.568");
    rb_str(rb, VF_engine_type, m->engine_type);
    rec.blob = rb_finish(rb);
    store_add(g->st, RES_VEHICLE, &rec);
}

static void gen_trailer(gen_ctx *g, uint32_t conn)
{
    emu_record rec = new_record(g, RES_TRAILER, conn);
    rec_builder *rb = &g->rb;
    rb_begin(rb, &RESOURCE_DEFS[RES_TRAILER]);
    const trailer_model *m = &TRAILER_MODELS[rng_below(&g->r, (uint32_t)N_TRAILER_MODELS)];
    const region_entry *reg = &REGIONS[rng_below(&g->r, (uint32_t)N_REGIONS)];
    int year = 2012 + (int)rng_below(&g->r, 14);
    char vin[18];
    vin_generate(&g->r, m->wmi, year, vin);
    bool active = rng_below(&g->r, 100) < 93;
    const char *prefix = strcmp(m->type, "reefer") == 0 ? "RF" : strcmp(m->type, "flatbed") == 0 ? "FB" : "DV";
    /* Names whose width a terminal measures per grapheme cluster, on request: a family (ZWJ), a
     * coder with a skin tone, a heart on fire (VS16 and ZWJ), flags, Thai stacks (น้ำ, กิ่ with
     * four more tone marks), a tone mark with no consonant, ten accents on one letter, CJK. */
    static const char *const wide_trailers[] = {
        "Fam \xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7 ily",
        "Dev \xf0\x9f\x91\xa9\xf0\x9f\x8f\xbd\xe2\x80\x8d\xf0\x9f\x92\xbb \xe2\x9d\xa4\xef\xb8\x8f\xe2\x80\x8d"
        "\xf0\x9f\x94\xa5 \xf0\x9f\x87\xab\xf0\x9f\x87\xb7",
        "\xe0\xb8\x99\xe0\xb9\x89\xe0\xb8\xb3 \xe0\xb8\x81\xe0\xb8\xb4\xe0\xb9\x88\xe0\xb9\x88\xe0\xb9\x88"
        "\xe0\xb9\x88\xe0\xb9\x88 Thai",
        "\xe0\xb9\x88lone e\xcc\x81\xcc\x82\xcc\x83\xcc\x84\xcc\x85\xcc\x86\xcc\x87\xcc\x88\xcc\x89\xcc\x8a"
        " \xe7\x8e\x8b\xe4\xbc\x9f"};
    if (g->st->wide && g->k < sizeof wide_trailers / sizeof wide_trailers[0])
        rb_str(rb, TF_trailer_name, wide_trailers[g->k]);
    else
        rb_strf(rb, TF_trailer_name, "%s-%zu", prefix, 5000 + g->k);
    rb_str(rb, TF_oem, m->oem);
    rb_str(rb, TF_model_type, m->model);
    rb_int(rb, TF_model_year, year);
    rb_str(rb, TF_vin, vin);
    rb_str(rb, TF_license_plate_region, reg->code);
    rb_str(rb, TF_license_plate_country, reg->country);
    rb_strf(rb, TF_license_plate_number, "%u%c%c%04u", 1 + rng_below(&g->r, 9), 'A' + rng_below(&g->r, 26),
            'A' + rng_below(&g->r, 26), rng_below(&g->r, 10000));
    rb_time(rb, TF_started_at, rec.created_us - rng_range(&g->r, 10, 1500) * DAY_US);
    rb_bool(rb, TF_is_active, active);
    rb_str(rb, TF_status, active ? "active" : "inactive");
    rb_int(rb, TF_total_axles, strcmp(m->type, "flatbed") == 0 ? 2 : 2 + (int)rng_below(&g->r, 2));
    rb_strf(rb, TF_external_id, "TR-%05zu", 5000 + g->k);
    rb_num(rb, TF_trailer_length, m->length_m);
    rb_str(rb, TF_trailer_type, m->type);
    rec.blob = rb_finish(rb);
    store_add(g->st, RES_TRAILER, &rec);
}

static void seed_resource(emu_store *st, emu_resource res, size_t total)
{
    const char *label = RESOURCE_DEFS[res].name;
    uint32_t *conn_of = assign_connections(st->seed, label, total, st->n_conns);
    gen_ctx g = {.st = st};
    rng_seed_stream(&g.r, st->seed, label, 1);
    memset(&g.rb, 0, sizeof g.rb);
    bool *seen = xcalloc(st->n_conns ? st->n_conns : 1, sizeof *seen);
    size_t featured_used = 0;
    int64_t span = 60 * DAY_US;
    int64_t step = total ? span / (int64_t)total : span;
    if (step < 2)
        step = 2;
    for (size_t k = 0; k < total; k++) {
        g.k = k;
        g.created_us = SEED_EPOCH_US - span + (int64_t)k * step + rng_range(&g.r, 0, step - 1);
        uint32_t conn = conn_of[k];
        if (res == RES_USER)
            gen_user(&g, conn, !seen[conn], &featured_used);
        else if (res == RES_VEHICLE)
            gen_vehicle(&g, conn);
        else
            gen_trailer(&g, conn);
        seen[conn] = true;
    }
    rb_free(&g.rb);
    free(seen);
    free(conn_of);
}

emu_store *seed_store(const seed_config *cfg)
{
    emu_store *st = store_new(cfg->seed, cfg->connections);
    st->hostile = cfg->hostile;
    st->wide = cfg->wide;
    seed_connections(st);
    seed_resource(st, RES_USER, cfg->users);
    seed_resource(st, RES_VEHICLE, cfg->vehicles);
    seed_resource(st, RES_TRAILER, cfg->trailers);
    return st;
}
