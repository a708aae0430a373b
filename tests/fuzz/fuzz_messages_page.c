/* A page of a driver's messages: conv_decode_page, then the sort the conversation does. */
#include "fuzz.h"

#include "core/api_messages.h"
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
    conv_who who;
    memset(&who, 0, sizeof who);
    uuid_parse("0a0a0a0a-0000-4000-8000-000000000001", &who.driver_id);
    who.have_you = true;
    uuid_parse("0b0b0b0b-0000-4000-8000-000000000002", &who.you_id);
    conv_list l;
    memset(&l, 0, sizeof l);
    char *err = NULL;
    if (conv_decode_page(&l, &who, (const char *)data, size, &err) == 0)
        conv_list_sort(&l);
    free(err);
    conv_list_free(&l);
    return 0;
}
