#include "app/console.h"

#include "app/cmd.h"
#include "app/cmd_config.h"
#include "app/demo.h"
#include "app/script.h"
#include "common/strbuf.h"
#include "core/api_session.h"
#include "core/drafts.h"
#include "core/edittmp.h"
#include "core/statefile.h"
#include "core/supportlog.h"
#include "core/text.h"
#include "ui/app.h"
#include "ui/flows.h"
#include "ui/keys.h"
#include "ui/screen.h"

#include <curses.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

typedef struct options {
    bool demo, no_color, help, version, help_keys;
    const char *script, *size, *profile, *config_path, *term, *theme;
    const char *api_url, *auth_url;
    const char *emulator_args[16];
    int n_emulator_args;
} options;

static const char usage[] =
    "Usage: catena-dispatch [OPTIONS]\n"
    "\n"
    "A terminal dispatcher console for the Catena telematics API.\n"
    "\n"
    "  --demo                 start a local catena-emulator and connect to it\n"
    "  --demo-arg ARG         pass ARG to the demo emulator (repeatable), e.g. --demo-arg=--vehicles=5000\n"
    "  --api-url URL          Catena API base URL (env CATENA_API_URL)\n"
    "  --auth-url URL         Catena auth realm URL (env CATENA_AUTH_URL)\n"
    "  --profile NAME         profile of the config file (env CATENA_PROFILE)\n"
    "  --config FILE          config file (default $XDG_CONFIG_HOME/catena-dispatch/config)\n"
    "  --theme NAME|FILE      colour theme: default, mono, or a theme file\n"
    "  --no-color             attributes only (also NO_COLOR=1)\n"
    "  --term TERM            terminal type to use instead of $TERM\n"
    "  --log FILE             support log: every request and answer, never a secret (config log_file)\n"
    "  --script FILE          run the UI headless from a script (see README), no terminal needed\n"
    "  --size COLSxROWS       virtual screen size for --script (default 80x24)\n"
    "  --help-keys            print the key table as Markdown\n"
    "  --version, --help\n"
    "\n"
    "Subcommands for scripts (connections, drivers, vehicles, trailers, send-message,\n"
    "send-group-message, update-*, create-*, operations, operation): catena-dispatch help\n"
    "First sign-in: catena-dispatch config init (and config check, config show)\n"
    "\n"
    "Credentials come from CATENA_CLIENT_ID / CATENA_CLIENT_SECRET or the config file;\n"
    "they are never shown or logged.\n";

const char *console_usage(void)
{
    return usage;
}

static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        char *arg = argv[i];
        char *val = NULL;
        char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
        char name[64];
        size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
        if (n >= sizeof name) {
            fprintf(stderr, "catena-dispatch: unknown option %.40s...\n", arg);
            return -1;
        }
        memcpy(name, arg, n);
        name[n] = '\0';
        static const char *const flags[] = {"--demo", "--no-color", "--help", "-h", "--version", "--help-keys"};
        bool is_flag = false;
        for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++)
            if (strcmp(name, flags[k]) == 0)
                is_flag = true;
        if (is_flag) {
            if (eq) {
                fprintf(stderr, "catena-dispatch: %s takes no value\n", name);
                return -1;
            }
            if (!strcmp(name, "--demo"))
                o->demo = true;
            else if (!strcmp(name, "--no-color"))
                o->no_color = true;
            else if (!strcmp(name, "--version"))
                o->version = true;
            else if (!strcmp(name, "--help-keys"))
                o->help_keys = true;
            else
                o->help = true;
            continue;
        }
        if (eq)
            val = eq + 1;
        else if (i + 1 < argc)
            val = argv[++i];
        else {
            fprintf(stderr, "catena-dispatch: %s needs a value\n", name);
            return -1;
        }
        const char **slot = !strcmp(name, "--script")     ? &o->script
                            : !strcmp(name, "--size")     ? &o->size
                            : !strcmp(name, "--profile")  ? &o->profile
                            : !strcmp(name, "--config")   ? &o->config_path
                            : !strcmp(name, "--term")     ? &o->term
                            : !strcmp(name, "--theme")    ? &o->theme
                            : !strcmp(name, "--api-url")  ? &o->api_url
                            : !strcmp(name, "--auth-url") ? &o->auth_url
                                                          : NULL;
        if (slot) {
            *slot = val;
        } else if (!strcmp(name, "--demo-arg") && o->n_emulator_args < 15) {
            o->emulator_args[o->n_emulator_args++] = val;
        } else {
            fprintf(stderr, "catena-dispatch: unknown option %s (see --help)\n", name);
            return -1;
        }
    }
    return 0;
}

