/* Unit tests of src/core/drafts.c and core/statefile.c: the state directory, round trips of every
 * kind of draft, ordering, and hostile files in the drafts directory (what keeps a draft safe:
 * test_drafts_safety.c). */
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

/* ------------------------------------------------------------------ directories and ids */

START_TEST(test_state_dir)
{
    char out[PATH_MAX], want[PATH_MAX + 64];
    struct stat st;
    ck_assert_int_eq(statefile_dir(NULL, out, sizeof out, NULL), 0);
    snprintf(want, sizeof want, "%s/catena-dispatch", tmpdir);
    ck_assert_str_eq(out, want);
    ck_assert_int_eq(stat(out, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    ck_assert_int_eq(drafts_dir(out, sizeof out), 0);
    ck_assert_str_eq(out, ddir);
    ck_assert_int_eq(stat(out, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    ck_assert_int_eq(drafts_dir(out, sizeof out), 0); /* exists already: fine */
    ck_assert_int_eq(drafts_dir(out, 10), -1);         /* does not fit */

    /* A relative XDG_STATE_HOME is ignored: HOME/.local/state is used. */
    char home[PATH_MAX];
    snprintf(home, sizeof home, "%s/home", tmpdir);
    setenv("HOME", home, 1);
    setenv("XDG_STATE_HOME", "relative/state", 1);
    ck_assert_int_eq(drafts_dir(out, sizeof out), 0);
    char name[64];
    statefile_account_name("dispatch", "http://127.0.0.1:8080", name, sizeof name);
    ck_assert(snprintf(want, sizeof want, "%s/.local/state/catena-dispatch/accounts/%s/drafts", home, name) <
              (int)sizeof want);
    ck_assert_str_eq(out, want);
    unsetenv("XDG_STATE_HOME");
    ck_assert_int_eq(statefile_dir(NULL, out, sizeof out, NULL), 0);
    snprintf(want, sizeof want, "%s/.local/state/catena-dispatch", home);
    ck_assert_str_eq(out, want);

    /* XDG_STATE_HOME naming a file: cannot create. */
    char file[PATH_MAX];
    snprintf(file, sizeof file, "%s/plainfile", tmpdir);
    fclose(fopen(file, "w"));
    setenv("XDG_STATE_HOME", file, 1);
    ck_assert_int_eq(statefile_dir(NULL, out, sizeof out, NULL), -1);
    draft d = {.kind = DRAFT_MESSAGE};
    char *err = NULL;
    ck_assert_int_eq(draft_save(&d, &err), -1);
    ck_assert_msg(err && strstr(err, "Not a directory"), "%s", err);
    free(err);
    drafts_forget(d.id);

    /* Neither set. */
    unsetenv("XDG_STATE_HOME");
    unsetenv("HOME");
    ck_assert_int_eq(statefile_dir(NULL, out, sizeof out, NULL), -1);
    ck_assert_int_eq(drafts_dir(out, sizeof out), -1);
    ck_assert_int_eq(draft_save(&d, &err), -1);
    ck_assert_msg(err && strstr(err, "neither XDG_STATE_HOME nor HOME"), "%s", err);
    free(err);
    drafts_forget(d.id);
    draft_free(&d);
    draft *list = (draft *)1;
    size_t n = 9, skipped = 9;
    ck_assert_int_eq(drafts_load_all(&list, &n, &skipped), -1);
    ck_assert_ptr_null(list);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(draft_remove("abc"), -1);
}
END_TEST

static int cmp_str(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

START_TEST(test_new_id_unique)
{
    enum { COUNT = 5000 };
    static char ids[COUNT][40];
    for (int i = 0; i < COUNT; i++) {
        drafts_new_id(ids[i]);
        size_t n = strlen(ids[i]);
        ck_assert(n > 0 && n < 40);
        ck_assert_msg(strspn(ids[i], "0123456789abcdefABCDEF-_") == n, "%s", ids[i]);
    }
    qsort(ids, COUNT, sizeof ids[0], cmp_str);
    for (int i = 1; i < COUNT; i++)
        ck_assert_str_ne(ids[i - 1], ids[i]);
}
END_TEST

/* ------------------------------------------------------------------ round trips */


START_TEST(test_round_trip)
{
    draft d = rt_cases[_i];
    char *err = NULL;
    time_t before = time(NULL);
    ck_assert_msg(draft_save(&d, &err) == 0, "%s", err);
    ck_assert_ptr_null(err);
    ck_assert(d.id[0]);
    if (rt_cases[_i].id[0])
        ck_assert_str_eq(d.id, rt_cases[_i].id);
    ck_assert(d.updated_unix >= before && d.updated_unix <= time(NULL));
    ck_assert_str_eq(d.profile, "dispatch"); /* the draft names its profile */
    draft *list = NULL;
    size_t n = 0, skipped = 9;
    ck_assert_int_eq(drafts_load_all(&list, &n, &skipped), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(skipped, 0);
    assert_draft_eq(&list[0], &d);
    /* A clone is equal and owns its strings. */
    draft *c = draft_clone(&list[0]);
    drafts_free_all(list, n);
    assert_draft_eq(c, &d);
    draft_free(c);
    draft_free(c);
    free(c);
    free(d.profile);
    ck_assert_int_eq(count_entries(ddir), 1);
}
END_TEST

START_TEST(test_file_format)
{
    draft d = rt_cases[1];
    ck_assert_int_eq(draft_save(&d, NULL), 0);
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s.json", ddir, d.id);
    size_t len;
    char *s = read_all(path, &len);
    ck_assert_ptr_nonnull(s);
    s[len] = '\0';
    static const char *const members[] = {
        "\"version\":\t1", "\"kind\":\t\"group_message\"", "\"recipient_ids\":", "\"sync\":\tfalse",
        "\"maybe_sent\":\tfalse", "\"updated_unix\":", "\"form_json\":\tnull", "\"id\":", "\"profile\":\t\"dispatch\""};
    for (int i = 0; i < N(members); i++)
        ck_assert_msg(strstr(s, members[i]), "missing %s in %s", members[i], s);
    free(s);
    free(d.profile);
}
END_TEST

START_TEST(test_overwrite_and_remove)
{
    draft d = rt_cases[0];
    ck_assert_int_eq(draft_save(&d, NULL), 0);
    d.text = "second version";
    ck_assert_int_eq(draft_save(&d, NULL), 0);
    ck_assert_int_eq(count_entries(ddir), 1);
    draft e = rt_cases[2];
    ck_assert_int_eq(draft_save(&e, NULL), 0);
    ck_assert_str_ne(d.id, e.id);
    draft *list;
    size_t n, skipped;
    ck_assert_int_eq(drafts_load_all(&list, &n, &skipped), 0);
    ck_assert_uint_eq(n, 2);
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].id, d.id) == 0)
            ck_assert_str_eq(list[i].text, "second version");
    drafts_free_all(list, n);

    ck_assert_int_eq(draft_remove(d.id), 0);
    ck_assert_int_eq(count_entries(ddir), 1);
    ck_assert_int_eq(draft_remove(d.id), 0); /* already gone */
    ck_assert_int_eq(drafts_load_all(&list, &n, NULL), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(list[0].id, e.id);
    drafts_free_all(list, n);
    ck_assert_int_eq(draft_remove(e.id), 0);
    ck_assert_int_eq(drafts_load_all(&list, &n, NULL), 0);
    ck_assert_uint_eq(n, 0);
    drafts_free_all(list, n);
    free(d.profile);
    free(e.profile);

    /* Ids that are not file-name safe are refused. */
    static const char *const bad[] = {"", "../x", "a/b", ".hidden", "x y", "a\nb",
                                      "0123456789012345678901234567890123456789", NULL};
    for (int i = 0; i < N(bad); i++)
        ck_assert_msg(draft_remove(bad[i]) == -1, "%s", bad[i] ? bad[i] : "(null)");
    draft f = {.id = "../escape", .kind = DRAFT_MESSAGE};
    char *err = NULL;
    ck_assert_int_eq(draft_save(&f, &err), -1);
    ck_assert_ptr_nonnull(err);
    free(err);
    draft g = {.kind = (draft_kind)7};
    ck_assert_int_eq(draft_save(&g, &err), -1);
    free(err);
    ck_assert_int_eq(draft_save(NULL, NULL), -1);
}
END_TEST

/* ------------------------------------------------------------------ hostile files */

typedef struct {
    const char *name;
    const char *content;
    bool loads; /* false: skipped and counted */
} file_case;

static const file_case file_cases[] = {
    {"garbage.json", "not json at all", false},
    {"empty.json", "", false},
    {"array.json", "[{\"version\":1,\"kind\":\"message\"}]", false},
    {"noversion.json", "{\"kind\":\"message\",\"text\":\"x\"}", false},
    {"v2.json", "{\"version\":2,\"kind\":\"message\"}", false},
    {"vstr.json", "{\"version\":\"1\",\"kind\":\"message\"}", false},
    {"nokind.json", "{\"version\":1}", false},
    {"badkind.json", "{\"version\":1,\"kind\":\"fax\"}", false},
    {"kindnum.json", "{\"version\":1,\"kind\":2}", false},
    {"trunc.json", "{\"version\":1,\"kind\":\"message\",\"text\":\"unfinish", false},
    {"bad name!.json", "{\"version\":1,\"kind\":\"message\"}", false},
    {"0123456789012345678901234567890123456789.json", "{\"version\":1,\"kind\":\"message\"}", false},
    {"types.json",
     "{\"version\":1,\"kind\":\"group_message\",\"connection_id\":42,\"text\":[\"a\"],"
     "\"recipient_ids\":[\"a\",7,null,\"b\",{}],\"sync\":\"yes\",\"updated_unix\":\"soon\","
     "\"priority\":{\"x\":1},\"maybe_sent\":1,\"id\":\"../../etc/passwd\"}",
     true},
    {"bigtime.json", "{\"version\":1,\"kind\":\"form\",\"updated_unix\":1e300,\"recipient_ids\":\"r\"}", true},
    {"negtime.json", "{\"version\":1,\"kind\":\"form\",\"updated_unix\":-5}", true},
    {"nul.json", "{\"version\":1.0,\"kind\":\"message\",\"text\":\"ab\\u0000cd\"}", true},
    {"minimal.json", "{\"version\":1,\"kind\":\"message\"}", true},
    /* not drafts at all: neither loaded nor counted */
    {"README", "hello", true},
    {"x.json.bak", "{}", true},
    {".x.json.tmp-1234abcd", "{}", true},
    {".hidden.json", "{}", true},
    {".json", "{}", true},
};

START_TEST(test_hostile_files)
{
    size_t want_skipped = 0, want_loaded = 0;
    for (int i = 0; i < N(file_cases); i++) {
        WRITE(file_cases[i].name, file_cases[i].content);
        bool draft_name = file_cases[i].name[0] != '.' && strstr(file_cases[i].name, ".json") &&
                          strcmp(strstr(file_cases[i].name, ".json"), ".json") == 0;
        if (!draft_name)
            continue;
        if (file_cases[i].loads)
            want_loaded++;
        else
            want_skipped++;
    }
    /* Deep nesting, a huge file, a directory, a symlink and a FIFO named like drafts. */
    enum { DEPTH = 100000 };
    char *deep = malloc(2 * DEPTH + 64);
    int len = sprintf(deep, "{\"version\":1,\"kind\":\"message\",\"text\":");
    memset(deep + len, '[', DEPTH);
    memset(deep + len + DEPTH, ']', DEPTH);
    strcpy(deep + len + 2 * DEPTH, "}");
    WRITE("deep.json", deep);
    free(deep);
    size_t hlen = 5u << 20;
    char *huge = malloc(hlen);
    memset(huge, ' ', hlen);
    memcpy(huge, "{\"version\":1,\"kind\":\"message\",\"text\":\"", 38);
    memset(huge + 38, 'x', hlen - 40);
    memcpy(huge + hlen - 2, "\"}", 2);
    write_raw("huge.json", huge, hlen);
    free(huge);
    char path[PATH_MAX + 64], target[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/dir.json", ddir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    snprintf(target, sizeof target, "%s/minimal.json", ddir);
    snprintf(path, sizeof path, "%s/link.json", ddir);
    ck_assert_int_eq(symlink(target, path), 0);
    snprintf(path, sizeof path, "%s/fifo.json", ddir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    want_skipped += 5;

    draft *list;
    size_t n, skipped;
    ck_assert_int_eq(drafts_load_all(&list, &n, &skipped), 0);
    ck_assert_uint_eq(n, want_loaded);
    ck_assert_uint_eq(skipped, want_skipped);
    time_t now = time(NULL);
    for (size_t i = 0; i < n; i++) {
        const draft *d = &list[i];
        if (strcmp(d->id, "types") == 0) {
            ck_assert_int_eq(d->kind, DRAFT_GROUP_MESSAGE);
            ck_assert_ptr_null(d->connection_id);
            ck_assert_ptr_null(d->text);
            ck_assert_ptr_null(d->priority);
            ck_assert_uint_eq(d->nrecipients, 2);
            ck_assert_str_eq(d->recipient_ids[0], "a");
            ck_assert_str_eq(d->recipient_ids[1], "b");
            ck_assert(!d->sync);
            ck_assert(!d->maybe_sent);
        } else if (strcmp(d->id, "nul") == 0) {
            ck_assert_str_eq(d->text, "ab");
        }
        /* bad or missing times fall back to the file's mtime */
        ck_assert(d->updated_unix > now - 600 && d->updated_unix <= now + 1);
        ck_assert(d->nrecipients == 0 || d->recipient_ids);
    }
    drafts_free_all(list, n);
    /* Loading twice gives the same answer: nothing was changed or removed. */
    ck_assert_int_eq(drafts_load_all(&list, &n, &skipped), 0);
    ck_assert_uint_eq(n, want_loaded);
    ck_assert_uint_eq(skipped, want_skipped);
    drafts_free_all(list, n);
}
END_TEST

START_TEST(test_newest_first)
{
    static const struct {
        const char *id;
        int t;
    } files[] = {{"a", 100}, {"b", 300}, {"c", 200}, {"d", 200}, {"e", 50}};
    for (int i = 0; i < N(files); i++) {
        char name[64], body[256];
        snprintf(name, sizeof name, "%s.json", files[i].id);
        snprintf(body, sizeof body, "{\"version\":1,\"kind\":\"message\",\"updated_unix\":%d,\"text\":\"%s\"}",
                 files[i].t, files[i].id);
        WRITE(name, body);
    }
    draft d = rt_cases[0]; /* saved now: newest of all */
    ck_assert_int_eq(draft_save(&d, NULL), 0);
    draft *list;
    size_t n, skipped;
    ck_assert_int_eq(drafts_load_all(&list, &n, &skipped), 0);
    ck_assert_uint_eq(n, 6);
    ck_assert_str_eq(list[0].id, d.id);
    static const char *const order[] = {"b", "d", "c", "a", "e"}; /* ties: larger id first */
    for (int i = 0; i < 5; i++)
        ck_assert_str_eq(list[i + 1].id, order[i]);
    ck_assert_int_eq(list[1].updated_unix, 300);
    drafts_free_all(list, n);
    free(d.profile);
}
END_TEST

static Suite *drafts_suite(void)
{
    Suite *s = suite_create("drafts");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_state_dir);
    tcase_add_test(tc, test_new_id_unique);
    tcase_add_loop_test(tc, test_round_trip, 0, N(rt_cases));
    tcase_add_test(tc, test_file_format);
    tcase_add_test(tc, test_overwrite_and_remove);
    tcase_add_test(tc, test_hostile_files);
    tcase_add_test(tc, test_newest_first);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite_nofork(drafts_suite());
    return failed != 0;
}
