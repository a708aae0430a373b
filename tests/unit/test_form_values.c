/* Unit tests of a form's values (src/core/forms_values.c) and its JSON side (core/api_forms.c):
 * reading a record into a form, what changed, and the POST/PATCH bodies built from it. */
#include "core/api_enums.h"
#include "core/forms.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite_runner.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char vehicle_record[] =
    "{\"id\":\"0190e5f0-0000-7000-8000-000000000001\",\"connection_id\":\"c-1\","
    "\"vehicle_name\":\"Truck 7 \\u00e9\",\"oem\":\"Freightliner\",\"model_year\":2019,"
    "\"total_axles\":3.0,\"vin\":\"1M8GDM9AXKP042788\",\"is_active\":true,\"status\":\"IN_SERVICE\","
    "\"notes\":\"line 1\\nline 2\",\"license_plate_country\":\"USA\",\"engine_type\":null,"
    "\"fuel_capacity\":\"0.568\",\"vehicle_groups\":[{\"id\":\"g\"}],\"eld_id\":{\"odd\":1}}";

static const char *cur(const form_values *v, const char *name)
{
    return v->cur[form_field_index(v->spec, name)];
}
static const char *orig(const form_values *v, const char *name)
{
    return v->orig[form_field_index(v->spec, name)];
}
static void set(form_values *v, const char *name, const char *value)
{
    form_values_set(v, form_field_index(v->spec, name), value);
}

static form_values load_vehicle(void)
{
    form_values v;
    form_values_init(&v, form_spec_get(FORM_VEHICLE));
    char *err = NULL;
    ck_assert_int_eq(form_values_from_record(&v, vehicle_record, strlen(vehicle_record), &err), 0);
    ck_assert_ptr_null(err);
    return v;
}

START_TEST(test_values_from_record)
{
    form_values v = load_vehicle();
    ck_assert_str_eq(cur(&v, "vehicle_name"), "Truck 7 \xc3\xa9");
    ck_assert_str_eq(orig(&v, "vehicle_name"), "Truck 7 \xc3\xa9");
    ck_assert_str_eq(cur(&v, "model_year"), "2019");
    ck_assert_str_eq(cur(&v, "total_axles"), "3"); /* no trailing .0 */
    ck_assert_str_eq(cur(&v, "is_active"), "true");
    ck_assert_str_eq(cur(&v, "notes"), "line 1\nline 2");
    ck_assert_str_eq(cur(&v, "fuel_capacity"), "0.568");
    ck_assert_ptr_null(orig(&v, "engine_type")); /* null */
    ck_assert_str_eq(cur(&v, "engine_type"), "");
    ck_assert_ptr_null(orig(&v, "external_id")); /* absent */
    ck_assert_str_eq(cur(&v, "external_id"), "");
    ck_assert_str_eq(cur(&v, "eld_id"), "{\"odd\":1}"); /* wrong type: shown, not lost */
    ck_assert_int_eq(form_changed_count(&v), 0);
    /* Unchanged: the update body is the connection alone. */
    char *err = NULL;
    char *body = form_build_body(&v, "c-1", true, &err);
    ck_assert_ptr_nonnull(body);
    ck_assert_str_eq(body, "{\"connection_id\":\"c-1\"}");
    free(body);
    form_values_free(&v);
    form_values_free(&v); /* twice is harmless */
}
END_TEST

START_TEST(test_values_numbers)
{
    static const struct {
        const char *json, *want;
    } cases[] = {
        {"{\"trailer_length\":16.15}", "16.15"}, {"{\"trailer_length\":16.0}", "16"},
        {"{\"trailer_length\":0}", "0"},         {"{\"trailer_length\":-0.0}", "0"},
        {"{\"trailer_length\":0.1}", "0.1"},     {"{\"trailer_length\":1e20}", "1e+20"},
        {"{\"model_year\":false}", "false"},     {"{\"trailer_name\":\"\"}", ""},
    };
    for (int i = 0; i < N(cases); i++) {
        form_values v;
        form_values_init(&v, form_spec_get(FORM_TRAILER));
        ck_assert_int_eq(form_values_from_record(&v, cases[i].json, strlen(cases[i].json), NULL), 0);
        const char *name = strstr(cases[i].json, "model_year") ? "model_year"
                           : strstr(cases[i].json, "trailer_name") ? "trailer_name"
                                                                   : "trailer_length";
        ck_assert_msg(strcmp(cur(&v, name), cases[i].want) == 0, "%s -> %s", cases[i].json, cur(&v, name));
        ck_assert_ptr_nonnull(orig(&v, name));
        form_values_free(&v);
    }
}
END_TEST

