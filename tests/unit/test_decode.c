/* decode: Catena pages into compact rows; tolerant of unknown fields, strict on required ones. */
#include "core/api_decode.h"
#include "core/text.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "suite_runner.h"

#define VID "019ddd87-eedd-710f-967c-1c6cc72ac985"
#define CID "7c2f6fec-0000-4000-8000-000000000001"

static const char *vehicle_ok =
    "{\"id\":\"" VID "\",\"connection_id\":\"" CID "\",\"source_name\":\"samsara\",\"source_id\":\"281474977075211\","
    "\"vehicle_name\":\"Truck 1042\",\"vin\":\"1FUJGLDR5CLBP8834\",\"model_year\":2021,\"oem\":\"Freightliner\","
    "\"model_type\":\"Cascadia\",\"status\":\"IN_SERVICE\",\"is_active\":true,\"license_plate_number\":\"7XKD492\","
    "\"brand_new_field\":{\"x\":[1,2]},\"fleet_id\":null,\"created_at\":\"2026-01-01T00:00:00Z\"}";

START_TEST(vehicle_page_decodes)
{
    table t;
    table_init(&t, KIND_VEHICLE);
    char body[4096];
    snprintf(body, sizeof body, "{\"items\":[%s],\"total\":1,\"next_page\":\"Pg%%3D%%3D\",\"current_page\":null}",
             vehicle_ok);
    page_info info;
    char *err = NULL;
    ck_assert_int_eq(decode_page(&t, body, strlen(body), &info, &err), 0);
    ck_assert_ptr_null(err);
    ck_assert_uint_eq(t.count, 1);
    ck_assert_int_eq(info.total, 1);
    ck_assert_str_eq(info.next_cursor, "Pg%3D%3D");
    const vehicle_rec *v = table_row(&t, 0);
    ck_assert_str_eq(table_str(&t, v->name), "Truck 1042");
    ck_assert_str_eq(table_str(&t, v->vin), "1FUJGLDR5CLBP8834");
    ck_assert_str_eq(table_str(&t, v->oem), "Freightliner");
    ck_assert_int_eq(v->year, 2021);
    ck_assert_int_eq(v->is_active, 1);
    char id[UUID_STR_LEN];
    uuid_format(&v->id, id);
    ck_assert_str_eq(id, VID);
    free(info.next_cursor);
    table_clear(&t);
}
END_TEST

/* Each bad page must fail with an error mentioning the given words and add no rows. */
static const struct {
    record_kind kind;
    const char *body;
    const char *err_has;
} bad_pages[] = {
    {KIND_VEHICLE, "", "malformed JSON"},
    {KIND_VEHICLE, "{\"items\":[", "malformed JSON"},
    {KIND_VEHICLE, "{\"items\":[]} {\"next_page\":\"x\"}", "malformed JSON"}, /* a second value after the page */
    {KIND_VEHICLE, "{\"items\":[]},", "malformed JSON"},
    {KIND_VEHICLE, "[1,2,3]", "no 'items'"},
    {KIND_VEHICLE, "{\"items\":{}}", "no 'items'"},
    {KIND_VEHICLE, "{\"items\":[42]}", "not an object"},
    {KIND_VEHICLE, "{\"items\":[{\"connection_id\":\"" CID "\",\"source_name\":\"x\",\"source_id\":\"1\"}]}", "'id'"},
    {KIND_VEHICLE, "{\"items\":[{\"id\":\"nope\",\"connection_id\":\"" CID "\",\"source_name\":\"x\",\"source_id\":\"1\"}]}",
     "not a UUID"},
    {KIND_VEHICLE, "{\"items\":[{\"id\":\"" VID "\",\"connection_id\":\"" CID "\",\"source_name\":\"x\"}]}", "'source_id'"},
    {KIND_DRIVER, "{\"items\":[{\"id\":\"" VID "\",\"source_name\":\"x\",\"source_id\":\"1\"}]}", "'connection_id'"},
    {KIND_CONNECTION, "{\"items\":[{\"id\":\"" VID "\",\"source_name\":\"samsara\",\"status\":\"active\"}]}", "'tsp_id'"},
    {KIND_TRAILER, "{\"items\":[{\"id\":\"" VID "\",\"connection_id\":\"" CID "\",\"source_name\":7,\"source_id\":\"1\"}]}",
     "'source_name'"},
};

START_TEST(bad_pages_fail_cleanly)
{
    table t;
    table_init(&t, bad_pages[_i].kind);
    page_info info;
    char *err = NULL;
    ck_assert_int_eq(decode_page(&t, bad_pages[_i].body, strlen(bad_pages[_i].body), &info, &err), -1);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, bad_pages[_i].err_has), "error '%s' lacks '%s'", err, bad_pages[_i].err_has);
    ck_assert_uint_eq(t.count, 0);
    free(err);
    table_clear(&t);
}
END_TEST

