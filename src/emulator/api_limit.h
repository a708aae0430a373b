/* api_limit: the optional rate limit of the emulated Catena API itself (token bucket, emulated time). */
#ifndef CATENA_EMU_API_LIMIT_H
#define CATENA_EMU_API_LIMIT_H

#include <stdbool.h>

typedef struct api_limiter api_limiter;

/* rate requests per second, burst = rate. */
api_limiter *api_limit_new(int rate);
void api_limit_free(api_limiter *l);
/* Takes a token; false (with the seconds to wait) when the bucket is empty. */
bool api_limit_take(api_limiter *l, int *retry_after_seconds);

#endif
