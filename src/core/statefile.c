/* statefile: the state directory, atomic writes, bounded reads and the cross-console lock. */
#include "core/statefile.h"

#include "common/err.h"
#include "common/strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STATEFILE_LOCK_POLL_MS 5

int statefile_make_dirs(const char *path, char **err)
{
    char buf[PATH_MAX];
    size_t n = path ? strlen(path) : 0;
    if (n == 0 || n >= sizeof buf) {
        err_set(err, "cannot create a directory: %s", n ? "path too long" : "no path");
        return -1;
    }
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        struct stat st;
        if (stat(buf, &st) == 0) {
            if (!S_ISDIR(st.st_mode)) {
                err_set(err, "cannot create %s: %s", path, strerror(ENOTDIR));
                return -1;
            }
        } else if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
            err_set(err, "cannot create %s: %s", path, strerror(errno));
            return -1;
        }
        *p = c;
        if (c == '\0')
            return 0;
    }
}

int statefile_dir(const char *sub, char *out, size_t cap, char **err)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    const char *sep = sub ? "/" : "", *tail = sub ? sub : "";
    int n;
    if (xdg && xdg[0] == '/') /* the XDG spec says relative values are ignored */
        n = snprintf(out, cap, "%s/catena-dispatch%s%s", xdg, sep, tail);
    else if (home && home[0])
        n = snprintf(out, cap, "%s/.local/state/catena-dispatch%s%s", home, sep, tail);
    else {
        err_set(err, "no state directory: neither XDG_STATE_HOME nor HOME is set");
        return -1;
    }
    if (n < 0 || (size_t)n >= cap) {
        err_set(err, "no state directory: its path is too long");
        return -1;
    }
    return statefile_make_dirs(out, err);
}

/* The directory part of path ("." or "/" when it has none). */
static void dir_of(const char *path, char *dir, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        snprintf(dir, cap, "%s", slash ? "/" : ".");
    else
        snprintf(dir, cap, "%.*s", (int)(slash - path), path);
}

static void sync_dir(const char *dir)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Creates a hidden temporary file next to path; -1 with *err. */
static int open_temp(const char *dir, const char *base, const char *path, char *tmp, size_t cap, char **err)
{
    static unsigned counter;
    for (int attempt = 0; attempt < 100; attempt++) {
        int n = snprintf(tmp, cap, "%s/.%s.tmp-%ld-%u", dir, base, (long)getpid(), ++counter);
        if (n < 0 || (size_t)n >= cap) {
            err_set(err, "cannot write %s: path too long", path);
            return -1;
        }
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd >= 0)
            return fd;
        if (errno != EEXIST) { /* EEXIST: left by a dead process that had our pid */
            err_set(err, "cannot write in %s: %s", dir, strerror(errno));
            return -1;
        }
    }
    err_set(err, "cannot write in %s: no free temporary name", dir);
    return -1;
}

int statefile_write(const char *path, const char *data, size_t len, char **err)
{
    if (err)
        *err = NULL;
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!path || !path[0] || (slash && !slash[1])) {
        err_set(err, "cannot write a file without a name");
        return -1;
    }
    char dir[PATH_MAX], tmp[PATH_MAX];
    if (strlen(path) >= sizeof dir) {
        err_set(err, "cannot write %s: path too long", path);
        return -1;
    }
    dir_of(path, dir, sizeof dir);
    int fd = open_temp(dir, slash ? slash + 1 : path, path, tmp, sizeof tmp, err);
    if (fd < 0)
        return -1;
    const char *what = "write";
    int rc = fchmod(fd, 0600);
    if (rc == 0)
        rc = write_all(fd, data ? data : "", data ? len : 0);
    if (rc == 0 && (rc = fsync(fd)) != 0)
        what = "flush";
    int saved = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        rc = -1;
        saved = errno;
        what = "replace";
    }
    if (rc != 0) {
        unlink(tmp);
        err_set(err, "cannot %s %s: %s", what, path, strerror(saved));
        return -1;
    }
    sync_dir(dir); /* make the rename itself durable */
    return 0;
}

