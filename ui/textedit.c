#include "ui/textedit.h"

#include "common/strbuf.h"
#include "core/text.h"
#include "ui/screen.h"
#include "ui/keys.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

void textedit_init(textedit *t, const char *initial, bool single_line)
{
    memset(t, 0, sizeof *t);
    t->single_line = single_line;
    textedit_set(t, initial ? initial : "");
}

void textedit_free(textedit *t)
{
    free(t->buf);
    memset(t, 0, sizeof *t);
}

void textedit_set(textedit *t, const char *text)
{
    size_t n = strlen(text);
    if (n + 1 > t->cap) {
        t->cap = n + 64;
        t->buf = xrealloc(t->buf, t->cap);
    }
    memcpy(t->buf, text, n + 1);
    t->len = n;
    t->cursor = n;
    t->top_line = 0;
}

const char *textedit_text(const textedit *t)
{
    return t->buf ? t->buf : "";
}

/* The cursor moves, and Backspace and Delete erase, by grapheme clusters: never between a letter
 * and its accent or inside an emoji sequence. */
static size_t next_char(const textedit *t, size_t i)
{
    if (i >= t->len)
        return t->len;
    return i + text_cluster_next(t->buf + i, t->len - i, NULL);
}

static size_t prev_char(const textedit *t, size_t i)
{
    return i == 0 ? 0 : text_cluster_before(t->buf, i);
}

static void insert(textedit *t, const char *s, size_t n)
{
    if (t->max_bytes && t->len + n > t->max_bytes)
        return;
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->buf = xrealloc(t->buf, t->cap);
    }
    memmove(t->buf + t->cursor + n, t->buf + t->cursor, t->len - t->cursor + 1);
    memcpy(t->buf + t->cursor, s, n);
    t->len += n;
    t->cursor += n;
}

bool textedit_insert(textedit *t, const char *s)
{
    size_t n = strlen(s);
    if (t->max_bytes && t->len + n > t->max_bytes)
        return false;
    insert(t, s, n);
    return true;
}

static void erase_range(textedit *t, size_t from, size_t to)
{
    memmove(t->buf + from, t->buf + to, t->len - to + 1);
    t->len -= to - from;
    t->cursor = from;
}

/* Wrapped lines: starts[i] is the byte where line i begins. Soft wraps break after a space when
 * one is on the line, else mid-word; '\n' always breaks. */
typedef struct wrap {
    size_t *starts;
    int n, cap;
} wrap;

static void wrap_push(wrap *w, size_t start)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 16;
        w->starts = xrealloc(w->starts, (size_t)w->cap * sizeof *w->starts);
    }
    w->starts[w->n++] = start;
}

/* Columns of the cluster at byte i, and its length in *len. */
static int char_width(const textedit *t, size_t i, size_t *len)
{
    int w;
    *len = text_cluster_next(t->buf + i, t->len - i, &w);
    return w;
}

static void compute_wrap(const textedit *t, int width, wrap *w)
{
    w->n = 0;
    if (width < 2)
        width = 2;
    size_t i = 0, line_start = 0, last_space = (size_t)-1;
    int col = 0;
    wrap_push(w, 0);
    while (i < t->len) {
        if (t->buf[i] == '\n') {
            i++;
            line_start = i;
            wrap_push(w, i);
            col = 0;
            last_space = (size_t)-1;
            continue;
        }
        size_t clen;
        int cw = char_width(t, i, &clen);
        if (col + cw > width - 1 && i > line_start) { /* keep one column for the cursor */
            size_t brk = (last_space != (size_t)-1 && last_space > line_start) ? last_space + 1 : i;
            line_start = brk;
            wrap_push(w, brk);
            col = 0;
            last_space = (size_t)-1;
            i = brk;
            continue;
        }
        if (t->buf[i] == ' ')
            last_space = i;
        col += cw;
        i += clen;
    }
}

static int line_of(const wrap *w, size_t pos)
{
    int line = 0;
    for (int i = 1; i < w->n; i++)
        if (w->starts[i] <= pos)
            line = i;
    return line;
}

/* Byte position on line `line` nearest to column col. */
static size_t pos_at_col(const textedit *t, const wrap *w, int line, int col)
{
    size_t i = w->starts[line], end = line + 1 < w->n ? w->starts[line + 1] : t->len;
    int c = 0;
    while (i < end && t->buf[i] != '\n') {
        size_t clen;
        int cw = char_width(t, i, &clen);
        if (c + cw > col)
            break;
        c += cw;
        i += clen;
    }
    if (line + 1 < w->n && i == end && end > w->starts[line] && t->buf[end - 1] != '\n')
        i = prev_char(t, end) > w->starts[line] ? end : end; /* soft-wrapped: stay at the break */
    return i;
}

static int col_of(const textedit *t, const wrap *w, size_t pos)
{
    int line = line_of(w, pos), c = 0;
    for (size_t i = w->starts[line]; i < pos;) {
        size_t clen;
        c += char_width(t, i, &clen);
        i += clen;
    }
    return c;
}

