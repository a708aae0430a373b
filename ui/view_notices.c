/* Notices: the last notices of the message line in full, newest first (issue 12, friction 1: a
 * failure's reason is cut at the width of the message line). Opened with ! in the lists and F2
 * from anywhere, also while typing. */
#include "ui/app.h"

#include "common/strbuf.h"
#include "core/text.h"
#include "ui/keys.h"
#include "ui/overlay.h"
#include "ui/wrap.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define INDENT 10 /* "HH:MM:SS  " */

typedef struct notices_view {
    size_t top; /* first line shown */
} notices_view;

void app_notice_push(app *a, theme_slot slot, const char *text)
{
    if (!text[0])
        return;
    const app_notice *last = a->nnotices ? &a->notices[(a->notice_next + APP_NOTICES - 1) % APP_NOTICES] : NULL;
    if (last && strcmp(last->text, text) == 0)
        return;
    app_notice *n = &a->notices[a->notice_next];
    snprintf(n->text, sizeof n->text, "%s", text);
    n->slot = slot;
    n->wall_ms = loop_wall_ms(a->l);
    a->notice_next = (a->notice_next + 1) % APP_NOTICES;
    if (a->nnotices < APP_NOTICES)
        a->nnotices++;
}

/* Notice i, newest first. */
static const app_notice *notice_get(const app *a, int i)
{
    return &a->notices[(a->notice_next + APP_NOTICES - 1 - i) % APP_NOTICES];
}

/* Line i of the text at this width (each notice wrapped under its time, a blank line between). */
static bool notices_line(const app *a, size_t i, int width, char *out, size_t cap, theme_slot *slot)
{
    size_t n = 0;
    for (int k = 0; k < a->nnotices; k++) {
        const app_notice *no = notice_get(a, k);
        text_wrap w;
        wrap_init(&w, no->text, width - INDENT > 10 ? width - INDENT : 10);
        const char *p;
        size_t len;
        bool first = true;
        while (wrap_next(&w, &p, &len)) {
            if (n++ == i) {
                char hms[16] = "";
                if (first) {
                    time_t t = (time_t)(no->wall_ms / 1000);
                    struct tm tm;
                    gmtime_r(&t, &tm);
                    snprintf(hms, sizeof hms, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
                }
                snprintf(out, cap, " %-*s%.*s", INDENT - 1, hms, (int)len, p);
                *slot = no->slot;
                return true;
            }
            first = false;
        }
        if (n++ == i) {
            out[0] = '\0';
            *slot = SLOT_NORMAL;
            return true;
        }
    }
    return false;
}

static size_t notices_count(const app *a, int width)
{
    char buf[8];
    theme_slot s;
    size_t n = 0;
    while (notices_line(a, n, width, buf, sizeof buf, &s))
        n++;
    return n;
}

static void notices_draw(void *state, app *a, int top, int height, int width)
{
    notices_view *v = state;
    char hint[256], line[1200];
    keymap_hint(&notices_keymap, hint, sizeof hint);
    snprintf(line, sizeof line, " Notices, newest first (%s)", hint + 1);
    draw_text_at(top, 0, width, SLOT_HEADER, line);
    for (int r = 1; r < height; r++) {
        theme_slot slot = SLOT_NORMAL;
        if (!notices_line(a, v->top + (size_t)r - 1, width, line, sizeof line, &slot)) {
            snprintf(line, sizeof line, "%s", r == 1 && !a->nnotices ? "  No notices yet." : "");
            slot = SLOT_STATUS_MUTED;
        }
        draw_text_at(top + r, 0, width, slot, line);
    }
}

enum { NOTICES_CLOSE, NOTICES_SCROLL };

static const overlay_key notices_keys[] = {
    {"<Esc> q ! <F2>", NOTICES_CLOSE, "Close the notices", "closes", 2},
    {SCROLL_KEYS_LINE, NOTICES_SCROLL, "Scroll a line", "scroll", 2},
    {SCROLL_KEYS_PAGE " <Space>", NOTICES_SCROLL, "Scroll a page", NULL, 0},
    {SCROLL_KEYS_ENDS, NOTICES_SCROLL, "Top or end", NULL, 0},
};
const overlay_keymap notices_keymap = OVERLAY_KEYMAP("notices", notices_keys);

static unsigned notices_command(void *state, app *a, int cmd, int key)
{
    notices_view *v = state;
    if (cmd == NOTICES_CLOSE) {
        app_overlay_pop(a);
        return DIRTY_ALL;
    }
    long max = (long)notices_count(a, a->cols), rows = a->rows - 4 - app_pane_rows(a, a->rows - 3);
    long delta = 0;
    size_t before = v->top, last = max > rows ? (size_t)(max - rows) : 0;
    if (scroll_delta(key, rows > 2 ? rows - 1 : 1, max, &delta))
        v->top = scroll_apply(v->top, delta, last);
    return v->top != before ? DIRTY_LIST : 0;
}

static void notices_destroy(void *state, app *a)
{
    (void)a;
    free(state);
}

static const overlay_ops notices_ops = {
    .name = "notices",
    .draw = notices_draw,
    .keymap = &notices_keymap,
    .command = notices_command,
    .destroy = notices_destroy,
    .pane_keys = true,
};

void notices_open(app *a)
{
    ui_overlay *o = app_overlay_top(a);
    if (o && o->ops == &notices_ops)
        return;
    app_overlay_push(a, &notices_ops, xcalloc(1, sizeof(notices_view)));
}
