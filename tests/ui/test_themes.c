/* The shipped theme files: every one parses, and the 8-colour theme uses only the eight basic
 * colours and gives every slot a look of its own (colours and attributes). */
#include "ui/theme.h"

#include <check.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "suite_runner.h"

static char *read_theme(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/themes/%s.theme", CATENA_SOURCE_DIR, name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void parse_file_only(theme *t, const char *name)
{
    memset(t, 0, sizeof *t);
    char *err = NULL;
    int rc = theme_parse(t, read_theme(name), name, &err);
    ck_assert_msg(rc == 0, "%s: %s", name, err ? err : "");
}

START_TEST(shipped_themes_set_every_slot)
{
    static const char *const names[] = {"default", "mono", "eight"};
    theme t;
    parse_file_only(&t, names[_i]);
    for (int s = 0; s < SLOT__COUNT; s++)
        ck_assert_msg(t.rules[s].set, "%s.theme does not set %s", names[_i], theme_slot_name((theme_slot)s));
}
END_TEST

START_TEST(eight_colour_theme_distinguishes_every_slot)
{
    theme t;
    parse_file_only(&t, "eight");
    for (int s = 0; s < SLOT__COUNT; s++) {
        const theme_rule *r = &t.rules[s];
        ck_assert_msg(r->fg < 8 && r->bg < 8, "%s uses a colour beyond the basic eight", theme_slot_name((theme_slot)s));
        for (int o = 0; o < s; o++) {
            const theme_rule *q = &t.rules[o];
            ck_assert_msg(q->fg != r->fg || q->bg != r->bg || q->attrs != r->attrs, "%s and %s look the same",
                          theme_slot_name((theme_slot)o), theme_slot_name((theme_slot)s));
        }
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("themes");
    TCase *tc = tcase_create("themes");
    tcase_add_loop_test(tc, shipped_themes_set_every_slot, 0, 3);
    tcase_add_test(tc, eight_colour_theme_distinguishes_every_slot);
    suite_add_tcase(s, tc);
    return run_suite_nofork(s) ? 1 : 0;
}
