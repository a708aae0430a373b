#include "ui/theme.h"

#include "common/strbuf.h"
#include "core/datadir.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const slot_names[] = {
#define X(id, name) name,
    THEME_SLOTS(X)
#undef X
};

static attr_t applied[SLOT__COUNT];

const char *theme_slot_name(theme_slot s)
{
    return s < SLOT__COUNT ? slot_names[s] : "?";
}

static int parse_color(const char *w, short *out)
{
    static const char *names[] = {"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"};
    if (strcasecmp(w, "default") == 0) {
        *out = -1;
        return 0;
    }
    int bright = 0;
    if (strncasecmp(w, "bright-", 7) == 0) {
        bright = 8;
        w += 7;
    }
    for (int i = 0; i < 8; i++) {
        if (strcasecmp(w, names[i]) == 0) {
            *out = (short)(i + bright);
            return 0;
        }
    }
    if (!bright && strncasecmp(w, "color", 5) == 0 && w[5]) {
        char *end;
        long v = strtol(w + 5, &end, 10);
        if (*end == '\0' && v >= 0 && v <= 255) {
            *out = (short)v;
            return 0;
        }
    }
    return -1;
}

static int parse_attr(const char *w, unsigned *attrs)
{
    static const struct {
        const char *name;
        unsigned long a;
    } tab[] = {{"bold", A_BOLD},       {"dim", A_DIM},           {"reverse", A_REVERSE},
               {"underline", A_UNDERLINE}, {"standout", A_STANDOUT}, {"normal", A_NORMAL}};
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        if (strcasecmp(w, tab[i].name) == 0) {
            *attrs |= (unsigned)tab[i].a;
            return 0;
        }
    }
    return -1;
}

int theme_parse(theme *t, const char *text, const char *origin, char **err)
{
    int lineno = 0;
    const char *p = text;
    while (p && *p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        char line[512];
        lineno++;
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = '\0';
        p = eol ? eol + 1 : NULL;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *words[8];
        int nw = 0;
        for (char *tok = strtok(line, " \t\r"); tok && nw < 8; tok = strtok(NULL, " \t\r"))
            words[nw++] = tok;
        if (nw == 0)
            continue;
        strbuf e = STRBUF_INIT;
        int slot = -1;
        for (int s = 0; s < SLOT__COUNT; s++)
            if (strcmp(words[0], slot_names[s]) == 0)
                slot = s;
        theme_rule r = {-1, -1, 0, true};
        if (slot < 0)
            strbuf_printf(&e, "%s:%d: unknown slot '%s'", origin, lineno, words[0]);
        else if (nw < 3)
            strbuf_printf(&e, "%s:%d: expected SLOT FG BG [ATTR...]", origin, lineno);
        else if (parse_color(words[1], &r.fg) || parse_color(words[2], &r.bg))
            strbuf_printf(&e, "%s:%d: unknown colour in '%s %s'", origin, lineno, words[1], words[2]);
        for (int i = 3; !e.len && i < nw; i++)
            if (parse_attr(words[i], &r.attrs))
                strbuf_printf(&e, "%s:%d: unknown attribute '%s'", origin, lineno, words[i]);
        if (e.len) {
            *err = strbuf_detach(&e);
            return -1;
        }
        t->rules[slot] = r;
    }
    return 0;
}

int theme_load(theme *t, const char *name, char **err)
{
    memset(t, 0, sizeof *t);
    if (theme_parse(t, theme_builtin_default, "built-in default theme", err) != 0)
        return -1;
    if (!name || strcmp(name, "default") == 0)
        return 0;
    if (strcmp(name, "mono") == 0)
        return theme_parse(t, theme_builtin_mono, "built-in mono theme", err);
    strbuf path = STRBUF_INIT;
    if (strchr(name, '/')) {
        strbuf_puts(&path, name);
    } else {
        const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
        if (xdg && *xdg)
            strbuf_printf(&path, "%s/catena-dispatch/themes/%s.theme", xdg, name);
        else
            strbuf_printf(&path, "%s/.config/catena-dispatch/themes/%s.theme", home ? home : ".", name);
    }
    FILE *f = fopen(path.data, "r");
    const char *opened = path.data, *data = datadir_path(); /* a name not in the user's themes: the installed ones */
    if (!f && !strchr(name, '/') && data) {
        strbuf_printf(&path, " nor %s/themes/%s.theme", data, name);
        opened = strstr(path.data, " nor ") + 5;
        f = fopen(opened, "r");
    }
    if (!f) {
        strbuf e = STRBUF_INIT;
        strbuf_printf(&e, "cannot open theme '%s' (%s)", name, path.data);
        *err = strbuf_detach(&e);
        strbuf_free(&path);
        return -1;
    }
    strbuf text = STRBUF_INIT;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0 && text.len < 1 << 20)
        strbuf_append(&text, buf, n);
    fclose(f);
    int rc = theme_parse(t, strbuf_cstr(&text), opened, err);
    strbuf_free(&text);
    strbuf_free(&path);
    return rc;
}

void theme_apply(const theme *t, bool no_color)
{
    bool color = !no_color && has_colors();
    if (color) {
        start_color();
        use_default_colors();
    }
    short next_pair = 1;
    for (int s = 0; s < SLOT__COUNT; s++) {
        const theme_rule *r = &t->rules[s];
        attr_t a = (attr_t)r->attrs;
        if (color && (r->fg >= 0 || r->bg >= 0) && next_pair < COLOR_PAIRS) {
            short fg = r->fg < COLORS ? r->fg : (short)(r->fg % 8);
            short bg = r->bg < COLORS ? r->bg : (short)(r->bg % 8);
            /* Reuse a pair that already has these colours. */
            short pair = 0;
            for (short p = 1; p < next_pair; p++) {
                short pf, pb;
                pair_content(p, &pf, &pb);
                if (pf == fg && pb == bg)
                    pair = p;
            }
            if (!pair) {
                pair = next_pair++;
                init_pair(pair, fg, bg);
            }
            a |= COLOR_PAIR(pair);
        }
        applied[s] = a;
    }
}

unsigned long theme_attr(theme_slot s)
{
    return s < SLOT__COUNT ? applied[s] : A_NORMAL;
}

int theme_slot_of_attr(unsigned long a)
{
    for (int s = 0; s < SLOT__COUNT; s++)
        if (applied[s] == a)
            return s;
    return -1;
}
