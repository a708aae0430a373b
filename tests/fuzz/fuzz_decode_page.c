/* A page of the resource lists (connections, drivers, vehicles, trailers): decode_page and, through
 * it, decode_item. The first byte picks the kind; the rest is the body. */
#include "fuzz.h"

#include "core/text.h"

#include "core/api_decode.h"
#include "core/api_resources.h"

#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    text_init_locale();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    table t;
    table_init(&t, (record_kind)(data[0] % KIND__COUNT));
    page_info info = {0};
    char *err = NULL;
    if (decode_page(&t, (const char *)data + 1, size - 1, &info, &err) == 0) {
        /* what the list view and the subcommands then do with the rows: every cell, and --json */
        const api_resource *r = api_resource_get(t.kind);
        for (size_t i = 0; r && i < t.count; i++) {
            const void *row = table_row(&t, i);
            char cell[256];
            for (int c = 0; c < r->ncols; c++)
                api_cell(&r->cols[c], &t, row, cell, sizeof cell);
            for (int c = 0; c < r->ncli_cols; c++)
                api_cell(&r->cli_cols[c], &t, row, cell, sizeof cell);
            free(api_resource_row_json(r, &t, row, "0a0a0a0a-0000-4000-8000-000000000001"));
        }
    }
    free(info.next_cursor);
    free(err);
    table_clear(&t);
    return 0;
}
