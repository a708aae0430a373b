/* The resource table (core/api_resources.c): its shape holds for every resource, decoding follows
 * it (required fields, wrong types, huge numbers clamped), cells and --set bodies come from it. */
#include "core/api_decode.h"
#include "core/api_resources.h"
#include "core/forms.h"
#include "core/text.h"
#include "suite_runner.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define VID "019ddd87-eedd-710f-967c-1c6cc72ac985"
#define CID "7c2f6fec-0000-4000-8000-000000000001"
#define TELEMATICS "\"id\":\"" VID "\",\"connection_id\":\"" CID "\",\"source_name\":\"samsara\",\"source_id\":\"9\""

static size_t store_size(store_type st)
{
    switch (st) {
    case ST_UUID: return sizeof(uuid);
    case ST_STR: return sizeof(sref);
    case ST_I16: return sizeof(int16_t);
    case ST_F32: return sizeof(float);
    case ST_BOOL: return sizeof(uint8_t);
    case ST_NONE: break;
    }
    return 0;
}

/* ------------------------------------------------------------------ the table's shape */

START_TEST(every_resource_is_consistent)
{
    const api_resource *r = api_resource_get((record_kind)_i);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->kind, _i);
    ck_assert_ptr_eq(api_resource_by_name(r->name), r);
    ck_assert_uint_eq(record_size(r->kind), r->rec_size);
    ck_assert(r->name && r->name[0]);
    ck_assert_msg(strncmp(r->path, "/v2/", 4) == 0, "%s", r->path);
    /* The id first, a UUID at offset 0 (table_find_id relies on it). */
    ck_assert_str_eq(r->fields[0].name, "id");
    ck_assert_int_eq(r->fields[0].store, ST_UUID);
    ck_assert_uint_eq(r->fields[0].offset, 0);
    for (int i = 0; i < r->nfields; i++) {
        const field_spec *f = &r->fields[i];
        ck_assert_msg(f->store == ST_NONE || f->offset + store_size(f->store) <= r->rec_size, "%s.%s outside",
                      r->name, f->name);
        ck_assert_ptr_eq(api_resource_field(r, f->name), f); /* no duplicate names */
        ck_assert((f->type == FT_ENUM || f->type == FT_ENUM_LIST) == (f->enum_values != NULL));
        ck_assert((f->type == FT_REF) == (f->ref_kind != KIND_CONNECTION));
        ck_assert(!f->count_of || (api_resource_field(r, f->count_of) &&
                                   api_resource_field(r, f->count_of)->type == FT_ENUM_LIST));
        for (int k = 0; k < i; k++) /* two fields never share a place */
            ck_assert_msg(f->store == ST_NONE || r->fields[k].store == ST_NONE || r->fields[k].offset != f->offset,
                          "%s.%s overlaps", r->name, f->name);
    }
    for (int c = 0; c < r->ncols; c++) {
        const api_column *col = &r->cols[c];
        ck_assert(col->title && col->min > 0 && col->min <= col->width && col->prio >= 0 && col->prio <= 9);
        ck_assert(col->cell || col->offset + store_size(col->type) <= r->rec_size);
    }
    ck_assert_int_gt(r->ncli_cols, 0);
    ck_assert_int_eq(r->cli_cols[0].type, ST_UUID); /* listings start with the id */
    for (const char *const *k = r->json_keys; *k; k++)
        ck_assert_msg(api_resource_field(r, *k) || (strcmp(*k, "name") == 0 && r->name_of), "%s: --json key %s",
                      r->name, *k);
    /* A form's fields are the writable ones: labelled, and exactly the resource's. */
    const form_spec *fs = r->form >= 0 ? form_spec_get((form_kind)r->form) : NULL;
    int labelled = 0;
    for (int i = 0; i < r->nfields; i++)
        labelled += r->fields[i].label != NULL;
    ck_assert_int_eq(labelled, fs ? fs->nfields : 0);
    for (int i = 0; fs && i < fs->nfields; i++) {
        ck_assert_ptr_eq(api_resource_field(r, fs->fields[i].name), &fs->fields[i]);
        ck_assert_int_eq(fs->fields[i].req, REQ_NO);
    }
    if (fs)
        ck_assert_str_eq(fs->path, r->path);
}
END_TEST

