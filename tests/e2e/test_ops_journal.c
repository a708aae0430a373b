/* The operation tracker's journal (the ops sent from this console, kept across restarts) and the
 * age limits of the operations API, against a real catena-emulator: a restart shows the same ops
 * and polls the pending ones, a corrupt journal is set aside, write errors are shown until a save
 * works, only the last 500 finished ops are kept, ops older than the API's 45-day window are
 * given up, and a window the server refuses (its clock is ahead) gives up the oldest. Ops come
 * from real writes; the emulator runs frozen (ops move only when the test pumps its clock) or
 * fast, and --start-time plus clock jumps make ops weeks old (ops_e2e.h). */
#include "ops_e2e.h"

#define OID "019ddd87-eedd-710f-967c-1c6cc72ac985"
#define CID "7c2f6fec-0000-4000-8000-000000000001"
#define BASE "\"id\":\"" OID "\",\"connection_id\":\"" CID "\",\"resource\":\"message\",\"operation_type\":\"create\""

static const char *const FROZEN[] = {EMU_FROZEN, NULL};
static const char *const FAST[] = {EMU_FAST, NULL};

START_TEST(journal_survives_a_restart)
{
    fx f;
    fx_open(&f, FROZEN, true);
    ck_assert_int_eq(ops_tracker_start(f.t, NULL), 0);
    ck_assert(!fx_exists(f.journal));
    /* c: succeeded (and seen to); a and b: pending, a millisecond apart. */
    opref c = fx_add_write(&f, 0, "Message to Cy", "Message to Cy", NULL);
    fx_pump_until_done(&f, &c, 1);
    fx_tick(&f, 1000);
    ck_assert_int_eq(ops_find(f.t, c.id)->status, OP_SUCCESS);
    fx_advance_emu(&f, 1);
    opref a = fx_add_write(&f, 0, "FAIL-PERMANENT: Message to Ana", "Message to Ana",
                           "11111111-1111-4111-8111-111111111111");
    fx_advance_emu(&f, 1);
    opref b = fx_add_write(&f, 1, "FAIL-TIMEOUT: Truck 7 to the yard", "Vehicle \x1b[31mTruck 7", NULL);
    ck_assert(fx_exists(f.journal));
    struct stat st;
    stat(f.journal, &st);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ops_tracker_free(f.t);

    /* A new console: the same three, in the same order, still polling the pending ones. */
    f.t = fx_tracker(&f, true);
    f.changes = f.dirties = 0;
    fx_clear_log(&f);
    char *err = NULL;
    ck_assert_int_eq(ops_tracker_start(f.t, &err), 0);
    ck_assert_ptr_null(err);
    ck_assert_uint_eq(ops_count(f.t), 3);
    ck_assert_str_eq(ops_get(f.t, 0)->id, b.id);
    ck_assert_str_eq(ops_get(f.t, 1)->id, a.id);
    ck_assert_str_eq(ops_get(f.t, 2)->id, c.id);
    const op_rec *ra = ops_find(f.t, a.id);
    ck_assert(ra->mine);
    ck_assert_str_eq(ra->label, "Message to Ana");
    ck_assert_str_eq(ra->target_id, "11111111-1111-4111-8111-111111111111");
    ck_assert_str_eq(ops_find(f.t, b.id)->label, "Vehicle ?[31mTruck 7");
    ck_assert_int_eq(ops_find(f.t, c.id)->status, OP_SUCCESS);
    ck_assert_int_eq(ops_pending_count(f.t), 2);
    ck_assert_int_eq(f.changes, 0); /* loading is not a change */
    ck_assert_int_eq(f.dirties, 1);
    /* It looks at once (things may have finished meanwhile): one list per connection. */
    fx_settle(&f);
    char want[200];
    snprintf(want, sizeof want, LIST "connection_id=%s&", f.conn[0]);
    ck_assert_int_eq(fx_count(&f, LIST), 2);
    ck_assert_int_eq(fx_count(&f, want), 1);
    fx_pump_until_done(&f, &a, 1); /* the TSP rejects a */
    fx_tick(&f, 1000);
    ck_assert_int_eq(ops_find(f.t, a.id)->status, OP_FAILED);
    ck_assert_int_eq(f.changes, 1);
    ops_tracker_free(f.t);

    /* And the journal has the outcome. */
    f.t = fx_tracker(&f, true);
    ck_assert_int_eq(ops_tracker_start(f.t, NULL), 0);
    ra = ops_find(f.t, a.id);
    ck_assert_int_eq(ra->status, OP_FAILED);
    ck_assert_int_eq(ra->nlogs, 1);
    ck_assert_str_eq(ra->logs[0].error_type, "validation");
    ck_assert_str_eq(ra->source_name, "samsara");
    ck_assert_ptr_nonnull(strstr(ra->payload_json, "Message to Ana"));
    ck_assert_int_eq(ops_pending_count(f.t), 1);
    fx_close(&f);
}
END_TEST

