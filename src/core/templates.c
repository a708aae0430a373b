/* templates: canned replies, parsed from the user's file and filled for one driver. */
#include "core/templates.h"

#include "common/err.h"
#include "common/strbuf.h"
#include "core/statefile.h"
#include "core/text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const placeholders[] = {"first_name", "driver", "vehicle", "location", "dispatcher"};
#define NPLACEHOLDERS (sizeof placeholders / sizeof placeholders[0])

/* Length of the valid UTF-8 sequence at s (of n bytes), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* The index of the placeholder named by [p, p+n), or -1. */
static int placeholder_index(const char *p, size_t n)
{
    for (size_t i = 0; i < NPLACEHOLDERS; i++)
        if (strlen(placeholders[i]) == n && memcmp(placeholders[i], p, n) == 0)
            return (int)i;
    return -1;
}

/* Checks one line of a template's text: UTF-8, no control characters, placeholders known and
 * closed. NULL when fine, else what is wrong (static text). */
static const char *check_text_line(const char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)p[i];
        size_t len = utf8_len((const unsigned char *)p + i, n - i);
        if (!len)
            return "not valid UTF-8";
        if ((c < 0x20 && c != '\t') || c == 0x7F || (len == 2 && c == 0xC2 && (unsigned char)p[i + 1] < 0xA0))
            return "a control character";
        if (c == '{' && i + 1 < n && p[i + 1] == '{') {
            i += 2;
            continue;
        }
        if (c == '}') {
            if (i + 1 < n && p[i + 1] == '}') {
                i += 2;
                continue;
            }
            return "a lone '}' (write '}}' for a brace)";
        }
        if (c == '{') {
            const char *close = memchr(p + i + 1, '}', n - i - 1);
            if (!close)
                return "an unclosed '{' (write '{{' for a brace)";
            if (placeholder_index(p + i + 1, (size_t)(close - p - i - 1)) < 0)
                return "an unknown placeholder (known: {first_name} {driver} {vehicle} {location} {dispatcher})";
            i = (size_t)(close - p) + 1;
            continue;
        }
        i += len;
    }
    return NULL;
}

static void add_template(templates *t, char *name, strbuf *text)
{
    /* blank lines at the end are dropped (those at the start were never added) */
    while (text->len && text->data[text->len - 1] == '\n')
        text->data[--text->len] = '\0';
    t->items = xrealloc(t->items, (t->n + 1) * sizeof *t->items);
    t->items[t->n].name = name;
    t->items[t->n].text = strbuf_detach(text);
    t->n++;
}

void templates_free(templates *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->items[i].name);
        free(t->items[i].text);
    }
    free(t->items);
    t->items = NULL;
    t->n = 0;
}

/* The error for line `line`; t is emptied. */
static int parse_fail(templates *t, char *name, strbuf *text, char **err, const char *origin, int line,
                      const char *what)
{
    free(name);
    strbuf_free(text);
    templates_free(t);
    return err_set(err, "%s:%d: %s", origin, line, what);
}

