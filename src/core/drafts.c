/* drafts: unsent messages and forms kept on disk, one JSON file per draft, written atomically.
 * Files are read back defensively: anything that is not a version-1 draft object is skipped. */
#include "core/drafts.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "core/statefile.h"

#define DRAFT_VERSION 1
#define DRAFT_MAX_FILE (4u << 20) /* larger files are not drafts we wrote */

static const char *const kind_names[] = {"message", "group_message", "form"};

static void set_err(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(char **err, const char *fmt, ...)
{
    if (!err)
        return;
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    free(*err);
    *err = strbuf_detach(&sb);
}

/* ------------------------------------------------------------------ directories */

int drafts_dir(char *out, size_t cap)
{
    return statefile_account_dir("drafts", out, cap, NULL);
}

static uint32_t random32(void)
{
    uint32_t r;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) == (ssize_t)sizeof r)
        return r;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (uint32_t)tv.tv_usec * 2654435761u ^ (uint32_t)(uintptr_t)&tv;
}

void drafts_new_id(char out[40])
{
    static unsigned counter;
    snprintf(out, 40, "%lld-%ld-%u-%08x", (long long)time(NULL), (long)getpid() % 10000000, ++counter,
             (unsigned)random32());
}

/* Ids name files: 1..39 of [A-Za-z0-9_-], so never "..", "/" or a hidden file. */
static bool id_ok(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    return n > 0 && n < 40 && strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* ------------------------------------------------------------------ (de)serializing */

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

static char *draft_to_json(const draft *d)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "version", DRAFT_VERSION);
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

/* Fills d from a parsed file; false if it is not a version-1 draft. Other members that are
 * missing or of the wrong type take their defaults. */
static bool draft_from_json(const cJSON *o, draft *d, int64_t fallback_time)
{
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(o, "version");
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
    if (!cJSON_IsObject(o) || !cJSON_IsNumber(ver) || ver->valuedouble != DRAFT_VERSION || !cJSON_IsString(kind))
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
    d->maybe_sent = get_bool(o, "maybe_sent");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "updated_unix");
    bool sane = cJSON_IsNumber(t) && isfinite(t->valuedouble) && t->valuedouble >= 0 && t->valuedouble < 1e15;
    d->updated_unix = sane ? (int64_t)t->valuedouble : fallback_time;
    return true;
}

/* Reads one draft file (a regular file, not a link, of sane size); false if it is not one. */
static bool load_file(const char *dir, const char *name, draft *d)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return false;
    char *buf = NULL;
    size_t got = 0;
    struct stat st;
    if (statefile_read(path, DRAFT_MAX_FILE, &buf, &got, NULL) != 0 || !buf || stat(path, &st) != 0) {
        free(buf);
        return false;
    }
    cJSON *root = cJSON_ParseWithLength(buf, got);
    free(buf);
    memset(d, 0, sizeof *d);
    bool ok = root && draft_from_json(root, d, (int64_t)st.st_mtime);
    cJSON_Delete(root);
    if (!ok)
        draft_free(d);
    return ok;
}

/* ------------------------------------------------------------------ public */

