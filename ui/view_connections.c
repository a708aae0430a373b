/* Connections: one row per fleet<->TSP pairing. */
#include "ui/view.h"

#include <stdio.h>

static const column_def cols[] = {
    {"Description", 40, 12, true, 0},
    {"TSP", 16, 8, false, 1},
    {"Status", 9, 6, false, 2},
    {"Fleet ref", 16, 8, false, 3},
};

static void cell(const table *t, const void *row, int col, char *buf, size_t cap)
{
    const connection_rec *c = row;
    sref r = col == 0 ? c->description : col == 1 ? c->source_name : col == 2 ? c->status : c->fleet_ref;
    cell_copy(buf, cap, table_str(t, r));
}

const view_ops connections_view_ops = {
    .name = "Connections",
    .noun = "connections",
    .kind = KIND_CONNECTION,
    .cols = cols,
    .ncols = 4,
    .cell = cell,
};
