/* api_resources: the one table of the Catena resources the console lists and writes. Per resource:
 * its collection path, each JSON field (where it is kept in the compact record, whether an item
 * without it is refused, its form type, enum values and limits when writable), the list view's
 * columns, the subcommand listing's columns and --json keys, and its form. Decoding
 * (api_decode.c), the listings (src/app/cmd_list.c), --set parsing, the forms (forms.c,
 * api_forms.c) and the list views (ui/listview.c) all read it: adding a resource is a record
 * struct in store.h, a KIND_ and a table entry in api_resources.c. */
#ifndef CATENA_CORE_API_RESOURCES_H
#define CATENA_CORE_API_RESOURCES_H

#include "core/store.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    FT_STRING,
    FT_TEXT,      /* multi-line string (notes) */
    FT_INT,       /* integer within [min, max] */
    FT_NUMBER,    /* decimal number >= 0; within [min, max] (negatives too) when min < max */
    FT_BOOL,      /* "true"/"false" (also yes/no, 1/0 on input) */
    FT_ENUM,      /* one of enum_values */
    FT_COUNTRY3,  /* 3 letters/digits/underscore (^\w{3}$), e.g. USA, CAN */
    FT_VIN,       /* free text; not a 17-char check-digit VIN is a warning, not an error */
    FT_DATE,      /* YYYY-MM-DD */
    FT_EMAIL,
    FT_DATETIME,  /* a moment: "YYYY-MM-DD HH:MM[:SS]" in the local time zone, or ISO 8601 with an offset;
                   * sent as ISO 8601 with the local offset; a time in the future is refused */
    FT_ENUM_LIST, /* several of enum_values, "a, b" (sent as a JSON array) */
    FT_REF        /* the id of a record of ref_kind on the same connection (a UUID) */
} field_type;

/* How a decoded field is kept in the record. */
typedef enum {
    ST_NONE,  /* not kept (only checked when required) */
    ST_UUID,  /* uuid; absent or not a UUID -> all zero (refused when req is REQ_UUID) */
    ST_STR,   /* sref into the table's pool, sanitized; a list of strings joined by ", "; else "" */
    ST_I16,   /* int16_t, clamped; absent or not a number -> 0 */
    ST_F32,   /* float, clamped; absent or not a number -> 0 */
    ST_BOOL   /* uint8_t 1 for true, else 0 */
} store_type;

/* What decoding demands of a field: an item without it is refused. */
typedef enum { REQ_NO, REQ_STRING, REQ_UUID } field_req;

/* One JSON field of a resource. The first seven members describe it as a form field (the order
 * positional initializers elsewhere rely on); the rest say how it is decoded. */
typedef struct field_spec {
    const char *name;   /* JSON field name, e.g. "model_year" */
    const char *label;  /* "Model year" */
    field_type type;
    const char *const *enum_values; /* NULL-terminated, for FT_ENUM (the tables of api_enums.h) */
    long min, max;      /* for FT_INT */
    bool required_on_create;
    store_type store;
    size_t offset;      /* in the record struct, when store != ST_NONE */
    field_req req;
    const char *create_default; /* sent by a create subcommand when --set does not name the field */
    record_kind ref_kind;       /* FT_REF: the kind of record it names */
    const char *count_of;       /* derived, never typed: the number of values of this FT_ENUM_LIST field */
} field_spec;

/* A column of a list: the list view uses all of it, the subcommand listing title and value. */
typedef struct api_column {
    const char *title;
    int width;    /* preferred width in columns */
    int min;      /* below this the column is dropped */
    bool flex;    /* takes a share of spare width */
    int prio;     /* when space is short, columns with a higher number are dropped first */
    store_type type;
    size_t offset;  /* of the value in the record */
    size_t offset2; /* ST_STR: a second string joined with a space ("Make / model"); 0 = none */
    const char *fmt; /* ST_I16 / ST_F32: printf format; the cell is empty when the value is <= 0 */
    /* A computed cell (a user's display name) instead of type/offset. */
    void (*cell)(const table *t, const void *row, char *buf, size_t cap);
} api_column;

typedef struct api_resource {
    record_kind kind;
    const char *name;        /* "vehicle": ResourceEnum, and errors ("vehicle field 'id' ...") */
    const char *path;        /* the collection, "/v2/telematics/vehicles" */
    const char *list_query;  /* always added to the list's query ("is_driver=true"), or NULL */
    bool per_connection;     /* listed with ?connection_id= */
    size_t rec_size;         /* of the record struct; every record starts with its uuid id */
    const field_spec *fields;
    int nfields;
    const api_column *cols;  /* the list view's */
    int ncols;
    const api_column *cli_cols; /* the subcommand listing's */
    int ncli_cols;
    /* The --json keys in order (NULL-terminated): a field's name, "name" for name(), or
     * "connection_id" for the connection listed. */
    const char *const *json_keys;
    void (*name_of)(const table *t, const void *row, char *buf, size_t cap); /* "name" in --json */
    int form;                /* form_kind of its form (core/forms.h), -1 when not writable */
    bool no_item_get;        /* no GET of one record: a write's result shows by loading the list again */
    /* A row to show as an alert (a safety-critical DVIR log), or NULL. */
    bool (*alert)(const table *t, const void *row);
} api_resource;

/* The resource of a record kind, or NULL. */
const api_resource *api_resource_get(record_kind k);
/* By name ("vehicle", "user": ResourceEnum), or NULL. */
const api_resource *api_resource_by_name(const char *name);
/* A field by JSON name, or NULL. */
const field_spec *api_resource_field(const api_resource *r, const char *name);
/* The list's path and query without paging (heap, caller frees): the collection, then
 * connection_id when per-connection, then query (NULL: the resource's list_query), e.g.
 * "/v2/telematics/users?connection_id=C&is_driver=true". */
char *api_resource_list_path(const api_resource *r, const char *connection_id, const char *query);
/* Filters of a list of logs (DVIR logs, fuel transactions): ids (UUID text) and moments (ISO
 * 8601); NULL = not filtered. */
typedef struct api_log_filter {
    const char *driver_id, *vehicle_id, *from, *to;
} api_log_filter;
/* Whether the resource's list takes these filters (its time window is the API's last 24 hours
 * unless from/to say otherwise). */
bool api_resource_has_log_filters(const api_resource *r);
/* The list's query for these filters (heap, "" when none): "driver_ids=..&from_datetime=..". */
char *api_resource_log_query(const api_resource *r, const api_log_filter *f);
/* One record's path (heap): "/v2/telematics/vehicles/ID". */
char *api_resource_item_path(const api_resource *r, const char *id);
/* One row as the --json object of the listings (heap JSON text): json_keys in order. */
char *api_resource_row_json(const api_resource *r, const table *t, const void *row, const char *connection_id);
/* The column shows live locations (the list leaves it out while its table has none). */
bool api_column_needs_live(const api_column *c);
/* The name of the record with this id in list (a driver's display name, a vehicle's or a trailer's
 * name) into buf; false with buf "" when the list does not have it. */
bool api_record_name(const table *list, const uuid *id, char *buf, size_t cap);
/* A moment as ISO 8601 text -> "YYYY-MM-DD HH:MM" in the local time zone; "" when it is not one. */
void api_local_time(const char *iso, char *buf, size_t cap);
/* Writes a column's cell of one record (text already sanitized by decoding) into buf. */
void api_cell(const api_column *c, const table *t, const void *row, char *buf, size_t cap);

#endif
