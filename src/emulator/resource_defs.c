#include "resource_defs.h"

#include <string.h>

#define RF_ENTRY(n, f) {#n, f},

static const read_field vehicle_fields[] = {VEHICLE_FIELDS(RF_ENTRY)};
static const read_field user_fields[] = {USER_FIELDS(RF_ENTRY)};
static const read_field trailer_fields[] = {TRAILER_FIELDS(RF_ENTRY)};
static const read_field message_fields[] = {MESSAGE_FIELDS(RF_ENTRY)};
static const read_field group_message_fields[] = {GROUP_MESSAGE_FIELDS(RF_ENTRY)};
static const read_field dvir_log_fields[] = {DVIR_LOG_FIELDS(RF_ENTRY)};
static const read_field fuel_transaction_fields[] = {FUEL_TRANSACTION_FIELDS(RF_ENTRY)};

#define FIELDS(a) a, sizeof(a) / sizeof((a)[0])

const resource_def RESOURCE_DEFS[RES_COUNT] = {
    {RES_VEHICLE, "vehicle", "/v2/telematics/vehicles", "vehicle_id", "vehicle_ids", 0, FIELDS(vehicle_fields)},
    {RES_USER, "user", "/v2/telematics/users", "user_id", "user_ids", 0, FIELDS(user_fields)},
    {RES_TRAILER, "trailer", "/v2/telematics/trailers", "trailer_id", "trailer_ids", 0, FIELDS(trailer_fields)},
    {RES_MESSAGE, "message", "/v2/telematics/messages", NULL, NULL, 1, FIELDS(message_fields)},
    {RES_GROUP_MESSAGE, "group_message", "/v2/telematics/group-messages", NULL, NULL, 1, FIELDS(group_message_fields)},
    {RES_DVIR_LOG, "dvir_log", "/v2/telematics/dvir-logs", NULL, NULL, 1, FIELDS(dvir_log_fields)},
    {RES_FUEL_TRANSACTION, "fuel_transaction", "/v2/telematics/fuel-transactions", NULL, NULL, 1,
     FIELDS(fuel_transaction_fields)},
};

int resource_field_index(const resource_def *def, const char *name)
{
    for (size_t i = 0; i < def->n_fields; i++)
        if (strcmp(def->fields[i].name, name) == 0)
            return (int)i;
    return -1;
}

const resource_def *resource_by_name(const char *name)
{
    for (int i = 0; i < RES_COUNT; i++)
        if (strcmp(RESOURCE_DEFS[i].name, name) == 0)
            return &RESOURCE_DEFS[i];
    return NULL;
}
