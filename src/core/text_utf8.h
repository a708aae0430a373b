/* text_utf8: the text module's own UTF-8 decoder and encoder, shared by text.c (sanitizing,
 * search) and text_cells.c (cells, clusters, widths). Private to src/core/text*.c. */
#ifndef CATENA_CORE_TEXT_UTF8_H
#define CATENA_CORE_TEXT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BAD_CP 0xFFFFFFFFu
#define REPLACEMENT_CP 0xFFFDu
#define ZWJ_CP 0x200Du
#define VS16_CP 0xFE0Fu /* emoji presentation selector */
#define DOTTED_CIRCLE_CP 0x25CCu /* what a lone combining mark is shown on */

/* Decodes one code point from s[0..len) (len >= 1). *adv receives the bytes consumed
 * (always >= 1). Returns BAD_CP for an invalid byte or an ill-formed/truncated sequence. */
uint32_t text_utf8_decode(const unsigned char *s, size_t len, size_t *adv);
/* Same for a NUL-terminated string (the NUL stops a sequence like any non-continuation). */
uint32_t text_utf8_decode_str(const char *s, size_t *adv);
/* True for a character drawn over the one before it (wcwidth 0: accents, Thai vowel and tone marks,
 * variation selectors, ZWJ), not a control: what a terminal cell holds after its first character. */
bool text_cp_is_mark(uint32_t cp);
/* Writes cp (at most 4 bytes) to out; returns the bytes written. */
size_t text_utf8_encode(uint32_t cp, char *out);

#endif
