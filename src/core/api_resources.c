/* api_resources: the resource table (see api_resources.h). The writable fields of each form are
 * exactly the properties of its Update schema in contract/openapi.yaml, minus connection_id, in
 * the order the form shows them: names, identifiers, the rest; notes last (multi-line).
 *
 * Adding a resource (as DVIR logs and fuel transactions were):
 *  1. store.h: its record struct (uuid id first; strings as sref, numbers int16_t/float, flags
 *     uint8_t) and a KIND_ before KIND__COUNT, and its name in conn_tables (store.c asserts it).
 *  2. Here: its fields (id, the form's fields in form order, read-only ones, TELEMATICS_TAIL),
 *     list-view columns (a reference to a driver/vehicle/trailer is named by REF_CELL from the
 *     connection's lists), listing columns, --json keys, and its entry in resources[] (no_item_get
 *     when the API has no GET of one record; alert for rows drawn in the error colour).
 *  3. If it is written: a FORM_ in forms.h and its api_form_specs entry below. Field types: FT_REF
 *     (a record of the connection: a picker in the form, an id or a name on the command line),
 *     FT_ENUM_LIST (a multi-select picker, a JSON array), FT_DATETIME (now by default in a new
 *     form, the future refused), count_of (derived, never typed).
 *  4. ui/view_NAME.c (one view_ops line) and its line in ui/views.c; its list in conn_lists of
 *     ui/app_load.c; its view key in ui/actions.h; the subcommands' entries in src/app/cmd.c (a
 *     listing runs run_listing(c, KIND_...) in cmd_list.c; api_resource_log_query's filters when
 *     the API takes driver/vehicle/time filters).
 *  5. tests/unit/test_api_resources.c checks the new entry's shape by itself; add its rows to
 *     the item, cell, row and --set tables there; screen tests of its list and form. */
#include "core/api_resources.h"

#include "common/strbuf.h"
#include "core/api_enums.h"
#include "core/api_live.h"
#include "core/api_messages.h"
#include "core/forms.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define NF(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ------------------------------------------------------------------ fields */

/* A field that is no reference and no derived count, in field_spec's order. */
#define FS(n, l, t, ev, lo, hi, rq, st, off, req) {n, l, t, ev, lo, hi, rq, st, off, req, NULL, KIND_CONNECTION, NULL}
/* Form fields, kept in the record (rec.m) or not. */
#define S_(n, l, st, off) FS(n, l, FT_STRING, NULL, 0, 0, false, st, off, REQ_NO)
#define S(n, l) S_(n, l, ST_NONE, 0)
#define SK(n, l, rec, m) S_(n, l, ST_STR, offsetof(rec, m))
#define T(n, l) FS(n, l, FT_TEXT, NULL, 0, 0, false, ST_NONE, 0, REQ_NO)
#define I(n, l, lo, hi) FS(n, l, FT_INT, NULL, lo, hi, false, ST_NONE, 0, REQ_NO)
#define IK(n, l, lo, hi, rec, m) FS(n, l, FT_INT, NULL, lo, hi, false, ST_I16, offsetof(rec, m), REQ_NO)
#define NUMK(n, l, rec, m) FS(n, l, FT_NUMBER, NULL, 0, 0, false, ST_F32, offsetof(rec, m), REQ_NO)
#define B(n, l) FS(n, l, FT_BOOL, NULL, 0, 0, false, ST_NONE, 0, REQ_NO)
#define BK(n, l, rec, m) FS(n, l, FT_BOOL, NULL, 0, 0, false, ST_BOOL, offsetof(rec, m), REQ_NO)
#define E(n, l, v) FS(n, l, FT_ENUM, v, 0, 0, false, ST_NONE, 0, REQ_NO)
#define EK(n, l, v, rec, m) FS(n, l, FT_ENUM, v, 0, 0, false, ST_STR, offsetof(rec, m), REQ_NO)
#define F(n, l, t) FS(n, l, t, NULL, 0, 0, false, ST_NONE, 0, REQ_NO)
#define FK(n, l, t, rec, m) FS(n, l, t, NULL, 0, 0, false, ST_STR, offsetof(rec, m), REQ_NO)
/* Read-only fields: required (an item without them is refused) or optional. */
#define RO_UUID(n, rec, m) FS(n, NULL, FT_STRING, NULL, 0, 0, false, ST_UUID, offsetof(rec, m), REQ_UUID)
#define RO_STR(n, rec, m) FS(n, NULL, FT_STRING, NULL, 0, 0, false, ST_STR, offsetof(rec, m), REQ_NO)
#define REQ_STR(n, rec, m) FS(n, NULL, FT_STRING, NULL, 0, 0, false, ST_STR, offsetof(rec, m), REQ_STRING)
#define REQ_STR_UNKEPT(n) FS(n, NULL, FT_STRING, NULL, 0, 0, false, ST_NONE, 0, REQ_STRING)
#define REQ_UUID_UNKEPT(n) FS(n, NULL, FT_STRING, NULL, 0, 0, false, ST_NONE, 0, REQ_UUID)
/* A record picked from the connection's list of kind k (rq: required on create), kept as a uuid. */
#define REF(n, l, k, rq, rec, m) {n, l, FT_REF, NULL, 0, 0, rq, ST_UUID, offsetof(rec, m), REQ_NO, NULL, k, NULL}
#define DTK(n, l, rec, m) FS(n, l, FT_DATETIME, NULL, 0, 0, false, ST_STR, offsetof(rec, m), REQ_NO)
#define DT(n, l) FS(n, l, FT_DATETIME, NULL, 0, 0, false, ST_NONE, 0, REQ_NO)
#define LISTK(n, l, v, rec, m) FS(n, l, FT_ENUM_LIST, v, 0, 0, false, ST_STR, offsetof(rec, m), REQ_NO)
#define COUNTK(n, l, of, rec, m)                                                                              \
    {n, l, FT_INT, NULL, 0, 0, false, ST_I16, offsetof(rec, m), REQ_NO, NULL, KIND_CONNECTION, of}
