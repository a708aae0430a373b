/* ops_journal: the operations journal file, merged on write between consoles. The format (see
 * api_journal_encode) is one JSON object:
 *
 *   {"version":1,"clock_offset_ms":N,"ops":[
 *   {ResourceOperation fields..., "label":..., "target_id":..., "poll":bool, "created_ms":N},
 *   ...]}
 *
 * one op per line, newest first. "poll" says whether it is still being tracked (pending, or a
 * status this client does not know); "clock_offset_ms" is how far the server's clock was seen
 * ahead of ours (it decides when an op is too old to be found).
 *
 * Merge rule: an entry of the file that this console does not hold is another console's, and is
 * kept, unless this console wrote (or loaded) it last time and has dropped it since (eviction). */
#include "core/ops_journal.h"

#include "common/err.h"
#include "common/strbuf.h"
#include "core/statefile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPS_JOURNAL_MAX (64u << 20) /* larger is not a journal this program wrote */
#define OPS_JOURNAL_LOCK_MS 2000    /* another console saves in far less; past it, this save fails */

struct ops_journal {
    char *path, *dir, *lock_path;
    char (*owned)[UUID_STR_LEN]; /* ids this console wrote or loaded last time, sorted */
    size_t nowned;
};

ops_journal *ops_journal_new(const char *path)
{
    ops_journal *j = xcalloc(1, sizeof *j);
    j->path = xstrdup(path);
    j->lock_path = xasprintf("%s.lock", path);
    const char *slash = strrchr(path, '/');
    j->dir = slash && slash != path ? xstrndup(path, (size_t)(slash - path)) : xstrdup(slash ? "/" : ".");
    return j;
}

void ops_journal_free(ops_journal *j)
{
    if (!j)
        return;
    free(j->path);
    free(j->lock_path);
    free(j->dir);
    free(j->owned);
    free(j);
}

static int cmp_id(const void *a, const void *b)
{
    return strcmp(a, b);
}

static bool owned(const ops_journal *j, const char *id)
{
    return j->nowned && bsearch(id, j->owned, j->nowned, sizeof *j->owned, cmp_id) != NULL;
}

/* Remembers the ids of ops[0..n) as this console's. */
static void set_owned(ops_journal *j, const api_journal_op *const *ops, size_t n)
{
    free(j->owned);
    j->owned = xcalloc(n ? n : 1, sizeof *j->owned);
    for (size_t i = 0; i < n; i++)
        memcpy(j->owned[i], ops[i]->r.id, UUID_STR_LEN);
    j->nowned = n;
    qsort(j->owned, n, sizeof *j->owned, cmp_id);
}

static int set_aside(const ops_journal *j, const char *why, char **err)
{
    char *aside = xasprintf("%s.corrupt", j->path);
    if (rename(j->path, aside) == 0)
        *err = xasprintf("The operations journal could not be read (%s); it was kept as %s and the list starts empty.", why,
                   aside);
    else
        *err = xasprintf("The operations journal %s could not be read (%s) nor set aside (%s).", j->path, why,
                   strerror(errno));
    free(aside);
    return -1;
}

/* The journal as the file holds it now; -1 with *why (heap) if it is corrupt, *err if unreadable. */
static int read_journal(const ops_journal *j, api_journal *out, char **why, char **err)
{
    char *text = NULL, *e = NULL;
    size_t len = 0;
    memset(out, 0, sizeof *out);
    *why = NULL;
    if (statefile_read(j->path, OPS_JOURNAL_MAX, &text, &len, &e) != 0) {
        *err = xasprintf("Could not read the operations journal: %s", e);
        free(e);
        return -1;
    }
    if (!text)
        return 0; /* first run */
    int rc = api_journal_decode(text, len, out, why);
    free(text);
    return rc;
}

int ops_journal_load(ops_journal *j, api_journal *out, char **err)
{
    char *why = NULL;
    *err = NULL;
    if (read_journal(j, out, &why, err) != 0) {
        if (!why)
            return -1;
        set_aside(j, why, err);
        free(why);
        return -1;
    }
    const api_journal_op **ops = xcalloc(out->n ? out->n : 1, sizeof *ops);
    for (size_t i = 0; i < out->n; i++)
        ops[i] = &out->ops[i];
    set_owned(j, ops, out->n);
    free(ops);
    return 0;
}

static int newest_first(const void *pa, const void *pb)
{
    const api_journal_op *a = *(const api_journal_op *const *)pa, *b = *(const api_journal_op *const *)pb;
    if (a->created_ms != b->created_ms)
        return a->created_ms > b->created_ms ? -1 : 1;
    return -strcmp(a->r.id, b->r.id);
}

/* The mine ops of the store (*nmine of them), then the other consoles' entries of the file, into out. */
static size_t collect(const ops_journal *j, const ops_store *s, const api_journal *file, api_journal_op *mine,
                      const api_journal_op **out, size_t *nmine)
{
    size_t nout = 0;
    for (size_t i = 0; i < ops_store_count(s); i++) {
        const ops_entry *e = ops_store_at(s, i);
        if (!e->r.mine)
            continue;
        api_journal_op *o = &mine[nout];
        o->r = e->r; /* a shallow, read-only copy for the encoder */
        o->poll = ops_entry_live(e);
        o->has_created_ms = true;
        o->created_ms = e->created_ms;
        out[nout++] = o;
    }
    *nmine = nout;
    for (size_t i = 0; i < file->n; i++) {
        const api_journal_op *o = &file->ops[i];
        if (!ops_store_lookup(s, o->r.id) && !owned(j, o->r.id))
            out[nout++] = o;
    }
    return nout;
}

static int save_locked(ops_journal *j, const ops_store *s, int64_t clock_offset_ms, char **err)
{
    api_journal file;
    char *why = NULL, *rerr = NULL;
    if (read_journal(j, &file, &why, &rerr) != 0) {
        /* What cannot be read cannot be merged: this console's entries replace it. */
        free(why);
        free(rerr);
        memset(&file, 0, sizeof file);
    }
    size_t n = ops_store_count(s);
    api_journal_op *mine = xcalloc(n ? n : 1, sizeof *mine);
    const api_journal_op **out = xcalloc(n + file.n + 1, sizeof *out);
    size_t nmine;
    size_t nout = collect(j, s, &file, mine, out, &nmine);
    set_owned(j, out, nmine);
    qsort(out, nout, sizeof *out, newest_first);
    char *text = api_journal_encode(clock_offset_ms, out, nout);
    int rc = statefile_write(j->path, text, strlen(text), err);
    free(text);
    free(out);
    free(mine);
    api_journal_clear(&file);
    return rc;
}

int ops_journal_save(ops_journal *j, const ops_store *s, int64_t clock_offset_ms, char **err)
{
    *err = NULL;
    char *e = NULL;
    int lock = -1, rc = statefile_make_dirs(j->dir, &e);
    if (rc == 0 && (lock = statefile_lock(j->lock_path, OPS_JOURNAL_LOCK_MS, &e)) < 0)
        rc = -1;
    if (rc == 0)
        rc = save_locked(j, s, clock_offset_ms, &e);
    statefile_unlock(lock);
    if (rc != 0)
        *err = xasprintf("Could not save the operations journal: %.150s", e ? e : "write failed");
    free(e);
    return rc;
}
