/* clamp: a double from outside (a JSON number, a header, a command line) into an integer range
 * before converting it: converting a double beyond the target type (1e300, inf, NaN) is undefined
 * behaviour, which the sanitizer build (-fsanitize=float-cast-overflow) reports. */
#ifndef CATENA_COMMON_CLAMP_H
#define CATENA_COMMON_CLAMP_H

#include <stdint.h>

/* v cut to lo..hi (fractions truncated toward zero); NaN gives lo. */
static inline int64_t clamp_to_i64(double v, int64_t lo, int64_t hi)
{
    if (!(v > (double)lo)) /* also NaN */
        return lo;
    if (v >= (double)hi) /* (double)hi may round up: compared before the conversion */
        return hi;
    return (int64_t)v;
}

#endif
