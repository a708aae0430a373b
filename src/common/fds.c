#include "common/fds.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static int mark(int fd)
{
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0 || (flags & FD_CLOEXEC))
        return 0;
    return fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == 0;
}

int fds_cloexec_from(int from)
{
    int marked = 0;
    DIR *d = opendir("/proc/self/fd");
    if (d) {
        int self = dirfd(d);
        struct dirent *e;
        while ((e = readdir(d)))
            if (e->d_name[0] >= '0' && e->d_name[0] <= '9') {
                int fd = atoi(e->d_name);
                if (fd >= from && fd != self)
                    marked += mark(fd);
            }
        closedir(d);
        return marked;
    }
    /* No /proc: try every possible descriptor. */
    long max = sysconf(_SC_OPEN_MAX);
    for (int fd = from; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
        marked += mark(fd);
    return marked;
}
