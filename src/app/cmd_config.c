/* cmd_config: `catena-dispatch config init|check|show`: first sign-in in one step (asks, signs in,
 * lists the connections, writes a 0600 profile), a check of the config file, and the effective
 * settings with where each came from. */
#include "app/cmd_config.h"
#include "app/cmd_config_file.h"
#include "app/cmd_private.h"

#include "common/err.h"
#include "common/strbuf.h"
#include "core/api_resources.h"
#include "core/api_session.h"
#include "core/config_keys.h"
#include "core/supportlog.h"
#include "core/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static int run_init(cmd_ctx *c);
static int run_check(cmd_ctx *c);
static int run_show(cmd_ctx *c);

static const cmd_def CONFIG_DEFS[] = {
    {"config init", run_init, 0, 0, NULL, "[--profile NAME] [--config FILE] [--api-url URL] [--auth-url URL] [--force]",
     "set up a profile: asks for the API URL, client id and secret, signs in, lists the connections and "
     "writes the profile to the config file (mode 600)",
     "The secret is not echoed; without a terminal the answers are read from stdin, one a line. An existing\n"
     "profile is replaced only when you say so (or with --force). Nothing is written unless the sign-in works.\n",
     -1},
    {"config check", run_check, 0, 0, NULL, "[--profile NAME] [--config FILE]",
     "check the config file (every unknown key, bad value, its permissions) and sign in with the profile",
     "Exits 0 when all is well, 2 when the file has problems (each is named with its line), 3 when the\n"
     "credentials are refused, 4 when the API cannot be reached.\n",
     -1},
    {"config show", run_show, 0, 0, NULL, "[--profile NAME] [--config FILE] [--api-url URL] [--auth-url URL] [--theme T]",
     "print the effective settings and where each came from (default, file, environment, flag); the "
     "secret is masked",
     NULL, -1},
};
#define NCONFIG (sizeof CONFIG_DEFS / sizeof CONFIG_DEFS[0])

const cmd_def *cmd_config_def_at(size_t i)
{
    return i < NCONFIG ? &CONFIG_DEFS[i] : NULL;
}

typedef struct cfg_opts {
    const char *theme;
    bool force;
} cfg_opts;
static cfg_opts xopts;

/* ------------------------------------------------------------------ the file */

static char *config_path(const cmd_ctx *c)
{
    return c->args.config_path ? xstrdup(c->args.config_path) : config_default_path();
}

static const char *profile_name(const cmd_ctx *c)
{
    const char *p = c->args.profile ? c->args.profile : getenv("CATENA_PROFILE");
    return p && *p ? p : "default";
}

/* ------------------------------------------------------------------ asking */

/* One answer line (heap, without the newline), or NULL at the end of input. The prompt goes to
 * stderr so that stdout stays the command's output. */
static char *ask(const char *prompt, const char *def, bool secret)
{
    if (def)
        fprintf(stderr, "%s [%s]: ", prompt, def);
    else
        fprintf(stderr, "%s: ", prompt);
    fflush(stderr);
    struct termios old, quiet;
    bool tty = secret && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        quiet = old;
        quiet.c_lflag &= (tcflag_t)~ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    } else if (!isatty(STDIN_FILENO)) {
        fputc('\n', stderr);
    }
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if (n == 0 && def) {
        free(line);
        return xstrdup(def);
    }
    return line;
}

static void free_secret(char *s)
{
    if (s) {
        volatile char *p = s;
        while (*p)
            *p++ = '\0';
        free(s);
    }
}

/* ------------------------------------------------------------------ signing in */

/* Signs in with c->cfg and loads the connections; prints them (description, TSP, status) when
 * list is set. Returns an exit code. */
