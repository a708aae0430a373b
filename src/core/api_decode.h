/* api_decode: Catena JSON pages -> compact store rows, field by field as the resource table
 * (core/api_resources.h) says. Parsed pages live in a decode_arena, reused page after page.
 * Unknown fields and enum values are tolerated; a missing required field is a clear error. */
#ifndef CATENA_CORE_API_DECODE_H
#define CATENA_CORE_API_DECODE_H

#include "core/store.h"

#include <stddef.h>

typedef struct page_info {
    char *next_cursor; /* NULL when this was the last page; caller frees */
    long total;        /* -1 when the page has no `total` */
    size_t items;      /* rows appended */
} page_info;

/* Parses a cursor page of the table's kind and appends its items to t.
 * Returns 0, or -1 with *err (heap, caller frees) naming the problem; on error rows of the
 * page decoded before the bad item are kept out (the page is all-or-nothing). */
int decode_page(table *t, const char *body, size_t len, page_info *info, char **err);

/* Decodes one item object (already parsed) of kind k into the table. Used by decode_page
 * and by single-record GETs. */
struct cJSON;
int decode_item(table *t, const struct cJSON *item, char **err);

/* Memory for parsed pages, kept from one page to the next (see api_pager.c). */
typedef struct decode_arena decode_arena;
decode_arena *decode_arena_new(void);
/* Parses a JSON text into a tree that lives in the arena until its next parse or reset: never
 * cJSON_Delete it. NULL when the text is not JSON. */
struct cJSON *decode_parse(decode_arena *a, const char *body, size_t len);
/* Drops the last tree (keeps the memory for the next). */
void decode_arena_reset(decode_arena *a);
void decode_arena_free(decode_arena *a);

/* One-line summary of a Catena error body (`detail` as a string, or the 422 `detail[]` list,
 * or a Keycloak `error_description`), sanitized; NULL if the body is not a known error shape. */
char *decode_error_summary(const char *body, size_t len);

/* The token endpoint's answer: *access_token (heap, caller frees; NULL when it is absent, empty or
 * not a string) and *expires_in (seconds as sent; -1 when absent or not a number). */
void decode_token_answer(const char *body, size_t len, char **access_token, double *expires_in);

#endif
