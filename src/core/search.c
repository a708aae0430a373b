/* search: the list filter over store data (see search.h). */
#include "core/search.h"

#include "common/strbuf.h"
#include "core/api_resources.h"
#include "core/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 16
#define DICT_MAX 255   /* values of a few-valued column; one more makes it a text column */
#define DICT_SLOTS 512 /* open addressing, power of two > 2 * DICT_MAX */
#define CELL_CAP 256

/* The values of one few-valued column: number k (1..n) is raw[k - 1]; 0 is the empty cell. */
typedef struct dict {
    char *raw[DICT_MAX];
    int n;
    uint8_t slot[DICT_SLOTS];
    uint8_t *ids; /* one per row */
} dict;

typedef struct sindex {
    const api_resource *r;
    int ncols;
    bool text_col[MAX_COLS];
    dict dicts[MAX_COLS];
    size_t rows, cap_rows;
    strbuf text;    /* the text columns' cells of every row, folded, each followed by '\n' */
    uint32_t *off;  /* where each row's cells start in text */
    uint32_t epoch; /* bumped when the sindex is rebuilt (a column turned to text) */
} sindex;

/* One filter's search: first through a list of rows (the matches of the filter it extends),
 * then through the rows from `row` on, as the sindex has them. */
typedef struct query {
    char filter[128];
    char *needle; /* the filter folded */
    size_t nlen;
    bool marked; /* the filter has accents: candidates are checked against their cells */
    bool none;   /* nothing can match (a line break in the filter) */
    bool anymask;
    uint8_t mask[MAX_COLS][DICT_MAX / 8 + 1]; /* value numbers that match, per few-valued column */
    int masked[MAX_COLS];                     /* values checked so far (more come as rows do) */
    uint32_t epoch;
    const uint32_t *ref; /* the matches of the filter this one extends, borrowed from it (on the stack) */
    size_t nref;
    const struct query *ref_of;
    uint32_t *src;       /* then the rows that filter had still to look at (owned) */
    size_t nsrc, srcpos; /* srcpos runs over ref, then src */
    size_t row;
    uint32_t *m;
    size_t nm, capm;
} query;

struct search {
    sindex ix;
    char filter[128];
    query *cur;
    query *stack[SEARCH_STACK_MAX];
    int nstack;
};

/* ------------------------------------------------------------------ sindex */

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The value number of a cell in a few-valued column, or -1 when it has too many values. */
static int dict_id(dict *d, const char *cell)
{
    if (!*cell)
        return 0;
    for (uint32_t i = hash_str(cell) & (DICT_SLOTS - 1);; i = (i + 1) & (DICT_SLOTS - 1)) {
        int k = d->slot[i];
        if (!k) {
            if (d->n == DICT_MAX)
                return -1;
            d->raw[d->n++] = xstrdup(cell);
            d->slot[i] = (uint8_t)d->n;
            return d->n;
        }
        if (strcmp(d->raw[k - 1], cell) == 0)
            return k;
    }
}

static void dict_free(dict *d)
{
    for (int k = 0; k < d->n; k++)
        free(d->raw[k]);
    free(d->ids);
    memset(d, 0, sizeof *d);
}

/* Drops the rows, keeps which columns are text (and the epoch). */
static void index_clear_rows(sindex *ix)
{
    for (int c = 0; c < MAX_COLS; c++)
        dict_free(&ix->dicts[c]);
    strbuf_free(&ix->text);
    free(ix->off);
    ix->off = NULL;
    ix->rows = ix->cap_rows = 0;
}

static void index_free(sindex *ix)
{
    index_clear_rows(ix);
    memset(ix, 0, sizeof *ix);
}

/* Adds row i; -1 (nothing added) when a few-valued column got too many values: *col says which. */
static int index_row(sindex *ix, const table *t, size_t i, int *col)
{
    if (ix->rows == ix->cap_rows) {
        ix->cap_rows = ix->cap_rows ? ix->cap_rows * 2 : 1024;
        ix->off = xrealloc(ix->off, ix->cap_rows * sizeof *ix->off);
        for (int c = 0; c < ix->ncols; c++)
            if (!ix->text_col[c])
                ix->dicts[c].ids = xrealloc(ix->dicts[c].ids, ix->cap_rows);
    }
    const void *row = table_row(t, i);
    size_t at = ix->text.len;
    char cell[CELL_CAP];
    for (int c = 0; c < ix->ncols; c++) {
        api_cell(&ix->r->cols[c], t, row, cell, sizeof cell);
        if (ix->text_col[c]) {
            text_fold(&ix->text, cell);
            strbuf_putc(&ix->text, '\n');
            continue;
        }
        int id = dict_id(&ix->dicts[c], cell);
        if (id < 0) {
            ix->text.len = at;
            *col = c;
            return -1;
        }
        ix->dicts[c].ids[ix->rows] = (uint8_t)id;
    }
    ix->off[ix->rows++] = (uint32_t)at;
    return 0;
}

