/* The operation tracker against a real catena-emulator: an op from 202 pending to success, one
 * list request per connection per tick whatever the number of ops, a restart that resumes
 * polling, backoff after injected 503s, and a 429's retry_after honoured. The app clock is
 * virtual (loop_advance); the emulator's --time-scale keeps its side short. */
#include "common/strbuf.h"
#include "core/ops.h"
#include "emu_proc.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LIST_PATH "/v2/integrations/connections/resource-operations"

typedef struct fx {
    emu_proc emu;
    loop *l;
    http_client *h;
    auth *au;
    api *a;
    ops_tracker *t;
    char conn[37], sender[37], driver[37];
    char dir[64], journal[128];
    int changes, dirties;
    op_status last_old, last_new;
    /* sync_call */
    int done;
    api_reply reply;
    strbuf body;
} fx;

static void on_change(void *ud, const op_rec *op, op_status old)
{
    fx *f = ud;
    (void)op;
    f->changes++;
    f->last_old = old;
    f->last_new = op->status;
}

static void on_dirty(void *ud)
{
    ((fx *)ud)->dirties++;
}

static void on_reply(void *ud, const api_reply *r)
{
    fx *f = ud;
    f->reply = *r;
    strbuf_reset(&f->body);
    strbuf_append(&f->body, r->body ? r->body : "", r->body ? r->body_len : 0);
    f->reply.body = f->body.data;
    f->done = 1;
}

/* One call, waited for (real time). Returns the HTTP status; the body is in f->body. */
static long sync_call(fx *f, const char *method, const char *path, const char *json)
{
    f->done = 0;
    api_call(f->a, method, path, json, on_reply, f);
    int64_t deadline = loop_real_now_ms() + 30000;
    while (!f->done && loop_real_now_ms() < deadline)
        loop_run_once(f->l, 20);
    ck_assert_msg(f->done, "%s %s timed out", method, path);
    return f->reply.http_status;
}

static void settle(fx *f)
{
    int64_t deadline = loop_real_now_ms() + 30000;
    while (api_in_flight(f->a) > 0 && loop_real_now_ms() < deadline)
        loop_run_once(f->l, 10);
    ck_assert_msg(api_in_flight(f->a) == 0, "requests still running");
}

static void tick(fx *f, int64_t ms)
{
    loop_advance(f->l, ms);
    settle(f);
}

static ops_tracker *new_tracker(fx *f, bool journal)
{
    ops_settings s = {.poll_pending_ms = 1000, .poll_idle_ms = 15000, .journal_path = journal ? f->journal : NULL};
    ops_tracker *t = ops_tracker_new(f->l, f->a, &s);
    ops_tracker_set_callbacks(t, on_change, on_dirty, f);
    return t;
}

static void fx_open(fx *f, const char *time_scale, bool journal)
{
    memset(f, 0, sizeof *f);
    const char *args[] = {"--time-scale", time_scale, NULL};
    ck_assert_int_eq(emu_start(&f->emu, args), 0);
    f->l = loop_new();
    loop_set_virtual_clock(f->l, true);
    f->h = http_client_new(f->l);
    f->au = auth_new(f->l, f->h, f->emu.auth_url, "demo-client", "demo-secret");
    f->a = api_new(f->l, f->h, f->au, f->emu.url);
    snprintf(f->dir, sizeof f->dir, "/tmp/test-ops-e2e-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(f->dir));
    snprintf(f->journal, sizeof f->journal, "%s/catena-dispatch/operations.json", f->dir);

    /* A connection, a dispatcher and a driver of it. */
    ck_assert_int_eq(sync_call(f, "GET", "/v2/integrations/connections?size=10", NULL), 200);
    cJSON *root = cJSON_Parse(f->body.data);
    const cJSON *c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "items"), 0);
    snprintf(f->conn, sizeof f->conn, "%s", cJSON_GetObjectItem(c0, "id")->valuestring);
    cJSON_Delete(root);
    char path[200];
    snprintf(path, sizeof path, "/v2/telematics/users?connection_id=%s&size=1000", f->conn);
    ck_assert_int_eq(sync_call(f, "GET", path, NULL), 200);
    root = cJSON_Parse(f->body.data);
    const cJSON *u;
    cJSON_ArrayForEach(u, cJSON_GetObjectItem(root, "items"))
    {
        char *dst = cJSON_IsTrue(cJSON_GetObjectItem(u, "is_driver")) ? f->driver : f->sender;
        if (!dst[0])
            snprintf(dst, 37, "%s", cJSON_GetObjectItem(u, "id")->valuestring);
    }
    cJSON_Delete(root);
    ck_assert_msg(f->sender[0] && f->driver[0], "no dispatcher/driver on %s", f->conn);
    f->t = new_tracker(f, journal);
    ck_assert_int_eq(ops_tracker_start(f->t, NULL), 0);
}

