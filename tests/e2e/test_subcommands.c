/* The subcommands for scripts, run as the built binary against a real catena-emulator: exit codes
 * (0 ok, 1 rejected, 2 usage, 3 auth, 4 network/API), JSON output, and the exact request bodies
 * read back from the emulator's request log. */
#include "cli_run.h"
#include "emu_proc.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include <locale.h>
#include "suite_runner.h"


static emu_proc emu; /* shared, --time-scale 0.001 */

/* ------------------------------------------------------------------ running the binary */

#define CLI(...) cli_run(&emu, NULL, "demo-secret", 0, (const char *const[]){__VA_ARGS__, NULL})

/* ------------------------------------------------------------------ the emulator's control surface */

static char *http_text(const emu_proc *e, const char *method, const char *path, const char *body)
{
    char url[512], *buf = NULL;
    size_t len = 0;
    snprintf(url, sizeof url, "%s%s", e->url, path);
    FILE *f = open_memstream(&buf, &len);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, f); /* curl's default writer: fwrite */
    CURLcode rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    fclose(f);
    ck_assert_msg(rc == CURLE_OK, "control request %s failed", path);
    return buf;
}

static void clear_requests(const emu_proc *e)
{
    free(http_text(e, "DELETE", "/_emulator/requests", NULL));
}

/* The last logged request with this method whose path starts with prefix (a copy; NULL if none);
 * *writes (optional) counts the API writes logged. */
static cJSON *last_request(const emu_proc *e, const char *method, const char *prefix, int *writes)
{
    char *text = http_text(e, "GET", "/_emulator/requests", NULL);
    cJSON *all = cJSON_Parse(text), *found = NULL, *it;
    free(text);
    int n = 0;
    cJSON_ArrayForEach(it, all)
    {
        const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(it, "method"));
        const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(it, "path"));
        if (m && p && strcmp(m, method) == 0 && strncmp(p, prefix, strlen(prefix)) == 0)
            found = it;
        n += m && p && strcmp(m, "GET") != 0 && strncmp(p, "/v2/", 4) == 0;
    }
    if (writes)
        *writes = n;
    cJSON *copy = found ? cJSON_Duplicate(found, true) : NULL;
    cJSON_Delete(all);
    return copy;
}

static int count_writes(const emu_proc *e)
{
    int n;
    cJSON_Delete(last_request(e, "-", "-", &n));
    return n;
}

/* The logged request's body must be exactly this JSON object (same members and values). */
static void assert_body(const cJSON *req, const char *want_json)
{
    ck_assert_msg(req != NULL, "request not logged");
    const char *body = cJSON_GetStringValue(cJSON_GetObjectItem(req, "body"));
    cJSON *got = cJSON_Parse(body ? body : ""), *want = cJSON_Parse(want_json);
    ck_assert_ptr_nonnull(want);
    ck_assert_msg(got && cJSON_Compare(got, want, true), "body %s, want %s", body ? body : "(none)", want_json);
    cJSON_Delete(got);
    cJSON_Delete(want);
}

/* ------------------------------------------------------------------ fixtures from the listings */

typedef struct world {
    char conn_id[40], conn_desc[200];
    char drv_id[2][40], drv_name[2][200];
    char veh_id[2][40], veh_name[2][200]; /* [1] is made ambiguous by one test */
} world;

/* Parses JSON lines; ck-fails on a line that is not a JSON object. Caller deletes the array. */
/* A row whose `key` no other row shares (so a name resolves), skipping `skip`. */
static const cJSON *unique_row(const cJSON *rows, const char *key, const char *skip)
{
    const cJSON *a, *b;
    cJSON_ArrayForEach(a, rows)
    {
        int same = 0;
        cJSON_ArrayForEach(b, rows) same += strcasecmp(cli_str(a, key), cli_str(b, key)) == 0;
        if (same == 1 && *cli_str(a, key) && (!skip || strcmp(cli_str(a, "id"), skip) != 0))
            return a;
    }
    return NULL;
}

