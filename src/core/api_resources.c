/* api_resources: the resource table (see api_resources.h). The writable fields of each form are
 * exactly the properties of its Update schema in contract/openapi.yaml, minus connection_id, in
 * the order the form shows them: names, identifiers, the rest; notes last (multi-line).
 *
 * Adding a resource (e.g. DVIR logs):
 *  1. store.h: its record struct (uuid id first; strings as sref, numbers int16_t/float, flags
 *     uint8_t) and a KIND_ before KIND__COUNT (conn_tables.by_kind grows with it).
 *  2. Here: its fields (id, the form's fields in form order, TELEMATICS_TAIL), list-view columns,
 *     listing columns, --json keys, and its entry in resources[].
 *  3. If it is written: a FORM_ in forms.h and its api_form_specs entry below.
 *  4. ui/view_NAME.c (one view_ops line) and its line in ui/views.c; the subcommands' entries in
 *     src/app/cmd.c (a listing runs run_listing(c, KIND_...) in cmd_list.c).
 *  5. tests/unit/test_api_resources.c checks the new entry's shape by itself; add its rows to
 *     the item, cell, row and --set tables there. */
#include "core/api_resources.h"

#include "common/strbuf.h"
#include "core/api_enums.h"
#include "core/api_live.h"
#include "core/api_messages.h"
#include "core/forms.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define NF(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ------------------------------------------------------------------ fields */

/* Form fields, kept in the record (rec.m) or not. */
#define S_(n, l, st, off) {n, l, FT_STRING, NULL, 0, 0, false, st, off, REQ_NO, NULL}
#define S(n, l) S_(n, l, ST_NONE, 0)
#define SK(n, l, rec, m) S_(n, l, ST_STR, offsetof(rec, m))
#define T(n, l) {n, l, FT_TEXT, NULL, 0, 0, false, ST_NONE, 0, REQ_NO, NULL}
#define I(n, l, lo, hi) {n, l, FT_INT, NULL, lo, hi, false, ST_NONE, 0, REQ_NO, NULL}
#define IK(n, l, lo, hi, rec, m) {n, l, FT_INT, NULL, lo, hi, false, ST_I16, offsetof(rec, m), REQ_NO, NULL}
#define NUMK(n, l, rec, m) {n, l, FT_NUMBER, NULL, 0, 0, false, ST_F32, offsetof(rec, m), REQ_NO, NULL}
#define B(n, l) {n, l, FT_BOOL, NULL, 0, 0, false, ST_NONE, 0, REQ_NO, NULL}
#define BK(n, l, rec, m) {n, l, FT_BOOL, NULL, 0, 0, false, ST_BOOL, offsetof(rec, m), REQ_NO, NULL}
#define E(n, l, v) {n, l, FT_ENUM, v, 0, 0, false, ST_NONE, 0, REQ_NO, NULL}
#define EK(n, l, v, rec, m) {n, l, FT_ENUM, v, 0, 0, false, ST_STR, offsetof(rec, m), REQ_NO, NULL}
#define F(n, l, t) {n, l, t, NULL, 0, 0, false, ST_NONE, 0, REQ_NO, NULL}
#define FK(n, l, t, rec, m) {n, l, t, NULL, 0, 0, false, ST_STR, offsetof(rec, m), REQ_NO, NULL}
/* Read-only fields: required (an item without them is refused) or optional. */
#define RO_UUID(n, rec, m) {n, NULL, FT_STRING, NULL, 0, 0, false, ST_UUID, offsetof(rec, m), REQ_UUID, NULL}
#define RO_STR(n, rec, m) {n, NULL, FT_STRING, NULL, 0, 0, false, ST_STR, offsetof(rec, m), REQ_NO, NULL}
#define REQ_STR(n, rec, m) {n, NULL, FT_STRING, NULL, 0, 0, false, ST_STR, offsetof(rec, m), REQ_STRING, NULL}
#define REQ_STR_UNKEPT(n) {n, NULL, FT_STRING, NULL, 0, 0, false, ST_NONE, 0, REQ_STRING, NULL}
#define REQ_UUID_UNKEPT(n) {n, NULL, FT_STRING, NULL, 0, 0, false, ST_NONE, 0, REQ_UUID, NULL}

