/* inbox_store: the inbox's messages and per-connection marks, and their state file. */
#include "core/inbox_store.h"

#include "common/strbuf.h"
#include "core/statefile.h"
#include "core/text.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INBOX_VERSION 1

typedef struct conn_mark {
    char id[UUID_STR_LEN];
    int64_t since_ms;
} conn_mark;

struct inbox_store {
    inbox_msg *v;         /* newest first */
    size_t n, cap, keep;
    conn_mark *conns;
    size_t nconns;
    bool dirty;
};

inbox_store *inbox_store_new(size_t keep)
{
    inbox_store *s = xcalloc(1, sizeof *s);
    s->keep = keep ? keep : INBOX_KEEP;
    return s;
}

static void msg_free(inbox_msg *m)
{
    free(m->driver_name);
    free(m->text);
}

static void clear(inbox_store *s)
{
    for (size_t i = 0; i < s->n; i++)
        msg_free(&s->v[i]);
    s->n = 0;
    free(s->conns);
    s->conns = NULL;
    s->nconns = 0;
}

void inbox_store_free(inbox_store *s)
{
    if (!s)
        return;
    clear(s);
    free(s->v);
    free(s);
}

/* Whether a goes before b: newer, or as new with the larger id (Catena's ids are UUIDv7: the later). */
static bool before(int64_t at_a, const char *id_a, int64_t at_b, const char *id_b)
{
    return at_a != at_b ? at_a > at_b : strcmp(id_a, id_b) > 0;
}

const inbox_msg *inbox_store_find(const inbox_store *s, const char *id)
{
    for (size_t i = 0; id && i < s->n; i++)
        if (strcmp(s->v[i].id, id) == 0)
            return &s->v[i];
    return NULL;
}

/* Inserts m (taking its strings) in order, dropping the oldest past keep; false if it would be
 * the one dropped (its strings are then freed). */
static bool insert(inbox_store *s, inbox_msg *m)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (before(s->v[mid].at_ms, s->v[mid].id, m->at_ms, m->id))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= s->keep) {
        msg_free(m);
        return false;
    }
    if (s->n == s->keep) /* full: the oldest goes */
        msg_free(&s->v[--s->n]);
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    memmove(&s->v[lo + 1], &s->v[lo], (s->n - lo) * sizeof *s->v);
    s->v[lo] = *m;
    s->n++;
    s->dirty = true;
    return true;
}

bool inbox_store_add(inbox_store *s, const char *conn_id, const api_inbox_msg *m, bool unread)
{
    if (!m || !m->id[0] || inbox_store_find(s, m->id))
        return false;
    inbox_msg e = {.at_ms = m->at_ms, .unread = unread};
    snprintf(e.id, sizeof e.id, "%s", m->id);
    snprintf(e.connection_id, sizeof e.connection_id, "%s", conn_id ? conn_id : "");
    snprintf(e.driver_id, sizeof e.driver_id, "%s", m->driver_id);
    e.driver_name = xstrdup(m->driver_name ? m->driver_name : "");
    e.text = xstrdup(m->text ? m->text : "");
    return insert(s, &e);
}

size_t inbox_store_count(const inbox_store *s)
{
    return s->n;
}

const inbox_msg *inbox_store_at(const inbox_store *s, size_t i)
{
    return i < s->n ? &s->v[i] : NULL;
}

size_t inbox_store_unread(const inbox_store *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        n += s->v[i].unread;
    return n;
}

bool inbox_store_mark_read(inbox_store *s, const char *id)
{
    inbox_msg *m = (inbox_msg *)inbox_store_find(s, id);
    if (!m || !m->unread)
        return false;
    m->unread = false;
    s->dirty = true;
    return true;
}

size_t inbox_store_mark_all_read(inbox_store *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        n += s->v[i].unread;
        s->v[i].unread = false;
    }
    if (n)
        s->dirty = true;
    return n;
}

static conn_mark *mark_of(const inbox_store *s, const char *conn_id)
{
    for (size_t i = 0; conn_id && i < s->nconns; i++)
        if (strcmp(s->conns[i].id, conn_id) == 0)
            return &s->conns[i];
    return NULL;
}

int64_t inbox_store_since(const inbox_store *s, const char *conn_id)
{
    const conn_mark *c = mark_of(s, conn_id);
    return c ? c->since_ms : 0;
}

void inbox_store_set_since(inbox_store *s, const char *conn_id, int64_t ms)
{
    conn_mark *c = mark_of(s, conn_id);
    if (!c) {
        s->conns = xrealloc(s->conns, (s->nconns + 1) * sizeof *s->conns);
        c = &s->conns[s->nconns++];
        snprintf(c->id, sizeof c->id, "%s", conn_id);
        c->since_ms = 0;
    }
    if (c->since_ms != ms) {
        c->since_ms = ms;
        s->dirty = true;
    }
}

bool inbox_store_dirty(const inbox_store *s)
{
    return s->dirty;
}

/* ------------------------------------------------------------------ the state file */

