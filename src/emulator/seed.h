/* seed: deterministic generation of the emulator's fleets, connections, users, vehicles and trailers. */
#ifndef CATENA_EMU_SEED_H
#define CATENA_EMU_SEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Seeded records are dated relative to this fixed instant (2026-01-01T00:00:00Z), never the wall clock. */
#define SEED_EPOCH_US 1767225600000000LL

typedef struct seed_config {
    uint64_t seed;
    size_t connections, vehicles, users, trailers;
    bool hostile; /* the first record of each kind gets a hostile name (client sanitizer tests) */
    bool wide;    /* the first trailers get names that test display width (grapheme clusters) */
} seed_config;

/* Builds a store filled with the seeded data; same config => same data. */
emu_store *seed_store(const seed_config *cfg);
/* How many of total records connection i of n gets (deterministic; sums to total). */
size_t seed_share(size_t total, size_t n_conns, size_t i);

#endif
