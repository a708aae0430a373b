/* loop: timers on the virtual app clock fire in order only when time is advanced; fds dispatch. */
#include "core/loop.h"

#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "suite_runner.h"

static char order[64];

static void mark(void *ud)
{
    size_t n = strlen(order);
    if (n + 1 < sizeof order) {
        order[n] = *(const char *)ud;
        order[n + 1] = '\0';
    }
}

START_TEST(virtual_timers_fire_in_due_order_on_advance)
{
    loop *l = loop_new();
    loop_set_virtual_clock(l, true);
    order[0] = '\0';
    loop_timer_add(l, LOOP_CLOCK_APP, 300, mark, "c");
    loop_timer_add(l, LOOP_CLOCK_APP, 100, mark, "a");
    uint64_t id = loop_timer_add(l, LOOP_CLOCK_APP, 200, mark, "x");
    loop_timer_add(l, LOOP_CLOCK_APP, 200, mark, "b");
    loop_timer_cancel(l, id);
    ck_assert_int_eq(loop_timer_next_ms(l, LOOP_CLOCK_APP), 100);
    loop_run_once(l, 0); /* real time passing does not move the virtual clock */
    ck_assert_str_eq(order, "");
    loop_advance(l, 150);
    ck_assert_str_eq(order, "a");
    loop_advance(l, 1000);
    ck_assert_str_eq(order, "abc");
    ck_assert_int_eq(loop_timer_next_ms(l, LOOP_CLOCK_APP), -1);
    loop_free(l);
}
END_TEST

static void rearm(void *ud)
{
    loop *l = ud;
    mark("r");
    if (strlen(order) < 3)
        loop_timer_add(l, LOOP_CLOCK_APP, 10, rearm, l);
}

START_TEST(timer_callbacks_may_add_timers)
{
    loop *l = loop_new();
    loop_set_virtual_clock(l, true);
    order[0] = '\0';
    loop_timer_add(l, LOOP_CLOCK_APP, 10, rearm, l);
    loop_advance(l, 10);
    loop_advance(l, 10);
    loop_advance(l, 10);
    loop_advance(l, 10);
    ck_assert_str_eq(order, "rrr");
    loop_free(l);
}
END_TEST

static int got;
static void on_fd(void *ud, int fd, short revents)
{
    (void)ud;
    char c;
    if ((revents & POLLIN) && read(fd, &c, 1) == 1)
        got = c;
}

START_TEST(fds_dispatch_and_real_timers_bound_the_wait)
{
    loop *l = loop_new();
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    loop_watch_fd(l, p[0], POLLIN, on_fd, NULL);
    ck_assert_int_eq(write(p[1], "z", 1), 1);
    got = 0;
    loop_run_once(l, 1000);
    ck_assert_int_eq(got, 'z');
    order[0] = '\0';
    loop_timer_add(l, LOOP_CLOCK_REAL, 5, mark, "t");
    int64_t t0 = loop_real_now_ms();
    while (!order[0] && loop_real_now_ms() - t0 < 2000)
        loop_run_once(l, -1); /* returns because of the timer, not forever */
    ck_assert_str_eq(order, "t");
    loop_unwatch_fd(l, p[0]);
    close(p[0]);
    close(p[1]);
    loop_free(l);
}
END_TEST

START_TEST(a_turn_that_ran_timers_does_not_block)
{
    /* With no descriptor and no other timer, a turn whose due timer did the work must return at
     * once instead of waiting forever in poll(). */
    loop *l = loop_new();
    order[0] = '\0';
    loop_timer_add(l, LOOP_CLOCK_REAL, 0, mark, "n");
    int64_t t0 = loop_real_now_ms();
    loop_run_once(l, -1);
    ck_assert_str_eq(order, "n");
    ck_assert_int_lt(loop_real_now_ms() - t0, 1000);
    loop_free(l);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("loop");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, virtual_timers_fire_in_due_order_on_advance);
    tcase_add_test(tc, timer_callbacks_may_add_timers);
    tcase_add_test(tc, fds_dispatch_and_real_timers_bound_the_wait);
    tcase_add_test(tc, a_turn_that_ran_timers_does_not_block);
    tcase_set_timeout(tc, 10);
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    return failed ? 1 : 0;
}