START_TEST(test_values_bad_json)
{
    static const char *const bad[] = {"", "{", "[1,2]", "\"str\"", "null", "42", "{\"a\":}", "{}x"};
    for (int i = 0; i < N(bad); i++) {
        form_values v;
        form_values_init(&v, form_spec_get(FORM_VEHICLE));
        char *err = NULL;
        ck_assert_msg(form_values_from_record(&v, bad[i], strlen(bad[i]), &err) == -1, "%s", bad[i]);
        ck_assert_ptr_nonnull(err);
        ck_assert(strstr(err, "record"));
        free(err);
        ck_assert_str_eq(cur(&v, "vin"), "");
        form_values_free(&v);
    }
    form_values v;
    form_values_init(&v, form_spec_get(FORM_VEHICLE));
    ck_assert_int_eq(form_values_from_record(&v, NULL, 0, NULL), -1);
    /* len is honoured: the text after it is not read */
    ck_assert_int_eq(form_values_from_record(&v, "{\"oem\":\"A\"}garbage", 11, NULL), 0);
    ck_assert_str_eq(cur(&v, "oem"), "A");
    form_values_set(&v, -1, "x");   /* out of range: ignored */
    form_values_set(&v, 999, "x");
    ck_assert(!form_field_changed(&v, -1));
    ck_assert(!form_field_changed(&v, 999));
    form_values_free(&v);
}
END_TEST

static cJSON *parse_body(char *body)
{
    ck_assert_ptr_nonnull(body);
    cJSON *j = cJSON_Parse(body);
    ck_assert_ptr_nonnull(j);
    free(body);
    return j;
}

static int count_members(const cJSON *j)
{
    int n = 0;
    for (const cJSON *c = j->child; c; c = c->next)
        n++;
    return n;
}

START_TEST(test_patch_only_changed)
{
    form_values v = load_vehicle();
    set(&v, "vehicle_name", "Truck 8");
    set(&v, "model_year", " 2020 ");
    set(&v, "is_active", "TRUE");             /* same value as the record: not a change */
    set(&v, "license_plate_country", "usa");  /* same value once canonical */
    set(&v, "total_axles", "3");
    set(&v, "vin", "1m8gdm9axkp042788");
    set(&v, "status", "OUT_OF_SERVICE");
    set(&v, "notes", "");                     /* emptied -> null */
    set(&v, "engine_type", "");               /* was null, still empty: not a change */
    ck_assert_int_eq(form_changed_count(&v), 4);
    ck_assert(form_field_changed(&v, form_field_index(v.spec, "notes")));
    ck_assert(!form_field_changed(&v, form_field_index(v.spec, "is_active")));
    char *err = NULL;
    cJSON *j = parse_body(form_build_body(&v, "c-1", true, &err));
    ck_assert_ptr_null(err);
    ck_assert_int_eq(count_members(j), 5);
    ck_assert_str_eq(cJSON_GetObjectItem(j, "connection_id")->valuestring, "c-1");
    ck_assert_str_eq(cJSON_GetObjectItem(j, "vehicle_name")->valuestring, "Truck 8");
    cJSON *year = cJSON_GetObjectItem(j, "model_year");
    ck_assert(cJSON_IsNumber(year));
    ck_assert_int_eq(year->valueint, 2020);
    ck_assert_str_eq(cJSON_GetObjectItem(j, "status")->valuestring, "OUT_OF_SERVICE");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "notes")));
    cJSON_Delete(j);

    /* Emptying a boolean and a number sends null too; turning true to "no" sends false. */
    set(&v, "model_year", "");
    set(&v, "is_active", "no");
    j = parse_body(form_build_body(&v, "c-1", true, &err));
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "model_year")));
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "is_active")));
    cJSON_Delete(j);
    form_values_free(&v);
}
END_TEST

