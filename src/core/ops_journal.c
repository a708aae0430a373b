/* ops_journal: the ops sent from this console, kept in one JSON file (normally
 * $XDG_STATE_HOME/catena-dispatch/operations.json) written atomically whenever they change:
 *
 *   {"version":1,"clock_offset_ms":N,"ops":[
 *   {ResourceOperation fields..., "label":..., "target_id":..., "poll":bool, "created_ms":N},
 *   ...]}
 *
 * one op per line, newest first. "poll" says whether it is still being tracked (pending, or a
 * status this client does not know); "clock_offset_ms" is how far the server's clock was seen
 * ahead of ours (it decides when an op is too old to be found). */
#include "core/ops_private.h"

#include "common/strbuf.h"
#include "core/statefile.h"
#include "core/text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
}

static cJSON *op_to_json(const op_entry *e)
{
    const op_rec *r = &e->r;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", r->id);
    cJSON_AddStringToObject(o, "connection_id", r->connection_id);
    add_str(o, "resource", r->resource);
    add_str(o, "operation_type", r->operation_type);
    cJSON_AddStringToObject(o, "status", op_status_name(r->status));
    add_str(o, "resource_id", r->resource_id);
    add_str(o, "source_id", r->source_id);
    add_str(o, "source_name", r->source_name);
    add_str(o, "created_at", r->created_at);
    add_str(o, "updated_at", r->updated_at);
    cJSON *pl = r->payload_json ? cJSON_Parse(r->payload_json) : NULL;
    if (pl)
        cJSON_AddItemToObject(o, "payload", pl);
    if (r->nlogs > 0) {
        cJSON *logs = cJSON_AddArrayToObject(o, "logs");
        for (int i = 0; i < r->nlogs; i++) {
            const op_log *lg = &r->logs[i];
            cJSON *l = cJSON_CreateObject();
            add_str(l, "created_at", lg->created_at);
            add_str(l, "status", lg->status);
            add_str(l, "error_type", lg->error_type);
            add_str(l, "error_details", lg->error_details);
            if (lg->response_status_code >= 0)
                cJSON_AddNumberToObject(l, "response_status_code", lg->response_status_code);
            cJSON_AddItemToArray(logs, l);
        }
    }
    add_str(o, "label", r->label);
    add_str(o, "target_id", r->target_id);
    cJSON_AddBoolToObject(o, "poll", ops__live(e));
    cJSON_AddNumberToObject(o, "created_ms", (double)e->created_ms);
    return o;
}

static void ensure_parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return;
    char *dir = xstrndup(path, (size_t)(slash - path));
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        /* atomic_write_file will report it */
    }
    free(dir);
}

void ops__journal_save(ops_tracker *t)
{
    if (!t->journal_path)
        return;
    strbuf sb = STRBUF_INIT;
    strbuf_printf(&sb, "{\"version\":1,\"clock_offset_ms\":%lld,\"ops\":[", (long long)t->clock_offset_ms);
    bool first = true;
    for (size_t i = 0; i < t->n; i++) {
        if (!t->ents[i]->r.mine)
            continue;
        cJSON *o = op_to_json(t->ents[i]);
        char *js = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        strbuf_puts(&sb, first ? "\n" : ",\n");
        strbuf_puts(&sb, js ? js : "null");
        cJSON_free(js);
        first = false;
    }
    strbuf_puts(&sb, "\n]}\n");
    ensure_parent_dir(t->journal_path);
    char *err = NULL;
    if (statefile_write(t->journal_path, sb.data, sb.len, &err) != 0) {
        snprintf(t->last_error, sizeof t->last_error, "Could not save the operations journal: %.150s",
                 err ? err : "write failed");
        t->journal_failed = true;
    } else if (t->journal_failed) {
        t->journal_failed = false;
        t->last_error[0] = '\0';
    }
    free(err);
    strbuf_free(&sb);
}

static int read_file(const char *path, strbuf *out, int *err_no)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err_no = errno;
        return -1;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        strbuf_append(out, buf, n);
    int bad = ferror(f);
    *err_no = bad ? EIO : 0;
    fclose(f);
    return bad ? -1 : 0;
}

static int set_aside(const ops_tracker *t, const char *why, char **err)
{
    strbuf aside = STRBUF_INIT;
    strbuf_printf(&aside, "%s.corrupt", t->journal_path);
    if (rename(t->journal_path, aside.data) == 0)
        *err = ops__fmt("The operations journal could not be read (%s); it was kept as %s and the list starts "
                        "empty.",
                        why, aside.data);
    else
        *err = ops__fmt("The operations journal %s could not be read (%s) nor set aside (%s).", t->journal_path, why,
                        strerror(errno));
    strbuf_free(&aside);
    return -1;
}

int ops__journal_load(ops_tracker *t, char **err)
{
    strbuf sb = STRBUF_INIT;
    int en = 0;
    if (read_file(t->journal_path, &sb, &en) != 0) {
        strbuf_free(&sb);
        if (en == ENOENT)
            return 0; /* first run */
        *err = ops__fmt("Could not read the operations journal %s: %s", t->journal_path, strerror(en));
        return -1;
    }
    cJSON *root = sb.len ? cJSON_ParseWithLength(sb.data, sb.len) : NULL;
    strbuf_free(&sb);
    const cJSON *list = cJSON_IsArray(root) ? root : cJSON_GetObjectItemCaseSensitive(root, "ops");
    if (!cJSON_IsArray(list)) {
        const char *why = !root ? "not valid JSON" : "no list of operations";
        cJSON_Delete(root);
        return set_aside(t, why, err);
    }
    const cJSON *off = cJSON_GetObjectItemCaseSensitive(root, "clock_offset_ms");
    if (cJSON_IsNumber(off) && !t->offset_fresh && off->valuedouble > -1e12 && off->valuedouble < 1e12)
        t->clock_offset_ms = (int64_t)off->valuedouble;
    size_t changes_before = t->nchanges;
    size_t loaded = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, list)
    {
        op_rec r;
        bool odd;
        char *e = NULL;
        if (ops__parse(&r, it, &odd, &e) != 0) {
            free(e); /* one bad record does not cost the others */
            continue;
        }
        if (ops__lookup(t, r.id)) {
            op_rec_clear(&r);
            continue;
        }
        bool poll = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "poll"));
        char *label = NULL, *target = NULL;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "label");
        if (cJSON_IsString(v) && v->valuestring && v->valuestring[0])
            label = text_sanitize_str(v->valuestring);
        v = cJSON_GetObjectItemCaseSensitive(it, "target_id");
        if (cJSON_IsString(v) && v->valuestring && v->valuestring[0])
            target = text_sanitize_str(v->valuestring);
        op_entry *en2 = ops__insert(t, &r, false, true);
        en2->r.label = label;
        en2->r.target_id = target;
        if (en2->r.status == OP_UNKNOWN) {
            en2->odd_status = poll;
            en2->gave_up = !poll;
        }
        v = cJSON_GetObjectItemCaseSensitive(it, "created_ms");
        if (!en2->r.created_at && cJSON_IsNumber(v))
            en2->created_ms = (int64_t)v->valuedouble;
        loaded++;
    }
    cJSON_Delete(root);
    t->nchanges = changes_before; /* loading is not a status change */
    t->journal_dirty = false;
    t->dirty = loaded > 0;
    return 0;
}
