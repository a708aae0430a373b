/* One slow connection does not delay the others' inbox polls (core/inbox, issue 11.2). Against a
 * loopback server of its own (libmicrohttpd, a thread per connection) that answers the messages
 * list of one connection_id only after SLOW_MS: the emulator's fault latency would also hold the
 * other requests its worker thread serves, which is not what a slow TSP connection does. */
#include "core/api.h"
#include "core/auth.h"
#include "core/http.h"
#include "core/inbox.h"
#include "core/loop.h"

#include <arpa/inet.h>
#include <check.h>
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SLOW_MS 2500
static const char *const CONNS[] = {"0190e5f0-0000-7000-8000-00000000000a", "0190e5f0-0000-7000-8000-00000000000b",
                                    "0190e5f0-0000-7000-8000-00000000005f"};
#define NCONNS 3
#define SLOW 2 /* CONNS[SLOW] answers after SLOW_MS */

static atomic_int served[NCONNS];

static enum MHD_Result serve(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                             const char *version, const char *upload, size_t *upload_len, void **state)
{
    (void)cls, (void)url, (void)version, (void)upload;
    if (!*state) { /* first call of a request: headers only */
        *state = conn;
        return MHD_YES;
    }
    if (*upload_len) {
        *upload_len = 0;
        return MHD_YES;
    }
    const char *body = "{\"items\":[],\"total\":0,\"next_page\":null}";
    if (!strcmp(method, "POST")) {
        body = "{\"access_token\":\"t\",\"token_type\":\"Bearer\",\"expires_in\":3000}";
    } else {
        const char *c = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "connection_id");
        for (int i = 0; c && i < NCONNS; i++)
            if (!strcmp(c, CONNS[i])) {
                if (i == SLOW) {
                    struct timespec ts = {SLOW_MS / 1000, (SLOW_MS % 1000) * 1000000L};
                    nanosleep(&ts, NULL);
                }
                served[i]++;
            }
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ok = MHD_queue_response(conn, 200, r);
    MHD_destroy_response(r);
    return ok;
}

/* Runs the loop (real time) until the fast connections were served n times each. */
static void wait_fast_served(loop *l, int n, int64_t deadline)
{
    while ((served[0] < n || served[1] < n) && loop_real_now_ms() < deadline)
        loop_run_once(l, 5);
    for (int k = 0; k < 50; k++) /* their replies reach the inbox */
        loop_run_once(l, 1);
}

START_TEST(a_slow_connection_does_not_delay_the_others)
{
    struct sockaddr_in lo = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL,
                                            NULL, serve, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&lo,
                                            MHD_OPTION_END);
    ck_assert_ptr_nonnull(d);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char url[64], auth_url[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", (unsigned)info->port);
    snprintf(auth_url, sizeof auth_url, "%s/realms/catena", url);
    loop *l = loop_new();
    loop_set_virtual_clock(l, true);
    http_client *h = http_client_new(l);
    auth *au = auth_new(l, h, auth_url, "id", "secret");
    api *a = api_new(l, h, au, url);
    inbox_settings s = {.poll_ms = 1000};
    inbox *ib = inbox_new(l, a, &s);
    inbox_set_connections(ib, CONNS, NCONNS);
    ck_assert_int_eq(inbox_start(ib, NULL), 0);

    int64_t t0 = loop_real_now_ms();
    wait_fast_served(l, 1, t0 + SLOW_MS);
    /* Three ticks go by while the slow one's first answer is still on its way: the two others are
     * asked every tick; the slow one is not asked twice at once. */
    for (int tick = 2; tick <= 4; tick++) {
        loop_advance(l, 1000);
        wait_fast_served(l, tick, t0 + SLOW_MS);
        ck_assert_int_eq(served[0], tick);
        ck_assert_int_eq(served[1], tick);
    }
    inbox_health hl;
    inbox_get_health(ib, &hl);
    ck_assert_msg(loop_real_now_ms() - t0 < SLOW_MS, "the fast ones waited for the slow one");
    ck_assert_int_eq(served[SLOW], 0);
    ck_assert(hl.polling);
    ck_assert_uint_eq(hl.requests, 3 + 2 * 3);
    inbox_conn_info ci;
    ck_assert(inbox_conn_get(ib, 0, &ci));
    ck_assert_int_eq(ci.last_ok_ms, loop_now_ms(l));
    ck_assert(inbox_conn_get(ib, SLOW, &ci));
    ck_assert_int_eq(ci.last_ok_ms, 0);
    /* The slow answer comes; the next tick asks all three. */
    while (served[SLOW] < 1 && loop_real_now_ms() < t0 + 10000)
        loop_run_once(l, 5);
    for (int k = 0; k < 50; k++)
        loop_run_once(l, 1);
    ck_assert(inbox_conn_get(ib, SLOW, &ci));
    ck_assert_int_eq(ci.last_ok_ms, loop_now_ms(l));
    inbox_free(ib);
    api_free(a);
    auth_free(au);
    http_client_free(h);
    loop_free(l);
    MHD_stop_daemon(d);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("inbox_slow");
    TCase *tc = tcase_create("loopback");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, a_slow_connection_does_not_delay_the_others);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
