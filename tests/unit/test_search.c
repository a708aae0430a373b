/* search: the filter over store data gives what a search of the list's cells gives, in steps of
 * bounded work; narrowing searches the last matches; going back restores; folding. */
#include "common/strbuf.h"
#include "core/api_resources.h"
#include "core/search.h"
#include "core/text.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const MAKES[] = {"Volvo", "Freightliner", "Kenworth", "Škoda", "Peterbilt"};
static const char *const STATUSES[] = {"IN_SERVICE", "OUT_OF_SERVICE", "Réparé"};

static void add_vehicle(table *t, const char *name, const char *vin, const char *oem, const char *status, int year)
{
    vehicle_rec *v = table_append(t);
    v->name = strpool_add(&t->pool, name);
    v->vin = strpool_add(&t->pool, vin);
    v->oem = strpool_add(&t->pool, oem);
    v->model = strpool_add(&t->pool, "VNL");
    v->status = strpool_add(&t->pool, status);
    v->year = (int16_t)year;
}

/* n vehicles; every 7th has an accented name, statuses unique when many_statuses. */
static void fill(table *t, size_t from, size_t n, bool many_statuses)
{
    for (size_t i = from; i < from + n; i++) {
        char name[64], vin[32], status[32];
        snprintf(name, sizeof name, i % 7 == 0 ? "Camión %zu" : "Truck %zu", i);
        snprintf(vin, sizeof vin, "1FUJ%013zu", i * 7919);
        snprintf(status, sizeof status, "ST-%zu", i);
        add_vehicle(t, name, vin, MAKES[i % 5], many_statuses ? status : STATUSES[i % 3], 2000 + (int)(i % 25));
    }
}

/* The reference: a row matches when one of its list cells contains the filter (up to case),
 * or, for a filter without accents, when its folded cells contain the folded filter. */
static bool reference(const table *t, size_t row, const char *filter)
{
    const api_resource *r = api_resource_get(t->kind);
    bool marked = text_fold_marked(filter);
    strbuf nf = STRBUF_INIT, cf = STRBUF_INIT;
    text_fold(&nf, filter);
    bool hit = false;
    for (int c = 0; c < r->ncols && !hit; c++) {
        char cell[256];
        api_cell(&r->cols[c], t, table_row(t, row), cell, sizeof cell);
        if (marked) {
            hit = text_contains_ci(cell, filter);
        } else {
            strbuf_reset(&cf);
            text_fold(&cf, cell);
            hit = cf.len && strstr(cf.data, nf.data) != NULL;
        }
    }
    strbuf_free(&nf);
    strbuf_free(&cf);
    return hit;
}

static void check_against_reference(search *s, const table *t, const char *filter)
{
    size_t n;
    const uint32_t *m = search_matches(s, &n);
    size_t k = 0;
    for (size_t row = 0; row < t->count; row++) {
        if (!reference(t, row, filter))
            continue;
        ck_assert_msg(k < n && m[k] == row, "'%s': row %zu missing (found %zu)", filter, row, n);
        k++;
    }
    ck_assert_msg(k == n, "'%s': %zu matches, want %zu", filter, n, k);
}

static void finish(search *s, const table *t)
{
    int steps = 0;
    while (!search_step(s, t, 4096, SIZE_MAX))
        ck_assert_int_lt(++steps, 100000);
}

static const char *const FILTERS[] = {
    "truck 1", "TRUCK", "camion", "Camión",    "é",      "skoda", "Škoda",           "vnl", "2003", "ice",
    "1fuj000", "zzz",   "e",      "volvo vnl", "réparé", "ST-",   "\xef\xbc\xb4ruck"};

START_TEST(matches_are_those_of_the_cells)
{
    for (int many = 0; many < 2; many++) {
        table t;
        table_init(&t, KIND_VEHICLE);
        fill(&t, 0, 3000, many); /* with many statuses, the status column turns from values to text */
        for (size_t f = 0; f < sizeof FILTERS / sizeof FILTERS[0]; f++) {
            search *s = search_new();
            search_set_filter(s, FILTERS[f]);
            finish(s, &t);
            check_against_reference(s, &t, FILTERS[f]);
            search_free(s);
        }
        table_clear(&t);
    }
}
END_TEST

