#include <string.h>
#include "reqlog.h"

#include <pthread.h>
#include <stdlib.h>

#include "emu_clock.h"
#include "emu_json.h"

#define REQLOG_MAX_BODY 65536

typedef struct reqlog_entry {
    char *method, *path, *query, *body;
    int status;
    int64_t at_us;
} reqlog_entry;

struct reqlog {
    pthread_mutex_t mu;
    reqlog_entry *ring;
    size_t cap, start, n;
};

reqlog *reqlog_new(size_t capacity)
{
    reqlog *l = xcalloc(1, sizeof *l);
    pthread_mutex_init(&l->mu, NULL);
    l->cap = capacity ? capacity : 1;
    l->ring = xcalloc(l->cap, sizeof *l->ring);
    return l;
}

static void entry_free(reqlog_entry *e)
{
    free(e->method);
    free(e->path);
    free(e->query);
    free(e->body);
}

void reqlog_clear(reqlog *l)
{
    pthread_mutex_lock(&l->mu);
    for (size_t i = 0; i < l->n; i++)
        entry_free(&l->ring[(l->start + i) % l->cap]);
    l->start = l->n = 0;
    pthread_mutex_unlock(&l->mu);
}

void reqlog_free(reqlog *l)
{
    if (!l)
        return;
    reqlog_clear(l);
    free(l->ring);
    pthread_mutex_destroy(&l->mu);
    free(l);
}

/* Secrets never reach the log: the value of client_secret= (form or query) becomes *****. */
static void mask_secret(char *s)
{
    for (char *p = strstr(s, "client_secret="); p; p = strstr(p, "client_secret=")) {
        p += strlen("client_secret=");
        char *end = p + strcspn(p, "&");
        size_t n = (size_t)(end - p);
        if (n >= 5) {
            memcpy(p, "*****", 5);
            memmove(p + 5, end, strlen(end) + 1);
        } else {
            memset(p, '*', n);
        }
    }
}

void reqlog_add(reqlog *l, const char *method, const char *path, const char *query, const char *body,
                size_t body_len, int status, int64_t at_us)
{
    if (body_len > REQLOG_MAX_BODY)
        body_len = REQLOG_MAX_BODY; /* bounded memory: 10000 entries of at most 64 KiB */
    reqlog_entry e = {xstrdup(method), xstrdup(path), xstrdup(query ? query : ""),
                      xstrndup(body ? body : "", body ? body_len : 0), status, at_us};
    mask_secret(e.body);
    mask_secret(e.query);
    pthread_mutex_lock(&l->mu);
    if (l->n == l->cap) {
        entry_free(&l->ring[l->start]);
        l->ring[l->start] = e;
        l->start = (l->start + 1) % l->cap;
    } else {
        l->ring[(l->start + l->n) % l->cap] = e;
        l->n++;
    }
    pthread_mutex_unlock(&l->mu);
}

void reqlog_render(reqlog *l, strbuf *out)
{
    pthread_mutex_lock(&l->mu);
    strbuf_putc(out, '[');
    for (size_t i = 0; i < l->n; i++) {
        reqlog_entry *e = &l->ring[(l->start + i) % l->cap];
        if (i)
            strbuf_putc(out, ',');
        bool first = true;
        strbuf_putc(out, '{');
        json_member_str(out, &first, "method", e->method);
        json_member_str(out, &first, "path", e->path);
        json_member_str(out, &first, "query", e->query);
        json_member_str(out, &first, "body", e->body);
        json_member_int(out, &first, "status", e->status);
        char t[EMU_TIME_LEN];
        emu_time_format(e->at_us, t);
        json_member_str(out, &first, "at", t);
        strbuf_putc(out, '}');
    }
    strbuf_putc(out, ']');
    pthread_mutex_unlock(&l->mu);
}
