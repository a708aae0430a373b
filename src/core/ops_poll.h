/* ops_poll: the operation tracker's poller, on top of the record store and the API. Decides when
 * and what to ask about the live ops of the store, asks, and merges the answers into the store.
 * After every event it handles (a reply, its timer) it calls on_event once, with the store and
 * its own state consistent; it never calls anything else above it. Private to core/ops*.c. */
#ifndef CATENA_CORE_OPS_POLL_H
#define CATENA_CORE_OPS_POLL_H

#include "core/api.h"
#include "core/loop.h"
#include "core/ops.h"
#include "core/ops_store.h"

typedef struct ops_poller ops_poller;
typedef void (*ops_poller_cb)(void *ud);

typedef struct ops_poller_opts {
    int poll_pending_ms, poll_idle_ms;
    int by_id_max;        /* 0..OPS_BY_ID_MAX: live ops of a connection asked by id, more by the list */
} ops_poller_opts;

ops_poller *ops_poller_new(loop *l, api *a, ops_store *s, const ops_poller_opts *o, ops_poller_cb on_event, void *ud);
/* Cancels what is in flight (no on_event) and frees the poller (not the store). */
void ops_poller_free(ops_poller *p);

/* Poll every connection with live ops as soon as possible (after loading the journal). */
void ops_poller_kick_all(ops_poller *p);
/* Also list the other ops of this connection (normalized id; "" for none). */
void ops_poller_follow(ops_poller *p, const char *connection_id);
/* Poll this op (normalized id; "" for none) by the single GET. */
void ops_poller_watch(ops_poller *p, const char *op_id);

/* Gives up the live ops that are too old to be found by a list window. */
void ops_poller_age_check(ops_poller *p);
/* Starts the polls that are due and arms the timer for the next one. */
void ops_poller_schedule(ops_poller *p);

/* The estimated server clock (wall clock + the offset seen). */
int64_t ops_poller_server_now(const ops_poller *p);
/* ts_ms is a server timestamp known to be recent: the server's clock is at least that far. */
void ops_poller_observe_server_time(ops_poller *p, int64_t ts_ms);
int64_t ops_poller_clock_offset(const ops_poller *p);
/* An offset saved earlier; ignored once one was seen this session. */
void ops_poller_restore_clock_offset(ops_poller *p, int64_t offset_ms);

void ops_poller_health(const ops_poller *p, ops_health *h);
/* What of the health the pane shows, as one number: a change of it is worth a redraw. */
unsigned ops_poller_health_sig(const ops_poller *p);

#endif