/* Ids and unique names from the listings (which this checks on the way), loaded once. */
static const world *the_world(void)
{
    static world the;
    world *w = &the;
    if (w->conn_id[0])
        return w;
    cli_out r = CLI("connections", "--json");
    ASSERT_EXIT(r, 0);
    cJSON *conns = cli_json_lines(r.out), *it;
    cJSON_ArrayForEach(it, conns)
    {
        if (strcmp(cli_str(it, "status"), "active") == 0 && strcmp(cli_str(it, "source_name"), "omnitracs") != 0 &&
            *cli_str(it, "description")) {
            snprintf(w->conn_id, sizeof w->conn_id, "%s", cli_str(it, "id"));
            snprintf(w->conn_desc, sizeof w->conn_desc, "%s", cli_str(it, "description"));
            break;
        }
    }
    cJSON_Delete(conns);
    cli_free(&r);
    ck_assert_msg(w->conn_id[0], "no active connection");

    r = CLI("drivers", "--connection", w->conn_id, "--json");
    ASSERT_EXIT(r, 0);
    cJSON *drv = cli_json_lines(r.out);
    for (int i = 0; i < 2; i++) {
        const cJSON *d = unique_row(drv, "name", i ? w->drv_id[0] : NULL);
        ck_assert_ptr_nonnull(d);
        ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(d, "is_driver")));
        snprintf(w->drv_id[i], sizeof w->drv_id[i], "%s", cli_str(d, "id"));
        snprintf(w->drv_name[i], sizeof w->drv_name[i], "%s", cli_str(d, "name"));
    }
    cJSON_Delete(drv);
    cli_free(&r);

    r = CLI("vehicles", "--connection", w->conn_id, "--json");
    ASSERT_EXIT(r, 0);
    cJSON *veh = cli_json_lines(r.out);
    for (int i = 0; i < 2; i++) {
        const cJSON *v = unique_row(veh, "vehicle_name", i ? w->veh_id[0] : NULL);
        ck_assert_ptr_nonnull(v);
        ck_assert_str_eq(cli_str(v, "connection_id"), w->conn_id);
        snprintf(w->veh_id[i], sizeof w->veh_id[i], "%s", cli_str(v, "id"));
        snprintf(w->veh_name[i], sizeof w->veh_name[i], "%s", cli_str(v, "vehicle_name"));
    }
    cJSON_Delete(veh);
    cli_free(&r);
    return w;
}

/* The op id printed by a write. */
static void op_id_of(const cli_out *r, char out[40])
{
    cJSON *op = cJSON_Parse(r->out);
    ck_assert_msg(cJSON_IsObject(op), "not JSON: %s", r->out);
    snprintf(out, 40, "%s", cli_str(op, "id"));
    cJSON_Delete(op);
    ck_assert_uint_eq(strlen(out), 36);
}

/* ------------------------------------------------------------------ exit 0 */

