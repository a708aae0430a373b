/* Unit tests of the inbox's store and the decoding of its answers (core/inbox_store.c,
 * core/api_inbox.c), without an emulator: which items are driver messages, hostile text made
 * harmless and cut with a marker, order newest first, no duplicates, the limit, unread marks,
 * per-connection marks, and the state file (round trip, hostile and foreign files). */
#include "core/api_inbox.h"
#include "core/api_ops.h"
#include "core/inbox_store.h"
#include "core/statefile.h"
#include "core/text.h"

#include <check.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define CONN_A "0190e5f0-0000-7000-8000-00000000000a"
#define CONN_B "0190e5f0-0000-7000-8000-00000000000b"
#define DRIVER "0190e5f0-0000-7000-8000-0000000000d1"
#define DISPATCHER "0190e5f0-0000-7000-8000-0000000000d9"

static char *item(const char *id, const char *sender, bool by_driver, const char *at, const char *text_json,
                  const char *extra)
{
    char *s = malloc(strlen(text_json) + 600);
    sprintf(s,
            "{\"id\":\"%s\",\"sender_id\":\"%s\",\"sender_name\":\"Ana \\u001b[31mRed\",\"sent_by_driver\":%s,"
            "\"occurred_at\":\"%s\",\"created_at\":\"2026-01-01T00:00:00Z\",\"message_text\":%s%s}",
            id, sender, by_driver ? "true" : "false", at, text_json, extra ? extra : "");
    return s;
}

static api_inbox_page decode_ok(const char *json)
{
    api_inbox_page pg;
    char *err = NULL;
    ck_assert_msg(api_inbox_decode(json, strlen(json), &pg, &err) == 0, "%s", err);
    return pg;
}

