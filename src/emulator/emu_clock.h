/* emu_clock: the emulator's notion of "now" (wall clock start, scalable, advanceable) and timestamp text. */
#ifndef CATENA_EMU_CLOCK_H
#define CATENA_EMU_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define EMU_TIME_LEN 32

/* time_scale: real seconds per emulated second (0.001 makes 1 emulated second pass in 1 ms).
 * start_unix_us: emulated time at start, 0 for the wall clock. */
void emu_clock_init(double time_scale, int64_t start_unix_us);
int64_t emu_now_us(void);
/* Moves emulated time forward by us (>= 0) and wakes every waiter. */
void emu_clock_advance(int64_t us);
double emu_clock_scale(void);
/* Sleeps until emulated time reaches due_us, or until emu_clock_wake_all / *stop. False if stopped. */
bool emu_clock_wait_until(int64_t due_us, const volatile int *stop);
/* Sleeps for an emulated duration (scaled to real time). */
void emu_clock_sleep(int64_t emulated_us);
void emu_clock_wake_all(void);
/* Ends every emu_clock_sleep now and from now on (shutdown). */
void emu_clock_interrupt_sleeps(void);

/* "2026-01-01T00:00:00.000000Z" */
void emu_time_format(int64_t unix_us, char out[EMU_TIME_LEN]);
/* "2026-01-01" */
void emu_date_format(int64_t unix_us, char out[11]);
/* Parses RFC 3339 / ISO 8601 date-time (fraction and offset optional, no offset = UTC). */
bool emu_time_parse(const char *s, int64_t *out_us);
/* Parses YYYY-MM-DD. */
bool emu_date_parse(const char *s);

#endif
