#include "webhooks.h"

#include <netdb.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/uuid.h"
#include "emu_clock.h"
#include "emu_crypto.h"
#include "emu_json.h"
#include "emu_rng.h"
#include "policy.h"

#define WEBHOOK_MAX_ATTEMPTS 5

typedef struct webhook_event {
    char *event_name;
    char *data_item;
    struct webhook_event *next;
} webhook_event;

struct webhook_sender {
    char host[320];
    char port[16];
    char path[1024];
    char secret[256];
    uuid webhook_id;
    emu_rng rng;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    webhook_event *head, *tail;
    int stop;
    pthread_t thread;
};

uint32_t crc32_ieee(const void *data, size_t n)
{
    const uint8_t *p = data;
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

static void put_le32(strbuf *out, uint32_t v)
{
    char b[4] = {(char)(v & 0xff), (char)((v >> 8) & 0xff), (char)((v >> 16) & 0xff), (char)(v >> 24)};
    strbuf_append(out, b, 4);
}

void gzip_stored(const void *data, size_t n, strbuf *out)
{
    static const char header[10] = {0x1f, (char)0x8b, 8, 0, 0, 0, 0, 0, 0, (char)0xff};
    strbuf_append(out, header, sizeof header);
    const char *p = data;
    size_t left = n;
    do {
        size_t chunk = left > 65535 ? 65535 : left;
        char h[5] = {(char)(chunk == left ? 1 : 0), (char)(chunk & 0xff), (char)(chunk >> 8),
                     (char)(~chunk & 0xff), (char)((~chunk >> 8) & 0xff)};
        strbuf_append(out, h, 5);
        strbuf_append(out, p, chunk);
        p += chunk;
        left -= chunk;
    } while (left > 0);
    put_le32(out, crc32_ieee(data, n));
    put_le32(out, (uint32_t)n);
}

/* One POST; returns the HTTP status, or 0 on a network error. */
static int post_once(webhook_sender *w, const strbuf *gz, const char *event_name, const char *ts, const char *sig,
                     int attempt)
{
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(w->host, w->port, &hints, &ai) != 0 || !ai)
        return 0;
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct timeval tv = {3, 0};
    int status = 0;
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        uuid req_id;
        uint8_t rnd[10];
        rng_bytes(&w->rng, rnd, sizeof rnd);
        uuid_v7(&req_id, (uint64_t)(emu_now_us() / 1000), rnd);
        char rid[UUID_STR_LEN], wid[UUID_STR_LEN];
        uuid_format(&req_id, rid);
        uuid_format(&w->webhook_id, wid);
        strbuf req = STRBUF_INIT;
        strbuf_printf(&req,
                      "POST %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: Catena-Webhook\r\nContent-Type: application/json\r\n"
                      "Content-Encoding: gzip\r\nContent-Length: %zu\r\nX-Catena-Signature: %s\r\nX-Catena-Timestamp: %s\r\n"
                      "X-Event-Type: %s\r\nX-Webhook-ID: %s\r\nX-Request-ID: %s\r\nX-Schema-Version: 1.2\r\n"
                      "X-Source: catena-notifications\r\nX-Delivery-Attempt: %d\r\nConnection: close\r\n\r\n",
                      w->path, w->host, w->port, gz->len, sig, ts, event_name, wid, rid, attempt);
        strbuf_append(&req, gz->data, gz->len);
        size_t off = 0;
        while (off < req.len) {
            ssize_t k = send(fd, req.data + off, req.len - off, MSG_NOSIGNAL);
            if (k <= 0)
                break;
            off += (size_t)k;
        }
        char buf[256];
        ssize_t got = off == req.len ? recv(fd, buf, sizeof buf - 1, 0) : -1;
        if (got > 12) {
            buf[got] = '\0';
            if (strncmp(buf, "HTTP/1.", 7) == 0)
                status = atoi(buf + 9);
        }
        strbuf_free(&req);
    }
    if (fd >= 0)
        close(fd);
    freeaddrinfo(ai);
    return status;
}

static void rfc3339_seconds(int64_t at_us, char out[40])
{
    char ts[EMU_TIME_LEN];
    emu_time_format(at_us, ts);
    snprintf(out, 40, "%.19s+00:00", ts);
}

/* The envelope (id, timestamp, data) is the event and stays the same on every attempt; only
 * delivery_attempt, the signing timestamp and X-Request-ID change per attempt. */
