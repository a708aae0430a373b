/* ops_parse: time stamps of operations and the ResourceOperation(Read) JSON -> op_rec decoding. */
#include "core/ops_private.h"

#include "common/strbuf.h"
#include "common/uuid.h"
#include "core/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* RFC 3339 (also without a zone, read as UTC) -> Unix milliseconds. */
bool ops__parse_time(const char *s, int64_t *ms)
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

void ops__format_time(int64_t ms, char out[32])
{
    time_t secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;
    if (!gmtime_r(&secs, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, 32, "1970-01-01T00:00:00Z");
}

int64_t ops__wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t ops__server_now(const ops_tracker *t)
{
    return ops__wall_ms() + t->clock_offset_ms;
}

/* ts is a server timestamp known to be recent (a new op, a status that just changed): the
 * server's clock is at least that far. A few years off is a bad timestamp, not a clock. */
void ops__observe_server_time(ops_tracker *t, int64_t ts_ms)
{
    int64_t off = ts_ms - ops__wall_ms();
    if (off > 5LL * 365 * 86400000 || off < -5LL * 365 * 86400000)
        return;
    if (!t->offset_fresh || off > t->clock_offset_ms) {
        t->clock_offset_ms = off;
        t->offset_fresh = true;
    }
}

/* ------------------------------------------------------------------ parsing */

static int need_str(const cJSON *o, const char *k, char **out, char **err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!v || cJSON_IsNull(v)) {
        *err = ops__fmt("operation without required field '%s'", k);
        return -1;
    }
    if (!cJSON_IsString(v) || !v->valuestring) {
        *err = ops__fmt("operation field '%s' is not a string", k);
        return -1;
    }
    *out = text_sanitize_str(v->valuestring);
    return 0;
}

static int need_uuid(const cJSON *o, const char *k, char out[37], char **err)
{
    char *s = NULL;
    if (need_str(o, k, &s, err))
        return -1;
    uuid u;
    bool ok = uuid_parse(s, &u);
    free(s);
    if (!ok) {
        *err = ops__fmt("operation field '%s' is not a UUID", k);
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

int ops__parse(op_rec *r, const cJSON *o, bool *odd_status, char **err)
{
    memset(r, 0, sizeof *r);
    bool odd = false;
    if (odd_status)
        *odd_status = false;
    if (!cJSON_IsObject(o)) {
        *err = ops__fmt("the operation is not a JSON object");
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
        *err = ops__fmt("operation field 'status' is not a string");
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

int op_rec_from_json(op_rec *r, const char *json, size_t len, char **err)
{
    memset(r, 0, sizeof *r);
    cJSON *root = json ? cJSON_ParseWithLength(json, len) : NULL;
    if (!root) {
        *err = ops__fmt("malformed JSON");
        return -1;
    }
    int rc = ops__parse(r, root, NULL, err);
    cJSON_Delete(root);
    return rc;
}

void ops__log_clear(op_log *lg)
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
        ops__log_clear(&r->logs[i]);
    free(r->logs);
    memset(r, 0, sizeof *r);
}

