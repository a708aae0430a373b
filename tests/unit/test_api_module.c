/* Unit tests of the API module's pure parts: paths, JSON output lines, capabilities, message
 * pages and message payloads (no network). */
#include "core/api.h"
#include "core/api_caps.h"
#include "core/api_json.h"
#include "core/api_live.h"
#include "core/api_messages.h"
#include "core/api_writes.h"
#include "core/text.h"
#include "suite_runner.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONN "01991076-6689-7530-845a-bda77037bd59"
#define TSP "01991076-0000-7000-8000-000000000001"
#define DRV "019a439b-a585-79aa-a077-46623944b36a"
#define YOU "019a439b-0000-7000-8000-0000000000aa"

START_TEST(paths_come_from_resource_names)
{
    ck_assert_str_eq(api_collection_path("group_message"), "/v2/telematics/group-messages");
    ck_assert_ptr_null(api_collection_path("nonsense"));
    char *p = api_record_path("vehicle", DRV);
    ck_assert_str_eq(p, "/v2/telematics/vehicles/" DRV);
    free(p);
    p = api_list_path("user", CONN, "is_driver=true");
    ck_assert_str_eq(p, "/v2/telematics/users?connection_id=" CONN "&is_driver=true");
    free(p);
    p = api_list_path("connection", NULL, NULL);
    ck_assert_str_eq(p, "/v2/integrations/connections");
    free(p);
    p = api_list_path("resource_operation", NULL, "a=b");
    ck_assert_str_eq(p, "/v2/integrations/connections/resource-operations?a=b");
    free(p);
    ck_assert_ptr_null(api_list_path("nonsense", CONN, NULL));
}
END_TEST

START_TEST(output_lines_are_sanitized_and_objects_round_trip)
{
    char *line = api_json_line("{\"a\\u001b\":\"x\\u001b[2Jy\",\"n\":[1,true,null]}", 43);
    ck_assert_ptr_nonnull(line);
    ck_assert_ptr_null(strchr(line, '\x1b'));
    ck_assert_ptr_null(strstr(line, "\\u001b"));
    ck_assert_ptr_nonnull(strstr(line, "[1,true,null]"));
    free(line);
    ck_assert_ptr_null(api_json_line("{nope", 5));

    api_json_obj *o = api_json_obj_new();
    api_json_add_str(o, "s", "v");
    api_json_add_str(o, "none", NULL);
    api_json_add_num(o, "n", 2);
    api_json_add_bool(o, "b", true);
    ck_assert(api_json_has(o, "none"));
    ck_assert(!api_json_has(o, "other"));
    char *text = api_json_obj_text(o);
    ck_assert_str_eq(text, "{\"s\":\"v\",\"none\":null,\"n\":2,\"b\":true}");
    char status[16];
    ck_assert_int_eq(api_json_get_str(text, strlen(text), "s", status, sizeof status), 0);
    ck_assert_str_eq(status, "v");
    ck_assert_int_eq(api_json_get_str("[1]", 3, "s", status, sizeof status), -1);
    free(text);
    ck_assert_ptr_null(api_json_obj_parse("[1]", 3));
}
END_TEST

/* Issue 14.8: the TSP's source_name and level reach the "why is this blocked" line sanitized. */
START_TEST(caps_reasons_are_sanitized)
{
    caps *c = caps_new();
    const char *tsps = "{\"items\":[{\"tsp_id\":\"" TSP "\",\"source_name\":\"Evil\\u001b]0;pwn\\u0007\","
                       "\"integrations\":{\"vehicle\":\"not\\u001b[2J\"}}]}";
    ck_assert_int_eq(caps_add_tsps(c, tsps, strlen(tsps)), 0);
    char why[200];
    const char *r = caps_write_blocked(c, CONN, TSP, "vehicle", why, sizeof why);
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_null(strchr(r, '\x1b'));
    ck_assert_ptr_null(strchr(r, '\x07'));
    ck_assert_ptr_nonnull(strstr(r, "Evil"));
    caps_free(c);
}
END_TEST

