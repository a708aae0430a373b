/* ops_store: the operation tracker's records. Holds the op_rec entries with an id index (hash),
 * keeps them in display order (mine first, each group newest first), evicts finished ones past
 * the limits, counts the pending ones, and queues the status changes to tell. No loop, no HTTP:
 * times come in as arguments. Used by the poller, the journal and the tracker (core/ops*.c). */
#ifndef CATENA_CORE_OPS_STORE_H
#define CATENA_CORE_OPS_STORE_H

#include "core/api_ops.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OPS_MINE_MAX 500    /* finished mine ops kept (and journaled); live ones always are */
#define OPS_OTHERS_MAX 2000 /* finished others of the followed connection kept in memory */

typedef struct ops_entry {
    op_rec r;             /* first: the tracker hands out &e->r */
    int64_t created_ms;   /* created_at as Unix ms (the caller's estimate when the op had none) */
    bool odd_status;      /* the server sent a status this client does not know: keep polling */
    bool gave_up;         /* made OP_UNKNOWN by the tracker (too old, vanished, 404) */
    uint64_t add_seq;     /* ops_store_next_seq() when added */
    bool queued;          /* a status change of it waits to be told (not evicted before) */
    /* The poller's bookkeeping; the store only zeroes them. */
    uint64_t seen_seq;    /* the list poll that last returned it */
    int misses;           /* consecutive complete list polls that did not return it */
} ops_entry;

typedef struct ops_change {
    char id[UUID_STR_LEN];
    op_status old;        /* OP_UNKNOWN for a newly seen op */
} ops_change;

typedef struct ops_store ops_store;

/* mine_max, others_max: how many finished ops of each group eviction keeps. */
ops_store *ops_store_new(size_t mine_max, size_t others_max);
void ops_store_free(ops_store *s);

size_t ops_store_count(const ops_store *s);
/* The i-th entry in display order (as of the last ops_store_settle), or NULL. */
ops_entry *ops_store_at(const ops_store *s, size_t i);
/* By normalized id; NULL if not there (or id is NULL). */
ops_entry *ops_store_lookup(const ops_store *s, const char *id);
/* Pending ops as of the last ops_store_settle. */
int ops_store_pending(const ops_store *s);
/* A new number of the store's sequence (entries carry the one of their insertion). */
uint64_t ops_store_next_seq(ops_store *s);
/* Tracked: still polled (pending, or a status this client does not know) and not given up. */
bool ops_entry_live(const ops_entry *e);

typedef struct ops_insert {
    bool mine, odd_status;
    bool gave_up;         /* restored as no longer tracked */
    bool quiet;           /* restored from the journal: no change is queued, the journal is not dirty */
    int64_t now_ms;       /* app clock: changed_at_ms */
    int64_t created_ms;   /* used when r->created_at is not a timestamp */
} ops_insert;
/* Adds r, taking its members (r is zeroed). NULL with *err if r has no id or one the store holds. */
ops_entry *ops_store_insert(ops_store *s, op_rec *r, const ops_insert *how, char **err);
/* Merges a fresh server copy into e, taking fresh's members (fresh is cleared). Fields the server
 * did not send keep what was known. Returns true when the status changed (the change is queued). */
bool ops_store_merge(ops_store *s, ops_entry *e, op_rec *fresh, bool odd_status, int64_t now_ms);
/* The tracker stops polling e: it becomes OP_UNKNOWN (the change is queued). */
void ops_store_give_up(ops_store *s, ops_entry *e, int64_t now_ms);
/* e was sent from this console after all (it came first from a followed connection's list). */
void ops_store_make_mine(ops_store *s, ops_entry *e);
/* Replaces e's label and target_id with sanitized copies when given (NULL: unchanged). */
void ops_store_set_label(ops_store *s, ops_entry *e, const char *label, const char *target_id);
/* Removes every entry for which drop(e, ud) is true. */
void ops_store_remove_if(ops_store *s, bool (*drop)(const ops_entry *e, void *ud), void *ud);

/* Applies what the mutations left to do: display order, eviction, the pending count. */
void ops_store_settle(ops_store *s);
/* The queued status changes, oldest first (caller frees); their entries are no longer queued. */
ops_change *ops_store_take_changes(ops_store *s, size_t *n);
/* Whether anything shown changed / anything of mine changed since the last call; resets it. */
bool ops_store_take_dirty(ops_store *s);
bool ops_store_take_journal_dirty(ops_store *s);
void ops_store_mark_journal_dirty(ops_store *s);

#endif
