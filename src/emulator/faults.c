#include "faults.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "emu_json.h"
#include "emu_rng.h"
#include "faults_hostile.h"

#define MAX_FAULTS 64

typedef enum fault_kind {
    FK_LATENCY,
    FK_STATUS,
    FK_MALFORMED,
    FK_TRUNCATED,
    FK_RESET,
    FK_RATE_LIMIT,
    FK_BAD_ITEMS,
    /* a hostile server (faults_hostile.c) */
    FK_CURSOR_LOOP,
    FK_EMPTY_PAGES,
    FK_ENDLESS_BODY,
    FK_GZIP_BOMB,
    FK_CRLF_TOKEN,
    FK_HUGE_NUMBERS,
    FK_REFUSE_NULL /* an API whose update schemas are not nullable */
} fault_kind;

#define N_KINDS 14
static const char *const KIND_NAMES[N_KINDS] = {
    "latency",     "status",      "malformed",    "truncated", "reset",      "rate_limit",   "bad_items",
    "cursor_loop", "empty_pages", "endless_body", "gzip_bomb", "crlf_token", "huge_numbers", "refuse_null"};

/* kind=bad_items: well-formed JSON of a page, but its items are no records at all. */
#define BAD_ITEMS_PAGE "{\"items\":[42,{\"id\":\"x\"},null],\"current_page\":null,\"next_page\":null}"

typedef struct fault {
    char route[256];
    char method[16]; /* "" = any */
    fault_kind kind;
    int status;
    double probability;
    long count; /* remaining firings; -1 = unlimited */
    int latency_ms;
    int retry_after_seconds;
    bool retry_after_header; /* 429s: also send the Retry-After header (else detail.retry_after_seconds only) */
    bool chunked;            /* endless_body: chunked transfer instead of a huge Content-Length */
} fault;

struct fault_table {
    pthread_mutex_t mu;
    fault items[MAX_FAULTS];
    size_t n;
    emu_rng rng;
};

fault_table *faults_new(uint64_t seed)
{
    fault_table *t = xcalloc(1, sizeof *t);
    pthread_mutex_init(&t->mu, NULL);
    rng_seed_stream(&t->rng, seed, "faults", 0);
    return t;
}

void faults_free(fault_table *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->mu);
    free(t);
}

void faults_clear(fault_table *t)
{
    pthread_mutex_lock(&t->mu);
    t->n = 0;
    pthread_mutex_unlock(&t->mu);
}

static void fault_defaults(fault *f)
{
    memset(f, 0, sizeof *f);
    snprintf(f->route, sizeof f->route, "/");
    f->kind = FK_STATUS;
    f->status = 503;
    f->probability = 1.0;
    f->count = -1;
    f->retry_after_seconds = 1;
    f->retry_after_header = true;
}

static bool set_field(fault *f, const char *key, const char *value, bool *kind_given, char *err, size_t cap)
{
    char *end = NULL;
    if (strcmp(key, "route") == 0) {
        if (value[0] != '/' || strlen(value) >= sizeof f->route) {
            snprintf(err, cap, "route must be a path starting with /");
            return false;
        }
        snprintf(f->route, sizeof f->route, "%s", value);
    } else if (strcmp(key, "method") == 0) {
        if (strlen(value) >= sizeof f->method) {
            snprintf(err, cap, "bad method");
            return false;
        }
        snprintf(f->method, sizeof f->method, "%s", strcmp(value, "*") == 0 ? "" : value);
    } else if (strcmp(key, "kind") == 0) {
        size_t k = 0;
        while (k < N_KINDS && strcmp(KIND_NAMES[k], value) != 0)
            k++;
        if (k == N_KINDS) {
            snprintf(err, cap,
                     "kind must be status, malformed, truncated, reset, rate_limit, bad_items, latency, cursor_loop, "
                     "empty_pages, endless_body, gzip_bomb, crlf_token, huge_numbers or refuse_null");
            return false;
        }
        f->kind = (fault_kind)k;
        *kind_given = true;
    } else if (strcmp(key, "status") == 0) {
        long v = strtol(value, &end, 10);
        if (*end || v < 100 || v > 599) {
            snprintf(err, cap, "status must be an HTTP status code");
            return false;
        }
        f->status = (int)v;
    } else if (strcmp(key, "probability") == 0) {
        double v = strtod(value, &end);
        if (*end || v < 0 || v > 1) {
            snprintf(err, cap, "probability must be within 0..1");
            return false;
        }
        f->probability = v;
    } else if (strcmp(key, "count") == 0) {
        long v = strtol(value, &end, 10);
        if (*end || v < -1) {
            snprintf(err, cap, "count must be >= 0 (or -1 for unlimited)");
            return false;
        }
        f->count = v;
    } else if (strcmp(key, "latency_ms") == 0) {
        long v = strtol(value, &end, 10);
        if (*end || v < 0 || v > 600000) {
            snprintf(err, cap, "latency_ms must be within 0..600000");
            return false;
        }
        f->latency_ms = (int)v;
    } else if (strcmp(key, "retry_after_seconds") == 0) {
        long v = strtol(value, &end, 10);
        if (*end || v < 0 || v > 86400) {
            snprintf(err, cap, "retry_after_seconds must be within 0..86400");
            return false;
        }
        f->retry_after_seconds = (int)v;
    } else if (strcmp(key, "retry_after_header") == 0) {
        if (strcmp(value, "1") != 0 && strcmp(value, "0") != 0) {
            snprintf(err, cap, "retry_after_header must be 1 or 0");
            return false;
        }
        f->retry_after_header = value[0] == '1';
    } else if (strcmp(key, "chunked") == 0) {
        if (strcmp(value, "1") != 0 && strcmp(value, "0") != 0) {
            snprintf(err, cap, "chunked must be 1 or 0");
            return false;
        }
        f->chunked = value[0] == '1';
    } else {
        snprintf(err, cap, "unknown fault field '%s'", key);
        return false;
    }
    return true;
}