START_TEST(message_pages_decode_merge_and_flag_who_wrote)
{
    conv_list l = {0};
    conv_who who = {0};
    uuid_parse(DRV, &who.driver_id);
    who.have_you = true;
    uuid_parse(YOU, &who.you_id);
    const char *page =
        "{\"items\":["
        "{\"id\":\"019b0000-0000-7000-8000-000000000002\",\"sender_id\":\"" YOU "\",\"message_text\":\"hi\\n\\n \","
        "\"status\":\"read\",\"occurred_at\":\"2026-01-02T00:00:02Z\",\"read_at\":\"2026-01-02T00:01:00Z\"},"
        "{\"id\":\"019b0000-0000-7000-8000-000000000001\",\"sender_id\":\"" DRV "\",\"message_text\":\"a\\u001bb\","
        "\"status\":\"odd\",\"created_at\":\"2026-01-02T00:00:01.5+00:00\"},"
        "{\"message_text\":\"no id: skipped\"},"
        "{\"id\":\"019b0000-0000-7000-8000-000000000003\",\"deleted_at\":\"2026-01-03T00:00:00Z\"}]}";
    char *err = NULL;
    ck_assert_int_eq(conv_decode_page(&l, &who, page, strlen(page), &err), 0);
    ck_assert_uint_eq(l.n, 2);
    conv_list_sort(&l);
    ck_assert(l.v[0].flags & CF_DRIVER);
    ck_assert_int_eq(l.v[0].status, CM_OTHER);
    ck_assert_str_eq(strpool_get(&l.pool, l.v[0].status_raw), "odd");
    ck_assert_ptr_null(strchr(strpool_get(&l.pool, l.v[0].text), '\x1b'));
    ck_assert_int_eq(l.v[0].at_ms % 1000, 500);
    ck_assert(l.v[1].flags & CF_YOU);
    ck_assert_str_eq(strpool_get(&l.pool, l.v[1].text), "hi");
    ck_assert_int_eq(l.v[1].status, CM_READ);
    ck_assert_int_eq(l.v[1].status_ms - l.v[1].at_ms, 58000);
    ck_assert_int_eq(conv_decode_page(&l, &who, "{\"x\":1}", 7, &err), -1);
    ck_assert_ptr_nonnull(err);
    free(err);
    conv_list_free(&l);
}
END_TEST

START_TEST(group_pages_keep_the_drivers_as_group_messages)
{
    conv_list l = {0};
    conv_who who = {0};
    uuid_parse(DRV, &who.driver_id);
    const char *page =
        "{\"items\":["
        "{\"id\":\"019b0000-0000-7000-8000-000000000010\",\"sender_id\":\"" YOU "\",\"message_text\":\"all\","
        "\"recipient_ids\":[\"" YOU "\",\"" DRV "\",\"junk\"],\"status\":\"sent\",\"sent_by_driver\":true,"
        "\"occurred_at\":\"2026-01-02T00:00:02Z\"},"
        "{\"id\":\"019b0000-0000-7000-8000-000000000011\",\"message_text\":\"others\","
        "\"recipient_ids\":[\"" YOU "\"]},"
        "{\"id\":\"019b0000-0000-7000-8000-000000000012\",\"message_text\":\"none\"}]}";
    char *err = NULL;
    ck_assert_int_eq(conv_decode_group_page(&l, &who, page, strlen(page), &err), 0);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(strpool_get(&l.pool, l.v[0].text), "all");
    ck_assert(l.v[0].flags & CF_GROUP);
    ck_assert(!(l.v[0].flags & CF_DRIVER)); /* sent to the driver, whatever sent_by_driver says */
    ck_assert_uint_eq(l.v[0].group_n, 3);
    ck_assert_int_eq(conv_decode_group_page(&l, &who, "[]", 2, &err), -1);
    free(err);
    conv_list_free(&l);
}
END_TEST