static int sign_in(cmd_ctx *c, bool list)
{
    char *err = NULL;
    if (!c->cfg.log_file && supportlog_flag_path() && supportlog_open(supportlog_flag_path(), false, &err) != 0) {
        cmd_err(c, "%s", err); /* init builds its settings itself: --log is opened here */
        free(err);
        return CMD_EXIT_USAGE;
    }
    c->l = loop_new();
    api_session s;
    api_session_open(&s, c->l, &c->cfg);
    c->h = s.h;
    c->au = s.au;
    c->a = s.a;
    const api_resource *r = api_resource_get(KIND_CONNECTION);
    char *q = api_resource_list_path(r, "", NULL);
    table t;
    table_init(&t, KIND_CONNECTION);
    int rc = cmd_load_table(c, &t, q);
    free(q);
    if (rc == 0) {
        printf("Signed in to %s: %zu connection%s\n", c->cfg.api_url, t.count, t.count == 1 ? "" : "s");
        for (size_t i = 0; list && i < t.count; i++) {
            char cell[256];
            strbuf line = STRBUF_INIT;
            for (int k = 1; k < r->ncli_cols && k <= 3; k++) {
                api_cell(&r->cli_cols[k], &t, table_row(&t, i), cell, sizeof cell);
                strbuf_printf(&line, "%s%s", k > 1 ? " · " : "  ", cell);
            }
            puts(strbuf_cstr(&line));
            strbuf_free(&line);
        }
    }
    table_clear(&t);
    return rc;
}

/* ------------------------------------------------------------------ init */

static int run_init(cmd_ctx *c)
{
    const char *profile = profile_name(c);
    char *path = config_path(c);
    if (!path) {
        cmd_err(c, "no config file: HOME is not set (give --config FILE)");
        return CMD_EXIT_USAGE;
    }
    char *old = cfgfile_read(path);
    int rc = CMD_EXIT_OK;
    char *api_url = NULL, *auth_url = NULL, *id = NULL, *secret = NULL, *err = NULL;
    if (old && cfgfile_has_profile(old, profile) && !xopts.force) {
        char *q = xasprintf("Profile '%s' is already in %s. Replace it? (y/N)", profile, path);
        char *yes = ask(q, NULL, false);
        free(q);
        bool ok = yes && (yes[0] == 'y' || yes[0] == 'Y');
        free(yes);
        if (!ok) {
            cmd_err(c, "left profile '%s' in %s unchanged", profile, path);
            rc = CMD_EXIT_REJECTED;
            goto out;
        }
    }
    api_url = ask("API URL", c->args.api_url ? c->args.api_url : CATENA_DEFAULT_API_URL, false);
    if (!api_url)
        goto eof;
    if (config_set(&c->cfg, "api_url", api_url, &err) != 0)
        goto bad;
    /* Catena's own API signs in at Catena's realm; another (an emulator) serves it under its URL. */
    char *auth_def = c->args.auth_url ? xstrdup(c->args.auth_url)
                     : strcmp(c->cfg.api_url, CATENA_DEFAULT_API_URL) == 0
                         ? xstrdup(CATENA_DEFAULT_AUTH_URL)
                         : xasprintf("%s/realms/catena", c->cfg.api_url);
    auth_url = ask("Sign-in (auth) URL", auth_def, false);
    free(auth_def);
    if (!auth_url)
        goto eof;
    if (config_set(&c->cfg, "auth_url", auth_url, &err) != 0)
        goto bad;
    id = ask("Client id", NULL, false);
    if (!id)
        goto eof;
    secret = ask("Client secret (not shown)", NULL, true);
    if (!secret)
        goto eof;
    if (!*id || !*secret) {
        cmd_err(c, "the client id and the secret must not be empty");
        rc = CMD_EXIT_USAGE;
        goto out;
    }
    config_set(&c->cfg, "client_id", id, NULL);
    config_set(&c->cfg, "client_secret", secret, NULL);
    if (config_validate(&c->cfg, &err) != 0)
        goto bad;
    rc = sign_in(c, true);
    if (rc != 0) {
        cmd_err(c, "nothing was written to %s", path);
        goto out;
    }
    char *rest = old ? cfgfile_without_profile(old, profile) : xstrdup("");
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, rest);
    free(rest);
    if (sb.len && sb.data[sb.len - 1] != '\n')
        strbuf_putc(&sb, '\n');
    if (sb.len)
        strbuf_putc(&sb, '\n');
    strbuf_printf(&sb, "[profile %s]\n", profile);
    cfgfile_put_setting(&sb, "api_url", c->cfg.api_url);
    cfgfile_put_setting(&sb, "auth_url", c->cfg.auth_url);
    cfgfile_put_setting(&sb, "client_id", id);
    cfgfile_put_setting(&sb, "client_secret", secret);
    int wrc = cfgfile_write_private(path, sb.data, &err);
    memset(sb.data, 0, sb.len); /* held the secret */
    strbuf_free(&sb);
    if (wrc != 0)
        goto bad_api;
    printf("Wrote profile '%s' to %s (mode 600).%s\n", profile, path,
           strcmp(profile, "default") == 0 ? "" : " Use it with --profile NAME or CATENA_PROFILE=NAME.");
    goto out;
