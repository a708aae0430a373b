/* uuid: 16-byte binary UUIDs, parsed from and formatted to the canonical 36-char text. */
#ifndef CATENA_COMMON_UUID_H
#define CATENA_COMMON_UUID_H

#include <stdbool.h>
#include <stdint.h>

typedef struct uuid {
    uint8_t b[16];
} uuid;

#define UUID_STR_LEN 37 /* 36 chars + NUL */

/* Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (either case); false on anything else. */
bool uuid_parse(const char *s, uuid *out);
/* Writes the lowercase canonical form into out (UUID_STR_LEN bytes). */
void uuid_format(const uuid *u, char out[UUID_STR_LEN]);
bool uuid_equal(const uuid *a, const uuid *b);
bool uuid_is_nil(const uuid *u);
/* A version-7 UUID from a millisecond Unix time and 10 random bytes supplied by the caller. */
void uuid_v7(uuid *out, uint64_t unix_ms, const uint8_t rnd[10]);

#endif
