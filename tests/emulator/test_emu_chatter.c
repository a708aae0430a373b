/* HTTP-level tests of drivers who talk back: the seeded message history (--message-history), replies
 * and spontaneous messages (--chatter) at seeded instants of the emulated clock, and the control call
 * POST /_emulator/drivers/{user_id}/messages; GET /v2/telematics/messages serves them with its filters. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "emu_test_world.h"
#include "suite_runner.h"

#define START "2026-03-01T12:00:00Z"
#define DAY_MS (86400LL * 1000)

static world w;

static void start_with(const char *flag1, const char *flag2)
{
    const char *args[] = {"--seed", "5", "--start-time", START, "--token-lifetime", "100000000", flag1, flag2, NULL};
    if (!flag1)
        args[6] = NULL;
    else if (!flag2)
        args[7] = NULL;
    world_start(&w, args);
}

/* Every message of one query, following cursor pages of size 7; the caller frees the array. */
static cJSON *all_messages(const world *ww, const char *query)
{
    cJSON *out = cJSON_CreateArray();
    char path[2048];
    snprintf(path, sizeof path, "/v2/telematics/messages?size=7&%s", query);
    for (int pages = 0; pages < 500; pages++) {
        long st;
        cJSON *j = http_get_json(&ww->e, path, ww->tok, &st);
        ck_assert_msg(st == 200, "GET %s: %ld", path, st);
        cJSON *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, "items"))
            cJSON_AddItemToArray(out, cJSON_Duplicate(it, 1));
        const char *next = json_str(j, "next_page");
        if (!next) {
            cJSON_Delete(j);
            return out;
        }
        char *enc = curl_easy_escape(NULL, next, 0);
        snprintf(path, sizeof path, "/v2/telematics/messages?size=7&%s&cursor=%s", query, enc);
        curl_free(enc);
        cJSON_Delete(j);
    }
    ck_abort_msg("too many pages");
    return NULL;
}

/* The two 45-day windows that cover the 90 days before the start. */
static cJSON *history(const world *ww)
{
    cJSON *a = all_messages(ww, "from_datetime=2025-12-01T12:00:00Z&to_datetime=2026-01-15T12:00:00Z");
    cJSON *b = all_messages(ww, "from_datetime=2026-01-15T12:00:00Z&to_datetime=2026-03-01T12:00:00Z");
    cJSON *it;
    while ((it = cJSON_DetachItemFromArray(b, 0)) != NULL)
        cJSON_AddItemToArray(a, it);
    cJSON_Delete(b);
    return a;
}