START_TEST(page_is_all_or_nothing)
{
    table t;
    table_init(&t, KIND_VEHICLE);
    char body[4096];
    snprintf(body, sizeof body, "{\"items\":[%s,{\"id\":\"x\"}],\"total\":2}", vehicle_ok);
    page_info info;
    char *err = NULL;
    ck_assert_int_eq(decode_page(&t, body, strlen(body), &info, &err), -1);
    ck_assert_str_eq(err, "item 1: vehicle field 'id' is not a UUID");
    ck_assert_uint_eq(t.count, 0);
    free(err);
    table_clear(&t);
}
END_TEST

START_TEST(hostile_strings_are_sanitized)
{
    table t;
    table_init(&t, KIND_DRIVER);
    const char *body = "{\"items\":[{\"id\":\"" VID "\",\"connection_id\":\"" CID "\",\"source_name\":\"motive\","
                       "\"source_id\":\"9\",\"first_name\":\"\\u001b]0;pwned\\u0007Eve\",\"last_name\":\"\\u202eLiam\","
                       "\"username\":\"a\\r\\nb\",\"is_driver\":true}],\"total\":1}";
    page_info info;
    char *err = NULL;
    ck_assert_int_eq(decode_page(&t, body, strlen(body), &info, &err), 0);
    const user_rec *u = table_row(&t, 0);
    ck_assert_str_eq(table_str(&t, u->first_name), "?]0;pwned?Eve");
    ck_assert_str_eq(table_str(&t, u->last_name), "Liam");
    ck_assert_str_eq(table_str(&t, u->username), "a??b");
    char name[64];
    user_display_name(&t, u, name, sizeof name);
    ck_assert_str_eq(name, "?]0;pwned?Eve Liam");
    ck_assert_int_eq(u->is_driver, 1);
    table_clear(&t);
}
END_TEST

static const struct {
    const char *body;
    const char *want; /* NULL: not an error body */
} summaries[] = {
    {"{\"code\":404,\"message\":\"Not Found\",\"detail\":\"vehicle 12 not found\"}", "vehicle 12 not found"},
    {"{\"code\":422,\"message\":\"Invalid Request Body\",\"detail\":[{\"path\":\"size\",\"input\":\"0\",\"message\":"
     "\"must be >= 1\",\"error_type\":\"x\"},{\"path\":\"vin\",\"message\":\"bad\"}]}",
     "size: must be >= 1; vin: bad"},
    {"{\"code\":429,\"message\":\"Too Many Requests\",\"detail\":{\"retry_after_seconds\":3,\"message\":\"slow down\"}}",
     "slow down"},
    {"{\"error\":\"invalid_client\",\"error_description\":\"Invalid client or Invalid client credentials\"}",
     "Invalid client or Invalid client credentials"},
    {"{\"message\":\"Internal Server Error\"}", "Internal Server Error"},
    {"{\"detail\":\"\\u001b[2Jboom\"}", "?[2Jboom"},
    {"not json", NULL},
    {"{}", NULL},
};

START_TEST(error_summaries)
{
    char *s = decode_error_summary(summaries[_i].body, strlen(summaries[_i].body));
    if (!summaries[_i].want) {
        ck_assert_ptr_null(s);
    } else {
        ck_assert_ptr_nonnull(s);
        ck_assert_str_eq(s, summaries[_i].want);
    }
    free(s);
}
END_TEST

/* The token endpoint's answer, as auth.c reads it (a token with CR/LF is refused there). */
static const struct {
    const char *body;
    const char *token; /* NULL: none */
    double expires_in;
} tokens[] = {
    {"{\"access_token\":\"abc\",\"expires_in\":300}", "abc", 300},
    {"{\"access_token\":\"abc\"}", "abc", -1},
    {"{\"access_token\":\"abc\",\"expires_in\":\"300\"}", "abc", -1},
    {"{\"access_token\":\"\",\"expires_in\":300}", NULL, 300},
    {"{\"access_token\":42}", NULL, -1},
    {"{\"access_token\":null}", NULL, -1},
    {"[\"access_token\"]", NULL, -1},
    {"not json", NULL, -1},
    {"", NULL, -1},
    {"{\"access_token\":\"a\\r\\nX-Injected: 1\",\"expires_in\":1e300}", "a\r\nX-Injected: 1", 1e300},
};

START_TEST(token_answers)
{
    char *tok = (char *)"unset";
    double exp = 7;
    decode_token_answer(tokens[_i].body, strlen(tokens[_i].body), &tok, &exp);
    if (tokens[_i].token)
        ck_assert_str_eq(tok, tokens[_i].token);
    else
        ck_assert_ptr_null(tok);
    ck_assert(exp == tokens[_i].expires_in);
    free(tok);
}
END_TEST

int main(void)
{
    text_init_locale();
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, vehicle_page_decodes);
    tcase_add_loop_test(tc, bad_pages_fail_cleanly, 0, (int)(sizeof bad_pages / sizeof bad_pages[0]));
    tcase_add_test(tc, page_is_all_or_nothing);
    tcase_add_test(tc, hostile_strings_are_sanitized);
    tcase_add_loop_test(tc, error_summaries, 0, (int)(sizeof summaries / sizeof summaries[0]));
    tcase_add_loop_test(tc, token_answers, 0, (int)(sizeof tokens / sizeof tokens[0]));
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    return failed ? 1 : 0;
}
