/* A draft file: the input as one draft in a private account's drafts directory, loaded by
 * drafts_load_all (what the console does at start) and cloned as the drafts list does. */
#include "fuzz.h"

#include "core/drafts.h"
#include "core/statefile.h"
#include "core/text.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

static char draft_path[PATH_MAX + 64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    text_init_locale();
    setenv("XDG_STATE_HOME", fuzz_tmpdir(), 1);
    char *err = NULL, dir[PATH_MAX], id[40];
    if (statefile_set_account("fuzz", "http://127.0.0.1:1", NULL, &err) != 0 ||
        statefile_account_dir("drafts", dir, sizeof dir, &err) != 0) {
        fprintf(stderr, "fuzz_drafts: %s\n", err);
        abort();
    }
    drafts_new_id(id);
    snprintf(draft_path, sizeof draft_path, "%s/%s.json", dir, id);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_write_file(draft_path, data, size) != 0)
        abort();
    draft *list = NULL;
    size_t n = 0, skipped = 0;
    if (drafts_load_all(&list, &n, &skipped) != 0)
        abort();
    for (size_t i = 0; i < n; i++) {
        draft *c = draft_clone(&list[i]);
        draft_free(c);
        free(c);
    }
    drafts_free_all(list, n);
    return 0;
}
