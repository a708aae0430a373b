/* Polling by need (issue 15.3), against a real catena-emulator: a connection with few live ops
 * has each asked by its single GET, one with many is swept by the list; requests and bytes of a
 * tick stay within a fixed bound at 1, 100 and 1,000 pending (the emulator's request log counts
 * the requests; the bytes are those of the same requests asked again of the frozen emulator), and
 * ops that cannot change any more are not asked about again. The tracker runs with its default
 * settings (ops_e2e.h's other tests make it always use the list). */
#include "ops_e2e.h"

static const char *const FROZEN[] = {EMU_FROZEN, NULL};

/* A message op is about 650 bytes; hostile texts are not written here. */
#define OP_BYTES_MAX 1200
#define TICK_BYTES_MAX ((long)OPS_TICK_PAGES * OPS_PAGE_SIZE * OP_BYTES_MAX)

static void open_by_need(fx *f)
{
    fx_open(f, FROZEN, false);
    ops_tracker_free(f->t);
    f->by_id_max = 0; /* the default: OPS_BY_ID_MAX */
    f->t = fx_tracker(f, false);
    ck_assert_int_eq(ops_tracker_start(f->t, NULL), 0);
}

/* Writes n pending ops (texts that time out at the TSP) to connection 0, handed to the tracker. */
static void write_pending(fx *f, int n, opref *out)
{
    int *conns = calloc((size_t)n, sizeof *conns);
    char **texts = calloc((size_t)n, sizeof *texts);
    for (int i = 0; i < n; i++) {
        texts[i] = malloc(48);
        snprintf(texts[i], 48, "FAIL-TIMEOUT load %d", i);
    }
    for (int b = 0; b < n; b += 50) { /* spread over a few milliseconds of the emulator's clock */
        fx_write_batch(f, n - b < 50 ? n - b : 50, conns + b, texts + b, true, out ? out + b : NULL);
        fx_advance_emu(f, 1);
    }
    for (int i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    free(conns);
}

typedef struct tick_cost {
    int requests, by_id, lists;
    long bytes;
} tick_cost;

/* One tick of the tracker: the API requests it made (from the emulator's log), and the bytes of
 * their answers (asked again: the frozen emulator answers the same). */
static tick_cost one_tick(fx *f)
{
    fx_clear_log(f);
    fx_tick(f, 1000);
    char **q;
    tick_cost c = {0};
    c.requests = fx_logged(f, "/v2/", 0, &q);
    for (int i = 0; i < c.requests; i++) {
        c.lists += strncmp(q[i], LIST, strlen(LIST)) == 0;
        c.by_id += strstr(q[i], "/resource-operations/") != NULL;
        ck_assert_int_eq(fx_call(f, "GET", q[i], NULL), 200);
        c.bytes += (long)f->body.len;
    }
    fx_free_targets(q);
    return c;
}

START_TEST(requests_and_bytes_per_tick_are_bounded_at_1_100_1000)
{
    fx f;
    open_by_need(&f);
    static opref ops[1000];
    static const int levels[] = {1, 100, 1000};
    int written = 0;
    for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
        write_pending(&f, levels[l] - written, ops + written);
        written = levels[l];
        ck_assert_int_eq(ops_pending_count(f.t), written);
        tick_cost worst = {0};
        for (int i = 0; i < 12; i++) { /* a whole sweep of 1,000 and then some */
            tick_cost c = one_tick(&f);
            ck_assert_int_eq(c.requests, c.by_id + c.lists);
            if (written == 1) {
                ck_assert_int_eq(c.by_id, 1); /* the op itself, not a list of the last 24 hours */
                ck_assert_int_eq(c.lists, 0);
            } else {
                ck_assert_int_eq(c.by_id, 0);
                ck_assert_int_ge(c.lists, 1);
            }
            if (c.requests > worst.requests)
                worst.requests = c.requests;
            if (c.bytes > worst.bytes)
                worst.bytes = c.bytes;
        }
        fprintf(stderr, "pending %4d: worst tick %d requests, %ld bytes\n", written, worst.requests, worst.bytes);
        ck_assert_int_le(worst.requests, OPS_TICK_PAGES);
        ck_assert_int_le(worst.bytes, TICK_BYTES_MAX);
        ck_assert_int_eq(ops_pending_count(f.t), written);
    }
    fx_close(&f);
}
END_TEST

