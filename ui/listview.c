#include "ui/view.h"

#include "common/strbuf.h"
#include "core/api_resources.h"
#include "core/text.h"
#include "ui/theme.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 16

/* The resource whose columns the view shows. */
static const api_resource *res_of(const view_ops *ops)
{
    return api_resource_get(ops->kind);
}

static int ncols_of(const api_resource *r)
{
    return r->ncols < MAX_COLS ? r->ncols : MAX_COLS;
}

static bool row_matches(const view *v, const table *t, const void *row)
{
    if (!v->filter[0])
        return true;
    char buf[256];
    const api_resource *r = res_of(v->ops);
    for (int c = 0; c < ncols_of(r); c++) {
        api_cell(&r->cols[c], t, row, buf, sizeof buf);
        if (text_contains_ci(buf, v->filter))
            return true;
    }
    return false;
}

void listview_sync(view *v, const table *t)
{
    if (v->filter_narrowed && v->seen_table == t && t->count >= v->filtered_upto) {
        /* Typing one more character only removes rows: recheck what is visible, not every row. */
        size_t k = 0;
        for (size_t i = 0; i < v->nvisible; i++)
            if (row_matches(v, t, table_row(t, v->visible[i])))
                v->visible[k++] = v->visible[i];
        v->nvisible = k;
        v->filter_narrowed = false;
        if (v->cursor >= v->nvisible)
            v->cursor = v->nvisible ? v->nvisible - 1 : 0;
        if (v->top > v->cursor)
            v->top = v->cursor;
    } else if (v->filter_narrowed) {
        v->filter_narrowed = false;
        v->filter_dirty = true;
    }
    bool restart = v->filter_dirty || v->seen_table != t || t->count < v->filtered_upto;
    if (!restart && v->seen_generation == t->generation && v->filtered_upto == t->count)
        return;
    if (restart) {
        v->nvisible = 0;
        v->filtered_upto = 0;
        v->filter_dirty = false;
    }
    if (t->count > v->capvisible) {
        v->capvisible = t->count + 64;
        v->visible = xrealloc(v->visible, v->capvisible * sizeof *v->visible);
    }
    /* Rows are only ever appended while loading, so filtering continues where it stopped. */
    for (size_t i = v->filtered_upto; i < t->count; i++)
        if (row_matches(v, t, table_row(t, i)))
            v->visible[v->nvisible++] = (uint32_t)i;
    v->filtered_upto = t->count;
    v->seen_generation = t->generation;
    if (v->seen_table != t) {
        v->cursor = v->top = 0;
        v->seen_table = t;
    }
    if (v->cursor >= v->nvisible)
        v->cursor = v->nvisible ? v->nvisible - 1 : 0;
    if (v->top > v->cursor)
        v->top = v->cursor;
}

/* Column widths for the available width; 0 = column hidden. */
static void layout_columns(const api_resource *r, const table *t, int width, int *w)
{
    int used = 0, nflex = 0, ncols = ncols_of(r);
    const api_column *cols = r->cols;
    for (int c = 0; c < ncols; c++)
        w[c] = 0;
    /* Most important columns first, each at its minimum width, while they fit. */
    for (int prio = 0; prio <= 9; prio++) {
        for (int c = 0; c < ncols; c++) {
            if (cols[c].prio != prio || (!t->live && api_column_needs_live(&cols[c])))
                continue;
            int need = cols[c].min + (used ? 1 : 0);
            if (used + need > width)
                continue;
            w[c] = cols[c].min;
            used += need;
            if (cols[c].flex)
                nflex++;
        }
    }
    /* Grow toward preferred widths, then give the rest to flexible columns. */
    for (int c = 0; c < ncols; c++) {
        if (!w[c])
            continue;
        int grow = cols[c].width - w[c];
        if (grow > width - used)
            grow = width - used;
        if (grow > 0) {
            w[c] += grow;
            used += grow;
        }
    }
    for (int c = 0; c < ncols && nflex && used < width; c++) {
        if (!w[c] || !cols[c].flex)
            continue;
        int share = (width - used) / nflex--;
        w[c] += share;
        used += share;
    }
}

