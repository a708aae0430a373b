/* app: the console's state and behaviour, independent of where keys come from (a terminal
 * or a script) and where the screen goes (a tty or a virtual screen). Key handlers return
 * what must be redrawn; app_draw draws only that. */
#ifndef CATENA_UI_APP_H
#define CATENA_UI_APP_H

#include "core/api.h"
#include "core/config.h"
#include "core/loop.h"
#include "core/store.h"
#include "ui/actions.h"
#include "ui/theme.h"
#include "ui/view.h"

#include <stdbool.h>

enum {
    DIRTY_TITLE = 1,
    DIRTY_LIST = 2,
    DIRTY_STATUS = 4,
    DIRTY_MESSAGE = 8,
    DIRTY_ALL = 15,
    DIRTY_CLEAR = 16 /* repaint every cell (after resize, Ctrl-L) */
};

/* Indexes of the registered list views (ui/views.c). */
enum { VIEW_CONNECTIONS = 0, VIEW_DRIVERS = 1, VIEW_VEHICLES = 2, VIEW_TRAILERS = 3, VIEW_GROUP_MESSAGES = 6 };

#define APP_MAX_VIEWS 8
#define APP_MAX_OVERLAYS 8
#define APP_NOTICES 20

struct app;
struct ops_tracker;
struct caps;
struct inbox_ui;

/* An overlay covers the list area and takes every key while it is on top (composer, forms,
 * conversation, operation detail, drafts, help). Its keys are a table (ui/overlay.h): a key of
 * the table runs `command`; any other goes to `key` (text input), or is said to do nothing.
 * Text typed into one never fires list commands. F1 opens the help over any of them, and ?
 * over those that take no text now. */
typedef struct overlay_ops {
    const char *name;
    void (*draw)(void *state, struct app *a, int top, int height, int width);
    const struct overlay_keymap *keymap;                              /* its keys; also the hint line */
    unsigned (*command)(void *state, struct app *a, int cmd, int key); /* returns DIRTY_* */
    unsigned (*key)(void *state, struct app *a, int key); /* optional: keys not in the table (typing) */
    /* optional: the table in force now, when a sub-mode (a field being edited, a picker, a question)
     * has its own; an overlay with `key` takes text while this is not `keymap` (always without it) */
    const struct overlay_keymap *(*keys_now)(const void *state);
    void (*destroy)(void *state, struct app *a);               /* frees state */
    void (*idle)(void *state, struct app *a);                  /* optional: after each loop turn */
    bool pane_keys; /* no text input: o, + and - still show, hide and resize the operations pane */
} overlay_ops;

typedef struct ui_overlay {
    const overlay_ops *ops;
    void *state;
} ui_overlay;

/* A notice of the message line, kept so that it can be read in full later (ui/view_notices.c). */
typedef struct app_notice {
    char text[320];
    theme_slot slot;
    int64_t wall_ms;
} app_notice;

typedef struct app {
    const config *cfg;
    loop *l;
    http_client *http;
    auth *auth;
    api *api;
    store st;
    char host[128];
    bool connected;             /* api configured */
    char startup_note[128];     /* e.g. "starting the local emulator…" while not connected */
    long conn_sel;              /* selected connection row, -1 none */
    view views[APP_MAX_VIEWS];
    int current;                /* index into view_registry */
    ui_overlay overlays[APP_MAX_OVERLAYS];
    int noverlays;
    size_t help_top;
    /* Marked drivers (group messages): one flag per row of the selected connection's drivers. */
    uint8_t *marks;
    size_t nmarks_cap;
    size_t nmarked;
    long marks_conn;
    /* Operations pane. */
    struct ops_tracker *ops;
    bool pane_open, pane_focus;
    int pane_height;            /* rows including its header */
    size_t pane_cursor, pane_top;     /* in the ops shown */
    int pane_filter;                  /* all, pending, failed (ui/pane_ops.c; f cycles) */
    int64_t pane_cleared_ms;          /* c: finished ops that changed before this are hidden; 0 none */
    /* What this connection may write (data-freshness share levels, TSP support). */
    struct caps *caps;
    struct inbox_ui *inbox_ui; /* the inbox watcher and its view's state (ui/view_inbox.c) */
    struct reload_job *reloads; /* reloads in flight (ui/app_load.c) */
    uint64_t retry_timer;       /* while offline: loads again what failed when it fires */
    int retry_delay_ms;
    bool was_offline;
    /* Live locations of the connections opened (ui/app_live.c), NULL when off. */
    struct app_live *live;
    bool bell_pending;
    int64_t last_draw_ms;
    bool searching;
    char search[128];
    char message[320];
    theme_slot message_slot;
    app_notice notices[APP_NOTICES]; /* a ring: the last notices */
    int nnotices, notice_next;
    unsigned dirty;
    bool quit;
    bool quit_asked;            /* q or Ctrl-C was pressed with work pending: the next one quits */
    bool demo;                  /* --demo: quitting stops the emulator the console started */
    int tab_x[APP_MAX_VIEWS], tab_w[APP_MAX_VIEWS]; /* where the title drew each tab (w 0: not shown) */
    int rows, cols;
} app;

