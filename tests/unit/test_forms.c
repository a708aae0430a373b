/* Unit tests of src/core/forms.c: the field specs against the contract, typed validation, VIN
 * check digits, moments and derived counts (reading records and building bodies:
 * test_form_values.c). */
#include "core/api_enums.h"
#include "core/forms.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "suite_runner.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const field_spec *field(form_kind k, const char *name)
{
    const form_spec *s = form_spec_get(k);
    int i = form_field_index(s, name);
    ck_assert_msg(i >= 0, "no field %s", name);
    return &s->fields[i];
}

/* ------------------------------------------------------------------ specs vs. the contract */

/* The properties of VehicleUpdate, TrailerUpdate and UserUpdate in openapi.yaml, minus connection_id. */
static const char *const vehicle_props[] = {
    "vehicle_name", "oem", "model_type", "model_year", "vin", "engine_vin", "license_plate_region",
    "license_plate_country", "license_plate_number", "is_active", "status", "notes", "eld_id",
    "eld_serial_number", "eld_device_type", "eld_product_id", "total_axles", "external_id",
    "speed_unit", "odometer_unit", "fuel_unit", "fuel_capacity", "engine_type", NULL};
static const char *const trailer_props[] = {
    "trailer_name", "oem", "model_type", "model_year", "vin", "license_plate_region",
    "license_plate_country", "license_plate_number", "is_active", "status", "notes", "eld_id",
    "eld_serial_number", "eld_device_type", "eld_product_id", "total_axles", "external_id",
    "trailer_length", "trailer_type", NULL};
static const char *const user_props[] = {
    "username", "is_active", "status", "is_driver", "user_designation", "user_email", "first_name",
    "last_name", "phone_number", "country_code", "license_country", "license_region", "license_number",
    "license_expiration", "employee_number", "carrier_number", "notes", "hos_ruleset_code",
    "allow_yard_move", "allow_personal_conveyance", "allow_adverse_driving", "default_time_zone",
    "hos_compliance_type", "hos_tracking_method", NULL};

typedef struct {
    form_kind kind;
    const char *const *props;
    const char *resource, *title, *path, *first;
} spec_case;

static const spec_case spec_cases[] = {
    {FORM_VEHICLE, vehicle_props, "vehicle", "Vehicle", "/v2/telematics/vehicles", "vehicle_name"},
    {FORM_TRAILER, trailer_props, "trailer", "Trailer", "/v2/telematics/trailers", "trailer_name"},
    {FORM_DRIVER, user_props, "user", "Driver", "/v2/telematics/users", "first_name"},
};

START_TEST(test_spec_fields_match_contract)
{
    const spec_case *tc = &spec_cases[_i];
    const form_spec *s = form_spec_get(tc->kind);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(s->kind, tc->kind);
    ck_assert_str_eq(s->resource, tc->resource);
    ck_assert_str_eq(s->title, tc->title);
    ck_assert_str_eq(s->path, tc->path);
    ck_assert_str_eq(s->fields[0].name, tc->first); /* names first */
    int n = 0;
    for (const char *const *p = tc->props; *p; p++, n++)
        ck_assert_msg(form_field_index(s, *p) >= 0, "%s lacks %s", s->title, *p);
    ck_assert_int_eq(s->nfields, n); /* exactly these: nothing else, no duplicates */
    ck_assert_int_eq(form_field_index(s, "connection_id"), -1);
    ck_assert_str_eq(s->fields[s->nfields - 1].name, "notes");
    for (int i = 0; i < s->nfields; i++) {
        const field_spec *f = &s->fields[i];
        ck_assert(f->label && f->label[0]);
        ck_assert(!f->required_on_create); /* only connection_id is required by the contract */
        ck_assert((f->type == FT_ENUM) == (f->enum_values != NULL));
        if (f->type == FT_INT)
            ck_assert(f->min < f->max);
    }
    ck_assert_ptr_eq(form_spec_by_name(tc->resource), s);
    ck_assert_ptr_eq(form_spec_by_name(tc->title), s);
}
END_TEST

