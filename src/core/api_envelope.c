/* api_envelope: see api_envelope.h. */
#include "core/api_envelope.h"

#include <stdlib.h>
#include <string.h>

/* White space as the parser (cJSON) skips it: any byte up to the space, NUL included. */
static bool is_ws(char c)
{
    return (unsigned char)c <= ' ';
}

static const char *ws(const char *p, const char *end)
{
    while (p < end && is_ws(*p))
        p++;
    return p;
}

/* p just after an opening quote: returns just after the closing one, or NULL. *escaped (when
 * given) is set when the string has an escape sequence. */
static const char *skip_string(const char *p, const char *end, bool *escaped)
{
    for (const char *from = p;;) {
        const char *q = memchr(from, '"', (size_t)(end - from));
        if (!q)
            return NULL;
        const char *b = q;
        while (b > p && b[-1] == '\\')
            b--;
        if (((q - b) & 1) == 0) {
            if (escaped && memchr(p, '\\', (size_t)(q - p)))
                *escaped = true;
            return q + 1;
        }
        from = q + 1;
    }
}

static const char *skip_value(const char *p, const char *end)
{
    if (p >= end)
        return NULL;
    if (*p == '"')
        return skip_string(p + 1, end, NULL);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (p < end) {
            char c = *p++;
            if (c == '"') {
                if (!(p = skip_string(p, end, NULL)))
                    return NULL;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0)
                    return p;
            }
        }
        return NULL;
    }
    while (p < end && *p != ',' && *p != '}' && *p != ']' && !is_ws(*p))
        p++;
    return p;
}

/* A member's string value (without escapes), else NULL: the page is then parsed before the next
 * request, as without the scan. */
/* A cursor read as it is: no control byte (a NUL would cut it short; the parse decides then). */
static bool span_plain(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < ' ')
            return false;
    return true;
}

static bool scan_string(const char **p, const char *end, const char **out, size_t *len)
{
    if (*p < end && **p == '"') {
        bool esc = false;
        const char *q = skip_string(*p + 1, end, &esc);
        if (!q || esc || !span_plain(*p + 1, (size_t)(q - 1 - (*p + 1))))
            return false;
        *out = *p + 1;
        *len = (size_t)(q - 1 - (*p + 1));
        *p = q;
        return true;
    }
    const char *q = skip_value(*p, end); /* null (or another type): no cursor */
    if (!q)
        return false;
    *out = NULL;
    *p = q;
    return true;
}

static bool key_is(const char *k, size_t n, const char *name)
{
    return strlen(name) == n && memcmp(k, name, n) == 0;
}

/* One pass over the top-level object, skipping every value it does not need (strings with memchr);
 * the first of a repeated member counts, as with cJSON_GetObjectItem. */
static bool scan_forward(const char *s, size_t n, api_envelope *e)
{
    memset(e, 0, sizeof *e);
    e->total = -1;
    bool seen_total = false, seen_next = false, seen_cur = false;
    const char *p = ws(s, s + n), *end = s + n;
    if (p >= end || *p++ != '{')
        return false;
    for (;;) {
        p = ws(p, end);
        if (p < end && *p == '}' && !e->has_items)
            return false;
        if (p >= end || *p != '"')
            return false;
        bool esc = false;
        const char *k = p + 1, *q = skip_string(k, end, &esc);
        if (!q || esc)
            return false;
        size_t klen = (size_t)(q - 1 - k);
        if (!span_plain(k, klen))
            return false; /* a key cut short by a NUL is another key to the parser */
        p = ws(q, end);
        if (p >= end || *p++ != ':')
            return false;
        p = ws(p, end);
        if (key_is(k, klen, "items") && !e->has_items) {
            if (p >= end || *p != '[')
                return false;
            e->has_items = true;
            const char *in = ws(p + 1, end);
            e->items_empty = in < end && *in == ']';
            if (!(p = skip_value(p, end)))
                return false;
        } else if (key_is(k, klen, "total") && !seen_total) {
            seen_total = true;
            char *numend;
            double v = p < end && (*p == '-' || (*p >= '0' && *p <= '9')) ? strtod(p, &numend) : -1;
            if (v >= 0 && v < 1e15)
                e->total = (long)v;
            if (!(p = skip_value(p, end)))
                return false;
        } else if (key_is(k, klen, "next_page") && !seen_next) {
            seen_next = true;
            if (!scan_string(&p, end, &e->next, &e->next_len))
                return false;
        } else if (key_is(k, klen, "current_page") && !seen_cur) {
            seen_cur = true;
            if (!scan_string(&p, end, &e->cur, &e->cur_len))
                return false;
        } else if (!(p = skip_value(p, end))) {
            return false;
        }
        p = ws(p, end);
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        return p < end && *p == '}' && e->has_items;
    }
}

/* ------------------------------------------------------------------ from the two ends */

