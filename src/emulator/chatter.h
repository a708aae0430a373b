/* chatter: drivers who talk back. A seeded message history (--message-history), drivers who answer
 * some dispatcher messages and write on their own now and then (--chatter), and the control call that
 * makes a driver send a given text now. Everything happens at seeded instants of the emulated clock,
 * materialised lazily (before each request), so it is deterministic and honours --time-scale. */
#ifndef CATENA_EMU_CHATTER_H
#define CATENA_EMU_CHATTER_H

#include <stdbool.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "store.h"

#define CHATTER_HISTORY_DAYS 90

typedef struct chatter chatter;

/* Seeds the history: conversations between each connection's dispatcher and up to 12 of its drivers,
 * both directions, over the CHATTER_HISTORY_DAYS days before now_us. Caller holds the write lock. */
void chatter_seed_history(emu_store *st, int64_t now_us);

/* live: drivers reply and write on their own from start_us on; off: only the control call speaks. */
chatter *chatter_new(emu_store *st, bool live, int64_t start_us);
void chatter_free(chatter *ch);
/* Adds every reply and spontaneous message due by now, in time order. Takes the store's write lock. */
void chatter_advance(chatter *ch, emu_store *st);
/* A message was stored (store index msg_idx); if a dispatcher wrote to a driver who reads it at
 * read_us (0 = never), the driver may answer after a seeded delay. Takes the store's read lock. */
void chatter_note_message(chatter *ch, emu_store *st, uint32_t msg_idx, int64_t read_us);
/* The driver (user id) sends text now, to recipient (NULL = the connection's dispatcher). Writes the
 * MessageRead into out and returns 201, or returns 400/404 with a one-line reason in *err (heap). */
int chatter_driver_says(chatter *ch, emu_store *st, const uuid *driver, const char *text, const uuid *recipient,
                        strbuf *out, char **err);

#endif
