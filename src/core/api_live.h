/* api_live: where every vehicle of a connection is, from GET of the live-locations list (every page
 * through the pager, one load per connection per refresh), kept as compact records with sanitized
 * strings in a pool: the place as text (the location's own name when it has one, else "lat, long"),
 * the speed as text, the time of the report, and the vehicle's driver. The lists show them through
 * computed cells (core/api_resources.c) that find a vehicle's or a driver's record here. */
#ifndef CATENA_CORE_API_LIVE_H
#define CATENA_CORE_API_LIVE_H

#include "core/api.h"
#include "core/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct live_loc {
    uuid vehicle_id, driver_id; /* driver_id nil when none */
    int64_t at_ms;              /* occurred_at (ms since the epoch), 0 when unknown */
    sref place, speed, vehicle_name, driver_name;
} live_loc;

typedef struct live_set {
    live_loc *v; /* sorted by vehicle id */
    size_t n, cap;
    uint32_t *by_driver; /* indexes of v with a driver, sorted by driver id */
    size_t ndrivers;
    strpool pool;
    int64_t now_wall_ms; /* what ages are counted from: set by whoever shows them */
} live_set;

void live_set_free(live_set *s);
/* Sorts and indexes after decoding (live_decode_page does it). */
void live_set_index(live_set *s);
const live_loc *live_find_vehicle(const live_set *s, const uuid *vehicle_id);
const live_loc *live_find_driver(const live_set *s, const uuid *driver_id);
const char *live_str(const live_set *s, sref r);
/* A hash of everything shown but ages: equal sets draw the same. */
uint64_t live_signature(const live_set *s);

/* "now", "4 min ago", "3 h ago", "12 d ago" ("" when at_ms is 0; a report from the future is "now"). */
void live_age_text(int64_t now_ms, int64_t at_ms, char *buf, size_t cap);
/* Milliseconds from now until live_age_text of some record of s changes (at least 1000), or -1. */
int64_t live_next_change_ms(const live_set *s, int64_t now_ms);

/* Decodes a page (JSON text) into s and indexes it. 0, or -1 with *err (heap). For tests. */
int live_decode_page(live_set *s, const char *json, size_t len, char **err);
/* One record as a --json object (heap JSON text). */
char *live_row_json(const live_set *s, const live_loc *l, const char *connection_id);

/* ------------------------------------------------------------------ fetching */

/* got: the connection's locations (also on failure: empty). error NULL on success, else one line;
 * http_status that of the failed request (403, 501: the connection does not give locations). The
 * callback may swap got's contents with a set of its own; whatever got holds afterwards is freed. */
typedef void (*api_live_done_cb)(void *ud, live_set *got, const char *error, long http_status);
typedef struct api_live_fetch api_live_fetch;

/* Starts the load. Returns it, or NULL when it already ended (cb has run). */
api_live_fetch *api_live_fetch_start(api *a, const char *connection_id, int page_size, api_live_done_cb cb,
                                     void *ud);
/* cb runs with "cancelled"; drop the pointer then. */
void api_live_fetch_cancel(api_live_fetch *f);
/* Runs a load to completion on the api's loop (subcommands); connection_id NULL: every connection.
 * 0 (out replaced), or -1 with *err (heap) and *status saying what failed. */
int api_live_run(api *a, const char *connection_id, int page_size, live_set *out, api_status *status, char **err,
                 const volatile int *stop);

#endif