START_TEST(window_queries_are_utc_and_encoded)
{
    char *q = api_msgs_window_query(1767225600000LL, 0); /* 2026-01-01T00:00:00Z */
    ck_assert_str_eq(q, "from_datetime=2026-01-01T00%3A00%3A00Z");
    free(q);
    q = api_msgs_window_query(1767225600000LL, 1767225600000LL + 86400000LL);
    ck_assert_str_eq(q, "from_datetime=2026-01-01T00%3A00%3A00Z&to_datetime=2026-01-02T00%3A00%3A00Z");
    free(q);
}
END_TEST

START_TEST(live_locations_decode_to_places_speeds_and_drivers)
{
#define V1 "019b0000-0000-7000-8000-0000000000a1"
#define V2 "019b0000-0000-7000-8000-0000000000a2"
    live_set s = {0};
    const char *page =
        "{\"items\":["
        "{\"vehicle_id\":\"" V2 "\",\"vehicle_name\":\"T\\u001b2\",\"driver_id\":\"" DRV "\","
        "\"speed\":25,\"speed_unit\":\"m/s\",\"occurred_at\":\"2026-01-05T00:00:00Z\","
        "\"location\":{\"type\":\"Point\",\"coordinates\":[-86.20974,39.838151]}},"
        "{\"vehicle_id\":\"" V1 "\",\"driver_id\":\"" DRV "\",\"speed\":null,"
        "\"occurred_at\":\"2026-01-04T23:00:00Z\",\"location\":{\"name\":\"Yard 3\",\"coordinates\":[1,2]}},"
        "{\"vehicle_name\":\"no id: skipped\"},"
        "{\"vehicle_id\":\"" V1 "\",\"occurred_at\":\"2026-01-04T22:00:00Z\",\"location\":{\"coordinates\":[500,2]}}]}";
    char *err = NULL;
    ck_assert_int_eq(live_decode_page(&s, page, strlen(page), &err), 0);
    ck_assert_uint_eq(s.n, 2); /* V1 twice: its newest report is kept */
    uuid v1, v2, d;
    uuid_parse(V1, &v1);
    uuid_parse(V2, &v2);
    uuid_parse(DRV, &d);
    const live_loc *a = live_find_vehicle(&s, &v2), *b = live_find_vehicle(&s, &v1);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_str_eq(live_str(&s, a->place), "39.8382, -86.2097"); /* GeoJSON is long, lat */
    ck_assert_str_eq(live_str(&s, a->speed), "90 km/h");
    ck_assert_ptr_null(strchr(live_str(&s, a->vehicle_name), '\x1b'));
    ck_assert_str_eq(live_str(&s, b->place), "Yard 3");
    ck_assert_str_eq(live_str(&s, b->speed), "");
    ck_assert_ptr_eq(live_find_driver(&s, &d), a); /* the driver's newest report */
    ck_assert_ptr_null(live_find_driver(&s, &v1));
    /* Ages count up by minutes, then hours, then days; the next change is when the text changes. */
    char age[32];
    int64_t at = a->at_ms;
    live_age_text(at + 59000, at, age, sizeof age);
    ck_assert_str_eq(age, "now");
    live_age_text(at + 4 * 60000 + 10, at, age, sizeof age);
    ck_assert_str_eq(age, "4 min ago");
    live_age_text(at + 3 * 3600000LL, at, age, sizeof age);
    ck_assert_str_eq(age, "3 h ago");
    live_age_text(at + 50 * 3600000LL, at, age, sizeof age);
    ck_assert_str_eq(age, "2 d ago");
    live_age_text(at - 5000, at, age, sizeof age);
    ck_assert_str_eq(age, "now");
    ck_assert_int_eq(live_next_change_ms(&s, at + 20000), 40000);
    live_set one = {0};
    const char *p1 = "{\"items\":[{\"vehicle_id\":\"" V1 "\",\"occurred_at\":\"2026-01-05T00:00:00Z\"}]}";
    ck_assert_int_eq(live_decode_page(&one, p1, strlen(p1), &err), 0);
    ck_assert_int_eq(live_next_change_ms(&one, at - 5000), 65000); /* from the future: "now" until a minute on */
    live_set_free(&one);
    uint64_t sig = live_signature(&s);
    ck_assert_int_eq(live_decode_page(&s, "{}", 2, &err), -1);
    free(err);
    live_set_free(&s);
    ck_assert_uint_ne(sig, live_signature(&s));
    ck_assert_int_eq(live_next_change_ms(&s, 0), -1);
}
END_TEST