static bool is_true(const cJSON *o, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

START_TEST(history_both_directions_every_connection)
{
    start_with("--message-history", NULL);
    cJSON *all = history(&w);
    int n = cJSON_GetArraySize(all), from_driver = 0, read = 0, replies = 0;
    ck_assert_int_gt(n, 4 * 12);
    bool conn_seen[WORLD_MAX_CONNS] = {0};
    const cJSON *m;
    cJSON_ArrayForEach(m, all)
    {
        const char *at = json_str(m, "occurred_at");
        ck_assert_msg(strcmp(at, "2025-12-01T12:00:00") > 0 && strcmp(at, START) < 0, "outside 90 days: %s", at);
        for (int c = 0; c < w.n_conns; c++)
            conn_seen[c] |= strcmp(json_str(m, "connection_id"), w.conn[c]) == 0;
        const char *status = json_str(m, "status");
        const cJSON *read_at = cJSON_GetObjectItemCaseSensitive(m, "read_at");
        ck_assert_int_eq(strcmp(status, "read") == 0, cJSON_IsString(read_at));
        ck_assert(strcmp(status, "read") == 0 || strcmp(status, "delivered") == 0 || strcmp(status, "sent") == 0);
        from_driver += is_true(m, "sent_by_driver");
        read += strcmp(status, "read") == 0;
        replies += cJSON_IsString(cJSON_GetObjectItemCaseSensitive(m, "reply_to_message_id"));
        /* A driver writes to the connection's dispatcher, a dispatcher to a driver. */
        const char *dispatcher_field = is_true(m, "sent_by_driver") ? "recipient_id" : "sender_id";
        bool to_dispatcher = false;
        for (int c = 0; c < w.n_conns; c++)
            to_dispatcher |= strcmp(json_str(m, dispatcher_field), w.dispatcher[c]) == 0;
        ck_assert(to_dispatcher);
    }
    for (int c = 0; c < w.n_conns; c++)
        ck_assert_msg(conn_seen[c], "no history on connection %d", c);
    ck_assert_int_gt(from_driver, n / 4);
    ck_assert_int_lt(from_driver, n * 3 / 4);
    ck_assert_int_gt(read, n / 2);
    ck_assert_int_gt(replies, n / 2);
    /* The same seed gives the same history. */
    world again;
    const char *args[] = {"--seed", "5", "--start-time", START, "--message-history", NULL};
    world_start(&again, args);
    cJSON *all2 = history(&again);
    ck_assert_int_eq(cJSON_GetArraySize(all2), n);
    for (int i = 0; i < n; i++) {
        const cJSON *x = cJSON_GetArrayItem(all, i), *y = cJSON_GetArrayItem(all2, i);
        ck_assert_str_eq(json_str(x, "id"), json_str(y, "id"));
        ck_assert_str_eq(json_str(x, "message_text"), json_str(y, "message_text"));
        ck_assert_str_eq(json_str(x, "occurred_at"), json_str(y, "occurred_at"));
    }
    cJSON_Delete(all2);
    world_stop(&again);
    /* Filters: one driver's messages, and the 45-day limit. */
    char q[256];
    snprintf(q, sizeof q, "from_datetime=2026-01-15T12:00:00Z&to_datetime=2026-03-01T12:00:00Z&sender_ids=%s",
             w.driver[0][0]);
    cJSON *mine = all_messages(&w, q);
    cJSON_ArrayForEach(m, mine)
        ck_assert_str_eq(json_str(m, "sender_id"), w.driver[0][0]);
    cJSON_Delete(mine);
    long st;
    cJSON *j = http_get_json(&w.e, "/v2/telematics/messages?from_datetime=2025-12-01T12:00:00Z&to_datetime=2026-01-"
                                   "16T12:00:00Z", w.tok, &st);
    ck_assert_int_eq(st, 422);
    cJSON_Delete(j);
    cJSON_Delete(all);
    world_stop(&w);
}
END_TEST

START_TEST(no_history_without_the_option)
{
    start_with(NULL, NULL);
    cJSON *all = history(&w);
    ck_assert_int_eq(cJSON_GetArraySize(all), 0);
    /* Nor does anyone speak up as time passes. */
    ck_assert_int_eq(world_control(&w, "POST", "/_emulator/clock/advance?ms=7200000", NULL), 200);
    cJSON *later = all_messages(&w, "from_datetime=2026-03-01T00:00:00Z");
    ck_assert_int_eq(cJSON_GetArraySize(later), 0);
    cJSON_Delete(later);
    cJSON_Delete(all);
    world_stop(&w);
}
END_TEST

START_TEST(control_call_makes_a_driver_write)
{
    start_with(NULL, NULL);
    char path[256], url[512];
    snprintf(path, sizeof path, "/_emulator/drivers/%s/messages", w.driver[1][0]);
    snprintf(url, sizeof url, "%s%s", w.e.url, path);
    http_result r = http_call("POST", url, NULL, "application/json", "{\"message_text\":\"Flat tire near exit 12\"}");
    ck_assert_int_eq(r.status, 201);
    cJSON *made = cJSON_Parse(r.body.data);
    http_free(&r);
    ck_assert_str_eq(json_str(made, "message_text"), "Flat tire near exit 12");
    ck_assert(is_true(made, "sent_by_driver"));
    ck_assert_str_eq(json_str(made, "recipient_id"), w.dispatcher[1]);
    ck_assert_str_eq(json_str(made, "status"), "delivered");
    char q[256];
    snprintf(q, sizeof q, "from_datetime=2026-03-01T11:00:00Z&sender_ids=%s", w.driver[1][0]);
    cJSON *got = all_messages(&w, q);
    ck_assert_int_eq(cJSON_GetArraySize(got), 1);
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(got, 0), "id"), json_str(made, "id"));
    cJSON_Delete(got);
    /* To a given recipient of the same connection. */
    snprintf(q, sizeof q, "{\"message_text\":\"hi\",\"recipient_id\":\"%s\"}", w.driver[1][1]);
    r = http_call("POST", url, NULL, "application/json", q);
    ck_assert_int_eq(r.status, 201);
    http_free(&r);
    snprintf(q, sizeof q, "{\"message_text\":\"hi\",\"recipient_id\":\"%s\"}", w.driver[0][1]);
    ck_assert_int_eq(world_control(&w, "POST", path, q), 400); /* another connection's user */
    ck_assert_int_eq(world_control(&w, "POST", path, "{\"text\":\"no message_text\"}"), 400);
    snprintf(path, sizeof path, "/_emulator/drivers/%s/messages", w.dispatcher[1]);
    ck_assert_int_eq(world_control(&w, "POST", path, "{\"message_text\":\"x\"}"), 400); /* not a driver */
    ck_assert_int_eq(world_control(&w, "POST", "/_emulator/drivers/019a0000-0000-7000-8000-000000000000/messages",
                                   "{\"message_text\":\"x\"}"),
                     404);
    cJSON_Delete(made);
    world_stop(&w);
}
END_TEST

