/* Unit tests of src/core/text_cells.c: widths as the terminal draws them (cells), grapheme
 * clusters for cutting and erasing, the emoji modes, and the sanitizer's marks. The expected
 * widths in "joined" mode are those tmux 3.3a draws (measured with its cursor position). */
#include "core/text.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "suite_runner.h"

#define ZWJ "\xe2\x80\x8d"
#define VS16 "\xef\xb8\x8f"
#define MAN "\xf0\x9f\x91\xa8"
#define WOMAN "\xf0\x9f\x91\xa9"
#define GIRL "\xf0\x9f\x91\xa7"
#define BOY "\xf0\x9f\x91\xa6"
#define FAMILY MAN ZWJ WOMAN ZWJ GIRL
#define FAMILY4 MAN ZWJ WOMAN ZWJ GIRL ZWJ BOY
#define HEART "\xe2\x9d\xa4"
#define FIRE "\xf0\x9f\x94\xa5"
#define THUMB "\xf0\x9f\x91\x8d"
#define TONE "\xf0\x9f\x8f\xbd"
#define LAPTOP "\xf0\x9f\x92\xbb"
#define FLAG_FR "\xf0\x9f\x87\xab\xf0\x9f\x87\xb7"
#define FLAG_DE "\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa"
#define THAI_NAM "\xe0\xb8\x99\xe0\xb9\x89\xe0\xb8\xb3"   /* น้ำ: base, tone mark, SARA AM */
#define THAI_KI "\xe0\xb8\x81\xe0\xb8\xb4\xe0\xb9\x88"    /* กิ่: base, vowel above, tone mark */
#define TONE_MARK "\xe0\xb9\x88"                          /* ่ U+0E48 */
#define ACUTE "\xcc\x81"                                  /* U+0301 */
#define ZALGO "e" ACUTE ACUTE ACUTE ACUTE ACUTE ACUTE ACUTE ACUTE ACUTE ACUTE
#define HANGUL_JAMO "\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab" /* 한 as L V T */
#define KEYCAP "1" VS16 "\xe2\x83\xa3"
#define CIRCLE "\xe2\x97\x8c"                             /* U+25CC */
#define ELL "\xe2\x80\xa6"

typedef struct {
    const char *name;
    const char *in;
    int portable, joined; /* columns in each mode */
} width_case;

static const width_case widths[] = {
    {"family (ZWJ)", FAMILY, 6, 2},
    {"family of four: a cell holds five code points", FAMILY4, 8, 4},
    {"heart with VS16 stays narrow", HEART VS16, 1, 1},
    {"heart on fire: narrow first, glued", HEART VS16 ZWJ FIRE, 3, 1},
    {"thumb and skin tone: two cells", THUMB TONE, 4, 4},
    {"coder with skin tone", WOMAN TONE ZWJ LAPTOP, 6, 4},
    {"flag", FLAG_FR, 2, 2},
    {"Thai nam", THAI_NAM, 2, 2},
    {"Thai stacked vowel and tone", THAI_KI, 1, 1},
    {"Thai stack of tone marks", THAI_KI TONE_MARK TONE_MARK TONE_MARK TONE_MARK, 1, 1},
    {"ten accents on one letter", ZALGO, 1, 1},
    {"Hangul jamo", HANGUL_JAMO, 2, 2},
    {"keycap", KEYCAP, 1, 1},
    {"columns after a family", "a" FAMILY "b", 8, 4},
    {"invalid byte", "\xff", 1, 1},
    {"control", "\x1b", 1, 1},
};

START_TEST(test_width_modes)
{
    const width_case *tc = &widths[_i];
    text_set_emoji_mode(TEXT_EMOJI_PORTABLE);
    int p = text_width(tc->in);
    text_set_emoji_mode(TEXT_EMOJI_JOINED);
    int j = text_width(tc->in);
    text_set_emoji_mode(TEXT_EMOJI_PORTABLE);
    ck_assert_msg(p == tc->portable && j == tc->joined, "%s: portable %d joined %d, want %d %d", tc->name, p, j,
                  tc->portable, tc->joined);
}
END_TEST

/* What the cells of a string show: its code points cell by cell, "|" between cells. */
static void cells_of(const char *s, char *out, size_t cap)
{
    size_t len = strlen(s), o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < len;) {
        text_cell c;
        text_cell_next(s + i, len - i, &c);
        ck_assert_uint_ge(c.bytes, 1);
        ck_assert_int_ge(c.n, 1);
        ck_assert_int_le(c.n, TEXT_CELL_MAX_CODEPOINTS);
        for (int k = 0; k < c.n; k++)
            o += (size_t)snprintf(out + o, cap - o, "%s%X", k ? "+" : "", c.cp[k]);
        o += (size_t)snprintf(out + o, cap - o, "%s", i + c.bytes < len ? "|" : "");
        i += c.bytes;
    }
}

typedef struct {
    const char *name;
    text_emoji_mode mode;
    const char *in;
    const char *cells;
} cells_case;

