/* api_drafts: a draft file's JSON (core/api_drafts.h). */
#include "core/api_drafts.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"

static const char *const kind_names[] = {"message", "group_message", "form"};

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

char *api_draft_encode(const draft *d)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "version", API_DRAFT_VERSION);
    cJSON_AddStringToObject(o, "id", d->id);
    cJSON_AddStringToObject(o, "kind", kind_names[d->kind]);
    add_str(o, "connection_id", d->connection_id);
    add_str(o, "sender_id", d->sender_id);
    add_str(o, "recipient_id", d->recipient_id);
    cJSON *ids = cJSON_AddArrayToObject(o, "recipient_ids");
    for (size_t i = 0; d->recipient_ids && i < d->nrecipients; i++)
        if (d->recipient_ids[i])
            cJSON_AddItemToArray(ids, cJSON_CreateString(d->recipient_ids[i]));
    add_str(o, "profile", d->profile);
    add_str(o, "recipient_label", d->recipient_label);
    add_str(o, "text", d->text);
    add_str(o, "priority", d->priority);
    cJSON_AddBoolToObject(o, "sync", d->sync);
    add_str(o, "reply_to_message_id", d->reply_to_message_id);
    add_str(o, "form_resource", d->form_resource);
    add_str(o, "form_record_id", d->form_record_id);
    add_str(o, "form_json", d->form_json);
    add_str(o, "last_error", d->last_error);
    if (d->operation_id)
        cJSON_AddStringToObject(o, "operation_id", d->operation_id);
    cJSON_AddBoolToObject(o, "maybe_sent", d->maybe_sent);
    cJSON_AddNumberToObject(o, "updated_unix", (double)d->updated_unix);
    char *p = cJSON_Print(o);
    char *s = p ? xstrdup(p) : NULL;
    cJSON_free(p);
    cJSON_Delete(o);
    return s;
}

static char *get_str(const cJSON *o, const char *k)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(it) && it->valuestring ? xstrdup(it->valuestring) : NULL;
}

static bool get_bool(const cJSON *o, const char *k)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static bool from_tree(const cJSON *o, draft *d, int64_t fallback_time)
{
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(o, "version");
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
    if (!cJSON_IsObject(o) || !cJSON_IsNumber(ver) || ver->valuedouble != API_DRAFT_VERSION || !cJSON_IsString(kind))
        return false;
    int k = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp(kind->valuestring, kind_names[i]) == 0)
            k = i;
    if (k < 0)
        return false;
    d->kind = (draft_kind)k;
    d->connection_id = get_str(o, "connection_id");
    d->sender_id = get_str(o, "sender_id");
    d->recipient_id = get_str(o, "recipient_id");
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(o, "recipient_ids");
    int n = cJSON_IsArray(ids) ? cJSON_GetArraySize(ids) : 0;
    d->recipient_ids = n > 0 ? xcalloc((size_t)n, sizeof(char *)) : NULL;
    for (const cJSON *it = n > 0 ? ids->child : NULL; it; it = it->next)
        if (cJSON_IsString(it) && it->valuestring)
            d->recipient_ids[d->nrecipients++] = xstrdup(it->valuestring);
    d->profile = get_str(o, "profile");
    d->recipient_label = get_str(o, "recipient_label");
    d->text = get_str(o, "text");
    d->priority = get_str(o, "priority");
    d->sync = get_bool(o, "sync");
    d->reply_to_message_id = get_str(o, "reply_to_message_id");
    d->form_resource = get_str(o, "form_resource");
    d->form_record_id = get_str(o, "form_record_id");
    d->form_json = get_str(o, "form_json");
    d->last_error = get_str(o, "last_error");
    d->operation_id = get_str(o, "operation_id");
    d->maybe_sent = get_bool(o, "maybe_sent");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "updated_unix");
    bool sane = cJSON_IsNumber(t) && isfinite(t->valuedouble) && t->valuedouble >= 0 && t->valuedouble < 1e15;
    d->updated_unix = sane ? (int64_t)t->valuedouble : fallback_time;
    return true;
}

bool api_draft_decode(const char *text, size_t len, draft *d, int64_t fallback_time)
{
    memset(d, 0, sizeof *d);
    cJSON *root = text ? cJSON_ParseWithLength(text, len) : NULL;
    bool ok = root && from_tree(root, d, fallback_time);
    cJSON_Delete(root);
    if (!ok)
        draft_free(d);
    return ok;
}