#define TK(n, l, rec, m) FS(n, l, FT_TEXT, NULL, 0, 0, false, ST_STR, offsetof(rec, m), REQ_NO)
#define NUMR(n, l, lo, hi) FS(n, l, FT_NUMBER, NULL, lo, hi, false, ST_NONE, 0, REQ_NO)
#define NUMRQ(n, l, rec, m) FS(n, l, FT_NUMBER, NULL, 0, 0, true, ST_F32, offsetof(rec, m), REQ_NO)
#define ERQ(n, l, v) FS(n, l, FT_ENUM, v, 0, 0, true, ST_NONE, 0, REQ_NO)

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
    {"is_driver", "Is a driver", FT_BOOL, NULL, 0, 0, false, ST_BOOL, offsetof(user_rec, is_driver), REQ_NO, "true",
     KIND_CONNECTION, NULL},
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

/* DvirLogCreate, in its order; defect_count is counted from defects. */
static const field_spec dvir_fields[] = {
    RO_UUID("id", dvir_rec, id),
    REF("driver_id", "Driver", KIND_DRIVER, true, dvir_rec, driver_id),
    REF("vehicle_id", "Vehicle", KIND_VEHICLE, false, dvir_rec, vehicle_id),
    REF("trailer_id", "Trailer", KIND_TRAILER, false, dvir_rec, trailer_id),
    DTK("occurred_at", "Time", dvir_rec, occurred_at),
    EK("log_type", "Log type", api_enum_DvirLogTypeEnum, dvir_rec, log_type),
    SK("inspected_by", "Inspected by", dvir_rec, inspected_by),
    COUNTK("defect_count", "Defect count", "defects", dvir_rec, defect_count),
    LISTK("defects", "Defects", api_enum_DvirDefectEnum, dvir_rec, defects),
    BK("is_safety_critical", "Safety-critical", dvir_rec, is_safety_critical),
    TK("driver_comment", "Driver comment", dvir_rec, driver_comment), T("certify_comment", "Certify comment"),
    NUMK("odometer", "Odometer", dvir_rec, odometer), E("odometer_unit", "Odometer unit", api_enum_DistanceUnitEnum),
    TELEMATICS_TAIL(dvir_rec),
};

