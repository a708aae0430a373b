/* PLACEHOLDER: being written. */
#include "ui/flows.h"

void form_open(app *a, form_kind kind, const uuid *record_id)
{
    (void)kind;
    (void)record_id;
    app_set_message(a, SLOT_STATUS_WARN, "forms: being written");
}

void form_open_draft(app *a, const draft *d)
{
    (void)d;
    app_set_message(a, SLOT_STATUS_WARN, "forms: being written");
}