/* A telematics record's fields: its id, then its form's fields, then these TELEMATICS_TAIL_LEN.
 * FORM_FIELDS(a, tail) is the form's part of such an array (test_api_resources checks that it is
 * exactly the labelled fields). */
#define TELEMATICS_TAIL_LEN 3
#define TELEMATICS_TAIL(rec) REQ_STR_UNKEPT("source_name"), REQ_STR("source_id", rec, source_id), \
    REQ_UUID_UNKEPT("connection_id")

static const field_spec connection_fields[] = {
    RO_UUID("id", connection_rec, id),
    RO_STR("description", connection_rec, description),
    REQ_STR("source_name", connection_rec, source_name),
    REQ_STR("status", connection_rec, status),
    RO_STR("fleet_ref", connection_rec, fleet_ref),
    RO_UUID("tsp_id", connection_rec, tsp_id),
};

static const field_spec vehicle_fields[] = {
    RO_UUID("id", vehicle_rec, id),
    SK("vehicle_name", "Name", vehicle_rec, name), FK("vin", "VIN", FT_VIN, vehicle_rec, vin),
    SK("license_plate_number", "Plate number", vehicle_rec, plate),
    SK("license_plate_region", "Plate region", vehicle_rec, plate_region),
    F("license_plate_country", "Plate country", FT_COUNTRY3), S("external_id", "External ID"),
    S("engine_vin", "Engine VIN"), SK("oem", "Make (OEM)", vehicle_rec, oem),
    SK("model_type", "Model", vehicle_rec, model), IK("model_year", "Model year", 1900, 2100, vehicle_rec, year),
    E("engine_type", "Engine type", api_enum_EngineType),
    EK("status", "Status", api_enum_VehicleStatusEnum, vehicle_rec, status),
    BK("is_active", "Active", vehicle_rec, is_active),
    I("total_axles", "Total axles", 1, 20), S("eld_id", "ELD ID"),
    S("eld_serial_number", "ELD serial number"), S("eld_device_type", "ELD device type"),
    S("eld_product_id", "ELD product ID"), S("speed_unit", "Speed unit"),
    S("odometer_unit", "Odometer unit"), S("fuel_unit", "Fuel unit"),
    S("fuel_capacity", "Fuel capacity"), /* a string in the contract */
    T("notes", "Notes"),
    TELEMATICS_TAIL(vehicle_rec),
};

static const field_spec trailer_fields[] = {
    RO_UUID("id", trailer_rec, id),
    SK("trailer_name", "Name", trailer_rec, name), F("vin", "VIN", FT_VIN),
    SK("license_plate_number", "Plate number", trailer_rec, plate), S("license_plate_region", "Plate region"),
    S("license_plate_country", "Plate country"), /* no pattern for trailers in the contract */
    S("external_id", "External ID"), SK("trailer_type", "Trailer type", trailer_rec, trailer_type),
    SK("oem", "Make (OEM)", trailer_rec, oem), SK("model_type", "Model", trailer_rec, model),
    IK("model_year", "Model year", 1900, 2100, trailer_rec, year),
    NUMK("trailer_length", "Length", trailer_rec, length), I("total_axles", "Total axles", 1, 20),
    SK("status", "Status", trailer_rec, status), /* a free string for trailers */
    BK("is_active", "Active", trailer_rec, is_active), S("eld_id", "ELD ID"),
    S("eld_serial_number", "ELD serial number"), S("eld_device_type", "ELD device type"),
    S("eld_product_id", "ELD product ID"), T("notes", "Notes"),
    TELEMATICS_TAIL(trailer_rec),
};

