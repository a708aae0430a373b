/* manpage: the man pages, made from the tables the program itself uses: the --help texts, the
 * subcommand table, the action and overlay key tables, the config key table and the theme slots.
 * Built at build time by catena-mangen (man/mangen.c); tests/ui/test_manpages.c checks that every
 * entry of every table is on its page. */
#include "app/manpage.h"

#include "app/cmd_config.h"
#include "app/cmd_private.h"
#include "app/console.h"
#include "common/err.h"
#include "common/strbuf.h"
#include "core/config_keys.h"
#include "ui/actions.h"
#include "ui/overlay.h"
#include "ui/theme.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef CATENA_VERSION
#define CATENA_VERSION "unknown"
#endif

/* ------------------------------------------------------------------ roff text */

/* Writes s as roff text: backslashes and minus signs escaped, a break point after ',' and '|', a leading '.' or '\'' made
 * harmless, and every non-ASCII character as \[uXXXX] (groff reads its input as Latin-1). */
static void put_n(FILE *out, const char *s, size_t len, bool line_start)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        if (line_start && (c == '.' || c == '\''))
            fputs("\\&", out);
        line_start = false;
        if (c == '\\') {
            fputs("\\e", out);
        } else if (c == '-') {
            fputs("\\-", out);
        } else if (c == '\n') {
            fputc('\n', out);
            line_start = true;
        } else if (c == ',' || c == '|') {
            fprintf(out, "%c\\:", c); /* a place to break a long list ({"id","name",...}, a|b|c) */
        } else if (c < 0x80) {
            fputc((int)c, out);
        } else {
            int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
            uint32_t cp = c & (0x3F >> extra);
            int i = 0;
            for (; i < extra && p + 1 + i < end && (p[1 + i] & 0xC0) == 0x80; i++)
                cp = cp << 6 | (p[1 + i] & 0x3F);
            if (i < extra || extra == 0)
                cp = 0xFFFD;
            fprintf(out, "\\[u%04X]", (unsigned)cp);
            p += i;
        }
        p++;
    }
}

void manpage_put(FILE *out, const char *s)
{
    put_n(out, s, strlen(s), true);
}

/* A text block whose hard line breaks are only wrapping: one filled paragraph. */
static void put_flowing(FILE *out, const char *s)
{
    strbuf sb = STRBUF_INIT;
    for (const char *p = s; *p; p++)
        strbuf_putc(&sb, *p == '\n' ? ' ' : *p);
    while (sb.len && sb.data[sb.len - 1] == ' ')
        sb.data[--sb.len] = '\0';
    manpage_put(out, strbuf_cstr(&sb));
    fputc('\n', out);
    strbuf_free(&sb);
}

/* ------------------------------------------------------------------ --help texts */

static size_t indent_of(const char *line)
{
    size_t n = 0;
    while (line[n] == ' ')
        n++;
    return n;
}

/* Converts a --help text: "  --opt ARG   what" lines (with deeper-indented continuations) become
 * tagged paragraphs, "Heading:" lines subsections, other indented lines stay as they are, the rest
 * is filled text. The "Usage:" line is left to the SYNOPSIS. */
