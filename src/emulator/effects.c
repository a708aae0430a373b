/* effects: what a successful write does to the data (new records, changed fields, messages). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chatter.h"
#include "emu_clock.h"
#include "emu_crypto.h"
#include "emu_json.h"
#include "operations.h"
#include "policy.h"
#include "tsp_catalog.h"

static void new_uuid_v7(emu_rng *r, int64_t at_us, uuid *out)
{
    uint8_t rnd[10];
    rng_bytes(r, rnd, sizeof rnd);
    uuid_v7(out, (uint64_t)(at_us / 1000), rnd);
}

/* The stored record a body field names (already validated to exist), or NULL. */
static emu_record *ref_record(emu_store *st, const cJSON *body, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);
    uuid id;
    emu_resource res;
    uint32_t idx;
    if (!cJSON_IsString(v) || !uuid_parse(v->valuestring, &id) || !store_lookup(st, &id, &res, &idx))
        return NULL;
    return store_get(st, res, idx);
}

static void put_ref(rec_builder *rb, const resource_def *def, emu_store *st, const cJSON *body, const char *key,
                    const char *source_field)
{
    emu_record *rec = ref_record(st, body, key);
    if (!rec)
        return;
    char id[UUID_STR_LEN];
    uuid_format(&rec->id, id);
    rb_str(rb, resource_field_index(def, key), id);
    rb_str(rb, resource_field_index(def, source_field), rec->source_id);
}

static void full_name(const emu_record *user, char *out, size_t cap)
{
    char first[128] = "", last[128] = "";
    fragment_string(blob_field(user->blob, UF_first_name), first, sizeof first);
    fragment_string(blob_field(user->blob, UF_last_name), last, sizeof last);
    snprintf(out, cap, "%s%s%s", first, *first && *last ? " " : "", last);
}

/* Copies every body field that exists in the read model (connection_id excluded). */
static void copy_body_fields(rec_builder *rb, const resource_def *def, const cJSON *body)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, body)
    {
        if (strcmp(it->string, "connection_id") == 0)
            continue;
        int f = resource_field_index(def, it->string);
        if (f < 0)
            continue;
        char *text = cJSON_PrintUnformatted(it);
        rb_raw(rb, f, text);
        free(text);
    }
}

static void message_text_hash(rec_builder *rb, int field, const cJSON *body)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(body, "message_text");
    if (!cJSON_IsString(t))
        return;
    char hex[65];
    sha256_hex(t->valuestring, strlen(t->valuestring), hex);
    rb_str(rb, field, hex);
}

static void build_message(emu_app *app, const emu_op *op, emu_rng *r, rec_builder *rb, int64_t now)
{
    emu_store *st = app->store;
    const resource_def *def = &RESOURCE_DEFS[RES_MESSAGE];
    put_ref(rb, def, st, op->body, "sender_id", "source_sender_id");
    put_ref(rb, def, st, op->body, "recipient_id", "source_recipient_id");
    copy_body_fields(rb, def, op->body);
    message_text_hash(rb, MF_message_hash, op->body);
    rb_str(rb, MF_status, "sent");
    emu_record *sender = ref_record(st, op->body, "sender_id");
    emu_record *recipient = ref_record(st, op->body, "recipient_id");
    char name[300];
    if (sender) {
        rb_bool(rb, MF_sent_by_driver, sender->flags & REC_IS_DRIVER);
        full_name(sender, name, sizeof name);
        rb_str(rb, MF_sender_name, name);
    }
    if (recipient) {
        full_name(recipient, name, sizeof name);
        rb_str(rb, MF_recipient_name, name);
    }
    emu_record *reply = ref_record(st, op->body, "reply_to_message_id");
    if (reply) {
        rb_raw(rb, MF_thread_id, blob_field(reply->blob, MF_thread_id));
        rb_raw(rb, MF_source_thread_id, blob_field(reply->blob, MF_source_thread_id));
        rb_str(rb, MF_source_reply_to_message_id, reply->source_id);
    } else {
        uuid thread;
        new_uuid_v7(r, now, &thread);
        char s[UUID_STR_LEN];
        uuid_format(&thread, s);
        rb_str(rb, MF_thread_id, s);
        rb_strf(rb, MF_source_thread_id, "thr-%08x", (unsigned)rng_next(r));
    }
}

