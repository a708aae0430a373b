/* poll_sched: the timing every poller of the core shares (the operation tracker's, core/ops_poll,
 * and the inbox's, core/inbox): per target a due time on the app clock, a fast or slow interval,
 * exponential backoff with jitter after failures, the API's Retry-After on a 429 (never sooner
 * than the interval), the "stale since" mark, and one loop timer at the earliest due time. No
 * HTTP: the pollers ask and report the outcome here. */
#ifndef CATENA_CORE_POLL_SCHED_H
#define CATENA_CORE_POLL_SCHED_H

#include "core/loop.h"

#include <stdbool.h>
#include <stdint.h>

#define POLL_BACKOFF_CAP_MS (300LL * 1000) /* backoff never waits longer than 5 min */
#define POLL_JITTER 0.2                    /* +-20 % on every backoff */

/* The jitter's random numbers: a fixed seed under the virtual clock (tests, script mode), else a
 * per-process one so that many consoles do not retry in step. Zero-initialize. */
typedef struct poll_rng {
    uint64_t state;
    bool seeded;
} poll_rng;
/* interval * 2^fails, +-POLL_JITTER, never more than POLL_BACKOFF_CAP_MS. */
int64_t poll_backoff_ms(poll_rng *r, const loop *l, int64_t interval, int fails);

/* One target's timing. Zero-initialize; the poller sets active before each poll_slot_step. */
typedef struct poll_slot {
    bool active;           /* has something to poll */
    bool was_active;       /* as of the previous step */
    bool busy;             /* a request (or a tick's requests) in flight */
    bool kick;             /* poll as soon as possible */
    int64_t base_ms;       /* app clock of the last completion (or activation) */
    int64_t backoff_due_ms;
    int fails;             /* consecutive failed polls */
    int64_t stale_since_ms;/* app clock of the first failure since the last success, or 0 */
} poll_slot;

/* Whether s is due now (interval after its last completion, its backoff after a failure, at once
 * when kicked); else lowers *next to its due time. An inactive slot forgets its failures. */
bool poll_slot_step(poll_slot *s, int64_t interval, int64_t now, int64_t *next);
/* A poll answered: no longer stale, the next one an interval from now. */
void poll_slot_ok(poll_slot *s, int64_t now);
/* A poll failed: stale from now (if not already), the next one after the backoff, or after the
 * API's Retry-After when rate_limited with retry_after_s >= 0 (never sooner than the interval). */
void poll_slot_failed(poll_slot *s, poll_rng *r, const loop *l, int64_t interval, bool rate_limited,
                      int retry_after_s, int64_t now);

/* The one loop timer of a poller, at the earliest due time (INT64_MAX: none). */
typedef struct poll_timer {
    uint64_t id;
    int64_t due;
} poll_timer;
void poll_timer_arm(poll_timer *t, loop *l, int64_t next, int64_t now, void (*cb)(void *ud), void *ud);
/* The timer fired: it is gone (call first thing in its callback). */
void poll_timer_fired(poll_timer *t);
void poll_timer_cancel(poll_timer *t, loop *l);

#endif
