#include "ui/screen.h"

#include "ui/theme.h"

#include "core/text.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <wchar.h>

static SCREEN *g_screen;
static FILE *g_out, *g_in;

/* The virtual screen's terminal output goes to an anonymous memory file (ncurses writes to the
 * descriptor itself), so the bytes a frame would send can be counted. */
unsigned long long screen_output_bytes(void)
{
    struct stat st;
    if (!g_out)
        return 0;
    fflush(g_out);
    return fstat(fileno(g_out), &st) == 0 ? (unsigned long long)st.st_size : 0;
}

int screen_open_tty(const char *term_override, char *err, size_t errcap, const char **used_term)
{
    /* COLORTERM=truecolor on a *-256color terminal: its *-direct terminfo (ncurses-term), if there is
     * one, gives themes their 24-bit colours; without it they get the nearest of the 256. */
    const char *env_term = getenv("TERM"), *ct = getenv("COLORTERM");
    static char direct[64]; /* may become *used_term */
    size_t tl = env_term ? strlen(env_term) : 0;
    if (!term_override && ct && (strcmp(ct, "truecolor") == 0 || strcmp(ct, "24bit") == 0) && tl > 9 &&
        tl < sizeof direct && strcmp(env_term + tl - 9, "-256color") == 0)
        snprintf(direct, sizeof direct, "%.*s-direct", (int)(tl - 9), env_term);
    const char *candidates[6] = {term_override, direct, env_term, "xterm-256color", "xterm", "vt100"};
    for (int i = 0; i < 6; i++) {
        const char *t = candidates[i];
        if (!t || !*t || (strcmp(t, "dumb") == 0 && i < 3))
            continue;
        g_screen = newterm(t, stdout, stdin);
        if (g_screen) {
            set_term(g_screen);
            if (used_term)
                *used_term = t;
            break;
        }
    }
    if (!g_screen) {
        snprintf(err, errcap, "cannot open the terminal (TERM=%s)", getenv("TERM") ? getenv("TERM") : "unset");
        return -1;
    }
    if (!getenv("ESCDELAY"))
        set_escdelay(40);
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    leaveok(stdscr, TRUE); /* the cursor is hidden: no move to park it after each frame (slow links) */
    return 0;
}

void screen_mouse(bool on)
{
    mousemask(on ? (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED) : 0, NULL);
    mouseinterval(0); /* a press is a click at once, no waiting for a double click */
}

int screen_open_virtual(int cols, int rows, char *err, size_t errcap)
{
    int fd = memfd_create("catena-virtual-tty", MFD_CLOEXEC);
    g_out = fd >= 0 ? fdopen(fd, "w") : fopen("/dev/null", "we");
    g_in = fopen("/dev/null", "re");
    if (!g_out || !g_in) {
        snprintf(err, errcap, "cannot open /dev/null");
        return -1;
    }
    /* A fixed terminal type keeps screen dumps identical on every machine. */
    g_screen = newterm("xterm-256color", g_out, g_in);
    if (!g_screen)
        g_screen = newterm("vt100", g_out, g_in);
    if (!g_screen) {
        snprintf(err, errcap, "cannot create a virtual screen (no terminfo?)");
        return -1;
    }
    set_term(g_screen);
    noecho();
    nonl(); /* as screen_open_tty, so the bytes counted are those a terminal gets */
    curs_set(0);
    leaveok(stdscr, TRUE);
    resizeterm(rows, cols);
    return 0;
}

void screen_resize(int cols, int rows)
{
    resizeterm(rows, cols);
}

void screen_close(void)
{
    if (!g_screen)
        return;
    endwin();
    delscreen(g_screen);
    g_screen = NULL;
    if (g_out)
        fclose(g_out);
    if (g_in)
        fclose(g_in);
    g_out = g_in = NULL;
}

/* Text of row y into buf (UTF-8), and per-column attribute of each cell into attrs. */
static void row_text(int y, char *buf, size_t cap, attr_t *attrs, int *ncells)
{
    size_t o = 0;
    int x = 0, n = 0;
    while (x < COLS) {
        cchar_t cc;
        wchar_t wch[CCHARW_MAX + 1];
        attr_t a;
        short pair;
        if (mvwin_wch(stdscr, y, x, &cc) == ERR)
            break;
        getcchar(&cc, wch, &a, &pair, NULL);
        int w = wch[0] ? wcwidth(wch[0]) : 1;
        if (w < 1)
            w = 1;
        a = (a & ~A_COLOR) | COLOR_PAIR(pair);
        for (int k = 0; wch[k] && k < CCHARW_MAX; k++) {
            char mb[8];
            mbstate_t st;
            memset(&st, 0, sizeof st);
            size_t m = wcrtomb(mb, wch[k], &st);
            if (m != (size_t)-1 && o + m < cap - 1) {
                memcpy(buf + o, mb, m);
                o += m;
            }
        }
        if (!wch[0] && o < cap - 1)
            buf[o++] = ' ';
        for (int k = 0; k < w && n < 1024; k++)
            attrs[n++] = a;
        x += w;
    }
    buf[o] = '\0';
    *ncells = n;
}