static void build_group_message(emu_app *app, const emu_op *op, emu_rng *r, rec_builder *rb, int64_t now)
{
    emu_store *st = app->store;
    const resource_def *def = &RESOURCE_DEFS[RES_GROUP_MESSAGE];
    put_ref(rb, def, st, op->body, "sender_id", "source_sender_id");
    copy_body_fields(rb, def, op->body);
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(op->body, "recipient_ids");
    strbuf src = STRBUF_INIT;
    strbuf_putc(&src, '[');
    const cJSON *it;
    bool first = true;
    cJSON_ArrayForEach(it, ids)
    {
        uuid id;
        emu_resource res;
        uint32_t idx;
        if (!cJSON_IsString(it) || !uuid_parse(it->valuestring, &id) || !store_lookup(st, &id, &res, &idx))
            continue;
        if (!first)
            strbuf_putc(&src, ',');
        first = false;
        json_put_str(&src, store_get(st, res, idx)->source_id);
    }
    strbuf_putc(&src, ']');
    rb_raw(rb, GF_source_recipient_ids, src.data);
    strbuf_free(&src);
    message_text_hash(rb, GF_message_hash, op->body);
    rb_str(rb, GF_status, "sent");
    emu_record *sender = ref_record(st, op->body, "sender_id");
    if (sender) {
        char name[300];
        rb_bool(rb, GF_sent_by_driver, sender->flags & REC_IS_DRIVER);
        full_name(sender, name, sizeof name);
        rb_str(rb, GF_sender_name, name);
    }
    uuid u;
    char s[UUID_STR_LEN];
    new_uuid_v7(r, now, &u);
    uuid_format(&u, s);
    rb_str(rb, GF_thread_id, s);
    rb_strf(rb, GF_source_thread_id, "thr-%08x", (unsigned)rng_next(r));
    new_uuid_v7(r, now, &u);
    uuid_format(&u, s);
    rb_str(rb, GF_group_id, s);
    rb_strf(rb, GF_source_group_id, "grp-%08x", (unsigned)rng_next(r));
}

static double to_meters(double v, const char *unit)
{
    if (unit && strcmp(unit, "miles") == 0)
        return v * 1609.344;
    if (unit && strcmp(unit, "kilo_meters") == 0)
        return v * 1000.0;
    return v;
}

static void build_dvir(emu_app *app, const emu_op *op, emu_rng *r, rec_builder *rb)
{
    emu_store *st = app->store;
    const resource_def *def = &RESOURCE_DEFS[RES_DVIR_LOG];
    put_ref(rb, def, st, op->body, "driver_id", "source_driver_id");
    put_ref(rb, def, st, op->body, "vehicle_id", "source_vehicle_id");
    put_ref(rb, def, st, op->body, "trailer_id", "source_trailer_id");
    copy_body_fields(rb, def, op->body);
    const cJSON *odo = cJSON_GetObjectItemCaseSensitive(op->body, "odometer");
    const cJSON *unit = cJSON_GetObjectItemCaseSensitive(op->body, "odometer_unit");
    if (cJSON_IsNumber(odo))
        rb_num(rb, DF_odometer_km, to_meters(odo->valuedouble, cJSON_IsString(unit) ? unit->valuestring : NULL) / 1000);
    rb_strf(rb, DF_version, "%016llx", (unsigned long long)(rng_next(r) & 0xffffffffffULL));
    rb_num(rb, DF_duration_seconds, (double)rng_range(r, 300, 1500));
}

static void build_fuel(emu_app *app, const emu_op *op, rec_builder *rb)
{
    emu_store *st = app->store;
    const resource_def *def = &RESOURCE_DEFS[RES_FUEL_TRANSACTION];
    put_ref(rb, def, st, op->body, "driver_id", "source_driver_id");
    put_ref(rb, def, st, op->body, "vehicle_id", "source_vehicle_id");
    put_ref(rb, def, st, op->body, "co_driver_id", "source_co_driver_id");
    copy_body_fields(rb, def, op->body);
    const cJSON *lat = cJSON_GetObjectItemCaseSensitive(op->body, "latitude");
    const cJSON *lon = cJSON_GetObjectItemCaseSensitive(op->body, "longitude");
    if (cJSON_IsNumber(lat) && cJSON_IsNumber(lon)) {
        char loc[160];
        snprintf(loc, sizeof loc, "{\"type\":\"Point\",\"coordinates\":[%.6f,%.6f],\"bbox\":null}", lon->valuedouble,
                 lat->valuedouble);
        rb_raw(rb, FF_location, loc);
    }
    const cJSON *odo = cJSON_GetObjectItemCaseSensitive(op->body, "odometer");
    const cJSON *unit = cJSON_GetObjectItemCaseSensitive(op->body, "odometer_unit");
    if (cJSON_IsNumber(odo)) {
        rb_num(rb, FF_odometer, to_meters(odo->valuedouble, cJSON_IsString(unit) ? unit->valuestring : NULL));
        rb_str(rb, FF_odometer_unit, "m");
    } else {
        rb_raw(rb, FF_odometer_unit, "null");
    }
    const cJSON *cost = cJSON_GetObjectItemCaseSensitive(op->body, "total_cost");
    if (cJSON_IsNumber(cost))
        rb_strf(rb, FF_total_cost, "%.2f", cost->valuedouble);
}

