/* Unit tests of src/core/templates.c: the canned replies file (parsing, tables of good and of
 * hostile or invalid files with the line each error names) and filling the placeholders (a
 * missing value shown as [name?], hostile values made harmless, literal braces). */
#include "common/strbuf.h"
#include "core/templates.h"
#include "core/text.h"
#include "suite_runner.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
    const char *file;
    int n;                 /* templates */
    const char *name[3];   /* the first ones' names */
    const char *text[3];   /* and texts */
} good[] = {
    {"", 0, {NULL}, {NULL}},
    {"# only a comment\n\n", 0, {NULL}, {NULL}},
    {"[Late?]\nAre you late, {first_name}?\n", 1, {"Late?"}, {"Are you late, {first_name}?"}},
    {"[A]\none", 1, {"A"}, {"one"}}, /* no final newline */
    {"\xEF\xBB\xBF[A]\r\none\r\ntwo\r\n", 1, {"A"}, {"one\ntwo"}}, /* BOM and CRLF */
    {"# c\n[ A  ]  \n\n\nx\n\ny\n\n\n[B]\nz\n", 2, {"A", "B"}, {"x\n\ny", "z"}},
    {"[A]\n# a comment inside\nx\n", 1, {"A"}, {"x"}},
    {"[Braces]\n{{not}} a }}placeholder{{\n", 1, {"Braces"}, {"{{not}} a }}placeholder{{"}},
    {"[Tabs]\n\tindented  \n", 1, {"Tabs"}, {"\tindented"}},
    {"[Ünïcode 🚚]\nÇa va, {driver}? 🚚\n", 1, {"Ünïcode 🚚"}, {"Ça va, {driver}? 🚚"}},
    {"[a]\n[x] is text\n", 1, {"a"}, {"[x] is text"}}, /* a line ending in ']' only starts one from '[' */
};

START_TEST(test_good_files)
{
    for (int i = 0; i < N(good); i++) {
        templates t;
        char *err = NULL;
        int rc = templates_parse(&t, good[i].file, strlen(good[i].file), "f", &err);
        ck_assert_msg(rc == 0, "case %d: %s", i, err ? err : "?");
        ck_assert_msg((int)t.n == good[i].n, "case %d: %zu templates", i, t.n);
        for (int j = 0; j < good[i].n && j < 3; j++) {
            ck_assert_str_eq(t.items[j].name, good[i].name[j]);
            ck_assert_str_eq(t.items[j].text, good[i].text[j]);
        }
        templates_free(&t);
    }
}
END_TEST

static const struct {
    const char *file;
    size_t len; /* 0: strlen */
    const char *err;
} bad[] = {
    {"text first\n[A]\nx\n", 0, "f:1: text before the first [template name]"},
    {"[A]\n\n[B]\nx\n", 0, "f:1: the template has no text"},
    {"[A]\nx\n[B]\n", 0, "f:3: the template has no text"},
    {"[]\nx\n", 0, "f:1: an empty template name"},
    {"[   ]\nx\n", 0, "f:1: an empty template name"},
    {"[A]\nx\n[A]\ny\n", 0, "f:3: a second template of this name"},
    {"[A]\nhi {firstname}\n", 0, "f:2: an unknown placeholder"},
    {"[A]\nhi {first_name\n", 0, "f:2: an unclosed '{'"},
    {"[A]\nhi first_name}\n", 0, "f:2: a lone '}'"},
    {"[A]\nhi {}\n", 0, "f:2: an unknown placeholder"},
    {"[A {vehicle}]\nx\n", 0, "f:1: a placeholder in a template name"},
    {"[A]\nbell \x07 here\n", 0, "f:2: a control character"},
    {"[A]\nesc \x1b[31m red\n", 0, "f:2: a control character"},
    {"[A]\nC1 \xC2\x9B csi\n", 0, "f:2: a control character"},
    {"[A]\nbad \xFF byte\n", 0, "f:2: not valid UTF-8"},
    {"[A]\noverlong \xC0\xAF\n", 0, "f:2: not valid UTF-8"},
    {"[A]\nsurrogate \xED\xA0\x80\n", 0, "f:2: not valid UTF-8"},
    {"[A]\ncut \xE2\x82\n", 0, "f:2: not valid UTF-8"},
    {"[Bad \xFE name]\nx\n", 0, "f:1: not valid UTF-8"},
    {"[A]\nnul \0 byte\n", 16, "f:2: a NUL byte"},
};