/* FuelTransactionCreate, in its order; the read schema's occurred_at (the transaction time) after it. */
#define FUEL_TAIL_LEN (TELEMATICS_TAIL_LEN + 1)
static const field_spec fuel_fields[] = {
    RO_UUID("id", fuel_rec, id),
    REF("driver_id", "Driver", KIND_DRIVER, true, fuel_rec, driver_id),
    REF("vehicle_id", "Vehicle", KIND_VEHICLE, true, fuel_rec, vehicle_id),
    REF("co_driver_id", "Co-driver", KIND_DRIVER, false, fuel_rec, co_driver_id),
    NUMR("latitude", "Latitude", -90, 90), NUMR("longitude", "Longitude", -180, 180),
    S("location_string", "Location"), NUMK("odometer", "Odometer", fuel_rec, odometer),
    E("odometer_unit", "Odometer unit", api_enum_DistanceUnitEnum), DT("transaction_time", "Time"),
    S("transaction_jurisdiction", "Jurisdiction"),
    EK("fuel_type", "Fuel type", api_enum_EngineType, fuel_rec, fuel_type),
    NUMRQ("fuel_volume", "Volume", fuel_rec, volume),
    ERQ("fuel_volume_unit", "Volume unit", api_enum_FuelVolumeUnitEnum),
    SK("fuel_vendor", "Vendor", fuel_rec, vendor), FK("total_cost", "Total cost", FT_NUMBER, fuel_rec, total_cost),
    SK("currency", "Currency", fuel_rec, currency),
    RO_STR("occurred_at", fuel_rec, occurred_at),
    TELEMATICS_TAIL(fuel_rec),
};

