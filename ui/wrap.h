/* wrap: the one word wrap of the screens (conversation messages, operation details, form
 * messages, list notes, the composer's status). Lines of at most `width` columns, broken at a
 * space when the line has one (a longer word is cut), always at a newline; the spaces at a break
 * are dropped. The text editor lays out its own lines (ui/textedit.c: the cursor may sit on them). */
#ifndef CATENA_UI_WRAP_H
#define CATENA_UI_WRAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct text_wrap {
    const char *p; /* the rest of the text */
    int width;     /* may change between lines (a hanging indent) */
    bool done;
} text_wrap;

void wrap_init(text_wrap *w, const char *text, int width);
/* The next line: *line and *len bytes (no newline). False after the last; "" gives one empty line. */
bool wrap_next(text_wrap *w, const char **line, size_t *len);
/* Lines of text at this width (at least 1). */
int wrap_count(const char *text, int width);

#endif
