#include "write_schema.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/uuid.h"
#include "emu_clock.h"
#include "emu_enums.h"

#define S(name) {#name, WK_STRING, WF_NULLABLE, NULL, 0, 0, -1, NULL}
#define I(name) {#name, WK_INT, WF_NULLABLE, NULL, 0, 0, -1, NULL}
#define NUM(name) {#name, WK_NUMBER, WF_NULLABLE, NULL, 0, 0, -1, NULL}
#define B(name) {#name, WK_BOOL, WF_NULLABLE, NULL, 0, 0, -1, NULL}
#define E(name, values) {#name, WK_ENUM, 0, values, 0, 0, -1, NULL}
/* An enum that a PATCH may clear with null (VehicleUpdate, UserUpdate); creates refuse null. */
#define EU(name, values) {#name, WK_ENUM, WF_UPDATE_NULLABLE, values, 0, 0, -1, NULL}
#define CODE3(name) {#name, WK_STRING, WF_NULLABLE | WF_CODE3, NULL, 0, 0, -1, NULL}
#define CONN {"connection_id", WK_UUID, WF_REQUIRED, NULL, 0, 0, -1, NULL}
#define REF(name, flags, res, key) {#name, WK_UUID, flags, NULL, 0, 0, res, key}

static const write_field VEHICLE_WRITE[] = {
    CONN, S(vehicle_name), S(oem), S(model_type), I(model_year), S(vin), S(engine_vin), S(license_plate_region),
    CODE3(license_plate_country), S(license_plate_number), B(is_active), EU(status, ENUM_VehicleStatusEnum),
    S(notes), S(eld_id), S(eld_serial_number), S(eld_device_type), S(eld_product_id), I(total_axles),
    S(external_id), S(speed_unit), S(odometer_unit), S(fuel_unit), S(fuel_capacity),
    EU(engine_type, ENUM_EngineType),
};

static const write_field USER_WRITE[] = {
    CONN, S(username), B(is_active), EU(status, ENUM_UserStatusEnum), B(is_driver), S(user_designation),
    S(user_email), S(first_name), S(last_name), S(phone_number), CODE3(country_code), CODE3(license_country),
    S(license_region), S(license_number), {"license_expiration", WK_DATE, WF_NULLABLE, NULL, 0, 0, -1, NULL},
    S(employee_number), S(carrier_number), S(notes), EU(hos_ruleset_code, ENUM_HosRulesetCodeEnum),
    B(allow_yard_move), B(allow_personal_conveyance), B(allow_adverse_driving),
    EU(default_time_zone, ENUM_TimezoneCodeEnum), EU(hos_compliance_type, ENUM_HosComplianceTypeEnum),
    EU(hos_tracking_method, ENUM_HosTrackingMethodEnum),
};

static const write_field TRAILER_WRITE[] = {
    CONN, S(trailer_name), S(oem), S(model_type), I(model_year), S(vin), S(license_plate_region),
    S(license_plate_country), S(license_plate_number), B(is_active), S(status), S(notes), S(eld_id),
    S(eld_serial_number), S(eld_device_type), S(eld_product_id), I(total_axles), S(external_id),
    NUM(trailer_length), S(trailer_type),
};

static const write_field MESSAGE_WRITE[] = {
    CONN,
    REF(sender_id, WF_REQUIRED, RES_USER, "source_sender_id"),
    REF(recipient_id, WF_REQUIRED, RES_USER, "source_recipient_id"),
    S(message_text),
    E(priority, ENUM_MessagePriorityEnum),
    REF(reply_to_message_id, WF_NULLABLE, RES_MESSAGE, "source_reply_to_message_id"),
};

static const write_field GROUP_MESSAGE_WRITE[] = {
    CONN,
    REF(sender_id, WF_REQUIRED, RES_USER, "source_sender_id"),
    {"recipient_ids", WK_UUID_LIST, WF_REQUIRED, NULL, 0, 0, RES_USER, "source_recipient_ids"},
    S(message_text),
    E(priority, ENUM_MessagePriorityEnum),
};

static const write_field DVIR_LOG_WRITE[] = {
    CONN,
    REF(driver_id, WF_REQUIRED, RES_USER, "source_driver_id"),
    REF(vehicle_id, WF_NULLABLE, RES_VEHICLE, "source_vehicle_id"),
    REF(trailer_id, WF_NULLABLE, RES_TRAILER, "source_trailer_id"),
    {"occurred_at", WK_DATETIME, WF_NULLABLE, NULL, 0, 0, -1, NULL},
    E(log_type, ENUM_DvirLogTypeEnum),
    S(inspected_by),
    I(defect_count),
    {"defects", WK_ENUM_LIST, WF_NULLABLE, ENUM_DvirDefectEnum, 0, 0, -1, NULL},
    B(is_safety_critical),
    S(driver_comment),
    S(certify_comment),
    NUM(odometer),
    E(odometer_unit, ENUM_DistanceUnitEnum),
};

