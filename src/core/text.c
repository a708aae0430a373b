/* text: sanitizing untrusted strings for display and measuring them in terminal columns.
 *
 * UTF-8 is decoded here (not with mbrtowc) so that the result does not depend on the
 * locale and so that invalid input is handled in one well-defined way: the decoder follows
 * the Unicode "maximal subpart" practice (also used by WHATWG, ICU and Python), i.e. a
 * truncated but otherwise valid prefix of a sequence becomes one U+FFFD, and every byte
 * that cannot start or continue a valid sequence becomes one U+FFFD of its own. */
#include "core/text.h"
#include "text_utf8.h"

#include "common/strbuf.h"

#include <langinfo.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>
#include <wctype.h>

uint32_t text_utf8_decode(const unsigned char *s, size_t len, size_t *adv)
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

uint32_t text_utf8_decode_str(const char *s, size_t *adv)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t avail = 1;
    while (avail < 4 && u[avail - 1] != '\0' && u[avail] != '\0')
        avail++;
    return text_utf8_decode(u, avail, adv);
}

size_t text_utf8_encode(uint32_t cp, char *out)
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

/* Embeddings, overrides and isolates: dropped (they reorder what follows them). */
static bool is_bidi_control(uint32_t cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Characters a terminal draws as nothing, so that a name can look blank or two names the same:
 * zero-width space, non-joiner, joiner, LRM, RLM (U+200B..U+200F), ALM (U+061C), the Mongolian
 * vowel separator, word joiner and invisible operators (U+2060..U+2064), the deprecated format
 * controls (U+206A..U+206F), the BOM / zero-width no-break space (U+FEFF) and the tag characters
 * (U+E0000..U+E007F). Shown as U+FFFD, like any other character that cannot be drawn. */
static bool is_invisible_format(uint32_t cp)
{
    return (cp >= 0x200B && cp <= 0x200F) || cp == 0x061C || cp == 0x180E || (cp >= 0x2060 && cp <= 0x2064) ||
           (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xE0000 && cp <= 0xE007F);
}

/* Pictographs that join into one emoji with U+200D (family, profession, flag sequences). */
static bool is_pictographic(uint32_t cp)
{
    return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0x2B00 && cp <= 0x2BFF);
}

/* What may sit between a pictograph and a following ZWJ without breaking the sequence:
 * VS16 (emoji presentation) and the enclosing keycap. Skin tones are pictographic already. */
static bool continues_emoji(uint32_t cp)
{
    return cp == 0xFE0F || cp == 0x20E3;
}

/* Characters that are never printable, whatever the locale's tables say. */
static bool is_never_printable(uint32_t cp)
{
    return cp == 0x2028 || cp == 0x2029 || (cp >= 0xFDD0 && cp <= 0xFDEF) ||
           (cp & 0xFFFE) == 0xFFFE;
}

/* A pictograph the sanitizer keeps as it is (not one it replaces as unprintable): only between
 * two of these is a ZWJ kept, so that the output is the same when sanitized again. */
static bool kept_pictograph(uint32_t cp, bool use_wctype)
{
    return cp != BAD_CP && is_pictographic(cp) && !is_never_printable(cp) && !(use_wctype && !iswprint((wint_t)cp));
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
    bool in_emoji = false; /* the output ends in a pictograph (plus VS16 or keycap) */
    int marks = 0;         /* zero-width characters written since the last spacing one */

    for (size_t i = 0; i < len;) {
        size_t adv;
        uint32_t cp = text_utf8_decode(s + i, len - i, &adv);
        i += adv;
        bool was_emoji = in_emoji;
        in_emoji = kept_pictograph(cp, use_wctype) || (was_emoji && continues_emoji(cp));
        if (cp == 0x200D && was_emoji && i < len) {
            size_t next_adv;
            uint32_t next = text_utf8_decode(s + i, len - i, &next_adv);
            if (kept_pictograph(next, use_wctype) && marks < TEXT_CELL_MARKS_MAX) {
                o += text_utf8_encode(cp, out + o); /* a ZWJ inside an emoji sequence is kept */
                marks++;
                continue;
            }
        }
        if (use_wctype && text_cp_is_mark(cp) && !is_bidi_control(cp) &&
            !is_invisible_format(cp) && !is_never_printable(cp) && iswprint((wint_t)cp)) {
            /* A mark drawn over the character before it: beyond what a terminal cell holds it is
             * dropped (a stack of hundreds cannot smear over other rows); with nothing before it,
             * it gets a dotted circle to sit on, as the Unicode standard shows a lone mark. */
            if (o == 0 || out[o - 1] == '\n') {
                o += text_utf8_encode(DOTTED_CIRCLE_CP, out + o);
                marks = 0;
            }
            if (marks >= TEXT_CELL_MARKS_MAX)
                continue;
            marks++;
            o += text_utf8_encode(cp, out + o);
            continue;
        }
        marks = 0;
        if (cp == BAD_CP) {
            o += text_utf8_encode(REPLACEMENT_CP, out + o);
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
        } else if (is_invisible_format(cp) || is_never_printable(cp) || (use_wctype && !iswprint((wint_t)cp))) {
            o += text_utf8_encode(REPLACEMENT_CP, out + o);
        } else {
            o += text_utf8_encode(cp, out + o);
        }
    }
    out[o] = '\0';
    return out;
}

bool text_is_plain_ascii(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p >= 0x7F)
            return false;
    return true;
}

char *text_sanitize_str(const char *in)
{
    if (!in)
        return xstrdup("");
    return text_sanitize(in, strlen(in), false);
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
            uint32_t cp = fold_cp(text_utf8_decode_str(q, &adv));
            if (cp != needle[j])
                break;
            q += adv;
            j++;
        }
        if (j == nchars)
            return true;
        if (!*q && j > 0)
            return false; /* the rest of the haystack is shorter than the needle */
        text_utf8_decode_str(p, &adv);
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
        cps[nchars++] = fold_cp(text_utf8_decode_str(p, &adv));
        p += adv;
    }
    bool found = contains_unicode(haystack, cps, nchars);
    if (cps != stackcps)
        free(cps);
    return found;
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
    return text_utf8_encode(fold_cp(cp), out);
}

void text_fold(strbuf *out, const char *s)
{
    while (s && *s) {
        size_t adv;
        uint32_t cp = text_utf8_decode_str(s, &adv);
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
        uint32_t cp = text_utf8_decode_str(s, &adv);
        s += adv;
        if (cp < 0x80)
            continue;
        char a[4], b[4];
        size_t na = fold_one(cp, a), nb = text_utf8_encode(fold_cp(cp), b);
        if (na != nb || memcmp(a, b, na) != 0)
            return true;
    }
    return false;
}
