/* view: what every view provides (a vtable), and the generic list view that the
 * connections, drivers, vehicles and trailers views are built on: a list view is a resource of
 * the resource table (its columns and cells) plus a name. */
#ifndef CATENA_UI_VIEW_H
#define CATENA_UI_VIEW_H

#include "core/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct app;

typedef struct view view;

typedef struct view_ops {
    const char *name;      /* "Vehicles" */
    const char *noun;      /* "vehicles" for the status bar */
    record_kind kind;      /* a list view shows this resource's columns (core/api_resources.c) */
    /* Optional overrides for views that are not a resource's list (the inbox). */
    void (*draw)(view *v, struct app *a, int top, int height);
    const struct overlay_keymap *keymap; /* its own keys (ui/overlay.h), before the action table's */
    unsigned (*command)(view *v, struct app *a, int cmd, int key); /* runs one of them; DIRTY_* */
    void (*summary)(view *v, struct app *a, char *out, size_t cap); /* the status line's counts */
    const char *tab_key;                  /* the key its tab names ("i"); NULL: its number */
    size_t (*badge)(const struct app *a); /* a count its tab shows when not 0 (unread) */
} view_ops;

struct view {
    const view_ops *ops;
    size_t cursor, top;          /* in filtered rows */
    int sort_col;                /* 1 + the column the rows are sorted by (s), 0: the API's order */
    bool sort_desc;              /* S reverses it */
    uint64_t sort_gen;           /* the table's generation after the last sort (rows since: sort again) */
    char filter[128];
    uint32_t *visible;           /* row indices shown: every row, or the filter's matches so far */
    size_t nvisible;
    uint32_t *every;             /* 0, 1, 2 ...: the rows shown without a filter */
    size_t capvisible;           /* of every */
    size_t filtered_upto;        /* table rows in every */
    uint64_t seen_generation;
    const table *seen_table;
    bool seen_running;           /* the table was loading at the last sync */
    bool filter_dirty;           /* rows changed in place: index and search again */
    struct search *search;       /* the filter's index and results (core/search.h) */
};

/* Registered views, in tab order (ui/views.c). */
extern const view_ops *const view_registry[];
extern const int view_registry_count;

/* Generic list behaviour (ui/listview.c). */
/* Refilters if the table or filter changed: the first screen of matches at once, the rest of
 * the count in listview_idle slices. */
void listview_sync(view *v, const table *t);
/* One slice of the work left (indexing new rows, counting matches); true when it changed what
 * the view shows or counts. */
bool listview_idle(view *v, const table *t);
/* Work is left for listview_idle (the count shows "counting…" while a filter is set). */
bool listview_counting(const view *v);
/* Finishes the count at once (before acting on every match). */
void listview_finish(view *v, const table *t);
/* marks (may be NULL): one flag per table row; when given, a 2-column gutter shows them. */
void listview_draw(view *v, const table *t, int top, int height, int width, bool focused, const uint8_t *marks,
                   size_t nmarks);
void listview_move(view *v, long delta, int page_height);
void listview_set_filter(view *v, const char *filter);
/* Table row index under the cursor, or -1. */
long listview_selected_row(const view *v);
void listview_free(view *v);
/* Sorts t's rows by v's sort column (a no-op without one): text folded (case, accents), numbers by
 * value. The rows move in the table; perm (may be NULL) gets, for each new row, its old index. */
void listview_sort(view *v, table *t, uint32_t *perm);

#endif
