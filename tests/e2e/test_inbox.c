/* The message watcher (core/inbox) against a real catena-emulator with a seeded message history
 * and --connections N: one request per connection per tick with 1, 10 and 50 connections and 0 or
 * 100 new driver messages (sent now through the emulator's control call), the new ones arriving
 * unread within the tick; a connection answering 403 or 501 marked and skipped, asked again only
 * after INBOX_REFUSED_RETRY_MS; a 429 waits for its Retry-After while the others go on, with a
 * stale mark; unread marks survive a restart (a slow connection: test_inbox_slow.c).
 * The app clock is virtual (loop_advance); fixture: ops_e2e.h (its tracker is not started). */
#include "core/inbox.h"
#include "ops_e2e.h"

#define MSGS "/v2/telematics/messages"

typedef struct ifx {
    fx f;
    char conns[64][UUID_STR_LEN];
    int nconns;
    char drivers[64][UUID_STR_LEN]; /* one driver of each connection ("" if it has none) */
    char state[160];
    inbox *ib;
    size_t added;
    int calls;
} ifx;

static void on_change(void *ud, size_t added)
{
    ifx *x = ud;
    x->added += added;
    x->calls++;
}

static void open_inbox(ifx *x)
{
    inbox_settings s = {.poll_ms = 1000, .state_path = x->state};
    x->ib = inbox_new(x->f.l, x->f.a, &s);
    inbox_set_callback(x->ib, on_change, x);
    const char *ids[64];
    for (int i = 0; i < x->nconns; i++)
        ids[i] = x->conns[i];
    inbox_set_connections(x->ib, ids, (size_t)x->nconns);
    char *err = NULL;
    ck_assert_msg(inbox_start(x->ib, &err) == 0, "%s", err);
}

static void ifx_open(ifx *x, int nconns)
{
    memset(x, 0, sizeof *x);
    char n[16];
    snprintf(n, sizeof n, "%d", nconns);
    const char *args[] = {"--connections", n, "--message-history", "--vehicles", "200", NULL};
    /* ops_e2e.h's fx_open wants two connections with a dispatcher each: this is its start only. */
    fx *f = &x->f;
    for (int i = 0; args[i]; i++)
        snprintf(f->args[f->nargs++], sizeof f->args[0], "%s", args[i]);
    fx_start_emulator(f, false);
    f->l = loop_new();
    loop_set_virtual_clock(f->l, true);
    f->h = http_client_new(f->l);
    f->au = auth_new(f->l, f->h, f->emu.auth_url, "demo-client", "demo-secret");
    f->a = api_new(f->l, f->h, f->au, f->emu.url);
    snprintf(f->dir, sizeof f->dir, "/tmp/test-inbox-e2e-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(f->dir));
    cJSON *root = fx_get_json(&x->f, "/v2/integrations/connections?size=100");
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "items"))
    {
        ck_assert_int_lt(x->nconns, 64);
        snprintf(x->conns[x->nconns], UUID_STR_LEN, "%s", cJSON_GetObjectItem(c, "id")->valuestring);
        char path[200];
        snprintf(path, sizeof path, "/v2/telematics/users?connection_id=%s&size=1000", x->conns[x->nconns]);
        cJSON *users = fx_get_json(&x->f, path);
        const cJSON *u;
        cJSON_ArrayForEach(u, cJSON_GetObjectItem(users, "items"))
        if (cJSON_IsTrue(cJSON_GetObjectItem(u, "is_driver")) && !x->drivers[x->nconns][0])
            snprintf(x->drivers[x->nconns], UUID_STR_LEN, "%s", cJSON_GetObjectItem(u, "id")->valuestring);
        cJSON_Delete(users);
        x->nconns++;
    }
    cJSON_Delete(root);
    ck_assert_int_eq(x->nconns, nconns);
    snprintf(x->state, sizeof x->state, "%s/inbox.json", x->f.dir);
    open_inbox(x);
    fx_settle(&x->f); /* the first look: the last 24 hours of each connection */
    for (int i = 0; i < 3; i++)
        fx_tick(&x->f, 1000); /* and the rest of a first look longer than a page */
    inbox_health h;
    inbox_get_health(x->ib, &h);
    ck_assert_msg(h.stale_since_ms == 0 && h.refused == 0, "the first look failed: %s", h.last_error);
}

static void ifx_close(ifx *x)
{
    inbox_free(x->ib);
    fx_close(&x->f);
}

/* The driver of connection k sends text now (the emulator's control call). */
static void driver_says(ifx *x, int k, const char *text)
{
    char path[120], body[200];
    snprintf(path, sizeof path, "/_emulator/drivers/%s/messages", x->drivers[k]);
    snprintf(body, sizeof body, "{\"message_text\":\"%s\"}", text);
    fx_control(&x->f, "POST", path, body);
}

