/* Unit tests of the operation tracker that need no server: decoding of ResourceOperation(Read)
 * bodies (src/core/api_ops.c), what ops_tracker_add_response accepts, and the journal shared by
 * two trackers. The record store has its own tests (test_ops_store.c); polling, backoff,
 * callbacks and the journal across restarts are tested against the real emulator in
 * tests/e2e/test_ops_*.c. */
#include "common/strbuf.h"
#include "core/ops.h"
#include "core/statefile.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "suite_runner.h"

#define OID "019ddd87-eedd-710f-967c-1c6cc72ac985"
#define CID "7c2f6fec-0000-4000-8000-000000000001"
#define R "\xef\xbf\xbd" /* U+FFFD */

/* ================================================================== parsing */

#define BASE "\"id\":\"" OID "\",\"connection_id\":\"" CID "\",\"resource\":\"message\",\"operation_type\":\"create\""

typedef struct {
    const char *name;
    const char *json;
    const char *err_has; /* NULL: must parse */
    op_status status;
} parse_case;

static const parse_case parse_cases[] = {
    {"minimal write response (202)",
     "{" BASE ",\"partner_id\":\"" CID "\",\"payload\":{},\"status\":\"pending\",\"resource_id\":null,\"source_id\":null,"
     "\"logs\":[],\"deleted_at\":null}",
     NULL, OP_PENDING},
    {"no status at all: pending until polled", "{" BASE ",\"payload\":{}}", NULL, OP_PENDING},
    {"null status", "{" BASE ",\"status\":null}", NULL, OP_PENDING},
    {"success", "{" BASE ",\"status\":\"success\"}", NULL, OP_SUCCESS},
    {"failed (502 body)", "{" BASE ",\"status\":\"failed\",\"logs\":[{\"status\":\"failed\"}]}", NULL, OP_FAILED},
    {"unknown status value", "{" BASE ",\"status\":\"processing\"}", NULL, OP_UNKNOWN},
    {"status in another case", "{" BASE ",\"status\":\"SUCCESS\"}", NULL, OP_UNKNOWN},
    {"unknown resource value",
     "{\"id\":\"" OID "\",\"connection_id\":\"" CID "\",\"resource\":\"teleporter\",\"operation_type\":\"create\","
     "\"status\":\"pending\"}",
     NULL, OP_PENDING},
    {"unknown operation type",
     "{\"id\":\"" OID "\",\"connection_id\":\"" CID "\",\"resource\":\"user\",\"operation_type\":\"delete\","
     "\"status\":\"success\"}",
     NULL, OP_SUCCESS},
    {"unknown fields and error_type", "{" BASE ",\"status\":\"failed\",\"shiny\":{\"a\":[1]},\"logs\":[{\"error_type\":"
                                      "\"cosmic_rays\",\"status\":\"exploded\"}]}",
     NULL, OP_FAILED},
    {"logs of the wrong type are ignored", "{" BASE ",\"status\":\"pending\",\"logs\":{\"x\":1}}", NULL, OP_PENDING},
    {"optional fields of the wrong type are ignored",
     "{" BASE ",\"status\":\"pending\",\"resource_id\":7,\"source_id\":[],\"created_at\":false,\"payload\":\"text\"}", NULL,
     OP_PENDING},
    {"missing id", "{\"connection_id\":\"" CID "\",\"resource\":\"message\",\"operation_type\":\"create\"}", "'id'", 0},
    {"null id", "{\"id\":null,\"connection_id\":\"" CID "\",\"resource\":\"message\",\"operation_type\":\"create\"}",
     "'id'", 0},
    {"missing connection_id", "{\"id\":\"" OID "\",\"resource\":\"message\",\"operation_type\":\"create\"}",
     "'connection_id'", 0},
    {"missing resource", "{\"id\":\"" OID "\",\"connection_id\":\"" CID "\",\"operation_type\":\"create\"}",
     "'resource'", 0},
    {"missing operation_type", "{\"id\":\"" OID "\",\"connection_id\":\"" CID "\",\"resource\":\"message\"}",
     "'operation_type'", 0},
    {"id is a number", "{\"id\":42,\"connection_id\":\"" CID "\",\"resource\":\"message\",\"operation_type\":\"create\"}",
     "'id' is not a string", 0},
    {"id is not a UUID",
     "{\"id\":\"op-1\",\"connection_id\":\"" CID "\",\"resource\":\"message\",\"operation_type\":\"create\"}",
     "'id' is not a UUID", 0},
    {"connection_id is a bool",
     "{\"id\":\"" OID "\",\"connection_id\":true,\"resource\":\"message\",\"operation_type\":\"create\"}",
     "'connection_id' is not a string", 0},
    {"resource is a list",
     "{\"id\":\"" OID "\",\"connection_id\":\"" CID "\",\"resource\":[],\"operation_type\":\"create\"}",
     "'resource' is not a string", 0},
    {"status is a number", "{" BASE ",\"status\":3}", "'status' is not a string", 0},
    {"an array", "[{" BASE "}]", "not a JSON object", 0},
    {"a string", "\"pending\"", "not a JSON object", 0},
    {"truncated", "{" BASE ",\"status\":\"pen", "malformed JSON", 0},
    {"empty", "", "malformed JSON", 0},
    {"an error body", "{\"code\":404,\"message\":\"Not Found\",\"detail\":null}", "'id'", 0},
};