START_TEST(test_decode_keeps_driver_messages_harmless)
{
    char longtext[12000] = "\"";
    for (int i = 1; i < 10001; i++)
        longtext[i] = 'x';
    strcpy(longtext + 10001, "\"");
    char *items[] = {
        item("0190e5f0-0000-7000-8000-000000000001", DRIVER, true, "2026-11-30T10:00:00.250Z",
             "\"line one\\nline two\\t\\u202eevil\\u0007 \\u00e9\"", ",\"read_at\":\"2026-11-30T10:01:00Z\""),
        item("0190e5f0-0000-7000-8000-000000000002", DISPATCHER, false, "2026-11-30T11:00:00Z", "\"from us\"", NULL),
        item("0190e5f0-0000-7000-8000-000000000003", DRIVER, true, "2026-11-30T10:30:00Z", longtext, NULL),
        item("not-a-uuid", DRIVER, true, "2026-11-30T10:40:00Z", "\"no id\"", NULL),
        item("0190e5f0-0000-7000-8000-000000000005", DRIVER, true, "2026-11-30T10:45:00Z", "\"gone\"",
             ",\"deleted_at\":\"2026-11-30T10:46:00Z\""),
        item("0190e5f0-0000-7000-8000-000000000006", DRIVER, true, "garbage", "\"created only\"", NULL),
    };
    char *json = malloc(40000);
    strcpy(json, "{\"items\":[");
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        strcat(json, i ? "," : "");
        strcat(json, items[i]);
        free(items[i]);
    }
    strcat(json, "],\"next_page\":\"abc\"}");
    api_inbox_page pg = decode_ok(json);
    free(json);
    ck_assert_uint_eq(pg.nitems, 6);
    ck_assert_uint_eq(pg.n, 3); /* the dispatcher's, the one without an id and the deleted one left out */
    ck_assert_str_eq(pg.next_cursor, "abc");
    ck_assert_str_eq(pg.msgs[0].id, "0190e5f0-0000-7000-8000-000000000001");
    ck_assert_str_eq(pg.msgs[0].driver_id, DRIVER);
    ck_assert_msg(strcmp(pg.msgs[0].text, "line one line two evil? \xc3\xa9") == 0, "%s", pg.msgs[0].text);
    ck_assert(pg.msgs[0].read);
    ck_assert_int_eq(pg.msgs[0].at_ms, 1796032800250LL);
    ck_assert_ptr_null(strchr(pg.msgs[0].driver_name, '\x1b'));
    ck_assert(!pg.msgs[1].read);
    ck_assert_uint_le(strlen(pg.msgs[1].text), API_INBOX_TEXT_MAX + 3);
    ck_assert_msg(strstr(pg.msgs[1].text, "\xe2\x80\xa6") == pg.msgs[1].text + strlen(pg.msgs[1].text) - 3,
                  "no cut marker at the end");
    int64_t want;
    ck_assert(api_time_parse("2026-01-01T00:00:00Z", &want)); /* no occurred_at: created_at */
    ck_assert_int_eq(pg.msgs[2].at_ms, want);
    ck_assert_str_eq(pg.msgs[2].text, "created only");
    /* The newest time of the page counts every item, ours too. */
    ck_assert(api_time_parse("2026-11-30T11:00:00Z", &want));
    ck_assert_int_eq(pg.newest_ms, want);
    api_inbox_page_clear(&pg);

    /* Invalid UTF-8 and a cut inside a multi-byte character stay valid UTF-8. */
    char bad[API_INBOX_TEXT_MAX * 3];
    strcpy(bad, "{\"items\":[");
    char text[API_INBOX_TEXT_MAX + 40] = "\"";
    size_t n = 1;
    while (n < API_INBOX_TEXT_MAX + 10)
        n += (size_t)sprintf(text + n, "\xc3\xa9");
    strcpy(text + n, "\xff\"");
    char *it = item("0190e5f0-0000-7000-8000-000000000007", DRIVER, true, "2026-11-30T10:00:00Z", text, NULL);
    strcat(bad, it);
    free(it);
    strcat(bad, "]}");
    pg = decode_ok(bad);
    ck_assert_uint_eq(pg.n, 1);
    char *again = text_sanitize(pg.msgs[0].text, strlen(pg.msgs[0].text), false);
    ck_assert_str_eq(again, pg.msgs[0].text); /* nothing left to repair */
    free(again);
    ck_assert_ptr_null(pg.next_cursor);
    api_inbox_page_clear(&pg);

    char *err = NULL;
    ck_assert_int_eq(api_inbox_decode("{\"data\":[]}", 11, &pg, &err), -1);
    ck_assert_msg(err && strstr(err, "not a page"), "%s", err);
    free(err);
    err = NULL;
    ck_assert_int_eq(api_inbox_decode("[1,", 3, &pg, &err), -1);
    free(err);
}
END_TEST

static api_inbox_msg msg(int k, int64_t at)
{
    api_inbox_msg m = {.at_ms = at, .driver_name = "Ana", .text = "On my way"};
    snprintf(m.id, sizeof m.id, "0190e5f0-0000-7000-8000-%012d", k);
    snprintf(m.driver_id, sizeof m.driver_id, "%s", DRIVER);
    return m;
}

