#include "emu_json.h"

#include <stdio.h>
#include <string.h>

void json_put_strn(strbuf *sb, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    strbuf_putc(sb, '"');
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            size_t len = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
            if (len && i + len <= n && utf8_valid(s + i, len)) {
                i += len - 1;
                continue;
            }
            /* Invalid UTF-8 never reaches the output: replace the byte with U+FFFD. */
            strbuf_append(sb, s + start, i - start);
            start = i + 1;
            strbuf_puts(sb, "\\ufffd");
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        strbuf_append(sb, s + start, i - start);
        start = i + 1;
        switch (c) {
        case '"': strbuf_puts(sb, "\\\""); break;
        case '\\': strbuf_puts(sb, "\\\\"); break;
        case '\n': strbuf_puts(sb, "\\n"); break;
        case '\r': strbuf_puts(sb, "\\r"); break;
        case '\t': strbuf_puts(sb, "\\t"); break;
        default: {
            char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            strbuf_puts(sb, esc);
        }
        }
    }
    strbuf_append(sb, s + start, n - start);
    strbuf_putc(sb, '"');
}

void json_put_str(strbuf *sb, const char *s)
{
    if (!s) {
        strbuf_puts(sb, "null");
        return;
    }
    json_put_strn(sb, s, strlen(s));
}

void json_put_key(strbuf *sb, bool *first, const char *key)
{
    if (!*first)
        strbuf_putc(sb, ',');
    *first = false;
    json_put_str(sb, key);
    strbuf_putc(sb, ':');
}

void json_member_str(strbuf *sb, bool *first, const char *key, const char *value)
{
    json_put_key(sb, first, key);
    json_put_str(sb, value);
}

void json_member_int(strbuf *sb, bool *first, const char *key, long long value)
{
    json_put_key(sb, first, key);
    strbuf_printf(sb, "%lld", value);
}

void json_member_bool(strbuf *sb, bool *first, const char *key, bool value)
{
    json_put_key(sb, first, key);
    strbuf_puts(sb, value ? "true" : "false");
}

void json_member_null(strbuf *sb, bool *first, const char *key)
{
    json_put_key(sb, first, key);
    strbuf_puts(sb, "null");
}

void json_member_raw(strbuf *sb, bool *first, const char *key, const char *raw_json)
{
    json_put_key(sb, first, key);
    strbuf_puts(sb, raw_json);
}

bool utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        int len;
        unsigned cp;
        if ((c & 0xe0) == 0xc0) {
            len = 2;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + (size_t)len > n)
            return false;
        for (int k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += (size_t)len;
    }
    return true;
}

size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}
