/* PLACEHOLDER: being written. */
#include "ui/flows.h"

void opdetail_open(app *a, const char *op_id)
{
    (void)op_id;
    app_set_message(a, SLOT_STATUS_WARN, "operation detail: being written");
}
