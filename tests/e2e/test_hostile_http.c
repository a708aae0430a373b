/* The client core against a hostile HTTP server (a small libmicrohttpd server in this file):
 * answers that never end, that announce gigabytes, that inflate from a small gzip body, and an
 * auth server whose token would inject a header. Every case must end in a clear error, with
 * bounded memory, and leave the client usable. */
#include "core/api.h"
#include "core/text.h"

#include <arpa/inet.h>
#include <check.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "suite_runner.h"

/* ------------------------------------------------------------------ the server */

static struct MHD_Daemon *daemon_;
static char base_url[64];
static atomic_llong served_endless, served_announced, injected_headers, hits_small;
static char *bomb, *big;             /* gzip bodies */
static size_t bomb_len, big_len;
static long long big_inflated_len;

#define CHUNK 65536
#define ENDLESS_STOP (4 * HTTP_BODY_MAX_BYTES) /* so a client without a cap fails instead of swapping */

static const char *const GOOD_TOKEN = "{\"access_token\":\"good-token\",\"expires_in\":3600,\"token_type\":\"Bearer\"}";
/* A token that would add a header of the server's choosing to every API request. */
static const char *const CRLF_TOKEN = "{\"access_token\":\"abc\\r\\nX-Injected: yes\",\"expires_in\":3600}";
static const char *const SPACE_TOKEN = "{\"access_token\":\"abc def\",\"expires_in\":3600}";
static const char *const HUGE_LIFE_TOKEN = "{\"access_token\":\"good-token\",\"expires_in\":1e300}";

static ssize_t endless_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    atomic_llong *served = cls;
    if ((long long)pos >= ENDLESS_STOP)
        return MHD_CONTENT_READER_END_OF_STREAM;
    size_t n = max < CHUNK ? max : CHUNK;
    memset(buf, ' ', n);
    if (pos == 0)
        buf[0] = '[';
    atomic_fetch_add(served, (long long)n);
    return (ssize_t)n;
}

static enum MHD_Result count_injected(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)cls;
    (void)kind;
    (void)value;
    if (strcasecmp(key, "X-Injected") == 0)
        atomic_fetch_add(&injected_headers, 1);
    return MHD_YES;
}

static struct MHD_Response *json(const char *text)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    return r;
}

static struct MHD_Response *gzip_body(const char *data, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "Content-Encoding", "gzip");
    return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **state)
{
    (void)cls;
    (void)version;
    (void)upload;
    if (!*state) { /* first call: headers only */
        *state = (void *)1;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0; /* the token request's form body: not needed */
        return MHD_YES;
    }
    (void)method;
    MHD_get_connection_values(conn, MHD_HEADER_KIND, count_injected, NULL);
    if (!strncmp(url, "/v2/small", 9))
        atomic_fetch_add(&hits_small, 1);
    struct MHD_Response *r;
    if (strstr(url, "/realms/ok/"))
        r = json(GOOD_TOKEN);
    else if (strstr(url, "/realms/crlf/"))
        r = json(CRLF_TOKEN);
    else if (strstr(url, "/realms/space/"))
        r = json(SPACE_TOKEN);
    else if (strstr(url, "/realms/huge/"))
        r = json(HUGE_LIFE_TOKEN);
    else if (!strncmp(url, "/v2/endless", 11))
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, CHUNK, endless_reader, &served_endless, NULL);
    else if (!strncmp(url, "/v2/announced", 13))
        r = MHD_create_response_from_callback(5000000000ULL, CHUNK, endless_reader, &served_announced, NULL);
    else if (!strncmp(url, "/v2/bomb", 8))
        r = gzip_body(bomb, bomb_len);
    else if (!strncmp(url, "/v2/big", 7))
        r = gzip_body(big, big_len);
    else if (!strncmp(url, "/v2/small", 9))
        r = json("{\"items\":[],\"next_page\":null}");
    else
        r = json("{\"detail\":\"no such route\"}");
    enum MHD_Result ok = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

static void die(const char *what)
{
    fprintf(stderr, "test_hostile_http: %s\n", what);
    exit(1);
}

/* len bytes of a repeated pattern, gzip-compressed into a heap buffer. */
static char *gzip_of(const char *pattern, long long len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        die("deflateInit2 failed");
    static char in[CHUNK];
    size_t plen = strlen(pattern);
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = pattern[i % plen];
    size_t cap = 1 << 20, used = 0;
    char *out = malloc(cap);
    if (!out)
        die("out of memory");
    for (long long left = len;;) {
        size_t n = left < CHUNK ? (size_t)left : CHUNK - (CHUNK % plen);
        left -= (long long)n;
        z.next_in = (Bytef *)in;
        z.avail_in = (uInt)n;
        int flush = left ? Z_NO_FLUSH : Z_FINISH, rc;
        do {
            if (cap - used < CHUNK)
                if (!(out = realloc(out, cap *= 2)))
                    die("out of memory");
            z.next_out = (Bytef *)out + used;
            z.avail_out = (uInt)(cap - used);
            rc = deflate(&z, flush);
            used = cap - z.avail_out;
        } while (z.avail_in || (flush == Z_FINISH && rc != Z_STREAM_END));
        if (!left)
            break;
    }
    deflateEnd(&z);
    *out_len = used;
    return out;
}