START_TEST(lookups_refuse_unknowns)
{
    ck_assert_ptr_null(api_resource_get(KIND__COUNT));
    ck_assert_ptr_null(api_resource_get((record_kind)-1));
    ck_assert_ptr_null(api_resource_by_name("Vehicle"));
    ck_assert_ptr_null(api_resource_by_name("driver")); /* the resource is "user" */
    ck_assert_ptr_null(api_resource_by_name(NULL));
    const api_resource *r = api_resource_get(KIND_VEHICLE);
    ck_assert_ptr_null(api_resource_field(r, "colour"));
    ck_assert_ptr_null(api_resource_field(r, NULL));
    ck_assert_ptr_null(api_resource_field(NULL, "id"));
    ck_assert_ptr_null(api_resource_field(r, "VIN")); /* case-sensitive, as JSON */
    ck_assert_uint_eq(record_size(KIND__COUNT), 0);
}
END_TEST

typedef struct {
    record_kind kind;
    const char *conn, *query, *want;
} path_case;

static const path_case path_cases[] = {
    {KIND_CONNECTION, "ignored", NULL, "/v2/integrations/connections"},
    {KIND_CONNECTION, NULL, "q=1", "/v2/integrations/connections?q=1"},
    {KIND_DRIVER, CID, NULL, "/v2/telematics/users?connection_id=" CID "&is_driver=true"},
    {KIND_DRIVER, CID, "is_driver=false", "/v2/telematics/users?connection_id=" CID "&is_driver=false"},
    {KIND_VEHICLE, CID, NULL, "/v2/telematics/vehicles?connection_id=" CID},
    {KIND_TRAILER, CID, "", "/v2/telematics/trailers?connection_id=" CID},
    {KIND_TRAILER, NULL, NULL, "/v2/telematics/trailers?connection_id="},
};

START_TEST(paths_come_from_the_table)
{
    const path_case *tc = &path_cases[_i];
    const api_resource *r = api_resource_get(tc->kind);
    char *p = api_resource_list_path(r, tc->conn, tc->query);
    ck_assert_str_eq(p, tc->want);
    free(p);
    p = api_resource_item_path(r, VID);
    ck_assert_str_eq(p + strlen(r->path), "/" VID);
    free(p);
}
END_TEST

/* ------------------------------------------------------------------ decoding through the table */

typedef struct {
    record_kind kind;
    const char *item; /* one item object */
    const char *err;  /* substring of the error; NULL: decodes */
} item_case;

#define WRONG_TYPES "{" TELEMATICS ",\"vehicle_name\":7,\"model_year\":\"2019\",\"is_active\":\"yes\",\"vin\":{}}"

static const item_case item_cases[] = {
    /* required fields missing, or of the wrong type */
    {KIND_VEHICLE, "{\"connection_id\":\"" CID "\",\"source_name\":\"x\",\"source_id\":\"1\"}",
     "vehicle without required field 'id'"},
    {KIND_VEHICLE, "{\"id\":42," "\"connection_id\":\"" CID "\",\"source_name\":\"x\",\"source_id\":\"1\"}", "'id'"},
    {KIND_VEHICLE, "{\"id\":\"" VID "\",\"connection_id\":\"nope\",\"source_name\":\"x\",\"source_id\":\"1\"}",
     "vehicle field 'connection_id' is not a UUID"},
    {KIND_TRAILER, "{\"id\":\"" VID "\",\"connection_id\":\"" CID "\",\"source_name\":null,\"source_id\":\"1\"}",
     "trailer without required field 'source_name'"},
    {KIND_DRIVER, "{\"id\":\"" VID "\",\"connection_id\":\"" CID "\",\"source_name\":\"x\",\"source_id\":9}",
     "user without required field 'source_id'"},
    {KIND_CONNECTION, "{\"id\":\"" VID "\",\"source_name\":\"x\",\"tsp_id\":\"" CID "\"}",
     "connection without required field 'status'"},
    {KIND_CONNECTION, "{\"id\":\"" VID "\",\"source_name\":\"x\",\"status\":\"active\",\"tsp_id\":[]}", "'tsp_id'"},
    {KIND_VEHICLE, "[]", "vehicle item is not an object"},
    {KIND_VEHICLE, "\"" VID "\"", "not an object"},
    /* optional fields of the wrong type are tolerated (unknown shapes do not break a list) */
    {KIND_VEHICLE, WRONG_TYPES, NULL},
    {KIND_TRAILER, "{" TELEMATICS ",\"trailer_length\":\"16.2\",\"model_year\":null,\"status\":false}", NULL},
    {KIND_CONNECTION, "{\"id\":\"" VID "\",\"source_name\":\"\",\"status\":\"\",\"tsp_id\":\"" CID "\"}", NULL},
};

static table decode_one(record_kind kind, const char *item, int *rc, char **err)
{
    table t;
    table_init(&t, kind);
    cJSON *it = cJSON_Parse(item);
    ck_assert_ptr_nonnull(it);
    *err = NULL;
    *rc = decode_item(&t, it, err);
    cJSON_Delete(it);
    return t;
}