/* Indexes rows of t up to about budget units; returns the units spent. */
static size_t index_sync(sindex *ix, const table *t, size_t budget)
{
    size_t spent = 0;
    if (!ix->r) {
        ix->r = api_resource_get(t->kind);
        ix->ncols = ix->r ? (ix->r->ncols < MAX_COLS ? ix->r->ncols : MAX_COLS) : 0;
        for (int c = 0; c < ix->ncols; c++) /* computed cells (a person's name) are text */
            ix->text_col[c] = ix->r->cols[c].cell != NULL;
    }
    while (ix->rows < t->count && spent < budget) {
        int col;
        if (index_row(ix, t, ix->rows, &col) != 0) {
            /* Too many values for a value number: the column becomes text, the sindex starts over. */
            ix->text_col[col] = true;
            index_clear_rows(ix);
            ix->epoch++;
        }
        spent += SEARCH_COST_INDEX;
    }
    return spent;
}

static size_t row_end(const sindex *ix, size_t row)
{
    return row + 1 < ix->rows ? ix->off[row + 1] : ix->text.len;
}

/* ------------------------------------------------------------------ queries */

static void query_free(query *q)
{
    if (!q)
        return;
    free(q->needle);
    free(q->src);
    free(q->m);
    free(q);
}

/* Which values of the few-valued columns match: each value is checked once (not once per row),
 * values that came with new rows when they come. */
static void query_masks(query *q, const sindex *ix)
{
    strbuf f = STRBUF_INIT;
    for (int c = 0; c < ix->ncols; c++) {
        if (ix->text_col[c])
            continue;
        for (int k = q->masked[c] + 1; k <= ix->dicts[c].n; k++) {
            const char *raw = ix->dicts[c].raw[k - 1];
            bool hit;
            if (q->marked) {
                hit = text_contains_ci(raw, q->filter);
            } else {
                strbuf_reset(&f);
                text_fold(&f, raw);
                hit = f.len >= q->nlen && memmem(f.data, f.len, q->needle, q->nlen) != NULL;
            }
            if (hit) {
                q->mask[c][k >> 3] |= (uint8_t)(1u << (k & 7));
                q->anymask = true;
            }
        }
        q->masked[c] = ix->dicts[c].n;
    }
    strbuf_free(&f);
}

static query *query_new(const sindex *ix, const char *filter)
{
    query *q = xcalloc(1, sizeof *q);
    snprintf(q->filter, sizeof q->filter, "%s", filter);
    strbuf f = STRBUF_INIT;
    text_fold(&f, filter);
    q->nlen = f.len;
    q->needle = strbuf_detach(&f);
    q->marked = text_fold_marked(filter);
    q->none = q->nlen == 0 || memchr(q->needle, '\n', q->nlen) != NULL;
    q->epoch = ix->epoch;
    query_masks(q, ix);
    return q;
}

static size_t list_len(const query *q)
{
    return q->nref + q->nsrc;
}

static uint32_t list_at(const query *q, size_t i)
{
    return i < q->nref ? q->ref[i] : q->src[i - q->nref];
}

/* Copies what is left to search of a borrowed list into the query's own (before its owner goes). */
static void query_detach(query *q)
{
    if (!q->ref_of)
        return;
    size_t left = list_len(q) - q->srcpos;
    uint32_t *own = xmalloc((left ? left : 1) * sizeof *own);
    for (size_t i = 0; i < left; i++)
        own[i] = list_at(q, q->srcpos + i);
    free(q->src);
    q->src = own;
    q->nsrc = left;
    q->srcpos = 0;
    q->ref = NULL;
    q->nref = 0;
    q->ref_of = NULL;
}

static void push_match(query *q, size_t row)
{
    if (q->nm == q->capm) {
        q->capm = q->capm ? q->capm * 2 : 256;
        q->m = xrealloc(q->m, q->capm * sizeof *q->m);
    }
    q->m[q->nm++] = (uint32_t)row;
}

