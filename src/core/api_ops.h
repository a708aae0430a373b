/* api_ops: Catena's resource operations as the API module sees them. The op_rec record, the
 * ResourceOperation(Read) JSON -> op_rec decoding (a write's answer, the single GET, the list's
 * pages), the list request on the pager, the API's timestamps, and the JSON of the operations
 * journal. With api.c (api_get_operation) the only place that knows these paths and this JSON. */
#ifndef CATENA_CORE_API_OPS_H
#define CATENA_CORE_API_OPS_H

#include "common/uuid.h"
#include "core/api.h"
#include "core/api_pager.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { OP_PENDING, OP_SUCCESS, OP_FAILED, OP_UNKNOWN } op_status;

typedef struct op_log {
    char *created_at;
    char *status;        /* success | failed */
    char *error_type;    /* auth | validation | network | tsp | NULL */
    char *error_details; /* sanitized */
    int response_status_code; /* -1 if null */
} op_log;

typedef struct op_rec {
    char id[UUID_STR_LEN];
    char connection_id[UUID_STR_LEN];
    char *resource;        /* message, group_message, vehicle, trailer, user, ... */
    char *operation_type;  /* create | update */
    op_status status;
    char *resource_id, *source_id;
    char *source_name;     /* TSP, when known */
    char *created_at, *updated_at;
    char *payload_json;    /* compact JSON of `payload` as Catena sent it to the TSP */
    char *target_id;       /* the Catena id the write is about (recipient_id, record id), or NULL */
    char *label;           /* what the console calls it, e.g. "Message to José Muñoz" */
    op_log *logs;
    int nlogs;
    bool mine;             /* sent from this console (journaled) */
    int64_t changed_at_ms; /* app clock time of the last status change */
} op_rec;

const char *op_status_name(op_status s);
void op_log_clear(op_log *lg);
/* Frees the members of r and zeroes it (r may be NULL). */
void op_rec_clear(op_rec *r);

/* ------------------------------------------------------------------ timestamps */

/* RFC 3339 (also without a zone, read as UTC) -> Unix milliseconds; false if it is not one. */
bool api_time_parse(const char *s, int64_t *ms);
/* Unix milliseconds -> "YYYY-MM-DDTHH:MM:SSZ", or "...:SS.mmmZ" when there is a fraction. */
void api_time_format(int64_t ms, char out[32]);

/* ------------------------------------------------------------------ answers */

/* One ResourceOperation(Read) object text (a write's 202/200/502 body, the single GET) into r
 * (members heap-allocated, strings sanitized, ids normalized). *odd_status (may be NULL) is set
 * when the status is one this client does not know (r->status is then OP_UNKNOWN). -1 with *err. */
int api_op_decode(const char *json, size_t len, op_rec *r, bool *odd_status, char **err);

/* One page of the operations list, decoded. */
typedef struct api_op_page {
    op_rec *ops;      /* the readable items; on_page may take their members */
    bool *odd;        /* per item of ops: an unknown status */
    size_t n;
    size_t nitems;    /* items on the page, readable or not */
    bool more;        /* a next page is announced */
} api_op_page;

/* ------------------------------------------------------------------ requests */

typedef void (*api_ops_page_cb)(void *ud, api_op_page *pg);
/* Loads the operations of a connection created since from_ms (from_ms < 0: the API's default
 * window, the last 24 hours; the API lists them oldest first) through the pager (api_pager.h),
 * page_size a page (<= 0: the largest), at most max_pages pages: a load that reaches max_pages
 * stops there and ends API_OK, its last page's `more` telling that the list goes on, and its
 * result's next_cursor where a later load with the same from_ms goes on (cursor; NULL: from the
 * start). on_page gets each page decoded (unreadable items are skipped), on_done runs once at the
 * end. Returns the pager for api_pager_cancel, NULL when it already ended. */
api_pager *api_ops_list_start(api *a, const char *connection_id, int64_t from_ms, const char *cursor, int page_size,
                              int max_pages, api_ops_page_cb on_page, api_pager_done_cb on_done, void *ud);

/* ------------------------------------------------------------------ the journal file */

/* What one op of the journal says besides the operation itself. */
typedef struct api_journal_op {
    op_rec r;            /* r.mine is true; label and target_id come back */
    bool poll;           /* still tracked when saved (pending, or a status this client does not know) */
    bool has_created_ms;
    int64_t created_ms;  /* the tracker's estimate when the op had no created_at */
} api_journal_op;

typedef struct api_journal {
    bool has_clock_offset;
    int64_t clock_offset_ms; /* how far the server's clock was seen ahead of ours */
    api_journal_op *ops;
    size_t n;
    size_t skipped;          /* unreadable records left out */
} api_journal;

/* The journal text: {"version":1,"clock_offset_ms":N,"ops":[ one op per line ]}. ops[i].r is
 * read only. */
char *api_journal_encode(int64_t clock_offset_ms, const api_journal_op *const *ops, size_t n);
/* -1 with *err ("not valid JSON", "no list of operations") if the text is not a journal. */
int api_journal_decode(const char *text, size_t len, api_journal *j, char **err);
void api_journal_clear(api_journal *j);

#endif
