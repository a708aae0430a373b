/* The operation tracker against a real catena-emulator: ops created by real writes go from 202
 * pending to their outcome (callbacks once per change, redraws only when something changed), at
 * most OPS_TICK_PAGES list requests per connection per tick whatever the number of ops (1,000
 * here), the list swept over ticks page by page, a restart that resumes polling, backoff after
 * injected 503s, a 429's retry_after honoured and the detail view's single GET. The app clock is virtual (loop_advance); the
 * emulator runs frozen (the test moves its clock) or at a --time-scale that keeps its side short.
 * Fixture: ops_e2e.h. */
#include "ops_e2e.h"

/* Ticks (with a little real time for the emulator between them) until op id is no longer
 * pending; returns the number of ticks. */
static int tick_until_done(fx *f, const char *id, int max_ticks)
{
    for (int i = 1; i <= max_ticks; i++) {
        loop_run_once(f->l, 30);
        fx_tick(f, 1000);
        if (ops_find(f->t, id)->status != OP_PENDING)
            return i;
    }
    ck_abort_msg("op %s still pending after %d ticks", id, max_ticks);
    return -1;
}

static void open_started(fx *f, const char *time_scale, bool journal)
{
    const char *args[] = {"--time-scale", time_scale, NULL};
    fx_open(f, args, journal);
    ck_assert_int_eq(ops_tracker_start(f->t, NULL), 0);
}

START_TEST(op_goes_from_pending_to_success)
{
    fx f;
    open_started(&f, "0.1", false);
    /* The simulated TSP fails this one twice (503), then takes it. */
    opref o = fx_add_write(&f, 0, "FAIL-TRANSIENT: Load 4471 ready at dock 3", "Message to driver", f.driver[0]);
    ck_assert_int_eq(f.changes, 1);
    ck_assert_int_eq(f.last_old, OP_UNKNOWN);
    ck_assert_int_eq(ops_pending_count(f.t), 1);
    tick_until_done(&f, o.id, 200);
    const op_rec *r = ops_find(f.t, o.id);
    ck_assert_int_eq(r->status, OP_SUCCESS);
    ck_assert_int_eq(f.changes, 2); /* added, then pending -> success: once */
    ck_assert_int_eq(f.last_old, OP_PENDING);
    ck_assert_int_eq(f.last_new, OP_SUCCESS);
    ck_assert_ptr_nonnull(r->resource_id);
    ck_assert_ptr_nonnull(r->source_id);
    ck_assert_ptr_nonnull(r->source_name);
    ck_assert_int_eq(r->nlogs, 3);
    ck_assert_str_eq(r->logs[0].status, "failed");
    ck_assert_int_eq(r->logs[0].response_status_code, 503);
    ck_assert_str_eq(r->logs[2].status, "success");
    ck_assert_str_eq(r->label, "Message to driver");
    ck_assert_int_eq(ops_pending_count(f.t), 0);
    /* Done: no more polling, no more callbacks. */
    fx_clear_log(&f);
    int ch = f.changes, d = f.dirties;
    for (int i = 0; i < 20; i++)
        fx_tick(&f, 1000);
    ck_assert_int_eq(fx_count(&f, LIST_PATH), 0);
    ck_assert_int_eq(f.changes, ch);
    ck_assert_int_eq(f.dirties, d);
    fx_close(&f);
}
END_TEST