void manpage_from_help(FILE *out, const char *help)
{
    enum { NONE, TEXT, OPTION, PRE } mode = NONE;
    const char *p = help;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char line[1024];
        if (len >= sizeof line)
            len = sizeof line - 1;
        memcpy(line, p, len);
        line[len] = '\0';
        p = eol ? eol + 1 : p + len;
        size_t ind = indent_of(line);
        if (strncmp(line, "Usage:", 6) == 0)
            continue;
        if (line[ind] == '\0') {
            if (mode == PRE)
                fputs(".fi\n", out);
            mode = NONE;
            continue;
        }
        if (mode == OPTION && ind >= 6) { /* the option's description goes on */
            manpage_put(out, line + ind);
            fputc('\n', out);
            continue;
        }
        if (ind >= 1 && ind <= 4 && line[ind] == '-') {
            if (mode == PRE)
                fputs(".fi\n", out);
            char *gap = strstr(line + ind, "  ");
            if (gap)
                *gap = '\0';
            fputs(".TP\n.B ", out);
            manpage_put(out, line + ind);
            fputc('\n', out);
            if (gap) {
                manpage_put(out, gap + 2 + indent_of(gap + 2));
                fputc('\n', out);
            }
            mode = OPTION;
            continue;
        }
        if (ind == 0 && line[len - 1] == ':' && len < 60) {
            if (mode == PRE)
                fputs(".fi\n", out);
            line[len - 1] = '\0';
            fputs(".SS ", out);
            manpage_put(out, line);
            fputc('\n', out);
            mode = NONE;
            continue;
        }
        if (ind > 0) {
            if (mode != PRE)
                fputs(mode == NONE ? ".PP\n.nf\n" : ".nf\n", out);
            mode = PRE;
            manpage_put(out, line);
            fputc('\n', out);
            continue;
        }
        if (mode == PRE)
            fputs(".fi\n", out);
        if (mode != TEXT)
            fputs(".PP\n", out);
        manpage_put(out, line);
        fputc('\n', out);
        mode = TEXT;
    }
    if (mode == PRE)
        fputs(".fi\n", out);
}

/* ------------------------------------------------------------------ catena-dispatch(1) */

static void header(FILE *out, const char *title, int section, const char *name, const char *what)
{
    fprintf(out, ".\\\" Generated by catena-mangen from the program's tables; do not edit.\n");
    /* Left-aligned and unhyphenated: option names and JSON field lists must not be split. */
    fprintf(out, ".TH %s %d \"\" \"catena-dispatch %s\" \"%s\"\n.ad l\n.nh\n.SH NAME\n", title, section,
            CATENA_VERSION, section == 5 ? "File Formats" : "User Commands");
    manpage_put(out, name);
    fputs(" \\- ", out);
    manpage_put(out, what);
    fputc('\n', out);
}

static void write_keys(FILE *out)
{
    fputs(".SH KEYS\nIn the lists (the same table as the help screen, ? or F1, and docs/keys.md):\n", out);
    const char *group = "";
    for (int i = 0; i < ACT__COUNT; i++) {
        const action_info *a = action_get((action_id)i);
        if (strcmp(group, a->group) != 0) {
            group = a->group;
            fputs(".SS ", out);
            manpage_put(out, group);
            fputc('\n', out);
        }
        fputs(".TP\n.B ", out);
        manpage_put(out, a->keys);
        fputc('\n', out);
        manpage_put(out, a->help);
        fputs(" (", out);
        manpage_put(out, a->name);
        fputs(").\n", out);
    }
    for (int m = 0; m < overlay_keymaps_count; m++) {
        const overlay_keymap *km = overlay_keymaps[m];
        fputs(".SS In the ", out);
        manpage_put(out, km->context);
        fputc('\n', out);
        for (int i = 0; i < km->n; i++) {
            fputs(".TP\n.B ", out);
            manpage_put(out, km->keys[i].keys);
            fputc('\n', out);
            manpage_put(out, km->keys[i].help);
            fputc('\n', out);
        }
    }
}

static void write_def(FILE *out, const cmd_def *d)
{
    fputs(".TP\n.B ", out);
    manpage_put(out, d->name);
    fputc('\n', out);
    put_flowing(out, d->synopsis);
    fputs(".br\n", out);
    manpage_put(out, d->summary);
    fputs(".\n", out);
    if (d->details)
        put_flowing(out, d->details);
}

static void write_subcommands(FILE *out)
{
    fputs(".SH SUBCOMMANDS\nThe same core without a screen, for scripts: each prints JSON (or an aligned table for "
          "listings without \\-\\-json) and exits with the status below.\n",
          out);
    const cmd_def *d;
    for (size_t i = 0; (d = cmd_def_at(i)) != NULL; i++)
        write_def(out, d);
    for (size_t i = 0; (d = cmd_config_def_at(i)) != NULL; i++)
        write_def(out, d);
    manpage_from_help(out, cmd_common_help());
}

