/* app_refresh: after this console's write of a record succeeded, that record is fetched again and
 * replaces (or joins) its row in the list (a log without a GET of one record: its list loads again). */
#include "common/strbuf.h"
#include "core/api_resources.h"
#include "ui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct refresh_ticket {
    app *a;
    long conn;
    record_kind kind;
    uuid id;
} refresh_ticket;

static void on_record(void *ud, const api_reply *r)
{
    refresh_ticket *t = ud;
    app *a = t->a;
    if (r->status == API_OK && t->conn >= 0) {
        table *tab = store_table(&a->st, (size_t)t->conn, t->kind);
        char *err = NULL;
        /* Only into a list that is fully loaded; a running load will bring the record anyway. */
        if (tab->state == LOAD_DONE && api_decode_record(tab, r->body, r->body_len, &err) == 0) {
            size_t last = tab->count - 1;
            long old = table_find_id(tab, &t->id);
            if (tab->kind == KIND_DRIVER && !((const user_rec *)table_row(tab, last))->is_driver) {
                /* Not (or no longer) a driver: it has no place in the drivers list. */
                tab->count--;
                if (old >= 0 && (size_t)old != last) {
                    memmove(table_row(tab, (size_t)old), table_row(tab, (size_t)old + 1),
                            (tab->count - (size_t)old - 1) * record_size(tab->kind));
                    tab->count--;
                }
                old = -1;
                last = tab->count;
                tab->generation++;
                for (int vi = 0; vi < view_registry_count; vi++)
                    if (a->views[vi].seen_table == tab)
                        a->views[vi].filter_dirty = true;
            }
            if (old >= 0 && (size_t)old != last) {
                size_t rs = record_size(tab->kind);
                memcpy(table_row(tab, (size_t)old), table_row(tab, last), rs);
                tab->count--;
                tab->generation++;
                /* A changed row may now match the filter or not: filter again. */
                for (int vi = 0; vi < view_registry_count; vi++)
                    if (a->views[vi].seen_table == tab)
                        a->views[vi].filter_dirty = true;
            }
            a->dirty |= DIRTY_LIST | DIRTY_STATUS;
        }
        free(err);
    }
    free(t);
}

void app_refresh_record(app *a, const char *connection_id, const char *resource, const char *record_id)
{
    static const struct {
        const char *resource;
        record_kind kind;
    } kinds[] = {{"vehicle", KIND_VEHICLE}, {"trailer", KIND_TRAILER}, {"user", KIND_DRIVER}};
    uuid id;
    long conn = app_connection_index(a, connection_id);
    const api_resource *r = api_resource_by_name(resource);
    if (a->api && conn >= 0 && r && r->no_item_get) { /* a DVIR log, a fuel transaction: the list again */
        app_reload_list(a, conn, r->kind);
        return;
    }
    if (!a->api || conn < 0 || !resource || !record_id || !uuid_parse(record_id, &id))
        return;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(resource, kinds[i].resource) != 0)
            continue;
        refresh_ticket *t = xcalloc(1, sizeof *t);
        t->a = a;
        t->conn = conn;
        t->kind = kinds[i].kind;
        t->id = id;
        api_get_record(a->api, resource, record_id, on_record, t);
        return;
    }
}