static const field_spec user_fields[] = {
    RO_UUID("id", user_rec, id),
    SK("first_name", "First name", user_rec, first_name), SK("last_name", "Last name", user_rec, last_name),
    SK("username", "Username", user_rec, username), FK("user_email", "Email", FT_EMAIL, user_rec, email),
    SK("phone_number", "Phone", user_rec, phone), S("employee_number", "Employee number"),
    SK("user_designation", "Designation", user_rec, designation),
    {"is_driver", "Is a driver", FT_BOOL, NULL, 0, 0, false, ST_BOOL, offsetof(user_rec, is_driver), REQ_NO, "true"},
    EK("status", "Status", api_enum_UserStatusEnum, user_rec, status), BK("is_active", "Active", user_rec, is_active),
    SK("license_number", "License number", user_rec, license), S("license_region", "License region"),
    F("license_country", "License country", FT_COUNTRY3),
    F("license_expiration", "License expires", FT_DATE), F("country_code", "Country", FT_COUNTRY3),
    S("carrier_number", "Carrier number"), E("hos_ruleset_code", "HOS ruleset", api_enum_HosRulesetCodeEnum),
    E("hos_compliance_type", "HOS compliance", api_enum_HosComplianceTypeEnum),
    E("hos_tracking_method", "HOS tracking", api_enum_HosTrackingMethodEnum),
    E("default_time_zone", "Time zone", api_enum_TimezoneCodeEnum), B("allow_yard_move", "Yard move allowed"),
    B("allow_personal_conveyance", "Personal conveyance allowed"),
    B("allow_adverse_driving", "Adverse driving allowed"), T("notes", "Notes"),
    TELEMATICS_TAIL(user_rec),
};

static const field_spec group_message_fields[] = {
    RO_UUID("id", group_msg_rec, id),
    RO_STR("occurred_at", group_msg_rec, occurred_at),
    RO_STR("sender_name", group_msg_rec, sender_name),
    RO_STR("message_text", group_msg_rec, text),
    RO_STR("status", group_msg_rec, status),
    RO_STR("recipient_ids", group_msg_rec, recipients),
    {"sender_id", NULL, FT_STRING, NULL, 0, 0, false, ST_UUID, offsetof(group_msg_rec, sender_id), REQ_NO, NULL},
    RO_STR("source_id", group_msg_rec, source_id),
    RO_STR("connection_id", group_msg_rec, connection_id), /* --json of every connection's list */
};

/* ------------------------------------------------------------------ columns */

#define C_STR(t, w, mn, fl, p, rec, m) {t, w, mn, fl, p, ST_STR, offsetof(rec, m), 0, NULL, NULL}
#define C_JOIN(t, w, mn, fl, p, rec, m, m2) {t, w, mn, fl, p, ST_STR, offsetof(rec, m), offsetof(rec, m2), NULL, NULL}
#define C_NUM(t, w, mn, fl, p, st, fmt, rec, m) {t, w, mn, fl, p, st, offsetof(rec, m), 0, fmt, NULL}
#define C_FN(t, w, mn, fl, p, fn) {t, w, mn, fl, p, ST_NONE, 0, 0, NULL, fn}
/* The subcommand listing's columns (no layout: they are as wide as their widest cell). */
#define L_ID(t, rec) {t, 0, 0, false, 0, ST_UUID, offsetof(rec, id), 0, NULL, NULL}
#define L_STR(t, rec, m) C_STR(t, 0, 0, false, 0, rec, m)
#define L_FN(t, fn) C_FN(t, 0, 0, false, 0, fn)

static void user_name_cell(const table *t, const void *row, char *buf, size_t cap)
{
    user_display_name(t, row, buf, cap);
}

/* Live locations (core/api_live.h): where the vehicle, or the driver's vehicle, last reported. */
static const live_loc *vehicle_live(const table *t, const void *row)
{
    return t->live ? live_find_vehicle(t->live, &((const vehicle_rec *)row)->id) : NULL;
}

static const live_loc *driver_live(const table *t, const void *row)
{
    return t->live ? live_find_driver(t->live, &((const user_rec *)row)->id) : NULL;
}

static void put_live(const table *t, const live_loc *l, sref r, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", l ? live_str(t->live, r) : "");
}

static void vehicle_place_cell(const table *t, const void *row, char *buf, size_t cap)
{
    const live_loc *l = vehicle_live(t, row);
    put_live(t, l, l ? l->place : 0, buf, cap);
}

static void vehicle_speed_cell(const table *t, const void *row, char *buf, size_t cap)
{
    const live_loc *l = vehicle_live(t, row);
    put_live(t, l, l ? l->speed : 0, buf, cap);
}

