/* poll_sched: due times, backoff with jitter, Retry-After, stale marks and the timer of a poller. */
#include "core/poll_sched.h"

#include <time.h>
#include <unistd.h>

static uint64_t rng_next(poll_rng *r, const loop *l)
{
    if (!r->seeded) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t wall = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
        r->state = loop_clock_is_virtual(l) ? 0x243F6A8885A308D3ULL : wall * 0x9E3779B97F4A7C15ULL ^ (uint64_t)getpid();
        r->seeded = true;
    }
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ULL); /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

int64_t poll_backoff_ms(poll_rng *r, const loop *l, int64_t interval, int fails)
{
    int64_t d = interval;
    for (int i = 0; i < fails && d < POLL_BACKOFF_CAP_MS; i++)
        d *= 2;
    double unit = (double)(rng_next(r, l) >> 11) * (1.0 / 9007199254740992.0);
    d = (int64_t)((double)d * (1.0 + POLL_JITTER * (2.0 * unit - 1.0)));
    return d > POLL_BACKOFF_CAP_MS ? POLL_BACKOFF_CAP_MS : d;
}

bool poll_slot_step(poll_slot *s, int64_t interval, int64_t now, int64_t *next)
{
    if (!s->active) {
        if (s->was_active) {
            /* Nothing left to poll here: nothing here can be stale either. */
            s->was_active = false;
            s->fails = 0;
            s->stale_since_ms = 0;
        }
        s->kick = false;
        return false;
    }
    if (!s->was_active) {
        s->was_active = true;
        s->base_ms = now;
    }
    if (s->busy)
        return false;
    int64_t due = s->kick ? now : s->fails > 0 ? s->backoff_due_ms : s->base_ms + interval;
    if (due <= now)
        return true;
    if (due < *next)
        *next = due;
    return false;
}

void poll_slot_ok(poll_slot *s, int64_t now)
{
    s->fails = 0;
    s->stale_since_ms = 0;
    s->base_ms = now;
}

void poll_slot_failed(poll_slot *s, poll_rng *r, const loop *l, int64_t interval, bool rate_limited,
                      int retry_after_s, int64_t now)
{
    s->fails++;
    if (!s->stale_since_ms)
        s->stale_since_ms = now;
    s->base_ms = now;
    int64_t delay;
    if (rate_limited && retry_after_s >= 0)
        delay = (int64_t)retry_after_s * 1000 > interval ? (int64_t)retry_after_s * 1000 : interval;
    else
        delay = poll_backoff_ms(r, l, interval, s->fails);
    s->backoff_due_ms = now + delay;
}

void poll_timer_arm(poll_timer *t, loop *l, int64_t next, int64_t now, void (*cb)(void *ud), void *ud)
{
    if (next == INT64_MAX) {
        poll_timer_cancel(t, l);
    } else if (!t->id || t->due != next) {
        poll_timer_cancel(t, l);
        t->id = loop_timer_add(l, LOOP_CLOCK_APP, next - now, cb, ud);
        t->due = next;
    }
}

void poll_timer_fired(poll_timer *t)
{
    t->id = 0;
    t->due = 0;
}

void poll_timer_cancel(poll_timer *t, loop *l)
{
    if (t->id)
        loop_timer_cancel(l, t->id);
    t->id = 0;
    t->due = 0;
}
