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
 *  - bidi embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069) -> removed
 *  - characters drawn as nothing (zero-width U+200B..U+200F incl. LRM/RLM, ALM U+061C, U+180E,
 *    U+2060..U+2064, U+206A..U+206F, BOM U+FEFF, tags U+E0000..U+E007F) -> U+FFFD, so a name
 *    cannot look blank or like another; except a ZWJ between two pictographs (emoji sequence)
 *  - other non-printable characters (iswprint false) -> U+FFFD
 * If keep_newlines, LF is kept (for multi-line text such as message bodies). */
char *text_sanitize(const char *in, size_t len, bool keep_newlines);
/* Same, for a NUL-terminated string; NULL in gives "". */
char *text_sanitize_str(const char *in);
/* True when s is printable ASCII only: text_sanitize would return it unchanged (the common case,
 * kept without a copy). */
bool text_is_plain_ascii(const char *s);

/* ------------------------------------------------------------ cells and grapheme clusters
 * Widths are measured as the terminal draws the text, one cell at a time: a spacing character
 * with the zero-width characters drawn over it (accents, Thai vowel and tone marks, variation
 * selectors). Curses keeps at most TEXT_CELL_MAX_CODEPOINTS code points in a cell, so a cell
 * holds no more (the sanitizer drops marks beyond, so a stack cannot smear over other rows).
 *
 * Emoji are where terminals disagree. A ZWJ sequence (👨‍👩‍👧): tmux 3.3 and later glue the
 * character after a ZWJ into the cell before it (the family takes 2 columns); xterm, VTE, screen
 * and older tmux draw the pictographs side by side (6). An emoji-presentation selector (❤️, VS16)
 * widens a narrow character to 2 columns in kitty, WezTerm or foot, not in xterm, VTE or tmux.
 * TEXT_EMOJI_JOINED measures and draws as tmux >= 3.3 does (a whole sequence in one cell while it
 * fits). TEXT_EMOJI_PORTABLE leaves the joiners, and VS16 after a narrow character, out of what
 * is drawn, so that every terminal draws the same columns as measured. */
#define TEXT_CELL_MAX_CODEPOINTS 5 /* curses' CCHARW_MAX */
#define TEXT_CELL_MARKS_MAX (TEXT_CELL_MAX_CODEPOINTS - 1)

typedef enum { TEXT_EMOJI_PORTABLE, TEXT_EMOJI_JOINED } text_emoji_mode;
/* The mode for the terminal of this process: joined under tmux >= 3.3 (TERM_PROGRAM=tmux and
 * TERM_PROGRAM_VERSION, which tmux sets), portable anywhere else (ssh does not pass those on). */
text_emoji_mode text_emoji_detect(void);
void text_set_emoji_mode(text_emoji_mode mode);
text_emoji_mode text_get_emoji_mode(void);

typedef struct text_cell {
    unsigned cp[TEXT_CELL_MAX_CODEPOINTS]; /* what the cell shows; cp[0] is the spacing character */
    int n;                                 /* code points in cp (>= 1) */
    int cols;                              /* columns the cell takes: 1 or 2 (0: a mark with no base) */
    size_t bytes;                          /* bytes of the source it covers (>= 1) */
    bool split_joiner;                     /* it ended on a ZWJ that is not drawn: the next cell
                                              belongs to the same cluster */
} text_cell;

/* The cell that starts s[0..len) (len >= 1). Invalid UTF-8 gives U+FFFD and control characters
 * '?' (one column each), as the sanitizer would show them. */
void text_cell_next(const char *s, size_t len, text_cell *cell);

/* Bytes of the grapheme cluster that starts s[0..len): the cells a cut or a Backspace must not
 * separate (a cell and its marks, a flag's two regional indicators, an emoji and its skin tone, a
 * ZWJ sequence drawn in several cells, a Thai or Lao consonant and its SARA AM); *cols (optional) its columns. */
size_t text_cluster_next(const char *s, size_t len, int *cols);
/* Start of the cluster that ends at byte pos of s (pos > 0), found from the line's start. */
size_t text_cluster_before(const char *s, size_t pos);

/* Columns the (already sanitized) UTF-8 string occupies on the terminal (cells as above). */
int text_width(const char *s);
/* Number of bytes of s that fit in max_cols columns without splitting a grapheme cluster;
 * *cols_out (optional) receives the columns used. */
size_t text_fit(const char *s, int max_cols, int *cols_out);
/* Writes s into out (capacity outcap) truncated to max_cols columns (whole clusters), appending "…"
 * (1 column) when it had to cut, and padded with spaces to exactly max_cols columns if pad is true.
 * What is written is what the cells show (no joiner in portable mode, U+FFFD for invalid bytes), so
 * that it can be printed as it is. Returns the columns written. */
int text_fit_pad(const char *s, int max_cols, bool pad, char *out, size_t outcap);

/* Removes the last grapheme cluster of s (for Backspace in one-line inputs). */
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
