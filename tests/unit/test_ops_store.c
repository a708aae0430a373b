/* Unit tests of src/core/ops_store.c, the operation tracker's record store: no loop, no server.
 * Insertion and invalid input, merging, the change queue, display order, eviction, lookup. */
#include "common/strbuf.h"
#include "core/ops_store.h"
#include "suite_runner.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONN "7c2f6fec-0000-4000-8000-000000000001"
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* op n: id ...00nn, created at second n (0: no created_at) */
static op_rec make(int n, op_status st, int created_s)
{
    op_rec r;
    memset(&r, 0, sizeof r);
    snprintf(r.id, sizeof r.id, "00000000-0000-4000-8000-0000000000%02d", n);
    snprintf(r.connection_id, sizeof r.connection_id, "%s", CONN);
    r.resource = xstrdup("message");
    r.operation_type = xstrdup("create");
    r.status = st;
    if (created_s > 0) {
        char ts[32];
        snprintf(ts, sizeof ts, "2026-04-17T01:00:%02dZ", created_s);
        r.created_at = xstrdup(ts);
    }
    return r;
}

static ops_entry *add(ops_store *s, int n, op_status st, int created_s, bool mine)
{
    op_rec r = make(n, st, created_s);
    ops_insert how = {.mine = mine, .now_ms = 5, .created_ms = 42};
    char *err = NULL;
    ops_entry *e = ops_store_insert(s, &r, &how, &err);
    ck_assert_msg(e, "insert %d: %s", n, err ? err : "?");
    ck_assert_ptr_null(r.resource); /* taken */
    return e;
}

static int num_of(const ops_entry *e)
{
    return atoi(e->r.id + 34);
}

/* The store's ids in display order as "n,n,n". */
static void order_of(ops_store *s, char *out, size_t cap)
{
    out[0] = '\0';
    for (size_t i = 0; i < ops_store_count(s); i++) {
        size_t len = strlen(out);
        snprintf(out + len, cap - len, "%s%d", i ? "," : "", num_of(ops_store_at(s, i)));
    }
}

static void drop_changes(ops_store *s)
{
    size_t n;
    free(ops_store_take_changes(s, &n));
}

/* ================================================================== insert: invalid input */

typedef struct {
    const char *name;
    int n;            /* 0: no id */
    bool no_conn;
    bool twice;       /* insert the same id a second time */
    const char *err_has;
} insert_case;

static const insert_case insert_cases[] = {
    {"a valid op", 1, false, false, NULL},
    {"no id", 0, false, false, "without an id"},
    {"no connection", 2, true, false, "without an id or a connection"},
    {"an id the store holds", 3, false, true, "already kept"},
};

START_TEST(insert_table)
{
    const insert_case *c = &insert_cases[_i];
    ops_store *s = ops_store_new(10, 10);
    op_rec r = make(c->n, OP_PENDING, 1);
    if (!c->n)
        r.id[0] = '\0';
    if (c->no_conn)
        r.connection_id[0] = '\0';
    if (c->twice)
        add(s, c->n, OP_SUCCESS, 1, true);
    size_t before = ops_store_count(s);
    ops_insert how = {.mine = true, .now_ms = 7, .created_ms = 1};
    char *err = NULL;
    ops_entry *e = ops_store_insert(s, &r, &how, &err);
    if (!c->err_has) {
        ck_assert_ptr_nonnull(e);
        ck_assert_ptr_null(err);
        ck_assert_ptr_eq(ops_store_lookup(s, e->r.id), e);
        ck_assert_int_eq(num_of(e), c->n);
        ck_assert_int_eq(e->r.changed_at_ms, 7);
        ck_assert(e->r.mine);
    } else {
        ck_assert_msg(e == NULL, "%s: inserted", c->name);
        ck_assert_msg(err && strstr(err, c->err_has), "%s: error '%s'", c->name, err ? err : "(none)");
        ck_assert_uint_eq(ops_store_count(s), before);
        if (c->twice) /* the one held is untouched */
            ck_assert_int_eq(ops_store_lookup(s, r.id)->r.status, OP_SUCCESS);
        op_rec_clear(&r); /* not taken */
    }
    free(err);
    ck_assert_ptr_null(ops_store_lookup(s, NULL));
    ck_assert_ptr_null(ops_store_lookup(s, "nope"));
    ck_assert_ptr_null(ops_store_at(s, 99));
    ops_store_free(s);
}
END_TEST