app *app_new(const config *cfg, loop *l);
void app_free(app *a);
/* Points the console at an API (creates the HTTP, auth and API clients) and starts loading. */
void app_connect(app *a, const char *api_url, const char *auth_url, const char *client_id, const char *client_secret);
void app_set_startup_note(app *a, const char *note);
void app_set_message(app *a, theme_slot slot, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
unsigned app_handle_key(app *a, int key);
void app_resize(app *a, int rows, int cols);
/* Draws what is dirty on stdscr and refreshes; writes nothing when nothing is dirty. */
void app_draw(app *a);
bool app_is_idle(const app *a);
/* The table shown by view index vi (connections, or the selected connection's). */
table *app_view_table(app *a, int vi);

void app_overlay_push(app *a, const overlay_ops *ops, void *state);
/* Closes the top overlay (calls its destroy). */
void app_overlay_pop(app *a);
/* Closes the overlay with this state wherever it is in the stack (a write it sent was accepted
 * while another overlay covered it); nothing when it is not open. */
void app_overlay_remove(app *a, void *state);
ui_overlay *app_overlay_top(app *a);
/* The table of an overlay's keys in force now (its sub-mode's, else its own). */
const struct overlay_keymap *app_overlay_keys(const ui_overlay *o);
/* The top overlay takes text now (the composer, a field being edited): ? and q are characters
 * there, F1 is the help. */
bool app_typing(app *a);
/* Runs after every loop turn: overlays' idle hooks, draft flushes. */
void app_idle(app *a);

/* The selected connection's id as text, or NULL. */
const char *app_connection_id(app *a, char buf[UUID_STR_LEN]);
const connection_rec *app_connection(app *a);
/* After a successful write of a vehicle, trailer or user: fetch that record and put it in its
 * list (replacing the old row, or appended when it is new). */
void app_refresh_record(app *a, const char *connection_id, const char *resource, const char *record_id);
/* Loads a connection's list of kind again (one that was loaded; the others load when shown). */
void app_reload_list(app *a, long conn_index, record_kind kind);
/* Row of the connection with this id in the connections table, or -1. */
long app_connection_index(app *a, const char *connection_id);

/* Loading (ui/app_load.c). A list with rows reloads into a table of its own; its rows are replaced
 * only when the reload succeeds, else they stay, stale (LOAD_FAILED with rows). */
void app_select_connection(app *a, long ci);
void app_load_connections(app *a);
/* Loads the lists of connection ci that are not loaded (or failed). */
void app_load_connection_tables(app *a, long ci);
/* Reloads the list of view vi. */
void app_reload_view(app *a, int vi);
bool app_table_reloading(const app *a, const table *t);
/* The API cannot be reached (the lists' loads or the ops tracker's polls); since when (app clock). */
bool app_offline(const app *a, int64_t *since_ms);
/* After each loop turn: notices the API coming back (then reloads what failed) or schedules a retry. */
void app_load_idle(app *a);
void app_load_free(app *a);
/* Live locations (ui/app_live.c): started by app_connect unless config live_locations is off;
 * app_live_open loads a connection's now and keeps it on the idle poll cadence. */
typedef struct app_live app_live;
app_live *app_live_new(app *a);
void app_live_open(app_live *l, long connection_row);
void app_live_free(app_live *l);

/* Mouse (ui/app_mouse.c): a click at column x, row y selects a row (the selected row again opens it),
 * a tab, or an operation of the pane; the wheel scrolls what is under it. */
typedef enum { APP_MOUSE_CLICK, APP_MOUSE_WHEEL_UP, APP_MOUSE_WHEEL_DOWN } app_mouse_kind;
unsigned app_mouse(app *a, app_mouse_kind kind, int x, int y);

/* Sorting (ui/app_sort.c): s sorts the list by its next column, S reverses; app_draw sorts a list
 * again when its rows changed since. */
unsigned app_sort_key(app *a, bool reverse);
void app_sort_again(app *a);

/* q or Ctrl-C: true when the console may quit now; else says on the message line what happens to
 * the pending operations and the open drafts, and the next q or Ctrl-C quits. */
bool app_quit_ok(app *a);

/* Help overlay (ui/view_help.c). */
void help_open(app *a);
/* The last notices in full (ui/view_notices.c); app_set_message keeps each one there. */
void notices_open(app *a);
void app_notice_push(app *a, theme_slot slot, const char *text);

/* Rows the operations pane takes of a list area this high (0 when closed or no room). Below
 * APP_PANE_YIELD_ROWS terminal rows it yields rows to the list: at most a third of the area. */
#define APP_PANE_YIELD_ROWS 20
int app_pane_rows(const app *a, int area_height);

/* Drawing helpers shared by views (ui/app_draw.c). */
void draw_line(int y, theme_slot slot, const char *text);
void draw_text_at(int y, int x, int width, theme_slot slot, const char *text);
/* A horizontal rule across the width (box-drawing characters, not the terminal's ACS set, so
 * screen dumps read the same everywhere). */
void draw_rule(int y, int width);
void app_draw_list_area(app *a, int top, int height);
void app_draw_chrome(app *a, unsigned dirty);

#endif