int statefile_remove(const char *path, char **err)
{
    if (err)
        *err = NULL;
    if (!path || !path[0] || strlen(path) >= PATH_MAX) {
        err_set(err, "cannot remove a file without a (short enough) name");
        return -1;
    }
    if (unlink(path) != 0) {
        if (errno == ENOENT)
            return 0;
        err_set(err, "cannot remove %s: %s", path, strerror(errno));
        return -1;
    }
    char dir[PATH_MAX];
    dir_of(path, dir, sizeof dir);
    sync_dir(dir);
    return 0;
}

int statefile_read(const char *path, size_t max, char **data, size_t *len, char **err)
{
    *data = NULL;
    *len = 0;
    if (err)
        *err = NULL;
    if (!path || !path[0]) {
        err_set(err, "cannot read a file without a name");
        return -1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        err_set(err, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    const char *why = fstat(fd, &st) != 0  ? strerror(errno)
                      : !S_ISREG(st.st_mode) ? "not a regular file"
                      : (uintmax_t)st.st_size > max ? "larger than any file this program writes"
                                                    : NULL;
    if (why) {
        err_set(err, "cannot read %s: %s", path, why);
        close(fd);
        return -1;
    }
    /* Read to the end rather than trusting st_size: the file may have been replaced meanwhile. */
    strbuf sb = STRBUF_INIT;
    char buf[65536];
    int rc = 0;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            err_set(err, "cannot read %s: %s", path, strerror(errno));
            rc = -1;
            break;
        }
        if (r == 0)
            break;
        if (sb.len + (size_t)r > max) {
            err_set(err, "cannot read %s: larger than any file this program writes", path);
            rc = -1;
            break;
        }
        strbuf_append(&sb, buf, (size_t)r);
    }
    close(fd);
    if (rc != 0) {
        strbuf_free(&sb);
        return -1;
    }
    *len = sb.len;
    *data = strbuf_detach(&sb);
    return 0;
}

int statefile_lock(const char *lock_path, int timeout_ms, char **err)
{
    if (err)
        *err = NULL;
    int fd = lock_path ? open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600) : -1;
    if (fd < 0) {
        err_set(err, "cannot open the lock %s: %s", lock_path ? lock_path : "(none)",
                lock_path ? strerror(errno) : "no path");
        return -1;
    }
    /* Polled rather than blocking: a stopped process holding the lock must not freeze the caller. */
    for (int waited = 0;; waited += STATEFILE_LOCK_POLL_MS) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return fd;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            err_set(err, "cannot lock %s: %s", lock_path, strerror(errno));
            break;
        }
        if (waited >= timeout_ms) {
            err_set(err, "%s is held by another process (waited %d ms)", lock_path, waited);
            break;
        }
        struct timespec ts = {0, STATEFILE_LOCK_POLL_MS * 1000000L};
        nanosleep(&ts, NULL);
    }
    close(fd);
    return -1;
}

void statefile_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* closing the only descriptor of the open file releases the flock */
}

/* ------------------------------------------------------------------ the account */

static struct {
    bool chosen;
    char profile[256];
    char name[STATEFILE_PROFILE_MAX + 16];
    char why[400]; /* why the last statefile_set_account failed */
} account;

void statefile_account_name(const char *profile, const char *api_url, char *out, size_t cap)
{
    char prof[STATEFILE_PROFILE_MAX + 1];
    size_t n = 0;
    for (const char *p = profile ? profile : ""; *p && n < STATEFILE_PROFILE_MAX; p++) {
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
                  *p == '-';
        prof[n++] = ok ? *p : '_';
    }
    prof[n] = '\0';
    size_t len = api_url ? strlen(api_url) : 0;
    while (len > 0 && api_url[len - 1] == '/')
        len--;
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)api_url[i]) * 16777619u;
    snprintf(out, cap, "%s-%08x", n ? prof : "default", (unsigned)h);
}

const char *statefile_account_profile(void)
{
    return account.chosen ? account.profile : NULL;
}

int statefile_account_dir(const char *sub, char *out, size_t cap, char **err)
{
    if (!account.chosen) {
        if (account.why[0])
            err_set(err, "%s", account.why);
        else
            err_set(err, "no account chosen for the state directory (a program error)");
        return -1;
    }
    char tail[PATH_MAX];
    snprintf(tail, sizeof tail, "accounts/%s%s%s", account.name, sub ? "/" : "", sub ? sub : "");
    return statefile_dir(tail, out, cap, err);
}

