#include "common/uuid.h"

#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool uuid_parse(const char *s, uuid *out)
{
    if (!s || strlen(s) != 36)
        return false;
    int bi = 0;
    for (int i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
            i++;
            continue;
        }
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out->b[bi++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    return bi == 16;
}

void uuid_format(const uuid *u, char out[UUID_STR_LEN])
{
    static const char hex[] = "0123456789abcdef";
    int o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[u->b[i] >> 4];
        out[o++] = hex[u->b[i] & 15];
    }
    out[o] = '\0';
}

bool uuid_equal(const uuid *a, const uuid *b)
{
    return memcmp(a->b, b->b, 16) == 0;
}

bool uuid_is_nil(const uuid *u)
{
    static const uint8_t zero[16];
    return memcmp(u->b, zero, 16) == 0;
}

void uuid_v7(uuid *out, uint64_t unix_ms, const uint8_t rnd[10])
{
    for (int i = 0; i < 6; i++)
        out->b[i] = (uint8_t)(unix_ms >> (8 * (5 - i)));
    memcpy(out->b + 6, rnd, 10);
    out->b[6] = (uint8_t)(0x70 | (out->b[6] & 0x0f));
    out->b[8] = (uint8_t)(0x80 | (out->b[8] & 0x3f));
}