static void deliver(webhook_sender *w, const webhook_event *ev)
{
    int64_t event_at = emu_now_us();
    char event_ts[40];
    rfc3339_seconds(event_at, event_ts);
    uuid env_id;
    uint8_t rnd[10];
    rng_bytes(&w->rng, rnd, sizeof rnd);
    uuid_v7(&env_id, (uint64_t)(event_at / 1000), rnd);
    char eid[UUID_STR_LEN], wid[UUID_STR_LEN];
    uuid_format(&env_id, eid);
    uuid_format(&w->webhook_id, wid);
    for (int attempt = 1; attempt <= WEBHOOK_MAX_ATTEMPTS && !w->stop; attempt++) {
        char rfc[40];
        rfc3339_seconds(emu_now_us(), rfc);
        strbuf body = STRBUF_INIT;
        bool first = true;
        strbuf_putc(&body, '{');
        json_member_str(&body, &first, "version", "1.0");
        json_member_str(&body, &first, "event_name", ev->event_name);
        json_put_key(&body, &first, "data");
        strbuf_putc(&body, '[');
        strbuf_puts(&body, ev->data_item);
        strbuf_putc(&body, ']');
        json_member_str(&body, &first, "webhook_id", wid);
        json_member_str(&body, &first, "timestamp", event_ts);
        json_member_str(&body, &first, "id", eid);
        json_member_int(&body, &first, "delivery_attempt", attempt);
        strbuf_putc(&body, '}');
        strbuf signed_text = STRBUF_INIT;
        strbuf_printf(&signed_text, "%s.%s", rfc, body.data);
        uint8_t mac[32];
        hmac_sha256(w->secret, strlen(w->secret), signed_text.data, signed_text.len, mac);
        strbuf sig = STRBUF_INIT;
        base64_put(&sig, mac, sizeof mac, false);
        strbuf gz = STRBUF_INIT;
        gzip_stored(body.data, body.len, &gz);
        int status = post_once(w, &gz, ev->event_name, rfc, sig.data, attempt);
        strbuf_free(&gz);
        strbuf_free(&sig);
        strbuf_free(&signed_text);
        strbuf_free(&body);
        if (status > 0 && status < 500)
            return; /* any non-5xx counts as delivered */
        if (attempt < WEBHOOK_MAX_ATTEMPTS)
            emu_clock_wait_until(emu_now_us() + policy_backoff_us(attempt + 1, &w->rng), &w->stop);
    }
}

static void *sender_main(void *arg)
{
    webhook_sender *w = arg;
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        webhook_event *ev = w->head;
        if (!ev) {
            pthread_cond_wait(&w->cv, &w->mu);
            continue;
        }
        w->head = ev->next;
        if (!w->head)
            w->tail = NULL;
        pthread_mutex_unlock(&w->mu);
        deliver(w, ev);
        free(ev->event_name);
        free(ev->data_item);
        free(ev);
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

webhook_sender *webhooks_new(const char *url, const char *secret, uint64_t seed)
{
    if (!url || strncmp(url, "http://", 7) != 0)
        return NULL;
    webhook_sender *w = xcalloc(1, sizeof *w);
    const char *hp = url + 7;
    const char *slash = strchr(hp, '/');
    size_t hp_len = slash ? (size_t)(slash - hp) : strlen(hp);
    snprintf(w->path, sizeof w->path, "%s", slash ? slash : "/");
    char hostport[300];
    snprintf(hostport, sizeof hostport, "%.*s", (int)(hp_len < 299 ? hp_len : 299), hp);
    char *colon = strrchr(hostport, ':');
    if (colon) {
        *colon = '\0';
        snprintf(w->port, sizeof w->port, "%s", colon + 1);
    } else {
        snprintf(w->port, sizeof w->port, "80");
    }
    snprintf(w->host, sizeof w->host, "%s", hostport);
    snprintf(w->secret, sizeof w->secret, "%s", secret && *secret ? secret : "whsec-emulator");
    if (!*w->host || !*w->port) {
        free(w);
        return NULL;
    }
    rng_seed_stream(&w->rng, seed, "webhooks", 0);
    rng_bytes(&w->rng, w->webhook_id.b, 16);
    w->webhook_id.b[6] = (uint8_t)(0x40 | (w->webhook_id.b[6] & 0x0f));
    w->webhook_id.b[8] = (uint8_t)(0x80 | (w->webhook_id.b[8] & 0x3f));
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    pthread_create(&w->thread, NULL, sender_main, w);
    return w;
}

void webhooks_emit(webhook_sender *w, const char *event_name, const char *data_item)
{
    if (!w)
        return;
    webhook_event *ev = xcalloc(1, sizeof *ev);
    ev->event_name = xstrdup(event_name);
    ev->data_item = xstrdup(data_item);
    pthread_mutex_lock(&w->mu);
    if (w->tail)
        w->tail->next = ev;
    else
        w->head = ev;
    w->tail = ev;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void webhooks_free(webhook_sender *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    emu_clock_wake_all();
    pthread_join(w->thread, NULL);
    while (w->head) {
        webhook_event *n = w->head->next;
        free(w->head->event_name);
        free(w->head->data_item);
        free(w->head);
        w->head = n;
    }
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
}
