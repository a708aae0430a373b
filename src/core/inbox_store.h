/* inbox_store: the inbox's records (core/inbox). The newest driver messages across the
 * connections, newest first, each with its connection, driver, time, sanitized one-line text and
 * whether this console has shown it (unread); per connection the time of the newest message seen
 * (where the next poll starts). Kept in a state file of the account (core/statefile), read at
 * start and written atomically. No loop, no HTTP: unit-tested on its own. */
#ifndef CATENA_CORE_INBOX_STORE_H
#define CATENA_CORE_INBOX_STORE_H

#include "common/uuid.h"
#include "core/api_inbox.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INBOX_KEEP 500            /* messages kept (the oldest go first) */
#define INBOX_FILE_MAX (4u << 20) /* a larger state file is not one this program wrote */

typedef struct inbox_msg {
    char id[UUID_STR_LEN];
    char connection_id[UUID_STR_LEN];
    char driver_id[UUID_STR_LEN];
    char *driver_name;    /* sanitized, may be "" */
    char *text;           /* sanitized, one line, cut with "…" */
    int64_t at_ms;        /* when the driver sent it (occurred_at), Unix ms */
    bool unread;          /* not yet shown by this console */
} inbox_msg;

typedef struct inbox_store inbox_store;

inbox_store *inbox_store_new(size_t keep);
void inbox_store_free(inbox_store *s);

/* Adds a copy of m of connection conn_id unless a message with its id is held (or it is older
 * than every one of a full store); true when added. */
bool inbox_store_add(inbox_store *s, const char *conn_id, const api_inbox_msg *m, bool unread);
size_t inbox_store_count(const inbox_store *s);
/* Newest first (ties: the larger id first); NULL past the end. */
const inbox_msg *inbox_store_at(const inbox_store *s, size_t i);
const inbox_msg *inbox_store_find(const inbox_store *s, const char *id);
size_t inbox_store_unread(const inbox_store *s);
/* Marks one (by id) / every message read; true / how many changed. */
bool inbox_store_mark_read(inbox_store *s, const char *id);
size_t inbox_store_mark_all_read(inbox_store *s);

/* The newest message time seen on a connection (0: none yet). */
int64_t inbox_store_since(const inbox_store *s, const char *conn_id);
void inbox_store_set_since(inbox_store *s, const char *conn_id, int64_t ms);

/* Whether anything to keep changed since the last save (or load). */
bool inbox_store_dirty(const inbox_store *s);
/* The state file: JSON, version 1. load: a missing file is an empty store; a file that is not
 * one is -1 with *err (the store stays empty). save: atomic, 0600, under <path>.lock, merging
 * what another console of the account wrote meanwhile into s first (its messages s lacks, its
 * read marks: read by either is read, the later mark per connection); -1 with *err. */
int inbox_store_load(inbox_store *s, const char *path, char **err);
int inbox_store_save(inbox_store *s, const char *path, char **err);
/* The same on text, for tests. */
char *inbox_store_encode(const inbox_store *s);
int inbox_store_decode(inbox_store *s, const char *json, size_t len, char **err);

#endif
