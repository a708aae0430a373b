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

void page_cursor_put_pos(strbuf *sb, char dir, size_t offset, uint64_t fp, size_t pos)
{
    char raw[80];
    int n = snprintf(raw, sizeof raw, "%c:%zu:%016llx:%zu", dir, offset, (unsigned long long)fp, pos);
    strbuf_putc(sb, '"');
    base64_put(sb, raw, (size_t)n, true);
    strbuf_putc(sb, '"');
}

static bool cursor_decode(const char *text, uint64_t fp, char *dir, size_t *offset, bool *has_pos, size_t *pos)
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
    int used = 0, used_pos = 0;
    size_t p = 0;
    bool ok = n < 80 && sscanf((char *)raw, "%c:%zu:%16llx%n", &d, &off, &got, &used) == 3 &&
              (d == 'f' || d == 'b') && got == (unsigned long long)fp;
    bool with_pos = ok && (size_t)used < n && sscanf((char *)raw + used, ":%zu%n", &p, &used_pos) == 1;
    ok = ok && (size_t)(used + used_pos) == n;
    free(raw);
    if (ok) {
        *dir = d;
        *offset = off;
        *has_pos = with_pos;
        *pos = p;
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
    w->has_pos = w->with_pos = false;
    w->cursor_pos = w->pos_start = w->pos_end = 0;
    if (cursor && *cursor && !cursor_decode(cursor, w->fingerprint, &dir, &offset, &w->has_pos, &w->cursor_pos))
        problems_add(p, "cursor", cursor, "Invalid cursor value (malformed, or made for other filters)",
                     "value_error");
    if (p->n != before)
        return false;
    if (offset > total)
        offset = total;
    w->dir = dir;
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

static void cursor_at(strbuf *sb, const page_window *w, char dir, size_t offset, size_t pos)
{
    if (w->with_pos)
        page_cursor_put_pos(sb, dir, offset, w->fingerprint, pos);
    else
        page_cursor_put(sb, dir, offset, w->fingerprint);
}

void page_end(strbuf *sb, const page_window *w, bool with_total)
{
    strbuf_putc(sb, ']');
    if (with_total)
        strbuf_printf(sb, ",\"total\":%zu", w->total);
    strbuf_puts(sb, ",\"current_page\":");
    cursor_at(sb, w, 'f', w->start, w->pos_start);
    strbuf_puts(sb, ",\"current_page_backwards\":");
    cursor_at(sb, w, 'b', w->end, w->pos_end);
    strbuf_puts(sb, ",\"previous_page\":");
    if (w->start > 0)
        cursor_at(sb, w, 'b', w->start, w->pos_start);
    else
        strbuf_puts(sb, "null");
    strbuf_puts(sb, ",\"next_page\":");
    if (w->end < w->total)
        cursor_at(sb, w, 'f', w->end, w->pos_end);
    else
        strbuf_puts(sb, "null");
    strbuf_putc(sb, '}');
}
