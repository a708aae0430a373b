/* Unit tests of src/core/text.c: sanitizing hostile strings, widths, fitting, searching. */
#include "core/text.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "suite_runner.h"

#define R "\xef\xbf\xbd" /* U+FFFD */
#define ELL "\xe2\x80\xa6" /* U+2026 */

/* ------------------------------------------------------------------ sanitize */

typedef struct {
    const char *name;
    const char *in;
    size_t len; /* 0: strlen(in) */
    bool keep_newlines;
    const char *want;
} sanitize_case;

static const sanitize_case sanitize_cases[] = {
    {"plain ascii", "hello, world", 0, false, "hello, world"},
    {"empty", "", 0, false, ""},
    {"latin-1 accents", "Jos\xc3\xa9 M\xc3\xbcller", 0, false, "Jos\xc3\xa9 M\xc3\xbcller"},
    {"cjk", "\xe7\x8e\x8b\xe4\xbc\x9f", 0, false, "\xe7\x8e\x8b\xe4\xbc\x9f"},
    {"emoji", "ok \xf0\x9f\x98\x80", 0, false, "ok \xf0\x9f\x98\x80"},
    {"combining", "e\xcc\x81", 0, false, "e\xcc\x81"},
    {"OSC title", "\x1b]0;pwned\x07", 0, false, "?]0;pwned?"},
    {"CSI clear", "\x1b[2J", 0, false, "?[2J"},
    {"CSI in text", "a\x1b[31mred\x1b[0m", 0, false, "a?[31mred?[0m"},
    {"CR overwrite", "abc\rdef", 0, false, "abc?def"},
    {"LF dropped", "a\nb", 0, false, "a?b"},
    {"LF kept", "a\nb", 0, true, "a\nb"},
    {"CR with keep_newlines", "a\r\nb", 0, true, "a?\nb"},
    {"TAB", "a\tb", 0, false, "a b"},
    {"backspace", "abc\b\b\bxyz", 0, false, "abc???xyz"},
    {"C1 CSI as UTF-8", "\xc2\x9b" "31m", 0, false, "?31m"},
    {"C1 NEL as UTF-8", "a\xc2\x85" "b", 0, false, "a?b"},
    {"raw C1 byte", "\x9b" "31m", 0, false, R "31m"},
    {"DEL", "a\x7f" "b", 0, false, "a?b"},
    {"NUL inside len", "ab\0cd", 5, false, "ab?cd"},
    {"bidi RLO", "\xe2\x80\xae" "evil", 0, false, "evil"},
    {"bidi isolates", "a\xe2\x81\xa6" "b\xe2\x81\xa9" "c", 0, false, "abc"},
    {"LRM RLM ALM", "\xe2\x80\x8e" "x\xe2\x80\x8f" "y\xd8\x9c", 0, false, R "x" R "y" R},
    {"zero-width space in a name", "Jo\xe2\x80\x8bhn", 0, false, "Jo" R "hn"},
    {"name of zero-width spaces", "\xe2\x80\x8b\xe2\x80\x8b", 0, false, R R},
    {"ZWNJ, stray ZWJ", "a\xe2\x80\x8c" "b\xe2\x80\x8d" "c", 0, false, "a" R "b" R "c"},
    {"word joiner, invisible operators", "\xe2\x81\xa0\xe2\x81\xa1\xe2\x81\xa2\xe2\x81\xa3\xe2\x81\xa4", 0, false,
     R R R R R},
    {"deprecated format controls", "a\xe2\x81\xaa" "b\xe2\x81\xaf", 0, false, "a" R "b" R},
    {"Mongolian vowel separator", "a\xe1\xa0\x8e" "b", 0, false, "a" R "b"},
    {"BOM first and inside", "\xef\xbb\xbf" "ab\xef\xbb\xbf" "c", 0, false, R "ab" R "c"},
    {"tag characters", "\xf3\xa0\x80\x81\xf3\xa0\x81\x81" "x\xf3\xa0\x81\xbf", 0, false, R R "x" R},
    {"ZWJ emoji family kept", "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7", 0, false,
     "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7"},
    {"ZWJ after VS16 kept", "\xe2\x9d\xa4\xef\xb8\x8f\xe2\x80\x8d\xf0\x9f\x94\xa5", 0, false,
     "\xe2\x9d\xa4\xef\xb8\x8f\xe2\x80\x8d\xf0\x9f\x94\xa5"},
    {"ZWJ ending an emoji", "\xf0\x9f\x98\x80\xe2\x80\x8d", 0, false, "\xf0\x9f\x98\x80" R},
    {"ZWJ from a letter to an emoji", "a\xe2\x80\x8d\xf0\x9f\x98\x80", 0, false, "a" R "\xf0\x9f\x98\x80"},
    {"overlong slash", "\xc0\xaf", 0, false, R R},
    {"overlong 3-byte NUL", "\xe0\x80\x80", 0, false, R R R},
    {"surrogate", "\xed\xa0\x80", 0, false, R R R},
    {"truncated 3-byte", "\xe4\xb8", 0, false, R},
    {"truncated mid-string", "a\xe4\xb8" "b", 0, false, "a" R "b"},
    {"truncated 4-byte", "\xf0\x9f\x98", 0, false, R},
    {"5-byte sequence", "\xf8\x88\x80\x80\x80", 0, false, R R R R R},
    {"6-byte sequence", "\xfc\x84\x80\x80\x80\x80", 0, false, R R R R R R},
    {"above U+10FFFF", "\xf4\x90\x80\x80", 0, false, R R R R},
    {"FE FF bytes", "\xfe\xff", 0, false, R R},
    {"stray continuation", "a\x80" "b", 0, false, "a" R "b"},
    {"line separator", "a\xe2\x80\xa8" "b", 0, false, "a" R "b"},
    {"noncharacter U+FFFF", "a\xef\xbf\xbf", 0, false, "a" R},
    {"unassigned U+0378", "\xcd\xb8", 0, false, R},
    {"replacement char kept", R, 0, false, R},
};

