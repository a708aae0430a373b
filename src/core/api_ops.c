/* api_ops: the API's timestamps, the ResourceOperation(Read) JSON -> op_rec decoding, the paths of
 * the operation requests and the JSON of the operations journal. */
#include "core/api_ops.h"

#include "common/err.h"
#include "common/strbuf.h"
#include "core/api.h"
#include "core/text.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *op_status_name(op_status s)
{
    switch (s) {
    case OP_PENDING:
        return "pending";
    case OP_SUCCESS:
        return "success";
    case OP_FAILED:
        return "failed";
    case OP_UNKNOWN:
        break;
    }
    return "unknown";
}

void op_log_clear(op_log *lg)
{
    free(lg->created_at);
    free(lg->status);
    free(lg->error_type);
    free(lg->error_details);
}

void op_rec_clear(op_rec *r)
{
    if (!r)
        return;
    free(r->resource);
    free(r->operation_type);
    free(r->resource_id);
    free(r->source_id);
    free(r->source_name);
    free(r->created_at);
    free(r->updated_at);
    free(r->payload_json);
    free(r->target_id);
    free(r->label);
    for (int i = 0; i < r->nlogs; i++)
        op_log_clear(&r->logs[i]);
    free(r->logs);
    memset(r, 0, sizeof *r);
}

/* ------------------------------------------------------------------ time */

static bool take_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

bool api_time_parse(const char *s, int64_t *ms)
{
    if (!s)
        return false;
    const char *p = s;
    int y, mo, d, h, mi, se;
    if (!take_digits(&p, 4, &y) || *p++ != '-' || !take_digits(&p, 2, &mo) || *p++ != '-' || !take_digits(&p, 2, &d))
        return false;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return false;
    p++;
    if (!take_digits(&p, 2, &h) || *p++ != ':' || !take_digits(&p, 2, &mi) || *p++ != ':' || !take_digits(&p, 2, &se))
        return false;
    int frac = 0;
    if (*p == '.') {
        p++;
        int used = 0, seen = 0;
        while (*p >= '0' && *p <= '9') {
            if (used < 3) {
                frac = frac * 10 + (*p - '0');
                used++;
            }
            seen++;
            p++;
        }
        if (!seen)
            return false;
        for (; used < 3; used++)
            frac *= 10;
    }
    int off_min = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, oh, om;
        p++;
        if (!take_digits(&p, 2, &oh))
            return false;
        if (*p == ':')
            p++;
        if (!take_digits(&p, 2, &om) || oh > 23 || om > 59)
            return false;
        off_min = sign * (oh * 60 + om);
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return false;
    int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
    *ms = ((days * 86400 + h * 3600 + mi * 60 + se) - (int64_t)off_min * 60) * 1000 + frac;
    return true;
}

void api_time_format(int64_t ms, char out[32])
{
    time_t secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;
    if (!gmtime_r(&secs, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
        snprintf(out, 32, "1970-01-01T00:00:00Z");
    } else if (ms % 1000 != 0) { /* "...:SS.mmmZ": only when there is a fraction */
        int frac = (int)(ms - (int64_t)secs * 1000);
        snprintf(out + 19, 13, ".%03dZ", frac);
    }
}

/* ------------------------------------------------------------------ parsing */

static int need_str(const cJSON *o, const char *k, char **out, char **err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!v || cJSON_IsNull(v)) {
        *err = xasprintf("operation without required field '%s'", k);
        return -1;
    }
    if (!cJSON_IsString(v) || !v->valuestring) {
        *err = xasprintf("operation field '%s' is not a string", k);
        return -1;
    }
    *out = text_sanitize_str(v->valuestring);
    return 0;
}

static int need_uuid(const cJSON *o, const char *k, char out[UUID_STR_LEN], char **err)
{
    char *s = NULL;
    if (need_str(o, k, &s, err))
        return -1;
    uuid u;
    bool ok = uuid_parse(s, &u);
    free(s);
    if (!ok) {
        *err = xasprintf("operation field '%s' is not a UUID", k);
        return -1;
    }
    uuid_format(&u, out);
    return 0;
}

/* An optional string: missing, null, empty or not a string -> NULL. */
static char *opt_str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsString(v) || !v->valuestring || !v->valuestring[0])
        return NULL;
    return text_sanitize_str(v->valuestring);
}

static op_status status_from(const char *s, bool *odd)
{
    *odd = false;
    if (strcmp(s, "pending") == 0)
        return OP_PENDING;
    if (strcmp(s, "success") == 0)
        return OP_SUCCESS;
    if (strcmp(s, "failed") == 0)
        return OP_FAILED;
    *odd = true;
    return OP_UNKNOWN;
}