static void vehicle_age_cell(const table *t, const void *row, char *buf, size_t cap)
{
    const live_loc *l = vehicle_live(t, row);
    buf[0] = '\0';
    if (l)
        live_age_text(t->live->now_wall_ms, l->at_ms, buf, cap);
}

static void driver_vehicle_cell(const table *t, const void *row, char *buf, size_t cap)
{
    const live_loc *l = driver_live(t, row);
    put_live(t, l, l ? l->vehicle_name : 0, buf, cap);
}

static void driver_place_cell(const table *t, const void *row, char *buf, size_t cap)
{
    const live_loc *l = driver_live(t, row);
    put_live(t, l, l ? l->place : 0, buf, cap);
}

bool api_column_needs_live(const api_column *c)
{
    return c->cell == vehicle_place_cell || c->cell == vehicle_speed_cell || c->cell == vehicle_age_cell ||
           c->cell == driver_vehicle_cell || c->cell == driver_place_cell;
}

static const api_column connection_cols[] = {
    C_STR("Description", 40, 12, true, 0, connection_rec, description),
    C_STR("TSP", 16, 8, false, 1, connection_rec, source_name),
    C_STR("Status", 9, 6, false, 2, connection_rec, status),
    C_STR("Fleet ref", 16, 8, false, 3, connection_rec, fleet_ref),
};
static const api_column connection_cli_cols[] = {
    L_ID("ID", connection_rec), L_STR("DESCRIPTION", connection_rec, description),
    L_STR("TSP", connection_rec, source_name), L_STR("STATUS", connection_rec, status),
    L_STR("FLEET REF", connection_rec, fleet_ref),
};

static const api_column user_cols[] = {
    C_FN("Name", 24, 12, true, 0, user_name_cell),
    C_FN("Vehicle", 12, 10, false, 1, driver_vehicle_cell), /* these two only with live locations */
    C_FN("Location", 18, 18, false, 2, driver_place_cell),
    C_STR("Username", 14, 8, false, 5, user_rec, username),
    C_STR("Phone", 13, 12, false, 3, user_rec, phone),
    C_STR("Status", 8, 8, false, 4, user_rec, status),
    C_STR("License", 10, 9, false, 6, user_rec, license),
    C_STR("TSP id", 16, 8, false, 7, user_rec, source_id),
};
static const api_column user_cli_cols[] = {
    L_ID("ID", user_rec), L_FN("NAME", user_name_cell), L_STR("USERNAME", user_rec, username),
    L_STR("STATUS", user_rec, status), L_STR("PHONE", user_rec, phone), L_STR("LICENSE", user_rec, license),
    L_STR("SOURCE ID", user_rec, source_id),
};

static const api_column vehicle_cols[] = {
    C_STR("Name", 20, 8, true, 0, vehicle_rec, name),
    C_STR("Plate", 10, 8, false, 3, vehicle_rec, plate),
    C_FN("Location", 18, 18, false, 1, vehicle_place_cell), /* these three only with live locations */
    C_FN("Speed", 8, 8, false, 4, vehicle_speed_cell),
    C_FN("Seen", 10, 10, false, 2, vehicle_age_cell),
    C_STR("VIN", 17, 17, false, 7, vehicle_rec, vin),
    C_JOIN("Make / model", 26, 10, true, 6, vehicle_rec, oem, model),
    C_NUM("Year", 4, 4, false, 8, ST_I16, "%d", vehicle_rec, year),
    C_STR("Status", 14, 10, false, 5, vehicle_rec, status),
};
static const api_column vehicle_cli_cols[] = {
    L_ID("ID", vehicle_rec), L_STR("NAME", vehicle_rec, name), L_STR("VIN", vehicle_rec, vin),
    L_STR("PLATE", vehicle_rec, plate), L_STR("STATUS", vehicle_rec, status),
    L_STR("SOURCE ID", vehicle_rec, source_id),
};

