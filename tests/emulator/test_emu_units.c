/* Unit tests of the emulator's modules: VINs, crypto, time, JSON text, query parsing, seeding, write
 * validation, cursors, TSP simulation; plus bounded fuzzing of every parser. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/strbuf.h"
#include "emulator/emu_clock.h"
#include "emulator/emu_crypto.h"
#include "emulator/emu_json.h"
#include "emulator/emu_rng.h"
#include "emulator/faults.h"
#include "emulator/http_msg.h"
#include "emulator/paging.h"
#include "emulator/params.h"
#include "emulator/policy.h"
#include "emulator/seed.h"
#include "emulator/tsp_sim.h"
#include "emulator/vin.h"
#include "emulator/write_schema.h"
#include "suite_runner.h"

START_TEST(vin_check_digits)
{
    static const struct {
        const char *vin;
        bool valid;
    } cases[] = {
        {"1M8GDM9AXKP042788", true},  {"11111111111111111", true},  {"1HGCM82633A004352", true},
        {"1HGCM82643A004352", false}, {"1HGCM8263", false},         {"1HGCM82633A00435I", false},
        {"", false},                  {"1M8GDM9AXKP0427880", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(vin_valid(cases[i].vin) == cases[i].valid, "%s", cases[i].vin);
    emu_rng r;
    rng_seed(&r, 9);
    for (int i = 0; i < 2000; i++) {
        char vin[18];
        vin_generate(&r, "3AK", 2015 + i % 11, vin);
        ck_assert(vin_valid(vin));
        ck_assert_int_eq((int)strlen(vin), 17);
    }
}
END_TEST

START_TEST(sha256_and_hmac_vectors)
{
    char hex[65];
    sha256_hex("abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_hex("", 0, hex);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    uint8_t mac[32];
    hmac_sha256("key", 3, "The quick brown fox jumps over the lazy dog", 43, mac);
    static const char *expect = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";
    for (int i = 0; i < 32; i++) {
        char b[3];
        snprintf(b, sizeof b, "%02x", mac[i]);
        ck_assert(strncmp(b, expect + 2 * i, 2) == 0);
    }
}
END_TEST

START_TEST(base64_round_trip)
{
    static const char *const inputs[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00"};
    static const char *const std[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (size_t i = 0; i < 7; i++) {
        strbuf sb = STRBUF_INIT;
        base64_put(&sb, inputs[i], strlen(inputs[i]), false);
        ck_assert_str_eq(strbuf_cstr(&sb), std[i]);
        size_t n;
        uint8_t *d = base64_decode(strbuf_cstr(&sb), &n);
        ck_assert_int_eq(n, strlen(inputs[i]));
        ck_assert(memcmp(d, inputs[i], n) == 0);
        free(d);
        strbuf_free(&sb);
    }
    size_t n;
    ck_assert_ptr_null(base64_decode("a", &n));
    ck_assert_ptr_null(base64_decode("ab!d", &n));
}
END_TEST

START_TEST(time_parse_and_format)
{
    static const struct {
        const char *text;
        bool ok;
        long long us;
    } cases[] = {
        {"2026-01-01T00:00:00Z", true, 1767225600000000LL},
        {"2026-01-01T00:00:00.5Z", true, 1767225600500000LL},
        {"2026-01-01T01:00:00+01:00", true, 1767225600000000LL},
        {"2026-01-01 00:00:00", true, 1767225600000000LL},
        {"2026-01-01T00:00:00.1234567Z", true, 1767225600123456LL},
        {"2026-02-30T00:00:00Z", false, 0},
        {"2025-02-29T00:00:00Z", false, 0},
        {"2026-01-01", false, 0},
        {"2026-01-01T25:00:00Z", false, 0},
        {"2026-01-01T00:00:00Zjunk", false, 0},
        {"yesterday", false, 0},
        {"", false, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t us = 0;
        ck_assert_msg(emu_time_parse(cases[i].text, &us) == cases[i].ok, "%s", cases[i].text);
        if (cases[i].ok)
            ck_assert_int_eq(us, cases[i].us);
    }
    char t[EMU_TIME_LEN];
    emu_time_format(1767225600123456LL, t);
    ck_assert_str_eq(t, "2026-01-01T00:00:00.123456Z");
    ck_assert(emu_date_parse("2024-02-29"));
    ck_assert(!emu_date_parse("2023-02-29"));
}
END_TEST

START_TEST(json_strings_always_valid)
{
    strbuf sb = STRBUF_INIT;
    json_put_str(&sb, "a\"b\\c\n\x01 é 王 \xff\xc3");
    cJSON *j = cJSON_Parse(sb.data);
    ck_assert_ptr_nonnull(j);
    ck_assert(utf8_valid(j->valuestring, strlen(j->valuestring)));
    ck_assert_ptr_nonnull(strstr(j->valuestring, "王"));
    cJSON_Delete(j);
    strbuf_free(&sb);
    ck_assert(utf8_valid("Zoë 佐藤", strlen("Zoë 佐藤")));
    ck_assert(!utf8_valid("\xc0\xaf", 2));
    ck_assert(!utf8_valid("\xed\xa0\x80", 3));
    ck_assert_int_eq(utf8_length("Zoë 王"), 5);
}
END_TEST

START_TEST(query_parsing)
{
    query_args q;
    const char *raw = "a=1&b=x%20y&a=2&c&&d=%ZZ&e=+plus+";
    query_parse(&q, raw, strlen(raw));
    ck_assert_int_eq(q.n, 6);
    ck_assert_str_eq(query_get(&q, "a"), "1");
    ck_assert_int_eq(query_count(&q, "a"), 2);
    ck_assert_str_eq(query_get(&q, "b"), "x y");
    ck_assert_str_eq(query_get(&q, "c"), "");
    ck_assert_str_eq(query_get(&q, "d"), "%ZZ");
    ck_assert_str_eq(query_get(&q, "e"), " plus ");
    ck_assert_ptr_null(query_get(&q, "zz"));
    query_free(&q);
}
END_TEST

START_TEST(seed_share_sums_and_determinism)
{
    for (size_t conns = 1; conns < 12; conns++)
        for (size_t total = 0; total < 300; total += 7) {
            size_t sum = 0;
            for (size_t i = 0; i < conns; i++) {
                size_t s = seed_share(total, conns, i);
                if (total >= 2 * conns)
                    ck_assert_int_ge(s, 2);
                sum += s;
            }
            ck_assert_int_eq(sum, total);
        }
    seed_config cfg = {11, 5, 300, 80, 40, false, false};
    emu_store *a = seed_store(&cfg), *b = seed_store(&cfg);
    for (int r = RES_VEHICLE; r <= RES_TRAILER; r++) {
        ck_assert_int_eq(a->coll[r].n, b->coll[r].n);
        for (size_t i = 0; i < a->coll[r].n; i++) {
            ck_assert(uuid_equal(&a->coll[r].items[i].id, &b->coll[r].items[i].id));
            ck_assert_str_eq(a->coll[r].items[i].source_id, b->coll[r].items[i].source_id);
            if (i > 0)
                ck_assert_int_lt(a->coll[r].items[i - 1].created_us, a->coll[r].items[i].created_us);
        }
    }
    store_free(a);
    store_free(b);
}
END_TEST

START_TEST(write_validation_table)
{
    static const struct {
        emu_resource res;
        bool update;
        const char *body;
        int problems;
    } cases[] = {
        {RES_VEHICLE, false, "{\"connection_id\":\"019a0000-0000-7000-8000-000000000001\"}", 0},
        {RES_VEHICLE, true, "{\"connection_id\":\"019a0000-0000-7000-8000-000000000001\",\"vin\":null}", 0},
        {RES_VEHICLE, false, "{}", 1},
        {RES_VEHICLE, false, "{\"connection_id\":1,\"model_year\":\"x\",\"is_active\":0}", 3},
        {RES_USER, false, "{\"connection_id\":\"019a0000-0000-7000-8000-000000000001\",\"country_code\":\"U_1\"}", 0},
        {RES_USER, false, "{\"connection_id\":\"019a0000-0000-7000-8000-000000000001\",\"country_code\":\"ÜSA\"}", 1},
        {RES_MESSAGE, false, "{\"connection_id\":\"019a0000-0000-7000-8000-000000000001\"}", 2},
        {RES_MESSAGE, true, "{\"connection_id\":\"019a0000-0000-7000-8000-000000000001\"}", 0},
        {RES_GROUP_MESSAGE, false,
         "{\"connection_id\":\"019a0000-0000-7000-8000-000000000001\",\"sender_id\":\"019a0000-0000-7000-8000-"
         "000000000002\",\"recipient_ids\":\"x\"}",
         1},
        {RES_FUEL_TRANSACTION, false,
         "{\"connection_id\":\"019a0000-0000-7000-8000-000000000001\",\"driver_id\":\"019a0000-0000-7000-8000-"
         "000000000002\",\"vehicle_id\":\"019a0000-0000-7000-8000-000000000003\",\"fuel_volume\":1,"
         "\"fuel_volume_unit\":\"LITER\",\"total_cost\":\"+.5\"}",
         0},
        {RES_FUEL_TRANSACTION, false,
         "{\"connection_id\":\"019a0000-0000-7000-8000-000000000001\",\"driver_id\":\"019a0000-0000-7000-8000-"
         "000000000002\",\"vehicle_id\":\"019a0000-0000-7000-8000-000000000003\",\"fuel_volume\":null,"
         "\"fuel_volume_unit\":\"LITER\",\"total_cost\":\"-.\"}",
         2},
        {RES_DVIR_LOG, false, "[]", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *body = cJSON_Parse(cases[i].body);
        problem_list p = {0};
        write_validate(write_model_for(cases[i].res), body, cases[i].update, &p);
        ck_assert_msg((int)p.n == cases[i].problems, "case %zu: %zu problems: %s", i, p.n, strbuf_cstr(&p.json));
        problems_free(&p);
        cJSON_Delete(body);
    }
}
END_TEST

START_TEST(cursor_round_trip)
{
    query_args q;
    query_parse(&q, "size=10&connection_id=x", 23);
    problem_list p = {0};
    page_window w;
    ck_assert(page_select(&q, &p, 35, &w));
    ck_assert_int_eq(w.start, 0);
    ck_assert_int_eq(w.end, 10);
    strbuf sb = STRBUF_INIT;
    page_begin(&sb);
    page_end(&sb, &w, true);
    cJSON *j = cJSON_Parse(sb.data);
    const char *next = cJSON_GetObjectItemCaseSensitive(j, "next_page")->valuestring;
    strbuf raw = STRBUF_INIT;
    strbuf_printf(&raw, "size=10&connection_id=x&cursor=%s", next);
    query_args q2;
    query_parse(&q2, raw.data, raw.len);
    ck_assert(page_select(&q2, &p, 35, &w));
    ck_assert_int_eq(w.start, 10);
    ck_assert_int_eq(w.end, 20);
    /* the same cursor with other filters is rejected */
    strbuf_reset(&raw);
    strbuf_printf(&raw, "size=10&connection_id=y&cursor=%s", next);
    query_args q3;
    query_parse(&q3, raw.data, raw.len);
    ck_assert(!page_select(&q3, &p, 35, &w));
    ck_assert_int_eq(p.n, 1);
    problems_free(&p);
    query_free(&q);
    query_free(&q2);
    query_free(&q3);
    strbuf_free(&raw);
    strbuf_free(&sb);
    cJSON_Delete(j);
}
END_TEST