START_TEST(few_ops_are_asked_by_id_and_finished_ones_never_again)
{
    fx f;
    open_by_need(&f);
    opref quick = fx_add_write(&f, 0, "Dock 4 is free", NULL, NULL);
    fx_advance_emu(&f, 1);
    opref slow1 = fx_add_write(&f, 0, "FAIL-TIMEOUT slow 1", NULL, NULL);
    opref slow2 = fx_add_write(&f, 0, "FAIL-TIMEOUT slow 2", NULL, NULL);
    tick_cost c = one_tick(&f);
    ck_assert_int_eq(c.by_id, 3);
    ck_assert_int_eq(c.lists, 0);
    ck_assert_int_le(c.bytes, 3 * OP_BYTES_MAX);
    /* The quick one succeeds on the server; the next tick sees it. */
    while (strcmp(fx_server_status(&f, &quick), "pending") == 0)
        fx_advance_emu(&f, 5000);
    ck_assert_str_eq(fx_server_status(&f, &slow1), "pending");
    fx_tick(&f, 1000);
    ck_assert_int_eq(ops_find(f.t, quick.id)->status, OP_SUCCESS);
    for (int i = 0; i < 3; i++) {
        fx_clear_log(&f);
        fx_tick(&f, 1000);
        char **q;
        int n = fx_logged(&f, "/v2/", 0, &q);
        ck_assert_int_eq(n, 2);
        for (int k = 0; k < n; k++) {
            ck_assert_msg(!strstr(q[k], quick.id), "a finished op asked again: %s", q[k]);
            ck_assert(strstr(q[k], slow1.id) || strstr(q[k], slow2.id));
        }
        fx_free_targets(q);
    }
    fx_close(&f);
}
END_TEST

START_TEST(past_the_by_id_bound_the_list_and_finished_ops_before_the_oldest_live_are_not_asked)
{
    fx f;
    open_by_need(&f);
    /* Group A: OPS_BY_ID_MAX ops that succeed; three minutes later group B: more that stay pending. */
    opref a[OPS_BY_ID_MAX];
    for (int i = 0; i < OPS_BY_ID_MAX; i++) {
        char text[40];
        snprintf(text, sizeof text, "Group A %d", i);
        a[i] = fx_add_write(&f, 0, text, NULL, NULL);
    }
    tick_cost c = one_tick(&f);
    ck_assert_int_eq(c.by_id, OPS_BY_ID_MAX); /* at the bound: still by id */
    ck_assert_int_eq(c.lists, 0);
    fx_pump_until_done(&f, a, OPS_BY_ID_MAX);
    fx_advance_emu(&f, 180000);
    write_pending(&f, OPS_BY_ID_MAX + 1, NULL);
    c = one_tick(&f); /* 2 * OPS_BY_ID_MAX + 1 live: the list, from A's oldest */
    ck_assert_int_eq(c.by_id, 0);
    ck_assert_int_eq(c.lists, 1);
    for (int i = 0; i < OPS_BY_ID_MAX; i++)
        ck_assert_int_eq(ops_find(f.t, a[i].id)->status, OP_SUCCESS);
    ck_assert_int_eq(ops_pending_count(f.t), OPS_BY_ID_MAX + 1);
    /* From now on the window starts two minutes before B: A's finished ops are not in it. */
    for (int t = 0; t < 3; t++) {
        fx_clear_log(&f);
        fx_tick(&f, 1000);
        char **q;
        int n = fx_logged(&f, "/v2/", 0, &q);
        ck_assert_int_eq(n, 1);
        ck_assert_int_eq(fx_call(&f, "GET", q[0], NULL), 200);
        for (int i = 0; i < OPS_BY_ID_MAX; i++)
            ck_assert_msg(!strstr(f.body.data, a[i].id), "finished op %s came again with %s", a[i].id, q[0]);
        fx_free_targets(q);
    }
    fx_close(&f);
}
END_TEST

