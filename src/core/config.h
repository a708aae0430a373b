/* config: the console's settings from defaults, an XDG config file with profiles,
 * the environment and command-line flags (later wins). */
#ifndef CATENA_CORE_CONFIG_H
#define CATENA_CORE_CONFIG_H

#include <stdbool.h>

#define CATENA_DEFAULT_API_URL "https://api.catenatelematics.com"
#define CATENA_DEFAULT_AUTH_URL "https://auth.catenatelematics.com/realms/catena"

typedef struct config {
    char *api_url;       /* no trailing slash */
    char *auth_url;      /* realm URL; token endpoint is auth_url + /protocol/openid-connect/token */
    char *client_id;
    char *client_secret; /* never printed: use config_describe for diagnostics */
    char *profile;       /* selected profile name, "default" if none */
    char *config_path;   /* file actually read, or NULL */
    char *theme;         /* theme name or path; NULL = built-in default */
    bool no_mouse;       /* "mouse = no": the terminal keeps its own mouse (selecting text) */
    char *sender_id;     /* dispatcher's own user id for messages, may be NULL */
    bool no_color;
    int page_size;       /* 1..1000, default 1000 */
    int poll_pending_ms; /* operations polling while something is pending, default 1000 */
    int poll_idle_ms;    /* default 15000 */
    bool bell_on_failure;/* default true */
    bool flash_on_failure; /* "bell = flash": flash the screen instead of ringing */
    int request_timeout_ms; /* one HTTP request, default 30000 */
    bool allow_insecure_http; /* plain http:// to a host that is not loopback; default false */
    char *log_file;      /* support log (core/supportlog), NULL: none */
    bool log_debug;      /* log_level = debug: bodies too */
    bool live_locations; /* the vehicles' and drivers' lists show live locations; default true */
    int emoji;           /* CONFIG_EMOJI_*: how emoji sequences are measured and drawn (core/text.h) */
} config;

enum { CONFIG_EMOJI_AUTO, CONFIG_EMOJI_PORTABLE, CONFIG_EMOJI_JOINED };

void config_init_defaults(config *c);
/* Reads the config file: path given, or $XDG_CONFIG_HOME/catena-dispatch/config, or
 * ~/.config/catena-dispatch/config. Missing default file is not an error; a missing explicit
 * file is. Format: `key = value` lines, `#` comments, `[profile NAME]` sections; keys before
 * any section apply to every profile; the selected profile's section overrides them.
 * Unknown keys are errors naming file and line. A file that holds client_secret and is open to
 * other users (any group/other permission bit) is refused with the chmod to run, as ssh does.
 * Returns 0 or -1 with *err set (a heap string, caller frees: the error convention, common/err.h). */
int config_load_file(config *c, const char *path, const char *profile, char **err);
/* CATENA_CLIENT_ID, CATENA_CLIENT_SECRET, CATENA_API_URL, CATENA_AUTH_URL, CATENA_PROFILE(unused here), NO_COLOR.
 * CATENA_CLIENT_SECRET is then wiped and removed from the process's environment. */
void config_apply_env(config *c);
/* Sets one key ("api_url", "auth_url", "client_id", "client_secret", "theme", "sender_id",
 * "page_size", "poll_pending_ms", "poll_idle_ms", "request_timeout_ms", "bell", "no_color",
 * "allow_insecure_http", "live_locations", "emoji"). -1 with *err on bad key/value. */
int config_set(config *c, const char *key, const char *value, char **err);
/* Checks URLs (http/https only; plain http only to loopback unless allow_insecure_http) and
 * ranges; -1 with *err. */
int config_validate(const config *c, char **err);
/* Checks one URL setting (name: "api_url" or "auth_url"), as config_validate does; -1 with *err. */
int config_check_url(const char *name, const char *url, bool allow_insecure, char **err);
/* True when the URL's host is loopback (127.0.0.0/8, ::1, localhost). */
bool config_url_is_loopback(const char *url);
/* Host[:port] of a URL into out (for the status bar). */
void config_url_host(const char *url, char *out, unsigned outcap);
/* The config file read when none is given, or NULL (no HOME); heap. */
char *config_default_path(void);
void config_free(config *c);
/* Sets core/text.h's emoji mode from the emoji setting; auto asks text_emoji_detect when
 * on_terminal (headless runs: portable, so that their screens do not depend on where they run). */
void config_apply_emoji(const config *c, bool on_terminal);

#endif
