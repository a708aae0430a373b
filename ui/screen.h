/* screen: curses set-up on a real terminal or on a virtual (headless) screen, and dumps of
 * what is on the screen, as text or text plus an attribute grid. */
#ifndef CATENA_UI_SCREEN_H
#define CATENA_UI_SCREEN_H

#include <stdbool.h>
#include <stdio.h>

/* Interactive: newterm on the terminal, with TERM fallbacks (xterm-256color, xterm, vt100);
 * -1 with a message in err when no terminal can be opened. */
int screen_open_tty(const char *term_override, char *err, size_t errcap, const char **used_term);
/* Clicks and the wheel come as KEY_MOUSE (off: the terminal keeps its own text selection). */
void screen_mouse(bool on);
/* Headless: a virtual screen of cols x rows; needs no terminal at all. */
int screen_open_virtual(int cols, int rows, char *err, size_t errcap);
void screen_resize(int cols, int rows);
void screen_close(void);
/* The visible text, one line per row, trailing blanks trimmed. */
void screen_dump_text(FILE *out);
/* Draws (sanitized) text s from row y, column x with the current attributes, cell by cell as
 * core/text.h measures it (text_width), so that what follows lands where the terminal puts it:
 * the marks of a cell and, in joined emoji mode, a whole ZWJ sequence go into one curses cell;
 * what is not drawn (a joiner in portable mode) is not sent. Every view draws text through it. */
void screen_put(int y, int x, const char *s);
/* The same for the first n bytes of s. */
void screen_putn(int y, int x, const char *s, size_t n);
/* Text, then "--- attributes" and one line per row of attribute letters ('.' plain),
 * then a legend "X = slot-name" of the letters used. */
void screen_dump_attrs(FILE *out);
/* Bytes the virtual screen has written to its (virtual) terminal so far. */
unsigned long long screen_output_bytes(void);
/* True if text appears on some row of the screen. */
bool screen_contains(const char *text);

#endif
