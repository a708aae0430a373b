/* vin: 17-character Vehicle Identification Numbers with a valid ISO 3779 / NA check digit. */
#ifndef CATENA_EMU_VIN_H
#define CATENA_EMU_VIN_H

#include <stdbool.h>

#include "emu_rng.h"

/* The check digit ('0'..'9' or 'X') for a 17-char VIN (position 9 ignored); 0 if a char is invalid. */
char vin_check_digit(const char *vin);
/* True if vin is 17 valid characters with a correct check digit. */
bool vin_valid(const char *vin);
/* Builds a VIN from a 3-char WMI and a model year, with a random VDS and serial. out: 18 bytes. */
void vin_generate(emu_rng *r, const char *wmi, int model_year, char out[18]);

#endif
