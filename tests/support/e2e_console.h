/* e2e_console: what end-to-end tests of the console share: plain HTTP to the emulator, running the
 * real console in script mode against it, and reading the emulator's request log. */
#ifndef CATENA_TEST_E2E_CONSOLE_H
#define CATENA_TEST_E2E_CONSOLE_H

#include "emu_proc.h"
#include "suite_runner.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/* A request to the emulator (form: a form-encoded POST body or NULL); returns the body, caller frees. */
char *emu_http(const emu_proc *e, const char *method, const char *path, const char *bearer, const char *form);
/* Runs catena-dispatch --script with script_text at size (e.g. "100x30"), with HOME and
 * XDG_STATE_HOME under workdir and the demo credentials; returns its exit status. */
int run_console_script(const emu_proc *e, const char *workdir, const char *script_text, const char *size);
/* The JSON body of the nth (0 = first) logged request with this method whose path starts with
 * prefix (its path copied to path_out when given); NULL when there is none. Caller deletes. */
cJSON *emu_logged_body(const emu_proc *e, const char *method, const char *prefix, int nth, char *path_out,
                       size_t cap);

/* A fresh private directory /tmp/PREFIX-XXXXXX in out (cap >= 64), and its removal with all
 * it holds. */
int e2e_make_workdir(const char *prefix, char *out, size_t cap);
void e2e_remove_tree(const char *path);

#endif