bool textedit_key(textedit *t, int key, int width, bool *moved)
{
    bool changed = false;
    size_t before = t->cursor;
    char mb[8];
    if (key == KEYS_FN + KEY_BACKSPACE) {
        if (t->cursor > 0) {
            erase_range(t, prev_char(t, t->cursor), t->cursor);
            changed = true;
        }
    } else if (key == KEYS_FN + KEY_DC || key == KEY_CTRL('d')) {
        if (t->cursor < t->len) {
            size_t c = t->cursor;
            erase_range(t, c, next_char(t, c));
            changed = true;
        }
    } else if (key == KEY_CTRL('u')) {
        /* Delete to the start of the line. */
        size_t s = t->cursor;
        while (s > 0 && t->buf[s - 1] != '\n')
            s--;
        if (s < t->cursor) {
            erase_range(t, s, t->cursor);
            changed = true;
        }
    } else if (key == KEY_CTRL('w')) {
        size_t s = t->cursor;
        while (s > 0 && t->buf[s - 1] == ' ')
            s--;
        while (s > 0 && t->buf[s - 1] != ' ' && t->buf[s - 1] != '\n')
            s--;
        if (s < t->cursor) {
            erase_range(t, s, t->cursor);
            changed = true;
        }
    } else if (key == KEYS_FN + KEY_LEFT) {
        t->cursor = prev_char(t, t->cursor);
    } else if (key == KEYS_FN + KEY_RIGHT) {
        t->cursor = next_char(t, t->cursor);
    } else if (key == KEYS_FN + KEY_HOME || key == KEY_CTRL('a')) {
        while (t->cursor > 0 && t->buf[t->cursor - 1] != '\n')
            t->cursor--;
    } else if (key == KEYS_FN + KEY_END) {
        while (t->cursor < t->len && t->buf[t->cursor] != '\n')
            t->cursor++;
    } else if (key == KEYS_FN + KEY_UP || key == KEYS_FN + KEY_DOWN) {
        if (t->single_line)
            return false;
        wrap w = {0};
        compute_wrap(t, width, &w);
        int line = line_of(&w, t->cursor), col = col_of(t, &w, t->cursor);
        int target = key == KEYS_FN + KEY_UP ? line - 1 : line + 1;
        if (target >= 0 && target < w.n)
            t->cursor = pos_at_col(t, &w, target, col);
        free(w.starts);
    } else if (key == '\n') {
        if (t->single_line)
            return false;
        insert(t, "\n", 1);
        changed = true;
    } else if (key == '\t') {
        return false;
    } else if (keys_utf8(key, mb)) {
        insert(t, mb, strlen(mb));
        changed = true;
    } else {
        return false;
    }
    if (moved)
        *moved = t->cursor != before;
    return changed || t->cursor != before;
}

size_t textedit_chars(const textedit *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->len; i++)
        if (((unsigned char)t->buf[i] & 0xC0) != 0x80)
            n++;
    return n;
}

int textedit_lines(const textedit *t, int width)
{
    wrap w = {0};
    compute_wrap(t, width, &w);
    int n = w.n;
    free(w.starts);
    return n;
}

void textedit_draw(textedit *t, int top, int left, int height, int width, theme_slot slot, bool show_cursor)
{
    if (width < 2 || height < 1)
        return;
    wrap w = {0};
    compute_wrap(t, width, &w);
    int cl = line_of(&w, t->cursor);
    if ((size_t)cl < t->top_line)
        t->top_line = (size_t)cl;
    if ((size_t)cl >= t->top_line + (size_t)height)
        t->top_line = (size_t)cl - (size_t)height + 1;
    char buf[4096], line[4096];
    for (int r = 0; r < height; r++) {
        int li = (int)t->top_line + r;
        line[0] = '\0';
        if (li < w.n) {
            size_t s = w.starts[li], e = li + 1 < w.n ? w.starts[li + 1] : t->len;
            if (e > s && t->buf[e - 1] == '\n')
                e--;
            size_t n = e - s < sizeof line - 1 ? e - s : sizeof line - 1;
            memcpy(line, t->buf + s, n);
            line[n] = '\0';
        }
        /* The buffer holds what the user typed; still never let a control byte reach curses. */
        char *clean = text_sanitize(line, strlen(line), false);
        text_fit_pad(clean, width, true, buf, sizeof buf);
        free(clean);
        attrset((attr_t)theme_attr(slot));
        screen_put(top + r, left, buf);
    }
    if (show_cursor) {
        int col = col_of(t, &w, t->cursor);
        int y = top + cl - (int)t->top_line;
        if (y >= top && y < top + height && col < width) {
            attrset((attr_t)theme_attr(SLOT_CURSOR));
            if (t->cursor < t->len && t->buf[t->cursor] != '\n') {
                size_t clen;
                char_width(t, t->cursor, &clen);
                screen_putn(y, left + col, t->buf + t->cursor, clen); /* controls show as '?' */
            } else {
                screen_put(y, left + col, " ");
            }
        }
    }
    attrset(A_NORMAL);
    free(w.starts);
}
