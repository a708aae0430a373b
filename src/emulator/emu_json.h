/* emu_json: small helpers to write JSON text straight into a strbuf. */
#ifndef CATENA_EMU_JSON_H
#define CATENA_EMU_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"

/* Appends s as a quoted, escaped JSON string; NULL appends null. */
void json_put_str(strbuf *sb, const char *s);
void json_put_strn(strbuf *sb, const char *s, size_t n);
/* Appends "key": (with a leading comma unless first). */
void json_put_key(strbuf *sb, bool *first, const char *key);
/* Convenience members: "key":value. */
void json_member_str(strbuf *sb, bool *first, const char *key, const char *value);
void json_member_int(strbuf *sb, bool *first, const char *key, long long value);
void json_member_bool(strbuf *sb, bool *first, const char *key, bool value);
void json_member_null(strbuf *sb, bool *first, const char *key);
void json_member_raw(strbuf *sb, bool *first, const char *key, const char *raw_json);
/* Returns true if s[0..n) is well-formed UTF-8 without NUL bytes. */
bool utf8_valid(const char *s, size_t n);
/* Number of Unicode code points in a valid UTF-8 string. */
size_t utf8_length(const char *s);

#endif
