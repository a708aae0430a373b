#include "common/err.h"

#include "common/strbuf.h"

#include <stdlib.h>

char *xvasprintf(const char *fmt, va_list ap)
{
    strbuf sb = STRBUF_INIT;
    strbuf_vprintf(&sb, fmt, ap);
    return strbuf_detach(&sb);
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

int err_set(char **err, const char *fmt, ...)
{
    if (!err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    free(*err);
    *err = s;
    return -1;
}

void err_clear(char **err)
{
    if (!err)
        return;
    free(*err);
    *err = NULL;
}