typedef struct {
    form_kind kind;
    const char *name;
    field_type type;
    int nenum;     /* for FT_ENUM */
    const char *first_enum, *last_enum;
    long min, max; /* for FT_INT */
} type_case;

static const type_case type_cases[] = {
    {FORM_VEHICLE, "model_year", FT_INT, 0, NULL, NULL, 1900, 2100},
    {FORM_VEHICLE, "total_axles", FT_INT, 0, NULL, NULL, 1, 20},
    {FORM_VEHICLE, "vin", FT_VIN, 0, NULL, NULL, 0, 0},
    {FORM_VEHICLE, "engine_vin", FT_STRING, 0, NULL, NULL, 0, 0},
    {FORM_VEHICLE, "is_active", FT_BOOL, 0, NULL, NULL, 0, 0},
    {FORM_VEHICLE, "license_plate_country", FT_COUNTRY3, 0, NULL, NULL, 0, 0},
    {FORM_VEHICLE, "status", FT_ENUM, 8, "IN_SERVICE", "SPARE", 0, 0},
    {FORM_VEHICLE, "engine_type", FT_ENUM, 11, "GASOLINE", "HYBRID", 0, 0},
    {FORM_VEHICLE, "fuel_capacity", FT_STRING, 0, NULL, NULL, 0, 0},
    {FORM_VEHICLE, "notes", FT_TEXT, 0, NULL, NULL, 0, 0},
    {FORM_TRAILER, "trailer_length", FT_NUMBER, 0, NULL, NULL, 0, 0},
    {FORM_TRAILER, "status", FT_STRING, 0, NULL, NULL, 0, 0},
    {FORM_TRAILER, "model_year", FT_INT, 0, NULL, NULL, 1900, 2100},
    {FORM_TRAILER, "total_axles", FT_INT, 0, NULL, NULL, 1, 20},
    {FORM_TRAILER, "vin", FT_VIN, 0, NULL, NULL, 0, 0},
    {FORM_DRIVER, "status", FT_ENUM, 2, "ACTIVE", "INACTIVE", 0, 0},
    {FORM_DRIVER, "country_code", FT_COUNTRY3, 0, NULL, NULL, 0, 0},
    {FORM_DRIVER, "license_country", FT_COUNTRY3, 0, NULL, NULL, 0, 0},
    {FORM_DRIVER, "license_expiration", FT_DATE, 0, NULL, NULL, 0, 0},
    {FORM_DRIVER, "user_email", FT_EMAIL, 0, NULL, NULL, 0, 0},
    {FORM_DRIVER, "is_driver", FT_BOOL, 0, NULL, NULL, 0, 0},
    {FORM_DRIVER, "allow_adverse_driving", FT_BOOL, 0, NULL, NULL, 0, 0},
    {FORM_DRIVER, "hos_ruleset_code", FT_ENUM, 134, "US_INT_PROP_60_7", "US_TX_INTRA_OILWL_70_7", 0, 0},
    {FORM_DRIVER, "default_time_zone", FT_ENUM, 169, "UTC", "Pacific/Auckland", 0, 0},
    {FORM_DRIVER, "hos_compliance_type", FT_ENUM, 2, "exempt", "non_exempt", 0, 0},
    {FORM_DRIVER, "hos_tracking_method", FT_ENUM, 2, "manual", "automatic", 0, 0},
};

START_TEST(test_field_types)
{
    const type_case *tc = &type_cases[_i];
    const field_spec *f = field(tc->kind, tc->name);
    ck_assert_msg(f->type == tc->type, "%s: type %d", tc->name, f->type);
    if (tc->type == FT_ENUM) {
        int n = 0;
        while (f->enum_values[n])
            n++;
        ck_assert_int_eq(n, tc->nenum);
        ck_assert_str_eq(f->enum_values[0], tc->first_enum);
        ck_assert_str_eq(f->enum_values[n - 1], tc->last_enum);
    }
    if (tc->type == FT_INT) {
        ck_assert_int_eq(f->min, tc->min);
        ck_assert_int_eq(f->max, tc->max);
    }
}
END_TEST

