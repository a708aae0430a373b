/* Drivers: the selected connection's users with is_driver=true. Its columns and
 * cells are the resource table's (core/api_resources.c). */
#include "ui/view.h"

const view_ops drivers_view_ops = {.name = "Drivers", .noun = "drivers", .kind = KIND_DRIVER};
