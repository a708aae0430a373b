/* cmd_ops: `operations` (JSON lines of the resource operations, optionally watched for status
 * changes) and `operation` (one operation, optionally waited for until it is final). Polling runs
 * on the loop's timers; SIGINT/SIGTERM end a watch with exit 0. */
#include "app/cmd_private.h"

#include "common/strbuf.h"
#include "common/uuid.h"
#include "core/api_json.h"
#include "core/api_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG_NAME "catena-dispatch"

#define BACKOFF_CAP_MS 60000
#define WAIT_POLL_MS 1000

/* ------------------------------------------------------------------ seen statuses */

typedef struct seen_ent {
    char id[UUID_STR_LEN];
    char status[16];
} seen_ent;

typedef struct seen_map {
    seen_ent *e;
    size_t cap, n;
} seen_map;

static size_t id_hash(const char *id)
{
    size_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

static seen_ent *seen_slot(seen_ent *e, size_t cap, const char *id)
{
    size_t i = id_hash(id) & (cap - 1);
    while (e[i].id[0] && strcmp(e[i].id, id) != 0)
        i = (i + 1) & (cap - 1);
    return &e[i];
}

/* The entry of id (created empty when new). */
static seen_ent *seen_get(seen_map *m, const char *id)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 256;
        seen_ent *e = xcalloc(cap, sizeof *e);
        for (size_t i = 0; i < m->cap; i++)
            if (m->e[i].id[0])
                *seen_slot(e, cap, m->e[i].id) = m->e[i];
        free(m->e);
        m->e = e;
        m->cap = cap;
    }
    seen_ent *s = seen_slot(m->e, m->cap, id);
    if (!s->id[0]) {
        snprintf(s->id, sizeof s->id, "%s", id);
        m->n++;
    }
    return s;
}

/* ------------------------------------------------------------------ listing */

typedef struct poll_state {
    seen_map *seen;
    bool print;
} poll_state;

static void on_op_line(void *ud, const api_list_line *op)
{
    poll_state *ps = ud;
    bool show = ps->print;
    if (ps->seen && op->id[0]) {
        seen_ent *s = seen_get(ps->seen, op->id);
        bool changed = strcmp(s->status, op->status) != 0;
        snprintf(s->status, sizeof s->status, "%s", op->status);
        show = show && changed;
    }
    if (show)
        puts(op->line);
}

/* One poll: every page of the list. Prints every op (seen == NULL), or with seen only those that
 * are new or changed status. Returns the API status; msg gets the error. */
static api_status poll_list(cmd_ctx *c, const char *conn_id, seen_map *seen, bool print, char *msg, size_t cap)
{
    poll_state ps = {seen, print};
    char *path = api_list_path("resource_operation", conn_id, NULL), *err = NULL;
    api_status st = api_list_lines_run(c->a, path, c->cfg.page_size, &c->stop, on_op_line, &ps, &err);
    free(path);
    fflush(stdout);
    snprintf(msg, cap, "%s", err ? err : "");
    free(err);
    return st;
}

int cmd_run_operations(cmd_ctx *c)
{
    char conn_buf[UUID_STR_LEN], *conn = NULL;
    if (c->args.watch)
        cmd_handle_signals(c); /* from the start: SIGINT/SIGTERM end a watch with 0 */
    if (c->args.connection) {
        int rc = cmd_resolve_connection(c, c->args.connection, conn_buf, NULL, 0);
        if (rc)
            return c->stop ? CMD_EXIT_OK : rc;
        conn = conn_buf;
    }
    char msg[320];
    if (!c->args.watch) {
        api_status st = poll_list(c, conn, NULL, true, msg, sizeof msg);
        if (st != API_OK)
            cmd_err(c, "%s", msg);
        return cmd_exit_for_status(st);
    }
    seen_map seen = {0};
    int rc = CMD_EXIT_OK;
    api_status st = poll_list(c, conn, &seen, true, msg, sizeof msg);
    if (st != API_OK && !c->stop) {
        cmd_err(c, "%s", msg);
        rc = cmd_exit_for_status(st);
    }
    int interval = c->cfg.poll_pending_ms > 0 ? c->cfg.poll_pending_ms : 1000;
    int64_t delay = interval;
    while (rc == CMD_EXIT_OK && !c->stop && !ferror(stdout)) {
        cmd_sleep(c, delay);
        if (c->stop)
            break;
        char err[320];
        st = poll_list(c, conn, &seen, true, err, sizeof err);
        if (st == API_OK) {
            if (delay != interval)
                cmd_err(c, "polling again");
            delay = interval;
        } else if (st == API_AUTH_ERROR) {
            cmd_err(c, "%s", err);
            rc = CMD_EXIT_AUTH;
        } else if (st != API_CANCELLED) {
            delay = delay * 2 < BACKOFF_CAP_MS ? delay * 2 : BACKOFF_CAP_MS;
            cmd_err(c, "%s (retrying in %d s)", err, (int)(delay / 1000));
        }
    }
    free(seen.e);
    return rc;
}

/* ------------------------------------------------------------------ one operation */

