/* Unit tests of what keeps a draft safe (src/core/drafts.c, core/statefile.c): atomic writes and
 * private permissions, a state directory that takes nothing, drafts kept in memory until a save
 * succeeds, and claims across processes. */
#include "drafts_fixture.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "suite_runner.h"

/* ------------------------------------------------------------------ atomicity and permissions */

START_TEST(test_permissions_and_no_temp_files)
{
    umask(0); /* the modes must not depend on the umask */
    for (int i = 0; i < N(rt_cases); i++) {
        draft d = rt_cases[i];
        ck_assert_int_eq(draft_save(&d, NULL), 0);
        ck_assert_int_eq(draft_save(&d, NULL), 0);
        char path[PATH_MAX + 64];
        snprintf(path, sizeof path, "%s/%s.json", ddir, d.id);
        struct stat st;
        ck_assert_int_eq(lstat(path, &st), 0);
        ck_assert(S_ISREG(st.st_mode));
        ck_assert_int_eq(st.st_mode & 0777, 0600);
        free(d.profile);
    }
    struct stat st;
    ck_assert_int_eq(stat(ddir, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    ck_assert_int_eq(count_entries(ddir), N(rt_cases)); /* fails on any leftover temp file */
}
END_TEST

START_TEST(test_statefile_write)
{
    char path[PATH_MAX + 64];
    char *err = NULL;
    snprintf(path, sizeof path, "%s/journal.json", tmpdir);
    static const char data[] = "a\0b\nc"; /* binary-safe */
    ck_assert_int_eq(statefile_write(path, data, sizeof data, &err), 0);
    ck_assert_ptr_null(err);
    size_t len;
    char *back = read_all(path, &len);
    ck_assert_uint_eq(len, sizeof data);
    ck_assert(memcmp(back, data, len) == 0);
    free(back);
    ck_assert_int_eq(statefile_write(path, "x", 1, &err), 0); /* replace */
    back = read_all(path, &len);
    ck_assert_uint_eq(len, 1);
    free(back);
    ck_assert_int_eq(statefile_write(path, NULL, 0, &err), 0); /* empty */
    back = read_all(path, &len);
    ck_assert_uint_eq(len, 0);
    free(back);
    ck_assert_int_eq(count_entries(tmpdir), 2); /* the file and the account's catena-dispatch/ */

    /* A missing directory, a directory in the way, no name. */
    snprintf(path, sizeof path, "%s/missing/x.json", tmpdir);
    ck_assert_int_eq(statefile_write(path, "x", 1, &err), -1);
    ck_assert_msg(err && strstr(err, "missing") && strstr(err, "No such file"), "%s", err);
    free(err);
    snprintf(path, sizeof path, "%s/adir", tmpdir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    ck_assert_int_eq(statefile_write(path, "x", 1, &err), -1);
    ck_assert_msg(err && strstr(err, "adir"), "%s", err);
    free(err);
    ck_assert_int_eq(count_entries(tmpdir), 3); /* the temp file was removed */
    snprintf(path, sizeof path, "%s/", tmpdir);
    ck_assert_int_eq(statefile_write(path, "x", 1, &err), -1);
    free(err);
    ck_assert_int_eq(statefile_write(NULL, "x", 1, &err), -1);
    free(err);
    ck_assert_int_eq(statefile_write("", "x", 1, NULL), -1);
}
END_TEST

/* Saves d again with the drafts directory read-only; returns 0 when it failed as it should. */
static int save_must_fail(draft *d)
{
    char *err = NULL;
    if (draft_save(d, &err) != -1)
        return 10;
    if (!err || !strstr(err, "Permission denied") || !strstr(err, "drafts")) {
        fprintf(stderr, "unexpected error: %s\n", err ? err : "(null)");
        return 11;
    }
    fprintf(stderr, "(expected) %s\n", err);
    free(err);
    drafts_forget(d->id); /* the copy kept in memory: not this test's subject */
    free(d->save_error);
    d->save_error = NULL;
    return 0;
}

static int chown_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return lchown(path, 65534, 65534);
}

START_TEST(test_read_only_dir)
{
    draft d = rt_cases[0];
    ck_assert_int_eq(draft_save(&d, NULL), 0);
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s.json", ddir, d.id);
    size_t len0 = 0, len1 = 0;
    char *before = read_all(path, &len0);
    ck_assert_ptr_nonnull(before);
    ck_assert_int_eq(chmod(ddir, 0500), 0);
    d.text = "this must not be written";
    if (geteuid() != 0) {
        ck_assert_int_eq(save_must_fail(&d), 0);
    } else {
        /* root ignores permissions: try as nobody, who owns the tree but cannot write the dir */
        ck_assert_int_eq(nftw(tmpdir, chown_one, 16, FTW_PHYS), 0);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            if (setgid(65534) != 0 || setuid(65534) != 0)
                _exit(77);
            _exit(save_must_fail(&d));
        }
        int status = 0;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert(WIFEXITED(status));
        if (WEXITSTATUS(status) == 77)
            fprintf(stderr, "test_read_only_dir: cannot drop privileges, checked nothing\n");
        else
            ck_assert_int_eq(WEXITSTATUS(status), 0);
    }
    char *after = read_all(path, &len1);
    ck_assert_ptr_nonnull(after);
    ck_assert_uint_eq(len0, len1);
    ck_assert(memcmp(before, after, len0) == 0);
    free(before);
    free(after);
    ck_assert_int_eq(count_entries(ddir), 1);
    free(d.profile); /* draft_save named the account in it */
}
END_TEST

START_TEST(test_clone_and_free)
{
    ck_assert_ptr_null(draft_clone(NULL));
    draft z = {0};
    draft_free(&z);
    draft_free(NULL);
    drafts_free_all(NULL, 0);
    draft *c = draft_clone(&rt_cases[1]);
    ck_assert_ptr_ne(c->recipient_ids, rt_cases[1].recipient_ids);
    ck_assert_ptr_ne(c->text, rt_cases[1].text);
    assert_draft_eq(c, &rt_cases[1]);
    draft_free(c);
    ck_assert_ptr_null(c->text);
    ck_assert_uint_eq(c->nrecipients, 0);
    free(c);
}
END_TEST

/* The file's JSON is the API module's (api_drafts): a text round trip without the disk, and what
 * is not a version-1 draft leaves the draft empty. */
START_TEST(test_api_draft_text)
{
    for (int i = 0; i < N(rt_cases); i++) {
        char *text = api_draft_encode(&rt_cases[i]);
        draft d;
        ck_assert(api_draft_decode(text, strlen(text), &d, 7));
        memcpy(d.id, rt_cases[i].id, sizeof d.id); /* the id is the file's name, not its content */
        assert_draft_eq(&d, &rt_cases[i]);
        draft_free(&d);
        free(text);
    }
    const char *bad[] = {"", "[]", "{\"version\":2,\"kind\":\"message\"}", "{\"version\":1,\"kind\":\"fax\"}",
                         "{\"version\":1}", "{\"version\":\"1\",\"kind\":\"form\"}"};
    for (int i = 0; i < N(bad); i++) {
        draft d;
        ck_assert_msg(!api_draft_decode(bad[i], strlen(bad[i]), &d, 0), "%s", bad[i]);
        ck_assert_ptr_null(d.text);
    }
    draft d;
    const char *t = "{\"version\":1,\"kind\":\"message\",\"text\":\"hi\",\"updated_unix\":1e300}";
    ck_assert(api_draft_decode(t, strlen(t), &d, 42));
    ck_assert_int_eq(d.updated_unix, 42);
    ck_assert_str_eq(d.text, "hi");
    draft_free(&d);
}
END_TEST

/* Issue 14 item 4: a draft the disk does not take stays in memory, listed as not saved (replacing
 * an older file of it), until a save succeeds (also by drafts_retry_unsaved), it is removed, or
 * drafts_forget drops it. The save fails for root too: the draft's path is a directory. */
START_TEST(test_unsaved_kept_in_memory)
{
    draft d = {.kind = DRAFT_MESSAGE};
    d.text = strdup("first");
    ck_assert_int_eq(draft_save(&d, NULL), 0);
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s.json", ddir, d.id);
    ck_assert_int_eq(remove(path), 0);
    ck_assert_int_eq(mkdir(path, 0700), 0); /* rename onto a directory fails with EISDIR */
    free(d.text);
    d.text = strdup("typed while the disk refused");
    char *err = NULL;
    ck_assert_int_eq(draft_save(&d, &err), -1);
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(d.save_error);
    ck_assert_str_eq(d.save_error, err);
    free(err);
    draft *list = NULL;
    size_t n = 0;
    ck_assert_int_eq(drafts_load_all(&list, &n, NULL), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(list[0].id, d.id);
    ck_assert_str_eq(list[0].text, "typed while the disk refused");
    ck_assert_ptr_nonnull(list[0].save_error);
    drafts_free_all(list, n);
    ck_assert_uint_eq(drafts_retry_unsaved(), 1); /* still refused */

    /* The disk takes it again: the next retry writes the memory copy. */
    ck_assert_int_eq(rmdir(path), 0);
    sleep(1); /* retries run at most once a second */
    ck_assert_uint_eq(drafts_retry_unsaved(), 0);
    ck_assert_int_eq(drafts_load_all(&list, &n, NULL), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(list[0].text, "typed while the disk refused");
    ck_assert_ptr_null(list[0].save_error);
    drafts_free_all(list, n);

    /* Refused again, then forgotten (or removed): the memory copy goes. */
    for (int round = 0; round < 2; round++) {
        free(d.text);
        d.text = strdup("third");
        ck_assert_int_eq(remove(path), 0);
        ck_assert_int_eq(mkdir(path, 0700), 0);
        ck_assert_int_eq(draft_save(&d, NULL), -1);
        ck_assert_int_eq(drafts_load_all(&list, &n, NULL), 0);
        ck_assert_uint_eq(n, 1);
        drafts_free_all(list, n);
        if (round == 0)
            drafts_forget(d.id);
        else
            draft_remove(d.id);
        ck_assert_int_eq(drafts_load_all(&list, &n, NULL), 0);
        ck_assert_uint_eq(n, 0); /* the directory in its place is no draft */
        drafts_free_all(list, n);
        ck_assert_int_eq(rmdir(path), 0);
        ck_assert_int_eq(draft_save(&d, NULL), 0);
    }
    draft_free(&d);
}
END_TEST

/* Issue 14 item 6: one draft is never open in two consoles. Another process's claim refuses ours
 * and names it; the drafts list says who has it; a killed holder's claim is taken over; claims are
 * counted; an accepted draft records its operation id, and once removed it cannot be reopened. */
static pid_t claim_in_child(const char *id, bool release_inherited)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (release_inherited)
            draft_release(id); /* the parent's claim came along with fork: hold none of our own */
        _exit(draft_claim(id, NULL) == 0 ? 0 : 1);
    }
    int st = 0;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st));
    return WEXITSTATUS(st); /* 0: claimed, 1: refused */
}

