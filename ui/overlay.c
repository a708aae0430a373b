/* overlay: key tables of the overlays (lookup, hint line, the registry for help and docs) and
 * the shared scroller. */
#include "ui/overlay.h"

#include "ui/keys.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

/* The operations pane is no overlay (ui/pane_ops.c takes its keys); its keys are described here
 * so that the help and the docs list them with the others. */
static const overlay_key pane_keys[] = {
    {"<Enter>", 0, "Open the operation under the cursor", NULL, 0},
    {"o + -", 0, "Also over a conversation, an operation, the drafts or the help", NULL, 0},
};
const overlay_keymap pane_keymap = OVERLAY_KEYMAP("operations pane", pane_keys);

const overlay_keymap *const overlay_keymaps[] = {
    &composer_keymap, &form_keymap, &form_edit_keymap, &form_pick_keymap, &conversation_keymap, &group_message_keymap,
    &pane_keymap, &opdetail_keymap, &drafts_keymap, &drafts_confirm_keymap, &help_keymap,
};
const int overlay_keymaps_count = (int)(sizeof overlay_keymaps / sizeof overlay_keymaps[0]);

int keymap_lookup(const overlay_keymap *m, int key)
{
    for (int i = 0; m && i < m->n; i++)
        if (keys_list_has(m->keys[i].keys, key))
            return m->keys[i].cmd;
    return -1;
}

void keymap_hint(const overlay_keymap *m, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; m && i < m->n; i++) {
        const overlay_key *k = &m->keys[i];
        if (!k->hint)
            continue;
        n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s", n ? " ·" : "");
        const char *s = k->keys;
        int want = k->hint_keys > 0 ? k->hint_keys : 1;
        int key;
        for (int j = 0; j < want && (key = keys_list_next(&s)) >= 0; j++) {
            char name[32];
            keys_hint_name(key, name, sizeof name);
            n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s", j ? "/" : " ", name);
        }
        if (*k->hint)
            n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, " %s", k->hint);
    }
}

bool scroll_delta(int key, long page, long count, long *delta)
{
    if (page < 1)
        page = 1;
    switch (key) {
    case 'j':
    case KEY_CTRL('n'):
    case KEYS_FN + KEY_DOWN:
        *delta = 1;
        return true;
    case 'k':
    case KEY_CTRL('p'):
    case KEYS_FN + KEY_UP:
        *delta = -1;
        return true;
    case ' ':
    case KEY_CTRL('f'):
    case KEYS_FN + KEY_NPAGE:
        *delta = page;
        return true;
    case KEY_CTRL('b'):
    case KEYS_FN + KEY_PPAGE:
        *delta = -page;
        return true;
    case 'g':
    case KEYS_FN + KEY_HOME:
        *delta = -(count > 0 ? count : 1);
        return true;
    case 'G':
    case KEYS_FN + KEY_END:
        *delta = count > 0 ? count : 1;
        return true;
    default:
        return false;
    }
}

size_t scroll_apply(size_t pos, long delta, size_t max)
{
    if (delta < 0)
        return (size_t)-delta >= pos ? 0 : pos - (size_t)-delta;
    size_t p = pos + (size_t)delta;
    return p > max || p < pos ? max : p;
}
