/* script: drives the real UI from a file on a virtual screen (headless mode).
 * Lines: keys in keymap notation (j, <Enter>, /Truck<Enter>), `#` comments, and commands
 * :wait-idle, :save-screen FILE, :save-screen-attrs FILE, :expect TEXT, :expect-not TEXT,
 * :resize COLSxROWS, :advance DURATION (virtual clock: 500ms, 2s, 1m), :quit, :sleep DURATION (real
 * time with the loop running, so requests stay in flight; a signal that quits ends it),
 * :mark-output, :expect-output-bytes N, :print-output-bytes (terminal bytes written since the
 * mark) and :bench-keys KEYS (keys handled inside script_bench_keys, for profilers). */
#ifndef CATENA_APP_SCRIPT_H
#define CATENA_APP_SCRIPT_H

#include "ui/app.h"

/* Runs the script; returns 0 when every step and expectation passed, else 1 (errors on stderr
 * as FILE:LINE: message). */
int script_run(app *a, const char *path);
/* Parses "COLSxROWS"; false if malformed or out of 1..1000. */
bool script_parse_size(const char *s, int *cols, int *rows);
/* Parses the DURATION of :advance ("500ms", "2s" or "2", "1m") into ms, at most
 * SCRIPT_ADVANCE_MAX_MS (a year: longer ones are cut to it); false if malformed. */
#define SCRIPT_ADVANCE_MAX_MS (366LL * 24 * 3600 * 1000)
bool script_parse_duration(const char *s, int64_t *ms);
int script_bench_keys(app *a, const char *keys, const char *where);

#endif
