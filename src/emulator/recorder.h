/* recorder: optional JSONL log of every API response, for the OpenAPI contract test. Enabled when the
 * environment variable CATENA_EMU_RECORD_DIR names a directory; each process writes
 * DIR/responses-PID.jsonl with {"method","path","query","status","injected","body"} per line. */
#ifndef CATENA_EMU_RECORDER_H
#define CATENA_EMU_RECORDER_H

#include <stdbool.h>
#include <stddef.h>

void recorder_open_from_env(void);
void recorder_close(void);
void recorder_write(const char *method, const char *path, const char *query, int status, bool injected,
                    const char *body, size_t body_len);

#endif
