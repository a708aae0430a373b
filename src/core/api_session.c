/* api_session: settings and the http -> auth -> api chain, built once (see api_session.h). */
#include "core/api_session.h"

#include "common/strbuf.h"
#include "core/supportlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int api_session_config(config *cfg, const api_session_opts *o, char **err)
{
    char *e = NULL;
    const char *profile = o->profile ? o->profile : getenv("CATENA_PROFILE");
    if (config_load_file(cfg, o->config_path, profile, &e) != 0)
        goto fail;
    config_apply_env(cfg);
    if ((o->api_url && config_set(cfg, "api_url", o->api_url, &e)) ||
        (o->auth_url && config_set(cfg, "auth_url", o->auth_url, &e)) ||
        (o->theme && config_set(cfg, "theme", o->theme, &e)))
        goto fail;
    if (o->request_timeout_ms > 0)
        cfg->request_timeout_ms = (int)(o->request_timeout_ms < 3600000 ? o->request_timeout_ms : 3600000);
    if (config_validate(cfg, &e) != 0)
        goto fail;
    if (supportlog_flag_path() && config_set(cfg, "log_file", supportlog_flag_path(), &e) != 0)
        goto fail;
    if (cfg->log_file && supportlog_open(cfg->log_file, cfg->log_debug, &e) != 0)
        goto fail;
    return 0;
fail:
    *err = e ? e : xstrdup("configuration error");
    return -1;
}

void api_session_open_with(api_session *s, loop *l, const config *cfg, const char *api_url, const char *auth_url,
                           const char *client_id, const char *client_secret)
{
    s->h = http_client_new(l);
    supportlog_attach(s->h, client_secret); /* when --log or log_file asked for one */
    http_set_default_timeout(s->h, cfg->request_timeout_ms);
    s->au = auth_new(l, s->h, auth_url, client_id, client_secret);
    s->a = api_new(l, s->h, s->au, api_url);
}

void api_session_open(api_session *s, loop *l, const config *cfg)
{
    api_session_open_with(s, l, cfg, cfg->api_url, cfg->auth_url, cfg->client_id, cfg->client_secret);
}

void api_session_close(api_session *s)
{
    api_free(s->a);
    auth_free(s->au);
    http_client_free(s->h);
    memset(s, 0, sizeof *s);
}
