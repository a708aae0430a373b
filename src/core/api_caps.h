/* caps: what the console may write on each connection. Writes are gated only on what Catena's
 * docs name for write-back: the share level per resource (GET
 * /v2/integrations/connections/data-freshness; anything but read_write refuses), and on a 501 the
 * API gave for that connection and resource in this session (remembered with its reason). The
 * TSP's support map (GET /v2/integrations/tsps) describes what is read from a TSP: it is only a
 * hint, never a reason to refuse. */
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
 * connection cannot be made, written into why: a share level other than read_write, or a 501
 * remembered by caps_remember_unsupported. NULL when it may be (also when unknown: the API has
 * the last word). */
const char *caps_write_blocked(const caps *c, const char *connection_id, const char *resource, char *why,
                               size_t whycap);
/* What the TSP's support map says when it does not list the resource as implemented ("the TSP's
 * support map does not list group messages; the API will say"), written into out; NULL when
 * there is nothing to say. Never a reason to refuse. tsp_id may be NULL. */
const char *caps_write_hint(const caps *c, const char *tsp_id, const char *resource, char *out, size_t cap);
/* The API answered 501 to a write of resource on this connection: later writes of it are refused
 * up front for the rest of the session (a reload of the lists keeps it), with why (sanitized here). */
void caps_remember_unsupported(caps *c, const char *connection_id, const char *resource, const char *why);
/* Parsers, exposed for tests: a data-freshness array and a tsps page. 0 or -1. */
int caps_add_freshness(caps *c, const char *json, size_t len);
int caps_add_tsps(caps *c, const char *json, size_t len);

#endif
