/* cli_run: runs the built catena-dispatch as a script would, against a test's emulator, and
 * captures its exit code, stdout and stderr (the subcommand tests share it). */
#ifndef CATENA_TEST_CLI_RUN_H
#define CATENA_TEST_CLI_RUN_H

#include "emu_proc.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <string.h>

typedef struct cli_out {
    int code; /* exit status, or 128 + the signal; 127 when it could not be run */
    char *out, *err;
} cli_out;

/* Runs catena-dispatch ARGS (NULL-terminated) with the emulator's URLs (api_url NULL: e's) and
 * the demo client id with `secret` in the environment (secret NULL: no credentials), no config
 * file, TZ=UTC; SIGINT after sig_after_ms when > 0; SIGKILL after 60 s. */
cli_out cli_run(const emu_proc *e, const char *api_url, const char *secret, int sig_after_ms,
                const char *const *args);
void cli_free(cli_out *r);

#define CLI_ON(e, ...) cli_run(e, NULL, "demo-secret", 0, (const char *const[]){__VA_ARGS__, NULL})
#define ASSERT_EXIT(r, want)                                                                                           \
    ck_assert_msg((r).code == (want), "exit %d, want %d\nstdout: %s\nstderr: %s", (r).code, (want), (r).out, (r).err)

/* Every line of a --json output parsed into one array; a line that is not a JSON object fails the
 * test. The caller deletes the array. */
static inline cJSON *cli_json_lines(const char *text)
{
    cJSON *arr = cJSON_CreateArray();
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        cJSON *o = cJSON_ParseWithLength(p, n);
        ck_assert_msg(cJSON_IsObject(o), "not a JSON object line: %.*s", (int)n, p);
        cJSON_AddItemToArray(arr, o);
        p += n + (nl ? 1 : 0);
    }
    return arr;
}

/* A string member, "" when absent or not a string. */
static inline const char *cli_str(const cJSON *o, const char *k)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, k));
    return s ? s : "";
}

#endif
