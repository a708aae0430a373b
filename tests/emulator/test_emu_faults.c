/* HTTP-level tests of fault injection (each kind, CLI and control surface), the API rate limit, body
 * limits and robustness against garbage on the socket. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "emu_test_world.h"
#include "suite_runner.h"

static world w;

static void start_world(void)
{
    const char *args[] = {"--seed", "5", NULL};
    world_start(&w, args);
}

static void stop_world(void)
{
    world_stop(&w);
}

static http_result get(const char *path)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", w.e.url, path);
    return http_call("GET", url, w.tok, NULL, NULL);
}

static void add_fault(const char *json)
{
    ck_assert_int_eq(world_control(&w, "POST", "/_emulator/faults", json), 201);
}

START_TEST(status_fault_with_count)
{
    add_fault("{\"route\":\"/v2/telematics/vehicles\",\"method\":\"GET\",\"status\":503,\"count\":2}");
    for (int i = 0; i < 3; i++) {
        http_result r = get("/v2/telematics/vehicles?size=1");
        ck_assert_int_eq(r.status, i < 2 ? 503 : 200);
        cJSON *j = cJSON_Parse(r.body.data);
        ck_assert_ptr_nonnull(j);
        if (i < 2)
            ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(j, "code")->valueint, 503);
        cJSON_Delete(j);
        http_free(&r);
    }
    /* other routes and methods are untouched */
    http_result r = get("/v2/telematics/users?size=1");
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
}
END_TEST

START_TEST(internal_error_shape)
{
    add_fault("{\"route\":\"/v2/telematics/users\",\"status\":500}");
    http_result r = get("/v2/telematics/users");
    ck_assert_int_eq(r.status, 500);
    ck_assert_str_eq(r.body.data, "{\"message\":\"Internal Server Error\"}");
    http_free(&r);
    ck_assert_int_eq(world_control(&w, "DELETE", "/_emulator/faults", NULL), 200);
    r = get("/v2/telematics/users");
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
}
END_TEST

START_TEST(rate_limit_fault)
{
    add_fault("{\"route\":\"/v2/telematics/trailers\",\"kind\":\"rate_limit\",\"retry_after_seconds\":7,\"count\":1}");
    http_result r = get("/v2/telematics/trailers");
    ck_assert_int_eq(r.status, 429);
    ck_assert_ptr_nonnull(strcasestr(r.headers.data, "Retry-After: 7"));
    cJSON *j = cJSON_Parse(r.body.data);
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "detail");
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(d, "retry_after_seconds")->valueint, 7);
    ck_assert_ptr_nonnull(json_str(d, "message"));
    cJSON_Delete(j);
    http_free(&r);
}
END_TEST

START_TEST(rate_limit_fault_without_header)
{
    add_fault("{\"route\":\"/v2/telematics/trailers\",\"kind\":\"rate_limit\",\"retry_after_seconds\":30,"
              "\"retry_after_header\":0,\"count\":1}");
    http_result r = get("/v2/telematics/trailers");
    ck_assert_int_eq(r.status, 429);
    ck_assert_ptr_null(strcasestr(r.headers.data, "Retry-After"));
    cJSON *j = cJSON_Parse(r.body.data);
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "detail");
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(d, "retry_after_seconds")->valueint, 30);
    cJSON_Delete(j);
    http_free(&r);
    r = get("/v2/telematics/trailers");
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
}
END_TEST

START_TEST(bad_items_fault)
{
    add_fault("{\"route\":\"/v2/integrations/connections/resource-operations\",\"kind\":\"bad_items\",\"count\":1}");
    http_result r = get("/v2/integrations/connections/resource-operations");
    ck_assert_int_eq(r.status, 200);
    cJSON *j = cJSON_Parse(r.body.data);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(j, "items");
    ck_assert(cJSON_IsArray(items));
    ck_assert_int_eq(cJSON_GetArraySize(items), 3);
    ck_assert(cJSON_IsNumber(cJSON_GetArrayItem(items, 0)));
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "next_page")));
    cJSON_Delete(j);
    http_free(&r);
    r = get("/v2/integrations/connections/resource-operations");
    ck_assert_int_eq(r.status, 200);
    j = cJSON_Parse(r.body.data);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "items")), 0);
    cJSON_Delete(j);
    http_free(&r);
}
END_TEST

START_TEST(malformed_json_fault)
{
    add_fault("{\"route\":\"/v2/integrations/connections\",\"kind\":\"malformed\"}");
    http_result r = get("/v2/integrations/connections");
    ck_assert_int_eq(r.status, 200);
    cJSON *j = cJSON_Parse(r.body.data);
    ck_assert_ptr_null(j);
    http_free(&r);
}
END_TEST

