/* The canned replies picker (ui/template_picker.c), opened from the composer. */
#ifndef CATENA_UI_TEMPLATE_PICKER_H
#define CATENA_UI_TEMPLATE_PICKER_H

#include "ui/app.h"

#include <stdbool.h>

/* Inserts the chosen text into the owner (the composer); false when it does not fit. */
typedef bool (*template_pick_fn)(void *owner, app *a, const char *text);

/* Opens the picker over the top overlay, its templates filled for the driver driver_id (NULL: a
 * group) of connection conn_id written by sender_id; says why on the message line instead when
 * there is no templates file or it is not valid. */
void template_picker_open(app *a, const char *conn_id, const char *driver_id, const char *sender_id,
                          template_pick_fn insert, void *owner);

#endif