START_TEST(parse_table)
{
    const parse_case *c = &parse_cases[_i];
    op_rec r;
    char *err = NULL;
    int rc = api_op_decode(c->json, strlen(c->json), &r, NULL, &err);
    if (!c->err_has) {
        ck_assert_msg(rc == 0, "%s: %s", c->name, err ? err : "?");
        ck_assert_ptr_null(err);
        ck_assert_msg(r.status == c->status, "%s: status %s", c->name, op_status_name(r.status));
        ck_assert_str_eq(r.id, OID);
        ck_assert_ptr_nonnull(r.resource);
        ck_assert_ptr_nonnull(r.operation_type);
        ck_assert(!r.mine);
        op_rec_clear(&r);
    } else {
        ck_assert_msg(rc == -1, "%s: parsed", c->name);
        ck_assert_ptr_nonnull(err);
        ck_assert_msg(strstr(err, c->err_has), "%s: error '%s' lacks '%s'", c->name, err, c->err_has);
        free(err);
    }
}
END_TEST

START_TEST(parse_read_model_fields)
{
    const char *js =
        "{\"id\":\"019DDD87-EEDD-710F-967C-1C6CC72AC985\",\"created_at\":\"2026-04-17T01:29:22.316543Z\","
        "\"updated_at\":\"2026-04-17T01:29:25Z\",\"partner_id\":\"" CID "\",\"connection_id\":\"" CID "\","
        "\"fleet_ref\":\"sandbox\",\"source_name\":\"samsara\",\"resource\":\"message\",\"resource_id\":\"" OID "\","
        "\"source_id\":\"\\u202e281474977075211\",\"operation_type\":\"create\",\"status\":\"success\","
        "\"payload\":{\"message_text\":\"Jos\\u00e9 \\u001b[2J\",\"n\":1},"
        "\"logs\":[{\"id\":\"" OID "\",\"created_at\":\"2026-04-17T01:29:23Z\",\"updated_at\":\"x\","
        "\"resource_operation_id\":\"" OID "\",\"status\":\"failed\",\"error_type\":\"tsp\","
        "\"error_details\":\"\\u001b]0;pwned\\u0007TSP said \\u001b[31mno\\r\\nreally\",\"response_status_code\":503,"
        "\"response_headers\":{\"a\":\"b\"}},"
        "42,"
        "{\"status\":\"success\",\"error_type\":null,\"error_details\":null,\"response_status_code\":null}]}";
    op_rec r;
    char *err = NULL;
    ck_assert_int_eq(api_op_decode(js, strlen(js), &r, NULL, &err), 0);
    ck_assert_str_eq(r.id, OID); /* normalized to lower case */
    ck_assert_str_eq(r.connection_id, CID);
    ck_assert_str_eq(r.resource, "message");
    ck_assert_str_eq(r.operation_type, "create");
    ck_assert_int_eq(r.status, OP_SUCCESS);
    ck_assert_str_eq(r.resource_id, OID);
    ck_assert_str_eq(r.source_id, "281474977075211"); /* bidi override removed */
    ck_assert_str_eq(r.source_name, "samsara");
    ck_assert_str_eq(r.created_at, "2026-04-17T01:29:22.316543Z");
    ck_assert_str_eq(r.updated_at, "2026-04-17T01:29:25Z");
    /* The payload is compact JSON; the escape stays escaped, no raw ESC. */
    ck_assert_ptr_nonnull(strstr(r.payload_json, "\"n\":1"));
    ck_assert_ptr_null(strchr(r.payload_json, '\x1b'));
    ck_assert_int_eq(r.nlogs, 2); /* the non-object item is skipped */
    ck_assert_str_eq(r.logs[0].status, "failed");
    ck_assert_str_eq(r.logs[0].error_type, "tsp");
    ck_assert_str_eq(r.logs[0].error_details, "?]0;pwned?TSP said ?[31mno??really");
    ck_assert_int_eq(r.logs[0].response_status_code, 503);
    ck_assert_str_eq(r.logs[0].created_at, "2026-04-17T01:29:23Z");
    ck_assert_ptr_null(r.logs[1].error_type);
    ck_assert_ptr_null(r.logs[1].error_details);
    ck_assert_int_eq(r.logs[1].response_status_code, -1);
    ck_assert_ptr_null(r.label);
    ck_assert_ptr_null(r.target_id);
    op_rec_clear(&r);
    ck_assert_ptr_null(r.resource);
    op_rec_clear(&r); /* twice is harmless */
}
END_TEST