START_TEST(items_follow_the_table)
{
    const item_case *tc = &item_cases[_i];
    int rc;
    char *err;
    table t = decode_one(tc->kind, tc->item, &rc, &err);
    if (tc->err) {
        ck_assert_int_eq(rc, -1);
        ck_assert_msg(err && strstr(err, tc->err), "error '%s' lacks '%s'", err ? err : "(none)", tc->err);
        ck_assert_uint_eq(t.count, 0); /* nothing of a refused item stays */
        ck_assert_uint_le(t.pool.len, 1);
    } else {
        ck_assert_msg(rc == 0, "refused: %s", err ? err : "?");
        ck_assert_uint_eq(t.count, 1);
    }
    free(err);
    table_clear(&t);
}
END_TEST

START_TEST(wrong_types_read_as_empty)
{
    int rc;
    char *err;
    table t = decode_one(KIND_VEHICLE, WRONG_TYPES, &rc, &err);
    ck_assert_int_eq(rc, 0);
    const vehicle_rec *v = table_row(&t, 0);
    ck_assert_str_eq(table_str(&t, v->name), "");
    ck_assert_str_eq(table_str(&t, v->vin), "");
    ck_assert_int_eq(v->year, 0);
    ck_assert_int_eq(v->is_active, 0);
    ck_assert_str_eq(table_str(&t, v->source_id), "9");
    table_clear(&t);
}
END_TEST

typedef struct {
    const char *json;  /* the number as JSON */
    int16_t year;      /* model_year kept */
    float length;      /* trailer_length kept */
} number_case;

/* Out-of-range numbers are clamped before conversion (casting 1e300 to int16_t or float is UB). */
static const number_case number_cases[] = {
    {"2021", 2021, 2021.0f},
    {"2021.9", 2021, 2021.9f},
    {"-5", -5, -5.0f},
    {"70000", INT16_MAX, 70000.0f},
    {"-70000", INT16_MIN, -70000.0f},
    {"1e300", INT16_MAX, FLT_MAX},
    {"-1e300", INT16_MIN, -FLT_MAX},
    {"1.7976931348623157e308", INT16_MAX, FLT_MAX},
    {"0", 0, 0.0f},
};

START_TEST(huge_numbers_are_clamped)
{
    const number_case *tc = &number_cases[_i];
    char item[512];
    snprintf(item, sizeof item, "{" TELEMATICS ",\"model_year\":%s,\"trailer_length\":%s}", tc->json, tc->json);
    int rc;
    char *err;
    table t = decode_one(KIND_TRAILER, item, &rc, &err);
    ck_assert_int_eq(rc, 0);
    const trailer_rec *r = table_row(&t, 0);
    ck_assert_int_eq(r->year, tc->year);
    ck_assert_float_eq(r->length, tc->length);
    table_clear(&t);
}
END_TEST

START_TEST(huge_total_is_clamped)
{
    table t;
    table_init(&t, KIND_VEHICLE);
    const char *body = "{\"items\":[],\"total\":1e300}";
    page_info info;
    char *err = NULL;
    ck_assert_int_eq(decode_page(&t, body, strlen(body), &info, &err), 0);
    ck_assert_int_eq(info.total, INT32_MAX);
    body = "{\"items\":[],\"total\":-3}";
    ck_assert_int_eq(decode_page(&t, body, strlen(body), &info, &err), 0);
    ck_assert_int_eq(info.total, -1);
    table_clear(&t);
}
END_TEST

/* ------------------------------------------------------------------ cells */

typedef struct {
    record_kind kind;
    const char *item;
    const char *cells[10]; /* the list view's, in order (live-location columns are empty here) */
} cell_case;

