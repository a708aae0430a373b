/* Unit tests of the account part of core/statefile.c (issue 13.5): the journal and the drafts are
 * kept per profile and API URL, drafts name their profile, and the state kept before accounts were
 * separated is taken by the profile "default" only. */
#include "core/drafts.h"
#include "core/statefile.h"
#include "suite_runner.h"

#include <check.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[PATH_MAX - 256];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/test_account.XXXXXX", t && t[0] == '/' ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    setenv("XDG_STATE_HOME", tmpdir, 1);
}

static void teardown(void)
{
    nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static size_t count_drafts(void)
{
    draft *list = NULL;
    size_t n = 0;
    ck_assert_int_eq(drafts_load_all(&list, &n, NULL), 0);
    drafts_free_all(list, n);
    return n;
}

static void choose(const char *profile, const char *url, char **note)
{
    char *err = NULL;
    ck_assert_msg(statefile_set_account(profile, url, note, &err) == 0, "%s", err);
    ck_assert_ptr_null(err);
}

START_TEST(test_account_name)
{
    char a[64], b[64];
    statefile_account_name("work", "http://127.0.0.1:8080", a, sizeof a);
    ck_assert_uint_eq(strlen(a), strlen("work-") + 8);
    ck_assert_int_eq(strncmp(a, "work-", 5), 0);
    statefile_account_name("work", "http://127.0.0.1:8080///", b, sizeof b);
    ck_assert_str_eq(a, b); /* trailing slashes name the same API */
    statefile_account_name("work", "http://127.0.0.1:8081", b, sizeof b);
    ck_assert_str_ne(a, b);
    statefile_account_name("home", "http://127.0.0.1:8080", b, sizeof b);
    ck_assert_str_ne(a, b);
    ck_assert_str_eq(a + 4, b + 4); /* the same URL hash */
    /* Hostile names cannot leave the accounts directory nor hide. */
    statefile_account_name("../../etc/.x y\xc3\xa9", "u", a, sizeof a);
    ck_assert_int_eq(strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"), strlen(a));
    ck_assert_int_eq(strncmp(a, "______etc__x_y__-", 17), 0);
    statefile_account_name("", "u", a, sizeof a);
    ck_assert_int_eq(strncmp(a, "default-", 8), 0);
    statefile_account_name(NULL, NULL, a, sizeof a);
    ck_assert_int_eq(strncmp(a, "default-", 8), 0);
    char longp[200];
    memset(longp, 'p', sizeof longp - 1);
    longp[sizeof longp - 1] = '\0';
    statefile_account_name(longp, "u", a, sizeof a);
    ck_assert_uint_eq(strlen(a), STATEFILE_PROFILE_MAX + 9);
}
END_TEST

START_TEST(test_no_account_no_state)
{
    ck_assert_ptr_null(statefile_account_profile());
    char out[PATH_MAX], *err = NULL;
    ck_assert_int_eq(statefile_account_dir(NULL, out, sizeof out, &err), -1);
    ck_assert_msg(err && strstr(err, "no account"), "%s", err);
    free(err);
    err = NULL;
    draft d = {.kind = DRAFT_MESSAGE, .text = "x"};
    ck_assert_int_eq(draft_save(&d, &err), -1);
    ck_assert_msg(err && strstr(err, "no account"), "%s", err);
    free(err);
}
END_TEST

START_TEST(test_accounts_kept_apart)
{
    char ja[PATH_MAX], jb[PATH_MAX], jc[PATH_MAX];
    choose("work", "http://a.example", NULL);
    ck_assert_str_eq(statefile_account_profile(), "work");
    ck_assert_int_eq(statefile_account_file("operations.json", ja, sizeof ja, NULL), 0);
    draft d = {.kind = DRAFT_MESSAGE, .text = "for work at a"};
    ck_assert_int_eq(draft_save(&d, NULL), 0);
    ck_assert_str_eq(d.profile, "work");
    free(d.profile);
    ck_assert_uint_eq(count_drafts(), 1);

    choose("work", "http://b.example", NULL); /* the same profile, another API */
    ck_assert_int_eq(statefile_account_file("operations.json", jb, sizeof jb, NULL), 0);
    ck_assert_str_ne(ja, jb);
    ck_assert_uint_eq(count_drafts(), 0);

    choose(NULL, "http://a.example", NULL); /* another profile, the same API */
    ck_assert_str_eq(statefile_account_profile(), "default");
    ck_assert_int_eq(statefile_account_file("operations.json", jc, sizeof jc, NULL), 0);
    ck_assert_str_ne(ja, jc);
    ck_assert_uint_eq(count_drafts(), 0);

    choose("work", "http://a.example/", NULL);
    draft *list = NULL;
    size_t n = 0;
    ck_assert_int_eq(drafts_load_all(&list, &n, NULL), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(list[0].text, "for work at a");
    ck_assert_str_eq(list[0].profile, "work");
    drafts_free_all(list, n);
    struct stat st;
    char dir[PATH_MAX];
    ck_assert_int_eq(statefile_account_dir(NULL, dir, sizeof dir, NULL), 0);
    ck_assert_int_eq(stat(dir, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0700);
}
END_TEST

/* Writes the state of a console from before accounts: a journal and two drafts (one without a
 * profile member, as every draft then was). */
static void legacy_state(void)
{
    char state[PATH_MAX], path[PATH_MAX + 64];
    ck_assert_int_eq(statefile_dir(NULL, state, sizeof state, NULL), 0);
    snprintf(path, sizeof path, "%s/operations.json", state);
    write_file(path, "{\"version\":1,\"ops\":[]}");
    ck_assert_int_eq(statefile_dir("drafts", state, sizeof state, NULL), 0);
    snprintf(path, sizeof path, "%s/old-1.json", state);
    write_file(path, "{\"version\":1,\"kind\":\"message\",\"text\":\"from before\",\"updated_unix\":5}");
    snprintf(path, sizeof path, "%s/old-2.json", state);
    write_file(path, "{\"version\":1,\"kind\":\"form\",\"form_resource\":\"vehicle\",\"updated_unix\":6}");
}

START_TEST(test_legacy_left_to_default)
{
    legacy_state();
    char *note = NULL, old[PATH_MAX + 32], state[PATH_MAX];
    ck_assert_int_eq(statefile_dir(NULL, state, sizeof state, NULL), 0);
    snprintf(old, sizeof old, "%s/operations.json", state);

    choose("night", "http://a.example", &note); /* not the default profile: left, and said */
    ck_assert_msg(note && strstr(note, "stay in") && strstr(note, "\"default\"") && strstr(note, "night"), "%s",
                  note);
    free(note);
    ck_assert(exists(old));
    ck_assert_uint_eq(count_drafts(), 0);

    choose("default", "http://a.example", &note); /* taken */
    ck_assert_msg(note && strstr(note, "operations journal") && strstr(note, "2 drafts"), "%s", note);
    free(note);
    ck_assert(!exists(old));
    snprintf(old, sizeof old, "%s/drafts", state);
    ck_assert(!exists(old));
    char journal[PATH_MAX];
    ck_assert_int_eq(statefile_account_file("operations.json", journal, sizeof journal, NULL), 0);
    ck_assert(exists(journal));
    draft *list = NULL;
    size_t n = 0;
    ck_assert_int_eq(drafts_load_all(&list, &n, NULL), 0);
    ck_assert_uint_eq(n, 2);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(list[i].profile, "default"); /* a draft from before belongs to who took it */
    drafts_free_all(list, n);

    choose("default", "http://a.example", &note); /* nothing left to do */
    ck_assert_ptr_null(note);
    choose("night", "http://a.example", &note);
    ck_assert_ptr_null(note);
}
END_TEST

START_TEST(test_legacy_journal_never_overwrites)
{
    choose("default", "http://a.example", NULL);
    char journal[PATH_MAX], *note = NULL;
    ck_assert_int_eq(statefile_account_file("operations.json", journal, sizeof journal, NULL), 0);
    write_file(journal, "{\"version\":1,\"ops\":[],\"mine\":true}");
    legacy_state();
    choose("default", "http://a.example", &note);
    ck_assert_msg(note && strstr(note, "old journal stays") && strstr(note, "2 drafts"), "%s", note);
    free(note);
    char *data = NULL;
    size_t len = 0;
    ck_assert_int_eq(statefile_read(journal, 1 << 20, &data, &len, NULL), 0);
    ck_assert_msg(strstr(data, "\"mine\""), "%s", data); /* the account's own journal is kept */
    free(data);
}
END_TEST

static Suite *account_suite(void)
{
    Suite *s = suite_create("statefile_account");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_account_name);
    tcase_add_test(tc, test_no_account_no_state);
    tcase_add_test(tc, test_accounts_kept_apart);
    tcase_add_test(tc, test_legacy_left_to_default);
    tcase_add_test(tc, test_legacy_journal_never_overwrites);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite_nofork(account_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
