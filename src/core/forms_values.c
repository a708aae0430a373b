/* forms_values: the values of a form being edited (what was loaded, what is typed, what changed);
 * see forms.h. */
#include "core/forms.h"

#include "common/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ values */

void form_values_init(form_values *v, const form_spec *spec)
{
    int n = spec ? spec->nfields : 0;
    v->spec = spec;
    v->orig = xcalloc(n > 0 ? (size_t)n : 1, sizeof(char *));
    v->cur = xcalloc(n > 0 ? (size_t)n : 1, sizeof(char *));
    for (int i = 0; i < n; i++)
        v->cur[i] = xstrdup("");
}

void form_values_free(form_values *v)
{
    if (!v)
        return;
    int n = v->spec ? v->spec->nfields : 0;
    for (int i = 0; i < n; i++) {
        if (v->orig)
            free(v->orig[i]);
        if (v->cur)
            free(v->cur[i]);
    }
    free(v->orig);
    free(v->cur);
    v->orig = v->cur = NULL;
    v->spec = NULL;
}

void form_values_set(form_values *v, int field, const char *value)
{
    if (!v || !v->spec || field < 0 || field >= v->spec->nfields)
        return;
    free(v->cur[field]);
    v->cur[field] = xstrdup(value ? value : "");
    /* A count derived from this list follows it. */
    for (int i = 0; i < v->spec->nfields; i++) {
        const char *of = v->spec->fields[i].count_of;
        if (!of || strcmp(of, v->spec->fields[field].name) != 0)
            continue;
        strbuf c = STRBUF_INIT;
        char buf[16] = "";
        if (form_canonical(&v->spec->fields[field], v->cur[field], &c, NULL, 0) == 0 && c.len)
            snprintf(buf, sizeof buf, "%d", form_list_count(strbuf_cstr(&c)));
        strbuf_free(&c);
        free(v->cur[i]);
        v->cur[i] = xstrdup(buf);
    }
}

static const char *value_of(const form_values *v, const char *name)
{
    int i = name ? form_field_index(v->spec, name) : -1;
    return i >= 0 && v->cur[i] ? v->cur[i] : "";
}

void form_record_name(const form_values *v, char *out, size_t cap)
{
    if (!out || cap == 0)
        return;
    out[0] = '\0';
    if (!v || !v->spec)
        return;
    const char *a = value_of(v, v->spec->name_fields[0]), *b = value_of(v, v->spec->name_fields[1]);
    if (*a || *b)
        snprintf(out, cap, "%s%s%s", a, *a && *b ? " " : "", b);
    else
        snprintf(out, cap, "%s", value_of(v, v->spec->name_fallback));
}

bool form_field_changed(const form_values *v, int field)
{
    if (!v || !v->spec || field < 0 || field >= v->spec->nfields)
        return false;
    const char *o = v->orig[field] ? v->orig[field] : "", *c = v->cur[field] ? v->cur[field] : "";
    if (strcmp(o, c) == 0)
        return false;
    /* "yes" for true, " 2019" for 2019, "usa" for USA: the same value, not a change. */
    const field_spec *f = &v->spec->fields[field];
    strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    bool changed = true;
    if (form_canonical(f, o, &a, NULL, 0) == 0 && form_canonical(f, c, &b, NULL, 0) == 0)
        changed = strcmp(strbuf_cstr(&a), strbuf_cstr(&b)) != 0;
    strbuf_free(&a);
    strbuf_free(&b);
    return changed;
}

int form_changed_count(const form_values *v)
{
    int n = 0;
    for (int i = 0; v && v->spec && i < v->spec->nfields; i++)
        n += form_field_changed(v, i);
    return n;
}