/* Prints the op body; returns its status ("" when it has none) in status. -1 if it is not JSON. */
static int print_op(const char *body, size_t len, char *status, size_t cap)
{
    if (api_json_get_str(body, len, "status", status, cap) != 0)
        return -1;
    char *line = api_json_line(body, len);
    puts(line);
    free(line);
    return 0;
}

/* Why a failed operation failed: its last attempt's log ("tsp (HTTP 422): ..., attempt 3 of 3"). */
static void print_failure_reason(cmd_ctx *c, const char *op, const char *body, size_t len)
{
    op_rec r = {0};
    char *err = NULL;
    bool odd = false;
    if (api_op_decode(body, len, &r, &odd, &err) != 0 || r.nlogs == 0) {
        cmd_err(c, "operation %s failed (it has no attempt log)", op);
    } else {
        const op_log *lg = &r.logs[0]; /* the latest attempt: by its time, the array's order is not promised */
        for (int i = 1; i < r.nlogs; i++)
            if (r.logs[i].created_at && (!lg->created_at || strcmp(r.logs[i].created_at, lg->created_at) >= 0))
                lg = &r.logs[i];
        char code[32] = "";
        if (lg->response_status_code >= 0)
            snprintf(code, sizeof code, " (HTTP %d)", lg->response_status_code);
        cmd_err(c, "operation %s failed: %s%s: %s (last of %d attempt%s)", op,
                lg->error_type ? lg->error_type : "error", code,
                lg->error_details && *lg->error_details ? lg->error_details : "no details", r.nlogs,
                r.nlogs == 1 ? "" : "s");
    }
    free(err);
    op_rec_clear(&r);
}

static bool is_final(const char *status)
{
    return strcmp(status, "success") == 0 || strcmp(status, "failed") == 0;
}

int cmd_run_operation(cmd_ctx *c)
{
    char conn[UUID_STR_LEN], op[UUID_STR_LEN];
    uuid u;
    uuid_parse(c->args.positional, &u);
    uuid_format(&u, op);
    int rc = cmd_resolve_connection(c, c->args.connection, conn, NULL, 0);
    if (rc)
        return rc;
    if (c->args.wait)
        cmd_handle_signals(c);
    int64_t deadline = c->args.timeout_s > 0 ? loop_now_ms(c->l) + (int64_t)(c->args.timeout_s * 1000) : -1;
    int64_t delay = WAIT_POLL_MS;
    char last_err[320] = "", status[32] = "";
    cmd_reply last = {0}; /* the last answer that was an operation */
    rc = -1;
    while (rc < 0) {
        cmd_reply r;
        cmd_get_operation(c, conn, op, &r);
        bool transient = r.status == API_NETWORK || r.status == API_UNKNOWN_OUTCOME ||
                         (r.status == API_HTTP_ERROR && (r.http_status == 429 || r.http_status >= 500));
        if (r.status == API_OK) {
            cmd_reply_free(&last);
            last = r;
            if (api_json_get_str(last.body, last.body_len, "status", status, sizeof status) != 0) {
                cmd_err(c, "could not read the server's answer: not an operation");
                rc = CMD_EXIT_API;
            } else if (!c->args.wait || is_final(status)) {
                print_op(last.body, last.body_len, status, sizeof status);
                rc = c->args.wait && strcmp(status, "failed") == 0 ? CMD_EXIT_REJECTED : CMD_EXIT_OK;
                if (rc == CMD_EXIT_REJECTED)
                    print_failure_reason(c, op, last.body, last.body_len);
            }
            delay = WAIT_POLL_MS;
            last_err[0] = '\0';
        } else if (r.status == API_CANCELLED) {
            cmd_reply_free(&r);
            break;
        } else if (r.status == API_HTTP_ERROR && r.http_status == 404) {
            cmd_err(c, "no operation %s on connection %s: check the id and --connection ('" PROG_NAME
                       " operations --connection %s' lists the last 24 hours)", op, conn, conn);
            rc = CMD_EXIT_REFUSED;
            cmd_reply_free(&r);
        } else if (!c->args.wait || !transient) {
            cmd_err(c, "%s", r.message);
            rc = cmd_exit_for_reply(r.status, r.http_status);
            cmd_reply_free(&r);
        } else {
            if (strcmp(last_err, r.message) != 0)
                cmd_err(c, "%s (still waiting)", r.message);
            snprintf(last_err, sizeof last_err, "%s", r.message);
            delay = delay * 2 < BACKOFF_CAP_MS / 4 ? delay * 2 : BACKOFF_CAP_MS / 4;
            cmd_reply_free(&r);
        }
        if (rc >= 0)
            break;
        int64_t now = loop_now_ms(c->l);
        if (deadline >= 0 && now >= deadline) {
            if (last.body) /* what it looked like last */
                print_op(last.body, last.body_len, status, sizeof status);
            cmd_err(c, "operation %s is not final after %g s", op, c->args.timeout_s);
            rc = CMD_EXIT_API;
            break;
        }
        cmd_sleep(c, deadline >= 0 && deadline - now < delay ? deadline - now : delay);
        if (c->stop)
            break;
    }
    cmd_reply_free(&last);
    if (rc < 0) {
        cmd_err(c, "interrupted before operation %s was final", op);
        rc = CMD_EXIT_INTERRUPTED;
    }
    return rc;
}
