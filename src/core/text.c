/* text: sanitizing untrusted strings for display and measuring them in terminal columns.
 *
 * UTF-8 is decoded here (not with mbrtowc) so that the result does not depend on the
 * locale and so that invalid input is handled in one well-defined way: the decoder follows
 * the Unicode "maximal subpart" practice (also used by WHATWG, ICU and Python), i.e. a
 * truncated but otherwise valid prefix of a sequence becomes one U+FFFD, and every byte
 * that cannot start or continue a valid sequence becomes one U+FFFD of its own. */
#include "core/text.h"

#include "common/strbuf.h"

#include <langinfo.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>
#include <wctype.h>

#define BAD_CP 0xFFFFFFFFu
#define REPLACEMENT_CP 0xFFFDu

/* Decodes one code point from s[0..len) (len >= 1). *adv receives the bytes consumed
 * (always >= 1). Returns BAD_CP for an invalid byte or an ill-formed/truncated sequence. */
static uint32_t utf8_decode(const unsigned char *s, size_t len, size_t *adv)
{
    unsigned char b0 = s[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    uint32_t cp;

    *adv = 1;
    if (b0 < 0x80)
        return b0;
    if (b0 < 0xC2) /* stray continuation byte or overlong 2-byte lead */
        return BAD_CP;
    if (b0 < 0xE0) {
        need = 1;
        cp = b0 & 0x1F;
    } else if (b0 < 0xF0) {
        need = 2;
        cp = b0 & 0x0F;
        if (b0 == 0xE0)
            lo = 0xA0; /* overlong */
        else if (b0 == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (b0 < 0xF5) {
        need = 3;
        cp = b0 & 0x07;
        if (b0 == 0xF0)
            lo = 0x90; /* overlong */
        else if (b0 == 0xF4)
            hi = 0x8F; /* > U+10FFFF */
    } else {
        return BAD_CP; /* F5..FF: 5/6-byte forms and beyond U+10FFFF */
    }
    for (size_t i = 1; i <= need; i++) {
        if (i >= len)
            return BAD_CP; /* truncated: the valid prefix counts as one error */
        unsigned char b = s[i];
        if (b < lo || b > hi)
            return BAD_CP;
        lo = 0x80;
        hi = 0xBF;
        cp = (cp << 6) | (b & 0x3F);
        *adv = i + 1;
    }
    return cp;
}

/* Same for a NUL-terminated string (the NUL stops a sequence like any non-continuation). */
static uint32_t utf8_decode_str(const char *s, size_t *adv)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t avail = 1;
    while (avail < 4 && u[avail - 1] != '\0' && u[avail] != '\0')
        avail++;
    return utf8_decode(u, avail, adv);
}

static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static bool codeset_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "UTF8") == 0);
}

bool text_init_locale(void)
{
    setlocale(LC_ALL, "");
    if (codeset_is_utf8())
        return true;
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "C.utf8");
    return codeset_is_utf8();
}

static bool is_bidi_control(uint32_t cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

/* Characters that are never printable, whatever the locale's tables say. */
static bool is_never_printable(uint32_t cp)
{
    return cp == 0x2028 || cp == 0x2029 || (cp >= 0xFDD0 && cp <= 0xFDEF) ||
           (cp & 0xFFFE) == 0xFFFE;
}

char *text_sanitize(const char *in, size_t len, bool keep_newlines)
{
    if (!in)
        len = 0;
    /* Worst case: every input byte becomes a 3-byte U+FFFD. */
    if (len > (SIZE_MAX - 1) / 3)
        abort();
    char *out = xmalloc(len * 3 + 1);
    size_t o = 0;
    const unsigned char *s = (const unsigned char *)in;
    bool use_wctype = len > 0 && codeset_is_utf8();

    for (size_t i = 0; i < len;) {
        size_t adv;
        uint32_t cp = utf8_decode(s + i, len - i, &adv);
        i += adv;
        if (cp == BAD_CP) {
            o += utf8_encode(REPLACEMENT_CP, out + o);
        } else if (cp == '\t') {
            out[o++] = ' ';
        } else if (cp == '\n' && keep_newlines) {
            out[o++] = '\n';
        } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
            out[o++] = '?';
        } else if (cp < 0x7F) {
            out[o++] = (char)cp;
        } else if (is_bidi_control(cp)) {
            /* dropped */
        } else if (is_never_printable(cp) || (use_wctype && !iswprint((wint_t)cp))) {
            o += utf8_encode(REPLACEMENT_CP, out + o);
        } else {
            o += utf8_encode(cp, out + o);
        }
    }
    out[o] = '\0';
    return out;
}