static const struct {
    int code;
    const char *meaning;
} exit_codes[] = {
    {CMD_EXIT_OK, "success"},
    {CMD_EXIT_REJECTED, "the TSP or validation rejected it (an operation that failed)"},
    {CMD_EXIT_USAGE, "usage error: bad arguments or settings, unknown field, no or ambiguous match"},
    {CMD_EXIT_AUTH, "no credentials, or the credentials were refused"},
    {CMD_EXIT_API, "network or API error; a write whose outcome is unknown"},
    {CMD_EXIT_INTERRUPTED, "interrupted by a signal"},
};

static const struct {
    const char *name, *meaning;
} environment[] = {
    {"CATENA_CLIENT_ID", "client id (overrides the config file)"},
    {"CATENA_CLIENT_SECRET", "client secret; read once and removed from the environment"},
    {"CATENA_API_URL", "API base URL"},
    {"CATENA_AUTH_URL", "sign-in realm URL"},
    {"CATENA_PROFILE", "profile of the config file, when --profile is not given"},
    {"NO_COLOR", "when set and not empty: attributes only, no colours"},
    {"XDG_CONFIG_HOME", "where the config file and the user's themes are (default ~/.config)"},
    {"XDG_STATE_HOME", "where drafts and the operations journal are kept (default ~/.local/state)"},
    {"VISUAL, EDITOR", "the editor Ctrl\\-E opens in the composer"},
    {"ESCDELAY", "milliseconds to wait after Esc for the rest of an escape sequence (default 40)"},
    {"TERM", "terminal type (or --term)"},
    {"CATENA_EMULATOR", "the catena-emulator --demo starts, when none is next to catena-dispatch"},
    {"CATENA_DEBUG_CORE_DUMPS", "1 keeps core dumps and tracing by the same user possible (debugging)"},
};

/* What the README says about using the console, for the man page (prose, not a table). */
static const struct {
    const char *title, *text;
} console_topics[] = {
    {"Writing to the TSPs",
     "In the drivers list m opens the composer (multi-line text, priority, sender, async or sync, Ctrl-E edits in "
     "$VISUAL or $EDITOR, Ctrl-X sends); Space marks drivers and M writes one message to all of them; Enter on a "
     "driver shows the conversation, where r replies. Enter or e edits a vehicle, trailer or driver (only the "
     "fields you changed are sent) and n creates one. An action the connection cannot do is refused with the "
     "reason."},
    {"Nothing typed is lost",
     "Every unsent message and unsaved form is kept as a draft as you type and removed only once the API "
     "accepted it; after a crash or a dropped SSH session the next start offers the drafts back, and D lists "
     "them. A send whose outcome is unknown (a timeout after sending) is never retried on its own."},
    {"Operations",
     "Every write becomes a resource operation. The operations pane (o shows or hides it, O moves the cursor "
     "into it) lists them with their status, polled about every second while one is pending and every 15 s "
     "otherwise (poll_pending_ms, poll_idle_ms), with a stale-since or OFFLINE marker when the API cannot be "
     "reached. Enter opens one: the payload sent, the ids it got and every attempt's log. A failure rings the "
     "bell (bell = flash flashes the screen, bell = no does neither). Operations are kept in a journal per "
     "profile and API URL, so they are still tracked after a restart."},
    {"Script mode",
     "catena-dispatch --script FILE --size COLSxROWS runs the real console on a virtual screen with no "
     "terminal. A script line is keys in the notation of the KEYS section (j, <Enter>, /Truck<Enter>), a # "
     "comment, or a command: :wait-idle, :save-screen FILE, :save-screen-attrs FILE, :expect TEXT, "
     ":expect-not TEXT, :resize COLSxROWS, :advance DURATION, :mark-output, :expect-output-bytes N, "
     ":print-output-bytes, :bench-keys KEYS, :emulator METHOD /_emulator/PATH, :quit. The exit status is not "
     "0 when an expectation fails or a line errors."},
};

static void write_console_topics(FILE *out)
{
    fputs(".SH USING THE CONSOLE\n", out);
    for (size_t i = 0; i < sizeof console_topics / sizeof console_topics[0]; i++) {
        fputs(".SS ", out);
        manpage_put(out, console_topics[i].title);
        fputs("\n", out);
        manpage_put(out, console_topics[i].text);
        fputc('\n', out);
    }
}

