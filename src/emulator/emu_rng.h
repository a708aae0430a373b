/* emu_rng: a small deterministic pseudo-random generator (splitmix64) for seeded data. */
#ifndef CATENA_EMU_RNG_H
#define CATENA_EMU_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct emu_rng {
    uint64_t state;
} emu_rng;

void rng_seed(emu_rng *r, uint64_t seed);
/* A generator derived from a parent seed and a stream label, independent of call order elsewhere. */
void rng_seed_stream(emu_rng *r, uint64_t seed, const char *label, uint64_t index);
uint64_t rng_next(emu_rng *r);
/* Uniform in [0, n); n > 0. */
uint32_t rng_below(emu_rng *r, uint32_t n);
/* Uniform in [lo, hi]. */
int64_t rng_range(emu_rng *r, int64_t lo, int64_t hi);
double rng_unit(emu_rng *r);
void rng_bytes(emu_rng *r, uint8_t *out, size_t n);
/* Picks one element of a NULL-free string array. */
#define RNG_PICK(r, arr) ((arr)[rng_below((r), (uint32_t)(sizeof(arr) / sizeof((arr)[0])))])
/* 64-bit FNV-1a of a string, for stream labels and fingerprints. */
uint64_t hash64_str(const char *s, uint64_t h);
uint64_t hash64_bytes(const void *p, size_t n, uint64_t h);

#endif
