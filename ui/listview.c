#include "ui/view.h"

#include "common/strbuf.h"
#include "core/api_resources.h"
#include "core/search.h"
#include "core/text.h"
#include "ui/screen.h"
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

/* Work units (core/search.h) done at once for a keystroke or a new page, and per idle slice:
 * about a millisecond, whatever the size of the list. */
#define SYNC_BUDGET (1u << 16)
/* Matches wanted at once: more than any screen shows below the first line. */
#define FIRST_SCREEN 128

static void clamp_cursor(view *v)
{
    if (v->cursor >= v->nvisible)
        v->cursor = v->nvisible ? v->nvisible - 1 : 0;
    if (v->top > v->cursor)
        v->top = v->cursor;
}

/* Points visible at what is shown now. */
static void show(view *v, const table *t)
{
    if (v->filter[0]) {
        v->visible = (uint32_t *)search_matches(v->search, &v->nvisible);
    } else {
        v->visible = v->every;
        v->nvisible = t->count;
    }
    clamp_cursor(v);
}

static void step(view *v, const table *t, size_t want)
{
    if (!v->search)
        v->search = search_new();
    search_set_filter(v->search, v->filter);
    search_step(v->search, t, SYNC_BUDGET, want);
    show(v, t);
}

/* Rows were only appended since the last sync (each append bumps the generation once; the end
 * of a load once more); anything else (a reload in place, a row replaced) is searched afresh. */
static bool only_appended(const view *v, const table *t)
{
    if (t->count < v->filtered_upto)
        return false;
    uint64_t bumps = t->generation - v->seen_generation, added = t->count - v->filtered_upto;
    return bumps == added || (bumps == added + 1 && v->seen_running && t->state != LOAD_RUNNING);
}

void listview_sync(view *v, const table *t)
{
    if (v->filter_dirty || v->seen_table != t || !only_appended(v, t)) {
        v->filtered_upto = 0;
        v->filter_dirty = false;
        if (v->search)
            search_reset(v->search);
        if (v->seen_table != t) {
            v->cursor = v->top = 0;
            v->seen_table = t;
        }
    }
    if (t->count > v->capvisible) {
        v->capvisible = t->count + 64;
        v->every = xrealloc(v->every, v->capvisible * sizeof *v->every);
    }
    /* Rows are only ever appended while loading: the new ones are indexed and searched as they come. */
    for (size_t i = v->filtered_upto; i < t->count; i++)
        v->every[i] = (uint32_t)i;
    v->filtered_upto = t->count;
    v->seen_generation = t->generation;
    v->seen_running = t->state == LOAD_RUNNING;
    step(v, t, v->top + FIRST_SCREEN);
}

bool listview_idle(view *v, const table *t)
{
    if (!t || v->seen_table != t || !listview_counting(v))
        return false;
    step(v, t, SIZE_MAX);
    return v->filter[0] != '\0';
}

bool listview_counting(const view *v)
{
    return v->search && v->seen_table && !search_done(v->search, v->seen_table);
}

void listview_finish(view *v, const table *t)
{
    listview_sync(v, t);
    while (listview_counting(v))
        step(v, t, SIZE_MAX);
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
            /* The first columns (the name) take their preferred width before others come in. */
            int want = prio == 0 && cols[c].width <= width - used - (used ? 1 : 0) ? cols[c].width : cols[c].min;
            int need = want + (used ? 1 : 0);
            if (used + need > width)
                continue;
            w[c] = want;
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
        screen_put(y, x0 + x, buf);
        x += w[c];
    }
    if (x < width) {
        text_fit_pad("", width - x, true, buf, sizeof buf);
        screen_put(y, x0 + x, buf);
    }
}

/* A record without a name (its first column empty) still reads as a row that can be chosen:
 * "281475816766096 (no name, TSP id)": the id first, where a narrow column still shows it; its
 * Catena id when the TSP's is not known either. */