START_TEST(pending_to_success_fires_once)
{
    const char *args[] = {EMU_FROZEN, NULL};
    fx f;
    fx_open(&f, args, false);
    ck_assert_int_eq(ops_tracker_start(f.t, NULL), 0);
    fx_clear_log(&f);
    opref o = fx_add_write(&f, 0, "FAIL-TRANSIENT: Load 4471 ready at dock 3", "Message to Jos\xc3\xa9 Mu\xc3\xb1oz",
                           f.driver[0]);
    const op_rec *r = ops_find(f.t, o.id);
    ck_assert(r->mine);
    ck_assert_int_eq(r->status, OP_PENDING);
    ck_assert_str_eq(r->label, "Message to Jos\xc3\xa9 Mu\xc3\xb1oz");
    ck_assert_str_eq(r->target_id, f.driver[0]);
    ck_assert_ptr_null(r->source_name); /* a write's answer has none */
    ck_assert_int_eq(f.changes, 1);
    ck_assert_int_eq(f.last_old, OP_UNKNOWN);
    ck_assert_int_eq(f.dirties, 1);
    ck_assert_int_eq(ops_pending_count(f.t), 1);
    ck_assert_int_eq(fx_until_next_poll(&f), 1000);

    fx_tick(&f, 999);
    ck_assert_int_eq(fx_count(&f, LIST), 0);
    fx_tick(&f, 1);
    ck_assert_int_eq(fx_count(&f, LIST), 1);
    /* connection_id + from_datetime = created_at - 2 min, URL-encoded, + size=OPS_PAGE_SIZE */
    char *q = fx_last(&f, "/v2/");
    char from[64], want[300];
    fx_want_from(ops_find(f.t, o.id)->created_at, from);
    snprintf(want, sizeof want, LIST "connection_id=%s&from_datetime=%s&size=%d", f.conn[0], from, OPS_PAGE_SIZE);
    ck_assert_str_eq(q, want);
    free(q);
    /* The list brought source_name (the write response had none): one redraw, no change. */
    ck_assert_int_eq(f.changes, 1);
    ck_assert_int_eq(f.dirties, 2);
    ck_assert_str_eq(ops_find(f.t, o.id)->source_name, "samsara");

    /* Idle ticks: still pending, nothing new: no callback at all. */
    for (int i = 0; i < 3; i++)
        fx_tick(&f, 1000);
    ck_assert_int_eq(fx_count(&f, LIST), 4);
    ck_assert_int_eq(f.changes, 1);
    ck_assert_int_eq(f.dirties, 2);

    /* The TSP answers 503 twice, then takes it. */
    fx_pump_until_done(&f, &o, 1);
    fx_tick(&f, 1000);
    ck_assert_int_eq(f.changes, 2);
    ck_assert_int_eq(f.last_old, OP_PENDING);
    ck_assert_int_eq(f.last_new, OP_SUCCESS);
    ck_assert_int_eq(f.dirties, 3);
    r = ops_find(f.t, o.id);
    ck_assert_int_eq(r->status, OP_SUCCESS);
    ck_assert_ptr_nonnull(r->resource_id);
    ck_assert_int_eq(strlen(r->resource_id), 36);
    ck_assert_ptr_nonnull(r->source_id);
    ck_assert_int_eq(r->nlogs, 3);
    ck_assert_str_eq(r->logs[0].status, "failed");
    ck_assert_int_eq(r->logs[0].response_status_code, 503);
    ck_assert_int_eq(r->logs[1].response_status_code, 503);
    ck_assert_str_eq(r->logs[2].status, "success");
    ck_assert_int_eq(r->logs[2].response_status_code, 201);
    ck_assert_str_eq(r->label, "Message to Jos\xc3\xa9 Mu\xc3\xb1oz"); /* kept across updates */
    ck_assert_int_eq(ops_pending_count(f.t), 0);
    ck_assert_int_eq(r->changed_at_ms, loop_now_ms(f.l));

    /* Nothing pending, nothing followed: no polling at all. */
    fx_clear_log(&f);
    for (int i = 0; i < 60; i++)
        fx_tick(&f, 1000);
    ck_assert_int_eq(fx_count(&f, "/v2/"), 0);
    ck_assert_int_eq(fx_until_next_poll(&f), -1);
    ck_assert_int_eq(f.changes, 2);
    ck_assert_int_eq(f.dirties, 3);
    ops_health h;
    ops_tracker_health(f.t, &h);
    ck_assert_uint_eq(h.requests, 5);
    ck_assert(!h.polling && !h.offline);
    ck_assert_int_eq(h.stale_since_ms, 0);
    ck_assert_int_gt(h.last_ok_ms, 0);
    fx_close(&f);
}
END_TEST