static const cell_case cell_cases[] = {
    {KIND_VEHICLE,
     "{" TELEMATICS ",\"vehicle_name\":\"Truck 7\",\"license_plate_number\":\"7XKD492\",\"vin\":\"1FUJ\","
     "\"oem\":\"Volvo\",\"model_type\":\"VNL\",\"model_year\":2019,\"status\":\"IN_SERVICE\"}",
     {"Truck 7", "7XKD492", "", "", "", "1FUJ", "Volvo VNL", "2019", "IN_SERVICE"}},
    {KIND_VEHICLE, "{" TELEMATICS ",\"model_type\":\"VNL\",\"model_year\":-1}", {"", "", "", "", "", "", "VNL", "", ""}},
    /* wider than its 4 columns (1e300 clamped to 32767): ####, not "327…" that reads as a year */
    {KIND_VEHICLE, "{" TELEMATICS ",\"model_year\":1e300}", {"", "", "", "", "", "", "", "####", ""}},
    {KIND_VEHICLE, "{" TELEMATICS ",\"model_year\":12345}", {"", "", "", "", "", "", "", "####", ""}},
    {KIND_TRAILER,
     "{" TELEMATICS ",\"trailer_name\":\"T1\",\"trailer_type\":\"reefer\",\"trailer_length\":16.15,\"oem\":\"Wabash\"}",
     {"T1", "", "reefer", "16.1 m", "Wabash", ""}},
    {KIND_TRAILER, "{" TELEMATICS ",\"trailer_length\":0}", {"", "", "", "", "", ""}},
    {KIND_DRIVER, "{" TELEMATICS ",\"first_name\":\"Ana\",\"last_name\":\"Ruiz\",\"phone_number\":\"+1 555\"}",
     {"Ana Ruiz", "", "", "", "+1 555", "", "", "9"}},
    {KIND_DRIVER, "{" TELEMATICS ",\"username\":\"ana.r\"}", {"ana.r", "", "", "ana.r", "", "", "", "9"}},
    /* a list of strings reads as one (what DVIR defects will need); other items are skipped */
    {KIND_DRIVER, "{" TELEMATICS ",\"username\":[\"a\",7,\"b\\u001b\",null,\"\",\"c\"],\"status\":[]}",
     {"a, b?, c", "", "", "a, b?, c", "", "", "", "9"}},
    {KIND_CONNECTION,
     "{\"id\":\"" VID "\",\"description\":\"Acme\",\"source_name\":\"motive\",\"status\":\"active\",\"tsp_id\":\"" CID
     "\"}",
     {"Acme", "motive", "active", ""}},
    /* a log names records its table has no list of by their id's start; times in the local zone (UTC here) */
    {KIND_DVIR,
     "{" TELEMATICS ",\"occurred_at\":\"2026-03-01T10:20:30.5Z\",\"driver_id\":\"" CID "\",\"log_type\":\"pre_trip\","
     "\"defects\":[\"brakes\",\"tires\"],\"is_safety_critical\":true,\"vehicle_id\":null}",
     {"2026-03-01 10:20", "7c2f6fec…", "", "", "pre_trip", "brakes, tires", "⚠ SAFETY"}},
    {KIND_DVIR, "{" TELEMATICS ",\"occurred_at\":\"2026-03-01T10:20:30+02:00\",\"is_safety_critical\":false}",
     {"2026-03-01 08:20", "", "", "", "", "", ""}},
    {KIND_DVIR, "{" TELEMATICS ",\"occurred_at\":\"yesterday\"}", {"", "", "", "", "", "", ""}},
    {KIND_FUEL,
     "{" TELEMATICS ",\"occurred_at\":\"2026-03-01T10:20:00Z\",\"driver_id\":\"" CID "\",\"vehicle_id\":\"" VID "\","
     "\"fuel_volume\":120.5,\"fuel_type\":\"DIESEL\",\"total_cost\":\"412.30\",\"currency\":\"USD\","
     "\"fuel_vendor\":\"Pilot\"}",
     {"2026-03-01 10:20", "7c2f6fec…", "019ddd87…", "120.5", "DIESEL", "412.30 USD", "Pilot"}},
};

START_TEST(cells_come_from_the_table)
{
    const cell_case *tc = &cell_cases[_i];
    setenv("TZ", "UTC", 1);
    tzset();
    int rc;
    char *err;
    table t = decode_one(tc->kind, tc->item, &rc, &err);
    ck_assert_msg(rc == 0, "%s", err ? err : "");
    const api_resource *r = api_resource_get(tc->kind);
    char buf[64];
    for (int c = 0; c < r->ncols; c++) {
        api_cell(&r->cols[c], &t, table_row(&t, 0), buf, sizeof buf);
        ck_assert_msg(strcmp(buf, tc->cells[c]) == 0, "%s column %s: '%s', want '%s'", r->name, r->cols[c].title,
                      buf, tc->cells[c]);
    }
    /* The listing's first column is the id; a tiny buffer is cut, never overrun. */
    api_cell(&r->cli_cols[0], &t, table_row(&t, 0), buf, sizeof buf);
    ck_assert_str_eq(buf, VID);
    char tiny[4] = "xyz";
    api_cell(&r->cli_cols[0], &t, table_row(&t, 0), tiny, sizeof tiny);
    ck_assert_str_eq(tiny, "019");
    api_cell(&r->cli_cols[0], &t, table_row(&t, 0), tiny, 0);
    ck_assert_str_eq(tiny, "019");
    table_clear(&t);
}
END_TEST

typedef struct {
    record_kind kind;
    const char *item;
    const char *json; /* the --json row, keys in this order */
} row_case;

