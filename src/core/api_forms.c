/* api_forms: the JSON side of the forms (core/forms.h): a record's values read from its GET body,
 * and the POST/PATCH bodies built from a form or from a subcommand's --set values. */
#include "core/forms.h"

#include "common/strbuf.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A record value as form text; NULL for null or absent. */
static char *json_text(const cJSON *it)
{
    char buf[64];
    if (!it || cJSON_IsNull(it))
        return NULL;
    if (cJSON_IsString(it))
        return xstrdup(it->valuestring ? it->valuestring : "");
    if (cJSON_IsBool(it))
        return xstrdup(cJSON_IsTrue(it) ? "true" : "false");
    if (cJSON_IsNumber(it)) {
        form_format_number(it->valuedouble, buf, sizeof buf);
        return xstrdup(buf);
    }
    char *p = cJSON_PrintUnformatted(it); /* an object or array where a scalar belongs */
    char *s = xstrdup(p ? p : "");
    cJSON_free(p);
    return s;
}

int form_values_from_record(form_values *v, const char *json, size_t len, char **err)
{
    if (err)
        *err = NULL;
    const char *end = NULL;
    cJSON *root = json && v && v->spec ? cJSON_ParseWithLengthOpts(json, len, &end, false) : NULL;
    for (const char *p = end; root && p < json + len && *p; p++)
        if (!isspace((unsigned char)*p)) { /* trailing garbage */
            cJSON_Delete(root);
            root = NULL;
            break;
        }
    if (!cJSON_IsObject(root)) {
        if (err)
            *err = xstrdup(root || !json ? "the record is not a JSON object" : "the record is not valid JSON");
        cJSON_Delete(root);
        return -1;
    }
    for (int i = 0; i < v->spec->nfields; i++) {
        char *t = json_text(cJSON_GetObjectItemCaseSensitive(root, v->spec->fields[i].name));
        free(v->orig[i]);
        free(v->cur[i]);
        v->orig[i] = t;
        v->cur[i] = xstrdup(t ? t : "");
    }
    cJSON_Delete(root);
    return 0;
}

static char *body_fail(char **err, cJSON *root, strbuf *sb, const char *label, const char *m)
{
    if (err) {
        strbuf e = STRBUF_INIT;
        strbuf_printf(&e, "%s: %s", label, m);
        *err = strbuf_detach(&e);
    }
    cJSON_Delete(root);
    if (sb)
        strbuf_free(sb);
    return NULL;
}

/* {"connection_id": ...}, or NULL with *err when there is no form or no connection. */
static cJSON *body_start(const form_spec *s, const char *connection_id, char **err)
{
    if (err)
        *err = NULL;
    if (!s || !connection_id || !*connection_id) {
        body_fail(err, NULL, NULL, s ? "Connection" : "Form", s ? "no connection selected" : "no form");
        return NULL;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "connection_id", connection_id);
    return root;
}

/* Adds a valid canonical value to the body, typed per field. */
static void add_typed(cJSON *root, const field_spec *f, const char *cv)
{
    switch (f->type) {
    case FT_INT: cJSON_AddNumberToObject(root, f->name, (double)strtol(cv, NULL, 10)); break;
    case FT_NUMBER: cJSON_AddNumberToObject(root, f->name, form_parse_number(cv)); break;
    case FT_BOOL: cJSON_AddBoolToObject(root, f->name, strcmp(cv, "true") == 0); break;
    case FT_ENUM_LIST: {
        cJSON *arr = cJSON_AddArrayToObject(root, f->name);
        for (const char *p = cv; *p; p += strspn(p, ", ")) { /* canonical: "a, b" */
            size_t n = strcspn(p, ",");
            char *item = xstrndup(p, n);
            cJSON_AddItemToArray(arr, cJSON_CreateString(item));
            free(item);
            p += n;
        }
        break;
    }
    default: cJSON_AddStringToObject(root, f->name, cv); break;
    }
}

/* Counts derived from a list (a DVIR log's defect_count) are never typed: they are the number
 * of values the body's list has. */
static void add_counts(cJSON *root, const form_spec *s)
{
    for (int i = 0; i < s->nfields; i++) {
        const field_spec *f = &s->fields[i];
        if (!f->count_of)
            continue;
        cJSON_DeleteItemFromObjectCaseSensitive(root, f->name);
        const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, f->count_of);
        if (cJSON_IsArray(list))
            cJSON_AddNumberToObject(root, f->name, cJSON_GetArraySize(list));
    }
}

static char *print_body(cJSON *root, strbuf *c)
{
    char *p = cJSON_PrintUnformatted(root);
    char *out = xstrdup(p ? p : "{}");
    cJSON_free(p);
    cJSON_Delete(root);
    strbuf_free(c);
    return out;
}

char *form_build_body(const form_values *v, const char *connection_id, bool update, char **err)
{
    strbuf c = STRBUF_INIT;
    cJSON *root = body_start(v ? v->spec : NULL, connection_id, err);
    if (!root)
        return NULL;
    char emsg[512];
    for (int i = 0; i < v->spec->nfields; i++) {
        const field_spec *f = &v->spec->fields[i];
        if ((update && !form_field_changed(v, i)) || f->count_of)
            continue;
        if (form_canonical(f, v->cur[i], &c, emsg, sizeof emsg) != 0)
            return body_fail(err, root, &c, f->label, emsg);
        const char *cv = strbuf_cstr(&c);
        if (!*cv) {
            if (update)
                cJSON_AddNullToObject(root, f->name);
            else if (f->required_on_create)
                return body_fail(err, root, &c, f->label, "required");
            continue;
        }
        add_typed(root, f, cv);
    }
    add_counts(root, v->spec);
    return print_body(root, &c);
}

char *form_body_from_sets(const form_spec *s, const char *connection_id, const char *const *sets, size_t nsets,
                          bool update, char **err)
{
    strbuf c = STRBUF_INIT;
    cJSON *root = body_start(s, connection_id, err);
    if (!root)
        return NULL;
    char emsg[512];
    for (size_t i = 0; i < nsets; i++) {
        const char *eq = sets[i] ? strchr(sets[i], '=') : NULL;
        char *name = eq ? xstrndup(sets[i], (size_t)(eq - sets[i])) : NULL;
        int k = form_field_index(s, name);
        free(name);
        if (k < 0)
            return body_fail(err, root, &c, "--set", eq ? "unknown field" : "wants FIELD=VALUE");
        const field_spec *f = &s->fields[k];
        if (f->count_of) {
            snprintf(emsg, sizeof emsg, "counted from %s; set that instead", f->count_of);
            return body_fail(err, root, &c, f->label, emsg);
        }
        if (form_canonical(f, eq + 1, &c, emsg, sizeof emsg) != 0)
            return body_fail(err, root, &c, f->label, emsg);
        cJSON_DeleteItemFromObjectCaseSensitive(root, f->name); /* the last one given wins */
        if (*strbuf_cstr(&c))
            add_typed(root, f, strbuf_cstr(&c));
        else if (update)
            cJSON_AddNullToObject(root, f->name);
    }
    for (int i = 0; !update && i < s->nfields; i++) {
        const field_spec *f = &s->fields[i];
        bool given = cJSON_HasObjectItem(root, f->name);
        if (!given && f->required_on_create)
            return body_fail(err, root, &c, f->label, "required");
        if (!given && f->create_default) {
            if (form_canonical(f, f->create_default, &c, emsg, sizeof emsg) != 0)
                return body_fail(err, root, &c, f->label, emsg);
            add_typed(root, f, strbuf_cstr(&c));
        }
    }
    add_counts(root, s);
    return print_body(root, &c);
}
