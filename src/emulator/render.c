#include "render.h"

#include <string.h>

#include "emu_clock.h"
#include "emu_crypto.h"
#include "emu_json.h"
#include "emu_rng.h"
#include "tsp_catalog.h"

static void derived_uuid(uint64_t seed, const char *label, uint64_t a, uint64_t b, uuid *out)
{
    emu_rng r;
    rng_seed_stream(&r, seed ^ (a * 0x9e3779b97f4a7c15ULL), label, b);
    rng_bytes(&r, out->b, 16);
    out->b[6] = (uint8_t)(0x40 | (out->b[6] & 0x0f));
    out->b[8] = (uint8_t)(0x80 | (out->b[8] & 0x3f));
}

void connection_schedule_id(const emu_store *st, size_t conn, emu_resource res, uuid *out)
{
    derived_uuid(st->seed, "schedule", conn, (uint64_t)res, out);
}

void connection_execution_id(const emu_store *st, size_t conn, emu_resource res, int64_t at_us, uuid *out)
{
    int64_t hour = at_us / (3600LL * 1000000LL);
    derived_uuid(st->seed, "execution", conn * 64 + (uint64_t)res, (uint64_t)hour, out);
}

static void put_uuid_member(strbuf *sb, bool *first, const char *key, const uuid *u)
{
    char s[UUID_STR_LEN];
    uuid_format(u, s);
    json_member_str(sb, first, key, s);
}

static void put_time_member(strbuf *sb, bool *first, const char *key, int64_t us)
{
    char t[EMU_TIME_LEN];
    emu_time_format(us, t);
    json_member_str(sb, first, key, t);
}

static void put_source_data(strbuf *sb, const resource_def *def, const emu_record *rec)
{
    /* A plausible raw TSP payload: the TSP's id plus every non-null field. */
    bool first = true;
    strbuf_putc(sb, '{');
    json_member_str(sb, &first, "id", rec->source_id);
    const char *p = rec->blob;
    for (size_t i = 0; i < def->n_fields; i++) {
        if (strcmp(p, "null") != 0)
            json_member_raw(sb, &first, def->fields[i].name, p);
        p += strlen(p) + 1;
    }
    strbuf_putc(sb, '}');
}

void render_record(strbuf *sb, const emu_store *st, emu_resource res, const emu_record *rec, bool include_source_data)
{
    const resource_def *def = &RESOURCE_DEFS[res];
    const emu_connection *c = &st->conns[rec->conn];
    const tsp_info *t = tsp_get((size_t)c->tsp);
    bool first = true;
    strbuf_putc(sb, '{');
    put_uuid_member(sb, &first, "fleet_id", &c->fleet_id);
    json_member_str(sb, &first, "fleet_ref", c->fleet_ref);
    put_uuid_member(sb, &first, "id", &rec->id);
    put_time_member(sb, &first, "created_at", rec->created_us);
    put_time_member(sb, &first, "updated_at", rec->updated_us);
    json_member_null(sb, &first, "deleted_at");
    put_uuid_member(sb, &first, "connection_id", &c->id);
    json_member_str(sb, &first, "tsp_id", t->tsp_id);
    json_member_str(sb, &first, "tsp_slug", t->slug);
    json_member_str(sb, &first, "source_name", t->source_name);
    json_put_key(sb, &first, "source_data");
    if (include_source_data)
        put_source_data(sb, def, rec);
    else
        strbuf_puts(sb, "{}");
    json_member_str(sb, &first, "source_id", rec->source_id);
    /* SHA-256 of the TSP payload: the source id and the fields as stored. */
    {
        strbuf raw = STRBUF_INIT;
        put_source_data(&raw, def, rec);
        char hex[65];
        sha256_hex(raw.data, raw.len, hex);
        strbuf_free(&raw);
        json_member_str(sb, &first, "source_data_hash", hex);
    }
    put_time_member(sb, &first, "occurred_at", rec->occurred_us);
    uuid ex, sc;
    connection_execution_id(st, rec->conn, res, rec->updated_us, &ex);
    connection_schedule_id(st, rec->conn, res, &sc);
    put_uuid_member(sb, &first, "execution_id", &ex);
    put_uuid_member(sb, &first, "schedule_id", &sc);
    json_member_null(sb, &first, "extras");
    const char *p = rec->blob;
    for (size_t i = 0; i < def->n_fields; i++) {
        unsigned fl = def->fields[i].flags;
        bool is_null = strcmp(p, "null") == 0;
        if (!(fl & RF_WRITE_ONLY) && !(is_null && (fl & RF_OMIT_NULL)))
            json_member_raw(sb, &first, def->fields[i].name, p);
        p += strlen(p) + 1;
    }
    strbuf_putc(sb, '}');
}

static void put_credentials(strbuf *sb, const emu_connection *c)
{
    const char *sn = tsp_get((size_t)c->tsp)->source_name;
    if (strcmp(sn, "samsara") == 0)
        strbuf_puts(sb, "{\"client_id\":\"*****\",\"client_secret\":\"*****\",\"auth_code\":\"*****\"}");
    else if (strcmp(sn, "motive") == 0)
        strbuf_puts(sb, "{\"client_id\":\"*****\",\"client_secret\":\"*****\",\"auth_code\":\"*****\","
                        "\"redirect_uri\":\"https://connect.catenatelematics.com/oauth/callback\"}");
    else if (strcmp(sn, "geotab") == 0) {
        strbuf_puts(sb, "{\"username\":\"*****\",\"password\":\"*****\",\"database\":");
        json_put_str(sb, c->fleet_ref);
        strbuf_puts(sb, ",\"session_id\":null}");
    } else if (strcmp(sn, "verizon_connect") == 0)
        strbuf_puts(sb, "{\"username\":\"*****\",\"password\":\"*****\",\"rest_username\":\"*****\","
                        "\"rest_password\":\"*****\"}");
    else
        strbuf_puts(sb, "{\"api_key\":\"*****\",\"url\":null,\"user_id\":null}");
}

void render_connection(strbuf *sb, const emu_store *st, const emu_connection *c)
{
    (void)st;
    const tsp_info *t = tsp_get((size_t)c->tsp);
    bool first = true;
    strbuf_putc(sb, '{');
    put_uuid_member(sb, &first, "id", &c->id);
    put_time_member(sb, &first, "created_at", c->created_us);
    put_time_member(sb, &first, "updated_at", c->updated_us);
    put_uuid_member(sb, &first, "fleet_id", &c->fleet_id);
    json_member_str(sb, &first, "fleet_ref", c->fleet_ref);
    json_member_str(sb, &first, "tsp_id", t->tsp_id);
    json_member_str(sb, &first, "source_name", t->source_name);
    json_put_key(sb, &first, "credentials");
    put_credentials(sb, c);
    json_member_str(sb, &first, "status", c->status);
    json_member_str(sb, &first, "description", c->description);
    strbuf_putc(sb, '}');
}
