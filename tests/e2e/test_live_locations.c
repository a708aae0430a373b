/* Live locations, end to end (issue 11.4): the real console in script mode against the emulator,
 * counting the live-location requests in the emulator's request log: one load per opened
 * connection when it is opened, then one per connection per refresh on the idle poll cadence, each
 * load's cursor pages through the pager (page_size 2 here), and none at all with live_locations off. */
#include "common/strbuf.h"
#include "e2e_console.h"

#include <check.h>
#include <stdbool.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LIVE_PATH "/v2/telematics/analytics/vehicles/live-locations"

typedef struct counts {
    int first_pages, cursor_pages;
    int per_conn[64]; /* first pages per connection, in the order first seen */
    char conn[64][40];
    int nconn;
} counts;

static counts count_live(const emu_proc *e)
{
    counts c = {0};
    char *log = emu_http(e, "GET", "/_emulator/requests", NULL, NULL);
    cJSON *arr = cJSON_Parse(log);
    free(log);
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const cJSON *m = cJSON_GetObjectItem(it, "method"), *p = cJSON_GetObjectItem(it, "path");
        const cJSON *q = cJSON_GetObjectItem(it, "query");
        if (!cJSON_IsString(m) || !cJSON_IsString(p) || strcmp(m->valuestring, "GET") ||
            strcmp(p->valuestring, LIVE_PATH))
            continue;
        const char *query = cJSON_IsString(q) ? q->valuestring : "";
        if (strstr(query, "cursor=")) {
            c.cursor_pages++;
            continue;
        }
        c.first_pages++;
        const char *cid = strstr(query, "connection_id=");
        ck_assert_msg(cid != NULL, "a load without connection_id: %s", query);
        char id[40];
        snprintf(id, sizeof id, "%.36s", cid + 14);
        int k = 0;
        while (k < c.nconn && strcmp(c.conn[k], id) != 0)
            k++;
        if (k == c.nconn && c.nconn < 64)
            snprintf(c.conn[c.nconn++], sizeof c.conn[0], "%s", id);
        if (k < 64)
            c.per_conn[k]++;
    }
    cJSON_Delete(arr);
    return c;
}

static void write_config(const char *workdir, const char *extra)
{
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/.config", workdir);
    mkdir(dir, 0700);
    snprintf(dir, sizeof dir, "%s/.config/catena-dispatch", workdir);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/config", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "page_size = 2\npoll_idle_ms = 5000\n%s", extra);
    fclose(f);
}

/* Opens every connection (Enter on each row of the connections list), then lets three idle
 * refreshes pass on the script's clock. */
static void run(int nconn, const char *extra_config, const char *fault, counts *out, bool expect_locations)
{
    char workdir[256], n[16], veh[16];
    ck_assert_int_eq(e2e_make_workdir("catena-e2e-live", workdir, sizeof workdir), 0);
    write_config(workdir, extra_config);
    snprintf(n, sizeof n, "%d", nconn);
    snprintf(veh, sizeof veh, "%d", 5 * nconn);
    const char *args[] = {"--seed", "7", "--connections", n, "--vehicles", veh, "--time-scale", "10",
                          "--start-time", "2026-01-05T00:00:00Z", fault ? "--fault" : NULL, fault, NULL};
    emu_proc emu;
    ck_assert_int_eq(emu_start(&emu, args), 0);
    strbuf s = STRBUF_INIT;
    strbuf_puts(&s, ":wait-idle\n");
    for (int i = 0; i < nconn; i++)
        strbuf_puts(&s, "<Enter>\n:wait-idle\n1\nj\n");
    strbuf_puts(&s, ":advance 5s\n:wait-idle\n:advance 5s\n:wait-idle\n:advance 5s\n:wait-idle\n3\n:wait-idle\n");
    strbuf_puts(&s, expect_locations ? ":expect km/h\n" : ":expect-not km/h\n");
    strbuf_puts(&s, ":quit\n");
    ck_assert_int_eq(run_console_script(&emu, workdir, s.data, "120x30"), 0);
    strbuf_free(&s);
    *out = count_live(&emu);
    emu_stop(&emu);
    e2e_remove_tree(workdir);
}

START_TEST(one_load_per_connection_per_refresh)
{
    static const int sizes[] = {1, 4};
    int nconn = sizes[_i];
    counts c;
    run(nconn, "", NULL, &c, true);
    /* Opened: one load each; then three refreshes: one load each per refresh. */
    ck_assert_int_eq(c.nconn, nconn);
    ck_assert_int_eq(c.first_pages, 4 * nconn);
    for (int k = 0; k < c.nconn; k++)
        ck_assert_msg(c.per_conn[k] == 4, "connection %s: %d loads", c.conn[k], c.per_conn[k]);
    /* Five vehicles per connection at two per page: the rest of each load came by cursor. */
    ck_assert_int_ge(c.cursor_pages, 4 * nconn);
}
END_TEST

START_TEST(none_when_turned_off)
{
    counts c;
    run(2, "live_locations = no\n", NULL, &c, false);
    ck_assert_int_eq(c.first_pages + c.cursor_pages, 0);
}
END_TEST

START_TEST(a_connection_that_refuses_is_not_asked_again)
{
    counts c;
    run(2, "", "route=" LIVE_PATH ",method=GET,kind=status,status=403", &c, false);
    /* Once each when opened (the API module asks twice on a 403, after a fresh token), then
     * skipped by the three refreshes. */
    ck_assert_int_eq(c.first_pages, 2 * 2);
    ck_assert_int_eq(c.cursor_pages, 0);
}
END_TEST

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    Suite *s = suite_create("live_locations");
    TCase *tc = tcase_create("e2e");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, one_load_per_connection_per_refresh, 0, 2);
    tcase_add_test(tc, none_when_turned_off);
    tcase_add_test(tc, a_connection_that_refuses_is_not_asked_again);
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
