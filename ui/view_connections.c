/* Connections: one row per fleet<->TSP pairing. Its columns and
 * cells are the resource table's (core/api_resources.c). */
#include "ui/view.h"

const view_ops connections_view_ops = {.name = "Connections", .noun = "connections", .kind = KIND_CONNECTION};
