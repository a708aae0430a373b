/* Vehicles: name, plate, VIN, make/model/year and status, in the order a dispatcher scans. Its columns and
 * cells are the resource table's (core/api_resources.c). */
#include "ui/view.h"

const view_ops vehicles_view_ops = {.name = "Vehicles", .noun = "vehicles", .kind = KIND_VEHICLE};
