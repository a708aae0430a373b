/* config_keys: see config_keys.h. */
#include "core/config_keys.h"

#include "common/err.h"
#include "common/strbuf.h"

#include <string.h>

static const config_key_info keys[] = {
    {"api_url", "URL", CATENA_DEFAULT_API_URL, "http://127.0.0.1:8080",
     "Base URL of the Catena API (https://; plain http:// only to this machine unless allow_insecure_http).", false},
    {"auth_url", "URL", CATENA_DEFAULT_AUTH_URL, "http://127.0.0.1:8080/realms/catena",
     "URL of the sign-in realm; the token endpoint is URL/protocol/openid-connect/token.", false},
    {"client_id", "TEXT", NULL, "my-client", "OAuth2 client id of the API client (client credentials).", false},
    {"client_secret", "TEXT", NULL, "my-secret",
     "Its secret. A file that holds it must be readable by its owner only (chmod 600).", true},
    {"sender_id", "USER_ID", NULL, "00000000-0000-0000-0000-000000000001",
     "Your own user id: the default sender of messages (else the connection's first dispatcher).", false},
    {"theme", "NAME|FILE", "default", "mono",
     "Colour theme: default, mono, eight, NAME (themes/NAME.theme in the user's or the installed themes "
     "directory) or a path to a theme file.",
     false},
    {"no_color", "yes|no", "no", "yes", "Attributes only, no colours (as NO_COLOR=1 or --no-color).", false},
    {"page_size", "1..1000", "1000", "500", "Records asked for per request when loading a list.", false},
    {"poll_pending_ms", "100..3600000", "1000", "2000",
     "How often operations are polled while one is pending, in milliseconds.", false},
    {"poll_idle_ms", "100..3600000", "15000", "30000",
     "How often operations are polled when nothing is pending, in milliseconds.", false},
    {"request_timeout_ms", "500..600000", "30000", "10000", "How long one HTTP request may take, in milliseconds.",
     false},
    {"bell", "yes|no|flash", "yes", "flash", "What a failed operation does: ring the bell, nothing, or flash the screen.",
     false},
    {"live_locations", "yes|no", "yes", "no",
     "The vehicles and drivers lists show where each vehicle is (live locations, refreshed every poll_idle_ms).",
     false},
    {"mouse", "yes|no", "yes", "no",
     "Clicks select a row (the selected row again opens it) or a tab, the wheel scrolls; no leaves the mouse "
     "to the terminal (selecting text).",
     false},
    {"emoji", "auto|portable|joined", "auto", "portable",
     "How emoji sequences are drawn: joined draws a ZWJ sequence (a family, a profession) as one "
     "character, as tmux 3.3 and later do; portable draws its pictographs side by side, the same on "
     "every terminal; auto is joined inside tmux 3.3 or later, else portable.",
     false},
    {"allow_insecure_http", "yes|no", "no", "yes",
     "Accept plain http:// to another machine (the secret and the token cross the network unencrypted).", false},
    {"log_file", "FILE", NULL, "/tmp/catena-dispatch.log",
     "Support log: one line per request and per answer with timing, status and sizes (as --log FILE). "
     "Never the secret or a token.",
     false},
    {"log_level", "info|debug", "info", "debug", "debug adds the bodies of requests and answers to the support log.",
     false},
};

const config_key_info *config_keys(size_t *n)
{
    *n = sizeof keys / sizeof keys[0];
    return keys;
}

const config_key_info *config_key_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

static char *str_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

char *config_key_value(const config *c, const char *name)
{
    const char *yn[] = {"no", "yes"};
    if (!strcmp(name, "api_url"))
        return str_or_null(c->api_url);
    if (!strcmp(name, "auth_url"))
        return str_or_null(c->auth_url);
    if (!strcmp(name, "client_id"))
        return str_or_null(c->client_id);
    if (!strcmp(name, "client_secret"))
        return str_or_null(c->client_secret);
    if (!strcmp(name, "sender_id"))
        return str_or_null(c->sender_id);
    if (!strcmp(name, "theme"))
        return xstrdup(c->theme ? c->theme : "default");
    if (!strcmp(name, "no_color"))
        return xstrdup(yn[c->no_color]);
    if (!strcmp(name, "page_size"))
        return xasprintf("%d", c->page_size);
    if (!strcmp(name, "poll_pending_ms"))
        return xasprintf("%d", c->poll_pending_ms);
    if (!strcmp(name, "poll_idle_ms"))
        return xasprintf("%d", c->poll_idle_ms);
    if (!strcmp(name, "request_timeout_ms"))
        return xasprintf("%d", c->request_timeout_ms);
    if (!strcmp(name, "bell"))
        return xstrdup(c->flash_on_failure ? "flash" : yn[c->bell_on_failure]);
    if (!strcmp(name, "live_locations"))
        return xstrdup(yn[c->live_locations]);
    if (!strcmp(name, "emoji")) {
        static const char *const modes[] = {"auto", "portable", "joined"};
        return xstrdup(modes[c->emoji >= 0 && c->emoji < 3 ? c->emoji : 0]);
    }
    if (!strcmp(name, "mouse"))
        return xstrdup(yn[!c->no_mouse]);
    if (!strcmp(name, "allow_insecure_http"))
        return xstrdup(yn[c->allow_insecure_http]);
    if (!strcmp(name, "log_file"))
        return str_or_null(c->log_file);
    if (!strcmp(name, "log_level"))
        return xstrdup(c->log_debug ? "debug" : "info");
    return NULL;
}
