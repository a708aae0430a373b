/* cmd_list: the listings (connections, drivers, vehicles, trailers): an aligned table by default
 * (columns measured in terminal columns), or one JSON object per line with --json. */
#include "app/cmd_private.h"

#include "common/strbuf.h"
#include "common/uuid.h"
#include "core/api_json.h"
#include "core/text.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 8
#define COL_CAP 40 /* widest a column gets (ids are 36) */

typedef struct listing {
    const char *heads[MAX_COLS];
    int ncols;
    /* Writes column col of row i (sanitized text) into out. */
    void (*cell)(const table *t, size_t i, int col, char *out, size_t cap);
    /* Builds the --json object of row i. */
    cJSON *(*json)(const table *t, size_t i, const char *conn_id);
} listing;

static void print_table(const table *t, const listing *ls)
{
    int w[MAX_COLS];
    char cell[512], out[1024];
    for (int k = 0; k < ls->ncols; k++)
        w[k] = text_width(ls->heads[k]);
    for (size_t i = 0; i < t->count; i++)
        for (int k = 0; k < ls->ncols; k++) {
            ls->cell(t, i, k, cell, sizeof cell);
            int cw = text_width(cell);
            if (cw > w[k])
                w[k] = cw < COL_CAP ? cw : COL_CAP;
        }
    for (size_t i = 0; i <= t->count; i++) {
        strbuf line = STRBUF_INIT;
        for (int k = 0; k < ls->ncols; k++) {
            const char *s = ls->heads[k];
            if (i > 0) {
                ls->cell(t, i - 1, k, cell, sizeof cell);
                s = cell;
            }
            bool last = k == ls->ncols - 1;
            text_fit_pad(s, w[k], !last, out, sizeof out);
            strbuf_puts(&line, out);
            if (!last)
                strbuf_puts(&line, "  ");
        }
        /* No trailing blanks when the last cells are empty. */
        while (line.len > 0 && line.data[line.len - 1] == ' ')
            line.data[--line.len] = '\0';
        printf("%s\n", line.data ? line.data : "");
        strbuf_free(&line);
    }
}

static void print_json_lines(const table *t, const listing *ls, const char *conn_id)
{
    for (size_t i = 0; i < t->count; i++) {
        cJSON *o = ls->json(t, i, conn_id);
        char *line = api_json_tree_line(o);
        puts(line);
        free(line);
        cJSON_Delete(o);
    }
}

/* ------------------------------------------------------------------ JSON helpers */

static void add_str(cJSON *o, const char *k, const table *t, sref r)
{
    const char *s = table_str(t, r);
    if (*s)
        cJSON_AddStringToObject(o, k, s);
    else
        cJSON_AddNullToObject(o, k);
}

static void add_id(cJSON *o, const char *k, const uuid *u)
{
    char s[UUID_STR_LEN];
    uuid_format(u, s);
    cJSON_AddStringToObject(o, k, s);
}

static void id_cell(const uuid *u, char *out, size_t cap)
{
    char s[UUID_STR_LEN];
    uuid_format(u, s);
    snprintf(out, cap, "%s", s);
}

/* ------------------------------------------------------------------ connections */

static void conn_cell(const table *t, size_t i, int col, char *out, size_t cap)
{
    const connection_rec *r = table_row(t, i);
    switch (col) {
    case 0: id_cell(&r->id, out, cap); break;
    case 1: snprintf(out, cap, "%s", table_str(t, r->description)); break;
    case 2: snprintf(out, cap, "%s", table_str(t, r->source_name)); break;
    case 3: snprintf(out, cap, "%s", table_str(t, r->status)); break;
    default: snprintf(out, cap, "%s", table_str(t, r->fleet_ref)); break;
    }
}

