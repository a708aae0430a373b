/* drafts: unsent messages and forms kept on disk, one JSON file per draft, written atomically.
 * Files are read back defensively: anything that is not a version-1 draft object is skipped. */
#include "core/drafts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/strbuf.h"
#include "core/api_drafts.h"
#include "core/statefile.h"
#include "core/text.h"

#define DRAFT_MAX_FILE (4u << 20) /* larger files are not drafts we wrote */

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
    bool ok = api_draft_decode(buf, got, d, (int64_t)st.st_mtime);
    free(buf);
    return ok;
}

static void claim_unlink(const char *id);

/* ------------------------------------------------------------------ not saved */

/* Drafts whose last save failed (each with save_error): nothing typed is lost while the process
 * lives, and the drafts list shows them. */
static draft *unsaved;
static size_t nunsaved;

static long unsaved_index(const char *id)
{
    for (size_t i = 0; i < nunsaved; i++)
        if (strcmp(unsaved[i].id, id) == 0)
            return (long)i;
    return -1;
}

static void unsaved_drop(const char *id)
{
    long i = unsaved_index(id);
    if (i < 0)
        return;
    draft_free(&unsaved[i]);
    unsaved[i] = unsaved[--nunsaved];
    if (nunsaved == 0) {
        free(unsaved);
        unsaved = NULL;
    }
}

static void unsaved_keep(const draft *d, const char *why)
{
    draft *c = draft_clone(d);
    free(c->save_error);
    c->save_error = xstrdup(why);
    long i = unsaved_index(d->id);
    if (i >= 0) {
        draft_free(&unsaved[i]);
    } else {
        unsaved = xrealloc(unsaved, (nunsaved + 1) * sizeof *unsaved);
        i = (long)nunsaved++;
    }
    unsaved[i] = *c;
    free(c);
}

void drafts_forget(const char *id)
{
    if (id)
        unsaved_drop(id);
}

size_t drafts_retry_unsaved(void)
{
    static time_t last;
    time_t now = time(NULL);
    if (nunsaved == 0 || now == last)
        return nunsaved;
    last = now;
    for (size_t i = nunsaved; i-- > 0;) {
        draft d = unsaved[i]; /* draft_save drops it from the list on success, keeps a new copy otherwise */
        draft *c = draft_clone(&d);
        char *err = NULL;
        draft_save(c, &err);
        free(err);
        draft_free(c);
        free(c);
    }
    return nunsaved;
}

/* ------------------------------------------------------------------ public */

/* The file write of draft_save. */
static int write_file(draft *d, char **err)
{
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
    char *json = api_draft_encode(d);
    int rc = statefile_write(path, json, strlen(json), err);
    free(json);
    return rc;
}

int draft_save(draft *d, char **err)
{
    if (err)
        *err = NULL;
    if (!d || (unsigned)d->kind > DRAFT_FORM) {
        err_set(err, "cannot save the draft: it is not a draft");
        return -1;
    }
    if (!d->id[0])
        drafts_new_id(d->id);
    if (!id_ok(d->id)) {
        err_set(err, "cannot save the draft: bad draft id");
        return -1;
    }
    char *why = NULL;
    if (write_file(d, &why) != 0) {
        char *msg = NULL;
        err_set(&msg, "cannot save the draft: %s", why ? why : "unknown error");
        unsaved_keep(d, msg);
        free(d->save_error);
        d->save_error = xstrdup(msg);
        if (err)
            *err = msg;
        else
            free(msg);
        free(why);
        return -1;
    }
    unsaved_drop(d->id);
    free(d->save_error);
    d->save_error = NULL;
    return 0;
}