/* Poll requests (from the emulator's log and the client's counter) over three ticks. */
static int requests_over_three_ticks(fx *f, uint64_t *client_count)
{
    fx_clear_log(f);
    uint64_t before = http_requests_started(f->h);
    for (int i = 0; i < 3; i++)
        fx_tick(f, 1000);
    *client_count = http_requests_started(f->h) - before;
    return fx_logged(f, LIST_PATH, 200, NULL);
}

START_TEST(one_or_a_hundred_ops_cost_the_same_requests)
{
    fx f;
    open_started(&f, "1", false); /* real time: FAIL-TIMEOUT ops stay pending for a while */
    fx_add_write(&f, 0, "FAIL-TIMEOUT first", NULL, NULL);
    fx_tick(&f, 1000);
    uint64_t c1, c100;
    int one = requests_over_three_ticks(&f, &c1);
    ck_assert_int_eq(ops_pending_count(f.t), 1);
    for (int i = 0; i < 99; i++) {
        char text[64];
        snprintf(text, sizeof text, "FAIL-TIMEOUT number %d", i + 2);
        fx_add_write(&f, 0, text, NULL, NULL);
    }
    fx_tick(&f, 1000);
    int hundred = requests_over_three_ticks(&f, &c100);
    ck_assert_int_eq(ops_pending_count(f.t), 100);
    ck_assert_int_eq(one, 3);
    ck_assert_int_eq(hundred, one);
    ck_assert_uint_eq(c1, 3);
    ck_assert_uint_eq(c100, c1);
    fx_close(&f);
}
END_TEST

START_TEST(one_list_per_connection_per_tick_for_1000_ops)
{
    /* 600 ops on one connection, 400 on another. The first 500 written are to finish (every
     * other one fails validation at the TSP); the last 500 time out at the TSP on every attempt,
     * so they stay pending. The emulator is frozen: nothing moves until the test pumps it, and
     * its two workers take the ops in the order they were written. */
    const char *args[] = {EMU_FROZEN, NULL};
    fx f;
    fx_open(&f, args, false);
    ck_assert_int_eq(ops_tracker_start(f.t, NULL), 0);
    static int conns[1000];
    static char *texts[1000];
    static opref ops[1000];
    for (int i = 0; i < 1000; i++) {
        int g = i % 500;
        conns[i] = g < 300 ? 0 : 1;
        char t[80];
        snprintf(t, sizeof t, "%sLoad %d", i >= 500 ? "FAIL-TIMEOUT " : g % 2 ? "FAIL-PERMANENT " : "", i);
        texts[i] = strdup(t);
    }
    /* Twenty at a time, each batch a millisecond later on the emulator's clock (well inside the
     * TSPs' latency, so no attempt ends meanwhile): the ops span several creation times. */
    for (int b = 0; b < 1000; b += 20) {
        fx_write_batch(&f, 20, conns + b, texts + b, true, ops + b);
        fx_advance_emu(&f, 1);
    }
    for (int i = 0; i < 1000; i++)
        free(texts[i]);
    ck_assert_uint_eq(ops_count(f.t), 1000);
    ck_assert_int_eq(ops_pending_count(f.t), 1000);
    /* A round sweeps connection 0 (600 ops: 6 pages and the overlaps, 4 ticks) and connection 1 (400:
     * 3 ticks); source_name arrives for all. Every tick asks at most OPS_TICK_PAGES pages of each. */
    for (int i = 0; i < 5; i++) {
        fx_clear_log(&f);
        fx_tick(&f, 1000);
        ck_assert_int_le(fx_count(&f, LIST), 2 * OPS_TICK_PAGES);
        ck_assert_int_eq(fx_count(&f, "/v2/"), fx_count(&f, LIST));
    }
    for (int round = 0; round < 3; round++) {
        fx_clear_log(&f);
        int dirt = f.dirties, ch = f.changes;
        int64_t t0 = loop_real_now_ms();
        fx_tick(&f, 1000);
        int64_t took = loop_real_now_ms() - t0;
        int n = fx_count(&f, LIST);
        ck_assert_int_le(n, 2 * OPS_TICK_PAGES); /* where a round ends, a tick may ask one page */
        ck_assert_int_ge(n, 2);
        ck_assert_int_eq(fx_count(&f, "/v2/"), n);
        ck_assert_int_eq(f.dirties, dirt);
        ck_assert_int_eq(f.changes, ch);
        ck_assert_msg(took < 3000, "a tick over 1000 ops took %lld ms", (long long)took);
    }
    /* The first 500 finish on the server (250 succeed, 250 fail), all between two ticks; the sweep
     * finds them within one round (three ticks), one redraw per answer at most. */
    fx_pump_until_done(&f, ops, 500);
    int ch = f.changes, dirt = f.dirties, asked = 0;
    for (int i = 0; i < 4 && f.changes - ch < 500; i++) {
        fx_clear_log(&f);
        fx_tick(&f, 1000);
        int n = fx_count(&f, LIST);
        ck_assert_int_le(n, 2 * OPS_TICK_PAGES);
        asked += n;
    }
    ck_assert_int_eq(f.changes - ch, 500);
    ck_assert_int_le(f.dirties - dirt, asked);
    ck_assert_int_ge(f.dirties - dirt, 1);
    ck_assert_int_eq(ops_pending_count(f.t), 500);
    int ok = 0, failed = 0;
    for (int i = 0; i < 500; i++) {
        op_status s = ops_find(f.t, ops[i].id)->status;
        ok += s == OP_SUCCESS;
        failed += s == OP_FAILED;
    }
    ck_assert_int_eq(ok, 250);
    ck_assert_int_eq(failed, 250);
    /* Display order: newest first (to the millisecond, the tracker's resolution). */
    for (size_t i = 1; i < ops_count(f.t); i++) {
        const char *a = ops_get(f.t, i - 1)->created_at, *b = ops_get(f.t, i)->created_at;
        ck_assert_msg(strncmp(a, b, 23) >= 0, "%s listed before %s", a, b);
    }
    ck_assert_str_ne(ops_get(f.t, 0)->created_at, ops_get(f.t, 999)->created_at);
    fx_close(&f);
}
END_TEST

