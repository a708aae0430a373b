/* cmd_live: the listings of what happens on a connection rather than what it holds: group
 * messages (the last 30 days) and where every vehicle is (live locations); --connection optional
 * (every connection); an aligned table or one JSON object per line. */
#include "app/cmd_private.h"

#include "common/strbuf.h"
#include "core/api_live.h"
#include "core/api_messages.h"
#include "core/api_resources.h"
#include "core/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CLI_GROUP_MSGS_DAYS 30

/* Cells are already sanitized by decoding; columns are padded to their widest cell. */
static void print_rows(const table *t, const api_column *cols, int ncols)
{
    int w[16];
    char cell[512], out[1024];
    ncols = ncols < 16 ? ncols : 16;
    for (int k = 0; k < ncols; k++)
        w[k] = text_width(cols[k].title);
    for (size_t i = 0; i < t->count; i++)
        for (int k = 0; k < ncols; k++) {
            api_cell(&cols[k], t, table_row(t, i), cell, sizeof cell);
            int cw = text_width(cell);
            w[k] = cw > w[k] ? (cw < 60 ? cw : 60) : w[k];
        }
    for (size_t i = 0; i <= t->count; i++) {
        strbuf line = STRBUF_INIT;
        for (int k = 0; k < ncols; k++) {
            const char *s = cols[k].title;
            if (i > 0) {
                api_cell(&cols[k], t, table_row(t, i - 1), cell, sizeof cell);
                s = cell;
            }
            text_fit_pad(s, w[k], k < ncols - 1, out, sizeof out);
            strbuf_puts(&line, out);
            if (k < ncols - 1)
                strbuf_puts(&line, "  ");
        }
        while (line.len > 0 && line.data[line.len - 1] == ' ')
            line.data[--line.len] = '\0';
        printf("%s\n", line.data ? line.data : "");
        strbuf_free(&line);
    }
}

int cmd_run_group_messages(cmd_ctx *c)
{
    const api_resource *r = api_resource_get(KIND_GROUP_MESSAGE);
    char conn_id[UUID_STR_LEN] = "";
    int rc = c->args.connection ? cmd_resolve_connection(c, c->args.connection, conn_id, NULL, 0) : 0;
    if (rc)
        return rc;
    char *window = api_msgs_window_query(((int64_t)time(NULL) - CLI_GROUP_MSGS_DAYS * 86400LL) * 1000, 0);
    char *q = api_list_path(r->name, conn_id, window);
    free(window);
    table t;
    table_init(&t, KIND_GROUP_MESSAGE);
    rc = cmd_load_table(c, &t, q);
    free(q);
    if (rc == 0 && c->args.json) {
        for (size_t i = 0; i < t.count; i++) {
            char *j = api_resource_row_json(r, &t, table_row(&t, i), conn_id[0] ? conn_id : NULL);
            cmd_print_json_text(j, strlen(j));
            free(j);
        }
    } else if (rc == 0) {
        print_rows(&t, r->cli_cols, r->ncli_cols);
    }
    table_clear(&t);
    return rc;
}

/* ------------------------------------------------------------------ locations */

static void print_locations(const live_set *s)
{
    static const char *const titles[] = {"VEHICLE ID", "VEHICLE", "DRIVER", "LOCATION", "SPEED", "SEEN"};
    enum { NCOL = 6 };
    int w[NCOL];
    char cells[NCOL][256], out[1024];
    for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < NCOL && pass == 0; k++)
            w[k] = text_width(titles[k]);
        for (size_t i = 0; i <= s->n; i++) {
            if (i == 0 && pass == 0)
                continue;
            strbuf line = STRBUF_INIT;
            for (int k = 0; k < NCOL; k++) {
                const char *t = titles[k];
                if (i > 0) {
                    const live_loc *l = &s->v[i - 1];
                    sref r[] = {0, l->vehicle_name, l->driver_name, l->place, l->speed};
                    if (k == 0)
                        uuid_format(&l->vehicle_id, cells[k]);
                    else if (k == NCOL - 1)
                        live_age_text((int64_t)time(NULL) * 1000, l->at_ms, cells[k], sizeof cells[k]);
                    else
                        snprintf(cells[k], sizeof cells[k], "%s", live_str(s, r[k]));
                    t = cells[k];
                }
                int cw = text_width(t);
                if (pass == 0) {
                    w[k] = cw > w[k] ? (cw < 60 ? cw : 60) : w[k];
                    continue;
                }
                text_fit_pad(t, w[k], k < NCOL - 1, out, sizeof out);
                strbuf_puts(&line, out);
                if (k < NCOL - 1)
                    strbuf_puts(&line, "  ");
            }
            while (pass && line.len > 0 && line.data[line.len - 1] == ' ')
                line.data[--line.len] = '\0';
            if (pass)
                printf("%s\n", line.data ? line.data : "");
            strbuf_free(&line);
        }
    }
}

int cmd_run_locations(cmd_ctx *c)
{
    char conn_id[UUID_STR_LEN] = "";
    int rc = c->args.connection ? cmd_resolve_connection(c, c->args.connection, conn_id, NULL, 0) : 0;
    if (rc)
        return rc;
    live_set s = {0};
    api_status st = API_OK;
    char *err = NULL;
    if (api_live_run(c->a, conn_id[0] ? conn_id : NULL, c->cfg.page_size, &s, &st, &err, &c->stop) != 0) {
        if (st != API_CANCELLED)
            cmd_err(c, "%s", err);
        free(err);
        live_set_free(&s);
        return cmd_exit_for_status(st);
    }
    if (c->args.json) {
        for (size_t i = 0; i < s.n; i++) {
            char *j = live_row_json(&s, &s.v[i], conn_id);
            cmd_print_json_text(j, strlen(j));
            free(j);
        }
    } else {
        print_locations(&s);
    }
    live_set_free(&s);
    return 0;
}