static bool add_fault(fault_table *t, fault *f, bool kind_given, char *err, size_t cap)
{
    if (!kind_given && f->latency_ms > 0 && f->status == 503)
        f->kind = FK_LATENCY;
    if (f->kind == FK_RATE_LIMIT)
        f->status = 429;
    pthread_mutex_lock(&t->mu);
    bool ok = t->n < MAX_FAULTS;
    if (ok)
        t->items[t->n++] = *f;
    pthread_mutex_unlock(&t->mu);
    if (!ok)
        snprintf(err, cap, "too many faults (max %d)", MAX_FAULTS);
    return ok;
}

bool faults_add_spec(fault_table *t, const char *spec, char *err, size_t err_cap)
{
    fault f;
    fault_defaults(&f);
    bool kind_given = false;
    char *copy = xstrdup(spec);
    bool ok = true;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok && ok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq) {
            snprintf(err, err_cap, "expected key=value, got '%s'", tok);
            ok = false;
            break;
        }
        *eq = '\0';
        ok = set_field(&f, tok, eq + 1, &kind_given, err, err_cap);
    }
    free(copy);
    return ok && add_fault(t, &f, kind_given, err, err_cap);
}

bool faults_add_json(fault_table *t, const char *json, size_t len, char *err, size_t err_cap)
{
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        snprintf(err, err_cap, "body must be a JSON object");
        return false;
    }
    fault f;
    fault_defaults(&f);
    bool kind_given = false, ok = true;
    for (cJSON *it = root->child; it && ok; it = it->next) {
        char buf[300];
        if (cJSON_IsString(it))
            snprintf(buf, sizeof buf, "%s", it->valuestring);
        else if (cJSON_IsNumber(it))
            snprintf(buf, sizeof buf, "%.17g", it->valuedouble);
        else if (cJSON_IsNull(it))
            continue;
        else {
            snprintf(err, err_cap, "field '%s' must be a string or number", it->string);
            ok = false;
            break;
        }
        ok = set_field(&f, it->string, buf, &kind_given, err, err_cap);
    }
    cJSON_Delete(root);
    return ok && add_fault(t, &f, kind_given, err, err_cap);
}

void faults_render(fault_table *t, strbuf *out)
{
    pthread_mutex_lock(&t->mu);
    strbuf_putc(out, '[');
    for (size_t i = 0; i < t->n; i++) {
        fault *f = &t->items[i];
        if (i)
            strbuf_putc(out, ',');
        bool first = true;
        strbuf_putc(out, '{');
        json_member_str(out, &first, "route", f->route);
        json_member_str(out, &first, "method", f->method[0] ? f->method : "*");
        json_member_str(out, &first, "kind", KIND_NAMES[f->kind]);
        json_member_int(out, &first, "status", f->status);
        json_put_key(out, &first, "probability");
        strbuf_printf(out, "%g", f->probability);
        json_member_int(out, &first, "count", f->count);
        json_member_int(out, &first, "latency_ms", f->latency_ms);
        json_member_int(out, &first, "retry_after_seconds", f->retry_after_seconds);
        json_member_int(out, &first, "retry_after_header", f->retry_after_header ? 1 : 0);
        json_member_int(out, &first, "chunked", f->chunked ? 1 : 0);
        strbuf_putc(out, '}');
    }
    strbuf_putc(out, ']');
    pthread_mutex_unlock(&t->mu);
}

