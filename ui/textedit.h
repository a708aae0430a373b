/* textedit: an editable UTF-8 text with a cursor, word-wrapped to a width: the composer's
 * message body (multi-line) and the forms' fields (single line). Drawing only visible lines. */
#ifndef CATENA_UI_TEXTEDIT_H
#define CATENA_UI_TEXTEDIT_H

#include "ui/theme.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct textedit {
    char *buf;           /* NUL-terminated UTF-8 */
    size_t len, cap;
    size_t cursor;       /* byte offset, always on a character boundary */
    size_t top_line;     /* first visible wrapped line */
    bool single_line;
    size_t max_bytes;    /* 0 = no limit */
} textedit;

void textedit_init(textedit *t, const char *initial, bool single_line);
void textedit_free(textedit *t);
void textedit_set(textedit *t, const char *text);
const char *textedit_text(const textedit *t);
/* Handles editing and movement keys; returns true when the text changed (*moved for cursor moves). */
bool textedit_key(textedit *t, int key, int width, bool *moved);
/* Inserts s at the cursor (the cursor goes after it); false when it would pass max_bytes. */
bool textedit_insert(textedit *t, const char *s);
/* Characters (code points), for the counter. */
size_t textedit_chars(const textedit *t);
/* Draws lines [top, top+height) at column left, width columns; the cursor cell in reverse. */
void textedit_draw(textedit *t, int top, int left, int height, int width, theme_slot slot, bool show_cursor);
/* Wrapped line count at this width (for layout). */
int textedit_lines(const textedit *t, int width);

#endif
