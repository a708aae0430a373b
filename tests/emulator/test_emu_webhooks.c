/* Webhook delivery (gzip, HMAC signature, headers, retries) and concurrent clients. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "emu_test_world.h"
#include "emulator/emu_crypto.h"
#include "emulator/webhooks.h"
#include "suite_runner.h"

#define MAX_CAPTURED 16

typedef struct captured {
    char headers[4096];
    strbuf body; /* raw (gzip) bytes */
} captured;

typedef struct receiver {
    int listen_fd;
    int port;
    int fail_first; /* answer 503 to this many requests first */
    pthread_t thread;
    pthread_mutex_t mu;
    captured got[MAX_CAPTURED];
    int n;
    volatile int stop;
} receiver;

static void *receiver_main(void *arg)
{
    receiver *r = arg;
    while (!r->stop) {
        int fd = accept(r->listen_fd, NULL, NULL);
        if (fd < 0)
            continue;
        strbuf in = STRBUF_INIT;
        char buf[4096];
        size_t header_end = 0, content_length = 0;
        for (;;) {
            ssize_t k = read(fd, buf, sizeof buf);
            if (k <= 0)
                break;
            strbuf_append(&in, buf, (size_t)k);
            char *he = strstr(in.data, "\r\n\r\n");
            if (he && !header_end) {
                header_end = (size_t)(he - in.data) + 4;
                const char *cl = strcasestr(in.data, "Content-Length:");
                content_length = cl ? strtoul(cl + 15, NULL, 10) : 0;
            }
            if (header_end && in.len >= header_end + content_length)
                break;
        }
        pthread_mutex_lock(&r->mu);
        bool fail = r->fail_first > 0;
        if (fail)
            r->fail_first--;
        if (header_end && r->n < MAX_CAPTURED) {
            captured *c = &r->got[r->n++];
            snprintf(c->headers, sizeof c->headers, "%.*s", (int)header_end, in.data);
            c->body = (strbuf)STRBUF_INIT;
            strbuf_append(&c->body, in.data + header_end, in.len - header_end);
        }
        pthread_mutex_unlock(&r->mu);
        const char *reply = fail ? "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
                                 : "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n";
        ssize_t wr = write(fd, reply, strlen(reply));
        (void)wr;
        close(fd);
        strbuf_free(&in);
    }
    return NULL;
}

