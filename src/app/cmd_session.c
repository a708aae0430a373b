/* cmd_session: the subcommands' session (config, loop, http, auth, api), running calls to
 * completion on the loop, signals, paginated loads into store tables, and JSON output. */
#include "app/cmd_private.h"

#include "common/strbuf.h"
#include "core/decode.h"
#include "core/text.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ session */

static int build_config(cmd_ctx *c)
{
    char *err = NULL;
    config *cfg = &c->cfg;
    const cmd_args *a = &c->args;
    const char *profile = a->profile ? a->profile : getenv("CATENA_PROFILE");
    if (config_load_file(cfg, a->config_path, profile, &err) != 0)
        goto fail;
    config_apply_env(cfg);
    if ((a->api_url && config_set(cfg, "api_url", a->api_url, &err)) ||
        (a->auth_url && config_set(cfg, "auth_url", a->auth_url, &err)))
        goto fail;
    if (config_validate(cfg, &err) != 0)
        goto fail;
    return 0;
fail:
    cmd_err(c, "%s", err ? err : "configuration error");
    free(err);
    return CMD_EXIT_USAGE;
}

int cmd_open_session(cmd_ctx *c)
{
    int rc = build_config(c);
    if (rc)
        return rc;
    if (!c->cfg.client_id || !c->cfg.client_secret || !*c->cfg.client_id || !*c->cfg.client_secret) {
        cmd_err(c, "no credentials: set CATENA_CLIENT_ID and CATENA_CLIENT_SECRET, or client_id and "
                   "client_secret in the config file");
        return CMD_EXIT_AUTH;
    }
    c->l = loop_new();
    c->h = http_client_new(c->l);
    if (c->args.request_timeout_s > 0)
        http_set_default_timeout(c->h, (long)(c->args.request_timeout_s * 1000));
    c->au = auth_new(c->l, c->h, c->cfg.auth_url, c->cfg.client_id, c->cfg.client_secret);
    c->a = api_new(c->l, c->h, c->au, c->cfg.api_url);
    return 0;
}

void cmd_close_session(cmd_ctx *c)
{
    if (c->a)
        api_free(c->a);
    if (c->au)
        auth_free(c->au);
    if (c->h)
        http_client_free(c->h);
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

void cmd_request(cmd_ctx *c, const char *method, const char *path, const char *body, cmd_reply *out)
{
    memset(out, 0, sizeof *out);
    req_wait w = {out, false};
    uint64_t id = api_call(c->a, method, path, body, on_reply, &w);
    bool cancelled = false;
    while (!w.done) {
        if (c->stop && !cancelled) {
            api_cancel(c->a, id);
            cancelled = true;
        }
        if (cancelled && !w.done && api_in_flight(c->a) == 0)
            break;
        cmd_pump(c);
    }
    if (!w.done) {
        out->status = API_CANCELLED;
        snprintf(out->message, sizeof out->message, "cancelled");
    }
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

int cmd_load_table(cmd_ctx *c, table *t, const char *path_query)
{
    char *cursor = NULL;
    int pages = 0;
    t->state = LOAD_RUNNING;
    for (;;) {
        strbuf q = STRBUF_INIT;
        strbuf_printf(&q, "%s%csize=%d", path_query, strchr(path_query, '?') ? '&' : '?',
                      c->cfg.page_size > 0 ? c->cfg.page_size : 1000);
        if (cursor) {
            strbuf_puts(&q, "&cursor=");
            strbuf_put_urlencoded(&q, cursor);
        }
        free(cursor);
        cursor = NULL;
        cmd_reply r;
        cmd_request(c, "GET", q.data, NULL, &r);
        strbuf_free(&q);
        if (r.status != API_OK) {
            int rc = cmd_exit_for_status(r.status);
            if (r.status != API_CANCELLED)
                cmd_err(c, "%s", r.message);
            cmd_reply_free(&r);
            t->state = LOAD_FAILED;
            return rc;
        }
        page_info info;
        char *err = NULL;
        int bad = decode_page(t, r.body, r.body_len, &info, &err);
        cmd_reply_free(&r);
        if (bad) {
            cmd_err(c, "could not read the server's answer: %s", err);
            free(err);
            t->state = LOAD_FAILED;
            return CMD_EXIT_API;
        }
        if (info.total >= 0)
            t->total = info.total;
        cursor = info.next_cursor;
        if (!cursor || info.items == 0 || ++pages >= 100000)
            break;
    }
    free(cursor);
    t->state = LOAD_DONE;
    return CMD_EXIT_OK;
}

/* ------------------------------------------------------------------ JSON output */

static char *cjson_dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = cJSON_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void sanitize_item(cJSON *it)
{
    if (it->string && !(it->type & cJSON_StringIsConst)) {
        char *s = text_sanitize_str(it->string);
        if (strcmp(s, it->string) != 0) {
            char *d = cjson_dup(s);
            if (d) {
                cJSON_free(it->string);
                it->string = d;
            }
        }
        free(s);
    }
    if (cJSON_IsString(it) && it->valuestring && !(it->type & cJSON_IsReference)) {
        char *s = text_sanitize(it->valuestring, strlen(it->valuestring), true);
        if (strcmp(s, it->valuestring) != 0) {
            char *d = cjson_dup(s);
            if (d) {
                cJSON_free(it->valuestring);
                it->valuestring = d;
            }
        }
        free(s);
    }
    for (cJSON *ch = it->child; ch; ch = ch->next)
        sanitize_item(ch);
}

void cmd_json_sanitize(cJSON *j)
{
    if (j)
        sanitize_item(j);
}

void cmd_print_json(cJSON *obj)
{
    cmd_json_sanitize(obj);
    char *s = cJSON_PrintUnformatted(obj);
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
        cJSON_free(s);
    }
}

int cmd_print_json_text(const char *text, size_t len)
{
    cJSON *root = text ? cJSON_ParseWithLength(text, len) : NULL;
    if (!root)
        return -1;
    cmd_print_json(root);
    cJSON_Delete(root);
    return 0;
}