static void server_start(void)
{
    /* A page-shaped body just under the cap, and one that inflates past it. */
    big_inflated_len = HTTP_BODY_MAX_BYTES - 1000;
    big = gzip_of("{\"id\":\"00000000-0000-4000-8000-000000000000\"},", big_inflated_len, &big_len);
    bomb = gzip_of(" ", HTTP_BODY_MAX_BYTES + (1 << 20), &bomb_len);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, NULL,
                               MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_END);
    if (!daemon_)
        die("cannot start the test server");
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
    snprintf(base_url, sizeof base_url, "http://127.0.0.1:%u", (unsigned)info->port);
}

static void server_stop(void)
{
    MHD_stop_daemon(daemon_);
    free(bomb);
    free(big);
}

/* ------------------------------------------------------------------ the client */

typedef struct fixture {
    loop *l;
    http_client *h;
    auth *au;
    api *a;
    int done;
    http_error error;
    long status;
    size_t body_len;
    char error_text[320];
    int64_t elapsed_ms;
} fixture;

static void fx_open(fixture *f, const char *realm)
{
    memset(f, 0, sizeof *f);
    char auth_url[128];
    snprintf(auth_url, sizeof auth_url, "%s/realms/%s", base_url, realm);
    f->l = loop_new();
    f->h = http_client_new(f->l);
    f->au = auth_new(f->l, f->h, auth_url, "client", "secret");
    f->a = api_new(f->l, f->h, f->au, base_url);
}

static void fx_close(fixture *f)
{
    api_free(f->a);
    auth_free(f->au);
    http_client_free(f->h);
    loop_free(f->l);
}

static void run_until(fixture *f, int *flag)
{
    int64_t deadline = loop_real_now_ms() + 60000;
    while (!*flag && loop_real_now_ms() < deadline)
        loop_run_once(f->l, 100);
    ck_assert_msg(*flag, "timed out");
}

static void on_http(void *ud, const http_response *r)
{
    fixture *f = ud;
    f->error = r->error;
    f->status = r->status;
    f->body_len = r->body_len;
    f->elapsed_ms = r->elapsed_ms;
    snprintf(f->error_text, sizeof f->error_text, "%s", r->error_text);
    f->done = 1;
}

static void get(fixture *f, const char *path)
{
    char url[160];
    snprintf(url, sizeof url, "%s%s", base_url, path);
    http_request req = {.method = "GET", .url = url};
    f->done = 0;
    http_start(f->h, &req, on_http, f);
    run_until(f, &f->done);
}

/* ------------------------------------------------------------------ response size cap */

START_TEST(an_endless_body_is_cut_at_the_cap)
{
    fixture f;
    fx_open(&f, "ok");
    atomic_store(&served_endless, 0);
    get(&f, "/v2/endless");
    ck_assert_int_eq(f.error, HTTP_ERR_TOO_LARGE);
    ck_assert_msg(strstr(f.error_text, "the API sent an oversized answer"), "%s", f.error_text);
    /* The server may have pushed a few socket buffers more than the client read. */
    ck_assert_int_lt(atomic_load(&served_endless), HTTP_BODY_MAX_BYTES + 16 * 1024 * 1024);
    fx_close(&f);
}
END_TEST

START_TEST(a_body_announced_as_gigabytes_is_refused_before_it_arrives)
{
    fixture f;
    fx_open(&f, "ok");
    atomic_store(&served_announced, 0);
    get(&f, "/v2/announced");
    ck_assert_int_eq(f.error, HTTP_ERR_TOO_LARGE);
    ck_assert_msg(strstr(f.error_text, "the API sent an oversized answer"), "%s", f.error_text);
    ck_assert_int_lt(atomic_load(&served_announced), 16 * 1024 * 1024);
    fx_close(&f);
}
END_TEST

START_TEST(a_gzip_bomb_is_cut_at_the_cap_once_inflated)
{
    ck_assert_uint_lt(bomb_len, 1024 * 1024); /* small on the wire: only the inflated size can catch it */
    fixture f;
    fx_open(&f, "ok");
    get(&f, "/v2/bomb");
    ck_assert_int_eq(f.error, HTTP_ERR_TOO_LARGE);
    ck_assert_msg(strstr(f.error_text, "the API sent an oversized answer"), "%s", f.error_text);
    fx_close(&f);
}
END_TEST

START_TEST(an_answer_just_under_the_cap_arrives_whole)
{
    fixture f;
    fx_open(&f, "ok");
    get(&f, "/v2/big");
    ck_assert_int_eq(f.error, HTTP_OK);
    ck_assert_int_eq(f.status, 200);
    ck_assert_uint_eq(f.body_len, (size_t)big_inflated_len);
    fx_close(&f);
}
END_TEST

static void on_list_done(void *ud, table *t)
{
    (void)t;
    ((fixture *)ud)->done = 1;
}