static void receiver_start(receiver *r, int fail_first)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    r->fail_first = fail_first;
    r->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(r->listen_fd, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t len = sizeof sa;
    getsockname(r->listen_fd, (struct sockaddr *)&sa, &len);
    r->port = ntohs(sa.sin_port);
    listen(r->listen_fd, 16);
    struct timeval tv = {0, 200000};
    setsockopt(r->listen_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    pthread_create(&r->thread, NULL, receiver_main, r);
}

static void receiver_stop(receiver *r)
{
    r->stop = 1;
    pthread_join(r->thread, NULL);
    close(r->listen_fd);
    for (int i = 0; i < r->n; i++)
        strbuf_free(&r->got[i].body);
    pthread_mutex_destroy(&r->mu);
}

static int receiver_wait(receiver *r, int want)
{
    for (int i = 0; i < 200; i++) {
        pthread_mutex_lock(&r->mu);
        int n = r->n;
        pthread_mutex_unlock(&r->mu);
        if (n >= want)
            return n;
        usleep(25000);
    }
    return r->n;
}

/* Inflates the stored-block gzip the emulator sends (checks magic, CRC and size). */
static char *gunzip_stored(const strbuf *gz)
{
    const uint8_t *p = (const uint8_t *)gz->data;
    ck_assert_int_ge(gz->len, 18);
    ck_assert(p[0] == 0x1f && p[1] == 0x8b && p[2] == 8);
    size_t off = 10;
    strbuf out = STRBUF_INIT;
    for (;;) {
        uint8_t bfinal = p[off] & 1;
        ck_assert_int_eq(p[off] & 6, 0); /* stored block */
        size_t len = p[off + 1] | (size_t)p[off + 2] << 8;
        ck_assert_int_eq((uint16_t)~len, p[off + 3] | p[off + 4] << 8);
        strbuf_append(&out, (const char *)p + off + 5, len);
        off += 5 + len;
        if (bfinal)
            break;
    }
    uint32_t crc = p[off] | (uint32_t)p[off + 1] << 8 | (uint32_t)p[off + 2] << 16 | (uint32_t)p[off + 3] << 24;
    ck_assert_uint_eq(crc, crc32_ieee(out.data, out.len));
    return strbuf_detach(&out);
}

static const char *header_value(const char *headers, const char *name, char *out, size_t cap)
{
    const char *h = strcasestr(headers, name);
    if (!h)
        return NULL;
    h += strlen(name);
    while (*h == ':' || *h == ' ')
        h++;
    size_t n = strcspn(h, "\r\n");
    snprintf(out, cap, "%.*s", (int)n, h);
    return out;
}

START_TEST(webhooks_signed_gzip_with_retry)
{
    receiver rc;
    receiver_start(&rc, 1);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/hooks/catena", rc.port);
    const char *args[] = {"--webhook-url", url, "--webhook-secret", "s3cret-value", "--time-scale", "0.001",
                          "--token-lifetime", "100000000", NULL};
    world w;
    world_start(&w, args);
    char body[512];
    snprintf(body, sizeof body,
             "{\"connection_id\":\"%s\",\"sender_id\":\"%s\",\"recipient_id\":\"%s\",\"message_text\":\"hook\"}",
             w.conn[0], w.dispatcher[0], w.driver[0][0]);
    long st;
    cJSON *op = world_write(&w, "POST", "/v2/telematics/messages", body, &st);
    ck_assert_int_eq(st, 202);
    cJSON *sync = world_write(&w, "POST", "/v2/telematics/messages?is_sync=true", body, &st);
    ck_assert_int_eq(st, 200);
    cJSON_Delete(sync);
    world_drain(&w);
    /* created (503 then redelivered) + succeeded; the sync write sends nothing */
    ck_assert_int_ge(receiver_wait(&rc, 3), 3);
    usleep(200000);
    ck_assert_int_eq(rc.n, 3);
    const char *expect_events[] = {"resource_operation.created", "resource_operation.created",
                                   "resource_operation.succeeded"};
    for (int i = 0; i < 3; i++) {
        captured *c = &rc.got[i];
        char v[256], ts[64], sig[128];
        ck_assert_ptr_nonnull(strstr(c->headers, "POST /hooks/catena HTTP/1.1"));
        ck_assert_str_eq(header_value(c->headers, "X-Event-Type", v, sizeof v), expect_events[i]);
        ck_assert_str_eq(header_value(c->headers, "Content-Encoding", v, sizeof v), "gzip");
        ck_assert_str_eq(header_value(c->headers, "User-Agent", v, sizeof v), "Catena-Webhook");
        ck_assert_str_eq(header_value(c->headers, "X-Source", v, sizeof v), "catena-notifications");
        ck_assert_ptr_nonnull(header_value(c->headers, "X-Webhook-ID", v, sizeof v));
        ck_assert_ptr_nonnull(header_value(c->headers, "X-Request-ID", v, sizeof v));
        ck_assert_str_eq(header_value(c->headers, "X-Delivery-Attempt", v, sizeof v), i == 1 ? "2" : "1");
        ck_assert_ptr_nonnull(header_value(c->headers, "X-Catena-Timestamp", ts, sizeof ts));
        ck_assert_ptr_nonnull(strstr(ts, "+00:00"));
        ck_assert_ptr_nonnull(header_value(c->headers, "X-Catena-Signature", sig, sizeof sig));
        char *json = gunzip_stored(&c->body);
        strbuf msg = STRBUF_INIT;
        strbuf_printf(&msg, "%s.%s", ts, json);
        uint8_t mac[32];
        hmac_sha256("s3cret-value", 12, msg.data, msg.len, mac);
        strbuf b64 = STRBUF_INIT;
        base64_put(&b64, mac, sizeof mac, false);
        ck_assert_str_eq(b64.data, sig);
        cJSON *env = cJSON_Parse(json);
        ck_assert_str_eq(json_str(env, "version"), "1.0");
        ck_assert_str_eq(json_str(env, "event_name"), expect_events[i]);
        ck_assert_ptr_nonnull(json_str(env, "webhook_id"));
        ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(env, "delivery_attempt")->valueint, i == 1 ? 2 : 1);
        const cJSON *item = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(env, "data"), 0);
        ck_assert_str_eq(json_str(item, "id"), json_str(op, "id"));
        ck_assert_str_eq(json_str(item, "status"), i < 2 ? "pending" : "success");
        ck_assert_ptr_nonnull(json_str(item, "source_name"));
        cJSON_Delete(env);
        strbuf_free(&b64);
        strbuf_free(&msg);
        free(json);
    }
    cJSON_Delete(op);
    world_stop(&w);
    receiver_stop(&rc);
}
END_TEST

/* The envelope of captured delivery i (caller deletes). */
static cJSON *envelope(captured *c)
{
    char *json = gunzip_stored(&c->body);
    cJSON *env = cJSON_Parse(json);
    free(json);
    ck_assert_ptr_nonnull(env);
    return env;
}

/* The envelope id is the event's identity (receivers de-duplicate on it): the same on every attempt;
 * X-Request-ID names the attempt. */