START_TEST(test_sanitize_table)
{
    const sanitize_case *tc = &sanitize_cases[_i];
    size_t len = tc->len ? tc->len : strlen(tc->in);
    char *got = text_sanitize(tc->in, len, tc->keep_newlines);
    ck_assert_msg(strcmp(got, tc->want) == 0, "%s: got \"%s\"", tc->name, got);
    /* The output never contains ESC, C0 (except kept LF), DEL or C1 bytes-as-chars. */
    for (const unsigned char *p = (const unsigned char *)got; *p; p++) {
        ck_assert_msg(*p >= 0x20 || (*p == '\n' && tc->keep_newlines), "%s: control", tc->name);
        ck_assert_msg(*p != 0x7f, "%s: DEL", tc->name);
        if (*p == 0xc2)
            ck_assert_msg(p[1] < 0x80 || p[1] > 0x9f, "%s: C1", tc->name);
    }
    /* Sanitizing is idempotent. */
    char *again = text_sanitize(got, strlen(got), tc->keep_newlines);
    ck_assert_str_eq(again, got);
    /* Plain ASCII is kept as it is (the store keeps it without sanitizing a copy). */
    if (!tc->len && text_is_plain_ascii(tc->in))
        ck_assert_str_eq(got, tc->in);
    ck_assert_msg(text_is_plain_ascii(tc->in) == (strspn(tc->in, " !\"#$%&'()*+,-./0123456789:;<=>?@"
                                                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
                                                                 "abcdefghijklmnopqrstuvwxyz{|}~") == strlen(tc->in)),
                  "%s: plain ascii", tc->name);
    free(again);
    free(got);
}
END_TEST