START_TEST(next_pages_are_followed)
{
    /* 2,001 ops on one connection, OPS_PAGE_SIZE a page: a round of the list needs 21 pages, swept
     * OPS_TICK_PAGES a tick. The tracker follows seven of them, spread over the pages; the others
     * are another console's. */
    const char *args[] = {EMU_FAST, NULL};
    fx f;
    fx_open(&f, args, false);
    ck_assert_int_eq(ops_tracker_start(f.t, NULL), 0);
    static const int mine_at[] = {0, 500, 999, 1000, 1500, 1999, 2000};
    static int conns[1000];
    static char *texts[1000];
    for (int i = 0; i < 1000; i++)
        texts[i] = "Another console's message";
    opref mine[7];
    int written = 0;
    for (int m = 0; m < 7; m++) {
        int gap = mine_at[m] - written;
        if (gap > 0)
            fx_write_batch(&f, gap, conns, texts, false, NULL);
        char text[40];
        snprintf(text, sizeof text, "Mine, number %d", m + 1);
        mine[m] = fx_add_write(&f, 0, text, NULL, NULL);
        written = mine_at[m] + 1;
    }
    fx_drain(&f); /* all of them succeeded on the server */
    char first[300], prev_from[64] = "";
    snprintf(first, sizeof first, LIST "connection_id=%s&from_datetime=", f.conn[0]);
    int ticks = 0;
    while (ops_pending_count(f.t) > 0) {
        ck_assert_int_lt(ticks++, 12);
        fx_clear_log(&f);
        fx_tick(&f, 1000);
        char **q;
        int n = fx_logged(&f, LIST, 0, &q);
        ck_assert_int_ge(n, 1);
        ck_assert_int_le(n, OPS_TICK_PAGES);
        for (int i = 0; i < n; i++)
            ck_assert_msg(strncmp(q[i], first, strlen(first)) == 0, "%s", q[i]);
        /* A tick starts where the last one stopped (created_at, inclusive): never further back. */
        char from[64];
        snprintf(from, sizeof from, "%.40s", q[0] + strlen(first));
        *strchr(from, '&') = '\0';
        ck_assert_msg(strcmp(from, prev_from) >= 0, "tick %d went back: %s < %s", ticks, from, prev_from);
        snprintf(prev_from, sizeof prev_from, "%s", from);
        /* Its second page is asked with the cursor the first handed out. */
        if (n == 2) {
            cJSON *page = fx_get_json(&f, q[0]);
            const cJSON *np = cJSON_GetObjectItem(page, "next_page");
            ck_assert(cJSON_IsString(np));
            strbuf p = STRBUF_INIT;
            strbuf_puts(&p, "&cursor=");
            strbuf_put_urlencoded(&p, np->valuestring);
            ck_assert_msg(strstr(q[1], p.data), "%s lacks %s", q[1], p.data);
            strbuf_free(&p);
            cJSON_Delete(page);
        }
        fx_free_targets(q);
    }
    ck_assert_int_ge(ticks, 2); /* the last of mine is past the first tick's pages */
    ck_assert_int_eq(f.changes, 14); /* 7 added, 7 succeeded */
    for (int m = 0; m < 7; m++)
        ck_assert_int_eq(ops_find(f.t, mine[m].id)->status, OP_SUCCESS);
    fx_close(&f);
}
END_TEST