static void on_reply(void *ud, const api_reply *r)
{
    fixture *f = ud;
    f->status = r->status;
    snprintf(f->error_text, sizeof f->error_text, "%s", r->message);
    f->done = 1;
}

START_TEST(a_list_with_an_oversized_answer_fails_alone_and_says_so)
{
    fixture f;
    fx_open(&f, "ok");
    table t;
    table_init(&t, KIND_VEHICLE);
    api_load_table(f.a, &t, "/v2/bomb", API_PAGE_SIZE_MAX, NULL, on_list_done, &f);
    run_until(&f, &f.done);
    ck_assert_int_eq(t.state, LOAD_FAILED);
    ck_assert_msg(t.error && strstr(t.error, "the API sent an oversized answer"), "%s", t.error ? t.error : "");
    table_clear(&t);
    /* The same client goes on working. */
    f.done = 0;
    api_call(f.a, "GET", "/v2/small", NULL, on_reply, &f);
    run_until(&f, &f.done);
    ck_assert_int_eq(f.status, API_OK);
    fx_close(&f);
}
END_TEST

/* ------------------------------------------------------------------ tokens */

static void call_small(fixture *f)
{
    f->done = 0;
    api_call(f->a, "GET", "/v2/small", NULL, on_reply, f);
    run_until(f, &f->done);
}

START_TEST(a_token_with_a_line_break_never_reaches_a_header)
{
    fixture f;
    fx_open(&f, "crlf");
    atomic_store(&injected_headers, 0);
    atomic_store(&hits_small, 0);
    call_small(&f);
    ck_assert_int_ne(f.status, API_OK);
    ck_assert_msg(strstr(f.error_text, "not a single printable line"), "%s", f.error_text);
    ck_assert_int_eq(atomic_load(&injected_headers), 0);
    ck_assert_int_eq(atomic_load(&hits_small), 0);
    ck_assert_int_eq(auth_get_state(f.au), AUTH_FAILED);
    fx_close(&f);
}
END_TEST

START_TEST(a_token_with_a_space_is_refused)
{
    fixture f;
    fx_open(&f, "space");
    atomic_store(&hits_small, 0);
    call_small(&f);
    ck_assert_int_ne(f.status, API_OK);
    ck_assert_msg(strstr(f.error_text, "not a single printable line"), "%s", f.error_text);
    ck_assert_int_eq(atomic_load(&hits_small), 0);
    fx_close(&f);
}
END_TEST

START_TEST(the_transport_refuses_a_header_value_with_a_line_break)
{
    fixture f;
    fx_open(&f, "ok");
    atomic_store(&injected_headers, 0);
    atomic_store(&hits_small, 0);
    char url[160];
    snprintf(url, sizeof url, "%s/v2/small", base_url);
    http_request req = {.method = "GET", .url = url, .bearer = "abc\r\nX-Injected: yes"};
    f.done = 0;
    http_start(f.h, &req, on_http, &f);
    ck_assert_int_eq(f.done, 0); /* never answered from inside http_start */
    run_until(&f, &f.done);
    ck_assert_int_eq(f.error, HTTP_ERR_NETWORK);
    ck_assert_msg(strstr(f.error_text, "refused to send"), "%s", f.error_text);
    ck_assert_int_eq(atomic_load(&injected_headers), 0);
    ck_assert_int_eq(atomic_load(&hits_small), 0);
    ck_assert_int_eq(http_in_flight(f.h), 0);
    fx_close(&f);
}
END_TEST

START_TEST(a_huge_token_lifetime_is_clamped_not_undefined)
{
    fixture f;
    fx_open(&f, "huge");
    call_small(&f);
    ck_assert_int_eq(f.status, API_OK);
    long left = auth_seconds_left(f.au);
    ck_assert_msg(left > 3600 && left <= 86400, "seconds left: %ld", left);
    fx_close(&f);
}
END_TEST

int main(void)
{
    text_init_locale();
    server_start();
    Suite *s = suite_create("hostile_http");
    TCase *tc = tcase_create("size_cap");
    tcase_add_test(tc, an_endless_body_is_cut_at_the_cap);
    tcase_add_test(tc, a_body_announced_as_gigabytes_is_refused_before_it_arrives);
    tcase_add_test(tc, a_gzip_bomb_is_cut_at_the_cap_once_inflated);
    tcase_add_test(tc, an_answer_just_under_the_cap_arrives_whole);
    tcase_add_test(tc, a_list_with_an_oversized_answer_fails_alone_and_says_so);
    suite_add_tcase(s, tc);
    TCase *tok = tcase_create("tokens");
    tcase_add_test(tok, a_token_with_a_line_break_never_reaches_a_header);
    tcase_add_test(tok, a_token_with_a_space_is_refused);
    tcase_add_test(tok, the_transport_refuses_a_header_value_with_a_line_break);
    tcase_add_test(tok, a_huge_token_lifetime_is_clamped_not_undefined);
    suite_add_tcase(s, tok);
    int failed = run_suite_nofork(s);
    server_stop();
    return failed ? 1 : 0;
}