char *text_sanitize_str(const char *in)
{
    if (!in)
        return xstrdup("");
    return text_sanitize(in, strlen(in), false);
}

/* Width of one decoded character: invalid bytes and non-printables count as one column
 * (they are shown as U+FFFD or '?' once sanitized); combining marks are 0. */
static int cp_width(uint32_t cp)
{
    if (cp == BAD_CP)
        return 1;
    if (cp >= 0x20 && cp < 0x7F)
        return 1;
    int w = wcwidth((wchar_t)cp);
    return w < 0 ? 1 : w;
}

int text_width(const char *s)
{
    int cols = 0;
    if (!s)
        return 0;
    while (*s) {
        unsigned char b = (unsigned char)*s;
        if (b >= 0x20 && b < 0x7F) {
            cols++;
            s++;
            continue;
        }
        size_t adv;
        uint32_t cp = utf8_decode_str(s, &adv);
        cols += cp_width(cp);
        s += adv;
    }
    return cols;
}

/* Bytes of s that fit in max_cols columns and max_bytes bytes without splitting a
 * character; zero-width characters following the last one that fits are included. */
static size_t fit_bounded(const char *s, int max_cols, size_t max_bytes, int *cols_out)
{
    size_t n = 0;
    int cols = 0;
    if (s && max_cols > 0) {
        while (s[n]) {
            size_t adv = 1;
            unsigned char b = (unsigned char)s[n];
            int w = (b >= 0x20 && b < 0x7F) ? 1 : cp_width(utf8_decode_str(s + n, &adv));
            if (cols + w > max_cols || n + adv > max_bytes)
                break;
            cols += w;
            n += adv;
        }
    }
    if (cols_out)
        *cols_out = cols;
    return n;
}

