/* The config key table against config_set: every key of the table is accepted with its example
 * and its default, reads back as set, and no other key is accepted. */
#include "core/config.h"
#include "core/config_keys.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "suite_runner.h"

START_TEST(every_table_key_is_a_setting)
{
    size_t n;
    const config_key_info *k = &config_keys(&n)[_i];
    config c;
    config_init_defaults(&c);
    char *err = NULL;
    char *before = config_key_value(&c, k->name);
    if (k->def) /* the documented default is what an untouched config holds */
        ck_assert_msg(before && strcmp(before, k->def) == 0, "%s: default '%s' but the table says '%s'", k->name,
                      before ? before : "(unset)", k->def);
    else
        ck_assert_msg(before == NULL, "%s: the table says unset but it is '%s'", k->name, before);
    free(before);
    ck_assert_msg(config_set(&c, k->name, k->example, &err) == 0, "%s = %s: %s", k->name, k->example, err);
    char *v = config_key_value(&c, k->name);
    ck_assert_msg(v && strcmp(v, k->example) == 0, "%s reads back as '%s'", k->name, v ? v : "(unset)");
    free(v);
    ck_assert_ptr_nonnull(config_key_find(k->name));
    config_free(&c);
}
END_TEST

START_TEST(unknown_keys_are_refused)
{
    static const char *const bad[] = {"api-url", "API_URL", "pagesize", "", "log"};
    config c;
    config_init_defaults(&c);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *err = NULL;
        ck_assert_int_eq(config_set(&c, bad[i], "1", &err), -1);
        ck_assert_ptr_nonnull(strstr(err, "unknown setting"));
        free(err);
        ck_assert_ptr_null(config_key_find(bad[i]));
    }
    char *err = NULL;
    ck_assert_int_eq(config_set(&c, "log_level", "verbose", &err), -1);
    free(err);
    config_free(&c);
}
END_TEST

int main(void)
{
    size_t n;
    config_keys(&n);
    Suite *s = suite_create("config_keys");
    TCase *tc = tcase_create("keys");
    tcase_add_loop_test(tc, every_table_key_is_a_setting, 0, (int)n);
    tcase_add_test(tc, unknown_keys_are_refused);
    suite_add_tcase(s, tc);
    return run_suite_nofork(s) ? 1 : 0;
}
