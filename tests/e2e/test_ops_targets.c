/* What the operation tracker polls besides its own ops' list, against a real catena-emulator:
 * a followed connection (the other consoles' ops too), the op a detail view watches (by id,
 * instead of the list), never two requests of one target at once, and an op the server no
 * longer returns (given up). The emulator runs frozen: its ops move only when the test pumps its
 * clock (ops_e2e.h). */
#include "ops_e2e.h"

static const char *const FROZEN[] = {EMU_FROZEN, NULL};

START_TEST(followed_connection_shows_others)
{
    fx f;
    fx_open(&f, FROZEN, false);
    ck_assert_int_eq(ops_tracker_start(f.t, NULL), 0);
    /* Another console's ops on connection 0: one succeeded, one failed, one still pending; one of
     * its ops on connection 1; ours on both (the one on 1 succeeded). Each written a millisecond
     * after the one before. */
    opref o1 = fx_write(&f, 0, "Others 1: dock 3");
    fx_advance_emu(&f, 1);
    opref o2 = fx_write(&f, 0, "FAIL-PERMANENT others 2");
    fx_advance_emu(&f, 1);
    opref mb = fx_add_write(&f, 1, "Mine on B", "mine B", NULL);
    opref done[] = {o1, o2, mb};
    fx_pump_until_done(&f, done, 3);
    fx_advance_emu(&f, 1);
    opref o3 = fx_write(&f, 0, "FAIL-TIMEOUT others 3");
    fx_advance_emu(&f, 1);
    opref ob = fx_write(&f, 1, "FAIL-TIMEOUT others on B");
    fx_advance_emu(&f, 1);
    opref ma = fx_add_write(&f, 0, "FAIL-TIMEOUT mine on A", "mine A", NULL);
    fx_tick(&f, 1000);
    ck_assert_uint_eq(ops_count(f.t), 2); /* others only for a followed connection */
    ck_assert_int_eq(ops_find(f.t, mb.id)->status, OP_SUCCESS);

    fx_clear_log(&f);
    int ch = f.changes;
    ops_tracker_follow_connection(f.t, f.conn[0]);
    fx_settle(&f); /* looked at once */
    char want[200];
    snprintf(want, sizeof want, LIST "connection_id=%s", f.conn[0]);
    ck_assert_int_eq(fx_count(&f, want), 1);
    ck_assert_int_eq(fx_count(&f, LIST), 1);
    ck_assert_uint_eq(ops_count(f.t), 5);
    ck_assert_int_eq(f.changes - ch, 3); /* newly seen */
    const char *order[] = {ma.id, mb.id, o3.id, o2.id, o1.id};
    for (int i = 0; i < 5; i++)
        ck_assert_str_eq(ops_get(f.t, (size_t)i)->id, order[i]);
    ck_assert(ops_get(f.t, 1)->mine);
    ck_assert(!ops_get(f.t, 2)->mine);
    ck_assert_int_eq(ops_find(f.t, o1.id)->status, OP_SUCCESS);
    ck_assert_int_eq(ops_find(f.t, o2.id)->status, OP_FAILED);
    ck_assert_ptr_null(ops_find(f.t, ob.id));
    ck_assert_int_eq(ops_pending_count(f.t), 2);

    /* Others that finish are reported too. */
    opref finishing[] = {o3, ma};
    fx_pump_until_done(&f, finishing, 2);
    ch = f.changes;
    fx_tick(&f, 1000);
    ck_assert_int_eq(ops_pending_count(f.t), 0);
    ck_assert_int_eq(f.changes - ch, 2);
    ck_assert_int_eq(ops_find(f.t, o3.id)->status, OP_FAILED);
    /* Nothing pending: the followed connection at the idle rate, from its newest op on. */
    ck_assert_int_eq(fx_until_next_poll(&f), 15000);
    opref late = fx_write(&f, 0, "Others, late");
    fx_clear_log(&f);
    fx_tick(&f, 14999);
    ck_assert_int_eq(fx_count(&f, LIST), 0);
    fx_tick(&f, 1);
    ck_assert_int_eq(fx_count(&f, LIST), 1);
    ck_assert_ptr_nonnull(ops_find(f.t, late.id));
    ck_assert(!ops_find(f.t, late.id)->mine);
    ck_assert_int_eq(fx_until_next_poll(&f), 1000); /* pending again */

    /* Unfollow: the others go, mine stay. */
    ops_tracker_follow_connection(f.t, NULL);
    ck_assert_uint_eq(ops_count(f.t), 2);
    ck_assert_int_eq(fx_until_next_poll(&f), -1);
    fx_close(&f);
}
END_TEST