START_TEST(test_store_order_dedup_limit_and_marks)
{
    inbox_store *s = inbox_store_new(3);
    api_inbox_msg a = msg(1, 1000), b = msg(2, 3000), c = msg(3, 2000), d = msg(4, 500), e = msg(5, 4000);
    ck_assert(inbox_store_add(s, CONN_A, &a, true));
    ck_assert(inbox_store_add(s, CONN_B, &b, true));
    ck_assert(inbox_store_add(s, CONN_A, &c, false));
    ck_assert(!inbox_store_add(s, CONN_A, &b, true)); /* held already */
    ck_assert(!inbox_store_add(s, CONN_A, &d, true)); /* older than every one of a full store */
    ck_assert_uint_eq(inbox_store_count(s), 3);
    ck_assert_str_eq(inbox_store_at(s, 0)->id, b.id); /* newest first */
    ck_assert_str_eq(inbox_store_at(s, 1)->id, c.id);
    ck_assert_str_eq(inbox_store_at(s, 2)->id, a.id);
    ck_assert_ptr_null(inbox_store_at(s, 3));
    ck_assert_str_eq(inbox_store_at(s, 0)->connection_id, CONN_B);
    ck_assert_uint_eq(inbox_store_unread(s), 2);
    ck_assert(inbox_store_add(s, CONN_A, &e, true)); /* the oldest (a) goes */
    ck_assert_ptr_null(inbox_store_find(s, a.id));
    ck_assert_str_eq(inbox_store_at(s, 0)->id, e.id);
    ck_assert_uint_eq(inbox_store_unread(s), 2);
    ck_assert(inbox_store_mark_read(s, b.id));
    ck_assert(!inbox_store_mark_read(s, b.id));
    ck_assert(!inbox_store_mark_read(s, "no such id"));
    ck_assert_uint_eq(inbox_store_unread(s), 1);
    ck_assert_uint_eq(inbox_store_mark_all_read(s), 1);
    ck_assert_uint_eq(inbox_store_unread(s), 0);
    ck_assert_int_eq(inbox_store_since(s, CONN_A), 0);
    inbox_store_set_since(s, CONN_A, 4000);
    inbox_store_set_since(s, CONN_A, 4500);
    ck_assert_int_eq(inbox_store_since(s, CONN_A), 4500);
    ck_assert_int_eq(inbox_store_since(s, CONN_B), 0);
    inbox_store_free(s);
}
END_TEST