static const row_case row_cases[] = {
    {KIND_VEHICLE, "{" TELEMATICS ",\"vehicle_name\":\"T7\",\"model_year\":1e300,\"is_active\":true,\"oem\":\"\"}",
     "{\"id\":\"" VID "\",\"vehicle_name\":\"T7\",\"vin\":null,\"license_plate_number\":null,"
     "\"license_plate_region\":null,\"oem\":null,\"model_type\":null,\"model_year\":32767,\"status\":null,"
     "\"is_active\":true,\"source_id\":\"9\",\"connection_id\":\"C\"}"},
    {KIND_TRAILER, "{" TELEMATICS ",\"trailer_length\":16.5,\"model_year\":-4}",
     "{\"id\":\"" VID "\",\"trailer_name\":null,\"trailer_type\":null,\"license_plate_number\":null,\"oem\":null,"
     "\"model_type\":null,\"model_year\":null,\"trailer_length\":16.5,\"status\":null,\"is_active\":false,"
     "\"source_id\":\"9\",\"connection_id\":\"C\"}"},
    {KIND_DRIVER, "{" TELEMATICS ",\"first_name\":\"Ana\",\"username\":\"ana\",\"is_driver\":true}",
     "{\"id\":\"" VID "\",\"name\":\"Ana\",\"first_name\":\"Ana\",\"last_name\":null,\"username\":\"ana\","
     "\"status\":null,\"is_active\":false,\"is_driver\":true,\"source_id\":\"9\",\"phone_number\":null,"
     "\"user_email\":null,\"license_number\":null,\"connection_id\":\"C\"}"},
    {KIND_CONNECTION, "{\"id\":\"" VID "\",\"source_name\":\"motive\",\"status\":\"active\",\"tsp_id\":\"" CID "\"}",
     "{\"id\":\"" VID "\",\"description\":null,\"source_name\":\"motive\",\"status\":\"active\","
     "\"fleet_ref\":null,\"tsp_id\":\"" CID "\"}"},
    /* defects as a list again; an optional id not given is null */
    {KIND_DVIR,
     "{" TELEMATICS ",\"occurred_at\":\"2026-03-01T10:20:30Z\",\"driver_id\":\"" CID "\","
     "\"defects\":[\"brakes\",\"tires\"],\"defect_count\":2,\"is_safety_critical\":true,\"odometer\":1234.5}",
     "{\"id\":\"" VID "\",\"occurred_at\":\"2026-03-01T10:20:30Z\",\"driver_id\":\"" CID "\",\"vehicle_id\":null,"
     "\"trailer_id\":null,\"log_type\":null,\"defects\":[\"brakes\",\"tires\"],\"defect_count\":2,"
     "\"is_safety_critical\":true,\"inspected_by\":null,\"driver_comment\":null,\"odometer\":1234.5,"
     "\"source_id\":\"9\",\"connection_id\":\"C\"}"},
    {KIND_FUEL, "{" TELEMATICS ",\"vehicle_id\":\"" CID "\",\"fuel_volume\":50,\"total_cost\":\"9.5\"}",
     "{\"id\":\"" VID "\",\"occurred_at\":null,\"driver_id\":null,\"vehicle_id\":\"" CID "\",\"co_driver_id\":null,"
     "\"fuel_type\":null,\"fuel_volume\":50,\"fuel_vendor\":null,\"total_cost\":\"9.5\",\"currency\":null,"
     "\"odometer\":null,\"source_id\":\"9\",\"connection_id\":\"C\"}"},
};

START_TEST(json_rows_come_from_the_table)
{
    const row_case *tc = &row_cases[_i];
    int rc;
    char *err;
    table t = decode_one(tc->kind, tc->item, &rc, &err);
    ck_assert_msg(rc == 0, "%s", err ? err : "");
    char *j = api_resource_row_json(api_resource_get(tc->kind), &t, table_row(&t, 0), "C");
    ck_assert_str_eq(j, tc->json); /* byte for byte: the key order is part of the output */
    free(j);
    table_clear(&t);
}
END_TEST

