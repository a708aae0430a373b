/* A page of live locations (core/api_live.c): live_decode_page, then what the views and the
 * subcommand do with it (lookups, ages, --json). */
#include "fuzz.h"

#include "core/api_live.h"
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
    live_set s;
    memset(&s, 0, sizeof s);
    char *err = NULL;
    if (live_decode_page(&s, (const char *)data, size, &err) == 0) {
        int64_t now = 1796041946000;
        (void)live_signature(&s);
        (void)live_next_change_ms(&s, now);
        for (size_t i = 0; i < s.n; i++) {
            char age[64];
            live_age_text(now, s.v[i].at_ms, age, sizeof age);
            free(live_row_json(&s, &s.v[i], "0a0a0a0a-0000-4000-8000-000000000001"));
            (void)live_find_vehicle(&s, &s.v[i].vehicle_id);
        }
    }
    free(err);
    live_set_free(&s);
    return 0;
}
