/* app_mouse: clicks and the wheel (issue 12, friction 8). A click on a tab opens that list, on a
 * row selects it (on the selected row again: opens it, as Enter), on an operation of the pane
 * moves the pane's cursor there; the wheel scrolls the list, the pane or the overlay under it.
 * "mouse = no" in the config leaves the mouse to the terminal (ui/screen.c). */
#include "ui/app.h"

#include "ui/keys.h"

#include <curses.h>

#define WHEEL_ROWS 3

/* The list area is rows 1 .. rows-3; the pane, when open, is its bottom part. */
static int pane_top(const app *a, int *pane)
{
    int area = a->rows - 3;
    *pane = app_pane_rows(a, area);
    return 1 + area - *pane;
}

static unsigned keys_times(app *a, int key, int n)
{
    unsigned d = 0;
    for (int i = 0; i < n; i++)
        d |= app_handle_key(a, key);
    return d;
}

unsigned app_mouse(app *a, app_mouse_kind kind, int x, int y)
{
    if (a->rows < 5 || a->cols < 20 || a->searching)
        return 0;
    int pane, ptop = pane_top(a, &pane);
    bool in_pane = pane && y >= ptop && y < ptop + pane;
    if (kind != APP_MOUSE_CLICK) {
        int key = KEYS_FN + (kind == APP_MOUSE_WHEEL_UP ? KEY_UP : KEY_DOWN);
        if (app_overlay_top(a) && !in_pane)
            return keys_times(a, key, WHEEL_ROWS); /* the overlay scrolls as with its arrow keys */
        if (in_pane != a->pane_focus && !a->noverlays)
            a->pane_focus = in_pane; /* the wheel scrolls what is under it */
        return app_overlay_top(a) ? 0 : keys_times(a, key, WHEEL_ROWS) | DIRTY_ALL;
    }
    if (y == 0) { /* a tab */
        for (int i = 0; i < APP_MAX_VIEWS && i < 9; i++)
            if (a->tab_w[i] && x >= a->tab_x[i] && x < a->tab_x[i] + a->tab_w[i] && !a->noverlays)
                return app_handle_key(a, '1' + i);
        return 0;
    }
    if (in_pane && !a->noverlays) {
        a->pane_focus = true;
        if (y > ptop)
            a->pane_cursor = a->pane_top + (size_t)(y - ptop - 1);
        return DIRTY_ALL;
    }
    if (a->noverlays || y < 2 || y >= ptop)
        return 0; /* overlays take keys only; row 1 is the list's header */
    view *v = &a->views[a->current];
    size_t row = v->top + (size_t)(y - 2);
    if (row >= v->nvisible)
        return 0;
    a->pane_focus = false;
    if (row == v->cursor)
        return app_handle_key(a, '\n'); /* the selected row again: open it */
    v->cursor = row;
    return DIRTY_LIST | DIRTY_STATUS;
}