static const write_field FUEL_WRITE[] = {
    CONN,
    REF(driver_id, WF_REQUIRED, RES_USER, "source_driver_id"),
    REF(vehicle_id, WF_REQUIRED, RES_VEHICLE, "source_vehicle_id"),
    REF(co_driver_id, WF_NULLABLE, RES_USER, "source_co_driver_id"),
    {"latitude", WK_NUMBER, WF_NULLABLE | WF_RANGE, NULL, -90, 90, -1, NULL},
    {"longitude", WK_NUMBER, WF_NULLABLE | WF_RANGE, NULL, -180, 180, -1, NULL},
    S(location_string),
    NUM(odometer),
    E(odometer_unit, ENUM_DistanceUnitEnum),
    {"transaction_time", WK_DATETIME, WF_NULLABLE, NULL, 0, 0, -1, NULL},
    S(transaction_jurisdiction),
    E(fuel_type, ENUM_EngineType),
    {"fuel_volume", WK_NUMBER, WF_REQUIRED, NULL, 0, 0, -1, NULL},
    {"fuel_volume_unit", WK_ENUM, WF_REQUIRED, ENUM_FuelVolumeUnitEnum, 0, 0, -1, NULL},
    S(fuel_vendor),
    {"total_cost", WK_COST, WF_NULLABLE, NULL, 0, 0, -1, NULL},
    S(currency),
};

#define MODEL(name, arr) {name, arr, sizeof(arr) / sizeof((arr)[0])}
static const write_model MODELS[RES_COUNT] = {
    MODEL("VehicleCreate", VEHICLE_WRITE),       MODEL("UserCreate", USER_WRITE),
    MODEL("TrailerCreate", TRAILER_WRITE),       MODEL("MessageCreate", MESSAGE_WRITE),
    MODEL("GroupMessageCreate", GROUP_MESSAGE_WRITE), MODEL("DvirLogCreate", DVIR_LOG_WRITE),
    MODEL("FuelTransactionCreate", FUEL_WRITE),
};

const write_model *write_model_for(emu_resource res)
{
    return &MODELS[res];
}

void write_problem(problem_list *p, const char *path, const cJSON *v, const char *message, const char *type)
{
    char *text = NULL;
    if (v && cJSON_IsString(v))
        text = strdup(v->valuestring);
    else if (v)
        text = cJSON_PrintUnformatted(v);
    if (text && strlen(text) > 200)
        text[200] = '\0';
    problems_add(p, path, text ? text : "", message, type);
    free(text);
}

static void enum_message(const char *const *values, char *out, size_t cap)
{
    size_t n = 0;
    while (values[n])
        n++;
    if (n > 8) {
        snprintf(out, cap, "Input should be a valid enumeration member");
        return;
    }
    size_t o = (size_t)snprintf(out, cap, "Input should be ");
    for (size_t i = 0; i < n && o < cap; i++)
        o += (size_t)snprintf(out + o, cap - o, "%s'%s'", i == 0 ? "" : i + 1 == n ? " or " : ", ", values[i]);
}

