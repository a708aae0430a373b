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

#define APP_MAX_VIEWS 8

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
    bool help_open;
    size_t help_top;
    bool searching;
    char search[128];
    char message[320];
    theme_slot message_slot;
    unsigned dirty;
    bool quit;
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

/* Help view (ui/view_help.c). */
void help_draw(app *a, int top, int height, int width);
unsigned help_key(app *a, int key);

#endif
