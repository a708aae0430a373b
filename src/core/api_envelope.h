/* api_envelope: what the pager needs of a list page before the page is parsed (its next cursor
 * first of all, so that the next request can leave at once). Part of the API module. */
#ifndef CATENA_CORE_API_ENVELOPE_H
#define CATENA_CORE_API_ENVELOPE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct api_envelope {
    bool has_items, items_empty;
    long total;             /* -1 when none (or not a number in range) */
    const char *next, *cur; /* next_page, current_page: NUL-less spans into the body, or NULL */
    size_t next_len, cur_len;
} api_envelope;

/* Reads the envelope of the page s[0..n) (a body the parse then refuses if anything but white space
 * follows its JSON value, core/api_decode.h). A page laid out as Catena's (items first, then the
 * scalar members total, current_page and next_page) is read from its two ends, in constant
 * time; any other layout by one pass over the top-level object that skips what it does not need.
 * false when the body is not an object this scan understands, or a cursor has escapes (the page
 * is then parsed first). */
bool api_envelope_scan(const char *s, size_t n, api_envelope *e);

#endif