/* A log in a connection's tables names its driver and vehicle from that connection's lists. */
START_TEST(log_cells_name_records_of_their_connection)
{
    store s;
    store_init(&s);
    conn_tables *ct = store_conn_tables(&s, 0);
    char *err = NULL;
    const char *driver = "{\"items\":[{" TELEMATICS ",\"first_name\":\"Ana\",\"last_name\":\"Ruiz\"}]}";
    const char *vehicle = "{\"items\":[{\"id\":\"" CID "\",\"connection_id\":\"" CID "\",\"source_name\":\"x\","
                          "\"source_id\":\"1\",\"vehicle_name\":\"Truck 7\"}]}";
    const char *log = "{\"items\":[{" TELEMATICS ",\"driver_id\":\"" VID "\",\"vehicle_id\":\"" CID "\"}]}";
    page_info pi;
    ck_assert_int_eq(decode_page(&ct->drivers, driver, strlen(driver), &pi, &err), 0);
    ck_assert_int_eq(decode_page(&ct->vehicles, vehicle, strlen(vehicle), &pi, &err), 0);
    ck_assert_int_eq(decode_page(&ct->dvir_logs, log, strlen(log), &pi, &err), 0);
    const api_resource *r = api_resource_get(KIND_DVIR);
    char buf[64];
    api_cell(&r->cols[1], &ct->dvir_logs, table_row(&ct->dvir_logs, 0), buf, sizeof buf);
    ck_assert_str_eq(buf, "Ana Ruiz");
    api_cell(&r->cols[2], &ct->dvir_logs, table_row(&ct->dvir_logs, 0), buf, sizeof buf);
    ck_assert_str_eq(buf, "Truck 7");
    table_clear(&ct->drivers); /* reloading: the owner stays, the name goes until the list is back */
    ck_assert_ptr_eq(ct->drivers.owner, ct);
    api_cell(&r->cols[1], &ct->dvir_logs, table_row(&ct->dvir_logs, 0), buf, sizeof buf);
    ck_assert_str_eq(buf, "019ddd87…");
    ck_assert(r->alert && !r->alert(&ct->dvir_logs, table_row(&ct->dvir_logs, 0)));
    store_free(&s);
}
END_TEST

/* Filters of the logs' lists: only what is given, encoded; other resources take none. */
START_TEST(log_queries_come_from_the_table)
{
    api_log_filter f = {CID, NULL, "2026-01-01T08:00:00+01:00", NULL};
    char *q = api_resource_log_query(api_resource_get(KIND_DVIR), &f);
    ck_assert_str_eq(q, "driver_ids=" CID "&from_datetime=2026-01-01T08%3A00%3A00%2B01%3A00");
    free(q);
    q = api_resource_log_query(api_resource_get(KIND_FUEL), NULL);
    ck_assert_str_eq(q, "");
    free(q);
    q = api_resource_log_query(api_resource_get(KIND_VEHICLE), &f);
    ck_assert_str_eq(q, "");
    free(q);
    ck_assert(!api_resource_has_log_filters(api_resource_get(KIND_DRIVER)));
}
END_TEST

/* ------------------------------------------------------------------ --set bodies */

typedef struct {
    form_kind kind;
    bool update;
    const char *sets[6];
    const char *body; /* expected JSON; NULL: refused */
    const char *err;  /* substring of the error when refused */
} sets_case;

