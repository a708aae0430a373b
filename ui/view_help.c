/* Help: the key table, generated from the action table, with why an action is disabled now. */
#include "ui/app.h"

#include "core/text.h"
#include "ui/screen.h"
#include "ui/keys.h"
#include "ui/overlay.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

/* Line i of the help text: group headings and one line per action. Returns false past the end. */
static bool help_line(const app *a, int i, char *out, size_t cap, theme_slot *slot)
{
    int n = 0;
    const char *group = "";
    for (int k = 0; k < ACT__COUNT; k++) {
        const action_info *ai = action_get((action_id)k);
        if (strcmp(group, ai->group) != 0) {
            group = ai->group;
            if (k > 0 && n++ == i) {
                out[0] = '\0';
                *slot = SLOT_NORMAL;
                return true;
            }
            if (n++ == i) {
                snprintf(out, cap, " %s", group);
                *slot = SLOT_HELP_GROUP;
                return true;
            }
        }
        const char *why = ai->disabled ? ai->disabled(a) : NULL;
        if (n++ == i) {
            snprintf(out, cap, "   %-26s %s", ai->keys, ai->help);
            *slot = why ? SLOT_STATUS_MUTED : SLOT_NORMAL;
            return true;
        }
        /* Why it is unavailable right now, on a line of its own under the action. */
        if (why && n++ == i) {
            snprintf(out, cap, "   %-26s ↳ not now: %s", "", why);
            *slot = SLOT_STATUS_MUTED;
            return true;
        }
        const char *hint = why ? NULL : action_write_hint(a, k);
        if (hint && n++ == i) {
            snprintf(out, cap, "   %-26s ↳ note: %s", "", hint);
            *slot = SLOT_STATUS_MUTED;
            return true;
        }
    }
    /* Then the overlays' own keys, from their tables. */
    for (int m = 0; m < overlay_keymaps_count; m++) {
        const overlay_keymap *km = overlay_keymaps[m];
        if (n++ == i) {
            out[0] = '\0';
            *slot = SLOT_NORMAL;
            return true;
        }
        if (n++ == i) {
            snprintf(out, cap, " In the %s", km->context);
            *slot = SLOT_HELP_GROUP;
            return true;
        }
        for (int k = 0; k < km->n; k++) {
            if (n++ == i) {
                snprintf(out, cap, "   %-26s %s", km->keys[k].keys, km->keys[k].help);
                *slot = SLOT_NORMAL;
                return true;
            }
        }
    }
    return false;
}

static int help_lines(const app *a)
{
    char buf[8];
    theme_slot s;
    int n = 0;
    while (help_line(a, n, buf, sizeof buf, &s))
        n++;
    return n;
}

static void help_draw(void *state, app *a, int top, int height, int width)
{
    (void)state;
    char line[512], buf[2048];
    attrset((attr_t)theme_attr(SLOT_HEADER));
    char hint[256];
    keymap_hint(&help_keymap, hint, sizeof hint);
    snprintf(line, sizeof line, " Keys (%s)", hint + 1); /* the hint starts with its margin */
    text_fit_pad(line, width, true, buf, sizeof buf);
    screen_put(top, 0, buf);
    for (int r = 1; r < height; r++) {
        theme_slot slot = SLOT_NORMAL;
        if (!help_line(a, (int)a->help_top + r - 1, line, sizeof line, &slot))
            line[0] = '\0';
        attrset((attr_t)theme_attr(slot));
        /* Key column in its own colour. */
        text_fit_pad(line, width, true, buf, sizeof buf);
        screen_put(top + r, 0, buf);
        if (slot == SLOT_NORMAL && line[0] == ' ' && line[1] == ' ' && line[2] == ' ') {
            attrset((attr_t)theme_attr(SLOT_HELP_KEY));
            char keys[40];
            snprintf(keys, sizeof keys, "%.26s", line + 3);
            text_fit_pad(keys, width - 3 > 0 ? (width - 3 < 26 ? width - 3 : 26) : 0, false, buf, sizeof buf);
            screen_put(top + r, 3, buf);
        }
    }
    attrset(A_NORMAL);
}

enum { HELP_CLOSE, HELP_SCROLL };

static const overlay_key help_keys[] = {
    {"<Esc> q ? <F1>", HELP_CLOSE, "Close the help", "closes", 3},
    {SCROLL_KEYS_LINE, HELP_SCROLL, "Scroll a line", "scroll", 2},
    {SCROLL_KEYS_PAGE " <Space>", HELP_SCROLL, "Scroll a page", NULL, 0},
    {SCROLL_KEYS_ENDS, HELP_SCROLL, "Top or end", NULL, 0},
};
const overlay_keymap help_keymap = OVERLAY_KEYMAP("help", help_keys);

static unsigned help_command(void *state, app *a, int cmd, int key)
{
    (void)state;
    if (cmd == HELP_CLOSE) {
        app_overlay_pop(a);
        return DIRTY_ALL;
    }
    int max = help_lines(a), rows = a->rows - 4 - app_pane_rows(a, a->rows - 3); /* under its header */
    long delta = 0;
    size_t before = a->help_top, last = max > rows ? (size_t)(max - rows) : 0;
    if (scroll_delta(key, rows > 2 ? rows - 1 : 1, max, &delta))
        a->help_top = scroll_apply(a->help_top, delta, last);
    return a->help_top != before ? DIRTY_LIST : 0;
}

static void help_destroy(void *state, app *a)
{
    (void)state;
    (void)a;
}

static const overlay_ops help_ops = {
    .name = "help",
    .draw = help_draw,
    .keymap = &help_keymap,
    .command = help_command,
    .destroy = help_destroy,
    .pane_keys = true,
};

void help_open(app *a)
{
    a->help_top = 0;
    app_overlay_push(a, &help_ops, NULL);
}
