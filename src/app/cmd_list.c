/* cmd_list: the listings (connections, drivers, vehicles, trailers, DVIR logs, fuel
 * transactions): an aligned table by default
 * (columns measured in terminal columns), or one JSON object per line with --json; columns and
 * keys are the resource table's (core/api_resources.c). */
#include "app/cmd_private.h"

#include "common/strbuf.h"
#include "common/uuid.h"
#include "core/api_resources.h"
#include "core/forms.h"
#include "core/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COL_CAP 40 /* widest a column gets (ids are 36) */

static void print_table(const table *t, const api_resource *r)
{
    int w[16];
    int ncols = r->ncli_cols < 16 ? r->ncli_cols : 16;
    char cell[512], out[1024];
    for (int k = 0; k < ncols; k++)
        w[k] = text_width(r->cli_cols[k].title);
    for (size_t i = 0; i < t->count; i++)
        for (int k = 0; k < ncols; k++) {
            api_cell(&r->cli_cols[k], t, table_row(t, i), cell, sizeof cell);
            int cw = text_width(cell);
            if (cw > w[k])
                w[k] = cw < COL_CAP ? cw : COL_CAP;
        }
    for (size_t i = 0; i <= t->count; i++) {
        strbuf line = STRBUF_INIT;
        for (int k = 0; k < ncols; k++) {
            const char *s = r->cli_cols[k].title;
            if (i > 0) {
                api_cell(&r->cli_cols[k], t, table_row(t, i - 1), cell, sizeof cell);
                s = cell;
            }
            bool last = k == ncols - 1;
            text_fit_pad(s, w[k], !last, out, sizeof out);
            strbuf_puts(&line, out);
            if (!last)
                strbuf_puts(&line, "  ");
        }
        /* No trailing blanks when the last cells are empty. */
        while (line.len > 0 && line.data[line.len - 1] == ' ')
            line.data[--line.len] = '\0';
        printf("%s\n", line.data ? line.data : "");
        strbuf_free(&line);
    }
}

static void print_json_lines(const table *t, const api_resource *r, const char *conn_id)
{
    for (size_t i = 0; i < t->count; i++) {
        char *j = api_resource_row_json(r, t, table_row(t, i), conn_id);
        cmd_print_json_text(j, strlen(j));
        free(j);
    }
}

/* ------------------------------------------------------------------ runs */

/* --trailer has no API filter: the logs of other trailers are dropped here. */
static void keep_trailer(table *t, const char *trailer_id)
{
    uuid want;
    if (!trailer_id || !uuid_parse(trailer_id, &want) || t->kind != KIND_DVIR)
        return;
    size_t n = 0;
    for (size_t i = 0; i < t->count; i++) {
        const dvir_rec *d = table_row(t, i);
        if (memcmp(&d->trailer_id, &want, sizeof want) == 0)
            memmove(table_row(t, n++), d, sizeof *d);
    }
    t->count = n;
}

/* The filters of a listing of logs: names resolved to ids on the connection, times as ISO 8601.
 * The query (heap) into *query, trailer's id into trailer_id; an exit code. */
static int log_filters(cmd_ctx *c, const api_resource *r, const char *conn_id, char **query,
                       char trailer_id[UUID_STR_LEN])
{
    const cmd_args *a = &c->args;
    char ids[3][UUID_STR_LEN] = {"", "", ""};
    const char *args[3] = {a->driver, a->vehicle, a->trailer}, *opts[3] = {"--driver", "--vehicle", "--trailer"};
    static const record_kind kinds[3] = {KIND_DRIVER, KIND_VEHICLE, KIND_TRAILER};
    *query = NULL;
    for (int i = 0; i < 3; i++) {
        int rc = args[i] ? cmd_resolve_records(c, kinds[i], conn_id, &opts[i], &args[i], 1, &ids[i], NULL) : 0;
        if (rc)
            return rc;
    }
    snprintf(trailer_id, UUID_STR_LEN, "%s", ids[2]);
    static const field_spec when = {.name = "time", .label = "time", .type = FT_DATETIME};
    strbuf times[2] = {STRBUF_INIT, STRBUF_INIT};
    const char *tv[2] = {a->since, a->until};
    for (int i = 0; i < 2; i++)
        if (tv[i])
            form_canonical(&when, tv[i], &times[i], NULL, 0); /* checked before the session opened */
    api_log_filter f = {ids[0][0] ? ids[0] : NULL, ids[1][0] ? ids[1] : NULL, times[0].len ? times[0].data : NULL,
                        times[1].len ? times[1].data : NULL};
    *query = api_resource_log_query(r, &f);
    strbuf_free(&times[0]);
    strbuf_free(&times[1]);
    return 0;
}

static int run_listing(cmd_ctx *c, record_kind kind)
{
    const api_resource *r = api_resource_get(kind);
    char conn_id[UUID_STR_LEN] = "", trailer_id[UUID_STR_LEN] = "";
    char *query = NULL;
    int rc = r->per_connection ? cmd_resolve_connection(c, c->args.connection, conn_id, NULL, 0) : 0;
    if (rc == 0 && api_resource_has_log_filters(r))
        rc = log_filters(c, r, conn_id, &query, trailer_id);
    char *q = api_resource_list_path(r, conn_id, query);
    free(query);
    table t;
    table_init(&t, kind);
    if (rc == 0)
        rc = cmd_load_table(c, &t, q);
    free(q);
    if (rc == 0)
        keep_trailer(&t, trailer_id[0] ? trailer_id : NULL);
    if (rc == 0) {
        if (c->args.json)
            print_json_lines(&t, r, conn_id);
        else
            print_table(&t, r);
    }
    table_clear(&t);
    return rc;
}

int cmd_run_connections(cmd_ctx *c)
{
    return run_listing(c, KIND_CONNECTION);
}

int cmd_run_drivers(cmd_ctx *c)
{
    return run_listing(c, KIND_DRIVER);
}

int cmd_run_vehicles(cmd_ctx *c)
{
    return run_listing(c, KIND_VEHICLE);
}

int cmd_run_trailers(cmd_ctx *c)
{
    return run_listing(c, KIND_TRAILER);
}

int cmd_run_dvir_logs(cmd_ctx *c)
{
    return run_listing(c, KIND_DVIR);
}

int cmd_run_fuel_transactions(cmd_ctx *c)
{
    return run_listing(c, KIND_FUEL);
}