START_TEST(test_invisible_names_take_columns)
{
    /* Once sanitized, a name of zero-width characters is visibly not blank, and two names that
     * differ only by one no longer look the same. */
    char *blank = text_sanitize_str("\xe2\x80\x8b\xef\xbb\xbf\xf3\xa0\x80\x81");
    ck_assert_int_eq(text_width(blank), 3);
    char *a = text_sanitize_str("Truck 1042"), *b = text_sanitize_str("Truck\xe2\x81\xa0 1042");
    ck_assert_str_ne(a, b);
    ck_assert_int_eq(text_width(b), text_width(a) + 1);
    free(blank);
    free(a);
    free(b);
}
END_TEST

START_TEST(test_sanitize_str)
{
    char *s = text_sanitize_str(NULL);
    ck_assert_str_eq(s, "");
    free(s);
    s = text_sanitize_str("x\x1b[1my\n");
    ck_assert_str_eq(s, "x?[1my?");
    free(s);
    s = text_sanitize(NULL, 10, true);
    ck_assert_str_eq(s, "");
    free(s);
}
END_TEST

START_TEST(test_sanitize_all_bytes)
{
    /* Every byte pair gives control-free output of at most two U+FFFD. */
    unsigned char buf[2];
    for (int a = 0; a < 256; a++) {
        for (int b = 0; b < 256; b++) {
            buf[0] = (unsigned char)a;
            buf[1] = (unsigned char)b;
            char *got = text_sanitize((const char *)buf, 2, false);
            size_t n = strlen(got);
            ck_assert_uint_le(n, 6);
            for (size_t i = 0; i < n; i++)
                ck_assert_uint_ge((unsigned char)got[i], 0x20);
            free(got);
        }
    }
}
END_TEST

/* ------------------------------------------------------------------ width */

typedef struct {
    const char *in;
    int want;
} width_case;

static const width_case width_cases[] = {
    {"", 0},
    {"abc", 3},
    {"Jos\xc3\xa9", 4},
    {"\xe7\x8e\x8b\xe4\xbc\x9f", 4},          /* 王伟 */
    {"e\xcc\x81", 1},                          /* e + combining acute */
    {"\xf0\x9f\x98\x80", 2},                   /* 😀 */
    {"a\xe7\x8e\x8b" "b", 4},
    {"\xef\xbc\xa1", 2},                       /* fullwidth A */
    {R, 1},
    {"\xff", 1},                               /* invalid byte counts like its U+FFFD */
    {"\xe4\xb8", 1},                           /* truncated sequence: one U+FFFD */
    {"\x1b", 1},                               /* unsanitized control: one column */
};

START_TEST(test_width_table)
{
    const width_case *tc = &width_cases[_i];
    ck_assert_msg(text_width(tc->in) == tc->want, "width(\"%s\") = %d, want %d", tc->in,
                  text_width(tc->in), tc->want);
}
END_TEST

START_TEST(test_width_null)
{
    ck_assert_int_eq(text_width(NULL), 0);
}
END_TEST

/* ------------------------------------------------------------------ fit */

typedef struct {
    const char *in;
    int max_cols;
    size_t want_bytes;
    int want_cols;
} fit_case;

#define WANG "\xe7\x8e\x8b" /* 王, 2 columns */
#define WEI "\xe4\xbc\x9f"  /* 伟, 2 columns */

static const fit_case fit_cases[] = {
    {"hello", 10, 5, 5},
    {"hello", 3, 3, 3},
    {"hello", 0, 0, 0},
    {"hello", -1, 0, 0},
    {"", 5, 0, 0},
    {WANG WEI, 4, 6, 4},
    {WANG WEI, 3, 3, 2},          /* 伟 would straddle the edge: left out */
    {WANG WEI, 1, 0, 0},
    {"a" WANG, 2, 1, 1},
    {"Jos\xc3\xa9", 4, 5, 4},
    {"Jos\xc3\xa9", 3, 3, 3},
    {"e\xcc\x81" "x", 1, 3, 1},   /* the combining mark stays with its base */
    {"\xf0\x9f\x98\x80!", 2, 4, 2},
    {"\xf0\x9f\x98\x80!", 1, 0, 0},
};