/* Requests of one tick to the messages list, each connection's counted in per (may be NULL). */
static int tick_requests(ifx *x, int *per)
{
    fx_clear_log(&x->f);
    fx_tick(&x->f, 1000);
    char **q;
    int n = fx_logged(&x->f, MSGS, 0, &q);
    for (int i = 0; per && i < x->nconns; i++) {
        per[i] = 0;
        for (int k = 0; k < n; k++)
            per[i] += strstr(q[k], x->conns[i]) != NULL;
    }
    fx_free_targets(q);
    ck_assert_int_eq(fx_count(&x->f, "/v2/"), n); /* nothing but the messages list */
    return n;
}

static void requests_per_tick(int nconns)
{
    ifx x;
    ifx_open(&x, nconns);
    int per[64];
    /* Nothing new: one request per connection per tick, nothing added. */
    for (int t = 0; t < 3; t++) {
        size_t added = x.added;
        ck_assert_int_eq(tick_requests(&x, per), nconns);
        for (int i = 0; i < nconns; i++)
            ck_assert_int_eq(per[i], 1);
        ck_assert_uint_eq(x.added, added);
    }
    /* 100 new driver messages across the connections: still one request each, and all of them
     * there after the tick, unread. */
    size_t unread = inbox_unread_count(x.ib), count = inbox_count(x.ib), added = x.added;
    int sent = 0;
    for (int i = 0; sent < 100; i++) {
        int k = i % nconns;
        if (!x.drivers[k][0]) {
            ck_assert_int_lt(i, 100 * nconns);
            continue;
        }
        char text[64];
        snprintf(text, sizeof text, "Inbox test %d: at the gate", sent);
        driver_says(&x, k, text);
        sent++;
    }
    ck_assert_int_eq(tick_requests(&x, per), nconns);
    for (int i = 0; i < nconns; i++)
        ck_assert_int_eq(per[i], 1);
    ck_assert_uint_eq(x.added - added, 100);
    ck_assert_uint_eq(inbox_unread_count(x.ib), unread + 100);
    ck_assert_uint_eq(inbox_count(x.ib), count + 100 > INBOX_KEEP ? INBOX_KEEP : count + 100);
    ck_assert_ptr_nonnull(strstr(inbox_get(x.ib, 0)->text, "Inbox test"));
    fprintf(stderr, "%d connections: %d requests a tick with 0 and with 100 new messages\n", nconns, nconns);
    /* And quiet again. */
    ck_assert_int_eq(tick_requests(&x, NULL), nconns);
    ck_assert_uint_eq(x.added - added, 100);
    ifx_close(&x);
}

START_TEST(one_request_per_connection_per_tick_1)
{
    requests_per_tick(1);
}
END_TEST

START_TEST(one_request_per_connection_per_tick_10)
{
    requests_per_tick(10);
}
END_TEST

START_TEST(one_request_per_connection_per_tick_50)
{
    requests_per_tick(50);
}
END_TEST

/* Connections in state st. */
static int in_state(ifx *x, inbox_conn_state st)
{
    int n = 0;
    for (int i = 0; i < x->nconns; i++) {
        inbox_conn_info ci;
        ck_assert(inbox_conn_get(x->ib, (size_t)i, &ci));
        if (ci.state == st) {
            ck_assert_msg(ci.reason[0], "no reason given");
            n++;
        }
    }
    return n;
}

/* status: the answer of every messages request while the fault lasts (a 403 is retried once with a
 * fresh token by the API module, so one connection alone cannot be refused with it here). */
static void refused_connections_are_skipped(int status, inbox_conn_state st)
{
    ifx x;
    ifx_open(&x, 3);
    char fault[200];
    snprintf(fault, sizeof fault, "{\"route\":\"" MSGS "\",\"method\":\"GET\",\"kind\":\"status\",\"status\":%d}",
             status);
    fx_fault(&x.f, fault);
    tick_requests(&x, NULL);
    ck_assert_int_eq(in_state(&x, st), 3);
    inbox_health h;
    inbox_get_health(x.ib, &h);
    ck_assert_uint_eq(h.refused, 3);
    ck_assert_int_eq(h.stale_since_ms, 0); /* an answer, not a failure */
    for (int t = 0; t < 10; t++) /* not retried every second */
        ck_assert_int_eq(tick_requests(&x, NULL), 0);
    /* Asked again once INBOX_REFUSED_RETRY_MS has passed: the API allows it now. */
    fx_control(&x.f, "DELETE", "/_emulator/faults", NULL);
    loop_advance(x.f.l, INBOX_REFUSED_RETRY_MS - 10 * 1000 - 1);
    fx_settle(&x.f);
    ck_assert_int_eq(in_state(&x, st), 3);
    loop_advance(x.f.l, 1);
    fx_settle(&x.f);
    ck_assert_int_eq(in_state(&x, st), 0);
    ck_assert_int_eq(tick_requests(&x, NULL), 3);
    ifx_close(&x);
}

