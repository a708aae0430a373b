#include "core/tsp_limits.h"

#include <string.h>

static const struct {
    const char *source_name, *name;
    int message_limit;
} TSPS[] = {
    {"samsara", "Samsara", 0},
    {"motive", "Motive", 500},
    {"geotab", "Geotab", 1000},
    {"omnitracs", "Omnitracs", 250},
    {"verizon_connect", "Verizon Connect", 320},
    {"webfleet", "Webfleet", 160},
    {"isaac", "Isaac Instruments", 0},
    {"zonar", "Zonar", 280},
};

static int find(const char *source_name)
{
    for (size_t i = 0; source_name && i < sizeof TSPS / sizeof TSPS[0]; i++)
        if (strcmp(TSPS[i].source_name, source_name) == 0)
            return (int)i;
    return -1;
}

int tsp_message_limit(const char *source_name)
{
    int i = find(source_name);
    return i < 0 ? 0 : TSPS[i].message_limit;
}

const char *tsp_display_name(const char *source_name)
{
    int i = find(source_name);
    return i < 0 ? (source_name ? source_name : "") : TSPS[i].name;
}
