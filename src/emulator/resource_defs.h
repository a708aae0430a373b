/* resource_defs: the read models the emulator stores (field lists in contract order) and their routes. */
#ifndef CATENA_EMU_RESOURCE_DEFS_H
#define CATENA_EMU_RESOURCE_DEFS_H

#include <stddef.h>

/* Read-field flags. */
#define RF_NUMERIC 1u    /* sorts numerically */
#define RF_OMIT_NULL 2u  /* schema type is a non-nullable enum: leave the key out when unset */
#define RF_WRITE_ONLY 4u /* accepted on writes and stored, never rendered */

typedef struct read_field {
    const char *name;
    unsigned flags;
} read_field;

#define VEHICLE_FIELDS(X)                                                                                    \
    X(vehicle_name, 0) X(oem, 0) X(model_type, 0) X(model_year, RF_NUMERIC) X(vin, 0) X(engine_vin, 0)       \
    X(license_plate_region, 0) X(license_plate_country, 0) X(license_plate_number, 0) X(started_at, 0)      \
    X(ended_at, 0) X(is_active, 0) X(status, 0) X(notes, 0) X(eld_id, 0) X(eld_serial_number, 0)           \
    X(eld_device_type, 0) X(eld_product_id, 0) X(total_axles, RF_NUMERIC) X(vehicle_groups, 0)             \
    X(external_id, 0) X(speed_unit, 0) X(odometer_unit, 0) X(fuel_unit, 0) X(fuel_capacity, 0)             \
    X(engine_type, 0)

#define USER_FIELDS(X)                                                                                       \
    X(username, 0) X(started_at, 0) X(ended_at, 0) X(is_active, 0) X(status, 0) X(is_driver, 0)             \
    X(user_designation, 0) X(user_email, 0) X(first_name, 0) X(last_name, 0) X(phone_number, 0)            \
    X(country_code, 0) X(license_country, 0) X(license_region, 0) X(license_number, 0)                     \
    X(license_expiration, 0) X(employee_number, 0) X(company_groups, 0) X(private_user_groups, 0)          \
    X(report_groups, 0) X(security_groups, 0) X(authority_name, 0) X(authority_address, 0)                 \
    X(company_name, 0) X(company_address, 0) X(carrier_number, 0) X(last_tsp_login, 0) X(notes, 0)         \
    X(hos_ruleset_code, RF_OMIT_NULL) X(allow_yard_move, 0) X(allow_personal_conveyance, 0)                \
    X(allow_adverse_driving, 0) X(default_time_zone, RF_OMIT_NULL) X(hos_compliance_type, RF_WRITE_ONLY)   \
    X(hos_tracking_method, RF_WRITE_ONLY)

#define TRAILER_FIELDS(X)                                                                                    \
    X(trailer_name, 0) X(oem, 0) X(model_type, 0) X(model_year, RF_NUMERIC) X(vin, 0)                       \
    X(license_plate_region, 0) X(license_plate_country, 0) X(license_plate_number, 0) X(started_at, 0)      \
    X(ended_at, 0) X(is_active, 0) X(status, 0) X(notes, 0) X(eld_id, 0) X(eld_serial_number, 0)           \
    X(eld_device_type, 0) X(eld_product_id, 0) X(total_axles, RF_NUMERIC) X(trailer_groups, 0)             \
    X(external_id, 0) X(trailer_length, RF_NUMERIC) X(trailer_type, 0) X(speed_unit, 0) X(odometer_unit, 0) \
    X(fuel_unit, 0) X(fuel_capacity, 0) X(engine_type, 0)

#define MESSAGE_FIELDS(X)                                                                                    \
    X(source_sender_id, 0) X(source_recipient_id, 0) X(sender_id, 0) X(recipient_id, 0) X(message_text, 0)  \
    X(message_hash, 0) X(status, RF_OMIT_NULL) X(delivered_at, 0) X(read_at, 0) X(sent_by_driver, 0)       \
    X(sender_name, 0) X(recipient_name, 0) X(thread_id, 0) X(source_thread_id, 0)                          \
    X(reply_to_message_id, 0) X(source_reply_to_message_id, 0) X(priority, RF_WRITE_ONLY)