size_t text_fit(const char *s, int max_cols, int *cols_out)
{
    return fit_bounded(s, max_cols, SIZE_MAX, cols_out);
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
    size_t n = fit_bounded(s, max_cols, avail, &cols);
    size_t o;
    if (s[n] == '\0') {
        memcpy(out, s, n);
        o = n;
    } else if (avail >= ell_len) {
        /* Had to cut: keep one column and room for the ellipsis. */
        n = fit_bounded(s, max_cols - 1, avail - ell_len, &cols);
        memcpy(out, s, n);
        memcpy(out + n, ellipsis, ell_len);
        o = n + ell_len;
        cols++;
    } else {
        /* Buffer too small even for the ellipsis: keep what fits. */
        memcpy(out, s, n);
        o = n;
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

/* ------------------------------------------------------------ case-insensitive search */

static uint32_t fold_cp(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    if (cp == BAD_CP)
        return REPLACEMENT_CP;
    return (uint32_t)towlower((wint_t)cp);
}

static inline unsigned char ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Needle is pure ASCII: byte-wise search with ASCII folding. UTF-8 continuation and lead
 * bytes are >= 0x80, so they can never match an ASCII needle byte. */
static bool contains_ascii(const char *hay, const unsigned char *needle, size_t nlen)
{
    const unsigned char *h = (const unsigned char *)hay;
    unsigned char first = needle[0]; /* already lowercased */
    unsigned char first_up = (first >= 'a' && first <= 'z') ? (unsigned char)(first - 32) : first;

    for (; *h; h++) {
        if (*h != first && *h != first_up)
            continue;
        size_t j = 1;
        while (j < nlen && h[j] && ascii_lower(h[j]) == needle[j])
            j++;
        if (j == nlen)
            return true;
        if (!h[j])
            return false; /* haystack exhausted */
    }
    return false;
}

static bool contains_unicode(const char *hay, const uint32_t *needle, size_t nchars)
{
    const char *p = hay;
    uint32_t first = needle[0];
    while (*p) {
        /* ASCII haystack bytes fold to ASCII: skip them cheaply when they cannot match. */
        unsigned char b = (unsigned char)*p;
        if (b < 0x80 && (first >= 0x80 || ascii_lower(b) != first)) {
            p++;
            continue;
        }
        const char *q = p;
        size_t j = 0, adv;
        while (j < nchars && *q) {
            uint32_t cp = fold_cp(utf8_decode_str(q, &adv));
            if (cp != needle[j])
                break;
            q += adv;
            j++;
        }
        if (j == nchars)
            return true;
        if (!*q && j > 0)
            return false; /* the rest of the haystack is shorter than the needle */
        utf8_decode_str(p, &adv);
        p += adv;
    }
    return false;
}

bool text_contains_ci(const char *haystack, const char *needle)
{
    enum { STACK_CHARS = 128 };
    if (!needle || !*needle)
        return true;
    if (!haystack || !*haystack)
        return false;

    size_t nlen = 0;
    bool ascii = true;
    for (const unsigned char *p = (const unsigned char *)needle; *p; p++, nlen++)
        if (*p >= 0x80)
            ascii = false;

    if (ascii) {
        unsigned char stackbuf[STACK_CHARS];
        unsigned char *low = nlen <= STACK_CHARS ? stackbuf : xmalloc(nlen);
        for (size_t i = 0; i < nlen; i++)
            low[i] = ascii_lower((unsigned char)needle[i]);
        bool found = contains_ascii(haystack, low, nlen);
        if (low != stackbuf)
            free(low);
        return found;
    }

    /* A needle of nlen bytes has at most nlen characters. */
    uint32_t stackcps[STACK_CHARS];
    uint32_t *cps = nlen <= STACK_CHARS ? stackcps : xmalloc(nlen * sizeof *cps);
    size_t nchars = 0;
    for (const char *p = needle; *p;) {
        size_t adv;
        cps[nchars++] = fold_cp(utf8_decode_str(p, &adv));
        p += adv;
    }
    bool found = contains_unicode(haystack, cps, nchars);
    if (cps != stackcps)
        free(cps);
    return found;
}

void text_pop_char(char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        n--;
        if (((unsigned char)s[n] & 0xC0) != 0x80)
            break;
    }
    s[n] = '\0';
}

/* ------------------------------------------------------------ folding for search */

/* Base letters of U+00C0..U+017F: '.' keeps the character (lowercased), '*' is two letters. */
static const char FOLD_LATIN[] = "aaaaaa*ceeeeiiii"
                                 "dnooooo.ouuuuy.*"
                                 "aaaaaa*ceeeeiiii"
                                 "dnooooo.ouuuuy.y"
                                 "aaaaaaccccccccdd"
                                 "ddeeeeeeeeeegggg"
                                 "gggghhhhiiiiiiii"
                                 "iiiijjkkklllllll"
                                 "lllnnnnnnnnnoooo"
                                 "oo**rrrrrrssssss"
                                 "ssttttttuuuuuuuu"
                                 "uuuuwwyyyzzzzzzs";

/* The folded form of one code point into out (at most 4 bytes); returns its length. */
static size_t fold_one(uint32_t cp, char *out)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E) /* full-width ASCII */
        cp -= 0xFEE0;
    if (cp < 0x80) {
        out[0] = (char)((cp >= 'A' && cp <= 'Z') ? cp + 32 : cp);
        return 1;
    }
    if (cp >= 0x300 && cp <= 0x36F) /* combining diacritical marks */
        return 0;
    if (cp >= 0xC0 && cp <= 0x17F) {
        char b = FOLD_LATIN[cp - 0xC0];
        if (b == '*') {
            const char *two = cp == 0xDF ? "ss" : (cp == 0xC6 || cp == 0xE6) ? "ae" : "oe";
            memcpy(out, two, 2);
            return 2;
        }
        if (b != '.') {
            out[0] = b;
            return 1;
        }
    }
    return utf8_encode(fold_cp(cp), out);
}

void text_fold(strbuf *out, const char *s)
{
    while (s && *s) {
        size_t adv;
        uint32_t cp = utf8_decode_str(s, &adv);
        char enc[4];
        size_t n = fold_one(cp, enc);
        strbuf_append(out, enc, n);
        s += adv;
    }
}

bool text_fold_marked(const char *s)
{
    while (s && *s) {
        size_t adv;
        uint32_t cp = utf8_decode_str(s, &adv);
        s += adv;
        if (cp < 0x80)
            continue;
        char a[4], b[4];
        size_t na = fold_one(cp, a), nb = utf8_encode(fold_cp(cp), b);
        if (na != nb || memcmp(a, b, na) != 0)
            return true;
    }
    return false;
}