START_TEST(truncated_fault)
{
    add_fault("{\"route\":\"/v2/telematics/vehicles\",\"kind\":\"truncated\",\"count\":1}");
    http_result r = get("/v2/telematics/vehicles");
    ck_assert_int_ne(r.curl_code, CURLE_OK); /* the connection closes before Content-Length bytes */
    cJSON *j = cJSON_Parse(r.body.data);
    ck_assert_ptr_null(j);
    http_free(&r);
    r = get("/v2/telematics/vehicles");
    ck_assert_int_eq(r.curl_code, CURLE_OK);
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
}
END_TEST

START_TEST(reset_fault)
{
    add_fault("{\"route\":\"/v2/telematics/users\",\"kind\":\"reset\",\"count\":1}");
    http_result r = get("/v2/telematics/users");
    ck_assert_int_ne(r.curl_code, CURLE_OK);
    ck_assert_int_eq(r.status, 0);
    http_free(&r);
}
END_TEST

START_TEST(latency_fault)
{
    add_fault("{\"route\":\"/v2/telematics/users\",\"latency_ms\":300,\"count\":1}");
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    http_result r = get("/v2/telematics/users?size=1");
    clock_gettime(CLOCK_MONOTONIC, &b);
    ck_assert_int_eq(r.status, 200);
    long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    ck_assert_int_ge(ms, 290);
    http_free(&r);
}
END_TEST

START_TEST(probability_zero_never_fires)
{
    add_fault("{\"route\":\"/v2/\",\"status\":503,\"probability\":0}");
    for (int i = 0; i < 5; i++) {
        http_result r = get("/v2/telematics/users?size=1");
        ck_assert_int_eq(r.status, 200);
        http_free(&r);
    }
}
END_TEST

static const char *const BAD_FAULTS[] = {
    "{\"kind\":\"explode\"}", "{\"status\":99}", "{\"probability\":2}", "{\"route\":\"no-slash\"}",
    "{\"count\":-5}",         "[]",              "not json",            "{\"unknown\":1}",
    "{\"retry_after_header\":2}",
};

START_TEST(bad_fault_specs_400)
{
    ck_assert_int_eq(world_control(&w, "POST", "/_emulator/faults", BAD_FAULTS[_i]), 400);
}
END_TEST

START_TEST(cli_fault_and_token_route)
{
    emu_proc e;
    const char *args[] = {"--fault", "route=/realms/catena/protocol/openid-connect/token,status=503,count=1", NULL};
    ck_assert_int_eq(emu_start(&e, args), 0);
    ck_assert_ptr_null(emu_token(&e));
    char *tok = emu_token(&e);
    ck_assert_ptr_nonnull(tok);
    free(tok);
    ck_assert_int_eq(emu_stop(&e), 0);
}
END_TEST

START_TEST(api_rate_limit_429)
{
    emu_proc e;
    const char *args[] = {"--api-rate-limit", "3", NULL};
    ck_assert_int_eq(emu_start(&e, args), 0);
    char *tok = emu_token(&e);
    int limited = 0;
    for (int i = 0; i < 8; i++) {
        char url[256];
        snprintf(url, sizeof url, "%s/v2/telematics/users?size=1", e.url);
        http_result r = http_call("GET", url, tok, NULL, NULL);
        if (r.status == 429) {
            limited++;
            ck_assert_ptr_nonnull(strcasestr(r.headers.data, "Retry-After:"));
            cJSON *j = cJSON_Parse(r.body.data);
            ck_assert_int_ge(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "detail"),
                                                              "retry_after_seconds")
                                 ->valueint,
                             1);
            cJSON_Delete(j);
        }
        http_free(&r);
    }
    ck_assert_int_ge(limited, 3);
    free(tok);
    ck_assert_int_eq(emu_stop(&e), 0);
}
END_TEST

