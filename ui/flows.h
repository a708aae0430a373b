/* flows: the overlays that write (composer, forms), read conversations and operations, and
 * bring drafts back. Each lives in its own file; app.c opens them from the action table. */
#ifndef CATENA_UI_FLOWS_H
#define CATENA_UI_FLOWS_H

#include "core/drafts.h"
#include "core/forms.h"
#include "ui/app.h"

/* Composer (ui/view_composer.c). */
void composer_open_message(app *a, const user_rec *driver, const table *drivers, const char *reply_to_message_id);
void composer_open_group(app *a);
/* Re-opens a saved draft (kept on disk until the API accepts it). */
void composer_open_draft(app *a, const draft *d);

/* Record forms (ui/view_form.c): edit the record with that id, or create one when id is NULL. */
void form_open(app *a, form_kind kind, const uuid *record_id);
void form_open_draft(app *a, const draft *d);

/* Conversation with one driver (ui/view_conversation.c). */
void conversation_open(app *a, const user_rec *driver, const table *drivers);

/* A group message and its recipients (ui/view_group_messages.c); row is a group_msg_rec of t. */
#define GROUP_MSGS_WINDOW_DAYS 30
void group_message_open(app *a, const void *row, const table *t);

/* Operation detail (ui/view_opdetail.c). */
void opdetail_open(app *a, const char *op_id);

/* Drafts list (ui/view_drafts.c); offered at start when drafts exist. */
void drafts_open(app *a);
/* Loads drafts from disk; when there are some, opens the list with a notice. */
void drafts_offer_at_start(app *a);

/* The sender used for messages on the selected connection: config sender_id when it is a user
 * of that connection, else its first dispatcher (non-driver user). NULL when none is known. */
const user_rec *app_default_sender(app *a, const table **staff_out);

#endif
