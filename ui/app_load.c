/* app_load: loading the lists, reloading them without losing what was loaded, and coming back
 * by itself after the API was unreachable. A reload fills a table of its own and replaces the
 * shown rows only when it succeeds; a failed reload leaves the rows, marked stale (issue 12.2). */
#include "ui/app.h"

#include "common/strbuf.h"
#include "core/api_messages.h"
#include "core/api_resources.h"
#include "core/ops.h"
#include "ui/flows.h"
#include "ui/view_inbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* While offline, what failed is reloaded after this long, doubling up to the most. */
#define RETRY_FIRST_MS 5000
#define RETRY_MOST_MS 60000

typedef struct reload_job {
    app *a;
    table *real;  /* the table shown */
    table fresh;  /* where the reload goes */
    api_list_cb done;
    struct reload_job *next;
} reload_job;

static void on_progress(void *ud, table *t)
{
    app *a = ud;
    if (app_view_table(a, a->current) == t)
        a->dirty |= DIRTY_LIST;
    a->dirty |= DIRTY_STATUS;
}

/* What a table is, in a message: the noun of the view of its kind ("drivers"); the staff list,
 * which no view shows, has the drivers' kind. */
static const char *table_noun(const app *a, const table *t)
{
    if (t->owner && t == &t->owner->staff)
        return "staff (senders)";
    for (int i = 0; i < APP_MAX_VIEWS; i++)
        if (a->views[i].ops && !a->views[i].ops->draw && a->views[i].ops->kind == t->kind)
            return a->views[i].ops->noun;
    return "a list";
}

static void on_done(void *ud, table *t)
{
    app *a = ud;
    on_progress(ud, t);
    if (t->state != LOAD_FAILED || !t->error || strcmp(t->error, "cancelled") == 0)
        return;
    /* The lists of a connection load together: one that fails behind another tab is named, else
     * its error reads as the shown list's, and never replaces the shown list's own failure (which
     * of them ends last is a matter of timing). */
    const table *shown = app_view_table(a, a->current);
    if (shown == t)
        app_set_message(a, SLOT_STATUS_ERROR, "%s", t->error);
    else if (!shown || shown->state != LOAD_FAILED)
        app_set_message(a, SLOT_STATUS_ERROR, "Could not load %s: %s", table_noun(a, t), t->error);
}

static void on_connections_done(void *ud, table *t)
{
    app *a = ud;
    on_done(ud, t);
    if (t->state != LOAD_DONE || t->count == 0)
        return;
    /* Allocate every connection's tables now, so that table addresses never move under a load. */
    store_conn_tables(&a->st, t->count - 1);
    inbox_ui_set_connections(a);
    if (a->conn_sel < 0 || (size_t)a->conn_sel >= t->count)
        app_select_connection(a, 0);
}

static reload_job *job_of(const app *a, const table *t)
{
    for (reload_job *j = a->reloads; j; j = j->next)
        if (j->real == t)
            return j;
    return NULL;
}

bool app_table_reloading(const app *a, const table *t)
{
    return t && job_of(a, t) != NULL;
}

static void on_reload_progress(void *ud, table *t)
{
    (void)t;
    reload_job *j = ud;
    j->a->dirty |= DIRTY_STATUS;
}

