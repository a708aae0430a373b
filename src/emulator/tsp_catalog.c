#include "tsp_catalog.h"

#include <stdio.h>
#include <string.h>

#include "emu_enums.h"

enum { ID_NUMERIC15, ID_SMALLINT, ID_GEOTAB, ID_ALNUM, ID_NUMERIC10, ID_HEX, ID_UUIDISH, ID_PREFIXED };

#define BIT(r) (1u << (r))

static const tsp_info TSPS[] = {
    {"samsara", "samsara", "Samsara", "e3e0aed1-c472-4e9a-b614-63db5eb16df0", "VG54", ID_NUMERIC15, 180, 0, 0, 0, 0, 0},
    {"motive", "motive", "Motive", "ee3c32b4-25c0-43d7-876f-e644cabc62c8", "Vehicle Gateway", ID_SMALLINT, 250, 500, 0,
     1, 0, 0},
    {"geotab", "geotab", "Geotab", "0d5df06e-3f7e-4f36-89b3-5e537c3d514a", "GO9", ID_GEOTAB, 320, 1000, 1, 0,
     BIT(RES_GROUP_MESSAGE), 0},
    {"omnitracs", "omnitracs", "Omnitracs", "5b8f2c1e-7d4a-4e9b-a3c6-1f0e9d8c7b6a", "IVG", ID_ALNUM, 450, 250, 1, 1, 0,
     BIT(RES_DVIR_LOG)},
    {"verizon_connect", "verizon-connect", "Verizon Connect", "8c1d7e2f-4a3b-4c5d-9e6f-0a1b2c3d4e5f", "Reveal",
     ID_NUMERIC10, 380, 320, 0, 0, BIT(RES_FUEL_TRANSACTION), BIT(RES_TRAILER)},
    {"webfleet", "webfleet", "Webfleet", "2f4e6a8c-1b3d-4f5e-8a7b-9c0d1e2f3a4b", "LINK 740", ID_HEX, 300, 160, 0, 0,
     BIT(RES_FUEL_TRANSACTION) | BIT(RES_DVIR_LOG), 0},
    {"isaac", "isaac", "Isaac Instruments", "b480ecc4-3fa9-419a-9838-bd8901a39c17", "Isaac InMotion", ID_UUIDISH, 220,
     0, 0, 0, 0, BIT(RES_GROUP_MESSAGE)},
    {"zonar", "zonar", "Zonar", "7e9a1c3b-5d2f-4a6e-b8c0-3d5f7a9b1c2e", "V4", ID_PREFIXED, 400, 280, 0, 0,
     BIT(RES_GROUP_MESSAGE), 0},
};

size_t tsp_count(void)
{
    return sizeof TSPS / sizeof TSPS[0];
}

const tsp_info *tsp_get(size_t idx)
{
    return &TSPS[idx % tsp_count()];
}

int tsp_find_by_id(const char *tsp_id)
{
    for (size_t i = 0; i < tsp_count(); i++)
        if (strcmp(TSPS[i].tsp_id, tsp_id) == 0)
            return (int)i;
    return -1;
}

void tsp_format_source_id(const tsp_info *t, emu_resource res, uint64_t seq, char *out, size_t cap)
{
    /* Each resource gets its own number range so ids never collide across resources. */
    uint64_t base = (uint64_t)res * 1000003ULL;
    unsigned long long n = base + seq;
    switch (t->id_style) {
    case ID_NUMERIC15:
        snprintf(out, cap, "%llu", 281474976710656ULL + n * 7919ULL % 1000000000ULL + n);
        break;
    case ID_SMALLINT:
        snprintf(out, cap, "%llu", 100 + n);
        break;
    case ID_GEOTAB:
        snprintf(out, cap, "b%llX", 0x100 + n);
        break;
    case ID_ALNUM:
        snprintf(out, cap, "OT%08llu", n);
        break;
    case ID_NUMERIC10:
        snprintf(out, cap, "%llu", 4100000000ULL + n * 13);
        break;
    case ID_HEX:
        snprintf(out, cap, "1-%05llu-%06llX", n % 100000, (n * 2654435761ULL) & 0xffffff);
        break;
    case ID_UUIDISH:
        snprintf(out, cap, "%08llx-%04llx-4%03llx-8%03llx-%012llx", (n * 2654435761ULL) & 0xffffffffULL,
                 n & 0xffff, (n >> 4) & 0xfff, (n * 7) & 0xfff, n * 1000003ULL & 0xffffffffffffULL);
        break;
    default:
        snprintf(out, cap, "Z%07llu", n);
        break;
    }
}

integration_status tsp_write_support(const tsp_info *t, emu_resource res)
{
    if (t->write_not_supported & BIT(res))
        return INTEG_NOT_SUPPORTED;
    if (t->write_not_implemented & BIT(res))
        return INTEG_NOT_IMPLEMENTED;
    return INTEG_IMPLEMENTED;
}

integration_status tsp_integration(const tsp_info *t, const char *resource_name)
{
    const resource_def *def = resource_by_name(resource_name);
    if (def && def->kind == RES_GROUP_MESSAGE)
        return INTEG_UNLISTED; /* write-only as far as the map goes: whatever the TSP can do */
    if (def)
        return tsp_write_support(t, def->kind);
    /* Reads of other resources: a deterministic, plausible mix. */
    static const char *const rare[] = {"asset", "workflow", "vehicle_region_segment", "location_segment",
                                       "hos_event_attachment", "driver_safety_event", NULL};
    if (enum_contains(rare, resource_name))
        return (strlen(t->source_name) + strlen(resource_name)) % 3 == 0 ? INTEG_IMPLEMENTED
                                                                          : INTEG_NOT_SUPPORTED;
    return INTEG_IMPLEMENTED;
}

const char *integration_status_name(integration_status s)
{
    switch (s) {
    case INTEG_IMPLEMENTED: return "implemented";
    case INTEG_NOT_IMPLEMENTED: return "not_implemented";
    default: return "not_supported";
    }
}