START_TEST(corrupt_journal_is_set_aside)
{
    fx f;
    fx_open(&f, FAST, true);
    fx_write_text(f.journal, "{\"version\":1,\"ops\":[{\"id\":");
    char *err = NULL;
    ck_assert_int_eq(ops_tracker_start(f.t, &err), -1);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "operations.json.corrupt"), "%s", err);
    free(err);
    char aside[200];
    snprintf(aside, sizeof aside, "%s.corrupt", f.journal);
    ck_assert(fx_exists(aside));
    ck_assert(!fx_exists(f.journal));
    ck_assert_uint_eq(ops_count(f.t), 0);
    /* It goes on working, with a new journal. */
    ck_assert_int_eq(fx_write_sync(&f, 0, "Sent after the crash"), 200);
    ck_assert_int_eq(fx_add_last(&f, "x", NULL)->status, OP_SUCCESS);
    ops_tracker_free(f.t);
    f.t = fx_tracker(&f, true);
    ck_assert_int_eq(ops_tracker_start(f.t, NULL), 0);
    ck_assert_uint_eq(ops_count(f.t), 1);
    ops_tracker_free(f.t);

    /* Valid JSON of the wrong shape is corrupt too; bad records alone are skipped. */
    fx_write_text(f.journal, "{\"version\":1,\"ops\":{}}");
    f.t = fx_tracker(&f, true);
    ck_assert_int_eq(ops_tracker_start(f.t, &err), -1);
    free(err);
    ops_tracker_free(f.t);
    fx_write_text(f.journal, "{\"version\":1,\"ops\":[{\"id\":3},{" BASE ",\"status\":\"success\",\"label\":\"ok\"}]}");
    f.t = fx_tracker(&f, true);
    ck_assert_int_eq(ops_tracker_start(f.t, NULL), 0);
    ck_assert_uint_eq(ops_count(f.t), 1);
    ck_assert_str_eq(ops_get(f.t, 0)->label, "ok");
    fx_close(&f);
}
END_TEST

START_TEST(journal_write_errors_are_shown)
{
    fx f;
    fx_open(&f, FROZEN, true);
    /* The journal's directory is a regular file: every save fails. */
    char state[100];
    snprintf(state, sizeof state, "%s/catena-dispatch", f.dir);
    FILE *fp = fopen(state, "w");
    fclose(fp);
    char *err = NULL;
    ck_assert_int_eq(ops_tracker_start(f.t, &err), -1);
    ck_assert_msg(strstr(err, "Could not read the operations journal"), "%s", err);
    free(err);
    opref o = fx_add_write(&f, 0, "Load 4471 ready at dock 3", NULL, NULL);
    ops_health h;
    ops_tracker_health(f.t, &h);
    ck_assert_msg(strstr(h.last_error, "operations journal"), "%s", h.last_error);
    fx_tick(&f, 1000); /* a good poll does not hide it */
    ck_assert_int_eq(fx_logged(&f, LIST, 200, NULL), 1);
    ops_tracker_health(f.t, &h);
    ck_assert_msg(strstr(h.last_error, "operations journal"), "%s", h.last_error);
    /* Once a save works again, it goes. */
    unlink(state);
    fx_pump_until_done(&f, &o, 1);
    fx_tick(&f, 1000);
    ck_assert_int_eq(ops_find(f.t, o.id)->status, OP_SUCCESS);
    ops_tracker_health(f.t, &h);
    ck_assert_str_eq(h.last_error, "");
    ck_assert(fx_exists(f.journal));
    fx_close(&f);
}
END_TEST

