/* Unit tests of src/core/api_envelope.c: a page's next cursor, own cursor and total read before
 * the page is parsed, from its two ends when it is laid out as Catena's, else by a forward pass;
 * both must give what the parsed page says (the first of a repeated member). */
#include "core/api_envelope.h"

#include <check.h>
#include <stdio.h>
#include <string.h>
#include "suite_runner.h"

typedef struct {
    const char *name;
    const char *body;
    bool ok;
    bool has_items, items_empty;
    long total;
    const char *next, *cur; /* NULL: none */
} env_case;

#define TAIL ",\"total\":5,\"current_page\":\"C1\",\"previous_page\":null,\"next_page\":\"N2\"}"

static const env_case cases[] = {
    {"Catena's layout", "{\"items\":[{\"id\":\"a\"}]" TAIL, true, true, false, 5, "N2", "C1"},
    {"the last page", "{\"items\":[{\"id\":\"a\"}],\"total\":1,\"current_page\":\"C1\",\"next_page\":null}", true, true,
     false, 1, NULL, "C1"},
    {"an empty cursor is no cursor", "{\"items\":[1],\"total\":1,\"current_page\":\"C\",\"next_page\":\"\"}", true, true,
     false, 1, NULL, "C"},
    {"no items", "{\"items\":[ ]" TAIL, true, true, true, 5, "N2", "C1"},
    {"white space everywhere", " {\n \"items\" : [ {\"id\" : \"a\"} ] ,\n \"total\" : 5 , \"current_page\" : \"C1\" ,"
                               " \"next_page\" : \"N2\" \n}\n",
     true, true, false, 5, "N2", "C1"},
    {"a next_page inside an item only", "{\"items\":[{\"next_page\":\"evil\"}],\"total\":1,\"current_page\":\"C\"}", true,
     true, false, 1, NULL, "C"},
    {"quotes escaped in the last item",
     "{\"items\":[{\"n\":\"x\\\"],\\\"next_page\\\":\\\"evil\\\\\"}]" TAIL, true, true, false, 5, "N2", "C1"},
    {"a container after the cursor", "{\"items\":[1],\"next_page\":\"A\",\"current_page\":\"C\",\"total\":3,"
                                     "\"meta\":{\"next_page\":\"B\"}}",
     true, true, false, 3, "A", "C"},
    {"a repeated next_page: the first counts", "{\"items\":[1],\"total\":3,\"current_page\":\"C\",\"next_page\":\"A\","
                                               "\"next_page\":\"B\"}",
     true, true, false, 3, "A", "C"},
    {"the envelope before the items", "{\"next_page\":\"A\",\"current_page\":\"C\",\"total\":2,\"items\":[1,2]}", true,
     true, false, 2, "A", "C"},
    {"no total (integrations lists)", "{\"items\":[1],\"current_page\":\"C\",\"next_page\":\"A\"}", true, true, false,
     -1, "A", "C"},
    {"a huge total", "{\"items\":[1],\"total\":1e300,\"current_page\":\"C\",\"next_page\":\"A\"}", true, true, false,
     -1, "A", "C"},
    {"an escaped cursor: parse first", "{\"items\":[1],\"total\":1,\"current_page\":\"C\",\"next_page\":\"a\\\"b\"}",
     false, false, false, -1, NULL, NULL},
    {"no items list", "{\"total\":1,\"current_page\":\"C\",\"next_page\":\"A\"}", false, false, false, -1, NULL, NULL},
    {"not an object", "[1,2]", false, false, false, -1, NULL, NULL},
    {"empty", "", false, false, false, -1, NULL, NULL},
    {"cut short", "{\"items\":[1],\"total\":1,\"current_page\":\"C\",\"next_pa", false, false, false, -1, NULL, NULL},
};

static bool span_is(const char *p, size_t n, const char *want)
{
    if (!want)
        return p == NULL;
    return p && n == strlen(want) && memcmp(p, want, n) == 0;
}

START_TEST(test_envelope)
{
    const env_case *tc = &cases[_i];
    api_envelope e;
    memset(&e, 0x5a, sizeof e);
    bool ok = api_envelope_scan(tc->body, strlen(tc->body), &e);
    ck_assert_msg(ok == tc->ok, "%s: ok %d", tc->name, ok);
    if (!ok)
        return;
    ck_assert_msg(e.has_items == tc->has_items && e.items_empty == tc->items_empty, "%s: items", tc->name);
    ck_assert_msg(e.total == tc->total, "%s: total %ld", tc->name, e.total);
    ck_assert_msg(span_is(e.next && e.next_len ? e.next : NULL, e.next_len, tc->next), "%s: next_page %.*s", tc->name,
                  (int)e.next_len, e.next ? e.next : "");
    ck_assert_msg(span_is(e.cur && e.cur_len ? e.cur : NULL, e.cur_len, tc->cur), "%s: current_page", tc->name);
}
END_TEST

/* A page of 1000 items is read from its ends: a body whose middle is not JSON at all still gives
 * its envelope, which only a scan that never walks the items can do. */
START_TEST(test_envelope_does_not_walk_the_items)
{
    char body[4096];
    snprintf(body, sizeof body, "{\"items\":[%s]" TAIL, "not json \" at [ all { \\");
    api_envelope e;
    ck_assert(api_envelope_scan(body, strlen(body), &e));
    ck_assert(span_is(e.next, e.next_len, "N2"));
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

int main(void)
{
    Suite *s = suite_create("api_envelope");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_envelope, 0, N(cases));
    tcase_add_test(tc, test_envelope_does_not_walk_the_items);
    suite_add_tcase(s, tc);
    return run_suite_nofork(s) != 0;
}