/* Texts and times of every driver-sent message since the start, in order. */
static char *driver_lines(const world *ww)
{
    cJSON *all = all_messages(ww, "from_datetime=2026-03-01T11:59:00Z&to_datetime=2026-03-05T00:00:00Z");
    strbuf sb = STRBUF_INIT;
    const cJSON *m;
    cJSON_ArrayForEach(m, all)
        if (is_true(m, "sent_by_driver"))
            strbuf_printf(&sb, "%s %s %s\n", json_str(m, "occurred_at"), json_str(m, "sender_id"),
                          json_str(m, "message_text"));
    cJSON_Delete(all);
    return strbuf_detach(&sb);
}

START_TEST(chatter_spontaneous_and_replies)
{
    start_with("--chatter", NULL);
    /* Dispatchers write to drivers of connection 0 (geotab-free: every TSP takes messages). */
    const char *sent_ids[10];
    cJSON *ops[10];
    for (int i = 0; i < 10; i++) {
        char body[512];
        snprintf(body, sizeof body,
                 "{\"connection_id\":\"%s\",\"sender_id\":\"%s\",\"recipient_id\":\"%s\",\"message_text\":\"job %d\"}",
                 w.conn[0], w.dispatcher[0], w.driver[0][i % 2], i);
        long st;
        ops[i] = world_write(&w, "POST", "/v2/telematics/messages?is_sync=true", body, &st);
        ck_assert_int_eq(st, 200);
        sent_ids[i] = json_str(ops[i], "resource_id");
        ck_assert_ptr_nonnull(sent_ids[i]);
    }
    char *before = driver_lines(&w);
    ck_assert_str_eq(before, ""); /* the first spontaneous message is at least 4 minutes away */
    ck_assert_int_eq(world_control(&w, "POST", "/_emulator/clock/advance?ms=3600000", NULL), 200);
    cJSON *all = all_messages(&w, "from_datetime=2026-03-01T11:59:00Z");
    int spontaneous[WORLD_MAX_CONNS] = {0}, replies = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, all)
    {
        if (!is_true(m, "sent_by_driver"))
            continue;
        const cJSON *to = cJSON_GetObjectItemCaseSensitive(m, "reply_to_message_id");
        if (cJSON_IsString(to)) {
            bool ours = false;
            for (int i = 0; i < 10; i++)
                ours |= strcmp(to->valuestring, sent_ids[i]) == 0;
            ck_assert(ours);
            ck_assert_str_eq(json_str(m, "recipient_id"), w.dispatcher[0]);
            ck_assert(strcmp(json_str(m, "sender_id"), w.driver[0][0]) == 0 ||
                      strcmp(json_str(m, "sender_id"), w.driver[0][1]) == 0);
            replies++;
            continue;
        }
        for (int c = 0; c < w.n_conns; c++)
            if (strcmp(json_str(m, "connection_id"), w.conn[c]) == 0) {
                spontaneous[c]++;
                ck_assert_str_eq(json_str(m, "recipient_id"), w.dispatcher[c]);
            }
    }
    for (int c = 0; c < w.n_conns; c++)
        ck_assert_msg(spontaneous[c] >= 3 && spontaneous[c] <= 15, "connection %d: %d", c, spontaneous[c]);
    ck_assert_int_ge(replies, 1);
    ck_assert_int_le(replies, 10);
    /* Deterministic: the same seed and the same clock give the same driver messages. */
    char *first = driver_lines(&w);
    world again;
    const char *args[] = {"--seed", "5", "--start-time", START, "--token-lifetime", "100000000", "--chatter", NULL};
    world_start(&again, args);
    ck_assert_int_eq(world_control(&again, "POST", "/_emulator/clock/advance?ms=3600000", NULL), 200);
    char *second = driver_lines(&again);
    world_stop(&again);
    /* The second run sent no dispatcher messages, so it has only the spontaneous ones: the same. */
    strbuf only = STRBUF_INIT;
    for (char *line = strtok(first, "\n"); line; line = strtok(NULL, "\n"))
        if (!strstr(second, line))
            strbuf_printf(&only, "%s\n", line);
    int extra = 0;
    for (const char *p = only.data ? only.data : ""; *p; p++)
        extra += *p == '\n';
    ck_assert_int_eq(extra, replies);
    strbuf_free(&only);
    free(first);
    free(second);
    free(before);
    cJSON_Delete(all);
    for (int i = 0; i < 10; i++)
        cJSON_Delete(ops[i]);
    world_stop(&w);
}
END_TEST

static Suite *chatter_suite(void)
{
    Suite *s = suite_create("emulator chatter");
    TCase *tc = tcase_create("chatter");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, history_both_directions_every_connection);
    tcase_add_test(tc, no_history_without_the_option);
    tcase_add_test(tc, control_call_makes_a_driver_write);
    tcase_add_test(tc, chatter_spontaneous_and_replies);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    emu_test_record_responses();
    int failed = run_suite_nofork(chatter_suite());
    curl_global_cleanup();
    return failed ? 1 : 0;
}
