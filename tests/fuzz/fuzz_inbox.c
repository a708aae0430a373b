/* The inbox (core/api_inbox.c, core/inbox_store.c): the first byte picks what the input is — a
 * page of the messages list (api_inbox_decode, the watcher's answer) or the account's inbox.json
 * (inbox_store_decode, read at start), whose encoding must then decode again. */
#include "fuzz.h"

#include "core/api_inbox.h"
#include "core/inbox_store.h"
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
    if (size < 1)
        return 0;
    const char *json = (const char *)data + 1;
    size_t len = size - 1;
    char *err = NULL;
    if (data[0] & 1) {
        inbox_store *s = inbox_store_new(100);
        if (inbox_store_decode(s, json, len, &err) == 0) {
            char *text = inbox_store_encode(s);
            inbox_store *again = inbox_store_new(100);
            char *err2 = NULL;
            if (!text || inbox_store_decode(again, text, strlen(text), &err2) != 0)
                abort(); /* what it wrote, it reads back */
            inbox_store_free(again);
            free(text);
        }
        inbox_store_free(s);
    } else {
        api_inbox_page pg;
        memset(&pg, 0, sizeof pg);
        (void)api_inbox_decode(json, len, &pg, &err);
        api_inbox_page_clear(&pg);
    }
    free(err);
    return 0;
}