START_TEST(send_message_async_prints_the_operation_and_sends_catena_ids)
{
    const world *w = the_world();
    clear_requests(&emu);
    /* Connection by description, users by display name. */
    cli_out r = CLI("send-message", "--connection", w->conn_desc, "--from", w->drv_name[0], "--to", w->drv_name[1],
                    "--text", "Dock 4 at 15:00", "--priority", "high");
    ASSERT_EXIT(r, 0);
    cJSON *op = cJSON_Parse(r.out);
    ck_assert(cJSON_IsObject(op));
    ck_assert_str_eq(cli_str(op, "status"), "pending");
    ck_assert_str_eq(cli_str(op, "resource"), "message");
    ck_assert_str_eq(cli_str(op, "connection_id"), w->conn_id);
    cJSON_Delete(op);
    ck_assert(strchr(r.out, '\n') == r.out + strlen(r.out) - 1); /* one line */

    cJSON *req = last_request(&emu, "POST", "/v2/telematics/messages", NULL);
    char want[4096];
    snprintf(want, sizeof want,
             "{\"connection_id\":\"%s\",\"sender_id\":\"%s\",\"recipient_id\":\"%s\","
             "\"message_text\":\"Dock 4 at 15:00\",\"priority\":\"high\"}",
             w->conn_id, w->drv_id[0], w->drv_id[1]);
    assert_body(req, want);
    ck_assert_ptr_null(strstr(cli_str(req, "query"), "is_sync"));
    cJSON_Delete(req);
    ck_assert_int_eq(count_writes(&emu), 1);
    cli_free(&r);

    /* Group: names and ids mixed, comma lists and a repeated --to; the same person once. */
    char to[2048];
    snprintf(to, sizeof to, "%s, %s", w->drv_name[0], w->drv_id[1]);
    r = CLI("send-group-message", "--connection", w->conn_id, "--from", w->drv_id[0], "--to", to, "--to",
            w->drv_name[1], "--text", "Team call at 9", "--sync");
    ASSERT_EXIT(r, 0);
    req = last_request(&emu, "POST", "/v2/telematics/group-messages", NULL);
    snprintf(want, sizeof want,
             "{\"connection_id\":\"%.36s\",\"sender_id\":\"%.36s\",\"recipient_ids\":[\"%.36s\",\"%.36s\"],"
             "\"message_text\":\"Team call at 9\"}",
             w->conn_id, w->drv_id[0], w->drv_id[0], w->drv_id[1]);
    assert_body(req, want);
    cJSON_Delete(req);
    cli_free(&r);
}
END_TEST

START_TEST(group_messages_lists_what_was_sent_with_its_recipients)
{
    const world *w = the_world();
    char to[2048];
    snprintf(to, sizeof to, "%s,%s", w->drv_id[0], w->drv_id[1]);
    cli_out r = CLI("send-group-message", "--connection", w->conn_id, "--from", w->drv_id[0], "--to", to, "--text",
                    "Listed group 7", "--sync");
    ASSERT_EXIT(r, 0);
    cli_free(&r);
    r = CLI("group-messages", "--connection", w->conn_desc, "--json");
    ASSERT_EXIT(r, 0);
    cJSON *rows = cli_json_lines(r.out), *it, *found = NULL;
    cJSON_ArrayForEach(it, rows)
        if (strcmp(cli_str(it, "message_text"), "Listed group 7") == 0)
            found = it;
    ck_assert_msg(found != NULL, "%s", r.out);
    ck_assert_str_eq(cli_str(found, "connection_id"), w->conn_id);
    ck_assert_str_eq(cli_str(found, "sender_id"), w->drv_id[0]);
    const cJSON *ids = cJSON_GetObjectItem(found, "recipient_ids");
    ck_assert(cJSON_IsArray(ids) && cJSON_GetArraySize(ids) == 2);
    ck_assert_str_eq(cJSON_GetArrayItem(ids, 1)->valuestring, w->drv_id[1]);
    cJSON_Delete(rows);
    cli_free(&r);
    /* Without --connection: every connection's, as a table with the number of recipients. */
    r = CLI("group-messages");
    ASSERT_EXIT(r, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "RECIPIENTS"));
    const char *line = strstr(r.out, "Listed group 7");
    ck_assert_ptr_nonnull(line);
    cli_free(&r);
    r = CLI("group-messages", "--connection", "no such connection");
    ASSERT_EXIT(r, 2);
    cli_free(&r);
}
END_TEST

START_TEST(locations_prints_where_each_vehicle_is)
{
    const world *w = the_world();
    cli_out r = CLI("locations", "--connection", w->conn_id, "--json");
    ASSERT_EXIT(r, 0);
    cJSON *rows = cli_json_lines(r.out), *it;
    int n = 0, with_place = 0;
    cJSON_ArrayForEach(it, rows)
    {
        n++;
        ck_assert_str_eq(cli_str(it, "connection_id"), w->conn_id);
        ck_assert_uint_eq(strlen(cli_str(it, "vehicle_id")), 36);
        with_place += strchr(cli_str(it, "location"), ',') != NULL;
    }
    ck_assert_int_gt(n, 0);
    ck_assert_int_gt(with_place, 0);
    cJSON_Delete(rows);
    cli_free(&r);
    r = CLI("locations");
    ASSERT_EXIT(r, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "LOCATION"));
    ck_assert_ptr_nonnull(strstr(r.out, " ago") ? r.out : strstr(r.out, "now"));
    cli_free(&r);
    r = CLI("locations", "--connection", "no such connection", "--json");
    ASSERT_EXIT(r, 2);
    cli_free(&r);
}
END_TEST

