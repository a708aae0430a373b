/* pane_ops: the operations pane below the lists: every write this console sent (and the other
 * operations of the selected connection), their status kept current by the ops tracker. */
#ifndef CATENA_UI_PANE_OPS_H
#define CATENA_UI_PANE_OPS_H

#include "ui/app.h"

/* Creates the tracker (journal in the state directory) and starts polling. */
void ops_pane_attach(app *a);
void ops_pane_detach(app *a);
void ops_pane_draw(app *a, int top, int height, int width);
/* Keys while the pane has the focus; false when the key is not the pane's (then it goes to the
 * action table). */
bool ops_pane_key(app *a, int key, unsigned *dirty);
/* How the console names an operation in one line: "…" and the last 8 hex digits of its id. A
 * UUIDv7 begins with its time, so ops sent within seconds share their first digits; the end is
 * random. out needs OPS_SHORT_ID_LEN bytes. */
#define OPS_SHORT_ID_LEN 16
void ops_short_id(const char *id, char out[OPS_SHORT_ID_LEN]);
/* Hands a write's response to the tracker; returns the op id (or "") and brings the pane up. */
const char *ops_pane_track(app *a, const char *body, size_t len, const char *label, const char *target_id);

#endif
