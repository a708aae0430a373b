/* Trailers: name, plate, type, length and status. */
#include "ui/view.h"

#include <stdio.h>

static const column_def cols[] = {
    {"Name", 20, 8, true, 0},
    {"Plate", 10, 6, false, 1},
    {"Type", 12, 6, false, 2},
    {"Length", 7, 6, false, 4},
    {"Make / model", 22, 8, true, 5},
    {"Status", 10, 6, false, 3},
};

static void cell(const table *t, const void *row, int col, char *buf, size_t cap)
{
    const trailer_rec *r = row;
    switch (col) {
    case 0:
        cell_copy(buf, cap, table_str(t, r->name));
        return;
    case 1:
        cell_copy(buf, cap, table_str(t, r->plate));
        return;
    case 2:
        cell_copy(buf, cap, table_str(t, r->trailer_type));
        return;
    case 3:
        if (r->length > 0)
            snprintf(buf, cap, "%.1f m", (double)r->length);
        else
            buf[0] = '\0';
        return;
    case 4: {
        const char *oem = table_str(t, r->oem), *model = table_str(t, r->model);
        snprintf(buf, cap, "%s%s%s", oem, (*oem && *model) ? " " : "", model);
        return;
    }
    default:
        cell_copy(buf, cap, table_str(t, r->status));
    }
}

const view_ops trailers_view_ops = {
    .name = "Trailers",
    .noun = "trailers",
    .kind = KIND_TRAILER,
    .cols = cols,
    .ncols = 6,
    .cell = cell,
};