static void on_reload_done(void *ud, table *t)
{
    reload_job *j = ud;
    app *a = j->a;
    for (reload_job **pp = &a->reloads; *pp; pp = &(*pp)->next)
        if (*pp == j) {
            *pp = j->next;
            break;
        }
    table *real = j->real;
    if (t->state == LOAD_DONE) {
        /* Marks belong to drivers, not to positions: the reload may bring them in another order. */
        bool marked = a->marks && a->nmarked && a->conn_sel >= 0 && a->marks_conn == a->conn_sel &&
                      real == store_table(&a->st, (size_t)a->conn_sel, KIND_DRIVER);
        uuid *ids = NULL;
        size_t nids = 0;
        for (size_t i = 0; marked && i < real->count && i < a->nmarks_cap; i++)
            if (a->marks[i]) {
                ids = xrealloc(ids, (nids + 1) * sizeof *ids);
                ids[nids++] = *(const uuid *)table_row(real, i);
            }
        table old = *real;
        *real = j->fresh;
        real->generation = old.generation + 1; /* the views refilter */
        real->owner = old.owner;               /* the connection's tables it belongs to */
        table_clear(&old);
        if (marked) {
            if (real->count > a->nmarks_cap) {
                a->marks = xrealloc(a->marks, real->count);
                a->nmarks_cap = real->count;
            }
            memset(a->marks, 0, a->nmarks_cap);
            a->nmarked = 0;
            for (size_t k = 0; k < nids; k++) {
                long i = table_find_id(real, &ids[k]);
                if (i >= 0 && !a->marks[i]++)
                    a->nmarked++;
            }
        }
        free(ids);
        for (int i = 0; i < APP_MAX_VIEWS; i++) /* rows changed in place: the views filter again */
            if (a->views[i].ops && app_view_table(a, i) == real)
                a->views[i].filter_dirty = true;
        if (app_view_table(a, a->current) == real && real->total > (long)real->count) /* rows may be missing */
            app_set_message(a, SLOT_STATUS_WARN, "Reloaded: %zu %s, though the API counts %ld (r reloads).",
                            real->count, a->views[a->current].ops->noun, real->total);
        else if (app_view_table(a, a->current) == real) /* in place of an error the reload may have left */
            app_set_message(a, SLOT_STATUS_MUTED, "Reloaded: %zu %s.", real->count, a->views[a->current].ops->noun);
    } else {
        if (!(t->error && strcmp(t->error, "cancelled") == 0)) {
            real->state = LOAD_FAILED; /* the rows stay, shown as stale */
            table_set_error(real, t->error);
        }
        table_clear(&j->fresh);
    }
    api_list_cb done = j->done;
    free(j);
    done(a, real);
}

/* Loads t: straight into it when it has no rows, else through a reload job. */
static void load_table(app *a, table *t, const char *path, api_list_cb done)
{
    if (t->state == LOAD_RUNNING || job_of(a, t))
        return;
    if (t->count == 0) {
        api_load_table(a->api, t, path, a->cfg->page_size, on_progress, done, a);
        return;
    }
    reload_job *j = xcalloc(1, sizeof *j);
    j->a = a;
    j->real = t;
    j->done = done;
    table_init(&j->fresh, t->kind);
    j->next = a->reloads;
    a->reloads = j;
    api_load_table(a->api, &j->fresh, path, a->cfg->page_size, on_reload_progress, on_reload_done, j);
}

/* The lists of a connection: its table of each, and where it loads from. */
typedef struct conn_list {
    table *t;
    const char *resource, *filter;
    char window[96]; /* a filter of its own (a time window), used instead when set */
} conn_list;

#define MAX_CONN_LISTS 7

static size_t conn_lists(app *a, long ci, conn_list out[MAX_CONN_LISTS], char id[UUID_STR_LEN])
{
    conn_tables *ct = store_conn_tables(&a->st, (size_t)ci);
    uuid_format(&ct->connection_id, id);
    out[0] = (conn_list){.t = &ct->drivers, .resource = "user", .filter = "is_driver=true"};
    out[1] = (conn_list){.t = &ct->vehicles, .resource = "vehicle", .filter = NULL};
    out[2] = (conn_list){.t = &ct->trailers, .resource = "trailer", .filter = NULL};
    out[3] = (conn_list){.t = &ct->staff, .resource = "user", .filter = "is_driver=false"};
    out[4] = (conn_list){.t = &ct->dvir_logs, .resource = "dvir_log", .filter = NULL};
    out[5] = (conn_list){.t = &ct->fuel, .resource = "fuel_transaction", .filter = NULL};
    out[6] = (conn_list){.t = &ct->group_messages, .resource = "group_message", .filter = NULL};
    /* Group messages: the last 30 days, counted from now at each load. */
    char *w = api_msgs_window_query(loop_wall_ms(a->l) - (int64_t)GROUP_MSGS_WINDOW_DAYS * 86400 * 1000, 0);
    snprintf(out[6].window, sizeof out[6].window, "%s", w);
    free(w);
    return MAX_CONN_LISTS;
}

/* Logs (DVIR, fuel) load when their list is shown (the API's last 24 hours), not with the
 * connection. */
static bool load_now(app *a, long ci, const table *t)
{
    return !api_resource_has_log_filters(api_resource_get(t->kind)) ||
           (ci == a->conn_sel && app_view_table(a, a->current) == t);
}

