/* The one-line summary of an error body (detail string, the 422 detail[] list, Keycloak's
 * error_description): decode_error_summary. */
#include "fuzz.h"

#include "core/api_decode.h"
#include "core/text.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    text_init_locale();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = decode_error_summary((const char *)data, size);
    if (s && strpbrk(s, "\r\n\x1b"))
        abort(); /* a summary is one sanitized line */
    free(s);
    return 0;
}