#define GROUP_MESSAGE_FIELDS(X)                                                                              \
    X(source_sender_id, 0) X(source_recipient_ids, 0) X(sender_id, 0) X(recipient_ids, 0)                   \
    X(message_text, 0) X(message_hash, 0) X(status, RF_OMIT_NULL) X(delivered_at, 0) X(sent_by_driver, 0)  \
    X(sender_name, 0) X(thread_id, 0) X(source_thread_id, 0) X(group_id, 0) X(source_group_id, 0)          \
    X(priority, RF_WRITE_ONLY)

#define DVIR_LOG_FIELDS(X)                                                                                   \
    X(vehicle_id, 0) X(driver_id, 0) X(trailer_id, 0) X(source_driver_id, 0) X(source_vehicle_id, 0)        \
    X(source_trailer_id, 0) X(log_type, 0) X(authority_name, 0) X(authority_address, 0)                    \
    X(duration_seconds, RF_NUMERIC) X(odometer_km, RF_NUMERIC) X(odometer, RF_NUMERIC)                     \
    X(engine_hours, RF_NUMERIC) X(location, 0) X(h3_index_11, RF_NUMERIC) X(inspected_by, 0)               \
    X(certify_comment, 0) X(driver_comment, 0) X(defect_count, RF_NUMERIC) X(version, 0) X(defects, 0)     \
    X(is_safety_critical, 0) X(odometer_unit, RF_WRITE_ONLY)

#define FUEL_TRANSACTION_FIELDS(X)                                                                           \
    X(vehicle_id, 0) X(driver_id, 0) X(co_driver_id, 0) X(source_driver_id, 0) X(source_vehicle_id, 0)      \
    X(source_co_driver_id, 0) X(location, 0) X(h3_index_11, RF_NUMERIC) X(inferred_address, 0)             \
    X(odometer, RF_NUMERIC) X(fuel_type, RF_OMIT_NULL) X(fuel_volume, RF_NUMERIC) X(fuel_vendor, 0)        \
    X(total_cost, 0) X(currency, 0) X(odometer_unit, RF_OMIT_NULL) X(fuel_volume_unit, RF_WRITE_ONLY)      \
    X(transaction_time, RF_WRITE_ONLY) X(transaction_jurisdiction, RF_WRITE_ONLY)                          \
    X(location_string, RF_WRITE_ONLY)

#define VF_X(n, f) VF_##n,
#define UF_X(n, f) UF_##n,
#define TF_X(n, f) TF_##n,
#define MF_X(n, f) MF_##n,
#define GF_X(n, f) GF_##n,
#define DF_X(n, f) DF_##n,
#define FF_X(n, f) FF_##n,
enum vehicle_field { VEHICLE_FIELDS(VF_X) VF_COUNT };
enum user_field { USER_FIELDS(UF_X) UF_COUNT };
enum trailer_field { TRAILER_FIELDS(TF_X) TF_COUNT };
enum message_field { MESSAGE_FIELDS(MF_X) MF_COUNT };
enum group_message_field { GROUP_MESSAGE_FIELDS(GF_X) GF_COUNT };
enum dvir_log_field { DVIR_LOG_FIELDS(DF_X) DF_COUNT };
enum fuel_transaction_field { FUEL_TRANSACTION_FIELDS(FF_X) FF_COUNT };

typedef enum emu_resource {
    RES_VEHICLE,
    RES_USER,
    RES_TRAILER,
    RES_MESSAGE,
    RES_GROUP_MESSAGE,
    RES_DVIR_LOG,
    RES_FUEL_TRANSACTION,
    RES_COUNT
} emu_resource;

typedef struct resource_def {
    emu_resource kind;
    const char *name;       /* ResourceEnum value, e.g. "vehicle" */
    const char *path;       /* collection path, e.g. "/v2/telematics/vehicles" */
    const char *id_param;   /* GET path parameter name, e.g. "vehicle_id" */
    const char *ids_filter; /* list filter of Catena ids, e.g. "vehicle_ids" (NULL if none) */
    int event_like;         /* has the from_datetime/to_datetime window */
    const read_field *fields;
    size_t n_fields;
} resource_def;

extern const resource_def RESOURCE_DEFS[RES_COUNT];

/* Index of a read field by name, or -1. */
int resource_field_index(const resource_def *def, const char *name);
/* The resource whose ResourceEnum value is name, or NULL. */
const resource_def *resource_by_name(const char *name);

#endif
