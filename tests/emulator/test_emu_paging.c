/* HTTP-level tests of cursor pages that resume where the previous page ended (issue 15.4): small pages
 * forwards and backwards give the whole filtered list, and a record that stops matching on an earlier
 * page does not make the next page skip one. (Page cost at a million records is measured by hand, never
 * asserted: see the commit and README.) */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/uuid.h"
#include "emu_test_world.h"
#include "suite_runner.h"

#define DRIVERS "/v2/telematics/users?is_driver=true"

static world w;

static void start_world(void)
{
    const char *args[] = {"--seed", "8", "--users", "200", "--token-lifetime", "100000000", NULL};
    world_start(&w, args);
}

static void stop_world(void)
{
    world_stop(&w);
}

/* GET path (+ &cursor=C); returns the page and appends its ids to ids. */
static cJSON *page(const char *path, const char *cursor, strbuf *ids)
{
    char url[1024];
    if (cursor) {
        char *enc = curl_easy_escape(NULL, cursor, 0);
        snprintf(url, sizeof url, "%s&cursor=%s", path, enc);
        curl_free(enc);
    } else {
        snprintf(url, sizeof url, "%s", path);
    }
    long st;
    cJSON *j = http_get_json(&w.e, url, w.tok, &st);
    ck_assert_msg(st == 200, "GET %s -> %ld", url, st);
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, "items"))
        strbuf_printf(ids, "%s ", json_str(it, "id"));
    return j;
}

static char *one_page_ids(const char *path)
{
    strbuf ids = STRBUF_INIT;
    cJSON_Delete(page(path, NULL, &ids));
    return strbuf_detach(&ids);
}

START_TEST(small_pages_both_ways_give_the_whole_list)
{
    static const char *const lists[] = {DRIVERS, "/v2/telematics/users?is_driver=false",
                                        "/v2/telematics/users?is_driver=true&sort_order=desc",
                                        "/v2/telematics/vehicles?sort_order=desc", "/v2/telematics/trailers?x=1"};
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        char path[256];
        snprintf(path, sizeof path, "%s&size=1000", lists[l]);
        char *whole = one_page_ids(path);
        snprintf(path, sizeof path, "%s&size=7", lists[l]);
        strbuf fwd = STRBUF_INIT;
        cJSON *j = page(path, NULL, &fwd);
        int total = cJSON_GetObjectItemCaseSensitive(j, "total")->valueint;
        char *last_back = NULL;
        while (json_str(j, "next_page")) {
            free(last_back);
            last_back = strdup(json_str(j, "current_page_backwards"));
            cJSON *next = page(path, json_str(j, "next_page"), &fwd);
            ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(next, "total")->valueint, total);
            cJSON_Delete(j);
            j = next;
        }
        ck_assert_str_eq(fwd.data, whole);
        ck_assert_int_eq(total, (int)(strlen(whole) / UUID_STR_LEN));
        /* Back from the last page with previous_page: the same records, page by page in reverse. */
        strbuf back = STRBUF_INIT, tmp = STRBUF_INIT;
        const char *prev = json_str(j, "previous_page");
        char *cur = prev ? strdup(prev) : NULL;
        cJSON *first_back = NULL;
        size_t tail_len = 0;
        {
            const cJSON *it;
            cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, "items"))
                tail_len += UUID_STR_LEN;
        }
        while (cur) {
            strbuf_reset(&tmp);
            cJSON *bp = page(path, cur, &tmp);
            ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(bp, "items")), 7);
            strbuf_append(&tmp, back.data ? back.data : "", back.len); /* prepend this page */
            strbuf_reset(&back);
            strbuf_append(&back, tmp.data, tmp.len);
            free(cur);
            cur = json_str(bp, "previous_page") ? strdup(json_str(bp, "previous_page")) : NULL;
            if (!first_back)
                first_back = cJSON_Duplicate(bp, 1);
            cJSON_Delete(bp);
        }
        ck_assert_uint_eq(back.len + tail_len, strlen(whole));
        ck_assert_int_eq(strncmp(back.data ? back.data : "", whole, back.len), 0);
        /* current_page_backwards of a page gives that page again. */
        if (last_back) {
            strbuf again = STRBUF_INIT;
            cJSON_Delete(page(path, last_back, &again));
            ck_assert_uint_eq(again.len, 7 * UUID_STR_LEN);
            ck_assert_ptr_nonnull(strstr(whole, again.data));
            strbuf_free(&again);
        }
        cJSON_Delete(first_back);
        free(last_back);
        strbuf_free(&tmp);
        strbuf_free(&back);
        strbuf_free(&fwd);
        cJSON_Delete(j);
        free(whole);
    }
}
END_TEST

START_TEST(a_record_leaving_an_earlier_page_skips_nothing)
{
    char *before = one_page_ids(DRIVERS "&size=1000");
    strbuf ids = STRBUF_INIT;
    cJSON *p1 = page(DRIVERS "&size=5", NULL, &ids);
    /* The first driver of page 1 stops being a driver. */
    char first[UUID_STR_LEN], conn[UUID_STR_LEN];
    const cJSON *it = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(p1, "items"), 0);
    snprintf(first, sizeof first, "%s", json_str(it, "id"));
    snprintf(conn, sizeof conn, "%s", json_str(it, "connection_id"));
    char path[256], body[256];
    snprintf(path, sizeof path, "/v2/telematics/users/%s?is_sync=true", first);
    snprintf(body, sizeof body, "{\"connection_id\":\"%s\",\"is_driver\":false}", conn);
    long st;
    cJSON *op = world_write(&w, "PATCH", path, body, &st);
    ck_assert_int_eq(st, 200);
    cJSON_Delete(op);
    /* Page 2 starts with the 6th driver of the list as it was. */
    cJSON *p2 = page(DRIVERS "&size=5", json_str(p1, "next_page"), &ids);
    ck_assert_int_eq(strncmp(ids.data, before, 10 * UUID_STR_LEN), 0);
    cJSON_Delete(p2);
    cJSON_Delete(p1);
    strbuf_free(&ids);
    free(before);
}
END_TEST

static Suite *paging_suite(void)
{
    Suite *s = suite_create("emulator paging");
    TCase *tc = tcase_create("paging");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, start_world, stop_world);
    tcase_add_test(tc, small_pages_both_ways_give_the_whole_list);
    tcase_add_test(tc, a_record_leaving_an_earlier_page_skips_nothing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    emu_test_record_responses();
    int failed = run_suite_nofork(paging_suite());
    curl_global_cleanup();
    return failed ? 1 : 0;
}