static void write_dispatch(FILE *out)
{
    header(out, "CATENA-DISPATCH", 1, "catena-dispatch", "terminal dispatcher console for the Catena telematics API");
    fputs(".SH SYNOPSIS\n.B catena\\-dispatch\n[\\fIOPTIONS\\fR]\n.br\n.B catena\\-dispatch\n"
          ".I SUBCOMMAND\n[\\fIOPTIONS\\fR]\n.br\n.B catena\\-dispatch config\n"
          "\\fBinit\\fR|\\fBcheck\\fR|\\fBshow\\fR [\\fIOPTIONS\\fR]\n",
          out);
    fputs(".SH DESCRIPTION\nA console for dispatchers: the connections, drivers, vehicles and trailers of every "
          "TSP behind the Catena API, messages to drivers, edits of records, and the resource operations "
          "they become, fast over SSH. Settings come from built\\-in defaults, then the config file (see\n"
          ".BR catena\\-dispatch\\-config (5)),\nthen the environment, then the options (later wins). "
          "Secrets are never shown on screen, in logs or in error messages.\n",
          out);
    fputs(".SH OPTIONS\n", out);
    manpage_from_help(out, console_usage());
    write_console_topics(out);
    write_keys(out);
    write_subcommands(out);
    fputs(".SH EXIT STATUS\n", out);
    for (size_t i = 0; i < sizeof exit_codes / sizeof exit_codes[0]; i++) {
        fprintf(out, ".TP\n.B %d\n", exit_codes[i].code);
        manpage_put(out, exit_codes[i].meaning);
        fputc('\n', out);
    }
    fputs(".PP\nThe console itself exits 0, 2 on a usage or settings error, 129 when its terminal goes away.\n"
          ".SH ENVIRONMENT\n",
          out);
    for (size_t i = 0; i < sizeof environment / sizeof environment[0]; i++) {
        fputs(".TP\n.B ", out);
        manpage_put(out, environment[i].name);
        fputc('\n', out);
        manpage_put(out, environment[i].meaning);
        fputc('\n', out);
    }
    fputs(".SH FILES\n"
          ".TP\n.I $XDG_CONFIG_HOME/catena\\-dispatch/config\nthe config file (else ~/.config/...), "
          "written by \\fBcatena\\-dispatch config init\\fR; see\n.BR catena\\-dispatch\\-config (5)\n"
          ".TP\n.I $XDG_CONFIG_HOME/catena\\-dispatch/themes/NAME.theme\nthe user's themes\n"
          ".TP\n.I PREFIX/share/catena\\-dispatch/themes/\nthe installed themes (default, mono, eight), found next "
          "to the program's own bin/\n"
          ".TP\n.I $XDG_STATE_HOME/catena\\-dispatch/accounts/PROFILE\\-HASH/\ndrafts and the operations journal "
          "of one profile and API URL (else ~/.local/state/...)\n"
          ".SH SEE ALSO\n.BR catena\\-dispatch\\-config (5),\n.BR catena\\-emulator (1)\n",
          out);
}

/* ------------------------------------------------------------------ catena-dispatch-config(5) */