static bool dict_hit(const query *q, const sindex *ix, size_t row)
{
    for (int c = 0; c < ix->ncols; c++) {
        if (ix->text_col[c])
            continue;
        unsigned k = ix->dicts[c].ids[row];
        if (k && (q->mask[c][k >> 3] >> (k & 7)) & 1)
            return true;
    }
    return false;
}

/* A filter with accents: does one of the row's text cells contain it exactly (up to case)? */
static bool verify(const query *q, const sindex *ix, const table *t, size_t row)
{
    char cell[CELL_CAP];
    const void *rec = table_row(t, row);
    for (int c = 0; c < ix->ncols; c++) {
        if (!ix->text_col[c])
            continue;
        api_cell(&ix->r->cols[c], t, rec, cell, sizeof cell);
        if (text_contains_ci(cell, q->filter))
            return true;
    }
    return false;
}

/* Does the row match; *cost gets the units spent. */
static bool row_matches(const query *q, const sindex *ix, const table *t, size_t row, size_t *cost)
{
    *cost += 1;
    if (q->anymask && dict_hit(q, ix, row))
        return true;
    size_t from = ix->off[row], to = row_end(ix, row);
    if (to - from < q->nlen || !memmem(ix->text.data + from, to - from, q->needle, q->nlen))
        return false;
    if (!q->marked)
        return true;
    *cost += SEARCH_COST_VERIFY;
    return verify(q, ix, t, row);
}

/* The row whose cells hold text offset pos, among rows [lo, hi). */
static size_t row_at(const sindex *ix, size_t pos, size_t lo, size_t hi)
{
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->off[mid] <= pos)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Searches the rows from q->row on; returns the units spent. */
static size_t scan_rows(query *q, const sindex *ix, const table *t, size_t budget, size_t want)
{
    size_t spent = 0;
    while (q->row < ix->rows && spent < budget && q->nm < want) {
        size_t end = ix->rows - q->row < budget - spent ? ix->rows : q->row + (budget - spent);
        if (q->anymask) {
            for (; q->row < end && q->nm < want; q->row++)
                if (row_matches(q, ix, t, q->row, &spent))
                    push_match(q, q->row);
            continue;
        }
        /* No few-valued column matches: jump from one hit in the text to the next. */
        const char *from = ix->text.data + ix->off[q->row];
        size_t len = (end < ix->rows ? ix->off[end] : ix->text.len) - ix->off[q->row];
        const char *hit = len >= q->nlen ? memmem(from, len, q->needle, q->nlen) : NULL;
        if (!hit) {
            spent += end - q->row;
            q->row = end;
            continue;
        }
        size_t r = row_at(ix, (size_t)(hit - ix->text.data), q->row, end);
        spent += r + 1 - q->row;
        q->row = r + 1;
        if (q->marked)
            spent += SEARCH_COST_VERIFY;
        if (!q->marked || verify(q, ix, t, r))
            push_match(q, r);
    }
    return spent;
}

static size_t query_step(query *q, const sindex *ix, const table *t, size_t budget, size_t want)
{
    if (q->none) {
        q->srcpos = list_len(q);
        q->row = ix->rows;
        return 0;
    }
    query_masks(q, ix);
    size_t spent = 0;
    while (q->srcpos < list_len(q) && spent < budget && q->nm < want) {
        uint32_t r = list_at(q, q->srcpos++);
        if (row_matches(q, ix, t, r, &spent))
            push_match(q, r);
    }
    if (q->srcpos == list_len(q) && q->srcpos) {
        free(q->src); /* the list is done with */
        q->src = NULL;
        q->ref = NULL;
        q->ref_of = NULL;
        q->nsrc = q->nref = q->srcpos = 0;
    }
    if (q->srcpos == list_len(q) && spent < budget)
        spent += scan_rows(q, ix, t, budget - spent, want);
    return spent;
}

static bool query_done(const query *q, const sindex *ix)
{
    return q->none || (q->srcpos == list_len(q) && q->row >= ix->rows);
}

/* ------------------------------------------------------------------ the search */

search *search_new(void)
{
    return xcalloc(1, sizeof(search));
}

static void clear_stack(search *s)
{
    for (int i = 0; i < s->nstack; i++)
        query_free(s->stack[i]);
    s->nstack = 0;
}

static void drop_queries(search *s)
{
    clear_stack(s);
    query_free(s->cur);
    s->cur = NULL;
}

