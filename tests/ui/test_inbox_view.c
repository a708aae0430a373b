/* The inbox tab before the console is connected (--demo while its emulator starts: no watcher
 * yet): i shows it with the startup note, its keys and the status line work, nothing crashes. */
#include "core/config.h"
#include "core/loop.h"
#include "core/text.h"
#include "ui/app.h"
#include "ui/screen.h"
#include "ui/view_inbox.h"

#include <check.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "suite_runner.h"

START_TEST(inbox_tab_before_connecting)
{
    char err[200];
    ck_assert_int_eq(screen_open_virtual(80, 24, err, sizeof err), 0);
    config cfg;
    config_init_defaults(&cfg);
    loop *l = loop_new();
    app *a = app_new(&cfg, l);
    app_resize(a, 24, 80);
    app_set_startup_note(a, "starting the local emulator…");
    app_draw(a);
    ck_assert_int_ge(inbox_ui_view_index(), 0);
    app_handle_key(a, 'i');
    app_draw(a);
    ck_assert_int_eq(a->current, inbox_ui_view_index());
    ck_assert(screen_contains("starting the local emulator…"));
    ck_assert(screen_contains("inbox: not connected"));
    ck_assert(screen_contains("Enter opens · r replies · u unread only · A all read"));
    ck_assert_uint_eq(inbox_ui_unread(a), 0);
    const int keys[] = {'\n', 'r', 'u', 'A', 'j', '/', 'x', '\n'};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        app_handle_key(a, keys[i]);
        app_draw(a);
    }
    ck_assert(screen_contains("starting the local emulator…"));
    app_free(a);
    loop_free(l);
    config_free(&cfg);
    screen_close();
}
END_TEST

int main(void)
{
    text_init_locale();
    Suite *s = suite_create("inbox_view");
    TCase *tc = tcase_create("ui");
    tcase_add_test(tc, inbox_tab_before_connecting);
    suite_add_tcase(s, tc);
    return run_suite_nofork(s) ? EXIT_FAILURE : EXIT_SUCCESS;
}
