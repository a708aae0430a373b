#include "policy.h"

#include <string.h>

int64_t policy_backoff_us(int next_attempt, emu_rng *r)
{
    int64_t base = 1000000LL << (next_attempt >= 2 ? next_attempt - 2 : 0); /* 1,2,4,8 s */
    int64_t jitter = base / 5;
    return base + rng_range(r, -jitter, jitter);
}

bool policy_is_retryable(const char *error_type, int status_code)
{
    if (!error_type)
        return false;
    if (strcmp(error_type, "network") == 0)
        return true;
    if (strcmp(error_type, "tsp") == 0)
        return status_code >= 500 || status_code == 429;
    return false;
}

int64_t policy_delivery_delay_us(emu_rng *r)
{
    return rng_range(r, 5, 90) * 1000000LL;
}

bool policy_message_gets_read(emu_rng *r)
{
    return rng_below(r, 100) < 70;
}

int64_t policy_read_delay_us(emu_rng *r)
{
    return rng_range(r, 30, 600) * 1000000LL;
}