static const sets_case sets_cases[] = {
    {FORM_VEHICLE, true, {"model_year=2020", "notes=", "is_active=yes", "license_plate_country=usa"},
     "{\"connection_id\":\"c\",\"model_year\":2020,\"notes\":null,\"is_active\":true,"
     "\"license_plate_country\":\"USA\"}",
     NULL},
    {FORM_VEHICLE, false, {"notes=", "vehicle_name=T 7"}, "{\"connection_id\":\"c\",\"vehicle_name\":\"T 7\"}", NULL},
    /* VINs are free text: sent as typed */
    {FORM_VEHICLE, false, {"vin=VIN-238797dfa69ff"}, "{\"connection_id\":\"c\",\"vin\":\"VIN-238797dfa69ff\"}", NULL},
    {FORM_VEHICLE, false, {"vin=1hgcm82633a004352"}, "{\"connection_id\":\"c\",\"vin\":\"1HGCM82633A004352\"}", NULL},
    /* a create default: a driver is a driver unless told otherwise; not on an update */
    {FORM_DRIVER, false, {"first_name=Ana"}, "{\"connection_id\":\"c\",\"first_name\":\"Ana\",\"is_driver\":true}",
     NULL},
    {FORM_DRIVER, false, {"is_driver=no"}, "{\"connection_id\":\"c\",\"is_driver\":false}", NULL},
    {FORM_DRIVER, true, {"status=inactive"}, "{\"connection_id\":\"c\",\"status\":\"INACTIVE\"}", NULL},
    {FORM_TRAILER, false, {"trailer_length=16.15"}, "{\"connection_id\":\"c\",\"trailer_length\":16.15}", NULL},
    /* refused: wrong types, out of range, unknown or read-only fields, no '=' */
    {FORM_VEHICLE, false, {"model_year=1e300"}, NULL, "Model year: must be a whole number between 1900 and 2100"},
    {FORM_VEHICLE, true, {"model_year=99999999999999999999"}, NULL, "Model year: must be a whole number"},
    {FORM_TRAILER, false, {"trailer_length=1e300"}, NULL, "Length: must be a number"},
    {FORM_VEHICLE, false, {"is_active=maybe"}, NULL, "Active: must be true or false"},
    {FORM_VEHICLE, true, {"status=BROKEN"}, NULL, "Status: must be one of: IN_SERVICE"},
    {FORM_VEHICLE, true, {"colour=red"}, NULL, "unknown field"},
    {FORM_VEHICLE, true, {"source_id=7"}, NULL, "unknown field"},
    {FORM_VEHICLE, true, {"id=" VID}, NULL, "unknown field"},
    {FORM_VEHICLE, true, {"vehicle_name"}, NULL, "FIELD=VALUE"},
    /* DVIR logs: defects a list (case fixed, repeats dropped), their count derived; times in the local zone */
    {FORM_DVIR, false, {"driver_id=" CID, "defects=Brakes, tires,brakes", "occurred_at=2026-01-01 08:00"},
     "{\"connection_id\":\"c\",\"driver_id\":\"" CID "\",\"occurred_at\":\"2026-01-01T08:00:00+00:00\","
     "\"defects\":[\"brakes\",\"tires\"],\"defect_count\":2}",
     NULL},
    {FORM_DVIR, false,
     {"driver_id=" CID, "occurred_at=2026-01-01T08:00:00-05:00", "odometer=12.5", "odometer_unit=MILES"},
     "{\"connection_id\":\"c\",\"driver_id\":\"" CID "\",\"occurred_at\":\"2026-01-01T13:00:00+00:00\","
     "\"odometer\":12.5,\"odometer_unit\":\"miles\"}",
     NULL},
    {FORM_DVIR, false, {"defects=brakes"}, NULL, "Driver: required"},
    {FORM_DVIR, false, {"driver_id=" CID, "defects=brakes,warp_drive"}, NULL, "Defects: 'warp_drive': must be one of"},
    {FORM_DVIR, false, {"driver_id=" CID, "defects=brak"}, NULL, "'brak' is not a valid value; did you mean: brakes"},
    {FORM_DVIR, false, {"driver_id=" CID, "occurred_at=2099-01-01 00:00"}, NULL, "Time: is in the future"},
    {FORM_DVIR, false, {"driver_id=" CID, "occurred_at=2026-02-30 10:00"}, NULL, "Time: is not a valid date"},
    {FORM_DVIR, false, {"driver_id=" CID, "occurred_at=yesterday"}, NULL, "Time: must be a date and time"},
    {FORM_DVIR, false, {"driver_id=" CID, "defect_count=2"}, NULL, "Defect count: counted from defects"},
    {FORM_DVIR, false, {"driver_id=Ana Ruiz"}, NULL, "Driver: must be a driver of this connection"},
    /* fuel: volume + unit required, latitude/longitude signed within range, odometer not negative */
    {FORM_FUEL, false,
     {"driver_id=" CID, "vehicle_id=" VID, "fuel_volume=120.5", "fuel_volume_unit=us_gallon", "latitude=-41.5",
      "total_cost=412.30"},
     "{\"connection_id\":\"c\",\"driver_id\":\"" CID "\",\"vehicle_id\":\"" VID "\",\"fuel_volume\":120.5,"
     "\"fuel_volume_unit\":\"US_GALLON\",\"latitude\":-41.5,\"total_cost\":412.3}",
     NULL},
    {FORM_FUEL, false, {"driver_id=" CID, "vehicle_id=" VID, "fuel_volume_unit=LITER"}, NULL, "Volume: required"},
    {FORM_FUEL, false, {"driver_id=" CID, "vehicle_id=" VID, "fuel_volume=abc"}, NULL, "Volume: must be a number"},
    {FORM_FUEL, false, {"odometer=-3"}, NULL, "Odometer: cannot be negative"},
    {FORM_FUEL, false, {"latitude=95"}, NULL, "Latitude: must be a number between -90 and 90"},
    {FORM_FUEL, false, {"longitude=-180.5"}, NULL, "Longitude: must be a number between -180 and 180"},
    {FORM_FUEL, false, {"vehicle_id=Truck 7"}, NULL, "Vehicle: must be a vehicle of this connection"},
};