static void parse_logs(op_rec *r, const cJSON *logs)
{
    if (!cJSON_IsArray(logs))
        return;
    int n = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, logs) if (cJSON_IsObject(it)) n++;
    if (!n)
        return;
    r->logs = xcalloc((size_t)n, sizeof *r->logs);
    cJSON_ArrayForEach(it, logs)
    {
        if (!cJSON_IsObject(it))
            continue;
        op_log *lg = &r->logs[r->nlogs++];
        lg->created_at = opt_str(it, "created_at");
        lg->status = opt_str(it, "status");
        lg->error_type = opt_str(it, "error_type");
        lg->error_details = opt_str(it, "error_details");
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(it, "response_status_code");
        lg->response_status_code = cJSON_IsNumber(c) && c->valuedouble >= 0 && c->valuedouble < 1000
                                       ? (int)c->valuedouble
                                       : -1;
    }
}

/* One ResourceOperation object into r; -1 with *err. */
static int parse_op(op_rec *r, const cJSON *o, bool *odd_status, char **err)
{
    memset(r, 0, sizeof *r);
    bool odd = false;
    if (odd_status)
        *odd_status = false;
    if (!cJSON_IsObject(o)) {
        *err = xasprintf("the operation is not a JSON object");
        return -1;
    }
    if (need_uuid(o, "id", r->id, err) || need_uuid(o, "connection_id", r->connection_id, err) ||
        need_str(o, "resource", &r->resource, err) || need_str(o, "operation_type", &r->operation_type, err)) {
        op_rec_clear(r);
        return -1;
    }
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "status");
    if (!st || cJSON_IsNull(st)) {
        r->status = OP_PENDING; /* a write response without one: polling will tell */
    } else if (!cJSON_IsString(st) || !st->valuestring) {
        *err = xasprintf("operation field 'status' is not a string");
        op_rec_clear(r);
        return -1;
    } else {
        r->status = status_from(st->valuestring, &odd);
    }
    r->resource_id = opt_str(o, "resource_id");
    r->source_id = opt_str(o, "source_id");
    r->source_name = opt_str(o, "source_name");
    r->created_at = opt_str(o, "created_at");
    r->updated_at = opt_str(o, "updated_at");
    const cJSON *pl = cJSON_GetObjectItemCaseSensitive(o, "payload");
    if (pl && !cJSON_IsNull(pl)) {
        char *js = cJSON_PrintUnformatted(pl);
        if (js) {
            r->payload_json = text_sanitize_str(js);
            cJSON_free(js);
        }
    }
    parse_logs(r, cJSON_GetObjectItemCaseSensitive(o, "logs"));
    if (odd_status)
        *odd_status = odd;
    return 0;
}

int api_op_decode(const char *json, size_t len, op_rec *r, bool *odd_status, char **err)
{
    memset(r, 0, sizeof *r);
    if (odd_status)
        *odd_status = false;
    cJSON *root = json ? cJSON_ParseWithLength(json, len) : NULL;
    if (!root) {
        *err = xasprintf("malformed JSON");
        return -1;
    }
    int rc = parse_op(r, root, odd_status, err);
    cJSON_Delete(root);
    return rc;
}

/* The items of a page into pg; unreadable ones are skipped (one does not hold up the others). */
static void decode_items(const cJSON *items, api_op_page *pg)
{
    memset(pg, 0, sizeof *pg);
    int n = cJSON_GetArraySize(items);
    pg->ops = xcalloc(n > 0 ? (size_t)n : 1, sizeof *pg->ops);
    pg->odd = xcalloc(n > 0 ? (size_t)n : 1, sizeof *pg->odd);
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        pg->nitems++;
        char *e = NULL;
        if (parse_op(&pg->ops[pg->n], it, &pg->odd[pg->n], &e) != 0) {
            free(e);
            continue;
        }
        pg->n++;
    }
}

static void page_clear(api_op_page *pg)
{
    for (size_t i = 0; i < pg->n; i++)
        op_rec_clear(&pg->ops[i]);
    free(pg->ops);
    free(pg->odd);
}

/* ------------------------------------------------------------------ requests */

typedef struct ops_load {
    api_ops_page_cb on_page;
    api_pager_done_cb on_done;
    void *ud;
} ops_load;

static int on_load_page(void *ud, const api_page *page, char **err)
{
    (void)err;
    ops_load *ld = ud;
    api_op_page pg;
    decode_items(page->items, &pg);
    pg.more = page->more != 0;
    ld->on_page(ld->ud, &pg);
    page_clear(&pg);
    return 0;
}

static void on_load_done(void *ud, const api_pager_result *res)
{
    ops_load *ld = ud;
    ld->on_done(ld->ud, res);
    free(ld);
}

api_pager *api_ops_list_start(api *a, const char *connection_id, int64_t from_ms, const char *cursor, int page_size,
                              int max_pages, api_ops_page_cb on_page, api_pager_done_cb on_done, void *ud)
{
    strbuf extra = STRBUF_INIT;
    if (from_ms >= 0) {
        char ts[32];
        api_time_format(from_ms, ts);
        strbuf_puts(&extra, "from_datetime=");
        strbuf_put_urlencoded(&extra, ts);
    }
    char *path = api_list_path("resource_operation", connection_id, extra.data);
    strbuf_free(&extra);
    ops_load *ld = xcalloc(1, sizeof *ld);
    *ld = (ops_load){on_page, on_done, ud};
    /* A budget: at max_pages the load ends API_OK with the last page's `more` set, and the pager
     * sends no request ahead for a page that will not be taken. */
    api_pager_req req = {.path_query = path,
                         .page_size = page_size > 0 && page_size <= API_PAGE_SIZE_MAX ? page_size : API_PAGE_SIZE_MAX,
                         .max_pages = max_pages > 0 ? max_pages : API_PAGER_MAX_PAGES,
                         .max_is_budget = true,
                         .start_cursor = cursor,
                         .on_page = on_load_page,
                         .on_done = on_load_done,
                         .ud = ld};
    api_pager *pg = api_pager_start(a, &req);
    free(path);
    return pg;
}