/* Display columns where `needle` starts in line. */
static int column_of(const char *line, const char *needle)
{
    const char *p = strstr(line, needle);
    ck_assert_msg(p != NULL, "'%s' not in '%s'", needle, line);
    size_t n = (size_t)(p - line);
    wchar_t wbuf[512];
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%.*s", (int)n, line);
    size_t wn = mbstowcs(wbuf, tmp, 511);
    ck_assert(wn != (size_t)-1);
    return wcswidth(wbuf, wn);
}

START_TEST(listings_align_by_display_width_and_print_json_lines)
{
    cli_out j = CLI("connections", "--json");
    ASSERT_EXIT(j, 0);
    cJSON *rows = cli_json_lines(j.out);
    ck_assert_int_ge(cJSON_GetArraySize(rows), 2);
    cli_out t = CLI("connections");
    ASSERT_EXIT(t, 0);
    /* Descriptions hold "—" (3 bytes, 1 column): the TSP column starts at the same column anyway. */
    char *save = NULL, *line = strtok_r(t.out, "\n", &save);
    ck_assert_ptr_nonnull(line);
    int col = column_of(line, "TSP");
    const cJSON *row = rows->child;
    for (line = strtok_r(NULL, "\n", &save); line && row; line = strtok_r(NULL, "\n", &save), row = row->next) {
        ck_assert_ptr_nonnull(strstr(line, cli_str(row, "id")));
        char needle[120];
        snprintf(needle, sizeof needle, "  %s", cli_str(row, "source_name"));
        ck_assert_int_eq(column_of(line, needle) + 2, col);
    }
    ck_assert_ptr_null(row);
    cJSON_Delete(rows);
    cli_free(&j);
    cli_free(&t);

    const world *w = the_world(); /* vehicles/drivers --json parse line by line */
    cli_out v = CLI("trailers", "--connection", w->conn_id, "--json");
    ASSERT_EXIT(v, 0);
    cJSON *tr = cli_json_lines(v.out);
    cJSON_ArrayForEach(row, tr) ck_assert_str_eq(cli_str(row, "connection_id"), w->conn_id);
    cJSON_Delete(tr);
    cli_free(&v);
}
END_TEST

START_TEST(patch_sends_only_the_set_fields)
{
    const world *w = the_world();
    clear_requests(&emu);
    cli_out r = CLI("update-vehicle", "--connection", w->conn_id, w->veh_name[0], "--set", "model_year=2020", "--set",
                    "notes=", "--set", "is_active=yes", "--set", "license_plate_country=usa");
    ASSERT_EXIT(r, 0);
    char path[600], want[4096];
    snprintf(path, sizeof path, "/v2/telematics/vehicles/%s", w->veh_id[0]);
    cJSON *req = last_request(&emu, "PATCH", path, NULL);
    snprintf(want, sizeof want,
             "{\"connection_id\":\"%s\",\"model_year\":2020,\"notes\":null,\"is_active\":true,"
             "\"license_plate_country\":\"USA\"}",
             w->conn_id);
    assert_body(req, want);
    cJSON_Delete(req);
    ck_assert_ptr_nonnull(strstr(r.err, "uppercase")); /* the warning of the normalized value */
    cli_free(&r);
}
END_TEST

