/* faults: injected failures per route (status, latency, malformed/truncated JSON, reset, 429 with or
 * without Retry-After, a page of non-records) and a hostile server's answers (faults_hostile.h). */
#ifndef CATENA_EMU_FAULTS_H
#define CATENA_EMU_FAULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "http_msg.h"

typedef struct fault_table fault_table;

typedef enum fault_outcome {
    FAULT_NONE,             /* handle the request normally */
    FAULT_RESPONDED,        /* the fault produced the response (or a reset) */
    FAULT_TRUNCATE_RESPONSE, /* handle normally, then send only part of the body */
    FAULT_REWRITE            /* handle normally, then faults_rewrite() alters the answer (resp->rewrite) */
} fault_outcome;

fault_table *faults_new(uint64_t seed);
void faults_free(fault_table *t);
/* "route=/v2/telematics/vehicles,method=GET,kind=status,status=503,probability=1,count=2,latency_ms=0" */
bool faults_add_spec(fault_table *t, const char *spec, char *err, size_t err_cap);
/* The same as a JSON object (POST /_emulator/faults). */
bool faults_add_json(fault_table *t, const char *json, size_t len, char *err, size_t err_cap);
void faults_clear(fault_table *t);
/* JSON array of the active faults with their remaining counts. */
void faults_render(fault_table *t, strbuf *out);
/* Checks the request against the table (sleeping for any latency) and fills resp when a fault fires. */
fault_outcome faults_apply(fault_table *t, const emu_request *req, emu_response *resp);

#endif
