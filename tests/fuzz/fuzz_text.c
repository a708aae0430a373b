/* The sanitizer and the column measures (core/text.c, text_cells.c). The first byte picks the width
 * and the newline mode, the input's length the emoji mode; the rest is the untrusted text. Checks
 * what the screen relies on: the result is safe and sanitizing it again changes nothing, a fitted
 * string never overruns its columns, clusters tile the text and add up to its width, and no
 * sanitized cell is a mark with nothing under it. */
#include "fuzz.h"

#include "core/text.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    text_init_locale();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool keep_newlines = data[0] & 0x80;
    int cols = data[0] & 0x3f;
    const char *in = (const char *)data + 1;
    size_t len = size - 1;
    char *s = text_sanitize(in, len, keep_newlines);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && !(keep_newlines && *p == '\n')) || *p == 0x7f)
            abort(); /* a control byte got through */
    char *again = text_sanitize(s, strlen(s), keep_newlines);
    if (strcmp(s, again) != 0)
        abort(); /* sanitized text must be a fixed point */
    free(again);

    text_set_emoji_mode(size & 1 ? TEXT_EMOJI_JOINED : TEXT_EMOJI_PORTABLE);
    char *line = text_sanitize(in, len, false);
    int w = text_width(line);
    if (w < 0)
        abort();
    size_t line_len = strlen(line);
    int sum = 0;
    for (size_t i = 0; i < line_len;) {
        int cw;
        size_t b = text_cluster_next(line + i, line_len - i, &cw);
        if (b == 0 || b > line_len - i || cw < 0)
            abort();
        text_cell c;
        text_cell_next(line + i, line_len - i, &c);
        if (c.cols == 0 || c.n < 1 || c.n > TEXT_CELL_MAX_CODEPOINTS || c.bytes > b)
            abort();
        sum += cw;
        i += b;
    }
    if (sum != w)
        abort(); /* clusters add up to the width */
    if (line_len && text_cluster_before(line, line_len) >= line_len)
        abort();
    int used = -1;
    size_t bytes = text_fit(line, cols, &used);
    if (bytes > strlen(line) || used > cols || used < 0)
        abort();
    char out[512];
    int got = text_fit_pad(line, cols, data[0] & 0x40, out, sizeof out);
    if (got > cols || text_width(out) != got)
        abort();
    text_contains_ci(line, s);
    text_contains_ci(s, line + strlen(line) / 2);
    text_pop_char(line);
    text_pop_char(s);
    free(line);
    free(s);
    return 0;
}
