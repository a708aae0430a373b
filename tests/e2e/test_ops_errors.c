/* The operation tracker when polling fails, against a real catena-emulator and its fault
 * injection (POST /_emulator/faults on the list route): backoff with seeded jitter and recovery,
 * the five-minute cap, 429's retry_after (header or body), network errors (offline), a server
 * that is gone, and answers that cannot be read. The emulator runs frozen, so the op stays
 * pending whatever the tracker's clock does (ops_e2e.h). */
#include "ops_e2e.h"

static const char *const FROZEN[] = {EMU_FROZEN, NULL};

static void open_with_pending_op(fx *f)
{
    fx_open(f, FROZEN, false);
    ck_assert_int_eq(ops_tracker_start(f->t, NULL), 0);
    fx_add_write(f, 0, "Load 4471 ready at dock 3", NULL, NULL);
}

START_TEST(errors_back_off_with_jitter_then_recover)
{
    int64_t seen[2][6];
    for (int run = 0; run < 2; run++) {
        fx f;
        open_with_pending_op(&f);
        fx_fault(&f, "{\"route\":\"" LIST_PATH "\",\"method\":\"GET\",\"kind\":\"status\",\"status\":503,\"count\":5}");
        int dirt = f.dirties;
        int64_t first = loop_now_ms(f.l) + 1000;
        int64_t d = fx_poll_once(&f);
        ops_health h;
        ops_tracker_health(f.t, &h);
        ck_assert_int_eq(h.stale_since_ms, first);
        ck_assert(!h.offline);
        ck_assert_msg(strstr(h.last_error, "503"), "%s", h.last_error);
        ck_assert_int_eq(f.dirties, dirt + 1); /* the stale marker appears */
        int64_t base = 2000;
        for (int i = 0; i < 5; i++) {
            seen[run][i] = d;
            ck_assert_msg(d >= base * 8 / 10 && d <= base * 12 / 10, "failure %d: waited %lld, base %lld", i + 1,
                          (long long)d, (long long)base);
            base *= 2;
            if (i < 4)
                d = fx_poll_once(&f);
        }
        ops_tracker_health(f.t, &h);
        ck_assert_int_eq(h.stale_since_ms, first); /* the first failure */
        ck_assert_int_eq(f.dirties, dirt + 1);     /* same error text: no redraws while failing */
        ck_assert_int_eq(fx_logged(&f, LIST, 503, NULL), 5);
        /* Recovery: stale cleared, normal rate again. */
        d = fx_poll_once(&f);
        seen[run][5] = d;
        ck_assert_int_eq(d, 1000);
        ck_assert_int_eq(fx_logged(&f, LIST, 200, NULL), 1);
        ops_tracker_health(f.t, &h);
        ck_assert_int_eq(h.stale_since_ms, 0);
        ck_assert_str_eq(h.last_error, "");
        ck_assert_int_eq(h.last_ok_ms, loop_now_ms(f.l));
        ck_assert_int_eq(f.dirties, dirt + 2);
        fx_close(&f);
    }
    /* Seeded: the same jitter every run; and it does jitter. */
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(seen[0][i], seen[1][i]);
    ck_assert(seen[0][0] != 2000 || seen[0][1] != 4000 || seen[0][2] != 8000);
}
END_TEST

START_TEST(backoff_is_capped_at_five_minutes)
{
    fx f;
    open_with_pending_op(&f);
    fx_fault(&f, "{\"route\":\"" LIST_PATH "\",\"method\":\"GET\",\"kind\":\"status\",\"status\":500,\"count\":12}");
    fx_tick(&f, 1000);
    int64_t d = 0;
    for (int i = 0; i < 11; i++)
        d = fx_poll_once(&f);
    ck_assert_int_le(d, 300000);
    ck_assert_int_ge(d, 240000);
    ck_assert_int_eq(fx_logged(&f, LIST, 500, NULL), 12);
    ops_health h;
    ops_tracker_health(f.t, &h);
    ck_assert_uint_eq(h.requests, 12);
    ck_assert_msg(strstr(h.last_error, "500"), "%s", h.last_error);
    fx_close(&f);
}
END_TEST