static cJSON *conn_json(const table *t, size_t i, const char *conn_id)
{
    (void)conn_id;
    const connection_rec *r = table_row(t, i);
    cJSON *o = cJSON_CreateObject();
    add_id(o, "id", &r->id);
    add_str(o, "description", t, r->description);
    add_str(o, "source_name", t, r->source_name);
    add_str(o, "status", t, r->status);
    add_str(o, "fleet_ref", t, r->fleet_ref);
    add_id(o, "tsp_id", &r->tsp_id);
    return o;
}

static const listing CONN_LISTING = {{"ID", "DESCRIPTION", "TSP", "STATUS", "FLEET REF"}, 5, conn_cell, conn_json};

/* ------------------------------------------------------------------ drivers */

static void driver_cell(const table *t, size_t i, int col, char *out, size_t cap)
{
    const user_rec *u = table_row(t, i);
    switch (col) {
    case 0: id_cell(&u->id, out, cap); break;
    case 1: user_display_name(t, u, out, cap); break;
    case 2: snprintf(out, cap, "%s", table_str(t, u->username)); break;
    case 3: snprintf(out, cap, "%s", table_str(t, u->status)); break;
    case 4: snprintf(out, cap, "%s", table_str(t, u->phone)); break;
    case 5: snprintf(out, cap, "%s", table_str(t, u->license)); break;
    default: snprintf(out, cap, "%s", table_str(t, u->source_id)); break;
    }
}

static cJSON *driver_json(const table *t, size_t i, const char *conn_id)
{
    const user_rec *u = table_row(t, i);
    char name[256];
    user_display_name(t, u, name, sizeof name);
    cJSON *o = cJSON_CreateObject();
    add_id(o, "id", &u->id);
    cJSON_AddStringToObject(o, "name", name);
    add_str(o, "first_name", t, u->first_name);
    add_str(o, "last_name", t, u->last_name);
    add_str(o, "username", t, u->username);
    add_str(o, "status", t, u->status);
    cJSON_AddBoolToObject(o, "is_active", u->is_active);
    cJSON_AddBoolToObject(o, "is_driver", u->is_driver);
    add_str(o, "source_id", t, u->source_id);
    add_str(o, "phone_number", t, u->phone);
    add_str(o, "user_email", t, u->email);
    add_str(o, "license_number", t, u->license);
    cJSON_AddStringToObject(o, "connection_id", conn_id);
    return o;
}

static const listing DRIVER_LISTING = {
    {"ID", "NAME", "USERNAME", "STATUS", "PHONE", "LICENSE", "SOURCE ID"}, 7, driver_cell, driver_json};

