/* reqlog: a bounded ring of the API requests received, for tests to read through /_emulator/requests. */
#ifndef CATENA_EMU_REQLOG_H
#define CATENA_EMU_REQLOG_H

#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"

typedef struct reqlog reqlog;

reqlog *reqlog_new(size_t capacity);
void reqlog_free(reqlog *l);
void reqlog_add(reqlog *l, const char *method, const char *path, const char *query, const char *body,
                size_t body_len, int status, int64_t at_us);
void reqlog_clear(reqlog *l);
/* JSON array, oldest first: [{"method","path","query","body","status","at"}]. */
void reqlog_render(reqlog *l, strbuf *out);

#endif
