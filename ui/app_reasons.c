/* app_reasons: why an action of the action table cannot run now (shown when its key is pressed
 * and on the help screen). */
#include "core/api_caps.h"
#include "ui/app.h"
#include "ui/flows.h"

#include <stdio.h>

static char why_buf[200];

const char *action_needs_connection(const app *a)
{
    if (a->conn_sel < 0 && !(a->current == VIEW_CONNECTIONS && a->views[VIEW_CONNECTIONS].nvisible))
        return a->st.connections.count ? "choose a connection first (1, then Enter)" : "no connection is loaded yet";
    return NULL;
}

const char *action_needs_row(const app *a)
{
    const view *v = &a->views[a->current];
    return v->nvisible ? NULL : "the list is empty";
}

const char *action_in_drivers(const app *a)
{
    if (a->current != VIEW_DRIVERS)
        return "works in the drivers list (2)";
    return action_needs_row(a);
}

static const char *write_blocked(const app *a, const char *resource)
{
    const connection_rec *c = app_connection((app *)a);
    if (!c)
        return "no connection is selected";
    char conn[UUID_STR_LEN];
    uuid_format(&c->id, conn);
    return caps_write_blocked(a->caps, conn, resource, why_buf, sizeof why_buf);
}

const char *action_can_message(const app *a)
{
    const char *why = action_in_drivers(a);
    if (why)
        return why;
    if (!app_default_sender((app *)a, NULL))
        return "no sender: this connection has no dispatcher user (set sender_id in the config)";
    return write_blocked(a, "message");
}

const char *action_can_group(const app *a)
{
    if (a->current != VIEW_DRIVERS)
        return "works in the drivers list (2)";
    if (!a->nmarked)
        return "mark drivers first (Space, or * for all that match)";
    if (!app_default_sender((app *)a, NULL))
        return "no sender: this connection has no dispatcher user (set sender_id in the config)";
    return write_blocked(a, "group_message");
}

/* The resource a list writes (its form's), or NULL. */
static const char *resource_of_view(const app *a, int vi)
{
    const api_resource *r = vi == VIEW_CONNECTIONS ? NULL : api_resource_get(a->views[vi].ops->kind);
    return r && r->form >= 0 ? r->name : NULL;
}

const char *action_can_edit(const app *a)
{
    const char *res = resource_of_view(a, a->current);
    if (!res || api_resource_get(a->views[a->current].ops->kind)->no_item_get)
        return res ? "a filed report is not changed; n files a new one"
                   : "works in the drivers, vehicles and trailers lists";
    const char *why = action_needs_row(a);
    return why ? why : write_blocked(a, res);
}

const char *action_can_create(const app *a)
{
    const char *res = resource_of_view(a, a->current);
    if (!res)
        return "works in the drivers, vehicles, trailers, DVIR and fuel lists";
    return write_blocked(a, res);
}

const char *action_needs_pane(const app *a)
{
    return a->pane_open ? NULL : "the operations pane is hidden (o shows it)";
}

/* The TSP's support map on a write the action may make: shown under it in the help, never a wall. */
const char *action_write_hint(const app *a, int act)
{
    const action_info *ai = action_get((action_id)act);
    const char *res = act == ACT_MESSAGE ? "message" : act == ACT_GROUP_MESSAGE ? "group_message"
                      : act == ACT_EDIT || act == ACT_CREATE ? resource_of_view(a, a->current) : NULL;
    const connection_rec *c = app_connection((app *)a);
    if (!res || !c || (ai->disabled && ai->disabled(a)))
        return NULL;
    char tsp[UUID_STR_LEN];
    uuid_format(&c->tsp_id, tsp);
    return caps_write_hint(a->caps, tsp, res, why_buf, sizeof why_buf);
}