START_TEST(set_bodies_follow_the_table)
{
    const sets_case *tc = &sets_cases[_i];
    setenv("TZ", "UTC", 1);
    tzset();
    size_t n = 0;
    while (n < 6 && tc->sets[n])
        n++;
    char *err = NULL;
    char *body = form_body_from_sets(form_spec_get(tc->kind), "c", tc->sets, n, tc->update, &err);
    if (tc->body) {
        ck_assert_msg(body != NULL, "refused: %s", err ? err : "?");
        cJSON *got = cJSON_Parse(body), *want = cJSON_Parse(tc->body);
        ck_assert_msg(cJSON_Compare(got, want, true), "body %s, want %s", body, tc->body);
        cJSON_Delete(got);
        cJSON_Delete(want);
    } else {
        ck_assert_msg(body == NULL, "sent %s", body);
        ck_assert_msg(err && strstr(err, tc->err), "error '%s' lacks '%s'", err ? err : "(none)", tc->err);
    }
    free(body);
    free(err);
}
END_TEST

START_TEST(set_bodies_need_a_form_and_connection)
{
    const char *sets[] = {"notes=x"};
    char *err = NULL;
    ck_assert_ptr_null(form_body_from_sets(NULL, "c", sets, 1, false, &err));
    ck_assert_ptr_nonnull(err);
    free(err);
    ck_assert_ptr_null(form_body_from_sets(form_spec_get(FORM_VEHICLE), "", sets, 1, false, &err));
    ck_assert_str_eq(err, "Connection: no connection selected");
    free(err);
    ck_assert_ptr_null(form_body_from_sets(form_spec_get(FORM_VEHICLE), NULL, sets, 1, true, NULL));
}
END_TEST

/* ------------------------------------------------------------------ a form's record name */

typedef struct {
    form_kind kind;
    const char *sets[3]; /* "field=value" */
    const char *name;
} name_case;

static const name_case name_cases[] = {
    {FORM_VEHICLE, {"vehicle_name=Truck 7", "vin=1FUJ"}, "Truck 7"},
    {FORM_VEHICLE, {"vin=1FUJ"}, ""},
    {FORM_TRAILER, {"trailer_name=DV-9000"}, "DV-9000"},
    {FORM_DRIVER, {"first_name=Ana", "last_name=Ruiz", "username=ana.r"}, "Ana Ruiz"},
    {FORM_DRIVER, {"last_name=Ruiz", "username=ana.r"}, "Ruiz"},
    {FORM_DRIVER, {"username=ana.r"}, "ana.r"},
    {FORM_DRIVER, {"user_email=a@b.c"}, ""},
};

START_TEST(forms_name_their_record)
{
    const name_case *tc = &name_cases[_i];
    const form_spec *fs = form_spec_get(tc->kind);
    ck_assert(fs->noun && fs->noun[0]);
    form_values v;
    form_values_init(&v, fs);
    for (int i = 0; i < 3 && tc->sets[i]; i++) {
        const char *eq = strchr(tc->sets[i], '=');
        char field[64];
        snprintf(field, sizeof field, "%.*s", (int)(eq - tc->sets[i]), tc->sets[i]);
        form_values_set(&v, form_field_index(fs, field), eq + 1);
    }
    char out[64] = "junk";
    form_record_name(&v, out, sizeof out);
    ck_assert_str_eq(out, tc->name);
    char tiny[4];
    form_record_name(&v, tiny, sizeof tiny); /* cut, terminated */
    ck_assert_uint_le(strlen(tiny), 3);
    form_values_free(&v);
    form_record_name(NULL, out, sizeof out);
    ck_assert_str_eq(out, "");
}
END_TEST

int main(void)
{
    text_init_locale();
    Suite *s = suite_create("api_resources");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, every_resource_is_consistent, 0, KIND__COUNT);
    tcase_add_test(tc, lookups_refuse_unknowns);
    tcase_add_loop_test(tc, paths_come_from_the_table, 0, N(path_cases));
    tcase_add_loop_test(tc, items_follow_the_table, 0, N(item_cases));
    tcase_add_test(tc, wrong_types_read_as_empty);
    tcase_add_loop_test(tc, huge_numbers_are_clamped, 0, N(number_cases));
    tcase_add_test(tc, huge_total_is_clamped);
    tcase_add_loop_test(tc, cells_come_from_the_table, 0, N(cell_cases));
    tcase_add_loop_test(tc, json_rows_come_from_the_table, 0, N(row_cases));
    tcase_add_loop_test(tc, set_bodies_follow_the_table, 0, N(sets_cases));
    tcase_add_test(tc, set_bodies_need_a_form_and_connection);
    tcase_add_test(tc, log_cells_name_records_of_their_connection);
    tcase_add_test(tc, log_queries_come_from_the_table);
    tcase_add_loop_test(tc, forms_name_their_record, 0, N(name_cases));
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    return failed ? 1 : 0;
}
