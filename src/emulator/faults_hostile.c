#include "faults_hostile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <zlib.h>

#include "paging.h"

/* Serial of the fresh cursors of empty_pages, so that no two are the same. */
static uint64_t empty_serial;

/* An offset past the end of any list: a cursor at it reads as an empty page. */
#define PAST_ANY_END ((size_t)1000000000000ULL)

static void replace_number(cJSON *obj, const char *key)
{
    if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(obj, key)) ||
        cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(obj, key)))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key, cJSON_CreateNumber(EMU_HUGE_NUMBER));
}

static void replace_string(cJSON *obj, const char *key, const char *value)
{
    cJSON *s = cJSON_CreateString(value);
    if (cJSON_GetObjectItemCaseSensitive(obj, key))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key, s);
    else
        cJSON_AddItemToObject(obj, key, s);
}

static bool is_page(const cJSON *root)
{
    return cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "items")) &&
           cJSON_GetObjectItemCaseSensitive(root, "next_page");
}

static bool cursor_loop(const emu_request *req, cJSON *root)
{
    if (!is_page(root))
        return false;
    const char *own = query_get(&req->query, "cursor");
    if (!own || !*own) {
        /* A first page: its own cursor is current_page, which leads back to the same page. */
        const cJSON *cur = cJSON_GetObjectItemCaseSensitive(root, "current_page");
        own = cJSON_IsString(cur) ? cur->valuestring : NULL;
    }
    if (!own)
        return false;
    char *copy = xstrdup(own);
    replace_string(root, "next_page", copy);
    free(copy);
    return true;
}

static bool empty_pages(const emu_request *req, cJSON *root)
{
    if (!is_page(root))
        return false;
    uint64_t n = __atomic_add_fetch(&empty_serial, 1, __ATOMIC_RELAXED);
    strbuf c = STRBUF_INIT;
    page_cursor_put(&c, 'f', PAST_ANY_END + (size_t)n, query_fingerprint(&req->query));
    c.data[c.len - 1] = '\0'; /* drop the quotes */
    replace_string(root, "next_page", c.data + 1);
    strbuf_free(&c);
    cJSON_ReplaceItemInObjectCaseSensitive(root, "items", cJSON_CreateArray());
    return true;
}

static bool crlf_token(cJSON *root)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "access_token");
    if (!cJSON_IsString(t))
        return false;
    strbuf v = STRBUF_INIT;
    strbuf_puts(&v, t->valuestring);
    strbuf_puts(&v, "\r\nX-Injected: 1");
    replace_string(root, "access_token", v.data);
    strbuf_free(&v);
    return true;
}

static bool huge_numbers(cJSON *root, emu_response *resp)
{
    replace_number(root, "total");
    replace_number(root, "expires_in");
    cJSON *detail = cJSON_GetObjectItemCaseSensitive(root, "detail");
    if (cJSON_IsObject(detail))
        replace_number(detail, "retry_after_seconds");
    cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "items"))
    {
        if (cJSON_IsObject(it))
            replace_number(it, "model_year");
    }
    replace_number(root, "model_year"); /* a single vehicle */
    for (int i = 0; i < resp->n_headers; i++)
        if (strcasecmp(resp->header_name[i], "Retry-After") == 0)
            snprintf(resp->header_value[i], sizeof resp->header_value[i], "1e300");
    return true;
}

void faults_rewrite(const emu_request *req, emu_response *resp)
{
    if (resp->rewrite == HOSTILE_NONE)
        return;
    cJSON *root = cJSON_ParseWithLength(resp->body.data ? resp->body.data : "", resp->body.len);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return;
    }
    bool changed = false;
    switch (resp->rewrite) {
    case HOSTILE_CURSOR_LOOP:
        changed = cursor_loop(req, root);
        break;
    case HOSTILE_EMPTY_PAGES:
        changed = empty_pages(req, root);
        break;
    case HOSTILE_CRLF_TOKEN:
        changed = crlf_token(root);
        break;
    case HOSTILE_HUGE_NUMBERS:
        changed = huge_numbers(root, resp);
        break;
    default:
        break;
    }
    if (changed) {
        char *text = cJSON_PrintUnformatted(root);
        strbuf_reset(&resp->body);
        strbuf_puts(&resp->body, text);
        free(text);
    }
    cJSON_Delete(root);
}

