/* tsp_limits: what a TSP accepts that the Catena API does not say, so that the console can warn
 * before sending instead of the TSP refusing later. The API exposes no message length limit
 * (the TSP list of the integrations API names integrations only), so this is a small table, kept with the
 * TSPs' documented limits (the emulator's TSP simulation refuses the same: tsp_catalog.c). */
#ifndef CATENA_CORE_TSP_LIMITS_H
#define CATENA_CORE_TSP_LIMITS_H

#include <stddef.h>

/* Characters (code points) a TSP takes in one driver message; 0 when it has no known limit. By
 * the connection's source_name ("omnitracs"). */
int tsp_message_limit(const char *source_name);
/* The TSP's name as people write it ("Omnitracs"), or source_name itself when not in the table. */
const char *tsp_display_name(const char *source_name);

#endif
