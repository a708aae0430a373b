#include "vin.h"

#include <stdio.h>
#include <string.h>

static int vin_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    static const char letters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
    static const int values[] = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9};
    const char *p = c ? strchr(letters, c) : NULL;
    return p ? values[p - letters] : -1;
}

char vin_check_digit(const char *vin)
{
    static const int weights[17] = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
    if (strlen(vin) != 17)
        return 0;
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (i == 8)
            continue;
        int v = vin_value(vin[i]);
        if (v < 0)
            return 0;
        sum += v * weights[i];
    }
    int d = sum % 11;
    return d == 10 ? 'X' : (char)('0' + d);
}

bool vin_valid(const char *vin)
{
    char d = vin_check_digit(vin);
    return d != 0 && vin[8] == d;
}

static char year_code(int year)
{
    static const char codes[] = "ABCDEFGHJKLMNPRSTVWXY123456789";
    int i = (year - 2010) % 30;
    if (i < 0)
        i += 30;
    return codes[i];
}

void vin_generate(emu_rng *r, const char *wmi, int model_year, char out[18])
{
    static const char chars[] = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
    memcpy(out, wmi, 3);
    for (int i = 3; i < 8; i++)
        out[i] = chars[rng_below(r, sizeof chars - 1)];
    out[8] = '0';
    out[9] = year_code(model_year);
    out[10] = "ABCDEFGHJKLMNPRSTUVWXYZ"[rng_below(r, 23)];
    snprintf(out + 11, 7, "%06u", rng_below(r, 1000000));
    out[17] = '\0';
    out[8] = vin_check_digit(out);
}
