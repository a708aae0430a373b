/* caps: what the console may write on each connection: the share level per resource
 * (GET /v2/integrations/connections/data-freshness) and what the connection's TSP supports
 * (GET /v2/integrations/tsps). Write actions are gated on this before anything is sent. */
#ifndef CATENA_CORE_API_CAPS_H
#define CATENA_CORE_API_CAPS_H

#include "core/api.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct caps caps;

caps *caps_new(void);
void caps_free(caps *c);
/* Loads both lists; done runs once (ok or not). Reloading replaces what was known. */
void caps_load(caps *c, api *a, void (*done)(void *ud), void *ud);
bool caps_loaded(const caps *c);
/* Why a write of resource ("message", "group_message", "vehicle", "trailer", "user") on this
 * connection cannot be made, written into why; NULL when it may be (also when unknown: the API
 * has the last word). tsp_id may be NULL. */
const char *caps_write_blocked(const caps *c, const char *connection_id, const char *tsp_id, const char *resource,
                               char *why, size_t whycap);
/* Parsers, exposed for tests: a data-freshness array and a tsps page. 0 or -1. */
int caps_add_freshness(caps *c, const char *json, size_t len);
int caps_add_tsps(caps *c, const char *json, size_t len);

#endif