int draft_remove(const char *id)
{
    char dir[PATH_MAX - 64], path[PATH_MAX];
    if (id) {
        unsaved_drop(id);
        claim_unlink(id);
    }
    if (!id_ok(id) || statefile_account_dir("drafts", dir, sizeof dir, NULL) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/%s.json", dir, id);
    return statefile_remove(path, NULL);
}

/* A claim file nobody holds whose draft is gone (its console died before saving anything, or
 * after sending) is removed; a holder that opened it meanwhile notices and opens a new one. */
static void drop_stale_claim(const char *dir, const char *name)
{
    char path[PATH_MAX], draft_path[PATH_MAX];
    size_t len = strlen(name);
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path ||
        snprintf(draft_path, sizeof draft_path, "%s/%.*s.json", dir, (int)(len - 6), name + 1) >=
            (int)sizeof draft_path)
        return;
    struct stat st;
    if (lstat(draft_path, &st) == 0 || errno != ENOENT)
        return;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
        unlink(path);
    close(fd);
}

size_t drafts_unsaved_count(void)
{
    return nunsaved;
}

size_t drafts_print_unsaved(FILE *out)
{
    drafts_retry_unsaved();
    for (size_t i = 0; i < nunsaved; i++) {
        const draft *d = &unsaved[i];
        const char *body = d->kind == DRAFT_FORM ? d->form_json : d->text;
        char *to = text_sanitize_str(d->recipient_label ? d->recipient_label : "?");
        char *why = text_sanitize_str(d->save_error ? d->save_error : "");
        char *text = text_sanitize(body ? body : "", body ? strlen(body) : 0, true);
        fprintf(out, "catena-dispatch: a %s to %s could not be saved (%s); here it is, so that it is not lost:\n%s\n",
                d->kind == DRAFT_FORM ? "form" : "message", to, why, text);
        free(to);
        free(why);
        free(text);
    }
    return nunsaved;
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
    DIR *dp = statefile_account_dir("drafts", dir, sizeof dir, NULL) == 0 ? opendir(dir) : NULL;
    if (!dp && nunsaved == 0)
        return -1;
    size_t cap = 0;
    draft *list = NULL;
    struct dirent *e;
    while (dp && (e = readdir(dp)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' && len > 6 && strcmp(e->d_name + len - 5, ".lock") == 0)
            drop_stale_claim(dir, e->d_name);
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
        d.claimed_by = draft_claimed_elsewhere(d.id);
        if (unsaved_index(d.id) >= 0) {
            draft_free(&d); /* the copy in memory is newer */
            continue;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            list = xrealloc(list, cap * sizeof *list);
        }
        list[(*n)++] = d;
    }
    if (dp)
        closedir(dp);
    list = xrealloc(list, (*n + nunsaved + 1) * sizeof *list);
    for (size_t i = 0; i < nunsaved; i++) {
        draft *c = draft_clone(&unsaved[i]);
        list[(*n)++] = *c;
        free(c);
    }
    if (*n > 1)
        qsort(list, *n, sizeof *list, newest_first);
    *out = list;
    return 0;
}

/* ------------------------------------------------------------------ claims */

typedef struct claim {
    char id[40];
    int fd; /* the flocked lock file, -1 when the directory could not be used */
    int refs;
} claim;

static claim *claims;
static size_t nclaims;

static claim *claim_find(const char *id)
{
    for (size_t i = 0; i < nclaims; i++)
        if (strcmp(claims[i].id, id) == 0)
            return &claims[i];
    return NULL;
}

static int lock_path(const char *id, char *out, size_t cap)
{
    char dir[PATH_MAX - 64];
    if (!id_ok(id) || statefile_account_dir("drafts", dir, sizeof dir, NULL) != 0)
        return -1;
    return snprintf(out, cap, "%s/.%s.lock", dir, id) < (int)cap ? 0 : -1;
}

/* The holder's process id as it wrote it into the lock file; 1 when unreadable. */
static long holder_pid(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return 1;
    buf[n] = '\0';
    long pid = strtol(buf, NULL, 10);
    return pid > 0 ? pid : 1;
}

/* Opens and flocks the lock file: the descriptor, -2 when another process holds it (*pid set),
 * -1 when it cannot be opened. A file removed by its holder meanwhile (draft_remove) is opened again. */
static int lock_file(const char *path, long *pid)
{
    for (int tries = 0; tries < 20; tries++) {
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
            return -1;
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            *pid = holder_pid(fd);
            close(fd);
            if (e != EWOULDBLOCK && e != EINTR)
                return -1;
            if (tries >= 2) /* a short look by draft_claimed_elsewhere lets go at once */
                return -2;
            struct timespec ts = {0, 10 * 1000000L};
            nanosleep(&ts, NULL);
            continue;
        }
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
            char buf[32];
            int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
            if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n)
                *pid = 0; /* the claim holds; only the holder's name is missing */
            return fd;
        }
        close(fd); /* locked a file its holder removed: take the new one */
    }
    return -1;
}

