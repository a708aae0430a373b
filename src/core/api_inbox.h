/* api_inbox: the inbox's one request per connection and tick (GET of the messages list with
 * connection_id and from_datetime, one page, optionally going on from a cursor) and its answer
 * decoded into plain C data: every item's id and time, and for the messages a driver sent
 * (sent_by_driver) the driver, the driver's name and a one-line sanitized text. Part of the API
 * module: the only inbox code that knows the path, the query and the JSON. */
#ifndef CATENA_CORE_API_INBOX_H
#define CATENA_CORE_API_INBOX_H

#include "common/uuid.h"
#include "core/api.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define API_INBOX_TEXT_MAX 480 /* bytes of a message's text kept (cut at a character, then "…") */
#define API_INBOX_NAME_MAX 120 /* bytes of a driver's name kept */

typedef struct api_inbox_msg {
    char id[UUID_STR_LEN];
    char driver_id[UUID_STR_LEN]; /* the sender */
    char *driver_name;            /* sanitized, cut; "" when the API gave none */
    char *text;                   /* sanitized, one line (line breaks as spaces), cut with "…" */
    int64_t at_ms;                /* occurred_at, else created_at (Unix ms) */
    bool read;                    /* the API says it was read (read_at or status read) */
} api_inbox_msg;

typedef struct api_inbox_page {
    api_inbox_msg *msgs;  /* the driver's messages of the page, in the page's order */
    size_t n;
    size_t nitems;        /* items on the page (the dispatchers' messages too) */
    int64_t newest_ms;    /* newest time of any item of the page (0: none) */
    char *next_cursor;    /* the page's next_page, NULL on the last page */
} api_inbox_page;

/* Decodes one page of the messages list. 0, or -1 with *err (heap, one line) when it is not a
 * page; items without an id or time, deleted ones and other senders' are left out of msgs. */
int api_inbox_decode(const char *json, size_t len, api_inbox_page *pg, char **err);
void api_inbox_page_clear(api_inbox_page *pg);

/* r: the reply (status, http_status, retry_after_s, message); pg: the decoded page when r->status
 * is API_OK and it was a page, else NULL (err then says why when the body was not a page). The
 * callee may take pg's members (leave them NULL). */
typedef void (*api_inbox_cb)(void *ud, const api_reply *r, api_inbox_page *pg, const char *err);
/* GET /v2/telematics/messages?connection_id=C&from_datetime=F&size=N[&cursor=K]: one page
 * (page_size <= 0: the largest). from_ms is formatted to the millisecond; < 0: no from_datetime
 * (the API's default window, the last 24 hours). Returns the call id for api_cancel. */
uint64_t api_inbox_poll(api *a, const char *connection_id, int64_t from_ms, const char *cursor, int page_size,
                        api_inbox_cb cb, void *ud);

#endif
