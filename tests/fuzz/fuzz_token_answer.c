/* The token endpoint's answer: decode_token_answer. */
#include "fuzz.h"

#include "core/api_decode.h"

#include <math.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *token = NULL;
    double expires_in = 0;
    decode_token_answer((const char *)data, size, &token, &expires_in);
    if (token && !token[0])
        abort(); /* an empty token is reported as none */
    free(token);
    return 0;
}
