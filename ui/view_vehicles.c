/* Vehicles: name, plate, VIN, make/model/year and status, in the order a dispatcher scans. */
#include "ui/view.h"

#include <stdio.h>

static const column_def cols[] = {
    {"Name", 20, 8, true, 0},
    {"Plate", 10, 8, false, 1},
    {"VIN", 17, 17, false, 4},
    {"Make / model", 26, 10, true, 3},
    {"Year", 4, 4, false, 5},
    {"Status", 14, 10, false, 2},
};

static void cell(const table *t, const void *row, int col, char *buf, size_t cap)
{
    const vehicle_rec *v = row;
    switch (col) {
    case 0:
        cell_copy(buf, cap, table_str(t, v->name));
        return;
    case 1:
        cell_copy(buf, cap, table_str(t, v->plate));
        return;
    case 2:
        cell_copy(buf, cap, table_str(t, v->vin));
        return;
    case 3: {
        const char *oem = table_str(t, v->oem), *model = table_str(t, v->model);
        snprintf(buf, cap, "%s%s%s", oem, (*oem && *model) ? " " : "", model);
        return;
    }
    case 4:
        if (v->year > 0)
            snprintf(buf, cap, "%d", v->year);
        else
            buf[0] = '\0';
        return;
    default:
        cell_copy(buf, cap, table_str(t, v->status));
    }
}

const view_ops vehicles_view_ops = {
    .name = "Vehicles",
    .noun = "vehicles",
    .kind = KIND_VEHICLE,
    .cols = cols,
    .ncols = 6,
    .cell = cell,
};