eof:
    cmd_err(c, "no answer (end of input); nothing was written");
    rc = CMD_EXIT_USAGE;
    goto out;
bad:
    cmd_err(c, "%s", err);
    rc = CMD_EXIT_USAGE;
    goto out;
bad_api:
    cmd_err(c, "%s", err);
    rc = CMD_EXIT_API;
out:
    free(err);
    free(api_url);
    free(auth_url);
    free(id);
    free_secret(secret);
    free_secret(old);
    free(path);
    return rc;
}

/* ------------------------------------------------------------------ check */

/* Every problem of every line (not only the first), each on stderr; returns how many. */
static int check_lines(const cmd_ctx *c, const char *path, const char *text, bool *has_secret)
{
    int problems = 0;
    unsigned lineno = 0;
    config scratch;
    config_init_defaults(&scratch);
    for (const char *p = text; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char *line = xstrndup(p, len), *s = cfgfile_trim(line), name[128];
        lineno++;
        p = eol ? eol + 1 : NULL;
        if (*s == '\0' || *s == '#') {
        } else if (*s == '[') {
            if (!cfgfile_section(s, strlen(s), name, sizeof name) || !*name) {
                cmd_err(c, "%s:%u: expected [profile NAME]", path, lineno);
                problems++;
            }
        } else {
            char *eq = strchr(s, '=');
            char *err = NULL;
            if (!eq) {
                cmd_err(c, "%s:%u: expected 'key = value'", path, lineno);
                problems++;
            } else {
                *eq = '\0';
                char *key = cfgfile_trim(s), *value = cfgfile_trim(eq + 1);
                if (strcmp(key, "client_secret") == 0 && *value)
                    *has_secret = true;
                if (!cfgfile_unquote(value)) {
                    cmd_err(c, "%s:%u: unterminated or malformed quoted value", path, lineno);
                    problems++;
                } else if (config_set(&scratch, key, value, &err) != 0) {
                    char *clean = text_sanitize_str(err);
                    cmd_err(c, "%s:%u: %s", path, lineno, clean);
                    free(clean);
                    problems++;
                }
                free(err);
            }
        }
        memset(line, 0, len); /* may have held the secret */
        free(line);
    }
    config_free(&scratch);
    return problems;
}

