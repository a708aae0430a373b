/* drafts_fixture: what the drafts tests share (test_drafts.c, test_drafts_safety.c): a state
 * directory of their own for each test (setup/teardown), raw files in the drafts directory, and
 * comparisons of drafts. Header-only (static) so that each test file stays one translation unit. */
#ifndef CATENA_TEST_DRAFTS_FIXTURE_H
#define CATENA_TEST_DRAFTS_FIXTURE_H

#include "core/api_drafts.h"
#include "core/drafts.h"
#include "core/statefile.h"

#include <check.h>
#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static char tmpdir[PATH_MAX - 128]; /* XDG_STATE_HOME for each test */
static char ddir[PATH_MAX];          /* its drafts directory */

static inline int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static inline void setup(void)
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

static inline void teardown(void)
{
    chmod(ddir, 0700);
    nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void write_raw(const char *name, const char *content, size_t len)
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
static inline int count_entries(const char *dir)
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

static inline void assert_str_eq_null(const char *what, const char *a, const char *b)
{
    if (!a || !b)
        ck_assert_msg(a == b, "%s: %s vs %s", what, a ? a : "(null)", b ? b : "(null)");
    else
        ck_assert_msg(strcmp(a, b) == 0, "%s: \"%s\" vs \"%s\"", what, a, b);
}

static inline void assert_draft_eq(const draft *a, const draft *b)
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

/* A draft of every kind, with every field used (round trips, clones, texts). */
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

#endif