START_TEST(tsp_simulation_rules)
{
    const tsp_info *motive = tsp_get(1);
    ck_assert_str_eq(motive->source_name, "motive");
    cJSON *body = cJSON_Parse("{\"message_text\":\"ok FAIL-TRANSIENT\"}");
    tsp_attempt a;
    tsp_sim_attempt(motive, RES_MESSAGE, false, body, 1, &a);
    ck_assert(!a.success);
    ck_assert(policy_is_retryable(a.error_type, a.status_code));
    tsp_sim_attempt(motive, RES_MESSAGE, false, body, 3, &a);
    ck_assert(a.success);
    cJSON_Delete(body);
    body = cJSON_Parse("{\"username\":null}");
    tsp_sim_attempt(motive, RES_USER, false, body, 1, &a);
    ck_assert(!a.success);
    ck_assert_str_eq(a.error_type, "validation");
    ck_assert(!policy_is_retryable(a.error_type, a.status_code));
    cJSON_Delete(body);
    ck_assert(policy_is_retryable("network", 0));
    ck_assert(policy_is_retryable("tsp", 429));
    ck_assert(!policy_is_retryable("tsp", 400));
    ck_assert(!policy_is_retryable("auth", 401));
    emu_rng r;
    rng_seed(&r, 1);
    for (int attempt = 2; attempt <= 5; attempt++) {
        int64_t d = policy_backoff_us(attempt, &r);
        int64_t base = 1000000LL << (attempt - 2);
        ck_assert_int_ge(d, base - base / 5);
        ck_assert_int_le(d, base + base / 5);
    }
}
END_TEST

