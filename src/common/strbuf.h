/* strbuf: a growable, always NUL-terminated byte buffer (shared by client and emulator). */
#ifndef CATENA_COMMON_STRBUF_H
#define CATENA_COMMON_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct strbuf {
    char *data;   /* NUL-terminated; NULL until the first append */
    size_t len;
    size_t cap;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0}

void strbuf_append(strbuf *sb, const char *s, size_t n);
void strbuf_puts(strbuf *sb, const char *s);
void strbuf_putc(strbuf *sb, char c);
void strbuf_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(strbuf *sb, const char *fmt, va_list ap);
/* Appends s percent-encoded for a URL query value (RFC 3986 unreserved kept). */
void strbuf_put_urlencoded(strbuf *sb, const char *s);
void strbuf_reset(strbuf *sb);
/* Makes room for extra more bytes (growing as appends do), but never past max_cap bytes in all
 * (the NUL included) when that is enough: for a caller that bounds the size. */
void strbuf_reserve_capped(strbuf *sb, size_t extra, size_t max_cap);
/* Exchanges the contents of a and b (a consumer keeps a buffer without copying it). */
void strbuf_swap(strbuf *a, strbuf *b);
/* Hands the buffer to the caller (never NULL) and resets sb. */
char *strbuf_detach(strbuf *sb);
void strbuf_free(strbuf *sb);
const char *strbuf_cstr(const strbuf *sb);

/* Allocation helpers that abort on out-of-memory instead of returning NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
