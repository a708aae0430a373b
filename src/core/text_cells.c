/* text_cells: widths as the terminal draws them, cell by cell, and grapheme clusters for cutting
 * and erasing (the rules are in text.h). */
#include "core/text.h"
#include "text_utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* tmux glues the character after a ZWJ into the cell before it since 3.3 (measured: 3.3a). */
#define TMUX_JOINS_SINCE_MAJOR 3
#define TMUX_JOINS_SINCE_MINOR 3

static text_emoji_mode emoji_mode = TEXT_EMOJI_PORTABLE;

text_emoji_mode text_emoji_detect(void)
{
    const char *prog = getenv("TERM_PROGRAM"), *ver = getenv("TERM_PROGRAM_VERSION");
    if (!prog || strcmp(prog, "tmux") != 0 || !ver)
        return TEXT_EMOJI_PORTABLE;
    /* "3.3a", "3.4", "next-3.5": the first digits are the major version */
    while (*ver && (*ver < '0' || *ver > '9'))
        ver++;
    char *end;
    long major = strtol(ver, &end, 10), minor = 0;
    if (end == ver)
        return TEXT_EMOJI_PORTABLE;
    if (*end == '.')
        minor = strtol(end + 1, NULL, 10);
    bool joins = major > TMUX_JOINS_SINCE_MAJOR || (major == TMUX_JOINS_SINCE_MAJOR && minor >= TMUX_JOINS_SINCE_MINOR);
    return joins ? TEXT_EMOJI_JOINED : TEXT_EMOJI_PORTABLE;
}

void text_set_emoji_mode(text_emoji_mode mode)
{
    emoji_mode = mode;
}

text_emoji_mode text_get_emoji_mode(void)
{
    return emoji_mode;
}

static bool is_control(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

/* Columns of one code point on its own: what the sanitizer would show for invalid bytes and
 * controls (U+FFFD, '?') takes one; the locale's wcwidth for the rest (unprintable: one). */
static int cp_cols(uint32_t cp)
{
    if (cp >= 0x20 && cp < 0x7F)
        return 1;
    if (cp == BAD_CP || is_control(cp))
        return 1;
    int w = wcwidth((wchar_t)cp);
    return w < 0 ? 1 : w;
}

bool text_cp_is_mark(uint32_t cp)
{
    return cp > 0x7F && cp != BAD_CP && !is_control(cp) && wcwidth((wchar_t)cp) == 0;
}

static bool is_regional_indicator(uint32_t cp)
{
    return cp >= 0x1F1E6 && cp <= 0x1F1FF;
}

static bool is_skin_tone(uint32_t cp)
{
    return cp >= 0x1F3FB && cp <= 0x1F3FF;
}

/* Spacing marks that belong to the consonant before them (Thai and Lao SARA AM). */
static bool is_spacing_mark(uint32_t cp)
{
    return cp == 0x0E33 || cp == 0x0EB3;
}

static uint32_t decode_at(const char *s, size_t len, size_t *adv)
{
    return text_utf8_decode((const unsigned char *)s, len, adv);
}

void text_cell_next(const char *s, size_t len, text_cell *c)
{
    size_t adv;
    uint32_t cp = decode_at(s, len, &adv);
    bool line_break = cp == '\n';
    c->cols = cp_cols(cp);
    if (cp == BAD_CP)
        cp = REPLACEMENT_CP;
    else if (is_control(cp))
        cp = '?';
    else if (text_cp_is_mark(cp))
        c->cols = 0; /* a mark with no base (the sanitizer gives it a dotted circle) */
    c->cp[0] = (unsigned)cp;
    c->n = 1;
    c->bytes = adv;
    c->split_joiner = false;
    if (c->cols == 0 || line_break)
        return; /* nothing is drawn over a line break */
    while (c->bytes < len) {
        uint32_t next = decode_at(s + c->bytes, len - c->bytes, &adv);
        if (next == ZWJ_CP) {
            size_t after = c->bytes + adv, adv2 = 0;
            uint32_t glued = after < len ? decode_at(s + after, len - after, &adv2) : BAD_CP;
            if (emoji_mode == TEXT_EMOJI_JOINED && glued != BAD_CP && !is_control(glued) &&
                c->n + 2 <= TEXT_CELL_MAX_CODEPOINTS) {
                c->cp[c->n++] = ZWJ_CP;
                c->cp[c->n++] = (unsigned)glued;
                c->bytes = after + adv2;
                continue;
            }
            /* Not drawn: nothing can join what follows (portable mode, or no room left in the cell). */
            c->bytes = after;
            c->split_joiner = after < len;
            return;
        }
        if (!text_cp_is_mark(next))
            return;
        if (next == VS16_CP && emoji_mode == TEXT_EMOJI_PORTABLE && c->cols == 1) {
            c->bytes += adv; /* not drawn: a narrow character stays narrow on every terminal */
            continue;
        }
        if (c->n < TEXT_CELL_MAX_CODEPOINTS)
            c->cp[c->n++] = (unsigned)next;
        c->bytes += adv; /* marks beyond what a cell holds are not drawn */
    }
}

size_t text_cluster_next(const char *s, size_t len, int *cols)
{
    text_cell c;
    size_t bytes = 0;
    int w = 0;
    if (len == 0) {
        if (cols)
            *cols = 0;
        return 0;
    }
    text_cell_next(s, len, &c);
    bytes = c.bytes;
    w = c.cols;
    uint32_t first = c.cp[0];
    bool pair_open = is_regional_indicator(first) && c.n == 1;
    while (bytes < len) {
        text_cell d;
        text_cell_next(s + bytes, len - bytes, &d);
        uint32_t cp = d.cp[0];
        bool belongs = c.split_joiner || (pair_open && is_regional_indicator(cp)) ||
                       (is_skin_tone(cp) && first >= 0x1F000) || (is_spacing_mark(cp) && first != '?') ||
                       d.cols == 0;
        if (!belongs)
            break;
        if (pair_open && is_regional_indicator(cp))
            pair_open = false;
        bytes += d.bytes;
        w += d.cols;
        c = d;
    }
    if (cols)
        *cols = w;
    return bytes;
}

size_t text_cluster_before(const char *s, size_t pos)
{
    size_t start = pos;
    while (start > 0 && s[start - 1] != '\n')
        start--;
    if (start == pos)
        return pos - 1; /* just after a newline: the newline itself */
    size_t last = start;
    for (size_t i = start; i < pos;) {
        last = i;
        size_t n = text_cluster_next(s + i, pos - i, NULL);
        i += n ? n : 1;
    }
    return last;
}

int text_width(const char *s)
{
    int cols = 0;
    if (!s)
        return 0;
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        unsigned char b = (unsigned char)s[i];
        if (b >= 0x20 && b < 0x7F && (i + 1 >= len || (unsigned char)s[i + 1] < 0x80)) {
            cols++;
            i++;
            continue;
        }
        text_cell c;
        text_cell_next(s + i, len - i, &c);
        cols += c.cols;
        i += c.bytes;
    }
    return cols;
}