START_TEST(insert_created_ms)
{
    ops_store *s = ops_store_new(10, 10);
    ops_entry *a = add(s, 1, OP_PENDING, 30, true);
    ck_assert_int_eq(a->created_ms, 1776387630000LL); /* 2026-04-17T01:00:30Z */
    ops_entry *b = add(s, 2, OP_PENDING, 0, true);
    ck_assert_int_eq(b->created_ms, 42); /* no created_at: the caller's estimate */
    ck_assert(b->add_seq > a->add_seq);
    ck_assert(ops_store_next_seq(s) > b->add_seq);
    ops_store_free(s);
}
END_TEST

/* ================================================================== merge and the change queue */

START_TEST(merge_keeps_what_was_not_sent)
{
    ops_store *s = ops_store_new(10, 10);
    ops_entry *e = add(s, 1, OP_PENDING, 10, true);
    e->r.source_name = xstrdup("samsara");
    drop_changes(s);
    ops_store_settle(s);
    ops_store_take_dirty(s);
    ops_store_take_journal_dirty(s);
    op_rec fresh = make(1, OP_PENDING, 10);
    ck_assert(!ops_store_merge(s, e, &fresh, false, 9));
    ck_assert_ptr_null(fresh.resource); /* cleared */
    ck_assert_str_eq(e->r.source_name, "samsara"); /* not sent: kept */
    ck_assert(!ops_store_take_dirty(s));           /* nothing changed */
    ck_assert(!ops_store_take_journal_dirty(s));
    fresh = make(1, OP_PENDING, 20);
    fresh.resource_id = xstrdup("r-1");
    ck_assert(!ops_store_merge(s, e, &fresh, false, 9));
    ck_assert_str_eq(e->r.resource_id, "r-1");
    ck_assert_int_eq(e->created_ms, 1776387620000LL);
    ck_assert(ops_store_take_dirty(s));
    ck_assert(ops_store_take_journal_dirty(s)); /* mine */
    size_t n;
    free(ops_store_take_changes(s, &n));
    ck_assert_uint_eq(n, 0);
    ops_store_free(s);
}
END_TEST

