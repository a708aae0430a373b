/* ops_journal: the file that keeps the ops sent from this console across restarts (normally
 * operations.json in the account's directory, core/statefile), read at start and rewritten whenever they
 * change. Consoles sharing the state directory merge on write under a lock (<path>.lock), so no
 * console erases another's entries. The JSON is api_ops' (api_journal_*); the file operations are
 * statefile's. Private to core/ops*.c. */
#ifndef CATENA_CORE_OPS_JOURNAL_H
#define CATENA_CORE_OPS_JOURNAL_H

#include "core/api_ops.h"
#include "core/ops_store.h"

typedef struct ops_journal ops_journal;

ops_journal *ops_journal_new(const char *path);
void ops_journal_free(ops_journal *j);

/* Reads the journal into *out (an empty journal on the first run). -1 with *err if it cannot be
 * read, or if it is corrupt: then the file is set aside as <path>.corrupt and *out is empty. */
int ops_journal_load(ops_journal *j, api_journal *out, char **err);
/* Writes the mine ops of the store, and the entries other consoles wrote that this one does not
 * hold and did not drop, newest first. -1 with *err. */
int ops_journal_save(ops_journal *j, const ops_store *s, int64_t clock_offset_ms, char **err);

#endif