/* Bytes of what the cells of s[0..n) show (what text_fit_pad writes for them). */
static size_t shown_bytes(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)s[i];
        if (b >= 0x20 && b < 0x7F && (i + 1 >= n || (unsigned char)s[i + 1] < 0x80)) {
            if (out)
                out[o] = (char)b;
            o++;
            i++;
            continue;
        }
        text_cell c;
        text_cell_next(s + i, n - i, &c);
        for (int k = 0; k < c.n; k++) {
            char enc[4];
            size_t e = text_utf8_encode(c.cp[k], enc);
            if (out)
                memcpy(out + o, enc, e);
            o += e;
        }
        i += c.bytes;
    }
    return o;
}

/* Bytes of s that fit in max_cols columns, and whose cells take at most max_shown bytes once
 * written out, without splitting a cluster. */
static size_t fit_bounded(const char *s, int max_cols, size_t max_shown, int *cols_out, size_t *shown_out)
{
    size_t n = 0, shown = 0;
    int cols = 0;
    if (s && max_cols > 0) {
        size_t len = strlen(s);
        while (n < len) {
            unsigned char b = (unsigned char)s[n];
            if (b >= 0x20 && b < 0x7F && (n + 1 >= len || (unsigned char)s[n + 1] < 0x80)) {
                if (cols + 1 > max_cols || shown + 1 > max_shown) /* plain ASCII: one byte, one column */
                    break;
                cols++;
                shown++;
                n++;
                continue;
            }
            int w;
            size_t adv = text_cluster_next(s + n, len - n, &w);
            size_t sb = shown_bytes(s + n, adv, NULL);
            if (cols + w > max_cols || shown + sb > max_shown)
                break;
            cols += w;
            shown += sb;
            n += adv;
        }
    }
    if (cols_out)
        *cols_out = cols;
    if (shown_out)
        *shown_out = shown;
    return n;
}

size_t text_fit(const char *s, int max_cols, int *cols_out)
{
    return fit_bounded(s, max_cols, SIZE_MAX, cols_out, NULL);
}

int text_fit_pad(const char *s, int max_cols, bool pad, char *out, size_t outcap)
{
    static const char ellipsis[] = "\xe2\x80\xa6"; /* U+2026, one column */
    const size_t ell_len = sizeof ellipsis - 1;

    if (!out || outcap == 0)
        return 0;
    out[0] = '\0';
    if (max_cols <= 0)
        return 0;
    if (!s)
        s = "";

    size_t avail = outcap - 1; /* bytes available before the terminating NUL */
    int cols;
    size_t shown;
    size_t n = fit_bounded(s, max_cols, avail, &cols, &shown);
    size_t o;
    if (s[n] == '\0') {
        o = shown_bytes(s, n, out);
    } else if (avail >= ell_len) {
        /* Had to cut: keep one column and room for the ellipsis. */
        n = fit_bounded(s, max_cols - 1, avail - ell_len, &cols, &shown);
        o = shown_bytes(s, n, out);
        memcpy(out + o, ellipsis, ell_len);
        o += ell_len;
        cols++;
    } else {
        /* Buffer too small even for the ellipsis: keep what fits. */
        o = shown_bytes(s, n, out);
    }
    if (pad) {
        while (cols < max_cols && o < avail) {
            out[o++] = ' ';
            cols++;
        }
    }
    out[o] = '\0';
    return cols;
}

void text_pop_char(char *s)
{
    size_t n = strlen(s);
    if (n > 0)
        s[text_cluster_before(s, n)] = '\0';
}