START_TEST(operation_wait_exits_0_on_success_and_1_on_failure)
{
    const world *w = the_world();
    const char *texts[2] = {"All good", "FAIL-PERMANENT please"};
    for (int i = 0; i < 2; i++) {
        cli_out r = CLI("send-message", "--connection", w->conn_id, "--from", w->drv_id[0], "--to", w->drv_id[1],
                        "--text", texts[i]);
        ASSERT_EXIT(r, 0);
        char op[40];
        op_id_of(&r, op);
        cli_free(&r);
        cli_out wr = CLI("operation", "--connection", w->conn_desc, op, "--wait", "--timeout", "30");
        ASSERT_EXIT(wr, i == 0 ? 0 : 1);
        cJSON *o = cJSON_Parse(wr.out);
        ck_assert_str_eq(cli_str(o, "id"), op);
        ck_assert_str_eq(cli_str(o, "status"), i == 0 ? "success" : "failed");
        cJSON_Delete(o);
        cli_free(&wr);
    }
}
END_TEST

START_TEST(operations_json_lines_and_watch_until_sigint)
{
    const world *w = the_world();
    cli_out r = CLI("send-message", "--connection", w->conn_id, "--from", w->drv_id[0], "--to", w->drv_id[1], "--text",
                    "for the operations list");
    ASSERT_EXIT(r, 0);
    char op[40];
    op_id_of(&r, op);
    cli_free(&r);
    r = CLI("operations", "--connection", w->conn_id, "--json");
    ASSERT_EXIT(r, 0);
    cJSON *ops = cli_json_lines(r.out), *it;
    bool found = false;
    cJSON_ArrayForEach(it, ops)
    {
        ck_assert_str_eq(cli_str(it, "connection_id"), w->conn_id);
        ck_assert(*cli_str(it, "status"));
        found |= strcmp(cli_str(it, "id"), op) == 0;
    }
    ck_assert(found);
    cJSON_Delete(ops);
    cli_free(&r);

    cli_out wt = cli_run(&emu, NULL, "demo-secret", 3000,
                         (const char *const[]){"operations", "--connection", w->conn_id, "--watch", NULL});
    ASSERT_EXIT(wt, 0);
    ops = cli_json_lines(wt.out);
    ck_assert_int_ge(cJSON_GetArraySize(ops), 1);
    cJSON_Delete(ops);
    cli_free(&wt);
}
END_TEST

/* ------------------------------------------------------------------ exit 1 */

START_TEST(server_validation_422_exits_1_with_the_field_error)
{
    const world *w = the_world();
    clear_requests(&emu);
    /* Locally an empty value is fine (clear); the contract allows null there, so the emulator is told to
     * refuse it (an API whose update schemas are not nullable). */
    free(http_text(&emu, "POST", "/_emulator/faults",
                   "{\"route\":\"/v2/telematics/vehicles/\",\"kind\":\"refuse_null\"}"));
    cli_out r = CLI("update-vehicle", "--connection", w->conn_id, w->veh_id[0], "--set", "status=");
    free(http_text(&emu, "DELETE", "/_emulator/faults", NULL));
    ASSERT_EXIT(r, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "status"));
    ck_assert_ptr_nonnull(strstr(r.err, "422"));
    char path[600], want[4096];
    snprintf(path, sizeof path, "/v2/telematics/vehicles/%s", w->veh_id[0]);
    cJSON *req = last_request(&emu, "PATCH", path, NULL);
    snprintf(want, sizeof want, "{\"connection_id\":\"%s\",\"status\":null}", w->conn_id);
    assert_body(req, want);
    cJSON_Delete(req);
    cli_free(&r);
}
END_TEST

START_TEST(sync_write_the_tsp_refuses_exits_1)
{
    const world *w = the_world();
    cli_out r = CLI("send-message", "--connection", w->conn_id, "--from", w->drv_name[0], "--to", w->drv_id[1],
                    "--text", "FAIL-PERMANENT now", "--sync");
    ASSERT_EXIT(r, 1);
    cJSON *op = cJSON_Parse(r.out);
    ck_assert_str_eq(cli_str(op, "status"), "failed");
    cJSON_Delete(op);
    ck_assert_ptr_nonnull(strstr(r.err, "502"));
    cJSON *req = last_request(&emu, "POST", "/v2/telematics/messages", NULL);
    ck_assert_ptr_nonnull(strstr(cli_str(req, "query"), "is_sync=true"));
    cJSON_Delete(req);
    cli_free(&r);
}
END_TEST

