#include "ui/wrap.h"

#include <string.h>
#include <wchar.h>

static size_t char_len(const char *p)
{
    unsigned char b = (unsigned char)*p;
    size_t n = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    for (size_t i = 1; i < n; i++)
        if (!p[i])
            return i;
    return n;
}

/* Bytes of [p, e) that fit in max_cols columns, whole characters only. */
static size_t fit_bytes(const char *p, const char *e, int max_cols)
{
    int cols = 0;
    const char *q = p;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    while (q < e) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, q, (size_t)(e - q), &st);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
            n = char_len(q);
            wc = L'?';
            memset(&st, 0, sizeof st);
        }
        int w = wcwidth(wc);
        if (w < 0)
            w = 1;
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
            n = char_len(p);
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