START_TEST(a_restart_shows_the_ops_and_resumes_polling)
{
    fx f;
    open_started(&f, "0.1", true);
    opref quick = fx_add_write(&f, 0, "quick one", "Message 1", f.driver[0]);
    opref slow = fx_add_write(&f, 0, "FAIL-TIMEOUT: slow one", "Message 2", f.driver[0]);
    tick_until_done(&f, quick.id, 200);
    ck_assert_int_eq(ops_find(f.t, slow.id)->status, OP_PENDING);
    ck_assert(fx_exists(f.journal));

    /* Quit while the slow one is pending; start again. */
    ops_tracker_free(f.t);
    fx_clear_log(&f);
    f.t = fx_tracker(&f, true);
    f.changes = f.dirties = 0;
    char *err = NULL;
    ck_assert_int_eq(ops_tracker_start(f.t, &err), 0);
    ck_assert_ptr_null(err);
    ck_assert_uint_eq(ops_count(f.t), 2);
    ck_assert_str_eq(ops_get(f.t, 0)->id, slow.id); /* newest first */
    ck_assert_str_eq(ops_get(f.t, 0)->label, "Message 2");
    ck_assert_str_eq(ops_find(f.t, quick.id)->label, "Message 1");
    ck_assert_int_eq(ops_find(f.t, quick.id)->status, OP_SUCCESS);
    ck_assert_str_eq(ops_find(f.t, quick.id)->target_id, f.driver[0]);
    ck_assert_int_eq(ops_pending_count(f.t), 1);
    ck_assert_int_eq(f.changes, 0);
    fx_settle(&f);
    ck_assert_int_ge(fx_logged(&f, LIST_PATH, 200, NULL), 1); /* polled at once */
    tick_until_done(&f, slow.id, 300);
    ck_assert_int_eq(ops_find(f.t, slow.id)->status, OP_FAILED);
    ck_assert_int_eq(ops_find(f.t, slow.id)->nlogs, 5);
    ck_assert_int_eq(f.changes, 1);
    ck_assert_int_eq(f.last_old, OP_PENDING);
    fx_close(&f);
}
END_TEST

