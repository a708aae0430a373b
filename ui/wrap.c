#include "ui/wrap.h"

#include "core/text.h"

#include <string.h>

/* Bytes of [p, e) that fit in max_cols columns, whole grapheme clusters only. */
static size_t fit_bytes(const char *p, const char *e, int max_cols)
{
    int cols = 0;
    const char *q = p;
    while (q < e) {
        int w;
        size_t n = text_cluster_next(q, (size_t)(e - q), &w);
        if (cols + w > max_cols)
            break;
        cols += w;
        q += n;
    }
    return (size_t)(q - p);
}

void wrap_init(text_wrap *w, const char *text, int width)
{
    w->p = text ? text : "";
    w->width = width;
    w->done = false;
}

bool wrap_next(text_wrap *w, const char **line, size_t *len)
{
    if (w->done)
        return false;
    const char *p = w->p;
    const char *e = strchr(p, '\n');
    if (!e)
        e = p + strlen(p);
    size_t n = fit_bytes(p, e, w->width > 0 ? w->width : 1);
    if (p + n < e) {
        size_t cut = n, end;
        while (cut > 0 && p[cut] != ' ')
            cut--;
        for (end = cut; end > 0 && p[end - 1] == ' ';)
            end--;
        if (end > 0)
            n = end; /* at the last space that fits, without the spaces before it */
        else if (cut > 0)
            n = cut;
        else if (n == 0)
            n = text_cluster_next(p, (size_t)(e - p), NULL); /* wider than the line: alone */
    }
    *line = p;
    *len = n;
    const char *q = p + n;
    while (q < e && *q == ' ')
        q++;
    if (q >= e) {
        if (*e == '\n')
            w->p = e + 1;
        else
            w->done = true;
    } else {
        w->p = q;
    }
    return true;
}

int wrap_count(const char *text, int width)
{
    text_wrap w;
    wrap_init(&w, text, width);
    const char *l;
    size_t n;
    int rows = 0;
    while (wrap_next(&w, &l, &n))
        rows++;
    return rows ? rows : 1;
}