START_TEST(test_create_skips_empty)
{
    form_values v;
    form_values_init(&v, form_spec_get(FORM_TRAILER));
    set(&v, "trailer_name", "Reefer 3");
    set(&v, "trailer_length", "16.15");
    set(&v, "total_axles", "2");
    set(&v, "is_active", "yes");
    set(&v, "status", "active");
    set(&v, "notes", "  \n ");  /* whitespace only: empty */
    ck_assert_int_eq(form_changed_count(&v), 5);
    char *err = NULL;
    cJSON *j = parse_body(form_build_body(&v, "c-9", false, &err));
    ck_assert_int_eq(count_members(j), 6);
    ck_assert_str_eq(cJSON_GetObjectItem(j, "connection_id")->valuestring, "c-9");
    ck_assert_str_eq(cJSON_GetObjectItem(j, "trailer_name")->valuestring, "Reefer 3");
    ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(j, "trailer_length")));
    ck_assert_double_eq_tol(cJSON_GetObjectItem(j, "trailer_length")->valuedouble, 16.15, 1e-9);
    ck_assert_int_eq(cJSON_GetObjectItem(j, "total_axles")->valueint, 2);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "is_active")));
    ck_assert_str_eq(cJSON_GetObjectItem(j, "status")->valuestring, "active");
    ck_assert_ptr_null(cJSON_GetObjectItem(j, "notes"));
    ck_assert_ptr_null(cJSON_GetObjectItem(j, "vin"));
    cJSON_Delete(j);
    form_values_free(&v);
}
END_TEST

START_TEST(test_driver_create_body)
{
    form_values v;
    form_values_init(&v, form_spec_get(FORM_DRIVER));
    set(&v, "first_name", "Jos\xc3\xa9");
    set(&v, "last_name", "Mu\xc3\xb1oz");
    set(&v, "status", "active");
    set(&v, "license_country", "mex");
    set(&v, "license_expiration", "2028-02-29");
    set(&v, "default_time_zone", "America/Mexico_City");
    set(&v, "allow_yard_move", "1");
    set(&v, "notes", "Prefers\nnights");
    char *err = NULL;
    cJSON *j = parse_body(form_build_body(&v, "c-2", false, &err));
    ck_assert_int_eq(count_members(j), 9);
    ck_assert_str_eq(cJSON_GetObjectItem(j, "first_name")->valuestring, "Jos\xc3\xa9");
    ck_assert_str_eq(cJSON_GetObjectItem(j, "status")->valuestring, "ACTIVE");
    ck_assert_str_eq(cJSON_GetObjectItem(j, "license_country")->valuestring, "MEX");
    ck_assert_str_eq(cJSON_GetObjectItem(j, "license_expiration")->valuestring, "2028-02-29");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "allow_yard_move")));
    ck_assert_str_eq(cJSON_GetObjectItem(j, "notes")->valuestring, "Prefers\nnights");
    cJSON_Delete(j);
    form_values_free(&v);
}
END_TEST

typedef struct {
    form_kind kind;
    const char *name, *value;
    bool update;
    const char *err;
} body_err_case;

static const body_err_case body_err_cases[] = {
    {FORM_VEHICLE, "model_year", "1850", false, "Model year: must be a whole number between 1900 and 2100"},
    {FORM_VEHICLE, "model_year", "twenty", true, "Model year: must be a whole number between 1900 and 2100"},
    {FORM_VEHICLE, "status", "BROKEN", true, "Status: must be one of: IN_SERVICE,"},
    {FORM_VEHICLE, "total_axles", "30", true, "Total axles: must be a whole number between 1 and 20"},
    {FORM_TRAILER, "trailer_length", "-2", false, "Length: cannot be negative"},
    {FORM_DRIVER, "license_expiration", "2025-02-30", true, "License expires: day must be"},
    {FORM_DRIVER, "user_email", "nobody", false, "Email: must be an email address"},
    {FORM_DRIVER, "is_driver", "perhaps", true, "Is a driver: must be true or false"},
};

START_TEST(test_body_invalid)
{
    const body_err_case *tc = &body_err_cases[_i];
    form_values v;
    form_values_init(&v, form_spec_get(tc->kind));
    set(&v, tc->name, tc->value);
    char *err = NULL;
    char *body = form_build_body(&v, "c-1", tc->update, &err);
    ck_assert_ptr_null(body);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strncmp(err, tc->err, strlen(tc->err)) == 0, "got \"%s\"", err);
    free(err);
    form_values_free(&v);
}
END_TEST