/* A number the store keeps as 0 when the API sent none: null in the JSON output. */
static void add_positive(cJSON *o, const char *key, double v)
{
    if (v > 0)
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

/* ------------------------------------------------------------------ vehicles */

static void vehicle_cell(const table *t, size_t i, int col, char *out, size_t cap)
{
    const vehicle_rec *v = table_row(t, i);
    switch (col) {
    case 0: id_cell(&v->id, out, cap); break;
    case 1: snprintf(out, cap, "%s", table_str(t, v->name)); break;
    case 2: snprintf(out, cap, "%s", table_str(t, v->vin)); break;
    case 3: snprintf(out, cap, "%s", table_str(t, v->plate)); break;
    case 4: snprintf(out, cap, "%s", table_str(t, v->status)); break;
    default: snprintf(out, cap, "%s", table_str(t, v->source_id)); break;
    }
}

static cJSON *vehicle_json(const table *t, size_t i, const char *conn_id)
{
    const vehicle_rec *v = table_row(t, i);
    cJSON *o = cJSON_CreateObject();
    add_id(o, "id", &v->id);
    add_str(o, "vehicle_name", t, v->name);
    add_str(o, "vin", t, v->vin);
    add_str(o, "license_plate_number", t, v->plate);
    add_str(o, "license_plate_region", t, v->plate_region);
    add_str(o, "oem", t, v->oem);
    add_str(o, "model_type", t, v->model);
    add_positive(o, "model_year", v->year);
    add_str(o, "status", t, v->status);
    cJSON_AddBoolToObject(o, "is_active", v->is_active);
    add_str(o, "source_id", t, v->source_id);
    cJSON_AddStringToObject(o, "connection_id", conn_id);
    return o;
}

static const listing VEHICLE_LISTING = {
    {"ID", "NAME", "VIN", "PLATE", "STATUS", "SOURCE ID"}, 6, vehicle_cell, vehicle_json};

/* ------------------------------------------------------------------ trailers */

static void trailer_cell(const table *t, size_t i, int col, char *out, size_t cap)
{
    const trailer_rec *r = table_row(t, i);
    switch (col) {
    case 0: id_cell(&r->id, out, cap); break;
    case 1: snprintf(out, cap, "%s", table_str(t, r->name)); break;
    case 2: snprintf(out, cap, "%s", table_str(t, r->trailer_type)); break;
    case 3: snprintf(out, cap, "%s", table_str(t, r->plate)); break;
    case 4: snprintf(out, cap, "%s", table_str(t, r->status)); break;
    default: snprintf(out, cap, "%s", table_str(t, r->source_id)); break;
    }
}

static cJSON *trailer_json(const table *t, size_t i, const char *conn_id)
{
    const trailer_rec *r = table_row(t, i);
    cJSON *o = cJSON_CreateObject();
    add_id(o, "id", &r->id);
    add_str(o, "trailer_name", t, r->name);
    add_str(o, "trailer_type", t, r->trailer_type);
    add_str(o, "license_plate_number", t, r->plate);
    add_str(o, "oem", t, r->oem);
    add_str(o, "model_type", t, r->model);
    add_positive(o, "model_year", r->year);
    add_positive(o, "trailer_length", r->length);
    add_str(o, "status", t, r->status);
    cJSON_AddBoolToObject(o, "is_active", r->is_active);
    add_str(o, "source_id", t, r->source_id);
    cJSON_AddStringToObject(o, "connection_id", conn_id);
    return o;
}

static const listing TRAILER_LISTING = {
    {"ID", "NAME", "TYPE", "PLATE", "STATUS", "SOURCE ID"}, 6, trailer_cell, trailer_json};

/* ------------------------------------------------------------------ runs */

static int run_listing(cmd_ctx *c, record_kind kind, const char *path, const char *filter, const listing *ls)
{
    char conn_id[37] = "";
    int rc = 0;
    strbuf q = STRBUF_INIT;
    strbuf_puts(&q, path);
    if (kind != KIND_CONNECTION) {
        rc = cmd_resolve_connection(c, c->args.connection, conn_id, NULL, 0);
        strbuf_printf(&q, "?connection_id=%s%s", conn_id, filter ? filter : "");
    }
    table t;
    table_init(&t, kind);
    if (rc == 0)
        rc = cmd_load_table(c, &t, q.data);
    strbuf_free(&q);
    if (rc == 0) {
        if (c->args.json)
            print_json_lines(&t, ls, conn_id);
        else
            print_table(&t, ls);
    }
    table_clear(&t);
    return rc;
}

int cmd_run_connections(cmd_ctx *c)
{
    return run_listing(c, KIND_CONNECTION, "/v2/integrations/connections", NULL, &CONN_LISTING);
}

int cmd_run_drivers(cmd_ctx *c)
{
    return run_listing(c, KIND_DRIVER, "/v2/telematics/users", "&is_driver=true", &DRIVER_LISTING);
}

int cmd_run_vehicles(cmd_ctx *c)
{
    return run_listing(c, KIND_VEHICLE, "/v2/telematics/vehicles", NULL, &VEHICLE_LISTING);
}

int cmd_run_trailers(cmd_ctx *c)
{
    return run_listing(c, KIND_TRAILER, "/v2/telematics/trailers", NULL, &TRAILER_LISTING);
}
