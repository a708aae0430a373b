/* config: defaults < config file (common keys < selected profile) < environment < flags.
 *
 * Error messages name files, lines and keys; they echo only rejected number/boolean
 * values, never a line or a string value (it could be the client secret). */
#include "core/config.h"
#include "core/text.h"
#include "core/config_keys.h"

#include "common/err.h"
#include "common/strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE_SIZE_MIN 1
#define PAGE_SIZE_MAX 1000
#define POLL_MS_MIN 100
#define POLL_MS_MAX 3600000

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static void set_str(char **slot, const char *value)
{
    free(*slot);
    *slot = dup_or_null(value);
}

void config_init_defaults(config *c)
{
    memset(c, 0, sizeof *c);
    c->api_url = xstrdup(CATENA_DEFAULT_API_URL);
    c->auth_url = xstrdup(CATENA_DEFAULT_AUTH_URL);
    c->profile = xstrdup("default");
    c->page_size = PAGE_SIZE_MAX;
    c->poll_pending_ms = 1000;
    c->poll_idle_ms = 15000;
    c->bell_on_failure = true;
    c->request_timeout_ms = 30000;
    c->live_locations = true;
}

static void config_copy(config *dst, const config *src)
{
    *dst = *src;
    char **strs[] = {&dst->api_url, &dst->auth_url, &dst->client_id, &dst->client_secret,
                     &dst->profile, &dst->config_path, &dst->theme, &dst->sender_id, &dst->log_file};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        *strs[i] = dup_or_null(*strs[i]);
}

void config_free(config *c)
{
    if (!c)
        return;
    free(c->api_url);
    free(c->auth_url);
    free(c->client_id);
    if (c->client_secret) {
        /* Do not leave the secret lying around in freed heap memory. */
        volatile char *p = c->client_secret;
        while (*p)
            *p++ = '\0';
        free(c->client_secret);
    }
    free(c->profile);
    free(c->config_path);
    free(c->theme);
    free(c->sender_id);
    free(c->log_file);
    memset(c, 0, sizeof *c);
}

/* ------------------------------------------------------------------ values */

/* Digits only (no sign, no spaces), within [lo, hi]. */
static bool parse_int(const char *s, long lo, long hi, int *out)
{
    long v = 0;
    if (!s || !*s)
        return false;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
        if (v > hi)
            return false;
    }
    if (v < lo)
        return false;
    *out = (int)v;
    return true;
}

static bool parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    if (!s)
        return false;
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* Only echo a value in a message when it is short, printable ASCII. */
static const char *printable_or(const char *s, const char *fallback)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
        if (*p < 0x20 || *p >= 0x7F || *p == '\'' || n >= 64)
            return fallback;
    return s;
}

static void set_url(char **slot, const char *value)
{
    size_t n = strlen(value);
    const char *sep = strstr(value, "://");
    size_t min = sep ? (size_t)(sep - value) + 3 : 0; /* keep the "//" of the scheme */
    while (n > min && value[n - 1] == '/')
        n--;
    free(*slot);
    *slot = xstrndup(value, n);
}

