/* catena-dispatch: a terminal dispatcher console for the Catena telematics API. */
#include "app/console.h"
#include "core/harden.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    /* Before anything holds the secret: no core file, not dumpable (CATENA_DEBUG_CORE_DUMPS=1 keeps both). */
    char *err = NULL;
    if (harden_process(harden_core_dumps_wanted(), &err) != 0) {
        fprintf(stderr, "catena-dispatch: %s\n", err);
        free(err);
        return 1;
    }
    return console_main(argc, argv);
}