START_TEST(test_fit_table)
{
    const fit_case *tc = &fit_cases[_i];
    int cols = -42;
    size_t n = text_fit(tc->in, tc->max_cols, &cols);
    ck_assert_msg(n == tc->want_bytes && cols == tc->want_cols,
                  "fit(\"%s\", %d) = %zu bytes/%d cols, want %zu/%d", tc->in, tc->max_cols, n,
                  cols, tc->want_bytes, tc->want_cols);
    ck_assert_uint_eq(text_fit(tc->in, tc->max_cols, NULL), tc->want_bytes);
}
END_TEST

typedef struct {
    const char *in;
    int max_cols;
    bool pad;
    size_t outcap;
    const char *want;
    int want_cols;
} fitpad_case;

static const fitpad_case fitpad_cases[] = {
    {"hello", 10, false, 64, "hello", 5},
    {"hello", 10, true, 64, "hello     ", 10},
    {"hello", 5, true, 64, "hello", 5},
    {"hello world", 5, false, 64, "hell" ELL, 5},
    {"hello world", 5, true, 64, "hell" ELL, 5},
    {"hello", 1, false, 64, ELL, 1},
    {"hello", 0, true, 64, "", 0},
    {"", 3, true, 64, "   ", 3},
    {NULL, 2, true, 64, "  ", 2},
    {WANG WEI, 4, true, 64, WANG WEI, 4},
    {WANG WEI "x", 4, false, 64, WANG ELL, 3},       /* 伟 cannot share the edge with … */
    {WANG WEI "x", 4, true, 64, WANG ELL " ", 4},
    {WANG WEI, 3, true, 64, WANG ELL, 3},
    {"a" WANG WEI, 4, true, 64, "a" WANG ELL, 4},
    {"e\xcc\x81" "xyz", 2, false, 64, "e\xcc\x81" ELL, 2},
    /* tiny buffers: never overflow, never split a character */
    {"hello", 10, true, 1, "", 0},
    {"hello", 10, true, 3, "he", 2},
    {"hello", 10, false, 5, "h" ELL, 2},
    {"hello", 10, true, 6, "hello", 5},
    {WANG WEI, 10, false, 4, ELL, 1},
    {WANG WEI, 10, false, 5, "" ELL, 1},
    {WANG WEI, 10, true, 8, WANG WEI " ", 5},
};

START_TEST(test_fit_pad_table)
{
    const fitpad_case *tc = &fitpad_cases[_i];
    char out[64];
    memset(out, 'Z', sizeof out);
    int cols = text_fit_pad(tc->in, tc->max_cols, tc->pad, out, tc->outcap);
    ck_assert_msg(strcmp(out, tc->want) == 0 && cols == tc->want_cols,
                  "case %d: got \"%s\"/%d, want \"%s\"/%d", _i, out, cols, tc->want,
                  tc->want_cols);
    ck_assert_uint_lt(strlen(out), tc->outcap);
    ck_assert_int_eq(text_width(out), cols);
    if (tc->outcap < sizeof out)
        ck_assert_int_eq(out[tc->outcap], 'Z'); /* nothing written past outcap */
}
END_TEST

START_TEST(test_fit_pad_zero_cap)
{
    char out[4] = "abc";
    ck_assert_int_eq(text_fit_pad("hello", 5, true, out, 0), 0);
    ck_assert_str_eq(out, "abc");
}
END_TEST

/* ------------------------------------------------------------------ contains_ci */

typedef struct {
    const char *hay;
    const char *needle;
    bool want;
} ci_case;

