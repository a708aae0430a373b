/* search: the list filter over store data (issue 15), never over formatted screens.
 *
 * A row matches a filter when one of its list columns (core/api_resources.h, the cells
 * api_cell writes) contains the filter, ignoring case; a filter without accents also ignores
 * accents ("chloe" finds "Chloé"), one typed with an accent asks for exactly it ("é").
 *
 * The index is prepared once, as rows arrive: the cells of columns with many values are kept
 * folded (text_fold) in one buffer per table, the cells of columns with few values (status,
 * year, make / model) as a one-byte value number per row, whose few values are checked once
 * per keystroke. A search is done in steps of bounded work: the first screen of matches at
 * once, the count in idle slices. A filter that extends the last one searches only its
 * matches; going back to a filter on the small stack of earlier ones restores its result. */
#ifndef CATENA_CORE_SEARCH_H
#define CATENA_CORE_SEARCH_H

#include "core/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Units of work: a row examined costs 1, a row indexed SEARCH_COST_INDEX, a candidate checked
 * against its cells (a filter with accents) SEARCH_COST_VERIFY. */
#define SEARCH_COST_INDEX 8
#define SEARCH_COST_VERIFY 16
/* Earlier filters kept for going back (Backspace). */
#define SEARCH_STACK_MAX 8

typedef struct search search;

search *search_new(void);
void search_free(search *s);
/* Forgets the index and the results: the table was replaced, cleared or changed in place. The
 * filter stays and is searched again by the next step. */
void search_reset(search *s);
/* Sets the filter ("" for none: every step then only indexes). */
void search_set_filter(search *s, const char *filter);
/* Indexes the rows appended to t since the last step, then searches on, until about budget
 * units are spent or the result has want matches. Returns true when the index and the count
 * are complete. Rows of t must only be appended between steps (else search_reset). */
bool search_step(search *s, const table *t, size_t budget, size_t want);
/* The index and the count are complete for t (no work left). */
bool search_done(const search *s, const table *t);
/* The matches found so far, in row order (valid until the next call on s). */
const uint32_t *search_matches(const search *s, size_t *n);
/* Bytes the index uses (text, row offsets, value numbers, values), for the benchmark; its
 * buffers grow by doubling, so up to twice that is allocated (untouched pages stay out of RSS). */
size_t search_index_bytes(const search *s);

#endif
