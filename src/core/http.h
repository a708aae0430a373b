/* http: asynchronous HTTP over libcurl's multi socket interface, driven by the loop. */
#ifndef CATENA_CORE_HTTP_H
#define CATENA_CORE_HTTP_H

#include "core/loop.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest wait a Retry-After (header or body) may ask for; larger ones are cut to it. */
#define HTTP_RETRY_AFTER_MAX_S 86400

typedef enum {
    HTTP_OK = 0,        /* a response arrived (any status) */
    HTTP_ERR_CONNECT,   /* could not connect / resolve */
    HTTP_ERR_TIMEOUT,   /* timed out */
    HTTP_ERR_SENT_TIMEOUT, /* timed out after the request was sent: outcome unknown */
    HTTP_ERR_TLS,
    HTTP_ERR_NETWORK,   /* any other transport failure (reset, ...) */
    HTTP_ERR_CANCELLED,
    HTTP_ERR_TOO_LARGE  /* the answer passed HTTP_BODY_MAX_BYTES (received or inflated), or the answers
                           in flight HTTP_BODIES_MAX_BYTES together: aborted */
} http_error;

/* The most a response may hold, received (compressed) and written (inflated): the largest
 * legitimate answer is a page of API_PAGE_SIZE_MAX (1000) items. A vehicle or driver record is
 * ~1.6 KB of JSON (1.3-1.6 MB per 1000-item page from the emulator, hostile strings included);
 * budget 16 KiB an item (an operation carrying a long message payload and its attempts), then
 * double it: 1000 * 16384 * 2 = 32,768,000 bytes (~31 MiB). Past it the transfer is aborted. */
#ifndef API_PAGE_SIZE_MAX
#define API_PAGE_SIZE_MAX 1000 /* the API's largest page (core/api.h) */
#endif
#define HTTP_ITEM_BYTES_MAX 16384
#define HTTP_BODY_MAX_BYTES ((long long)API_PAGE_SIZE_MAX * HTTP_ITEM_BYTES_MAX * 2)
/* What the answers being received may hold together: a hostile server answering every list of a
 * connection at once with an endless body gets the first two to the cap, not six (the connections
 * curl keeps to one host) times it. */
#define HTTP_BODIES_MAX_BYTES (2 * HTTP_BODY_MAX_BYTES)
/* A finished transfer's body buffer up to this size is kept for the next transfer (a page of 1000
 * vehicles is about 1.3 MB): loading a list then faults in no new memory page after page. */
#define HTTP_SPARE_BODY_MAX_BYTES (8LL * 1024 * 1024)
/* libcurl's receive buffer: a page arrives in a few reads instead of eighty 16 KB ones. */
#define HTTP_RECV_BUFFER_BYTES (512L * 1024)

typedef struct http_response {
    http_error error;
    long status;
    char *body;          /* NUL-terminated, may contain NULs before len */
    size_t body_len;
    struct strbuf *body_buf; /* the buffer that holds body: the callback may take it by swapping it with
                                one of its own (strbuf_swap), which the client then reuses */
    int retry_after_s;   /* from a Retry-After header (seconds, at most HTTP_RETRY_AFTER_MAX_S), -1 if none */
    char error_text[160];/* human-readable transport error (never contains secrets) */
    int64_t elapsed_ms;
} http_response;

typedef void (*http_done_cb)(void *ud, const http_response *resp);

typedef struct http_client http_client;

typedef struct http_request {
    const char *method;        /* GET, POST, PATCH ... */
    const char *url;
    const char *content_type;  /* NULL for none */
    const char *body;
    size_t body_len;
    const char *bearer;        /* Authorization: Bearer ..., NULL for none */
    long timeout_ms;           /* 0 = the client's default */
} http_request;

http_client *http_client_new(loop *l);
void http_client_free(http_client *c);
/* Starts a request; cb is called exactly once (also on cancel). Returns an id > 0. */
uint64_t http_start(http_client *c, const http_request *req, http_done_cb cb, void *ud);
void http_cancel(http_client *c, uint64_t id);
int http_in_flight(const http_client *c);
/* Total requests started since creation (for tests and the benchmark). */
uint64_t http_requests_started(const http_client *c);
/* Total bytes of answer bodies received since creation (inflated; for the benchmark). */
uint64_t http_body_bytes_received(const http_client *c);
/* The most that the bodies being received held at once (for tests of the bound). */
long long http_body_bytes_held_max(const http_client *c);
void http_set_default_timeout(http_client *c, long ms);

/* Sees every request as it starts and every answer (or failure) as it ends, with the same id:
 * the support log (core/supportlog). Headers are not shown to it. NULL functions: none. */
typedef struct http_observer {
    void (*request)(void *ud, uint64_t id, const http_request *req);
    void (*response)(void *ud, uint64_t id, const http_response *resp);
    void *ud;
} http_observer;
void http_set_observer(http_client *c, const http_observer *o);

#endif
