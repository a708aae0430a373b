#include "paging.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_crypto.h"
#include "emu_json.h"
#include "emu_rng.h"
#include "params.h"

uint64_t query_fingerprint(const query_args *q)
{
    uint64_t sum = 0x5eed;
    for (size_t i = 0; i < q->n; i++) {
        if (strcmp(q->v[i].key, "cursor") == 0 || strcmp(q->v[i].key, "size") == 0)
            continue;
        uint64_t h = hash64_str(q->v[i].key, 0);
        h = hash64_str("=", h);
        h = hash64_str(q->v[i].value, h);
        sum += h * 0x9e3779b97f4a7c15ULL;
    }
    return sum;
}

void page_cursor_put(strbuf *sb, char dir, size_t offset, uint64_t fp)
{
    char raw[64];
    int n = snprintf(raw, sizeof raw, "%c:%zu:%016llx", dir, offset, (unsigned long long)fp);
    strbuf_putc(sb, '"');
    base64_put(sb, raw, (size_t)n, true);
    strbuf_putc(sb, '"');
}

static bool cursor_decode(const char *text, uint64_t fp, char *dir, size_t *offset)
{
    char *owned = NULL;
    if (strchr(text, '%')) {
        /* A client that URL-encoded the cursor twice: undo one level. */
        query_args tmp;
        strbuf s = STRBUF_INIT;
        strbuf_puts(&s, "c=");
        strbuf_puts(&s, text);
        query_parse(&tmp, s.data, s.len);
        owned = xstrdup(query_get(&tmp, "c") ? query_get(&tmp, "c") : "");
        query_free(&tmp);
        strbuf_free(&s);
        text = owned;
    }
    size_t n = 0;
    uint8_t *raw = base64_decode(text, &n);
    free(owned);
    if (!raw)
        return false;
    char d = 0;
    size_t off = 0;
    unsigned long long got = 0;
    int used = 0;
    bool ok = n < 60 && sscanf((char *)raw, "%c:%zu:%16llx%n", &d, &off, &got, &used) == 3 && (size_t)used == n &&
              (d == 'f' || d == 'b') && got == (unsigned long long)fp;
    free(raw);
    if (ok) {
        *dir = d;
        *offset = off;
    }
    return ok;
}

bool page_select(const query_args *q, problem_list *p, size_t total, page_window *w)
{
    size_t before = p->n;
    int size = param_size(q, p);
    w->fingerprint = query_fingerprint(q);
    w->total = total;
    const char *cursor = query_get(q, "cursor");
    char dir = 'f';
    size_t offset = 0;
    if (cursor && *cursor && !cursor_decode(cursor, w->fingerprint, &dir, &offset))
        problems_add(p, "cursor", cursor, "Invalid cursor value (malformed, or made for other filters)",
                     "value_error");
    if (p->n != before)
        return false;
    if (offset > total)
        offset = total;
    if (dir == 'f') {
        w->start = offset;
        w->end = offset + (size_t)size < total ? offset + (size_t)size : total;
    } else {
        w->end = offset;
        w->start = offset > (size_t)size ? offset - (size_t)size : 0;
    }
    return true;
}

void page_begin(strbuf *sb)
{
    strbuf_puts(sb, "{\"items\":[");
}

void page_end(strbuf *sb, const page_window *w, bool with_total)
{
    strbuf_putc(sb, ']');
    if (with_total)
        strbuf_printf(sb, ",\"total\":%zu", w->total);
    strbuf_puts(sb, ",\"current_page\":");
    page_cursor_put(sb, 'f', w->start, w->fingerprint);
    strbuf_puts(sb, ",\"current_page_backwards\":");
    page_cursor_put(sb, 'b', w->end, w->fingerprint);
    strbuf_puts(sb, ",\"previous_page\":");
    if (w->start > 0)
        page_cursor_put(sb, 'b', w->start, w->fingerprint);
    else
        strbuf_puts(sb, "null");
    strbuf_puts(sb, ",\"next_page\":");
    if (w->end < w->total)
        page_cursor_put(sb, 'f', w->end, w->fingerprint);
    else
        strbuf_puts(sb, "null");
    strbuf_putc(sb, '}');
}