static bool is_code3(const char *s)
{
    if (strlen(s) != 3)
        return false;
    for (int i = 0; i < 3; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return false;
    return true;
}

static bool is_decimal_string(const char *s)
{
    /* ^(?!^[-+.]*$)[+-]?0*\d*\.?\d*$ */
    const char *p = s;
    bool digit = false;
    if (*p == '+' || *p == '-')
        p++;
    while (isdigit((unsigned char)*p)) {
        p++;
        digit = true;
    }
    if (*p == '.')
        p++;
    while (isdigit((unsigned char)*p)) {
        p++;
        digit = true;
    }
    return *p == '\0' && digit;
}

static void check_value(const write_field *f, const cJSON *v, const char *path, problem_list *p)
{
    char msg[256];
    if (cJSON_IsNull(v)) {
        if (!(f->flags & WF_NULLABLE)) {
            if (f->kind == WK_ENUM) {
                enum_message(f->values, msg, sizeof msg);
                write_problem(p, path, v, msg, "enum");
            } else {
                write_problem(p, path, v, "Input should not be null", "none_forbidden");
            }
        }
        return;
    }
    switch (f->kind) {
    case WK_STRING:
        if (!cJSON_IsString(v))
            write_problem(p, path, v, "Input should be a valid string", "string_type");
        else if ((f->flags & WF_CODE3) && !is_code3(v->valuestring))
            write_problem(p, path, v, "String should match pattern '^\\w{3}$'", "string_pattern_mismatch");
        break;
    case WK_INT:
        if (!cJSON_IsNumber(v))
            write_problem(p, path, v, "Input should be a valid integer", "int_type");
        else if (floor(v->valuedouble) != v->valuedouble || fabs(v->valuedouble) > 9.0e15)
            write_problem(p, path, v, "Input should be a valid integer, got a number with a fractional part",
                          "int_from_float");
        break;
    case WK_NUMBER:
        if (!cJSON_IsNumber(v)) {
            write_problem(p, path, v, "Input should be a valid number", "float_type");
        } else if (f->flags & WF_RANGE) {
            if (v->valuedouble < f->min) {
                snprintf(msg, sizeof msg, "Input should be greater than or equal to %g", f->min);
                write_problem(p, path, v, msg, "greater_than_equal");
            } else if (v->valuedouble > f->max) {
                snprintf(msg, sizeof msg, "Input should be less than or equal to %g", f->max);
                write_problem(p, path, v, msg, "less_than_equal");
            }
        }
        break;
    case WK_COST:
        if (!cJSON_IsNumber(v) && !(cJSON_IsString(v) && is_decimal_string(v->valuestring)))
            write_problem(p, path, v, "Input should be a valid number or decimal string", "decimal_parsing");
        break;
    case WK_BOOL:
        if (!cJSON_IsBool(v))
            write_problem(p, path, v, "Input should be a valid boolean", "bool_type");
        break;
    case WK_DATE:
        if (!cJSON_IsString(v) || !emu_date_parse(v->valuestring))
            write_problem(p, path, v, "Input should be a valid date in the format YYYY-MM-DD", "date_from_datetime_parsing");
        break;
    case WK_DATETIME: {
        int64_t t;
        if (!cJSON_IsString(v) || !emu_time_parse(v->valuestring, &t))
            write_problem(p, path, v, "Input should be a valid datetime", "datetime_parsing");
        break;
    }
    case WK_UUID: {
        uuid u;
        if (!cJSON_IsString(v))
            write_problem(p, path, v, "UUID input should be a string, bytes or UUID object", "uuid_type");
        else if (!uuid_parse(v->valuestring, &u))
            write_problem(p, path, v, "Input should be a valid UUID", "uuid_parsing");
        break;
    }
    case WK_ENUM:
        if (!cJSON_IsString(v) || !enum_contains(f->values, v->valuestring)) {
            enum_message(f->values, msg, sizeof msg);
            write_problem(p, path, v, msg, "enum");
        }
        break;
    case WK_UUID_LIST:
    case WK_ENUM_LIST: {
        if (!cJSON_IsArray(v)) {
            write_problem(p, path, v, "Input should be a valid list", "list_type");
            break;
        }
        write_field item = *f;
        item.kind = f->kind == WK_UUID_LIST ? WK_UUID : WK_ENUM;
        item.flags = 0;
        int i = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, v)
        {
            char ipath[160];
            snprintf(ipath, sizeof ipath, "%s.%d", path, i++);
            check_value(&item, it, ipath, p);
        }
        if (f->kind == WK_UUID_LIST && (f->flags & WF_REQUIRED) && i == 0)
            write_problem(p, path, v, "List should have at least 1 item after validation, not 0", "too_short");
        break;
    }
    }
}

bool write_validate(const write_model *m, const cJSON *body, bool is_update, problem_list *p)
{
    return write_validate_nulls(m, body, is_update, true, p);
}

bool write_validate_nulls(const write_model *m, const cJSON *body, bool is_update, bool update_nulls, problem_list *p)
{
    size_t before = p->n;
    if (!cJSON_IsObject(body)) {
        write_problem(p, "body", body, "Input should be a valid dictionary or object to extract fields from",
                      "model_attributes_type");
        return false;
    }
    for (size_t i = 0; i < m->n; i++) {
        const write_field *f = &m->fields[i];
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, f->name);
        if (!v) {
            bool required = (f->flags & WF_REQUIRED) && (!is_update || strcmp(f->name, "connection_id") == 0);
            if (required)
                problems_add(p, f->name, "", "Field required", "missing");
            continue;
        }
        if (is_update && update_nulls && (f->flags & WF_UPDATE_NULLABLE) && cJSON_IsNull(v))
            continue; /* clears the field */
        check_value(f, v, f->name, p);
    }
    return p->n == before;
}