static const api_column trailer_cols[] = {
    C_STR("Name", 20, 8, true, 0, trailer_rec, name),
    C_STR("Plate", 10, 6, false, 1, trailer_rec, plate),
    C_STR("Type", 12, 6, false, 2, trailer_rec, trailer_type),
    C_NUM("Length", 7, 6, false, 4, ST_F32, "%.1f m", trailer_rec, length),
    C_JOIN("Make / model", 22, 8, true, 5, trailer_rec, oem, model),
    C_STR("Status", 10, 6, false, 3, trailer_rec, status),
};
static const api_column trailer_cli_cols[] = {
    L_ID("ID", trailer_rec), L_STR("NAME", trailer_rec, name), L_STR("TYPE", trailer_rec, trailer_type),
    L_STR("PLATE", trailer_rec, plate), L_STR("STATUS", trailer_rec, status),
    L_STR("SOURCE ID", trailer_rec, source_id),
};

/* A group message's time, local ("01-05 08:30"), its recipients ("3"), from the kept strings. */
static void group_time_cell(const table *t, const void *row, char *buf, size_t cap)
{
    int64_t ms;
    const char *iso = table_str(t, ((const group_msg_rec *)row)->occurred_at);
    buf[0] = '\0';
    if (!conv_parse_time(iso, &ms))
        return;
    time_t tt = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(buf, cap, "%m-%d %H:%M", &tm);
}

static void group_count_cell(const table *t, const void *row, char *buf, size_t cap)
{
    const char *ids = table_str(t, ((const group_msg_rec *)row)->recipients);
    size_t n = *ids ? 1 : 0;
    for (; *ids; ids++)
        n += *ids == ',';
    snprintf(buf, cap, "%zu", n);
}

static const api_column group_message_cols[] = {
    C_FN("Sent", 11, 11, false, 1, group_time_cell),
    C_STR("From", 18, 8, false, 2, group_msg_rec, sender_name),
    C_FN("To", 3, 3, false, 4, group_count_cell),
    C_STR("Status", 9, 6, false, 3, group_msg_rec, status),
    C_STR("Text", 40, 12, true, 0, group_msg_rec, text),
};
static const api_column group_message_cli_cols[] = {
    L_ID("ID", group_msg_rec), L_STR("OCCURRED AT", group_msg_rec, occurred_at),
    L_STR("FROM", group_msg_rec, sender_name), L_FN("RECIPIENTS", group_count_cell),
    L_STR("STATUS", group_msg_rec, status), L_STR("TEXT", group_msg_rec, text),
};

/* ------------------------------------------------------------------ --json keys */

static const char *const connection_json[] = {"id", "description", "source_name", "status", "fleet_ref", "tsp_id",
                                              NULL};
static const char *const user_json[] = {"id", "name", "first_name", "last_name", "username", "status", "is_active",
                                        "is_driver", "source_id", "phone_number", "user_email", "license_number",
                                        "connection_id", NULL};
static const char *const vehicle_json[] = {"id", "vehicle_name", "vin", "license_plate_number",
                                           "license_plate_region", "oem", "model_type", "model_year", "status",
                                           "is_active", "source_id", "connection_id", NULL};
static const char *const trailer_json[] = {"id", "trailer_name", "trailer_type", "license_plate_number", "oem",
                                           "model_type", "model_year", "trailer_length", "status", "is_active",
                                           "source_id", "connection_id", NULL};
static const char *const group_message_json[] = {"id", "occurred_at", "sender_id", "sender_name", "message_text",
                                                 "status", "recipient_ids", "source_id", "connection_id", NULL};

/* ------------------------------------------------------------------ the table */

#define PATH_VEHICLES "/v2/telematics/vehicles"
#define PATH_TRAILERS "/v2/telematics/trailers"
#define PATH_USERS "/v2/telematics/users"

#define COLS(a) a, NF(a)