int templates_parse(templates *t, const char *text, size_t len, const char *origin, char **err)
{
    memset(t, 0, sizeof *t);
    char *name = NULL;
    strbuf body = STRBUF_INIT;
    int line = 0, name_line = 0;
    size_t pos = 0;
    if (!origin)
        origin = "templates";
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* a byte order mark some editors write */
    while (pos < len) {
        const char *p = text + pos, *nl = memchr(p, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - p) : len - pos;
        pos += n + (nl ? 1 : 0);
        line++;
        if (n && p[n - 1] == '\r')
            n--; /* a file written on Windows */
        if (memchr(p, '\0', n))
            return parse_fail(t, name, &body, err, origin, line, "a NUL byte");
        if (n && p[0] == '#')
            continue;
        size_t end = n;
        while (end && (p[end - 1] == ' ' || p[end - 1] == '\t'))
            end--;
        if (end >= 2 && p[0] == '[' && p[end - 1] == ']') {
            if (name) {
                if (!body.len)
                    return parse_fail(t, name, &body, err, origin, name_line, "the template has no text");
                add_template(t, name, &body);
                name = NULL;
            }
            const char *nm = p + 1;
            size_t nn = end - 2;
            while (nn && (*nm == ' ' || *nm == '\t'))
                nm++, nn--;
            while (nn && (nm[nn - 1] == ' ' || nm[nn - 1] == '\t'))
                nn--;
            if (!nn)
                return parse_fail(t, NULL, &body, err, origin, line, "an empty template name");
            if (nn > TEMPLATES_NAME_MAX)
                return parse_fail(t, NULL, &body, err, origin, line, "the template name is longer than 80 bytes");
            const char *why = check_text_line(nm, nn);
            if (why || memchr(nm, '{', nn))
                return parse_fail(t, NULL, &body, err, origin, line,
                                  why ? why : "a placeholder in a template name");
            for (size_t i = 0; i < t->n; i++)
                if (strlen(t->items[i].name) == nn && memcmp(t->items[i].name, nm, nn) == 0)
                    return parse_fail(t, NULL, &body, err, origin, line, "a second template of this name");
            if (t->n == TEMPLATES_MAX)
                return parse_fail(t, NULL, &body, err, origin, line, "more than 500 templates");
            name = xstrndup(nm, nn);
            name_line = line;
            continue;
        }
        if (!name) {
            if (end == 0)
                continue;
            return parse_fail(t, NULL, &body, err, origin, line, "text before the first [template name]");
        }
        if (end == 0 && body.len == 0)
            continue; /* blank lines before the text */
        const char *why = check_text_line(p, end);
        if (why)
            return parse_fail(t, name, &body, err, origin, line, why);
        if (body.len)
            strbuf_putc(&body, '\n');
        strbuf_append(&body, p, end);
        if (body.len > TEMPLATES_TEXT_MAX)
            return parse_fail(t, name, &body, err, origin, line, "the template's text is longer than 4000 bytes");
    }
    if (name) {
        while (body.len && body.data[body.len - 1] == '\n')
            body.data[--body.len] = '\0';
        if (!body.len)
            return parse_fail(t, name, &body, err, origin, name_line, "the template has no text");
        add_template(t, name, &body);
    }
    strbuf_free(&body);
    return 0;
}

int templates_load(templates *t, const char *path, char **err)
{
    memset(t, 0, sizeof *t);
    char *data = NULL, *why = NULL;
    size_t len = 0;
    if (statefile_read(path, TEMPLATES_FILE_MAX, &data, &len, &why) != 0) {
        int rc = err_set(err, "%s: %s", path, why ? why : "cannot be read");
        free(why);
        return rc;
    }
    if (!data)
        return 0;
    int rc = templates_parse(t, data, len, path, err);
    free(data);
    return rc;
}

char *templates_default_path(void)
{
    const char *own = getenv("CATENA_TEMPLATES"), *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (own && *own)
        return xstrdup(own);
    if (xdg && xdg[0] == '/') /* the XDG spec says relative values are ignored */
        return xasprintf("%s/catena-dispatch/templates", xdg);
    if (home && *home)
        return xasprintf("%s/.config/catena-dispatch/templates", home);
    return NULL;
}

char *template_first_name(const char *full_name)
{
    if (!full_name)
        return xstrdup("");
    while (*full_name == ' ')
        full_name++;
    size_t n = strcspn(full_name, " ");
    return xstrndup(full_name, n);
}

/* A value as one harmless line (sanitized: no control characters; line breaks as spaces). */
static void put_value(strbuf *out, const char *value, const char *name)
{
    if (!value || !*value) {
        strbuf_printf(out, "[%s?]", name);
        return;
    }
    char *clean = text_sanitize(value, strlen(value), false);
    strbuf_puts(out, clean);
    free(clean);
}

char *template_fill(const char *text, const template_values *v)
{
    static const template_values none = {0};
    if (!v)
        v = &none;
    const char *values[NPLACEHOLDERS] = {v->first_name, v->driver, v->vehicle, v->location, v->dispatcher};
    strbuf out = STRBUF_INIT;
    for (const char *p = text; *p;) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            strbuf_putc(&out, p[0]);
            p += 2;
            continue;
        }
        if (*p == '{') {
            const char *close = strchr(p + 1, '}');
            int i = close ? placeholder_index(p + 1, (size_t)(close - p - 1)) : -1;
            if (i < 0) {
                strbuf_free(&out);
                return NULL;
            }
            put_value(&out, values[i], placeholders[i]);
            p = close + 1;
            continue;
        }
        strbuf_putc(&out, *p++);
    }
    return strbuf_detach(&out);
}