START_TEST(test_body_first_invalid_and_connection)
{
    form_values v;
    form_values_init(&v, form_spec_get(FORM_VEHICLE));
    set(&v, "vin", "1HGCM82643A004352"); /* wrong check digit: a warning, still sent */
    char *err = NULL;
    cJSON *j = parse_body(form_build_body(&v, "c-1", false, &err));
    ck_assert_str_eq(cJSON_GetObjectItem(j, "vin")->valuestring, "1HGCM82643A004352");
    cJSON_Delete(j);
    /* Two invalid fields: the first in form order is named. */
    set(&v, "total_axles", "99");
    set(&v, "model_year", "3000");
    ck_assert_ptr_null(form_build_body(&v, "c-1", false, &err));
    ck_assert_msg(strncmp(err, "Model year:", 11) == 0, "%s", err);
    free(err);
    /* No connection. */
    ck_assert_ptr_null(form_build_body(&v, NULL, false, &err));
    ck_assert_ptr_nonnull(err);
    free(err);
    ck_assert_ptr_null(form_build_body(&v, "", true, &err));
    ck_assert_ptr_nonnull(err);
    free(err);
    ck_assert_ptr_null(form_build_body(NULL, "c-1", true, NULL));
    /* The connection id is escaped like any string. */
    set(&v, "total_axles", "");
    set(&v, "model_year", "");
    j = parse_body(form_build_body(&v, "a\"b\\c", false, &err));
    ck_assert_str_eq(cJSON_GetObjectItem(j, "connection_id")->valuestring, "a\"b\\c");
    cJSON_Delete(j);
    form_values_free(&v);
}
END_TEST

START_TEST(test_required_on_create)
{
    static const field_spec fields[] = {
        {.name = "name", .label = "Name", .type = FT_STRING, .required_on_create = true},
        {.name = "size", .label = "Size", .type = FT_INT}, /* no range: any whole number */
    };
    static const form_spec spec = {.kind = FORM_VEHICLE, .resource = "thing", .title = "Thing", .path = "/things",
                                   .fields = fields, .nfields = 2};
    form_values v;
    form_values_init(&v, &spec);
    set(&v, "size", "-123456");
    char *err = NULL;
    ck_assert_ptr_null(form_build_body(&v, "c", false, &err));
    ck_assert_str_eq(err, "Name: required");
    free(err);
    /* An update may leave it alone. */
    cJSON *j = parse_body(form_build_body(&v, "c", true, &err));
    ck_assert_int_eq(cJSON_GetObjectItem(j, "size")->valueint, -123456);
    cJSON_Delete(j);
    set(&v, "name", "x");
    set(&v, "size", "12x");
    ck_assert_ptr_null(form_build_body(&v, "c", false, &err));
    ck_assert_str_eq(err, "Size: must be a whole number");
    free(err);
    form_values_free(&v);
}
END_TEST

START_TEST(test_round_trip)
{
    /* Values built into a create body read back as the same form. */
    form_values a;
    form_values_init(&a, form_spec_get(FORM_VEHICLE));
    set(&a, "vehicle_name", "Cami\xc3\xb3n \xe7\x8e\x8b");
    set(&a, "model_year", "2021");
    set(&a, "is_active", "false");
    set(&a, "notes", "a\nb");
    set(&a, "engine_type", "ELECTRICITY");
    char *err = NULL;
    char *body = form_build_body(&a, "c-1", false, &err);
    ck_assert_ptr_nonnull(body);
    form_values b;
    form_values_init(&b, form_spec_get(FORM_VEHICLE));
    ck_assert_int_eq(form_values_from_record(&b, body, strlen(body), &err), 0);
    for (int i = 0; i < a.spec->nfields; i++)
        ck_assert_str_eq(a.cur[i], b.cur[i]);
    ck_assert_int_eq(form_changed_count(&b), 0);
    free(body);
    form_values_free(&a);
    form_values_free(&b);
}
END_TEST

/* The log forms are exactly DvirLogCreate and FuelTransactionCreate minus connection_id, with
 * their required fields required, references typed as such and the contract's enums. */
static Suite *form_values_suite(void)
{
    Suite *s = suite_create("form_values");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_values_from_record);
    tcase_add_test(tc, test_values_numbers);
    tcase_add_test(tc, test_values_bad_json);
    tcase_add_test(tc, test_patch_only_changed);
    tcase_add_test(tc, test_create_skips_empty);
    tcase_add_test(tc, test_driver_create_body);
    tcase_add_loop_test(tc, test_body_invalid, 0, N(body_err_cases));
    tcase_add_test(tc, test_body_first_invalid_and_connection);
    tcase_add_test(tc, test_required_on_create);
    tcase_add_test(tc, test_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite_nofork(form_values_suite());
    return failed != 0;
}