START_TEST(parse_invalid_utf8_and_controls)
{
    const char *js = "{" BASE ",\"status\":\"pending\",\"source_name\":\"geo\xfftab\",\"resource_id\":\"a\\u0000b\","
                     "\"logs\":[{\"error_details\":\"tab\\there \\u009b1m\"}]}";
    op_rec r;
    char *err = NULL;
    ck_assert_int_eq(api_op_decode(js, strlen(js), &r, NULL, &err), 0);
    ck_assert_str_eq(r.source_name, "geo" R "tab");
    ck_assert_str_eq(r.resource_id, "a"); /* cJSON stops at the NUL */
    ck_assert_str_eq(r.logs[0].error_details, "tab here ?1m");
    op_rec_clear(&r);
}
END_TEST

START_TEST(status_names)
{
    ck_assert_str_eq(op_status_name(OP_PENDING), "pending");
    ck_assert_str_eq(op_status_name(OP_SUCCESS), "success");
    ck_assert_str_eq(op_status_name(OP_FAILED), "failed");
    ck_assert_str_eq(op_status_name(OP_UNKNOWN), "unknown");
}
END_TEST

/* ================================================================== the journal's JSON */

#define JOP(extra) "{" BASE ",\"status\":\"success\"" extra "}"

typedef struct {
    const char *name;
    const char *text;
    const char *err_has;  /* NULL: must decode */
    int n, skipped;
    int has_offset;       /* -1: do not check */
    long long offset;
    int has_created;      /* of the first op; -1: do not check */
} journal_case;

static const journal_case journal_cases[] = {
    {"version 1", "{\"version\":1,\"clock_offset_ms\":-1500,\"ops\":[" JOP(",\"created_ms\":5") "]}", NULL, 1, 0, 1,
     -1500, 1},
    {"a bare list (older files)", "[" JOP("") "]", NULL, 1, 0, 0, 0, 0},
    {"empty", "{\"ops\":[]}", NULL, 0, 0, 0, 0, -1},
    {"a bad record does not cost the others", "{\"ops\":[{\"id\":1}," JOP("") ",7]}", NULL, 1, 2, -1, 0, -1},
    {"huge numbers are not taken", "{\"clock_offset_ms\":1e300,\"ops\":[" JOP(",\"created_ms\":-1e300") "]}", NULL, 1,
     0, 0, 0, 0},
    {"an offset of decades is not a clock", "{\"clock_offset_ms\":2e12,\"ops\":[]}", NULL, 0, 0, 0, 0, -1},
    {"not JSON", "{\"ops\":[", "not valid JSON", 0, 0, -1, 0, -1},
    {"no text", "", "not valid JSON", 0, 0, -1, 0, -1},
    {"no list", "{\"version\":1}", "no list of operations", 0, 0, -1, 0, -1},
    {"ops is not a list", "{\"ops\":{}}", "no list of operations", 0, 0, -1, 0, -1},
};