START_TEST(webhook_event_id_stable_across_attempts)
{
    receiver rc;
    receiver_start(&rc, 2);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/hooks", rc.port);
    const char *args[] = {"--webhook-url", url, "--time-scale", "0.001", "--token-lifetime", "100000000", NULL};
    world w;
    world_start(&w, args);
    char body[512];
    snprintf(body, sizeof body,
             "{\"connection_id\":\"%s\",\"sender_id\":\"%s\",\"recipient_id\":\"%s\",\"message_text\":\"twice\"}",
             w.conn[0], w.dispatcher[0], w.driver[0][0]);
    long st;
    cJSON *op = world_write(&w, "POST", "/v2/telematics/messages", body, &st);
    ck_assert_int_eq(st, 202);
    cJSON_Delete(op);
    world_drain(&w);
    /* created: 503, 503, 202; then succeeded */
    ck_assert_int_ge(receiver_wait(&rc, 4), 4);
    char ids[4][64], stamps[4][64], request_ids[4][64];
    for (int i = 0; i < 4; i++) {
        cJSON *env = envelope(&rc.got[i]);
        snprintf(ids[i], sizeof ids[i], "%s", json_str(env, "id"));
        snprintf(stamps[i], sizeof stamps[i], "%s", json_str(env, "timestamp"));
        ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(env, "delivery_attempt")->valueint, i < 3 ? i + 1 : 1);
        ck_assert_ptr_nonnull(header_value(rc.got[i].headers, "X-Request-ID", request_ids[i], sizeof request_ids[i]));
        cJSON_Delete(env);
    }
    for (int i = 1; i < 3; i++) {
        ck_assert_str_eq(ids[i], ids[0]);
        ck_assert_str_eq(stamps[i], stamps[0]);
    }
    ck_assert_str_ne(ids[3], ids[0]); /* another event */
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < i; k++)
            ck_assert_str_ne(request_ids[i], request_ids[k]);
    world_stop(&w);
    receiver_stop(&rc);
}
END_TEST

START_TEST(bad_webhook_url_refused)
{
    emu_proc e;
    const char *args[] = {"--webhook-url", "https://example.invalid/x", NULL};
    ck_assert_int_ne(emu_start(&e, args), 0);
}
END_TEST

typedef struct client_job {
    const world *w;
    int id;
    int failures;
} client_job;

static void *client_main(void *arg)
{
    client_job *job = arg;
    const world *w = job->w;
    for (int i = 0; i < 40; i++) {
        long st;
        cJSON *j;
        switch ((i + job->id) % 4) {
        case 0:
            j = http_get_json(&w->e, "/v2/telematics/vehicles?size=50", w->tok, &st);
            break;
        case 1:
            j = http_get_json(&w->e, "/v2/integrations/connections/resource-operations", w->tok, &st);
            break;
        case 2: {
            char body[512];
            snprintf(body, sizeof body,
                     "{\"connection_id\":\"%s\",\"sender_id\":\"%s\",\"recipient_id\":\"%s\",\"message_text\":\"c%d-%d\"}",
                     w->conn[0], w->dispatcher[0], w->driver[0][0], job->id, i);
            j = http_send_json(&w->e, "POST", "/v2/telematics/messages", w->tok, body, &st);
            if (st == 202)
                st = 200;
            break;
        }
        default:
            j = http_get_json(&w->e, "/v2/telematics/messages?size=20", w->tok, &st);
            break;
        }
        if (st != 200 || !j)
            job->failures++;
        cJSON_Delete(j);
    }
    return NULL;
}

START_TEST(concurrent_clients)
{
    world w;
    const char *args[] = {"--time-scale", "0.001", "--token-lifetime", "100000000", "--tsp-rate", "1000",
                          "--tsp-burst", "1000", NULL};
    world_start(&w, args);
    pthread_t t[8];
    client_job jobs[8];
    for (int i = 0; i < 8; i++) {
        jobs[i] = (client_job){&w, i, 0};
        pthread_create(&t[i], NULL, client_main, &jobs[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(jobs[i].failures, 0);
    }
    world_drain(&w);
    long st;
    cJSON *ops = http_get_json(&w.e, "/v2/integrations/connections/resource-operations?size=1000", w.tok, &st);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ops, "items")), 80);
    const cJSON *op;
    cJSON_ArrayForEach(op, cJSON_GetObjectItemCaseSensitive(ops, "items"))
        ck_assert_str_eq(json_str(op, "status"), "success");
    cJSON_Delete(ops);
    world_stop(&w);
}
END_TEST

static Suite *webhooks_suite(void)
{
    Suite *s = suite_create("emulator webhooks and concurrency");
    TCase *tc = tcase_create("webhooks");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, webhooks_signed_gzip_with_retry);
    tcase_add_test(tc, webhook_event_id_stable_across_attempts);
    tcase_add_test(tc, bad_webhook_url_refused);
    tcase_add_test(tc, concurrent_clients);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    emu_test_record_responses();
    int failed = run_suite_nofork(webhooks_suite());
    curl_global_cleanup();
    return failed ? 1 : 0;
}