void hostile_huge_429(emu_response *resp, bool with_header)
{
    resp->status = 429;
    strbuf_reset(&resp->body);
    strbuf_puts(&resp->body, "{\"code\":429,\"message\":\"Too Many Requests\",\"detail\":"
                             "{\"retry_after_seconds\":1e300,"
                             "\"message\":\"Rate limit exceeded, retry after 1e300 seconds\"}}");
    if (with_header)
        response_header(resp, "Retry-After", "1e300");
}

static void put_le32(strbuf *sb, uint32_t v)
{
    char b[4] = {(char)(v & 0xff), (char)((v >> 8) & 0xff), (char)((v >> 16) & 0xff), (char)((v >> 24) & 0xff)};
    strbuf_append(sb, b, 4);
}

/* A raw deflate of one block of zeros, flushed with Z_FULL_FLUSH: it references nothing before it, so
 * repeating it inflates to that many zeros per copy. Compressing the whole gigabyte would take seconds. */
void hostile_gzip_bomb(emu_response *resp)
{
    enum { BLOCK = 1024 * 1024 };
    unsigned char *zeros = xcalloc(1, BLOCK);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    strbuf block = STRBUF_INIT;
    if (deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) == Z_OK) {
        unsigned char out[16384];
        zs.next_in = zeros;
        zs.avail_in = BLOCK;
        do {
            zs.next_out = out;
            zs.avail_out = sizeof out;
            deflate(&zs, Z_FULL_FLUSH);
            strbuf_append(&block, (const char *)out, sizeof out - zs.avail_out);
        } while (zs.avail_out == 0);
        deflateEnd(&zs);
    }
    uLong block_crc = crc32(crc32(0L, Z_NULL, 0), zeros, BLOCK);
    free(zeros);
    resp->status = 200;
    resp->binary = true;
    strbuf_reset(&resp->body);
    static const char gzip_header[10] = {0x1f, (char)0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    strbuf_append(&resp->body, gzip_header, sizeof gzip_header);
    uLong crc = crc32(0L, Z_NULL, 0);
    for (uint64_t done = 0; done < EMU_GZIP_BOMB_INFLATED; done += BLOCK) {
        strbuf_append(&resp->body, block.data, block.len);
        crc = crc32_combine(crc, block_crc, BLOCK);
    }
    strbuf_free(&block);
    static const char final_empty_block[2] = {0x03, 0x00}; /* BFINAL, fixed Huffman, end of block */
    strbuf_append(&resp->body, final_empty_block, sizeof final_empty_block);
    put_le32(&resp->body, (uint32_t)crc);
    put_le32(&resp->body, (uint32_t)(EMU_GZIP_BOMB_INFLATED & 0xffffffffu));
    response_header(resp, "Content-Encoding", "gzip");
}

/* The endless page: a valid JSON prefix that never closes. */
static const char ENDLESS_HEAD[] = "{\"items\":[";
static const char ENDLESS_ITEM[] = "{\"id\":\"019b0000-0000-7000-8000-000000000000\",\"name\":\"endless\"},";

long hostile_endless_read(uint64_t pos, char *buf, size_t max)
{
    if (pos >= EMU_ENDLESS_LIMIT)
        return -1;
    const uint64_t head = sizeof ENDLESS_HEAD - 1, item = sizeof ENDLESS_ITEM - 1;
    if (max > EMU_ENDLESS_LIMIT - pos)
        max = (size_t)(EMU_ENDLESS_LIMIT - pos);
    size_t n = 0;
    while (n < max) {
        uint64_t at = pos + n;
        const char *src;
        size_t avail;
        if (at < head) {
            src = ENDLESS_HEAD + at;
            avail = (size_t)(head - at);
        } else {
            uint64_t k = (at - head) % item;
            src = ENDLESS_ITEM + k;
            avail = (size_t)(item - k);
        }
        if (avail > max - n)
            avail = max - n;
        memcpy(buf + n, src, avail);
        n += avail;
    }
    return (long)n;
}
