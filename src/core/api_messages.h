/* api_messages: the messages of one driver (GET of the messages list with sender_ids=D, then
 * recipient_ids=D, every page through the pager, in a time window), merged by id and sorted
 * oldest first into compact records with sanitized strings in a pool; and the payload of a
 * message write read back as plain C data. No curses: the conversation overlay shows them. */
#ifndef CATENA_CORE_API_MESSAGES_H
#define CATENA_CORE_API_MESSAGES_H

#include "core/api.h"
#include "core/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Delivery status, in the order a message goes through them. */
enum { CM_PENDING, CM_SENT, CM_DELIVERED, CM_READ, CM_FAILED, CM_OTHER };
enum { CP_NONE, CP_LOW, CP_MEDIUM, CP_HIGH };
enum {
    CF_DRIVER = 1, /* sent by the driver */
    CF_YOU = 2,    /* sent by the console's own sender (config sender_id or first dispatcher) */
    CF_LOCAL = 4,  /* from the operations tracker, not (yet) listed by the API */
    CF_REPLY = 8,  /* reply_to is set */
    CF_GROUP = 16  /* a group message this driver is one of the recipients of */
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
    uint16_t group_n; /* CF_GROUP: how many recipients it has */
} conv_msg;

typedef struct conv_list {
    conv_msg *v;
    size_t n, cap;
    strpool pool;
} conv_list;

void conv_list_free(conv_list *l);
/* Empties l, keeping nothing. */
void conv_list_clear(conv_list *l);
/* Appends a zeroed message. */
conv_msg *conv_list_append(conv_list *l);
/* Appends copies of src's messages (their strings into dst's pool). */
void conv_list_append_all(conv_list *dst, const conv_list *src);
/* Oldest first (ties by id). */
void conv_list_sort(conv_list *l);
const conv_msg *conv_find(const conv_list *l, const uuid *id);
/* RFC 3339 ("2026-01-02T03:04:05.678+01:00", Z, or no fraction) to ms since the epoch. */
bool conv_parse_time(const char *s, int64_t *ms);
/* CP_* of a priority word (NULL or unknown: CP_NONE). */
uint8_t conv_priority_of(const char *s);
/* Stores message text: sanitized, newlines kept, trailing blanks and newlines dropped. */
sref conv_put_text(strpool *p, const char *s);

/* Who is who, for the CF_DRIVER / CF_YOU flags. */
typedef struct conv_who {
    uuid driver_id;
    bool have_you;
    uuid you_id;
} conv_who;

/* Decodes a messages page (JSON text) into l, tolerating items without an id (skipped) and
 * deleted ones (skipped). 0, or -1 with *err (heap) when it is not a page. For tests. */
int conv_decode_page(conv_list *l, const conv_who *who, const char *json, size_t len, char **err);
/* The same for a group messages page: only those sent to who->driver_id are kept, as CF_GROUP. */
int conv_decode_group_page(conv_list *l, const conv_who *who, const char *json, size_t len, char **err);

/* "from_datetime=...&to_datetime=..." (heap, URL-encoded, UTC) for a list's time window; to_wall_ms
 * 0 leaves the end open (now). The API refuses windows longer than API_MSGS_WINDOW_MAX_DAYS. */
char *api_msgs_window_query(int64_t from_wall_ms, int64_t to_wall_ms);

/* ------------------------------------------------------------------ fetching */

#define API_MSGS_PAGE_SIZE 1000
#define API_MSGS_MAX_PAGES 50 /* per direction: 50,000 messages is far past any 30-day conversation */
#define API_MSGS_WINDOW_MAX_DAYS 45 /* from_datetime .. to_datetime of the messages lists */

typedef struct api_msgs_req {
    const char *connection_id, *driver_id; /* canonical uuid text */
    int64_t from_wall_ms;                  /* the window's start (from_datetime) */
    int64_t to_wall_ms;                    /* its end (to_datetime), 0: now */
    conv_who who;
} api_msgs_req;

/* got: both directions and the group messages sent to the driver, merged by id, oldest first
 * (also on failure: what came). error NULL on success, else one sanitized line ("cancelled" when
 * cancelled). group_error: the group messages could not be listed (the rest still came), or NULL.
 * The callback may swap got's contents with a list of its own; whatever got holds afterwards is
 * freed. */
typedef void (*api_msgs_done_cb)(void *ud, conv_list *got, const char *error, const char *group_error);
typedef struct api_msgs_fetch api_msgs_fetch;

/* Starts both directions and the group messages. Returns the fetch, or NULL when it already ended (cb has run). */
api_msgs_fetch *api_msgs_fetch_start(api *a, const api_msgs_req *req, api_msgs_done_cb cb, void *ud);
/* cb runs with "cancelled" (possibly before this returns); drop the pointer then. */
void api_msgs_fetch_cancel(api_msgs_fetch *f);

/* ------------------------------------------------------------------ payloads */

/* A message or group message write's payload as plain data. Ids are canonical uuid text (NULL
 * when missing or not a uuid); text is sanitized with newlines kept; priority is "low",
 * "medium" or "high" (else NULL). */
typedef struct api_msg_payload {
    char *connection_id, *sender_id, *recipient_id, *reply_to_message_id;
    char **recipient_ids; /* group messages */
    size_t nrecipients;
    char *text, *priority;
} api_msg_payload;

/* 0, or -1 when json is not an object (out is then empty). */
int api_msg_payload_read(const char *json, api_msg_payload *out);
void api_msg_payload_free(api_msg_payload *p);

#endif
