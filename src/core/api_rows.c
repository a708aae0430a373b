/* api_rows: a record of the resource table as it is shown: the cells of its list and listing
 * columns (api_cell) and its --json object (api_resource_row_json); see api_resources.h. */
#include "core/api_resources.h"

#include "common/strbuf.h"
#include "core/forms.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ --json rows */

/* One --json key of a row, typed as the table keeps the field. Numbers the store keeps as 0 when
 * the API sent none, and empty strings, are null. */
static void add_key(cJSON *o, const api_resource *r, const table *t, const void *row, const char *key,
                    const char *conn_id)
{
    const field_spec *f = api_resource_field(r, key);
    const char *p = (const char *)row + (f ? f->offset : 0);
    char buf[256];
    if (strcmp(key, "name") == 0 && r->name_of) {
        r->name_of(t, row, buf, sizeof buf);
        cJSON_AddStringToObject(o, key, buf);
        return;
    }
    switch (f ? f->store : ST_NONE) {
    case ST_UUID: {
        static const uuid zero;
        char s[UUID_STR_LEN];
        uuid_format((const uuid *)(const void *)p, s);
        if (f->req == REQ_NO && memcmp(p, &zero, sizeof zero) == 0) /* an optional id not given */
            cJSON_AddNullToObject(o, key);
        else
            cJSON_AddStringToObject(o, key, s);
        return;
    }
    case ST_STR: {
        sref ref;
        memcpy(&ref, p, sizeof ref);
        const char *s = table_str(t, ref);
        size_t kl = strlen(key);
        bool ids = kl > 4 && strcmp(key + kl - 4, "_ids") == 0; /* a list of ids kept joined by ", " */
        if ((*s && f->type == FT_ENUM_LIST) || ids) {
            cJSON *arr = cJSON_AddArrayToObject(o, key);
            for (const char *q = s; *q;) { /* kept as "a, b" */
                size_t n = strcspn(q, ",");
                char *item = xstrndup(q, n);
                cJSON_AddItemToArray(arr, cJSON_CreateString(item));
                free(item);
                q += n;
                q += strspn(q, ", ");
            }
        } else if (*s)
            cJSON_AddStringToObject(o, key, s);
        else
            cJSON_AddNullToObject(o, key);
        return;
    }
    case ST_I16:
    case ST_F32: {
        int16_t n = 0;
        float x = 0;
        if (f->store == ST_I16)
            memcpy(&n, p, sizeof n);
        else
            memcpy(&x, p, sizeof x);
        double v = f->store == ST_I16 ? n : (double)x;
        if (v > 0)
            cJSON_AddNumberToObject(o, key, v);
        else
            cJSON_AddNullToObject(o, key);
        return;
    }
    case ST_BOOL: cJSON_AddBoolToObject(o, key, *(const uint8_t *)p); return;
    case ST_NONE: break;
    }
    if (strcmp(key, "connection_id") == 0)
        cJSON_AddStringToObject(o, key, conn_id);
    else
        cJSON_AddNullToObject(o, key);
}

char *api_resource_row_json(const api_resource *r, const table *t, const void *row, const char *connection_id)
{
    cJSON *o = cJSON_CreateObject();
    for (const char *const *k = r->json_keys; *k; k++)
        add_key(o, r, t, row, *k, connection_id ? connection_id : "");
    char *p = cJSON_PrintUnformatted(o);
    char *out = xstrdup(p ? p : "{}");
    cJSON_free(p);
    cJSON_Delete(o);
    return out;
}

/* ------------------------------------------------------------------ cells */

void api_local_time(const char *iso, char *buf, size_t cap)
{
    struct tm tm = {0};
    int off_h = 0, off_m = 0;
    char sign = 0;
    if (cap)
        buf[0] = '\0';
    if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                       &tm.tm_sec) != 6)
        return;
    const char *z = iso + 19;
    z += strspn(z, ".0123456789");
    if ((*z == '+' || *z == '-') && sscanf(z + 1, "%2d:%2d", &off_h, &off_m) == 2)
        sign = *z;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t at = timegm(&tm);
    if (sign)
        at -= (sign == '+' ? 1 : -1) * (time_t)(off_h * 3600 + off_m * 60);
    struct tm local;
    if (at == (time_t)-1 || !localtime_r(&at, &local) || strftime(buf, cap, "%Y-%m-%d %H:%M", &local) == 0)
        snprintf(buf, cap, "%s", "");
}

/* Cells are drawn and filtered per row: no printf for plain text. */
static size_t copy_at(char *buf, size_t cap, size_t at, const char *s)
{
    size_t n = strlen(s);
    if (at >= cap)
        return at;
    if (n >= cap - at)
        n = cap - at - 1;
    memcpy(buf + at, s, n);
    buf[at + n] = '\0';
    return at + n;
}

/* A number wider than its fixed column is shown as #### (as spreadsheets do), never cut to digits
 * that read as another number (a model year of 1e300, clamped to 32767, would read "327…"). */
static void number_fits(const api_column *c, char *buf, size_t cap)
{
    size_t n = strlen(buf);
    if (c->width <= 0 || c->flex || n <= (size_t)c->width)
        return;
    size_t w = (size_t)c->width < cap ? (size_t)c->width : cap - 1;
    memset(buf, '#', w);
    buf[w] = '\0';
}

void api_cell(const api_column *c, const table *t, const void *row, char *buf, size_t cap)
{
    if (cap == 0)
        return;
    buf[0] = '\0';
    if (c->cell) {
        c->cell(t, row, buf, cap);
        return;
    }
    const char *p = (const char *)row + c->offset;
    switch (c->type) {
    case ST_UUID: {
        static const uuid zero;
        char s[UUID_STR_LEN];
        uuid_format((const uuid *)(const void *)p, s);
        if (memcmp(p, &zero, sizeof zero) != 0) /* an optional id not given: empty */
            copy_at(buf, cap, 0, s);
        return;
    }
    case ST_STR: {
        sref r, r2 = 0;
        memcpy(&r, p, sizeof r);
        if (c->offset2)
            memcpy(&r2, (const char *)row + c->offset2, sizeof r2);
        const char *a = table_str(t, r), *b = table_str(t, r2);
        size_t at = copy_at(buf, cap, 0, a);
        if (*a && *b)
            at = copy_at(buf, cap, at, " ");
        copy_at(buf, cap, at, b);
        return;
    }
    case ST_I16: {
        int16_t v;
        memcpy(&v, p, sizeof v);
        if (v > 0)
            snprintf(buf, cap, c->fmt ? c->fmt : "%d", v);
        number_fits(c, buf, cap);
        return;
    }
    case ST_F32: {
        float v;
        memcpy(&v, p, sizeof v);
        if (v > 0)
            snprintf(buf, cap, c->fmt ? c->fmt : "%g", (double)v);
        number_fits(c, buf, cap);
        return;
    }
    case ST_BOOL:
        copy_at(buf, cap, 0, *(const uint8_t *)p ? "yes" : "no");
        return;
    case ST_NONE:
        return;
    }
}