START_TEST(test_spec_lookup_invalid)
{
    ck_assert_ptr_null(form_spec_get(FORM__COUNT));
    ck_assert_ptr_null(form_spec_get((form_kind)-1));
    ck_assert_ptr_null(form_spec_by_name(NULL));
    ck_assert_ptr_null(form_spec_by_name(""));
    ck_assert_ptr_null(form_spec_by_name("truck"));
    ck_assert_ptr_null(form_spec_by_name("vehicles"));
    ck_assert_ptr_eq(form_spec_by_name("driver"), form_spec_get(FORM_DRIVER));
    ck_assert_ptr_eq(form_spec_by_name("USER"), form_spec_get(FORM_DRIVER));
    ck_assert_int_eq(form_field_index(NULL, "vin"), -1);
    ck_assert_int_eq(form_field_index(form_spec_get(FORM_VEHICLE), NULL), -1);
    ck_assert_int_eq(form_field_index(form_spec_get(FORM_VEHICLE), "VIN"), -1);
    ck_assert_int_eq(form_field_index(form_spec_get(FORM_TRAILER), "engine_type"), -1);
    ck_assert_int_eq(form_field_index(form_spec_get(FORM_TRAILER), "speed_unit"), -1);
}
END_TEST

/* ------------------------------------------------------------------ VIN check digit */

static const struct {
    const char *vin;
    bool ok;
} vin_cases[] = {
    {"1M8GDM9AXKP042788", true},  /* remainder 10 -> X */
    {"11111111111111111", true},
    {"1HGCM82633A004352", true},
    {"JH4KA7561PC008269", true},
    {"2T1BURHE0JC074320", true},
    {"1hgcm82633a004352", true},  /* case-insensitive */
    {"1M8GDM9A1KP042788", false}, /* X replaced */
    {"1HGCM82643A004352", false},
    {"11111111211111111", false},
    {"5YJSA1E14HF000001", false},
    {"WP0ZZZ99ZTS392124", false}, /* European, no check digit */
    {"1HGCM82633A00435", false},  /* 16 */
    {"1HGCM82633A0043521", false}, /* 18 */
    {"1HGCM8263IA004352", false}, /* I */
    {"1HGCM82633A00435-", false},
    {"", false},
    {NULL, false},
};

START_TEST(test_vin_check_digit)
{
    ck_assert_msg(vin_check_digit_ok(vin_cases[_i].vin) == vin_cases[_i].ok, "%s",
                  vin_cases[_i].vin ? vin_cases[_i].vin : "(null)");
}
END_TEST

/* ------------------------------------------------------------------ validation */

typedef struct {
    form_kind kind;
    const char *name;
    const char *value;
    int rc;
    const char *err;  /* substring of the error, when rc == -1 */
    const char *warn; /* substring of the warning; "" = no warning */
} valid_case;

