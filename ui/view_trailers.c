/* Trailers: name, plate, type, length and status. Its columns and
 * cells are the resource table's (core/api_resources.c). */
#include "ui/view.h"

const view_ops trailers_view_ops = {.name = "Trailers", .noun = "trailers", .kind = KIND_TRAILER};
