/* datadir: see datadir.h. */
#include "core/datadir.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Both come from CMake (GNUInstallDirs); the fallbacks keep other builds compiling. */
#ifndef CATENA_DATADIR_REL
#define CATENA_DATADIR_REL "share/catena-dispatch"
#endif
#ifndef CATENA_DATADIR
#define CATENA_DATADIR "/usr/local/share/catena-dispatch"
#endif

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *datadir_path(void)
{
    static char path[PATH_MAX];
    static int done;
    if (done)
        return path[0] ? path : NULL;
    done = 1;
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        /* PREFIX/bin/catena-dispatch -> PREFIX/share/catena-dispatch */
        for (int up = 0; up < 2; up++) {
            char *slash = strrchr(self, '/');
            if (!slash)
                break;
            *slash = '\0';
        }
        if ((size_t)snprintf(path, sizeof path, "%s/%s", self, CATENA_DATADIR_REL) < sizeof path && is_dir(path))
            return path;
    }
    if (is_dir(CATENA_DATADIR) && strlen(CATENA_DATADIR) < sizeof path) {
        strcpy(path, CATENA_DATADIR);
        return path;
    }
    path[0] = '\0';
    return NULL;
}
