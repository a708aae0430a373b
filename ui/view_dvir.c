/* DVIR logs: time, driver, vehicle, trailer, type, defects, and a safety marker; safety-critical
 * logs are drawn in the alert colour. Columns, cells and the alert are the resource table's
 * (core/api_resources.c); n files a new one. */
#include "ui/view.h"

const view_ops dvir_view_ops = {.name = "DVIR", .noun = "DVIR logs", .kind = KIND_DVIR};