int draft_save(draft *d, char **err)
{
    if (err)
        *err = NULL;
    if (!d || (unsigned)d->kind > DRAFT_FORM) {
        set_err(err, "cannot save the draft: it is not a draft");
        return -1;
    }
    if (!d->id[0])
        drafts_new_id(d->id);
    if (!id_ok(d->id)) {
        set_err(err, "cannot save the draft: bad draft id");
        return -1;
    }
    char dir[PATH_MAX - 64], path[PATH_MAX];
    if (statefile_account_dir("drafts", dir, sizeof dir, err) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/%s.json", dir, d->id);
    d->updated_unix = (int64_t)time(NULL);
    const char *profile = statefile_account_profile();
    if (profile && (!d->profile || strcmp(d->profile, profile) != 0)) {
        free(d->profile); /* the account it is kept in is the one it belongs to */
        d->profile = xstrdup(profile);
    }
    char *json = draft_to_json(d), *why = NULL;
    int rc = statefile_write(path, json, strlen(json), &why);
    if (rc != 0)
        set_err(err, "cannot save the draft: %s", why ? why : "unknown error");
    free(why);
    free(json);
    return rc;
}

int draft_remove(const char *id)
{
    char dir[PATH_MAX - 64], path[PATH_MAX];
    if (!id_ok(id) || statefile_account_dir("drafts", dir, sizeof dir, NULL) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/%s.json", dir, id);
    return statefile_remove(path, NULL);
}

static int newest_first(const void *a, const void *b)
{
    const draft *x = a, *y = b;
    if (x->updated_unix != y->updated_unix)
        return x->updated_unix < y->updated_unix ? 1 : -1;
    return -strcmp(x->id, y->id);
}

int drafts_load_all(draft **out, size_t *n, size_t *skipped)
{
    *out = NULL;
    *n = 0;
    if (skipped)
        *skipped = 0;
    char dir[PATH_MAX];
    if (statefile_account_dir("drafts", dir, sizeof dir, NULL) != 0)
        return -1;
    DIR *dp = opendir(dir);
    if (!dp)
        return -1;
    size_t cap = 0;
    draft *list = NULL;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue; /* not a draft: temp files are hidden, other names are not ours */
        char id[40];
        draft d;
        bool ok = len - 5 < sizeof id;
        if (ok) {
            memcpy(id, e->d_name, len - 5);
            id[len - 5] = '\0';
            ok = id_ok(id) && load_file(dir, e->d_name, &d);
        }
        if (!ok) {
            if (skipped)
                (*skipped)++;
            continue;
        }
        memcpy(d.id, id, sizeof id); /* the file name is the id */
        if (!d.profile && statefile_account_profile()) /* kept before drafts named their profile */
            d.profile = xstrdup(statefile_account_profile());
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            list = xrealloc(list, cap * sizeof *list);
        }
        list[(*n)++] = d;
    }
    closedir(dp);
    if (*n > 1)
        qsort(list, *n, sizeof *list, newest_first);
    *out = list;
    return 0;
}

void draft_free(draft *d)
{
    if (!d)
        return;
    char **strs[] = {&d->connection_id, &d->sender_id, &d->recipient_id, &d->profile, &d->recipient_label, &d->text,
                     &d->priority, &d->reply_to_message_id, &d->form_resource, &d->form_record_id,
                     &d->form_json, &d->last_error};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        free(*strs[i]);
        *strs[i] = NULL;
    }
    for (size_t i = 0; d->recipient_ids && i < d->nrecipients; i++)
        free(d->recipient_ids[i]);
    free(d->recipient_ids);
    d->recipient_ids = NULL;
    d->nrecipients = 0;
}

void drafts_free_all(draft *list, size_t n)
{
    for (size_t i = 0; list && i < n; i++)
        draft_free(&list[i]);
    free(list);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

draft *draft_clone(const draft *d)
{
    if (!d)
        return NULL;
    draft *c = xcalloc(1, sizeof *c);
    *c = *d; /* scalars and id; every pointer is replaced below */
    c->connection_id = dup_or_null(d->connection_id);
    c->sender_id = dup_or_null(d->sender_id);
    c->recipient_id = dup_or_null(d->recipient_id);
    c->recipient_ids = d->recipient_ids && d->nrecipients ? xcalloc(d->nrecipients, sizeof(char *)) : NULL;
    c->nrecipients = c->recipient_ids ? d->nrecipients : 0;
    for (size_t i = 0; i < c->nrecipients; i++)
        c->recipient_ids[i] = dup_or_null(d->recipient_ids[i]);
    c->profile = dup_or_null(d->profile);
    c->recipient_label = dup_or_null(d->recipient_label);
    c->text = dup_or_null(d->text);
    c->priority = dup_or_null(d->priority);
    c->reply_to_message_id = dup_or_null(d->reply_to_message_id);
    c->form_resource = dup_or_null(d->form_resource);
    c->form_record_id = dup_or_null(d->form_record_id);
    c->form_json = dup_or_null(d->form_json);
    c->last_error = dup_or_null(d->last_error);
    return c;
}