static const cells_case cells[] = {
    {"family, portable: no joiner drawn", TEXT_EMOJI_PORTABLE, FAMILY, "1F468|1F469|1F467"},
    {"family, joined: one cell", TEXT_EMOJI_JOINED, FAMILY, "1F468+200D+1F469+200D+1F467"},
    {"family of four, joined: the fourth in its own cell", TEXT_EMOJI_JOINED, FAMILY4,
     "1F468+200D+1F469+200D+1F467|1F466"},
    {"heart, portable: VS16 not drawn", TEXT_EMOJI_PORTABLE, HEART VS16, "2764"},
    {"heart, joined: VS16 kept", TEXT_EMOJI_JOINED, HEART VS16, "2764+FE0F"},
    {"VS16 after a wide emoji is kept", TEXT_EMOJI_PORTABLE, THUMB VS16, "1F44D+FE0F"},
    {"ten accents: four drawn", TEXT_EMOJI_PORTABLE, ZALGO, "65+301+301+301+301"},
    {"Thai nam", TEXT_EMOJI_PORTABLE, THAI_NAM, "E19+E49|E33"},
    {"invalid bytes and controls as the sanitizer shows them", TEXT_EMOJI_PORTABLE, "\xff\x1b",
     "FFFD|3F"},
    {"a line break takes no mark", TEXT_EMOJI_PORTABLE, "\n" ACUTE, "3F|301"},
};

START_TEST(test_cells)
{
    const cells_case *tc = &cells[_i];
    char got[256];
    text_set_emoji_mode(tc->mode);
    cells_of(tc->in, got, sizeof got);
    text_set_emoji_mode(TEXT_EMOJI_PORTABLE);
    ck_assert_msg(strcmp(got, tc->cells) == 0, "%s: %s, want %s", tc->name, got, tc->cells);
}
END_TEST

typedef struct {
    const char *name;
    const char *in;
    const char *clusters; /* the input cut at every cluster boundary, "|" between */
} cluster_case;

static const cluster_case clusters[] = {
    {"letters", "ab", "a|b"},
    {"accent stays with its letter", "e" ACUTE "x", "e" ACUTE "|x"},
    {"two flags", FLAG_FR FLAG_DE, FLAG_FR "|" FLAG_DE},
    {"skin tone stays with its emoji", THUMB TONE "a", THUMB TONE "|a"},
    {"a whole family, split or not", "a" FAMILY "b", "a|" FAMILY "|b"},
    {"Thai consonant and SARA AM", THAI_NAM "a", THAI_NAM "|a"},
    {"Thai stack", THAI_KI THAI_KI, THAI_KI "|" THAI_KI},
    {"Hangul jamo", HANGUL_JAMO "a", HANGUL_JAMO "|a"},
    {"line break", "a\nb", "a|\n|b"},
};

START_TEST(test_clusters)
{
    const cluster_case *tc = &clusters[_i];
    for (int mode = 0; mode < 2; mode++) {
        text_set_emoji_mode(mode ? TEXT_EMOJI_JOINED : TEXT_EMOJI_PORTABLE);
        char got[256] = "";
        size_t len = strlen(tc->in), o = 0;
        size_t starts[64];
        int n = 0;
        for (size_t i = 0; i < len;) {
            size_t b = text_cluster_next(tc->in + i, len - i, NULL);
            ck_assert_uint_ge(b, 1);
            starts[n++] = i;
            o += (size_t)snprintf(got + o, sizeof got - o, "%s%.*s", i ? "|" : "", (int)b, tc->in + i);
            i += b;
        }
        /* text_cluster_before finds the same boundaries from the end */
        size_t pos = len;
        for (int k = n - 1; k >= 0; k--) {
            size_t before = text_cluster_before(tc->in, pos);
            ck_assert_msg(before == starts[k], "%s: before(%zu) = %zu, want %zu", tc->name, pos, before, starts[k]);
            pos = before;
        }
        text_set_emoji_mode(TEXT_EMOJI_PORTABLE);
        ck_assert_msg(strcmp(got, tc->clusters) == 0, "%s (mode %d): %s", tc->name, mode, got);
    }
}
END_TEST

typedef struct {
    const char *name;
    text_emoji_mode mode;
    const char *in;
    int max_cols;
    const char *want;
} fitpad_case;

static const fitpad_case fitpads[] = {
    {"family, portable: written without joiners", TEXT_EMOJI_PORTABLE, FAMILY, 8, MAN WOMAN GIRL "  "},
    {"family, joined: written whole", TEXT_EMOJI_JOINED, FAMILY, 4, FAMILY "  "},
    {"a family is not cut in the middle", TEXT_EMOJI_PORTABLE, "a" FAMILY "b", 6, "a" ELL "    "},
    {"a flag is not cut in the middle", TEXT_EMOJI_PORTABLE, "ab" FLAG_FR "c", 4, "ab" ELL " "},
    {"Thai nam is not cut before SARA AM", TEXT_EMOJI_PORTABLE, THAI_NAM THAI_NAM, 3, THAI_NAM ELL},
    {"ten accents: four written", TEXT_EMOJI_PORTABLE, ZALGO, 2, "e" ACUTE ACUTE ACUTE ACUTE " "},
    {"heart, portable: no VS16", TEXT_EMOJI_PORTABLE, HEART VS16 "!", 2, HEART "!"},
};

