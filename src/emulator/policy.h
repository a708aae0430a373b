/* policy: every decision this project takes where Catena's public docs are silent (README section D),
 * kept in one place so it is easy to change when better information arrives. */
#ifndef CATENA_EMU_POLICY_H
#define CATENA_EMU_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "emu_rng.h"

/* Write to a resource whose share level is "read". */
#define POLICY_READ_ONLY_STATUS 403
/* Write of a resource the TSP cannot take (its write table in tsp_catalog.c). The support map
 * (GET /v2/integrations/tsps) describes reads and lists no group_message, so it does not say. */
#define POLICY_UNSUPPORTED_STATUS 501
/* PATCH of an id that does not exist or belongs to another connection. */
#define POLICY_PATCH_UNKNOWN_STATUS 404
/* Async retry policy toward the TSP: attempts in total. */
#define POLICY_MAX_ATTEMPTS 5
/* Default TSP token bucket per connection (overridable with --tsp-rate / --tsp-burst). */
#define POLICY_TSP_RATE 5
#define POLICY_TSP_BURST 10
/* Resource-operations list: default window and maximum span, on created_at. */
#define POLICY_OPS_DEFAULT_WINDOW_US (24LL * 3600 * 1000000)
#define POLICY_MAX_WINDOW_US (45LL * 86400 * 1000000)

/* Emulated delay before attempt number `next_attempt` (2..5): 1 s, 2 s, 4 s, 8 s, each with +-20 % jitter. */
int64_t policy_backoff_us(int next_attempt, emu_rng *r);
/* Only transient errors are retried: network, TSP 5xx, TSP 429. validation and auth fail at once. */
bool policy_is_retryable(const char *error_type, int status_code);
/* Message lifecycle: sent -> delivered after a seeded delay; some are then read after another delay. */
int64_t policy_delivery_delay_us(emu_rng *r);
bool policy_message_gets_read(emu_rng *r);
int64_t policy_read_delay_us(emu_rng *r);

#endif