static const ci_case ci_cases[] = {
    {"Hello World", "world", true},
    {"Hello World", "WORLD", true},
    {"Hello World", "lo w", true},
    {"Hello World", "worlds", false},
    {"Hello World", "", true},
    {"", "", true},
    {"", "a", false},
    {"abc", "abcd", false},
    {"aaab", "aab", true},
    {"truck-042", "K-04", true},
    {"jos\xc3\xa9", "JOS\xc3\x89", true},
    {"JOS\xc3\x89 GARC\xc3\x8d" "A", "jos\xc3\xa9", true},
    {"Jos\xc3\xa9", "jose", false},                      /* é is not e */
    {"M\xc3\xbcller", "M\xc3\x9cL", true},
    {"M\xc3\xbcller", "LLER", true},
    {"\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0", "\xd0\xbc\xd0\xbe\xd1\x81", true}, /* Москва / мос */
    {"\xe7\x8e\x8b\xe4\xbc\x9f", "\xe4\xbc\x9f", true},
    {"\xe7\x8e\x8b\xe4\xbc\x9f", "\xe4\xbc\x9e", false},
    {"caf\xc3\xa9", "\xc3\x89", true},
    {"\xc3\xa9", "\xc3\xa9\xc3\xa9", false},
    {"abc\xc3\xa9", "\xc3\xa9x", false},
    {"\xc3\xa9", "\xa9", false},                          /* no match inside a sequence */
    {"\xc3\xa9", "e", false},
    {"\xff" "abc", "ABC", true},                          /* invalid bytes do not derail */
};

START_TEST(test_contains_ci_table)
{
    const ci_case *tc = &ci_cases[_i];
    ck_assert_msg(text_contains_ci(tc->hay, tc->needle) == tc->want,
                  "contains_ci(\"%s\", \"%s\") != %d", tc->hay, tc->needle, tc->want);
}
END_TEST

START_TEST(test_contains_ci_long_needles)
{
    char hay[1200], needle[600];
    memset(hay, 'a', sizeof hay - 1);
    hay[sizeof hay - 1] = '\0';
    memset(needle, 'A', sizeof needle - 1);
    needle[sizeof needle - 1] = '\0';
    ck_assert(text_contains_ci(hay, needle));
    needle[300] = 'B';
    ck_assert(!text_contains_ci(hay, needle));

    /* Long non-ASCII needle (> the stack buffer). */
    char uhay[2000] = "", uneedle[1000] = "";
    for (int i = 0; i < 300; i++) {
        strcat(uhay, "\xc3\xa9");
        if (i < 200)
            strcat(uneedle, "\xc3\x89");
    }
    ck_assert(text_contains_ci(uhay, uneedle));
    ck_assert(!text_contains_ci("x", uneedle));
    ck_assert(!text_contains_ci(NULL, "x"));
    ck_assert(text_contains_ci(NULL, NULL));
}
END_TEST

START_TEST(test_locale)
{
    ck_assert(text_init_locale());
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *text_suite(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_locale);
    tcase_add_loop_test(tc, test_sanitize_table, 0, N(sanitize_cases));
    tcase_add_test(tc, test_sanitize_str);
    tcase_add_test(tc, test_invisible_names_take_columns);
    tcase_add_test(tc, test_sanitize_all_bytes);
    tcase_add_loop_test(tc, test_width_table, 0, N(width_cases));
    tcase_add_test(tc, test_width_null);
    tcase_add_loop_test(tc, test_fit_table, 0, N(fit_cases));
    tcase_add_loop_test(tc, test_fit_pad_table, 0, N(fitpad_cases));
    tcase_add_test(tc, test_fit_pad_zero_cap);
    tcase_add_loop_test(tc, test_contains_ci_table, 0, N(ci_cases));
    tcase_add_test(tc, test_contains_ci_long_needles);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    /* The checks below need a UTF-8 LC_CTYPE (ctest sets LC_ALL=C.UTF-8). */
    if (!text_init_locale()) {
        fprintf(stderr, "test_text: no UTF-8 locale available\n");
        return 1;
    }
    int failed = run_suite_nofork(text_suite());
    return failed != 0;
}
