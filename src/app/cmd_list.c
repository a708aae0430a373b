/* cmd_list: the listings (connections, drivers, vehicles, trailers): an aligned table by default
 * (columns measured in terminal columns), or one JSON object per line with --json; columns and
 * keys are the resource table's (core/api_resources.c). */
#include "app/cmd_private.h"

#include "common/strbuf.h"
#include "common/uuid.h"
#include "core/api_resources.h"
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

static int run_listing(cmd_ctx *c, record_kind kind)
{
    const api_resource *r = api_resource_get(kind);
    char conn_id[UUID_STR_LEN] = "";
    int rc = r->per_connection ? cmd_resolve_connection(c, c->args.connection, conn_id, NULL, 0) : 0;
    char *q = api_resource_list_path(r, conn_id, NULL);
    table t;
    table_init(&t, kind);
    if (rc == 0)
        rc = cmd_load_table(c, &t, q);
    free(q);
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