static void fx_close(fx *f)
{
    ops_tracker_free(f->t);
    api_free(f->a);
    auth_free(f->au);
    http_client_free(f->h);
    loop_free(f->l);
    strbuf_free(&f->body);
    emu_stop(&f->emu);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Sends a message the way the console does and hands the 202 body to the tracker. */
static const op_rec *send_message(fx *f, const char *text, const char *label)
{
    char json[600];
    snprintf(json, sizeof json,
             "{\"connection_id\":\"%s\",\"sender_id\":\"%s\",\"recipient_id\":\"%s\",\"message_text\":\"%s\"}", f->conn,
             f->sender, f->driver, text);
    long st = sync_call(f, "POST", "/v2/telematics/messages", json);
    ck_assert_msg(st == 202, "POST message: %ld %s", st, f->body.data);
    char *err = NULL;
    const op_rec *r = ops_tracker_add_response(f->t, f->body.data, f->body.len, label, f->driver, &err);
    ck_assert_msg(r != NULL, "%s", err ? err : "?");
    ck_assert_int_eq(r->status, OP_PENDING);
    ck_assert(r->mine);
    return r;
}

static void clear_log(fx *f)
{
    ck_assert_int_eq(sync_call(f, "DELETE", "/_emulator/requests", NULL) / 100, 2);
}

/* Logged requests to path (GET), optionally only those answered with status (0: any). */
static int logged(fx *f, const char *path, int status)
{
    ck_assert_int_eq(sync_call(f, "GET", "/_emulator/requests", NULL), 200);
    cJSON *root = cJSON_Parse(f->body.data);
    ck_assert_ptr_nonnull(root);
    int n = 0;
    const cJSON *list = cJSON_IsArray(root) ? root : cJSON_GetObjectItem(root, "items"), *it;
    cJSON_ArrayForEach(it, list)
    {
        const cJSON *m = cJSON_GetObjectItem(it, "method"), *p = cJSON_GetObjectItem(it, "path"),
                    *s = cJSON_GetObjectItem(it, "status");
        if (cJSON_IsString(m) && strcmp(m->valuestring, "GET") == 0 && cJSON_IsString(p) &&
            strcmp(p->valuestring, path) == 0 && (!status || (cJSON_IsNumber(s) && s->valueint == status)))
            n++;
    }
    cJSON_Delete(root);
    return n;
}

static void add_fault(fx *f, const char *json)
{
    long st = sync_call(f, "POST", "/_emulator/faults", json);
    ck_assert_msg(st / 100 == 2, "fault: %ld %s", st, f->body.data);
}

static int64_t until_next_poll(fx *f)
{
    ops_health h;
    ops_tracker_health(f->t, &h);
    return h.next_poll_ms ? h.next_poll_ms - loop_now_ms(f->l) : -1;
}

/* Ticks (with a little real time for the emulator between them) until op id is no longer
 * pending; returns the number of ticks. */
static int tick_until_done(fx *f, const char *id, int max_ticks)
{
    for (int i = 1; i <= max_ticks; i++) {
        loop_run_once(f->l, 30);
        tick(f, 1000);
        if (ops_find(f->t, id)->status != OP_PENDING)
            return i;
    }
    ck_abort_msg("op %s still pending after %d ticks", id, max_ticks);
    return -1;
}

START_TEST(op_goes_from_pending_to_success)
{
    fx f;
    fx_open(&f, "0.1", false);
    /* The simulated TSP fails this one twice (503), then takes it. */
    const op_rec *r = send_message(&f, "FAIL-TRANSIENT: Load 4471 ready at dock 3", "Message to driver");
    char id[37];
    snprintf(id, sizeof id, "%s", r->id);
    ck_assert_int_eq(f.changes, 1);
    ck_assert_int_eq(f.last_old, OP_UNKNOWN);
    ck_assert_int_eq(ops_pending_count(f.t), 1);
    tick_until_done(&f, id, 200);
    r = ops_find(f.t, id);
    ck_assert_int_eq(r->status, OP_SUCCESS);
    ck_assert_int_eq(f.changes, 2); /* added, then pending -> success: once */
    ck_assert_int_eq(f.last_old, OP_PENDING);
    ck_assert_int_eq(f.last_new, OP_SUCCESS);
    ck_assert_ptr_nonnull(r->resource_id);
    ck_assert_ptr_nonnull(r->source_id);
    ck_assert_ptr_nonnull(r->source_name);
    ck_assert_int_eq(r->nlogs, 3);
    ck_assert_str_eq(r->logs[0].status, "failed");
    ck_assert_int_eq(r->logs[0].response_status_code, 503);
    ck_assert_str_eq(r->logs[2].status, "success");
    ck_assert_str_eq(r->label, "Message to driver");
    ck_assert_int_eq(ops_pending_count(f.t), 0);
    /* Done: no more polling, no more callbacks. */
    clear_log(&f);
    int ch = f.changes, d = f.dirties;
    for (int i = 0; i < 20; i++)
        tick(&f, 1000);
    ck_assert_int_eq(logged(&f, LIST_PATH, 0), 0);
    ck_assert_int_eq(f.changes, ch);
    ck_assert_int_eq(f.dirties, d);
    fx_close(&f);
}
END_TEST

/* Poll requests (from the emulator's log and the client's counter) over three ticks. */
static int requests_over_three_ticks(fx *f, uint64_t *client_count)
{
    clear_log(f);
    uint64_t before = http_requests_started(f->h);
    for (int i = 0; i < 3; i++)
        tick(f, 1000);
    *client_count = http_requests_started(f->h) - before;
    return logged(f, LIST_PATH, 200);
}

START_TEST(one_or_a_hundred_ops_cost_the_same_requests)
{
    fx f;
    fx_open(&f, "1", false); /* real time: FAIL-TIMEOUT ops stay pending for a while */
    send_message(&f, "FAIL-TIMEOUT first", NULL);
    tick(&f, 1000);
    uint64_t c1, c100;
    int one = requests_over_three_ticks(&f, &c1);
    ck_assert_int_eq(ops_pending_count(f.t), 1);
    for (int i = 0; i < 99; i++) {
        char text[64];
        snprintf(text, sizeof text, "FAIL-TIMEOUT number %d", i + 2);
        send_message(&f, text, NULL);
    }
    tick(&f, 1000);
    int hundred = requests_over_three_ticks(&f, &c100);
    ck_assert_int_eq(ops_pending_count(f.t), 100);
    ck_assert_int_eq(one, 3);
    ck_assert_int_eq(hundred, one);
    ck_assert_uint_eq(c1, 3);
    ck_assert_uint_eq(c100, c1);
    fx_close(&f);
}
END_TEST

START_TEST(a_restart_shows_the_ops_and_resumes_polling)
{
    fx f;
    fx_open(&f, "0.1", true);
    const op_rec *r = send_message(&f, "quick one", "Message 1");
    char quick[37], slow[37];
    snprintf(quick, sizeof quick, "%s", r->id);
    r = send_message(&f, "FAIL-TIMEOUT: slow one", "Message 2");
    snprintf(slow, sizeof slow, "%s", r->id);
    tick_until_done(&f, quick, 200);
    ck_assert_int_eq(ops_find(f.t, slow)->status, OP_PENDING);
    struct stat st;
    ck_assert_int_eq(stat(f.journal, &st), 0);

    /* Quit while the slow one is pending; start again. */
    ops_tracker_free(f.t);
    clear_log(&f);
    f.t = new_tracker(&f, true);
    f.changes = f.dirties = 0;
    char *err = NULL;
    ck_assert_int_eq(ops_tracker_start(f.t, &err), 0);
    ck_assert_ptr_null(err);
    ck_assert_uint_eq(ops_count(f.t), 2);
    ck_assert_str_eq(ops_get(f.t, 0)->id, slow); /* newest first */
    ck_assert_str_eq(ops_get(f.t, 0)->label, "Message 2");
    ck_assert_str_eq(ops_find(f.t, quick)->label, "Message 1");
    ck_assert_int_eq(ops_find(f.t, quick)->status, OP_SUCCESS);
    ck_assert_str_eq(ops_find(f.t, quick)->target_id, f.driver);
    ck_assert_int_eq(ops_pending_count(f.t), 1);
    ck_assert_int_eq(f.changes, 0);
    settle(&f);
    ck_assert_int_ge(logged(&f, LIST_PATH, 200), 1); /* polled at once */
    tick_until_done(&f, slow, 300);
    ck_assert_int_eq(ops_find(f.t, slow)->status, OP_FAILED);
    ck_assert_int_eq(ops_find(f.t, slow)->nlogs, 5);
    ck_assert_int_eq(f.changes, 1);
    ck_assert_int_eq(f.last_old, OP_PENDING);
    fx_close(&f);
}
END_TEST

START_TEST(backs_off_after_503s_and_recovers)
{
    fx f;
    fx_open(&f, "1", false);
    add_fault(&f, "{\"route\":\"" LIST_PATH "\",\"method\":\"GET\",\"kind\":\"status\",\"status\":503,\"count\":3}");
    send_message(&f, "FAIL-TIMEOUT backoff", NULL);
    clear_log(&f);
    tick(&f, 1000);
    ops_health h;
    ops_tracker_health(f.t, &h);
    int64_t first = loop_now_ms(f.l);
    ck_assert_int_eq(h.stale_since_ms, first);
    ck_assert(!h.offline);
    ck_assert_msg(strstr(h.last_error, "503"), "%s", h.last_error);
    int64_t base = 2000;
    for (int i = 0; i < 3; i++) {
        int64_t d = until_next_poll(&f);
        ck_assert_msg(d >= base * 8 / 10 && d <= base * 12 / 10, "wait %lld after failure %d", (long long)d, i + 1);
        tick(&f, d - 1);
        ck_assert_int_eq(logged(&f, LIST_PATH, 0), i + 1); /* nothing sooner */
        tick(&f, 1);
        base *= 2;
    }
    ck_assert_int_eq(logged(&f, LIST_PATH, 503), 3);
    ck_assert_int_eq(logged(&f, LIST_PATH, 200), 1);
    ops_tracker_health(f.t, &h);
    ck_assert_int_eq(h.stale_since_ms, 0);
    ck_assert_str_eq(h.last_error, "");
    ck_assert_int_eq(h.last_ok_ms, loop_now_ms(f.l));
    ck_assert_int_eq(until_next_poll(&f), 1000);
    fx_close(&f);
}
END_TEST

START_TEST(rate_limit_retry_after_is_honoured)
{
    fx f;
    fx_open(&f, "1", false);
    add_fault(&f, "{\"route\":\"" LIST_PATH "\",\"method\":\"GET\",\"kind\":\"rate_limit\",\"retry_after_seconds\":4,"
                  "\"count\":1}");
    send_message(&f, "FAIL-TIMEOUT rate limited", NULL);
    clear_log(&f);
    tick(&f, 1000);
    ck_assert_int_eq(logged(&f, LIST_PATH, 429), 1);
    ck_assert_int_eq(until_next_poll(&f), 4000);
    ops_health h;
    ops_tracker_health(f.t, &h);
    ck_assert_int_gt(h.stale_since_ms, 0);
    ck_assert(!h.offline);
    tick(&f, 3999);
    ck_assert_int_eq(logged(&f, LIST_PATH, 0), 1);
    tick(&f, 1);
    ck_assert_int_eq(logged(&f, LIST_PATH, 200), 1);
    ops_tracker_health(f.t, &h);
    ck_assert_int_eq(h.stale_since_ms, 0);
    fx_close(&f);
}
END_TEST

START_TEST(detail_view_uses_the_single_get)
{
    fx f;
    fx_open(&f, "1", false);
    const op_rec *r = send_message(&f, "FAIL-TIMEOUT watched", NULL);
    char id[37], path[200];
    snprintf(id, sizeof id, "%s", r->id);
    snprintf(path, sizeof path, "/v2/integrations/connections/%s/resource-operations/%s", f.conn, id);
    ops_tracker_watch_detail(f.t, id);
    settle(&f);
    clear_log(&f);
    tick(&f, 1000);
    tick(&f, 1000);
    ck_assert_int_eq(logged(&f, path, 200), 2);
    ck_assert_int_eq(logged(&f, LIST_PATH, 0), 0);
    ops_tracker_watch_detail(f.t, NULL);
    tick(&f, 1000);
    ck_assert_int_eq(logged(&f, LIST_PATH, 200), 1);
    fx_close(&f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops_tracker");
    TCase *tc = tcase_create("emulator");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, op_goes_from_pending_to_success);
    tcase_add_test(tc, one_or_a_hundred_ops_cost_the_same_requests);
    tcase_add_test(tc, a_restart_shows_the_ops_and_resumes_polling);
    tcase_add_test(tc, backs_off_after_503s_and_recovers);
    tcase_add_test(tc, rate_limit_retry_after_is_honoured);
    tcase_add_test(tc, detail_view_uses_the_single_get);
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
