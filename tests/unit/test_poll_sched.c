/* Unit tests of core/poll_sched.c, the timing the operation tracker and the inbox share: due
 * times, kicks, backoff with jitter and its cap, Retry-After never sooner than the interval, stale
 * marks, and the one timer. On a virtual clock. */
#include "core/loop.h"
#include "core/poll_sched.h"

#include <check.h>
#include <stdlib.h>

START_TEST(test_backoff_grows_with_jitter_and_is_capped)
{
    loop *l = loop_new();
    loop_set_virtual_clock(l, true);
    poll_rng r = {0};
    for (int fails = 0; fails < 12; fails++) {
        int64_t base = 1000;
        for (int i = 0; i < fails && base < POLL_BACKOFF_CAP_MS; i++)
            base *= 2;
        for (int k = 0; k < 50; k++) {
            int64_t d = poll_backoff_ms(&r, l, 1000, fails);
            int64_t lo = (int64_t)(base * (1 - POLL_JITTER)) - 1;
            ck_assert_int_ge(d, lo < POLL_BACKOFF_CAP_MS ? lo : POLL_BACKOFF_CAP_MS);
            ck_assert_int_le(d, (int64_t)(base * (1 + POLL_JITTER)) + 1);
            ck_assert_int_le(d, POLL_BACKOFF_CAP_MS);
        }
    }
    /* Jitter: not the same delay every time; the same sequence for the same seed (virtual clock). */
    poll_rng a = {0}, b = {0};
    int64_t first = poll_backoff_ms(&a, l, 1000, 3), differs = 0;
    ck_assert_int_eq(first, poll_backoff_ms(&b, l, 1000, 3));
    for (int k = 0; k < 20; k++)
        differs += poll_backoff_ms(&a, l, 1000, 3) != first;
    ck_assert_int_gt(differs, 0);
    loop_free(l);
}
END_TEST

START_TEST(test_slot_due_times)
{
    poll_slot s = {0};
    int64_t next = INT64_MAX;
    ck_assert(!poll_slot_step(&s, 1000, 0, &next)); /* nothing to poll */
    ck_assert_int_eq(next, INT64_MAX);
    s.active = true;
    ck_assert(!poll_slot_step(&s, 1000, 500, &next)); /* activated: an interval from now */
    ck_assert_int_eq(next, 1500);
    ck_assert(poll_slot_step(&s, 1000, 1500, &next));
    s.busy = true;
    next = INT64_MAX;
    ck_assert(!poll_slot_step(&s, 1000, 5000, &next)); /* in flight: never twice */
    ck_assert_int_eq(next, INT64_MAX);
    s.busy = false;
    poll_slot_ok(&s, 1600);
    ck_assert(!poll_slot_step(&s, 1000, 2000, &next));
    ck_assert_int_eq(next, 2600);
    s.kick = true;
    ck_assert(poll_slot_step(&s, 1000, 2000, &next)); /* kicked: at once */
}
END_TEST

START_TEST(test_failures_backoff_retry_after_and_stale)
{
    loop *l = loop_new();
    loop_set_virtual_clock(l, true);
    poll_rng r = {0};
    poll_slot s = {.active = true, .was_active = true};
    poll_slot_failed(&s, &r, l, 1000, false, -1, 10000);
    ck_assert_int_eq(s.fails, 1);
    ck_assert_int_eq(s.stale_since_ms, 10000);
    ck_assert(s.backoff_due_ms >= 10000 + 1600 && s.backoff_due_ms <= 10000 + 2400);
    poll_slot_failed(&s, &r, l, 1000, false, -1, 12000);
    ck_assert_int_eq(s.stale_since_ms, 10000); /* stale since the first failure */
    int64_t next = INT64_MAX;
    ck_assert(!poll_slot_step(&s, 1000, 12001, &next));
    ck_assert_int_eq(next, s.backoff_due_ms);
    /* A 429 waits for its Retry-After, never less than the interval. */
    poll_slot_failed(&s, &r, l, 1000, true, 5, 20000);
    ck_assert_int_eq(s.backoff_due_ms, 25000);
    poll_slot_failed(&s, &r, l, 1000, true, 0, 30000);
    ck_assert_int_eq(s.backoff_due_ms, 31000);
    poll_slot_ok(&s, 31000);
    ck_assert_int_eq(s.fails, 0);
    ck_assert_int_eq(s.stale_since_ms, 0);
    /* Nothing left to poll: nothing stale either. */
    poll_slot_failed(&s, &r, l, 1000, false, -1, 40000);
    s.active = false;
    ck_assert(!poll_slot_step(&s, 1000, 40001, &next));
    ck_assert_int_eq(s.stale_since_ms, 0);
    ck_assert_int_eq(s.fails, 0);
    loop_free(l);
}
END_TEST

static int fired;
static void on_fire(void *ud)
{
    poll_timer_fired(ud);
    fired++;
}

START_TEST(test_one_timer_at_the_earliest_due_time)
{
    loop *l = loop_new();
    loop_set_virtual_clock(l, true);
    poll_timer t = {0};
    fired = 0;
    poll_timer_arm(&t, l, 5000, 0, on_fire, &t);
    uint64_t id = t.id;
    poll_timer_arm(&t, l, 5000, 0, on_fire, &t); /* the same due time: kept */
    ck_assert_uint_eq(t.id, id);
    poll_timer_arm(&t, l, 3000, 0, on_fire, &t); /* earlier: moved */
    ck_assert_int_eq(loop_timer_next_ms(l, LOOP_CLOCK_APP), 3000);
    loop_advance(l, 2999);
    ck_assert_int_eq(fired, 0);
    loop_advance(l, 1);
    ck_assert_int_eq(fired, 1);
    ck_assert_uint_eq(t.id, 0);
    poll_timer_arm(&t, l, 4000, 3000, on_fire, &t);
    poll_timer_arm(&t, l, INT64_MAX, 3000, on_fire, &t); /* nothing due: none */
    ck_assert_uint_eq(t.id, 0);
    loop_advance(l, 5000);
    ck_assert_int_eq(fired, 1);
    poll_timer_cancel(&t, l);
    loop_free(l);
}
END_TEST

static Suite *sched_suite(void)
{
    Suite *s = suite_create("poll_sched");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_backoff_grows_with_jitter_and_is_capped);
    tcase_add_test(tc, test_slot_due_times);
    tcase_add_test(tc, test_failures_backoff_retry_after_and_stale);
    tcase_add_test(tc, test_one_timer_at_the_earliest_due_time);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sched_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
