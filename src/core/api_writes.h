/* writes: sending writes (messages, group messages, record creates and updates) and reading
 * what came back: an accepted operation, field errors (422), a TSP failure in sync mode (502 with
 * a failed operation), an unknown outcome (timeout after sending, other 502/503/504), or an
 * explained error. Used by the console and the subcommands alike. No curses. */
#ifndef CATENA_CORE_API_WRITES_H
#define CATENA_CORE_API_WRITES_H

#include "core/api.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    WR_ACCEPTED,      /* 202 pending, or 200 success in sync mode */
    WR_TSP_FAILED,    /* 502 whose body is a failed ResourceOperation (sync mode): the TSP refused */
    WR_INVALID,       /* 400/422: field_errors say what */
    WR_AUTH,          /* 401 after a retry, or no token */
    WR_ERROR,         /* 403, 404, 409, 429, 5xx, 501, malformed answers */
    WR_NETWORK,       /* nothing was sent or nothing came back before sending finished */
    WR_UNKNOWN        /* timed out after sending, or any other 502/503/504: it may have gone through */
} write_kind;

typedef struct field_error {
    char *path;    /* "message_text", "recipient_ids.1", "" when not about one field */
    char *message; /* sanitized */
} field_error;

typedef struct write_result {
    write_kind kind;
    long http_status;
    char *op_json;        /* the ResourceOperation body (accepted or 502), else NULL */
    size_t op_json_len;
    char op_id[UUID_STR_LEN];
    char op_status[16];   /* pending | success | failed */
    field_error *errors;
    int nerrors;
    char tsp_error[256];  /* 502: the last log's error_type, status code and details */
    int retry_after_s;    /* 429 */
    char message[400];    /* one line for the status bar or stderr */
} write_result;

typedef void (*write_cb)(void *ud, const write_result *r);

/* JSON bodies (NULL members are left out). */
char *writes_message_body(const char *connection_id, const char *sender_id, const char *recipient_id,
                          const char *text, const char *priority, const char *reply_to_message_id);
char *writes_group_message_body(const char *connection_id, const char *sender_id, const char *const *recipient_ids,
                                size_t n, const char *text, const char *priority);

/* Sends body for resource ("message", "group_message", "vehicle", "trailer", "user", ... see
 * api_collection_path): POST to its collection, or PATCH of record_id when given; ?is_sync=true
 * when sync. Writes are never retried here. Returns the api call id (0: unknown resource, cb has
 * run with a WR_NETWORK result, nothing was sent). */
uint64_t writes_send(api *a, const char *resource, const char *record_id, bool sync, const char *body, write_cb cb,
                     void *ud);
/* Interprets an api reply as a write result (exposed for tests). */
void writes_interpret(const api_reply *r, write_result *out);
void write_result_clear(write_result *r);

#endif