/* Ops whose created_at share one instant, more than a tick's pages of them (a burst of group
 * messages; an API with second timestamps): the sweep goes on from the API's cursor, so the next
 * tick takes the rest, where going on "from the newest created_at seen" could only skip the
 * instant's remainder (it came again at every round and was never seen past OPS_TICK_PAGES). */
START_TEST(a_burst_in_one_instant_larger_than_a_tick_is_swept_whole)
{
    enum { BURST = 3 * OPS_TICK_PAGES * OPS_PAGE_SIZE / 2 };
    fx f;
    open_by_need(&f);
    static opref ops[BURST];
    static int conns[BURST];
    static char *texts[BURST];
    for (int i = 0; i < BURST; i++) {
        texts[i] = malloc(48);
        snprintf(texts[i], 48, "FAIL-TIMEOUT burst %d", i);
    }
    /* No fx_advance_emu: the frozen clock moves a millisecond a real second, so most of the burst
     * shares its instant. */
    fx_write_batch(&f, BURST, conns, texts, true, ops);
    for (int i = 0; i < BURST; i++)
        free(texts[i]);
    static bool seen[BURST];
    int nseen = 0, ticks = 0, biggest_instant = 0;
    char instant[64] = "";
    int in_instant = 0;
    while (nseen < BURST && ticks < 2 * BURST / (OPS_TICK_PAGES * OPS_PAGE_SIZE) + 3) {
        fx_clear_log(&f);
        fx_tick(&f, 1000);
        ticks++;
        char **q;
        int n = fx_logged(&f, LIST, 0, &q);
        ck_assert_int_le(n, OPS_TICK_PAGES);
        for (int k = 0; k < n; k++) {
            cJSON *j = fx_get_json(&f, q[k]);
            const cJSON *it;
            cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "items"))
            {
                const char *id = cJSON_GetObjectItem(it, "id")->valuestring;
                const char *at = cJSON_GetObjectItem(it, "created_at")->valuestring;
                /* the instant, to the millisecond the tracker reads: "...T08:00:00.123" */
                if (strncmp(at, instant, 23) == 0) {
                    in_instant++;
                } else {
                    snprintf(instant, sizeof instant, "%s", at);
                    in_instant = 1;
                }
                if (in_instant > biggest_instant)
                    biggest_instant = in_instant;
                for (int i = 0; i < BURST; i++)
                    if (!seen[i] && strcmp(ops[i].id, id) == 0) {
                        seen[i] = true;
                        nseen++;
                    }
            }
            cJSON_Delete(j);
        }
        fx_free_targets(q);
    }
    fprintf(stderr, "burst of %d: %d seen in %d ticks, %d of them in one millisecond\n", BURST, nseen, ticks,
            biggest_instant);
    ck_assert_msg(biggest_instant > OPS_TICK_PAGES * OPS_PAGE_SIZE,
                  "the burst was too slow to share an instant (%d in one millisecond): the test proves nothing",
                  biggest_instant);
    ck_assert_msg(nseen == BURST, "%d of the burst's %d ops were never polled", BURST - nseen, BURST);
    ck_assert_int_eq(ops_pending_count(f.t), BURST);
    fx_close(&f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops_by_need");
    TCase *tc = tcase_create("emulator");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, requests_and_bytes_per_tick_are_bounded_at_1_100_1000);
    tcase_add_test(tc, few_ops_are_asked_by_id_and_finished_ones_never_again);
    tcase_add_test(tc, past_the_by_id_bound_the_list_and_finished_ops_before_the_oldest_live_are_not_asked);
    tcase_add_test(tc, a_burst_in_one_instant_larger_than_a_tick_is_swept_whole);
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
