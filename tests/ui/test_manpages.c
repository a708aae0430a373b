/* The man pages against the tables they are made from: every action and overlay key, every
 * subcommand, every option of --help, every exit status, every config key and theme slot, every
 * option of catena-emulator --help is on its page; and the pages the build made are current. */
#include "app/cmd_config.h"
#include "app/cmd_private.h"
#include "app/console.h"
#include "app/manpage.h"
#include "core/config_keys.h"
#include "ui/actions.h"
#include "ui/overlay.h"
#include "ui/theme.h"

#include <check.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "suite_runner.h"

static char *slurp(FILE *f)
{
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            buf = realloc(buf, cap);
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    if (!buf)
        buf = calloc(1, 1);
    buf[len] = '\0';
    return buf;
}

static char *emulator_help(void)
{
    FILE *p = popen(CATENA_EMULATOR_BIN " --help", "r");
    ck_assert_ptr_nonnull(p);
    char *s = slurp(p);
    ck_assert_int_eq(pclose(p), 0);
    return s;
}

static char *page(const char *name)
{
    char *text = NULL, *err = NULL, *help = emulator_help();
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    int rc = manpage_write(name, m, help, &err);
    fclose(m);
    ck_assert_msg(rc == 0, "%s: %s", name, err);
    free(help);
    return text;
}

/* True when s, as the page writes text, is in it. */
static void assert_on_page(const char *pg, const char *page_name, const char *s)
{
    char *want = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&want, &len);
    manpage_put(m, s);
    fclose(m);
    ck_assert_msg(strstr(pg, want) != NULL, "%s lacks \"%s\"", page_name, s);
    free(want);
}

START_TEST(dispatch_page_has_every_key_subcommand_and_option)
{
    char *pg = page("catena-dispatch.1");
    for (int i = 0; i < ACT__COUNT; i++) {
        const action_info *a = action_get((action_id)i);
        assert_on_page(pg, "catena-dispatch.1", a->keys);
        assert_on_page(pg, "catena-dispatch.1", a->help);
        assert_on_page(pg, "catena-dispatch.1", a->name);
    }
    for (int m = 0; m < overlay_keymaps_count; m++) {
        assert_on_page(pg, "catena-dispatch.1", overlay_keymaps[m]->context);
        for (int i = 0; i < overlay_keymaps[m]->n; i++) {
            assert_on_page(pg, "catena-dispatch.1", overlay_keymaps[m]->keys[i].keys);
            assert_on_page(pg, "catena-dispatch.1", overlay_keymaps[m]->keys[i].help);
        }
    }
    const cmd_def *d;
    for (size_t i = 0; (d = cmd_def_at(i)) != NULL; i++) {
        assert_on_page(pg, "catena-dispatch.1", d->name);
        assert_on_page(pg, "catena-dispatch.1", d->summary);
    }
    for (size_t i = 0; (d = cmd_config_def_at(i)) != NULL; i++) {
        assert_on_page(pg, "catena-dispatch.1", d->name);
        assert_on_page(pg, "catena-dispatch.1", d->summary);
    }
    const char *helps[] = {console_usage(), cmd_common_help()};
    for (int h = 0; h < 2; h++) {
        for (const char *p = strstr(helps[h], "\n  -"); p; p = strstr(p + 1, "\n  -")) {
            char opt[64];
            size_t n = strcspn(p + 3, " ,\n");
            snprintf(opt, sizeof opt, "%.*s", (int)n, p + 3);
            assert_on_page(pg, "catena-dispatch.1", opt);
        }
    }
    static const int codes[] = {CMD_EXIT_OK, CMD_EXIT_REJECTED, CMD_EXIT_USAGE, CMD_EXIT_AUTH, CMD_EXIT_API};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        char b[16];
        snprintf(b, sizeof b, ".B %d\n", codes[i]);
        ck_assert_msg(strstr(pg, b), "no exit status %d", codes[i]);
    }
    free(pg);
}
END_TEST

START_TEST(config_page_has_every_key_and_slot)
{
    char *pg = page("catena-dispatch-config.5");
    size_t n;
    const config_key_info *k = config_keys(&n);
    for (size_t i = 0; i < n; i++) {
        assert_on_page(pg, "catena-dispatch-config.5", k[i].name);
        assert_on_page(pg, "catena-dispatch-config.5", k[i].values);
        assert_on_page(pg, "catena-dispatch-config.5", k[i].help);
        if (k[i].def)
            assert_on_page(pg, "catena-dispatch-config.5", k[i].def);
    }
    for (int s = 0; s < SLOT__COUNT; s++)
        assert_on_page(pg, "catena-dispatch-config.5", theme_slot_name((theme_slot)s));
    free(pg);
}
END_TEST

START_TEST(emulator_page_has_every_option)
{
    char *pg = page("catena-emulator.1"), *help = emulator_help();
    int seen = 0;
    for (const char *p = strstr(help, "\n  --"); p; p = strstr(p + 1, "\n  --")) {
        char opt[64];
        snprintf(opt, sizeof opt, "%.*s", (int)strcspn(p + 3, " \n"), p + 3);
        assert_on_page(pg, "catena-emulator.1", opt);
        seen++;
    }
    ck_assert_int_gt(seen, 20);
    free(help);
    free(pg);
}
END_TEST

/* The pages in the build tree (what cmake --install and the .deb ship) are what the tables say now. */
START_TEST(built_pages_are_current)
{
    static const char *const pages[] = {"man1/catena-dispatch.1", "man5/catena-dispatch-config.5",
                                        "man1/catena-emulator.1"};
    char bin[1024];
    snprintf(bin, sizeof bin, "%s", CATENA_DISPATCH_BIN);
    char path[1200];
    snprintf(path, sizeof path, "%s/man/%s", dirname(bin), pages[_i]);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s was not built", path);
    char *built = slurp(f);
    fclose(f);
    char *fresh = page(strrchr(pages[_i], '/') + 1);
    ck_assert_msg(strcmp(built, fresh) == 0, "%s is stale: rebuild", path);
    free(built);
    free(fresh);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("manpages");
    TCase *tc = tcase_create("manpages");
    tcase_add_test(tc, dispatch_page_has_every_key_subcommand_and_option);
    tcase_add_test(tc, config_page_has_every_key_and_slot);
    tcase_add_test(tc, emulator_page_has_every_option);
    tcase_add_loop_test(tc, built_pages_are_current, 0, 3);
    suite_add_tcase(s, tc);
    return run_suite_nofork(s) ? 1 : 0;
}