static int run_check(cmd_ctx *c)
{
    char *path = config_path(c);
    struct stat st;
    if (!path || stat(path, &st) != 0) {
        cmd_err(c, "no config file %s (catena-dispatch config init writes one)", path ? path : "(HOME is not set)");
        free(path);
        return CMD_EXIT_USAGE;
    }
    char *text = cfgfile_read(path);
    bool has_secret = false;
    int problems = text ? check_lines(c, path, text, &has_secret) : (cmd_err(c, "cannot read %s", path), 1);
    if ((st.st_mode & 077) && has_secret) {
        cmd_err(c, "%s holds client_secret and other users can access it (mode %04o): run chmod 600 %s", path,
                (unsigned)(st.st_mode & 0777), path);
        problems++;
    } else if (st.st_mode & 077) {
        cmd_err(c, "note: other users can read %s (mode %04o); chmod 600 before a secret goes in", path,
                (unsigned)(st.st_mode & 0777));
    }
    free_secret(text);
    const cmd_args *a = &c->args;
    api_session_opts o = {.config_path = path, .profile = a->profile};
    char *err = NULL;
    if (problems == 0 && api_session_config(&c->cfg, &o, &err) != 0) {
        cmd_err(c, "%s", err);
        problems++;
    }
    free(err);
    if (problems) {
        cmd_err(c, "%d problem%s in %s", problems, problems == 1 ? "" : "s", path);
        free(path);
        return CMD_EXIT_USAGE;
    }
    printf("%s: no problems (profile '%s')\n", path, c->cfg.profile);
    free(path);
    if (!c->cfg.client_id || !c->cfg.client_secret) {
        cmd_err(c, "profile '%s' has no client_id and client_secret (nor the environment): cannot sign in",
                c->cfg.profile);
        return CMD_EXIT_AUTH;
    }
    return sign_in(c, false);
}

/* ------------------------------------------------------------------ show */

typedef struct file_keys {
    const char *names[32];
    unsigned lines[32];
    int n;
} file_keys;

static void note_key(void *ud, const char *key, unsigned lineno)
{
    file_keys *fk = ud;
    const config_key_info *k = config_key_find(key);
    if (!k)
        return;
    for (int i = 0; i < fk->n; i++)
        if (fk->names[i] == k->name) {
            fk->lines[i] = lineno; /* the last one counts */
            return;
        }
    if (fk->n < 32) {
        fk->names[fk->n] = k->name;
        fk->lines[fk->n++] = lineno;
    }
}

static const char *env_var_of(const char *key)
{
    static const char *const map[][2] = {{"client_id", "CATENA_CLIENT_ID"}, {"client_secret", "CATENA_CLIENT_SECRET"},
                                         {"api_url", "CATENA_API_URL"},     {"auth_url", "CATENA_AUTH_URL"},
                                         {"no_color", "NO_COLOR"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i][0], key) == 0)
            return map[i][1];
    return NULL;
}

static const char *flag_of(const cmd_ctx *c, const char *key)
{
    if (!strcmp(key, "api_url") && c->args.api_url)
        return "--api-url";
    if (!strcmp(key, "auth_url") && c->args.auth_url)
        return "--auth-url";
    if (!strcmp(key, "theme") && xopts.theme)
        return "--theme";
    if (!strcmp(key, "log_file") && supportlog_flag_path())
        return "--log";
    return NULL;
}

static int run_show(cmd_ctx *c)
{
    size_t n;
    const config_key_info *keys = config_keys(&n);
    bool from_env[64] = {false};
    for (size_t i = 0; i < n && i < 64; i++) { /* before the config reads (and scrubs) the environment */
        const char *var = env_var_of(keys[i].name), *v = var ? getenv(var) : NULL;
        from_env[i] = v && *v;
    }
    const cmd_args *a = &c->args;
    api_session_opts o = {.config_path = a->config_path, .profile = a->profile, .api_url = a->api_url,
                          .auth_url = a->auth_url, .theme = xopts.theme};
    char *err = NULL;
    if (api_session_config(&c->cfg, &o, &err) != 0) {
        cmd_err(c, "%s", err);
        free(err);
        return CMD_EXIT_USAGE;
    }
    file_keys fk = {.n = 0};
    char *text = c->cfg.config_path ? cfgfile_read(c->cfg.config_path) : NULL;
    if (text)
        cfgfile_scan_keys(text, c->cfg.profile, note_key, &fk);
    free_secret(text);
    printf("# profile %s; config file %s\n", c->cfg.profile, c->cfg.config_path ? c->cfg.config_path : "(none)");
    for (size_t i = 0; i < n; i++) {
        char *v = config_key_value(&c->cfg, keys[i].name), *clean = v ? text_sanitize_str(v) : NULL;
        const char *shown = !v ? "" : keys[i].secret ? "******** (set, not shown)" : clean;
        strbuf src = STRBUF_INIT;
        const char *flag = flag_of(c, keys[i].name);
        int line = -1;
        for (int k = 0; k < fk.n; k++)
            if (fk.names[k] == keys[i].name)
                line = (int)fk.lines[k];
        if (flag)
            strbuf_printf(&src, "flag %s", flag);
        else if (i < 64 && from_env[i])
            strbuf_printf(&src, "environment %s", env_var_of(keys[i].name));
        else if (line > 0)
            strbuf_printf(&src, "file %s:%d", c->cfg.config_path, line);
        else
            strbuf_puts(&src, v ? "default" : "default (unset)");
        printf("%-20s = %-40s # %s\n", keys[i].name, shown, src.data);
        strbuf_free(&src);
        free(clean);
        free_secret(v);
    }
    return CMD_EXIT_OK;
}