static int64_t body_time(const cJSON *body, const char *key, int64_t fallback)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);
    int64_t t;
    if (cJSON_IsString(v) && emu_time_parse(v->valuestring, &t))
        return t;
    return fallback;
}

void effects_apply(emu_app *app, const emu_op *op, emu_rng *r, uuid *resource_id, char **source_id)
{
    emu_store *st = app->store;
    const resource_def *def = &RESOURCE_DEFS[op->res];
    int64_t now = emu_now_us();
    rec_builder rb = {0};
    pthread_rwlock_wrlock(&st->lock);
    if (op->is_update) {
        emu_resource res;
        uint32_t idx;
        if (store_lookup(st, &op->target, &res, &idx)) {
            emu_record *rec = store_get(st, res, idx);
            rb_load(&rb, def, rec->blob);
            copy_body_fields(&rb, def, op->body);
            free(rec->blob);
            rec->blob = rb_finish(&rb);
            rec->updated_us = rec->occurred_us = now;
            st->gen[res]++;
            const cJSON *drv = cJSON_GetObjectItemCaseSensitive(op->body, "is_driver");
            if (res == RES_USER && cJSON_IsBool(drv))
                rec->flags = cJSON_IsTrue(drv) ? (rec->flags | REC_IS_DRIVER) : (rec->flags & ~REC_IS_DRIVER);
            *resource_id = rec->id;
            *source_id = xstrdup(rec->source_id);
        }
        pthread_rwlock_unlock(&st->lock);
        rb_free(&rb);
        return;
    }
    emu_connection *c = &st->conns[op->conn];
    emu_record rec = {0};
    rec.conn = op->conn;
    rec.created_us = rec.updated_us = rec.occurred_us = now;
    new_uuid_v7(r, now, &rec.id);
    char sid[64];
    tsp_format_source_id(tsp_get((size_t)c->tsp), op->res, c->source_seq[op->res]++, sid, sizeof sid);
    rec.source_id = xstrdup(sid);
    rb_begin(&rb, def);
    switch (op->res) {
    case RES_VEHICLE:
    case RES_TRAILER:
    case RES_USER:
        copy_body_fields(&rb, def, op->body);
        rb_time(&rb, resource_field_index(def, "started_at"), now);
        if (op->res == RES_USER && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(op->body, "is_driver")))
            rec.flags |= REC_IS_DRIVER;
        break;
    case RES_MESSAGE: build_message(app, op, r, &rb, now); break;
    case RES_GROUP_MESSAGE: build_group_message(app, op, r, &rb, now); break;
    case RES_DVIR_LOG:
        build_dvir(app, op, r, &rb);
        rec.occurred_us = body_time(op->body, "occurred_at", now);
        break;
    case RES_FUEL_TRANSACTION:
        build_fuel(app, op, &rb);
        rec.occurred_us = body_time(op->body, "transaction_time", now);
        break;
    default: break;
    }
    rec.blob = rb_finish(&rb);
    rb_free(&rb);
    *resource_id = rec.id;
    *source_id = xstrdup(rec.source_id);
    uint32_t idx = store_add(st, op->res, &rec);
    pthread_rwlock_unlock(&st->lock);
    if (op->res == RES_MESSAGE || op->res == RES_GROUP_MESSAGE) {
        int64_t deliver = now + policy_delivery_delay_us(r);
        int64_t read = op->res == RES_MESSAGE && policy_message_gets_read(r) ? deliver + policy_read_delay_us(r) : 0;
        ops_track_message(app->ops, op->res, idx, deliver, read);
        if (op->res == RES_MESSAGE)
            chatter_note_message(app->chatter, st, idx, read);
    }
}
