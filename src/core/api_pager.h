/* api_pager: Catena cursor pagination, written once.
 *
 * A pager GETs `path_query` with `size=N` (and `cursor=...` after the first page), parses each
 * page's envelope (`items`, `next_page`, `total`) and hands the `items` array to on_page, then
 * asks for the next page until the last one. on_done runs exactly once at the end, with what
 * happened. It stops with a one-line error (and keeps what on_page already took) when:
 *   - a request fails (the API's explanation, see api_explain),
 *   - a page is not a page (no `items` list, malformed JSON), or on_page refuses it,
 *   - `next_page` repeats a cursor already followed,
 *   - API_PAGER_EMPTY_MAX pages in a row are empty but still carry a cursor,
 *   - more pages arrive than `total` (when given) allows, or than max_pages.
 *
 * Console: api_pager_start() runs on the loop; callbacks come from the loop.
 * Subcommands: api_pager_run() pumps the api's loop until on_done has run.
 *
 * Lifetime: the pager frees itself right after on_done returns. The pointer from
 * api_pager_start() is valid until then; api_pager_cancel() makes on_done run (status
 * API_CANCELLED), possibly before it returns; afterwards, or from on_done, drop the pointer.
 * api_free() cancels every pager of that api (their on_done run with API_CANCELLED). */
#ifndef CATENA_CORE_API_PAGER_H
#define CATENA_CORE_API_PAGER_H

#include "core/api.h"

#include <stdbool.h>
#include <stddef.h>

/* Default bound on the pages of one load (a million rows at the largest page size). */
#define API_PAGER_MAX_PAGES 1000
/* Empty pages in a row that still carry a cursor before the load is given up. */
#define API_PAGER_EMPTY_MAX 3

struct cJSON;

/* One decoded page, valid only during on_page. */
typedef struct api_page {
    const struct cJSON *items; /* the page's `items` array */
    size_t count;              /* number of items in it */
    long total;                /* the page's `total`, -1 when it has none */
    int index;                 /* 0 for the first page */
    int more;                  /* it points to a next page (which the pager may still refuse) */
} api_page;

/* How a load ended, valid only during on_done. */
typedef struct api_pager_result {
    api_status status; /* API_OK when the last page came; API_CANCELLED; else what failed */
    long http_status;  /* of the failed request, 0 otherwise */
    int pages;         /* pages handed to on_page */
    size_t items;      /* items on those pages */
    long total;        /* the last `total` seen, -1 when none */
    int retry_after_s; /* of the failed request (429, 503), -1 when none */
    const char *error; /* NULL on success; else one sanitized line, saying what was kept */
    const char *next_cursor; /* a budget spent on a page that points to more: its next_page, to go on
                                from with start_cursor (same filters); else NULL */
} api_pager_result;

/* Takes one page: return 0 to go on, or -1 with *err (heap, one line) to end the load with it. */
typedef int (*api_page_cb)(void *ud, const api_page *pg, char **err);
typedef void (*api_pager_done_cb)(void *ud, const api_pager_result *res);

typedef struct api_pager_req {
    const char *path_query; /* list path with its filters, without size/cursor */
    int page_size;          /* 1..API_PAGE_SIZE_MAX; anything else means API_PAGE_SIZE_MAX */
    int max_pages;          /* <= 0 means API_PAGER_MAX_PAGES */
    bool max_is_budget;     /* max_pages is a budget, not a bound: after that many pages the load ends
                             * API_OK (the last page says `more`) and no request goes out for the next */
    const char *start_cursor; /* the first request's cursor (a next_cursor of the same list), or NULL */
    api_page_cb on_page;
    api_pager_done_cb on_done;
    void *ud;
} api_pager_req;

typedef struct api_pager api_pager;

/* Starts a load on the loop. Returns the pager, or NULL when it already ended (on_done has run,
 * e.g. no token could be had). */
api_pager *api_pager_start(api *a, const api_pager_req *req);
/* Ends the load: on_done runs with API_CANCELLED (at once, or from the loop shortly). Also safe
 * from inside on_page. */
void api_pager_cancel(api_pager *p);
/* Runs a load to completion on the api's loop (subcommands). When *stop becomes non-zero the load
 * is cancelled. Returns when on_done has run. */
void api_pager_run(api *a, const api_pager_req *req, const volatile int *stop);

#endif