START_TEST(journal_decode_table)
{
    const journal_case *c = &journal_cases[_i];
    api_journal j;
    char *err = NULL;
    int rc = api_journal_decode(c->text, strlen(c->text), &j, &err);
    if (c->err_has) {
        ck_assert_msg(rc == -1, "%s: decoded", c->name);
        ck_assert_msg(err && strstr(err, c->err_has), "%s: error '%s'", c->name, err ? err : "(none)");
        ck_assert_uint_eq(j.n, 0);
        free(err);
        return;
    }
    ck_assert_msg(rc == 0, "%s: %s", c->name, err ? err : "?");
    ck_assert_msg(j.n == (size_t)c->n, "%s: %zu ops", c->name, j.n);
    ck_assert_uint_eq(j.skipped, (size_t)c->skipped);
    if (c->has_offset >= 0) {
        ck_assert_int_eq(j.has_clock_offset, c->has_offset);
        if (c->has_offset)
            ck_assert_int_eq(j.clock_offset_ms, c->offset);
    }
    if (c->has_created >= 0)
        ck_assert_int_eq(j.ops[0].has_created_ms, c->has_created);
    for (size_t i = 0; i < j.n; i++)
        ck_assert(j.ops[i].r.mine);
    api_journal_clear(&j);
}
END_TEST

/* What is written is what is read back, labels and all; huge times are written as numbers. */
START_TEST(journal_round_trip)
{
    const char *body = "{" BASE ",\"status\":\"failed\",\"source_name\":\"samsara\",\"payload\":{\"a\":[1,2]},"
                       "\"logs\":[{\"status\":\"failed\",\"error_type\":\"tsp\",\"response_status_code\":503}]}";
    api_journal_op op = {.poll = true, .has_created_ms = true, .created_ms = 1776387630000LL};
    char *err = NULL;
    ck_assert_int_eq(api_op_decode(body, strlen(body), &op.r, NULL, &err), 0);
    op.r.label = strdup("Message to Jose");
    op.r.target_id = strdup(CID);
    const api_journal_op *ops[] = {&op};
    char *text = api_journal_encode(-42, ops, 1);
    ck_assert_ptr_null(strstr(text, "\n\n"));
    api_journal j;
    ck_assert_int_eq(api_journal_decode(text, strlen(text), &j, &err), 0);
    ck_assert_uint_eq(j.n, 1);
    ck_assert_int_eq(j.clock_offset_ms, -42);
    const api_journal_op *b = &j.ops[0];
    ck_assert_str_eq(b->r.id, OID);
    ck_assert_int_eq(b->r.status, OP_FAILED);
    ck_assert_str_eq(b->r.source_name, "samsara");
    ck_assert_str_eq(b->r.payload_json, "{\"a\":[1,2]}");
    ck_assert_int_eq(b->r.nlogs, 1);
    ck_assert_int_eq(b->r.logs[0].response_status_code, 503);
    ck_assert_str_eq(b->r.label, "Message to Jose");
    ck_assert_str_eq(b->r.target_id, CID);
    ck_assert(b->poll && b->has_created_ms);
    ck_assert_int_eq(b->created_ms, 1776387630000LL);
    api_journal_clear(&j);
    free(text);
    op_rec_clear(&op.r);
}
END_TEST

/* ================================================================== the tracker, no server */

/* A tracker whose API points at a port nothing listens on: these tests make no request. */
typedef struct env {
    loop *l;
    http_client *h;
    auth *au;
    api *a;
    ops_tracker *t;
    int changes, dirties;
} env;

static void on_change(void *ud, const op_rec *op, op_status old)
{
    (void)op;
    (void)old;
    ((env *)ud)->changes++;
}

static void on_dirty(void *ud)
{
    ((env *)ud)->dirties++;
}

