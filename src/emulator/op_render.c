/* op_render: JSON of resource operations and their logs. */
#include <string.h>

#include "emu_clock.h"
#include "emu_json.h"
#include "operations.h"
#include "tsp_catalog.h"

static const char *const STATUS_NAMES[] = {"pending", "success", "failed"};

static void put_uuid(strbuf *sb, bool *first, const char *key, const uuid *u)
{
    char s[UUID_STR_LEN];
    uuid_format(u, s);
    json_member_str(sb, first, key, s);
}

static void put_time(strbuf *sb, bool *first, const char *key, int64_t us)
{
    char t[EMU_TIME_LEN];
    emu_time_format(us, t);
    json_member_str(sb, first, key, t);
}

static void render_log(strbuf *sb, const emu_op *op, const op_log *l)
{
    bool first = true;
    strbuf_putc(sb, '{');
    put_uuid(sb, &first, "id", &l->id);
    put_time(sb, &first, "created_at", l->at_us);
    put_time(sb, &first, "updated_at", l->at_us);
    put_uuid(sb, &first, "resource_operation_id", &op->id);
    json_member_str(sb, &first, "status", l->ok ? "success" : "failed");
    if (l->error_type)
        json_member_str(sb, &first, "error_type", l->error_type);
    json_member_str(sb, &first, "error_details", l->details);
    if (l->status_code)
        json_member_int(sb, &first, "response_status_code", l->status_code);
    else
        json_member_null(sb, &first, "response_status_code");
    json_put_key(sb, &first, "response_headers");
    if (l->status_code == 429)
        strbuf_printf(sb, "{\"Retry-After\":\"%d\"}", l->retry_after_s);
    else if (l->status_code)
        strbuf_puts(sb, "{\"Content-Type\":\"application/json\"}");
    else
        strbuf_puts(sb, "{}");
    strbuf_putc(sb, '}');
}

void op_render(strbuf *sb, const emu_store *st, const emu_op *op, bool read_model)
{
    const emu_connection *c = &st->conns[op->conn];
    bool first = true;
    strbuf_putc(sb, '{');
    put_uuid(sb, &first, "id", &op->id);
    put_time(sb, &first, "created_at", op->created_us);
    put_time(sb, &first, "updated_at", op->updated_us);
    if (!read_model)
        json_member_null(sb, &first, "deleted_at");
    put_uuid(sb, &first, "partner_id", &st->partner_id);
    put_uuid(sb, &first, "connection_id", &c->id);
    if (read_model) {
        json_member_str(sb, &first, "fleet_ref", c->fleet_ref);
        json_member_str(sb, &first, "source_name", tsp_get((size_t)c->tsp)->source_name);
    }
    json_member_str(sb, &first, "resource", RESOURCE_DEFS[op->res].name);
    if (op->has_resource)
        put_uuid(sb, &first, "resource_id", &op->resource_id);
    else
        json_member_null(sb, &first, "resource_id");
    json_member_str(sb, &first, "source_id", op->source_id);
    json_member_str(sb, &first, "operation_type", op->is_update ? "update" : "create");
    json_member_str(sb, &first, "status", STATUS_NAMES[op->status]);
    json_member_raw(sb, &first, "payload", op->payload);
    json_put_key(sb, &first, "logs");
    strbuf_putc(sb, '[');
    for (size_t i = 0; i < op->n_logs; i++) {
        if (i)
            strbuf_putc(sb, ',');
        render_log(sb, op, &op->logs[i]);
    }
    strbuf_puts(sb, "]}");
}
