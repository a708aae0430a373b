/* tsp_sim: how a simulated TSP answers one write attempt (deterministic rules and failure markers). */
#ifndef CATENA_EMU_TSP_SIM_H
#define CATENA_EMU_TSP_SIM_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "resource_defs.h"
#include "tsp_catalog.h"

typedef struct tsp_attempt {
    bool success;
    const char *error_type; /* ResourceOperationErrorTypeEnum value, NULL on success */
    int status_code;        /* the TSP's HTTP status; 0 when there was none (network) */
    int retry_after_s;      /* for 429 */
    char details[256];
} tsp_attempt;

/* Markers that tests put in any string field of a write body. */
#define TSP_MARK_TRANSIENT "FAIL-TRANSIENT" /* 503 on attempts 1 and 2, then success */
#define TSP_MARK_PERMANENT "FAIL-PERMANENT" /* validation failure at once */
#define TSP_MARK_AUTH "FAIL-AUTH"           /* TSP 401 at once */
#define TSP_MARK_TIMEOUT "FAIL-TIMEOUT"     /* network timeout on every attempt */
#define TSP_MARK_RATE "FAIL-RATE"           /* TSP 429 on attempt 1, then success */

/* Emulated time the TSP takes to answer (its latency). */
long long tsp_latency_us(const tsp_info *t);
/* Simulates attempt number attempt_no (1-based) of a write of res with the validated body. */
void tsp_sim_attempt(const tsp_info *t, emu_resource res, bool is_update, const cJSON *body, int attempt_no,
                     tsp_attempt *out);

#endif
