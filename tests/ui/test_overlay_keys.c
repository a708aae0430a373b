/* The overlays' key tables (ui/overlay.h): every key parses and means one thing per overlay, the
 * hint line is generated from the table, the shared scroller, typing into one-line inputs, and
 * the one word wrap (ui/wrap.h). */
#include "core/text.h"
#include "ui/keys.h"
#include "ui/overlay.h"
#include "ui/wrap.h"
#include "suite_runner.h"

#include <check.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>

START_TEST(every_overlay_key_is_valid_and_unique)
{
    for (int m = 0; m < overlay_keymaps_count; m++) {
        const overlay_keymap *km = overlay_keymaps[m];
        ck_assert_int_gt(km->n, 0);
        int seen[64], n = 0;
        for (int i = 0; i < km->n; i++) {
            ck_assert_msg(km->keys[i].help && *km->keys[i].help, "%s row %d has no help", km->context, i);
            const char *s = km->keys[i].keys;
            int k;
            while ((k = keys_list_next(&s)) != -1) {
                ck_assert_msg(k >= 0, "%s: bad key in '%s'", km->context, km->keys[i].keys);
                for (int j = 0; j < n; j++)
                    ck_assert_msg(seen[j] != k, "%s: a key of '%s' is in two rows", km->context, km->keys[i].keys);
                ck_assert_int_lt(n, 64);
                seen[n++] = k;
                /* The pane's rows only describe (ui/pane_ops.c takes those keys). */
                if (km != &pane_keymap)
                    ck_assert_int_eq(keymap_lookup(km, k), km->keys[i].cmd);
            }
        }
    }
    ck_assert_int_eq(keymap_lookup(&composer_keymap, 'a'), -1);
    const char *bad = "j <Nope> k";
    ck_assert_int_eq(keys_list_next(&bad), 'j');
    ck_assert_int_eq(keys_list_next(&bad), -2);
    ck_assert(keys_list_has("j <C-n> <Down>", KEY_CTRL('n')));
    ck_assert(!keys_list_has("j <C-n> <Down>", 'k'));
}
END_TEST

START_TEST(hint_lines_come_from_the_tables)
{
    char hint[512];
    keymap_hint(&composer_keymap, hint, sizeof hint);
    ck_assert_str_eq(hint, " Ctrl-X send · Ctrl-E editor · Ctrl-P priority · Ctrl-F from · Ctrl-T sync · Esc close (draft kept) · Ctrl-G template");
    keymap_hint(&opdetail_keymap, hint, sizeof hint);
    ck_assert_str_eq(hint, " j/k scroll · PgUp/PgDn · g/G top/end · e re-open a failed message · Esc close");
    keymap_hint(&help_keymap, hint, sizeof hint);
    ck_assert_str_eq(hint, " Esc/q/? closes · j/k scroll");
    char small[12];
    keymap_hint(&composer_keymap, small, sizeof small);
    ck_assert_str_eq(small, " Ctrl-X sen");
}
END_TEST

START_TEST(one_scroller)
{
    long d = 0;
    ck_assert(scroll_delta('j', 10, 100, &d) && d == 1);
    ck_assert(scroll_delta(KEYS_FN + KEY_UP, 10, 100, &d) && d == -1);
    ck_assert(scroll_delta(KEYS_FN + KEY_NPAGE, 10, 100, &d) && d == 10);
    ck_assert(scroll_delta(KEY_CTRL('b'), 0, 100, &d) && d == -1);
    ck_assert(scroll_delta('G', 10, 100, &d) && d == 100);
    ck_assert(scroll_delta('g', 10, 100, &d) && d == -100);
    ck_assert(!scroll_delta('x', 10, 100, &d));
    ck_assert_uint_eq(scroll_apply(5, -10, 20), 0);
    ck_assert_uint_eq(scroll_apply(5, 10, 20), 15);
    ck_assert_uint_eq(scroll_apply(15, 10, 20), 20);
    ck_assert_uint_eq(scroll_apply(25, 0, 20), 20);
}
END_TEST

START_TEST(typing_appends_characters)
{
    char buf[6] = "ab";
    ck_assert(keys_append(buf, sizeof buf, 0xe9)); /* é: two bytes */
    ck_assert_str_eq(buf, "ab\xc3\xa9");
    ck_assert(!keys_append(buf, sizeof buf, 0xe9)); /* no room left for two more */
    ck_assert(keys_append(buf, sizeof buf, 'c'));
    ck_assert(!keys_append(buf, sizeof buf, 'd'));
    char mb[8];
    ck_assert_uint_eq(keys_utf8(KEY_CTRL('x'), mb), 0);
    ck_assert_uint_eq(keys_utf8(KEYS_FN + KEY_DOWN, mb), 0);
    ck_assert_uint_eq(keys_utf8(127, mb), 0);
    ck_assert_uint_eq(keys_utf8(0x4f60, mb), 3);
    char name[32];
    keys_hint_name(KEY_CTRL('r'), name, sizeof name);
    ck_assert_str_eq(name, "Ctrl-R");
    keys_hint_name(KEYS_ESC, name, sizeof name);
    ck_assert_str_eq(name, "Esc");
    keys_hint_name(KEYS_FN + KEY_NPAGE, name, sizeof name);
    ck_assert_str_eq(name, "PgDn");
}
END_TEST

/* The lines of text at width, joined with '|'. */
static void wrapped(const char *text, int width, char *out, size_t cap)
{
    text_wrap w;
    wrap_init(&w, text, width);
    const char *l;
    size_t n, o = 0;
    out[0] = '\0';
    for (int i = 0; wrap_next(&w, &l, &n); i++)
        o += (size_t)snprintf(out + o, cap - o, "%s%.*s", i ? "|" : "", (int)n, l);
}

START_TEST(one_wrap)
{
    char out[256];
    wrapped("abc def ghi", 7, out, sizeof out);
    ck_assert_str_eq(out, "abc def|ghi");
    wrapped("abcd ef", 4, out, sizeof out); /* a word that fits exactly stays on its line */
    ck_assert_str_eq(out, "abcd|ef");
    wrapped("abcdefgh", 3, out, sizeof out); /* a longer word is cut */
    ck_assert_str_eq(out, "abc|def|gh");
    wrapped("one\n\ntwo  three", 5, out, sizeof out);
    ck_assert_str_eq(out, "one||two|three");
    wrapped("王伟王伟", 5, out, sizeof out); /* columns, not bytes */
    ck_assert_str_eq(out, "王伟|王伟");
    wrapped("", 5, out, sizeof out);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(wrap_count("", 5), 1);
    ck_assert_int_eq(wrap_count("abc def ghi", 3), 3);
    ck_assert_int_eq(wrap_count("x", 0), 1);
}
END_TEST

int main(void)
{
    text_init_locale();
    Suite *s = suite_create("overlay_keys");
    TCase *tc = tcase_create("ui");
    tcase_add_test(tc, every_overlay_key_is_valid_and_unique);
    tcase_add_test(tc, hint_lines_come_from_the_tables);
    tcase_add_test(tc, one_scroller);
    tcase_add_test(tc, typing_appends_characters);
    tcase_add_test(tc, one_wrap);
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    return failed ? 1 : 0;
}