static void write_config(FILE *out)
{
    header(out, "CATENA-DISPATCH-CONFIG", 5, "catena-dispatch-config", "settings file of catena-dispatch");
    fputs(".SH SYNOPSIS\n.I $XDG_CONFIG_HOME/catena\\-dispatch/config\n.br\n"
          ".I ~/.config/catena\\-dispatch/config\n"
          ".SH DESCRIPTION\nLines of \\fIkey\\fR = \\fIvalue\\fR; # starts a comment line; a value may be "
          "\"quoted\" (with \\e\" and \\e\\e inside). Keys before any section apply to every profile; a\n"
          ".B [profile NAME]\nsection holds the keys of one profile, chosen with \\-\\-profile NAME or "
          "CATENA_PROFILE (default: \\fBdefault\\fR). Unknown keys and bad values are errors that name the file "
          "and the line. Later wins: built\\-in defaults, this file, the environment, the command line. "
          "\\fBcatena\\-dispatch config init\\fR writes a profile, \\fBconfig check\\fR checks the file and "
          "signs in, \\fBconfig show\\fR prints every setting and where it came from.\n"
          ".SH SETTINGS\n",
          out);
    size_t n;
    const config_key_info *k = config_keys(&n);
    for (size_t i = 0; i < n; i++) {
        fputs(".TP\n.BR ", out);
        manpage_put(out, k[i].name);
        fputs(" \" = \\fI", out);
        manpage_put(out, k[i].values);
        fputs("\\fR\"\n", out);
        manpage_put(out, k[i].help);
        fputc('\n', out);
        if (k[i].def) {
            fputs("Default: ", out);
            manpage_put(out, k[i].def);
            fputs(".\n", out);
        }
    }
    fputs(".SH PROFILES\nOne file can hold several accounts or APIs, one per profile; drafts and the operations "
          "journal are kept apart per profile and API URL. A file that holds a client_secret must be readable by "
          "its owner only (chmod 600), or it is refused.\n"
          ".SH THEMES\nA theme file has one rule per line, \\fISLOT FG BG\\fR [\\fIATTR\\fR...]; FG and BG are "
          "default, black, red, green, yellow, blue, magenta, cyan, white, bright\\-\\fINAME\\fR or "
          "color\\fINNN\\fR (0\\-255); ATTR is bold, dim, reverse, underline, standout or normal. With NO_COLOR "
          "only the attributes count. Built in: default and mono; installed: eight (the 8 basic colours, "
          "every slot distinct). The slots:\n.PP\n",
          out);
    for (int s = 0; s < SLOT__COUNT; s++) {
        fputs(s ? ",\n.B " : ".B ", out);
        manpage_put(out, theme_slot_name((theme_slot)s));
    }
    fputs("\n.SH EXAMPLE\n.nf\n"
          "# keys before any section apply to every profile\npage_size = 1000\n\n[profile sandbox]\n"
          "api_url = https://api.catenatelematics.com\nclient_id = my\\-client\nclient_secret = my\\-secret\n"
          ".fi\n.SH SEE ALSO\n.BR catena\\-dispatch (1)\n",
          out);
}

/* ------------------------------------------------------------------ catena-emulator(1) */

static int write_emulator(FILE *out, const char *help, char **err)
{
    if (!help || strncmp(help, "Usage: catena-emulator", 22) != 0)
        return err_set(err, "catena-emulator.1 needs the output of catena-emulator --help");
    const char *l2 = strchr(help, '\n');
    const char *l2end = l2 ? strchr(l2 + 1, '\n') : NULL;
    if (!l2end)
        return err_set(err, "catena-emulator --help is too short");
    char what[256];
    snprintf(what, sizeof what, "%.*s", (int)(l2end - l2 - 1), l2 + 1);
    size_t wl = strlen(what);
    if (wl && what[wl - 1] == '.')
        what[wl - 1] = '\0';
    if (what[0] >= 'A' && what[0] <= 'Z')
        what[0] = (char)(what[0] - 'A' + 'a');
    header(out, "CATENA-EMULATOR", 1, "catena-emulator", what);
    fputs(".SH SYNOPSIS\n.B catena\\-emulator\n[\\fIOPTIONS\\fR]\n.SH DESCRIPTION\n", out);
    manpage_from_help(out, l2end + 1);
    fputs(".SH SEE ALSO\n.BR catena\\-dispatch (1)\n", out);
    return 0;
}

int manpage_write(const char *page, FILE *out, const char *emulator_help, char **err)
{
    if (strcmp(page, "catena-dispatch.1") == 0)
        write_dispatch(out);
    else if (strcmp(page, "catena-dispatch-config.5") == 0)
        write_config(out);
    else if (strcmp(page, "catena-emulator.1") == 0)
        return write_emulator(out, emulator_help, err);
    else
        return err_set(err, "no man page %s (catena-dispatch.1, catena-dispatch-config.5, catena-emulator.1)", page);
    return 0;
}
