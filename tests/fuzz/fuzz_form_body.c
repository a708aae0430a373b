/* Form bodies (core/forms.c, core/api_forms.c). The first byte picks the form, create or update,
 * and the mode: either the rest is lines of FIELD=VALUE for form_body_from_sets (the subcommands'
 * --set), or a record's JSON read by form_values_from_record and sent back by form_build_body. */
#include "fuzz.h"

#include "core/forms.h"
#include "core/text.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SETS 32

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    text_init_locale();
    return 0;
}

static void from_sets(const form_spec *spec, bool update, char *text)
{
    const char *sets[MAX_SETS];
    size_t n = 0;
    for (char *line = text; line && n < MAX_SETS;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        sets[n++] = line;
        line = next;
    }
    char *err = NULL;
    char *body = form_body_from_sets(spec, "0a0a0a0a-0000-4000-8000-000000000001", sets, n, update, &err);
    if (!body == !err)
        abort(); /* a body, or an error saying why not */
    free(body);
    free(err);
}

static void from_record(const form_spec *spec, bool update, const char *json, size_t len)
{
    form_values v;
    form_values_init(&v, spec);
    char *err = NULL;
    if (form_values_from_record(&v, json, len, &err) == 0) {
        char name[128];
        form_record_name(&v, name, sizeof name);
        (void)form_changed_count(&v);
        if (v.spec->nfields > 0)
            form_values_set(&v, 0, "");
        char *body = form_build_body(&v, "0a0a0a0a-0000-4000-8000-000000000001", update, &err);
        free(body);
    }
    free(err);
    form_values_free(&v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const form_spec *spec = form_spec_get((form_kind)(data[0] % FORM__COUNT));
    bool update = data[0] & 0x40;
    char *text = fuzz_cstr(data + 1, size - 1);
    if (data[0] & 0x80)
        from_record(spec, update, text, size - 1);
    else
        from_sets(spec, update, text);
    free(text);
    return 0;
}
