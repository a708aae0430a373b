#include "ui/pane_ops.h"

#include "core/statefile.h"
#include "core/ops.h"
#include "common/strbuf.h"
#include "core/text.h"
#include "ui/flows.h"
#include "ui/keys.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void on_change(void *ud, const op_rec *op, op_status old)
{
    app *a = ud;
    if (old == OP_UNKNOWN && !op->mine)
        return; /* someone else's op appearing is not news */
    const char *what = op->label && *op->label ? op->label : op->resource;
    if (op->status == OP_FAILED) {
        const char *why = op->nlogs ? op->logs[op->nlogs - 1].error_details : NULL;
        /* The reason first: it is what the message line has room for (! shows it all). */
        if (why && *why)
            app_set_message(a, SLOT_STATUS_FAILED, "Failed: %.160s · %s (O, Enter: details)", why,
                            what ? what : "operation");
        else
            app_set_message(a, SLOT_STATUS_FAILED, "Failed: %s (O, Enter: details)", what ? what : "operation");
        if (a->cfg->bell_on_failure)
            a->bell_pending = true;
    } else if (op->status == OP_SUCCESS && old != OP_UNKNOWN) {
        app_set_message(a, SLOT_STATUS_SUCCESS, "Accepted by the TSP: %s", what ? what : "operation");
    }
    if (op->status == OP_SUCCESS && op->mine && op->resource_id)
        app_refresh_record(a, op->connection_id, op->resource, op->resource_id); /* the list shows the change */
    a->dirty |= DIRTY_STATUS | DIRTY_LIST;
}

static void on_dirty(void *ud)
{
    app *a = ud;
    if (a->pane_open || a->noverlays)
        a->dirty |= DIRTY_LIST;
}

void ops_pane_attach(app *a)
{
    char path[1100];
    ops_settings s = {.poll_pending_ms = a->cfg->poll_pending_ms, .poll_idle_ms = a->cfg->poll_idle_ms};
    if (statefile_account_file("operations.json", path, sizeof path, NULL) == 0)
        s.journal_path = path; /* this profile's and API URL's own */
    a->ops = ops_tracker_new(a->l, a->api, &s);
    ops_tracker_set_callbacks(a->ops, on_change, on_dirty, a);
    char *err = NULL;
    if (ops_tracker_start(a->ops, &err) != 0) {
        app_set_message(a, SLOT_STATUS_WARN, "Operations journal: %s", err ? err : "unreadable");
        free(err);
    }
    if (ops_count(a->ops))
        a->pane_open = true;
}

void ops_pane_detach(app *a)
{
    ops_tracker_free(a->ops);
    a->ops = NULL;
}

const char *ops_pane_track(app *a, const char *body, size_t len, const char *label, const char *target_id)
{
    static char id[UUID_STR_LEN];
    id[0] = '\0';
    if (!a->ops)
        return id;
    char *err = NULL;
    const op_rec *op = ops_tracker_add_response(a->ops, body, len, label, target_id, &err);
    free(err);
    if (op) {
        snprintf(id, sizeof id, "%s", op->id);
        a->pane_open = true;
        a->pane_cursor = 0;
        a->dirty |= DIRTY_ALL;
    }
    return id;
}

static theme_slot status_slot(op_status s)
{
    return s == OP_PENDING ? SLOT_STATUS_PENDING : s == OP_SUCCESS ? SLOT_STATUS_SUCCESS
                                              : s == OP_FAILED    ? SLOT_STATUS_FAILED
                                                                  : SLOT_STATUS_MUTED;
}

void ops_short_id(const char *id, char out[OPS_SHORT_ID_LEN])
{
    size_t n = id ? strlen(id) : 0;
    snprintf(out, OPS_SHORT_ID_LEN, "…%s", n > 8 ? id + n - 8 : (id ? id : ""));
}

/* ------------------------------------------------------------------ what the pane shows */

/* The pane's filter (f cycles it) and what c cleared: the finished ops it hides. */
enum { PANE_ALL, PANE_PENDING, PANE_FAILED, PANE__FILTERS };
static const char *const filter_names[] = {"all", "pending", "failed"};

static bool op_shown(const app *a, const op_rec *op)
{
    bool final = op->status == OP_SUCCESS || op->status == OP_FAILED;
    if (final && a->pane_cleared_ms && op->changed_at_ms <= a->pane_cleared_ms)
        return false;
    if (a->pane_filter == PANE_PENDING)
        return op->status == OP_PENDING || op->status == OP_UNKNOWN;
    if (a->pane_filter == PANE_FAILED)
        return op->status == OP_FAILED;
    return true;
}

/* The ops shown, in the tracker's order: n of them in *out (heap; NULL when none). */
static size_t shown_ops(const app *a, const op_rec ***out)
{
    size_t n = ops_count(a->ops), k = 0;
    const op_rec **list = n ? xcalloc(n, sizeof *list) : NULL;
    for (size_t i = 0; i < n; i++) {
        const op_rec *op = ops_get(a->ops, i);
        if (op_shown(a, op))
            list[k++] = op;
    }
    *out = list;
    return k;
}