START_TEST(test_fit_pad_modes)
{
    const fitpad_case *tc = &fitpads[_i];
    char out[128];
    text_set_emoji_mode(tc->mode);
    int cols = text_fit_pad(tc->in, tc->max_cols, true, out, sizeof out);
    int w = text_width(out);
    text_set_emoji_mode(TEXT_EMOJI_PORTABLE);
    ck_assert_msg(strcmp(out, tc->want) == 0, "%s: \"%s\", want \"%s\"", tc->name, out, tc->want);
    ck_assert_int_eq(cols, tc->max_cols);
    ck_assert_int_eq(w, cols);
}
END_TEST

typedef struct {
    const char *in, *want;
} pop_case;

static const pop_case pops[] = {
    {"ab", "a"},
    {"ab" FAMILY, "ab"},
    {"e" ACUTE, ""},
    {FLAG_FR FLAG_DE, FLAG_FR},
    {"x" THAI_KI, "x"},
    {"x" THUMB TONE, "x"},
    {"a\n", "a"},
    {"", ""},
};

START_TEST(test_pop_cluster)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", pops[_i].in);
    text_pop_char(buf);
    ck_assert_str_eq(buf, pops[_i].want);
}
END_TEST

typedef struct {
    const char *name;
    const char *in;
    bool keep_newlines;
    const char *want;
} sanitize_case;

static const sanitize_case sanitizes[] = {
    {"a lone mark gets a dotted circle", ACUTE "a", false, CIRCLE ACUTE "a"},
    {"a Thai tone mark with no consonant", TONE_MARK, false, CIRCLE TONE_MARK},
    {"after a line break too", "a\n" ACUTE, true, "a\n" CIRCLE ACUTE},
    {"after a dropped bidi control", "\xe2\x80\xae" ACUTE, false, CIRCLE ACUTE},
    {"at most four marks on a letter", ZALGO, false, "e" ACUTE ACUTE ACUTE ACUTE},
    {"Thai stack of tone marks", THAI_KI TONE_MARK TONE_MARK TONE_MARK, false, THAI_KI TONE_MARK TONE_MARK},
    {"a family is kept whole", FAMILY, false, FAMILY},
    {"a mark after a space is left alone", " " ACUTE, false, " " ACUTE},
};

START_TEST(test_sanitize_marks)
{
    const sanitize_case *tc = &sanitizes[_i];
    char *got = text_sanitize(tc->in, strlen(tc->in), tc->keep_newlines);
    ck_assert_msg(strcmp(got, tc->want) == 0, "%s: \"%s\"", tc->name, got);
    char *again = text_sanitize(got, strlen(got), tc->keep_newlines);
    ck_assert_str_eq(again, got); /* sanitizing twice changes nothing */
    free(again);
    free(got);
}
END_TEST

typedef struct {
    const char *program, *version;
    text_emoji_mode want;
} detect_case;

static const detect_case detects[] = {
    {"tmux", "3.3a", TEXT_EMOJI_JOINED},
    {"tmux", "3.4", TEXT_EMOJI_JOINED},
    {"tmux", "next-3.6", TEXT_EMOJI_JOINED},
    {"tmux", "4.0", TEXT_EMOJI_JOINED},
    {"tmux", "3.2a", TEXT_EMOJI_PORTABLE},
    {"tmux", "2.9", TEXT_EMOJI_PORTABLE},
    {"tmux", "", TEXT_EMOJI_PORTABLE},
    {"tmux", NULL, TEXT_EMOJI_PORTABLE},
    {"iTerm.app", "3.5.0", TEXT_EMOJI_PORTABLE},
    {NULL, NULL, TEXT_EMOJI_PORTABLE},
};

START_TEST(test_detect)
{
    const detect_case *tc = &detects[_i];
    if (tc->program)
        setenv("TERM_PROGRAM", tc->program, 1);
    else
        unsetenv("TERM_PROGRAM");
    if (tc->version)
        setenv("TERM_PROGRAM_VERSION", tc->version, 1);
    else
        unsetenv("TERM_PROGRAM_VERSION");
    ck_assert_msg(text_emoji_detect() == tc->want, "%s %s", tc->program ? tc->program : "-",
                  tc->version ? tc->version : "-");
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *cells_suite(void)
{
    Suite *s = suite_create("text_cells");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_width_modes, 0, N(widths));
    tcase_add_loop_test(tc, test_cells, 0, N(cells));
    tcase_add_loop_test(tc, test_clusters, 0, N(clusters));
    tcase_add_loop_test(tc, test_fit_pad_modes, 0, N(fitpads));
    tcase_add_loop_test(tc, test_pop_cluster, 0, N(pops));
    tcase_add_loop_test(tc, test_sanitize_marks, 0, N(sanitizes));
    tcase_add_loop_test(tc, test_detect, 0, N(detects));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    if (!text_init_locale()) {
        fprintf(stderr, "test_text_cells: no UTF-8 locale available\n");
        return 1;
    }
    return run_suite_nofork(cells_suite()) != 0;
}
