/* cmd_config_file: the config file as text, for cmd_config.c (the parser that applies it is
 * core/config.c). Not for other modules. */
#ifndef CATENA_APP_CMD_CONFIG_FILE_H
#define CATENA_APP_CMD_CONFIG_FILE_H

#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* The whole file (heap), or NULL when it cannot be read. */
char *cfgfile_read(const char *path);
/* True for a "[profile NAME]" line (len bytes at line), NAME into name. */
bool cfgfile_section(const char *line, size_t len, char *name, size_t cap);
/* Calls fn for each key line of the sections that apply to profile (the common keys and its
 * own section), with the key and the line number. */
typedef void (*cfgfile_key_fn)(void *ud, const char *key, unsigned lineno);
void cfgfile_scan_keys(const char *text, const char *profile, cfgfile_key_fn fn, void *ud);
/* text without the section of profile (from its header to the next section); heap. */
char *cfgfile_without_profile(const char *text, const char *profile);
bool cfgfile_has_profile(const char *text, const char *profile);
/* Appends "key = value\n", the value quoted when it would not survive unquoted. */
void cfgfile_put_setting(strbuf *sb, const char *key, const char *value);
/* Replaces path with text, mode 0600 from the first byte (a temporary file renamed over it),
 * making its directories (0700). 0 or -1 with *err. */
int cfgfile_write_private(const char *path, const char *text, char **err);
/* A "quoted" value unquoted in place (\" and \\ escapes); false when malformed. */
bool cfgfile_unquote(char *v);
/* s without leading and trailing blanks (in place). */
char *cfgfile_trim(char *s);

#endif