static void load_conn_list(app *a, const conn_list *cl, const char *id)
{
    char *path = api_list_path(cl->resource, id, cl->window[0] ? cl->window : cl->filter);
    load_table(a, cl->t, path, on_done);
    free(path);
}

void app_load_connection_tables(app *a, long ci)
{
    conn_list lists[MAX_CONN_LISTS];
    char id[UUID_STR_LEN];
    if (ci < 0)
        return;
    size_t n = conn_lists(a, ci, lists, id);
    for (size_t i = 0; i < n; i++)
        if (lists[i].t->state != LOAD_DONE && load_now(a, ci, lists[i].t))
            load_conn_list(a, &lists[i], id);
}

void app_reload_list(app *a, long ci, record_kind kind)
{
    conn_list lists[MAX_CONN_LISTS];
    char id[UUID_STR_LEN];
    if (!a->api || ci < 0)
        return;
    size_t n = conn_lists(a, ci, lists, id);
    for (size_t i = 0; i < n; i++) /* a list never loaded loads when it is shown */
        if (lists[i].t->kind == kind && lists[i].t->state != LOAD_IDLE)
            load_conn_list(a, &lists[i], id);
}

void app_load_connections(app *a)
{
    load_table(a, &a->st.connections, api_collection_path("connection"), on_connections_done);
}

void app_reload_view(app *a, int vi)
{
    table *t = app_view_table(a, vi);
    if (!a->api || !t)
        return;
    if (vi == VIEW_CONNECTIONS) {
        app_load_connections(a);
        return;
    }
    conn_list lists[MAX_CONN_LISTS];
    char id[UUID_STR_LEN];
    size_t n = conn_lists(a, a->conn_sel, lists, id);
    for (size_t i = 0; i < n; i++)
        if (lists[i].t == t)
            load_conn_list(a, &lists[i], id);
}

bool app_offline(const app *a, int64_t *since_ms)
{
    int64_t since = api_offline_since(a->api);
    if (a->ops) {
        ops_health h;
        ops_tracker_health(a->ops, &h);
        if (h.offline && h.stale_since_ms && (!since || h.stale_since_ms < since))
            since = h.stale_since_ms;
    }
    if (since_ms)
        *since_ms = since;
    return since != 0;
}

/* What failed loads again: the connections and the selected connection's lists. */
static bool reload_failed(app *a)
{
    bool any = a->st.connections.state == LOAD_FAILED;
    if (any)
        app_load_connections(a);
    if (a->conn_sel >= 0 && (size_t)a->conn_sel < a->st.connections.count) {
        for (int k = KIND_DRIVER; k < KIND__COUNT; k++)
            any |= store_table(&a->st, (size_t)a->conn_sel, (record_kind)k)->state == LOAD_FAILED;
        app_load_connection_tables(a, a->conn_sel);
    }
    return any;
}

static void on_retry_timer(void *ud)
{
    app *a = ud;
    a->retry_timer = 0;
    reload_failed(a);
    a->dirty |= DIRTY_STATUS;
}

void app_load_idle(app *a)
{
    if (!a->api)
        return;
    bool offline = app_offline(a, NULL);
    if (offline != a->was_offline)
        a->dirty |= DIRTY_STATUS;
    if (!offline) {
        if (a->was_offline && reload_failed(a)) /* what it could not give comes now */
            app_set_message(a, SLOT_STATUS_MUTED, "The API answers again; reloading what it could not give.");
        a->retry_delay_ms = 0;
        if (a->retry_timer)
            loop_timer_cancel(a->l, a->retry_timer);
        a->retry_timer = 0;
    } else if (!a->retry_timer) {
        a->retry_delay_ms = a->retry_delay_ms ? a->retry_delay_ms * 2 : RETRY_FIRST_MS;
        if (a->retry_delay_ms > RETRY_MOST_MS)
            a->retry_delay_ms = RETRY_MOST_MS;
        a->retry_timer = loop_timer_add(a->l, LOOP_CLOCK_APP, a->retry_delay_ms, on_retry_timer, a);
    }
    a->was_offline = offline;
}

void app_load_free(app *a)
{
    if (a->retry_timer)
        loop_timer_cancel(a->l, a->retry_timer);
    a->retry_timer = 0;
}
