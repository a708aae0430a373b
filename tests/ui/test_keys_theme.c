/* Key notation, the action table and theme parsing. */
#include "core/text.h"
#include "ui/actions.h"
#include "ui/keys.h"
#include "ui/theme.h"

#include <check.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "suite_runner.h"

static const struct {
    const char *text;
    int key;
    const char *name;
} keys[] = {
    {"j", 'j', "j"},
    {"<Enter>", '\n', "<Enter>"},
    {"<enter>", '\n', "<Enter>"},
    {"<C-x>", 24, "<C-x>"},
    {"<C-F>", 6, "<C-f>"},
    {"<Tab>", '\t', "<Tab>"},
    {"<Esc>", 27, "<Esc>"},
    {"<Space>", ' ', "<Space>"},
    {"<lt>", '<', "<lt>"},
    {"<PageDown>", KEYS_FN + KEY_NPAGE, "<PageDown>"},
    {"<Up>", KEYS_FN + KEY_UP, "<Up>"},
    {"<F1>", KEYS_FN + KEY_F(1), "<F1>"},
    {"<F12>", KEYS_FN + KEY_F(12), "<F12>"},
    {"é", 0xe9, "é"},
    {"王", 0x738b, "王"},
};

START_TEST(key_notation_round_trips)
{
    const char *p = keys[_i].text;
    int k = keys_parse_one(&p);
    ck_assert_int_eq(k, keys[_i].key);
    ck_assert_str_eq(p, "");
    char name[32];
    keys_name(k, name, sizeof name);
    ck_assert_str_eq(name, keys[_i].name);
}
END_TEST

static const char *const bad_keys[] = {"<>", "<Nope>", "<C-1>", "<C-xy>", "<F13>", "<Enter", "<averyveryveryverylongkeynamethatisnotreal>"};

START_TEST(malformed_keys_are_rejected)
{
    const char *p = bad_keys[_i];
    ck_assert_int_eq(keys_parse_one(&p), -1);
}
END_TEST

START_TEST(sequences_parse_in_order)
{
    const char *p = "/Vo<Enter>q";
    int want[] = {'/', 'V', 'o', '\n', 'q'};
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(keys_parse_one(&p), want[i]);
    ck_assert_int_eq(keys_parse_one(&p), -1);
}
END_TEST

START_TEST(every_action_key_is_valid_and_unique)
{
    int seen[256][2];
    int n = 0;
    for (int a = 0; a < ACT__COUNT; a++) {
        const action_info *ai = action_get((action_id)a);
        ck_assert_ptr_nonnull(ai->help);
        const char *s = ai->keys;
        while (*s) {
            while (*s == ' ')
                s++;
            int k = keys_parse_one(&s);
            ck_assert_msg(k >= 0, "action %s has a malformed key", ai->name);
            for (int i = 0; i < n; i++)
                ck_assert_msg(seen[i][0] != k, "key bound twice: %s and %s", ai->name,
                              action_get((action_id)seen[i][1])->name);
            seen[n][0] = k;
            seen[n++][1] = a;
            ck_assert_int_eq(action_for_key(k), a);
        }
    }
    ck_assert_int_eq(action_for_key('Z'), ACT_NONE);
}
END_TEST

START_TEST(builtin_themes_parse)
{
    theme t;
    char *err = NULL;
    ck_assert_int_eq(theme_load(&t, NULL, &err), 0);
    for (int s = 0; s < SLOT__COUNT; s++)
        ck_assert_msg(t.rules[s].set, "default theme lacks slot %s", theme_slot_name((theme_slot)s));
    ck_assert_int_eq(t.rules[SLOT_CURSOR].attrs & A_REVERSE, A_REVERSE);
    ck_assert_int_eq(theme_load(&t, "mono", &err), 0);
    for (int s = 0; s < SLOT__COUNT; s++)
        ck_assert_int_eq(t.rules[s].fg, -1);
}
END_TEST

static const struct {
    const char *text;
    const char *err_has;
} bad_themes[] = {
    {"nosuchslot red blue", "unknown slot 'nosuchslot'"},
    {"cursor red", "expected SLOT FG BG"},
    {"cursor red purple", "unknown colour"},
    {"cursor color256 blue", "unknown colour"},
    {"cursor red blue blinky", "unknown attribute 'blinky'"},
    {"# fine\n\ncursor red blue bold\nheader x y", "t:4:"},
};

START_TEST(bad_themes_name_the_line)
{
    theme t;
    memset(&t, 0, sizeof t);
    char *err = NULL;
    ck_assert_int_eq(theme_parse(&t, bad_themes[_i].text, "t", &err), -1);
    ck_assert_msg(strstr(err, bad_themes[_i].err_has), "'%s' lacks '%s'", err, bad_themes[_i].err_has);
    free(err);
}
END_TEST

START_TEST(theme_values)
{
    theme t;
    memset(&t, 0, sizeof t);
    char *err = NULL;
    ck_assert_int_eq(theme_parse(&t, "title bright-white color17 bold underline # c\n", "t", &err), 0);
    ck_assert_int_eq(t.rules[SLOT_TITLE].fg, 15);
    ck_assert_int_eq(t.rules[SLOT_TITLE].bg, 17);
    ck_assert_uint_eq(t.rules[SLOT_TITLE].attrs, (unsigned)(A_BOLD | A_UNDERLINE));
    ck_assert_int_eq(theme_load(&t, "/nonexistent/x.theme", &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "cannot open theme"));
    free(err);
}
END_TEST

int main(void)
{
    text_init_locale();
    Suite *s = suite_create("keys_theme");
    TCase *tc = tcase_create("ui");
    tcase_add_loop_test(tc, key_notation_round_trips, 0, (int)(sizeof keys / sizeof keys[0]));
    tcase_add_loop_test(tc, malformed_keys_are_rejected, 0, (int)(sizeof bad_keys / sizeof bad_keys[0]));
    tcase_add_test(tc, sequences_parse_in_order);
    tcase_add_test(tc, every_action_key_is_valid_and_unique);
    tcase_add_test(tc, builtin_themes_parse);
    tcase_add_loop_test(tc, bad_themes_name_the_line, 0, (int)(sizeof bad_themes / sizeof bad_themes[0]));
    tcase_add_test(tc, theme_values);
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    return failed ? 1 : 0;
}