int draft_claim(const char *id, char **err)
{
    if (err)
        *err = NULL;
    if (!id_ok(id)) {
        err_set(err, "cannot claim the draft: bad draft id");
        return -1;
    }
    claim *c = claim_find(id);
    if (c) {
        c->refs++;
        return 0;
    }
    char path[PATH_MAX];
    long pid = 0;
    int fd = lock_path(id, path, sizeof path) == 0 ? lock_file(path, &pid) : -1;
    if (fd == -2) {
        err_set(err,
                "This draft is open in another console (process %ld): it can be opened here once that one "
                "closes it",
                pid);
        return -1;
    }
    claims = xrealloc(claims, (nclaims + 1) * sizeof *claims);
    c = &claims[nclaims++];
    snprintf(c->id, sizeof c->id, "%s", id);
    c->fd = fd < 0 ? -1 : fd;
    c->refs = 1;
    return 0;
}

void draft_release(const char *id)
{
    claim *c = id ? claim_find(id) : NULL;
    if (!c || --c->refs > 0)
        return;
    if (c->fd >= 0)
        close(c->fd);
    *c = claims[--nclaims];
    if (nclaims == 0) {
        free(claims);
        claims = NULL;
    }
}

long draft_claimed_elsewhere(const char *id)
{
    char path[PATH_MAX];
    if (!id_ok(id) || claim_find(id) || lock_path(id, path, sizeof path) != 0)
        return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return 0;
    long pid = 0;
    if (flock(fd, LOCK_SH | LOCK_NB) != 0)
        pid = errno == EWOULDBLOCK ? holder_pid(fd) : 0;
    close(fd); /* also lets go of the shared lock */
    return pid;
}

/* The claim's lock file goes with its draft, removed while held (lock_file checks for that). */
static void claim_unlink(const char *id)
{
    char path[PATH_MAX];
    claim *c = claim_find(id);
    if (c && c->fd >= 0 && lock_path(id, path, sizeof path) == 0)
        unlink(path);
}

int draft_load(const char *id, draft *out, char **err)
{
    memset(out, 0, sizeof *out);
    long i = id ? unsaved_index(id) : -1;
    if (i >= 0) {
        draft *c = draft_clone(&unsaved[i]);
        *out = *c;
        free(c);
        return 0;
    }
    char dir[PATH_MAX], name[64];
    if (!id_ok(id) || statefile_account_dir("drafts", dir, sizeof dir, NULL) != 0) {
        err_set(err, "This draft is not there");
        return -1;
    }
    snprintf(name, sizeof name, "%s.json", id);
    if (!load_file(dir, name, out)) {
        err_set(err, "This draft is no longer there: it was sent or deleted (in another console?)");
        return -1;
    }
    snprintf(out->id, sizeof out->id, "%s", id);
    return 0;
}

void draft_free(draft *d)
{
    if (!d)
        return;
    char **strs[] = {&d->connection_id, &d->sender_id, &d->recipient_id, &d->profile, &d->recipient_label, &d->text,
                     &d->priority, &d->reply_to_message_id, &d->form_resource, &d->form_record_id,
                     &d->form_json, &d->last_error, &d->operation_id, &d->save_error};
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
    c->operation_id = dup_or_null(d->operation_id);
    c->save_error = dup_or_null(d->save_error);
    return c;
}