static const valid_case valid_cases[] = {
    /* every type: empty means "clear" and is always valid */
    {FORM_VEHICLE, "model_year", "", 0, NULL, ""},
    {FORM_VEHICLE, "vin", "   ", 0, NULL, ""},
    {FORM_DRIVER, "license_expiration", "", 0, NULL, ""},
    {FORM_DRIVER, "hos_ruleset_code", "", 0, NULL, ""},
    /* FT_STRING */
    {FORM_VEHICLE, "vehicle_name", "Truck 12", 0, NULL, ""},
    {FORM_VEHICLE, "vehicle_name", "Cami\xc3\xb3n \xe7\x8e\x8b \xf0\x9f\x9a\x9a", 0, NULL, ""},
    {FORM_VEHICLE, "vehicle_name", "two\nlines", -1, "single line", NULL},
    {FORM_VEHICLE, "vehicle_name", "a\x1b[2Jb", -1, "control character", NULL},
    {FORM_VEHICLE, "vehicle_name", "a\xc2\x9b" "b", -1, "control character", NULL},
    {FORM_VEHICLE, "vehicle_name", "bad \xff utf8", -1, "UTF-8", NULL},
    {FORM_VEHICLE, "vehicle_name", "overlong \xc0\xaf", -1, "UTF-8", NULL},
    {FORM_VEHICLE, "vehicle_name", "surrogate \xed\xa0\x80", -1, "UTF-8", NULL},
    {FORM_VEHICLE, "vehicle_name", "cut \xe4\xb8", -1, "UTF-8", NULL},
    /* FT_TEXT */
    {FORM_VEHICLE, "notes", "line 1\nline 2\r\n\ttabbed", 0, NULL, ""},
    {FORM_VEHICLE, "notes", "bell\a", -1, "control character", NULL},
    {FORM_VEHICLE, "notes", "bad \xfe", -1, "UTF-8", NULL},
    /* FT_INT */
    {FORM_VEHICLE, "model_year", "2019", 0, NULL, ""},
    {FORM_VEHICLE, "model_year", " 1900 ", 0, NULL, ""},
    {FORM_VEHICLE, "model_year", "2100", 0, NULL, ""},
    {FORM_VEHICLE, "model_year", "1899", -1, "must be a whole number between 1900 and 2100", NULL},
    {FORM_VEHICLE, "model_year", "2101", -1, "between 1900 and 2100", NULL},
    {FORM_VEHICLE, "model_year", "19a9", -1, "whole number", NULL},
    {FORM_VEHICLE, "model_year", "2019.5", -1, "whole number", NULL},
    {FORM_VEHICLE, "model_year", "-", -1, "whole number", NULL},
    {FORM_VEHICLE, "model_year", "99999999999999999999999", -1, "whole number", NULL},
    {FORM_VEHICLE, "model_year", "0x7e3", -1, "whole number", NULL},
    {FORM_VEHICLE, "total_axles", "1", 0, NULL, ""},
    {FORM_VEHICLE, "total_axles", "20", 0, NULL, ""},
    {FORM_VEHICLE, "total_axles", "0", -1, "between 1 and 20", NULL},
    {FORM_VEHICLE, "total_axles", "21", -1, "between 1 and 20", NULL},
    {FORM_VEHICLE, "total_axles", "-3", -1, "between 1 and 20", NULL},
    /* FT_NUMBER */
    {FORM_TRAILER, "trailer_length", "16.15", 0, NULL, ""},
    {FORM_TRAILER, "trailer_length", "16", 0, NULL, ""},
    {FORM_TRAILER, "trailer_length", "0", 0, NULL, ""},
    {FORM_TRAILER, "trailer_length", ".5", 0, NULL, ""},
    {FORM_TRAILER, "trailer_length", "-1", -1, "negative", NULL},
    {FORM_TRAILER, "trailer_length", "16,15", -1, "use a dot", NULL},
    {FORM_TRAILER, "trailer_length", "abc", -1, "must be a number", NULL},
    {FORM_TRAILER, "trailer_length", ".", -1, "must be a number", NULL},
    {FORM_TRAILER, "trailer_length", "1e3", -1, "must be a number", NULL},
    {FORM_TRAILER, "trailer_length", "inf", -1, "must be a number", NULL},
    {FORM_TRAILER, "trailer_length", "nan", -1, "must be a number", NULL},
    {FORM_TRAILER, "trailer_length", "1.2.3", -1, "must be a number", NULL},
    /* FT_BOOL */
    {FORM_VEHICLE, "is_active", "true", 0, NULL, ""},
    {FORM_VEHICLE, "is_active", "FALSE", 0, NULL, ""},
    {FORM_VEHICLE, "is_active", "Yes", 0, NULL, ""},
    {FORM_VEHICLE, "is_active", "no", 0, NULL, ""},
    {FORM_VEHICLE, "is_active", "1", 0, NULL, ""},
    {FORM_VEHICLE, "is_active", "0", 0, NULL, ""},
    {FORM_VEHICLE, "is_active", "maybe", -1, "true or false", NULL},
    {FORM_VEHICLE, "is_active", "2", -1, "true or false", NULL},
    {FORM_VEHICLE, "is_active", "yess", -1, "true or false", NULL},
    /* FT_ENUM */
    {FORM_VEHICLE, "status", "IN_SERVICE", 0, NULL, ""},
    {FORM_VEHICLE, "status", "in_service", 0, NULL, "sent as IN_SERVICE"},
    {FORM_VEHICLE, "status", "BROKEN", -1,
     "must be one of: IN_SERVICE, OUT_OF_SERVICE, IN_REPAIR, IN_TRANSIT, IN_USE, IN_STORAGE, STANDING, SPARE",
     NULL},
    {FORM_VEHICLE, "engine_type", "DIESEL", 0, NULL, ""},
    {FORM_VEHICLE, "engine_type", "steam", -1, "GASOLINE, DIESEL", NULL},
    {FORM_DRIVER, "status", "ACTIVE", 0, NULL, ""},
    {FORM_DRIVER, "status", "SUSPENDED", -1, "must be one of: ACTIVE, INACTIVE", NULL},
    {FORM_DRIVER, "hos_compliance_type", "EXEMPT", 0, NULL, "sent as exempt"},
    {FORM_DRIVER, "hos_tracking_method", "auto", -1, "manual, automatic", NULL},
    {FORM_DRIVER, "hos_ruleset_code", "US_INT_PROP_70_8", 0, NULL, ""},
    {FORM_DRIVER, "hos_ruleset_code", "CA_OIL_TEAM", 0, NULL, ""},
    {FORM_DRIVER, "hos_ruleset_code", "US_INT_PROP_70_9", -1, "must be one of: US_INT_PROP_60_7,", NULL},
    {FORM_DRIVER, "default_time_zone", "America/Chicago", 0, NULL, ""},
    {FORM_DRIVER, "default_time_zone", "america/new_york", 0, NULL, "sent as America/New_York"},
    {FORM_DRIVER, "default_time_zone", "Chicago", -1, "did you mean: America/Chicago", NULL},
    {FORM_DRIVER, "default_time_zone", "Mars/Olympus", -1, "must be one of: UTC, Pacific/Honolulu", NULL},
    /* FT_COUNTRY3 */
    {FORM_VEHICLE, "license_plate_country", "USA", 0, NULL, ""},
    {FORM_VEHICLE, "license_plate_country", "can", 0, NULL, "sent as CAN"},
    {FORM_VEHICLE, "license_plate_country", "A_1", 0, NULL, ""},
    {FORM_VEHICLE, "license_plate_country", "US", -1, "USA, not US", NULL},
    {FORM_VEHICLE, "license_plate_country", "USAA", -1, "3-letter country code in uppercase", NULL},
    {FORM_VEHICLE, "license_plate_country", "U-A", -1, "3-letter", NULL},
    {FORM_VEHICLE, "license_plate_country", "\xc3\x89UA", -1, "3-letter", NULL},
    {FORM_DRIVER, "country_code", "MEX", 0, NULL, ""},
    {FORM_DRIVER, "license_country", "ca", -1, "CAN, not ca", NULL},
    {FORM_TRAILER, "license_plate_country", "Deutschland", 0, NULL, ""}, /* free string for trailers */
    /* FT_VIN */
    {FORM_VEHICLE, "vin", "1HGCM82633A004352", 0, NULL, ""},
    {FORM_VEHICLE, "vin", "1M8GDM9AXKP042788", 0, NULL, ""},
    {FORM_VEHICLE, "vin", "1hgcm82633a004352", 0, NULL, ""},
    {FORM_VEHICLE, "vin", "1HGCM82643A004352", 0, NULL, "check digit (9th character) is 4 but should be 3"},
    /* VINs are free text upstream: anything else is a warning, sent as typed (issue 13). */
    {FORM_VEHICLE, "vin", "1HGCM82633A00435", 0, NULL, "17-character VIN (this one has 16): sent as typed"},
    {FORM_VEHICLE, "vin", "1HGCM82633O004352", 0, NULL, "never I, O or Q"},
    {FORM_VEHICLE, "vin", "1HGCM82633Q00435", 0, NULL, "(this one has 16)"},
    {FORM_VEHICLE, "vin", "1HGCM 82633A004352", 0, NULL, "(this one has 18)"},
    {FORM_VEHICLE, "vin", "1HGCM82633A00435\xc3\xa9", 0, NULL, "only A-Z and 0-9"},
    {FORM_VEHICLE, "vin", "VIN-238797dfa69ff", 0, NULL, "sent as typed"},
    {FORM_TRAILER, "vin", "trailer 7", 0, NULL, "not a standard 17-character VIN"},
    {FORM_VEHICLE, "vin", "two\nlines", -1, "single line", NULL},
    {FORM_TRAILER, "vin", "1M8GDM9AXKP042788", 0, NULL, ""},
    /* FT_DATE */
    {FORM_DRIVER, "license_expiration", "2027-03-31", 0, NULL, ""},
    {FORM_DRIVER, "license_expiration", "2024-02-29", 0, NULL, ""},
    {FORM_DRIVER, "license_expiration", "2000-02-29", 0, NULL, ""},
    {FORM_DRIVER, "license_expiration", "2023-02-29", -1, "February 2023 has 28 days", NULL},
    {FORM_DRIVER, "license_expiration", "2100-02-29", -1, "February 2100 has 28 days", NULL},
    {FORM_DRIVER, "license_expiration", "2027-04-31", -1, "April 2027 has 30 days", NULL},
    {FORM_DRIVER, "license_expiration", "2027-04-00", -1, "day must be between 01 and 30", NULL},
    {FORM_DRIVER, "license_expiration", "2027-13-01", -1, "month must be between 01 and 12", NULL},
    {FORM_DRIVER, "license_expiration", "2027-00-10", -1, "month", NULL},
    {FORM_DRIVER, "license_expiration", "1899-12-31", -1, "year must be between", NULL},
    {FORM_DRIVER, "license_expiration", "2027-3-31", -1, "YYYY-MM-DD", NULL},
    {FORM_DRIVER, "license_expiration", "31/03/2027", -1, "YYYY-MM-DD", NULL},
    {FORM_DRIVER, "license_expiration", "2027-03-31T00:00", -1, "YYYY-MM-DD", NULL},
    {FORM_DRIVER, "license_expiration", "2027-+3-31", -1, "YYYY-MM-DD", NULL},
    /* FT_EMAIL */
    {FORM_DRIVER, "user_email", "jose@example.com", 0, NULL, ""},
    {FORM_DRIVER, "user_email", "first.last+tag@mail.example.co.uk", 0, NULL, ""},
    {FORM_DRIVER, "user_email", "jos\xc3\xa9@ejemplo.mx", 0, NULL, ""},
    {FORM_DRIVER, "user_email", "jose", -1, "email address like name@example.com", NULL},
    {FORM_DRIVER, "user_email", "@example.com", -1, "email address", NULL},
    {FORM_DRIVER, "user_email", "jose@", -1, "email address", NULL},
    {FORM_DRIVER, "user_email", "jose@localhost", -1, "email address", NULL},
    {FORM_DRIVER, "user_email", "jose@@example.com", -1, "email address", NULL},
    {FORM_DRIVER, "user_email", "jo se@example.com", -1, "email address", NULL},
    {FORM_DRIVER, "user_email", "jose@example..com", -1, "email address", NULL},
    {FORM_DRIVER, "user_email", "jose@example.com.", -1, "email address", NULL},
    {FORM_DRIVER, "user_email", "<jose@example.com>", -1, "email address", NULL},
};

