#include "emu_rng.h"

uint64_t hash64_bytes(const void *p, size_t n, uint64_t h)
{
    const unsigned char *s = p;
    if (h == 0)
        h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

uint64_t hash64_str(const char *s, uint64_t h)
{
    size_t n = 0;
    while (s[n])
        n++;
    return hash64_bytes(s, n, h);
}

void rng_seed(emu_rng *r, uint64_t seed)
{
    r->state = seed ^ 0x9e3779b97f4a7c15ULL;
    (void)rng_next(r);
}

void rng_seed_stream(emu_rng *r, uint64_t seed, const char *label, uint64_t index)
{
    uint64_t h = hash64_str(label, 0);
    h = hash64_bytes(&seed, sizeof seed, h);
    h = hash64_bytes(&index, sizeof index, h);
    rng_seed(r, h);
}

uint64_t rng_next(emu_rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint32_t rng_below(emu_rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int64_t rng_range(emu_rng *r, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)(hi - lo) + 1;
    return lo + (int64_t)(rng_next(r) % span);
}

double rng_unit(emu_rng *r)
{
    return (double)(rng_next(r) >> 11) / 9007199254740992.0;
}

void rng_bytes(emu_rng *r, uint8_t *out, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (i % 8 == 0)
            v = rng_next(r);
        out[i] = (uint8_t)(v >> (8 * (i % 8)));
    }
}
