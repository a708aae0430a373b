/* seed_tables: realistic names, places and equipment used to generate seeded fleets. */
#ifndef CATENA_EMU_SEED_TABLES_H
#define CATENA_EMU_SEED_TABLES_H

#include <stddef.h>

typedef struct name_entry {
    const char *text;  /* as shown, may have accents or be CJK */
    const char *ascii; /* lowercase ASCII form for usernames and emails */
} name_entry;

typedef struct person_name {
    const char *first, *last, *first_ascii, *last_ascii;
} person_name;

typedef struct region_entry {
    const char *code;      /* "TX" */
    const char *country;   /* "USA" */
    const char *time_zone; /* TimezoneCodeEnum value */
    const char *city;
    const char *area_code;
} region_entry;

typedef struct truck_model {
    const char *oem, *model, *wmi, *engine_type;
} truck_model;

typedef struct trailer_model {
    const char *oem, *model, *wmi, *type;
    double length_m;
} trailer_model;

typedef struct fleet_entry {
    const char *name, *ref, *domain, *street, *city_line, *usdot;
} fleet_entry;

extern const name_entry FIRST_NAMES[];
extern const size_t N_FIRST_NAMES;
extern const name_entry LAST_NAMES[];
extern const size_t N_LAST_NAMES;
/* Full names from naming traditions that do not split into western first/last (CJK, etc.). */
extern const person_name WORLD_NAMES[];
extern const size_t N_WORLD_NAMES;
/* Names that must appear among the first drivers generated. */
extern const person_name FEATURED_NAMES[];
extern const size_t N_FEATURED_NAMES;
extern const region_entry REGIONS[];
extern const size_t N_REGIONS;
extern const truck_model TRUCK_MODELS[];
extern const size_t N_TRUCK_MODELS;
extern const trailer_model TRAILER_MODELS[];
extern const size_t N_TRAILER_MODELS;
extern const fleet_entry FLEETS[];
extern const size_t N_FLEETS;

#endif