START_TEST(test_validate_table)
{
    const valid_case *tc = &valid_cases[_i];
    const field_spec *f = field(tc->kind, tc->name);
    char err[512] = "junk", warn[512] = "junk";
    int rc = form_validate(f, tc->value, err, sizeof err, warn, sizeof warn);
    ck_assert_msg(rc == tc->rc, "%s=\"%s\": rc %d (err \"%s\")", tc->name, tc->value, rc, err);
    if (rc == 0) {
        ck_assert_msg(err[0] == '\0', "%s=\"%s\": err \"%s\"", tc->name, tc->value, err);
        if (tc->warn[0])
            ck_assert_msg(strstr(warn, tc->warn), "%s=\"%s\": warn \"%s\"", tc->name, tc->value, warn);
        else
            ck_assert_msg(warn[0] == '\0', "%s=\"%s\": warn \"%s\"", tc->name, tc->value, warn);
    } else {
        ck_assert_msg(strstr(err, tc->err), "%s=\"%s\": err \"%s\"", tc->name, tc->value, err);
    }
    /* NULL or zero-sized buffers are fine. */
    ck_assert_int_eq(form_validate(f, tc->value, NULL, 0, NULL, 0), tc->rc);
    char tiny[4];
    ck_assert_int_eq(form_validate(f, tc->value, tiny, sizeof tiny, tiny, sizeof tiny), tc->rc);
    ck_assert(strlen(tiny) < sizeof tiny);
}
END_TEST