START_TEST(fault_spec_parsing)
{
    fault_table *t = faults_new(1);
    char err[160];
    ck_assert(faults_add_spec(t, "route=/v2/,method=GET,kind=status,status=502,count=2", err, sizeof err));
    ck_assert(faults_add_spec(t, "route=/x,latency_ms=10", err, sizeof err));
    ck_assert(!faults_add_spec(t, "route=/x,kind=bogus", err, sizeof err));
    ck_assert(!faults_add_spec(t, "nonsense", err, sizeof err));
    ck_assert(!faults_add_spec(t, "status=abc", err, sizeof err));
    strbuf sb = STRBUF_INIT;
    faults_render(t, &sb);
    cJSON *j = cJSON_Parse(sb.data);
    ck_assert_int_eq(cJSON_GetArraySize(j), 2);
    cJSON_Delete(j);
    strbuf_free(&sb);
    faults_free(t);
}
END_TEST

/* Bounded fuzzing: random and mutated inputs through every parser; must not crash (ASan/valgrind clean). */
START_TEST(fuzz_parsers)
{
    static const char *const seeds[] = {
        "size=10&cursor=ZjoxMDowMDAwMDAwMDAwMDA1ZWVk&vehicle_ids=019a0000-0000-7000-8000-000000000001",
        "{\"connection_id\":\"019a0000-0000-7000-8000-000000000001\",\"recipient_ids\":[\"a\",null,1],\"defects\":[1]}",
        "2026-01-01T00:00:00.123+05:30",
        "route=/v2/,kind=status,status=503,probability=0.5",
    };
    unsigned s = 777;
    char buf[512];
    for (int round = 0; round < 20000; round++) {
        const char *seed = seeds[round % 4];
        size_t n = strlen(seed);
        if (n >= sizeof buf)
            n = sizeof buf - 1;
        memcpy(buf, seed, n);
        int flips = 1 + rand_r(&s) % 8;
        for (int f = 0; f < flips; f++)
            buf[rand_r(&s) % (int)n] = (char)(rand_r(&s) % 256);
        if (rand_r(&s) % 4 == 0)
            n = (size_t)(rand_r(&s) % (int)n);
        buf[n] = '\0';
        size_t len = strlen(buf);
        query_args q;
        query_parse(&q, buf, len);
        problem_list p = {0};
        page_window w;
        page_select(&q, &p, 1000, &w);
        uuid *ids = NULL;
        param_uuid_list(&q, "vehicle_ids", &p, &ids);
        free(ids);
        param_bool(&q, "size", &p);
        emu_response resp;
        response_init(&resp);
        reply_problems(&resp, &p);
        ck_assert_int_eq(resp.status, 422);
        response_free(&resp);
        query_free(&q);
        int64_t t;
        emu_time_parse(buf, &t);
        emu_date_parse(buf);
        cJSON *body = cJSON_Parse(buf);
        for (int r = 0; r < RES_COUNT; r++) {
            problem_list wp = {0};
            write_validate(write_model_for((emu_resource)r), body, r % 2, &wp);
            problems_free(&wp);
        }
        cJSON_Delete(body);
        size_t dn;
        free(base64_decode(buf, &dn));
        strbuf js = STRBUF_INIT;
        json_put_strn(&js, buf, len);
        cJSON *back = cJSON_Parse(js.data);
        ck_assert_ptr_nonnull(back); /* escaping always yields valid JSON */
        cJSON_Delete(back);
        strbuf_free(&js);
        fault_table *ft = faults_new(1);
        char err[160];
        faults_add_spec(ft, buf, err, sizeof err);
        faults_add_json(ft, buf, len, err, sizeof err);
        faults_free(ft);
    }
}
END_TEST

static Suite *units_suite(void)
{
    Suite *s = suite_create("emulator units");
    TCase *tc = tcase_create("units");
    tcase_add_test(tc, vin_check_digits);
    tcase_add_test(tc, sha256_and_hmac_vectors);
    tcase_add_test(tc, base64_round_trip);
    tcase_add_test(tc, time_parse_and_format);
    tcase_add_test(tc, json_strings_always_valid);
    tcase_add_test(tc, query_parsing);
    tcase_add_test(tc, seed_share_sums_and_determinism);
    tcase_add_test(tc, write_validation_table);
    tcase_add_test(tc, cursor_round_trip);
    tcase_add_test(tc, tsp_simulation_rules);
    tcase_add_test(tc, fault_spec_parsing);
    tcase_add_test(tc, fuzz_parsers);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite_nofork(units_suite());
    return failed ? 1 : 0;
}
