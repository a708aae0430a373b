/* api_drafts: the JSON of a draft file (core/drafts keeps the files). Part of the API module
 * because it is the only place besides the API's answers that builds and reads cJSON trees. */
#ifndef CATENA_CORE_API_DRAFTS_H
#define CATENA_CORE_API_DRAFTS_H

#include "core/drafts.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define API_DRAFT_VERSION 1

/* The draft file's text (pretty-printed JSON object, heap). */
char *api_draft_encode(const draft *d);
/* Fills *d (zeroed first; members heap) from a draft file's text; false, with *d empty, if the
 * text is not a version-1 draft object. Members missing or of the wrong type take their
 * defaults; updated_unix takes fallback_time when it is missing or not a sane time. */
bool api_draft_decode(const char *text, size_t len, draft *d, int64_t fallback_time);

#endif