static const api_resource resources[KIND__COUNT] = {
    [KIND_CONNECTION] = {KIND_CONNECTION, "connection", "/v2/integrations/connections", NULL, false,
                         sizeof(connection_rec), COLS(connection_fields), COLS(connection_cols),
                         COLS(connection_cli_cols), connection_json, NULL, -1},
    [KIND_DRIVER] = {KIND_DRIVER, "user", PATH_USERS, "is_driver=true", true, sizeof(user_rec), COLS(user_fields),
                     COLS(user_cols), COLS(user_cli_cols), user_json, user_name_cell, FORM_DRIVER},
    [KIND_VEHICLE] = {KIND_VEHICLE, "vehicle", PATH_VEHICLES, NULL, true, sizeof(vehicle_rec), COLS(vehicle_fields),
                      COLS(vehicle_cols), COLS(vehicle_cli_cols), vehicle_json, NULL, FORM_VEHICLE},
    [KIND_TRAILER] = {KIND_TRAILER, "trailer", PATH_TRAILERS, NULL, true, sizeof(trailer_rec), COLS(trailer_fields),
                      COLS(trailer_cols), COLS(trailer_cli_cols), trailer_json, NULL, FORM_TRAILER},
    [KIND_GROUP_MESSAGE] = {KIND_GROUP_MESSAGE, "group_message", "/v2/telematics/group-messages", NULL, true,
                            sizeof(group_msg_rec), COLS(group_message_fields), COLS(group_message_cols),
                            COLS(group_message_cli_cols), group_message_json, NULL, -1},
};

/* The forms: the writable part of each resource's fields. */
#define FORM_FIELDS(a, tail) (a) + 1, NF(a) - 1 - (tail)

const form_spec api_form_specs[FORM__COUNT] = {
    [FORM_VEHICLE] = {FORM_VEHICLE, "vehicle", "Vehicle", PATH_VEHICLES,
                      FORM_FIELDS(vehicle_fields, TELEMATICS_TAIL_LEN), "vehicle", {"vehicle_name", NULL}, NULL},
    [FORM_TRAILER] = {FORM_TRAILER, "trailer", "Trailer", PATH_TRAILERS,
                      FORM_FIELDS(trailer_fields, TELEMATICS_TAIL_LEN), "trailer", {"trailer_name", NULL}, NULL},
    [FORM_DRIVER] = {FORM_DRIVER, "user", "Driver", PATH_USERS, FORM_FIELDS(user_fields, TELEMATICS_TAIL_LEN),
                     "driver", {"first_name", "last_name"}, "username"},
};

const api_resource *api_resource_get(record_kind k)
{
    return (unsigned)k < (unsigned)KIND__COUNT ? &resources[k] : NULL;
}

const api_resource *api_resource_by_name(const char *name)
{
    for (int k = 0; name && k < KIND__COUNT; k++)
        if (strcmp(resources[k].name, name) == 0)
            return &resources[k];
    return NULL;
}

const field_spec *api_resource_field(const api_resource *r, const char *name)
{
    for (int i = 0; r && name && i < r->nfields; i++)
        if (strcmp(r->fields[i].name, name) == 0)
            return &r->fields[i];
    return NULL;
}

char *api_resource_list_path(const api_resource *r, const char *connection_id, const char *query)
{
    strbuf sb = STRBUF_INIT;
    if (!query)
        query = r->list_query;
    strbuf_puts(&sb, r->path);
    if (r->per_connection)
        strbuf_printf(&sb, "?connection_id=%s", connection_id ? connection_id : "");
    if (query && *query)
        strbuf_printf(&sb, "%c%s", r->per_connection ? '&' : '?', query);
    return strbuf_detach(&sb);
}

char *api_resource_item_path(const api_resource *r, const char *id)
{
    strbuf sb = STRBUF_INIT;
    strbuf_printf(&sb, "%s/%s", r->path, id);
    return strbuf_detach(&sb);
}

/* ------------------------------------------------------------------ --json rows */

/* One --json key of a row, typed as the table keeps the field. Numbers the store keeps as 0 when
 * the API sent none, and empty strings, are null. */
