/* The envelope scan of a list page (core/api_envelope.c), which runs on the API's answer before
 * anything parses it: it stays inside the body, and on a body that is JSON with no repeated
 * top-level member it reads what the parsed tree says (next_page, current_page, total). */
#include "fuzz.h"

#include "core/api_envelope.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    return 0;
}

static bool unique_members(const cJSON *o)
{
    for (const cJSON *a = o->child; a; a = a->next)
        for (const cJSON *b = a->next; b; b = b->next)
            if (a->string && b->string && strcmp(a->string, b->string) == 0)
                return false;
    return true;
}

static void check_span(const char *body, size_t n, const char *p, size_t len, const cJSON *want)
{
    if (p && (p < body || p + len > body + n))
        abort(); /* outside the body */
    bool has = p && len;
    bool want_has = cJSON_IsString(want) && want->valuestring[0];
    if (has != want_has || (has && (strlen(want->valuestring) != len || memcmp(p, want->valuestring, len) != 0)))
        abort(); /* not what the parsed page says */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *body = malloc(size ? size : 1); /* exactly the body: ASan sees a read past its end */
    memcpy(body, data, size);
    api_envelope e;
    bool ok = api_envelope_scan(body, size, &e);
    const char *end = NULL;
    cJSON *root = ok ? cJSON_ParseWithLengthOpts(body, size, &end, false) : NULL;
    while (root && end < body + size && (unsigned char)*end <= ' ')
        end++;
    if (root && end != body + size) { /* more after the value: not a JSON page (the pager refuses it) */
        cJSON_Delete(root);
        root = NULL;
    }
    if (root && cJSON_IsObject(root) && unique_members(root)) {
        check_span(body, size, e.next, e.next_len, cJSON_GetObjectItemCaseSensitive(root, "next_page"));
        check_span(body, size, e.cur, e.cur_len, cJSON_GetObjectItemCaseSensitive(root, "current_page"));
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
        if (!cJSON_IsArray(items) || e.items_empty != (cJSON_GetArraySize(items) == 0))
            abort();
    }
    cJSON_Delete(root);
    free(body);
    return 0;
}
