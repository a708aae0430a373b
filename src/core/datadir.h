/* datadir: where the installed read-only files are (themes): share/catena-dispatch next to the
 * running binary's prefix, so an install (or a package, or a DESTDIR tree) finds its own files
 * wherever it was put; else the directory configured at build time. */
#ifndef CATENA_CORE_DATADIR_H
#define CATENA_CORE_DATADIR_H

/* The data directory (no trailing slash), or NULL when there is none (a build tree). The string
 * is static: computed once. */
const char *datadir_path(void);

#endif