static const field_spec group_message_fields[] = {
    RO_UUID("id", group_msg_rec, id),
    RO_STR("occurred_at", group_msg_rec, occurred_at),
    RO_STR("sender_name", group_msg_rec, sender_name),
    RO_STR("message_text", group_msg_rec, text),
    RO_STR("status", group_msg_rec, status),
    RO_STR("recipient_ids", group_msg_rec, recipients),
    {"sender_id", NULL, FT_STRING, NULL, 0, 0, false, ST_UUID, offsetof(group_msg_rec, sender_id), REQ_NO, NULL,
     KIND_CONNECTION, NULL},
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

/* A log's driver, vehicle or trailer by name from its connection's lists; the id's first 8
 * characters when the list does not have it (or the table has no connection, a listing). */
bool api_record_name(const table *list, const uuid *id, char *buf, size_t cap)
{
    long i = list ? table_find_id(list, id) : -1;
    if (cap)
        buf[0] = '\0';
    if (i < 0 || cap == 0)
        return false;
    const char *row = table_row(list, (size_t)i);
    if (list->kind == KIND_DRIVER) {
        user_display_name(list, (const user_rec *)(const void *)row, buf, cap);
        return true;
    }
    sref name;
    if (list->kind == KIND_VEHICLE)
        memcpy(&name, row + offsetof(vehicle_rec, name), sizeof name);
    else if (list->kind == KIND_TRAILER)
        memcpy(&name, row + offsetof(trailer_rec, name), sizeof name);
    else
        return false;
    snprintf(buf, cap, "%s", table_str(list, name));
    return true;
}

static void ref_cell(const table *t, const uuid *id, record_kind k, char *buf, size_t cap)
{
    static const uuid zero;
    buf[0] = '\0';
    if (memcmp(id, &zero, sizeof zero) == 0)
        return;
    if (t->owner && api_record_name(&t->owner->by_kind[k], id, buf, cap) && buf[0])
        return;
    char s[UUID_STR_LEN];
    uuid_format(id, s);
    snprintf(buf, cap, "%.8s…", s);
}

#define REF_CELL(fn, rec, m, k)                                                \
    static void fn(const table *t, const void *row, char *buf, size_t cap)     \
    {                                                                          \
        ref_cell(t, &((const rec *)row)->m, k, buf, cap);                      \
    }
REF_CELL(dvir_driver_cell, dvir_rec, driver_id, KIND_DRIVER)
REF_CELL(dvir_vehicle_cell, dvir_rec, vehicle_id, KIND_VEHICLE)
REF_CELL(dvir_trailer_cell, dvir_rec, trailer_id, KIND_TRAILER)
REF_CELL(fuel_driver_cell, fuel_rec, driver_id, KIND_DRIVER)
REF_CELL(fuel_vehicle_cell, fuel_rec, vehicle_id, KIND_VEHICLE)

static void dvir_time_cell(const table *t, const void *row, char *buf, size_t cap)
{
    api_local_time(table_str(t, ((const dvir_rec *)row)->occurred_at), buf, cap);
}

static void fuel_time_cell(const table *t, const void *row, char *buf, size_t cap)
{
    api_local_time(table_str(t, ((const fuel_rec *)row)->occurred_at), buf, cap);
}

/* Safety-critical logs carry a marker besides the alert colour (and on screens without colour). */
static void dvir_safety_cell(const table *t, const void *row, char *buf, size_t cap)
{
    (void)t;
    snprintf(buf, cap, "%s", ((const dvir_rec *)row)->is_safety_critical ? "⚠ SAFETY" : "");
}

static bool dvir_alert(const table *t, const void *row)
{
    (void)t;
    return ((const dvir_rec *)row)->is_safety_critical != 0;
}

static const api_column dvir_cols[] = {
    C_FN("Time", 16, 16, false, 0, dvir_time_cell),
    C_FN("Driver", 18, 10, true, 1, dvir_driver_cell),
    C_FN("Vehicle", 12, 10, false, 2, dvir_vehicle_cell),
    C_FN("Trailer", 12, 8, false, 6, dvir_trailer_cell),
    C_STR("Type", 9, 9, false, 4, dvir_rec, log_type),
    C_STR("Defects", 30, 14, true, 0, dvir_rec, defects),
    C_FN("Safety", 8, 8, false, 0, dvir_safety_cell),
};
static const api_column dvir_cli_cols[] = {
    L_ID("ID", dvir_rec), L_STR("TIME", dvir_rec, occurred_at),
    {"DRIVER ID", 0, 0, false, 0, ST_UUID, offsetof(dvir_rec, driver_id), 0, NULL, NULL},
    {"VEHICLE ID", 0, 0, false, 0, ST_UUID, offsetof(dvir_rec, vehicle_id), 0, NULL, NULL},
    L_STR("TYPE", dvir_rec, log_type), L_FN("SAFETY", dvir_safety_cell), L_STR("DEFECTS", dvir_rec, defects),
};

static const api_column fuel_cols[] = {
    C_FN("Time", 16, 16, false, 0, fuel_time_cell),
    C_FN("Driver", 18, 10, true, 1, fuel_driver_cell),
    C_FN("Vehicle", 12, 10, false, 2, fuel_vehicle_cell),
    C_NUM("Volume", 8, 6, false, 0, ST_F32, "%.1f", fuel_rec, volume),
    C_STR("Fuel", 11, 6, false, 4, fuel_rec, fuel_type),
    C_JOIN("Cost", 12, 10, false, 3, fuel_rec, total_cost, currency),
    C_STR("Vendor", 14, 10, true, 5, fuel_rec, vendor),
};
static const api_column fuel_cli_cols[] = {
    L_ID("ID", fuel_rec), L_STR("TIME", fuel_rec, occurred_at),
    {"DRIVER ID", 0, 0, false, 0, ST_UUID, offsetof(fuel_rec, driver_id), 0, NULL, NULL},
    {"VEHICLE ID", 0, 0, false, 0, ST_UUID, offsetof(fuel_rec, vehicle_id), 0, NULL, NULL},
    C_NUM("VOLUME", 0, 0, false, 0, ST_F32, "%g", fuel_rec, volume), L_STR("FUEL", fuel_rec, fuel_type),
    L_STR("COST", fuel_rec, total_cost), L_STR("CURRENCY", fuel_rec, currency), L_STR("VENDOR", fuel_rec, vendor),
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

static const char *const dvir_json[] = {"id", "occurred_at", "driver_id", "vehicle_id", "trailer_id", "log_type",
                                        "defects", "defect_count", "is_safety_critical", "inspected_by",
                                        "driver_comment", "odometer", "source_id", "connection_id", NULL};
static const char *const fuel_json[] = {"id", "occurred_at", "driver_id", "vehicle_id", "co_driver_id", "fuel_type",
                                        "fuel_volume", "fuel_vendor", "total_cost", "currency", "odometer",
                                        "source_id", "connection_id", NULL};

/* ------------------------------------------------------------------ the table */

#define PATH_VEHICLES "/v2/telematics/vehicles"
#define PATH_TRAILERS "/v2/telematics/trailers"
#define PATH_USERS "/v2/telematics/users"
#define PATH_DVIR "/v2/telematics/dvir-logs"
#define PATH_FUEL "/v2/telematics/fuel-transactions"

#define COLS(a) a, NF(a)

static const api_resource resources[KIND__COUNT] = {
    [KIND_CONNECTION] = {KIND_CONNECTION, "connection", "/v2/integrations/connections", NULL, false,
                         sizeof(connection_rec), COLS(connection_fields), COLS(connection_cols),
                         COLS(connection_cli_cols), connection_json, NULL, -1, false, NULL},
    [KIND_DRIVER] = {KIND_DRIVER, "user", PATH_USERS, "is_driver=true", true, sizeof(user_rec), COLS(user_fields),
                     COLS(user_cols), COLS(user_cli_cols), user_json, user_name_cell, FORM_DRIVER, false, NULL},
    [KIND_VEHICLE] = {KIND_VEHICLE, "vehicle", PATH_VEHICLES, NULL, true, sizeof(vehicle_rec), COLS(vehicle_fields),
                      COLS(vehicle_cols), COLS(vehicle_cli_cols), vehicle_json, NULL, FORM_VEHICLE, false, NULL},
    [KIND_TRAILER] = {KIND_TRAILER, "trailer", PATH_TRAILERS, NULL, true, sizeof(trailer_rec), COLS(trailer_fields),
                      COLS(trailer_cols), COLS(trailer_cli_cols), trailer_json, NULL, FORM_TRAILER, false, NULL},
    [KIND_DVIR] = {KIND_DVIR, "dvir_log", PATH_DVIR, NULL, true, sizeof(dvir_rec), COLS(dvir_fields), COLS(dvir_cols),
                   COLS(dvir_cli_cols), dvir_json, NULL, FORM_DVIR, true, dvir_alert},
    [KIND_FUEL] = {KIND_FUEL, "fuel_transaction", PATH_FUEL, NULL, true, sizeof(fuel_rec), COLS(fuel_fields),
                   COLS(fuel_cols), COLS(fuel_cli_cols), fuel_json, NULL, FORM_FUEL, true, NULL},
    [KIND_GROUP_MESSAGE] = {KIND_GROUP_MESSAGE, "group_message", "/v2/telematics/group-messages", NULL, true,
                            sizeof(group_msg_rec), COLS(group_message_fields), COLS(group_message_cols),
                            COLS(group_message_cli_cols), group_message_json, NULL, -1, false, NULL},
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
    [FORM_DVIR] = {FORM_DVIR, "dvir_log", "DVIR log", PATH_DVIR, FORM_FIELDS(dvir_fields, TELEMATICS_TAIL_LEN),
                   "DVIR log", {"log_type", NULL}, NULL},
    [FORM_FUEL] = {FORM_FUEL, "fuel_transaction", "Fuel transaction", PATH_FUEL,
                   FORM_FIELDS(fuel_fields, FUEL_TAIL_LEN), "fuel transaction", {"fuel_volume", "fuel_volume_unit"},
                   NULL},
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

bool api_resource_has_log_filters(const api_resource *r)
{
    return r && (r->kind == KIND_DVIR || r->kind == KIND_FUEL);
}

char *api_resource_log_query(const api_resource *r, const api_log_filter *f)
{
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "");
    const char *params[4] = {"driver_ids", "vehicle_ids", "from_datetime", "to_datetime"};
    const char *values[4] = {f ? f->driver_id : NULL, f ? f->vehicle_id : NULL, f ? f->from : NULL, f ? f->to : NULL};
    for (int i = 0; api_resource_has_log_filters(r) && i < 4; i++) {
        if (!values[i] || !*values[i])
            continue;
        strbuf_printf(&sb, "%s%s=", sb.len ? "&" : "", params[i]);
        strbuf_put_urlencoded(&sb, values[i]);
    }
    return strbuf_detach(&sb);
}

char *api_resource_item_path(const api_resource *r, const char *id)
{
    strbuf sb = STRBUF_INIT;
    strbuf_printf(&sb, "%s/%s", r->path, id);
    return strbuf_detach(&sb);
}