static void wall_hms(int64_t ms, char out[16])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, 16, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void draw_header(app *a, int y, int width)
{
    ops_health h;
    ops_tracker_health(a->ops, &h);
    char line[400], since[16];
    int pending = ops_pending_count(a->ops);
    int n = snprintf(line, sizeof line, " Operations%s · %zu · %d pending",
                     a->pane_focus && !a->noverlays ? " (focused)" : "",
                     ops_count(a->ops), pending);
    if (a->pane_filter != PANE_ALL)
        n += snprintf(line + n, sizeof line - (size_t)n, " · showing %s (f)", filter_names[a->pane_filter]);
    if (a->pane_cleared_ms)
        n += snprintf(line + n, sizeof line - (size_t)n, " · finished ones cleared (c)");
    theme_slot slot = SLOT_HEADER;
    if (h.stale_since_ms) {
        /* The app clock's offset to the wall clock turns "since" into a time of day. */
        wall_hms(loop_wall_ms(a->l) - (loop_now_ms(a->l) - h.stale_since_ms), since);
        snprintf(line + n, sizeof line - (size_t)n, " · %s since %s: %s", h.offline ? "OFFLINE" : "stale", since,
                 h.last_error);
        slot = SLOT_STATUS_WARN;
    }
    draw_text_at(y, 0, width, slot, line);
}

void ops_pane_draw(app *a, int top, int height, int width)
{
    if (!a->ops) {
        draw_text_at(top, 0, width, SLOT_HEADER, " Operations · not connected");
        for (int r = 1; r < height; r++)
            draw_text_at(top + r, 0, width, SLOT_NORMAL, "");
        return;
    }
    draw_header(a, top, width);
    const op_rec **shown;
    size_t n = shown_ops(a, &shown);
    int rows = height - 1;
    if (a->pane_cursor >= n)
        a->pane_cursor = n ? n - 1 : 0;
    if (a->pane_cursor < a->pane_top)
        a->pane_top = a->pane_cursor;
    if (rows > 0 && a->pane_cursor >= a->pane_top + (size_t)rows)
        a->pane_top = a->pane_cursor - (size_t)rows + 1;
    if (n == 0) {
        free(shown);
        draw_text_at(top + 1, 0, width, SLOT_STATUS_MUTED,
                     ops_count(a->ops) ? "  None to show: f shows all, c again shows the finished ones."
                                       : "  Nothing sent yet. Writes you send show here.");
        for (int r = 2; r < height; r++)
            draw_text_at(top + r, 0, width, SLOT_NORMAL, "");
        return;
    }
    /* time 8 | status 7 | tries 2 | resource/op 20 | TSP 12 | target: rest */
    for (int r = 0; r < rows; r++) {
        size_t i = a->pane_top + (size_t)r;
        int y = top + 1 + r;
        if (i >= n) {
            draw_text_at(y, 0, width, SLOT_NORMAL, "");
            continue;
        }
        const op_rec *op = shown[i];
        bool cur = a->pane_focus && !a->noverlays && i == a->pane_cursor;
        theme_slot base = cur ? SLOT_CURSOR : SLOT_NORMAL;
        char tm[16] = "", what[64], tries[8];
        if (op->created_at && strlen(op->created_at) >= 19)
            snprintf(tm, sizeof tm, "%.8s", op->created_at + 11);
        snprintf(what, sizeof what, "%s %s", op->resource ? op->resource : "?",
                 op->operation_type ? op->operation_type : "");
        snprintf(tries, sizeof tries, "%d", op->nlogs);
        int x = 0;
        draw_text_at(y, x, 10, base, op->mine ? tm : tm[0] ? tm : "");
        x += 10;
        if (x + 8 <= width)
            draw_text_at(y, x, 8, cur ? base : status_slot(op->status), op_status_name(op->status));
        x += 8;
        if (x + 3 <= width)
            draw_text_at(y, x, 3, base, tries);
        x += 3;
        int wwhat = width - x >= 60 ? 22 : 16;
        if (x + wwhat <= width)
            draw_text_at(y, x, wwhat, base, what);
        x += wwhat;
        int wtsp = width - x >= 40 ? 13 : 0;
        if (wtsp)
            draw_text_at(y, x, wtsp, base, op->source_name ? op->source_name : "");
        x += wtsp;
        if (x < width)
            draw_text_at(y, x, width - x, base, op->label && *op->label ? op->label : op->mine ? "" : "(other client)");
    }
    free(shown);
}

bool ops_pane_key(app *a, int key, unsigned *dirty)
{
    const op_rec **shown = NULL;
    size_t n = a->ops ? shown_ops(a, &shown) : 0;
    const char *open_id = a->pane_cursor < n ? shown[a->pane_cursor]->id : NULL;
    char id[UUID_STR_LEN] = "";
    if (open_id)
        snprintf(id, sizeof id, "%s", open_id);
    free(shown);
    if (key == 'j' || key == KEYS_FN + KEY_DOWN) {
        if (a->pane_cursor + 1 < n)
            a->pane_cursor++;
    } else if (key == 'k' || key == KEYS_FN + KEY_UP) {
        if (a->pane_cursor > 0)
            a->pane_cursor--;
    } else if (key == 'g' || key == KEYS_FN + KEY_HOME) {
        a->pane_cursor = 0;
    } else if (key == 'G' || key == KEYS_FN + KEY_END) {
        a->pane_cursor = n ? n - 1 : 0;
    } else if (key == '\n') {
        if (id[0])
            opdetail_open(a, id);
        *dirty = DIRTY_ALL;
        return true;
    } else if (key == 'f') {
        a->pane_filter = (a->pane_filter + 1) % PANE__FILTERS;
        a->pane_cursor = a->pane_top = 0;
    } else if (key == 'c') { /* hides what is finished now; again shows it (the journal keeps them) */
        a->pane_cleared_ms = a->pane_cleared_ms ? 0 : (loop_now_ms(a->l) > 0 ? loop_now_ms(a->l) : 1);
        a->pane_cursor = a->pane_top = 0;
    } else if (key == KEYS_ESC) {
        a->pane_focus = false;
    } else {
        return false;
    }
    *dirty = DIRTY_LIST;
    return true;
}