/* ------------------------------------------------------------------ exit 2 */

START_TEST(usage_errors_exit_2_before_sending)
{
    const world *w = the_world();
    clear_requests(&emu);
    struct {
        const char *args[12];
        const char *msg;
    } cases[] = {
        {{"send-message", "--connection", w->conn_id, "--from", "a", "--to", "b", NULL}, "missing --text"},
        {{"update-vehicle", "--connection", w->conn_id, w->veh_id[0], "--set", "colour=red", NULL}, "unknown vehicle field"},
        {{"update-vehicle", "--connection", w->conn_id, w->veh_id[0], "--set", "model_year=20x0", NULL}, "whole number"},
        {{"update-trailer", "--connection", w->conn_id, "--set", "notes=x", NULL}, "missing TRAILER"},
        {{"send-message", "--connection", w->conn_id, "--from", "a", "--to", "b", "--text", "x", "--priority", "urgent",
          NULL},
         "--priority"},
        {{"vehicles", "--connection", w->conn_id, "--bogus", NULL}, "unknown option --bogus"},
        {{"operation", "--connection", w->conn_id, "not-an-id", NULL}, "not an operation id"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_out r = cli_run(&emu, NULL, "demo-secret", 0, cases[i].args);
        ASSERT_EXIT(r, 2);
        ck_assert_msg(strstr(r.err, cases[i].msg), "case %zu: %s", i, r.err);
        ck_assert_ptr_nonnull(strstr(r.err, "--help"));
        cli_free(&r);
    }
    /* Names that match nothing. */
    cli_out r = CLI("send-message", "--connection", w->conn_id, "--from", "Nobody Atall", "--to", w->drv_id[1], "--text",
                    "x");
    ASSERT_EXIT(r, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "Nobody Atall"));
    cli_free(&r);
    r = CLI("vehicles", "--connection", "No Such Connection");
    ASSERT_EXIT(r, 2);
    cli_free(&r);
    ck_assert_int_eq(count_writes(&emu), 0);
    /* --help is not an error. */
    r = CLI("update-trailer", "--help");
    ASSERT_EXIT(r, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "trailer_length"));
    cli_free(&r);
}
END_TEST

START_TEST(ambiguous_name_exits_2_naming_the_candidates)
{
    const world *w = the_world();
    /* A second vehicle with the same name (sync: it exists when the command returns). */
    char set[300];
    snprintf(set, sizeof set, "vehicle_name=%s", w->veh_name[1]);
    cli_out r = CLI("create-vehicle", "--connection", w->conn_id, "--set", set, "--set", "model_year=2021", "--sync");
    ASSERT_EXIT(r, 0);
    cJSON *op = cJSON_Parse(r.out);
    ck_assert_str_eq(cli_str(op, "status"), "success");
    char new_id[40];
    snprintf(new_id, sizeof new_id, "%s", cli_str(op, "resource_id"));
    cJSON_Delete(op);
    cJSON *req = last_request(&emu, "POST", "/v2/telematics/vehicles", NULL);
    char want[4096];
    snprintf(want, sizeof want, "{\"connection_id\":\"%s\",\"vehicle_name\":\"%s\",\"model_year\":2021}", w->conn_id,
             w->veh_name[1]);
    assert_body(req, want);
    cJSON_Delete(req);
    cli_free(&r);

    clear_requests(&emu);
    r = CLI("update-vehicle", "--connection", w->conn_id, w->veh_name[1], "--set", "notes=which one?");
    ASSERT_EXIT(r, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "ambiguous"));
    ck_assert_ptr_nonnull(strstr(r.err, w->veh_id[1]));
    ck_assert_ptr_nonnull(strstr(r.err, new_id));
    ck_assert_int_eq(count_writes(&emu), 0);
    cli_free(&r);
    /* The id still works. */
    r = CLI("update-vehicle", "--connection", w->conn_id, new_id, "--set", "notes=this one");
    ASSERT_EXIT(r, 0);
    cli_free(&r);
}
END_TEST

