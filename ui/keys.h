/* keys: one integer per keystroke (Unicode code points, or KEYS_FN + a curses KEY_ code) and
 * the notation used by scripts, help and docs: j, <Enter>, <C-x>, <Tab>, <PageDown>. */
#ifndef CATENA_UI_KEYS_H
#define CATENA_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#define KEYS_FN 0x110000
#define KEY_CTRL(c) ((c) & 0x1f)
#define KEYS_ESC 27
#define KEYS_ENTER '\n'

/* Parses one key at *s (advancing it); returns the key or -1 on a malformed <...>. */
int keys_parse_one(const char **s);
/* The next key of a space-separated list at *s ("j <Down> <C-n>"), advancing *s: the key, -1 at
 * the end, -2 on a malformed one. */
int keys_list_next(const char **s);
/* True when the space-separated list names key. */
bool keys_list_has(const char *list, int key);
/* Writes the notation of a key ("j", "<Enter>", "<C-f>", "<Down>"). */
void keys_name(int key, char *out, size_t outcap);
/* The key as the hint line names it: "Ctrl-X", "Esc", "PgUp", "↑", "j". */
void keys_hint_name(int key, char *out, size_t outcap);
/* The UTF-8 bytes of a printable key (a character, not a control or function key) into out
 * (NUL-terminated); returns their count, 0 when the key is not one. */
size_t keys_utf8(int key, char out[8]);
/* Appends a typed character to a one-line input of capacity cap; false when key is not a
 * printable character or it does not fit. */
bool keys_append(char *buf, size_t cap, int key);
/* Maps what wget_wch returned (rc = OK or KEY_CODE_YES) to a key. */
int keys_from_curses(int rc, unsigned int wch);

#endif
