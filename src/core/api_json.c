/* api_json: output lines and small reads of JSON (see api_json.h). */
#include "core/api_json.h"

#include "common/strbuf.h"
#include "core/api_pager.h"
#include "core/text.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct api_json_obj {
    cJSON *root;
};

api_json_obj *api_json_obj_new(void)
{
    api_json_obj *o = xcalloc(1, sizeof *o);
    o->root = cJSON_CreateObject();
    return o;
}

api_json_obj *api_json_obj_parse(const char *text, size_t len)
{
    cJSON *root = text ? cJSON_ParseWithLength(text, len) : NULL;
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return NULL;
    }
    api_json_obj *o = xcalloc(1, sizeof *o);
    o->root = root;
    return o;
}

void api_json_add_str(api_json_obj *o, const char *key, const char *value)
{
    if (value)
        cJSON_AddStringToObject(o->root, key, value);
    else
        cJSON_AddNullToObject(o->root, key);
}

void api_json_add_num(api_json_obj *o, const char *key, double value)
{
    if (isfinite(value))
        cJSON_AddNumberToObject(o->root, key, value);
    else
        cJSON_AddNullToObject(o->root, key);
}

void api_json_add_bool(api_json_obj *o, const char *key, bool value)
{
    cJSON_AddBoolToObject(o->root, key, value);
}

void api_json_add_null(api_json_obj *o, const char *key)
{
    cJSON_AddNullToObject(o->root, key);
}

bool api_json_has(const api_json_obj *o, const char *key)
{
    return cJSON_HasObjectItem(o->root, key);
}

void api_json_obj_free(api_json_obj *o)
{
    if (!o)
        return;
    cJSON_Delete(o->root);
    free(o);
}

static char *cjson_dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = cJSON_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Replaces every string (and key) of the tree by its sanitized form. */
static void sanitize_tree(cJSON *it)
{
    if (it->string && !(it->type & cJSON_StringIsConst)) {
        char *s = text_sanitize_str(it->string);
        if (strcmp(s, it->string) != 0) {
            char *d = cjson_dup(s);
            if (d) {
                cJSON_free(it->string);
                it->string = d;
            }
        }
        free(s);
    }
    if (cJSON_IsString(it) && it->valuestring && !(it->type & cJSON_IsReference)) {
        char *s = text_sanitize(it->valuestring, strlen(it->valuestring), true);
        if (strcmp(s, it->valuestring) != 0) {
            char *d = cjson_dup(s);
            if (d) {
                cJSON_free(it->valuestring);
                it->valuestring = d;
            }
        }
        free(s);
    }
    for (cJSON *ch = it->child; ch; ch = ch->next)
        sanitize_tree(ch);
}

/* A compact print as a plain heap string (free()), "{}" should printing fail. */
static char *print_heap(const cJSON *tree)
{
    char *p = cJSON_PrintUnformatted(tree);
    char *s = xstrdup(p ? p : "{}");
    cJSON_free(p);
    return s;
}

char *api_json_obj_line(api_json_obj *o)
{
    sanitize_tree(o->root);
    char *s = print_heap(o->root);
    api_json_obj_free(o);
    return s;
}

char *api_json_obj_text(api_json_obj *o)
{
    char *s = print_heap(o->root);
    api_json_obj_free(o);
    return s;
}

char *api_json_line(const char *text, size_t len)
{
    cJSON *root = text ? cJSON_ParseWithLength(text, len) : NULL;
    if (!root)
        return NULL;
    sanitize_tree(root);
    char *s = print_heap(root);
    cJSON_Delete(root);
    return s;
}

static const char *str_of(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

int api_json_get_str(const char *text, size_t len, const char *key, char *out, size_t cap)
{
    cJSON *root = text ? cJSON_ParseWithLength(text, len) : NULL;
    int rc = cJSON_IsObject(root) ? 0 : -1;
    if (cap)
        snprintf(out, cap, "%s", str_of(root, key));
    cJSON_Delete(root);
    return rc;
}

int api_json_each_str(const char *text, void (*each)(void *ud, const char *key, const char *value), void *ud)
{
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return -1;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, root)
    {
        if (it->string && cJSON_IsString(it) && it->valuestring)
            each(ud, it->string, it->valuestring);
    }
    cJSON_Delete(root);
    return 0;
}

char *api_json_pretty(const char *text)
{
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    char *pretty = root ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    char *s = pretty ? xstrdup(pretty) : NULL;
    cJSON_free(pretty);
    return s;
}

/* ------------------------------------------------------------------ list lines */

typedef struct lines_run {
    void (*each)(void *ud, const api_list_line *item);
    void *ud;
    api_status status;
    char *err;
} lines_run;

static int on_lines_page(void *ud, const api_page *pg, char **err)
{
    (void)err;
    lines_run *lr = ud;
    const cJSON *it;
    cJSON_ArrayForEach(it, pg->items)
    {
        cJSON *copy = cJSON_Duplicate(it, true);
        if (!copy)
            continue;
        sanitize_tree(copy);
        char *line = print_heap(copy);
        char *id = text_sanitize_str(str_of(copy, "id")), *status = text_sanitize_str(str_of(copy, "status"));
        cJSON_Delete(copy);
        api_list_line item = {line, id, status};
        lr->each(lr->ud, &item);
        free(line);
        free(id);
        free(status);
    }
    return 0;
}

static void on_lines_done(void *ud, const api_pager_result *res)
{
    lines_run *lr = ud;
    lr->status = res->status;
    if (res->error)
        lr->err = xstrdup(res->error);
}

api_status api_list_lines_run(api *a, const char *path_query, int page_size, const volatile int *stop,
                              void (*each)(void *ud, const api_list_line *item), void *ud, char **err)
{
    lines_run lr = {each, ud, API_CANCELLED, NULL};
    api_pager_req req = {.path_query = path_query,
                         .page_size = page_size,
                         .on_page = on_lines_page,
                         .on_done = on_lines_done,
                         .ud = &lr};
    api_pager_run(a, &req, stop);
    if (lr.status != API_OK && err)
        *err = lr.err ? lr.err : xstrdup("the list could not be loaded");
    else
        free(lr.err);
    return lr.status;
}
