/* operations: resource operations (the write pipeline's records), their async worker and message lifecycle. */
#ifndef CATENA_EMU_OPERATIONS_H
#define CATENA_EMU_OPERATIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "app.h"

ops_engine *ops_new(emu_app *app);
/* Stops the worker threads and frees every operation. */
void ops_free(ops_engine *e);
/* Moves sent messages to delivered/read once their (seeded) moment has passed. */
void ops_advance_messages(emu_app *app);
/* Blocks until no operation is pending or timeout_ms (real) passed; true if drained. */
bool ops_drain(ops_engine *e, int timeout_ms);

#endif