START_TEST(test_claim_two_processes)
{
    draft d = {.kind = DRAFT_MESSAGE};
    d.text = strdup("once only");
    ck_assert_int_eq(draft_save(&d, NULL), 0);

    /* Console B claims it and stays. */
    int up[2], go[2];
    ck_assert_int_eq(pipe(up), 0);
    ck_assert_int_eq(pipe(go), 0);
    pid_t b = fork();
    ck_assert_int_ge(b, 0);
    if (b == 0) {
        char c = draft_claim(d.id, NULL) == 0 ? 'y' : 'n';
        if (write(up[1], &c, 1) != 1 || read(go[0], &c, 1) < 0)
            _exit(2);
        _exit(0);
    }
    char c = 0;
    ck_assert_int_eq(read(up[0], &c, 1), 1);
    ck_assert_int_eq(c, 'y');
    char *err = NULL, want[64];
    ck_assert_int_eq(draft_claim(d.id, &err), -1);
    snprintf(want, sizeof want, "another console (process %ld)", (long)b);
    ck_assert_msg(err && strstr(err, want), "%s", err);
    free(err);
    ck_assert_int_eq(draft_claimed_elsewhere(d.id), b);
    draft *list = NULL;
    size_t n = 0;
    ck_assert_int_eq(drafts_load_all(&list, &n, NULL), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(list[0].claimed_by, b);
    drafts_free_all(list, n);

    /* B dies without letting go: its claim is taken over. */
    ck_assert_int_eq(kill(b, SIGKILL), 0);
    ck_assert_int_eq(waitpid(b, NULL, 0), b);
    ck_assert_int_eq(draft_claimed_elsewhere(d.id), 0);
    ck_assert_int_eq(draft_claim(d.id, &err), 0);
    ck_assert_int_eq(draft_claimed_elsewhere(d.id), 0); /* ours */
    ck_assert_int_eq(claim_in_child(d.id, true), 1);

    /* Counted: the second claim (a send in flight) keeps it after the first is released. */
    ck_assert_int_eq(draft_claim(d.id, NULL), 0);
    draft_release(d.id);
    ck_assert_int_eq(claim_in_child(d.id, true), 1);
    draft_release(d.id);
    ck_assert_int_eq(claim_in_child(d.id, false), 0);

    /* Accepted: the operation id is on disk before the draft goes; removed, it is no more to load. */
    ck_assert_int_eq(draft_claim(d.id, NULL), 0);
    d.operation_id = strdup("3f1c2a9e-0000-4000-8000-000000000001");
    ck_assert_int_eq(draft_save(&d, NULL), 0);
    draft back;
    ck_assert_int_eq(draft_load(d.id, &back, NULL), 0);
    ck_assert_str_eq(back.operation_id, d.operation_id);
    ck_assert_str_eq(back.id, d.id);
    draft_free(&back);
    char lock[PATH_MAX + 64];
    snprintf(lock, sizeof lock, "%s/.%s.lock", ddir, d.id);
    ck_assert_int_eq(access(lock, F_OK), 0);
    ck_assert_int_eq(draft_remove(d.id), 0);
    ck_assert_int_eq(access(lock, F_OK), -1); /* the claim's file goes with the draft */
    draft_release(d.id);
    ck_assert_int_eq(draft_load(d.id, &back, &err), -1);
    ck_assert_msg(err && strstr(err, "sent or deleted"), "%s", err);
    free(err);
    /* Claim files nobody holds whose draft is gone are cleaned up by a listing; held ones stay. */
    char stale[PATH_MAX + 64], held[PATH_MAX + 64];
    snprintf(stale, sizeof stale, "%s/.1-dead-console.lock", ddir);
    WRITE(".1-dead-console.lock", "12345\n");
    ck_assert_int_eq(draft_claim("2-new-composer", NULL), 0);
    snprintf(held, sizeof held, "%s/.2-new-composer.lock", ddir);
    ck_assert_int_eq(drafts_load_all(&list, &n, NULL), 0);
    drafts_free_all(list, n);
    ck_assert_int_eq(access(stale, F_OK), -1);
    ck_assert_int_eq(access(held, F_OK), 0);
    ck_assert_int_eq(claim_in_child("2-new-composer", true), 1);
    draft_release("2-new-composer");
    close(up[0]);
    close(up[1]);
    close(go[0]);
    close(go[1]);
    draft_free(&d);
}
END_TEST

static Suite *drafts_safety_suite(void)
{
    Suite *s = suite_create("drafts_safety");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_permissions_and_no_temp_files);
    tcase_add_test(tc, test_statefile_write);
    tcase_add_test(tc, test_read_only_dir);
    tcase_add_test(tc, test_clone_and_free);
    tcase_add_test(tc, test_api_draft_text);
    tcase_add_test(tc, test_unsaved_kept_in_memory);
    tcase_add_test(tc, test_claim_two_processes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite_nofork(drafts_safety_suite());
    return failed != 0;
}
