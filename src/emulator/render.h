/* render: JSON text of stored records and connections, exactly in the contract's read-model shapes. */
#ifndef CATENA_EMU_RENDER_H
#define CATENA_EMU_RENDER_H

#include <stdbool.h>

#include "common/strbuf.h"
#include "store.h"

/* A telematics read model (VehicleRead, UserRead, ...): envelope + the resource's fields. */
void render_record(strbuf *sb, const emu_store *st, emu_resource res, const emu_record *rec, bool include_source_data);
/* ConnectionRead with masked credentials. */
void render_connection(strbuf *sb, const emu_store *st, const emu_connection *c);
/* Deterministic ids of a connection's ingestion schedule / execution for a resource. */
void connection_schedule_id(const emu_store *st, size_t conn, emu_resource res, uuid *out);
void connection_execution_id(const emu_store *st, size_t conn, emu_resource res, int64_t at_us, uuid *out);

#endif