static int build_config(const options *o, config *cfg)
{
    config_init_defaults(cfg);
    api_session_opts so = {.config_path = o->config_path,
                           .profile = o->profile,
                           .api_url = o->api_url,
                           .auth_url = o->auth_url,
                           .theme = o->theme};
    char *err = NULL;
    if (api_session_config(cfg, &so, &err) != 0) {
        fprintf(stderr, "catena-dispatch: %s\n", err);
        free(err);
        return -1;
    }
    if (o->no_color)
        cfg->no_color = true;
    if (o->script)
        cfg->bell_on_failure = false; /* no terminal to ring in headless runs */
    config_apply_emoji(cfg, !o->script);
    return 0;
}

/* ------------------------------------------------------------------ running */

typedef struct session {
    app *a;
    demo d;
    bool demo_running;
    bool tty;
    int exit_code;
} session;

static void on_demo_ready(void *ud, const char *url, const char *error)
{
    session *s = ud;
    if (!url) {
        app_set_startup_note(s->a, "");
        s->a->startup_note[0] = '\0';
        app_set_message(s->a, SLOT_STATUS_ERROR, "Demo: %s", error ? error : "the emulator failed");
        s->a->dirty |= DIRTY_ALL;
        return;
    }
    char auth_url[300];
    snprintf(auth_url, sizeof auth_url, "%s/realms/catena", url);
    app_connect(s->a, url, auth_url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET);
}

static void on_signal(void *ud, int signo)
{
    session *s = ud;
    if (signo == SIGWINCH && s->tty) {
        struct winsize ws;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
            resize_term(ws.ws_row, ws.ws_col);
            app_resize(s->a, ws.ws_row, ws.ws_col);
        } else {
            s->a->dirty |= DIRTY_ALL | DIRTY_CLEAR; /* same size: still a full repaint */
        }
    } else if (signo == SIGCHLD) {
        if (s->demo_running && demo_check_exited(&s->d)) {
            s->demo_running = false;
            app_set_startup_note(s->a, "");
            if (s->d.last_error[0]) {
                char *clean = text_sanitize_str(s->d.last_error);
                app_set_message(s->a, SLOT_STATUS_ERROR, "The local emulator stopped: %s", clean);
                free(clean);
            } else {
                app_set_message(s->a, SLOT_STATUS_ERROR, "The local emulator stopped; restart with --demo.");
            }
        }
    } else if (signo == SIGINT) {
        s->a->quit = app_quit_ok(s->a); /* Ctrl-C asks first when work is pending; twice quits */
        app_draw(s->a);
    } else if (signo == SIGTERM || signo == SIGHUP) {
        s->a->quit = true;
        if (signo == SIGHUP)
            s->exit_code = 129;
    }
}

static void on_tty_input(void *ud, int fd, short revents)
{
    session *s = ud;
    (void)fd;
    if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
        s->a->quit = true; /* the terminal is gone (closed SSH session) */
        s->exit_code = 129;
        return;
    }
    /* Drain everything curses has, including partial escape sequences it buffered. */
    wint_t wch;
    int rc, n = 0;
    while ((rc = get_wch(&wch)) != ERR) {
        n++;
        int key = keys_from_curses(rc, (unsigned)wch);
        if (key == KEYS_FN + KEY_RESIZE) {
            app_resize(s->a, LINES, COLS);
            continue;
        }
        MEVENT ev;
        if (key == KEYS_FN + KEY_MOUSE) {
            mmask_t used = BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED;
            if (getmouse(&ev) == OK && (ev.bstate & used))
                s->a->dirty |= app_mouse(s->a, ev.bstate & BUTTON4_PRESSED   ? APP_MOUSE_WHEEL_UP
                                               : ev.bstate & BUTTON5_PRESSED ? APP_MOUSE_WHEEL_DOWN
                                                                             : APP_MOUSE_CLICK,
                                         ev.x, ev.y);
            continue;
        }
        app_handle_key(s->a, key);
        if (s->a->quit)
            break;
    }
    if (n == 0 && !isatty(STDIN_FILENO)) {
        s->a->quit = true;
        s->exit_code = 129;
    }
}

