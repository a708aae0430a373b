/* inbox: the message watcher. For every connection of the account it polls the messages list
 * with from_datetime since the newest message seen there (core/api_inbox: one request per
 * connection per tick, however many drivers; a longer answer goes on from its cursor at the next
 * tick), keeps the newest driver messages (core/inbox_store) with whether this console has shown
 * them, in a state file of the account, and tells of changes through one callback. Timing as the
 * operation tracker's (core/poll_sched: the interval, backoff with jitter, Retry-After on a 429,
 * stale marks). A connection that answers 403 or 501 is marked so and left alone for
 * INBOX_REFUSED_RETRY_MS; one slow connection does not delay the others (each has its own
 * request and timing). No curses. */
#ifndef CATENA_CORE_INBOX_H
#define CATENA_CORE_INBOX_H

#include "core/api.h"
#include "core/inbox_store.h"
#include "core/loop.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INBOX_REFUSED_RETRY_MS (15LL * 60 * 1000) /* a 403/501 connection is asked again after this */
#define INBOX_SAVE_DELAY_MS 1000                  /* changes are written at most once a second */
#define INBOX_STATE_FILE "inbox.json" /* its name in the account's directory (statefile_account_file) */

typedef struct inbox_settings {
    int poll_ms;            /* the interval (the console passes poll_pending_ms; 0: 5000) */
    const char *state_path; /* NULL: nothing kept across restarts; the console: INBOX_STATE_FILE */
    int page_size;          /* messages a request (0: API_PAGE_SIZE_MAX) */
} inbox_settings;

typedef struct inbox inbox;

/* Called after the inbox found a change by itself: new messages (added: how many came), a
 * connection's state or the health, or messages and read marks another console of the account
 * saved (added 0); from the loop, never from inside an inbox_* call (so not for the caller's own
 * inbox_mark_read). */
typedef void (*inbox_change_cb)(void *ud, size_t added);

inbox *inbox_new(loop *l, api *a, const inbox_settings *s);
/* Stops (saving what changed) and frees. */
void inbox_free(inbox *ib);
void inbox_set_callback(inbox *ib, inbox_change_cb cb, void *ud);

/* Reads the state file and starts polling the connections given by inbox_set_connections. -1
 * with *err when the state file cannot be read (the inbox then starts empty and still polls). */
int inbox_start(inbox *ib, char **err);
/* Cancels what is in flight, stops the timer and saves; inbox_start starts again. */
void inbox_stop(inbox *ib);
/* The account's connections (canonical uuid text). New ones are polled at once; ones no longer
 * given are no longer polled (their messages stay). */
void inbox_set_connections(inbox *ib, const char *const *ids, size_t n);

/* Newest first. A message first seen in a connection's first poll (nothing known of it before)
 * is unread only if the API does not say it was read; every later one arrives unread. */
size_t inbox_count(const inbox *ib);
const inbox_msg *inbox_get(const inbox *ib, size_t i);
const inbox_msg *inbox_find(const inbox *ib, const char *msg_id);
size_t inbox_unread_count(const inbox *ib);
/* Marks one message / all read (this console has shown them); true / how many changed. */
bool inbox_mark_read(inbox *ib, const char *msg_id);
size_t inbox_mark_all_read(inbox *ib);

typedef enum {
    INBOX_CONN_OK,          /* polled (stale_since_ms says whether the last polls failed) */
    INBOX_CONN_FORBIDDEN,   /* answered 403: not allowed to read its messages */
    INBOX_CONN_UNSUPPORTED  /* answered 501: its TSP has no messages */
} inbox_conn_state;

typedef struct inbox_conn_info {
    char id[UUID_STR_LEN];
    inbox_conn_state state;
    int64_t stale_since_ms; /* app clock of the first failed poll since the last answer, or 0 */
    int64_t last_ok_ms;     /* app clock of the last answer, or 0 */
    char reason[200];       /* the API's explanation of the refusal or the last failure */
} inbox_conn_info;

size_t inbox_conn_count(const inbox *ib);
/* The i-th connection given to inbox_set_connections; false past the end. */
bool inbox_conn_get(const inbox *ib, size_t i, inbox_conn_info *out);

typedef struct inbox_health {
    bool polling;           /* a request is in flight */
    int64_t stale_since_ms; /* the earliest stale mark of an OK connection, or 0 */
    size_t refused;         /* connections FORBIDDEN or UNSUPPORTED */
    int64_t next_poll_ms;   /* app clock of the next poll, or 0 */
    uint64_t requests;      /* requests sent so far */
    char last_error[200];   /* of the last failed poll while any is stale, else "" */
    char save_error[200];   /* why the state file could not be written, else "" */
} inbox_health;
void inbox_get_health(const inbox *ib, inbox_health *h);

#endif