START_TEST(message_payloads_read_as_plain_data)
{
    api_msg_payload p;
    ck_assert_int_eq(api_msg_payload_read("{\"connection_id\":\"" CONN "\",\"sender_id\":\"" YOU
                                          "\",\"recipient_ids\":[\"" DRV "\",\"junk\",7],"
                                          "\"message_text\":\"x\\u001by\",\"priority\":\"urgent\"}",
                                          &p),
                     0);
    ck_assert_str_eq(p.connection_id, CONN);
    ck_assert_str_eq(p.sender_id, YOU);
    ck_assert_ptr_null(p.recipient_id);
    ck_assert_uint_eq(p.nrecipients, 1);
    ck_assert_str_eq(p.recipient_ids[0], DRV);
    ck_assert_ptr_null(strchr(p.text, '\x1b'));
    ck_assert_ptr_null(p.priority); /* not one of low, medium, high */
    api_msg_payload_free(&p);
    ck_assert_int_eq(api_msg_payload_read("[]", &p), -1);
    ck_assert_int_eq(api_msg_payload_read(NULL, &p), -1);
    api_msg_payload_free(&p);
}
END_TEST

/* Issue 13.1: only a 502 carrying a failed operation is the TSP's refusal; any other 502, 503 or
 * 504 after sending is an unknown outcome. */
START_TEST(only_a_failed_operation_in_a_502_is_a_refusal)
{
    const char *op = "{\"id\":\"019b0000-0000-7000-8000-000000000009\",\"resource\":\"message\",\"status\":"
                     "\"failed\",\"logs\":[{\"error_type\":\"validation\",\"response_status_code\":422}]}";
    const char *gateway = "<html><body>502 Bad Gateway</body></html>";
    api_reply r = {.status = API_HTTP_ERROR, .http_status = 502, .body = op, .body_len = strlen(op), .retry_after_s = -1};
    write_result w;
    writes_interpret(&r, &w);
    ck_assert_int_eq(w.kind, WR_TSP_FAILED);
    ck_assert_ptr_nonnull(strstr(w.tsp_error, "validation"));
    write_result_clear(&w);
    long statuses[] = {502, 503, 504};
    for (int i = 0; i < 3; i++) {
        api_reply g = {.status = API_HTTP_ERROR,
                       .http_status = statuses[i],
                       .body = gateway,
                       .body_len = strlen(gateway),
                       .retry_after_s = -1};
        writes_interpret(&g, &w);
        ck_assert_int_eq(w.kind, WR_UNKNOWN);
        ck_assert_ptr_nonnull(strstr(w.message, "may have gone through"));
        write_result_clear(&w);
    }
}
END_TEST

static Suite *api_suite(void)
{
    Suite *s = suite_create("api_module");
    TCase *tc = tcase_create("pure");
    tcase_add_test(tc, paths_come_from_resource_names);
    tcase_add_test(tc, output_lines_are_sanitized_and_objects_round_trip);
    tcase_add_test(tc, caps_reasons_are_sanitized);
    tcase_add_test(tc, message_pages_decode_merge_and_flag_who_wrote);
    tcase_add_test(tc, message_payloads_read_as_plain_data);
    tcase_add_test(tc, group_pages_keep_the_drivers_as_group_messages);
    tcase_add_test(tc, window_queries_are_utc_and_encoded);
    tcase_add_test(tc, live_locations_decode_to_places_speeds_and_drivers);
    tcase_add_test(tc, only_a_failed_operation_in_a_502_is_a_refusal);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    if (!text_init_locale()) {
        fprintf(stderr, "test_api_module: no UTF-8 locale available\n");
        return 1;
    }
    int failed = run_suite_nofork(api_suite());
    return failed != 0;
}