START_TEST(journal_keeps_the_last_500)
{
    fx f;
    fx_open(&f, FAST, true);
    ck_assert_int_eq(ops_tracker_start(f.t, NULL), 0);
    /* One still pending, older than all the others: never dropped. */
    opref old = fx_add_write(&f, 0, "FAIL-TIMEOUT: the oldest, still pending", NULL, NULL);
    static opref ids[510];
    for (int i = 0; i < 510; i++) {
        char text[40];
        snprintf(text, sizeof text, "Sync message %d", i);
        ck_assert_int_eq(fx_write_sync(&f, i % 2, text), 200);
        ids[i] = fx_ref_of(f.body.data);
        ck_assert_int_eq(fx_add_last(&f, NULL, NULL)->status, OP_SUCCESS);
    }
    ck_assert_uint_eq(ops_count(f.t), 501);
    for (int i = 0; i < 10; i++)
        ck_assert_ptr_null(ops_find(f.t, ids[i].id));
    ck_assert_ptr_nonnull(ops_find(f.t, ids[10].id));
    ck_assert_ptr_nonnull(ops_find(f.t, old.id));
    ops_tracker_free(f.t);
    f.t = fx_tracker(&f, true);
    ck_assert_int_eq(ops_tracker_start(f.t, NULL), 0);
    ck_assert_uint_eq(ops_count(f.t), 501);
    ck_assert_str_eq(ops_get(f.t, 0)->id, ids[509].id);
    ck_assert_str_eq(ops_get(f.t, 500)->id, old.id);
    ck_assert_int_eq(ops_get(f.t, 500)->status, OP_PENDING);
    fx_close(&f);
}
END_TEST

/* A journal as an earlier console left it (newest first, no clock offset): the answers to two
 * writes, both still polled. */
static void write_journal(fx *f, const char *newest, const char *oldest)
{
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "{\"version\":1,\"ops\":[");
    const char *bodies[] = {newest, oldest};
    for (int i = 0; i < 2; i++) {
        cJSON *o = cJSON_Parse(bodies[i]);
        cJSON_AddBoolToObject(o, "poll", true);
        char *js = cJSON_PrintUnformatted(o);
        strbuf_printf(&sb, "%s\n%s", i ? "," : "", js);
        cJSON_free(js);
        cJSON_Delete(o);
    }
    strbuf_puts(&sb, "\n]}\n");
    fx_write_text(f->journal, sb.data);
    strbuf_free(&sb);
}

/* Starts a frozen emulator whose clock reads `back` seconds before now, writes an op then, jumps
 * `jump` seconds on, writes another to the same connection, jumps `then` seconds on. */
static void two_ops_weeks_apart(fx *f, long back, long jump, long then, char **old_body, char **young_body)
{
    char start[32];
    fx_iso(time(NULL) - back, start);
    const char *args[] = {EMU_FROZEN, "--start-time", start, NULL};
    fx_open(f, args, true);
    fx_write(f, 0, "FAIL-TIMEOUT: weeks ago");
    *old_body = strdup(f->body.data);
    fx_advance_emu(f, jump * 1000LL);
    fx_write(f, 0, "FAIL-TIMEOUT: recent");
    *young_body = strdup(f->body.data);
    fx_advance_emu(f, then * 1000LL);
}

