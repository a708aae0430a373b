/* The config file: config_load_file on the input written to a temporary file (0600, as a file
 * holding a client_secret must be), with and without a profile, then config_validate. */
#include "fuzz.h"

#include "core/config.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/config", fuzz_tmpdir());
    if (fuzz_write_file(path, data, size) != 0)
        abort();
    for (int i = 0; i < 2; i++) {
        config c;
        config_init_defaults(&c);
        char *err = NULL;
        if (config_load_file(&c, path, i ? "staging" : NULL, &err) == 0) {
            free(err);
            err = NULL;
            (void)config_validate(&c, &err);
        }
        free(err);
        config_free(&c);
    }
    return 0;
}