static void env_open_journal(env *e, const char *journal)
{
    memset(e, 0, sizeof *e);
    e->l = loop_new();
    loop_set_virtual_clock(e->l, true);
    e->h = http_client_new(e->l);
    e->au = auth_new(e->l, e->h, "http://127.0.0.1:1/realms/catena", "demo-client", "demo-secret");
    e->a = api_new(e->l, e->h, e->au, "http://127.0.0.1:1");
    ops_settings s = {.poll_pending_ms = 1000, .poll_idle_ms = 15000, .journal_path = journal};
    e->t = ops_tracker_new(e->l, e->a, &s);
    ops_tracker_set_callbacks(e->t, on_change, on_dirty, e);
}

static void env_open(env *e)
{
    env_open_journal(e, NULL);
}

static void env_close(env *e)
{
    ops_tracker_free(e->t);
    api_free(e->a);
    auth_free(e->au);
    http_client_free(e->h);
    loop_free(e->l);
}

static int64_t until_next_poll(env *e)
{
    ops_health h;
    ops_tracker_health(e->t, &h);
    return h.next_poll_ms ? h.next_poll_ms - loop_now_ms(e->l) : -1;
}

START_TEST(add_response_rejects_non_ops)
{
    env e;
    env_open(&e);
    ops_tracker_start(e.t, NULL);
    const char *bodies[] = {"", "{\"code\":422,\"message\":\"Invalid Request Body\",\"detail\":[]}", "[1]", "{\"id\":"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        char *err = NULL;
        ck_assert_ptr_null(ops_tracker_add_response(e.t, bodies[i], strlen(bodies[i]), "x", NULL, &err));
        ck_assert_ptr_nonnull(err);
        ck_assert_msg(strstr(err, "not an operation"), "%s", err);
        free(err);
    }
    ck_assert_ptr_null(ops_tracker_add_response(e.t, NULL, 0, NULL, NULL, NULL));
    ck_assert_uint_eq(ops_count(e.t), 0);
    ck_assert_int_eq(e.changes + e.dirties, 0);
    /* The sync outcomes: 200 success and 502 failed are added, not polled. */
    const char *ok = "{" BASE ",\"status\":\"success\",\"resource_id\":\"" CID "\"}";
    const op_rec *r = ops_tracker_add_response(e.t, ok, strlen(ok), NULL, NULL, NULL);
    ck_assert_int_eq(r->status, OP_SUCCESS);
    ck_assert_int_eq(until_next_poll(&e), -1);
    /* The same op again (say the UI added it twice) is one op. */
    ck_assert_ptr_eq(ops_tracker_add_response(e.t, ok, strlen(ok), "again", NULL, NULL), r);
    ck_assert_uint_eq(ops_count(e.t), 1);
    ck_assert_str_eq(r->label, "again");
    ck_assert_ptr_eq(ops_find(e.t, "019DDD87-EEDD-710F-967C-1C6CC72AC985"), r);
    ck_assert_ptr_null(ops_find(e.t, "nope"));
    ck_assert_ptr_null(ops_get(e.t, 1));
    env_close(&e);
}
END_TEST

#define OID2 "019ddd87-eedd-710f-967c-1c6cc72ac986"
#define OID3 "019ddd87-eedd-710f-967c-1c6cc72ac987"

static const op_rec *add_done_at(env *e, const char *id, const char *label, const char *created_at)
{
    strbuf b = STRBUF_INIT;
    strbuf_printf(&b, "{\"id\":\"%s\",\"connection_id\":\"" CID "\",\"resource\":\"message\","
                      "\"operation_type\":\"create\",\"status\":\"success\"",
                  id);
    if (created_at)
        strbuf_printf(&b, ",\"created_at\":\"%s\"", created_at);
    strbuf_puts(&b, "}");
    const op_rec *r = ops_tracker_add_response(e->t, b.data, b.len, label, NULL, NULL);
    strbuf_free(&b);
    return r;
}

static const op_rec *add_done(env *e, const char *id, const char *label)
{
    return add_done_at(e, id, label, NULL);
}

static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* Two consoles on one state directory (issue 14 item 5): each saves its journal, and neither
 * erases what the other wrote. */