/* ------------------------------------------------------------------ exit 3 */

START_TEST(auth_failures_exit_3)
{
    cli_out r = cli_run(&emu, NULL, "wrong-secret", 0, (const char *const[]){"connections", NULL});
    ASSERT_EXIT(r, 3);
    ck_assert_ptr_null(strstr(r.err, "wrong-secret"));
    ck_assert_ptr_null(strstr(r.out, "wrong-secret"));
    cli_free(&r);
    r = cli_run(&emu, NULL, "wrong-secret", 0,
                (const char *const[]){"send-message", "--connection", "C", "--from", "a", "--to", "b", "--text", "x",
                                      NULL});
    ASSERT_EXIT(r, 3);
    cli_free(&r);
    r = cli_run(&emu, NULL, NULL, 0, (const char *const[]){"vehicles", "--connection", "C", NULL});
    ASSERT_EXIT(r, 3);
    ck_assert_ptr_nonnull(strstr(r.err, "CATENA_CLIENT_SECRET"));
    cli_free(&r);
}
END_TEST

/* ------------------------------------------------------------------ exit 4 */

START_TEST(network_and_api_errors_exit_4)
{
    /* Nothing listens on port 1. */
    cli_out r = cli_run(&emu, "http://127.0.0.1:1", "demo-secret", 0, (const char *const[]){"connections", NULL});
    ASSERT_EXIT(r, 4);
    cli_free(&r);

    emu_proc bad;
    const char *args[] = {"--fault", "route=/v2/,kind=status,status=503", NULL};
    ck_assert_int_eq(emu_start(&bad, args), 0);
    r = CLI_ON(&bad, "connections", "--json");
    ASSERT_EXIT(r, 4);
    ck_assert_ptr_nonnull(strstr(r.err, "503"));
    cli_free(&r);
    emu_stop(&bad);
}
END_TEST

START_TEST(unknown_outcome_exits_4_and_says_check_the_operations)
{
    const world *w = the_world();
    free(http_text(&emu, "POST", "/_emulator/faults",
                   "{\"route\":\"/v2/telematics/messages\",\"method\":\"POST\",\"kind\":\"status\",\"status\":503,"
                   "\"latency_ms\":3000,\"count\":1}"));
    cli_out r = CLI("send-message", "--connection", w->conn_id, "--from", w->drv_id[0], "--to", w->drv_id[1], "--text",
                    "slow", "--request-timeout", "1");
    free(http_text(&emu, "DELETE", "/_emulator/faults", NULL));
    ASSERT_EXIT(r, 4);
    ck_assert_ptr_nonnull(strstr(r.err, "may have gone through"));
    ck_assert_ptr_nonnull(strstr(r.err, "--wait"));
    cli_free(&r);
}
END_TEST

/* Issue 13.1: a gateway's 502 without an operation is no refusal: the outcome is unknown. */
START_TEST(a_gateway_502_on_a_write_exits_4_may_have_gone_through)
{
    const world *w = the_world();
    free(http_text(&emu, "POST", "/_emulator/faults",
                   "{\"route\":\"/v2/telematics/messages\",\"method\":\"POST\",\"kind\":\"status\",\"status\":502,"
                   "\"count\":1}"));
    cli_out r = CLI("send-message", "--connection", w->conn_id, "--from", w->drv_id[0], "--to", w->drv_id[1], "--text",
                    "through a gateway");
    free(http_text(&emu, "DELETE", "/_emulator/faults", NULL));
    ASSERT_EXIT(r, 4);
    ck_assert_ptr_nonnull(strstr(r.err, "502"));
    ck_assert_ptr_nonnull(strstr(r.err, "may have gone through"));
    ck_assert_ptr_null(strstr(r.err, "refused"));
    cli_free(&r);
}
END_TEST

