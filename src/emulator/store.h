/* store: the emulator's in-memory data (TSPs, connections, records of every resource) behind one rwlock. */
#ifndef CATENA_EMU_STORE_H
#define CATENA_EMU_STORE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "common/uuid.h"
#include "resource_defs.h"

#define REC_IS_DRIVER 1u

/* One stored read-model record: envelope fields plus the resource's fields as JSON fragments. */
typedef struct emu_record {
    uuid id;
    int64_t created_us;
    int64_t updated_us;
    int64_t occurred_us; /* occurred_at (event time); for master data the last change */
    uint32_t conn;       /* index into store->conns */
    uint32_t flags;
    char *source_id;
    char *blob; /* def->n_fields NUL-terminated JSON fragments, in field order */
} emu_record;

typedef struct index_list {
    uint32_t *v;
    size_t n, cap;
} index_list;

typedef struct emu_collection {
    const resource_def *def;
    emu_record *items;
    size_t n, cap;
    index_list *by_conn; /* record indices per connection, ascending */
} emu_collection;

typedef struct emu_connection {
    uuid id;
    uuid fleet_id;
    char fleet_ref[48];
    char fleet_name[64];
    char description[128];
    int tsp; /* index into the TSP catalogue */
    const char *status;
    int64_t created_us, updated_us;
    uint64_t source_seq[RES_COUNT]; /* next TSP-side id number per resource */
    bool read_only[RES_COUNT];      /* share level "read" instead of "read_write" */
} emu_connection;

typedef struct emu_store {
    pthread_rwlock_t lock;
    uint64_t seed;
    bool hostile; /* seeded with hostile names (--hostile-strings) */
    bool wide;    /* the first trailers' names test display width (--wide-strings) */
    uuid partner_id;
    emu_connection *conns;
    size_t n_conns;
    emu_collection coll[RES_COUNT];
    uint64_t gen[RES_COUNT]; /* bumped by every change to a collection (cached list totals check it) */
    /* uuid -> (resource << 27 | index) + 1, open addressing */
    uuid *map_keys;
    uint32_t *map_vals;
    size_t map_cap, map_used;
} emu_store;

emu_store *store_new(uint64_t seed, size_t n_conns);
void store_free(emu_store *st);

/* Appends a record (the store takes its strings) and indexes it; returns its index. Caller holds the write lock. */
uint32_t store_add(emu_store *st, emu_resource res, emu_record *rec);
/* Finds a record by Catena id. */
bool store_lookup(const emu_store *st, const uuid *id, emu_resource *res, uint32_t *idx);
emu_record *store_get(emu_store *st, emu_resource res, uint32_t idx);
/* "First Last" of a user record (either part may be missing). */
void user_full_name(const emu_record *user, char *out, size_t cap);
/* Index of the connection with that id, or -1. */
int store_find_connection(const emu_store *st, const uuid *id);

/* ---- blobs: a record's fields as NUL-separated JSON fragments ---- */
/* Returns the fragment of field idx ("null" when unset). */
const char *blob_field(const char *blob, size_t idx);

typedef struct rec_builder {
    size_t n;
    strbuf scratch;
    long off[64]; /* offset of each field's fragment in scratch, -1 = unset (null) */
} rec_builder;

void rb_begin(rec_builder *rb, const resource_def *def);
/* Starts from an existing record's fragments. */
void rb_load(rec_builder *rb, const resource_def *def, const char *blob);
void rb_raw(rec_builder *rb, int field, const char *json);
void rb_str(rec_builder *rb, int field, const char *s); /* NULL -> null */
void rb_strf(rec_builder *rb, int field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void rb_int(rec_builder *rb, int field, long long v);
void rb_num(rec_builder *rb, int field, double v);
void rb_bool(rec_builder *rb, int field, bool v);
void rb_time(rec_builder *rb, int field, int64_t unix_us);
void rb_date(rec_builder *rb, int field, int64_t unix_us);
/* Returns the blob (caller owns) and resets the builder for reuse. */
char *rb_finish(rec_builder *rb);
void rb_free(rec_builder *rb);

/* Decodes a string fragment ("\"abc\"") into out; false if the fragment is not a plain string. */
bool fragment_string(const char *frag, char *out, size_t cap);

#endif
