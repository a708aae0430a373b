/* actions: every user action in one table (name, default keys, group, help text, and the
 * reason it may be disabled). The help screen and the docs are generated from it. */
#ifndef CATENA_UI_ACTIONS_H
#define CATENA_UI_ACTIONS_H

#include <stddef.h>
#include <stdio.h>

struct app;

/* X(ID, "name", "keys in notation, space-separated", "group", "help text", disabled_fn) */
#define ACTION_TABLE(X)                                                                                          \
    X(QUIT, "quit", "q", "General", "Quit (unsent drafts are kept)", NULL)                                         \
    X(HELP, "help", "? <F1>", "General", "Show this help", NULL)                                                    \
    X(REDRAW, "redraw", "<C-l>", "General", "Repaint the whole screen", NULL)                                     \
    X(DRAFTS, "drafts", "D", "General", "Unsent messages and forms kept on disk", NULL)                            \
    X(VIEW_CONNECTIONS, "view-connections", "1", "Views", "Show connections", NULL)                               \
    X(VIEW_DRIVERS, "view-drivers", "2", "Views", "Show the selected connection's drivers", action_needs_connection) \
    X(VIEW_VEHICLES, "view-vehicles", "3", "Views", "Show the selected connection's vehicles", action_needs_connection) \
    X(VIEW_TRAILERS, "view-trailers", "4", "Views", "Show the selected connection's trailers", action_needs_connection) \
    X(VIEW_DVIR, "view-dvir-logs", "5", "Views", "Show the selected connection's DVIR logs (inspection reports)", action_needs_connection) \
    X(VIEW_FUEL, "view-fuel", "6", "Views", "Show the selected connection's fuel transactions", action_needs_connection) \
    X(VIEW_GROUP_MESSAGES, "view-group-messages", "7", "Views", "Show the selected connection's group messages (30 days)", action_needs_connection) \
    X(NEXT_VIEW, "next-view", "<Tab>", "Views", "Next list", NULL)                                                 \
    X(PREV_VIEW, "prev-view", "<BackTab>", "Views", "Previous list", NULL)                                         \
    X(MOVE_DOWN, "move-down", "j <Down>", "Navigation", "Next row", NULL)                                          \
    X(MOVE_UP, "move-up", "k <Up>", "Navigation", "Previous row", NULL)                                            \
    X(PAGE_DOWN, "page-down", "<PageDown> <C-f>", "Navigation", "Next page", NULL)                                 \
    X(PAGE_UP, "page-up", "<PageUp> <C-b>", "Navigation", "Previous page", NULL)                                  \
    X(FIRST, "first-row", "g <Home>", "Navigation", "First row", NULL)                                             \
    X(LAST, "last-row", "G <End>", "Navigation", "Last row", NULL)                                                 \
    X(OPEN, "open", "<Enter>", "Lists", "Open: a connection's drivers, a driver's conversation, a record's form", action_needs_row) \
    X(SEARCH, "search", "/", "Lists", "Filter the list as you type (Enter keeps, Esc clears)", NULL)              \
    X(CLEAR_SEARCH, "clear-search", "<Esc>", "Lists", "Clear the filter", NULL)                                    \
    X(RELOAD, "reload", "r", "Lists", "Reload the list from the API", NULL)                                        \
    X(MESSAGE, "message", "m", "Write", "Write a message to the driver under the cursor", action_can_message)      \
    X(MARK, "mark", "<Space>", "Write", "Mark or unmark the driver under the cursor", action_in_drivers)            \
    X(MARK_ALL, "mark-all", "*", "Write", "Mark every driver matching the filter (again: unmark all)", action_in_drivers) \
    X(GROUP_MESSAGE, "group-message", "M", "Write", "Write one message to every marked driver", action_can_group) \
    X(EDIT, "edit", "e", "Write", "Edit the vehicle, trailer or driver under the cursor", action_can_edit)         \
    X(CREATE, "create", "n", "Write", "Create a vehicle, trailer, driver, DVIR log or fuel transaction", action_can_create)  \
    X(OPS_PANE, "operations", "o", "Operations", "Show or hide the operations pane", NULL)                         \
    X(OPS_FOCUS, "operations-focus", "O", "Operations", "Move the cursor into the operations pane and back", NULL) \
    X(PANE_GROW, "pane-grow", "+", "Operations", "Make the operations pane taller", action_needs_pane)              \
    X(PANE_SHRINK, "pane-shrink", "-", "Operations", "Make the operations pane shorter", action_needs_pane)

/* The overlays' own keys are in their tables (ui/overlay.h); the docs list them after these. */

typedef enum {
#define X(id, name, keys, group, help, dis) ACT_##id,
    ACTION_TABLE(X)
#undef X
        ACT__COUNT,
    ACT_NONE = -1
} action_id;

typedef const char *(*action_disabled_fn)(const struct app *a);

typedef struct action_info {
    const char *name, *keys, *group, *help;
    action_disabled_fn disabled; /* returns why the action cannot run now, or NULL */
} action_info;

/* Reasons shared by several actions (defined in app.c). */
const char *action_needs_connection(const struct app *a);
const char *action_needs_row(const struct app *a);
const char *action_in_drivers(const struct app *a);
const char *action_can_message(const struct app *a);
const char *action_can_group(const struct app *a);
const char *action_can_edit(const struct app *a);
const char *action_can_create(const struct app *a);
const char *action_needs_pane(const struct app *a);

const action_info *action_get(action_id id);
/* Which action a key triggers in lists (or ACT_NONE). */
action_id action_for_key(int key);
/* Writes the key table as Markdown (for docs: `catena-dispatch --help-keys`). */
void actions_write_markdown(FILE *out);

#endif
