#include "core/harden.h"

#include "common/err.h"
#include "common/fds.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>

int harden_process(bool allow_core_dumps, char **err)
{
    fds_cloexec_from(3);
    if (allow_core_dumps)
        return 0;
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        return err_set(err, "cannot turn core dumps off: %s", strerror(errno));
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        return err_set(err, "cannot make the process non-dumpable: %s", strerror(errno));
    return 0;
}

bool harden_core_dumps_wanted(void)
{
    const char *v = getenv(HARDEN_DEBUG_ENV);
    return v && (!strcmp(v, "1") || !strcasecmp(v, "yes") || !strcasecmp(v, "true"));
}
