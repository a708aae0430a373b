/* cmd_write: send-message, send-group-message, update-* and create-*. Each resolves what it was
 * given to Catena ids, sends exactly one request (never retried), prints the ResourceOperation on
 * stdout and maps the outcome to the exit code. */
#include "app/cmd_private.h"

#include "common/strbuf.h"
#include "core/api_writes.h"
#include "core/forms.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct write_wait {
    cmd_ctx *c;
    const char *conn_id;
    bool done;
    int rc;
    bool unsupported; /* the API answered 501: the TSP cannot take this write */
} write_wait;

static void print_unknown_hint(const write_wait *w)
{
    fprintf(stderr,
            "The request was sent but no answer came back: the write may have gone through. Do not send it "
            "again before checking with 'catena-dispatch operations --connection %s' (or 'catena-dispatch "
            "operation --connection %s OP_ID --wait').\n",
            w->conn_id, w->conn_id);
}

static void on_write(void *ud, const write_result *r)
{
    write_wait *w = ud;
    cmd_ctx *c = w->c;
    w->done = true;
    w->unsupported = r->kind == WR_ERROR && r->http_status == 501;
    switch (r->kind) {
    case WR_ACCEPTED:
        if (!r->op_json || cmd_print_json_text(r->op_json, r->op_json_len) != 0) {
            cmd_err(c, "the API accepted it but its answer is not JSON");
            w->rc = CMD_EXIT_API;
        } else if (strcmp(r->op_status, "failed") == 0) {
            cmd_err(c, "the operation failed%s%s", r->tsp_error[0] ? ": " : "", r->tsp_error);
            w->rc = CMD_EXIT_REJECTED;
        } else {
            w->rc = CMD_EXIT_OK;
        }
        return;
    case WR_TSP_FAILED:
        if (r->op_json)
            cmd_print_json_text(r->op_json, r->op_json_len);
        cmd_err(c, "%s", r->message);
        w->rc = CMD_EXIT_REJECTED;
        return;
    case WR_INVALID:
        if (r->nerrors > 0) {
            cmd_err(c, "rejected as invalid (HTTP %ld):", r->http_status);
            for (int i = 0; i < r->nerrors; i++)
                fprintf(stderr, "  %s%s%s\n", r->errors[i].path, *r->errors[i].path ? ": " : "",
                        r->errors[i].message);
        } else {
            cmd_err(c, "%s", r->message);
        }
        w->rc = CMD_EXIT_REJECTED;
        return;
    case WR_AUTH:
        cmd_err(c, "%s", r->message);
        w->rc = CMD_EXIT_AUTH;
        return;
    case WR_UNKNOWN:
        cmd_err(c, "%s", r->http_status ? r->message : "no answer after sending the request (timed out)");
        print_unknown_hint(w);
        w->rc = CMD_EXIT_API;
        return;
    case WR_ERROR:
    case WR_NETWORK:
        break;
    }
    cmd_err(c, "%s", r->message);
    w->rc = r->kind == WR_ERROR ? cmd_exit_for_reply(API_HTTP_ERROR, r->http_status) : CMD_EXIT_API;
}

static int send_write(cmd_ctx *c, const char *resource, const char *record_id, const char *conn_id, const char *body)
{
    write_wait w = {c, conn_id, false, CMD_EXIT_API, false};
    writes_send(c->a, resource, record_id, c->args.sync, body, on_write, &w);
    while (!w.done)
        cmd_pump(c);
    if (w.unsupported) /* the TSP's support map is no guide to writes: the 501 is the answer */
        fprintf(stderr, "This connection's TSP does not take %s writes: sending it again will not help.\n",
                resource);
    return w.rc;
}

/* ------------------------------------------------------------------ messages */

int cmd_run_send_message(cmd_ctx *c)
{
    const cmd_args *a = &c->args;
    char conn[UUID_STR_LEN];
    int rc = cmd_resolve_connection(c, a->connection, conn, NULL, 0);
    if (rc)
        return rc;
    if (a->nto != 1)
        return cmd_usage(c, "--to takes one user (send-group-message sends to several)");
    const char *who[2] = {a->from, a->to[0]};
    const char *opts[2] = {"--from", "--to"};
    char ids[2][UUID_STR_LEN];
    rc = cmd_resolve_records(c, KIND_DRIVER, conn, opts, who, 2, ids, NULL);
    if (rc)
        return rc;
    char *body = writes_message_body(conn, ids[0], ids[1], a->text, a->priority, a->reply_to);
    rc = send_write(c, "message", NULL, conn, body);
    free(body);
    return rc;
}

