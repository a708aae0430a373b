/* cmd_session: the subcommands' session (config, loop, http, auth, api), running calls to
 * completion on the loop, signals, paginated loads into store tables, and JSON output. */
#include "app/cmd_private.h"

#include "common/strbuf.h"
#include "core/api_json.h"
#include "core/api_session.h"
#include "core/text.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

/* ------------------------------------------------------------------ session */

int cmd_open_session(cmd_ctx *c)
{
    const cmd_args *a = &c->args;
    api_session_opts o = {.config_path = a->config_path,
                          .profile = a->profile,
                          .api_url = a->api_url,
                          .auth_url = a->auth_url,
                          .request_timeout_ms = (long)(a->request_timeout_s * 1000)};
    char *err = NULL;
    if (api_session_config(&c->cfg, &o, &err) != 0) {
        cmd_err(c, "%s", err);
        free(err);
        return CMD_EXIT_USAGE;
    }
    config_apply_emoji(&c->cfg, isatty(STDOUT_FILENO)); /* tables are drawn as the terminal will */
    if (!c->cfg.client_id || !c->cfg.client_secret || !*c->cfg.client_id || !*c->cfg.client_secret) {
        cmd_err(c, "no credentials: set CATENA_CLIENT_ID and CATENA_CLIENT_SECRET, or client_id and "
                   "client_secret in the config file");
        return CMD_EXIT_AUTH;
    }
    c->l = loop_new();
    api_session s;
    api_session_open(&s, c->l, &c->cfg);
    c->h = s.h;
    c->au = s.au;
    c->a = s.a;
    return 0;
}

void cmd_close_session(cmd_ctx *c)
{
    api_session s = {c->h, c->au, c->a};
    api_session_close(&s);
    if (c->l)
        loop_free(c->l);
    c->a = NULL;
    c->au = NULL;
    c->h = NULL;
    c->l = NULL;
    config_free(&c->cfg);
    free((void *)c->args.to);
    free((void *)c->args.sets);
}

static void on_signal(void *ud, int signo)
{
    cmd_ctx *c = ud;
    if (signo == SIGINT || signo == SIGTERM || signo == SIGHUP) {
        c->stop = 1;
        c->stop_signal = signo;
    }
}

void cmd_handle_signals(cmd_ctx *c)
{
    if (!c->signals) {
        loop_handle_signals(c->l, on_signal, c);
        c->signals = true;
    }
}

#define PUMP_MAX_WAIT_MS 25

void cmd_pump(cmd_ctx *c)
{
    loop_run_once(c->l, PUMP_MAX_WAIT_MS);
}

static void on_sleep_timer(void *ud)
{
    *(bool *)ud = true;
}

void cmd_sleep(cmd_ctx *c, int64_t ms)
{
    bool fired = false;
    uint64_t id = loop_timer_add(c->l, LOOP_CLOCK_APP, ms, on_sleep_timer, &fired);
    while (!fired && !c->stop)
        cmd_pump(c);
    if (!fired)
        loop_timer_cancel(c->l, id);
}

/* ------------------------------------------------------------------ requests */

typedef struct req_wait {
    cmd_reply *out;
    bool done;
} req_wait;

static void on_reply(void *ud, const api_reply *r)
{
    req_wait *w = ud;
    cmd_reply *o = w->out;
    o->status = r->status;
    o->http_status = r->http_status;
    if (r->body) {
        o->body = xstrndup(r->body, r->body_len);
        o->body_len = r->body_len;
    }
    snprintf(o->message, sizeof o->message, "%s", r->message);
    w->done = true;
}

/* Waits on the loop for the call id (started with on_reply and w); cancels it on a stop signal. */
static void wait_reply(cmd_ctx *c, uint64_t id, req_wait *w)
{
    bool cancelled = false;
    while (!w->done) {
        if (c->stop && !cancelled) {
            api_cancel(c->a, id);
            cancelled = true;
        }
        if (cancelled && !w->done && api_in_flight(c->a) == 0)
            break;
        cmd_pump(c);
    }
    if (!w->done) {
        w->out->status = API_CANCELLED;
        snprintf(w->out->message, sizeof w->out->message, "cancelled");
    }
}

void cmd_get_operation(cmd_ctx *c, const char *conn_id, const char *op_id, cmd_reply *out)
{
    memset(out, 0, sizeof *out);
    req_wait w = {out, false};
    wait_reply(c, api_get_operation(c->a, conn_id, op_id, on_reply, &w), &w);
}

void cmd_reply_free(cmd_reply *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
}

int cmd_exit_for_status(api_status s)
{
    switch (s) {
    case API_OK: return CMD_EXIT_OK;
    case API_AUTH_ERROR: return CMD_EXIT_AUTH;
    case API_CANCELLED: return CMD_EXIT_INTERRUPTED;
    default: return CMD_EXIT_API;
    }
}

int cmd_exit_for_reply(api_status s, long http_status)
{
    if (s == API_HTTP_ERROR && (http_status == 403 || http_status == 404 || http_status == 410 || http_status == 501))
        return CMD_EXIT_REFUSED;
    return cmd_exit_for_status(s);
}

int cmd_load_table(cmd_ctx *c, table *t, const char *path_query)
{
    api_status st = api_load_table_run(c->a, t, path_query, c->cfg.page_size, &c->stop);
    if (st != API_OK && st != API_CANCELLED)
        cmd_err(c, "%s", t->error ? t->error : "the list could not be loaded");
    return cmd_exit_for_status(st);
}

/* ------------------------------------------------------------------ JSON output */

int cmd_print_json_text(const char *text, size_t len)
{
    char *line = api_json_line(text, len);
    if (!line)
        return -1;
    puts(line);
    free(line);
    return 0;
}
