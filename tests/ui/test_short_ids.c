/* Issue 12 bug 3: the console names an operation by the end of its id. UUIDv7 ids begin with
 * their time, so three sends within 30 s all read "01a22c0e…" by their first digits. */
#include "ui/pane_ops.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(ops_sent_together_read_differently)
{
    /* Three UUIDv7 of the same second (the ids of the three sends). */
    const char *ids[] = {"01a22c0e-5b31-7c02-8f4e-3d1a9b7c6e01", "01a22c0e-9d02-7a11-b2c3-77e0f1a2b3c4",
                         "01a22c0e-f3aa-75de-9a01-0c5d4e3f2a19"};
    char s[3][OPS_SHORT_ID_LEN];
    for (int i = 0; i < 3; i++)
        ops_short_id(ids[i], s[i]);
    ck_assert_str_ne(s[0], s[1]);
    ck_assert_str_ne(s[0], s[2]);
    ck_assert_str_ne(s[1], s[2]);
    ck_assert_str_eq(s[0], "…9b7c6e01"); /* the random end, marked as an end */
    ops_short_id("", s[0]);
    ck_assert_str_eq(s[0], "…");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("short_ids");
    TCase *tc = tcase_create("ui");
    tcase_add_test(tc, ops_sent_together_read_differently);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
