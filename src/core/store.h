/* store: the in-memory model of what the console has loaded, in compact structs.
 * Strings live in per-table pools and are stored already sanitized for display;
 * ids are 16-byte binary UUIDs. Designed for 100,000+ rows per table. */
#ifndef CATENA_CORE_STORE_H
#define CATENA_CORE_STORE_H

#include "common/uuid.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t sref; /* offset into a strpool; 0 is the empty string */

typedef struct strpool {
    char *data;
    size_t len, cap;
} strpool;

sref strpool_add(strpool *p, const char *s);
/* Adds a sanitized copy of untrusted text (core/text.h): what the screen may show. NULL or "" -> 0. */
sref strpool_add_clean(strpool *p, const char *s);
const char *strpool_get(const strpool *p, sref r);
void strpool_free(strpool *p);

typedef enum {
    KIND_CONNECTION,
    KIND_DRIVER,
    KIND_VEHICLE,
    KIND_TRAILER,
    KIND_DVIR,
    KIND_FUEL,
    KIND_GROUP_MESSAGE,
    KIND__COUNT
} record_kind;

typedef struct connection_rec {
    uuid id, tsp_id;
    sref description, source_name, status, fleet_ref;
} connection_rec;

typedef struct user_rec {
    uuid id;
    sref first_name, last_name, username, phone, email, status, source_id, license, designation;
    uint8_t is_driver, is_active;
} user_rec;

typedef struct vehicle_rec {
    uuid id;
    sref name, vin, plate, plate_region, oem, model, status, source_id;
    int16_t year;
    uint8_t is_active;
} vehicle_rec;

typedef struct trailer_rec {
    uuid id;
    sref name, plate, trailer_type, status, source_id, oem, model;
    float length;
    int16_t year;
    uint8_t is_active;
} trailer_rec;

/* A DVIR log (inspection report): who, what, when, its defects ("brakes, tires") and whether one
 * of them is safety-critical. */
typedef struct dvir_rec {
    uuid id, driver_id, vehicle_id, trailer_id;
    sref occurred_at, log_type, defects, inspected_by, driver_comment, source_id;
    float odometer;
    int16_t defect_count;
    uint8_t is_safety_critical;
} dvir_rec;

/* A fuel transaction (FuelTransactionRead: no volume unit, the time is occurred_at). */
typedef struct fuel_rec {
    uuid id, driver_id, vehicle_id, co_driver_id;
    sref occurred_at, fuel_type, vendor, total_cost, currency, source_id;
    float volume, odometer;
} fuel_rec;

/* A group message: one text to several drivers; the API gives one status for the whole group.
 * recipients: their ids joined by ", " (as decoding keeps a list of strings). */
typedef struct group_msg_rec {
    uuid id, sender_id;
    sref occurred_at, text, sender_name, status, recipients, source_id, connection_id;
} group_msg_rec;

typedef enum { LOAD_IDLE, LOAD_RUNNING, LOAD_DONE, LOAD_FAILED } load_state;

/* One list (connections, or a connection's drivers/vehicles/trailers) being loaded page by page. */
typedef struct table {
    record_kind kind;
    void *rows;           /* array of the kind's *_rec */
    size_t count, cap;
    strpool pool;
    load_state state;
    long total;           /* from the page's `total`, -1 if unknown */
    char *error;          /* one-line explanation when state == LOAD_FAILED */
    uint64_t generation;  /* bumped on every change, so views know to refilter */
    /* The connection's tables this one belongs to (cells name a log's driver and vehicle from
     * them), NULL for a table on its own (a subcommand's listing). Kept by table_clear. */
    const struct conn_tables *owner;
    /* Vehicles and drivers: the connection's live locations (core/api_live.h) their location
     * columns show, NULL when none are loaded (the columns are then left out). Kept by table_clear. */
    const struct live_set *live;
} table;

size_t record_size(record_kind k);
void *table_row(const table *t, size_t i);
/* Appends a zeroed row and returns it. */
void *table_append(table *t);
void table_clear(table *t);
void table_init(table *t, record_kind k);
void table_set_error(table *t, const char *msg);
const char *table_str(const table *t, sref r);
/* Index of the row with this id, or -1. Linear; fine for lookups at user speed. */
long table_find_id(const table *t, const uuid *id);

typedef struct conn_tables {
    uuid connection_id;
    union {
        table by_kind[KIND__COUNT]; /* the connection's list of each kind ([KIND_CONNECTION] unused) */
        struct {
            table unused_, drivers, vehicles, trailers, dvir_logs, fuel, group_messages; /* the same, by name */
        };
    };
    table staff; /* users with is_driver=false: dispatchers who can send messages */
} conn_tables;

typedef struct store {
    table connections;
    conn_tables **per_conn; /* parallel to connections rows; each heap-allocated so its address is stable */
    size_t per_conn_cap;
} store;

void store_init(store *s);
void store_free(store *s);
/* Tables of the connection at index i (created on first use). KIND_DRIVER gives the drivers;
 * the staff table is reached through store_conn_tables. */
conn_tables *store_conn_tables(store *s, size_t i);
table *store_table(store *s, size_t conn_index, record_kind k);

/* Display helpers. */
void user_display_name(const table *t, const user_rec *u, char *out, size_t outcap);

#endif