START_TEST(test_enum_error_fits)
{
    /* A long enum with no match is cut to the buffer and says how many values it left out. */
    const field_spec *f = field(FORM_DRIVER, "hos_ruleset_code");
    char err[120];
    ck_assert_int_eq(form_validate(f, "nonsense value", err, sizeof err, NULL, 0), -1);
    ck_assert_msg(strstr(err, "more)"), "%s", err);
    ck_assert_uint_lt(strlen(err), sizeof err);
    /* Several matches are listed. */
    char big[1024];
    f = field(FORM_DRIVER, "default_time_zone");
    ck_assert_int_eq(form_validate(f, "Indiana", big, sizeof big, NULL, 0), -1);
    ck_assert_msg(strstr(big, "America/Indiana/Knox") && strstr(big, "America/Indiana/Winamac"), "%s", big);
    ck_assert_msg(!strstr(big, "UTC"), "%s", big);
    ck_assert_int_eq(form_validate(NULL, "x", big, sizeof big, NULL, 0), -1);
}
END_TEST

/* ------------------------------------------------------------------ the log forms vs. the contract */

static const char *const dvir_props[] = {"driver_id", "vehicle_id", "trailer_id", "occurred_at", "log_type",
                                         "inspected_by", "defect_count", "defects", "is_safety_critical",
                                         "driver_comment", "certify_comment", "odometer", "odometer_unit", NULL};
