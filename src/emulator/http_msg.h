/* http_msg: one HTTP request/response as the handlers see it, query parsing and the Catena error bodies. */
#ifndef CATENA_EMU_HTTP_MSG_H
#define CATENA_EMU_HTTP_MSG_H

#include <stdbool.h>
#include <stddef.h>

#include "common/strbuf.h"
#include "common/uuid.h"

typedef struct query_param {
    char *key;
    char *value;
} query_param;

/* Decoded query (or form body) pairs, in order; repeated keys stay separate. */
typedef struct query_args {
    query_param *v;
    size_t n;
} query_args;

void query_parse(query_args *q, const char *raw, size_t len);
/* First value of key, or NULL. */
const char *query_get(const query_args *q, const char *key);
size_t query_count(const query_args *q, const char *key);
void query_free(query_args *q);

typedef struct emu_request {
    const char *method;
    const char *path;      /* decoded, without the query */
    const char *raw_query; /* as received, without '?'; "" if none */
    const char *body;
    size_t body_len;
    const char *authorization; /* Authorization header or NULL */
    const char *content_type;
    bool loopback;
    query_args query;
    const char *params[4]; /* path parameters captured by the router */
} emu_request;

/* RESP_ENDLESS: a body that never completes (kind=endless_body), cut by the server at EMU_ENDLESS_LIMIT. */
enum response_kind { RESP_NORMAL, RESP_RESET, RESP_TRUNCATED, RESP_ENDLESS };

typedef struct emu_response {
    int status;
    strbuf body;
    const char *content_type;
    enum response_kind kind;
    bool injected; /* produced or altered by fault injection */
    bool chunked;  /* RESP_ENDLESS: chunked transfer instead of an announced Content-Length */
    bool binary;   /* the body is not text (a gzip bomb): the recorder leaves it out */
    int rewrite;   /* a hostile fault kind that alters the normal answer (faults_rewrite); 0 = none */
    bool refuse_null; /* kind=refuse_null: a PATCH may not clear the enums of VehicleUpdate/UserUpdate */
    char header_name[4][32];
    char header_value[4][128];
    int n_headers;
} emu_response;

void response_init(emu_response *r);
void response_free(emu_response *r);
void response_header(emu_response *r, const char *name, const char *value);
/* Status + JSON body (takes a copy of json). */
void reply_json(emu_response *r, int status, const char *json);
/* {"code":status,"message":<reason>,"detail":detail} (detail NULL -> null). */
void reply_error(emu_response *r, int status, const char *detail);
/* 500 body of the contract: {"message":"Internal Server Error"}. */
void reply_internal_error(emu_response *r);
/* 429 with detail.retry_after_seconds and a Retry-After header. */
void reply_too_many(emu_response *r, int retry_after_seconds);
const char *http_reason(int status);

/* 422 validation problems, accumulated then sent as detail[]. */
typedef struct problem_list {
    strbuf json;
    size_t n;
} problem_list;

void problems_add(problem_list *p, const char *path, const char *input, const char *message, const char *error_type);
void problems_free(problem_list *p);
/* Sends {"code":422,"message":"Invalid Request Body","detail":[...]} and frees the list. */
void reply_problems(emu_response *r, problem_list *p);

#endif
