/* text: sanitizing untrusted strings for display and measuring them in terminal columns.
 * Every string that came from the network passes through text_sanitize before it reaches
 * the screen or stdout. Needs an UTF-8 LC_CTYPE (text_init_locale). */
#ifndef CATENA_CORE_TEXT_H
#define CATENA_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Sets LC_ALL from the environment, falling back to C.UTF-8 when the codeset is not UTF-8.
 * Returns true when an UTF-8 locale is active. */
bool text_init_locale(void);

/* Returns a newly allocated, display-safe copy of in[0..len):
 *  - invalid UTF-8 (bad bytes, overlongs, surrogates, > U+10FFFF) -> U+FFFD
 *  - C0 controls (incl. CR, LF, ESC), DEL, C1 controls (U+0080..U+009F) -> '?'
 *  - TAB -> one space
 *  - bidi controls (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C) -> removed
 *  - other non-printable characters (iswprint false) -> U+FFFD
 * If keep_newlines, LF is kept (for multi-line text such as message bodies). */
char *text_sanitize(const char *in, size_t len, bool keep_newlines);
/* Same, for a NUL-terminated string; NULL in gives "". */
char *text_sanitize_str(const char *in);

/* Columns the (already sanitized) UTF-8 string occupies; wide CJK = 2, combining = 0. */
int text_width(const char *s);
/* Number of bytes of s that fit in max_cols columns without splitting a character;
 * *cols_out (optional) receives the columns used. */
size_t text_fit(const char *s, int max_cols, int *cols_out);
/* Writes s into out (capacity outcap) truncated to max_cols columns, appending "…" (1 column)
 * when it had to cut, and padded with spaces to exactly max_cols columns if pad is true.
 * Returns the columns written. */
int text_fit_pad(const char *s, int max_cols, bool pad, char *out, size_t outcap);

/* Removes the last UTF-8 character of s (for Backspace in one-line inputs). */
void text_pop_char(char *s);

/* Case-insensitive substring search for filters (ASCII case folding plus Unicode via towlower). */
bool text_contains_ci(const char *haystack, const char *needle);

/* Search folding (issue 12 item 2, issue 15): appends s lowercased with accents and diacritics
 * removed (é -> e, Ł -> l, ß -> ss, combining marks dropped) and full-width forms as ASCII, so
 * that "chloe" finds "Chloé". The one fold of the project: filters and name matching use it. */
struct strbuf;
void text_fold(struct strbuf *out, const char *s);
/* true when s has a character that text_fold changes beyond its case (é, ß, a full-width
 * letter): a filter typed with it asks for exactly that character. */
bool text_fold_marked(const char *s);

#endif