/* ------------------------------------------------------------------ the journal file */

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
}

static cJSON *journal_op_to_json(const api_journal_op *j)
{
    const op_rec *r = &j->r;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", r->id);
    cJSON_AddStringToObject(o, "connection_id", r->connection_id);
    add_str(o, "resource", r->resource);
    add_str(o, "operation_type", r->operation_type);
    cJSON_AddStringToObject(o, "status", op_status_name(r->status));
    add_str(o, "resource_id", r->resource_id);
    add_str(o, "source_id", r->source_id);
    add_str(o, "source_name", r->source_name);
    add_str(o, "created_at", r->created_at);
    add_str(o, "updated_at", r->updated_at);
    cJSON *pl = r->payload_json ? cJSON_Parse(r->payload_json) : NULL;
    if (pl)
        cJSON_AddItemToObject(o, "payload", pl);
    if (r->nlogs > 0) {
        cJSON *logs = cJSON_AddArrayToObject(o, "logs");
        for (int i = 0; i < r->nlogs; i++) {
            const op_log *lg = &r->logs[i];
            cJSON *l = cJSON_CreateObject();
            add_str(l, "created_at", lg->created_at);
            add_str(l, "status", lg->status);
            add_str(l, "error_type", lg->error_type);
            add_str(l, "error_details", lg->error_details);
            if (lg->response_status_code >= 0)
                cJSON_AddNumberToObject(l, "response_status_code", lg->response_status_code);
            cJSON_AddItemToArray(logs, l);
        }
    }
    add_str(o, "label", r->label);
    add_str(o, "target_id", r->target_id);
    cJSON_AddBoolToObject(o, "poll", j->poll);
    cJSON_AddNumberToObject(o, "created_ms", (double)j->created_ms);
    return o;
}

char *api_journal_encode(int64_t clock_offset_ms, const api_journal_op *const *ops, size_t n)
{
    strbuf sb = STRBUF_INIT;
    strbuf_printf(&sb, "{\"version\":1,\"clock_offset_ms\":%lld,\"ops\":[", (long long)clock_offset_ms);
    for (size_t i = 0; i < n; i++) {
        cJSON *o = journal_op_to_json(ops[i]);
        char *js = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        strbuf_puts(&sb, i ? ",\n" : "\n");
        strbuf_puts(&sb, js ? js : "null");
        cJSON_free(js);
    }
    strbuf_puts(&sb, "\n]}\n");
    return strbuf_detach(&sb);
}

/* A number the journal holds as int64 milliseconds, if it is one (a hostile file may hold 1e300). */
static bool get_ms(const cJSON *o, const char *k, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || fabs(v->valuedouble) > 1e15)
        return false;
    *out = (int64_t)v->valuedouble;
    return true;
}

int api_journal_decode(const char *text, size_t len, api_journal *j, char **err)
{
    memset(j, 0, sizeof *j);
    cJSON *root = text && len ? cJSON_ParseWithLength(text, len) : NULL;
    const cJSON *list = cJSON_IsArray(root) ? root : cJSON_GetObjectItemCaseSensitive(root, "ops");
    if (!cJSON_IsArray(list)) {
        *err = xasprintf("%s", !root ? "not valid JSON" : "no list of operations");
        cJSON_Delete(root);
        return -1;
    }
    int64_t off;
    if (get_ms(root, "clock_offset_ms", &off) && off > -1000000000000LL && off < 1000000000000LL) {
        j->has_clock_offset = true;
        j->clock_offset_ms = off;
    }
    int cap = cJSON_GetArraySize(list);
    j->ops = xcalloc(cap > 0 ? (size_t)cap : 1, sizeof *j->ops);
    const cJSON *it;
    cJSON_ArrayForEach(it, list)
    {
        api_journal_op *o = &j->ops[j->n];
        char *e = NULL;
        if (parse_op(&o->r, it, NULL, &e) != 0) {
            free(e); /* one bad record does not cost the others */
            j->skipped++;
            continue;
        }
        o->r.mine = true;
        o->r.label = opt_str(it, "label");
        o->r.target_id = opt_str(it, "target_id");
        o->poll = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "poll"));
        o->has_created_ms = get_ms(it, "created_ms", &o->created_ms);
        j->n++;
    }
    cJSON_Delete(root);
    return 0;
}

void api_journal_clear(api_journal *j)
{
    for (size_t i = 0; i < j->n; i++)
        op_rec_clear(&j->ops[i].r);
    free(j->ops);
    memset(j, 0, sizeof *j);
}
