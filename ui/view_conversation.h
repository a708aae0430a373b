/* Private to the conversation overlay (ui/view_conversation.c draws it and takes its keys;
 * ui/view_conversation_data.c fetches and decodes). Not for other files.
 *
 * A conversation holds two compact lists: the messages the API returned (both directions,
 * merged by id, oldest first) and "local" entries for message writes the operations tracker
 * knows about that the API does not list yet (pending, failed, or just succeeded). */
#ifndef CATENA_UI_VIEW_CONVERSATION_H
#define CATENA_UI_VIEW_CONVERSATION_H

#include "core/store.h"
#include "ui/app.h"

#include <stdbool.h>
#include <stdint.h>

#define CONV_WINDOW_DAYS 30
#define CONV_REFRESH_MS 10000
#define CONV_PAGE_SIZE 1000
#define CONV_MAX_PAGES 50 /* per direction: 50,000 messages is far past any 30-day conversation */

/* Delivery status, in the order a message goes through them. */
enum { CM_PENDING, CM_SENT, CM_DELIVERED, CM_READ, CM_FAILED, CM_OTHER };
enum { CP_NONE, CP_LOW, CP_MEDIUM, CP_HIGH };
enum {
    CF_DRIVER = 1, /* sent by the driver */
    CF_YOU = 2,    /* sent by the console's own sender (config sender_id or first dispatcher) */
    CF_LOCAL = 4,  /* from the operations tracker, not (yet) listed by the API */
    CF_REPLY = 8   /* reply_to is set */
};

typedef struct conv_msg {
    uuid id;           /* nil for a local entry whose operation has no resource yet */
    uuid reply_to;
    int64_t at_ms;     /* occurred_at, else created_at: ms since the epoch */
    int64_t status_ms; /* read_at or delivered_at matching the status; 0 if unknown */
    sref text;         /* sanitized, newlines kept, trailing blanks trimmed */
    sref sender_name;  /* sanitized */
    sref status_raw;   /* the API's status word (shown when it is not a known one) */
    sref op_id;        /* local entries: the resource operation's id */
    uint8_t status, priority, flags;
} conv_msg;

typedef struct conv_list {
    conv_msg *v;
    size_t n, cap;
    strpool pool;
} conv_list;

struct conv;

/* One direction of a fetch (sender_ids=D or recipient_ids=D), page after page. */
typedef struct conv_chain {
    struct conv *c;
    int which;        /* 0: sent by the driver, 1: sent to the driver */
    uint64_t call_id; /* the request in flight, 0 when none */
    unsigned seq;
    bool busy;
    int pages;
} conv_chain;

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
    char from_text[32]; /* from_datetime of the last fetch, RFC 3339 UTC */
    int64_t from_ms;

    conv_list msgs;   /* shown: what the last successful fetch returned */
    conv_list next;   /* filling: the fetch in flight */
    conv_list locals; /* from the operations tracker */

    /* Fetching. */
    conv_chain chains[2];
    bool fetching, starting, fetch_ok, again, loaded, closing, stale, was_top;
    char fetch_error[360]; /* the fetch in flight's first error */
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
void conv_list_free(conv_list *l);
bool conv_parse_time(const char *s, int64_t *ms);
const conv_msg *conv_find(const conv_list *l, const uuid *id);

/* view_conversation.c: rebuild the display list after msgs or locals changed. */
void conv_rebuild_items(conv *c);

#endif