void screen_putn(int y, int x, const char *s, size_t n)
{
    move(y, x);
    size_t i = 0;
    while (i < n) {
        /* A run of plain ASCII (not followed by a mark that belongs to its last letter) at once. */
        size_t run = 0;
        while (i + run < n && (unsigned char)s[i + run] >= 0x20 && (unsigned char)s[i + run] < 0x7F)
            run++;
        if (run && i + run < n && (unsigned char)s[i + run] >= 0x80)
            run--;
        if (run) {
            addnstr(s + i, (int)run);
            i += run;
            continue;
        }
        text_cell c;
        text_cell_next(s + i, n - i, &c);
        i += c.bytes;
        if (c.cols == 0)
            continue; /* a mark with nothing under it: measured as nothing, drawn as nothing */
        wchar_t wch[2] = {(wchar_t)c.cp[0], 0};
        cchar_t cc;
        setcchar(&cc, wch, A_NORMAL, 0, NULL);
#if defined(NCURSES_VERSION) && CCHARW_MAX >= TEXT_CELL_MAX_CODEPOINTS
        /* setcchar stops at a spacing character; a joined emoji sequence has several in one cell. */
        for (int k = 1; k < c.n; k++)
            cc.chars[k] = (wchar_t)c.cp[k];
#endif
        wadd_wch(stdscr, &cc);
    }
}

void screen_put(int y, int x, const char *s)
{
    screen_putn(y, x, s, strlen(s));
}

static void rtrim(char *s)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        s[--n] = '\0';
}

void screen_dump_text(FILE *out)
{
    char buf[8192];
    attr_t attrs[1024];
    int n;
    for (int y = 0; y < LINES; y++) {
        row_text(y, buf, sizeof buf, attrs, &n);
        rtrim(buf);
        fprintf(out, "%s\n", buf);
    }
}

void screen_dump_attrs(FILE *out)
{
    screen_dump_text(out);
    fprintf(out, "--- attributes\n");
    attr_t seen[52];
    int nseen = 0;
    static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    char buf[8192];
    attr_t attrs[1024];
    int n;
    attr_t plain = (attr_t)theme_attr(SLOT_NORMAL);
    for (int y = 0; y < LINES; y++) {
        row_text(y, buf, sizeof buf, attrs, &n);
        char line[1100];
        int o = 0;
        for (int x = 0; x < n && o < 1024; x++) {
            if (attrs[x] == plain || attrs[x] == A_NORMAL) {
                line[o++] = '.';
                continue;
            }
            int k;
            for (k = 0; k < nseen; k++)
                if (seen[k] == attrs[x])
                    break;
            if (k == nseen && nseen < 52)
                seen[nseen++] = attrs[x];
            line[o++] = k < 52 ? letters[k] : '?';
        }
        while (o && line[o - 1] == '.')
            o--;
        line[o] = '\0';
        fprintf(out, "%s\n", line);
    }
    fprintf(out, "--- legend\n");
    for (int k = 0; k < nseen; k++) {
        /* Every slot drawn this way (several share one look in the mono theme). */
        fprintf(out, "%c =", letters[k]);
        int named = 0;
        for (int sl = 0; sl < SLOT__COUNT; sl++) {
            if (theme_attr((theme_slot)sl) == seen[k]) {
                fprintf(out, "%s %s", named ? "," : "", theme_slot_name((theme_slot)sl));
                named++;
            }
        }
        if (!named)
            fprintf(out, " attr %#lx", (unsigned long)seen[k]);
        fputc('\n', out);
    }
}

bool screen_contains(const char *text)
{
    char buf[8192];
    attr_t attrs[1024];
    int n;
    for (int y = 0; y < LINES; y++) {
        row_text(y, buf, sizeof buf, attrs, &n);
        if (strstr(buf, text))
            return true;
    }
    return false;
}