static const char *const fuel_props[] = {"driver_id", "vehicle_id", "co_driver_id", "latitude", "longitude",
                                         "location_string", "odometer", "odometer_unit", "transaction_time",
                                         "transaction_jurisdiction", "fuel_type", "fuel_volume", "fuel_volume_unit",
                                         "fuel_vendor", "total_cost", "currency", NULL};

START_TEST(test_log_forms_match_the_contract)
{
    static const struct {
        form_kind kind;
        const char *const *props;
        const char *required[5];
    } cases[] = {{FORM_DVIR, dvir_props, {"driver_id", NULL}},
                 {FORM_FUEL, fuel_props, {"driver_id", "vehicle_id", "fuel_volume", "fuel_volume_unit", NULL}}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const form_spec *s = form_spec_get(cases[c].kind);
        int n = 0;
        for (const char *const *p = cases[c].props; *p; p++, n++)
            ck_assert_msg(form_field_index(s, *p) >= 0, "%s lacks %s", s->title, *p);
        ck_assert_int_eq(s->nfields, n);
        for (int i = 0; i < s->nfields; i++) {
            const field_spec *f = &s->fields[i];
            bool req = false;
            for (int k = 0; cases[c].required[k]; k++)
                req |= strcmp(cases[c].required[k], f->name) == 0;
            ck_assert_msg(f->required_on_create == req, "%s.%s", s->title, f->name);
            ck_assert((strstr(f->name, "_id") != NULL) == (f->type == FT_REF));
        }
        ck_assert_ptr_eq(form_spec_by_name(s->resource), s);
    }
    ck_assert_ptr_eq(field(FORM_DVIR, "defects")->enum_values, api_enum_DvirDefectEnum);
    ck_assert_ptr_eq(field(FORM_DVIR, "log_type")->enum_values, api_enum_DvirLogTypeEnum);
    ck_assert_ptr_eq(field(FORM_DVIR, "odometer_unit")->enum_values, api_enum_DistanceUnitEnum);
    ck_assert_ptr_eq(field(FORM_FUEL, "fuel_volume_unit")->enum_values, api_enum_FuelVolumeUnitEnum);
    ck_assert_ptr_eq(field(FORM_FUEL, "fuel_type")->enum_values, api_enum_EngineType);
    ck_assert_int_eq(field(FORM_FUEL, "latitude")->min, -90);
    ck_assert_int_eq(field(FORM_FUEL, "longitude")->max, 180);
    ck_assert_str_eq(field(FORM_DVIR, "defect_count")->count_of, "defects");
}
END_TEST