START_TEST(detail_view_polls_its_op_by_id)
{
    fx f;
    fx_open(&f, FROZEN, false);
    ck_assert_int_eq(ops_tracker_start(f.t, NULL), 0);
    opref a = fx_add_write(&f, 0, "FAIL-PERMANENT: watched in a detail view", NULL, NULL);
    opref b = fx_write(&f, 0, "FAIL-TIMEOUT: in the list");
    char *b_answer = strdup(f.body.data); /* handed to the tracker later */
    char single[200], want[300];
    snprintf(single, sizeof single, "/v2/integrations/connections/%s/resource-operations/", f.conn[0]);
    fx_clear_log(&f);
    ops_tracker_watch_detail(f.t, a.id);
    fx_settle(&f);
    ck_assert_int_eq(fx_count(&f, single), 1);
    fx_clear_log(&f);
    fx_tick(&f, 1000);
    ck_assert_int_eq(fx_count(&f, single), 1);
    ck_assert_int_eq(fx_count(&f, LIST), 0); /* instead of the list */
    char *q = fx_last(&f, "/v2/");
    snprintf(want, sizeof want, "%s%s", single, a.id);
    ck_assert_str_eq(q, want);
    free(q);
    const op_rec *r = ops_tracker_add_response(f.t, b_answer, strlen(b_answer), NULL, NULL, NULL);
    ck_assert_int_eq(r->status, OP_PENDING);
    free(b_answer);
    fx_clear_log(&f);
    fx_tick(&f, 1000);
    ck_assert_int_eq(fx_count(&f, single), 1);
    ck_assert_int_eq(fx_count(&f, LIST), 1);
    /* The TSP rejects a. */
    fx_pump_until_done(&f, &a, 1);
    fx_tick(&f, 1000);
    r = ops_find(f.t, a.id);
    ck_assert_int_eq(r->status, OP_FAILED);
    ck_assert_int_eq(r->nlogs, 1);
    ck_assert_str_eq(r->logs[0].error_type, "validation");
    ck_assert_int_eq(r->logs[0].response_status_code, 422);
    /* Closed detail: the list alone. */
    ops_tracker_watch_detail(f.t, NULL);
    fx_clear_log(&f);
    fx_tick(&f, 1000);
    ck_assert_int_eq(fx_count(&f, single), 0);
    ck_assert_int_eq(fx_count(&f, LIST), 1);
    /* An op the server does not know: 404 is an answer, the op becomes unknown. */
    fx_restart_emulator(&f);
    snprintf(want, sizeof want, "%s%s", single, b.id);
    ops_tracker_watch_detail(f.t, b.id);
    fx_settle(&f);
    ck_assert_int_eq(fx_logged(&f, want, 404, NULL), 1);
    ck_assert_int_eq(ops_find(f.t, b.id)->status, OP_UNKNOWN);
    ops_health h;
    ops_tracker_health(f.t, &h);
    ck_assert_int_eq(h.stale_since_ms, 0);
    fx_close(&f);
}
END_TEST

START_TEST(no_overlapping_requests)
{
    fx f;
    fx_open(&f, FROZEN, false);
    ck_assert_int_eq(ops_tracker_start(f.t, NULL), 0);
    fx_add_write(&f, 0, "Pending for a while", NULL, NULL);
    fx_settle(&f);
    /* The next answer takes 300 ms (real time); the app clock runs 5 s meanwhile. */
    fx_fault(&f, "{\"route\":\"" LIST_PATH "\",\"method\":\"GET\",\"latency_ms\":300,\"count\":1}");
    loop_advance(f.l, 1000);
    for (int i = 0; i < 5; i++) {
        loop_run_once(f.l, 5);
        loop_advance(f.l, 1000);
        ops_health h;
        ops_tracker_health(f.t, &h);
        ck_assert(h.polling);
        ck_assert_uint_eq(h.requests, 1);
    }
    fx_settle(&f);
    ck_assert_int_eq(fx_count(&f, LIST), 1);
    fx_tick(&f, 1000);
    ck_assert_int_eq(fx_count(&f, LIST), 2);
    fx_close(&f);
}
END_TEST

START_TEST(vanished_op_is_given_up)
{
    fx f;
    fx_open(&f, FROZEN, false);
    ck_assert_int_eq(ops_tracker_start(f.t, NULL), 0);
    opref o = fx_add_write(&f, 0, "Soon forgotten", NULL, NULL);
    fx_restart_emulator(&f); /* the server no longer has it */
    for (int i = 0; i < 29; i++)
        fx_tick(&f, 1000);
    ck_assert_int_eq(fx_logged(&f, LIST, 200, NULL), 29);
    ck_assert_int_eq(ops_pending_count(f.t), 1);
    fx_tick(&f, 1000);
    ck_assert_int_eq(ops_pending_count(f.t), 0);
    ck_assert_str_eq(ops_get(f.t, 0)->id, o.id);
    ck_assert_int_eq(ops_get(f.t, 0)->status, OP_UNKNOWN);
    ck_assert_int_eq(f.last_old, OP_PENDING);
    fx_clear_log(&f);
    fx_tick(&f, 20000);
    ck_assert_int_eq(fx_count(&f, "/v2/"), 0);
    fx_close(&f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops_targets");
    TCase *tc = tcase_create("emulator");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, followed_connection_shows_others);
    tcase_add_test(tc, detail_view_polls_its_op_by_id);
    tcase_add_test(tc, no_overlapping_requests);
    tcase_add_test(tc, vanished_op_is_given_up);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite_nofork(suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