START_TEST(test_state_file_round_trip_and_hostile_files)
{
    inbox_store *s = inbox_store_new(0);
    api_inbox_msg a = msg(1, 1000), b = msg(2, 3000);
    a.text = "caf\xc3\xa9 \xe2\x80\xa6";
    inbox_store_add(s, CONN_A, &a, true);
    inbox_store_add(s, CONN_B, &b, false);
    inbox_store_set_since(s, CONN_A, 1000);
    ck_assert(inbox_store_dirty(s));
    char *json = inbox_store_encode(s);
    inbox_store *t = inbox_store_new(0);
    char *err = NULL;
    ck_assert_msg(inbox_store_decode(t, json, strlen(json), &err) == 0, "%s", err);
    free(json);
    ck_assert(!inbox_store_dirty(t));
    ck_assert_uint_eq(inbox_store_count(t), 2);
    ck_assert_str_eq(inbox_store_at(t, 1)->text, a.text);
    ck_assert(inbox_store_at(t, 1)->unread);
    ck_assert(!inbox_store_at(t, 0)->unread);
    ck_assert_str_eq(inbox_store_at(t, 0)->connection_id, CONN_B);
    ck_assert_int_eq(inbox_store_since(t, CONN_A), 1000);

    /* Files this program did not write: refused whole, or their odd entries skipped. */
    static const char *const bad[] = {"[]", "{\"version\":2,\"messages\":[]}", "{\"version\":1,\"messages\":7}", "nul"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err = NULL;
        int rc = inbox_store_decode(t, bad[i], strlen(bad[i]), &err);
        ck_assert_msg(rc == -1 || (i == 2 && rc == 0), "%s", bad[i]);
        free(err);
        ck_assert_uint_eq(inbox_store_count(t), 0);
    }
    const char *odd = "{\"version\":1,\"connections\":[{\"id\":\"" CONN_A "\",\"since_ms\":1e300}],\"messages\":["
                      "{\"id\":\"x\",\"connection_id\":\"" CONN_A "\",\"driver_id\":\"" DRIVER
                      "\",\"text\":\"a\",\"at_ms\":1},"
                      "{\"id\":\"0190e5f0-0000-7000-8000-000000000009\",\"connection_id\":\"" CONN_A
                      "\",\"driver_id\":\"" DRIVER "\",\"text\":\"\\u001b]0;pwned\\u0007\",\"at_ms\":5}]}";
    ck_assert_int_eq(inbox_store_decode(t, odd, strlen(odd), &err), 0);
    ck_assert_uint_eq(inbox_store_count(t), 1);
    ck_assert_ptr_null(strchr(inbox_store_at(t, 0)->text, '\x1b'));
    ck_assert(inbox_store_at(t, 0)->unread); /* no unread member: unread */
    ck_assert_int_eq(inbox_store_since(t, CONN_A), 0);

    /* Through a file: missing is empty; saved is read back. */
    char dir[] = "/tmp/test_inbox_store.XXXXXX", path[64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/inbox.json", dir);
    ck_assert_int_eq(inbox_store_load(t, path, &err), 0);
    ck_assert_msg(inbox_store_save(s, path, &err) == 0, "%s", err);
    ck_assert(!inbox_store_dirty(s));
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(inbox_store_load(t, path, &err), 0);
    ck_assert_uint_eq(inbox_store_count(t), 2);
    remove(path);
    strcat(path, ".lock");
    remove(path);
    remove(dir);
    inbox_store_free(s);
    inbox_store_free(t);
}
END_TEST

START_TEST(test_two_consoles_merge_on_save)
{
    char dir[] = "/tmp/test_inbox_merge.XXXXXX", path[64], lock[80];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/inbox.json", dir);
    snprintf(lock, sizeof lock, "%s.lock", path);
    api_inbox_msg m1 = msg(1, 1000), m2 = msg(2, 2000), m3 = msg(3, 3000);
    inbox_store *a = inbox_store_new(0), *b = inbox_store_new(0);
    inbox_store_add(a, CONN_A, &m1, true);
    inbox_store_add(b, CONN_A, &m1, true);
    inbox_store_add(b, CONN_B, &m2, true);
    inbox_store_set_since(a, CONN_A, 1000);
    inbox_store_set_since(b, CONN_A, 500);
    inbox_store_set_since(b, CONN_B, 2000);
    char *err = NULL;
    ck_assert(inbox_store_mark_read(a, m1.id)); /* console A showed m1 */
    ck_assert_msg(inbox_store_save(a, path, &err) == 0, "%s", err);
    inbox_store_add(b, CONN_A, &m3, true);
    ck_assert_msg(inbox_store_save(b, path, &err) == 0, "%s", err); /* B did not see A's mark */
    inbox_store *c = inbox_store_new(0);
    ck_assert_int_eq(inbox_store_load(c, path, &err), 0);
    ck_assert_uint_eq(inbox_store_count(c), 3);
    ck_assert(!inbox_store_find(c, m1.id)->unread); /* A's read mark survived B's save */
    ck_assert(inbox_store_find(c, m2.id)->unread);
    ck_assert_int_eq(inbox_store_since(c, CONN_A), 1000);
    ck_assert_int_eq(inbox_store_since(c, CONN_B), 2000);
    ck_assert(!inbox_store_find(b, m1.id)->unread); /* and B holds it now */
    /* Another console holding the lock: the save fails, saying so, and changes nothing. */
    int fd = statefile_lock(lock, 0, NULL);
    ck_assert_int_ge(fd, 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char *e = NULL;
        inbox_store_mark_read(c, m2.id);
        _exit(inbox_store_save(c, path, &e) == -1 && e && strstr(e, "held by another process") ? 0 : 1);
    }
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    statefile_unlock(fd);
    inbox_store_free(a);
    inbox_store_free(b);
    inbox_store_free(c);
    remove(path);
    remove(lock);
    remove(dir);
}
END_TEST

static Suite *inbox_suite(void)
{
    Suite *s = suite_create("inbox_store");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_decode_keeps_driver_messages_harmless);
    tcase_add_test(tc, test_store_order_dedup_limit_and_marks);
    tcase_add_test(tc, test_state_file_round_trip_and_hostile_files);
    tcase_add_test(tc, test_two_consoles_merge_on_save);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    text_init_locale();
    SRunner *sr = srunner_create(inbox_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