START_TEST(two_consoles_keep_each_others_journal_entries)
{
    char dir[] = "/tmp/test_ops.XXXXXX", journal[128];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(journal, sizeof journal, "%s/operations.json", dir);
    env a, b;
    env_open_journal(&a, journal);
    env_open_journal(&b, journal);
    ck_assert_int_eq(ops_tracker_start(a.t, NULL), 0);
    ck_assert_int_eq(ops_tracker_start(b.t, NULL), 0); /* both started from an empty journal */
    ck_assert_ptr_nonnull(add_done(&a, OID, "from A"));
    ck_assert_ptr_nonnull(add_done(&b, OID2, "from B"));
    ck_assert_ptr_nonnull(add_done(&a, OID3, "from A again"));
    ck_assert_uint_eq(ops_count(a.t), 2); /* each shows its own */
    ck_assert_uint_eq(ops_count(b.t), 1);
    env_close(&a);
    env_close(&b);
    env c;
    env_open_journal(&c, journal);
    ck_assert_int_eq(ops_tracker_start(c.t, NULL), 0);
    ck_assert_uint_eq(ops_count(c.t), 3);
    ck_assert_str_eq(ops_find(c.t, OID)->label, "from A");
    ck_assert_str_eq(ops_find(c.t, OID2)->label, "from B");
    ck_assert_str_eq(ops_find(c.t, OID3)->label, "from A again");
    env_close(&c);
    char path[160];
    snprintf(path, sizeof path, "%s.lock", journal);
    remove(path);
    remove(journal);
    ck_assert_int_eq(remove(dir), 0); /* nothing else was left behind */
}
END_TEST

/* The merge keeps what another console wrote, but an op this console evicted stays gone. */
START_TEST(evicted_ops_leave_the_journal_others_stay)
{
    char dir[] = "/tmp/test_ops.XXXXXX", journal[128];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(journal, sizeof journal, "%s/operations.json", dir);
    env a, b;
    env_open_journal(&a, journal);
    env_open_journal(&b, journal);
    ops_tracker_start(a.t, NULL);
    ops_tracker_start(b.t, NULL);
    ck_assert_ptr_nonnull(add_done_at(&b, OID2, "B's, the oldest of all", "2025-12-31T00:00:00Z"));
    ck_assert_ptr_nonnull(add_done_at(&a, OID, "A's first", "2026-01-01T00:00:00Z"));
    for (int i = 0; i < 500; i++) { /* 501 finished ops of A: its first one goes */
        char id[UUID_STR_LEN], at[32];
        snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
        snprintf(at, sizeof at, "2026-01-02T%02d:%02d:%02dZ", i / 3600, i / 60 % 60, i % 60);
        ck_assert_ptr_nonnull(add_done_at(&a, id, NULL, at));
    }
    ck_assert_ptr_null(ops_find(a.t, OID));
    ck_assert_uint_eq(ops_count(a.t), 500);
    env_close(&a);
    env_close(&b);
    char *text = NULL, *err = NULL;
    size_t len;
    ck_assert_int_eq(statefile_read(journal, 1u << 24, &text, &len, &err), 0);
    ck_assert_ptr_null(strstr(text, OID));    /* dropped by the console that held it */
    ck_assert_ptr_nonnull(strstr(text, OID2)); /* never held by A: kept however old */
    ck_assert_int_eq(count_of(text, "\"poll\":"), 501);
    free(text);
    char path[160];
    snprintf(path, sizeof path, "%s.lock", journal);
    remove(path);
    remove(journal);
    ck_assert_int_eq(remove(dir), 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops");
    TCase *tc = tcase_create("parse");
    tcase_add_loop_test(tc, parse_table, 0, (int)(sizeof parse_cases / sizeof parse_cases[0]));
    tcase_add_test(tc, parse_read_model_fields);
    tcase_add_test(tc, parse_invalid_utf8_and_controls);
    tcase_add_test(tc, status_names);
    tcase_add_loop_test(tc, journal_decode_table, 0, (int)(sizeof journal_cases / sizeof journal_cases[0]));
    tcase_add_test(tc, journal_round_trip);
    suite_add_tcase(s, tc);
    tc = tcase_create("tracker");
    tcase_add_test(tc, add_response_rejects_non_ops);
    tcase_add_test(tc, two_consoles_keep_each_others_journal_entries);
    tcase_add_test(tc, evicted_ops_leave_the_journal_others_stay);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite_nofork(suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
