/* Private to the conversation overlay (ui/view_conversation.c draws it and takes its keys;
 * ui/view_conversation_data.c starts the fetch, src/core/api_messages.c does it). Not for other files.
 *
 * A conversation holds two compact lists: the messages the API returned (both directions,
 * merged by id, oldest first) and "local" entries for message writes the operations tracker
 * knows about that the API does not list yet (pending, failed, or just succeeded). */
#ifndef CATENA_UI_VIEW_CONVERSATION_H
#define CATENA_UI_VIEW_CONVERSATION_H

#include "core/api_messages.h"
#include "core/store.h"
#include "ui/app.h"

#include <stdbool.h>
#include <stdint.h>

#define CONV_WINDOW_DAYS 30
#define CONV_REFRESH_MS 10000
/* History: windows of this many days back from the oldest loaded (the API allows 45 at most)... */
#define CONV_HISTORY_WINDOW_DAYS 30
/* ...and no further back than this from now. */
#define CONV_HISTORY_MAX_DAYS 365

/* A row of the display list: a message of either list, with its layout at the current width. */
typedef struct conv_item {
    const conv_msg *m;
    const strpool *pool;
    int rows;     /* screen rows: day separator (if any) + meta line + text lines */
    bool day_sep; /* first message of its day: a date line above it */
} conv_item;

typedef struct conv {
    app *a;
    uuid conn_id, driver_id, you_id;
    bool have_you;
    char conn_s[UUID_STR_LEN], driver_s[UUID_STR_LEN];
    char driver_name[200], driver_user[120];
    int64_t from_ms;    /* the window's start of the last fetch */

    conv_list msgs;   /* shown: what the last successful fetch returned */
    conv_list locals; /* from the operations tracker */
    conv_list older;  /* history before from_ms, loaded window by window as the cursor reaches the top */

    /* History. */
    api_msgs_fetch *older_fetch; /* in flight, NULL when none */
    int64_t older_from_ms;       /* the oldest window's start (0: none loaded; then from_ms) */
    bool older_loading, older_done, older_failed;
    char older_note[200];        /* why it stopped, or what failed */

    /* Fetching. */
    api_msgs_fetch *fetch; /* in flight, NULL when none */
    bool fetching, again, loaded, closing, stale, was_top;
    char error[400];       /* shown under the header: the last fetch failed */
    int64_t updated_wall_ms;
    uint64_t timer;

    /* Operations tracker: what was last seen, and ops that already asked for a refetch. */
    uint64_t ops_sig;
    bool ops_seen;
    char (*triggered)[UUID_STR_LEN];
    size_t ntriggered, triggered_cap;

    /* Display. */
    conv_item *items;
    size_t nitems, items_cap;
    size_t *starts; /* first row of each item */
    size_t total_rows;
    int layout_width; /* 0: layout needed */
    size_t cursor, top;
    uuid sel_id;                  /* the selected message, to find it again after a refetch */
    char sel_op[UUID_STR_LEN];    /* or its operation, for a local entry */
    bool follow; /* the cursor is on the newest message and stays there as new ones arrive */
    int last_h;  /* rows of the message area at the last draw (for paging) */
} conv;

/* view_conversation_data.c */
void conv_fetch(conv *c); /* now, or right after the one in flight */
void conv_fetch_cancel(conv *c);
/* Looks at the operations tracker; rebuilds the local entries when anything about message writes
 * changed (or when force). True when a write to this driver succeeded whose message the last
 * fetch did not return: a refetch is due. */
bool conv_scan_ops(conv *c, bool force);
/* Loads the next older window (walking back over empty ones, up to CONV_HISTORY_MAX_DAYS); nothing
 * when one is on its way or the history is exhausted. */
void conv_fetch_older(conv *c);

/* view_conversation.c: rebuild the display list after msgs or locals changed. */
void conv_rebuild_items(conv *c);

#endif