/* ------------------------------------------------------------------ entry */

static void print_config_help(FILE *out, const cmd_def *d)
{
    if (d) {
        fprintf(out, "Usage: catena-dispatch %s %s\n\n%c%s.\n", d->name, d->synopsis, d->summary[0] - 'a' + 'A',
                d->summary + 1);
        if (d->details)
            fputs(d->details, out);
        return;
    }
    fputs("Usage: catena-dispatch config init|check|show [OPTIONS]\n\n", out);
    for (size_t i = 0; i < NCONFIG; i++)
        fprintf(out, "  %-20s %s\n", CONFIG_DEFS[i].name, CONFIG_DEFS[i].summary);
}

/* The option name appears in the subcommand's synopsis. */
static bool takes(const cmd_def *d, const char *opt)
{
    size_t n = strlen(opt);
    for (const char *p = strstr(d->synopsis, opt); p; p = strstr(p + 1, opt))
        if (p[n] == ' ' || p[n] == ']' || p[n] == '\0')
            return true;
    return false;
}

int cmd_config_main(int argc, char **argv)
{
    text_init_locale();
    cmd_ctx c;
    memset(&c, 0, sizeof c);
    memset(&xopts, 0, sizeof xopts);
    for (size_t i = 0; argc > 2 && i < NCONFIG; i++)
        if (strcmp(CONFIG_DEFS[i].name + 7, argv[2]) == 0)
            c.def = &CONFIG_DEFS[i];
    if (!c.def) {
        bool help = argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"));
        print_config_help(help ? stdout : stderr, NULL);
        return help ? CMD_EXIT_OK : CMD_EXIT_USAGE;
    }
    config_init_defaults(&c.cfg);
    int rc = 0;
    for (int i = 3; i < argc && rc == 0; i++) {
        const char *o = argv[i];
        const char **slot = !strcmp(o, "--profile")    ? &c.args.profile
                            : !strcmp(o, "--config")   ? &c.args.config_path
                            : !strcmp(o, "--api-url")  ? &c.args.api_url
                            : !strcmp(o, "--auth-url") ? &c.args.auth_url
                            : !strcmp(o, "--theme")    ? &xopts.theme
                                                       : NULL;
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            print_config_help(stdout, c.def);
            config_free(&c.cfg);
            return CMD_EXIT_OK;
        } else if (!strcmp(o, "--force") && takes(c.def, o)) {
            xopts.force = true;
        } else if (!slot || !takes(c.def, o)) {
            char *clean = text_sanitize_str(o);
            rc = cmd_usage(&c, "unknown option %s", clean);
            free(clean);
        } else if (i + 1 >= argc) {
            rc = cmd_usage(&c, "%s needs a value", o);
        } else {
            *slot = argv[++i];
        }
    }
    if (rc == 0)
        rc = c.def->run(&c);
    fflush(stdout);
    cmd_close_session(&c);
    return rc;
}