int statefile_account_file(const char *name, char *out, size_t cap, char **err)
{
    char dir[PATH_MAX];
    if (statefile_account_dir(NULL, dir, sizeof dir, err) != 0)
        return -1;
    int n = snprintf(out, cap, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= cap) {
        err_set(err, "no state file: its path is too long");
        return -1;
    }
    return 0;
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Moves the old place's draft files (visible *.json) into to; returns how many moved, *left how
 * many stayed (a name the account holds already, or a failed rename). */
static int move_drafts(const char *from, const char *to, int *left)
{
    DIR *dp = opendir(from);
    int moved = 0;
    *left = 0;
    if (!dp)
        return 0;
    for (struct dirent *e; (e = readdir(dp)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        char a[PATH_MAX], b[PATH_MAX];
        if (snprintf(a, sizeof a, "%s/%s", from, e->d_name) >= (int)sizeof a ||
            snprintf(b, sizeof b, "%s/%s", to, e->d_name) >= (int)sizeof b || exists(b) || rename(a, b) != 0)
            (*left)++;
        else
            moved++;
    }
    closedir(dp);
    if (moved) {
        sync_dir(from);
        sync_dir(to);
    }
    if (*left == 0)
        rmdir(from); /* fails, harmlessly, when something else is in it */
    return moved;
}

/* What the state from before accounts holds, and for the default profile, its move. */
static void adopt_legacy(const char *state, const char *acct, char **note)
{
    char journal[PATH_MAX], drafts[PATH_MAX], to_journal[PATH_MAX], to_drafts[PATH_MAX];
    if (snprintf(journal, sizeof journal, "%s/operations.json", state) >= (int)sizeof journal ||
        snprintf(drafts, sizeof drafts, "%s/drafts", state) >= (int)sizeof drafts ||
        snprintf(to_journal, sizeof to_journal, "%s/operations.json", acct) >= (int)sizeof to_journal ||
        snprintf(to_drafts, sizeof to_drafts, "%s/drafts", acct) >= (int)sizeof to_drafts)
        return; /* paths too long to hold anything */
    bool has_journal = exists(journal), has_drafts = exists(drafts);
    if (!has_journal && !has_drafts)
        return;
    if (strcmp(account.profile, "default") != 0) {
        err_set(note,
                "Operations and drafts kept before profiles were kept apart stay in %s for the profile "
                "\"default\"; profile \"%s\" starts with its own",
                state, account.profile);
        return;
    }
    const char *journal_fate = !has_journal ? "" : " the operations journal";
    if (has_journal && exists(to_journal))
        journal_fate = " (the old journal stays: this account has one)";
    else if (has_journal && rename(journal, to_journal) != 0)
        journal_fate = " (the old journal stays: it could not be moved)";
    else if (has_journal)
        sync_dir(state);
    int left = 0, moved = 0;
    if (has_drafts && statefile_make_dirs(to_drafts, NULL) == 0)
        moved = move_drafts(drafts, to_drafts, &left);
    err_set(note, "Profile \"default\" took what was kept before profiles were kept apart:%s%s %d draft%s%s",
            journal_fate, *journal_fate ? ";" : "", moved, moved == 1 ? "" : "s",
            left ? " (some stay in the old drafts directory: their names are taken)" : "");
}

int statefile_set_account(const char *profile, const char *api_url, char **note, char **err)
{
    if (note)
        *note = NULL;
    if (err)
        *err = NULL;
    account.chosen = false;
    snprintf(account.profile, sizeof account.profile, "%s", profile && *profile ? profile : "default");
    statefile_account_name(account.profile, api_url, account.name, sizeof account.name);
    account.why[0] = '\0';
    char state[PATH_MAX], acct[PATH_MAX], *e = NULL;
    if (statefile_dir(NULL, state, sizeof state, &e) == 0) {
        account.chosen = true;
        if (statefile_account_dir(NULL, acct, sizeof acct, &e) != 0)
            account.chosen = false;
    }
    if (!account.chosen) { /* every later use says this */
        snprintf(account.why, sizeof account.why, "%s", e ? e : "the state directory cannot be used");
        if (err)
            *err = e;
        else
            free(e);
        return -1;
    }
    adopt_legacy(state, acct, note);
    return 0;
}