/* The subcommands build their session as the console does: request_timeout_ms from the config
 * file bounds a request (it was ignored: only --request-timeout was). */
START_TEST(request_timeout_ms_from_the_config_file_is_honoured)
{
    char dir[] = "/tmp/catena-cfg-XXXXXX", path[64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/config", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("request_timeout_ms = 700\n", f);
    fclose(f);
    free(http_text(&emu, "POST", "/_emulator/faults",
                   "{\"route\":\"/v2/integrations/connections\",\"method\":\"GET\",\"kind\":\"latency\","
                   "\"latency_ms\":4000,\"count\":1}"));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cli_out r = CLI("connections", "--config", path);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    free(http_text(&emu, "DELETE", "/_emulator/faults", NULL));
    unlink(path);
    rmdir(dir);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000L + (t1.tv_nsec - t0.tv_nsec) / 1000000L;
    ASSERT_EXIT(r, 4);
    ck_assert_msg(ms < 3500, "took %ld ms: the config's request_timeout_ms was not applied", ms);
    ck_assert_ptr_nonnull(strstr(r.err, "no answer within 0.7 s"));
    cli_free(&r);
}
END_TEST

/* ------------------------------------------------------------------ sanitizing */

START_TEST(hostile_strings_never_reach_stdout)
{
    emu_proc h;
    const char *args[] = {"--time-scale", "0.001", "--hostile-strings", NULL};
    if (emu_start(&h, args) != 0)
        return; /* an emulator without --hostile-strings: nothing to check */
    cli_out r = CLI_ON(&h, "connections", "--json");
    cJSON *conns = cli_json_lines(r.out);
    char id[40];
    snprintf(id, sizeof id, "%s", cli_str(cJSON_GetArrayItem(conns, 0), "id"));
    cJSON_Delete(conns);
    cli_free(&r);
    const char *cmds[][5] = {{"connections", NULL},
                             {"connections", "--json", NULL},
                             {"vehicles", "--connection", id, NULL},
                             {"vehicles", "--connection", id, "--json", NULL},
                             {"drivers", "--connection", id, NULL},
                             {"drivers", "--connection", id, "--json", NULL},
                             {"trailers", "--connection", id, NULL},
                             {"trailers", "--connection", id, "--json", NULL}};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        r = cli_run(&h, NULL, "demo-secret", 0, cmds[i]);
        ASSERT_EXIT(r, 0);
        ck_assert_msg(!strchr(r.out, '\x1b') && !strchr(r.out, '\a') && !strstr(r.out, "\\u001b"), "%s", r.out);
        cli_free(&r);
    }
    emu_stop(&h);
}
END_TEST


int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const char *args[] = {"--time-scale", "0.001", NULL};
    if (emu_start(&emu, args) != 0) {
        fprintf(stderr, "cannot start the emulator\n");
        return 1;
    }
    const TTest *tests[] = {
        send_message_async_prints_the_operation_and_sends_catena_ids, listings_align_by_display_width_and_print_json_lines,
        patch_sends_only_the_set_fields, operation_wait_exits_0_on_success_and_1_on_failure,
        operations_json_lines_and_watch_until_sigint, server_validation_422_exits_1_with_the_field_error,
        sync_write_the_tsp_refuses_exits_1, usage_errors_exit_2_before_sending,
        ambiguous_name_exits_2_naming_the_candidates, auth_failures_exit_3, network_and_api_errors_exit_4,
        unknown_outcome_exits_4_and_says_check_the_operations, request_timeout_ms_from_the_config_file_is_honoured,
        a_gateway_502_on_a_write_exits_4_may_have_gone_through,         hostile_strings_never_reach_stdout,
        group_messages_lists_what_was_sent_with_its_recipients, locations_prints_where_each_vehicle_is};
    Suite *s = suite_create("subcommands");
    TCase *tc = tcase_create("e2e");
    tcase_set_timeout(tc, 120);
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        tcase_add_test(tc, tests[i]);
    suite_add_tcase(s, tc);
    int failed = run_suite_nofork(s);
    emu_stop(&emu);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