/* ------------------------------------------------------------------ moments and derived counts */

static int64_t fixed_now(void *ud)
{
    return *(const int64_t *)ud;
}

static const char *canon_dt(const char *in, char *err, size_t errcap)
{
    static const field_spec f = {.name = "occurred_at", .label = "Time", .type = FT_DATETIME};
    static strbuf out = STRBUF_INIT;
    strbuf_reset(&out);
    return form_canonical(&f, in, &out, err, errcap) == 0 ? strbuf_cstr(&out) : NULL;
}

START_TEST(test_datetime_local_zone_and_the_future)
{
    int64_t now = 1772409600000LL; /* 2026-03-02T00:00:00Z */
    forms_set_clock(fixed_now, &now);
    char err[200];
    setenv("TZ", "America/New_York", 1);
    tzset();
    char buf[40];
    forms_local_now(buf, sizeof buf);
    ck_assert_str_eq(buf, "2026-03-01 19:00");
    ck_assert_str_eq(canon_dt("now", err, sizeof err), "2026-03-01T19:00:00-05:00");
    ck_assert_str_eq(canon_dt(" 2026-03-01 18:30 ", err, sizeof err), "2026-03-01T18:30:00-05:00");
    ck_assert_str_eq(canon_dt("2026-03-01T20:30:00.25Z", err, sizeof err), "2026-03-01T15:30:00-05:00");
    ck_assert_str_eq(canon_dt("2026-03-01T23:00+02:00", err, sizeof err), "2026-03-01T16:00:00-05:00");
    /* A clock a little ahead is not the future; more is. */
    ck_assert_ptr_nonnull(canon_dt("2026-03-01 19:01", err, sizeof err));
    ck_assert_ptr_null(canon_dt("2026-03-01 19:03", err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "is in the future"));
    static const char *const bad[] = {"2026-03-01", "2026-3-1 10:00", "2026-03-01 24:00", "2026-02-29 10:00",
                                      "2026-03-01 10:00 +02:00", "2026-03-01T10:00+2", "tomorrow"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(canon_dt(bad[i], err, sizeof err) == NULL, "%s accepted", bad[i]);
    setenv("TZ", "UTC", 1);
    tzset();
    forms_set_clock(NULL, NULL);
    ck_assert_int_gt(forms_now_ms(), now); /* the real clock again */
}
END_TEST

START_TEST(test_defect_count_follows_the_defects)
{
    const form_spec *fs = form_spec_get(FORM_DVIR);
    form_values v;
    form_values_init(&v, fs);
    int defects = form_field_index(fs, "defects"), count = form_field_index(fs, "defect_count");
    form_values_set(&v, defects, "tires, Brakes,tires mirrors");
    ck_assert_str_eq(v.cur[count], "3");
    form_values_set(&v, defects, "brakes, warp_drive"); /* not a list of defects: no count */
    ck_assert_str_eq(v.cur[count], "");
    form_values_set(&v, defects, "");
    ck_assert_str_eq(v.cur[count], "");
    ck_assert_int_eq(form_list_count("a, b, c"), 3);
    ck_assert_int_eq(form_list_count(""), 0);
    form_values_free(&v);
}
END_TEST

static Suite *forms_suite(void)
{

    Suite *s = suite_create("forms");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_spec_fields_match_contract, 0, N(spec_cases));
    tcase_add_loop_test(tc, test_field_types, 0, N(type_cases));
    tcase_add_test(tc, test_spec_lookup_invalid);
    tcase_add_loop_test(tc, test_vin_check_digit, 0, N(vin_cases));
    tcase_add_loop_test(tc, test_validate_table, 0, N(valid_cases));
    tcase_add_test(tc, test_enum_error_fits);
    tcase_add_test(tc, test_datetime_local_zone_and_the_future);
    tcase_add_test(tc, test_defect_count_follows_the_defects);
    tcase_add_test(tc, test_log_forms_match_the_contract);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite_nofork(forms_suite());
    return failed != 0;
}
