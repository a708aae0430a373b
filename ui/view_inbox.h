/* The inbox (ui/view_inbox.c): the newest driver messages across every connection, as a tab of
 * its own (key i), with the watcher (core/inbox) that finds new ones while the console runs. */
#ifndef CATENA_UI_VIEW_INBOX_H
#define CATENA_UI_VIEW_INBOX_H

#include "ui/app.h"

#include <stddef.h>

extern const view_ops inbox_view_ops;

/* Creates the watcher for the connected console (state in the account's INBOX_STATE_FILE) and
 * starts it; a new message raises a notice and the configured bell. */
void inbox_ui_attach(app *a);
void inbox_ui_detach(app *a);
/* The connections list loaded: the watcher polls each of them. */
void inbox_ui_set_connections(app *a);
/* After each loop turn: opens the conversation Enter asked for once its drivers are loaded. */
void inbox_ui_idle(app *a);
/* Messages not yet shown (0 when there is no inbox). */
size_t inbox_ui_unread(const app *a);
/* The registry index of the inbox view, or -1. */
int inbox_ui_view_index(void);

#endif