char *inbox_store_encode(const inbox_store *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "version", INBOX_VERSION);
    cJSON *conns = cJSON_AddArrayToObject(o, "connections");
    for (size_t i = 0; i < s->nconns; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "id", s->conns[i].id);
        cJSON_AddNumberToObject(c, "since_ms", (double)s->conns[i].since_ms);
        cJSON_AddItemToArray(conns, c);
    }
    cJSON *msgs = cJSON_AddArrayToObject(o, "messages");
    for (size_t i = 0; i < s->n; i++) {
        const inbox_msg *m = &s->v[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "id", m->id);
        cJSON_AddStringToObject(j, "connection_id", m->connection_id);
        cJSON_AddStringToObject(j, "driver_id", m->driver_id);
        cJSON_AddStringToObject(j, "driver_name", m->driver_name);
        cJSON_AddStringToObject(j, "text", m->text);
        cJSON_AddNumberToObject(j, "at_ms", (double)m->at_ms);
        cJSON_AddBoolToObject(j, "unread", m->unread);
        cJSON_AddItemToArray(msgs, j);
    }
    char *p = cJSON_PrintUnformatted(o);
    char *out = xstrdup(p ? p : "{}");
    cJSON_free(p);
    cJSON_Delete(o);
    return out;
}

/* A millisecond time the file holds, if it is a sane one (a hostile file may hold 1e300). */
static bool ms_of(const cJSON *o, const char *k, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0 || v->valuedouble > 1e15)
        return false;
    *out = (int64_t)v->valuedouble;
    return true;
}

static const char *str_of(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static bool uuid_field(const cJSON *o, const char *k, char out[UUID_STR_LEN])
{
    uuid u;
    const char *s = str_of(o, k);
    if (!s || !uuid_parse(s, &u))
        return false;
    uuid_format(&u, out);
    return true;
}

int inbox_store_decode(inbox_store *s, const char *json, size_t len, char **err)
{
    clear(s);
    cJSON *root = cJSON_ParseWithLength(json, len);
    const cJSON *ver = root ? cJSON_GetObjectItemCaseSensitive(root, "version") : NULL;
    if (!cJSON_IsObject(root) || !cJSON_IsNumber(ver) || ver->valuedouble != INBOX_VERSION) {
        *err = xstrdup("the inbox state file is not one this version wrote");
        cJSON_Delete(root);
        return -1;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "connections"))
    {
        char id[UUID_STR_LEN];
        int64_t since;
        if (uuid_field(it, "id", id) && ms_of(it, "since_ms", &since))
            inbox_store_set_since(s, id, since);
    }
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "messages"))
    {
        api_inbox_msg m = {0};
        char conn[UUID_STR_LEN];
        const char *name = str_of(it, "driver_name"), *text = str_of(it, "text");
        if (!uuid_field(it, "id", m.id) || !uuid_field(it, "connection_id", conn) ||
            !uuid_field(it, "driver_id", m.driver_id) || !ms_of(it, "at_ms", &m.at_ms) || !text ||
            strlen(text) > API_INBOX_TEXT_MAX + 3 || (name && strlen(name) > API_INBOX_NAME_MAX + 3))
            continue; /* not an entry this program wrote */
        m.driver_name = text_sanitize_str(name ? name : ""); /* the file is trusted no more than the API */
        m.text = text_sanitize_str(text);
        inbox_store_add(s, conn, &m, !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(it, "unread")));
        free(m.driver_name);
        free(m.text);
    }
    cJSON_Delete(root);
    s->dirty = false;
    return 0;
}

int inbox_store_load(inbox_store *s, const char *path, char **err)
{
    char *data = NULL;
    size_t len = 0;
    if (statefile_read(path, INBOX_FILE_MAX, &data, &len, err) != 0)
        return -1;
    int rc = data ? inbox_store_decode(s, data, len, err) : 0;
    free(data);
    return rc;
}

/* Takes what another console of the account wrote: its messages this store lacks, its read marks
 * (read by either is read) and its marks per connection (the later). */
static void merge_from(inbox_store *s, const inbox_store *o)
{
    for (size_t i = 0; i < o->n; i++) {
        const inbox_msg *m = &o->v[i];
        inbox_msg *mine = (inbox_msg *)inbox_store_find(s, m->id);
        if (mine) {
            mine->unread = mine->unread && m->unread;
            continue;
        }
        api_inbox_msg a = {.at_ms = m->at_ms, .driver_name = m->driver_name, .text = m->text};
        memcpy(a.id, m->id, sizeof a.id);
        memcpy(a.driver_id, m->driver_id, sizeof a.driver_id);
        inbox_store_add(s, m->connection_id, &a, m->unread);
    }
    for (size_t i = 0; i < o->nconns; i++)
        if (o->conns[i].since_ms > inbox_store_since(s, o->conns[i].id))
            inbox_store_set_since(s, o->conns[i].id, o->conns[i].since_ms);
}

int inbox_store_save(inbox_store *s, const char *path, char **err)
{
    /* Consoles of one account share the file: merge under its lock, so none erases another's
     * messages or read marks. */
    char lock[PATH_MAX];
    if (snprintf(lock, sizeof lock, "%s.lock", path) >= (int)sizeof lock) {
        *err = xstrdup("cannot save the inbox: its path is too long");
        return -1;
    }
    int fd = statefile_lock(lock, 2000, err);
    if (fd < 0)
        return -1;
    inbox_store *other = inbox_store_new(s->keep);
    char *ignored = NULL;
    if (inbox_store_load(other, path, &ignored) == 0) /* an unreadable file is replaced */
        merge_from(s, other);
    free(ignored);
    inbox_store_free(other);
    char *json = inbox_store_encode(s);
    int rc = statefile_write(path, json, strlen(json), err);
    free(json);
    statefile_unlock(fd);
    if (rc == 0)
        s->dirty = false;
    return rc;
}
