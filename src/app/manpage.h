/* manpage: catena-dispatch(1), catena-dispatch-config(5) and catena-emulator(1) as roff, made from
 * the program's own tables and --help texts (built by catena-mangen, checked by test_manpages). */
#ifndef CATENA_APP_MANPAGE_H
#define CATENA_APP_MANPAGE_H

#include <stdio.h>

/* Writes page ("catena-dispatch.1", "catena-dispatch-config.5", "catena-emulator.1") to out;
 * emulator_help is the output of catena-emulator --help (only that page needs it).
 * 0, or -1 with *err. */
int manpage_write(const char *page, FILE *out, const char *emulator_help, char **err);
/* A --help text as roff: option lines as tagged paragraphs, "Heading:" lines as subsections. */
void manpage_from_help(FILE *out, const char *help);
/* s as roff text at the start of a line (escapes, break points, non-ASCII as \[uXXXX]). */
void manpage_put(FILE *out, const char *s);

#endif
