#include "api_limit.h"

#include <pthread.h>
#include <stdlib.h>

#include "common/strbuf.h"
#include "emu_clock.h"

struct api_limiter {
    pthread_mutex_t mu;
    double rate, tokens, burst;
    int64_t last_us;
};

api_limiter *api_limit_new(int rate)
{
    api_limiter *l = xcalloc(1, sizeof *l);
    pthread_mutex_init(&l->mu, NULL);
    l->rate = rate;
    l->burst = rate;
    l->tokens = rate;
    l->last_us = emu_now_us();
    return l;
}

void api_limit_free(api_limiter *l)
{
    if (!l)
        return;
    pthread_mutex_destroy(&l->mu);
    free(l);
}

bool api_limit_take(api_limiter *l, int *retry_after_seconds)
{
    pthread_mutex_lock(&l->mu);
    int64_t now = emu_now_us();
    l->tokens += (double)(now - l->last_us) / 1e6 * l->rate;
    if (l->tokens > l->burst)
        l->tokens = l->burst;
    l->last_us = now;
    bool ok = l->tokens >= 1.0;
    if (ok)
        l->tokens -= 1.0;
    else
        *retry_after_seconds = (int)((1.0 - l->tokens) / l->rate) + 1;
    pthread_mutex_unlock(&l->mu);
    return ok;
}
