/* Drivers: the selected connection's users with is_driver=true. */
#include "ui/view.h"

#include <stdio.h>

static const column_def cols[] = {
    {"Name", 24, 12, true, 0},
    {"Username", 14, 8, false, 3},
    {"Phone", 13, 12, false, 1},
    {"Status", 8, 8, false, 2},
    {"License", 10, 9, false, 4},
    {"TSP id", 16, 8, false, 5},
};

static void cell(const table *t, const void *row, int col, char *buf, size_t cap)
{
    const user_rec *u = row;
    switch (col) {
    case 0:
        user_display_name(t, u, buf, cap);
        return;
    case 1:
        cell_copy(buf, cap, table_str(t, u->username));
        return;
    case 2:
        cell_copy(buf, cap, table_str(t, u->phone));
        return;
    case 3:
        cell_copy(buf, cap, table_str(t, u->status));
        return;
    case 4:
        cell_copy(buf, cap, table_str(t, u->license));
        return;
    default:
        cell_copy(buf, cap, table_str(t, u->source_id));
    }
}

const view_ops drivers_view_ops = {
    .name = "Drivers",
    .noun = "drivers",
    .kind = KIND_DRIVER,
    .cols = cols,
    .ncols = 6,
    .cell = cell,
};
