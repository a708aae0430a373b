#include "ui/keys.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

static const struct {
    const char *name;
    int key;
} named[] = {
    {"Enter", '\n'},
    {"Tab", '\t'},
    {"Esc", 27},
    {"Space", ' '},
    {"lt", '<'},
    {"Backspace", KEYS_FN + KEY_BACKSPACE},
    {"Del", KEYS_FN + KEY_DC},
    {"Up", KEYS_FN + KEY_UP},
    {"Down", KEYS_FN + KEY_DOWN},
    {"Left", KEYS_FN + KEY_LEFT},
    {"Right", KEYS_FN + KEY_RIGHT},
    {"PageUp", KEYS_FN + KEY_PPAGE},
    {"PageDown", KEYS_FN + KEY_NPAGE},
    {"Home", KEYS_FN + KEY_HOME},
    {"End", KEYS_FN + KEY_END},
    {"BackTab", KEYS_FN + KEY_BTAB},
    {"Resize", KEYS_FN + KEY_RESIZE},
};

int keys_parse_one(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    if (!*p)
        return -1;
    if (*p == '<') {
        const char *end = strchr((const char *)p, '>');
        if (!end || end == (const char *)p + 1)
            return -1;
        char name[32];
        size_t n = (size_t)(end - (const char *)p - 1);
        if (n >= sizeof name)
            return -1;
        memcpy(name, p + 1, n);
        name[n] = '\0';
        *s = end + 1;
        if ((name[0] == 'C' || name[0] == 'c') && name[1] == '-' && name[2] && !name[3]) {
            char c = name[2];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c >= 'a' && c <= 'z')
                return KEY_CTRL(c);
            return -1;
        }
        if ((name[0] == 'F' || name[0] == 'f') && name[1] >= '1' && name[1] <= '9') {
            int f = 0;
            if (sscanf(name + 1, "%d", &f) == 1 && f >= 1 && f <= 12)
                return KEYS_FN + KEY_F(f);
        }
        for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
            if (strcasecmp(name, named[i].name) == 0)
                return named[i].key;
        return -1;
    }
    /* One UTF-8 character. */
    mbstate_t st;
    memset(&st, 0, sizeof st);
    wchar_t wc;
    size_t n = mbrtowc(&wc, (const char *)p, strlen((const char *)p), &st);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        *s += 1;
        return p[0];
    }
    *s += n;
    if ((unsigned long)wc > 0x10FFFF)
        return 0xFFFD; /* glibc decodes F4 90.. beyond Unicode: it would read as a KEYS_FN key */
    return (int)wc;
}

int keys_list_next(const char **s)
{
    while (**s == ' ')
        (*s)++;
    if (!**s)
        return -1;
    int k = keys_parse_one(s);
    return k < 0 ? -2 : k;
}

bool keys_list_has(const char *list, int key)
{
    int k;
    while ((k = keys_list_next(&list)) >= 0)
        if (k == key)
            return true;
    return false;
}

void keys_name(int key, char *out, size_t outcap)
{
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        if (named[i].key == key && key != '<') {
            snprintf(out, outcap, "<%s>", named[i].name);
            return;
        }
    }
    if (key >= 1 && key <= 26) {
        snprintf(out, outcap, "<C-%c>", 'a' + key - 1);
        return;
    }
    if (key >= KEYS_FN + KEY_F(1) && key <= KEYS_FN + KEY_F(12)) {
        snprintf(out, outcap, "<F%d>", key - KEYS_FN - KEY_F(0));
        return;
    }
    if (key == '<') {
        snprintf(out, outcap, "<lt>");
        return;
    }
    if (key >= KEYS_FN) {
        snprintf(out, outcap, "<key%d>", key - KEYS_FN);
        return;
    }
    char mb[8];
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t n = wcrtomb(mb, (wchar_t)key, &st);
    if (n == (size_t)-1)
        snprintf(out, outcap, "?");
    else
        snprintf(out, outcap, "%.*s", (int)n, mb);
}

void keys_hint_name(int key, char *out, size_t outcap)
{
    if (key >= 1 && key <= 26 && key != '\t' && key != '\n') {
        snprintf(out, outcap, "Ctrl-%c", 'A' + key - 1);
        return;
    }
    static const struct {
        int key;
        const char *name;
    } short_names[] = {
        {KEYS_FN + KEY_PPAGE, "PgUp"}, {KEYS_FN + KEY_NPAGE, "PgDn"}, {KEYS_FN + KEY_UP, "↑"},
        {KEYS_FN + KEY_DOWN, "↓"},     {KEYS_FN + KEY_LEFT, "←"},    {KEYS_FN + KEY_RIGHT, "→"},
    };
    for (size_t i = 0; i < sizeof short_names / sizeof short_names[0]; i++) {
        if (short_names[i].key == key) {
            snprintf(out, outcap, "%s", short_names[i].name);
            return;
        }
    }
    char name[32];
    keys_name(key, name, sizeof name);
    size_t n = strlen(name);
    if (n > 2 && name[0] == '<' && name[n - 1] == '>')
        snprintf(out, outcap, "%.*s", (int)(n - 2), name + 1);
    else
        snprintf(out, outcap, "%s", name);
}

size_t keys_utf8(int key, char out[8])
{
    out[0] = '\0';
    if (key < 32 || key >= KEYS_FN || key == 127)
        return 0;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t n = wcrtomb(out, (wchar_t)key, &st);
    if (n == (size_t)-1 || n >= 8) {
        out[0] = '\0';
        return 0;
    }
    out[n] = '\0';
    return n;
}

bool keys_append(char *buf, size_t cap, int key)
{
    char mb[8];
    size_t n = keys_utf8(key, mb), len = strlen(buf);
    if (!n || len + n >= cap)
        return false;
    memcpy(buf + len, mb, n + 1);
    return true;
}

int keys_from_curses(int rc, unsigned int wch)
{
    if (rc == KEY_CODE_YES) {
        if (wch == KEY_ENTER)
            return '\n';
        return KEYS_FN + (int)wch;
    }
    if (wch == '\r')
        return '\n';
    if (wch == 127 || wch == 8)
        return KEYS_FN + KEY_BACKSPACE;
    if (wch > 0x10FFFF)
        return 0xFFFD; /* not a character, and not a function key either */
    return (int)wch;
}
