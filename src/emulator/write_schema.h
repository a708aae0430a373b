/* write_schema: the request bodies of the seven writes (types, enums, patterns, required) and their validation. */
#ifndef CATENA_EMU_WRITE_SCHEMA_H
#define CATENA_EMU_WRITE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "http_msg.h"
#include "resource_defs.h"

typedef enum write_kind {
    WK_STRING,
    WK_INT,
    WK_NUMBER,
    WK_BOOL,
    WK_DATE,
    WK_DATETIME,
    WK_UUID,
    WK_UUID_LIST,
    WK_ENUM,
    WK_ENUM_LIST,
    WK_COST /* number, or a decimal string */
} write_kind;

#define WF_REQUIRED 1u
#define WF_NULLABLE 2u
#define WF_CODE3 4u /* pattern ^\w{3}$ */
#define WF_RANGE 8u
#define WF_UPDATE_NULLABLE 16u /* nullable in the update schema only (the enums of VehicleUpdate, UserUpdate) */

typedef struct write_field {
    const char *name;
    write_kind kind;
    unsigned flags;
    const char *const *values; /* enum values */
    double min, max;
    int ref;                /* for uuids: the emu_resource the id must name, -1 none */
    const char *source_key; /* payload key carrying the TSP's id, e.g. "source_sender_id" */
} write_field;

typedef struct write_model {
    const char *name; /* schema name, e.g. "MessageCreate" */
    const write_field *fields;
    size_t n;
} write_model;

/* The create (and, for vehicles/users/trailers, update) body of a resource. */
const write_model *write_model_for(emu_resource res);
/* Checks types, enums, patterns, ranges and required fields (required ignored for updates except
 * connection_id). Unknown fields are ignored. True if no problem was added. */
bool write_validate(const write_model *m, const cJSON *body, bool is_update, problem_list *p);
/* The same; update_nulls false refuses null for WF_UPDATE_NULLABLE fields too (fault kind refuse_null). */
bool write_validate_nulls(const write_model *m, const cJSON *body, bool is_update, bool update_nulls, problem_list *p);
/* Adds a problem whose input is the JSON text of v (or "" when v is NULL). */
void write_problem(problem_list *p, const char *path, const cJSON *v, const char *message, const char *type);

#endif
