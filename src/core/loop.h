/* loop: the one poll() loop of the console: file descriptors, timers and a signal self-pipe.
 * Two clocks: the real CLOCK_MONOTONIC (for network timeouts) and the app clock, which is
 * the real one unless virtual (script mode), where it moves only by loop_advance. */
#ifndef CATENA_CORE_LOOP_H
#define CATENA_CORE_LOOP_H

#include <stdbool.h>
#include <stdint.h>

typedef struct loop loop;
typedef void (*loop_fd_cb)(void *ud, int fd, short revents);
typedef void (*loop_timer_cb)(void *ud);
typedef void (*loop_signal_cb)(void *ud, int signo);

typedef enum { LOOP_CLOCK_REAL, LOOP_CLOCK_APP } loop_clock;

loop *loop_new(void);
void loop_free(loop *l);

/* Watches fd for events (POLLIN/POLLOUT); re-adding an fd replaces its entry. */
void loop_watch_fd(loop *l, int fd, short events, loop_fd_cb cb, void *ud);
void loop_unwatch_fd(loop *l, int fd);

/* Schedules cb after delay_ms on the given clock. Returns an id > 0. */
uint64_t loop_timer_add(loop *l, loop_clock clk, int64_t delay_ms, loop_timer_cb cb, void *ud);
void loop_timer_cancel(loop *l, uint64_t id);
/* Milliseconds until the earliest timer of that clock is due, or -1 if there is none. */
int64_t loop_timer_next_ms(loop *l, loop_clock clk);

/* Installs handlers for SIGWINCH, SIGTERM, SIGINT, SIGHUP, SIGCHLD writing to a self-pipe; cb runs from the loop. */
void loop_handle_signals(loop *l, loop_signal_cb cb, void *ud);

/* Waits at most max_wait_ms (-1: until something happens) and dispatches what is ready. */
void loop_run_once(loop *l, int max_wait_ms);

int64_t loop_real_now_ms(void);
int64_t loop_now_ms(loop *l);       /* app clock */
void loop_set_virtual_clock(loop *l, bool on);
bool loop_clock_is_virtual(const loop *l);
/* Wall-clock milliseconds since the epoch, for times shown to the user. With the virtual clock
 * it starts at 2026-01-01T00:00:00Z (or where loop_set_virtual_wall_ms put it) and moves with
 * loop_advance, so screens are reproducible. */
int64_t loop_wall_ms(loop *l);
/* With the virtual clock: makes loop_wall_ms() read wall_ms now (script mode: the API's clock). */
void loop_set_virtual_wall_ms(loop *l, int64_t wall_ms);
/* Moves the virtual app clock forward and runs the timers that became due. */
void loop_advance(loop *l, int64_t ms);

#endif