static int connect_loopback(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

#define IDLE_CONNECTIONS 1100

/* libmicrohttpd's default limit (~1,020 connections, idle ones kept 60 s) locked every client out:
 * many idle connections must leave health and the API answering, and idle ones are closed in time. */
START_TEST(idle_connections_do_not_lock_out)
{
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    ck_assert_msg(rl.rlim_max >= IDLE_CONNECTIONS + 100, "this test needs %d descriptors", IDLE_CONNECTIONS + 100);
    if (rl.rlim_cur < IDLE_CONNECTIONS + 100) {
        rl.rlim_cur = rl.rlim_max;
        ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
    }
    emu_proc e;
    const char *args[] = {"--idle-timeout", "2", NULL};
    ck_assert_int_eq(emu_start(&e, args), 0);
    static int fds[IDLE_CONNECTIONS];
    for (int i = 0; i < IDLE_CONNECTIONS; i++)
        fds[i] = connect_loopback(e.port);
    usleep(300000); /* let the server accept them */
    char url[256];
    snprintf(url, sizeof url, "%s/_emulator/health", e.url);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    http_result r = http_call("GET", url, NULL, NULL, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_lt(b.tv_sec - a.tv_sec, 2);
    http_free(&r);
    char *tok = emu_token(&e);
    ck_assert_ptr_nonnull(tok);
    free(tok);
    /* the idle connections are closed by the server after --idle-timeout */
    usleep(3500000);
    int closed = 0;
    for (int i = 0; i < IDLE_CONNECTIONS; i++) {
        struct timeval tv = {0, 1000};
        setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char c;
        if (read(fds[i], &c, 1) == 0)
            closed++;
        close(fds[i]);
    }
    ck_assert_int_eq(closed, IDLE_CONNECTIONS);
    ck_assert_int_eq(emu_stop(&e), 0);
}
END_TEST

START_TEST(body_too_large_413)
{
    size_t n = 2 * 1024 * 1024;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = '\0';
    char url[256];
    snprintf(url, sizeof url, "%s/v2/telematics/messages", w.e.url);
    http_result r = http_call("POST", url, w.tok, "application/json", big);
    ck_assert_int_eq(r.status, 413);
    http_free(&r);
    free(big);
    /* the server is fine afterwards */
    r = get("/v2/telematics/users?size=1");
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
}
END_TEST

/* Raw bytes on a socket: the server must answer or close, and keep serving. */
static void send_raw(const char *data, size_t len)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)w.e.port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    struct timeval tv = {0, 300000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t wr = write(fd, data, len);
    (void)wr;
    shutdown(fd, SHUT_WR);
    char buf[4096];
    while (read(fd, buf, sizeof buf) > 0) {
    }
    close(fd);
}

START_TEST(garbage_on_the_socket)
{
    static const char *const inputs[] = {
        "\r\n\r\n",
        "GET\r\n\r\n",
        "GET / HTTP/9.9\r\n\r\n",
        "POST /v2/telematics/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n{",
        "POST /v2/telematics/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n",
        "GET /v2/telematics/users?size=%ZZ&cursor=%00%FF HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v2/telematics/users/%2e%2e%2f%2e%2e HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a.b.c\r\n\r\n",
        "GET /_emulator/requests HTTP/1.1\r\nHost: x\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        send_raw(inputs[i], strlen(inputs[i]));
    unsigned seed = 12345;
    char buf[2048];
    for (int round = 0; round < 200; round++) {
        size_t len = (size_t)(rand_r(&seed) % (int)sizeof buf);
        int prefix = rand_r(&seed) % 3;
        size_t off = 0;
        if (prefix == 1)
            off = (size_t)snprintf(buf, sizeof buf, "GET /v2/telematics/vehicles?");
        else if (prefix == 2)
            off = (size_t)snprintf(buf, sizeof buf, "POST /v2/telematics/messages HTTP/1.1\r\nContent-Length: 40\r\n\r\n");
        for (size_t k = off; k < len; k++)
            buf[k] = (char)(rand_r(&seed) & 0xff);
        send_raw(buf, len > off ? len : off);
    }
    http_result r = get("/v2/telematics/users?size=1");
    ck_assert_int_eq(r.status, 200);
    http_free(&r);
}
END_TEST

START_TEST(control_surface_basics)
{
    long st;
    cJSON *j = http_get_json(&w.e, "/_emulator/clock", NULL, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_ptr_nonnull(json_str(j, "now"));
    cJSON_Delete(j);
    ck_assert_int_eq(world_control(&w, "POST", "/_emulator/clock/advance?ms=-1", NULL), 400);
    ck_assert_int_eq(world_control(&w, "GET", "/_emulator/nothing", NULL), 404);
    ck_assert_int_eq(world_control(&w, "POST", "/_emulator/share-level", "{}"), 400);
    j = http_get_json(&w.e, "/_emulator/faults", NULL, &st);
    ck_assert(cJSON_IsArray(j));
    cJSON_Delete(j);
}
END_TEST

static Suite *faults_suite(void)
{
    Suite *s = suite_create("emulator faults");
    TCase *tc = tcase_create("faults");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, start_world, stop_world);
    tcase_add_test(tc, status_fault_with_count);
    tcase_add_test(tc, internal_error_shape);
    tcase_add_test(tc, rate_limit_fault);
    tcase_add_test(tc, rate_limit_fault_without_header);
    tcase_add_test(tc, bad_items_fault);
    tcase_add_test(tc, malformed_json_fault);
    tcase_add_test(tc, truncated_fault);
    tcase_add_test(tc, reset_fault);
    tcase_add_test(tc, latency_fault);
    tcase_add_test(tc, probability_zero_never_fires);
    tcase_add_loop_test(tc, bad_fault_specs_400, 0, sizeof BAD_FAULTS / sizeof BAD_FAULTS[0]);
    tcase_add_test(tc, body_too_large_413);
    tcase_add_test(tc, garbage_on_the_socket);
    tcase_add_test(tc, control_surface_basics);
    suite_add_tcase(s, tc);
    TCase *own = tcase_create("own emulators");
    tcase_add_test(own, cli_fault_and_token_route);
    tcase_add_test(own, api_rate_limit_429);
    tcase_add_test(own, idle_connections_do_not_lock_out);
    suite_add_tcase(s, own);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    emu_test_record_responses();
    int failed = run_suite_nofork(faults_suite());
    curl_global_cleanup();
    return failed ? 1 : 0;
}
