/* emu_crypto: SHA-256, HMAC-SHA256 and base64 (standard and URL-safe) for tokens, hashes and webhooks. */
#ifndef CATENA_EMU_CRYPTO_H
#define CATENA_EMU_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"

void sha256(const void *data, size_t n, uint8_t out[32]);
void hmac_sha256(const void *key, size_t key_len, const void *msg, size_t msg_len, uint8_t out[32]);
/* 64 lowercase hex characters plus NUL. */
void sha256_hex(const void *data, size_t n, char out[65]);
/* Appends base64 of data; url_safe uses -_ and no padding. */
void base64_put(strbuf *sb, const void *data, size_t n, bool url_safe);
/* Decodes standard or URL-safe base64 (padding optional); returns malloc'd bytes or NULL. */
uint8_t *base64_decode(const char *s, size_t *out_len);

#endif
