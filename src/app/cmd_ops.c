/* cmd_ops: `operations` (JSON lines of the resource operations, optionally watched for status
 * changes) and `operation` (one operation, optionally waited for until it is final). Polling runs
 * on the loop's timers; SIGINT/SIGTERM end a watch with exit 0. */
#include "app/cmd_private.h"

#include "common/strbuf.h"
#include "common/uuid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_CAP_MS 60000
#define WAIT_POLL_MS 1000

/* ------------------------------------------------------------------ seen statuses */

typedef struct seen_ent {
    char id[37];
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

static const char *str_of(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

/* One poll: every page of the list. Prints every op (seen == NULL), or with seen only those that
 * are new or changed status. Returns the API status; msg gets the error. */
static api_status poll_list(cmd_ctx *c, const char *conn_id, seen_map *seen, bool print, char *msg, size_t cap)
{
    char *cursor = NULL;
    api_status st = API_OK;
    for (int pages = 0; pages < 10000; pages++) {
        strbuf q = STRBUF_INIT;
        strbuf_printf(&q, "/v2/integrations/connections/resource-operations?size=%d",
                      c->cfg.page_size > 0 ? c->cfg.page_size : 1000);
        if (conn_id)
            strbuf_printf(&q, "&connection_id=%s", conn_id);
        if (cursor) {
            strbuf_puts(&q, "&cursor=");
            strbuf_put_urlencoded(&q, cursor);
            free(cursor);
            cursor = NULL;
        }
        cmd_reply r;
        cmd_request(c, "GET", q.data, NULL, &r);
        strbuf_free(&q);
        if (r.status != API_OK) {
            snprintf(msg, cap, "%s", r.message);
            st = r.status;
            cmd_reply_free(&r);
            break;
        }
        cJSON *root = cJSON_ParseWithLength(r.body, r.body_len);
        cmd_reply_free(&r);
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
        if (!cJSON_IsArray(items)) {
            snprintf(msg, cap, "could not read the server's answer: not a page of operations");
            cJSON_Delete(root);
            st = API_HTTP_ERROR;
            break;
        }
        cJSON *it;
        int n = 0;
        cJSON_ArrayForEach(it, items)
        {
            n++;
            const char *id = str_of(it, "id"), *status = str_of(it, "status");
            bool show = print;
            if (seen && id) {
                seen_ent *s = seen_get(seen, id);
                bool changed = strcmp(s->status, status ? status : "") != 0;
                snprintf(s->status, sizeof s->status, "%s", status ? status : "");
                show = show && changed;
            }
            if (show)
                cmd_print_json(it);
        }
        const char *next = str_of(root, "next_page");
        cursor = next && *next && n > 0 ? xstrdup(next) : NULL;
        cJSON_Delete(root);
        fflush(stdout);
        if (!cursor)
            break;
    }
    free(cursor);
    return st;
}

int cmd_run_operations(cmd_ctx *c)
{
    char conn_buf[37], *conn = NULL;
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
    cJSON *root = body ? cJSON_ParseWithLength(body, len) : NULL;
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return -1;
    }
    const char *s = str_of(root, "status");
    snprintf(status, cap, "%s", s ? s : "");
    cmd_print_json(root);
    cJSON_Delete(root);
    return 0;
}

static int peek_status(const char *body, size_t len, char *status, size_t cap)
{
    cJSON *root = body ? cJSON_ParseWithLength(body, len) : NULL;
    const char *s = str_of(root, "status");
    snprintf(status, cap, "%s", s ? s : "");
    int rc = cJSON_IsObject(root) ? 0 : -1;
    cJSON_Delete(root);
    return rc;
}

static bool is_final(const char *status)
{
    return strcmp(status, "success") == 0 || strcmp(status, "failed") == 0;
}

int cmd_run_operation(cmd_ctx *c)
{
    char conn[37], op[37];
    uuid u;
    uuid_parse(c->args.positional, &u);
    uuid_format(&u, op);
    int rc = cmd_resolve_connection(c, c->args.connection, conn, NULL, 0);
    if (rc)
        return rc;
    char path[200];
    snprintf(path, sizeof path, "/v2/integrations/connections/%s/resource-operations/%s", conn, op);
    if (c->args.wait)
        cmd_handle_signals(c);
    int64_t deadline = c->args.timeout_s > 0 ? loop_now_ms(c->l) + (int64_t)(c->args.timeout_s * 1000) : -1;
    int64_t delay = WAIT_POLL_MS;
    char last_err[320] = "", status[32] = "";
    cmd_reply last = {0}; /* the last answer that was an operation */
    rc = -1;
    while (rc < 0) {
        cmd_reply r;
        cmd_request(c, "GET", path, NULL, &r);
        bool transient = r.status == API_NETWORK || r.status == API_UNKNOWN_OUTCOME ||
                         (r.status == API_HTTP_ERROR && (r.http_status == 429 || r.http_status >= 500));
        if (r.status == API_OK) {
            cmd_reply_free(&last);
            last = r;
            if (peek_status(last.body, last.body_len, status, sizeof status) != 0) {
                cmd_err(c, "could not read the server's answer: not an operation");
                rc = CMD_EXIT_API;
            } else if (!c->args.wait || is_final(status)) {
                print_op(last.body, last.body_len, status, sizeof status);
                rc = c->args.wait && strcmp(status, "failed") == 0 ? CMD_EXIT_REJECTED : CMD_EXIT_OK;
                if (rc == CMD_EXIT_REJECTED)
                    cmd_err(c, "operation %s failed", op);
            }
            delay = WAIT_POLL_MS;
            last_err[0] = '\0';
        } else if (r.status == API_CANCELLED) {
            cmd_reply_free(&r);
            break;
        } else if (!c->args.wait || !transient) {
            cmd_err(c, "%s", r.message);
            rc = cmd_exit_for_status(r.status);
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
