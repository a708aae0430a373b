/* overlay: the keys of the overlays, one table each, like the lists' action table (ui/actions.h).
 * A row names its keys, the overlay's command, the help text and the hint-line words; the key
 * handling (app.c), the help screen (view_help.c), docs/keys.md (--help-keys) and the hint line
 * are all produced from it. Also the one scroller every overlay uses (j/k, PgUp/PgDn, g/G). */
#ifndef CATENA_UI_OVERLAY_H
#define CATENA_UI_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>

typedef struct overlay_key {
    const char *keys; /* notation, space-separated: "j k <Down> <Up>" */
    int cmd;          /* the overlay's own command number */
    const char *help; /* the help screen and docs/keys.md */
    const char *hint; /* the hint line's words after the keys ("" none); NULL: not on the hint line */
    int hint_keys;    /* how many of the keys the hint line names, joined by "/" (0: the first) */
} overlay_key;

typedef struct overlay_keymap {
    const char *context; /* "composer": the help's "In the composer" */
    const overlay_key *keys;
    int n;
} overlay_keymap;

#define OVERLAY_KEYMAP(context, rows) {context, rows, (int)(sizeof rows / sizeof rows[0])}

/* The scroll keys (the first two of each are what the hint line names). Space also pages down
 * where it means nothing else. */
#define SCROLL_KEYS_LINE "j k <Down> <Up>"
#define SCROLL_KEYS_PAGE "<PageUp> <PageDown> <C-b> <C-f>"
#define SCROLL_KEYS_ENDS "g G <Home> <End>"

/* The command of the first row that has key, or -1. */
int keymap_lookup(const overlay_keymap *m, int key);
/* The hint line: " Ctrl-X send · Esc close". */
void keymap_hint(const overlay_keymap *m, char *out, size_t cap);

/* Every overlay's table, in the order the help and the docs show them. */
extern const overlay_keymap composer_keymap, form_keymap, form_edit_keymap, form_pick_keymap, conversation_keymap,
    group_message_keymap,
    pane_keymap, opdetail_keymap, drafts_keymap, drafts_confirm_keymap, help_keymap;
extern const overlay_keymap *const overlay_keymaps[];
extern const int overlay_keymaps_count;

/* What a scroll key asks for: one line (+-1), a page (+-page) or an end (+-count); false when
 * key is none of SCROLL_KEYS_* (or Space, Ctrl-N, Ctrl-P). */
bool scroll_delta(int key, long page, long count, long *delta);
/* pos moved by delta, kept within [0, max]. */
size_t scroll_apply(size_t pos, long delta, size_t max);

#endif