START_TEST(forbidden_connections_are_marked_and_skipped)
{
    refused_connections_are_skipped(403, INBOX_CONN_FORBIDDEN);
}
END_TEST

START_TEST(a_501_connection_is_marked_and_skipped_the_others_go_on)
{
    ifx x;
    ifx_open(&x, 3);
    fx_fault(&x.f, "{\"route\":\"" MSGS "\",\"method\":\"GET\",\"kind\":\"status\",\"status\":501,\"count\":1}");
    ck_assert_int_eq(tick_requests(&x, NULL), 3);
    ck_assert_int_eq(in_state(&x, INBOX_CONN_UNSUPPORTED), 1);
    int k = -1, per[64];
    for (int i = 0; i < x.nconns; i++) {
        inbox_conn_info ci;
        inbox_conn_get(x.ib, (size_t)i, &ci);
        if (ci.state == INBOX_CONN_UNSUPPORTED)
            k = i;
    }
    for (int t = 0; t < 10; t++) {
        ck_assert_int_eq(tick_requests(&x, per), 2);
        ck_assert_int_eq(per[k], 0);
    }
    ifx_close(&x);
}
END_TEST

START_TEST(rate_limit_waits_while_the_others_go_on)
{
    ifx x;
    ifx_open(&x, 3);
    fx_fault(&x.f, "{\"route\":\"" MSGS "\",\"method\":\"GET\",\"kind\":\"rate_limit\",\"status\":429,"
                   "\"retry_after_seconds\":5,\"count\":1}");
    int per[64];
    ck_assert_int_eq(tick_requests(&x, per), 3);
    int k = -1;
    for (int i = 0; i < x.nconns; i++) {
        inbox_conn_info ci;
        inbox_conn_get(x.ib, (size_t)i, &ci);
        if (ci.stale_since_ms)
            k = i;
    }
    ck_assert_int_ge(k, 0);
    inbox_health h;
    inbox_get_health(x.ib, &h);
    ck_assert_int_ne(h.stale_since_ms, 0);
    ck_assert_msg(h.last_error[0], "no error shown");
    for (int t = 0; t < 4; t++) { /* 5 s: the other two every second, that one not */
        ck_assert_int_eq(tick_requests(&x, per), 2);
        ck_assert_int_eq(per[k], 0);
    }
    ck_assert_int_eq(tick_requests(&x, per), 3);
    inbox_get_health(x.ib, &h);
    ck_assert_int_eq(h.stale_since_ms, 0);
    ck_assert_str_eq(h.last_error, "");
    ifx_close(&x);
}
END_TEST

START_TEST(unread_marks_survive_a_restart)
{
    ifx x;
    ifx_open(&x, 2);
    driver_says(&x, 0, "first");
    driver_says(&x, 0, "second");
    tick_requests(&x, NULL);
    const inbox_msg *m = inbox_get(x.ib, 0);
    ck_assert_str_eq(m->text, "second");
    ck_assert(m->unread);
    char second[UUID_STR_LEN];
    snprintf(second, sizeof second, "%s", m->id);
    ck_assert(inbox_mark_read(x.ib, second));
    ck_assert(!inbox_mark_read(x.ib, second));
    size_t unread = inbox_unread_count(x.ib);
    ck_assert_uint_ge(unread, 1);
    inbox_free(x.ib); /* saves */
    x.added = 0;
    open_inbox(&x);
    ck_assert(!inbox_find(x.ib, second)->unread);
    ck_assert_uint_eq(inbox_unread_count(x.ib), unread);
    fx_settle(&x.f);
    ck_assert_uint_eq(x.added, 0); /* nothing came twice */
    ck_assert_uint_eq(inbox_mark_all_read(x.ib), unread);
    ck_assert_uint_eq(inbox_unread_count(x.ib), 0);
    ifx_close(&x);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("inbox");
    TCase *tc = tcase_create("emulator");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, one_request_per_connection_per_tick_1);
    tcase_add_test(tc, one_request_per_connection_per_tick_10);
    tcase_add_test(tc, one_request_per_connection_per_tick_50);
    tcase_add_test(tc, forbidden_connections_are_marked_and_skipped);
    tcase_add_test(tc, a_501_connection_is_marked_and_skipped_the_others_go_on);
    tcase_add_test(tc, rate_limit_waits_while_the_others_go_on);
    tcase_add_test(tc, unread_marks_survive_a_restart);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
