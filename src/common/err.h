/* err: the project's one error convention. A function that can fail returns 0 / -1 (or a pointer
 * / NULL) and, when the caller passed a non-NULL `char **err`, sets *err to a heap string (the
 * caller frees it) that says in one line, for the user, what was wrong. Untrusted text put into
 * a message goes through text_sanitize first. */
#ifndef CATENA_COMMON_ERR_H
#define CATENA_COMMON_ERR_H

#include <stdarg.h>

/* A heap string formatted as by printf; aborts on out-of-memory like xmalloc. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);
/* Replaces *err (when err is not NULL) with the formatted message; returns -1 for `return err_set(...)`. */
int err_set(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees *err and sets it to NULL, so one variable can take the next error. */
void err_clear(char **err);

#endif