START_TEST(status_change_queued_once)
{
    ops_store *s = ops_store_new(10, 10);
    ops_entry *e = add(s, 1, OP_PENDING, 10, false);
    size_t n;
    ops_change *ch = ops_store_take_changes(s, &n);
    ck_assert_uint_eq(n, 1); /* newly seen */
    ck_assert_int_eq(ch[0].old, OP_UNKNOWN);
    free(ch);
    ck_assert(!e->queued);
    op_rec fresh = make(1, OP_SUCCESS, 10);
    ck_assert(ops_store_merge(s, e, &fresh, false, 77));
    ck_assert(e->queued);
    ck_assert_int_eq(e->r.changed_at_ms, 77);
    fresh = make(1, OP_SUCCESS, 10); /* the same status again: no second change */
    ck_assert(!ops_store_merge(s, e, &fresh, false, 88));
    ck_assert_int_eq(e->r.changed_at_ms, 77);
    ch = ops_store_take_changes(s, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(ch[0].id, e->r.id);
    ck_assert_int_eq(ch[0].old, OP_PENDING);
    free(ch);
    ch = ops_store_take_changes(s, &n);
    ck_assert_uint_eq(n, 0);
    free(ch);
    /* Giving up: one change to OP_UNKNOWN, and no more however often. */
    ops_store_give_up(s, e, 99);
    ops_store_give_up(s, e, 100);
    ck_assert_int_eq(e->r.status, OP_UNKNOWN);
    ck_assert(e->gave_up && !ops_entry_live(e));
    ch = ops_store_take_changes(s, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(ch[0].old, OP_SUCCESS);
    free(ch);
    /* The server answers for it again: tracked again. */
    fresh = make(1, OP_PENDING, 10);
    ck_assert(ops_store_merge(s, e, &fresh, false, 101));
    ck_assert(!e->gave_up && ops_entry_live(e));
    ops_store_free(s);
}
END_TEST

START_TEST(quiet_insert_is_no_change)
{
    ops_store *s = ops_store_new(10, 10);
    op_rec r = make(1, OP_PENDING, 10);
    ops_insert how = {.mine = true, .quiet = true};
    ck_assert_ptr_nonnull(ops_store_insert(s, &r, &how, NULL));
    size_t n;
    free(ops_store_take_changes(s, &n));
    ck_assert_uint_eq(n, 0);
    ck_assert(!ops_store_take_journal_dirty(s));
    ck_assert(ops_store_take_dirty(s)); /* but it is shown */
    ops_store_free(s);
}
END_TEST

START_TEST(odd_status_is_live)
{
    ops_store *s = ops_store_new(10, 10);
    op_rec r = make(1, OP_UNKNOWN, 10);
    ops_insert how = {.odd_status = true};
    ops_entry *e = ops_store_insert(s, &r, &how, NULL);
    ck_assert(ops_entry_live(e));
    op_rec fresh = make(1, OP_UNKNOWN, 10);
    ops_store_merge(s, e, &fresh, false, 1); /* unknown, and no longer odd: not polled */
    ck_assert(!ops_entry_live(e));
    ops_store_free(s);
}
END_TEST

/* ================================================================== order and eviction */

typedef struct {
    int n;
    op_status st;
    int created_s;
    bool mine;
} seed;

typedef struct {
    const char *name;
    size_t mine_max, others_max;
    seed ops[8];
    int nops;
    const char *order;   /* after settle, in display order */
    int pending;
} evict_case;

#define P OP_PENDING
#define S OP_SUCCESS
#define F OP_FAILED

static const evict_case evict_cases[] = {
    {"mine first, newest first", 10, 10,
     {{1, S, 10, false}, {2, S, 20, true}, {3, P, 30, false}, {4, F, 5, true}}, 4, "2,4,3,1", 1},
    {"same time: by id, descending", 10, 10, {{1, S, 10, true}, {2, S, 10, true}, {3, S, 10, true}}, 3, "3,2,1", 0},
    {"keeps the newest finished mine", 2, 10,
     {{1, S, 10, true}, {2, S, 20, true}, {3, F, 30, true}, {4, S, 40, true}}, 4, "4,3", 0},
    {"keeps live ones whatever their age", 1, 10,
     {{1, P, 10, true}, {2, S, 20, true}, {3, P, 5, true}, {4, S, 40, true}}, 4, "4,1,3", 2},
    {"limits per group", 1, 2,
     {{1, S, 10, true}, {2, S, 20, true}, {3, S, 30, false}, {4, S, 40, false}, {5, S, 50, false}}, 5, "2,5,4", 0},
    {"at the limit: nothing goes", 2, 2,
     {{1, S, 10, true}, {2, S, 20, true}, {3, S, 30, false}, {4, S, 40, false}}, 4, "2,1,4,3", 0},
    {"nothing kept finished", 0, 0, {{1, S, 10, true}, {2, P, 20, true}, {3, S, 30, false}}, 3, "2", 1},
};

START_TEST(evict_table)
{
    const evict_case *c = &evict_cases[_i];
    ops_store *s = ops_store_new(c->mine_max, c->others_max);
    for (int i = 0; i < c->nops; i++)
        add(s, c->ops[i].n, c->ops[i].st, c->ops[i].created_s, c->ops[i].mine);
    drop_changes(s); /* told: may go */
    ops_store_settle(s);
    char got[128];
    order_of(s, got, sizeof got);
    ck_assert_msg(strcmp(got, c->order) == 0, "%s: %s, not %s", c->name, got, c->order);
    ck_assert_int_eq(ops_store_pending(s), c->pending);
    /* Lookup after eviction: what stayed is found, what went is not. */
    for (int i = 0; i < c->nops; i++) {
        char want[8], list[140];
        snprintf(want, sizeof want, ",%d,", c->ops[i].n);
        snprintf(list, sizeof list, ",%s,", c->order);
        op_rec probe = make(c->ops[i].n, P, 0);
        ops_entry *e = ops_store_lookup(s, probe.id);
        bool kept = strstr(list, want) != NULL;
        ck_assert_msg((e != NULL) == kept, "%s: op %d %s", c->name, c->ops[i].n, e ? "found" : "lost");
        if (e)
            ck_assert_int_eq(num_of(e), c->ops[i].n);
        op_rec_clear(&probe);
    }
    ops_store_free(s);
}
END_TEST

START_TEST(evict_waits_for_the_change_to_be_told)
{
    ops_store *s = ops_store_new(1, 1);
    add(s, 1, S, 10, true);
    add(s, 2, S, 20, true);
    ops_store_settle(s); /* both changes still queued */
    ck_assert_uint_eq(ops_store_count(s), 2);
    size_t n;
    ops_change *ch = ops_store_take_changes(s, &n);
    ck_assert_uint_eq(n, 2);
    free(ch);
    ops_store_take_journal_dirty(s); /* reset */
    ops_store_settle(s);
    ck_assert_uint_eq(ops_store_count(s), 1);
    ck_assert_int_eq(num_of(ops_store_at(s, 0)), 2);
    ck_assert(ops_store_take_journal_dirty(s)); /* a mine op went: the journal changes */
    ops_store_free(s);
}
END_TEST

START_TEST(make_mine_moves_it_first)
{
    ops_store *s = ops_store_new(10, 10);
    add(s, 1, S, 10, true);
    ops_entry *o = add(s, 2, S, 20, false);
    ops_store_settle(s);
    char got[64];
    order_of(s, got, sizeof got);
    ck_assert_str_eq(got, "1,2");
    ops_store_take_journal_dirty(s);
    ops_store_make_mine(s, o);
    ck_assert(ops_store_take_journal_dirty(s));
    ops_store_set_label(s, o, "Message to Jose \x1b[2J", "");
    ck_assert_str_eq(o->r.label, "Message to Jose ?[2J"); /* sanitized */
    ck_assert_ptr_null(o->r.target_id);                       /* "" clears it */
    ops_store_settle(s);
    order_of(s, got, sizeof got);
    ck_assert_str_eq(got, "2,1");
    ops_store_free(s);
}
END_TEST

static bool is_other(const ops_entry *e, void *ud)
{
    (void)ud;
    return !e->r.mine;
}

START_TEST(remove_if_and_lookup)
{
    ops_store *s = ops_store_new(100, 100);
    for (int i = 1; i <= 60; i++) /* past the first hash capacity */
        add(s, i, i % 3 ? S : P, i % 60, i % 2 == 0);
    ops_store_remove_if(s, is_other, NULL);
    ck_assert_uint_eq(ops_store_count(s), 30);
    for (int i = 1; i <= 60; i++) {
        op_rec probe = make(i, P, 0);
        ck_assert_msg((ops_store_lookup(s, probe.id) != NULL) == (i % 2 == 0), "op %d", i);
        op_rec_clear(&probe);
    }
    ops_store_free(s);
    ops_store_free(NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops_store");
    TCase *tc = tcase_create("store");
    tcase_add_loop_test(tc, insert_table, 0, N(insert_cases));
    tcase_add_test(tc, insert_created_ms);
    tcase_add_test(tc, merge_keeps_what_was_not_sent);
    tcase_add_test(tc, status_change_queued_once);
    tcase_add_test(tc, quiet_insert_is_no_change);
    tcase_add_test(tc, odd_status_is_live);
    tcase_add_loop_test(tc, evict_table, 0, N(evict_cases));
    tcase_add_test(tc, evict_waits_for_the_change_to_be_told);
    tcase_add_test(tc, make_mine_moves_it_first);
    tcase_add_test(tc, remove_if_and_lookup);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite_nofork(suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