static void unnamed_placeholder(const api_resource *res, const table *t, const void *row, char *out, size_t cap)
{
    char id[256] = "";
    const char *what = "id";
    for (int c = 0; c < res->ncli_cols && !id[0]; c++)
        if (strcmp(res->cli_cols[c].title, "SOURCE ID") == 0) {
            api_cell(&res->cli_cols[c], t, row, id, sizeof id);
            what = "TSP id";
        }
    if (!id[0] && res->ncli_cols > 0) {
        api_cell(&res->cli_cols[0], t, row, id, sizeof id);
        what = "id";
    }
    snprintf(out, cap, "%s (no name, %s)", id, what);
}

/* ------------------------------------------------------------------ sorting */

typedef struct sort_key {
    char *text; /* folded */
    double num; /* when is_num */
    bool is_num;
    uint32_t row;
} sort_key;

static bool sort_desc_now;

static int cmp_keys(const void *pa, const void *pb)
{
    const sort_key *a = pa, *b = pb;
    int c;
    if (a->is_num && b->is_num)
        c = a->num < b->num ? -1 : a->num > b->num;
    else if (!*a->text != !*b->text)
        return *a->text ? -1 : 1; /* empty cells last, whatever the direction */
    else
        c = strcmp(a->text, b->text);
    if (!c)
        c = a->row < b->row ? -1 : a->row > b->row; /* stable: the API's order among equals */
    return sort_desc_now ? -c : c;
}

void listview_sort(view *v, table *t, uint32_t *perm)
{
    const api_resource *res = res_of(v->ops);
    int col = v->sort_col - 1;
    if (col < 0 || col >= ncols_of(res) || t->count < 2) {
        v->sort_gen = t->generation;
        return;
    }
    sort_key *keys = xcalloc(t->count, sizeof *keys);
    char cell[256];
    for (size_t i = 0; i < t->count; i++) {
        api_cell(&res->cols[col], t, table_row(t, i), cell, sizeof cell);
        strbuf f = STRBUF_INIT;
        text_fold(&f, cell);
        keys[i].text = f.data ? strbuf_detach(&f) : xstrdup("");
        char *end = NULL;
        keys[i].num = strtod(cell, &end);
        keys[i].is_num = end != cell && (!*end || *end == ' '); /* "2017", "14.6 m" */
        keys[i].row = (uint32_t)i;
    }
    sort_desc_now = v->sort_desc;
    qsort(keys, t->count, sizeof *keys, cmp_keys);
    size_t rs = record_size(t->kind);
    char *rows = xmalloc(t->count * rs);
    for (size_t i = 0; i < t->count; i++) {
        memcpy(rows + i * rs, table_row(t, keys[i].row), rs);
        if (perm)
            perm[i] = keys[i].row;
        free(keys[i].text);
    }
    memcpy(t->rows, rows, t->count * rs);
    free(rows);
    free(keys);
    t->generation++;
    v->sort_gen = t->generation;
    v->filter_dirty = true; /* the rows moved: filter and index them again */
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
    char sorted_title[64];
    for (int c = 0; c < ncols; c++)
        titles[c] = res->cols[c].title;
    if (v->sort_col > 0 && v->sort_col <= ncols) { /* the sort column's header says so */
        snprintf(sorted_title, sizeof sorted_title, "%s %s", titles[v->sort_col - 1], v->sort_desc ? "▼" : "▲");
        titles[v->sort_col - 1] = sorted_title;
    }
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
            if (c == 0 && !cells[0][strspn(cells[0], " ")])
                unnamed_placeholder(res, t, row, cells[0], sizeof cells[0]);
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
    snprintf(v->filter, sizeof v->filter, "%s", filter);
    v->cursor = v->top = 0;
}

long listview_selected_row(const view *v)
{
    return v->cursor < v->nvisible ? (long)v->visible[v->cursor] : -1;
}

void listview_free(view *v)
{
    free(v->every);
    search_free(v->search);
    v->search = NULL;
    v->every = v->visible = NULL;
    v->nvisible = v->capvisible = 0;
}
