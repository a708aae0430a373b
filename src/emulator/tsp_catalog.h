/* tsp_catalog: the simulated TSPs (ids, id formats, integrations support, simulation rules). */
#ifndef CATENA_EMU_TSP_CATALOG_H
#define CATENA_EMU_TSP_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "resource_defs.h"

/* INTEG_UNLISTED: left out of the support map (as public samples leave out group_message). */
typedef enum integration_status {
    INTEG_IMPLEMENTED,
    INTEG_NOT_IMPLEMENTED,
    INTEG_NOT_SUPPORTED,
    INTEG_UNLISTED
} integration_status;

typedef struct tsp_info {
    const char *source_name; /* TspEnum value */
    const char *slug;
    const char *brand;  /* display name, e.g. "Verizon Connect" */
    const char *tsp_id; /* uuid text */
    const char *eld_device_type;
    int id_style;
    /* Simulation (section D rules live in policy.c; these are the TSP's own traits). */
    int latency_ms;           /* typical response time of a write */
    int max_message_length;   /* 0 = unlimited */
    int requires_vin;         /* vehicle creates must carry a vin */
    int requires_username;    /* user creates must carry a username */
    unsigned write_not_supported;   /* bit per emu_resource */
    unsigned write_not_implemented; /* bit per emu_resource */
} tsp_info;

size_t tsp_count(void);
const tsp_info *tsp_get(size_t idx);
/* Index of the TSP with that tsp_id text, or -1. */
int tsp_find_by_id(const char *tsp_id);
/* Formats the TSP's own id for record number seq of a resource (e.g. samsara "281474977075211"). */
void tsp_format_source_id(const tsp_info *t, emu_resource res, uint64_t seq, char *out, size_t cap);
/* The TSP's support map entry of a ResourceEnum value (GET /v2/integrations/tsps): it describes
 * what is read from the TSP, and lists no group_message. */
integration_status tsp_integration(const tsp_info *t, const char *resource_name);
/* Whether a write of the resource reaches the TSP (else 501): the TSP's write table, which the
 * support map does not reveal (policy.h). */
integration_status tsp_write_support(const tsp_info *t, emu_resource res);
const char *integration_status_name(integration_status s);

#endif
