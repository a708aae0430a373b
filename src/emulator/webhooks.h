/* webhooks: optional delivery of resource_operation.created|succeeded|failed events to one URL,
 * gzip-compressed and signed (X-Catena-Signature = base64(HMAC-SHA256(secret, timestamp "." body))),
 * retried with backoff on network errors and 5xx. */
#ifndef CATENA_EMU_WEBHOOKS_H
#define CATENA_EMU_WEBHOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"

typedef struct webhook_sender webhook_sender;

/* url: http://host:port/path (https is not supported). NULL on a bad URL. */
webhook_sender *webhooks_new(const char *url, const char *secret, uint64_t seed);
void webhooks_free(webhook_sender *w);
/* Queues one event; data_item is the JSON object placed in the envelope's data array. */
void webhooks_emit(webhook_sender *w, const char *event_name, const char *data_item);
/* gzip container with stored (uncompressed) deflate blocks: valid for any gzip reader. */
void gzip_stored(const void *data, size_t n, strbuf *out);
uint32_t crc32_ieee(const void *data, size_t n);

#endif
