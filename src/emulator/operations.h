/* operations: resource operations (the write pipeline), their async worker, TSP rate limiting and the
 * message status lifecycle. */
#ifndef CATENA_EMU_OPERATIONS_H
#define CATENA_EMU_OPERATIONS_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "app.h"
#include "common/strbuf.h"
#include "emu_rng.h"

enum op_status { OP_PENDING, OP_SUCCESS, OP_FAILED };

typedef struct op_log {
    uuid id;
    int64_t at_us;
    bool ok;
    const char *error_type;
    char *details;
    int status_code; /* 0 = none */
    int retry_after_s;
} op_log;

typedef struct emu_op {
    uuid id;
    int64_t created_us, updated_us;
    uint32_t conn;
    emu_resource res;
    bool is_update;
    bool sync;
    uuid target;   /* PATCH target */
    char *payload; /* JSON object: what goes to the TSP, Catena ids translated */
    cJSON *body;   /* the validated request body */
    enum op_status status;
    bool has_resource;
    uuid resource_id;
    char *source_id;
    op_log *logs;
    size_t n_logs;
    int attempts;
    int64_t next_attempt_us;
    bool in_progress;
} emu_op;

ops_engine *ops_new(emu_app *app);
/* Stops the worker threads and frees every operation. */
void ops_free(ops_engine *e);
/* Records a new operation (takes body and payload). Sync ones run now on this thread. Writes the
 * ResourceOperation JSON into out and returns the HTTP status: 202 pending, 200 success, 502 failed. */
int ops_submit(ops_engine *e, uint32_t conn, emu_resource res, bool is_update, const uuid *target, cJSON *body,
               char *payload, bool sync, strbuf *out);
/* Moves sent messages to delivered/read once their (seeded) moment has passed. */
void ops_advance_messages(emu_app *app);
/* Registers a message record for the delivered/read lifecycle. */
void ops_track_message(ops_engine *e, emu_resource res, uint32_t idx, int64_t deliver_us, int64_t read_us);
/* Blocks until no operation is pending or timeout_ms (real) passed; true if drained. */
bool ops_drain(ops_engine *e, int timeout_ms);

/* Read access for the operations API: lock, iterate, unlock. */
void ops_lock(ops_engine *e);
void ops_unlock(ops_engine *e);
size_t ops_count(ops_engine *e);
const emu_op *ops_at(ops_engine *e, size_t i);

/* op_render.c: ResourceOperation (write responses) or ResourceOperationRead (operations API). */
void op_render(strbuf *sb, const emu_store *st, const emu_op *op, bool read_model);

/* effects.c: applies a successful operation to the store; returns the record's Catena and TSP ids. */
void effects_apply(emu_app *app, const emu_op *op, emu_rng *r, uuid *resource_id, char **source_id);

#endif