START_TEST(rate_limit_waits_for_retry_after)
{
    fx f;
    open_with_pending_op(&f);
    /* Retry-After header and body; the body alone; a body that says 0. */
    fx_fault(&f, "{\"route\":\"" LIST_PATH "\",\"method\":\"GET\",\"kind\":\"rate_limit\",\"retry_after_seconds\":7,"
                 "\"count\":1}");
    fx_fault(&f, "{\"route\":\"" LIST_PATH "\",\"method\":\"GET\",\"kind\":\"rate_limit\",\"retry_after_seconds\":30,"
                 "\"retry_after_header\":0,\"count\":1}");
    fx_fault(&f, "{\"route\":\"" LIST_PATH "\",\"method\":\"GET\",\"kind\":\"rate_limit\",\"retry_after_seconds\":0,"
                 "\"retry_after_header\":0,\"count\":1}");
    fx_tick(&f, 1000);
    ck_assert_int_eq(fx_until_next_poll(&f), 7000);
    ops_health h;
    ops_tracker_health(f.t, &h);
    ck_assert(!h.offline);
    ck_assert_int_gt(h.stale_since_ms, 0);
    ck_assert_msg(strstr(h.last_error, "429"), "%s", h.last_error);
    ck_assert_int_eq(fx_poll_once(&f), 30000); /* body only */
    ck_assert_int_eq(fx_poll_once(&f), 1000);  /* never sooner than the normal interval */
    ck_assert_int_eq(fx_poll_once(&f), 1000);  /* and recovered */
    ck_assert_int_eq(fx_logged(&f, LIST, 429, NULL), 3);
    ops_tracker_health(f.t, &h);
    ck_assert_int_eq(h.stale_since_ms, 0);
    fx_close(&f);
}
END_TEST

START_TEST(network_errors_mark_offline)
{
    fx f;
    open_with_pending_op(&f);
    /* Two answers cut off mid-body (the connection closes before Content-Length bytes). */
    fx_fault(&f, "{\"route\":\"" LIST_PATH "\",\"method\":\"GET\",\"kind\":\"truncated\",\"count\":2}");
    fx_tick(&f, 1000);
    ops_health h;
    ops_tracker_health(f.t, &h);
    ck_assert(h.offline);
    ck_assert_int_eq(h.stale_since_ms, loop_now_ms(f.l));
    ck_assert_msg(strstr(h.last_error, "Network error"), "%s", h.last_error);
    int64_t d = fx_poll_once(&f);
    ck_assert_int_ge(d, 3200);
    ck_assert_int_le(d, 4800);
    ops_tracker_health(f.t, &h);
    ck_assert(h.offline);
    fx_poll_once(&f);
    ops_tracker_health(f.t, &h);
    ck_assert(!h.offline);
    ck_assert_int_eq(h.stale_since_ms, 0);
    ck_assert_uint_eq(h.requests, 3);
    fx_close(&f);
}
END_TEST

START_TEST(unreachable_server_is_offline)
{
    fx f;
    open_with_pending_op(&f);
    emu_stop(&f.emu); /* nothing listens on its port any more */
    fx_tick(&f, 1000);
    ops_health h;
    ops_tracker_health(f.t, &h);
    ck_assert(h.offline);
    ck_assert_int_gt(h.stale_since_ms, 0);
    ck_assert_msg(strstr(h.last_error, "Network error"), "%s", h.last_error);
    ck_assert_uint_eq(h.requests, 1);
    ck_assert_int_eq(ops_pending_count(f.t), 1);
    fx_close(&f);
}
END_TEST

START_TEST(malformed_answers_are_errors)
{
    fx f;
    open_with_pending_op(&f);
    /* Invalid JSON; valid JSON that is not a page (an error body with 200); a page whose items
     * are not operations. */
    fx_fault(&f, "{\"route\":\"" LIST_PATH "\",\"method\":\"GET\",\"kind\":\"malformed\",\"count\":1}");
    fx_fault(&f, "{\"route\":\"" LIST_PATH "\",\"method\":\"GET\",\"kind\":\"status\",\"status\":200,\"count\":1}");
    fx_fault(&f, "{\"route\":\"" LIST_PATH "\",\"method\":\"GET\",\"kind\":\"bad_items\",\"count\":1}");
    fx_tick(&f, 1000);
    ops_health h;
    ops_tracker_health(f.t, &h);
    ck_assert_msg(strstr(h.last_error, "ould not read") && strstr(h.last_error, "malformed JSON"), "%s",
                  h.last_error);
    ck_assert_int_gt(h.stale_since_ms, 0);
    fx_poll_once(&f);
    ops_tracker_health(f.t, &h);
    ck_assert_msg(strstr(h.last_error, "'items'"), "%s", h.last_error);
    fx_poll_once(&f); /* readable page with unreadable items: skipped, not a failure */
    ops_tracker_health(f.t, &h);
    ck_assert_int_eq(h.stale_since_ms, 0);
    ck_assert_str_eq(h.last_error, "");
    ck_assert_int_eq(ops_pending_count(f.t), 1);
    ck_assert_int_eq(fx_logged(&f, LIST, 200, NULL), 3);
    fx_close(&f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops_errors");
    TCase *tc = tcase_create("emulator");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, errors_back_off_with_jitter_then_recover);
    tcase_add_test(tc, backoff_is_capped_at_five_minutes);
    tcase_add_test(tc, rate_limit_waits_for_retry_after);
    tcase_add_test(tc, network_errors_mark_offline);
    tcase_add_test(tc, unreachable_server_is_offline);
    tcase_add_test(tc, malformed_answers_are_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite_nofork(suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