static void draw_cells(int y, int x0, int width, const int *w, int ncols, const char *const *texts, attr_t attr)
{
    char buf[1024];
    int x = 0;
    width -= x0;
    attrset(attr);
    move(y, x0);
    for (int c = 0; c < ncols; c++) {
        if (!w[c])
            continue;
        if (x) {
            addch(' ');
            x++;
        }
        text_fit_pad(texts[c], w[c], true, buf, sizeof buf);
        addstr(buf);
        x += w[c];
    }
    if (x < width) {
        text_fit_pad("", width - x, true, buf, sizeof buf);
        addstr(buf);
    }
}

void listview_draw(view *v, const table *t, int top, int height, int width, bool focused, const uint8_t *marks,
                   size_t nmarks)
{
    const api_resource *res = res_of(v->ops);
    int ncols = ncols_of(res);
    int w[MAX_COLS] = {0};
    int x0 = marks ? 2 : 0;
    layout_columns(res, t, width - x0, w);
    const char *titles[MAX_COLS];
    for (int c = 0; c < ncols; c++)
        titles[c] = res->cols[c].title;
    if (x0)
        mvaddstr(top, 0, "  ");
    draw_cells(top, x0, width, w, ncols, titles, (attr_t)theme_attr(SLOT_HEADER));
    int rows = height - 1;
    if (rows <= 0)
        return;
    if (v->cursor < v->top)
        v->top = v->cursor;
    if (v->cursor >= v->top + (size_t)rows)
        v->top = v->cursor - (size_t)rows + 1;
    char cells[MAX_COLS][256];
    const char *texts[MAX_COLS];
    for (int r = 0; r < rows; r++) {
        size_t i = v->top + (size_t)r;
        int y = top + 1 + r;
        if (i >= v->nvisible) {
            attrset((attr_t)theme_attr(SLOT_NORMAL));
            move(y, 0);
            clrtoeol();
            continue;
        }
        const void *row = table_row(t, v->visible[i]);
        for (int c = 0; c < ncols; c++) {
            api_cell(&res->cols[c], t, row, cells[c], sizeof cells[c]);
            texts[c] = cells[c];
        }
        /* An alert row (a safety-critical DVIR log) in the error colour; its own cell says why too. */
        attr_t a = (attr_t)theme_attr(res->alert && res->alert(t, row) ? SLOT_STATUS_ERROR : SLOT_NORMAL);
        if (i == v->cursor)
            a = (attr_t)theme_attr(focused ? SLOT_CURSOR : SLOT_CURSOR_UNFOCUSED);
        if (x0) {
            bool m = v->visible[i] < nmarks && marks[v->visible[i]];
            attrset(m ? (attr_t)theme_attr(SLOT_MARKED) : a);
            mvaddstr(y, 0, m ? "* " : "  ");
        }
        draw_cells(y, x0, width, w, ncols, texts, a);
    }
    attrset(A_NORMAL);
}

void listview_move(view *v, long delta, int page_height)
{
    (void)page_height;
    if (!v->nvisible) {
        v->cursor = 0;
        return;
    }
    long c = (long)v->cursor + delta;
    if (c < 0)
        c = 0;
    if (c >= (long)v->nvisible)
        c = (long)v->nvisible - 1;
    v->cursor = (size_t)c;
}

void listview_set_filter(view *v, const char *filter)
{
    if (strcmp(v->filter, filter) == 0)
        return;
    bool narrower = v->filter[0] && strstr(filter, v->filter) && !v->filter_dirty;
    snprintf(v->filter, sizeof v->filter, "%s", filter);
    if (narrower)
        v->filter_narrowed = true;
    else
        v->filter_dirty = true;
    v->cursor = v->top = 0;
}

long listview_selected_row(const view *v)
{
    return v->cursor < v->nvisible ? (long)v->visible[v->cursor] : -1;
}

void listview_free(view *v)
{
    free(v->visible);
    v->visible = NULL;
    v->nvisible = v->capvisible = 0;
}
