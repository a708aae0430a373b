/* catena-mangen PAGE [EMULATOR_HELP_FILE] > PAGE: writes one man page (see app/manpage.h); run by
 * the build, never installed. */
#include "app/manpage.h"
#include "common/strbuf.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: catena-mangen PAGE [EMULATOR_HELP_FILE]\n");
        return 2;
    }
    strbuf help = STRBUF_INIT;
    if (argc == 3) {
        FILE *f = fopen(argv[2], "r");
        if (!f) {
            perror(argv[2]);
            return 1;
        }
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
            strbuf_append(&help, buf, n);
        fclose(f);
    }
    char *err = NULL;
    int rc = manpage_write(argv[1], stdout, help.data, &err);
    if (rc != 0)
        fprintf(stderr, "catena-mangen: %s\n", err);
    free(err);
    strbuf_free(&help);
    return rc == 0 && fflush(stdout) == 0 ? 0 : 1;
}
