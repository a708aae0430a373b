/* api: Catena API calls with bearer auth (one retry with a fresh token on 401 or 403), error
 * explanations, and
 * list loads into the store (pages through api_pager.h as they arrive). */
#ifndef CATENA_CORE_API_H
#define CATENA_CORE_API_H

#include "core/auth.h"
#include "core/http.h"
#include "core/store.h"

/* API_PAGE_SIZE_MAX, the API's largest page (`size` is 1..1000 on every list), is in core/http.h:
 * the response size cap is derived from it. */

typedef enum {
    API_OK,          /* 2xx */
    API_HTTP_ERROR,  /* a non-2xx answer from the API (see status) */
    API_AUTH_ERROR,  /* no token could be had, or 401 after a fresh token */
    API_NETWORK,     /* transport failure before anything was sent or answered */
    API_UNKNOWN_OUTCOME, /* timed out after sending: a write may or may not have happened */
    API_CANCELLED
} api_status;

typedef struct api_reply {
    api_status status;
    long http_status;
    const char *body;
    size_t body_len;
    struct strbuf *body_buf; /* holds body when it came over HTTP (else NULL): the callback may take it
                                by swapping it with a buffer of its own (strbuf_swap), no copy */
    int retry_after_s;   /* from Retry-After or detail.retry_after_seconds; -1 if none */
    char message[320];   /* one line: what happened and what the user can do */
} api_reply;

typedef void (*api_cb)(void *ud, const api_reply *r);

typedef struct api api;

api *api_new(loop *l, http_client *h, auth *a, const char *api_url);
void api_free(api *a);
/* method + path (starting with /v2/..., query included) + optional JSON body. Returns an id. */
uint64_t api_call(api *a, const char *method, const char *path_query, const char *json_body, api_cb cb, void *ud);
void api_cancel(api *a, uint64_t id);
int api_in_flight(const api *a);
const char *api_base_url(const api *a);

/* Streams every page of a list into table t (which it clears first) through the pager
 * (api_pager.h). path_query is the list path with its filters (no cursor/size). on_progress runs
 * after each page; on_done once, with t->state LOAD_DONE, or LOAD_FAILED and t->error saying why
 * (rows of the pages before the failure are kept). Returns the pager (NULL when already done). */
typedef void (*api_list_cb)(void *ud, table *t);
typedef struct api_pager api_pager;
api_pager *api_load_table(api *a, table *t, const char *path_query, int page_size, api_list_cb on_progress,
                          api_list_cb on_done, void *ud);
/* The same, pumped to completion on the api's loop (subcommands); cancelled when *stop is set.
 * Returns how it ended (API_OK, or the failure; t->error says why). */
api_status api_load_table_run(api *a, table *t, const char *path_query, int page_size, const volatile int *stop);
/* App clock (loop_now_ms) of the first call that failed to reach the API since the last call
 * that had an answer (any HTTP status), or 0 while the API answers: the console is offline. */
int64_t api_offline_since(const api *a);
/* The loop the api runs on. */
loop *api_loop(const api *a);

/* The collection path of a resource ("message", "group_message", "vehicle", "trailer", "user",
 * "dvir_log", "fuel_transaction", "connection", "tsp", "resource_operation", "data_freshness"),
 * NULL when unknown. */
const char *api_collection_path(const char *resource);
/* The collection path, plus "/ID" when record_id is given (heap; NULL for an unknown resource). */
char *api_record_path(const char *resource, const char *record_id);
/* A list's path with its filters (heap; NULL for an unknown resource): the collection, then
 * connection_id=ID when given, then extra ("is_driver=true&...", already encoded) when given.
 * Also "resource_operation" (the operations list) and "data_freshness". */
char *api_list_path(const char *resource, const char *connection_id, const char *extra);
/* GET of one resource operation of a connection. */
uint64_t api_get_operation(api *a, const char *connection_id, const char *op_id, api_cb cb, void *ud);
/* GET of one record (e.g. "vehicle", id). An unknown resource answers at once, nothing sent. */
uint64_t api_get_record(api *a, const char *resource, const char *record_id, api_cb cb, void *ud);

/* Decodes the JSON text of one record (a single-record GET) and appends it to t. 0, or -1 with
 * *err (heap, one line). */
int api_decode_record(table *t, const char *json, size_t len, char **err);

/* Fills r->message for a reply (exposed for tests and the subcommands). */
void api_explain(api_reply *r);

#endif