START_TEST(backs_off_after_503s_and_recovers)
{
    fx f;
    open_started(&f, "1", false);
    fx_fault(&f, "{\"route\":\"" LIST_PATH "\",\"method\":\"GET\",\"kind\":\"status\",\"status\":503,\"count\":3}");
    fx_add_write(&f, 0, "FAIL-TIMEOUT backoff", NULL, NULL);
    fx_clear_log(&f);
    fx_tick(&f, 1000);
    ops_health h;
    ops_tracker_health(f.t, &h);
    int64_t first = loop_now_ms(f.l);
    ck_assert_int_eq(h.stale_since_ms, first);
    ck_assert(!h.offline);
    ck_assert_msg(strstr(h.last_error, "503"), "%s", h.last_error);
    int64_t base = 2000;
    for (int i = 0; i < 3; i++) {
        int64_t d = fx_until_next_poll(&f);
        ck_assert_msg(d >= base * 8 / 10 && d <= base * 12 / 10, "wait %lld after failure %d", (long long)d, i + 1);
        fx_tick(&f, d - 1);
        ck_assert_int_eq(fx_count(&f, LIST_PATH), i + 1); /* nothing sooner */
        fx_tick(&f, 1);
        base *= 2;
    }
    ck_assert_int_eq(fx_logged(&f, LIST_PATH, 503, NULL), 3);
    ck_assert_int_eq(fx_logged(&f, LIST_PATH, 200, NULL), 1);
    ops_tracker_health(f.t, &h);
    ck_assert_int_eq(h.stale_since_ms, 0);
    ck_assert_str_eq(h.last_error, "");
    ck_assert_int_eq(h.last_ok_ms, loop_now_ms(f.l));
    ck_assert_int_eq(fx_until_next_poll(&f), 1000);
    fx_close(&f);
}
END_TEST

START_TEST(rate_limit_retry_after_is_honoured)
{
    fx f;
    open_started(&f, "1", false);
    fx_fault(&f, "{\"route\":\"" LIST_PATH "\",\"method\":\"GET\",\"kind\":\"rate_limit\",\"retry_after_seconds\":4,"
                 "\"count\":1}");
    fx_add_write(&f, 0, "FAIL-TIMEOUT rate limited", NULL, NULL);
    fx_clear_log(&f);
    fx_tick(&f, 1000);
    ck_assert_int_eq(fx_logged(&f, LIST_PATH, 429, NULL), 1);
    ck_assert_int_eq(fx_until_next_poll(&f), 4000);
    ops_health h;
    ops_tracker_health(f.t, &h);
    ck_assert_int_gt(h.stale_since_ms, 0);
    ck_assert(!h.offline);
    fx_tick(&f, 3999);
    ck_assert_int_eq(fx_count(&f, LIST_PATH), 1);
    fx_tick(&f, 1);
    ck_assert_int_eq(fx_logged(&f, LIST_PATH, 200, NULL), 1);
    ops_tracker_health(f.t, &h);
    ck_assert_int_eq(h.stale_since_ms, 0);
    fx_close(&f);
}
END_TEST

START_TEST(detail_view_uses_the_single_get)
{
    fx f;
    open_started(&f, "1", false);
    opref o = fx_add_write(&f, 0, "FAIL-TIMEOUT watched", NULL, NULL);
    char path[200];
    snprintf(path, sizeof path, "/v2/integrations/connections/%s/resource-operations/%s", f.conn[0], o.id);
    ops_tracker_watch_detail(f.t, o.id);
    fx_settle(&f);
    fx_clear_log(&f);
    fx_tick(&f, 1000);
    fx_tick(&f, 1000);
    ck_assert_int_eq(fx_logged(&f, path, 200, NULL), 2);
    ck_assert_int_eq(fx_count(&f, LIST_PATH), 0);
    ops_tracker_watch_detail(f.t, NULL);
    fx_tick(&f, 1000);
    ck_assert_int_eq(fx_logged(&f, LIST_PATH, 200, NULL), 1);
    fx_close(&f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops_tracker");
    TCase *tc = tcase_create("emulator");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, op_goes_from_pending_to_success);
    tcase_add_test(tc, pending_to_success_fires_once);
    tcase_add_test(tc, one_or_a_hundred_ops_cost_the_same_requests);
    tcase_add_test(tc, one_list_per_connection_per_tick_for_1000_ops);
    tcase_add_test(tc, next_pages_are_followed);
    tcase_add_test(tc, a_restart_shows_the_ops_and_resumes_polling);
    tcase_add_test(tc, backs_off_after_503s_and_recovers);
    tcase_add_test(tc, rate_limit_retry_after_is_honoured);
    tcase_add_test(tc, detail_view_uses_the_single_get);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite_nofork(suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