int config_set(config *c, const char *key, const char *value, char **err)
{
    if (!key)
        return err_set(err, "missing setting name");
    if (!value)
        return err_set(err, "%s: missing value", printable_or(key, "setting"));
    if (!config_key_find(key)) /* the key table (config_keys.c) is the one list of settings */
        return err_set(err, "unknown setting '%s'", printable_or(key, "?"));

    if (strcmp(key, "api_url") == 0) {
        set_url(&c->api_url, value);
    } else if (strcmp(key, "auth_url") == 0) {
        set_url(&c->auth_url, value);
    } else if (strcmp(key, "client_id") == 0) {
        set_str(&c->client_id, *value ? value : NULL);
    } else if (strcmp(key, "client_secret") == 0) {
        set_str(&c->client_secret, *value ? value : NULL);
    } else if (strcmp(key, "mouse") == 0) {
        bool on;
        if (!parse_bool(value, &on))
            return err_set(err, "mouse must be yes/no, true/false, on/off or 1/0 (got '%s')", printable_or(value, "?"));
        c->no_mouse = !on;
    } else if (strcmp(key, "theme") == 0) {
        set_str(&c->theme, *value ? value : NULL);
    } else if (strcmp(key, "sender_id") == 0) {
        set_str(&c->sender_id, *value ? value : NULL);
    } else if (strcmp(key, "page_size") == 0) {
        if (!parse_int(value, PAGE_SIZE_MIN, PAGE_SIZE_MAX, &c->page_size))
            return err_set(err, "page_size must be a whole number from %d to %d (got '%s')",
                           PAGE_SIZE_MIN, PAGE_SIZE_MAX, printable_or(value, "?"));
    } else if (strcmp(key, "poll_pending_ms") == 0 || strcmp(key, "poll_idle_ms") == 0) {
        int *slot = key[5] == 'p' ? &c->poll_pending_ms : &c->poll_idle_ms;
        if (!parse_int(value, POLL_MS_MIN, POLL_MS_MAX, slot))
            return err_set(err, "%s must be a whole number of milliseconds from %d to %d (got '%s')",
                           key, POLL_MS_MIN, POLL_MS_MAX, printable_or(value, "?"));
    } else if (strcmp(key, "request_timeout_ms") == 0) {
        if (!parse_int(value, 500, 600000, &c->request_timeout_ms))
            return err_set(err,
                           "request_timeout_ms must be a whole number of milliseconds from 500 to 600000 (got '%s')",
                           printable_or(value, "?"));
    } else if (strcmp(key, "log_file") == 0) {
        set_str(&c->log_file, *value ? value : NULL);
    } else if (strcmp(key, "log_level") == 0) {
        if (strcmp(value, "info") != 0 && strcmp(value, "debug") != 0)
            return err_set(err, "log_level must be info or debug (got '%s')", printable_or(value, "?"));
        c->log_debug = value[0] == 'd';
    } else if (strcmp(key, "bell") == 0 && strcmp(value, "flash") == 0) {
        c->bell_on_failure = true; /* a failure flashes the screen instead of ringing */
        c->flash_on_failure = true;
    } else if (strcmp(key, "emoji") == 0) {
        static const char *const modes[] = {"auto", "portable", "joined"};
        int m = 0;
        while (m < 3 && strcmp(value, modes[m]) != 0)
            m++;
        if (m == 3)
            return err_set(err, "emoji must be auto, portable or joined (got '%s')", printable_or(value, "?"));
        c->emoji = m;
    } else if (strcmp(key, "live_locations") == 0) {
        if (!parse_bool(value, &c->live_locations))
            return err_set(err, "live_locations must be yes/no, true/false, on/off or 1/0 (got '%s')",
                           printable_or(value, "?"));
    } else if (strcmp(key, "allow_insecure_http") == 0) {
        if (!parse_bool(value, &c->allow_insecure_http))
            return err_set(err, "allow_insecure_http must be yes/no, true/false, on/off or 1/0 (got '%s')",
                           printable_or(value, "?"));
    } else if (strcmp(key, "bell") == 0 || strcmp(key, "no_color") == 0) {
        bool *slot = key[0] == 'b' ? &c->bell_on_failure : &c->no_color;
        if (key[0] == 'b')
            c->flash_on_failure = false;
        if (!parse_bool(value, slot))
            return err_set(err, "%s must be yes/no, true/false, on/off or 1/0%s (got '%s')", key,
                           key[0] == 'b' ? " or flash" : "", printable_or(value, "?"));
    } else {
        return err_set(err, "unknown setting '%s'", printable_or(key, "?"));
    }
    return 0;
}

/* Removes NAME from the environment after zeroing its value where it is stored (for a variable we
 * were started with, the block /proc/PID/environ shows), so neither a child nor a reader of /proc
 * sees it. */
static void scrub_env(const char *name)
{
    size_t n = strlen(name);
    for (char **e = environ; e && *e; e++)
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
            memset(*e + n + 1, 0, strlen(*e + n + 1));
    unsetenv(name);
}

