/* emu_test_http: small libcurl + cJSON helpers shared by the emulator's HTTP-level tests (header-only). */
#ifndef CATENA_EMU_TEST_HTTP_H
#define CATENA_EMU_TEST_HTTP_H

#include <check.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "../support/emu_proc.h"

typedef struct http_result {
    long status;
    strbuf body;
    strbuf headers;
    CURLcode curl_code;
} http_result;

static size_t emu_test_collect(char *p, size_t sz, size_t n, void *ud)
{
    strbuf_append((strbuf *)ud, p, sz * n);
    return sz * n;
}

/* Performs one request; bearer may be NULL; body may be NULL. */
static inline http_result http_call(const char *method, const char *url, const char *bearer, const char *content_type,
                                    const char *body)
{
    http_result r = {0, STRBUF_INIT, STRBUF_INIT, CURLE_OK};
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    char line[8300];
    if (bearer) {
        snprintf(line, sizeof line, "Authorization: Bearer %s", bearer);
        h = curl_slist_append(h, line);
    }
    if (content_type) {
        snprintf(line, sizeof line, "Content-Type: %s", content_type);
        h = curl_slist_append(h, line);
    }
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, emu_test_collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, emu_test_collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    r.curl_code = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (!r.body.data)
        strbuf_puts(&r.body, "");
    if (!r.headers.data)
        strbuf_puts(&r.headers, "");
    return r;
}

static inline void http_free(http_result *r)
{
    strbuf_free(&r->body);
    strbuf_free(&r->headers);
}

/* GET base+path with a bearer token; returns the status and the parsed body (caller deletes). */
static inline cJSON *http_get_json(const emu_proc *e, const char *path, const char *bearer, long *status)
{
    strbuf url = STRBUF_INIT;
    strbuf_printf(&url, "%s%s", e->url, path);
    http_result r = http_call("GET", url.data, bearer, NULL, NULL);
    strbuf_free(&url);
    *status = r.status;
    cJSON *j = cJSON_Parse(r.body.data);
    http_free(&r);
    return j;
}

static inline cJSON *http_send_json(const emu_proc *e, const char *method, const char *path, const char *bearer,
                                    const char *body, long *status)
{
    strbuf url = STRBUF_INIT;
    strbuf_printf(&url, "%s%s", e->url, path);
    http_result r = http_call(method, url.data, bearer, "application/json", body);
    strbuf_free(&url);
    *status = r.status;
    cJSON *j = cJSON_Parse(r.body.data);
    http_free(&r);
    return j;
}

/* A fresh access token for the default demo credentials (NULL on failure; caller frees). */
static inline char *emu_token(const emu_proc *e)
{
    char url[512];
    snprintf(url, sizeof url, "%s/protocol/openid-connect/token", e->auth_url);
    http_result r = http_call("POST", url, NULL, "application/x-www-form-urlencoded",
                              "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret"
                              "&scope=organization");
    char *tok = NULL;
    cJSON *j = cJSON_Parse(r.body.data);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "access_token");
    if (r.status == 200 && cJSON_IsString(t))
        tok = xstrdup(t->valuestring);
    cJSON_Delete(j);
    http_free(&r);
    return tok;
}

static inline const char *json_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Asserts the 422 shape and that some detail entry has the given path. */
static inline void assert_422_path(const cJSON *j, const char *path)
{
    ck_assert_ptr_nonnull(j);
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(j, "code")->valueint, 422);
    ck_assert_str_eq(json_str(j, "message"), "Invalid Request Body");
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "detail");
    ck_assert(cJSON_IsArray(d));
    ck_assert_int_ge(cJSON_GetArraySize(d), 1);
    bool found = false;
    const cJSON *it;
    cJSON_ArrayForEach(it, d)
    {
        ck_assert_ptr_nonnull(json_str(it, "path"));
        ck_assert_ptr_nonnull(json_str(it, "input"));
        ck_assert_ptr_nonnull(json_str(it, "message"));
        ck_assert_ptr_nonnull(json_str(it, "error_type"));
        if (strcmp(json_str(it, "path"), path) == 0)
            found = true;
    }
    ck_assert_msg(found, "no 422 detail with path %s", path);
}

/* Makes every emulator these tests start record its responses (for tests/contract/validate_responses.mjs)
 * into ./emu-responses unless CATENA_EMU_RECORD_DIR is already set. */
static inline void emu_test_record_responses(void)
{
    if (getenv("CATENA_EMU_RECORD_DIR"))
        return;
    char cwd[2048];
    if (!getcwd(cwd, sizeof cwd))
        return;
    char dir[2200];
    snprintf(dir, sizeof dir, "%s/emu-responses", cwd);
    mkdir(dir, 0755);
    setenv("CATENA_EMU_RECORD_DIR", dir, 0);
}

#endif
