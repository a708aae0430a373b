/* Fuel transactions: time, driver, vehicle, volume, fuel type, cost and vendor. Columns and cells
 * are the resource table's (core/api_resources.c); n records a new one. */
#include "ui/view.h"

const view_ops fuel_view_ops = {.name = "Fuel", .noun = "fuel transactions", .kind = KIND_FUEL};
