/* Unit tests of src/core/drafts.c and core/statefile.c: the state directory, atomic writes, round trips of every
 * kind of draft, ordering, permissions, and hostile files in the drafts directory. */
#include "core/api_drafts.h"
#include "core/drafts.h"
#include "core/statefile.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "suite_runner.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static char tmpdir[PATH_MAX - 128]; /* XDG_STATE_HOME for each test */
static char ddir[PATH_MAX];          /* its drafts directory */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/test_drafts.XXXXXX", t && t[0] == '/' ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    setenv("XDG_STATE_HOME", tmpdir, 1);
    char *err = NULL;
    ck_assert_msg(statefile_set_account("dispatch", "http://127.0.0.1:8080", NULL, &err) == 0, "%s", err);
    char name[64];
    statefile_account_name("dispatch", "http://127.0.0.1:8080", name, sizeof name);
    snprintf(ddir, sizeof ddir, "%s/catena-dispatch/accounts/%s/drafts", tmpdir, name);
}

static void teardown(void)
{
    chmod(ddir, 0700);
    nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_raw(const char *name, const char *content, size_t len)
{
    char dir[PATH_MAX], path[PATH_MAX + 64];
    ck_assert_int_eq(drafts_dir(dir, sizeof dir), 0);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(content, 1, len, f), len);
    fclose(f);
}
#define WRITE(name, s) write_raw(name, s, strlen(s))

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    *len = 0;
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

/* Entries of dir (not . and ..); fails on any hidden (temporary) file. */
static int count_entries(const char *dir)
{
    DIR *dp = opendir(dir);
    ck_assert_ptr_nonnull(dp);
    int n = 0;
    for (struct dirent *e; (e = readdir(dp)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        ck_assert_msg(e->d_name[0] != '.', "left behind: %s", e->d_name);
        n++;
    }
    closedir(dp);
    return n;
}

static void assert_str_eq_null(const char *what, const char *a, const char *b)
{
    if (!a || !b)
        ck_assert_msg(a == b, "%s: %s vs %s", what, a ? a : "(null)", b ? b : "(null)");
    else
        ck_assert_msg(strcmp(a, b) == 0, "%s: \"%s\" vs \"%s\"", what, a, b);
}

static void assert_draft_eq(const draft *a, const draft *b)
{
    ck_assert_str_eq(a->id, b->id);
    ck_assert_int_eq(a->kind, b->kind);
    assert_str_eq_null("connection_id", a->connection_id, b->connection_id);
    assert_str_eq_null("sender_id", a->sender_id, b->sender_id);
    assert_str_eq_null("recipient_id", a->recipient_id, b->recipient_id);
    ck_assert_uint_eq(a->nrecipients, b->nrecipients);
    for (size_t i = 0; i < a->nrecipients; i++)
        ck_assert_str_eq(a->recipient_ids[i], b->recipient_ids[i]);
    assert_str_eq_null("recipient_label", a->recipient_label, b->recipient_label);
    assert_str_eq_null("profile", a->profile, b->profile);
    assert_str_eq_null("text", a->text, b->text);
    assert_str_eq_null("priority", a->priority, b->priority);
    ck_assert(a->sync == b->sync);
    assert_str_eq_null("reply_to", a->reply_to_message_id, b->reply_to_message_id);
    assert_str_eq_null("form_resource", a->form_resource, b->form_resource);
    assert_str_eq_null("form_record_id", a->form_record_id, b->form_record_id);
    assert_str_eq_null("form_json", a->form_json, b->form_json);
    assert_str_eq_null("last_error", a->last_error, b->last_error);
    ck_assert(a->maybe_sent == b->maybe_sent);
    ck_assert_int_eq(a->updated_unix, b->updated_unix);
}

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

static const draft rt_cases[] = {
    {.kind = DRAFT_MESSAGE,
     .connection_id = "0190e5f0-0000-7000-8000-00000000c001",
     .sender_id = "s-1",
     .recipient_id = "r-1",
     .recipient_label = "Jos\xc3\xa9 Mu\xc3\xb1oz",
     .text = "Hola Jos\xc3\xa9,\nline 2 \"quoted\" \\ back\tslash\n\xe7\x8e\x8b\xe4\xbc\x9f \xf0\x9f\x9a\x9a\n",
     .priority = "high",
     .sync = true,
     .reply_to_message_id = "m-9",
     .last_error = "HTTP 502: the TSP rejected the message",
     .maybe_sent = true},
    {.kind = DRAFT_GROUP_MESSAGE,
     .connection_id = "c-2",
     .sender_id = "s-2",
     .recipient_ids = (char *[]){"r-1", "r-2", "r-\xc3\xa9"},
     .nrecipients = 3,
     .recipient_label = "3 drivers",
     .text = "Road closed\r\nuse I-80"},
    {.kind = DRAFT_FORM,
     .connection_id = "c-3",
     .form_resource = "vehicle",
     .form_json = "{\"vehicle_name\":\"Truck \\\"7\\\"\",\"notes\":\"a\\nb\"}"},
    {.kind = DRAFT_FORM,
     .connection_id = "c-3",
     .form_resource = "user",
     .form_record_id = "u-1",
     .form_json = "{}",
     .last_error = "Model year: must be a whole number between 1900 and 2100"},
    {.kind = DRAFT_MESSAGE, .connection_id = "", .text = "", .priority = ""}, /* "" stays "" */
    {.id = "preset-id_1", .kind = DRAFT_MESSAGE, .text = "kept id"},
};

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
    int failed = run_suite_nofork(drafts_suite());
    return failed != 0;
}
