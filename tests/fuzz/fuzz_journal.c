/* The operations journal: the input as operations.json, read by ops_journal_load (what the
 * tracker does at start; a corrupt file is set aside). */
#include "fuzz.h"

#include "core/ops_journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/operations.json", fuzz_tmpdir());
    if (fuzz_write_file(path, data, size) != 0)
        abort();
    ops_journal *j = ops_journal_new(path);
    api_journal out;
    memset(&out, 0, sizeof out);
    char *err = NULL;
    (void)ops_journal_load(j, &out, &err);
    api_journal_clear(&out);
    free(err);
    ops_journal_free(j);
    return 0;
}