void search_free(search *s)
{
    if (!s)
        return;
    drop_queries(s);
    index_free(&s->ix);
    free(s);
}

void search_reset(search *s)
{
    drop_queries(s);
    index_free(&s->ix);
}

/* Rows the stack's lists hold, at most this many (bounds its memory to 8 B a row). */
static size_t stack_entries(const search *s)
{
    size_t n = 0;
    for (int i = 0; i < s->nstack; i++)
        n += s->stack[i]->nm + s->stack[i]->nsrc;
    return n;
}

/* Drops the oldest filter of the stack; the one that borrowed its matches copies what it needs. */
static void drop_oldest(search *s)
{
    query *old = s->stack[0];
    for (int i = 1; i < s->nstack; i++)
        if (s->stack[i]->ref_of == old)
            query_detach(s->stack[i]);
    if (s->cur && s->cur->ref_of == old)
        query_detach(s->cur);
    query_free(old);
    memmove(s->stack, s->stack + 1, (size_t)(s->nstack - 1) * sizeof *s->stack);
    s->nstack--;
}

static void push_stack(search *s, query *q)
{
    if (s->nstack == SEARCH_STACK_MAX)
        drop_oldest(s);
    s->stack[s->nstack++] = q;
    while (s->nstack > 1 && stack_entries(s) > 2 * s->ix.rows + 4096)
        drop_oldest(s);
}

void search_set_filter(search *s, const char *filter)
{
    if (strcmp(s->filter, filter) == 0)
        return;
    snprintf(s->filter, sizeof s->filter, "%s", filter);
    if (!*filter) {
        drop_queries(s);
        return;
    }
    /* Back to an earlier filter (Backspace): its result, as far as it had got. */
    for (int i = s->nstack - 1; i >= 0; i--) {
        if (strcmp(s->stack[i]->filter, filter) != 0 || s->stack[i]->epoch != s->ix.epoch)
            continue;
        query_free(s->cur);
        s->cur = s->stack[i];
        for (int j = i + 1; j < s->nstack; j++)
            query_free(s->stack[j]);
        s->nstack = i;
        return;
    }
    query *q = query_new(&s->ix, filter);
    query *p = s->cur;
    if (p && p->epoch == s->ix.epoch && strstr(filter, p->filter)) {
        /* Narrower: only the rows the last filter matched (borrowed, not copied: the keystroke
         * costs the same at any size), then those it had not looked at yet. */
        q->ref = p->m;
        q->nref = p->nm;
        q->ref_of = p;
        size_t rest = list_len(p) - p->srcpos;
        q->nsrc = rest;
        q->src = rest ? xmalloc(rest * sizeof *q->src) : NULL;
        for (size_t i = 0; i < rest; i++)
            q->src[i] = list_at(p, p->srcpos + i);
        q->row = p->row;
        s->cur = q;
        push_stack(s, p);
        return;
    } else {
        clear_stack(s);
        query_free(p);
    }
    s->cur = q;
}

bool search_step(search *s, const table *t, size_t budget, size_t want)
{
    if (t->count < s->ix.rows) /* not appended: start over */
        search_reset(s);
    uint32_t epoch = s->ix.epoch;
    size_t spent = index_sync(&s->ix, t, budget);
    if (s->ix.epoch != epoch || (s->cur && s->cur->epoch != s->ix.epoch)) {
        /* A column became text: the value numbers changed, search again. */
        drop_queries(s);
    }
    if (!s->cur && s->filter[0])
        s->cur = query_new(&s->ix, s->filter);
    if (s->cur && spent < budget)
        query_step(s->cur, &s->ix, t, budget - spent, want);
    return search_done(s, t);
}

bool search_done(const search *s, const table *t)
{
    if (s->ix.rows < t->count)
        return false;
    return !s->filter[0] || (s->cur && query_done(s->cur, &s->ix));
}

const uint32_t *search_matches(const search *s, size_t *n)
{
    *n = s->cur ? s->cur->nm : 0;
    return s->cur ? s->cur->m : NULL;
}

size_t search_index_bytes(const search *s)
{
    const sindex *ix = &s->ix;
    size_t n = ix->text.len + ix->rows * sizeof *ix->off;
    for (int c = 0; c < ix->ncols; c++) {
        if (ix->text_col[c])
            continue;
        n += ix->rows;
        for (int k = 0; k < ix->dicts[c].n; k++)
            n += strlen(ix->dicts[c].raw[k]) + 1;
    }
    return n;
}
