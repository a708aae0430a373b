/* PLACEHOLDER: being written. */
#include "ui/flows.h"

void conversation_open(app *a, const user_rec *driver, const table *drivers)
{
    (void)driver;
    (void)drivers;
    app_set_message(a, SLOT_STATUS_WARN, "conversation: being written");
}
