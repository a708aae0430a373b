/* paging: opaque cursors (URL-safe base64 of direction, offset and a query fingerprint) and page envelopes. */
#ifndef CATENA_EMU_PAGING_H
#define CATENA_EMU_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "http_msg.h"

typedef struct page_window {
    size_t start, end; /* items [start, end) of the filtered list */
    size_t total;
    uint64_t fingerprint;
    char dir;          /* the cursor's direction, 'f' without a cursor */
    bool has_pos;      /* the cursor carried a resume position (cursor_pos) */
    size_t cursor_pos; /* where in the unfiltered list the cursor's offset is */
    bool with_pos;     /* page_end writes pos_start / pos_end into the cursors */
    size_t pos_start, pos_end;
} page_window;

/* Fingerprint of the filters (every query pair except cursor and size), order-independent. */
uint64_t query_fingerprint(const query_args *q);
/* Reads cursor and size; on success fills start/end for a list of total items. */
bool page_select(const query_args *q, problem_list *p, size_t total, page_window *w);
/* Writes a quoted cursor for direction 'f' or 'b' at offset; an offset past the end reads as an empty page. */
void page_cursor_put(strbuf *sb, char dir, size_t offset, uint64_t fp);
/* The same with the offset's position in the unfiltered list, so the next page resumes there instead of
 * filtering everything before it again. */
void page_cursor_put_pos(strbuf *sb, char dir, size_t offset, uint64_t fp, size_t pos);
/* Writes {"items":[ */
void page_begin(strbuf *sb);
/* Writes ],"total":N (if with_total),"current_page":..,"current_page_backwards":..,"previous_page":..,"next_page":..} */
void page_end(strbuf *sb, const page_window *w, bool with_total);

#endif