START_TEST(test_bad_files)
{
    for (int i = 0; i < N(bad); i++) {
        templates t;
        char *err = NULL;
        size_t len = bad[i].len ? bad[i].len : strlen(bad[i].file);
        int rc = templates_parse(&t, bad[i].file, len, "f", &err);
        ck_assert_msg(rc == -1, "case %d parsed", i);
        ck_assert_msg(err && strncmp(err, bad[i].err, strlen(bad[i].err)) == 0, "case %d: got '%s', want '%s'", i,
                      err ? err : "(null)", bad[i].err);
        ck_assert_msg(t.n == 0 && t.items == NULL, "case %d: templates left after an error", i);
        free(err);
    }
}
END_TEST

START_TEST(test_limits)
{
    strbuf sb = STRBUF_INIT;
    templates t;
    char *err = NULL;
    /* a name of 80 bytes is fine, 81 is not */
    strbuf_printf(&sb, "[%s]\nx\n", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    ck_assert_int_eq(templates_parse(&t, sb.data, sb.len, "f", &err), 0);
    templates_free(&t);
    strbuf_reset(&sb);
    strbuf_printf(&sb, "[%s]\nx\n",
                  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    ck_assert_int_eq(templates_parse(&t, sb.data, sb.len, "f", &err), -1);
    ck_assert_str_eq(err, "f:1: the template name is longer than 80 bytes");
    free(err);
    err = NULL;
    /* a 10,000-byte line */
    strbuf_reset(&sb);
    strbuf_puts(&sb, "[Long]\n");
    for (int i = 0; i < 10000; i++)
        strbuf_putc(&sb, 'x');
    ck_assert_int_eq(templates_parse(&t, sb.data, sb.len, "f", &err), -1);
    ck_assert_str_eq(err, "f:2: the template's text is longer than 4000 bytes");
    free(err);
    err = NULL;
    /* 501 templates */
    strbuf_reset(&sb);
    for (int i = 0; i < 501; i++)
        strbuf_printf(&sb, "[t%d]\nx\n", i);
    ck_assert_int_eq(templates_parse(&t, sb.data, sb.len, "f", &err), -1);
    ck_assert_str_eq(err, "f:1001: more than 500 templates");
    free(err);
    strbuf_free(&sb);
}
END_TEST

static const struct {
    const char *text;
    template_values v;
    const char *want;
} fills[] = {
    {"Hi {first_name}", {.first_name = "Sofía"}, "Hi Sofía"},
    {"Hi {first_name}", {0}, "Hi [first_name?]"},
    {"Hi {first_name}", {.first_name = ""}, "Hi [first_name?]"},
    {"{driver} in {vehicle} at {location}. {dispatcher}",
     {.driver = "Ana Ruiz", .vehicle = "Truck 12", .location = "Fresno, CA", .dispatcher = "Kim"},
     "Ana Ruiz in Truck 12 at Fresno, CA. Kim"},
    {"{vehicle} near {location}", {.vehicle = "Truck 12"}, "Truck 12 near [location?]"},
    {"{{first_name}} is {first_name}", {.first_name = "Al"}, "{first_name} is Al"},
    {"}}{{", {0}, "}{"},
    {"line one\nline {first_name}", {.first_name = "Al"}, "line one\nline Al"},
    /* values from the network are harmless and one line */
    {"[{vehicle}]", {.vehicle = "T\x1b[2Jx\nnext"}, "[T?[2Jx?next]"},
    {"{first_name}", {.first_name = "a\xE2\x80\xAE" "b"}, "ab"}, /* bidi override removed */
    {"", {0}, ""},
};

START_TEST(test_fill)
{
    for (int i = 0; i < N(fills); i++) {
        char *got = template_fill(fills[i].text, &fills[i].v);
        ck_assert_msg(got != NULL, "case %d: NULL", i);
        ck_assert_msg(strcmp(got, fills[i].want) == 0, "case %d: got '%s', want '%s'", i, got, fills[i].want);
        free(got);
    }
    ck_assert_ptr_null(template_fill("{nope}", NULL));
    ck_assert_ptr_null(template_fill("{first_name", NULL));
    char *f = template_fill("{first_name}", NULL);
    ck_assert_str_eq(f, "[first_name?]");
    free(f);
}
END_TEST

START_TEST(test_first_name)
{
    static const char *const cases[][2] = {
        {"Sofía Hernández", "Sofía"}, {"  Al", "Al"}, {"Madonna", "Madonna"}, {"", ""}, {NULL, ""}};
    for (int i = 0; i < N(cases); i++) {
        char *got = template_first_name(cases[i][0]);
        ck_assert_str_eq(got, cases[i][1]);
        free(got);
    }
}
END_TEST

/* The examples shipped in templates/ parse, and every one fills without a NULL. */
START_TEST(test_shipped_examples)
{
    templates t;
    char *err = NULL;
    ck_assert_msg(templates_load(&t, CATENA_SOURCE_DIR "/templates/templates", &err) == 0, "%s", err);
    ck_assert_uint_ge(t.n, 3);
    for (size_t i = 0; i < t.n; i++) {
        char *f = template_fill(t.items[i].text, NULL);
        ck_assert_ptr_nonnull(f);
        free(f);
    }
    templates_free(&t);
}
END_TEST

START_TEST(test_load_file)
{
    char dir[] = "/tmp/test_templates.XXXXXX", path[64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/templates", dir);
    templates t;
    char *err = NULL;
    ck_assert_int_eq(templates_load(&t, path, &err), 0); /* missing: none */
    ck_assert_uint_eq(t.n, 0);
    FILE *f = fopen(path, "w");
    fputs("[A]\nhello {first_name}\n[B]\n{oops}\n", f);
    fclose(f);
    ck_assert_int_eq(templates_load(&t, path, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "/templates:4: an unknown placeholder"));
    free(err);
    err = NULL;
    f = fopen(path, "w");
    fputs("[A]\nhello {first_name}\n", f);
    fclose(f);
    ck_assert_int_eq(templates_load(&t, path, &err), 0);
    ck_assert_uint_eq(t.n, 1);
    templates_free(&t);
    remove(path);
    rmdir(dir);
}
END_TEST

START_TEST(test_default_path)
{
    char *old_x = getenv("XDG_CONFIG_HOME") ? strdup(getenv("XDG_CONFIG_HOME")) : NULL;
    setenv("CATENA_TEMPLATES", "/elsewhere/t", 1);
    char *own = templates_default_path();
    ck_assert_str_eq(own, "/elsewhere/t");
    free(own);
    unsetenv("CATENA_TEMPLATES");
    setenv("XDG_CONFIG_HOME", "/cfg", 1);
    char *p = templates_default_path();
    ck_assert_str_eq(p, "/cfg/catena-dispatch/templates");
    free(p);
    setenv("XDG_CONFIG_HOME", "relative", 1); /* ignored, as the spec says */
    setenv("HOME", "/home/x", 1);
    p = templates_default_path();
    ck_assert_str_eq(p, "/home/x/.config/catena-dispatch/templates");
    free(p);
    if (old_x)
        setenv("XDG_CONFIG_HOME", old_x, 1);
    else
        unsetenv("XDG_CONFIG_HOME");
    free(old_x);
}
END_TEST

static Suite *templates_suite(void)
{
    Suite *s = suite_create("templates");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_good_files);
    tcase_add_test(tc, test_bad_files);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_fill);
    tcase_add_test(tc, test_first_name);
    tcase_add_test(tc, test_load_file);
    tcase_add_test(tc, test_shipped_examples);
    tcase_add_test(tc, test_default_path);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    text_init_locale();
    return run_suite_nofork(templates_suite()) ? EXIT_FAILURE : EXIT_SUCCESS;
}
