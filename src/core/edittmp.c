#include "core/edittmp.h"

#include "common/err.h"
#include "core/statefile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EDITTMP_SUB "tmp"

int edittmp_create(const char *prefix, char *path, size_t cap, char **err)
{
    char dir[PATH_MAX];
    if (statefile_dir(EDITTMP_SUB, dir, sizeof dir, err) != 0)
        return -1;
    int n = snprintf(path, cap, "%s/%s-%ld-XXXXXX", dir, prefix, (long)getpid());
    if (n < 0 || (size_t)n >= cap)
        return err_set(err, "cannot create a temporary file for the editor: the path is too long");
    mode_t old = umask(077);
    int fd = mkostemp(path, O_CLOEXEC);
    umask(old);
    if (fd < 0)
        return err_set(err, "cannot create a temporary file for the editor in %s: %s", dir, strerror(errno));
    if (fchmod(fd, 0600) != 0) { /* mkostemp makes 0600 already; say so whatever the libc */
        int e = errno;
        close(fd);
        unlink(path);
        return err_set(err, "cannot create a temporary file for the editor in %s: %s", dir, strerror(e));
    }
    return fd;
}

/* The pid in "<prefix>-<pid>-XXXXXX", or -1 when the name is not one of ours. */
static long owner_of(const char *name)
{
    const char *dash = strchr(name, '-');
    if (!dash || dash == name)
        return -1;
    char *end;
    long pid = strtol(dash + 1, &end, 10);
    if (end == dash + 1 || *end != '-' || strlen(end + 1) != 6 || pid <= 0)
        return -1;
    return pid;
}

static int is_running(long pid)
{
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

int edittmp_clean_stale(char **err)
{
    char dir[PATH_MAX];
    if (statefile_dir(EDITTMP_SUB, dir, sizeof dir, err) != 0)
        return -1;
    DIR *d = opendir(dir);
    if (!d)
        return err_set(err, "cannot read %s: %s", dir, strerror(errno));
    int removed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid = owner_of(e->d_name);
        if (pid < 0 || is_running(pid))
            continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) == 0)
            removed++;
    }
    closedir(d);
    return removed;
}
