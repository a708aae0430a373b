/* theme: named semantic colour slots read from theme files ("SLOT FG BG [ATTR...]").
 * A built-in default is compiled in; NO_COLOR keeps only the attributes. */
#ifndef CATENA_UI_THEME_H
#define CATENA_UI_THEME_H

#include <stdbool.h>

#define THEME_SLOTS(X)                                                                                 \
    X(NORMAL, "normal") X(TITLE, "title") X(TITLE_DIM, "title.dim") X(HEADER, "header")                \
    X(CURSOR, "cursor") X(CURSOR_UNFOCUSED, "cursor.unfocused") X(MARKED, "marked") X(STATUS, "status") \
    X(STATUS_OK, "status.ok") X(STATUS_WARN, "status.warn") X(STATUS_ERROR, "status.error")             \
    X(STATUS_PENDING, "status.pending") X(STATUS_SUCCESS, "status.success")                            \
    X(STATUS_FAILED, "status.failed") X(STATUS_MUTED, "status.muted") X(HELP_KEY, "help.key")          \
    X(HELP_GROUP, "help.group") X(PROMPT, "prompt") X(BORDER, "border")

typedef enum {
#define X(id, name) SLOT_##id,
    THEME_SLOTS(X)
#undef X
        SLOT__COUNT
} theme_slot;

extern const char theme_builtin_default[];
extern const char theme_builtin_mono[];

#define THEME_RGB 0x1000000 /* flag in theme_rule.fg_rgb/bg_rgb: the colour was given as #rrggbb */

typedef struct theme_rule {
    short fg, bg;       /* -1 = terminal default; for a #rrggbb colour the nearest of the 256 */
    unsigned attrs;     /* A_BOLD | A_REVERSE ... as unsigned */
    bool set;
    int fg_rgb, bg_rgb; /* THEME_RGB | 0xrrggbb for a #rrggbb colour, else 0 */
} theme_rule;

typedef struct theme {
    theme_rule rules[SLOT__COUNT];
} theme;

/* Parses theme text into t (on top of what t holds). -1 with *err (heap) naming the line. */
int theme_parse(theme *t, const char *text, const char *origin, char **err);
/* Loads by name: NULL/"default" and "mono" are built in; otherwise a path, or
 * themes/NAME.theme under $XDG_CONFIG_HOME/catena-dispatch/. */
int theme_load(theme *t, const char *name, char **err);
const char *theme_slot_name(theme_slot s);

/* The colour number to give curses for a slot colour (index as in theme_rule.fg, rgb as in fg_rgb)
 * on a terminal of `colors` colours: on a direct-colour one (colors >= 2^24, e.g. TERM=xterm-direct)
 * the 24-bit value; else a #rrggbb colour becomes the nearest of the 256 (colors >= 256) or of the
 * basic 8, and an index the terminal lacks its basic colour (index % 8). -1 stays -1 (default). */
int theme_color_number(short index, int rgb, int colors);

/* curses side: allocate colour pairs (or none, with no_color) and give each slot its attr. */
void theme_apply(const theme *t, bool no_color);
unsigned long theme_attr(theme_slot s); /* an attr_t for wattrset */
/* The slot whose applied attr equals a, or -1 (for screen dumps). */
int theme_slot_of_attr(unsigned long a);

#endif