START_TEST(the_first_screen_comes_at_once_and_the_count_in_slices)
{
    table t;
    table_init(&t, KIND_VEHICLE);
    fill(&t, 0, 20000, false);
    search *s = search_new();
    finish(s, &t); /* the index, prepared as rows come */
    search_set_filter(s, "truck");
    ck_assert(!search_step(s, &t, 1u << 16, 40));
    size_t n;
    search_matches(s, &n);
    ck_assert_uint_eq(n, 40); /* no more than asked for */
    ck_assert(!search_done(s, &t));
    finish(s, &t);
    check_against_reference(s, &t, "truck");
    search_free(s);
    table_clear(&t);
}
END_TEST

START_TEST(narrowing_and_going_back)
{
    table t;
    table_init(&t, KIND_VEHICLE);
    fill(&t, 0, 5000, false);
    search *s = search_new();
    /* More filters than the stack keeps: the oldest go, their followers copy what they borrowed. */
    const char *typed[] = {"t",      "tr",      "tru",      "truc",      "truck",
                           "truck ", "truck 1", "truck 12", "truck 123", "truck 1234"};
    size_t ntyped = sizeof typed / sizeof typed[0];
    for (size_t i = 0; i < ntyped; i++) {
        search_set_filter(s, typed[i]);
        /* Type the next character before the count is done: narrowing works from what is known. */
        search_step(s, &t, 3000, SIZE_MAX);
    }
    finish(s, &t);
    check_against_reference(s, &t, "truck 1234");
    /* Backspace: the earlier results come back, finished by their own slices. */
    for (int i = (int)ntyped - 2; i >= 0; i--) {
        search_set_filter(s, typed[i]);
        finish(s, &t);
        check_against_reference(s, &t, typed[i]);
    }
    /* A finished result on the stack comes back without any work. */
    search_set_filter(s, "tr");
    finish(s, &t);
    search_set_filter(s, "tru");
    finish(s, &t);
    search_set_filter(s, "tr");
    ck_assert(search_step(s, &t, 0, SIZE_MAX));
    check_against_reference(s, &t, "tr");
    search_free(s);
    table_clear(&t);
}
END_TEST

START_TEST(rows_that_arrive_later_are_searched)
{
    table t;
    table_init(&t, KIND_VEHICLE);
    fill(&t, 0, 1000, false);
    search *s = search_new();
    search_set_filter(s, "skoda");
    finish(s, &t);
    fill(&t, 1000, 2000, false); /* another page or two */
    ck_assert(!search_done(s, &t));
    finish(s, &t);
    check_against_reference(s, &t, "skoda");
    search_reset(s); /* a row changed in place: the same filter, searched again */
    finish(s, &t);
    check_against_reference(s, &t, "skoda");
    ck_assert_uint_gt(search_index_bytes(s), 0);
    search_free(s);
    table_clear(&t);
}
END_TEST

static char *folded(const char *s)
{
    strbuf sb = STRBUF_INIT;
    text_fold(&sb, s);
    return strbuf_detach(&sb);
}

START_TEST(folding)
{
    static const struct {
        const char *in, *want;
    } cases[] = {{"Chloé", "chloe"},
                 {"ŁÓDŹ", "lodz"},
                 {"Straße", "strasse"},
                 {"\xef\xbc\xa1\xef\xbc\xa2", "ab"},
                 {"Ære", "aere"},
                 {"e\xcc\x81", "e"},
                 {"Ω", "ω"},
                 {"", ""}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *f = folded(cases[i].in);
        ck_assert_str_eq(f, cases[i].want);
        free(f);
    }
    ck_assert(text_fold_marked("é"));
    ck_assert(text_fold_marked("É"));
    ck_assert(text_fold_marked("\xef\xbc\xa1"));
    ck_assert(!text_fold_marked("Chloe"));
    ck_assert(!text_fold_marked("Ω"));
}
END_TEST

int main(void)
{
    text_init_locale();
    Suite *s = suite_create("search");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, matches_are_those_of_the_cells);
    tcase_add_test(tc, the_first_screen_comes_at_once_and_the_count_in_slices);
    tcase_add_test(tc, narrowing_and_going_back);
    tcase_add_test(tc, rows_that_arrive_later_are_searched);
    tcase_add_test(tc, folding);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