static void add_key(cJSON *o, const api_resource *r, const table *t, const void *row, const char *key,
                    const char *conn_id)
{
    const field_spec *f = api_resource_field(r, key);
    const char *p = (const char *)row + (f ? f->offset : 0);
    char buf[256];
    if (strcmp(key, "name") == 0 && r->name_of) {
        r->name_of(t, row, buf, sizeof buf);
        cJSON_AddStringToObject(o, key, buf);
        return;
    }
    switch (f ? f->store : ST_NONE) {
    case ST_UUID: {
        char s[UUID_STR_LEN];
        uuid_format((const uuid *)(const void *)p, s);
        cJSON_AddStringToObject(o, key, s);
        return;
    }
    case ST_STR: {
        sref ref;
        memcpy(&ref, p, sizeof ref);
        const char *s = table_str(t, ref);
        size_t kl = strlen(key);
        if (kl > 4 && strcmp(key + kl - 4, "_ids") == 0) { /* a list kept joined by ", ": an array again */
            cJSON *arr = cJSON_AddArrayToObject(o, key);
            for (const char *q = s; *q;) {
                size_t n = strcspn(q, ",");
                char id[64];
                snprintf(id, sizeof id, "%.*s", (int)(n < 63 ? n : 63), q);
                cJSON_AddItemToArray(arr, cJSON_CreateString(id));
                q += n;
                while (*q == ',' || *q == ' ')
                    q++;
            }
            return;
        }
        if (*s)
            cJSON_AddStringToObject(o, key, s);
        else
            cJSON_AddNullToObject(o, key);
        return;
    }
    case ST_I16:
    case ST_F32: {
        int16_t n = 0;
        float x = 0;
        if (f->store == ST_I16)
            memcpy(&n, p, sizeof n);
        else
            memcpy(&x, p, sizeof x);
        double v = f->store == ST_I16 ? n : (double)x;
        if (v > 0)
            cJSON_AddNumberToObject(o, key, v);
        else
            cJSON_AddNullToObject(o, key);
        return;
    }
    case ST_BOOL: cJSON_AddBoolToObject(o, key, *(const uint8_t *)p); return;
    case ST_NONE: break;
    }
    if (strcmp(key, "connection_id") == 0)
        cJSON_AddStringToObject(o, key, conn_id);
    else
        cJSON_AddNullToObject(o, key);
}

char *api_resource_row_json(const api_resource *r, const table *t, const void *row, const char *connection_id)
{
    cJSON *o = cJSON_CreateObject();
    for (const char *const *k = r->json_keys; *k; k++)
        add_key(o, r, t, row, *k, connection_id ? connection_id : "");
    char *p = cJSON_PrintUnformatted(o);
    char *out = xstrdup(p ? p : "{}");
    cJSON_free(p);
    cJSON_Delete(o);
    return out;
}

/* ------------------------------------------------------------------ cells */

/* Cells are drawn and filtered per row: no printf for plain text. */
static size_t copy_at(char *buf, size_t cap, size_t at, const char *s)
{
    size_t n = strlen(s);
    if (at >= cap)
        return at;
    if (n >= cap - at)
        n = cap - at - 1;
    memcpy(buf + at, s, n);
    buf[at + n] = '\0';
    return at + n;
}

void api_cell(const api_column *c, const table *t, const void *row, char *buf, size_t cap)
{
    if (cap == 0)
        return;
    buf[0] = '\0';
    if (c->cell) {
        c->cell(t, row, buf, cap);
        return;
    }
    const char *p = (const char *)row + c->offset;
    switch (c->type) {
    case ST_UUID: {
        char s[UUID_STR_LEN];
        uuid_format((const uuid *)(const void *)p, s);
        copy_at(buf, cap, 0, s);
        return;
    }
    case ST_STR: {
        sref r, r2 = 0;
        memcpy(&r, p, sizeof r);
        if (c->offset2)
            memcpy(&r2, (const char *)row + c->offset2, sizeof r2);
        const char *a = table_str(t, r), *b = table_str(t, r2);
        size_t at = copy_at(buf, cap, 0, a);
        if (*a && *b)
            at = copy_at(buf, cap, at, " ");
        copy_at(buf, cap, at, b);
        return;
    }
    case ST_I16: {
        int16_t v;
        memcpy(&v, p, sizeof v);
        if (v > 0)
            snprintf(buf, cap, c->fmt ? c->fmt : "%d", v);
        return;
    }
    case ST_F32: {
        float v;
        memcpy(&v, p, sizeof v);
        if (v > 0)
            snprintf(buf, cap, c->fmt ? c->fmt : "%g", (double)v);
        return;
    }
    case ST_BOOL:
        copy_at(buf, cap, 0, *(const uint8_t *)p ? "yes" : "no");
        return;
    case ST_NONE:
        return;
    }
}