static const char *ws_back(const char *s, const char *p)
{
    while (p > s && is_ws(p[-1]))
        p--;
    return p;
}

/* p just after a closing quote: returns the opening quote (the first one back that no odd run of
 * backslashes escapes: inside a valid string every quote is escaped), or NULL. *escaped is set when
 * the string has an escape sequence. */
static const char *string_start_back(const char *s, const char *p, bool *escaped)
{
    const char *q = p - 1; /* the closing quote */
    for (const char *at = q; at > s;) {
        const char *o = at - 1;
        while (o >= s && *o != '"')
            o--;
        if (o < s)
            return NULL;
        const char *b = o;
        while (b > s && b[-1] == '\\')
            b--;
        if (((o - b) & 1) == 0) {
            *escaped = memchr(o + 1, '\\', (size_t)(q - (o + 1))) != NULL;
            return o;
        }
        at = o;
    }
    return NULL;
}

/* A page of Catena's layout, {"items":[...], scalar members}: the head says whether items is
 * there and empty, the scalar members after the last container value are read backwards from
 * the closing brace. Only those members are top-level for sure (no container is crossed), so the
 * result counts only when next_page, current_page and total are all among them, once each. */
static bool scan_ends(const char *s, size_t n, api_envelope *e)
{
    static const char head[] = "\"items\"";
    const char *end = s + n, *p = ws(s, end);
    if (p >= end || *p++ != '{')
        return false;
    p = ws(p, end);
    if ((size_t)(end - p) < sizeof head - 1 || memcmp(p, head, sizeof head - 1) != 0)
        return false;
    p = ws(p + sizeof head - 1, end);
    if (p >= end || *p++ != ':')
        return false;
    p = ws(p, end);
    if (p >= end || *p != '[')
        return false;
    const char *first = ws(p + 1, end);
    api_envelope t = {.has_items = true, .items_empty = first < end && *first == ']', .total = -1};
    bool seen_total = false;
    const char *q = ws_back(s, end);
    if (q <= p || q[-1] != '}')
        return false;
    q--;
    for (;;) { /* q: just after the value of a member, or at the closing brace */
        q = ws_back(s, q);
        if (q <= p)
            return false;
        char last = q[-1];
        if (last == ']' || last == '}')
            break; /* a container: what lies before it is not read */
        const char *v, *vend = q;
        bool esc = false, is_string = last == '"';
        if (is_string) {
            if (!(v = string_start_back(s, q, &esc)))
                return false;
        } else {
            v = q;
            while (v > s && ((v[-1] >= '0' && v[-1] <= '9') || (v[-1] >= 'a' && v[-1] <= 'z') || v[-1] == '-' ||
                             v[-1] == '+' || v[-1] == '.' || v[-1] == 'E'))
                v--;
            if (v == q)
                return false;
        }
        q = ws_back(s, v);
        if (q <= s || q[-1] != ':')
            return false;
        q = ws_back(s, q - 1);
        bool kesc = false;
        const char *k = q > s && q[-1] == '"' ? string_start_back(s, q, &kesc) : NULL;
        if (!k || kesc)
            return false;
        size_t klen = (size_t)(q - 1 - (k + 1));
        if (!span_plain(k + 1, klen))
            return false;
        if (key_is(k + 1, klen, "next_page") || key_is(k + 1, klen, "current_page")) {
            bool next = klen == 9;
            if ((next ? t.next_len || t.next : t.cur_len || t.cur) || esc ||
                (is_string && !span_plain(v + 1, (size_t)(vend - 1 - (v + 1)))))
                return false; /* twice, escaped or with a control byte: the full scan decides */
            const char **dst = next ? &t.next : &t.cur;
            size_t *dlen = next ? &t.next_len : &t.cur_len;
            if (is_string) {
                *dst = v + 1;
                *dlen = (size_t)(vend - 1 - (v + 1));
            } else {
                *dst = vend; /* null: no cursor, but seen */
                *dlen = 0;
            }
        } else if (key_is(k + 1, klen, "total")) {
            if (seen_total)
                return false;
            seen_total = true;
            char *numend;
            double x = !is_string && (*v == '-' || (*v >= '0' && *v <= '9')) ? strtod(v, &numend) : -1;
            t.total = x >= 0 && x < 1e15 ? (long)x : -1;
        }
        q = ws_back(s, k);
        if (q <= s)
            return false;
        if (q[-1] == ',') {
            q--;
            continue;
        }
        return false; /* '{': the whole object without a container (the forward scan is as cheap); else not JSON */
    }
    if (!t.next || !t.cur || !seen_total)
        return false;
    if (!t.next_len)
        t.next = NULL; /* null, or "": no next page */
    if (!t.cur_len)
        t.cur = NULL;
    *e = t;
    return true;
}

bool api_envelope_scan(const char *s, size_t n, api_envelope *e)
{
    return scan_ends(s, n, e) || scan_forward(s, n, e);
}