START_TEST(ops_older_than_45_days_are_given_up)
{
    /* One op written 50 days ago, one an hour ago (by the server's clock, which is ours). */
    fx f;
    char *old_body, *young_body;
    two_ops_weeks_apart(&f, 50 * 86400, 50 * 86400 - 3600, 3600, &old_body, &young_body);
    opref old = fx_ref_of(old_body), young = fx_ref_of(young_body);
    write_journal(&f, young_body, old_body);
    fx_clear_log(&f);
    ck_assert_int_eq(ops_tracker_start(f.t, NULL), 0);
    ck_assert_int_eq(ops_find(f.t, old.id)->status, OP_UNKNOWN);
    ck_assert_int_eq(f.changes, 1);
    ck_assert_int_eq(f.last_old, OP_PENDING);
    ck_assert_str_eq(f.last_id, old.id);
    ck_assert_int_eq(ops_pending_count(f.t), 1);
    fx_settle(&f);
    /* The window starts at the young op, not 50 days back: the server accepts it. */
    ck_assert_int_eq(fx_logged(&f, LIST, 200, NULL), 1);
    char *q = fx_last(&f, LIST);
    char want[300], from[64];
    fx_want_from(ops_find(f.t, young.id)->created_at, from);
    snprintf(want, sizeof want, LIST "connection_id=%s&from_datetime=%s&", young.conn, from);
    ck_assert_msg(strncmp(q, want, strlen(want)) == 0, "%s is not %s...", q, want);
    free(q);
    ck_assert_int_eq(ops_find(f.t, young.id)->status, OP_PENDING);
    /* Given up for good: a restart does not poll it again (the window still starts at the young). */
    ops_tracker_free(f.t);
    f.t = fx_tracker(&f, true);
    f.changes = 0;
    fx_clear_log(&f);
    ck_assert_int_eq(ops_tracker_start(f.t, NULL), 0);
    ck_assert_int_eq(ops_find(f.t, old.id)->status, OP_UNKNOWN);
    ck_assert_int_eq(f.changes, 0);
    ck_assert_int_eq(ops_pending_count(f.t), 1);
    fx_settle(&f);
    q = fx_last(&f, LIST);
    ck_assert_msg(strncmp(q, want, strlen(want)) == 0, "%s is not %s...", q, want);
    free(q);
    ck_assert_int_eq(f.changes, 0);
    free(old_body);
    free(young_body);
    fx_close(&f);
}
END_TEST

START_TEST(refused_window_gives_up_the_oldest)
{
    /* 44 days old by our clock, but the server's clock is two days ahead of ours: the window from
     * the old op to its now is over 45 days, and it refuses it (422). The young op is a minute old
     * by the server's clock. */
    fx f;
    char *old_body, *young_body;
    two_ops_weeks_apart(&f, 44 * 86400, 46 * 86400 - 60, 60, &old_body, &young_body);
    opref old = fx_ref_of(old_body), young = fx_ref_of(young_body);
    write_journal(&f, young_body, old_body);
    fx_clear_log(&f);
    ck_assert_int_eq(ops_tracker_start(f.t, NULL), 0);
    ck_assert_int_eq(ops_pending_count(f.t), 2);
    fx_settle(&f);
    char want[300];
    ck_assert_int_eq(fx_logged(&f, LIST, 422, NULL), 1);
    ck_assert_int_eq(fx_count(&f, LIST), 1);
    char *q = fx_last(&f, LIST), from[64];
    fx_want_from(ops_find(f.t, old.id)->created_at, from);
    snprintf(want, sizeof want, LIST "connection_id=%s&from_datetime=%s&", old.conn, from);
    ck_assert_msg(strncmp(q, want, strlen(want)) == 0, "%s is not %s...", q, want);
    free(q);
    ck_assert_int_eq(ops_find(f.t, old.id)->status, OP_UNKNOWN);
    ck_assert_int_eq(ops_pending_count(f.t), 1);
    /* The next window starts at the young one and is accepted. */
    int64_t d = fx_until_next_poll(&f);
    ck_assert_int_ge(d, 1600);
    fx_clear_log(&f);
    fx_tick(&f, d);
    ck_assert_int_eq(fx_logged(&f, LIST, 200, NULL), 1);
    ck_assert_int_eq(fx_count(&f, LIST), 1);
    q = fx_last(&f, LIST);
    fx_want_from(ops_find(f.t, young.id)->created_at, from);
    snprintf(want, sizeof want, LIST "connection_id=%s&from_datetime=%s&", young.conn, from);
    ck_assert_msg(strncmp(q, want, strlen(want)) == 0, "%s is not %s...", q, want);
    free(q);
    ops_health h;
    ops_tracker_health(f.t, &h);
    ck_assert_int_eq(h.stale_since_ms, 0);
    free(old_body);
    free(young_body);
    fx_close(&f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops_journal");
    TCase *tc = tcase_create("emulator");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, journal_survives_a_restart);
    tcase_add_test(tc, corrupt_journal_is_set_aside);
    tcase_add_test(tc, journal_write_errors_are_shown);
    tcase_add_test(tc, journal_keeps_the_last_500);
    tcase_add_test(tc, ops_older_than_45_days_are_given_up);
    tcase_add_test(tc, refused_window_gives_up_the_oldest);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite_nofork(suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
