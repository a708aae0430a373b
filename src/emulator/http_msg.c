#include "http_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_json.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static char *url_decode(const char *s, size_t n)
{
    char *out = xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

void query_parse(query_args *q, const char *raw, size_t len)
{
    q->v = NULL;
    q->n = 0;
    size_t cap = 0;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && raw[j] != '&')
            j++;
        if (j > i) {
            size_t eq = i;
            while (eq < j && raw[eq] != '=')
                eq++;
            if (q->n == cap) {
                cap = cap ? cap * 2 : 8;
                q->v = xrealloc(q->v, cap * sizeof *q->v);
            }
            q->v[q->n].key = url_decode(raw + i, eq - i);
            q->v[q->n].value = eq < j ? url_decode(raw + eq + 1, j - eq - 1) : xstrdup("");
            q->n++;
        }
        i = j + 1;
    }
}

const char *query_get(const query_args *q, const char *key)
{
    for (size_t i = 0; i < q->n; i++)
        if (strcmp(q->v[i].key, key) == 0)
            return q->v[i].value;
    return NULL;
}

size_t query_count(const query_args *q, const char *key)
{
    size_t n = 0;
    for (size_t i = 0; i < q->n; i++)
        if (strcmp(q->v[i].key, key) == 0)
            n++;
    return n;
}

void query_free(query_args *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->v[i].key);
        free(q->v[i].value);
    }
    free(q->v);
    q->v = NULL;
    q->n = 0;
}

void response_init(emu_response *r)
{
    memset(r, 0, sizeof *r);
    r->status = 200;
    r->content_type = "application/json";
}

void response_free(emu_response *r)
{
    strbuf_free(&r->body);
}

void response_header(emu_response *r, const char *name, const char *value)
{
    if (r->n_headers >= 4)
        return;
    snprintf(r->header_name[r->n_headers], sizeof r->header_name[0], "%s", name);
    snprintf(r->header_value[r->n_headers], sizeof r->header_value[0], "%s", value);
    r->n_headers++;
}

void reply_json(emu_response *r, int status, const char *json)
{
    r->status = status;
    strbuf_reset(&r->body);
    strbuf_puts(&r->body, json);
}

const char *http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 202: return "Accepted";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Invalid Request Body";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Error";
    }
}

void reply_error(emu_response *r, int status, const char *detail)
{
    r->status = status;
    strbuf_reset(&r->body);
    bool first = true;
    strbuf_putc(&r->body, '{');
    json_member_int(&r->body, &first, "code", status);
    json_member_str(&r->body, &first, "message", http_reason(status));
    json_member_str(&r->body, &first, "detail", detail);
    strbuf_putc(&r->body, '}');
}

void reply_internal_error(emu_response *r)
{
    reply_json(r, 500, "{\"message\":\"Internal Server Error\"}");
}

void reply_too_many(emu_response *r, int retry_after_seconds)
{
    r->status = 429;
    strbuf_reset(&r->body);
    strbuf_printf(&r->body,
                  "{\"code\":429,\"message\":\"Too Many Requests\",\"detail\":{\"retry_after_seconds\":%d,"
                  "\"message\":\"Rate limit exceeded, retry after %d seconds\"}}",
                  retry_after_seconds, retry_after_seconds);
    char v[16];
    snprintf(v, sizeof v, "%d", retry_after_seconds);
    response_header(r, "Retry-After", v);
}

void problems_add(problem_list *p, const char *path, const char *input, const char *message, const char *error_type)
{
    strbuf_putc(&p->json, p->n ? ',' : '[');
    bool first = true;
    strbuf_putc(&p->json, '{');
    json_member_str(&p->json, &first, "path", path);
    json_member_str(&p->json, &first, "input", input ? input : "");
    json_member_str(&p->json, &first, "message", message);
    json_member_str(&p->json, &first, "error_type", error_type);
    strbuf_putc(&p->json, '}');
    p->n++;
}

void problems_free(problem_list *p)
{
    strbuf_free(&p->json);
    p->n = 0;
}

void reply_problems(emu_response *r, problem_list *p)
{
    r->status = 422;
    strbuf_reset(&r->body);
    strbuf_puts(&r->body, "{\"code\":422,\"message\":\"Invalid Request Body\",\"detail\":");
    if (p->n) {
        strbuf_puts(&r->body, p->json.data);
        strbuf_putc(&r->body, ']');
    } else {
        strbuf_puts(&r->body, "[]");
    }
    strbuf_putc(&r->body, '}');
    problems_free(p);
}
