/* ops: the operation tracker. Holds the resource operations this console sent (and, on request,
 * the others of one connection), polls their status by need with a bounded number of requests
 * per connection per tick (see OPS_BY_ID_MAX), backs off on errors, and keeps a journal in the
 * state directory so a restart goes on where it stopped. No curses. */
#ifndef CATENA_CORE_OPS_H
#define CATENA_CORE_OPS_H

#include "core/api.h"
#include "core/api_ops.h" /* op_rec, op_status, op_status_name, op_rec_clear */
#include "core/loop.h"

#include <stdbool.h>
#include <stdint.h>

/* A connection with at most this many live ops has each asked by its single GET every tick;
 * one with more is polled by the list, at most OPS_TICK_PAGES pages of OPS_PAGE_SIZE a tick (the
 * sweep goes on at the next tick). So a tick costs at most max(OPS_BY_ID_MAX, OPS_TICK_PAGES)
 * requests per connection, plus one for the op a detail view watches, whatever the backlog. */
#define OPS_BY_ID_MAX 8
#define OPS_TICK_PAGES 2
#define OPS_PAGE_SIZE 100

typedef struct ops_settings {
    int poll_pending_ms;   /* while something is pending (default 1000) */
    int poll_idle_ms;      /* otherwise (default 15000) */
    const char *journal_path; /* NULL: no journal */
    int by_id_max;         /* 0: OPS_BY_ID_MAX; -1: always the list (tests of the list sweep) */
} ops_settings;

typedef struct ops_tracker ops_tracker;

/* Called on every status change (old is OP_UNKNOWN for a newly seen op). */
typedef void (*ops_change_cb)(void *ud, const op_rec *op, op_status old);
/* Called when anything about the list changed (for redraws). */
typedef void (*ops_dirty_cb)(void *ud);

ops_tracker *ops_tracker_new(loop *l, api *a, const ops_settings *s);
void ops_tracker_free(ops_tracker *t);
void ops_tracker_set_callbacks(ops_tracker *t, ops_change_cb on_change, ops_dirty_cb on_dirty, void *ud);

/* Loads the journal (ops sent earlier) and starts polling. -1 with *err if it is corrupt
 * (the bad file is kept aside as .corrupt). */
int ops_tracker_start(ops_tracker *t, char **err);
/* Adds an op from a write's response body (202, 200 or 502); mine = true; journaled.
 * label and target_id may be NULL. Returns the op or NULL with *err if the body is not an op. */
const op_rec *ops_tracker_add_response(ops_tracker *t, const char *body, size_t len, const char *label,
                                       const char *target_id, char **err);
/* Also list the other operations of this connection (NULL: only mine). */
void ops_tracker_follow_connection(ops_tracker *t, const char *connection_id);
/* Poll this one op with the single-op GET while a detail view shows it (NULL to stop). */
void ops_tracker_watch_detail(ops_tracker *t, const char *op_id);

size_t ops_count(const ops_tracker *t);
/* Ordered for display: mine first (newest first), then others (newest first). */
const op_rec *ops_get(const ops_tracker *t, size_t i);
const op_rec *ops_find(const ops_tracker *t, const char *id);
int ops_pending_count(const ops_tracker *t);

typedef struct ops_health {
    bool polling;          /* a request is in flight */
    bool offline;          /* the last poll failed with a network error */
    int64_t stale_since_ms;/* app clock of the first failed poll since the last success, or 0 */
    int64_t last_ok_ms;    /* app clock of the last successful poll, or 0 */
    int64_t next_poll_ms;  /* app clock of the next poll */
    char last_error[200];
    uint64_t requests;     /* poll requests sent so far (list + single) */
} ops_health;
void ops_tracker_health(const ops_tracker *t, ops_health *h);

#endif
