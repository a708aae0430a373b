/* ops_private: what ops.c (records, storage, public API), ops_poll.c (polling, backoff, health)
 * and ops_journal.c (the on-disk journal) share. Not for other modules. */
#ifndef CATENA_CORE_OPS_PRIVATE_H
#define CATENA_CORE_OPS_PRIVATE_H

#include "core/ops.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#define OPS_MINE_MAX 500            /* finished mine ops kept (and journaled); live ones always are */
#define OPS_OTHERS_MAX 2000         /* finished others of the followed connection kept in memory */
#define OPS_WINDOW_MARGIN_MS (120LL * 1000)       /* from_datetime = earliest created_at minus this */
#define OPS_MAX_AGE_MS (45LL * 86400 * 1000)      /* the API's longest from..to window */
#define OPS_AGE_SLACK_MS (10LL * 60 * 1000)       /* give up this long before the window limit */
#define OPS_FOLLOW_HISTORY_MS (86400LL * 1000)    /* first look at a followed connection: 24 h */
#define OPS_BACKOFF_CAP_MS (300LL * 1000)
#define OPS_JITTER 0.2
#define OPS_MAX_PAGES 100           /* pages followed in one poll (100k ops) before giving up the rest */
#define OPS_MISS_LIMIT 30           /* complete polls an op may be absent from before it is unknown */

typedef struct op_entry {
    op_rec r;             /* first: ops_get hands out &e->r */
    int conn;             /* index into ops_tracker.conns */
    int64_t created_ms;   /* created_at as Unix ms (est. server time when the op had none) */
    bool odd_status;      /* the server sent a status this client does not know: keep polling */
    bool gave_up;         /* made OP_UNKNOWN by the tracker (too old, vanished, 404) */
    uint64_t add_seq;     /* t->seq when added */
    uint64_t seen_seq;    /* poll_seq of the last list poll that returned it */
    int misses;           /* consecutive complete list polls that did not return it */
    bool queued;          /* a status change of it waits to be told (not evicted before) */
} op_entry;

typedef struct poll_target {
    struct ops_tracker *t;
    int index;            /* in conns, or -1 for the detail target */
    char conn_id[37];
    char op_id[37];       /* detail target: the watched op */
    bool busy;            /* a request is in flight */
    uint64_t call_id, gen;
    bool active;          /* has something to poll */
    bool was_active;      /* as of the previous scheduling pass */
    bool kick;            /* poll as soon as possible */
    int64_t base_ms;      /* app clock of the last completion (or activation) */
    int64_t backoff_due_ms;
    int fails;            /* consecutive failed polls */
    int64_t stale_since_ms;
    /* computed by each scheduling pass */
    int nlive;
    int64_t earliest_ms;  /* created_ms of its oldest live op */
    bool any_pending;     /* it has an op in OP_PENDING (or odd status): the fast rate */
    /* the list poll in progress */
    uint64_t poll_seq;
    int pages;
    bool windowed;
    int64_t window_from_ms;
    int64_t watermark_ms; /* newest created_at seen on this connection (0: none yet) */
    int64_t poll_newest_ms; /* newest created_at of the poll in progress */
} poll_target;

typedef struct op_change {
    char id[37];
    op_status old;
} op_change;

struct ops_tracker {
    loop *l;
    api *a;
    int poll_pending_ms, poll_idle_ms;
    char *journal_path;
    ops_change_cb on_change;
    ops_dirty_cb on_dirty;
    void *ud;

    op_entry **ents;      /* in display order (after ops__flush) */
    size_t n, cap;
    op_entry **hash;      /* open addressing on the id, power-of-two capacity */
    size_t hcap;

    poll_target **conns;  /* one per connection ever seen; pointers stay valid */
    size_t nconns;
    poll_target detail;
    char follow[37];
    char watch[37];

    uint64_t timer_id;
    int64_t timer_due;
    uint64_t seq;
    uint64_t rng;
    bool rng_seeded;
    int npending;
    bool started, closing, in_schedule, resched, flushing;

    /* health */
    bool offline;
    int64_t last_ok_ms;
    char last_error[200];
    bool journal_failed;  /* last_error is about the journal (kept until a save works) */
    uint64_t requests;
    unsigned health_sig;

    /* est. server clock = wall clock + offset */
    int64_t clock_offset_ms;
    bool offset_fresh;    /* observed this session (else it came from the journal) */

    /* batched effects, applied by ops__flush */
    bool dirty, journal_dirty, order_dirty;
    op_change *changes;
    size_t nchanges, capchanges;
};

/* ops.c */
void ops__log_clear(op_log *lg);
int ops__parse(op_rec *r, const cJSON *obj, bool *odd_status, char **err);
op_entry *ops__lookup(const ops_tracker *t, const char *id);
/* Takes the members of *r (zeroes it). */
op_entry *ops__insert(ops_tracker *t, op_rec *r, bool odd_status, bool mine);
/* Merges a fresh server copy into e (takes fresh's members). */
void ops__merge(ops_tracker *t, op_entry *e, op_rec *fresh, bool odd_status);
void ops__give_up(ops_tracker *t, op_entry *e);
bool ops__live(const op_entry *e);
void ops__flush(ops_tracker *t);
bool ops__parse_time(const char *s, int64_t *ms);
void ops__format_time(int64_t ms, char out[32]);
int64_t ops__wall_ms(void);
int64_t ops__server_now(const ops_tracker *t);
void ops__observe_server_time(ops_tracker *t, int64_t ts_ms);
char *ops__fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ops_poll.c */
poll_target *ops__conn_target(ops_tracker *t, const char *conn_id);
void ops__schedule(ops_tracker *t);
void ops__age_check(ops_tracker *t);
void ops__cancel_all(ops_tracker *t);
unsigned ops__health_sig(const ops_tracker *t);

/* ops_journal.c */
int ops__journal_load(ops_tracker *t, char **err);
void ops__journal_save(ops_tracker *t);

#endif