static char *trim_piece(const char *s, size_t n)
{
    while (n > 0 && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return xstrndup(s, n);
}

int cmd_run_send_group_message(cmd_ctx *c)
{
    const cmd_args *a = &c->args;
    /* who[0] is the sender; then --to A,B --to C -> A, B, C */
    const char **who = xcalloc(1, sizeof *who), **opts = xcalloc(1, sizeof *opts);
    size_t n = 1;
    who[0] = xstrdup(a->from);
    opts[0] = "--from";
    int rc = 0;
    for (size_t i = 0; i < a->nto && !rc; i++) {
        for (const char *p = a->to[i];;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            char *piece = trim_piece(p, len);
            if (!*piece) {
                free(piece);
                rc = cmd_usage(c, "--to has an empty entry");
                break;
            }
            who = xrealloc(who, (n + 1) * sizeof *who);
            opts = xrealloc(opts, (n + 1) * sizeof *opts);
            who[n] = piece;
            opts[n++] = "--to";
            if (!comma)
                break;
            p = comma + 1;
        }
    }
    char conn[UUID_STR_LEN];
    char(*ids)[UUID_STR_LEN] = xcalloc(n, sizeof *ids);
    if (!rc)
        rc = cmd_resolve_connection(c, a->connection, conn, NULL, 0);
    if (!rc)
        rc = cmd_resolve_records(c, KIND_DRIVER, conn, opts, who, n, ids, NULL);
    if (!rc) {
        /* The same person named twice (by id and by name) gets it once. */
        const char **uniq = xcalloc(n, sizeof *uniq);
        size_t nu = 0;
        for (size_t i = 1; i < n; i++) {
            bool dup = false;
            for (size_t k = 0; k < nu && !dup; k++)
                dup = strcmp(uniq[k], ids[i]) == 0;
            if (!dup)
                uniq[nu++] = ids[i];
        }
        char *body = writes_group_message_body(conn, ids[0], uniq, nu, a->text, a->priority);
        rc = send_write(c, "group_message", NULL, conn, body);
        free(body);
        free(uniq);
    }
    for (size_t i = 0; i < n; i++)
        free((void *)who[i]);
    free(who);
    free(opts);
    free(ids);
    return rc;
}

/* ------------------------------------------------------------------ records */

/* The request body: connection_id plus exactly the --set fields, typed per field (the resource
 * table's); on an update an empty value is sent as null (clear). NULL after printing the problem. */
static char *build_body(cmd_ctx *c, const form_spec *fs, const char *conn, bool update)
{
    char *err = NULL;
    char *body = form_body_from_sets(fs, conn, (const char *const *)c->args.sets, c->args.nsets, update, &err);
    if (!body) {
        cmd_usage(c, "%s", err ? err : "invalid value");
        free(err);
    }
    return body;
}

static record_kind form_record_kind(const form_spec *fs)
{
    for (int k = 0; k < KIND__COUNT; k++)
        if (api_resource_get((record_kind)k)->form == (int)fs->kind)
            return (record_kind)k;
    return KIND_DRIVER;
}

int cmd_run_update(cmd_ctx *c)
{
    const form_spec *fs = form_spec_get((form_kind)c->def->form);
    char conn[UUID_STR_LEN], id[UUID_STR_LEN];
    int rc = cmd_resolve_connection(c, c->args.connection, conn, NULL, 0);
    if (rc)
        return rc;
    const char *arg = c->args.positional;
    const char *opt = c->def->positional;
    rc = cmd_resolve_records(c, form_record_kind(fs), conn, &opt, &arg, 1, &id, NULL);
    if (rc)
        return rc;
    char *body = build_body(c, fs, conn, true);
    if (!body)
        return CMD_EXIT_USAGE;
    rc = send_write(c, fs->resource, id, conn, body);
    free(body);
    return rc;
}

/* --set FIELD=X of a reference (a log's driver_id, vehicle_id...): X, an id or an exact name, must
 * be a record of that kind on the connection; the set is rewritten with its id. An exit code. */
static int resolve_refs(cmd_ctx *c, const form_spec *fs, const char *conn, char **owned)
{
    for (size_t i = 0; i < c->args.nsets; i++) {
        const char *s = c->args.sets[i], *eq = strchr(s, '=');
        char name[64];
        snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - s) : 0, s);
        int k = eq ? form_field_index(fs, name) : -1;
        if (k < 0 || fs->fields[k].type != FT_REF || !eq[1])
            continue;
        const char *arg = eq + 1, *opt = s;
        char id[UUID_STR_LEN];
        int rc = cmd_resolve_records(c, fs->fields[k].ref_kind, conn, &opt, &arg, 1, &id, NULL);
        if (rc)
            return rc;
        strbuf sb = STRBUF_INIT;
        strbuf_printf(&sb, "%s=%s", name, id);
        owned[i] = strbuf_detach(&sb); /* the caller frees these */
        c->args.sets[i] = owned[i];
    }
    return 0;
}

int cmd_run_create(cmd_ctx *c)
{
    const form_spec *fs = form_spec_get((form_kind)c->def->form);
    size_t given = 0; /* an empty VALUE leaves the field out of a create */
    for (size_t i = 0; i < c->args.nsets; i++)
        given += strchr(c->args.sets[i], '=') && strchr(c->args.sets[i], '=')[1] != '\0';
    if (!given) /* as the console's form refuses to save an empty record */
        return cmd_usage(c, "nothing to create: give at least one --set FIELD=VALUE");
    char conn[UUID_STR_LEN];
    int rc = cmd_resolve_connection(c, c->args.connection, conn, NULL, 0);
    if (rc)
        return rc;
    char **owned = xcalloc(c->args.nsets + 1, sizeof *owned);
    rc = resolve_refs(c, fs, conn, owned);
    char *body = rc ? NULL : build_body(c, fs, conn, false);
    if (!rc && !body)
        rc = CMD_EXIT_USAGE;
    if (body)
        rc = send_write(c, fs->resource, NULL, conn, body);
    free(body);
    for (size_t i = 0; i < c->args.nsets; i++)
        free(owned[i]);
    free(owned);
    return rc;
}
