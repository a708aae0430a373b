/* http: asynchronous HTTP over libcurl's multi socket interface, driven by the loop. */
#ifndef CATENA_CORE_HTTP_H
#define CATENA_CORE_HTTP_H

#include "core/loop.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    HTTP_OK = 0,        /* a response arrived (any status) */
    HTTP_ERR_CONNECT,   /* could not connect / resolve */
    HTTP_ERR_TIMEOUT,   /* timed out */
    HTTP_ERR_SENT_TIMEOUT, /* timed out after the request was sent: outcome unknown */
    HTTP_ERR_TLS,
    HTTP_ERR_NETWORK,   /* any other transport failure (reset, ...) */
    HTTP_ERR_CANCELLED
} http_error;

typedef struct http_response {
    http_error error;
    long status;
    char *body;          /* NUL-terminated, may contain NULs before len */
    size_t body_len;
    int retry_after_s;   /* from a Retry-After header, -1 if none */
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
void http_set_default_timeout(http_client *c, long ms);

#endif
