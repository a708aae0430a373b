/* The view registry: a new view is one file plus one line here. */
#include "ui/view.h"

extern const view_ops connections_view_ops, drivers_view_ops, vehicles_view_ops, trailers_view_ops, dvir_view_ops,
    fuel_view_ops, group_messages_view_ops;

const view_ops *const view_registry[] = {
    &connections_view_ops,
    &drivers_view_ops,
    &vehicles_view_ops,
    &trailers_view_ops,
    &dvir_view_ops,
    &fuel_view_ops,
    &group_messages_view_ops,
};
const int view_registry_count = (int)(sizeof view_registry / sizeof view_registry[0]);