int console_main(int argc, char **argv)
{
    char *lerr = NULL;
    if (supportlog_take_flag(&argc, argv, &lerr) != 0) { /* --log FILE: every front takes it */
        fprintf(stderr, "catena-dispatch: %s\n", lerr);
        free(lerr);
        return 2;
    }
    if (argc > 1 && cmd_is_subcommand(argv[1]))
        return cmd_main(argc, argv);
    if (argc > 1 && strcmp(argv[1], "config") == 0)
        return cmd_config_main(argc, argv);
    if (argc > 1 && argv[1][0] != '-') /* the console takes options only: a word is a mistyped subcommand */
        return cmd_unknown_subcommand(argv[1]);
    options o;
    if (parse_args(argc, argv, &o) != 0)
        return 2;
    if (o.help) {
        fputs(usage, stdout);
        return 0;
    }
    if (o.version) {
        puts("catena-dispatch " CATENA_VERSION);
        return 0;
    }
    text_init_locale();
    if (o.help_keys) {
        actions_write_markdown(stdout);
        return 0;
    }
    int cols = 80, rows = 24;
    if (o.size && !script_parse_size(o.size, &cols, &rows)) {
        fprintf(stderr, "catena-dispatch: bad --size '%s' (want COLSxROWS, e.g. 80x24)\n", o.size);
        return 2;
    }
    config cfg;
    if (build_config(&o, &cfg) != 0) {
        config_free(&cfg);
        return 2;
    }
    theme th;
    char *terr = NULL;
    /* Without colour the attribute-only theme reads better than the default's leftovers. */
    const char *theme_name = cfg.theme;
    if (cfg.no_color && (!theme_name || strcmp(theme_name, "default") == 0))
        theme_name = "mono";
    if (theme_load(&th, theme_name, &terr) != 0) {
        fprintf(stderr, "catena-dispatch: %s\n", terr);
        free(terr);
        config_free(&cfg);
        return 2;
    }
    if (!o.script && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
        fprintf(stderr, "catena-dispatch: needs a terminal (use --script FILE for headless runs)\n");
        config_free(&cfg);
        return 2;
    }

    char err[256];
    const char *term_used = NULL;
    int rc = o.script ? screen_open_virtual(cols, rows, err, sizeof err)
                      : screen_open_tty(o.term, err, sizeof err, &term_used);
    if (rc != 0) {
        fprintf(stderr, "catena-dispatch: %s\n", err);
        config_free(&cfg);
        return 2;
    }
    theme_apply(&th, cfg.no_color);
    if (!o.script)
        screen_mouse(!cfg.no_mouse);

    /* The demo's emulator listens on a new port each time: its state is kept as one account. */
    char *state_note = NULL, *state_err = NULL;
    if (statefile_set_account(o.demo ? "demo" : cfg.profile, o.demo ? "demo" : cfg.api_url, &state_note,
                              &state_err) != 0)
        state_note = state_err; /* no drafts, no journal: say why */
    edittmp_clean_stale(NULL); /* editor files of consoles that died (kill -9 with $EDITOR open) */
    loop *l = loop_new();
    if (o.script)
        loop_set_virtual_clock(l, true);
    session s = {0};
    s.tty = !o.script;
    s.a = app_new(&cfg, l);
    app_resize(s.a, LINES, COLS);
    if (state_note)
        app_set_message(s.a, SLOT_STATUS_WARN, "%s", state_note);
    /* An unknown TERM fell back to another terminal description: say so once (issue 12). */
    const char *term_asked = o.term ? o.term : getenv("TERM");
    if (term_used && term_asked && *term_asked && strcmp(term_used, term_asked) != 0) {
        char *asked = text_sanitize_str(term_asked);
        app_set_message(s.a, SLOT_STATUS_WARN, "TERM=%s cannot be used here; drawing as %s (set TERM or --term to "
                        "change it).", asked, term_used);
        free(asked);
    }
    free(state_note);
    loop_handle_signals(l, on_signal, &s);
    if (s.tty)
        loop_watch_fd(l, STDIN_FILENO, POLLIN, on_tty_input, &s);

    /* The first frame goes out before anything touches the network. */
    s.a->demo = o.demo;
    if (o.demo)
        app_set_startup_note(s.a, "starting the local emulator…");
    app_draw(s.a);
    if (o.demo) {
        o.emulator_args[o.n_emulator_args] = NULL;
        if (demo_start(&s.d, l, o.emulator_args, on_demo_ready, &s, err, sizeof err) == 0) {
            s.demo_running = true;
        } else {
            app_set_startup_note(s.a, "");
            app_set_message(s.a, SLOT_STATUS_ERROR, "Demo: %s", err);
        }
    } else if (!cfg.client_id || !cfg.client_secret || !*cfg.client_id || !*cfg.client_secret) {
        app_set_message(s.a, SLOT_STATUS_ERROR,
                        "No credentials: set CATENA_CLIENT_ID and CATENA_CLIENT_SECRET, or use --demo.");
    } else {
        app_connect(s.a, cfg.api_url, cfg.auth_url, cfg.client_id, cfg.client_secret);
    }

    drafts_offer_at_start(s.a);
    if (o.script) {
        s.exit_code = script_run(s.a, o.script);
    } else {
        while (!s.a->quit) {
            app_idle(s.a);
            app_draw(s.a);
            loop_run_once(l, -1);
        }
    }
    app_free(s.a);
    screen_close();
    drafts_print_unsaved(stderr); /* the disk did not take them: the terminal keeps their text */
    if (s.demo_running)
        demo_stop(&s.d);
    loop_free(l);
    config_free(&cfg);
    return s.exit_code;
}