static void too_many(emu_response *resp, const fault *f)
{
    reply_too_many(resp, f->retry_after_seconds);
    if (f->retry_after_header)
        return;
    /* The body's detail.retry_after_seconds alone. */
    int w = 0;
    for (int i = 0; i < resp->n_headers; i++) {
        if (strcasecmp(resp->header_name[i], "Retry-After") == 0)
            continue;
        if (w != i) {
            memcpy(resp->header_name[w], resp->header_name[i], sizeof resp->header_name[w]);
            memcpy(resp->header_value[w], resp->header_value[i], sizeof resp->header_value[w]);
        }
        w++;
    }
    resp->n_headers = w;
}

static bool is_token_path(const char *path)
{
    static const char suffix[] = "/protocol/openid-connect/token";
    size_t n = strlen(path), k = sizeof suffix - 1;
    return n >= k && strcmp(path + n - k, suffix) == 0;
}

/* Kinds that alter one kind of answer fire (and count) only on requests that get that answer. */
static bool kind_applies(fault_kind kind, const emu_request *req)
{
    if (kind == FK_CURSOR_LOOP || kind == FK_EMPTY_PAGES)
        return strcmp(req->method, "GET") == 0;
    if (kind == FK_CRLF_TOKEN)
        return strcmp(req->method, "POST") == 0 && is_token_path(req->path);
    if (kind == FK_REFUSE_NULL)
        return strcmp(req->method, "PATCH") == 0;
    return true;
}

fault_outcome faults_apply(fault_table *t, const emu_request *req, emu_response *resp)
{
    if (!t)
        return FAULT_NONE;
    fault hit;
    bool fired = false;
    pthread_mutex_lock(&t->mu);
    for (size_t i = 0; i < t->n && !fired; i++) {
        fault *f = &t->items[i];
        if (f->count == 0 || strncmp(req->path, f->route, strlen(f->route)) != 0)
            continue;
        if (f->method[0] && strcasecmp(f->method, req->method) != 0)
            continue;
        if (!kind_applies(f->kind, req))
            continue;
        if (f->probability < 1.0 && rng_unit(&t->rng) >= f->probability)
            continue;
        if (f->count > 0)
            f->count--;
        hit = *f;
        fired = true;
    }
    pthread_mutex_unlock(&t->mu);
    if (!fired)
        return FAULT_NONE;
    if (hit.latency_ms > 0) {
        struct timespec ts = {hit.latency_ms / 1000, (long)(hit.latency_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    switch (hit.kind) {
    case FK_LATENCY:
        return FAULT_NONE;
    case FK_STATUS:
        if (hit.status == 500)
            reply_internal_error(resp);
        else if (hit.status == 429)
            too_many(resp, &hit);
        else
            reply_error(resp, hit.status, "Injected fault");
        return FAULT_RESPONDED;
    case FK_RATE_LIMIT:
        too_many(resp, &hit);
        return FAULT_RESPONDED;
    case FK_BAD_ITEMS:
        reply_json(resp, hit.status >= 200 && hit.status < 300 ? hit.status : 200, BAD_ITEMS_PAGE);
        return FAULT_RESPONDED;
    case FK_MALFORMED:
        reply_json(resp, hit.status >= 200 && hit.status < 300 ? hit.status : 200,
                   "{\"items\":[{\"id\":\"019b0000-0000-7000-8000-00000000\",,\"total\":}");
        return FAULT_RESPONDED;
    case FK_RESET:
        resp->kind = RESP_RESET;
        resp->status = 0;
        return FAULT_RESPONDED;
    case FK_TRUNCATED:
        return FAULT_TRUNCATE_RESPONSE;
    case FK_CURSOR_LOOP:
        resp->rewrite = HOSTILE_CURSOR_LOOP;
        return FAULT_REWRITE;
    case FK_EMPTY_PAGES:
        resp->rewrite = HOSTILE_EMPTY_PAGES;
        return FAULT_REWRITE;
    case FK_CRLF_TOKEN:
        resp->rewrite = HOSTILE_CRLF_TOKEN;
        return FAULT_REWRITE;
    case FK_HUGE_NUMBERS:
        if (hit.status == 429) {
            hostile_huge_429(resp, hit.retry_after_header);
            return FAULT_RESPONDED;
        }
        resp->rewrite = HOSTILE_HUGE_NUMBERS;
        return FAULT_REWRITE;
    case FK_ENDLESS_BODY:
        resp->status = 200;
        resp->kind = RESP_ENDLESS;
        resp->chunked = hit.chunked;
        return FAULT_RESPONDED;
    case FK_GZIP_BOMB:
        hostile_gzip_bomb(resp);
        return FAULT_RESPONDED;
    case FK_REFUSE_NULL:
        resp->refuse_null = true;
        return FAULT_REWRITE; /* handled normally (resp->rewrite stays HOSTILE_NONE), but stricter */
    }
    return FAULT_NONE;
}
