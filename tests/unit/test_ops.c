/* Unit tests of the operation tracker (src/core/ops*.c) that need no server: parsing of
 * ResourceOperation(Read) bodies, and what ops_tracker_add_response accepts. The tracker's
 * polling, backoff, callbacks and journal are tested against the real emulator in
 * tests/e2e/test_ops_*.c. */
#include "common/strbuf.h"
#include "core/ops.h"

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
    int rc = op_rec_from_json(&r, c->json, strlen(c->json), &err);
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
    ck_assert_int_eq(op_rec_from_json(&r, js, strlen(js), &err), 0);
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
    ck_assert_int_eq(op_rec_from_json(&r, js, strlen(js), &err), 0);
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

static void env_open(env *e)
{
    memset(e, 0, sizeof *e);
    e->l = loop_new();
    loop_set_virtual_clock(e->l, true);
    e->h = http_client_new(e->l);
    e->au = auth_new(e->l, e->h, "http://127.0.0.1:1/realms/catena", "demo-client", "demo-secret");
    e->a = api_new(e->l, e->h, e->au, "http://127.0.0.1:1");
    ops_settings s = {.poll_pending_ms = 1000, .poll_idle_ms = 15000, .journal_path = NULL};
    e->t = ops_tracker_new(e->l, e->a, &s);
    ops_tracker_set_callbacks(e->t, on_change, on_dirty, e);
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

static Suite *suite(void)
{
    Suite *s = suite_create("ops");
    TCase *tc = tcase_create("parse");
    tcase_add_loop_test(tc, parse_table, 0, (int)(sizeof parse_cases / sizeof parse_cases[0]));
    tcase_add_test(tc, parse_read_model_fields);
    tcase_add_test(tc, parse_invalid_utf8_and_controls);
    tcase_add_test(tc, status_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("tracker");
    tcase_add_test(tc, add_response_rejects_non_ops);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite_nofork(suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
