/* app_live: where every vehicle is, for the vehicles and drivers lists of each connection opened
 * this session. Refreshed on the idle poll cadence (config poll_idle_ms): one load per connection
 * per refresh (its pages through the pager), never two at once for one connection. A connection
 * that answers 403 or 501 does not give locations: it is skipped from then on, and said once on
 * the message line. Ages in the vehicles list ("4 min ago") count up between refreshes: a timer
 * wakes when the first of them would change its text, and only then is the list redrawn; a
 * refresh that brings what is already shown draws nothing. */
#include "common/strbuf.h"
#include "core/api_live.h"
#include "ui/app.h"

#include <stdlib.h>
#include <string.h>

typedef struct live_conn {
    struct app_live *owner;
    size_t ci; /* row of the connection */
    live_set set;
    api_live_fetch *fetch;
    bool blocked;
    uint64_t sig;
} live_conn;

struct app_live {
    app *a;
    live_conn **conns; /* by connection row; NULL: not opened */
    size_t nconns;
    uint64_t poll_timer, age_timer;
};

static bool shows(app *a, size_t ci, bool ages_only)
{
    if (a->conn_sel < 0 || (size_t)a->conn_sel != ci || a->noverlays > 0)
        return false;
    return a->current == VIEW_VEHICLES || (!ages_only && a->current == VIEW_DRIVERS);
}

static void on_age_tick(void *ud);

/* Arms the age timer for the selected connection's set: when its first age text changes. */
static void arm_ages(app_live *l)
{
    app *a = l->a;
    if (l->age_timer)
        loop_timer_cancel(a->l, l->age_timer);
    l->age_timer = 0;
    live_conn *c = a->conn_sel >= 0 && (size_t)a->conn_sel < l->nconns ? l->conns[a->conn_sel] : NULL;
    if (!c || !c->set.n)
        return;
    int64_t due = live_next_change_ms(&c->set, c->set.now_wall_ms);
    if (due > 0)
        l->age_timer = loop_timer_add(a->l, LOOP_CLOCK_APP, due, on_age_tick, l);
}

static void on_age_tick(void *ud)
{
    app_live *l = ud;
    app *a = l->a;
    l->age_timer = 0;
    if (a->conn_sel >= 0 && (size_t)a->conn_sel < l->nconns && l->conns[a->conn_sel]) {
        live_conn *c = l->conns[a->conn_sel];
        c->set.now_wall_ms = loop_wall_ms(a->l);
        if (shows(a, c->ci, true))
            a->dirty |= DIRTY_LIST; /* an age's text changed: that is all that is drawn */
    }
    arm_ages(l);
}

static void on_loaded(void *ud, live_set *got, const char *error, long http_status)
{
    live_conn *c = ud;
    app *a = c->owner->a;
    c->fetch = NULL;
    if (error) {
        if (strcmp(error, "cancelled") == 0)
            return;
        if (http_status == 403 || http_status == 501) {
            c->blocked = true;
            app_set_message(a, SLOT_STATUS_WARN, "Live locations: %s (not asked again)", error);
        }
        return; /* what was shown stays (a passing failure is retried on the next refresh) */
    }
    uint64_t sig = live_signature(got);
    conn_tables *ct = store_conn_tables(&a->st, c->ci);
    bool first = ct->vehicles.live == NULL;
    if (!first && sig == c->sig)
        return; /* nothing new to show: nothing drawn */
    live_set keep = c->set;
    c->set = *got;
    *got = keep;
    c->sig = sig;
    c->set.now_wall_ms = loop_wall_ms(a->l);
    ct->vehicles.live = ct->drivers.live = &c->set;
    if (shows(a, c->ci, false)) {
        view *v = &a->views[a->current];
        if (v->filter[0])
            v->filter_dirty = true; /* the location columns are filtered on too */
        a->dirty |= DIRTY_LIST;
    }
    if (a->conn_sel >= 0 && (size_t)a->conn_sel == c->ci)
        arm_ages(c->owner);
}

static void load(live_conn *c)
{
    app *a = c->owner->a;
    if (c->fetch || c->blocked || !a->api)
        return;
    char id[UUID_STR_LEN];
    uuid_format(&store_conn_tables(&a->st, c->ci)->connection_id, id);
    api_live_fetch *f = api_live_fetch_start(a->api, id, a->cfg->page_size, on_loaded, c);
    if (f) /* else it already ended */
        c->fetch = f;
}

static void on_poll(void *ud)
{
    app_live *l = ud;
    for (size_t i = 0; i < l->nconns; i++)
        if (l->conns[i])
            load(l->conns[i]);
    l->poll_timer = loop_timer_add(l->a->l, LOOP_CLOCK_APP, l->a->cfg->poll_idle_ms, on_poll, l);
}

app_live *app_live_new(app *a)
{
    app_live *l = xcalloc(1, sizeof *l);
    l->a = a;
    l->poll_timer = loop_timer_add(a->l, LOOP_CLOCK_APP, a->cfg->poll_idle_ms, on_poll, l);
    return l;
}

void app_live_open(app_live *l, long ci)
{
    if (!l || ci < 0)
        return;
    if ((size_t)ci >= l->nconns) {
        l->conns = xrealloc(l->conns, ((size_t)ci + 1) * sizeof *l->conns);
        memset(l->conns + l->nconns, 0, ((size_t)ci + 1 - l->nconns) * sizeof *l->conns);
        l->nconns = (size_t)ci + 1;
    }
    if (!l->conns[ci]) {
        live_conn *c = xcalloc(1, sizeof *c);
        c->owner = l;
        c->ci = (size_t)ci;
        l->conns[ci] = c;
        load(c); /* the first load now; then on the poll cadence with the others */
    }
    arm_ages(l);
}

void app_live_free(app_live *l)
{
    if (!l)
        return;
    loop_timer_cancel(l->a->l, l->poll_timer);
    if (l->age_timer)
        loop_timer_cancel(l->a->l, l->age_timer);
    for (size_t i = 0; i < l->nconns; i++) {
        live_conn *c = l->conns[i];
        if (!c)
            continue;
        if (c->fetch)
            api_live_fetch_cancel(c->fetch); /* its callback runs, as cancelled */
        conn_tables *ct = store_conn_tables(&l->a->st, c->ci);
        ct->vehicles.live = ct->drivers.live = NULL;
        live_set_free(&c->set);
        free(c);
    }
    free(l->conns);
    free(l);
}
