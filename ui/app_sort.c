/* app_sort: sorting a list by a column (issue 12, friction 8). s sorts by the next column (the
 * header marks it ▲), S reverses; past the last column the list reloads in the API's order. The
 * rows move in the table (ui/listview.c listview_sort); the drivers' marks move with them and the
 * cursor stays on its record. A list that changed since (a reload, a saved record) is sorted again. */
#include "ui/app.h"

#include "common/strbuf.h"
#include "core/api_resources.h"

#include <stdlib.h>
#include <string.h>

static void sort_now(app *a, int vi)
{
    view *v = &a->views[vi];
    table *t = app_view_table(a, vi);
    if (!t)
        return;
    long sel = listview_selected_row(v);
    uint32_t *perm = xcalloc(t->count ? t->count : 1, sizeof *perm);
    listview_sort(v, t, perm);
    bool marks = vi == VIEW_DRIVERS && a->marks && a->marks_conn == a->conn_sel && a->nmarks_cap >= t->count;
    if (marks) { /* a mark belongs to its driver, not to a position */
        uint8_t *moved = xcalloc(a->nmarks_cap, 1);
        for (size_t i = 0; i < t->count; i++)
            moved[i] = a->marks[perm[i]];
        memcpy(a->marks, moved, t->count);
        free(moved);
    }
    listview_sync(v, t);
    for (size_t i = 0; sel >= 0 && i < t->count; i++) { /* the cursor stays on its record */
        if (perm[i] != (uint32_t)sel)
            continue;
        for (size_t k = 0; k < v->nvisible; k++)
            if (v->visible[k] == i)
                v->cursor = k;
        break;
    }
    free(perm);
}

unsigned app_sort_key(app *a, bool reverse)
{
    view *v = &a->views[a->current];
    table *t = app_view_table(a, a->current);
    const api_resource *res = api_resource_get(v->ops->kind);
    if (!t || !res || t->state == LOAD_RUNNING)
        return 0;
    if (reverse) {
        v->sort_desc = !v->sort_desc;
        if (!v->sort_col)
            v->sort_col = 1;
    } else {
        do /* the next column the list shows: live-location columns are left out until data comes */
            v->sort_col = (v->sort_col + 1) % (res->ncols + 1);
        while (v->sort_col && !t->live && api_column_needs_live(&res->cols[v->sort_col - 1]));
        v->sort_desc = false;
    }
    if (!v->sort_col) { /* the API's order: only the API has it */
        app_reload_view(a, a->current);
        app_set_message(a, SLOT_STATUS_MUTED, "In the API's order again (s sorts by a column).");
        return DIRTY_ALL;
    }
    sort_now(a, a->current);
    app_set_message(a, SLOT_STATUS_MUTED, "Sorted by %s, %s (s: next column, S: reverse).",
                    res->cols[v->sort_col - 1].title, v->sort_desc ? "descending" : "ascending");
    return DIRTY_ALL;
}

void app_sort_again(app *a)
{
    view *v = &a->views[a->current];
    table *t = app_view_table(a, a->current);
    if (v->sort_col && t && t->state == LOAD_DONE && t->generation != v->sort_gen && !a->noverlays)
        sort_now(a, a->current);
}