void config_apply_env(config *c)
{
    static const struct {
        const char *var, *key;
    } map[] = {
        {"CATENA_CLIENT_ID", "client_id"},
        {"CATENA_CLIENT_SECRET", "client_secret"},
        {"CATENA_API_URL", "api_url"},
        {"CATENA_AUTH_URL", "auth_url"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        const char *v = getenv(map[i].var);
        if (v && *v)
            config_set(c, map[i].key, v, NULL);
    }
    scrub_env("CATENA_CLIENT_SECRET"); /* read once: $EDITOR and other children must not inherit it */
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        c->no_color = true;
}

int config_validate(const config *c, char **err)
{
    if (config_check_url("api_url", c->api_url, c->allow_insecure_http, err) < 0 ||
        config_check_url("auth_url", c->auth_url, c->allow_insecure_http, err) < 0)
        return -1;
    if (c->page_size < PAGE_SIZE_MIN || c->page_size > PAGE_SIZE_MAX)
        return err_set(err, "page_size must be from %d to %d", PAGE_SIZE_MIN, PAGE_SIZE_MAX);
    if (c->poll_pending_ms < POLL_MS_MIN || c->poll_pending_ms > POLL_MS_MAX)
        return err_set(err, "poll_pending_ms must be from %d to %d", POLL_MS_MIN, POLL_MS_MAX);
    if (c->poll_idle_ms < POLL_MS_MIN || c->poll_idle_ms > POLL_MS_MAX)
        return err_set(err, "poll_idle_ms must be from %d to %d", POLL_MS_MIN, POLL_MS_MAX);
    return 0;
}

/* ------------------------------------------------------------------ the file */

static char *trim(char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Unquotes a "..." value in place (\" and \\ are escapes). False if the closing quote is
 * missing or something follows it. */
static bool unquote(char *v)
{
    char *w = v;
    for (size_t i = 1; v[i]; i++) {
        if (v[i] == '\\' && (v[i + 1] == '"' || v[i + 1] == '\\')) {
            *w++ = v[++i];
        } else if (v[i] == '"') {
            if (v[i + 1] != '\0')
                return false;
            *w = '\0';
            return true;
        } else {
            *w++ = v[i];
        }
    }
    return false;
}

static bool valid_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
            return false;
    return true;
}

static void add_profile_name(strbuf *names, const char *name)
{
    /* names holds ", a, b" style entries; skip duplicates. */
    size_t n = strlen(name);
    const char *p = names->data;
    while (p && (p = strstr(p, name)) != NULL) {
        bool starts = p == names->data || (p >= names->data + 2 && p[-2] == ',');
        if (starts && (p[n] == ',' || p[n] == '\0'))
            return;
        p++;
    }
    if (names->len)
        strbuf_puts(names, ", ");
    strbuf_puts(names, name);
}

char *config_default_path(void)
{
    strbuf sb = STRBUF_INIT;
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    if (xdg && xdg[0] == '/') /* the XDG spec says relative values are ignored */
        strbuf_printf(&sb, "%s/catena-dispatch/config", xdg);
    else if (home && *home)
        strbuf_printf(&sb, "%s/.config/catena-dispatch/config", home);
    else
        return NULL;
    return strbuf_detach(&sb);
}

/* Parses the open file into c. Keys of sections other than the selected profile are
 * checked against a scratch config so that mistakes are reported wherever they are. */
static int parse_file(FILE *f, const char *path, const char *profile, config *c,
                      bool *found, bool *has_secret, strbuf *names, char **err)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    unsigned lineno = 0;
    int rc = 0;
    config scratch;
    config *target = c; /* common keys apply to the selected profile */
    char *sub = NULL;

    config_init_defaults(&scratch);
    while ((got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        char *s = line;
        if (lineno == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
            s += 3; /* UTF-8 byte order mark */
        if ((size_t)got != strlen(line)) {
            rc = err_set(err, "%s:%u: line contains a NUL byte", path, lineno);
            break;
        }
        s = trim(s);
        if (*s == '\0' || *s == '#')
            continue;
        if (*s == '[') {
            size_t n = strlen(s);
            if (s[n - 1] != ']') {
                rc = err_set(err, "%s:%u: expected [profile NAME]", path, lineno);
                break;
            }
            s[n - 1] = '\0';
            char *inner = trim(s + 1);
            if (strncmp(inner, "profile", 7) != 0 || !isspace((unsigned char)inner[7])) {
                rc = err_set(err, "%s:%u: expected [profile NAME]", path, lineno);
                break;
            }
            char *name = trim(inner + 7);
            if (!valid_name(name)) {
                rc = err_set(err, "%s:%u: bad profile name (use letters, digits, '_', '-', '.')",
                             path, lineno);
                break;
            }
            add_profile_name(names, name);
            if (strcmp(name, profile) == 0) {
                *found = true;
                target = c;
            } else {
                target = &scratch;
            }
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            rc = err_set(err, "%s:%u: expected 'key = value'", path, lineno);
            break;
        }
        *eq = '\0';
        char *key = trim(s);
        char *value = trim(eq + 1);
        if (!valid_name(key)) {
            rc = err_set(err, "%s:%u: expected 'key = value'", path, lineno);
            break;
        }
        if (*value == '"' && !unquote(value)) {
            rc = err_set(err, "%s:%u: %s: unterminated or malformed quoted value", path, lineno,
                         printable_or(key, "value"));
            break;
        }
        if (strcmp(key, "client_secret") == 0 && *value)
            *has_secret = true;
        if (config_set(target, key, value, &sub) < 0) {
            rc = err_set(err, "%s:%u: %s", path, lineno, sub);
            break;
        }
    }
    if (rc == 0 && ferror(f))
        rc = err_set(err, "%s: read error", path);
    if (line) {
        memset(line, 0, cap); /* may have held the secret */
        free(line);
    }
    free(sub);
    config_free(&scratch);
    return rc;
}

static int load_resolved(config *c, const char *path, bool explicit_path, const char *prof,
                         char **err)
{
    bool is_default = strcmp(prof, "default") == 0;
    FILE *f = fopen(path, "re");
    if (!f) {
        if (errno == ENOENT && !explicit_path) {
            if (!is_default)
                return err_set(err, "profile '%s' requested but %s does not exist",
                               printable_or(prof, "?"), path);
            set_str(&c->profile, prof);
            return 0;
        }
        return err_set(err, "cannot read config file %s: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        return err_set(err, "cannot read config file %s: %s", path, strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        fclose(f);
        return err_set(err, "cannot read config file %s: it is a directory", path);
    }

    /* Work on a copy so that a failed load leaves *c untouched. */
    config tmp;
    config_copy(&tmp, c);
    bool found = false, has_secret = false;
    strbuf names = STRBUF_INIT;
    int rc = parse_file(f, path, prof, &tmp, &found, &has_secret, &names, err);
    fclose(f);
    if (rc == 0 && has_secret && (st.st_mode & (S_IRWXG | S_IRWXO)))
        rc = err_set(err, "%s holds client_secret and other users can access it (mode %04o): run chmod 600 %s",
                     path, (unsigned)(st.st_mode & 0777), path);
    if (rc == 0 && !found && !is_default)
        rc = err_set(err, "%s: profile '%s' not found (%s%s)", path, printable_or(prof, "?"),
                     names.len ? "profiles: " : "no profiles defined",
                     names.len ? names.data : "");
    strbuf_free(&names);
    if (rc < 0) {
        config_free(&tmp);
        return -1;
    }
    set_str(&tmp.profile, prof);
    set_str(&tmp.config_path, path);
    config_free(c);
    *c = tmp;
    return 0;
}

int config_load_file(config *c, const char *path, const char *profile, char **err)
{
    const char *prof = (profile && *profile) ? profile : "default";
    if (path)
        return load_resolved(c, path, true, prof, err);
    char *resolved = config_default_path();
    if (!resolved) {
        if (strcmp(prof, "default") != 0)
            return err_set(err, "profile '%s' requested but there is no config file (HOME is not set)",
                           printable_or(prof, "?"));
        set_str(&c->profile, prof);
        return 0;
    }
    int rc = load_resolved(c, resolved, false, prof, err);
    free(resolved);
    return rc;
}

void config_apply_emoji(const config *c, bool on_terminal)
{
    text_emoji_mode m = c->emoji == CONFIG_EMOJI_JOINED     ? TEXT_EMOJI_JOINED
                        : c->emoji == CONFIG_EMOJI_PORTABLE ? TEXT_EMOJI_PORTABLE
                        : on_terminal                       ? text_emoji_detect()
                                                            : TEXT_EMOJI_PORTABLE;
    text_set_emoji_mode(m);
}
