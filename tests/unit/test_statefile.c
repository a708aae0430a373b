/* Unit tests of src/core/statefile.c beyond what test_drafts.c covers (the directory and the
 * atomic write): bounded reads, durable removal and the cross-console lock. */
#include "core/statefile.h"
#include "suite_runner.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[PATH_MAX - 128];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/test_statefile.XXXXXX", t && t[0] == '/' ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
    nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void path_of(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", tmpdir, name);
}

typedef struct {
    const char *name;
    const char *setup;  /* "file:<content>", "dir", "link", "none" */
    size_t max;
    int rc;
    bool has_data;
    const char *err_has;
} read_case;

static const read_case read_cases[] = {
    {"a file", "file:hello", 100, 0, true, NULL},
    {"an empty file", "file:", 100, 0, true, NULL},
    {"exactly the bound", "file:12345", 5, 0, true, NULL},
    {"one byte over the bound", "file:123456", 5, -1, false, "larger than"},
    {"missing: first run", "none", 100, 0, false, NULL},
    {"a directory", "dir", 100, -1, false, "not a regular file"},
    {"a symbolic link", "link", 100, -1, false, "cannot read"},
};

START_TEST(read_table)
{
    const read_case *c = &read_cases[_i];
    char path[PATH_MAX], target[PATH_MAX];
    path_of(path, sizeof path, "f.json");
    if (strncmp(c->setup, "file:", 5) == 0) {
        ck_assert_int_eq(statefile_write(path, c->setup + 5, strlen(c->setup + 5), NULL), 0);
    } else if (strcmp(c->setup, "dir") == 0) {
        ck_assert_int_eq(mkdir(path, 0700), 0);
    } else if (strcmp(c->setup, "link") == 0) {
        path_of(target, sizeof target, "target.json");
        ck_assert_int_eq(statefile_write(target, "x", 1, NULL), 0);
        ck_assert_int_eq(symlink(target, path), 0);
    }
    char *data = (char *)1, *err = NULL;
    size_t len = 99;
    int rc = statefile_read(path, c->max, &data, &len, &err);
    ck_assert_msg(rc == c->rc, "%s: rc %d", c->name, rc);
    if (c->has_data) {
        ck_assert_ptr_nonnull(data);
        ck_assert_uint_eq(len, strlen(c->setup + 5));
        ck_assert_str_eq(data, c->setup + 5); /* NUL-terminated */
    } else {
        ck_assert_ptr_null(data);
        ck_assert_uint_eq(len, 0);
    }
    if (c->err_has)
        ck_assert_msg(err && strstr(err, c->err_has), "%s: error '%s'", c->name, err ? err : "(none)");
    else
        ck_assert_ptr_null(err);
    free(data);
    free(err);
}
END_TEST

START_TEST(remove_is_idempotent)
{
    char path[PATH_MAX];
    path_of(path, sizeof path, "gone.json");
    ck_assert_int_eq(statefile_write(path, "x", 1, NULL), 0);
    ck_assert_int_eq(statefile_remove(path, NULL), 0);
    ck_assert_int_eq(access(path, F_OK), -1);
    ck_assert_int_eq(statefile_remove(path, NULL), 0); /* already gone */
    char *err = NULL;
    ck_assert_int_eq(statefile_remove(tmpdir, &err), -1); /* a directory */
    ck_assert_ptr_nonnull(err);
    free(err);
    ck_assert_int_eq(statefile_remove("", NULL), -1);
}
END_TEST

START_TEST(lock_excludes_other_holders)
{
    char path[PATH_MAX];
    path_of(path, sizeof path, "journal.lock");
    int fd = statefile_lock(path, 0, NULL);
    ck_assert_int_ge(fd, 0);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    /* flock locks belong to the open file: a second open, even in this process, is another holder. */
    int other = open(path, O_RDWR | O_CLOEXEC);
    ck_assert_int_ge(other, 0);
    ck_assert_int_eq(flock(other, LOCK_EX | LOCK_NB), -1);
    ck_assert_int_eq(errno, EWOULDBLOCK);
    char *err = NULL;
    ck_assert_int_eq(statefile_lock(path, 20, &err), -1); /* held: gives up after the timeout */
    ck_assert_msg(err && strstr(err, "held by another process"), "%s", err ? err : "(none)");
    free(err);
    err = NULL;
    statefile_unlock(fd);
    ck_assert_int_eq(flock(other, LOCK_EX | LOCK_NB), 0);
    close(other);
    path_of(path, sizeof path, "missing/journal.lock");
    ck_assert_int_eq(statefile_lock(path, 0, &err), -1);
    ck_assert_msg(err && strstr(err, "No such file"), "%s", err ? err : "(none)");
    free(err);
    statefile_unlock(-1); /* harmless */
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("statefile");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, read_table, 0, (int)(sizeof read_cases / sizeof read_cases[0]));
    tcase_add_test(tc, remove_is_idempotent);
    tcase_add_test(tc, lock_excludes_other_holders);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite_nofork(suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
