/* statefile: the console's private state directory ($XDG_STATE_HOME/catena-dispatch, else
 * ~/.local/state/catena-dispatch, created 0700) and the file operations every state file uses:
 * atomic whole-file write (temp file, fsync, rename, fsync of the directory), bounded read of a
 * whole file, and an advisory lock held between consoles sharing the directory. Used by the
 * drafts and the operations journal. */
#ifndef CATENA_CORE_STATEFILE_H
#define CATENA_CORE_STATEFILE_H

#include <stddef.h>

/* The state directory (sub = NULL) or the directory sub under it, created with 0700 where
 * missing. -1 with *err (err may be NULL). */
int statefile_dir(const char *sub, char *out, size_t cap, char **err);

/* The account: the operations journal, the drafts and the inbox are kept per profile and API URL,
 * in <state>/accounts/<profile>-<hash of the URL>/, so what was sent with one profile or URL is
 * never polled against another. One account per process, chosen at start. */
#define STATEFILE_PROFILE_MAX 32 /* bytes of the profile name kept in the directory name */
/* The directory name of an account: the profile name with every byte but [A-Za-z0-9_-] made '_'
 * (cut to STATEFILE_PROFILE_MAX; "default" when empty), '-', and 8 hex digits of a hash of the
 * URL (trailing slashes ignored). out holds at least STATEFILE_PROFILE_MAX + 10 bytes. */
void statefile_account_name(const char *profile, const char *api_url, char *out, size_t cap);
/* Chooses the account (profile NULL or "": "default") and creates its directory. The state kept
 * before accounts were separated (<state>/operations.json, <state>/drafts/) is taken by the
 * profile named "default" (its journal names no URL): moved into that account when it has none of
 * its own; any other profile leaves it there. *note (may be NULL) gets a heap line saying what was
 * done or left, or NULL when there was nothing to do. -1 with *err (the account stays unchosen). */
int statefile_set_account(const char *profile, const char *api_url, char **note, char **err);
/* The chosen account's profile name (as given, "default" when none) or NULL before one is chosen. */
const char *statefile_account_profile(void);
/* The account's directory (sub = NULL) or the directory sub under it, created 0700. -1 with
 * *err when no account was chosen or it cannot be created. */
int statefile_account_dir(const char *sub, char *out, size_t cap, char **err);
/* The path of the file name in the account's directory. -1 with *err. */
int statefile_account_file(const char *name, char *out, size_t cap, char **err);
/* mkdir -p with 0700 for what it creates; an existing path must be a directory. -1 with *err. */
int statefile_make_dirs(const char *path, char **err);
/* Replaces path with data atomically: readers see the old or the new content, never a part.
 * The file is created 0600. -1 with *err. */
int statefile_write(const char *path, const char *data, size_t len, char **err);
/* Removes path durably (the directory is synced); 0 if it is gone or was not there. -1 with *err. */
int statefile_remove(const char *path, char **err);
/* Reads the whole regular file path (not a symbolic link) of at most max bytes into a heap
 * buffer with a NUL after it. 0 with *data = NULL if it does not exist; -1 with *err if it cannot
 * be read, is not a regular file or is larger than max. */
int statefile_read(const char *path, size_t max, char **data, size_t *len, char **err);
/* Takes the exclusive lock of lock_path (created 0600 if missing), waiting up to timeout_ms for
 * another holder to let go; returns the descriptor to give to statefile_unlock, or -1 with *err.
 * The lock dies with its process. */
int statefile_lock(const char *lock_path, int timeout_ms, char **err);
void statefile_unlock(int fd);

#endif
